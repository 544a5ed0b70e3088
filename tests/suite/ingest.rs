//! Stages 1-3: the bundled input, the real UN exports, and every input error kind.

use std::collections::BTreeMap;
use std::path::Path;

use egov_report::config::Config;
use egov_report::model::{Measure, Region, Year};
use egov_report::normalise::Normalised;
use egov_report::normalise::country::Concordance;

use crate::common::{expected_dir, paper_panel_input, real_data, run_bin, scratch, stderr, stdout};

fn normalise(input: &Path) -> egov_report::error::Result<Normalised> {
    let ingested = egov_report::ingest::read_inputs(input)?;
    egov_report::normalise::normalise(&ingested, std::sync::Arc::new(Concordance::embedded()))
}

fn config(input: &Path) -> Config {
    Config::with_defaults(input.to_path_buf(), scratch().path().join("unused"))
}

#[test]
fn the_paper_panel_input_gives_the_papers_150_country_panel_by_region() {
    let n = normalise(&paper_panel_input()).unwrap();
    let panel = egov_report::panel::build(&n, &config(&paper_panel_input()), None).unwrap();
    assert_eq!(panel.len(), 150);
    let count = |r| panel.regions.iter().filter(|x| **x == r).count();
    assert_eq!(
        [
            count(Region::Europe),
            count(Region::Americas),
            count(Region::Asia),
            count(Region::Africa),
            count(Region::Oceania)
        ],
        [41, 30, 40, 32, 7]
    );
    let years: Vec<u16> = panel.years.iter().map(|y| y.get()).collect();
    assert_eq!(
        years,
        [2003, 2004, 2005, 2008, 2010, 2012, 2014, 2016, 2018]
    );
}

#[test]
fn every_exclusion_of_the_paper_panel_input_is_explained() {
    let n = normalise(&paper_panel_input()).unwrap();
    let panel = egov_report::panel::build(&n, &config(&paper_panel_input()), None).unwrap();
    assert_eq!(panel.exclusions.len(), 193 - 150);
    let why: BTreeMap<String, String> = panel
        .exclusions
        .iter()
        .map(|e| {
            assert!(
                !e.gaps.is_empty(),
                "{} excluded without a reason",
                e.country
            );
            let gaps: Vec<String> = e
                .gaps
                .iter()
                .map(egov_report::panel::Gap::describe)
                .collect();
            (n.concordance.get(e.country).iso3.clone(), gaps.join("; "))
        })
        .collect();
    // The reasons the input's README gives for a sample of countries.
    assert_eq!(why["AFG"], "2004 OSI missing");
    assert_eq!(why["CAF"], "2012 EGDI 0");
    assert_eq!(why["DMA"], "2005 absent");
    assert_eq!(why["KIR"], "2003 absent; 2010 EGDI 0; HCI missing");
    assert_eq!(
        why["SSD"],
        "2003 absent; 2004 absent; 2005 absent; 2008 absent; 2010 EGDI, OSI, TII, HCI missing"
    );
}

#[test]
fn every_fact_of_the_paper_panel_input_equals_the_fixture_truth() {
    let truth = crate::common::root().join("tests/fixtures/paper-panel/truth.csv");
    let n = normalise(&paper_panel_input()).unwrap();
    let mut reader = csv::Reader::from_path(truth).unwrap();
    let mut rows = 0;
    for r in reader.records() {
        let r = r.unwrap();
        let country = n.concordance.by_code(&r[0]).unwrap();
        assert_eq!(n.concordance.get(country).name_en, &r[1]);
        assert_eq!(n.region(country).name(), &r[2]);
        let year = Year::new(r[3].parse().unwrap()).unwrap();
        let measure = Measure::from_key(&r[4]).unwrap();
        let expected: f64 = r[5].parse().unwrap();
        let got = n.facts.value(country, year, measure);
        assert!(
            got.is_some_and(|v| (v - expected).abs() < 1e-9),
            "{} {year} {measure}: {got:?} vs {expected}",
            &r[0]
        );
        rows += 1;
    }
    assert_eq!(n.facts.len(), rows, "facts beyond the truth table");
}

#[test]
fn panel_csv_equals_the_expected_file_byte_for_byte() {
    let (_guard, out) = crate::common::run_paper_panel(&[]);
    let got = std::fs::read(out.join("tables/panel.csv")).unwrap();
    let want = std::fs::read(expected_dir().join("panel.csv")).unwrap();
    assert!(
        got == want,
        "tables/panel.csv differs from the expected file"
    );
}

#[test]
fn every_real_un_file_reads_alone_with_193_member_states_per_survey() {
    let Some(dir) = real_data("every_real_un_file_reads_alone_with_193_member_states_per_survey")
    else {
        return;
    };
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.ends_with(".md") {
            continue;
        }
        let n = normalise(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut per_year: BTreeMap<Year, usize> = BTreeMap::new();
        for (_, y) in &n.rows_seen {
            *per_year.entry(*y).or_default() += 1;
        }
        if name.starts_with("countries") {
            assert!(per_year.is_empty(), "{name} is a reference table");
            let reference = n
                .tables
                .iter()
                .filter(|t| t.shape == egov_report::normalise::TableShape::CountryReference);
            assert!(reference.map(|t| t.countries).all(|c| c == 193), "{name}");
        } else {
            assert_eq!(per_year.len(), 1, "{name}: {per_year:?}");
            assert_eq!(per_year.values().next(), Some(&193), "{name}");
        }
    }
}

#[test]
fn the_2018_survey_gives_the_same_index_facts_from_three_real_exports() {
    let Some(dir) = real_data("the_2018_survey_gives_the_same_index_facts_from_three_real_exports")
    else {
        return;
    };
    let y2018 = Year::new(2018).unwrap();
    let facts = |file: &str| {
        let n = normalise(&dir.join(file)).unwrap();
        let mut out = Vec::new();
        for (k, f) in n.facts.iter() {
            if k.1 == y2018 && Measure::DEFAULT_ANALYSED.contains(&k.2) {
                out.push((n.concordance.get(k.0).iso3.clone(), k.2, f.value));
            }
        }
        out
    };
    let a = facts("egdi-2018.csv");
    assert_eq!(a.len(), 193 * 4);
    assert_eq!(a, facts("egdi-2018.xlsx"));
    assert_eq!(a, facts("EGOV_DATA_2018.csv"));
    let china: Vec<f64> = a
        .iter()
        .filter(|(c, _, _)| c == "CHN")
        .map(|x| x.2)
        .collect();
    assert_eq!(china, [0.6811, 0.8611, 0.4735, 0.7088]);
}

#[test]
fn the_whole_real_folder_reads_at_once_and_validate_reports_its_panel() {
    let Some(dir) = real_data("the_whole_real_folder_reads_at_once_and_validate_reports_its_panel")
    else {
        return;
    };
    let work = scratch();
    let out = run_bin(
        work.path(),
        &["validate", "--input", dir.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let surveys: Vec<&String> = json["surveys"].as_object().unwrap().keys().collect();
    assert_eq!(
        surveys,
        ["2010", "2012", "2014", "2016", "2018", "2022", "2024"]
    );
    assert!(
        json["surveys"]
            .as_object()
            .unwrap()
            .values()
            .all(|n| n == 193)
    );
    assert_eq!(json["panel_size"], 180);
    let by_region: u64 = json["panel_by_region"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum();
    assert_eq!(by_region, 180);
    assert_eq!(json["exclusions"].as_array().unwrap().len(), 13);
    // The 2024 re-export puts Armenia in Europe: a note, not a change of region.
    assert_eq!(json["region_notes"], 3);
    // Duplicate sources (csv and xlsx of the same survey, 2018 three times) merge silently.
    let text = run_bin(work.path(), &["validate", "--input", dir.to_str().unwrap()]);
    assert!(
        stdout(&text).contains("`BHM` -> BHS Bahamas"),
        "{}",
        stdout(&text)
    );
}

/// Writes `files` into a fresh input folder and runs `validate` on it; returns stderr.
fn validate_error(files: &[(&str, Vec<u8>)]) -> String {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    for (name, bytes) in files {
        std::fs::write(input.join(name), bytes).unwrap();
    }
    let out = run_bin(
        work.path(),
        &["validate", "--input", input.to_str().unwrap()],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "validate should fail: {}",
        stdout(&out)
    );
    stderr(&out)
}

const HEADER: &str = "Survey Year,Country Name,E-Government Index,Online Service Index,Human Capital Index,Telecommunication Infrastructure Index\n";

fn csv(rows: &str) -> Vec<u8> {
    format!("{HEADER}{rows}").into_bytes()
}

fn xlsx(sheet: &str, rows: &[&[&str]]) -> Vec<u8> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet().set_name(sheet).unwrap();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (u32::try_from(r).unwrap(), u16::try_from(c).unwrap());
            match cell.parse::<f64>() {
                Ok(v) => ws.write_number(r, c, v).unwrap(),
                Err(_) => ws.write_string(r, c, *cell).unwrap(),
            };
        }
    }
    wb.save_to_buffer().unwrap()
}

#[track_caller]
fn assert_names(message: &str, parts: &[&str]) {
    for p in parts {
        assert!(message.contains(p), "`{p}` missing from:\n{message}");
    }
}

#[test]
fn a_table_with_measures_but_no_year_is_an_error_naming_it() {
    let e = validate_error(&[(
        "scores.xlsx",
        xlsx("Data", &[&["Country", "EGDI"], &["China", "0.5"]]),
    )]);
    assert_names(&e, &["sheet `Data` of `scores.xlsx`", "no survey year"]);
}

#[test]
fn an_unknown_country_is_an_error_naming_the_cell_and_the_closest_names() {
    let e = validate_error(&[("s2018.csv", csv("2018,Germny,0.5,0.5,0.5,0.5\n"))]);
    assert_names(
        &e,
        &[
            "`s2018.csv`, row 2, column B (`Country Name`)",
            "unknown country `Germny`",
            "`Germany`",
        ],
    );
}

#[test]
fn a_non_numeric_value_is_an_error_naming_the_cell() {
    let e = validate_error(&[(
        "s.xlsx",
        xlsx(
            "2018",
            &[&["Country", "EGDI", "OSI"], &["China", "0.5", "high"]],
        ),
    )]);
    assert_names(
        &e,
        &[
            "sheet `2018` of `s.xlsx`, row 2, column C (`OSI`)",
            "`high` is not a number",
        ],
    );
}

#[test]
fn a_value_out_of_range_is_an_error_naming_the_cell_and_range() {
    let e = validate_error(&[("s2018.csv", csv("2018,China,1.5,0.5,0.5,0.5\n"))]);
    assert_names(
        &e,
        &[
            "`s2018.csv`, row 2, column C (`E-Government Index`)",
            "1.5 is outside the range of EGDI (0 to 1)",
        ],
    );
}

#[test]
fn a_country_twice_in_one_table_is_an_error_naming_both_rows() {
    let e = validate_error(&[(
        "s2018.csv",
        csv("2018,China,0.5,0.5,0.5,0.5\n2018,china ,0.5,0.6,0.5,0.5\n"),
    )]);
    assert_names(
        &e,
        &[
            "`s2018.csv`, row 3",
            "China (2018) appears a second time with other values",
            "first at `s2018.csv`, row 2",
        ],
    );
}

#[test]
fn two_sources_disagreeing_is_an_error_naming_both_cells() {
    let e = validate_error(&[
        ("a2018.csv", csv("2018,China,0.5,0.5,0.5,0.5\n")),
        (
            "b.xlsx",
            xlsx("2018", &[&["Country", "EGDI"], &["China", "0.6"]]),
        ),
    ]);
    assert_names(
        &e,
        &[
            "China 2018 EGDI",
            "`a2018.csv`, row 2, column C (`E-Government Index`) gives 0.5",
            "sheet `2018` of `b.xlsx`, row 2, column B (`EGDI`) gives 0.6",
        ],
    );
}

#[test]
fn equal_duplicates_within_float_noise_merge_silently() {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("a2018.csv"),
        csv("2018,China,0.12857,0.5,0.5,0.5\n2018,India,0.4,0.5,0.5,0.5\n"),
    )
    .unwrap();
    std::fs::write(
        input.join("b2018.csv"),
        csv("2018,China,0.12857000000000002,0.5,0.5,0.5\n"),
    )
    .unwrap();
    std::fs::write(
        input.join("c2016.csv"),
        csv("2016,China,0.2,0.5,0.5,0.5\n2016,India,0.3,0.5,0.5,0.5\n"),
    )
    .unwrap();
    let n = normalise(&input).unwrap();
    let china = n.concordance.by_code("CHN").unwrap();
    let fact = n
        .facts
        .get(china, Year::new(2018).unwrap(), Measure::Egdi)
        .unwrap();
    assert_eq!(fact.value, 0.12857);
    assert_eq!(
        fact.source.table().file,
        "a2018.csv",
        "the first source in path order is kept"
    );
}

#[test]
fn a_corrupt_workbook_is_an_error_naming_the_file() {
    let mut bytes = xlsx("2018", &[&["Country", "EGDI"], &["China", "0.5"]]);
    bytes.truncate(bytes.len() / 2);
    let e = validate_error(&[("broken.xlsx", bytes)]);
    assert_names(&e, &["`broken.xlsx` is not a readable workbook"]);
}

#[test]
fn an_empty_file_is_an_error_naming_it() {
    let e = validate_error(&[("empty.csv", Vec::new())]);
    assert_names(&e, &["`empty.csv` is empty"]);
}

#[test]
fn measures_without_a_country_column_are_an_error_naming_the_sheet() {
    let e = validate_error(&[(
        "s.xlsx",
        xlsx(
            "2018",
            &[&["Nation", "EGDI", "OSI"], &["China", "0.5", "0.5"]],
        ),
    )]);
    assert_names(
        &e,
        &["sheet `2018` of `s.xlsx` has measure columns (`EGDI`, `OSI`) but no country column"],
    );
}

#[test]
fn a_year_column_contradicting_the_sheet_name_is_an_error_naming_both_years() {
    let e = validate_error(&[(
        "s.xlsx",
        xlsx(
            "2016",
            &[&["Year", "Country", "EGDI"], &["2018", "China", "0.5"]],
        ),
    )]);
    assert_names(
        &e,
        &[
            "sheet `2016` of `s.xlsx`, row 2, column A (`Year`)",
            "the year column says 2018 but the sheet name says 2016",
        ],
    );
}

#[test]
fn every_error_of_a_file_is_reported_not_only_the_first() {
    let e = validate_error(&[(
        "s2018.csv",
        csv("2018,Atlantis,0.5,0.5,0.5,0.5\n2018,China,x,0.5,0.5,0.5\n2018,India,0.5,0.5,0.5,7\n"),
    )]);
    assert_names(
        &e,
        &[
            "3 errors",
            "Atlantis",
            "`x` is not a number",
            "7 is outside the range of TII",
        ],
    );
}

#[test]
fn the_header_is_found_below_title_rows_and_the_long_layout_is_read() {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    let wide = xlsx(
        "Annex 2018",
        &[
            &["UN E-Government Survey 2018"],
            &["Annex table"],
            &[
                "Country Name",
                "E_Index",
                "Online_Service",
                "Human_Capital",
                "Tele_Infra",
            ],
            &["Korea, South", "0.9", "0.9", "0.9", "0.9"],
        ],
    );
    std::fs::write(input.join("annex.xlsx"), wide).unwrap();
    std::fs::write(
        input.join("long.csv"),
        "year;iso3;measure;value\n2016;KOR;EGDI;0,8\n2016;KOR;osi;0.7\n",
    )
    .unwrap();
    let n = normalise(&input).unwrap();
    let kor = n.concordance.by_code("KOR").unwrap();
    assert_eq!(
        n.facts.value(kor, Year::new(2018).unwrap(), Measure::Tii),
        Some(0.9)
    );
    assert_eq!(
        n.facts.value(kor, Year::new(2016).unwrap(), Measure::Egdi),
        Some(0.8)
    );
    assert_eq!(
        n.facts.value(kor, Year::new(2016).unwrap(), Measure::Osi),
        Some(0.7)
    );
    assert_eq!(n.tables[0].header_row, Some(3));
    assert_eq!(n.aliases.len(), 1);
    assert_eq!(n.aliases[0].written, "Korea, South");
}

#[test]
fn a_country_reference_table_overrides_regions_and_a_survey_region_column_only_notes() {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(input.join("ref.csv"), "ISO3,Region\nCYP,Europe\n").unwrap();
    std::fs::write(
        input.join("s2018.csv"),
        "Country,EGDI,Region\nArmenia,0.5,Europe\nChile,0.6,America\n",
    )
    .unwrap();
    let n = normalise(&input).unwrap();
    let cyp = n.concordance.by_code("CYP").unwrap();
    let arm = n.concordance.by_code("ARM").unwrap();
    assert_eq!(n.region(cyp), Region::Europe);
    assert_eq!(n.region_overrides.len(), 1);
    assert_eq!(n.region(arm), Region::Asia);
    assert_eq!(
        n.region_notes.len(),
        1,
        "`America` is Americas, not a disagreement"
    );
    assert_eq!(n.region_notes[0].written, "Europe");
}
