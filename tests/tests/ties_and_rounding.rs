//! Two promises of "The scoring rule" end to end, on values chosen so that a wrong
//! implementation answers differently: ties are listed in Vietnamese alphabetical order where
//! byte order disagrees (`Đông` after `Dương` and before `Em`; bytes put `Đ` after `E`), and
//! figures are rounded half away from zero at an exact `.xx5` (24.69 / 200 = 12.345 % prints
//! `12.35`, where half-to-even prints `12.34`; a change of -0.005 prints `-0.01`).
//!
//! Expectations come from an independent model: the Vietnamese alphabet written out below, and
//! `rust_decimal` rounding in the oracle ([`egov_tests::published::printed`]).

use egov_tests::normalized::{HEADER, import};
use egov_tests::published::{d, printed};
use egov_tests::{TestServer, on_both_databases};
use rust_decimal::{Decimal, RoundingStrategy};
use serde_json::{Value, json};

/// The Vietnamese alphabet's letters in order (lower case, without tone marks).
const ALPHABET: [&str; 29] = [
    "a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "g", "h", "i", "k", "l", "m", "n", "o", "ô", "ơ",
    "p", "q", "r", "s", "t", "u", "ư", "v", "x", "y",
];

/// The districts, tied in 2021; they differ in the first letter of their last word.
const NAMES: [&str; 3] = ["UBND huyện Em", "UBND huyện Đông", "UBND huyện Dương"];

/// Achieved points out of 200 in 2021 (all tied) and 2022.
const ACHIEVED: [(&str, &str, &str); 3] = [
    ("UBND huyện Em", "24.69", "24.68"),
    ("UBND huyện Đông", "24.69", "24.69"),
    ("UBND huyện Dương", "24.69", "24.70"),
];

/// Where `name` falls in Vietnamese order, by the first letter of its last word.
fn vietnamese_place(name: &str) -> usize {
    let last = name.split(' ').next_back().expect("a word").to_lowercase();
    ALPHABET
        .iter()
        .position(|letter| last.starts_with(letter))
        .expect("a Vietnamese letter")
}

/// The rate in percent of `achieved` out of 200 required points.
fn rate(achieved: &str) -> Decimal {
    d(achieved) * Decimal::ONE_HUNDRED / d("200")
}

/// The 2021 and 2022 district tables of [`ACHIEVED`], imported as normalized CSV.
async fn import_years(server: &TestServer) {
    let mut csv = HEADER.to_owned();
    for (year, column) in [(2021, 1), (2022, 2)] {
        for row in ACHIEVED {
            let achieved = if column == 1 { row.1 } else { row.2 };
            csv += &format!("{year},district,,{},200,0,200,{achieved},,,\n", row.0);
        }
    }
    import(server.db(), &csv).await;
}

/// The tied 2021 districts come in Vietnamese order, all at rank 1, with the rate rounded half
/// away from zero, in GraphQL and in the CSV export. Would catch ties ordered by bytes (or by
/// a collation that puts `Đ` after `E`), or rounding half to even.
async fn ties_follow_vietnamese_order_and_round_half_away(server: TestServer) {
    import_years(&server).await;
    let mut expected_order = NAMES.to_vec();
    expected_order.sort_by_key(|name| vietnamese_place(name));
    let mut byte_order = NAMES.to_vec();
    byte_order.sort();
    assert_ne!(
        expected_order, byte_order,
        "the names must tell the orders apart"
    );

    let exact = rate("24.69");
    let expected_rate = printed(exact, 2);
    assert_ne!(
        expected_rate,
        exact
            .round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven)
            .to_string(),
        "the rate must tell the roundings apart"
    );

    let data = server
        .data(
            "{ ranking(year: 2021, tier: DISTRICT) { nodes { agency { name } rank ratePercent } } }",
            json!({}),
        )
        .await;
    let expected: Vec<Value> = expected_order
        .iter()
        .map(|name| json!({ "agency": { "name": name }, "rank": 1, "ratePercent": expected_rate }))
        .collect();
    assert_eq!(data["ranking"]["nodes"], json!(expected));

    let response = server.get("/export/2021/district.csv").await;
    assert_eq!(response.status(), 200);
    let exported = response.text().await.expect("a CSV export");
    let mut places: Vec<(usize, &str)> = NAMES
        .iter()
        .map(|name| (exported.find(name).expect("every name exported"), *name))
        .collect();
    places.sort();
    let exported_order: Vec<&str> = places.into_iter().map(|(_, name)| name).collect();
    assert_eq!(exported_order, expected_order, "{exported}");
    assert!(
        exported.contains(&expected_rate.replace('.', ",")),
        "the exported rate: {exported}"
    );
}

/// Rate changes from 2021 to 2022 of ±0.005 round away from zero: `-0.01` and `0.01`. Would
/// catch a change rounded half to even (`0.00`) or towards zero, or one computed from the
/// printed rates' difference only where that happens to agree.
async fn a_change_ending_in_five_rounds_away_from_zero(server: TestServer) {
    import_years(&server).await;
    let data = server
        .data(
            "{ compareYears(from: 2021, to: 2022, tier: DISTRICT) { nodes { agency { name } ratePercentChange(decimals: 2) } } }",
            json!({}),
        )
        .await;
    let changes: Vec<(String, Value)> = data["compareYears"]["nodes"]
        .as_array()
        .expect("movements")
        .iter()
        .map(|node| {
            (
                node["agency"]["name"].as_str().expect("a name").to_owned(),
                node["ratePercentChange"].clone(),
            )
        })
        .collect();
    for (name, before, after) in ACHIEVED {
        let change = rate(after) - rate(before);
        let expected = printed(change, 2);
        let (_, answered) = changes
            .iter()
            .find(|(n, _)| n == name)
            .unwrap_or_else(|| panic!("{name} in {changes:?}"));
        assert_eq!(answered, &json!(expected), "{name}");
    }
    let em = rate("24.68") - rate("24.69");
    assert_eq!(printed(em, 2), "-0.01");
    assert_ne!(
        em.round_dp_with_strategy(2, RoundingStrategy::MidpointNearestEven),
        d("-0.01"),
        "the change must tell the roundings apart"
    );
}

on_both_databases!(
    ties_follow_vietnamese_order_and_round_half_away,
    a_change_ending_in_five_rounds_away_from_zero,
);
