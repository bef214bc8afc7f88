//! `importResults` and `amendResults`: tables imported whole, and corrections published by an
//! amending decision. Both re-score the rankings they touch and tell subscribers.

use async_graphql::{Context, Enum, InputObject, Object, SimpleObject};
use base64::Engine as _;
use service::access::Role as ServiceRole;
use service::publication::{self, Amendment, Correction, ImportOptions};
use service::published::PublishedValues;

use super::payload::{MutationError, into_payload, refusable};
use crate::error::ApiResult;
use crate::graphql::access::require;
use crate::graphql::live::{ChangeAction, Changes, ResultsChange};
use crate::graphql::result::ResultNode;
use crate::graphql::scalars::{Decimal, Tier, saturating_int};
use crate::graphql::{db, jurisdiction_code};

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

impl ContentEncoding {
    /// The bytes of a file sent as `content` in this encoding.
    pub fn decode(self, content: String) -> service::Result<Vec<u8>> {
        match self {
            ContentEncoding::Text => Ok(content.into_bytes()),
            ContentEncoding::Base64 => base64::engine::general_purpose::STANDARD
                .decode(content.trim())
                .map_err(|error| {
                    service::Error::BadInput(format!("`content` is not base64: {error}"))
                }),
        }
    }
}

/// A table to import: the normalized CSV or a table as published.
#[derive(InputObject)]
pub struct ImportResultsInput {
    /// The file, as `contentEncoding` says.
    pub content: String,
    /// How `content` is written: CSV text (the default) or base64 of a spreadsheet.
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
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
    /// How many the publication ranked in all, for a table printing only some: 63 for a table
    /// of the first 17, so a result reads "17 of 63".
    pub ranked_count: Option<i32>,
    /// A later year, e.g. 2025, for a published restatement: the table restates the year's
    /// ranking over that year's map (the DTI of 2024 over the 34 units of 2025). Its values are
    /// kept as published in the restated ranking, which is derived again around them
    /// (`ranking(restatedOver:)`, `discrepancies(restatedOver:)`); the scheme must name a
    /// restate rule. Left out: an original publication.
    pub restated_over: Option<i32>,
    /// Check and report everything, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

impl ImportResultsInput {
    /// The file's bytes and how to import them, for `actor`.
    fn into_import(
        self,
        ctx: &Context<'_>,
        actor: &str,
    ) -> service::Result<(Vec<u8>, ImportOptions)> {
        let content = self.content_encoding.decode(self.content)?;
        let options = ImportOptions {
            jurisdiction: jurisdiction_code(ctx, self.jurisdiction),
            index: self.index,
            decision: self.decision,
            dry_run: self.dry_run,
            year: self.year,
            tier: self.tier.map(Into::into),
            ranked_count: self.ranked_count,
            restated_over: self.restated_over,
            actor: Some(actor.to_owned()),
            keep_unstated: false,
            progress: None,
        };
        Ok((content, options))
    }
}

/// A new name that looks like a known agency's.
#[derive(SimpleObject)]
pub struct NearMiss {
    /// The line of the file (header = 1).
    pub line: i32,
    /// The new name, as written.
    pub name: String,
    /// The known agency it may be; if so, record the name as its alias.
    pub suggestion: String,
}

/// What an import did, or would do on a dry run.
#[derive(SimpleObject)]
pub struct ImportReport {
    /// Whether nothing was written (a dry run).
    pub dry_run: bool,
    /// Rows read from the table.
    pub rows_read: i32,
    /// Rows whose agency was already known (by name or alias).
    pub agencies_matched: i32,
    /// Agencies created, as named.
    pub agencies_created: Vec<String>,
    /// New names that look like known agencies': check them.
    pub near_misses: Vec<NearMiss>,
    /// Agencies (as named in the table) whose result got a new version.
    pub amended: Vec<String>,
    /// The rankings re-scored, e.g. `2020 district cqdt-results`.
    pub rankings: Vec<String>,
}

impl From<publication::ImportReport> for ImportReport {
    fn from(report: publication::ImportReport) -> Self {
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

/// What `importResults` did.
#[derive(SimpleObject, Default)]
pub struct ImportResultsPayload {
    /// Null when the import was refused.
    pub report: Option<ImportReport>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

/// Corrected values of one published result.
#[derive(InputObject)]
pub struct AmendedResultInput {
    /// The agency's name as published (or a recorded alias).
    pub agency: String,
    /// Điểm tối đa, in points.
    pub max_points: Option<Decimal>,
    /// Số điểm không đưa vào đánh giá, in points.
    pub excluded_points: Option<Decimal>,
    /// Số điểm tối đa cần thực hiện, in points.
    pub required_points: Option<Decimal>,
    /// Số điểm thực hiện, in points.
    pub achieved_points: Option<Decimal>,
    /// The rank (thứ hạng) as printed.
    pub published_rank: Option<i32>,
    /// Tỷ lệ thực hiện as printed, in percent.
    pub published_rate_percent: Option<Decimal>,
    /// Số điểm thực hiện được quy đổi as printed, in points.
    pub published_converted_score: Option<Decimal>,
    /// A level code (`II`) or label (`Mức độ II`, `Chưa đạt`).
    pub published_level: Option<String>,
    /// A published index value, for rankings by score.
    pub score: Option<Decimal>,
    /// How many the publication ranked in all.
    pub ranked_count: Option<i32>,
}

impl From<AmendedResultInput> for Correction {
    fn from(input: AmendedResultInput) -> Self {
        let decimal = |value: Option<Decimal>| value.map(|d| d.0);
        Self {
            agency: input.agency,
            values: PublishedValues {
                max_points: decimal(input.max_points),
                excluded_points: decimal(input.excluded_points),
                required_points: decimal(input.required_points),
                achieved_points: decimal(input.achieved_points),
                rank: input.published_rank,
                rate_percent: decimal(input.published_rate_percent),
                converted_score: decimal(input.published_converted_score),
                level: input.published_level,
                score: decimal(input.score),
                ranked_count: input.ranked_count,
            },
        }
    }
}

/// Corrections published by an amending decision.
#[derive(InputObject)]
pub struct AmendResultsInput {
    /// The amending decision, recorded with what it amends (`publishDecision`).
    pub decision: String,
    /// The evaluation year of the results corrected.
    pub year: i32,
    /// Their tier.
    pub tier: Tier,
    /// Their index by code; `cqdt-results` when left out.
    pub index: Option<String>,
    /// The jurisdiction by code; the server's default jurisdiction when left out.
    pub jurisdiction: Option<String>,
    /// Each corrects a result published by a decision that `decision` amends.
    pub results: Vec<AmendedResultInput>,
    /// Check and report everything, write nothing.
    #[graphql(default)]
    pub dry_run: bool,
}

/// What `amendResults` did.
#[derive(SimpleObject, Default)]
pub struct AmendResultsPayload {
    /// What was read and re-scored; null when refused.
    pub report: Option<ImportReport>,
    /// The amended results as they now stand (empty on a dry run).
    pub results: Vec<ResultNode>,
    /// Why the write was refused: every problem, with line and column for tables; empty when
    /// the write was done.
    pub errors: Vec<MutationError>,
}

refusable!(ImportResultsPayload, AmendResultsPayload);

/// Tells subscribers which rankings an import or amendment changed (nothing on a dry run).
async fn announce(ctx: &Context<'_>, action: ChangeAction, report: &publication::ImportReport) {
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
        #[graphql(desc = "What to write; see the input type.")] input: ImportResultsInput,
    ) -> ApiResult<ImportResultsPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let outcome = async {
            let (content, options) = input.into_import(ctx, &caller.name)?;
            let report = publication::import_table(db(ctx), &content, &options).await?;
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
        #[graphql(desc = "What to write; see the input type.")] input: AmendResultsInput,
    ) -> ApiResult<AmendResultsPayload> {
        let caller = require(ctx, ServiceRole::Editor)?;
        let amendment = Amendment {
            decision: input.decision,
            year: input.year,
            tier: input.tier.into(),
            index: input.index,
            jurisdiction: jurisdiction_code(ctx, input.jurisdiction),
            corrections: input.results.into_iter().map(Correction::from).collect(),
            dry_run: input.dry_run,
        };
        let outcome = publication::amend(db(ctx), amendment, &caller.name).await;
        if let Ok((report, _)) = &outcome {
            announce(ctx, ChangeAction::AmendResults, report).await;
        }
        into_payload(ctx, outcome, |(report, amended)| AmendResultsPayload {
            report: Some(report.into()),
            results: amended.into_iter().map(ResultNode::from).collect(),
            errors: Vec::new(),
        })
    }
}
