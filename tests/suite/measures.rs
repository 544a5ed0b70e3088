//! Measures as data: the analysed indices are a configured list (`analysed_measures`), separate
//! from the measures a panel country needs (`required_measures`); a missing analysed value is
//! counted as missing, never as low, and adding an index changes only what is about that index.

use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;

use crate::common::{bundled_input, copy_dir, run_bin, scratch, stderr};

fn csv_rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let mut rows = vec![reader.headers().unwrap().iter().map(String::from).collect()];
    rows.extend(
        reader
            .records()
            .map(|r| r.unwrap().iter().map(String::from).collect()),
    );
    rows
}

/// Runs `run` on `input` with a configuration file holding `config`; returns the output folder.
fn run_with(dir: &Path, input: &Path, config: &str) -> std::path::PathBuf {
    let file = dir.join("egov-report.toml");
    std::fs::write(&file, config).unwrap();
    let out = dir.join("output");
    let o = run_bin(
        dir,
        &[
            "run",
            "--quiet",
            "--config",
            file.to_str().unwrap(),
            "--input",
            input.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    assert!(o.status.success(), "run failed: {}", stderr(&o));
    out
}

/// The bundled input with the OSI of the first `n` countries of the 2020 file blanked.
fn input_without_some_osi(dir: &Path, n: usize) -> (std::path::PathBuf, Vec<String>) {
    let input = dir.join("input");
    copy_dir(&bundled_input(), &input);
    let file = input.join("EGOV_DATA_2020.csv");
    let mut reader = csv::Reader::from_path(&file).unwrap();
    let headers = reader.headers().unwrap().clone();
    let osi = headers
        .iter()
        .position(|h| h == "Online Service Index")
        .unwrap();
    let mut writer = csv::Writer::from_path(input.join("EGOV_DATA_2020.new")).unwrap();
    writer.write_record(&headers).unwrap();
    let mut blanked = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let mut fields: Vec<String> = record.unwrap().iter().map(String::from).collect();
        if i < n {
            blanked.push(fields[1].trim().to_string());
            fields[osi] = String::new();
        }
        writer.write_record(&fields).unwrap();
    }
    writer.flush().unwrap();
    drop(writer);
    std::fs::rename(input.join("EGOV_DATA_2020.new"), &file).unwrap();
    (input, blanked)
}

/// Every text output and every workbook part, for a search for `NaN`.
fn every_text(out: &Path) -> Vec<(String, String)> {
    let mut texts = Vec::new();
    for entry in walk(out) {
        let name = entry.strip_prefix(out).unwrap().display().to_string();
        if name.ends_with(".xlsx") {
            let mut zip = zip::ZipArchive::new(std::fs::File::open(&entry).unwrap()).unwrap();
            for i in 0..zip.len() {
                let mut part = zip.by_index(i).unwrap();
                let mut text = String::new();
                if part.read_to_string(&mut text).is_ok() {
                    texts.push((format!("{name}:{}", part.name().unwrap()), text));
                }
            }
        } else if let Ok(text) = std::fs::read_to_string(&entry) {
            texts.push((name, text));
        }
    }
    texts
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out.sort();
    out
}

#[test]
fn with_only_egdi_required_a_missing_index_is_counted_as_missing_never_as_low() {
    let dir = scratch();
    let (input, blanked) = input_without_some_osi(dir.path(), 5);
    let strict = scratch();
    let strict_out = run_with(strict.path(), &input, "");
    let out = run_with(dir.path(), &input, "required_measures = [\"EGDI\"]\n");

    let panel_size = |out: &Path| {
        csv_rows(&out.join("tables/panel.csv"))[1..]
            .iter()
            .map(|r| r[0].clone())
            .collect::<BTreeSet<_>>()
            .len()
    };
    // With OSI required the blanked panel countries leave the panel; with EGDI alone they stay.
    let wide = panel_size(&out);
    let dropped = wide - panel_size(&strict_out);
    assert!(dropped > 0 && dropped <= blanked.len(), "{blanked:?}");

    let table3 = csv_rows(&out.join("tables/table3.csv"));
    assert_eq!(
        table3[0],
        [
            "year",
            "index",
            "very_high",
            "high",
            "medium",
            "low",
            "missing"
        ]
    );
    let mut missing_2020_osi = None;
    for row in &table3[1..] {
        let counts: Vec<usize> = row[2..].iter().map(|c| c.parse().unwrap()).collect();
        assert_eq!(counts.iter().sum::<usize>(), wide, "{row:?}");
        if row[0] == "2020" && row[1] == "OSI" {
            missing_2020_osi = Some(counts[4]);
        } else {
            assert_eq!(counts[4], 0, "{row:?}");
        }
    }
    assert_eq!(missing_2020_osi, Some(dropped));
    // The strict run's 2020 OSI low count is not inflated by the blanks in the wide run.
    let low = |rows: &[Vec<String>]| {
        rows.iter()
            .find(|r| r[0] == "2020" && r[1] == "OSI")
            .map(|r| r[5].parse::<usize>().unwrap())
            .unwrap()
    };
    assert!(
        low(&table3[1..]) <= low(&csv_rows(&strict_out.join("tables/table3.csv"))[1..]) + dropped
    );

    // The blanked cells are empty in panel.csv, and no output holds NaN.
    let panel = csv_rows(&out.join("tables/panel.csv"));
    let empty = panel[1..]
        .iter()
        .filter(|r| r[3] == "2020" && r[5].is_empty())
        .count();
    assert_eq!(empty, dropped);
    for (name, text) in every_text(&out) {
        assert!(!text.contains("NaN"), "{name} holds NaN");
    }
    // The report and the workbook show the missing column, with the count.
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("| OSI: no value |"),
        "no missing column in the report's Table 3"
    );
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(out.join("workbook.xlsx")).unwrap();
    use calamine::Reader;
    let sheet = workbook.worksheet_range("Table 3").unwrap();
    let header = sheet
        .rows()
        .find(|r| r.iter().any(|c| *c == "OSI No value"))
        .unwrap_or_else(|| panic!("{:?}", sheet.rows().take(6).collect::<Vec<_>>()));
    let column = header.iter().position(|c| *c == "OSI No value").unwrap();
    let row_2020 = sheet
        .rows()
        .find(|r| {
            r.first()
                .is_some_and(|c| *c == calamine::Data::Float(2020.0))
        })
        .unwrap();
    assert_eq!(row_2020[column].to_string(), dropped.to_string());
}

#[test]
fn adding_epi_adds_its_rows_figure_sheet_and_gaps_and_changes_nothing_else() {
    let base_dir = scratch();
    let base = run_with(base_dir.path(), &bundled_input(), "");
    let epi_dir = scratch();
    let epi = run_with(
        epi_dir.path(),
        &bundled_input(),
        "analysed_measures = [\"EGDI\", \"OSI\", \"TII\", \"HCI\", \"EPI\"]\n",
    );

    // Outputs about no analysed index are byte-identical, and so are Figures 1-4.
    for file in [
        "tables/table1.csv",
        "tables/table2.csv",
        "tables/table4.csv",
        "tables/table5.csv",
        "tables/table6.csv",
        "tables/ranks.csv",
        "tables/regions.csv",
        "tables/groups_table1.csv",
        "tables/figure1.csv",
        "tables/figure4.csv",
        "figures/figure1.svg",
        "figures/figure2.svg",
        "figures/figure3.svg",
        "figures/figure4.svg",
        "figures/figure4.png",
    ] {
        assert_eq!(
            std::fs::read(base.join(file)).unwrap(),
            std::fs::read(epi.join(file)).unwrap(),
            "{file} changed"
        );
    }
    // Tables with a measure column gain EPI rows and nothing else, in the same order.
    for (file, column) in [
        ("tables/table3.csv", 1),
        ("tables/transitions.csv", 0),
        ("tables/gaps.csv", 1),
        ("tables/latest.csv", 0),
        ("tables/groups.csv", 3),
        ("tables/quality.csv", 3),
    ] {
        let (a, b) = (csv_rows(&base.join(file)), csv_rows(&epi.join(file)));
        let without: Vec<&Vec<String>> = b.iter().filter(|r| r[column] != "EPI").collect();
        assert_eq!(without, a.iter().collect::<Vec<_>>(), "{file}");
        assert!(b.len() > a.len(), "{file} has no EPI row");
    }
    let table3 = csv_rows(&epi.join("tables/table3.csv"));
    let years = csv_rows(&base.join("tables/figure1.csv")).len() - 1;
    assert_eq!(table3.iter().filter(|r| r[1] == "EPI").count(), years);
    // panel.csv gains the `epi` column only.
    let (a, b) = (
        csv_rows(&base.join("tables/panel.csv")),
        csv_rows(&epi.join("tables/panel.csv")),
    );
    assert_eq!(b[0].last().map(String::as_str), Some("epi"));
    for (ra, rb) in a.iter().zip(&b) {
        assert_eq!(ra[..], rb[..rb.len() - 1]);
    }
    // A fifth figure in SVG, PNG and CSV, and a workbook sheet with a native chart for it.
    for file in [
        "figures/figure5.svg",
        "figures/figure5.png",
        "tables/figure5.csv",
    ] {
        assert!(epi.join(file).is_file(), "{file} missing");
        assert!(!base.join(file).exists());
    }
    let svg = std::fs::read_to_string(epi.join("figures/figure5.svg")).unwrap();
    assert!(svg.contains("E-Participation Index (EPI)"));
    let mut zip =
        zip::ZipArchive::new(std::fs::File::open(epi.join("workbook.xlsx")).unwrap()).unwrap();
    let charts = |zip: &mut zip::ZipArchive<std::fs::File>| {
        (0..zip.len())
            .filter(|&i| {
                zip.by_index(i)
                    .unwrap()
                    .name()
                    .unwrap()
                    .starts_with("xl/charts/chart")
            })
            .count()
    };
    let epi_charts = charts(&mut zip);
    let mut base_zip =
        zip::ZipArchive::new(std::fs::File::open(base.join("workbook.xlsx")).unwrap()).unwrap();
    assert_eq!(epi_charts, charts(&mut base_zip) + 1);
    let workbook: calamine::Xlsx<_> = calamine::open_workbook(epi.join("workbook.xlsx")).unwrap();
    use calamine::Reader;
    assert!(workbook.sheet_names().iter().any(|s| s == "Figure 5"));
    let md = std::fs::read_to_string(epi.join("report.md")).unwrap();
    assert!(
        md.contains("5.5 EPI"),
        "the report has no EPI benchmark part"
    );
    assert!(md.contains("figures/figure5.svg"));
    // The parts after the per-index ones are numbered after them.
    assert!(md.contains("### 5.6 Gaps to the benchmarks"));
    assert!(md.contains("### 5.7 E-Government ranks"));
}

#[test]
fn every_csv_and_tidy_sheet_follows_its_one_schema() {
    use egov_report::render::tidy::{SCHEMAS, Shown, Then};
    let reference = crate::common::root().join("examples/paper-tables.json");
    let (_guard, out) =
        crate::common::run_paper_panel(&["--reference", reference.to_str().unwrap()]);
    let mut written: BTreeSet<String> = std::fs::read_dir(out.join("tables"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    for schema in &SCHEMAS {
        let fixed: Vec<&str> = schema
            .columns
            .iter()
            .filter(|c| c.shown == Shown::Both)
            .map(|c| c.key)
            .collect();
        // The figures' schema serves figure1.csv, figure2.csv, ...
        let files: Vec<String> = if schema.key == "figure" {
            (1..=4).map(|n| format!("figure{n}.csv")).collect()
        } else {
            vec![format!("{}.csv", schema.key)]
        };
        for file in files {
            assert!(written.remove(&file), "{file} not written");
            let header = &csv_rows(&out.join("tables").join(&file))[0];
            assert_eq!(header[..fixed.len()], fixed[..], "{file}");
            let extra = header.len() - fixed.len();
            match schema.then {
                Then::Nothing => assert_eq!(extra, 0, "{file}"),
                Then::Countries(_) => assert_eq!(extra, 5, "{file}"),
                Then::Measures => assert_eq!(header[fixed.len()..], ["egdi", "osi", "tii", "hci"]),
            }
        }
    }
    assert!(written.is_empty(), "CSVs without a schema: {written:?}");
}
