//! `table::number` on arbitrary UTF-8, in both styles. Properties, not just "no panic":
//! - a parsed value is never negative (not even `-0`);
//! - Plain: the value printed with `to_string` parses back, in Plain, to the same value with the
//!   same scale (the importer keeps the scale a number was written with);
//! - Printed: the value printed with `to_string` (a decimal dot, which Printed accepts too) parses
//!   back, in Printed, to the same value;
//! - whatever Plain accepts, Printed accepts as the same value (a dot is accepted in printed
//!   tables too).
#![no_main]

use libfuzzer_sys::fuzz_target;
use service::import::table::{Numbers, number};

fuzz_target!(|text: &str| {
    let plain = number(text, Numbers::Plain);
    let printed = number(text, Numbers::Printed);
    for value in [plain, printed].into_iter().flatten() {
        assert!(
            !value.is_sign_negative(),
            "{text:?} parsed as negative {value}"
        );
    }
    if let Some(value) = plain {
        let shown = value.to_string();
        let again = number(&shown, Numbers::Plain);
        assert_eq!(
            again,
            Some(value),
            "{text:?} -> {shown:?} does not read back"
        );
        assert_eq!(
            again.map(|v| v.scale()),
            Some(value.scale()),
            "{text:?} -> {shown:?} loses its scale"
        );
        assert_eq!(
            printed,
            Some(value),
            "{text:?}: Printed disagrees with Plain"
        );
    }
    if let Some(value) = printed {
        let shown = value.to_string();
        assert_eq!(
            number(&shown, Numbers::Printed),
            Some(value),
            "{text:?} -> {shown:?} does not read back as printed"
        );
    }
});
