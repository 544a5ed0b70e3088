//! Placeholder: filled in by its owner.

use super::i18n::Catalogue;
use super::{Artifact, RenderContext, Renderer};
use crate::analysis::beyond::FigureSeries;
use crate::error::Result;

/// The charts renderer: `figures/figure1..4.svg` and `.png`.
pub struct Charts;

/// One figure as SVG text (also inlined by the HTML report).
///
/// # Errors
/// [`crate::error::Error::Render`] naming the figure.
pub fn figure_svg(
    _ctx: &RenderContext<'_>,
    _catalogue: &Catalogue,
    figure: &FigureSeries,
) -> Result<String> {
    Ok(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><title>figure {}</title></svg>",
        figure.number
    ))
}

impl Renderer for Charts {
    fn name(&self) -> &'static str {
        "charts"
    }

    fn render(&self, _ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        Ok(Vec::new())
    }
}
