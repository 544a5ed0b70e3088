//! One country's profile (beyond the paper): its indices, levels, ranks and group positions over
//! every survey, whether it is in the balanced panel and why not, and its data-quality findings.
//!
//! Consumes the fact table, the panel and the finished [`Results`]; produces a [`Profile`]. The
//! ranks, region means and findings are taken from the results, not recomputed; the only new
//! numbers are the positions within each group, counted on those ranks. Nothing here draws.

use std::collections::BTreeMap;

use serde::Serialize;

use super::Results;
use super::levels::Level;
use super::quality::FindingKind;
use super::ranks::RankRow;
use crate::error::{Error, Result};
use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::normalise::country::{Concordance, CountryId};
use crate::panel::{Gap, Panel};

/// One country in one survey.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProfileSurvey {
    /// The survey.
    pub year: Year,
    /// Whether the input has a row of the country in that survey.
    pub present: bool,
    /// The values as used (rescaled where configured), parallel to [`Profile::measures`].
    pub values: Vec<Option<f64>>,
    /// The levels of the analysed indices, parallel to [`Profile::measures`] (none for another
    /// index, for a missing value and for a survey in which the country was not assessed, EGDI 0).
    pub levels: Vec<Option<Level>>,
    /// The mean over the panel countries of the country's region, parallel to
    /// [`Profile::measures`] (none for an index that is not analysed).
    pub region_means: Vec<Option<f64>>,
    /// The rank, its source and the change since the previous survey.
    pub rank: Option<RankRow>,
}

/// The country's place within one of its groups in one survey, counted on the ranks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupPosition {
    /// `region`, `subregion`, `income` or `un_group` (as in `groups.csv`).
    pub kind: &'static str,
    /// The group (`Asia`, `Eastern Asia`, `LDC`).
    pub group: String,
    /// The survey.
    pub year: Year,
    /// 1 + the members of the group with a better rank (ties share a position).
    pub position: usize,
    /// The members of the group with a rank in that survey.
    pub of: usize,
}

/// Everything one country's page shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Profile {
    /// The country.
    pub country: CountryId,
    /// Whether the input has a row of the country in some survey.
    pub in_input: bool,
    /// Whether it is in the balanced panel.
    pub in_panel: bool,
    /// The indices shown, in registry order (EGDI first): the analysed ones, and any other
    /// index (EPI) the country has a value of.
    pub measures: Vec<Measure>,
    /// One entry per survey of the run, oldest first.
    pub surveys: Vec<ProfileSurvey>,
    /// Its groups (region, sub-region, income group, UN groups) and its position in each, for
    /// every survey in which it has a rank.
    pub groups: Vec<GroupPosition>,
    /// Why it is not in the panel: every survey in which it is incomplete (empty when it is in).
    pub gaps: Vec<Gap>,
    /// Positions in `results.findings` of the findings about the country (its exclusion aside,
    /// which `gaps` says).
    pub findings: Vec<usize>,
}

impl Profile {
    /// The last survey in which the country has a rank.
    pub fn last_ranked(&self) -> Option<&ProfileSurvey> {
        self.surveys.iter().rev().find(|s| s.rank.is_some())
    }
}

/// The groups of a country as `groups.csv` names them: (kind, group).
fn memberships(normalised: &Normalised, country: CountryId) -> Vec<(&'static str, String)> {
    let info = normalised.concordance.get(country);
    let mut out = vec![("region", normalised.region(country).name().to_string())];
    if !info.subregion.is_empty() {
        out.push(("subregion", info.subregion.clone()));
    }
    let income = normalised.income(country);
    if !income.is_empty() {
        out.push(("income", income.to_string()));
    }
    out.extend(info.groups.iter().map(|g| ("un_group", g.clone())));
    out
}

/// Whether `other` belongs to the group (kind, group).
fn is_member(normalised: &Normalised, other: CountryId, kind: &str, group: &str) -> bool {
    let info = normalised.concordance.get(other);
    match kind {
        "region" => normalised.region(other).name() == group,
        "subregion" => info.subregion == group,
        "income" => normalised.income(other) == group,
        _ => info.groups.iter().any(|g| g == group),
    }
}

/// The profile of one country.
pub fn profile(
    normalised: &Normalised,
    panel: &Panel,
    results: &Results,
    country: CountryId,
) -> Profile {
    let facts = &normalised.facts;
    // The analysed indices, and any other index (EPI) the country has a value of.
    let measures: Vec<Measure> = Measure::ALL
        .into_iter()
        .filter(|m| m.is_index())
        .filter(|&m| {
            results.measures.contains(&m)
                || results
                    .years
                    .iter()
                    .any(|&y| facts.value(country, y, m).is_some())
        })
        .collect();
    let region = normalised.region(country).name();
    let region_mean = |year: Year, measure: Measure| {
        results
            .groups
            .iter()
            .find(|g| {
                g.kind == "region" && g.group == region && g.year == year && g.measure == measure
            })
            .map(|g| g.mean)
    };
    let ranks: BTreeMap<(CountryId, Year), &RankRow> = results
        .ranks
        .iter()
        .map(|r| ((r.country, r.year), r))
        .collect();
    let surveys: Vec<ProfileSurvey> = results
        .years
        .iter()
        .map(|&year| {
            let values: Vec<Option<f64>> = measures
                .iter()
                .map(|&m| {
                    facts
                        .value(country, year, m)
                        .map(|v| panel.scale(year, m, v))
                })
                .collect();
            let assessed = values[0].is_some_and(|v| v > 0.0);
            let is_index = |m: Measure| results.measures.contains(&m);
            ProfileSurvey {
                year,
                present: normalised.has_row(country, year),
                levels: measures
                    .iter()
                    .zip(&values)
                    .map(|(&m, v)| {
                        v.filter(|_| assessed && is_index(m))
                            .map(|v| results.levels.classify(v))
                    })
                    .collect(),
                region_means: measures
                    .iter()
                    .map(|&m| region_mean(year, m).filter(|_| is_index(m)))
                    .collect(),
                values,
                rank: ranks.get(&(country, year)).map(|r| (*r).clone()),
            }
        })
        .collect();
    let mut groups = Vec::new();
    for (kind, group) in memberships(normalised, country) {
        for survey in &surveys {
            let Some(own) = &survey.rank else { continue };
            let members: Vec<u32> = normalised
                .concordance
                .iter()
                .filter(|(other, _)| is_member(normalised, *other, kind, &group))
                .filter_map(|(other, _)| ranks.get(&(other, survey.year)).map(|r| r.rank))
                .collect();
            groups.push(GroupPosition {
                kind,
                group: group.clone(),
                year: survey.year,
                position: 1 + members.iter().filter(|&&r| r < own.rank).count(),
                of: members.len(),
            });
        }
    }
    let gaps = panel
        .exclusions
        .iter()
        .find(|e| e.country == country)
        .map(|e| e.gaps.clone())
        .unwrap_or_default();
    let findings = results
        .findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.country == Some(country) && f.kind != FindingKind::Excluded)
        .map(|(i, _)| i)
        .collect();
    Profile {
        country,
        in_input: surveys.iter().any(|s| s.present),
        in_panel: panel.position(country).is_some(),
        measures,
        surveys,
        groups,
        gaps,
        findings,
    }
}

/// The country a profile is asked for: an ISO3 or ISO2 code, or any name or alias the
/// concordance knows.
///
/// # Errors
/// [`Error::ProfileCountryUnknown`] with the three closest known names and their codes.
pub fn find_country(concordance: &Concordance, query: &str) -> Result<CountryId> {
    if let Some((id, _)) = concordance.lookup_code(query) {
        return Ok(id);
    }
    let suggestions: Vec<String> = concordance
        .closest(query)
        .iter()
        .map(|name| match concordance.lookup(name) {
            Some((id, _)) => format!("`{name}` (`{}`)", concordance.get(id).iso3),
            None => format!("`{name}`"),
        })
        .collect();
    Err(Error::ProfileCountryUnknown {
        name: query.to_string(),
        suggestions: suggestions.join(", "),
    })
}
