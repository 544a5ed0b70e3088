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

/// A cell (or a row, when `column` is `None`) of an input table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SourceRef {
    /// The table.
    pub table: Arc<TableRef>,
    /// 1-based row number as a spreadsheet shows it.
    pub row: u32,
    /// 0-based column index and the column's header text.
    pub column: Option<(u32, Arc<str>)>,
}

impl SourceRef {
    /// A reference to a whole row.
    pub fn row(table: &Arc<TableRef>, row: u32) -> Self {
        Self {
            table: Arc::clone(table),
            row,
            column: None,
        }
    }

    /// A reference to one cell.
    pub fn cell(table: &Arc<TableRef>, row: u32, column: u32, header: &Arc<str>) -> Self {
        Self {
            table: Arc::clone(table),
            row,
            column: Some((column, Arc::clone(header))),
        }
    }

    /// The column's spreadsheet letter, if this refers to a cell.
    pub fn column_letter(&self) -> Option<String> {
        self.column.as_ref().map(|(c, _)| column_letter(*c))
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, row {}", self.table, self.row)?;
        if let Some((col, header)) = &self.column {
            write!(f, ", column {} (`{}`)", column_letter(*col), echo(header))?;
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
        let header: Arc<str> = Arc::from("OSI");
        let cell = SourceRef::cell(&table, 12, 3, &header);
        assert_eq!(
            cell.to_string(),
            "sheet `2018` of `a.xlsx`, row 12, column D (`OSI`)"
        );
    }
}
