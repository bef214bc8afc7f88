//! What every handler shares: the server's options and the [`AppState`] built from them. In a
//! module of its own so that the handlers (GraphQL, exports, metrics) and the router all depend
//! on it, and not on each other.

use std::sync::Arc;
use std::time::Duration;

use sea_orm::DatabaseConnection;
use service::db::LogSync;
use service::read_model::ReadModel;

use super::bounded::Budget;
use super::limits::QueryLimits;
use super::metrics::Metrics;
use super::persisted::{self, PersistedQueries};
use super::response_cache::ResponseCache;
use crate::build_schema;
use crate::graphql::access::Caller;
use crate::graphql::live::Changes;
use crate::graphql::mutation::payload::RefusalLog;
use crate::graphql::policy::Introspection;
use crate::graphql::reads::Reads;
use crate::graphql::run::Served;
use crate::graphql::with_loaders;

/// How the server behaves.
#[derive(Clone, Debug)]
pub struct ServerOptions {
    /// How long a DataLoader batch waits for more keys after the first (default 1 ms).
    pub batch_delay: Duration,
    /// How many answers to read-only queries are kept for reuse (0: none; default 10 000).
    pub cache_entries: usize,
    /// How many bytes of answers (and of the requests they answer) are kept at most (default
    /// 64 MiB); an answer over a sixteenth of it is not kept.
    pub cache_bytes: usize,
    /// How often the data version is read: another process's write shows within this time
    /// (default 250 ms).
    pub version_poll: Duration,
    /// How many rows (results of rankings, movements of comparisons) the read model keeps in
    /// memory (0: none, every answer reads the database; default
    /// `service::read_model::DEFAULT_ROWS`).
    pub read_model_rows: usize,
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
    /// Who may introspect the schema (default: anyone).
    pub introspection: Introspection,
    /// Whether errors suggest names ("did you mean ...?"; default: yes).
    pub suggestions: bool,
    /// How long a client has to say what it wants (default 10 s): its request headers, the
    /// next request on a kept-alive connection, a WebSocket's `connection_init`. Slower ones
    /// are disconnected, so they cannot hold connections open at no cost to themselves.
    pub header_timeout: Duration,
    /// How long a request body may take to arrive, in all (default 30 s; `408 TIMEOUT` after).
    pub body_timeout: Duration,
    /// How long the requests in flight have to finish after a shutdown signal (default 20 s),
    /// after which the server exits anyway (a write cut short rolls back).
    pub drain_timeout: Duration,
    /// Most subscriptions one WebSocket may hold at once (default 100).
    pub max_subscriptions: usize,
    /// The origins whose pages may call the API from a browser, as `cors::parse_origin`
    /// writes them (`*`: any); empty (the default): CORS is off.
    pub cors_origins: Vec<String>,
    /// The database's log each write request flushes after its transaction ends (letting the
    /// next writer in) and before answering, when the pool's commits do
    /// not wait for the disk (`service::db::PoolSettings::deferred_sync`); by default none.
    pub log_sync: LogSync,
}

impl Default for ServerOptions {
    fn default() -> Self {
        Self {
            batch_delay: Duration::from_millis(1),
            cache_entries: 10_000,
            cache_bytes: 64 << 20,
            version_poll: Duration::from_millis(250),
            read_model_rows: service::read_model::DEFAULT_ROWS,
            reads_require_token: false,
            limits: QueryLimits::default(),
            max_body_bytes: 16 * 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            default_jurisdiction: None,
            introspection: Introspection::On,
            suggestions: true,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            drain_timeout: Duration::from_secs(20),
            max_subscriptions: 100,
            cors_origins: Vec::new(),
            log_sync: LogSync::default(),
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub schema: Served,
    pub db: DatabaseConnection,
    pub options: ServerOptions,
    pub cache: Arc<ResponseCache>,
    /// Rankings and comparisons kept in memory, shared by every request.
    pub read_model: Arc<ReadModel>,
    pub metrics: Arc<Metrics>,
    pub persisted: Arc<PersistedQueries>,
}

impl AppState {
    /// A request as it runs for `caller`, over HTTP or a WebSocket alike: with the caller, the
    /// batching loaders, the introspection the server's policy gives them, and the metrics that
    /// count refused writes.
    /// What it reads is recorded in `reads`.
    pub fn for_caller(
        &self,
        request: async_graphql::Request,
        caller: Caller,
        reads: Reads,
    ) -> async_graphql::Request {
        let request = self.options.introspection.restrict(request, &caller);
        let metrics = Arc::clone(&self.metrics);
        with_loaders(
            request,
            &self.db,
            &self.read_model,
            self.options.batch_delay,
            caller,
            reads,
        )
        .data(RefusalLog(Arc::new(move |code| {
            metrics.mutation_refused(code)
        })))
    }

    /// The state of a server over a prepared database: the schema, announcing changes polled
    /// every `options.version_poll`, and empty caches and metrics. The kept answers follow the
    /// changes the read model learns of.
    pub fn new(db: DatabaseConnection, options: ServerOptions) -> Self {
        let changes = Changes::start(Some(db.clone()), options.version_poll);
        let cache = Arc::new(ResponseCache::new(Budget {
            entries: options.cache_entries,
            bytes: options.cache_bytes,
        }));
        let read_model = Arc::new(ReadModel::new(
            options.read_model_rows,
            options.version_poll,
        ));
        let follower = Arc::clone(&cache);
        read_model.on_change(move |version, changed| follower.changed(version, changed));
        Self {
            schema: build_schema(
                Some(db.clone()),
                options.limits,
                changes,
                options.default_jurisdiction.clone(),
                options.suggestions,
            ),
            persisted: Arc::new(PersistedQueries::new(persisted::BUDGET)),
            cache,
            read_model,
            metrics: Arc::new(Metrics::default()),
            db,
            options,
        }
    }
}
