//! A scoring scheme as the scoring rule uses it: the level scale, the converted-score rule and
//! the printing precisions of one (jurisdiction, year, tier, index).

use rust_decimal::Decimal;

use super::exact::Exact;

/// How the converted score (Số điểm thực hiện được quy đổi) follows from the points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvertedRule {
    /// The achieved points themselves (2020, provincial agencies: converted score = achieved).
    AchievedPoints,
    /// rate x max points (2020, districts: 78.53 / 92 x 100 = 85.36).
    RateTimesMaxPoints,
}

impl ConvertedRule {
    /// The code stored in `scoring_scheme.converted_rule`.
    pub fn code(self) -> &'static str {
        match self {
            Self::AchievedPoints => "ACHIEVED_POINTS",
            Self::RateTimesMaxPoints => "RATE_TIMES_MAX_POINTS",
        }
    }

    /// Reads a stored code; `None` for an unknown one.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::AchievedPoints, Self::RateTimesMaxPoints]
            .into_iter()
            .find(|rule| rule.code() == code)
    }
}

/// One step of a level scale.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Level {
    pub code: String,
    pub name: String,
    /// 1 is the best level.
    pub ordinal: i32,
    /// The lowest rate, in percent, that reaches the level.
    pub min_rate_percent: Decimal,
}

/// The rules one ranking group is scored by.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scheme {
    pub id: i32,
    pub year: i32,
    pub name: String,
    pub converted_rule: ConvertedRule,
    pub rate_decimals: u32,
    pub converted_decimals: u32,
    /// Ordered best first (ordinal 1 first).
    pub levels: Vec<Level>,
}

impl Scheme {
    /// The best level whose minimum the exact rate reaches; `None` if the scale has no level
    /// that low (a scale need not start at 0 %).
    pub fn level_for(&self, rate_percent: &Exact) -> Option<&Level> {
        self.levels
            .iter()
            .find(|level| rate_percent.reaches(level.min_rate_percent))
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
