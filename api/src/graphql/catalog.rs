//! The `Jurisdiction` and `Index` types: who ranks, and what is ranked.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::{Context, Enum, ID, Object, SimpleObject};
use entity::{jurisdiction, ranking_index};
use service::catalog::jurisdictions::{self, JurisdictionKind as ServiceKind};
use service::catalog::{indices, tier_ends};
use service::ranking::read;

use super::db;
use super::node::{Findable, Identified};
use super::scalars::Tier;
use crate::error::ApiResult;

/// What kind of jurisdiction ranks.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::catalog::jurisdictions::JurisdictionKind")]
pub enum JurisdictionKind {
    /// A province or centrally-run city (tỉnh, thành phố trực thuộc trung ương) ranking its
    /// departments, districts and communes.
    Province,
    /// The nation (`viet-nam`): the ministry's rankings of the provinces and ministries.
    Nation,
}

/// The years with results of one tier in one index.
#[derive(SimpleObject, Clone, Debug)]
pub struct Coverage {
    /// The tier ranked.
    pub tier: Tier,
    /// The index's code.
    pub index: String,
    /// Ascending.
    pub years: Vec<i32>,
}

/// A name a jurisdiction bore from a year on.
#[derive(SimpleObject, Clone, Debug)]
pub struct DatedName {
    /// The name as printed from that year on.
    pub name: String,
    /// Null for the name it bore first.
    pub from_year: Option<i32>,
}

/// The last year of a tier: the district tier (cấp huyện) ends with 2025.
#[derive(SimpleObject, Clone, Debug)]
pub struct TierEnd {
    /// The tier that ends.
    pub tier: Tier,
    /// The last year it has results (2025 for the districts).
    pub last_year: i32,
    /// Why, as comparisons say it; null when not recorded.
    pub note: Option<String>,
}

/// A province, centrally-run city or the nation: rankings are within one jurisdiction.
pub struct Jurisdiction {
    pub row: jurisdiction::Model,
    /// Whether queries that name no jurisdiction mean this one.
    pub is_default: bool,
    pub coverage: Vec<Coverage>,
    /// Its names by year, oldest first (one, if never renamed).
    pub names: Vec<DatedName>,
    /// Tiers that end in it (or everywhere).
    pub tier_ends: Vec<TierEnd>,
}

/// Every jurisdiction, by code, with its coverage, names and tier ends.
pub async fn listed(ctx: &Context<'_>) -> service::Result<Vec<Jurisdiction>> {
    let default = super::jurisdiction(ctx, None).await.ok().map(|j| j.id);
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

impl Jurisdiction {
    /// The jurisdiction with this code as `jurisdictions` lists it (after a write, what it
    /// now is).
    pub async fn by_code(ctx: &Context<'_>, code: &str) -> service::Result<Self> {
        listed(ctx)
            .await?
            .into_iter()
            .find(|listed| listed.row.code == code)
            .ok_or_else(|| service::Error::NotFound(format!("no jurisdiction with code `{code}`")))
    }
}

impl Identified for Jurisdiction {
    const TYPE: &'static str = "Jurisdiction";

    fn key(&self) -> String {
        self.row.code.clone()
    }
}

impl Findable for Jurisdiction {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        Ok(listed(ctx)
            .await?
            .into_iter()
            .find(|listed| listed.row.code == key))
    }
}

/// A province or centrally-run city (tỉnh, thành phố trực thuộc trung ương), or the nation:
/// rankings are made within one jurisdiction.
#[Object]
impl Jurisdiction {
    /// An opaque, stable identifier (see `Node`); `code` is the readable one.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// Stable ASCII code, e.g. `thua-thien-hue`, `viet-nam`.
    async fn code(&self) -> &str {
        &self.row.code
    }

    /// The name, e.g. `Thừa Thiên Huế`.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// A province ranking its own agencies, or the nation ranking provinces and ministries.
    async fn kind(&self) -> JurisdictionKind {
        ServiceKind::of(&self.row).into()
    }

    /// Whether queries that name no jurisdiction mean this one.
    async fn is_default(&self) -> bool {
        self.is_default
    }

    /// Generated data for trying and benchmarking (`egov-rank demo-data`), never published.
    async fn synthetic(&self) -> bool {
        self.row.synthetic
    }

    /// The years with results, per tier and index.
    async fn coverage(&self) -> &[Coverage] {
        &self.coverage
    }

    /// Its names by year, oldest first: "Tỉnh Thừa Thiên Huế", then "Thành phố Huế" from 2025.
    async fn names(&self) -> Vec<DatedName> {
        if self.names.is_empty() {
            return vec![DatedName {
                name: self.row.name.clone(),
                from_year: None,
            }];
        }
        self.names.clone()
    }

    /// Tiers that end here or everywhere, with their last year.
    async fn tier_ends(&self) -> &[TierEnd] {
        &self.tier_ends
    }
}

/// A ranking index: `cqdt-results` (Mức độ kết quả CQĐT), the national `dti`, or a sub-index
/// of one (DTI's CQS, KTS and XHS), each ranked on its own.
pub struct Index {
    pub row: ranking_index::Model,
    /// Every index, to name the parent and sub-indices.
    pub all: Arc<Vec<ranking_index::Model>>,
}

impl Index {
    /// Every index, by code.
    pub async fn all(ctx: &Context<'_>) -> service::Result<Vec<Index>> {
        let all = Arc::new(indices::list(db(ctx)).await?);
        Ok(all
            .iter()
            .map(|row| Index {
                row: row.clone(),
                all: all.clone(),
            })
            .collect())
    }

    fn of(&self, row: &ranking_index::Model) -> Index {
        Index {
            row: row.clone(),
            all: self.all.clone(),
        }
    }
}

impl Identified for Index {
    const TYPE: &'static str = "Index";

    fn key(&self) -> String {
        self.row.code.clone()
    }
}

impl Findable for Index {
    async fn find(ctx: &Context<'_>, key: &str) -> ApiResult<Option<Self>> {
        Ok(Index::all(ctx)
            .await?
            .into_iter()
            .find(|index| index.row.code == key))
    }
}

/// A ranking index: `cqdt-results` (Mức độ kết quả CQĐT), the national `dti` (Chỉ số chuyển đổi
/// số), or a sub-index of one (DTI's CQS, KTS and XHS), each ranked on its own.
#[Object]
impl Index {
    /// An opaque, stable identifier (see `Node`); `code` is the readable one.
    pub async fn id(&self) -> ID {
        self.global_id()
    }

    /// Stable code, e.g. `dti`, `dti-cqs`.
    async fn code(&self) -> &str {
        &self.row.code
    }

    /// The name, e.g. `Chỉ số chuyển đổi số`.
    async fn name(&self) -> &str {
        &self.row.name
    }

    /// How tables print it, e.g. `DTI`, `CQS`: headers naming it (`Xếp hạng CQS`) are read as
    /// its columns.
    async fn abbreviation(&self) -> Option<&str> {
        self.row.abbreviation.as_deref()
    }

    /// The index this one is a sub-index of.
    async fn parent(&self) -> Option<Index> {
        let parent = self.row.parent_id?;
        self.all.iter().find(|i| i.id == parent).map(|i| self.of(i))
    }

    /// Its sub-indices, by code.
    async fn sub_indices(&self) -> Vec<Index> {
        self.all
            .iter()
            .filter(|i| i.parent_id == Some(self.row.id))
            .map(|i| self.of(i))
            .collect()
    }
}
