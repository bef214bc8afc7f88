//! Cross-origin access (`serve --cors-origin`): which pages served from elsewhere (a
//! dashboard on its own host) may call the API from a browser. Off by default: browsers then
//! keep other origins' pages from reading answers, as before.
//!
//! With origins listed (or `*`, any), `tower-http`'s CORS layer answers preflights (`OPTIONS`,
//! 204 here) with the methods (`GET`, `POST`) and request headers (`authorization`,
//! `content-type`) the API takes, and marks answers to those origins readable. Browsers do not
//! apply CORS to WebSockets, so the upgrade of `/graphql/ws` checks the `Origin` header itself
//! against the same list ([`websocket_allows`]): a listed mismatch is refused (403), a page
//! of the server's own origin and clients that send no `Origin` (not browsers) are not.

use std::time::Duration;

use axum::extract::Request;
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use tower_http::cors::{AllowOrigin, CorsLayer};

/// The origin that stands for every origin.
pub const ANY: &str = "*";

/// How long a browser may reuse a preflight's answer.
const PREFLIGHT_MAX_AGE: Duration = Duration::from_secs(3600);

/// An origin as a browser sends it in `Origin`: `scheme://host[:port]`, lower case, without a
/// path and without the scheme's default port; or `*`; or empty (`EGOV_CORS_ORIGINS=`, no
/// origin: callers drop it). Refuses anything else, so that a typo on the command line does
/// not silently allow nothing.
pub fn parse_origin(text: &str) -> Result<String, String> {
    let text = text.trim();
    if text.is_empty() || text == ANY {
        return Ok(text.to_owned());
    }
    let refuse = |why: &str| {
        Err(format!(
            "`{text}` is not an origin like https://dashboard.example.org or * ({why})"
        ))
    };
    let lower = text.to_ascii_lowercase();
    let Some((scheme, rest)) = lower.split_once("://") else {
        return refuse("no scheme");
    };
    if scheme != "http" && scheme != "https" {
        return refuse("the scheme must be http or https");
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty()
        || !authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]".contains(c))
    {
        return refuse("only a host and a port may follow the scheme");
    }
    Ok(normalized(scheme, authority))
}

/// `scheme://authority` without the scheme's default port.
fn normalized(scheme: &str, authority: &str) -> String {
    let default_port = if scheme == "https" { ":443" } else { ":80" };
    let authority = authority.strip_suffix(default_port).unwrap_or(authority);
    format!("{scheme}://{authority}")
}

/// The CORS layer for these origins (checked by [`parse_origin`]); `None` when none are
/// listed: CORS is off.
pub fn layer(origins: &[String]) -> Option<CorsLayer> {
    if origins.is_empty() {
        return None;
    }
    let allow_origin = if origins.iter().any(|origin| origin == ANY) {
        AllowOrigin::any()
    } else {
        AllowOrigin::list(
            origins
                .iter()
                .filter_map(|origin| HeaderValue::from_str(origin).ok()),
        )
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow_origin)
            .allow_methods([Method::GET, Method::POST])
            .allow_headers([header::AUTHORIZATION, header::CONTENT_TYPE])
            .expose_headers([HeaderName::from_static("x-request-id"), header::ETAG])
            .max_age(PREFLIGHT_MAX_AGE),
    )
}

/// Middleware around the CORS layer: its preflight answers say "no content" (204) rather
/// than 200 with an empty body.
pub async fn preflight_no_content(request: Request, next: Next) -> Response {
    let preflight = request.method() == Method::OPTIONS;
    let mut response = next.run(request).await;
    if preflight && response.status() == StatusCode::OK {
        *response.status_mut() = StatusCode::NO_CONTENT;
    }
    response
}

/// Whether a WebSocket upgrade with these headers may proceed under the listed origins: any
/// when none are listed, else one without `Origin` (not a browser), of a listed origin, or of
/// the server's own origin (its `Host`).
pub fn websocket_allows(origins: &[String], headers: &HeaderMap) -> bool {
    if origins.is_empty() || origins.iter().any(|origin| origin == ANY) {
        return true;
    }
    let Some(origin) = headers.get(header::ORIGIN) else {
        return true;
    };
    let Ok(origin) = origin.to_str().map(str::to_ascii_lowercase) else {
        return false;
    };
    origins.contains(&origin) || same_origin(&origin, headers)
}

/// Whether `origin` is the server's own: the host and port the request's `Host` names, by
/// either scheme (behind a proxy ending TLS the server cannot tell which one browsers see).
fn same_origin(origin: &str, headers: &HeaderMap) -> bool {
    let Some(host) = headers
        .get(header::HOST)
        .and_then(|host| host.to_str().ok())
    else {
        return false;
    };
    origin
        .split_once("://")
        .is_some_and(|(scheme, _)| normalized(scheme, &host.to_ascii_lowercase()) == origin)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_are_checked_and_written_as_browsers_send_them() {
        assert_eq!(
            parse_origin("HTTPS://Dash.Example.org/").unwrap(),
            "https://dash.example.org"
        );
        assert_eq!(
            parse_origin("http://localhost:80").unwrap(),
            "http://localhost"
        );
        assert_eq!(
            parse_origin("http://127.0.0.1:5173").unwrap(),
            "http://127.0.0.1:5173"
        );
        assert_eq!(parse_origin(" * ").unwrap(), "*");
        assert_eq!(parse_origin("").unwrap(), "", "an empty setting lists none");
        for wrong in [
            "dash.example.org",
            "ftp://dash.example.org",
            "https://dash.example.org/app",
            "https://",
            "https://a b",
        ] {
            assert!(parse_origin(wrong).is_err(), "{wrong}");
        }
    }

    fn upgrade(origin: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_static("127.0.0.1:8000"));
        if let Some(origin) = origin {
            headers.insert(header::ORIGIN, HeaderValue::from_str(origin).unwrap());
        }
        headers
    }

    #[test]
    fn a_websocket_from_an_unlisted_origin_is_refused_once_origins_are_listed() {
        let listed = vec!["http://localhost:3000".to_owned()];
        let cases = [
            (Some("http://localhost:3000"), true),
            (Some("http://127.0.0.1:8000"), true),
            (None, true),
            (Some("http://evil.example"), false),
            (Some("https://127.0.0.1:8000"), true),
            (Some("http://127.0.0.1:8001"), false),
        ];
        for (origin, allowed) in cases {
            assert_eq!(
                websocket_allows(&listed, &upgrade(origin)),
                allowed,
                "{origin:?}"
            );
            assert!(websocket_allows(&[], &upgrade(origin)), "off: {origin:?}");
            assert!(websocket_allows(&[ANY.to_owned()], &upgrade(origin)));
        }
    }
}
