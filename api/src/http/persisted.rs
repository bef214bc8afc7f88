//! Automatic persisted queries (Apollo's protocol): a client sends the SHA-256 of a query
//! instead of its text; the first time, the server answers `PERSISTED_QUERY_NOT_FOUND` and the
//! client sends both, which the server keeps. Dashboards then send hashes only.

use std::collections::HashMap;
use std::sync::Mutex;

use async_graphql::Value;
use sha2::{Digest, Sha256};

/// The code of an unknown hash, as Apollo clients expect it.
pub const NOT_FOUND: &str = "PERSISTED_QUERY_NOT_FOUND";

/// Queries by the hex SHA-256 of their text.
pub struct PersistedQueries {
    queries: Mutex<HashMap<String, String>>,
    capacity: usize,
}

/// Why a persisted query could not be used: (code, message).
pub type Refused = (&'static str, String);

impl PersistedQueries {
    /// Keeps at most `capacity` queries (all are forgotten when full: clients send them again).
    pub fn new(capacity: usize) -> Self {
        Self {
            queries: Mutex::new(HashMap::new()),
            capacity,
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, String>> {
        self.queries
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Completes a request carrying `extensions.persistedQuery`: fills in the query of a known
    /// hash, or checks and keeps a query sent with its hash. Other requests pass unchanged.
    pub fn resolve(&self, request: &mut async_graphql::Request) -> Result<(), Refused> {
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
        let mut queries = self.lock();
        if queries.len() >= self.capacity {
            queries.clear();
        }
        queries.insert(hash, request.query.clone());
        Ok(())
    }
}
