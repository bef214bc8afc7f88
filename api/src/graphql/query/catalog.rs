//! Reads of what is ranked and how: `jurisdictions`, `indices` and `schemes`.

use async_graphql::{Context, Object};
use service::catalog::schemes;

use crate::error::ApiResult;
use crate::graphql::catalog::{Index, Jurisdiction, listed};
use crate::graphql::db;
use crate::graphql::scalars::Tier;
use crate::graphql::scheme::Scheme;

/// The catalogue queries.
#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Every jurisdiction, by code, with the years it has results for per tier and index.
    async fn jurisdictions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Jurisdiction>> {
        Ok(listed(ctx).await?)
    }

    /// Every ranking index, by code, sub-indices included (each with its parent).
    async fn indices(&self, ctx: &Context<'_>) -> ApiResult<Vec<Index>> {
        Ok(Index::all(ctx).await?)
    }

    /// The scoring schemes stored, by jurisdiction, index, tier and first year; narrowed by
    /// any of them.
    async fn schemes(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only schemes of this jurisdiction (by code); every jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
        #[graphql(desc = "Only schemes of this index (by code); every index when left out.")] index: Option<String>,
        #[graphql(desc = "Only this tier (cấp); every tier when left out.")] tier: Option<Tier>,
    ) -> ApiResult<Vec<Scheme>> {
        let listed = schemes::list(db(ctx), jurisdiction.as_deref()).await?;
        Ok(listed
            .into_iter()
            .filter(|keyed| index.as_ref().is_none_or(|index| *index == keyed.index))
            .filter(|keyed| tier.is_none_or(|tier| service::Tier::from(tier) == keyed.tier))
            .map(Scheme::from)
            .collect())
    }
}
