//! Section 5 of the report view: the focus country against the benchmarks (Figures 1-4,
//! Tables 5-6 and the gap table).

use super::compare::{Standing, change_sentence, leaders, ratio_standing, standing};
use super::{BenchmarkPart, BenchmarkView, Builder, FigureView, TableBuilder, TableView};
use crate::analysis::beyond::{FigureSeries, Gap};
use crate::analysis::tables::ComponentTable;
use crate::error::Result;
use crate::model::{Measure, Year};
use crate::render::report::text::{
    component_value, difference_value, index_value, measure_value, ratio_value,
};

impl Builder<'_> {
    fn mean_gap(&self, year: Year, measure: Measure) -> Option<&Gap> {
        self.r
            .gaps
            .iter()
            .find(|g| g.year == year && g.measure == measure && g.benchmark.is_none())
    }

    /// Which sub-index puts the focus country furthest behind the benchmark mean in the last
    /// survey, and which closest (by ratio), in words that fit the sign of each; none without
    /// two comparable sub-indices.
    pub(super) fn largest_gap(&self) -> Result<Option<String>> {
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
        let key = match (ratio_standing(furthest.1), ratio_standing(closest.1)) {
            (Standing::Below, Standing::Below) => "benchmark.largest_behind",
            (Standing::Below, _) => "benchmark.largest_mixed",
            _ => "benchmark.largest_ahead",
        };
        Ok(Some(self.tx.fill(
            key,
            &[
                ("year", &year),
                ("country", &self.tx.country_in_text(self.r.focus)),
                ("furthest", &self.tx.measure(furthest.0)?),
                ("furthest_ratio", &ratio_value(furthest.1)),
                ("closest", &self.tx.measure(closest.0)?),
                ("closest_ratio", &ratio_value(closest.1)),
            ],
        )?))
    }

    pub(super) fn benchmark(&self, largest_gap: Option<String>) -> Result<BenchmarkView> {
        let tx = &self.tx;
        let benchmarks: Vec<String> = self
            .r
            .benchmarks
            .iter()
            .map(|&c| tx.country_in_text(c))
            .collect();
        let indices = self
            .r
            .figures
            .iter()
            .map(|f| tx.measure(f.measure))
            .collect::<Result<Vec<_>>>()?;
        let numbers: Vec<u8> = self.r.figures.iter().map(|f| f.number).collect();
        let figures = match numbers.as_slice() {
            [] => String::new(),
            [one] => tx.fill("benchmark.figures_one", &[("first", one)])?,
            [first, .., last] => tx.fill(
                "benchmark.figures_range",
                &[("first", first), ("last", last)],
            )?,
        };
        let mut paragraphs = vec![tx.fill(
            "benchmark.intro",
            &[
                ("country", &tx.country_in_text(self.r.focus)),
                ("benchmarks", &tx.list(&benchmarks)?),
                ("indices", &tx.list(&indices)?),
                ("figures", &figures),
            ],
        )?];
        paragraphs.extend(largest_gap);
        let mut parts = Vec::new();
        for (i, figure) in self.r.figures.iter().enumerate() {
            let measure = figure.measure;
            let mut part_paragraphs = self.index_sentences(figure)?;
            let table = match measure {
                Measure::Tii => Some((5, &self.r.table5)),
                Measure::Hci => Some((6, &self.r.table6)),
                _ => None,
            };
            let table = match table {
                Some((number, components)) if components.rows.is_empty() => {
                    part_paragraphs.push(tx.fill(
                        "benchmark.no_components",
                        &[("index", &tx.measure(measure)?), ("n", &number)],
                    )?);
                    None
                }
                Some((number, components)) => {
                    part_paragraphs.extend(self.component_sentences(measure, components)?);
                    Some(self.component_table(number, components)?)
                }
                None => None,
            };
            parts.push(BenchmarkPart {
                id: format!("benchmark-{}", measure.key().to_lowercase()),
                heading: tx.fill(
                    "benchmark.heading",
                    &[("number", &(i + 1)), ("measure", &tx.measure(measure)?)],
                )?,
                figure: self.figure(figure)?,
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
                (
                    "countries",
                    &tx.list(
                        &figure
                            .countries
                            .iter()
                            .map(|&c| tx.country_in_text(c))
                            .collect::<Vec<_>>(),
                    )?,
                ),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        Ok(FigureView {
            id: format!("figure{}", figure.number),
            caption: self.caption("figure", figure.number, &title)?,
            path: format!("figures/figure{}.svg", figure.number),
            svg: self
                .ctx
                .figures
                .iter()
                .find(|d| d.number == figure.number)
                .map(|d| crate::render::report::inline_svg(&d.svg))
                .unwrap_or_default(),
        })
    }

    /// The focus country against the benchmark mean in the last two surveys, and the leader.
    fn index_sentences(&self, figure: &FigureSeries) -> Result<Vec<String>> {
        let tx = &self.tx;
        let measure = figure.measure;
        let country = tx.country_in_text(self.r.focus);
        let index = tx.measure(measure)?;
        let mut out = Vec::new();
        let years = &self.r.years[self.r.years.len().saturating_sub(2)..];
        let gaps: Vec<&Gap> = years
            .iter()
            .filter_map(|&y| self.mean_gap(y, measure))
            .filter(|g| g.difference.is_some())
            .collect();
        if let Some(last) = gaps.last() {
            let diff = last.difference.unwrap_or_default();
            out.push(tx.fill(
                &format!("benchmark.{}", standing(diff).key()),
                &[
                    ("year", &last.year),
                    ("country", &country),
                    ("index", &index),
                    ("value", &index_value(last.focus_value.unwrap_or_default())),
                    ("difference", &index_value(diff.abs())),
                    (
                        "mean",
                        &index_value(last.benchmark_value.unwrap_or_default()),
                    ),
                    ("ratio", &last.ratio.map_or_else(String::new, ratio_value)),
                ],
            )?);
        }
        if let [before, after] = gaps.as_slice() {
            out.push(change_sentence(
                tx,
                &country,
                (before.year, before.difference.unwrap_or_default()),
                (after.year, after.difference.unwrap_or_default()),
            )?);
        }
        // The leading countries of the last survey among those compared (ties at 4 decimals).
        let last_values = figure.values.last().map(Vec::as_slice).unwrap_or_default();
        let first = leaders(last_values);
        if let Some(&top) = first.first() {
            let names: Vec<String> = first
                .iter()
                .map(|&i| tx.country_in_text(figure.countries[i]))
                .collect();
            let key = match first.len() {
                1 => "benchmark.leader",
                2 => "benchmark.leaders_two",
                _ => "benchmark.leaders_many",
            };
            out.push(tx.fill(
                key,
                &[
                    ("year", &self.last()),
                    ("index", &index),
                    ("country", &names[0]),
                    ("countries", &tx.list(&names)?),
                    ("value", &index_value(last_values[top].unwrap_or_default())),
                ],
            )?);
        }
        Ok(out)
    }

    /// The components ranked by their ratio to the benchmark mean, with indicators of a
    /// declining technology marked and left out of "furthest behind".
    fn component_sentences(&self, measure: Measure, table: &ComponentTable) -> Result<Vec<String>> {
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
        let declining = &self.ctx.config.declining_indicators;
        let is_declining = |g: &Gap| declining.contains(&g.measure);
        let mut out = Vec::new();
        let country = tx.country_in_text(self.r.focus);
        if gaps.is_empty() {
            return Ok(out);
        }
        let ranked: Vec<String> = gaps
            .iter()
            .map(|g| {
                let key = if is_declining(g) {
                    "benchmark.component_ratio_declining"
                } else {
                    "benchmark.component_ratio"
                };
                tx.fill(
                    key,
                    &[
                        ("indicator", &tx.measure(g.measure)?),
                        ("ratio", &ratio_value(g.ratio.unwrap_or_default())),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        out.push(tx.fill(
            "benchmark.components_ranked",
            &[
                ("year", &year),
                ("country", &country),
                ("index", &tx.measure(measure)?),
                ("list", &tx.join(&ranked)?),
            ],
        )?);
        let marked: Vec<String> = gaps
            .iter()
            .filter(|g| is_declining(g))
            .map(|g| tx.measure(g.measure))
            .collect::<Result<_>>()?;
        if !marked.is_empty() {
            let key = if marked.len() == 1 {
                "benchmark.declining_note_one"
            } else {
                "benchmark.declining_note"
            };
            out.push(tx.fill(key, &[("list", &tx.list(&marked)?)])?);
        }
        let behind = gaps.iter().find(|g| {
            !is_declining(g)
                && g.ratio
                    .is_some_and(|r| ratio_standing(r) == Standing::Below)
        });
        if let Some(g) = behind.filter(|_| !marked.is_empty()) {
            out.push(tx.fill(
                "benchmark.component_behind",
                &[
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
            .filter(|g| {
                g.ratio
                    .is_some_and(|r| ratio_standing(r) != Standing::Below)
            })
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

    fn component_table(&self, number: u8, table: &ComponentTable) -> Result<TableView> {
        let tx = &self.tx;
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
        Ok(t.finish())
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
            debug_assert!(mean.benchmark.is_none(), "each chunk ends with the mean");
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
}
