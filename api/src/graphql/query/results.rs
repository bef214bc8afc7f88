//! Reads of published results: `years`, `ranking` and `discrepancies`.

use async_graphql::{Context, Object};
use service::publication::as_of;
use service::ranking::{discrepancies, read};

use super::default_index;
use crate::error::ApiResult;
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
    ) -> ApiResult<OffsetConnection<ResultNode>> {
        let request = page_request(first, after)?;
        let group = scope(ctx, jurisdiction, index)
            .await?
            .group(year, tier.into());
        let Some(number) = as_of else {
            let page = snapshots(ctx).page(group, request).await?;
            return Ok(connection(page, request, ResultNode::from));
        };
        let page = as_of::ranking(db(ctx), group, &number, request).await?;
        let number: std::sync::Arc<str> = number.into();
        Ok(connection(page, request, |view| {
            ResultNode::as_of(view, number.clone())
        }))
    }

    /// Published values that disagree with a recomputation at the published precision, in
    /// ranking order; every tier when `tier` is omitted.
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
    ) -> ApiResult<Vec<Discrepancy>> {
        let scope = scope(ctx, jurisdiction, index).await?;
        let tiers = match tier {
            Some(tier) => vec![tier.into()],
            None => service::Tier::ALL.to_vec(),
        };
        let mut found = Vec::new();
        for tier in tiers {
            found.extend(
                discrepancies::discrepancies(db(ctx), scope.group(year, tier))
                    .await?
                    .into_iter()
                    .map(Discrepancy::from),
            );
        }
        Ok(found)
    }
}
