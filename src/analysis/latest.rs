//! What the latest survey changed (beyond the paper): between the last two surveys, the panel
//! countries whose level changed per index, and the countries the last survey brought into or
//! took out of the panel.
//!
//! Consumes the panel, the fact table and the level rule; produces [`Latest`]. The panel without
//! the last survey is recounted here with the panel's own rule (every required measure present,
//! EGDI above 0), so that entering and leaving countries are named, not only counted.

use serde::Serialize;

use super::levels::{Level, LevelRule};
use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;
use crate::panel::Panel;

/// A panel country whose level of one index changed between the last two surveys.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LevelChange {
    /// The index.
    pub measure: Measure,
    /// The country.
    pub country: CountryId,
    /// Its level in the second-to-last survey.
    pub from_level: Level,
    /// Its level in the last survey.
    pub to_level: Level,
    /// Its value in the second-to-last survey.
    pub from_value: f64,
    /// Its value in the last survey.
    pub to_value: f64,
}

/// What the last survey changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Latest {
    /// The second-to-last survey.
    pub from_year: Year,
    /// The last survey.
    pub to_year: Year,
    /// Level changes, by index (EGDI, OSI, TII, HCI) then country.
    pub changes: Vec<LevelChange>,
    /// Countries complete in every earlier survey that the last survey keeps out of the panel.
    pub left: Vec<CountryId>,
    /// Panel size without the last survey.
    pub panel_before: usize,
}

/// The changes between the last two surveys of the panel.
///
/// `left` stays empty for a panel fixed by configuration (no survey takes a country out of it).
pub fn latest(normalised: &Normalised, panel: &Panel, rule: &LevelRule) -> Option<Latest> {
    let n = panel.years.len();
    if n < 2 {
        return None;
    }
    let (from, to) = (n - 2, n - 1);
    let mut changes = Vec::new();
    for &measure in &panel.measures {
        for (c, &country) in panel.countries.iter().enumerate() {
            let (Some(a), Some(b)) = (panel.value(c, from, measure), panel.value(c, to, measure))
            else {
                continue;
            };
            let (la, lb) = (rule.classify(a), rule.classify(b));
            if la != lb {
                changes.push(LevelChange {
                    measure,
                    country,
                    from_level: la,
                    to_level: lb,
                    from_value: a,
                    to_value: b,
                });
            }
        }
    }
    let complete = |country: CountryId, year: Year| {
        panel
            .required
            .iter()
            .all(|&m| normalised.facts.value(country, year, m).is_some())
            && normalised
                .facts
                .value(country, year, Measure::Egdi)
                .is_some_and(|v| v > 0.0)
    };
    let earlier = &panel.years[..to];
    let before: Vec<CountryId> = normalised
        .concordance
        .iter()
        .map(|(c, _)| c)
        .filter(|&c| earlier.iter().all(|&y| complete(c, y)))
        .collect();
    let left = if panel.fixed {
        Vec::new()
    } else {
        before
            .iter()
            .copied()
            .filter(|c| panel.position(*c).is_none())
            .collect()
    };
    Some(Latest {
        from_year: panel.years[from],
        to_year: panel.years[to],
        changes,
        left,
        panel_before: before.len(),
    })
}
