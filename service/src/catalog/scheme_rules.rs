//! The rules of a scheme as a writer states them (a scheme file, the `setScoringScheme` input):
//! what is ranked by, the level scale and the printing precisions, and every problem with them.

use std::collections::HashSet;

use rust_decimal::Decimal;

use crate::scoring::exact::MAX_PRINTED_DECIMALS;
use crate::scoring::{ConvertedRule, RankBy, RestateRule, Scheme};

/// One level of a scheme to store, best first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LevelSpec {
    /// `[A-Z0-9_]+`: `I`, `NOT_ACHIEVED`, `TOT`.
    pub code: String,
    /// As printed: `Mức độ I`, `Chưa đạt`, `Tốt`. Printed labels are matched against it.
    pub name: String,
    /// The lowest value reaching it, in the unit ranked by; `None`: published only.
    pub minimum: Option<Decimal>,
}

/// The rules of a scheme to store: everything but where it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rules {
    pub name: String,
    pub rank_by: RankBy,
    pub max_points: Option<Decimal>,
    pub converted_rule: ConvertedRule,
    pub rate_decimals: u32,
    pub converted_decimals: u32,
    pub points_decimals: u32,
    pub score_decimals: u32,
    /// How the rankings are restated over a later map (see [`crate::scoring::restatement`]);
    /// `None`: they cannot be.
    pub restate: Option<RestateRule>,
    /// Best first; may be empty (the DTI publishes no levels).
    pub levels: Vec<LevelSpec>,
}

impl Rules {
    /// The rules of a stored scheme.
    pub fn of(scheme: &Scheme) -> Self {
        Self {
            name: scheme.name.clone(),
            rank_by: scheme.rank_by,
            max_points: scheme.max_points,
            converted_rule: scheme.converted_rule,
            rate_decimals: scheme.rate_decimals,
            converted_decimals: scheme.converted_decimals,
            points_decimals: scheme.points_decimals,
            score_decimals: scheme.score_decimals,
            restate: scheme.restate,
            levels: scheme
                .levels
                .iter()
                .map(|level| LevelSpec {
                    code: level.code.clone(),
                    name: level.name.clone(),
                    minimum: level.minimum,
                })
                .collect(),
        }
    }

    /// Every problem with these rules, each with the key it is about (`levels[2].min`), as a
    /// scheme file names it.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        if self.name.trim().is_empty() {
            problems.push(("name".into(), "a scheme needs a name".into()));
        }
        for (key, value) in [
            ("rate_decimals", self.rate_decimals),
            ("converted_decimals", self.converted_decimals),
            ("points_decimals", self.points_decimals),
            ("score_decimals", self.score_decimals),
        ] {
            if value > MAX_PRINTED_DECIMALS {
                problems.push((
                    key.into(),
                    format!("{value} decimals are too many (at most {MAX_PRINTED_DECIMALS})"),
                ));
            }
        }
        if self.max_points.is_some_and(|max| max <= Decimal::ZERO) {
            problems.push(("max_points".into(), "must be more than 0".into()));
        }
        let mut codes = HashSet::new();
        let mut previous: Option<Decimal> = None;
        for (i, level) in self.levels.iter().enumerate() {
            let key = |field: &str| format!("levels[{}].{field}", i + 1);
            let well_formed = !level.code.is_empty()
                && level
                    .code
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                problems.push((
                    key("code"),
                    format!(
                        "`{}` is not a level code: capital letters, digits and `_`",
                        level.code
                    ),
                ));
            } else if !codes.insert(level.code.as_str()) {
                problems.push((key("code"), format!("level `{}` appears twice", level.code)));
            }
            if level.name.trim().is_empty() {
                problems.push((
                    key("name"),
                    "a level needs the name it is printed with".into(),
                ));
            }
            if let Some(minimum) = level.minimum {
                if previous.is_some_and(|previous| minimum >= previous) {
                    problems.push((
                        key("min"),
                        format!(
                            "levels are listed best first: {minimum} is not below the minimum of the level before"
                        ),
                    ));
                }
                previous = Some(minimum);
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(levels: &[(&str, Option<i64>)]) -> Rules {
        Rules {
            name: "test".into(),
            rank_by: RankBy::Points,
            max_points: None,
            converted_rule: ConvertedRule::None,
            rate_decimals: 2,
            converted_decimals: 2,
            points_decimals: 1,
            score_decimals: 4,
            restate: None,
            levels: levels
                .iter()
                .map(|(code, minimum)| LevelSpec {
                    code: (*code).into(),
                    name: (*code).into(),
                    minimum: minimum.map(Decimal::from),
                })
                .collect(),
        }
    }

    #[test]
    fn levels_must_be_best_first_with_well_formed_unique_codes() {
        assert!(
            rules(&[("TOT", Some(800)), ("KHA", Some(650)), ("TB", None)])
                .problems()
                .is_empty()
        );
        assert!(
            rules(&[]).problems().is_empty(),
            "a scheme without levels (the DTI)"
        );
        let keys = |r: Rules| {
            r.problems()
                .into_iter()
                .map(|(key, _)| key)
                .collect::<Vec<_>>()
        };
        assert_eq!(
            keys(rules(&[("TOT", Some(650)), ("KHA", Some(800))])),
            ["levels[2].min"]
        );
        assert_eq!(
            keys(rules(&[("TOT", Some(8)), ("TOT", Some(6))])),
            ["levels[2].code"]
        );
        assert_eq!(keys(rules(&[("Tốt", None)])), ["levels[1].code"]);
    }
}
