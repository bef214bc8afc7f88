//! Reads of decisions: `decisions`.

use async_graphql::{Context, Object};
use service::decisions;

use crate::error::ApiResult;
use crate::graphql::db;
use crate::graphql::decision::Decision;

/// The decision queries.
#[derive(Default)]
pub struct DecisionsQuery;

#[Object]
impl DecisionsQuery {
    /// Decisions, oldest first; with `year`, those that published results of that year.
    async fn decisions(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Only decisions that published results of this year; every decision when left out."
        )]
        year: Option<i32>,
        #[graphql(
            desc = "The jurisdiction by code (`thua-thien-hue`, `viet-nam`); the server's default jurisdiction when left out."
        )]
        jurisdiction: Option<String>,
    ) -> ApiResult<Vec<Decision>> {
        let jurisdiction = crate::graphql::jurisdiction(ctx, jurisdiction).await?;
        Ok(decisions::list(db(ctx), &jurisdiction, year)
            .await?
            .into_iter()
            .map(Decision)
            .collect())
    }
}
