//! Spreadsheets (XLSX, XLS, ODS) as tables: the first worksheet, read with `calamine` and handed
//! to the table readers as CSV, so a spreadsheet is checked exactly like the same table in CSV.
//!
//! A spreadsheet keeps numbers as binary floating point. Each is written back with the shortest
//! decimal that reads as the same float (`86.17372`, not `86.17371999999999`), which is the
//! number as it was typed for any value with up to 15 significant digits; a trailing zero a
//! publication printed (`67,00`) survives only in cells kept as text. Cells formatted as percent
//! hold fractions (0.8536 for 85,36 %): type rates as text, or as numbers without the format.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Cell, Data, DataRef, Range, Reader, Sheets, Xlsx, open_workbook_auto_from_rs};

/// The most cells the used range of an XLSX sheet may span (rows × columns). A table of results
/// has a few hundred rows of a dozen columns, while a cell reference is a few bytes: laid out
/// cell by cell, a sheet with cells `A1` and `XFD1048576` would take 512 GiB.
const MAX_CELLS: u64 = 1 << 20;

/// Whether the bytes are a spreadsheet rather than text: XLSX and ODS are ZIP archives, XLS an
/// OLE compound file.
pub fn recognises(content: &[u8]) -> bool {
    content.starts_with(b"PK\x03\x04") || content.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The first worksheet as CSV text.
pub fn first_sheet_as_csv(content: &[u8]) -> Result<Vec<u8>, String> {
    // calamine panics on some malformed files (found by fuzzing: a cell reference of seven
    // letters or more overflows its column number): such a file is unreadable, not a crash.
    catch_unwind(AssertUnwindSafe(|| sheet_as_csv(content)))
        .unwrap_or_else(|_| Err("not a readable spreadsheet: its content is malformed".to_owned()))
}

fn sheet_as_csv(content: &[u8]) -> Result<Vec<u8>, String> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(content.to_vec()))
        .map_err(|error| format!("not a readable spreadsheet: {error}"))?;
    let range = match &mut workbook {
        Sheets::Xlsx(xlsx) => first_xlsx_sheet(xlsx),
        workbook => workbook
            .worksheet_range_at(0)
            .ok_or("the spreadsheet has no worksheet")?
            .map_err(|error| error.to_string()),
    }
    .map_err(|error| format!("the first worksheet cannot be read: {error}"))?;
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        writer
            .write_record(&cells)
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// The first worksheet of an XLSX, refused when its used range spans more than [`MAX_CELLS`]
/// before calamine lays it out cell by cell.
fn first_xlsx_sheet(xlsx: &mut Xlsx<Cursor<Vec<u8>>>) -> Result<Range<Data>, String> {
    let name = xlsx
        .sheet_names()
        .first()
        .cloned()
        .ok_or("the spreadsheet has no worksheet")?;
    let mut reader = xlsx
        .worksheet_cells_reader(&name)
        .map_err(|error| error.to_string())?;
    let mut cells = Vec::new();
    let (mut first, mut last) = ((u32::MAX, u32::MAX), (0, 0));
    while let Some(cell) = reader.next_cell().map_err(|error| error.to_string())? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, column) = cell.get_position();
        first = (first.0.min(row), first.1.min(column));
        last = (last.0.max(row), last.1.max(column));
        let spanned = (u64::from(last.0 - first.0) + 1) * (u64::from(last.1 - first.1) + 1);
        if spanned > MAX_CELLS {
            return Err(format!(
                "its cells span more than {MAX_CELLS} cells (rows × columns)"
            ));
        }
        cells.push(Cell::new(
            (row, column),
            Data::from(cell.get_value().clone()),
        ));
    }
    Ok(Range::from_sparse(cells))
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Int(number) => number.to_string(),
        // `Display` of an f64 is the shortest decimal that reads back as the same float.
        Data::Float(number) => number.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => value.to_string(),
        Data::DateTimeIso(text) | Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error:?}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_not_a_spreadsheet() {
        assert!(!recognises(b"STT,Ten don vi\n"));
        assert!(first_sheet_as_csv(b"PK\x03\x04 broken").is_err());
    }

    fn workbook(cells: &[(u32, u16, &str)]) -> Vec<u8> {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let sheet = workbook.add_worksheet();
        for (row, column, text) in cells {
            sheet.write_string(*row, *column, *text).unwrap();
        }
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn a_sheet_spanning_too_many_cells_is_refused_before_it_is_laid_out() {
        // Two cells, a few hundred bytes: laid out cell by cell, 512 GiB.
        let far = workbook(&[(0, 0, "STT"), (1_048_575, 16_383, "1")]);
        let error = first_sheet_as_csv(&far).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
        let wide = workbook(&[
            (0, 0, "STT"),
            (0, 1, "Tên đơn vị"),
            (1, 0, "1"),
            (1, 1, "A"),
        ]);
        assert_eq!(
            String::from_utf8(first_sheet_as_csv(&wide).unwrap()).unwrap(),
            "STT,Tên đơn vị\n1,A\n"
        );
    }
}
