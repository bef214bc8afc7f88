//! A minimal XLSB writer for tests: no library writes the binary workbook format, and no
//! real XLSB file is in the repository, so the cells of another spreadsheet's first sheet are
//! written as the records of MS-XLSB (BrtBundleSh, BrtWsDim, BrtRowHdr, BrtCellReal,
//! BrtCellSt), in an uncompressed archive laid out as Excel lays it out.

use std::io::{Cursor, Write};

use calamine::{Data, Reader};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.bin"/></Relationships>"#;
const WORKBOOK_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.bin"/></Relationships>"#;
const CONTENT_TYPES: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="bin" ContentType="application/vnd.ms-excel.sheet.binary.macroEnabled.main"/><Override PartName="/xl/worksheets/sheet1.bin" ContentType="application/vnd.ms-excel.worksheet"/></Types>"#;

/// One record: its type and size as variable-length integers (7 bits a byte), then its body.
fn record(out: &mut Vec<u8>, kind: u16, body: &[u8]) {
    if kind < 0x80 {
        out.push(kind as u8);
    } else {
        out.push(0x80 | (kind & 0x7F) as u8);
        out.push((kind >> 7) as u8);
    }
    let mut size = body.len();
    loop {
        let byte = (size & 0x7F) as u8;
        size >>= 7;
        if size == 0 {
            out.push(byte);
            break;
        }
        out.push(byte | 0x80);
    }
    out.extend_from_slice(body);
}

/// An XLWideString: its length in UTF-16 units, then UTF-16LE.
fn wide(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut bytes = (units.len() as u32).to_le_bytes().to_vec();
    for unit in units {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}

/// The workbook part: one visible worksheet named `sheet`, related as `rId1`.
fn workbook(sheet: &str) -> Vec<u8> {
    let mut out = Vec::new();
    record(&mut out, 0x0083, &[]); // BrtBeginBook
    record(&mut out, 0x008F, &[]); // BrtBeginBundleShs
    let mut bundle = Vec::new();
    bundle.extend_from_slice(&0u32.to_le_bytes()); // visible
    bundle.extend_from_slice(&1u32.to_le_bytes()); // tab id
    bundle.extend(wide("rId1"));
    bundle.extend(wide(sheet));
    record(&mut out, 0x009C, &bundle); // BrtBundleSh
    record(&mut out, 0x0090, &[]); // BrtEndBundleShs
    record(&mut out, 0x0084, &[]); // BrtEndBook
    out
}

/// The worksheet part holding `cells` (row, column, value): numbers and text.
fn worksheet(cells: &[(u32, u32, Data)]) -> Vec<u8> {
    let last_row = cells.iter().map(|c| c.0).max().unwrap_or(0);
    let last_col = cells.iter().map(|c| c.1).max().unwrap_or(0);
    let mut out = Vec::new();
    record(&mut out, 0x0081, &[]); // BrtBeginSheet
    let dimensions: Vec<u8> = [0, last_row, 0, last_col]
        .iter()
        .flat_map(|n| n.to_le_bytes())
        .collect();
    record(&mut out, 0x0094, &dimensions); // BrtWsDim
    record(&mut out, 0x0091, &[]); // BrtBeginSheetData
    let mut row_written = None;
    for (row, col, value) in cells {
        if row_written != Some(*row) {
            record(&mut out, 0x0000, &row.to_le_bytes()); // BrtRowHdr
            row_written = Some(*row);
        }
        let mut body = col.to_le_bytes().to_vec();
        body.extend_from_slice(&0u32.to_le_bytes()); // style 0
        match value {
            Data::Float(number) => {
                body.extend_from_slice(&number.to_le_bytes());
                record(&mut out, 0x0005, &body); // BrtCellReal
            }
            Data::Int(number) => {
                body.extend_from_slice(&(*number as f64).to_le_bytes());
                record(&mut out, 0x0005, &body);
            }
            Data::Empty => {}
            other => {
                body.extend(wide(&other.to_string()));
                record(&mut out, 0x0006, &body); // BrtCellSt
            }
        }
    }
    record(&mut out, 0x0092, &[]); // BrtEndSheetData
    record(&mut out, 0x0082, &[]); // BrtEndSheet
    out
}

/// The first sheet of the XLSX `xlsx`, cell for cell (numbers stay numbers), as an XLSB.
pub fn from_xlsx(xlsx: &[u8]) -> Vec<u8> {
    let mut book = calamine::Xlsx::new(Cursor::new(xlsx.to_vec())).expect("an XLSX");
    let name = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&name).expect("a readable sheet");
    let (top, left) = range.start().unwrap_or((0, 0));
    let cells: Vec<(u32, u32, Data)> = range
        .used_cells()
        .map(|(row, col, value)| (top + row as u32, left + col as u32, value.clone()))
        .collect();
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let parts: [(&str, Vec<u8>); 5] = [
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes().to_vec()),
        ("_rels/.rels", RELS.as_bytes().to_vec()),
        ("xl/workbook.bin", workbook(&name)),
        (
            "xl/_rels/workbook.bin.rels",
            WORKBOOK_RELS.as_bytes().to_vec(),
        ),
        ("xl/worksheets/sheet1.bin", worksheet(&cells)),
    ];
    for (path, bytes) in parts {
        zip.start_file(path, stored).expect("a part starts");
        zip.write_all(&bytes).expect("a part is written");
    }
    zip.finish().expect("the archive closes").into_inner()
}
