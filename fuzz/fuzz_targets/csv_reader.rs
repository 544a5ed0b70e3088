//! Bytes as a CSV file: the CSV reader (encoding checks, delimiter sniffing, row numbering), then
//! normalise over the table it gives.

#![no_main]

use std::path::Path;

use egov_report_fuzz::{check_error, check_normalise, check_table};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match egov_report::ingest::read_csv_bytes(Path::new("fuzz-2018.csv"), data) {
        Ok(table) => {
            check_table(&table);
            check_normalise(vec![table]);
        }
        Err(e) => check_error(&e),
    }
});
