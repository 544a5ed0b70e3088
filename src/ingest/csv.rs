//! CSV files: encoding checks, delimiter sniffing, cells as text.
//!
//! Produces one [`RawTable`] per file. Rows are numbered as a spreadsheet would show them (the
//! first record is row 1), counted by record, not by the reader's line position (CRLF files make
//! that lag behind, BurntSushi/rust-csv#395).

use std::path::Path;
use std::sync::Arc;

use super::workbook::{MAX_CELLS, MAX_COLUMNS};
use super::{Cell, RawRow, RawTable};
use crate::error::{Error, Result};
use crate::source::TableRef;

/// Reads a CSV file's bytes into a raw table.
pub(super) fn read_csv(name: &Path, bytes: &[u8]) -> Result<RawTable> {
    let text = decode(name, bytes)?;
    if text.trim().is_empty() {
        return Err(Error::FileEmpty(name.to_path_buf()));
    }
    let delimiter = sniff_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let table = Arc::new(TableRef {
        file: name.display().to_string(),
        sheet: None,
    });
    let mut rows = Vec::new();
    let mut cells_read = 0usize;
    let mut record = csv::StringRecord::new();
    // Row numbers are the line on which a record starts, found from its byte offset (the
    // reader's own line count lags in CRLF files, and blank lines yield no record).
    // `number` is the line on which byte `counted_to` sits.
    let mut number: u32 = 1;
    let mut counted_to: usize = 0;
    let bytes = text.as_bytes();
    loop {
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                // The record starts at the first byte after the previous record that is not a
                // line end (blank lines are skipped by the reader without yielding a record).
                let mut start = counted_to;
                while start < bytes.len() && matches!(bytes[start], b'\r' | b'\n') {
                    start += 1;
                }
                let end = usize::try_from(reader.position().byte())
                    .unwrap_or(bytes.len())
                    .clamp(start, bytes.len());
                let line = number.saturating_add(count_line_ends(bytes, counted_to..start));
                number = line.saturating_add(count_line_ends(bytes, start..end));
                counted_to = end;
                if record.iter().all(|f| f.trim().is_empty()) {
                    continue;
                }
                check_size(name, line, &record, &mut cells_read)?;
                let cells = record
                    .iter()
                    .map(|f| {
                        if f.is_empty() {
                            Cell::Empty
                        } else {
                            Cell::Text(f.to_string())
                        }
                    })
                    .collect();
                rows.push(RawRow {
                    number: line,
                    cells,
                });
            }
            Err(e) => {
                return Err(Error::CsvMalformed {
                    path: name.to_path_buf(),
                    row: u64::from(number),
                    detail: e.to_string(),
                });
            }
        }
    }
    if rows.is_empty() {
        return Err(Error::FileEmpty(name.to_path_buf()));
    }
    Ok(RawTable { table, rows })
}

/// The same limits as a workbook sheet: [`MAX_COLUMNS`] columns, [`MAX_CELLS`] non-empty cells.
fn check_size(
    name: &Path,
    line: u32,
    record: &csv::StringRecord,
    cells_read: &mut usize,
) -> Result<()> {
    let too_large = |what: String, limit: String| Error::InputTooLarge {
        place: format!("`{}`, row {line}", name.display()),
        what,
        limit,
        hint: "a survey table has a few dozen columns; is the delimiter right?",
    };
    let columns = record.len();
    if columns > MAX_COLUMNS as usize {
        return Err(too_large(
            format!("has {columns} columns"),
            format!("{MAX_COLUMNS} columns"),
        ));
    }
    *cells_read += record.iter().filter(|f| !f.trim().is_empty()).count();
    if *cells_read > MAX_CELLS {
        return Err(too_large(
            format!("brings the file's non-empty cells to {cells_read}"),
            format!("{MAX_CELLS} cells"),
        ));
    }
    Ok(())
}

/// Line ends in `bytes[range]` as the CSV reader (and a spreadsheet) splits lines: `\r\n`, `\n`
/// or a lone `\r` (old Mac files). A `\r` at the end of the range whose `\n` lies just past it is
/// left for the next range to count.
fn count_line_ends(bytes: &[u8], range: std::ops::Range<usize>) -> u32 {
    let lone_cr = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    let count = range.filter(|&i| bytes[i] == b'\n' || lone_cr(i)).count();
    u32::try_from(count).unwrap_or(u32::MAX)
}

/// Checks the encoding and strips a UTF-8 byte-order mark.
fn decode<'a>(name: &Path, bytes: &'a [u8]) -> Result<&'a str> {
    if bytes.is_empty() {
        return Err(Error::FileEmpty(name.to_path_buf()));
    }
    let encoding_error = |encoding: &str| Error::FileEncoding {
        path: name.to_path_buf(),
        encoding: encoding.to_string(),
    };
    if bytes.starts_with(&[0xFF, 0xFE]) {
        return Err(encoding_error("UTF-16LE (byte-order mark FF FE)"));
    }
    if bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(encoding_error("UTF-16BE (byte-order mark FE FF)"));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    let zeros = body.iter().take(4096).filter(|&&b| b == 0).count();
    if zeros > 0 {
        let sample = body.len().min(4096);
        let even_zeros = body
            .iter()
            .take(4096)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count();
        return Err(if zeros * 4 >= sample && even_zeros * 2 < zeros {
            encoding_error("UTF-16LE without a byte-order mark")
        } else if zeros * 4 >= sample {
            encoding_error("UTF-16BE without a byte-order mark")
        } else {
            encoding_error("binary data (NUL bytes), not text")
        });
    }
    std::str::from_utf8(body).map_err(|e| {
        let offset = e.valid_up_to();
        let line = body[..offset].iter().filter(|&&b| b == b'\n').count() + 1;
        let byte = body[offset];
        let control = body.iter().take(4096).filter(|&&b| b < 0x09 || (0x0E..0x20).contains(&b)).count();
        if control > 8 {
            encoding_error(&format!("binary data, not text (first invalid byte 0x{byte:02X} on line {line})"))
        } else {
            encoding_error(&format!(
                "a single-byte encoding such as Latin-1 or Windows-1252 (byte 0x{byte:02X} on line {line} is not UTF-8)"
            ))
        }
    })
}

/// Picks `,`, `;` or tab: the one most frequent outside quotes in the first non-empty line.
fn sniff_delimiter(text: &str) -> u8 {
    let line = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for ch in line.chars() {
        match ch {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => counts[0] += 1,
            ';' if !in_quotes => counts[1] += 1,
            '\t' if !in_quotes => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b',', b';', b'\t'];
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    if counts[best] == 0 {
        b','
    } else {
        candidates[best]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &[u8]) -> Result<RawTable> {
        read_csv(Path::new("t.csv"), text)
    }

    #[test]
    fn bom_is_stripped_and_quoted_names_keep_their_spaces() {
        let t = read(b"\xEF\xBB\xBFSurvey Year,Country Name\r\n2005,\"Albania \"\r\n").unwrap();
        assert_eq!(t.rows[0].cells[0], Cell::Text("Survey Year".into()));
        assert_eq!(t.rows[1].cells[1], Cell::Text("Albania ".into()));
        assert_eq!(t.rows[1].number, 2);
    }

    #[test]
    fn semicolons_are_sniffed() {
        let t = read(b"CODE;NAME;REGION\nAFG;Afghanistan;Asia\n").unwrap();
        assert_eq!(t.rows[1].cells.len(), 3);
    }

    #[test]
    fn a_comma_inside_quotes_does_not_count_as_a_delimiter() {
        assert_eq!(sniff_delimiter("\"Korea, South\";x;y\n"), b';');
    }

    #[test]
    fn blank_lines_keep_the_row_numbers_of_later_rows() {
        let t = read(b"a,b\n\n1,2\n").unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[1].number, 3);
    }

    #[test]
    fn crlf_rows_and_multi_line_cells_are_numbered_by_their_first_line() {
        let t = read(b"a,b\r\n1,\"x\r\ny\"\r\n\r\n2,z\r\n").unwrap();
        let numbers: Vec<u32> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 5]);
    }

    // See: fuzz crash csv_reader (two records of a CR-only file got the same row number).
    #[test]
    fn lone_carriage_returns_end_lines_as_the_reader_splits_them() {
        let t = read(b"a,b\r1,2\r\r3,4\r\n5,6\n\r7,8").unwrap();
        let numbers: Vec<u32> = t.rows.iter().map(|r| r.number).collect();
        assert_eq!(numbers, [1, 2, 4, 5, 7]);
    }

    #[test]
    fn utf16_is_refused_naming_the_encoding() {
        let err = read(b"\xFF\xFEa\x00,\x00b\x00").unwrap_err().to_string();
        assert!(err.contains("UTF-16LE"), "{err}");
    }

    #[test]
    fn latin1_is_refused_naming_the_line() {
        let err = read(b"Country Name,EGDI\nC\xF4te d'Ivoire,0.3\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("Latin-1") && err.contains("line 2"), "{err}");
    }

    #[test]
    fn empty_and_blank_files_are_refused() {
        assert!(matches!(read(b""), Err(Error::FileEmpty(_))));
        assert!(matches!(
            read(b"\xEF\xBB\xBF \r\n"),
            Err(Error::FileEmpty(_))
        ));
    }
}
