//! The sheet XML of an ODS file: the input packed, uncompressed, as `content.xml` of an archive
//! with the ODS mimetype, so the fuzzer reaches the importer's ODS size check and calamine's ODS
//! reader past the ZIP layer (every member is CRC-checked, so arbitrary bytes rarely get there).
//! Checked by `service_fuzz::check_spreadsheet`.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

fn ods(content: &[u8]) -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let parts: [(&str, &[u8]); 2] = [
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", content),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, stored).expect("a member starts");
        zip.write_all(bytes).expect("a member is written");
    }
    zip.finish().expect("the archive closes").into_inner()
}

fuzz_target!(|content: &[u8]| service_fuzz::check_spreadsheet(&ods(content)));
