//! `egov-report profile`: one country's page on the bundled real data, its numbers checked
//! against the tidy CSVs of a normal run, its languages, its `--json` and its refusals.

use std::path::{Path, PathBuf};
use std::process::Output;

use crate::common::{bundled_input, copy_dir, read_csv, root, run_bin, scratch, stderr, stdout};

/// A scratch folder with a normal run of the bundled input in `output/`.
fn with_run() -> (tempfile::TempDir, PathBuf) {
    let dir = scratch();
    let input = bundled_input();
    let out = run_bin(
        dir.path(),
        &[
            "run",
            "-q",
            "--input",
            input.to_str().unwrap(),
            "--output",
            "output",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let tables = dir.path().join("output/tables");
    (dir, tables)
}

fn profile(cwd: &Path, args: &[&str]) -> Output {
    let input = bundled_input();
    let mut all = vec!["profile"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--input", input.to_str().unwrap()]);
    run_bin(cwd, &all)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The Markdown table row of one survey year.
fn year_row<'a>(page: &'a str, year: &str) -> &'a str {
    page.lines()
        .find(|l| l.starts_with(&format!("| {year} |")))
        .unwrap_or_else(|| panic!("no row for {year}"))
}

fn json(out: &Output) -> serde_json::Value {
    assert_eq!(out.status.code(), Some(0), "{}", stderr(out));
    serde_json::from_str(&stdout(out)).expect("stdout is JSON")
}

/// Words of two or more Latin letters left in a page once codes and abbreviations are removed.
fn english_words(page: &str, allowed: &[&str]) -> Vec<String> {
    let mut words: Vec<String> = Vec::new();
    let mut word = String::new();
    for c in page.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphabetic() {
            word.push(c);
        } else {
            if word.len() > 1 && !allowed.contains(&word.as_str()) && !words.contains(&word) {
                words.push(word.clone());
            }
            word.clear();
        }
    }
    words
}

#[test]
fn the_profile_of_china_in_both_languages_shows_the_values_and_ranks_of_the_tables() {
    let (dir, tables) = with_run();
    let out = profile(dir.path(), &["CHN"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let folder = dir.path().join("profiles/CHN");
    for file in [
        "profile.en.md",
        "profile.en.html",
        "profile.zh.md",
        "profile.zh.html",
        "figures/profile.en.svg",
        "figures/profile.zh.svg",
    ] {
        assert!(folder.join(file).is_file(), "{file} missing");
    }
    for png in ["figures/profile.en.png", "figures/profile.zh.png"] {
        let bytes = std::fs::read(folder.join(png)).unwrap();
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{png}");
    }
    let en = read(&folder.join("profile.en.md"));
    let zh = read(&folder.join("profile.zh.md"));
    let panel: Vec<_> = read_csv(&tables.join("panel.csv"))
        .into_iter()
        .filter(|r| r["iso3"] == "CHN")
        .collect();
    let ranks: Vec<_> = read_csv(&tables.join("ranks.csv"))
        .into_iter()
        .filter(|r| r["iso3"] == "CHN")
        .collect();
    assert_eq!(panel.len(), 12);
    for row in &panel {
        let egdi: f64 = row["egdi"].parse().unwrap();
        let hci: f64 = row["hci"].parse().unwrap();
        let rank = ranks.iter().find(|r| r["year"] == row["year"]).unwrap();
        for page in [&en, &zh] {
            let cells = year_row(page, &row["year"]);
            assert!(cells.contains(&format!("| {egdi:.4} |")), "{cells}");
            assert!(cells.contains(&format!("| {hci:.4} |")), "{cells}");
            assert!(cells.contains(&format!("| {} |", rank["rank"])), "{cells}");
        }
    }
    let last_rank = &ranks.last().unwrap()["rank"];
    assert_eq!(last_rank, "35");
    let egdi_2024: f64 = panel.last().unwrap()["egdi"].parse().unwrap();
    assert!(
        en.contains(&format!(
            "In 2024, China had an EGDI of {egdi_2024:.4}, at the very high level, and the \
             E-Government rank 35 (published). It rose 8 places since 2022 (rank 43)."
        )),
        "{en}"
    );
    assert!(
        zh.contains("电子政务排名第35位（联合国公布）。与2022年（第43位）相比上升8位。"),
        "{zh}"
    );
    assert!(en.contains("China is one of the 163 countries of the balanced panel"));
    // Position within Asia in 2024: 1 + the Asian countries with a better rank in ranks.csv.
    let countries = read_csv(&root().join("src/normalise/countries.csv"));
    let asia: Vec<&str> = countries
        .iter()
        .filter(|c| c["region"] == "Asia")
        .map(|c| c["iso3"].as_str())
        .collect();
    let ranked_2024: Vec<u32> = read_csv(&tables.join("ranks.csv"))
        .iter()
        .filter(|r| r["year"] == "2024" && asia.contains(&r["iso3"].as_str()))
        .map(|r| r["rank"].parse().unwrap())
        .collect();
    let better = ranked_2024.iter().filter(|&&r| r < 35).count();
    let position = format!(
        "| Region (M49) | Asia | {} of {} |",
        better + 1,
        ranked_2024.len()
    );
    assert!(en.contains(&position), "{position} not in\n{en}");
    // The zh pages say nothing in English beyond codes and abbreviations.
    let allowed = [
        "EGDI", "OSI", "TII", "HCI", "EPI", "CHN", "egov", "report", "figures", "profile", "zh",
        "svg",
    ];
    assert_eq!(english_words(&zh, &allowed), Vec::<String>::new());
    let html = read(&folder.join("profile.zh.html"));
    assert!(html.contains("<html lang=\"zh-Hans\">"));
    assert!(html.contains("<svg width=\"960\""), "the figure is inlined");
    assert!(
        !html.contains("<?xml"),
        "the figure is inlined without its prolog"
    );
    let svg = read(&folder.join("figures/profile.en.svg"));
    assert!(svg.contains(
        "<title>China: EGDI, OSI, TII, HCI and EPI, beside the Asia mean EGDI of the panel"
    ));
}

#[test]
fn the_profile_of_micronesia_says_why_it_is_out_of_the_panel_and_shows_its_2003_hci_finding() {
    let (dir, tables) = with_run();
    let out = profile(dir.path(), &["FSM", "--lang", "all"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let folder = dir.path().join("profiles/FSM");
    let en = read(&folder.join("profile.en.md"));
    let zh = read(&folder.join("profile.zh.md"));
    let quality = read_csv(&tables.join("quality.csv"));
    let excluded = quality
        .iter()
        .find(|q| q["kind"] == "excluded" && q["iso3"] == "FSM")
        .expect("FSM is excluded");
    assert_eq!(excluded["detail"], "2008 EGDI 0; 2010 EGDI 0");
    assert!(
        en.contains(
            "Micronesia is not in the balanced panel of 163 countries, because of 2008: EGDI is \
             0 and 2010: EGDI is 0."
        ),
        "{en}"
    );
    let above = quality
        .iter()
        .find(|q| q["kind"] == "above_range" && q["iso3"] == "FSM")
        .unwrap();
    assert_eq!(
        (above["year"].as_str(), above["value"].as_str()),
        ("2003", "1.422")
    );
    assert!(en.contains("Micronesia, HCI 2003: 1.422 (above 1)"), "{en}");
    assert!(zh.contains("2003年HCI"), "{zh}");
    assert!(zh.contains("1.422（上限1）"), "{zh}");
    // The 2003 row shows the HCI as published and the EGDI-0 surveys as not assessed.
    assert!(year_row(&en, "2003").contains("| 1.4220 |"));
    assert!(year_row(&en, "2008").contains("not assessed"));
    let rank_2024 = read_csv(&tables.join("ranks.csv"))
        .into_iter()
        .find(|r| r["iso3"] == "FSM" && r["year"] == "2024")
        .unwrap();
    assert!(en.contains(&format!(
        "E-Government rank {} (published)",
        rank_2024["rank"]
    )));
    assert!(en.contains("| UN country group | Small Island Developing States (SIDS) |"));
}

#[test]
fn a_country_out_of_the_panel_and_missing_from_a_survey_gets_a_profile_and_json() {
    let dir = scratch();
    let input = dir.path().join("input");
    copy_dir(&bundled_input(), &input);
    // Germany's row of the 2024 survey is taken out: it is then absent from one survey.
    let file = input.join("EGOV_DATA_2024.csv");
    let text = read(&file);
    let kept: Vec<&str> = text.lines().filter(|l| !l.contains("Germany")).collect();
    assert_eq!(kept.len() + 1, text.lines().count());
    std::fs::write(&file, kept.join("\n") + "\n").unwrap();
    let out = run_bin(
        dir.path(),
        &[
            "profile", "Germany", "--lang", "en", "--json", "--output", "deu",
        ],
    );
    let summary = json(&out);
    let schema: serde_json::Value =
        serde_json::from_str(&read(&root().join("docs/json-schema/profile.schema.json"))).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&summary)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(summary["iso3"], "DEU");
    assert_eq!(summary["in_panel"], false);
    assert_eq!(summary["gaps"], serde_json::json!(["2024 absent"]));
    let surveys = summary["surveys"].as_array().unwrap();
    assert_eq!(surveys.len(), 12);
    let last = surveys.last().unwrap();
    assert_eq!(
        (last["year"].as_u64(), last["present"].as_bool()),
        (Some(2024), Some(false))
    );
    assert!(last["rank"].is_null());
    assert_eq!(surveys[10]["year"], 2022);
    assert!(surveys[10]["rank"].as_u64().is_some());
    let page = read(&dir.path().join("deu/profile.en.md"));
    assert!(year_row(&page, "2024").contains("| no row |"), "{page}");
    assert!(
        page.contains("Germany is not in the balanced panel"),
        "{page}"
    );
    assert!(page.contains("In 2022, Germany had an EGDI of"), "{page}");
    let outputs: Vec<&str> = summary["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o.as_str().unwrap())
        .collect();
    assert_eq!(
        outputs,
        [
            "figures/profile.en.png",
            "figures/profile.en.svg",
            "profile.en.html",
            "profile.en.md"
        ]
    );
    assert!(!dir.path().join("deu/profile.zh.md").exists());
}

#[test]
fn a_name_or_alias_is_accepted_in_place_of_the_code() {
    let dir = scratch();
    let out = profile(dir.path(), &["Korea, South", "--lang", "zh", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).is_empty(), "{}", stderr(&out));
    let page = read(&dir.path().join("profiles/KOR/profile.zh.md"));
    assert!(page.starts_with("# 电子政务国家概况：韩国"), "{page}");
}

#[test]
fn an_unknown_country_is_an_input_error_with_the_closest_names_and_writes_nothing() {
    let dir = scratch();
    let out = profile(dir.path(), &["Germny"]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("error: unknown country `Germny`: not a code or name the concordance knows"),
        "{err}"
    );
    assert!(
        err.contains("hint: the closest known names are `Germany` (`DEU`)"),
        "{err}"
    );
    assert!(!dir.path().join("profiles").exists());
}

#[test]
fn a_profile_folder_overlapping_the_input_or_the_run_output_is_refused_and_nothing_changes() {
    let (dir, _tables) = with_run();
    let work = dir.path();
    let input = work.join("input");
    copy_dir(&bundled_input(), &input);
    let before = crate::common::snapshot_dir(work);
    let cases = [
        ("input/chn", "lies inside the input folder"),
        ("output", "is the run's output folder"),
        ("output/profiles", "lies inside the run's output folder"),
        (".", "contains the input"),
    ];
    for (folder, relation) in cases {
        let out = run_bin(work, &["profile", "CHN", "--output", folder]);
        assert_eq!(out.status.code(), Some(2), "{folder}: {}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!("`{folder}` {relation}")),
            "{folder}: {err}"
        );
        assert!(err.contains("hint: "), "{err}");
    }
    assert!(
        crate::common::snapshot_dir(work) == before,
        "a refused profile changed files"
    );
}

#[test]
fn every_member_state_gets_a_profile_in_both_languages() {
    use egov_report::config::{Config, Lang};
    let dir = scratch();
    let config = Config::with_defaults(bundled_input(), dir.path().join("output"));
    let prepared = egov_report::prepare(&config, &egov_report::no_progress).unwrap();
    let profiles: Vec<_> = prepared
        .normalised
        .concordance
        .iter()
        .map(|(id, country)| {
            let p = egov_report::analysis::profile::profile(
                &prepared.normalised,
                &prepared.panel,
                &prepared.results,
                id,
            );
            (country.iso3.clone(), p)
        })
        .collect();
    let (product, _) = prepared.into_product();
    let out_of_panel = profiles.iter().filter(|(_, p)| !p.in_panel).count();
    egov_report::with_context(&config, &product, |ctx| {
        for (iso3, p) in &profiles {
            let files = egov_report::render::profile::render(ctx, p, &[Lang::En, Lang::Zh])
                .unwrap_or_else(|e| panic!("{iso3}: {e}"));
            assert_eq!(files.len(), 8, "{iso3}");
            let page = files.iter().find(|a| a.path == "profile.en.md").unwrap();
            let text = String::from_utf8_lossy(&page.bytes);
            assert!(text.contains(&format!("({iso3})")), "{iso3}");
        }
        Ok(())
    })
    .unwrap();
    assert_eq!(profiles.len(), 193);
    assert_eq!(out_of_panel, 193 - product.panel.len());
}
