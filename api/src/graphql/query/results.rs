//! Reads of published results: `years`, `ranking` and `discrepancies`.

use async_graphql::{Context, Object};
use service::catalog::GroupKey;
use service::publication::as_of;
use service::ranking::{discrepancies, read};

use super::default_index;
use crate::error::ApiResult;
use crate::graphql::from_memory::FromMemory;
use crate::graphql::paging::{self, OffsetConnection, connection, page_request};
use crate::graphql::result::{Discrepancy, ResultNode};
use crate::graphql::scalars::Tier;
use crate::graphql::{db, scope, snapshots};

/// The result queries.
#[derive(Default)]
pub struct ResultsQuery;

// A resolver's parameters are the field's GraphQL arguments, fixed by the API contract.
#[allow(clippy::too_many_arguments)]
#[Object]
impl ResultsQuery {
    /// Years that have results in the index, ascending; with `tier`, years that tier has
    /// results in (a dashboard opens on the latest).
    async fn years(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            default_with = "default_index()",
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
        #[graphql(desc = "Only this tier (cấp); every tier when left out.")] tier: Option<Tier>,
    ) -> ApiResult<Vec<i32>> {
        let scope = scope(ctx, jurisdiction, index).await?;
        Ok(read::years(db(ctx), &scope, tier.map(Into::into)).await?)
    }

    /// One year's ranking of one tier, as published: by rank, ties in Vietnamese alphabetical
    /// order. `first` is at most 100. With `asOf` (a decision's number, e.g. `3402/QĐ-UBND`),
    /// the table as that decision published it, before later amendments; by default the latest.
    /// With `restatedOver`, the year's ranking restated over a later year's map instead
    /// (`restateRanking`): "2nd of 34" beside the published "5th of 63".
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
    async fn ranking(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation year (năm đánh giá), e.g. 2020.")] year: i32,
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
            desc = "A decision's number, e.g. `3402/QĐ-UBND`: the table as that decision published it, before later amendments; the latest when left out."
        )]
        as_of: Option<String>,
        #[graphql(
            desc = "A later year, e.g. 2025: the year's ranking restated over the map in force that year (its units ranked by values derived from their predecessors'); the ranking as published when left out. Not with `asOf`."
        )]
        restated_over: Option<i32>,
    ) -> ApiResult<OffsetConnection<FromMemory<ResultNode>>> {
        let request = page_request(first, after)?;
        let group = GroupKey {
            restated_over,
            ..scope(ctx, jurisdiction, index)
                .await?
                .group(year, tier.into())
        };
        if restated_over.is_some() && as_of.is_some() {
            return Err(service::Error::BadInput(
                "a restated ranking has no published versions: ask for `restatedOver` or `asOf`, not both"
                    .into(),
            )
            .into());
        }
        let Some(number) = as_of else {
            let page = snapshots(ctx).page(group, request).await?;
            return Ok(connection(page, request, |view| {
                FromMemory(ResultNode::from(view))
            }));
        };
        let page = as_of::ranking(db(ctx), group, &number, request).await?;
        let number: std::sync::Arc<str> = number.into();
        Ok(connection(page, request, |view| {
            FromMemory(ResultNode::as_of(view, number.clone()))
        }))
    }

    /// Published values that disagree with a recomputation at the published precision, in
    /// ranking order; every tier when `tier` is omitted. With `restatedOver`, where a published
    /// restatement disagrees with the one computed from the predecessors (`score` too).
    async fn discrepancies(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The evaluation year (năm đánh giá), e.g. 2020.")] year: i32,
        #[graphql(desc = "Only this tier (cấp); every tier when left out.")] tier: Option<Tier>,
        #[graphql(
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
        #[graphql(
            desc = "A later year, e.g. 2025: the discrepancies of the year's ranking restated over that year's map; of the ranking as published when left out."
        )]
        restated_over: Option<i32>,
    ) -> ApiResult<Vec<Discrepancy>> {
        let scope = scope(ctx, jurisdiction, index).await?;
        let tiers = match tier {
            Some(tier) => vec![tier.into()],
            None => service::Tier::ALL.to_vec(),
        };
        let mut found = Vec::new();
        for tier in tiers {
            found.extend(
                discrepancies::discrepancies(
                    db(ctx),
                    GroupKey {
                        restated_over,
                        ..scope.group(year, tier)
                    },
                )
                .await?
                .into_iter()
                .map(Discrepancy::from),
            );
        }
        Ok(found)
    }
}
