//! Reading results: a year's ranking, an agency's series, discrepancies and summaries.
//! Reads only order and filter materialised values; they never re-rank.

use std::collections::HashMap;
use std::sync::Arc;

use entity::{agency, decision, ranking_index, result};
use rust_decimal::Decimal;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::page::{Page, PageRequest};
use crate::scope::{GroupKey, Scope};
use crate::scoring::{Exact, Level, Scheme, exact::MAX_DECIMALS};
use crate::{Error, Result, materialise, schemes};

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

/// The whole ranking of a group, in published order.
pub async fn whole_ranking(db: &impl ConnectionTrait, group: GroupKey) -> Result<Vec<ResultView>> {
    let rows = group_query(group)
        .order_by_asc(result::Column::Position)
        .all(db)
        .await?;
    views(db, rows).await
}

/// An agency's results in one index, oldest first, optionally within a span of years.
pub async fn of_agency(
    db: &impl ConnectionTrait,
    agency_id: i32,
    index_id: i32,
    from_year: Option<i32>,
    to_year: Option<i32>,
) -> Result<Vec<ResultView>> {
    let mut query = result::Entity::find()
        .filter(result::Column::AgencyId.eq(agency_id))
        .filter(result::Column::RankingIndexId.eq(index_id));
    if let Some(from) = from_year {
        query = query.filter(result::Column::Year.gte(from));
    }
    if let Some(to) = to_year {
        query = query.filter(result::Column::Year.lte(to));
    }
    let rows = query.order_by_asc(result::Column::Year).all(db).await?;
    views(db, rows).await
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

/// Attaches agencies, schemes, decisions and index codes to rows, in one query each.
async fn views(db: &impl ConnectionTrait, rows: Vec<result::Model>) -> Result<Vec<ResultView>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let agencies: HashMap<i32, agency::Model> = agency::Entity::find()
        .filter(agency::Column::Id.is_in(rows.iter().map(|row| row.agency_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|agency| (agency.id, agency))
        .collect();
    let schemes = schemes::by_ids(db, rows.iter().map(|row| row.scheme_id)).await?;
    let decisions: HashMap<i32, decision::Model> = decision::Entity::find()
        .filter(decision::Column::Id.is_in(rows.iter().filter_map(|row| row.decision_id)))
        .all(db)
        .await?
        .into_iter()
        .map(|decision| (decision.id, decision))
        .collect();
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

/// Figures of one ranking group: counts per level and the spread of exact rates.
#[derive(Clone, Debug)]
pub struct YearSummary {
    pub group: GroupKey,
    pub scheme: Arc<Scheme>,
    pub count: usize,
    /// Every level of the scheme, best first, with how many results reached it.
    pub level_counts: Vec<(Level, usize)>,
    /// Exact rates of the results that have one, ascending.
    pub rates: Vec<Exact>,
}

impl YearSummary {
    /// Mean rate, exact until rounded.
    pub fn mean(&self) -> Option<Exact> {
        let count = Exact::from_decimal(Decimal::from(self.rates.len()));
        let sum = self
            .rates
            .iter()
            .fold(Exact::from_decimal(Decimal::ZERO), |sum, rate| {
                sum.plus(rate)
            });
        sum.checked_div(&count)
    }

    /// Median rate: the middle one, or the mean of the two middle ones.
    pub fn median(&self) -> Option<Exact> {
        let n = self.rates.len();
        match n {
            0 => None,
            _ if n % 2 == 1 => Some(self.rates[n / 2].clone()),
            _ => self.rates[n / 2 - 1]
                .plus(&self.rates[n / 2])
                .checked_div(&Exact::from_decimal(Decimal::TWO)),
        }
    }

    pub fn min(&self) -> Option<Exact> {
        self.rates.first().cloned()
    }

    pub fn max(&self) -> Option<Exact> {
        self.rates.last().cloned()
    }
}

/// The summary of a group, or `None` when it has no results.
pub async fn year_summary(
    db: &impl ConnectionTrait,
    group: GroupKey,
) -> Result<Option<YearSummary>> {
    let views = whole_ranking(db, group).await?;
    let Some(first) = views.first() else {
        return Ok(None);
    };
    let scheme = first.scheme.clone();
    let level_counts = scheme
        .levels
        .iter()
        .map(|level| {
            (
                level.clone(),
                views
                    .iter()
                    .filter(|v| v.row.level_code.as_deref() == Some(&level.code))
                    .count(),
            )
        })
        .collect();
    let mut rates: Vec<Exact> = views
        .iter()
        .filter_map(ResultView::exact_rate_percent)
        .collect();
    rates.sort();
    Ok(Some(YearSummary {
        group,
        scheme,
        count: views.len(),
        level_counts,
        rates,
    }))
}
