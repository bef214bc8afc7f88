//! Imports of published tables. Every import is all or nothing: each row is checked, every
//! problem is reported with its line and column, and only a fully valid file is written, in one
//! transaction that also re-scores the ranking groups it touched.

pub mod normalized_csv;
pub mod published_table;
mod sheet_size;
pub mod table;
mod write;
pub mod xlsx;

pub(crate) use write::write_rows;

use entity::decision;
use sea_orm::{ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, QueryFilter};

use crate::audit::{self, Entry};
use crate::{Error, Result, RowError, scope};

pub use write::{Amended, ImportReport, Ranking};

/// `2020 district cqdt-results, 2021 district cqdt-results`.
pub fn labels(rankings: &[Ranking]) -> String {
    rankings
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// How to import a file.
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
    /// Who writes, for the audit log: a token's name; the command line when `None`.
    pub actor: Option<String>,
    /// Rows state only what changes: a value left empty in a row that amends a result keeps
    /// that result's value (a correction typed in a form). Off for tables, which state a
    /// result whole: there an empty cell was not published.
    pub keep_unstated: bool,
}

/// Imports a table, CSV or spreadsheet (see [`xlsx`]), in either format: the normalized one (see
/// [`normalized_csv`], recognised by its `year` column) or a table as published (see
/// [`published_table`]), which needs `options.year` and `options.tier`.
pub async fn import_table(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    let converted;
    let content = if xlsx::recognises(content) {
        converted = xlsx::first_sheet_as_csv(content).map_err(crate::Error::BadInput)?;
        &converted[..]
    } else {
        content
    };
    let normalized = csv::ReaderBuilder::new()
        .from_reader(content)
        .headers()
        .is_ok_and(normalized_csv::recognises);
    if normalized {
        return import_normalized_csv(db, content, options).await;
    }
    let (Some(year), Some(tier)) = (options.year, options.tier) else {
        return Err(crate::Error::BadInput(
            "this table has no year and tier columns (a table as published): give its year and tier".into(),
        ));
    };
    write_in_transaction(
        db,
        published_table::parse(content, year, tier),
        options,
        "importResults",
    )
    .await
}

/// Imports a normalized CSV (see [`normalized_csv`]).
pub async fn import_normalized_csv(
    db: &DatabaseConnection,
    content: &[u8],
    options: &ImportOptions,
) -> Result<ImportReport> {
    write_in_transaction(db, normalized_csv::parse(content), options, "importResults").await
}

/// Amends published results: `rows` (given field by field, e.g. typed in a form) become new
/// versions of the results they correct, under `options.decision`, which must amend the decision
/// that published each of them. The replaced versions are kept (see [`crate::versions`]).
pub async fn amend(
    db: &DatabaseConnection,
    rows: Vec<table::ParsedRow>,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let Some(number) = options.decision.as_deref() else {
        return Err(Error::BadInput("an amendment needs its decision".into()));
    };
    let jurisdiction = scope::resolve_jurisdiction(db, options.jurisdiction.as_deref()).await?;
    let decision = decision::Entity::find()
        .filter(decision::Column::JurisdictionId.eq(jurisdiction.id))
        .filter(decision::Column::Number.eq(number))
        .one(db)
        .await?
        .ok_or_else(|| {
            Error::NotFound(format!(
                "no decision numbered `{number}`: publish it first, saying what it amends"
            ))
        })?;
    if decision.amends_id.is_none() {
        return Err(Error::BadInput(format!(
            "`{number}` amends no decision: publish it with the decision it amends"
        )));
    }
    let lines: Vec<usize> = rows.iter().map(|row| row.line).collect();
    let parsed = table::check_rows(rows);
    let options = &ImportOptions {
        keep_unstated: true,
        ..options.clone()
    };
    let txn = crate::database::begin_write(db).await?;
    let report = write::write_rows(&txn, parsed, options).await?;
    let amended: std::collections::HashSet<usize> =
        report.amended.iter().map(|amended| amended.line).collect();
    let unmatched: Vec<RowError> = lines
        .into_iter()
        .filter(|line| !amended.contains(line))
        .map(|line| RowError {
            line,
            column: Some("agency".into()),
            message: format!("no result published by a decision that `{number}` amends"),
        })
        .collect();
    if !unmatched.is_empty() {
        return Err(Error::InvalidImport(unmatched));
    }
    finish(txn, report, options, "amendResults").await
}

/// Checks and writes parsed rows in one transaction, rolled back on a dry run or any error.
async fn write_in_transaction(
    db: &DatabaseConnection,
    parsed: table::Parsed,
    options: &ImportOptions,
    action: &str,
) -> Result<ImportReport> {
    let txn = crate::database::begin_write(db).await?;
    let report = write::write_rows(&txn, parsed, options).await?;
    finish(txn, report, options, action).await
}

/// Rolls a dry run back; otherwise records the write in the audit log and commits.
async fn finish(
    txn: DatabaseTransaction,
    report: ImportReport,
    options: &ImportOptions,
    action: &str,
) -> Result<ImportReport> {
    if options.dry_run {
        txn.rollback().await?;
        return Ok(report);
    }
    let before: Vec<&serde_json::Value> = report.amended.iter().map(|a| &a.before).collect();
    audit::record(
        &txn,
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
    txn.commit().await?;
    Ok(report)
}
