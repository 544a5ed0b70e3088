//! A figure's marks painted once and kept, by band of rows, as the writes of plotters'
//! rasterisers, to be replayed on one band's pixels at a time (see `draw::png`).
//!
//! [`Recorder`] is a plotters backend of the whole figure's size. What the bitmap backend
//! writes itself, a pixel and a line or filled rectangle it fills as a rectangle, is kept as
//! an [`Op`] in every band its rows reach; everything else (thick paths, polygons, circles,
//! slanted lines, outlines) goes through plotters' rasterisers, which come back with those.
//! [`replay`] gives a band's ops, moved into the band, to a bitmap of the band's rows, which
//! clips them there as it clips them to the figure: the same pixels as painting the figure
//! on one buffer, which the tests check.
//!
//! The band lists a [`Recorder`] fills are the caller's, so a thread can keep them, with their
//! room, from one figure to the next (`draw`'s thread-local scratch, which lives as long as
//! the thread); [`Recorder::new`] empties them first.

use plotters::prelude::BitMapBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, DrawingBackend, DrawingErrorKind, rasterizer,
};

/// The bitmap backend's error (it has none for a buffer).
type BitmapError = <BitMapBackend<'static> as DrawingBackend>::ErrorType;

/// One write of the bitmap backend, in the figure's coordinates.
#[derive(Clone, Copy)]
pub(super) enum Op {
    Pixel(BackendCoord, Colour),
    /// A one-pixel horizontal or vertical line (`BitMapBackend::draw_line`'s own case).
    Line(BackendCoord, BackendCoord, Colour),
    /// A filled rectangle.
    Fill(BackendCoord, BackendCoord, Colour),
}

/// A colour as the bitmap backend uses it: 8-bit RGB and the weight `floor(256 * alpha)` it
/// blends with (`plotters_bitmap`'s `draw_pixel` and `blend_rect_fast`), 256 for an alpha of
/// 1 or more. An op is 24 bytes instead of 40 with the alpha's `f64`; a figure keeps about
/// 60,000 of them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Colour {
    rgb: (u8, u8, u8),
    weight: u16,
}

impl Colour {
    pub(super) fn new(color: BackendColor) -> Self {
        // Clamped to 0..=256 first: the cast is exact.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        let weight = (color.alpha.clamp(0.0, 1.0) * 256.0).floor() as u16;
        Self {
            rgb: color.rgb,
            weight,
        }
    }

    /// The colour with the alpha `weight / 256`, which the bitmap treats as the original alpha:
    /// it blends with the same weight, paints a pixel opaque from 255 on (an alpha of at least
    /// 1 - 1/256) and fills a line or rectangle opaque at 256 (an alpha of at least 1).
    pub(super) fn backend(self) -> BackendColor {
        BackendColor {
            alpha: f64::from(self.weight) / 256.0,
            rgb: self.rgb,
        }
    }
}

/// Records what is drawn on a figure of `size`, by band of `rows` rows, in drawing order.
pub(super) struct Recorder<'a> {
    size: (u32, u32),
    rows: u32,
    bands: &'a mut Vec<Vec<Op>>,
}

impl<'a> Recorder<'a> {
    /// A recorder writing into `bands`, one list per band of `rows` rows of a figure of `size`
    /// (emptied first; their room is kept).
    pub(super) fn new(size: (u32, u32), rows: u32, bands: &'a mut Vec<Vec<Op>>) -> Self {
        bands.iter_mut().for_each(Vec::clear);
        bands.resize_with(size.1.div_ceil(rows) as usize, Vec::new);
        Self { size, rows, bands }
    }

    /// Keeps `op` in every band that rows `from..=to` (either order) reach.
    fn keep(&mut self, from: i32, to: i32, op: Op) {
        let last_row = i64::from(self.size.1) - 1;
        let (low, high) = (i64::from(from.min(to)), i64::from(from.max(to)));
        if high < 0 || low > last_row {
            return;
        }
        let band = |row: i64| {
            // Clamped to the figure's rows: a band index fits in usize.
            #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
            let index = (row.clamp(0, last_row) / i64::from(self.rows)) as usize;
            index
        };
        for list in &mut self.bands[band(low)..=band(high)] {
            list.push(op);
        }
    }
}

impl DrawingBackend for Recorder<'_> {
    type ErrorType = BitmapError;

    fn get_size(&self) -> (u32, u32) {
        self.size
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<BitmapError>> {
        Ok(())
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<BitmapError>> {
        Ok(())
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        self.keep(point.1, point.1, Op::Pixel(point, Colour::new(color)));
        Ok(())
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        // The lines the bitmap fills as a rectangle; it rasterises the others as here.
        if (from.0 == to.0 || from.1 == to.1) && style.stroke_width() == 1 {
            // Its rows: from `from` to `to` (either order), one past them as a rectangle.
            let (low, high) = (from.1.min(to.1), from.1.max(to.1));
            self.keep(
                low,
                high + 1,
                Op::Line(from, to, Colour::new(style.color())),
            );
            return Ok(());
        }
        rasterizer::draw_line(self, from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<BitmapError>> {
        if fill {
            let op = Op::Fill(upper_left, bottom_right, Colour::new(style.color()));
            self.keep(upper_left.1, bottom_right.1, op);
            return Ok(());
        }
        rasterizer::draw_rect(self, upper_left, bottom_right, style, false)
    }
}

/// Writes `ops` on `band`, a bitmap of the figure's rows from `top`.
pub(super) fn replay(
    band: &mut BitMapBackend<'_>,
    top: i32,
    ops: &[Op],
) -> Result<(), DrawingErrorKind<BitmapError>> {
    let shift = |(x, y): BackendCoord| (x, y - top);
    for op in ops {
        match *op {
            Op::Pixel(p, c) => band.draw_pixel(shift(p), c.backend())?,
            Op::Line(from, to, c) => band.draw_line(shift(from), shift(to), &c.backend())?,
            Op::Fill(from, to, c) => band.draw_rect(shift(from), shift(to), &c.backend(), true)?,
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SIZE: (u32, u32) = (61, 47);

    /// Draws `n` random primitives (seeded) on `backend`: pixels, lines of every direction and
    /// width, filled and outlined rectangles, circles and polygons, partly outside the figure,
    /// in opaque and translucent colours.
    fn draw_random<DB: DrawingBackend>(backend: &mut DB, seed: u64, n: usize) {
        let mut rng = fastrand::Rng::with_seed(seed);
        let mut point = || (rng.i32(-8..70), rng.i32(-8..56));
        let mut rng = fastrand::Rng::with_seed(seed ^ 0x5eed);
        for _ in 0..n {
            let (a, b, c) = (point(), point(), point());
            let alpha = match rng.u8(0..4) {
                0 => 1.0,
                1 => 1.0 - 1.0 / 512.0,
                2 => f64::from(rng.u8(0..=255)) / 255.0,
                _ => rng.f64(),
            };
            let color = BackendColor {
                alpha,
                rgb: (rng.u8(..), rng.u8(..), rng.u8(..)),
            };
            let style = plotters::style::ShapeStyle {
                color: plotters::style::RGBAColor(color.rgb.0, color.rgb.1, color.rgb.2, alpha),
                filled: rng.bool(),
                stroke_width: rng.u32(1..5),
            };
            let result = match rng.u8(0..8) {
                0 => backend.draw_pixel(a, color),
                1 => backend.draw_line(a, (a.0, b.1), &color),
                2 => backend.draw_line(a, (b.0, a.1), &color),
                3 => backend.draw_line(a, b, &style),
                4 => backend.draw_rect(a, b, &style, style.filled),
                5 => backend.draw_circle(a, rng.u32(0..12), &style, style.filled),
                6 => backend.fill_polygon(vec![a, b, c], &color),
                _ => backend.draw_path(vec![a, b, c], &style),
            };
            result.unwrap();
        }
    }

    /// The figure painted by band of `rows`: recorded, then replayed band by band.
    fn banded(seed: u64, n: usize, rows: u32, shift: i32) -> Vec<u8> {
        let mut bands = Vec::new();
        draw_random(&mut Recorder::new(SIZE, rows, &mut bands), seed, n);
        let row = SIZE.0 as usize * 3;
        let mut pixels = vec![u8::MAX; row * SIZE.1 as usize];
        for (i, (ops, chunk)) in bands
            .iter()
            .zip(pixels.chunks_mut(row * rows as usize))
            .enumerate()
        {
            let height = u32::try_from(chunk.len() / row).unwrap();
            let mut band = BitMapBackend::with_buffer(chunk, (SIZE.0, height));
            let top = i32::try_from(i).unwrap() * i32::try_from(rows).unwrap();
            replay(&mut band, top + shift, ops).unwrap();
        }
        pixels
    }

    fn whole(seed: u64, n: usize) -> Vec<u8> {
        let mut pixels = vec![u8::MAX; SIZE.0 as usize * 3 * SIZE.1 as usize];
        draw_random(&mut BitMapBackend::with_buffer(&mut pixels, SIZE), seed, n);
        pixels
    }

    #[test]
    fn replayed_bands_paint_what_the_bitmap_paints_at_once() {
        for seed in 0..300 {
            let reference = whole(seed, 12);
            for rows in [1, 7, 16, 47, 64] {
                assert!(
                    banded(seed, 12, rows, 0) == reference,
                    "seed {seed}, bands of {rows} rows"
                );
            }
        }
        // And the comparison can fail: bands replayed one row off.
        assert!((0..20).any(|seed| banded(seed, 12, 7, 1) != whole(seed, 12)));
    }

    #[test]
    fn a_colour_keeps_the_weight_the_bitmap_blends_with() {
        for alpha in [
            0.0,
            1e-9,
            0.5,
            0.999,
            1.0 - 1.0 / 256.0,
            1.0 - 1e-12,
            1.0,
            1.7,
            -0.2,
        ] {
            let color = BackendColor {
                alpha,
                rgb: (10, 200, 30),
            };
            let kept = Colour::new(color).backend();
            for background in [0u8, 99, 255] {
                let paint = |c: BackendColor| {
                    let mut pixels = vec![background; 3 * 4];
                    let mut bitmap = BitMapBackend::with_buffer(&mut pixels, (2, 2));
                    bitmap.draw_pixel((0, 0), c).unwrap();
                    bitmap.draw_line((1, 0), (1, 1), &c).unwrap();
                    bitmap.draw_rect((0, 1), (1, 2), &c, true).unwrap();
                    drop(bitmap);
                    pixels
                };
                assert_eq!(paint(kept), paint(color), "alpha {alpha}, on {background}");
            }
        }
    }
}
