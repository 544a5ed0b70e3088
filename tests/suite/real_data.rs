//! The real UN data as people download it: the bundled 12 surveys checked against an
//! independent recount, the paper's survey range, and one small file per rule for real data
//! (SPEC section 2), each in the shape real files have.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::common::{bundled_input, read_csv, root, run_bin, run_on, scratch, stderr, stdout};

/// The SPEC's default level rule, written out independently of the program.
fn level(v: f64) -> usize {
    if v > 0.75 {
        3
    } else if v >= 0.50 {
        2
    } else if v >= 0.25 {
        1
    } else {
        0
    }
}

const LEVEL_KEYS: [&str; 4] = ["low", "medium", "high", "very_high"];

/// The four indices of every country and survey of the bundled downloads, read with the csv
/// crate alone: trimmed Data Center name -> year -> [EGDI, OSI, TII, HCI].
fn recount_input() -> BTreeMap<String, BTreeMap<u16, [Option<f64>; 4]>> {
    let columns = [
        "E-Government Index",
        "Online Service Index",
        "Telecommunication Infrastructure Index",
        "Human Capital Index",
    ];
    let mut out: BTreeMap<String, BTreeMap<u16, [Option<f64>; 4]>> = BTreeMap::new();
    let mut files: Vec<PathBuf> = std::fs::read_dir(bundled_input())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .unwrap()
                .to_string_lossy()
                .starts_with("EGOV_DATA_")
        })
        .collect();
    files.sort();
    assert_eq!(files.len(), 12, "the 12 UN downloads are bundled");
    for file in files {
        for row in read_csv(&file) {
            let year: u16 = row["Survey Year"].parse().unwrap();
            let values = columns.map(|c| row[c].trim().parse::<f64>().ok());
            let name = row["Country Name"].trim().to_string();
            assert!(out.entry(name).or_default().insert(year, values).is_none());
        }
    }
    out
}

#[test]
fn the_bundled_run_equals_an_independent_recount_of_panel_table1_and_table3() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let data = recount_input();
    let years: BTreeSet<u16> = data.values().flat_map(|y| y.keys().copied()).collect();
    assert_eq!(years.len(), 12);
    // The panel: every index present in every survey, EGDI above 0.
    let panel: BTreeMap<&String, &BTreeMap<u16, [Option<f64>; 4]>> = data
        .iter()
        .filter(|(_, by_year)| {
            years.iter().all(|y| {
                by_year
                    .get(y)
                    .is_some_and(|v| v.iter().all(Option::is_some) && v[0] > Some(0.0))
            })
        })
        .collect();
    assert_eq!(panel.len(), 163, "the input README's count");

    // panel.csv holds exactly these values (compared as tuples: no name mapping involved).
    let written: BTreeSet<String> = read_csv(&out.join("tables/panel.csv"))
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}",
                r["year"], r["egdi"], r["osi"], r["tii"], r["hci"]
            )
        })
        .collect();
    let recounted: BTreeSet<String> = panel
        .values()
        .flat_map(|by_year| {
            by_year.iter().map(|(y, v)| {
                let v = v.map(Option::unwrap);
                format!("{y} {} {} {} {}", v[0], v[1], v[2], v[3])
            })
        })
        .collect();
    assert_eq!(written, recounted);

    // Table 3: per survey and sub-index, the panel countries per level.
    let table3 = read_csv(&out.join("tables/table3.csv"));
    assert_eq!(table3.len(), 12 * 3);
    for row in &table3 {
        let year: u16 = row["year"].parse().unwrap();
        let slot = ["EGDI", "OSI", "TII", "HCI"]
            .iter()
            .position(|m| *m == row["index"])
            .unwrap();
        let mut counts = [0usize; 4];
        for by_year in panel.values() {
            counts[level(by_year[&year][slot].unwrap())] += 1;
        }
        for (l, key) in LEVEL_KEYS.iter().enumerate() {
            assert_eq!(
                row[*key],
                counts[l].to_string(),
                "{year} {} {key}",
                row["index"]
            );
        }
    }

    // Table 1: EGDI level change from the first to the last survey.
    let (first, last) = (*years.first().unwrap(), *years.last().unwrap());
    let mut expected: BTreeMap<(String, String), usize> = BTreeMap::new();
    for by_year in panel.values() {
        let a = level(by_year[&first][0].unwrap());
        let b = level(by_year[&last][0].unwrap());
        let key = match b.cmp(&a) {
            std::cmp::Ordering::Equal => ("maintained".into(), LEVEL_KEYS[a].to_string()),
            std::cmp::Ordering::Greater => ("rose".into(), (b - a).to_string()),
            std::cmp::Ordering::Less => ("fell".into(), (a - b).to_string()),
        };
        *expected.entry(key).or_default() += 1;
    }
    let table1 = read_csv(&out.join("tables/table1.csv"));
    let mut written: BTreeMap<(String, String), usize> = BTreeMap::new();
    for r in &table1 {
        let key = if r["trend"] == "maintained" {
            r["level"].clone()
        } else {
            r["levels"].clone()
        };
        let n: usize = r["count"].parse().unwrap();
        if n > 0 {
            written.insert((r["trend"].clone(), key), n);
        }
    }
    assert_eq!(written, expected);
    assert_eq!(
        table1
            .iter()
            .map(|r| r["count"].parse::<usize>().unwrap())
            .sum::<usize>(),
        163
    );
}

#[test]
fn micronesia_2003_hci_above_one_is_a_finding_not_an_error() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let quality = read_csv(&out.join("tables/quality.csv"));
    let above: Vec<_> = quality
        .iter()
        .filter(|r| r["kind"] == "above_range")
        .collect();
    let cells: BTreeSet<(&str, &str, &str, &str)> = above
        .iter()
        .map(|r| {
            (
                r["iso3"].as_str(),
                r["year"].as_str(),
                r["measure"].as_str(),
                r["value"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        cells,
        BTreeSet::from([
            ("FSM", "2003", "HCI", "1.422"),
            ("TUV", "2003", "HCI", "1.03")
        ])
    );
    assert!(
        above[0]["detail"].contains("`EGOV_DATA_2003.csv`, row 34, column G"),
        "{above:?}"
    );
    // Sub-indices of 0 beside an EGDI above 0 (Andorra's HCI in 2003) are findings too.
    assert!(
        quality
            .iter()
            .any(|r| r["kind"] == "zero_sub_index" && r["iso3"] == "AND" && r["year"] == "2003"),
        "no zero sub-index finding for Andorra 2003"
    );
    let report = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(report.contains("1.422"), "the report names the value");
}

#[test]
fn the_bundled_tables_5_and_6_equal_the_papers() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let reference: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("examples/paper-tables.json")).unwrap(),
    )
    .unwrap();
    for (table, key) in [("table5.csv", "table5"), ("table6.csv", "table6")] {
        let rows = read_csv(&out.join("tables").join(table));
        let published = &reference[key];
        let countries: Vec<&str> = published["countries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        let mut cells = 0;
        for (year, indicators) in published["rows"].as_object().unwrap() {
            for (indicator, values) in indicators.as_object().unwrap() {
                let row = rows
                    .iter()
                    .find(|r| r["year"] == *year && r["indicator"] == *indicator)
                    .unwrap_or_else(|| panic!("{table}: no row {year} {indicator}"));
                for (c, v) in countries.iter().zip(values.as_array().unwrap()) {
                    let computed: f64 = row[*c].parse().unwrap();
                    assert_eq!(
                        computed,
                        v.as_f64().unwrap(),
                        "{table} {year} {indicator} {c}"
                    );
                    cells += 1;
                }
            }
        }
        assert!(cells >= 40, "{table}: {cells} cells compared");
    }
}

#[test]
fn the_paper_config_runs_the_2003_2018_range_on_the_bundled_input_and_reports_the_reproduction() {
    let (_dir, out, err) = crate::common::run_paper_config();
    assert!(
        err.contains("9 surveys (2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018)"),
        "{err}"
    );
    let diffs = read_csv(&out.join("tables/reproduction.csv"));
    let panel = diffs
        .iter()
        .find(|r| r["table"] == "panel" && r["row"] == "panel")
        .expect("the panel size differs from the paper's");
    assert_eq!(
        (panel["published"].as_str(), panel["computed"].as_str()),
        ("150", "163")
    );
    assert!(
        !diffs
            .iter()
            .any(|r| r["table"] == "table5" || r["table"] == "table6"),
        "Tables 5-6 reproduce the paper"
    );
}

// ---- One small file per rule -----------------------------------------------------------------

/// A fresh input folder with `files`; returns (guard, input folder).
fn input_with(files: &[(&str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let dir = scratch();
    let input = dir.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    for (name, text) in files {
        std::fs::write(input.join(name), text).unwrap();
    }
    (dir, input)
}

/// Runs `validate` on `input`; returns (exit code, stdout, stderr).
fn validate(input: &Path, extra: &[&str]) -> (Option<i32>, String, String) {
    let mut args = vec!["validate", "--input", input.to_str().unwrap()];
    args.extend_from_slice(extra);
    let o = run_bin(input.parent().unwrap(), &args);
    (o.status.code(), stdout(&o), stderr(&o))
}

const DC_HEADER: &str = "Survey Year,Country Name,E-Government Rank,E-Government Index,\
                         E-Participation Index,Online Service Index,Human Capital Index,\
                         Telecommunication Infrastructure Index\n";

/// A Data Center style file of `year` for three countries.
fn dc_file(year: u16, rows: &[&str]) -> String {
    let mut s = DC_HEADER.to_string();
    for r in rows {
        s.push_str(&format!("{year},{r}\n"));
    }
    s
}

const ROWS_A: [&str; 3] = [
    "\"China \",65,0.68110,0.61800,0.86110,0.70880,0.47350",
    "\"Germany \",12,0.87650,0.74160,0.91670,0.87650,0.83620",
    "\"Albania \",74,0.65190,0.71910,0.72220,0.71400,0.51960",
];
const ROWS_B: [&str; 3] = [
    "\"China \",45,0.79480,0.82130,0.90590,0.75120,0.72730",
    "\"Germany \",25,0.85240,0.83900,0.83180,0.89600,0.82930",
    "\"Albania \",59,0.72870,0.76140,0.84840,0.68890,0.64880",
];

#[test]
fn an_index_above_one_is_kept_when_the_egdi_was_computed_with_it_else_an_error() {
    // Micronesia 2003: EGDI 0.52648 = mean(OSI 0.00734, TII 0.15, HCI 1.422).
    let kept = "\"Micronesia (Federated States of) \",95,0.52648,0.0,0.00734,1.42200,0.15010";
    let (_d, input) = input_with(&[
        (
            "EGOV_DATA_2003.csv",
            &dc_file(2003, &[ROWS_A[0], ROWS_A[1], kept]),
        ),
        (
            "EGOV_DATA_2020.csv",
            &dc_file(
                2020,
                &[
                    ROWS_B[0],
                    ROWS_B[1],
                    "\"Micronesia (Federated States of) \",150,0.4,0.1,0.3,0.6,0.3",
                ],
            ),
        ),
    ]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let quality = std::fs::read_to_string(out.join("tables/quality.csv")).unwrap();
    assert!(
        quality.contains("above_range,FSM,2003,HCI,1.422"),
        "{quality}"
    );

    // The same value with an EGDI that is not the mean: the UN did not compute with it.
    let bad = "\"Micronesia (Federated States of) \",95,0.30000,0.0,0.00734,1.42200,0.15010";
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, &[ROWS_A[0], bad])),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &[ROWS_B[0]])),
    ]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains("`EGOV_DATA_2003.csv`, row 3, column G (`Human Capital Index`): 1.422 is outside the range of HCI (0 to 1)"),
        "{err}"
    );

    // A negative value is always an error.
    let negative = "\"Micronesia (Federated States of) \",190,0.00000,0.0,-0.01,0.0,0.0";
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, &[ROWS_A[0], negative])),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &[ROWS_B[0]])),
    ]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("row 3, column F (`Online Service Index`): -0.01 is outside the range"),
        "{err}"
    );
}

#[test]
fn an_index_above_one_of_a_country_not_assessed_is_kept() {
    let not_assessed = "\"Tuvalu \",190,0.00000,0.0,0.0,1.03000,0.0";
    let (_d, input) = input_with(&[
        (
            "EGOV_DATA_2003.csv",
            &dc_file(2003, &[ROWS_A[0], ROWS_A[1], not_assessed]),
        ),
        (
            "EGOV_DATA_2020.csv",
            &dc_file(2020, &[ROWS_B[0], ROWS_B[1]]),
        ),
    ]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let quality = std::fs::read_to_string(out.join("tables/quality.csv")).unwrap();
    assert!(
        quality.contains("above_range,TUV,2003,HCI,1.03"),
        "{quality}"
    );
}

#[test]
fn a_zero_sub_index_beside_an_assessed_egdi_is_kept_and_reported() {
    let andorra = "\"Andorra \",40,0.36000,0.1,0.50000,0.00000,0.58000";
    let (_d, input) = input_with(&[
        (
            "EGOV_DATA_2003.csv",
            &dc_file(2003, &[ROWS_A[0], ROWS_A[1], andorra]),
        ),
        (
            "EGOV_DATA_2020.csv",
            &dc_file(
                2020,
                &[ROWS_B[0], ROWS_B[1], "\"Andorra \",40,0.7,0.6,0.7,0.7,0.7"],
            ),
        ),
    ]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let quality = read_csv(&out.join("tables/quality.csv"));
    let found: Vec<_> = quality
        .iter()
        .filter(|r| r["kind"] == "zero_sub_index")
        .collect();
    assert_eq!(found.len(), 1, "{quality:?}");
    assert_eq!(
        (found[0]["iso3"].as_str(), found[0]["measure"].as_str()),
        ("AND", "HCI")
    );
    assert!(found[0]["detail"].contains("probably not assessed"));
    // Andorra stays in the panel: its HCI is present (0), its EGDI above 0.
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("AND,Andorra,Europe,2003,0.36,0.5,0.58,0"),
        "{panel}"
    );
}

#[test]
fn a_file_with_its_rows_written_twice_merges_with_one_warning_giving_the_count() {
    let twice = dc_file(
        2003,
        &[
            ROWS_A[0], ROWS_A[1], ROWS_A[2], ROWS_A[0], ROWS_A[1], ROWS_A[2],
        ],
    );
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &twice),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
    ]);
    let (_g, out, err) = run_on(&input, &[]);
    let warnings: Vec<&str> = err
        .lines()
        .filter(|l| l.contains("repeat earlier rows"))
        .collect();
    assert_eq!(
        warnings,
        [
            "warning: `EGOV_DATA_2003.csv`: 3 rows repeat earlier rows value for value (the table was \
          saved twice into itself?); each was read once"
        ],
        "{err}"
    );
    let panel = read_csv(&out.join("tables/panel.csv"));
    assert_eq!(panel.len(), 6, "3 countries x 2 surveys, each once");

    // A repeated row with another value stays an error naming both rows.
    let changed = ROWS_A[0].replace("0.68110", "0.69000");
    let (_d, input) = input_with(&[
        (
            "EGOV_DATA_2003.csv",
            &dc_file(2003, &[ROWS_A[0], ROWS_A[1], &changed]),
        ),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
    ]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`EGOV_DATA_2003.csv`, row 4: China (2003) appears a second time with other values; first at `EGOV_DATA_2003.csv`, row 2"),
        "{err}"
    );
}

#[test]
fn a_four_decimal_copy_beside_the_five_decimal_original_merges_keeping_the_precise_values() {
    let original = [
        "\"China \",65,0.68107,0.61803,0.86114,0.70876,0.47346",
        "\"Germany \",12,0.87648,0.74155,0.91671,0.87652,0.83621",
        "\"Albania \",74,0.65193,0.71912,0.72218,0.71404,0.51957",
    ];
    // Every value of the copy rounded to 4 decimals, as a spreadsheet export shows them.
    let rounded: Vec<String> = original
        .iter()
        .map(|r| {
            let cells: Vec<String> = r
                .split(',')
                .enumerate()
                .map(|(i, c)| {
                    if i < 2 {
                        c.to_string()
                    } else {
                        format!("{:.4}", c.parse::<f64>().unwrap())
                    }
                })
                .collect();
            cells.join(",")
        })
        .collect();
    let rounded: Vec<&str> = rounded.iter().map(String::as_str).collect();
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, &original)),
        ("EGOV_DATA_2003-4dp.csv", &dc_file(2003, &rounded)),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
    ]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let quality = read_csv(&out.join("tables/quality.csv"));
    let pairs: Vec<_> = quality
        .iter()
        .filter(|r| r["kind"] == "rounded_copy")
        .collect();
    assert_eq!(pairs.len(), 1, "one finding per pair of files: {quality:?}");
    assert!(
        pairs[0]["detail"].contains("`EGOV_DATA_2003-4dp.csv` holds 15 values that equal those of `EGOV_DATA_2003.csv` rounded"),
        "{pairs:?}"
    );
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("CHN,China,Asia,2003,0.68107,0.86114,0.47346,0.70876"),
        "{panel}"
    );

    // A copy whose values differ by more than rounding stays an error.
    let off = original[0].replace("0.68107", "0.6820");
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, &original)),
        ("EGOV_DATA_2003-copy.csv", &dc_file(2003, &[&off])),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
    ]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "gives 0.682 but `EGOV_DATA_2003.csv`, row 2, column D (`E-Government Index`) gives \
             0.68107"
        ),
        "{err}"
    );
}

#[test]
fn a_rounded_copy_keeps_the_more_precise_value_whichever_file_comes_first() {
    let precise = "\"China \",65,0.68107,0.61800,0.86114,0.70876,0.47346";
    let coarse = "\"China \",65,0.6811,0.6180,0.8611,0.7088,0.4735";
    let (_d, input) = input_with(&[
        ("A-2003.csv", &dc_file(2003, &[coarse, ROWS_A[1]])),
        ("B-2003.csv", &dc_file(2003, &[precise])),
        (
            "EGOV_DATA_2020.csv",
            &dc_file(2020, &[ROWS_B[0], ROWS_B[1]]),
        ),
    ]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("CHN,China,Asia,2003,0.68107,0.86114,0.47346,0.70876"),
        "{panel}"
    );
}

#[test]
fn a_world_bank_style_set_of_one_indicator_per_file_is_read() {
    let file = |code: &str, label: &str, values: [&str; 3]| {
        format!(
            "REF_AREA,REF_AREA_LABEL,INDICATOR,INDICATOR_LABEL,2016,2018\n\
             CHN,China,{code},{label},{},{}\n\
             DEU,Germany,{code},{label},{},{}\n",
            values[0], values[1], values[1], values[2]
        )
    };
    let (_d, input) = input_with(&[
        (
            "UN_EGDI_EGDI.csv",
            &file(
                "UN_EGDI_EGDI",
                "E-Government Development Index",
                ["0.6071", "0.6811", "0.8765"],
            ),
        ),
        (
            "UN_EGDI_OSI.csv",
            &file(
                "UN_EGDI_OSI",
                "Online Service Index",
                ["0.7681", "0.8611", "0.9167"],
            ),
        ),
        (
            "UN_EGDI_TTI.csv",
            &file(
                "UN_EGDI_TTI",
                "Telecommunication Infrastructure Index",
                ["0.3673", "0.4735", "0.8362"],
            ),
        ),
        (
            "UN_EGDI_HCI.csv",
            &file(
                "UN_EGDI_HCI",
                "Human Capital Index",
                ["0.6860", "0.7088", "0.8765"],
            ),
        ),
    ]);
    let (code, text, err) = validate(&input, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(text.contains("UN_EGDI_TTI.csv: one column per year, header row 1, year from header, years 2016,2018, 2 countries, measures TII"), "{text}");
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("CHN,China,Asia,2016,0.6071,0.7681,0.3673,0.686"),
        "{panel}"
    );
    assert!(
        panel.contains("DEU,Germany,Europe,2018,0.8765,0.9167,0.8362,0.8765"),
        "{panel}"
    );

    // Without an indicator column, the file name names the measure.
    let bare = |values: [&str; 2]| format!("REF_AREA,2016,2018\nCHN,{},{}\n", values[0], values[1]);
    let (_d, input) = input_with(&[
        ("UN_EGDI_EGDI.csv", &bare(["0.6071", "0.6811"])),
        ("UN_EGDI_OSI.csv", &bare(["0.7681", "0.8611"])),
        ("UN_EGDI_TTI.csv", &bare(["0.3673", "0.4735"])),
        ("UN_EGDI_HCI.csv", &bare(["0.6860", "0.7088"])),
    ]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("CHN,China,Asia,2018,0.6811,0.8611,0.4735,0.7088"),
        "{panel}"
    );
}

#[test]
fn a_year_suffixed_wide_file_with_iso2_codes_is_read() {
    let text = "ISO2,Country,EGDI 2016,E-Government Index_2018,2016 OSI,2018 OSI,TII 2016,TII 2018,\
                HCI 2016,HCI 2018\n\
                CN,China,0.6071,0.6811,0.7681,0.8611,0.3673,0.4735,0.6860,0.7088\n\
                GB,United Kingdom,0.9193,0.8999,1.0000,0.9792,0.8177,0.8004,0.9416,0.9200\n";
    let (_d, input) = input_with(&[("egdi-wide.csv", text)]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("CHN,China,Asia,2016,0.6071,0.7681,0.3673,0.686"),
        "{panel}"
    );
    assert!(panel.contains("GBR,United Kingdom"), "{panel}");
    assert!(panel.contains(",2018,0.8999,0.9792,0.8004,0.92"), "{panel}");
    // A two-letter code that is no country is named with the cell.
    let bad = text.replace("GB,United Kingdom", "QQ,");
    let (_d, input) = input_with(&[("egdi-wide.csv", &bad)]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`egdi-wide.csv`, row 3, column A (`ISO2`): unknown country `QQ`"),
        "{err}"
    );
}

#[test]
fn a_file_in_another_language_is_read_through_the_columns_table() {
    let text = "Tahun;Negara;Indeks;Layanan;Infrastruktur;Modal Manusia\n\
                2016;China;0.6071;0.7681;0.3673;0.6860\n\
                2018;China;0.6811;0.8611;0.4735;0.7088\n";
    let (dir, input) = input_with(&[("egov-id.csv", text)]);
    let config = dir.path().join("egov-report.toml");
    std::fs::write(
        &config,
        "[columns]\n\"Tahun\" = \"year\"\n\"Negara\" = \"country\"\n\"Indeks\" = \"EGDI\"\n\
         \"Layanan\" = \"OSI\"\n\"Infrastruktur\" = \"TII\"\n\"Modal Manusia\" = \"HCI\"\n",
    )
    .unwrap();
    // Without the table the file has no column this tool knows: skipped, so no survey data.
    let empty = dir.path().join("empty.toml");
    std::fs::write(&empty, "").unwrap();
    let (code, _, err) = validate(&input, &["--config", empty.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{err}");
    let (_g, out, _) = run_on(&input, &["--quiet", "--config", config.to_str().unwrap()]);
    let panel = std::fs::read_to_string(out.join("tables/panel.csv")).unwrap();
    assert!(
        panel.contains("CHN,China,Asia,2018,0.6811,0.8611,0.4735,0.7088"),
        "{panel}"
    );
    // A key that is not one of the SPEC's is an error naming it.
    std::fs::write(&config, "[columns]\n\"Skor\" = \"score\"\n").unwrap();
    let (code, _, err) = validate(&input, &["--config", config.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`columns`: `Skor` = `score`: `score` is not a column key"),
        "{err}"
    );
}

/// The messages of a run on surveys 2003 and 2020 with `early` rows, 2022 with `ROWS_B` and
/// `extra-2024.csv` with China alone.
fn warnings_with_a_small_2024(early: &[&str]) -> String {
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, early)),
        ("EGOV_DATA_2020.csv", &dc_file(2020, early)),
        ("EGOV_DATA_2022.csv", &dc_file(2022, &ROWS_B)),
        ("extra-2024.csv", &dc_file(2024, &[ROWS_B[0]])),
    ]);
    run_on(&input, &[]).2
}

#[test]
fn a_survey_covering_a_few_countries_is_warned_with_the_panel_before_and_after() {
    let err = warnings_with_a_small_2024(&ROWS_A);
    assert!(
        err.contains(
            "warning: `extra-2024.csv`: survey 2024 (`extra-2024.csv`) covers only 1 country (the \
             largest survey covers 3); the panel has 1 country with it and would have 3 without it"
        ),
        "{err}"
    );
}

#[test]
fn a_country_missing_two_surveys_is_not_counted_in_the_panel_without_either() {
    // Peru has rows in 2003 and 2020 only: without 2024 it would still miss 2022.
    let peru = "\"Peru \",80,0.60000,0.50000,0.60000,0.60000,0.60000";
    let with_peru: Vec<&str> = ROWS_A.iter().copied().chain([peru]).collect();
    let err = warnings_with_a_small_2024(&with_peru);
    assert!(
        err.contains(
            "warning: `extra-2024.csv`: survey 2024 (`extra-2024.csv`) covers only 1 country (the \
             largest survey covers 4); the panel has 1 country with it and would have 3 without it"
        ),
        "{err}"
    );
    // 2022 covers 3 of 4 and the panel without it is no larger: no warning names it.
    assert!(!err.contains("survey 2022"), "{err}");
}

#[test]
fn a_single_survey_is_an_input_error_saying_so() {
    let (_d, input) = input_with(&[("EGOV_DATA_2018.csv", &dc_file(2018, &ROWS_A))]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains(
            "holds one survey (2018); the analysis compares surveys and needs at least two"
        ),
        "{err}"
    );
}

#[test]
fn a_table_with_a_country_column_and_nothing_readable_is_an_error_naming_what_is_missing() {
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, &ROWS_A)),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
        ("notes.csv", "Country,Remark\nChina,see annex\n"),
    ]);
    let (code, _, err) = validate(&input, &[]);
    assert_eq!(code, Some(2));
    assert!(
        err.contains("`notes.csv` has a country column A (`Country`) but no measure, value, year or region column"),
        "{err}"
    );
    // A table with neither (a notes sheet) is skipped, with a warning true to it.
    let (_d, input) = input_with(&[
        ("EGOV_DATA_2003.csv", &dc_file(2003, &ROWS_A)),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
        ("notes.csv", "Remark,Page\nsee annex,3\n"),
    ]);
    let (code, out, err) = validate(&input, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        out.contains(
            "`notes.csv`: skipped: no country, code, measure or year column in the first 30 rows"
        ),
        "{out}"
    );
}

#[test]
fn a_data_row_is_never_taken_for_the_header() {
    // A title row, then a row that names a country and a measure column but holds a fraction
    // (data, not a header), then the real header.
    let text = "E-Government Survey 2003\n\
                Country,E-Government Index,0.61\n\
                Survey Year,Country Name,E-Government Index,Online Service Index,Human Capital Index,Telecommunication Infrastructure Index\n\
                2003,China,0.6,0.5,0.7,0.6\n";
    let (_d, input) = input_with(&[
        ("a-2003.csv", text),
        ("EGOV_DATA_2020.csv", &dc_file(2020, &ROWS_B)),
    ]);
    let (code, out, err) = validate(&input, &[]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.contains("a-2003.csv: wide, header row 3"), "{out}");
}

#[test]
fn chinas_published_ranks_are_read_and_the_rank_changes_follow() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let ranks = read_csv(&out.join("tables/ranks.csv"));
    let china: Vec<(&str, &str, &str, &str)> = ranks
        .iter()
        .filter(|r| r["iso3"] == "CHN" && r["year"].as_str() >= "2018")
        .map(|r| {
            (
                r["year"].as_str(),
                r["rank"].as_str(),
                r["rank_source"].as_str(),
                r["change"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        china,
        [
            ("2018", "65", "published", "-2"),
            ("2020", "45", "published", "20"),
            ("2022", "43", "published", "2"),
            ("2024", "35", "published", "8"),
        ]
    );
    // Every rank change is the previous survey's rank minus this one's.
    let mut previous: BTreeMap<&str, (usize, i64)> = BTreeMap::new();
    let years: Vec<&str> = {
        let set: BTreeSet<&str> = ranks.iter().map(|r| r["year"].as_str()).collect();
        set.into_iter().collect()
    };
    for r in &ranks {
        let y = years.iter().position(|y| *y == r["year"]).unwrap();
        let rank: i64 = r["rank"].parse().unwrap();
        let expected = match previous.get(r["iso3"].as_str()) {
            Some((py, p)) if py + 1 == y => (p - rank).to_string(),
            _ => String::new(),
        };
        assert_eq!(r["change"], expected, "{r:?}");
        previous.insert(r["iso3"].as_str(), (y, rank));
    }
}

#[test]
fn without_a_published_rank_ranks_are_computed_on_egdi_with_ties_shared() {
    let text = "Survey Year,Country Name,EGDI,OSI,TII,HCI\n\
                2016,China,0.6,0.6,0.6,0.6\n2016,Germany,0.8,0.8,0.8,0.8\n\
                2016,Albania,0.6,0.6,0.6,0.6\n2016,Chad,0,0,0,0\n\
                2018,China,0.7,0.7,0.7,0.7\n2018,Germany,0.8,0.8,0.8,0.8\n\
                2018,Albania,0.5,0.5,0.5,0.5\n2018,Chad,0.1,0.1,0.1,0.1\n";
    let (_d, input) = input_with(&[("surveys.csv", text)]);
    let (_g, out, _) = run_on(&input, &["--quiet"]);
    let ranks: Vec<String> = read_csv(&out.join("tables/ranks.csv"))
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {}",
                r["iso3"], r["year"], r["rank"], r["rank_source"], r["change"]
            )
        })
        .collect();
    assert_eq!(
        ranks,
        [
            "ALB 2016 2 computed ",
            "ALB 2018 3 computed -1",
            "CHN 2016 2 computed ",
            "CHN 2018 2 computed 0",
            "DEU 2016 1 computed ",
            "DEU 2018 1 computed 0",
            // Chad was not assessed in 2016 (EGDI 0): no rank there, none to compare with.
            "TCD 2018 4 computed ",
        ]
    );
}

#[test]
fn latest_csv_equals_a_recount_from_panel_csv_for_the_last_two_surveys() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let panel = read_csv(&out.join("tables/panel.csv"));
    let value = |r: &BTreeMap<String, String>, m: &str| r[m].parse::<f64>().unwrap();
    let mut expected = BTreeSet::new();
    for (m, column) in [
        ("EGDI", "egdi"),
        ("OSI", "osi"),
        ("TII", "tii"),
        ("HCI", "hci"),
    ] {
        for a in panel.iter().filter(|r| r["year"] == "2022") {
            let b = panel
                .iter()
                .find(|r| r["year"] == "2024" && r["iso3"] == a["iso3"])
                .unwrap();
            let (la, lb) = (level(value(a, column)), level(value(b, column)));
            if la != lb {
                expected.insert(format!(
                    "{m},2022,2024,{},{},{},{},{}",
                    a["iso3"], LEVEL_KEYS[la], LEVEL_KEYS[lb], a[column], b[column]
                ));
            }
        }
    }
    let text = std::fs::read_to_string(out.join("tables/latest.csv")).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("measure,from_year,to_year,iso3,from_level,to_level,from_value,to_value")
    );
    let written: BTreeSet<String> = lines.map(str::to_string).collect();
    assert!(!expected.is_empty());
    assert_eq!(written, expected);
}

#[test]
fn the_other_boundary_convention_changes_table3_exactly_by_the_values_on_0_75() {
    let (_guard, out) = crate::common::run_paper_panel(&[]);
    // The boundary findings on 0.75 (the only threshold whose default side is the level below).
    let mut expected: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for f in read_csv(&out.join("tables/quality.csv")) {
        if f["kind"] == "on_boundary"
            && f["value"] == "0.75"
            && ["OSI", "TII", "HCI"].contains(&f["measure"].as_str())
        {
            let row = format!("{} {}", f["year"], f["measure"]);
            expected
                .entry((row.clone(), "very_high".into()))
                .or_default()
                .0 += 1;
            expected.entry((row, "high".into())).or_default().0 -= 1;
        }
    }
    assert!(
        !expected.is_empty(),
        "the fixture has a value on 0.75 (BGR 2018 OSI)"
    );
    let table3: Vec<BTreeMap<String, String>> = read_csv(&out.join("tables/table3.csv"));
    let baseline = |row: &str, column: &str| -> i64 {
        let r = table3
            .iter()
            .find(|r| format!("{} {}", r["year"], r["index"]) == row)
            .unwrap();
        r[column].parse().unwrap()
    };
    let changed: BTreeMap<(String, String), (i64, i64)> =
        read_csv(&out.join("tables/sensitivity.csv"))
            .iter()
            .filter(|r| r["variant"] == "other_boundaries" && r["table"] == "table3")
            .map(|r| {
                let (v, b): (i64, i64) =
                    (r["value"].parse().unwrap(), r["baseline"].parse().unwrap());
                assert_eq!(b, baseline(&r["row"], &r["column"]), "{r:?}");
                ((r["row"].clone(), r["column"].clone()), (v - b, 0))
            })
            .collect();
    assert_eq!(changed, expected);
}

/// The embedded concordance's rows, read as a plain CSV.
fn embedded_countries() -> Vec<BTreeMap<String, String>> {
    read_csv(&root().join("src/normalise/countries.csv"))
}

#[test]
fn country_groups_follow_the_embedded_lists_and_an_independent_recount() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let panel = read_csv(&out.join("tables/panel.csv"));
    let countries = embedded_countries();
    let in_panel: BTreeSet<&str> = panel.iter().map(|r| r["iso3"].as_str()).collect();
    let groups = read_csv(&out.join("tables/groups.csv"));
    // Group sizes: the embedded LDC, LLDC and SIDS lists restricted to the panel.
    for un in ["LDC", "LLDC", "SIDS"] {
        let members: BTreeSet<&str> = countries
            .iter()
            .filter(|c| c["groups"].split('|').any(|g| g == un))
            .map(|c| c["iso3"].as_str())
            .filter(|c| in_panel.contains(c))
            .collect();
        let row = groups
            .iter()
            .find(|g| g["group_kind"] == "un_group" && g["group"] == un && g["year"] == "2024")
            .unwrap();
        assert_eq!(row["countries"], members.len().to_string(), "{un}");
        // The mean and median of EGDI 2024 over those members, recounted from panel.csv.
        let mut values: Vec<f64> = panel
            .iter()
            .filter(|r| r["year"] == "2024" && members.contains(r["iso3"].as_str()))
            .map(|r| r["egdi"].parse::<f64>().unwrap())
            .collect();
        let egdi = groups
            .iter()
            .find(|g| {
                g["group_kind"] == "un_group"
                    && g["group"] == un
                    && g["year"] == "2024"
                    && g["measure"] == "EGDI"
            })
            .unwrap();
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        values.sort_by(f64::total_cmp);
        let n = values.len();
        let median = if n % 2 == 1 {
            values[n / 2]
        } else {
            (values[n / 2 - 1] + values[n / 2]) / 2.0
        };
        assert!(
            (egdi["mean"].parse::<f64>().unwrap() - mean).abs() < 1e-12,
            "{un} mean"
        );
        assert!(
            (egdi["median"].parse::<f64>().unwrap() - median).abs() < 1e-12,
            "{un} median"
        );
    }
    // Region means of every index and year, recounted from panel.csv's region column.
    for g in groups.iter().filter(|g| g["group_kind"] == "region") {
        let column = g["measure"].to_lowercase();
        let values: Vec<f64> = panel
            .iter()
            .filter(|r| r["year"] == g["year"] && r["region"] == g["group"])
            .map(|r| r[&column].parse::<f64>().unwrap())
            .collect();
        assert_eq!(g["countries"], values.len().to_string());
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!(
            (g["mean"].parse::<f64>().unwrap() - mean).abs() < 1e-12,
            "{g:?}"
        );
        let counts: usize = ["very_high", "high", "medium", "low"]
            .iter()
            .map(|k| g[*k].parse::<usize>().unwrap())
            .sum();
        assert_eq!(counts, values.len());
    }
    // Table 1 by group adds up to Table 1 for every partition of the panel.
    let table1 = read_csv(&out.join("tables/table1.csv"));
    let by_group = read_csv(&out.join("tables/groups_table1.csv"));
    for kind in ["region", "subregion", "income"] {
        for row in &table1 {
            let sum: usize = by_group
                .iter()
                .filter(|g| {
                    g["group_kind"] == kind
                        && g["trend"] == row["trend"]
                        && g["levels"] == row["levels"]
                        && g["level"] == row["level"]
                })
                .map(|g| g["count"].parse::<usize>().unwrap())
                .sum();
            assert_eq!(sum.to_string(), row["count"], "{kind} {row:?}");
        }
    }
}

#[test]
fn a_formal_name_used_by_the_input_is_listed_among_the_aliases() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let quality = read_csv(&out.join("tables/quality.csv"));
    let alias = quality
        .iter()
        .find(|r| r["kind"] == "alias" && r["iso3"] == "CZE")
        .expect("`Czech Republic` is listed");
    assert!(
        alias["detail"].starts_with("`Czech Republic` read as Czechia (12 rows"),
        "{alias:?}"
    );
}

#[test]
fn the_report_opens_with_what_the_latest_survey_changed_in_numbers_from_its_tables() {
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    let start = md
        .find("## What the 2024 survey changed (since 2022)")
        .expect("section");
    assert!(
        start < md.find("## 1 Data and panel").unwrap(),
        "it comes before section 1"
    );
    assert!(start > md.find("## Summary").unwrap());
    let latest = read_csv(&out.join("tables/latest.csv"));
    let rank = |l: &str| {
        ["low", "medium", "high", "very_high"]
            .iter()
            .position(|x| *x == l)
    };
    for m in ["EGDI", "OSI", "TII", "HCI"] {
        let rows: Vec<_> = latest.iter().filter(|r| r["measure"] == m).collect();
        let up = rows
            .iter()
            .filter(|r| rank(&r["to_level"]) > rank(&r["from_level"]))
            .count();
        let down = rows.len() - up;
        let sentence = format!(
            "{m}: from 2022 to 2024, {up} of the panel's countries moved to a higher level and \
             {down} to a lower one."
        );
        assert!(md.contains(&sentence), "{sentence}");
    }
    assert!(md.contains(
        "China rose 8 places in the E-Government ranking, from 43 in 2022 to 35 in 2024."
    ));
    let zh_dir = crate::common::scratch();
    let zh_out = zh_dir.path().join("zh");
    let o = run_bin(
        zh_dir.path(),
        &[
            "run",
            "--input",
            bundled_input().to_str().unwrap(),
            "--output",
            zh_out.to_str().unwrap(),
            "--lang",
            "zh",
            "-q",
        ],
    );
    assert!(o.status.success());
    let zh = std::fs::read_to_string(zh_out.join("report.md")).unwrap();
    assert!(
        zh.contains("中国的电子政务排名上升8位，从2022年的第43位升至2024年的第35位。"),
        "{zh}"
    );
}
