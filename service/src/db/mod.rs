//! The database: opening it (SQLite by default, PostgreSQL when `DATABASE_URL` names one),
//! migrating it, starting write transactions, reading ids in slices, inserting rows in bulk,
//! and the data version.
//! The bottom layer of the service: it calls nothing else of the crate but the error type.

pub(crate) mod bulk;
pub mod data_version;
pub(crate) mod ids;
mod log_sync;
mod write;

pub use log_sync::{FLUSH_CONNECTION_NAME, LogSync, Ticket};
pub use write::{BATCH_WRITERS, TurnStats, WriteTransaction, begin_write, turn_stats};

use std::time::Duration;

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous};
use sea_orm::{ConnectOptions, Database, DatabaseConnection};

use crate::Result;

/// The embedded default: a SQLite file in the working folder, created on first start.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://egov-rank.db";

/// How many connections a pool holds unless told otherwise (`--pool-size`).
pub const DEFAULT_POOL_SIZE: u32 = 10;

/// How to hold connections.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolSettings {
    /// Most connections open at once, on both engines. Always set: left unset, sea-orm gives a
    /// SQLite pool a single connection, and one import (even a dry run, in its transaction)
    /// would then hold it and starve every read, token check and readiness probe.
    pub max_connections: u32,
    /// PostgreSQL: a statement running longer is cancelled by the server.
    pub statement_timeout: Option<Duration>,
    /// How long a write waits for another process's write before failing with `Error::Busy`:
    /// SQLite's busy timeout, PostgreSQL's `lock_timeout` (where 0 means no limit). On
    /// PostgreSQL every write waits for the others to commit, at the data version's row.
    pub busy_timeout: Duration,
    /// How long a request waits for a connection before failing. sqlx's default (30 s) also
    /// spaces reconnection attempts up to 6 s apart while the database is away; 5 s keeps them
    /// at most 1 s apart, so the server serves again soon after the database returns.
    pub acquire_timeout: Duration,
    /// A COMMIT does not wait for the disk (SQLite's `synchronous=NORMAL`, PostgreSQL's
    /// `synchronous_commit=off`), and whoever answers for a write flushes the log first with
    /// [`LogSync::flush`] (the server does, after letting the next writer in: see `log_sync`).
    /// Off by default: the command-line commands' COMMIT waits for the disk.
    pub deferred_sync: bool,
}

impl Default for PoolSettings {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_POOL_SIZE,
            statement_timeout: None,
            busy_timeout: Duration::from_secs(5),
            acquire_timeout: Duration::from_secs(5),
            deferred_sync: false,
        }
    }
}

/// Connects to `url` with the default pool settings.
pub async fn connect(url: &str) -> Result<DatabaseConnection> {
    connect_with(url, PoolSettings::default()).await
}

/// Whether `url` names a SQLite database kept in a file (not in memory).
fn sqlite_file(url: &str) -> bool {
    url.starts_with("sqlite:") && !url.contains(":memory:") && !url.contains("mode=memory")
}

/// Connects to `url`. A SQLite file is created when missing (as if `?mode=rwc` had been given).
pub async fn connect_with(url: &str, settings: PoolSettings) -> Result<DatabaseConnection> {
    let sqlite = url.starts_with("sqlite:");
    let url = if sqlite_file(url) && !url.contains("mode=") {
        let separator = if url.contains('?') { '&' } else { '?' };
        format!("{url}{separator}mode=rwc")
    } else {
        url.to_owned()
    };
    let mut options = ConnectOptions::new(url);
    options.sqlx_logging(false);
    // A pooled SQLite connection is a file handle on sqlx's worker thread: it has no peer to
    // lose, and the ping sqlx sends on every checkout is one more round trip to that thread
    // (two context switches) before each statement outside a transaction and each write.
    // A PostgreSQL connection is pinged: the server may have restarted since it was used.
    options.test_before_acquire(!sqlite);
    options.acquire_timeout(settings.acquire_timeout);
    options.max_connections(settings.max_connections);
    // Write-ahead logging: readers (the server) and a writer (an import) do not block each other
    // (each on a connection of its own); a writer waits up to the busy timeout for another.
    let synchronous = if settings.deferred_sync {
        SqliteSynchronous::Normal
    } else {
        SqliteSynchronous::Full
    };
    options.map_sqlx_sqlite_opts(move |sqlite| {
        sqlite
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(synchronous)
            .busy_timeout(settings.busy_timeout)
    });
    let mut server_settings = vec![(
        "lock_timeout",
        settings.busy_timeout.as_millis().to_string(),
    )];
    if let Some(timeout) = settings.statement_timeout {
        server_settings.push(("statement_timeout", timeout.as_millis().to_string()));
    }
    if settings.deferred_sync {
        server_settings.push(("synchronous_commit", "off".to_owned()));
    }
    options
        .map_sqlx_postgres_opts(move |postgres| postgres.options(server_settings.iter().cloned()));
    let db = Database::connect(options).await?;
    write::take_turns(&db, settings.busy_timeout);
    Ok(db)
}

/// Brings the schema up to date (the `migrate` command), in one write transaction: all or
/// nothing, and on one connection. Spread over a pool's connections, SQLite's table rebuilds
/// (create, copy, drop, rename) failed: a connection that had not yet seen the drop refused the
/// rename ("there is already another table ... with this name").
pub async fn migrate(db: &DatabaseConnection) -> Result<()> {
    let txn = begin_write(db).await?;
    Migrator::up(txn.transaction()?, None).await?;
    txn.commit().await?;
    Ok(())
}

/// Connections of the pool: (open, idle), for the metrics.
pub fn pool_stats(db: &DatabaseConnection) -> (u32, usize) {
    match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => {
            let pool = db.get_sqlite_connection_pool();
            (pool.size(), pool.num_idle())
        }
        sea_orm::DbBackend::Postgres => {
            let pool = db.get_postgres_connection_pool();
            (pool.size(), pool.num_idle())
        }
        _ => (0, 0),
    }
}
