//! Country groups (beyond the paper): the panel by M49 region and sub-region, World Bank income
//! group, and the UN's LDC, LLDC and SIDS lists.
//!
//! Consumes the panel, the concordance's memberships and the level rule; produces per group and
//! survey the panel countries, the mean and median of each index and its level counts (Table 3 by
//! group), and Table 1 by group. Means are summed in panel order, so they do not depend on threads.

use serde::Serialize;

use super::levels::{Level, LevelRule};
use super::stats;
use super::tables::{self, Trend};
use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::panel::Panel;

/// The kinds of groups, in output order.
pub const KINDS: [&str; 4] = ["region", "subregion", "income", "un_group"];

/// Where the membership of one kind of group comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum GroupSource {
    /// The UN M49 regions and sub-regions (embedded, or regions set by reference tables).
    M49,
    /// The embedded income snapshot (the UNU-EGOV countries file) of a year.
    IncomeSnapshot {
        /// The year the income groups refer to.
        year: &'static str,
    },
    /// Income groups from country reference tables of the input.
    IncomeReference {
        /// The tables (`` `countries.csv` ``).
        tables: Vec<String>,
        /// The countries they set.
        countries: usize,
    },
    /// The UN-OHRLLS lists of LDCs, LLDCs and SIDS as of a date.
    UnLists {
        /// Year and month of the lists.
        date: &'static str,
    },
}

impl GroupSource {
    /// The source of a kind of group (`region`, `subregion`, `income`, `un_group`) in this run.
    pub fn of(income: &crate::normalise::IncomeSource, kind: &str) -> Self {
        use crate::normalise::IncomeSource;
        use crate::normalise::country::{GROUP_LISTS_DATE, INCOME_SNAPSHOT_YEAR};
        match kind {
            "income" => match income {
                IncomeSource::Embedded => GroupSource::IncomeSnapshot {
                    year: INCOME_SNAPSHOT_YEAR,
                },
                IncomeSource::Reference { tables, countries } => GroupSource::IncomeReference {
                    tables: tables.clone(),
                    countries: *countries,
                },
            },
            "un_group" => GroupSource::UnLists {
                date: GROUP_LISTS_DATE,
            },
            _ => GroupSource::M49,
        }
    }

    /// In English, as `groups.csv` writes it.
    pub fn describe(&self) -> String {
        match self {
            GroupSource::M49 => "UN M49".into(),
            GroupSource::IncomeSnapshot { year } => {
                format!("embedded snapshot (UNU-EGOV countries file), income groups of {year}")
            }
            GroupSource::IncomeReference { tables, countries } => {
                format!(
                    "country reference {} ({countries} countries; the others from the embedded \
                     snapshot)",
                    tables.join(", ").replace('`', "")
                )
            }
            GroupSource::UnLists { date } => format!("UN-OHRLLS lists of {date}"),
        }
    }
}

/// One group's index in one survey.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// `region`, `subregion`, `income` or `un_group`.
    pub kind: &'static str,
    /// The group's name (`Africa`, `Eastern Africa`, `High`, `LDC`).
    pub group: String,
    /// The survey.
    pub year: Year,
    /// The index.
    pub measure: Measure,
    /// Panel countries in the group.
    pub countries: usize,
    /// Mean of the index over them.
    pub mean: f64,
    /// Median of the index over them.
    pub median: f64,
    /// Counts: very high, high, medium, low.
    pub counts: [usize; 4],
    /// Where the membership of this kind of group comes from.
    pub source: GroupSource,
}

/// One row of Table 1 for one group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupTable1Row {
    /// The kind of group.
    pub kind: &'static str,
    /// The group.
    pub group: String,
    /// Maintained, rose or fell.
    pub trend: Trend,
    /// Levels changed (0 for maintained).
    pub levels: u8,
    /// The level kept (maintained rows only).
    pub level: Option<Level>,
    /// Countries.
    pub count: usize,
}

/// Every group's members among the panel countries (positions in the panel), by kind then name.
fn memberships(normalised: &Normalised, panel: &Panel) -> Vec<(&'static str, String, Vec<usize>)> {
    let mut out: Vec<(&'static str, String, Vec<usize>)> = Vec::new();
    let mut add = |kind: &'static str, group: &str, c: usize| {
        if group.is_empty() {
            return;
        }
        match out.iter_mut().find(|(k, g, _)| *k == kind && g == group) {
            Some((_, _, members)) => members.push(c),
            None => out.push((kind, group.to_string(), vec![c])),
        }
    };
    for (c, &country) in panel.countries.iter().enumerate() {
        let info = normalised.concordance.get(country);
        add("region", panel.regions[c].name(), c);
        add("subregion", &info.subregion, c);
        add("income", normalised.income(country), c);
        for g in &info.groups {
            add("un_group", g, c);
        }
    }
    out.sort_by(|a, b| {
        let kind = |k: &str| KINDS.iter().position(|x| *x == k);
        kind(a.0).cmp(&kind(b.0)).then_with(|| a.1.cmp(&b.1))
    });
    out
}

/// The group rows and Table 1 by group.
pub fn groups(
    normalised: &Normalised,
    panel: &Panel,
    rule: &LevelRule,
) -> (Vec<GroupRow>, Vec<GroupTable1Row>) {
    let mut rows = Vec::new();
    let mut table1 = Vec::new();
    for (kind, group, members) in memberships(normalised, panel) {
        let source = GroupSource::of(&normalised.income_source, kind);
        for (y, &year) in panel.years.iter().enumerate() {
            for &measure in &panel.measures {
                // Countries without a value of an analysed (not required) index are left out.
                let mut values: Vec<f64> = members
                    .iter()
                    .filter_map(|&c| panel.value(c, y, measure))
                    .collect();
                if values.is_empty() {
                    continue;
                }
                let mut counts = [0usize; 4];
                for v in &values {
                    counts[tables::column(rule.classify(*v))] += 1;
                }
                let mean = values.iter().sum::<f64>() / values.len() as f64;
                let countries = values.len();
                rows.push(GroupRow {
                    kind,
                    group: group.clone(),
                    year,
                    measure,
                    countries,
                    mean,
                    median: stats::median(&mut values).expect("values is not empty"),
                    counts,
                    source: source.clone(),
                });
            }
        }
        let sub = panel.subset(&members);
        for row in tables::table1(&sub, rule) {
            table1.push(GroupTable1Row {
                kind,
                group: group.clone(),
                trend: row.trend,
                levels: row.levels,
                level: row.level,
                count: row.countries.len(),
            });
        }
    }
    (rows, table1)
}
