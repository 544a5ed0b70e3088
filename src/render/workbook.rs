//! Placeholder: filled in by its owner.

use super::{Artifact, RenderContext, Renderer};
use crate::error::Result;

/// The workbook renderer.
pub struct Workbook;

impl Renderer for Workbook {
    fn name(&self) -> &'static str {
        "workbook"
    }

    fn render(&self, _ctx: &RenderContext<'_>) -> Result<Vec<Artifact>> {
        Ok(Vec::new())
    }
}
