//! Who sends a request: bearer tokens, checked before a request reaches the schema or an
//! export, and again before each operation on a WebSocket.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::graphql_http::MediaType;
use super::state::AppState;
use crate::graphql::access::Caller;

/// Why a request has no caller it may run for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unidentified {
    /// No token, where reads need one.
    Required,
    /// An `Authorization` header that is not `Bearer <token>`.
    Malformed,
    /// A token that is unknown, or was revoked.
    Unknown,
    /// The token could not be checked (the database did not answer).
    Unavailable,
}

impl Unidentified {
    /// The code and message a client is told.
    pub fn code_and_message(self) -> (&'static str, &'static str) {
        match self {
            Self::Required => (
                "UNAUTHENTICATED",
                "this server needs a bearer token for reads too (Authorization: Bearer ...)",
            ),
            Self::Malformed => (
                "UNAUTHENTICATED",
                "the Authorization header must be `Bearer <token>`",
            ),
            Self::Unknown => ("UNAUTHENTICATED", "unknown or revoked token"),
            Self::Unavailable => (
                "INTERNAL_SERVER_ERROR",
                "cannot check the token now; try again",
            ),
        }
    }
}

/// Who sends a request with these headers: the holder of its bearer token, or nobody.
pub async fn identify(state: &AppState, headers: &HeaderMap) -> Result<Caller, Unidentified> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        if state.options.reads_require_token {
            return Err(Unidentified::Required);
        }
        return Ok(Caller(None));
    };
    let secret = value
        .to_str()
        .ok()
        .and_then(|value| value.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, secret)| secret.trim())
        .ok_or(Unidentified::Malformed)?;
    match service::access::authenticate(&state.db, secret).await {
        Ok(Some(principal)) => Ok(Caller(Some(principal))),
        Ok(None) => Err(Unidentified::Unknown),
        Err(error) => {
            tracing::error!(%error, "cannot check a token");
            Err(Unidentified::Unavailable)
        }
    }
}

/// Who sends the request: the holder of its bearer token, or nobody. An unknown or revoked
/// token, or no token where reads need one, refuses the whole request (401, `UNAUTHENTICATED`).
pub async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    media: MediaType,
) -> Result<Caller, Response> {
    identify(state, headers).await.map_err(|why| {
        let status = if why == Unidentified::Unavailable {
            StatusCode::SERVICE_UNAVAILABLE
        } else {
            StatusCode::UNAUTHORIZED
        };
        let (code, message) = why.code_and_message();
        media.refusal(status, code, message)
    })
}
