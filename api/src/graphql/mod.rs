//! The GraphQL schema: the query root and how the schema is built.

pub mod objects;
pub mod paging;
pub mod scalars;

use async_graphql::{Context, EmptyMutation, EmptySubscription, Object, Schema};
use sea_orm::DatabaseConnection;
use service::scope::{self, DEFAULT_INDEX, Scope};
use service::{agencies, decisions, results};

use crate::error::ApiResult;
use objects::{Agency, Decision, Discrepancy, ResultNode, YearSummary, db};
use paging::{OffsetConnection, connection, page_request};
use scalars::Tier;

/// The schema served at `/graphql`.
pub type AppSchema = Schema<Query, EmptyMutation, EmptySubscription>;

/// Builds the schema over a database connection. Without a connection it still builds, for
/// printing the SDL.
pub fn build_schema(db: Option<DatabaseConnection>) -> AppSchema {
    let builder = Schema::build(Query, EmptyMutation, EmptySubscription);
    match db {
        Some(db) => builder.data(db).finish(),
        None => builder.finish(),
    }
}

fn default_index() -> Option<String> {
    Some(DEFAULT_INDEX.to_owned())
}

/// Every read. Queries that read results take `jurisdiction` (a province's code), defaulting to
/// the server's default jurisdiction.
pub struct Query;

// A resolver's parameters are the field's GraphQL arguments, fixed by the API contract.
#[allow(clippy::too_many_arguments)]
#[Object]
impl Query {
    /// Years that have results in the index, ascending.
    async fn years(
        &self,
        ctx: &Context<'_>,
        #[graphql(default_with = "default_index()")] index: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<i32>> {
        let scope = Scope::resolve(db(ctx), jurisdiction.as_deref(), index.as_deref()).await?;
        Ok(results::years(db(ctx), &scope).await?)
    }

    /// Agencies in Vietnamese alphabetical order. `search` ignores case and diacritics and also
    /// matches former names: "nam dong" finds "UBND huyện Nam Đông".
    async fn agencies(
        &self,
        ctx: &Context<'_>,
        tier: Option<Tier>,
        search: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<OffsetConnection<Agency>> {
        let request = page_request(first, after)?;
        let jurisdiction = scope::resolve_jurisdiction(db(ctx), jurisdiction.as_deref()).await?;
        let filter = agencies::AgencyFilter {
            tier: tier.map(Into::into),
            search,
        };
        let page = agencies::list(db(ctx), &jurisdiction, &filter, request).await?;
        Ok(connection(page, request, Agency))
    }

    /// The agency with this code, e.g. `so-cong-thuong`.
    async fn agency(
        &self,
        ctx: &Context<'_>,
        code: String,
        jurisdiction: Option<String>,
    ) -> ApiResult<Option<Agency>> {
        let jurisdiction = scope::resolve_jurisdiction(db(ctx), jurisdiction.as_deref()).await?;
        Ok(agencies::by_code(db(ctx), &jurisdiction, &code)
            .await?
            .map(Agency))
    }

    /// One year's ranking of one tier, as published: by rank, ties in Vietnamese alphabetical
    /// order. `first` is at most 100.
    async fn ranking(
        &self,
        ctx: &Context<'_>,
        year: i32,
        tier: Tier,
        #[graphql(default_with = "default_index()")] index: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<OffsetConnection<ResultNode>> {
        let request = page_request(first, after)?;
        let scope = Scope::resolve(db(ctx), jurisdiction.as_deref(), index.as_deref()).await?;
        let page = results::ranking(db(ctx), scope.group(year, tier.into()), request).await?;
        Ok(connection(page, request, ResultNode::from))
    }

    /// Level counts and rate statistics of one year's ranking; null when it has no results.
    async fn year_summary(
        &self,
        ctx: &Context<'_>,
        year: i32,
        tier: Tier,
        #[graphql(default_with = "default_index()")] index: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<Option<YearSummary>> {
        let scope = Scope::resolve(db(ctx), jurisdiction.as_deref(), index.as_deref()).await?;
        Ok(
            results::year_summary(db(ctx), scope.group(year, tier.into()))
                .await?
                .map(YearSummary::from),
        )
    }

    /// Decisions, oldest first; with `year`, those that published results of that year.
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        year: Option<i32>,
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<Decision>> {
        let jurisdiction = scope::resolve_jurisdiction(db(ctx), jurisdiction.as_deref()).await?;
        Ok(decisions::list(db(ctx), &jurisdiction, year)
            .await?
            .into_iter()
            .map(Decision)
            .collect())
    }

    /// Published values that disagree with a recomputation at the published precision, in
    /// ranking order; every tier when `tier` is omitted.
    async fn discrepancies(
        &self,
        ctx: &Context<'_>,
        year: i32,
        tier: Option<Tier>,
        index: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<Discrepancy>> {
        let scope = Scope::resolve(db(ctx), jurisdiction.as_deref(), index.as_deref()).await?;
        let tiers = match tier {
            Some(tier) => vec![tier.into()],
            None => service::Tier::ALL.to_vec(),
        };
        let mut found = Vec::new();
        for tier in tiers {
            found.extend(
                results::discrepancies(db(ctx), scope.group(year, tier))
                    .await?
                    .into_iter()
                    .map(Discrepancy::from),
            );
        }
        Ok(found)
    }
}
