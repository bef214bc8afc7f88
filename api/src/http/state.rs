//! What every handler shares: the server's options and the [`AppState`] built from them. In a
//! module of its own so that the handlers (GraphQL, exports, metrics) and the router all depend
//! on it, and not on each other.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;

use super::limits::QueryLimits;
use super::metrics::Metrics;
use super::persisted::PersistedQueries;
use super::response_cache::ResponseCache;
use crate::graphql::live::Changes;
use crate::{AppSchema, build_schema};

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// How long a DataLoader batch waits for more keys after the first (default 1 ms).
    pub batch_delay: Duration,
    /// How many answers to read-only queries are kept for reuse (0: none; default 10 000).
    pub cache_entries: usize,
    /// How often the data version is read: another process's write shows within this time
    /// (default 250 ms).
    pub version_poll: Duration,
    /// Whether reads need a token (of any role) too; by default they are open. Writes always
    /// need one.
    pub reads_require_token: bool,
    /// How big a query may be.
    pub limits: QueryLimits,
    /// Largest request body accepted (default 16 MiB: an appendix spreadsheet in base64).
    pub max_body_bytes: usize,
    /// How long a read may run before it is abandoned with `TIMEOUT` (default 30 s). Writes run
    /// to the end: abandoning one would leave the client unsure whether it happened.
    pub request_timeout: Duration,
    /// The jurisdiction a query means when it names none; `None`: the one the database marks
    /// as default (Thừa Thiên Huế for the shipped data).
    pub default_jurisdiction: Option<String>,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            batch_delay: Duration::from_millis(1),
            cache_entries: 10_000,
            version_poll: Duration::from_millis(250),
            reads_require_token: false,
            limits: QueryLimits::default(),
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            default_jurisdiction: None,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: AppSchema,
    pub db: DatabaseConnection,
    pub options: ServerOptions,
    pub cache: Arc<ResponseCache>,
    pub metrics: Arc<Metrics>,
    pub persisted: Arc<PersistedQueries>,
}

impl AppState {
    /// The state of a server over a prepared database: the schema, announcing changes polled
    /// every `options.version_poll`, and empty caches and metrics.
    pub fn new(db: DatabaseConnection, options: ServerOptions) -> Self {
        let changes = Changes::start(Some(db.clone()), options.version_poll);
        Self {
            schema: build_schema(
                Some(db.clone()),
                options.limits,
                changes,
                options.default_jurisdiction.clone(),
            ),
            persisted: Arc::new(PersistedQueries::new(10_000)),
            cache: Arc::new(ResponseCache::new(
                options.cache_entries,
                options.version_poll,
            )),
            metrics: Arc::new(Metrics::default()),
            db,
            options,
        }
    }
}
