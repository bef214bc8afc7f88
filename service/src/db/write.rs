//! Write transactions, and the turns this process's writers take on a SQLite database.
//!
//! SQLite lets one connection write at a time. Writers that meet at its lock sleep in its busy
//! handler (up to 100 ms a sleep), which made the tail of a mixed load; so the writers of one
//! pool queue here instead, each starting as the one before ends. The turn covers the
//! transaction only, BEGIN to COMMIT: what a write request does before (parsing, checking,
//! looking up the jurisdiction it names) and after (its answer) runs alongside the others.
//! Held by the whole request, the turn was spent outside the transaction for about 30 % of
//! its length once COMMIT no longer waited for the disk (BENCHMARKS.md, 2026-12-03).
//!
//! Writers that queue share a transaction (a batch): a writer that ends while others wait
//! hands its still open transaction to the next, inside a savepoint begun for it, and the last
//! of the batch commits for all. A statement costs a SQLite write two thread switches (to
//! sqlx's worker thread and back), and a batch saves each writer after the first its BEGIN and
//! its COMMIT for one statement at its end (`RELEASE` and `SAVEPOINT` together). Each writer
//! still succeeds or fails alone: one that rolls back, or is dropped unfinished, rolls back to
//! its savepoint. Its `commit` returns once the batch's COMMIT did, with the batch's outcome,
//! so a write is answered as saved only once it is; a batch takes at most [`BATCH_WRITERS`]
//! writers, so none waits long for the others.
//!
//! Writers of other processes (an import) still meet at SQLite's lock; on PostgreSQL, where
//! writers proceed together, there are no turns.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, ExecResult,
    QueryResult, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};
use tokio::sync::{OwnedMutexGuard, watch};

use crate::{Error, Result};

/// The most writers one batch takes: each waits for the batch's end before it answers, so
/// for at most this many writers' statements.
pub const BATCH_WRITERS: usize = 8;

/// The savepoint each writer of a batch after the first writes in.
const SAVEPOINT: &str = "egov_writer";

/// The turns of each SQLite pool this process opened with [`super::connect_with`], and how
/// long its writers wait for theirs (the pool's busy timeout). A pool stays at one address for
/// its whole life, which names it here; one opened later at the address of a closed one
/// replaces its entry when it is opened. A second pool on the same file takes its turns apart,
/// as another process does: the two meet at SQLite's lock. One small entry a pool.
static TURNS: LazyLock<Mutex<HashMap<usize, Turns>>> = LazyLock::new(Mutex::default);

/// The batches begun so far, which names them.
static BATCHES: AtomicU64 = AtomicU64::new(0);

#[derive(Clone)]
struct Turns {
    /// Held by the writer whose turn it is; between two writers of a batch it holds the
    /// batch, left open for the next.
    lock: Arc<tokio::sync::Mutex<Option<Batch>>>,
    /// Writers waiting for the turn: a writer hands its batch on only when one does.
    queued: Arc<AtomicUsize>,
    /// Writers that joined a batch another began, so far.
    joined: Arc<AtomicU64>,
    wait: Duration,
}

/// A transaction shared by writers in turn, between two of them.
struct Batch {
    txn: DatabaseTransaction,
    end: End,
    /// Writers so far.
    writers: usize,
    /// The writer before was dropped unfinished: its work, in the open savepoint, is undone
    /// by whoever takes the batch next.
    undo: bool,
}

/// Which batch a writer is in, and how it heard the batch end.
#[derive(Clone)]
struct End {
    batch: u64,
    outcome: Arc<watch::Sender<Option<Result<(), DbErr>>>>,
}

impl End {
    fn new() -> Self {
        Self {
            batch: BATCHES.fetch_add(1, Ordering::Relaxed),
            outcome: Arc::new(watch::channel(None).0),
        }
    }

    fn tell(&self, outcome: Result<(), DbErr>) {
        self.outcome.send_replace(Some(outcome));
    }
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
        queued: Arc::default(),
        joined: Arc::default(),
        wait,
    };
    TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .insert(pool, turns);
}

/// How this process's writers take turns on a SQLite pool, for the metrics.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TurnStats {
    /// Writers waiting for their turn now.
    pub waiting: usize,
    /// Writers that joined a batch another began (see the module doc) since the pool opened:
    /// a BEGIN and a COMMIT saved each.
    pub joined: u64,
}

/// How the writers of `db` take turns now; `None` where they do not (PostgreSQL).
pub fn turn_stats(db: &DatabaseConnection) -> Option<TurnStats> {
    turns_of(db).map(|turns| TurnStats {
        waiting: turns.queued.load(Ordering::SeqCst),
        joined: turns.joined.load(Ordering::Relaxed),
    })
}

/// The turns of `db`: `None` when its writers do not take turns (PostgreSQL, or a connection
/// not opened by `connect_with`).
fn turns_of(db: &DatabaseConnection) -> Option<Turns> {
    let pool = sqlite_pool(db)?;
    let turns = TURNS
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    turns.get(&pool).cloned()
}

/// Counts a writer queued for the turn while it waits, however it stops waiting.
struct Queued(Arc<AtomicUsize>);

impl Queued {
    fn join(queued: &Arc<AtomicUsize>) -> Self {
        queued.fetch_add(1, Ordering::SeqCst);
        Self(queued.clone())
    }
}

impl Drop for Queued {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Waits for this process's turn to write; waiting longer than the busy timeout is
/// `Error::Busy`, as waiting at SQLite's lock is.
async fn turn(turns: &Turns) -> Result<OwnedMutexGuard<Option<Batch>>> {
    let _queued = Queued::join(&turns.queued);
    tokio::time::timeout(turns.wait, turns.lock.clone().lock_owned())
        .await
        .map_err(|_| {
            Error::Busy(DbErr::Custom(format!(
                "this process's other writes held the database for more than {} ms",
                turns.wait.as_millis()
            )))
        })
}

/// A transaction that will write, holding this process's turn on SQLite until it commits or
/// rolls back (or is dropped, which rolls its work back).
pub struct WriteTransaction {
    /// `None` only once `commit` or `rollback` took it.
    txn: Option<DatabaseTransaction>,
    turn: Option<Turn>,
    backend: DbBackend,
}

/// A writer's turn on SQLite, and its place in the batch.
struct Turn {
    guard: OwnedMutexGuard<Option<Batch>>,
    turns: Turns,
    end: End,
    writers: usize,
    /// Whether this writer writes in a savepoint (every writer of a batch but the first).
    in_savepoint: bool,
}

/// Starts a transaction that will write, once it is this process's turn (see the module doc).
/// On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`), waiting up to the busy
/// timeout for another process's writer: a deferred transaction that reads first and then
/// writes cannot wait, SQLite fails it at once with "database is locked" when another process
/// (an import) wrote in between. PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTransaction> {
    let Some(turns) = turns_of(db) else {
        return Ok(WriteTransaction {
            txn: Some(begin_immediate(db).await?),
            turn: None,
            backend: db.get_database_backend(),
        });
    };
    let mut guard = turn(&turns).await?;
    let (txn, end, writers, in_savepoint) = match guard.take() {
        Some(batch) => {
            let Batch {
                txn,
                end,
                writers,
                undo,
            } = batch;
            if undo && let Err(error) = rollback_to_savepoint(&txn).await {
                fail(txn, &end, error.clone()).await;
                return Err(error.into());
            }
            turns.joined.fetch_add(1, Ordering::Relaxed);
            (txn, end, writers + 1, true)
        }
        None => (begin_immediate(db).await?, End::new(), 1, false),
    };
    Ok(WriteTransaction {
        txn: Some(txn),
        turn: Some(Turn {
            guard,
            turns,
            end,
            writers,
            in_savepoint,
        }),
        backend: DbBackend::Sqlite,
    })
}

async fn begin_immediate(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
}

async fn rollback_to_savepoint(txn: &DatabaseTransaction) -> Result<ExecResult, DbErr> {
    txn.execute_unprepared(&format!("ROLLBACK TO {SAVEPOINT}"))
        .await
}

/// Rolls a batch back after a statement that should not fail did, and tells its writers.
async fn fail(txn: DatabaseTransaction, end: &End, error: DbErr) {
    // The error told is the one that ended the batch; a failing rollback adds nothing to it.
    let _ = txn.rollback().await;
    end.tell(Err(error));
}

impl WriteTransaction {
    /// Commits, then passes the turn on; in a batch, returns once the batch committed.
    pub async fn commit(mut self) -> Result<(), DbErr> {
        let txn = self.take_txn()?;
        let Some(turn) = self.turn.take() else {
            return txn.commit().await;
        };
        turn.end_writer(txn, false).await
    }

    /// Rolls back, then passes the turn on. In a batch, only this writer's work is undone.
    pub async fn rollback(mut self) -> Result<(), DbErr> {
        let txn = self.take_txn()?;
        match self.turn.take() {
            Some(turn) if turn.in_savepoint => turn.end_writer(txn, true).await,
            // The first writer of a batch is its only one: the whole transaction is its own.
            _ => txn.rollback().await,
        }
    }

    /// The transaction itself, for what takes one by its type (the migrator).
    pub(super) fn transaction(&self) -> Result<&DatabaseTransaction, DbErr> {
        self.txn
            .as_ref()
            .ok_or_else(|| DbErr::Custom("the write transaction has ended".into()))
    }

    fn take_txn(&mut self) -> Result<DatabaseTransaction, DbErr> {
        self.txn
            .take()
            .ok_or_else(|| DbErr::Custom("the write transaction has ended".into()))
    }
}

impl Turn {
    /// Leaves the batch open in the turn for whoever takes it next, then passes the turn on;
    /// `undo`: this writer's savepoint is to be rolled back first (it was dropped unfinished).
    /// Returns what the writer still needs to hear of the batch's end.
    fn leave_open(self, txn: DatabaseTransaction, undo: bool) -> (Turns, End) {
        let Self {
            mut guard,
            turns,
            end,
            writers,
            ..
        } = self;
        *guard = Some(Batch {
            txn,
            end: end.clone(),
            writers,
            undo,
        });
        (turns, end)
    }

    /// Ends this writer's part of the batch: hands the batch to the next writer when one waits
    /// and the batch has room, else commits it. `undo`: the writer rolls back (it is then in a
    /// savepoint).
    async fn end_writer(self, txn: DatabaseTransaction, undo: bool) -> Result<(), DbErr> {
        let hand_on = self.turns.queued.load(Ordering::SeqCst) > 0 && self.writers < BATCH_WRITERS;
        // What ends this writer's savepoint and begins the next one's, in one statement. After
        // `ROLLBACK TO` the savepoint is still open, empty: the next writer writes in it.
        let handover = match (undo, self.in_savepoint) {
            (true, _) => format!("ROLLBACK TO {SAVEPOINT}"),
            (false, true) if hand_on => format!("RELEASE {SAVEPOINT}; SAVEPOINT {SAVEPOINT}"),
            (false, false) if hand_on => format!("SAVEPOINT {SAVEPOINT}"),
            (false, _) => String::new(),
        };
        if !handover.is_empty()
            && let Err(error) = txn.execute_unprepared(&handover).await
        {
            fail(txn, &self.end, error.clone()).await;
            return Err(error);
        }
        if !hand_on {
            let outcome = txn.commit().await;
            self.end.tell(outcome.clone());
            // Undone, this writer's part succeeded whatever became of the others'.
            return if undo { Ok(()) } else { outcome };
        }
        let (turns, end) = self.leave_open(txn, false);
        if undo {
            return Ok(());
        }
        wait_for_end(&turns, &end).await
    }
}

/// Waits for the batch `end` names to end, and returns its outcome. A batch handed on is
/// ended by a later writer; should none come for it (one that queued gave up waiting), the
/// writers of the batch end it themselves after the busy timeout.
async fn wait_for_end(turns: &Turns, end: &End) -> Result<(), DbErr> {
    let mut outcome = end.outcome.subscribe();
    loop {
        let told = match tokio::time::timeout(turns.wait, outcome.wait_for(Option::is_some)).await {
            Ok(Ok(told)) => told.clone(),
            // The sender lives as long as `end`: it is not dropped while waited for.
            Ok(Err(_)) => Some(Err(DbErr::Custom("the batch ended untold".into()))),
            Err(_) => None,
        };
        match told {
            Some(outcome) => return outcome,
            None => close_if_left(turns, end.batch).await,
        }
    }
}

/// Takes the turn and commits the batch numbered `batch` if it is still there, handed on to a
/// writer that never came.
async fn close_if_left(turns: &Turns, batch: u64) {
    let mut guard = turns.lock.clone().lock_owned().await;
    let Some(left) = guard.take_if(|left| left.end.batch == batch) else {
        return;
    };
    if left.undo
        && let Err(error) = rollback_to_savepoint(&left.txn).await
    {
        fail(left.txn, &left.end, error).await;
        return;
    }
    let outcome = left.txn.commit().await;
    left.end.tell(outcome);
}

impl Drop for WriteTransaction {
    /// A writer dropped unfinished: its work is rolled back. The first writer of a batch drops
    /// the transaction (which rolls back); a later one leaves the batch for the next writer,
    /// or, when none waits, for a task that ends it, to undo its savepoint.
    fn drop(&mut self) {
        let (Some(txn), Some(turn)) = (self.txn.take(), self.turn.take()) else {
            return;
        };
        if !turn.in_savepoint {
            // The transaction first (it rolls back), then the turn.
            drop(txn);
            drop(turn);
            return;
        }
        let (turns, end) = turn.leave_open(txn, true);
        if turns.queued.load(Ordering::SeqCst) == 0
            && let Ok(runtime) = tokio::runtime::Handle::try_current()
        {
            runtime.spawn(async move { close_if_left(&turns, end.batch).await });
        }
    }
}

#[async_trait::async_trait]
impl ConnectionTrait for WriteTransaction {
    fn get_database_backend(&self) -> DbBackend {
        self.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.transaction()?.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.transaction()?.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.transaction()?.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.transaction()?.query_all_raw(stmt).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A batch handed on to a writer that queued and then gave up before its turn: nobody takes
    /// it, so the writer waiting for its end commits it once the busy timeout has passed
    /// (fails without that: the commit never returns). Its row is then saved.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_batch_handed_to_a_writer_that_never_comes_is_committed() {
        let path = std::env::temp_dir().join(format!("egov_batch_{}.db", std::process::id()));
        let url = format!("sqlite://{}", path.display());
        let settings = super::super::PoolSettings {
            busy_timeout: Duration::from_millis(200),
            ..super::super::PoolSettings::default()
        };
        let db = super::super::connect_with(&url, settings).await.unwrap();
        db.execute_unprepared("CREATE TABLE probe (name TEXT)")
            .await
            .unwrap();
        let turns = turns_of(&db).expect("a SQLite pool's writers take turns");
        let first = begin_write(&db).await.unwrap();
        first
            .execute_unprepared("INSERT INTO probe VALUES ('first')")
            .await
            .unwrap();
        let gives_up = Queued::join(&turns.queued);
        let commit = tokio::spawn(first.commit());
        // Handed on: the batch waits in the turn for the writer that queued.
        tokio::time::timeout(Duration::from_secs(20), async {
            loop {
                if let Ok(turn) = turns.lock.try_lock()
                    && turn.is_some()
                {
                    break;
                }
                tokio::task::yield_now().await;
            }
        })
        .await
        .expect("the batch is handed on to the writer that queued");
        drop(gives_up);
        tokio::time::timeout(Duration::from_secs(20), commit)
            .await
            .expect("the batch is committed by its writer")
            .unwrap()
            .unwrap();
        let saved = db
            .query_one_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT count(*) FROM probe",
            ))
            .await
            .unwrap()
            .unwrap()
            .try_get_by_index::<i64>(0)
            .unwrap();
        assert_eq!(saved, 1);
        db.close().await.ok();
        for suffix in ["", "-wal", "-shm"] {
            std::fs::remove_file(format!("{}{suffix}", path.display())).ok();
        }
    }
}
