//! Stage 5 as a whole: determinism, the manifest, and the atomic swap of `output/`.

use crate::common::{
    paper_panel_input, run_bin, run_paper_panel, run_paper_panel_in, scratch, snapshot_dir, stderr,
};

#[test]
fn two_runs_give_byte_identical_outputs_apart_from_manifest_timings() {
    let (_a, first) = run_paper_panel(&[]);
    let (_b, second) = run_paper_panel(&[]);
    let (a, b) = (snapshot_dir(&first), snapshot_dir(&second));
    assert_eq!(
        a.iter().map(|x| &x.0).collect::<Vec<_>>(),
        b.iter().map(|x| &x.0).collect::<Vec<_>>()
    );
    for ((path, x), (_, y)) in a.iter().zip(&b) {
        if path == "manifest.json" {
            let strip = |bytes: &[u8]| {
                let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
                v.as_object_mut().unwrap().remove("timings");
                v.as_object_mut().unwrap().remove("config");
                v
            };
            assert_eq!(strip(x), strip(y), "manifest differs beyond timings");
        } else {
            assert!(x == y, "{path} differs between two runs");
        }
    }
}

#[test]
fn the_manifest_lists_every_input_and_output_with_its_sha256() {
    let (_guard, out) = run_paper_panel(&[]);
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["tool"], "egov-report");
    assert_eq!(manifest["version"], env!("CARGO_PKG_VERSION"));
    let inputs = manifest["inputs"].as_array().unwrap();
    assert_eq!(
        inputs.len(),
        std::fs::read_dir(paper_panel_input()).unwrap().count()
    );
    for i in inputs {
        let bytes = std::fs::read(paper_panel_input().join(i["name"].as_str().unwrap())).unwrap();
        assert_eq!(i["sha256"], egov_report::ingest::sha256_hex(&bytes));
    }
    assert!(
        inputs
            .iter()
            .any(|i| i["name"] == "README.md" && i["kind"] == "skipped")
    );
    let outputs = manifest["outputs"].as_array().unwrap();
    for o in outputs {
        let bytes = std::fs::read(out.join(o["path"].as_str().unwrap())).unwrap();
        assert_eq!(
            o["sha256"],
            egov_report::ingest::sha256_hex(&bytes),
            "{}",
            o["path"]
        );
    }
    let written = snapshot_dir(&out).len();
    assert_eq!(
        outputs.len() + 1,
        written,
        "every file but the manifest itself is listed"
    );
    assert_eq!(manifest["counts"]["panel_countries"], 150);
    assert_eq!(manifest["config"]["focus"], "CHN");
    let stages: Vec<&str> = manifest["timings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["stage"].as_str().unwrap())
        .collect();
    for s in ["ingest", "normalise", "panel", "analysis", "render"] {
        assert!(stages.contains(&s), "{s} missing from {stages:?}");
    }
}

#[test]
fn a_failing_run_leaves_the_previous_output_byte_identical() {
    let work = scratch();
    let ok = run_paper_panel_in(work.path(), &["--output", "out", "--quiet"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let before = snapshot_dir(&work.path().join("out"));
    assert!(before.len() > 10);

    std::fs::create_dir_all(work.path().join("bad")).unwrap();
    for e in std::fs::read_dir(paper_panel_input()).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, work.path().join("bad").join(p.file_name().unwrap())).unwrap();
    }
    let path = work.path().join("bad/EGOV_DATA_2004.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replacen("Albania", "Albanai", 1);
    std::fs::write(&path, text).unwrap();
    let failed = run_bin(work.path(), &["run", "--input", "bad", "--output", "out"]);
    assert_eq!(failed.status.code(), Some(2));
    assert!(
        stderr(&failed).contains("unknown country `Albanai`"),
        "{}",
        stderr(&failed)
    );
    assert_eq!(
        before,
        snapshot_dir(&work.path().join("out")),
        "output changed after a failed run"
    );
    let leftovers: Vec<_> = std::fs::read_dir(work.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".out"))
        .collect();
    assert!(
        leftovers.is_empty(),
        "staging folders left behind: {leftovers:?}"
    );
}

#[test]
fn a_rerun_replaces_the_output_as_a_whole_keeping_its_gitignore() {
    let work = scratch();
    let out = work.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    std::fs::write(out.join(".gitignore"), "*\n").unwrap();
    std::fs::write(out.join("stale.txt"), "from an older run").unwrap();
    let ok = run_paper_panel_in(work.path(), &["--output", "out", "--quiet"]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(!out.join("stale.txt").exists());
    assert_eq!(
        std::fs::read_to_string(out.join(".gitignore")).unwrap(),
        "*\n"
    );
    assert!(out.join("tables/table1.csv").is_file());
}

#[test]
fn the_chinese_workbook_states_quality_findings_and_exclusions_in_chinese() {
    use calamine::{Reader, Xlsx, open_workbook};
    let (_guard, out) = run_paper_panel(&["--lang", "zh"]);
    let mut wb: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let cell_texts = |wb: &mut Xlsx<_>, sheet: &str| -> Vec<Vec<String>> {
        let range = wb.worksheet_range(sheet).unwrap();
        range
            .rows()
            .map(|r| r.iter().map(ToString::to_string).collect())
            .collect()
    };
    let quality = cell_texts(&mut wb, "数据质量");
    let afg = quality
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c == "AFG"))
        .expect("AFG row");
    assert_eq!(afg.last().unwrap(), "2004年：缺少OSI");
    let alias = quality
        .iter()
        .find(|r| r.get(1).is_some_and(|c| c == "KOR"))
        .expect("KOR alias row");
    assert_eq!(alias.last().unwrap(), "“Korea, South”识别为韩国");
    for row in &quality {
        let detail = row.last().unwrap();
        assert!(
            !detail.contains("missing") && !detail.contains("read as"),
            "English detail: {detail}"
        );
    }
    let countries = cell_texts(&mut wb, "国家");
    let ssd = countries
        .iter()
        .find(|r| r.first().is_some_and(|c| c == "SSD"))
        .expect("SSD row");
    assert!(
        ssd.last().unwrap().starts_with("2003年：无数据行"),
        "{}",
        ssd.last().unwrap()
    );
}
