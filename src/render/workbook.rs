//! `workbook.xlsx`: the tables and figures laid out as statistical offices publish spreadsheets.
//!
//! Consumes the [`RenderContext`]; produces one [`Artifact`]. Sheets, in order: `Cover`
//! (provenance and rules), `Contents`, `Notes`, then one Excel Table per sheet (Tables 1-6,
//! Figures 1-4 with native line charts, `Panel`, `Countries`, `Quality`, and `Reproduction`
//! with `--reference`), every label in the report language. Missing values are `[x]`, cells
//! that do not apply `[z]`. The creation date comes from `SOURCE_DATE_EPOCH`, so the bytes are
//! the same on every run. Nothing is computed here: `sheets` only lays out the results.

mod layout;
mod sheets;

use rust_xlsxwriter::{
    DocProperties, ExcelDateTime, Workbook as XlsxWorkbook, Worksheet, XlsxError,
};

use rayon::prelude::*;

use self::layout::{Captions, Cell, Formats, TableSheet};
use super::i18n::Catalogue;
use super::tables::number;
use super::{Artifact, Outlet, RenderContext, Renderer, Rest};
use crate::analysis::levels::{Level, LevelRule, Side};
use crate::analysis::quality::FindingKind;
use crate::error::{Error, Result};
use crate::ingest::FileKind;
use crate::model::{Measure, Region};
use crate::normalise::country::CountryId;

/// The output path.
pub const WORKBOOK: &str = "workbook.xlsx";

/// Writes `workbook.xlsx`.
pub struct Workbook;

impl Renderer for Workbook {
    fn name(&self) -> &'static str {
        "workbook"
    }

    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        self.start(ctx)?(&Outlet::nowhere())
    }

    /// Fills the sheets, in parallel; the save, which deflates every sheet on one thread, is
    /// the rest, and the file is written as it is saved.
    fn start<'a>(&'a self, ctx: &'a RenderContext<'a>) -> Result<Rest<'a>> {
        let mut workbook = build(ctx, true)?;
        Ok(Box::new(move |outlet| {
            let file = outlet.stream(WORKBOOK, |out| {
                workbook.save_to_writer(out).map_err(render_error)
            })?;
            Ok(vec![file])
        }))
    }
}

fn render_error(message: impl ToString) -> Error {
    Error::Render {
        output: WORKBOOK.into(),
        message: message.to_string(),
    }
}

/// The workbook's labels: the `workbook.*` messages of the catalogue, plus the names of things.
pub(super) struct Labels<'a> {
    catalogue: &'a Catalogue,
    /// Each level's and region's word (by [`Level::rank`] and by place in [`Region::ALL`]),
    /// looked up once: the Panel sheet names a level or a region in every row, and its rows are
    /// made twice (measured, then written). `None` where the catalogue has no such message
    /// (the lookup then gives its error).
    levels: [Option<String>; 4],
    regions: [Option<String>; Region::ALL.len()],
}

impl<'a> Labels<'a> {
    fn new(ctx: &RenderContext<'a>) -> Self {
        Self::of(ctx.catalogue)
    }

    fn of(catalogue: &'a Catalogue) -> Self {
        let mut labels = Self {
            catalogue,
            levels: Default::default(),
            regions: Default::default(),
        };
        labels.levels = Level::ASCENDING.map(|l| labels.look_up_level(l).ok());
        labels.regions = Region::ALL.map(|r| labels.look_up_region(r).ok());
        labels
    }

    /// The message `workbook.<key>`.
    pub(super) fn get(&self, key: &str) -> Result<String> {
        self.catalogue
            .get(&format!("workbook.{key}"))
            .map(str::to_string)
    }

    /// The message `workbook.<key>` with its placeholders filled.
    pub(super) fn fill(&self, key: &str, args: &[(&str, &str)]) -> Result<String> {
        self.catalogue.fill(&format!("workbook.{key}"), args)
    }

    /// Column headers from their keys.
    pub(super) fn columns(&self, keys: &[&str]) -> Result<Vec<String>> {
        keys.iter()
            .map(|k| self.get(&format!("column.{k}")))
            .collect()
    }

    pub(super) fn level(&self, level: Level) -> Result<String> {
        match &self.levels[usize::from(level.rank())] {
            Some(word) => Ok(word.clone()),
            None => self.look_up_level(level),
        }
    }

    fn look_up_level(&self, level: Level) -> Result<String> {
        self.get(&format!("level.{}", level.key()))
    }

    pub(super) fn region(&self, region: Region) -> Result<String> {
        let place = Region::ALL.iter().position(|&r| r == region);
        match place.and_then(|i| self.regions[i].as_ref()) {
            Some(word) => Ok(word.clone()),
            None => self.look_up_region(region),
        }
    }

    fn look_up_region(&self, region: Region) -> Result<String> {
        self.get(&format!("region.{}", region.name()))
    }

    /// A country group's name: a region in the workbook's words, another group by its
    /// catalogue name (`group.<name>`), else as the data names it.
    pub(super) fn group_name(&self, kind: &str, group: &str) -> Result<String> {
        if kind == "region"
            && let Some(region) = Region::parse(group)
        {
            return self.region(region);
        }
        Ok(self
            .catalogue
            .get(&format!("workbook.group.{group}"))
            .map_or_else(|_| group.to_string(), str::to_string))
    }

    /// A measure's full name (`EGDI (E-Government Development Index)`).
    pub(super) fn measure(&self, measure: Measure) -> Result<String> {
        Ok(measure.headed(self.catalogue.zh()))
    }

    /// Measures by acronym in a list: `OSI, TII and HCI`.
    pub(super) fn measure_list(&self, measures: impl Iterator<Item = Measure>) -> Result<String> {
        let names: Vec<&str> = measures.map(Measure::key).collect();
        Ok(match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => self.fill(
                "list_last",
                &[
                    ("items", &rest.join(&self.get("measure_separator")?)),
                    ("last", last),
                ],
            )?,
            _ => names.join(""),
        })
    }

    /// A measure as a table cell: the indices by their acronym, the rest by name.
    pub(super) fn measure_short(&self, measure: Measure) -> Result<String> {
        Ok(measure.short(self.catalogue.zh()).to_string())
    }

    /// A country's name in the report language.
    pub(super) fn country(&self, ctx: &RenderContext<'_>, id: CountryId) -> String {
        self.catalogue
            .country_name(ctx.countries.names.get(id))
            .to_string()
    }

    /// Country names joined with the language's list separator, cut to fit one Excel cell
    /// (32,767 characters) with a note of how many more there are (the CSV lists them all).
    pub(super) fn country_list(
        &self,
        ctx: &RenderContext<'_>,
        ids: &[CountryId],
    ) -> Result<String> {
        const CELL_LIMIT: usize = 32_000;
        let separator = self.get("list_separator")?;
        let mut text = String::new();
        let mut chars = 0;
        for (i, &c) in ids.iter().enumerate() {
            let name = self.country(ctx, c);
            chars += name.chars().count() + separator.chars().count();
            if chars > CELL_LIMIT {
                let more = (ids.len() - i).to_string();
                text.push_str(&separator);
                text.push_str(&self.fill("more_countries", &[("n", &more)])?);
                break;
            }
            if i > 0 {
                text.push_str(&separator);
            }
            text.push_str(&name);
        }
        Ok(text)
    }
}

/// A note that tables refer to; only the notes that apply to the run are numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Note {
    Missing,
    NotApplicable,
    Levels,
    Order,
    Panel,
    Weighted,
    Declared,
    Stages,
    Components,
    Figures,
    Boundary,
    Transitions,
    Reproduction,
}

impl Note {
    const ALL: [Note; 13] = [
        Note::Missing,
        Note::NotApplicable,
        Note::Levels,
        Note::Order,
        Note::Panel,
        Note::Weighted,
        Note::Declared,
        Note::Stages,
        Note::Components,
        Note::Figures,
        Note::Boundary,
        Note::Transitions,
        Note::Reproduction,
    ];
}

/// The notes of this run, numbered in [`Note::ALL`] order, with their texts.
pub(super) struct Notes {
    notes: Vec<(Note, String)>,
}

impl Notes {
    fn new(ctx: &RenderContext<'_>, labels: &Labels) -> Result<Self> {
        let r = ctx.results;
        let weighted: Vec<_> = r.weighted.iter().filter(|w| w.weighted).collect();
        let focus = labels.country(ctx, r.focus);
        let mut notes = Vec::new();
        for note in Note::ALL {
            let text = match note {
                Note::Missing => labels.get("note.missing")?,
                Note::NotApplicable => labels.get("note.not_applicable")?,
                Note::Levels => {
                    let rule =
                        level_ranges(labels, &r.levels)?.join(&labels.get("list_separator")?);
                    labels.fill("note.levels", &[("rule", &rule)])?
                }
                Note::Order => labels.get("note.order")?,
                Note::Panel => {
                    labels.fill("note.panel", &[("panel_rule", &panel_rule(ctx, labels)?)])?
                }
                Note::Weighted if weighted.is_empty() => continue,
                Note::Weighted => {
                    let years: Vec<String> = weighted.iter().map(|w| w.year.to_string()).collect();
                    let treatment = if weighted.iter().all(|w| w.rescaled) {
                        labels.get("note.weighted_rescaled")?
                    } else {
                        labels.get("note.weighted_as_given")?
                    };
                    labels.fill(
                        "note.weighted",
                        &[
                            ("years", &years.join(&labels.get("list_separator")?)),
                            ("treatment", &treatment),
                        ],
                    )?
                }
                Note::Declared => {
                    let declared: Vec<String> = r
                        .breaks
                        .iter()
                        .filter_map(|b| match &b.reason {
                            crate::analysis::periods::BreakReason::Declared(why) => {
                                Some(labels.fill(
                                    "note.declared_item",
                                    &[("year", &b.year.to_string()), ("reason", why)],
                                ))
                            }
                            crate::analysis::periods::BreakReason::Weighted => None,
                        })
                        .collect::<Result<_>>()?;
                    if declared.is_empty() {
                        continue;
                    }
                    labels.fill(
                        "note.declared",
                        &[("surveys", &declared.join(&labels.get("list_separator")?))],
                    )?
                }
                Note::Stages => labels.get("note.stages")?,
                Note::Components => labels.get("note.components")?,
                Note::Figures => labels.fill("note.figures", &[("focus", &focus)])?,
                Note::Boundary if !r.findings.iter().any(|f| f.kind == FindingKind::OnBoundary) => {
                    continue;
                }
                Note::Boundary => labels.get("note.boundary")?,
                Note::Transitions => labels.get("note.transitions")?,
                Note::Reproduction if r.reproduction.is_none() => continue,
                Note::Reproduction => {
                    // The panel against the reference's and the cells matched per table.
                    let words = &ctx.words.reproduction;
                    let mut text = labels.get("note.reproduction")?;
                    for paragraph in words.iter().flat_map(|w| w.paragraphs.iter().skip(1)) {
                        text.push_str(&labels.get("sentence_separator")?);
                        text.push_str(paragraph);
                    }
                    text
                }
            };
            notes.push((note, text));
        }
        Ok(Self { notes })
    }

    fn marker(labels: &Labels, number: usize) -> Result<String> {
        labels.fill("note_marker", &[("n", &number.to_string())])
    }

    /// The line above a table naming the notes that apply to it (those of this run).
    pub(super) fn line(&self, labels: &Labels, wanted: &[Note]) -> Result<String> {
        let markers = self
            .notes
            .iter()
            .enumerate()
            .filter(|(_, (note, _))| wanted.contains(note))
            .map(|(i, _)| Self::marker(labels, i + 1))
            .collect::<Result<Vec<_>>>()?;
        if markers.is_empty() {
            labels.get("sheet_info.no_notes")
        } else {
            let separator = labels.get("note_separator")?;
            labels.fill("sheet_info.notes", &[("notes", &markers.join(&separator))])
        }
    }

    /// The `Notes` sheet.
    fn sheet<'a>(&self, labels: &Labels) -> Result<TableSheet<'a>> {
        let rows = self
            .notes
            .iter()
            .enumerate()
            .map(|(i, (_, text))| {
                Ok(vec![
                    Cell::Text(Self::marker(labels, i + 1)?),
                    Cell::Text(text.clone()),
                ])
            })
            .collect::<Result<_>>()?;
        Ok(TableSheet {
            key: "notes".into(),
            contents: labels.get("contents.notes")?,
            name: labels.get("sheet.notes")?,
            title: labels.get("heading.notes")?,
            notes: labels.get("sheet_info.no_notes")?,
            headers: labels.columns(&["note_number", "note_text"])?,
            rows,
            chart: None,
            description: None,
        })
    }
}

/// The four level ranges, very high first, e.g. `very high: v > 0.75`.
fn level_ranges(labels: &Labels, rule: &LevelRule) -> Result<Vec<String>> {
    let (t, sides) = (rule.thresholds.map(number), rule.boundaries);
    // Side::Upper: a value exactly on the threshold belongs to the level above it.
    let on_upper = |i: usize| sides[i] == Side::Upper;
    let from = |i: usize| if on_upper(i) { "≤" } else { "<" };
    let to = |i: usize| if on_upper(i) { "<" } else { "≤" };
    let v = labels.get("value_symbol")?;
    Level::DESCENDING
        .iter()
        .map(|&level| {
            let r = usize::from(level.rank());
            let range = match r {
                0 => format!("{v} {} {}", to(0), t[0]),
                3 => format!("{v} {} {}", if on_upper(2) { "≥" } else { ">" }, t[2]),
                _ => format!("{} {} {v} {} {}", t[r - 1], from(r - 1), to(r), t[r]),
            };
            labels.fill(
                "cover.level_line",
                &[("level", &labels.level(level)?), ("range", &range)],
            )
        })
        .collect()
}

fn panel_rule(ctx: &RenderContext<'_>, labels: &Labels) -> Result<String> {
    let years: Vec<String> = ctx.panel.years.iter().map(ToString::to_string).collect();
    let key = if ctx.panel.fixed {
        "cover.panel_fixed"
    } else {
        "cover.panel_rule"
    };
    let measures = labels.measure_list(ctx.panel.required.iter().copied())?;
    labels.fill(
        key,
        &[("years", &years.join(", ")), ("measures", &measures)],
    )
}

/// How a line of the cover is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Style {
    Title,
    Heading,
    Plain,
}

fn cover_lines(ctx: &RenderContext<'_>, labels: &Labels) -> Result<Vec<(Style, String)>> {
    let r = ctx.results;
    let title = match &ctx.config.title {
        Some(t) => t.clone(),
        None => labels.get("title")?,
    };
    // The date is the one `SOURCE_DATE_EPOCH` gives; without it the fixed default says so
    // instead of passing for the day the workbook was made.
    let date = chrono::DateTime::from_timestamp(ctx.config.source_date_epoch, 0)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default();
    let produced = if ctx.config.source_date_epoch == crate::config::DEFAULT_SOURCE_DATE_EPOCH {
        labels.fill(
            "cover.produced_fixed",
            &[("version", env!("CARGO_PKG_VERSION")), ("date", &date)],
        )?
    } else {
        labels.fill(
            "cover.produced",
            &[("version", env!("CARGO_PKG_VERSION")), ("date", &date)],
        )?
    };
    let mut lines = vec![
        (Style::Title, title),
        (Style::Plain, labels.get("cover.intro")?),
        (Style::Plain, produced),
        (Style::Plain, labels.get("cover.contents")?),
        (Style::Heading, labels.get("cover.files_heading")?),
    ];
    for file in &ctx.provenance.files {
        let kind = match file.kind {
            FileKind::Csv => "csv",
            FileKind::Workbook => "workbook",
            FileKind::Skipped => "skipped",
        };
        lines.push((
            Style::Plain,
            labels.fill(
                "cover.file",
                &[
                    ("name", &file.name),
                    ("kind", &labels.get(&format!("file_kind.{kind}"))?),
                    ("bytes", &file.bytes.to_string()),
                    ("sha256", &file.sha256),
                ],
            )?,
        ));
    }
    lines.push((Style::Heading, labels.get("cover.panel_heading")?));
    lines.push((Style::Plain, panel_rule(ctx, labels)?));
    lines.push((
        Style::Plain,
        labels.fill(
            "cover.panel_result",
            &[
                ("n", &ctx.panel.len().to_string()),
                ("excluded", &ctx.panel.exclusions.len().to_string()),
            ],
        )?,
    ));
    lines.push((
        Style::Plain,
        labels.fill(
            "cover.focus",
            &[
                ("focus", &labels.country(ctx, r.focus)),
                ("benchmarks", &labels.country_list(ctx, &r.benchmarks)?),
            ],
        )?,
    ));
    lines.push((Style::Heading, labels.get("cover.levels_heading")?));
    for line in level_ranges(labels, &r.levels)? {
        lines.push((Style::Plain, line));
    }
    for &t in &r.levels.thresholds {
        lines.push((
            Style::Plain,
            labels.fill(
                "cover.boundary_line",
                &[
                    ("threshold", &number(t)),
                    ("level", &labels.level(r.levels.classify(t))?),
                ],
            )?,
        ));
    }
    lines.push((Style::Plain, labels.get("cover.readme_pointer")?));
    Ok(lines)
}

/// The width (characters) of the Cover's one column.
const COVER_WIDTH: f64 = 100.0;

/// Excel keeps at most this many characters in a cell.
const CELL_LIMIT: usize = 32_767;

/// The input's README as plain lines, one per row (an appendix sheet); a line longer than a
/// cell can hold is cut with a note. None without a README.
fn readme_sheet<'a>(ctx: &RenderContext<'_>, labels: &Labels) -> Result<Option<TableSheet<'a>>> {
    let Some(text) = &ctx.provenance.readme else {
        return Ok(None);
    };
    let cut = labels.get("readme.cut")?;
    let rows = crate::render::markdown::readme_lines(text)
        .into_iter()
        .map(|line| {
            if line.chars().count() > CELL_LIMIT {
                let keep = CELL_LIMIT - cut.chars().count() - 1;
                let mut short: String = line.chars().take(keep).collect();
                short.push(' ');
                short.push_str(&cut);
                vec![Cell::Text(short)]
            } else {
                vec![Cell::Text(line)]
            }
        })
        .collect();
    Ok(Some(TableSheet {
        key: "readme".into(),
        contents: labels.get("contents.readme")?,
        name: labels.get("sheet.readme")?,
        title: labels.get("heading.readme")?,
        notes: labels.get("sheet_info.no_notes")?,
        headers: labels.columns(&["readme_line"])?,
        rows,
        chart: None,
        description: None,
    }))
}

fn write_cover(
    ws: &mut Worksheet,
    formats: &Formats,
    name: &str,
    lines: &[(Style, String)],
) -> std::result::Result<(), XlsxError> {
    ws.set_name(name)?;
    for (row, (style, text)) in lines.iter().enumerate() {
        let row = layout::row_num(row)?;
        match style {
            Style::Title => ws.write_string_with_format(row, 0, text, formats.title())?,
            Style::Heading => ws.write_string_with_format(row, 0, text, formats.heading())?,
            Style::Plain => ws.write_string_with_format(row, 0, text, formats.wrap())?,
        };
        let lines = layout::wrapped_lines(text, COVER_WIDTH);
        if *style == Style::Plain && lines > 1.0 {
            ws.set_row_height(row, lines * 15.0)?;
        }
    }
    // One wide column of wrapped text, printed one page wide; a narrow column beside it is part
    // of the printed width, so that a line LibreOffice sets a little wider than measured (an
    // unbreakable name, a fallback font) stays on the page.
    ws.set_column_width(0, COVER_WIDTH)?;
    ws.set_column_width(1, 6)?;
    ws.write_string(0, 1, " ")?;
    ws.set_portrait().set_print_fit_to_pages(1, 0);
    Ok(())
}

/// The Contents sheet: each sheet's name (a link) and its line.
fn contents_sheet<'a>(labels: &Labels, names: &[(String, String)]) -> Result<TableSheet<'a>> {
    let rows = names
        .iter()
        .map(|(name, line)| vec![Cell::Sheet(name.clone()), Cell::Text(line.clone())])
        .collect();
    Ok(TableSheet {
        key: "contents".into(),
        contents: labels.get("contents.contents")?,
        name: labels.get("sheet.contents")?,
        title: labels.get("heading.contents")?,
        notes: labels.get("sheet_info.no_notes")?,
        headers: labels.columns(&["sheet", "description"])?,
        rows,
        chart: None,
        description: None,
    })
}

fn properties(ctx: &RenderContext<'_>, labels: &Labels) -> Result<DocProperties> {
    let created =
        ExcelDateTime::from_timestamp(ctx.config.source_date_epoch).map_err(render_error)?;
    let title = match &ctx.config.title {
        Some(t) => t.clone(),
        None => labels.get("title")?,
    };
    Ok(DocProperties::new()
        .set_title(title)
        .set_subject(labels.get("subject")?)
        .set_author("egov-report")
        .set_keywords(labels.get("keywords")?)
        .set_comment(labels.fill(
            "comment",
            &[
                ("version", env!("CARGO_PKG_VERSION")),
                ("files", &ctx.provenance.files.len().to_string()),
            ],
        )?)
        .set_creation_datetime(&created))
}

/// Builds the workbook, every sheet filled, ready to save; with `stream`, the sheets without a
/// chart are streamed (see [`new_worksheets`]).
fn build(ctx: &RenderContext<'_>, stream: bool) -> Result<XlsxWorkbook> {
    let labels = Labels::new(ctx);
    let notes = Notes::new(ctx, &labels)?;
    let mut data = sheets::data_sheets(ctx, &labels, &notes)?;
    data.extend(readme_sheet(ctx, &labels)?);
    let cover_name = labels.get("sheet.cover")?;
    let mut listed = Vec::new();
    for key in ["cover", "contents", "notes"] {
        listed.push((
            labels.get(&format!("sheet.{key}"))?,
            labels.get(&format!("contents.{key}"))?,
        ));
    }
    listed.extend(data.iter().map(|s| (s.name.clone(), s.contents.clone())));
    let mut tables = vec![contents_sheet(&labels, &listed)?, notes.sheet(&labels)?];
    tables.extend(data);
    let captions = Captions {
        one_table: labels.get("sheet_info.one_table")?,
        with_chart: labels.get("sheet_info.with_chart")?,
        chart_data: labels.get("sheet_info.chart_data")?,
        empty: labels.get("empty")?,
    };
    let cover = cover_lines(ctx, &labels)?;

    let formats = Formats::new();
    let mut workbook = XlsxWorkbook::new();
    // Deflate level 1 instead of 6: on a 10,000 x 30 panel the default level spends a third of
    // the workbook's time compressing, for a file only ~15% smaller.
    workbook.set_zip_compression_level(1);
    workbook.set_properties(&properties(ctx, &labels)?);
    write_cover(workbook.add_worksheet(), &formats, &cover_name, &cover).map_err(render_error)?;
    let mut worksheets = new_worksheets(&mut workbook, &formats, &tables, stream)?;
    fill_sheets(&mut worksheets, tables, &formats, &captions)?;
    for ws in worksheets {
        workbook.push_worksheet(ws);
    }
    Ok(workbook)
}

/// Fills each worksheet with its table. Sheets are independent: they are filled in parallel,
/// one sheet per task, taken largest first (rows x columns) from one queue by as many workers as
/// the pool has threads. Split the usual way, the small sheets went first and the Panel sheet,
/// the largest, started last and ran alone at the end: at 10,000 x 30 one core idled for a
/// fifth of the sheets' time. Each sheet's rows are dropped as soon as they are written.
///
/// # Errors
/// The failure of the first sheet in sheet order, naming the sheet.
fn fill_sheets(
    worksheets: &mut [Worksheet],
    tables: Vec<TableSheet>,
    formats: &Formats,
    captions: &Captions,
) -> Result<()> {
    let mut jobs: Vec<(usize, &mut Worksheet, TableSheet)> = worksheets
        .iter_mut()
        .zip(tables)
        .enumerate()
        .map(|(i, (ws, sheet))| (i, ws, sheet))
        .collect();
    jobs.sort_by_key(|(i, _, sheet)| {
        let cells = sheet.rows.len().saturating_mul(sheet.headers.len());
        (std::cmp::Reverse(cells), *i)
    });
    let queue = std::sync::Mutex::new(jobs.into_iter());
    let mut failures: Vec<(usize, Error)> = (0..rayon::current_num_threads())
        .into_par_iter()
        .flat_map_iter(|_| {
            let mut failed = Vec::new();
            loop {
                let next = queue
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .next();
                let Some((i, ws, sheet)) = next else {
                    return failed;
                };
                if let Err(e) = layout::write_table_sheet(ws, formats, captions, &sheet) {
                    failed.push((i, render_error(format!("sheet `{}`: {e}", sheet.name))));
                }
            }
        })
        .collect();
    failures.sort_by_key(|(i, _)| *i);
    failures.into_iter().next().map_or(Ok(()), |(_, e)| Err(e))
}

/// One empty worksheet per table sheet. With `stream`, each sheet without a chart is a
/// constant-memory worksheet: its rows go to a temporary file as XML as they are written,
/// instead of into a cell store that is turned into XML at the end (at 10,000 x 30 entities
/// the Panel and Ranks sheets held most of the run's memory that way). Strings are written
/// inline, not in the shared-strings table, whose order would depend on which sheet's thread
/// met a string first. A chart's data cache is read from the cells, so figure sheets stay in
/// memory.
fn new_worksheets(
    workbook: &mut XlsxWorkbook,
    formats: &Formats,
    tables: &[TableSheet],
    stream: bool,
) -> Result<Vec<Worksheet>> {
    let streamed = |t: &TableSheet| stream && t.chart.is_none();
    if tables.iter().any(streamed) {
        // Streamed worksheets number their formats in the workbook's one table: registering
        // every format first, in a fixed order, keeps `styles.xml` the same on every run.
        let mut scratch = workbook
            .new_worksheet_with_constant_memory()
            .map_err(render_error)?;
        formats.register(&mut scratch).map_err(render_error)?;
    }
    tables
        .iter()
        .map(|t| {
            if streamed(t) {
                workbook
                    .new_worksheet_with_constant_memory()
                    .map_err(render_error)
            } else {
                Ok(Worksheet::new())
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Lang;

    /// `vendor/rust_xlsxwriter` checks a new table for overlap by range instead of by cell: it
    /// must still refuse an overlap, name the table of the first overlapping cell in row-major
    /// order (as the per-cell check did), and accept a table that only touches another.
    #[test]
    fn overlapping_tables_are_refused_naming_the_first_overlapping_cell_s_table() {
        // No header rows: the header cells a table writes would be read as the next one's names.
        let table = || rust_xlsxwriter::Table::new().set_header_row(false);
        let mut ws = Worksheet::new();
        ws.add_table(5, 0, 9, 3, &table()).unwrap(); // A6:D10
        ws.add_table(0, 5, 3, 8, &table()).unwrap(); // F1:I4
        ws.add_table(5, 6, 9, 8, &table()).unwrap(); // G6:I10
        let refused =
            |ws: &mut Worksheet, r0, c0, r1, c1| match ws.add_table(r0, c0, r1, c1, &table()) {
                Err(XlsxError::TableRangeOverlaps(new, previous)) => Some((new, previous)),
                Err(other) => panic!("{other}"),
                Ok(_) => None,
            };
        // C3:G8 overlaps all three; its first overlapping cell is F3, in F1:I4.
        let (new, previous) = refused(&mut ws, 2, 2, 7, 6).expect("refused");
        assert_eq!(new, "(2, 2, 7, 6) / C3:G8");
        assert_eq!(previous, "(0, 5, 3, 8) / F1:I4");
        // C6:H7 overlaps A6:D10 from C6 and G6:I10 from G6, on the same row.
        let (_, previous) = refused(&mut ws, 5, 2, 6, 7).expect("refused");
        assert_eq!(previous, "(5, 0, 9, 3) / A6:D10");
        // Tables that only touch others are accepted, and are then checked against.
        assert_eq!(refused(&mut ws, 10, 0, 12, 3), None); // A11:D13, below A6:D10
        assert_eq!(refused(&mut ws, 0, 0, 3, 4), None); // A1:E4, left of F1:I4
        let (_, previous) = refused(&mut ws, 12, 3, 14, 4).expect("refused");
        assert_eq!(previous, "(10, 0, 12, 3) / A11:D13");
    }

    /// A workbook's first worksheet, streamed (constant memory) or held in memory.
    fn first_sheet(workbook: &mut XlsxWorkbook, streamed: bool) -> &mut Worksheet {
        if streamed {
            workbook.add_worksheet_with_constant_memory().unwrap()
        } else {
            workbook.add_worksheet()
        }
    }

    /// The XML of the first worksheet of a workbook saved to memory.
    fn first_sheet_xml(workbook: &mut XlsxWorkbook) -> String {
        let bytes = workbook.save_to_buffer().unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        std::io::Read::read_to_string(
            &mut zip.by_name("xl/worksheets/sheet1.xml").unwrap(),
            &mut xml,
        )
        .unwrap();
        xml
    }

    /// `vendor/rust_xlsxwriter` writes cell numbers with zmij where that gives `Display`'s text
    /// (at most 15 significant digits, no exponent) and with `Display` otherwise: every number
    /// must read exactly as `{x}` formats it, in streamed and in-memory sheets alike. The
    /// samples include ties that zmij and `Display` round differently at 17 digits, whole
    /// numbers (zmij writes "1.0"), both zeros and the ends of zmij's plain notation.
    #[test]
    fn cell_numbers_are_written_as_display_writes_them() {
        let numbers = crate::render::tables::tests::display_samples();
        let format = rust_xlsxwriter::Format::new().set_bold();
        for streamed in [true, false] {
            let mut workbook = XlsxWorkbook::new();
            let ws = first_sheet(&mut workbook, streamed);
            for (row, &x) in (0u32..).zip(&numbers) {
                if row % 2 == 0 {
                    ws.write_number(row, 0, x).unwrap();
                } else {
                    ws.write_number_with_format(row, 0, x, &format).unwrap();
                }
            }
            let xml = first_sheet_xml(&mut workbook);
            let written: Vec<&str> = xml
                .split("<v>")
                .skip(1)
                .map(|v| v.split_once("</v>").unwrap().0)
                .collect();
            assert_eq!(written.len(), numbers.len(), "streamed: {streamed}");
            for (x, text) in numbers.iter().zip(written) {
                assert_eq!(text, format!("{x}"), "{x:?}, streamed: {streamed}");
            }
            assert!(
                xml.contains(r#"<c r="A1"><v>0</v></c>"#),
                "streamed: {streamed}"
            );
            assert!(
                xml.contains(r#"<c r="A2" s="1"><v>-0</v></c>"#),
                "streamed: {streamed}"
            );
        }
    }

    /// The cell writers of `vendor/rust_xlsxwriter` write their XML piece by piece instead of
    /// through `write!`: the text of each kind of cell, with and without a format.
    #[test]
    fn cells_are_written_as_the_release_wrote_them() {
        let format = rust_xlsxwriter::Format::new().set_italic();
        for streamed in [true, false] {
            let mut workbook = XlsxWorkbook::new();
            let ws = first_sheet(&mut workbook, streamed);
            ws.write_string(0, 0, "a & b").unwrap();
            ws.write_string_with_format(0, 1, " lead", &format).unwrap();
            ws.write_blank(0, 2, &format).unwrap();
            ws.write_number_with_format(0, 27, 2.5, &format).unwrap();
            let xml = first_sheet_xml(&mut workbook);
            let expected: &[&str] = if streamed {
                &[
                    r#"<c r="A1" t="inlineStr"><is><t>a &amp; b</t></is></c>"#,
                    r#"<c r="B1" s="1" t="inlineStr"><is><t xml:space="preserve"> lead</t></is></c>"#,
                ]
            } else {
                &[
                    r#"<c r="A1" t="s"><v>0</v></c>"#,
                    r#"<c r="B1" s="1" t="s"><v>1</v></c>"#,
                ]
            };
            for cell in expected
                .iter()
                .chain(&[r#"<c r="C1" s="1"/>"#, r#"<c r="AB1" s="1"><v>2.5</v></c>"#])
            {
                assert!(xml.contains(cell), "{cell} in {xml}");
            }
        }
    }

    #[test]
    fn sheet_names_are_valid_excel_names_in_every_language() {
        for lang in [Lang::En, Lang::Zh] {
            let catalogue = Catalogue::load(lang, None).unwrap();
            let names: Vec<&String> = catalogue
                .messages()
                .iter()
                .filter(|(k, _)| k.starts_with("workbook.sheet."))
                .map(|(_, v)| v)
                .collect();
            // One name per sheet kind; the figure sheets share one, numbered.
            assert_eq!(names.len(), 20, "{lang:?}");
            for name in &names {
                assert!(name.chars().count() <= 31, "{name}");
                assert!(
                    !name.contains(['[', ']', ':', '*', '?', '/', '\\']),
                    "{name}"
                );
            }
            let mut unique = names.clone();
            unique.sort();
            unique.dedup();
            assert_eq!(unique.len(), names.len(), "{lang:?}: duplicate sheet names");
        }
    }

    /// Every sheet's cells as calamine reads them, and the `<sheetN>` XML of the Panel sheet.
    fn read_back(bytes: &[u8]) -> (Vec<(String, calamine::Range<calamine::Data>)>, String) {
        use calamine::Reader as _;
        use std::io::Read as _;
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheets = book
            .sheet_names()
            .into_iter()
            .map(|name| {
                let range = book.worksheet_range(&name).unwrap();
                (name, range)
            })
            .collect::<Vec<_>>();
        let panel = sheets.iter().position(|(n, _)| n == "Panel").unwrap();
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{}.xml", panel + 1))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        (sheets, xml)
    }

    /// The words looked up once are the catalogue's, in both languages; where none was kept, the
    /// lookup gives it.
    #[test]
    fn the_level_and_region_words_kept_are_the_catalogue_words() {
        for language in [Lang::En, Lang::Zh] {
            let catalogue = Catalogue::load(language, None).unwrap();
            let look_up = |key: String| catalogue.get(&format!("workbook.{key}")).unwrap();
            let labels = Labels::of(&catalogue);
            let words: Vec<String> = Level::ASCENDING
                .iter()
                .map(|&l| labels.level(l).unwrap())
                .collect();
            let looked_up: Vec<&str> = Level::ASCENDING
                .iter()
                .map(|l| look_up(format!("level.{}", l.key())))
                .collect();
            assert_eq!(words, looked_up);
            for region in Region::ALL {
                let word = look_up(format!("region.{}", region.name()));
                assert_eq!(labels.region(region).unwrap(), word);
            }
            let mut missing = Labels::of(&catalogue);
            missing.levels[2] = None;
            assert_eq!(missing.level(Level::High).unwrap(), words[2]);
        }
    }

    #[test]
    fn streamed_sheets_read_back_cell_for_cell_as_the_sheets_built_in_memory() {
        let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
        let out = tempfile::tempdir().unwrap();
        let config = crate::config::Config::with_defaults(input, out.path().join("output"));
        let (product, _) = crate::prepare(&config, &crate::no_progress)
            .unwrap()
            .into_product();
        // The workbook draws its charts from the data, not from the figures' scenes.
        let (in_memory, in_memory_xml, streamed, streamed_xml) =
            crate::with_context(&config, &product, |ctx| {
                let (in_memory, in_memory_xml) =
                    read_back(&build(ctx, false).unwrap().save_to_buffer().unwrap());
                let (streamed, streamed_xml) =
                    read_back(&build(ctx, true).unwrap().save_to_buffer().unwrap());
                Ok((in_memory, in_memory_xml, streamed, streamed_xml))
            })
            .unwrap();
        // The streamed Panel sheet really was streamed: its strings are inline.
        assert!(streamed_xml.contains(r#"t="inlineStr""#));
        assert!(!in_memory_xml.contains(r#"t="inlineStr""#));
        assert_eq!(streamed.len(), in_memory.len());
        for ((name, a), (streamed_name, b)) in in_memory.iter().zip(&streamed) {
            assert_eq!(name, streamed_name);
            assert_eq!((a.start(), a.end()), (b.start(), b.end()), "sheet `{name}`");
            for ((r, c, x), y) in a.cells().zip(b.rows().flatten()) {
                assert_eq!(x, y, "sheet `{name}`, row {}, column {}", r + 1, c + 1);
            }
        }
        let panel = &streamed.iter().find(|(n, _)| n == "Panel").unwrap().1;
        assert_eq!(
            panel.height(),
            4 + product.panel.len() * product.panel.years.len()
        );
    }

    #[test]
    fn level_ranges_follow_the_boundary_sides() {
        let catalogue = Catalogue::load(Lang::En, None).unwrap();
        let labels = Labels::of(&catalogue);
        let ranges = level_ranges(&labels, &LevelRule::default()).unwrap();
        assert_eq!(
            ranges,
            [
                "Very high: v > 0.75",
                "High: 0.5 ≤ v ≤ 0.75",
                "Medium: 0.25 ≤ v < 0.5",
                "Low: v < 0.25"
            ]
        );
        let flipped = LevelRule {
            boundaries: [Side::Lower, Side::Lower, Side::Upper],
            ..LevelRule::default()
        };
        let ranges = level_ranges(&labels, &flipped).unwrap();
        assert_eq!(ranges[0], "Very high: v ≥ 0.75");
        assert_eq!(ranges[3], "Low: v ≤ 0.25");
    }
}
