//! Placeholder: filled in by its owner.

use super::{Artifact, RenderContext, Renderer};
use crate::error::Result;

/// The report renderer.
pub struct Report;

impl Renderer for Report {
    fn name(&self) -> &'static str {
        "report"
    }

    fn render(&self, _ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        Ok(Vec::new())
    }
}
