//! A result as reads show it: the stored row with its agency, scheme, decision and index, and
//! its values rounded for display.

use std::collections::BTreeSet;
use std::sync::Arc;

use entity::{agency, decision, result};
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use crate::catalog::{indices, schemes};
use crate::published::PublishedValues;
use crate::scoring::{Exact, Level, Scheme, exact::MAX_DECIMALS};
use crate::{Error, Result, agencies, decisions};

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
        PublishedValues::from(&self.row).points().rate_percent()
    }

    /// The exact converted score under the result's scheme.
    pub fn exact_converted_score(&self) -> Option<Exact> {
        PublishedValues::from(&self.row)
            .points()
            .converted_score(self.scheme.converted_rule)
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
    let agencies = agencies::by_ids(db, &ids(|row| Some(row.agency_id))).await?;
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
            })
        })
        .collect()
}
