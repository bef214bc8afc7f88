//! GraphQL at `/graphql`: reads by `GET` (GraphiQL when there is no query), any operation by
//! `POST`, subscriptions over WebSocket at `/graphql/ws`. Every request runs for its caller,
//! with the batching loaders, the persisted queries and the answer cache.

use async_graphql::http::ALL_WEBSOCKET_PROTOCOLS;
use async_graphql::parser::parse_query;
use async_graphql::parser::types::OperationType;
use async_graphql_axum::{GraphQLProtocol, GraphQLWebSocket};
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{Query, RawQuery, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use super::auth::caller;
use super::graphiql;
use super::graphql_http::{self, GetParams, MediaType};
use super::state::AppState;
use crate::graphql::access::Caller;
use crate::graphql::with_loaders;

/// Whether every operation of a query document only reads.
fn read_only(query: &str) -> bool {
    parse_query(query).is_ok_and(|document| {
        document
            .operations
            .iter()
            .all(|(_, operation)| operation.node.ty == OperationType::Query)
    })
}

/// `GET /graphql`: GraphiQL; with a `query` parameter, a read.
pub async fn get(
    State(state): State<AppState>,
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
    let response = execute(state, &headers, media, request, key).await;
    graphql_http::with_etag(&headers, response).await
}

/// `GET /graphql/ws`: subscriptions over WebSocket (graphql-transport-ws, or the older
/// graphql-ws). Where reads need a token, the upgrade request must carry one.
pub async fn websocket(
    State(state): State<AppState>,
    headers: HeaderMap,
    protocol: GraphQLProtocol,
    upgrade: WebSocketUpgrade,
) -> Response {
    if let Err(refusal) = caller(&state, &headers, MediaType::Json).await {
        return refusal;
    }
    upgrade
        .protocols(ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |socket| GraphQLWebSocket::new(socket, state.schema, protocol).serve())
}

/// `POST /graphql` with a JSON body.
pub async fn post(
    State(state): State<AppState>,
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
                state.options.max_body_bytes
            );
            return media.refusal(status, code, &message);
        }
    };
    let request = match graphql_http::parse_body(&headers, &body) {
        Ok(request) => request,
        Err((status, message)) => return media.refusal(status, "BAD_USER_INPUT", &message),
    };
    execute(state, &headers, media, request, body).await
}

/// Runs a GraphQL request for its caller. Answers to read-only queries without errors are
/// kept and reused, per caller role, while the data version holds; a write forgets them at
/// once. Reads are abandoned after the request timeout.
async fn execute(
    state: AppState,
    headers: &HeaderMap,
    media: MediaType,
    mut request: async_graphql::Request,
    body: Bytes,
) -> Response {
    let caller = match caller(&state, headers, media).await {
        Ok(caller) => caller,
        Err(refusal) => return refusal,
    };
    if let Err((code, message)) = state.persisted.resolve(&mut request) {
        state.metrics.graphql_errors(std::iter::once(code));
        return media.refusal(StatusCode::OK, code, &message);
    }
    // Answers may depend on the role (the audit log is for admins), never on who else.
    let role = caller.0.as_ref().map_or("anonymous", |p| p.role.code());
    let key = Bytes::from([role.as_bytes(), b"\n", &body].concat());
    let version = state.cache.version(&state.db).await;
    if let Some(answer) = version.and_then(|v| state.cache.get(v, &key)) {
        return media.answer(StatusCode::OK, answer);
    }
    let cacheable = read_only(&request.query);
    let response = match run(&state, media, request, caller, cacheable).await {
        Ok(response) => response,
        Err(refusal) => return refusal,
    };
    state
        .metrics
        .graphql_errors(response.errors.iter().map(|error| {
            match error.extensions.as_ref().and_then(|e| e.get("code")) {
                Some(async_graphql::Value::String(code)) => code.as_str(),
                _ => "GRAPHQL_VALIDATION_FAILED",
            }
        }));
    let (status, answer) = match media.encode(&response) {
        Ok(encoded) => encoded,
        Err(error) => {
            tracing::error!(%error, "cannot serialize a GraphQL response");
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
    };
    if let Some(version) = version.filter(|_| cacheable && response.errors.is_empty()) {
        state.cache.put(version, key, answer.clone());
    }
    media.answer(status, answer)
}

/// Runs the request for its caller: a read within the request timeout (else the `TIMEOUT`
/// refusal), a write to the end, after which the kept answers are forgotten.
async fn run(
    state: &AppState,
    media: MediaType,
    request: async_graphql::Request,
    caller: Caller,
    read_only: bool,
) -> Result<async_graphql::Response, Response> {
    let run = state.schema.execute(with_loaders(
        request,
        &state.db,
        state.options.batch_delay,
        caller,
    ));
    if !read_only {
        let response = run.await;
        // This process may just have written: answer the next read from fresh data.
        state.cache.forget();
        return Ok(response);
    }
    tokio::time::timeout(state.options.request_timeout, run)
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
