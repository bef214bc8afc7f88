//! Writing computed values next to the published ones, so reads never re-rank.
//!
//! Called inside the transaction of every write that changes a group (imports, amendments,
//! scheme changes): the group is re-scored as a whole, because one new result can
//! move every rank. The rule itself is [`crate::scoring`]; this module feeds it a group's rows
//! and stores what it derives.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{ExactDecimal, agency, result};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, IntoActiveModel, Set};

use super::group;
use crate::catalog::{GroupKey, schemes};
use crate::db::ids::find_by_ids;
use crate::published::PublishedValues;
use crate::scoring::{self, Member, Scheme, Scored};
use crate::{Error, Result};

/// Re-scores every result of `group` under the group's scheme and stores the computed values.
pub async fn rescore_group(db: &impl ConnectionTrait, group: GroupKey) -> Result<()> {
    let rows = group::rows(db, group).await?;
    let (scheme, scored) = score_rows(db, group, &rows).await?;
    let group_size = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    for (row, scored) in rows.into_iter().zip(scored) {
        let mut active = row.into_active_model();
        set_computed(&mut active, scheme.id, scored, group_size);
        active.update(db).await?;
    }
    Ok(())
}

/// Scores `rows`, the whole of `group` (stored or as an earlier decision published it), under
/// the group's scheme, without writing: the scheme, and what scoring derives for each row.
pub async fn score_rows(
    db: &impl ConnectionTrait,
    group: GroupKey,
    rows: &[result::Model],
) -> Result<(Arc<Scheme>, Vec<Scored>)> {
    let scheme = schemes::for_group(db, group).await?.ok_or_else(|| {
        Error::BadInput(format!(
            "no scoring scheme for {} {} or any earlier year",
            group.tier, group.year
        ))
    })?;
    let sort_keys: HashMap<i32, String> = find_by_ids(
        db,
        agency::Entity::find(),
        agency::Column::Id,
        rows.iter().map(|row| row.agency_id),
    )
    .await?
    .into_iter()
    .map(|agency| (agency.id, agency.sort_key))
    .collect();
    let members: Vec<Member> = rows
        .iter()
        .map(|row| {
            let published = PublishedValues::from(row);
            Member {
                points: published.points(),
                score: published.score,
                published_rate_percent: published.rate_percent,
                published_rank: published.rank,
                sort_key: sort_keys.get(&row.agency_id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let scored = scoring::score_group(&scheme, &members);
    Ok((scheme, scored))
}

/// Sets the computed columns of a result row from what scoring derived.
pub fn set_computed(
    active: &mut result::ActiveModel,
    scheme_id: i32,
    scored: Scored,
    group_size: i32,
) {
    active.scheme_id = Set(scheme_id);
    active.required_points = Set(scored
        .required_points
        .map(|value| ExactDecimal(value.normalize())));
    active.rate_percent = Set(scored
        .rate_percent
        .and_then(|rate| rate.approximate())
        .map(ExactDecimal));
    active.converted_score = Set(scored
        .converted_score
        .and_then(|score| score.approximate())
        .map(ExactDecimal));
    active.level_code = Set(scored.level_code);
    active.rank = Set(scored.placement.rank);
    active.tied_with = Set(scored.placement.tied_with);
    active.position = Set(scored.placement.position);
    active.group_size = Set(group_size);
}
