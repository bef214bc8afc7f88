//! Write transactions, and the turns this process's writers take on a SQLite database.
//!
//! SQLite lets one connection write at a time. Writers that meet at its lock sleep in its busy
//! handler (up to 100 ms a sleep), which made the tail of a mixed load; so the writers of one
//! pool queue here instead, each starting as the one before ends. The turn covers the
//! transaction only, BEGIN to COMMIT: what a write request does before (parsing, checking,
//! looking up the jurisdiction it names) and after (its answer) runs alongside the others.
//! Held by the whole request, the turn was spent outside the transaction for about 30 % of
//! its length once COMMIT no longer waited for the disk (BENCHMARKS.md, 2026-12-03).
//! Writers of other processes (an import) still meet at SQLite's lock; on PostgreSQL, where
//! writers proceed together, there are no turns.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use tokio::sync::OwnedMutexGuard;

use crate::{Error, Result};

/// The turns of each SQLite pool this process opened with [`super::connect_with`], and how
/// long its writers wait for theirs (the pool's busy timeout). A pool stays at one address for
/// its whole life, which names it here; one opened later at the address of a closed one
/// replaces its entry when it is opened. A second pool on the same file takes its turns apart,
/// as another process does: the two meet at SQLite's lock. One small entry a pool.
static TURNS: LazyLock<Mutex<HashMap<usize, Turns>>> = LazyLock::new(Mutex::default);

#[derive(Clone)]
struct Turns {
    lock: Arc<tokio::sync::Mutex<()>>,
    wait: Duration,
}

/// The name of a SQLite pool in [`TURNS`]; `None` on PostgreSQL.
fn sqlite_pool(db: &DatabaseConnection) -> Option<usize> {
    (db.get_database_backend() == DbBackend::Sqlite)
        .then(|| std::ptr::from_ref(db.get_sqlite_connection_pool().options()).addr())
}

/// Has the writers of `db`, if it is SQLite, take turns, each waiting up to `wait` for its own.
pub(super) fn take_turns(db: &DatabaseConnection, wait: Duration) {
    let Some(pool) = sqlite_pool(db) else { return };
    let turns = Turns {
        lock: Arc::default(),
        wait,
    };
    TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(pool, turns);
}

/// Waits for this process's turn to write to `db`: `None` when its writers do not take turns
/// (PostgreSQL, or a connection not opened by `connect_with`). Waiting longer than the busy
/// timeout is `Error::Busy`, as waiting at SQLite's lock is.
async fn turn(db: &DatabaseConnection) -> Result<Option<OwnedMutexGuard<()>>> {
    let Some(turns) = sqlite_pool(db).and_then(|pool| {
        let turns = TURNS
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        turns.get(&pool).cloned()
    }) else {
        return Ok(None);
    };
    match tokio::time::timeout(turns.wait, turns.lock.lock_owned()).await {
        Ok(turn) => Ok(Some(turn)),
        Err(_) => Err(Error::Busy(DbErr::Custom(format!(
            "this process's other writes held the database for more than {} ms",
            turns.wait.as_millis()
        )))),
    }
}

/// A transaction that will write, holding this process's turn on SQLite until it commits or
/// rolls back (or is dropped, which rolls it back).
pub struct WriteTransaction {
    // Declared first, dropped first: the transaction ends before the turn passes on.
    txn: DatabaseTransaction,
    _turn: Option<OwnedMutexGuard<()>>,
}

/// Starts a transaction that will write, once it is this process's turn (see the module doc).
/// On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), waiting up to the busy
/// timeout for another process's writer: a deferred transaction that reads first and then
/// writes cannot wait, SQLite fails it at once with "database is locked" when another process
/// (an import) wrote in between. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction> {
    let turn = turn(db).await?;
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(WriteTransaction { txn, _turn: turn })
}

impl WriteTransaction {
    /// Commits, then passes the turn on.
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    /// Rolls back, then passes the turn on.
    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }

    /// The transaction itself, for what takes one by its type (the migrator).
    pub(super) fn transaction(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.txn.get_database_backend()
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
}
