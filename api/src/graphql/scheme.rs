//! The `Scheme` type: how a year's results are scored.

use std::sync::Arc;

use async_graphql::{Enum, Object, SimpleObject};
use service::scoring;

use super::scalars::Decimal;

/// How the converted score is derived.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::scoring::ConvertedRule")]
pub enum ConvertedRule {
    /// The achieved points themselves (2020, provincial agencies).
    AchievedPoints,
    /// rate x max points (2020, districts).
    RateTimesMaxPoints,
}

/// A level of a scheme's scale with its threshold.
#[derive(SimpleObject)]
pub struct SchemeLevel {
    pub code: String,
    pub name: String,
    /// 1 is the best.
    pub ordinal: i32,
    /// The lowest rate, in percent, that reaches it.
    pub min_rate_percent: Decimal,
}

/// The rules a (year, tier, index) is scored by: levels, converted score, printing precision.
pub struct Scheme(pub Arc<scoring::Scheme>);

#[Object]
impl Scheme {
    /// The first year it governs.
    async fn year(&self) -> i32 {
        self.0.year
    }

    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn converted_rule(&self) -> ConvertedRule {
        self.0.converted_rule.into()
    }

    /// Places the rate is printed with.
    async fn rate_decimals(&self) -> u32 {
        self.0.rate_decimals
    }

    /// Places the converted score is printed with.
    async fn converted_decimals(&self) -> u32 {
        self.0.converted_decimals
    }

    /// Best first.
    async fn levels(&self) -> Vec<SchemeLevel> {
        self.0
            .levels
            .iter()
            .map(|level| SchemeLevel {
                code: level.code.clone(),
                name: level.name.clone(),
                ordinal: level.ordinal,
                min_rate_percent: Decimal(level.min_rate_percent),
            })
            .collect()
    }
}
