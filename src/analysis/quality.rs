//! Data-quality findings (SPEC section 7) as data: what the numbers do not say by themselves.
//!
//! Exclusions, aliases, region notes, values exactly on a level boundary, and surveys whose
//! OSI, TII and HCI look like weighted contributions (their sum is about EGDI, not 3 x EGDI).

use rayon::prelude::*;
use serde::Serialize;

use super::levels::{Level, LevelRule};
use super::stats;
use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;
use crate::panel::Panel;

/// A median (OSI + TII + HCI) / EGDI below this marks weighted contributions: the ratio is 3
/// when the components are the indices themselves (EGDI is their mean) and 1 when they are
/// already divided by 3.
pub const WEIGHTED_RATIO_LIMIT: f64 = 2.0;

/// The kind of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    /// A survey whose components are weighted contributions.
    WeightedComponents,
    /// A country left out of the panel.
    Excluded,
    /// A value exactly on a level boundary.
    OnBoundary,
    /// A country name that needed an alias.
    Alias,
    /// A region written in a survey table that disagrees with the region used.
    RegionMismatch,
    /// A region set by a country reference table.
    RegionOverride,
    /// A value above its measure's range, kept as published.
    AboveRange,
    /// A sub-index of 0 beside an EGDI above 0 (probably not assessed).
    ZeroSubIndex,
    /// Two sources that differ only by rounding.
    RoundedCopy,
}

impl FindingKind {
    /// The key used in CSV files.
    pub fn key(self) -> &'static str {
        match self {
            FindingKind::WeightedComponents => "weighted_components",
            FindingKind::Excluded => "excluded",
            FindingKind::OnBoundary => "on_boundary",
            FindingKind::Alias => "alias",
            FindingKind::RegionMismatch => "region_mismatch",
            FindingKind::RegionOverride => "region_override",
            FindingKind::AboveRange => "above_range",
            FindingKind::ZeroSubIndex => "zero_sub_index",
            FindingKind::RoundedCopy => "rounded_copy",
        }
    }
}

/// One data-quality finding.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Finding {
    /// What kind.
    pub kind: FindingKind,
    /// The country concerned.
    pub country: Option<CountryId>,
    /// The survey year concerned.
    pub year: Option<Year>,
    /// The measure concerned.
    pub measure: Option<Measure>,
    /// The value concerned (ratio, boundary value).
    pub value: Option<f64>,
    /// The level assigned (boundary findings).
    pub level: Option<Level>,
    /// A plain-English detail.
    pub detail: String,
}

/// A survey checked for weighted components.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightedCheck {
    /// The survey.
    pub year: Year,
    /// Median over panel countries of (OSI + TII + HCI) / EGDI, as given.
    pub median_ratio: f64,
    /// Whether it looks weighted.
    pub weighted: bool,
    /// Whether the configuration rescales it.
    pub rescaled: bool,
}

/// Median (OSI + TII + HCI) / EGDI per survey, on the values as given.
pub fn weighted_checks(panel: &Panel) -> Vec<WeightedCheck> {
    panel
        .years
        .par_iter()
        .enumerate()
        .map(|(y, &year)| {
            let mut ratios: Vec<f64> = (0..panel.len())
                .filter_map(|c| {
                    let egdi = panel.raw_value(c, y, Measure::Egdi)?;
                    let sum: f64 = Measure::SUB_INDICES
                        .iter()
                        .map(|&m| panel.raw_value(c, y, m))
                        .sum::<Option<f64>>()?;
                    (egdi > 0.0).then(|| sum / egdi)
                })
                .collect();
            let median = stats::median(&mut ratios).unwrap_or(f64::NAN);
            WeightedCheck {
                year,
                median_ratio: median,
                weighted: median < WEIGHTED_RATIO_LIMIT,
                rescaled: panel.rescaled.contains(&year),
            }
        })
        .collect()
}

/// Every finding, in the order: weighted surveys, exclusions, boundary values, aliases, regions,
/// then the values kept as published although they look odd.
///
/// `weighted` is the result of [`weighted_checks`] for the same panel.
pub fn findings(
    normalised: &Normalised,
    panel: &Panel,
    rule: &LevelRule,
    weighted: &[WeightedCheck],
) -> Vec<Finding> {
    let mut out = Vec::new();
    let blank = |kind| Finding {
        kind,
        country: None,
        year: None,
        measure: None,
        value: None,
        level: None,
        detail: String::new(),
    };
    for check in weighted.iter().filter(|c| c.weighted) {
        out.push(Finding {
            year: Some(check.year),
            value: Some(check.median_ratio),
            detail: format!(
                "OSI + TII + HCI is about EGDI (median ratio {:.3}), not 3 x EGDI: the components are \
                 weighted contributions; {}",
                check.median_ratio,
                if check.rescaled {
                    "they are multiplied by 3 as configured"
                } else {
                    "levels are computed on the values as given (set `rescale_surveys` to multiply them by 3)"
                }
            ),
            ..blank(FindingKind::WeightedComponents)
        });
    }
    for e in &panel.exclusions {
        let gaps: Vec<String> = e.gaps.iter().map(crate::panel::Gap::describe).collect();
        out.push(Finding {
            country: Some(e.country),
            detail: gaps.join("; "),
            ..blank(FindingKind::Excluded)
        });
    }
    // The one scan over every country and survey: split over the countries in parallel; an
    // indexed collect keeps the country order.
    let boundaries: Vec<Vec<Finding>> = panel
        .countries
        .par_iter()
        .enumerate()
        .map(|(c, &country)| {
            let mut found = Vec::new();
            for (y, &year) in panel.years.iter().enumerate() {
                for &measure in &panel.measures {
                    if let Some(v) = panel.value(c, y, measure)
                        && let Some(t) = rule.boundary_of(v)
                    {
                        found.push(boundary(country, year, measure, v, t, rule.classify(v)));
                    }
                }
                for stage in Measure::STAGES {
                    if let Some(v) = normalised.facts.value(country, year, stage)
                        && let Some(t) = rule.boundary_of(v / 100.0)
                    {
                        let level = rule.classify(v / 100.0);
                        found.push(boundary(country, year, stage, v, t * 100.0, level));
                    }
                }
            }
            found
        })
        .collect();
    out.extend(boundaries.into_iter().flatten());
    for a in &normalised.aliases {
        out.push(Finding {
            country: Some(a.country),
            detail: format!(
                "`{}` read as {} ({} rows; first at {})",
                a.written,
                normalised.concordance.get(a.country).name_en,
                a.rows,
                a.first
            ),
            ..blank(FindingKind::Alias)
        });
    }
    for n in &normalised.region_notes {
        out.push(Finding {
            country: Some(n.country),
            detail: format!(
                "region written `{}` at {}; {} is used",
                n.written, n.source, n.used
            ),
            ..blank(FindingKind::RegionMismatch)
        });
    }
    for o in &normalised.region_overrides {
        out.push(Finding {
            country: Some(o.country),
            detail: format!(
                "region set to {} (embedded: {}) by {}",
                o.region, o.embedded, o.source
            ),
            ..blank(FindingKind::RegionOverride)
        });
    }
    out.extend(normalised.oddities.iter().map(oddity));
    out
}

/// A value kept as published, as a finding.
fn oddity(o: &crate::normalise::Oddity) -> Finding {
    use crate::normalise::OddityKind;
    let (country, year, measure) = o.key;
    let (kind, detail) = match &o.kind {
        OddityKind::AboveRange { max } => (
            FindingKind::AboveRange,
            format!(
                "{} of {year} is {} at {}, above the top of its range ({max}); kept as \
                 published (the row's EGDI was computed with it)",
                measure.key(),
                o.value,
                o.source
            ),
        ),
        OddityKind::ZeroSubIndex => (
            FindingKind::ZeroSubIndex,
            format!(
                "{} is 0 in {year} at {} while the EGDI is above 0: probably not assessed",
                measure.key(),
                o.source
            ),
        ),
        OddityKind::RoundedCopy {
            precise,
            rounded,
            values,
        } => (
            FindingKind::RoundedCopy,
            format!(
                "`{rounded}` holds {values} values that equal those of `{precise}` rounded; the \
                 more precise ones of `{precise}` are kept"
            ),
        ),
    };
    let scalar = !matches!(o.kind, OddityKind::RoundedCopy { .. });
    Finding {
        kind,
        country: scalar.then_some(country),
        year: scalar.then_some(year),
        measure: scalar.then_some(measure),
        value: scalar.then_some(o.value),
        level: None,
        detail,
    }
}

fn boundary(
    country: CountryId,
    year: Year,
    measure: Measure,
    v: f64,
    threshold: f64,
    level: Level,
) -> Finding {
    Finding {
        kind: FindingKind::OnBoundary,
        country: Some(country),
        year: Some(year),
        measure: Some(measure),
        value: Some(v),
        level: Some(level),
        detail: format!(
            "{} is exactly on the threshold {threshold}: counted as {}",
            v,
            level.key()
        ),
    }
}
