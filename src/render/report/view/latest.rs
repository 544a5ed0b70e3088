//! The section a reader opens first after a release: what the latest survey changed (level moves
//! per index, the compared countries' ranks and EGDI, and countries the survey keeps out of the
//! panel). Words only; the numbers come from `results.latest` and `results.ranks`.

use serde::Serialize;

use super::Builder;
use crate::error::Result;
use crate::model::Year;
use crate::normalise::country::CountryId;

/// What the latest survey changed, in words.
#[derive(Debug, Clone, Serialize)]
pub struct LatestView {
    /// The heading, with the two surveys.
    pub heading: String,
    /// One paragraph per index, per compared country with ranks, and for the panel.
    pub paragraphs: Vec<String>,
}

/// How many names a sentence lists before it says how many more there are.
const NAMES_LISTED: usize = 15;

impl Builder<'_> {
    fn rank_of(&self, country: CountryId, year: Year) -> Option<u32> {
        self.r
            .ranks
            .iter()
            .find(|r| r.country == country && r.year == year)
            .map(|r| r.rank)
    }

    pub(super) fn latest(&self) -> Result<Option<LatestView>> {
        let Some(l) = &self.r.latest else {
            return Ok(None);
        };
        let tx = &self.tx;
        let (from, to) = (l.from_year, l.to_year);
        let mut paragraphs = Vec::new();
        for &measure in &self.r.measures {
            let moves = l.changes.iter().filter(|c| c.measure == measure);
            let up = moves.clone().filter(|c| c.to_level > c.from_level).count();
            let down = moves.filter(|c| c.to_level < c.from_level).count();
            paragraphs.push(tx.fill(
                "latest.moves",
                &[
                    ("measure", &tx.measure(measure)?),
                    ("from", &from),
                    ("to", &to),
                    ("up", &up),
                    ("down", &down),
                ],
            )?);
        }
        let mut compared = self.r.benchmarks.clone();
        compared.push(self.r.focus);
        for country in compared {
            let (Some(a), Some(b)) = (self.rank_of(country, from), self.rank_of(country, to))
            else {
                continue;
            };
            let change = i64::from(a) - i64::from(b);
            let key = match change.signum() {
                1 => "latest.rank_up",
                -1 => "latest.rank_down",
                _ => "latest.rank_same",
            };
            let args: [(&str, &dyn std::fmt::Display); 5] = [
                ("country", &tx.country_in_text(country)),
                ("from", &from),
                ("to", &to),
                ("a", &a),
                ("b", &b),
            ];
            paragraphs.push(if change == 0 {
                tx.fill(key, &args)?
            } else {
                tx.plural(
                    key,
                    usize::try_from(change.unsigned_abs()).unwrap_or(usize::MAX),
                    &args,
                )?
            });
        }
        if !l.left.is_empty() {
            let mut names: Vec<String> = l
                .left
                .iter()
                .take(NAMES_LISTED)
                .map(|&c| tx.country_in_text(c))
                .collect();
            if l.left.len() > NAMES_LISTED {
                names.push(tx.fill("latest.more", &[("n", &(l.left.len() - NAMES_LISTED))])?);
            }
            paragraphs.push(tx.fill(
                "latest.left",
                &[
                    ("n", &l.left.len()),
                    ("to", &to),
                    ("before", &l.panel_before),
                    ("after", &self.r.panel_size),
                    ("names", &tx.list(&names)?),
                ],
            )?);
        }
        Ok(Some(LatestView {
            heading: tx.fill("latest.heading", &[("from", &from), ("to", &to)])?,
            paragraphs,
        }))
    }
}
