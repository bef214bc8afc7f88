//! Making a server's writes durable after they let the next writer in.
//!
//! A COMMIT that waits for the disk waits while its writer still holds what the next writer
//! needs: SQLite's one write lock, or on PostgreSQL the data version's row, which every write
//! moves and whose lock ends only once the commit is on disk. So the writes queued behind it
//! wait for the disk too, one at a time. The server instead opens its pool so that COMMIT
//! returns before the disk has it ([`PoolSettings::deferred_sync`]: SQLite's
//! `synchronous=NORMAL` leaves the log in the operating system's cache, PostgreSQL's
//! `synchronous_commit=off` leaves the commit in its write-ahead log's buffers) and, once a
//! write request has let the next writer in and before it answers, calls [`LogSync::flush`]:
//! - SQLite: `fdatasync` of the log file, which flushes every page of it written so far,
//!   whichever connection wrote it;
//! - PostgreSQL: a transaction that writes one record to the write-ahead log (a logical
//!   decoding message with the prefix `egov-rank`: no table, no lock) and commits with
//!   `synchronous_commit=on`, so PostgreSQL flushes its log up to that commit, and every commit
//!   before it with it. It runs on a connection of its own, opened before the writes it
//!   vouches for. A PostgreSQL that restarts loses what its log had not yet written, and
//!   closes every connection; that is how a restart is known (one after a crash of a single
//!   process keeps the server's start time). A flush through a connection opened later would
//!   vouch for a commit the restart may have lost, so a write whose request began before the
//!   flush connection was last opened is answered as not confirmed ([`Ticket`]), and so is
//!   one whose flush PostgreSQL does not answer in time.
//!
//! An answered write is on disk as it was when COMMIT waited, and writes that commit close
//! together share one wait for the disk (a group commit): those that ask while a flush runs
//! are covered together by the next one.
//! What differs: for the duration of that flush (a fraction of a millisecond) another request
//! may read a write that a power cut (SQLite), or a crash of PostgreSQL, could still undo while
//! its author waits for the answer. A crash of this process alone loses nothing. The
//! command-line commands' COMMIT waits for the disk.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sea_orm::sqlx::postgres::{PgConnectOptions, PgConnection};
use sea_orm::sqlx::sqlite::SqliteConnectOptions;
use sea_orm::sqlx::{self, Connection as _};
use sea_orm::{DatabaseConnection, DbBackend};

use super::PoolSettings;

/// The write-ahead log of a database whose commits do not wait for the disk
/// ([`PoolSettings::deferred_sync`]), to flush before a write is answered; nothing for an
/// in-memory SQLite database or a pool whose commits wait for the disk.
#[derive(Clone, Debug, Default)]
pub struct LogSync {
    log: Option<Arc<Log>>,
}

/// Taken when a write request begins, before its transaction: which opening of PostgreSQL's
/// flush connection it began under. A flush vouches for the write only through that opening.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ticket {
    opening: u64,
}

/// A log and the flushes asked of it. Each flush covers every write that asked before it
/// started, so writes that ask while one runs wait for it to end, then share the next one
/// instead of each running its own: under load most writes' flushes were no-ops that still
/// cost a system call and two thread switches to the blocking pool.
#[derive(Debug)]
struct Log {
    kind: Kind,
    /// How long PostgreSQL has to open the flush connection or to answer a flush (the pool's
    /// acquire timeout): one that stops answering without closing the connection (a network
    /// partition) would otherwise hold every write behind it.
    patience: Duration,
    /// How many flushes were asked for so far: each asking write's number.
    asked: AtomicU64,
    /// How many times PostgreSQL's flush connection was opened (0 for SQLite's file).
    openings: AtomicU64,
    /// Locked while a flush runs.
    flushed: tokio::sync::Mutex<Flushed>,
}

#[derive(Debug, Default)]
struct Flushed {
    /// The highest number the flushes done so far cover.
    covered: u64,
    /// PostgreSQL's flush connection; `None` until opened, and after it failed.
    connection: Option<PgConnection>,
}

/// Where the log is, and so how it is flushed.
#[derive(Debug)]
enum Kind {
    /// SQLite's `-wal` file.
    File(Arc<Path>),
    /// PostgreSQL's log, flushed through a connection of its own opened with these options.
    Postgres(Box<PgConnectOptions>),
}

/// Flushes PostgreSQL's log up to now, in one round trip: a statement list sent at once is one
/// transaction, whose setting holds for it alone. `pg_logical_emit_message` needs no privilege
/// and takes no lock; its record is what makes the commit flush (a transaction that wrote
/// nothing to the log does not wait for the disk).
const POSTGRES_FLUSH: &str = "SET LOCAL synchronous_commit = on; \
     SELECT pg_logical_emit_message(true, 'egov-rank', 'flush')";

/// The flush connection's name in `pg_stat_activity`.
pub const FLUSH_CONNECTION_NAME: &str = "egov-rank log flush";

impl LogSync {
    /// The log of `db`, opened from `url` with `settings`, when those defer its syncs; on
    /// PostgreSQL its flush connection is opened here, before the writes it will vouch for,
    /// with the pool's connect options.
    pub async fn new(
        db: &DatabaseConnection,
        url: &str,
        settings: &PoolSettings,
    ) -> std::io::Result<Self> {
        let kind = match db.get_database_backend() {
            _ if !settings.deferred_sync => None,
            // The pool's own options (address, TLS, settings), under a name of its own.
            DbBackend::Postgres => Some(Kind::Postgres(Box::new(
                PgConnectOptions::clone(&db.get_postgres_connection_pool().connect_options())
                    .application_name(FLUSH_CONNECTION_NAME),
            ))),
            // sqlx's SQLite options take any URL as a file name.
            DbBackend::Sqlite if super::sqlite_file(url) => {
                SqliteConnectOptions::from_str(url).ok().map(|options| {
                    let mut path = options.get_filename().as_os_str().to_owned();
                    path.push("-wal");
                    Kind::File(Arc::from(Path::new(&path)))
                })
            }
            _ => None,
        };
        let Some(kind) = kind else {
            return Ok(Self::default());
        };
        let log = Log::new(kind, settings.acquire_timeout);
        log.open(&mut *log.flushed.lock().await).await?;
        Ok(Self {
            log: Some(Arc::new(log)),
        })
    }

    /// What a write request takes as it begins, to hand to [`LogSync::flush`] once its
    /// transaction has ended.
    pub fn ticket(&self) -> Ticket {
        Ticket {
            opening: self
                .log
                .as_ref()
                .map_or(0, |log| log.openings.load(Ordering::SeqCst)),
        }
    }

    /// Waits until everything committed before this call is on disk; whether this call flushed
    /// the log itself (not when there is no log, nor when a flush that started after this call
    /// covered it). An error when the flush failed, or when PostgreSQL's flush connection was
    /// opened again since `ticket` was taken: the write may have been lost with a restart.
    pub async fn flush(&self, ticket: Ticket) -> std::io::Result<bool> {
        let Some(log) = &self.log else {
            return Ok(false);
        };
        let number = log.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut flushed = log.flushed.lock().await;
        let ran = flushed.covered < number;
        if ran {
            // Every write numbered so far committed before it asked, so before this flush
            // starts.
            let covers = log.asked.load(Ordering::SeqCst);
            log.flush(&mut flushed).await?;
            flushed.covered = covers;
        }
        if log.openings.load(Ordering::SeqCst) != ticket.opening {
            return Err(std::io::Error::other(
                "the connection that flushes PostgreSQL's log was opened again since the write \
                 began: a restart of PostgreSQL may have lost it",
            ));
        }
        Ok(ran)
    }
}

impl Log {
    fn new(kind: Kind, patience: Duration) -> Self {
        Self {
            kind,
            patience,
            asked: AtomicU64::new(0),
            openings: AtomicU64::new(0),
            flushed: tokio::sync::Mutex::default(),
        }
    }

    /// Opens PostgreSQL's flush connection when it is not open; counted once open, so that a
    /// ticket taken after the count was moved began after the connection was opened.
    async fn open(&self, flushed: &mut Flushed) -> std::io::Result<()> {
        if let (Kind::Postgres(options), None) = (&self.kind, &flushed.connection) {
            let connection = self.in_time(PgConnection::connect_with(options)).await?;
            flushed.connection = Some(connection);
            self.openings.fetch_add(1, Ordering::SeqCst);
        }
        Ok(())
    }

    /// What PostgreSQL answers to `asked`, if it answers within [`Log::patience`].
    async fn in_time<T>(
        &self,
        asked: impl Future<Output = Result<T, sqlx::Error>>,
    ) -> std::io::Result<T> {
        match tokio::time::timeout(self.patience, asked).await {
            Ok(answer) => answer.map_err(std::io::Error::other),
            Err(_) => Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "PostgreSQL did not answer the log's flush within {} ms",
                    self.patience.as_millis()
                ),
            )),
        }
    }

    async fn flush(&self, flushed: &mut Flushed) -> std::io::Result<()> {
        match &self.kind {
            // A log file that does not exist holds nothing (SQLite removes it once it has
            // checkpointed it all).
            Kind::File(path) => {
                let path = Arc::clone(path);
                tokio::task::spawn_blocking(move || match std::fs::File::open(&path) {
                    Ok(file) => file.sync_data(),
                    Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
                    Err(error) => Err(error),
                })
                .await
                .map_err(std::io::Error::other)?
            }
            Kind::Postgres(_) => {
                self.open(flushed).await?;
                let connection = flushed.connection.as_mut().expect("opened above");
                let result = self
                    .in_time(sqlx::raw_sql(POSTGRES_FLUSH).execute(connection))
                    .await;
                if result.is_err() {
                    // Closed by a restart, most likely: opened again by the next flush.
                    flushed.connection = None;
                }
                result.map(drop)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes that ask while a flush runs share the next one: three writes waiting make one
    /// flush, and each is answered once it is done.
    #[tokio::test]
    async fn writes_asking_together_share_one_flush() {
        let path =
            std::env::temp_dir().join(format!("egov_log_group_{}.db-wal", std::process::id()));
        std::fs::write(&path, b"log").unwrap();
        let log = Arc::new(Log::new(
            Kind::File(Arc::from(path.as_path())),
            Duration::from_secs(5),
        ));
        let sync = LogSync {
            log: Some(Arc::clone(&log)),
        };
        let ticket = sync.ticket();
        assert!(sync.flush(ticket).await.unwrap(), "a write alone flushes");
        let running = log.flushed.lock().await; // a flush under way
        let waiting: Vec<_> = (0..3)
            .map(|_| {
                tokio::spawn({
                    let sync = sync.clone();
                    async move { sync.flush(ticket).await.unwrap() }
                })
            })
            .collect();
        while log.asked.load(Ordering::SeqCst) < 4 {
            tokio::task::yield_now().await;
        }
        drop(running);
        let mut flushed = Vec::new();
        for write in waiting {
            flushed.push(write.await.unwrap());
        }
        assert_eq!(flushed.iter().filter(|&&own| own).count(), 1, "{flushed:?}");
        assert_eq!(log.flushed.lock().await.covered, 4);
        std::fs::remove_file(&path).ok();
    }
}
