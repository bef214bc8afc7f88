//! Security probes against the HTTP layer (issue 13): writes only by POST, bounded stores and
//! metric labels, the policy flags (introspection, suggestions, `/metrics` behind the reads
//! rule), security headers, and slow clients cut off.

use std::time::Duration;

use base64::Engine;
use egov_tests::writes::token;
use egov_tests::{TestServer, on_both_databases};
use entity::decision;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use service::access::Role;
use sha2::{Digest, Sha256};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response:#}"))
}

/// `{"persistedQuery": {"version": 1, "sha256Hash": ...}}` for `query`.
fn persisted(query: &str) -> Value {
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// A server like `server`, on the same database, with `options`.
async fn with_options(server: &TestServer, options: api::ServerOptions) -> TestServer {
    TestServer::start_with(server.db().clone(), server.backend, options).await
}

/// Catches a mutation run over `GET`: registered anonymously by `POST` with its hash, then
/// sent as `GET /graphql?query=&extensions=...` with an editor's token, it wrote, because the
/// read-only check ran on the empty query before the persisted one was swapped in. Now the
/// store keeps only queries, and a `GET` is checked once its document is known.
async fn a_get_never_writes_even_by_a_persisted_hash(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let mutation =
        r#"mutation { publishDecision(input: {number: "99/QĐ-UBND"}) { errors { code } } }"#;
    let client = reqwest::Client::new();
    let registered: Value = client
        .post(format!("{}/graphql", server.base_url))
        .json(&json!({ "query": mutation, "extensions": persisted(mutation) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(code(&registered), "UNAUTHENTICATED", "{registered:#}");
    let extensions = persisted(mutation).to_string();
    let response = client
        .get(format!("{}/graphql", server.base_url))
        .query(&[("query", ""), ("extensions", extensions.as_str())])
        .bearer_auth(&editor)
        .send()
        .await
        .unwrap();
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(
        status == 405 || code(&body) == "PERSISTED_QUERY_NOT_FOUND",
        "{status}: {body:#}"
    );
    let written = decision::Entity::find()
        .filter(decision::Column::Number.eq("99/QĐ-UBND"))
        .count(server.db())
        .await
        .unwrap();
    assert_eq!(written, 0, "nothing was written over GET");

    // Sent whole by POST with its hash, a mutation still runs; it is not kept.
    let sent: Value = client
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(&editor)
        .json(&json!({ "query": mutation, "extensions": persisted(mutation) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        sent["data"]["publishDecision"]["errors"],
        json!([]),
        "{sent:#}"
    );
    let by_hash: Value = client
        .post(format!("{}/graphql", server.base_url))
        .bearer_auth(&editor)
        .json(&json!({ "extensions": persisted(mutation) }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(code(&by_hash), "PERSISTED_QUERY_NOT_FOUND");
}

/// Catches the persisted store counting entries only: 100 anonymous 1 MB queries held 206 MB.
/// A 1 MB query is now refused before it is parsed, and the store forgets its oldest queries
/// past 4 MiB: twenty of 250 kB keep the last ones only.
async fn persisted_queries_stay_within_their_bytes(server: TestServer) {
    let post = async |body: Value| server.post_body(&body).await;
    let big = format!("{{ years }}\n#{}", "x".repeat(1 << 20));
    let refused = post(json!({ "query": big, "extensions": persisted(&big) })).await;
    assert_eq!(code(&refused), "QUERY_TOO_COMPLEX", "{refused:#}");
    let again = post(json!({ "extensions": persisted(&big) })).await;
    assert_eq!(code(&again), "PERSISTED_QUERY_NOT_FOUND", "not kept");
    let large: Vec<String> = (0..20)
        .map(|n| format!("{{ years }}\n#{n:02}{}", "x".repeat(250_000)))
        .collect();
    for query in &large {
        let answered = post(json!({ "query": query, "extensions": persisted(query) })).await;
        assert_eq!(answered["data"]["years"], json!([2020]));
    }
    let oldest = post(json!({ "extensions": persisted(&large[0]) })).await;
    assert_eq!(
        code(&oldest),
        "PERSISTED_QUERY_NOT_FOUND",
        "forgotten first"
    );
    let newest = post(json!({ "extensions": persisted(&large[19]) })).await;
    assert_eq!(newest["data"]["years"], json!([2020]), "kept");
    let small = "{ years }";
    post(json!({ "query": small, "extensions": persisted(small) })).await;
    let kept = post(json!({ "extensions": persisted(small) })).await;
    assert_eq!(kept["data"]["years"], json!([2020]), "{kept:#}");
}

/// Catches made-up HTTP methods becoming metric labels: each one a series kept for ever (a
/// thousand took 97 MB, and `/metrics` grew to 102 MB). They count as `other`.
async fn made_up_methods_are_counted_as_other(server: TestServer) {
    let client = reqwest::Client::new();
    for n in 0..50 {
        let method = reqwest::Method::from_bytes(format!("PROBE{n}").as_bytes()).unwrap();
        client
            .request(method, format!("{}/graphql", server.base_url))
            .send()
            .await
            .unwrap();
    }
    let text = server.get("/metrics").await.text().await.unwrap();
    assert!(!text.contains("PROBE"), "{text}");
    assert!(
        text.contains(
            r#"egov_rank_http_requests_total{method="other",route="/graphql",status="405"} 50"#
        ),
        "{text}"
    );
}

/// Catches `/metrics` answering anyone under `--reads-require-token`: it is a read like the
/// others.
async fn metrics_need_a_token_where_reads_do(server: TestServer) {
    let viewer = token(&server, "viewer", Role::Viewer).await;
    let options = api::ServerOptions {
        reads_require_token: true,
        ..api::ServerOptions::default()
    };
    let closed = with_options(&server, options).await;
    assert_eq!(closed.get("/metrics").await.status(), 401);
    let allowed = reqwest::Client::new()
        .get(format!("{}/metrics", closed.base_url))
        .bearer_auth(&viewer)
        .send()
        .await
        .unwrap();
    assert_eq!(allowed.status(), 200);
    assert_eq!(
        server.get("/metrics").await.status(),
        200,
        "open by default"
    );
}

/// The inline scripts of an HTML page (without `src`).
fn inline_scripts(html: &str) -> Vec<&str> {
    html.split("<script")
        .skip(1)
        .filter_map(|rest| {
            let (tag, after) = rest.split_once('>')?;
            (!tag.contains("src=")).then(|| after.split_once("</script>").map(|(code, _)| code))?
        })
        .collect()
}

/// Catches pages served without security headers: the dashboard, GraphiQL and their assets
/// carry a CSP that allows only this server's own scripts (and the pages' inline code, by
/// hash), forbids framing, and `nosniff`.
async fn pages_carry_security_headers(server: TestServer) {
    for path in [
        "/",
        "/graphql",
        "/dashboard/dashboard.js",
        "/graphql/assets/graphiql.min.css",
    ] {
        let response = server.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let headers = response.headers().clone();
        let policy = headers["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned();
        for directive in [
            "default-src 'none'",
            "script-src 'self'",
            "connect-src 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{path}: {policy}");
        }
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["x-frame-options"], "DENY", "{path}");
        let body = response.text().await.unwrap();
        for script in inline_scripts(&body) {
            let hash = base64::engine::general_purpose::STANDARD.encode(Sha256::digest(script));
            assert!(
                policy.contains(&format!("'sha256-{hash}'")),
                "{path}: its inline script is allowed by hash"
            );
        }
    }
}

const INTROSPECTION: [&str; 3] = [
    "{ __schema { queryType { name } } }",
    r#"{ __type(name: "Query") { name } }"#,
    "query { ...Schema } fragment Schema on Query { __schema { queryType { name } } }",
];

/// Catches introspection being open to anonymous callers with no way to close it (OWASP's
/// GraphQL advice): `--introspection off` refuses it with `FORBIDDEN`, `token` refuses it to
/// callers without a token (`UNAUTHENTICATED`); `__typename` stays.
async fn introspection_follows_the_policy(server: TestServer) {
    for query in INTROSPECTION {
        server.data(query, json!({})).await;
    }
    let off = with_options(
        &server,
        api::ServerOptions {
            introspection: api::graphql::policy::Introspection::Off,
            ..api::ServerOptions::default()
        },
    )
    .await;
    for query in INTROSPECTION {
        let response = off.post(query, json!({})).await;
        assert_eq!(code(&response), "FORBIDDEN", "{query}: {response:#}");
        assert!(response["data"].is_null(), "{response:#}");
    }
    assert_eq!(
        off.data("{ __typename years }", json!({})).await["__typename"],
        json!("Query")
    );
    let by_token = with_options(
        &server,
        api::ServerOptions {
            introspection: api::graphql::policy::Introspection::Token,
            ..api::ServerOptions::default()
        },
    )
    .await;
    let viewer = token(&server, "introspecting", Role::Viewer).await;
    for query in INTROSPECTION {
        let anonymous = by_token.post(query, json!({})).await;
        assert_eq!(code(&anonymous), "UNAUTHENTICATED", "{anonymous:#}");
        let (_, allowed) = by_token.post_as(Some(&viewer), query, json!({})).await;
        assert!(allowed.get("errors").is_none(), "{allowed:#}");
    }
}

/// Catches "did you mean" suggestions that cannot be turned off: they spell out the schema to
/// a caller denied introspection.
async fn suggestions_can_be_turned_off(server: TestServer) {
    let typo = "{ rankin(year: 2020, tier: DISTRICT) { totalCount } }";
    let suggested = server.post(typo, json!({})).await;
    let message = suggested["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("Did you mean"), "{message}");
    let quiet = with_options(
        &server,
        api::ServerOptions {
            suggestions: false,
            ..api::ServerOptions::default()
        },
    )
    .await;
    let response = quiet.post(typo, json!({})).await;
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(!message.contains("Did you mean"), "{message}");
}

/// Catches a directive flood: `@skip(if: false)` repeated on one field had validation answer
/// every one (a million took 23 s, 2 GB and an 88 MB answer). A query text over 256 KiB is
/// refused before it is parsed, and async-graphql's `limit_directives` refuses a shorter
/// flood as it parses, both with `QUERY_TOO_COMPLEX`.
async fn a_directive_flood_is_refused_early(server: TestServer) {
    let million = format!("{{ years {} }}", "@skip(if:false) ".repeat(1_000_000));
    let response = server.post(&million, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX", "{response:#}");
    let message = response["errors"][0]["message"].as_str().unwrap();
    assert!(message.contains("query text"), "{message}");
    let flood = format!("{{ years {} }}", "@skip(if: false) ".repeat(10_000));
    let response = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .json(&json!({ "query": flood }))
        .send()
        .await
        .unwrap();
    let body = response.bytes().await.unwrap();
    assert!(
        body.len() < 2_000,
        "a short answer, not one error per directive"
    );
    let body: Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(code(&body), "QUERY_TOO_COMPLEX", "{body:#}");
    let fine = server
        .data("{ years @skip(if: false) @include(if: true) }", json!({}))
        .await;
    assert_eq!(fine["years"], json!([2020]));
}

/// A server like `server` whose clients have half a second to send headers and bodies.
async fn impatient(server: &TestServer) -> TestServer {
    with_options(
        server,
        api::ServerOptions {
            header_timeout: Duration::from_millis(500),
            body_timeout: Duration::from_millis(500),
            ..api::ServerOptions::default()
        },
    )
    .await
}

/// Connects to `server` over plain TCP.
async fn connect(server: &TestServer) -> TcpStream {
    TcpStream::connect(server.base_url.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Reads until the server closes the connection, within 10 s (the test fails otherwise):
/// what it sent.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut received = Vec::new();
    tokio::time::timeout(Duration::from_secs(10), async {
        let mut buffer = [0; 4096];
        loop {
            match stream.read(&mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(n) => received.extend_from_slice(&buffer[..n]),
            }
        }
    })
    .await
    .expect("the server closes the connection");
    String::from_utf8_lossy(&received).into_owned()
}

/// Catches slow clients held for ever (probes: slow headers, an idle kept-alive connection, a
/// body sent a few bytes at a time all stayed open past 30 s): each is cut off.
async fn slow_clients_are_cut_off(server: TestServer) {
    let server = impatient(&server).await;
    // Headers that never end.
    let mut slow_headers = connect(&server).await;
    slow_headers
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: probe\r\n")
        .await
        .unwrap();
    until_closed(&mut slow_headers).await;

    // A connection kept alive after its answer, then idle.
    let mut idle = connect(&server).await;
    idle.write_all(b"GET /healthz HTTP/1.1\r\nHost: probe\r\n\r\n")
        .await
        .unwrap();
    let answered = until_closed(&mut idle).await;
    assert!(answered.starts_with("HTTP/1.1 200"), "{answered}");

    // A body that stops arriving: 408, and the connection closed.
    let mut slow_body = connect(&server).await;
    slow_body
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: probe\r\ncontent-type: application/json\r\n\
              content-length: 100\r\n\r\n{\"query\":",
        )
        .await
        .unwrap();
    let answer = until_closed(&mut slow_body).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("\"TIMEOUT\""), "{answer}");
}

/// Catches a shutdown that waited for ever for a stalled body: after the signal, the requests
/// in flight have the drain deadline, then the server stops anyway.
async fn a_shutdown_does_not_wait_for_ever(server: TestServer) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (signal, shutdown) = tokio::sync::oneshot::channel::<()>();
    let options = api::ServerOptions {
        drain_timeout: Duration::from_millis(500),
        body_timeout: Duration::from_secs(3_600),
        ..api::ServerOptions::default()
    };
    let served = tokio::spawn(api::serve(
        listener,
        server.db().clone(),
        options,
        async move {
            let _ = shutdown.await;
        },
    ));
    let mut stalled = TcpStream::connect(address).await.unwrap();
    stalled
        .write_all(
            b"POST /graphql HTTP/1.1\r\nHost: probe\r\ncontent-type: application/json\r\n\
              content-length: 100\r\n\r\n{",
        )
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    signal.send(()).unwrap();
    tokio::time::timeout(Duration::from_secs(10), served)
        .await
        .expect("the server stops after the drain deadline")
        .unwrap();
    until_closed(&mut stalled).await;
}

on_both_databases!(
    a_get_never_writes_even_by_a_persisted_hash,
    persisted_queries_stay_within_their_bytes,
    made_up_methods_are_counted_as_other,
    metrics_need_a_token_where_reads_do,
    pages_carry_security_headers,
    introspection_follows_the_policy,
    suggestions_can_be_turned_off,
    a_directive_flood_is_refused_early,
    slow_clients_are_cut_off,
    a_shutdown_does_not_wait_for_ever,
);
