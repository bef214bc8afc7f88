//! `setScoringScheme`: the fields of a scheme file's `[[scheme]]` table, as GraphQL input.

use async_graphql::{Context, InputObject, Object, SimpleObject};
use service::access::Role as ServiceRole;
use service::catalog::schemes::{KeyedScheme, LevelSpec, NewScheme, Rules};
use service::ranking::rules;

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::live::{ChangeAction, Changes, ResultsChange};
use crate::graphql::scalars::{Decimal, Tier};
use crate::graphql::scheme::{ConvertedRule, RankBy, RestateRule, Scheme};
use crate::graphql::{db, scope};

/// One level of a scale, best first.
#[derive(InputObject)]
pub struct LevelInput {
    /// `I`, `II`, ..., `NOT_ACHIEVED`, `TOT`: capital letters, digits and `_`.
    pub code: String,
    /// As printed: `Mức độ I`, `Chưa đạt`, `Tốt`. Printed labels are matched against it.
    pub name: String,
    /// The lowest value that reaches it, in the unit the scheme ranks by (percent, points or
    /// score). Left out: the level is only ever published, never computed.
    pub minimum: Option<Decimal>,
    /// The former name of `minimum`, for schemes ranking by rate.
    #[graphql(deprecation = "use `minimum`")]
    pub min_rate_percent: Option<Decimal>,
}

/// A scoring scheme to store (replacing one of the same jurisdiction, index, tier and year);
/// the years it governs are re-scored.
#[derive(InputObject)]
pub struct SetScoringSchemeInput {
    /// The first year it governs; it stays in force until a later year's scheme.
    pub year: i32,
    /// The tier it scores.
    pub tier: Tier,
    /// The index by code; `cqdt-results` when left out.
    pub index: Option<String>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
    /// Its name, e.g. `Chỉ số chuyển đổi số (1000 điểm)`.
    pub name: String,
    /// What the ranking compares (default `RATE`).
    #[graphql(default_with = "RankBy::Rate")]
    pub rank_by: RankBy,
    /// The maximum points, for tables that print only totals.
    pub max_points: Option<Decimal>,
    /// How the converted score (số điểm quy đổi) is derived.
    pub converted_rule: ConvertedRule,
    /// Places the rate is printed with.
    #[graphql(default = 2)]
    pub rate_decimals: i32,
    /// Places the converted score is printed with.
    #[graphql(default = 2)]
    pub converted_decimals: i32,
    /// Places points are printed with.
    #[graphql(default = 2)]
    pub points_decimals: i32,
    /// Places a score is printed with.
    #[graphql(default = 4)]
    pub score_decimals: i32,
    /// How its rankings are restated over a later map (`restateRanking`); left out: they
    /// cannot be.
    pub restate: Option<RestateRule>,
    /// Best first, each with a lower minimum than the one before; may be empty.
    #[graphql(default)]
    pub levels: Vec<LevelInput>,
}

impl SetScoringSchemeInput {
    /// The rules the input states.
    fn rules(&self) -> service::Result<Rules> {
        Ok(Rules {
            name: self.name.clone(),
            rank_by: self.rank_by.into(),
            max_points: self.max_points.map(|max| max.0),
            converted_rule: self.converted_rule.into(),
            rate_decimals: decimal_places(self.rate_decimals, "rateDecimals")?,
            converted_decimals: decimal_places(self.converted_decimals, "convertedDecimals")?,
            points_decimals: decimal_places(self.points_decimals, "pointsDecimals")?,
            score_decimals: decimal_places(self.score_decimals, "scoreDecimals")?,
            restate: self.restate.map(Into::into),
            levels: self
                .levels
                .iter()
                .map(|level| LevelSpec {
                    code: level.code.clone(),
                    name: level.name.clone(),
                    minimum: level.minimum.or(level.min_rate_percent).map(|min| min.0),
                })
                .collect(),
        })
    }
}

/// What `setScoringScheme` did.
#[derive(SimpleObject, Default)]
pub struct SetScoringSchemePayload {
    /// The scheme stored; null when refused.
    pub scheme: Option<Scheme>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
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
        #[graphql(desc = "What to write; see the input type.")] input: SetScoringSchemeInput,
    ) -> ApiResult<SetScoringSchemePayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = async {
            let scope = scope(ctx, input.jurisdiction.clone(), input.index.clone()).await?;
            let group = scope.group(input.year, input.tier.into());
            let new = NewScheme {
                group,
                rules: input.rules()?,
            };
            let scheme = rules::set_scheme(db(ctx), new, &caller.name).await?;
            let change = ResultsChange {
                year: None,
                tier: Some(input.tier),
                index: Some(scope.index.code.clone()),
                action: ChangeAction::SetScoringScheme,
            };
            Changes::of(ctx).announce(db(ctx), vec![change]).await;
            Ok(KeyedScheme {
                jurisdiction: scope.jurisdiction.code,
                index: scope.index.code,
                tier: group.tier,
                scheme,
            })
        };
        into_payload(ctx, outcome.await, |scheme| SetScoringSchemePayload {
            scheme: Some(Scheme(scheme)),
            errors: Vec::new(),
        })
    }
}
