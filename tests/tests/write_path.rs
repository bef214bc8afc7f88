//! The write path through GraphQL: amendments as new versions with the table as first published
//! still readable (`asOf`), imports as published (partial tables, spreadsheets sent as base64),
//! all-or-nothing imports, re-scoring by a new scheme, and who may write what, with every write
//! in the audit log.
//!
//! Expected values are computed here from the shipped 2020 tables with plain `rust_decimal`
//! arithmetic, independently of the service's exact fractions.

use std::collections::BTreeMap;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use egov_tests::{PublishedRow, TestServer, on_both_databases};
use entity::{agency, api_token, audit_log, decision, result, result_version, scoring_scheme};
use reqwest::StatusCode;
use rust_decimal::{Decimal, RoundingStrategy};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::{Value, json};
use service::access::{Role, create_token, revoke_token};

const ORIGINAL: &str = "3402/QĐ-UBND";
const PROVINCIAL_AMENDMENT: &str = "102/QĐ-UBND";
const AMENDING: &str = "15/QĐ-UBND";

const NORMALIZED_HEADER: &str = "year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,published_rate_percent,published_converted_score,published_level\n";

/// A level scale: (code, printed name, minimum rate in percent), best first.
type Scale = [(&'static str, &'static str, i64); 5];

/// The 2020 scale the district rows fit (data README).
const SCALE_2020: Scale = [
    ("I", "Mức độ I", 90),
    ("II", "Mức độ II", 85),
    ("III", "Mức độ III", 80),
    ("IV", "Mức độ IV", 70),
    ("NOT_ACHIEVED", "Chưa đạt", 0),
];

/// A stricter scale that moves several 2020 districts to another level.
const STRICT_SCALE: Scale = [
    ("I", "Mức độ I", 95),
    ("II", "Mức độ II", 82),
    ("III", "Mức độ III", 76),
    ("IV", "Mức độ IV", 66),
    ("NOT_ACHIEVED", "Chưa đạt", 0),
];

// ---------------------------------------------------------------------------------------------
// The published data and an independent model of the ranking.

/// One row of a published table, as text, with the decision that published it.
#[derive(Clone, Debug)]
struct Row {
    printed: PublishedRow,
    decision: String,
}

impl std::ops::Deref for Row {
    type Target = PublishedRow;

    fn deref(&self) -> &PublishedRow {
        &self.printed
    }
}

impl std::ops::DerefMut for Row {
    fn deref_mut(&mut self) -> &mut PublishedRow {
        &mut self.printed
    }
}

/// The shipped 2020 table of a tier (`district`: published by 3402, `provincial`: by 102).
fn published(tier: &str) -> Vec<Row> {
    let decision = if tier == "district" {
        ORIGINAL
    } else {
        PROVINCIAL_AMENDMENT
    };
    egov_tests::published_2020(tier)
        .into_iter()
        .map(|printed| Row {
            printed,
            decision: decision.into(),
        })
        .collect()
}

fn d(text: &str) -> Decimal {
    Decimal::from_str(text).unwrap_or_else(|_| panic!("`{text}` is a decimal"))
}

/// The rate in percent from the points (28 significant digits).
fn rate(row: &Row) -> Decimal {
    d(&row.achieved) * Decimal::ONE_HUNDRED / d(&row.required)
}

/// A district's converted score: rate x max points.
fn converted(row: &Row) -> Decimal {
    d(&row.achieved) * d(&row.max) / d(&row.required)
}

/// Rounded half away from zero and printed with exactly `decimals` places.
fn printed(value: Decimal, decimals: u32) -> String {
    let mut rounded =
        value.round_dp_with_strategy(decimals, RoundingStrategy::MidpointAwayFromZero);
    rounded.rescale(decimals);
    rounded.to_string()
}

/// The code of the best level whose minimum `rate` reaches.
fn level_of(rate: Decimal, scale: &Scale) -> &'static str {
    scale
        .iter()
        .find(|(_, _, min)| rate >= Decimal::from(*min))
        .map(|(code, _, _)| *code)
        .expect("a scale ends at 0")
}

/// Standard competition ranks by exact rate: 1 + how many rows have a higher rate.
fn ranks(rows: &[Row]) -> Vec<usize> {
    rows.iter()
        .map(|row| 1 + rows.iter().filter(|other| rate(other) > rate(row)).count())
        .collect()
}

/// The rows a district's 2020 recomputation disagrees with at the printed precision.
fn discrepant(rows: &[Row]) -> Vec<String> {
    rows.iter()
        .filter(|row| printed(rate(row), d(&row.rate).scale()) != row.rate)
        .map(|row| row.agency.clone())
        .collect()
}

/// What [`TABLE`] answers for a district table of `rows` under `scale`: by rank (no district
/// ties), published values verbatim, computed values at two decimals.
fn expected_table(rows: &[Row], scale: &Scale) -> Value {
    let ranks = ranks(rows);
    let mut ordered: Vec<(usize, &Row)> = ranks.into_iter().zip(rows).collect();
    ordered.sort_by_key(|(rank, _)| *rank);
    let nodes: Vec<Value> = ordered
        .into_iter()
        .map(|(rank, row)| {
            json!({
                "agency": { "name": row.agency },
                "rank": rank,
                "maxPoints": row.max,
                "achievedPoints": row.achieved,
                "ratePercent": printed(rate(row), 2),
                "convertedScore": printed(converted(row), 2),
                "level": { "code": level_of(rate(row), scale) },
                "published": published_values(row),
                "decision": { "number": row.decision },
            })
        })
        .collect();
    json!(nodes)
}

fn published_values(row: &Row) -> Value {
    json!({
        "rank": row.rank.parse::<i64>().expect("a published rank"),
        "ratePercent": row.rate,
        "convertedScore": row.converted,
        "level": { "code": row.level },
    })
}

/// The 2020 district table after decision 15 corrects the rows whose printed rates disagree with
/// their points: their published values become the recomputed ones, and Hương Trà's points are
/// corrected upwards (75.60), which lifts it above A Lưới.
fn amended_district_table(rows: &[Row]) -> (Vec<Row>, Vec<String>) {
    let corrected_names = discrepant(rows);
    let mut amended: Vec<Row> = rows.to_vec();
    for row in amended.iter_mut() {
        if row.agency == "UBND thị xã Hương Trà" {
            row.achieved = "75.60".into();
        }
    }
    let new_ranks = ranks(&amended);
    for (row, rank) in amended.iter_mut().zip(new_ranks) {
        if corrected_names.contains(&row.agency) {
            row.rank = rank.to_string();
            row.rate = printed(rate(row), 2);
            row.converted = printed(converted(row), 2);
            row.level = level_of(rate(row), &SCALE_2020).into();
            row.decision = AMENDING.into();
        }
    }
    (amended, corrected_names)
}

/// A row as `amendResults` takes it.
fn amended_result_input(row: &Row) -> Value {
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

/// A row of the normalized CSV, without decision column, for `year`.
fn normalized_line(year: i32, row: &Row) -> String {
    format!(
        "{year},district,{},{},{},{},{},{},{},{},{}\n",
        row.rank,
        row.agency,
        row.max,
        row.excluded,
        row.required,
        row.achieved,
        row.rate,
        row.converted,
        row.level
    )
}

fn row_named<'a>(rows: &'a [Row], name: &str) -> &'a Row {
    rows.iter()
        .find(|row| row.agency == name)
        .unwrap_or_else(|| panic!("no row for {name}"))
}

// ---------------------------------------------------------------------------------------------
// Reading through GraphQL.

const TABLE: &str = "query ($year: Int!, $tier: Tier!, $asOf: String) {
  ranking(year: $year, tier: $tier, asOf: $asOf, first: 100) { nodes {
    agency { name } rank maxPoints achievedPoints ratePercent convertedScore level { code }
    published { rank ratePercent convertedScore level { code } } decision { number } } } }";

/// A ranking's nodes as [`TABLE`] selects them, as `as_of` published it (the latest when `None`).
async fn table(server: &TestServer, year: i32, tier: &str, as_of: Option<&str>) -> Value {
    server
        .data(TABLE, json!({ "year": year, "tier": tier, "asOf": as_of }))
        .await["ranking"]["nodes"]
        .clone()
}

/// The agency names of a ranking's nodes, in order.
fn names(nodes: &Value) -> Vec<String> {
    nodes
        .as_array()
        .expect("a list of nodes")
        .iter()
        .map(|node| node["agency"]["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// Each result's versions by agency name: version, decision, points and published values.
async fn histories(server: &TestServer) -> BTreeMap<String, Vec<Value>> {
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
fn version(number: i64, row: &Row) -> Value {
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

/// The agencies `discrepancies` lists for the 2020 districts, each once, in its order.
async fn discrepant_agencies(server: &TestServer) -> Vec<String> {
    let data = server
        .data(
            "{ discrepancies(year: 2020, tier: DISTRICT) { result { agency { name } } field } }",
            json!({}),
        )
        .await;
    let mut found: Vec<String> = Vec::new();
    for discrepancy in data["discrepancies"].as_array().unwrap() {
        let name = discrepancy["result"]["agency"]["name"]
            .as_str()
            .unwrap()
            .to_owned();
        if !found.contains(&name) {
            found.push(name);
        }
    }
    found
}

/// Row counts of every table a write may touch.
async fn counts(server: &TestServer) -> BTreeMap<&'static str, u64> {
    let db = server.db();
    BTreeMap::from([
        ("result", result::Entity::find().count(db).await.unwrap()),
        (
            "result_version",
            result_version::Entity::find().count(db).await.unwrap(),
        ),
        (
            "decision",
            decision::Entity::find().count(db).await.unwrap(),
        ),
        ("agency", agency::Entity::find().count(db).await.unwrap()),
        (
            "audit_log",
            audit_log::Entity::find().count(db).await.unwrap(),
        ),
        (
            "scoring_scheme",
            scoring_scheme::Entity::find().count(db).await.unwrap(),
        ),
        (
            "api_token",
            api_token::Entity::find().count(db).await.unwrap(),
        ),
    ])
}

/// The code of the agency named exactly `name`.
async fn code_of(server: &TestServer, name: &str) -> String {
    let data = server
        .data(
            "query ($s: String) { agencies(search: $s) { nodes { code name } } }",
            json!({ "s": name }),
        )
        .await;
    data["agencies"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|node| node["name"] == json!(name))
        .and_then(|node| node["code"].as_str())
        .unwrap_or_else(|| panic!("no agency named {name}: {data:#}"))
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// Writing through GraphQL.

/// Creates a token directly in the database and returns its secret.
async fn token(server: &TestServer, name: &str, role: Role) -> String {
    create_token(server.db(), name, role, "test")
        .await
        .expect("create a token")
        .1
}

/// The mutation `field(input: $input)`, selecting `selection` and the payload's errors. Input
/// types are named after their mutation: `importResults` takes an `ImportResultsInput`.
fn mutation(field: &str, selection: &str) -> String {
    let mut input_type = field.to_owned();
    input_type[..1].make_ascii_uppercase();
    format!(
        "mutation ($input: {input_type}Input!) {{ {field}(input: $input) {{ {selection} errors {{ code message line column }} }} }}"
    )
}

/// Runs a mutation as the holder of `token` (anonymously when `None`).
async fn call(
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
async fn write(
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
/// as (code, line, column) after checking the top-level error carries the same code.
async fn refused(
    server: &TestServer,
    token: &str,
    field: &str,
    selection: &str,
    input: Value,
    code: &str,
) -> (Vec<(String, Option<i64>, Option<String>)>, Value) {
    let (status, body) = call(server, Some(token), field, selection, input).await;
    assert_eq!(status, StatusCode::OK, "{field}: {body:#}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!(code),
        "{field}: a top-level error with the code: {body:#}"
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
    (problems, body)
}

const REPORT: &str = "report { dryRun rowsRead agenciesMatched agenciesCreated
    nearMisses { line name suggestion } amended rankings }";

/// Publishes decision 15, amending 3402, as `editor`.
async fn publish_amending_decision(server: &TestServer, editor: &str) -> Value {
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
fn scheme_input(name: &str, scale: &Scale) -> Value {
    let levels: Vec<Value> = scale
        .iter()
        .map(|(code, name, min)| json!({ "code": code, "name": name, "minRatePercent": min.to_string() }))
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

const SCHEME: &str = "scheme { year name convertedRule rateDecimals convertedDecimals
    levels { code name ordinal minRatePercent } }";

// ---------------------------------------------------------------------------------------------
// 1. Amendments: new versions, the table as first published still readable.

async fn an_amendment_adds_versions_and_keeps_the_table_as_first_published(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let rows = published("district");

    // Before: the table as 3402 printed it, three rows disagreeing with their points.
    let original = table(&server, 2020, "DISTRICT", None).await;
    assert_eq!(original, expected_table(&rows, &SCALE_2020));
    let (amended_rows, corrected) = amended_district_table(&rows);
    assert_eq!(
        corrected,
        [
            "UBND huyện A Lưới",
            "UBND thị xã Hương Trà",
            "UBND huyện Phú Lộc"
        ]
    );
    assert_eq!(discrepant_agencies(&server).await, corrected);

    let decision = publish_amending_decision(&server, &editor).await;
    assert_eq!(
        decision["decision"],
        json!({
            "number": AMENDING,
            "issuedOn": "2021-03-15",
            "title": "Điều chỉnh kết quả xếp hạng cấp huyện năm 2020",
            "amends": { "number": ORIGINAL },
        })
    );

    let inputs: Vec<Value> = corrected
        .iter()
        .map(|name| amended_result_input(row_named(&amended_rows, name)))
        .collect();
    let payload = write(
        &server,
        &editor,
        "amendResults",
        &format!(
            "{REPORT} results {{ agency {{ name }} published {{ rank ratePercent convertedScore level {{ code }} }} decision {{ number }} }}"
        ),
        json!({ "decision": AMENDING, "year": 2020, "tier": "DISTRICT", "results": inputs }),
    )
    .await;
    let mut amended_names: Vec<String> =
        serde_json::from_value(payload["report"]["amended"].clone()).unwrap();
    amended_names.sort();
    let mut expected_names = corrected.clone();
    expected_names.sort();
    assert_eq!(amended_names, expected_names);
    assert_eq!(payload["report"]["dryRun"], json!(false));
    assert_eq!(payload["report"]["rowsRead"], json!(3));
    let results = payload["results"].as_array().unwrap();
    assert_eq!(results.len(), 3, "{payload:#}");
    for result in results {
        let row = row_named(&amended_rows, result["agency"]["name"].as_str().unwrap());
        assert_eq!(result["published"], published_values(row));
        assert_eq!(result["decision"], json!({ "number": AMENDING }));
    }

    // The latest table: the amended rows with decision 15, ranked by the corrected points.
    let expected_amended = expected_table(&amended_rows, &SCALE_2020);
    assert_ne!(
        names(&expected_amended),
        names(&original),
        "the amendment is meant to change the order"
    );
    let latest = table(&server, 2020, "DISTRICT", None).await;
    assert_eq!(latest, expected_amended);

    // As each decision published it.
    assert_eq!(
        table(&server, 2020, "DISTRICT", Some(ORIGINAL)).await,
        original,
        "as of 3402: the table before the amendment"
    );
    assert_eq!(
        table(&server, 2020, "DISTRICT", Some(PROVINCIAL_AMENDMENT)).await,
        original,
        "102 amends 3402 and published no district row: the districts as 3402 printed them"
    );
    assert_eq!(
        table(&server, 2020, "DISTRICT", Some(AMENDING)).await,
        latest
    );
    // Unknown decisions, and one whose chain published nothing of the provincial table.
    for (as_of, tier) in [
        ("999/QĐ-UBND", "DISTRICT"),
        ("15/QĐ-UBNDX", "DISTRICT"),
        (AMENDING, "PROVINCIAL"),
    ] {
        assert_eq!(
            server
                .error_code(TABLE, json!({ "year": 2020, "tier": tier, "asOf": as_of }))
                .await,
            "NOT_FOUND",
            "{as_of} {tier}"
        );
    }

    // Every version is kept: two for the amended results, one for the others.
    let histories = histories(&server).await;
    assert_eq!(histories.len(), rows.len());
    for row in &rows {
        let mut expected = vec![version(1, row)];
        if corrected.contains(&row.agency) {
            expected.push(version(2, row_named(&amended_rows, &row.agency)));
        }
        assert_eq!(histories[&row.agency], expected, "{}", row.agency);
    }

    // The corrected rows no longer disagree with their points.
    assert_eq!(discrepant_agencies(&server).await, Vec::<String>::new());
}

/// A row for an agency that already has a result is refused unless its decision amends the one
/// that published that result; refused writes leave every table as it was.
async fn a_result_is_only_replaced_under_an_amending_decision(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    publish_amending_decision(&server, &editor).await;
    let rows = published("district");
    let (amended_rows, _) = amended_district_table(&rows);
    let a_luoi = row_named(&amended_rows, "UBND huyện A Lưới");
    let content = format!("{NORMALIZED_HEADER}{}", normalized_line(2020, a_luoi));
    let before = counts(&server).await;
    let original = table(&server, 2020, "DISTRICT", None).await;

    for decision in [ORIGINAL, "99/QĐ-UBND"] {
        let (problems, body) = refused(
            &server,
            &editor,
            "importResults",
            REPORT,
            json!({ "content": content, "decision": decision }),
            "BAD_USER_INPUT",
        )
        .await;
        assert_eq!(
            problems,
            [(
                "BAD_USER_INPUT".to_owned(),
                Some(2),
                Some("agency".to_owned())
            )],
            "under {decision}: {body:#}"
        );
        assert_eq!(body["errors"][0]["extensions"]["rows"][0]["line"], json!(2));
        assert_eq!(body["data"]["importResults"]["report"], json!(null));
        assert_eq!(counts(&server).await, before, "under {decision}");
    }

    // amendResults: the decision must exist and amend another.
    let amendment = |decision: &str| json!({ "decision": decision, "year": 2020, "tier": "DISTRICT", "results": [amended_result_input(a_luoi)] });
    for (decision, code) in [("98/QĐ-UBND", "NOT_FOUND"), (ORIGINAL, "BAD_USER_INPUT")] {
        let (problems, body) = refused(
            &server,
            &editor,
            "amendResults",
            REPORT,
            amendment(decision),
            code,
        )
        .await;
        assert!(
            problems.iter().all(|(c, _, _)| c == code),
            "{decision}: {body:#}"
        );
        assert_eq!(
            counts(&server).await,
            before,
            "amendResults under {decision}"
        );
    }
    assert_eq!(table(&server, 2020, "DISTRICT", None).await, original);

    // Under the amending decision the same row is a new version of the result.
    let payload = write(
        &server,
        &editor,
        "importResults",
        REPORT,
        json!({ "content": content, "decision": AMENDING }),
    )
    .await;
    assert_eq!(
        payload["report"]["amended"],
        json!(["UBND huyện A Lưới"]),
        "{payload:#}"
    );
    assert_eq!(payload["report"]["agenciesCreated"], json!([]));
    let mut expected_counts = before.clone();
    *expected_counts.get_mut("result_version").unwrap() += 1;
    *expected_counts.get_mut("audit_log").unwrap() += 1;
    assert_eq!(counts(&server).await, expected_counts);
    let original_row = row_named(&rows, "UBND huyện A Lưới");
    assert_eq!(
        histories(&server).await["UBND huyện A Lưới"],
        [version(1, original_row), version(2, a_luoi)]
    );
}

// ---------------------------------------------------------------------------------------------
// 2, 3. Imports as published: a partial top five, a spreadsheet sent as base64.

/// A news report's top five: rank, name and printed level only. Imported as printed, nothing
/// invented; 2021 is scored by the 2020 provincial scheme, which stays in force.
async fn a_partial_top_five_imports_as_printed(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let names: Vec<String> = published("provincial")
        .into_iter()
        .take(5)
        .map(|row| row.printed.agency)
        .collect();
    let printed_rows = [
        (1, "Mức độ I", "I"),
        (2, "I", "I"),
        (2, "mức độ ii", "II"),
        (4, "Mức độ III", "III"),
        (5, "Chưa đạt", "NOT_ACHIEVED"),
    ];
    let mut content = String::from("STT,Tên đơn vị,Mức độ\n");
    for (name, (rank, label, _)) in names.iter().zip(printed_rows) {
        content.push_str(&format!("{rank},{name},{label}\n"));
    }
    let payload = write(
        &server,
        &editor,
        "importResults",
        REPORT,
        json!({ "content": content, "year": 2021, "tier": "PROVINCIAL", "decision": "20/QĐ-UBND" }),
    )
    .await;
    assert_eq!(
        payload["report"],
        json!({
            "dryRun": false, "rowsRead": 5, "agenciesMatched": 5, "agenciesCreated": [],
            "nearMisses": [], "amended": [], "rankings": ["2021 provincial cqdt-results"],
        })
    );

    let expected: Vec<Value> = names
        .iter()
        .zip(printed_rows)
        .map(|(name, (rank, _, code))| {
            json!({
                "agency": { "name": name },
                "rank": rank,
                "maxPoints": null, "achievedPoints": null,
                "ratePercent": null, "convertedScore": null, "level": null,
                "published": { "rank": rank, "ratePercent": null, "convertedScore": null, "level": { "code": code } },
                "decision": { "number": "20/QĐ-UBND" },
            })
        })
        .collect();
    assert_eq!(
        table(&server, 2021, "PROVINCIAL", None).await,
        json!(expected)
    );
}

/// The 2020 district appendix as an XLSX file, sent base64-encoded: a dry run reports and
/// writes nothing; the import as 2021 ranks like 2020.
async fn a_spreadsheet_imports_from_base64(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let content = STANDARD.encode(include_bytes!("fixtures/district-2020-as-printed.xlsx"));
    let input = |dry_run: bool| {
        json!({ "content": content, "contentEncoding": "BASE64", "year": 2021, "tier": "DISTRICT",
                "decision": "21/QĐ-UBND", "dryRun": dry_run })
    };
    let report = |dry_run: bool| {
        json!({ "dryRun": dry_run, "rowsRead": 9, "agenciesMatched": 9, "agenciesCreated": [],
                "nearMisses": [], "amended": [], "rankings": ["2021 district cqdt-results"] })
    };
    let before = counts(&server).await;
    let dry = write(&server, &editor, "importResults", REPORT, input(true)).await;
    assert_eq!(dry["report"], report(true));
    assert_eq!(counts(&server).await, before, "a dry run writes nothing");
    assert_eq!(table(&server, 2021, "DISTRICT", None).await, json!([]));

    let real = write(&server, &editor, "importResults", REPORT, input(false)).await;
    assert_eq!(real["report"], report(false));
    let query = "query ($year: Int!) { ranking(year: $year, tier: DISTRICT) { nodes {
        agency { code } rank level { code } ratePercent convertedScore
        published { rank ratePercent convertedScore level { code } } } } }";
    let spreadsheet = server.data(query, json!({ "year": 2021 })).await;
    assert_eq!(
        spreadsheet,
        server.data(query, json!({ "year": 2020 })).await
    );
    let ranks: Vec<i64> = spreadsheet["ranking"]["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|node| node["rank"].as_i64().unwrap())
        .collect();
    let published_ranks: Vec<i64> = published("district")
        .iter()
        .map(|row| row.rank.parse().unwrap())
        .collect();
    assert_eq!(ranks, published_ranks);
}

// ---------------------------------------------------------------------------------------------
// 4. Access control and the audit log.

/// Tokens of every role, and revoked ones.
struct Tokens {
    viewer: String,
    editor: String,
    admin: String,
    revoked_editor: String,
    revoked_admin: String,
}

impl Tokens {
    /// Issues `viewer`, `editor`, `admin`, `spare` (a viewer, for `revokeToken`) and two revoked
    /// tokens, `revoked-editor` and `revoked-admin`.
    async fn issue(server: &TestServer) -> Self {
        let revoked = async |name: &str, role: Role| {
            let secret = token(server, name, role).await;
            revoke_token(server.db(), name, "test")
                .await
                .expect("revoke a token");
            secret
        };
        token(server, "spare", Role::Viewer).await;
        Self {
            viewer: token(server, "viewer", Role::Viewer).await,
            editor: token(server, "editor", Role::Editor).await,
            admin: token(server, "admin", Role::Admin).await,
            revoked_editor: revoked("revoked-editor", Role::Editor).await,
            revoked_admin: revoked("revoked-admin", Role::Admin).await,
        }
    }
}

/// One mutation with valid input, and what it needs.
struct Write {
    field: &'static str,
    selection: &'static str,
    input: Value,
    admin: bool,
}

/// Every mutation, with input valid once decision 15 (amending 3402) is published.
async fn every_write(server: &TestServer) -> Vec<Write> {
    let rows = published("district");
    let (amended_rows, _) = amended_district_table(&rows);
    let nam_dong = row_named(&rows, "UBND huyện Nam Đông");
    let phu_loc = code_of(server, "UBND huyện Phú Lộc").await;
    let editor_write = |field, selection, input| Write {
        field,
        selection,
        input,
        admin: false,
    };
    let admin_write = |field, selection, input| Write {
        field,
        selection,
        input,
        admin: true,
    };
    vec![
        editor_write(
            "publishDecision",
            "decision { number issuedOn amends { number } }",
            json!({ "number": "16/QĐ-UBND", "issuedOn": "2021-04-01", "title": "Điều chỉnh lần hai", "amends": AMENDING }),
        ),
        editor_write(
            "importResults",
            REPORT,
            json!({ "content": format!("{NORMALIZED_HEADER}{}", normalized_line(2021, nam_dong)), "decision": "30/QĐ-UBND" }),
        ),
        editor_write(
            "amendResults",
            REPORT,
            json!({ "decision": AMENDING, "year": 2020, "tier": "DISTRICT",
                    "results": [amended_result_input(row_named(&amended_rows, "UBND huyện A Lưới"))] }),
        ),
        editor_write(
            "upsertAgency",
            "agency { code name tier aliases } created",
            json!({ "name": "UBND huyện Mới", "tier": "DISTRICT", "aliases": ["Huyện Mới"] }),
        ),
        editor_write(
            "recordLineageEvent",
            "kind year predecessors { code } successors { code }",
            json!({ "kind": "ABOLISH", "year": 2021, "predecessors": [phu_loc], "note": "sáp nhập" }),
        ),
        admin_write(
            "setScoringScheme",
            SCHEME,
            scheme_input("Thang điểm thử", &STRICT_SCALE),
        ),
        admin_write(
            "createToken",
            "token { name role revokedAt } secret",
            json!({ "name": "new-viewer", "role": "VIEWER" }),
        ),
        admin_write(
            "revokeToken",
            "token { name role revokedAt }",
            json!({ "name": "spare" }),
        ),
    ]
}

/// Asserts that `write` as the holder of `token` is refused with `status` and `code`, and that
/// no payload comes back.
async fn assert_refused(
    server: &TestServer,
    token: Option<&str>,
    write: &Write,
    status: StatusCode,
    code: &str,
) {
    let (got, body) = call(
        server,
        token,
        write.field,
        write.selection,
        write.input.clone(),
    )
    .await;
    let who = token.map_or("anonymous", |t| &t[..t.len().min(12)]);
    assert_eq!(got, status, "{} as {who}: {body:#}", write.field);
    assert_eq!(
        body["errors"][0]["extensions"]["code"],
        json!(code),
        "{} as {who}: {body:#}",
        write.field
    );
    assert_eq!(
        body["data"][write.field],
        json!(null),
        "{} as {who}: {body:#}",
        write.field
    );
}

const AUDIT_LOG: &str =
    "query ($first: Int, $action: String) { auditLog(first: $first, action: $action) {
    totalCount nodes { at actor action target before after } } }";

async fn every_write_is_refused_without_the_right_token(server: TestServer) {
    let tokens = Tokens::issue(&server).await;
    publish_amending_decision(&server, &tokens.editor).await;
    let writes = every_write(&server).await;
    let before = counts(&server).await;
    let original = table(&server, 2020, "DISTRICT", None).await;
    for write in &writes {
        assert_refused(&server, None, write, StatusCode::OK, "UNAUTHENTICATED").await;
        assert_refused(
            &server,
            Some(&tokens.viewer),
            write,
            StatusCode::OK,
            "FORBIDDEN",
        )
        .await;
        for invalid in [
            tokens.revoked_editor.as_str(),
            tokens.revoked_admin.as_str(),
            "egr_0123456789abcdef",
        ] {
            assert_refused(
                &server,
                Some(invalid),
                write,
                StatusCode::UNAUTHORIZED,
                "UNAUTHENTICATED",
            )
            .await;
        }
        if write.admin {
            assert_refused(
                &server,
                Some(&tokens.editor),
                write,
                StatusCode::OK,
                "FORBIDDEN",
            )
            .await;
        }
    }
    assert_eq!(
        counts(&server).await,
        before,
        "refused writes write nothing"
    );
    assert_eq!(table(&server, 2020, "DISTRICT", None).await, original);

    // The audit log and the token list are the admin's.
    for query in [AUDIT_LOG, "{ tokens { name } }"] {
        for token in [&tokens.viewer, &tokens.editor] {
            let (status, body) = server.post_as(Some(token), query, json!({})).await;
            assert_eq!(status, StatusCode::OK, "{query}: {body:#}");
            assert_eq!(
                body["errors"][0]["extensions"]["code"],
                json!("FORBIDDEN"),
                "{query}: {body:#}"
            );
        }
        let (status, body) = server
            .post_as(Some(&tokens.revoked_admin), query, json!({}))
            .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{query}: {body:#}");
    }
}

async fn permitted_writes_succeed_and_are_audited(server: TestServer) {
    let tokens = Tokens::issue(&server).await;
    publish_amending_decision(&server, &tokens.editor).await;
    let writes = every_write(&server).await;
    let old_scheme = scoring_scheme::Entity::find()
        .filter(scoring_scheme::Column::Year.eq(2020))
        .filter(scoring_scheme::Column::Tier.eq("district"))
        .one(server.db())
        .await
        .unwrap()
        .expect("the 2020 district scheme");

    // A dry run first: reported, not written, not audited.
    let import = &writes[1];
    assert_eq!(import.field, "importResults");
    let before = counts(&server).await;
    let mut dry_input = import.input.clone();
    dry_input["dryRun"] = json!(true);
    let dry = write(&server, &tokens.editor, import.field, REPORT, dry_input).await;
    assert_eq!(
        (
            dry["report"]["dryRun"].clone(),
            dry["report"]["rowsRead"].clone()
        ),
        (json!(true), json!(1))
    );
    assert_eq!(counts(&server).await, before, "a dry run writes nothing");

    let mut payloads = BTreeMap::new();
    for w in &writes {
        let token = if w.admin {
            &tokens.admin
        } else {
            &tokens.editor
        };
        let payload = write(&server, token, w.field, w.selection, w.input.clone()).await;
        payloads.insert(w.field, payload);
    }
    assert_eq!(
        payloads["publishDecision"]["decision"],
        json!({ "number": "16/QĐ-UBND", "issuedOn": "2021-04-01", "amends": { "number": AMENDING } })
    );
    assert_eq!(
        payloads["importResults"]["report"],
        json!({ "dryRun": false, "rowsRead": 1, "agenciesMatched": 1, "agenciesCreated": [],
                "nearMisses": [], "amended": [], "rankings": ["2021 district cqdt-results"] })
    );
    assert_eq!(
        payloads["amendResults"]["report"]["amended"],
        json!(["UBND huyện A Lưới"])
    );
    let mut agency = payloads["upsertAgency"]["agency"].clone();
    let mut aliases: Vec<String> = serde_json::from_value(agency["aliases"].take()).unwrap();
    aliases.sort();
    assert_eq!(aliases, ["Huyện Mới", "UBND huyện Mới"]);
    assert_eq!(
        agency,
        json!({ "code": "ubnd-huyen-moi", "name": "UBND huyện Mới", "tier": "DISTRICT", "aliases": null })
    );
    assert_eq!(payloads["upsertAgency"]["created"], json!(true));
    assert_eq!(
        (
            payloads["recordLineageEvent"]["kind"].clone(),
            payloads["recordLineageEvent"]["predecessors"].clone(),
            payloads["recordLineageEvent"]["successors"].clone()
        ),
        (
            json!("ABOLISH"),
            json!([{ "code": code_of(&server, "UBND huyện Phú Lộc").await }]),
            json!([])
        )
    );
    assert_eq!(
        payloads["setScoringScheme"]["scheme"]["name"],
        json!("Thang điểm thử")
    );
    let created = &payloads["createToken"];
    assert_eq!(
        created["token"],
        json!({ "name": "new-viewer", "role": "VIEWER", "revokedAt": null })
    );
    assert!(payloads["revokeToken"]["token"]["revokedAt"].is_string());
    assert_eq!(payloads["revokeToken"]["token"]["name"], json!("spare"));

    // The new token authenticates (a viewer may not list tokens); the revoked one does not.
    let secret = created["secret"].as_str().expect("the new secret");
    let (status, body) = server
        .post_as(Some(secret), "{ tokens { name } }", json!({}))
        .await;
    assert_eq!(
        (status, body["errors"][0]["extensions"]["code"].clone()),
        (StatusCode::OK, json!("FORBIDDEN")),
        "{body:#}"
    );
    let data = server
        .post_as(
            Some(&tokens.admin),
            "{ tokens { name revokedAt } }",
            json!({}),
        )
        .await
        .1;
    let listed: Vec<&str> = data["data"]["tokens"]
        .as_array()
        .unwrap_or_else(|| panic!("{data:#}"))
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert!(
        listed.contains(&"new-viewer") && listed.contains(&"spare"),
        "{listed:?}"
    );

    // The audit log, newest first: each write with its actor.
    let (status, body) = server
        .post_as(Some(&tokens.admin), AUDIT_LOG, json!({ "first": 9 }))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    let log = &body["data"]["auditLog"];
    assert_eq!(
        log["totalCount"],
        json!(before["audit_log"] + writes.len() as u64),
        "{log:#}"
    );
    let entries = log["nodes"].as_array().unwrap();
    let listed: Vec<(&str, &str)> = entries
        .iter()
        .map(|e| (e["action"].as_str().unwrap(), e["actor"].as_str().unwrap()))
        .collect();
    let mut expected: Vec<(&str, &str)> = writes
        .iter()
        .rev()
        .map(|w| (w.field, if w.admin { "admin" } else { "editor" }))
        .collect();
    expected.push(("publishDecision", "editor"));
    assert_eq!(listed, expected);
    let times: Vec<&str> = entries.iter().map(|e| e["at"].as_str().unwrap()).collect();
    assert!(times.windows(2).all(|pair| pair[0] >= pair[1]), "{times:?}");

    let entry = |action: &str| {
        entries
            .iter()
            .find(|e| e["action"] == json!(action))
            .unwrap_or_else(|| panic!("no {action} entry"))
            .clone()
    };
    let parse = |text: &Value| -> Value {
        serde_json::from_str(text.as_str().unwrap_or_else(|| panic!("JSON text: {text}")))
            .unwrap_or_else(|error| panic!("`{text}` is JSON: {error}"))
    };
    let scheme = entry("setScoringScheme");
    assert_eq!(parse(&scheme["before"])["name"], json!(old_scheme.name));
    assert_eq!(parse(&scheme["after"])["name"], json!("Thang điểm thử"));
    let amendment = entry("amendResults");
    assert!(
        amendment["before"]
            .as_str()
            .unwrap_or_default()
            .contains(&row_named(&published("district"), "UBND huyện A Lưới").rate),
        "the replaced published rate: {amendment:#}"
    );
    parse(&amendment["after"]);
    for created in ["upsertAgency", "createToken"] {
        let entry = entry(created);
        assert_eq!(
            entry["before"],
            json!(null),
            "{created} only added: {entry:#}"
        );
        assert!(parse(&entry["after"]).is_object(), "{entry:#}");
    }
    assert_eq!(
        parse(&entry("upsertAgency")["after"])["name"],
        json!("UBND huyện Mới")
    );
    assert_eq!(entry("revokeToken")["target"], json!("spare"));

    let imports = server
        .post_as(
            Some(&tokens.admin),
            AUDIT_LOG,
            json!({ "action": "importResults" }),
        )
        .await
        .1;
    assert_eq!(
        imports["data"]["auditLog"]["totalCount"],
        json!(1),
        "{imports:#}"
    );
}

/// With `reads_require_token`, anonymous reads are refused as a whole; a viewer reads.
async fn reads_can_require_a_token(server: TestServer) {
    let tokens = Tokens::issue(&server).await;
    let options = api::ServerOptions {
        reads_require_token: true,
        ..Default::default()
    };
    let guarded = TestServer::start_with(server.db().clone(), server.backend, options).await;
    let query = "{ ranking(year: 2020, tier: DISTRICT) { totalCount } }";
    for secret in [None, Some(tokens.revoked_editor.as_str())] {
        let (status, body) = guarded.post_as(secret, query, json!({})).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED, "{body:#}");
        assert_eq!(
            body["errors"][0]["extensions"]["code"],
            json!("UNAUTHENTICATED"),
            "{body:#}"
        );
    }
    let (status, body) = guarded
        .post_as(Some(&tokens.viewer), query, json!({}))
        .await;
    assert_eq!(status, StatusCode::OK, "{body:#}");
    assert!(body.get("errors").is_none(), "{body:#}");
    assert_eq!(body["data"], json!({ "ranking": { "totalCount": 9 } }));
    // The default server still reads openly.
    assert_eq!(
        server.data(query, json!({})).await,
        json!({ "ranking": { "totalCount": 9 } })
    );
}

// ---------------------------------------------------------------------------------------------
// 5. One bad row refuses the whole import.

async fn one_bad_row_anywhere_refuses_the_import(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let rows: Vec<Row> = published("district").into_iter().take(5).collect();
    let before = counts(&server).await;
    let original = table(&server, 2020, "DISTRICT", None).await;
    // (index of the bad row, column, bad value)
    for (bad, column, value) in [
        (0, "achieved_points", "abc"),
        (2, "published_level", "V"),
        (4, "achieved_points", "7x,5"),
        (4, "published_level", "Mức độ VI"),
    ] {
        let mut content = String::from(NORMALIZED_HEADER);
        for (i, row) in rows.iter().enumerate() {
            let mut row = row.clone();
            if i == bad {
                match column {
                    "achieved_points" => row.achieved = format!("\"{value}\""),
                    _ => row.level = value.into(),
                }
            }
            content.push_str(&normalized_line(2021, &row));
        }
        let line = i64::try_from(bad).unwrap() + 2;
        let (problems, body) = refused(
            &server,
            &editor,
            "importResults",
            REPORT,
            json!({ "content": content, "decision": "40/QĐ-UBND" }),
            "BAD_USER_INPUT",
        )
        .await;
        assert_eq!(
            problems,
            [(
                "BAD_USER_INPUT".to_owned(),
                Some(line),
                Some(column.to_owned())
            )],
            "{column} `{value}` on line {line}: {body:#}"
        );
        let rows = &body["errors"][0]["extensions"]["rows"];
        assert_eq!(
            (
                rows[0]["line"].clone(),
                rows[0]["column"].clone(),
                rows[1].clone()
            ),
            (json!(line), json!(column), json!(null)),
            "the top-level error lists the row: {body:#}"
        );
        assert_eq!(body["data"]["importResults"]["report"], json!(null));
        assert_eq!(counts(&server).await, before, "line {line}");
        assert_eq!(table(&server, 2021, "DISTRICT", None).await, json!([]));
        assert_eq!(table(&server, 2020, "DISTRICT", None).await, original);
    }
}

// ---------------------------------------------------------------------------------------------
// 6. A new scheme re-scores the years it governs.

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
            let min = level
                .as_object_mut()
                .unwrap()
                .remove("minRatePercent")
                .unwrap();
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

on_both_databases!(
    an_amendment_adds_versions_and_keeps_the_table_as_first_published,
    a_result_is_only_replaced_under_an_amending_decision,
    a_partial_top_five_imports_as_printed,
    a_spreadsheet_imports_from_base64,
    every_write_is_refused_without_the_right_token,
    permitted_writes_succeed_and_are_audited,
    reads_can_require_a_token,
    one_bad_row_anywhere_refuses_the_import,
    a_new_scheme_rescores_its_year,
);
