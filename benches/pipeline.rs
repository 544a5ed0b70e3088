//! Benchmarks of every stage on the bundled input, the end-to-end run, and how the run scales
//! with the number of entities (synthetic input, 30 surveys).
//!
//! `cargo bench` runs everything; `cargo bench -- stages` or `-- scaling` picks a group.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use egov_report::config::Config;
use egov_report::normalise::country::Concordance;
use egov_report::render::RenderContext;
use egov_report::{Mode, no_progress};

// The same allocator as the binary, so that the numbers are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The bundled input: the 12 real UN surveys (CSV).
fn bundled() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("input")
}

/// The synthetic paper panel (CSV and XLSX surveys).
fn paper_panel() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/paper-panel/input")
}

/// A copy of the bundled input's files whose extension is `ext`.
fn subset(dir: &Path, ext: &str) -> PathBuf {
    let out = dir.join(ext);
    std::fs::create_dir_all(&out).unwrap();
    for e in std::fs::read_dir(paper_panel()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == ext) {
            std::fs::copy(&p, out.join(p.file_name().unwrap())).unwrap();
        }
    }
    out
}

fn stages(c: &mut Criterion) {
    let tmp = tempfile::tempdir().unwrap();
    let config = Config::with_defaults(bundled(), tmp.path().join("output"));
    let csv = subset(tmp.path(), "csv");
    let xlsx = subset(tmp.path(), "xlsx");
    let mut g = c.benchmark_group("stages");
    g.bench_function("ingest_csv", |b| {
        b.iter(|| egov_report::ingest::read_inputs(&csv).unwrap())
    });
    g.bench_function("ingest_xlsx", |b| {
        b.iter(|| egov_report::ingest::read_inputs(&xlsx).unwrap())
    });
    let ingested = egov_report::ingest::read_inputs(&bundled()).unwrap();
    let concordance = Arc::new(Concordance::embedded());
    g.bench_function("normalise", |b| {
        b.iter(|| egov_report::normalise::normalise(&ingested, Arc::clone(&concordance)).unwrap());
    });
    let normalised = egov_report::normalise::normalise(&ingested, concordance).unwrap();
    g.bench_function("panel", |b| {
        b.iter(|| egov_report::panel::build(&normalised, &config, None).unwrap())
    });
    let panel = egov_report::panel::build(&normalised, &config, None).unwrap();
    let named = normalised
        .concordance
        .resolve_named(&config.focus, &config.benchmarks, None)
        .unwrap();
    let settings = egov_report::analysis::settings(config.levels, &named);
    g.bench_function("analysis", |b| {
        b.iter(|| egov_report::analysis::analyse(&normalised, &panel, &settings))
    });
    let results = egov_report::analysis::analyse(&normalised, &panel, &settings);
    let product = egov_report::product::Product::new(ingested, normalised, panel, results, vec![]);
    egov_report::with_context(&config, &product, |ctx| {
        g.bench_function("render_figure_layout", |b| {
            b.iter(|| egov_report::render::charts::draw_all(ctx).unwrap())
        });
        let figures = egov_report::render::charts::draw_all(ctx)?;
        let ctx = RenderContext {
            figures: &figures,
            ..*ctx
        };
        for renderer in egov_report::renderers() {
            g.bench_function(format!("render_{}", renderer.name()), |b| {
                b.iter(|| renderer.render(&ctx).unwrap())
            });
        }
        Ok(())
    })
    .unwrap();
    g.bench_function("end_to_end", |b| {
        b.iter(|| egov_report::run(&config, Mode::Write, &no_progress).unwrap())
    });
    g.finish();
}

/// A synthetic input of `entities` x 30 surveys (CSV) and its configuration.
fn synthetic(entities: usize) -> (tempfile::TempDir, Config) {
    let tmp = tempfile::tempdir().unwrap();
    let spec = egov_report::synth::SynthSpec {
        entities,
        surveys: 30,
        xlsx: false,
        seed: 1,
    };
    egov_report::synth::write(&spec, tmp.path(), false).unwrap();
    let overrides = egov_report::config::Overrides {
        output: Some(tmp.path().join("output")),
        ..Default::default()
    };
    let config = Config::resolve(&overrides, tmp.path(), None).unwrap();
    (tmp, config)
}

fn analysis_threads(c: &mut Criterion) {
    let (_tmp, config) = synthetic(10_000);
    let prepared = egov_report::prepare(&config, &no_progress).unwrap();
    let named = prepared
        .normalised
        .concordance
        .resolve_named(&config.focus, &config.benchmarks, None)
        .unwrap();
    let settings = egov_report::analysis::settings(config.levels, &named);
    let mut g = c.benchmark_group("analysis_threads_10000x30");
    g.sample_size(20);
    for threads in [1, 2] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        g.bench_with_input(BenchmarkId::from_parameter(threads), &threads, |b, _| {
            b.iter(|| {
                pool.install(|| {
                    egov_report::analysis::analyse(&prepared.normalised, &prepared.panel, &settings)
                })
            });
        });
    }
    g.finish();
}

fn scaling(c: &mut Criterion) {
    let mut g = c.benchmark_group("scaling_end_to_end_30_surveys");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    for entities in [2_500, 5_000, 10_000, 20_000] {
        let (_tmp, config) = synthetic(entities);
        g.bench_with_input(BenchmarkId::from_parameter(entities), &entities, |b, _| {
            b.iter(|| egov_report::run(&config, Mode::Write, &no_progress).unwrap());
        });
    }
    g.finish();
}

/// The figures' PNG encodings on the bundled run's four figures: time per encoding (the sizes
/// are printed once).
fn png_encoding(c: &mut Criterion) {
    use egov_report::render::charts::{PngEncoding, encode_rgb};
    let tmp = tempfile::tempdir().unwrap();
    let config = Config::with_defaults(bundled(), tmp.path().join("output"));
    egov_report::run(&config, Mode::Write, &no_progress).unwrap();
    let figures: Vec<(u32, u32, Vec<u8>)> = (1..=4)
        .map(|n| {
            let path = tmp.path().join(format!("output/figures/figure{n}.png"));
            let file = std::io::BufReader::new(std::fs::File::open(path).unwrap());
            let decoder = png::Decoder::new(file);
            let mut reader = decoder.read_info().unwrap();
            let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
            let info = reader.next_frame(&mut pixels).unwrap();
            (info.width, info.height, pixels)
        })
        .collect();
    let mut g = c.benchmark_group("png_encoding");
    for encoding in [
        PngEncoding::Default,
        PngEncoding::Fast,
        PngEncoding::FastPaeth,
    ] {
        let bytes: usize = figures
            .iter()
            .map(|(w, h, p)| encode_rgb(*w, *h, p, encoding).unwrap().len())
            .sum();
        eprintln!("png_encoding/{encoding:?}: {bytes} bytes for the 4 figures");
        g.bench_function(format!("{encoding:?}"), |b| {
            b.iter(|| {
                for (w, h, p) in &figures {
                    encode_rgb(*w, *h, p, encoding).unwrap();
                }
            });
        });
    }
    g.finish();
}

criterion_group!(benches, stages, analysis_threads, scaling, png_encoding);
criterion_main!(benches);
