//! `egov-report validate`: what was read, the panel it gives, and why countries are left out.
//!
//! Runs stages 1-3 and lays out what they found as text (for a terminal) and JSON (for CI,
//! `docs/json-schema/validation.schema.json`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::Loaded;
use crate::config::Config;
use crate::error::Result;
use crate::ingest::FileKind;
use crate::model::Region;
use crate::normalise::{TableShape, YearSource};
use crate::render::manifest::Timing;
use crate::words::count;

/// The validation report.
pub struct ValidationReport {
    /// Human-readable text.
    pub text: String,
    /// The same as JSON.
    pub json: serde_json::Value,
    /// Time per stage.
    pub timings: Vec<Timing>,
}

/// How the text report names a kind of file.
fn file_kind_word(kind: FileKind) -> &'static str {
    match kind {
        FileKind::Csv => "CSV",
        FileKind::Workbook => "workbook",
        FileKind::Skipped => "not data, skipped",
    }
}

/// How the text report names a table shape.
fn shape_word(shape: TableShape) -> &'static str {
    match shape {
        TableShape::Wide => "wide",
        TableShape::Long => "long",
        TableShape::YearColumns => "one column per year",
        TableShape::CountryReference => "country reference",
        TableShape::Skipped => "skipped",
    }
}

/// Where the year came from, as the JSON writes it (`sheet_name`).
fn year_source_key(source: YearSource) -> &'static str {
    match source {
        YearSource::Column => "column",
        YearSource::Header => "header",
        YearSource::SheetName => "sheet_name",
        YearSource::FileName => "file_name",
    }
}

#[derive(Serialize)]
struct TableLine {
    file: String,
    sheet: Option<String>,
    shape: TableShape,
    header_row: Option<u32>,
    year_from: Option<String>,
    years: Vec<u16>,
    countries: usize,
    measures: Vec<&'static str>,
}

#[derive(Serialize)]
struct Json {
    schema_version: u32,
    files: usize,
    tables: Vec<TableLine>,
    surveys: BTreeMap<u16, usize>,
    panel_size: usize,
    panel_by_region: BTreeMap<String, usize>,
    exclusions: Vec<(String, String)>,
    aliases: Vec<(String, String)>,
    region_notes: usize,
    warnings: Vec<String>,
}

/// Reads and checks the input without writing anything.
///
/// # Errors
/// Any input error, as `run` would report it.
pub fn validate(config: &Config) -> Result<ValidationReport> {
    let loaded = crate::load(config, &crate::no_progress)?;
    let json = summary(&loaded);
    let text = text(config, &loaded, &json);
    Ok(ValidationReport {
        text,
        json: serde_json::to_value(&json).unwrap_or_default(),
        timings: loaded.timings,
    })
}

/// What the three stages found, as the JSON gives it.
fn summary(loaded: &Loaded) -> Json {
    let Loaded {
        ingested,
        normalised,
        panel,
        diagnostics,
        ..
    } = loaded;
    let conc = &normalised.concordance;
    let named = |c| format!("{} {}", conc.get(c).iso3, conc.get(c).name_en);
    let tables = normalised
        .tables
        .iter()
        .map(|t| TableLine {
            file: t.table.file.clone(),
            sheet: t.table.sheet.clone(),
            shape: t.shape,
            header_row: t.header_row,
            year_from: t.year_source.map(|s| year_source_key(s).to_string()),
            years: t.years.iter().map(|y| y.get()).collect(),
            countries: t.countries,
            measures: t.measures.iter().map(|m| m.key()).collect(),
        })
        .collect();
    let mut surveys: BTreeMap<u16, usize> = BTreeMap::new();
    for &(_, year) in &normalised.rows_seen {
        if panel.years.contains(&year) {
            *surveys.entry(year.get()).or_default() += 1;
        }
    }
    let panel_by_region = Region::ALL
        .iter()
        .map(|r| {
            (
                r.to_string(),
                panel.regions.iter().filter(|x| *x == r).count(),
            )
        })
        .collect();
    let exclusions = panel
        .exclusions
        .iter()
        .map(|e| {
            let gaps: Vec<String> = e.gaps.iter().map(crate::panel::Gap::describe).collect();
            (named(e.country), gaps.join("; "))
        })
        .collect();
    let aliases = normalised
        .aliases
        .iter()
        .map(|a| (a.written.clone(), named(a.country)))
        .collect();
    Json {
        schema_version: crate::JSON_SCHEMA_VERSION,
        files: ingested.files.len(),
        tables,
        surveys,
        panel_size: panel.len(),
        panel_by_region,
        exclusions,
        aliases,
        region_notes: normalised.region_notes.len(),
        warnings: diagnostics.iter().map(ToString::to_string).collect(),
    }
}

/// The summary as text for a terminal.
fn text(config: &Config, loaded: &Loaded, json: &Json) -> String {
    let conc = &loaded.normalised.concordance;
    let mut text = String::new();
    let _ = writeln!(
        text,
        "read {} from `{}`",
        count(loaded.ingested.files.len(), "file", "files"),
        config.input.display()
    );
    for f in &loaded.ingested.files {
        let _ = writeln!(
            text,
            "  {} ({}, {})",
            f.name,
            file_kind_word(f.kind),
            count(
                usize::try_from(f.bytes).unwrap_or(usize::MAX),
                "byte",
                "bytes"
            )
        );
    }
    let _ = writeln!(text, "tables:");
    for t in &json.tables {
        let _ = writeln!(text, "  {}", table_line(t));
    }
    let _ = writeln!(text, "surveys (countries with a row):");
    for (y, n) in &json.surveys {
        let _ = writeln!(text, "  {y}: {n}");
    }
    let regions: Vec<String> = json
        .panel_by_region
        .iter()
        .map(|(r, n)| format!("{r} {n}"))
        .collect();
    let _ = writeln!(
        text,
        "panel: {} ({})",
        count(json.panel_size, "country", "countries"),
        regions.join(", ")
    );
    let _ = writeln!(text, "left out: {}", json.exclusions.len());
    for (c, why) in &json.exclusions {
        let _ = writeln!(text, "  {c}: {why}");
    }
    let _ = writeln!(text, "aliases used: {}", json.aliases.len());
    for (w, c) in &json.aliases {
        let _ = writeln!(text, "  `{w}` -> {c}");
    }
    let _ = writeln!(text, "region notes: {}", json.region_notes);
    for n in &loaded.normalised.region_notes {
        let _ = writeln!(
            text,
            "  {} {}: `{}` at {}; {} is used",
            conc.get(n.country).iso3,
            conc.get(n.country).name_en,
            n.written,
            n.source,
            n.used
        );
    }
    for w in &json.warnings {
        let _ = writeln!(text, "{w}");
    }
    text
}

/// One table's line: `file [sheet]: wide, header row 1, year from column, years ..., ...`.
fn table_line(t: &TableLine) -> String {
    let place = match &t.sheet {
        Some(s) => format!("{} [{s}]", t.file),
        None => t.file.clone(),
    };
    let years: Vec<String> = t.years.iter().map(ToString::to_string).collect();
    let or_dash = |list: String| if list.is_empty() { "-".into() } else { list };
    format!(
        "{place}: {}, header row {}, year from {}, years {}, {}, measures {}",
        shape_word(t.shape),
        t.header_row.map_or_else(|| "-".into(), |r| r.to_string()),
        t.year_from
            .as_deref()
            .map_or("-".into(), |y| y.replace('_', " ")),
        or_dash(years.join(",")),
        count(t.countries, "country", "countries"),
        or_dash(t.measures.join(",")),
    )
}
