//! Live updates, persisted queries and HTTP caching: what a dashboard relies on.

use egov_tests::normalized::{self, HEADER};
use egov_tests::socket::{Socket, initialised, receive, subscribe};
use egov_tests::writes::{call, token};
use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;
use sha2::{Digest, Sha256};

/// Opens `/graphql/ws` and subscribes to `resultsChanged(args)`.
async fn listen(server: &TestServer, args: &str) -> Socket {
    let mut socket = initialised(server, None).await;
    let query = format!("subscription {{ resultsChanged{args} {{ year tier index action }} }}");
    subscribe(&mut socket, "1", &query).await;
    socket
}

async fn an_import_is_announced_to_subscribers(server: TestServer) {
    let mut all = listen(&server, "").await;
    let mut other_year = listen(&server, "(year: 2019)").await;
    let secret = token(&server, "live", Role::Editor).await;
    let csv = format!("{HEADER}2021,district,,UBND huyện Nam Đông,100,0,100,90,,,\n");
    let (_, answer) = call(
        &server,
        Some(&secret),
        "importResults",
        "",
        json!({ "content": csv }),
    )
    .await;
    assert_eq!(answer["data"]["importResults"]["errors"], json!([]));

    let next = receive(&mut all).await;
    assert_eq!(next["type"], json!("next"));
    assert_eq!(
        next["payload"]["data"]["resultsChanged"],
        json!({ "year": 2021, "tier": "DISTRICT", "index": "cqdt-results", "action": "IMPORT_RESULTS" })
    );

    // Another process's write: announced with an unknown year, to every listener.
    let csv = format!("{HEADER}2022,district,,UBND huyện Nam Đông,100,0,100,91,,,\n");
    normalized::import(server.db(), &csv).await;
    let next = receive(&mut other_year).await;
    assert_eq!(
        next["payload"]["data"]["resultsChanged"],
        json!({ "year": null, "tier": null, "index": null, "action": "EXTERNAL" }),
        "the 2019 listener hears only the change of unknown year"
    );
}

async fn persisted_queries_are_kept_by_hash(server: TestServer) {
    let query = "{ ranking(year: 2020, tier: DISTRICT) { totalCount } }";
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    let persisted = json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } });
    let post = async |body: Value| server.post_body(&body).await;
    let unknown = post(json!({ "extensions": persisted })).await;
    assert_eq!(
        unknown["errors"][0]["extensions"]["code"],
        json!("PERSISTED_QUERY_NOT_FOUND")
    );
    let registered = post(json!({ "query": query, "extensions": persisted })).await;
    assert_eq!(registered["data"]["ranking"]["totalCount"], json!(9));
    let by_hash = post(json!({ "extensions": persisted })).await;
    assert_eq!(by_hash["data"]["ranking"]["totalCount"], json!(9));

    let wrong = json!({ "persistedQuery": { "version": 1, "sha256Hash": "00".repeat(32) } });
    let mismatch = post(json!({ "query": query, "extensions": wrong })).await;
    assert_eq!(
        mismatch["errors"][0]["extensions"]["code"],
        json!("BAD_USER_INPUT")
    );
}

async fn get_answers_carry_an_etag(server: TestServer) {
    let path = "/graphql?query=%7B%20years%20%7D";
    let first = server.get(path).await;
    assert_eq!(first.status(), 200);
    let tag = first.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(first.headers()["cache-control"], "no-cache");
    let client = reqwest::Client::new();
    let again = client
        .get(format!("{}{path}", server.base_url))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());

    let other = client
        .get(format!(
            "{}/graphql?query=%7B%20years(index%3A%20%22cqdt-readiness%22)%20%7D",
            server.base_url
        ))
        .header("if-none-match", &tag)
        .send()
        .await
        .unwrap();
    assert_eq!(other.status(), 200, "another answer has another tag");
}

async fn the_dashboard_is_served_from_the_binary(server: TestServer) {
    let page = server.get("/").await;
    assert_eq!(page.status(), 200);
    let html = page.text().await.unwrap();
    for asset in ["/dashboard/dashboard.js", "/dashboard/dashboard.css"] {
        assert!(html.contains(asset), "the page loads {asset}");
        let served = server.get(asset).await;
        assert_eq!(served.status(), 200, "{asset}");
        assert!(!served.bytes().await.unwrap().is_empty());
    }
    assert_eq!(server.get("/dashboard/other.js").await.status(), 404);
}

on_both_databases!(
    an_import_is_announced_to_subscribers,
    persisted_queries_are_kept_by_hash,
    get_answers_carry_an_etag,
    the_dashboard_is_served_from_the_binary,
);
