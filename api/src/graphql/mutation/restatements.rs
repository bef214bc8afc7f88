//! `restateRanking`: a year's ranking restated over a later year's map, stored beside the
//! ranking as published.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::catalog::GroupKey;
use service::ranking::restate::{self, Restated};

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::live::{ChangeAction, Changes, ResultsChange};
use crate::graphql::scalars::{Tier, saturating_int};
use crate::graphql::scheme::RestateRule;
use crate::graphql::{db, scope};

/// A ranking to restate over a later year's map.
#[derive(InputObject)]
pub struct RestateRankingInput {
    /// The year of the ranking restated, e.g. 2024.
    pub year: i32,
    /// Its tier.
    pub tier: Tier,
    /// Its index by code; `cqdt-results` when left out.
    pub index: Option<String>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
    /// The later year whose map the ranking is restated over, e.g. 2025: its units, found by
    /// following lineage forward from `year`.
    pub over: i32,
    /// Derive and report, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// A restated ranking: read it with `ranking(year:, restatedOver:)`.
#[derive(SimpleObject)]
pub struct Restatement {
    /// The year of the ranking restated.
    pub year: i32,
    /// Its tier.
    pub tier: Tier,
    /// Its index by code.
    pub index: String,
    /// The later year whose map it was ranked over.
    pub restated_over: i32,
    /// The rule the scheme names, by which each unit's value follows from its predecessors'.
    pub rule: RestateRule,
    /// How many results the restated ranking holds.
    pub results: i32,
    /// Units of the later map left out because none of their predecessors has a result in
    /// the year, by name.
    pub left_out: Vec<String>,
    /// Whether nothing was written (a dry run).
    pub dry_run: bool,
}

/// What `restateRanking` did.
#[derive(SimpleObject, Default)]
pub struct RestateRankingPayload {
    /// The restatement; null when refused.
    pub restatement: Option<Restatement>,
    /// Why the write was refused (a scheme without a restate rule, no results in the year, a
    /// map not later than the year); empty when the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(RestateRankingPayload);

/// The restatement mutation.
#[derive(Default)]
pub struct RestatementsMutation;

#[Object]
impl RestatementsMutation {
    /// Restates a year's ranking over a later year's map (editor): each unit of that map gets
    /// values derived from its predecessors' results by the rule the scheme names (`MEAN`,
    /// `SUM`, `MAX`), ranked exactly, and stored as a ranking of its own beside the published
    /// one (`ranking(restatedOver:)`); done again, it replaces the derived values and keeps any
    /// published restatement's. `dryRun` reports without writing.
    async fn restate_ranking(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to restate; see the input type.")] input: RestateRankingInput,
    ) -> ApiResult<RestateRankingPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let outcome = async {
            let scope = scope(ctx, input.jurisdiction, input.index).await?;
            let group = GroupKey {
                restated_over: Some(input.over),
                ..scope.group(input.year, input.tier.into())
            };
            let restated = restate::restate(db(ctx), group, &caller.name, input.dry_run).await?;
            if !input.dry_run {
                let change = ResultsChange {
                    year: Some(input.year),
                    tier: Some(input.tier),
                    index: Some(scope.index.code.clone()),
                    action: ChangeAction::RestateRanking,
                };
                Changes::of(ctx).announce(db(ctx), vec![change]).await;
            }
            Ok((restated, scope.index.code))
        };
        into_payload(
            ctx,
            outcome.await,
            |(restated, index): (Restated, String)| RestateRankingPayload {
                restatement: Some(Restatement {
                    year: restated.group.year,
                    tier: restated.group.tier.into(),
                    index,
                    restated_over: input.over,
                    rule: restated.rule.into(),
                    results: saturating_int(restated.results),
                    left_out: restated.left_out,
                    dry_run: input.dry_run,
                }),
                errors: Vec::new(),
            },
        )
    }
}
