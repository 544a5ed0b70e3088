//! Figures 1-4: `figures/figureN.svg` and `figures/figureN.png`.
//!
//! Consumes the [`FigureSeries`] of the analysis and the charts catalogue; produces one line per
//! country over the survey years, the focus country emphasised, with a legend and end-value
//! labels that never overlap (`layout` measures every text with the embedded font). SVG and PNG
//! come from the same laid-out scene and are byte-identical across runs. Recomputes nothing.

mod bands;
mod draw;
mod font;
mod layout;
mod profile;
#[cfg(test)]
mod tests;

use rayon::prelude::*;

use super::i18n::Catalogue;
use super::{Artifact, RenderContext, Renderer, Rest};
use crate::analysis::beyond::FigureSeries;
use crate::error::{Error, Result};

use layout::{FigureText, Scene, Series};

pub use draw::{PNG_ENCODING, PngEncoding, encode_rgb};
pub(crate) use profile::profile_figure;

/// The charts renderer: `figures/figure1..4.svg` and `.png`.
pub struct Charts;

/// One figure laid out once: its scene (drawn to PNG by the charts renderer) and its SVG text
/// (written by the charts renderer and inlined by the HTML report).
pub struct Drawn {
    /// The figure's number.
    pub number: u8,
    /// The SVG, with its `<title>` and `aria-label`.
    pub svg: String,
    scene: Scene,
}

/// Lays out every figure of the results, in parallel, and draws its SVG.
///
/// # Errors
/// [`crate::error::Error::Render`] naming the figure.
pub fn draw_all(ctx: &RenderContext<'_>) -> Result<Vec<Drawn>> {
    // The font registry is global: fill it before the figures are drawn in parallel.
    register_font("figures")?;
    ctx.results
        .figures
        .par_iter()
        .map(|figure| {
            let output = format!("figures/figure{}.svg", figure.number);
            let scene = scene(ctx, ctx.catalogue, figure, &output)?;
            let title = title_of(ctx, ctx.catalogue, figure)?;
            let svg = draw::svg(&scene)
                .map(|svg| accessible_svg(&svg, &title))
                .map_err(|message| Error::Render { output, message })?;
            Ok(Drawn {
                number: figure.number,
                svg,
                scene,
            })
        })
        .collect()
}

fn title_of(
    ctx: &RenderContext<'_>,
    catalogue: &Catalogue,
    figure: &FigureSeries,
) -> Result<String> {
    let concordance = &ctx.countries.names;
    let names: Vec<String> = figure
        .countries
        .iter()
        .map(|&id| catalogue.country_in_text(concordance.get(id)))
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    figure_title(catalogue, figure, &names)
}

impl Renderer for Charts {
    fn name(&self) -> &'static str {
        "charts"
    }

    /// Draws every figure at the start: four short jobs, whatever the panel's size.
    fn start<'a>(&'a self, ctx: &'a RenderContext<'a>) -> Result<Rest<'a>> {
        let artifacts = self.render(ctx)?;
        Ok(Box::new(move |_| Ok(artifacts)))
    }

    /// The SVG drawn by [`draw_all`], and the PNG of the same scene.
    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        let pngs: Vec<Result<Vec<Artifact>>> = ctx
            .figures
            .par_iter()
            .map(|drawn| {
                let png_path = format!("figures/figure{}.png", drawn.number);
                let png = draw::png(&drawn.scene).map_err(|message| Error::Render {
                    output: png_path.clone(),
                    message,
                })?;
                Ok(vec![
                    Artifact::text(
                        format!("figures/figure{}.svg", drawn.number),
                        drawn.svg.clone(),
                    ),
                    Artifact {
                        path: png_path,
                        bytes: png,
                    },
                ])
            })
            .collect();
        let mut artifacts = Vec::new();
        for figure in pngs {
            artifacts.extend(figure?);
        }
        Ok(artifacts)
    }
}

fn register_font(output: &str) -> Result<()> {
    font::register().map_err(|message| Error::Render {
        output: output.to_string(),
        message,
    })
}

/// Lays a figure out in the catalogue's language.
fn scene(
    ctx: &RenderContext<'_>,
    catalogue: &Catalogue,
    figure: &FigureSeries,
    output: &str,
) -> Result<Scene> {
    register_font(output)?;
    let concordance = &ctx.countries.names;
    let names: Vec<&str> = figure
        .countries
        .iter()
        .map(|&id| catalogue.country_name(concordance.get(id)))
        .collect();
    let text = figure_text(ctx, catalogue, figure, &names)?;
    let last = figure.years.len().saturating_sub(1);
    let mut series = Vec::with_capacity(names.len());
    for (column, name) in names.iter().enumerate() {
        let values: Vec<Option<f64>> = figure
            .values
            .iter()
            .map(|row| row.get(column).copied().flatten().filter(|v| v.is_finite()))
            .collect();
        let end = values.iter().rposition(Option::is_some);
        let end_label = match end {
            Some(c) => {
                let value = format_value(values[c].unwrap_or_default());
                let label = if c == last {
                    value
                } else {
                    let year = figure.years[c].to_string();
                    catalogue.fill("value.earlier", &[("value", &value), ("year", &year)])?
                };
                Some((c, label))
            }
            None => None,
        };
        let name = if end.is_some() {
            (*name).to_string()
        } else {
            catalogue.fill("legend.no_data", &[("country", name)])?
        };
        series.push(Series {
            name,
            values,
            end_label,
            emphasised: column + 1 == names.len(),
        });
    }
    Ok(layout::lay_out(&text, &series, font::Metrics::embedded()))
}

/// The figure's title (the caption's words; the SVG's `<title>` and `aria-label`).
fn figure_title(catalogue: &Catalogue, figure: &FigureSeries, names: &[&str]) -> Result<String> {
    let first = figure.years.first().map(ToString::to_string);
    let last = figure.years.last().map(ToString::to_string);
    catalogue.fill(
        "figure.title",
        &[
            ("number", &figure.number.to_string()),
            ("measure", figure.measure.short(catalogue.zh())),
            ("countries", &join_names(catalogue, names)?),
            ("first", first.as_deref().unwrap_or_default()),
            ("last", last.as_deref().unwrap_or_default()),
        ],
    )
}

/// The surveys a figure of `measure` draws hollow, as not comparable with the others: a
/// weighted survey breaks the sub-indices only, a declared one every index. Shared by the
/// figures and the workbook's native charts.
pub(crate) fn breaks_of(
    results: &crate::analysis::Results,
    measure: crate::model::Measure,
) -> Vec<&crate::analysis::periods::SurveyBreak> {
    use crate::analysis::periods::BreakReason;
    results
        .breaks
        .iter()
        .filter(|b| {
            measure != crate::model::Measure::Egdi || matches!(b.reason, BreakReason::Declared(_))
        })
        .collect()
}

/// Axis titles, year labels and positions, hollow surveys and the notes of a figure. The
/// title is left to the caption, so that it is not said twice.
fn figure_text(
    ctx: &RenderContext<'_>,
    catalogue: &Catalogue,
    figure: &FigureSeries,
    _names: &[&str],
) -> Result<FigureText> {
    use crate::analysis::periods::BreakReason;
    let first = figure.years.first().map(ToString::to_string);
    let last = figure.years.last().map(ToString::to_string);
    let breaks = breaks_of(ctx.results, figure.measure);
    let hollow: Vec<bool> = figure
        .years
        .iter()
        .map(|y| breaks.iter().any(|b| b.year == *y))
        .collect();
    let mut notes = Vec::new();
    for b in &breaks {
        let why = match b.reason {
            BreakReason::Weighted => catalogue.get("why.weighted")?,
            BreakReason::Declared(_) => catalogue.get("why.declared")?,
        };
        notes.push(catalogue.fill(
            "note.hollow",
            &[("years", &b.year.to_string()), ("why", why)],
        )?);
    }
    // Gaps of more than the usual two years between surveys.
    let gaps: Vec<String> = figure
        .years
        .windows(2)
        .filter(|w| w[1].get() - w[0].get() > 2)
        .map(|w| {
            catalogue.fill(
                "note.gap",
                &[("from", &w[0].to_string()), ("to", &w[1].to_string())],
            )
        })
        .collect::<Result<_>>()?;
    if !gaps.is_empty() {
        let separator = catalogue.get("note.gap_separator")?;
        notes.push(catalogue.fill("note.scale", &[("gaps", &gaps.join(separator))])?);
    }
    notes.push(catalogue.fill(
        "note.source",
        &[
            ("first", first.as_deref().unwrap_or_default()),
            ("last", last.as_deref().unwrap_or_default()),
        ],
    )?);
    Ok(FigureText {
        title: String::new(),
        y_title: figure.measure.titled(catalogue.zh()),
        x_title: catalogue.get("axis.year")?.to_string(),
        missing_note: catalogue.get("note.missing")?.to_string(),
        categories: figure.years.iter().map(ToString::to_string).collect(),
        positions: figure.years.iter().map(|y| f64::from(y.get())).collect(),
        hollow,
        notes,
    })
}

/// The SVG with `role="img"`, an `aria-label` and a `<title>` (the figure's title).
fn accessible_svg(svg: &str, title: &str) -> String {
    let escaped = title
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;");
    let Some(start) = svg.find("<svg") else {
        return svg.to_string();
    };
    let Some(end) = svg[start..].find('>').map(|e| start + e) else {
        return svg.to_string();
    };
    format!(
        "{} role=\"img\" aria-label=\"{escaped}\">\n<title>{escaped}</title>{}",
        &svg[..end],
        &svg[end + 1..]
    )
}

/// "A, B, C and D" in the catalogue's words.
fn join_names(catalogue: &Catalogue, names: &[&str]) -> Result<String> {
    let separator = catalogue.get("list.separator")?;
    let last = catalogue.get("list.last")?;
    Ok(match names {
        [] => String::new(),
        [only] => (*only).to_string(),
        [init @ .., tail] => format!("{}{last}{tail}", init.join(separator)),
    })
}

/// An index value as the surveys publish it: four decimals.
fn format_value(v: f64) -> String {
    format!("{v:.4}")
}
