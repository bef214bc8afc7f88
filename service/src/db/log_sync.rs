//! Making a server's SQLite writes durable after they let the next writer in.
//!
//! With `synchronous=FULL` (sqlx's default) every COMMIT waits for `fdatasync` of the
//! write-ahead log while it holds SQLite's one write lock, so the writes queued behind it wait
//! for the disk too, one write at a time. The server instead opens its pool with
//! `synchronous=NORMAL` (COMMIT writes the log into the operating system's cache and returns)
//! and, once a write request has let the next writer in and before it answers, calls
//! [`LogSync::flush`]: `fdatasync` of the log file flushes every page of it written so far,
//! whichever connection wrote it, so an answered write is on disk as it was with FULL, and
//! writes that commit close together share one wait for the disk (a group commit): those that
//! ask while a flush runs are covered together by the next one.
//! What differs from FULL: for the duration of that flush (a fraction of a millisecond) another
//! request may read a write that a power cut could still undo while its author waits for the
//! answer. A crash of the process alone loses nothing either way: the log is in the operating
//! system's cache. The command-line commands keep FULL.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use sea_orm::sqlx::sqlite::SqliteConnectOptions;

use super::PoolSettings;

/// The write-ahead log of a SQLite database file whose commits do not wait for the disk
/// ([`PoolSettings::deferred_sync`]), to flush before a write is answered; nothing for
/// PostgreSQL, an in-memory SQLite database or a pool that syncs at each COMMIT.
#[derive(Clone, Debug, Default)]
pub struct LogSync {
    log: Option<Arc<Log>>,
}

/// A log and the flushes asked of it. Each `fdatasync` covers every write that asked before it
/// started, so writes that ask while one runs wait for it to end, then share the next one
/// instead of each running its own: under load most writes' flushes were no-ops that still
/// cost a system call and two thread switches to the blocking pool.
#[derive(Debug)]
struct Log {
    path: Arc<Path>,
    /// How many flushes were asked for so far: each asking write's number.
    asked: AtomicU64,
    /// The highest number the flushes done so far cover; locked while one runs.
    covered: tokio::sync::Mutex<u64>,
}

impl LogSync {
    /// The log of the database `url` names, when `settings` defer its syncs.
    pub fn for_url(url: &str, settings: &PoolSettings) -> Self {
        // sqlx's SQLite options take any URL, a PostgreSQL one too, as a file name.
        let file = (settings.deferred_sync && super::sqlite_file(url))
            .then(|| SqliteConnectOptions::from_str(url).ok())
            .flatten()
            .map(|options| options.get_filename().as_os_str().to_owned());
        Self {
            log: file.map(|mut path| {
                path.push("-wal");
                Arc::new(Log {
                    path: Arc::from(Path::new(&path)),
                    asked: AtomicU64::new(0),
                    covered: tokio::sync::Mutex::new(0),
                })
            }),
        }
    }

    /// Waits until everything committed to the log before this call is on disk; whether this
    /// call flushed the log itself (not when there is no log, nor when a flush that started
    /// after this call covered it). A log file that does not exist holds nothing (SQLite
    /// removes it once it has checkpointed it all).
    pub async fn flush(&self) -> std::io::Result<bool> {
        let Some(log) = &self.log else {
            return Ok(false);
        };
        let number = log.asked.fetch_add(1, Ordering::SeqCst) + 1;
        let mut covered = log.covered.lock().await;
        if *covered >= number {
            return Ok(false);
        }
        // Every write numbered so far committed before it asked, so before this flush starts.
        let covers = log.asked.load(Ordering::SeqCst);
        let path = Arc::clone(&log.path);
        tokio::task::spawn_blocking(move || match std::fs::File::open(&path) {
            Ok(file) => file.sync_data(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error),
        })
        .await
        .map_err(std::io::Error::other)??;
        *covered = covers;
        Ok(true)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes that ask while a flush runs share the next one: three writes waiting make one
    /// flush, and each is answered once it is done.
    #[tokio::test]
    async fn writes_asking_together_share_one_flush() {
        let deferring = PoolSettings {
            deferred_sync: true,
            ..PoolSettings::default()
        };
        let file = std::env::temp_dir().join(format!("egov_log_group_{}.db", std::process::id()));
        let sync = LogSync::for_url(&format!("sqlite://{}", file.display()), &deferring);
        let log = Arc::clone(sync.log.as_ref().unwrap());
        std::fs::write(&log.path, b"log").unwrap();
        assert!(sync.flush().await.unwrap(), "a write alone flushes");
        let running = log.covered.lock().await; // a flush under way
        let waiting: Vec<_> = (0..3)
            .map(|_| {
                tokio::spawn({
                    let sync = sync.clone();
                    async move { sync.flush().await.unwrap() }
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
        assert_eq!(*log.covered.lock().await, 4);
        std::fs::remove_file(&log.path).ok();
    }
}
