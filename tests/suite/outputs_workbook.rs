//! `workbook.xlsx`: read back with calamine against the CSVs of the same run, its charts
//! unzipped, its bytes across runs, and (when LibreOffice is installed) opened by LibreOffice.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{on_path, paper_panel_input, run_bin, run_paper_panel, scratch, skip, stderr};

const EN_SHEETS: [&str; 22] = [
    "Cover",
    "Contents",
    "Notes",
    "Table 1",
    "Table 2",
    "Table 3",
    "Table 4",
    "Table 5",
    "Table 6",
    "Figure 1",
    "Figure 2",
    "Figure 3",
    "Figure 4",
    "Transitions",
    "Latest changes",
    "Ranks",
    "Groups",
    "Robustness",
    "Panel",
    "Countries",
    "Quality",
    "README",
];

fn open(out: &Path) -> Xlsx<std::io::BufReader<std::fs::File>> {
    open_workbook(out.join("workbook.xlsx")).expect("workbook.xlsx opens")
}

/// Every row of a sheet, from A1, as calamine reads it.
fn sheet_rows(out: &Path, sheet: &str) -> Vec<Vec<Data>> {
    let range = open(out)
        .worksheet_range(sheet)
        .unwrap_or_else(|e| panic!("sheet `{sheet}`: {e}"));
    assert_eq!(range.start(), Some((0, 0)), "`{sheet}` starts at A1");
    range.rows().map(<[Data]>::to_vec).collect()
}

/// A cell as the CSVs write it: whole numbers without a decimal point.
fn text(cell: &Data) -> String {
    match cell {
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 => format!("{f:.0}"),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Empty => String::new(),
        other => format!("{other:?}"),
    }
}

/// The data rows of the table whose header row starts with `first_header`: the rows below it
/// up to the first row with an empty first cell.
fn table_body(rows: &[Vec<Data>], first_header: &str) -> Vec<Vec<String>> {
    let header = rows
        .iter()
        .position(|r| r.first().map(text).as_deref() == Some(first_header))
        .unwrap_or_else(|| panic!("no header row starting with `{first_header}`"));
    rows[header + 1..]
        .iter()
        .take_while(|r| r.first().is_some_and(|c| !text(c).is_empty()))
        .map(|r| r.iter().map(text).collect())
        .collect()
}

/// A CSV of the run without its header row.
fn csv_body(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn count_column(rows: &[Vec<String>], column: usize) -> Vec<String> {
    rows.iter().map(|r| r[column].clone()).collect()
}

#[test]
fn english_workbook_has_exactly_the_expected_sheets_in_order() {
    let (_guard, out) = run_paper_panel(&[]);
    assert_eq!(open(&out).sheet_names(), EN_SHEETS);
}

#[test]
fn the_sheets_beyond_the_paper_hold_the_rows_of_their_csvs() {
    let (_guard, out) = run_paper_panel(&[]);
    for (sheet, file, first_header) in [
        ("Latest changes", "latest.csv", "Measure"),
        ("Ranks", "ranks.csv", "ISO3 code"),
        ("Groups", "groups.csv", "Kind of group"),
        ("Robustness", "sensitivity.csv", "Variant"),
    ] {
        let rows = sheet_rows(&out, sheet);
        let body = table_body(&rows, first_header);
        let csv = csv_body(&out.join("tables").join(file));
        assert_eq!(body.len(), csv.len(), "{sheet}: one row per CSV row");
        assert!(!csv.is_empty(), "{file} has rows on the paper panel");
    }
    // The rank column holds the CSV's numbers, stored as numbers.
    let rows = sheet_rows(&out, "Ranks");
    let ranks = csv_body(&out.join("tables/ranks.csv"));
    let start = rows
        .iter()
        .position(|r| r.first().map(text).as_deref() == Some("ISO3 code"))
        .unwrap();
    for (r, c) in rows[start + 1..].iter().zip(&ranks) {
        assert_eq!(text(&r[0]), c[0]);
        assert_eq!(r[3], Data::Float(c[2].parse::<f64>().unwrap()), "{c:?}");
    }
}

#[test]
fn table_sheets_hold_the_numbers_of_the_csvs_of_the_same_run() {
    let (_guard, out) = run_paper_panel(&[]);

    // Table 3 as the paper lays it out: one row per survey, OSI, TII, HCI x 4 levels.
    let rows = sheet_rows(&out, "Table 3");
    let header: Vec<String> = rows
        .iter()
        .map(|r| r.iter().map(text).collect::<Vec<_>>())
        .find(|r| r.first().map(String::as_str) == Some("Survey year"))
        .unwrap();
    assert_eq!(header.len(), 13, "{header:?}");
    assert_eq!(header[1], "OSI Very high");
    assert_eq!(header[12], "HCI Low");
    let table3 = table_body(&rows, "Survey year");
    assert_eq!(
        (table3.len(), table3[0].len() - 1),
        (9, 12),
        "9 surveys x 12 counts"
    );
    let csv3 = csv_body(&out.join("tables/table3.csv"));
    let pivoted: Vec<Vec<String>> = csv3
        .chunks(3)
        .map(|year| {
            let mut row = vec![year[0][0].clone()];
            for index in year {
                row.extend(index[2..6].iter().cloned());
            }
            row
        })
        .collect();
    assert_eq!(table3, pivoted, "Table 3 sheet differs from table3.csv");
    // Numbers are numbers, and no cell is a `None` placeholder.
    assert!(
        rows.iter()
            .skip(4)
            .all(|r| r.iter().all(|c| matches!(c, Data::Float(_))))
    );

    let table1 = table_body(&sheet_rows(&out, "Table 1"), "Trend");
    let csv1 = csv_body(&out.join("tables/table1.csv"));
    assert_eq!(count_column(&table1, 2), count_column(&csv1, 3));
    assert_eq!(table1[0][1], "Stayed Very high");
    assert_eq!(table1[5][1], "Rose 2 levels");
    assert!(
        table1[0][3].starts_with("United States; Australia; United Kingdom;"),
        "countries by name: {}",
        table1[0][3]
    );
}

#[test]
fn missing_values_are_marked_x_never_nan_or_zero() {
    // South Sudan has no EGDI before 2012: its figure column has gaps.
    let (_guard, out) = run_paper_panel(&["--benchmarks", "USA,SSD"]);
    let figure = table_body(&sheet_rows(&out, "Figure 1"), "Survey year");
    let csv = csv_body(&out.join("tables/figure1.csv"));
    assert_eq!(figure.len(), csv.len());
    let mut missing = 0;
    for (sheet_row, csv_row) in figure.iter().zip(&csv) {
        if csv_row[2].is_empty() {
            assert_eq!(sheet_row[2], "[x]", "year {}", csv_row[0]);
            missing += 1;
        } else {
            let (a, b): (f64, f64) = (sheet_row[2].parse().unwrap(), csv_row[2].parse().unwrap());
            assert!((a - b).abs() < 1e-12, "year {}: {a} != {b}", csv_row[0]);
        }
    }
    assert!(missing > 0, "the run has no missing value to check");

    let mut workbook = open(&out);
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        for cell in range.used_cells().map(|(_, _, c)| c) {
            match cell {
                Data::String(s) => assert!(
                    !["nan", "inf", "-inf"].contains(&s.to_lowercase().as_str()),
                    "`{name}` holds {s}"
                ),
                Data::Float(f) => assert!(f.is_finite(), "`{name}` holds {f}"),
                _ => {}
            }
        }
    }
}

#[test]
fn chinese_workbook_has_chinese_sheet_and_country_names() {
    let (_guard, out) = run_paper_panel(&["--lang", "zh"]);
    let names = open(&out).sheet_names();
    assert_eq!(names.len(), EN_SHEETS.len());
    for expected in ["封面", "目录", "注释", "表1", "表6", "图1", "图4"] {
        assert!(
            names.iter().any(|n| n == expected),
            "{expected} in {names:?}"
        );
    }
    assert!(
        !names.iter().any(|n| EN_SHEETS.contains(&n.as_str())),
        "{names:?}"
    );

    let table5 = sheet_rows(&out, "表5");
    let header = table5
        .iter()
        .map(|r| r.iter().map(text).collect::<Vec<_>>())
        .find(|r| r.iter().any(|c| c == "美国"))
        .expect("a header row naming 美国");
    for country in ["美国", "澳大利亚", "英国", "加拿大", "中国"] {
        assert!(
            header.contains(&country.to_string()),
            "{country} in {header:?}"
        );
    }
    assert!(!header.iter().any(|c| c.contains("United States")));
}

#[test]
fn a_table_without_data_says_so_in_its_description_and_has_no_row() {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir(&input).unwrap();
    for entry in std::fs::read_dir(paper_panel_input()).unwrap() {
        let path = entry.unwrap().path();
        if path.file_name().is_some_and(|n| n != "EGOV_OSI_STAGES.csv") {
            std::fs::copy(&path, input.join(path.file_name().unwrap())).unwrap();
        }
    }
    let out = work.path().join("output");
    let o = run_bin(
        work.path(),
        &["run", "--input", "input", "--output", "output", "--quiet"],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(csv_body(&out.join("tables/table4.csv")).len(), 0);
    let rows = sheet_rows(&out, "Table 4");
    let table4 = table_body(&rows, "Survey year");
    assert!(table4.is_empty(), "no fake row: {table4:?}");
    assert!(
        text(&rows[1][0]).starts_with("This table is empty"),
        "{:?}",
        rows[1]
    );
    let mut workbook = open(&out);
    for name in workbook.sheet_names() {
        let range = workbook.worksheet_range(&name).unwrap();
        for cell in range.used_cells().map(|(_, _, c)| c) {
            assert!(
                !["None", "无"].contains(&text(cell).as_str()),
                "`{name}`: a None cell"
            );
        }
    }
}

#[test]
fn reproduction_sheet_explains_every_difference_and_counts_the_cells_compared() {
    let reference = crate::common::root().join("examples/paper-tables.json");
    let (_guard, out) = run_paper_panel(&["--reference", reference.to_str().unwrap()]);
    let names = open(&out).sheet_names();
    assert_eq!(names[names.len() - 2], "Reproduction");
    assert_eq!(names.len(), EN_SHEETS.len() + 1);
    let rows = sheet_rows(&out, "Reproduction");
    let header = rows.iter().position(|r| text(&r[0]) == "Table").unwrap();
    assert_eq!(
        rows[header].iter().map(text).collect::<Vec<_>>(),
        [
            "Table",
            "Row",
            "Column",
            "Published",
            "Computed",
            "Explanation"
        ]
    );
    let sheet = table_body(&rows, "Table");
    let csv = csv_body(&out.join("tables/reproduction.csv"));
    assert_eq!(sheet.len(), csv.len(), "one row per difference");
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    for ((cells, csv_row), row) in sheet.iter().zip(&csv).zip(&rows[header + 1..]) {
        // The table in words; the published and computed counts as numbers, equal to the CSV's.
        assert_eq!(cells[0], format!("Table {}", &csv_row[0]["table".len()..]));
        for (cell, value) in [(&row[3], &csv_row[3]), (&row[4], &csv_row[4])] {
            match value.parse::<f64>() {
                Ok(v) => assert_eq!(cell, &Data::Float(v), "{csv_row:?}"),
                Err(_) => assert!(matches!(cell, Data::String(_)), "{csv_row:?}"),
            }
        }
        // The same sentence as the report's, naming the published value.
        let explanation = &cells[5];
        assert!(explanation.ends_with('.'), "{explanation}");
        assert!(explanation.contains(&csv_row[3]), "{explanation}");
        assert!(md.contains(explanation.as_str()), "{explanation}");
    }
    assert!(
        rows[header + 1..]
            .iter()
            .any(|r| matches!((&r[3], &r[4]), (Data::Float(_), Data::Float(_))))
    );
    // The description says how many published cells were compared and how many matched.
    let summary = text(&rows[1][0]);
    // The sums of the report's per-table counts (`Table 1 90 of 91`).
    let tallies = md
        .lines()
        .find_map(|l| l.strip_prefix("Cells reproduced per table: "))
        .expect("the per-table counts");
    let (mut compared, mut matched) = (0, 0);
    for part in tallies
        .trim_end_matches('.')
        .split(", ")
        .flat_map(|p| p.split(" and "))
    {
        let words: Vec<&str> = part.split(' ').collect();
        let n = words.len();
        matched += words[n - 3].parse::<usize>().unwrap();
        compared += words[n - 1].parse::<usize>().unwrap();
    }
    assert_eq!((compared, matched), (359, 357), "{tallies}");
    assert_eq!(
        summary,
        format!(
            "Of the {compared} published cells of paper-tables.json compared, {matched} are \
             reproduced; {} differ.",
            compared - matched
        )
    );
    assert_eq!(compared - matched, csv.len());
    assert!(md.contains(&summary), "the report says the same");
    // The Notes give the counts per table.
    let notes = sheet_rows(&out, "Notes");
    assert!(notes.iter().flatten().any(|c| text(c).contains(
        "Cells reproduced per table: Panel 6 of 6, Table 1 90 of 91, Table 2 16 of 16, Table 3 107 of 108"
    )));
}

#[test]
fn every_figure_has_a_native_line_chart_naming_its_series() {
    let (_guard, out) = run_paper_panel(&[]);
    let file = std::fs::File::open(out.join("workbook.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let charts: Vec<String> = zip
        .file_names()
        .map(|n| n.expect("a readable zip member name").into_owned())
        .filter(|n| n.starts_with("xl/charts/chart") && n.ends_with(".xml"))
        .collect();
    assert_eq!(charts.len(), 4, "{charts:?}");
    for n in 1..=4 {
        let mut xml = String::new();
        zip.by_name(&format!("xl/charts/chart{n}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        let sheet = format!("Figure {n}");
        // A scatter chart with straight lines: the survey years on a value axis, to scale.
        assert!(
            xml.contains("<c:scatterChart>"),
            "chart {n} is a scatter chart"
        );
        assert!(
            xml.contains("<c:scatterStyle val=\"lineMarker\"/>"),
            "chart {n}"
        );
        assert!(
            xml.contains(&format!("'{sheet}'!")),
            "chart {n} reads `{sheet}`"
        );
        let rows = sheet_rows(&out, &sheet);
        let header = rows
            .iter()
            .find(|r| r.first().map(text).as_deref() == Some("Survey year"))
            .unwrap();
        for country in header[1..].iter().map(text) {
            assert!(
                xml.contains(&format!("<c:v>{country}</c:v>")),
                "chart {n} names the series {country}"
            );
        }
        // One emphasised series (3.5 pt = 44450 EMU): the focus country.
        assert_eq!(xml.matches("<a:ln w=\"44450\"").count(), 1, "chart {n}");
        assert!(!xml.contains("<c:dLbls>"), "chart {n} has no data labels");
    }
}

#[test]
fn two_runs_give_byte_identical_workbooks() {
    let (_a, first) = run_paper_panel(&[]);
    let (_b, second) = run_paper_panel(&[]);
    let a = std::fs::read(first.join("workbook.xlsx")).unwrap();
    let b = std::fs::read(second.join("workbook.xlsx")).unwrap();
    assert!(!a.is_empty());
    assert!(a == b, "workbook.xlsx differs between two runs");
}

#[test]
fn libreoffice_opens_every_sheet_and_reads_table1_and_the_streamed_panel_as_written() {
    if on_path("soffice").is_none() {
        skip(
            "libreoffice_opens_every_sheet_and_reads_table1_and_the_streamed_panel_as_written",
            "soffice not installed",
        );
        return;
    }
    let (_guard, out) = run_paper_panel(&[]);
    let work = scratch();
    let profile = work.path().join("profile");
    let converted = work.path().join("csv");
    // Token 12 = -1 exports every sheet; 76 = UTF-8. Each run gets its own profile, or
    // concurrent conversions are funnelled into one LibreOffice process.
    let o = std::process::Command::new("soffice")
        .arg(format!(
            "-env:UserInstallation=file://{}",
            profile.display()
        ))
        .args(["--headless", "--norestore", "--convert-to"])
        .arg("csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1")
        .arg("--outdir")
        .arg(&converted)
        .arg(out.join("workbook.xlsx"))
        .output()
        .expect("soffice runs");
    // soffice exits 0 even when it cannot load the file: check what it wrote.
    assert!(o.status.success(), "soffice failed: {}", stderr(&o));
    assert!(!stderr(&o).contains("Error:"), "soffice: {}", stderr(&o));
    for sheet in EN_SHEETS {
        let csv = converted.join(format!("workbook-{sheet}.csv"));
        assert!(csv.is_file(), "LibreOffice wrote no {}", csv.display());
    }

    let lo_rows: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(converted.join("workbook-Table 1.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header = lo_rows
        .iter()
        .position(|r| r[0] == "Trend")
        .expect("the Table 1 header row");
    let body: Vec<Vec<String>> = lo_rows[header + 1..]
        .iter()
        .take_while(|r| !r[0].is_empty())
        .cloned()
        .collect();
    let expected = csv_body(&out.join("tables/table1.csv"));
    assert_eq!(count_column(&body, 2), count_column(&expected, 3));

    // The Panel sheet is streamed row by row with inline strings: LibreOffice reads every row.
    let lo_panel: Vec<Vec<String>> = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(converted.join("workbook-Panel.csv"))
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect();
    let header = lo_panel
        .iter()
        .position(|r| r[0] == "ISO3 code")
        .expect("the Panel header row");
    let keys = |rows: &[Vec<String>]| -> Vec<(String, String)> {
        rows.iter().map(|r| (r[0].clone(), r[3].clone())).collect()
    };
    let panel = csv_body(&out.join("tables/panel.csv"));
    assert_eq!(keys(&lo_panel[header + 1..]), keys(&panel));
}
