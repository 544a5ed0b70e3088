//! The report's section on country groups: the panel by region, income group and UN group in
//! the last survey, in sentences and one table of EGDI by group. Numbers come from
//! `results.groups` and `results.groups_table1`; sub-regions stay in `groups.csv` (22 rows would
//! not read as a table).

use serde::Serialize;

use super::super::text::index_value;
use super::{Builder, TableBuilder, TableView};
use crate::analysis::groups::{GroupRow, GroupSource};
use crate::analysis::tables::Trend;
use crate::error::Result;
use crate::model::{Measure, Year};
use crate::normalise::country::{GROUP_LISTS_DATE, INCOME_SNAPSHOT_YEAR};

/// The kinds of groups the section shows, in order.
const SHOWN: [&str; 3] = ["region", "income", "un_group"];

/// The order of the income groups (best-off first), as the snapshot names them.
const INCOME_ORDER: [&str; 4] = ["High", "Upper-Middle", "Lower-Middle", "Low"];

/// Section 3.3.
#[derive(Debug, Clone, Serialize)]
pub struct GroupsView {
    /// What the section shows, then one sentence per UN group, for the regions and for income.
    pub paragraphs: Vec<String>,
    /// EGDI by group in the last survey.
    pub table: TableView,
}

impl Builder<'_> {
    /// The EGDI rows of one kind of group in `year`.
    fn egdi_rows(&self, kind: &str, year: Year) -> Vec<&GroupRow> {
        self.r
            .groups
            .iter()
            .filter(|g| g.kind == kind && g.year == year && g.measure == Measure::Egdi)
            .collect()
    }

    pub(super) fn groups_section(&self) -> Result<Option<GroupsView>> {
        let tx = &self.tx;
        let year = self.last();
        let regions = self.egdi_rows("region", year);
        if regions.is_empty() {
            return Ok(None);
        }
        // The regions partition the panel: their means weighted by size give the panel's mean.
        let total: usize = regions.iter().map(|g| g.countries).sum();
        let panel_mean = regions
            .iter()
            .map(|g| g.mean * g.countries as f64)
            .sum::<f64>()
            / total as f64;
        let mut paragraphs = vec![
            tx.fill("groups.intro", &[("year", &year)])?,
            self.group_sources()?,
        ];
        for g in self.egdi_rows("un_group", year) {
            let moved = |trend: Trend| -> usize {
                self.r
                    .groups_table1
                    .iter()
                    .filter(|t| t.kind == g.kind && t.group == g.group && t.trend == trend)
                    .map(|t| t.count)
                    .sum()
            };
            paragraphs.push(tx.fill(
                "groups.un_group",
                &[
                    ("year", &year),
                    ("n", &g.countries),
                    ("group", &self.group_name(g.kind, &g.group)?),
                    ("mean", &index_value(g.mean)),
                    ("median", &index_value(g.median)),
                    ("panel_mean", &index_value(panel_mean)),
                    ("first", &self.first()),
                    ("last", &year),
                    ("rose", &moved(Trend::Rose)),
                    ("fell", &moved(Trend::Fell)),
                ],
            )?);
        }
        let by_mean = |a: &&&GroupRow, b: &&&GroupRow| a.mean.total_cmp(&b.mean);
        if let (Some(top), Some(bottom)) = (
            regions.iter().max_by(by_mean),
            regions.iter().min_by(by_mean),
        ) {
            paragraphs.push(tx.fill(
                "groups.regions",
                &[
                    ("year", &year),
                    ("top", &self.group_name("region", &top.group)?),
                    ("top_mean", &index_value(top.mean)),
                    ("bottom", &self.group_name("region", &bottom.group)?),
                    ("bottom_mean", &index_value(bottom.mean)),
                ],
            )?);
        }
        let mut income = self.egdi_rows("income", year);
        income.sort_by_key(|g| INCOME_ORDER.iter().position(|x| *x == g.group));
        if !income.is_empty() {
            let items: Vec<String> = income
                .iter()
                .map(|g| {
                    tx.fill(
                        "groups.income_item",
                        &[
                            ("group", &self.group_name(g.kind, &g.group)?),
                            ("mean", &index_value(g.mean)),
                            ("n", &g.countries),
                        ],
                    )
                })
                .collect::<Result<_>>()?;
            paragraphs.push(tx.fill(
                "groups.income",
                &[("year", &year), ("list", &tx.list(&items)?)],
            )?);
        }
        Ok(Some(GroupsView {
            paragraphs,
            table: self.groups_table(year, income)?,
        }))
    }

    /// Where the groups come from: M49, the income groups' source and date, the UN lists' date.
    fn group_sources(&self) -> Result<String> {
        let tx = &self.tx;
        let income = match GroupSource::of(&self.ctx.provenance.income_source, "income") {
            GroupSource::IncomeReference { tables, countries } => tx.fill(
                "groups.source_reference",
                &[
                    ("tables", &tables.join(", ").replace('`', "")),
                    ("n", &countries),
                    ("year", &INCOME_SNAPSHOT_YEAR),
                ],
            )?,
            _ => tx.fill("groups.source_snapshot", &[("year", &INCOME_SNAPSHOT_YEAR)])?,
        };
        let (year, month) = GROUP_LISTS_DATE
            .split_once('-')
            .unwrap_or((GROUP_LISTS_DATE, ""));
        let date = tx.fill("groups.month", &[("year", &year), ("month", &month)])?;
        let lists = tx.fill("groups.source_lists", &[("date", &date)])?;
        tx.fill("groups.sources", &[("income", &income), ("lists", &lists)])
    }

    fn groups_table(&self, year: Year, income: Vec<&GroupRow>) -> Result<TableView> {
        let tx = &self.tx;
        let col = |key: &str| tx.get(&format!("groups.{key}"));
        let mut t = TableBuilder::new("groups", tx.fill("groups.caption", &[("year", &year)])?, 2)
            .col(col("kind")?, false)
            .col(col("group")?, false)
            .col(col("countries")?, true)
            .col(col("mean")?, true)
            .col(col("median")?, true);
        for label in self.level_labels()? {
            t = t.col(label, true);
        }
        for kind in SHOWN {
            let rows = if kind == "income" {
                income.clone()
            } else {
                self.egdi_rows(kind, year)
            };
            for g in rows {
                let mut cells = vec![
                    tx.get(&format!("profile.group_kind.{kind}"))?,
                    self.group_cell(kind, &g.group)?,
                    g.countries.to_string(),
                    index_value(g.mean),
                    index_value(g.median),
                ];
                cells.extend(g.counts.iter().map(ToString::to_string));
                t.row(cells);
            }
        }
        Ok(t.finish())
    }
}
