//! Never lose data, never crash, never hang: the output swap, special files, resource limits,
//! terminal injection and the configuration checks, each run through the binary.
//!
//! Every failing case asserts the exit code, the message naming the place, and that the input and
//! the previous output are byte-identical afterwards. Inputs that would be large are made here.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use crate::common;

type Snapshot = Vec<(String, Vec<u8>)>;

/// A scratch folder with a copy of the paper panel as `input/` and its output as `output/`.
struct Scene {
    dir: tempfile::TempDir,
    input: PathBuf,
    output: PathBuf,
}

impl Scene {
    fn new() -> Self {
        let dir = common::scratch();
        let input = dir.path().join("input");
        crate::common::copy_dir(&common::paper_panel_input(), &input);
        let output = dir.path().join("output");
        let scene = Self { dir, input, output };
        let out = scene.run(&["--output", scene.output.to_str().unwrap()]);
        assert!(out.status.success(), "{}", common::stderr(&out));
        scene
    }

    fn run(&self, extra: &[&str]) -> Output {
        let mut args = vec!["run", "--input", self.input.to_str().unwrap(), "--quiet"];
        args.extend_from_slice(extra);
        common::run_bin(self.dir.path(), &args)
    }

    fn run_into_output(&self, extra: &[&str]) -> Output {
        let mut args = vec!["--output", self.output.to_str().unwrap()];
        args.extend_from_slice(extra);
        self.run(&args)
    }

    fn snapshots(&self) -> (Snapshot, Snapshot) {
        (
            common::snapshot_dir(&self.input),
            common::snapshot_dir(&self.output),
        )
    }

    /// The names in the scratch folder (no staging folder or lock file may remain).
    fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }
}

/// The run exited with `code`, printed every fragment and no panic.
fn assert_exit(out: &Output, code: i32, fragments: &[&str]) {
    let stderr = common::stderr(out);
    assert_eq!(out.status.code(), Some(code), "stderr:\n{stderr}");
    assert!(!stderr.contains("panicked"), "stderr:\n{stderr}");
    for fragment in fragments {
        assert!(
            stderr.contains(fragment),
            "`{fragment}` is missing from:\n{stderr}"
        );
    }
}

/// Runs `scene.run(extra)` expecting `code` and the fragments, with input and output unchanged.
fn fails_leaving_all_as_it_was(scene: &Scene, extra: &[&str], code: i32, fragments: &[&str]) {
    let before = scene.snapshots();
    let out = scene.run(extra);
    assert_exit(&out, code, fragments);
    assert!(
        scene.snapshots() == before,
        "the input or the output changed"
    );
}

/// Runs the binary under a 1 GB address-space cap (`ulimit -v`), or `None` when no shell is there.
fn run_capped(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Option<Output> {
    if !Path::new("/bin/sh").exists() {
        common::skip("run_capped", "no /bin/sh to set the memory cap with");
        return None;
    }
    let mut cmd = Command::new("/bin/sh");
    cmd.arg("-c")
        .arg("ulimit -v 1048576 && exec \"$0\" \"$@\"")
        .arg(env!("CARGO_BIN_EXE_egov-report"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("RAYON_NUM_THREADS");
    for (k, v) in env {
        cmd.env(k, v);
    }
    Some(cmd.output().unwrap())
}

// ---- the output folder ----------------------------------------------------------------------

#[test]
fn an_output_equal_to_the_input_is_refused_before_anything_is_read() {
    let scene = Scene::new();
    let same = format!("{}/../input/.", scene.input.display());
    fails_leaving_all_as_it_was(
        &scene,
        &["--output", &same],
        2,
        &["is the input folder", "writing it would replace the input"],
    );
}

#[test]
fn an_output_inside_the_input_or_containing_it_is_refused() {
    let scene = Scene::new();
    let inside = scene.input.join("report");
    fails_leaving_all_as_it_was(
        &scene,
        &["--output", inside.to_str().unwrap()],
        2,
        &["lies inside the input folder"],
    );
    assert!(!inside.exists());
    let parent = scene.dir.path().to_str().unwrap().to_string();
    fails_leaving_all_as_it_was(&scene, &["--output", &parent], 2, &["contains the input"]);
    assert_eq!(scene.names(), ["input", "output"]);
}

#[cfg(unix)]
#[test]
fn an_output_reached_through_a_symlink_to_the_input_is_refused() {
    let scene = Scene::new();
    let link = scene.dir.path().join("alias");
    std::os::unix::fs::symlink(&scene.input, &link).unwrap();
    fails_leaving_all_as_it_was(
        &scene,
        &["--output", link.to_str().unwrap()],
        2,
        &["is the input folder"],
    );
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_symlink_stays_one_and_its_target_is_replaced() {
    let scene = Scene::new();
    let link = scene.dir.path().join("latest");
    std::os::unix::fs::symlink(&scene.output, &link).unwrap();
    std::fs::write(scene.output.join("stale.txt"), "from an older run").unwrap();
    let out = scene.run(&["--output", link.to_str().unwrap()]);
    assert_exit(&out, 0, &[]);
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(scene.output.join("report.md").is_file());
    assert!(
        !scene.output.join("stale.txt").exists(),
        "the target was not replaced"
    );
    assert_eq!(scene.names(), ["input", "latest", "output"]);
}

#[cfg(unix)]
#[test]
fn an_output_that_is_a_dangling_symlink_is_refused() {
    let scene = Scene::new();
    let link = scene.dir.path().join("gone");
    std::os::unix::fs::symlink(scene.dir.path().join("nowhere"), &link).unwrap();
    fails_leaving_all_as_it_was(
        &scene,
        &["--output", link.to_str().unwrap()],
        3,
        &["cannot be used: it is a symbolic link to nothing"],
    );
    assert!(!scene.dir.path().join("nowhere").exists());
}

#[test]
fn a_very_long_output_name_works_and_leaves_nothing_beside_it() {
    let scene = Scene::new();
    let name = "r".repeat(240);
    let out = scene.run(&["--output", &name]);
    assert_exit(&out, 0, &[]);
    assert!(scene.dir.path().join(&name).join("workbook.xlsx").is_file());
    assert_eq!(scene.names(), ["input", "output", name.as_str()]);
}

#[test]
fn an_output_that_cannot_be_created_is_named_as_given_and_exits_3() {
    let scene = Scene::new();
    std::fs::write(scene.dir.path().join("notes.txt"), "a file, not a folder").unwrap();
    let out = scene.run(&["--output", "notes.txt/report"]);
    assert_exit(&out, 3, &["failed to create folder `notes.txt`"]);
    assert!(
        !common::stderr(&out).contains(".egov"),
        "a staging name leaked"
    );
    assert_eq!(scene.names(), ["input", "notes.txt", "output"]);
}

#[test]
fn strict_with_differences_exits_1_and_leaves_the_output_untouched() {
    let scene = Scene::new();
    let text = std::fs::read_to_string(common::root().join("examples/paper-tables.json")).unwrap();
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap();
    json["panel"]["countries"] = serde_json::json!(1);
    let reference = scene.dir.path().join("reference.json");
    std::fs::write(&reference, json.to_string()).unwrap();
    let before = scene.snapshots();
    let out = common::run_bin(
        scene.dir.path(),
        &[
            "run",
            "--input",
            scene.input.to_str().unwrap(),
            "--output",
            scene.output.to_str().unwrap(),
            "--reference",
            reference.to_str().unwrap(),
            "--strict",
        ],
    );
    assert_exit(
        &out,
        1,
        &["left as it was: --strict and the reproduction check"],
    );
    assert!(scene.snapshots() == before, "the output changed");
}

#[test]
fn two_runs_into_one_folder_never_leave_a_broken_output_or_leftovers() {
    let scene = Scene::new();
    let spawn = || {
        Command::new(env!("CARGO_BIN_EXE_egov-report"))
            .args(["run", "--quiet", "--input", scene.input.to_str().unwrap()])
            .args(["--output", scene.output.to_str().unwrap()])
            .current_dir(scene.dir.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (a, b) = (spawn(), spawn());
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    for out in &outs {
        let stderr = common::stderr(out);
        assert!(
            out.status.success() || stderr.contains("another run is writing it"),
            "{stderr}"
        );
    }
    assert!(outs.iter().any(|o| o.status.success()));
    assert!(scene.output.join("manifest.json").is_file());
    assert_eq!(scene.names(), ["input", "output"]);
}

/// The files of a complete output, with their bytes (the manifest's timings masked).
fn complete_output(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files = common::snapshot_dir(dir);
    for (name, bytes) in &mut files {
        if name == "manifest.json" {
            let json: serde_json::Value = serde_json::from_slice(bytes).expect("manifest is JSON");
            *bytes = json
                .as_object()
                .map(|o| o.keys().cloned().collect::<Vec<_>>().join(",").into_bytes())
                .unwrap_or_default();
        }
    }
    files
}

/// Whether a staging folder (`.<name>-<hash>.egov.new`) sits beside the output.
fn staging_present(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().any(|e| {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        name.starts_with('.') && name.ends_with(".egov.new")
    })
}

#[test]
fn a_run_killed_at_random_moments_of_its_write_phase_always_leaves_a_complete_output() {
    let scene = Scene::new();
    let reference = complete_output(&scene.output);
    let mut rng = fastrand::Rng::new();
    let seed = rng.get_seed();
    let mut killed_while_staging = 0;
    for round in 0..30 {
        let mut child = Command::new(env!("CARGO_BIN_EXE_egov-report"))
            .args(["run", "--quiet", "--input", scene.input.to_str().unwrap()])
            .args(["--output", scene.output.to_str().unwrap()])
            .current_dir(scene.dir.path())
            .env_remove("SOURCE_DATE_EPOCH")
            .spawn()
            .unwrap();
        // Wait for the write phase (the staging folder appears), then kill within the ~15 ms it
        // takes to write, fsync and swap.
        let deadline = Instant::now() + Duration::from_secs(20);
        while !staging_present(scene.dir.path()) && Instant::now() < deadline {
            if child.try_wait().unwrap().is_some() {
                break;
            }
            std::thread::sleep(Duration::from_micros(200));
        }
        let delay = Duration::from_micros(rng.u64(0..20_000));
        std::thread::sleep(delay);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if !status.success() {
            killed_while_staging += usize::from(staging_present(scene.dir.path()));
        }
        assert!(
            complete_output(&scene.output) == reference,
            "round {round} (seed {seed}, {delay:?} into the write phase): the output is not \
             complete"
        );
    }
    let out = scene.run_into_output(&[]);
    assert_exit(&out, 0, &[]);
    assert!(complete_output(&scene.output) == reference);
    assert_eq!(scene.names(), ["input", "output"], "seed {seed}");
    // Most kills land while the staging folder is being written; a few after the swap.
    assert!(
        killed_while_staging > 0,
        "no kill hit the write phase (seed {seed})"
    );
}

// ---- special entries in the input folder ---------------------------------------------------

#[cfg(unix)]
#[test]
fn a_socket_in_the_input_is_skipped_with_a_warning_and_never_opened() {
    let scene = Scene::new();
    let _socket = std::os::unix::net::UnixListener::bind(scene.input.join("notes.sock")).unwrap();
    let out = common::run_bin(
        scene.dir.path(),
        &[
            "run",
            "--input",
            scene.input.to_str().unwrap(),
            "--output",
            scene.output.to_str().unwrap(),
        ],
    );
    assert_exit(
        &out,
        0,
        &["warning: `notes.sock`: a socket, not a regular file: skipped"],
    );
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_data_file_is_an_error_and_never_opened() {
    let scene = Scene::new();
    let fifo = scene.input.join("EGOV_DATA_2020.csv");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        common::skip("a_fifo_named_like_a_data_file", "`mkfifo` is not available");
        return;
    }
    let start = Instant::now();
    let before = common::snapshot_dir(&scene.output);
    let out = scene.run_into_output(&[]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "the run hung on the FIFO"
    );
    assert_exit(
        &out,
        2,
        &["`EGOV_DATA_2020.csv` is named like a data file but is a named pipe (FIFO)"],
    );
    assert!(common::snapshot_dir(&scene.output) == before);
}

#[test]
fn a_folder_named_like_a_data_file_is_an_error() {
    let scene = Scene::new();
    std::fs::create_dir(scene.input.join("EGOV_DATA_2019.csv")).unwrap();
    let before = common::snapshot_dir(&scene.output);
    let out = scene.run_into_output(&[]);
    assert_exit(
        &out,
        2,
        &["`EGOV_DATA_2019.csv` is named like a data file but is a folder, not a regular file"],
    );
    assert!(common::snapshot_dir(&scene.output) == before);
}

#[test]
fn a_huge_file_that_is_not_data_is_listed_without_being_read() {
    let scene = Scene::new();
    // Sparse: 300 MiB on paper, nothing on disk.
    let archive = std::fs::File::create(scene.input.join("backup.zip")).unwrap();
    archive.set_len(300 << 20).unwrap();
    let before = common::snapshot_dir(&common::paper_panel_input());
    let start = Instant::now();
    let out = common::run_bin(
        scene.dir.path(),
        &[
            "run",
            "--input",
            scene.input.to_str().unwrap(),
            "--output",
            scene.output.to_str().unwrap(),
        ],
    );
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_exit(
        &out,
        0,
        &["warning: `backup.zip`: not data and larger than 268435456 bytes: listed, not read"],
    );
    assert!(common::snapshot_dir(&common::paper_panel_input()) == before);
}

#[test]
fn twenty_thousand_empty_files_give_a_capped_list_with_a_true_count() {
    let dir = common::scratch();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    for i in 0..20_000 {
        std::fs::write(input.join(format!("survey-{i:05}.csv")), "").unwrap();
    }
    let out = common::run_bin(
        dir.path(),
        &["validate", "--input", input.to_str().unwrap()],
    );
    assert_exit(
        &out,
        2,
        &["20000 errors (the first 100 listed) in the input:"],
    );
    let listed = common::stderr(&out)
        .lines()
        .filter(|l| l.starts_with("- "))
        .count();
    assert_eq!(listed, 100);
}

// ---- limits ------------------------------------------------------------------------------------

/// Every bomb of the hostile corpus fails fast and cleanly under a 1 GB memory cap.
#[test]
fn bombs_stay_under_a_gigabyte_and_ten_seconds() {
    for case in [
        "shared_strings_count_bomb_xlsx",
        "dimensions_bomb_xls",
        "repeated_rows_bomb_ods",
        "repeated_text_bomb_ods",
        "stray_cell_at_xfd1048576",
        "stray_cell_at_xfd1048576_ods",
    ] {
        let folder = common::root().join("tests/fixtures/hostile").join(case);
        let size: u64 = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().metadata().unwrap().len())
            .sum();
        assert!(size < 1 << 20, "{case} is not a small file");
        let before = common::snapshot_dir(&folder);
        let start = Instant::now();
        let Some(out) = run_capped(
            &common::root(),
            &["validate", "--input", folder.to_str().unwrap()],
            &[],
        ) else {
            return;
        };
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{case}: {:?}",
            start.elapsed()
        );
        assert_exit(&out, 2, &["`survey-2018."]);
        assert!(common::snapshot_dir(&folder) == before);
    }
}

#[test]
fn ten_thousand_requested_threads_under_a_memory_cap_still_run() {
    let dir = common::scratch();
    let output = dir.path().join("output");
    let input = common::paper_panel_input();
    let Some(out) = run_capped(
        dir.path(),
        &[
            "run",
            "--quiet",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
        ],
        &[("RAYON_NUM_THREADS", "10000")],
    ) else {
        return;
    };
    assert_exit(&out, 0, &[]);
    assert!(output.join("workbook.xlsx").is_file());
}

// ---- terminal injection and long cells ---------------------------------------------------------

#[test]
fn escape_sequences_and_huge_cells_are_escaped_and_cut_in_messages() {
    let scene = Scene::new();
    let huge = "Q".repeat(1 << 20);
    let csv = format!(
        "Survey Year,Country Name,EGDI\r\n2018,China,0.6\r\n2018,\x1b[2J\x1b[1Awrote 99 files,0.5\r\n\
         2018,{huge},0.4\r\n"
    );
    std::fs::write(scene.input.join("extra-2018.csv"), csv).unwrap();
    let before = scene.snapshots();
    let start = Instant::now();
    let out = scene.run_into_output(&[]);
    assert!(
        start.elapsed() < Duration::from_secs(10),
        "took {:?}",
        start.elapsed()
    );
    assert_exit(
        &out,
        2,
        &[
            "`extra-2018.csv`, row 3, column B (`Country Name`): unknown country \
             `\\x1b[2J\\x1b[1Awrote 99 files`",
            "(1048376 more characters)",
        ],
    );
    assert!(
        !out.stderr.contains(&0x1b),
        "a raw escape character reached the terminal"
    );
    assert!(
        out.stderr.len() < 4000,
        "{} bytes of messages",
        out.stderr.len()
    );
    assert!(scene.snapshots() == before);
}

// ---- configuration checks ----------------------------------------------------------------------

fn with_config(scene: &Scene, toml: &str) -> PathBuf {
    let path = scene.dir.path().join("egov-report.toml");
    std::fs::write(&path, toml).unwrap();
    path
}

#[test]
fn a_reference_of_the_wrong_shape_names_the_missing_keys() {
    let scene = Scene::new();
    let reference = scene.dir.path().join("reference.json");
    std::fs::write(&reference, "{\"tables\": []}").unwrap();
    fails_leaving_all_as_it_was(
        &scene,
        &[
            "--output",
            scene.output.to_str().unwrap(),
            "--reference",
            reference.to_str().unwrap(),
        ],
        2,
        &[
            "missing every key a reference is compared by (`panel`, `table1`",
            "found `tables`",
        ],
    );
}

#[test]
fn percentage_thresholds_are_refused() {
    let scene = Scene::new();
    with_config(&scene, "[levels]\nthresholds = [25, 50, 75]\n");
    fails_leaving_all_as_it_was(
        &scene,
        &["--output", scene.output.to_str().unwrap()],
        2,
        &["`levels.thresholds`: thresholds are on the 0-1 scale"],
    );
}

#[test]
fn thresholds_alone_keep_the_default_boundaries() {
    let scene = Scene::new();
    with_config(&scene, "[levels]\nthresholds = [0.25, 0.5, 0.75]\n");
    let out = scene.run_into_output(&[]);
    assert_exit(&out, 0, &[]);
}

#[test]
fn a_missing_templates_folder_or_an_unknown_template_is_refused() {
    let scene = Scene::new();
    let missing = scene.dir.path().join("no-such-templates");
    fails_leaving_all_as_it_was(
        &scene,
        &[
            "--output",
            scene.output.to_str().unwrap(),
            "--templates",
            missing.to_str().unwrap(),
        ],
        2,
        &["`--templates`: the folder does not exist"],
    );
    let templates = scene.dir.path().join("templates");
    std::fs::create_dir(&templates).unwrap();
    std::fs::write(templates.join("reprot.md.j2"), "{{ title }}").unwrap();
    fails_leaving_all_as_it_was(
        &scene,
        &[
            "--output",
            scene.output.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
        ],
        2,
        &[
            "`reprot.md.j2` is not the name of a template it can override",
            "`report.md.j2`",
        ],
    );
}

#[test]
fn configuration_mistakes_are_refused_naming_the_key() {
    let scene = Scene::new();
    let output = scene.output.to_str().unwrap().to_string();
    for (toml, fragment) in [
        (
            "benchmarks = [\"USA\", \"AUS\", \"USA\"]\n",
            "`benchmarks`: USA is listed twice",
        ),
        ("title = \"  \"\n", "`title`: must not be empty"),
        (
            "rescale_surveys = [2020]\n",
            "`rescale_surveys`: 2020 is not a survey of this run",
        ),
    ] {
        with_config(&scene, toml);
        fails_leaving_all_as_it_was(&scene, &["--output", &output], 2, &[fragment]);
    }
}

#[test]
fn a_focus_country_absent_from_the_input_is_a_warning_in_the_summary_and_the_report() {
    let dir = common::scratch();
    let input = dir.path().join("input");
    std::fs::create_dir(&input).unwrap();
    for year in [2018, 2020] {
        let rows: String = ["Albania", "Germany", "United States"]
            .iter()
            .map(|c| format!("{year},{c},0.6,0.7,0.5,0.7\r\n"))
            .collect();
        let text = format!("Survey Year,Country Name,EGDI,OSI,TII,HCI\r\n{rows}");
        std::fs::write(input.join(format!("survey-{year}.csv")), text).unwrap();
    }
    let output = dir.path().join("output");
    let out = common::run_bin(
        dir.path(),
        &[
            "run",
            "--input",
            input.to_str().unwrap(),
            "--output",
            output.to_str().unwrap(),
            "--benchmarks",
            "USA",
        ],
    );
    let message = "the focus country CHN is not in the input";
    assert_exit(&out, 0, &[message]);
    let report = std::fs::read_to_string(output.join("report.md")).unwrap();
    assert!(report.contains(message), "the report does not say it");
}

#[test]
fn the_empty_panel_error_names_the_configured_measures() {
    let scene = Scene::new();
    let input = scene.dir.path().join("sparse");
    std::fs::create_dir(&input).unwrap();
    std::fs::write(
        input.join("a-2018.csv"),
        "Survey Year,Country Name,EGDI,OSI\r\n2018,China,0.6,0.5\r\n",
    )
    .unwrap();
    std::fs::write(
        input.join("b-2020.csv"),
        "Survey Year,Country Name,EGDI\r\n2020,China,0.7\r\n",
    )
    .unwrap();
    with_config(&scene, "required_measures = [\"EGDI\", \"OSI\"]\n");
    let before = common::snapshot_dir(&scene.output);
    let out = common::run_bin(
        scene.dir.path(),
        &[
            "run",
            "--input",
            input.to_str().unwrap(),
            "--output",
            scene.output.to_str().unwrap(),
        ],
    );
    assert_exit(
        &out,
        2,
        &["no country has EGDI and OSI in all of 2018, 2020"],
    );
    assert!(common::snapshot_dir(&scene.output) == before);
}
