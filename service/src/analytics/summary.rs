//! A year's figures: level counts and the spread of rates, with the previous year's beside them
//! so a dashboard can say "20/20 at level I (+3 on 2019)".

use std::borrow::Borrow;
use std::sync::Arc;

use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use crate::Result;
use crate::catalog::GroupKey;
use crate::ranking::{ResultView, read};
use crate::scoring::{Exact, Level, Scheme};

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
    /// The latest earlier year of the tier that has results.
    pub previous: Option<Box<YearSummary>>,
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

    /// How many more results reached `level` than in the previous year; `None` without a
    /// previous year or when its scale differs.
    pub fn level_count_change(&self, level: &Level) -> Option<i64> {
        let previous = self.previous.as_ref()?;
        if !super::comparable_scales(&self.scheme, &previous.scheme) {
            return None;
        }
        let count = |summary: &YearSummary| {
            summary
                .level_counts
                .iter()
                .find(|(l, _)| l.code == level.code)
                .map_or(0, |(_, n)| *n as i64)
        };
        Some(count(self) - count(previous))
    }
}

/// The summary of a group, or `None` when it has no results, with the summary of the latest
/// earlier year of the same tier that has results.
pub async fn year_summary(
    db: &impl ConnectionTrait,
    group: GroupKey,
) -> Result<Option<YearSummary>> {
    let now = read::whole(db, group).await?;
    let previous = match super::previous_year(db, group).await? {
        Some(year) => {
            let previous = GroupKey { year, ..group };
            Some((previous, read::whole(db, previous).await?))
        }
        None => None,
    };
    Ok(of_rankings(
        group,
        &now,
        previous.as_ref().map(|(group, views)| (*group, &views[..])),
    ))
}

/// [`year_summary`] given the whole rankings of the group and of the previous year with
/// results (see [`super::previous_year`]), read straight from the database or kept in memory.
pub fn of_rankings<V: Borrow<ResultView>>(
    group: GroupKey,
    views: &[V],
    previous: Option<(GroupKey, &[V])>,
) -> Option<YearSummary> {
    let mut summary = summarise(group, views)?;
    summary.previous = previous
        .and_then(|(group, views)| summarise(group, views))
        .map(Box::new);
    Some(summary)
}

fn summarise<V: Borrow<ResultView>>(group: GroupKey, views: &[V]) -> Option<YearSummary> {
    let first = views.first()?.borrow();
    let scheme = first.scheme.clone();
    let level_counts = scheme
        .levels
        .iter()
        .map(|level| {
            let count = views
                .iter()
                .map(Borrow::borrow)
                .filter(|v: &&ResultView| v.effective_level().is_some_and(|l| l.code == level.code))
                .count();
            (level.clone(), count)
        })
        .collect();
    let mut rates: Vec<Exact> = views
        .iter()
        .map(Borrow::borrow)
        .filter_map(ResultView::exact_rate_percent)
        .collect();
    rates.sort();
    Some(YearSummary {
        group,
        scheme,
        count: views.len(),
        level_counts,
        rates,
        previous: None,
    })
}
