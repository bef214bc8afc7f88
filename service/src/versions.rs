//! Published versions of results. Every write of published values adds a version; an amending
//! decision adds one more and keeps the old. A ranking "as of" a decision is rebuilt from the
//! versions that decision and the ones it amends had published, scored like the current one.

use std::collections::HashMap;

use entity::{decision, result, result_version};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, IntoActiveModel, NotSet,
    QueryFilter, QueryOrder, Set, TryIntoModel,
};

use crate::id_list::find_by_ids;
use crate::page::{Page, PageRequest};
use crate::results::{self, ResultView};
use crate::scope::GroupKey;
use crate::{Error, Result, audit, materialise};

/// Records the published values `row` now holds as its version `version`.
pub(crate) async fn append(
    db: &impl ConnectionTrait,
    row: &result::Model,
    version: i32,
) -> Result<()> {
    result_version::ActiveModel {
        id: NotSet,
        result_id: Set(row.id),
        version: Set(version),
        decision_id: Set(row.decision_id),
        recorded_at: Set(audit::now()),
        max_points: Set(row.max_points),
        excluded_points: Set(row.excluded_points),
        required_points: Set(row.required_points),
        achieved_points: Set(row.achieved_points),
        published_rank: Set(row.published_rank),
        published_rate_percent: Set(row.published_rate_percent),
        published_converted_score: Set(row.published_converted_score),
        published_level_code: Set(row.published_level_code.clone()),
    }
    .insert(db)
    .await?;
    Ok(())
}

/// The newest version number of each of several results (absent when none is recorded), read
/// at once for a whole amending table.
pub(crate) async fn newest(
    db: &impl ConnectionTrait,
    result_ids: &[i32],
) -> Result<HashMap<i32, i32>> {
    Ok(of_results(db, result_ids)
        .await?
        .into_iter()
        .filter_map(|(id, versions)| Some((id, versions.last()?.version)))
        .collect())
}

/// The versions of several results, each oldest first.
pub async fn of_results(
    db: &impl ConnectionTrait,
    result_ids: &[i32],
) -> Result<HashMap<i32, Vec<result_version::Model>>> {
    let mut by_result: HashMap<i32, Vec<result_version::Model>> = HashMap::new();
    for version in find_by_ids(
        db,
        result_version::Entity::find().order_by_asc(result_version::Column::Version),
        result_version::Column::ResultId,
        result_ids.iter().copied(),
    )
    .await?
    {
        by_result
            .entry(version.result_id)
            .or_default()
            .push(version);
    }
    Ok(by_result)
}

/// A decision and the ones it amends, nearest first: `102/QĐ-UBND`, then `3402/QĐ-UBND`.
/// `decisions` maps id to the decision it amends.
pub(crate) fn chain(decisions: &HashMap<i32, Option<i32>>, decision_id: i32) -> Vec<i32> {
    let mut chain = vec![decision_id];
    while let Some(Some(amended)) = chain.last().and_then(|id| decisions.get(id)) {
        if chain.contains(amended) {
            break; // a cycle cannot be stored, but a loop here must never hang a request
        }
        chain.push(*amended);
    }
    chain
}

/// Every decision of a jurisdiction: id -> the decision it amends.
pub(crate) async fn amendments(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
) -> Result<HashMap<i32, Option<i32>>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::JurisdictionId.eq(jurisdiction_id))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d.amends_id))
        .collect())
}

/// The ranking of a group as the decision numbered `number` published it: each result at the
/// newest version published by that decision or one it amends, re-scored under the group's
/// scheme. Results that no decision of the chain published are not in it.
pub async fn ranking_as_of(
    db: &impl ConnectionTrait,
    group: GroupKey,
    number: &str,
    page: PageRequest,
) -> Result<Page<ResultView>> {
    let as_of = decision::Entity::find()
        .filter(decision::Column::JurisdictionId.eq(group.jurisdiction_id))
        .filter(decision::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no decision numbered `{number}`")))?;
    let chain = chain(&amendments(db, group.jurisdiction_id).await?, as_of.id);
    let current = results::group_rows(db, group).await?;
    let versions = of_results(db, &current.iter().map(|row| row.id).collect::<Vec<_>>()).await?;
    let mut rows: Vec<result::Model> = current
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
                max_points: published.max_points,
                excluded_points: published.excluded_points,
                required_points: published.required_points,
                achieved_points: published.achieved_points,
                published_rank: published.published_rank,
                published_rate_percent: published.published_rate_percent,
                published_converted_score: published.published_converted_score,
                published_level_code: published.published_level_code.clone(),
                ..row
            })
        })
        .collect();
    if rows.is_empty() {
        return Err(Error::NotFound(format!(
            "`{number}` published no {} {} results here (nor did a decision it amends)",
            group.year, group.tier
        )));
    }
    let (scheme, scored) = materialise::score_rows(db, group, &rows).await?;
    let group_size = i32::try_from(rows.len()).unwrap_or(i32::MAX);
    for (row, scored) in rows.iter_mut().zip(scored) {
        let mut active = row.clone().into_active_model();
        materialise::set_computed(&mut active, scheme.id, scored, group_size);
        *row = active
            .try_into_model()
            .map_err(|error| Error::Corrupt(format!("as-of row: {error}")))?;
    }
    rows.sort_by_key(|row| row.position);
    let rows = Page::of_all(rows, page);
    Ok(Page {
        items: results::views(db, rows.items).await?,
        total: rows.total,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_chain_runs_from_the_decision_to_the_first_it_amends() {
        let decisions = HashMap::from([(1, None), (2, Some(1)), (3, Some(2)), (4, None)]);
        assert_eq!(chain(&decisions, 3), vec![3, 2, 1]);
        assert_eq!(chain(&decisions, 1), vec![1]);
        assert_eq!(chain(&decisions, 4), vec![4]);
    }

    #[test]
    fn a_chain_stops_at_a_cycle() {
        let decisions = HashMap::from([(1, Some(2)), (2, Some(1))]);
        assert_eq!(chain(&decisions, 1), vec![1, 2]);
    }
}
