//! Checking imported rows against the database, then writing them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use entity::{ExactDecimal, agency, agency_alias, decision, ranking_index, result};
use sea_orm::sea_query::Query;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, IntoActiveModel, NotSet,
    QueryFilter, Set,
};

use super::ImportOptions;
use super::table::{Parsed, ParsedRow};
use crate::scope::{self, GroupKey};
use crate::scoring::Scheme;
use crate::{Error, Result, RowError, agencies, materialise, names, schemes, versions};

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

/// A result an import replaced with a new version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Amended {
    pub line: usize,
    pub agency: String,
    /// The amended result.
    pub result_id: i32,
    /// The replaced values and their decision, as the audit log records them.
    pub before: serde_json::Value,
}

/// How many rows an import writes between two progress lines.
const PROGRESS_EVERY: usize = 1_000;

/// A checked row with everything resolved that the write needs.
struct Planned {
    row: ParsedRow,
    group: GroupKey,
    scheme_id: i32,
    agency_id: Option<i32>,
    /// For a new agency, the known one its name looks like.
    near_miss: Option<String>,
    decision: Option<String>,
    /// The current result this row amends, when its decision amends the one that published it.
    replaces: Option<result::Model>,
}

/// Checks every well-formed row against the database, then, if neither parsing nor these checks
/// found an error, writes them all. Any error refuses the whole file with every error found; the
/// caller's transaction is then dropped, so nothing is written.
pub(crate) async fn write_rows(
    txn: &DatabaseTransaction,
    parsed: Parsed,
    options: &ImportOptions,
) -> Result<ImportReport> {
    let Parsed { rows, mut errors } = parsed;
    let jurisdiction = scope::resolve_jurisdiction(txn, options.jurisdiction.as_deref()).await?;
    let indices: HashMap<String, i32> = ranking_index::Entity::find()
        .all(txn)
        .await?
        .into_iter()
        .map(|index| (index.code, index.id))
        .collect();
    let known = KnownAgencies::load(txn, jurisdiction.id).await?;
    let existing: HashMap<(i32, i32, i32), result::Model> = result::Entity::find()
        .filter(result::Column::JurisdictionId.eq(jurisdiction.id))
        .filter(
            result::Column::Year.is_in(rows.iter().map(|row| row.year).collect::<BTreeSet<_>>()),
        )
        .all(txn)
        .await?
        .into_iter()
        .map(|row| ((row.ranking_index_id, row.year, row.agency_id), row))
        .collect();
    let mut decisions = Decisions::load(txn, jurisdiction.id).await?;

    let mut schemes: HashMap<GroupKey, Option<Arc<Scheme>>> = HashMap::new();
    let mut first_line: HashMap<(i32, i32, String), usize> = HashMap::new();
    let mut planned = Vec::new();
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
            .unwrap_or(scope::DEFAULT_INDEX);
        let Some(&index_id) = indices.get(index_code) else {
            errors.push(error(
                "index",
                format!("unknown ranking index `{index_code}`"),
            ));
            continue;
        };
        let group = GroupKey {
            jurisdiction_id: jurisdiction.id,
            index_id,
            year: row.year,
            tier: row.tier,
        };
        let scheme = match schemes.get(&group) {
            Some(scheme) => scheme.clone(),
            None => {
                let scheme = schemes::for_group(txn, group).await?;
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
        let mut row_ok = true;
        if let Some(label) = row.published_level.take() {
            match scheme.level_by_label(&label) {
                Some(level) => row.published_level = Some(level.code.clone()),
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
        let key = names::fold(&row.agency);
        if let Some(line) = first_line.get(&(index_id, row.year, key.clone())) {
            errors.push(error(
                "agency",
                format!(
                    "`{}` appears twice in {} (first on line {line})",
                    row.agency, row.year
                ),
            ));
            row_ok = false;
        } else {
            first_line.insert((index_id, row.year, key.clone()), row.line);
        }
        let agency_id = known.find(row.tier, &key);
        let decision = row.decision.clone().or_else(|| options.decision.clone());
        let replaces = match agency_id.and_then(|id| existing.get(&(index_id, row.year, id))) {
            Some(current) if decisions.amends(decision.as_deref(), current.decision_id) => {
                Some(current.clone())
            }
            Some(current) => {
                let published_by = current
                    .decision_id
                    .and_then(|id| decisions.number(id))
                    .map_or_else(String::new, |number| format!(" published by {number}"));
                let remedy = match current.decision_id.and_then(|id| decisions.number(id)) {
                    Some(number) => format!(
                        "; to correct it, publish a decision that amends {number} and import under it"
                    ),
                    None => String::new(),
                };
                errors.push(error(
                    "agency",
                    format!(
                        "`{}` already has a {} result in `{index_code}`{published_by}{remedy}",
                        row.agency, row.year
                    ),
                ));
                row_ok = false;
                None
            }
            None => None,
        };
        if let Some(current) = replaces.as_ref().filter(|_| options.keep_unstated) {
            keep_unstated(&mut row, current);
            let checked = super::table::check_rows(vec![row.clone()]);
            if !checked.errors.is_empty() {
                errors.extend(checked.errors);
                row_ok = false;
            }
        }
        if row_ok {
            // Only agencies known before this import are compared: comparing each new name
            // with every other new one would make large imports quadratic.
            let near_miss = agency_id
                .is_none()
                .then(|| known.nearest(row.tier, &key))
                .flatten();
            planned.push(Planned {
                row,
                group,
                scheme_id: scheme.id,
                agency_id,
                near_miss,
                decision,
                replaces,
            });
        }
    }
    if !errors.is_empty() {
        errors.sort_by_key(|error| error.line);
        return Err(Error::InvalidImport(errors));
    }

    let mut report = ImportReport {
        rows_read: planned.len(),
        dry_run: options.dry_run,
        ..ImportReport::default()
    };
    let mut known = known;
    let amended_ids: Vec<i32> = planned
        .iter()
        .filter_map(|plan| plan.replaces.as_ref().map(|current| current.id))
        .collect();
    let newest_versions = versions::newest(txn, &amended_ids).await?;
    let mut groups = BTreeSet::new();
    let total = planned.len();
    for (written, plan) in planned.into_iter().enumerate() {
        // Large files show progress (the CLI logs at info level to standard error).
        if written > 0 && written % PROGRESS_EVERY == 0 {
            tracing::info!("import: {written} of {total} rows written");
        }
        let agency_id = match plan.agency_id {
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
                known
                    .create(txn, jurisdiction.id, plan.row.tier, &plan.row.agency)
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
                before: published_json(current, &decisions),
            });
            version += newest_versions.get(&current.id).copied().unwrap_or(0);
        }
        write_result(txn, &plan, agency_id, decision_id, version).await?;
        groups.insert(plan.group);
    }
    for group in &groups {
        materialise::rescore_group(txn, *group).await?;
    }
    let index_codes: HashMap<i32, &String> = indices.iter().map(|(code, id)| (*id, code)).collect();
    report.groups = groups
        .iter()
        .map(|group| {
            let index = index_codes
                .get(&group.index_id)
                .map_or_else(String::new, |code| (*code).clone());
            Ranking {
                year: group.year,
                tier: group.tier,
                index,
            }
        })
        .collect();
    Ok(report)
}

/// Inserts the row's result, or, for an amendment, replaces the current values of the result it
/// amends; either way its published values become the result's version `version`.
async fn write_result(
    txn: &DatabaseTransaction,
    plan: &Planned,
    agency_id: i32,
    decision_id: Option<i32>,
    version: i32,
) -> Result<()> {
    let row = &plan.row;
    let exact = |value: Option<rust_decimal::Decimal>| value.map(ExactDecimal);
    let mut active = match &plan.replaces {
        Some(current) => current.clone().into_active_model(),
        None => result::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(plan.group.jurisdiction_id),
            agency_id: Set(agency_id),
            ranking_index_id: Set(plan.group.index_id),
            year: Set(row.year),
            tier: Set(row.tier.code().into()),
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
    active.max_points = Set(exact(row.max_points));
    active.excluded_points = Set(exact(row.excluded_points));
    active.achieved_points = Set(exact(row.achieved_points));
    active.published_rank = Set(row.published_rank);
    active.published_rate_percent = Set(exact(row.published_rate_percent));
    active.published_converted_score = Set(exact(row.published_converted_score));
    active.published_level_code = Set(row.published_level.clone());
    active.required_points = Set(exact(row.required_points));
    let written = match &plan.replaces {
        Some(_) => active.update(txn).await?,
        None => active.insert(txn).await?,
    };
    versions::append(txn, &written, version).await
}

/// Fills the values a correction leaves empty with those of the result it amends.
fn keep_unstated(row: &mut ParsedRow, current: &result::Model) {
    let value = |stored: Option<ExactDecimal>| stored.map(|value| value.0);
    row.max_points = row.max_points.or(value(current.max_points));
    row.excluded_points = row.excluded_points.or(value(current.excluded_points));
    // The stored required points are computed (max - excluded): carried over only where they
    // cannot be derived from the row's own max and excluded points.
    if row.max_points.is_none() || row.excluded_points.is_none() {
        row.required_points = row.required_points.or(value(current.required_points));
    }
    row.achieved_points = row.achieved_points.or(value(current.achieved_points));
    row.published_rank = row.published_rank.or(current.published_rank);
    row.published_rate_percent = row
        .published_rate_percent
        .or(value(current.published_rate_percent));
    row.published_converted_score = row
        .published_converted_score
        .or(value(current.published_converted_score));
    if row.published_level.is_none() {
        row.published_level = current.published_level_code.clone();
    }
}

/// A result's published values and decision, as the audit log shows what an amendment replaced.
fn published_json(row: &result::Model, decisions: &Decisions) -> serde_json::Value {
    let text = |value: Option<ExactDecimal>| value.map(|value| value.0.to_string());
    serde_json::json!({
        "resultId": row.id,
        "decision": row.decision_id.and_then(|id| decisions.number(id)),
        "maxPoints": text(row.max_points),
        "excludedPoints": text(row.excluded_points),
        "requiredPoints": text(row.required_points),
        "achievedPoints": text(row.achieved_points),
        "publishedRank": row.published_rank,
        "publishedRatePercent": text(row.published_rate_percent),
        "publishedConvertedScore": text(row.published_converted_score),
        "publishedLevel": row.published_level_code,
    })
}

/// The agencies of a jurisdiction, found by tier and folded name or alias.
struct KnownAgencies {
    by_name: HashMap<(String, String), i32>,
    codes: HashSet<String>,
    /// Current names by id, for suggestions.
    names: HashMap<i32, String>,
}

/// How alike two folded names must be (normalized Levenshtein) to suggest one for the other.
const NEAR_MISS: f64 = 0.8;

impl KnownAgencies {
    async fn load(txn: &DatabaseTransaction, jurisdiction_id: i32) -> Result<Self> {
        let agencies = agency::Entity::find()
            .filter(agency::Column::JurisdictionId.eq(jurisdiction_id))
            .all(txn)
            .await?;
        let aliases = agency_alias::Entity::find()
            .filter(
                agency_alias::Column::AgencyId.in_subquery(
                    Query::select()
                        .column(agency::Column::Id)
                        .from(agency::Entity)
                        .and_where(agency::Column::JurisdictionId.eq(jurisdiction_id))
                        .to_owned(),
                ),
            )
            .all(txn)
            .await?;
        let tiers: HashMap<i32, String> = agencies.iter().map(|a| (a.id, a.tier.clone())).collect();
        let mut by_name: HashMap<(String, String), i32> = agencies
            .iter()
            .map(|a| ((a.tier.clone(), a.search_key.clone()), a.id))
            .collect();
        for alias in aliases {
            if let Some(tier) = tiers.get(&alias.agency_id) {
                by_name
                    .entry((tier.clone(), alias.alias_key))
                    .or_insert(alias.agency_id);
            }
        }
        Ok(Self {
            by_name,
            names: agencies.iter().map(|a| (a.id, a.name.clone())).collect(),
            codes: agencies.into_iter().map(|a| a.code).collect(),
        })
    }

    /// The known agency of the tier whose name or alias is most like `key` (folded), when alike
    /// enough to be a variant of it: "Sở Tài nguyên và Môi trường" for "Sở Tài Nguyên Môi trường".
    fn nearest(&self, tier: crate::Tier, key: &str) -> Option<String> {
        self.by_name
            .iter()
            .filter(|((t, _), _)| t == tier.code())
            .map(|((_, known), id)| (strsim::normalized_levenshtein(known, key), *id))
            .filter(|(likeness, _)| *likeness >= NEAR_MISS)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .and_then(|(_, id)| self.names.get(&id).cloned())
    }

    fn find(&self, tier: crate::Tier, key: &str) -> Option<i32> {
        self.by_name
            .get(&(tier.code().to_owned(), key.to_owned()))
            .copied()
    }

    /// Creates the agency, with its name as its first alias, under a code not yet taken.
    async fn create(
        &mut self,
        txn: &DatabaseTransaction,
        jurisdiction_id: i32,
        tier: crate::Tier,
        name: &str,
    ) -> Result<i32> {
        let code = agencies::free_code(&names::code(name), |code| self.codes.contains(code));
        let created = agencies::create(txn, jurisdiction_id, tier, name, &code).await?;
        let key = created.search_key.clone();
        self.codes.insert(code);
        self.by_name
            .insert((tier.code().to_owned(), key), created.id);
        Ok(created.id)
    }
}

/// Decisions of a jurisdiction by number; a number not seen before is recorded as a decision.
struct Decisions {
    jurisdiction_id: i32,
    by_number: HashMap<String, i32>,
    numbers: HashMap<i32, String>,
    /// id -> the decision it amends.
    amended: HashMap<i32, Option<i32>>,
}

impl Decisions {
    async fn load(txn: &DatabaseTransaction, jurisdiction_id: i32) -> Result<Self> {
        let all = decision::Entity::find()
            .filter(decision::Column::JurisdictionId.eq(jurisdiction_id))
            .all(txn)
            .await?;
        Ok(Self {
            jurisdiction_id,
            by_number: all.iter().map(|d| (d.number.clone(), d.id)).collect(),
            numbers: all.iter().map(|d| (d.id, d.number.clone())).collect(),
            amended: all.into_iter().map(|d| (d.id, d.amends_id)).collect(),
        })
    }

    fn number(&self, id: i32) -> Option<String> {
        self.numbers.get(&id).cloned()
    }

    /// Whether the decision numbered `number` amends (directly or through the decisions it
    /// amends) the decision `current` that published a result.
    fn amends(&self, number: Option<&str>, current: Option<i32>) -> bool {
        let (Some(id), Some(current)) = (number.and_then(|n| self.by_number.get(n)), current)
        else {
            return false;
        };
        versions::chain(&self.amended, *id)
            .iter()
            .skip(1)
            .any(|amended| *amended == current)
    }

    async fn find_or_create(&mut self, txn: &DatabaseTransaction, number: &str) -> Result<i32> {
        if let Some(id) = self.by_number.get(number) {
            return Ok(*id);
        }
        let created = decision::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(self.jurisdiction_id),
            number: Set(number.to_owned()),
            issued_on: Set(None),
            title: Set(None),
            amends_id: Set(None),
        }
        .insert(txn)
        .await?;
        self.by_number.insert(number.to_owned(), created.id);
        self.numbers.insert(created.id, number.to_owned());
        self.amended.insert(created.id, None);
        Ok(created.id)
    }
}
