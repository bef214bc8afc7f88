//! The `Decision` type.

use async_graphql::{Context, ID, Object};
use entity::decision;

use super::from_memory::{Answer, Fields, MemoryFields};
use super::loaders::{AmendmentsOf, DecisionId, Loaders};
use super::node::{Findable, Identified, number};
use super::scalars::Date;
use crate::error::ApiResult;

/// A decision (Quyết định) publishing or amending results.
pub struct Decision(pub decision::Model);

impl Identified for Decision {
    const TYPE: &'static str = "Decision";

    fn key(&self) -> String {
        self.0.id.to_string()
    }
}

impl Findable for Decision {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        Ok(loaders
            .load_one(DecisionId(number(key)?))
            .await?
            .map(Decision))
    }
}

/// Its own columns; the decisions it amends or is amended by wait for the loaders.
impl MemoryFields for Decision {
    const FIELDS: Fields = &[
        ("id", Answer::Memory),
        ("number", Answer::Memory),
        ("issuedOn", Answer::Memory),
        ("title", Answer::Memory),
    ];
}

/// A decision (Quyết định) publishing or amending results, e.g. `3402/QĐ-UBND`.
#[Object]
impl Decision {
    /// An opaque, stable identifier (see `Node`); `number` is the readable one.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// As printed, e.g. `3402/QĐ-UBND`.
    async fn number(&self) -> &str {
        &self.0.number
    }

    /// Null where the publication gives no day.
    async fn issued_on(&self) -> Option<Date> {
        self.0.issued_on.map(Date)
    }

    /// The title (trích yếu) as printed; null where not known.
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
