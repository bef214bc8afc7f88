//! `addJurisdiction`, `renameJurisdiction` and `addIndex`: onboarding another province, the
//! national ranking or another index without touching code.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::catalog::indices::{self, NewIndex};
use service::catalog::jurisdictions::{self, NewJurisdiction};

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::catalog::{Index, Jurisdiction, JurisdictionKind};
use crate::graphql::db;

#[derive(InputObject)]
pub struct AddJurisdictionInput {
    /// Lower-case letters, digits and hyphens: `ha-giang`.
    pub code: String,
    pub name: String,
    #[graphql(default_with = "JurisdictionKind::Province")]
    pub kind: JurisdictionKind,
}

#[derive(InputObject)]
pub struct RenameJurisdictionInput {
    pub code: String,
    /// The new name; the code stays.
    pub name: String,
}

#[derive(SimpleObject, Default)]
pub struct JurisdictionPayload {
    pub jurisdiction: Option<Jurisdiction>,
    pub errors: Vec<MutationError>,
}

#[derive(InputObject)]
pub struct AddIndexInput {
    /// Lower-case letters, digits and hyphens: `dti`, `dti-cqs`.
    pub code: String,
    pub name: String,
    /// The code of the index it is a sub-index of.
    pub parent: Option<String>,
    /// As tables print it: `CQS`.
    pub abbreviation: Option<String>,
}

#[derive(SimpleObject, Default)]
pub struct AddIndexPayload {
    pub index: Option<Index>,
    pub errors: Vec<MutationError>,
}

refusable!(JurisdictionPayload, AddIndexPayload);

/// The catalogue mutations (admin).
#[derive(Default)]
pub struct CatalogMutation;

#[Object]
impl CatalogMutation {
    /// Adds a jurisdiction (admin): a province ranking its agencies, or the nation.
    async fn add_jurisdiction(
        &self,
        ctx: &Context<'_>,
        input: AddJurisdictionInput,
    ) -> ApiResult<JurisdictionPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let new = NewJurisdiction {
            code: input.code,
            name: input.name,
            kind: input.kind.into(),
            synthetic: false,
        };
        let outcome = jurisdictions::add(db(ctx), new, &caller.name).await;
        into_payload(ctx, outcome, |row| JurisdictionPayload {
            jurisdiction: Some(Jurisdiction::new(row)),
            errors: Vec::new(),
        })
    }

    /// Renames a jurisdiction (admin); its code stays.
    async fn rename_jurisdiction(
        &self,
        ctx: &Context<'_>,
        input: RenameJurisdictionInput,
    ) -> ApiResult<JurisdictionPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = jurisdictions::rename(db(ctx), &input.code, &input.name, &caller.name).await;
        into_payload(ctx, outcome, |row| JurisdictionPayload {
            jurisdiction: Some(Jurisdiction::new(row)),
            errors: Vec::new(),
        })
    }

    /// Adds a ranking index (admin), or a sub-index of one.
    async fn add_index(
        &self,
        ctx: &Context<'_>,
        input: AddIndexInput,
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
