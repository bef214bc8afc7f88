//! Comparing years: rank movements, level changes, transitions and top movers.
//!
//! Everything here reads materialised ranks and levels and the lineage between agencies; nothing
//! re-ranks. An agency of the later year is paired with its own result of the earlier year, or
//! with its former self across renames; across a merge or split it shows its predecessors'
//! results instead and is not comparable rank for rank.

pub mod summary;

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use entity::agency;
use sea_orm::ConnectionTrait;

use crate::agencies::lineage::Lineage;
use crate::catalog::{GroupKey, jurisdictions, tier_ends};
use crate::ranking::{ResultView, group, read};
use crate::scoring::{Exact, Scheme};
use crate::{Error, Result};

/// How an agency's level moved between two years.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum LevelDirection {
    /// A better level (a lower ordinal).
    Up,
    Down,
    Same,
    /// Only in the later year.
    New,
    /// Only in the earlier year.
    Dropped,
    /// The years' level scales differ, a level is unknown, or a merge or split lies in between.
    NotComparable,
}

/// One agency between two years.
#[derive(Clone, Debug)]
pub struct Movement {
    /// The later year's agency, or the earlier year's for a dropped one.
    pub agency: Arc<agency::Model>,
    pub from: Option<Arc<ResultView>>,
    pub to: Option<Arc<ResultView>>,
    /// Across a merge or split: the earlier results the agency descends from.
    pub predecessors: Vec<Arc<ResultView>>,
    pub level_direction: LevelDirection,
    /// Why the agency is gone or new, where the data says (a tier that ended).
    pub reason: Option<String>,
}

impl Movement {
    /// from.rank - to.rank: positive means the agency moved up.
    pub fn rank_change(&self) -> Option<i32> {
        Some(self.from.as_ref()?.row.rank? - self.to.as_ref()?.row.rank?)
    }

    /// to.rate - from.rate, exact, in percentage points.
    pub fn rate_percent_change(&self) -> Option<Exact> {
        let from = self.from.as_ref()?.exact_rate_percent()?;
        Some(self.to.as_ref()?.exact_rate_percent()?.minus(&from))
    }

    /// to.convertedScore - from.convertedScore, exact.
    pub fn converted_score_change(&self) -> Option<Exact> {
        let from = self.from.as_ref()?.exact_converted_score()?;
        Some(self.to.as_ref()?.exact_converted_score()?.minus(&from))
    }

    /// to.percentile - from.percentile, exact, in percentage points: comparable where the
    /// group changed size between the years.
    pub fn percentile_change(&self) -> Option<Exact> {
        let from = self.from.as_ref()?.exact_percentile()?;
        Some(self.to.as_ref()?.exact_percentile()?.minus(&from))
    }

    /// to.score - from.score, exact (rankings by a published score, such as the DTI).
    pub fn score_change(&self) -> Option<Exact> {
        let from = self.from.as_ref()?.exact_score()?;
        Some(self.to.as_ref()?.exact_score()?.minus(&from))
    }
}

/// Whether a ranking was published in part: it says it ranked more than it printed (the first
/// 17 of 63). An agency missing from it was not necessarily absent.
fn partial(views: &[Arc<ResultView>]) -> bool {
    views
        .first()
        .is_some_and(|view| view.group_size() > view.row.group_size)
}

/// Whether two schemes' levels can be compared: the same codes at the same ordinals.
pub fn comparable_scales(a: &Scheme, b: &Scheme) -> bool {
    let scale = |s: &Scheme| {
        s.levels
            .iter()
            .map(|l| (l.code.clone(), l.ordinal))
            .collect::<Vec<_>>()
    };
    scale(a) == scale(b)
}

fn direction(from: &ResultView, to: &ResultView) -> LevelDirection {
    if !comparable_scales(&from.scheme, &to.scheme) {
        return LevelDirection::NotComparable;
    }
    match (from.effective_level(), to.effective_level()) {
        (Some(before), Some(after)) => match after.ordinal.cmp(&before.ordinal) {
            std::cmp::Ordering::Less => LevelDirection::Up,
            std::cmp::Ordering::Greater => LevelDirection::Down,
            std::cmp::Ordering::Equal => LevelDirection::Same,
        },
        _ => LevelDirection::NotComparable,
    }
}

/// Pairs two whole rankings into movements, in the later year's order, dropped agencies last
/// (in the earlier year's order).
pub fn pair(from: &[Arc<ResultView>], to: &[Arc<ResultView>], lineage: &Lineage) -> Vec<Movement> {
    // The map each side's agencies belong to: a restated ranking's is the year it was
    // restated over, whose units it ranks already.
    let map_year = |v: &Arc<ResultView>| v.row.restated_over.unwrap_or(v.row.year);
    let (Some(from_year), Some(to_year)) = (from.first().map(map_year), to.first().map(map_year))
    else {
        // One side is empty: everything is new, or everything dropped.
        let new = to.iter().map(|view| Movement {
            agency: view.agency.clone(),
            from: None,
            to: Some(view.clone()),
            predecessors: Vec::new(),
            level_direction: LevelDirection::New,
            reason: None,
        });
        let dropped = from.iter().map(|view| Movement {
            agency: view.agency.clone(),
            from: Some(view.clone()),
            to: None,
            predecessors: Vec::new(),
            level_direction: LevelDirection::Dropped,
            reason: None,
        });
        return new.chain(dropped).collect();
    };
    // Missing from a ranking published in part is not the same as absent: not comparable.
    let (new, dropped) = (
        if partial(from) {
            LevelDirection::NotComparable
        } else {
            LevelDirection::New
        },
        if partial(to) {
            LevelDirection::NotComparable
        } else {
            LevelDirection::Dropped
        },
    );
    let earlier: HashMap<i32, &Arc<ResultView>> =
        from.iter().map(|v| (v.row.agency_id, v)).collect();
    let mut claimed: BTreeSet<i32> = BTreeSet::new();
    let mut movements = Vec::with_capacity(to.len());
    for view in to {
        let origin = lineage.origin(view.row.agency_id, from_year, to_year);
        let found: Vec<&Arc<ResultView>> = origin
            .agencies
            .iter()
            .filter_map(|id| earlier.get(id).copied())
            .collect();
        claimed.extend(found.iter().map(|v| v.row.agency_id));
        let movement = match (origin.composite, found.as_slice()) {
            (false, [single]) => Movement {
                agency: view.agency.clone(),
                from: Some((*single).clone()),
                to: Some(view.clone()),
                predecessors: Vec::new(),
                level_direction: direction(single, view),
                reason: None,
            },
            (_, []) => Movement {
                agency: view.agency.clone(),
                from: None,
                to: Some(view.clone()),
                predecessors: Vec::new(),
                level_direction: new,
                reason: None,
            },
            (_, several) => Movement {
                agency: view.agency.clone(),
                from: None,
                to: Some(view.clone()),
                predecessors: several.iter().map(|v| (*v).clone()).collect(),
                level_direction: LevelDirection::NotComparable,
                reason: None,
            },
        };
        movements.push(movement);
    }
    movements.extend(
        from.iter()
            .filter(|v| !claimed.contains(&v.row.agency_id))
            .map(|view| Movement {
                agency: view.agency.clone(),
                from: Some(view.clone()),
                to: None,
                predecessors: Vec::new(),
                level_direction: dropped,
                reason: None,
            }),
    );
    movements
}

/// Every movement of a tier between two years of a scope (the years need not be consecutive).
/// The earlier year reads the rankings of the jurisdictions merged into this one in between
/// too; agencies dropped because their tier ended say so. An earlier year restated over a later
/// map (`from.restated_over`) is compared as restated: its units are those of that map, so
/// against the ranking of the map's own year every unit pairs one to one, merged ones included.
pub async fn compare_years(
    db: &impl ConnectionTrait,
    from: GroupKey,
    to_year: i32,
) -> Result<Vec<Movement>> {
    let mut rankings = Vec::new();
    for group in groups_compared(db, from, to_year).await? {
        let views = read::whole(db, group).await?;
        rankings.push((group, views.into_iter().map(Arc::new).collect()));
    }
    Ok(compare(db, from, to_year, &rankings).await?.movements)
}

/// A comparison of two years and the ranking groups it read.
#[derive(Clone, Debug, Default)]
pub struct Comparison {
    pub movements: Vec<Movement>,
    /// The groups whose rows it was made from (see [`groups_compared`]). A write to another
    /// group leaves it as it is.
    pub groups: Vec<GroupKey>,
}

/// The ranking groups a comparison of `from` with `to_year` is made from: the later year's,
/// the earlier year's, then those of the jurisdictions merged into this one in between.
pub async fn groups_compared(
    db: &impl ConnectionTrait,
    from: GroupKey,
    to_year: i32,
) -> Result<Vec<GroupKey>> {
    let to = GroupKey {
        year: to_year,
        ..from.original()
    };
    let mut groups = vec![to, from];
    match from.restated_over {
        Some(over) if over > to_year => {
            return Err(Error::BadInput(format!(
                "the ranking of {} restated over the map of {over} compares with {over} or a \
                 later year, not {to_year}",
                from.year
            )));
        }
        // The restatement read the jurisdictions merged into this one already.
        Some(_) => {}
        None => groups.extend(
            jurisdictions::merged_into(db, from.jurisdiction_id, from.year, to_year)
                .await?
                .into_iter()
                .map(|merged| GroupKey {
                    jurisdiction_id: merged,
                    ..from
                }),
        ),
    }
    Ok(groups)
}

/// [`compare_years`] given the whole rankings of [`groups_compared`] in its order (read
/// straight from the database, or kept in memory); lineage and tier ends are read from `db`.
pub async fn compare(
    db: &impl ConnectionTrait,
    from: GroupKey,
    to_year: i32,
    rankings: &[(GroupKey, Arc<[Arc<ResultView>]>)],
) -> Result<Comparison> {
    let lineage = Lineage::load(db, from.jurisdiction_id).await?;
    let [(_, later), (_, earlier), merged @ ..] = rankings else {
        return Err(Error::Corrupt(
            "a comparison is made from two rankings or more".into(),
        ));
    };
    let mut movements = if merged.is_empty() {
        pair(earlier, later, &lineage)
    } else {
        let mut all = earlier.to_vec();
        all.extend(
            merged
                .iter()
                .flat_map(|(_, ranking)| ranking.iter().cloned()),
        );
        pair(&all, later, &lineage)
    };
    if let Some(end) = tier_ends::of(db, from.jurisdiction_id, from.tier).await?
        && end.last_year < to_year
    {
        let reason = end.note.unwrap_or_else(|| {
            format!(
                "the {} tier has no results after {}",
                end.tier, end.last_year
            )
        });
        for movement in movements
            .iter_mut()
            .filter(|m| m.level_direction == LevelDirection::Dropped)
        {
            movement.reason = Some(reason.clone());
        }
    }
    Ok(Comparison {
        movements,
        groups: rankings.iter().map(|(group, _)| *group).collect(),
    })
}

/// One cell of a transition matrix.
#[derive(Clone, Debug)]
pub struct Transition {
    /// `None` for agencies new in the later year (or not comparable to one level).
    pub from: Option<crate::scoring::Level>,
    /// `None` for agencies dropped by the later year.
    pub to: Option<crate::scoring::Level>,
    pub agencies: Vec<Arc<agency::Model>>,
}

/// The level transition matrix between two years: every pair of the earlier scale's levels (and
/// none) and the later scale's levels (and none), best first, with the agencies in each cell.
pub fn level_transitions(movements: &[Movement]) -> Vec<Transition> {
    let scale = |view: Option<&ResultView>| view.map(|v| v.scheme.levels.clone());
    let from_scale = movements
        .iter()
        .find_map(|m| scale(m.from.as_deref()))
        .unwrap_or_default();
    let to_scale = movements
        .iter()
        .find_map(|m| scale(m.to.as_deref()))
        .unwrap_or_default();
    let from_levels: Vec<Option<&crate::scoring::Level>> =
        from_scale.iter().map(Some).chain([None]).collect();
    let to_levels: Vec<Option<&crate::scoring::Level>> =
        to_scale.iter().map(Some).chain([None]).collect();
    let code = |view: Option<&ResultView>| {
        view.and_then(|v| v.effective_level())
            .map(|l| l.code.clone())
    };
    let mut cells = Vec::new();
    for from in &from_levels {
        for to in &to_levels {
            if from.is_none() && to.is_none() {
                continue;
            }
            let agencies = movements
                .iter()
                .filter(|m| {
                    code(m.from.as_deref()) == from.map(|l| l.code.clone())
                        && code(m.to.as_deref()) == to.map(|l| l.code.clone())
                })
                .map(|m| m.agency.clone())
                .collect();
            cells.push(Transition {
                from: from.cloned(),
                to: to.cloned(),
                agencies,
            });
        }
    }
    cells
}

/// Which way to look for movers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RankDirection {
    Up,
    Down,
}

/// The biggest rank gains (or losses), ties broken by the rate change (or the score change,
/// for rankings by score), then by name.
pub fn top_movers(movements: &[Movement], direction: RankDirection, limit: usize) -> Vec<Movement> {
    let mut movers: Vec<(i32, Option<Exact>, &Movement)> = movements
        .iter()
        .filter_map(|m| {
            let change = m.rank_change()?;
            let wanted = match direction {
                RankDirection::Up => change > 0,
                RankDirection::Down => change < 0,
            };
            let by = m.rate_percent_change().or_else(|| m.score_change());
            wanted.then_some((change, by, m))
        })
        .collect();
    movers.sort_by(|(a, rate_a, ma), (b, rate_b, mb)| {
        let (by_rank, by_rate) = match direction {
            RankDirection::Up => (b.cmp(a), rate_b.cmp(rate_a)),
            RankDirection::Down => (a.cmp(b), rate_a.cmp(rate_b)),
        };
        by_rank
            .then(by_rate)
            .then_with(|| ma.agency.sort_key.cmp(&mb.agency.sort_key))
    });
    movers
        .into_iter()
        .take(limit)
        .map(|(_, _, m)| m.clone())
        .collect()
}

/// The latest year before `year` in which the tier has results in the scope, if any.
pub async fn previous_year(db: &impl ConnectionTrait, group: GroupKey) -> Result<Option<i32>> {
    let years = group::years(db, group.jurisdiction_id, group.index_id, group.tier).await?;
    Ok(years.into_iter().filter(|y| *y < group.year).max())
}
