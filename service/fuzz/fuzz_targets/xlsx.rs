//! `xlsx::first_sheet_as_csv` on arbitrary bytes (XLSX, XLSB, XLS, ODS: calamine's
//! auto-detection, after the importer's own size checks), then both table parsers on the CSV
//! made, as `import::import_table` does: see `service_fuzz::check_spreadsheet`.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|content: &[u8]| service_fuzz::check_spreadsheet(content));
