//! The report's section on the robustness of the levels: the panel countries near a threshold in
//! the last survey and how many cells of Tables 1 and 3 each variant of the level rule changes,
//! with a table of the values nearest a threshold. Numbers come from `results.sensitivity`.

use serde::Serialize;

use super::super::text::{index_value, threshold_value};
use super::{Builder, TableBuilder, TableView};
use crate::analysis::levels::Side;
use crate::analysis::sensitivity::Variant;
use crate::error::Result;
use crate::model::Measure;

/// Rows of the table of values nearest a threshold.
const NEAREST_SHOWN: usize = 15;

/// Section 3.4.
#[derive(Debug, Clone, Serialize)]
pub struct RobustnessView {
    /// Countries near a threshold, then one sentence per variant of the rule.
    pub paragraphs: Vec<String>,
    /// The values nearest a threshold (none when no value is within the margin).
    pub table: Option<TableView>,
}

impl Builder<'_> {
    pub(super) fn robustness(&self) -> Result<Option<RobustnessView>> {
        let Some(s) = &self.r.sensitivity else {
            return Ok(None);
        };
        let tx = &self.tx;
        let margin = threshold_value(s.margin);
        let mut countries: Vec<_> = s.near.iter().map(|n| n.country).collect();
        countries.sort_unstable();
        countries.dedup();
        let egdi = s.near.iter().filter(|n| n.measure == Measure::Egdi).count();
        let mut paragraphs = vec![if countries.is_empty() {
            tx.fill(
                "robustness.near_none",
                &[("margin", &margin), ("year", &s.year)],
            )?
        } else {
            tx.fill(
                "robustness.near",
                &[
                    ("n", &countries.len()),
                    ("total", &self.r.panel_size),
                    ("margin", &margin),
                    ("year", &s.year),
                    ("egdi", &egdi),
                ],
            )?
        }];
        let n1 = self.r.table1.len();
        let n3 = self.r.table3.len() * 4;
        // The other convention puts values on a threshold above unless the rule already does.
        let side = if self.r.levels.boundaries.iter().all(|b| *b == Side::Upper) {
            tx.get("robustness.side_lower")?
        } else {
            tx.get("robustness.side_upper")?
        };
        for variant in [
            Variant::OtherBoundaries,
            Variant::ThresholdsPlus,
            Variant::ThresholdsMinus,
        ] {
            let cells = |table: &str| {
                s.changed
                    .iter()
                    .filter(|c| c.variant == variant && c.table == table)
                    .count()
            };
            let key = match variant {
                Variant::OtherBoundaries => "robustness.other_boundaries",
                Variant::ThresholdsPlus => "robustness.thresholds_plus",
                Variant::ThresholdsMinus => "robustness.thresholds_minus",
            };
            paragraphs.push(tx.fill(
                key,
                &[
                    ("side", &side),
                    ("margin", &margin),
                    ("t1", &cells("table1")),
                    ("n1", &n1),
                    ("t3", &cells("table3")),
                    ("n3", &n3),
                ],
            )?);
        }
        paragraphs.push(tx.get("robustness.list")?);
        Ok(Some(RobustnessView {
            paragraphs,
            table: self.nearest_table()?,
        }))
    }

    fn nearest_table(&self) -> Result<Option<TableView>> {
        let Some(s) = &self.r.sensitivity else {
            return Ok(None);
        };
        if s.near.is_empty() {
            return Ok(None);
        }
        let tx = &self.tx;
        let mut near: Vec<_> = s.near.iter().collect();
        near.sort_by(|a, b| {
            (a.value - a.threshold)
                .abs()
                .total_cmp(&(b.value - b.threshold).abs())
                .then_with(|| tx.iso3(a.country).cmp(tx.iso3(b.country)))
        });
        near.truncate(NEAREST_SHOWN);
        let col = |key: &str| tx.get(&format!("robustness.{key}"));
        let mut t = TableBuilder::new(
            "robustness",
            tx.fill(
                "robustness.caption",
                &[("n", &near.len()), ("year", &s.year)],
            )?,
            1,
        )
        .col(col("country")?, false)
        .col(col("index")?, false)
        .col(col("value")?, true)
        .col(col("threshold")?, true)
        .col(col("level")?, false);
        for n in near {
            t.row(vec![
                tx.country(n.country),
                tx.measure(n.measure)?,
                index_value(n.value),
                threshold_value(n.threshold),
                tx.level(self.r.levels.classify(n.value))?,
            ]);
        }
        Ok(Some(t.finish()))
    }
}
