//! `egov-rank migrate`.

use sea_orm::DatabaseConnection;
use service::db;

/// Brings the schema up to date, and loads nothing: the one command that does not prepare the
/// database first.
pub async fn run(db: &DatabaseConnection) -> Result<(), String> {
    db::migrate(db).await.map_err(|e| e.to_string())
}
