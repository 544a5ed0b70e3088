//! Placeholder: filled in by its owner.

use super::{Artifact, RenderContext, Renderer};
use crate::error::Result;

/// The charts renderer.
pub struct Charts;

impl Renderer for Charts {
    fn name(&self) -> &'static str {
        "charts"
    }

    fn render(&self, _ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        Ok(Vec::new())
    }
}
