//! `manifest.json`: tool version, effective config, inputs and outputs with SHA-256, counts,
//! warnings and time per stage. Everything but the `timings` object is deterministic.

use serde::Serialize;

use super::{Artifact, RenderContext};
use crate::ingest::{InputFile, sha256_hex};

/// Name of the manifest in the output folder.
pub const MANIFEST: &str = "manifest.json";

/// Time spent in one stage.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    /// Stage name.
    pub stage: String,
    /// Milliseconds (wall clock).
    pub ms: f64,
}

#[derive(Serialize)]
struct Output<'a> {
    path: &'a str,
    bytes: usize,
    sha256: String,
}

#[derive(Serialize)]
struct Counts {
    input_files: usize,
    tables_read: usize,
    facts: usize,
    surveys: usize,
    countries_in_input: usize,
    panel_countries: usize,
    excluded_countries: usize,
    aliases_used: usize,
    findings: usize,
    reproduction_differences: Option<usize>,
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    config: &'a crate::config::Config,
    surveys: Vec<u16>,
    inputs: &'a [InputFile],
    outputs: Vec<Output<'a>>,
    counts: Counts,
    warnings: Vec<String>,
    timings: &'a [Timing],
}

/// Builds the manifest for the artifacts written in this run.
///
/// # Panics
/// Never in practice: serialising plain data to JSON cannot fail.
pub fn manifest(ctx: &RenderContext<'_>, artifacts: &[Artifact], timings: &[Timing]) -> Artifact {
    let outputs = artifacts
        .iter()
        .map(|a| Output {
            path: &a.path,
            bytes: a.bytes.len(),
            sha256: sha256_hex(&a.bytes),
        })
        .collect();
    let m = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        config: ctx.config,
        surveys: ctx.panel.years.iter().map(|y| y.get()).collect(),
        inputs: &ctx.ingested.files,
        outputs,
        counts: Counts {
            input_files: ctx.ingested.files.len(),
            tables_read: ctx.normalised.tables.len(),
            facts: ctx.normalised.facts.len(),
            surveys: ctx.panel.years.len(),
            countries_in_input: ctx.panel.len() + ctx.panel.exclusions.len(),
            panel_countries: ctx.panel.len(),
            excluded_countries: ctx.panel.exclusions.len(),
            aliases_used: ctx.normalised.aliases.len(),
            findings: ctx.results.findings.len(),
            reproduction_differences: ctx.results.reproduction.as_ref().map(Vec::len),
        },
        warnings: ctx.diagnostics.iter().map(ToString::to_string).collect(),
        timings,
    };
    let mut text = serde_json::to_string_pretty(&m).expect("manifest serialises");
    text.push('\n');
    Artifact::text(MANIFEST, text)
}

/// The manifest text without its `timings`, for comparing two runs.
pub fn without_timings(bytes: &[u8]) -> Option<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    v.as_object_mut()?.remove("timings");
    Some(v)
}
