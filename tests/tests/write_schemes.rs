//! Changing a scheme through GraphQL (`setScoringScheme`): a new scheme re-scores the year it
//! governs at once; levels follow the new thresholds while ranks, rates and published values do
//! not move, and the published levels are reported as discrepancies exactly where they moved.

use egov_tests::published::{
    SCALE_2020, STRICT_SCALE, d, expected_table, level_of, published, rate,
};
use egov_tests::reads::{names, table};
use egov_tests::writes::{SCHEME, scheme_input, token, write};
use egov_tests::{TestServer, on_both_databases};
use rust_decimal::Decimal;
use serde_json::{Value, json};
use service::access::Role;

/// A new scheme re-scores the years it governs.
async fn a_new_scheme_rescores_its_year(server: TestServer) {
    let admin = token(&server, "admin", Role::Admin).await;
    let rows = published("district");
    let before = table(&server, 2020, "DISTRICT", None).await;
    assert_eq!(before, expected_table(&rows, &SCALE_2020));
    let changed: Vec<&str> = rows
        .iter()
        .filter(|row| level_of(rate(row), &STRICT_SCALE) != level_of(rate(row), &SCALE_2020))
        .map(|row| row.agency.as_str())
        .collect();
    assert!(
        changed.len() >= 3,
        "the stricter scale is meant to move levels"
    );

    let payload = write(
        &server,
        &admin,
        "setScoringScheme",
        SCHEME,
        scheme_input("Thang điểm 2020 (sửa đổi)", &STRICT_SCALE),
    )
    .await;
    let levels: Vec<Value> = STRICT_SCALE
        .iter()
        .zip(1..)
        .map(|((code, name, _), ordinal)| json!({ "code": code, "name": name, "ordinal": ordinal }))
        .collect();
    let scheme = &payload["scheme"];
    let mut got_levels = scheme["levels"].clone();
    let minimums: Vec<Decimal> = got_levels
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .map(|level| {
            let min = level.as_object_mut().unwrap().remove("minimum").unwrap();
            d(min.as_str().expect("a Decimal"))
        })
        .collect();
    assert_eq!(got_levels, json!(levels));
    assert_eq!(
        minimums,
        STRICT_SCALE
            .iter()
            .map(|(_, _, min)| Decimal::from(*min))
            .collect::<Vec<_>>()
    );
    assert_eq!(
        (
            scheme["year"].clone(),
            scheme["name"].clone(),
            scheme["convertedRule"].clone(),
            scheme["rateDecimals"].clone(),
            scheme["convertedDecimals"].clone()
        ),
        (
            json!(2020),
            json!("Thang điểm 2020 (sửa đổi)"),
            json!("RATE_TIMES_MAX_POINTS"),
            json!(2),
            json!(2)
        )
    );

    // Levels follow the new thresholds; ranks, rates and published values do not move.
    assert_eq!(
        table(&server, 2020, "DISTRICT", None).await,
        expected_table(&rows, &STRICT_SCALE)
    );
    // The published levels now disagree with the recomputed ones exactly where they moved.
    let data = server
        .data(
            r#"{ discrepancies(year: 2020, tier: DISTRICT) { result { agency { name } } field published recomputed } }"#,
            json!({}),
        )
        .await;
    let level_discrepancies: Vec<&str> = data["discrepancies"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|found| found["field"] == json!("level"))
        .map(|found| found["result"]["agency"]["name"].as_str().unwrap())
        .collect();
    let ranked = expected_table(&rows, &STRICT_SCALE);
    let expected_discrepancies: Vec<String> = names(&ranked)
        .into_iter()
        .filter(|name| changed.contains(&name.as_str()))
        .collect();
    assert_eq!(level_discrepancies, expected_discrepancies);
}

on_both_databases!(a_new_scheme_rescores_its_year,);
