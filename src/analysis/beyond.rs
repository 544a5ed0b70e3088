//! What goes beyond the paper (SPEC section 5): transition matrices, gaps, regions; and the
//! figure series. Pure functions of the panel and facts.

use rayon::prelude::*;
use serde::Serialize;

use super::levels::LevelRule;
use super::tables;
use crate::model::{Measure, Region, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;
use crate::panel::Panel;

/// One figure's data: one series per country over the survey years.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FigureSeries {
    /// The figure's number: the measure's position among the analysed ones, from 1 (the paper's
    /// Figures 1-4 are EGDI, OSI, TII and HCI).
    pub number: u8,
    /// The analysed index drawn.
    pub measure: Measure,
    /// Benchmarks in order, then the focus country (the last one is emphasised).
    pub countries: Vec<CountryId>,
    /// The survey years.
    pub years: Vec<Year>,
    /// Values per year (rows) and country (columns); `None` when missing.
    pub values: Vec<Vec<Option<f64>>>,
}

/// The figure of one analysed index: its values for the given countries over every survey.
pub fn figure(
    normalised: &Normalised,
    panel: &Panel,
    measure: Measure,
    countries: &[CountryId],
) -> FigureSeries {
    let position = panel.measures.iter().position(|&m| m == measure);
    let number = u8::try_from(position.map_or(0, |p| p + 1)).unwrap_or(u8::MAX);
    let values = panel
        .years
        .iter()
        .map(|&y| {
            countries
                .iter()
                .map(|&c| {
                    normalised
                        .facts
                        .value(c, y, measure)
                        .map(|v| panel.scale(y, measure, v))
                })
                .collect()
        })
        .collect();
    FigureSeries {
        number,
        measure,
        countries: countries.to_vec(),
        years: panel.years.clone(),
        values,
    }
}

/// The level transition matrix of one index between two consecutive surveys.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Transition {
    /// The index.
    pub measure: Measure,
    /// The earlier survey.
    pub from: Year,
    /// The later survey.
    pub to: Year,
    /// `counts[i][j]`: countries at level `Level::DESCENDING[i]` in `from` and
    /// `Level::DESCENDING[j]` in `to`.
    pub counts: [[usize; 4]; 4],
}

/// Transition matrices for each analysed index between every pair of consecutive surveys;
/// a country without a value in either survey is in no cell.
pub fn transitions(panel: &Panel, rule: &LevelRule) -> Vec<Transition> {
    let intervals = panel.years.len().saturating_sub(1);
    if intervals == 0 {
        return Vec::new();
    }
    // One matrix per (measure, interval), measure by measure. Counted country by country (the
    // panel holds a country's surveys and measures together, so each reads its part in order,
    // and each value is classified once), on every thread for a share of the countries, then
    // summed: integer counts, so the split cannot change a result.
    let empty = || vec![[[0usize; 4]; 4]; panel.measures.len() * intervals];
    let counts = (0..panel.len())
        .into_par_iter()
        .fold(empty, |mut counts, c| {
            for (matrices, &measure) in counts.chunks_mut(intervals).zip(&panel.measures) {
                let level = |y: usize| {
                    panel
                        .value(c, y, measure)
                        .map(|v| tables::column(rule.classify(v)))
                };
                let mut before = level(0);
                for (y, matrix) in (1..).zip(matrices) {
                    let after = level(y);
                    if let (Some(a), Some(b)) = (before, after) {
                        matrix[a][b] += 1;
                    }
                    before = after;
                }
            }
            counts
        })
        .reduce(empty, |mut a, b| {
            let cells = a.as_flattened_mut().as_flattened_mut();
            for (x, y) in cells.iter_mut().zip(b.as_flattened().as_flattened()) {
                *x += y;
            }
            a
        });
    panel
        .measures
        .iter()
        .flat_map(|&m| (1..panel.years.len()).map(move |y| (m, y)))
        .zip(counts)
        .map(|((measure, y), counts)| Transition {
            measure,
            from: panel.years[y - 1],
            to: panel.years[y],
            counts,
        })
        .collect()
}

/// The focus country's gap to one benchmark (or to the benchmark mean) for one measure and year.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Gap {
    /// Survey year.
    pub year: Year,
    /// The index or component.
    pub measure: Measure,
    /// The benchmark country; `None` for the mean of the benchmarks.
    pub benchmark: Option<CountryId>,
    /// The focus country's value.
    pub focus_value: Option<f64>,
    /// The benchmark's value (or the mean of those present).
    pub benchmark_value: Option<f64>,
    /// focus - benchmark.
    pub difference: Option<f64>,
    /// focus / benchmark (none when the benchmark is 0).
    pub ratio: Option<f64>,
}

/// Gaps of the focus country to each benchmark and to their mean, for the analysed indices in the last
/// two surveys and for the components in the last two surveys with component data.
pub fn gaps(
    normalised: &Normalised,
    panel: &Panel,
    focus: CountryId,
    benchmarks: &[CountryId],
) -> Vec<Gap> {
    let last_two =
        |years: Vec<Year>| -> Vec<Year> { years[years.len().saturating_sub(2)..].to_vec() };
    let index_years = last_two(panel.years.clone());
    let component_years = |group: &[Measure]| {
        last_two(
            panel
                .years
                .iter()
                .copied()
                .filter(|&y| group.iter().any(|&m| normalised.facts.has_any(y, m)))
                .collect(),
        )
    };
    let groups: [(&[Measure], Vec<Year>); 3] = [
        (&panel.measures, index_years),
        (
            &Measure::TII_COMPONENTS,
            component_years(&Measure::TII_COMPONENTS),
        ),
        (
            &Measure::HCI_COMPONENTS,
            component_years(&Measure::HCI_COMPONENTS),
        ),
    ];
    let value = |c: CountryId, y: Year, m: Measure| {
        normalised
            .facts
            .value(c, y, m)
            .map(|v| panel.scale(y, m, v))
    };
    let mut out = Vec::new();
    for (measures, years) in groups {
        for &year in &years {
            for &measure in measures {
                let f = value(focus, year, measure);
                let mut present = Vec::new();
                for &b in benchmarks {
                    let v = value(b, year, measure);
                    if let Some(v) = v {
                        present.push(v);
                    }
                    out.push(gap_row(year, measure, Some(b), f, v));
                }
                // Summed in the benchmarks' order: a fixed order keeps the float result stable.
                let mean = (!present.is_empty())
                    .then(|| present.iter().sum::<f64>() / present.len() as f64);
                out.push(gap_row(year, measure, None, f, mean));
            }
        }
    }
    out
}

fn gap_row(
    year: Year,
    measure: Measure,
    benchmark: Option<CountryId>,
    f: Option<f64>,
    b: Option<f64>,
) -> Gap {
    let difference = f.zip(b).map(|(f, b)| f - b);
    let ratio = f.zip(b).and_then(|(f, b)| (b != 0.0).then(|| f / b));
    Gap {
        year,
        measure,
        benchmark,
        focus_value: f,
        benchmark_value: b,
        difference,
        ratio,
    }
}

/// Panel composition of one region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RegionRow {
    /// The region.
    pub region: Region,
    /// Countries of the input in that region.
    pub input_countries: usize,
    /// Of those, in the panel.
    pub panel_countries: usize,
}

/// Panel composition by region, in the order Europe, Americas, Asia, Africa, Oceania.
pub fn regions(normalised: &Normalised, panel: &Panel) -> Vec<RegionRow> {
    Region::ALL
        .into_iter()
        .map(|region| {
            let panel_countries = panel.regions.iter().filter(|r| **r == region).count();
            let excluded = panel
                .exclusions
                .iter()
                .filter(|e| normalised.region(e.country) == region)
                .count();
            RegionRow {
                region,
                input_countries: panel_countries + excluded,
                panel_countries,
            }
        })
        .collect()
}
