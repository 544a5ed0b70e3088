//! Figures 1-4: the SVG and PNG files, their text, overlap-free labels, determinism.
//!
//! The overlap check reads the SVGs as a browser would: every `<text>` element's box comes from
//! its attributes (x, y, dy, font-size, text-anchor, dominant-baseline, transform) and the
//! advance widths and ascent/descent of the font the figures embed.

use std::collections::HashSet;
use std::path::Path;

use ab_glyph::{Font, FontVec};
use quick_xml::Reader;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};

use crate::common::{decode_png, root, run_paper_panel};

const FIGURES: [u8; 4] = [1, 2, 3, 4];

/// The default benchmarks and focus country, as their M49 English names.
const COUNTRIES_EN: [&str; 5] = [
    "United States",
    "Australia",
    "United Kingdom",
    "Canada",
    "China",
];

/// One `<text>` element of an SVG.
#[derive(Debug, Clone)]
struct SvgText {
    text: String,
    x: f64,
    y: f64,
    dy: String,
    font_size: f64,
    anchor: String,
    baseline: String,
    transform: String,
}

/// Every `<text>` element, in document order, with whitespace collapsed as SVG does.
fn svg_texts(svg: &str) -> Vec<SvgText> {
    let mut reader = Reader::from_str(svg);
    let mut out = Vec::new();
    let mut open: Option<SvgText> = None;
    loop {
        match reader.read_event().expect("the SVG is well-formed XML") {
            Event::Start(e) if e.name().as_ref() == "text" => open = Some(text_element(&e)),
            Event::Empty(e) if e.name().as_ref() == "text" => out.push(text_element(&e)),
            Event::Text(t) => {
                if let Some(o) = open.as_mut() {
                    o.text.push_str(&t.into_inner());
                }
            }
            Event::GeneralRef(r) => {
                if let Some(o) = open.as_mut() {
                    let c = match &*r {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "quot" => '"',
                        "apos" => '\'',
                        _ => r
                            .resolve_char_ref()
                            .ok()
                            .flatten()
                            .unwrap_or_else(|| panic!("unknown entity &{};", &*r)),
                    };
                    o.text.push(c);
                }
            }
            Event::End(e) if e.name().as_ref() == "text" => {
                let mut t = open.take().expect("a <text> was open");
                t.text = t.text.split_whitespace().collect::<Vec<_>>().join(" ");
                out.push(t);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    out
}

fn text_element(e: &BytesStart<'_>) -> SvgText {
    let mut t = SvgText {
        text: String::new(),
        x: 0.0,
        y: 0.0,
        dy: String::new(),
        font_size: f64::NAN,
        anchor: "start".into(),
        baseline: "auto".into(),
        transform: String::new(),
    };
    for a in e.attributes() {
        let a = a.expect("a well-formed attribute");
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .expect("an attribute value")
            .into_owned();
        match a.key.as_ref() {
            "x" => t.x = value.parse().expect("a number x"),
            "y" => t.y = value.parse().expect("a number y"),
            "dy" => t.dy = value,
            "font-size" => t.font_size = value.trim_end_matches("px").parse().expect("a size"),
            "text-anchor" => t.anchor = value,
            "dominant-baseline" => t.baseline = value,
            "transform" => t.transform = value,
            _ => {}
        }
    }
    assert!(t.font_size.is_finite(), "a <text> without font-size");
    t
}

/// The embedded font, read from the repository.
fn font() -> FontVec {
    let bytes = std::fs::read(root().join("assets/fonts/NotoSansSC-subset.otf")).unwrap();
    FontVec::try_from_vec(bytes).unwrap()
}

/// A box as (left, top, right, bottom).
type Box4 = (f64, f64, f64, f64);

/// The box a browser gives the text, measured with the embedded font.
fn text_box(t: &SvgText, font: &FontVec) -> Box4 {
    let upm = f64::from(font.units_per_em().unwrap());
    let em = t.font_size;
    let width: f64 = t
        .text
        .chars()
        .map(|c| f64::from(font.h_advance_unscaled(font.glyph_id(c))))
        .sum::<f64>()
        * em
        / upm;
    let ascent = f64::from(font.ascent_unscaled()) * em / upm;
    let descent = -f64::from(font.descent_unscaled()) * em / upm;
    let dy = length(&t.dy, em);
    let baseline = t.y
        + dy
        + match t.baseline.as_str() {
            "auto" | "alphabetic" => 0.0,
            "middle" | "central" => (ascent - descent) / 2.0,
            "hanging" | "text-before-edge" => ascent,
            "text-after-edge" => -descent,
            other => panic!("dominant-baseline `{other}` is not handled by this test"),
        };
    let left = match t.anchor.as_str() {
        "start" => t.x,
        "middle" => t.x - width / 2.0,
        "end" => t.x - width,
        other => panic!("text-anchor `{other}` is not handled by this test"),
    };
    transformed(
        (left, baseline - ascent, left + width, baseline + descent),
        &t.transform,
    )
}

/// An SVG length in px: `px`, `em`, `ex` (taken as half an em, the CSS fallback) or unitless.
fn length(v: &str, em: f64) -> f64 {
    let v = v.trim();
    if v.is_empty() {
        0.0
    } else if let Some(n) = v.strip_suffix("em") {
        n.parse::<f64>().unwrap() * em
    } else if let Some(n) = v.strip_suffix("ex") {
        n.parse::<f64>().unwrap() * em / 2.0
    } else {
        v.trim_end_matches("px").parse().unwrap()
    }
}

/// The bounding box of `b` after an SVG `rotate(a, cx, cy)` or `translate(x, y)` transform.
fn transformed(b: Box4, transform: &str) -> Box4 {
    let t = transform.trim();
    if t.is_empty() {
        return b;
    }
    let args = |name: &str| -> Vec<f64> {
        t.strip_prefix(name)
            .and_then(|r| r.trim().strip_prefix('('))
            .and_then(|r| r.strip_suffix(')'))
            .unwrap_or_else(|| panic!("transform `{t}` is not handled by this test"))
            .split([',', ' '])
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().unwrap())
            .collect()
    };
    let corners = [(b.0, b.1), (b.2, b.1), (b.0, b.3), (b.2, b.3)];
    let moved: Vec<(f64, f64)> = if t.starts_with("rotate") {
        let a = args("rotate");
        let (angle, cx, cy) = (
            a[0].to_radians(),
            a.get(1).copied().unwrap_or(0.0),
            a.get(2).copied().unwrap_or(0.0),
        );
        let (s, c) = angle.sin_cos();
        corners
            .iter()
            .map(|&(x, y)| {
                let (dx, dy) = (x - cx, y - cy);
                (cx + dx * c - dy * s, cy + dx * s + dy * c)
            })
            .collect()
    } else if t.starts_with("translate") {
        let a = args("translate");
        let (tx, ty) = (a[0], a.get(1).copied().unwrap_or(0.0));
        corners.iter().map(|&(x, y)| (x + tx, y + ty)).collect()
    } else {
        panic!("transform `{t}` is not handled by this test")
    };
    let xs = moved.iter().map(|p| p.0);
    let ys = moved.iter().map(|p| p.1);
    (
        xs.clone().fold(f64::INFINITY, f64::min),
        ys.clone().fold(f64::INFINITY, f64::min),
        xs.fold(f64::NEG_INFINITY, f64::max),
        ys.fold(f64::NEG_INFINITY, f64::max),
    )
}

/// Pairs of texts whose boxes share area.
fn overlaps(texts: &[SvgText], font: &FontVec) -> Vec<String> {
    let boxes: Vec<Box4> = texts.iter().map(|t| text_box(t, font)).collect();
    let mut out = Vec::new();
    for i in 0..boxes.len() {
        for j in i + 1..boxes.len() {
            let (a, b) = (boxes[i], boxes[j]);
            if a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3 {
                out.push(format!(
                    "{:?} {a:?} overlaps {:?} {b:?}",
                    texts[i].text, texts[j].text
                ));
            }
        }
    }
    out
}

/// The SVG's `width` and `height`.
fn svg_size(svg: &str) -> (f64, f64) {
    let attr = |name: &str| -> f64 {
        let start = svg.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        let end = start + svg[start..].find('"').unwrap();
        svg[start..end].parse().unwrap()
    };
    (attr("width"), attr("height"))
}

fn read_svg(out: &Path, n: u8) -> String {
    std::fs::read_to_string(out.join(format!("figures/figure{n}.svg"))).unwrap()
}

/// All text of an SVG in document order, one space between elements.
fn all_text(svg: &str) -> String {
    svg_texts(svg)
        .iter()
        .map(|t| t.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn figures_are_written_as_svg_and_png_with_their_text() {
    let (_guard, out) = run_paper_panel(&[]);
    let measures = ["EGDI", "OSI", "TII", "HCI"];
    for n in FIGURES {
        let svg = read_svg(&out, n);
        let png = std::fs::read(out.join(format!("figures/figure{n}.png"))).unwrap();

        let (w, h, pixels, channels) = decode_png(&png);
        let (sw, sh) = svg_size(&svg);
        assert!(w >= 800 && h >= 400, "figure{n}.png is {w}x{h}");
        // The PNG is the SVG's layout at a whole scale.
        assert_eq!(f64::from(w) / sw, f64::from(h) / sh);
        let colours: HashSet<&[u8]> = pixels.chunks(channels).collect();
        assert!(
            colours.len() > 100,
            "figure{n}.png has {} colours",
            colours.len()
        );
        let ink = pixels
            .chunks(channels)
            .filter(|p| p[..3] != [255, 255, 255])
            .count();
        assert!(
            ink * 50 > pixels.len() / channels,
            "figure{n}.png is nearly blank"
        );

        let text = all_text(&svg);
        for name in COUNTRIES_EN {
            assert!(text.contains(name), "figure{n}.svg lacks {name}: {text}");
        }
        let title = format!(
            "Figure {n}. {} of the United States, Australia, the United Kingdom, Canada and \
             China, 2003–2018",
            measures[usize::from(n) - 1]
        );
        // The title is the caption's: in the SVG's `<title>` and `aria-label`, not drawn.
        assert!(
            svg.contains(&format!("<title>{title}</title>")),
            "figure{n}.svg lacks its <title>"
        );
        assert!(svg.contains(&format!("role=\"img\" aria-label=\"{title}\"")));
        assert!(
            !text.contains(&title),
            "figure{n}.svg draws its title: {text}"
        );
        assert!(
            text.contains("Source: UN E-Government Surveys 2003–2018."),
            "{text}"
        );
        assert!(text.contains("Survey year"));
        // The last values are labelled (Figure 1: China's 2018 EGDI is 0.6811).
        if n == 1 {
            assert!(text.contains("0.6811") && text.contains("0.9260"), "{text}");
        }
    }
}

#[test]
fn chinese_figures_show_chinese_names() {
    let (_guard, out) = run_paper_panel(&["--lang", "zh"]);
    for n in FIGURES {
        let svg = read_svg(&out, n);
        let text = all_text(&svg);
        for name in ["中国", "美国", "澳大利亚", "英国", "加拿大", "调查年份"] {
            assert!(text.contains(name), "figure{n}.svg lacks {name}: {text}");
        }
        assert!(
            svg.contains(&format!("<title>图{n}")),
            "figure{n}.svg lacks its <title>"
        );
        assert!(text.contains("资料来源"), "{text}");
        assert!(!text.contains("United States"), "{text}");
        let png = std::fs::read(out.join(format!("figures/figure{n}.png"))).unwrap();
        assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"));
    }
}

#[test]
fn no_two_labels_overlap_in_any_figure_or_language() {
    let font = font();
    for lang in ["en", "zh"] {
        let (_guard, out) = run_paper_panel(&["--lang", lang]);
        for n in FIGURES {
            let svg = read_svg(&out, n);
            let texts = svg_texts(&svg);
            // Title, axis titles, ticks, years, five legend names and five end values at least.
            assert!(texts.len() >= 25, "{lang} figure{n}: {} texts", texts.len());
            let found = overlaps(&texts, &font);
            assert!(
                found.is_empty(),
                "{lang} figure{n}.svg:\n{}",
                found.join("\n")
            );
            let (w, h) = svg_size(&svg);
            for t in &texts {
                let b = text_box(t, &font);
                assert!(
                    b.0 >= 0.0 && b.1 >= 0.0 && b.2 <= w && b.3 <= h,
                    "{lang} figure{n}: {:?} {b:?} leaves the {w}x{h} figure",
                    t.text
                );
            }
        }
    }
}

#[test]
fn the_overlap_check_finds_overlapping_text() {
    let font = font();
    let svg = r#"<svg width="200" height="100" xmlns="http://www.w3.org/2000/svg">
<text x="10" y="10" dy="0.76em" font-size="12">0.9260</text>
<text x="40" y="20" dy="0.76em" text-anchor="end" font-size="12">0.9190</text>
<text x="100" y="10" dy="0.76em" font-size="12">Canada</text>
<text x="100" y="28" dy="0.76em" font-size="12">China</text>
<text x="150" y="60" font-size="12" transform="rotate(270, 150, 60)">EGDI</text>
<text x="140" y="40" font-size="12">&apos;x</text>
</svg>"#;
    let texts = svg_texts(svg);
    assert_eq!(texts.len(), 6);
    assert_eq!(texts[5].text, "'x");
    let found = overlaps(&texts, &font);
    // The first two overlap; the rotated label runs up into the last one; the legend pair
    // 18px apart at 12px (line box 17.4px) does not.
    assert_eq!(found.len(), 2, "{found:#?}");
    assert!(found[0].starts_with("\"0.9260\""));
    assert!(found[1].starts_with("\"EGDI\""));
}

#[test]
fn two_runs_give_byte_identical_figures() {
    let (_g1, first) = run_paper_panel(&[]);
    let (_g2, second) = run_paper_panel(&[]);
    for n in FIGURES {
        for ext in ["svg", "png"] {
            let rel = format!("figures/figure{n}.{ext}");
            let a = std::fs::read(first.join(&rel)).unwrap();
            let b = std::fs::read(second.join(&rel)).unwrap();
            assert!(!a.is_empty(), "{rel} is empty");
            assert!(a == b, "{rel} differs between two runs");
        }
    }
}
