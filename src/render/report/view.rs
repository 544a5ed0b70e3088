//! The report view: every sentence, number and table cell of `report.md` and `report.html`.
//!
//! Consumes the [`RenderContext`] and the message catalogue; produces a typed [`ReportView`]
//! that both templates render, so the two formats cannot disagree. Sentences are patterns from
//! the catalogue filled with numbers computed here; nothing is recomputed from the panel that
//! `analysis` already produced, and nothing here knows template syntax or touches the disk.
//! The sections are built in `data`, `levels`, `benchmark` and `notes`.
//!
//! Choices the SPEC leaves open: a Table 1 row names at most `representatives` countries in its
//! EGDI order; when the focus country comes later in the row it takes the last place, and `…`
//! marks a row with more countries than names. Indices are shown with 4 decimals, component
//! values with 2, ratios with 3, counts as integers. The input's README goes to an appendix:
//! quoted in Markdown, rendered in HTML, raw HTML of the input escaped in both.

use std::collections::BTreeMap;

use serde::Serialize;

use super::text::{PREFIX, Text};
use crate::analysis::Results;
use crate::analysis::levels::Level;
use crate::config::Lang;
use crate::error::Result;
use crate::model::Year;
use crate::normalise::country::CountryId;
use crate::render::RenderContext;
use crate::render::i18n::Catalogue;

mod benchmark;
mod compare;
mod data;
mod groups;
mod latest;
mod levels;
mod notes;
mod periods;
mod profile;
mod ranks;
mod robustness;

pub use profile::ProfileView;
pub(crate) use profile::build_profile;

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
    /// What the latest survey changed (first after the summary; none with one survey).
    pub latest: Option<latest::LatestView>,
    /// Section 1: inputs and panel.
    pub data: DataView,
    /// Section 2: EGDI levels (Tables 1-2).
    pub levels: LevelsView,
    /// Section 3: OSI, TII, HCI (Table 3) and level transitions.
    pub indices: IndicesView,
    /// Section 3.3: country groups (none without group data).
    pub groups: Option<groups::GroupsView>,
    /// Section 3.4: the robustness of the levels (none with a single survey).
    pub robustness: Option<robustness::RobustnessView>,
    /// Section 4: OSI stages (Table 4).
    pub stages: StagesView,
    /// Section 5: benchmarks (Figures 1-4, Tables 5-6, gaps).
    pub benchmark: BenchmarkView,
    /// Section 5.6: E-Government ranks (none without ranks).
    pub ranks: Option<ranks::RanksView>,
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
    /// The input's README as given (quoted by `report.md`, raw HTML escaped there).
    pub readme: Option<String>,
    /// The input's README rendered as HTML, raw HTML of the input escaped.
    pub readme_html: Option<String>,
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
    /// The section heading (it names the indices of Table 3).
    pub heading: String,
    /// Sentences about Table 3.
    pub paragraphs: Vec<String>,
    /// Table 3.
    pub table3: TableView,
    /// Level changes between consecutive surveys, per index.
    pub transitions: TableView,
    /// What the break mark means, one sentence per survey that does not compare.
    pub breaks: Vec<String>,
}

/// Section 4.
#[derive(Debug, Clone, Serialize)]
pub struct StagesView {
    /// Sentences about Table 4.
    pub paragraphs: Vec<String>,
    /// Table 4 (none when no survey has stage data).
    pub table4: Option<TableView>,
    /// The stages of global e-government the tables support, with their evidence.
    pub periods: Vec<String>,
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
    pub figure: FigureView,
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
    /// The outcome, the panel against the reference's and the cells matched per table.
    pub paragraphs: Vec<String>,
    /// The differences, each explained (none when there are none).
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
    Builder::new(ctx, cat).view()
}

/// The reproduction check in words in the catalogue's language (shared with the workbook's
/// Reproduction sheet), or `None` when no reference was given.
pub(crate) struct ReproductionWords {
    /// The outcome in one sentence: cells compared, reproduced and differing.
    pub(crate) summary: String,
    /// The outcome, the panel against the reference's and the cells matched per table.
    pub(crate) paragraphs: Vec<String>,
    /// One per difference, in the order of `results.reproduction`.
    pub(crate) differences: Vec<DifferenceWords>,
}

/// One published cell that the computation does not reproduce, in words.
pub(crate) struct DifferenceWords {
    /// `Table 3`, `Panel`.
    pub(crate) table: String,
    /// The row as the table names it (`rose 2 levels`, `2018 TII`).
    pub(crate) row: String,
    /// The column (`“low”`, `count`).
    pub(crate) column: String,
    /// The published value (a number, or a country's name).
    pub(crate) published: String,
    /// The computed value (a number, or that the row lacks the country).
    pub(crate) computed: String,
    /// The difference in a sentence.
    pub(crate) explanation: String,
}

/// The level changes between consecutive surveys, pivoted: one row per index and kind of change
/// (kept, rose, fell), one column per interval (shared with the workbook's Transitions sheet).
pub(crate) struct TransitionPivot {
    /// The intervals (`2008–2010†`), marked when a survey of it is not comparable.
    pub(crate) intervals: Vec<String>,
    /// Per index, the kept, rose and fell rows.
    pub(crate) rows: Vec<TransitionRow>,
}

/// One row of the pivoted transitions.
pub(crate) struct TransitionRow {
    /// The index (`OSI`).
    pub(crate) index: String,
    /// Kept, rose or fell, in words.
    pub(crate) change: String,
    /// Countries, per interval (none when the interval has no matrix for the index).
    pub(crate) counts: Vec<Option<usize>>,
}

/// A row of a published table (`table1`, `maintained low`; `table3`, `2003 OSI`) in words, as the
/// report names it (shared with the workbook's Robustness sheet).
///
/// # Errors
/// [`crate::error::Error::Render`] for a missing catalogue message.
pub(crate) fn row_words(
    ctx: &RenderContext<'_>,
    cat: &Catalogue,
    table: &str,
    row: &str,
) -> Result<String> {
    Builder::new(ctx, cat).row_words(table, row)
}

/// The report's words that the workbook shares (its Quality, Transitions and Reproduction
/// sheets and notes), made once per catalogue by [`words`].
pub struct Words {
    /// Every data-quality finding, in the order of `results.findings`.
    pub(crate) findings: Vec<String>,
    /// The level changes between consecutive surveys, pivoted.
    pub(crate) transitions: TransitionPivot,
    /// The reproduction check; `None` without a reference.
    pub(crate) reproduction: Option<ReproductionWords>,
}

/// The words of a context before [`words`] has made them.
pub static NO_WORDS: Words = Words {
    findings: Vec::new(),
    transitions: TransitionPivot {
        intervals: Vec::new(),
        rows: Vec::new(),
    },
    reproduction: None,
};

/// The shared words in the context's catalogue language.
///
/// # Errors
/// [`crate::error::Error::Render`] for a missing catalogue message.
pub fn words(ctx: &RenderContext<'_>) -> Result<Words> {
    let b = Builder::new(ctx, ctx.catalogue);
    Ok(Words {
        findings: finding_texts(&b)?,
        transitions: b.transition_pivot()?,
        reproduction: b.reproduction_words()?,
    })
}

/// Every data-quality finding in words, in the order of `results.findings`. Exclusions read as
/// their gap reasons; aliases as the spelling and the country it was read as.
fn finding_texts(b: &Builder<'_>) -> Result<Vec<String>> {
    let ctx = b.ctx;
    let mut seen: std::collections::BTreeMap<crate::analysis::quality::FindingKind, usize> =
        std::collections::BTreeMap::new();
    let mut exclusions = ctx.panel.exclusions.iter();
    ctx.results
        .findings
        .iter()
        .map(|f| {
            let i = seen.entry(f.kind).or_default();
            let index = *i;
            *i += 1;
            if f.kind == crate::analysis::quality::FindingKind::Excluded
                && let Some(e) = exclusions.next()
                && Some(e.country) == f.country
            {
                let gaps: Vec<String> = e
                    .gaps
                    .iter()
                    .map(|g| b.tx.gap_reason(g))
                    .collect::<Result<_>>()?;
                return b.tx.join(&gaps);
            }
            if f.kind == crate::analysis::quality::FindingKind::Alias
                && let Some(a) = ctx.provenance.aliases.get(index)
                && Some(a.country) == f.country
            {
                return b.tx.fill(
                    "aliases.finding",
                    &[
                        ("written", &a.written),
                        ("country", &b.tx.country_in_text(a.country)),
                    ],
                );
            }
            Ok(b.finding(index, f)?.unwrap_or_else(|| f.detail.clone()))
        })
        .collect()
}

struct Builder<'a> {
    ctx: &'a RenderContext<'a>,
    r: &'a Results,
    tx: Text<'a>,
    cat: &'a Catalogue,
}

impl<'a> Builder<'a> {
    fn new(ctx: &'a RenderContext<'a>, cat: &'a Catalogue) -> Self {
        Self {
            ctx,
            r: ctx.results,
            tx: Text::new(cat, &ctx.countries.names),
            cat,
        }
    }

    /// The names of the measures the panel rule requires, in the report language.
    fn required_measures(&self) -> Result<Vec<String>> {
        self.ctx
            .config
            .required_measures
            .iter()
            .map(|&m| self.tx.measure(m))
            .collect()
    }
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

    /// Columns under a common label, each numeric or not: (label, label with the group,
    /// numeric).
    fn group_of(mut self, group: String, labels: Vec<(String, String, bool)>) -> Self {
        self.view.groups.push(HeaderGroup {
            label: group,
            span: labels.len(),
        });
        for (label, full_label, numeric) in labels {
            self.view.columns.push(Column {
                label,
                full_label,
                numeric,
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
        // The summary repeats the main sentence of each section.
        let headline = self.levels_headline()?;
        let focus = self.focus_history()?;
        let largest_gap = self.largest_gap()?;
        let reproduction = self.reproduction()?;
        let mut summary = vec![headline.clone(), focus.clone(), self.periods_summary()?];
        summary.extend(largest_gap.clone());
        if reproduction.ran {
            summary.push(reproduction.summary.clone());
        }
        let levels = self.levels(headline, focus)?;
        let benchmark = self.benchmark(largest_gap)?;
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
            latest: self.latest()?,
            data: self.data()?,
            levels,
            indices: self.indices()?,
            groups: self.groups_section()?,
            robustness: self.robustness()?,
            stages: self.stages()?,
            benchmark,
            ranks: self.ranks_section()?,
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
        // Section 5 has one part per analysed index, then the gaps and the ranks: their
        // numbers follow the parts.
        if let Some(Message::Group(sub)) = root.get_mut("subsection") {
            let parts = self.r.figures.len();
            for (key, after) in [("gaps", 1), ("ranks", 2)] {
                if let Some(Message::Text(text)) = sub.get_mut(key) {
                    *text = text.replace("{number}", &(parts + after).to_string());
                }
            }
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
