//! Writing checked rows: agencies new to the jurisdiction created once each, decisions recorded
//! where unknown, then each ranking group written whole: its new results inserted in batches,
//! amended ones replaced, every result re-scored once, and each published value kept as a new
//! version. Restatements of a group written (and a restated group itself) are derived again.

use std::collections::{BTreeMap, HashMap, HashSet};

use entity::result;
use sea_orm::ConnectionTrait;

use super::plan::{self, Planned};
use super::progress::Progress;
use super::{Amended, ImportOptions, ImportReport, Ranking, versions};
use crate::access::audit;
use crate::catalog::GroupKey;
use crate::db::bulk;
use crate::decisions::KnownDecisions;
use crate::import::Parsed;
use crate::published::PublishedValues;
use crate::ranking::group;
use crate::ranking::rescore::{self, Change};
use crate::ranking::restate;
use crate::{Error, Result};

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

    // A name new to the jurisdiction is one agency across the whole table: created once, even
    // when a history file names it once per year.
    let mut new_names = Vec::new();
    let mut named = HashSet::new();
    for plan in rows.iter().filter(|plan| plan.agency_id.is_none()) {
        if named.insert((plan.row.tier, plan.key.as_str())) {
            // Once a new name, and only against agencies known before this import: comparing
            // each new name with every other new one would make large imports quadratic.
            if let Some(suggestion) = agencies.nearest(plan.row.tier, &plan.key) {
                report
                    .near_misses
                    .push((plan.row.line, plan.row.agency.clone(), suggestion));
            }
            report.agencies_created.push(plan.row.agency.clone());
            new_names.push((
                plan.row.tier,
                plan.row.agency.clone(),
                options.map_year(plan.row.year),
            ));
        }
    }
    agencies
        .create_all(txn, jurisdiction_id, &new_names)
        .await?;
    // Rows, not names: a new agency's later rows were not matched to anything known before.
    report.agencies_matched = rows.iter().filter(|plan| plan.agency_id.is_some()).count();

    // Grouped by reference: a planned row is hundreds of bytes, and a national history has
    // tens of thousands of them.
    let mut by_group: BTreeMap<GroupKey, Vec<(&Planned, i32)>> = BTreeMap::new();
    for plan in &rows {
        let agency_id = match plan.agency_id {
            Some(id) => id,
            None => agencies
                .find_by_key(plan.row.tier, &plan.key, options.map_year(plan.row.year))
                .ok_or_else(|| {
                    Error::Corrupt(format!(
                        "the agency `{}` just created is missing",
                        plan.row.agency
                    ))
                })?,
        };
        by_group
            .entry(plan.group)
            .or_default()
            .push((plan, agency_id));
    }
    let amended_ids: Vec<i32> = by_group
        .values()
        .flatten()
        .filter_map(|(plan, _)| plan.replaces.as_ref().map(|current| current.id))
        .collect();
    let newest_versions = versions::newest(txn, &amended_ids).await?;

    let mut progress = Progress::start(options.progress.as_ref(), report.rows_read);
    // Every group's published values, inserted together after the groups (nothing in between
    // reads them): a statement fewer a group.
    let mut new_versions = Vec::with_capacity(report.rows_read);
    for (group, planned) in &by_group {
        let stored = write_group(txn, *group, planned, &mut decisions, &mut progress).await?;
        for (plan, agency_id) in planned {
            let row = stored.get(agency_id).ok_or_else(|| {
                Error::Corrupt(format!(
                    "the result of `{}` just written is missing",
                    plan.row.agency
                ))
            })?;
            let version = match &plan.replaces {
                Some(current) => {
                    // A derived restatement that a published one now holds was never published:
                    // nothing was amended.
                    if !restate::derived_only(current) {
                        report.amended.push(Amended {
                            line: plan.row.line,
                            agency: plan.row.agency.clone(),
                            result_id: current.id,
                            before: replaced_json(current, &decisions),
                        });
                    }
                    1 + newest_versions.get(&current.id).copied().unwrap_or(0)
                }
                None => 1,
            };
            new_versions.push(plan.row.values.as_version(
                row.id,
                version,
                row.decision_id,
                audit::now(),
            ));
        }
        // A restatement's ranks follow from the predecessors, not from what was printed: the
        // group is derived again around the published values; an original publication's
        // restatements follow it.
        match group.restated_over {
            Some(_) => {
                restate::derive(txn, *group).await?;
            }
            None => restate::refresh(txn, *group).await?,
        }
    }
    bulk::insert(txn, new_versions, &mut |_| {}).await?;
    report.groups = by_group
        .keys()
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

/// Writes one group: its stored results, amended ones replaced and new ones added, re-scored
/// as a whole. Returns the group's results as stored, by agency.
async fn write_group(
    txn: &impl ConnectionTrait,
    group: GroupKey,
    planned: &[(&Planned, i32)],
    decisions: &mut KnownDecisions,
    progress: &mut Progress<'_>,
) -> Result<HashMap<i32, result::Model>> {
    // By agency, so that scoring sees the same input whatever the order rows came in (a
    // B-tree: in that order already, with no sort moving results of hundreds of bytes).
    let mut members: BTreeMap<i32, (result::Model, Change)> = group::rows(txn, group)
        .await?
        .into_iter()
        .map(|row| (row.agency_id, (row, Change::None)))
        .collect();
    for (plan, agency_id) in planned {
        let decision_id = match plan.decision.as_deref() {
            Some(number) => Some(decisions.find_or_create(txn, number).await?),
            None => None,
        };
        let (base, change) = match &plan.replaces {
            Some(current) => (result::Model::clone(current), Change::Published),
            None => (group::unstored(group, *agency_id), Change::New),
        };
        let row = result::Model {
            decision_id,
            scheme_id: plan.scheme_id,
            ..plan.row.values.in_place_of(base)
        };
        members.insert(*agency_id, (row, change));
    }
    let members: Vec<(result::Model, Change)> = members.into_values().collect();
    let amended = planned
        .iter()
        .filter(|(plan, _)| plan.replaces.is_some())
        .count();
    let stored =
        rescore::write_group(txn, group, members, &mut |rows| progress.wrote(rows)).await?;
    progress.wrote(amended);
    Ok(stored)
}

/// What an amendment replaced, as the audit log shows it: the result, its decision and its
/// published values.
fn replaced_json(row: &result::Model, decisions: &KnownDecisions) -> serde_json::Value {
    let mut json = PublishedValues::from(row).to_json();
    json["resultId"] = row.id.into();
    json["decision"] = row.decision_id.and_then(|id| decisions.number(id)).into();
    json
}
