//! What a decision printed for one result: the points and the rank, rate, converted score and
//! level as published. One shape for the `result` row, its versions, imported rows, typed
//! amendments and the API, so the eight values are named once and copied in one place.

use entity::{ExactDecimal, result, result_version};
use rust_decimal::Decimal;
use sea_orm::{NotSet, Set};
use serde_json::{Value, json};

use crate::scoring::Points;

/// The values of one result as a publication printed them. Any may be missing: tables can be
/// partial (a top five, levels only), and what was not printed is never invented.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PublishedValues {
    /// Điểm tối đa.
    pub max_points: Option<Decimal>,
    /// Số điểm không đưa vào đánh giá: criteria that do not apply to the agency.
    pub excluded_points: Option<Decimal>,
    /// Số điểm tối đa cần thực hiện; when absent it follows from max and excluded.
    pub required_points: Option<Decimal>,
    /// Số điểm thực hiện.
    pub achieved_points: Option<Decimal>,
    /// STT: the rank as printed.
    pub rank: Option<i32>,
    /// Tỷ lệ thực hiện, in percent, at the printed precision.
    pub rate_percent: Option<Decimal>,
    /// Số điểm thực hiện được quy đổi, at the printed precision.
    pub converted_score: Option<Decimal>,
    /// A level code of the scheme; in a row just read from a file, possibly a printed label
    /// (`Mức độ II`, `Chưa đạt`) still to be resolved against the scheme.
    pub level: Option<String>,
    /// A published index value (DTI's 0,6419), for schemes that rank by score: in a result
    /// row, its `published_score` (and its `score` too, unless the row is a restatement, whose
    /// `score` is derived).
    pub score: Option<Decimal>,
    /// How many the publication ranked in all: 63 for a table printing the first 17.
    pub ranked_count: Option<i32>,
}

fn exact(value: Option<Decimal>) -> Option<ExactDecimal> {
    value.map(ExactDecimal)
}

fn decimal(value: Option<ExactDecimal>) -> Option<Decimal> {
    value.map(Decimal::from)
}

impl PublishedValues {
    /// The points scoring computes from.
    pub fn points(&self) -> Points {
        Points {
            max: self.max_points,
            excluded: self.excluded_points,
            required: self.required_points,
            achieved: self.achieved_points,
        }
    }

    /// These values, with each value left out taken from `earlier`: a correction typed in a
    /// form states only what changes. Required points left out are the earlier ones while max
    /// and excluded points stay as they were, and follow from them (max - excluded) when the
    /// correction changes either; a version never loses them.
    pub fn or_earlier(self, earlier: &PublishedValues) -> Self {
        let max_points = self.max_points.or(earlier.max_points);
        let excluded_points = self.excluded_points.or(earlier.excluded_points);
        let changes_what_required_follows_from =
            self.max_points.is_some() || self.excluded_points.is_some();
        let required_points = match (self.required_points, max_points, excluded_points) {
            (Some(stated), _, _) => Some(stated),
            (None, Some(max), Some(excluded)) if changes_what_required_follows_from => {
                Some(max - excluded)
            }
            (None, _, _) => earlier.required_points,
        };
        Self {
            max_points,
            excluded_points,
            required_points,
            achieved_points: self.achieved_points.or(earlier.achieved_points),
            rank: self.rank.or(earlier.rank),
            rate_percent: self.rate_percent.or(earlier.rate_percent),
            converted_score: self.converted_score.or(earlier.converted_score),
            level: self.level.or_else(|| earlier.level.clone()),
            score: self.score.or(earlier.score),
            ranked_count: self.ranked_count.or(earlier.ranked_count),
        }
    }

    /// `row` holding these values instead of its own: a result as an earlier version printed it.
    pub fn in_place_of(&self, row: result::Model) -> result::Model {
        result::Model {
            max_points: exact(self.max_points),
            excluded_points: exact(self.excluded_points),
            required_points: exact(self.required_points),
            achieved_points: exact(self.achieved_points),
            published_max_points: exact(self.max_points),
            published_excluded_points: exact(self.excluded_points),
            published_required_points: exact(self.required_points),
            published_achieved_points: exact(self.achieved_points),
            published_rank: self.rank,
            published_rate_percent: exact(self.rate_percent),
            published_converted_score: exact(self.converted_score),
            published_level_code: self.level.clone(),
            score: exact(self.score),
            published_score: exact(self.score),
            ranked_count: self.ranked_count,
            ..row
        }
    }

    /// A result's version `version` holding these values, published by `decision_id`.
    pub fn as_version(
        &self,
        result_id: i32,
        version: i32,
        decision_id: Option<i32>,
        recorded_at: String,
    ) -> result_version::ActiveModel {
        result_version::ActiveModel {
            id: NotSet,
            result_id: Set(result_id),
            version: Set(version),
            decision_id: Set(decision_id),
            recorded_at: Set(recorded_at),
            max_points: Set(exact(self.max_points)),
            excluded_points: Set(exact(self.excluded_points)),
            required_points: Set(exact(self.required_points)),
            achieved_points: Set(exact(self.achieved_points)),
            published_rank: Set(self.rank),
            published_rate_percent: Set(exact(self.rate_percent)),
            published_converted_score: Set(exact(self.converted_score)),
            published_level_code: Set(self.level.clone()),
            score: Set(exact(self.score)),
            ranked_count: Set(self.ranked_count),
        }
    }

    /// The values as the audit log records them (decimals as text, exactly as stored).
    pub fn to_json(&self) -> Value {
        let text = |value: Option<Decimal>| value.map(|value| value.to_string());
        json!({
            "maxPoints": text(self.max_points),
            "excludedPoints": text(self.excluded_points),
            "requiredPoints": text(self.required_points),
            "achievedPoints": text(self.achieved_points),
            "publishedRank": self.rank,
            "publishedRatePercent": text(self.rate_percent),
            "publishedConvertedScore": text(self.converted_score),
            "publishedLevel": self.level,
            "score": text(self.score),
            "rankedCount": self.ranked_count,
        })
    }
}

impl PublishedValues {
    /// The values of the version a result row holds, exactly as printed: its published
    /// columns, points included.
    pub fn of_current_version(row: &result::Model) -> Self {
        Self {
            max_points: decimal(row.published_max_points),
            excluded_points: decimal(row.published_excluded_points),
            required_points: decimal(row.published_required_points),
            achieved_points: decimal(row.published_achieved_points),
            ..Self::from(row)
        }
    }
}

/// The values a result row is scored from: its published columns, with the points scoring
/// last used (derived for a restatement; required points as printed, or max - excluded). For
/// the values exactly as printed, see [`PublishedValues::of_current_version`].
impl From<&result::Model> for PublishedValues {
    fn from(row: &result::Model) -> Self {
        Self {
            max_points: decimal(row.max_points),
            excluded_points: decimal(row.excluded_points),
            required_points: decimal(row.required_points),
            achieved_points: decimal(row.achieved_points),
            rank: row.published_rank,
            rate_percent: decimal(row.published_rate_percent),
            converted_score: decimal(row.published_converted_score),
            level: row.published_level_code.clone(),
            score: decimal(row.published_score),
            ranked_count: row.ranked_count,
        }
    }
}

impl From<&result_version::Model> for PublishedValues {
    fn from(version: &result_version::Model) -> Self {
        Self {
            max_points: decimal(version.max_points),
            excluded_points: decimal(version.excluded_points),
            required_points: decimal(version.required_points),
            achieved_points: decimal(version.achieved_points),
            rank: version.published_rank,
            rate_percent: decimal(version.published_rate_percent),
            converted_score: decimal(version.published_converted_score),
            level: version.published_level_code.clone(),
            score: decimal(version.score),
            ranked_count: version.ranked_count,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Option<Decimal> {
        Some(Decimal::from_str_exact(text).unwrap())
    }

    #[test]
    fn a_correction_keeps_what_it_leaves_out() {
        let earlier = PublishedValues {
            max_points: d("100"),
            excluded_points: d("8"),
            required_points: d("92"),
            achieved_points: d("75.41"),
            rank: Some(3),
            rate_percent: d("81.96"),
            converted_score: d("81.96"),
            level: Some("III".into()),
            score: None,
            ranked_count: Some(9),
        };
        let correction = PublishedValues {
            rate_percent: d("81.97"),
            ..PublishedValues::default()
        };
        let amended = correction.or_earlier(&earlier);
        assert_eq!(amended.rate_percent, d("81.97"));
        assert_eq!(amended.achieved_points, d("75.41"));
        assert_eq!(amended.level.as_deref(), Some("III"));
        assert_eq!(amended.ranked_count, Some(9));
        // Max and excluded points unchanged: the required points are kept too (they were lost
        // before, leaving the README's amendment with a version without required points).
        assert_eq!(amended.required_points, d("92"));
    }

    #[test]
    fn required_points_follow_a_corrected_max_or_excluded() {
        let earlier = PublishedValues {
            max_points: d("100"),
            excluded_points: d("8"),
            required_points: d("92"),
            ..PublishedValues::default()
        };
        let correction = PublishedValues {
            excluded_points: d("10"),
            ..PublishedValues::default()
        };
        assert_eq!(correction.or_earlier(&earlier).required_points, d("90"));
    }

    #[test]
    fn required_points_are_kept_where_they_cannot_be_derived() {
        let earlier = PublishedValues {
            required_points: d("92"),
            ..PublishedValues::default()
        };
        let amended = PublishedValues::default().or_earlier(&earlier);
        assert_eq!(amended.required_points, d("92"));
    }
}
