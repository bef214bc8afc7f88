//! The leadership dashboard at `GET /`: static files embedded in the binary, built only on the
//! public GraphQL API (it is also the reference client), working offline.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// `GET /`.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("../../assets/dashboard/index.html"))
}

/// The page's script modules, by file name.
const MODULES: [(&str, &[u8]); 10] = [
    (
        "dashboard.js",
        include_bytes!("../../assets/dashboard/dashboard.js"),
    ),
    (
        "words.js",
        include_bytes!("../../assets/dashboard/words.js"),
    ),
    (
        "state.js",
        include_bytes!("../../assets/dashboard/state.js"),
    ),
    (
        "transport.js",
        include_bytes!("../../assets/dashboard/transport.js"),
    ),
    (
        "queries.js",
        include_bytes!("../../assets/dashboard/queries.js"),
    ),
    ("dom.js", include_bytes!("../../assets/dashboard/dom.js")),
    (
        "charts.js",
        include_bytes!("../../assets/dashboard/charts.js"),
    ),
    (
        "tables.js",
        include_bytes!("../../assets/dashboard/tables.js"),
    ),
    (
        "series.js",
        include_bytes!("../../assets/dashboard/series.js"),
    ),
    ("live.js", include_bytes!("../../assets/dashboard/live.js")),
];

/// `GET /dashboard/{file}`: the page's script modules and style.
pub async fn asset(Path(file): Path<String>) -> Response {
    let found = MODULES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, body)| ("text/javascript; charset=utf-8", *body))
        .or_else(|| {
            (file == "dashboard.css").then_some((
                "text/css; charset=utf-8",
                &include_bytes!("../../assets/dashboard/dashboard.css")[..],
            ))
        });
    match found {
        Some((content_type, body)) => {
            ([(header::CONTENT_TYPE, content_type)], body).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}
