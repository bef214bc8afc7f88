//! Analytics across years: `compareYears`, `levelTransitions`, `topMovers` and `yearSummary`.

use std::sync::Arc;

use async_graphql::{Context, Object};
use service::analytics;
use service::catalog::GroupKey;

use super::default_index;
use crate::error::{ApiError, ApiResult};
use crate::graphql::from_memory::FromMemory;
use crate::graphql::loaders::MovementsBetween;
use crate::graphql::movement::{LevelTransition, Movement, RankDirection};
use crate::graphql::paging::{self, OffsetConnection, connection, page_request};
use crate::graphql::scalars::Tier;
use crate::graphql::snapshots;
use crate::graphql::summary::YearSummary;

/// The analytics queries.
#[derive(Default)]
pub struct AnalyticsQuery;

// A resolver's parameters are the field's GraphQL arguments, fixed by the API contract.
#[allow(clippy::too_many_arguments)]
#[Object]
impl AnalyticsQuery {
    /// Every agency present in either year, as movements: by the later year's rank, agencies
    /// only in the earlier year last. The years need not be consecutive.
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
    async fn compare_years(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The earlier year compared.")] from: i32,
        #[graphql(desc = "The later year compared.")] to: i32,
        #[graphql(desc = "The administrative tier (cấp) whose ranking is meant.")] tier: Tier,
        #[graphql(
            default_with = "default_index()",
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(desc = "How many items to return: 0 to 100, 100 when left out.")] first: Option<
            i32,
        >,
        #[graphql(
            desc = "A cursor (`pageInfo.endCursor` or an edge's `cursor`): the items after it."
        )]
        after: Option<String>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
        #[graphql(
            desc = "A later year, at most `to`, whose map the earlier year's ranking was restated over (`restateRanking`): compares that restatement instead of the ranking as published. `from: 2024, to: 2025, fromRestatedOver: 2025` pairs every unit of 2025 one to one with its restated 2024 result, merged units included."
        )]
        from_restated_over: Option<i32>,
    ) -> ApiResult<OffsetConnection<FromMemory<Movement>>> {
        let request = page_request(first, after)?;
        let earlier = Earlier {
            year: from,
            restated_over: from_restated_over,
        };
        let (comparison, between) = movements(ctx, earlier, to, tier, index, jurisdiction).await?;
        Ok(connection(
            service::Page::of_slice(&comparison.movements, request),
            request,
            |movement| FromMemory(Movement(movement, between)),
        ))
    }

    /// The level transition matrix between two years: every (from, to) pair of levels, null
    /// standing for new (from) and dropped (to) agencies, with counts and agencies.
    async fn level_transitions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The earlier year compared.")] from: i32,
        #[graphql(desc = "The later year compared.")] to: i32,
        #[graphql(desc = "The administrative tier (cấp) whose ranking is meant.")] tier: Tier,
        #[graphql(
            default_with = "default_index()",
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<LevelTransition>> {
        let (comparison, between) =
            movements(ctx, Earlier::published(from), to, tier, index, jurisdiction).await?;
        let cells = analytics::level_transitions(&comparison.movements);
        Ok(cells
            .into_iter()
            .map(|cell| LevelTransition::of(cell, between))
            .collect())
    }

    /// The biggest rank gains (UP) or losses (DOWN) between two years, ties broken by the rate
    /// change, then by name. `limit` is at most 100.
    async fn top_movers(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The earlier year compared.")] from: i32,
        #[graphql(desc = "The later year compared.")] to: i32,
        #[graphql(desc = "The administrative tier (cấp) whose ranking is meant.")] tier: Tier,
        #[graphql(desc = "`UP` for the biggest rank gains, `DOWN` for the biggest losses.")]
        direction: RankDirection,
        #[graphql(default = 5, desc = "How many movers: 0 to 100.")] limit: i32,
        #[graphql(
            default_with = "default_index()",
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<Movement>> {
        let limit = usize::try_from(limit)
            .ok()
            .filter(|l| *l <= paging::MAX_PAGE_SIZE as usize)
            .ok_or_else(|| {
                ApiError::bad_input(format!(
                    "`limit` must be between 0 and {}, not {limit}",
                    paging::MAX_PAGE_SIZE
                ))
            })?;
        let (comparison, between) =
            movements(ctx, Earlier::published(from), to, tier, index, jurisdiction).await?;
        Ok(
            analytics::top_movers(&comparison.movements, direction.into(), limit)
                .into_iter()
                .map(|movement| Movement(movement, between))
                .collect(),
        )
    }

    /// Level counts and rate statistics of one year's ranking; null when it has no results.
    async fn year_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation year (năm đánh giá), e.g. 2020.")] year: i32,
        #[graphql(desc = "The administrative tier (cấp) whose ranking is meant.")] tier: Tier,
        #[graphql(
            default_with = "default_index()",
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
    ) -> ApiResult<Option<YearSummary>> {
        let scope = crate::graphql::scope(ctx, jurisdiction, index).await?;
        let group = scope.group(year, tier.into());
        Ok(snapshots(ctx).year_summary(group).await?.map(YearSummary))
    }
}

/// The earlier year of a comparison: as published, or restated over a later map.
struct Earlier {
    year: i32,
    restated_over: Option<i32>,
}

impl Earlier {
    /// The year's ranking as published.
    fn published(year: i32) -> Self {
        Self {
            year,
            restated_over: None,
        }
    }
}

/// The movements between two years of a tier, and that comparison.
async fn movements(
    ctx: &Context<'_>,
    from: Earlier,
    to: i32,
    tier: Tier,
    index: Option<String>,
    jurisdiction: Option<String>,
) -> ApiResult<(Arc<analytics::Comparison>, MovementsBetween)> {
    let scope = crate::graphql::scope(ctx, jurisdiction, index).await?;
    let between = MovementsBetween {
        from: GroupKey {
            restated_over: from.restated_over,
            ..scope.group(from.year, tier.into())
        },
        to,
    };
    let comparison = snapshots(ctx).comparison(between.from, to).await?;
    Ok((comparison, between))
}
