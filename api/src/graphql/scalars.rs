//! Scalars and enums shared by the object types, and how counts become `Int`.

use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// An exact decimal, serialized as a string (`"86.17372"`) so no client parses it as a float.
/// As input only strings are accepted: a JSON number would already have passed through a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub rust_decimal::Decimal);

#[Scalar(name = "Decimal")]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => rust_decimal::Decimal::from_str_exact(text.trim())
                .map(Decimal)
                .map_err(|_| InputValueError::custom(format!("`{text}` is not a decimal number"))),
            _ => Err(InputValueError::custom(
                "a Decimal is written as a string, e.g. \"85.36\"",
            )),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

/// An ISO 8601 calendar date, `"2020-12-31"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

#[Scalar(name = "Date")]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| {
                    InputValueError::custom(format!("`{text}` is not a date like 2020-12-31"))
                }),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A count or line number as GraphQL's `Int`, which is 32-bit: beyond `i32::MAX` (never seen in
/// practice) it stays there rather than wrapping.
pub fn saturating_int(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// The administrative tier; each tier is ranked on its own.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::Tier")]
pub enum Tier {
    /// Cơ quan chuyên môn thuộc UBND tỉnh.
    Provincial,
    /// UBND huyện / thị xã / thành phố.
    District,
    /// UBND xã / phường / thị trấn.
    Commune,
    /// Tỉnh, thành phố trực thuộc trung ương, ranked nationally (jurisdiction `viet-nam`).
    Province,
    /// Bộ, cơ quan ngang bộ, ranked nationally.
    Ministry,
}
