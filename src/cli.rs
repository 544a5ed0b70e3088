//! The command line, parsed by clap. Validation only: no I/O, no stage types.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "Exit codes:
  0  success
  1  differences found (--check: outputs would change; --strict: reproduction differences)
  2  input error (unreadable or invalid input, configuration, reference or command line)
  3  internal error (the output could not be written or rendered)";

/// Turns UN E-Government Survey spreadsheets into an analytical report.
#[derive(Debug, Parser)]
#[command(name = "egov-report", version, about, after_help = EXIT_CODES)]
pub(crate) struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Read the input, compute every table and write the report to the output folder.
    #[command(after_help = EXIT_CODES)]
    Run(RunArgs),
    /// Read the input and report what was recognised, the panel and any errors; write nothing.
    #[command(after_help = EXIT_CODES)]
    Validate(CommonArgs),
    /// Write one country's page (indices, levels, ranks, groups, panel, findings, a figure) in
    /// Markdown and HTML to `profiles/ISO3` beside the output folder.
    #[command(after_help = EXIT_CODES)]
    Profile(ProfileArgs),
    /// Write a synthetic UN-shaped input (N entities x Y surveys) for measuring performance.
    #[command(after_help = EXIT_CODES)]
    Synth(SynthArgs),
}

/// Options of `synth`.
#[derive(Debug, Args, Clone)]
pub(crate) struct SynthArgs {
    /// Number of entities (the 193 Member States first, then synthetic ones).
    #[arg(long, default_value_t = 193)]
    pub(crate) countries: usize,
    /// Number of surveys (2 to 50).
    #[arg(long, default_value_t = 9)]
    pub(crate) surveys: usize,
    /// Folder to write (an `input/` folder, `entities.csv` and `egov-report.toml`); it must be
    /// empty or not exist.
    #[arg(long, value_name = "DIR")]
    pub(crate) out: PathBuf,
    /// Write into a folder that is not empty: first remove what an earlier `synth` wrote there.
    #[arg(long)]
    pub(crate) force: bool,
    /// Write XLSX workbooks instead of CSV files.
    #[arg(long)]
    pub(crate) xlsx: bool,
    /// Seed of the generator.
    #[arg(long, default_value_t = 1)]
    pub(crate) seed: u64,
    /// How much to print.
    #[command(flatten)]
    pub(crate) verbosity: Verbosity,
}

/// `-q` and `-v`, the same for every command.
#[derive(Debug, Args, Clone, Copy)]
pub(crate) struct Verbosity {
    /// Print nothing but errors: no warnings, no summary, no progress.
    #[arg(long, short, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
    /// Print more detail: the time per stage.
    #[arg(long, short, action = clap::ArgAction::Count)]
    pub(crate) verbose: u8,
}

/// Options shared by `run` and `validate`.
#[derive(Debug, Args, Clone)]
pub(crate) struct CommonArgs {
    /// Input folder (or a single file) [default: input]
    #[arg(long, value_name = "DIR", env = "EGOV_REPORT_INPUT")]
    pub(crate) input: Option<PathBuf>,
    /// Configuration file [default: egov-report.toml in the current folder, if present]
    #[arg(long, value_name = "FILE")]
    pub(crate) config: Option<PathBuf>,
    /// Focus country (ISO3) [default: CHN]
    #[arg(long, value_name = "ISO3")]
    pub(crate) focus: Option<String>,
    /// Benchmark countries (ISO3, comma-separated) [default: USA,AUS,GBR,CAN]
    #[arg(long, value_name = "ISO3,...", value_delimiter = ',')]
    pub(crate) benchmarks: Option<Vec<String>>,
    /// Print a machine-readable JSON summary on stdout (`docs/json-schema/`).
    #[arg(long)]
    pub(crate) json: bool,
    /// How much to print.
    #[command(flatten)]
    pub(crate) verbosity: Verbosity,
}

/// Options of `run`.
#[derive(Debug, Args, Clone)]
pub(crate) struct RunArgs {
    /// Shared options.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Output folder [default: output]
    #[arg(long, value_name = "DIR", env = "EGOV_REPORT_OUTPUT")]
    pub(crate) output: Option<PathBuf>,
    /// Report language [default: en]
    #[arg(long, value_enum)]
    pub(crate) lang: Option<LangArg>,
    /// Published tables (JSON) to compare every computed cell with.
    #[arg(long, value_name = "FILE")]
    pub(crate) reference: Option<PathBuf>,
    /// Folder of templates overriding the embedded ones, file by file.
    #[arg(long, value_name = "DIR")]
    pub(crate) templates: Option<PathBuf>,
    /// Fail (exit 1) when the reproduction check finds differences.
    #[arg(long)]
    pub(crate) strict: bool,
    /// Compute everything and compare with the existing output; write nothing; exit 1 on drift.
    #[arg(long)]
    pub(crate) check: bool,
}

/// `--lang` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LangArg {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
}

/// Options of `profile`.
#[derive(Debug, Args, Clone)]
pub(crate) struct ProfileArgs {
    /// The country: an ISO3 or ISO2 code, or a name or alias the concordance knows.
    #[arg(value_name = "ISO3")]
    pub(crate) country: String,
    /// Shared options.
    #[command(flatten)]
    pub(crate) common: CommonArgs,
    /// Folder to write [default: profiles/ISO3 beside the output folder]
    #[arg(long, value_name = "DIR")]
    pub(crate) output: Option<PathBuf>,
    /// Language of the pages.
    #[arg(long, value_enum, default_value_t = ProfileLang::All)]
    pub(crate) lang: ProfileLang,
}

/// `profile --lang` values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ProfileLang {
    /// English.
    En,
    /// Simplified Chinese.
    Zh,
    /// English and Simplified Chinese.
    All,
}
