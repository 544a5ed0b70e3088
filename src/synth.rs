//! `egov-report synth`: a synthetic, UN-shaped input of any size, for measuring cost as it grows.
//!
//! Writes `N` entities x `Y` surveys as one UN Data Center CSV export (or XLSX workbook) per
//! survey, TII and HCI component files for the last two surveys, OSI stage data for three
//! surveys, `entities.csv` for the entities beyond the 193 Member States, and an
//! `egov-report.toml` that points at them. Values come from a seeded generator: the same
//! arguments always give the same bytes.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::model::Region;
use crate::normalise::country::Concordance;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SynthSpec {
    /// Number of entities (the 193 Member States first, then synthetic ones).
    pub entities: usize,
    /// Number of surveys (2001, 2003, ...; at most 50).
    pub surveys: usize,
    /// Write XLSX workbooks instead of CSV files.
    pub xlsx: bool,
    /// Seed of the generator.
    pub seed: u64,
}

/// One entity: code, name, region.
struct Entity {
    code: String,
    name: String,
    region: Region,
}

/// The file in the synthetic folder that lists, one a line, the files `synth` wrote there
/// (relative to the folder), so that `--force` removes exactly those.
pub const MARKER: &str = ".egov-report-synth";

/// Writes the synthetic input into `out` (created if needed) and returns the files written.
///
/// A folder that already holds files is refused, unless `force` is set: then the files an
/// earlier `synth` wrote (those its [`MARKER`] lists) are removed first and every other file is
/// kept.
///
/// # Errors
/// [`Error::Config`] for an impossible size or a non-empty folder without `force`;
/// [`Error::Io`] / [`Error::Render`] when a file cannot be removed or written.
pub fn write(spec: &SynthSpec, out: &Path, force: bool) -> Result<Vec<PathBuf>> {
    if spec.surveys < 2 || spec.surveys > 50 || spec.entities == 0 {
        return Err(Error::Config {
            path: PathBuf::from("command line"),
            message: "`synth` needs 1 or more entities and 2 to 50 surveys".into(),
        });
    }
    clear_folder(out, force)?;
    let written = write_files(spec, out)?;
    let mut list = String::new();
    for path in &written {
        if let Ok(rel) = path.strip_prefix(out) {
            let _ = writeln!(list, "{}", rel.to_string_lossy().replace('\\', "/"));
        }
    }
    let marker = out.join(MARKER);
    std::fs::write(&marker, list).map_err(|e| Error::io("write", &marker, e))?;
    Ok(written)
}

/// Refuses a folder with files in it, or with `force` removes what an earlier `synth` wrote.
fn clear_folder(out: &Path, force: bool) -> Result<()> {
    let has_files = std::fs::read_dir(out).is_ok_and(|mut d| d.next().is_some());
    if !has_files {
        return Ok(());
    }
    if !force {
        return Err(Error::Config {
            path: PathBuf::from("command line"),
            message: format!(
                "`--out` `{}` is not empty; choose an empty folder, or add `--force` to replace \
                 what an earlier `synth` wrote there",
                out.display()
            ),
        });
    }
    let marker = out.join(MARKER);
    let Ok(list) = std::fs::read_to_string(&marker) else {
        return Ok(());
    };
    for line in list.lines().filter(|l| !l.is_empty()) {
        // Only plain relative paths inside the folder: an edited marker cannot reach outside it.
        let rel = Path::new(line);
        if rel.is_absolute()
            || rel
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            continue;
        }
        let path = out.join(rel);
        match std::fs::remove_file(&path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(Error::io("remove", &path, e)),
        }
    }
    std::fs::remove_file(&marker).map_err(|e| Error::io("remove", &marker, e))?;
    Ok(())
}

fn write_files(spec: &SynthSpec, out: &Path) -> Result<Vec<PathBuf>> {
    let input = out.join("input");
    std::fs::create_dir_all(&input).map_err(|e| Error::io("create folder", &input, e))?;
    let conc = Concordance::embedded();
    let entities = entities(&conc, spec.entities);
    let years: Vec<u16> = (0..spec.surveys)
        .map(|i| 2001 + 2 * u16::try_from(i).unwrap_or(0))
        .collect();
    let mut rng = fastrand::Rng::with_seed(spec.seed);
    // The random draws come in a fixed order (indices, components, stages), so that a seed
    // always gives the same files.
    let values = sub_indices(&mut rng, entities.len(), years.len());
    let mut written = Vec::new();
    for (y, year) in years.iter().enumerate() {
        let rows = survey_rows(&entities, &values, y, *year);
        let name = format!("EGOV_DATA_{year}");
        written.push(write_table(
            &input,
            &name,
            spec.xlsx,
            &SURVEY_HEADER,
            &rows,
        )?);
    }
    let (tii_rows, hci_rows) = component_rows(&mut rng, &entities, &years[years.len() - 2..]);
    written.push(write_table(
        &input,
        "EGOV_TII_COMPONENTS",
        spec.xlsx,
        &TII_HEADER,
        &tii_rows,
    )?);
    written.push(write_table(
        &input,
        "EGOV_HCI_COMPONENTS",
        spec.xlsx,
        &HCI_HEADER,
        &hci_rows,
    )?);
    let stage_rows = stage_rows(&mut rng, &entities, &years[..years.len().min(3)]);
    written.push(write_table(
        &input,
        "EGOV_OSI_STAGES",
        spec.xlsx,
        &STAGE_HEADER,
        &stage_rows,
    )?);
    written.extend(config_files(
        out,
        &entities[conc.len().min(entities.len())..],
    )?);
    Ok(written)
}

const SURVEY_HEADER: [&str; 8] = [
    "Survey Year",
    "Country Name",
    "E-Government Rank",
    "E-Government Index",
    "E-Participation Index",
    "Online Service Index",
    "Human Capital Index",
    "Telecommunication Infrastructure Index",
];
const TII_HEADER: [&str; 7] = [
    "Survey Year",
    "Country Name",
    "internet_users_pct",
    "fixed_telephone_per100",
    "mobile_cellular_per100",
    "fixed_broadband_per100",
    "wireless_broadband_per100",
];
const HCI_HEADER: [&str; 6] = [
    "Survey Year",
    "Country Name",
    "adult_literacy_pct",
    "gross_enrolment_pct",
    "expected_years_schooling",
    "mean_years_schooling",
];
const STAGE_HEADER: [&str; 6] = [
    "Survey Year",
    "Country Name",
    "stage1_pct",
    "stage2_pct",
    "stage3_pct",
    "stage4_pct",
];

/// The first `n` countries of the concordance, then synthetic entities `X000193` ...
fn entities(conc: &Concordance, n: usize) -> Vec<Entity> {
    let mut entities: Vec<Entity> = conc
        .iter()
        .take(n)
        .map(|(_, c)| Entity {
            code: c.iso3.clone(),
            name: c.name_en.clone(),
            region: c.region,
        })
        .collect();
    for i in entities.len()..n {
        entities.push(Entity {
            code: format!("X{i:06}"),
            name: format!("Synthetic entity {i:06}"),
            region: Region::ALL[i % Region::ALL.len()],
        });
    }
    entities
}

/// OSI, TII, HCI per entity and survey: each starts low and drifts upwards, like the real
/// surveys; four decimals.
fn sub_indices(rng: &mut fastrand::Rng, entities: usize, surveys: usize) -> Vec<Vec<[f64; 3]>> {
    let mut values = Vec::with_capacity(entities);
    for _ in 0..entities {
        let mut v = [rng.f64() * 0.6, rng.f64() * 0.5, 0.3 + rng.f64() * 0.6];
        let mut series = Vec::with_capacity(surveys);
        for _ in 0..surveys {
            for x in &mut v {
                *x = (*x + (rng.f64() - 0.3) * 0.08).clamp(0.0, 1.0);
            }
            series.push(v.map(|x| (x * 10_000.0).round() / 10_000.0));
        }
        values.push(series);
    }
    values
}

/// One survey's rows: EGDI the mean of the sub-indices, the rank by EGDI, EPI from OSI.
fn survey_rows(
    entities: &[Entity],
    values: &[Vec<[f64; 3]>],
    y: usize,
    year: u16,
) -> Vec<Vec<Cell>> {
    let egdi: Vec<f64> = values
        .iter()
        .map(|v| ((v[y][0] + v[y][1] + v[y][2]) / 3.0 * 10_000.0).round() / 10_000.0)
        .collect();
    let mut order: Vec<usize> = (0..entities.len()).collect();
    order.sort_by(|&a, &b| egdi[b].total_cmp(&egdi[a]).then(a.cmp(&b)));
    let mut rank = vec![0usize; entities.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i] = r + 1;
    }
    entities
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let [osi, tii, hci] = values[i][y];
            vec![
                Cell::Int(i64::from(year)),
                Cell::Text(e.name.clone()),
                Cell::Int(i64::try_from(rank[i]).unwrap_or(0)),
                Cell::Num(egdi[i]),
                Cell::Num(((osi * 0.9) * 10_000.0).round() / 10_000.0),
                Cell::Num(osi),
                Cell::Num(hci),
                Cell::Num(tii),
            ]
        })
        .collect()
}

/// TII and HCI component rows for the given surveys (two decimals).
fn component_rows(
    rng: &mut fastrand::Rng,
    entities: &[Entity],
    years: &[u16],
) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let mut tii_rows = Vec::new();
    let mut hci_rows = Vec::new();
    for year in years {
        for e in entities {
            let mut r = |max: f64| Cell::Num((rng.f64() * max * 100.0).round() / 100.0);
            tii_rows.push(vec![
                Cell::Int(i64::from(*year)),
                Cell::Text(e.name.clone()),
                r(100.0),
                r(60.0),
                r(150.0),
                r(40.0),
                r(120.0),
            ]);
            hci_rows.push(vec![
                Cell::Int(i64::from(*year)),
                Cell::Text(e.name.clone()),
                r(100.0),
                r(120.0),
                r(20.0),
                r(14.0),
            ]);
        }
    }
    (tii_rows, hci_rows)
}

/// OSI stage completion rows for the given surveys (percentages, two decimals).
fn stage_rows(rng: &mut fastrand::Rng, entities: &[Entity], years: &[u16]) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for year in years {
        for e in entities {
            let mut r = || Cell::Num((rng.f64() * 10_000.0).round() / 100.0);
            rows.push(vec![
                Cell::Int(i64::from(*year)),
                Cell::Text(e.name.clone()),
                r(),
                r(),
                r(),
                r(),
            ]);
        }
    }
    rows
}

/// `egov-report.toml`, and `entities.csv` for the synthetic entities beyond the concordance.
fn config_files(out: &Path, extra: &[Entity]) -> Result<Vec<PathBuf>> {
    let mut written = Vec::new();
    let mut config =
        String::from("# Synthetic input written by `egov-report synth`.\ninput = \"input\"\n");
    if !extra.is_empty() {
        let mut csv = String::from("code,name,region\n");
        for e in extra {
            let _ = writeln!(csv, "{},{},{}", e.code, e.name, e.region);
        }
        let path = out.join("entities.csv");
        std::fs::write(&path, csv).map_err(|e| Error::io("write", &path, e))?;
        written.push(path);
        config.push_str("entities = \"entities.csv\"\n");
    }
    let path = out.join(crate::config::CONFIG_FILE);
    std::fs::write(&path, config).map_err(|e| Error::io("write", &path, e))?;
    written.push(path);
    Ok(written)
}

enum Cell {
    Int(i64),
    Num(f64),
    Text(String),
}

fn write_table(
    dir: &Path,
    stem: &str,
    xlsx: bool,
    header: &[&str],
    rows: &[Vec<Cell>],
) -> Result<PathBuf> {
    if xlsx {
        let path = dir.join(format!("{stem}.xlsx"));
        let render = |e: rust_xlsxwriter::XlsxError| Error::Render {
            output: path.display().to_string(),
            message: e.to_string(),
        };
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name(stem.chars().take(31).collect::<String>())
            .map_err(render)?;
        for (c, h) in header.iter().enumerate() {
            ws.write_string(0, u16::try_from(c).unwrap_or(0), *h)
                .map_err(render)?;
        }
        for (r, row) in rows.iter().enumerate() {
            let r = u32::try_from(r + 1).unwrap_or(u32::MAX);
            for (c, cell) in row.iter().enumerate() {
                let c = u16::try_from(c).unwrap_or(0);
                match cell {
                    #[allow(clippy::cast_precision_loss)]
                    Cell::Int(v) => ws.write_number(r, c, *v as f64),
                    Cell::Num(v) => ws.write_number(r, c, *v),
                    Cell::Text(t) => ws.write_string(r, c, t),
                }
                .map_err(render)?;
            }
        }
        wb.save(&path).map_err(render)?;
        Ok(path)
    } else {
        let path = dir.join(format!("{stem}.csv"));
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(Vec::new());
        w.write_record(header).map_err(|e| Error::Render {
            output: stem.into(),
            message: e.to_string(),
        })?;
        for row in rows {
            let fields: Vec<String> = row
                .iter()
                .map(|c| match c {
                    Cell::Int(v) => v.to_string(),
                    Cell::Num(v) => format!("{v:.4}"),
                    Cell::Text(t) => t.clone(),
                })
                .collect();
            w.write_record(&fields).map_err(|e| Error::Render {
                output: stem.into(),
                message: e.to_string(),
            })?;
        }
        let bytes = w.into_inner().map_err(|e| Error::Render {
            output: stem.into(),
            message: e.to_string(),
        })?;
        std::fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
        Ok(path)
    }
}
