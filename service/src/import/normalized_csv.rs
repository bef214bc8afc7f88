//! Reading the normalized CSV (the fixed import format of `shared/data/*.csv`):
//! `year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,
//! published_rate_percent,published_converted_score,published_level`, optionally `index` and
//! `decision`. Empty cells are values that were not published.
//!
//! Parsing checks each cell on its own and each row's arithmetic; checks that need the database
//! (schemes, level codes, existing results) are in [`super::validate`].

use rust_decimal::Decimal;

use crate::{RowError, Tier};

/// The columns every normalized CSV has, in this order.
pub const REQUIRED_COLUMNS: [&str; 11] = [
    "year",
    "tier",
    "published_rank",
    "agency",
    "max_points",
    "excluded_points",
    "required_points",
    "achieved_points",
    "published_rate_percent",
    "published_converted_score",
    "published_level",
];

/// One row of the file, checked cell by cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRow {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub year: i32,
    pub tier: Tier,
    pub agency: String,
    pub published_rank: Option<i32>,
    pub max_points: Option<Decimal>,
    pub excluded_points: Option<Decimal>,
    pub required_points: Option<Decimal>,
    pub achieved_points: Option<Decimal>,
    pub published_rate_percent: Option<Decimal>,
    pub published_converted_score: Option<Decimal>,
    pub published_level: Option<String>,
    pub index: Option<String>,
    pub decision: Option<String>,
}

/// A file read cell by cell: the rows that are well-formed, and an error for every bad cell.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ParsedRow>,
    pub errors: Vec<RowError>,
}

/// Parses the whole file, reporting every bad cell rather than stopping at the first.
pub fn parse(content: &[u8]) -> Parsed {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(content);
    let headers = match reader.headers() {
        Ok(headers) => headers.clone(),
        Err(error) => {
            return Parsed {
                rows: Vec::new(),
                errors: vec![whole_row(1, format!("unreadable header: {error}"))],
            };
        }
    };
    let position = |name: &str| {
        headers
            .iter()
            .position(|header| header.trim_start_matches('\u{feff}') == name)
    };
    let missing: Vec<RowError> = REQUIRED_COLUMNS
        .iter()
        .filter(|name| position(name).is_none())
        .map(|name| RowError {
            line: 1,
            column: Some((*name).into()),
            message: "missing column".into(),
        })
        .collect();
    if !missing.is_empty() {
        return Parsed {
            rows: Vec::new(),
            errors: missing,
        };
    }

    let mut rows = Vec::new();
    let mut errors = Vec::new();
    for (number, record) in reader.records().enumerate() {
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                let line = error.position().map_or(number + 2, |p| {
                    usize::try_from(p.line()).unwrap_or(usize::MAX)
                });
                errors.push(whole_row(line, format!("unreadable row: {error}")));
                continue;
            }
        };
        let line = record.position().map_or(number + 2, |p| {
            usize::try_from(p.line()).unwrap_or(usize::MAX)
        });
        let mut cells = Cells {
            record: &record,
            position: &position,
            line,
            errors: &mut errors,
        };
        let year = cells.required(
            "year",
            |text| {
                text.parse::<i32>()
                    .ok()
                    .filter(|year| (1900..=2200).contains(year))
            },
            "a year such as 2020",
        );
        let tier = cells.required(
            "tier",
            |text| text.parse::<Tier>().ok(),
            "provincial, district or commune",
        );
        let agency = cells.required("agency", |text| Some(text.to_owned()), "the agency's name");
        let published_rank = cells.optional(
            "published_rank",
            |text| text.parse::<i32>().ok().filter(|rank| *rank >= 1),
            "a whole number from 1",
        );
        let max_points = cells.points("max_points");
        let excluded_points = cells.points("excluded_points");
        let required_points = cells.points("required_points");
        let achieved_points = cells.points("achieved_points");
        let published_rate_percent = cells.points("published_rate_percent");
        let published_converted_score = cells.points("published_converted_score");
        let published_level = cells.optional(
            "published_level",
            |text| Some(text.to_owned()),
            "a level code",
        );
        let index = cells.optional("index", |text| Some(text.to_owned()), "an index code");
        let decision = cells.optional(
            "decision",
            |text| Some(text.to_owned()),
            "a decision number",
        );
        let (Some(year), Some(tier), Some(agency)) = (year, tier, agency) else {
            continue;
        };
        let row = ParsedRow {
            line,
            year,
            tier,
            agency,
            published_rank,
            max_points,
            excluded_points,
            required_points,
            achieved_points,
            published_rate_percent,
            published_converted_score,
            published_level,
            index,
            decision,
        };
        let before = errors.len();
        check_arithmetic(&row, &mut errors);
        if errors.len() == before {
            rows.push(row);
        }
    }
    Parsed { rows, errors }
}

fn whole_row(line: usize, message: String) -> RowError {
    RowError {
        line,
        column: None,
        message,
    }
}

/// The published points must add up: required = max - excluded, achieved <= required.
fn check_arithmetic(row: &ParsedRow, errors: &mut Vec<RowError>) {
    let error = |column: &str, message: String| RowError {
        line: row.line,
        column: Some(column.into()),
        message,
    };
    if let (Some(max), Some(excluded)) = (row.max_points, row.excluded_points) {
        if excluded > max {
            errors.push(error(
                "excluded_points",
                format!("{excluded} excluded points exceed the {max} maximum"),
            ));
        } else if let Some(required) = row
            .required_points
            .filter(|required| *required != max - excluded)
        {
            errors.push(error(
                "required_points",
                format!("{required} is not max - excluded = {}", max - excluded),
            ));
        }
    }
    let required = row
        .required_points
        .or_else(|| Some(row.max_points? - row.excluded_points?));
    if let (Some(achieved), Some(required)) = (row.achieved_points, required)
        && achieved > required
    {
        errors.push(error(
            "achieved_points",
            format!("{achieved} achieved points exceed the {required} required"),
        ));
    }
}

/// Reads the cells of one record, collecting an error for each bad one.
struct Cells<'a, P: Fn(&str) -> Option<usize>> {
    record: &'a csv::StringRecord,
    position: &'a P,
    line: usize,
    errors: &'a mut Vec<RowError>,
}

impl<P: Fn(&str) -> Option<usize>> Cells<'_, P> {
    fn text(&self, column: &str) -> Option<&str> {
        (self.position)(column)
            .and_then(|index| self.record.get(index))
            .filter(|text| !text.is_empty())
    }

    fn fail(&mut self, column: &str, message: String) {
        self.errors.push(RowError {
            line: self.line,
            column: Some(column.into()),
            message,
        });
    }

    fn optional<T>(
        &mut self,
        column: &str,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let text = self.text(column)?;
        let parsed = parse(text);
        if parsed.is_none() {
            let message = format!("`{text}` is not {expected}");
            self.fail(column, message);
        }
        parsed
    }

    fn required<T>(
        &mut self,
        column: &str,
        parse: impl Fn(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        if self.text(column).is_none() {
            self.fail(column, format!("missing value: expected {expected}"));
            return None;
        }
        self.optional(column, parse, expected)
    }

    /// A non-negative decimal with a dot, kept with the scale it was written with.
    fn points(&mut self, column: &str) -> Option<Decimal> {
        self.optional(
            column,
            |text| {
                Decimal::from_str_exact(text)
                    .ok()
                    .filter(|v| !v.is_sign_negative())
            },
            "a non-negative number such as 85.36",
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,published_rate_percent,published_converted_score,published_level\n";

    #[test]
    fn reads_a_published_row_keeping_the_printed_scale() {
        let csv = format!("{HEADER}2020,provincial,1,Sở Công Thương,90,0,90,90,100,90.0,I\n");
        let Parsed { rows, errors } = parse(csv.as_bytes());
        assert_eq!(errors, []);
        assert_eq!(
            rows[0].published_converted_score.unwrap().to_string(),
            "90.0"
        );
        assert_eq!(rows[0].tier, Tier::Provincial);
        assert_eq!(rows[0].line, 2);
    }

    #[test]
    fn reports_every_bad_cell_with_its_line_and_column() {
        let csv = format!(
            "{HEADER}2020,provincial,1,A,90,0,90,90,100,90.0,I\n\
             2020,county,1,B,90,0,90,-1,100,90.0,I\n\
             2020,district,x,C,100,8,91,95,,,\n"
        );
        let Parsed { rows, errors } = parse(csv.as_bytes());
        assert_eq!(
            rows.len(),
            1,
            "the good row is kept for the database checks"
        );
        let found: Vec<(usize, Option<&str>)> = errors
            .iter()
            .map(|e| (e.line, e.column.as_deref()))
            .collect();
        assert_eq!(
            found,
            [
                (3, Some("tier")),
                (3, Some("achieved_points")),
                (4, Some("published_rank")),
                (4, Some("required_points")),
                (4, Some("achieved_points")),
            ]
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let errors = parse(b"year,tier,agency\n2020,district,A\n").errors;
        assert!(
            errors
                .iter()
                .any(|e| e.column.as_deref() == Some("published_level"))
        );
    }
}
