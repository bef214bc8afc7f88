//! Cross-origin access (issue 15): off by default; with `--cors-origin`, a page of a listed
//! origin may read over HTTP (preflight answered 204 with the methods and headers the API
//! takes) and open `/graphql/ws`, one of another origin may not.

use egov_tests::socket::{connect, hello};
use egov_tests::{TestServer, on_both_databases};
use reqwest::Method;
use serde_json::json;

const LISTED: &str = "http://dashboard.example:3000";
const OTHER: &str = "http://elsewhere.example";

/// A server over the same database whose options allow `origins`.
async fn allowing(server: &TestServer, origins: &[&str]) -> TestServer {
    let options = api::ServerOptions {
        cors_origins: origins.iter().map(|origin| (*origin).to_owned()).collect(),
        ..api::ServerOptions::default()
    };
    TestServer::start_with(server.db().clone(), server.backend, options).await
}

/// A browser's preflight for a `POST /graphql` with a token, from `origin`.
async fn preflight(server: &TestServer, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .request(Method::OPTIONS, format!("{}/graphql", server.base_url))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header(
            "access-control-request-headers",
            "authorization,content-type",
        )
        .send()
        .await
        .expect("OPTIONS /graphql")
}

/// A read from `origin`, as a browser's `fetch` sends it after the preflight.
async fn read_from(server: &TestServer, origin: &str) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .header("origin", origin)
        .json(&json!({ "query": "{ years }" }))
        .send()
        .await
        .expect("POST /graphql")
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
}

/// Catches CORS switched on when nobody asked for it: without `--cors-origin` the preflight
/// is not answered (405) and no answer names an origin, so browsers keep other origins' pages
/// out as before; the WebSocket takes any origin, as before.
async fn cors_is_off_by_default(server: TestServer) {
    let refused = preflight(&server, LISTED).await;
    assert_eq!(refused.status(), 405);
    assert_eq!(header(&refused, "access-control-allow-origin"), None);
    let read = read_from(&server, LISTED).await;
    assert_eq!(read.status(), 200);
    assert_eq!(header(&read, "access-control-allow-origin"), None);
    assert!(connect(&server, &[("origin", OTHER)]).await.is_ok());
}

/// Catches a dashboard on its own host unable to call the API (the preflight answered 405):
/// a listed origin's preflight gets 204 with the methods and headers, and its reads are marked
/// readable; another origin's are not.
async fn a_listed_origin_may_read_and_another_may_not(server: TestServer) {
    let open = allowing(&server, &[LISTED]).await;
    let answered = preflight(&open, LISTED).await;
    assert_eq!(answered.status(), 204);
    assert_eq!(
        header(&answered, "access-control-allow-origin"),
        Some(LISTED)
    );
    let methods = header(&answered, "access-control-allow-methods").unwrap_or_default();
    assert!(
        methods.contains("POST") && methods.contains("GET"),
        "{methods}"
    );
    let headers = header(&answered, "access-control-allow-headers")
        .unwrap_or_default()
        .to_ascii_lowercase();
    assert!(
        headers.contains("authorization") && headers.contains("content-type"),
        "{headers}"
    );
    let read = read_from(&open, LISTED).await;
    assert_eq!(header(&read, "access-control-allow-origin"), Some(LISTED));
    assert_eq!(
        read.json::<serde_json::Value>().await.unwrap()["data"]["years"][0],
        json!(2020)
    );

    let other = preflight(&open, OTHER).await;
    assert_eq!(header(&other, "access-control-allow-origin"), None);
    let read = read_from(&open, OTHER).await;
    assert_eq!(header(&read, "access-control-allow-origin"), None);

    let any = allowing(&server, &["*"]).await;
    let answered = preflight(&any, OTHER).await;
    assert_eq!(answered.status(), 204);
    assert_eq!(header(&answered, "access-control-allow-origin"), Some("*"));
}

/// Catches the WebSocket open to every page once origins are listed (browsers apply no CORS
/// to it): a listed origin, the server's own and a client without `Origin` may subscribe; a
/// page of another origin is refused with 403.
async fn the_websocket_checks_the_origin(server: TestServer) {
    let open = allowing(&server, &[LISTED]).await;
    let own = open.base_url.clone();
    for origin in [Some(LISTED), Some(own.as_str()), None] {
        let headers: Vec<_> = origin.iter().map(|origin| ("origin", *origin)).collect();
        let mut socket = connect(&open, &headers)
            .await
            .unwrap_or_else(|status| panic!("{origin:?} refused with {status}"));
        hello(&mut socket).await;
    }
    assert_eq!(connect(&open, &[("origin", OTHER)]).await.err(), Some(403));
}

on_both_databases!(
    cors_is_off_by_default,
    a_listed_origin_may_read_and_another_may_not,
    the_websocket_checks_the_origin,
);
