//! A ranking as a decision published it: each result at the newest version published by that
//! decision or one it amends, scored by the same code as the stored ranking.

use entity::result;
use sea_orm::ConnectionTrait;

use super::versions;
use crate::catalog::GroupKey;
use crate::page::{Page, PageRequest};
use crate::ranking::{ResultView, group, rescore, view};
use crate::{Error, Result, decisions};

/// The ranking of a group as the decision numbered `number` published it. Results that no
/// decision of its chain published are not in it.
pub async fn ranking(
    db: &impl ConnectionTrait,
    group: GroupKey,
    number: &str,
    request: PageRequest,
) -> Result<Page<ResultView>> {
    let as_of = decisions::require(db, group.jurisdiction_id, number).await?;
    let chain = decisions::chain(
        &decisions::amendments(db, group.jurisdiction_id).await?,
        as_of.id,
    );
    let current = group::rows(db, group).await?;
    let versions = versions::of_rows(db, &current).await?;
    let rows: Vec<result::Model> = current
        .into_iter()
        .filter_map(|row| {
            let published = versions
                .get(&row.id)?
                .iter()
                .filter_map(|v| {
                    let place = chain.iter().position(|id| Some(*id) == v.decision_id)?;
                    Some((place, v))
                })
                // nearest decision in the chain first, then the newest version
                .min_by_key(|(place, v)| (*place, -v.version))?
                .1;
            Some(result::Model {
                decision_id: published.decision_id,
                version: Some(published.version),
                recorded_at: Some(published.recorded_at.clone()),
                ..published.values.in_place_of(row)
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(Error::NotFound(format!(
            "`{number}` published no {} {} results here (nor did a decision it amends)",
            group.year, group.tier
        )));
    }
    let (scheme, scored) = rescore::score_rows(db, group, &rows).await?;
    let group_size = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    let mut rows: Vec<result::Model> = rows
        .into_iter()
        .zip(scored)
        .map(|(row, scored)| rescore::with_computed(row, scheme.id, scored, group_size))
        .collect();
    rows.sort_by_key(|row| row.position);
    let rows = Page::of_all(rows, request);
    Ok(Page {
        items: view::views(db, rows.items).await?,
        total: rows.total,
    })
}
