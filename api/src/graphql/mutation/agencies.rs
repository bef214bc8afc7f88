//! `upsertAgency`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::agencies;

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::agency::Agency;
use crate::graphql::db;
use crate::graphql::scalars::Tier;

/// An agency to create, or to rename or give more names.
#[derive(InputObject)]
pub struct UpsertAgencyInput {
    /// The agency to update; a new agency gets this code, or one made from its name.
    pub code: Option<String>,
    /// Its current name; former names stay as aliases, so old tables still import.
    pub name: String,
    /// The tier it is ranked in.
    pub tier: Tier,
    /// Further names it is published under.
    #[graphql(default)]
    pub aliases: Vec<String>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
}

/// What `upsertAgency` did.
#[derive(SimpleObject, Default)]
pub struct UpsertAgencyPayload {
    /// The agency as it now is; null when refused.
    pub agency: Option<Agency>,
    /// Whether the agency is new.
    pub created: bool,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(UpsertAgencyPayload);

/// The agency mutations.
#[derive(Default)]
pub struct AgenciesMutation;

#[Object]
impl AgenciesMutation {
    /// Creates an agency, or renames / adds names to one (editor).
    async fn upsert_agency(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to write; see the input type.")] input: UpsertAgencyInput,
    ) -> ApiResult<UpsertAgencyPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let agency = agencies::AgencyInput {
            code: input.code,
            name: input.name,
            tier: input.tier.into(),
            aliases: input.aliases,
        };
        let outcome =
            agencies::upsert(db(ctx), input.jurisdiction.as_deref(), agency, &caller.name).await;
        into_payload(ctx, outcome, |(agency, created)| UpsertAgencyPayload {
            agency: Some(Agency::from(agency)),
            created,
            errors: Vec::new(),
        })
    }
}
