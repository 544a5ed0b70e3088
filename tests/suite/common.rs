//! Shared helpers: paths to the bundled and shared data, running the binary in a scratch folder.

#![allow(dead_code, unreachable_pub)]

use std::path::{Path, PathBuf};
use std::process::Output;

/// The project root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled default input.
pub(crate) fn paper_panel_input() -> PathBuf {
    root().join("tests/fixtures/paper-panel/input")
}

/// `../shared` beside the project (read-only data of the project).
pub(crate) fn shared() -> PathBuf {
    root().join("..").join("shared")
}

/// The expected CSVs of the bundled input.
pub(crate) fn expected_dir() -> PathBuf {
    root().join("tests/fixtures/paper-panel/expected")
}

/// Says on the terminal that a test skipped its checks, and why.
///
/// Written to the process's stderr directly, not through `eprintln!`, so that `cargo test` shows
/// it without `--nocapture` (the test harness captures only the print macros).
pub(crate) fn skip(test: &str, reason: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "skipped {test}: {reason}");
}

/// The program's path when it is on `PATH` (an external tool a test drives), else `None`.
pub(crate) fn on_path(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// Decodes a PNG to 8-bit samples (palettes and low bit depths expanded, 16 bits stripped):
/// (width, height, the pixels' bytes, bytes per pixel).
pub(crate) fn decode_png(bytes: &[u8]) -> (u32, u32, Vec<u8>, usize) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("a PNG header");
    let mut buf = vec![0; reader.output_buffer_size().expect("a PNG's size")];
    let info = reader.next_frame(&mut buf).expect("PNG image data");
    buf.truncate(info.buffer_size());
    assert_eq!(info.bit_depth, png::BitDepth::Eight);
    (info.width, info.height, buf, info.color_type.samples())
}

/// The real UN re-exports in other shapes (`../shared/data/un-egov`), or `None` (with the reason
/// shown) when they are absent: they live outside the repository.
pub(crate) fn real_data(test: &str) -> Option<PathBuf> {
    shared_dir("data/un-egov", test)
}

/// A folder of `../shared`, or `None` (with the reason shown) when it is absent.
pub(crate) fn shared_dir(rel: &str, test: &str) -> Option<PathBuf> {
    let dir = shared().join(rel);
    if dir.is_dir() {
        Some(dir)
    } else {
        skip(
            test,
            &format!(
                "{} is absent (it lives outside the repository)",
                dir.display()
            ),
        );
        None
    }
}

/// The bundled default input: the 12 real UN Data Center downloads, 2003-2024.
pub(crate) fn bundled_input() -> PathBuf {
    root().join("input")
}

/// A fresh scratch folder that lives as long as the returned guard.
pub(crate) fn scratch() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("egov-test-")
        .tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .expect("scratch folder")
}

/// Runs the binary with `args` in `cwd`, with a fixed `SOURCE_DATE_EPOCH` and no config file.
pub(crate) fn run_bin(cwd: &Path, args: &[&str]) -> Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_egov-report"))
        .args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("EGOV_REPORT_INPUT")
        .env_remove("EGOV_REPORT_OUTPUT")
        .output()
        .expect("the binary runs")
}

/// Runs the binary as [`run_bin`] does, with `env` set on top.
pub(crate) fn run_bin_env(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_egov-report"));
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("SOURCE_DATE_EPOCH")
        .env_remove("EGOV_REPORT_INPUT")
        .env_remove("EGOV_REPORT_OUTPUT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("the binary runs")
}

/// stderr as text.
pub(crate) fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// stdout as text.
pub(crate) fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Every file under `dir` with its bytes, sorted by relative path.
pub(crate) fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<(String, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.push((rel, std::fs::read(&p).unwrap()));
            }
        }
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out);
    out.sort();
    out
}

/// Runs the pipeline on the paper-panel fixture into a fresh output folder, quietly; returns
/// (guard, output).
pub(crate) fn run_paper_panel(extra: &[&str]) -> (tempfile::TempDir, PathBuf) {
    let mut args = vec!["--quiet"];
    args.extend_from_slice(extra);
    let (dir, out, _) = run_on(&paper_panel_input(), &args);
    (dir, out)
}

/// Runs `run` on `input` into a fresh output folder and asserts that it succeeds; returns
/// (guard, output, stderr).
pub(crate) fn run_on(input: &Path, extra: &[&str]) -> (tempfile::TempDir, PathBuf, String) {
    let dir = scratch();
    let out = dir.path().join("output");
    let mut args = vec![
        "run",
        "--input",
        input.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let o = run_bin(dir.path(), &args);
    let err = stderr(&o);
    assert!(o.status.success(), "run failed: {err}");
    (dir, out, err)
}

/// Runs `run --input <bundled input> <extra>` in `cwd` (where an `egov-report.toml` may sit).
pub(crate) fn run_paper_panel_in(cwd: &Path, extra: &[&str]) -> Output {
    let input = paper_panel_input();
    let mut args = vec!["run", "--input", input.to_str().unwrap()];
    args.extend_from_slice(extra);
    run_bin(cwd, &args)
}

/// Runs the paper panel with `config` as the folder's `egov-report.toml` into a fresh folder
/// and asserts that it succeeds; returns (guard, output folder).
pub(crate) fn run_paper_panel_with(config: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = scratch();
    std::fs::write(dir.path().join("egov-report.toml"), config).unwrap();
    let out = dir.path().join("output");
    let o = run_paper_panel_in(dir.path(), &["--output", out.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "{}", stderr(&o));
    (dir, out)
}

/// Reads a CSV into header-keyed rows.
pub(crate) fn read_csv(path: &Path) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    let headers = reader.headers().unwrap().clone();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .zip(r.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

/// Runs `run --config examples/paper-2003-2018.toml` (the paper's survey range on the bundled
/// real data) into a fresh folder and asserts that it succeeds; returns (guard, output, stderr).
pub(crate) fn run_paper_config() -> (tempfile::TempDir, PathBuf, String) {
    let dir = scratch();
    let out = dir.path().join("paper");
    let config = root().join("examples/paper-2003-2018.toml");
    let o = run_bin(
        dir.path(),
        &[
            "run",
            "--config",
            config.to_str().unwrap(),
            "--output",
            out.to_str().unwrap(),
        ],
    );
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    (dir, out, err)
}

/// Copies a folder tree (the fixtures are small).
pub(crate) fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}
