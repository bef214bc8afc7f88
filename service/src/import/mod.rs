//! Reading published tables from files: the normalized CSV, a table as a decision's appendix
//! or a report prints it, or a spreadsheet holding either (a workbook whose sheets are named by
//! year holds a year each). Reading only: each cell and each row's arithmetic is checked on its
//! own and every problem reported with its line and column; what needs the database (schemes,
//! agencies, earlier results) is checked where rows are written (the `publication` module).

mod cells;
mod lines;
pub mod normalized_csv;
pub mod published_table;
mod sheet_size;
pub mod spreadsheet;
pub mod table;

pub use table::{Parsed, ParsedRow};

use crate::{Error, Result, Tier};

/// An index as tables may name it in their headers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexNames {
    pub code: String,
    /// Its abbreviation and name: `CQS`, `Chính quyền số`.
    pub labels: Vec<String>,
}

/// What a table as published does not print but the importer knows.
#[derive(Clone, Debug, Default)]
pub struct TableContext {
    /// The year of its values, unless a header (or a sheet's name) names another.
    pub year: Option<i32>,
    pub tier: Option<Tier>,
    /// The index imported, then its sub-indices: headers naming a sub-index hold its results.
    pub indices: Vec<IndexNames>,
}

impl TableContext {
    /// A table of `year` and `tier`, its headers naming no index.
    pub fn at(year: i32, tier: Tier) -> Self {
        Self {
            year: Some(year),
            tier: Some(tier),
            indices: Vec::new(),
        }
    }
}

/// The year a text names: a whole number from 1990 to 2100 standing alone (`Năm 2022`,
/// `Điểm năm 2023`, `2021`).
pub fn year_in(text: &str) -> Option<i32> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|digits| digits.len() == 4)
        .filter_map(|digits| digits.parse::<i32>().ok())
        .find(|year| (1990..=2100).contains(year))
}

/// Reads a table, CSV or spreadsheet (see [`spreadsheet`]), in either format: the normalized one
/// (see [`normalized_csv`], recognised by its `year` column) or a table as published (see
/// [`published_table`]), which needs the tier (and year) it does not print.
pub fn read(content: &[u8], context: &TableContext) -> Result<Parsed> {
    if !spreadsheet::recognises(content) {
        return read_text(content, context);
    }
    let sheets = spreadsheet::sheets_as_csv(content).map_err(Error::BadInput)?;
    let several = sheets.len() > 1;
    let mut parsed = Parsed::default();
    for sheet in sheets {
        let context = TableContext {
            year: sheet.year.or(context.year),
            ..context.clone()
        };
        let mut read = read_text(&sheet.csv, &context)?;
        if several {
            // Lines restart on every sheet: the sheet's name says where.
            for error in &mut read.errors {
                error.column = Some(match error.column.take() {
                    Some(column) => format!("{} › {column}", sheet.name),
                    None => sheet.name.clone(),
                });
            }
        }
        parsed.rows.extend(read.rows);
        parsed.errors.extend(read.errors);
    }
    Ok(parsed)
}

/// Reads CSV text in whichever format it is.
fn read_text(content: &[u8], context: &TableContext) -> Result<Parsed> {
    let normalized = csv::ReaderBuilder::new()
        .from_reader(content)
        .headers()
        .is_ok_and(normalized_csv::recognises);
    if normalized {
        Ok(normalized_csv::parse(content))
    } else {
        published_table::parse(content, context).map_err(Error::BadInput)
    }
}
