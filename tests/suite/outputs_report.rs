//! The Markdown and HTML reports: narrative numbers against the CSVs of the same run, both
//! languages, self-containment, template overrides, a headless-browser render, determinism.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{
    decode_png, on_path, paper_panel_input, run_bin, run_paper_panel, scratch, skip, stderr,
};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// The rows of a CSV file of the run as (header, records).
fn csv_rows(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_path(path).expect("a CSV output");
    let header = reader.headers().unwrap().iter().map(String::from).collect();
    let rows = reader
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect();
    (header, rows)
}

/// The SPEC's default level rule, written out independently of the crate.
fn level(v: f64) -> &'static str {
    if v > 0.75 {
        "very high"
    } else if v >= 0.50 {
        "high"
    } else if v >= 0.25 {
        "medium"
    } else {
        "low"
    }
}

#[test]
fn english_report_tells_the_numbers_of_table1_and_the_reproduction_differences() {
    let reference = crate::common::root().join("examples/paper-tables.json");
    let (_guard, out) = run_paper_panel(&["--reference", reference.to_str().unwrap()]);
    let md = read(&out.join("report.md"));
    let html = read(&out.join("report.html"));

    // The headline sentence, rebuilt from table1.csv of the same run.
    let (_, table1) = csv_rows(&out.join("tables/table1.csv"));
    let total = |trend: &str| -> usize {
        table1
            .iter()
            .filter(|r| r[0] == trend)
            .map(|r| r[3].parse::<usize>().unwrap())
            .sum()
    };
    let (kept, rose, fell) = (total("maintained"), total("rose"), total("fell"));
    assert_eq!(
        kept + rose + fell,
        150,
        "the bundled panel has 150 countries"
    );
    let (_, panel) = csv_rows(&out.join("tables/panel.csv"));
    let years: BTreeSet<&str> = panel.iter().map(|r| r[3].as_str()).collect();
    let (first, last) = (years.first().unwrap(), years.last().unwrap());
    let headline = format!(
        "Of the 150 countries, {kept} kept their level, {rose} rose and {fell} fell between {first} and {last}."
    );
    assert!(md.contains(&headline), "report.md lacks `{headline}`");
    assert!(html.contains(&headline), "report.html lacks `{headline}`");

    // Each Table 1 row with its count, in the report's words.
    for row in &table1 {
        let (trend, k, count) = (&row[0], &row[1], &row[3]);
        let change = match (trend.as_str(), k.as_str()) {
            ("maintained", _) => format!("stayed {}", row[2].replace('_', " ")),
            (t, "1") => format!("{t} 1 level"),
            (t, k) => format!("{t} {k} levels"),
        };
        assert!(
            md.contains(&format!("| {change} | {count} |")),
            "report.md lacks the Table 1 row `{change}` with {count}"
        );
    }

    // The focus country's path, from its EGDI in panel.csv.
    let china: Vec<f64> = panel
        .iter()
        .filter(|r| r[0] == "CHN")
        .map(|r| r[4].parse().unwrap())
        .collect();
    let path = format!(
        "China's EGDI level went {} → {} between {first} and {last}",
        level(china[0]),
        level(*china.last().unwrap())
    );
    assert!(md.contains(&path), "report.md lacks `{path}`");

    for n in 1..=6 {
        assert!(
            md.contains(&format!("**Table {n}. ")),
            "report.md lacks Table {n}"
        );
        assert!(
            html.contains(&format!("<caption>Table {n}. ")),
            "report.html lacks the caption of Table {n}"
        );
    }
    for n in 1..=4 {
        assert!(
            md.contains(&format!("(figures/figure{n}.svg)")),
            "no link to figure {n}"
        );
        assert!(
            html.contains(&format!("<figcaption>Figure {n}. ")),
            "no figure {n}"
        );
    }

    // The reproduction section: as many differences as reproduction.csv lists, each shown.
    let (_, diffs) = csv_rows(&out.join("tables/reproduction.csv"));
    assert_eq!(
        diffs.len(),
        2,
        "the bundled input differs from the paper in 2 cells"
    );
    assert!(md.contains("are reproduced; 2 differ."), "{md}");
    // Each difference is a sentence naming the published value (and a computed count).
    for d in &diffs {
        let table = format!("| Table {} | ", d[0].trim_start_matches("table"));
        let line = md
            .lines()
            .find(|l| l.starts_with(&table) && l.contains(&d[3]))
            .unwrap_or_else(|| panic!("report.md does not explain the difference {d:?}"));
        if d[4].parse::<u64>().is_ok() {
            assert!(line.contains(&d[4]), "{line}");
        }
    }
}

#[test]
fn chinese_report_has_chinese_titles_and_country_names_and_no_english_captions() {
    let (_guard, out) = run_paper_panel(&["--lang", "zh"]);
    let md = read(&out.join("report.md"));
    let html = read(&out.join("report.html"));
    // The input's README is quoted as given (in English), so only captions are checked.
    for n in 1..=6 {
        assert!(md.contains(&format!("**表{n}  ")), "report.md lacks 表{n}");
        assert!(
            html.contains(&format!("<caption>表{n}  ")),
            "report.html lacks 表{n}"
        );
        assert!(
            !md.contains(&format!("**Table {n}.")),
            "English Table {n} in zh"
        );
    }
    assert!(
        !html.contains("<caption>Table "),
        "an English caption in zh"
    );
    for n in 1..=4 {
        assert!(
            html.contains(&format!("<figcaption>图{n}  ")),
            "report.html lacks 图{n}"
        );
    }
    assert!(
        !html.contains("<figcaption>Figure "),
        "an English figure caption in zh"
    );
    for name in ["中国", "美国", "英国", "澳大利亚", "加拿大"] {
        assert!(md.contains(name), "report.md lacks {name}");
        assert!(html.contains(name), "report.html lacks {name}");
    }
    for english in [
        "Data and panel",
        "Representative countries",
        "Benchmark mean",
    ] {
        assert!(
            !md.contains(english),
            "English `{english}` in the zh report"
        );
    }
    assert!(html.contains("<html lang=\"zh-Hans\">"));
}

/// Every place where `html` would load something from the network: `src=`, `href=`, `url(`
/// with an `http:`, `https:` or protocol-relative `//` target, and any `@import`.
fn external_references(html: &str) -> Vec<String> {
    let lower = html.to_ascii_lowercase();
    let quotes = |c: char| c.is_whitespace() || c == '"' || c == '\'';
    let mut found = Vec::new();
    for marker in ["src", "href", "url(", "@import"] {
        for (at, _) in lower.match_indices(marker) {
            let rest = lower[at + marker.len()..].trim_start();
            let target = match marker {
                "src" | "href" => match rest.strip_prefix('=') {
                    Some(value) => value.trim_start_matches(quotes),
                    None => continue,
                },
                _ => rest.trim_start_matches(quotes),
            };
            let external = marker == "@import"
                || ["http:", "https:", "//"]
                    .iter()
                    .any(|p| target.starts_with(p));
            if external {
                found.push(html[at..].chars().take(80).collect());
            }
        }
    }
    found
}

#[test]
fn the_external_reference_check_catches_each_kind_and_spares_namespaces() {
    assert!(external_references(r#"<svg xmlns="http://www.w3.org/2000/svg"></svg>"#).is_empty());
    assert!(external_references(r##"<a href="#table1">1</a><img src="data:x">"##).is_empty());
    for bad in [
        r#"<img src="https://example.org/a.png">"#,
        "<script src='//cdn.example.org/x.js'></script>",
        r#"<link href = "http://example.org/a.css">"#,
        "<style>body { background: url( http://example.org/x.png ) }</style>",
        "<style>@import 'local.css';</style>",
        r#"<use XLINK:HREF="https://example.org/s.svg#a"/>"#,
    ] {
        assert_eq!(external_references(bad).len(), 1, "not caught: {bad}");
    }
}

#[test]
fn html_report_is_self_contained_with_inline_figures_and_accessible_tables() {
    let (_guard, out) = run_paper_panel(&[]);
    let html = read(&out.join("report.html"));
    let external = external_references(&html);
    assert!(external.is_empty(), "network references: {external:#?}");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<style>"), "the CSS is inline");
    assert!(html.contains("@media print"), "the CSS has print rules");
    assert_eq!(html.matches("<figure id=\"figure").count(), 4);
    assert!(
        html.matches("<svg").count() >= 4,
        "the four figures are inline SVG"
    );
    assert!(html.matches("<caption>").count() >= 6);
    assert!(html.contains("<th scope=\"col\""));
    assert!(html.contains("<th scope=\"row\">"));
    assert!(html.contains("<th scope=\"colgroup\""));
}

#[test]
fn templates_folder_overrides_file_by_file_and_undefined_values_fail_naming_the_template() {
    let dir = scratch();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(templates.join("partials")).unwrap();
    std::fs::write(
        templates.join("report.md.j2"),
        "OVERRIDDEN {{ title }}\n{{ levels.table1.caption }}\n",
    )
    .unwrap();
    std::fs::write(
        templates.join("partials/report.css"),
        "body { color: rebeccapurple; }\n",
    )
    .unwrap();
    let (_guard, out) = run_paper_panel(&["--templates", templates.to_str().unwrap()]);
    assert_eq!(
        read(&out.join("report.md")),
        "OVERRIDDEN Global e-government development stages and the gap to leading countries\n\
         Table 1. EGDI level change of the 150 panel countries, 2003–2018\n"
    );
    let html = read(&out.join("report.html"));
    assert!(
        html.contains("body { color: rebeccapurple; }"),
        "partial not overridden"
    );
    assert!(
        html.contains("<caption>Table 1. "),
        "the embedded report.html.j2 is still used"
    );

    std::fs::write(
        templates.join("report.md.j2"),
        "# {{ title }}\n\n{{ no_such_value }}\n",
    )
    .unwrap();
    let failed_out = dir.path().join("failed-output");
    let input = paper_panel_input();
    let run = run_bin(
        dir.path(),
        &[
            "run",
            "--input",
            input.to_str().unwrap(),
            "--output",
            failed_out.to_str().unwrap(),
            "--templates",
            templates.to_str().unwrap(),
        ],
    );
    let err = stderr(&run);
    assert!(
        !run.status.success(),
        "an undefined value must fail the run"
    );
    assert_eq!(run.status.code(), Some(3), "{err}");
    assert!(
        err.contains("report.md.j2:3"),
        "the message names template and line: {err}"
    );
    assert!(
        err.contains("no_such_value"),
        "the message names the value: {err}"
    );
    assert!(!failed_out.exists(), "nothing is written on failure");
}

#[test]
fn two_runs_give_identical_reports() {
    let (_a, first) = run_paper_panel(&["--lang", "zh"]);
    let (_b, second) = run_paper_panel(&["--lang", "zh"]);
    for name in ["report.md", "report.html"] {
        let (a, b) = (
            std::fs::read(first.join(name)).unwrap(),
            std::fs::read(second.join(name)).unwrap(),
        );
        assert!(a == b, "{name} differs between two runs");
    }
}

/// Screenshots `html` with headless Chromium (no network, fresh profile); the PNG's path.
fn screenshot(chromium: &Path, html: &Path, dir: &Path) -> PathBuf {
    let profile = dir.join("profile");
    let shot = dir.join("shot.png");
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            &format!("--user-data-dir={}", profile.display()),
            "--hide-scrollbars",
            "--window-size=1200,1600",
            &format!("--screenshot={}", shot.display()),
            &format!("file://{}", html.display()),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("chromium starts");
    let start = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 120 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    shot
}

#[test]
fn html_report_renders_in_headless_chromium_in_both_languages() {
    let Some(chromium) = on_path("chromium") else {
        skip(
            "html_report_renders_in_headless_chromium_in_both_languages",
            "chromium not installed",
        );
        return;
    };
    for lang in ["en", "zh"] {
        let (guard, out) = run_paper_panel(&["--lang", lang]);
        let shot = screenshot(&chromium, &out.join("report.html"), guard.path());
        assert!(shot.is_file(), "{lang}: no screenshot written");
        let (_, _, pixels, samples) = decode_png(&std::fs::read(&shot).unwrap());
        let colours: BTreeSet<&[u8]> = pixels
            .chunks(samples)
            .map(|p| &p[..samples.min(3)])
            .collect();
        assert!(
            colours.len() >= 20,
            "{lang}: the screenshot looks blank ({} colours)",
            colours.len()
        );
    }
}
