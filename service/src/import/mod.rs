//! Reading published tables from files: the normalized CSV, a table as a decision's appendix
//! prints it, or a spreadsheet holding either. Reading only: each cell and each row's arithmetic
//! is checked on its own and every problem reported with its line and column; what needs the
//! database (schemes, agencies, earlier results) is checked where rows are written
//! (the `publication` module).

pub mod normalized_csv;
pub mod published_table;
mod sheet_size;
pub mod spreadsheet;
pub mod table;

pub use table::{Parsed, ParsedRow};

use crate::{Error, Result, Tier};

/// Reads a table, CSV or spreadsheet (see [`spreadsheet`]), in either format: the normalized one
/// (see [`normalized_csv`], recognised by its `year` column) or a table as published (see
/// [`published_table`]), which needs the `year` and `tier` it does not print.
pub fn read(content: &[u8], year: Option<i32>, tier: Option<Tier>) -> Result<Parsed> {
    let converted;
    let content = if spreadsheet::recognises(content) {
        converted = spreadsheet::first_sheet_as_csv(content).map_err(Error::BadInput)?;
        &converted[..]
    } else {
        content
    };
    let normalized = csv::ReaderBuilder::new()
        .from_reader(content)
        .headers()
        .is_ok_and(normalized_csv::recognises);
    if normalized {
        return Ok(normalized_csv::parse(content));
    }
    let (Some(year), Some(tier)) = (year, tier) else {
        return Err(Error::BadInput(
            "this table has no year and tier columns (a table as published): give its year and tier".into(),
        ));
    };
    Ok(published_table::parse(content, year, tier))
}
