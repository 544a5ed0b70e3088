//! The embedded font: registration with plotters and the metrics every layout is measured with.
//!
//! The font is a subset of Noto Sans CJK SC (`assets/fonts/`, SIL OFL 1.1) compiled into the
//! binary, so figures render the same on a machine without fonts and show Chinese text. Layout
//! uses its advance widths and its ascent/descent. Nothing here draws: the PNG glyphs are
//! rasterised once per character and size and kept (see [`Glyph`]) for `draw` to paint.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::style::{FontStyle, register_font};

/// The font file, a subset of Noto Sans CJK SC Regular (see `assets/fonts/README.md`).
pub(crate) static FONT_BYTES: &[u8] = include_bytes!("../../../assets/fonts/NotoSansSC-subset.otf");

/// The family name the font is registered under with plotters, which the SVG backend also
/// writes into every `font-family` attribute. It is a CSS font stack: the embedded font's own
/// family first, then other CJK-capable families, so a browser shows Chinese whatever it has.
pub(crate) const FAMILY: &str = "Noto Sans CJK SC, Noto Sans SC, Source Han Sans SC, \
     PingFang SC, Microsoft YaHei, WenQuanYi Micro Hei, sans-serif";

/// How far below an SVG text's `y` its baseline lies, in em: plotters writes `dy="0.76em"` for
/// text anchored at the top (`VPos::Top`, the only vertical anchor the figures use).
pub(crate) const SVG_TOP_DY_EM: f64 = 0.76;

/// plotters' SVG backend writes `font-size` as the requested size divided by this.
pub(crate) const SVG_SIZE_DIVISOR: f64 = 1.24;

/// Registers the embedded font with plotters, once per process; every later call returns the
/// first outcome. Call before any parallel drawing.
///
/// # Errors
/// A message when the embedded font cannot be parsed (a broken build).
pub(crate) fn register() -> Result<(), String> {
    static REGISTERED: OnceLock<Result<(), String>> = OnceLock::new();
    REGISTERED
        .get_or_init(|| {
            register_font(FAMILY, FontStyle::Normal, FONT_BYTES)
                .map_err(|_| "the embedded font cannot be read".to_string())
        })
        .clone()
}

/// One character rasterised alone at one size, exactly as plotters' ab_glyph text drawing
/// rasterises it: parsing and filling a CFF outline was most of the time spent on text, and a
/// figure repeats few characters many times (digits, letters of the axis titles).
pub(crate) struct Glyph {
    /// Where the ink starts right of the pen position, px.
    pub(crate) left: f64,
    /// The ink's pixels, (x, y, coverage 0-1), from where plotters puts a glyph drawn alone at
    /// a top-left anchor: x from the ink's left edge, y from the top of the text.
    pub(crate) pixels: Vec<(i32, i32, f32)>,
    /// The first and last y of the pixels.
    pub(crate) rows: (i32, i32),
}

/// Rasterised glyphs by character and size (the size's `f32` bits); `None` for a character
/// without ink (a space).
type GlyphCache = Mutex<HashMap<(char, u32), Option<Arc<Glyph>>>>;

/// Measurements of text set in the embedded font, in pixels.
pub(crate) struct Metrics {
    font: FontRef<'static>,
    units_per_em: f64,
    ascent: f64,
    descent: f64,
    glyphs: GlyphCache,
}

impl Metrics {
    /// The metrics of the embedded font.
    ///
    /// # Panics
    /// If the embedded font cannot be parsed (checked by the unit tests).
    pub(crate) fn embedded() -> &'static Self {
        static METRICS: OnceLock<Metrics> = OnceLock::new();
        METRICS.get_or_init(|| {
            let font = FontRef::try_from_slice(FONT_BYTES).expect("the embedded font parses");
            Self::new(font)
        })
    }

    fn new(font: FontRef<'static>) -> Self {
        let units_per_em = f64::from(font.units_per_em().unwrap_or(1000.0));
        Self {
            ascent: f64::from(font.ascent_unscaled()),
            descent: f64::from(font.descent_unscaled()),
            units_per_em,
            font,
            glyphs: Mutex::new(HashMap::new()),
        }
    }

    /// The advance width of `text` at `size` px per em (no kerning: the subset keeps none that
    /// ab_glyph reads, and browsers only ever make text narrower with it).
    pub(crate) fn width(&self, text: &str, size: f64) -> f64 {
        let units: f64 = text
            .chars()
            .map(|c| f64::from(self.font.h_advance_unscaled(self.font.glyph_id(c))))
            .sum();
        units * size / self.units_per_em
    }

    /// The distance from the top of a line box to the baseline at `size` px per em.
    pub(crate) fn ascent(&self, size: f64) -> f64 {
        self.ascent * size / self.units_per_em
    }

    /// The height of a line box (ascent to descent) at `size` px per em.
    pub(crate) fn line_height(&self, size: f64) -> f64 {
        (self.ascent - self.descent) * size / self.units_per_em
    }

    /// The line box height in em; ab_glyph scales a font so that this box is the requested
    /// size, where browsers scale the em.
    pub(crate) fn line_height_em(&self) -> f64 {
        (self.ascent - self.descent) / self.units_per_em
    }

    /// Where plotters must put each visible character of `text`, drawn alone at the ab_glyph
    /// `scale` plotters uses (line box height in px), so that the glyphs sit at their pen
    /// positions: plotters starts a glyph's ink at the given x, dropping its left side bearing,
    /// which set whole strings with uneven letter spacing. Returns each visible character with
    /// its glyph and x offset from the start of the text, and the text's advance width.
    pub(crate) fn glyph_offsets(
        &self,
        text: &str,
        scale: f64,
    ) -> (Vec<(char, Arc<Glyph>, f64)>, f64) {
        // Sizes are tens of pixels: f32 holds them exactly enough.
        #[allow(clippy::cast_possible_truncation)]
        let font = self.font.as_scaled(PxScale::from(scale as f32));
        let mut pen = 0.0_f64;
        let mut out = Vec::new();
        for c in text.chars() {
            if let Some(glyph) = self.glyph(c, scale) {
                let left = glyph.left;
                out.push((c, glyph, pen + left));
            }
            pen += f64::from(font.h_advance(font.glyph_id(c)));
        }
        (out, pen)
    }

    /// The glyph of `c` at `scale`, rasterised on first use.
    fn glyph(&self, c: char, scale: f64) -> Option<Arc<Glyph>> {
        #[allow(clippy::cast_possible_truncation)]
        let size = scale as f32;
        // A poisoned lock only means another figure's thread panicked: the map is still whole.
        let mut cache = self
            .glyphs
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        cache
            .entry((c, size.to_bits()))
            .or_insert_with(|| self.rasterise(c, size).map(Arc::new))
            .clone()
    }

    /// What plotters' ab_glyph backend computes for one character at `size`: the outline at
    /// the pen origin, filled, shifted down by half the size plus the ink's top (truncated).
    fn rasterise(&self, c: char, size: f32) -> Option<Glyph> {
        let font = self.font.as_scaled(size);
        let outline = font.outline_glyph(font.scaled_glyph(c))?;
        let bounds = outline.px_bounds();
        // Pixel offsets of a glyph tens of pixels tall: far inside i32.
        #[allow(clippy::cast_possible_truncation, clippy::cast_possible_wrap)]
        let (top, mut pixels) = ((size / 2.0 + bounds.min.y) as i32, Vec::new());
        #[allow(clippy::cast_possible_wrap)]
        outline.draw(|x, y, coverage| pixels.push((x as i32, y as i32 + top, coverage)));
        let ys = || pixels.iter().map(|&(_, y, _)| y);
        let rows = (ys().min().unwrap_or(0), ys().max().unwrap_or(0));
        Some(Glyph {
            left: f64::from(bounds.min.x),
            pixels,
            rows,
        })
    }

    /// Whether the font has a glyph for `c`.
    #[cfg(test)]
    pub(crate) fn has_glyph(&self, c: char) -> bool {
        self.font.glyph_id(c).0 != 0
    }
}
