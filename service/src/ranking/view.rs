//! A result as reads show it: the stored row with its agency, scheme, decision and index, and
//! its values rounded for display.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, OnceLock};

use entity::{agency, decision, result};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use crate::catalog::{indices, schemes};
use crate::published::PublishedValues;
use crate::scoring::{Exact, Level, Points, Scheme, exact::MAX_DECIMALS};
use crate::{Error, Result, agencies, decisions};

/// A result with what reading it needs: its agency, its scheme, its decision and index.
#[derive(Clone, Debug)]
pub struct ResultView {
    pub row: result::Model,
    /// Shared by every result of the agency read together.
    pub agency: Arc<agency::Model>,
    pub scheme: Arc<Scheme>,
    pub decision: Option<decision::Model>,
    pub index_code: String,
    /// The exact rate, and the rate and converted score at the scheme's precision, computed
    /// once: a kept snapshot answers every page with the same view, and exact arithmetic is a
    /// good part of a row.
    derived: Derived,
}

/// Values of a view derived from its row (never changed once the view is made), each computed
/// the first time it is asked for.
#[derive(Clone, Debug, Default)]
struct Derived {
    /// Comparisons of years subtract two of them on every row.
    exact_rate_percent: OnceLock<Option<Exact>>,
    rate_percent: OnceLock<Option<Decimal>>,
    converted_score: OnceLock<Option<Decimal>>,
}

/// `value(decimals)` at the precision asked for; at the default one (`None`), kept in `cell`
/// the first time it is computed.
fn printed(
    cell: &OnceLock<Option<Decimal>>,
    decimals: Option<i32>,
    value: impl FnOnce(Option<i32>) -> Result<Option<Decimal>>,
) -> Result<Option<Decimal>> {
    if decimals.is_some() {
        return value(decimals);
    }
    if let Some(kept) = cell.get() {
        return Ok(*kept);
    }
    let computed = value(None)?;
    Ok(*cell.get_or_init(|| computed))
}

impl ResultView {
    /// The points, with the scheme's maximum where the row printed none.
    pub fn points(&self) -> Points {
        PublishedValues::from(&self.row)
            .points()
            .with_max(self.scheme.max_points)
    }

    /// The exact rate in percent, when the points were published.
    pub fn exact_rate_percent(&self) -> Option<Exact> {
        self.derived
            .exact_rate_percent
            .get_or_init(|| self.points().rate_percent())
            .clone()
    }

    /// The exact converted score under the result's scheme.
    pub fn exact_converted_score(&self) -> Option<Exact> {
        self.points().converted_score(self.scheme.converted_rule)
    }

    /// The published score (an index value such as DTI's 0,6419), exactly.
    pub fn exact_score(&self) -> Option<Exact> {
        self.row.score.map(|score| Exact::from_decimal(score.0))
    }

    /// The score rounded half away from zero to `decimals` places, by default the scheme's.
    pub fn score(&self, decimals: Option<i32>) -> Result<Option<Decimal>> {
        let decimals = precision(decimals, self.scheme.score_decimals)?;
        self.exact_score()
            .map(|score| score.rounded(decimals))
            .transpose()
    }

    /// The share of the ranking placed below this result, in percent, exactly: with a group
    /// that grew or shrank (63 provinces, then 34), it compares where a rank does not.
    pub fn exact_percentile(&self) -> Option<Exact> {
        let rank = self.row.rank?;
        let size = self.group_size();
        let below = size - rank - self.row.tied_with.unwrap_or(0);
        Exact::from_decimal(Decimal::from(below.max(0)) * Decimal::ONE_HUNDRED)
            .checked_div(&Exact::from_decimal(Decimal::from(size)))
    }

    /// [`Self::exact_percentile`] rounded half away from zero to `decimals` places, by default
    /// the scheme's rate precision.
    pub fn percentile(&self, decimals: Option<i32>) -> Result<Option<Decimal>> {
        let decimals = precision(decimals, self.scheme.rate_decimals)?;
        self.exact_percentile()
            .map(|p| p.rounded(decimals))
            .transpose()
    }

    /// How many the ranking holds: what the publication says it ranked (63 for a table
    /// printing the first 17), else the results stored.
    pub fn group_size(&self) -> i32 {
        self.row
            .ranked_count
            .unwrap_or(self.row.group_size)
            .max(self.row.group_size)
    }

    /// The rate rounded half away from zero to `decimals` places, by default the scheme's.
    pub fn rate_percent(&self, decimals: Option<i32>) -> Result<Option<Decimal>> {
        printed(&self.derived.rate_percent, decimals, |decimals| {
            let decimals = precision(decimals, self.scheme.rate_decimals)?;
            self.exact_rate_percent()
                .map(|rate| rate.rounded(decimals))
                .transpose()
        })
    }

    /// The converted score rounded half away from zero to `decimals` places, by default the scheme's.
    pub fn converted_score(&self, decimals: Option<i32>) -> Result<Option<Decimal>> {
        printed(&self.derived.converted_score, decimals, |decimals| {
            let decimals = precision(decimals, self.scheme.converted_decimals)?;
            self.exact_converted_score()
                .map(|score| score.rounded(decimals))
                .transpose()
        })
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

    /// The level comparisons use: the computed one, else the one published (a table of levels
    /// only, or a grade that has no minimum and is never computed).
    pub fn effective_level(&self) -> Option<&Level> {
        self.level().or_else(|| self.published_level())
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

/// Attaches agencies, schemes, decisions and index codes to rows, in one query each.
pub async fn views(db: &impl ConnectionTrait, rows: Vec<result::Model>) -> Result<Vec<ResultView>> {
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
    let agencies: HashMap<i32, Arc<agency::Model>> =
        agencies::by_ids(db, &ids(|row| Some(row.agency_id)))
            .await?
            .into_iter()
            .map(|(id, agency)| (id, Arc::new(agency)))
            .collect();
    let schemes = schemes::by_ids(db, ids(|row| Some(row.scheme_id))).await?;
    let decisions = decisions::by_ids(db, &ids(|row| row.decision_id)).await?;
    let indices = indices::codes(db).await?;
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
                derived: Derived::default(),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;

    /// The default precision is rounded once and kept; a precision asked for is always rounded
    /// anew, never answered with the kept value; a failure is not kept.
    #[test]
    fn printed_keeps_only_the_default_precision() {
        let cell = OnceLock::new();
        let calls = Cell::new(0);
        let value = |decimals: Option<i32>| {
            calls.set(calls.get() + 1);
            Ok(Some(Decimal::from(decimals.unwrap_or(2))))
        };
        let failing = |_: Option<i32>| Err(Error::BadInput("no".into()));
        assert!(printed(&cell, None, failing).is_err());
        assert_eq!(printed(&cell, None, value).unwrap(), Some(Decimal::from(2)));
        assert_eq!(printed(&cell, None, value).unwrap(), Some(Decimal::from(2)));
        assert_eq!(calls.get(), 1, "the default precision is rounded once");
        assert_eq!(
            printed(&cell, Some(4), value).unwrap(),
            Some(Decimal::from(4))
        );
        assert_eq!(
            printed(&cell, Some(2), value).unwrap(),
            Some(Decimal::from(2))
        );
        assert_eq!(calls.get(), 3, "a precision asked for is rounded each time");
    }
}
