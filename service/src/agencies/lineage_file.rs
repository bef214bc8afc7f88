//! Lineage in bulk: a table of events (CSV, or the first sheet of a spreadsheet) recorded in one
//! transaction, all or nothing, with every problem reported by line and column. The 2025
//! reorganisation merged about ten thousand communes into three thousand three hundred: one
//! file, not thousands of commands.
//!
//! Columns (a header row, any order): `year`, `kind` (RENAME, MERGE, SPLIT, CREATE, ABOLISH),
//! `from`, `to` (agencies by code or by name, several separated by `;`; `CODE: name` names an
//! agency of another jurisdiction), and optionally `tier` (else the one given), `decision` and
//! `note`. A name is matched as an import matches it, in the year it stands for: a predecessor
//! in the year before the event, a successor in the event's year. A successor that does not
//! exist yet, or that bears a predecessor's name (the merged unit keeping one of their names),
//! is created, standing from the event's year.

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DatabaseConnection};

use super::known::KnownAgencies;
use super::lineage::{self, LineageKind, Stored, store_event};
use crate::access::audit::{self, Entry};
use crate::catalog::resolve_jurisdiction;
use crate::db::begin_write;
use crate::decisions::KnownDecisions;
use crate::import::spreadsheet;
use crate::{Error, Result, RowError, Tier, names};

/// How to read a lineage file.
#[derive(Clone, Debug, Default)]
pub struct LineageImport {
    /// The jurisdiction the events belong to; the default one when `None`.
    pub jurisdiction: Option<String>,
    /// The tier of rows without a `tier` column.
    pub tier: Option<Tier>,
    /// Check and report, write nothing.
    pub dry_run: bool,
}

/// What a lineage import did, or would do.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LineageReport {
    pub events: usize,
    /// Successors created, as named.
    pub agencies_created: Vec<String>,
    pub dry_run: bool,
}

/// One row of the file, read.
#[derive(Debug)]
struct EventRow {
    line: usize,
    year: i32,
    kind: LineageKind,
    tier: Tier,
    from: Vec<String>,
    to: Vec<String>,
    decision: Option<String>,
    note: Option<String>,
}

/// Records every event of a lineage file in one transaction, audited as `importLineage`; a
/// dry run reports and writes nothing.
pub async fn import(
    db: &DatabaseConnection,
    content: &[u8],
    options: &LineageImport,
    actor: &str,
) -> Result<LineageReport> {
    let txn = begin_write(db).await?;
    let report = apply(&txn, content, options).await?;
    if options.dry_run {
        txn.rollback().await?;
        return Ok(report);
    }
    let target = options.jurisdiction.clone().unwrap_or_default();
    audit::commit(
        txn,
        Entry {
            actor,
            action: "importLineage",
            target,
            before: None,
            after: Some(serde_json::json!({
                "events": report.events,
                "agenciesCreated": report.agencies_created,
            })),
        },
    )
    .await?;
    Ok(report)
}

/// Records every event of a lineage file in the caller's transaction, a year at a time: the
/// year's agencies resolved and its new successors created together, then its events stored
/// with their links batched, so that thousands of commune mergers cost a few statements each
/// hundred events rather than five an event.
pub async fn apply(
    txn: &impl ConnectionTrait,
    content: &[u8],
    options: &LineageImport,
) -> Result<LineageReport> {
    let mut rows = read(content, options.tier)?;
    // Events take effect in time order: a 2025 merge may name a unit a 2024 split made.
    rows.sort_by_key(|row| (row.year, row.line));
    let jurisdiction = resolve_jurisdiction(txn, options.jurisdiction.as_deref()).await?;
    let mut known = KnownAgencies::load(txn, jurisdiction.id).await?;
    let mut others: HashMap<String, (i32, KnownAgencies)> = HashMap::new();
    let mut decisions = KnownDecisions::load(txn, jurisdiction.id).await?;
    let mut report = LineageReport {
        dry_run: options.dry_run,
        ..LineageReport::default()
    };
    let mut errors = Vec::new();
    for year_rows in rows.chunk_by(|a, b| a.year == b.year) {
        // Predecessors stand in the year before; a successor is either an agency standing in
        // the event's year that is not one of its own predecessors, or a new agency.
        let mut resolved = Vec::with_capacity(year_rows.len());
        let mut new = Vec::new();
        for row in year_rows {
            let errors_before = errors.len();
            let mut predecessors = Vec::new();
            for name in &row.from {
                match resolve(txn, &mut known, &mut others, name, row.tier, row.year - 1).await? {
                    Some(id) => predecessors.push(id),
                    None => errors.push(RowError {
                        line: row.line,
                        column: Some("from".into()),
                        message: format!(
                            "no {} agency named `{name}` in {} (or code)",
                            row.tier,
                            row.year - 1
                        ),
                    }),
                }
            }
            // The predecessors stand no longer: a successor of one of their names is new.
            known.took_effect(row.year, &predecessors, &[]);
            let mut successors = Vec::new();
            for name in &row.to {
                let existing =
                    resolve(txn, &mut known, &mut others, name, row.tier, row.year).await?;
                match existing.filter(|id| !predecessors.contains(id)) {
                    Some(id) => successors.push(Some(id)),
                    // Another jurisdiction's agency is found there or nowhere: created here,
                    // it would be a new agency named `CODE: name`.
                    None if let Some((code, agency)) = in_other_jurisdiction(name) => {
                        errors.push(RowError {
                            line: row.line,
                            column: Some("to".into()),
                            message: format!(
                                "no {} agency named `{agency}` (or with that code) in `{code}` in \
                                 {}: a successor of another jurisdiction must exist there",
                                row.tier, row.year
                            ),
                        });
                        successors.push(None);
                    }
                    None => {
                        new.push((row.tier, name.clone(), row.year));
                        successors.push(None);
                    }
                }
            }
            let failed = errors.len() > errors_before;
            resolved.push((row, predecessors, successors, failed));
        }
        let created = known.create_all(txn, jurisdiction.id, &new).await?;
        report.agencies_created.extend(
            created
                .iter()
                .filter_map(|id| known.name_of(*id).map(str::to_owned)),
        );
        let mut links = Vec::new();
        for (row, predecessors, successors, failed) in resolved {
            // A new successor is found by its name now that it stands from this year.
            let successors: Vec<i32> = row
                .to
                .iter()
                .zip(successors)
                .filter_map(|(name, id)| id.or_else(|| known.find(row.tier, name, row.year)))
                .collect();
            // Successors count as named: one of another jurisdiction not found there is its
            // own error, not a second one about the kind.
            if let Some(problem) = row.kind.misfit(predecessors.len(), row.to.len()) {
                errors.push(RowError {
                    line: row.line,
                    column: Some("kind".into()),
                    message: problem,
                });
                continue;
            }
            if failed {
                continue;
            }
            let decision_id = match row.decision.as_deref() {
                Some(number) => Some(decisions.find_or_create(txn, number).await?),
                None => None,
            };
            let event = Stored {
                jurisdiction_id: jurisdiction.id,
                kind: row.kind,
                year: row.year,
                decision_id,
                note: row.note.clone(),
            };
            let id = store_event(txn, &event).await?;
            links.extend(lineage::links(id, &predecessors, &successors));
            known.took_effect(row.year, &predecessors, &successors);
            report.events += 1;
        }
        lineage::store_links(txn, links).await?;
    }
    if !errors.is_empty() {
        errors.sort_by_key(|error| error.line);
        return Err(Error::InvalidImport(errors));
    }
    Ok(report)
}

/// The agency `text` names (a code, a name, or `CODE: name` of another jurisdiction) that
/// stands for `year`.
async fn resolve(
    db: &impl ConnectionTrait,
    known: &mut KnownAgencies,
    others: &mut HashMap<String, (i32, KnownAgencies)>,
    text: &str,
    tier: Tier,
    year: i32,
) -> Result<Option<i32>> {
    if let Some((code, name)) = in_other_jurisdiction(text) {
        let code = code.to_owned();
        if !others.contains_key(&code) {
            let other = resolve_jurisdiction(db, Some(&code)).await?;
            others.insert(
                code.clone(),
                (other.id, KnownAgencies::load(db, other.id).await?),
            );
        }
        let (_, other) = &others[&code];
        return Ok(other.by_code(name).or_else(|| other.find(tier, name, year)));
    }
    Ok(known.by_code(text).or_else(|| known.find(tier, text, year)))
}

/// `CODE: name`, an agency of another jurisdiction, split into the jurisdiction's code and the
/// agency's name or code; `None` for an agency of the file's own jurisdiction.
fn in_other_jurisdiction(text: &str) -> Option<(&str, &str)> {
    text.split_once(':')
        .map(|(code, name)| (code.trim(), name.trim()))
        .filter(|(code, _)| crate::catalog::jurisdictions::is_code(code))
}

/// Reads the rows of a lineage file, or every problem in it.
fn read(content: &[u8], tier: Option<Tier>) -> Result<Vec<EventRow>> {
    let converted;
    let content = if spreadsheet::recognises(content) {
        converted = spreadsheet::first_sheet_as_csv(content).map_err(Error::BadInput)?;
        &converted[..]
    } else {
        content
    };
    let delimiter = crate::import::table::delimiter(content);
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(content);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|error| Error::BadInput(format!("unreadable header: {error}")))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let mut errors = Vec::new();
    for required in ["year", "kind", "from", "to"] {
        if column(required).is_none() {
            errors.push(RowError {
                line: 1,
                column: Some(required.into()),
                message: "missing column".into(),
            });
        }
    }
    if column("tier").is_none() && tier.is_none() {
        errors.push(RowError {
            line: 1,
            column: Some("tier".into()),
            message: "no tier column: give the tier of the agencies".into(),
        });
    }
    if !errors.is_empty() {
        return Err(Error::InvalidImport(errors));
    }
    let mut rows = Vec::new();
    for (number, record) in reader.records().enumerate() {
        let line = number + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                errors.push(RowError {
                    line,
                    column: None,
                    message: format!("unreadable row: {error}"),
                });
                continue;
            }
        };
        if record.iter().all(|cell| cell.trim().is_empty()) {
            continue;
        }
        let cell = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .map(str::trim)
                .filter(|text| !text.is_empty())
        };
        let mut fail = |name: &str, message: String| {
            errors.push(RowError {
                line,
                column: Some(name.into()),
                message,
            });
        };
        let year = cell("year").and_then(|t| t.parse::<i32>().ok());
        if year.is_none() {
            fail("year", "expected a year such as 2025".into());
        }
        let kind = cell("kind").map(str::parse::<LineageKind>);
        let kind = match kind {
            Some(Ok(kind)) => Some(kind),
            Some(Err(error)) => {
                fail("kind", error.to_string());
                None
            }
            None => {
                fail(
                    "kind",
                    "expected RENAME, MERGE, SPLIT, CREATE or ABOLISH".into(),
                );
                None
            }
        };
        let row_tier = match cell("tier") {
            Some(text) => text.parse::<Tier>().map_err(|e| fail("tier", e)).ok(),
            None => tier,
        };
        let list = |name: &str| -> Vec<String> {
            cell(name)
                .map(|text| {
                    text.split(';')
                        .map(str::trim)
                        .filter(|item| !item.is_empty())
                        .map(str::to_owned)
                        .collect()
                })
                .unwrap_or_default()
        };
        // Successors may become new agencies under these names: checked as any stored name.
        let to = list("to");
        if let Some(problem) = to.iter().find_map(|name| names::problem_with(name)) {
            fail("to", problem);
        }
        if let (Some(year), Some(kind), Some(tier)) = (year, kind, row_tier) {
            rows.push(EventRow {
                line,
                year,
                kind,
                tier,
                from: list("from"),
                to,
                decision: cell("decision").map(str::to_owned),
                note: cell("note").map(str::to_owned),
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(Error::InvalidImport(errors))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A successor may be created under its name, so a name no agency may bear is refused at its
    /// line and column, as the agency commands and imports refuse it.
    #[test]
    fn a_successor_name_no_agency_may_bear_is_refused_at_its_cell() {
        let hidden = "year,kind,from,to\n2025,MERGE,A;B,UBND x\u{202E}A\n";
        let long = format!("year,kind,from,to\n2025,RENAME,A,{}\n", "x".repeat(501));
        for table in [hidden.to_owned(), long] {
            match read(table.as_bytes(), Some(Tier::Commune)) {
                Err(Error::InvalidImport(errors)) => {
                    assert_eq!(errors.len(), 1, "{errors:?}");
                    assert_eq!(
                        (errors[0].line, errors[0].column.as_deref()),
                        (2, Some("to"))
                    );
                }
                other => panic!("expected the row refused, got {other:?}"),
            }
        }
        assert_eq!(
            read(b"year,kind,from,to\n2025,RENAME,A,B\n", Some(Tier::Commune))
                .map(|rows| rows.len())
                .ok(),
            Some(1)
        );
    }
}
