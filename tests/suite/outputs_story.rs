//! What the report says and how it reads: the stage periodisation against the tables, surveys
//! not comparable marked in figures and transitions, time to scale, no Markdown syntax in any
//! rendered text or cell, no English in the Chinese report, the reproduction section only with
//! a reference, and the workbook as LibreOffice prints it.

use std::io::Read;
use std::path::Path;

use calamine::{Data, Reader, Xlsx, open_workbook};

use crate::common::{bundled_input, on_path, root, run_on, run_paper_panel, scratch, skip, stderr};

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

fn csv_records(path: &Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn reference() -> String {
    root()
        .join("examples/paper-tables.json")
        .to_string_lossy()
        .into_owned()
}

/// The paragraphs of the section under the Markdown heading that starts with `heading`.
fn section<'a>(md: &'a str, heading: &str) -> &'a str {
    let start = md
        .find(heading)
        .unwrap_or_else(|| panic!("no heading {heading}"));
    let rest = &md[start + heading.len()..];
    let end = rest.find("\n#").unwrap_or(rest.len());
    &rest[..end]
}

#[test]
fn the_stage_periodisation_states_the_counts_of_tables_3_and_4() {
    let (_guard, out) = run_paper_panel(&[]);
    let md = read(&out.join("report.md"));
    let periods = section(&md, "### 4.2 Stages of global e-government");
    // Counts read from the CSVs of the same run, not from the paper.
    let t4 = csv_records(&out.join("tables/table4.csv"));
    let count = |year: &str, stage: &str, col: usize| -> usize {
        let row = t4.iter().find(|r| r[0] == year && r[1] == stage).unwrap();
        row[col].parse().unwrap()
    };
    let high = |year: &str, stage: &str| count(year, stage, 2) + count(year, stage, 3);
    let stage1_2012 = count("2012", "1", 2);
    assert_eq!(stage1_2012, 122);
    assert!(
        periods.contains(&format!(
            "in the 2012 survey, {stage1_2012} of the 150 countries were very high in stage 1"
        )),
        "{periods}"
    );
    assert!(periods.contains(&format!("against {} in 2010", count("2010", "1", 2))));
    assert!(periods.contains(&format!(
        "{} were high or very high in stage 2",
        high("2012", "2")
    )));
    let t3 = csv_records(&out.join("tables/table3.csv"));
    let osi = |year: &str| -> usize {
        let r = t3.iter().find(|r| r[0] == year && r[1] == "OSI").unwrap();
        r[2].parse::<usize>().unwrap() + r[3].parse::<usize>().unwrap()
    };
    assert_eq!((osi("2016"), osi("2018")), (81, 103));
    assert!(
        periods.contains(&format!(
            "from {} in 2014 to {} and {} in 2016 and 2018",
            osi("2014"),
            osi("2016"),
            osi("2018")
        )),
        "{periods}"
    );
    let summary = "online information services up to about 2010, online interactive services \
                   from about 2011 to 2015, and the integration of online and offline services \
                   from about 2015";
    assert!(periods.contains(summary), "{periods}");
    assert!(
        section(&md, "## Summary").contains(summary),
        "the summary states it"
    );
}

#[test]
fn a_shorter_survey_range_says_what_that_range_shows() {
    // 2003-2008 has no stage data and no OSI majority: no boundary is claimed.
    let (_dir, out) = crate::common::run_paper_panel_with("surveys = [2003, 2004, 2005, 2008]\n");
    let md = read(&out.join("report.md"));
    let periods = section(&md, "### 4.2 Stages of global e-government");
    assert!(
        periods.contains("place no boundary between stages"),
        "{periods}"
    );
    assert!(periods.contains("has no OSI stage data"), "{periods}");
    assert!(!periods.contains("2015"), "{periods}");
}

/// `(x, text)` of every `<text>` element of a plotters SVG (its text sits on its own line).
fn svg_labels(svg: &str) -> Vec<(f64, String)> {
    let mut out = Vec::new();
    let mut lines = svg.lines();
    while let Some(line) = lines.next() {
        if let Some(rest) = line.strip_prefix("<text x=\"") {
            let x: f64 = rest[..rest.find('"').unwrap()].parse().unwrap();
            let text = lines.next().unwrap_or_default().trim().to_string();
            out.push((x, text));
        }
    }
    out
}

#[test]
fn survey_years_are_drawn_to_scale_and_the_weighted_survey_is_hollow() {
    let (_guard, out) = run_paper_panel(&[]);
    for n in 1..=4 {
        let svg = read(&out.join(format!("figures/figure{n}.svg")));
        let labels = svg_labels(&svg);
        let x = |year: &str| {
            labels
                .iter()
                .find(|(_, t)| t == year)
                .unwrap_or_else(|| panic!("figure{n}: no label {year}"))
                .0
        };
        // Equal steps in years are equal steps in x; 2005 -> 2008 is three of 2003 -> 2004.
        let per_year = (x("2018") - x("2003")) / 15.0;
        for year in [2004, 2005, 2008, 2010, 2012, 2014, 2016] {
            let want = x("2003") + per_year * f64::from(year - 2003);
            let got = x(&year.to_string());
            assert!(
                (got - want).abs() <= 1.0,
                "figure{n}: {year} at {got}, not {want}"
            );
        }
        // Hollow markers sit at 2010 in the sub-index figures only, with a note.
        let hollow: Vec<&str> = svg.lines().filter(|l| l.contains("#FFFFFE")).collect();
        if n == 1 {
            assert!(hollow.is_empty(), "EGDI is comparable in 2010");
        } else {
            assert_eq!(hollow.len(), 5, "figure{n}: one hollow marker per country");
            let at = format!("cx=\"{}\"", x("2010"));
            assert!(
                hollow.iter().any(|l| l.contains(&at)),
                "figure{n}: {hollow:?}"
            );
            assert!(
                labels
                    .iter()
                    .any(|(_, t)| t.starts_with("Hollow markers: the 2010 survey")),
                "figure{n}"
            );
        }
        assert!(
            labels
                .iter()
                .any(|(_, t)| t.contains("no survey between 2005 and 2008"))
        );
    }
}

#[test]
fn transitions_are_pivoted_and_mark_the_intervals_of_the_weighted_survey() {
    let (_guard, out) = run_paper_panel(&[]);
    let md = read(&out.join("report.md"));
    let header = md
        .lines()
        .find(|l| l.starts_with("| Index | Level |"))
        .expect("the pivoted transitions table");
    assert!(header.contains("| 2008–2010† | 2010–2012† |"), "{header}");
    assert!(header.contains("| 2005–2008 |"), "{header}");
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| OSI | ")).collect();
    assert_eq!(rows.len(), 3, "kept, rose, fell");
    assert!(md.contains("† The 2010 survey stores OSI, TII and HCI as weighted contributions"));
    assert!(md.contains("changes into and out of 2010 are not real change"));
}

/// The text nodes of an HTML document, outside `<style>`.
fn html_text_nodes(html: &str) -> Vec<String> {
    let body = match (html.find("<style>"), html.find("</style>")) {
        (Some(a), Some(b)) => format!("{}{}", &html[..a], &html[b..]),
        _ => html.to_string(),
    };
    body.split('<')
        .filter_map(|part| {
            part.split_once('>')
                .map(|(_, text)| text.trim().to_string())
        })
        .filter(|t| !t.is_empty())
        .collect()
}

/// Markdown that a reader would see as syntax.
fn markdown_syntax(text: &str) -> Option<&'static str> {
    if text.contains('`') {
        Some("backtick")
    } else if text.contains("**") {
        Some("**")
    } else if text.contains("](") {
        Some("link")
    } else if text.lines().any(|l| l.trim_start().starts_with("# ")) {
        Some("heading")
    } else {
        None
    }
}

#[test]
fn no_markdown_syntax_reaches_html_text_or_workbook_cells() {
    // The paper panel in both languages, and the bundled data (its findings name places in
    // the input, which the paper panel's do not).
    let paper = crate::common::paper_panel_input();
    let inputs = [(&paper, "en"), (&paper, "zh"), (&bundled_input(), "en")];
    for (input, lang) in inputs {
        let (_guard, out, _) = run_on(
            input,
            &["--quiet", "--lang", lang, "--reference", &reference()],
        );
        let html = read(&out.join("report.html"));
        for node in html_text_nodes(&html) {
            if let Some(kind) = markdown_syntax(&node) {
                panic!("{lang}: report.html text `{node}` shows Markdown ({kind})");
            }
        }
        // The README is rendered, its raw Markdown gone.
        if input == &paper {
            assert!(html.contains("<strong>This is NOT official UN data.</strong>"));
        }
        let mut workbook: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
        for name in workbook.sheet_names() {
            let range = workbook.worksheet_range(&name).unwrap();
            for (r, c, cell) in range.used_cells() {
                if let Data::String(s) = cell {
                    if let Some(kind) = markdown_syntax(s) {
                        panic!(
                            "{lang}: `{name}` row {} column {} `{s}`: {kind}",
                            r + 1,
                            c + 1
                        );
                    }
                    assert!(
                        !["None", "无"].contains(&s.as_str()),
                        "`{name}`: a None cell"
                    );
                }
            }
        }
    }
}

#[test]
fn the_reproduction_section_is_left_out_without_a_reference() {
    let (_guard, out) = run_paper_panel(&[]);
    let md = read(&out.join("report.md"));
    let html = read(&out.join("report.html"));
    assert!(!md.contains("Reproduction check") && !md.contains("--reference"));
    assert!(!html.contains("id=\"reproduction\""));
}

/// Latin-letter words of a Chinese text that are not allowed there: everything but the index
/// abbreviations, codes and column letters (1-3 capitals, `ISO3`), file and sheet names (with `.` or
/// `_`), hexadecimal digests and the program's name.
fn latin_words(text: &str) -> Vec<String> {
    const ALLOWED: [&str; 6] = ["EGDI", "OSI", "TII", "HCI", "EPI", "egov-report"];
    let mut out = Vec::new();
    let mut word = String::new();
    for c in text.chars().chain(std::iter::once(' ')) {
        if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | '/' | '\\') {
            word.push(c);
            continue;
        }
        let w = word
            .trim_matches(|c: char| !c.is_ascii_alphanumeric())
            .replace('\\', "");
        word.clear();
        let has_letter = w.chars().any(|c| c.is_ascii_alphabetic());
        let allowed = !has_letter
            || ALLOWED.contains(&w.as_str())
            || (w.len() <= 3 && w.chars().all(|c| c.is_ascii_uppercase()))
            // Standards named by a code (`ISO3`, `M49`).
            || (w.len() <= 4
                && w.trim_end_matches(|c: char| c.is_ascii_digit()).len() < w.len()
                && w.trim_end_matches(|c: char| c.is_ascii_digit())
                    .chars()
                    .all(|c| c.is_ascii_uppercase()))
            || w.contains('.')
            || w.contains('_')
            || w.chars().all(|c| c.is_ascii_hexdigit());
        if !allowed {
            out.push(w);
        }
    }
    out
}

/// What a Chinese report must not show: Latin-letter words outside codes, file names and the
/// index abbreviations, ASCII `<=`/`>=`, and year lists joined with `, ` instead of `、`.
fn english_in_chinese(md: &str) -> Vec<String> {
    // The quoted README is the input's own text, and the alias table's first column is how
    // the input spells a name: both are quoted, not written by the report.
    let end = md.find("## 附录二").expect("the README appendix");
    let mut bad = Vec::new();
    let mut in_aliases = false;
    for line in md[..end].lines() {
        if line.starts_with("| 输入中的名称 |") {
            in_aliases = true;
        } else if !line.starts_with('|') {
            in_aliases = false;
        }
        let line = if in_aliases {
            line.splitn(3, '|').nth(2).unwrap_or_default()
        } else {
            line
        };
        for w in latin_words(line) {
            bad.push(format!("{w} in `{line}`"));
        }
        if line.contains("<=") || line.contains(">=") {
            bad.push(format!("ASCII comparison in `{line}`"));
        }
        let bytes = line.as_bytes();
        let year_list = (0..bytes.len().saturating_sub(6)).any(|i| {
            bytes[i].is_ascii_digit()
                && bytes[i + 1] == b','
                && bytes[i + 2] == b' '
                && bytes[i + 3].is_ascii_digit()
        });
        if year_list {
            bad.push(format!("a list joined with `, ` in `{line}`"));
        }
    }
    bad
}

#[test]
fn the_chinese_report_has_no_english_words() {
    let (_guard, out) = run_paper_panel(&["--lang", "zh", "--reference", &reference()]);
    let bad = english_in_chinese(&read(&out.join("report.md")));
    assert!(
        bad.is_empty(),
        "English left in the Chinese report:\n{}",
        bad.join("\n")
    );
    // The check finds what it looks for.
    let planted = "## 标题\n\nrow 3, column B；2010, 2012；v <= 1\n\n## 附录二\n";
    assert_eq!(
        english_in_chinese(planted).len(),
        5,
        "{:?}",
        english_in_chinese(planted)
    );
}

#[test]
fn the_chinese_report_of_the_real_data_has_no_english_words() {
    // The bundled data has findings the paper panel lacks (values above their range, zero
    // sub-indices), whose places in the input are written in Chinese too.
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet", "--lang", "zh"]);
    let md = read(&out.join("report.md"));
    assert!(
        md.contains("EGOV_DATA_2003.csv第34行G列"),
        "a place in the input, in Chinese"
    );
    let bad = english_in_chinese(&md);
    assert!(
        bad.is_empty(),
        "English left in the Chinese report:\n{}",
        bad.join("\n")
    );
}

/// One word box of `pdftotext -bbox`: page, xMin, yMin, xMax, yMax, text.
type WordBox = (usize, f64, f64, f64, f64, String);

fn word_boxes(html: &str) -> (Vec<WordBox>, Vec<f64>) {
    let attr = |s: &str, name: &str| -> f64 {
        let at = s.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
        s[at..at + s[at..].find('"').unwrap()].parse().unwrap()
    };
    let (mut boxes, mut widths) = (Vec::new(), Vec::new());
    for line in html.lines().map(str::trim) {
        if line.starts_with("<page ") {
            widths.push(attr(line, "width"));
        } else if line.starts_with("<word ") {
            let text =
                line[line.find('>').unwrap() + 1..line.rfind("</word>").unwrap()].to_string();
            boxes.push((
                widths.len(),
                attr(line, "xMin"),
                attr(line, "yMin"),
                attr(line, "xMax"),
                attr(line, "yMax"),
                text,
            ));
        }
    }
    (boxes, widths)
}

#[test]
fn libreoffice_prints_the_workbook_without_overlapping_text_within_the_page_width() {
    if on_path("soffice").is_none() || on_path("pdftotext").is_none() {
        skip(
            "libreoffice_prints_the_workbook_without_overlapping_text_within_the_page_width",
            "soffice or pdftotext not installed",
        );
        return;
    }
    for lang in ["en", "zh"] {
        let (_guard, out) = run_paper_panel(&["--lang", lang, "--reference", &reference()]);
        let work = scratch();
        let o = std::process::Command::new("soffice")
            .arg(format!(
                "-env:UserInstallation=file://{}",
                work.path().join("profile").display()
            ))
            .args([
                "--headless",
                "--norestore",
                "--convert-to",
                "pdf",
                "--outdir",
            ])
            .arg(work.path())
            .arg(out.join("workbook.xlsx"))
            .output()
            .expect("soffice runs");
        let pdf = work.path().join("workbook.pdf");
        assert!(pdf.is_file(), "soffice wrote no PDF: {}", stderr(&o));
        let bbox = work.path().join("workbook.html");
        let o = std::process::Command::new("pdftotext")
            .arg("-bbox")
            .arg(&pdf)
            .arg(&bbox)
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let (boxes, widths) = word_boxes(&read(&bbox));
        assert!(boxes.len() > 1000, "{} words", boxes.len());
        for b in &boxes {
            assert!(
                b.3 <= widths[b.0 - 1] + 0.5,
                "`{}` runs past the page width",
                b.5
            );
        }
        // Two words of one page overlap when their boxes intersect by more than a sliver across
        // and by more than a quarter of a line down: the boxes of two lines of one wrapped cell
        // touch by about a tenth (ascent and descent reach into the line spacing).
        const SLIVER: f64 = 0.5;
        let mut overlaps = Vec::new();
        for page in 1..=widths.len() {
            let on_page: Vec<&WordBox> = boxes.iter().filter(|b| b.0 == page).collect();
            for (i, a) in on_page.iter().enumerate() {
                for b in &on_page[i + 1..] {
                    let w = a.3.min(b.3) - a.1.max(b.1);
                    let h = a.4.min(b.4) - a.2.max(b.2);
                    let line = (a.4 - a.2).min(b.4 - b.2);
                    if w > SLIVER && h > line / 4.0 {
                        overlaps.push(format!("page {page}: `{}` and `{}`", a.5, b.5));
                    }
                }
            }
        }
        assert!(
            overlaps.is_empty(),
            "{lang}: {} overlaps: {:?}",
            overlaps.len(),
            &overlaps[..overlaps.len().min(10)]
        );
    }
}

#[test]
fn on_the_real_data_comparative_sentences_follow_the_sign() {
    // The bundled UN data, 2003-2024: China trails the benchmark mean in OSI in 2022 and leads
    // it in 2024; Australia and the United Kingdom tie on EGDI in 2024 at 4 decimals.
    let (_guard, out, _) = run_on(&bundled_input(), &["--quiet"]);
    let md = read(&out.join("report.md"));
    let gaps = csv_records(&out.join("tables/figure2.csv"));
    assert!(!gaps.is_empty());
    assert!(
        md.contains(
            "China went from 0.0136 below the benchmark mean in 2022 to 0.0147 above it in 2024."
        ),
        "{}",
        section(&md, "### 5.2 OSI")
    );
    assert!(!md.contains("widened from 0.0136"));
    assert!(md.contains("In 2024, China's OSI was 0.9258, 0.0147 above the benchmark mean"));
    assert!(
        md.contains("had the highest EGDI of the countries compared, both 0.9577."),
        "{}",
        section(&md, "### 5.1 EGDI")
    );
    // The fixed telephone is ranked and marked, not singled out as the gap to close.
    assert!(md.contains(
        "Fixed-telephone subscriptions per 100 inhabitants 0.358 (a declining technology)"
    ));
    assert!(!md.contains("furthest behind the benchmark mean in Fixed-telephone"));
}

#[test]
fn the_paper_range_on_the_real_data_says_how_its_panel_and_cells_differ() {
    let (_dir, out, _) = crate::common::run_paper_config();
    let md = read(&out.join("report.md"));
    let panel = csv_records(&out.join("tables/panel.csv"));
    let n = panel
        .iter()
        .map(|r| r[0].clone())
        .collect::<std::collections::BTreeSet<_>>()
        .len();
    let repro = section(&md, "## 7 Reproduction check");
    assert!(
        repro.contains(&format!(
            "The computed panel has {n} countries, {} more than the reference's 150",
            n - 150
        )),
        "{repro}"
    );
    assert!(
        repro.contains("Table 5 50 of 50 and Table 6 40 of 40"),
        "{repro}"
    );
    assert!(repro.contains(&format!(
        "The published panel has 150 countries; the computed one has {n}."
    )));
    // Every difference is in the table, explained.
    let diffs = csv_records(&out.join("tables/reproduction.csv"));
    let rows = repro
        .lines()
        .filter(|l| {
            (l.starts_with("| Table ") && !l.starts_with("| Table |")) || l.starts_with("| Panel ")
        })
        .count();
    assert_eq!(rows, diffs.len());
}

#[test]
fn table1_shows_where_the_focus_country_ranks_in_a_long_row() {
    let (_guard, out) = run_paper_panel(&[]);
    let md = read(&out.join("report.md"));
    let t1 = csv_records(&out.join("tables/table1.csv"));
    let row = t1.iter().find(|r| r[0] == "rose" && r[1] == "1").unwrap();
    let rank = row[4].split(';').position(|c| c == "CHN").unwrap() + 1;
    assert!(rank > 15, "China is beyond the 15 names shown");
    let line = md
        .lines()
        .find(|l| l.starts_with("| Rose | rose 1 level |"))
        .unwrap();
    assert!(
        line.contains(&format!("Lithuania, …, China (no. {rank} of the row), … |")),
        "{line}"
    );
    assert!(
        md.contains("| The Americas | 35 | 30 |"),
        "a table cell starts with a capital"
    );
    // Short display names in tables, the article in sentences, the formal name in Countries.
    assert!(line.starts_with("| Rose |"));
    assert!(md.contains("| Year | Indicator | United States | Australia | United Kingdom |"));
    assert!(md.contains("compared with the benchmark countries the United States, Australia, the United Kingdom and Canada"));
    let mut workbook: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let countries = workbook.worksheet_range("Countries").unwrap();
    assert!(countries.used_cells().any(|(_, _, c)| c
        == &Data::String("United Kingdom of Great Britain and Northern Ireland".into())));
}

#[test]
fn a_survey_declared_not_comparable_is_marked_everywhere_with_its_reason() {
    let (_dir, out) = crate::common::run_paper_panel_with(
        "not_comparable = [{ year = 2016, reason = \"a method change\" }]\n",
    );
    let md = read(&out.join("report.md"));
    assert!(
        md.contains("| 2014–2016† | 2016–2018† |"),
        "transitions mark 2016"
    );
    assert!(md.contains("† The 2016 survey does not compare with the others (a method change)"));
    // Every figure, EGDI included, draws 2016 hollow.
    let svg = read(&out.join("figures/figure1.svg"));
    assert_eq!(svg.lines().filter(|l| l.contains("#FFFFFE")).count(), 5);
    // So do the workbook's charts: 2016 in all four, 2010 too in the sub-index charts.
    for n in 1..=4 {
        for (name, hollow) in hollow_years(&chart_xml(&out, n)) {
            let want: &[&str] = if n == 1 { &["2016"] } else { &["2010", "2016"] };
            assert_eq!(hollow, want, "chart {n}, {name}");
        }
    }
    // The periodisation leaves 2016 out: the OSI majority is first seen in 2018.
    let periods = section(&md, "### 4.2 Stages of global e-government");
    assert!(periods.contains("from about 2017"), "{periods}");
    let mut workbook: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let notes = workbook.worksheet_range("Notes").unwrap();
    assert!(
        notes
            .used_cells()
            .any(|(_, _, c)| matches!(c, Data::String(s) if s.contains("2016 (a method change)")))
    );
}

#[test]
fn a_focus_country_with_an_article_takes_its_capital_and_possessive() {
    let (_guard, out) = run_paper_panel(&["--focus", "USA", "--benchmarks", "GBR,AUS,CAN,CHN"]);
    let md = read(&out.join("report.md"));
    assert!(
        md.contains("\nThe United States' EGDI level was very high in 2003 and in 2018"),
        "{}",
        section(&md, "### 2.1")
    );
    assert!(md.contains("In 2018, the United States' EGDI was 0.9260"));
    assert!(!md.contains("States's") && !md.contains("\nthe United"));
}

/// `xl/charts/chartN.xml` of a workbook.
fn chart_xml(out: &Path, n: u8) -> String {
    let file = std::fs::File::open(out.join("workbook.xlsx")).unwrap();
    let mut zip = zip::ZipArchive::new(file).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/charts/chart{n}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    xml
}

/// Per series of a chart: its name and the survey years of its hollow points (a point whose
/// marker has no fill), read from the x values the chart caches.
fn hollow_years(xml: &str) -> Vec<(String, Vec<String>)> {
    let between = |s: &str, open: &str, close: &str| -> String {
        let a = s.find(open).map_or(s.len(), |i| i + open.len());
        let b = s[a..].find(close).map_or(s.len(), |i| a + i);
        s[a..b].to_string()
    };
    xml.split("<c:ser>")
        .skip(1)
        .map(|ser| {
            let name = between(ser, "<c:v>", "</c:v>");
            let years: Vec<String> = between(ser, "<c:xVal>", "</c:xVal>")
                .split("<c:v>")
                .skip(1)
                .map(|v| v[..v.find('<').unwrap()].to_string())
                .collect();
            let hollow = ser
                .split("<c:dPt>")
                .skip(1)
                .filter(|p| between(p, "<c:marker>", "</c:marker>").contains("<a:noFill/>"))
                .map(|p| {
                    let idx: usize = between(p, "<c:idx val=\"", "\"").parse().unwrap();
                    years[idx].clone()
                })
                .collect();
            (name, hollow)
        })
        .collect()
}

#[test]
fn the_native_charts_draw_the_weighted_survey_hollow() {
    let (_guard, out) = run_paper_panel(&[]);
    for n in 1..=4 {
        let series = hollow_years(&chart_xml(&out, n));
        assert_eq!(series.len(), 5, "chart {n}: one series per country");
        for (name, hollow) in &series {
            // EGDI is comparable in 2010; its sub-indices are weighted contributions there.
            let want: &[&str] = if n == 1 { &[] } else { &["2010"] };
            assert_eq!(hollow, want, "chart {n}, {name}");
        }
        // Every other point has a filled marker of its series' colour.
        let xml = chart_xml(&out, n);
        assert_eq!(
            xml.matches("<c:symbol val=\"circle\"/>").count(),
            5,
            "chart {n}"
        );
    }
    let mut workbook: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let notes = workbook.worksheet_range("Notes").unwrap();
    assert!(
        notes
            .used_cells()
            .any(|(_, _, c)| matches!(c, Data::String(s) if s.contains("with hollow markers"))),
        "the Notes say what a hollow marker means"
    );
}

#[test]
fn the_workbook_pivots_the_transitions_and_marks_the_weighted_survey() {
    let (_guard, out) = run_paper_panel(&[]);
    let mut workbook: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let range = workbook.worksheet_range("Transitions").unwrap();
    let rows: Vec<&[Data]> = range.rows().collect();
    let header = rows
        .iter()
        .position(|r| r[0] == Data::String("Index".into()))
        .expect("the header row");
    let headers: Vec<String> = rows[header].iter().map(ToString::to_string).collect();
    assert_eq!(
        headers[..4],
        ["Index", "Level change", "2003–2004", "2004–2005"]
    );
    assert!(headers.contains(&"2008–2010†".to_string()) && headers.contains(&"2010–2012†".into()));
    assert!(headers.contains(&"2005–2008".to_string()), "{headers:?}");
    let body = &rows[header + 1..];
    assert_eq!(
        (body.len(), headers.len()),
        (12, 10),
        "4 indices x kept/rose/fell, 8 intervals"
    );
    // Every count is a number and equals a recount of the transition matrices of the CSV.
    let csv = csv_records(&out.join("tables/transitions.csv"));
    let level = |l: &str| {
        ["very_high", "high", "medium", "low"]
            .iter()
            .position(|k| *k == l)
    };
    for row in body {
        let index = row[0].to_string();
        let change = row[1].to_string();
        for (c, header) in headers.iter().enumerate().skip(2) {
            let interval = header.trim_end_matches('†');
            let (from, to) = interval.split_once('–').unwrap();
            let mut want = 0.0;
            for r in csv
                .iter()
                .filter(|r| r[0] == index && r[1] == from && r[2] == to)
            {
                let i = level(&r[3]).unwrap();
                for j in 0..4 {
                    let n: f64 = r[4 + j].parse().unwrap();
                    let counted = match change.as_str() {
                        "Kept" => i == j,
                        "Rose" => j < i,
                        _ => j > i,
                    };
                    if counted {
                        want += n;
                    }
                }
            }
            assert_eq!(row[c], Data::Float(want), "{index} {change} {interval}");
        }
    }
    let notes = workbook.worksheet_range("Notes").unwrap();
    assert!(notes.used_cells().any(
        |(_, _, c)| matches!(c, Data::String(s) if s.starts_with("Each column is the interval"))
    ));
}

#[test]
fn the_chinese_workbook_of_the_real_data_has_no_english_words() {
    // With the paper's reference, so that the Reproduction sheet is there too.
    let (_guard, out, _) = run_on(
        &bundled_input(),
        &["--quiet", "--lang", "zh", "--reference", &reference()],
    );
    let mut workbook: Xlsx<_> = open_workbook(out.join("workbook.xlsx")).unwrap();
    let mut bad = Vec::new();
    for name in workbook.sheet_names() {
        // The README sheet quotes the input's own text.
        if name == "输入说明" {
            continue;
        }
        let range = workbook.worksheet_range(&name).unwrap();
        for (r, c, cell) in range.used_cells() {
            let Data::String(s) = cell else { continue };
            // An alias finding quotes how the input spells a name (“Czech Republic”).
            let text = match s.split_once('“').zip(s.split_once('”')) {
                Some(((before, _), (_, after))) if s.contains("识别为") => {
                    format!("{before}{after}")
                }
                // The digest's name and the missing / not-applicable symbols.
                _ => s
                    .replace("SHA-256", "")
                    .replace("[x]", "")
                    .replace("[z]", ""),
            };
            for w in latin_words(&text) {
                bad.push(format!(
                    "`{name}` row {} column {}: {w} in `{s}`",
                    r + 1,
                    c + 1
                ));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "English left in the Chinese workbook:\n{}",
        bad[..bad.len().min(20)].join("\n")
    );
}
