//! Sizes a workbook declares, checked before calamine allocates from them.
//!
//! calamine reserves memory from counts written in the file: an xlsx's shared-string
//! `uniqueCount`, an xls sheet's DIMENSIONS record, an ods row or cell repeated N times. A file of
//! a few kilobytes can declare terabytes, and a failed allocation aborts the process. These checks
//! read the declarations with a bound and refuse a file whose declarations pass the limits below.
//! A file these checks cannot parse is left for calamine to report as unreadable.

use std::io::{Cursor, Read};
use std::path::Path;

use quick_xml::events::Event;

use crate::error::{Error, Result};

/// The most unique shared strings an xlsx may declare (calamine reserves 24 bytes per string).
const MAX_SHARED_STRINGS: u64 = 4_000_000;
/// The most bytes the parts of one zipped workbook may hold once unzipped.
const MAX_UNZIPPED_BYTES: u64 = 512 << 20;
/// The most cells a sheet's dense range may cover where calamine builds one (xls and ods):
/// about 200 MB at calamine's 56 bytes per cell of values and formulas.
const MAX_DENSE_CELLS: u64 = 4_000_000;
/// The most bytes of text that ods cell repetition may expand to.
const MAX_REPEATED_TEXT: u64 = 256 << 20;
/// calamine's ods limits, which it caps repetitions to.
const ODS_MAX_ROWS: u64 = 1_048_576;
const ODS_MAX_COLUMNS: u64 = 16_384;

/// Checks what a workbook of format `ext` declares.
///
/// # Errors
/// [`Error::InputTooLarge`] naming the file, what it declares and the limit.
pub(super) fn check(name: &Path, ext: &str, bytes: &[u8]) -> Result<()> {
    let too_large = |what: String, limit: String| Error::InputTooLarge {
        place: format!("`{}`", name.display()),
        what,
        limit,
        hint: "the file is damaged or crafted; save it again from a spreadsheet program",
    };
    match ext {
        "xlsx" | "xlsm" | "xlsb" | "ods" => {
            let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(bytes)) else {
                return Ok(());
            };
            let unzipped: u64 = (0..zip.len())
                .filter_map(|i| zip.by_index_raw(i).ok().map(|f| f.size()))
                .fold(0, u64::saturating_add);
            if unzipped > MAX_UNZIPPED_BYTES {
                return Err(too_large(
                    format!("unzips to {unzipped} bytes"),
                    format!("{MAX_UNZIPPED_BYTES} bytes"),
                ));
            }
            if ext == "ods" {
                check_ods(&mut zip).map_err(|(what, limit)| too_large(what, limit))
            } else {
                check_shared_strings(&mut zip).map_err(|(what, limit)| too_large(what, limit))
            }
        }
        "xls" => check_xls(bytes).map_err(|(what, limit)| too_large(what, limit)),
        _ => Ok(()),
    }
}

/// What a file declares and the limit it passes, for [`Error::InputTooLarge`].
type Refusal = (String, String);

fn check_shared_strings(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), Refusal> {
    let names: Vec<String> = zip
        .file_names()
        .filter_map(|n| n.ok().map(|n| n.into_owned()))
        .filter(|n| n.to_ascii_lowercase().ends_with("sharedstrings.xml"))
        .collect();
    for name in names {
        let Ok(part) = zip.by_name(&name) else {
            continue;
        };
        let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part.take(1 << 16)));
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf) {
                Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == "sst" => {
                    let count = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "uniqueCount")
                        .and_then(|a| a.value.trim().parse::<u64>().ok());
                    if let Some(n) = count
                        && n > MAX_SHARED_STRINGS
                    {
                        return Err((
                            format!("declares {n} shared strings (`uniqueCount` in `{name}`)"),
                            format!("{MAX_SHARED_STRINGS} shared strings"),
                        ));
                    }
                    break;
                }
                Ok(Event::Eof) | Err(_) => break,
                Ok(_) => {}
            }
            buf.clear();
        }
    }
    Ok(())
}

/// How one ods table grows once calamine expands its repetitions.
#[derive(Default)]
struct OdsTable {
    /// Expanded rows so far.
    rows: u64,
    /// Expanded rows from the first non-empty row to the end of the last one.
    first_filled: Option<u64>,
    last_filled: u64,
    /// The widest row, in materialised cells.
    width: u64,
    /// Cells materialised before the dense range is built (once per written row).
    raw_cells: u64,
    /// Bytes of text after repetition.
    text: u64,
}

/// The state of the row and cell being read.
#[derive(Default)]
struct OdsRow {
    repeats: u64,
    width: u64,
    pending_empty: u64,
    filled: bool,
    cell_repeats: u64,
    cell_filled: bool,
    cell_text: u64,
    in_cell: bool,
}

fn repeat_attr(e: &quick_xml::events::BytesStart<'_>, key: &str) -> u64 {
    e.attributes()
        .flatten()
        .find(|a| a.key.as_ref() == key)
        .and_then(|a| a.value.trim().parse::<u64>().ok())
        .unwrap_or(1)
        .max(1)
}

fn check_ods(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), Refusal> {
    let Ok(part) = zip.by_name("content.xml") else {
        return Ok(());
    };
    let mut xml = quick_xml::Reader::from_reader(std::io::BufReader::new(part));
    let mut buf = Vec::new();
    let mut table = OdsTable::default();
    let mut row = OdsRow::default();
    loop {
        let event = match xml.read_event_into(&mut buf) {
            Ok(Event::Eof) | Err(_) => return Ok(()),
            Ok(e) => e,
        };
        let empty_element = matches!(event, Event::Empty(_));
        match event {
            Event::Start(e) | Event::Empty(e) => match e.name().as_ref() {
                "table:table" => table = OdsTable::default(),
                "table:table-row" => {
                    row = OdsRow {
                        repeats: repeat_attr(&e, "table:number-rows-repeated")
                            .min(ODS_MAX_ROWS.saturating_sub(table.rows)),
                        ..OdsRow::default()
                    };
                }
                "table:table-cell" | "table:covered-table-cell" => {
                    row.cell_repeats = repeat_attr(&e, "table:number-columns-repeated");
                    row.cell_filled = e.attributes().flatten().any(|a| {
                        let k = a.key.as_ref();
                        k.starts_with("office:") || k == "table:formula"
                    });
                    row.cell_text = 0;
                    row.in_cell = !empty_element;
                    if empty_element {
                        end_cell(&mut row, &mut table);
                    }
                }
                _ => {}
            },
            Event::Text(t) if row.in_cell => {
                row.cell_text += t.len() as u64;
                row.cell_filled |= !t.trim().is_empty();
            }
            Event::End(e) => match e.name().as_ref() {
                "table:table-cell" | "table:covered-table-cell" => {
                    end_cell(&mut row, &mut table);
                }
                "table:table-row" => end_row(&row, &mut table),
                _ => {}
            },
            _ => {}
        }
        let dense = table.first_filled.map_or(0, |first| {
            (table.last_filled - first).saturating_mul(table.width)
        });
        if dense > MAX_DENSE_CELLS || table.raw_cells > MAX_DENSE_CELLS {
            return Err((
                format!(
                    "has a table whose repeated rows and cells expand to at least {dense} cells"
                ),
                format!("{MAX_DENSE_CELLS} cells"),
            ));
        }
        if table.text > MAX_REPEATED_TEXT {
            return Err((
                format!(
                    "has a table whose repeated cells expand to {} bytes of text",
                    table.text
                ),
                format!("{MAX_REPEATED_TEXT} bytes"),
            ));
        }
        buf.clear();
    }
}

fn end_cell(row: &mut OdsRow, table: &mut OdsTable) {
    if !row.in_cell && row.cell_repeats == 0 {
        return;
    }
    let repeats = row.cell_repeats.max(1);
    if row.cell_filled {
        // calamine writes the empty cells before a filled one, then the filled one N times.
        row.width = (row.width + row.pending_empty + repeats).min(ODS_MAX_COLUMNS);
        row.pending_empty = 0;
        row.filled = true;
        let copies = repeats.saturating_mul(row.repeats.max(1));
        table.text = table
            .text
            .saturating_add(row.cell_text.saturating_mul(copies));
    } else {
        row.pending_empty = row.pending_empty.saturating_add(repeats);
    }
    row.cell_repeats = 0;
    row.in_cell = false;
}

fn end_row(row: &OdsRow, table: &mut OdsTable) {
    let start = table.rows;
    table.rows = table.rows.saturating_add(row.repeats);
    table.raw_cells = table.raw_cells.saturating_add(row.width);
    if row.filled {
        table.first_filled.get_or_insert(start);
        table.last_filled = table.rows;
        table.width = table.width.max(row.width);
    }
}

/// Reads the DIMENSIONS records of every sheet of an xls workbook.
fn check_xls(bytes: &[u8]) -> Result<(), Refusal> {
    let Some(stream) = cfb_stream(bytes, &["Workbook", "Book"]) else {
        return Ok(());
    };
    let mut starts = vec![0usize];
    let mut i = 0;
    while i < starts.len() {
        let mut pos = starts[i];
        i += 1;
        while pos + 4 <= stream.len() {
            let typ = u16::from_le_bytes([stream[pos], stream[pos + 1]]);
            let len = usize::from(u16::from_le_bytes([stream[pos + 2], stream[pos + 3]]));
            let Some(data) = stream.get(pos + 4..pos + 4 + len) else {
                break;
            };
            match typ {
                // BoundSheet8: where a sheet's substream starts.
                0x0085 if data.len() >= 4 && starts.len() < 4096 => {
                    let at = u32::from_le_bytes([data[0], data[1], data[2], data[3]]) as usize;
                    if at != 0 && !starts.contains(&at) {
                        starts.push(at);
                    }
                }
                0x0200 => check_dimensions(data)?,
                // EOF of a substream.
                0x000A if pos != 0 && i > 1 => break,
                _ => {}
            }
            pos += 4 + len;
        }
    }
    Ok(())
}

/// A DIMENSIONS record, read as calamine reads it (`parse_dimensions` in its `xls.rs`).
fn check_dimensions(r: &[u8]) -> Result<(), Refusal> {
    let u16_at = |i: usize| u64::from(u16::from_le_bytes([r[i], r[i + 1]]));
    let u32_at = |i: usize| u64::from(u32::from_le_bytes([r[i], r[i + 1], r[i + 2], r[i + 3]]));
    let (first_row, rows_end, mut first_col, cols_end) = match r.len() {
        10 => (u16_at(0), u16_at(2), u16_at(4), u16_at(6)),
        14 | 16 => (u32_at(0), u32_at(4), u16_at(8), u16_at(10)),
        _ => return Ok(()),
    };
    if first_col > 0xFF || cols_end < first_col {
        first_col = 0;
    }
    if rows_end == 0 || cols_end == 0 {
        return Ok(());
    }
    let rows = rows_end.checked_sub(first_row).unwrap_or(u64::MAX);
    let cols = cols_end.checked_sub(first_col).unwrap_or(u64::MAX);
    let cells = rows.saturating_mul(cols);
    if rows == 0 || cols == 0 || cells > MAX_DENSE_CELLS {
        return Err((
            format!(
                "declares a sheet of rows {first_row} to {rows_end} and columns {first_col} to \
                 {cols_end} (a DIMENSIONS record)"
            ),
            format!("{MAX_DENSE_CELLS} cells"),
        ));
    }
    Ok(())
}

/// The bytes of the first of `names` in a compound file (the container of xls), or `None` when
/// the file is not one this reader understands.
fn cfb_stream(bytes: &[u8], names: &[&str]) -> Option<Vec<u8>> {
    const SIGNATURE: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
    const END: u32 = 0xFFFF_FFFE;
    if bytes.len() < 512 || bytes[..8] != SIGNATURE {
        return None;
    }
    let u16_at = |i: usize| u16::from_le_bytes([bytes[i], bytes[i + 1]]);
    let u32_at = |b: &[u8], i: usize| -> Option<u32> {
        Some(u32::from_le_bytes(b.get(i..i + 4)?.try_into().ok()?))
    };
    let shift = u32::from(u16_at(0x1E));
    if !(7..=16).contains(&shift) {
        return None;
    }
    let size = 1usize << shift;
    let sectors = bytes.len() / size;
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..start.checked_add(size)?)
    };
    // The FAT: its sector numbers are in the header, then in a chain of DIFAT sectors.
    let mut fat_ids: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(bytes, 0x4C + 4 * i))
        .collect();
    let mut difat = u32_at(bytes, 0x44)?;
    let mut hops = 0;
    while difat < END && hops <= sectors {
        let s = sector(difat)?;
        fat_ids.extend((0..size / 4 - 1).filter_map(|i| u32_at(s, 4 * i)));
        difat = u32_at(s, size - 4)?;
        hops += 1;
    }
    let mut fat = Vec::new();
    for id in fat_ids.into_iter().filter(|&id| id < END).take(sectors) {
        let s = sector(id)?;
        fat.extend((0..size / 4).filter_map(|i| u32_at(s, 4 * i)));
    }
    // A chain of sectors, followed through `table`; a loop ends after as many hops as the
    // table has entries.
    let chain = |start: u32, table: &[u32], read: &dyn Fn(u32) -> Option<Vec<u8>>| {
        let mut out = Vec::new();
        let mut id = start;
        let mut hops = 0;
        while id < END && hops <= table.len() {
            out.extend(read(id)?);
            id = *table.get(id as usize)?;
            hops += 1;
        }
        Some(out)
    };
    let read_sector = |id: u32| sector(id).map(<[u8]>::to_vec);
    let directory = chain(u32_at(bytes, 0x30)?, &fat, &read_sector)?;
    let entries: Vec<&[u8]> = directory.chunks_exact(128).collect();
    let root = entries.first()?;
    let name_of = |e: &[u8]| -> String {
        let len = usize::from(u16::from_le_bytes([e[64], e[65]])).min(64);
        let units: Vec<u16> = e[..len]
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        String::from_utf16_lossy(&units)
    };
    let entry = names.iter().find_map(|n| {
        entries
            .iter()
            .find(|e| e[66] == 2 && name_of(e).eq_ignore_ascii_case(n))
    })?;
    let start = u32_at(entry, 116)?;
    let len = u32_at(entry, 120)? as usize;
    let cutoff = u32_at(bytes, 0x38)? as usize;
    let mut data = if len < cutoff {
        let mini_shift = u32::from(u16_at(0x20));
        if mini_shift > shift {
            return None;
        }
        let mini = 1usize << mini_shift;
        let mini_stream = chain(u32_at(root, 116)?, &fat, &read_sector)?;
        let minifat_bytes = chain(u32_at(bytes, 0x3C)?, &fat, &read_sector)?;
        let minifat: Vec<u32> = (0..minifat_bytes.len() / 4)
            .filter_map(|i| u32_at(&minifat_bytes, 4 * i))
            .collect();
        let read_mini = |id: u32| {
            let at = (id as usize).checked_mul(mini)?;
            mini_stream.get(at..at + mini).map(<[u8]>::to_vec)
        };
        chain(start, &minifat, &read_mini)?
    } else {
        chain(start, &fat, &read_sector)?
    };
    data.truncate(len);
    Some(data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dimensions_record_of_four_billion_rows_is_refused() {
        let mut r = Vec::new();
        r.extend(0u32.to_le_bytes());
        r.extend(u32::MAX.to_le_bytes());
        r.extend(0u16.to_le_bytes());
        r.extend(10u16.to_le_bytes());
        r.extend(0u16.to_le_bytes());
        let (what, limit) = check_dimensions(&r).unwrap_err();
        assert!(what.contains("rows 0 to 4294967295"), "{what}");
        assert_eq!(limit, "4000000 cells");
        let mut ok = Vec::new();
        ok.extend(0u32.to_le_bytes());
        ok.extend(200u32.to_le_bytes());
        ok.extend(0u16.to_le_bytes());
        ok.extend(30u16.to_le_bytes());
        ok.extend(0u16.to_le_bytes());
        assert!(check_dimensions(&ok).is_ok());
    }

    #[test]
    fn a_row_whose_first_row_passes_its_last_is_refused() {
        let mut r = Vec::new();
        r.extend(500u32.to_le_bytes());
        r.extend(10u32.to_le_bytes());
        r.extend(0u16.to_le_bytes());
        r.extend(3u16.to_le_bytes());
        r.extend(0u16.to_le_bytes());
        assert!(check_dimensions(&r).is_err());
    }

    #[test]
    fn bytes_that_are_no_compound_file_give_no_stream() {
        assert!(cfb_stream(b"not a compound file", &["Workbook"]).is_none());
        assert!(cfb_stream(&[0u8; 1024], &["Workbook"]).is_none());
    }
}
