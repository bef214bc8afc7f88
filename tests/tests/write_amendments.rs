//! Amending published results through GraphQL: a decision that amends another adds new versions
//! of the results it corrects, the table as each decision published it stays readable (`asOf`),
//! every version is kept in the history (the current one in the result's row, those it replaced
//! beside it, also across the migration that moved them), and a result is only replaced under a
//! decision that amends the one that published it.
//!
//! Expected values come from the oracle ([`egov_tests::published`]), computed from the shipped
//! 2020 tables independently of the service.

use egov_tests::counts::row_counts;
use egov_tests::normalized::{HEADER, district_line};
use egov_tests::published::{
    AMENDING, ORIGINAL, PROVINCIAL_AMENDMENT, SCALE_2020, amended_district_table, expected_table,
    published, published_values, row_named,
};
use egov_tests::reads::{TABLE, histories, names, table, version};
use egov_tests::writes::{
    REPORT, amended_result_input, call, publish_amending_decision, refused, token, write,
};
use egov_tests::{TestServer, on_both_databases};
use entity::{result, result_version};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, EntityTrait, QueryOrder, Statement};
use serde_json::{Value, json};
use service::access::Role;

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

/// Amendments: new versions, the table as first published still readable.
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
    let content = format!("{HEADER}{}", district_line(2020, a_luoi));
    let before = row_counts(server.db()).await;
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
        assert_eq!(body["data"]["importResults"]["report"], json!(null));
        assert_eq!(row_counts(server.db()).await, before, "under {decision}");
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
            row_counts(server.db()).await,
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
    assert_eq!(row_counts(server.db()).await, expected_counts);
    let original_row = row_named(&rows, "UBND huyện A Lưới");
    assert_eq!(
        histories(&server).await["UBND huyện A Lưới"],
        [version(1, original_row), version(2, a_luoi)]
    );
}

/// A Decimal sent as a JSON number (in variables or written in the query) is refused before
/// anything runs, with `BAD_USER_INPUT` and a message saying to send a string; the same value
/// as a string is taken.
async fn a_decimal_sent_as_a_number_is_refused(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    publish_amending_decision(&server, &editor).await;
    let before = row_counts(server.db()).await;
    let correction = |rate: Value| {
        json!({ "decision": AMENDING, "year": 2020, "tier": "DISTRICT", "dryRun": true,
                "results": [{ "agency": "UBND huyện A Lưới", "publishedRatePercent": rate }] })
    };
    let (_, body) = call(
        &server,
        Some(&editor),
        "amendResults",
        REPORT,
        correction(json!(81.97)),
    )
    .await;
    let inline = server
        .post_as(
            Some(&editor),
            &format!(
                r#"mutation {{ amendResults(input: {{ decision: "{AMENDING}", year: 2020,
                   tier: DISTRICT, dryRun: true, results: [{{ agency: "UBND huyện A Lưới",
                   publishedRatePercent: 81.97 }}] }}) {{ errors {{ code }} }} }}"#
            ),
            json!({}),
        )
        .await
        .1;
    for refusal in [&body, &inline] {
        let error = &refusal["errors"][0];
        assert_eq!(
            error["extensions"]["code"],
            json!("BAD_USER_INPUT"),
            "{refusal:#}"
        );
        let message = error["message"].as_str().unwrap();
        assert!(
            message.contains("as a string") && message.contains("\"81.97\""),
            "{message}"
        );
    }
    assert_eq!(row_counts(server.db()).await, before);
    let taken = write(
        &server,
        &editor,
        "amendResults",
        REPORT,
        correction(json!("81.97")),
    )
    .await;
    assert_eq!(taken["report"]["dryRun"], json!(true), "{taken:#}");
}

/// Every result row and every superseded version, in id order.
async fn stored_versions(
    db: &DatabaseConnection,
) -> (Vec<result::Model>, Vec<result_version::Model>) {
    (
        result::Entity::find()
            .order_by_asc(result::Column::Id)
            .all(db)
            .await
            .unwrap(),
        result_version::Entity::find()
            .order_by_asc(result_version::Column::Id)
            .all(db)
            .await
            .unwrap(),
    )
}

/// `(result_id, version)` of every `result_version` row, read without the entities (the
/// schema of an earlier migration).
async fn version_keys(db: &DatabaseConnection) -> Vec<(i32, i32)> {
    let statement = Statement::from_string(
        db.get_database_backend(),
        "SELECT result_id, version FROM result_version ORDER BY result_id, version",
    );
    db.query_all_raw(statement)
        .await
        .unwrap()
        .iter()
        .map(|row| {
            (
                row.try_get("", "result_id").unwrap(),
                row.try_get("", "version").unwrap(),
            )
        })
        .collect()
}

/// The migration that moved each result's current version into its row, undone and redone
/// over amended results: undone, every version is a `result_version` row again (the current
/// ones put back beside those they replaced); redone, the rows, the versions kept and the
/// histories are as before. Would catch a backfill that lost a version, took another
/// version's values or recorded time, or left a current version behind.
async fn versions_move_between_the_result_and_its_history_unchanged(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let (amended_rows, corrected) = amended_district_table(&published("district"));
    publish_amending_decision(&server, &editor).await;
    let inputs: Vec<Value> = corrected
        .iter()
        .map(|name| amended_result_input(row_named(&amended_rows, name)))
        .collect();
    write(
        &server,
        &editor,
        "amendResults",
        REPORT,
        json!({ "decision": AMENDING, "year": 2020, "tier": "DISTRICT", "results": inputs }),
    )
    .await;
    let db = server.db();
    let (results, superseded) = stored_versions(db).await;
    let histories_before = histories(&server).await;
    assert_eq!(
        superseded.len(),
        corrected.len(),
        "one replaced version each"
    );

    Migrator::down(db, Some(1)).await.unwrap();
    let mut expected: Vec<(i32, i32)> = superseded
        .iter()
        .map(|kept| (kept.result_id, kept.version))
        .chain(
            results
                .iter()
                .filter_map(|row| Some((row.id, row.version?))),
        )
        .collect();
    expected.sort_unstable();
    assert_eq!(version_keys(db).await, expected);
    assert!(expected.len() > corrected.len() * 2, "{expected:?}");

    Migrator::up(db, None).await.unwrap();
    assert_eq!(stored_versions(db).await, (results, superseded));
    assert_eq!(histories(&server).await, histories_before);
}

on_both_databases!(
    versions_move_between_the_result_and_its_history_unchanged,
    an_amendment_adds_versions_and_keeps_the_table_as_first_published,
    a_result_is_only_replaced_under_an_amending_decision,
    a_decimal_sent_as_a_number_is_refused,
);
