//! Reads of what is ranked and how: `jurisdictions`, `indices` and `schemes`.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Object};
use service::catalog::{indices, jurisdictions, schemes, tier_ends};
use service::ranking::read;

use crate::error::ApiResult;
use crate::graphql::catalog::{Coverage, DatedName, Index, Jurisdiction, TierEnd};
use crate::graphql::scalars::Tier;
use crate::graphql::scheme::Scheme;
use crate::graphql::{db, jurisdiction};

/// The catalogue queries.
#[derive(Default)]
pub struct CatalogQuery;

#[Object]
impl CatalogQuery {
    /// Every jurisdiction, by code, with the years it has results for per tier and index.
    async fn jurisdictions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Jurisdiction>> {
        let default = jurisdiction(ctx, None).await.ok().map(|j| j.id);
        let codes = indices::codes(db(ctx)).await?;
        let mut coverage: HashMap<i32, Vec<Coverage>> = HashMap::new();
        for group in read::coverage(db(ctx)).await? {
            coverage
                .entry(group.jurisdiction_id)
                .or_default()
                .push(Coverage {
                    tier: group.tier.into(),
                    index: codes.get(&group.index_id).cloned().unwrap_or_default(),
                    years: group.years,
                });
        }
        let mut names = jurisdictions::names(db(ctx)).await?;
        let ends = tier_ends::list(db(ctx)).await?;
        Ok(jurisdictions::list(db(ctx))
            .await?
            .into_iter()
            .map(|row| Jurisdiction {
                is_default: Some(row.id) == default,
                coverage: coverage.remove(&row.id).unwrap_or_default(),
                names: names
                    .remove(&row.id)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|dated| DatedName {
                        name: dated.name,
                        from_year: dated.from_year,
                    })
                    .collect(),
                tier_ends: ends
                    .iter()
                    .filter(|(id, _)| id.is_none_or(|id| id == row.id))
                    .map(|(_, end)| TierEnd {
                        tier: end.tier.into(),
                        last_year: end.last_year,
                        note: end.note.clone(),
                    })
                    .collect(),
                row,
            })
            .collect())
    }

    /// Every ranking index, by code, sub-indices included (each with its parent).
    async fn indices(&self, ctx: &Context<'_>) -> ApiResult<Vec<Index>> {
        let all = Arc::new(indices::list(db(ctx)).await?);
        Ok(all
            .iter()
            .map(|row| Index {
                row: row.clone(),
                all: all.clone(),
            })
            .collect())
    }

    /// The scoring schemes stored, by jurisdiction, index, tier and first year; narrowed by
    /// any of them.
    async fn schemes(
        &self,
        ctx: &Context<'_>,
        jurisdiction: Option<String>,
        index: Option<String>,
        tier: Option<Tier>,
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
