//! `table::number` on arbitrary UTF-8, in both styles, and on a text of the accepted grammar made
//! from each input: see `service_fuzz::checks::number` for the properties, among them agreement
//! with a model that reads the digits without a decimal parser.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| service_fuzz::checks::number(text));
