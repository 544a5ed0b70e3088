//! The error type of the pipeline and the warnings that travel beside its results.
//!
//! Every variant is a condition a user can fix and names the place involved (file, sheet, row,
//! column). Only `main.rs` prints errors and chooses the exit code (see [`Error::exit_code`]).

use std::fmt;
use std::path::PathBuf;

use crate::source::{SourceRef, TableRef};

/// Result alias of the crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Exit code: the run succeeded.
pub const EXIT_OK: i32 = 0;
/// Exit code: the run worked but found differences (`--check` drift, `--strict` reproduction).
pub const EXIT_DIFFERENCES: i32 = 1;
/// Exit code: the input, the configuration or the command line cannot be used.
pub const EXIT_INPUT: i32 = 2;
/// Exit code: an internal error or the output could not be written.
pub const EXIT_INTERNAL: i32 = 3;

/// Everything that can make a run fail.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Several input errors found in one pass; each is reported, up to [`MAX_LISTED`].
    #[error("{} in the input:\n{}", count(errors.len(), *found), list(errors))]
    Many {
        /// The errors listed.
        errors: Vec<Error>,
        /// How many were found (more than listed when the list was cut).
        found: usize,
    },

    /// The input folder does not exist.
    #[error("input folder `{}` does not exist", .0.display())]
    InputMissing(PathBuf),

    /// A file or folder could not be read or written.
    #[error("failed to {action} `{}`: {source}", path.display())]
    Io {
        /// What was attempted (`read`, `write`, `create folder`, ...).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The cause.
        source: std::io::Error,
    },

    /// A file holds no data at all.
    #[error("`{}` is empty", .0.display())]
    FileEmpty(PathBuf),

    /// A workbook opens but none of its sheets holds a single cell.
    #[error(
        "`{}` holds no cell in any of its sheets",
        .0.display()
    )]
    WorkbookNoCells(PathBuf),

    /// An entry named like a data file is not a regular file.
    #[error("`{}` is named like a data file but is {what}, not a regular file", path.display())]
    InputNotAFile {
        /// The entry.
        path: PathBuf,
        /// What it is (`a folder`, `a named pipe`, ...).
        what: &'static str,
    },

    /// The input holds more than a run reads.
    #[error("{place} {what}, more than the {limit} a run reads")]
    InputTooLarge {
        /// The file, sheet or folder.
        place: String,
        /// What it holds or declares, e.g. `declares 1e17 shared strings`.
        what: String,
        /// The limit, with its unit.
        limit: String,
        /// What to do.
        hint: &'static str,
    },

    /// Two cells of a sheet have the same address, or a cell lies past the sheet's last row.
    #[error("{table}, cell {cell}: {problem}")]
    CellInvalid {
        /// The sheet.
        table: TableRef,
        /// The address, like `B7`.
        cell: String,
        /// What is wrong.
        problem: &'static str,
    },

    /// A file is not in a supported text encoding.
    #[error("`{}` is encoded as {encoding}, not UTF-8", path.display())]
    FileEncoding {
        /// The file.
        path: PathBuf,
        /// The encoding found.
        encoding: String,
    },

    /// A CSV file is malformed.
    #[error("`{}`, row {row}: {detail}", path.display())]
    CsvMalformed {
        /// The file.
        path: PathBuf,
        /// 1-based row.
        row: u64,
        /// What is wrong.
        detail: String,
    },

    /// A workbook cannot be opened.
    #[error("`{}` is not a readable workbook: {detail}", path.display())]
    WorkbookUnreadable {
        /// The file.
        path: PathBuf,
        /// The reader's explanation.
        detail: String,
    },

    /// A sheet cannot be read.
    #[error("{table} cannot be read: {detail}")]
    SheetUnreadable {
        /// The sheet.
        table: TableRef,
        /// The reader's explanation.
        detail: String,
    },

    /// A sheet's used range is larger than any survey table.
    #[error(
        "{table} claims a used range of {rows} rows x {columns} columns (up to cell {last_cell}), \
         more than the {max_cells} cells a survey table can have"
    )]
    SheetTooLarge {
        /// The sheet.
        table: TableRef,
        /// Rows in the used range.
        rows: u64,
        /// Columns in the used range.
        columns: u64,
        /// The last cell of the range, like `XFD1048576`.
        last_cell: String,
        /// The limit.
        max_cells: u64,
    },

    /// A sheet holds more non-empty cells than any survey table.
    #[error("{table} holds more than {max_cells} non-empty cells (reading stopped at cell {cell})")]
    SheetTooManyCells {
        /// The sheet.
        table: TableRef,
        /// The cell at which reading stopped.
        cell: String,
        /// The limit.
        max_cells: u64,
    },

    /// Two columns of one table have headers meaning the same thing.
    #[error("{table}: columns {first} and {second} both hold `{meaning}`")]
    HeaderDuplicated {
        /// The table.
        table: TableRef,
        /// What both columns mean.
        meaning: String,
        /// First column (letter and header).
        first: String,
        /// Second column (letter and header).
        second: String,
    },

    /// A table has measure columns but no country column.
    #[error("{table} has {kind} ({measures}) but no country column")]
    CountryColumnMissing {
        /// The table.
        table: TableRef,
        /// `measure columns` or `year columns`.
        kind: &'static str,
        /// The measures found.
        measures: String,
    },

    /// A table has a country column but nothing this tool can read beside it.
    #[error("{table} has a country column {country_column} but {missing}")]
    TableUnreadable {
        /// The table.
        table: TableRef,
        /// The country column found (letter and header).
        country_column: String,
        /// What is missing.
        missing: String,
    },

    /// A table with measures has no survey year anywhere.
    #[error(
        "{table} has measures but no survey year: no year column, and no year (2001-2099) in the \
         sheet or file name"
    )]
    YearMissing {
        /// The table.
        table: TableRef,
    },

    /// A survey table (country and measure columns) holds no value below its header.
    #[error(
        "{table} holds no values: {}",
        empty_table_detail(*header_row, *rows)
    )]
    SurveyTableEmpty {
        /// The table.
        table: TableRef,
        /// The header row (1-based).
        header_row: u32,
        /// Rows below the header (none of them has a value).
        rows: usize,
    },

    /// A year cell cannot be read as a survey year.
    #[error("{at}: `{}` is not a survey year (2001-2099)", echo(text))]
    YearUnparseable {
        /// The cell.
        at: SourceRef,
        /// The cell's text.
        text: String,
    },

    /// A year column disagrees with the year in the sheet's name.
    #[error("{at}: the year column says {column_year} but the sheet name says {name_year}")]
    YearConflict {
        /// The cell.
        at: SourceRef,
        /// The year in the column.
        column_year: i64,
        /// The year in the sheet name.
        name_year: i64,
    },

    /// A country name or code matches nothing in the concordance.
    #[error("{at}: unknown country `{}`", echo(name))]
    CountryUnknown {
        /// The cell.
        at: SourceRef,
        /// The name as written.
        name: String,
        /// The closest known names.
        suggestions: String,
    },

    /// A row has values but no country name or code.
    #[error("{at}: the row has values but no country name or code")]
    CountryEmpty {
        /// The row.
        at: SourceRef,
    },

    /// The code and the name of one row mean different countries.
    #[error(
        "{at}: code `{}` means {code_country} but the name `{}` means {name_country}",
        echo(code),
        echo(name)
    )]
    CountryMismatch {
        /// The row.
        at: SourceRef,
        /// The code as written.
        code: String,
        /// Its country.
        code_country: String,
        /// The name as written.
        name: String,
        /// Its country.
        name_country: String,
    },

    /// The same country appears twice in one table for the same year.
    #[error(
        "{second}: {country} ({year}) appears a second time with other values; first at {first}"
    )]
    CountryDuplicated {
        /// The country.
        country: String,
        /// The survey year.
        year: String,
        /// The first row.
        first: SourceRef,
        /// The repeated row.
        second: SourceRef,
    },

    /// A measure cell holds something that is not a number.
    #[error("{at}: `{}` is not a number", echo(text))]
    ValueNotNumeric {
        /// The cell.
        at: SourceRef,
        /// The text found.
        text: String,
    },

    /// A value lies outside its measure's range.
    #[error("{at}: {value} is outside the range of {measure} ({min} to {max})")]
    ValueOutOfRange {
        /// The cell.
        at: SourceRef,
        /// The value.
        value: f64,
        /// The measure.
        measure: String,
        /// Lowest valid value.
        min: f64,
        /// Highest valid value.
        max: f64,
    },

    /// Two sources give different values for the same country, year and measure.
    #[error(
        "{country} {year} {measure}: {first} gives {first_value} but {second} gives {second_value}"
    )]
    SourcesConflict {
        /// The country.
        country: String,
        /// The year.
        year: String,
        /// The measure.
        measure: String,
        /// First source.
        first: SourceRef,
        /// Its value.
        first_value: f64,
        /// Second source.
        second: SourceRef,
        /// Its value.
        second_value: f64,
    },

    /// A region cell of a country reference table is not one of the five regions.
    #[error(
        "{at}: `{}` is not a region (Africa, Americas, Asia, Europe, Oceania)",
        echo(text)
    )]
    RegionUnknown {
        /// The cell.
        at: SourceRef,
        /// The text found.
        text: String,
    },

    /// An income cell of a country reference table is not one of the four income groups.
    #[error(
        "{at}: `{}` is not an income group (High, Upper-Middle, Lower-Middle, Low)",
        echo(text)
    )]
    IncomeUnknown {
        /// The cell.
        at: SourceRef,
        /// The text found.
        text: String,
    },

    /// The input holds no survey table.
    #[error("`{}` holds no survey table (no file with country and measure columns)", .0.display())]
    NoSurveyData(PathBuf),

    /// The input holds a single survey year.
    #[error(
        "`{}` holds one survey ({year}); the analysis compares surveys and needs at least two",
        input.display()
    )]
    SurveysTooFew {
        /// The input folder.
        input: PathBuf,
        /// The one survey year.
        year: String,
    },

    /// No country is complete in every survey.
    #[error("the panel is empty: no country has {measures} in all of {years}")]
    PanelEmpty {
        /// The required measures, like `EGDI, OSI, TII and HCI`.
        measures: String,
        /// The survey years.
        years: String,
    },

    /// A country of a configured (fixed) panel lacks a value.
    #[error("panel country {country} has no usable {measure} in {year}{detail}")]
    PanelCountryIncomplete {
        /// The country.
        country: String,
        /// The year.
        year: String,
        /// The measure.
        measure: String,
        /// Extra detail (e.g. `: EGDI is 0`).
        detail: String,
    },

    /// The configuration is invalid.
    #[error("{}: {message}", path.display())]
    Config {
        /// The configuration file (or `command line`).
        path: PathBuf,
        /// What is wrong, naming the key.
        message: String,
    },

    /// A reference (published tables) file is invalid.
    #[error("reference `{}`: {message}", path.display())]
    Reference {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },

    /// The output folder equals, contains or lies inside the input folder.
    #[error(
        "output `{}` {relation} `{}`: writing it would replace the input",
        output.display(),
        input.display()
    )]
    OutputOverlapsInput {
        /// The output folder as given.
        output: PathBuf,
        /// The input folder as given.
        input: PathBuf,
        /// How they overlap (`is the input folder`, `contains the input`, ...).
        relation: &'static str,
    },

    /// A profile's output folder equals, contains or lies inside the run's output folder.
    #[error(
        "output `{}` {relation} `{}`: a run replaces that folder whole\nhint: choose a folder \
         outside it (the default is `profiles/ISO3` beside it)",
        output.display(),
        run_output.display()
    )]
    OutputOverlapsRunOutput {
        /// The profile's output folder as given.
        output: PathBuf,
        /// The run's output folder.
        run_output: PathBuf,
        /// How they overlap (`is the run's output folder`, ...).
        relation: &'static str,
    },

    /// The country asked for a profile matches no code or name of the concordance.
    #[error(
        "unknown country `{}`: not a code or name the concordance knows\nhint: the closest known \
         names are {suggestions}",
        echo(name)
    )]
    ProfileCountryUnknown {
        /// The code or name as given.
        name: String,
        /// The closest known names.
        suggestions: String,
    },

    /// The output location cannot be used.
    #[error("output `{}` cannot be used: {message}", path.display())]
    OutputUnusable {
        /// The path.
        path: PathBuf,
        /// Why.
        message: String,
    },

    /// A renderer failed.
    #[error("failed to render {output}: {message}")]
    Render {
        /// The output being written.
        output: String,
        /// The cause.
        message: String,
    },
}

fn empty_table_detail(header_row: u32, rows: usize) -> String {
    match rows {
        0 => format!("no row follows its header (row {header_row})"),
        1 => format!("the row below its header (row {header_row}) has only missing values"),
        n => format!("the {n} rows below its header (row {header_row}) have only missing values"),
    }
}

/// The most characters of one input value (a cell, a name) that a message shows.
pub const MAX_ECHOED_CHARS: usize = 200;

/// Text taken from the input as a message shows it: control characters escaped (`\x1b`, `\n`,
/// so that a cell can neither drive the terminal nor forge a line), and cut after
/// [`MAX_ECHOED_CHARS`] characters with a note of how many were left out.
pub fn echo(text: &str) -> String {
    let mut out = String::new();
    for (shown, c) in text.chars().enumerate() {
        if shown == MAX_ECHOED_CHARS {
            let rest = text.chars().count() - shown;
            out.push_str(&format!("... ({rest} more characters)"));
            break;
        }
        push_escaped(&mut out, c);
    }
    out
}

#[cfg(test)]
mod echo_tests {
    use super::*;

    #[test]
    fn echoed_text_is_escaped_and_cut() {
        assert_eq!(echo("a\x1b[2Jb\nc"), "a\\x1b[2Jb\\nc");
        let long = "x".repeat(1000);
        let shown = echo(&long);
        assert!(shown.ends_with("... (800 more characters)"), "{shown}");
        assert_eq!(shown.len(), 200 + "... (800 more characters)".len());
        assert_eq!(terminal_safe("line\nwrote \x1b[1A"), "line\nwrote \\x1b[1A");
        assert_eq!(echo("\u{202E}abc"), "\\u{202e}abc");
    }
}

/// Text taken from the input with its control characters escaped, never cut: for file names,
/// which a message must show whole.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        push_escaped(&mut out, c);
    }
    out
}

/// A whole message made safe to print on a terminal: every control character except the line
/// ends of the message itself is escaped. `main` prints every message through this.
pub fn terminal_safe(message: &str) -> std::borrow::Cow<'_, str> {
    if !message.chars().any(|c| c != '\n' && is_unsafe(c)) {
        return message.into();
    }
    let mut out = String::with_capacity(message.len() + 8);
    for c in message.chars() {
        if c == '\n' {
            out.push(c);
        } else {
            push_escaped(&mut out, c);
        }
    }
    out.into()
}

/// Control characters, and the Unicode ones that reorder or hide text (bidi overrides).
fn is_unsafe(c: char) -> bool {
    c.is_control() || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    use fmt::Write as _;
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c if is_unsafe(c) && (c as u32) < 0x100 => {
            let _ = write!(out, "\\x{:02x}", c as u32);
        }
        c if is_unsafe(c) => {
            let _ = write!(out, "\\u{{{:04x}}}", c as u32);
        }
        c => out.push(c),
    }
}

/// The [`Error::Io`] actions on the output folder (exit 3); every other action reads an input.
const OUTPUT_ACTIONS: [&str; 8] = [
    "write",
    "create folder",
    "move",
    "replace",
    "lock",
    "clean up",
    "restore",
    "resolve",
];

/// The most errors collected in one run; past it the rest of the input is not checked.
pub const MAX_LISTED: usize = 100;

fn count(listed: usize, found: usize) -> String {
    if found > listed {
        format!("{found} errors (the first {listed} listed)")
    } else if listed >= MAX_LISTED {
        format!("{listed} errors (the first {listed}; checking stopped there)")
    } else {
        format!("{listed} errors")
    }
}

fn list(errors: &[Error]) -> String {
    errors
        .iter()
        .map(|e| format!("- {}", e.report().replace('\n', "\n  ")))
        .collect::<Vec<_>>()
        .join("\n")
}

impl Error {
    /// Builds an I/O error naming its path.
    pub fn io(action: &'static str, path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.into(),
            source,
        }
    }

    /// Collapses a list of errors: one error stays itself, several become [`Error::Many`],
    /// listing the first [`MAX_LISTED`].
    ///
    /// # Panics
    /// When `errors` is empty (a broken invariant of the caller).
    pub fn from_list(mut errors: Vec<Error>) -> Self {
        assert!(!errors.is_empty(), "from_list needs at least one error");
        if errors.len() == 1 {
            errors.remove(0)
        } else {
            let found = errors.len();
            errors.truncate(MAX_LISTED);
            Error::Many { errors, found }
        }
    }

    /// What the user can do about it, when there is something to say: data, not part of the
    /// message, so that each output formats it (`hint: ...` on a terminal).
    pub fn hint(&self) -> Option<String> {
        Some(match self {
            Error::WorkbookNoCells(_) => "a truncated download? download it again".into(),
            Error::InputTooLarge { hint, .. } => (*hint).into(),
            Error::FileEncoding { .. } => "save it as CSV UTF-8".into(),
            Error::SheetTooLarge { .. } => "delete the stray cells outside the table".into(),
            Error::SheetTooManyCells { .. } => "split the data over several sheets or files".into(),
            Error::CountryColumnMissing { .. } => "name it `Country Name` or `ISO3`".into(),
            Error::TableUnreadable { .. } => "name the columns as the SPEC does (`E-Government \
                 Index`, `Survey Year`, ...) or map them in the configuration's `[columns]` table"
                .into(),
            Error::YearMissing { .. } => {
                "add a `Survey Year` column or put the year in the file name".into()
            }
            Error::SurveyTableEmpty { .. } => {
                "fill the table in or take it out of the input".into()
            }
            Error::CountryUnknown { suggestions, .. } => {
                format!("the closest known names are {suggestions}")
            }
            Error::ValueNotNumeric { .. } => "leave missing values empty or write `..`".into(),
            Error::SurveysTooFew { .. } => "add the files of another survey year".into(),
            Error::OutputOverlapsInput { .. } => "choose an output folder outside the input".into(),
            _ => return None,
        })
    }

    /// The message with its hint on a line of its own (what a terminal shows); a list of
    /// errors gives each its hint.
    pub fn report(&self) -> String {
        match self.hint() {
            Some(hint) => format!("{self}\nhint: {hint}"),
            None => self.to_string(),
        }
    }

    /// The process exit code for this error.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Render { .. } | Error::OutputUnusable { .. } => EXIT_INTERNAL,
            Error::Io { action, .. } if OUTPUT_ACTIONS.contains(action) => EXIT_INTERNAL,
            _ => EXIT_INPUT,
        }
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; changes nothing.
    Note,
    /// Something was skipped or may be wrong.
    Warning,
}

/// Where a diagnostic points: file, sheet, row and column, each when known. Locations sort as a
/// person reads them: by file, sheet, then row number (row 9 before row 10), then column.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Location {
    /// The file (or folder entry), relative to the input folder.
    pub file: Option<String>,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
    /// The 1-based row.
    pub row: Option<u32>,
    /// The 0-based column and its header.
    pub column: Option<(u32, String)>,
}

impl Location {
    /// Nowhere in particular (the run as a whole).
    pub fn none() -> Self {
        Self::default()
    }

    /// A file (or folder entry) as a whole.
    pub fn file(name: impl Into<String>) -> Self {
        Self {
            file: Some(name.into()),
            ..Self::default()
        }
    }
}

impl From<&crate::source::TableRef> for Location {
    fn from(t: &crate::source::TableRef) -> Self {
        Self {
            file: Some(t.file.clone()),
            sheet: t.sheet.clone(),
            ..Self::default()
        }
    }
}

impl From<&std::sync::Arc<crate::source::TableRef>> for Location {
    fn from(t: &std::sync::Arc<crate::source::TableRef>) -> Self {
        Self::from(&**t)
    }
}

impl From<&crate::source::SourceRef> for Location {
    fn from(s: &crate::source::SourceRef) -> Self {
        Self {
            row: Some(s.row),
            column: s.column().map(|(c, h)| (c, h.to_string())),
            ..Self::from(&**s.table())
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Some(file) = &self.file else {
            return Ok(());
        };
        match &self.sheet {
            Some(sheet) => write!(f, "sheet `{}` of `{}`", echo(sheet), escape(file))?,
            None => write!(f, "`{}`", escape(file))?,
        }
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some((column, header)) = &self.column {
            let letter = crate::source::column_letter(*column);
            write!(f, ", column {letter} (`{}`)", echo(header))?;
        }
        Ok(())
    }
}

/// A warning or note that travels beside a stage's output instead of being logged.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// Where; the renderers format it.
    pub location: Location,
    /// What.
    pub message: String,
}

impl Diagnostic {
    /// A warning at a location.
    pub fn warning(location: impl Into<Location>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            location: location.into(),
            message: message.into(),
        }
    }

    /// A note at a location.
    pub fn note(location: impl Into<Location>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Note,
            location: location.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let label = match self.severity {
            Severity::Note => "note",
            Severity::Warning => "warning",
        };
        if self.location.file.is_none() {
            write!(f, "{label}: {}", self.message)
        } else {
            write!(f, "{label}: {}: {}", self.location, self.message)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hints_are_data_beside_the_message_and_every_listed_error_keeps_its_own() {
        let encoding = || Error::FileEncoding {
            path: "a.csv".into(),
            encoding: "UTF-16LE".into(),
        };
        assert!(!encoding().to_string().contains("hint"));
        assert_eq!(encoding().hint().as_deref(), Some("save it as CSV UTF-8"));
        assert_eq!(
            encoding().report(),
            "`a.csv` is encoded as UTF-16LE, not UTF-8\nhint: save it as CSV UTF-8"
        );
        assert_eq!(Error::FileEmpty("b.csv".into()).hint(), None);
        let many = Error::from_list(vec![
            encoding(),
            Error::FileEmpty("b.csv".into()),
            encoding(),
        ]);
        let report = many.report();
        assert_eq!(
            report.matches("\n  hint: save it as CSV UTF-8").count(),
            2,
            "{report}"
        );
    }

    #[test]
    fn locations_sort_by_row_number_not_by_text() {
        let at = |row| Location {
            row: Some(row),
            ..Location::file("a.csv")
        };
        let mut found = [
            Diagnostic::warning(at(10), "x"),
            Diagnostic::warning(at(9), "x"),
        ];
        found.sort();
        assert_eq!(found[0].location.row, Some(9));
        assert_eq!(found[0].to_string(), "warning: `a.csv`, row 9: x");
    }
}
