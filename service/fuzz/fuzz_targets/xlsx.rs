//! `xlsx::first_sheet_as_csv` on arbitrary bytes (XLSX, XLS, ODS all go through calamine's
//! auto-detection). Must not panic (calamine's own panics are caught by the function, see
//! below); a sheet it converts is then read by both table parsers, as
//! `import::import_table` does, which must not panic either and report lines >= 1.
#![no_main]

use std::sync::Once;

use libfuzzer_sys::fuzz_target;
use service::Tier;
use service::import::{normalized_csv, published_table, xlsx};

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

fuzz_target!(|content: &[u8]| {
    let_calamine_panics_unwind();
    let Ok(csv) = xlsx::first_sheet_as_csv(content) else {
        return;
    };
    let published = published_table::parse(&csv, 2020, Tier::District);
    let normalized = normalized_csv::parse(&csv);
    for error in published.errors.iter().chain(&normalized.errors) {
        assert!(error.line >= 1, "error at line 0: {error:?}");
    }
});
