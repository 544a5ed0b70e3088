//! Stage 2: interpret raw tables as countries, years and measures; build the fact table.
//!
//! Consumes [`Ingested`] and the [`Concordance`]; produces [`Normalised`]: one fact per (country,
//! survey year, measure), each remembering its source cell, plus the shape recognised for every
//! table, the aliases used and the region notes. It validates values (numeric, in range, no
//! duplicate country, no conflicting sources) and reports every problem found, not only the first.

pub mod columns;
pub mod country;
pub mod value;

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use self::columns::{ColumnRole, recognise, recognise_measure};
use self::country::{Concordance, CountryId, MatchKind};
use self::value::{ValueProblem, parse_value, parse_year, year_in_name};
use crate::error::{Diagnostic, Error, Result, echo};
use crate::ingest::{Cell, Ingested, RawRow, RawTable};
use crate::model::{Measure, Region, Year};
use crate::source::{SourceRef, TableRef, column_letter};

/// How many header rows are searched for the header (title rows above it are skipped).
const HEADER_SEARCH_ROWS: usize = 30;
/// Past this many errors the rest are not collected (one broken file can hold thousands).
const MAX_ERRORS: usize = crate::error::MAX_LISTED;
/// Two values closer than this are the same value (re-exports carry float noise).
pub const EQUAL_TOLERANCE: f64 = 1e-9;

/// One value of the fact table.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The value as parsed (never rounded).
    pub value: f64,
    /// The cell it came from (the first one in path order when sources agree).
    pub source: SourceRef,
}

/// The key of a fact.
pub type FactKey = (CountryId, Year, Measure);

/// Every value of the input: (country, year, measure) -> value, sorted by key.
///
/// Lookups go through a dense index of (country, year) -> the slice of that pair's facts, so
/// they cost two array reads and a scan of at most 19 measures whatever the input's size.
#[derive(Debug, Clone, Default)]
pub struct FactTable {
    entries: Vec<(FactKey, Fact)>,
    /// The distinct years, ascending.
    years: Vec<Year>,
    /// `starts[c * years.len() + y]` .. `starts[.. + 1]`: the facts of country `c` in year `y`.
    starts: Vec<u32>,
    /// Every (year, measure) with at least one value, sorted.
    present: Vec<(Year, Measure)>,
}

impl FactTable {
    /// Builds a table from facts sorted by key with unique keys.
    fn from_sorted(entries: Vec<(FactKey, Fact)>) -> Self {
        // A grid over every possible (year, measure) keeps this one pass over the facts.
        const SPAN: usize = 99;
        let mut seen = vec![false; SPAN * Measure::ALL.len()];
        for (k, _) in &entries {
            seen[usize::from(k.1.get() - 2001) * Measure::ALL.len() + k.2 as usize] = true;
        }
        let present: Vec<(Year, Measure)> = seen
            .iter()
            .enumerate()
            .filter(|(_, s)| **s)
            .map(|(i, _)| {
                let year = Year::new(2001 + i64::try_from(i / Measure::ALL.len()).expect("small"))
                    .expect("in range");
                (year, Measure::ALL[i % Measure::ALL.len()])
            })
            .collect();
        let mut years: Vec<Year> = present.iter().map(|(y, _)| *y).collect();
        years.dedup();
        let countries = entries.last().map_or(0, |(k, _)| k.0.index() + 1);
        let mut starts = vec![0u32; countries * years.len() + 1];
        for (k, _) in &entries {
            let y = years.binary_search(&k.1).expect("year collected above");
            starts[k.0.index() * years.len() + y + 1] += 1;
        }
        for i in 1..starts.len() {
            starts[i] += starts[i - 1];
        }
        Self {
            entries,
            years,
            starts,
            present,
        }
    }

    /// Whether some country has a value of `measure` in `year`.
    pub fn has_any(&self, year: Year, measure: Measure) -> bool {
        self.present.binary_search(&(year, measure)).is_ok()
    }

    /// The years in which some country has a value of `measure`.
    pub fn years_with(&self, measure: Measure) -> Vec<Year> {
        self.present
            .iter()
            .filter(|(_, m)| *m == measure)
            .map(|(y, _)| *y)
            .collect()
    }

    /// Every fact of one country in one year, in measure order.
    pub fn of_country_year(&self, country: CountryId, year: Year) -> &[(FactKey, Fact)] {
        let Ok(y) = self.years.binary_search(&year) else {
            return &[];
        };
        let i = country.index() * self.years.len() + y;
        if i + 1 >= self.starts.len() {
            return &[];
        }
        &self.entries[self.starts[i] as usize..self.starts[i + 1] as usize]
    }

    /// The fact for a key.
    pub fn get(&self, country: CountryId, year: Year, measure: Measure) -> Option<&Fact> {
        self.of_country_year(country, year)
            .iter()
            .find(|(k, _)| k.2 == measure)
            .map(|(_, f)| f)
    }

    /// The value for a key.
    pub fn value(&self, country: CountryId, year: Year, measure: Measure) -> Option<f64> {
        self.get(country, year, measure).map(|f| f.value)
    }

    /// Every fact in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&FactKey, &Fact)> {
        self.entries.iter().map(|(k, f)| (k, f))
    }

    /// Every fact of one country, in (year, measure) order.
    pub fn of_country(&self, country: CountryId) -> &[(FactKey, Fact)] {
        let start = self.entries.partition_point(|(k, _)| k.0 < country);
        let end = self.entries.partition_point(|(k, _)| k.0 <= country);
        &self.entries[start..end]
    }

    /// Number of facts.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no facts.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// The shape recognised for a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TableShape {
    /// One row per country (and year), one column per measure.
    Wide,
    /// Columns year, country, measure, value.
    Long,
    /// Countries and their regions, no measures.
    CountryReference,
    /// Neither countries nor measures (a cover or notes sheet).
    Skipped,
}

/// Where a table's survey year came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum YearSource {
    /// A year column.
    Column,
    /// The sheet name.
    SheetName,
    /// The file name.
    FileName,
}

/// What was recognised in one table.
#[derive(Debug, Clone, Serialize)]
pub struct TableSummary {
    /// The table.
    pub table: TableRef,
    /// Its shape.
    pub shape: TableShape,
    /// The header row (1-based), when found.
    pub header_row: Option<u32>,
    /// Where the year came from.
    pub year_source: Option<YearSource>,
    /// The survey years in the table.
    pub years: Vec<Year>,
    /// Countries read.
    pub countries: usize,
    /// Measures read, in SPEC order.
    pub measures: Vec<Measure>,
}

/// A country name that needed an alias.
#[derive(Debug, Clone, Serialize)]
pub struct AliasUse {
    /// The spelling found.
    pub written: String,
    /// The country it means.
    pub country: CountryId,
    /// Where it was first seen.
    pub first: String,
    /// How many rows used it.
    pub rows: usize,
}

/// A region written in a survey table that disagrees with the country's region.
#[derive(Debug, Clone, Serialize)]
pub struct RegionNote {
    /// The country.
    pub country: CountryId,
    /// The region as written.
    pub written: String,
    /// The region used.
    pub used: Region,
    /// The cell.
    pub source: String,
}

/// A region set by a country reference table.
#[derive(Debug, Clone, Serialize)]
pub struct RegionOverride {
    /// The country.
    pub country: CountryId,
    /// The embedded region.
    pub embedded: Region,
    /// The region set.
    pub region: Region,
    /// The cell.
    pub source: String,
}

/// The output of the normalise stage.
#[derive(Debug, Clone)]
pub struct Normalised {
    /// The concordance used.
    pub concordance: Arc<Concordance>,
    /// Every value.
    pub facts: FactTable,
    /// Each country's region (embedded, overridden by reference tables), indexed by id.
    pub regions: Vec<Region>,
    /// What was recognised per table, in input order.
    pub tables: Vec<TableSummary>,
    /// Names that needed an alias, sorted by country then spelling.
    pub aliases: Vec<AliasUse>,
    /// Survey-table regions that disagree with the region used.
    pub region_notes: Vec<RegionNote>,
    /// Regions changed by reference tables (only where they differ from the embedded one).
    pub region_overrides: Vec<RegionOverride>,
    /// Warnings (skipped sheets, unknown measure names, ...).
    pub diagnostics: Vec<Diagnostic>,
    /// The folder (or file) read.
    pub input: std::path::PathBuf,
    /// Every (country, year) that has a row in some survey table, sorted.
    pub rows_seen: Vec<(CountryId, Year)>,
}

impl Normalised {
    /// Whether the country has a row in some survey table of that year.
    pub fn has_row(&self, country: CountryId, year: Year) -> bool {
        self.rows_seen.binary_search(&(country, year)).is_ok()
    }

    /// A country's region.
    pub fn region(&self, country: CountryId) -> Region {
        self.regions[country.index()]
    }
}

/// Interprets every raw table and merges them into one fact table.
///
/// # Errors
/// Every input problem found, collected into [`Error::Many`] when there are several:
/// [`Error::HeaderDuplicated`], [`Error::CountryColumnMissing`], [`Error::YearMissing`],
/// [`Error::YearUnparseable`], [`Error::YearConflict`], [`Error::CountryUnknown`],
/// [`Error::CountryEmpty`], [`Error::CountryMismatch`], [`Error::CountryDuplicated`],
/// [`Error::ValueNotNumeric`], [`Error::ValueOutOfRange`], [`Error::RegionUnknown`],
/// [`Error::SourcesConflict`], and [`Error::SurveyTableEmpty`] for a survey table without a
/// single value.
pub fn normalise(ingested: &Ingested, concordance: Arc<Concordance>) -> Result<Normalised> {
    let outcomes: Vec<TableOutcome> = ingested
        .tables
        .par_iter()
        .map(|t| read_table(t, &concordance))
        .collect();

    let mut errors = Vec::new();
    let mut diagnostics = Vec::new();
    let mut tables = Vec::with_capacity(outcomes.len());
    let mut pending: Vec<(FactKey, Fact)> = Vec::new();
    let mut alias_map: BTreeMap<(CountryId, String), AliasUse> = BTreeMap::new();
    let mut claims = Vec::new();
    let mut references: Vec<(CountryId, Region, SourceRef)> = Vec::new();
    let mut rows_seen = Vec::new();
    for outcome in outcomes {
        rows_seen.extend(outcome.rows_seen);
        errors.extend(outcome.errors);
        diagnostics.extend(outcome.diagnostics);
        tables.push(outcome.summary);
        pending.extend(outcome.facts);
        for (written, country, source) in outcome.aliases {
            alias_map
                .entry((country, written.clone()))
                .and_modify(|a| a.rows += 1)
                .or_insert(AliasUse {
                    written,
                    country,
                    first: source.to_string(),
                    rows: 1,
                });
        }
        claims.extend(outcome.region_claims);
        references.extend(outcome.reference_regions);
    }
    let facts = merge_facts(pending, &concordance, &mut errors);
    errors.truncate(MAX_ERRORS);
    if !errors.is_empty() {
        return Err(Error::from_list(errors));
    }

    let mut regions: Vec<Region> = concordance.iter().map(|(_, c)| c.region).collect();
    let mut region_overrides = Vec::new();
    let mut set_by: HashMap<CountryId, (Region, SourceRef)> = HashMap::new();
    for (country, region, source) in references {
        if let Some((first, first_source)) = set_by.get(&country) {
            if *first != region {
                diagnostics.push(Diagnostic::warning(
                    &source,
                    format!(
                        "{} is in {first} at {first_source}; the first reference table wins",
                        concordance.get(country).name_en
                    ),
                ));
            }
            continue;
        }
        set_by.insert(country, (region, source.clone()));
        let embedded = regions[country.index()];
        if embedded != region {
            region_overrides.push(RegionOverride {
                country,
                embedded,
                region,
                source: source.to_string(),
            });
        }
        regions[country.index()] = region;
    }
    let mut region_notes = Vec::new();
    for (country, written, source) in claims {
        let used = regions[country.index()];
        if Region::parse(&written) != Some(used) {
            region_notes.push(RegionNote {
                country,
                written,
                used,
                source: source.to_string(),
            });
        }
    }

    Ok(Normalised {
        concordance,
        facts,
        regions,
        tables,
        aliases: alias_map.into_values().collect(),
        region_notes,
        region_overrides,
        diagnostics,
        input: ingested.input_dir.clone(),
        rows_seen: {
            rows_seen.sort_unstable();
            rows_seen.dedup();
            rows_seen
        },
    })
}

/// Sorts the facts of all tables and merges duplicates: equal values (within
/// [`EQUAL_TOLERANCE`]) keep the first source in path order; different values are errors.
fn merge_facts(
    mut pending: Vec<(FactKey, Fact)>,
    concordance: &Concordance,
    errors: &mut Vec<Error>,
) -> FactTable {
    // A stable sort in place: among equal keys the input (path) order is kept, and no second
    // copy of the facts is made (they are most of the memory on large inputs).
    pending.par_sort_by_key(|(k, _)| *k);
    let mut entries = pending;
    entries.dedup_by(|(key, fact), (last_key, last)| {
        if key != last_key {
            return false;
        }
        if (last.value - fact.value).abs() >= EQUAL_TOLERANCE && errors.len() < MAX_ERRORS {
            errors.push(Error::SourcesConflict {
                country: concordance.get(key.0).name_en.clone(),
                year: key.1.to_string(),
                measure: key.2.key().to_string(),
                first: last.source.clone(),
                first_value: last.value,
                second: fact.source.clone(),
                second_value: fact.value,
            });
        }
        true
    });
    entries.shrink_to_fit();
    FactTable::from_sorted(entries)
}

/// Everything read from one table.
struct TableOutcome {
    summary: TableSummary,
    facts: Vec<(FactKey, Fact)>,
    aliases: Vec<(String, CountryId, SourceRef)>,
    region_claims: Vec<(CountryId, String, SourceRef)>,
    reference_regions: Vec<(CountryId, Region, SourceRef)>,
    rows_seen: Vec<(CountryId, Year)>,
    diagnostics: Vec<Diagnostic>,
    errors: Vec<Error>,
}

/// The columns recognised in a header row.
struct Layout {
    header_index: usize,
    headers: Vec<Arc<str>>,
    year: Option<usize>,
    name: Option<usize>,
    code: Option<usize>,
    region: Option<usize>,
    long_measure: Option<usize>,
    long_value: Option<usize>,
    measures: Vec<(usize, Measure)>,
}

impl Layout {
    fn shape(&self) -> TableShape {
        if !self.measures.is_empty() {
            TableShape::Wide
        } else if self.long_measure.is_some() && self.long_value.is_some() {
            TableShape::Long
        } else if self.region.is_some() {
            TableShape::CountryReference
        } else {
            TableShape::Skipped
        }
    }
}

fn header_text(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => t.trim().to_string(),
        Cell::Number(n) => n.to_string(),
        _ => String::new(),
    }
}

/// Builds the layout of a candidate header row; duplicated roles are errors.
fn layout_of(table: &TableRef, index: usize, row: &RawRow) -> std::result::Result<Layout, Error> {
    let headers: Vec<Arc<str>> = row
        .cells
        .iter()
        .map(|c| Arc::from(header_text(c).as_str()))
        .collect();
    let mut layout = Layout {
        header_index: index,
        headers: headers.clone(),
        year: None,
        name: None,
        code: None,
        region: None,
        long_measure: None,
        long_value: None,
        measures: Vec::new(),
    };
    let mut seen: HashMap<ColumnRole, usize> = HashMap::new();
    for (col, header) in headers.iter().enumerate() {
        let Some(role) = recognise(header) else {
            continue;
        };
        if let Some(&first) = seen.get(&role) {
            let describe =
                |c: usize| format!("{} (`{}`)", column_letter(c as u32), echo(&headers[c]));
            return Err(Error::HeaderDuplicated {
                table: table.clone(),
                meaning: role.describe(),
                first: describe(first),
                second: describe(col),
            });
        }
        seen.insert(role, col);
        match role {
            ColumnRole::Year => layout.year = Some(col),
            ColumnRole::CountryName => layout.name = Some(col),
            ColumnRole::CountryCode => layout.code = Some(col),
            ColumnRole::Region => layout.region = Some(col),
            ColumnRole::LongMeasure => layout.long_measure = Some(col),
            ColumnRole::LongValue => layout.long_value = Some(col),
            ColumnRole::Measure(m) => layout.measures.push((col, m)),
        }
    }
    Ok(layout)
}

/// Finds the header: the first of the top rows naming a country column and something to read.
fn find_layout(raw: &RawTable) -> std::result::Result<Option<Layout>, Error> {
    let mut measures_only: Option<Layout> = None;
    for (index, row) in raw.rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let layout = layout_of(&raw.table, index, row)?;
        let has_country = layout.name.is_some() || layout.code.is_some();
        let has_content = layout.shape() != TableShape::Skipped;
        if has_country && has_content {
            return Ok(Some(layout));
        }
        if !layout.measures.is_empty()
            && measures_only
                .as_ref()
                .is_none_or(|m| m.measures.len() < layout.measures.len())
        {
            measures_only = Some(layout);
        }
    }
    if let Some(layout) = measures_only {
        let measures = layout
            .measures
            .iter()
            .map(|(c, _)| format!("`{}`", echo(&layout.headers[*c])))
            .collect::<Vec<_>>();
        return Err(Error::CountryColumnMissing {
            table: (*raw.table).clone(),
            measures: measures.join(", "),
        });
    }
    Ok(None)
}

fn read_table(raw: &RawTable, concordance: &Concordance) -> TableOutcome {
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
        aliases: Vec::new(),
        region_claims: Vec::new(),
        reference_regions: Vec::new(),
        rows_seen: Vec::new(),
        diagnostics: Vec::new(),
        errors: Vec::new(),
    };
    let layout = match find_layout(raw) {
        Ok(Some(layout)) => layout,
        Ok(None) => {
            out.diagnostics.push(Diagnostic::warning(
                &raw.table,
                "skipped: no country column and no measure column (a cover or notes sheet?)",
            ));
            return out;
        }
        Err(e) => {
            out.errors.push(e);
            return out;
        }
    };
    let shape = layout.shape();
    out.summary.shape = shape;
    out.summary.header_row = Some(raw.rows[layout.header_index].number);
    out.summary.measures = {
        let mut m: Vec<Measure> = layout.measures.iter().map(|(_, m)| *m).collect();
        m.sort();
        m
    };

    let sheet_year = raw.table.sheet.as_deref().and_then(year_in_name);
    let file_stem = Path::new(&raw.table.file)
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name_year = sheet_year.or_else(|| year_in_name(&file_stem));
    if shape != TableShape::CountryReference {
        out.summary.year_source = if layout.year.is_some() {
            Some(YearSource::Column)
        } else if sheet_year.is_some() {
            Some(YearSource::SheetName)
        } else if name_year.is_some() {
            Some(YearSource::FileName)
        } else {
            out.errors.push(Error::YearMissing {
                table: (*raw.table).clone(),
            });
            return out;
        };
    }

    let mut seen: HashMap<(CountryId, Option<Year>, Option<Measure>), SourceRef> = HashMap::new();
    let mut years: Vec<Year> = Vec::new();
    let mut countries: Vec<CountryId> = Vec::new();
    let mut unknown_measures: BTreeMap<String, SourceRef> = BTreeMap::new();
    for row in &raw.rows[layout.header_index + 1..] {
        if out.errors.len() >= MAX_ERRORS {
            break;
        }
        let cell = |c: Option<usize>| c.and_then(|c| row.cells.get(c)).unwrap_or(&Cell::Empty);
        let at = |c: usize| SourceRef::cell(&raw.table, row.number, c as u32, &layout.headers[c]);
        let has_values = match shape {
            TableShape::Wide => layout
                .measures
                .iter()
                .any(|(c, _)| !cell(Some(*c)).is_blank()),
            TableShape::Long => !cell(layout.long_value).is_blank(),
            _ => !cell(layout.region).is_blank(),
        };
        let country = match resolve_country(raw, row, &layout, concordance, &mut out.aliases) {
            Ok(Some(c)) => c,
            Ok(None) => {
                if has_values {
                    out.errors.push(Error::CountryEmpty {
                        at: SourceRef::row(&raw.table, row.number),
                    });
                }
                continue;
            }
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        countries.push(country);

        if shape == TableShape::CountryReference {
            let col = layout
                .region
                .expect("reference tables have a region column");
            let text = cell(Some(col)).text();
            if text.trim().is_empty() {
                continue;
            }
            match Region::parse(&text) {
                Some(region) => out.reference_regions.push((country, region, at(col))),
                None => out.errors.push(Error::RegionUnknown { at: at(col), text }),
            }
            continue;
        }

        let year = match row_year(row, &layout, sheet_year, name_year, &at) {
            Ok(y) => y,
            Err(e) => {
                out.errors.push(e);
                continue;
            }
        };
        if !years.contains(&year) {
            years.push(year);
        }
        out.rows_seen.push((country, year));
        if let Some(col) = layout.region {
            let text = cell(Some(col)).text();
            if !text.trim().is_empty() {
                out.region_claims
                    .push((country, text.trim().to_string(), at(col)));
            }
        }

        let values: Vec<(usize, Measure)> = match shape {
            TableShape::Wide => layout.measures.clone(),
            _ => {
                let mcol = layout
                    .long_measure
                    .expect("long tables have a measure column");
                let name = cell(Some(mcol)).text();
                match recognise_measure(&name) {
                    Some(m) => vec![(
                        layout.long_value.expect("long tables have a value column"),
                        m,
                    )],
                    None => {
                        if !name.trim().is_empty() {
                            unknown_measures
                                .entry(name.trim().to_string())
                                .or_insert_with(|| at(mcol));
                        }
                        continue;
                    }
                }
            }
        };
        let dup_measure = if shape == TableShape::Long {
            Some(values[0].1)
        } else {
            None
        };
        let row_ref = SourceRef::row(&raw.table, row.number);
        if let Some(first) = seen.get(&(country, Some(year), dup_measure)) {
            out.errors.push(Error::CountryDuplicated {
                country: concordance.get(country).name_en.clone(),
                year: year.to_string(),
                first: first.clone(),
                second: row_ref,
            });
            continue;
        }
        seen.insert((country, Some(year), dup_measure), row_ref);

        for (col, measure) in values {
            match parse_value(cell(Some(col))) {
                Ok(None) => {}
                Ok(Some(v)) => {
                    let (min, max) = measure.range();
                    if !(min..=max).contains(&v) {
                        out.errors.push(Error::ValueOutOfRange {
                            at: at(col),
                            value: v,
                            measure: measure.key().to_string(),
                            min,
                            max,
                        });
                    } else {
                        out.facts.push((
                            (country, year, measure),
                            Fact {
                                value: v,
                                source: at(col),
                            },
                        ));
                    }
                }
                Err(ValueProblem::NotNumeric(text)) => {
                    out.errors
                        .push(Error::ValueNotNumeric { at: at(col), text });
                }
            }
        }
    }
    // A survey table that yields nothing is most likely a truncated or unfinished export; running
    // without it would silently change the survey years and the panel.
    if shape != TableShape::CountryReference && out.facts.is_empty() && out.errors.is_empty() {
        out.errors.push(Error::SurveyTableEmpty {
            table: (*raw.table).clone(),
            header_row: raw.rows[layout.header_index].number,
            rows: raw.rows.len() - layout.header_index - 1,
        });
    }
    for (name, source) in unknown_measures {
        out.diagnostics.push(Diagnostic::warning(
            &source,
            format!(
                "measure `{}` is not one this tool reads; its rows were skipped",
                echo(&name)
            ),
        ));
    }
    years.sort();
    countries.sort();
    countries.dedup();
    out.summary.years = years;
    out.summary.countries = countries.len();
    out
}

/// The survey year of a row: its year cell, else the sheet or file name's year.
fn row_year(
    row: &RawRow,
    layout: &Layout,
    sheet_year: Option<Year>,
    name_year: Option<Year>,
    at: &dyn Fn(usize) -> SourceRef,
) -> Result<Year> {
    let Some(col) = layout.year else {
        return Ok(name_year.expect("checked before the rows are read"));
    };
    let cell = row.cells.get(col).unwrap_or(&Cell::Empty);
    match parse_year(cell) {
        Ok(Some(year)) => {
            if let Some(sheet) = sheet_year
                && sheet != year
            {
                return Err(Error::YearConflict {
                    at: at(col),
                    column_year: i64::from(year),
                    name_year: i64::from(sheet),
                });
            }
            Ok(year)
        }
        Ok(None) => name_year.ok_or_else(|| Error::YearUnparseable {
            at: at(col),
            text: String::new(),
        }),
        Err(text) => Err(Error::YearUnparseable { at: at(col), text }),
    }
}

/// Resolves the row's country from its code and/or name. `Ok(None)` when both are blank.
fn resolve_country(
    raw: &RawTable,
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
    let at = |c: usize| SourceRef::cell(&raw.table, row.number, c as u32, &layout.headers[c]);
    let name = text_of(layout.name);
    let code = text_of(layout.code);
    let name_match = name.as_ref().map(|(c, t)| (c, t, concordance.lookup(t)));
    let code_match = code.as_ref().map(|(c, t)| (c, t, concordance.lookup(t)));

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
                    at: SourceRef::row(&raw.table, row.number),
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
