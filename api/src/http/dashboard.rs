//! The leadership dashboard at `GET /`: static files embedded in the binary, built only on the
//! public GraphQL API (it is also the reference client), working offline.

use axum::extract::Path;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

/// `GET /`.
pub async fn page() -> Html<&'static str> {
    Html(include_str!("../../assets/dashboard/index.html"))
}

/// `GET /dashboard/{file}`: the page's script and style.
pub async fn asset(Path(file): Path<String>) -> Response {
    let (content_type, body): (&str, &'static [u8]) = match file.as_str() {
        "dashboard.js" => (
            "text/javascript; charset=utf-8",
            include_bytes!("../../assets/dashboard/dashboard.js"),
        ),
        "dashboard.css" => (
            "text/css; charset=utf-8",
            include_bytes!("../../assets/dashboard/dashboard.css"),
        ),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    ([(header::CONTENT_TYPE, content_type)], body).into_response()
}
