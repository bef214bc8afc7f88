//! Rows whose fields all answer from memory are resolved one field after another by our own
//! code (`api::graphql::from_memory`); any other row by async-graphql. Both must give the same
//! answer to the same selection: the same keys in the same order, the same values, the same
//! errors with the same paths.
//!
//! A field that waits for a loader anywhere in a row's selection sends the row to
//! async-graphql, so each selection is asked twice: as written, and with such a field added at
//! its end under the key `zz`, which is then cut out of the answer's text.

use egov_tests::{TestServer, on_both_databases};
use serde_json::json;

/// Row selections of a `Result`: fragments named and inline, on the type and on an interface,
/// aliases, a key asked twice, arguments, an error (once and on a key asked twice), objects
/// below.
const RESULT_ROWS: &[&str] = &[
    "rank agency { code name } ratePercent convertedScore level { code }",
    "__typename id rank tiedWith groupSize percentile maxPoints excludedPoints requiredPoints \
     achievedPoints score publishedScore year index restatedOver",
    "...R ... on Node { id } ... on Result { agency { name } } place: rank",
    "agency { code } rank agency { name tier } level { code } level { name ordinal }",
    "rank ratePercent(decimals: 4) convertedScore(decimals: 0) percentile(decimals: 1)",
    "rank ratePercent(decimals: 99) agency { code }",
    "r: ratePercent(decimals: 99) rank agency { code } r: ratePercent(decimals: 99) level { code }",
    "rank published { rank ratePercent level { code name } rankedCount } decision { number title issuedOn id }",
];

/// The same for a `Movement` of `compareYears`.
const MOVEMENT_ROWS: &[&str] = &[
    "agency { code name } rankChange ratePercentChange from { rank } to { rank level { code } }",
    "__typename id rankChange levelDirection reason scoreChange percentileChange \
     convertedScoreChange from { ...R } to { rank agency { code } } predecessors { rank }",
];

/// The fragment `...R` spreads, added to the queries that spread it.
const FRAGMENTS: &str = "fragment R on Result { year rank ratePercent agency { code } }";

/// The text of the answer to `query` with `{rows}` replaced by `rows`.
async fn answer(server: &TestServer, query: &str, rows: &str) -> String {
    let fragments = if rows.contains("...R") { FRAGMENTS } else { "" };
    let query = format!("{} {fragments}", query.replace("{rows}", rows));
    reqwest::Client::new()
        .post(format!("{}/graphql", server.base_url))
        .json(&json!({ "query": query }))
        .send()
        .await
        .expect("POST /graphql")
        .text()
        .await
        .expect("an answer")
}

/// `text` without the values of the key `zz` (each the last key of its object).
fn cut_zz(text: &str) -> String {
    let mut kept = String::new();
    let mut rest = text;
    while let Some(at) = rest.find(",\"zz\":") {
        kept.push_str(&rest[..at]);
        rest = &rest[at + ",\"zz\":".len()..];
        let mut value = serde_json::Deserializer::from_str(rest).into_iter::<serde_json::Value>();
        value.next().expect("a value").expect("JSON");
        rest = &rest[value.byte_offset()..];
    }
    kept.push_str(rest);
    kept
}

/// Asks `query` for `rows` as written and with `waiting` (a field under the key `zz` that
/// waits for a loader) added: byte for byte the same answer once `zz` is cut out of each row,
/// and one that holds rows.
async fn same_answer(server: &TestServer, query: &str, rows: &str, waiting: &str) {
    let in_turn = answer(server, query, rows).await;
    let concurrently = answer(server, query, &format!("{rows} {waiting}")).await;
    assert!(
        in_turn.contains("\"data\":{") && in_turn.contains("\"rank"),
        "no rows for {rows}: {in_turn}"
    );
    assert!(
        concurrently.contains(",\"zz\":"),
        "no `zz` in {concurrently}"
    );
    assert_eq!(
        in_turn,
        cut_zz(&concurrently),
        "the rows `{rows}` answer differently in turn and concurrently"
    );
}

async fn rows_answer_the_same_in_turn_and_concurrently(server: TestServer) {
    for rows in RESULT_ROWS {
        same_answer(
            &server,
            "{ ranking(year: 2020, tier: DISTRICT, first: 10) { nodes { {rows} } } }",
            rows,
            "zz: subIndices { rank }",
        )
        .await;
        same_answer(
            &server,
            "{ agency(code: \"ubnd-thanh-pho-hue\") { results { {rows} } } }",
            rows,
            "zz: subIndices { rank }",
        )
        .await;
    }
    for rows in MOVEMENT_ROWS {
        same_answer(
            &server,
            "{ compareYears(from: 2021, to: 2022, tier: PROVINCE, index: \"dti\", \
             jurisdiction: \"viet-nam\", first: 10) { nodes { {rows} } } }",
            rows,
            "zz: agency { aliases }",
        )
        .await;
    }
    // The answer with an error really holds it, on every row.
    let answer = server
        .post(
            "{ ranking(year: 2020, tier: DISTRICT, first: 3) { nodes { rank ratePercent(decimals: 99) } } }",
            json!({}),
        )
        .await;
    let paths: Vec<_> = answer["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|error| error["path"].clone())
        .collect();
    assert_eq!(
        paths,
        (0..3)
            .map(|row| json!(["ranking", "nodes", row, "ratePercent"]))
            .collect::<Vec<_>>()
    );
}

on_both_databases!(rows_answer_the_same_in_turn_and_concurrently);
