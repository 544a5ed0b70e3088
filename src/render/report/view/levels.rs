//! Sections 2-4 of the report view: EGDI level changes (Tables 1-2), OSI, TII and HCI levels
//! (Table 3) with the transitions between surveys, and the OSI stages (Table 4).

use super::{
    Builder, IndicesView, LevelsView, StagesView, TableBuilder, TableView, TransitionPivot,
    TransitionRow, runs,
};
use crate::analysis::levels::Level;
use crate::analysis::periods::{BreakReason, SurveyBreak};
use crate::analysis::tables::Trend;
use crate::error::Result;
use crate::model::{Measure, Year};
use crate::normalise::country::CountryId;

impl Builder<'_> {
    fn trend_total(&self, trend: Trend) -> usize {
        self.r
            .table1
            .iter()
            .filter(|row| row.trend == trend)
            .map(|row| row.countries.len())
            .sum()
    }

    pub(super) fn levels_headline(&self) -> Result<String> {
        let kept = self.trend_total(Trend::Maintained);
        self.tx.plural(
            "levels.headline",
            kept,
            &[
                ("kept", &kept),
                ("rose", &self.trend_total(Trend::Rose)),
                ("fell", &self.trend_total(Trend::Fell)),
                ("total", &self.r.panel_size),
                ("first", &self.first()),
                ("last", &self.last()),
            ],
        )
    }

    pub(super) fn levels(&self, headline: String, focus: String) -> Result<LevelsView> {
        let tx = &self.tx;
        let mut paragraphs = vec![headline];
        let stayed: Vec<String> = self
            .r
            .table1
            .iter()
            .filter(|row| row.trend == Trend::Maintained && !row.countries.is_empty())
            .map(|row| {
                let level = row.level.expect("maintained rows have a level");
                tx.fill(
                    "levels.stayed",
                    &[
                        ("count", &row.countries.len()),
                        ("level", &tx.level_quoted(level)?),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        if !stayed.is_empty() {
            paragraphs.push(tx.fill("levels.stayed_detail", &[("list", &tx.list(&stayed)?)])?);
        }
        for (trend, key) in [(Trend::Rose, "rose"), (Trend::Fell, "fell")] {
            // A single country's change is already in the headline and in Table 1.
            let total = self.trend_total(trend);
            if total < 2 {
                continue;
            }
            let by: Vec<String> = self
                .r
                .table1
                .iter()
                .filter(|row| row.trend == trend)
                .map(|row| {
                    tx.plural(
                        &format!("levels.{key}_by"),
                        usize::from(row.levels),
                        &[("count", &row.countries.len())],
                    )
                })
                .collect::<Result<_>>()?;
            paragraphs.push(tx.fill(
                &format!("levels.{key}_detail"),
                &[("total", &total), ("list", &tx.list(&by)?)],
            )?);
        }
        paragraphs.push(focus);
        Ok(LevelsView {
            paragraphs,
            table1: self.table1()?,
            paths: self.paths()?,
            table2: self.table2()?,
        })
    }

    /// The focus country's EGDI levels over the surveys, in one sentence.
    pub(super) fn focus_history(&self) -> Result<String> {
        let tx = &self.tx;
        let focus = self.r.focus;
        let country = tx.country_in_text(focus);
        let Some(position) = self.ctx.panel.position(focus) else {
            return tx.fill("levels.focus_absent", &[("country", &country)]);
        };
        let levels: Vec<Level> = (0..self.r.years.len())
            .map(|y| self.r.levels.classify(self.ctx.panel.egdi(position, y)))
            .collect();
        let history: Vec<String> = runs(&levels)
            .into_iter()
            .map(|(level, from, to)| {
                tx.fill(
                    "levels.history_item",
                    &[
                        ("level", &tx.level_quoted(level)?),
                        ("years", &tx.years(self.r.years[from], self.r.years[to])?),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        let (first, last) = (levels[0], levels[levels.len() - 1]);
        let key = if first == last {
            "levels.focus_kept"
        } else {
            "levels.focus_changed"
        };
        tx.fill(
            key,
            &[
                ("country", &country),
                ("from", &tx.level_quoted(first)?),
                ("to", &tx.level_quoted(last)?),
                ("first", &self.first()),
                ("last", &self.last()),
                ("history", &tx.join(&history)?),
            ],
        )
    }

    /// At most `representatives` names in EGDI order; the focus country, when it comes later in
    /// the row, takes the last place after an ellipsis, with its rank in the row; a final
    /// ellipsis marks more countries than names.
    fn representatives(&self, countries: &[CountryId]) -> Result<String> {
        let max = self.ctx.config.representatives;
        let focus = self.r.focus;
        let late = countries
            .iter()
            .position(|&c| c == focus)
            .filter(|&p| p >= max);
        let ellipsis = self.tx.get("ellipsis")?;
        let mut names = match late {
            Some(position) => {
                let mut names = self.names(&countries[..max.saturating_sub(1)]);
                names.push(ellipsis.clone());
                names.push(self.tx.fill(
                    "table1.focus_rank",
                    &[
                        ("country", &self.tx.country(focus)),
                        ("rank", &(position + 1)),
                    ],
                )?);
                names
            }
            None => self.names(&countries[..countries.len().min(max)]),
        };
        let last_shown = late.unwrap_or(max.min(countries.len()).saturating_sub(1));
        if countries.len() > last_shown + 1 {
            names.push(ellipsis);
        }
        self.tx.join(&names)
    }

    fn table1(&self) -> Result<TableView> {
        let tx = &self.tx;
        let title = tx.fill(
            "table1.title",
            &[
                ("n", &self.r.panel_size),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        let mut t = TableBuilder::new("table1", self.caption("table", 1, &title)?, 2)
            .col(tx.get("table1.trend")?, false)
            .col(tx.get("table1.change")?, false)
            .col(tx.get("table1.count")?, true)
            .col(tx.get("table1.countries")?, false);
        for row in &self.r.table1 {
            let change = match row.level {
                Some(level) => tx.fill("table1.stayed", &[("level", &tx.level_quoted(level)?)])?,
                None => tx.plural(
                    &format!("table1.{}", row.trend.key()),
                    usize::from(row.levels),
                    &[],
                )?,
            };
            t.row(vec![
                tx.get(&format!("trend.{}", row.trend.key()))?,
                change,
                row.countries.len().to_string(),
                self.representatives(&row.countries)?,
            ]);
        }
        Ok(t.finish())
    }

    fn path(&self, path: &[Level]) -> Result<String> {
        let levels: Vec<String> = path
            .iter()
            .map(|&l| self.tx.level_quoted(l))
            .collect::<Result<_>>()?;
        Ok(levels.join(&self.tx.get("path_sep")?))
    }

    fn paths(&self) -> Result<Vec<String>> {
        let rose = self.trend_total(Trend::Rose);
        let Some(common) = self.r.table2.iter().max_by(|a, b| {
            a.countries
                .len()
                .cmp(&b.countries.len())
                .then(b.levels.cmp(&a.levels))
        }) else {
            return Ok(vec![self.tx.get("levels.no_rises")?]);
        };
        Ok(vec![self.tx.fill(
            "levels.paths",
            &[
                ("rose", &rose),
                ("count", &self.r.table2.len()),
                ("path", &self.path(&common.path)?),
                ("common", &common.countries.len()),
            ],
        )?])
    }

    fn table2(&self) -> Result<TableView> {
        let tx = &self.tx;
        let title = tx.fill(
            "table2.title",
            &[
                ("n", &self.trend_total(Trend::Rose)),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        let mut t = TableBuilder::new("table2", self.caption("table", 2, &title)?, 2)
            .col(tx.get("table2.levels")?, true)
            .col(tx.get("table2.path")?, false)
            .col(tx.get("table2.count")?, true);
        for row in &self.r.table2 {
            t.row(vec![
                row.levels.to_string(),
                self.path(&row.path)?,
                row.countries.len().to_string(),
            ]);
        }
        Ok(t.finish())
    }

    // ---- Section 3: OSI, TII, HCI ----

    pub(super) fn indices(&self) -> Result<IndicesView> {
        let tx = &self.tx;
        let indices: Vec<Measure> = Measure::table3_indices(&self.r.measures).collect();
        let names = indices
            .iter()
            .map(|&m| tx.measure(m))
            .collect::<Result<Vec<_>>>()?;
        let title = tx.fill(
            "table3.title",
            &[
                ("indices", &tx.list(&names)?),
                ("n", &self.r.panel_size),
                ("years", &tx.years(self.first(), self.last())?),
            ],
        )?;
        // The missing column appears only when an analysed (not required) index has gaps.
        let missing = self.r.table3.iter().any(|row| row.missing > 0);
        let mut t = TableBuilder::new("table3", self.caption("table", 3, &title)?, 1)
            .col(tx.get("table3.year")?, false);
        for &index in &indices {
            let name = tx.measure_titled(index);
            let mut labels = self.level_labels()?;
            if missing {
                labels.push(tx.get("table3.missing")?);
            }
            let labels = self.grouped(&tx.measure(index)?, labels)?;
            t = t.group(name, labels);
        }
        for year in &self.r.years {
            let mut cells = vec![year.to_string()];
            for row in self.r.table3.iter().filter(|row| row.year == *year) {
                cells.extend(row.counts.iter().map(ToString::to_string));
                if missing {
                    cells.push(row.missing.to_string());
                }
            }
            t.row(cells);
        }

        let high = |year: Year, index: Measure| {
            self.r
                .table3
                .iter()
                .find(|row| row.year == year && row.index == index)
                .map_or(0, |row| row.counts[0] + row.counts[1])
        };
        let mut paragraphs = Vec::new();
        for &index in &indices {
            paragraphs.push(tx.fill(
                "indices.high",
                &[
                    ("index", &tx.measure(index)?),
                    ("first", &self.first()),
                    ("first_count", &high(self.first(), index)),
                    ("last", &self.last()),
                    ("last_count", &high(self.last(), index)),
                    ("n", &self.r.panel_size),
                ],
            )?);
        }
        for (rescaled, key) in [(false, "indices.weighted"), (true, "indices.rescaled")] {
            let years: Vec<String> = self
                .r
                .weighted
                .iter()
                .filter(|w| w.weighted && w.rescaled == rescaled)
                .map(|w| w.year.to_string())
                .collect();
            if !years.is_empty() {
                paragraphs.push(tx.fill(key, &[("years", &tx.list(&years)?)])?);
            }
        }
        Ok(IndicesView {
            heading: tx.fill("section.indices", &[("indices", &tx.list(&names)?)])?,
            paragraphs,
            table3: t.finish(),
            transitions: self.transitions()?,
            breaks: self.break_notes()?,
        })
    }

    /// The survey break of `year`, if it is one.
    pub(super) fn survey_break(&self, year: Year) -> Option<&SurveyBreak> {
        self.r.breaks.iter().find(|b| b.year == year)
    }

    /// One sentence per survey that does not compare with the others, with its reason.
    pub(super) fn break_notes(&self) -> Result<Vec<String>> {
        let tx = &self.tx;
        self.r
            .breaks
            .iter()
            .map(|b| match &b.reason {
                BreakReason::Weighted => tx.fill(
                    "breaks.weighted",
                    &[("year", &b.year), ("mark", &tx.get("breaks.mark")?)],
                ),
                BreakReason::Declared(reason) => tx.fill(
                    "breaks.declared",
                    &[
                        ("year", &b.year),
                        ("reason", &reason),
                        ("mark", &tx.get("breaks.mark")?),
                    ],
                ),
            })
            .collect()
    }

    /// Level changes between consecutive surveys: one row per index and kind of change, one
    /// column per interval; an interval into or out of a survey break is marked.
    fn transitions(&self) -> Result<TableView> {
        let tx = &self.tx;
        let pivot = &self.ctx.words.transitions;
        let mut t = TableBuilder::new("transitions", tx.get("transitions.caption")?, 2)
            .col(tx.get("transitions.index")?, false)
            .col(tx.get("transitions.change")?, false);
        for label in &pivot.intervals {
            t = t.col(label.clone(), true);
        }
        for row in &pivot.rows {
            let mut cells = vec![row.index.clone(), row.change.clone()];
            cells.extend(
                row.counts
                    .iter()
                    .map(|n| n.map(|n| n.to_string()).unwrap_or_default()),
            );
            t.row(cells);
        }
        Ok(t.finish())
    }

    /// The transitions pivoted (index and kind of change x interval), in words.
    pub(super) fn transition_pivot(&self) -> Result<TransitionPivot> {
        let tx = &self.tx;
        let mut intervals: Vec<(Year, Year)> =
            self.r.transitions.iter().map(|t| (t.from, t.to)).collect();
        intervals.sort();
        intervals.dedup();
        let mark = tx.get("breaks.mark")?;
        let labels = intervals
            .iter()
            .map(|&(from, to)| {
                let mut label = tx.years(from, to)?;
                if self.survey_break(from).is_some() || self.survey_break(to).is_some() {
                    label.push_str(&mark);
                }
                Ok(label)
            })
            .collect::<Result<_>>()?;
        let mut rows = Vec::new();
        for &measure in &self.r.measures {
            let found: Vec<Option<[usize; 3]>> = intervals
                .iter()
                .map(|&(from, to)| {
                    self.r
                        .transitions
                        .iter()
                        .find(|tr| tr.measure == measure && tr.from == from && tr.to == to)
                        .map(kept_rose_fell)
                })
                .collect();
            for (i, key) in ["kept", "rose", "fell"].into_iter().enumerate() {
                rows.push(TransitionRow {
                    index: tx.measure(measure)?,
                    change: tx.get(&format!("transitions.{key}"))?,
                    counts: found.iter().map(|c| c.map(|c| c[i])).collect(),
                });
            }
        }
        Ok(TransitionPivot {
            intervals: labels,
            rows,
        })
    }

    // ---- Section 4: stages ----

    pub(super) fn stages(&self) -> Result<StagesView> {
        let tx = &self.tx;
        if self.r.table4.is_empty() {
            return Ok(StagesView {
                paragraphs: vec![tx.get("stages.none")?],
                table4: None,
                periods: self.periods()?,
            });
        }
        let mut years: Vec<Year> = self.r.table4.iter().map(|row| row.year).collect();
        years.dedup();
        let title = tx.fill(
            "table4.title",
            &[
                ("n", &self.r.panel_size),
                (
                    "years",
                    &tx.list(&years.iter().map(ToString::to_string).collect::<Vec<_>>())?,
                ),
            ],
        )?;
        let level_group = tx.get("table4.level")?;
        let labels = self.grouped(&level_group, self.level_labels()?)?;
        let mut t = TableBuilder::new("table4", self.caption("table", 4, &title)?, 2)
            .col(tx.get("table4.year")?, false)
            .col(tx.get("table4.stage")?, false)
            .group(level_group, labels)
            .col(tx.get("table4.missing")?, true);
        let mut paragraphs = Vec::new();
        for &year in &years {
            let rows: Vec<_> = self.r.table4.iter().filter(|r| r.year == year).collect();
            for row in &rows {
                let mut cells = vec![year.to_string(), tx.get(&format!("stage.{}", row.stage))?];
                cells.extend(row.counts.iter().map(ToString::to_string));
                cells.push(row.missing.to_string());
                t.row(cells);
            }
            let high: Vec<String> = rows
                .iter()
                .map(|r| (r.counts[0] + r.counts[1]).to_string())
                .collect();
            paragraphs.push(tx.fill(
                "stages.year",
                &[("year", &year), ("counts", &tx.list(&high)?)],
            )?);
            let missing = rows.iter().map(|r| r.missing).max().unwrap_or(0);
            if missing > 0 {
                paragraphs.push(tx.plural("stages.missing", missing, &[("year", &year)])?);
            }
        }
        Ok(StagesView {
            paragraphs,
            table4: Some(t.finish()),
            periods: self.periods()?,
        })
    }
}

/// Countries whose level stayed, rose and fell in one transition matrix.
fn kept_rose_fell(tr: &crate::analysis::beyond::Transition) -> [usize; 3] {
    // Rows and columns run very high first: below the diagonal is a rise.
    let mut out = [0; 3];
    for (i, row) in tr.counts.iter().enumerate() {
        for (j, &n) in row.iter().enumerate() {
            let k = match j.cmp(&i) {
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Less => 1,
                std::cmp::Ordering::Greater => 2,
            };
            out[k] += n;
        }
    }
    out
}
