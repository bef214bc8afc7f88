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
///
/// Published points have a few decimals, so nearly every value fits a fraction of two machine
/// integers; those are computed without allocating (every read of a page rounds its rates
/// again, and every import ranks by them). Only a value whose terms outgrow that falls back to
/// arbitrary precision, with the same results.
#[derive(Clone, Debug)]
pub struct Exact(Repr);

#[derive(Clone, Debug)]
enum Repr {
    /// `numer / denom` in lowest terms, `denom` positive, both at most [`SMALL`] in magnitude:
    /// a product of two of them is checked, never wraps, and never reaches `i128::MIN`.
    Small { numer: i128, denom: i128 },
    /// Anything larger.
    Big(BigRational),
}

/// Largest magnitude of a small fraction's terms.
const SMALL: i128 = 1 << 120;

/// Largest number of decimal places a value can be rounded to: the most a `Decimal` can carry.
pub const MAX_DECIMALS: u32 = 28;

/// Largest printing precision a scheme may state: it leaves a `Decimal` 8 digits before the
/// point, room for any rate, points or score, so every value the scheme prints can be given.
pub const MAX_PRINTED_DECIMALS: u32 = 20;

impl Exact {
    /// The exact value of a decimal.
    pub fn from_decimal(value: Decimal) -> Self {
        // A mantissa has at most 96 bits and 10^28 fits 94: always small.
        Self::small(value.mantissa(), 10i128.pow(value.scale())).unwrap_or_else(|| {
            Self::of_big(BigRational::new(
                BigInt::from(value.mantissa()),
                BigInt::from(10u8).pow(value.scale()),
            ))
        })
    }

    /// `self / divisor`, or `None` when the divisor is zero.
    pub fn checked_div(&self, divisor: &Exact) -> Option<Self> {
        if divisor.is_zero() {
            return None;
        }
        Some(self.combine(
            divisor,
            |(n, d), (m, e)| Self::small(n.checked_mul(e)?, d.checked_mul(m)?),
            |a, b| a / b,
        ))
    }

    /// `self + other`.
    pub fn plus(&self, other: &Exact) -> Self {
        self.combine(
            other,
            |(n, d), (m, e)| {
                Self::small(
                    n.checked_mul(e)?.checked_add(m.checked_mul(d)?)?,
                    d.checked_mul(e)?,
                )
            },
            |a, b| a + b,
        )
    }

    /// `self - other`; may be negative (a change between years).
    pub fn minus(&self, other: &Exact) -> Self {
        self.combine(
            other,
            |(n, d), (m, e)| {
                Self::small(
                    n.checked_mul(e)?.checked_sub(m.checked_mul(d)?)?,
                    d.checked_mul(e)?,
                )
            },
            |a, b| a - b,
        )
    }

    /// `self * factor`.
    pub fn times(&self, factor: &Exact) -> Self {
        self.combine(
            factor,
            |(n, d), (m, e)| Self::small(n.checked_mul(m)?, d.checked_mul(e)?),
            |a, b| a * b,
        )
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
        let integer = match self.0 {
            Repr::Small { numer, denom } => match numer.checked_mul(10i128.pow(decimals)) {
                // Half away from zero: floor(|x| + 1/2) carrying the sign of x.
                Some(scaled) => {
                    let (quotient, remainder) = (scaled.abs() / denom, scaled.abs() % denom);
                    let magnitude = quotient + i128::from(2 * remainder >= denom);
                    numer.signum() * magnitude
                }
                None => round_big(&self.big(), decimals)?,
            },
            Repr::Big(ref value) => round_big(value, decimals)?,
        };
        Decimal::try_from_i128_with_scale(integer, decimals).ok()
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
        let (numer, denom) = match &self.0 {
            Repr::Small { numer, denom } => (*numer, *denom),
            Repr::Big(value) => (value.numer().to_i128()?, value.denom().to_i128()?),
        };
        let numerator = Decimal::try_from_i128_with_scale(numer, 0).ok()?;
        let denominator = Decimal::try_from_i128_with_scale(denom, 0).ok()?;
        numerator
            .checked_div(denominator)
            .map(|value| value.normalize())
    }

    /// `numer / denom` as a small fraction in lowest terms, when its terms fit.
    fn small(numer: i128, denom: i128) -> Option<Self> {
        if denom == 0 {
            return None;
        }
        let divisor = gcd(numer.unsigned_abs(), denom.unsigned_abs());
        // A term of i128::MIN that nothing divides does not fit an i128 as a magnitude: it
        // falls back to arbitrary precision.
        let numer = i128::try_from(numer.unsigned_abs() / divisor).ok()? * numer.signum();
        let denom = i128::try_from(denom.unsigned_abs() / divisor).ok()? * denom.signum();
        let (numer, denom) = if denom < 0 {
            (-numer, -denom)
        } else {
            (numer, denom)
        };
        (numer.abs() <= SMALL && denom <= SMALL).then_some(Self(Repr::Small { numer, denom }))
    }

    /// An arbitrary-precision value, kept small when it fits.
    fn of_big(value: BigRational) -> Self {
        match (value.numer().to_i128(), value.denom().to_i128()) {
            (Some(numer), Some(denom)) if numer.abs() <= SMALL && denom <= SMALL => {
                Self(Repr::Small { numer, denom })
            }
            _ => Self(Repr::Big(value)),
        }
    }

    /// The value in arbitrary precision.
    fn big(&self) -> BigRational {
        match &self.0 {
            Repr::Small { numer, denom } => {
                BigRational::new_raw(BigInt::from(*numer), BigInt::from(*denom))
            }
            Repr::Big(value) => value.clone(),
        }
    }

    fn is_zero(&self) -> bool {
        match &self.0 {
            Repr::Small { numer, .. } => *numer == 0,
            Repr::Big(value) => value.is_zero(),
        }
    }

    /// `small` on two small fractions' terms when both are small and the result fits, else
    /// `big` on both in arbitrary precision.
    fn combine(
        &self,
        other: &Exact,
        small: impl Fn((i128, i128), (i128, i128)) -> Option<Self>,
        big: impl Fn(BigRational, BigRational) -> BigRational,
    ) -> Self {
        if let (Repr::Small { numer: n, denom: d }, Repr::Small { numer: m, denom: e }) =
            (&self.0, &other.0)
            && let Some(value) = small((*n, *d), (*m, *e))
        {
            return value;
        }
        Self::of_big(big(self.big(), other.big()))
    }
}

/// `value` rounded half away from zero to `decimals` places, as an integer of that scale.
fn round_big(value: &BigRational, decimals: u32) -> Option<i128> {
    let scaled = value * BigRational::from_integer(BigInt::from(10u8).pow(decimals));
    let half = BigRational::new(BigInt::from(1u8), BigInt::from(2u8));
    let magnitude = (scaled.abs() + half).floor().to_integer();
    let integer = if scaled.is_negative() {
        -magnitude
    } else {
        magnitude
    };
    integer.to_i128()
}

/// The greatest common divisor (Euclid's); `gcd(0, n)` is `n`.
fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.max(1)
}

impl PartialEq for Exact {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Exact {}

impl PartialOrd for Exact {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Exact {
    /// Exactly: cross-multiplied when the products fit, in arbitrary precision otherwise.
    fn cmp(&self, other: &Self) -> Ordering {
        if let (Repr::Small { numer: n, denom: d }, Repr::Small { numer: m, denom: e }) =
            (&self.0, &other.0)
            && let (Some(left), Some(right)) = (n.checked_mul(*e), m.checked_mul(*d))
        {
            return left.cmp(&right);
        }
        self.big().cmp(&other.big())
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

    /// The same value held in arbitrary precision, as if it had outgrown machine integers.
    fn forced_big(value: &Exact) -> Exact {
        Exact(Repr::Big(value.big()))
    }

    fn decimal() -> impl proptest::strategy::Strategy<Value = Decimal> {
        use proptest::prelude::*;
        (any::<i64>(), 0u32..=28, any::<bool>()).prop_map(|(mantissa, scale, wide)| {
            // Wide mantissas reach the 96 bits a decimal holds.
            let mantissa = if wide {
                i128::from(mantissa) << 32
            } else {
                i128::from(mantissa % 100_000)
            };
            Decimal::from_i128_with_scale(mantissa, scale)
        })
    }

    proptest::proptest! {
        /// Machine-integer fractions and arbitrary precision agree on every operation,
        /// including where the terms outgrow machine integers and fall back.
        #[test]
        fn small_fractions_agree_with_arbitrary_precision(
            a in decimal(), b in decimal(), c in decimal(), decimals in 0u32..=28,
        ) {
            let (a, b, c) = (Exact::from_decimal(a), Exact::from_decimal(b), Exact::from_decimal(c));
            let values = [
                a.plus(&b).times(&c),
                a.minus(&c).checked_div(&b).unwrap_or_else(|| a.clone()),
                a.times(&b).times(&c).times(&a).plus(&c),
            ];
            let bigs = [
                forced_big(&a).plus(&forced_big(&b)).times(&forced_big(&c)),
                forced_big(&a)
                    .minus(&forced_big(&c))
                    .checked_div(&forced_big(&b))
                    .unwrap_or_else(|| a.clone()),
                forced_big(&a)
                    .times(&forced_big(&b))
                    .times(&forced_big(&c))
                    .times(&forced_big(&a))
                    .plus(&forced_big(&c)),
            ];
            for (value, big) in values.iter().zip(&bigs) {
                proptest::prop_assert_eq!(value.big(), big.big());
                proptest::prop_assert_eq!(value, &forced_big(big));
                proptest::prop_assert_eq!(value.round(decimals), round_big(&big.big(), decimals)
                    .and_then(|integer| Decimal::try_from_i128_with_scale(integer, decimals).ok()));
                proptest::prop_assert_eq!(value.approximate(), forced_big(big).approximate());
                for other in &values {
                    proptest::prop_assert_eq!(value.cmp(other), big.big().cmp(&other.big()));
                }
            }
        }
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
