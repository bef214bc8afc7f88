//! Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of a query
//! instead of its text; the first time, the server answers `PERSISTED_QUERY_NOT_FOUND` and the
//! client sends both, which the server keeps. Dashboards then send hashes only.
//!
//! Only documents that only read are kept, whoever sends them: a hash then never stands for a
//! write, so no request can swap a mutation in where only reads are allowed (a `GET`), and
//! an anonymous client cannot plant one. A write sent with its hash runs, and is sent whole
//! every time. What is kept stays within a byte budget, oldest forgotten first.

use std::sync::Mutex;

use async_graphql::Value;
use sha2::{Digest, Sha256};

use super::bounded::{Bounded, Budget};

/// The code of an unknown hash, as Apollo clients expect it.
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";

/// How much is kept: 10 000 queries and 4 MiB of text (a dashboard's are a few kilobytes; one
/// over 256 KiB is not kept at all).
pub const BUDGET: Budget = Budget {
    entries: 10_000,
    bytes: 4 << 20,
};

/// Read-only queries by the hex SHA-256 of their text.
pub struct PersistedQueries {
    queries: Mutex<Bounded<String, String>>,
}

/// Why a persisted query could not be used: (code, message).
pub type Refused = (&'static str, String);

impl PersistedQueries {
    /// Keeps queries within `budget`.
    pub fn new(budget: Budget) -> Self {
        Self {
            queries: Mutex::new(Bounded::new(budget)),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Bounded<String, String>> {
        crate::sync::lock(&self.queries)
    }

    /// Completes a request carrying `extensions.persistedQuery`: fills in the query of a known
    /// hash, or checks a query sent with its hash and keeps it if it only reads (as `only_reads`
    /// tells, parsing it). Other requests
    /// pass unchanged.
    pub fn resolve(
        &self,
        request: &mut async_graphql::Request,
        only_reads: impl FnOnce(&mut async_graphql::Request) -> bool,
    ) -> Result<(), Refused> {
        let Some(Value::Object(persisted)) = request.extensions.get("persistedQuery") else {
            return Ok(());
        };
        let hash = match persisted.get("sha256Hash") {
            Some(Value::String(hash)) => hash.to_ascii_lowercase(),
            _ => {
                return Err(("BAD_USER_INPUT", "persistedQuery needs a sha256Hash".into()));
            }
        };
        if !matches!(persisted.get("version"), Some(Value::Number(n)) if n.as_u64() == Some(1)) {
            return Err((
                "BAD_USER_INPUT",
                "only persistedQuery version 1 is supported".into(),
            ));
        }
        if request.query.trim().is_empty() {
            return match self.lock().get(&hash) {
                Some(query) => {
                    request.query = query.clone();
                    Ok(())
                }
                None => Err((NOT_FOUND, "PersistedQueryNotFound".into())),
            };
        }
        let actual = hex::encode(Sha256::digest(request.query.as_bytes()));
        if actual != hash {
            return Err((
                "BAD_USER_INPUT",
                format!("the query's SHA-256 is {actual}, not the sha256Hash sent"),
            ));
        }
        if only_reads(request) {
            let size = hash.len() + request.query.len();
            self.lock().insert(hash, request.query.clone(), size);
        }
        Ok(())
    }
}
