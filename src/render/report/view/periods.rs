//! Section 4's conclusion in words: the stages of global e-government that Tables 3 and 4
//! support, with the counts that place each boundary (`analysis::periods` finds them).
//!
//! A boundary found in survey `Y` dates to about `Y - 1` (a survey describes the year before
//! its publication); a range whose tables place no boundary says so instead.

use super::Builder;
use crate::analysis::periods::{Periodisation, YearCount};
use crate::error::Result;
use crate::model::Year;

/// The year before a survey's year (the year its data describe).
fn year_before(year: Year) -> u16 {
    year.get().saturating_sub(1)
}

impl Builder<'_> {
    fn counts_and_years(&self, items: &[YearCount]) -> Result<(String, String)> {
        let tx = &self.tx;
        let counts: Vec<String> = items
            .iter()
            .map(|c| tx.fill("periods.count_item", &[("count", &c.count)]))
            .collect::<Result<_>>()?;
        let years: Vec<String> = items
            .iter()
            .map(|c| tx.fill("periods.year_item", &[("year", &c.year)]))
            .collect::<Result<_>>()?;
        Ok((tx.list(&counts)?, tx.list(&years)?))
    }

    /// The periodisation in one sentence, for the summary.
    pub(super) fn periods_summary(&self) -> Result<String> {
        let tx = &self.tx;
        let p: &Periodisation = &self.r.periods;
        match (p.information_survey(), p.integration_survey()) {
            (Some(info), Some(integration)) => tx.fill(
                "periods.summary_three",
                &[
                    ("a", &year_before(info).saturating_sub(1)),
                    ("b", &year_before(info)),
                    ("c", &year_before(integration)),
                ],
            ),
            (Some(info), None) => tx.fill(
                "periods.summary_information",
                &[
                    ("a", &year_before(info).saturating_sub(1)),
                    ("b", &year_before(info)),
                ],
            ),
            (None, Some(integration)) => tx.fill(
                "periods.summary_integration",
                &[("c", &year_before(integration))],
            ),
            (None, None) => tx.get("periods.summary_none"),
        }
    }

    /// The stages with their evidence, one paragraph each, then how the years are dated.
    pub(super) fn periods(&self) -> Result<Vec<String>> {
        let tx = &self.tx;
        let p = &self.r.periods;
        let n = p.panel_size;
        let mut out = vec![self.periods_summary()?];
        let integration_start = p.integration_survey().map(year_before);
        match &p.information {
            Some(info) => {
                let before = match info.before {
                    Some(b) => tx.fill(
                        "periods.information_before",
                        &[("year", &b.year), ("count", &b.count)],
                    )?,
                    None => String::new(),
                };
                let survey = info.stage1_very_high.year;
                out.push(tx.fill(
                    "periods.information",
                    &[
                        ("end", &year_before(survey).saturating_sub(1)),
                        ("survey", &survey),
                        ("count", &info.stage1_very_high.count),
                        ("before", &before),
                        ("stage2", &info.stage2_high),
                        ("n", &n),
                    ],
                )?);
                let (counts, years) = self.counts_and_years(&info.stage3_high)?;
                let start = year_before(survey);
                out.push(match integration_start {
                    Some(end) => tx.fill(
                        "periods.interactive",
                        &[
                            ("start", &start),
                            ("end", &end),
                            ("counts", &counts),
                            ("years", &years),
                        ],
                    )?,
                    None => tx.fill(
                        "periods.interactive_open",
                        &[("start", &start), ("counts", &counts), ("years", &years)],
                    )?,
                });
            }
            None if !p.has_stages => out.push(tx.get("periods.no_stages")?),
            None => {
                let max = p.stage1_max.unwrap_or(YearCount {
                    year: self.first(),
                    count: 0,
                });
                out.push(tx.fill(
                    "periods.no_information",
                    &[("count", &max.count), ("year", &max.year)],
                )?);
            }
        }
        match (&p.integration, integration_start) {
            (Some(integration), Some(start)) => {
                let before = match integration.before {
                    Some(b) => tx.fill(
                        "periods.integration_before",
                        &[("year", &b.year), ("count", &b.count)],
                    )?,
                    None => String::new(),
                };
                let (counts, years) = self.counts_and_years(&integration.osi_high)?;
                out.push(tx.fill(
                    "periods.integration",
                    &[
                        ("start", &start),
                        ("before", &before),
                        ("counts", &counts),
                        ("years", &years),
                        ("n", &n),
                    ],
                )?);
            }
            _ => {
                let max = p.osi_max.unwrap_or(YearCount {
                    year: self.last(),
                    count: 0,
                });
                out.push(tx.fill(
                    "periods.no_integration",
                    &[("count", &max.count), ("year", &max.year), ("n", &n)],
                )?);
            }
        }
        out.push(tx.get("periods.lag")?);
        Ok(out)
    }
}
