//! Finding a table's header row and the shape it announces.
//!
//! Consumes one [`RawTable`] and the configured header names; produces a [`Layout`]: the header
//! row, the country columns and a [`Shape`] that carries the columns its row reader needs. A
//! new input shape is one more [`Shape`] variant and one row reader in `table.rs`.

use std::collections::HashMap;
use std::sync::Arc;

use super::columns::{ColumnRole, HeaderMeaning, HeaderSynonyms, recognise_measure};
use super::value::year_in_name;
use crate::error::{Error, echo};
use crate::ingest::{Cell, RawRow, RawTable};
use crate::model::{Measure, Year};
use crate::source::{TableRef, column_letter};

/// How many top rows are searched for the header (title rows above it are skipped).
pub(super) const HEADER_SEARCH_ROWS: usize = 30;

/// A measure column of a wide table; `year` when the header carries it (`EGDI 2016`).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct MeasureColumn {
    /// The column (0-based).
    pub col: usize,
    /// The measure it holds.
    pub measure: Measure,
    /// The survey year written in the header, if any.
    pub year: Option<Year>,
}

/// Where the measure of a year-columns table comes from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum IndicatorSource {
    /// An indicator code column, with its label column when there is one.
    Column {
        /// The code column (`INDICATOR`).
        code: usize,
        /// The label column (`INDICATOR_LABEL`).
        label: Option<usize>,
    },
    /// The sheet or file name names the measure (`UN_EGDI_OSI.csv`).
    Name(Measure),
}

/// The shape of a table and the columns its rows are read from.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Shape {
    /// One row per country (and year), one column per measure.
    Wide {
        /// The year column, if any.
        year: Option<usize>,
        /// The measure columns, in column order.
        measures: Vec<MeasureColumn>,
    },
    /// Columns year, country, measure, value.
    Long {
        /// The year column, if any.
        year: Option<usize>,
        /// The measure name column.
        measure: usize,
        /// The value column.
        value: usize,
    },
    /// One column per survey year (`2003`, `2004`, ...), one indicator per row or per table.
    YearColumns {
        /// Where the measure comes from.
        indicator: IndicatorSource,
        /// The year columns, in column order.
        years: Vec<(usize, Year)>,
    },
    /// Countries with their regions or income groups, no measures.
    CountryReference,
}

/// What was recognised in a table's header row.
#[derive(Debug, Clone)]
pub(super) struct Layout {
    /// The header's index among the table's rows.
    pub header_index: usize,
    /// The header cells as text.
    pub headers: Vec<Arc<str>>,
    /// The country name column.
    pub name: Option<usize>,
    /// The country code column.
    pub code: Option<usize>,
    /// The region column.
    pub region: Option<usize>,
    /// The income group column (read in country reference tables only).
    pub income: Option<usize>,
    /// The shape and its columns.
    pub shape: Shape,
}

/// The roles found in one candidate header row, before a shape is chosen.
#[derive(Default)]
struct Found {
    headers: Vec<Arc<str>>,
    year: Option<usize>,
    name: Option<usize>,
    code: Option<usize>,
    region: Option<usize>,
    income: Option<usize>,
    long_measure: Option<usize>,
    long_value: Option<usize>,
    label: Option<usize>,
    measures: Vec<MeasureColumn>,
    year_columns: Vec<(usize, Year)>,
}

impl Found {
    fn has_country(&self) -> bool {
        self.name.is_some() || self.code.is_some()
    }

    /// Whether something in the row looks like data to read (a measure or survey years).
    fn looks_like_data(&self) -> bool {
        !self.measures.is_empty() || self.year_columns.len() >= 2
    }

    /// The shape these columns make, with the measure of a year-columns table taken from the
    /// table's name when no indicator column names it.
    fn shape(&self, name_measure: Option<Measure>) -> Option<Shape> {
        if !self.measures.is_empty() {
            return Some(Shape::Wide {
                year: self.year,
                measures: self.measures.clone(),
            });
        }
        if let (Some(measure), Some(value)) = (self.long_measure, self.long_value) {
            return Some(Shape::Long {
                year: self.year,
                measure,
                value,
            });
        }
        if !self.year_columns.is_empty() {
            let indicator = match (self.long_measure, name_measure) {
                (Some(code), _) => IndicatorSource::Column {
                    code,
                    label: self.label,
                },
                (None, Some(m)) => IndicatorSource::Name(m),
                (None, None) => return None,
            };
            return Some(Shape::YearColumns {
                indicator,
                years: self.year_columns.clone(),
            });
        }
        self.region.or(self.income).map(|_| Shape::CountryReference)
    }
}

fn header_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Whether a row holds a fractional number: then it is data, never a header (headers hold
/// names and at most whole numbers such as years).
fn holds_fraction(row: &RawRow) -> bool {
    row.cells.iter().any(|c| match c {
        Cell::Number(n) => n.fract() != 0.0,
        Cell::Text(t) => t.trim().parse::<f64>().is_ok_and(|n| n.fract() != 0.0),
        _ => false,
    })
}

/// Reads the roles of one candidate header row; a role held by two columns is an error.
fn found_in(
    table: &TableRef,
    row: &RawRow,
    synonyms: &HeaderSynonyms,
) -> std::result::Result<Found, Error> {
    let headers: Vec<Arc<str>> = row
        .cells
        .iter()
        .map(|c| Arc::from(header_text(c).as_str()))
        .collect();
    let mut found = Found {
        headers: headers.clone(),
        ..Found::default()
    };
    let mut seen: HashMap<HeaderMeaning, usize> = HashMap::new();
    for (col, header) in headers.iter().enumerate() {
        let Some(meaning) = synonyms.meaning(header) else {
            continue;
        };
        if let Some(&first) = seen.get(&meaning) {
            let describe =
                |c: usize| format!("{} (`{}`)", column_letter(c as u32), echo(&headers[c]));
            return Err(Error::HeaderDuplicated {
                table: table.clone(),
                meaning: describe_meaning(meaning),
                first: describe(first),
                second: describe(col),
            });
        }
        seen.insert(meaning, col);
        match meaning {
            HeaderMeaning::Role(role) => match role {
                ColumnRole::Year => found.year = Some(col),
                ColumnRole::CountryName => found.name = Some(col),
                ColumnRole::CountryCode => found.code = Some(col),
                ColumnRole::Region => found.region = Some(col),
                ColumnRole::Income => found.income = Some(col),
                ColumnRole::LongMeasure => found.long_measure = Some(col),
                ColumnRole::LongValue => found.long_value = Some(col),
                ColumnRole::IndicatorLabel => found.label = Some(col),
                ColumnRole::Measure(measure) => found.measures.push(MeasureColumn {
                    col,
                    measure,
                    year: None,
                }),
            },
            HeaderMeaning::MeasureOfYear(measure, year) => {
                found.measures.push(MeasureColumn {
                    col,
                    measure,
                    year: Some(year),
                });
            }
            HeaderMeaning::YearColumn(year) => found.year_columns.push((col, year)),
        }
    }
    Ok(found)
}

fn describe_meaning(meaning: HeaderMeaning) -> String {
    match meaning {
        HeaderMeaning::Role(role) => role.describe(),
        HeaderMeaning::MeasureOfYear(m, y) => format!("{} {y}", m.key()),
        HeaderMeaning::YearColumn(y) => format!("the year {y}"),
    }
}

/// The measure a table's sheet or file name gives (`UN_EGDI_OSI.csv`, sheet `EGDI`), for
/// year-columns tables without an indicator column.
fn measure_in_name(table: &TableRef) -> Option<Measure> {
    let stem = |name: &str| {
        let name = std::path::Path::new(name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        recognise_measure(&name)
    };
    table
        .sheet
        .as_deref()
        .and_then(recognise_measure)
        .or_else(|| stem(&table.file))
}

/// Why no layout was taken.
pub(super) enum NoLayout {
    /// Nothing in the top rows looks like a country, code, measure or year column.
    Skip,
    /// An error naming the table and what is missing.
    Error(Error),
}

/// Finds the header: the first of the top rows that names a country column and something to
/// read. Rows holding fractional numbers are data, never headers.
///
/// # Errors
/// [`NoLayout::Error`] with [`Error::HeaderDuplicated`], [`Error::CountryColumnMissing`] (measures
/// or year columns but no country column) or [`Error::TableUnreadable`] (a country column and
/// nothing this tool can read beside it); [`NoLayout::Skip`] when nothing looks like data.
pub(super) fn find_layout(
    raw: &RawTable,
    synonyms: &HeaderSynonyms,
) -> std::result::Result<Layout, NoLayout> {
    let name_measure = measure_in_name(&raw.table);
    let mut data_without_country: Option<Found> = None;
    let mut country_without_data: Option<Found> = None;
    for (index, row) in raw.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        if holds_fraction(row) {
            continue;
        }
        let found = found_in(&raw.table, row, synonyms).map_err(NoLayout::Error)?;
        if found.has_country()
            && let Some(shape) = found.shape(name_measure)
        {
            return Ok(Layout {
                header_index: index,
                headers: found.headers,
                name: found.name,
                code: found.code,
                region: found.region,
                income: found.income,
                shape,
            });
        }
        if found.has_country() {
            country_without_data.get_or_insert(found);
        } else if found.looks_like_data()
            && data_without_country
                .as_ref()
                .is_none_or(|d| d.measures.len() < found.measures.len())
        {
            data_without_country = Some(found);
        }
    }
    if let Some(found) = data_without_country {
        let named: Vec<String> = found
            .measures
            .iter()
            .map(|m| m.col)
            .chain(found.year_columns.iter().map(|(c, _)| *c))
            .map(|c| format!("`{}`", echo(&found.headers[c])))
            .collect();
        return Err(NoLayout::Error(Error::CountryColumnMissing {
            table: (*raw.table).clone(),
            kind: if found.measures.is_empty() {
                "year columns"
            } else {
                "measure columns"
            },
            measures: named.join(", "),
        }));
    }
    if let Some(found) = country_without_data {
        let col = found.name.or(found.code).expect("has a country column");
        let missing = if found.year_columns.is_empty() {
            "no measure, value, year or region column".to_string()
        } else {
            // Year columns need the measure: from an indicator column or the table's name.
            "year columns but no indicator column, and the sheet and file names name no measure"
                .to_string()
        };
        return Err(NoLayout::Error(Error::TableUnreadable {
            table: (*raw.table).clone(),
            country_column: format!("{} (`{}`)", column_letter(col as u32), found.headers[col]),
            missing,
        }));
    }
    Err(NoLayout::Skip)
}

/// The survey year that the sheet name, else the file name, gives.
pub(super) fn name_years(table: &TableRef) -> (Option<Year>, Option<Year>) {
    let sheet_year = table.sheet.as_deref().and_then(year_in_name);
    let file_name = std::path::Path::new(&table.file)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    (sheet_year, sheet_year.or_else(|| year_in_name(&file_name)))
}
