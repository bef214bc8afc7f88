//! Publishing results as decisions print them: importing tables and amending results in one
//! transaction each, all or nothing; the version every write keeps; a ranking as a decision
//! published it; and exporting a ranking laid out like the appendix.
//!
//! A write goes: rows read from a file ([`crate::import`]) or typed in a form ([`amend`]) →
//! [`plan`] checks them against the database and resolves agencies, decisions and schemes →
//! [`write`] stores them, each as a new version, and re-scores the groups it touched
//! ([`crate::ranking::rescore`]) → the audit entry and the commit.

pub mod amend;
pub mod as_of;
pub mod export;
pub mod import;
mod plan;
pub mod progress;
pub mod versions;
mod write;

use crate::Result;
use crate::access::audit::{self, Entry};
use crate::db::WriteTransaction;

pub use amend::{Amendment, Correction, amend};
pub use import::import_table;
pub(crate) use import::read;
pub use progress::{ProgressSink, Stage};
pub(crate) use write::write_rows;

/// How to write a table.
#[derive(Clone, Debug, Default)]
pub struct ImportOptions {
    /// Jurisdiction code; the default jurisdiction when `None`.
    pub jurisdiction: Option<String>,
    /// Index code for rows without an `index` column; `cqdt-results` when `None`.
    pub index: Option<String>,
    /// Number of the decision that published rows without a `decision` column, e.g.
    /// `3402/QĐ-UBND`; created when unknown.
    pub decision: Option<String>,
    /// Check and report everything, then write nothing.
    pub dry_run: bool,
    /// Year of a table as published (which has no year column).
    pub year: Option<i32>,
    /// Tier of a table as published (which has no tier column).
    pub tier: Option<crate::Tier>,
    /// How many the publication ranked in all, for rows that do not say: 63 for a table
    /// printing the first 17, so a result reads "17 of 63".
    pub ranked_count: Option<i32>,
    /// Who writes, for the audit log: a token's name; the command line when `None`.
    pub actor: Option<String>,
    /// The year whose map the table restates its rankings over: a published restatement
    /// (the DTI of 2024 over the 34 units of 2025), stored in the restated ranking beside the
    /// computed one. `None`: an original publication.
    pub restated_over: Option<i32>,
    /// Rows state only what changes: a value left empty in a row that amends a result keeps
    /// that result's value (a correction typed in a form). Off for tables, which state a
    /// result whole: there an empty cell was not published.
    pub keep_unstated: bool,
    /// Who watches a long write's progress (a bar on a terminal); logged when `None`.
    pub progress: Option<ProgressSink>,
}

impl ImportOptions {
    /// The year whose agencies the names of a row of `year` mean: for a published restatement,
    /// the units of the map it restates over (TP. Đà Nẵng merged with Quảng Nam in 2025, not
    /// the city of 2024); else the row's own year.
    pub(crate) fn map_year(&self, year: i32) -> i32 {
        self.restated_over.unwrap_or(year)
    }
}

/// What an import did, or would do on a dry run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    pub rows_read: usize,
    /// Rows whose agency was already known (by name or alias).
    pub agencies_matched: usize,
    /// Names of agencies the import created.
    pub agencies_created: Vec<String>,
    /// New names that look like a known agency's: (line, name, suggested agency). Record the
    /// name as an alias of the suggestion (`egov-rank alias`) if they are the same agency.
    pub near_misses: Vec<(usize, String, String)>,
    /// Results replaced by a newer version: rows whose decision amends the one that published
    /// the agency's result. The replaced version is kept.
    pub amended: Vec<Amended>,
    /// Rankings that were re-scored.
    pub groups: Vec<Ranking>,
    pub dry_run: bool,
}

/// One ranking (year, tier, index) a write changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ranking {
    pub year: i32,
    pub tier: crate::Tier,
    pub index: String,
}

impl std::fmt::Display for Ranking {
    /// `2020 district cqdt-results`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} {}", self.year, self.tier, self.index)
    }
}

/// `2020 district cqdt-results, 2021 district cqdt-results`.
pub fn labels(rankings: &[Ranking]) -> String {
    rankings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// A result a write replaced with a new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amended {
    pub line: usize,
    pub agency: String,
    /// The amended result.
    pub result_id: i32,
    /// The replaced values and their decision, as the audit log records them.
    pub before: serde_json::Value,
}

/// Ends a write: rolls a dry run back; otherwise records it in the audit log and commits.
async fn finish(
    txn: WriteTransaction,
    report: ImportReport,
    options: &ImportOptions,
    action: &str,
) -> Result<ImportReport> {
    if options.dry_run {
        txn.rollback().await?;
        return Ok(report);
    }
    let before: Vec<&serde_json::Value> = report.amended.iter().map(|a| &a.before).collect();
    audit::commit(
        txn,
        Entry {
            actor: options.actor.as_deref().unwrap_or(audit::CLI),
            action,
            target: labels(&report.groups),
            before: (!before.is_empty()).then(|| serde_json::json!(before)),
            after: Some(serde_json::json!({
                "decision": options.decision,
                "rowsWritten": report.rows_read,
                "resultsAmended": report.amended.len(),
                "agenciesCreated": report.agencies_created,
            })),
        },
    )
    .await?;
    Ok(report)
}
