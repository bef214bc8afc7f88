//! Reading results: a year's ranking, an agency's series, discrepancies and summaries.
//! Reads only order and filter materialised values; they never re-rank.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use entity::{agency, decision, ranking_index, result};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::id_list::find_by_ids;
use crate::page::{Page, PageRequest};
use crate::scope::{GroupKey, Scope};
use crate::scoring::{Exact, Level, Scheme, exact::MAX_DECIMALS};
use crate::{Error, Result, agencies, decisions, materialise, schemes};

/// A result with what reading it needs: its agency, its scheme, its decision and index.
#[derive(Clone, Debug)]
pub struct ResultView {
    pub row: result::Model,
    pub agency: agency::Model,
    pub scheme: Arc<Scheme>,
    pub decision: Option<decision::Model>,
    pub index_code: String,
}

impl ResultView {
    /// The exact rate in percent, when the points were published.
    pub fn exact_rate_percent(&self) -> Option<Exact> {
        materialise::points(&self.row).rate_percent()
    }

    /// The exact converted score under the result's scheme.
    pub fn exact_converted_score(&self) -> Option<Exact> {
        materialise::points(&self.row).converted_score(self.scheme.converted_rule)
    }

    /// The rate rounded half away from zero to `decimals` places, by default the scheme's.
    pub fn rate_percent(&self, decimals: Option<i32>) -> Result<Option<Decimal>> {
        let decimals = precision(decimals, self.scheme.rate_decimals)?;
        Ok(self
            .exact_rate_percent()
            .and_then(|rate| rate.round(decimals)))
    }

    /// The converted score rounded half away from zero to `decimals` places, by default the scheme's.
    pub fn converted_score(&self, decimals: Option<i32>) -> Result<Option<Decimal>> {
        let decimals = precision(decimals, self.scheme.converted_decimals)?;
        Ok(self
            .exact_converted_score()
            .and_then(|score| score.round(decimals)))
    }

    /// The computed level.
    pub fn level(&self) -> Option<&Level> {
        self.row
            .level_code
            .as_deref()
            .and_then(|code| self.scheme.level(code))
    }

    /// The level as published.
    pub fn published_level(&self) -> Option<&Level> {
        self.row
            .published_level_code
            .as_deref()
            .and_then(|code| self.scheme.level(code))
    }
}

/// A requested number of decimal places, checked; the default when none was asked for.
pub fn precision(requested: Option<i32>, default: u32) -> Result<u32> {
    match requested {
        None => Ok(default),
        Some(decimals) => u32::try_from(decimals)
            .ok()
            .filter(|decimals| *decimals <= MAX_DECIMALS)
            .ok_or_else(|| {
                Error::BadInput(format!(
                    "decimals must be between 0 and {MAX_DECIMALS}, not {decimals}"
                ))
            }),
    }
}

fn group_query(group: GroupKey) -> Select<result::Entity> {
    result::Entity::find()
        .filter(result::Column::JurisdictionId.eq(group.jurisdiction_id))
        .filter(result::Column::RankingIndexId.eq(group.index_id))
        .filter(result::Column::Year.eq(group.year))
        .filter(result::Column::Tier.eq(group.tier.code()))
}

/// Every stored result of a group, in no particular order.
pub(crate) async fn group_rows(
    db: &impl ConnectionTrait,
    group: GroupKey,
) -> Result<Vec<result::Model>> {
    Ok(group_query(group).all(db).await?)
}

/// One page of a ranking, in published order: by rank, then Vietnamese alphabetical order.
pub async fn ranking(
    db: &impl ConnectionTrait,
    group: GroupKey,
    page: PageRequest,
) -> Result<Page<ResultView>> {
    let query = group_query(group);
    let total = query.clone().count(db).await?;
    let rows = query
        .order_by_asc(result::Column::Position)
        .offset(page.offset)
        .limit(page.limit)
        .all(db)
        .await?;
    Ok(Page {
        items: views(db, rows).await?,
        total,
    })
}

/// Results by id, in the order asked for.
pub async fn by_ids(db: &impl ConnectionTrait, ids: &[i32]) -> Result<Vec<ResultView>> {
    let mut rows = find_by_ids(
        db,
        result::Entity::find(),
        result::Column::Id,
        ids.iter().copied(),
    )
    .await?;
    // Each id's first place in `ids`: a lookup, not a scan per row (lists can be long).
    let place: HashMap<i32, usize> = ids
        .iter()
        .enumerate()
        .rev()
        .map(|(i, id)| (*id, i))
        .collect();
    rows.sort_by_key(|row| place.get(&row.id).copied());
    views(db, rows).await
}

/// The whole ranking of a group, in published order.
pub async fn whole_ranking(db: &impl ConnectionTrait, group: GroupKey) -> Result<Vec<ResultView>> {
    let rows = group_query(group)
        .order_by_asc(result::Column::Position)
        .all(db)
        .await?;
    views(db, rows).await
}

/// The results of several agencies in one index, by agency, each oldest first: one batch for
/// every agency a GraphQL response shows.
pub async fn of_agencies(
    db: &impl ConnectionTrait,
    agency_ids: &[i32],
    index_id: i32,
) -> Result<HashMap<i32, Vec<ResultView>>> {
    let rows = find_by_ids(
        db,
        result::Entity::find()
            .filter(result::Column::RankingIndexId.eq(index_id))
            .order_by_asc(result::Column::Year),
        result::Column::AgencyId,
        agency_ids.iter().copied(),
    )
    .await?;
    let mut by_agency: HashMap<i32, Vec<ResultView>> = HashMap::new();
    for view in views(db, rows).await? {
        by_agency.entry(view.row.agency_id).or_default().push(view);
    }
    Ok(by_agency)
}

/// The years that have results in a scope, ascending.
pub async fn years(db: &impl ConnectionTrait, scope: &Scope) -> Result<Vec<i32>> {
    let years: Vec<i32> = result::Entity::find()
        .select_only()
        .column(result::Column::Year)
        .distinct()
        .filter(result::Column::JurisdictionId.eq(scope.jurisdiction.id))
        .filter(result::Column::RankingIndexId.eq(scope.index.id))
        .order_by_asc(result::Column::Year)
        .into_tuple()
        .all(db)
        .await?;
    Ok(years)
}

/// The years in which one tier of a scope has results, ascending.
pub async fn group_years(
    db: &impl ConnectionTrait,
    jurisdiction_id: i32,
    index_id: i32,
    tier: crate::Tier,
) -> Result<Vec<i32>> {
    Ok(result::Entity::find()
        .select_only()
        .column(result::Column::Year)
        .distinct()
        .filter(result::Column::JurisdictionId.eq(jurisdiction_id))
        .filter(result::Column::RankingIndexId.eq(index_id))
        .filter(result::Column::Tier.eq(tier.code()))
        .order_by_asc(result::Column::Year)
        .into_tuple()
        .all(db)
        .await?)
}

/// Attaches agencies, schemes, decisions and index codes to rows, in one query each.
pub(crate) async fn views(
    db: &impl ConnectionTrait,
    rows: Vec<result::Model>,
) -> Result<Vec<ResultView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids = |id: fn(&result::Model) -> Option<i32>| -> Vec<i32> {
        rows.iter()
            .filter_map(id)
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let agencies = agencies::by_ids(db, &ids(|row| Some(row.agency_id))).await?;
    let schemes = schemes::by_ids(db, ids(|row| Some(row.scheme_id))).await?;
    let decisions = decisions::by_ids(db, &ids(|row| row.decision_id)).await?;
    let indices: HashMap<i32, String> = ranking_index::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|index| (index.id, index.code))
        .collect();
    rows.into_iter()
        .map(|row| {
            let missing = |what: &str| {
                Error::Corrupt(format!("result {} refers to a missing {what}", row.id))
            };
            Ok(ResultView {
                agency: agencies
                    .get(&row.agency_id)
                    .cloned()
                    .ok_or_else(|| missing("agency"))?,
                scheme: schemes
                    .get(&row.scheme_id)
                    .cloned()
                    .ok_or_else(|| missing("scheme"))?,
                decision: row.decision_id.and_then(|id| decisions.get(&id).cloned()),
                index_code: indices
                    .get(&row.ranking_index_id)
                    .cloned()
                    .ok_or_else(|| missing("index"))?,
                row,
            })
        })
        .collect()
}

/// A published value that a recomputation at the published precision does not give.
#[derive(Clone, Debug)]
pub struct Discrepancy {
    pub result: ResultView,
    /// `rank`, `ratePercent`, `convertedScore` or `level`.
    pub field: &'static str,
    /// As printed.
    pub published: String,
    /// Recomputed from the published points, rounded like the printed value.
    pub recomputed: String,
}

/// Where the published values of a group disagree with a recomputation. Both are kept; neither
/// is overwritten.
pub async fn discrepancies(db: &impl ConnectionTrait, group: GroupKey) -> Result<Vec<Discrepancy>> {
    let mut found = Vec::new();
    for view in whole_ranking(db, group).await? {
        found.extend(discrepancies_of(&view));
    }
    Ok(found)
}

fn discrepancies_of(view: &ResultView) -> Vec<Discrepancy> {
    let row = &view.row;
    let at_printed_scale = |printed: Decimal, exact: Option<Exact>| {
        exact.and_then(|value| value.round(printed.scale()))
    };
    let mut pairs: Vec<(&'static str, String, Option<String>)> = Vec::new();
    if let Some(printed) = row.published_rank {
        pairs.push((
            "rank",
            printed.to_string(),
            row.rank.map(|rank| rank.to_string()),
        ));
    }
    if let Some(printed) = row.published_rate_percent {
        let recomputed = at_printed_scale(printed.0, view.exact_rate_percent());
        pairs.push((
            "ratePercent",
            printed.to_string(),
            recomputed.map(|v| v.to_string()),
        ));
    }
    if let Some(printed) = row.published_converted_score {
        let recomputed = at_printed_scale(printed.0, view.exact_converted_score());
        pairs.push((
            "convertedScore",
            printed.to_string(),
            recomputed.map(|v| v.to_string()),
        ));
    }
    if let Some(printed) = &row.published_level_code {
        pairs.push(("level", printed.clone(), row.level_code.clone()));
    }
    pairs
        .into_iter()
        .filter_map(|(field, published, recomputed)| {
            let recomputed = recomputed?;
            (published != recomputed).then(|| Discrepancy {
                result: view.clone(),
                field,
                published,
                recomputed,
            })
        })
        .collect()
}
