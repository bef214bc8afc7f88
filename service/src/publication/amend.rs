//! Amending published results: corrections typed in a form become new versions of the results
//! they correct, under a decision that amends the one that published them. The replaced
//! versions are kept (see [`super::versions`]).

use std::collections::HashSet;

use sea_orm::DatabaseConnection;

use super::{ImportOptions, ImportReport, finish, write};
use crate::catalog::resolve_jurisdiction;
use crate::db::begin_write;
use crate::import::table::{self, ParsedRow};
use crate::published::PublishedValues;
use crate::ranking::{ResultView, read};
use crate::{Error, Result, RowError, Tier, decisions};

/// One corrected result: the agency as published (or an alias) and the values the amending
/// decision prints. Values left out keep the amended version's.
#[derive(Clone, Debug)]
pub struct Correction {
    pub agency: String,
    pub values: PublishedValues,
}

/// Corrections published by one amending decision for one ranking.
#[derive(Clone, Debug)]
pub struct Amendment {
    /// The amending decision's number, recorded already with what it amends.
    pub decision: String,
    pub year: i32,
    pub tier: Tier,
    pub index: Option<String>,
    pub jurisdiction: Option<String>,
    pub corrections: Vec<Correction>,
    pub dry_run: bool,
}

/// Writes an amendment in one transaction, audited as `amendResults`: the report, and the
/// amended results as they now stand (none on a dry run). Every correction must match a result
/// published by a decision that the amending one amends; otherwise nothing is written.
pub async fn amend(
    db: &DatabaseConnection,
    amendment: Amendment,
    actor: &str,
) -> Result<(ImportReport, Vec<ResultView>)> {
    let number = amendment.decision.as_str();
    let jurisdiction = resolve_jurisdiction(db, amendment.jurisdiction.as_deref()).await?;
    let decision = decisions::by_number(db, jurisdiction.id, number)
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
    let rows: Vec<ParsedRow> = (1..)
        .zip(amendment.corrections)
        .map(|(line, correction)| ParsedRow {
            line,
            year: amendment.year,
            tier: amendment.tier,
            agency: correction.agency,
            values: correction.values,
            index: None,
            decision: None,
        })
        .collect();
    let lines: Vec<usize> = rows.iter().map(|row| row.line).collect();
    let options = ImportOptions {
        jurisdiction: amendment.jurisdiction.clone(),
        index: amendment.index.clone(),
        decision: Some(amendment.decision.clone()),
        dry_run: amendment.dry_run,
        actor: Some(actor.to_owned()),
        keep_unstated: true,
        ..ImportOptions::default()
    };
    let txn = begin_write(db).await?;
    let report = write::write_rows(&txn, table::check_rows(rows), &options).await?;
    let amended: HashSet<usize> = report.amended.iter().map(|amended| amended.line).collect();
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
    let report = finish(txn, report, &options, "amendResults").await?;
    let ids: Vec<i32> = if report.dry_run {
        Vec::new()
    } else {
        report.amended.iter().map(|a| a.result_id).collect()
    };
    let results = read::by_ids(db, &ids).await?;
    Ok((report, results))
}
