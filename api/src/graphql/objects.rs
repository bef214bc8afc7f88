//! The object types: agencies, results, levels, decisions, discrepancies and summaries.

use std::sync::Arc;

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use entity::{agency, decision};
use sea_orm::DatabaseConnection;
use service::results::{self, ResultView};
use service::scope;
use service::scoring::{Exact, Level as SchemeLevel};

use super::scalars::{Date, Decimal, Tier};
use crate::error::ApiResult;

/// The database connection every resolver reads through.
pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
}

/// A public agency that is scored each year.
pub struct Agency(pub agency::Model);

#[Object]
impl Agency {
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Stable ASCII code derived from the name, e.g. `so-cong-thuong`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The Vietnamese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    async fn tier(&self) -> ApiResult<Tier> {
        let tier: service::Tier = self.0.tier.parse().map_err(|_| {
            service::Error::Corrupt(format!("agency {} has tier `{}`", self.0.id, self.0.tier))
        })?;
        Ok(tier.into())
    }

    /// Every name the agency was published under.
    async fn aliases(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        Ok(service::agencies::aliases(db(ctx), self.0.id).await?)
    }

    /// The agency's results in one index, oldest first.
    async fn results(
        &self,
        ctx: &Context<'_>,
        index: Option<String>,
        from_year: Option<i32>,
        to_year: Option<i32>,
    ) -> ApiResult<Vec<ResultNode>> {
        let index = scope::resolve_index(db(ctx), index.as_deref()).await?;
        let views = results::of_agency(db(ctx), self.0.id, index.id, from_year, to_year).await?;
        Ok(views.into_iter().map(ResultNode::from).collect())
    }

    /// The agency's result of one year.
    async fn result(
        &self,
        ctx: &Context<'_>,
        year: i32,
        index: Option<String>,
    ) -> ApiResult<Option<ResultNode>> {
        let index = scope::resolve_index(db(ctx), index.as_deref()).await?;
        let views =
            results::of_agency(db(ctx), self.0.id, index.id, Some(year), Some(year)).await?;
        Ok(views.into_iter().next().map(ResultNode::from))
    }
}

/// A level of a scheme's scale.
#[derive(SimpleObject, Clone)]
pub struct Level {
    /// `I`, `II`, `III`, `IV`, `NOT_ACHIEVED`, or another scale's codes.
    pub code: String,
    /// As printed: `Mức độ I`, `Chưa đạt`.
    pub name: String,
    /// 1 is the best.
    pub ordinal: i32,
}

impl From<&SchemeLevel> for Level {
    fn from(level: &SchemeLevel) -> Self {
        Self {
            code: level.code.clone(),
            name: level.name.clone(),
            ordinal: level.ordinal,
        }
    }
}

/// The values exactly as the decision printed them; null where not published.
#[derive(SimpleObject)]
pub struct PublishedValues {
    pub rank: Option<i32>,
    pub rate_percent: Option<Decimal>,
    pub converted_score: Option<Decimal>,
    pub level: Option<Level>,
}

/// One agency's result in one ranking of one year: the published points, the values computed
/// from them and the values as published.
pub struct ResultNode(pub Arc<ResultView>);

impl From<ResultView> for ResultNode {
    fn from(view: ResultView) -> Self {
        Self(Arc::new(view))
    }
}

fn decimal(value: Option<entity::ExactDecimal>) -> Option<Decimal> {
    value.map(|value| Decimal(value.0))
}

#[Object(name = "Result")]
impl ResultNode {
    async fn agency(&self) -> Agency {
        Agency(self.0.agency.clone())
    }

    async fn year(&self) -> i32 {
        self.0.row.year
    }

    /// The ranking index code, e.g. `cqdt-results`.
    async fn index(&self) -> &str {
        &self.0.index_code
    }

    /// Điểm tối đa, as published.
    async fn max_points(&self) -> Option<Decimal> {
        decimal(self.0.row.max_points)
    }

    /// Số điểm không đưa vào đánh giá, as published.
    async fn excluded_points(&self) -> Option<Decimal> {
        decimal(self.0.row.excluded_points)
    }

    /// maxPoints - excludedPoints.
    async fn required_points(&self) -> Option<Decimal> {
        decimal(self.0.row.required_points)
    }

    /// Số điểm thực hiện, as published.
    async fn achieved_points(&self) -> Option<Decimal> {
        decimal(self.0.row.achieved_points)
    }

    /// achievedPoints / requiredPoints x 100, rounded half away from zero to `decimals` places
    /// (by default the scheme's printing precision).
    async fn rate_percent(&self, decimals: Option<i32>) -> ApiResult<Option<Decimal>> {
        Ok(self.0.rate_percent(decimals)?.map(Decimal))
    }

    /// The converted score by the scheme's rule, rounded half away from zero to `decimals`
    /// places (by default the scheme's printing precision).
    async fn converted_score(&self, decimals: Option<i32>) -> ApiResult<Option<Decimal>> {
        Ok(self.0.converted_score(decimals)?.map(Decimal))
    }

    /// The level the exact rate reaches under the year's scheme.
    async fn level(&self) -> Option<Level> {
        self.0.level().map(Level::from)
    }

    /// Standard competition rank by exact rate (ties share a rank: 1,1,1,1,1,6); for a result
    /// without points, the published rank.
    async fn rank(&self) -> Option<i32> {
        self.0.row.rank
    }

    /// How many other results share this rank.
    async fn tied_with(&self) -> Option<i32> {
        self.0.row.tied_with
    }

    /// How many results the ranking has.
    async fn group_size(&self) -> i32 {
        self.0.row.group_size
    }

    /// The values as printed by the decision.
    async fn published(&self) -> PublishedValues {
        let row = &self.0.row;
        PublishedValues {
            rank: row.published_rank,
            rate_percent: decimal(row.published_rate_percent),
            converted_score: decimal(row.published_converted_score),
            level: self.0.published_level().map(Level::from),
        }
    }

    /// The decision that published these values.
    async fn decision(&self) -> Option<Decision> {
        self.0.decision.clone().map(Decision)
    }
}

/// A decision (Quyết định) publishing or amending results.
pub struct Decision(pub decision::Model);

#[Object]
impl Decision {
    /// As printed, e.g. `3402/QĐ-UBND`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Null where the publication gives no day.
    async fn issued_on(&self) -> Option<Date> {
        self.0.issued_on.map(Date)
    }

    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// The decision this one amends.
    async fn amends(&self, ctx: &Context<'_>) -> ApiResult<Option<Decision>> {
        match self.0.amends_id {
            Some(id) => Ok(service::decisions::by_id(db(ctx), id).await?.map(Decision)),
            None => Ok(None),
        }
    }

    /// The decisions that amend this one.
    async fn amended_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<Decision>> {
        Ok(service::decisions::amending(db(ctx), self.0.id)
            .await?
            .into_iter()
            .map(Decision)
            .collect())
    }
}

/// A published value that a recomputation from the published points, at the published
/// precision, does not give. Both are shown; neither is overwritten.
#[derive(SimpleObject)]
pub struct Discrepancy {
    pub result: ResultNode,
    /// `rank`, `ratePercent`, `convertedScore` or `level`.
    pub field: String,
    pub published: String,
    pub recomputed: String,
}

impl From<results::Discrepancy> for Discrepancy {
    fn from(found: results::Discrepancy) -> Self {
        Self {
            result: found.result.into(),
            field: found.field.into(),
            published: found.published,
            recomputed: found.recomputed,
        }
    }
}

/// How many results reached a level.
#[derive(SimpleObject)]
pub struct LevelCount {
    pub level: Level,
    pub count: i32,
}

/// Figures of one year's ranking of one tier.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct YearSummary {
    pub year: i32,
    pub tier: Tier,
    /// Number of results, ranked or not.
    pub count: i32,
    /// Every level of the year's scale, best first.
    pub level_counts: Vec<LevelCount>,
    #[graphql(skip)]
    pub summary: results::YearSummary,
}

fn rounded(
    value: Option<Exact>,
    decimals: Option<i32>,
    default: u32,
) -> ApiResult<Option<Decimal>> {
    let decimals = results::precision(decimals, default)?;
    Ok(value.and_then(|value| value.round(decimals)).map(Decimal))
}

/// The rate statistics; null when no result of the year has published points.
#[ComplexObject]
impl YearSummary {
    /// Mean of the exact rates, rounded to `decimals` places (default: the scheme's + 2).
    async fn mean_rate_percent(&self, decimals: Option<i32>) -> ApiResult<Option<Decimal>> {
        rounded(
            self.summary.mean(),
            decimals,
            self.summary.scheme.rate_decimals + 2,
        )
    }

    /// Median of the exact rates, rounded to `decimals` places (default: the scheme's + 2).
    async fn median_rate_percent(&self, decimals: Option<i32>) -> ApiResult<Option<Decimal>> {
        rounded(
            self.summary.median(),
            decimals,
            self.summary.scheme.rate_decimals + 2,
        )
    }

    /// Lowest rate, rounded to `decimals` places (default: the scheme's).
    async fn min_rate_percent(&self, decimals: Option<i32>) -> ApiResult<Option<Decimal>> {
        rounded(
            self.summary.min(),
            decimals,
            self.summary.scheme.rate_decimals,
        )
    }

    /// Highest rate, rounded to `decimals` places (default: the scheme's).
    async fn max_rate_percent(&self, decimals: Option<i32>) -> ApiResult<Option<Decimal>> {
        rounded(
            self.summary.max(),
            decimals,
            self.summary.scheme.rate_decimals,
        )
    }
}

impl From<results::YearSummary> for YearSummary {
    fn from(summary: results::YearSummary) -> Self {
        let count = |n: usize| i32::try_from(n).unwrap_or(i32::MAX);
        Self {
            year: summary.group.year,
            tier: summary.group.tier.into(),
            count: count(summary.count),
            level_counts: summary
                .level_counts
                .iter()
                .map(|(level, n)| LevelCount {
                    level: level.into(),
                    count: count(*n),
                })
                .collect(),
            summary,
        }
    }
}
