//! Writing through GraphQL: API tokens, mutations that must succeed or be refused, and the
//! inputs the write tests share.

use reqwest::StatusCode;
use serde_json::{Value, json};
use service::access::{Role, create_token};

use crate::TestServer;
use crate::published::{AMENDING, ORIGINAL, PublishedRow, Scale};

/// Creates a token directly in the database and returns its secret.
pub async fn token(server: &TestServer, name: &str, role: Role) -> String {
    create_token(server.db(), name, role, "test")
        .await
        .expect("create a token")
        .1
}

/// The mutation `field(input: $input)`, selecting `selection` and the payload's errors. Input
/// types are named after their mutation: `importResults` takes an `ImportResultsInput`.
pub fn mutation(field: &str, selection: &str) -> String {
    let mut input_type = field.to_owned();
    input_type[..1].make_ascii_uppercase();
    format!(
        "mutation ($input: {input_type}Input!) {{ {field}(input: $input) {{ {selection} errors {{ code message line column }} }} }}"
    )
}

/// Runs a mutation as the holder of `token` (anonymously when `None`).
pub async fn call(
    server: &TestServer,
    token: Option<&str>,
    field: &str,
    selection: &str,
    input: Value,
) -> (StatusCode, Value) {
    server
        .post_as(
            token,
            &mutation(field, selection),
            json!({ "input": input }),
        )
        .await
}

/// Runs a mutation that must succeed; returns its payload.
pub async fn write(
    server: &TestServer,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
) -> Value {
    let (status, body) = call(server, Some(token), field, selection, input).await;
    assert_eq!(status, StatusCode::OK, "{field}: {body:#}");
    assert!(body.get("errors").is_none(), "{field}: {body:#}");
    let payload = body["data"][field].clone();
    assert_eq!(payload["errors"], json!([]), "{field}: {body:#}");
    payload
}

/// Runs a mutation that must be refused for its input with `code`; returns the payload's errors
/// as (code, line, column) after checking that they carry that code and that no top-level
/// error repeats them (a refusal is the payload's answer, not a failed request).
pub async fn refused(
    server: &TestServer,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
    code: &str,
) -> (Vec<(String, Option<i64>, Option<String>)>, Value) {
    let (status, body) = call(server, Some(token), field, selection, input).await;
    assert_eq!(status, StatusCode::OK, "{field}: {body:#}");
    assert!(
        body.get("errors").is_none(),
        "{field}: no top-level error for a refused input: {body:#}"
    );
    let problems: Vec<(String, Option<i64>, Option<String>)> = body["data"][field]["errors"]
        .as_array()
        .unwrap_or_else(|| panic!("{field}: the payload lists its errors: {body:#}"))
        .iter()
        .map(|error| {
            (
                error["code"].as_str().unwrap().to_owned(),
                error["line"].as_i64(),
                error["column"].as_str().map(str::to_owned),
            )
        })
        .collect();
    assert!(!problems.is_empty(), "{field}: {body:#}");
    assert!(
        problems.iter().all(|(got, _, _)| got == code),
        "{field}: every problem is {code}: {body:#}"
    );
    (problems, body)
}

/// The import report as `importResults` and `amendResults` return it.
pub const REPORT: &str = "report { dryRun rowsRead agenciesMatched agenciesCreated
    nearMisses { line name suggestion } amended rankings }";

/// Publishes decision 15 ([`AMENDING`]), amending 3402 ([`ORIGINAL`]), as `editor`; returns the
/// payload.
pub async fn publish_amending_decision(server: &TestServer, editor: &str) -> Value {
    write(
        server,
        editor,
        "publishDecision",
        "decision { number issuedOn title amends { number } }",
        json!({
            "number": AMENDING,
            "issuedOn": "2021-03-15",
            "title": "Điều chỉnh kết quả xếp hạng cấp huyện năm 2020",
            "amends": ORIGINAL,
        }),
    )
    .await
}

/// `setScoringScheme`'s input for the 2020 districts with `scale`.
pub fn scheme_input(name: &str, scale: &Scale) -> Value {
    let levels: Vec<Value> = scale
        .iter()
        .map(|(code, name, min)| json!({ "code": code, "name": name, "minimum": min.to_string() }))
        .collect();
    json!({
        "year": 2020,
        "tier": "DISTRICT",
        "name": name,
        "convertedRule": "RATE_TIMES_MAX_POINTS",
        "rateDecimals": 2,
        "convertedDecimals": 2,
        "levels": levels,
    })
}

/// The scheme as `setScoringScheme` returns it.
pub const SCHEME: &str = "scheme { year name convertedRule rateDecimals convertedDecimals
    levels { code name ordinal minimum } }";

/// A row as `amendResults` takes it.
pub fn amended_result_input(row: &PublishedRow) -> Value {
    json!({
        "agency": row.agency,
        "maxPoints": row.max,
        "excludedPoints": row.excluded,
        "requiredPoints": row.required,
        "achievedPoints": row.achieved,
        "publishedRank": row.rank.parse::<i64>().unwrap(),
        "publishedRatePercent": row.rate,
        "publishedConvertedScore": row.converted,
        "publishedLevel": row.level,
    })
}
