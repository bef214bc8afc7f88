//! The `YearSummary` type.

use async_graphql::{Context, ID, Object, SimpleObject};
use service::analytics::summary;
use service::ranking::{self as results};
use service::scoring::Exact;

use super::node::{Findable, Identified, group_key, group_of, parts};
use super::result::Level;
use super::scalars::{Decimal, Tier, saturating_int};
use super::snapshots;
use crate::error::ApiResult;

/// How many results reached a level.
#[derive(SimpleObject)]
pub struct LevelCount {
    /// The level.
    pub level: Level,
    /// How many results of the year reached it.
    pub count: i32,
    /// count minus the previous year's count at the same level; null without a previous year
    /// or when its level scale differs.
    pub change: Option<i32>,
}

/// Figures of one year's ranking of one tier, and the previous year's beside them.
pub struct YearSummary(pub summary::YearSummary);

fn rounded(
    value: Option<Exact>,
    decimals: Option<i32>,
    default: u32,
) -> ApiResult<Option<Decimal>> {
    let decimals = results::precision(decimals, default)?;
    Ok(value
        .map(|value| value.rounded(decimals))
        .transpose()?
        .map(Decimal))
}

impl Identified for YearSummary {
    const TYPE: &'static str = "YearSummary";

    fn key(&self) -> String {
        group_key(&self.0.group)
    }
}

impl Findable for YearSummary {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let group = group_of(parts::<4>(key)?)?;
        Ok(snapshots(ctx).year_summary(group).await?.map(YearSummary))
    }
}

/// Rate figures are null when no result of the year has published points; mean and median are
/// rounded by default to two more places than the scheme prints rates with.
#[Object]
impl YearSummary {
    /// An opaque, stable identifier (see `Node`): one year's ranking of one tier and index.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// The evaluation year.
    async fn year(&self) -> i32 {
        self.0.group.year
    }

    /// The tier ranked.
    async fn tier(&self) -> Tier {
        self.0.group.tier.into()
    }

    /// Number of results, ranked or not.
    async fn count(&self) -> i32 {
        saturating_int(self.0.count)
    }

    /// Every level of the year's scale, best first.
    async fn level_counts(&self) -> Vec<LevelCount> {
        self.0
            .level_counts
            .iter()
            .map(|(level, n)| LevelCount {
                level: level.into(),
                count: saturating_int(*n),
                change: self
                    .0
                    .level_count_change(level)
                    .map(|c| i32::try_from(c).unwrap_or(i32::MAX)),
            })
            .collect()
    }

    /// The mean rate (tỷ lệ thực hiện) of the year, in percent; null without published points.
    async fn mean_rate_percent(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        rounded(self.0.mean(), decimals, self.0.scheme.rate_decimals + 2)
    }

    /// The median rate of the year, in percent; null without published points.
    async fn median_rate_percent(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        rounded(self.0.median(), decimals, self.0.scheme.rate_decimals + 2)
    }

    /// The lowest rate of the year, in percent; null without published points.
    async fn min_rate_percent(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        rounded(self.0.min(), decimals, self.0.scheme.rate_decimals)
    }

    /// The highest rate of the year, in percent; null without published points.
    async fn max_rate_percent(
        &self,
        #[graphql(
            desc = "Places to round to, half away from zero, 0 to 28; by default the precision the scheme prints with."
        )]
        decimals: Option<i32>,
    ) -> ApiResult<Option<Decimal>> {
        rounded(self.0.max(), decimals, self.0.scheme.rate_decimals)
    }

    /// The latest earlier year of the same tier that has results, with its own `previous`
    /// (the same object as `yearSummary` of that year gives).
    async fn previous(&self, ctx: &Context<'_>) -> ApiResult<Option<YearSummary>> {
        match self.0.previous.as_deref() {
            // Boxed: the snapshot lookup's future (about 4 KB) would otherwise set the size of
            // every field's future of every summary (see `Agency::series`).
            Some(previous) => Box::pin(YearSummary::find(ctx, &group_key(&previous.group))).await,
            None => Ok(None),
        }
    }
}
