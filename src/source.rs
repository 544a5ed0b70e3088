//! Where a value came from: file, sheet, row and column of its cell.
//!
//! Every fact and every error carries a `SourceRef`, so that a number in the report can be traced
//! back to the spreadsheet cell it was read from. Rows are 1-based as a spreadsheet shows them.

use std::fmt;
use std::sync::Arc;

use crate::error::{echo, escape};

/// One table read from the input: a CSV file or one sheet of a workbook.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
pub struct TableRef {
    /// The file, as given relative to the input folder (or as given on the command line).
    pub file: String,
    /// The sheet name, `None` for CSV files.
    pub sheet: Option<String>,
}

impl fmt::Display for TableRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sheet {
            Some(sheet) => write!(f, "sheet `{}` of `{}`", echo(sheet), escape(&self.file)),
            None => write!(f, "`{}`", escape(&self.file)),
        }
    }
}

/// A table and the header of each of its columns, shared by every reference into it: a
/// reference is then 16 bytes, and the facts of a large input are mostly references.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct TableColumns {
    /// The table.
    pub table: Arc<TableRef>,
    /// Each column's header text, by 0-based index.
    pub headers: Vec<Arc<str>>,
}

impl TableColumns {
    /// A table and its columns' headers.
    pub fn new(table: &Arc<TableRef>, headers: Vec<Arc<str>>) -> Arc<Self> {
        Arc::new(Self {
            table: Arc::clone(table),
            headers,
        })
    }
}

/// The column index of a reference to a whole row.
const WHOLE_ROW: u32 = u32::MAX;

/// A cell (or a whole row) of an input table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    columns: Arc<TableColumns>,
    /// 1-based row number as a spreadsheet shows it.
    pub row: u32,
    /// 0-based column index; [`WHOLE_ROW`] for a row.
    column: u32,
}

impl SourceRef {
    /// A reference to a whole row.
    pub fn row(table: &Arc<TableColumns>, row: u32) -> Self {
        Self {
            columns: Arc::clone(table),
            row,
            column: WHOLE_ROW,
        }
    }

    /// A reference to one cell; its header is the table's header of that column.
    pub fn cell(table: &Arc<TableColumns>, row: u32, column: u32) -> Self {
        debug_assert!(
            (column as usize) < table.headers.len(),
            "a column with a header"
        );
        Self {
            columns: Arc::clone(table),
            row,
            column,
        }
    }

    /// The table.
    pub fn table(&self) -> &Arc<TableRef> {
        &self.columns.table
    }

    /// The 0-based column index and its header text, if this refers to a cell.
    pub fn column(&self) -> Option<(u32, &str)> {
        (self.column != WHOLE_ROW).then(|| {
            let header = self.columns.headers.get(self.column as usize);
            (self.column, header.map_or("", |h| &**h))
        })
    }

    /// The column's spreadsheet letter, if this refers to a cell.
    pub fn column_letter(&self) -> Option<String> {
        self.column().map(|(c, _)| column_letter(c))
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, row {}", self.table(), self.row)?;
        if let Some((col, header)) = self.column() {
            write!(f, ", column {} (`{}`)", column_letter(col), echo(header))?;
        }
        Ok(())
    }
}

/// Spreadsheet column letters for a 0-based index: 0 -> `A`, 25 -> `Z`, 26 -> `AA`.
pub fn column_letter(index: u32) -> String {
    let mut n = u64::from(index) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = u8::try_from((n - 1) % 26).expect("remainder below 26");
        out.push(b'A' + rem);
        n = (n - 1) / 26;
    }
    out.reverse();
    String::from_utf8(out).expect("ASCII letters")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_letters_follow_spreadsheet_convention() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(16_383), "XFD");
    }

    #[test]
    fn cell_reference_names_file_sheet_row_and_column() {
        let table = Arc::new(TableRef {
            file: "a.xlsx".into(),
            sheet: Some("2018".into()),
        });
        let headers = ["Country", "Code", "EGDI", "OSI"].map(Arc::from).to_vec();
        let columns = TableColumns::new(&table, headers);
        let cell = SourceRef::cell(&columns, 12, 3);
        assert_eq!(
            cell.to_string(),
            "sheet `2018` of `a.xlsx`, row 12, column D (`OSI`)"
        );
        assert_eq!(cell.column(), Some((3, "OSI")));
        let row = SourceRef::row(&columns, 12);
        assert_eq!(row.to_string(), "sheet `2018` of `a.xlsx`, row 12");
        assert_eq!(row.column(), None);
    }

    #[test]
    fn a_reference_is_two_words() {
        // Every fact carries one: at 10,000 entities x 30 surveys there are millions.
        assert_eq!(std::mem::size_of::<SourceRef>(), 16);
    }
}
