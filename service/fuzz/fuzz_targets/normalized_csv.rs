//! `normalized_csv::parse` on arbitrary bytes. Must not panic, and what it reads passes
//! `check_parsed`, with every row's year in 1900..=2200.
#![no_main]

use libfuzzer_sys::fuzz_target;
use service::import::normalized_csv;
use service_fuzz::check_parsed;

fuzz_target!(|content: &[u8]| {
    let parsed = normalized_csv::parse(content);
    check_parsed(&parsed);
    for row in &parsed.rows {
        assert!((1900..=2200).contains(&row.year), "{row:?}");
    }
});
