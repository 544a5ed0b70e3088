//! Stage 2: interpret raw tables as countries, years and measures; build the fact table.
//!
//! Consumes [`Ingested`] and the [`Concordance`]; produces [`Normalised`]: one fact per (country,
//! survey year, measure), each remembering its source cell, plus the shape recognised for every
//! table, the aliases used and the region notes. It validates values (numeric, in range, no
//! duplicate country, no conflicting sources) and reports every problem found, not only the first.

pub mod columns;
pub mod country;
mod layout;
mod rules;
mod table;
pub mod value;

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use rayon::prelude::*;
use serde::Serialize;

use self::columns::HeaderSynonyms;
use self::country::{Concordance, CountryId};
use self::table::{TableOutcome, read_table};
use crate::error::{Diagnostic, Error, Result};
use crate::ingest::{Ingested, RawTable};
use crate::model::{Measure, Region, Year};
use crate::source::{SourceRef, TableRef};

/// Past this many errors the rest are not collected (one broken file can hold thousands).
const MAX_ERRORS: usize = crate::error::MAX_LISTED;
/// Two values closer than this are the same value (re-exports carry float noise).
pub const EQUAL_TOLERANCE: f64 = 1e-9;

/// One value of the fact table.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// The value as parsed (never rounded).
    pub value: f64,
    /// The decimals it was written with (tells a rounded copy from a different value).
    pub decimals: u8,
    /// The cell it came from (the first one in path order when sources agree).
    pub source: SourceRef,
    /// Its place in input order (table, row, column), which orders facts of equal key.
    pub(crate) order: u32,
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
        // A grid over every possible (year, measure), filled from chunks of the facts on every
        // thread.
        const SPAN: usize = 99;
        let cell = |k: &FactKey| usize::from(k.1.get() - 2001) * Measure::ALL.len() + k.2 as usize;
        let seen = entries
            .par_chunks(1 << 16)
            .map(|chunk| {
                let mut seen = vec![false; SPAN * Measure::ALL.len()];
                for (k, _) in chunk {
                    seen[cell(k)] = true;
                }
                seen
            })
            .reduce(
                || vec![false; SPAN * Measure::ALL.len()],
                |mut a, b| {
                    a.iter_mut().zip(b).for_each(|(a, b)| *a |= b);
                    a
                },
            );
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
        // The index of each year among `years`, by its offset from 2001.
        let mut year_index = [0usize; SPAN];
        for (i, y) in years.iter().enumerate() {
            year_index[usize::from(y.get() - 2001)] = i;
        }
        let mut starts = vec![0u32; countries * years.len() + 1];
        for (k, _) in &entries {
            starts[k.0.index() * years.len() + year_index[usize::from(k.1.get() - 2001)] + 1] += 1;
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
    /// One column per survey year, the measure named per row or by the table's name.
    YearColumns,
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
    /// The header cells (`EGDI 2016`, or year columns `2003`, `2004`, ...).
    Header,
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

/// Where the income groups of a run come from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum IncomeSource {
    /// The embedded snapshot (the UNU-EGOV countries file; income groups of
    /// [`country::INCOME_SNAPSHOT_YEAR`]).
    Embedded,
    /// Country reference tables of the input; countries they do not list keep the snapshot's.
    Reference {
        /// The tables read, in input order (`` `countries.csv` ``).
        tables: Vec<String>,
        /// The countries whose income group they set.
        countries: usize,
    },
}

/// What is odd about values kept as published (SPEC section 2, rules for real data).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OddityKind {
    /// A value above its measure's range, kept because the row's EGDI was computed with it (or
    /// the country was not assessed: EGDI 0).
    AboveRange {
        /// The top of the range.
        max: f64,
    },
    /// A sub-index of 0 where the EGDI is above 0: probably not assessed.
    ZeroSubIndex,
    /// Two sources that differ only by rounding; the more precise value is kept.
    RoundedCopy {
        /// The file with the more precise values (kept).
        precise: String,
        /// The file with the rounded values.
        rounded: String,
        /// How many values differ by rounding only.
        values: usize,
    },
}

/// A value kept as published, and what is odd about it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Oddity {
    /// What is odd.
    pub kind: OddityKind,
    /// The value concerned (the first one for a rounded copy).
    pub key: FactKey,
    /// Its value.
    pub value: f64,
    /// The cell it came from.
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
    /// Each country's income group (embedded, or set by reference tables), indexed by id; empty
    /// for extra entities.
    pub incomes: Vec<String>,
    /// Where the income groups come from.
    pub income_source: IncomeSource,
    /// Values kept as published although they look odd (data-quality findings).
    pub oddities: Vec<Oddity>,
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

    /// A country's income group (`High`, `Upper-Middle`, `Lower-Middle`, `Low`; empty when
    /// unknown).
    pub fn income(&self, country: CountryId) -> &str {
        &self.incomes[country.index()]
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
    let tables: Vec<&RawTable> = ingested.tables.iter().collect();
    normalise_tables(
        tables,
        &ingested.input_dir,
        concordance,
        &HeaderSynonyms::default(),
    )
}

/// [`normalise`] with header names mapped by the configuration's `[columns]` table, consuming
/// the raw tables: each is freed as soon as it is read (on 10,000 x 30 entities the raw cells
/// are a fifth of the memory of this stage).
///
/// # Errors
/// As [`normalise`].
pub fn normalise_with(
    ingested: &mut Ingested,
    concordance: Arc<Concordance>,
    synonyms: &HeaderSynonyms,
) -> Result<Normalised> {
    let tables = std::mem::take(&mut ingested.tables);
    normalise_tables(tables, &ingested.input_dir, concordance, synonyms)
}

fn normalise_tables<T: std::borrow::Borrow<RawTable> + Send>(
    tables: Vec<T>,
    input: &std::path::Path,
    concordance: Arc<Concordance>,
    synonyms: &HeaderSynonyms,
) -> Result<Normalised> {
    let outcomes: Vec<TableOutcome> = tables
        .into_par_iter()
        .map(|t| read_table(t.borrow(), &concordance, synonyms))
        .collect();

    let mut errors = Vec::new();
    let mut diagnostics = Vec::new();
    let mut tables = Vec::with_capacity(outcomes.len());
    // The facts of all tables in one vector of the exact size: grown by doubling, it reached
    // 210 MiB for 118 MiB of facts at 10,000 x 30 entities.
    let mut pending: Vec<(FactKey, Fact)> =
        Vec::with_capacity(outcomes.iter().map(|o| o.facts.len()).sum());
    let mut alias_map: BTreeMap<(CountryId, String), AliasUse> = BTreeMap::new();
    let mut claims = Vec::new();
    let mut references: Vec<(CountryId, Region, SourceRef)> = Vec::new();
    let mut income_references: Vec<(CountryId, &'static str, SourceRef)> = Vec::new();
    let mut rows_seen = Vec::new();
    let mut above_range = Vec::new();
    for outcome in outcomes {
        above_range.extend(outcome.above_range);
        rows_seen.extend(outcome.rows_seen);
        errors.extend(outcome.errors);
        diagnostics.extend(outcome.diagnostics);
        tables.push(outcome.summary);
        // Moved in parallel: serially, this copy and the page faults of the new vector were a
        // window of one busy core (about 60 ms at 10,000 x 30 entities).
        let offset = pending.len();
        pending.par_extend(outcome.facts.into_par_iter().enumerate().map(
            |(i, (key, mut fact))| {
                fact.order = u32::try_from(offset + i).unwrap_or(u32::MAX);
                (key, fact)
            },
        ));
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
        income_references.extend(outcome.reference_incomes);
    }
    let mut oddities = Vec::new();
    let facts = merge_facts(pending, &concordance, &mut errors, &mut oddities);
    rules::check_above_range(&facts, &above_range, &mut errors, &mut oddities);
    rules::find_zero_sub_indices(&facts, &mut oddities);
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
    let (incomes, income_source) = merge_incomes(&concordance, income_references, &mut diagnostics);
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
        incomes,
        income_source,
        oddities,
        diagnostics,
        input: input.to_path_buf(),
        rows_seen: {
            rows_seen.par_sort_unstable();
            rows_seen.dedup();
            rows_seen
        },
    })
}

/// Sorts the facts of all tables and merges duplicates: equal values (within
/// [`EQUAL_TOLERANCE`]) keep the first source in path order; values that differ only by rounding
/// keep the more precise one (one [`OddityKind::RoundedCopy`] per pair of files); other
/// differences are errors.
fn merge_facts(
    mut pending: Vec<(FactKey, Fact)>,
    concordance: &Concordance,
    errors: &mut Vec<Error>,
    oddities: &mut Vec<Oddity>,
) -> FactTable {
    // Sorted in place, equal keys in input order: a stable parallel sort would allocate a second
    // copy of the facts (they are most of this stage's memory on large inputs).
    // The key and the order in one integer: compared in two instructions where the tuple took
    // a branch per field.
    pending.par_sort_unstable_by_key(|(k, f)| {
        ((k.0.index() as u128) << 64)
            | (u128::from(k.1.get()) << 48)
            | ((k.2 as u128) << 32)
            | u128::from(f.order)
    });
    let mut entries = pending;
    let mut rounded: BTreeMap<(String, String), Oddity> = BTreeMap::new();
    entries.dedup_by(|(key, fact), (last_key, last)| {
        if key != last_key {
            return false;
        }
        if (last.value - fact.value).abs() < EQUAL_TOLERANCE {
            return true;
        }
        if let Some(precise_is_later) = rules::rounded_pair(last, fact) {
            let (precise, coarse) = if precise_is_later {
                (&*fact, &*last)
            } else {
                (&*last, &*fact)
            };
            let pair = (
                precise.source.table().file.clone(),
                coarse.source.table().file.clone(),
            );
            rounded
                .entry(pair.clone())
                .and_modify(|o| {
                    if let OddityKind::RoundedCopy { values, .. } = &mut o.kind {
                        *values += 1;
                    }
                })
                .or_insert_with(|| Oddity {
                    kind: OddityKind::RoundedCopy {
                        precise: pair.0,
                        rounded: pair.1,
                        values: 1,
                    },
                    key: *key,
                    value: precise.value,
                    source: precise.source.to_string(),
                });
            if precise_is_later {
                *last = fact.clone();
            }
            return true;
        }
        if errors.len() < MAX_ERRORS {
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
    oddities.extend(rounded.into_values());
    entries.shrink_to_fit();
    FactTable::from_sorted(entries)
}

/// The income groups: the embedded snapshot's, replaced for each country a reference table lists
/// (the first table wins; a later one that disagrees is warned about).
fn merge_incomes(
    concordance: &Concordance,
    references: Vec<(CountryId, &'static str, SourceRef)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Vec<String>, IncomeSource) {
    let mut incomes: Vec<String> = concordance.iter().map(|(_, c)| c.income.clone()).collect();
    if references.is_empty() {
        return (incomes, IncomeSource::Embedded);
    }
    let mut tables: Vec<String> = Vec::new();
    let mut set_by: HashMap<CountryId, (&str, SourceRef)> = HashMap::new();
    for (country, income, source) in references {
        if let Some((first, first_source)) = set_by.get(&country) {
            if *first != income {
                diagnostics.push(Diagnostic::warning(
                    &source,
                    format!(
                        "{} has the income group {first} at {first_source}; the first reference \
                         table wins",
                        concordance.get(country).name_en
                    ),
                ));
            }
            continue;
        }
        let table = source.table().to_string();
        if !tables.contains(&table) {
            tables.push(table);
        }
        incomes[country.index()] = income.to_string();
        set_by.insert(country, (income, source));
    }
    let countries = set_by.len();
    (incomes, IncomeSource::Reference { tables, countries })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_fact_with_its_key_is_five_words() {
        // Millions of them on large inputs: the input order and the cell reference fit in what
        // was padding before.
        assert_eq!(std::mem::size_of::<(super::FactKey, super::Fact)>(), 40);
    }
}
