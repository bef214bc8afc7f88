//! What the fuzz targets share: their checks ([`checks`], also replayed by
//! `service/tests/fuzz_regressions.rs`) and letting calamine's panics unwind under libFuzzer.

use std::sync::Once;

pub mod checks;

/// The spreadsheet targets' check ([`checks::spreadsheet`]), with calamine's panics let unwind
/// to the importer's catch first.
pub fn check_spreadsheet(content: &[u8]) {
    let_calamine_panics_unwind();
    checks::spreadsheet(content);
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
