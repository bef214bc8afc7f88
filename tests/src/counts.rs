//! What writes left in the database: how many rows each table holds, to check that a refused or
//! dry-run write wrote nothing, and the newest audit entry, to check what a write recorded.

use std::collections::BTreeMap;

use entity::{agency, api_token, audit_log, decision, result, result_version, scoring_scheme};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait, QueryOrder};

/// Row counts of every table a write may touch.
pub async fn row_counts(db: &DatabaseConnection) -> BTreeMap<&'static str, u64> {
    BTreeMap::from([
        ("result", result::Entity::find().count(db).await.unwrap()),
        (
            "result_version",
            result_version::Entity::find().count(db).await.unwrap(),
        ),
        (
            "decision",
            decision::Entity::find().count(db).await.unwrap(),
        ),
        ("agency", agency::Entity::find().count(db).await.unwrap()),
        (
            "audit_log",
            audit_log::Entity::find().count(db).await.unwrap(),
        ),
        (
            "scoring_scheme",
            scoring_scheme::Entity::find().count(db).await.unwrap(),
        ),
        (
            "api_token",
            api_token::Entity::find().count(db).await.unwrap(),
        ),
    ])
}

/// The audit entry of the latest write.
pub async fn newest_audit_entry(db: &DatabaseConnection) -> audit_log::Model {
    audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Id)
        .one(db)
        .await
        .unwrap()
        .expect("an audit entry")
}
