//! The `Decision` type.

use async_graphql::{Context, Object};
use entity::decision;

use super::loaders::{AmendmentsOf, DecisionId, Loaders};
use super::scalars::Date;
use crate::error::ApiResult;

/// A decision (Quyết định) publishing or amending results.
pub struct Decision(pub decision::Model);

#[Object]
impl Decision {
    /// As printed, e.g. `3402/QĐ-UBND`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Null where the publication gives no day.
    async fn issued_on(&self) -> Option<Date> {
        self.0.issued_on.map(Date)
    }

    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }

    /// The decision this one amends.
    async fn amends(&self, ctx: &Context<'_>) -> ApiResult<Option<Decision>> {
        let Some(id) = self.0.amends_id else {
            return Ok(None);
        };
        let loaders = ctx.data_unchecked::<Loaders>();
        Ok(loaders.load_one(DecisionId(id)).await?.map(Decision))
    }

    /// The decisions that amend this one.
    async fn amended_by(&self, ctx: &Context<'_>) -> ApiResult<Vec<Decision>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        let amending = loaders.load_one(AmendmentsOf(self.0.id)).await?;
        Ok(amending
            .unwrap_or_default()
            .into_iter()
            .map(Decision)
            .collect())
    }
}
