//! Reading rankings through GraphQL in the shape the oracle predicts
//! ([`crate::published::expected_table`]).

use serde_json::{Value, json};

use crate::TestServer;

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
