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
        self.0.to_string()
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
