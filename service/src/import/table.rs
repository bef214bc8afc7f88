//! Reading a results table, whatever its layout: each format says which column holds which
//! field and how numbers are written; this module reads the cells, checks each on its own and
//! each row's arithmetic, and reports every problem with its line and column.
//!
//! Checks that need the database (schemes, level codes, existing results) are the
//! `publication` module's. The cells of one record are read in `cells`, lines counted in
//! `lines`.

use rust_decimal::Decimal;

use crate::published::PublishedValues;
use crate::{RowError, Tier};

/// What a column can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Year,
    Tier,
    Rank,
    Agency,
    MaxPoints,
    ExcludedPoints,
    RequiredPoints,
    AchievedPoints,
    RatePercent,
    ConvertedScore,
    Level,
    /// A published index value (DTI's 0,6419).
    Score,
    /// How many the publication ranked in all.
    RankedCount,
    Index,
    Decision,
}

/// Which result a column's values belong to: the table's own (year and index as imported) or,
/// in a table that prints several side by side, another year's ("Điểm năm 2022") or a
/// sub-index's ("Xếp hạng CQS").
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Series {
    /// The year, where the header names one.
    pub year: Option<i32>,
    /// The code of the index, where the header names one other than the one imported.
    pub index: Option<String>,
}

/// One column of a table: where it is, its header as written, the field it holds and whose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Column {
    pub position: usize,
    pub header: String,
    pub field: Field,
    pub series: Series,
}

/// How numbers are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Numbers {
    /// `85.36`: the normalized CSV.
    Plain,
    /// `85,36` or `85,36%` (a dot is accepted too): tables as published in Vietnam.
    Printed,
}

/// Where each field is, and what the table does not say but the importer was told.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The columns the table has a field for; a field at most once per series.
    pub columns: Vec<Column>,
    pub year: Option<i32>,
    pub tier: Option<Tier>,
    pub numbers: Numbers,
    /// When exactly one of the rate and converted-score cells carries a `%`, it is the rate:
    /// the 2020 provincial appendix printed the two under each other's headers.
    pub rate_by_percent_sign: bool,
}

impl Layout {
    /// A layout of one series, one column per `(field, header)`, in that order.
    pub fn of_columns(named: impl IntoIterator<Item = (Field, String)>, numbers: Numbers) -> Self {
        Self {
            columns: named
                .into_iter()
                .enumerate()
                .map(|(position, (field, header))| Column {
                    position,
                    header,
                    field,
                    series: Series::default(),
                })
                .collect(),
            year: None,
            tier: None,
            numbers,
            rate_by_percent_sign: false,
        }
    }

    /// The series of the table, the table's own first.
    pub(super) fn series(&self) -> Vec<&Series> {
        let mut series: Vec<&Series> = self.columns.iter().map(|column| &column.series).collect();
        series.push(&DEFAULT_SERIES);
        series.sort();
        series.dedup();
        series
    }

    /// Whether some values of the table are of no year but the one a column or the importer
    /// gives.
    pub(super) fn needs_year(&self) -> bool {
        let valued: Vec<&Column> = self
            .columns
            .iter()
            .filter(|column| !is_shared(column.field))
            .collect();
        valued.is_empty() || valued.iter().any(|column| column.series.year.is_none())
    }

    /// The column holding `field` for `series`; shared fields (the agency, a year or tier
    /// column) belong to the table's own series and serve every series.
    pub(super) fn column(&self, field: Field, series: &Series) -> Option<&Column> {
        let series = if is_shared(field) {
            &DEFAULT_SERIES
        } else {
            series
        };
        self.columns
            .iter()
            .find(|column| column.field == field && column.series == *series)
    }

    /// The column's header as written, or the field's name when the table has no such column.
    pub(super) fn header(&self, field: Field, series: &Series) -> String {
        self.column(field, series)
            .map_or_else(|| format!("{field:?}"), |column| column.header.clone())
    }
}

/// Fields a row gives once for all its series: who, when, which tier, index and decision.
fn is_shared(field: Field) -> bool {
    matches!(
        field,
        Field::Agency | Field::Year | Field::Tier | Field::Index | Field::Decision
    )
}

pub(super) const DEFAULT_SERIES: Series = Series {
    year: None,
    index: None,
};

/// One row of a table, checked cell by cell. Empty cells are values that were not published.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedRow {
    /// 1-based line in the file (the header is line 1).
    pub line: usize,
    pub year: i32,
    pub tier: Tier,
    pub agency: String,
    /// As printed; the level may be a label (`Chưa đạt`, `Mức độ II`) still to be resolved
    /// against the scheme.
    pub values: PublishedValues,
    pub index: Option<String>,
    pub decision: Option<String>,
}

/// A file read cell by cell: the rows that are well-formed, and an error for every bad cell.
#[derive(Clone, Debug, Default)]
pub struct Parsed {
    pub rows: Vec<ParsedRow>,
    pub errors: Vec<RowError>,
}

impl Parsed {
    /// A file refused as a whole at `line`.
    pub fn refused(line: usize, column: Option<String>, message: String) -> Self {
        Self {
            rows: Vec::new(),
            errors: vec![RowError {
                line,
                column,
                message,
            }],
        }
    }

    /// A file refused because its header names these columns twice: reading the first would
    /// silently drop the other's values.
    pub fn columns_twice<'a>(headers: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            rows: Vec::new(),
            errors: headers
                .into_iter()
                .map(|header| RowError {
                    line: 1,
                    column: Some(header.to_owned()),
                    message: "this column appears twice: which one holds the values?".into(),
                })
                .collect(),
        }
    }
}

/// Parses a number as written in `numbers` style, keeping the scale it was written with.
pub fn number(text: &str, numbers: Numbers) -> Option<Decimal> {
    let text = text.trim();
    let value = match numbers {
        Numbers::Plain => Decimal::from_str_exact(text).ok()?,
        Numbers::Printed => {
            let digits = text
                .trim_end_matches('%')
                .trim()
                .replace(' ', "")
                .replace(',', ".");
            Decimal::from_str_exact(&digits).ok()?
        }
    };
    (!value.is_sign_negative()).then_some(value)
}

/// The delimiter of a table exported by a spreadsheet: the most frequent of `,`, `;` and tab on
/// the header line.
pub fn delimiter(content: &[u8]) -> u8 {
    let first_line = content.split(|b| *b == b'\n').next().unwrap_or_default();
    [b',', b';', b'\t']
        .into_iter()
        .max_by_key(|d| first_line.iter().filter(|b| *b == d).count())
        .unwrap_or(b',')
}

/// Opens a table and reads its header row, without the byte-order mark a spreadsheet may write.
/// A file whose header cannot be read is refused as a whole.
pub fn open(
    content: &[u8],
    delimiter: u8,
    flexible: bool,
) -> Result<(csv::Reader<&[u8]>, Vec<String>), Parsed> {
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .flexible(flexible)
        .from_reader(content);
    match reader.headers() {
        Ok(headers) => {
            let headers = headers
                .iter()
                .map(|h| h.trim_start_matches('\u{feff}').to_owned())
                .collect();
            Ok((reader, headers))
        }
        Err(error) => Err(Parsed::refused(
            1,
            None,
            format!("unreadable header: {error}"),
        )),
    }
}

use super::cells::Cells;
pub use super::lines::records;

/// Reads every record after the header with `layout`; `content` is what `reader` reads, for the
/// line numbers.
pub fn read(content: &[u8], reader: &mut csv::Reader<&[u8]>, layout: &Layout) -> Parsed {
    let (records, errors) = records(content, reader);
    read_records(&records, errors, layout)
}

/// Reads records with `layout`: each gives a row per series it has values for.
pub fn read_records(
    records: &[(usize, csv::StringRecord)],
    errors: Vec<RowError>,
    layout: &Layout,
) -> Parsed {
    let series = layout.series();
    // Sized once: a history of 80 000 rows grown by doubling copied and faulted in every
    // size on the way.
    let mut parsed = Parsed {
        rows: Vec::with_capacity(records.len() * series.len().max(1)),
        errors,
    };
    for (line, record) in records {
        let mut cells = Cells {
            record,
            layout,
            line: *line,
            errors: &mut parsed.errors,
        };
        // A row with a bad cell is kept for the checks below: the table is refused anyway,
        // with every problem found.
        for (series, row) in cells.rows(&series) {
            let before = parsed.errors.len();
            check_arithmetic(&row, layout, series, &mut parsed.errors);
            if parsed.errors.len() == before {
                parsed.rows.push(row);
            }
        }
    }
    parsed.errors.sort_by_key(|error| error.line);
    parsed
}

/// Rows given field by field rather than read from a file (an amendment typed in a form), with
/// `line` their 1-based place in the list: each checked as a file's row is. Problems name the
/// fields as the API does (`maxPoints`).
pub fn check_rows(rows: Vec<ParsedRow>) -> Parsed {
    let layout = Layout::of_columns(
        [
            (Field::MaxPoints, "maxPoints"),
            (Field::ExcludedPoints, "excludedPoints"),
            (Field::RequiredPoints, "requiredPoints"),
            (Field::AchievedPoints, "achievedPoints"),
            (Field::RatePercent, "publishedRatePercent"),
            (Field::ConvertedScore, "publishedConvertedScore"),
            (Field::Score, "score"),
            (Field::Rank, "publishedRank"),
        ]
        .map(|(field, name)| (field, name.to_owned())),
        Numbers::Plain,
    );
    let mut parsed = Parsed::default();
    for row in rows {
        let before = parsed.errors.len();
        let published = &row.values;
        let values = [
            (Field::MaxPoints, published.max_points),
            (Field::ExcludedPoints, published.excluded_points),
            (Field::RequiredPoints, published.required_points),
            (Field::AchievedPoints, published.achieved_points),
            (Field::RatePercent, published.rate_percent),
            (Field::ConvertedScore, published.converted_score),
            (Field::Score, published.score),
        ];
        for (field, value) in values {
            if value.is_some_and(|value| value.is_sign_negative()) {
                parsed.errors.push(RowError {
                    line: row.line,
                    column: Some(layout.header(field, &DEFAULT_SERIES)),
                    message: "must not be negative".into(),
                });
            }
        }
        if published.rank.is_some_and(|rank| rank < 1) {
            parsed.errors.push(RowError {
                line: row.line,
                column: Some(layout.header(Field::Rank, &DEFAULT_SERIES)),
                message: "a rank is a whole number from 1".into(),
            });
        }
        check_arithmetic(&row, &layout, &DEFAULT_SERIES, &mut parsed.errors);
        if parsed.errors.len() == before {
            parsed.rows.push(row);
        }
    }
    parsed
}

/// The published points must add up: required = max - excluded, achieved <= required.
fn check_arithmetic(row: &ParsedRow, layout: &Layout, series: &Series, errors: &mut Vec<RowError>) {
    let line = row.line;
    let row = &row.values;
    let error = |field: Field, message: String| RowError {
        line,
        column: Some(layout.header(field, series)),
        message,
    };
    if let (Some(max), Some(excluded)) = (row.max_points, row.excluded_points) {
        if excluded > max {
            errors.push(error(
                Field::ExcludedPoints,
                format!("{excluded} excluded points exceed the {max} maximum"),
            ));
        } else if let Some(required) = row
            .required_points
            .filter(|required| *required != max - excluded)
        {
            errors.push(error(
                Field::RequiredPoints,
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
            Field::AchievedPoints,
            format!("{achieved} achieved points exceed the {required} required"),
        ));
    }
}

/// A rank as printed, alone (`17`) or with the score beside it (`17 (0,633)`).
pub fn rank_and_score(text: &str, numbers: Numbers) -> Option<(i32, Option<Decimal>)> {
    let text = text.trim();
    let (rank, score) = match text.split_once('(') {
        Some((rank, rest)) => {
            let score = rest.strip_suffix(')')?;
            (rank.trim(), Some(number(score, numbers)?))
        }
        None => (text, None),
    };
    let rank = rank.parse::<i32>().ok().filter(|rank| *rank >= 1)?;
    Some((rank, score))
}
