//! The server's Prometheus metrics: requests and latency by route, GraphQL errors by code,
//! writes refused for their input by code, the database pool; and the counter that numbers requests. Served by `observability`.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::http::Method;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use sea_orm::DatabaseConnection;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: &'static str,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct CodeLabels {
    code: String,
}

/// The label of a request's method: HTTP's standard methods by name, anything else `other`.
fn method_label(method: &Method) -> &'static str {
    [
        (Method::GET, "GET"),
        (Method::POST, "POST"),
        (Method::HEAD, "HEAD"),
        (Method::OPTIONS, "OPTIONS"),
        (Method::PUT, "PUT"),
        (Method::DELETE, "DELETE"),
        (Method::PATCH, "PATCH"),
        (Method::CONNECT, "CONNECT"),
        (Method::TRACE, "TRACE"),
    ]
    .into_iter()
    .find(|(known, _)| known == method)
    .map_or("other", |(_, label)| label)
}

fn latency_histogram() -> Histogram {
    // 0.5 ms .. about 8 s
    Histogram::new(exponential_buckets(0.0005, 2.0, 15))
}

/// The server's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    graphql_errors: Family<CodeLabels, Counter>,
    mutation_refusals: Family<CodeLabels, Counter>,
    pool_open: Gauge,
    pool_idle: Gauge,
    kept_answers_served: Counter,
    log_flushes: Counter,
    writers_waiting: Gauge,
    writes_batched: Counter,
    /// The pool's count of batched writes when last rendered: the counter moves by the
    /// difference.
    writes_batched_seen: AtomicU64,
    read_model_rows: Gauge,
    next_id: AtomicU64,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("egov_rank");
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route and status",
            requests.clone(),
        );
        let latency = Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(
            latency_histogram,
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer an HTTP request, by route",
            latency.clone(),
        );
        let graphql_errors = Family::<CodeLabels, Counter>::default();
        registry.register(
            "graphql_errors",
            "GraphQL errors answered, by extensions.code",
            graphql_errors.clone(),
        );
        let mutation_refusals = Family::<CodeLabels, Counter>::default();
        registry.register(
            "mutation_refusals",
            "Mutations refused for their input (answered in the payload's errors, not as \
             top-level GraphQL errors), by code",
            mutation_refusals.clone(),
        );
        let pool_open = Gauge::default();
        registry.register(
            "db_pool_connections",
            "Open database connections",
            pool_open.clone(),
        );
        let pool_idle = Gauge::default();
        registry.register(
            "db_pool_idle_connections",
            "Idle database connections",
            pool_idle.clone(),
        );
        let kept_answers_served = Counter::default();
        registry.register(
            "kept_answers_served",
            "Answers served as kept, without computing them",
            kept_answers_served.clone(),
        );
        let log_flushes = Counter::default();
        registry.register(
            "db_log_flushes",
            "Flushes of the database's log to disk before write requests are answered (writes asking together share one)",
            log_flushes.clone(),
        );
        let writers_waiting = Gauge::default();
        registry.register(
            "db_writers_waiting",
            "SQLite: writes of this server waiting for their turn at the database's one writer",
            writers_waiting.clone(),
        );
        let writes_batched = Counter::default();
        registry.register(
            "db_writes_batched",
            "SQLite: writes that joined the open transaction of the write before them instead of \
             beginning and committing their own (writers waiting share one COMMIT)",
            writes_batched.clone(),
        );
        let read_model_rows = Gauge::default();
        registry.register(
            "read_model_rows",
            "Rows (results of rankings, movements of comparisons) the read model keeps in memory",
            read_model_rows.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            graphql_errors,
            mutation_refusals,
            pool_open,
            pool_idle,
            kept_answers_served,
            log_flushes,
            writers_waiting,
            writes_batched,
            writes_batched_seen: AtomicU64::new(0),
            read_model_rows,
            next_id: AtomicU64::new(1),
        }
    }
}

impl Metrics {
    /// Counts the errors of a GraphQL response by code.
    pub fn graphql_errors<'a>(&self, codes: impl Iterator<Item = &'a str>) {
        for code in codes {
            self.graphql_errors
                .get_or_create(&CodeLabels { code: code.into() })
                .inc();
        }
    }

    /// Counts a mutation refused for its input, by the code of its payload's errors.
    pub fn mutation_refused(&self, code: &str) {
        self.mutation_refusals
            .get_or_create(&CodeLabels { code: code.into() })
            .inc();
    }

    /// Counts an answer served as kept.
    pub fn kept_answer_served(&self) {
        self.kept_answers_served.inc();
    }

    /// Counts a flush of the database's log before a write is answered, when that write ran it.
    pub fn log_flushed(&self, flushed: bool) {
        if flushed {
            self.log_flushes.inc();
        }
    }

    /// The metrics in Prometheus text format, the pool and the read model's rows read now.
    pub fn render(
        &self,
        db: &DatabaseConnection,
        read_model_rows: usize,
    ) -> Result<String, std::fmt::Error> {
        self.read_model_rows
            .set(i64::try_from(read_model_rows).unwrap_or(i64::MAX));
        let (open, idle) = service::db::pool_stats(db);
        self.pool_open.set(i64::from(open));
        self.pool_idle.set(i64::try_from(idle).unwrap_or(i64::MAX));
        if let Some(turns) = service::db::turn_stats(db) {
            self.writers_waiting
                .set(i64::try_from(turns.waiting).unwrap_or(i64::MAX));
            let before = self
                .writes_batched_seen
                .fetch_max(turns.joined, Ordering::Relaxed);
            self.writes_batched
                .inc_by(turns.joined.saturating_sub(before));
        }
        let mut text = String::new();
        encode(&mut text, &self.registry)?;
        Ok(text)
    }

    /// Counts an answered request and its latency. Labels come from closed sets only (each
    /// label value is a series kept for ever): the method is one of HTTP's own or `other`, the
    /// route one of the route table's or `unmatched`. A thousand made-up methods had made a
    /// thousand series, 97 MB and a 102 MB `/metrics`.
    pub fn answered(&self, method: &Method, route: String, status: u16, elapsed: Duration) {
        self.requests
            .get_or_create(&RequestLabels {
                method: method_label(method),
                route: route.clone(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels { route })
            .observe(elapsed.as_secs_f64());
    }

    /// A new request id, for a request that brings none: a counter, in 16 hex digits.
    pub fn next_request_id(&self) -> String {
        format!("{:016x}", self.next_id.fetch_add(1, Ordering::Relaxed))
    }
}
