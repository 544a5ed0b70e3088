//! Stage 1: read every input file into raw tables of cells.
//!
//! Consumes the input folder; produces [`Ingested`]: the files seen (with SHA-256), and one
//! [`RawTable`] per CSV file or workbook sheet. It knows file formats only: it does not look for
//! headers, countries or measures (that is `normalise`), and it never modifies an input.

mod csv;
mod declared;
mod listing;
mod workbook;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Error, Location, Result};
use crate::source::TableRef;

/// One cell as read, before any interpretation.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// No value.
    Empty,
    /// A number stored as a number.
    Number(f64),
    /// Text (CSV cells are always text).
    Text(String),
    /// A date or time, shown as the reader rendered it.
    Date(String),
    /// A boolean.
    Bool(bool),
    /// A spreadsheet error value such as `#N/A`.
    Error(String),
}

impl Cell {
    /// Whether the cell holds nothing (or only spaces).
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as display text (numbers in their shortest form).
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Number(n) => n.to_string(),
            Cell::Text(t) | Cell::Date(t) | Cell::Error(t) => t.clone(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// One row of a raw table.
#[derive(Debug, Clone, PartialEq)]
pub struct RawRow {
    /// 1-based row number as a spreadsheet shows it.
    pub number: u32,
    /// The cells, from column A on.
    pub cells: Vec<Cell>,
}

/// A CSV file or one sheet of a workbook, as read.
#[derive(Debug, Clone)]
pub struct RawTable {
    /// Which file and sheet.
    pub table: Arc<TableRef>,
    /// Non-empty rows in order.
    pub rows: Vec<RawRow>,
}

/// What kind of file an input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum FileKind {
    /// A CSV file.
    Csv,
    /// An xlsx, xlsm, xlsb, xls or ods workbook.
    Workbook,
    /// Not data (e.g. `README.md`): listed, not read.
    Skipped,
}

/// One file of the input folder.
#[derive(Debug, Clone, Serialize)]
pub struct InputFile {
    /// Path relative to the input folder.
    pub name: String,
    /// What it is.
    pub kind: FileKind,
    /// Size in bytes.
    pub bytes: u64,
    /// SHA-256 of the contents, lowercase hex.
    pub sha256: String,
}

/// The output of ingest.
#[derive(Debug, Clone)]
pub struct Ingested {
    /// The folder read.
    pub input_dir: PathBuf,
    /// Every file, sorted by name.
    pub files: Vec<InputFile>,
    /// Every table read, in file order then sheet order.
    pub tables: Vec<RawTable>,
    /// The text of `README.md` in the input folder, if any (the inputs' provenance).
    pub readme: Option<String>,
    /// Warnings (e.g. empty sheets).
    pub diagnostics: Vec<Diagnostic>,
}

/// The most non-empty cells read from all inputs together: 50 million, more than twice the
/// 20,000 entities x 30 surveys x 30 columns of the largest input measured.
const MAX_TOTAL_CELLS: usize = 50_000_000;
/// The largest `README.md` read (larger ones are listed, hashed and left out of the report).
const MAX_README_BYTES: u64 = 4 << 20;
/// The largest file that is not data but is hashed for the manifest: past it a file is only
/// listed, so that an archive left in the input folder is never read whole.
const MAX_HASHED_BYTES: u64 = 256 << 20;

/// Reads every file of `input` (a folder, or a single file).
///
/// Files are read in parallel and returned in name order. Entries are looked at by type and
/// size before any is opened (see `listing`).
///
/// # Errors
/// [`Error::InputMissing`], [`Error::Io`] for unreadable files, [`Error::InputNotAFile`],
/// [`Error::InputTooLarge`], and every per-file error of the CSV and workbook readers
/// ([`Error::FileEmpty`], [`Error::FileEncoding`], [`Error::CsvMalformed`],
/// [`Error::WorkbookUnreadable`], [`Error::WorkbookNoCells`], [`Error::SheetUnreadable`],
/// [`Error::SheetTooLarge`], [`Error::CellInvalid`]); all failing files are reported together.
pub fn read_inputs(input: &Path) -> Result<Ingested> {
    let (dir, entries, listing_diagnostics) = listing::list_inputs(input)?;
    let cells_read = AtomicUsize::new(0);
    let read: Vec<Result<FileRead>> = entries
        .par_iter()
        .map(|entry| read_file(entry, &cells_read))
        .collect();

    let mut out = Ingested {
        input_dir: dir,
        files: Vec::new(),
        tables: Vec::new(),
        readme: None,
        diagnostics: listing_diagnostics,
    };
    let mut errors = Vec::new();
    for result in read {
        match result {
            Ok((file, tables, diagnostics, text)) => {
                if file.name.eq_ignore_ascii_case("README.md") {
                    out.readme = text;
                }
                out.files.push(file);
                out.tables.extend(tables);
                out.diagnostics.extend(diagnostics);
            }
            Err(e) => errors.push(e),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(Error::from_list(errors))
    }
}

pub(crate) fn kind_of(name: &str) -> FileKind {
    let ext = Path::new(name)
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase());
    match ext.as_deref() {
        Some("csv" | "tsv" | "txt") if !name.eq_ignore_ascii_case("README.txt") => {
            if ext.as_deref() == Some("txt") {
                FileKind::Skipped
            } else {
                FileKind::Csv
            }
        }
        Some("xlsx" | "xlsm" | "xlsb" | "xls" | "ods") => FileKind::Workbook,
        _ => FileKind::Skipped,
    }
}

type FileRead = (InputFile, Vec<RawTable>, Vec<Diagnostic>, Option<String>);

fn read_file(entry: &listing::Entry, cells_read: &AtomicUsize) -> Result<FileRead> {
    let (name, path, kind) = (entry.name.as_str(), entry.path.as_path(), entry.kind);
    if kind == FileKind::Skipped {
        return read_other(entry);
    }
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let file = InputFile {
        name: name.to_string(),
        kind,
        bytes: bytes.len() as u64,
        sha256: sha256_hex(&bytes),
    };
    let display = PathBuf::from(name);
    let (tables, diagnostics) = if kind == FileKind::Csv {
        (vec![csv::read_csv(&display, &bytes)?], Vec::new())
    } else {
        workbook::read_workbook(&display, bytes)?
    };
    let cells: usize = tables
        .iter()
        .flat_map(|t| &t.rows)
        .map(|r| r.cells.iter().filter(|c| !c.is_blank()).count())
        .sum();
    let total = cells_read.fetch_add(cells, Ordering::Relaxed) + cells;
    if total > MAX_TOTAL_CELLS {
        return Err(Error::InputTooLarge {
            place: format!("`{name}`"),
            what: format!("brings the non-empty cells of all inputs read so far to {total}"),
            limit: format!("{MAX_TOTAL_CELLS} cells"),
            hint: "split the input into several runs",
        });
    }
    Ok((file, tables, diagnostics, None))
}

/// A file that is not data: hashed (streamed, never held whole) unless it is huge; the text of
/// `README.md` kept for the report.
fn read_other(entry: &listing::Entry) -> Result<FileRead> {
    let path = entry.path.as_path();
    let mut file = InputFile {
        name: entry.name.clone(),
        kind: FileKind::Skipped,
        bytes: entry.bytes,
        sha256: String::new(),
    };
    let mut diagnostics = Vec::new();
    let is_readme = entry.name.eq_ignore_ascii_case("README.md");
    if is_readme && entry.bytes <= MAX_README_BYTES {
        let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
        file.bytes = bytes.len() as u64;
        file.sha256 = sha256_hex(&bytes);
        return Ok((file, Vec::new(), diagnostics, String::from_utf8(bytes).ok()));
    }
    if entry.bytes > MAX_HASHED_BYTES {
        diagnostics.push(Diagnostic::warning(
            Location::file(entry.name.clone()),
            format!("not data and larger than {MAX_HASHED_BYTES} bytes: listed, not read"),
        ));
    } else {
        use std::io::Read as _;
        let mut hasher = Sha256::new();
        let mut reader = std::fs::File::open(path).map_err(|e| Error::io("read", path, e))?;
        let mut chunk = vec![0u8; 1 << 16];
        loop {
            let n = reader
                .read(&mut chunk)
                .map_err(|e| Error::io("read", path, e))?;
            if n == 0 {
                break;
            }
            hasher.update(&chunk[..n]);
        }
        file.sha256 = hex(&hasher.finalize());
    }
    if is_readme {
        diagnostics.push(Diagnostic::warning(
            Location::file(entry.name.clone()),
            format!("larger than {MAX_README_BYTES} bytes: left out of the report"),
        ));
    }
    Ok((file, Vec::new(), diagnostics, None))
}

/// Reads the bytes of one CSV file into a raw table, exactly as [`read_inputs`] reads a `.csv`
/// input. `name` is the file's name as messages show it; nothing is read from disk.
///
/// This is the entry point of the `csv_reader` fuzz target.
///
/// # Errors
/// [`Error::FileEmpty`], [`Error::FileEncoding`] (naming the encoding found) and
/// [`Error::CsvMalformed`].
pub fn read_csv_bytes(name: &Path, bytes: &[u8]) -> Result<RawTable> {
    csv::read_csv(name, bytes)
}

/// Reads the bytes of one workbook into one raw table per non-empty sheet, exactly as
/// [`read_inputs`] reads a workbook input; the extension of `name` (`xlsx`, `xlsm`, `xlsb`, `xls`,
/// `ods`) picks the format. Empty sheets come back as warnings. Nothing is read from disk.
///
/// This is the entry point of the `workbook_reader` fuzz target.
///
/// # Errors
/// [`Error::FileEmpty`], [`Error::WorkbookUnreadable`], [`Error::SheetUnreadable`] and
/// [`Error::SheetTooLarge`].
pub fn read_workbook_bytes(
    name: &Path,
    bytes: Vec<u8>,
) -> Result<(Vec<RawTable>, Vec<Diagnostic>)> {
    workbook::read_workbook(name, bytes)
}

/// Reads a CSV of extra entities (`code,name,region`) that the concordance should accept.
///
/// # Errors
/// [`Error::Io`] when unreadable; [`Error::Config`] naming the row of a malformed line.
pub fn read_entities(path: &Path) -> Result<Vec<crate::normalise::country::ExtraEntity>> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let mut reader = ::csv::Reader::from_reader(bytes.as_slice());
    let bad = |row: usize, message: String| Error::Config {
        path: path.to_path_buf(),
        message: format!("row {row}: {message}"),
    };
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = record.map_err(|e| bad(row, e.to_string()))?;
        if record.len() < 3 {
            return Err(bad(row, "expected the columns code,name,region".into()));
        }
        let region = crate::model::Region::parse(&record[2])
            .ok_or_else(|| bad(row, format!("`{}` is not a region", &record[2])))?;
        out.push(crate::normalise::country::ExtraEntity {
            code: record[0].trim().to_ascii_uppercase(),
            name: record[1].trim().to_string(),
            region,
        });
    }
    Ok(out)
}

/// SHA-256 of bytes as lowercase hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub(crate) fn hex(digest: &[u8]) -> String {
    let mut out = String::with_capacity(64);
    for b in digest {
        use std::fmt::Write as _;
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_kinds_follow_the_extension_case_insensitively() {
        assert_eq!(kind_of("a.CSV"), FileKind::Csv);
        assert_eq!(kind_of("b.XLSX"), FileKind::Workbook);
        assert_eq!(kind_of("c.ods"), FileKind::Workbook);
        assert_eq!(kind_of("README.md"), FileKind::Skipped);
    }

    #[test]
    fn sha256_matches_a_known_digest() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
