//! Spreadsheets (XLSX, XLSB, XLS, ODS) as tables, read with `calamine` and handed to the table
//! readers as CSV, so a spreadsheet is checked exactly like the same table in CSV. The first
//! worksheet is the table; a workbook whose sheets are named by year (`2022`, `Năm 2023`) holds a
//! table per year, and every such sheet is read.
//!
//! A spreadsheet keeps numbers as binary floating point. Each is written back with the shortest
//! decimal that reads as the same float (`86.17372`, not `86.17371999999999`), which is the
//! number as it was typed for any value with up to 15 significant digits; a trailing zero a
//! publication printed (`67,00`) survives only in cells kept as text. Cells formatted as percent
//! hold fractions (0.8536 for 85,36 %): type rates as text, or as numbers without the format.

use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};

use calamine::{Cell, Data, DataRef, Range, Reader, Sheets, open_workbook_auto_from_rs};

use super::sheet_size::{self, Extent};

/// The start of an OLE compound file: an XLS workbook.
const OLE_MAGIC: [u8; 4] = [0xD0, 0xCF, 0x11, 0xE0];

/// Whether the bytes are a spreadsheet rather than text: XLSX, XLSB and ODS are ZIP archives,
/// XLS an OLE compound file.
pub fn recognises(content: &[u8]) -> bool {
    content.starts_with(b"PK\x03\x04") || content.starts_with(&OLE_MAGIC)
}

/// A worksheet as CSV text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sheet {
    pub name: String,
    /// The year the sheet's name gives, when the workbook's sheets are named by year.
    pub year: Option<i32>,
    pub csv: Vec<u8>,
}

/// The first worksheet as CSV text.
pub fn first_sheet_as_csv(content: &[u8]) -> Result<Vec<u8>, String> {
    let mut sheets = read_sheets(content, false)?;
    Ok(sheets.swap_remove(0).csv)
}

/// The worksheets that hold tables: each sheet named by a year when two or more are, else the
/// first sheet.
pub fn sheets_as_csv(content: &[u8]) -> Result<Vec<Sheet>, String> {
    read_sheets(content, true)
}

fn read_sheets(content: &[u8], by_year: bool) -> Result<Vec<Sheet>, String> {
    // calamine panics on some malformed files (found by fuzzing: a cell reference of seven
    // letters or more overflows its column number): such a file is unreadable, not a crash.
    catch_unwind(AssertUnwindSafe(|| sheets(content, by_year)))
        .unwrap_or_else(|_| Err("not a readable spreadsheet: its content is malformed".to_owned()))
}

fn sheets(content: &[u8], by_year: bool) -> Result<Vec<Sheet>, String> {
    // XLS and ODS sheets are laid out as the file opens: measure them first.
    if content.starts_with(&OLE_MAGIC) {
        sheet_size::check_xls(content)?;
    } else {
        sheet_size::check_zip(content)?;
        sheet_size::check_ods(content)?;
    }
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(content.to_vec()))
        .map_err(|error| format!("not a readable spreadsheet: {error}"))?;
    let names = workbook.sheet_names();
    let dated: Vec<(String, i32)> = names
        .iter()
        .filter_map(|name| Some((name.clone(), super::year_in(name)?)))
        .collect();
    let chosen: Vec<(String, Option<i32>)> = if by_year && dated.len() > 1 {
        dated
            .into_iter()
            .map(|(name, year)| (name, Some(year)))
            .collect()
    } else {
        let first = names
            .first()
            .cloned()
            .ok_or("the spreadsheet has no worksheet")?;
        vec![(first, None)]
    };
    // Cells of every sheet read count towards one cap.
    let mut extent = Extent::default();
    chosen
        .into_iter()
        .map(|(name, year)| {
            let range = match &mut workbook {
                Sheets::Xlsx(xlsx) => xlsx
                    .worksheet_cells_reader(&name)
                    .map_err(|error| error.to_string())
                    .and_then(|mut reader| {
                        measured_range(&mut extent, || {
                            reader.next_cell().map(|cell| cell.map(owned))
                        })
                    }),
                Sheets::Xlsb(xlsb) => xlsb
                    .worksheet_cells_reader(&name)
                    .map_err(|error| error.to_string())
                    .and_then(|mut reader| {
                        measured_range(&mut extent, || {
                            reader.next_cell().map(|cell| cell.map(owned))
                        })
                    }),
                workbook => workbook
                    .worksheet_range(&name)
                    .map_err(|error| error.to_string()),
            }
            .map_err(|error| format!("the worksheet `{name}` cannot be read: {error}"))?;
            Ok(Sheet {
                csv: as_csv(&range)?,
                name,
                year,
            })
        })
        .collect()
}

fn as_csv(range: &Range<Data>) -> Result<Vec<u8>, String> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in range.rows() {
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        writer
            .write_record(&cells)
            .map_err(|error| error.to_string())?;
    }
    writer.into_inner().map_err(|error| error.to_string())
}

/// The cells `next_cell` reads, one by one, refused as soon as they and the sheets read before
/// span more than [`sheet_size::MAX_CELLS`], before calamine lays them out as a rectangle.
fn measured_range<E: ToString>(
    extent: &mut Extent,
    mut next_cell: impl FnMut() -> Result<Option<((u32, u32), Data)>, E>,
) -> Result<Range<Data>, String> {
    extent.next_sheet();
    let mut cells = Vec::new();
    while let Some(((row, column), value)) = next_cell().map_err(|error| error.to_string())? {
        if value == Data::Empty {
            continue;
        }
        extent.take((row, row), (column, column))?;
        cells.push(Cell::new((row, column), value));
    }
    Ok(Range::from_sparse(cells))
}

fn owned(cell: Cell<DataRef<'_>>) -> ((u32, u32), Data) {
    (cell.get_position(), Data::from(cell.get_value().clone()))
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
