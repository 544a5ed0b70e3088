//! Figure layout: where every line, marker and label of a figure goes.
//!
//! Consumes localised strings and the values of each line; produces a [`Scene`] in pixels that
//! `draw` paints on any plotters backend. Every text is measured with the embedded font, and the
//! page is built from separate bands (title, axis title, plot with its tick column, end-value
//! column and legend column, x labels, note) so that no two labels can overlap; within a band,
//! labels are spaced by their measured size. Pure: no drawing, no catalogue, no I/O.

use super::font::{Metrics, SVG_TOP_DY_EM};

/// Width of every figure unless its labels need more, in px.
const BASE_WIDTH: f64 = 960.0;
/// Outer margin, in px.
const MARGIN: f64 = 16.0;
/// Font sizes, in px per em. Each survives plotters' SVG round trip (`size * 1.24 / 1.24`)
/// exactly, so the SVGs read `font-size="12.5"`, not `13.000000000000002`.
pub(crate) const TITLE_SIZE: f64 = 17.0;
pub(crate) const LABEL_SIZE: f64 = 12.5;
pub(crate) const TICK_SIZE: f64 = 12.0;
pub(crate) const VALUE_SIZE: f64 = 12.0;
pub(crate) const NOTE_SIZE: f64 = 12.0;
/// Smallest clear space between two labels, in px (covers rounding to whole pixels).
const GAP: f64 = 4.0;
/// Legend names wrap past this width, in px.
const LEGEND_TEXT_MAX: f64 = 210.0;
/// Length of the line sample in front of a legend name, in px.
const SWATCH: f64 = 28.0;
/// Space between the line sample and the name, in px.
const SWATCH_GAP: f64 = 8.0;
/// Space between two legend entries, in px.
const LEGEND_ENTRY_GAP: f64 = 8.0;
/// Horizontal run of the leader from the plot's right edge to an end-value label, in px.
const LEADER: f64 = 18.0;
/// Space between the end-value column and the legend, in px.
const COLUMN_GAP: f64 = 20.0;
/// Smallest plot size, in px.
const PLOT_MIN_WIDTH: f64 = 320.0;
const PLOT_MIN_HEIGHT: f64 = 330.0;
/// Length of the tick marks, in px.
const TICK_MARK: i32 = 4;

/// Text colour of the title, and of axis and tick labels.
const INK: Rgb = Rgb(0x1A, 0x1A, 0x1A);
const MUTED_INK: Rgb = Rgb(0x40, 0x40, 0x40);
const GRID: Rgb = Rgb(0xE3, 0xE3, 0xE3);
const AXIS: Rgb = Rgb(0x59, 0x59, 0x59);
/// The inside of a hollow marker (the page colour).
pub(crate) const HOLLOW: Rgb = Rgb(0xFF, 0xFF, 0xFE);

/// The emphasised (focus) line.
const FOCUS_COLOUR: Rgb = Rgb::hex(crate::render::FOCUS_COLOUR);
/// Benchmark lines, in the colours the workbook's charts use too.
const BENCHMARK_COLOURS: [Rgb; 5] = {
    let c = crate::render::SERIES_COLOURS;
    [
        Rgb::hex(c[0]),
        Rgb::hex(c[1]),
        Rgb::hex(c[2]),
        Rgb::hex(c[3]),
        Rgb::hex(c[4]),
    ]
};
/// Benchmark markers, so that lines differ by more than colour.
const BENCHMARK_SHAPES: [Shape; 4] = [
    Shape::Circle,
    Shape::Square,
    Shape::Triangle,
    Shape::Diamond,
];

/// An sRGB colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Rgb(pub(crate) u8, pub(crate) u8, pub(crate) u8);

impl Rgb {
    /// A colour from `0xRRGGBB`.
    #[allow(clippy::cast_possible_truncation)]
    const fn hex(rgb: u32) -> Self {
        Rgb((rgb >> 16) as u8, (rgb >> 8) as u8, rgb as u8)
    }
}

/// Which point of a label its `x` gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Anchor {
    /// The left end.
    Start,
    /// The middle.
    Middle,
    /// The right end.
    End,
}

/// One line of text. `y` is where an SVG `<text>` anchored at its top puts it (plotters writes
/// `dy="0.76em"`): the baseline lies `0.76 * size` below it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Label {
    pub(crate) text: String,
    pub(crate) x: i32,
    pub(crate) y: i32,
    /// Pixels per em.
    pub(crate) size: f64,
    pub(crate) anchor: Anchor,
    pub(crate) colour: Rgb,
}

/// An axis-aligned box, in px.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Bounds {
    pub(crate) left: f64,
    pub(crate) top: f64,
    pub(crate) right: f64,
    pub(crate) bottom: f64,
}

impl Bounds {
    /// Whether the two boxes share any area (touching edges do not count).
    pub(crate) fn overlaps(&self, other: &Bounds) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

impl Label {
    /// A label whose line box starts at `top` (moved down by less than a pixel to a whole `y`).
    fn at_top(
        m: &Metrics,
        text: impl Into<String>,
        x: f64,
        top: f64,
        size: f64,
        anchor: Anchor,
        colour: Rgb,
    ) -> Self {
        let y = top + m.ascent(size) - SVG_TOP_DY_EM * size;
        Self {
            text: text.into(),
            x: px(x),
            y: px_down(y),
            size,
            anchor,
            colour,
        }
    }

    /// The label's box: its advance width by its line box (ascent to descent).
    pub(crate) fn bounds(&self, m: &Metrics) -> Bounds {
        let width = m.width(&self.text, self.size);
        let x = f64::from(self.x);
        let left = match self.anchor {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        };
        let top = f64::from(self.y) + SVG_TOP_DY_EM * self.size - m.ascent(self.size);
        Bounds {
            left,
            top,
            right: left + width,
            bottom: top + m.line_height(self.size),
        }
    }
}

/// A marker shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    Circle,
    Square,
    Triangle,
    Diamond,
}

/// Something drawn other than text, in painting order.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    /// A polyline.
    Line {
        points: Vec<(i32, i32)>,
        colour: Rgb,
        width: u32,
    },
    /// A filled marker of the given radius.
    Dot {
        centre: (i32, i32),
        radius: i32,
        shape: Shape,
        colour: Rgb,
    },
}

/// A laid-out figure.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Scene {
    pub(crate) width: u32,
    pub(crate) height: u32,
    /// Lines and markers, painted first, in order.
    pub(crate) marks: Vec<Mark>,
    /// Every text, painted last.
    pub(crate) labels: Vec<Label>,
}

impl Scene {
    /// Pairs of labels (by index) whose boxes overlap; empty for every scene [`lay_out`] makes.
    pub(crate) fn overlapping_labels(&self, m: &Metrics) -> Vec<(usize, usize)> {
        let boxes: Vec<Bounds> = self.labels.iter().map(|l| l.bounds(m)).collect();
        let mut out = Vec::new();
        for i in 0..boxes.len() {
            for j in i + 1..boxes.len() {
                if boxes[i].overlaps(&boxes[j]) {
                    out.push((i, j));
                }
            }
        }
        out
    }
}

/// The strings of a figure, already in the report language.
#[derive(Debug, Clone)]
pub(crate) struct FigureText {
    pub(crate) title: String,
    pub(crate) y_title: String,
    pub(crate) x_title: String,
    /// Shown under the figure when some value is missing.
    pub(crate) missing_note: String,
    /// One label per category (survey year), left to right.
    pub(crate) categories: Vec<String>,
    /// Where each category sits on a proportional axis (the survey year); evenly spaced when
    /// empty.
    pub(crate) positions: Vec<f64>,
    /// Categories whose markers are drawn hollow (surveys not comparable with the others).
    pub(crate) hollow: Vec<bool>,
    /// Lines under the figure, always shown: what hollow markers mean, the time scale, the
    /// source.
    pub(crate) notes: Vec<String>,
}

/// One line of the figure.
#[derive(Debug, Clone)]
pub(crate) struct Series {
    /// The legend text.
    pub(crate) name: String,
    /// One value per category; `None` breaks the line.
    pub(crate) values: Vec<Option<f64>>,
    /// The label at the right end: the category of the value it shows, and its text.
    pub(crate) end_label: Option<(usize, String)>,
    /// The focus country: drawn last, thicker, in the strong colour.
    pub(crate) emphasised: bool,
}

/// How one series is drawn.
#[derive(Debug, Clone, Copy)]
struct Look {
    colour: Rgb,
    shape: Shape,
    width: u32,
    radius: i32,
}

fn look(index: usize, emphasised: bool) -> Look {
    if emphasised {
        Look {
            colour: FOCUS_COLOUR,
            shape: Shape::Circle,
            width: 4,
            radius: 5,
        }
    } else {
        Look {
            colour: BENCHMARK_COLOURS[index % BENCHMARK_COLOURS.len()],
            shape: BENCHMARK_SHAPES[index % BENCHMARK_SHAPES.len()],
            width: 2,
            radius: 3,
        }
    }
}

/// The value axis: its ends and its ticks.
#[derive(Debug, Clone)]
struct ValueAxis {
    low: f64,
    high: f64,
    ticks: Vec<(f64, String)>,
}

/// The geometry of one figure: its columns (ticks, plot, end values, legend), its bands and
/// the x position of each category.
struct Frame {
    width: f64,
    plot_left: f64,
    plot_right: f64,
    plot_top: f64,
    plot_bottom: f64,
    legend_left: f64,
    axis: ValueAxis,
    /// Legend names, wrapped, one entry per series.
    legend_lines: Vec<Vec<String>>,
    label_line: f64,
    tick_line: f64,
    value_line: f64,
    value_step: f64,
    /// The x of each category's tick.
    xs: Vec<i32>,
    /// Whether the categories are drawn to scale (survey years proportional).
    scaled: bool,
}

impl Frame {
    /// Measures the columns and lays out the bands above the plot (title, value-axis title),
    /// whose labels it returns.
    fn new(text: &FigureText, series: &[Series], m: &Metrics) -> (Self, Vec<Label>) {
        let (low, high) = value_range(series);
        let legend_lines: Vec<Vec<String>> = series
            .iter()
            .map(|s| wrap(&s.name, LABEL_SIZE, LEGEND_TEXT_MAX, m))
            .collect();
        let legend_text_width = legend_lines
            .iter()
            .flatten()
            .map(|l| m.width(l, LABEL_SIZE))
            .fold(0.0, f64::max);
        let label_line = m.line_height(LABEL_SIZE);
        let legend_height: f64 = legend_lines
            .iter()
            .map(|lines| lines.len() as f64 * line_step(label_line) + LEGEND_ENTRY_GAP)
            .sum();
        let legend_width = SWATCH + SWATCH_GAP + legend_text_width;

        // End-value column: one label per line that has a value, spaced by their height.
        let value_line = m.line_height(VALUE_SIZE);
        let value_step = value_line.ceil() + 2.0;
        let end_labels = series.iter().filter(|s| s.end_label.is_some()).count();
        let value_width = series
            .iter()
            .filter_map(|s| s.end_label.as_ref())
            .map(|(_, t)| m.width(t, VALUE_SIZE))
            .fold(0.0, f64::max);

        let plot_height = PLOT_MIN_HEIGHT
            .max(legend_height.ceil())
            .max(end_labels as f64 * value_step);
        let tick_line = m.line_height(TICK_SIZE);
        let axis = value_axis(low, high, plot_height, tick_line + GAP);
        let tick_width = axis
            .ticks
            .iter()
            .map(|(_, t)| m.width(t, TICK_SIZE))
            .fold(0.0, f64::max);

        // Columns, left to right: ticks, plot, leaders and end values, legend.
        let plot_left = (MARGIN + tick_width + 2.0 * GAP + f64::from(TICK_MARK)).ceil();
        let right_part = LEADER + value_width + COLUMN_GAP + legend_width + MARGIN;
        let width = BASE_WIDTH
            .max(plot_left + PLOT_MIN_WIDTH + right_part)
            .ceil();
        let legend_left = (width - MARGIN - legend_width).floor();
        let plot_right = (legend_left - COLUMN_GAP - value_width - LEADER).floor();

        let (labels, top) = header(text, width, m);
        // The top tick label reaches half its height above the plot.
        let plot_top = (top + tick_line / 2.0 + 2.0 * GAP).ceil();
        let (xs, scaled) = category_xs(text, plot_left, plot_right);
        let frame = Self {
            width,
            plot_left,
            plot_right,
            plot_top,
            plot_bottom: plot_top + plot_height,
            legend_left,
            axis,
            legend_lines,
            label_line,
            tick_line,
            value_line,
            value_step,
            xs,
            scaled,
        };
        (frame, labels)
    }

    fn to_y(&self, v: f64) -> f64 {
        let height = self.plot_bottom - self.plot_top;
        self.plot_bottom - (v - self.axis.low) / (self.axis.high - self.axis.low) * height
    }
}

/// Lays a figure out. Lines are drawn in series order with the emphasised ones last.
pub(crate) fn lay_out(text: &FigureText, series: &[Series], m: &Metrics) -> Scene {
    let (frame, mut labels) = Frame::new(text, series, m);
    let mut marks = Vec::new();
    value_axis_marks(&frame, m, &mut marks, &mut labels);
    let top = categories(text, &frame, m, &mut marks, &mut labels);
    let height = notes(text, series, &frame, m, top, &mut labels);
    series_marks(text, series, &frame, &mut marks);
    end_values(series, &frame, m, &mut marks, &mut labels);
    legend(series, &frame, m, &mut marks, &mut labels);
    let scene = Scene {
        width: to_u32(frame.width),
        height: to_u32(height),
        marks,
        labels,
    };
    debug_assert!(scene.overlapping_labels(m).is_empty());
    scene
}

/// The title (when there is one) and the value-axis title, from the top margin; returns their
/// labels and the y below them.
fn header(text: &FigureText, width: f64, m: &Metrics) -> (Vec<Label>, f64) {
    let mut labels = Vec::new();
    let mut top = MARGIN;
    // Each line of `text` wrapped to the width, from `top` down.
    let mut lines = |text: &str, size: f64, colour, top: &mut f64| {
        let line_height = m.line_height(size);
        for line in wrap(text, size, width - 2.0 * MARGIN, m) {
            labels.push(Label::at_top(
                m,
                line,
                MARGIN,
                *top,
                size,
                Anchor::Start,
                colour,
            ));
            *top += line_step(line_height);
        }
    };
    // The title is the caption's (HTML, Markdown, workbook) and the SVG's `<title>`: an empty
    // one is not drawn.
    if !text.title.is_empty() {
        lines(&text.title, TITLE_SIZE, INK, &mut top);
        top += 2.0 * GAP;
    }
    lines(&text.y_title, LABEL_SIZE, MUTED_INK, &mut top);
    (labels, top)
}

/// The x of each category: at its position on a proportional axis (survey years to scale), or
/// evenly spaced, each in the middle of its slot; and whether the axis is to scale.
fn category_xs(text: &FigureText, plot_left: f64, plot_right: f64) -> (Vec<i32>, bool) {
    let n = text.categories.len();
    let slot = (plot_right - plot_left) / n.max(1) as f64;
    let scaled = text.positions.len() == n && n > 1 && text.positions[n - 1] > text.positions[0];
    let pad = slot.min(PLOT_MIN_WIDTH / 8.0) / 2.0;
    let xs = (0..n)
        .map(|i| {
            if scaled {
                let (p0, span) = (text.positions[0], text.positions[n - 1] - text.positions[0]);
                px(plot_left
                    + pad
                    + (text.positions[i] - p0) / span * (plot_right - plot_left - 2.0 * pad))
            } else {
                px(plot_left + (i as f64 + 0.5) * slot)
            }
        })
        .collect();
    (xs, scaled)
}

/// Grid lines, value ticks and their labels, and the axes.
fn value_axis_marks(f: &Frame, m: &Metrics, marks: &mut Vec<Mark>, labels: &mut Vec<Label>) {
    for (value, tick) in &f.axis.ticks {
        let y = px(f.to_y(*value));
        marks.push(Mark::Line {
            points: vec![(px(f.plot_left), y), (px(f.plot_right), y)],
            colour: GRID,
            width: 1,
        });
        marks.push(Mark::Line {
            points: vec![(px(f.plot_left) - TICK_MARK, y), (px(f.plot_left), y)],
            colour: AXIS,
            width: 1,
        });
        labels.push(Label::at_top(
            m,
            tick.clone(),
            f.plot_left - f64::from(TICK_MARK) - GAP,
            f64::from(y) - f.tick_line / 2.0,
            TICK_SIZE,
            Anchor::End,
            MUTED_INK,
        ));
    }
    marks.push(Mark::Line {
        points: vec![
            (px(f.plot_left), px(f.plot_top)),
            (px(f.plot_left), px(f.plot_bottom)),
            (px(f.plot_right), px(f.plot_bottom)),
        ],
        colour: AXIS,
        width: 1,
    });
}

/// Category ticks, their labels (each kept clear of the last one drawn) and the category-axis
/// title; returns the y below them.
fn categories(
    text: &FigureText,
    f: &Frame,
    m: &Metrics,
    marks: &mut Vec<Mark>,
    labels: &mut Vec<Label>,
) -> f64 {
    let slot = (f.plot_right - f.plot_left) / text.categories.len().max(1) as f64;
    let year_width = text
        .categories
        .iter()
        .map(|c| m.width(c, TICK_SIZE))
        .fold(0.0, f64::max);
    let every = if f.scaled {
        1
    } else {
        label_every(year_width + 2.0 * GAP, slot)
    };
    let mut last_label: Option<i32> = None;
    // Below the axis, and below the bottom value label, which reaches under the plot.
    let years_top = f.plot_bottom + (f.tick_line / 2.0 + GAP).max(f64::from(TICK_MARK) + 2.0);
    for (i, category) in text.categories.iter().enumerate() {
        let x = f.xs[i];
        marks.push(Mark::Line {
            points: vec![(x, px(f.plot_bottom)), (x, px(f.plot_bottom) + TICK_MARK)],
            colour: AXIS,
            width: 1,
        });
        let clear = last_label.is_none_or(|l| f64::from(x - l) >= year_width + 2.0 * GAP);
        if i % every == 0 && clear {
            last_label = Some(x);
            labels.push(Label::at_top(
                m,
                category.clone(),
                f64::from(x),
                years_top,
                TICK_SIZE,
                Anchor::Middle,
                MUTED_INK,
            ));
        }
    }
    let top = years_top + f.tick_line + GAP;
    labels.push(Label::at_top(
        m,
        text.x_title.clone(),
        (f.plot_left + f.plot_right) / 2.0,
        top,
        LABEL_SIZE,
        Anchor::Middle,
        MUTED_INK,
    ));
    top + f.label_line
}

/// The notes under the figure (missing values, comparability, scale, source); returns the
/// figure's height.
fn notes(
    text: &FigureText,
    series: &[Series],
    f: &Frame,
    m: &Metrics,
    mut top: f64,
    labels: &mut Vec<Label>,
) -> f64 {
    let has_gaps = series.iter().any(|s| s.values.iter().any(Option::is_none));
    let mut notes: Vec<&str> = Vec::new();
    if has_gaps {
        notes.push(&text.missing_note);
    }
    notes.extend(text.notes.iter().map(String::as_str));
    if !notes.is_empty() {
        top += 2.0 * GAP;
    }
    for note in notes {
        for line in wrap(note, NOTE_SIZE, f.width - 2.0 * MARGIN, m) {
            labels.push(Label::at_top(
                m,
                line,
                MARGIN,
                top,
                NOTE_SIZE,
                Anchor::Start,
                MUTED_INK,
            ));
            top += line_step(m.line_height(NOTE_SIZE));
        }
    }
    (top + MARGIN).ceil()
}

/// The lines and markers: benchmarks first, the emphasised ones on top; a break in a line
/// where a value is missing, hollow markers where a survey does not compare.
fn series_marks(text: &FigureText, series: &[Series], f: &Frame, marks: &mut Vec<Mark>) {
    let order: Vec<usize> = (0..series.len())
        .filter(|&i| !series[i].emphasised)
        .chain((0..series.len()).filter(|&i| series[i].emphasised))
        .collect();
    for &i in &order {
        let s = &series[i];
        let look = look(i, s.emphasised);
        let points: Vec<Option<(i32, i32)>> = s
            .values
            .iter()
            .enumerate()
            .take(f.xs.len())
            .map(|(c, v)| {
                v.filter(|v| v.is_finite())
                    .map(|v| (f.xs[c], px(f.to_y(v))))
            })
            .collect();
        for run in points.split(Option::is_none) {
            let run: Vec<(i32, i32)> = run.iter().flatten().copied().collect();
            if run.len() > 1 {
                marks.push(Mark::Line {
                    points: run,
                    colour: look.colour,
                    width: look.width,
                });
            }
        }
        for (c, p) in points.iter().enumerate() {
            let Some(p) = p else { continue };
            if s.emphasised {
                // A white ring keeps the focus markers readable where lines cross them.
                marks.push(Mark::Dot {
                    centre: *p,
                    radius: look.radius + 2,
                    shape: Shape::Circle,
                    colour: Rgb(0xFF, 0xFF, 0xFF),
                });
            }
            marks.push(Mark::Dot {
                centre: *p,
                radius: look.radius,
                shape: look.shape,
                colour: look.colour,
            });
            if text.hollow.get(c).copied().unwrap_or(false) {
                // A hollow marker: the survey does not compare with the others.
                marks.push(Mark::Dot {
                    centre: *p,
                    radius: (look.radius - 2).max(1),
                    shape: look.shape,
                    colour: HOLLOW,
                });
            }
        }
    }
}

/// End values: wanted at their point's height, nudged apart by their measured height, with a
/// leader from the last point.
fn end_values(
    series: &[Series],
    f: &Frame,
    m: &Metrics,
    marks: &mut Vec<Mark>,
    labels: &mut Vec<Label>,
) {
    let value_x = f.plot_right + LEADER;
    let mut wanted: Vec<(f64, usize)> = series
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let (c, _) = s.end_label.as_ref()?;
            let v = s.values.get(*c).copied().flatten()?;
            Some((f.to_y(v), i))
        })
        .collect();
    wanted.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    let centres = spread(
        &wanted.iter().map(|w| w.0).collect::<Vec<_>>(),
        f.value_step,
        f.plot_top + f.value_line / 2.0,
        f.plot_bottom - f.value_line / 2.0,
    );
    for (&(point_y, i), centre) in wanted.iter().zip(centres) {
        let s = &series[i];
        let look = look(i, s.emphasised);
        let Some((c, label)) = &s.end_label else {
            continue;
        };
        if *c + 1 == f.xs.len() {
            marks.push(Mark::Line {
                points: vec![
                    (f.xs[*c] + look.radius + 3, px(point_y)),
                    (px(f.plot_right + 4.0), px(point_y)),
                    (px(value_x - 3.0), px(centre)),
                ],
                colour: look.colour,
                width: 1,
            });
        }
        labels.push(Label::at_top(
            m,
            label.clone(),
            value_x,
            centre - f.value_line / 2.0,
            VALUE_SIZE,
            Anchor::Start,
            look.colour,
        ));
    }
}

/// The legend: a line sample and the wrapped name per series, spaced by the names' height.
fn legend(
    series: &[Series],
    f: &Frame,
    m: &Metrics,
    marks: &mut Vec<Mark>,
    labels: &mut Vec<Label>,
) {
    let mut entry_top = f.plot_top;
    for (i, (s, lines)) in series.iter().zip(&f.legend_lines).enumerate() {
        let look = look(i, s.emphasised);
        let cy = px(entry_top + f.label_line / 2.0);
        let x0 = px(f.legend_left);
        let x1 = px(f.legend_left + SWATCH);
        marks.push(Mark::Line {
            points: vec![(x0, cy), (x1, cy)],
            colour: look.colour,
            width: look.width,
        });
        marks.push(Mark::Dot {
            centre: ((x0 + x1) / 2, cy),
            radius: look.radius,
            shape: look.shape,
            colour: look.colour,
        });
        for line in lines {
            labels.push(Label::at_top(
                m,
                line.clone(),
                f.legend_left + SWATCH + SWATCH_GAP,
                entry_top,
                LABEL_SIZE,
                Anchor::Start,
                INK,
            ));
            entry_top += line_step(f.label_line);
        }
        entry_top += LEGEND_ENTRY_GAP;
    }
}

/// The smallest and largest finite value, widened to include 0 and 1 (the indices' scale).
fn value_range(series: &[Series]) -> (f64, f64) {
    let values = series
        .iter()
        .flat_map(|s| s.values.iter().flatten())
        .copied()
        .filter(|v| v.is_finite());
    let (min, max) = values.fold((0.0_f64, 1.0_f64), |(lo, hi), v| (lo.min(v), hi.max(v)));
    (-round_up(-min), round_up(max))
}

/// Rounds a non-negative value up to its second significant digit (1.13 -> 1.2).
fn round_up(v: f64) -> f64 {
    if v <= 0.0 {
        return 0.0;
    }
    let unit = 10f64.powf(v.log10().floor() - 1.0);
    (v / unit - 1e-9).ceil() * unit
}

/// Ticks at a round step (1, 2, 2.5 or 5 times a power of ten): at most six intervals, and at
/// least `min_spacing` px apart.
fn value_axis(low: f64, high: f64, plot_height: f64, min_spacing: f64) -> ValueAxis {
    let range = high - low;
    let mut steps = Vec::new();
    for exp in -4..=6 {
        for mult in [1.0, 2.0, 2.5, 5.0] {
            steps.push((mult * 10f64.powi(exp), exp, mult));
        }
    }
    let (step, exp, mult) = steps
        .iter()
        .copied()
        .find(|&(step, _, _)| {
            range / step <= 6.0 + 1e-9 && plot_height * step / range >= min_spacing
        })
        .unwrap_or((range, 0, 1.0));
    let decimals = usize::try_from(-exp).unwrap_or(0) + usize::from(mult == 2.5);
    let first = (low / step - 1e-9).ceil() as i64;
    let last = (high / step + 1e-9).floor() as i64;
    let ticks = (first..=last)
        .map(|k| {
            let v = k as f64 * step;
            (v, format!("{v:.decimals$}"))
        })
        .collect();
    ValueAxis { low, high, ticks }
}

/// Label every n-th category so that labels of `width` fit in slots of `slot` px.
fn label_every(width: f64, slot: f64) -> usize {
    let mut every = 1;
    while (every as f64) * slot < width && every < 1000 {
        every += 1;
    }
    every
}

/// Positions for labels wanted at `wanted` (ascending), at least `step` apart and within
/// `[low, high]`, moving them as little as possible (least squares).
///
/// With `q_i = p_i - i * step` the spacing constraint becomes `q` non-decreasing, so the best
/// `q` is the isotonic regression of `wanted_i - i * step` (pool-adjacent-violators), clipped to
/// the bounds. Positions are whole pixels; `step` must be whole so rounding keeps the spacing.
pub(crate) fn spread(wanted: &[f64], step: f64, low: f64, high: f64) -> Vec<f64> {
    let n = wanted.len();
    if n == 0 {
        return Vec::new();
    }
    // Blocks of pooled targets: (sum, count).
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(n);
    for (i, w) in wanted.iter().enumerate() {
        blocks.push((w - i as f64 * step, 1));
        while blocks.len() > 1 {
            let (s1, c1) = blocks[blocks.len() - 1];
            let (s0, c0) = blocks[blocks.len() - 2];
            if s0 / c0 as f64 <= s1 / c1 as f64 {
                break;
            }
            blocks.pop();
            let last = blocks.len() - 1;
            blocks[last] = (s0 + s1, c0 + c1);
        }
    }
    let q_high = (high - (n - 1) as f64 * step).max(low);
    let mut out = Vec::with_capacity(n);
    for (sum, count) in blocks {
        let q = (sum / count as f64).clamp(low, q_high).round();
        for _ in 0..count {
            out.push(q + out.len() as f64 * step);
        }
    }
    out
}

/// Splits text into lines no wider than `max` px where it can: at spaces, and between CJK
/// characters (never before closing or after opening punctuation). A word wider than `max`
/// stays whole on its own line.
pub(crate) fn wrap(text: &str, size: f64, max: f64, m: &Metrics) -> Vec<String> {
    let mut units: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut prev: Option<char> = None;
    for c in text.chars() {
        if let Some(p) = prev {
            let after_space = p == ' ' && c != ' ';
            let between_cjk =
                (is_cjk(p) || is_cjk(c)) && c != ' ' && !is_closing(c) && !is_opening(p);
            let breakable = after_space || between_cjk;
            if breakable && !current.is_empty() {
                units.push(std::mem::take(&mut current));
            }
        }
        current.push(c);
        prev = Some(c);
    }
    if !current.is_empty() {
        units.push(current);
    }
    let mut lines = Vec::new();
    let mut line = String::new();
    for unit in units {
        let candidate = format!("{line}{unit}");
        if line.is_empty() || m.width(candidate.trim_end(), size) <= max {
            line = candidate;
        } else {
            lines.push(line.trim_end().to_string());
            line = unit.trim_start().to_string();
        }
    }
    if !line.trim().is_empty() || lines.is_empty() {
        lines.push(line.trim_end().to_string());
    }
    lines
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF)
}

fn is_closing(c: char) -> bool {
    matches!(
        c,
        '、' | '，'
            | '。'
            | '：'
            | '；'
            | '！'
            | '？'
            | '）'
            | '」'
            | '』'
            | '】'
            | '》'
            | ','
            | '.'
            | ':'
            | ';'
            | '!'
            | '?'
            | ')'
    )
}

fn is_opening(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '【' | '《' | '(')
}

/// The distance between two lines of a paragraph: each line's position is rounded down to a
/// whole pixel on its own, so a pixel of slack keeps neighbours from touching.
fn line_step(line_height: f64) -> f64 {
    line_height.ceil() + 1.0
}

/// A coordinate rounded to the nearest pixel.
fn px(v: f64) -> i32 {
    // Figures are a few thousand pixels at most: the cast cannot truncate.
    v.round() as i32
}

/// A coordinate moved down (never up) to a whole pixel.
fn px_down(v: f64) -> i32 {
    px((v - 1e-9).ceil())
}

fn to_u32(v: f64) -> u32 {
    u32::try_from(px(v)).unwrap_or(0)
}
