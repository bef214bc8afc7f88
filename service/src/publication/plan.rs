//! Checking rows against the database before anything is written: each row's index, scheme and
//! level label, agencies named twice, and results already stored (which only an amending
//! decision may replace). Every problem is collected; any one refuses the whole table.

use std::collections::hash_map::Entry;
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use entity::result;
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};

use super::ImportOptions;
use crate::agencies::known::KnownAgencies;
use crate::catalog::{DEFAULT_INDEX, GroupKey, indices, resolve_jurisdiction, schemes};
use crate::decisions::KnownDecisions;
use crate::import::{Parsed, ParsedRow};
use crate::published::PublishedValues;
use crate::ranking::{group, restate};
use crate::scoring::{RankBy, Scheme};
use crate::{Error, Result, RowError, Tier, names};

/// A checked row with everything resolved that the write needs.
pub(super) struct Planned {
    pub row: ParsedRow,
    /// The agency's name as matched ([`names::match_key`]), computed once per row.
    pub key: String,
    pub group: GroupKey,
    pub scheme_id: i32,
    /// `None` for an agency the write creates.
    pub agency_id: Option<i32>,
    pub decision: Option<String>,
    /// The current result this row amends, when its decision amends the one that published it.
    /// Boxed: few rows amend, and the result would double the size of every planned row.
    pub replaces: Option<Box<result::Model>>,
}

/// Checked rows and what was loaded to check them, which the write goes on using.
pub(super) struct Plan {
    pub jurisdiction_id: i32,
    /// Index codes by id.
    pub index_codes: HashMap<i32, String>,
    pub agencies: KnownAgencies,
    pub decisions: KnownDecisions,
    pub rows: Vec<Planned>,
}

/// Checks every well-formed row against the database. Parsing errors and these checks' errors
/// refuse the table together, sorted by line.
pub(super) async fn plan(
    db: &impl ConnectionTrait,
    parsed: Parsed,
    options: &ImportOptions,
) -> Result<Plan> {
    let Parsed { rows, mut errors } = parsed;
    let jurisdiction = resolve_jurisdiction(db, options.jurisdiction.as_deref()).await?;
    let index_codes = indices::codes(db).await?;
    let index_ids: HashMap<&str, i32> = index_codes
        .iter()
        .map(|(id, code)| (code.as_str(), *id))
        .collect();
    let agencies = KnownAgencies::load(db, jurisdiction.id).await?;
    let decisions = KnownDecisions::load(db, jurisdiction.id).await?;
    let existing: HashMap<(i32, i32, i32), result::Model> =
        group::restated_over(result::Entity::find(), options.restated_over)
            .filter(result::Column::JurisdictionId.eq(jurisdiction.id))
            .filter(
                result::Column::Year
                    .is_in(rows.iter().map(|row| row.year).collect::<BTreeSet<_>>()),
            )
            .all(db)
            .await?
            .into_iter()
            .map(|row| ((row.ranking_index_id, row.year, row.agency_id), row))
            .collect();

    let mut schemes: HashMap<GroupKey, Option<Arc<Scheme>>> = HashMap::new();
    let mut first_line: HashMap<(i32, i32, String), usize> = HashMap::new();
    let mut match_keys: HashMap<Tier, HashMap<String, String>> = HashMap::new();
    let mut planned = Vec::with_capacity(rows.len());
    for mut row in rows {
        let line = row.line;
        let error = |column: &str, message: String| RowError {
            line,
            column: Some(column.into()),
            message,
        };
        let index_code = row
            .index
            .as_deref()
            .or(options.index.as_deref())
            .unwrap_or(DEFAULT_INDEX);
        let Some(&index_id) = index_ids.get(index_code) else {
            errors.push(error(
                "index",
                format!("unknown ranking index `{index_code}`"),
            ));
            continue;
        };
        if let Some(over) = options.restated_over.filter(|over| *over <= row.year) {
            errors.push(error(
                "year",
                format!(
                    "a ranking of {} can only be restated over a later year's map, not {over}",
                    row.year
                ),
            ));
            continue;
        }
        let group = GroupKey {
            jurisdiction_id: jurisdiction.id,
            index_id,
            year: row.year,
            tier: row.tier,
            restated_over: options.restated_over,
        };
        let scheme = match schemes.get(&group) {
            Some(scheme) => scheme.clone(),
            None => {
                let scheme = schemes::for_group(db, group).await?;
                schemes.insert(group, scheme.clone());
                scheme
            }
        };
        let Some(scheme) = scheme else {
            errors.push(error(
                "year",
                format!(
                    "no scoring scheme for {} {} {} or any earlier year",
                    index_code, row.tier, row.year
                ),
            ));
            continue;
        };
        row.values.ranked_count = row.values.ranked_count.or(options.ranked_count);
        if scheme.rank_by == RankBy::Score && row.values.score.is_none() {
            // A table of scores prints them under a header such as "Điểm": read as points
            // until the scheme says what the ranking is by.
            row.values.score = row.values.achieved_points.take();
        }
        let mut row_ok = true;
        if let Some(label) = row.values.level.take() {
            match scheme.level_by_label(&label) {
                Some(level) => row.values.level = Some(level.code.clone()),
                None => {
                    let codes: Vec<&str> = scheme
                        .levels
                        .iter()
                        .map(|level| level.code.as_str())
                        .collect();
                    errors.push(error(
                        "published_level",
                        format!(
                            "unknown level `{label}` (the {} scale has {})",
                            row.year,
                            codes.join(", ")
                        ),
                    ));
                    row_ok = false;
                }
            }
        }
        // A history names each agency once a year: its key is folded once.
        let known_keys = match_keys.entry(row.tier).or_default();
        let key = match known_keys.get(row.agency.as_str()) {
            Some(key) => key.clone(),
            None => {
                let key = names::match_key(row.tier, &row.agency);
                known_keys.insert(row.agency.clone(), key.clone());
                key
            }
        };
        match first_line.entry((index_id, row.year, key.clone())) {
            Entry::Occupied(first) => {
                errors.push(error(
                    "agency",
                    format!(
                        "`{}` appears twice in {} (first on line {})",
                        row.agency,
                        row.year,
                        first.get()
                    ),
                ));
                row_ok = false;
            }
            Entry::Vacant(first) => {
                first.insert(row.line);
            }
        }
        let agency_id = agencies.find_by_key(row.tier, &key, options.map_year(row.year));
        let decision = row.decision.clone().or_else(|| options.decision.clone());
        let replaces = match agency_id.and_then(|id| existing.get(&(index_id, row.year, id))) {
            Some(current)
                if restate::derived_only(current)
                    || decisions.amends(decision.as_deref(), current.decision_id) =>
            {
                Some(Box::new(current.clone()))
            }
            Some(current) => {
                let published_by = current.decision_id.and_then(|id| decisions.number(id));
                let (by, remedy) = match published_by {
                    Some(number) => (
                        format!(" published by {number}"),
                        format!(
                            "; to correct it, publish a decision that amends {number} and import under it"
                        ),
                    ),
                    None => (String::new(), String::new()),
                };
                errors.push(error(
                    "agency",
                    format!(
                        "`{}` already has a {} result in `{index_code}`{by}{remedy}",
                        row.agency, row.year
                    ),
                ));
                row_ok = false;
                None
            }
            None => None,
        };
        if let Some(current) = replaces.as_ref().filter(|_| options.keep_unstated) {
            row.values = row
                .values
                .or_earlier(&PublishedValues::of_current_version(current));
            let checked = crate::import::table::check_rows(vec![row.clone()]);
            if !checked.errors.is_empty() {
                errors.extend(checked.errors);
                row_ok = false;
            }
        }
        if row_ok {
            planned.push(Planned {
                row,
                key,
                group,
                scheme_id: scheme.id,
                agency_id,
                decision,
                replaces,
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|error| error.line);
        return Err(Error::InvalidImport(errors));
    }
    Ok(Plan {
        jurisdiction_id: jurisdiction.id,
        index_codes,
        agencies,
        decisions,
        rows: planned,
    })
}
