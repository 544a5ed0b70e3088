//! Workbooks (xlsx, xlsm, xlsb, xls, ods) through calamine: every sheet becomes a raw table.
//!
//! xlsx and xlsb sheets are streamed cell by cell rather than loaded as a dense range: a single
//! stray cell at `XFD1048576` would otherwise make calamine allocate a range of ~17 billion cells
//! and abort the process (tafia/calamine#693). Cells beyond [`MAX_COLUMNS`] are refused with their
//! address. A panic inside calamine (it has overflow panics on malformed cell references) becomes
//! an error naming the file, without the panic message on stderr.

use std::cell::RefCell;
use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, Once};

use calamine::{Data, DataRef, ExcelDateTime, Ods, Reader, Xls, Xlsb, Xlsx};

use super::{Cell, RawRow, RawTable};
use crate::error::{Diagnostic, Error, Result};
use crate::source::{TableRef, column_letter};

/// The widest table accepted: far more columns than any survey table has.
pub(super) const MAX_COLUMNS: u32 = 1024;
/// The rows of a sheet in Excel and LibreOffice; a cell past them is malformed.
const MAX_ROWS: u32 = 1_048_576;
/// The most non-empty cells read from one sheet or CSV file (a zip bomb of a sheet must not
/// exhaust memory): 20 million, four times the cells of one table holding 20,000 entities x 30
/// surveys.
pub(super) const MAX_CELLS: usize = 20_000_000;

/// Reads every sheet of a workbook. Sheets without any cell give a warning, not a table.
pub(super) fn read_workbook(
    name: &Path,
    bytes: Vec<u8>,
) -> Result<(Vec<RawTable>, Vec<Diagnostic>)> {
    let ext = name
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    if bytes.is_empty() {
        return Err(Error::FileEmpty(name.to_path_buf()));
    }
    super::declared::check(name, &ext, &bytes)?;
    let file = name.display().to_string();
    // calamine is fed untrusted bytes; a panic inside it must become an error naming the file,
    // never a crash of the whole run.
    let result = catch_reader_panic(|| match ext.as_str() {
        "xlsx" | "xlsm" => read_xlsx(&file, bytes),
        "xlsb" => read_xlsb(&file, bytes),
        "xls" => read_dense::<Xls<_>>(&file, bytes),
        _ => read_dense::<Ods<_>>(&file, bytes),
    });
    let sheets = match result {
        Ok(sheets) => sheets?,
        Err(panic) => {
            return Err(Error::WorkbookUnreadable {
                path: name.to_path_buf(),
                detail: format!("the workbook reader failed on malformed content ({panic})"),
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
    if tables.is_empty() {
        return Err(Error::WorkbookNoCells(name.to_path_buf()));
    }
    Ok((tables, diagnostics))
}

thread_local! {
    /// Whether this thread is inside [`catch_reader_panic`].
    static INSIDE_READER: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
    /// The message of a panic caught there.
    static CAUGHT_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Runs `f`, turning a panic into `Err(message)`.
///
/// The default panic hook would print "thread panicked at ..." on stderr before the panic is
/// caught, which reads like a crash. A hook installed once, chained to the previous one, stays
/// silent for panics on threads that are inside this function and records their message; every
/// other panic is reported by the previous hook as before.
fn catch_reader_panic<T>(f: impl FnOnce() -> T) -> std::result::Result<T, String> {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if INSIDE_READER.get() {
                let message = info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(ToString::to_string)
                    .or_else(|| info.payload().downcast_ref::<String>().cloned());
                CAUGHT_PANIC.set(message);
            } else {
                previous(info);
            }
        }));
    });
    let was_inside = INSIDE_READER.replace(true);
    CAUGHT_PANIC.set(None);
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    INSIDE_READER.set(was_inside);
    let caught = CAUGHT_PANIC.take();
    result.map_err(|_| caught.unwrap_or_else(|| "a panic".into()))
}

fn unreadable(file: &str, e: impl std::fmt::Display) -> Error {
    Error::WorkbookUnreadable {
        path: file.into(),
        detail: e.to_string(),
    }
}

/// Streams every sheet of an xlsx or xlsb workbook cell by cell. The two readers have the same
/// API on different types (no shared trait), hence a macro rather than a generic function.
macro_rules! stream_sheets {
    ($workbook:expr, $file:expr) => {{
        let mut workbook = $workbook.map_err(|e| unreadable($file, e))?;
        let mut tables = Vec::new();
        for sheet in workbook.sheet_names() {
            let table = sheet_ref($file, &sheet);
            let sheet_error = |e: &dyn std::fmt::Display| sheet_unreadable(&table, e);
            let mut reader = workbook
                .worksheet_cells_reader(&sheet)
                .map_err(|e| sheet_error(&e))?;
            let mut grid = SparseGrid::default();
            while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(&e))? {
                let (row, col) = cell.get_position();
                grid.put(&table, row, col, convert_ref(cell.get_value()))?;
            }
            tables.push(grid.into_table(table)?);
        }
        Ok(tables)
    }};
}

fn read_xlsx(file: &str, bytes: Vec<u8>) -> Result<Vec<RawTable>> {
    stream_sheets!(Xlsx::<_>::new(Cursor::new(bytes)), file)
}

/// xlsb sheets are streamed like xlsx ones: calamine's dense range has the same huge-range abort.
fn read_xlsb(file: &str, bytes: Vec<u8>) -> Result<Vec<RawTable>> {
    stream_sheets!(Xlsb::<_>::new(Cursor::new(bytes)), file)
}

fn sheet_ref(file: &str, sheet: &str) -> Arc<TableRef> {
    Arc::new(TableRef {
        file: file.to_string(),
        sheet: Some(sheet.to_string()),
    })
}

fn sheet_unreadable(table: &TableRef, e: &dyn std::fmt::Display) -> Error {
    Error::SheetUnreadable {
        table: table.clone(),
        detail: e.to_string(),
    }
}

fn read_dense<W>(file: &str, bytes: Vec<u8>) -> Result<Vec<RawTable>>
where
    W: Reader<Cursor<Vec<u8>>>,
    W::Error: std::fmt::Display,
{
    let mut workbook = W::new(Cursor::new(bytes)).map_err(|e| unreadable(file, e))?;
    let mut tables = Vec::new();
    for sheet in workbook.sheet_names() {
        let table = sheet_ref(file, &sheet);
        let range = workbook
            .worksheet_range(&sheet)
            .map_err(|e| sheet_unreadable(&table, &e))?;
        let mut grid = SparseGrid::default();
        let (start_row, start_col) = range.start().unwrap_or((0, 0));
        for (row, col, value) in range.used_cells() {
            let row = u32::try_from(row).map_or(u32::MAX, |r| start_row.saturating_add(r));
            let col = u32::try_from(col).map_or(u32::MAX, |c| start_col.saturating_add(c));
            grid.put(&table, row, col, convert(value))?;
        }
        tables.push(grid.into_table(table)?);
    }
    Ok(tables)
}

/// Cells collected in any order, kept only where non-empty.
struct SparseGrid {
    cells: Vec<(u32, u32, Cell)>,
    limit: usize,
}

impl Default for SparseGrid {
    fn default() -> Self {
        Self {
            cells: Vec::new(),
            limit: MAX_CELLS,
        }
    }
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
        if row >= MAX_ROWS {
            return Err(Error::CellInvalid {
                table: (**table).clone(),
                cell: format!("{}{}", column_letter(col), u64::from(row) + 1),
                problem: "the row lies past the last row a sheet can have (1048576)",
            });
        }
        if self.cells.len() >= self.limit {
            return Err(Error::SheetTooManyCells {
                table: (**table).clone(),
                cell: format!("{}{}", column_letter(col), u64::from(row) + 1),
                max_cells: self.limit as u64,
            });
        }
        self.cells.push((row, col, value));
        Ok(())
    }

    /// The rows in order.
    ///
    /// # Errors
    /// [`Error::CellInvalid`] when two cells have the same address (the sheet's XML lists one
    /// address twice): which value is meant cannot be told.
    fn into_table(mut self, table: Arc<TableRef>) -> Result<RawTable> {
        self.cells.sort_by_key(|&(r, c, _)| (r, c));
        if let Some(w) = self
            .cells
            .windows(2)
            .find(|w| (w[0].0, w[0].1) == (w[1].0, w[1].1))
        {
            return Err(Error::CellInvalid {
                table: (*table).clone(),
                cell: format!("{}{}", column_letter(w[0].1), u64::from(w[0].0) + 1),
                problem: "the sheet lists this cell twice",
            });
        }
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
        Ok(RawTable { table, rows })
    }
}

fn convert_ref(value: &DataRef<'_>) -> Cell {
    match value {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_string()),
        DataRef::Bool(b) => Cell::Bool(*b),
        DataRef::DateTime(d) => Cell::Date(render_date(d)),
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
        Data::DateTime(d) => Cell::Date(render_date(d)),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Date(s.clone()),
        Data::Error(e) => Cell::Error(e.to_string()),
        Data::Empty => Cell::Empty,
    }
}

/// A date cell as a person reads it: `2018-01-01`, with the time when there is one.
///
/// calamine's own `Display` prints the serial number (`43101`), which names no date a user would
/// recognise in an error message. Durations keep their serial value.
fn render_date(d: &ExcelDateTime) -> String {
    if !d.is_datetime() {
        return d.as_f64().to_string();
    }
    let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
    if (h, mi, s) == (0, 0, 0) {
        format!("{y:04}-{mo:02}-{day:02}")
    } else {
        format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_in_the_reader_becomes_its_message() {
        let caught = catch_reader_panic(|| -> u32 { panic!("bad cell reference") });
        assert_eq!(caught, Err("bad cell reference".to_string()));
        assert_eq!(catch_reader_panic(|| 7), Ok(7));
        // Outside the reader the state is cleared again.
        assert!(!INSIDE_READER.get());
        assert!(CAUGHT_PANIC.take().is_none());
    }

    #[test]
    fn date_cells_read_as_calendar_dates() {
        use calamine::ExcelDateTimeType;
        let date = ExcelDateTime::new(43101.0, ExcelDateTimeType::DateTime, false);
        assert_eq!(render_date(&date), "2018-01-01");
        let noon = ExcelDateTime::new(43101.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(render_date(&noon), "2018-01-01 12:00:00");
        let duration = ExcelDateTime::new(1.5, ExcelDateTimeType::TimeDelta, false);
        assert_eq!(render_date(&duration), "1.5");
    }

    #[test]
    fn empty_bytes_are_an_empty_file() {
        let err = read_workbook(Path::new("a.xlsx"), Vec::new()).unwrap_err();
        assert!(matches!(err, Error::FileEmpty(_)), "{err}");
    }

    #[test]
    fn a_sheet_past_the_cell_limit_is_refused_naming_the_cell() {
        let table = Arc::new(TableRef {
            file: "big.xlsx".into(),
            sheet: Some("Data".into()),
        });
        let mut grid = SparseGrid {
            cells: Vec::new(),
            limit: 2,
        };
        grid.put(&table, 0, 0, Cell::Number(1.0)).unwrap();
        grid.put(&table, 0, 1, Cell::Empty).unwrap();
        grid.put(&table, 1, 0, Cell::Number(2.0)).unwrap();
        let err = grid
            .put(&table, 1, 1, Cell::Number(3.0))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("sheet `Data` of `big.xlsx` holds more than 2 non-empty cells"),
            "{err}"
        );
        assert!(err.contains("cell B2"), "{err}");
    }
}
