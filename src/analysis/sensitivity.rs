//! Robustness of the levels (beyond the paper): levels are cut-offs on noisy indices.
//!
//! Consumes the panel and the level rule; produces [`Sensitivity`]: the panel countries within a
//! margin of a threshold in the last survey, and every cell of Tables 1 and 3 that changes when
//! the tables are recomputed under the other boundary convention (a value on a threshold belongs
//! to the level above, `>=`, at every threshold; or to the level below where the rule already is
//! `>=` everywhere) and under the thresholds shifted by plus and minus the margin.

use serde::Serialize;

use super::levels::{LevelRule, Side};
use super::tables::{self, Table1Row, Table3Row};
use crate::model::{Measure, Year};
use crate::normalise::country::CountryId;
use crate::panel::Panel;

/// The default margin around a threshold (on the 0-1 scale).
pub use crate::model::levels::DEFAULT_MARGIN;

/// A panel country whose value in the last survey lies within the margin of a threshold.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NearThreshold {
    /// The country.
    pub country: CountryId,
    /// The index.
    pub measure: Measure,
    /// Its value in the last survey.
    pub value: f64,
    /// The threshold it is near.
    pub threshold: f64,
}

/// A variant of the configured level rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variant {
    /// The other boundary convention (see the module docs).
    OtherBoundaries,
    /// The thresholds raised by the margin.
    ThresholdsPlus,
    /// The thresholds lowered by the margin.
    ThresholdsMinus,
}

impl Variant {
    /// The key used in CSV files: `other_boundaries`, `thresholds_plus_0.01`, ...
    pub fn key(self, margin: f64) -> String {
        match self {
            Variant::OtherBoundaries => "other_boundaries".to_string(),
            Variant::ThresholdsPlus => format!("thresholds_plus_{margin}"),
            Variant::ThresholdsMinus => format!("thresholds_minus_{margin}"),
        }
    }
}

/// One cell of Table 1 or Table 3 that a variant of the level rule changes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedCell {
    /// The variant.
    pub variant: Variant,
    /// `table1` or `table3`.
    pub table: &'static str,
    /// The row, as the reproduction check names rows (`maintained high`, `rose 1`, `2018 TII`).
    pub row: String,
    /// The column (`count`, or a level key).
    pub column: &'static str,
    /// The count under the variant.
    pub value: usize,
    /// The count under the configured rule.
    pub baseline: usize,
}

/// The robustness of the levels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Sensitivity {
    /// The margin used.
    pub margin: f64,
    /// The last survey.
    pub year: Year,
    /// Panel countries near a threshold in the last survey, by index then country.
    pub near: Vec<NearThreshold>,
    /// Cells that change under each variant.
    pub changed: Vec<ChangedCell>,
}

/// The variants of `rule`: its name and the rule.
fn variants(rule: &LevelRule, margin: f64) -> [(Variant, LevelRule); 3] {
    let all_upper = rule.boundaries.iter().all(|s| *s == Side::Upper);
    let other = LevelRule {
        boundaries: [if all_upper { Side::Lower } else { Side::Upper }; 3],
        ..*rule
    };
    let shifted = |d: f64| LevelRule {
        thresholds: rule.thresholds.map(|t| t + d),
        ..*rule
    };
    [
        (Variant::OtherBoundaries, other),
        (Variant::ThresholdsPlus, shifted(margin)),
        (Variant::ThresholdsMinus, shifted(-margin)),
    ]
}

fn table1_cells(rows: &[Table1Row]) -> Vec<(String, usize)> {
    rows.iter()
        .map(|r| {
            let label = match r.level {
                Some(l) => format!("{} {}", r.trend.key(), l.key()),
                None => format!("{} {}", r.trend.key(), r.levels),
            };
            (label, r.countries.len())
        })
        .collect()
}

fn table3_cells(rows: &[Table3Row]) -> Vec<(String, &'static str, usize)> {
    const COLUMNS: [&str; 4] = ["very_high", "high", "medium", "low"];
    rows.iter()
        .flat_map(|r| {
            COLUMNS
                .iter()
                .zip(r.counts)
                .map(move |(c, n)| (format!("{} {}", r.year, r.index.key()), *c, n))
        })
        .collect()
}

/// Recomputes Tables 1 and 3 under each variant and lists what changes.
pub fn sensitivity(panel: &Panel, rule: &LevelRule, margin: f64) -> Option<Sensitivity> {
    let last = panel.years.len().checked_sub(1)?;
    let mut near = Vec::new();
    for &measure in &panel.measures {
        for (c, &country) in panel.countries.iter().enumerate() {
            let Some(value) = panel.value(c, last, measure) else {
                continue;
            };
            if let Some(&threshold) = rule
                .thresholds
                .iter()
                .find(|t| (value - **t).abs() <= margin + 1e-12)
            {
                near.push(NearThreshold {
                    country,
                    measure,
                    value,
                    threshold,
                });
            }
        }
    }
    let base1 = table1_cells(&tables::table1(panel, rule));
    let base3 = table3_cells(&tables::table3(panel, rule));
    let mut changed = Vec::new();
    for (name, variant) in variants(rule, margin) {
        let t1 = table1_cells(&tables::table1(panel, &variant));
        // Rows present on one side only count as 0 on the other.
        let mut labels: Vec<&String> = base1.iter().chain(&t1).map(|(l, _)| l).collect();
        labels.sort();
        labels.dedup();
        let count = |cells: &[(String, usize)], l: &String| {
            cells.iter().find(|(x, _)| x == l).map_or(0, |(_, n)| *n)
        };
        for label in labels {
            let (value, baseline) = (count(&t1, label), count(&base1, label));
            if value != baseline {
                changed.push(ChangedCell {
                    variant: name,
                    table: "table1",
                    row: label.clone(),
                    column: "count",
                    value,
                    baseline,
                });
            }
        }
        let t3 = table3_cells(&tables::table3(panel, &variant));
        for ((row, column, value), (_, _, baseline)) in t3.into_iter().zip(&base3) {
            if value != *baseline {
                changed.push(ChangedCell {
                    variant: name,
                    table: "table3",
                    row,
                    column,
                    value,
                    baseline: *baseline,
                });
            }
        }
    }
    Some(Sensitivity {
        margin,
        year: panel.years[last],
        near,
        changed,
    })
}
