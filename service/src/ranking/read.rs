//! Reading rankings: a page of a year's ranking, results by id, agencies' series and the years
//! with data. Reads only order and filter materialised values; they never re-rank.

use std::collections::HashMap;

use entity::result;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use super::group;
use super::view::{ResultView, views};
use crate::Result;
use crate::catalog::{GroupKey, Scope};
use crate::db::ids::find_by_ids;
use crate::page::{Page, PageRequest};

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

/// The results of several agencies in one index, by agency, each oldest first: one batch for
/// every agency a GraphQL response shows.
pub async fn of_agencies(
    db: &impl ConnectionTrait,
    agency_ids: &[i32],
    index_id: i32,
) -> Result<HashMap<i32, Vec<ResultView>>> {
    let rows = find_by_ids(
        db,
        result::Entity::find()
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

/// The years that have results in a scope, ascending.
pub async fn years(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<i32>> {
    let years: Vec<i32> = result::Entity::find()
        .select_only()
        .column(result::Column::Year)
        .distinct()
        .filter(result::Column::JurisdictionId.eq(scope.jurisdiction.id))
        .filter(result::Column::RankingIndexId.eq(scope.index.id))
        .order_by_asc(result::Column::Year)
        .into_tuple()
        .all(db)
        .await?;
    Ok(years)
}
