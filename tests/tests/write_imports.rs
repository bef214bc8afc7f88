//! Importing through GraphQL (`importResults`): tables as published, whether a news report's
//! partial top five (ranks and levels only, nothing invented) or a spreadsheet sent as base64
//! (a dry run reports and writes nothing), and all or nothing: one bad row anywhere refuses the
//! whole import, reported by line and column, and leaves every table as it was.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use egov_tests::counts::row_counts;
use egov_tests::normalized::{HEADER, district_line};
use egov_tests::published::{Row, published};
use egov_tests::reads::table;
use egov_tests::writes::{REPORT, refused, token, write};
use egov_tests::{TestServer, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;

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
    let before = row_counts(server.db()).await;
    let dry = write(&server, &editor, "importResults", REPORT, input(true)).await;
    assert_eq!(dry["report"], report(true));
    assert_eq!(
        row_counts(server.db()).await,
        before,
        "a dry run writes nothing"
    );
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

/// One bad row anywhere refuses the whole import.
async fn one_bad_row_anywhere_refuses_the_import(server: TestServer) {
    let editor = token(&server, "editor", Role::Editor).await;
    let rows: Vec<Row> = published("district").into_iter().take(5).collect();
    let before = row_counts(server.db()).await;
    let original = table(&server, 2020, "DISTRICT", None).await;
    // (index of the bad row, column, bad value)
    for (bad, column, value) in [
        (0, "achieved_points", "abc"),
        (2, "published_level", "V"),
        (4, "achieved_points", "7x,5"),
        (4, "published_level", "Mức độ VI"),
    ] {
        let mut content = String::from(HEADER);
        for (i, row) in rows.iter().enumerate() {
            let mut row = row.clone();
            if i == bad {
                match column {
                    "achieved_points" => row.achieved = format!("\"{value}\""),
                    _ => row.level = value.into(),
                }
            }
            content.push_str(&district_line(2021, &row));
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
        assert_eq!(body["data"]["importResults"]["report"], json!(null));
        assert_eq!(row_counts(server.db()).await, before, "line {line}");
        assert_eq!(table(&server, 2021, "DISTRICT", None).await, json!([]));
        assert_eq!(table(&server, 2020, "DISTRICT", None).await, original);
    }
    // No top-level errors to count: the metrics count the refusals themselves.
    let metrics = server.get("/metrics").await.text().await.unwrap();
    assert!(
        metrics.contains(r#"egov_rank_mutation_refusals_total{code="BAD_USER_INPUT"} 4"#),
        "{metrics}"
    );
    assert!(
        !metrics.contains(r#"egov_rank_graphql_errors_total{code="BAD_USER_INPUT"}"#),
        "{metrics}"
    );
}

on_both_databases!(
    a_partial_top_five_imports_as_printed,
    a_spreadsheet_imports_from_base64,
    one_bad_row_anywhere_refuses_the_import,
);
