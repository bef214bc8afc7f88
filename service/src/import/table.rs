//! Reading a results table, whatever its layout: each format says which column holds which
//! field and how numbers are written; this module reads the cells, checks each on its own and
//! each row's arithmetic, and reports every problem with its line and column.
//!
//! Checks that need the database (schemes, level codes, existing results) are in `write`.

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
    fn series(&self) -> Vec<&Series> {
        let mut series: Vec<&Series> = self.columns.iter().map(|column| &column.series).collect();
        series.push(&DEFAULT_SERIES);
        series.sort();
        series.dedup();
        series
    }

    /// Whether some values of the table are of no year but the one a column or the importer
    /// gives.
    fn needs_year(&self) -> bool {
        let valued: Vec<&Column> = self
            .columns
            .iter()
            .filter(|column| !is_shared(column.field))
            .collect();
        valued.is_empty() || valued.iter().any(|column| column.series.year.is_none())
    }

    /// The column holding `field` for `series`; shared fields (the agency, a year or tier
    /// column) belong to the table's own series and serve every series.
    fn column(&self, field: Field, series: &Series) -> Option<&Column> {
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
    fn header(&self, field: Field, series: &Series) -> String {
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

const DEFAULT_SERIES: Series = Series {
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

/// Line numbers as an editor shows them. The CSV reader's own are not: it counts `\n` only (a
/// file saved with `\r` line ends, as classic Mac spreadsheets do, is all on line 1), and a
/// record's position is where the reader stopped after the record before, so it is a line short
/// when blank lines or a `\r\n` (any file Excel saves on Windows) come before the record.
struct Lines<'a> {
    content: &'a [u8],
    /// Line breaks are counted in `content[..counted]`.
    counted: usize,
    /// The line that starts at `counted`.
    line: usize,
}

impl<'a> Lines<'a> {
    fn new(content: &'a [u8]) -> Self {
        Self {
            content,
            counted: 0,
            line: 1,
        }
    }

    /// The 1-based line of the record the reader positions at byte `offset`: the first line at
    /// or after it that is not empty. Offsets do not decrease from call to call.
    fn of(&mut self, offset: u64) -> usize {
        let content = self.content;
        let mut start = usize::try_from(offset)
            .unwrap_or(usize::MAX)
            .clamp(self.counted, content.len());
        while matches!(content.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        for (i, byte) in content.iter().enumerate().take(start).skip(self.counted) {
            let ends_line = match byte {
                b'\n' => true,
                b'\r' => content.get(i + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(ends_line);
        }
        self.counted = start;
        self.line
    }
}

/// The records of a table after its header, each with its line as an editor shows it; an
/// error for each record that cannot be read.
pub fn records(
    content: &[u8],
    reader: &mut csv::Reader<&[u8]>,
) -> (Vec<(usize, csv::StringRecord)>, Vec<RowError>) {
    let mut records = Vec::new();
    let mut errors = Vec::new();
    let mut lines = Lines::new(content);
    for (number, record) in reader.records().enumerate() {
        let mut line_of =
            |position: Option<&csv::Position>| position.map_or(number + 2, |p| lines.of(p.byte()));
        match record {
            Ok(record) if record.iter().all(|cell| cell.trim().is_empty()) => {}
            Ok(record) => {
                let line = line_of(record.position());
                records.push((line, record));
            }
            Err(error) => {
                let line = line_of(error.position());
                errors.push(RowError {
                    line,
                    column: None,
                    message: format!("unreadable row: {error}"),
                });
            }
        }
    }
    (records, errors)
}

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
    let mut parsed = Parsed {
        rows: Vec::new(),
        errors,
    };
    let series = layout.series();
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

/// Reads the cells of one record, collecting an error for each bad one.
struct Cells<'a> {
    record: &'a csv::StringRecord,
    layout: &'a Layout,
    line: usize,
    errors: &'a mut Vec<RowError>,
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
            level: self.optional(Field::Level, series, |t| Some(t.to_owned()), "a level"),
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
    fn rows<'s>(&mut self, all_series: &[&'s Series]) -> Vec<(&'s Series, ParsedRow)> {
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
        let agency = self.required(Field::Agency, |t| Some(t.to_owned()), "the agency's name");
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The lines of the rows and of the errors read from a table `agency,points`.
    fn lines(content: &str, flexible: bool) -> (Vec<usize>, Vec<usize>) {
        let (mut reader, _) = open(content.as_bytes(), b',', flexible).expect("a header");
        let layout = Layout {
            year: Some(2020),
            tier: Some(Tier::District),
            ..Layout::of_columns(
                [
                    (Field::Agency, "agency".to_owned()),
                    (Field::AchievedPoints, "points".to_owned()),
                ],
                Numbers::Plain,
            )
        };
        let parsed = read(content.as_bytes(), &mut reader, &layout);
        (
            parsed.rows.iter().map(|row| row.line).collect(),
            parsed.errors.iter().map(|error| error.line).collect(),
        )
    }

    #[test]
    fn lines_are_counted_as_an_editor_shows_them_whatever_the_line_ends() {
        // Found by fuzzing: with `\r` line ends every row was on line 1, the header's; with
        // `\r\n` (Excel on Windows) or after a blank line, a row was reported a line too early.
        for content in [
            "agency,points\nA,1\nB,x\n\nC,3\n",
            "agency,points\r\nA,1\r\nB,x\r\n\r\nC,3\r\n",
            "agency,points\rA,1\rB,x\r\rC,3\r",
            "agency,points\nA,1\r\nB,x\r\rC,3",
        ] {
            assert_eq!(
                lines(content, true),
                (vec![2, 3, 5], vec![3]),
                "{content:?}"
            );
        }
    }

    #[test]
    fn a_cell_over_two_lines_moves_the_rows_after_it() {
        for content in [
            "agency,points\n\"A\nand B\",1\nC,x\n",
            "agency,points\r\n\"A\r\nand B\",1\r\nC,x\r\n",
            "agency,points\r\"A\rand B\",1\rC,x\r",
        ] {
            assert_eq!(lines(content, true), (vec![2, 4], vec![4]), "{content:?}");
        }
    }

    #[test]
    fn an_unreadable_row_is_reported_on_its_line() {
        for content in [
            "agency,points\nA,1\n\nB\n",
            "agency,points\r\nA,1\r\n\r\nB\r\n",
            "agency,points\rA,1\r\rB\r",
        ] {
            assert_eq!(lines(content, false), (vec![2], vec![4]), "{content:?}");
        }
    }
}
