//! An exact decimal column that never passes through `f64`.
//!
//! SQLite has no decimal type: SeaORM stores a `Decimal` column there as REAL and reads it back
//! through `f64` (123456789012.12345678 came back as 123456789012.1235), which silently breaks
//! ties between rates. `ExactDecimal` stores the decimal's string form in a TEXT column instead, on
//! SQLite and PostgreSQL alike, so the value read back is the value written, digit for digit,
//! including its scale: a published `90.0` stays `90.0`, a computed value is stored normalized.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::DeriveValueType;

/// A `rust_decimal::Decimal` stored as its exact decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, DeriveValueType)]
#[sea_orm(
    value_type = "String",
    from_str = "ExactDecimal::parse",
    to_str = "ExactDecimal::render"
)]
pub struct ExactDecimal(pub Decimal);

impl ExactDecimal {
    /// Parses the stored text, keeping its scale (`"90.0"` keeps one decimal place).
    pub fn parse(text: &str) -> Result<Self, rust_decimal::Error> {
        Decimal::from_str_exact(text).map(Self)
    }

    /// The text written to the database: the decimal with the scale it carries.
    pub fn render(&self) -> String {
        plain_text(self.0)
    }
}

impl From<Decimal> for ExactDecimal {
    fn from(value: Decimal) -> Self {
        Self(value)
    }
}

impl From<ExactDecimal> for Decimal {
    fn from(value: ExactDecimal) -> Self {
        value.0
    }
}

impl FromStr for ExactDecimal {
    type Err = rust_decimal::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Self::parse(text)
    }
}

impl fmt::Display for ExactDecimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `value` as `Decimal::to_string` writes it (a sign, the digits, a dot before the last `scale`
/// of them), without going through `fmt`: a computed ranking page answers two decimals a row
/// and an import stores several, and the formatting machinery cost about 600 instructions
/// each, 6 % of the page (BENCHMARKS.md). Mantissas beyond 64 bits, which no published score
/// has, use `to_string`.
pub fn plain_text(value: Decimal) -> String {
    let Ok(mut rest) = u64::try_from(value.mantissa().unsigned_abs()) else {
        return value.to_string();
    };
    // Written from the end: digits, the dot and leading zeros, the sign. 20 digits, 28 places
    // (rust_decimal's most), a zero, a dot and a sign fit.
    let mut text = [0u8; 52];
    let mut start = text.len();
    let mut put = |byte: u8| {
        start -= 1;
        text[start] = byte;
    };
    let scale = value.scale();
    for place in 0.. {
        if place == scale && scale > 0 {
            put(b'.');
        }
        if rest == 0 && place > scale {
            break;
        }
        put(b'0' + (rest % 10) as u8);
        rest /= 10;
    }
    if value.is_sign_negative() {
        put(b'-');
    }
    // ASCII only, so nothing is replaced: one check and one copy.
    String::from_utf8_lossy(&text[start..]).into_owned()
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use rust_decimal::Decimal;

    use super::plain_text;

    proptest! {
        /// Written exactly as `Decimal::to_string` writes it, whatever the mantissa (within 64
        /// bits and beyond), sign (negative zero included) and scale.
        #[test]
        fn plain_text_is_to_string(
            mantissa in prop_oneof![0i128..1_000, any::<i64>().prop_map(i128::from), -(1i128 << 96) + 1..(1i128 << 96)],
            scale in 0u32..=28,
            negative in any::<bool>(),
        ) {
            let mut value = Decimal::from_i128_with_scale(mantissa, scale);
            if negative {
                value.set_sign_negative(true);
            }
            prop_assert_eq!(plain_text(value), value.to_string());
        }
    }

    #[test]
    fn plain_text_of_published_values() {
        for (text, expected) in [
            ("85.36", "85.36"),
            ("0.005", "0.005"),
            ("1000", "1000"),
            ("-0.50", "-0.50"),
            ("0", "0"),
        ] {
            assert_eq!(plain_text(Decimal::from_str_exact(text).unwrap()), expected);
        }
    }
}
