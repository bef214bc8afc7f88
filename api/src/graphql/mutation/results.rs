//! `importResults` and `amendResults`: tables imported whole, and corrections published by an
//! amending decision. Both re-score the rankings they touch and tell subscribers.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use base64::Engine as _;
use service::access::Role as ServiceRole;
use service::import::{self, ImportOptions, table::ParsedRow};
use service::results;

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::db;
use crate::graphql::live::{ChangeAction, Changes, ResultsChange};
use crate::graphql::result::ResultNode;
use crate::graphql::scalars::{Decimal, Tier, saturating_int};

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

impl From<import::ImportReport> for ImportReport {
    fn from(report: import::ImportReport) -> Self {
        Self {
            dry_run: report.dry_run,
            rows_read: saturating_int(report.rows_read),
            agencies_matched: saturating_int(report.agencies_matched),
            agencies_created: report.agencies_created,
            near_misses: report
                .near_misses
                .into_iter()
                .map(|(line, name, suggestion)| NearMiss {
                    line: saturating_int(line),
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

refusable!(ImportResultsPayload, AmendResultsPayload);

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
    Changes::of(ctx).announce(db(ctx), announced).await;
}

/// The result mutations.
#[derive(Default)]
pub struct ResultsMutation;

#[Object]
impl ResultsMutation {
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
        into_payload(ctx, outcome.await, |report| ImportResultsPayload {
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
        into_payload(ctx, outcome.await, |(report, amended)| {
            AmendResultsPayload {
                report: Some(report.into()),
                results: amended.into_iter().map(ResultNode::from).collect(),
                errors: Vec::new(),
            }
        })
    }
}
