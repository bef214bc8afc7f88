//! Every write. Each mutation takes one input object and returns a payload holding what it
//! changed and `errors`. Access is checked first (`UNAUTHENTICATED` / `FORBIDDEN`, nothing
//! written); a write the service refuses lists every problem in the payload's `errors` and also
//! raises one top-level error with the same code, and writes nothing.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use base64::Engine as _;
use service::access::Role as ServiceRole;
use service::import::{self, ImportOptions, table::ParsedRow};
use service::lineage::{self, NewLineageEvent};
use service::scope::Scope;
use service::scoring::ConvertedRule as ServiceConvertedRule;
use service::{access, agencies, decisions, results, schemes};

use super::access::{Role, Token, require};
use super::agency::Agency;
use super::db;
use super::decision::Decision;
use super::live::{ChangeAction, Changes, ResultsChange};
use super::result::ResultNode;
use super::scalars::{Date, Decimal, Tier};
use super::scheme::{ConvertedRule, Scheme};
use crate::error::{ApiError, ApiResult, is_internal, problems};

/// One reason a write was refused.
#[derive(SimpleObject, Clone, Debug)]
pub struct MutationError {
    /// `BAD_USER_INPUT`, `NOT_FOUND` or `CONFLICT`.
    pub code: String,
    pub message: String,
    /// For a table: the 1-based line of the file (header = 1), or the place in `results`.
    pub line: Option<i32>,
    /// For a table: the column's header as written, or the input field.
    pub column: Option<String>,
}

/// A payload that can say why its write was refused.
trait Refusable: Default {
    fn refused(errors: Vec<MutationError>) -> Self;
}

macro_rules! refusable {
    ($($payload:ty),+) => {$(
        impl Refusable for $payload {
            fn refused(errors: Vec<MutationError>) -> Self {
                Self { errors, ..Self::default() }
            }
        }
    )+};
}

/// Turns a service outcome into a payload: the changed objects, or the refusal's problems in
/// `errors` plus one top-level error carrying the code. Server faults are top-level only.
fn settle<T, P: Refusable>(
    ctx: &Context<'_>,
    outcome: service::Result<T>,
    done: impl FnOnce(T) -> P,
) -> ApiResult<P> {
    match outcome {
        Ok(value) => Ok(done(value)),
        Err(error) if is_internal(&error) => Err(error.into()),
        Err(error) => {
            let errors = problems(&error)
                .into_iter()
                .map(|problem| MutationError {
                    code: problem.code.to_owned(),
                    message: problem.message,
                    line: problem
                        .line
                        .map(|line| i32::try_from(line).unwrap_or(i32::MAX)),
                    column: problem.column,
                })
                .collect();
            let raised: async_graphql::Error = ApiError::from(error).into();
            ctx.add_error(ctx.set_error_path(raised.into_server_error(ctx.item.pos)));
            Ok(P::refused(errors))
        }
    }
}

/// How `content` is written.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum ContentEncoding {
    /// The text of a CSV.
    #[default]
    Text,
    /// Base64 of the file's bytes: a spreadsheet (XLSX, XLS, ODS) or a CSV.
    #[graphql(name = "BASE64")]
    Base64,
}

/// A table to import: the normalized CSV or a table as published.
#[derive(InputObject)]
pub struct ImportResultsInput {
    pub content: String,
    #[graphql(default)]
    pub content_encoding: ContentEncoding,
    /// Year of a table as published (it has no year column).
    pub year: Option<i32>,
    /// Tier of a table as published (it has no tier column).
    pub tier: Option<Tier>,
    /// Index of rows without an index column; `cqdt-results` when omitted.
    pub index: Option<String>,
    /// Decision that published rows without a decision column, e.g. `3402/QĐ-UBND`. A row for
    /// an agency that already has a result is an amendment: its decision must amend the one
    /// that published that result.
    pub decision: Option<String>,
    pub jurisdiction: Option<String>,
    /// Check and report everything, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// A new name that looks like a known agency's.
#[derive(SimpleObject)]
pub struct NearMiss {
    pub line: i32,
    pub name: String,
    /// The known agency it may be; if so, record the name as its alias.
    pub suggestion: String,
}

/// What an import did, or would do on a dry run.
#[derive(SimpleObject)]
pub struct ImportReport {
    pub dry_run: bool,
    pub rows_read: i32,
    pub agencies_matched: i32,
    pub agencies_created: Vec<String>,
    pub near_misses: Vec<NearMiss>,
    /// Agencies (as named in the table) whose result got a new version.
    pub amended: Vec<String>,
    /// The rankings re-scored, e.g. `2020 district cqdt-results`.
    pub rankings: Vec<String>,
}

fn count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

impl From<import::ImportReport> for ImportReport {
    fn from(report: import::ImportReport) -> Self {
        Self {
            dry_run: report.dry_run,
            rows_read: count(report.rows_read),
            agencies_matched: count(report.agencies_matched),
            agencies_created: report.agencies_created,
            near_misses: report
                .near_misses
                .into_iter()
                .map(|(line, name, suggestion)| NearMiss {
                    line: count(line),
                    name,
                    suggestion,
                })
                .collect(),
            amended: report.amended.into_iter().map(|a| a.agency).collect(),
            rankings: report.groups.iter().map(ToString::to_string).collect(),
        }
    }
}

#[derive(SimpleObject, Default)]
pub struct ImportResultsPayload {
    /// Null when the import was refused.
    pub report: Option<ImportReport>,
    pub errors: Vec<MutationError>,
}

/// Corrected values of one published result.
#[derive(InputObject)]
pub struct AmendedResultInput {
    /// The agency's name as published (or a recorded alias).
    pub agency: String,
    pub max_points: Option<Decimal>,
    pub excluded_points: Option<Decimal>,
    pub required_points: Option<Decimal>,
    pub achieved_points: Option<Decimal>,
    pub published_rank: Option<i32>,
    pub published_rate_percent: Option<Decimal>,
    pub published_converted_score: Option<Decimal>,
    /// A level code (`II`) or label (`Mức độ II`, `Chưa đạt`).
    pub published_level: Option<String>,
}

/// Corrections published by an amending decision.
#[derive(InputObject)]
pub struct AmendResultsInput {
    /// The amending decision, recorded with what it amends (`publishDecision`).
    pub decision: String,
    pub year: i32,
    pub tier: Tier,
    pub index: Option<String>,
    pub jurisdiction: Option<String>,
    /// Each corrects a result published by a decision that `decision` amends.
    pub results: Vec<AmendedResultInput>,
    #[graphql(default)]
    pub dry_run: bool,
}

#[derive(SimpleObject, Default)]
pub struct AmendResultsPayload {
    pub report: Option<ImportReport>,
    /// The amended results as they now stand (empty on a dry run).
    pub results: Vec<ResultNode>,
    pub errors: Vec<MutationError>,
}

#[derive(InputObject)]
pub struct PublishDecisionInput {
    /// As printed: `102/QĐ-UBND`. Recording a known number completes it with what is given.
    pub number: String,
    pub issued_on: Option<Date>,
    pub title: Option<String>,
    /// The number of the decision it amends.
    pub amends: Option<String>,
    pub jurisdiction: Option<String>,
}

#[derive(SimpleObject, Default)]
pub struct PublishDecisionPayload {
    pub decision: Option<Decision>,
    pub errors: Vec<MutationError>,
}

#[derive(InputObject)]
pub struct UpsertAgencyInput {
    /// The agency to update; a new agency gets this code, or one made from its name.
    pub code: Option<String>,
    /// Its current name; former names stay as aliases, so old tables still import.
    pub name: String,
    pub tier: Tier,
    /// Further names it is published under.
    #[graphql(default)]
    pub aliases: Vec<String>,
    pub jurisdiction: Option<String>,
}

#[derive(SimpleObject, Default)]
pub struct UpsertAgencyPayload {
    pub agency: Option<Agency>,
    /// Whether the agency is new.
    pub created: bool,
    pub errors: Vec<MutationError>,
}

/// A change in the set of agencies.
#[derive(Enum, Clone, Copy, Debug, PartialEq, Eq)]
#[graphql(remote = "service::lineage::LineageKind")]
pub enum LineageKind {
    /// One agency continues under another name.
    Rename,
    /// Several agencies become one.
    Merge,
    /// One agency becomes several.
    Split,
    /// A new agency with no predecessor.
    Create,
    /// An agency ends with no successor.
    Abolish,
}

#[derive(InputObject)]
pub struct RecordLineageEventInput {
    pub kind: LineageKind,
    /// First year whose results belong to the successors.
    pub year: i32,
    /// Codes of the agencies before the change.
    #[graphql(default)]
    pub predecessors: Vec<String>,
    /// Codes of the agencies after it.
    #[graphql(default)]
    pub successors: Vec<String>,
    /// Number of the decision that made it (recorded already).
    pub decision: Option<String>,
    pub note: Option<String>,
    pub jurisdiction: Option<String>,
}

#[derive(SimpleObject, Default)]
pub struct RecordLineageEventPayload {
    pub kind: Option<LineageKind>,
    pub year: Option<i32>,
    pub predecessors: Vec<Agency>,
    pub successors: Vec<Agency>,
    pub errors: Vec<MutationError>,
}

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

#[derive(InputObject)]
pub struct CreateTokenInput {
    /// Who or what will hold it; unique.
    pub name: String,
    pub role: Role,
}

#[derive(SimpleObject, Default)]
pub struct CreateTokenPayload {
    pub token: Option<Token>,
    /// The bearer secret: shown this once, stored only as a hash.
    pub secret: Option<String>,
    pub errors: Vec<MutationError>,
}

#[derive(InputObject)]
pub struct RevokeTokenInput {
    pub name: String,
}

#[derive(SimpleObject, Default)]
pub struct RevokeTokenPayload {
    pub token: Option<Token>,
    pub errors: Vec<MutationError>,
}

refusable!(
    ImportResultsPayload,
    AmendResultsPayload,
    PublishDecisionPayload,
    UpsertAgencyPayload,
    RecordLineageEventPayload,
    SetScoringSchemePayload,
    CreateTokenPayload,
    RevokeTokenPayload
);

fn changes<'a>(ctx: &Context<'a>) -> &'a Changes {
    ctx.data_unchecked::<std::sync::Arc<Changes>>()
}

/// Tells subscribers which rankings an import or amendment changed (nothing on a dry run).
async fn announce(ctx: &Context<'_>, action: ChangeAction, report: &import::ImportReport) {
    if report.dry_run {
        return;
    }
    let announced = report
        .groups
        .iter()
        .map(|ranking| ResultsChange {
            year: Some(ranking.year),
            tier: Some(ranking.tier.into()),
            index: Some(ranking.index.clone()),
            action,
        })
        .collect();
    changes(ctx).announce(db(ctx), announced).await;
}

/// A count the schema takes as `Int` and the service as unsigned.
fn places(value: i32, field: &str) -> service::Result<u32> {
    u32::try_from(value)
        .map_err(|_| service::Error::BadInput(format!("`{field}` cannot be negative")))
}

pub struct Mutation;

#[Object]
impl Mutation {
    /// Imports a table (editor): the normalized CSV, or a table as published (Vietnamese
    /// headers, decimal commas, `%`, level labels; give `year` and `tier`), as CSV text or a
    /// spreadsheet in base64. All or nothing; `dryRun` reports without writing.
    async fn import_results(
        &self,
        ctx: &Context<'_>,
        input: ImportResultsInput,
    ) -> ApiResult<ImportResultsPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let outcome = async {
            let content = match input.content_encoding {
                ContentEncoding::Text => input.content.into_bytes(),
                ContentEncoding::Base64 => base64::engine::general_purpose::STANDARD
                    .decode(input.content.trim())
                    .map_err(|error| {
                        service::Error::BadInput(format!("`content` is not base64: {error}"))
                    })?,
            };
            let options = ImportOptions {
                jurisdiction: input.jurisdiction,
                index: input.index,
                decision: input.decision,
                dry_run: input.dry_run,
                year: input.year,
                tier: input.tier.map(Into::into),
                actor: Some(caller.name.clone()),
                keep_unstated: false,
            };
            let report = import::import_table(db(ctx), &content, &options).await?;
            announce(ctx, ChangeAction::ImportResults, &report).await;
            Ok(report)
        };
        settle(ctx, outcome.await, |report| ImportResultsPayload {
            report: Some(report.into()),
            errors: Vec::new(),
        })
    }

    /// Publishes corrections (editor): each row becomes a new version of the result it
    /// corrects, under an amending decision; the old version is kept (`Result.history`,
    /// `ranking(asOf:)`).
    async fn amend_results(
        &self,
        ctx: &Context<'_>,
        input: AmendResultsInput,
    ) -> ApiResult<AmendResultsPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let rows = input
            .results
            .into_iter()
            .enumerate()
            .map(|(place, row)| ParsedRow {
                line: place + 1,
                year: input.year,
                tier: input.tier.into(),
                agency: row.agency,
                published_rank: row.published_rank,
                max_points: row.max_points.map(|d| d.0),
                excluded_points: row.excluded_points.map(|d| d.0),
                required_points: row.required_points.map(|d| d.0),
                achieved_points: row.achieved_points.map(|d| d.0),
                published_rate_percent: row.published_rate_percent.map(|d| d.0),
                published_converted_score: row.published_converted_score.map(|d| d.0),
                published_level: row.published_level,
                index: None,
                decision: None,
            })
            .collect();
        let options = ImportOptions {
            jurisdiction: input.jurisdiction,
            index: input.index,
            decision: Some(input.decision),
            dry_run: input.dry_run,
            actor: Some(caller.name.clone()),
            ..ImportOptions::default()
        };
        let outcome = async {
            let report = import::amend(db(ctx), rows, &options).await?;
            announce(ctx, ChangeAction::AmendResults, &report).await;
            let ids: Vec<i32> = if report.dry_run {
                Vec::new()
            } else {
                report.amended.iter().map(|a| a.result_id).collect()
            };
            let amended = results::by_ids(db(ctx), &ids).await?;
            Ok((report, amended))
        };
        settle(ctx, outcome.await, |(report, amended)| {
            AmendResultsPayload {
                report: Some(report.into()),
                results: amended.into_iter().map(ResultNode::from).collect(),
                errors: Vec::new(),
            }
        })
    }

    /// Records a decision, or completes a recorded one (editor): its date, title and the
    /// decision it amends.
    async fn publish_decision(
        &self,
        ctx: &Context<'_>,
        input: PublishDecisionInput,
    ) -> ApiResult<PublishDecisionPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let new = decisions::NewDecision {
            number: input.number,
            issued_on: input.issued_on.map(|date| date.0),
            title: input.title,
            amends: input.amends,
        };
        let outcome =
            decisions::publish(db(ctx), input.jurisdiction.as_deref(), new, &caller.name).await;
        settle(ctx, outcome, |decision| PublishDecisionPayload {
            decision: Some(Decision(decision)),
            errors: Vec::new(),
        })
    }

    /// Creates an agency, or renames / adds names to one (editor).
    async fn upsert_agency(
        &self,
        ctx: &Context<'_>,
        input: UpsertAgencyInput,
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
        settle(ctx, outcome, |(agency, created)| UpsertAgencyPayload {
            agency: Some(Agency(agency)),
            created,
            errors: Vec::new(),
        })
    }

    /// Records agencies renamed, merged, split, created or abolished (editor).
    async fn record_lineage_event(
        &self,
        ctx: &Context<'_>,
        input: RecordLineageEventInput,
    ) -> ApiResult<RecordLineageEventPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let event = NewLineageEvent {
            kind: input.kind.into(),
            year: input.year,
            predecessors: input.predecessors,
            successors: input.successors,
            decision: input.decision,
            note: input.note,
        };
        let outcome = async {
            let event =
                lineage::record(db(ctx), input.jurisdiction.as_deref(), event, &caller.name)
                    .await?;
            let ids: Vec<i32> = event
                .predecessors
                .iter()
                .chain(&event.successors)
                .copied()
                .collect();
            let agencies = agencies::by_ids(db(ctx), &ids).await?;
            let pick = |ids: &[i32]| -> Vec<Agency> {
                ids.iter()
                    .filter_map(|id| agencies.get(id).cloned().map(Agency))
                    .collect()
            };
            Ok(RecordLineageEventPayload {
                kind: Some(input.kind),
                year: Some(event.year),
                predecessors: pick(&event.predecessors),
                successors: pick(&event.successors),
                errors: Vec::new(),
            })
        };
        settle(ctx, outcome.await, |payload| payload)
    }

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
                converted_rule: ServiceConvertedRule::from(input.converted_rule),
                rate_decimals: places(input.rate_decimals, "rateDecimals")?,
                converted_decimals: places(input.converted_decimals, "convertedDecimals")?,
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
            changes(ctx).announce(db(ctx), vec![change]).await;
            Ok(scheme)
        };
        settle(ctx, outcome.await, |scheme| SetScoringSchemePayload {
            scheme: Some(Scheme(scheme)),
            errors: Vec::new(),
        })
    }

    /// Creates an API token (admin); its secret is in the payload, once.
    async fn create_token(
        &self,
        ctx: &Context<'_>,
        input: CreateTokenInput,
    ) -> ApiResult<CreateTokenPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome =
            access::create_token(db(ctx), &input.name, input.role.into(), &caller.name).await;
        settle(ctx, outcome, |(token, secret)| CreateTokenPayload {
            token: Some(token.into()),
            secret: Some(secret),
            errors: Vec::new(),
        })
    }

    /// Revokes an API token (admin): it authenticates nobody from then on.
    async fn revoke_token(
        &self,
        ctx: &Context<'_>,
        input: RevokeTokenInput,
    ) -> ApiResult<RevokeTokenPayload> {
        let caller = require(ctx, ServiceRole::Admin)?;
        let outcome = access::revoke_token(db(ctx), &input.name, &caller.name).await;
        settle(ctx, outcome, |token| RevokeTokenPayload {
            token: Some(token.into()),
            errors: Vec::new(),
        })
    }
}
