//! Writing computed values next to the published ones, so reads never re-rank.
//!
//! Called inside the transaction of every write that changes a group (imports, amendments,
//! scheme changes): the group is re-scored as a whole, because one new result can
//! move every rank. The rule itself is [`crate::scoring`]; this module feeds it a group's rows
//! and stores what it derives, writing only the rows whose values changed.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{ExactDecimal, agency, result};
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel};

use super::group;
use crate::catalog::{GroupKey, schemes};
use crate::db::bulk;
use crate::db::ids::pairs_by_ids;
use crate::published::PublishedValues;
use crate::scoring::{self, Member, Scheme, Scored};
use crate::{Error, Result};

/// Re-scores every result of `group` under the group's scheme and stores the computed values
/// that changed.
pub async fn rescore_group(db: &impl ConnectionTrait, group: GroupKey) -> Result<()> {
    let rows = group::rows(db, group)
        .await?
        .into_iter()
        .map(|row| (row, Change::None))
        .collect();
    write_group(db, group, rows, &mut |_| {}).await
}

/// What a write does to a row of a group before the group is re-scored.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// Stored and untouched: written again only if its computed values move.
    None,
    /// Stored, with new published values (an amendment): always written.
    Published,
    /// Not stored yet (its `id` is meaningless): inserted.
    New,
}

/// Scores `rows`, the whole membership of `group` as the write leaves it, and stores them:
/// new rows inserted in batches, changed rows updated, untouched rows updated only where their
/// computed values moved. `inserted` hears how many new rows each batch stored (for progress).
pub async fn write_group(
    db: &impl ConnectionTrait,
    group: GroupKey,
    rows: Vec<(result::Model, Change)>,
    inserted: &mut impl FnMut(usize),
) -> Result<()> {
    let (models, changes): (Vec<result::Model>, Vec<Change>) = rows.into_iter().unzip();
    let (scheme, scored) = score_rows(db, group, &models).await?;
    let group_size = i32::try_from(models.len()).unwrap_or(i32::MAX);
    let mut inserts = Vec::with_capacity(models.len());
    for ((row, change), scored) in models.into_iter().zip(changes).zip(scored) {
        let computed = |row| with_computed(row, scheme.id, scored, group_size);
        match change {
            Change::New => {
                let mut active = computed(row).into_active_model();
                active.id = sea_orm::NotSet;
                inserts.push(active);
            }
            Change::Published => {
                force_update(computed(row)).update(db).await?;
            }
            Change::None => {
                let scored_row = computed(row.clone());
                if scored_row != row {
                    force_update(scored_row).update(db).await?;
                }
            }
        }
    }
    bulk::insert(db, inserts, inserted).await
}

/// An active model that writes every column of `row` (an update of a row whose values moved).
fn force_update(row: result::Model) -> result::ActiveModel {
    row.into_active_model().reset_all()
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
    let sort_keys: HashMap<i32, String> = pairs_by_ids::<agency::Entity, String>(
        db,
        agency::Column::Id,
        agency::Column::SortKey,
        rows.iter().map(|row| row.agency_id),
    )
    .await?
    .into_iter()
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

/// `row` holding what scoring derived for it under scheme `scheme_id` in a group of
/// `group_size`.
pub fn with_computed(
    row: result::Model,
    scheme_id: i32,
    scored: Scored,
    group_size: i32,
) -> result::Model {
    result::Model {
        scheme_id,
        required_points: scored
            .required_points
            .map(|value| ExactDecimal(value.normalize())),
        rate_percent: scored
            .rate_percent
            .and_then(|rate| rate.approximate())
            .map(ExactDecimal),
        converted_score: scored
            .converted_score
            .and_then(|score| score.approximate())
            .map(ExactDecimal),
        level_code: scored.level_code,
        rank: scored.placement.rank,
        tied_with: scored.placement.tied_with,
        position: scored.placement.position,
        group_size,
        ..row
    }
}
