//! The `egov-report` binary: parse the command line, run the pipeline, print, exit.
//!
//! Only this file prints errors and chooses the exit code (see `error::EXIT_*`).

mod cli;

use std::io::IsTerminal as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser as _;
use egov_report::config::{Config, Lang, Overrides};
use egov_report::error::{
    EXIT_DIFFERENCES, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, Error, terminal_safe,
};
use egov_report::render::drift::Change;
use egov_report::render::manifest::Timing;
use egov_report::words::count;
use egov_report::{Mode, Summary};

use crate::cli::{Cli, Command, CommonArgs, LangArg, ProfileLang, Verbosity};

// The pipeline allocates millions of small cells and strings on large inputs; mimalloc cuts
// the end-to-end time of a 10,000 x 30 run by about a fifth compared with the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // With transparent huge pages, each first touch of mimalloc's arenas makes the kernel zero a
    // whole 2 MiB page: 45% of a 10,000 x 30 run's samples were in `clear_page_erms`. Off, the
    // run's system time halves. A kernel without the setting just keeps its default.
    #[cfg(target_os = "linux")]
    let _ = rustix::thread::disable_transparent_huge_pages(true);
    egov_report::allocator::one_c_arena();
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                EXIT_INPUT as u8
            } else {
                EXIT_OK as u8
            });
        }
    };
    let pool = match start_threads() {
        Ok(pool) => pool,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INTERNAL as u8);
        }
    };
    let code = pool.install(|| match cli.command {
        Command::Run(args) => run(&args),
        Command::Validate(args) => validate(&args),
        Command::Profile(args) => profile(&args),
        Command::Synth(args) => synth(&args),
    });
    egov_report::allocator::no_purge_at_exit();
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}

/// The most worker threads started beyond one per core, whatever `RAYON_NUM_THREADS` asks for:
/// more threads than cores only cost memory (each has its stack and allocator heap).
const MIN_THREAD_CAP: usize = 8;

/// Starts the worker threads. When the system refuses threads (a container's pids limit, a
/// huge `RAYON_NUM_THREADS`), fewer are started, down to running everything on this thread;
/// rayon would otherwise panic at the first parallel step.
fn start_threads() -> Result<rayon::ThreadPool, String> {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let requested = std::env::var("RAYON_NUM_THREADS")
        .ok()
        .and_then(|v| v.trim().parse::<usize>().ok())
        .filter(|&n| n > 0)
        .unwrap_or(cores);
    let mut threads = requested.min(cores.max(MIN_THREAD_CAP));
    loop {
        let builder = rayon::ThreadPoolBuilder::new().num_threads(threads);
        match builder.build() {
            Ok(pool) => return Ok(pool),
            Err(e) if threads == 1 => return Err(format!("cannot start the worker threads: {e}")),
            Err(_) => {
                // The threads of the failed attempt are still exiting; give them a moment.
                std::thread::sleep(std::time::Duration::from_millis(20));
                threads /= 2;
            }
        }
    }
}

fn overrides(common: &CommonArgs) -> Overrides {
    Overrides {
        config: common.config.clone(),
        input: common.input.clone(),
        focus: common.focus.clone(),
        benchmarks: common.benchmarks.clone(),
        ..Overrides::default()
    }
}

fn resolve(o: &Overrides) -> Result<Config, Error> {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    // Unset, empty and not Unicode are all "unset" here; `Config::resolve` ignores a blank value.
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok();
    Config::resolve(o, &cwd, epoch.as_deref())
}

fn report_error(e: &Error) -> i32 {
    eprintln!("error: {}", terminal_safe(&e.report()));
    e.exit_code()
}

fn run(args: &cli::RunArgs) -> i32 {
    let mut o = overrides(&args.common);
    o.output.clone_from(&args.output);
    o.reference.clone_from(&args.reference);
    o.templates.clone_from(&args.templates);
    o.lang = args.lang.map(|l| match l {
        LangArg::En => Lang::En,
        LangArg::Zh => Lang::Zh,
    });
    let config = match resolve(&o) {
        Ok(c) => c,
        Err(e) => return report_error(&e),
    };
    let verbosity = args.common.verbosity;
    let progress = Progress::new(verbosity.quiet || args.common.json);
    let mode = match (args.check, args.strict) {
        (true, _) => Mode::Check,
        (false, true) => Mode::Strict,
        (false, false) => Mode::Write,
    };
    let result = egov_report::run(&config, mode, &|stage| progress.message(stage));
    progress.finish();
    let summary = match result {
        Ok(s) => s,
        Err(e) => return report_error(&e),
    };
    if args.common.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        );
    } else if !verbosity.quiet {
        print_summary(&summary, &config, args);
    }
    print_timings(verbosity, &summary.timings);
    if args.check && !summary.changed.is_empty() {
        return EXIT_DIFFERENCES;
    }
    if args.strict && summary.differences.unwrap_or(0) > 0 {
        return EXIT_DIFFERENCES;
    }
    EXIT_OK
}

fn print_summary(s: &Summary, config: &Config, args: &cli::RunArgs) {
    for w in &s.warnings {
        eprintln!("{}", terminal_safe(w));
    }
    let years: Vec<String> = s.surveys.iter().map(ToString::to_string).collect();
    let outputs = count(s.outputs.len(), "output", "outputs");
    if args.check {
        if s.changed.is_empty() {
            eprintln!(
                "up to date: {outputs} in `{}` match",
                terminal_safe(&config.output.display().to_string())
            );
        } else {
            eprintln!(
                "{} of {outputs} in `{}` would change:",
                s.changed.len(),
                terminal_safe(&config.output.display().to_string())
            );
            for c in &s.changed {
                eprintln!("  {}", terminal_safe(c));
            }
            print_changes(&s.changes, &s.changes_omitted);
        }
    } else if !s.written {
        eprintln!(
            "`{}` left as it was: --strict and the reproduction check found differences",
            terminal_safe(&config.output.display().to_string())
        );
    } else {
        eprintln!(
            "wrote {} to `{}`: {} ({}), panel of {} ({} left out)",
            count(s.outputs.len(), "file", "files"),
            terminal_safe(&config.output.display().to_string()),
            count(s.surveys.len(), "survey", "surveys"),
            years.join(", "),
            count(s.panel_size, "country", "countries"),
            s.excluded
        );
    }
    if let Some(d) = s.differences {
        eprintln!(
            "reproduction check: {} from the reference (tables/reproduction.csv)",
            count(d, "difference", "differences")
        );
    }
}

/// The most changed cells listed per table on the terminal (`--json` lists more).
const CHANGES_SHOWN: usize = 10;

/// The changed cells, table by table: the first [`CHANGES_SHOWN`] and how many more.
fn print_changes(changes: &[Change], omitted: &std::collections::BTreeMap<String, usize>) {
    let mut tables: Vec<&str> = changes.iter().map(|c| c.table.as_str()).collect();
    tables.dedup();
    let total = changes.len() + omitted.values().sum::<usize>();
    if total == 0 {
        return;
    }
    eprintln!(
        "{} in {}:",
        count(total, "changed cell or row", "changed cells or rows"),
        count(tables.len(), "table", "tables")
    );
    for table in tables {
        let of_table: Vec<&Change> = changes.iter().filter(|c| c.table == table).collect();
        for c in of_table.iter().take(CHANGES_SHOWN) {
            eprintln!("  {}", terminal_safe(&c.describe()));
        }
        let more = of_table.len().saturating_sub(CHANGES_SHOWN) + omitted.get(table).unwrap_or(&0);
        if more > 0 {
            eprintln!("  .. and {more} more in {table}");
        }
    }
}

/// With `-v`: the time per stage, on stderr.
fn print_timings(verbosity: Verbosity, timings: &[Timing]) {
    if verbosity.verbose > 0 {
        for t in timings {
            eprintln!("  {:<24} {:>9.2} ms", t.stage, t.ms);
        }
    }
}

fn validate(args: &CommonArgs) -> i32 {
    let config = match resolve(&overrides(args)) {
        Ok(c) => c,
        Err(e) => return report_error(&e),
    };
    match egov_report::validate(&config) {
        Ok(report) => {
            if args.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&report.json).unwrap_or_default()
                );
            } else if !args.verbosity.quiet {
                print!("{}", terminal_safe(&report.text));
            }
            print_timings(args.verbosity, &report.timings);
            EXIT_OK
        }
        Err(e) => report_error(&e),
    }
}

fn profile(args: &cli::ProfileArgs) -> i32 {
    let mut o = overrides(&args.common);
    // The run's output folder (beside which the profile goes by default), as `run` would use it.
    o.output = std::env::var_os("EGOV_REPORT_OUTPUT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    let config = match resolve(&o) {
        Ok(c) => c,
        Err(e) => return report_error(&e),
    };
    let request = egov_report::ProfileRequest {
        country: args.country.clone(),
        langs: match args.lang {
            ProfileLang::En => vec![Lang::En],
            ProfileLang::Zh => vec![Lang::Zh],
            ProfileLang::All => vec![Lang::En, Lang::Zh],
        },
        output: args.output.clone(),
    };
    let progress = Progress::new(args.common.verbosity.quiet || args.common.json);
    let result = egov_report::profile(&config, &request, &|stage| progress.message(stage));
    progress.finish();
    let summary = match result {
        Ok(s) => s,
        Err(e) => return report_error(&e),
    };
    if args.common.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        );
    } else if !args.common.verbosity.quiet {
        eprintln!(
            "wrote {} to `{}`: the profile of {} ({})",
            count(summary.outputs.len(), "file", "files"),
            terminal_safe(&summary.output),
            terminal_safe(&summary.name),
            summary.iso3
        );
    }
    print_timings(args.common.verbosity, &summary.timings);
    EXIT_OK
}

fn synth(args: &cli::SynthArgs) -> i32 {
    let spec = egov_report::synth::SynthSpec {
        entities: args.countries,
        surveys: args.surveys,
        xlsx: args.xlsx,
        seed: args.seed,
    };
    let start = std::time::Instant::now();
    match egov_report::synth::write(&spec, &args.out, args.force) {
        Ok(files) => {
            if !args.verbosity.quiet {
                eprintln!(
                    "wrote {} to `{}`",
                    count(files.len(), "file", "files"),
                    terminal_safe(&args.out.display().to_string())
                );
            }
            if args.verbosity.verbose > 0 {
                for f in &files {
                    eprintln!("  {}", terminal_safe(&f.display().to_string()));
                }
            }
            let timing = Timing {
                stage: "synth".into(),
                ms: start.elapsed().as_secs_f64() * 1000.0,
            };
            print_timings(args.verbosity, &[timing]);
            EXIT_OK
        }
        Err(e) => report_error(&e),
    }
}

/// A progress bar over the stages on stderr when it is a terminal; nothing otherwise.
struct Progress(Option<indicatif::ProgressBar>);

/// The stages reported by the pipeline, in order.
const STAGES: [&str; 7] = [
    "ingest",
    "normalise",
    "panel",
    "analysis",
    "reproduction",
    "render",
    "write",
];

impl Progress {
    fn new(quiet: bool) -> Self {
        if quiet || !std::io::stderr().is_terminal() {
            return Self(None);
        }
        let bar = indicatif::ProgressBar::new(STAGES.len() as u64);
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} [{bar:20}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(100));
        Self(Some(bar))
    }

    fn message(&self, m: &str) {
        if let Some(b) = &self.0 {
            if let Some(i) = STAGES.iter().position(|s| *s == m) {
                b.set_position(i as u64);
            }
            b.set_message(m.to_string());
        }
    }

    fn finish(&self) {
        if let Some(b) = &self.0 {
            b.finish_and_clear();
        }
    }
}
