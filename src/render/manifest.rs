//! `manifest.json`: tool version, effective config, inputs and outputs with SHA-256, counts,
//! warnings and time per stage. Everything but the `timings` object is deterministic.
//!
//! Paths are written relative to the output folder, `/`-separated, so that the manifest is the
//! same wherever the checkout sits; the configuration uses the keys of `egov-report.toml`.

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::{Artifact, RenderContext};
use crate::ingest::InputFile;

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
    sha256: &'a str,
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

/// The effective configuration as the manifest records it: the keys and spellings of
/// `egov-report.toml`, every path relative to the output folder.
#[derive(Serialize)]
struct ManifestConfig<'a> {
    config_file: Option<String>,
    input: String,
    output: String,
    language: &'static str,
    title: Option<&'a str>,
    focus: &'a str,
    benchmarks: &'a [String],
    surveys: Option<Vec<u16>>,
    required_measures: Vec<&'static str>,
    panel_countries: Option<&'a [String]>,
    representatives: usize,
    rescale_surveys: Vec<u16>,
    levels: &'a crate::analysis::levels::LevelRule,
    entities: Option<String>,
    reference: Option<String>,
    templates: Option<String>,
    source_date_epoch: i64,
}

impl<'a> ManifestConfig<'a> {
    fn new(c: &'a crate::config::Config) -> Self {
        let output = absolute(&c.output);
        let rel = |p: &Path| relative_to(&absolute(p), &output);
        let years = |ys: &[crate::model::Year]| ys.iter().map(|y| y.get()).collect();
        Self {
            config_file: c.config_file.as_deref().map(rel),
            input: rel(&c.input),
            output: ".".into(),
            language: c.lang.code(),
            title: c.title.as_deref(),
            focus: &c.focus,
            benchmarks: &c.benchmarks,
            surveys: c.surveys.as_deref().map(years),
            required_measures: c.required_measures.iter().map(|m| m.key()).collect(),
            panel_countries: c.panel_countries.as_deref(),
            representatives: c.representatives,
            rescale_surveys: years(&c.rescale_surveys),
            levels: &c.levels,
            entities: c.entities.as_deref().map(rel),
            reference: c.reference.as_deref().map(rel),
            templates: c.templates.as_deref().map(rel),
            source_date_epoch: c.source_date_epoch,
        }
    }
}

/// `path` made absolute against the current folder, with `.` and `..` resolved lexically
/// (symbolic links are left alone, so two spellings of one checkout agree).
fn absolute(path: &Path) -> PathBuf {
    let full = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = PathBuf::new();
    for c in full.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// `path` relative to the folder `base` (both absolute), `/`-separated; the absolute path when
/// they share no root (another drive).
fn relative_to(path: &Path, base: &Path) -> String {
    let (p, b): (Vec<Component<'_>>, Vec<Component<'_>>) =
        (path.components().collect(), base.components().collect());
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".into(); b.len() - common];
    parts.extend(
        p[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    if parts.is_empty() {
        ".".into()
    } else {
        parts.join("/")
    }
}

#[derive(Serialize)]
struct Manifest<'a> {
    tool: &'static str,
    version: &'static str,
    config: ManifestConfig<'a>,
    surveys: Vec<u16>,
    inputs: &'a [InputFile],
    outputs: Vec<Output<'a>>,
    counts: Counts,
    warnings: Vec<String>,
    timings: &'a [Timing],
}

/// Builds the manifest for the artifacts written in this run, each with its SHA-256 (lowercase
/// hex, as [`crate::ingest::sha256_hex`] gives it).
///
/// # Panics
/// Never in practice: serialising plain data to JSON cannot fail.
pub fn manifest(
    ctx: &RenderContext<'_>,
    artifacts: &[(Artifact, String)],
    timings: &[Timing],
) -> Artifact {
    let outputs = artifacts
        .iter()
        .map(|(a, sha256)| Output {
            path: &a.path,
            bytes: a.bytes.len(),
            sha256,
        })
        .collect();
    let m = Manifest {
        tool: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
        config: ManifestConfig::new(ctx.config),
        surveys: ctx.panel.years.iter().map(|y| y.get()).collect(),
        inputs: &ctx.provenance.files,
        outputs,
        counts: Counts {
            input_files: ctx.provenance.files.len(),
            tables_read: ctx.provenance.tables.len(),
            facts: ctx.provenance.facts,
            surveys: ctx.panel.years.len(),
            countries_in_input: ctx.panel.len() + ctx.panel.exclusions.len(),
            panel_countries: ctx.panel.len(),
            excluded_countries: ctx.panel.exclusions.len(),
            aliases_used: ctx.provenance.aliases.len(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_relative_to_the_output_folder() {
        let out = Path::new("/work/repo/output");
        assert_eq!(relative_to(Path::new("/work/repo/input"), out), "../input");
        assert_eq!(relative_to(Path::new("/work/repo/output"), out), ".");
        assert_eq!(
            relative_to(Path::new("/work/repo/output/x/y.csv"), out),
            "x/y.csv"
        );
        assert_eq!(relative_to(Path::new("/data/in"), out), "../../../data/in");
        assert_eq!(absolute(Path::new("/a/b/../c/./d")), Path::new("/a/c/d"));
    }
}
