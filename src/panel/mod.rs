//! Stage 3: the balanced panel (SPEC section 3).
//!
//! Consumes [`Normalised`] and the panel settings of the [`Config`]; produces [`Panel`]: the
//! survey years, the countries complete in every one of them (EGDI, OSI, TII and HCI present,
//! EGDI > 0), their index values, and for every country left out the years and measures that
//! kept it out. It does not classify or count (that is `analysis`).

use rayon::prelude::*;
use serde::Serialize;

use crate::config::Config;
use crate::error::{Diagnostic, Error, Location, Result};
use crate::model::{Measure, Region, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;

/// Why a country-year is not usable for the panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Gap {
    /// The survey year.
    pub year: Year,
    /// The country has no row at all in that survey.
    pub absent: bool,
    /// Required measures without a value.
    pub missing: Vec<Measure>,
    /// EGDI is present but 0 (countries not assessed).
    pub egdi_zero: bool,
}

impl Gap {
    /// A short English description: `2004 OSI missing`, `2012 EGDI 0`, `2003 absent`.
    pub fn describe(&self) -> String {
        if self.absent {
            return format!("{} absent", self.year);
        }
        let mut parts = Vec::new();
        if self.egdi_zero {
            parts.push("EGDI 0".to_string());
        }
        if !self.missing.is_empty() {
            let names: Vec<&str> = self.missing.iter().map(|m| m.key()).collect();
            parts.push(format!("{} missing", names.join(", ")));
        }
        format!("{} {}", self.year, parts.join("; "))
    }
}

/// A country left out of the panel and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Exclusion {
    /// The country.
    pub country: CountryId,
    /// Every survey year in which it is incomplete.
    pub gaps: Vec<Gap>,
}

/// The balanced panel.
#[derive(Debug, Clone)]
pub struct Panel {
    /// The survey years, ascending.
    pub years: Vec<Year>,
    /// The panel countries in ISO3 order.
    pub countries: Vec<CountryId>,
    /// Their regions, parallel to `countries`.
    pub regions: Vec<Region>,
    /// The analysed measures, in registry order (EGDI always among them).
    pub measures: Vec<Measure>,
    /// The analysed measures' values per country and year: index
    /// `(country * years.len() + year) * measures.len() + measure`, as given in the input (before
    /// any rescaling); `None` where a measure that is analysed but not required is missing.
    values: Vec<Option<f64>>,
    /// Surveys whose OSI, TII and HCI are multiplied by 3 on use.
    pub rescaled: Vec<Year>,
    /// Countries of the input left out, in ISO3 order.
    pub exclusions: Vec<Exclusion>,
    /// Whether the panel was fixed by configuration.
    pub fixed: bool,
    /// The measures a country needs in every survey to be in the panel.
    pub required: Vec<Measure>,
    /// Warnings about surveys that shrink the panel or cover only a few countries.
    pub warnings: Vec<Diagnostic>,
}

impl Panel {
    fn slot(&self, country: usize, year: usize, measure: Measure) -> Option<usize> {
        let m = self.measures.iter().position(|&a| a == measure)?;
        Some((country * self.years.len() + year) * self.measures.len() + m)
    }

    /// The value used for a panel country, year and analysed measure (rescaled where
    /// configured); `None` for a missing value or a measure that is not analysed.
    pub fn value(&self, country: usize, year: usize, measure: Measure) -> Option<f64> {
        self.raw_value(country, year, measure)
            .map(|v| self.scale(self.years[year], measure, v))
    }

    /// A panel country's EGDI in a survey: every panel country has one (it is required).
    pub fn egdi(&self, country: usize, year: usize) -> f64 {
        self.value(country, year, Measure::Egdi)
            .expect("the panel requires EGDI")
    }

    /// The value as given in the input.
    pub fn raw_value(&self, country: usize, year: usize, measure: Measure) -> Option<f64> {
        self.values[self.slot(country, year, measure)?]
    }

    /// The analysed measures except EGDI: the rows of Table 3.
    pub fn sub_indices(&self) -> impl Iterator<Item = Measure> + '_ {
        Measure::table3_indices(&self.measures)
    }

    /// Applies the configured rescaling (OSI, TII, HCI x 3 in rescaled surveys) to a value.
    pub fn scale(&self, year: Year, measure: Measure, v: f64) -> f64 {
        if Measure::SUB_INDICES.contains(&measure) && self.rescaled.contains(&year) {
            v * 3.0
        } else {
            v
        }
    }

    /// A panel from values directly (for tests and benchmarks of the analysis):
    /// `values[country][year]` = the values of `measures` (which must include EGDI, in registry
    /// order); countries must be in id order.
    ///
    /// # Panics
    /// When the shapes disagree, EGDI is missing or the countries are not sorted.
    pub fn from_values(
        years: Vec<Year>,
        countries: Vec<CountryId>,
        regions: Vec<Region>,
        measures: Vec<Measure>,
        values: &[Vec<Vec<Option<f64>>>],
    ) -> Self {
        assert!(
            countries.windows(2).all(|w| w[0] < w[1]),
            "countries must be sorted and unique"
        );
        assert!(measures.windows(2).all(|w| w[0] < w[1]) && measures.contains(&Measure::Egdi));
        assert_eq!(countries.len(), values.len());
        assert_eq!(countries.len(), regions.len());
        assert!(values.iter().all(|v| v.len() == years.len()));
        assert!(values.iter().flatten().all(|v| v.len() == measures.len()));
        Self {
            years,
            countries,
            regions,
            measures,
            values: values.iter().flatten().flatten().copied().collect(),
            rescaled: Vec::new(),
            exclusions: Vec::new(),
            fixed: false,
            required: vec![Measure::Egdi],
            warnings: Vec::new(),
        }
    }

    /// The panel restricted to some of its countries (positions in ascending order), with the
    /// same years, measures and rescaling.
    pub fn subset(&self, members: &[usize]) -> Self {
        let stride = self.years.len() * self.measures.len();
        Self {
            years: self.years.clone(),
            countries: members.iter().map(|&c| self.countries[c]).collect(),
            regions: members.iter().map(|&c| self.regions[c]).collect(),
            measures: self.measures.clone(),
            values: members
                .iter()
                .flat_map(|&c| self.values[c * stride..(c + 1) * stride].iter().copied())
                .collect(),
            rescaled: self.rescaled.clone(),
            exclusions: Vec::new(),
            fixed: self.fixed,
            required: self.required.clone(),
            warnings: Vec::new(),
        }
    }

    /// Position of a country in the panel.
    pub fn position(&self, country: CountryId) -> Option<usize> {
        self.countries.binary_search(&country).ok()
    }

    /// Number of panel countries.
    pub fn len(&self) -> usize {
        self.countries.len()
    }

    /// Whether the panel is empty.
    pub fn is_empty(&self) -> bool {
        self.countries.is_empty()
    }
}

/// The survey years: the configured subset, else every year with a value of an analysed index.
pub fn survey_years(normalised: &Normalised, config: &Config) -> Vec<Year> {
    if let Some(subset) = &config.surveys {
        return subset.clone();
    }
    let mut years: Vec<Year> = config
        .analysed_measures
        .iter()
        .flat_map(|&m| normalised.facts.years_with(m))
        .collect();
    years.sort_unstable();
    years.dedup();
    years
}

/// Builds the panel: every complete country, or exactly the `fixed` ones (the configured
/// `panel_countries`, resolved to ids by the loader).
///
/// # Errors
/// [`Error::NoSurveyData`] when no table holds an index; [`Error::PanelEmpty`] when no country
/// is complete; with a fixed panel, [`Error::PanelCountryIncomplete`] for each gap of a listed
/// country.
pub fn build(
    normalised: &Normalised,
    config: &Config,
    fixed: Option<&[CountryId]>,
) -> Result<Panel> {
    let years = survey_years(normalised, config);
    if years.is_empty() {
        return Err(Error::NoSurveyData(normalised.input.clone()));
    }
    if years.len() < 2 {
        return Err(Error::SurveysTooFew {
            input: normalised.input.clone(),
            year: years[0].to_string(),
        });
    }
    if let Some(absent) = config.rescale_surveys.iter().find(|y| !years.contains(y)) {
        return Err(Error::Config {
            path: config
                .config_file
                .clone()
                .unwrap_or_else(|| "command line".into()),
            message: format!("`rescale_surveys`: {absent} is not a survey of this run"),
        });
    }
    let required = &config.required_measures;
    let gaps_of = |country: CountryId| gaps(normalised, &years, required, country);

    // Candidates: every country with a row in some survey year.
    let mut candidates: Vec<CountryId> = normalised
        .rows_seen
        .iter()
        .filter(|(_, y)| years.contains(y))
        .map(|(c, _)| *c)
        .collect();
    candidates.dedup();

    // Every candidate's gaps, once: the panel's countries, its exclusions and the survey
    // warnings all read them.
    let candidate_gaps: Vec<Vec<Gap>> = candidates.par_iter().map(|&c| gaps_of(c)).collect();
    let countries = match fixed {
        Some(list) => fixed_countries(normalised, config, list, &gaps_of)?,
        None => candidates
            .iter()
            .zip(&candidate_gaps)
            .filter(|(_, gaps)| gaps.is_empty())
            .map(|(&c, _)| c)
            .collect(),
    };
    if countries.is_empty() {
        let list: Vec<String> = years.iter().map(ToString::to_string).collect();
        let names: Vec<String> = required.iter().map(ToString::to_string).collect();
        let measures = match names.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
            _ => names.join(""),
        };
        return Err(Error::PanelEmpty {
            measures,
            years: list.join(", "),
        });
    }
    let warnings = if fixed.is_some() {
        Vec::new()
    } else {
        survey_warnings(normalised, &years, &candidate_gaps)
    };
    let exclusions: Vec<Exclusion> = candidates
        .iter()
        .zip(candidate_gaps)
        .filter(|(c, _)| countries.binary_search(c).is_err())
        .map(|(&country, gaps)| Exclusion { country, gaps })
        .collect();

    let measures = config.analysed_measures.clone();
    let per_country = years.len() * measures.len();
    let values = (0..countries.len() * per_country)
        .into_par_iter()
        .map(|i| {
            let (c, rest) = (i / per_country, i % per_country);
            let (y, m) = (rest / measures.len(), rest % measures.len());
            normalised.facts.value(countries[c], years[y], measures[m])
        })
        .collect();
    let regions = countries.iter().map(|&c| normalised.region(c)).collect();
    Ok(Panel {
        years,
        countries,
        regions,
        measures,
        values,
        rescaled: config.rescale_surveys.clone(),
        exclusions,
        fixed: fixed.is_some(),
        required: required.clone(),
        warnings,
    })
}

/// The survey years in which a country is not usable for the panel, and why.
fn gaps(
    normalised: &Normalised,
    years: &[Year],
    required: &[Measure],
    country: CountryId,
) -> Vec<Gap> {
    years
        .iter()
        .filter_map(|&year| {
            let missing: Vec<Measure> = required
                .iter()
                .copied()
                .filter(|&m| normalised.facts.value(country, year, m).is_none())
                .collect();
            let egdi_zero = normalised
                .facts
                .value(country, year, Measure::Egdi)
                .is_some_and(|v| v <= 0.0);
            let absent = !normalised.has_row(country, year);
            (absent || egdi_zero || !missing.is_empty()).then(|| Gap {
                year,
                absent,
                missing: if absent { Vec::new() } else { missing },
                egdi_zero,
            })
        })
        .collect()
}

/// The countries of a panel fixed by configuration, in id order.
///
/// # Errors
/// [`Error::PanelCountryIncomplete`] for each gap of a listed country (all of them, in one
/// error list).
fn fixed_countries(
    normalised: &Normalised,
    config: &Config,
    wanted: &[CountryId],
    gaps_of: &dyn Fn(CountryId) -> Vec<Gap>,
) -> Result<Vec<CountryId>> {
    let concordance = &normalised.concordance;
    let mut errors = Vec::new();
    for &country in wanted {
        let iso3 = &concordance.get(country).iso3;
        for gap in gaps_of(country) {
            let measures = if gap.absent {
                &config.required_measures
            } else {
                &gap.missing
            };
            for m in measures {
                errors.push(Error::PanelCountryIncomplete {
                    country: iso3.clone(),
                    year: gap.year.to_string(),
                    measure: m.key().to_string(),
                    detail: if gap.absent {
                        ": no row in that survey".into()
                    } else {
                        String::new()
                    },
                });
            }
            if gap.egdi_zero {
                errors.push(Error::PanelCountryIncomplete {
                    country: iso3.clone(),
                    year: gap.year.to_string(),
                    measure: "EGDI".into(),
                    detail: ": EGDI is 0".into(),
                });
            }
        }
    }
    if errors.is_empty() {
        Ok(wanted.to_vec())
    } else {
        Err(Error::from_list(errors))
    }
}

/// A survey shrinks the panel too much when the panel without it is larger by more than half of
/// the panel with it (the panel shrinks by more than a third).
const SHRINK_LIMIT: f64 = 2.0 / 3.0;
/// A survey covers only a few countries when it has rows for fewer than this share of the
/// largest survey's countries.
const FEW_COUNTRIES: f64 = 0.5;

/// Warns of each survey year that covers only a few countries or shrinks the panel by more than
/// a third, naming the files that give it and the panel size with and without it.
fn survey_warnings(
    normalised: &Normalised,
    years: &[Year],
    candidate_gaps: &[Vec<Gap>],
) -> Vec<Diagnostic> {
    // A candidate is in the panel with every survey when it has no gap, and in the panel
    // without survey `i` when its only gap is in `i`.
    let mut with_all = 0;
    let mut only_gap_in = vec![0usize; years.len()];
    for gaps in candidate_gaps {
        match gaps.as_slice() {
            [] => with_all += 1,
            [gap] => {
                if let Ok(i) = years.binary_search(&gap.year) {
                    only_gap_in[i] += 1;
                }
            }
            _ => {}
        }
    }
    // The candidates with a row in each survey: every country with a row in a survey year is
    // a candidate, and `rows_seen` holds each (country, year) once.
    let mut rows_in = vec![0usize; years.len()];
    for (_, year) in &normalised.rows_seen {
        if let Ok(i) = years.binary_search(year) {
            rows_in[i] += 1;
        }
    }
    let largest = rows_in.iter().copied().max().unwrap_or(0);
    let mut out = Vec::new();
    for (i, &year) in years.iter().enumerate() {
        let without = with_all + only_gap_in[i];
        let rows = rows_in[i];
        let few = (rows as f64) < FEW_COUNTRIES * largest as f64;
        let shrinks = (with_all as f64) < SHRINK_LIMIT * without as f64;
        if !few && !shrinks {
            continue;
        }
        let tables: Vec<&crate::source::TableRef> = normalised
            .tables
            .iter()
            .filter(|t| t.years.contains(&year))
            .map(|t| &t.table)
            .collect();
        let files: Vec<String> = tables.iter().map(ToString::to_string).collect();
        let mut message = format!("survey {year} ({}) ", files.join(", "));
        if few {
            message.push_str(&format!(
                "covers only {rows} {} (the largest survey covers {largest}); ",
                if rows == 1 { "country" } else { "countries" }
            ));
        }
        let countries = |n: usize| if n == 1 { "country" } else { "countries" };
        message.push_str(&format!(
            "the panel has {with_all} {} with it and would have {without} without it",
            countries(with_all)
        ));
        out.push(Diagnostic::warning(
            tables
                .first()
                .map_or_else(|| Location::file("input"), |t| Location::from(*t)),
            message,
        ));
    }
    out
}
