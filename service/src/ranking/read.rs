//! Reading rankings: a page of a year's ranking, results by id, agencies' series and the years
//! with data. Reads only order and filter materialised values; they never re-rank.

use std::collections::HashMap;

use entity::result;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::group;
use super::view::{ResultView, views};
use crate::catalog::{GroupKey, Scope};
use crate::db::ids::find_by_ids;
use crate::page::{Page, PageRequest};
use crate::{Error, Result, Tier};

/// One page of a ranking, in published order: by rank, then Vietnamese alphabetical order.
pub async fn page(
    db: &impl ConnectionTrait,
    group: GroupKey,
    request: PageRequest,
) -> Result<Page<ResultView>> {
    let query = group::query(group);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(result::Column::Position)
        .offset(request.offset)
        .limit(request.limit)
        .all(db)
        .await?;
    Ok(Page {
        items: views(db, rows).await?,
        total,
    })
}

/// Results by id, in the order asked for.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<ResultView>> {
    let mut rows = find_by_ids(
        db,
        result::Entity::find(),
        result::Column::Id,
        ids.iter().copied(),
    )
    .await?;
    // Each id's first place in `ids`: a lookup, not a scan per row (lists can be long).
    let place: HashMap<i32, usize> = ids
        .iter()
        .enumerate()
        .rev()
        .map(|(i, id)| (*id, i))
        .collect();
    rows.sort_by_key(|row| place.get(&row.id).copied());
    views(db, rows).await
}

/// The whole ranking of a group, in published order.
pub async fn whole(db: &impl ConnectionTrait, group: GroupKey) -> Result<Vec<ResultView>> {
    let rows = group::query(group)
        .order_by_asc(result::Column::Position)
        .all(db)
        .await?;
    views(db, rows).await
}

/// The published results of several agencies in one index, by agency, each oldest first: one
/// batch for every agency a GraphQL response shows.
pub async fn of_agencies(
    db: &impl ConnectionTrait,
    agency_ids: &[i32],
    index_id: i32,
) -> Result<HashMap<i32, Vec<ResultView>>> {
    let rows = find_by_ids(
        db,
        group::restated_over(result::Entity::find(), None)
            .filter(result::Column::RankingIndexId.eq(index_id))
            .order_by_asc(result::Column::Year),
        result::Column::AgencyId,
        agency_ids.iter().copied(),
    )
    .await?;
    let mut by_agency: HashMap<i32, Vec<ResultView>> = HashMap::new();
    for view in views(db, rows).await? {
        by_agency.entry(view.row.agency_id).or_default().push(view);
    }
    Ok(by_agency)
}

/// The years that have published results in a scope, ascending.
pub async fn years(
    db: &impl ConnectionTrait,
    scope: &Scope,
    tier: Option<Tier>,
) -> Result<Vec<i32>> {
    let mut query = group::restated_over(result::Entity::find(), None)
        .select_only()
        .column(result::Column::Year)
        .distinct()
        .filter(result::Column::JurisdictionId.eq(scope.jurisdiction.id))
        .filter(result::Column::RankingIndexId.eq(scope.index.id));
    if let Some(tier) = tier {
        query = query.filter(result::Column::Tier.eq(tier.code()));
    }
    Ok(query
        .order_by_asc(result::Column::Year)
        .into_tuple()
        .all(db)
        .await?)
}

/// Which years have results, for every (jurisdiction, index, tier) that has any.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coverage {
    pub jurisdiction_id: i32,
    pub index_id: i32,
    pub tier: Tier,
    /// Ascending.
    pub years: Vec<i32>,
}

/// The years with published results of every (jurisdiction, index, tier), in one query.
pub async fn coverage(db: &impl ConnectionTrait) -> Result<Vec<Coverage>> {
    let groups: Vec<(i32, i32, String, i32)> = group::restated_over(result::Entity::find(), None)
        .select_only()
        .column(result::Column::JurisdictionId)
        .column(result::Column::RankingIndexId)
        .column(result::Column::Tier)
        .column(result::Column::Year)
        .distinct()
        .order_by_asc(result::Column::JurisdictionId)
        .order_by_asc(result::Column::RankingIndexId)
        .order_by_asc(result::Column::Tier)
        .order_by_asc(result::Column::Year)
        .into_tuple()
        .all(db)
        .await?;
    let mut coverage: Vec<Coverage> = Vec::new();
    for (jurisdiction_id, index_id, tier, year) in groups {
        let tier: Tier = tier
            .parse()
            .map_err(|_| Error::Corrupt(format!("a result has the unknown tier `{tier}`")))?;
        match coverage.last_mut() {
            Some(last)
                if (last.jurisdiction_id, last.index_id, last.tier)
                    == (jurisdiction_id, index_id, tier) =>
            {
                last.years.push(year);
            }
            _ => coverage.push(Coverage {
                jurisdiction_id,
                index_id,
                tier,
                years: vec![year],
            }),
        }
    }
    Ok(coverage)
}

/// For each (agency, year, index) asked for, the results of the index's sub-indices for the
/// same agency and year (DTI's CQS, KTS and XHS beside its DTI), in one query.
pub async fn of_sub_indices(
    db: &impl ConnectionTrait,
    keys: &[(i32, i32, i32)],
) -> Result<HashMap<(i32, i32, i32), Vec<ResultView>>> {
    let parents: HashMap<i32, i32> = crate::catalog::indices::list(db)
        .await?
        .into_iter()
        .filter_map(|index| Some((index.id, index.parent_id?)))
        .collect();
    let wanted: std::collections::HashSet<(i32, i32, i32)> = keys.iter().copied().collect();
    let rows = find_by_ids(
        db,
        group::restated_over(result::Entity::find(), None)
            .filter(result::Column::RankingIndexId.is_in(parents.keys().copied()))
            .order_by_asc(result::Column::RankingIndexId),
        result::Column::AgencyId,
        keys.iter().map(|(agency, _, _)| *agency),
    )
    .await?;
    let mut found: HashMap<(i32, i32, i32), Vec<ResultView>> = HashMap::new();
    for view in views(db, rows).await? {
        let Some(parent) = parents.get(&view.row.ranking_index_id) else {
            continue;
        };
        let key = (view.row.agency_id, view.row.year, *parent);
        if wanted.contains(&key) {
            found.entry(key).or_default().push(view);
        }
    }
    Ok(found)
}
