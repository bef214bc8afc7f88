//! The `Agency` type.

use std::sync::Arc;

use async_graphql::{Context, ID, Object};
use entity::agency;

use super::db;
use super::from_memory::{Answer, Fields, FromMemory, MemoryFields};
use super::loaders::{AliasesOf, IndexCode, Loaders, SeriesKey};
use super::node::{Findable, Identified, number};
use super::result::ResultNode;
use super::scalars::Tier;
use crate::error::{ApiError, ApiResult};

/// A public agency that is scored each year.
pub struct Agency(pub Arc<agency::Model>);

impl From<agency::Model> for Agency {
    fn from(agency: agency::Model) -> Self {
        Self(Arc::new(agency))
    }
}

impl Identified for Agency {
    const TYPE: &'static str = "Agency";

    fn key(&self) -> String {
        self.0.id.to_string()
    }
}

impl Findable for Agency {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        let id = number(key)?;
        Ok(service::agencies::by_ids(db(ctx), &[id])
            .await?
            .remove(&id)
            .map(Agency::from))
    }
}

/// A public agency that is scored each year (cơ quan, đơn vị): a department, a district or
/// commune people's committee, a province or a ministry.
#[Object]
impl Agency {
    /// An opaque, stable identifier (see `Node`); `code` is the readable one.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// Stable ASCII code derived from the name, e.g. `so-cong-thuong`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The Vietnamese name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// The tier it is ranked in.
    async fn tier(&self) -> ApiResult<Tier> {
        let tier: service::Tier = self.0.tier.parse().map_err(|_| {
            service::Error::Corrupt(format!("agency {} has tier `{}`", self.0.id, self.0.tier))
        })?;
        Ok(tier.into())
    }

    /// Every name the agency was published under.
    async fn aliases(&self, ctx: &Context<'_>) -> ApiResult<Vec<String>> {
        let loaders = ctx.data_unchecked::<Loaders>();
        Ok(loaders
            .load_one(AliasesOf(self.0.id))
            .await?
            .unwrap_or_default())
    }

    /// The agency's results in one index (default `cqdt-results`), oldest first, optionally
    /// within a span of years.
    async fn results(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
        #[graphql(desc = "The first year to include; the earliest when left out.")]
        from_year: Option<i32>,
        #[graphql(desc = "The last year to include; the latest when left out.")] to_year: Option<
            i32,
        >,
    ) -> ApiResult<Vec<FromMemory<ResultNode>>> {
        let series = Box::pin(self.series(ctx, index)).await?;
        Ok(series
            .iter()
            .filter(|view| from_year.is_none_or(|from| view.row.year >= from))
            .filter(|view| to_year.is_none_or(|to| view.row.year <= to))
            .map(|view| FromMemory(ResultNode::from(Arc::clone(view))))
            .collect())
    }

    /// The agency's result of one year.
    async fn result(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The year of the result.")] year: i32,
        #[graphql(
            desc = "The ranking index by code (`cqdt-results`, `dti`, `dti-cqs`, ...); `cqdt-results` when left out."
        )]
        index: Option<String>,
    ) -> ApiResult<Option<ResultNode>> {
        let series = Box::pin(self.series(ctx, index)).await?;
        Ok(series
            .iter()
            .find(|view| view.row.year == year)
            .map(|view| ResultNode::from(Arc::clone(view))))
    }
}

/// Its own columns; `aliases` and the results wait for the loaders or the read model.
impl MemoryFields for Agency {
    const FIELDS: Fields = &[
        ("id", Answer::Memory),
        ("code", Answer::Memory),
        ("name", Answer::Memory),
        ("tier", Answer::Memory),
    ];
}

impl Agency {
    /// The agency's results in an index: from the read model's rankings, or, when it keeps
    /// none, through the batching loaders.
    ///
    /// Its future is large (about 4 KB: the snapshot reads and the loaders), so the fields that
    /// call it box it: the derived `resolve_field` of `Agency` is as large as its largest field,
    /// and every field of every agency resolved (`agency { code name }` on each row of a page)
    /// copies and allocates that much.
    async fn series(
        &self,
        ctx: &Context<'_>,
        index: Option<String>,
    ) -> ApiResult<Arc<Vec<Arc<service::ranking::ResultView>>>> {
        let snapshots = super::snapshots(ctx);
        if snapshots.model.keeps() {
            let index = snapshots.index(index.as_deref()).await?;
            return Ok(Arc::new(snapshots.series(&self.0, index.id).await?));
        }
        let loaders = ctx.data_unchecked::<Loaders>();
        let code = index.unwrap_or_else(|| service::catalog::DEFAULT_INDEX.to_owned());
        let index = loaders
            .load_one(IndexCode(code.clone()))
            .await?
            .ok_or_else(|| {
                ApiError::from(service::Error::NotFound(format!(
                    "no ranking index with code `{code}`"
                )))
            })?;
        let key = SeriesKey {
            agency_id: self.0.id,
            index_id: index.id,
        };
        Ok(loaders.load_one(key).await?.unwrap_or_default())
    }
}
