//! Workbooks (xlsx, xlsm, xlsb, xls, ods) through calamine: every sheet becomes a raw table.
//!
//! xlsx sheets are streamed cell by cell rather than loaded as a dense range: a single stray cell
//! at `XFD1048576` would otherwise make calamine allocate a range of ~17 billion cells and abort
//! the process (tafia/calamine#693). Cells beyond [`MAX_COLUMNS`] are refused with their address.

use std::io::Cursor;
use std::path::Path;
use std::sync::Arc;

use calamine::{Data, DataRef, Ods, Reader, Xls, Xlsb, Xlsx};

use super::{Cell, RawRow, RawTable};
use crate::error::{Diagnostic, Error, Result};
use crate::source::{TableRef, column_letter};

/// The widest table accepted: far more columns than any survey table has.
pub(super) const MAX_COLUMNS: u32 = 1024;

/// Reads every sheet of a workbook. Sheets without any cell give a warning, not a table.
pub(super) fn read_workbook(
    name: &Path,
    _full_path: &Path,
    bytes: Vec<u8>,
) -> Result<(Vec<RawTable>, Vec<Diagnostic>)> {
    let ext = name
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.is_empty() {
        return Err(Error::FileEmpty(name.to_path_buf()));
    }
    let file = name.display().to_string();
    // calamine is fed untrusted bytes; a panic inside it must become an error naming the file,
    // never a crash of the whole run.
    let result = std::panic::catch_unwind(|| match ext.as_str() {
        "xlsx" | "xlsm" => read_xlsx(&file, bytes),
        "xlsb" => read_dense::<Xlsb<_>>(&file, bytes),
        "xls" => read_dense::<Xls<_>>(&file, bytes),
        _ => read_dense::<Ods<_>>(&file, bytes),
    });
    let sheets = match result {
        Ok(sheets) => sheets?,
        Err(_) => {
            return Err(Error::WorkbookUnreadable {
                path: name.to_path_buf(),
                detail: "the workbook reader failed on malformed content".into(),
            });
        }
    };
    let mut tables = Vec::new();
    let mut diagnostics = Vec::new();
    for table in sheets {
        if table.rows.is_empty() {
            diagnostics.push(Diagnostic::warning(&table.table, "empty sheet skipped"));
        } else {
            tables.push(table);
        }
    }
    Ok((tables, diagnostics))
}

fn unreadable(file: &str, e: impl std::fmt::Display) -> Error {
    Error::WorkbookUnreadable {
        path: file.into(),
        detail: e.to_string(),
    }
}

fn read_xlsx(file: &str, bytes: Vec<u8>) -> Result<Vec<RawTable>> {
    let mut workbook: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(file, e))?;
    let mut tables = Vec::new();
    for sheet in workbook.sheet_names() {
        let table = Arc::new(TableRef {
            file: file.to_string(),
            sheet: Some(sheet.clone()),
        });
        let sheet_error = |e: &dyn std::fmt::Display| Error::SheetUnreadable {
            table: (*table).clone(),
            detail: e.to_string(),
        };
        let mut reader = workbook
            .worksheet_cells_reader(&sheet)
            .map_err(|e| sheet_error(&e))?;
        let mut grid = SparseGrid::default();
        while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(&e))? {
            let (row, col) = cell.get_position();
            let value = convert_ref(cell.get_value());
            grid.put(&table, row, col, value)?;
        }
        tables.push(grid.into_table(table));
    }
    Ok(tables)
}

fn read_dense<W>(file: &str, bytes: Vec<u8>) -> Result<Vec<RawTable>>
where
    W: Reader<Cursor<Vec<u8>>>,
    W::Error: std::fmt::Display,
{
    let mut workbook = W::new(Cursor::new(bytes)).map_err(|e| unreadable(file, e))?;
    let mut tables = Vec::new();
    for sheet in workbook.sheet_names() {
        let table = Arc::new(TableRef {
            file: file.to_string(),
            sheet: Some(sheet.clone()),
        });
        let range = workbook
            .worksheet_range(&sheet)
            .map_err(|e| Error::SheetUnreadable {
                table: (*table).clone(),
                detail: e.to_string(),
            })?;
        let mut grid = SparseGrid::default();
        for (row, col, value) in range.used_cells() {
            let (start_row, start_col) = range.start().unwrap_or((0, 0));
            let row = start_row + u32::try_from(row).unwrap_or(u32::MAX - start_row);
            let col = start_col + u32::try_from(col).unwrap_or(u32::MAX - start_col);
            grid.put(&table, row, col, convert(value))?;
        }
        tables.push(grid.into_table(table));
    }
    Ok(tables)
}

/// Cells collected in any order, kept only where non-empty.
#[derive(Default)]
struct SparseGrid {
    cells: Vec<(u32, u32, Cell)>,
}

impl SparseGrid {
    fn put(&mut self, table: &Arc<TableRef>, row: u32, col: u32, value: Cell) -> Result<()> {
        if value.is_blank() {
            return Ok(());
        }
        if col >= MAX_COLUMNS {
            return Err(Error::SheetTooLarge {
                table: (**table).clone(),
                rows: u64::from(row) + 1,
                columns: u64::from(col) + 1,
                last_cell: format!("{}{}", column_letter(col), u64::from(row) + 1),
                max_cells: u64::from(MAX_COLUMNS) * 1_048_576,
            });
        }
        self.cells.push((row, col, value));
        Ok(())
    }

    fn into_table(mut self, table: Arc<TableRef>) -> RawTable {
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        let mut rows: Vec<RawRow> = Vec::new();
        for (row, col, value) in self.cells {
            let number = row + 1;
            if rows.last().is_none_or(|r| r.number != number) {
                rows.push(RawRow {
                    number,
                    cells: Vec::new(),
                });
            }
            let cells = &mut rows.last_mut().expect("row just pushed").cells;
            let col = col as usize;
            if cells.len() <= col {
                cells.resize(col + 1, Cell::Empty);
            }
            cells[col] = value;
        }
        RawTable { table, rows }
    }
}

fn convert_ref(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => Cell::Date(d.to_string()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Date(s.clone()),
        DataRef::Error(e) => Cell::Error(e.to_string()),
        DataRef::Empty => Cell::Empty,
    }
}

fn convert(value: &Data) -> Cell {
    match value {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Bool(*b),
        Data::DateTime(d) => Cell::Date(d.to_string()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Date(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}
