//! Reading one record of a table: each cell checked on its own, one row per series the record
//! prints values for.

use rust_decimal::Decimal;

use super::table::{
    DEFAULT_SERIES, Field, Layout, Numbers, ParsedRow, Series, number, rank_and_score,
};
use crate::published::PublishedValues;
use crate::{RowError, Tier, names};

/// Reads the cells of one record, collecting an error for each bad one.
pub(super) struct Cells<'a> {
    pub(super) record: &'a csv::StringRecord,
    pub(super) layout: &'a Layout,
    pub(super) line: usize,
    pub(super) errors: &'a mut Vec<RowError>,
}

impl Cells<'_> {
    fn text(&self, field: Field, series: &Series) -> Option<&str> {
        let column = self.layout.column(field, series)?;
        self.record
            .get(column.position)
            .map(str::trim)
            .filter(|text| !text.is_empty())
    }

    fn fail(&mut self, field: Field, series: &Series, message: String) {
        let column = self.layout.header(field, series);
        self.errors.push(RowError {
            line: self.line,
            column: Some(column),
            message,
        });
    }

    fn optional<T>(
        &mut self,
        field: Field,
        series: &Series,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let text = self.text(field, series)?;
        let parsed = parse(text);
        if parsed.is_none() {
            let message = format!("`{text}` is not {expected}");
            self.fail(field, series, message);
        }
        parsed
    }

    fn required<T>(
        &mut self,
        field: Field,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        if self.text(field, &DEFAULT_SERIES).is_none() {
            self.fail(
                field,
                &DEFAULT_SERIES,
                format!("missing value: expected {expected}"),
            );
            return None;
        }
        self.optional(field, &DEFAULT_SERIES, parse, expected)
    }

    fn points(&mut self, field: Field, series: &Series) -> Option<Decimal> {
        let numbers = self.layout.numbers;
        let expected = match numbers {
            Numbers::Plain => "a non-negative number such as 85.36",
            Numbers::Printed => "a non-negative number such as 85,36",
        };
        self.optional(field, series, |text| number(text, numbers), expected)
    }

    /// The values of `series` in this record; `None` when it prints none for it (another
    /// year's column left empty, a province a sub-index did not rank).
    fn values(&mut self, series: &Series) -> Option<PublishedValues> {
        let numbers = self.layout.numbers;
        let rank_and_score = self.optional(
            Field::Rank,
            series,
            |t| rank_and_score(t, numbers),
            "a whole number from 1 (or a rank and score, `17 (0,633)`)",
        );
        let swapped = self.layout.rate_by_percent_sign
            && !self
                .text(Field::RatePercent, series)
                .is_some_and(|t| t.contains('%'))
            && self
                .text(Field::ConvertedScore, series)
                .is_some_and(|t| t.contains('%'));
        let (rate_field, converted_field) = if swapped {
            (Field::ConvertedScore, Field::RatePercent)
        } else {
            (Field::RatePercent, Field::ConvertedScore)
        };
        let values = PublishedValues {
            max_points: self.points(Field::MaxPoints, series),
            excluded_points: self.points(Field::ExcludedPoints, series),
            required_points: self.points(Field::RequiredPoints, series),
            achieved_points: self.points(Field::AchievedPoints, series),
            rank: rank_and_score.map(|(rank, _)| rank),
            rate_percent: self.points(rate_field, series),
            converted_score: self.points(converted_field, series),
            level: self.optional(
                Field::Level,
                series,
                |t| Some(names::from_spreadsheet_text(t).to_owned()),
                "a level",
            ),
            score: self
                .points(Field::Score, series)
                .or(rank_and_score.and_then(|(_, score)| score)),
            ranked_count: self.optional(
                Field::RankedCount,
                series,
                |t| t.parse::<i32>().ok().filter(|n| *n >= 1),
                "a whole number from 1",
            ),
        };
        (values != PublishedValues::default()).then_some(values)
    }

    /// The rows of this record: one per series it prints values for (the table's own series
    /// always, when the table has no other), each with the record's agency. `None` where a cell
    /// a row needs is bad (the error is collected).
    pub(super) fn rows<'s>(&mut self, all_series: &[&'s Series]) -> Vec<(&'s Series, ParsedRow)> {
        let year = match self.layout.year {
            Some(year) => Some(year),
            None if !self.layout.needs_year() => None,
            None => self.required(
                Field::Year,
                |t| t.parse::<i32>().ok().filter(|y| (1900..=2200).contains(y)),
                "a year such as 2020",
            ),
        };
        let tier = match self.layout.tier {
            Some(tier) => Some(tier),
            None => self.required(
                Field::Tier,
                |t| t.parse::<Tier>().ok(),
                "provincial, district, commune, province or ministry",
            ),
        };
        let agency = self
            .required(
                Field::Agency,
                |t| Some(names::from_spreadsheet_text(t).to_owned()),
                "the agency's name",
            )
            .and_then(|name| match names::problem_with(&name) {
                Some(problem) => {
                    self.fail(Field::Agency, &DEFAULT_SERIES, problem);
                    None
                }
                None => Some(name),
            });
        let index = self.optional(
            Field::Index,
            &DEFAULT_SERIES,
            |t| Some(t.to_owned()),
            "an index code",
        );
        let decision = self.optional(
            Field::Decision,
            &DEFAULT_SERIES,
            |t| Some(t.to_owned()),
            "a decision number",
        );
        let mut printed: Vec<(&'s Series, PublishedValues)> = Vec::new();
        for series in all_series {
            match self.values(series) {
                Some(values) => printed.push((series, values)),
                // A one-series table keeps a row with only a name: it is reported below.
                None if all_series.len() == 1 => printed.push((series, PublishedValues::default())),
                None => {}
            }
        }
        let mut rows = Vec::new();
        for (series, values) in printed {
            let (Some(year), Some(tier), Some(agency)) =
                (series.year.or(year), tier, agency.clone())
            else {
                continue;
            };
            let row = ParsedRow {
                line: self.line,
                year,
                tier,
                agency,
                values,
                index: series.index.clone().or_else(|| index.clone()),
                decision: decision.clone(),
            };
            rows.push((series, row));
        }
        rows
    }
}
