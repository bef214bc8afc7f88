//! `normalized_csv::parse` on arbitrary bytes: see `service_fuzz::checks::normalized_csv`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|content: &[u8]| service_fuzz::checks::normalized_csv(content));
