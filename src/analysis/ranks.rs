//! E-Government ranks and rank changes between consecutive surveys (beyond the paper).
//!
//! Consumes the fact table and the survey years; produces one [`RankRow`] per country and survey
//! with a rank: the UN's published E-Government rank where the input has one, otherwise a rank
//! computed on EGDI among the countries assessed in that survey (EGDI above 0), ties sharing the
//! best rank ("1, 2, 2, 4"). Every row says which it is.

use serde::Serialize;

use crate::model::{Measure, Year};
use crate::normalise::Normalised;
use crate::normalise::country::CountryId;

/// Where a rank comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RankSource {
    /// The UN's published E-Government rank, as the input gives it.
    Published,
    /// Computed on EGDI among the countries assessed in that survey, ties shared.
    Computed,
}

impl RankSource {
    /// The key used in CSV files.
    pub fn key(self) -> &'static str {
        match self {
            RankSource::Published => "published",
            RankSource::Computed => "computed",
        }
    }
}

/// One country's rank in one survey.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RankRow {
    /// The country.
    pub country: CountryId,
    /// The survey.
    pub year: Year,
    /// The rank (1 is the best).
    pub rank: u32,
    /// Where it comes from.
    pub source: RankSource,
    /// Places gained since the previous survey (positive: a better rank), when the country has
    /// a rank in both.
    pub change: Option<i64>,
}

/// Ranks of every country in every survey year, in (country, year) order.
pub fn ranks(normalised: &Normalised, years: &[Year]) -> Vec<RankRow> {
    let facts = &normalised.facts;
    // Per survey, the assessed EGDIs sorted descending: a computed rank is 1 + the number of
    // countries with a strictly higher EGDI. Gathered country by country, in the facts' order
    // (a pass over all countries per survey read the facts with a stride: at 20,000 entities
    // x 30 surveys the ranks took 2.8 times the samples of 10,000).
    let mut assessed: Vec<Vec<f64>> = vec![Vec::new(); years.len()];
    for (country, _) in normalised.concordance.iter() {
        for (egdi, &year) in assessed.iter_mut().zip(years) {
            egdi.extend(
                facts
                    .value(country, year, Measure::Egdi)
                    .filter(|v| *v > 0.0),
            );
        }
    }
    for egdi in &mut assessed {
        egdi.sort_by(|a, b| b.total_cmp(a));
    }
    let mut out = Vec::new();
    for (country, _) in normalised.concordance.iter() {
        let mut previous: Option<(usize, u32)> = None;
        for (y, &year) in years.iter().enumerate() {
            let published = facts
                .value(country, year, Measure::Rank)
                .filter(|r| r.fract() == 0.0 && *r >= 1.0);
            let row = if let Some(rank) = published {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Some((rank as u32, RankSource::Published))
            } else {
                facts
                    .value(country, year, Measure::Egdi)
                    .filter(|v| *v > 0.0)
                    .map(|v| {
                        let higher = assessed[y].partition_point(|other| *other > v);
                        (
                            u32::try_from(higher + 1).unwrap_or(u32::MAX),
                            RankSource::Computed,
                        )
                    })
            };
            let Some((rank, source)) = row else {
                previous = None;
                continue;
            };
            let change = previous
                .filter(|(py, _)| *py + 1 == y)
                .map(|(_, p)| i64::from(p) - i64::from(rank));
            out.push(RankRow {
                country,
                year,
                rank,
                source,
                change,
            });
            previous = Some((y, rank));
        }
    }
    out
}
