//! The `Scheme` type: how a year's results are scored.

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use service::catalog::schemes::{self, KeyedScheme};
use service::scoring;

use super::db;
use super::node::{Findable, Identified, number};
use super::scalars::{Decimal, Tier};
use crate::error::ApiResult;

/// How the converted score is derived.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::scoring::ConvertedRule")]
pub enum ConvertedRule {
    /// The achieved points themselves (2020, provincial agencies).
    AchievedPoints,
    /// rate x max points (2020, districts).
    RateTimesMaxPoints,
    /// No converted score is published.
    None,
}

/// What a ranking compares.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::scoring::RankBy")]
pub enum RankBy {
    /// The rate achieved / required points, in percent (the CQĐT rankings of 2020).
    Rate,
    /// The achieved points (rankings out of 150 or 1 000 points).
    Points,
    /// A published index value (the national DTI, between 0 and 1).
    Score,
}

/// How a ranking restated over a later map derives a successor's value from its
/// predecessors': for a scheme ranking by score, from their scores; otherwise from their
/// points, column by column (a restated rate is then the summed achieved over the summed
/// required points for `MEAN` and `SUM`).
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::scoring::RestateRule")]
pub enum RestateRule {
    /// The arithmetic mean, exactly (the ministry's DTI of 2024 over the 34 new units).
    Mean,
    /// The sum.
    Sum,
    /// The largest value.
    Max,
}

/// A level of a scheme's scale with its threshold.
#[derive(SimpleObject)]
pub struct SchemeLevel {
    /// `I`, `II`, ..., `NOT_ACHIEVED`, `TOT`: the level's code.
    pub code: String,
    /// As printed: `Mức độ I`, `Chưa đạt`, `Tốt`.
    pub name: String,
    /// 1 is the best.
    pub ordinal: i32,
    /// The lowest value that reaches it, in the unit the scheme ranks by (percent, points or
    /// score); null for a level only ever published (a grade such as "Tốt"), never computed.
    pub minimum: Option<Decimal>,
}

/// The rules a (jurisdiction, index, tier) is scored by from a year on: what is ranked by,
/// levels, converted score, printing precisions.
pub struct Scheme(pub KeyedScheme);

impl From<KeyedScheme> for Scheme {
    fn from(keyed: KeyedScheme) -> Self {
        Self(keyed)
    }
}

impl std::ops::Deref for Scheme {
    type Target = scoring::Scheme;

    fn deref(&self) -> &scoring::Scheme {
        &self.0.scheme
    }
}

impl Identified for Scheme {
    const TYPE: &'static str = "Scheme";

    fn key(&self) -> String {
        self.id.to_string()
    }
}

impl Findable for Scheme {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let id = number(key)?;
        Ok(schemes::list(db(ctx), None)
            .await?
            .into_iter()
            .find(|keyed| keyed.scheme.id == id)
            .map(Scheme))
    }
}

/// A scoring scheme (cách tính điểm, xếp loại): how one jurisdiction's index and tier are
/// ranked from a year on: by rate, points or score, its levels, its converted score and
/// printing precisions.
#[Object]
impl Scheme {
    /// An opaque, stable identifier (see `Node`).
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// The jurisdiction's code.
    async fn jurisdiction(&self) -> &str {
        &self.0.jurisdiction
    }

    /// The index's code.
    async fn index(&self) -> &str {
        &self.0.index
    }

    /// The tier it scores.
    async fn tier(&self) -> Tier {
        self.0.tier.into()
    }

    /// The first year it governs; it stays in force until a later scheme of the same key.
    async fn year(&self) -> i32 {
        self.year
    }

    /// Its name, e.g. `Chỉ số chuyển đổi số (1000 điểm)`.
    async fn name(&self) -> &str {
        &self.name
    }

    /// What the ranking compares.
    async fn rank_by(&self) -> RankBy {
        self.rank_by.into()
    }

    /// The maximum points, where the scheme states it once for tables of totals.
    async fn max_points(&self) -> Option<Decimal> {
        self.max_points.map(Decimal)
    }

    /// How the converted score (số điểm quy đổi) is derived.
    async fn converted_rule(&self) -> ConvertedRule {
        self.converted_rule.into()
    }

    /// Places points are printed with.
    async fn points_decimals(&self) -> u32 {
        self.points_decimals
    }

    /// Places a score is printed with (the DTI: 4).
    async fn score_decimals(&self) -> u32 {
        self.score_decimals
    }

    /// Places the rate is printed with.
    async fn rate_decimals(&self) -> u32 {
        self.rate_decimals
    }

    /// Places the converted score is printed with.
    async fn converted_decimals(&self) -> u32 {
        self.converted_decimals
    }

    /// How its rankings are restated over a later map (`restateRanking`); null: they cannot be.
    async fn restate(&self) -> Option<RestateRule> {
        self.restate.map(Into::into)
    }

    /// Best first.
    async fn levels(&self) -> Vec<SchemeLevel> {
        self.levels
            .iter()
            .map(|level| SchemeLevel {
                code: level.code.clone(),
                name: level.name.clone(),
                ordinal: level.ordinal,
                minimum: level.minimum.map(Decimal),
            })
            .collect()
    }
}
