//! The integration suite: one binary, one module per concern. See `README.md` beside this file.

mod common;

// Stage 1-3: reading the bundled and the real UN inputs, the panel, every error kind.
mod ingest;
// The bundled real data against an independent recount; one small file per real-data rule.
mod real_data;
// Stage 4: tables against the expected CSVs, reproduction, properties, thread independence.
mod analysis;
// Measures as data: `analysed_measures`, `required_measures`, a missing value never low.
mod measures;
// Stage 5: workbook, figures, reports, manifest, determinism, atomic output.
mod outputs;
mod outputs_report;
// The report's sections on country groups, ranks and robustness against the tidy CSVs.
mod outputs_beyond;
mod outputs_workbook;
// The command line: exit codes, --json, --check, configuration.
mod cli;
// `profile`: one country's page against the tables of a run, its languages and refusals.
mod profile;
// Hostile input: every corpus case fails cleanly, naming the place, leaving output untouched.
mod hostile;
// Never lose data, crash or hang: the output swap, special files, limits, injection, config.
mod outputs_charts;
mod outputs_story;
mod safety;
// The documented CI workflow: a moved checkout, the workflow's steps, cell drift, JSON schemas.
mod ci;
// What each command prints: -q/-v, counts in words, synth folders, SOURCE_DATE_EPOCH.
mod cli_messages;
