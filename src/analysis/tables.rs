//! Tables 1-6 of the paper (SPEC section 5), each a pure function of the panel and facts.

use serde::Serialize;

use super::levels::{Level, LevelRule};
use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;
use crate::panel::Panel;

/// The direction of a Table 1 row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Trend {
    /// Same level first and last.
    Maintained,
    /// Higher level last.
    Rose,
    /// Lower level last.
    Fell,
}

impl Trend {
    /// `maintained`, `rose` or `fell`.
    pub fn key(self) -> &'static str {
        match self {
            Trend::Maintained => "maintained",
            Trend::Rose => "rose",
            Trend::Fell => "fell",
        }
    }
}

/// A row of Table 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table1Row {
    /// Maintained, rose or fell.
    pub trend: Trend,
    /// Levels changed (0 for maintained).
    pub levels: u8,
    /// The level kept (maintained rows only).
    pub level: Option<Level>,
    /// The countries, by EGDI in the last survey descending, ties by ISO3.
    pub countries: Vec<CountryId>,
}

/// A row of Table 2.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Table2Row {
    /// Levels risen.
    pub levels: u8,
    /// The levels held from first to last, ascending.
    pub path: Vec<Level>,
    /// The countries, by EGDI in the last survey descending.
    pub countries: Vec<CountryId>,
}

impl Table2Row {
    /// The path as in the CSV: `low>high>very_high`.
    pub fn path_key(&self) -> String {
        self.path
            .iter()
            .map(|l| l.key())
            .collect::<Vec<_>>()
            .join(">")
    }
}

/// A row of Table 3: counts per level, very high first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table3Row {
    /// Survey year.
    pub year: Year,
    /// An analysed index other than EGDI (OSI, TII, HCI by default).
    pub index: Measure,
    /// Counts: very high, high, medium, low.
    pub counts: [usize; 4],
    /// Panel countries without a value of this index in this survey (never counted as low).
    pub missing: usize,
}

/// A row of Table 4.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Table4Row {
    /// Survey year.
    pub year: Year,
    /// Stage 1-4.
    pub stage: u8,
    /// Counts: very high, high, medium, low.
    pub counts: [usize; 4],
    /// Panel countries without a value for this stage and year.
    pub missing: usize,
}

/// Table 5 or 6: component values of the benchmark and focus countries.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentTable {
    /// The countries (benchmarks in order, then the focus country).
    pub countries: Vec<CountryId>,
    /// The rows, by year then indicator.
    pub rows: Vec<ComponentRow>,
}

/// A row of Table 5 or 6.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ComponentRow {
    /// Survey year.
    pub year: Year,
    /// The indicator.
    pub indicator: Measure,
    /// One value per country; `None` when missing.
    pub values: Vec<Option<f64>>,
}

/// Orders panel positions by EGDI in the last survey descending, ties by ISO3 (= id order).
pub(crate) fn order_by_last_egdi(panel: &Panel, mut members: Vec<usize>) -> Vec<CountryId> {
    let last = panel.years.len() - 1;
    members.sort_by(|&a, &b| {
        panel
            .egdi(b, last)
            .total_cmp(&panel.egdi(a, last))
            .then_with(|| panel.countries[a].cmp(&panel.countries[b]))
    });
    members.into_iter().map(|i| panel.countries[i]).collect()
}

/// EGDI levels of every panel country in every survey.
fn egdi_levels(panel: &Panel, rule: &LevelRule) -> Vec<Vec<Level>> {
    (0..panel.len())
        .map(|c| {
            (0..panel.years.len())
                .map(|y| rule.classify(panel.egdi(c, y)))
                .collect()
        })
        .collect()
}

/// Table 1: EGDI level change from the first to the last survey.
pub fn table1(panel: &Panel, rule: &LevelRule) -> Vec<Table1Row> {
    let levels = egdi_levels(panel, rule);
    let mut maintained: [Vec<usize>; 4] = Default::default();
    let mut rose: Vec<Vec<usize>> = vec![Vec::new(); 4];
    let mut fell: Vec<Vec<usize>> = vec![Vec::new(); 4];
    for (c, l) in levels.iter().enumerate() {
        let (first, last) = (l[0], l[l.len() - 1]);
        let change = i16::from(last.rank()) - i16::from(first.rank());
        match change {
            0 => maintained[usize::from(first.rank())].push(c),
            k if k > 0 => rose[k.unsigned_abs() as usize].push(c),
            k => fell[k.unsigned_abs() as usize].push(c),
        }
    }
    let mut rows = Vec::new();
    for level in Level::DESCENDING {
        let members = std::mem::take(&mut maintained[usize::from(level.rank())]);
        rows.push(Table1Row {
            trend: Trend::Maintained,
            levels: 0,
            level: Some(level),
            countries: order_by_last_egdi(panel, members),
        });
    }
    for (trend, groups) in [(Trend::Rose, rose), (Trend::Fell, fell)] {
        for (k, members) in groups.into_iter().enumerate() {
            if !members.is_empty() {
                let levels = u8::try_from(k).expect("at most 3 levels");
                rows.push(Table1Row {
                    trend,
                    levels,
                    level: None,
                    countries: order_by_last_egdi(panel, members),
                });
            }
        }
    }
    rows
}

/// Table 2: the paths of the rises.
pub fn table2(panel: &Panel, rule: &LevelRule) -> Vec<Table2Row> {
    let levels = egdi_levels(panel, rule);
    let mut groups: Vec<(u8, Vec<Level>, Vec<usize>)> = Vec::new();
    for (c, l) in levels.iter().enumerate() {
        let (first, last) = (l[0], l[l.len() - 1]);
        if last <= first {
            continue;
        }
        let path: Vec<Level> = Level::ASCENDING
            .into_iter()
            .filter(|lv| *lv >= first && *lv <= last && l.contains(lv))
            .collect();
        let risen = last.rank() - first.rank();
        match groups.iter_mut().find(|g| g.0 == risen && g.1 == path) {
            Some(g) => g.2.push(c),
            None => groups.push((risen, path, vec![c])),
        }
    }
    // Levels ascending, then highest level descending, lowest level descending, longer first.
    groups.sort_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| b.1.last().cmp(&a.1.last()))
            .then_with(|| b.1.first().cmp(&a.1.first()))
            .then_with(|| b.1.len().cmp(&a.1.len()))
    });
    groups
        .into_iter()
        .map(|(levels, path, members)| Table2Row {
            levels,
            path,
            countries: order_by_last_egdi(panel, members),
        })
        .collect()
}

/// A level's column in the tables' counts: very high first, low last.
pub(crate) fn column(level: Level) -> usize {
    3 - usize::from(level.rank())
}

/// Table 3: panel countries per level of each analysed index but EGDI, in every survey.
pub fn table3(panel: &Panel, rule: &LevelRule) -> Vec<Table3Row> {
    let indices: Vec<Measure> = panel.sub_indices().collect();
    // (counts, missing) per (survey, index). Counted country by country: the panel holds a
    // country's surveys and measures together, so this reads it in order (by survey, the loop
    // over countries read one value per cache line, and a 20,000-country panel from memory).
    let mut cells = vec![([0usize; 4], 0usize); panel.years.len() * indices.len()];
    for c in 0..panel.len() {
        for y in 0..panel.years.len() {
            for (i, &index) in indices.iter().enumerate() {
                let (counts, missing) = &mut cells[y * indices.len() + i];
                match panel.value(c, y, index) {
                    Some(v) => counts[column(rule.classify(v))] += 1,
                    None => *missing += 1,
                }
            }
        }
    }
    let mut rows = Vec::with_capacity(cells.len());
    for (y, &year) in panel.years.iter().enumerate() {
        for (i, &index) in indices.iter().enumerate() {
            let (counts, missing) = cells[y * indices.len() + i];
            rows.push(Table3Row {
                year,
                index,
                counts,
                missing,
            });
        }
    }
    rows
}

/// Table 4: panel countries per level of each OSI stage, in the years with stage data.
pub fn table4(normalised: &Normalised, panel: &Panel, rule: &LevelRule) -> Vec<Table4Row> {
    let mut rows = Vec::new();
    for &year in &panel.years {
        let any = Measure::STAGES
            .iter()
            .any(|&m| normalised.facts.has_any(year, m));
        if !any {
            continue;
        }
        for (i, stage) in Measure::STAGES.into_iter().enumerate() {
            let mut counts = [0usize; 4];
            let mut missing = 0;
            for &c in &panel.countries {
                match normalised.facts.value(c, year, stage) {
                    Some(v) => counts[column(rule.classify(v / 100.0))] += 1,
                    None => missing += 1,
                }
            }
            rows.push(Table4Row {
                year,
                stage: u8::try_from(i + 1).expect("four stages"),
                counts,
                missing,
            });
        }
    }
    rows
}

/// Tables 5 and 6: the indicators of the countries in the last two survey years that have any.
pub fn component_table(
    normalised: &Normalised,
    panel: &Panel,
    countries: &[CountryId],
    indicators: &[Measure],
) -> ComponentTable {
    let with_data: Vec<Year> = panel
        .years
        .iter()
        .copied()
        .filter(|&y| indicators.iter().any(|&m| normalised.facts.has_any(y, m)))
        .collect();
    let years = &with_data[with_data.len().saturating_sub(2)..];
    let mut rows = Vec::new();
    for &year in years {
        for &indicator in indicators {
            let values = countries
                .iter()
                .map(|&c| normalised.facts.value(c, year, indicator))
                .collect();
            rows.push(ComponentRow {
                year,
                indicator,
                values,
            });
        }
    }
    ComponentTable {
        countries: countries.to_vec(),
        rows,
    }
}
