//! Inputs the fuzz targets of `service/fuzz` failed on, kept as files under
//! `tests/fuzz-regressions/` (named `TARGET-crash-SHA1`, as libFuzzer wrote them) and fed to the
//! same functions with the same checks as the target.

use std::path::Path;

use service::Tier;
use service::import::TableContext;
use service::import::table::Parsed;
use service::import::{normalized_csv, published_table, spreadsheet};

/// The inputs whose file name starts with `prefix`, in name order.
fn regressions(prefix: &str) -> Vec<(String, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz-regressions");
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .expect("the regressions folder")
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix))
        })
        .map(|path| {
            let bytes = std::fs::read(&path).expect("a regression input");
            (path.display().to_string(), bytes)
        })
        .collect();
    found.sort();
    found
}

/// The checks of the fuzz targets `published_table` and `normalized_csv`.
fn check(input: &str, parsed: &Parsed) {
    for error in &parsed.errors {
        assert!(error.line >= 1, "{input}: error at line 0: {error:?}");
    }
    for row in &parsed.rows {
        assert!(
            row.line >= 2,
            "{input}: a row on the header's line: {row:?}"
        );
        assert!(!row.agency.trim().is_empty(), "{input}: {row:?}");
    }
}

#[test]
fn published_table_regressions() {
    let inputs = regressions("published_table-");
    assert!(!inputs.is_empty(), "no published_table regression found");
    for (input, bytes) in &inputs {
        for tier in [Tier::Provincial, Tier::District, Tier::Commune] {
            check(
                input,
                &published_table::parse(bytes, &TableContext::at(2020, tier))
                    .expect("year and tier are given"),
            );
        }
    }
}

#[test]
fn normalized_csv_regressions() {
    for (input, bytes) in &regressions("normalized_csv-") {
        check(input, &normalized_csv::parse(bytes));
    }
}

/// `published_table-crash-29e1b92f...`: a header ended by a lone `\r` (no `\n` in the file).
/// The row after it was reported on line 1, the header's.
#[test]
fn a_row_after_a_header_ended_by_a_lone_carriage_return_is_on_line_2() {
    let (_, bytes) = regressions("published_table-crash-29e1b92fc71766426f926ed3ea50f18dee4488e5")
        .pop()
        .expect("the crash input");
    let parsed = published_table::parse(&bytes, &TableContext::at(2020, Tier::District))
        .expect("year and tier are given");
    let rows: Vec<(usize, &str)> = parsed
        .rows
        .iter()
        .map(|row| (row.line, row.agency.as_str()))
        .collect();
    assert_eq!(rows, [(2, "0STT20")]);
    let errors: Vec<(usize, Option<&str>)> = parsed
        .errors
        .iter()
        .map(|error| (error.line, error.column.as_deref()))
        .collect();
    assert_eq!(errors, [(2, Some("stt"))], "the rank cell is not a number");
}

/// `xlsx-*`: spreadsheets on which calamine panicked (a cell reference of seven letters or more,
/// `GlineStr` or `Cvvvvvvvvv1`, overflows its column number when overflow checks are on, as in
/// debug builds and tests). Refused as unreadable, not a panic; whatever is read is checked.
/// `xlsx-packed-xlsx_sheet-*` is the input of the `xlsx_sheet` target packed as that target packs
/// it.
#[test]
fn xlsx_regressions() {
    let inputs = regressions("xlsx-");
    assert!(inputs.len() >= 2, "no xlsx regression found");
    for (input, bytes) in &inputs {
        match spreadsheet::first_sheet_as_csv(bytes) {
            Ok(csv) => {
                check(
                    input,
                    &published_table::parse(&csv, &TableContext::at(2020, Tier::District))
                        .expect("year and tier are given"),
                );
                check(input, &normalized_csv::parse(&csv));
            }
            Err(error) => assert!(!error.is_empty(), "{input}"),
        }
    }
}

/// `xlsx-slow-unit-f662723e...`: an XLS whose one sheet starts at offset 1 874 of the workbook
/// stream, inside the data of another record, with cells spanning 1 793 rows × 7 431 columns
/// (13.3 M cells, about 425 MB laid out). A scan reading the records one after another never
/// saw them; it is refused before calamine opens the file.
#[test]
fn an_xls_sheet_hidden_inside_another_record_is_measured() {
    let (_, bytes) = regressions("xlsx-slow-unit-f662723efa2c47144a11bf175abccb89a441274a")
        .pop()
        .expect("the slow input");
    let error = spreadsheet::first_sheet_as_csv(&bytes).expect_err("refused");
    assert!(error.contains("span more than"), "{error}");
}
