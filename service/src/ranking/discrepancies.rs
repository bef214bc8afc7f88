//! Where published values disagree with a recomputation: both are kept, neither overwritten.
//! A published restatement is checked the same way against the restatement computed from the
//! predecessors (its score too: there the ranked score is derived, not the published one).

use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;

use super::read::whole;
use super::view::ResultView;
use crate::Result;
use crate::catalog::GroupKey;
use crate::scoring::Exact;

/// A published value that a recomputation at the published precision does not give.
#[derive(Clone, Debug)]
pub struct Discrepancy {
    pub result: ResultView,
    /// `rank`, `ratePercent`, `convertedScore`, `level` or `score`.
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
    for view in whole(db, group).await? {
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
    if let Some(printed) = row.published_score {
        let recomputed = at_printed_scale(printed.0, view.exact_score());
        pairs.push((
            "score",
            printed.to_string(),
            recomputed.map(|v| v.to_string()),
        ));
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
