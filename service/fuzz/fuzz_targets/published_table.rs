//! `published_table::parse` on arbitrary bytes, for each tier. Must not panic, and what it reads
//! passes `check_parsed`, every row of the year and tier given.
#![no_main]

use libfuzzer_sys::fuzz_target;
use service::Tier;
use service::import::TableContext;
use service::import::published_table;
use service_fuzz::check_parsed;

fuzz_target!(|content: &[u8]| {
    for tier in [Tier::Provincial, Tier::District, Tier::Commune] {
        let parsed = published_table::parse(content, &TableContext::at(2020, tier)).expect("year and tier are given");
        check_parsed(&parsed);
        for row in &parsed.rows {
            assert_eq!((row.year, row.tier), (2020, tier));
        }
    }
});
