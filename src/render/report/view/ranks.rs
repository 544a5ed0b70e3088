//! The report's section on E-Government ranks: how many countries are ranked in the last survey
//! and from which source, the largest rises and falls since the survey before, and the ranks of
//! the compared countries over every survey. Numbers come from `results.ranks`.

use serde::Serialize;

use super::{Builder, TableBuilder, TableView};
use crate::analysis::ranks::{RankRow, RankSource};
use crate::error::Result;

/// How many rises and falls the sentence names.
const MOVES_NAMED: usize = 5;
/// How many rises and falls the table lists, each.
const MOVES_LISTED: usize = 10;

/// Section 5.6.
#[derive(Debug, Clone, Serialize)]
pub struct RanksView {
    /// Ranked countries and their sources, then the largest moves.
    pub paragraphs: Vec<String>,
    /// Ranks of the benchmarks and the focus country per survey.
    pub compared: TableView,
    /// The largest rises and falls into the last survey (none without rank changes).
    pub moves: Option<TableView>,
}

/// A rank change with its sign (`+8`, `-2`, `0`).
pub(super) fn signed(change: i64) -> String {
    if change > 0 {
        format!("+{change}")
    } else {
        change.to_string()
    }
}

impl Builder<'_> {
    pub(super) fn ranks_section(&self) -> Result<Option<RanksView>> {
        let tx = &self.tx;
        let last = self.last();
        let ranked: Vec<&RankRow> = self.r.ranks.iter().filter(|r| r.year == last).collect();
        if ranked.is_empty() {
            return Ok(None);
        }
        let published = ranked
            .iter()
            .filter(|r| r.source == RankSource::Published)
            .count();
        let mut paragraphs = vec![tx.fill(
            "ranks.count",
            &[
                ("n", &ranked.len()),
                ("year", &last),
                ("published", &published),
                ("computed", &(ranked.len() - published)),
            ],
        )?];
        let (risers, fallers) = self.rank_moves(&ranked);
        let previous = self.r.years.iter().rev().nth(1).copied();
        if let Some(from) = previous
            && !risers.is_empty()
            && !fallers.is_empty()
        {
            let named = |rows: &[&RankRow]| -> Result<String> {
                // Every move as large as the last one named is named too, so no tie is cut.
                let cut = rows[rows.len().min(MOVES_NAMED) - 1].change;
                let items: Vec<String> = rows
                    .iter()
                    .take_while(|r| r.change.map(i64::abs) >= cut.map(i64::abs))
                    .map(|r| {
                        tx.fill(
                            "ranks.move",
                            &[
                                ("country", &tx.country_in_text(r.country)),
                                ("change", &signed(r.change.unwrap_or_default())),
                                ("rank", &r.rank),
                            ],
                        )
                    })
                    .collect::<Result<_>>()?;
                tx.list(&items)
            };
            paragraphs.push(tx.fill(
                "ranks.moves",
                &[
                    ("from", &from),
                    ("to", &last),
                    ("risers", &named(&risers)?),
                    ("fallers", &named(&fallers)?),
                ],
            )?);
        }
        let moves = match previous {
            Some(from) if !risers.is_empty() || !fallers.is_empty() => {
                Some(self.moves_table(from, &risers, &fallers)?)
            }
            _ => None,
        };
        Ok(Some(RanksView {
            paragraphs,
            compared: self.compared_ranks()?,
            moves,
        }))
    }

    /// The rank rows of the last survey with a rise (largest first) and with a fall (largest
    /// first); ties in ISO3 order.
    fn rank_moves<'r>(&self, ranked: &[&'r RankRow]) -> (Vec<&'r RankRow>, Vec<&'r RankRow>) {
        let mut risers: Vec<&RankRow> = ranked
            .iter()
            .copied()
            .filter(|r| r.change.is_some_and(|c| c > 0))
            .collect();
        let mut fallers: Vec<&RankRow> = ranked
            .iter()
            .copied()
            .filter(|r| r.change.is_some_and(|c| c < 0))
            .collect();
        let iso3 = |r: &RankRow| self.tx.iso3(r.country);
        risers.sort_by(|a, b| b.change.cmp(&a.change).then_with(|| iso3(a).cmp(iso3(b))));
        fallers.sort_by(|a, b| a.change.cmp(&b.change).then_with(|| iso3(a).cmp(iso3(b))));
        (risers, fallers)
    }

    fn moves_table(
        &self,
        from: crate::model::Year,
        risers: &[&RankRow],
        fallers: &[&RankRow],
    ) -> Result<TableView> {
        let tx = &self.tx;
        let to = self.last();
        let mut t = TableBuilder::new(
            "rank-moves",
            tx.fill("ranks.moves_caption", &[("from", &from), ("to", &to)])?,
            1,
        )
        .col(tx.get("ranks.country")?, false)
        .col(tx.fill("ranks.rank_in", &[("year", &from)])?, true)
        .col(tx.fill("ranks.rank_in", &[("year", &to)])?, true)
        .col(tx.get("ranks.change")?, true);
        let rows = risers
            .iter()
            .take(MOVES_LISTED)
            .chain(fallers.iter().take(MOVES_LISTED));
        for r in rows {
            let change = r.change.unwrap_or_default();
            let before = i64::from(r.rank) + change;
            t.row(vec![
                tx.country(r.country),
                before.to_string(),
                r.rank.to_string(),
                signed(change),
            ]);
        }
        Ok(t.finish())
    }

    fn compared_ranks(&self) -> Result<TableView> {
        let tx = &self.tx;
        let mut t = TableBuilder::new("ranks", tx.get("ranks.compared_caption")?, 1)
            .col(tx.get("ranks.country")?, false);
        for y in &self.r.years {
            t = t.col(y.to_string(), true);
        }
        let mut compared = self.r.benchmarks.clone();
        compared.push(self.r.focus);
        let missing = tx.get("profile.missing")?;
        for c in compared {
            let mut cells = vec![tx.country(c)];
            for &y in &self.r.years {
                let rank = self.r.ranks.iter().find(|r| r.country == c && r.year == y);
                cells.push(rank.map_or_else(|| missing.clone(), |r| r.rank.to_string()));
            }
            t.row(cells);
        }
        Ok(t.finish())
    }
}
