//! The command line: exit codes, `--json`, `--check`, configuration, help.

use crate::common::{paper_panel_input, run_bin, scratch, snapshot_dir, stderr, stdout};

fn input() -> String {
    paper_panel_input().to_str().unwrap().to_string()
}

#[test]
fn a_successful_run_exits_0_and_says_what_it_wrote() {
    let work = scratch();
    let out = run_bin(
        work.path(),
        &["run", "--input", &input(), "--output", "out"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("panel of 150 countries (43 left out)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_input_error_exits_2_and_names_the_place() {
    let work = scratch();
    std::fs::create_dir_all(work.path().join("in")).unwrap();
    std::fs::write(
        work.path().join("in/s2018.csv"),
        "Country,EGDI\nNarnia,0.5\n",
    )
    .unwrap();
    let out = run_bin(work.path(), &["run", "--input", "in", "--output", "out"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out)
            .contains("error: `s2018.csv`, row 2, column A (`Country`): unknown country `Narnia`"),
        "{}",
        stderr(&out)
    );
    assert!(
        !work.path().join("out").exists(),
        "a failed run writes nothing"
    );
}

#[test]
fn an_output_path_that_is_a_file_exits_3_and_names_it() {
    let work = scratch();
    std::fs::write(work.path().join("out"), "not a folder").unwrap();
    let out = run_bin(
        work.path(),
        &["run", "--input", &input(), "--output", "out"],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("output `out` cannot be used: it exists and is not a folder"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        std::fs::read_to_string(work.path().join("out")).unwrap(),
        "not a folder"
    );
}

#[test]
fn a_usage_error_exits_2() {
    let work = scratch();
    let out = run_bin(work.path(), &["run", "--lang", "fr"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("invalid value 'fr'"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn help_documents_the_exit_codes() {
    let work = scratch();
    let out = run_bin(work.path(), &["run", "--help"]);
    assert_eq!(out.status.code(), Some(0));
    for line in [
        "0  success",
        "1  differences found",
        "2  input error",
        "3  internal error",
    ] {
        assert!(stdout(&out).contains(line), "`{line}` missing from --help");
    }
}

#[test]
fn json_summary_is_valid_json_with_the_documented_fields() {
    let work = scratch();
    let reference = crate::common::root().join("examples/paper-tables.json");
    let input = input();
    let mut args = vec![
        "run",
        "--input",
        input.as_str(),
        "--output",
        "out",
        "--json",
    ];
    let reference = reference.to_str().unwrap().to_string();
    if std::path::Path::new(&reference).exists() {
        args.extend(["--reference", reference.as_str()]);
    }
    let out = run_bin(work.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).is_empty(),
        "--json keeps stderr quiet: {}",
        stderr(&out)
    );
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("stdout is JSON");
    assert_eq!(json["surveys"].as_array().unwrap().len(), 9);
    assert_eq!(json["panel_size"], 150);
    assert_eq!(json["excluded"], 43);
    let outputs: Vec<&str> = json["outputs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(
        outputs.contains(&"tables/table1.csv") && outputs.contains(&"manifest.json"),
        "{outputs:?}"
    );
    assert!(json["warnings"].is_array());
    assert!(json["changed"].as_array().unwrap().is_empty());
    if args.len() > 7 {
        assert_eq!(json["differences"], 2);
    }
    assert!(
        json["timings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["stage"] == "analysis")
    );
}

#[test]
fn check_exits_0_when_up_to_date_and_1_after_an_input_change_writing_nothing() {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    for e in std::fs::read_dir(paper_panel_input()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, input.join(p.file_name().unwrap())).unwrap();
    }
    let first = run_bin(work.path(), &["run", "--quiet"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let check = run_bin(work.path(), &["run", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(stderr(&check).contains("up to date"), "{}", stderr(&check));

    // Change one EGDI value of China in 2003.
    let path = input.join("EGOV_DATA_2003.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("2003,China"))
        .unwrap()
        .to_string();
    let changed = line.replacen("0.4390", "0.4391", 1);
    assert_ne!(line, changed);
    std::fs::write(&path, text.replace(&line, &changed)).unwrap();
    let before = snapshot_dir(&work.path().join("output"));
    let check = run_bin(work.path(), &["run", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    assert!(
        stderr(&check).contains("tables/figure1.csv"),
        "{}",
        stderr(&check)
    );
    assert!(
        stderr(&check).contains("tables/panel.csv"),
        "{}",
        stderr(&check)
    );
    assert_eq!(
        before,
        snapshot_dir(&work.path().join("output")),
        "--check writes nothing"
    );
}

#[test]
fn a_config_file_in_the_current_folder_is_used_and_bad_keys_are_errors() {
    let work = scratch();
    std::fs::write(
        work.path().join("egov-report.toml"),
        format!(
            "input = '{}'\nfocus = 'IND'\nbenchmarks = ['USA']\n",
            input()
        ),
    )
    .unwrap();
    let out = run_bin(work.path(), &["run", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let fig = std::fs::read_to_string(work.path().join("output/tables/figure1.csv")).unwrap();
    assert_eq!(fig.lines().next(), Some("year,USA,IND"));

    std::fs::write(work.path().join("egov-report.toml"), "focus = 'XXX'\n").unwrap();
    let out = run_bin(work.path(), &["run", "--input", &input(), "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`focus`: `XXX` is not a known country code"),
        "{}",
        stderr(&out)
    );

    std::fs::write(
        work.path().join("egov-report.toml"),
        "[levels]\nthreshold = [0.2, 0.4, 0.6]\n",
    )
    .unwrap();
    let out = run_bin(work.path(), &["run", "--input", &input(), "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("unknown field `threshold`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_fixed_panel_is_used_exactly_and_an_incomplete_member_is_an_error() {
    let work = scratch();
    std::fs::write(
        work.path().join("egov-report.toml"),
        "panel_countries = ['CHN', 'USA', 'AUS', 'GBR', 'CAN']\n",
    )
    .unwrap();
    let out = run_bin(work.path(), &["run", "--input", &input(), "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let panel = std::fs::read_to_string(work.path().join("output/tables/panel.csv")).unwrap();
    assert_eq!(panel.lines().count(), 1 + 5 * 9);

    std::fs::write(
        work.path().join("egov-report.toml"),
        "panel_countries = ['CHN', 'AFG']\n",
    )
    .unwrap();
    let out = run_bin(work.path(), &["run", "--input", &input(), "--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("panel country AFG has no usable OSI in 2004"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn validate_prints_what_was_read_and_writes_nothing() {
    let work = scratch();
    let out = run_bin(work.path(), &["validate", "--input", &input()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("EGOV_DATA_2010.xlsx [EGOV_DATA_2010]: wide, header row 1, year from column"),
        "{text}"
    );
    assert!(
        text.contains(
            "panel: 150 countries (Africa 32, Americas 30, Asia 40, Europe 41, Oceania 7)"
        ),
        "{text}"
    );
    assert!(
        text.contains("`Korea, South` -> KOR Republic of Korea"),
        "{text}"
    );
    assert!(!work.path().join("output").exists());
}
