//! Answers to read-only queries, reused while the data version holds.
//!
//! Rankings change a few times a year; dashboards ask the same questions all day. An answer is
//! kept under the exact request body and the data version it was computed at (see
//! `service::version`: database triggers increment it on every write, whichever process
//! writes). The version is read at most once per `poll` interval, so another process's write is
//! seen within that interval; then every kept answer is dropped at once. What is kept stays
//! within a number of answers and of bytes (request bodies and answers counted), the oldest
//! forgotten first.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use sea_orm::DatabaseConnection;

use super::bounded::{Bounded, Budget};

/// The kept answers of one data version.
pub struct ResponseCache {
    state: Mutex<State>,
    poll: Duration,
    /// Whether anything is kept at all.
    on: bool,
}

struct State {
    /// The data version and when it was read.
    version: Option<(i64, Instant)>,
    answers: Bounded<Bytes, Bytes>,
}

impl ResponseCache {
    /// Keeps answers within `budget` (none when it allows no entry), reading the version every
    /// `poll`.
    pub fn new(budget: Budget, poll: Duration) -> Self {
        Self {
            state: Mutex::new(State {
                version: None,
                answers: Bounded::new(budget),
            }),
            poll,
            on: budget.entries > 0 && budget.bytes > 0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        crate::sync::lock(&self.state)
    }

    /// The data version, read from the database when the last reading is older than `poll`.
    /// `None` when caching is off or the version cannot be read (then nothing is reused).
    pub async fn version(&self, db: &DatabaseConnection) -> Option<i64> {
        if !self.on {
            return None;
        }
        if let Some((version, read_at)) = self.lock().version
            && read_at.elapsed() < self.poll
        {
            return Some(version);
        }
        let version = match service::db::data_version::current(db).await {
            Ok(version) => version,
            Err(error) => {
                tracing::warn!(%error, "cannot read the data version; answering without the cache");
                return None;
            }
        };
        let mut state = self.lock();
        if state.version.map(|(known, _)| known) != Some(version) {
            state.answers.clear();
        }
        state.version = Some((version, Instant::now()));
        Some(version)
    }

    /// Drops every kept answer and the version reading, so the next request reads the version
    /// anew: called after a write of this process, which must not wait for the next poll.
    pub fn forget(&self) {
        let mut state = self.lock();
        state.version = None;
        state.answers.clear();
    }

    /// The answer kept for this request body at this version.
    pub fn get(&self, version: i64, body: &Bytes) -> Option<Bytes> {
        let state = self.lock();
        match state.version {
            Some((current, _)) if current == version => state.answers.get(body).cloned(),
            _ => None,
        }
    }

    /// Keeps an answer computed at `version`, unless the version has moved on meanwhile.
    pub fn put(&self, version: i64, body: Bytes, answer: Bytes) {
        let mut state = self.lock();
        if state.version.map(|(current, _)| current) != Some(version) {
            return;
        }
        let size = body.len() + answer.len();
        state.answers.insert(body, answer, size);
    }
}
