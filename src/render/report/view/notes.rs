//! Sections 6-7 and the appendix of the report view: data-quality findings, the reproduction
//! check, and the rules applied (panel, levels, aliases).

use super::{
    Builder, DifferenceWords, FindingGroup, MethodView, QualityView, ReproductionView,
    ReproductionWords, TableBuilder, TableView,
};
use crate::analysis::levels::{Level, Side};
use crate::analysis::quality::{Finding, FindingKind};
use crate::error::Result;
use crate::render::report::text::{ratio_value, threshold_value};

impl Builder<'_> {
    pub(super) fn quality(&self) -> Result<QualityView> {
        let tx = &self.tx;
        let mut kinds: Vec<FindingKind> = self.r.findings.iter().map(|f| f.kind).collect();
        kinds.dedup();
        let mut groups = Vec::new();
        for kind in kinds {
            let findings: Vec<&Finding> =
                self.r.findings.iter().filter(|f| f.kind == kind).collect();
            let items: Vec<String> = findings
                .iter()
                .enumerate()
                .map(|(i, f)| self.finding(i, f))
                .collect::<Result<Vec<_>>>()?
                .into_iter()
                .flatten()
                .collect();
            groups.push(FindingGroup {
                kind: kind.key(),
                heading: tx.get(&format!("quality.{}.heading", kind.key()))?,
                summary: tx.plural(
                    &format!("quality.{}.summary", kind.key()),
                    findings.len(),
                    &[],
                )?,
                items,
            });
        }
        let mut weighted = TableBuilder::new("weighted", tx.get("weighted.caption")?, 1)
            .col(tx.get("weighted.year")?, false)
            .col(tx.get("weighted.ratio")?, true)
            .col(tx.get("weighted.weighted")?, false)
            .col(tx.get("weighted.rescaled")?, false);
        let yes_no = |b: bool| tx.get(if b { "yes" } else { "no" });
        for w in &self.r.weighted {
            weighted.row(vec![
                w.year.to_string(),
                ratio_value(w.median_ratio),
                yes_no(w.weighted)?,
                yes_no(w.rescaled)?,
            ]);
        }
        Ok(QualityView {
            groups,
            weighted: weighted.finish(),
            warnings: self
                .ctx
                .diagnostics
                .iter()
                .map(ToString::to_string)
                .collect(),
        })
    }

    /// One finding in words; none for exclusions and aliases, which section 1 and the appendix
    /// list in full. `i` is its position among the findings of its kind, which follow the order
    /// of the records they were made from.
    pub(super) fn finding(&self, i: usize, f: &Finding) -> Result<Option<String>> {
        let tx = &self.tx;
        let n = self.ctx.provenance;
        let country = f.country.map(|c| tx.country_in_text(c)).unwrap_or_default();
        let year = f.year.map(|y| y.to_string()).unwrap_or_default();
        let region = |r: crate::model::Region| tx.get(&format!("region.{}", r.name()));
        let text = match f.kind {
            FindingKind::WeightedComponents => {
                let rescaled = self
                    .r
                    .weighted
                    .iter()
                    .any(|w| Some(w.year) == f.year && w.rescaled);
                let key = if rescaled {
                    "quality.weighted_components.item_rescaled"
                } else {
                    "quality.weighted_components.item"
                };
                let ratio = f.value.map_or_else(String::new, ratio_value);
                tx.fill(key, &[("year", &year), ("ratio", &ratio)])?
            }
            FindingKind::OnBoundary => {
                let measure = f.measure.expect("boundary findings name the measure");
                let value = f.value.unwrap_or_default();
                // Percentages are classified divided by 100; their threshold is shown in percent.
                let scale = if measure.is_percentage() { 100.0 } else { 1.0 };
                let threshold = self
                    .r
                    .levels
                    .boundary_of(value / scale)
                    .unwrap_or(value / scale);
                let level = f.level.map(|l| tx.level_quoted(l)).transpose()?;
                tx.fill(
                    "quality.on_boundary.item",
                    &[
                        ("country", &country),
                        ("measure", &tx.measure(measure)?),
                        ("year", &year),
                        ("value", &value),
                        ("threshold", &threshold_value(threshold * scale)),
                        ("level", &level.unwrap_or_default()),
                    ],
                )?
            }
            FindingKind::RegionMismatch => match n.region_notes.get(i) {
                Some(note) if Some(note.country) == f.country => tx.fill(
                    "quality.region_mismatch.item",
                    &[
                        ("country", &country),
                        ("written", &note.written),
                        ("source", &tx.source(&note.source)?),
                        ("used", &region(note.used)?),
                    ],
                )?,
                _ => format!("{country}: {}", f.detail),
            },
            FindingKind::RegionOverride => match n.region_overrides.get(i) {
                Some(o) if Some(o.country) == f.country => tx.fill(
                    "quality.region_override.item",
                    &[
                        ("country", &country),
                        ("region", &region(o.region)?),
                        ("embedded", &region(o.embedded)?),
                        ("source", &tx.source(&o.source)?),
                    ],
                )?,
                _ => format!("{country}: {}", f.detail),
            },
            FindingKind::AboveRange | FindingKind::ZeroSubIndex => {
                let measure = f.measure.expect("value findings name the measure");
                let value = f.value.unwrap_or_default();
                let (max, source) = match self.oddity_of(f) {
                    Some((max, source)) => (max, tx.source(&source)?),
                    None => (0.0, String::new()),
                };
                tx.fill(
                    &format!("quality.{}.item", f.kind.key()),
                    &[
                        ("country", &country),
                        ("measure", &tx.measure(measure)?),
                        ("year", &year),
                        ("value", &value),
                        ("max", &max),
                        ("source", &tx.source(&source)?),
                    ],
                )?
            }
            FindingKind::RoundedCopy => match n.oddities.iter().find_map(|o| match &o.kind {
                crate::normalise::OddityKind::RoundedCopy {
                    precise,
                    rounded,
                    values,
                } if f.detail.contains(rounded.as_str()) => Some((precise, rounded, *values)),
                _ => None,
            }) {
                Some((precise, rounded, values)) => tx.fill(
                    "quality.rounded_copy.item",
                    &[
                        ("precise", precise),
                        ("rounded", rounded),
                        ("values", &values),
                    ],
                )?,
                None => f.detail.clone(),
            },
            FindingKind::Excluded | FindingKind::Alias => return Ok(None),
        };
        Ok(Some(text))
    }

    /// The range top and source cell of the oddity behind a value finding.
    fn oddity_of(&self, f: &Finding) -> Option<(f64, String)> {
        self.ctx.provenance.oddities.iter().find_map(|o| {
            let same =
                Some(o.key.0) == f.country && Some(o.key.1) == f.year && Some(o.key.2) == f.measure;
            let max = match o.kind {
                crate::normalise::OddityKind::AboveRange { max } => max,
                _ => 1.0,
            };
            same.then(|| (max, o.source.clone()))
        })
    }

    // ---- Section 7: reproduction ----

    pub(super) fn reproduction(&self) -> Result<ReproductionView> {
        let tx = &self.tx;
        let Some(words) = &self.ctx.words.reproduction else {
            return Ok(ReproductionView {
                ran: false,
                summary: String::new(),
                paragraphs: Vec::new(),
                table: None,
            });
        };
        let table = if words.differences.is_empty() {
            None
        } else {
            let mut t = TableBuilder::new("reproduction", tx.get("reproduction.caption")?, 1)
                .col(tx.get("reproduction.table")?, false)
                .col(tx.get("reproduction.explanation")?, false);
            for d in &words.differences {
                t.row(vec![d.table.clone(), d.explanation.clone()]);
            }
            Some(t.finish())
        };
        Ok(ReproductionView {
            ran: true,
            summary: words.summary.clone(),
            paragraphs: words.paragraphs.clone(),
            table,
        })
    }

    /// The reproduction check in words, or `None` without a reference: the outcome, the panel
    /// against the reference's, the cells matched per table, and each difference explained.
    pub(super) fn reproduction_words(&self) -> Result<Option<ReproductionWords>> {
        let tx = &self.tx;
        let (Some(diffs), Some(comparison)) = (&self.r.reproduction, &self.r.comparison) else {
            return Ok(None);
        };
        // The file name only: an absolute path would differ from machine to machine.
        let file = self
            .ctx
            .config
            .reference
            .as_deref()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let compared: usize = comparison.tallies.iter().map(|t| t.compared).sum();
        let matched: usize = comparison.tallies.iter().map(|t| t.matched).sum();
        let summary = tx.plural(
            "reproduction.summary",
            diffs.len(),
            &[
                ("file", &file),
                ("compared", &compared),
                ("matched", &matched),
            ],
        )?;
        let mut paragraphs = vec![summary.clone()];
        if let Some(reference) = comparison.reference_panel {
            paragraphs.push(self.panel_comparison(reference)?);
        }
        let per_table: Vec<String> = comparison
            .tallies
            .iter()
            .map(|t| {
                tx.fill(
                    "reproduction.tally",
                    &[
                        ("table", &self.table_name(&t.table)?),
                        ("matched", &t.matched),
                        ("compared", &t.compared),
                    ],
                )
            })
            .collect::<Result<_>>()?;
        if !per_table.is_empty() {
            paragraphs.push(tx.fill("reproduction.tallies", &[("list", &tx.list(&per_table)?)])?);
        }
        let differences = diffs
            .iter()
            .zip(&comparison.details)
            .map(|(d, detail)| {
                // A published country the row lacks: its name, and "not in the row".
                let (published, computed) = match detail.kind {
                    crate::analysis::reproduction::DetailKind::NotInRow => (
                        self.country_named(&d.published, false),
                        tx.get("reproduction.not_in_row")?,
                    ),
                    _ => (d.published.clone(), d.computed.clone()),
                };
                Ok(DifferenceWords {
                    table: self.table_name(&d.table)?,
                    row: self.row_words(&d.table, &d.row)?,
                    column: self.column_words(&d.table, &d.column)?,
                    published,
                    computed,
                    explanation: self.explain(d, detail)?,
                })
            })
            .collect::<Result<_>>()?;
        Ok(Some(ReproductionWords {
            summary,
            paragraphs,
            differences,
        }))
    }

    /// A published column (`low`, `count`, `Africa`) in words.
    fn column_words(&self, table: &str, column: &str) -> Result<String> {
        let tx = &self.tx;
        if table == "panel" {
            return match crate::model::Region::parse(column) {
                Some(r) => tx.get(&format!("region.{}", r.name())),
                None => tx.get("reproduction.count_column"),
            };
        }
        match Level::DESCENDING.iter().find(|l| l.key() == column) {
            Some(&l) => tx.level_quoted(l),
            None if column == "count" => tx.get("reproduction.count_column"),
            None if column == "countries" => tx.get("reproduction.countries_column"),
            None => Ok(column.to_string()),
        }
    }

    /// A country named in the reference, in the report language (as a table cell shows it,
    /// or inside a sentence); a name the concordance does not know stays as written.
    fn country_named(&self, name: &str, in_text: bool) -> String {
        match self.ctx.countries.names.lookup(name) {
            Some((id, _)) if in_text => self.tx.country_in_text(id),
            Some((id, _)) => self.tx.country(id),
            None => name.to_string(),
        }
    }

    /// `Table 3`, or the panel, in words.
    fn table_name(&self, key: &str) -> Result<String> {
        match key.strip_prefix("table").and_then(|n| n.parse::<u8>().ok()) {
            Some(n) => self.tx.fill("reproduction.table_n", &[("n", &n)]),
            None => self.tx.get("reproduction.panel"),
        }
    }

    /// The computed panel against the reference's, in one sentence.
    fn panel_comparison(&self, reference: u64) -> Result<String> {
        let n = self.r.panel_size as u64;
        let key = match n.cmp(&reference) {
            std::cmp::Ordering::Equal => "reproduction.panel_same",
            std::cmp::Ordering::Greater => "reproduction.panel_more",
            std::cmp::Ordering::Less => "reproduction.panel_fewer",
        };
        self.tx.fill(
            key,
            &[
                ("n", &n),
                ("reference", &reference),
                ("difference", &n.abs_diff(reference)),
            ],
        )
    }

    /// A published row label (`rose 2`, `maintained very_high`, `2010 stage 1`) in words.
    pub(super) fn row_words(&self, table: &str, row: &str) -> Result<String> {
        let tx = &self.tx;
        let parts: Vec<&str> = row.split(' ').collect();
        let level = |key: &str| {
            crate::analysis::levels::Level::DESCENDING
                .iter()
                .find(|l| l.key() == key)
                .copied()
        };
        match (table, parts.as_slice()) {
            ("table1", ["maintained", l]) if level(l).is_some() => tx.fill(
                "table1.stayed",
                &[("level", &tx.level_quoted(level(l).expect("checked"))?)],
            ),
            ("table1", [trend @ ("rose" | "fell"), n]) => {
                let n: usize = n.parse().unwrap_or(0);
                tx.plural(&format!("table1.{trend}"), n, &[])
            }
            ("table4", [year, "stage", n]) => tx.fill(
                "reproduction.stage_row",
                &[("year", year), ("stage", &tx.get(&format!("stage.{n}"))?)],
            ),
            // A path of levels (`1 high>very_high`): the levels, as Table 2 shows them.
            ("table2", [_, path]) if path.split('>').all(|l| level(l).is_some()) => {
                let levels: Vec<String> = path
                    .split('>')
                    .map(|l| tx.level_quoted(level(l).expect("checked")))
                    .collect::<Result<_>>()?;
                Ok(levels.join(&tx.get("path_sep")?))
            }
            ("panel", ["panel"]) => tx.get("reproduction.panel"),
            ("panel", ["regions"]) => tx.get("reproduction.regions_row"),
            _ => Ok(row.replace('>', &tx.get("path_sep")?)),
        }
    }

    /// One difference in a sentence, with the reference's own note when it has one.
    fn explain(
        &self,
        d: &crate::analysis::reproduction::Difference,
        detail: &crate::analysis::reproduction::Detail,
    ) -> Result<String> {
        use crate::analysis::reproduction::DetailKind;
        let tx = &self.tx;
        // The sentences quote the row: quotes inside it become inner quotes.
        let row = tx.nested_quotes(&self.row_words(&d.table, &d.row)?)?;
        let column = self.column_words(&d.table, &d.column)?;
        let args: [(&str, &dyn std::fmt::Display); 6] = [
            ("table", &self.table_name(&d.table)?),
            ("row", &row),
            ("column", &column),
            ("published", &d.published),
            ("computed", &d.computed),
            ("n", &self.r.panel_size),
        ];
        let mut text = match &detail.kind {
            DetailKind::Cell if d.table == "panel" && d.row == "panel" => {
                tx.fill("reproduction.explain.panel_size", &args)?
            }
            DetailKind::Cell if d.table == "panel" => {
                let region = match crate::model::Region::parse(&d.column) {
                    Some(r) => tx.get(&format!("region.{}", r.name()))?,
                    None => d.column.clone(),
                };
                let mut all = args.to_vec();
                all.push(("region", &region));
                tx.fill("reproduction.explain.panel_region", &all)?
            }
            DetailKind::Cell => tx.fill("reproduction.explain.cell", &args)?,
            DetailKind::RowSum { sum } => {
                let mut all = args.to_vec();
                all.push(("sum", sum));
                tx.fill("reproduction.explain.row_sum", &all)?
            }
            DetailKind::NotInRow => {
                let name = self.country_named(&d.published, true);
                let mut all = args.to_vec();
                all.push(("country", &name));
                tx.fill("reproduction.explain.not_in_row", &all)?
            }
            DetailKind::ExtraRow => tx.fill("reproduction.explain.extra_row", &args)?,
        };
        // A catalogue without a pattern for the reference's notes (their language may not be
        // the report's) leaves them out.
        if let Some(note) = &detail.note
            && !tx
                .fill("reproduction.explain.note", &[("note", note)])?
                .is_empty()
        {
            text.push_str(&tx.fill("reproduction.explain.note", &[("note", note)])?);
        }
        Ok(text)
    }

    // ---- Appendix: method ----

    pub(super) fn method(&self) -> Result<MethodView> {
        let tx = &self.tx;
        let measures = self.required_measures()?;
        let mut paragraphs = vec![if self.ctx.panel.fixed {
            tx.fill("method.panel_fixed", &[("measures", &tx.list(&measures)?)])?
        } else {
            tx.fill(
                "method.panel",
                &[
                    ("measures", &tx.list(&measures)?),
                    ("count", &self.r.years.len()),
                ],
            )?
        }];
        paragraphs.push(tx.get("method.values")?);

        let rule = &self.r.levels;
        let [t0, t1, t2] = rule.thresholds.map(threshold_value);
        // The side a threshold's own value falls on decides `<` or `≤` around it: a level
        // includes its lower threshold when values on it go up, its upper one when they go down.
        let from = |side: Side| if side == Side::Upper { "≤" } else { "<" };
        let to = |side: Side| if side == Side::Lower { "≤" } else { "<" };
        let [s0, s1, s2] = rule.boundaries;
        let v = tx.get("method.value_symbol")?;
        let ranges = [
            format!("{v} {} {t2}", if s2 == Side::Upper { "≥" } else { ">" }),
            format!("{t1} {} {v} {} {t2}", from(s1), to(s2)),
            format!("{t0} {} {v} {} {t1}", from(s0), to(s1)),
            format!("{v} {} {t0}", to(s0)),
        ];
        let level_rule = Level::DESCENDING
            .iter()
            .zip(ranges)
            .map(|(&level, range)| {
                tx.fill(
                    "method.level_line",
                    &[("level", &tx.level(level)?), ("range", &range)],
                )
            })
            .collect::<Result<_>>()?;
        let mut boundaries = Vec::new();
        for (side, key) in [
            (Side::Upper, "method.boundary_upper"),
            (Side::Lower, "method.boundary_lower"),
        ] {
            let on: Vec<String> = rule
                .thresholds
                .iter()
                .zip(rule.boundaries)
                .filter(|(_, s)| *s == side)
                .map(|(t, _)| threshold_value(*t))
                .collect();
            if !on.is_empty() {
                boundaries.push(tx.fill(key, &[("thresholds", &tx.list(&on)?)])?);
            }
        }
        Ok(MethodView {
            paragraphs,
            level_rule,
            boundaries,
            aliases: self.aliases()?,
        })
    }

    fn aliases(&self) -> Result<Option<TableView>> {
        let tx = &self.tx;
        let aliases = &self.ctx.provenance.aliases;
        if aliases.is_empty() {
            return Ok(None);
        }
        let mut t = TableBuilder::new("aliases", tx.get("aliases.caption")?, 1)
            .col(tx.get("aliases.written")?, false)
            .col(tx.get("aliases.country")?, false)
            .col(tx.get("aliases.iso3")?, false)
            .col(tx.get("aliases.rows")?, true)
            .col(tx.get("aliases.first")?, false);
        for a in aliases {
            t.row(vec![
                a.written.clone(),
                tx.country(a.country),
                tx.iso3(a.country).to_string(),
                a.rows.to_string(),
                tx.source(&a.first)?,
            ]);
        }
        Ok(Some(t.finish()))
    }
}
