//! `egov-rank serve`, also run when no command is given.

use std::net::SocketAddr;
use std::time::Duration;

use api::graphql::policy::Introspection;
use api::limits::QueryLimits;
use clap::{Args, FromArgMatches};
use sea_orm::DatabaseConnection;
use service::db::{LogSync, Ticket};

/// The flags of `serve`: where to listen, the answer cache, and the limits on requests.
#[derive(Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8000")]
    bind: SocketAddr,
    /// How many answers to read-only queries to keep for reuse while the data is unchanged
    /// (0 turns the cache off).
    #[arg(long, env = "EGOV_CACHE_ENTRIES", default_value_t = 10_000)]
    cache_entries: usize,
    /// How many bytes of answers (with the requests they answer) to keep at most; an answer
    /// over a sixteenth of it is not kept.
    #[arg(long, env = "EGOV_CACHE_BYTES", default_value_t = 64 << 20)]
    cache_bytes: usize,
    /// How often, in milliseconds, to check whether another process changed the data.
    #[arg(long, env = "EGOV_VERSION_POLL_MS", default_value_t = 250)]
    version_poll_ms: u64,
    /// How many rows (results of rankings, movements of comparisons) to keep in memory so that
    /// a page costs what the page costs, the least recently used dropped first (0: none, every
    /// answer reads the database).
    #[arg(long, env = "EGOV_READ_MODEL_ROWS", default_value_t = service::read_model::DEFAULT_ROWS)]
    read_model_rows: usize,
    /// Require a bearer token (any role) for reads too; writes always need one.
    #[arg(long, env = "EGOV_READS_REQUIRE_TOKEN")]
    reads_require_token: bool,
    /// Largest request body, in bytes.
    #[arg(long, env = "EGOV_MAX_BODY_BYTES", default_value_t = 16 * 1024 * 1024)]
    max_body_bytes: usize,
    /// A read running longer, in milliseconds, is stopped with TIMEOUT.
    #[arg(long, env = "EGOV_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    request_timeout_ms: u64,
    /// How long, in milliseconds, a client has to send a request's headers, the next request
    /// on a kept-alive connection, or a WebSocket's connection_init, before it is disconnected.
    #[arg(long, env = "EGOV_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    header_timeout_ms: u64,
    /// How long, in milliseconds, a request body may take to arrive (408 TIMEOUT after).
    #[arg(long, env = "EGOV_BODY_TIMEOUT_MS", default_value_t = 30_000)]
    body_timeout_ms: u64,
    /// After SIGTERM or Ctrl-C, how long, in milliseconds, the requests in flight have to
    /// finish before the server exits anyway.
    #[arg(long, env = "EGOV_DRAIN_TIMEOUT_MS", default_value_t = 20_000)]
    drain_timeout_ms: u64,
    /// Who may introspect the schema: `on` (anyone), `off` (nobody) or `token` (callers with
    /// a valid token).
    #[arg(long, env = "EGOV_INTROSPECTION", default_value = "on")]
    introspection: Introspection,
    /// Whether errors suggest names ("did you mean ...?"): `on` or `off`.
    #[arg(
        long,
        env = "EGOV_SUGGESTIONS",
        default_value = "on",
        value_parser = on_or_off,
        action = clap::ArgAction::Set
    )]
    suggestions: bool,
    /// Most operations (subscriptions) one WebSocket may hold at once.
    #[arg(long, env = "EGOV_MAX_SUBSCRIPTIONS", default_value_t = 100)]
    max_subscriptions: usize,
    /// Deepest nesting of a query.
    #[arg(long, env = "EGOV_MAX_DEPTH", default_value_t = QueryLimits::default().max_depth)]
    max_depth: usize,
    /// Largest query complexity (a connection counts `first` times its fields).
    #[arg(long, env = "EGOV_MAX_COMPLEXITY", default_value_t = QueryLimits::default().max_complexity)]
    max_complexity: usize,
    /// Most aliases in a query.
    #[arg(long, env = "EGOV_MAX_ALIASES", default_value_t = QueryLimits::default().max_aliases)]
    max_aliases: usize,
    /// Most root fields in an operation.
    #[arg(long, env = "EGOV_MAX_ROOT_FIELDS", default_value_t = QueryLimits::default().max_root_fields)]
    max_root_fields: usize,
    /// Most directives on one field.
    #[arg(long, env = "EGOV_MAX_DIRECTIVES", default_value_t = QueryLimits::default().max_directives)]
    max_directives: usize,
    /// Longest query text, in bytes (variables not counted), refused before it is parsed.
    #[arg(long, env = "EGOV_MAX_QUERY_BYTES", default_value_t = QueryLimits::default().max_query_bytes)]
    max_query_bytes: usize,
    /// The jurisdiction queries mean when they name none (default: the database's, Thừa
    /// Thiên Huế for the shipped data).
    #[arg(long, env = "EGOV_DEFAULT_JURISDICTION")]
    default_jurisdiction: Option<String>,
    /// An origin whose pages may call the API from a browser (CORS), like
    /// https://dashboard.example.org, or * for any; repeat for several (the environment
    /// variable takes them comma-separated). None: CORS is off.
    #[arg(
        long = "cors-origin",
        value_name = "ORIGIN",
        env = "EGOV_CORS_ORIGINS",
        value_delimiter = ',',
        value_parser = api::http::cors::parse_origin
    )]
    cors_origins: Vec<String>,
}

impl ServeArgs {
    /// `serve` with every flag at its default (or environment) value: the command run when
    /// none is given.
    pub fn defaults() -> Result<Self, String> {
        let command = Self::augment_args(clap::Command::new("serve"));
        Self::from_arg_matches(&command.get_matches_from(["serve"])).map_err(|e| e.to_string())
    }

    /// The server's options these flags give.
    fn options(&self) -> api::ServerOptions {
        api::ServerOptions {
            cache_entries: self.cache_entries,
            version_poll: Duration::from_millis(self.version_poll_ms),
            read_model_rows: self.read_model_rows,
            reads_require_token: self.reads_require_token,
            max_body_bytes: self.max_body_bytes,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            limits: QueryLimits {
                max_depth: self.max_depth,
                max_complexity: self.max_complexity,
                max_aliases: self.max_aliases,
                max_root_fields: self.max_root_fields,
                max_directives: self.max_directives,
                max_query_bytes: self.max_query_bytes,
            },
            default_jurisdiction: self.default_jurisdiction.clone(),
            cache_bytes: self.cache_bytes,
            header_timeout: Duration::from_millis(self.header_timeout_ms),
            body_timeout: Duration::from_millis(self.body_timeout_ms),
            drain_timeout: Duration::from_millis(self.drain_timeout_ms),
            introspection: self.introspection,
            suggestions: self.suggestions,
            max_subscriptions: self.max_subscriptions,
            cors_origins: (self.cors_origins.iter())
                .filter(|origin| !origin.is_empty())
                .cloned()
                .collect(),
            ..api::ServerOptions::default()
        }
    }
}

/// Serves until Ctrl-C or SIGTERM, then answers the requests in flight (within the drain
/// deadline) and closes the database. `start` is the log's ticket taken before the start wrote
/// anything: what it wrote is flushed under it before the first answer.
pub async fn run(
    db: DatabaseConnection,
    args: ServeArgs,
    log_sync: LogSync,
    start: Ticket,
) -> Result<(), String> {
    if let Some(code) = &args.default_jurisdiction {
        // A default that does not exist would fail every query: refuse to start instead.
        service::catalog::resolve_jurisdiction(&db, Some(code))
            .await
            .map_err(|e| e.to_string())?;
    }
    let bind = args.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| format!("cannot listen on {bind}: {e}"))?;
    tracing::info!("serving GraphQL on http://{bind}/graphql");
    // What the start wrote (a migration, the published data) is on disk before the first answer.
    log_sync
        .flush(start)
        .await
        .map_err(|e| format!("cannot flush the database's log: {e}"))?;
    let options = api::ServerOptions {
        log_sync,
        ..args.options()
    };
    api::serve(listener, db.clone(), options, shutdown_signal()).await;
    tracing::info!("stopped");
    db.close().await.map_err(|e| e.to_string())
}

/// Resolves on Ctrl-C or SIGTERM: the server then stops accepting connections and finishes
/// the requests in flight (within the drain deadline) before exiting.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// `on` or `off`, as a flag's value.
fn on_or_off(text: &str) -> Result<bool, String> {
    match text {
        "on" => Ok(true),
        "off" => Ok(false),
        _ => Err(format!("`{text}` is not on or off")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(flags: &[&str]) -> api::ServerOptions {
        let command = ServeArgs::augment_args(clap::Command::new("serve"));
        let matches =
            command.get_matches_from(std::iter::once("serve").chain(flags.iter().copied()));
        ServeArgs::from_arg_matches(&matches).unwrap().options()
    }

    #[test]
    fn the_policy_flags_reach_the_server_options() {
        let defaults = parsed(&[]);
        assert_eq!(defaults.introspection, Introspection::On);
        assert!(defaults.suggestions);
        let set = parsed(&[
            "--introspection",
            "token",
            "--suggestions",
            "off",
            "--header-timeout-ms",
            "500",
            "--max-query-bytes",
            "1000",
        ]);
        assert_eq!(set.introspection, Introspection::Token);
        assert!(!set.suggestions);
        assert_eq!(set.header_timeout, Duration::from_millis(500));
        assert_eq!(set.limits.max_query_bytes, 1000);
    }

    #[test]
    fn cors_origins_repeat_and_are_written_as_browsers_send_them() {
        assert!(parsed(&[]).cors_origins.is_empty(), "off by default");
        assert!(parsed(&["--cors-origin", ""]).cors_origins.is_empty());
        let set = parsed(&[
            "--cors-origin",
            "HTTP://localhost:3000/",
            "--cors-origin",
            "https://a.example,https://b.example",
        ]);
        assert_eq!(
            set.cors_origins,
            [
                "http://localhost:3000",
                "https://a.example",
                "https://b.example"
            ]
        );
        let command = ServeArgs::augment_args(clap::Command::new("serve"));
        let wrong = command.try_get_matches_from(["serve", "--cors-origin", "localhost:3000"]);
        assert!(wrong.is_err(), "an origin without a scheme is refused");
    }
}
