//! Exact rational arithmetic for rates and converted scores.
//!
//! A rate such as 78.53 / 92 has no finite decimal expansion, and two rates that print the same
//! at 28 digits can still differ. Rates are therefore kept as exact fractions, compared exactly
//! (the equivalent of cross-multiplication) and rounded only for display, half away from zero.

use std::cmp::Ordering;

use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{Signed, ToPrimitive, Zero};
use rust_decimal::Decimal;

/// An exact quantity derived from published points: a rate, a score, or a change between years.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Exact(BigRational);

/// Largest number of decimal places a value can be rounded to: the most a `Decimal` can carry.
pub const MAX_DECIMALS: u32 = 28;

/// Largest printing precision a scheme may state: it leaves a `Decimal` 8 digits before the
/// point, room for any rate, points or score, so every value the scheme prints can be given.
pub const MAX_PRINTED_DECIMALS: u32 = 20;

impl Exact {
    /// The exact value of a decimal.
    pub fn from_decimal(value: Decimal) -> Self {
        let numerator = BigInt::from(value.mantissa());
        let denominator = BigInt::from(10u8).pow(value.scale());
        Self(BigRational::new(numerator, denominator))
    }

    /// `self / divisor`, or `None` when the divisor is zero.
    pub fn checked_div(&self, divisor: &Exact) -> Option<Self> {
        (!divisor.0.is_zero()).then(|| Self(&self.0 / &divisor.0))
    }

    /// `self + other`.
    pub fn plus(&self, other: &Exact) -> Self {
        Self(&self.0 + &other.0)
    }

    /// `self - other`; may be negative (a change between years).
    pub fn minus(&self, other: &Exact) -> Self {
        Self(&self.0 - &other.0)
    }

    /// `self * factor`.
    pub fn times(&self, factor: &Exact) -> Self {
        Self(&self.0 * &factor.0)
    }

    /// `self * factor` for a decimal factor.
    pub fn times_decimal(&self, factor: Decimal) -> Self {
        self.times(&Self::from_decimal(factor))
    }

    /// Whether `self >= threshold`, decided exactly.
    pub fn reaches(&self, threshold: Decimal) -> bool {
        self.cmp(&Self::from_decimal(threshold)) != Ordering::Less
    }

    /// Rounds half away from zero to `decimals` places, keeping that scale (`82.4` at 2 places
    /// is `82.40`, as printed). `None` only when the result does not fit a `Decimal`.
    pub fn round(&self, decimals: u32) -> Option<Decimal> {
        if decimals > MAX_DECIMALS {
            return None;
        }
        let unit = BigInt::from(10u8).pow(decimals);
        let scaled = &self.0 * BigRational::from_integer(unit);
        // Half away from zero: floor(|x| + 1/2) carrying the sign of x.
        let half = BigRational::new(BigInt::from(1u8), BigInt::from(2u8));
        let magnitude = (scaled.abs() + half).floor().to_integer();
        let integer = if scaled.is_negative() {
            -magnitude
        } else {
            magnitude
        };
        Decimal::try_from_i128_with_scale(integer.to_i128()?, decimals).ok()
    }

    /// [`Self::round`], or why not: a `Decimal` holds 28 to 29 digits in all, so the more
    /// digits before the point, the fewer after (85.36 takes at most 26 decimals). Reads call
    /// this, so a precision that cannot be given answers an error saying the most that can,
    /// never a silent null.
    pub fn rounded(&self, decimals: u32) -> crate::Result<Decimal> {
        self.round(decimals).ok_or_else(|| {
            let most = (0..decimals.min(MAX_DECIMALS))
                .rev()
                .find(|fewer| self.round(*fewer).is_some());
            crate::Error::BadInput(match most {
                Some(most) => format!(
                    "{} cannot be given to {decimals} decimals (a decimal holds 28 digits in \
                     all): ask for at most {most}",
                    self.round(most).unwrap_or_default().normalize()
                ),
                None => format!("a value is too large to give to {decimals} decimals"),
            })
        })
    }

    /// The value to 28 significant digits, without trailing zeros: what is stored for reference
    /// next to the exact inputs it is recomputed from.
    pub fn approximate(&self) -> Option<Decimal> {
        let numerator = Decimal::from_i128_with_scale(self.0.numer().to_i128()?, 0);
        let denominator = Decimal::from_i128_with_scale(self.0.denom().to_i128()?, 0);
        numerator
            .checked_div(denominator)
            .map(|value| value.normalize())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn rate(achieved: &str, required: &str) -> Exact {
        Exact::from_decimal(d(achieved))
            .times_decimal(d("100"))
            .checked_div(&Exact::from_decimal(d(required)))
            .unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero_at_the_requested_scale() {
        assert_eq!(
            Exact::from_decimal(d("83.55"))
                .round(1)
                .unwrap()
                .to_string(),
            "83.6"
        );
        assert_eq!(
            Exact::from_decimal(d("70.01"))
                .round(1)
                .unwrap()
                .to_string(),
            "70.0"
        );
        assert_eq!(
            Exact::from_decimal(d("82.4")).round(2).unwrap().to_string(),
            "82.40"
        );
        assert_eq!(
            Exact::from_decimal(d("-0.5")).round(0).unwrap().to_string(),
            "-1"
        );
        assert_eq!(rate("78.53", "92").round(2).unwrap().to_string(), "85.36");
    }

    #[test]
    fn equal_fractions_compare_equal_however_they_are_written() {
        assert_eq!(rate("45", "50"), rate("90.00", "100"));
        assert!(rate("89.4", "90") > rate("75", "76"));
    }

    #[test]
    fn distinguishes_rates_that_a_float_would_merge() {
        let a = rate("33.333333333333333", "100");
        let b = rate("33.333333333333334", "100");
        assert!(b > a);
        assert_eq!(
            (a.approximate().unwrap().to_string().parse::<f64>().unwrap()),
            (b.approximate().unwrap().to_string().parse::<f64>().unwrap())
        );
    }

    #[test]
    fn rounding_beyond_a_decimal_is_refused() {
        assert_eq!(Exact::from_decimal(d("1")).round(MAX_DECIMALS + 1), None);
    }

    #[test]
    fn rounding_past_what_a_decimal_holds_says_how_far_it_can_go() {
        let rate = rate("78.53", "92");
        assert_eq!(rate.rounded(26).unwrap().scale(), 26);
        for decimals in [27, 28] {
            let error = rate.rounded(decimals).unwrap_err().to_string();
            assert!(error.contains("at most 26"), "{error}");
        }
        assert!(Exact::from_decimal(d("0.5")).rounded(28).is_ok());
    }
}
