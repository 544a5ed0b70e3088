//! The reproduction check (SPEC section 8): every published cell of Tables 1-6 against ours.
//!
//! Consumes the text of a reference JSON (the shape of `paper/paper-tables.json`) and the
//! computed tables; produces one [`Difference`] per cell that differs. Counts and values are
//! compared exactly (values within 1e-9); published country lists must each be in our row.

use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::Results;
use crate::error::{Error, Result};
use crate::model::{Measure, Region, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;

/// One published cell that the computation does not reproduce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Difference {
    /// `table1` ... `table6` or `panel`.
    pub table: String,
    /// The row, e.g. `rose 2`, `2018 TII`.
    pub row: String,
    /// The column, e.g. `count`, `low`, `countries`, `USA`.
    pub column: String,
    /// The published value.
    pub published: String,
    /// The computed value (`not in row` for a published country the row lacks).
    pub computed: String,
}

/// What one difference is, for saying it in a sentence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum DetailKind {
    /// A count or value that differs.
    Cell,
    /// A count in a published row whose counts add up to `sum`, not to the panel size.
    RowSum {
        /// The published row's total.
        sum: u64,
    },
    /// A published country that the computed row does not hold.
    NotInRow,
    /// A computed row that the published table lacks.
    ExtraRow,
}

/// The explanation of one difference, in the order of the differences.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Detail {
    /// What kind of difference.
    pub kind: DetailKind,
    /// The reference's own note on the row, if it has one.
    pub note: Option<String>,
}

/// Published cells compared and matched in one table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tally {
    /// `panel`, `table1` ... `table6`.
    pub table: String,
    /// Published cells compared.
    pub compared: usize,
    /// Of them, reproduced.
    pub matched: usize,
}

/// The whole comparison: the differences with their explanations and the counts per table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Comparison {
    /// One per published cell not reproduced.
    pub differences: Vec<Difference>,
    /// One per difference, same order.
    pub details: Vec<Detail>,
    /// Per table, in the order first compared.
    pub tallies: Vec<Tally>,
    /// The reference's panel size, when it gives one.
    pub reference_panel: Option<u64>,
}

struct Checker<'a> {
    path: &'a Path,
    normalised: &'a Normalised,
    out: Vec<Difference>,
    details: Vec<Detail>,
    tallies: Vec<Tally>,
    /// The note of the published row being compared, and the published row's total.
    note: Option<String>,
    row_sum: Option<u64>,
    panel_size: usize,
}

impl Checker<'_> {
    fn diff(&mut self, table: &str, row: &str, column: &str, published: String, computed: String) {
        self.diff_kind(table, row, column, published, computed, DetailKind::Cell);
    }

    fn diff_kind(
        &mut self,
        table: &str,
        row: &str,
        column: &str,
        published: String,
        computed: String,
        kind: DetailKind,
    ) {
        self.out.push(Difference {
            table: table.into(),
            row: row.into(),
            column: column.into(),
            published,
            computed,
        });
        let kind = match (kind, self.row_sum) {
            (DetailKind::Cell, Some(sum)) if sum != self.panel_size as u64 => {
                DetailKind::RowSum { sum }
            }
            (kind, _) => kind,
        };
        self.details.push(Detail {
            kind,
            note: self.note.clone(),
        });
    }

    /// Counts one published cell of `table`, matched or not.
    fn tally(&mut self, table: &str, matched: bool) {
        let pos = match self.tallies.iter().position(|t| t.table == table) {
            Some(p) => p,
            None => {
                self.tallies.push(Tally {
                    table: table.into(),
                    compared: 0,
                    matched: 0,
                });
                self.tallies.len() - 1
            }
        };
        self.tallies[pos].compared += 1;
        self.tallies[pos].matched += usize::from(matched);
    }

    fn count(
        &mut self,
        table: &str,
        row: &str,
        column: &str,
        published: &Value,
        computed: usize,
    ) -> Result<()> {
        let p = published.as_u64().ok_or_else(|| {
            self.bad(&format!(
                "{table} {row} {column}: `{published}` is not a count"
            ))
        })?;
        self.tally(table, p == computed as u64);
        if p != computed as u64 {
            self.diff(table, row, column, p.to_string(), computed.to_string());
        }
        Ok(())
    }

    fn bad(&self, message: &str) -> Error {
        Error::Reference {
            path: self.path.to_path_buf(),
            message: message.to_string(),
        }
    }

    fn country(&self, name: &str) -> Result<CountryId> {
        self.normalised
            .concordance
            .lookup(name)
            .map(|(id, _)| id)
            .ok_or_else(|| self.bad(&format!("unknown country `{name}`")))
    }

    /// Each published name must be in the computed row.
    fn members(
        &mut self,
        table: &str,
        row: &str,
        names: Option<&Value>,
        computed: &[CountryId],
    ) -> Result<()> {
        let Some(names) = names.and_then(Value::as_array) else {
            return Ok(());
        };
        for name in names {
            let name = name.as_str().ok_or_else(|| {
                self.bad(&format!("{table} {row}: country names must be strings"))
            })?;
            let id = self.country(name)?;
            self.tally(table, computed.contains(&id));
            if !computed.contains(&id) {
                self.diff_kind(
                    table,
                    row,
                    "countries",
                    name.to_string(),
                    "not in row".into(),
                    DetailKind::NotInRow,
                );
            }
        }
        Ok(())
    }
}

fn year_of(key: &str) -> Option<Year> {
    key.parse::<i64>().ok().and_then(Year::new)
}

/// The top-level keys a reference is compared by.
const COMPARED_KEYS: [&str; 7] = [
    "panel", "table1", "table2", "table3", "table4", "table5", "table6",
];

/// A reference must be an object holding at least one compared key: `{}` or another file's JSON
/// would otherwise compare nothing and report "0 differences".
fn check_shape(path: &Path, json: &Value) -> Result<()> {
    let bad = |message: String| Error::Reference {
        path: path.to_path_buf(),
        message,
    };
    let Some(object) = json.as_object() else {
        return Err(bad("the top level is not a JSON object".into()));
    };
    if COMPARED_KEYS.iter().any(|k| object.contains_key(*k)) {
        return Ok(());
    }
    let expected: Vec<String> = COMPARED_KEYS.iter().map(|k| format!("`{k}`")).collect();
    let found: Vec<String> = object
        .keys()
        .take(10)
        .map(|k| format!("`{}`", crate::error::echo(k)))
        .collect();
    Err(bad(format!(
        "missing every key a reference is compared by ({}); found {}",
        expected.join(", "),
        if found.is_empty() {
            "no key".to_string()
        } else {
            found.join(", ")
        }
    )))
}

/// Compares a reference JSON with the results: the differences only.
///
/// # Errors
/// As [`compare_all`].
pub fn compare(
    path: &Path,
    text: &str,
    normalised: &Normalised,
    results: &Results,
) -> Result<Vec<Difference>> {
    compare_all(path, text, normalised, results).map(|c| c.differences)
}

/// Compares a reference JSON with the results: the differences, their explanations and the
/// cells compared and matched per table.
///
/// # Errors
/// [`Error::Reference`] when the text is not JSON of the expected shape or names an unknown
/// country.
pub fn compare_all(
    path: &Path,
    text: &str,
    normalised: &Normalised,
    results: &Results,
) -> Result<Comparison> {
    let json: Value = serde_json::from_str(text).map_err(|e| Error::Reference {
        path: path.to_path_buf(),
        message: format!("not valid JSON: {e}"),
    })?;
    check_shape(path, &json)?;
    let mut ck = Checker {
        path,
        normalised,
        out: Vec::new(),
        details: Vec::new(),
        tallies: Vec::new(),
        note: None,
        row_sum: None,
        panel_size: results.panel_size,
    };
    let reference_panel = json.pointer("/panel/countries").and_then(Value::as_u64);
    compare_panel(&mut ck, &json, results)?;
    compare_table1(&mut ck, &json, results)?;
    compare_table2(&mut ck, &json, results)?;
    compare_level_counts(
        &mut ck,
        &json,
        "table3",
        &|y, index| {
            results
                .table3
                .iter()
                .find(|r| r.year == y && r.index.key() == index)
                .map(|r| r.counts)
        },
        &|year, index| format!("{year} {index}"),
    )?;
    compare_level_counts(
        &mut ck,
        &json,
        "table4",
        &|y, stage| {
            results
                .table4
                .iter()
                .find(|r| r.year == y && r.stage.to_string() == stage)
                .map(|r| r.counts)
        },
        &|year, stage| format!("{year} stage {stage}"),
    )?;
    compare_components(&mut ck, &json, normalised)?;
    Ok(Comparison {
        differences: ck.out,
        details: ck.details,
        tallies: ck.tallies,
        reference_panel,
    })
}

/// The panel size and its composition by region.
fn compare_panel<'a>(ck: &mut Checker<'a>, json: &Value, results: &Results) -> Result<()> {
    if let Some(panel) = json.get("panel") {
        if let Some(n) = panel.get("countries") {
            ck.count("panel", "panel", "countries", n, results.panel_size)?;
        }
        if let Some(regions) = panel.get("regions").and_then(Value::as_object) {
            for (name, n) in regions {
                let region = Region::parse(name)
                    .ok_or_else(|| ck.bad(&format!("unknown region `{name}`")))?;
                let computed = results
                    .regions
                    .iter()
                    .find(|r| r.region == region)
                    .map_or(0, |r| r.panel_countries);
                ck.count("panel", "regions", region.name(), n, computed)?;
            }
        }
    }

    Ok(())
}

/// Table 1: counts and representative countries per row, and rows only computed.
fn compare_table1<'a>(ck: &mut Checker<'a>, json: &Value, results: &Results) -> Result<()> {
    if let Some(rows) = json.pointer("/table1/rows").and_then(Value::as_array) {
        let mut matched = vec![false; results.table1.len()];
        for row in rows {
            let trend = row.get("trend").and_then(Value::as_str).unwrap_or_default();
            let levels = row.get("levels").and_then(Value::as_u64).unwrap_or(0);
            let level = row.get("level").and_then(Value::as_str);
            let label = match level {
                Some(l) => format!("{trend} {l}"),
                None => format!("{trend} {levels}"),
            };
            let found = results.table1.iter().position(|r| {
                r.trend.key() == trend
                    && u64::from(r.levels) == levels
                    && r.level.map(|l| l.key()) == level
            });
            let computed: &[CountryId] = found.map_or(&[], |i| &results.table1[i].countries);
            if let Some(i) = found {
                matched[i] = true;
            }
            ck.note = row.get("note").and_then(Value::as_str).map(String::from);
            if let Some(n) = row.get("count") {
                ck.count("table1", &label, "count", n, computed.len())?;
            }
            ck.members("table1", &label, row.get("representatives"), computed)?;
        }
        ck.note = None;
        for (i, r) in results.table1.iter().enumerate() {
            if !matched[i] && !r.countries.is_empty() {
                let label = format!(
                    "{} {}",
                    r.trend.key(),
                    r.level
                        .map_or_else(|| r.levels.to_string(), |l| l.key().to_string())
                );
                ck.diff_kind(
                    "table1",
                    &label,
                    "count",
                    String::new(),
                    r.countries.len().to_string(),
                    DetailKind::ExtraRow,
                );
            }
        }
    }

    Ok(())
}

/// Table 2: counts and countries per path, and paths only computed.
fn compare_table2<'a>(ck: &mut Checker<'a>, json: &Value, results: &Results) -> Result<()> {
    if let Some(rows) = json.pointer("/table2/rows").and_then(Value::as_array) {
        let mut matched = vec![false; results.table2.len()];
        for row in rows {
            let levels = row.get("levels").and_then(Value::as_u64).unwrap_or(0);
            let path: Vec<&str> = row
                .get("path")
                .and_then(Value::as_array)
                .map(|p| p.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let label = format!("{levels} {}", path.join(">"));
            let found = results.table2.iter().position(|r| {
                u64::from(r.levels) == levels
                    && r.path.iter().map(|l| l.key()).eq(path.iter().copied())
            });
            if let Some(i) = found {
                matched[i] = true;
            }
            let computed: &[CountryId] = found.map_or(&[], |i| &results.table2[i].countries);
            ck.note = row.get("note").and_then(Value::as_str).map(String::from);
            if let Some(n) = row.get("count") {
                ck.count("table2", &label, "count", n, computed.len())?;
            }
            ck.members("table2", &label, row.get("countries_in_text"), computed)?;
        }
        ck.note = None;
        for (i, r) in results.table2.iter().enumerate() {
            if !matched[i] {
                ck.diff_kind(
                    "table2",
                    &format!("{} {}", r.levels, r.path_key()),
                    "count",
                    String::new(),
                    r.countries.len().to_string(),
                    DetailKind::ExtraRow,
                );
            }
        }
    }

    Ok(())
}

/// The published level counts of Table 3 or 4 (`/<table>/rows/<year>/<index or stage>`).
fn compare_level_counts(
    ck: &mut Checker<'_>,
    json: &Value,
    table: &str,
    computed: &dyn Fn(Year, &str) -> Option<[usize; 4]>,
    label: &dyn Fn(&str, &str) -> String,
) -> Result<()> {
    const COLUMNS: [&str; 4] = ["very_high", "high", "medium", "low"];
    let Some(years) = json
        .pointer(&format!("/{table}/rows"))
        .and_then(Value::as_object)
    else {
        return Ok(());
    };
    for (year, rows) in years {
        let y = year_of(year).ok_or_else(|| ck.bad(&format!("{table}: `{year}` is not a year")))?;
        for (key, counts) in rows.as_object().into_iter().flatten() {
            let label = label(year, key);
            let computed = computed(y, key);
            ck.row_sum = published_sum(counts);
            for (i, n) in counts.as_array().into_iter().flatten().enumerate().take(4) {
                ck.count(table, &label, COLUMNS[i], n, computed.map_or(0, |c| c[i]))?;
            }
        }
    }
    ck.row_sum = None;
    Ok(())
}

/// Tables 5 and 6: every published component value against the facts.
fn compare_components<'a>(
    ck: &mut Checker<'a>,
    json: &Value,
    normalised: &'a Normalised,
) -> Result<()> {
    for table in ["table5", "table6"] {
        let Some(t) = json.get(table) else { continue };
        let countries: Vec<CountryId> = t
            .get("countries")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|c| ck.country(c.as_str().unwrap_or_default()))
            .collect::<Result<_>>()?;
        for (year, indicators) in t
            .get("rows")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let y =
                year_of(year).ok_or_else(|| ck.bad(&format!("{table}: `{year}` is not a year")))?;
            for (indicator, values) in indicators.as_object().into_iter().flatten() {
                let m = Measure::from_key(indicator)
                    .ok_or_else(|| ck.bad(&format!("{table}: unknown indicator `{indicator}`")))?;
                for (i, v) in values.as_array().into_iter().flatten().enumerate() {
                    let Some(&country) = countries.get(i) else {
                        continue;
                    };
                    let published = v.as_f64();
                    let computed = normalised.facts.value(country, y, m);
                    let same = match (published, computed) {
                        (Some(p), Some(c)) => (p - c).abs() < crate::normalise::EQUAL_TOLERANCE,
                        (None, None) => true,
                        _ => false,
                    };
                    ck.tally(table, same);
                    if !same {
                        let show = |v: Option<f64>| v.map(|v| v.to_string()).unwrap_or_default();
                        let iso3 = normalised.concordance.get(country).iso3.clone();
                        ck.diff(
                            table,
                            &format!("{year} {indicator}"),
                            &iso3,
                            show(published),
                            show(computed),
                        );
                    }
                }
            }
        }
    }
    Ok(())
}

/// The total of a published row of counts (Tables 3 and 4), when every entry is a count.
fn published_sum(counts: &Value) -> Option<u64> {
    counts
        .as_array()?
        .iter()
        .map(Value::as_u64)
        .sum::<Option<u64>>()
}
