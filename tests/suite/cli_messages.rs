//! What each command prints: `-q` and `-v` alike everywhere, counts in words, `synth` folders,
//! an empty `SOURCE_DATE_EPOCH`.

use crate::common::{paper_panel_input, run_bin, run_bin_env, scratch, stderr, stdout};

/// Each command with the arguments that make it succeed in `dir` (which `synth` may fill).
fn commands(dir: &std::path::Path) -> Vec<(&'static str, Vec<String>)> {
    let input = paper_panel_input().to_str().unwrap().to_string();
    let out = dir.join("out").to_str().unwrap().to_string();
    let synth = dir.join("synth").to_str().unwrap().to_string();
    vec![
        (
            "run",
            vec![
                "run".into(),
                "--input".into(),
                input.clone(),
                "--output".into(),
                out,
            ],
        ),
        ("validate", vec!["validate".into(), "--input".into(), input]),
        (
            "synth",
            [
                "synth",
                "--countries",
                "3",
                "--surveys",
                "2",
                "--force",
                "--out",
            ]
            .iter()
            .map(ToString::to_string)
            .chain([synth])
            .collect(),
        ),
    ]
}

fn has_timings(text: &str) -> bool {
    text.lines().any(|l| l.trim_end().ends_with(" ms"))
}

#[test]
fn quiet_and_verbose_mean_the_same_for_every_command() {
    let work = scratch();
    for (name, args) in commands(work.path()) {
        let with = |flag: Option<&str>| {
            let mut a: Vec<&str> = args.iter().map(String::as_str).collect();
            a.extend(flag);
            run_bin(work.path(), &a)
        };
        let quiet = with(Some("-q"));
        assert_eq!(
            quiet.status.code(),
            Some(0),
            "{name} -q: {}",
            stderr(&quiet)
        );
        assert_eq!(stderr(&quiet), "", "{name} -q prints nothing on stderr");
        assert_eq!(stdout(&quiet), "", "{name} -q prints nothing on stdout");

        let plain = with(None);
        assert_eq!(plain.status.code(), Some(0), "{name}: {}", stderr(&plain));
        let all = stdout(&plain) + &stderr(&plain);
        assert!(!all.is_empty(), "{name} says what it did");
        assert!(
            !has_timings(&all),
            "{name} without -v prints no timings: {all}"
        );

        let verbose = with(Some("-v"));
        assert_eq!(
            verbose.status.code(),
            Some(0),
            "{name} -v: {}",
            stderr(&verbose)
        );
        assert!(
            has_timings(&stderr(&verbose)),
            "{name} -v prints the time per stage: {}",
            stderr(&verbose)
        );

        let both = with(Some("-qv"));
        assert_eq!(both.status.code(), Some(2), "{name} -q -v is a usage error");
        assert!(
            stderr(&both).contains("cannot be used with"),
            "{}",
            stderr(&both)
        );
    }
}

#[test]
fn counts_of_one_are_singular() {
    let work = scratch();
    let input = work.path().join("in");
    std::fs::create_dir_all(&input).unwrap();
    std::fs::write(
        input.join("surveys.csv"),
        "Year,Country,EGDI,OSI,TII,HCI\n2016,China,0.6,0.7,0.3,0.7\n2018,China,0.7,0.8,0.4,0.7\n",
    )
    .unwrap();
    let input = input.to_str().unwrap();
    let v = run_bin(work.path(), &["validate", "--input", input]);
    assert_eq!(v.status.code(), Some(0), "{}", stderr(&v));
    let text = stdout(&v);
    assert!(text.contains("read 1 file from"), "{text}");
    assert!(
        text.contains("years 2016,2018, 1 country, measures"),
        "{text}"
    );
    assert!(text.contains("panel: 1 country ("), "{text}");
    assert!(text.contains("(CSV, 84 bytes)"), "{text}");
    assert!(!text.contains("Csv") && !text.contains("Wide"), "{text}");

    let r = run_bin(
        work.path(),
        &[
            "run",
            "--input",
            input,
            "--output",
            "out",
            "--benchmarks",
            "USA",
        ],
    );
    assert_eq!(r.status.code(), Some(0), "{}", stderr(&r));
    assert!(
        stderr(&r).contains("2 surveys (2016, 2018), panel of 1 country (0 left out)"),
        "{}",
        stderr(&r)
    );
}

#[test]
fn synth_refuses_a_folder_with_files_and_force_replaces_only_its_own() {
    let work = scratch();
    let dir = work.path().join("synth");
    let d = dir.to_str().unwrap();
    let synth = |surveys: &str, force: bool| {
        let mut a = vec![
            "synth",
            "--countries",
            "3",
            "--surveys",
            surveys,
            "--out",
            d,
            "-q",
        ];
        if force {
            a.push("--force");
        }
        run_bin(work.path(), &a)
    };
    assert_eq!(synth("4", false).status.code(), Some(0));
    assert!(dir.join("input/EGOV_DATA_2007.csv").is_file());
    std::fs::write(dir.join("notes.txt"), "mine").unwrap();

    let refused = synth("2", false);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("is not empty"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("`--force`"),
        "{}",
        stderr(&refused)
    );
    assert!(
        dir.join("input/EGOV_DATA_2007.csv").is_file(),
        "nothing removed"
    );

    assert_eq!(synth("2", true).status.code(), Some(0));
    assert!(
        !dir.join("input/EGOV_DATA_2007.csv").exists(),
        "stale survey removed"
    );
    assert!(
        !dir.join("input/EGOV_DATA_2005.csv").exists(),
        "stale survey removed"
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("notes.txt")).unwrap(),
        "mine"
    );
    let config = dir.join("egov-report.toml");
    let run = run_bin(
        work.path(),
        &[
            "run",
            "--config",
            config.to_str().unwrap(),
            "--output",
            "out",
            "--json",
        ],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let json: serde_json::Value = serde_json::from_str(&stdout(&run)).unwrap();
    assert_eq!(json["surveys"], serde_json::json!([2001, 2003]));
}

#[test]
fn an_empty_source_date_epoch_counts_as_unset() {
    let work = scratch();
    let input = paper_panel_input();
    let run = |out: &str, env: &[(&str, &str)]| {
        let args = [
            "run",
            "--input",
            input.to_str().unwrap(),
            "--output",
            out,
            "-q",
        ];
        run_bin_env(work.path(), &args, env)
    };
    assert_eq!(run("unset", &[]).status.code(), Some(0));
    let empty = run("empty", &[("SOURCE_DATE_EPOCH", "")]);
    assert_eq!(empty.status.code(), Some(0), "{}", stderr(&empty));
    let read = |d: &str| std::fs::read(work.path().join(d).join("workbook.xlsx")).unwrap();
    assert_eq!(read("unset"), read("empty"), "the same date as when unset");
    let bad = run("bad", &[("SOURCE_DATE_EPOCH", "yesterday")]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("`SOURCE_DATE_EPOCH`"),
        "{}",
        stderr(&bad)
    );
}
