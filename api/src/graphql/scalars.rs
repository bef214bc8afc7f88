//! Scalars and enums shared by the object types, and how counts become `Int`.
//!
//! Each scalar has a description and `@specifiedBy(url:)`, so that code generators type it
//! (`string` in TypeScript) instead of `unknown`. A value that does not parse is refused with
//! `extensions.code` `BAD_USER_INPUT` and a message saying how to write it.

use async_graphql::{Enum, InputValueError, InputValueResult, Scalar, ScalarType, Value};
use chrono::NaiveDate;

/// A refusal of a scalar's input value, with the code every bad input carries.
fn refused<T: async_graphql::InputType>(message: impl std::fmt::Display) -> InputValueError<T> {
    InputValueError::custom(message).with_extension("code", "BAD_USER_INPUT")
}

/// An exact decimal, serialized as a string (`"86.17372"`) so no client parses it as a float.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Decimal(pub rust_decimal::Decimal);

/// An exact decimal number written as a JSON string in plain notation, with a dot and as many
/// places as it has: `"85.36"`, `"0.6419"`, `"1000"`. A string and not a number because
/// scores are compared and rounded exactly (85.355 rounds to 85.36, never to 85.35), and a
/// JSON number is read as a binary float by most clients, which cannot hold 85.355 or 0.1.
/// As input a JSON number is refused (`BAD_USER_INPUT`): send the digits as a string. At most
/// 28 significant digits.
#[Scalar(
    name = "Decimal",
    specified_by_url = "https://docs.rs/rust_decimal/1/rust_decimal/struct.Decimal.html#method.from_str_exact"
)]
impl ScalarType for Decimal {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => rust_decimal::Decimal::from_str_exact(text.trim())
                .map(Decimal)
                .map_err(|_| {
                    refused(format!(
                        "`{text}` is not a decimal number: write digits with a dot, e.g. \"85.36\""
                    ))
                }),
            Value::Number(number) => Err(refused(format!(
                "a Decimal is sent as a string, e.g. \"{number}\", not as the JSON number \
                 {number}: a number may already have lost digits as a float"
            ))),
            other => Err(refused(format!(
                "a Decimal is sent as a string such as \"85.36\", not {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(entity::exact_decimal::plain_text(self.0))
    }
}

/// An ISO 8601 calendar date, `"2020-12-31"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Date(pub NaiveDate);

/// A calendar date in ISO 8601's extended format (RFC 3339 `full-date`), as a JSON string:
/// `"2020-12-31"`. Used for when a decision was issued (ngày ban hành), which has no time of day.
#[Scalar(
    name = "Date",
    specified_by_url = "https://www.rfc-editor.org/rfc/rfc3339#section-5.6"
)]
impl ScalarType for Date {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => NaiveDate::parse_from_str(text, "%Y-%m-%d")
                .map(Date)
                .map_err(|_| refused(format!("`{text}` is not a date like \"2020-12-31\""))),
            other => Err(refused(format!(
                "a Date is sent as a string such as \"2020-12-31\", not {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.format("%Y-%m-%d").to_string())
    }
}

/// A moment as the server records it: RFC 3339 text in UTC, to the second.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DateTime(pub String);

/// A moment in time as an RFC 3339 string in UTC, to the second: `"2026-11-28T09:15:00Z"`.
/// When the server recorded something (a token, an audit entry, a result's version), not a
/// date a decision printed (that is a `Date`).
#[Scalar(
    name = "DateTime",
    specified_by_url = "https://scalars.graphql.org/andimarek/date-time"
)]
impl ScalarType for DateTime {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                .map(|moment| {
                    DateTime(
                        moment
                            .to_utc()
                            .to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                    )
                })
                .map_err(|_| {
                    refused(format!(
                        "`{text}` is not an RFC 3339 date-time like \"2026-11-28T09:15:00Z\""
                    ))
                }),
            other => Err(refused(format!(
                "a DateTime is sent as a string such as \"2026-11-28T09:15:00Z\", not {other}"
            ))),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.clone())
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
