//! `setScoringScheme`.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::schemes;
use service::scope::Scope;

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::db;
use crate::graphql::live::{ChangeAction, Changes, ResultsChange};
use crate::graphql::scalars::{Decimal, Tier};
use crate::graphql::scheme::{ConvertedRule, Scheme};

/// One level of a scale.
#[derive(InputObject)]
pub struct LevelInput {
    /// `I`, `II`, ..., `NOT_ACHIEVED`.
    pub code: String,
    /// As printed: `Mức độ I`, `Chưa đạt`.
    pub name: String,
    /// The lowest rate, in percent, that reaches it.
    pub min_rate_percent: Decimal,
}

#[derive(InputObject)]
pub struct SetScoringSchemeInput {
    /// The first year it governs; it stays in force until a later year's scheme.
    pub year: i32,
    pub tier: Tier,
    pub index: Option<String>,
    pub jurisdiction: Option<String>,
    pub name: String,
    pub converted_rule: ConvertedRule,
    /// Places the rate is printed with.
    pub rate_decimals: i32,
    /// Places the converted score is printed with.
    pub converted_decimals: i32,
    /// Best first, each with a lower minimum than the one before.
    pub levels: Vec<LevelInput>,
}

#[derive(SimpleObject, Default)]
pub struct SetScoringSchemePayload {
    pub scheme: Option<Scheme>,
    pub errors: Vec<MutationError>,
}

refusable!(SetScoringSchemePayload);

/// A number of decimal places, which the schema takes as `Int` and the service as unsigned: a
/// negative one is bad input naming its `field`.
fn decimal_places(value: i32, field: &str) -> service::Result<u32> {
    u32::try_from(value)
        .map_err(|_| service::Error::BadInput(format!("`{field}` cannot be negative")))
}

/// The scoring scheme mutations.
#[derive(Default)]
pub struct SchemesMutation;

#[Object]
impl SchemesMutation {
    /// Stores a scoring scheme (admin), replacing the year's if any, and re-scores every year
    /// it governs in the same transaction.
    async fn set_scoring_scheme(
        &self,
        ctx: &Context<'_>,
        input: SetScoringSchemeInput,
    ) -> ApiResult<SetScoringSchemePayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = async {
            let scope = Scope::resolve(
                db(ctx),
                input.jurisdiction.as_deref(),
                input.index.as_deref(),
            )
            .await?;
            let new = schemes::NewScheme {
                group: scope.group(input.year, input.tier.into()),
                name: input.name,
                converted_rule: input.converted_rule.into(),
                rate_decimals: decimal_places(input.rate_decimals, "rateDecimals")?,
                converted_decimals: decimal_places(input.converted_decimals, "convertedDecimals")?,
                levels: input
                    .levels
                    .into_iter()
                    .map(|level| (level.code, level.name, level.min_rate_percent.0))
                    .collect(),
            };
            let group = new.group;
            let scheme = schemes::set_audited(db(ctx), new, &caller.name).await?;
            let change = ResultsChange {
                year: None,
                tier: Some(group.tier.into()),
                index: Some(scope.index.code.clone()),
                action: ChangeAction::SetScoringScheme,
            };
            Changes::of(ctx).announce(db(ctx), vec![change]).await;
            Ok(scheme)
        };
        into_payload(ctx, outcome.await, |scheme| SetScoringSchemePayload {
            scheme: Some(Scheme(scheme)),
            errors: Vec::new(),
        })
    }
}
