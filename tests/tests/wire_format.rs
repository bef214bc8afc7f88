//! What clients read on the wire (issue 15): answers list their fields in the order the query
//! asked, over every transport and when kept for reuse; every error carries an
//! `extensions.code` (Apollo Server's names), however the request arrived.

use egov_tests::socket::{initialised, receive, receive_text, subscribe_with};
use egov_tests::writes::token;
use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;
use sha2::{Digest, Sha256};

/// A query whose fields, at every level, are asked for out of alphabetical order.
const OUT_OF_ORDER: &str = "{ years ranking(year: 2020, tier: DISTRICT, first: 2) { \
     totalCount nodes { rank agency { name code } ratePercent } } }";

/// The keys of [`OUT_OF_ORDER`]'s answer, in the order asked.
const ASKED: [&str; 9] = [
    "years",
    "ranking",
    "totalCount",
    "nodes",
    "rank",
    "agency",
    "name",
    "code",
    "ratePercent",
];

/// Fails unless the raw answer holds the keys of [`ASKED`] in that order (first occurrences:
/// the first node's fields come before the second node's).
fn assert_fields_in_order(text: &str, how: &str) {
    let positions: Vec<usize> = ASKED
        .iter()
        .map(|key| {
            text.find(&format!("\"{key}\":"))
                .unwrap_or_else(|| panic!("{how}: no `{key}` in {text}"))
        })
        .collect();
    assert!(
        positions.windows(2).all(|pair| pair[0] < pair[1]),
        "{how}: the fields are not in the order asked ({ASKED:?}): {text}"
    );
}

/// The `persistedQuery` extension for `query`.
fn persisted(query: &str) -> Value {
    let hash = hex::encode(Sha256::digest(query.as_bytes()));
    json!({ "persistedQuery": { "version": 1, "sha256Hash": hash } })
}

/// POSTs a JSON body with an `Accept` header and returns the body as sent.
async fn post_text(server: &TestServer, body: &Value, accept: &str) -> String {
    reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .header("accept", accept)
        .json(body)
        .send()
        .await
        .expect("POST /graphql")
        .text()
        .await
        .expect("a body")
}

/// GETs `/graphql` with these parameters and returns the body as sent.
async fn get_text(server: &TestServer, params: &[(&str, String)]) -> String {
    reqwest::Client::new()
        .get(format!("{}/graphql", server.base_url))
        .query(params)
        .send()
        .await
        .expect("GET /graphql")
        .text()
        .await
        .expect("a body")
}

/// The text of operation `id`'s first answer over a socket.
async fn socket_text(server: &TestServer, id: &str, payload: Value) -> String {
    let mut socket = initialised(server, None).await;
    subscribe_with(&mut socket, id, payload).await;
    loop {
        let text = receive_text(&mut socket)
            .await
            .unwrap_or_else(|closed| panic!("the socket closed: {closed}"));
        if !text.contains("\"ping\"") {
            return text;
        }
    }
}

/// Catches answers over HTTP in alphabetical order: they went through a `serde_json::Value`,
/// whose map sorts keys, while the spec asks for the order of the query. Kept answers (the
/// second request of each kind) are the same bytes.
async fn fields_come_in_the_order_asked(server: TestServer) {
    let body = json!({ "query": OUT_OF_ORDER });
    for accept in ["application/json", "application/graphql-response+json"] {
        let first = post_text(&server, &body, accept).await;
        assert_fields_in_order(&first, &format!("POST ({accept})"));
        let kept = post_text(&server, &body, accept).await;
        assert_fields_in_order(&kept, &format!("POST again, kept ({accept})"));
    }

    let params = [("query", OUT_OF_ORDER.to_owned())];
    assert_fields_in_order(&get_text(&server, &params).await, "GET");
    assert_fields_in_order(&get_text(&server, &params).await, "GET again, kept");

    let extensions = persisted(OUT_OF_ORDER);
    let registered = json!({ "query": OUT_OF_ORDER, "extensions": extensions });
    let text = post_text(&server, &registered, "application/json").await;
    assert_fields_in_order(&text, "persisted, sent whole");
    let by_hash = [("extensions", extensions.to_string())];
    assert_fields_in_order(&get_text(&server, &by_hash).await, "persisted, by hash");

    let text = socket_text(&server, "1", json!({ "query": OUT_OF_ORDER })).await;
    assert_fields_in_order(&text, "WebSocket");
}

/// One kind of error: a request that makes it, and the code it must carry.
struct ErrorCase {
    kind: &'static str,
    query: &'static str,
    variables: Value,
    operation_name: Option<&'static str>,
    code: &'static str,
}

/// One row per kind of error a read can meet before or as it runs.
fn error_table() -> Vec<ErrorCase> {
    let case = |kind, query, variables, operation_name, code| ErrorCase {
        kind,
        query,
        variables,
        operation_name,
        code,
    };
    let ranking = "query R($year: Int!, $tier: Tier!) { \
                   ranking(year: $year, tier: $tier) { totalCount } }";
    let two = "query A { years } query B { indices { code } }";
    vec![
        case(
            "syntax error",
            "{ ranking(year: 2020",
            json!({}),
            None,
            "GRAPHQL_PARSE_FAILED",
        ),
        case(
            "empty document",
            "# nothing",
            json!({}),
            None,
            "GRAPHQL_PARSE_FAILED",
        ),
        case(
            "unknown field",
            "{ rankings { totalCount } }",
            json!({}),
            None,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        case(
            "literal of the wrong type",
            "{ ranking(year: \"2020\", tier: DISTRICT) { totalCount } }",
            json!({}),
            None,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        case(
            "missing required argument",
            "{ ranking(tier: DISTRICT) { totalCount } }",
            json!({}),
            None,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        case(
            "undefined variable",
            "{ ranking(year: $year, tier: DISTRICT) { totalCount } }",
            json!({}),
            None,
            "GRAPHQL_VALIDATION_FAILED",
        ),
        case(
            "variable of the wrong type",
            ranking,
            json!({ "year": "2020", "tier": "DISTRICT" }),
            None,
            "BAD_USER_INPUT",
        ),
        case(
            "variable out of Int's range",
            ranking,
            json!({ "year": 1_u64 << 40, "tier": "DISTRICT" }),
            None,
            "BAD_USER_INPUT",
        ),
        case(
            "unknown enum value in a variable",
            ranking,
            json!({ "year": 2020, "tier": "COUNTY" }),
            None,
            "BAD_USER_INPUT",
        ),
        case(
            "required variable not given",
            ranking,
            json!({ "tier": "DISTRICT" }),
            None,
            "BAD_USER_INPUT",
        ),
        case(
            "unknown operation name",
            two,
            json!({}),
            Some("C"),
            "OPERATION_RESOLUTION_FAILURE",
        ),
        case(
            "several operations, none named",
            two,
            json!({}),
            None,
            "OPERATION_RESOLUTION_FAILURE",
        ),
    ]
}

/// How a request reaches the server.
#[derive(Clone, Copy, Debug)]
enum Transport {
    Post,
    Get,
    /// `POST` with the query and its persisted-query hash.
    Persisted,
    WebSocket,
}

/// The errors of `case` sent by `transport`.
async fn errors_of(server: &TestServer, transport: Transport, case: &ErrorCase) -> Value {
    let mut body = json!({ "query": case.query, "variables": case.variables });
    if let Some(name) = case.operation_name {
        body["operationName"] = json!(name);
    }
    let answer: Value = match transport {
        Transport::Post => {
            serde_json::from_str(&post_text(server, &body, "application/json").await).unwrap()
        }
        Transport::Persisted => {
            body["extensions"] = persisted(case.query);
            serde_json::from_str(&post_text(server, &body, "application/json").await).unwrap()
        }
        Transport::Get => {
            let mut params = vec![
                ("query", case.query.to_owned()),
                ("variables", case.variables.to_string()),
            ];
            if let Some(name) = case.operation_name {
                params.push(("operationName", name.to_owned()));
            }
            serde_json::from_str(&get_text(server, &params).await).unwrap()
        }
        Transport::WebSocket => {
            let mut socket = initialised(server, None).await;
            subscribe_with(&mut socket, "1", body).await;
            let message = receive(&mut socket).await;
            match message["type"].as_str() {
                // graphql-transport-ws sends errors before execution as an `error` message.
                Some("error") => json!({ "errors": message["payload"] }),
                _ => message["payload"].clone(),
            }
        }
    };
    answer["errors"].clone()
}

/// Catches errors without `extensions.code`: async-graphql marks its parse, validation,
/// variable and operation-name errors with a message only, so clients could not tell them
/// apart. Every row, over every transport, must carry its code on every error.
async fn every_error_carries_its_code(server: TestServer) {
    let mut wrong = Vec::new();
    for case in error_table() {
        for transport in [
            Transport::Post,
            Transport::Get,
            Transport::Persisted,
            Transport::WebSocket,
        ] {
            let errors = errors_of(&server, transport, &case).await;
            let codes: Vec<&Value> = errors
                .as_array()
                .map(|errors| errors.iter().map(|e| &e["extensions"]["code"]).collect())
                .unwrap_or_default();
            if codes.is_empty() || codes.iter().any(|code| **code != json!(case.code)) {
                wrong.push(format!(
                    "{} over {transport:?}: expected {}, got {errors}",
                    case.kind, case.code
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A scalar that cannot parse its value (a `Date` in another format) is the client's input,
/// whether written in the document or sent as a variable.
async fn an_unparsable_scalar_is_bad_user_input(server: TestServer) {
    let editor = token(&server, "scalars", Role::Editor).await;
    let literal = r#"mutation { publishDecision(input: {number: "9/QĐ-UBND", issuedOn: "31/12/2020"}) {
        errors { code } } }"#;
    let variable = r#"mutation($input: PublishDecisionInput!) { publishDecision(input: $input) {
        errors { code } } }"#;
    let input = json!({ "input": { "number": "9/QĐ-UBND", "issuedOn": "31/12/2020" } });
    for (query, variables) in [(literal, json!({})), (variable, input)] {
        let (_, answer) = server.post_as(Some(&editor), query, variables).await;
        let errors = answer["errors"].as_array().cloned().unwrap_or_default();
        assert!(!errors.is_empty(), "{answer:#}");
        for error in errors {
            assert_eq!(
                error["extensions"]["code"],
                json!("BAD_USER_INPUT"),
                "{answer:#}"
            );
        }
    }
}

on_both_databases!(
    fields_come_in_the_order_asked,
    every_error_carries_its_code,
    an_unparsable_scalar_is_bad_user_input,
);
