//! The country profile's figure: one country's indices over the surveys beside its region's mean
//! EGDI, time drawn to scale.
//!
//! Consumes a [`Profile`] and the charts catalogue; produces the SVG and PNG of one laid-out
//! scene, the country's EGDI emphasised. Recomputes nothing: the values and the region means
//! are the profile's.

use super::layout::{self, FigureText, Series};
use super::{accessible_svg, draw, font, format_value, join_names, register_font};
use crate::analysis::profile::Profile;
use crate::error::{Error, Result};
use crate::model::Measure;
use crate::render::RenderContext;
use crate::render::i18n::Catalogue;

/// A rendered profile figure.
pub(crate) struct ProfileFigure {
    /// The figure's title (also the SVG's `<title>`).
    pub(crate) title: String,
    /// The SVG text.
    pub(crate) svg: String,
    /// The PNG bytes.
    pub(crate) png: Vec<u8>,
}

/// Draws the profile figure; `output` names the SVG in error messages.
///
/// # Errors
/// [`Error::Render`] naming the output, for a missing catalogue message or a drawing failure.
pub(crate) fn profile_figure(
    ctx: &RenderContext<'_>,
    catalogue: &Catalogue,
    profile: &Profile,
    output: &str,
) -> Result<ProfileFigure> {
    register_font(output)?;
    let country = ctx.countries.names.get(profile.country);
    let name = catalogue.country_name(country);
    let region = catalogue.get(&format!(
        "region.{}",
        ctx.countries.region(profile.country).name()
    ))?;
    let zh = catalogue.lang() == crate::config::Lang::Zh;
    let years: Vec<String> = profile.surveys.iter().map(|s| s.year.to_string()).collect();
    let column = |m: Measure| profile.measures.iter().position(|x| *x == m);
    // A survey in which the country was not assessed (EGDI 0) breaks its lines: its zeros are
    // no measurement.
    let values_of = |i: usize| -> Vec<Option<f64>> {
        profile
            .surveys
            .iter()
            .map(|s| {
                let assessed = s.values[0].is_some_and(|egdi| egdi > 0.0);
                s.values[i].filter(|v| assessed && v.is_finite())
            })
            .collect()
    };
    // The other indices first, then the region's mean, the country's EGDI last and emphasised.
    let mut lines: Vec<(String, Vec<Option<f64>>, bool)> = Vec::new();
    for (i, m) in profile
        .measures
        .iter()
        .enumerate()
        .filter(|(_, m)| **m != Measure::Egdi)
    {
        let label = catalogue.fill(
            "profile.series",
            &[("country", name), ("measure", m.short(zh))],
        )?;
        lines.push((label, values_of(i), false));
    }
    let egdi = column(Measure::Egdi).expect("a profile always shows EGDI");
    let means: Vec<Option<f64>> = profile
        .surveys
        .iter()
        .map(|s| s.region_means[egdi])
        .collect();
    lines.push((
        catalogue.fill("profile.region_mean", &[("region", region)])?,
        means,
        false,
    ));
    let label = catalogue.fill(
        "profile.series",
        &[("country", name), ("measure", Measure::Egdi.short(zh))],
    )?;
    lines.push((label, values_of(egdi), true));
    let series = lines
        .into_iter()
        .map(|(name, values, emphasised)| series(catalogue, &years, name, values, emphasised))
        .collect::<Result<Vec<_>>>()?;
    let measures: Vec<&str> = profile.measures.iter().map(|m| m.short(zh)).collect();
    let first = years.first().cloned().unwrap_or_default();
    let last = years.last().cloned().unwrap_or_default();
    let title = catalogue.fill(
        "profile.title",
        &[
            ("country", name),
            ("measures", &join_names(catalogue, &measures)?),
            ("region", region),
            ("first", &first),
            ("last", &last),
        ],
    )?;
    let text = FigureText {
        title: String::new(),
        y_title: catalogue.get("profile.axis")?.to_string(),
        x_title: catalogue.get("axis.year")?.to_string(),
        missing_note: catalogue.get("note.missing")?.to_string(),
        categories: years.clone(),
        positions: profile
            .surveys
            .iter()
            .map(|s| f64::from(s.year.get()))
            .collect(),
        hollow: vec![false; years.len()],
        notes: vec![catalogue.fill("note.source", &[("first", &first), ("last", &last)])?],
    };
    let scene = layout::lay_out(&text, &series, font::Metrics::embedded());
    let render_error = |message: String| Error::Render {
        output: output.to_string(),
        message,
    };
    let svg = draw::svg(&scene)
        .map(|svg| accessible_svg(&svg, &title))
        .map_err(render_error)?;
    let png = draw::png(&scene).map_err(render_error)?;
    Ok(ProfileFigure { title, svg, png })
}

/// One line with its end label: the last value, with its year when that is not the last survey.
fn series(
    catalogue: &Catalogue,
    years: &[String],
    name: String,
    values: Vec<Option<f64>>,
    emphasised: bool,
) -> Result<Series> {
    let last = years.len().saturating_sub(1);
    let end_label = match values.iter().rposition(Option::is_some) {
        Some(c) => {
            let value = format_value(values[c].unwrap_or_default());
            let label = if c == last {
                value
            } else {
                catalogue.fill("value.earlier", &[("value", &value), ("year", &years[c])])?
            };
            Some((c, label))
        }
        None => None,
    };
    let name = if end_label.is_some() {
        name
    } else {
        catalogue.fill("legend.no_data", &[("country", &name)])?
    };
    Ok(Series {
        name,
        values,
        end_label,
        emphasised,
    })
}
