//! Reading rankings through GraphQL in the shape the oracle predicts
//! ([`crate::published::expected_table`]).

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::TestServer;
use crate::published::{Row, published_values};

/// A ranking of up to 100 rows as a decision (`asOf`) published it: names, ranks, points,
/// computed and published values, and each row's decision.
pub const TABLE: &str = "query ($year: Int!, $tier: Tier!, $asOf: String) {
  ranking(year: $year, tier: $tier, asOf: $asOf, first: 100) { nodes {
    agency { name } rank maxPoints achievedPoints ratePercent convertedScore level { code }
    published { rank ratePercent convertedScore level { code } } decision { number } } } }";

/// A ranking's nodes as [`TABLE`] selects them, as `as_of` published it (the latest when `None`).
pub async fn table(server: &TestServer, year: i32, tier: &str, as_of: Option<&str>) -> Value {
    server
        .data(TABLE, json!({ "year": year, "tier": tier, "asOf": as_of }))
        .await["ranking"]["nodes"]
        .clone()
}

/// The agency names of a ranking's nodes, in order.
pub fn names(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .expect("a list of nodes")
        .iter()
        .map(|node| node["agency"]["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// Each result's versions by agency name: version, decision, points and published values.
pub async fn histories(server: &TestServer) -> BTreeMap<String, Vec<Value>> {
    let data = server
        .data(
            "{ ranking(year: 2020, tier: DISTRICT, first: 100) { nodes { agency { name }
               history { version recordedAt decision { number } maxPoints excludedPoints
                 requiredPoints achievedPoints published { rank ratePercent convertedScore level { code } } } } } }",
            json!({}),
        )
        .await;
    data["ranking"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| {
            let versions = node["history"]
                .as_array()
                .expect("a history")
                .iter()
                .map(|version| {
                    let mut version = version.clone();
                    let recorded = version
                        .as_object_mut()
                        .unwrap()
                        .remove("recordedAt")
                        .unwrap();
                    assert!(
                        recorded.as_str().is_some_and(|at| at.len() >= 10),
                        "recordedAt: {recorded}"
                    );
                    version
                })
                .collect();
            (
                node["agency"]["name"].as_str().unwrap().to_owned(),
                versions,
            )
        })
        .collect()
}

/// A version as [`histories`] lists it.
pub fn version(number: i64, row: &Row) -> Value {
    json!({
        "version": number,
        "decision": { "number": row.decision },
        "maxPoints": row.max,
        "excludedPoints": row.excluded,
        "requiredPoints": row.required,
        "achievedPoints": row.achieved,
        "published": published_values(row),
    })
}
