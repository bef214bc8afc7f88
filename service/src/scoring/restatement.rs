//! The rule a scheme names for restating a ranking over a later map: how a successor's values
//! follow from its predecessors' (the ministry restated the DTI of 2024 over the 34 units of
//! 2025 by averaging the former provinces'). Exact: a mean of three scores is a third of their
//! sum, kept as a fraction and ranked as one.
//!
//! What each rule does to each column, for the predecessors that take part (those with the
//! value the scheme ranks by: a score, the achieved points, or the achieved and required
//! points of a rate):
//!
//! | rule | score (`rank_by = "score"`) | points (`"points"`, `"rate"`) |
//! |---|---|---|
//! | `MEAN` | the mean of the scores | each of max, excluded, required and achieved points averaged: a rate is then the summed achieved over the summed required points |
//! | `SUM` | the sum of the scores | each summed: a rate is the summed achieved over the summed required points |
//! | `MAX` | the best score | each column's largest value |
//!
//! A column some taking part lack (a table that printed no maximum) is left empty rather than
//! combined from the others.

use rust_decimal::Decimal;

use super::exact::Exact;
use super::scheme::{ConvertedRule, RankBy, Scheme};
use crate::coded::coded;

/// How a restatement combines predecessors' values.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RestateRule {
    /// The arithmetic mean, exactly (1/3 stays a third).
    Mean,
    /// The sum.
    Sum,
    /// The largest value.
    Max,
}

coded!(RestateRule { Mean => "MEAN", Sum => "SUM", Max => "MAX" });

/// The values of one result that a restatement combines, exactly.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Combined {
    pub max: Option<Exact>,
    pub excluded: Option<Exact>,
    pub required: Option<Exact>,
    pub achieved: Option<Exact>,
    pub score: Option<Exact>,
}

impl RestateRule {
    /// The rule applied to `values`, exactly; `None` for no values.
    pub fn combine(self, values: &[Exact]) -> Option<Exact> {
        let (first, rest) = values.split_first()?;
        match self {
            RestateRule::Sum => Some(rest.iter().fold(first.clone(), |sum, v| sum.plus(v))),
            RestateRule::Mean => {
                let count = Exact::from_decimal(Decimal::from(values.len()));
                RestateRule::Sum.combine(values)?.checked_div(&count)
            }
            RestateRule::Max => values.iter().max().cloned(),
        }
    }

    /// A successor's values from its predecessors' under a scheme ranking by `rank_by`: `None`
    /// when no predecessor has the value ranked by.
    pub fn restate(self, rank_by: RankBy, predecessors: &[Combined]) -> Option<Combined> {
        let taking_part: Vec<&Combined> = predecessors
            .iter()
            .filter(|p| match rank_by {
                RankBy::Score => p.score.is_some(),
                RankBy::Points => p.achieved.is_some(),
                RankBy::Rate => p.achieved.is_some() && p.required.is_some(),
            })
            .collect();
        if taking_part.is_empty() {
            return None;
        }
        let column = |value: fn(&Combined) -> Option<&Exact>| -> Option<Exact> {
            let values: Option<Vec<Exact>> =
                taking_part.iter().map(|p| value(p).cloned()).collect();
            self.combine(&values?)
        };
        Some(Combined {
            max: column(|c| c.max.as_ref()),
            excluded: column(|c| c.excluded.as_ref()),
            required: column(|c| c.required.as_ref()),
            achieved: column(|c| c.achieved.as_ref()),
            score: column(|c| c.score.as_ref()),
        })
    }
}

impl Combined {
    /// achieved / required x 100, exactly.
    pub fn rate_percent(&self) -> Option<Exact> {
        self.achieved
            .as_ref()?
            .times_decimal(Decimal::ONE_HUNDRED)
            .checked_div(self.required.as_ref()?)
    }

    /// The converted score under `rule`, exactly.
    pub fn converted_score(&self, rule: ConvertedRule) -> Option<Exact> {
        match rule {
            ConvertedRule::AchievedPoints => self.achieved.clone(),
            ConvertedRule::RateTimesMaxPoints => Some(
                self.achieved
                    .as_ref()?
                    .checked_div(self.required.as_ref()?)?
                    .times(self.max.as_ref()?),
            ),
            ConvertedRule::None => None,
        }
    }

    /// The value `scheme` ranks these by.
    pub fn measure(&self, scheme: &Scheme) -> Option<Exact> {
        match scheme.rank_by {
            RankBy::Rate => self.rate_percent(),
            RankBy::Points => self.achieved.clone(),
            RankBy::Score => self.score.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exact(text: &str) -> Exact {
        Exact::from_decimal(Decimal::from_str_exact(text).unwrap())
    }

    fn scored(score: &str) -> Combined {
        Combined {
            score: Some(exact(score)),
            ..Combined::default()
        }
    }

    #[test]
    fn a_mean_of_three_is_a_third_of_the_sum_exactly() {
        let values = [exact("0.5"), exact("0.6"), exact("0.6")];
        let mean = RestateRule::Mean.combine(&values).unwrap();
        // 1.7 / 3 = 0.5666...: no decimal holds it, and three times it is 1.7 again.
        assert_eq!(mean.times_decimal(Decimal::from(3)), exact("1.7"));
        assert_eq!(mean.round(4).unwrap().to_string(), "0.5667");
        assert!(mean > exact("0.5666666666666666666666666666"));
        assert_eq!(RestateRule::Sum.combine(&values), Some(exact("1.7")));
        assert_eq!(RestateRule::Max.combine(&values), Some(exact("0.6")));
        assert_eq!(RestateRule::Mean.combine(&[]), None);
    }

    #[test]
    fn only_predecessors_with_the_ranked_value_take_part() {
        let unranked = Combined::default();
        let restated = RestateRule::Mean
            .restate(
                RankBy::Score,
                &[scored("0.4"), unranked.clone(), scored("0.5")],
            )
            .unwrap();
        assert_eq!(restated.score, Some(exact("0.45")));
        assert_eq!(RestateRule::Mean.restate(RankBy::Score, &[unranked]), None);
    }

    #[test]
    fn a_restated_rate_is_the_summed_achieved_over_the_summed_required_points() {
        let points = |required: &str, achieved: &str, max: Option<&str>| Combined {
            required: Some(exact(required)),
            achieved: Some(exact(achieved)),
            max: max.map(exact),
            ..Combined::default()
        };
        let predecessors = [points("100", "90", Some("100")), points("50", "30", None)];
        for rule in [RestateRule::Mean, RestateRule::Sum] {
            let restated = rule.restate(RankBy::Rate, &predecessors).unwrap();
            // 120 / 150 = 80 %, whether both are averaged or summed.
            assert_eq!(restated.rate_percent(), Some(exact("80")), "{rule:?}");
            assert_eq!(restated.max, None, "one predecessor printed no maximum");
        }
        let mean = RestateRule::Mean
            .restate(RankBy::Points, &predecessors)
            .unwrap();
        assert_eq!(mean.achieved, Some(exact("60")));
        let best = RestateRule::Max
            .restate(RankBy::Points, &predecessors)
            .unwrap();
        assert_eq!(best.achieved, Some(exact("90")));
        assert_eq!(best.required, Some(exact("100")));
    }
}
