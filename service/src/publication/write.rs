//! Writing checked rows: agencies new to the jurisdiction created once each, decisions recorded
//! where unknown, then each ranking group written whole: its new results inserted in batches,
//! amended ones replaced, every result re-scored once, and each published value kept as a new
//! version. Restatements of a group written (and a restated group itself) are derived again.

use std::collections::{BTreeMap, HashSet};

use entity::result;
use sea_orm::ConnectionTrait;

use super::plan::{self, Planned};
use super::progress::Progress;
use super::versions::Version;
use super::{Amended, ImportOptions, ImportReport, Ranking};
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
    let mut progress = Progress::start(options.progress.as_ref(), report.rows_read);
    // Each row written is a new version of its result, recorded now; the versions amended rows
    // replace are kept, inserted together after the groups (nothing in between reads them).
    let recorded_at = audit::now();
    let mut superseded = Vec::new();
    for (group, planned) in &by_group {
        write_group(
            txn,
            *group,
            planned,
            &recorded_at,
            &mut decisions,
            &mut progress,
        )
        .await?;
        for (plan, _) in planned {
            let Some(current) = &plan.replaces else {
                continue;
            };
            // A derived restatement that a published one now holds was never published:
            // nothing was amended, and it has no version to keep.
            if !restate::derived_only(current) {
                report.amended.push(Amended {
                    line: plan.row.line,
                    agency: plan.row.agency.clone(),
                    result_id: current.id,
                    before: replaced_json(current, &decisions),
                });
            }
            if let Some(replaced) = Version::current(current) {
                superseded.push(replaced.superseded(current.id));
            }
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
    bulk::insert(txn, superseded, &mut |_| {}).await?;
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

/// Writes one group: its stored results, amended ones replaced and new ones added, each
/// written row a new version recorded at `recorded_at`, re-scored as a whole.
async fn write_group(
    txn: &impl ConnectionTrait,
    group: GroupKey,
    planned: &[(&Planned, i32)],
    recorded_at: &str,
    decisions: &mut KnownDecisions,
    progress: &mut Progress<'_>,
) -> Result<()> {
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
            version: Some(base.version.map_or(1, |replaced| replaced + 1)),
            recorded_at: Some(recorded_at.to_owned()),
            ..plan.row.values.in_place_of(base)
        };
        members.insert(*agency_id, (row, change));
    }
    let members: Vec<(result::Model, Change)> = members.into_values().collect();
    let amended = planned
        .iter()
        .filter(|(plan, _)| plan.replaces.is_some())
        .count();
    rescore::write_group(txn, group, members, &mut |rows| progress.wrote(rows)).await?;
    progress.wrote(amended);
    Ok(())
}

/// What an amendment replaced, as the audit log shows it: the result, its decision and its
/// published values.
fn replaced_json(row: &result::Model, decisions: &KnownDecisions) -> serde_json::Value {
    let mut json = PublishedValues::of_current_version(row).to_json();
    json["resultId"] = row.id.into();
    json["decision"] = row.decision_id.and_then(|id| decisions.number(id)).into();
    json
}
