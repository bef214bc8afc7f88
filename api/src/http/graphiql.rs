//! GraphiQL served from the binary, so it works on closed government networks.
//!
//! The files under `api/assets/graphiql/` are the built, self-contained files of the npm packages
//! `graphiql@3.8.3` (`graphiql.min.js`, `graphiql.min.css`), `react@18.3.1` and
//! `react-dom@18.3.1` (`umd/*.production.min.js`), MIT-licensed (licences alongside), unmodified.
//! GraphiQL 4+ and React 19 ship no such builds, hence the pins. GraphiQL's build bundles the
//! `graphql-ws` client, which runs subscriptions over `/graphql/ws`.
//!
//! `/favicon.ico` (`api/assets/favicon.ico`, three white bars of a ranking on blue, 32x32) is
//! served from here too: browsers ask for it on every page of the server.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// The GraphiQL page: loads the assets below from this server, never from a CDN.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("../../assets/graphiql.html"))
}

/// `GET /favicon.ico`: the server's icon, for GraphiQL, the dashboard and browsers that ask.
pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/x-icon"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        include_bytes!("../../assets/favicon.ico").as_slice(),
    )
        .into_response()
}

/// One embedded asset, by file name.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (body, content_type): (&'static [u8], &str) = match file.as_str() {
        "graphiql.min.js" => (
            include_bytes!("../../assets/graphiql/graphiql.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "graphiql.min.css" => (
            include_bytes!("../../assets/graphiql/graphiql.min.css"),
            "text/css; charset=utf-8",
        ),
        "react.production.min.js" => (
            include_bytes!("../../assets/graphiql/react.production.min.js"),
            "text/javascript; charset=utf-8",
        ),
        "react-dom.production.min.js" => (
            include_bytes!("../../assets/graphiql/react-dom.production.min.js"),
            "text/javascript; charset=utf-8",
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        body,
    )
        .into_response()
}
