//! Structured tables (cells of every kind, known header and country words, sheet and file names
//! with and without years) straight into normalise: header detection, year rules, value parsing,
//! country matching and the merge of several tables.

#![no_main]

use egov_report_fuzz::{FuzzInput, check_normalise};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|input: FuzzInput| {
    check_normalise(input.raw_tables());
});
