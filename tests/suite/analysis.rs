//! Stage 4: every table against the expected CSVs, the reproduction check, the data-quality
//! findings, properties on random panels, and independence from row order and thread count.

use std::path::Path;

use egov_report::analysis::levels::{Level, LevelRule, Side};
use egov_report::analysis::{beyond, tables};
use egov_report::model::{Measure, Region, Year};
use egov_report::normalise::country::{Concordance, CountryId};
use egov_report::panel::Panel;
use proptest::prelude::*;

use crate::common::{
    expected_dir, paper_panel_input, real_data, run_bin, run_paper_panel, run_paper_panel_in,
    scratch, snapshot_dir, stderr,
};

/// Compares two CSV files cell for cell: numbers numerically, everything else as text.
fn assert_csv_equal(got: &Path, want: &Path) {
    let read = |p: &Path| -> Vec<Vec<String>> {
        let mut r = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(p)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        r.records()
            .map(|x| x.unwrap().iter().map(str::to_string).collect())
            .collect()
    };
    let (g, w) = (read(got), read(want));
    let name = want.file_name().unwrap().to_string_lossy();
    assert_eq!(g.len(), w.len(), "{name}: row count");
    for (i, (gr, wr)) in g.iter().zip(&w).enumerate() {
        assert_eq!(gr.len(), wr.len(), "{name} row {}: column count", i + 1);
        for (j, (gc, wc)) in gr.iter().zip(wr).enumerate() {
            let same = match (gc.parse::<f64>(), wc.parse::<f64>()) {
                (Ok(a), Ok(b)) => (a - b).abs() < 1e-12,
                _ => gc == wc,
            };
            assert!(
                same,
                "{name} row {} column {}: got `{gc}`, want `{wc}`",
                i + 1,
                j + 1
            );
        }
    }
}

#[test]
fn every_table_of_the_paper_panel_input_equals_the_expected_csv() {
    let (_guard, out) = run_paper_panel(&[]);
    let mut compared = 0;
    for entry in std::fs::read_dir(expected_dir()).unwrap() {
        let want = entry.unwrap().path();
        assert_csv_equal(&out.join("tables").join(want.file_name().unwrap()), &want);
        compared += 1;
    }
    assert_eq!(compared, 11, "table1-6, figure1-4 and panel");
}

#[test]
fn the_reproduction_check_finds_exactly_the_two_errata_of_the_paper() {
    let reference = crate::common::root().join("examples/paper-tables.json");
    let (_guard, out) = run_paper_panel(&["--reference", reference.to_str().unwrap()]);
    let text = std::fs::read_to_string(out.join("tables/reproduction.csv")).unwrap();
    assert_eq!(
        text,
        "table,row,column,published,computed\n\
         table1,rose 2,countries,Pakistan,not in row\n\
         table3,2018 TII,low,32,33\n"
    );
}

#[test]
fn strict_mode_fails_on_reproduction_differences() {
    let reference = crate::common::root().join("examples/paper-tables.json");
    let work = scratch();
    let out = run_bin(
        work.path(),
        &[
            "run",
            "--input",
            paper_panel_input().to_str().unwrap(),
            "--output",
            "out",
            "--reference",
            reference.to_str().unwrap(),
            "--strict",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("2 differences"), "{}", stderr(&out));
}

#[test]
fn the_weighted_components_finding_fires_for_the_bundled_2010_only() {
    let (_guard, out) = run_paper_panel(&[]);
    let text = std::fs::read_to_string(out.join("tables/quality.csv")).unwrap();
    let weighted: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("weighted_components,"))
        .collect();
    assert_eq!(weighted.len(), 1, "{weighted:?}");
    assert!(
        weighted[0].starts_with("weighted_components,,2010,"),
        "{}",
        weighted[0]
    );
    // The three values the input puts exactly on a boundary, each on the SPEC's side.
    let on: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("on_boundary,"))
        .collect();
    assert_eq!(on.len(), 3, "{on:?}");
    assert!(
        on.iter()
            .any(|l| l.starts_with("on_boundary,PAK,2005,HCI,0.25,medium,"))
    );
    assert!(
        on.iter()
            .any(|l| l.starts_with("on_boundary,SVK,2016,TII,0.5,high,"))
    );
    assert!(
        on.iter()
            .any(|l| l.starts_with("on_boundary,BGR,2018,OSI,0.75,high,"))
    );
}

#[test]
fn rescaling_a_weighted_survey_multiplies_its_components_by_3() {
    let work = scratch();
    std::fs::write(
        work.path().join("egov-report.toml"),
        "rescale_surveys = [2010]\n",
    )
    .unwrap();
    let out = run_paper_panel_in(work.path(), &["--output", "out", "--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let table3 = std::fs::read_to_string(work.path().join("out/tables/table3.csv")).unwrap();
    let row = table3.lines().find(|l| l.starts_with("2010,OSI,")).unwrap();
    assert_ne!(
        row, "2010,OSI,0,0,7,143",
        "rescaled OSI should no longer be almost all low"
    );
    let figure2 = std::fs::read_to_string(work.path().join("out/tables/figure2.csv")).unwrap();
    let usa_2010: f64 = figure2
        .lines()
        .find(|l| l.starts_with("2010,"))
        .unwrap()
        .split(',')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    assert!((usa_2010 - 0.3123 * 3.0).abs() < 1e-9, "{usa_2010}");
}

#[test]
fn no_real_survey_looks_weighted_and_the_real_run_is_sane() {
    let Some(dir) = real_data("no_real_survey_looks_weighted_and_the_real_run_is_sane") else {
        return;
    };
    let work = scratch();
    let out = run_bin(
        work.path(),
        &[
            "run",
            "--input",
            dir.to_str().unwrap(),
            "--output",
            "out",
            "--quiet",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let tables = work.path().join("out/tables");
    let quality = std::fs::read_to_string(tables.join("quality.csv")).unwrap();
    assert!(!quality.contains("weighted_components"), "{quality}");
    let panel_size = std::fs::read_to_string(tables.join("panel.csv"))
        .unwrap()
        .lines()
        .count()
        - 1;
    assert_eq!(panel_size, 180 * 7);
    let table3 = std::fs::read_to_string(tables.join("table3.csv")).unwrap();
    assert_eq!(table3.lines().count(), 1 + 7 * 3);
    for line in table3.lines().skip(1) {
        let sum: usize = line
            .split(',')
            .skip(2)
            .map(|x| x.parse::<usize>().unwrap())
            .sum();
        assert_eq!(sum, 180, "{line}");
    }
    let table1 = std::fs::read_to_string(tables.join("table1.csv")).unwrap();
    let total: usize = table1
        .lines()
        .skip(1)
        .map(|l| l.split(',').nth(3).unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, 180);
}

#[test]
fn results_do_not_depend_on_the_thread_count() {
    let run = |threads: &str| {
        let work = scratch();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_egov-report"))
            .args([
                "run",
                "--input",
                paper_panel_input().to_str().unwrap(),
                "--output",
                "out",
                "--quiet",
            ])
            .current_dir(work.path())
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .unwrap();
        assert!(out.status.success());
        let files: Vec<_> = snapshot_dir(&work.path().join("out"))
            .into_iter()
            .filter(|(p, _)| p != "manifest.json")
            .collect();
        (work, files)
    };
    let (_a, one) = run("1");
    let (_b, four) = run("4");
    assert!(one.len() > 10);
    assert!(one == four, "outputs differ between 1 and 4 threads");
}

#[test]
fn results_do_not_depend_on_the_row_order_of_the_input() {
    let work = scratch();
    let input = work.path().join("input");
    std::fs::create_dir_all(&input).unwrap();
    for entry in std::fs::read_dir(paper_panel_input()).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_owned();
        if path.extension().is_some_and(|e| e == "csv") {
            // Reverse the data rows, keep the header first.
            let text = std::fs::read_to_string(&path).unwrap();
            let mut lines: Vec<&str> = text.lines().collect();
            let header = lines.remove(0);
            lines.reverse();
            std::fs::write(
                input.join(&name),
                format!("{header}\n{}\n", lines.join("\n")),
            )
            .unwrap();
        } else {
            std::fs::copy(&path, input.join(&name)).unwrap();
        }
    }
    let out = run_bin(
        work.path(),
        &["run", "--input", "input", "--output", "out", "--quiet"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    for entry in std::fs::read_dir(expected_dir()).unwrap() {
        let want = entry.unwrap().path();
        assert_csv_equal(
            &work
                .path()
                .join("out/tables")
                .join(want.file_name().unwrap()),
            &want,
        );
    }
}

/// A random panel: `n` countries (the first `n` of the concordance) over `years` surveys.
fn panel_strategy() -> impl Strategy<Value = (Vec<Vec<[f64; 4]>>, usize)> {
    (2usize..6, 1usize..40).prop_flat_map(|(years, n)| {
        // Values drawn from a grid that includes every default threshold exactly.
        let value = (0u32..=20).prop_map(|k| f64::from(k) * 0.05);
        let row = prop::collection::vec(prop::array::uniform4(value), years);
        (prop::collection::vec(row, n), Just(years))
    })
}

fn build_panel(values: &[Vec<[f64; 4]>], years: usize) -> Panel {
    let years: Vec<Year> = (0..years)
        .map(|i| Year::new(2001 + 2 * i64::try_from(i).unwrap()).unwrap())
        .collect();
    let values: Vec<Vec<Vec<Option<f64>>>> = values
        .iter()
        .map(|c| c.iter().map(|y| y.map(Some).to_vec()).collect())
        .collect();
    panel_from(&values, years)
}

/// A panel of the first countries of the concordance, one per entry of `values`
/// (`values[country][year]` = the default analysed measures), all in Asia.
fn panel_from(values: &[Vec<Vec<Option<f64>>>], years: Vec<Year>) -> Panel {
    let conc = Concordance::embedded();
    let ids: Vec<CountryId> = conc.iter().map(|(id, _)| id).take(values.len()).collect();
    let regions = vec![Region::Asia; ids.len()];
    Panel::from_values(
        years,
        ids,
        regions,
        Measure::DEFAULT_ANALYSED.to_vec(),
        values,
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn table2_counts_add_up_to_table1_rose_rows((values, years) in panel_strategy()) {
        let panel = build_panel(&values, years);
        let rule = LevelRule::default();
        let t1 = tables::table1(&panel, &rule);
        let t2 = tables::table2(&panel, &rule);
        for row in t1.iter().filter(|r| r.trend == tables::Trend::Rose) {
            let split: usize = t2.iter().filter(|p| p.levels == row.levels).map(|p| p.countries.len()).sum();
            prop_assert_eq!(split, row.countries.len());
        }
        let rose: usize = t1.iter().filter(|r| r.trend == tables::Trend::Rose).map(|r| r.countries.len()).sum();
        let paths: usize = t2.iter().map(|r| r.countries.len()).sum();
        prop_assert_eq!(rose, paths);
        let all: usize = t1.iter().map(|r| r.countries.len()).sum();
        prop_assert_eq!(all, panel.len());
        for p in &t2 {
            prop_assert!(p.path.windows(2).all(|w| w[0] < w[1]), "paths ascend");
            prop_assert_eq!(p.path.last().unwrap().rank() - p.path[0].rank(), p.levels);
        }
    }

    #[test]
    fn each_table3_row_adds_up_to_the_panel_size((values, years) in panel_strategy()) {
        let panel = build_panel(&values, years);
        for row in tables::table3(&panel, &LevelRule::default()) {
            prop_assert_eq!(row.counts.iter().sum::<usize>(), panel.len());
        }
    }

    #[test]
    fn results_are_the_same_on_one_thread_and_many((values, years) in panel_strategy()) {
        let panel = build_panel(&values, years);
        let rule = LevelRule::default();
        let compute = || (tables::table1(&panel, &rule), tables::table2(&panel, &rule), tables::table3(&panel, &rule));
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap().install(compute);
        let many = rayon::ThreadPoolBuilder::new().num_threads(4).build().unwrap().install(compute);
        prop_assert_eq!(one, many);
    }

    #[test]
    fn a_value_on_a_threshold_lands_on_the_configured_side(t in 0usize..3, upper in any::<bool>()) {
        let mut rule = LevelRule::default();
        let side = if upper { Side::Upper } else { Side::Lower };
        rule.boundaries[t] = side;
        let v = rule.thresholds[t];
        let expected = if upper { Level::from_rank(u8::try_from(t).unwrap() + 1) } else { Level::from_rank(u8::try_from(t).unwrap()) };
        prop_assert_eq!(Some(rule.classify(v)), expected);
    }
}

/// A panel of `n` countries over 6 surveys whose sub-indices are missing in a pattern (EGDI is
/// always present), with values on and between the default thresholds.
fn panel_with_gaps(n: usize) -> Panel {
    let years: Vec<Year> = (0..6).map(|i| Year::new(2003 + 2 * i).unwrap()).collect();
    let values: Vec<Vec<Vec<Option<f64>>>> = (0..n)
        .map(|c| {
            (0..years.len())
                .map(|y| {
                    (0..4)
                        .map(|m| {
                            let k = (c * 7 + y * 3 + m * 5) % 23;
                            (m == 0 || k % 5 != 0)
                                .then(|| f64::from(u32::try_from(k).unwrap()) * 0.05)
                        })
                        .collect()
                })
                .collect()
        })
        .collect();
    panel_from(&values, years)
}

#[test]
fn table3_and_the_transitions_equal_a_recount_survey_by_survey_on_any_thread_count() {
    // Enough countries that the transitions are split across threads.
    let panel = panel_with_gaps(190);
    let rule = LevelRule::default();
    let column = |v: f64| 3 - usize::from(rule.classify(v).rank());
    let compute = || {
        (
            tables::table3(&panel, &rule),
            beyond::transitions(&panel, &rule),
        )
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .unwrap()
        .install(compute);
    let many = rayon::ThreadPoolBuilder::new()
        .num_threads(4)
        .build()
        .unwrap()
        .install(compute);
    assert_eq!(one, many);
    let (t3, transitions) = one;
    let mut rows = 0;
    for (y, &year) in panel.years.iter().enumerate() {
        for index in panel.sub_indices() {
            let mut counts = [0; 4];
            let mut missing = 0;
            for c in 0..panel.len() {
                match panel.value(c, y, index) {
                    Some(v) => counts[column(v)] += 1,
                    None => missing += 1,
                }
            }
            let row = t3
                .iter()
                .find(|r| r.year == year && r.index == index)
                .unwrap();
            assert_eq!(
                (row.counts, row.missing),
                (counts, missing),
                "{year:?} {index:?}"
            );
            rows += 1;
        }
    }
    assert_eq!(t3.len(), rows);
    assert!(t3.iter().any(|r| r.missing > 0), "the panel has gaps");
    assert_eq!(
        transitions.len(),
        panel.measures.len() * (panel.years.len() - 1)
    );
    for t in &transitions {
        let from = panel.years.iter().position(|&y| y == t.from).unwrap();
        assert_eq!(panel.years[from + 1], t.to);
        let mut counts = [[0; 4]; 4];
        for c in 0..panel.len() {
            if let (Some(a), Some(b)) = (
                panel.value(c, from, t.measure),
                panel.value(c, from + 1, t.measure),
            ) {
                counts[column(a)][column(b)] += 1;
            }
        }
        assert_eq!(t.counts, counts, "{:?} {:?}-{:?}", t.measure, t.from, t.to);
    }
}

#[test]
fn spec_boundaries_hold_in_the_tables() {
    // One country per boundary value, two surveys.
    let values = vec![
        vec![[0.25; 4]; 2],
        vec![[0.5; 4]; 2],
        vec![[0.75; 4]; 2],
        vec![[0.7500001; 4]; 2],
    ];
    let panel = build_panel(&values, 2);
    let t3 = tables::table3(&panel, &LevelRule::default());
    // very high, high, medium, low: 0.7500001 very high; 0.75 and 0.5 high; 0.25 medium.
    assert_eq!(t3[0].counts, [1, 2, 1, 0]);
}
