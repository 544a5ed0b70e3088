//! Stage 1: read every input file into raw tables of cells.
//!
//! Consumes the input folder; produces [`Ingested`]: the files seen (with SHA-256), and one
//! [`RawTable`] per CSV file or workbook sheet. It knows file formats only: it does not look for
//! headers, countries or measures (that is `normalise`), and it never modifies an input.

mod csv;
mod workbook;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::error::{Diagnostic, Error, Result};
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

/// Reads every file of `input` (a folder, or a single file).
///
/// Files are read in parallel and returned in name order.
///
/// # Errors
/// [`Error::InputMissing`], [`Error::Io`] for unreadable files, and every per-file error of the
/// CSV and workbook readers ([`Error::FileEmpty`], [`Error::FileEncoding`],
/// [`Error::CsvMalformed`], [`Error::WorkbookUnreadable`], [`Error::SheetUnreadable`],
/// [`Error::SheetTooLarge`]); all failing files are reported together.
pub fn read_inputs(input: &Path) -> Result<Ingested> {
    let (dir, paths) = list_inputs(input)?;
    let read: Vec<Result<FileRead>> = paths
        .par_iter()
        .map(|(name, path)| read_file(name, path))
        .collect();

    let mut out = Ingested {
        input_dir: dir,
        files: Vec::new(),
        tables: Vec::new(),
        readme: None,
        diagnostics: Vec::new(),
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

/// Lists the files to read: `(name relative to the input folder, full path)`, sorted by name.
fn list_inputs(input: &Path) -> Result<(PathBuf, Vec<(String, PathBuf)>)> {
    let meta = std::fs::metadata(input).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            Error::InputMissing(input.to_path_buf())
        } else {
            Error::io("read", input, e)
        }
    })?;
    if meta.is_file() {
        let name = input.file_name().map_or_else(
            || input.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        let dir = input.parent().map(Path::to_path_buf).unwrap_or_default();
        return Ok((dir, vec![(name, input.to_path_buf())]));
    }
    let mut files = Vec::new();
    collect_files(input, input, &mut files)?;
    files.sort();
    Ok((input.to_path_buf(), files))
}

fn collect_files(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> Result<()> {
    let entries = std::fs::read_dir(dir).map_err(|e| Error::io("read folder", dir, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io("read folder", dir, e))?;
        let path = entry.path();
        let file_name = entry.file_name().to_string_lossy().into_owned();
        // Hidden files and editor lock files (`~$book.xlsx`, `.~lock.book.ods#`) are not inputs.
        if file_name.starts_with('.') || file_name.starts_with("~$") {
            continue;
        }
        let file_type = entry.file_type().map_err(|e| Error::io("read", &path, e))?;
        if file_type.is_dir() {
            collect_files(root, &path, out)?;
        } else {
            let name = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            out.push((name, path));
        }
    }
    Ok(())
}

fn kind_of(name: &str) -> FileKind {
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

fn read_file(name: &str, path: &Path) -> Result<FileRead> {
    let bytes = std::fs::read(path).map_err(|e| Error::io("read", path, e))?;
    let sha256 = sha256_hex(&bytes);
    let kind = kind_of(name);
    let file = InputFile {
        name: name.to_string(),
        kind,
        bytes: bytes.len() as u64,
        sha256,
    };
    let display = PathBuf::from(name);
    match kind {
        FileKind::Csv => {
            let table = csv::read_csv(&display, &bytes)?;
            Ok((file, vec![table], Vec::new(), None))
        }
        FileKind::Workbook => {
            let (tables, diagnostics) = workbook::read_workbook(&display, bytes)?;
            Ok((file, tables, diagnostics, None))
        }
        FileKind::Skipped => {
            let text = String::from_utf8(bytes).ok();
            Ok((file, Vec::new(), Vec::new(), text))
        }
    }
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
    let digest = Sha256::digest(bytes);
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
