//! A country profile's files: `profile.<lang>.md`, `profile.<lang>.html` and
//! `figures/profile.<lang>.svg` / `.png` for each language asked for, and its `--json` summary.
//!
//! Consumes the [`RenderContext`] of a prepared run and the [`Profile`] of one country; produces
//! artifacts in memory (written by the caller through [`super::output::OutputLock`]). The page
//! goes through the report's template environment (`templates/profile.*.j2`, overridable like
//! the report's) and message catalogues; nothing is recomputed here.

use std::collections::BTreeMap;

use minijinja::Value;
use minijinja::value::Serde;
use serde::Serialize;

use super::i18n::Catalogue;
use super::report::view::{FigureView, build_profile};
use super::{Artifact, RenderContext};
use crate::analysis::profile::{GroupPosition, Profile};
use crate::config::Lang;
use crate::error::Result;
use crate::model::Year;

/// The pages and their templates: (output suffix, template).
const PAGES: [(&str, &str); 2] = [("md", "profile.md.j2"), ("html", "profile.html.j2")];

/// Renders the profile in each language, in the order given.
///
/// # Errors
/// [`crate::error::Error::Render`] naming the output, for a catalogue, template or figure error.
pub fn render(ctx: &RenderContext<'_>, profile: &Profile, langs: &[Lang]) -> Result<Vec<Artifact>> {
    let templates = ctx.config.templates.as_deref();
    let env = super::report::environment(templates);
    let mut artifacts = Vec::new();
    for &lang in langs {
        let code = lang.code();
        let catalogue = Catalogue::load(lang, templates)?;
        // Every part of the page speaks this language, whatever the run's language is.
        let ctx = &RenderContext {
            catalogue: &catalogue,
            ..*ctx
        };
        let words = super::report::words(ctx)?;
        let ctx = &RenderContext {
            words: &words,
            ..*ctx
        };
        let svg_path = format!("figures/profile.{code}.svg");
        let figure = super::charts::profile_figure(ctx, &catalogue, profile, &svg_path)?;
        let figure_view = FigureView {
            id: "profile-figure".into(),
            caption: figure.title.clone(),
            path: svg_path.clone(),
            svg: super::report::inline_svg(&figure.svg),
        };
        let view = build_profile(ctx, &catalogue, profile, figure_view)?;
        let value = Value::from(Serde(&view));
        for (suffix, template) in PAGES {
            let output = format!("profile.{code}.{suffix}");
            let text = env
                .get_template(template)
                .and_then(|t| t.render(&value))
                .map_err(|e| super::report::render_error(&output, &e))?;
            artifacts.push(Artifact::text(output, text));
        }
        artifacts.push(Artifact::text(svg_path, figure.svg));
        artifacts.push(Artifact {
            path: format!("figures/profile.{code}.png"),
            bytes: figure.png,
        });
    }
    artifacts.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(artifacts)
}

/// What `profile --json` prints (`docs/json-schema/profile.schema.json`).
#[derive(Debug, Clone, Serialize)]
pub struct ProfileSummary {
    /// [`crate::JSON_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The country's ISO3 code.
    pub iso3: String,
    /// Its English short name.
    pub name: String,
    /// Its region.
    pub region: String,
    /// Whether the input has a row of it in some survey.
    pub in_input: bool,
    /// Whether it is in the balanced panel.
    pub in_panel: bool,
    /// Why not: one entry per incomplete survey (`2008 EGDI 0`).
    pub gaps: Vec<String>,
    /// One entry per survey.
    pub surveys: Vec<SurveySummary>,
    /// Its position within each group, per survey with a rank.
    pub groups: Vec<GroupPosition>,
    /// Its data-quality findings, in plain English.
    pub findings: Vec<String>,
    /// The folder written.
    pub output: String,
    /// The files written, relative to it.
    pub outputs: Vec<String>,
    /// Time per stage (shown with `-v`, not part of the JSON).
    #[serde(skip)]
    pub timings: Vec<crate::render::manifest::Timing>,
}

/// One survey of a [`ProfileSummary`].
#[derive(Debug, Clone, Serialize)]
pub struct SurveySummary {
    /// The survey.
    pub year: Year,
    /// Whether the input has a row of the country in it.
    pub present: bool,
    /// Values as used, by measure key (`EGDI`); null when missing.
    pub values: BTreeMap<&'static str, Option<f64>>,
    /// Levels of the indices, by measure key; null when missing or not assessed.
    pub levels: BTreeMap<&'static str, Option<&'static str>>,
    /// The E-Government rank.
    pub rank: Option<u32>,
    /// `published` or `computed`.
    pub rank_source: Option<&'static str>,
    /// Places gained since the previous survey.
    pub rank_change: Option<i64>,
    /// The mean EGDI of the panel countries of its region.
    pub region_mean_egdi: Option<f64>,
}

/// The `--json` summary of a profile written to `output`.
pub fn summary(
    ctx: &RenderContext<'_>,
    profile: &Profile,
    output: &std::path::Path,
    artifacts: &[Artifact],
) -> ProfileSummary {
    let country = ctx.countries.names.get(profile.country);
    let surveys = profile
        .surveys
        .iter()
        .map(|s| {
            let by_measure = |i: usize| profile.measures[i].key();
            SurveySummary {
                year: s.year,
                present: s.present,
                values: s
                    .values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (by_measure(i), *v))
                    .collect(),
                levels: s
                    .levels
                    .iter()
                    .enumerate()
                    .filter(|(i, _)| ctx.results.measures.contains(&profile.measures[*i]))
                    .map(|(i, l)| (by_measure(i), l.map(|l| l.key())))
                    .collect(),
                rank: s.rank.as_ref().map(|r| r.rank),
                rank_source: s.rank.as_ref().map(|r| r.source.key()),
                rank_change: s.rank.as_ref().and_then(|r| r.change),
                region_mean_egdi: s.region_means[0],
            }
        })
        .collect();
    ProfileSummary {
        schema_version: crate::JSON_SCHEMA_VERSION,
        iso3: country.iso3.clone(),
        name: country.name_en.clone(),
        region: ctx.countries.region(profile.country).name().to_string(),
        in_input: profile.in_input,
        in_panel: profile.in_panel,
        gaps: profile
            .gaps
            .iter()
            .map(crate::panel::Gap::describe)
            .collect(),
        surveys,
        groups: profile.groups.clone(),
        findings: profile
            .findings
            .iter()
            .map(|&i| ctx.results.findings[i].detail.clone())
            .collect(),
        output: output.display().to_string(),
        outputs: artifacts.iter().map(|a| a.path.clone()).collect(),
        timings: Vec::new(),
    }
}
