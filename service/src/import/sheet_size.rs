//! How many cells a spreadsheet's sheets span, measured before calamine lays them out, and how
//! big its archive's parts unpack to.
//!
//! calamine holds a sheet as a rectangle of cells from its first to its last non-empty one: a
//! few hundred bytes naming a far-away cell would take gigabytes. XLSX and XLSB sheets are read
//! cell by cell and measured as they come (`xlsx.rs`; only the first sheet is read). XLS and ODS
//! files are laid out whole as calamine opens them, every sheet, so [`check_xls`] and
//! [`check_ods`] scan them first and count all their sheets together: a file can name one small
//! sheet thousands of times.

use std::io::{Cursor, Read};

use quick_xml::events::{BytesStart, Event};

/// The most cells the sheets calamine lays out may span (rows × columns, all such sheets
/// together). A table of results has a few hundred rows of a dozen columns.
pub(super) const MAX_CELLS: u64 = 1 << 20;

/// The most bytes of XML an ODS sheet file may hold once unpacked: a compressed file of a few
/// kilobytes can unpack to gigabytes.
const MAX_ODS_XML_BYTES: u64 = 64 << 20;

/// The most bytes a worksheet of an XLSX or XLSB archive may unpack to: calamine reads it cell
/// by cell, so this bounds time, not memory (2^20 cells of XML take about 50 MiB).
const MAX_SHEET_PART_BYTES: u64 = 64 << 20;

/// The most bytes any other part may unpack to: calamine reads those whole into memory as the
/// file opens (the shared strings, the styles, the workbook), and a shared-strings part of a
/// few hundred results takes kilobytes.
const MAX_PART_BYTES: u64 = 16 << 20;

/// The most bytes all parts together may unpack to.
const MAX_UNPACKED_BYTES: u64 = 128 << 20;

/// The cells calamine will lay out: the rectangle spanned by the non-empty cells of the sheet
/// being read, and what the sheets read before it took.
#[derive(Default)]
pub(super) struct Extent {
    /// (first row, first column, last row, last column), once a cell of this sheet was seen.
    bounds: Option<(u32, u32, u32, u32)>,
    /// Cells reserved for this sheet ahead of its cells (an XLS DIMENSIONS record).
    reserved: u64,
    /// Cells of the sheets measured before this one.
    earlier: u64,
}

impl Extent {
    /// Takes in the cells of rows `rows` and columns `columns` (first and last, inclusive),
    /// refusing once the sheets span more than [`MAX_CELLS`].
    pub(super) fn take(&mut self, rows: (u32, u32), columns: (u32, u32)) -> Result<(), String> {
        let (top, left, bottom, right) = self
            .bounds
            .unwrap_or((rows.0, columns.0, rows.1, columns.1));
        self.bounds = Some((
            top.min(rows.0),
            left.min(columns.0),
            bottom.max(rows.1),
            right.max(columns.1),
        ));
        self.check()
    }

    /// Takes in room reserved for this sheet whatever its cells turn out to be.
    fn reserve(&mut self, cells: u64) -> Result<(), String> {
        self.reserved = self.reserved.max(cells);
        self.check()
    }

    /// Closes this sheet: the next cells taken are another sheet's.
    pub(super) fn next_sheet(&mut self) {
        self.earlier += self.this_sheet();
        self.bounds = None;
        self.reserved = 0;
    }

    fn this_sheet(&self) -> u64 {
        let spanned = self.bounds.map_or(0, |(top, left, bottom, right)| {
            (u64::from(bottom - top) + 1) * (u64::from(right - left) + 1)
        });
        spanned.max(self.reserved)
    }

    fn check(&self) -> Result<(), String> {
        if self.earlier + self.this_sheet() > MAX_CELLS {
            return Err(format!(
                "its cells span more than {MAX_CELLS} cells (rows × columns, every sheet read counted)"
            ));
        }
        Ok(())
    }
}

fn unreadable(error: impl std::fmt::Display) -> String {
    format!("not a readable spreadsheet: {error}")
}

/// Refuses a ZIP archive (XLSX, XLSB, ODS) any part of which unpacks to more than
/// [`MAX_PART_BYTES`] ([`MAX_SHEET_PART_BYTES`] for a worksheet), or all of them to more than
/// [`MAX_UNPACKED_BYTES`]: a 1 MB file whose shared strings unpack to 1 GiB took calamine 26 s
/// and 5.5 GB. The sizes the archive declares are enough: the `zip` crate, which calamine reads
/// with too, refuses to unpack a part past its declared size, so a part cannot lie smaller than
/// it is. Nothing is unpacked here.
pub(super) fn check_zip(content: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(content)).map_err(unreadable)?;
    let mut total = 0_u64;
    for at in 0..archive.len() {
        let part = archive.by_index_raw(at).map_err(unreadable)?;
        let name = part.name().map_err(unreadable)?;
        let limit = if name.starts_with("xl/worksheets/") {
            MAX_SHEET_PART_BYTES
        } else {
            MAX_PART_BYTES
        };
        if part.size() > limit {
            return Err(format!(
                "its part `{name}` unpacks to {} MiB, more than the {} MiB allowed",
                part.size() >> 20,
                limit >> 20
            ));
        }
        total = total.saturating_add(part.size());
    }
    if total > MAX_UNPACKED_BYTES {
        return Err(format!(
            "its parts unpack to {} MiB in all, more than the {} MiB allowed",
            total >> 20,
            MAX_UNPACKED_BYTES >> 20
        ));
    }
    Ok(())
}

/// Refuses an XLS file whose sheets span more than [`MAX_CELLS`], or announce more in their
/// DIMENSIONS record (calamine reserves that much room up front). Reads the BIFF records of the
/// workbook stream the way calamine does: the globals up to their EOF name each sheet's offset
/// (BOUNDSHEET), and each sheet runs from there to its EOF, charts nested in it skipped. Following
/// the offsets, not the records one after the other, matters: a sheet may start anywhere.
pub(super) fn check_xls(content: &[u8]) -> Result<(), String> {
    let mut file = cfb::CompoundFile::open(Cursor::new(content)).map_err(unreadable)?;
    let name = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name))
        .ok_or_else(|| unreadable("it has no workbook stream"))?;
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|mut workbook| workbook.read_to_end(&mut stream))
        .map_err(unreadable)?;
    let mut sheet_offsets = Vec::new();
    for (kind, data) in biff_records(&stream) {
        match kind {
            0x0085 => sheet_offsets.extend(u32_at(data, 0)),
            0x000A => break,
            _ => {}
        }
    }
    let mut extent = Extent::default();
    for offset in sheet_offsets {
        if let Some(sheet) = stream.get(offset as usize..) {
            check_xls_sheet(sheet, &mut extent)?;
            extent.next_sheet();
        }
    }
    Ok(())
}

/// One sheet's records, from its BOF to its EOF.
fn check_xls_sheet(records: &[u8], extent: &mut Extent) -> Result<(), String> {
    let (mut seen_bof, mut nested) = (false, 0_u32);
    for (kind, data) in biff_records(records) {
        if nested > 0 {
            match kind {
                0x0809 => nested += 1,
                0x000A => nested -= 1,
                _ => {}
            }
            continue;
        }
        let cell = || Some((u16_at(data, 0)?, u16_at(data, 2)?));
        match kind {
            0x0809 if seen_bof => nested += 1,
            0x0809 => seen_bof = true,
            0x000A => break,
            0x0200 => extent.reserve(xls_dimensions(data)?)?,
            // Cells: NUMBER, LABEL, RSTRING, BOOLERR, FORMULA, RK, LABELSST (row, column, ...).
            0x0203 | 0x0204 | 0x00D6 | 0x0205 | 0x0006 | 0x027E | 0x00FD => {
                if let Some((row, column)) = cell() {
                    extent.take((row, row), (column, column))?;
                }
            }
            // MULRK: row, first column, values..., last column.
            0x00BD => {
                let last = data.len().checked_sub(2).and_then(|at| u16_at(data, at));
                if let (Some((row, first)), Some(last)) = (cell(), last) {
                    extent.take((row, row), (first.min(last), first.max(last)))?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The cells a DIMENSIONS record makes calamine reserve: first row, last row + 1, first column,
/// last column + 1, read as calamine reads them (BIFF8: rows as 32 bits; older: 16).
fn xls_dimensions(data: &[u8]) -> Result<u64, String> {
    let (rows, columns) = match data.len() {
        10 => (
            (u16_at(data, 0), u16_at(data, 2)),
            (u16_at(data, 4), u16_at(data, 6)),
        ),
        14 | 16 => (
            (u32_at(data, 0), u32_at(data, 4)),
            (u16_at(data, 8), u16_at(data, 10)),
        ),
        _ => return Ok(0),
    };
    let (Some(first_row), Some(rows_end), Some(first_column), Some(columns_end)) =
        (rows.0, rows.1, columns.0, columns.1)
    else {
        return Ok(0);
    };
    let first_column = if first_column > 0xFF || columns_end < first_column {
        0
    } else {
        first_column
    };
    if rows_end == 0 || columns_end == 0 {
        return Ok(1);
    }
    if rows_end - 1 < first_row {
        return Err(unreadable("a sheet's DIMENSIONS record is malformed"));
    }
    Ok(u64::from(rows_end - first_row) * u64::from(columns_end - first_column))
}

/// BIFF records: (type, data), until the bytes run out or a record is cut short.
fn biff_records(mut stream: &[u8]) -> impl Iterator<Item = (u32, &[u8])> {
    std::iter::from_fn(move || {
        let kind = u16_at(stream, 0)?;
        let length = u16_at(stream, 2)? as usize;
        let data = stream.get(4..4 + length)?;
        stream = &stream[4 + length..];
        Some((kind, data))
    })
}

fn u16_at(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at + 2)?;
    Some(u32::from(u16::from_le_bytes([bytes[0], bytes[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<u32> {
    let bytes = data.get(at..at + 4)?;
    Some(u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]))
}

/// Refuses an ODS file whose `content.xml` unpacks to more than [`MAX_ODS_XML_BYTES`] or whose
/// sheets span more than [`MAX_CELLS`]. Follows calamine's reading: a sheet is a top-level
/// `table:table`, each row is laid out from its first column, a row or a cell is repeated as
/// often as `number-rows-repeated` / `number-columns-repeated` say, and a cell's content runs to
/// the first end of a cell (a table nested in a cell is its content, not rows of the sheet).
/// A file without `content.xml` is left for calamine to refuse.
pub(super) fn check_ods(content: &[u8]) -> Result<(), String> {
    let mut archive = zip::ZipArchive::new(Cursor::new(content)).map_err(unreadable)?;
    let Ok(file) = archive.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = Vec::new();
    file.take(MAX_ODS_XML_BYTES + 1)
        .read_to_end(&mut xml)
        .map_err(unreadable)?;
    if xml.len() as u64 > MAX_ODS_XML_BYTES {
        return Err(format!(
            "its sheets unpack to more than {} MiB of XML",
            MAX_ODS_XML_BYTES >> 20
        ));
    }
    let mut reader = quick_xml::Reader::from_reader(&xml[..]);
    // As lenient as calamine's ODS reader, so the scan reads at least as far as calamine will.
    reader.config_mut().check_end_names = false;
    let mut buffer = Vec::new();
    let mut extent = Extent::default();
    let (mut row, mut column, mut row_repeats) = (0_u32, 0_u32, 1_u32);
    // Tables open: a `table:table` inside another one does not start a sheet.
    let mut tables_open = 0_u32;
    loop {
        let (element, has_content) = match reader.read_event_into(&mut buffer) {
            Ok(Event::Eof) => return Ok(()),
            Ok(Event::Start(element)) => (element, true),
            Ok(Event::Empty(element)) => (element, false),
            Ok(Event::End(element)) => {
                match element.name().as_ref() {
                    "table:table-row" => row = row.saturating_add(row_repeats),
                    "table:table" => tables_open = tables_open.saturating_sub(1),
                    _ => {}
                }
                buffer.clear();
                continue;
            }
            Ok(_) => {
                buffer.clear();
                continue;
            }
            Err(error) => return Err(unreadable(error)),
        };
        match element.name().as_ref() {
            "table:table" => {
                if tables_open == 0 {
                    extent.next_sheet();
                    row = 0;
                }
                tables_open += u32::from(has_content);
            }
            "table:table-row" => {
                row_repeats = repeats(&element, "table:number-rows-repeated");
                column = 0;
                if !has_content {
                    row = row.saturating_add(row_repeats);
                }
            }
            "table:table-cell" | "table:covered-table-cell" => {
                let columns = repeats(&element, "table:number-columns-repeated");
                let valued = has_content
                    || element.attributes().flatten().any(|attribute| {
                        matches!(
                            attribute.key.as_ref(),
                            "office:value-type" | "table:formula"
                        )
                    });
                let last_column = column.saturating_add(columns - 1);
                if valued {
                    let last_row = row.saturating_add(row_repeats - 1);
                    extent.take((row, last_row), (0, last_column))?;
                }
                column = last_column.saturating_add(1);
                if has_content {
                    skip_cell_content(&mut reader)?;
                }
            }
            _ => {}
        }
        buffer.clear();
    }
}

/// Reads past a cell's content to the first end of a cell, as calamine does.
fn skip_cell_content(reader: &mut quick_xml::Reader<&[u8]>) -> Result<(), String> {
    let mut buffer = Vec::new();
    loop {
        match reader.read_event_into(&mut buffer).map_err(unreadable)? {
            Event::End(end)
                if matches!(
                    end.name().as_ref(),
                    "table:table-cell" | "table:covered-table-cell"
                ) =>
            {
                return Ok(());
            }
            Event::Eof => return Err(unreadable("a cell is not closed")),
            _ => buffer.clear(),
        }
    }
}

/// A repeat count attribute, 1 when absent or unreadable.
fn repeats(element: &BytesStart<'_>, name: &str) -> u32 {
    element
        .attributes()
        .flatten()
        .find(|attribute| attribute.key.as_ref() == name)
        .and_then(|attribute| attribute.value.parse().ok())
        .filter(|count| *count >= 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;
    use crate::import::spreadsheet::first_sheet_as_csv;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut bytes = kind.to_le_bytes().to_vec();
        bytes.extend((data.len() as u16).to_le_bytes());
        bytes.extend(data);
        bytes
    }

    /// An XLS file whose workbook stream holds globals naming one sheet, and that sheet: BOF,
    /// `records`, EOF.
    fn xls(records: &[Vec<u8>]) -> Vec<u8> {
        xls_naming_it(records, 1)
    }

    /// An XLS file whose globals name its one sheet `times` times, as that many sheets.
    fn xls_naming_it(records: &[Vec<u8>], times: usize) -> Vec<u8> {
        let sheet = [bof(), records.concat(), eof()].concat();
        let globals = globals(globals_length(times), times);
        compound_file(&[globals, sheet].concat())
    }

    /// The length of [`globals`]: BOF (4 + 16), a BOUNDSHEET (4 + 9) per sheet, EOF (4).
    fn globals_length(sheets: usize) -> u32 {
        24 + 13 * sheets as u32
    }

    /// Globals naming `sheets` sheets, all at `offset` of the stream.
    fn globals(offset: u32, sheets: usize) -> Vec<u8> {
        let mut bound_sheet = offset.to_le_bytes().to_vec();
        bound_sheet.extend([0, 0, 1, 0, b'S']);
        let bound_sheets = record(0x0085, &bound_sheet).repeat(sheets);
        [bof(), bound_sheets, eof()].concat()
    }

    fn bof() -> Vec<u8> {
        record(0x0809, &[0; 16])
    }

    fn eof() -> Vec<u8> {
        record(0x000A, &[])
    }

    fn compound_file(stream: &[u8]) -> Vec<u8> {
        let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        file.create_stream("/Workbook")
            .unwrap()
            .write_all(stream)
            .unwrap();
        file.flush().unwrap();
        file.into_inner().into_inner()
    }

    /// A NUMBER cell at (row, column).
    fn number(row: u16, column: u16) -> Vec<u8> {
        let mut data = row.to_le_bytes().to_vec();
        data.extend(column.to_le_bytes());
        data.extend([0; 10]);
        record(0x0203, &data)
    }

    // The refusals go through `first_sheet_as_csv`, which must scan before calamine opens.

    #[test]
    fn xls_cells_far_apart_are_refused() {
        assert_eq!(check_xls(&xls(&[number(0, 0), number(9, 11)])), Ok(()));
        let far = first_sheet_as_csv(&xls(&[number(0, 0), number(65_535, 255)])).unwrap_err();
        assert!(far.contains("span more than"), "{far}");
    }

    #[test]
    fn an_xls_sheet_is_measured_where_the_globals_say_it_starts() {
        // The sheet hides in the data of an unknown record: read one record after the other,
        // the stream has no far cell; read from the sheet's offset, as calamine does, it has.
        let hidden = [bof(), number(0, 0), number(65_535, 255), eof()].concat();
        let stream = [globals(globals_length(1) + 4, 1), record(0x1234, &hidden)].concat();
        let error = first_sheet_as_csv(&compound_file(&stream)).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
    }

    #[test]
    fn every_xls_sheet_counts_towards_the_limit() {
        // calamine lays out every sheet the globals name, the same one as often as named.
        let sheet = [number(0, 0), number(699, 999)];
        assert_eq!(check_xls(&xls_naming_it(&sheet, 1)), Ok(()));
        let error = first_sheet_as_csv(&xls_naming_it(&sheet, 2)).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
    }

    #[test]
    fn an_xls_dimensions_record_announcing_too_much_is_refused() {
        let dimensions = |first_row: u32, rows_end: u32, columns_end: u16| {
            let mut data = first_row.to_le_bytes().to_vec();
            data.extend(rows_end.to_le_bytes());
            data.extend(0_u16.to_le_bytes());
            data.extend(columns_end.to_le_bytes());
            data.extend([0; 2]);
            record(0x0200, &data)
        };
        assert_eq!(check_xls(&xls(&[dimensions(0, 10, 12)])), Ok(()));
        let huge = first_sheet_as_csv(&xls(&[dimensions(0, u32::MAX, 256)])).unwrap_err();
        assert!(huge.contains("span more than"), "{huge}");
        let backwards = check_xls(&xls(&[dimensions(100, 10, 12)])).unwrap_err();
        assert!(backwards.contains("malformed"), "{backwards}");
    }

    /// An ODS archive whose one sheet has `rows` (XML of `table:table-row` elements).
    fn ods(rows: &str) -> Vec<u8> {
        let content = format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
             xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
             <office:spreadsheet><table:table table:name=\"2020\">{rows}</table:table>\
             </office:spreadsheet></office:body></office:document-content>"
        );
        ods_archive(&content)
    }

    fn ods_archive(content: &str) -> Vec<u8> {
        let mut archive = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        archive.start_file("mimetype", options).unwrap();
        archive
            .write_all(b"application/vnd.oasis.opendocument.spreadsheet")
            .unwrap();
        archive.start_file("content.xml", options).unwrap();
        archive.write_all(content.as_bytes()).unwrap();
        archive.finish().unwrap().into_inner()
    }

    const VALUED: &str = "<table:table-cell office:value-type=\"float\" office:value=\"1\"><text:p>1</text:p></table:table-cell>";

    #[test]
    fn ods_rows_repeated_past_the_limit_are_refused() {
        let ordinary = format!("<table:table-row>{VALUED}{VALUED}</table:table-row>");
        assert_eq!(check_ods(&ods(&ordinary.repeat(10))), Ok(()));
        // Empty rows and cells repeated to the end of the sheet, as LibreOffice writes them.
        let padding = "<table:table-row table:number-rows-repeated=\"1048500\">\
                       <table:table-cell table:number-columns-repeated=\"1024\"/></table:table-row>";
        assert_eq!(check_ods(&ods(&format!("{ordinary}{padding}"))), Ok(()));
        let repeated = format!(
            "{ordinary}<table:table-row table:number-rows-repeated=\"2000000\">{VALUED}</table:table-row>"
        );
        let error = first_sheet_as_csv(&ods(&repeated)).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
        // XML the scan cannot read through is refused: calamine must not read past the scan.
        let unmatched = check_ods(&ods_archive("<table:table></table:table></table:table>"));
        assert!(
            unmatched.is_err_and(|error| error.contains("not a readable spreadsheet")),
            "an end tag without its start is refused"
        );
    }

    #[test]
    fn every_ods_sheet_counts_towards_the_limit() {
        let sheet = format!(
            "<table:table-row table:number-rows-repeated=\"700000\">{VALUED}</table:table-row>"
        );
        assert_eq!(check_ods(&ods(&sheet)), Ok(()));
        let two = ods(&format!(
            "{sheet}</table:table><table:table table:name=\"2021\">{sheet}"
        ));
        let error = first_sheet_as_csv(&two).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
    }

    #[test]
    fn a_table_nested_in_a_cell_neither_starts_a_sheet_nor_moves_the_rows() {
        // One column: 600 000 rows, a row whose cell holds a table, 600 000 rows. calamine
        // lays out 1 200 001 rows; taking the nested table for a new sheet would measure the
        // rows after it from 0 again and see 600 002.
        let nested = "<table:table-cell><table:table><table:table-row>\
                      <table:table-cell office:value-type=\"float\"/></table:table-row>\
                      </table:table></table:table-cell>";
        let many = format!(
            "<table:table-row table:number-rows-repeated=\"600000\">{VALUED}</table:table-row>"
        );
        let rows = format!("{many}<table:table-row>{nested}</table:table-row>{many}");
        let error = check_ods(&ods(&rows)).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
    }

    #[test]
    fn ods_rows_are_measured_from_their_first_column() {
        // 100 rows of one cell in the last column: calamine lays out 100 × 16 384 cells.
        let far_right = format!(
            "<table:table-row table:number-rows-repeated=\"100\">\
             <table:table-cell table:number-columns-repeated=\"16383\"/>{VALUED}</table:table-row>"
        );
        let error = first_sheet_as_csv(&ods(&far_right)).unwrap_err();
        assert!(error.contains("span more than"), "{error}");
    }
}
