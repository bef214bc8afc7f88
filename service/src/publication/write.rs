//! Writing checked rows: agencies created where new, decisions recorded where unknown, each
//! result inserted or replaced with its published values kept as a new version, then every
//! group the rows touched re-scored once.

use std::collections::BTreeSet;

use entity::result;
use sea_orm::{ActiveModelTrait, ConnectionTrait, IntoActiveModel, NotSet, Set};

use super::plan::{self, Planned};
use super::{Amended, ImportOptions, ImportReport, Ranking, versions};
use crate::decisions::KnownDecisions;
use crate::import::Parsed;
use crate::published::PublishedValues;
use crate::ranking::rescore;
use crate::{Result, names};

/// How many rows an import writes between two progress lines.
const PROGRESS_EVERY: usize = 1_000;

/// Checks every well-formed row against the database, then, if neither parsing nor these checks
/// found an error, writes them all in the caller's transaction. Any error refuses the whole
/// table with every error found; the caller's transaction is then dropped, so nothing is
/// written.
pub(crate) async fn write_rows(
    txn: &impl ConnectionTrait,
    parsed: Parsed,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let plan::Plan {
        jurisdiction_id,
        index_codes,
        mut agencies,
        mut decisions,
        rows,
    } = plan::plan(txn, parsed, options).await?;
    let mut report = ImportReport {
        rows_read: rows.len(),
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    let amended_ids: Vec<i32> = rows
        .iter()
        .filter_map(|plan| plan.replaces.as_ref().map(|current| current.id))
        .collect();
    let newest_versions = versions::newest(txn, &amended_ids).await?;
    let mut groups = BTreeSet::new();
    let total = rows.len();
    for (written, plan) in rows.into_iter().enumerate() {
        // Large files show progress (the CLI logs at info level to standard error).
        if written > 0 && written % PROGRESS_EVERY == 0 {
            tracing::info!("import: {written} of {total} rows written");
        }
        // A name new to the jurisdiction is one agency across the whole table: the first of
        // its rows creates it (a history file names it once per year).
        let key = names::fold(&plan.row.agency);
        let agency_id = match plan
            .agency_id
            .or_else(|| agencies.find(plan.row.tier, &key))
        {
            Some(id) => {
                report.agencies_matched += 1;
                id
            }
            None => {
                if let Some(suggestion) = plan.near_miss.clone() {
                    report
                        .near_misses
                        .push((plan.row.line, plan.row.agency.clone(), suggestion));
                }
                report.agencies_created.push(plan.row.agency.clone());
                agencies
                    .create(txn, jurisdiction_id, plan.row.tier, &plan.row.agency)
                    .await?
            }
        };
        let decision_id = match plan.decision.as_deref() {
            Some(number) => Some(decisions.find_or_create(txn, number).await?),
            None => None,
        };
        let mut version = 1;
        if let Some(current) = &plan.replaces {
            report.amended.push(Amended {
                line: plan.row.line,
                agency: plan.row.agency.clone(),
                result_id: current.id,
                before: replaced_json(current, &decisions),
            });
            version += newest_versions.get(&current.id).copied().unwrap_or(0);
        }
        write_result(txn, &plan, agency_id, decision_id, version).await?;
        groups.insert(plan.group);
    }
    for group in &groups {
        rescore::rescore_group(txn, *group).await?;
    }
    report.groups = groups
        .iter()
        .map(|group| Ranking {
            year: group.year,
            tier: group.tier,
            index: index_codes
                .get(&group.index_id)
                .cloned()
                .unwrap_or_default(),
        })
        .collect();
    Ok(report)
}

/// Inserts the row's result, or, for an amendment, replaces the current values of the result it
/// amends; either way its published values become the result's version `version`.
async fn write_result(
    txn: &impl ConnectionTrait,
    plan: &Planned,
    agency_id: i32,
    decision_id: Option<i32>,
    version: i32,
) -> Result<()> {
    let mut active = match &plan.replaces {
        Some(current) => current.clone().into_active_model(),
        None => result::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(plan.group.jurisdiction_id),
            agency_id: Set(agency_id),
            ranking_index_id: Set(plan.group.index_id),
            year: Set(plan.row.year),
            tier: Set(plan.row.tier.code().into()),
            rate_percent: Set(None),
            converted_score: Set(None),
            level_code: Set(None),
            rank: Set(None),
            tied_with: Set(None),
            position: Set(0),
            group_size: Set(0),
            ..Default::default()
        },
    };
    active.decision_id = Set(decision_id);
    active.scheme_id = Set(plan.scheme_id);
    plan.row.values.write_to(&mut active);
    let written = match &plan.replaces {
        Some(_) => active.update(txn).await?,
        None => active.insert(txn).await?,
    };
    versions::append(txn, &written, version).await
}

/// What an amendment replaced, as the audit log shows it: the result, its decision and its
/// published values.
fn replaced_json(row: &result::Model, decisions: &KnownDecisions) -> serde_json::Value {
    let mut json = PublishedValues::from(row).to_json();
    json["resultId"] = row.id.into();
    json["decision"] = row.decision_id.and_then(|id| decisions.number(id)).into();
    json
}
