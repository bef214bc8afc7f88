//! `published_table::parse` on arbitrary bytes, for each tier. Must not panic, and:
//! - every error names a line >= 1 (the header is line 1), and every row read a line >= 2;
//! - every row read is of the year and tier given, has an agency, and no negative number;
#![no_main]

use libfuzzer_sys::fuzz_target;
use service::Tier;
use service::import::published_table;

fuzz_target!(|content: &[u8]| {
    for tier in [Tier::Provincial, Tier::District, Tier::Commune] {
        let parsed = published_table::parse(content, 2020, tier);
        for error in &parsed.errors {
            assert!(error.line >= 1, "error at line 0: {error:?}");
        }
        for row in &parsed.rows {
            assert!(row.line >= 2, "a row on the header's line: {row:?}");
            assert_eq!((row.year, row.tier), (2020, tier));
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
    }
});
