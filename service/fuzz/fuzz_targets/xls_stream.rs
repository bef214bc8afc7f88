//! The BIFF records of an XLS file: the input written as the `Workbook` stream of a compound
//! file, so the fuzzer reaches the importer's XLS size check and calamine's XLS reader past the
//! container layer. Checked by `service_fuzz::check_spreadsheet`.
#![no_main]

use std::io::{Cursor, Write};

use libfuzzer_sys::fuzz_target;

fn xls(stream: &[u8]) -> Vec<u8> {
    let mut file = cfb::CompoundFile::create(Cursor::new(Vec::new())).expect("a compound file");
    file.create_stream("/Workbook")
        .and_then(|mut workbook| workbook.write_all(stream))
        .expect("the stream is written");
    file.flush().expect("the file is written");
    file.into_inner().into_inner()
}

fuzz_target!(|stream: &[u8]| service_fuzz::check_spreadsheet(&xls(stream)));
