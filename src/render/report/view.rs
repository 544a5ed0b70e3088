//! The report view: every sentence, number and table cell of `report.md` and `report.html`.
//!
//! Consumes the [`RenderContext`] and the message catalogue; produces a typed [`ReportView`]
//! that both templates render, so the two formats cannot disagree. Sentences are patterns from
//! the catalogue filled with numbers computed here; nothing is recomputed from the panel that
//! `analysis` already produced, and nothing here knows template syntax or touches the disk.

use std::collections::BTreeMap;

use serde::Serialize;

use super::text::{
    PREFIX, Text, component_value, difference_value, index_value, measure_value, ratio_value,
    threshold_value,
};
use crate::analysis::Results;
use crate::analysis::beyond::{FigureSeries, Gap};
use crate::analysis::levels::{Level, Side};
use crate::analysis::quality::{Finding, FindingKind};
use crate::analysis::tables::{ComponentTable, Trend};
use crate::config::Lang;
use crate::error::Result;
use crate::ingest::FileKind;
use crate::model::{Measure, Year};
use crate::normalise::country::CountryId;
use crate::render::RenderContext;
use crate::render::i18n::Catalogue;

/// Everything the report templates show.
#[derive(Debug, Clone, Serialize)]
pub struct ReportView {
    /// The document language tag (`en`, `zh-Hans`).
    pub lang: &'static str,
    /// The title.
    pub title: String,
    /// What was analysed, in one line.
    pub subtitle: String,
    /// The closing line (tool and version).
    pub footer: String,
    /// The static labels of the templates: the catalogue's `report.*` messages, nested.
    pub t: BTreeMap<String, Message>,
    /// The main findings, one sentence each.
    pub summary: Vec<String>,
    /// Section 1: inputs and panel.
    pub data: DataView,
    /// Section 2: EGDI levels (Tables 1-2).
    pub levels: LevelsView,
    /// Section 3: OSI, TII, HCI (Table 3) and level transitions.
    pub indices: IndicesView,
    /// Section 4: OSI stages (Table 4).
    pub stages: StagesView,
    /// Section 5: benchmarks (Figures 1-4, Tables 5-6, gaps).
    pub benchmark: BenchmarkView,
    /// Section 6: data-quality notes.
    pub quality: QualityView,
    /// Section 7: the reproduction check.
    pub reproduction: ReproductionView,
    /// Appendix: the rules applied.
    pub method: MethodView,
}

/// A catalogue message or a group of them (`t.section.data`).
#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Message {
    /// One message.
    Text(String),
    /// Messages under a common key.
    Group(BTreeMap<String, Message>),
}

/// A table, ready to lay out: header labels and display text per cell.
#[derive(Debug, Clone, Serialize)]
pub struct TableView {
    /// The anchor (`table1`, `inputs`).
    pub id: String,
    /// The caption (`Table 1. ...`).
    pub caption: String,
    /// An optional header row above the column labels; spans add up to the column count.
    pub groups: Vec<HeaderGroup>,
    /// The columns.
    pub columns: Vec<Column>,
    /// How many leading cells of each row are row headers.
    pub row_headers: usize,
    /// The cells.
    pub rows: Vec<Vec<String>>,
}

/// A label spanning several columns.
#[derive(Debug, Clone, Serialize)]
pub struct HeaderGroup {
    /// The label (empty above ungrouped columns).
    pub label: String,
    /// Columns spanned.
    pub span: usize,
}

/// A column of a table.
#[derive(Debug, Clone, Serialize)]
pub struct Column {
    /// The label under its group.
    pub label: String,
    /// The label with its group, for formats with a single header row.
    pub full_label: String,
    /// Whether the cells are numbers (right-aligned).
    pub numeric: bool,
}

/// A figure: the SVG inlined by HTML, the file linked by Markdown.
#[derive(Debug, Clone, Serialize)]
pub struct FigureView {
    /// The anchor (`figure1`).
    pub id: String,
    /// The caption.
    pub caption: String,
    /// The SVG file, relative to the report.
    pub path: String,
    /// The SVG markup.
    pub svg: String,
}

/// Section 1.
#[derive(Debug, Clone, Serialize)]
pub struct DataView {
    /// Surveys, panel, exclusions in sentences.
    pub paragraphs: Vec<String>,
    /// The input files with their SHA-256.
    pub inputs: TableView,
    /// The input's README, quoted.
    pub readme: Option<String>,
    /// Panel composition by region.
    pub regions: TableView,
    /// The countries left out and why (none when every country is in the panel).
    pub exclusions: Option<TableView>,
}

/// Section 2.
#[derive(Debug, Clone, Serialize)]
pub struct LevelsView {
    /// Sentences about Table 1.
    pub paragraphs: Vec<String>,
    /// Table 1.
    pub table1: TableView,
    /// Sentences about Table 2.
    pub paths: Vec<String>,
    /// Table 2.
    pub table2: TableView,
}

/// Section 3.
#[derive(Debug, Clone, Serialize)]
pub struct IndicesView {
    /// Sentences about Table 3.
    pub paragraphs: Vec<String>,
    /// Table 3.
    pub table3: TableView,
    /// Level changes between consecutive surveys, per index.
    pub transitions: TableView,
}

/// Section 4.
#[derive(Debug, Clone, Serialize)]
pub struct StagesView {
    /// Sentences about Table 4.
    pub paragraphs: Vec<String>,
    /// Table 4 (none when no survey has stage data).
    pub table4: Option<TableView>,
}

/// Section 5.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkView {
    /// Who is compared with whom, and the overall picture.
    pub paragraphs: Vec<String>,
    /// One part per index: EGDI, OSI, TII (with Table 5), HCI (with Table 6).
    pub parts: Vec<BenchmarkPart>,
    /// The gaps to each benchmark and to their mean.
    pub gaps: Option<TableView>,
}

/// One index of the benchmark analysis.
#[derive(Debug, Clone, Serialize)]
pub struct BenchmarkPart {
    /// The anchor (`benchmark-tii`).
    pub id: String,
    /// The heading.
    pub heading: String,
    /// The figure.
    pub figure: Option<FigureView>,
    /// Sentences.
    pub paragraphs: Vec<String>,
    /// Table 5 or 6, for TII and HCI.
    pub table: Option<TableView>,
}

/// Section 6.
#[derive(Debug, Clone, Serialize)]
pub struct QualityView {
    /// The findings grouped by kind, in the analysis order.
    pub groups: Vec<FindingGroup>,
    /// The weighted-components check per survey.
    pub weighted: TableView,
    /// The run's warnings.
    pub warnings: Vec<String>,
}

/// The findings of one kind.
#[derive(Debug, Clone, Serialize)]
pub struct FindingGroup {
    /// The kind's key (`on_boundary`).
    pub kind: &'static str,
    /// The heading.
    pub heading: String,
    /// What the group says as a whole.
    pub summary: String,
    /// One line per finding (empty when another section lists them).
    pub items: Vec<String>,
}

/// Section 7.
#[derive(Debug, Clone, Serialize)]
pub struct ReproductionView {
    /// Whether a reference was given.
    pub ran: bool,
    /// The outcome in one sentence.
    pub summary: String,
    /// The differences (none when there are none).
    pub table: Option<TableView>,
}

/// The appendix.
#[derive(Debug, Clone, Serialize)]
pub struct MethodView {
    /// The panel rule and the value conventions.
    pub paragraphs: Vec<String>,
    /// The level rule, one line per level, very high first.
    pub level_rule: Vec<String>,
    /// Where values exactly on a threshold go.
    pub boundaries: Vec<String>,
    /// The names that needed an alias in this run.
    pub aliases: Option<TableView>,
}

/// Builds the view.
///
/// # Errors
/// [`crate::error::Error::Render`] for a missing or malformed catalogue message, or from the
/// figure renderer.
pub fn build(ctx: &RenderContext<'_>, cat: &Catalogue) -> Result<ReportView> {
    let b = Builder {
        ctx,
        r: ctx.results,
        tx: Text::new(cat, &ctx.normalised.concordance),
        cat,
    };
    b.view()
}

struct Builder<'a> {
    ctx: &'a RenderContext<'a>,
    r: &'a Results,
    tx: Text<'a>,
    cat: &'a Catalogue,
}

/// Builds a [`TableView`] column by column.
struct TableBuilder {
    view: TableView,
}

impl TableBuilder {
    fn new(id: &str, caption: String, row_headers: usize) -> Self {
        Self {
            view: TableView {
                id: id.into(),
                caption,
                groups: Vec::new(),
                columns: Vec::new(),
                row_headers,
                rows: Vec::new(),
            },
        }
    }

    fn col(mut self, label: String, numeric: bool) -> Self {
        self.view.groups.push(HeaderGroup {
            label: String::new(),
            span: 1,
        });
        self.view.columns.push(Column {
            full_label: label.clone(),
            label,
            numeric,
        });
        self
    }

    /// Numeric columns under a common label; `labels` are (label, label with the group).
    fn group(mut self, group: String, labels: Vec<(String, String)>) -> Self {
        self.view.groups.push(HeaderGroup {
            label: group,
            span: labels.len(),
        });
        for (label, full_label) in labels {
            self.view.columns.push(Column {
                label,
                full_label,
                numeric: true,
            });
        }
        self
    }

    fn row(&mut self, cells: Vec<String>) {
        debug_assert_eq!(cells.len(), self.view.columns.len());
        self.view.rows.push(cells);
    }

    fn finish(mut self) -> TableView {
        // A group row is only worth showing when some column belongs to a group.
        if self.view.groups.iter().all(|g| g.label.is_empty()) {
            self.view.groups.clear();
        }
        self.view
    }
}

/// Consecutive equal items as (item, first index, last index).
fn runs<T: PartialEq + Copy>(items: &[T]) -> Vec<(T, usize, usize)> {
    let mut out: Vec<(T, usize, usize)> = Vec::new();
    for (i, &item) in items.iter().enumerate() {
        match out.last_mut() {
            Some(run) if run.0 == item => run.2 = i,
            _ => out.push((item, i, i)),
        }
    }
    out
}

impl Builder<'_> {
    fn view(&self) -> Result<ReportView> {
        let levels = self.levels()?;
        let benchmark = self.benchmark()?;
        let reproduction = self.reproduction()?;
        let mut summary = vec![self.levels_headline()?];
        summary.extend(self.focus_history()?);
        summary.extend(self.largest_gap()?);
        summary.push(reproduction.summary.clone());
        Ok(ReportView {
            lang: match self.cat.lang() {
                Lang::En => "en",
                Lang::Zh => "zh-Hans",
            },
            title: match &self.ctx.config.title {
                Some(t) => t.clone(),
                None => self.cat.get("title")?.to_string(),
            },
            subtitle: self.tx.fill(
                "subtitle",
                &[
                    ("years", &self.tx.years(self.first(), self.last())?),
                    ("n", &self.r.panel_size),
                ],
            )?,
            footer: self
                .tx
                .fill("footer", &[("version", &env!("CARGO_PKG_VERSION"))])?,
            t: self.messages(),
            summary,
            data: self.data()?,
            levels,
            indices: self.indices()?,
            stages: self.stages()?,
            benchmark,
            quality: self.quality()?,
            reproduction,
            method: self.method()?,
        })
    }

    /// The `report.*` messages as a tree, for `t.section.data` style lookups.
    fn messages(&self) -> BTreeMap<String, Message> {
        let mut root = BTreeMap::new();
        for (key, text) in self.cat.messages() {
            let Some(key) = key.strip_prefix(PREFIX) else {
                continue;
            };
            let mut parts: Vec<&str> = key.split('.').collect();
            let leaf = parts.pop().expect("split yields one part at least");
            let mut node = &mut root;
            for part in parts {
                let entry = node
                    .entry(part.to_string())
                    .or_insert_with(|| Message::Group(BTreeMap::new()));
                node = match entry {
                    Message::Group(g) => g,
                    // TOML keys cannot be both a string and a table, so this never happens.
                    Message::Text(_) => unreachable!("`{key}` is both a message and a group"),
                };
            }
            node.insert(leaf.to_string(), Message::Text(text.clone()));
        }
        root
    }

    fn first(&self) -> Year {
        self.r.years[0]
    }

    fn last(&self) -> Year {
        *self.r.years.last().expect("a panel has survey years")
    }

    fn caption(&self, kind: &str, number: u8, title: &str) -> Result<String> {
        self.tx.fill(
            &format!("{kind}.caption"),
            &[("n", &number), ("title", &title)],
        )
    }

    fn names(&self, countries: &[CountryId]) -> Vec<String> {
        countries.iter().map(|&c| self.tx.country(c)).collect()
    }

    // ---- Section 1: data and panel ----

    fn data(&self) -> Result<DataView> {
        let tx = &self.tx;
        let years: Vec<String> = self.r.years.iter().map(ToString::to_string).collect();
        let mut paragraphs = vec![tx.fill(
            "data.surveys",
            &[("count", &years.len()), ("years", &tx.list(&years)?)],
        )?];
        let regions: Vec<String> = self
            .r
            .regions
            .iter()
            .filter(|r| r.panel_countries > 0)
            .map(|r| {
                tx.fill(
                    "data.region_count",
                    &[
                        ("count", &r.panel_countries),
                        ("region", &tx.get(&format!("region.{}", r.region.name()))?),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        let measures: Vec<String> = self
            .ctx
            .config
            .required_measures
            .iter()
            .map(|&m| tx.measure(m))
            .collect::<Result<_>>()?;
        let panel_key = if self.ctx.panel.fixed {
            "data.panel_fixed"
        } else {
            "data.panel"
        };
        paragraphs.push(tx.plural(
            panel_key,
            self.r.panel_size,
            &[
                ("measures", &tx.list(&measures)?),
                ("regions", &tx.list(&regions)?),
            ],
        )?);
        let excluded = self.ctx.panel.exclusions.len();
        paragraphs.push(if excluded == 0 {
            tx.get("data.excluded_none")?
        } else {
            tx.plural("data.excluded", excluded, &[])?
        });
        Ok(DataView {
            paragraphs,
            inputs: self.inputs()?,
            readme: self.ctx.ingested.readme.clone(),
            regions: self.regions()?,
            exclusions: (excluded > 0).then(|| self.exclusions()).transpose()?,
        })
    }

    fn inputs(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("inputs", tx.get("inputs.caption")?, 1)
            .col(tx.get("inputs.file")?, false)
            .col(tx.get("inputs.kind")?, false)
            .col(tx.get("inputs.bytes")?, true)
            .col(tx.get("inputs.sha256")?, false);
        for f in &self.ctx.ingested.files {
            let kind = match f.kind {
                FileKind::Csv => "csv",
                FileKind::Workbook => "workbook",
                FileKind::Skipped => "skipped",
            };
            t.row(vec![
                f.name.clone(),
                tx.get(&format!("inputs.kinds.{kind}"))?,
                f.bytes.to_string(),
                f.sha256.chars().take(12).collect(),
            ]);
        }
        Ok(t.finish())
    }

    fn regions(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("regions", tx.get("regions.caption")?, 1)
            .col(tx.get("regions.region")?, false)
            .col(tx.get("regions.input")?, true)
            .col(tx.get("regions.panel")?, true);
        for r in &self.r.regions {
            t.row(vec![
                tx.get(&format!("region.{}", r.region.name()))?,
                r.input_countries.to_string(),
                r.panel_countries.to_string(),
            ]);
        }
        let total = |f: fn(&crate::analysis::beyond::RegionRow) -> usize| {
            self.r.regions.iter().map(f).sum::<usize>().to_string()
        };
        t.row(vec![
            tx.get("regions.total")?,
            total(|r| r.input_countries),
            total(|r| r.panel_countries),
        ]);
        Ok(t.finish())
    }

    fn exclusions(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("exclusions", tx.get("exclusions.caption")?, 1)
            .col(tx.get("exclusions.country")?, false)
            .col(tx.get("exclusions.iso3")?, false)
            .col(tx.get("exclusions.reason")?, false);
        for e in &self.ctx.panel.exclusions {
            let gaps: Vec<String> = e
                .gaps
                .iter()
                .map(|g| self.gap_reason(g))
                .collect::<Result<_>>()?;
            t.row(vec![
                tx.country(e.country),
                tx.iso3(e.country).to_string(),
                gaps.join(&tx.get("exclusions.sep")?),
            ]);
        }
        Ok(t.finish())
    }

    /// Why one survey of a country is unusable, in words (`2010: EGDI 0, HCI missing`).
    fn gap_reason(&self, gap: &crate::panel::Gap) -> Result<String> {
        let tx = &self.tx;
        let mut parts = Vec::new();
        if gap.absent {
            parts.push(tx.get("exclusions.absent")?);
        }
        if gap.egdi_zero {
            parts.push(tx.get("exclusions.egdi_zero")?);
        }
        if !gap.missing.is_empty() {
            let measures: Vec<String> = gap
                .missing
                .iter()
                .map(|&m| tx.measure(m))
                .collect::<Result<_>>()?;
            parts.push(tx.fill("exclusions.missing", &[("measures", &tx.list(&measures)?)])?);
        }
        tx.fill(
            "exclusions.gap",
            &[("year", &gap.year), ("why", &tx.join(&parts)?)],
        )
    }

    // ---- Section 2: EGDI levels ----

    fn trend_total(&self, trend: Trend) -> usize {
        self.r
            .table1
            .iter()
            .filter(|row| row.trend == trend)
            .map(|row| row.countries.len())
            .sum()
    }

    fn levels_headline(&self) -> Result<String> {
        let kept = self.trend_total(Trend::Maintained);
        self.tx.plural(
            "levels.headline",
            kept,
            &[
                ("kept", &kept),
                ("rose", &self.trend_total(Trend::Rose)),
                ("fell", &self.trend_total(Trend::Fell)),
                ("total", &self.r.panel_size),
                ("first", &self.first()),
                ("last", &self.last()),
            ],
        )
    }

    fn levels(&self) -> Result<LevelsView> {
        let tx = &self.tx;
        let mut paragraphs = vec![self.levels_headline()?];
        let stayed: Vec<String> = self
            .r
            .table1
            .iter()
            .filter(|row| row.trend == Trend::Maintained && !row.countries.is_empty())
            .map(|row| {
                let level = row.level.expect("maintained rows have a level");
                tx.fill(
                    "levels.stayed",
                    &[
                        ("count", &row.countries.len()),
                        ("level", &tx.level_quoted(level)?),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        if !stayed.is_empty() {
            paragraphs.push(tx.fill("levels.stayed_detail", &[("list", &tx.list(&stayed)?)])?);
        }
        for (trend, key) in [(Trend::Rose, "rose"), (Trend::Fell, "fell")] {
            // A single country's change is already in the headline and in Table 1.
            let total = self.trend_total(trend);
            if total < 2 {
                continue;
            }
            let by: Vec<String> = self
                .r
                .table1
                .iter()
                .filter(|row| row.trend == trend)
                .map(|row| {
                    tx.plural(
                        &format!("levels.{key}_by"),
                        usize::from(row.levels),
                        &[("count", &row.countries.len())],
                    )
                })
                .collect::<Result<_>>()?;
            paragraphs.push(tx.fill(
                &format!("levels.{key}_detail"),
                &[("total", &total), ("list", &tx.list(&by)?)],
            )?);
        }
        paragraphs.extend(self.focus_history()?);
        Ok(LevelsView {
            paragraphs,
            table1: self.table1()?,
            paths: self.paths()?,
            table2: self.table2()?,
        })
    }

    /// The focus country's EGDI levels over the surveys, in one sentence.
    fn focus_history(&self) -> Result<Option<String>> {
        let tx = &self.tx;
        let focus = self.r.focus;
        let country = tx.country(focus);
        let Some(position) = self.ctx.panel.position(focus) else {
            return Ok(Some(
                tx.fill("levels.focus_absent", &[("country", &country)])?,
            ));
        };
        let levels: Vec<Level> = (0..self.r.years.len())
            .map(|y| {
                self.r
                    .levels
                    .classify(self.ctx.panel.value(position, y, Measure::Egdi))
            })
            .collect();
        let history: Vec<String> = runs(&levels)
            .into_iter()
            .map(|(level, from, to)| {
                tx.fill(
                    "levels.history_item",
                    &[
                        ("level", &tx.level_quoted(level)?),
                        ("years", &tx.years(self.r.years[from], self.r.years[to])?),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        let (first, last) = (levels[0], levels[levels.len() - 1]);
        let key = if first == last {
            "levels.focus_kept"
        } else {
            "levels.focus_changed"
        };
        Ok(Some(tx.fill(
            key,
            &[
                ("country", &country),
                ("from", &tx.level_quoted(first)?),
                ("to", &tx.level_quoted(last)?),
                ("first", &self.first()),
                ("last", &self.last()),
                ("history", &tx.join(&history)?),
            ],
        )?))
    }

    /// At most `representatives` names, the focus country always among them, then `…`.
    fn representatives(&self, countries: &[CountryId]) -> Result<String> {
        let max = self.ctx.config.representatives;
        let focus = self.r.focus;
        let mut shown: Vec<CountryId> = countries.iter().copied().take(max).collect();
        if countries.len() > max && countries[max..].contains(&focus) {
            shown.truncate(max - 1);
            shown.push(focus);
        }
        let mut names = self.names(&shown);
        if countries.len() > shown.len() {
            names.push(self.tx.get("ellipsis")?);
        }
        self.tx.join(&names)
    }

    fn table1(&self) -> Result<TableView> {
        let tx = &self.tx;
        let title = tx.fill(
            "table1.title",
            &[
                ("n", &self.r.panel_size),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        let mut t = TableBuilder::new("table1", self.caption("table", 1, &title)?, 2)
            .col(tx.get("table1.trend")?, false)
            .col(tx.get("table1.change")?, false)
            .col(tx.get("table1.count")?, true)
            .col(tx.get("table1.countries")?, false);
        for row in &self.r.table1 {
            let change = match row.level {
                Some(level) => tx.fill("table1.stayed", &[("level", &tx.level_quoted(level)?)])?,
                None => tx.plural(
                    &format!("table1.{}", row.trend.key()),
                    usize::from(row.levels),
                    &[],
                )?,
            };
            t.row(vec![
                tx.get(&format!("trend.{}", row.trend.key()))?,
                change,
                row.countries.len().to_string(),
                self.representatives(&row.countries)?,
            ]);
        }
        Ok(t.finish())
    }

    fn path(&self, path: &[Level]) -> Result<String> {
        let levels: Vec<String> = path
            .iter()
            .map(|&l| self.tx.level_quoted(l))
            .collect::<Result<_>>()?;
        Ok(levels.join(&self.tx.get("path_sep")?))
    }

    fn paths(&self) -> Result<Vec<String>> {
        let rose = self.trend_total(Trend::Rose);
        let Some(common) = self.r.table2.iter().max_by(|a, b| {
            a.countries
                .len()
                .cmp(&b.countries.len())
                .then(b.levels.cmp(&a.levels))
        }) else {
            return Ok(vec![self.tx.get("levels.no_rises")?]);
        };
        Ok(vec![self.tx.fill(
            "levels.paths",
            &[
                ("rose", &rose),
                ("count", &self.r.table2.len()),
                ("path", &self.path(&common.path)?),
                ("common", &common.countries.len()),
            ],
        )?])
    }

    fn table2(&self) -> Result<TableView> {
        let tx = &self.tx;
        let title = tx.fill(
            "table2.title",
            &[
                ("n", &self.trend_total(Trend::Rose)),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        let mut t = TableBuilder::new("table2", self.caption("table", 2, &title)?, 2)
            .col(tx.get("table2.levels")?, true)
            .col(tx.get("table2.path")?, false)
            .col(tx.get("table2.count")?, true);
        for row in &self.r.table2 {
            t.row(vec![
                row.levels.to_string(),
                self.path(&row.path)?,
                row.countries.len().to_string(),
            ]);
        }
        Ok(t.finish())
    }

    // ---- Section 3: OSI, TII, HCI ----

    fn level_labels(&self) -> Result<Vec<String>> {
        Level::DESCENDING
            .iter()
            .map(|&l| self.tx.level(l))
            .collect()
    }

    /// Column labels under a group, each with its form qualified by `group` (a short name of
    /// the group, for single-row headers).
    fn grouped(&self, group: &str, labels: Vec<String>) -> Result<Vec<(String, String)>> {
        labels
            .into_iter()
            .map(|label| {
                let full = self
                    .tx
                    .fill("column_in_group", &[("group", &group), ("column", &label)])?;
                Ok((label, full))
            })
            .collect()
    }

    fn indices(&self) -> Result<IndicesView> {
        let tx = &self.tx;
        let title = tx.fill(
            "table3.title",
            &[
                ("n", &self.r.panel_size),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        let mut t = TableBuilder::new("table3", self.caption("table", 3, &title)?, 1)
            .col(tx.get("table3.year")?, false);
        for index in Measure::SUB_INDICES {
            let name = tx.get(&format!("index_name.{}", index.key()))?;
            let labels = self.grouped(&tx.measure(index)?, self.level_labels()?)?;
            t = t.group(name, labels);
        }
        for year in &self.r.years {
            let mut cells = vec![year.to_string()];
            for row in self.r.table3.iter().filter(|row| row.year == *year) {
                cells.extend(row.counts.iter().map(ToString::to_string));
            }
            t.row(cells);
        }

        let high = |year: Year, index: Measure| {
            self.r
                .table3
                .iter()
                .find(|row| row.year == year && row.index == index)
                .map_or(0, |row| row.counts[0] + row.counts[1])
        };
        let mut paragraphs = Vec::new();
        for index in Measure::SUB_INDICES {
            paragraphs.push(tx.fill(
                "indices.high",
                &[
                    ("index", &tx.measure(index)?),
                    ("first", &self.first()),
                    ("first_count", &high(self.first(), index)),
                    ("last", &self.last()),
                    ("last_count", &high(self.last(), index)),
                    ("n", &self.r.panel_size),
                ],
            )?);
        }
        for (rescaled, key) in [(false, "indices.weighted"), (true, "indices.rescaled")] {
            let years: Vec<String> = self
                .r
                .weighted
                .iter()
                .filter(|w| w.weighted && w.rescaled == rescaled)
                .map(|w| w.year.to_string())
                .collect();
            if !years.is_empty() {
                paragraphs.push(tx.fill(key, &[("years", &tx.list(&years)?)])?);
            }
        }
        Ok(IndicesView {
            paragraphs,
            table3: t.finish(),
            transitions: self.transitions()?,
        })
    }

    fn transitions(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("transitions", tx.get("transitions.caption")?, 2)
            .col(tx.get("transitions.index")?, false)
            .col(tx.get("transitions.surveys")?, false)
            .col(tx.get("transitions.kept")?, true)
            .col(tx.get("transitions.rose")?, true)
            .col(tx.get("transitions.fell")?, true);
        for tr in &self.r.transitions {
            // Rows and columns run very high first: below the diagonal is a rise.
            let (mut kept, mut rose, mut fell) = (0, 0, 0);
            for (i, row) in tr.counts.iter().enumerate() {
                for (j, &n) in row.iter().enumerate() {
                    match j.cmp(&i) {
                        std::cmp::Ordering::Equal => kept += n,
                        std::cmp::Ordering::Less => rose += n,
                        std::cmp::Ordering::Greater => fell += n,
                    }
                }
            }
            t.row(vec![
                tx.measure(tr.measure)?,
                tx.years(tr.from, tr.to)?,
                kept.to_string(),
                rose.to_string(),
                fell.to_string(),
            ]);
        }
        Ok(t.finish())
    }

    // ---- Section 4: stages ----

    fn stages(&self) -> Result<StagesView> {
        let tx = &self.tx;
        if self.r.table4.is_empty() {
            return Ok(StagesView {
                paragraphs: vec![tx.get("stages.none")?],
                table4: None,
            });
        }
        let mut years: Vec<Year> = self.r.table4.iter().map(|row| row.year).collect();
        years.dedup();
        let title = tx.fill(
            "table4.title",
            &[
                ("n", &self.r.panel_size),
                (
                    "years",
                    &tx.list(&years.iter().map(ToString::to_string).collect::<Vec<_>>())?,
                ),
            ],
        )?;
        let level_group = tx.get("table4.level")?;
        let labels = self.grouped(&level_group, self.level_labels()?)?;
        let mut t = TableBuilder::new("table4", self.caption("table", 4, &title)?, 2)
            .col(tx.get("table4.year")?, false)
            .col(tx.get("table4.stage")?, false)
            .group(level_group, labels)
            .col(tx.get("table4.missing")?, true);
        let mut paragraphs = Vec::new();
        for &year in &years {
            let rows: Vec<_> = self.r.table4.iter().filter(|r| r.year == year).collect();
            for row in &rows {
                let mut cells = vec![year.to_string(), tx.get(&format!("stage.{}", row.stage))?];
                cells.extend(row.counts.iter().map(ToString::to_string));
                cells.push(row.missing.to_string());
                t.row(cells);
            }
            let high: Vec<String> = rows
                .iter()
                .map(|r| (r.counts[0] + r.counts[1]).to_string())
                .collect();
            paragraphs.push(tx.fill(
                "stages.year",
                &[
                    ("year", &year),
                    ("counts", &tx.list(&high)?),
                    ("first_very_high", &rows.first().map_or(0, |r| r.counts[0])),
                ],
            )?);
            let missing = rows.iter().map(|r| r.missing).max().unwrap_or(0);
            if missing > 0 {
                paragraphs.push(tx.plural("stages.missing", missing, &[("year", &year)])?);
            }
        }
        Ok(StagesView {
            paragraphs,
            table4: Some(t.finish()),
        })
    }

    // ---- Section 5: benchmarks ----

    fn mean_gap(&self, year: Year, measure: Measure) -> Option<&Gap> {
        self.r
            .gaps
            .iter()
            .find(|g| g.year == year && g.measure == measure && g.benchmark.is_none())
    }

    /// The survey in which the focus country is furthest behind the benchmark mean, among the
    /// sub-indices of the last survey: (furthest, closest) by ratio.
    fn largest_gap(&self) -> Result<Option<String>> {
        let year = self.last();
        let mut ratios: Vec<(Measure, f64)> = Measure::SUB_INDICES
            .iter()
            .filter_map(|&m| self.mean_gap(year, m).and_then(|g| g.ratio).map(|r| (m, r)))
            .collect();
        if ratios.len() < 2 {
            return Ok(None);
        }
        ratios.sort_by(|a, b| a.1.total_cmp(&b.1));
        let (furthest, closest) = (ratios[0], ratios[ratios.len() - 1]);
        Ok(Some(self.tx.fill(
            "benchmark.largest",
            &[
                ("year", &year),
                ("country", &self.tx.country(self.r.focus)),
                ("furthest", &self.tx.measure(furthest.0)?),
                ("furthest_ratio", &ratio_value(furthest.1)),
                ("closest", &self.tx.measure(closest.0)?),
                ("closest_ratio", &ratio_value(closest.1)),
            ],
        )?))
    }

    fn benchmark(&self) -> Result<BenchmarkView> {
        let tx = &self.tx;
        let benchmarks = self.names(&self.r.benchmarks);
        let mut paragraphs = vec![tx.fill(
            "benchmark.intro",
            &[
                ("country", &tx.country(self.r.focus)),
                ("benchmarks", &tx.list(&benchmarks)?),
            ],
        )?];
        paragraphs.extend(self.largest_gap()?);
        let mut parts = Vec::new();
        for figure in &self.r.figures {
            let measure = figure.measure;
            let mut part_paragraphs = self.index_sentences(figure)?;
            let table = match measure {
                Measure::Tii => Some((5, &self.r.table5)),
                Measure::Hci => Some((6, &self.r.table6)),
                _ => None,
            };
            let table = match table {
                Some((number, components)) => {
                    part_paragraphs.extend(self.component_sentences(components)?);
                    self.component_table(number, components)?
                }
                None => None,
            };
            parts.push(BenchmarkPart {
                id: format!("benchmark-{}", measure.key().to_lowercase()),
                heading: tx.get(&format!("benchmark.heading.{}", measure.key()))?,
                figure: Some(self.figure(figure)?),
                paragraphs: part_paragraphs,
                table,
            });
        }
        Ok(BenchmarkView {
            paragraphs,
            parts,
            gaps: self.gaps_table()?,
        })
    }

    fn figure(&self, figure: &FigureSeries) -> Result<FigureView> {
        let tx = &self.tx;
        let title = tx.fill(
            "figure.title",
            &[
                ("index", &tx.measure(figure.measure)?),
                ("countries", &tx.list(&self.names(&figure.countries))?),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        Ok(FigureView {
            id: format!("figure{}", figure.number),
            caption: self.caption("figure", figure.number, &title)?,
            path: format!("figures/figure{}.svg", figure.number),
            svg: super::inline_svg(&crate::render::charts::figure_svg(
                self.ctx, self.cat, figure,
            )?),
        })
    }

    /// The focus country against the benchmark mean in the last two surveys, and the leader.
    fn index_sentences(&self, figure: &FigureSeries) -> Result<Vec<String>> {
        let tx = &self.tx;
        let measure = figure.measure;
        let country = tx.country(self.r.focus);
        let index = tx.measure(measure)?;
        let mut out = Vec::new();
        let years = &self.r.years[self.r.years.len().saturating_sub(2)..];
        let gaps: Vec<&Gap> = years
            .iter()
            .filter_map(|&y| self.mean_gap(y, measure))
            .filter(|g| g.difference.is_some())
            .collect();
        if let Some(last) = gaps.last() {
            let (value, mean, diff) = (
                last.focus_value.unwrap_or_default(),
                last.benchmark_value.unwrap_or_default(),
                last.difference.unwrap_or_default(),
            );
            let key = if diff < 0.0 {
                "benchmark.below"
            } else {
                "benchmark.above"
            };
            out.push(tx.fill(
                key,
                &[
                    ("year", &last.year),
                    ("country", &country),
                    ("index", &index),
                    ("value", &index_value(value)),
                    ("difference", &index_value(diff.abs())),
                    ("mean", &index_value(mean)),
                    ("ratio", &last.ratio.map_or_else(String::new, ratio_value)),
                ],
            )?);
        }
        if let [before, after] = gaps.as_slice() {
            let (d0, d1) = (
                before.difference.unwrap_or_default().abs(),
                after.difference.unwrap_or_default().abs(),
            );
            // Compared as shown, so that the sentence never contradicts its own numbers.
            let key = if index_value(d0) == index_value(d1) {
                "benchmark.gap_same"
            } else if d1 < d0 {
                "benchmark.gap_narrowed"
            } else {
                "benchmark.gap_widened"
            };
            out.push(tx.fill(
                key,
                &[
                    ("from_year", &before.year),
                    ("from", &index_value(d0)),
                    ("to_year", &after.year),
                    ("to", &index_value(d1)),
                ],
            )?);
        }
        // The leading country of the last survey among those compared.
        let last_values = figure.values.last().map(Vec::as_slice).unwrap_or_default();
        let leader = figure
            .countries
            .iter()
            .zip(last_values)
            .filter_map(|(&c, v)| v.map(|v| (c, v)))
            .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)));
        if let Some((leader, value)) = leader {
            out.push(tx.fill(
                "benchmark.leader",
                &[
                    ("year", &self.last()),
                    ("index", &index),
                    ("country", &tx.country(leader)),
                    ("value", &index_value(value)),
                ],
            )?);
        }
        Ok(out)
    }

    /// Where the focus country is furthest behind, and ahead of, the benchmark mean.
    fn component_sentences(&self, table: &ComponentTable) -> Result<Vec<String>> {
        let tx = &self.tx;
        let Some(year) = table.rows.last().map(|r| r.year) else {
            return Ok(Vec::new());
        };
        let mut gaps: Vec<&Gap> = table
            .rows
            .iter()
            .filter(|r| r.year == year)
            .filter_map(|r| self.mean_gap(year, r.indicator))
            .filter(|g| g.ratio.is_some())
            .collect();
        gaps.sort_by(|a, b| {
            a.ratio
                .unwrap_or_default()
                .total_cmp(&b.ratio.unwrap_or_default())
        });
        let mut out = Vec::new();
        let country = tx.country(self.r.focus);
        if let Some(g) = gaps.first().filter(|g| g.ratio.is_some_and(|r| r < 1.0)) {
            out.push(tx.fill(
                "benchmark.component_behind",
                &[
                    ("year", &year),
                    ("country", &country),
                    ("indicator", &tx.measure(g.measure)?),
                    (
                        "value",
                        &g.focus_value.map_or_else(String::new, component_value),
                    ),
                    (
                        "mean",
                        &g.benchmark_value.map_or_else(String::new, component_value),
                    ),
                ],
            )?);
        }
        let ahead: Vec<String> = gaps
            .iter()
            .filter(|g| g.ratio.is_some_and(|r| r >= 1.0))
            .map(|g| tx.measure(g.measure))
            .collect::<Result<_>>()?;
        if !ahead.is_empty() {
            out.push(tx.fill(
                "benchmark.component_ahead",
                &[("country", &country), ("list", &tx.list(&ahead)?)],
            )?);
        }
        Ok(out)
    }

    fn component_table(&self, number: u8, table: &ComponentTable) -> Result<Option<TableView>> {
        let tx = &self.tx;
        if table.rows.is_empty() {
            return Ok(None);
        }
        let title = tx.get(&format!("table{number}.title"))?;
        let mut t = TableBuilder::new(
            &format!("table{number}"),
            self.caption("table", number, &title)?,
            2,
        )
        .col(tx.get("components.year")?, false)
        .col(tx.get("components.indicator")?, false);
        for name in self.names(&table.countries) {
            t = t.col(name, true);
        }
        for row in &table.rows {
            let mut cells = vec![row.year.to_string(), tx.measure(row.indicator)?];
            cells.extend(row.values.iter().map(|v| match v {
                Some(v) => component_value(*v),
                None => String::new(),
            }));
            t.row(cells);
        }
        Ok(Some(t.finish()))
    }

    fn gaps_table(&self) -> Result<Option<TableView>> {
        let tx = &self.tx;
        if self.r.gaps.is_empty() {
            return Ok(None);
        }
        let focus = tx.country(self.r.focus);
        let difference = tx.get("gaps.difference_to")?;
        let labels = self.grouped(&difference, self.names(&self.r.benchmarks))?;
        let mut t = TableBuilder::new("gaps", tx.fill("gaps.caption", &[("country", &focus)])?, 2)
            .col(tx.get("gaps.year")?, false)
            .col(tx.get("gaps.indicator")?, false)
            .col(focus, true)
            .group(difference, labels)
            .col(tx.get("gaps.mean")?, true)
            .col(tx.get("gaps.mean_difference")?, true)
            .col(tx.get("gaps.ratio")?, true);
        // The gaps come per (year, measure): one row per benchmark, then the mean.
        for chunk in self.r.gaps.chunks(self.r.benchmarks.len() + 1) {
            let mean = chunk.last().expect("chunks are not empty");
            let m = mean.measure;
            let value = |v: Option<f64>| v.map_or_else(String::new, |v| measure_value(m, v));
            let diff = |v: Option<f64>| v.map_or_else(String::new, |v| difference_value(m, v));
            let mut cells = vec![
                mean.year.to_string(),
                tx.measure(m)?,
                value(mean.focus_value),
            ];
            cells.extend(chunk[..chunk.len() - 1].iter().map(|g| diff(g.difference)));
            cells.push(value(mean.benchmark_value));
            cells.push(diff(mean.difference));
            cells.push(mean.ratio.map_or_else(String::new, ratio_value));
            t.row(cells);
        }
        Ok(Some(t.finish()))
    }

    // ---- Section 6: data quality ----

    fn quality(&self) -> Result<QualityView> {
        let tx = &self.tx;
        let mut kinds: Vec<FindingKind> = self.r.findings.iter().map(|f| f.kind).collect();
        kinds.dedup();
        let mut groups = Vec::new();
        for kind in kinds {
            let findings: Vec<&Finding> =
                self.r.findings.iter().filter(|f| f.kind == kind).collect();
            // Exclusions and aliases are listed in full in section 1 and the appendix.
            let items = match kind {
                FindingKind::Excluded | FindingKind::Alias => Vec::new(),
                _ => findings
                    .iter()
                    .enumerate()
                    .map(|(i, f)| self.finding(i, f))
                    .collect::<Result<_>>()?,
            };
            groups.push(FindingGroup {
                kind: kind.key(),
                heading: tx.get(&format!("quality.{}.heading", kind.key()))?,
                summary: tx.plural(
                    &format!("quality.{}.summary", kind.key()),
                    findings.len(),
                    &[],
                )?,
                items,
            });
        }
        let mut weighted = TableBuilder::new("weighted", tx.get("weighted.caption")?, 1)
            .col(tx.get("weighted.year")?, false)
            .col(tx.get("weighted.ratio")?, true)
            .col(tx.get("weighted.weighted")?, false)
            .col(tx.get("weighted.rescaled")?, false);
        let yes_no = |b: bool| tx.get(if b { "yes" } else { "no" });
        for w in &self.r.weighted {
            weighted.row(vec![
                w.year.to_string(),
                ratio_value(w.median_ratio),
                yes_no(w.weighted)?,
                yes_no(w.rescaled)?,
            ]);
        }
        Ok(QualityView {
            groups,
            weighted: weighted.finish(),
            warnings: self
                .ctx
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect(),
        })
    }

    /// One finding in words. `i` is its position among the findings of its kind, which follow
    /// the order of the records they were made from.
    fn finding(&self, i: usize, f: &Finding) -> Result<String> {
        let tx = &self.tx;
        let n = self.ctx.normalised;
        let country = f.country.map(|c| tx.country(c)).unwrap_or_default();
        match f.kind {
            FindingKind::WeightedComponents => {
                let key = if self
                    .r
                    .weighted
                    .iter()
                    .any(|w| Some(w.year) == f.year && w.rescaled)
                {
                    "quality.weighted_components.item_rescaled"
                } else {
                    "quality.weighted_components.item"
                };
                tx.fill(
                    key,
                    &[
                        ("year", &f.year.map(|y| y.to_string()).unwrap_or_default()),
                        ("ratio", &f.value.map_or_else(String::new, ratio_value)),
                    ],
                )
            }
            FindingKind::OnBoundary => {
                let measure = f.measure.expect("boundary findings name the measure");
                let value = f.value.unwrap_or_default();
                let scaled = if measure.is_percentage() {
                    value / 100.0
                } else {
                    value
                };
                let threshold = self.r.levels.boundary_of(scaled).unwrap_or(scaled);
                let threshold = if measure.is_percentage() {
                    threshold * 100.0
                } else {
                    threshold
                };
                tx.fill(
                    "quality.on_boundary.item",
                    &[
                        ("country", &country),
                        ("measure", &tx.measure(measure)?),
                        ("year", &f.year.map(|y| y.to_string()).unwrap_or_default()),
                        ("value", &value),
                        ("threshold", &threshold_value(threshold)),
                        (
                            "level",
                            &f.level
                                .map(|l| tx.level_quoted(l))
                                .transpose()?
                                .unwrap_or_default(),
                        ),
                    ],
                )
            }
            FindingKind::RegionMismatch => match n.region_notes.get(i) {
                Some(note) if Some(note.country) == f.country => tx.fill(
                    "quality.region_mismatch.item",
                    &[
                        ("country", &country),
                        ("written", &note.written),
                        ("source", &note.source),
                        ("used", &tx.get(&format!("region.{}", note.used.name()))?),
                    ],
                ),
                _ => Ok(format!("{country}: {}", f.detail)),
            },
            FindingKind::RegionOverride => match n.region_overrides.get(i) {
                Some(o) if Some(o.country) == f.country => tx.fill(
                    "quality.region_override.item",
                    &[
                        ("country", &country),
                        ("region", &tx.get(&format!("region.{}", o.region.name()))?),
                        (
                            "embedded",
                            &tx.get(&format!("region.{}", o.embedded.name()))?,
                        ),
                        ("source", &o.source),
                    ],
                ),
                _ => Ok(format!("{country}: {}", f.detail)),
            },
            FindingKind::Excluded | FindingKind::Alias => Ok(format!("{country}: {}", f.detail)),
        }
    }

    // ---- Section 7: reproduction ----

    fn reproduction(&self) -> Result<ReproductionView> {
        let tx = &self.tx;
        let Some(diffs) = &self.r.reproduction else {
            return Ok(ReproductionView {
                ran: false,
                summary: tx.get("reproduction.not_run")?,
                table: None,
            });
        };
        // The file name only: an absolute path would differ from machine to machine.
        let file = self
            .ctx
            .config
            .reference
            .as_deref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let summary = tx.plural("reproduction.summary", diffs.len(), &[("file", &file)])?;
        let table = if diffs.is_empty() {
            None
        } else {
            let mut t = TableBuilder::new("reproduction", tx.get("reproduction.caption")?, 3)
                .col(tx.get("reproduction.table")?, false)
                .col(tx.get("reproduction.row")?, false)
                .col(tx.get("reproduction.column")?, false)
                .col(tx.get("reproduction.published")?, true)
                .col(tx.get("reproduction.computed")?, true);
            for d in diffs {
                t.row(vec![
                    d.table.clone(),
                    d.row.clone(),
                    d.column.clone(),
                    d.published.clone(),
                    d.computed.clone(),
                ]);
            }
            Some(t.finish())
        };
        Ok(ReproductionView {
            ran: true,
            summary,
            table,
        })
    }

    // ---- Appendix: method ----

    fn method(&self) -> Result<MethodView> {
        let tx = &self.tx;
        let measures: Vec<String> = self
            .ctx
            .config
            .required_measures
            .iter()
            .map(|&m| tx.measure(m))
            .collect::<Result<_>>()?;
        let mut paragraphs = vec![if self.ctx.panel.fixed {
            tx.fill("method.panel_fixed", &[("measures", &tx.list(&measures)?)])?
        } else {
            tx.fill(
                "method.panel",
                &[
                    ("measures", &tx.list(&measures)?),
                    ("count", &self.r.years.len()),
                ],
            )?
        }];
        paragraphs.push(tx.get("method.values")?);

        let rule = &self.r.levels;
        let [t0, t1, t2] = rule.thresholds.map(threshold_value);
        // Where each threshold's value goes decides `<` or `<=` on either side of it.
        let below = |side: Side| if side == Side::Lower { "≤" } else { "<" };
        let above = |side: Side| if side == Side::Upper { "≤" } else { "<" };
        let [s0, s1, s2] = rule.boundaries;
        let ranges = [
            format!("v {} {t2}", if s2 == Side::Upper { "≥" } else { ">" }),
            format!("{t1} {} v {} {t2}", above(s1), below(s2)),
            format!("{t0} {} v {} {t1}", above(s0), below(s1)),
            format!("v {} {t0}", below(s0)),
        ];
        let level_rule = Level::DESCENDING
            .iter()
            .zip(ranges)
            .map(|(&level, range)| {
                tx.fill(
                    "method.level_line",
                    &[("level", &tx.level(level)?), ("range", &range)],
                )
            })
            .collect::<Result<_>>()?;
        let mut boundaries = Vec::new();
        for (side, key) in [
            (Side::Upper, "method.boundary_upper"),
            (Side::Lower, "method.boundary_lower"),
        ] {
            let on: Vec<String> = rule
                .thresholds
                .iter()
                .zip(rule.boundaries)
                .filter(|(_, s)| *s == side)
                .map(|(t, _)| threshold_value(*t))
                .collect();
            if !on.is_empty() {
                boundaries.push(tx.fill(key, &[("thresholds", &tx.list(&on)?)])?);
            }
        }
        Ok(MethodView {
            paragraphs,
            level_rule,
            boundaries,
            aliases: self.aliases()?,
        })
    }

    fn aliases(&self) -> Result<Option<TableView>> {
        let tx = &self.tx;
        let aliases = &self.ctx.normalised.aliases;
        if aliases.is_empty() {
            return Ok(None);
        }
        let mut t = TableBuilder::new("aliases", tx.get("aliases.caption")?, 1)
            .col(tx.get("aliases.written")?, false)
            .col(tx.get("aliases.country")?, false)
            .col(tx.get("aliases.iso3")?, false)
            .col(tx.get("aliases.rows")?, true)
            .col(tx.get("aliases.first")?, false);
        for a in aliases {
            t.row(vec![
                a.written.clone(),
                tx.country(a.country),
                tx.iso3(a.country).to_string(),
                a.rows.to_string(),
                a.first.clone(),
            ]);
        }
        Ok(Some(t.finish()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_group_consecutive_equal_items() {
        assert_eq!(
            runs(&[1, 1, 2, 2, 1, 2, 2, 2]),
            vec![(1, 0, 1), (2, 2, 3), (1, 4, 4), (2, 5, 7)]
        );
        assert!(runs::<u8>(&[]).is_empty());
    }

    #[test]
    fn group_rows_are_dropped_when_no_column_is_grouped() {
        let t = TableBuilder::new("t", "T".into(), 1)
            .col("a".into(), false)
            .col("b".into(), true)
            .finish();
        assert!(t.groups.is_empty());
        let t = TableBuilder::new("t", "T".into(), 1)
            .col("year".into(), false)
            .group(
                "OSI".into(),
                vec![
                    ("high".into(), "OSI high".into()),
                    ("low".into(), "OSI low".into()),
                ],
            )
            .finish();
        assert_eq!(t.groups.len(), 2);
        assert_eq!(t.groups[1].span, 2);
        assert_eq!(t.columns[2].full_label, "OSI low");
    }
}
