//! `addJurisdiction`, `renameJurisdiction` and `addIndex`: onboarding another province, the
//! national ranking or another index without touching code.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::catalog::indices::{self, NewIndex};
use service::catalog::jurisdictions::{self, NewJurisdiction};
use service::catalog::tier_ends::{self, TierEnd};

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::catalog::{Index, Jurisdiction, JurisdictionKind};
use crate::graphql::db;
use crate::graphql::scalars::Tier;

/// A jurisdiction to add.
#[derive(InputObject)]
pub struct AddJurisdictionInput {
    /// Lower-case letters, digits and hyphens: `ha-giang`.
    pub code: String,
    /// Its name, e.g. `Tỉnh Hà Giang`.
    pub name: String,
    /// A province (the default) or the nation.
    #[graphql(default_with = "JurisdictionKind::Province")]
    pub kind: JurisdictionKind,
}

/// A new name for a jurisdiction.
#[derive(InputObject)]
pub struct RenameJurisdictionInput {
    /// The jurisdiction by code; the code stays.
    pub code: String,
    /// The new name; the code stays.
    pub name: String,
    /// The first year of the new name; the former name stays for the years before ("Tỉnh
    /// Thừa Thiên Huế" up to 2024, "Thành phố Huế" from 2025). Left out: a correction.
    pub from_year: Option<i32>,
}

/// A jurisdiction merged into another (the 2025 reorganisation).
#[derive(InputObject)]
pub struct MergeJurisdictionInput {
    /// The jurisdiction merged (`ha-giang`).
    pub code: String,
    /// The one it merged into (`tuyen-quang`).
    pub into: String,
    /// The first year the successor ranks what the predecessor ranked.
    pub year: i32,
    /// Why, e.g. the resolution (`Nghị quyết 202/2025/QH15`).
    pub note: Option<String>,
}

/// What a jurisdiction mutation did.
#[derive(SimpleObject, Default)]
pub struct JurisdictionPayload {
    /// The jurisdiction as it now is; null when refused.
    pub jurisdiction: Option<Jurisdiction>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

/// A ranking index to add.
#[derive(InputObject)]
pub struct AddIndexInput {
    /// Lower-case letters, digits and hyphens: `dti`, `dti-cqs`.
    pub code: String,
    /// Its name, e.g. `Chỉ số chuyển đổi số`.
    pub name: String,
    /// The code of the index it is a sub-index of.
    pub parent: Option<String>,
    /// As tables print it: `CQS`.
    pub abbreviation: Option<String>,
}

/// The end of a tier (the districts after 2025).
#[derive(InputObject)]
pub struct EndTierInput {
    /// The tier that ends.
    pub tier: Tier,
    /// The last year the tier has results: 2025 for the districts.
    pub last_year: i32,
    /// Where it ends; left out: everywhere.
    pub jurisdiction: Option<String>,
    /// Why, as comparisons will say it.
    pub note: Option<String>,
}

/// What `endTier` did.
#[derive(SimpleObject, Default)]
pub struct EndTierPayload {
    /// Whether the end was recorded.
    pub recorded: bool,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

/// What `addIndex` did.
#[derive(SimpleObject, Default)]
pub struct AddIndexPayload {
    /// The index added; null when refused.
    pub index: Option<Index>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(JurisdictionPayload, AddIndexPayload, EndTierPayload);

/// The catalogue mutations (admin).
#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Adds a jurisdiction (admin): a province ranking its agencies, or the nation.
    async fn add_jurisdiction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: AddJurisdictionInput,
    ) -> ApiResult<JurisdictionPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let new = NewJurisdiction {
            code: input.code,
            name: input.name,
            kind: input.kind.into(),
            synthetic: false,
        };
        let outcome = async {
            let row = jurisdictions::add(db(ctx), new, &caller.name).await?;
            Jurisdiction::by_code(ctx, &row.code).await
        };
        into_payload(ctx, outcome.await, |jurisdiction| JurisdictionPayload {
            jurisdiction: Some(jurisdiction),
            errors: Vec::new(),
        })
    }

    /// Renames a jurisdiction (admin); its code stays.
    async fn rename_jurisdiction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: RenameJurisdictionInput,
    ) -> ApiResult<JurisdictionPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = async {
            let row = jurisdictions::rename(
                db(ctx),
                &input.code,
                &input.name,
                input.from_year,
                &caller.name,
            )
            .await?;
            Jurisdiction::by_code(ctx, &row.code).await
        };
        into_payload(ctx, outcome.await, |jurisdiction| JurisdictionPayload {
            jurisdiction: Some(jurisdiction),
            errors: Vec::new(),
        })
    }

    /// Records that a jurisdiction merged into another from a year on (admin): comparisons of
    /// the successor across that year read the predecessor's rankings too.
    async fn merge_jurisdiction(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: MergeJurisdictionInput,
    ) -> ApiResult<JurisdictionPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = async {
            let merge = (&input.code, &input.into, input.year, input.note.clone());
            jurisdictions::merge(db(ctx), merge.0, merge.1, merge.2, merge.3, &caller.name).await?;
            let row = service::catalog::resolve_jurisdiction(db(ctx), Some(&input.into)).await?;
            Jurisdiction::by_code(ctx, &row.code).await
        };
        into_payload(ctx, outcome.await, |jurisdiction| JurisdictionPayload {
            jurisdiction: Some(jurisdiction),
            errors: Vec::new(),
        })
    }

    /// Records the last year a tier has results (admin), here or everywhere: comparisons into
    /// a later year say why its agencies are gone.
    async fn end_tier(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: EndTierInput,
    ) -> ApiResult<EndTierPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let end = TierEnd {
            tier: input.tier.into(),
            last_year: input.last_year,
            note: input.note,
        };
        let outcome =
            tier_ends::end(db(ctx), input.jurisdiction.as_deref(), &end, &caller.name).await;
        into_payload(ctx, outcome, |()| EndTierPayload {
            recorded: true,
            errors: Vec::new(),
        })
    }

    /// Adds a ranking index (admin), or a sub-index of one.
    async fn add_index(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: AddIndexInput,
    ) -> ApiResult<AddIndexPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let new = NewIndex {
            code: input.code,
            name: input.name,
            parent: input.parent,
            abbreviation: input.abbreviation,
        };
        let outcome = async {
            let row = indices::add(db(ctx), new, &caller.name).await?;
            Ok(Index {
                row,
                all: std::sync::Arc::new(indices::list(db(ctx)).await?),
            })
        };
        into_payload(ctx, outcome.await, |index| AddIndexPayload {
            index: Some(index),
            errors: Vec::new(),
        })
    }
}
