//! The data sheets of the workbook: Tables 1-6, Figures 1-4, the tables beyond the paper
//! (transitions, latest changes, ranks, groups, robustness), Panel, Countries, Quality and
//! Reproduction, each a [`TableSheet`] in the report language.
//!
//! Consumes the results as `analysis` left them and only translates and types the cells
//! (counts as whole numbers, indices with four decimals, components with two, `[x]` for a
//! missing value); every number is the one in `tables/*.csv`.

use super::layout::{Cell, LineChart, Rows, TableSheet};
use super::{Labels, Note, Notes};
use crate::analysis::beyond::FigureSeries;
use crate::analysis::tables::ComponentTable;
use crate::error::Result;
use crate::model::{Measure, Year};
use crate::normalise::country::CountryId;
use crate::render::RenderContext;
use crate::render::tidy::{Extra, Kind, Table, Value};

/// Builds the data sheets, in workbook order.
pub(super) fn data_sheets<'a>(
    ctx: &'a RenderContext<'a>,
    labels: &'a Labels<'a>,
    notes: &'a Notes,
) -> Result<Vec<TableSheet<'a>>> {
    let b = Builder::new(ctx, labels, notes)?;
    let r = ctx.results;
    let mut sheets = vec![
        b.table1()?,
        b.table2()?,
        b.table3()?,
        b.table4()?,
        b.components("table5", &r.table5)?,
        b.components("table6", &r.table6)?,
    ];
    for figure in &r.figures {
        sheets.push(b.figure(figure)?);
    }
    sheets.extend(b.beyond()?);
    sheets.push(b.panel()?);
    sheets.push(b.countries()?);
    sheets.push(b.quality()?);
    if let Some(words) = &ctx.words.reproduction {
        sheets.push(b.reproduction(words)?);
    }
    Ok(sheets)
}

fn count(n: usize) -> Cell {
    Cell::Int(i64::try_from(n).unwrap_or(i64::MAX))
}

fn year(y: Year) -> Cell {
    Cell::Int(i64::from(y.get()))
}

/// A `countries` cell: the names in order, or an empty cell for a row of no country (its count
/// says 0).
fn countries_cell(ctx: &RenderContext<'_>, labels: &Labels, ids: &[CountryId]) -> Result<Cell> {
    if ids.is_empty() {
        Ok(Cell::Empty)
    } else {
        Ok(Cell::Text(labels.country_list(ctx, ids)?))
    }
}

/// The words of a sheet's messages without placeholders, each filled once: the Ranks sheet
/// names its rank's source in every row, and its rows are made twice (measured, then written).
/// One sheet's rows are made on one thread, so the lock is never waited for.
type Words = std::sync::Mutex<std::collections::HashMap<String, String>>;

/// An output table's value as a cell of its kind, in the workbook's language.
fn tidy_cell(
    ctx: &RenderContext<'_>,
    labels: &Labels,
    words: &Words,
    value: &Value,
    kind: Kind,
) -> Result<Cell> {
    Ok(match value {
        Value::Int(n) => Cell::Int(*n),
        Value::Number(v) => match kind {
            Kind::Index => Cell::Index(*v),
            Kind::Component => Cell::Component(*v),
            _ => Cell::Number(*v),
        },
        Value::Missing => Cell::Missing,
        Value::NotApplicable => Cell::NotApplicable,
        Value::Text(t) => Cell::Text(t.clone()),
        Value::Country(c) if kind == Kind::Name => Cell::Text(labels.country(ctx, *c)),
        Value::Country(c) => Cell::Text(ctx.countries.names.get(*c).iso3.clone()),
        Value::Countries(ids) => countries_cell(ctx, labels, ids)?,
        Value::Level(l) => Cell::Text(labels.level(*l)?),
        Value::Measure(m) => Cell::Text(labels.measure_short(*m)?),
        Value::Stage(n) => {
            let stage = Measure::STAGES[usize::from(n.clamp(&1, &4) - 1)];
            Cell::Text(labels.measure(stage)?)
        }
        Value::Region(r) => Cell::Text(labels.region(*r)?),
        Value::Word { message, args, .. } if args.is_empty() => {
            let mut words = words
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            let word = match words.get(message.as_str()) {
                Some(word) => word.clone(),
                None => {
                    let word = labels.fill(message, &[])?;
                    words.insert(message.clone(), word.clone());
                    word
                }
            };
            Cell::Text(word)
        }
        Value::Word { message, args, .. } => {
            let args: Vec<(&str, &str)> = args.iter().map(|(k, v)| (*k, v.as_str())).collect();
            Cell::Text(labels.fill(message, &args)?)
        }
    })
}

struct Builder<'a> {
    ctx: &'a RenderContext<'a>,
    labels: &'a Labels<'a>,
    notes: &'a Notes,
    /// Placeholders every heading may use: n, first, last, focus, countries.
    heading_args: Vec<(&'static str, String)>,
}

impl<'a> Builder<'a> {
    fn new(ctx: &'a RenderContext<'a>, labels: &'a Labels<'a>, notes: &'a Notes) -> Result<Self> {
        let r = ctx.results;
        let mut compared = r.benchmarks.clone();
        compared.push(r.focus);
        let edge = |y: Option<&Year>| y.map(ToString::to_string).unwrap_or_default();
        let heading_args = vec![
            ("n", ctx.panel.len().to_string()),
            ("first", edge(r.years.first())),
            ("last", edge(r.years.last())),
            // The survey before the last (what the latest changes compare with).
            ("previous", edge(r.years.iter().rev().nth(1))),
            ("focus", labels.country(ctx, r.focus)),
            ("countries", labels.country_list(ctx, &compared)?),
            ("indices", labels.measure_list(r.measures.iter().copied())?),
            (
                "table3_indices",
                labels.measure_list(Measure::table3_indices(&r.measures))?,
            ),
        ];
        Ok(Self {
            ctx,
            labels,
            notes,
            heading_args,
        })
    }

    fn sheet(
        &self,
        key: &str,
        notes: &[Note],
        headers: Vec<String>,
        rows: Vec<Vec<Cell>>,
    ) -> Result<TableSheet<'a>> {
        self.sheet_of(key.to_string(), key, &[], notes, headers, Rows::Built(rows))
    }

    /// A sheet named, titled and listed by the `sheet.`, `heading.` and `contents.` messages
    /// of `message`, with `extra` placeholders beside the common ones.
    fn sheet_of(
        &self,
        key: String,
        message: &str,
        extra: &[(&str, String)],
        notes: &[Note],
        headers: Vec<String>,
        rows: Rows<'a>,
    ) -> Result<TableSheet<'a>> {
        let args: Vec<(&str, &str)> = self
            .heading_args
            .iter()
            .map(|(k, v)| (*k, v.as_str()))
            .chain(extra.iter().map(|(k, v)| (*k, v.as_str())))
            .collect();
        Ok(TableSheet {
            key,
            name: self.labels.fill(&format!("sheet.{message}"), &args)?,
            title: self.labels.fill(&format!("heading.{message}"), &args)?,
            contents: self.labels.fill(&format!("contents.{message}"), &args)?,
            notes: self.notes.line(self.labels, notes)?,
            headers,
            rows,
            chart: None,
            description: None,
        })
    }

    /// A sheet of one output table: the schema's columns (names beside codes), each value shown
    /// by its kind in the report language.
    fn tidy(&self, table: &'a Table<'a>, notes: &[Note]) -> Result<TableSheet<'a>> {
        let (ctx, labels) = (self.ctx, self.labels);
        let layout: Vec<Kind> = table.layout().into_iter().map(|(kind, _)| kind).collect();
        let words = Words::default();
        let convert = move |row: &[Value]| -> Result<Vec<Cell>> {
            row.iter()
                .zip(&layout)
                .map(|(value, &kind)| tidy_cell(ctx, labels, &words, value, kind))
                .collect()
        };
        let rows = if table.is_made() {
            // Made again as the sheet is written, so that the rows are never all held.
            Rows::Made {
                len: table.len(),
                row: Box::new(move |i| convert(&table.row(i))),
            }
        } else {
            Rows::Built(
                table
                    .rows()
                    .map(|row| convert(&row))
                    .collect::<Result<_>>()?,
            )
        };
        let mut headers = table
            .schema
            .columns
            .iter()
            .map(|c| self.labels.get(&format!("column.{}", c.label)))
            .collect::<Result<Vec<_>>>()?;
        match &table.extra {
            Extra::Nothing => {}
            Extra::Countries(list) => headers.extend(list.iter().map(|&c| self.country(c))),
            Extra::Measures(list) => headers.extend(list.iter().map(|m| m.key().to_string())),
        }
        let key = table.schema.key;
        self.sheet_of(key.to_string(), key, &[], notes, headers, rows)
    }

    fn country(&self, id: CountryId) -> String {
        self.labels.country(self.ctx, id)
    }

    fn country_cell(&self, ids: &[CountryId]) -> Result<Cell> {
        countries_cell(self.ctx, self.labels, ids)
    }

    /// Headers `year`, (`first` ...), then one column per country.
    fn country_headers(&self, first: &[&str], countries: &[CountryId]) -> Result<Vec<String>> {
        let mut headers = self.labels.columns(first)?;
        headers.extend(countries.iter().map(|&c| self.country(c)));
        Ok(headers)
    }

    fn table1(&self) -> Result<TableSheet<'a>> {
        let rows = self
            .ctx
            .results
            .table1
            .iter()
            .map(|row| {
                // The paper's rows: "stayed very high", "rose 2 levels".
                let change = match row.level {
                    Some(l) => self
                        .labels
                        .fill("change.stayed", &[("level", &self.labels.level(l)?)])?,
                    None => {
                        let form = if row.levels == 1 { "one" } else { "other" };
                        self.labels.fill(
                            &format!("change.{}_{form}", row.trend.key()),
                            &[("n", &row.levels.to_string())],
                        )?
                    }
                };
                Ok(vec![
                    Cell::Text(self.labels.get(&format!("trend.{}", row.trend.key()))?),
                    Cell::Text(change),
                    count(row.countries.len()),
                    self.country_cell(&row.countries)?,
                ])
            })
            .collect::<Result<_>>()?;
        let headers = self
            .labels
            .columns(&["trend", "change", "count", "countries"])?;
        let notes = [Note::Levels, Note::Order, Note::Panel, Note::Boundary];
        self.sheet("table1", &notes, headers, rows)
    }

    fn table2(&self) -> Result<TableSheet<'a>> {
        let separator = self.labels.get("path_separator")?;
        let rows = self
            .ctx
            .results
            .table2
            .iter()
            .map(|row| {
                let path = row
                    .path
                    .iter()
                    .map(|&l| self.labels.level(l))
                    .collect::<Result<Vec<_>>>()?;
                Ok(vec![
                    Cell::Int(i64::from(row.levels)),
                    Cell::Text(path.join(&separator)),
                    count(row.countries.len()),
                    self.country_cell(&row.countries)?,
                ])
            })
            .collect::<Result<_>>()?;
        let headers = self
            .labels
            .columns(&["levels", "path", "count", "countries"])?;
        let notes = [Note::Levels, Note::Order, Note::Panel];
        self.sheet("table2", &notes, headers, rows)
    }

    /// One row per survey, the 12 columns OSI, TII, HCI x very high ... low (flat headers),
    /// and a missing column per index when an analysed (not required) index has gaps.
    fn table3(&self) -> Result<TableSheet<'a>> {
        let r = self.ctx.results;
        let indices: Vec<Measure> = Measure::table3_indices(&r.measures).collect();
        let missing = r.table3.iter().any(|row| row.missing > 0);
        let rows = r
            .years
            .iter()
            .map(|&y| {
                let mut cells = vec![year(y)];
                for &index in &indices {
                    let row = r
                        .table3
                        .iter()
                        .find(|row| row.year == y && row.index == index);
                    let counts = row.map_or([0; 4], |row| row.counts);
                    cells.extend(counts.iter().map(|&n| count(n)));
                    if missing {
                        cells.push(count(row.map_or(0, |row| row.missing)));
                    }
                }
                cells
            })
            .collect();
        let mut headers = self.labels.columns(&["year"])?;
        for &index in &indices {
            let mut labels = crate::analysis::levels::Level::DESCENDING
                .iter()
                .map(|&level| self.labels.level(level))
                .collect::<Result<Vec<_>>>()?;
            if missing {
                labels.push(self.labels.get("column.no_value")?);
            }
            for label in labels {
                headers.push(
                    self.labels
                        .fill("index_level", &[("index", index.key()), ("level", &label)])?,
                );
            }
        }
        let notes = [
            Note::Levels,
            Note::Panel,
            Note::Weighted,
            Note::Declared,
            Note::Boundary,
        ];
        self.sheet("table3", &notes, headers, rows)
    }

    fn table4(&self) -> Result<TableSheet<'a>> {
        let notes = [Note::Levels, Note::Stages, Note::Panel, Note::Boundary];
        self.tidy(self.ctx.table("table4"), &notes)
    }

    /// Table 5 or 6.
    fn components(&self, key: &'static str, table: &ComponentTable) -> Result<TableSheet<'a>> {
        let rows = table
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![
                    year(row.year),
                    Cell::Text(self.labels.measure(row.indicator)?),
                ];
                cells.extend(
                    row.values
                        .iter()
                        .map(|&v| Cell::or_missing(v, Cell::Component)),
                );
                Ok(cells)
            })
            .collect::<Result<_>>()?;
        let headers = self.country_headers(&["year", "indicator"], &table.countries)?;
        self.sheet(key, &[Note::Components, Note::Missing], headers, rows)
    }

    fn figure(&self, figure: &FigureSeries) -> Result<TableSheet<'a>> {
        let rows = figure
            .years
            .iter()
            .zip(&figure.values)
            .map(|(&y, values)| {
                let mut cells = vec![year(y)];
                cells.extend(values.iter().map(|&v| Cell::or_missing(v, Cell::Index)));
                cells
            })
            .collect();
        let headers = self.country_headers(&["year"], &figure.countries)?;
        let mut notes = vec![Note::Figures, Note::Missing];
        if figure.measure != Measure::Egdi {
            notes.push(Note::Weighted);
        }
        notes.push(Note::Declared);
        let breaks = crate::render::charts::breaks_of(self.ctx.results, figure.measure);
        let mut sheet = self.sheet_of(
            format!("figure{}", figure.number),
            "figure",
            &[
                ("number", figure.number.to_string()),
                ("measure", figure.measure.key().to_string()),
            ],
            &notes,
            headers,
            rows,
        )?;
        let edge = |y: Option<&Year>| y.map(ToString::to_string).unwrap_or_default();
        let focus = figure
            .countries
            .last()
            .map(|&c| self.country(c))
            .unwrap_or_default();
        let alt_text = self.labels.fill(
            "chart.alt_text",
            &[
                ("measure", figure.measure.key()),
                ("first", &edge(figure.years.first())),
                ("last", &edge(figure.years.last())),
                ("focus", &focus),
            ],
        )?;
        sheet.chart = Some(LineChart {
            title: sheet.title.clone(),
            x_axis: self.labels.get("chart.x_axis")?,
            y_axis: self.labels.measure(figure.measure)?,
            alt_text,
            // Every figure shows an index on the 0-1 scale.
            y_range: Some((0.0, 1.0)),
            hollow: figure
                .years
                .iter()
                .map(|y| breaks.iter().any(|b| b.year == *y))
                .collect(),
        });
        Ok(sheet)
    }

    fn panel(&self) -> Result<TableSheet<'a>> {
        let (ctx, labels) = (self.ctx, self.labels);
        let panel = ctx.panel;
        let regions = panel
            .regions
            .iter()
            .map(|&r| labels.region(r))
            .collect::<Result<Vec<_>>>()?;
        let years = panel.years.len();
        // One row per country and survey, made as the sheet is written.
        let row = move |i: usize| -> Result<Vec<Cell>> {
            let (c, y) = (i / years, i % years);
            let country = panel.countries[c];
            let mut cells = vec![
                Cell::Text(ctx.countries.names.get(country).iso3.clone()),
                Cell::Text(labels.country(ctx, country)),
                Cell::Text(regions[c].clone()),
                year(panel.years[y]),
            ];
            cells.extend(
                panel
                    .measures
                    .iter()
                    .map(|&m| Cell::or_missing(panel.value(c, y, m), Cell::Index)),
            );
            Ok(cells)
        };
        let rows = Rows::Made {
            len: panel.len() * years,
            row: Box::new(row),
        };
        let mut headers = crate::render::tidy::schema("panel")
            .columns
            .iter()
            .map(|c| self.labels.get(&format!("column.{}", c.label)))
            .collect::<Result<Vec<_>>>()?;
        headers.extend(panel.measures.iter().map(|m| m.key().to_string()));
        let notes = [Note::Panel, Note::Weighted];
        self.sheet_of("panel".into(), "panel", &[], &notes, headers, rows)
    }

    fn countries(&self) -> Result<TableSheet<'a>> {
        let panel = self.ctx.panel;
        let mut members: Vec<(CountryId, Option<String>)> =
            panel.countries.iter().map(|&c| (c, None)).collect();
        let conc = &self.ctx.countries.names;
        let separator = self.labels.get("list_separator")?;
        for e in &panel.exclusions {
            let gaps: Vec<String> = e
                .gaps
                .iter()
                .map(|g| crate::render::report::gap_reason(self.labels.catalogue, conc, g))
                .collect::<Result<_>>()?;
            members.push((e.country, Some(gaps.join(&separator))));
        }
        // Country ids follow the ISO3 order of the concordance.
        members.sort_by_key(|m| m.0);
        let (yes, no) = (self.labels.get("yes")?, self.labels.get("no")?);
        let rows = members
            .into_iter()
            .map(|(id, reason)| {
                let country = self.ctx.countries.names.get(id);
                // The formal name here: the one list of every country.
                Ok(vec![
                    Cell::Text(country.iso3.clone()),
                    Cell::Text(self.labels.catalogue.country_formal(country).to_string()),
                    Cell::Text(self.labels.region(self.ctx.countries.region(id))?),
                    Cell::Text(if reason.is_none() {
                        yes.clone()
                    } else {
                        no.clone()
                    }),
                    Cell::or_not_applicable(reason),
                ])
            })
            .collect::<Result<_>>()?;
        let headers = self
            .labels
            .columns(&["iso3", "name", "region", "in_panel", "reason"])?;
        self.sheet(
            "countries",
            &[Note::Panel, Note::NotApplicable],
            headers,
            rows,
        )
    }

    fn quality(&self) -> Result<TableSheet<'a>> {
        let notes = [Note::NotApplicable, Note::Weighted, Note::Boundary];
        let mut sheet = self.tidy(self.ctx.table("quality"), &notes)?;
        // The detail is a sentence in the report language, not the CSV's English.
        let details = self.ctx.words.findings.iter().cloned();
        let column = sheet.rows.built_mut().first().map_or(0, |r| r.len() - 1);
        for (row, detail) in sheet.rows.built_mut().iter_mut().zip(details) {
            row[column] = Cell::Text(detail);
        }
        Ok(sheet)
    }

    /// The schema's table, each difference in the report's words: its table, row and column,
    /// a published country by its name, and the explaining sentence in a last column; the cells
    /// compared and matched in the description.
    fn reproduction(
        &self,
        words: &crate::render::report::ReproductionWords,
    ) -> Result<TableSheet<'a>> {
        let mut sheet = self.tidy(self.ctx.table("reproduction"), &[Note::Reproduction])?;
        for (row, w) in sheet.rows.built_mut().iter_mut().zip(&words.differences) {
            let shown = |text: &String, cell: &Cell| match cell {
                Cell::Text(_) => Cell::Text(text.clone()),
                other => other.clone(),
            };
            let (published, computed) = (shown(&w.published, &row[3]), shown(&w.computed, &row[4]));
            *row = vec![
                Cell::Text(w.table.clone()),
                Cell::Text(w.row.clone()),
                Cell::Text(w.column.clone()),
                published,
                computed,
                Cell::Text(w.explanation.clone()),
            ];
        }
        sheet.headers.push(self.labels.get("column.explanation")?);
        sheet.description = Some(words.summary.clone());
        Ok(sheet)
    }

    /// The sheets of the tables beyond the paper, in the order the Contents lists them.
    fn beyond(&self) -> Result<Vec<TableSheet<'a>>> {
        let r = self.ctx.results;
        let mut groups = self.tidy(self.ctx.table("groups"), &[Note::Levels])?;
        // Group names in the workbook's language (the CSV keeps the embedded lists' names).
        for (row, g) in groups.rows.built_mut().iter_mut().zip(&r.groups) {
            row[1] = Cell::Text(self.labels.group_name(g.kind, &g.group)?);
        }
        let mut sensitivity = self.tidy(self.ctx.table("sensitivity"), &[Note::Levels])?;
        if let Some(s) = &r.sensitivity {
            // The rows of Tables 1 and 3 as the report names them (`stayed low`).
            let changed = sensitivity.rows.built_mut().iter_mut().skip(s.near.len());
            for (row, c) in changed.zip(&s.changed) {
                row[2] = Cell::Text(crate::render::report::row_words(
                    self.ctx,
                    self.labels.catalogue,
                    c.table,
                    &c.row,
                )?);
            }
        }
        Ok(vec![
            self.transitions()?,
            self.tidy(self.ctx.table("latest"), &[Note::Levels])?,
            self.tidy(self.ctx.table("ranks"), &[Note::NotApplicable])?,
            groups,
            sensitivity,
        ])
    }

    /// The level changes between consecutive surveys, pivoted as the report shows them: one
    /// row per index and kind of change, one column per interval, an interval across a survey
    /// that does not compare with the others marked.
    fn transitions(&self) -> Result<TableSheet<'a>> {
        let pivot = &self.ctx.words.transitions;
        let mut headers = self.labels.columns(&["index", "change"])?;
        headers.extend(pivot.intervals.iter().cloned());
        let rows = pivot
            .rows
            .iter()
            .map(|row| {
                let mut cells = vec![
                    Cell::Text(row.index.clone()),
                    Cell::Text(row.change.clone()),
                ];
                cells.extend(row.counts.iter().map(|n| n.map_or(Cell::Missing, count)));
                cells
            })
            .collect();
        let notes = [
            Note::Transitions,
            Note::Levels,
            Note::Weighted,
            Note::Declared,
            Note::Missing,
        ];
        self.sheet("transitions", &notes, headers, rows)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words kept for a sheet are the words of their own message, whatever came before.
    #[test]
    fn each_kept_word_is_its_own_message_filled() {
        crate::render::tests::with_bundled_context(|ctx| {
            let labels = Labels::new(ctx);
            let words = Words::default();
            let keys = ["published", "computed", "published", "computed"];
            for key in keys {
                let value = Value::word(key, format!("rank_source.{key}"));
                let cell = tidy_cell(ctx, &labels, &words, &value, Kind::Text).unwrap();
                let expected = labels.fill(&format!("rank_source.{key}"), &[]).unwrap();
                assert!(
                    matches!(&cell, Cell::Text(t) if *t == expected),
                    "{key}: {cell:?}"
                );
            }
            assert_ne!(
                labels.fill("rank_source.published", &[]).unwrap(),
                labels.fill("rank_source.computed", &[]).unwrap()
            );
            assert_eq!(words.lock().unwrap().len(), 2);
        });
    }
}
