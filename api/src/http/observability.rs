//! What operators see: a request id on every request (echoed in `x-request-id` and carried by
//! every log line of the request), one log line per request, and Prometheus metrics at
//! `GET /metrics`: requests and latency by route, GraphQL errors by code, the database pool.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Instrument;

use super::auth::caller;
use super::graphql_http::MediaType;
use super::state::AppState;

/// The header carrying the request id.
pub const REQUEST_ID: &str = "x-request-id";

/// A request id: the client's `x-request-id` when it is short and printable, else a new one.
fn request_id(state: &AppState, request: &Request) -> String {
    request
        .headers()
        .get(REQUEST_ID)
        .and_then(|value| value.to_str().ok())
        .filter(|id| !id.is_empty() && id.len() <= 64)
        .filter(|id| id.chars().all(|c| c.is_ascii_graphic()))
        .map_or_else(|| state.metrics.next_request_id(), str::to_owned)
}

/// `GET /metrics`: open like reads, behind a token like reads with `--reads-require-token`.
pub async fn metrics(State(state): State<AppState>, headers: HeaderMap) -> Response {
    if let Err(refusal) = caller(&state, &headers, MediaType::Json).await {
        return refusal;
    }
    match state
        .metrics
        .render(&state.db, state.read_model.kept_rows())
    {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                "application/openmetrics-text; version=1.0.0; charset=utf-8",
            )],
            text,
        )
            .into_response(),
        Err(_) => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

/// Middleware: gives the request an id, logs it when answered, and counts it.
pub async fn observe(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let id = request_id(&state, &request);
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let span = tracing::info_span!("request", id = %id, method = %method, route = %route);
    let mut response = next.run(request).instrument(span.clone()).await;
    let elapsed = started.elapsed();
    let status = response.status().as_u16();
    span.in_scope(|| {
        tracing::info!(
            status,
            latency_ms = elapsed.as_secs_f64() * 1000.0,
            "answered"
        );
    });
    state.metrics.answered(&method, route, status, elapsed);
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(REQUEST_ID, value);
    }
    response
}
