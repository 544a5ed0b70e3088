//! The report's sections on country groups, ranks and the robustness of the levels: every
//! sentence checked against the tidy CSVs of the same run, in English and Chinese.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::common::{bundled_input, read_csv, run_on};

/// Runs the bundled input in `lang`; returns (guard, output folder, report.md).
fn run(lang: &str) -> (tempfile::TempDir, PathBuf, String) {
    let (guard, out, _) = run_on(&bundled_input(), &["-q", "--lang", lang]);
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    (guard, out, md)
}

fn num(row: &BTreeMap<String, String>, key: &str) -> f64 {
    row[key].parse().unwrap()
}

#[test]
fn the_country_group_sentences_follow_groups_csv_and_panel_csv() {
    let (_guard, out, en) = run("en");
    let tables = out.join("tables");
    let groups = read_csv(&tables.join("groups.csv"));
    let egdi = |kind: &str, group: &str| {
        groups
            .iter()
            .find(|g| {
                g["group_kind"] == kind
                    && g["group"] == group
                    && g["year"] == "2024"
                    && g["measure"] == "EGDI"
            })
            .unwrap_or_else(|| panic!("{kind} {group}"))
            .clone()
    };
    let panel: Vec<f64> = read_csv(&tables.join("panel.csv"))
        .iter()
        .filter(|r| r["year"] == "2024")
        .map(|r| num(r, "egdi"))
        .collect();
    let panel_mean = panel.iter().sum::<f64>() / panel.len() as f64;
    let table1 = read_csv(&tables.join("groups_table1.csv"));
    let moved = |group: &str, trend: &str| -> usize {
        table1
            .iter()
            .filter(|r| r["group_kind"] == "un_group" && r["group"] == group && r["trend"] == trend)
            .map(|r| r["count"].parse::<usize>().unwrap())
            .sum()
    };
    let names = [
        ("LDC", "Least Developed Countries (LDC)"),
        ("LLDC", "Landlocked Developing Countries (LLDC)"),
        ("SIDS", "Small Island Developing States (SIDS)"),
    ];
    for (group, name) in names {
        let g = egdi("un_group", group);
        let sentence = format!(
            "In 2024, the {} panel countries among the {name} have a mean EGDI of {:.4} (median \
             {:.4}), against {panel_mean:.4} for the whole panel; from 2003 to 2024, {} of them \
             rose at least one EGDI level and {} fell.",
            g["countries"],
            num(&g, "mean"),
            num(&g, "median"),
            moved(group, "rose"),
            moved(group, "fell"),
        );
        assert!(en.contains(&sentence), "missing: {sentence}");
        let row = format!(
            "| UN country group | {name} | {} | {:.4} | {:.4} | {} | {} | {} | {} |",
            g["countries"],
            num(&g, "mean"),
            num(&g, "median"),
            g["very_high"],
            g["high"],
            g["medium"],
            g["low"]
        );
        assert!(en.contains(&row), "missing: {row}");
    }
    let mut regions: Vec<_> = ["Africa", "Americas", "Asia", "Europe", "Oceania"]
        .iter()
        .map(|r| (num(&egdi("region", r), "mean"), *r))
        .collect();
    regions.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (bottom, top) = (regions[0], regions[4]);
    assert!(
        en.contains(&format!(
            "Among the regions, {} has the highest mean EGDI in 2024 ({:.4}) and {} the lowest \
             ({:.4}).",
            top.1, top.0, bottom.1, bottom.0
        )),
        "{regions:?}"
    );
    let (_g, out_zh, zh) = run("zh");
    let ldc = read_csv(&out_zh.join("tables/groups.csv"))
        .into_iter()
        .find(|g| g["group"] == "LDC" && g["year"] == "2024" && g["measure"] == "EGDI")
        .unwrap();
    assert!(zh.contains(&format!(
        "2024年，最不发达国家中的{}个面板国家EGDI均值为{:.4}",
        ldc["countries"],
        num(&ldc, "mean")
    )));
    assert!(zh.contains("### 3.3  国家组"));
}

#[test]
fn the_robustness_sentences_count_the_rows_of_sensitivity_csv() {
    let (_guard, out, en) = run("en");
    let tables = out.join("tables");
    let rows = read_csv(&tables.join("sensitivity.csv"));
    let near: Vec<_> = rows
        .iter()
        .filter(|r| r["variant"] == "near_threshold_0.01")
        .collect();
    let mut countries: Vec<&str> = near
        .iter()
        .map(|r| r["row"].split(' ').nth(1).unwrap())
        .collect();
    countries.sort_unstable();
    countries.dedup();
    let egdi = near.iter().filter(|r| r["column"] == "EGDI").count();
    let panel = read_csv(&tables.join("panel.csv"))
        .iter()
        .filter(|r| r["year"] == "2024")
        .count();
    let sentence = format!(
        "{} of the {panel} panel countries are within 0.01 of a level threshold in at least one \
         index in 2024; for EGDI alone, {egdi}.",
        countries.len()
    );
    assert!(en.contains(&sentence), "missing: {sentence}");
    let n1 = read_csv(&tables.join("table1.csv")).len();
    let n3 = read_csv(&tables.join("table3.csv")).len() * 4;
    let cells = |variant: &str, table: &str| {
        rows.iter()
            .filter(|r| r["variant"] == variant && r["table"] == table)
            .count()
    };
    let expected = [
        (
            "other_boundaries",
            "Under the other boundary convention (a value exactly on a threshold counted in the \
             level above), ",
        ),
        (
            "thresholds_plus_0.01",
            "With every threshold raised by 0.01, ",
        ),
        (
            "thresholds_minus_0.01",
            "With every threshold lowered by 0.01, ",
        ),
    ];
    for (variant, opening) in expected {
        let sentence = format!(
            "{opening}{} of the {n1} cells of Table 1 and {} of the {n3} cells of Table 3 change.",
            cells(variant, "table1"),
            cells(variant, "table3")
        );
        assert!(en.contains(&sentence), "missing: {sentence}");
    }
    // The table of the nearest values lists 15 of them, the nearest first.
    let section = &en[en
        .find("**The 15 values nearest a threshold, 2024**")
        .unwrap()..];
    let first = section.lines().nth(4).unwrap();
    let nearest = near
        .iter()
        .min_by(|a, b| {
            let d = |r: &BTreeMap<String, String>| (num(r, "value") - num(r, "baseline")).abs();
            d(a).total_cmp(&d(b))
        })
        .unwrap();
    assert!(
        first.contains(&format!(
            "| {} | {:.4} |",
            nearest["column"],
            num(nearest, "value")
        )),
        "{first}"
    );
}

#[test]
fn the_rank_sentences_and_tables_follow_ranks_csv() {
    let (_guard, out, en) = run("en");
    let ranks = read_csv(&out.join("tables/ranks.csv"));
    let last: Vec<_> = ranks.iter().filter(|r| r["year"] == "2024").collect();
    let published = last
        .iter()
        .filter(|r| r["rank_source"] == "published")
        .count();
    assert!(en.contains(&format!(
        "{} countries have an E-Government rank in 2024: {published} as published by the UN and \
         {} computed on EGDI",
        last.len(),
        last.len() - published
    )));
    let change = |r: &BTreeMap<String, String>| r["change"].parse::<i64>().ok();
    let top = last
        .iter()
        .filter_map(|r| change(r).map(|c| (c, r)))
        .max_by_key(|(c, _)| *c);
    let (c, r) = top.unwrap();
    let before = r["rank"].parse::<i64>().unwrap() + c;
    assert!(en.contains(&format!("(+{c}, to {})", r["rank"])));
    assert!(en.contains(&format!("| {before} | {} | +{c} |", r["rank"])));
    let bottom = last
        .iter()
        .filter_map(|r| change(r).map(|c| (c, r)))
        .min_by_key(|(c, _)| *c);
    let (c, r) = bottom.unwrap();
    assert!(en.contains(&format!("({c}, to {})", r["rank"])));
    let china: Vec<&str> = ranks
        .iter()
        .filter(|r| r["iso3"] == "CHN")
        .map(|r| r["rank"].as_str())
        .collect();
    assert!(en.contains(&format!("| China | {} |", china.join(" | "))));
    let (_g, _o, zh) = run("zh");
    assert!(zh.contains(&format!("| 中国 | {} |", china.join(" | "))));
    assert!(zh.contains("### 5.6  电子政务排名"));
}

/// The panel countries of one income group in 2024, from groups.csv.
fn income_count(out: &Path, group: &str) -> usize {
    read_csv(&out.join("tables/groups.csv"))
        .iter()
        .find(|g| {
            g["group_kind"] == "income"
                && g["group"] == group
                && g["year"] == "2024"
                && g["measure"] == "EGDI"
        })
        .map_or(0, |g| g["countries"].parse().unwrap())
}

#[test]
fn income_groups_come_from_a_country_reference_file_when_the_input_has_one() {
    let (_g, baseline, _) = run("en");
    let dir = crate::common::scratch();
    let input = dir.path().join("input");
    crate::common::copy_dir(&bundled_input(), &input);
    // China is Upper-Middle and India Lower-Middle in the embedded snapshot.
    std::fs::write(
        input.join("countries.csv"),
        "Country Code,Country Name,Income group\nCHN,China,High income\nIND,India,upper middle\n",
    )
    .unwrap();
    let (_guard, out, _) = run_on(&input, &["-q"]);
    assert_eq!(
        income_count(&out, "High"),
        income_count(&baseline, "High") + 1
    );
    assert_eq!(
        income_count(&out, "Upper-Middle"),
        income_count(&baseline, "Upper-Middle")
    );
    assert_eq!(
        income_count(&out, "Lower-Middle"),
        income_count(&baseline, "Lower-Middle") - 1
    );
    let groups = read_csv(&out.join("tables/groups.csv"));
    let source =
        |kind: &str| groups.iter().find(|g| g["group_kind"] == kind).unwrap()["source"].clone();
    assert_eq!(
        source("income"),
        "country reference countries.csv (2 countries; the others from the embedded snapshot)"
    );
    assert_eq!(source("un_group"), "UN-OHRLLS lists of 2024-12");
    let baseline_groups = read_csv(&baseline.join("tables/groups.csv"));
    assert_eq!(
        baseline_groups
            .iter()
            .find(|g| g["group_kind"] == "income")
            .unwrap()["source"],
        "embedded snapshot (UNU-EGOV countries file), income groups of 2018"
    );
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains(
        "income groups from the country reference countries.csv for 2 countries (the others \
         from the embedded snapshot of 2018)"
    ));
    use calamine::Reader as _;
    let mut workbook: calamine::Xlsx<_> =
        calamine::open_workbook(out.join("workbook.xlsx")).unwrap();
    let range = workbook.worksheet_range("Groups").unwrap();
    let sources: Vec<String> = range
        .rows()
        .filter_map(|r| r.last().map(ToString::to_string))
        .collect();
    assert!(sources.iter().any(|s| s
        == "country reference countries.csv (2 countries; the others from the embedded snapshot)"));
    assert!(sources.iter().any(|s| s == "UN M49"));
}

#[test]
fn an_income_cell_that_is_no_income_group_is_an_error_naming_its_cell() {
    let dir = crate::common::scratch();
    let input = dir.path().join("input");
    crate::common::copy_dir(&bundled_input(), &input);
    std::fs::write(
        input.join("countries.csv"),
        "Country Code,Country Name,Income group\nCHN,China,High\nIND,India,Middle\n",
    )
    .unwrap();
    let out = crate::common::run_bin(
        dir.path(),
        &["run", "--input", "input", "--output", "output"],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = crate::common::stderr(&out);
    assert!(
        err.contains(
            "`countries.csv`, row 3, column C (`Income group`): `Middle` is not an income group \
             (High, Upper-Middle, Lower-Middle, Low)"
        ),
        "{err}"
    );
    assert!(!dir.path().join("output").exists());
}
