//! A scoring scheme as the scoring rule uses it: what is ranked by, the level scale, the
//! converted-score rule and the printing precisions of one (jurisdiction, year, tier, index).

use rust_decimal::Decimal;

use super::exact::Exact;
use super::restatement::RestateRule;
use crate::coded::coded;

/// What a ranking compares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RankBy {
    /// The rate achieved / required points, in percent (the CQĐT rankings of 2020).
    Rate,
    /// The achieved points themselves (rankings out of 150 or 1 000 points).
    Points,
    /// A published index value (the national DTI, a score between 0 and 1).
    Score,
}

/// How the converted score (Số điểm thực hiện được quy đổi) follows from the points.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ConvertedRule {
    /// The achieved points themselves (2020, provincial agencies: converted score = achieved).
    AchievedPoints,
    /// rate x max points (2020, districts: 78.53 / 92 x 100 = 85.36).
    RateTimesMaxPoints,
    /// No converted score is published.
    None,
}

coded!(RankBy { Rate => "RATE", Points => "POINTS", Score => "SCORE" });
coded!(ConvertedRule {
    AchievedPoints => "ACHIEVED_POINTS",
    RateTimesMaxPoints => "RATE_TIMES_MAX_POINTS",
    None => "NONE",
});

/// One step of a level scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub code: String,
    pub name: String,
    /// 1 is the best level.
    pub ordinal: i32,
    /// The lowest value, in the unit the scheme ranks by, that reaches the level; `None` for a
    /// level that is only ever published ("Tốt" as a table prints it), never computed.
    pub minimum: Option<Decimal>,
}

/// The rules one ranking group is scored by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheme {
    pub id: i32,
    pub year: i32,
    pub name: String,
    pub rank_by: RankBy,
    /// Maximum points for rows that print none (tables of totals only).
    pub max_points: Option<Decimal>,
    pub converted_rule: ConvertedRule,
    pub rate_decimals: u32,
    pub converted_decimals: u32,
    pub points_decimals: u32,
    pub score_decimals: u32,
    /// How the rankings it governs are restated over a later map; `None`: they cannot be.
    pub restate: Option<RestateRule>,
    /// Ordered best first (ordinal 1 first).
    pub levels: Vec<Level>,
}

impl Scheme {
    /// The best level whose minimum the exact value ranked by reaches; `None` if the scale has
    /// no level that low (a scale need not start at 0) or states no minimums.
    pub fn level_for(&self, measure: &Exact) -> Option<&Level> {
        self.levels.iter().find(|level| {
            level
                .minimum
                .is_some_and(|minimum| measure.reaches(minimum))
        })
    }

    /// The decimals the value ranked by is printed with.
    pub fn measure_decimals(&self) -> u32 {
        match self.rank_by {
            RankBy::Rate => self.rate_decimals,
            RankBy::Points => self.points_decimals,
            RankBy::Score => self.score_decimals,
        }
    }

    /// The level with this code, if the scale has one.
    pub fn level(&self, code: &str) -> Option<&Level> {
        self.levels.iter().find(|level| level.code == code)
    }

    /// The level a publication means by `label`: its code (`II`), its printed name (`Chưa đạt`,
    /// `Mức độ II`) or `Mức độ` and the code, ignoring case, diacritics and spacing.
    pub fn level_by_label(&self, label: &str) -> Option<&Level> {
        let wanted = crate::names::fold(label);
        let without_prefix = wanted.strip_prefix("muc do ").unwrap_or(&wanted);
        self.levels.iter().find(|level| {
            let code = crate::names::fold(&level.code.replace('_', " "));
            level.code == label
                || crate::names::fold(&level.name) == wanted
                || code == wanted
                || code == without_prefix
        })
    }
}
