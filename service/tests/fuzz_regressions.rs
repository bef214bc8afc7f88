//! Inputs the fuzz targets of `service/fuzz` failed on, kept as files under
//! `tests/fuzz-regressions/` (named `TARGET-crash-SHA1`, as libFuzzer wrote them), and the
//! targets' committed seeds (`fuzz/seeds/TARGET/`), fed to the same functions with the same
//! checks as the targets: the module below is the fuzz crate's own `src/checks.rs`.

use std::path::Path;

use service::Tier;
use service::import::TableContext;
use service::import::{published_table, spreadsheet};

#[path = "../fuzz/src/checks.rs"]
mod checks;

/// The files under `folder` (relative to this crate) whose name starts with `prefix`, in name
/// order. Panics when there are none, so a loop over them cannot pass by running zero times.
fn inputs(folder: &str, prefix: &str) -> Vec<(String, Vec<u8>)> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join(folder);
    let mut found: Vec<(String, Vec<u8>)> = std::fs::read_dir(&folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("an entry").path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(prefix))
        })
        .map(|path| {
            let bytes = std::fs::read(&path).expect("an input");
            (path.display().to_string(), bytes)
        })
        .collect();
    found.sort();
    assert!(
        !found.is_empty(),
        "no input `{prefix}*` under {}",
        folder.display()
    );
    found
}

/// The kept crash inputs whose names start with `prefix`.
fn regressions(prefix: &str) -> Vec<(String, Vec<u8>)> {
    inputs("tests/fuzz-regressions", prefix)
}

/// The committed seeds of `target`.
fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    inputs(&format!("fuzz/seeds/{target}"), "")
}

/// Runs `check` on every input, naming the input that fails.
fn replay(inputs: &[(String, Vec<u8>)], check: impl Fn(&[u8])) {
    for (input, bytes) in inputs {
        if let Err(panic) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check(bytes)))
        {
            panic!("{input}: {}", panic_message(&panic));
        }
    }
}

fn panic_message(panic: &Box<dyn std::any::Any + Send>) -> String {
    panic
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| panic.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_default()
}

#[test]
fn published_table_regressions_and_seeds() {
    replay(&regressions("published_table-"), checks::published_table);
    replay(&seeds("published_table"), checks::published_table);
}

#[test]
fn normalized_csv_seeds() {
    replay(&seeds("normalized_csv"), checks::normalized_csv);
}

#[test]
fn number_seeds() {
    replay(&seeds("number"), |bytes| {
        checks::number(std::str::from_utf8(bytes).expect("a UTF-8 seed"))
    });
}

/// The model of the `number` target against values whose reading is known: the texts that
/// rounding, scale or a second separator would get wrong. Would catch a model that accepts
/// what the grammar leaves out, and (through `checks::number`) a parser that loses a scale or
/// reads a comma as a thousands separator.
#[test]
fn the_number_model_reads_the_grammar() {
    use rust_decimal::Decimal;
    use service::import::table::Numbers;
    for (text, style, expected) in [
        ("85.36", Numbers::Plain, Some(Decimal::new(8536, 2))),
        (" 85,36 %", Numbers::Printed, Some(Decimal::new(8536, 2))),
        ("007.50", Numbers::Plain, Some(Decimal::new(750, 2))),
        ("85,36", Numbers::Plain, None),
        ("1.2.3", Numbers::Plain, None),
        ("-1", Numbers::Plain, None),
        ("5.", Numbers::Plain, None),
        (".5", Numbers::Plain, None),
    ] {
        assert_eq!(checks::grammar_value(text, style), expected, "{text:?}");
        checks::number(text);
    }
    for text in ["", "abc", "12345678901234567890123456789012345", "9,99%"] {
        checks::number(text);
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
    replay(&inputs, checks::spreadsheet);
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
