//! Painting a [`Scene`] on a plotters backend: SVG text, or an RGB buffer encoded as PNG.
//!
//! The scene fixes every position; this module only converts to each backend's conventions.
//! plotters sizes text differently per backend (the SVG backend writes `size / 1.24` as the
//! CSS font size, ab_glyph scales the line box, ascent to descent, to `size`), so each target
//! asks for the size that gives the em the layout measured.

use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::font::{FAMILY, Metrics, SVG_SIZE_DIVISOR, SVG_TOP_DY_EM};
use super::layout::{Anchor, Label, Mark, Scene, Shape};
use super::pixels::Pixels;

/// Pixels per layout pixel in the PNG (sharp enough for print).
pub(crate) const PNG_SCALE: i32 = 2;

/// Which backend a scene is painted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Svg,
    Png,
    /// PNG, each character rasterised by plotters as it is drawn (the reference for the tests).
    #[cfg(test)]
    PngPlotters,
}

/// The scene as SVG text.
///
/// # Errors
/// plotters' message when drawing fails (an unregistered font).
pub(crate) fn svg(scene: &Scene) -> Result<String, String> {
    let mut out = String::new();
    {
        let root =
            SVGBackend::with_string(&mut out, (scene.width, scene.height)).into_drawing_area();
        paint(&root, scene, Target::Svg)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(out)
}

/// How the PNG pixels are filtered and deflated. The pixels are the same whichever is chosen
/// (PNG is lossless); the choice trades encoding time for file size. Measured by the
/// `png_encoding` benchmark (`cargo bench -- png_encoding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PngEncoding {
    /// zlib's default level, the encoder's default filter.
    Default,
    /// The fastest deflate level.
    Fast,
    /// The fastest deflate level after the Paeth filter (smaller files on flat-colour charts).
    FastPaeth,
}

/// The encoding of the figures' PNGs (see the README's performance section for why).
pub const PNG_ENCODING: PngEncoding = PngEncoding::Fast;

/// The scene as PNG bytes, at [`PNG_SCALE`] times its size.
///
/// # Errors
/// plotters' or the PNG encoder's message.
pub(crate) fn png(scene: &Scene) -> Result<Vec<u8>, String> {
    let (w, h, pixels) = rasterise(scene)?;
    encode_rgb(w, h, &pixels, PNG_ENCODING)
}

/// The scene's RGB pixels at [`PNG_SCALE`] times its size: (width, height, pixels).
pub(crate) fn rasterise(scene: &Scene) -> Result<(u32, u32, Pixels), String> {
    rasterise_for(scene, Target::Png)
}

/// [`rasterise`] with plotters rasterising every character as it draws it.
#[cfg(test)]
pub(crate) fn rasterise_with_plotters_text(scene: &Scene) -> Result<(u32, u32, Pixels), String> {
    rasterise_for(scene, Target::PngPlotters)
}

fn rasterise_for(scene: &Scene, target: Target) -> Result<(u32, u32, Pixels), String> {
    let scale = PNG_SCALE.unsigned_abs();
    let (w, h) = (scene.width * scale, scene.height * scale);
    // Allocated white: the background is the buffer's first and only fill (see `paint`).
    let mut pixels = Pixels::white(w as usize * h as usize * 3);
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (w, h)).into_drawing_area();
        paint(&root, scene, target)?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok((w, h, pixels))
}

/// Encodes 8-bit RGB pixels as PNG.
///
/// # Errors
/// The PNG encoder's message (a buffer of the wrong size).
pub fn encode_rgb(
    width: u32,
    height: u32,
    pixels: &[u8],
    encoding: PngEncoding,
) -> Result<Vec<u8>, String> {
    // Room for the whole file at once: grown by doubling, its copies took fresh pages (a figure's
    // PNG is a twentieth to a twenty-fifth of its pixels; a page is taken only when written).
    let mut bytes = Vec::with_capacity(pixels.len() / 16);
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        match encoding {
            PngEncoding::Default => encoder.set_compression(png::Compression::Default),
            PngEncoding::Fast => encoder.set_compression(png::Compression::Fast),
            PngEncoding::FastPaeth => {
                encoder.set_compression(png::Compression::Fast);
                encoder.set_filter(png::FilterType::Paeth);
            }
        }
        let mut writer = encoder.write_header().map_err(|e| e.to_string())?;
        writer.write_image_data(pixels).map_err(|e| e.to_string())?;
        writer.finish().map_err(|e| e.to_string())?;
    }
    Ok(bytes)
}

fn paint<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    scene: &Scene,
    target: Target,
) -> Result<(), String> {
    let scale = match target {
        Target::Svg => 1,
        Target::Png => PNG_SCALE,
        #[cfg(test)]
        Target::PngPlotters => PNG_SCALE,
    };
    let at = |(x, y): (i32, i32)| (x * scale, y * scale);
    let err = |e: DrawingAreaErrorKind<DB::ErrorType>| e.to_string();
    // A PNG's pixel buffer is allocated white; the SVG needs its white background drawn.
    if target == Target::Svg {
        root.fill(&WHITE).map_err(err)?;
    }
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
                root.draw(&PathElement::new(points, style)).map_err(err)?;
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
                .map_err(err)?;
            }
        }
    }
    let metrics = Metrics::embedded();
    for label in &scene.labels {
        draw_label(root, label, target, scale, metrics).map_err(err)?;
    }
    Ok(())
}

fn draw_label<DB: DrawingBackend>(
    root: &DrawingArea<DB, plotters::coord::Shift>,
    label: &Label,
    target: Target,
    scale: i32,
    metrics: &Metrics,
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let colour = rgb(label.colour);
    match target {
        // The SVG's font-size is the em the layout measured; the browser puts the baseline
        // 0.76em below `y` and aligns the text by its `text-anchor`.
        Target::Svg => {
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
            .color(&colour)
            .pos(Pos::new(h, VPos::Top));
            root.draw(&Text::new(label.text.as_str(), (label.x, label.y), style))
        }
        // ab_glyph scales the line box (ascent to descent) to the size, and plotters puts the
        // baseline half the size below `y`. An even whole size keeps that half whole (plotters
        // truncates it per glyph, which would make baselines jitter) and never makes text
        // wider than measured. Each glyph is placed on its own at its pen position.
        _ => {
            let s = f64::from(scale);
            let ideal = label.size * s * metrics.line_height_em();
            let size = (ideal / 2.0).floor() * 2.0;
            let baseline = f64::from(label.y) * s + SVG_TOP_DY_EM * label.size * s;
            let y = round(baseline - size / 2.0);
            let (glyphs, width) = metrics.glyph_offsets(&label.text, size);
            let x = f64::from(label.x) * s;
            let start = match label.anchor {
                Anchor::Start => x,
                Anchor::Middle => x - width / 2.0,
                Anchor::End => x - width,
            };
            // What the cached glyphs replace: plotters rasterising each character as it draws.
            #[cfg(test)]
            if target == Target::PngPlotters {
                let style = FontDesc::new(FontFamily::Name(FAMILY), size, FontStyle::Normal)
                    .color(&colour)
                    .pos(Pos::new(HPos::Left, VPos::Top));
                let mut buf = [0u8; 4];
                for (c, _, dx) in glyphs {
                    let text: &str = c.encode_utf8(&mut buf);
                    root.draw(&Text::new(text, (round(start + dx), y), style.clone()))?;
                }
                return Ok(());
            }
            for (_, glyph, dx) in glyphs {
                let x = round(start + dx);
                for &(gx, gy, coverage) in &glyph.pixels {
                    root.draw_pixel((x + gx, y + gy), &colour.mix(f64::from(coverage)))?;
                }
            }
            Ok(())
        }
    }
}

fn rgb(c: super::layout::Rgb) -> RGBColor {
    RGBColor(c.0, c.1, c.2)
}

fn round(v: f64) -> i32 {
    // Pixel coordinates of a figure: far inside i32.
    v.round() as i32
}
