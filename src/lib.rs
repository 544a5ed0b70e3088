//! egov-report: UN E-Government Survey spreadsheets in, an analytical report out.
//!
//! The pipeline is a staged batch job; each stage hands plain owned data to the next:
//!
//! ```text
//! input/ --ingest--> Ingested --normalise--> Normalised --panel--> Panel
//!        --analysis (rayon, one job per table/figure)--> Results
//!        --> Product (results, panel, provenance, country names; the raw data is freed)
//!        --render (csv, xlsx, md, html, svg/png, manifest)--> output/ (swapped in atomically)
//! ```
//!
//! Only `ingest`, `render` and the binary touch the disk. The contract is the project's
//! `docs/SPEC.md`; `README.md` documents the command line and the configuration.

pub mod allocator;
pub mod analysis;
pub mod config;
pub mod error;
pub mod ingest;
pub mod model;
pub mod normalise;
pub mod panel;
pub mod product;
pub mod render;
pub mod source;
pub mod synth;
pub mod validation;
pub mod words;

pub use validation::validate;

use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::analysis::Results;
use crate::config::Config;
use crate::error::{Diagnostic, Error, Result};
use crate::ingest::Ingested;
use crate::normalise::Normalised;
use crate::normalise::country::{Concordance, Named};
use crate::panel::Panel;
use crate::product::Product;
use crate::render::drift::Change;
use crate::render::manifest::Timing;
use crate::render::{Artifact, RenderContext, Renderer};

/// The version of the `--json` output of `run` and `validate`
/// (`docs/json-schema/summary.schema.json`, `docs/json-schema/validation.schema.json`).
/// It changes whenever a field is removed or changes meaning.
pub const JSON_SCHEMA_VERSION: u32 = 1;

/// Everything computed before rendering.
pub struct Prepared {
    /// Stage 1 output.
    pub ingested: Ingested,
    /// Stage 2 output.
    pub normalised: Normalised,
    /// Stage 3 output.
    pub panel: Panel,
    /// Stage 4 output.
    pub results: Results,
    /// Every warning, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Time per stage so far.
    pub timings: Vec<Timing>,
}

impl Prepared {
    /// What the renderers read, and the time per stage so far; the raw cells and the facts
    /// are freed here.
    pub fn into_product(self) -> (Product, Vec<Timing>) {
        let product = Product::new(
            self.ingested,
            self.normalised,
            self.panel,
            self.results,
            self.diagnostics,
        );
        (product, self.timings)
    }
}

/// Called with the name of each stage as it starts (drives the terminal progress display).
pub type Progress<'a> = &'a (dyn Fn(&str) + Sync);

/// A progress callback that shows nothing.
pub fn no_progress(_stage: &str) {}

fn timed<T>(
    timings: &mut Vec<Timing>,
    progress: Progress<'_>,
    stage: &str,
    f: impl FnOnce() -> Result<T>,
) -> Result<T> {
    progress(stage);
    let start = Instant::now();
    let out = f();
    timings.push(Timing {
        stage: stage.into(),
        ms: start.elapsed().as_secs_f64() * 1000.0,
    });
    out
}

/// Stages 1-3: what `run` and `validate` both read.
pub struct Loaded {
    /// Stage 1 output (the raw cells are freed once normalised).
    pub ingested: Ingested,
    /// Stage 2 output.
    pub normalised: Normalised,
    /// Stage 3 output.
    pub panel: Panel,
    /// The countries the configuration names, resolved once.
    pub named: Named,
    /// Every warning of the three stages, sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Time per stage so far.
    pub timings: Vec<Timing>,
}

/// The concordance of a run: the embedded one, with the configured extra entities.
fn concordance(config: &Config) -> Result<Concordance> {
    match &config.entities {
        Some(path) => {
            let extra = ingest::read_entities(path)?;
            Concordance::with_extra(&extra).map_err(|m| Error::Config {
                path: path.clone(),
                message: m,
            })
        }
        None => Ok(Concordance::embedded()),
    }
}

/// Runs stages 1-3: ingest, normalise, panel (the one loader of `run` and `validate`).
///
/// # Errors
/// Any input or configuration error (see [`Error`]).
pub fn load(config: &Config, progress: Progress<'_>) -> Result<Loaded> {
    let mut timings = Vec::new();
    let concordance = concordance(config)?;
    let origin = || {
        config
            .config_file
            .clone()
            .unwrap_or_else(|| "command line".into())
    };
    let named = concordance
        .resolve_named(
            &config.focus,
            &config.benchmarks,
            config.panel_countries.as_deref(),
        )
        .map_err(|messages| {
            Error::from_list(
                messages
                    .into_iter()
                    .map(|message| Error::Config {
                        path: origin(),
                        message,
                    })
                    .collect(),
            )
        })?;
    let synonyms = normalise::columns::HeaderSynonyms::new(
        config.columns.iter().map(|(k, v)| (k.as_str(), v.as_str())),
    )
    .map_err(|m| Error::Config {
        path: origin(),
        message: format!("`columns`: {m}"),
    })?;
    let mut ingested = timed(&mut timings, progress, "ingest", || {
        ingest::read_inputs(&config.input)
    })?;
    let normalised = timed(&mut timings, progress, "normalise", || {
        normalise::normalise_with(&mut ingested, Arc::new(concordance), &synonyms)
    })?;
    let panel = timed(&mut timings, progress, "panel", || {
        panel::build(&normalised, config, named.panel.as_deref())
    })?;
    let mut diagnostics: Vec<Diagnostic> = ingested
        .diagnostics
        .iter()
        .chain(&normalised.diagnostics)
        .chain(&panel.warnings)
        .cloned()
        .collect();
    if !panel
        .years
        .iter()
        .any(|&y| normalised.has_row(named.focus, y))
    {
        diagnostics.push(Diagnostic::warning(
            error::Location::none(),
            format!(
                "the focus country {} is not in the input: the report has no focus rows",
                config.focus
            ),
        ));
    }
    diagnostics.sort();
    Ok(Loaded {
        ingested,
        normalised,
        panel,
        named,
        diagnostics,
        timings,
    })
}

/// Runs stages 1-4: ingest, normalise, panel, analysis (and the reproduction check).
///
/// # Errors
/// Any input, configuration or reference error (see [`Error`]).
pub fn prepare(config: &Config, progress: Progress<'_>) -> Result<Prepared> {
    if let Some(dir) = &config.templates {
        render::report::check_overrides(dir)?;
    }
    let Loaded {
        ingested,
        normalised,
        panel,
        named,
        diagnostics,
        mut timings,
    } = load(config, progress)?;
    let mut settings = analysis::settings(config.levels, &named);
    settings.not_comparable = config
        .not_comparable
        .iter()
        .map(|n| (n.year, n.reason.clone()))
        .collect();
    settings.margin = config.sensitivity_margin;
    let mut results = timed(&mut timings, progress, "analysis", || {
        Ok(analysis::analyse(&normalised, &panel, &settings))
    })?;
    if let Some(path) = &config.reference {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io("read", path, e))?;
        let comparison = timed(&mut timings, progress, "reproduction", || {
            analysis::reproduction::compare_all(path, &text, &normalised, &results)
        })?;
        results.reproduction = Some(comparison.differences.clone());
        results.comparison = Some(comparison);
    }
    Ok(Prepared {
        ingested,
        normalised,
        panel,
        results,
        diagnostics,
        timings,
    })
}

/// The renderers of a run (the artifacts are sorted by path after).
///
/// The workbook's sheets and the figures are made first, on every thread; then the workbook's
/// save (deflating every sheet, on one thread) runs beside the tables and the report (see
/// [`render::Renderer::start`]).
pub fn renderers() -> Vec<&'static dyn Renderer> {
    vec![
        &render::workbook::Workbook,
        &render::tables::TablesCsv,
        &render::charts::Charts,
        &render::report::Report,
    ]
}

/// Renders every output, the manifest last, handing each renderer's files to `deliver` as soon
/// as that renderer is done (the workbook in parts while it is saved); the render times are
/// added to `timings`.
///
/// # Errors
/// [`Error::Render`] from a renderer, or `deliver`'s error.
pub fn render_outputs(
    config: &Config,
    product: &Product,
    timings: &mut Vec<Timing>,
    deliver: &dyn render::Deliver,
) -> Result<Vec<Artifact>> {
    let start = Instant::now();
    with_context(config, product, |ctx| {
        timings.push(Timing {
            stage: "render:shared".into(),
            ms: start.elapsed().as_secs_f64() * 1000.0,
        });
        render_with(ctx, start, timings, deliver)
    })
}

/// Calls `f` with the renderers' view of `product` as a run makes it: the output tables, the
/// catalogue of the configured language and the words the workbook shares with the report
/// (the figures are not laid out yet).
///
/// # Errors
/// A catalogue error, [`Error::Render`] for a missing message, or `f`'s error.
pub fn with_context<T>(
    config: &Config,
    product: &Product,
    f: impl FnOnce(&RenderContext<'_>) -> Result<T>,
) -> Result<T> {
    let (tables, catalogue) = rayon::join(
        || render::tidy::tables(&product.results, &product.panel, &product.countries.names),
        || render::i18n::Catalogue::load(config.lang, config.templates.as_deref()),
    );
    let catalogue = catalogue?;
    let ctx = RenderContext::new(config, product, &tables, &catalogue);
    let words = render::report::words(&ctx)?;
    f(&RenderContext {
        words: &words,
        ..ctx
    })
}

/// Lays out the figures, runs every renderer, then makes the manifest.
fn render_with(
    ctx: &RenderContext<'_>,
    start: Instant,
    timings: &mut Vec<Timing>,
    deliver: &dyn render::Deliver,
) -> Result<Vec<Artifact>> {
    let layout_start = Instant::now();
    let figures = render::charts::draw_all(ctx)?;
    let ctx = RenderContext {
        figures: &figures,
        ..*ctx
    };
    timings.push(Timing {
        stage: "render:figure_layout".into(),
        ms: layout_start.elapsed().as_secs_f64() * 1000.0,
    });
    let rendered = render::render_all(&renderers(), &ctx, deliver)?;
    let mut outputs = Vec::new();
    for r in rendered {
        timings.push(Timing {
            stage: format!("render:{}", r.name),
            ms: r.elapsed.as_secs_f64() * 1000.0,
        });
        outputs.extend(r.artifacts.into_iter().zip(r.sha256));
    }
    timings.push(Timing {
        stage: "render".into(),
        ms: start.elapsed().as_secs_f64() * 1000.0,
    });
    outputs.sort_by(|(a, _), (b, _)| a.path.cmp(&b.path));
    let manifest = render::manifest::manifest(&ctx, &outputs, timings);
    let mut artifacts: Vec<Artifact> = outputs.into_iter().map(|(a, _)| a).collect();
    artifacts.push(manifest);
    Ok(artifacts)
}

/// What a run did, for the terminal and `--json` (`docs/json-schema/summary.schema.json`).
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// [`JSON_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The survey years.
    pub surveys: Vec<u16>,
    /// Panel size.
    pub panel_size: usize,
    /// Countries left out.
    pub excluded: usize,
    /// Output files written (or compared), relative to the output folder.
    pub outputs: Vec<String>,
    /// Warnings.
    pub warnings: Vec<String>,
    /// Reproduction differences, when a reference was given.
    pub differences: Option<usize>,
    /// Whether the output folder was replaced (not with `--check`, nor with `--strict` when the
    /// reproduction check found differences).
    pub written: bool,
    /// With `--check`: outputs that would change.
    pub changed: Vec<String>,
    /// With `--check`: the table cells that would change, at most
    /// [`render::drift::MAX_PER_TABLE`] per table.
    pub changes: Vec<Change>,
    /// With `--check`: changes not listed in `changes`, by table.
    pub changes_omitted: std::collections::BTreeMap<String, usize>,
    /// Time per stage.
    pub timings: Vec<Timing>,
}

/// How a run treats the output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write the outputs (atomically).
    Write,
    /// Write the outputs unless the reproduction check finds differences (`--strict`): then the
    /// previous output stays as it was.
    Strict,
    /// Compute everything and compare with the existing outputs; write nothing.
    Check,
}

/// The whole pipeline: prepare, render, then write or check.
///
/// Before anything is read, the output folder is checked against the input and, when the run
/// writes, locked against other runs.
///
/// # Errors
/// Any [`Error`]; on error the output folder is untouched.
pub fn run(config: &Config, mode: Mode, progress: Progress<'_>) -> Result<Summary> {
    render::output::check_apart(&config.input, &config.output)?;
    let lock = match mode {
        Mode::Write | Mode::Strict => Some(render::output::OutputLock::acquire(&config.output)?),
        Mode::Check => None,
    };
    let (product, mut timings) = prepare(config, progress)?.into_product();
    // The facts and raw cells were just freed: give their pages back before rendering.
    allocator::release_freed();
    progress("render");
    let differences = product.results.reproduction.as_ref().map(Vec::len);
    // Each renderer's files go into the staging folder as soon as they are made; the folder
    // replaces the output only once every file is written and durable.
    let staging = match (&lock, mode) {
        (Some(lock), _) if mode == Mode::Write || differences.unwrap_or(0) == 0 => {
            Some(lock.stage()?)
        }
        _ => None,
    };
    let nowhere = |_: &[&Artifact]| Ok(());
    let deliver: &dyn render::Deliver = match &staging {
        Some(staging) => staging,
        None => &nowhere,
    };
    let artifacts = render_outputs(config, &product, &mut timings, deliver)?;
    let mut written = false;
    let mut drift = render::drift::Drift::default();
    let changed = match (staging, mode) {
        (Some(staging), _) => {
            progress("write");
            let start = Instant::now();
            staging.finish(&artifacts)?;
            written = true;
            timings.push(Timing {
                stage: "write".into(),
                ms: start.elapsed().as_secs_f64() * 1000.0,
            });
            Vec::new()
        }
        (_, Mode::Check) => {
            drift = render::drift::compare_tables(&config.output, &artifacts);
            render::changed_outputs(&config.output, &artifacts)
        }
        _ => Vec::new(),
    };
    drop(lock);
    Ok(Summary {
        schema_version: JSON_SCHEMA_VERSION,
        surveys: product.panel.years.iter().map(|y| y.get()).collect(),
        panel_size: product.panel.len(),
        excluded: product.panel.exclusions.len(),
        outputs: artifacts.iter().map(|a| a.path.clone()).collect(),
        warnings: product
            .diagnostics
            .iter()
            .map(ToString::to_string)
            .collect(),
        differences,
        written,
        changed,
        changes: drift.changes,
        changes_omitted: drift.omitted,
        timings,
    })
}

/// What `profile` is asked for.
#[derive(Debug, Clone)]
pub struct ProfileRequest {
    /// An ISO3 or ISO2 code, or a name or alias the concordance knows.
    pub country: String,
    /// The languages of the pages, in output order.
    pub langs: Vec<config::Lang>,
    /// The folder to write; `None` for `profiles/ISO3` beside the run's output folder.
    pub output: Option<std::path::PathBuf>,
}

/// The profile of one country: prepare as `run` does, then render its pages and write them
/// through the same locked, atomic output as `run`.
///
/// The folder is refused when it overlaps the input or the run's output folder (which a run
/// replaces whole); a given folder is checked before anything is read.
///
/// # Errors
/// Any [`Error`] of [`prepare`]; [`Error::ProfileCountryUnknown`]; [`Error::OutputOverlapsInput`],
/// [`Error::OutputOverlapsRunOutput`]; the output errors of [`render::output::OutputLock`].
pub fn profile(
    config: &Config,
    request: &ProfileRequest,
    progress: Progress<'_>,
) -> Result<render::profile::ProfileSummary> {
    let check = |output: &std::path::Path| {
        render::output::check_apart(&config.input, output)?;
        render::output::check_apart_from_run(&config.output, output)
    };
    if let Some(output) = &request.output {
        check(output)?;
    }
    let prepared = prepare(config, progress)?;
    let country =
        analysis::profile::find_country(&prepared.normalised.concordance, &request.country)?;
    let output = request.output.clone().unwrap_or_else(|| {
        let parent = config.output.parent().unwrap_or(std::path::Path::new("."));
        parent
            .join("profiles")
            .join(&prepared.normalised.concordance.get(country).iso3)
    });
    check(&output)?;
    let lock = render::output::OutputLock::acquire(&output)?;
    progress("render");
    let profile = analysis::profile::profile(
        &prepared.normalised,
        &prepared.panel,
        &prepared.results,
        country,
    );
    let (product, mut timings) = prepared.into_product();
    let catalogue = render::i18n::Catalogue::load(config.lang, config.templates.as_deref())?;
    // The profile draws its own figure and reads no output table.
    let ctx = RenderContext::new(config, &product, &[], &catalogue);
    let start = Instant::now();
    let artifacts = render::profile::render(&ctx, &profile, &request.langs)?;
    timings.push(Timing {
        stage: "render".into(),
        ms: start.elapsed().as_secs_f64() * 1000.0,
    });
    progress("write");
    let start = Instant::now();
    lock.write(&artifacts)?;
    timings.push(Timing {
        stage: "write".into(),
        ms: start.elapsed().as_secs_f64() * 1000.0,
    });
    let mut summary = render::profile::summary(&ctx, &profile, &output, &artifacts);
    summary.timings = timings;
    Ok(summary)
}
