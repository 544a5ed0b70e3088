//! The output tables: one schema per table (its key, its columns and what each column holds),
//! and the rows of every table built once from the analysis results.
//!
//! The CSV writer writes every table here; the workbook lays out the same tables as sheets
//! (Table 4, the panel, latest changes, ranks, groups, robustness, quality, reproduction), taking
//! the columns from the same schema and showing each value by its kind in the report language.
//! A column list is written nowhere else.

use crate::analysis::Results;
use crate::analysis::groups::GroupSource;
use crate::analysis::levels::Level;
use crate::analysis::sensitivity::Variant;
use crate::analysis::tables::{ComponentTable, Trend};
use crate::model::{Measure, Region, Year};
use crate::normalise::country::{Concordance, CountryId};
use crate::panel::Panel;

/// What a column holds, and so how it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (a count, a rank, a year).
    Count,
    /// An index value (4 decimals where rounded for display).
    Index,
    /// A component value or another measured number (2 decimals where rounded).
    Component,
    /// A plain number (thresholds, ratios): shown as given.
    Number,
    /// A key or a text.
    Text,
    /// A country's name: the M49 English name in the CSV, the display name in the workbook.
    Name,
    /// A list of countries.
    List,
}

impl Kind {
    /// Whether the column holds numbers (right-aligned headers and cells).
    pub fn numeric(self) -> bool {
        matches!(
            self,
            Kind::Count | Kind::Index | Kind::Component | Kind::Number
        )
    }
}

/// Which outputs show a column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The CSV and the workbook.
    Both,
    /// Only the workbook (a country's display name beside its code).
    Workbook,
}

/// One column of a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Column {
    /// The CSV header and the `workbook.column.` message key.
    pub key: &'static str,
    /// What it holds.
    pub kind: Kind,
    /// Where it is shown.
    pub shown: Shown,
    /// The `workbook.column.` message of its header (the key, unless that word means
    /// something else in another table).
    pub label: &'static str,
}

const fn col(key: &'static str, kind: Kind) -> Column {
    labelled(key, kind, key)
}

const fn labelled(key: &'static str, kind: Kind, label: &'static str) -> Column {
    Column {
        key,
        kind,
        shown: Shown::Both,
        label,
    }
}

/// A display name beside a code, in the workbook only.
const NAME: Column = Column {
    key: "name",
    kind: Kind::Name,
    shown: Shown::Workbook,
    label: "name",
};

/// The columns after the fixed ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Then {
    /// None.
    Nothing,
    /// One per compared country (benchmarks, then the focus country), headed by its ISO3 code.
    Countries(Kind),
    /// One per analysed index, headed by its lower-case key.
    Measures,
}

/// One output table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Schema {
    /// The table's key: `tables/<key>.csv`, and the workbook sheet's key where it has one.
    pub key: &'static str,
    /// The fixed columns.
    pub columns: &'static [Column],
    /// The columns after them.
    pub then: Then,
}

const LEVEL_COUNTS: [Column; 4] = [
    col("very_high", Kind::Count),
    col("high", Kind::Count),
    col("medium", Kind::Count),
    col("low", Kind::Count),
];

/// A table of level counts per survey (Tables 3 and 4): the year, what is counted (`second`),
/// the four level counts and the countries without a value.
const fn level_table(second: &'static str) -> [Column; 7] {
    [
        col("year", Kind::Count),
        col(second, Kind::Text),
        LEVEL_COUNTS[0],
        LEVEL_COUNTS[1],
        LEVEL_COUNTS[2],
        LEVEL_COUNTS[3],
        col("missing", Kind::Count),
    ]
}

const TABLE3: [Column; 7] = level_table("index");
const TABLE4: [Column; 7] = level_table("stage");
/// Tables 5 and 6: the year and the indicator, then one column per compared country.
const COMPONENTS: [Column; 2] = [col("year", Kind::Count), col("indicator", Kind::Text)];

/// A table with the given columns and no others.
const fn table(key: &'static str, columns: &'static [Column]) -> Schema {
    Schema {
        key,
        columns,
        then: Then::Nothing,
    }
}

/// Every output table, in the order they are written.
pub const SCHEMAS: [Schema; 18] = [
    table(
        "table1",
        &[
            col("trend", Kind::Text),
            col("levels", Kind::Count),
            col("level", Kind::Text),
            col("count", Kind::Count),
            col("countries", Kind::List),
        ],
    ),
    table(
        "table2",
        &[
            col("levels", Kind::Count),
            col("path", Kind::Text),
            col("count", Kind::Count),
            col("countries", Kind::List),
        ],
    ),
    table("table3", &TABLE3),
    table("table4", &TABLE4),
    Schema {
        key: "table5",
        columns: &COMPONENTS,
        then: Then::Countries(Kind::Component),
    },
    Schema {
        key: "table6",
        columns: &COMPONENTS,
        then: Then::Countries(Kind::Component),
    },
    // The figures' data: one table per analysed index (`figure1` ...), all of this schema.
    Schema {
        key: "figure",
        columns: &[col("year", Kind::Count)],
        then: Then::Countries(Kind::Index),
    },
    Schema {
        key: "panel",
        columns: &[
            col("iso3", Kind::Text),
            col("name", Kind::Name),
            col("region", Kind::Text),
            col("year", Kind::Count),
        ],
        then: Then::Measures,
    },
    table(
        "transitions",
        &[
            col("index", Kind::Text),
            col("from_year", Kind::Count),
            col("to_year", Kind::Count),
            col("from_level", Kind::Text),
            LEVEL_COUNTS[0],
            LEVEL_COUNTS[1],
            LEVEL_COUNTS[2],
            LEVEL_COUNTS[3],
        ],
    ),
    table(
        "gaps",
        &[
            col("year", Kind::Count),
            col("measure", Kind::Text),
            col("benchmark", Kind::Text),
            col("focus", Kind::Text),
            col("focus_value", Kind::Number),
            col("benchmark_value", Kind::Number),
            col("difference", Kind::Number),
            col("ratio", Kind::Number),
        ],
    ),
    table(
        "latest",
        &[
            col("measure", Kind::Text),
            col("from_year", Kind::Count),
            col("to_year", Kind::Count),
            col("iso3", Kind::Text),
            NAME,
            col("from_level", Kind::Text),
            col("to_level", Kind::Text),
            col("from_value", Kind::Index),
            col("to_value", Kind::Index),
        ],
    ),
    table(
        "groups",
        &[
            col("group_kind", Kind::Text),
            col("group", Kind::Text),
            col("year", Kind::Count),
            col("measure", Kind::Text),
            labelled("countries", Kind::Count, "countries_in_group"),
            col("mean", Kind::Index),
            col("median", Kind::Index),
            LEVEL_COUNTS[0],
            LEVEL_COUNTS[1],
            LEVEL_COUNTS[2],
            LEVEL_COUNTS[3],
            labelled("source", Kind::Text, "group_source"),
        ],
    ),
    table(
        "groups_table1",
        &[
            col("group_kind", Kind::Text),
            col("group", Kind::Text),
            col("trend", Kind::Text),
            col("levels", Kind::Count),
            col("level", Kind::Text),
            col("count", Kind::Count),
        ],
    ),
    table(
        "sensitivity",
        &[
            col("variant", Kind::Text),
            col("table", Kind::Text),
            col("row", Kind::Text),
            col("column", Kind::Text),
            col("value", Kind::Number),
            col("baseline", Kind::Number),
        ],
    ),
    table(
        "ranks",
        &[
            col("iso3", Kind::Text),
            NAME,
            col("year", Kind::Count),
            col("rank", Kind::Count),
            col("rank_source", Kind::Text),
            labelled("change", Kind::Count, "rank_change"),
        ],
    ),
    table(
        "regions",
        &[
            col("region", Kind::Text),
            col("input_countries", Kind::Count),
            col("panel_countries", Kind::Count),
        ],
    ),
    table(
        "quality",
        &[
            col("kind", Kind::Text),
            col("iso3", Kind::Text),
            NAME,
            col("year", Kind::Count),
            col("measure", Kind::Text),
            col("value", Kind::Number),
            col("level", Kind::Text),
            col("detail", Kind::Text),
        ],
    ),
    table(
        "reproduction",
        &[
            col("table", Kind::Text),
            col("row", Kind::Text),
            col("column", Kind::Text),
            col("published", Kind::Number),
            col("computed", Kind::Number),
        ],
    ),
];

/// The schema with this key.
///
/// # Panics
/// For a key that is not in [`SCHEMAS`] (a programming error caught by the tests).
pub fn schema(key: &str) -> &'static Schema {
    SCHEMAS
        .iter()
        .find(|s| s.key == key)
        .unwrap_or_else(|| panic!("no table schema `{key}`"))
}

/// One cell's value, independent of the output language.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// A whole number.
    Int(i64),
    /// A number, as parsed (the CSV writes its shortest round-trip form).
    Number(f64),
    /// A missing value (an empty CSV cell, `[x]` in the workbook).
    Missing,
    /// A cell that does not apply to its row (an empty CSV cell, `[z]` in the workbook).
    NotApplicable,
    /// Plain text, the same in every language (a group name, a detail, a published cell).
    Text(String),
    /// A country: its ISO3 code, or its name in a name column.
    Country(CountryId),
    /// Countries: ISO3 codes joined by `;` in the CSV, names in the workbook.
    Countries(Vec<CountryId>),
    /// A level: its key (`very_high`) or its name.
    Level(Level),
    /// A measure: its key (`EGDI`) or its short name.
    Measure(Measure),
    /// An OSI stage 1-4: its number or its name.
    Stage(u8),
    /// A region: its M49 name or its name in the language.
    Region(Region),
    /// A language-independent key with a message that names it: the CSV writes `key`, the
    /// workbook `workbook.<message>` with `args` filled.
    Word {
        /// The key written in the CSV.
        key: String,
        /// The message key (under `workbook.`).
        message: String,
        /// Placeholders of the message.
        args: Vec<(&'static str, String)>,
    },
}

impl Value {
    fn count(n: usize) -> Self {
        Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
    }

    fn year(y: Year) -> Self {
        Value::Int(i64::from(y.get()))
    }

    fn optional(v: Option<f64>) -> Self {
        v.map_or(Value::Missing, Value::Number)
    }

    pub(crate) fn word(key: impl Into<String>, message: String) -> Self {
        Value::Word {
            key: key.into(),
            message,
            args: Vec::new(),
        }
    }

    fn trend(t: Trend) -> Self {
        Value::word(t.key(), format!("trend.{}", t.key()))
    }

    fn level(l: Option<Level>) -> Self {
        l.map_or(Value::NotApplicable, Value::Level)
    }
}

/// The extra columns of a table (see [`Then`]).
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// None.
    Nothing,
    /// The compared countries.
    Countries(Vec<CountryId>),
    /// The analysed indices.
    Measures(Vec<Measure>),
}

/// One output table: its schema, extra columns and rows (one value per shown column, name
/// columns included).
pub struct Table<'a> {
    /// The output name: the schema key, or `figure1` ... for the figures.
    pub name: String,
    /// The schema.
    pub schema: &'static Schema,
    /// The columns after the fixed ones.
    pub extra: Extra,
    rows: Rows<'a>,
}

/// A table's rows: built, or made one at a time from the results when asked for (the tables
/// with a row per country and survey, which would otherwise double the memory at scale).
enum Rows<'a> {
    Built(Vec<Vec<Value>>),
    Made {
        len: usize,
        row: Box<dyn Fn(usize) -> Vec<Value> + Send + Sync + 'a>,
    },
}

impl<'a> Table<'a> {
    fn new(key: &'static str, extra: Extra) -> Self {
        Self {
            name: key.to_string(),
            schema: schema(key),
            extra,
            rows: Rows::Built(Vec::new()),
        }
    }

    /// A table whose row `i` of `len` is `row(i)`, made when read.
    fn made(
        key: &'static str,
        extra: Extra,
        len: usize,
        row: impl Fn(usize) -> Vec<Value> + Send + Sync + 'a,
    ) -> Self {
        Self {
            name: key.to_string(),
            schema: schema(key),
            extra,
            rows: Rows::Made {
                len,
                row: Box::new(row),
            },
        }
    }

    fn push(&mut self, row: Vec<Value>) {
        debug_assert_eq!(
            row.len(),
            self.schema.columns.len() + self.extra_len(),
            "{}",
            self.name
        );
        if let Rows::Built(rows) = &mut self.rows {
            rows.push(row);
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match &self.rows {
            Rows::Built(rows) => rows.len(),
            Rows::Made { len, .. } => *len,
        }
    }

    /// Whether the table has no row.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Row `i` (`i < len`).
    pub fn row(&self, i: usize) -> std::borrow::Cow<'_, [Value]> {
        match &self.rows {
            Rows::Built(rows) => std::borrow::Cow::Borrowed(rows[i].as_slice()),
            Rows::Made { row, .. } => std::borrow::Cow::Owned(row(i)),
        }
    }

    /// Whether the rows are made when read (the tables with a row per country and survey).
    pub fn is_made(&self) -> bool {
        matches!(self.rows, Rows::Made { .. })
    }

    /// The rows in order.
    pub fn rows(&self) -> impl Iterator<Item = std::borrow::Cow<'_, [Value]>> + '_ {
        (0..self.len()).map(move |i| self.row(i))
    }

    /// Number of extra columns.
    pub fn extra_len(&self) -> usize {
        match &self.extra {
            Extra::Nothing => 0,
            Extra::Countries(c) => c.len(),
            Extra::Measures(m) => m.len(),
        }
    }

    /// The kind of the extra columns.
    pub fn extra_kind(&self) -> Kind {
        match self.schema.then {
            Then::Countries(kind) => kind,
            Then::Measures => Kind::Index,
            Then::Nothing => Kind::Text,
        }
    }

    /// Each column's kind and where it is shown, the extra columns included, in row order.
    pub fn layout(&self) -> Vec<(Kind, Shown)> {
        self.schema
            .columns
            .iter()
            .map(|c| (c.kind, c.shown))
            .chain(std::iter::repeat_n(
                (self.extra_kind(), Shown::Both),
                self.extra_len(),
            ))
            .collect()
    }
}

/// Every output table, built from the results and the panel (its values feed `panel`).
pub fn tables<'a>(r: &'a Results, panel: &'a Panel, concordance: &Concordance) -> Vec<Table<'a>> {
    let mut out = vec![
        table1(r),
        table2(r),
        table3(r),
        table4(r),
        components("table5", &r.table5),
        components("table6", &r.table6),
    ];
    out.extend(figures(r));
    out.extend([
        panel_table(panel),
        transitions(r),
        gaps(r),
        latest(r),
        groups(r),
        groups_table1(r),
        sensitivity(r, concordance),
        ranks(r),
        regions(r),
        quality(r),
    ]);
    if let Some(reproduction) = reproduction(r) {
        out.push(reproduction);
    }
    out
}

fn table1(r: &Results) -> Table<'static> {
    let mut t = Table::new("table1", Extra::Nothing);
    for row in &r.table1 {
        t.push(vec![
            Value::trend(row.trend),
            Value::count(usize::from(row.levels)),
            Value::level(row.level),
            Value::count(row.countries.len()),
            Value::Countries(row.countries.clone()),
        ]);
    }
    t
}

fn table2(r: &Results) -> Table<'static> {
    let mut t = Table::new("table2", Extra::Nothing);
    for row in &r.table2 {
        t.push(vec![
            Value::count(usize::from(row.levels)),
            Value::Text(row.path_key()),
            Value::count(row.countries.len()),
            Value::Countries(row.countries.clone()),
        ]);
    }
    t
}

fn table3(r: &Results) -> Table<'static> {
    let mut t = Table::new("table3", Extra::Nothing);
    for row in &r.table3 {
        let mut cells = vec![Value::year(row.year), Value::Measure(row.index)];
        cells.extend(row.counts.iter().map(|&n| Value::count(n)));
        cells.push(Value::count(row.missing));
        t.push(cells);
    }
    t
}

fn table4(r: &Results) -> Table<'static> {
    let mut t = Table::new("table4", Extra::Nothing);
    for row in &r.table4 {
        let mut cells = vec![Value::year(row.year), Value::Stage(row.stage)];
        cells.extend(row.counts.iter().map(|&n| Value::count(n)));
        cells.push(Value::count(row.missing));
        t.push(cells);
    }
    t
}

fn components(key: &'static str, table: &ComponentTable) -> Table<'static> {
    let mut t = Table::new(key, Extra::Countries(table.countries.clone()));
    for row in &table.rows {
        let mut cells = vec![Value::year(row.year), Value::Measure(row.indicator)];
        cells.extend(row.values.iter().map(|&v| Value::optional(v)));
        t.push(cells);
    }
    t
}

fn figures(r: &Results) -> Vec<Table<'static>> {
    r.figures
        .iter()
        .map(|fig| {
            let mut t = Table::new("figure", Extra::Countries(fig.countries.clone()));
            t.name = format!("figure{}", fig.number);
            for (&year, values) in fig.years.iter().zip(&fig.values) {
                let mut cells = vec![Value::year(year)];
                cells.extend(values.iter().map(|&v| Value::optional(v)));
                t.push(cells);
            }
            t
        })
        .collect()
}

fn panel_table(panel: &Panel) -> Table<'_> {
    let years = panel.years.len();
    Table::made(
        "panel",
        Extra::Measures(panel.measures.clone()),
        panel.len() * years,
        move |i| {
            let (c, y) = (i / years, i % years);
            let country = panel.countries[c];
            let mut cells = vec![
                Value::Country(country),
                Value::Country(country),
                Value::Region(panel.regions[c]),
                Value::year(panel.years[y]),
            ];
            cells.extend(
                panel
                    .measures
                    .iter()
                    .map(|&m| Value::optional(panel.value(c, y, m))),
            );
            cells
        },
    )
}

fn transitions(r: &Results) -> Table<'static> {
    let mut t = Table::new("transitions", Extra::Nothing);
    for tr in &r.transitions {
        for (i, &level) in Level::DESCENDING.iter().enumerate() {
            let mut cells = vec![
                Value::Measure(tr.measure),
                Value::year(tr.from),
                Value::year(tr.to),
                Value::Level(level),
            ];
            cells.extend(tr.counts[i].iter().map(|&n| Value::count(n)));
            t.push(cells);
        }
    }
    t
}

fn gaps(r: &Results) -> Table<'static> {
    let mut t = Table::new("gaps", Extra::Nothing);
    for gap in &r.gaps {
        t.push(vec![
            Value::year(gap.year),
            Value::Measure(gap.measure),
            gap.benchmark.map_or_else(
                || Value::word("mean", "benchmark_mean".into()),
                Value::Country,
            ),
            Value::Country(r.focus),
            Value::optional(gap.focus_value),
            Value::optional(gap.benchmark_value),
            Value::optional(gap.difference),
            Value::optional(gap.ratio),
        ]);
    }
    t
}

fn latest(r: &Results) -> Table<'static> {
    let mut t = Table::new("latest", Extra::Nothing);
    if let Some(l) = &r.latest {
        for c in &l.changes {
            t.push(vec![
                Value::Measure(c.measure),
                Value::year(l.from_year),
                Value::year(l.to_year),
                Value::Country(c.country),
                Value::Country(c.country),
                Value::Level(c.from_level),
                Value::Level(c.to_level),
                Value::Number(c.from_value),
                Value::Number(c.to_value),
            ]);
        }
    }
    t
}

fn group_kind(kind: &str) -> Value {
    Value::word(kind, format!("group_kind.{kind}"))
}

fn groups(r: &Results) -> Table<'static> {
    let mut t = Table::new("groups", Extra::Nothing);
    for g in &r.groups {
        let mut cells = vec![
            group_kind(g.kind),
            Value::Text(g.group.clone()),
            Value::year(g.year),
            Value::Measure(g.measure),
            Value::count(g.countries),
            Value::Number(g.mean),
            Value::Number(g.median),
        ];
        cells.extend(g.counts.iter().map(|&n| Value::count(n)));
        cells.push(group_source(&g.source));
        t.push(cells);
    }
    t
}

/// Where a kind of group comes from: English in the CSV, the workbook's words in the workbook.
fn group_source(source: &GroupSource) -> Value {
    let (message, args) = match source {
        GroupSource::M49 => ("m49", Vec::new()),
        GroupSource::IncomeSnapshot { year } => {
            ("income_snapshot", vec![("year", year.to_string())])
        }
        GroupSource::IncomeReference { tables, countries } => (
            "income_reference",
            vec![
                ("tables", tables.join(", ").replace('`', "")),
                ("n", countries.to_string()),
            ],
        ),
        GroupSource::UnLists { date } => ("un_lists", vec![("date", date.to_string())]),
    };
    Value::Word {
        key: source.describe(),
        message: format!("group_source.{message}"),
        args,
    }
}

fn groups_table1(r: &Results) -> Table<'static> {
    let mut t = Table::new("groups_table1", Extra::Nothing);
    for g in &r.groups_table1 {
        t.push(vec![
            group_kind(g.kind),
            Value::Text(g.group.clone()),
            Value::trend(g.trend),
            Value::count(usize::from(g.levels)),
            Value::level(g.level),
            Value::count(g.count),
        ]);
    }
    t
}

fn sensitivity(r: &Results, concordance: &Concordance) -> Table<'static> {
    let mut t = Table::new("sensitivity", Extra::Nothing);
    let Some(s) = &r.sensitivity else {
        return t;
    };
    let margin = s.margin.to_string();
    for n in &s.near {
        t.push(vec![
            Value::Word {
                key: format!("near_threshold_{margin}"),
                message: "variant.near".into(),
                args: vec![("margin", margin.clone())],
            },
            Value::word("panel", "sheet.panel".into()),
            Value::Text(format!("{} {}", s.year, concordance.get(n.country).iso3)),
            Value::Measure(n.measure),
            Value::Number(n.value),
            Value::Number(n.threshold),
        ]);
    }
    for c in &s.changed {
        let message = match c.variant {
            Variant::OtherBoundaries => "variant.other_boundaries",
            Variant::ThresholdsPlus => "variant.plus",
            Variant::ThresholdsMinus => "variant.minus",
        };
        t.push(vec![
            Value::Word {
                key: c.variant.key(s.margin),
                message: message.into(),
                args: vec![("margin", margin.clone())],
            },
            Value::word(c.table, format!("sheet.{}", c.table)),
            Value::Text(c.row.clone()),
            Value::word(c.column, format!("column.{}", c.column)),
            Value::count(c.value),
            Value::count(c.baseline),
        ]);
    }
    t
}

fn ranks(r: &Results) -> Table<'_> {
    Table::made("ranks", Extra::Nothing, r.ranks.len(), move |i| {
        let row = &r.ranks[i];
        vec![
            Value::Country(row.country),
            Value::Country(row.country),
            Value::year(row.year),
            Value::Int(i64::from(row.rank)),
            Value::word(
                row.source.key(),
                format!("rank_source.{}", row.source.key()),
            ),
            row.change.map_or(Value::NotApplicable, Value::Int),
        ]
    })
}

fn regions(r: &Results) -> Table<'static> {
    let mut t = Table::new("regions", Extra::Nothing);
    for row in &r.regions {
        t.push(vec![
            Value::Region(row.region),
            Value::count(row.input_countries),
            Value::count(row.panel_countries),
        ]);
    }
    t
}

fn quality(r: &Results) -> Table<'static> {
    let mut t = Table::new("quality", Extra::Nothing);
    for f in &r.findings {
        let country = f.country.map_or(Value::NotApplicable, Value::Country);
        t.push(vec![
            Value::word(f.kind.key(), format!("finding.{}", f.kind.key())),
            country.clone(),
            country,
            f.year.map_or(Value::NotApplicable, Value::year),
            f.measure.map_or(Value::NotApplicable, Value::Measure),
            f.value.map_or(Value::NotApplicable, Value::Number),
            Value::level(f.level),
            Value::Text(f.detail.clone()),
        ]);
    }
    t
}

fn reproduction(r: &Results) -> Option<Table<'static>> {
    let differences = r.reproduction.as_ref()?;
    let mut t = Table::new("reproduction", Extra::Nothing);
    // Published and computed values are numbers where they are numbers.
    let value = |text: &str| match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Value::Number(v),
        _ if text.is_empty() => Value::Missing,
        _ => Value::Text(text.to_string()),
    };
    for d in differences {
        t.push(vec![
            Value::Text(d.table.clone()),
            Value::Text(d.row.clone()),
            Value::Text(d.column.clone()),
            value(&d.published),
            value(&d.computed),
        ]);
    }
    Some(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_has_one_schema_with_unique_columns() {
        let keys: std::collections::BTreeSet<&str> = SCHEMAS.iter().map(|s| s.key).collect();
        assert_eq!(keys.len(), SCHEMAS.len(), "a table key is defined twice");
        for s in &SCHEMAS {
            let columns: std::collections::BTreeSet<&str> =
                s.columns.iter().map(|c| c.key).collect();
            assert_eq!(columns.len(), s.columns.len(), "{}: a column twice", s.key);
            assert!(!s.columns.is_empty(), "{}", s.key);
        }
    }
}
