//! Headers that tell browsers what the pages may do, on every response: the dashboard (`/`),
//! GraphiQL (`GET /graphql`), their assets, and the API.
//!
//! - `Content-Security-Policy`: scripts, styles, images and connections from this server only,
//!   so both pages keep working offline from the binary's own assets and nothing they show can
//!   load or send anything elsewhere; the inline script of GraphiQL's page and the dashboard's
//!   inline event handler are allowed by their SHA-256, computed from the embedded pages
//!   themselves (an edit of either cannot get out of step); inline styles are allowed, as
//!   GraphiQL and the dashboard's chart set them; no page may be framed (`frame-ancestors`).
//! - `X-Frame-Options: DENY`, the same for browsers without CSP level 2.
//! - `X-Content-Type-Options: nosniff`: a body is what its content type says.
//! - `Referrer-Policy: no-referrer`: tokens or queries in a URL never travel further.

use std::sync::OnceLock;

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;
use base64::Engine;
use sha2::{Digest, Sha256};

/// The pages whose inline scripts and handlers the policy allows.
const PAGES: [&str; 2] = [
    include_str!("../../assets/graphiql.html"),
    include_str!("../../assets/dashboard/index.html"),
];

/// Middleware: adds the headers to every response.
pub async fn add(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_SECURITY_POLICY, policy().clone());
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        HeaderName::from_static("referrer-policy"),
        HeaderValue::from_static("no-referrer"),
    );
    response
}

/// The `Content-Security-Policy` value, made once.
fn policy() -> &'static HeaderValue {
    static POLICY: OnceLock<HeaderValue> = OnceLock::new();
    POLICY.get_or_init(|| {
        let hash = |code: &str| {
            let digest = Sha256::digest(code.as_bytes());
            format!(
                " 'sha256-{}'",
                base64::engine::general_purpose::STANDARD.encode(digest)
            )
        };
        let scripts: String = PAGES
            .iter()
            .flat_map(|page| inline_scripts(page))
            .map(hash)
            .collect();
        let handlers: String = PAGES
            .iter()
            .flat_map(|page| event_handlers(page))
            .map(hash)
            .collect();
        let policy = format!(
            "default-src 'none'; script-src 'self'{scripts} 'unsafe-hashes'{handlers}; \
             style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; \
             connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
        );
        HeaderValue::from_str(&policy)
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
    })
}

/// The code of each `<script>` of a page that has no `src`.
fn inline_scripts(page: &str) -> Vec<&str> {
    let mut scripts = Vec::new();
    let mut rest = page;
    while let Some(start) = rest.find("<script") {
        let Some(tag_end) = rest[start..].find('>') else {
            break;
        };
        let tag = &rest[start..start + tag_end];
        let body = &rest[start + tag_end + 1..];
        let Some(end) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            scripts.push(&body[..end]);
        }
        rest = &body[end..];
    }
    scripts
}

/// The code of each inline event handler attribute of a page (`onsubmit="return false"`).
fn event_handlers(page: &str) -> Vec<&str> {
    let mut handlers = Vec::new();
    let mut rest = page;
    while let Some(at) = rest.find(" on") {
        rest = &rest[at + 3..];
        let name_length = rest
            .find(|c: char| !c.is_ascii_lowercase())
            .unwrap_or(rest.len());
        if name_length == 0 || !rest[name_length..].starts_with("=\"") {
            continue;
        }
        let value = &rest[name_length + 2..];
        if let Some(end) = value.find('"') {
            handlers.push(&value[..end]);
            rest = &value[end..];
        }
    }
    handlers
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_inline_scripts_and_handlers_of_the_pages() {
        let page = "<script src=\"/a.js\"></script><script>go()</script>\
                    <form onsubmit=\"return false\"><p class=\"on\">on top</p></form>";
        assert_eq!(inline_scripts(page), ["go()"]);
        assert_eq!(event_handlers(page), ["return false"]);
        let found = PAGES
            .iter()
            .map(|page| inline_scripts(page).len() + event_handlers(page).len())
            .sum::<usize>();
        assert!(
            found >= 2,
            "GraphiQL's start-up script, the dashboard's form handler"
        );
        let policy = policy().to_str().unwrap();
        assert_eq!(policy.matches("'sha256-").count(), found, "{policy}");
    }
}
