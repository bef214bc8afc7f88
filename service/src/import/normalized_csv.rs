//! Reading the normalized CSV (the fixed import format of `shared/data/*.csv`):
//! `year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,
//! published_rate_percent,published_converted_score,published_level`, optionally `index` and
//! `decision`. Numbers use a decimal dot; empty cells are values that were not published.

use super::table::{self, Column, Field, Layout, Numbers, Parsed, Series};

/// The columns every normalized CSV has, and the field each holds.
pub const REQUIRED_COLUMNS: [(&str, Field); 11] = [
    ("year", Field::Year),
    ("tier", Field::Tier),
    ("published_rank", Field::Rank),
    ("agency", Field::Agency),
    ("max_points", Field::MaxPoints),
    ("excluded_points", Field::ExcludedPoints),
    ("required_points", Field::RequiredPoints),
    ("achieved_points", Field::AchievedPoints),
    ("published_rate_percent", Field::RatePercent),
    ("published_converted_score", Field::ConvertedScore),
    ("published_level", Field::Level),
];

/// Optional columns: the ranking index's code, the publishing decision's number, a published
/// score (rankings by score, such as the DTI) and how many the publication ranked in all.
const OPTIONAL_COLUMNS: [(&str, Field); 4] = [
    ("index", Field::Index),
    ("decision", Field::Decision),
    ("score", Field::Score),
    ("ranked_count", Field::RankedCount),
];

/// Whether a header row is the normalized one (it names the `year` column).
pub fn recognises(headers: &csv::StringRecord) -> bool {
    headers
        .iter()
        .any(|h| h.trim_start_matches('\u{feff}').trim() == "year")
}

/// Parses the whole file, reporting every bad cell rather than stopping at the first.
pub fn parse(content: &[u8]) -> Parsed {
    let (mut reader, headers) = match table::open(content, b',', false) {
        Ok(opened) => opened,
        Err(refused) => return refused,
    };
    let position = |name: &str| headers.iter().position(|header| header == name);
    let twice: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .chain(&OPTIONAL_COLUMNS)
        .map(|(name, _)| *name)
        .filter(|name| headers.iter().filter(|header| header == name).count() > 1)
        .collect();
    if !twice.is_empty() {
        return Parsed::columns_twice(twice);
    }
    let missing: Vec<&str> = REQUIRED_COLUMNS
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| position(name).is_none())
        .collect();
    if !missing.is_empty() {
        let mut parsed = Parsed::default();
        for name in missing {
            parsed.errors.push(crate::RowError {
                line: 1,
                column: Some(name.into()),
                message: "missing column".into(),
            });
        }
        return parsed;
    }
    let columns = REQUIRED_COLUMNS
        .iter()
        .chain(&OPTIONAL_COLUMNS)
        .filter_map(|(name, field)| {
            Some(Column {
                position: position(name)?,
                header: (*name).to_owned(),
                field: *field,
                series: Series::default(),
            })
        })
        .collect();
    let layout = Layout {
        columns,
        year: None,
        tier: None,
        numbers: Numbers::Plain,
        rate_by_percent_sign: false,
    };
    table::read(content, &mut reader, &layout)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Tier;

    const HEADER: &str = "year,tier,published_rank,agency,max_points,excluded_points,required_points,achieved_points,published_rate_percent,published_converted_score,published_level\n";

    #[test]
    fn reads_a_published_row_keeping_the_printed_scale() {
        let csv = format!("{HEADER}2020,provincial,1,Sở Công Thương,90,0,90,90,100,90.0,I\n");
        let Parsed { rows, errors } = parse(csv.as_bytes());
        assert_eq!(errors, []);
        assert_eq!(rows[0].values.converted_score.unwrap().to_string(), "90.0");
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
        let found = crate::RowError::places(&errors);
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
