//! Partial amendments and chains of them: the README's example sent verbatim (only
//! `publishedRatePercent`; "values left out keep the amended version's"), a second decision
//! amending the first, `asOf` at each step, and the export as each decision published it.
//!
//! Expected tables come from the oracle ([`egov_tests::published`]) over the shipped 2020 rows
//! with the corrected values substituted by the test; expected exports are the server's own
//! exports taken while each decision was the latest, so `asOf` must reproduce the past exactly.

use egov_tests::published::{
    AMENDING, ORIGINAL, Row, SCALE_2020, expected_table, published, row_named,
};
use egov_tests::reads::{histories, table, version};
use egov_tests::writes::{token, write};
use egov_tests::{TestServer, on_both_databases};
use serde_json::json;
use service::access::Role;

/// A decision amending 15 (the README's amending decision), so it amends 3402 through 15.
const SECOND_AMENDMENT: &str = "27/QĐ-UBND";

/// The README's two calls ("Decisions and amendments"), with its values as printed there.
async fn readme_amendment(server: &TestServer, editor: &str) {
    write(
        server,
        editor,
        "publishDecision",
        "decision { number }",
        json!({ "number": "15/QĐ-UBND", "amends": "3402/QĐ-UBND", "issuedOn": "2021-01-15" }),
    )
    .await;
    write(
        server,
        editor,
        "amendResults",
        "results { agency { name } }",
        json!({
            "decision": "15/QĐ-UBND",
            "year": 2020,
            "tier": "DISTRICT",
            "results": [{ "agency": "UBND huyện A Lưới", "publishedRatePercent": "81.97" }],
        }),
    )
    .await;
}

/// `rows` with the row of `agency` changed by `change` and attributed to `decision`.
fn corrected(rows: &[Row], agency: &str, decision: &str, change: impl Fn(&mut Row)) -> Vec<Row> {
    let mut rows = rows.to_vec();
    let row = rows
        .iter_mut()
        .find(|row| row.agency == agency)
        .expect("the agency is in the table");
    change(row);
    row.decision = decision.to_owned();
    rows
}

/// The district export (`format` csv or xlsx) as `as_of` published it, as bytes.
async fn export(server: &TestServer, format: &str, as_of: Option<&str>) -> Vec<u8> {
    let mut url = reqwest::Url::parse(&format!(
        "{}/export/2020/district.{format}",
        server.base_url
    ))
    .expect("an export URL");
    if let Some(as_of) = as_of {
        url.query_pairs_mut().append_pair("asOf", as_of);
    }
    let path = match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_owned(),
    };
    let response = server.get(&path).await;
    assert_eq!(response.status(), 200, "{path}");
    response.bytes().await.expect("an export body").to_vec()
}

/// The README's partial amendment, verbatim: version 2 of A Lưới keeps every value of version 1
/// (points, required points, published rank, converted score and level) but the rate it sends.
/// Would catch values left out being stored as unknown (the required points were lost that way:
/// `or_earlier` dropped them when max and excluded points were carried over) or a partial row
/// refused as incomplete.
async fn the_readme_partial_amendment_keeps_what_it_leaves_out(server: TestServer) {
    assert_eq!((AMENDING, ORIGINAL), ("15/QĐ-UBND", "3402/QĐ-UBND"));
    let editor = token(&server, "editor", Role::Editor).await;
    let rows = published("district");
    let original = table(&server, 2020, "DISTRICT", None).await;

    readme_amendment(&server, &editor).await;

    let amended = corrected(&rows, "UBND huyện A Lưới", AMENDING, |row| {
        row.rate = "81.97".into();
    });
    assert_eq!(
        histories(&server).await["UBND huyện A Lưới"],
        [
            version(1, row_named(&rows, "UBND huyện A Lưới")),
            version(2, row_named(&amended, "UBND huyện A Lưới"))
        ]
    );
    assert_eq!(
        table(&server, 2020, "DISTRICT", None).await,
        expected_table(&amended, &SCALE_2020)
    );
    assert_eq!(
        table(&server, 2020, "DISTRICT", Some(ORIGINAL)).await,
        original
    );
}

/// Two amendments in a chain: 27 amends 15, which amends 3402. Under 27 a second correction of
/// A Lưới (its converted score only) and a first one of Phú Vang (published by 3402, reachable
/// only through 15) are accepted; `asOf` each decision answers the table as it stood then, in
/// GraphQL and in both export formats. Would catch an `asOf` that follows only one link of the
/// chain (27 would miss 3402's rows or 15's version), a newest-version lookup that ignores the
/// decision, or an export that ignores `asOf`.
async fn a_chain_of_two_amendments_reads_and_exports_as_each_decision_published(
    server: TestServer,
) {
    let editor = token(&server, "editor", Role::Editor).await;
    let rows = published("district");
    let exported_by_3402 = (
        export(&server, "csv", None).await,
        export(&server, "xlsx", None).await,
    );

    readme_amendment(&server, &editor).await;
    let after_15 = corrected(&rows, "UBND huyện A Lưới", AMENDING, |row| {
        row.rate = "81.97".into();
    });
    let exported_by_15 = (
        export(&server, "csv", None).await,
        export(&server, "xlsx", None).await,
    );
    assert_ne!(
        exported_by_15.0, exported_by_3402.0,
        "15 changes the export"
    );

    write(
        &server,
        &editor,
        "publishDecision",
        "decision { number }",
        json!({ "number": SECOND_AMENDMENT, "amends": AMENDING, "issuedOn": "2021-02-01" }),
    )
    .await;
    write(
        &server,
        &editor,
        "amendResults",
        "results { agency { name } }",
        json!({
            "decision": SECOND_AMENDMENT,
            "year": 2020,
            "tier": "DISTRICT",
            "results": [
                { "agency": "UBND huyện A Lưới", "publishedConvertedScore": "81.97" },
                { "agency": "UBND huyện Phú Vang", "publishedLevel": "II" },
            ],
        }),
    )
    .await;
    let after_27 = corrected(
        &after_15,
        "UBND huyện A Lưới",
        SECOND_AMENDMENT,
        |row| {
            row.converted = "81.97".into();
        },
    );
    let after_27 = corrected(
        &after_27,
        "UBND huyện Phú Vang",
        SECOND_AMENDMENT,
        |row| {
            row.level = "II".into();
        },
    );

    let histories = histories(&server).await;
    assert_eq!(
        histories["UBND huyện A Lưới"],
        [
            version(1, row_named(&rows, "UBND huyện A Lưới")),
            version(2, row_named(&after_15, "UBND huyện A Lưới")),
            version(3, row_named(&after_27, "UBND huyện A Lưới")),
        ]
    );
    assert_eq!(
        histories["UBND huyện Phú Vang"],
        [
            version(1, row_named(&rows, "UBND huyện Phú Vang")),
            version(2, row_named(&after_27, "UBND huyện Phú Vang")),
        ]
    );

    let expected: [(Option<&str>, &[Row]); 4] = [
        (None, &after_27),
        (Some(SECOND_AMENDMENT), &after_27),
        (Some(AMENDING), &after_15),
        (Some(ORIGINAL), &rows),
    ];
    for (as_of, rows) in expected {
        assert_eq!(
            table(&server, 2020, "DISTRICT", as_of).await,
            expected_table(rows, &SCALE_2020),
            "as of {as_of:?}"
        );
    }
    for (as_of, exported) in [
        (Some(ORIGINAL), &exported_by_3402),
        (Some(AMENDING), &exported_by_15),
    ] {
        let now: (Vec<u8>, Vec<u8>) = (
            export(&server, "csv", as_of).await,
            export(&server, "xlsx", as_of).await,
        );
        assert_eq!(now.0, exported.0, "CSV as of {as_of:?}");
        assert_eq!(
            xlsx_cells(&now.1),
            xlsx_cells(&exported.1),
            "XLSX as of {as_of:?}"
        );
    }
    assert_ne!(
        export(&server, "csv", None).await,
        exported_by_15.0,
        "27 changes the export"
    );
}

/// Every cell of an XLSX's first sheet as text (the file's bytes hold a creation time).
fn xlsx_cells(bytes: &[u8]) -> Vec<Vec<String>> {
    use calamine::Reader;
    let mut workbook =
        calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an XLSX workbook");
    let sheet = workbook
        .worksheet_range_at(0)
        .expect("a first sheet")
        .expect("a readable sheet");
    sheet
        .rows()
        .map(|row| row.iter().map(|cell| cell.to_string()).collect())
        .collect::<Vec<_>>()
}

on_both_databases!(
    the_readme_partial_amendment_keeps_what_it_leaves_out,
    a_chain_of_two_amendments_reads_and_exports_as_each_decision_published,
);
