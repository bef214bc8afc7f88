//! Restated rankings: a year's ranking recomputed over a later year's map from lineage, stored
//! as its own ranking group beside the original publication, so that "5th of 63" and "2nd of
//! 34" are both there for 2024.
//!
//! Each agency of the later map that descends from a ranked one (following lineage forward from
//! the group's year, across the jurisdictions merged into this one in between) gets values
//! derived from its predecessors' results by the rule its scheme names
//! ([`crate::scoring::restatement`]): a merged province's DTI is the mean of the former
//! provinces'. An agency that nothing happened to carries its own values. The derived values are
//! ranked exactly with the ordinary competition ranking and graded by the scheme.
//!
//! The restated group is always re-derived from its sources, never re-scored from its own rows:
//! it is derived again when the original publication changes (an import or an amendment), when
//! the scheme governing it changes, and by every new restatement. A published restatement
//! imported into the group keeps its printed values beside the derived ones; the derivation
//! replaces only what it computes.

use std::collections::{BTreeSet, HashMap};

use entity::{ExactDecimal, result};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, QueryFilter, QuerySelect,
};

use super::rescore::with_computed;
use super::{ResultView, group, read};
use crate::access::audit::{self, Entry};
use crate::agencies::{self, lineage::Lineage};
use crate::catalog::{GroupKey, indices, jurisdictions, schemes};
use crate::db::{begin_write, bulk};
use crate::scoring::{self, Combined, Exact, RestateRule};
use crate::{Error, Result};

/// What a restatement derived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Restated {
    /// The restated group (its `restated_over` set).
    pub group: GroupKey,
    pub rule: RestateRule,
    /// How many results the restated ranking holds.
    pub results: usize,
    /// Agencies of the later map left out because none of their predecessors has a result in
    /// the year (a unit created from nothing ranked), by name.
    pub left_out: Vec<String>,
}

/// `egov-rank restate` and the `restateRanking` mutation: derives `group` (a ranking restated
/// over the map of its `restated_over` year) in one transaction, recorded in the audit log;
/// a dry run derives and reports, then writes nothing.
pub async fn restate(
    db: &DatabaseConnection,
    group: GroupKey,
    actor: &str,
    dry_run: bool,
) -> Result<Restated> {
    let txn = begin_write(db).await?;
    let restated = derive(&txn, group).await?;
    if dry_run {
        return Ok(restated);
    }
    let index = indices::codes(&txn)
        .await?
        .remove(&group.index_id)
        .unwrap_or_else(|| group.index_id.to_string());
    audit::commit(
        txn,
        Entry {
            actor,
            action: "restateRanking",
            target: format!(
                "{} {} {index} over {}",
                group.year,
                group.tier,
                group.restated_over.unwrap_or_default()
            ),
            before: None,
            after: Some(serde_json::json!({
                "rule": restated.rule.code(),
                "results": restated.results,
                "leftOut": restated.left_out,
            })),
        },
    )
    .await?;
    Ok(restated)
}

/// Derives the restated `group` from its sources and stores it, in the caller's transaction:
/// derived values replaced, published ones kept, results no longer derived and never published
/// removed.
pub async fn derive(db: &impl ConnectionTrait, group: GroupKey) -> Result<Restated> {
    let over = group.restated_over.ok_or_else(|| {
        Error::BadInput("a restatement names the later year whose map it ranks over".into())
    })?;
    if over <= group.year {
        return Err(Error::BadInput(format!(
            "a ranking of {} can only be restated over a later year's map, not {over}",
            group.year
        )));
    }
    let sources = sources(db, group.original(), over).await?;
    if sources.is_empty() {
        return Err(Error::NotFound(format!(
            "no {} results of {} in this index to restate",
            group.tier, group.year
        )));
    }
    let scheme = schemes::for_group(db, group).await?.ok_or_else(|| {
        Error::BadInput(format!(
            "no scoring scheme for {} {} or any earlier year",
            group.tier, group.year
        ))
    })?;
    let rule = scheme.restate.ok_or_else(|| {
        Error::BadInput(format!(
            "the scheme `{}` ({} on) names no restate rule, so its rankings cannot be restated: \
             set one (`restate = \"mean\"`, \"sum\" or \"max\")",
            scheme.name, scheme.year
        ))
    })?;

    let lineage = Lineage::load(db, group.jurisdiction_id).await?;
    let by_agency: HashMap<i32, &ResultView> = sources
        .iter()
        .map(|view| (view.row.agency_id, view))
        .collect();
    let mut candidates: BTreeSet<i32> = lineage.formed(group.year, over);
    for view in &sources {
        candidates.extend(lineage.descendants(view.row.agency_id, group.year, over));
    }
    let agencies = agencies::by_ids(db, &candidates.iter().copied().collect::<Vec<_>>()).await?;
    let mut derived: Vec<(i32, Combined)> = Vec::new();
    let mut left_out = Vec::new();
    for (agency_id, agency) in candidates
        .iter()
        .filter_map(|id| Some((*id, agencies.get(id)?)))
        .filter(|(_, agency)| agency.jurisdiction_id == group.jurisdiction_id)
    {
        let predecessors: Vec<Combined> = lineage
            .origin(agency_id, group.year, over)
            .agencies
            .iter()
            .filter_map(|id| by_agency.get(id))
            .map(|view| combinable(view))
            .collect();
        match rule.restate(scheme.rank_by, &predecessors) {
            Some(values) => derived.push((agency_id, values)),
            None => left_out.push(agency.name.clone()),
        }
    }

    let mut stored: HashMap<i32, result::Model> = group::rows(db, group)
        .await?
        .into_iter()
        .map(|row| (row.agency_id, row))
        .collect();
    let mut members: Vec<(result::Model, Option<Combined>)> = Vec::new();
    for (agency_id, values) in derived {
        let base = stored
            .remove(&agency_id)
            .unwrap_or_else(|| group::unstored(group, agency_id));
        members.push((base, Some(values)));
    }
    let mut removed = Vec::new();
    for (_, row) in stored {
        if published_anything(&row) {
            members.push((row, None));
        } else {
            removed.push(row.id);
        }
    }
    members.sort_by_key(|(row, _)| row.agency_id);
    let sort_keys: HashMap<i32, String> = agencies::by_ids(
        db,
        &members
            .iter()
            .map(|(row, _)| row.agency_id)
            .collect::<Vec<_>>(),
    )
    .await?
    .into_iter()
    .map(|(id, agency)| (id, agency.sort_key))
    .collect();
    let keys: Vec<&str> = members
        .iter()
        .map(|(row, _)| sort_keys.get(&row.agency_id).map_or("", String::as_str))
        .collect();
    let values: Vec<Option<Combined>> = members.iter().map(|(_, v)| v.clone()).collect();
    let scored = scoring::score_restated(&scheme, &values, &keys);
    let group_size = i32::try_from(members.len()).unwrap_or(i32::MAX);
    let results = members.len();
    let mut inserts = Vec::new();
    for ((row, values), scored) in members.into_iter().zip(scored) {
        let computed = with_computed(
            with_derived(row.clone(), values.as_ref()),
            scheme.id,
            scored,
            group_size,
        );
        if row.id == 0 {
            let mut active = computed.into_active_model();
            active.id = sea_orm::NotSet;
            inserts.push(active);
        } else if computed != row {
            computed.into_active_model().reset_all().update(db).await?;
        }
    }
    bulk::insert(db, inserts, &mut |_| {}).await?;
    if !removed.is_empty() {
        result::Entity::delete_many()
            .filter(result::Column::Id.is_in(removed))
            .exec(db)
            .await?;
    }
    Ok(Restated {
        group,
        rule,
        results,
        left_out,
    })
}

/// The results a restatement of `original` over `over` derives from: the original group's,
/// and those of the jurisdictions merged into its jurisdiction in between.
async fn sources(
    db: &impl ConnectionTrait,
    original: GroupKey,
    over: i32,
) -> Result<Vec<ResultView>> {
    let mut sources = read::whole(db, original).await?;
    for merged in
        jurisdictions::merged_into(db, original.jurisdiction_id, original.year, over).await?
    {
        let group = GroupKey {
            jurisdiction_id: merged,
            ..original
        };
        sources.extend(read::whole(db, group).await?);
    }
    Ok(sources)
}

/// A result's values as a restatement combines them: its points (with the scheme's maximum
/// where none was printed) and the score it was ranked by, exactly.
fn combinable(view: &ResultView) -> Combined {
    let points = view.points();
    let exact = |value: Option<rust_decimal::Decimal>| value.map(Exact::from_decimal);
    Combined {
        max: exact(points.max),
        excluded: exact(points.excluded),
        required: exact(points.required()),
        achieved: exact(points.achieved),
        score: view.exact_score(),
    }
}

/// Whether `row` is a restated result holding only derived values: a published restatement's
/// row for the same unit takes its place (keeping its id) rather than amending it.
pub fn derived_only(row: &result::Model) -> bool {
    row.restated_over.is_some() && !published_anything(row)
}

/// Whether a restated result holds values a published restatement printed.
fn published_anything(row: &result::Model) -> bool {
    row.published_rank.is_some()
        || row.published_rate_percent.is_some()
        || row.published_converted_score.is_some()
        || row.published_level_code.is_some()
        || row.published_score.is_some()
}

/// `row` holding the derived values in its value columns (to 28 significant digits where a
/// mean has no finite decimal form; ranks and levels come from the exact values), or none.
fn with_derived(row: result::Model, values: Option<&Combined>) -> result::Model {
    let stored = |value: Option<&Exact>| value.and_then(Exact::approximate).map(ExactDecimal);
    let values = values.cloned().unwrap_or_default();
    result::Model {
        max_points: stored(values.max.as_ref()),
        excluded_points: stored(values.excluded.as_ref()),
        required_points: stored(values.required.as_ref()),
        achieved_points: stored(values.achieved.as_ref()),
        score: stored(values.score.as_ref()),
        ranked_count: None,
        ..row
    }
}

/// Derives again every restatement of the rankings of `original`'s index, tier and year, in
/// any jurisdiction (a restatement reads the jurisdictions merged into its own too): called in
/// the transaction of a write that changed `original`.
pub async fn refresh(db: &impl ConnectionTrait, original: GroupKey) -> Result<()> {
    let restatements: Vec<(i32, i32)> = result::Entity::find()
        .select_only()
        .column(result::Column::JurisdictionId)
        .column(result::Column::RestatedOver)
        .distinct()
        .filter(result::Column::RankingIndexId.eq(original.index_id))
        .filter(result::Column::Year.eq(original.year))
        .filter(result::Column::Tier.eq(original.tier.code()))
        .filter(result::Column::RestatedOver.is_not_null())
        .into_tuple()
        .all(db)
        .await?;
    for (jurisdiction_id, over) in restatements {
        derive(
            db,
            GroupKey {
                jurisdiction_id,
                restated_over: Some(over),
                ..original
            },
        )
        .await?;
    }
    Ok(())
}
