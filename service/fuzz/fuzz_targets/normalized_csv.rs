//! `normalized_csv::parse` on arbitrary bytes. Must not panic, and:
//! - every error names a line >= 1 (the header is line 1), and every row read a line >= 2;
//! - every row read has a year in 1900..=2200, an agency, no negative number, a rank from 1.
#![no_main]

use libfuzzer_sys::fuzz_target;
use service::import::normalized_csv;

fuzz_target!(|content: &[u8]| {
    let parsed = normalized_csv::parse(content);
    for error in &parsed.errors {
        assert!(error.line >= 1, "error at line 0: {error:?}");
    }
    for row in &parsed.rows {
        assert!(row.line >= 2, "a row on the header's line: {row:?}");
        assert!((1900..=2200).contains(&row.year), "{row:?}");
        assert!(!row.agency.trim().is_empty(), "row without agency: {row:?}");
        let numbers = [
            row.max_points,
            row.excluded_points,
            row.required_points,
            row.achieved_points,
            row.published_rate_percent,
            row.published_converted_score,
        ];
        for value in numbers.into_iter().flatten() {
            assert!(!value.is_sign_negative(), "negative number in {row:?}");
        }
        assert!(row.published_rank.is_none_or(|rank| rank >= 1));
    }
});
