//! Bytes as a workbook: the first byte picks the format (xlsx, xlsb, xls, ods), the rest is the
//! file. Every sheet read goes on to normalise.

#![no_main]

use std::path::Path;

use egov_report_fuzz::{check_error, check_normalise, check_table};
use libfuzzer_sys::fuzz_target;

const NAMES: [&str; 4] = [
    "fuzz-2018.xlsx",
    "fuzz-2018.xlsb",
    "fuzz-2018.xls",
    "fuzz-2018.ods",
];

fuzz_target!(|data: &[u8]| {
    let Some((&format, bytes)) = data.split_first() else {
        return;
    };
    let name = Path::new(NAMES[usize::from(format) % NAMES.len()]);
    match egov_report::ingest::read_workbook_bytes(name, bytes.to_vec()) {
        Ok((tables, _warnings)) => {
            tables.iter().for_each(check_table);
            check_normalise(tables);
        }
        Err(e) => check_error(&e),
    }
});
