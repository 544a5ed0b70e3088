//! Painting a [`Scene`] on a plotters backend: SVG text, or an RGB buffer encoded as PNG.
//!
//! The scene fixes every position; this module only converts to each backend's conventions.
//! plotters sizes text differently per backend (the SVG backend writes `size / 1.24` as the
//! CSS font size, ab_glyph scales the line box, ascent to descent, to `size`), so each target
//! asks for the size that gives the em the layout measured.

use std::cell::RefCell;
use std::io::Write;
use std::sync::Arc;

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use plotters_backend::DrawingErrorKind;

use super::bands::{self, Op, Recorder};
use super::font::{FAMILY, Glyph, Metrics, SVG_SIZE_DIVISOR, SVG_TOP_DY_EM};
use super::layout::{Anchor, Label, Mark, Scene, Shape};

/// Pixels per layout pixel in the PNG (sharp enough for print).
pub(crate) const PNG_SCALE: i32 = 2;

/// The scene as SVG text.
///
/// # Errors
/// plotters' message when drawing fails (an unregistered font).
pub(crate) fn svg(scene: &Scene) -> Result<String, String> {
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (scene.width, scene.height)).into_drawing_area();
        // A PNG's pixel buffer starts white; the SVG needs its white background drawn.
        root.fill(&WHITE).map_err(message)?;
        paint_marks(&root, scene, 1)?;
        for label in &scene.labels {
            draw_svg_label(&root, label).map_err(message)?;
        }
        root.present().map_err(message)?;
    }
    Ok(out)
}

/// How the PNG pixels are filtered and deflated. The pixels are the same whichever is chosen
/// (PNG is lossless); the choice trades encoding time for file size. Measured by the
/// `png_encoding` benchmark (`cargo bench -- png_encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PngEncoding {
    /// zlib's default level (6) after the Sub filter.
    Default,
    /// fdeflate, the PNG encoder's fastest compressing deflate, after the Sub filter.
    Fast,
    /// fdeflate after the Paeth filter (smaller files on flat-colour charts).
    FastPaeth,
}

/// The encoding of the figures' PNGs (see the README's performance section for why).
pub const PNG_ENCODING: PngEncoding = PngEncoding::Fast;

/// Rows of a PNG painted at once (see [`png`]): 64 rows of a figure are 369 KB.
const BAND_ROWS: u32 = 64;

/// Bytes of PNG data per `IDAT` chunk (a figure's PNG is 200-250 KB).
const IDAT_BYTES: usize = 1 << 16;

/// The scene as PNG bytes, at [`PNG_SCALE`] times its size.
///
/// Painted and encoded [`BAND_ROWS`] rows at a time: the marks are drawn once and kept by band
/// (`bands`), the labels' glyphs placed once ([`inks`]); each band's pixels get its marks and
/// the glyphs that reach it, and go to the encoder before the next band is painted. A whole
/// figure's buffer (5.7 MB) was fresh memory for every figure, and the kernel's zeroing of it,
/// on a machine that had given the pages back to its host, took longer than the drawing.
///
/// # Errors
/// plotters' or the PNG encoder's message.
pub(crate) fn png(scene: &Scene) -> Result<Vec<u8>, String> {
    SCRATCH.with_borrow_mut(|(marks, band)| png_with(scene, marks, band))
}

thread_local! {
    /// A thread's marks by band and band of pixels, kept with their room for its next figure.
    /// They live as long as the thread (a rayon worker's, for the run): at most one figure's
    /// ops and one band, a few MB; each figure's PNG bytes are its own vector.
    static SCRATCH: RefCell<(Vec<Vec<Op>>, Vec<u8>)> = const { RefCell::new((Vec::new(), Vec::new())) };
}

fn png_with(
    scene: &Scene,
    marks: &mut Vec<Vec<Op>>,
    band: &mut Vec<u8>,
) -> Result<Vec<u8>, String> {
    let scale = PNG_SCALE.unsigned_abs();
    let (w, h) = (scene.width * scale, scene.height * scale);
    {
        let root = Recorder::new((w, h), BAND_ROWS, marks).into_drawing_area();
        paint_marks(&root, scene, PNG_SCALE)?;
    }
    let inks = inks(scene, Metrics::embedded());
    let row = w as usize * 3;
    band.resize(row * BAND_ROWS.min(h) as usize, 0);
    let mut bytes = Vec::with_capacity(row * h as usize / 16);
    {
        let mut writer = encoder(&mut bytes, w, h, PNG_ENCODING)
            .write_header()
            .map_err(message)?;
        let mut stream = writer
            .stream_writer_with_size(IDAT_BYTES)
            .map_err(message)?;
        for (ops, top) in marks.iter().zip((0..h).step_by(BAND_ROWS as usize)) {
            let rows = BAND_ROWS.min(h - top);
            let pixels = &mut band[..row * rows as usize];
            // White: the background is the buffer's first and only fill (see `paint_marks`).
            pixels.fill(u8::MAX);
            {
                let mut bitmap = BitMapBackend::with_buffer(pixels, (w, rows));
                let top = top as i32;
                bands::replay(&mut bitmap, top, ops).map_err(message)?;
                draw_inks(&mut bitmap, top, &inks).map_err(message)?;
            }
            stream.write_all(pixels).map_err(message)?;
        }
        stream.finish().map_err(message)?;
        writer.finish().map_err(message)?;
    }
    Ok(bytes)
}

/// The scene's RGB pixels at [`PNG_SCALE`] times its size, painted at once on one buffer:
/// (width, height, pixels). What [`png`]'s bands must add up to.
#[cfg(test)]
pub(crate) fn rasterise(scene: &Scene) -> Result<(u32, u32, Vec<u8>), String> {
    rasterise_for(scene, false)
}

/// [`rasterise`] with plotters rasterising every character as it draws it (what the cached
/// glyphs replace).
#[cfg(test)]
pub(crate) fn rasterise_with_plotters_text(scene: &Scene) -> Result<(u32, u32, Vec<u8>), String> {
    rasterise_for(scene, true)
}

#[cfg(test)]
fn rasterise_for(scene: &Scene, plotters_text: bool) -> Result<(u32, u32, Vec<u8>), String> {
    let scale = PNG_SCALE.unsigned_abs();
    let (w, h) = (scene.width * scale, scene.height * scale);
    let mut pixels = vec![u8::MAX; w as usize * h as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        paint_marks(&root, scene, PNG_SCALE)?;
        if plotters_text {
            let metrics = Metrics::embedded();
            for label in &scene.labels {
                let size = png_size(label, metrics);
                let Placed { y, start, glyphs } = place(label, metrics);
                let style = FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
                    .color(&rgb(label.colour))
                    .pos(Pos::new(HPos::Left, VPos::Top));
                let mut buf = [0u8; 4];
                for (c, _, dx) in glyphs {
                    let text: &str = c.encode_utf8(&mut buf);
                    root.draw(&Text::new(text, (round(start + dx), y), style.clone()))
                        .map_err(message)?;
                }
            }
        }
        root.present().map_err(message)?;
    }
    if !plotters_text {
        let mut bitmap = BitMapBackend::with_buffer(&mut pixels, (w, h));
        draw_inks(&mut bitmap, 0, &inks(scene, Metrics::embedded())).map_err(message)?;
    }
    Ok((w, h, pixels))
}

/// A PNG encoder of 8-bit RGB pixels with `encoding`'s filter and deflate.
fn encoder<W: Write>(
    out: W,
    width: u32,
    height: u32,
    encoding: PngEncoding,
) -> png::Encoder<'static, W> {
    let mut encoder = png::Encoder::new(out, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let (deflate, filter) = match encoding {
        PngEncoding::Default => (png::DeflateCompression::Level(6), png::Filter::Sub),
        PngEncoding::Fast => (png::DeflateCompression::FdeflateUltraFast, png::Filter::Sub),
        PngEncoding::FastPaeth => (
            png::DeflateCompression::FdeflateUltraFast,
            png::Filter::Paeth,
        ),
    };
    encoder.set_deflate_compression(deflate);
    encoder.set_filter(filter);
    encoder
}

/// Encodes 8-bit RGB pixels, all at once, as PNG.
///
/// # Errors
/// The PNG encoder's message (a buffer of the wrong size).
pub fn encode_rgb(
    width: u32,
    height: u32,
    pixels: &[u8],
    encoding: PngEncoding,
) -> Result<Vec<u8>, String> {
    let mut bytes = Vec::with_capacity(pixels.len() / 16);
    {
        let mut writer = encoder(&mut bytes, width, height, encoding)
            .write_header()
            .map_err(message)?;
        writer.write_image_data(pixels).map_err(message)?;
        writer.finish().map_err(message)?;
    }
    Ok(bytes)
}

/// Paints the scene's marks (lines and dots) at `scale` on `root`.
fn paint_marks<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    scene: &Scene,
    scale: i32,
) -> Result<(), String> {
    let at = |(x, y): (i32, i32)| (x * scale, y * scale);
    for mark in &scene.marks {
        match mark {
            Mark::Line {
                points,
                colour,
                width,
            } => {
                let style = ShapeStyle {
                    color: rgb(*colour).to_rgba(),
                    filled: false,
                    stroke_width: width * scale.unsigned_abs(),
                };
                let points: Vec<(i32, i32)> = points.iter().map(|&p| at(p)).collect();
                root.draw(&PathElement::new(points, style))
                    .map_err(message)?;
            }
            Mark::Dot {
                centre,
                radius,
                shape,
                colour,
            } => {
                let style = rgb(*colour).filled();
                let (x, y) = at(*centre);
                let r = radius * scale;
                match shape {
                    Shape::Circle => root.draw(&Circle::new((x, y), r, style)),
                    Shape::Square => {
                        root.draw(&Rectangle::new([(x - r, y - r), (x + r, y + r)], style))
                    }
                    Shape::Triangle => {
                        let s = r + scale;
                        root.draw(&Polygon::new(
                            vec![(x, y - s), (x + s, y + r), (x - s, y + r)],
                            style,
                        ))
                    }
                    Shape::Diamond => {
                        let s = r + scale;
                        root.draw(&Polygon::new(
                            vec![(x, y - s), (x + s, y), (x, y + s), (x - s, y)],
                            style,
                        ))
                    }
                }
                .map_err(message)?;
            }
        }
    }
    Ok(())
}

/// A label in the SVG: its font-size is the em the layout measured; the browser puts the
/// baseline 0.76em below `y` and aligns the text by its `text-anchor`.
fn draw_svg_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    label: &Label,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let h = match label.anchor {
        Anchor::Start => HPos::Left,
        Anchor::Middle => HPos::Center,
        Anchor::End => HPos::Right,
    };
    let style = FontDesc::new(
        FontFamily::Name(FAMILY),
        label.size * SVG_SIZE_DIVISOR,
        FontStyle::Normal,
    )
    .color(&rgb(label.colour))
    .pos(Pos::new(h, VPos::Top));
    root.draw(&Text::new(label.text.as_str(), (label.x, label.y), style))
}

/// One glyph of a label placed in the PNG: the glyph's origin (its pixels are offsets from it).
struct Ink {
    x: i32,
    y: i32,
    colour: RGBColor,
    glyph: Arc<Glyph>,
}

/// Draws the glyphs of `inks` that reach `band`, a bitmap of the figure's rows from `top`.
fn draw_inks(
    band: &mut BitMapBackend<'_>,
    top: i32,
    inks: &[Ink],
) -> Result<(), DrawingErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>> {
    let rows = top..top + band.get_size().1 as i32;
    for ink in inks {
        let (first, last) = ink.glyph.rows;
        if ink.y + last < rows.start || ink.y + first >= rows.end {
            continue;
        }
        for &(gx, gy, coverage) in &ink.glyph.pixels {
            let colour = ink.colour.mix(f64::from(coverage)).to_backend_color();
            band.draw_pixel((ink.x + gx, ink.y + gy - top), colour)?;
        }
    }
    Ok(())
}

/// Every label's glyphs placed in the PNG, once for all of a figure's bands.
fn inks(scene: &Scene, metrics: &Metrics) -> Vec<Ink> {
    let mut inks = Vec::new();
    for label in &scene.labels {
        let colour = rgb(label.colour);
        let Placed { y, start, glyphs } = place(label, metrics);
        inks.extend(glyphs.into_iter().map(|(_, glyph, dx)| Ink {
            x: round(start + dx),
            y,
            colour,
            glyph,
        }));
    }
    inks
}

/// A label set in the PNG.
struct Placed {
    /// Where plotters would draw the text from: its top and its left.
    y: i32,
    start: f64,
    /// Each visible character with its glyph and x offset from `start`.
    glyphs: Vec<(char, Arc<Glyph>, f64)>,
}

/// Sets a label in the PNG. ab_glyph scales the line box (ascent to descent) to the size, and
/// plotters puts the baseline half the size below `y`. An even whole size keeps that half
/// whole (plotters truncates it per glyph, which would make baselines jitter) and never makes
/// text wider than measured. Each glyph is placed on its own at its pen position.
fn place(label: &Label, metrics: &Metrics) -> Placed {
    let s = f64::from(PNG_SCALE);
    let size = png_size(label, metrics);
    let baseline = f64::from(label.y) * s + SVG_TOP_DY_EM * label.size * s;
    let y = round(baseline - size / 2.0);
    let (glyphs, width) = metrics.glyph_offsets(&label.text, size);
    let x = f64::from(label.x) * s;
    let start = match label.anchor {
        Anchor::Start => x,
        Anchor::Middle => x - width / 2.0,
        Anchor::End => x - width,
    };
    Placed { y, start, glyphs }
}

/// The ab_glyph size of a label in the PNG: the line box of the em the layout measured, at
/// [`PNG_SCALE`], rounded down to an even whole size (see [`place`]).
fn png_size(label: &Label, metrics: &Metrics) -> f64 {
    let ideal = label.size * f64::from(PNG_SCALE) * metrics.line_height_em();
    (ideal / 2.0).floor() * 2.0
}

/// An error of plotters or the PNG encoder as the renderer's message.
fn message(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn rgb(c: super::layout::Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn round(v: f64) -> i32 {
    // Pixel coordinates of a figure: far inside i32.
    v.round() as i32
}
