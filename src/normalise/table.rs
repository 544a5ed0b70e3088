//! Reading the rows of one raw table, in the shape its [`Layout`] found, into facts.
//!
//! Consumes a [`RawTable`]; produces a [`TableOutcome`]: the facts with their cells, the aliases
//! used, region claims, warnings and errors. One row reader per [`Shape`] says which cells of a
//! row hold which (measure, year); everything after that (country, duplicates, values) is shared.

use super::columns::{HeaderSynonyms, recognise_measure};
use super::country::{Concordance, CountryId, MatchKind};
use super::layout::{IndicatorSource, Layout, NoLayout, Shape, find_layout, name_years};
use super::value::{ValueProblem, decimals, parse_value, parse_year};
use super::{EQUAL_TOLERANCE, Fact, FactKey, MAX_ERRORS, TableShape, TableSummary, YearSource};
use crate::error::{Diagnostic, Error, Result, echo};
use crate::ingest::{Cell, RawRow, RawTable};
use crate::model::{Measure, Region, Year};
use crate::source::{SourceRef, TableColumns};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// Everything read from one table.
pub(super) struct TableOutcome {
    pub(super) summary: TableSummary,
    pub(super) facts: Vec<(FactKey, Fact)>,
    /// Facts above their measure's range, kept until the row's EGDI says whether the UN computed
    /// with them (see `rules.rs`).
    pub(super) above_range: Vec<FactKey>,
    pub(super) aliases: Vec<(String, CountryId, SourceRef)>,
    pub(super) region_claims: Vec<(CountryId, String, SourceRef)>,
    pub(super) reference_regions: Vec<(CountryId, Region, SourceRef)>,
    pub(super) reference_incomes: Vec<(CountryId, &'static str, SourceRef)>,
    pub(super) rows_seen: Vec<(CountryId, Year)>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) errors: Vec<Error>,
}

/// One cell of a row to read: its column, the measure it holds and the survey year.
#[derive(Debug, Clone, Copy, PartialEq)]
struct ValueCell {
    col: usize,
    measure: Measure,
    year: Year,
}

/// The values a row gave, to tell an identical repeated row from a conflicting one.
type RowValues = Vec<(Measure, Year, Option<f64>)>;

/// What tells a repeated row: the year of a wide row, the year and measure of a long row, the
/// measure of a year-columns row.
type RowKey = (Option<Year>, Option<Measure>);

struct Reader<'a> {
    raw: &'a RawTable,
    layout: &'a Layout,
    /// The table with its headers, shared by the references to its cells.
    columns: Arc<TableColumns>,
    concordance: &'a Concordance,
    sheet_year: Option<Year>,
    name_year: Option<Year>,
    out: TableOutcome,
    /// First row of each (country, year, measure key) with the values it gave.
    seen: HashMap<(CountryId, RowKey), (SourceRef, RowValues)>,
    /// Rows equal to an earlier row of the same country (a table saved twice into itself).
    repeated_rows: usize,
    years: Vec<Year>,
    countries: Vec<CountryId>,
    unknown_measures: BTreeMap<String, SourceRef>,
}

/// Reads one table.
pub(super) fn read_table(
    raw: &RawTable,
    concordance: &Concordance,
    synonyms: &HeaderSynonyms,
) -> TableOutcome {
    let mut out = TableOutcome {
        summary: TableSummary {
            table: (*raw.table).clone(),
            shape: TableShape::Skipped,
            header_row: None,
            year_source: None,
            years: Vec::new(),
            countries: 0,
            measures: Vec::new(),
        },
        facts: Vec::new(),
        above_range: Vec::new(),
        aliases: Vec::new(),
        region_claims: Vec::new(),
        reference_regions: Vec::new(),
        reference_incomes: Vec::new(),
        rows_seen: Vec::new(),
        diagnostics: Vec::new(),
        errors: Vec::new(),
    };
    let layout = match find_layout(raw, synonyms) {
        Ok(layout) => layout,
        Err(NoLayout::Skip) => {
            out.diagnostics.push(Diagnostic::warning(
                &raw.table,
                format!(
                    "skipped: no country, code, measure or year column in the first {} rows \
                     (a cover or notes sheet?)",
                    super::layout::HEADER_SEARCH_ROWS
                ),
            ));
            return out;
        }
        Err(NoLayout::Error(e)) => {
            out.errors.push(e);
            return out;
        }
    };
    summarise_layout(&mut out.summary, raw, &layout);
    let (sheet_year, name_year) = name_years(&raw.table);
    if let Some(source) = year_source(&layout, sheet_year, name_year) {
        out.summary.year_source = source;
    } else {
        out.errors.push(Error::YearMissing {
            table: (*raw.table).clone(),
        });
        return out;
    }
    let mut reader = Reader {
        raw,
        columns: TableColumns::new(&raw.table, layout.headers.clone()),
        layout: &layout,
        concordance,
        sheet_year,
        name_year,
        out,
        seen: HashMap::new(),
        repeated_rows: 0,
        years: Vec::new(),
        countries: Vec::new(),
        unknown_measures: BTreeMap::new(),
    };
    for row in &raw.rows[layout.header_index + 1..] {
        if reader.out.errors.len() >= MAX_ERRORS {
            break;
        }
        reader.read_row(row);
    }
    reader.finish()
}

fn summarise_layout(summary: &mut TableSummary, raw: &RawTable, layout: &Layout) {
    summary.shape = match &layout.shape {
        Shape::Wide { .. } => TableShape::Wide,
        Shape::Long { .. } => TableShape::Long,
        Shape::YearColumns { .. } => TableShape::YearColumns,
        Shape::CountryReference => TableShape::CountryReference,
    };
    summary.header_row = Some(raw.rows[layout.header_index].number);
    let mut measures: Vec<Measure> = match &layout.shape {
        Shape::Wide { measures, .. } => measures.iter().map(|m| m.measure).collect(),
        Shape::YearColumns {
            indicator: IndicatorSource::Name(m),
            ..
        } => vec![*m],
        _ => Vec::new(),
    };
    measures.sort();
    measures.dedup();
    summary.measures = measures;
}

/// Where the survey years come from; `None` when some value has no year anywhere.
/// `Some(None)` for tables that need none (country references, year columns).
fn year_source(
    layout: &Layout,
    sheet_year: Option<Year>,
    name_year: Option<Year>,
) -> Option<Option<YearSource>> {
    let year_col = match &layout.shape {
        Shape::CountryReference => return Some(None),
        Shape::YearColumns { .. } => return Some(Some(YearSource::Header)),
        Shape::Wide { measures, .. } if measures.iter().all(|m| m.year.is_some()) => {
            return Some(Some(YearSource::Header));
        }
        Shape::Wide { year, .. } | Shape::Long { year, .. } => *year,
    };
    if year_col.is_some() {
        Some(Some(YearSource::Column))
    } else if sheet_year.is_some() {
        Some(Some(YearSource::SheetName))
    } else if name_year.is_some() {
        Some(Some(YearSource::FileName))
    } else {
        None
    }
}

impl Reader<'_> {
    fn cell(row: &RawRow, col: Option<usize>) -> &Cell {
        col.and_then(|c| row.cells.get(c)).unwrap_or(&Cell::Empty)
    }

    fn at(&self, row: &RawRow, col: usize) -> SourceRef {
        SourceRef::cell(&self.columns, row.number, col as u32)
    }

    fn read_row(&mut self, row: &RawRow) {
        let has_values = self.has_values(row);
        let country = match resolve_country(
            &self.columns,
            row,
            self.layout,
            self.concordance,
            &mut self.out.aliases,
        ) {
            Ok(Some(c)) => c,
            Ok(None) => {
                if has_values {
                    self.out.errors.push(Error::CountryEmpty {
                        at: SourceRef::row(&self.columns, row.number),
                    });
                }
                return;
            }
            Err(e) => {
                self.out.errors.push(e);
                return;
            }
        };
        self.countries.push(country);
        if self.layout.shape == Shape::CountryReference {
            self.read_reference(row, country);
            return;
        }
        let Some((key, cells)) = self.value_cells(row) else {
            return;
        };
        // One entry per (country, year) of the row, not per cell: the cells of a row mostly
        // share their year, and the entries are sorted once all tables are read.
        let row_start = self.out.rows_seen.len();
        for c in &cells {
            if !self.years.contains(&c.year) {
                self.years.push(c.year);
            }
            if !self.out.rows_seen[row_start..].contains(&(country, c.year)) {
                self.out.rows_seen.push((country, c.year));
            }
        }
        if let Some(col) = self.layout.region {
            let text = Self::cell(row, Some(col)).text();
            if !text.trim().is_empty() {
                let at = self.at(row, col);
                self.out
                    .region_claims
                    .push((country, text.trim().to_string(), at));
            }
        }
        self.read_values(row, country, key, &cells);
    }

    fn has_values(&self, row: &RawRow) -> bool {
        let cols: Vec<usize> = match &self.layout.shape {
            Shape::Wide { measures, .. } => measures.iter().map(|m| m.col).collect(),
            Shape::Long { value, .. } => vec![*value],
            Shape::YearColumns { years, .. } => years.iter().map(|(c, _)| *c).collect(),
            Shape::CountryReference => self
                .layout
                .region
                .into_iter()
                .chain(self.layout.income)
                .collect(),
        };
        cols.iter().any(|c| !Self::cell(row, Some(*c)).is_blank())
    }

    fn read_reference(&mut self, row: &RawRow, country: CountryId) {
        if let Some(col) = self.layout.region {
            let text = Self::cell(row, Some(col)).text();
            if !text.trim().is_empty() {
                let at = self.at(row, col);
                match Region::parse(&text) {
                    Some(region) => self.out.reference_regions.push((country, region, at)),
                    None => self.out.errors.push(Error::RegionUnknown { at, text }),
                }
            }
        }
        if let Some(col) = self.layout.income {
            let text = Self::cell(row, Some(col)).text();
            if !text.trim().is_empty() {
                let at = self.at(row, col);
                match super::country::parse_income(&text) {
                    Some(income) => self.out.reference_incomes.push((country, income, at)),
                    None => self.out.errors.push(Error::IncomeUnknown { at, text }),
                }
            }
        }
    }

    /// The row's survey year (its year cell, else the sheet or file name's year).
    fn row_year(&mut self, row: &RawRow, year_col: Option<usize>) -> Option<Year> {
        let Some(col) = year_col else {
            return self.name_year;
        };
        let at = self.at(row, col);
        match parse_year(Self::cell(row, Some(col))) {
            Ok(Some(year)) => {
                if let Some(sheet) = self.sheet_year
                    && sheet != year
                {
                    self.out.errors.push(Error::YearConflict {
                        at,
                        column_year: i64::from(year),
                        name_year: i64::from(sheet),
                    });
                    return None;
                }
                Some(year)
            }
            Ok(None) => {
                if self.name_year.is_none() {
                    self.out.errors.push(Error::YearUnparseable {
                        at,
                        text: String::new(),
                    });
                }
                self.name_year
            }
            Err(text) => {
                self.out.errors.push(Error::YearUnparseable { at, text });
                None
            }
        }
    }

    /// The row reader of each shape: which cells hold which (measure, year), and the key that
    /// tells a repeated row (year for wide rows, year and measure for long rows).
    fn value_cells(&mut self, row: &RawRow) -> Option<(RowKey, Vec<ValueCell>)> {
        match &self.layout.shape {
            Shape::Wide { year, measures } => {
                let needs_row_year = measures.iter().any(|m| m.year.is_none());
                let row_year = if needs_row_year {
                    Some(self.row_year(row, *year)?)
                } else {
                    None
                };
                let cells = measures
                    .iter()
                    .map(|m| ValueCell {
                        col: m.col,
                        measure: m.measure,
                        year: m.year.or(row_year).expect("a year for every column"),
                    })
                    .collect();
                Some(((row_year, None), cells))
            }
            Shape::Long {
                year,
                measure,
                value,
            } => {
                let (year, measure_col, value) = (*year, *measure, *value);
                let row_year = self.row_year(row, year)?;
                let measure = self.measure_named(row, measure_col, None)?;
                let cell = ValueCell {
                    col: value,
                    measure,
                    year: row_year,
                };
                Some(((Some(row_year), Some(measure)), vec![cell]))
            }
            Shape::YearColumns { indicator, years } => {
                let measure = match *indicator {
                    IndicatorSource::Name(m) => m,
                    IndicatorSource::Column { code, label } => {
                        self.measure_named(row, code, label)?
                    }
                };
                let cells = years
                    .iter()
                    .map(|&(col, year)| ValueCell { col, measure, year })
                    .collect();
                Some(((None, Some(measure)), cells))
            }
            Shape::CountryReference => None,
        }
    }

    /// The measure a row's indicator cell (or its label) names; unknown names are collected
    /// into one warning per name and their rows skipped.
    fn measure_named(&mut self, row: &RawRow, col: usize, label: Option<usize>) -> Option<Measure> {
        let name = Self::cell(row, Some(col)).text();
        let by_label = || label.and_then(|l| recognise_measure(&Self::cell(row, Some(l)).text()));
        if let Some(m) = recognise_measure(&name).or_else(by_label) {
            return Some(m);
        }
        if !name.trim().is_empty() {
            let at = self.at(row, col);
            self.unknown_measures
                .entry(name.trim().to_string())
                .or_insert(at);
        }
        None
    }

    fn read_values(&mut self, row: &RawRow, country: CountryId, key: RowKey, cells: &[ValueCell]) {
        let mut parsed: Vec<(ValueCell, Option<f64>, u8)> = Vec::with_capacity(cells.len());
        for &c in cells {
            let cell = Self::cell(row, Some(c.col));
            match parse_value(cell) {
                Ok(v) => parsed.push((c, v, v.map_or(0, |v| decimals(cell, v)))),
                Err(ValueProblem::NotNumeric(text)) => {
                    let at = self.at(row, c.col);
                    self.out.errors.push(Error::ValueNotNumeric { at, text });
                    return;
                }
            }
        }
        let values: RowValues = parsed
            .iter()
            .map(|(c, v, _)| (c.measure, c.year, *v))
            .collect();
        let row_ref = SourceRef::row(&self.columns, row.number);
        if let Some((first, first_values)) = self.seen.get(&(country, key)) {
            if same_values(first_values, &values) {
                self.repeated_rows += 1;
            } else {
                self.out.errors.push(Error::CountryDuplicated {
                    country: self.concordance.get(country).name_en.clone(),
                    year: key.0.map_or_else(|| "every year".into(), |y| y.to_string()),
                    first: first.clone(),
                    second: row_ref,
                });
            }
            return;
        }
        self.seen.insert((country, key), (row_ref, values));
        for (c, value, decimals) in parsed {
            let Some(v) = value else { continue };
            let at = self.at(row, c.col);
            let (min, max) = c.measure.range();
            if v < min || !v.is_finite() {
                self.out.errors.push(Error::ValueOutOfRange {
                    at,
                    value: v,
                    measure: c.measure.key().to_string(),
                    min,
                    max,
                });
                continue;
            }
            let key = (country, c.year, c.measure);
            if v > max {
                self.out.above_range.push(key);
            }
            self.out.facts.push((
                key,
                Fact {
                    value: v,
                    decimals,
                    source: at,
                    order: 0,
                },
            ));
        }
    }

    fn finish(mut self) -> TableOutcome {
        let raw = self.raw;
        let shape = &self.layout.shape;
        // A survey table that yields nothing is most likely a truncated or unfinished export;
        // running without it would silently change the survey years and the panel.
        if *shape != Shape::CountryReference
            && self.out.facts.is_empty()
            && self.out.errors.is_empty()
        {
            self.out.errors.push(Error::SurveyTableEmpty {
                table: (*raw.table).clone(),
                header_row: raw.rows[self.layout.header_index].number,
                rows: raw.rows.len() - self.layout.header_index - 1,
            });
        }
        if self.repeated_rows > 0 {
            self.out.diagnostics.push(Diagnostic::warning(
                &raw.table,
                format!(
                    "{} {} repeat earlier rows value for value (the table was saved twice into \
                     itself?); each was read once",
                    self.repeated_rows,
                    if self.repeated_rows == 1 {
                        "row"
                    } else {
                        "rows"
                    }
                ),
            ));
        }
        for (name, source) in std::mem::take(&mut self.unknown_measures) {
            self.out.diagnostics.push(Diagnostic::warning(
                &source,
                format!(
                    "measure `{}` is not one this tool reads; its rows were skipped",
                    echo(&name)
                ),
            ));
        }
        if let Shape::YearColumns { .. } | Shape::Long { .. } = shape {
            let mut m: Vec<Measure> = self.out.facts.iter().map(|(k, _)| k.2).collect();
            m.sort();
            m.dedup();
            self.out.summary.measures = m;
        }
        self.years.sort();
        self.countries.sort();
        self.countries.dedup();
        self.out.summary.years = self.years;
        self.out.summary.countries = self.countries.len();
        self.out
    }
}

fn same_values(a: &RowValues, b: &RowValues) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.0 == y.0
                && x.1 == y.1
                && match (x.2, y.2) {
                    (None, None) => true,
                    (Some(p), Some(q)) => (p - q).abs() < EQUAL_TOLERANCE,
                    _ => false,
                }
        })
}

/// Resolves the row's country from its code and/or name. `Ok(None)` when both are blank.
fn resolve_country(
    columns: &Arc<TableColumns>,
    row: &RawRow,
    layout: &Layout,
    concordance: &Concordance,
    aliases: &mut Vec<(String, CountryId, SourceRef)>,
) -> Result<Option<CountryId>> {
    let text_of = |c: Option<usize>| -> Option<(usize, String)> {
        let c = c?;
        let t = row.cells.get(c).map(Cell::text).unwrap_or_default();
        let t = t.trim().to_string();
        if t.is_empty() { None } else { Some((c, t)) }
    };
    let at = |c: usize| SourceRef::cell(columns, row.number, c as u32);
    let name = text_of(layout.name);
    let code = text_of(layout.code);
    let name_match = name.as_ref().map(|(c, t)| (c, t, concordance.lookup(t)));
    let code_match = code
        .as_ref()
        .map(|(c, t)| (c, t, concordance.lookup_code(t)));

    let unknown = |col: usize, text: &str| Error::CountryUnknown {
        at: at(col),
        name: text.to_string(),
        suggestions: concordance
            .closest(text)
            .iter()
            .map(|n| format!("`{n}`"))
            .collect::<Vec<_>>()
            .join(", "),
    };
    let chosen = match (&code_match, &name_match) {
        (None, None) => return Ok(None),
        (Some((_, code_text, Some((code_id, _)))), Some((_, name_text, Some((name_id, _))))) => {
            if code_id != name_id {
                return Err(Error::CountryMismatch {
                    at: SourceRef::row(columns, row.number),
                    code: (*code_text).clone(),
                    code_country: concordance.get(*code_id).name_en.clone(),
                    name: (*name_text).clone(),
                    name_country: concordance.get(*name_id).name_en.clone(),
                });
            }
            *code_id
        }
        (Some((_, _, Some((id, _)))), _) => *id,
        (_, Some((_, _, Some((id, _))))) => *id,
        (_, Some((col, text, None))) => return Err(unknown(**col, text)),
        (Some((col, text, None)), None) => return Err(unknown(**col, text)),
    };
    for m in [&code_match, &name_match].into_iter().flatten() {
        if let (col, text, Some((_, MatchKind::Alias))) = m {
            aliases.push(((*text).clone(), chosen, at(**col)));
        }
    }
    Ok(Some(chosen))
}
