//! A drawing backend that measures text with the charts' font stack
//! ([`super::fonts`]), and for bitmaps draws it too; every other call goes
//! to the backend it wraps. plotters lays out captions, tick labels and
//! axis descriptions by asking the backend how large a text is, so the
//! PNG and the SVG of a chart get the same layout, Hangul included.

use plotters::prelude::DrawingBackend;
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind,
    text_anchor::{HPos, VPos},
};

use super::fonts::Line;

/// `inner`, with text measured (and, for bitmaps, drawn) by the font stack.
#[derive(Debug)]
pub struct WithFonts<B> {
    inner: B,
    /// Rasterise text here (a bitmap) rather than pass it on (a vector
    /// format, whose viewer draws it with the families named).
    raster: bool,
}

impl<B: DrawingBackend> WithFonts<B> {
    /// A bitmap backend: text drawn glyph by glyph with the font stack.
    pub fn raster(inner: B) -> Self {
        WithFonts {
            inner,
            raster: true,
        }
    }

    /// A vector backend: text measured with the font stack, written as text.
    pub fn vector(inner: B) -> Self {
        WithFonts {
            inner,
            raster: false,
        }
    }
}

/// `text` laid out in `style`'s size (in the regular weight, as plotters
/// drew it; see `fonts.rs`).
fn line<S: BackendTextStyle, E: std::error::Error + Send + Sync>(
    text: &str,
    style: &S,
) -> Result<Line<'static>, DrawingErrorKind<E>> {
    Line::new(text, style.size()).map_err(|e| DrawingErrorKind::FontError(e.into()))
}

impl<B: DrawingBackend> DrawingBackend for WithFonts<B> {
    type ErrorType = B::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.present()
    }

    fn draw_pixel(
        &mut self,
        point: BackendCoord,
        color: BackendColor,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.fill_polygon(vert, style)
    }

    fn blit_bitmap(
        &mut self,
        pos: BackendCoord,
        size: (u32, u32),
        src: &[u8],
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        self.inner.blit_bitmap(pos, size, src)
    }

    /// As plotters draws text on a bitmap: the layout box placed by the
    /// anchor, then rotated about `pos` with the style's transform; only
    /// the glyphs come from the font stack.
    fn draw_text<S: BackendTextStyle>(
        &mut self,
        text: &str,
        style: &S,
        pos: BackendCoord,
    ) -> Result<(), DrawingErrorKind<B::ErrorType>> {
        if !self.raster {
            return self.inner.draw_text(text, style, pos);
        }
        let color = style.color();
        if color.alpha == 0.0 {
            return Ok(());
        }
        let line = line(text, style)?;
        let ((min_x, min_y), (max_x, max_y)) = line.layout_box();
        let (width, height) = (max_x - min_x, max_y - min_y);
        let dx = match style.anchor().h_pos {
            HPos::Left => 0,
            HPos::Right => -width,
            HPos::Center => -width / 2,
        };
        let dy = match style.anchor().v_pos {
            VPos::Top => 0,
            VPos::Center => -height / 2,
            VPos::Bottom => -height,
        };
        let transform = style.transform();
        let (w, h) = self.get_size();
        let inner = &mut self.inner;
        line.draw(|x, y, coverage| {
            let (x, y) = transform.transform(x + dx - min_x, y + dy - min_y);
            let (x, y) = (pos.0 + x, pos.1 + y);
            if x >= 0 && x < w as i32 && y >= 0 && y < h as i32 {
                inner.draw_pixel((x, y), color.mix(f64::from(coverage)))
            } else {
                Ok(())
            }
        })
    }

    fn estimate_text_size<S: BackendTextStyle>(
        &self,
        text: &str,
        style: &S,
    ) -> Result<(u32, u32), DrawingErrorKind<B::ErrorType>> {
        let ((min_x, min_y), (max_x, max_y)) = line(text, style)?.layout_box();
        Ok(((max_x - min_x) as u32, (max_y - min_y) as u32))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use plotters::prelude::*;
    use plotters::style::FontTransform;

    /// The inked box (x0, y0, x1, y1) of `text` drawn at `pos` on a white
    /// 200 × 200 bitmap.
    fn inked(text: &str, transform: FontTransform, pos: (i32, i32)) -> (i32, i32, i32, i32) {
        let mut buffer = vec![255u8; 200 * 200 * 3];
        {
            let root = WithFonts::raster(BitMapBackend::with_buffer(&mut buffer, (200, 200)))
                .into_drawing_area();
            let style = ("sans-serif", 20)
                .into_font()
                .transform(transform)
                .color(&BLACK);
            root.draw_text(text, &style, pos).unwrap();
            root.present().unwrap();
        }
        let mut bounds = (i32::MAX, i32::MAX, i32::MIN, i32::MIN);
        for (k, pixel) in buffer.chunks(3).enumerate() {
            if pixel[0] < 128 {
                let (x, y) = ((k % 200) as i32, (k / 200) as i32);
                bounds = (
                    bounds.0.min(x),
                    bounds.1.min(y),
                    bounds.2.max(x),
                    bounds.3.max(y),
                );
            }
        }
        bounds
    }

    #[test]
    fn hangul_is_drawn_across_and_rotated_up_the_y_axis() {
        let (x0, y0, x1, y1) = inked("지연 시간", FontTransform::None, (20, 100));
        assert!(x1 - x0 > 60 && y1 - y0 < 24, "{:?}", (x0, y0, x1, y1));
        assert!(x0 >= 20 && y0 >= 90, "{:?}", (x0, y0));
        // The y axis's description: read bottom to top, left of `pos`'s x
        // plus the text's height, above `pos`'s y.
        let (x0, y0, x1, y1) = inked("지연 시간", FontTransform::Rotate270, (20, 150));
        assert!(y1 - y0 > 60 && x1 - x0 < 24, "{:?}", (x0, y0, x1, y1));
        assert!(y1 <= 150 && x0 >= 10, "{:?}", (x0, y1));
    }

    #[test]
    fn text_is_measured_with_the_font_stack() {
        let mut buffer = vec![255u8; 10 * 10 * 3];
        let backend = WithFonts::raster(BitMapBackend::with_buffer(&mut buffer, (10, 10)));
        let style = ("sans-serif", 20).into_font().color(&BLACK);
        let (hangul, h) = backend.estimate_text_size("가나다", &style).unwrap();
        let (latin, _) = backend.estimate_text_size("abc", &style).unwrap();
        // Three syllables of 0.92 em (DejaVu's em: 17.2 px at this size)
        // against three narrow Latin letters.
        assert!(
            (46..=48).contains(&hangul) && latin < 40,
            "{hangul} {latin}"
        );
        assert_eq!(h, 16);
    }
}
