//! Reads of agencies: `agencies` (searchable, paged) and `agency`.

use async_graphql::{Context, Object};
use service::agencies;

use crate::error::ApiResult;
use crate::graphql::agency::Agency;
use crate::graphql::paging::{self, OffsetConnection, connection, page_request};
use crate::graphql::scalars::Tier;
use crate::graphql::{db, snapshots};

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
        #[graphql(desc = "Only this tier (cấp); every tier when left out.")] tier: Option<Tier>,
        #[graphql(
            desc = "Part of a name, ignoring case and diacritics (`nam dong` finds `Nam Đông`), former names included; at most 500 characters."
        )]
        search: Option<String>,
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
    ) -> ApiResult<OffsetConnection<Agency>> {
        let request = page_request(first, after)?;
        let jurisdiction = crate::graphql::jurisdiction(ctx, jurisdiction).await?;
        let filter = agencies::AgencyFilter {
            tier: tier.map(Into::into),
            search,
        };
        let page = agencies::list(db(ctx), &jurisdiction, &filter, request).await?;
        Ok(connection(page, request, Agency::from))
    }

    /// The agency with this code, e.g. `so-cong-thuong`.
    async fn agency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The agency's code, e.g. `so-cong-thuong`.")] code: String,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
    ) -> ApiResult<Option<Agency>> {
        let jurisdiction = crate::graphql::jurisdiction(ctx, jurisdiction).await?;
        Ok(snapshots(ctx)
            .agency(jurisdiction.id, &code)
            .await?
            .map(Agency::from))
    }
}
