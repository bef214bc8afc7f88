//! Spreadsheets (XLSX, XLS, ODS) as tables: the first worksheet, read with `calamine` and handed
//! to the table readers as CSV, so a spreadsheet is checked exactly like the same table in CSV.
//!
//! A spreadsheet keeps numbers as binary floating point. Each is written back with the shortest
//! decimal that reads as the same float (`86.17372`, not `86.17371999999999`), which is the
//! number as it was typed for any value with up to 15 significant digits; a trailing zero a
//! publication printed (`67,00`) survives only in cells kept as text. Cells formatted as percent
//! hold fractions (0.8536 for 85,36 %): type rates as text, or as numbers without the format.

use std::io::Cursor;

use calamine::{Data, Reader, open_workbook_auto_from_rs};

/// Whether the bytes are a spreadsheet rather than text: XLSX and ODS are ZIP archives, XLS an
/// OLE compound file.
pub fn recognises(content: &[u8]) -> bool {
    content.starts_with(b"PK\x03\x04") || content.starts_with(&[0xD0, 0xCF, 0x11, 0xE0])
}

/// The first worksheet as CSV text.
pub fn first_sheet_as_csv(content: &[u8]) -> Result<Vec<u8>, String> {
    let mut workbook = open_workbook_auto_from_rs(Cursor::new(content.to_vec()))
        .map_err(|error| format!("not a readable spreadsheet: {error}"))?;
    let range = workbook
        .worksheet_range_at(0)
        .ok_or("the spreadsheet has no worksheet")?
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
}
