//! GraphQL at `/graphql`: reads by `GET` (GraphiQL when there is no query), any operation by
//! `POST`, subscriptions over WebSocket at `/graphql/ws` (see `websocket`). Every request runs
//! for its caller, with the batching loaders, the persisted queries and the answer cache.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use axum::body::Bytes;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{FromRequest, Query, RawQuery, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::caller;
use super::graphql_http::{self, GetParams, MediaType};
use super::state::AppState;
use super::{cors, graphiql, websocket};
use crate::graphql::access::Caller;
use crate::graphql::error_codes;
use crate::graphql::reads::Reads;

/// `GET /graphql`: GraphiQL; with a `query` parameter, a read.
pub async fn get(
    State(state): State<AppState>,
    headers: HeaderMap,
    RawQuery(raw): RawQuery,
    Query(params): Query<GetParams>,
) -> Response {
    let media = MediaType::negotiate(&headers);
    // A persisted query's hash comes without its text (Apollo's `?extensions=` alone).
    if params.query.is_none() && params.extensions.is_none() {
        return graphiql::page().await.into_response();
    }
    let request = match params.into_request() {
        Ok(request) => request,
        Err((status, message)) => return media.refusal(status, "BAD_USER_INPUT", &message),
    };
    let key = Bytes::from(format!("GET {}", raw.unwrap_or_default()));
    let response = execute(state, &headers, media, request, key, Method::Get).await;
    graphql_http::with_etag(&headers, response).await
}

/// `GET /graphql/ws`: subscriptions over WebSocket (graphql-transport-ws, or the older
/// graphql-ws). A browser page of an origin that `--cors-origin` does not list is refused
/// (403), as browsers apply no CORS to WebSockets. Where reads need a token, the upgrade
/// request must carry one; each operation checks it again (see `websocket`).
pub async fn websocket(
    State(state): State<AppState>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Response {
    if !cors::websocket_allows(&state.options.cors_origins, &headers) {
        return MediaType::Json.refusal(
            StatusCode::FORBIDDEN,
            "FORBIDDEN",
            "this origin may not open a WebSocket here: see serve --cors-origin",
        );
    }
    // A token sent with the upgrade is checked now; without one (a browser cannot send
    // headers), `connection_init` may carry it, and is refused there when reads need one.
    if headers.contains_key(axum::http::header::AUTHORIZATION)
        && let Err(refusal) = caller(&state, &headers, MediaType::Json).await
    {
        return refusal;
    }
    let Some(protocol) = websocket::protocol(&headers) else {
        return MediaType::Json.refusal(
            StatusCode::BAD_REQUEST,
            "BAD_USER_INPUT",
            "Sec-WebSocket-Protocol must be graphql-transport-ws or graphql-ws",
        );
    };
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .max_message_size(state.options.max_body_bytes)
        .on_upgrade(move |socket| websocket::serve(socket, state, headers, protocol))
}

/// `POST /graphql` with a JSON body, which must arrive within the body timeout: a client
/// sending a byte now and then would otherwise hold the connection (and a shutdown) for ever.
pub async fn post(State(state): State<AppState>, request: Request) -> Response {
    let headers = request.headers().clone();
    let media = MediaType::negotiate(&headers);
    let within = state.options.body_timeout;
    let Ok(body) = tokio::time::timeout(within, Bytes::from_request(request, &state)).await else {
        let message = format!(
            "the request body did not arrive within {} ms",
            within.as_millis()
        );
        let mut refused = media.refusal(StatusCode::REQUEST_TIMEOUT, "TIMEOUT", &message);
        refused
            .headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return refused;
    };
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
                state.options.max_body_bytes
            );
            return media.refusal(status, code, &message);
        }
    };
    let request = match graphql_http::parse_body(&headers, &body) {
        Ok(request) => request,
        Err((status, message)) => return media.refusal(status, "BAD_USER_INPUT", &message),
    };
    execute(state, &headers, media, request, body, Method::Post).await
}

/// How a request came.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    /// Only reads, however it arrives (its query, or a persisted query's hash).
    Get,
    Post,
}

/// Runs a GraphQL request for its caller. Answers to read-only queries without errors are
/// kept and reused, per caller role, until what they read changes; a write of this process
/// is looked at before the next answer. Reads are abandoned after the request timeout. A `GET` that would write is refused
/// (405) once its document is known, persisted or not.
async fn execute(
    state: AppState,
    headers: &HeaderMap,
    media: MediaType,
    mut request: async_graphql::Request,
    body: Bytes,
    method: Method,
) -> Response {
    let caller = match caller(&state, headers, media).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    // Before anything parses it; a persisted query was checked when it was sent.
    if let Some(refused) = state.options.limits.refuse_oversized(&request.query) {
        return answer(
            &state,
            media,
            async_graphql::Response::from_errors(vec![refused]),
        );
    }
    let only_reads = |request: &mut async_graphql::Request| {
        state
            .schema
            .parse(request)
            .is_ok_and(|parsed| parsed.only_reads())
    };
    if let Err((code, message)) = state.persisted.resolve(&mut request, only_reads) {
        state.metrics.graphql_errors(std::iter::once(code));
        return media.refusal(StatusCode::OK, code, &message);
    }
    let parsed = match state.schema.parse(&mut request) {
        Ok(parsed) => parsed,
        Err(refused) => return answer(&state, media, *refused),
    };
    if method == Method::Get && !parsed.only_reads() {
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
    // Answers may depend on the role (the audit log is for admins), never on who else.
    let role = caller.0.as_ref().map_or("anonymous", |p| p.role.code());
    let key = Bytes::from([role.as_bytes(), b"\n", &body].concat());
    let cacheable = parsed.only_reads();
    // Only a read-only answer is looked up or kept; a write need not read the version.
    let version = if state.cache.on() && cacheable {
        match state.read_model.version(&state.db).await {
            Ok(version) => Some(version),
            Err(error) => {
                tracing::warn!(%error, "cannot read the data version; answering without the cache");
                None
            }
        }
    } else {
        None
    };
    if let Some(answer) = version.and_then(|v| state.cache.get(v, &key)) {
        state.metrics.kept_answer_served();
        return media.answer(StatusCode::OK, answer);
    }
    let reads = Reads::default();
    let response = match run(&state, media, request, caller, cacheable, reads.clone()).await {
        Ok(response) => response,
        Err(refusal) => return refusal,
    };
    let Some((status, answer)) = encode(&state, media, &response) else {
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    if let Some(version) = version.filter(|_| cacheable && response.errors.is_empty()) {
        state
            .cache
            .put(version, key, answer.clone(), reads.finish());
    }
    media.answer(status, answer)
}

/// The answer to send for `response`, its errors counted in the metrics.
fn answer(state: &AppState, media: MediaType, response: async_graphql::Response) -> Response {
    match encode(state, media, &response) {
        Some((status, answer)) => media.answer(status, answer),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// `response` encoded as the client asked, its errors counted in the metrics; `None` when it
/// cannot be serialized (logged).
fn encode(
    state: &AppState,
    media: MediaType,
    response: &async_graphql::Response,
) -> Option<(StatusCode, Bytes)> {
    state
        .metrics
        .graphql_errors(response.errors.iter().map(|error| {
            match error.extensions.as_ref().and_then(|e| e.get("code")) {
                Some(async_graphql::Value::String(code)) => code.as_str(),
                _ => "GRAPHQL_VALIDATION_FAILED",
            }
        }));
    media
        .encode(response)
        .inspect_err(|error| tracing::error!(%error, "cannot serialize a GraphQL response"))
        .ok()
}

/// Runs the request for its caller: a read within the request timeout (else the `TIMEOUT`
/// refusal), a write to the end (see [`write`]).
async fn run(
    state: &AppState,
    media: MediaType,
    request: async_graphql::Request,
    caller: Caller,
    read_only: bool,
    reads: Reads,
) -> Result<async_graphql::Response, Response> {
    let request = state.for_caller(request, caller, reads);
    if !read_only {
        return write(state.clone(), request).await.map_err(|error| {
            tracing::error!(%error, "a write's task failed");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        });
    }
    tokio::time::timeout(state.options.request_timeout, state.schema.execute(request))
        .await
        .map_err(|_| {
            state.metrics.graphql_errors(std::iter::once("TIMEOUT"));
            let message = format!(
                "the query ran longer than {} ms and was stopped: ask for less",
                state.options.request_timeout.as_millis()
            );
            media.refusal(StatusCode::SERVICE_UNAVAILABLE, "TIMEOUT", &message)
        })
}

/// Runs a write on a task of its own, so that it ends, committed or rolled back whole, even
/// when its client stops waiting. Run in the request's own task, it was dropped with the
/// connection, between two statements: the write acknowledged to no one was lost or not
/// depending on the moment, the next writer could be let in while the abandoned transaction was
/// still being rolled back, and a PostgreSQL COMMIT already sent was followed by a ROLLBACK the
/// server refused ("there is no transaction in progress"). Its transaction ended (and on SQLite
/// the next writer let in: `service::db::begin_write`), the database's log is flushed to disk
/// before the answer (`service::db::LogSync`), and the kept answers the write changed are
/// forgotten.
async fn write(
    state: AppState,
    request: async_graphql::Request,
) -> Result<async_graphql::Response, tokio::task::JoinError> {
    tokio::spawn(async move {
        let ticket = state.options.log_sync.ticket();
        let mut response = state.schema.execute(request).await;
        match state.options.log_sync.flush(ticket).await {
            Ok(flushed) => state.metrics.log_flushed(flushed),
            // Committed but perhaps not on disk (PostgreSQL went away after the commit): the
            // write is answered as a COMMIT that failed would be, not as saved.
            Err(error) => {
                tracing::error!(%error, "the database's log could not be flushed");
                let unsure = async_graphql::ServerError::new(
                    "the write could not be confirmed on disk: it may or may not have been \
                     saved; read before sending it again",
                    None,
                );
                response = async_graphql::Response::from_errors(vec![error_codes::with_code(
                    unsure,
                    error_codes::INTERNAL_SERVER_ERROR,
                )]);
            }
        }
        // This process may just have written: the next read looks at what changed (the
        // snapshots and kept answers it changed are dropped) before answering.
        state.read_model.forget();
        response
    })
    .await
}
