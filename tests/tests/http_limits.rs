//! GraphQL over HTTP and the limits that refuse abusive requests: each refusal carries a code
//! and says which limit; GraphiQL's own introspection query passes under the default limits.

use std::time::Duration;

use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};

/// POSTs a raw body with headers, returning the status, content type and JSON body.
async fn raw_post(
    server: &TestServer,
    body: impl Into<reqwest::Body>,
    headers: &[(&str, &str)],
) -> (u16, String, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .body(body);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("POST /graphql");
    let status = response.status().as_u16();
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    (status, content_type, response.json().await.expect("JSON"))
}

const JSON: (&str, &str) = ("content-type", "application/json");

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response:#}"))
}

async fn graphiql_introspection_passes_the_limits(server: TestServer) {
    let query = include_str!("fixtures/graphiql-introspection.graphql");
    let data = server.data(query, json!({})).await;
    let types = data["__schema"]["types"].as_array().expect("types");
    assert!(types.iter().any(|t| t["name"] == json!("Mutation")));
}

async fn each_limit_refuses_with_its_code(server: TestServer) {
    // depth: agency -> results -> previous -> ... nests past 15
    let mut deep = String::from("agency { name }");
    for _ in 0..14 {
        deep = format!("previous {{ {deep} }}");
    }
    let deep = format!("{{ agency(code: \"so-noi-vu\") {{ results {{ {deep} }} }} }}");
    let response = server.post(&deep, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nested")
    );

    // nesting past async-graphql's recursion limit, through fragments, refused before anything
    // walks the document
    let nested = format!(
        "{{ {}years{} }}",
        "... on Query { ".repeat(40),
        " }".repeat(40)
    );
    let response = server.post(&nested, json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("nests")
    );

    // complexity: a connection costs `first` times its fields (checked under a small limit)
    let options = api::ServerOptions {
        limits: api::limits::QueryLimits {
            max_complexity: 500,
            ..api::limits::QueryLimits::default()
        },
        ..api::ServerOptions::default()
    };
    let small = TestServer::start_with(server.db().clone(), server.backend, options).await;
    let page = |first: i32| {
        format!(
            "{{ ranking(year: 2020, tier: PROVINCIAL, first: {first}) {{ nodes {{ rank ratePercent convertedScore agency {{ name code }} }} }} }}"
        )
    };
    let response = small.post(&page(100), json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("complexity")
    );
    let data = small.data(&page(10), json!({})).await;
    assert_eq!(data["ranking"]["nodes"].as_array().unwrap().len(), 10);

    // aliases
    let aliased: String = (0..31).map(|i| format!("a{i}: years ")).collect();
    let response = server.post(&format!("{{ {aliased} }}"), json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("aliases")
    );

    // root fields (no aliases needed: a field may repeat)
    let roots = "years ".repeat(21);
    let response = server.post(&format!("{{ {roots} }}"), json!({})).await;
    assert_eq!(code(&response), "QUERY_TOO_COMPLEX");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("root fields")
    );

    // the first cap
    let response = server
        .post(
            "{ ranking(year: 2020, tier: DISTRICT, first: 101) { totalCount } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&response), "BAD_USER_INPUT");
}

async fn oversized_and_batched_bodies_are_refused(server: TestServer) {
    let padding = " ".repeat(17 * 1024 * 1024);
    let body = format!("{{\"query\": \"{{ years }}\"{padding}}}");
    let (status, _, response) = raw_post(&server, body, &[JSON]).await;
    assert_eq!(status, 413);
    assert_eq!(code(&response), "PAYLOAD_TOO_LARGE");

    let batch = json!([{ "query": "{ years }" }, { "query": "{ years }" }]).to_string();
    let (status, _, response) = raw_post(&server, batch, &[JSON]).await;
    assert_eq!(status, 400);
    assert_eq!(code(&response), "BAD_USER_INPUT");
    assert!(
        response["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("batched")
    );

    let (status, _, _) = raw_post(&server, "{\"query\": \"{ years }\"}", &[]).await;
    assert_eq!(status, 415, "a body that is not declared JSON");
}

async fn the_graphql_response_media_type_reports_requests_that_cannot_run(server: TestServer) {
    let accept = ("accept", "application/graphql-response+json");
    let (status, content_type, response) =
        raw_post(&server, "{\"query\": \"{ years \"}", &[JSON, accept]).await;
    assert_eq!(status, 400, "{response:#}");
    assert!(content_type.starts_with("application/graphql-response+json"));
    assert!(response.get("data").is_none());

    let (status, _, response) =
        raw_post(&server, "{\"query\": \"{ nothingHere }\"}", &[JSON, accept]).await;
    assert_eq!(status, 400, "{response:#}");

    let (status, content_type, response) =
        raw_post(&server, "{\"query\": \"{ years }\"}", &[JSON, accept]).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/graphql-response+json"));
    assert_eq!(response["data"]["years"], json!([2020]));

    // plain JSON keeps 200 with the errors in the body
    let (status, content_type, response) =
        raw_post(&server, "{\"query\": \"{ nothingHere }\"}", &[JSON]).await;
    assert_eq!(status, 200);
    assert!(content_type.starts_with("application/json"));
    assert_eq!(response["data"], Value::Null);
}

async fn reads_work_over_get_and_writes_do_not(server: TestServer) {
    let read = server
        .get("/graphql?query=%7B%20ranking(year%3A%202020%2C%20tier%3A%20DISTRICT)%20%7B%20totalCount%20%7D%20%7D")
        .await;
    assert_eq!(read.status(), 200);
    let body: Value = read.json().await.unwrap();
    assert_eq!(body["data"]["ranking"]["totalCount"], json!(9));

    let write = server
        .get("/graphql?query=mutation%20%7B%20revokeToken(input%3A%20%7Bname%3A%20%22x%22%7D)%20%7B%20errors%20%7B%20code%20%7D%20%7D%20%7D")
        .await;
    assert_eq!(write.status(), 405);
    assert_eq!(write.headers()["allow"], "POST");
}

async fn a_slow_read_is_stopped_with_timeout(server: TestServer) {
    // The aliases wait for their batch (50 ms), so the read cannot finish in the first poll:
    // a read answered from memory (the read model) could, and would then not time out.
    let options = api::ServerOptions {
        request_timeout: Duration::ZERO,
        cache_entries: 0,
        batch_delay: Duration::from_millis(50),
        ..api::ServerOptions::default()
    };
    let strict = TestServer::start_with(server.db().clone(), server.backend, options).await;
    let response = strict
        .post("{ agencies(first: 1) { nodes { aliases } } }", json!({}))
        .await;
    assert_eq!(code(&response), "TIMEOUT");
}

async fn requests_are_counted_in_the_metrics(server: TestServer) {
    let aliased: String = (0..31).map(|i| format!("a{i}: years ")).collect();
    server.post(&format!("{{ {aliased} }}"), json!({})).await;
    server.data("{ years }", json!({})).await;
    let response = server.get("/metrics").await;
    assert_eq!(response.status(), 200);
    assert!(response.headers().contains_key("x-request-id"));
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"egov_rank_graphql_errors_total{code="QUERY_TOO_COMPLEX"} 1"#),
        "{text}"
    );
    assert!(
        text.contains(
            r#"egov_rank_http_requests_total{method="POST",route="/graphql",status="200"} 2"#
        ),
        "{text}"
    );
    assert!(text.contains("egov_rank_http_request_duration_seconds_bucket"));
    assert!(text.contains("egov_rank_db_pool_connections "));
}

on_both_databases!(
    graphiql_introspection_passes_the_limits,
    each_limit_refuses_with_its_code,
    oversized_and_batched_bodies_are_refused,
    the_graphql_response_media_type_reports_requests_that_cannot_run,
    reads_work_over_get_and_writes_do_not,
    a_slow_read_is_stopped_with_timeout,
    requests_are_counted_in_the_metrics,
);
