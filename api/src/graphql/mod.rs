//! The GraphQL schema: the query root and how the schema is built.

pub mod access;
pub mod agency;
pub mod decision;
pub mod live;
pub mod loaders;
pub mod movement;
pub mod mutation;
pub mod paging;
pub mod result;
pub mod scalars;
pub mod scheme;
pub mod summary;

use async_graphql::{Context, Object, Schema};
use sea_orm::DatabaseConnection;
use service::scope::{self, DEFAULT_INDEX, Scope};
use service::{access as service_access, agencies, analytics, audit, decisions, results, versions};

use crate::error::{ApiError, ApiResult};
use access::{AuditEntry, Caller, Token, require};
use agency::Agency;
use decision::Decision;
use movement::{LevelTransition, Movement, RankDirection};
use mutation::Mutation;
use paging::{OffsetConnection, connection, page_request};
use result::{Discrepancy, ResultNode};
use scalars::Tier;
use summary::YearSummary;

/// The schema served at `/graphql`.
pub type AppSchema = Schema<Query, Mutation, live::Subscription>;

/// Builds the schema over a database connection, refusing queries beyond `limits` and
/// announcing changes through `changes`. Without a connection it still builds, for printing the
/// SDL. Each request must also carry its own [`loaders::loaders`] and caller (see
/// [`with_loaders`]).
pub fn build_schema(
    db: Option<DatabaseConnection>,
    limits: crate::http::limits::QueryLimits,
    changes: std::sync::Arc<live::Changes>,
) -> AppSchema {
    let builder = Schema::build(Query, Mutation, live::Subscription)
        .extension(limits)
        .data(changes);
    match db {
        Some(db) => builder.data(db).finish(),
        None => builder.finish(),
    }
}

/// The schema's SDL as committed in `api/schema.graphql`, fields (of objects, interfaces and
/// input objects) sorted by name: the query and mutation roots are merged from one object per
/// resource, and the file must not change when a resolver moves between them. Arguments and
/// enum values keep their declared order, which no reorganisation changes and which carries
/// meaning: `year, tier, index, first, after`; `Role` from the least to the most allowed, as
/// its description says.
pub fn sdl(schema: &AppSchema) -> String {
    schema.sdl_with_options(async_graphql::SDLExportOptions::new().sorted_fields())
}

/// Gives a request its caller and the batching loaders it resolves with.
pub fn with_loaders(
    request: async_graphql::Request,
    db: &DatabaseConnection,
    batch_delay: std::time::Duration,
    caller: Caller,
) -> async_graphql::Request {
    request
        .data(loaders::loaders(db.clone(), batch_delay))
        .data(caller)
}

/// The database connection every resolver reads through.
pub fn db<'a>(ctx: &Context<'a>) -> &'a DatabaseConnection {
    ctx.data_unchecked::<DatabaseConnection>()
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
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
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
    /// order. `first` is at most 100. With `asOf` (a decision's number, e.g. `3402/QĐ-UBND`),
    /// the table as that decision published it, before later amendments; by default the latest.
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
    async fn ranking(
        &self,
        ctx: &Context<'_>,
        year: i32,
        tier: Tier,
        #[graphql(default_with = "default_index()")] index: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        jurisdiction: Option<String>,
        as_of: Option<String>,
    ) -> ApiResult<OffsetConnection<ResultNode>> {
        let request = page_request(first, after)?;
        let scope = Scope::resolve(db(ctx), jurisdiction.as_deref(), index.as_deref()).await?;
        let group = scope.group(year, tier.into());
        let page = match as_of {
            Some(number) => versions::ranking_as_of(db(ctx), group, &number, request).await?,
            None => results::ranking(db(ctx), group, request).await?,
        };
        Ok(connection(page, request, ResultNode::from))
    }

    /// Every write, newest first (admin); with `action`, one operation's (`importResults`).
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        action: Option<String>,
    ) -> ApiResult<OffsetConnection<AuditEntry>> {
        require(ctx, service_access::Role::Admin)?;
        let request = page_request(first, after)?;
        let page = audit::list(db(ctx), action.as_deref(), request).await?;
        Ok(connection(page, request, AuditEntry))
    }

    /// Every API token, oldest first, never their secrets (admin).
    async fn tokens(&self, ctx: &Context<'_>) -> ApiResult<Vec<Token>> {
        require(ctx, service_access::Role::Admin)?;
        let tokens = service_access::list_tokens(db(ctx)).await?;
        Ok(tokens.into_iter().map(Token::from).collect())
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
        let group = scope.group(year, tier.into());
        Ok(analytics::summary::year_summary(db(ctx), group)
            .await?
            .map(YearSummary))
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

    /// Every agency present in either year, as movements: by the later year's rank, agencies
    /// only in the earlier year last. The years need not be consecutive.
    #[graphql(complexity = "paging::page_cost(first, child_complexity)")]
    async fn compare_years(
        &self,
        ctx: &Context<'_>,
        from: i32,
        to: i32,
        tier: Tier,
        #[graphql(default_with = "default_index()")] index: Option<String>,
        first: Option<i32>,
        after: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<OffsetConnection<Movement>> {
        let request = page_request(first, after)?;
        let movements = movements(ctx, from, to, tier, index, jurisdiction).await?;
        Ok(connection(
            service::Page::of_all(movements, request),
            request,
            Movement,
        ))
    }

    /// The level transition matrix between two years: every (from, to) pair of levels, null
    /// standing for new (from) and dropped (to) agencies, with counts and agencies.
    async fn level_transitions(
        &self,
        ctx: &Context<'_>,
        from: i32,
        to: i32,
        tier: Tier,
        #[graphql(default_with = "default_index()")] index: Option<String>,
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<LevelTransition>> {
        let movements = movements(ctx, from, to, tier, index, jurisdiction).await?;
        let cells = analytics::level_transitions(&movements);
        Ok(cells
            .into_iter()
            .map(<LevelTransition as From<_>>::from)
            .collect())
    }

    /// The biggest rank gains (UP) or losses (DOWN) between two years, ties broken by the rate
    /// change, then by name. `limit` is at most 100.
    async fn top_movers(
        &self,
        ctx: &Context<'_>,
        from: i32,
        to: i32,
        tier: Tier,
        direction: RankDirection,
        #[graphql(default = 5)] limit: i32,
        #[graphql(default_with = "default_index()")] index: Option<String>,
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
        let movements = movements(ctx, from, to, tier, index, jurisdiction).await?;
        Ok(analytics::top_movers(movements, direction.into(), limit)
            .into_iter()
            .map(Movement)
            .collect())
    }
}

/// The movements between two years of a tier.
async fn movements(
    ctx: &Context<'_>,
    from: i32,
    to: i32,
    tier: Tier,
    index: Option<String>,
    jurisdiction: Option<String>,
) -> ApiResult<Vec<analytics::Movement>> {
    let scope = Scope::resolve(db(ctx), jurisdiction.as_deref(), index.as_deref()).await?;
    Ok(analytics::compare_years(db(ctx), scope.group(from, tier.into()), to).await?)
}
