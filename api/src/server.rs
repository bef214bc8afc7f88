//! The HTTP routes: the dashboard, GraphQL (GET, POST, WebSocket subscriptions), GraphiQL and
//! its assets, exports, health, readiness and metrics.

use std::sync::Arc;
use std::time::Duration;

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{DefaultBodyLimit, Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use sea_orm::DatabaseConnection;

use crate::graphql::access::Caller;
use crate::graphql::live::Changes;
use crate::graphql::with_loaders;
use crate::graphql_http::{self, GetParams, MediaType};
use crate::limits::QueryLimits;
use crate::observability::{self, Metrics};
use crate::persisted::PersistedQueries;
use crate::response_cache::ResponseCache;
use crate::{AppSchema, build_schema, dashboard, export_http, graphiql};

/// How the server behaves.
#[derive(Clone, Copy, Debug)]
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
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct App {
    schema: AppSchema,
    pub(crate) db: DatabaseConnection,
    options: ServerOptions,
    cache: Arc<ResponseCache>,
    pub(crate) metrics: Arc<Metrics>,
    persisted: Arc<PersistedQueries>,
}

/// The whole HTTP application over a prepared database.
pub fn router(db: DatabaseConnection, options: ServerOptions) -> Router {
    let changes = Changes::start(Some(db.clone()), options.version_poll);
    let app = App {
        schema: build_schema(Some(db.clone()), options.limits, changes),
        persisted: Arc::new(PersistedQueries::new(10_000)),
        cache: Arc::new(ResponseCache::new(
            options.cache_entries,
            options.version_poll,
        )),
        metrics: Arc::new(Metrics::default()),
        db,
        options,
    };
    Router::new()
        .route("/", get(dashboard::page))
        .route("/dashboard/{file}", get(dashboard::asset))
        .route("/graphql", get(graphql_get).post(graphql_post))
        .route("/graphql/ws", get(graphql_ws))
        .route("/graphql/assets/{file}", get(graphiql::asset))
        .route("/export/{year}/{file}", get(export_http::export))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(observability::metrics))
        .layer(DefaultBodyLimit::max(options.max_body_bytes))
        .layer(middleware::from_fn_with_state(
            app.clone(),
            observability::observe,
        ))
        .with_state(app)
}

/// Whether every operation of a query document only reads.
fn read_only(query: &str) -> bool {
    parse_query(query).is_ok_and(|document| {
        document
            .operations
            .iter()
            .all(|(_, operation)| operation.node.ty == OperationType::Query)
    })
}

/// Who sends the request: the holder of its bearer token, or nobody. An unknown or revoked
/// token, or no token where reads need one, refuses the whole request (401, `UNAUTHENTICATED`).
pub(crate) async fn caller(
    app: &App,
    headers: &HeaderMap,
    media: MediaType,
) -> Result<Caller, Response> {
    let unauthenticated =
        |message: &str| media.refusal(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        if app.options.reads_require_token {
            return Err(unauthenticated(
                "this server needs a bearer token for reads too (Authorization: Bearer ...)",
            ));
        }
        return Ok(Caller(None));
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, secret)| secret.trim());
    let Some(secret) = secret else {
        return Err(unauthenticated(
            "the Authorization header must be `Bearer <token>`",
        ));
    };
    match service::access::authenticate(&app.db, secret).await {
        Ok(Some(principal)) => Ok(Caller(Some(principal))),
        Ok(None) => Err(unauthenticated("unknown or revoked token")),
        Err(error) => {
            tracing::error!(%error, "cannot check a token");
            Err(media.refusal(
                StatusCode::SERVICE_UNAVAILABLE,
                "INTERNAL_SERVER_ERROR",
                "cannot check the token now; try again",
            ))
        }
    }
}

/// `GET /graphql`: GraphiQL; with a `query` parameter, a read.
async fn graphql_get(
    State(app): State<App>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Query<GetParams>,
) -> Response {
    let media = MediaType::negotiate(&headers);
    if params.query.is_none() {
        return graphiql::page().await.into_response();
    }
    let request = match params.into_request() {
        Ok(request) => request,
        Err((status, message)) => return media.refusal(status, "BAD_USER_INPUT", &message),
    };
    if parse_query(&request.query).is_ok() && !read_only(&request.query) {
        let mut refused = media.refusal(
            StatusCode::METHOD_NOT_ALLOWED,
            "BAD_USER_INPUT",
            "a GET request only reads: send mutations with POST",
        );
        refused
            .headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("POST"));
        return refused;
    }
    let key = Bytes::from(format!("GET {}", raw.unwrap_or_default()));
    let response = execute(app, &headers, media, request, key).await;
    graphql_http::with_etag(&headers, response).await
}

/// `GET /graphql/ws`: subscriptions over WebSocket (graphql-transport-ws, or the older
/// graphql-ws). Where reads need a token, the upgrade request must carry one.
async fn graphql_ws(
    State(app): State<App>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Err(refusal) = caller(&app, &headers, MediaType::Json).await {
        return refusal;
    }
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| GraphQLWebSocket::new(socket, app.schema, protocol).serve())
}

/// `POST /graphql` with a JSON body.
async fn graphql_post(
    State(app): State<App>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let media = MediaType::negotiate(&headers);
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let (status, code) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                (StatusCode::PAYLOAD_TOO_LARGE, "PAYLOAD_TOO_LARGE")
            } else {
                (rejection.status(), "BAD_USER_INPUT")
            };
            let message = format!(
                "{} (at most {} bytes)",
                rejection.body_text(),
                app.options.max_body_bytes
            );
            return media.refusal(status, code, &message);
        }
    };
    let request = match graphql_http::parse_body(&headers, &body) {
        Ok(request) => request,
        Err((status, message)) => return media.refusal(status, "BAD_USER_INPUT", &message),
    };
    execute(app, &headers, media, request, body).await
}

/// Runs a GraphQL request for its caller. Answers to read-only queries without errors are
/// kept and reused, per caller role, while the data version holds; a write forgets them at
/// once. Reads are abandoned after the request timeout.
async fn execute(
    app: App,
    headers: &HeaderMap,
    media: MediaType,
    mut request: async_graphql::Request,
    body: Bytes,
) -> Response {
    let caller = match caller(&app, headers, media).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if let Err((code, message)) = app.persisted.resolve(&mut request) {
        app.metrics.graphql_errors(std::iter::once(code));
        return media.refusal(StatusCode::OK, code, &message);
    }
    // Answers may depend on the role (the audit log is for admins), never on who else.
    let role = caller.0.as_ref().map_or("anonymous", |p| p.role.code());
    let key = Bytes::from([role.as_bytes(), b"\n", &body].concat());
    let version = app.cache.version(&app.db).await;
    if let Some(answer) = version.and_then(|v| app.cache.get(v, &key)) {
        return media.answer(StatusCode::OK, answer);
    }
    let cacheable = read_only(&request.query);
    let run = app.schema.execute(with_loaders(
        request,
        &app.db,
        app.options.batch_delay,
        caller,
    ));
    let response = if cacheable {
        match tokio::time::timeout(app.options.request_timeout, run).await {
            Ok(response) => response,
            Err(_) => {
                app.metrics.graphql_errors(std::iter::once("TIMEOUT"));
                let message = format!(
                    "the query ran longer than {} ms and was stopped: ask for less",
                    app.options.request_timeout.as_millis()
                );
                return media.refusal(StatusCode::SERVICE_UNAVAILABLE, "TIMEOUT", &message);
            }
        }
    } else {
        let response = run.await;
        // This process may just have written: answer the next read from fresh data.
        app.cache.forget();
        response
    };
    app.metrics
        .graphql_errors(response.errors.iter().map(|error| {
            match error.extensions.as_ref().and_then(|e| e.get("code")) {
                Some(async_graphql::Value::String(code)) => code.as_str(),
                _ => "GRAPHQL_VALIDATION_FAILED",
            }
        }));
    let status = media.status(&response);
    let serialized = serde_json::to_value(&response).and_then(|mut value| {
        if status == StatusCode::BAD_REQUEST
            && let Some(object) = value.as_object_mut()
        {
            // The request did not run: the spec's type says so by leaving `data` out.
            object.remove("data");
        }
        serde_json::to_vec(&value)
    });
    let answer = match serialized {
        Ok(answer) => Bytes::from(answer),
        Err(error) => {
            tracing::error!(%error, "cannot serialize a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(version) = version.filter(|_| cacheable && response.errors.is_empty()) {
        app.cache.put(version, key, answer.clone());
    }
    media.answer(status, answer)
}

/// The process answers (liveness): 200 while it runs.
async fn healthz() -> &'static str {
    "ok\n"
}

/// How long readiness waits for the database: a probe must get an answer, not silence.
const READY_WITHIN: Duration = Duration::from_secs(1);

/// Ready for traffic (readiness): 200 when the database answers within a second, 503
/// otherwise.
async fn readyz(State(app): State<App>) -> (StatusCode, &'static str) {
    match tokio::time::timeout(READY_WITHIN, app.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ok\n"),
        Ok(Err(error)) => {
            tracing::warn!(%error, "readiness: the database does not answer");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
        Err(_) => {
            tracing::warn!("readiness: no database connection within a second");
            (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n")
        }
    }
}
