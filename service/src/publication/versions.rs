//! Published versions of results. Every write of published values adds a version; an amending
//! decision adds one more and keeps the old, so every table ever published can be rebuilt
//! (see [`super::as_of`]).

use std::collections::HashMap;

use entity::result_version;
use sea_orm::{ConnectionTrait, EntityTrait, QueryOrder};

use crate::Result;
use crate::db::ids::find_by_ids;

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
