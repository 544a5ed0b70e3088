//! Shared by the fuzz targets: the invariants every input must keep, and the structured input of
//! `sheet_table`.
//!
//! Beyond "no panic", a target checks that raw rows are numbered as a spreadsheet shows them, that
//! every error is an input error (exit code 2) whose message names the file, and that every value
//! that reaches the fact table is finite and inside its measure's range.

use std::path::PathBuf;
use std::sync::{Arc, LazyLock};

use arbitrary::Arbitrary;
use egov_report::error::{EXIT_INPUT, Error};
use egov_report::ingest::{Cell, Ingested, RawRow, RawTable};
use egov_report::normalise::{self, country::Concordance};
use egov_report::source::TableRef;

/// Every file and folder name a target uses contains this, so messages can be checked for it.
pub const NAME_MARK: &str = "fuzz";

static CONCORDANCE: LazyLock<Arc<Concordance>> =
    LazyLock::new(|| Arc::new(Concordance::embedded()));

/// An error of a reader or of normalise: an input error whose message names the place.
pub fn check_error(error: &Error) {
    assert_eq!(error.exit_code(), EXIT_INPUT, "{error}");
    let message = error.to_string();
    assert!(
        message.contains(NAME_MARK),
        "the message names no file: {message}"
    );
}

/// Rows of a raw table are non-empty and numbered 1, 2, ... in increasing order.
pub fn check_table(table: &RawTable) {
    let mut last = 0;
    for row in &table.rows {
        assert!(row.number > last, "row {} after row {last}", row.number);
        assert!(
            row.cells.iter().any(|c| !c.is_blank()),
            "blank row {}",
            row.number
        );
        last = row.number;
    }
}

/// Runs normalise over `tables` as the pipeline would and checks its result.
pub fn check_normalise(tables: Vec<RawTable>) {
    let ingested = Ingested {
        input_dir: PathBuf::from(NAME_MARK),
        files: Vec::new(),
        tables,
        readme: None,
        diagnostics: Vec::new(),
    };
    match normalise::normalise(&ingested, Arc::clone(&CONCORDANCE)) {
        Ok(normalised) => {
            for ((_, _, measure), fact) in normalised.facts.iter() {
                let (min, max) = measure.range();
                assert!(
                    (min..=max).contains(&fact.value),
                    "{} {} accepted at {}",
                    measure.key(),
                    fact.value,
                    fact.source
                );
            }
        }
        Err(e) => check_error(&e),
    }
}

/// Header, country, value and region spellings the normaliser knows (and a few it must refuse),
/// so that structured inputs reach past header detection.
const WORDS: &[&str] = &[
    "Survey Year",
    "Year",
    "Country Name",
    "Country",
    "ISO3",
    "CODE",
    "Region",
    "EGDI",
    "E-Government Index",
    "OSI",
    "Online Service Index",
    "TII",
    "HCI",
    "EPI",
    "E-Government Rank",
    "Stage 1",
    "Stage 4 - Connected (%)",
    "Internet users (%)",
    "Adult literacy rate (%)",
    "measure",
    "value",
    "China",
    "CHN",
    "Albania",
    "Côte d'Ivoire",
    "Korea, South",
    "Türkiye",
    "BHM",
    "Germany",
    "DEU",
    "Freedonia",
    "..",
    "-",
    "n/a",
    "",
    " ",
    "0.5",
    "0,5",
    "1e-3",
    "1.5",
    "-0.2",
    "2018",
    "2018.0",
    "1999",
    "NaN",
    "inf",
    "1e999",
    "Asia",
    "America",
    "Europa",
];

const FILES: &[&str] = &[
    "fuzz-2018.csv",
    "fuzz-2016.xlsx",
    "fuzz.csv",
    "fuzz 2016-2018.csv",
    "fuzz/EGOV_DATA_2010.xlsx",
];

const SHEETS: &[&str] = &["2018", "2016", "Data", "Notes", "2016 2018", ""];

/// A name chosen from a list, or free text.
#[derive(Debug, Arbitrary)]
pub enum Name {
    /// An index into the list.
    Known(u8),
    /// Anything.
    Free(String),
}

impl Name {
    fn pick(&self, list: &[&str]) -> String {
        match self {
            Name::Known(i) => list[usize::from(*i) % list.len()].to_string(),
            Name::Free(s) => s.clone(),
        }
    }
}

/// One cell of a structured input.
#[derive(Debug, Arbitrary)]
pub enum FuzzCell {
    /// No value.
    Empty,
    /// A number cell.
    Number(f64),
    /// A year-like number cell, 1990 + n.
    Year(u8),
    /// A known word as text.
    Word(u8),
    /// Any text.
    Text(String),
    /// A date cell as rendered.
    Date(String),
    /// A boolean cell.
    Bool(bool),
    /// A formula error cell.
    Error(u8),
}

impl FuzzCell {
    fn cell(&self) -> Cell {
        match self {
            FuzzCell::Empty => Cell::Empty,
            FuzzCell::Number(n) => Cell::Number(*n),
            FuzzCell::Year(n) => Cell::Number(1990.0 + f64::from(*n)),
            FuzzCell::Word(i) => Cell::Text(WORDS[usize::from(*i) % WORDS.len()].to_string()),
            FuzzCell::Text(t) => Cell::Text(t.clone()),
            FuzzCell::Date(d) => Cell::Date(d.clone()),
            FuzzCell::Bool(b) => Cell::Bool(*b),
            FuzzCell::Error(i) => {
                let errors = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!"];
                Cell::Error(errors[usize::from(*i) % errors.len()].to_string())
            }
        }
    }
}

/// One row: blank rows skipped before it (0-3), then its cells.
#[derive(Debug, Arbitrary)]
pub struct FuzzRow {
    skip: u8,
    cells: Vec<FuzzCell>,
}

/// One table: a file, maybe a sheet, rows.
#[derive(Debug, Arbitrary)]
pub struct FuzzTable {
    file: Name,
    sheet: Option<Name>,
    rows: Vec<FuzzRow>,
}

/// The input of `sheet_table`: up to three tables.
#[derive(Debug, Arbitrary)]
pub struct FuzzInput {
    tables: Vec<FuzzTable>,
}

impl FuzzInput {
    /// The raw tables, as ingest would hand them over: at most 3 tables of 40 rows x 12 cells,
    /// blank rows dropped, every file name containing [`NAME_MARK`].
    pub fn raw_tables(&self) -> Vec<RawTable> {
        self.tables
            .iter()
            .take(3)
            .map(|t| {
                let mut file = t.file.pick(FILES);
                if !file.contains(NAME_MARK) {
                    file = format!("{NAME_MARK}-{file}");
                }
                let table = Arc::new(TableRef {
                    file,
                    sheet: t.sheet.as_ref().map(|s| s.pick(SHEETS)),
                });
                let mut number = 0u32;
                let mut rows = Vec::new();
                for row in t.rows.iter().take(40) {
                    number += 1 + u32::from(row.skip % 4);
                    let cells: Vec<Cell> = row.cells.iter().take(12).map(FuzzCell::cell).collect();
                    if cells.iter().any(|c| !c.is_blank()) {
                        rows.push(RawRow { number, cells });
                    }
                }
                RawTable { table, rows }
            })
            .collect()
    }
}
