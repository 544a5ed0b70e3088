//! The release workflow as the README documents it: a repository with committed `input/` and
//! `output/`, checked out at another path, the steps of `docs/ci/egov-report.yml` run in order,
//! the cells `run --check` lists, the `--json` schemas and the fuzz crate's lock file.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use yaml_rust2::{Yaml, YamlLoader};

use crate::common::{paper_panel_input, root, run_bin, scratch, skip, stderr, stdout};

fn git(dir: &Path, args: &[&str]) -> Output {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.org"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    out
}

fn has_git(test: &str) -> bool {
    let ok = Command::new("git")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        skip(test, "git is not installed");
    }
    ok
}

/// A user's repository: the paper-panel input, the project's `.gitignore`, the workflow file and
/// the output of a run, all committed. Returns its path.
fn committed_repository(base: &Path) -> PathBuf {
    let repo = base.join("origin").join("survey-report");
    crate::common::copy_dir(&paper_panel_input(), &repo.join("input"));
    std::fs::copy(root().join(".gitignore"), repo.join(".gitignore")).unwrap();
    std::fs::create_dir_all(repo.join("docs/ci")).unwrap();
    std::fs::copy(
        root().join("docs/ci/egov-report.yml"),
        repo.join("docs/ci/egov-report.yml"),
    )
    .unwrap();
    let run = run_bin(&repo, &["run", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    git(&repo, &["init", "-q"]);
    git(&repo, &["add", "-A"]);
    git(&repo, &["commit", "-q", "-m", "survey release"]);
    let files = stdout(&git(&repo, &["ls-files", "output"]));
    for f in [
        "output/manifest.json",
        "output/tables/table1.csv",
        "output/workbook.xlsx",
    ] {
        assert!(files.lines().any(|l| l == f), "{f} is committed: {files}");
    }
    repo
}

/// Sets China's 2003 EGDI to 0.5 and commits the change (the output is not regenerated).
fn change_one_value(repo: &Path) {
    let path = repo.join("input/EGOV_DATA_2003.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("2003,China,61,0.4390,"));
    std::fs::write(
        &path,
        text.replace("2003,China,61,0.4390,", "2003,China,61,0.5000,"),
    )
    .unwrap();
    git(repo, &["commit", "-q", "-am", "corrected value"]);
}

/// A fresh checkout of `repo` at another absolute path.
fn checkout(repo: &Path, base: &Path, name: &str) -> PathBuf {
    let dest = base.join("runner").join(name).join("work");
    std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
    git(
        base,
        &[
            "clone",
            "-q",
            repo.to_str().unwrap(),
            dest.to_str().unwrap(),
        ],
    );
    dest
}

#[test]
fn a_repository_moved_to_another_path_is_up_to_date_until_an_input_value_changes() {
    if !has_git("a_repository_moved_to_another_path_is_up_to_date_until_an_input_value_changes") {
        return;
    }
    let work = scratch();
    let repo = committed_repository(work.path());
    let moved = checkout(&repo, work.path(), "first");
    let check = run_bin(&moved, &["run", "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", stderr(&check));
    assert!(
        stderr(&check).starts_with("up to date: "),
        "{}",
        stderr(&check)
    );

    change_one_value(&repo);
    let moved = checkout(&repo, work.path(), "second");
    let check = run_bin(&moved, &["run", "--check"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let text = stderr(&check);
    for line in [
        "  figure1 2003 CHN: 0.439 -> 0.5",
        "  panel CHN 2003 egdi: 0.439 -> 0.5",
        "  quality on boundary CHN 2003 EGDI: new row",
        "  table1 maintained 0 high count: 10 -> 11",
        "  table1 maintained 0 high: +1 country (CHN)",
    ] {
        assert!(text.lines().any(|l| l == line), "`{line}` missing: {text}");
    }
    assert!(text.contains("changed cells or rows in"), "{text}");
    assert!(
        std::fs::read(moved.join("input/EGOV_DATA_2003.csv")).unwrap()
            == std::fs::read(repo.join("input/EGOV_DATA_2003.csv")).unwrap(),
        "the input is never modified"
    );
}

/// What happened to one step of the workflow.
#[derive(Debug)]
struct Step {
    name: String,
    id: Option<String>,
    /// `None` when skipped (an `if:` that is false, or an earlier failure).
    code: Option<i32>,
}

/// Runs the steps of the workflow's one job in `workspace`, as the runner would: `uses:` steps
/// are the checkout and the toolchain (already done), except `upload-artifact`, whose paths must
/// exist; the build step is replaced by the test binary at the path the steps use.
fn run_workflow(workflow: &Yaml, workspace: &Path) -> Vec<Step> {
    let jobs = workflow["jobs"].as_hash().expect("jobs");
    assert_eq!(jobs.len(), 1, "one job");
    let job = jobs.values().next().unwrap();
    let mut done: Vec<Step> = Vec::new();
    let mut failed = false;
    for step in job["steps"].as_vec().expect("steps") {
        let name = step["name"]
            .as_str()
            .or(step["uses"].as_str())
            .unwrap()
            .to_string();
        let id = step["id"].as_str().map(String::from);
        let wanted = match step["if"].as_str() {
            None => !failed,
            Some(expr) => evaluate(expr, &done),
        };
        if !wanted {
            done.push(Step {
                name,
                id,
                code: None,
            });
            continue;
        }
        if let Some(uses) = step["uses"].as_str() {
            if uses.starts_with("actions/upload-artifact") {
                let paths = step["with"]["path"].as_str().expect("artifact paths");
                for p in paths.lines().map(str::trim).filter(|p| !p.is_empty()) {
                    assert!(workspace.join(p).exists(), "artifact `{p}` exists");
                }
            } else {
                let known = [
                    "actions/checkout",
                    "dtolnay/rust-toolchain",
                    "Swatinem/rust-cache",
                ];
                assert!(
                    known.iter().any(|k| uses.starts_with(k)),
                    "unknown action {uses}"
                );
            }
            done.push(Step {
                name,
                id,
                code: Some(0),
            });
            continue;
        }
        let script = step["run"].as_str().expect("run");
        if script.trim_start().starts_with("cargo build --release") {
            provide_binary(workspace);
            done.push(Step {
                name,
                id,
                code: Some(0),
            });
            continue;
        }
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c", script])
            .current_dir(workspace)
            .env_remove("SOURCE_DATE_EPOCH")
            .env_remove("EGOV_REPORT_INPUT")
            .env_remove("EGOV_REPORT_OUTPUT");
        if let Some(env) = step["env"].as_hash() {
            for (k, v) in env {
                cmd.env(k.as_str().unwrap(), v.as_str().unwrap());
            }
        }
        let code = cmd.output().expect("bash runs").status.code();
        if code != Some(0) && step["continue-on-error"].as_bool() != Some(true) {
            failed = true;
        }
        done.push(Step { name, id, code });
    }
    done
}

/// The `if:` expressions the workflow uses: `steps.<id>.outcome == '<outcome>'`.
fn evaluate(expr: &str, done: &[Step]) -> bool {
    let (lhs, rhs) = expr.split_once("==").expect("an `a == b` condition");
    let id = lhs
        .trim()
        .strip_prefix("steps.")
        .and_then(|s| s.strip_suffix(".outcome"))
        .expect("a step outcome");
    let step = done
        .iter()
        .find(|s| s.id.as_deref() == Some(id))
        .expect("the step ran");
    let outcome = match step.code {
        Some(0) => "success",
        Some(_) => "failure",
        None => "skipped",
    };
    rhs.trim().trim_matches('\'') == outcome
}

/// The binary at `target/release/egov-report`, where the workflow's steps call it.
fn provide_binary(workspace: &Path) {
    let dir = workspace.join("target/release");
    std::fs::create_dir_all(&dir).unwrap();
    let exe = Path::new(env!("CARGO_BIN_EXE_egov-report"));
    #[cfg(unix)]
    std::os::unix::fs::symlink(exe, dir.join("egov-report")).unwrap();
    #[cfg(not(unix))]
    std::fs::copy(exe, dir.join("egov-report")).unwrap();
}

fn code_of(steps: &[Step], name: &str) -> Option<i32> {
    steps.iter().find(|s| s.name == name).expect(name).code
}

#[test]
fn the_documented_workflow_passes_until_the_input_changes_then_fails_listing_the_cells() {
    if !has_git(
        "the_documented_workflow_passes_until_the_input_changes_then_fails_listing_the_cells",
    ) {
        return;
    }
    let text = std::fs::read_to_string(root().join("docs/ci/egov-report.yml")).unwrap();
    let workflow = &YamlLoader::load_from_str(&text).expect("the workflow is YAML")[0];
    let work = scratch();
    let repo = committed_repository(work.path());

    let ci = checkout(&repo, work.path(), "scheduled");
    let steps = run_workflow(workflow, &ci);
    assert_eq!(code_of(&steps, "Validate the input"), Some(0), "{steps:?}");
    assert_eq!(
        code_of(&steps, "Check for drift against the committed output"),
        Some(0)
    );
    assert_eq!(code_of(&steps, "Regenerate the report"), Some(0));
    assert_eq!(code_of(&steps, "Fail on drift"), None, "skipped: {steps:?}");
    let check: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ci.join("check.json")).unwrap()).unwrap();
    assert_eq!(check["changed"], serde_json::json!([]));
    // Regenerating gives the committed bytes again; only the manifest's timings move.
    let status = stdout(&git(&ci, &["status", "--porcelain", "--", "output"]));
    assert_eq!(status.trim(), "M output/manifest.json", "{status}");

    change_one_value(&repo);
    let ci = checkout(&repo, work.path(), "after-release");
    let steps = run_workflow(workflow, &ci);
    assert_eq!(code_of(&steps, "Validate the input"), Some(0));
    assert_eq!(
        code_of(&steps, "Check for drift against the committed output"),
        Some(1)
    );
    assert_eq!(
        code_of(&steps, "Regenerate the report"),
        Some(0),
        "the report is still built"
    );
    assert_eq!(
        code_of(&steps, "Fail on drift"),
        Some(1),
        "the job fails: {steps:?}"
    );
    let check: serde_json::Value =
        serde_json::from_slice(&std::fs::read(ci.join("check.json")).unwrap()).unwrap();
    let expected = serde_json::json!({
        "table": "panel", "row": "CHN 2003", "column": "egdi", "old": "0.439", "new": "0.5"
    });
    assert!(
        check["changes"].as_array().unwrap().contains(&expected),
        "{:#}",
        check["changes"]
    );
}

fn schema(name: &str) -> jsonschema::Validator {
    let path = root().join("docs/json-schema").join(name);
    let value: serde_json::Value = serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap();
    jsonschema::validator_for(&value).expect("a valid JSON Schema")
}

fn assert_follows(validator: &jsonschema::Validator, json: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(json)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{json:#}");
}

#[test]
fn json_outputs_follow_their_documented_schemas() {
    let work = scratch();
    let input = work.path().join("input");
    crate::common::copy_dir(&paper_panel_input(), &input);
    let summary = schema("summary.schema.json");
    let json = |out: &Output| -> serde_json::Value {
        serde_json::from_str(&stdout(out)).expect("stdout is JSON")
    };
    let run = run_bin(work.path(), &["run", "--json"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let first = json(&run);
    assert_eq!(first["schema_version"], lib_version());
    assert_follows(&summary, &first);

    let path = input.join("EGOV_DATA_2003.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(
        &path,
        text.replace("2003,China,61,0.4390,", "2003,China,61,0.5000,"),
    )
    .unwrap();
    let check = run_bin(work.path(), &["run", "--check", "--json"]);
    assert_eq!(check.status.code(), Some(1), "{}", stderr(&check));
    let drift = json(&check);
    assert!(!drift["changes"].as_array().unwrap().is_empty());
    assert_follows(&summary, &drift);

    let validate = run_bin(work.path(), &["validate", "--json"]);
    assert_eq!(validate.status.code(), Some(0), "{}", stderr(&validate));
    let v = json(&validate);
    assert_follows(&schema("validation.schema.json"), &v);

    // The schemas are strict: an unknown field is refused, so they cannot fall behind.
    let mut extra = first.clone();
    extra["surprise"] = serde_json::json!(1);
    assert!(!summary.is_valid(&extra));
}

fn lib_version() -> serde_json::Value {
    serde_json::json!(egov_report::JSON_SCHEMA_VERSION)
}

#[test]
fn the_fuzz_lock_file_pins_the_versions_of_the_main_one() {
    let read = |p: &str| -> toml::Table {
        toml::from_str(&std::fs::read_to_string(root().join(p)).unwrap()).unwrap()
    };
    let packages = |t: &toml::Table| -> Vec<(String, String)> {
        t["package"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| {
                (
                    p["name"].as_str().unwrap().to_string(),
                    p["version"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let main = packages(&read("Cargo.lock"));
    let fuzz = packages(&read("fuzz/Cargo.lock"));
    assert!(fuzz.iter().any(|(n, _)| n == "libfuzzer-sys"));
    for (name, version) in &fuzz {
        let in_main: Vec<&String> = main
            .iter()
            .filter(|(n, _)| n == name)
            .map(|(_, v)| v)
            .collect();
        assert!(
            in_main.is_empty() || in_main.contains(&version),
            "{name} {version} in fuzz/Cargo.lock, {in_main:?} in Cargo.lock"
        );
    }
}
