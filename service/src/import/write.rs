//! Checking imported rows against the database, then writing them.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use entity::{ExactDecimal, agency, agency_alias, decision, ranking_index, result};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, NotSet, QueryFilter, Set,
};

use super::ImportOptions;
use super::table::{Parsed, ParsedRow};
use crate::scope::{self, GroupKey};
use crate::scoring::Scheme;
use crate::{Error, Result, RowError, materialise, names, schemes};

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
    /// Ranking groups (year, tier, index) that were re-scored.
    pub groups_rescored: usize,
    pub dry_run: bool,
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
    let existing: HashSet<(i32, i32, i32)> = result::Entity::find()
        .filter(result::Column::JurisdictionId.eq(jurisdiction.id))
        .filter(
            result::Column::Year.is_in(rows.iter().map(|row| row.year).collect::<BTreeSet<_>>()),
        )
        .all(txn)
        .await?
        .into_iter()
        .map(|row| (row.ranking_index_id, row.year, row.agency_id))
        .collect();

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
        if agency_id.is_some_and(|id| existing.contains(&(index_id, row.year, id))) {
            errors.push(error(
                "agency",
                format!(
                    "`{}` already has a {} result in `{index_code}`",
                    row.agency, row.year
                ),
            ));
            row_ok = false;
        }
        if row_ok {
            let decision = row.decision.clone().or_else(|| options.decision.clone());
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
    let mut decisions = Decisions::load(txn, jurisdiction.id).await?;
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
        insert_result(txn, &plan, agency_id, decision_id).await?;
        groups.insert(plan.group);
    }
    for group in &groups {
        materialise::rescore_group(txn, *group).await?;
    }
    report.groups_rescored = groups.len();
    Ok(report)
}

async fn insert_result(
    txn: &DatabaseTransaction,
    plan: &Planned,
    agency_id: i32,
    decision_id: Option<i32>,
) -> Result<()> {
    let row = &plan.row;
    let exact = |value: Option<rust_decimal::Decimal>| value.map(ExactDecimal);
    result::ActiveModel {
        id: NotSet,
        jurisdiction_id: Set(plan.group.jurisdiction_id),
        agency_id: Set(agency_id),
        ranking_index_id: Set(plan.group.index_id),
        year: Set(row.year),
        tier: Set(row.tier.code().into()),
        decision_id: Set(decision_id),
        scheme_id: Set(plan.scheme_id),
        max_points: Set(exact(row.max_points)),
        excluded_points: Set(exact(row.excluded_points)),
        achieved_points: Set(exact(row.achieved_points)),
        published_rank: Set(row.published_rank),
        published_rate_percent: Set(exact(row.published_rate_percent)),
        published_converted_score: Set(exact(row.published_converted_score)),
        published_level_code: Set(row.published_level.clone()),
        required_points: Set(exact(row.required_points)),
        rate_percent: Set(None),
        converted_score: Set(None),
        level_code: Set(None),
        rank: Set(None),
        tied_with: Set(None),
        position: Set(0),
        group_size: Set(0),
    }
    .insert(txn)
    .await?;
    Ok(())
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
            .filter(agency_alias::Column::AgencyId.is_in(agencies.iter().map(|a| a.id)))
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
        let base = names::code(name);
        let code = std::iter::once(base.clone())
            .chain((2..).map(|n| format!("{base}-{n}")))
            .find(|code| !self.codes.contains(code))
            .unwrap_or(base);
        let key = names::fold(name);
        let created = agency::ActiveModel {
            id: NotSet,
            jurisdiction_id: Set(jurisdiction_id),
            code: Set(code.clone()),
            name: Set(name.to_owned()),
            tier: Set(tier.code().into()),
            search_key: Set(key.clone()),
            sort_key: Set(names::sort_key(name)),
        }
        .insert(txn)
        .await?;
        agency_alias::ActiveModel {
            id: NotSet,
            agency_id: Set(created.id),
            alias: Set(name.to_owned()),
            alias_key: Set(key.clone()),
        }
        .insert(txn)
        .await?;
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
}

impl Decisions {
    async fn load(txn: &DatabaseTransaction, jurisdiction_id: i32) -> Result<Self> {
        let by_number = decision::Entity::find()
            .filter(decision::Column::JurisdictionId.eq(jurisdiction_id))
            .all(txn)
            .await?
            .into_iter()
            .map(|d| (d.number, d.id))
            .collect();
        Ok(Self {
            jurisdiction_id,
            by_number,
        })
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
        Ok(created.id)
    }
}
