//! What the fuzz targets check, shared: the properties every parsed table must have, and
//! running a spreadsheet through the importer's path with calamine's panics let unwind.

use std::sync::Once;

use service::Tier;
use service::import::TableContext;
use service::import::table::Parsed;
use service::import::{normalized_csv, published_table, spreadsheet};

/// Every error names a line >= 1 (the header is line 1); every row read is on a line >= 2, has
/// an agency, no negative number and a rank from 1.
pub fn check_parsed(parsed: &Parsed) {
    for error in &parsed.errors {
        assert!(error.line >= 1, "error at line 0: {error:?}");
    }
    for row in &parsed.rows {
        assert!(row.line >= 2, "a row on the header's line: {row:?}");
        assert!(!row.agency.trim().is_empty(), "row without agency: {row:?}");
        let values = &row.values;
        let numbers = [
            values.max_points,
            values.excluded_points,
            values.required_points,
            values.achieved_points,
            values.rate_percent,
            values.converted_score,
        ];
        for value in numbers.into_iter().flatten() {
            assert!(!value.is_sign_negative(), "negative number in {row:?}");
        }
        assert!(values.rank.is_none_or(|rank| rank >= 1));
    }
}

/// Converts a spreadsheet's first sheet as an import does and reads the CSV made of it with
/// both table parsers, checking what they read. A file refused as unreadable is fine; a panic
/// outside calamine is not.
pub fn check_spreadsheet(content: &[u8]) {
    let_calamine_panics_unwind();
    let Ok(csv) = spreadsheet::first_sheet_as_csv(content) else {
        return;
    };
    check_parsed(&published_table::parse(&csv, &TableContext::at(2020, Tier::District)).expect("year and tier are given"));
    check_parsed(&normalized_csv::parse(&csv));
}

/// libfuzzer-sys aborts on any panic, before it unwinds. `first_sheet_as_csv` catches calamine's
/// panics (a malformed file is refused as unreadable; see `../tests/fuzz-regressions/xlsx-*`), so
/// those are let unwind to it; any other panic still aborts and is reported.
fn let_calamine_panics_unwind() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let fuzzer_hook = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_calamine = info
                .location()
                .is_some_and(|location| location.file().contains("/calamine-"));
            if !in_calamine {
                fuzzer_hook(info);
            }
        }));
    });
}
