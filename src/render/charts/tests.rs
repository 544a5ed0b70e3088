//! Unit tests of the figures: font coverage, layout invariants (never two labels on top of each
//! other, whatever the data), drawing determinism.

use proptest::prelude::*;

use super::font::{self, Metrics};
use super::layout::{self, FigureText, Scene, Series};
use super::*;
use crate::normalise::country::Concordance;

/// Every message string of a TOML catalogue file.
fn messages(text: &str) -> Vec<String> {
    fn walk(v: &toml::Value, out: &mut Vec<String>) {
        match v {
            toml::Value::String(s) => out.push(s.clone()),
            toml::Value::Table(t) => t.values().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(&toml::from_str::<toml::Value>(text).unwrap(), &mut out);
    out
}

#[test]
fn embedded_font_covers_every_label_and_country_name() {
    let m = Metrics::embedded();
    let mut texts = messages(include_str!("../../../templates/i18n/charts.en.toml"));
    texts.extend(messages(include_str!(
        "../../../templates/i18n/charts.zh.toml"
    )));
    let concordance = Concordance::embedded();
    for (_, c) in concordance.iter() {
        texts.push(c.name_en.clone());
        texts.push(c.name_zh.clone());
    }
    texts.push("0123456789.–—".into());
    let missing: Vec<(char, &str)> = texts
        .iter()
        .flat_map(|t| t.chars().map(move |c| (c, t.as_str())))
        .filter(|&(c, _)| !m.has_glyph(c))
        .collect();
    assert!(
        missing.is_empty(),
        "characters without a glyph (run scripts/subset-font.py): {missing:?}"
    );
    // And the check can fail: a character the subset leaves out.
    assert!(!m.has_glyph('龘'));
}

#[test]
fn the_font_registers_and_measures() {
    font::register().unwrap();
    font::register().unwrap();
    let m = Metrics::embedded();
    assert!(m.width("中国", 10.0) > m.width("ii", 10.0));
    // CJK ideographs are one em wide.
    assert!((m.width("中", 12.0) - 12.0).abs() < 1e-9);
    assert!(m.line_height(10.0) > 10.0);
}

#[test]
fn spread_keeps_labels_apart_within_bounds_and_moves_them_little() {
    // Far apart: unchanged.
    assert_eq!(
        layout::spread(&[10.0, 50.0, 90.0], 18.0, 0.0, 100.0),
        vec![10.0, 50.0, 90.0]
    );
    // A close pair moves apart symmetrically.
    assert_eq!(
        layout::spread(&[50.0, 52.0], 18.0, 0.0, 100.0),
        vec![42.0, 60.0]
    );
    // Against the lower bound, the cluster is pushed up as a whole.
    assert_eq!(
        layout::spread(&[99.0, 99.0, 99.0], 10.0, 0.0, 100.0),
        vec![80.0, 90.0, 100.0]
    );
    assert_eq!(
        layout::spread(&[0.0, 1.0], 10.0, 5.0, 100.0),
        vec![5.0, 15.0]
    );
    assert!(layout::spread(&[], 10.0, 0.0, 1.0).is_empty());
}

#[test]
fn wrap_breaks_at_spaces_and_between_chinese_characters() {
    let m = Metrics::embedded();
    let name = "United Kingdom of Great Britain and Northern Ireland";
    let lines = layout::wrap(name, 12.5, 210.0, m);
    assert!(lines.len() > 1, "{lines:?}");
    assert_eq!(lines.join(" "), name);
    assert!(lines.iter().all(|l| m.width(l, 12.5) <= 210.0));

    let zh = "美国、澳大利亚、英国、加拿大、中国EGDI对标分析（2003—2018年）";
    let lines = layout::wrap(zh, 17.0, 200.0, m);
    assert!(lines.len() > 1);
    assert_eq!(lines.concat(), zh);
    assert!(
        lines
            .iter()
            .all(|l| !l.starts_with('、') && !l.starts_with('）'))
    );
    assert_eq!(layout::wrap("short", 13.0, 210.0, m), vec!["short"]);
}

fn text(n_years: usize) -> FigureText {
    FigureText {
        title: "Figure 1. EGDI of United States of America, Australia, United Kingdom of Great \
                Britain and Northern Ireland, Canada and China, 2003–2018"
            .into(),
        y_title: "E-Government Development Index (EGDI)".into(),
        x_title: "Survey year".into(),
        missing_note: "A break in a line marks a survey without a value.".into(),
        categories: (0..n_years).map(|i| (2003 + 2 * i).to_string()).collect(),
        positions: Vec::new(),
        hollow: Vec::new(),
        notes: Vec::new(),
    }
}

fn assert_clean(scene: &Scene) {
    let m = Metrics::embedded();
    let overlaps = scene.overlapping_labels(m);
    assert!(
        overlaps.is_empty(),
        "overlapping labels: {:?}",
        overlaps
            .iter()
            .map(|&(a, b)| (&scene.labels[a].text, &scene.labels[b].text))
            .collect::<Vec<_>>()
    );
    for l in &scene.labels {
        let b = l.bounds(m);
        assert!(
            b.left >= 0.0
                && b.top >= 0.0
                && b.right <= f64::from(scene.width)
                && b.bottom <= f64::from(scene.height),
            "{:?} outside the {}x{} figure",
            l.text,
            scene.width,
            scene.height
        );
    }
}

#[test]
fn the_paper_figure_has_no_overlapping_labels() {
    // Figure 1 of the paper: the benchmarks end within 0.03 of each other.
    let last = [0.926, 0.919, 0.912, 0.905, 0.6811];
    let names = [
        "United States of America",
        "Australia",
        "United Kingdom of Great Britain and Northern Ireland",
        "Canada",
        "China",
    ];
    let series: Vec<Series> = names
        .iter()
        .zip(last)
        .enumerate()
        .map(|(i, (name, v))| Series {
            name: (*name).to_string(),
            values: vec![Some(0.8), Some(0.85), Some(v)],
            end_label: Some((2, format!("{v:.4}"))),
            emphasised: i == 4,
        })
        .collect();
    let scene = layout::lay_out(&text(3), &series, Metrics::embedded());
    assert_clean(&scene);
    // The labels were nudged: their boxes are further apart than the values.
    let ends: Vec<_> = scene
        .labels
        .iter()
        .filter(|l| l.text.starts_with("0.9"))
        .collect();
    assert_eq!(ends.len(), 4);
}

#[test]
fn a_missing_value_breaks_the_line_and_is_explained() {
    let series = vec![Series {
        name: "China".into(),
        values: vec![Some(0.4), None, Some(0.5), Some(0.6)],
        end_label: Some((3, "0.6000".into())),
        emphasised: true,
    }];
    let scene = layout::lay_out(&text(4), &series, Metrics::embedded());
    let lines: Vec<usize> = scene
        .marks
        .iter()
        .filter_map(|mark| match mark {
            layout::Mark::Line { points, width, .. } if *width == 4 => Some(points.len()),
            _ => None,
        })
        .collect();
    // One run of two points (2010, 2012) plus the legend sample; the lone first point is a
    // marker only, never joined across the gap.
    assert_eq!(lines, vec![2, 2]);
    assert!(scene.labels.iter().any(|l| l.text.starts_with("A break")));
    assert_clean(&scene);
}

#[test]
fn values_above_one_extend_the_axis() {
    let series = vec![Series {
        name: "X".into(),
        values: vec![Some(0.5), Some(1.13)],
        end_label: Some((1, "1.1300".into())),
        emphasised: true,
    }];
    let scene = layout::lay_out(&text(2), &series, Metrics::embedded());
    assert!(scene.labels.iter().any(|l| l.text == "1.2"));
    assert_clean(&scene);
}

fn any_series() -> impl Strategy<Value = (usize, Vec<Series>, bool)> {
    let concordance = Concordance::embedded();
    let names: Vec<(String, String)> = concordance
        .iter()
        .map(|(_, c)| (c.name_en.clone(), c.name_zh.clone()))
        .collect();
    (1usize..14, 1usize..10, any::<bool>()).prop_flat_map(move |(years, countries, zh)| {
        let names = names.clone();
        let value = prop_oneof![
            1 => Just(None),
            6 => (0.0f64..1.0).prop_map(Some),
            1 => (0.9f64..0.92).prop_map(Some),
            1 => (1.0f64..1.4).prop_map(Some),
        ];
        (
            prop::collection::vec(
                (prop::collection::vec(value, years), 0..names.len()),
                countries,
            ),
            Just(years),
            Just(zh),
        )
            .prop_map(move |(rows, years, zh)| {
                let n = rows.len();
                let series = rows
                    .into_iter()
                    .enumerate()
                    .map(|(i, (values, name))| {
                        let end = values.iter().rposition(Option::is_some);
                        Series {
                            name: if zh {
                                names[name].1.clone()
                            } else {
                                names[name].0.clone()
                            },
                            end_label: end.map(|c| (c, format!("{:.4}", values[c].unwrap()))),
                            values,
                            emphasised: i + 1 == n,
                        }
                    })
                    .collect();
                (years, series, zh)
            })
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn no_two_labels_ever_overlap((years, series, zh) in any_series()) {
        let mut t = text(years);
        if zh {
            t.title = "图1　美国、澳大利亚、英国、加拿大、中国EGDI对标分析（2003—2018年）".into();
            t.y_title = "电子政务发展指数（EGDI）".into();
            t.x_title = "调查年份".into();
        }
        let scene = layout::lay_out(&t, &series, Metrics::embedded());
        assert_clean(&scene);
    }
}

#[test]
fn svg_and_png_draw_the_same_scene_deterministically() {
    font::register().unwrap();
    let series = vec![
        Series {
            name: "Australia".into(),
            values: vec![Some(0.83), Some(0.91)],
            end_label: Some((1, "0.9100".into())),
            emphasised: false,
        },
        Series {
            name: "中国".into(),
            values: vec![Some(0.47), Some(0.68)],
            end_label: Some((1, "0.6800".into())),
            emphasised: true,
        },
    ];
    let scene = layout::lay_out(&text(2), &series, Metrics::embedded());
    let svg = draw::svg(&scene).unwrap();
    assert!(svg.contains("中国") && svg.contains("font-family=\"Noto Sans CJK SC"));
    assert_eq!(svg, draw::svg(&scene).unwrap());
    let png = draw::png(&scene).unwrap();
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    assert_eq!(png, draw::png(&scene).unwrap());
}

#[test]
fn font_sizes_are_written_exactly_into_the_svg() {
    for size in [
        layout::TITLE_SIZE,
        layout::LABEL_SIZE,
        layout::TICK_SIZE,
        layout::VALUE_SIZE,
        layout::NOTE_SIZE,
    ] {
        assert_eq!(size * font::SVG_SIZE_DIVISOR / font::SVG_SIZE_DIVISOR, size);
    }
}

#[test]
fn names_join_in_the_catalogue_words() {
    let en = Catalogue::load(crate::config::Lang::En, None).unwrap();
    assert_eq!(join_names(&en, &["A", "B", "C"]).unwrap(), "A, B and C");
    assert_eq!(join_names(&en, &["A"]).unwrap(), "A");
    let zh = Catalogue::load(crate::config::Lang::Zh, None).unwrap();
    assert_eq!(join_names(&zh, &["美国", "中国"]).unwrap(), "美国、中国");
}

/// A PNG's size and 8-bit RGB pixels.
fn decode(bytes: &[u8]) -> (u32, u32, Vec<u8>) {
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap();
    let mut pixels = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut pixels).unwrap();
    assert_eq!(
        (info.color_type, info.bit_depth),
        (png::ColorType::Rgb, png::BitDepth::Eight)
    );
    (info.width, info.height, pixels)
}

#[test]
fn every_png_encoding_decodes_to_the_same_pixels() {
    font::register().unwrap();
    let series = vec![Series {
        name: "中国".into(),
        values: vec![Some(0.47), Some(0.61), Some(0.68)],
        end_label: Some((2, "0.6800".into())),
        emphasised: true,
    }];
    let scene = layout::lay_out(&text(3), &series, Metrics::embedded());
    let (w, h, pixels) = draw::rasterise(&scene).unwrap();
    assert!(pixels.iter().any(|&p| p != 255), "the figure is drawn");
    for encoding in [
        draw::PngEncoding::Default,
        draw::PngEncoding::Fast,
        draw::PngEncoding::FastPaeth,
    ] {
        let bytes = draw::encode_rgb(w, h, &pixels, encoding).unwrap();
        assert!(
            decode(&bytes) == (w, h, pixels.clone()),
            "{encoding:?} changes pixels"
        );
    }
}

/// The figure's PNG, painted and encoded band by band, has the pixels of the scene painted at
/// once on one buffer.
fn assert_bands_paint_the_whole_figure(scene: &Scene) {
    let whole = draw::rasterise(scene).unwrap();
    let banded = decode(&draw::png(scene).unwrap());
    assert_eq!((banded.0, banded.1), (whole.0, whole.1));
    if banded.2 != whole.2 {
        let row = whole.0 as usize * 3;
        let first = banded
            .2
            .iter()
            .zip(&whole.2)
            .position(|(a, b)| a != b)
            .unwrap();
        panic!(
            "the bands differ from the whole figure first at pixel ({}, {})",
            first % row / 3,
            first / row
        );
    }
}

#[test]
fn the_bands_paint_the_pixels_of_the_whole_figure() {
    font::register().unwrap();
    // Lines crossing every band at many slopes, a gap, markers of every shape.
    let series: Vec<Series> = (0..6)
        .map(|i| Series {
            name: format!("Country {i}"),
            values: (0..12)
                .map(|j| {
                    let v = (f64::from(i * 7 + j * 5) * 0.137).sin().abs();
                    (j != 4 || i != 2).then_some(v)
                })
                .collect(),
            end_label: Some((11, "0.5000".into())),
            emphasised: i == 5,
        })
        .collect();
    let mut t = text(12);
    t.hollow = (0..12).map(|j| j % 3 == 0).collect();
    t.notes = vec!["Source: UN E-Government Surveys; hollow markers are not comparable.".into()];
    let scene = layout::lay_out(&t, &series, Metrics::embedded());
    assert_bands_paint_the_whole_figure(&scene);
    // And the comparison can fail: a mark more on the PNG than on the reference.
    let (_, _, whole) = draw::rasterise(&scene).unwrap();
    let mut more = scene.clone();
    more.marks.push(layout::Mark::Dot {
        centre: (100, 100),
        radius: 4,
        shape: layout::Shape::Circle,
        colour: layout::Rgb(200, 0, 0),
    });
    assert!(decode(&draw::png(&more).unwrap()).2 != whole);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    #[test]
    fn the_bands_paint_the_whole_figure_whatever_the_data((years, series, zh) in any_series()) {
        font::register().unwrap();
        let mut t = text(years);
        if zh {
            t.title = "图1　美国、澳大利亚、英国、加拿大、中国EGDI对标分析（2003—2018年）".into();
        }
        assert_bands_paint_the_whole_figure(&layout::lay_out(&t, &series, Metrics::embedded()));
    }
}

#[test]
fn cached_glyphs_paint_the_pixels_plotters_paints() {
    font::register().unwrap();
    let series = vec![
        Series {
            name: "United States".into(),
            values: vec![Some(0.83), None, Some(0.91), Some(0.93)],
            end_label: Some((3, "0.9300".into())),
            emphasised: false,
        },
        Series {
            name: "中国 (China)".into(),
            values: vec![Some(0.47), Some(0.52), Some(0.61), Some(0.68)],
            end_label: Some((3, "0.6800".into())),
            emphasised: true,
        },
    ];
    // Every text size of a figure (title, axis titles, ticks, values, notes), in both languages.
    for zh in [false, true] {
        let mut t = text(4);
        t.notes =
            vec!["Source: UN E-Government Surveys; hollow markers are not comparable.".into()];
        if zh {
            t.title = "图1 电子政务发展指数 EGDI，2003–2024年".into();
        }
        let scene = layout::lay_out(&t, &series, Metrics::embedded());
        let reference = draw::rasterise_with_plotters_text(&scene).unwrap();
        // Twice: the first paint fills the cache, the second reads it.
        assert!(draw::rasterise(&scene).unwrap() == reference, "zh: {zh}");
        assert!(draw::rasterise(&scene).unwrap() == reference, "zh: {zh}");
        // And the comparison can fail: a label in another colour changes pixels.
        let mut other = scene.clone();
        other.labels[0].colour = layout::Rgb(200, 0, 0);
        assert!(draw::rasterise(&other).unwrap() != reference);
    }
}
