//! The worksheet XML inside an otherwise valid XLSX. Arbitrary bytes (the `xlsx` target) rarely
//! get past the ZIP layer: every member is CRC-checked. Here the input is packed, uncompressed,
//! as `xl/worksheets/sheet1.xml` (and, after a first NUL byte, `xl/sharedStrings.xml`) of a
//! workbook whose other parts are fixed, so the fuzzer explores calamine's cell reading and the
//! CSV the importer makes of it, checked by `service_fuzz::check_spreadsheet`.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const CONTENT_TYPES: &str = r#"<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml" /><Default Extension="xml" ContentType="application/xml" /><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml" /><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml" /><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml" /></Types>"#;
const RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml" Id="rId1" /></Relationships>"#;
const WORKBOOK: &str = r#"<workbook xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets><sheet name="Phụ lục II" sheetId="1" state="visible" r:id="rId1" /></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="/xl/worksheets/sheet1.xml" Id="rId1" /><Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml" Id="rId2" /></Relationships>"#;

fn workbook(sheet: &[u8], shared_strings: Option<&[u8]>) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let mut parts: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
        ("_rels/.rels", RELS.as_bytes()),
        ("xl/workbook.xml", WORKBOOK.as_bytes()),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet),
    ];
    if let Some(shared_strings) = shared_strings {
        parts.push(("xl/sharedStrings.xml", shared_strings));
    }
    for (name, bytes) in parts {
        zip.start_file(name, stored).expect("a member starts");
        zip.write_all(bytes).expect("a member is written");
    }
    zip.finish().expect("the archive closes").into_inner()
}

fuzz_target!(|input: &[u8]| {
    let (sheet, shared_strings) = match input.iter().position(|b| *b == 0) {
        Some(nul) => (&input[..nul], Some(&input[nul + 1..])),
        None => (input, None),
    };
    service_fuzz::check_spreadsheet(&workbook(sheet, shared_strings));
});
