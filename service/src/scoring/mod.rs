//! The scoring rule, in one place: from the published points and a scheme to the required
//! points, exact rate, converted score, level and rank of every result of a ranking group.
//!
//! Check it against the published 2020 tables (QĐ 3402/QĐ-UBND, amended by QĐ 102/QĐ-UBND):
//! - required = max - excluded (Số điểm tối đa cần thực hiện);
//! - rate = achieved / required, exact (Tỷ lệ thực hiện), printed at the scheme's precision;
//! - converted score (Số điểm thực hiện được quy đổi) per [`ConvertedRule`];
//! - the value ranked by, per [`RankBy`]: the exact rate (2020), the achieved points (rankings
//!   out of 150 or 1 000 points) or a published score (the national DTI);
//! - level = the best level of the scheme whose minimum that value reaches (levels without a
//!   minimum, such as grades only ever published, are never computed);
//! - rank = standard competition rank by that value, exactly, ties listed in Vietnamese
//!   alphabetical order; a result without one keeps its published rank.
//!
//! Rounding, wherever a value is printed, is half away from zero ([`Exact::round`]).

pub mod competition;
pub mod exact;
pub mod restatement;
pub mod scheme;

use rust_decimal::Decimal;

pub use competition::{Contender, Placement};
pub use exact::Exact;
pub use restatement::{Combined, RestateRule};
pub use scheme::{ConvertedRule, Level, RankBy, Scheme};

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
    /// These points, with the scheme's `max` where the row printed no maximum: a scheme states
    /// it once for tables that print only totals, which exclude nothing.
    pub fn with_max(self, max: Option<Decimal>) -> Self {
        match (self.max, max) {
            (None, Some(max)) => Self {
                max: Some(max),
                excluded: self.excluded.or(Some(Decimal::ZERO)),
                ..self
            },
            _ => self,
        }
    }

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
            ConvertedRule::None => None,
        }
    }
}

/// One result of a group, as scoring sees it.
#[derive(Clone, Debug)]
pub struct Member {
    pub points: Points,
    /// A published index value, for schemes that rank by score.
    pub score: Option<Decimal>,
    /// The rate as printed: ranked by when the points to compute it were not published.
    pub published_rate_percent: Option<Decimal>,
    pub published_rank: Option<i32>,
    /// Collation sort key of the agency's name.
    pub sort_key: String,
}

impl Scheme {
    /// The exact value `member` is ranked by under this scheme, when it was published or can
    /// be computed. A rate comes from the points (`rate`, the member's
    /// [`Points::rate_percent`] under this scheme's maximum, computed once by the caller),
    /// else from the printed rate.
    pub fn measure(&self, member: &Member, rate: Option<&Exact>) -> Option<Exact> {
        match self.rank_by {
            RankBy::Rate => rate
                .cloned()
                .or_else(|| member.published_rate_percent.map(Exact::from_decimal)),
            RankBy::Points => member.points.achieved.map(Exact::from_decimal),
            RankBy::Score => member.score.map(Exact::from_decimal),
        }
    }
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
    // Each member's exact rate once: it is a measure and a stored value both.
    let points: Vec<Points> = members
        .iter()
        .map(|member| member.points.with_max(scheme.max_points))
        .collect();
    let rates: Vec<Option<Exact>> = points.iter().map(Points::rate_percent).collect();
    let measures: Vec<Option<Exact>> = members
        .iter()
        .zip(&rates)
        .map(|(member, rate)| scheme.measure(member, rate.as_ref()))
        .collect();
    let published_ranks: Vec<Option<i32>> = members.iter().map(|m| m.published_rank).collect();
    let sort_keys: Vec<&str> = members.iter().map(|m| m.sort_key.as_str()).collect();
    let placed = place(scheme, &measures, &published_ranks, &sort_keys);
    points
        .into_iter()
        .zip(rates)
        .zip(placed)
        .map(|((points, rate_percent), (placement, level_code))| Scored {
            required_points: points.required(),
            level_code,
            converted_score: points.converted_score(scheme.converted_rule),
            rate_percent,
            placement,
        })
        .collect()
}

/// Scores a whole restated group: values derived by the scheme's restate rule (`None` for a
/// result with none, such as a published restatement's row whose predecessors have no
/// result), ranked exactly; a restatement ranks only what it derived, so no published rank is
/// kept. `sort_keys` are the agencies' names' collation keys, in the same order.
pub fn score_restated(
    scheme: &Scheme,
    derived: &[Option<Combined>],
    sort_keys: &[&str],
) -> Vec<Scored> {
    let measures: Vec<Option<Exact>> = derived
        .iter()
        .map(|values| values.as_ref().and_then(|v| v.measure(scheme)))
        .collect();
    let placed = place(scheme, &measures, &vec![None; derived.len()], sort_keys);
    derived
        .iter()
        .zip(placed)
        .map(|(values, (placement, level_code))| Scored {
            required_points: values
                .as_ref()
                .and_then(|v| v.required.as_ref()?.approximate()),
            rate_percent: values.as_ref().and_then(Combined::rate_percent),
            converted_score: values
                .as_ref()
                .and_then(|v| v.converted_score(scheme.converted_rule)),
            level_code,
            placement,
        })
        .collect()
}

/// Ranks a group by its exact `measures` (standard competition ranking) and grades each
/// measure on the scheme's scale: where each lands, and its level's code.
fn place(
    scheme: &Scheme,
    measures: &[Option<Exact>],
    published_ranks: &[Option<i32>],
    sort_keys: &[&str],
) -> Vec<(Placement, Option<String>)> {
    let contenders: Vec<Contender<'_>> = measures
        .iter()
        .zip(published_ranks)
        .zip(sort_keys)
        .map(|((measure, published_rank), sort_key)| Contender {
            measure: measure.as_ref(),
            published_rank: *published_rank,
            sort_key,
        })
        .collect();
    competition::rank(&contenders)
        .into_iter()
        .zip(measures)
        .map(|(placement, measure)| {
            let level = measure
                .as_ref()
                .and_then(|m| scheme.level_for(m))
                .map(|level| level.code.clone());
            (placement, level)
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
            minimum: Some(Decimal::new(min, 0)),
        };
        Scheme {
            id: 1,
            year: 2020,
            name: "2020".into(),
            rank_by: RankBy::Rate,
            max_points: None,
            converted_rule: rule,
            rate_decimals: 2,
            converted_decimals: 2,
            points_decimals: 2,
            score_decimals: 4,
            restate: None,
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
            score: None,
            published_rate_percent: None,
            published_rank: None,
            sort_key: "a".into(),
        };
        let scored = score_group(&scheme, &[member]);
        assert_eq!(scored[0].rate_percent, None);
        assert_eq!(scored[0].level_code, None);
        assert_eq!(scored[0].placement.rank, None);
    }

    fn member(points: Points, score: Option<Decimal>, sort_key: &str) -> Member {
        Member {
            points,
            score,
            published_rate_percent: None,
            published_rank: None,
            sort_key: sort_key.into(),
        }
    }

    fn d(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    #[test]
    fn a_points_scheme_ranks_by_achieved_points_and_grades_them() {
        let mut scheme = scheme_2020(ConvertedRule::None);
        scheme.rank_by = RankBy::Points;
        scheme.max_points = Some(d("150"));
        scheme.levels = vec![
            Level {
                code: "TOT".into(),
                name: "Tốt".into(),
                ordinal: 1,
                minimum: Some(d("120")),
            },
            Level {
                code: "KHA".into(),
                name: "Khá".into(),
                ordinal: 2,
                minimum: Some(d("100")),
            },
            Level {
                code: "TB".into(),
                name: "Trung bình".into(),
                ordinal: 3,
                minimum: None,
            },
        ];
        let total = |achieved: &str| Points {
            achieved: Some(d(achieved)),
            ..Points::default()
        };
        let scored = score_group(
            &scheme,
            &[
                member(total("120"), None, "b"),
                member(total("99.5"), None, "a"),
                member(total("130"), None, "c"),
            ],
        );
        let ranks: Vec<_> = scored.iter().map(|s| s.placement.rank).collect();
        assert_eq!(ranks, [Some(2), Some(3), Some(1)]);
        let levels: Vec<_> = scored.iter().map(|s| s.level_code.as_deref()).collect();
        // 99.5 reaches no level with a minimum: "Trung bình" is only ever published.
        assert_eq!(levels, [Some("TOT"), None, Some("TOT")]);
        // The scheme's maximum (150) makes a rate of a table of totals: 120 / 150.
        assert_eq!(
            scored[0].rate_percent.as_ref().unwrap().round(2),
            Some(d("80.00"))
        );
        assert_eq!(scored[0].converted_score, None);
    }

    #[test]
    fn a_score_scheme_ranks_by_the_published_score_with_ties() {
        let mut scheme = scheme_2020(ConvertedRule::None);
        scheme.rank_by = RankBy::Score;
        scheme.levels.clear();
        // DTI 2021: Thanh Hóa and Vĩnh Phúc tie at 0,4880 for rank 12; the next is 14.
        let scored = score_group(
            &scheme,
            &[
                member(Points::default(), Some(d("0.4880")), "vinh phuc"),
                member(Points::default(), Some(d("0.4881")), "x"),
                member(Points::default(), Some(d("0.488")), "thanh hoa"),
                member(Points::default(), Some(d("0.4700")), "y"),
            ],
        );
        let ranks: Vec<_> = scored.iter().map(|s| s.placement.rank).collect();
        assert_eq!(ranks, [Some(2), Some(1), Some(2), Some(4)]);
        assert!(
            scored
                .iter()
                .all(|s| s.level_code.is_none() && s.rate_percent.is_none())
        );
    }

    #[test]
    fn a_printed_rate_ranks_when_no_points_were_printed() {
        let scheme = scheme_2020(ConvertedRule::AchievedPoints);
        let mut printed = member(Points::default(), None, "a");
        printed.published_rate_percent = Some(d("91.5"));
        let computed = member(points(100, 0, d("92")), None, "b");
        let scored = score_group(&scheme, &[printed, computed]);
        assert_eq!(scored[0].placement.rank, Some(2));
        assert_eq!(scored[0].level_code.as_deref(), Some("I"));
        assert_eq!(scored[1].placement.rank, Some(1));
    }

    #[test]
    fn restated_means_rank_exactly_and_tie_when_equal() {
        let mut scheme = scheme_2020(ConvertedRule::None);
        scheme.rank_by = RankBy::Score;
        let mean = |scores: &[&str]| {
            let values: Vec<Combined> = scores
                .iter()
                .map(|s| Combined {
                    score: Some(Exact::from_decimal(d(s))),
                    ..Combined::default()
                })
                .collect();
            RestateRule::Mean.restate(RankBy::Score, &values)
        };
        // 1.7 / 3 twice (a tie however the thirds are written), and 0.5666666666666666666666666667,
        // which a 28-digit rounding of 1.7 / 3 would wrongly equal.
        let derived = [
            mean(&["0.5", "0.6", "0.6"]),
            mean(&["0.5666666666666666666666666667"]),
            mean(&["0.7", "0.5", "0.5"]),
            None,
        ];
        let scored = score_restated(&scheme, &derived, &["b", "c", "a", "d"]);
        let ranks: Vec<_> = scored.iter().map(|s| s.placement.rank).collect();
        assert_eq!(ranks, [Some(2), Some(1), Some(2), None]);
        let positions: Vec<_> = scored.iter().map(|s| s.placement.position).collect();
        assert_eq!(positions, [3, 1, 2, 4], "ties by name, the underived last");
        assert_eq!(scored[0].placement.tied_with, Some(1));
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
            prop_assert!(rate.reaches(level.minimum.unwrap()));
            for better in scheme.levels.iter().filter(|l| l.ordinal < level.ordinal) {
                prop_assert!(!rate.reaches(better.minimum.unwrap()));
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
                Member { points: one, score: None, published_rate_percent: None, published_rank: None, sort_key: "b".into() },
                Member { points: scaled, score: None, published_rate_percent: None, published_rank: None, sort_key: "a".into() },
            ];
            let scored = score_group(&scheme, &members);
            prop_assert_eq!(scored[0].placement.rank, Some(1));
            prop_assert_eq!(scored[1].placement.rank, Some(1));
            prop_assert_eq!(&scored[0].level_code, &scored[1].level_code);
        }
    }
}
