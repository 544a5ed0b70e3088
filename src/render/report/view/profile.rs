//! The country profile's page in words and tables: its indices, levels and ranks per survey, its
//! position within its groups, whether it is in the balanced panel and why not, and its
//! data-quality findings. Numbers come from the [`Profile`] and the results; nothing is counted
//! here.

use std::collections::BTreeMap;

use serde::Serialize;

use super::super::text::index_value;
use super::ranks::signed;
use super::{Builder, FigureView, Message, TableBuilder, TableView};
use crate::analysis::profile::{Profile, ProfileSurvey};
use crate::config::Lang;
use crate::error::Result;
use crate::render::RenderContext;
use crate::render::i18n::Catalogue;

/// How many of the last ranked surveys the group table shows.
const GROUP_SURVEYS: usize = 3;

/// Everything the profile templates show.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileView {
    /// The document language tag (`en`, `zh-Hans`).
    pub lang: &'static str,
    /// The title.
    pub title: String,
    /// The country, its code and region, and the surveys.
    pub subtitle: String,
    /// The closing line (tool and version).
    pub footer: String,
    /// The static labels: the catalogue's `report.*` messages, nested.
    pub t: BTreeMap<String, Message>,
    /// The last survey's EGDI, level and rank, the rank change and the change since the first.
    pub summary: Vec<String>,
    /// Indices, levels and ranks per survey.
    pub indices: TableView,
    /// The figure.
    pub figure: FigureView,
    /// How positions within groups are counted (or why there are none).
    pub groups_text: String,
    /// Positions within each group in the last ranked surveys (none without a rank).
    pub groups: Option<TableView>,
    /// Whether it is in the balanced panel and, if not, why.
    pub panel: Vec<String>,
    /// Its data-quality findings, one sentence each.
    pub findings: Vec<String>,
}

/// Builds the view of one profile; `figure` is the drawn figure with its file path.
///
/// # Errors
/// [`crate::error::Error::Render`] for a missing or malformed catalogue message.
pub(crate) fn build_profile(
    ctx: &RenderContext<'_>,
    cat: &Catalogue,
    profile: &Profile,
    figure: FigureView,
) -> Result<ProfileView> {
    Builder::new(ctx, cat).profile(profile, figure)
}

impl Builder<'_> {
    fn profile(&self, p: &Profile, figure: FigureView) -> Result<ProfileView> {
        let tx = &self.tx;
        let name = tx.country(p.country);
        let region = tx.get(&format!(
            "region.{}",
            self.ctx.countries.region(p.country).name()
        ))?;
        let all_findings = &self.ctx.words.findings;
        let findings = if p.findings.is_empty() {
            vec![tx.fill(
                "profile.no_findings",
                &[("country", &tx.country_in_text(p.country))],
            )?]
        } else {
            p.findings
                .iter()
                .map(|&i| all_findings[i].clone())
                .collect()
        };
        let (groups_text, groups) = self.profile_groups(p)?;
        Ok(ProfileView {
            lang: match self.cat.lang() {
                Lang::En => "en",
                Lang::Zh => "zh-Hans",
            },
            title: tx.fill("profile.title", &[("country", &name)])?,
            subtitle: tx.fill(
                "profile.subtitle",
                &[
                    ("country", &name),
                    ("iso3", &tx.iso3(p.country)),
                    ("region", &region),
                    ("years", &tx.years(self.first(), self.last())?),
                ],
            )?,
            footer: tx.fill("profile.footer", &[("version", &env!("CARGO_PKG_VERSION"))])?,
            t: self.messages(),
            summary: self.profile_summary(p)?,
            indices: self.profile_indices(p)?,
            figure,
            groups_text,
            groups,
            panel: vec![self.profile_panel(p)?],
            findings,
        })
    }

    /// A level as a table cell: the level, `not assessed` (EGDI 0) or the missing mark.
    fn profile_level(&self, s: &ProfileSurvey, i: usize) -> Result<String> {
        match s.levels[i] {
            Some(l) => self.tx.level(l),
            None if s.values[0] == Some(0.0) && s.values[i].is_some() => {
                self.tx.get("profile.not_assessed")
            }
            None => self.tx.get("profile.missing"),
        }
    }

    fn profile_summary(&self, p: &Profile) -> Result<Vec<String>> {
        let tx = &self.tx;
        let country = tx.country_in_text(p.country);
        let assessed: Vec<&ProfileSurvey> =
            p.surveys.iter().filter(|s| s.levels[0].is_some()).collect();
        let (Some(first), Some(last)) = (assessed.first(), assessed.last()) else {
            return Ok(vec![tx.fill("profile.no_egdi", &[("country", &country)])?]);
        };
        let egdi = |s: &ProfileSurvey| index_value(s.values[0].unwrap_or_default());
        let level = |s: &ProfileSurvey| -> Result<String> {
            tx.level_quoted(s.levels[0].expect("assessed surveys have a level"))
        };
        let mut out = Vec::new();
        let mut sentence = match &last.rank {
            Some(rank) => tx.fill(
                "profile.last",
                &[
                    ("year", &last.year),
                    ("country", &country),
                    ("value", &egdi(last)),
                    ("level", &level(last)?),
                    ("rank", &rank.rank),
                    (
                        "source",
                        &tx.get(&format!("profile.rank_source.{}", rank.source.key()))?,
                    ),
                ],
            )?,
            None => tx.fill(
                "profile.last_unranked",
                &[
                    ("year", &last.year),
                    ("country", &country),
                    ("value", &egdi(last)),
                    ("level", &level(last)?),
                ],
            )?,
        };
        let previous = p
            .surveys
            .iter()
            .take_while(|s| s.year < last.year)
            .last()
            .and_then(|s| s.rank.as_ref().map(|r| (s.year, r.rank)));
        if let (Some(rank), Some((from, a))) = (&last.rank, previous)
            && let Some(change) = rank.change
        {
            let args: [(&str, &dyn std::fmt::Display); 2] = [("from", &from), ("a", &a)];
            let key = match change.signum() {
                1 => "profile.rank_up",
                -1 => "profile.rank_down",
                _ => "profile.rank_same",
            };
            let more = if change == 0 {
                tx.fill(key, &args)?
            } else {
                tx.plural(
                    key,
                    usize::try_from(change.unsigned_abs()).unwrap_or(0),
                    &args,
                )?
            };
            sentence.push_str(if self.cat.lang() == Lang::Zh { "" } else { " " });
            sentence.push_str(&more);
        }
        out.push(sentence);
        if first.year != last.year {
            out.push(tx.fill(
                "profile.span",
                &[
                    ("first", &first.year),
                    ("last", &last.year),
                    ("a", &egdi(first)),
                    ("la", &level(first)?),
                    ("b", &egdi(last)),
                    ("lb", &level(last)?),
                ],
            )?);
        }
        Ok(out)
    }

    fn profile_indices(&self, p: &Profile) -> Result<TableView> {
        let tx = &self.tx;
        let name = tx.country(p.country);
        let col = |key: &str| tx.get(&format!("profile.column.{key}"));
        let mut t = TableBuilder::new(
            "profile-indices",
            tx.fill("profile.caption.indices", &[("country", &name)])?,
            1,
        )
        .col(col("year")?, false);
        for &m in &p.measures {
            let group = tx.measure(m)?;
            let mut labels = vec![col("value")?];
            if self.r.measures.contains(&m) {
                labels.push(col("level")?);
            }
            t = t.group_of(
                group.clone(),
                with_numeric(self.grouped(&group, labels)?, 1),
            );
        }
        let ranking = col("ranking")?;
        t = t.group_of(
            ranking.clone(),
            with_numeric(
                self.grouped(&ranking, vec![col("rank")?, col("change")?, col("source")?])?,
                2,
            ),
        );
        let region = tx.get(&format!(
            "region.{}",
            self.ctx.countries.region(p.country).name()
        ))?;
        t = t.col(
            tx.fill("profile.column.region_mean", &[("region", &region)])?,
            true,
        );
        let missing = tx.get("profile.missing")?;
        for s in &p.surveys {
            let mut cells = vec![s.year.to_string()];
            for (i, &m) in p.measures.iter().enumerate() {
                if !s.present {
                    cells.push(tx.get("profile.absent")?);
                } else {
                    cells.push(s.values[i].map_or_else(|| missing.clone(), index_value));
                }
                if self.r.measures.contains(&m) {
                    cells.push(self.profile_level(s, i)?);
                }
            }
            match &s.rank {
                Some(r) => {
                    cells.push(r.rank.to_string());
                    cells.push(r.change.map_or_else(|| missing.clone(), signed));
                    cells.push(tx.get(&format!("profile.rank_source.{}", r.source.key()))?);
                }
                None => cells.extend([missing.clone(), missing.clone(), missing.clone()]),
            }
            cells.push(s.region_means[0].map_or_else(|| missing.clone(), index_value));
            t.row(cells);
        }
        Ok(t.finish())
    }

    fn profile_groups(&self, p: &Profile) -> Result<(String, Option<TableView>)> {
        let tx = &self.tx;
        let mut years: Vec<_> = p.groups.iter().map(|g| g.year).collect();
        years.sort_unstable();
        years.dedup();
        if years.is_empty() {
            let text = tx.fill(
                "profile.no_groups",
                &[("country", &tx.country_in_text(p.country))],
            )?;
            return Ok((text, None));
        }
        let shown = &years[years.len().saturating_sub(GROUP_SURVEYS)..];
        let col = |key: &str| tx.get(&format!("profile.column.{key}"));
        let mut t = TableBuilder::new(
            "profile-groups",
            tx.fill(
                "profile.caption.groups",
                &[("country", &tx.country(p.country))],
            )?,
            2,
        )
        .col(col("kind")?, false)
        .col(col("group")?, false);
        for &y in shown.iter().rev() {
            t = t.col(tx.fill("profile.column.position", &[("year", &y)])?, true);
        }
        let mut seen: Vec<(&str, &str)> = Vec::new();
        for g in &p.groups {
            if seen.contains(&(g.kind, g.group.as_str())) {
                continue;
            }
            seen.push((g.kind, g.group.as_str()));
            let mut cells = vec![
                tx.get(&format!("profile.group_kind.{}", g.kind))?,
                self.group_cell(g.kind, &g.group)?,
            ];
            for &y in shown.iter().rev() {
                let at = p
                    .groups
                    .iter()
                    .find(|x| x.kind == g.kind && x.group == g.group && x.year == y);
                cells.push(match at {
                    Some(x) => tx.fill(
                        "profile.position",
                        &[("position", &x.position), ("of", &x.of)],
                    )?,
                    None => tx.get("profile.missing")?,
                });
            }
            t.row(cells);
        }
        Ok((tx.get("profile.groups")?, Some(t.finish())))
    }

    /// A group's name in the report language: regions as the report names them, other groups
    /// from `report.group`.
    pub(super) fn group_name(&self, kind: &str, group: &str) -> Result<String> {
        if kind == "region" {
            self.tx.get(&format!("region.{group}"))
        } else {
            self.tx.get(&format!("group.{group}"))
        }
    }

    /// A group's name as a table cell: with a capital (`The Americas`).
    pub(super) fn group_cell(&self, kind: &str, group: &str) -> Result<String> {
        let mut name = self.group_name(kind, group)?;
        if let Some(first) = name.get(..1) {
            let upper = first.to_uppercase();
            name.replace_range(..1, &upper);
        }
        Ok(name)
    }

    fn profile_panel(&self, p: &Profile) -> Result<String> {
        let tx = &self.tx;
        let country = tx.country_in_text(p.country);
        if p.in_panel {
            return tx.fill(
                "profile.in_panel",
                &[
                    ("country", &country),
                    ("n", &self.r.panel_size),
                    ("measures", &tx.list(&self.required_measures()?)?),
                    ("count", &self.r.years.len()),
                ],
            );
        }
        if !p.in_input {
            return tx.fill("profile.not_in_input", &[("country", &country)]);
        }
        if p.gaps.is_empty() {
            return tx.fill("profile.not_in_fixed", &[("country", &country)]);
        }
        let gaps: Vec<String> = p
            .gaps
            .iter()
            .map(|g| tx.gap_reason(g))
            .collect::<Result<_>>()?;
        tx.fill(
            "profile.not_in_panel",
            &[
                ("country", &country),
                ("n", &self.r.panel_size),
                ("gaps", &tx.list(&gaps)?),
            ],
        )
    }
}

/// Grouped column labels with the first `numbers` of them numeric and the rest text.
fn with_numeric(labels: Vec<(String, String)>, numbers: usize) -> Vec<(String, String, bool)> {
    labels
        .into_iter()
        .enumerate()
        .map(|(i, (label, full))| (label, full, i < numbers))
        .collect()
}
