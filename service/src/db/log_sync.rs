//! Making a server's SQLite writes durable after they let the next writer in.
//!
//! With `synchronous=FULL` (sqlx's default) every COMMIT waits for `fdatasync` of the
//! write-ahead log while it holds SQLite's one write lock, so the writes queued behind it wait
//! for the disk too, one write at a time. The server instead opens its pool with
//! `synchronous=NORMAL` (COMMIT writes the log into the operating system's cache and returns)
//! and, once a write request has let the next writer in and before it answers, calls
//! [`LogSync::flush`]: `fdatasync` of the log file flushes every page of it written so far,
//! whichever connection wrote it, so an answered write is on disk as it was with FULL, and
//! writes that commit close together share one wait for the disk (a group commit).
//! What differs from FULL: for the duration of that flush (a fraction of a millisecond) another
//! request may read a write that a power cut could still undo while its author waits for the
//! answer. A crash of the process alone loses nothing either way: the log is in the operating
//! system's cache. The command-line commands keep FULL.

use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;

use sea_orm::sqlx::sqlite::SqliteConnectOptions;

use super::PoolSettings;

/// The write-ahead log of a SQLite database file whose commits do not wait for the disk
/// ([`PoolSettings::deferred_sync`]), to flush before a write is answered; nothing for
/// PostgreSQL, an in-memory SQLite database or a pool that syncs at each COMMIT.
#[derive(Clone, Debug, Default)]
pub struct LogSync {
    log: Option<Arc<Path>>,
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
                Arc::from(Path::new(&path))
            }),
        }
    }

    /// Waits until everything committed to the log so far is on disk; whether there was a log
    /// to flush. A log file that does not exist holds nothing (SQLite removes it once it has
    /// checkpointed it all).
    pub async fn flush(&self) -> std::io::Result<bool> {
        let Some(log) = &self.log else {
            return Ok(false);
        };
        let log = Arc::clone(log);
        tokio::task::spawn_blocking(move || match std::fs::File::open(&log) {
            Ok(file) => file.sync_data(),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(error) => Err(error),
        })
        .await
        .map_err(std::io::Error::other)??;
        Ok(true)
    }
}
