//! `published_table::parse` on arbitrary bytes, for each tier: see
//! `service_fuzz::checks::published_table`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|content: &[u8]| service_fuzz::checks::published_table(content));
