//! Opening the database: SQLite by default, PostgreSQL when `DATABASE_URL` names one.

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::{Result, seed};

/// The embedded default: a SQLite file in the working folder, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://egov-rank.db";

/// Connects to `url`. A SQLite file is created when missing (as if `?mode=rwc` had been given).
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    let url = if url.starts_with("sqlite:") && !url.contains("mode=") && !url.contains(":memory:") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    } else {
        url.to_owned()
    };
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    // Write-ahead logging: readers (the server) and a writer (an import) do not block each other;
    // a writer waits up to sqlx's busy timeout (5 s) for another.
    options.map_sqlx_sqlite_opts(|sqlite| sqlite.journal_mode(SqliteJournalMode::Wal));
    Ok(Database::connect(options).await?)
}

/// Brings the schema up to date (the `migrate` command).
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    Migrator::up(db, None).await?;
    Ok(())
}

/// Migrates, then loads the published 2020 tables into an empty database: what the server
/// does on start, so that a fresh checkout serves the published ranking.
pub async fn prepare(db: &DatabaseConnection) -> Result<()> {
    migrate(db).await?;
    seed::load_if_empty(db).await
}
