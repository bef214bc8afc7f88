//! Start-up: the schema brought up to date and, in an empty database, the published data a
//! fresh install serves; and synthetic data for trying and benchmarking. The top layer: it
//! calls the writers below it, and nothing calls it but the binary and the tests.

pub mod demo;
pub mod seed;

use sea_orm::DatabaseConnection;

use crate::{Result, db};

/// Migrates, then loads the published 2020 tables into an empty database: what the server
/// does on start, so that a fresh checkout serves the published ranking.
pub async fn prepare(db: &DatabaseConnection) -> Result<()> {
    db::migrate(db).await?;
    seed::load_if_empty(db).await
}
