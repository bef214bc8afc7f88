//! Reads of agencies: `agencies` (searchable, paged) and `agency`.

use async_graphql::{Context, Object};
use service::agencies;

use crate::error::ApiResult;
use crate::graphql::agency::Agency;
use crate::graphql::db;
use crate::graphql::paging::{self, OffsetConnection, connection, page_request};
use crate::graphql::scalars::Tier;

/// The agency queries.
#[derive(Default)]
pub struct AgenciesQuery;

#[Object]
impl AgenciesQuery {
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
        let jurisdiction = crate::graphql::jurisdiction(ctx, jurisdiction).await?;
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
        let jurisdiction = crate::graphql::jurisdiction(ctx, jurisdiction).await?;
        Ok(agencies::by_code(db(ctx), &jurisdiction, &code)
            .await?
            .map(Agency))
    }
}
