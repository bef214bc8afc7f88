//! Decisions (Quyết định) that publish and amend results.

use std::collections::HashMap;

use entity::{decision, jurisdiction, result};
use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::Result;

/// A jurisdiction's decisions, oldest first (undated ones after dated ones, then in the order they
/// were recorded); with `year`, those that published results of it.
pub async fn list(
    db: &impl ConnectionTrait,
    jurisdiction: &jurisdiction::Model,
    year: Option<i32>,
) -> Result<Vec<decision::Model>> {
    let mut query =
        decision::Entity::find().filter(decision::Column::JurisdictionId.eq(jurisdiction.id));
    if let Some(year) = year {
        let publishing = Query::select()
            .column(result::Column::DecisionId)
            .from(result::Entity)
            .and_where(result::Column::Year.eq(year))
            .and_where(result::Column::JurisdictionId.eq(jurisdiction.id))
            .to_owned();
        query = query.filter(decision::Column::Id.in_subquery(publishing));
    }
    let mut decisions = query.all(db).await?;
    // Sorted here, not in SQL: SQLite and PostgreSQL place NULL dates differently.
    decisions.sort_by_key(|d| (d.issued_on.is_none(), d.issued_on, d.id));
    Ok(decisions)
}

/// Decisions by id.
pub async fn by_ids(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, decision::Model>> {
    Ok(decision::Entity::find()
        .filter(decision::Column::Id.is_in(ids.iter().copied()))
        .all(db)
        .await?
        .into_iter()
        .map(|d| (d.id, d))
        .collect())
}

/// The decisions amending each of `ids`, in the order they were recorded.
pub async fn amending(
    db: &impl ConnectionTrait,
    ids: &[i32],
) -> Result<HashMap<i32, Vec<decision::Model>>> {
    let mut amending: HashMap<i32, Vec<decision::Model>> = HashMap::new();
    for d in decision::Entity::find()
        .filter(decision::Column::AmendsId.is_in(ids.iter().copied()))
        .order_by_asc(decision::Column::Id)
        .all(db)
        .await?
    {
        if let Some(amended) = d.amends_id {
            amending.entry(amended).or_default().push(d);
        }
    }
    Ok(amending)
}
