//! Answers to read-only queries, reused until what they were made from changes.
//!
//! Rankings change a few times a year; dashboards ask the same questions all day. An answer is
//! kept under the exact request body, with the ranking groups it was made from (see
//! `graphql::reads`), or none known when it read anything else. The read model tells the cache
//! what changed (`service::read_model`: database triggers version every group and the
//! catalogue, whichever process writes; read at most once per poll interval, at once after
//! this process's writes): a write to some groups drops only the answers made from them and
//! those whose reads are not known; a write to the catalogue drops everything. What is kept
//! stays within a number of answers and of bytes (request bodies and answers counted), the
//! oldest forgotten first.

use std::sync::Mutex;

use axum::body::Bytes;
use service::catalog::GroupKey;
use service::read_model::changes::Changed;

use super::bounded::{Bounded, Budget};

/// The kept answers.
pub struct ResponseCache {
    state: Mutex<State>,
    /// Whether anything is kept at all.
    on: bool,
}

struct State {
    /// The data version the kept answers are current at; `None` before the first reading.
    version: Option<i64>,
    answers: Bounded<Bytes, Kept>,
}

/// An answer and what it was made from.
struct Kept {
    answer: Bytes,
    /// The groups read; `None`: something else too, so any write may change it.
    groups: Option<Vec<GroupKey>>,
}

impl Kept {
    /// Whether a write to `written` may have changed this answer.
    fn reads_any(&self, written: &[GroupKey]) -> bool {
        self.groups
            .as_ref()
            .is_none_or(|read| read.iter().any(|group| group.written_by(written)))
    }
}

impl ResponseCache {
    /// Keeps answers within `budget` (none when it allows no entry).
    pub fn new(budget: Budget) -> Self {
        Self {
            state: Mutex::new(State {
                version: None,
                answers: Bounded::new(budget),
            }),
            on: budget.entries > 0 && budget.bytes > 0,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        crate::sync::lock(&self.state)
    }

    /// Whether answers are kept at all.
    pub fn on(&self) -> bool {
        self.on
    }

    /// Drops the answers `changed` may have changed; the kept answers are now current at
    /// `version`. Called by the read model as it learns of changes.
    pub fn changed(&self, version: i64, changed: &Changed) {
        let mut state = self.lock();
        match changed {
            Changed::Nothing => {}
            Changed::Everything => state.answers.clear(),
            Changed::Groups(written) => state.answers.retain(|kept| !kept.reads_any(written)),
        }
        state.version = Some(version);
    }

    /// The answer kept for this request body, if the kept answers are current at `version`.
    pub fn get(&self, version: i64, body: &Bytes) -> Option<Bytes> {
        let state = self.lock();
        match state.version {
            Some(current) if current == version => {
                state.answers.get(body).map(|kept| kept.answer.clone())
            }
            _ => None,
        }
    }

    /// Keeps an answer computed at `version` from `groups` (`None`: not only groups), unless
    /// the version has moved on meanwhile.
    pub fn put(&self, version: i64, body: Bytes, answer: Bytes, groups: Option<Vec<GroupKey>>) {
        let mut state = self.lock();
        if state.version != Some(version) {
            return;
        }
        let size =
            body.len() + answer.len() + groups.as_ref().map_or(0, |groups| groups.len() * 16);
        state.answers.insert(body, Kept { answer, groups }, size);
    }
}
