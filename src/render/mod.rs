//! Stage 5: turn the results into files.
//!
//! Consumes a [`RenderContext`] (read-only views of the analysis [`Product`]); each [`Renderer`]
//! returns [`Artifact`]s (a relative path and bytes). Renderers recompute nothing: they only
//! lay out what `analysis` produced. Each renderer's files go to a [`Deliver`] (the output's
//! staging folder) as soon as they are made, the workbook while it is saved; the staging folder
//! replaces the output folder at the end ([`output::Staging`], [`write_atomically`]).

pub mod charts;
pub mod deliver;
pub mod drift;
pub mod i18n;
pub mod manifest;
mod markdown;
pub mod output;
pub mod profile;
pub mod report;
pub mod tables;
pub mod tidy;
pub mod workbook;

use std::path::Path;

use rayon::prelude::*;

use crate::analysis::Results;
use crate::config::Config;
use crate::error::{Diagnostic, Result};
use crate::panel::Panel;
use crate::product::{Countries, Product, Provenance};

pub use deliver::{Deliver, Outlet, PartWriter};

/// Series colours of the benchmarks in the figures and the workbook's charts, so that a country
/// has the same colour in both: Okabe-Ito hues muted towards grey, so that the focus country
/// stands out, still apart from each other and legible as text on white (4.5:1 or more).
pub(crate) const SERIES_COLOURS: [u32; 5] = [0x4F6F8F, 0x4F7F6A, 0x8F5F80, 0x5F5F5F, 0x8A6A2A];
/// The focus country's colour (Okabe-Ito vermillion).
pub(crate) const FOCUS_COLOUR: u32 = 0xD55E00;

/// A text cell as the tidy CSVs and the workbook write it: text starting with `=`, `+`, `-`, `@`,
/// tab or carriage return gets a leading `'`, so that a spreadsheet opening the file never runs
/// it as a formula (OWASP, "CSV Injection"). Numbers written as text (`-0.25`) stay as they are.
pub(crate) fn spreadsheet_safe(text: &str) -> std::borrow::Cow<'_, str> {
    let risky = text.starts_with(['=', '+', '-', '@', '\t', '\r']);
    if risky && text.trim().parse::<f64>().is_err() {
        format!("'{text}").into()
    } else {
        text.into()
    }
}

/// Everything a renderer may look at: views of one [`Product`], with what is made from it once
/// per run for every renderer.
pub struct RenderContext<'a> {
    /// The effective configuration.
    pub config: &'a Config,
    /// Every table and figure.
    pub results: &'a Results,
    /// The panel and its exclusions.
    pub panel: &'a Panel,
    /// The files, tables, aliases and oddities read.
    pub provenance: &'a Provenance,
    /// The countries' names and regions.
    pub countries: &'a Countries,
    /// Warnings of all stages, sorted.
    pub diagnostics: &'a [Diagnostic],
    /// The output tables ([`tidy::tables`]), built once for every renderer.
    pub tables: &'a [tidy::Table<'a>],
    /// The message catalogue of the report language, loaded once per run.
    pub catalogue: &'a i18n::Catalogue,
    /// The report's words that the workbook shares ([`report::words`]), made once per
    /// catalogue; [`report::NO_WORDS`] until they are.
    pub words: &'a report::Words,
    /// The figures, laid out once ([`charts::draw_all`]); empty until they are.
    pub figures: &'a [charts::Drawn],
}

impl<'a> RenderContext<'a> {
    /// The view of `product` in the catalogue's language, before its words and figures are made.
    pub fn new(
        config: &'a Config,
        product: &'a Product,
        tables: &'a [tidy::Table<'a>],
        catalogue: &'a i18n::Catalogue,
    ) -> Self {
        Self {
            config,
            results: &product.results,
            panel: &product.panel,
            provenance: &product.provenance,
            countries: &product.countries,
            diagnostics: &product.diagnostics,
            tables,
            catalogue,
            words: &report::NO_WORDS,
            figures: &[],
        }
    }

    /// The output table named `name` (`table4`, `figure1`, ...).
    ///
    /// # Panics
    /// When no table has that name (every schema's table is built, so a programming error).
    pub fn table(&self, name: &str) -> &tidy::Table<'_> {
        self.tables
            .iter()
            .find(|t| t.name == name)
            .unwrap_or_else(|| panic!("no output table `{name}`"))
    }
}

/// One output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// Path relative to the output folder, `/`-separated.
    pub path: String,
    /// The contents.
    pub bytes: Vec<u8>,
}

impl Artifact {
    /// An artifact from text.
    pub fn text(path: impl Into<String>, text: String) -> Self {
        Self {
            path: path.into(),
            bytes: text.into_bytes(),
        }
    }
}

/// A producer of output files.
pub trait Renderer: Sync {
    /// A short name for progress and timings.
    fn name(&self) -> &'static str;
    /// Renders the files.
    ///
    /// # Errors
    /// [`crate::error::Error::Render`] naming the output.
    fn render(&self, ctx: &RenderContext<'_>) -> Result<Vec<Artifact>>;
    /// Does the part of the rendering that must not wait for a thread, and returns the rest.
    /// [`render_all`] runs every renderer's start first, then every rest. Two kinds of work
    /// start: the parallel part of work that ends on one thread (the workbook's sheets, before
    /// its save), and work made of short jobs whose number does not grow with the panel (the
    /// figures). Long single jobs (a CSV per table) wait for the rest, so they can no longer
    /// hold a thread that the workbook's largest sheets need: at 10,000 x 30 entities the
    /// second-largest sheet started a fifth of a second late behind them. By default the whole
    /// rendering is the rest.
    ///
    /// # Errors
    /// As [`Renderer::render`].
    fn start<'a>(&'a self, ctx: &'a RenderContext<'a>) -> Result<Rest<'a>> {
        Ok(Box::new(move |_| self.render(ctx)))
    }
}

/// What is left of a renderer's work after [`Renderer::start`]. It may write a large file as
/// it makes it, through the [`Outlet`].
pub type Rest<'a> = Box<dyn FnOnce(&Outlet<'_>) -> Result<Vec<Artifact>> + Send + 'a>;

/// What one renderer made.
#[derive(Debug)]
pub struct Rendered {
    /// The renderer's name.
    pub name: &'static str,
    /// Its time, without the delivery and the hashing (but for the files it wrote through its
    /// [`Outlet`], written and hashed as they were made).
    pub elapsed: std::time::Duration,
    /// Its files.
    pub artifacts: Vec<Artifact>,
    /// The SHA-256 of each file (lowercase hex), in the same order. Hashed on the renderer's
    /// thread as soon as it is done, while the others still render: the manifest, made after
    /// the last one, then hashes nothing on the run's critical path.
    pub sha256: Vec<String>,
}

/// Runs renderers in parallel, handing each one's files to `deliver` when it is done: first
/// every renderer's [`Renderer::start`], then every rest.
///
/// # Errors
/// The first renderer or delivery error in renderer order.
pub fn render_all<'a>(
    renderers: &[&'a dyn Renderer],
    ctx: &'a RenderContext<'a>,
    deliver: &dyn Deliver,
) -> Result<Vec<Rendered>> {
    let started: Vec<Result<(&dyn Renderer, Rest<'_>, std::time::Duration)>> = renderers
        .par_iter()
        .map(|r| {
            let start = std::time::Instant::now();
            let rest = r.start(ctx)?;
            Ok((*r, rest, start.elapsed()))
        })
        .collect();
    let started = started.into_iter().collect::<Result<Vec<_>>>()?;
    let results: Vec<Result<Rendered>> = started
        .into_par_iter()
        .map(|(r, rest, ahead)| {
            let start = std::time::Instant::now();
            let outlet = Outlet::new(deliver);
            let artifacts = rest(&outlet)?;
            let elapsed = ahead + start.elapsed();
            let streamed: Vec<Option<String>> =
                artifacts.iter().map(|a| outlet.streamed(&a.path)).collect();
            let made: Vec<&Artifact> = artifacts
                .iter()
                .zip(&streamed)
                .filter(|(_, sha)| sha.is_none())
                .map(|(a, _)| a)
                .collect();
            // The files are written and hashed at once: for the last renderer, nothing else is
            // left to run on the other threads.
            let (delivered, sha256) = rayon::join(
                || deliver.deliver(&made),
                || {
                    artifacts
                        .par_iter()
                        .zip(streamed)
                        .map(|(a, sha)| sha.unwrap_or_else(|| crate::ingest::sha256_hex(&a.bytes)))
                        .collect()
                },
            );
            delivered?;
            Ok(Rendered {
                name: r.name(),
                elapsed,
                artifacts,
                sha256,
            })
        })
        .collect();
    results.into_iter().collect()
}

/// Locks `output`, writes the artifacts into a staging folder beside it and swaps it in (see
/// [`output::OutputLock`]).
///
/// # Errors
/// [`crate::error::Error::OutputUnusable`] when `output` exists and is not a folder or is locked
/// by another run; [`crate::error::Error::Io`] naming the path that could not be written.
pub fn write_atomically(output: &Path, artifacts: &[Artifact]) -> Result<()> {
    output::OutputLock::acquire(output)?.write(artifacts)
}

/// With `--check`: the outputs that differ from the files in `output` (the manifest compared
/// without its timings), plus files in `output` that the run would not write.
pub fn changed_outputs(output: &Path, artifacts: &[Artifact]) -> Vec<String> {
    let mut changed = Vec::new();
    for a in artifacts {
        let existing = std::fs::read(output.join(&a.path)).ok();
        let same = match &existing {
            None => false,
            Some(old) if a.path == manifest::MANIFEST => {
                manifest::without_timings(old).is_some()
                    && manifest::without_timings(old) == manifest::without_timings(&a.bytes)
            }
            Some(old) => *old == a.bytes,
        };
        if !same {
            changed.push(if existing.is_none() {
                format!("{} (new)", a.path)
            } else {
                a.path.clone()
            });
        }
    }
    let mut on_disk = Vec::new();
    list_files(output, output, &mut on_disk);
    for path in on_disk {
        if !path.starts_with('.') && !artifacts.iter().any(|a| a.path == path) {
            changed.push(format!("{path} (no longer written)"));
        }
    }
    changed
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            list_files(root, &path, out);
        } else if let Ok(rel) = path.strip_prefix(root) {
            out.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::sync::Mutex;

    /// Records what it does; `ahead` renderers do their work in [`Renderer::start`].
    struct Recorder<'a> {
        name: &'static str,
        ahead: bool,
        fail: bool,
        log: &'a Mutex<Vec<String>>,
    }

    impl Recorder<'_> {
        fn work(&self, phase: &str) -> Result<Vec<Artifact>> {
            self.log
                .lock()
                .unwrap()
                .push(format!("{} {phase}", self.name));
            // Long enough for the other thread to take the next renderer meanwhile.
            std::thread::sleep(std::time::Duration::from_millis(20));
            if self.fail {
                return Err(crate::error::Error::Render {
                    output: self.name.into(),
                    message: "failed".into(),
                });
            }
            Ok(vec![Artifact::text(self.name, phase.into())])
        }
    }

    impl Renderer for Recorder<'_> {
        fn name(&self) -> &'static str {
            self.name
        }
        fn render(&self, _: &RenderContext<'_>) -> Result<Vec<Artifact>> {
            self.work("rest")
        }
        fn start<'a>(&'a self, ctx: &'a RenderContext<'a>) -> Result<Rest<'a>> {
            if !self.ahead {
                return Ok(Box::new(move |_| self.render(ctx)));
            }
            let done = self.work("start")?;
            Ok(Box::new(move |_| Ok(done)))
        }
    }

    pub(crate) fn with_bundled_context(f: impl FnOnce(&RenderContext<'_>)) {
        let input = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("input");
        let out = tempfile::tempdir().unwrap();
        let config = crate::config::Config::with_defaults(input, out.path().join("output"));
        let (product, _) = crate::prepare(&config, &crate::no_progress)
            .unwrap()
            .into_product();
        crate::with_context(&config, &product, |ctx| {
            f(ctx);
            Ok(())
        })
        .unwrap();
    }

    /// Every renderer's start runs before any rest, whatever the order of the renderers and
    /// however many threads there are; each renderer's files come back in renderer order.
    #[test]
    fn every_start_runs_before_any_rest() {
        with_bundled_context(|ctx| {
            let log = Mutex::new(Vec::new());
            let r = |name, ahead| Recorder {
                name,
                ahead,
                fail: false,
                log: &log,
            };
            let (a, b, c, d) = (r("a", false), r("b", true), r("c", false), r("d", true));
            let renderers: [&dyn Renderer; 4] = [&a, &b, &c, &d];
            let delivered = Mutex::new(Vec::new());
            let deliver = |files: &[&Artifact]| {
                delivered
                    .lock()
                    .unwrap()
                    .extend(files.iter().map(|f| f.path.clone()));
                Ok(())
            };
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(2)
                .build()
                .unwrap();
            let rendered = pool
                .install(|| render_all(&renderers, ctx, &deliver))
                .unwrap();
            let names: Vec<_> = rendered.iter().map(|r| r.name).collect();
            assert_eq!(names, ["a", "b", "c", "d"]);
            let log = log.into_inner().unwrap();
            let first_rest = log.iter().position(|e| e.ends_with("rest")).unwrap();
            assert!(
                log[..first_rest].len() == 2
                    && log[first_rest..].iter().all(|e| e.ends_with("rest")),
                "{log:?}"
            );
            let mut delivered = delivered.into_inner().unwrap();
            delivered.sort();
            assert_eq!(delivered, ["a", "b", "c", "d"]);
        });
    }

    /// A renderer that streams a file: it also returns a file made whole.
    struct Streamer;

    impl Renderer for Streamer {
        fn name(&self) -> &'static str {
            "streamer"
        }
        fn render(&self, _: &RenderContext<'_>) -> Result<Vec<Artifact>> {
            unreachable!("render_all runs the rest")
        }
        fn start<'a>(&'a self, _: &'a RenderContext<'a>) -> Result<Rest<'a>> {
            Ok(Box::new(|outlet| {
                let big = outlet.stream("big.bin", |out| {
                    out.write_all(&vec![7u8; 3 << 20]).unwrap();
                    Ok(())
                })?;
                Ok(vec![Artifact::text("small.txt", "small".into()), big])
            }))
        }
    }

    /// A file written in parts is not delivered again, and its SHA-256 is that of its bytes, as
    /// for the files delivered whole.
    #[test]
    fn a_streamed_file_is_hashed_and_not_delivered_again() {
        with_bundled_context(|ctx| {
            let recording = deliver::tests::Recording::default();
            let rendered = render_all(&[&Streamer], ctx, &recording).unwrap();
            assert_eq!(*recording.delivered.lock().unwrap(), ["small.txt"]);
            assert_eq!(*recording.finished.lock().unwrap(), ["big.bin"]);
            assert_eq!(recording.parts.lock().unwrap().concat(), vec![7u8; 3 << 20]);
            let r = &rendered[0];
            let hashes: Vec<String> = r
                .artifacts
                .iter()
                .map(|a| crate::ingest::sha256_hex(&a.bytes))
                .collect();
            assert_eq!(r.sha256, hashes);
            assert_eq!(r.artifacts[1].bytes.len(), 3 << 20);
        });
    }

    /// A start that fails fails the run before any rest runs or any file is delivered.
    #[test]
    fn a_failed_start_runs_no_rest() {
        with_bundled_context(|ctx| {
            let log = Mutex::new(Vec::new());
            let ok = Recorder {
                name: "ok",
                ahead: false,
                fail: false,
                log: &log,
            };
            let failing = Recorder {
                name: "failing",
                ahead: true,
                fail: true,
                log: &log,
            };
            let deliver = |_: &[&Artifact]| panic!("nothing may be delivered");
            let err = render_all(&[&ok, &failing], ctx, &deliver).unwrap_err();
            assert!(err.to_string().contains("failing"), "{err}");
            assert_eq!(log.into_inner().unwrap(), ["failing start"]);
        });
    }

    #[test]
    fn formula_like_text_gets_a_quote_and_numbers_do_not() {
        assert_eq!(spreadsheet_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(spreadsheet_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(spreadsheet_safe("+1+1"), "'+1+1");
        assert_eq!(spreadsheet_safe("\tx"), "'\tx");
        assert_eq!(spreadsheet_safe("-0.25"), "-0.25");
        assert_eq!(spreadsheet_safe("China"), "China");
    }
}
