//! The scoring rule, in one place: from the published points and a scheme to the required
//! points, exact rate, converted score, level and rank of every result of a ranking group.
//!
//! Check it against the published 2020 tables (QĐ 3402/QĐ-UBND, amended by QĐ 102/QĐ-UBND):
//! - required = max - excluded (Số điểm tối đa cần thực hiện);
//! - rate = achieved / required, exact (Tỷ lệ thực hiện), printed at the scheme's precision;
//! - converted score (Số điểm thực hiện được quy đổi) per [`ConvertedRule`];
//! - level = the best level of the scheme whose minimum rate the exact rate reaches;
//! - rank = standard competition rank by exact rate, ties listed in Vietnamese alphabetical order.
//!
//! Rounding, wherever a value is printed, is half away from zero ([`Exact::round`]).

pub mod competition;
pub mod exact;
pub mod scheme;

use rust_decimal::Decimal;

pub use competition::{Contender, Placement};
pub use exact::Exact;
pub use scheme::{ConvertedRule, Level, Scheme};

/// The points of one result, as published. Any of them may be missing from a partial table.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Points {
    pub max: Option<Decimal>,
    pub excluded: Option<Decimal>,
    /// As printed; when absent it follows from max and excluded.
    pub required: Option<Decimal>,
    pub achieved: Option<Decimal>,
}

impl Points {
    /// Required points: as printed, else max - excluded.
    pub fn required(&self) -> Option<Decimal> {
        self.required.or_else(|| Some(self.max? - self.excluded?))
    }

    /// achieved / required x 100, exact; `None` when unknown or when nothing is required.
    pub fn rate_percent(&self) -> Option<Exact> {
        let achieved = Exact::from_decimal(self.achieved?).times_decimal(Decimal::ONE_HUNDRED);
        achieved.checked_div(&Exact::from_decimal(self.required()?))
    }

    /// The converted score under `rule`, exact.
    pub fn converted_score(&self, rule: ConvertedRule) -> Option<Exact> {
        match rule {
            ConvertedRule::AchievedPoints => self.achieved.map(Exact::from_decimal),
            ConvertedRule::RateTimesMaxPoints => {
                let rate = Exact::from_decimal(self.achieved?)
                    .checked_div(&Exact::from_decimal(self.required()?))?;
                Some(rate.times_decimal(self.max?))
            }
        }
    }
}

/// One result of a group, as scoring sees it.
#[derive(Clone, Debug)]
pub struct Member {
    pub points: Points,
    pub published_rank: Option<i32>,
    /// Collation sort key of the agency's name.
    pub sort_key: String,
}

/// Everything scoring derives for one result; materialised in the `result` row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scored {
    pub required_points: Option<Decimal>,
    pub rate_percent: Option<Exact>,
    pub converted_score: Option<Exact>,
    pub level_code: Option<String>,
    pub placement: Placement,
}

/// Scores a whole ranking group under one scheme: ranks only make sense for the whole group.
pub fn score_group(scheme: &Scheme, members: &[Member]) -> Vec<Scored> {
    let rates: Vec<Option<Exact>> = members.iter().map(|m| m.points.rate_percent()).collect();
    let contenders: Vec<Contender<'_>> = members
        .iter()
        .zip(&rates)
        .map(|(member, rate)| Contender {
            rate: rate.as_ref(),
            published_rank: member.published_rank,
            sort_key: &member.sort_key,
        })
        .collect();
    let placements = competition::rank(&contenders);
    members
        .iter()
        .zip(rates)
        .zip(placements)
        .map(|((member, rate), placement)| Scored {
            required_points: member.points.required(),
            level_code: rate
                .as_ref()
                .and_then(|r| scheme.level_for(r))
                .map(|level| level.code.clone()),
            converted_score: member.points.converted_score(scheme.converted_rule),
            rate_percent: rate,
            placement,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn scheme_2020(rule: ConvertedRule) -> Scheme {
        let level = |code: &str, ordinal, min: i64| Level {
            code: code.into(),
            name: code.into(),
            ordinal,
            min_rate_percent: Decimal::new(min, 0),
        };
        Scheme {
            id: 1,
            year: 2020,
            name: "2020".into(),
            converted_rule: rule,
            rate_decimals: 2,
            converted_decimals: 2,
            levels: vec![
                level("I", 1, 90),
                level("II", 2, 85),
                level("III", 3, 80),
                level("IV", 4, 70),
                level("NOT_ACHIEVED", 5, 0),
            ],
        }
    }

    fn points(max: i64, excluded: i64, achieved: Decimal) -> Points {
        Points {
            max: Some(Decimal::new(max, 0)),
            excluded: Some(Decimal::new(excluded, 0)),
            required: None,
            achieved: Some(achieved),
        }
    }

    #[test]
    fn nam_dong_2020_scores_as_published() {
        let scheme = scheme_2020(ConvertedRule::RateTimesMaxPoints);
        let p = points(100, 8, Decimal::new(7853, 2));
        assert_eq!(p.required(), Some(Decimal::new(92, 0)));
        assert_eq!(
            p.rate_percent().unwrap().round(2),
            Some(Decimal::new(8536, 2))
        );
        assert_eq!(
            p.converted_score(scheme.converted_rule).unwrap().round(2),
            Some(Decimal::new(8536, 2))
        );
        assert_eq!(
            scheme.level_for(&p.rate_percent().unwrap()).unwrap().code,
            "II"
        );
    }

    #[test]
    fn a_rate_exactly_on_a_threshold_reaches_the_level() {
        let scheme = scheme_2020(ConvertedRule::AchievedPoints);
        let p = points(100, 0, Decimal::new(90, 0));
        assert_eq!(
            scheme.level_for(&p.rate_percent().unwrap()).unwrap().code,
            "I"
        );
        let below = points(100, 0, Decimal::new(8999999, 5));
        assert_eq!(
            scheme
                .level_for(&below.rate_percent().unwrap())
                .unwrap()
                .code,
            "II"
        );
    }

    #[test]
    fn nothing_required_means_no_rate_and_no_rank() {
        let scheme = scheme_2020(ConvertedRule::AchievedPoints);
        let member = Member {
            points: points(90, 90, Decimal::ZERO),
            published_rank: None,
            sort_key: "a".into(),
        };
        let scored = score_group(&scheme, &[member]);
        assert_eq!(scored[0].rate_percent, None);
        assert_eq!(scored[0].level_code, None);
        assert_eq!(scored[0].placement.rank, None);
    }

    proptest! {
        /// A level never contradicts its scheme: the rate reaches the level's minimum and does
        /// not reach the minimum of any better level.
        #[test]
        fn a_level_never_contradicts_its_scheme(achieved in 0i64..=10_000, required in 1i64..=100) {
            prop_assume!(achieved <= required * 100);
            let scheme = scheme_2020(ConvertedRule::AchievedPoints);
            let p = Points { required: Some(Decimal::new(required, 0)), achieved: Some(Decimal::new(achieved, 2)), ..Points::default() };
            let rate = p.rate_percent().unwrap();
            let level = scheme.level_for(&rate).unwrap();
            prop_assert!(rate.reaches(level.min_rate_percent));
            for better in scheme.levels.iter().filter(|l| l.ordinal < level.ordinal) {
                prop_assert!(!rate.reaches(better.min_rate_percent));
            }
        }

        /// Equal rates always tie, however the points are written.
        #[test]
        fn equal_rates_always_tie(achieved in 0i64..=1000, required in 1i64..=100, factor in 1i64..=50) {
            prop_assume!(achieved <= required * 10);
            let scheme = scheme_2020(ConvertedRule::AchievedPoints);
            let one = Points { required: Some(Decimal::new(required, 0)), achieved: Some(Decimal::new(achieved, 1)), ..Points::default() };
            let scaled = Points {
                required: Some(Decimal::new(required * factor, 0)),
                achieved: Some(Decimal::new(achieved * factor, 1)),
                ..Points::default()
            };
            let members = [
                Member { points: one, published_rank: None, sort_key: "b".into() },
                Member { points: scaled, published_rank: None, sort_key: "a".into() },
            ];
            let scored = score_group(&scheme, &members);
            prop_assert_eq!(scored[0].placement.rank, Some(1));
            prop_assert_eq!(scored[1].placement.rank, Some(1));
            prop_assert_eq!(&scored[0].level_code, &scored[1].level_code);
        }
    }
}
