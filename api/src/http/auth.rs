//! Who sends a request: bearer tokens, checked before a request reaches the schema or an
//! export.

use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;

use super::graphql_http::MediaType;
use super::state::AppState;
use crate::graphql::access::Caller;

/// Who sends the request: the holder of its bearer token, or nobody. An unknown or revoked
/// token, or no token where reads need one, refuses the whole request (401, `UNAUTHENTICATED`).
pub async fn caller(
    state: &AppState,
    headers: &HeaderMap,
    media: MediaType,
) -> Result<Caller, Response> {
    let unauthenticated =
        |message: &str| media.refusal(StatusCode::UNAUTHORIZED, "UNAUTHENTICATED", message);
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        if state.options.reads_require_token {
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
    match service::access::authenticate(&state.db, secret).await {
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
