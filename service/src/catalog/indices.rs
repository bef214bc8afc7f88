//! Ranking indices: `cqdt-results` (mức độ kết quả CQĐT), `cqdt-readiness`, ...

use std::collections::HashMap;

use entity::ranking_index;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use crate::Result;

/// Indices by code, for the codes that exist.
pub async fn by_codes(
    db: &impl ConnectionTrait,
    codes: impl IntoIterator<Item = String>,
) -> Result<HashMap<String, ranking_index::Model>> {
    Ok(ranking_index::Entity::find()
        .filter(ranking_index::Column::Code.is_in(codes))
        .all(db)
        .await?
        .into_iter()
        .map(|index| (index.code.clone(), index))
        .collect())
}

/// Every index: id -> code.
pub async fn codes(db: &impl ConnectionTrait) -> Result<HashMap<i32, String>> {
    Ok(ranking_index::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|index| (index.id, index.code))
        .collect())
}
