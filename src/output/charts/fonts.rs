//! The fonts of the PNG charts, compiled into the binary (no system font is
//! needed), and how a line of text is laid out and rasterised with them:
//! each character in the first font of the stack that has it. DejaVu Sans
//! comes first (Latin, Greek, Cyrillic, arrows, shapes: every chart's own
//! words), then a Hangul subset of Noto Sans CJK KR (`assets/fonts/`), so
//! that Korean names and descriptions are drawn rather than boxes.
//!
//! plotters' own `ab_glyph` text has one font per family and no fallback;
//! this module replaces it for the PNG files, keeping its placement
//! exactly (advances and kerning summed as it sums them, the baseline half
//! the size below the top, glyphs placed at their pen position), so Latin
//! text is drawn pixel for pixel as before. That includes the weight: text
//! styled bold (the titles) was drawn regular, since plotters' `FontDesc::
//! style` keeps the regular font's data, and still is; SVG viewers draw it
//! bold.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::OnceLock;

use ab_glyph::{Font, FontRef, GlyphId, PxScale, ScaleFont};
use anyhow::{Result, anyhow};

/// The Hangul subset (the modern syllables and the Jamo blocks).
const HANGUL: &[u8] = include_bytes!("../../../assets/fonts/NotoSansKR-Hangul.otf");

/// One font of the stack, parsed.
#[derive(Debug)]
struct Face {
    font: FontRef<'static>,
    /// Its height (ascent − descent) per em: ab_glyph scales fonts by
    /// height, and fonts of one line must share their em size instead.
    height_per_em: f32,
}

impl Face {
    fn new(bytes: &'static [u8], name: &str) -> Result<Face> {
        let font = FontRef::try_from_slice(bytes)
            .map_err(|_| anyhow!("the embedded {name} is invalid"))?;
        let em = font
            .units_per_em()
            .ok_or_else(|| anyhow!("the embedded {name} has no units per em"))?;
        Ok(Face {
            height_per_em: font.height_unscaled() / em,
            font,
        })
    }
}

/// The stack: DejaVu Sans, then Hangul.
type Stack = [Face; 2];

fn stack() -> Result<&'static Stack> {
    static STACK: OnceLock<Result<Stack, String>> = OnceLock::new();
    STACK
        .get_or_init(|| {
            let load = || -> Result<Stack> {
                Ok([
                    Face::new(dejavu::sans::regular(), "DejaVu Sans")?,
                    Face::new(HANGUL, "Noto Sans CJK KR (Hangul)")?,
                ])
            };
            load().map_err(|e| e.to_string())
        })
        .as_ref()
        .map_err(|e| anyhow!("{e}"))
}

/// Does the stack have a glyph for `c` (else it is drawn as DejaVu's
/// empty box)?
pub fn has_glyph(c: char) -> bool {
    stack().is_ok_and(|s| s.iter().any(|f| f.font.glyph_id(c) != GlyphId(0)))
}

/// A line of text in one size, each character given its font.
#[derive(Debug)]
pub struct Line<'a> {
    faces: &'a Stack,
    /// Per character: the index of its face and its glyph.
    glyphs: Vec<(usize, GlyphId)>,
    /// The size as plotters means it: the first font's pixel height.
    size: f64,
}

impl Line<'static> {
    /// Lays out `text` at `size` (plotters' font size).
    pub fn new(text: &str, size: f64) -> Result<Line<'static>> {
        let faces = stack()?;
        let glyphs = text
            .chars()
            .map(|c| {
                faces
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (i, f.font.glyph_id(c)))
                    .find(|&(_, g)| g != GlyphId(0))
                    .unwrap_or((0, GlyphId(0)))
            })
            .collect();
        Ok(Line {
            faces,
            glyphs,
            size,
        })
    }
}

impl Line<'_> {
    /// The pixel scale of face `i`: the first face's is the size itself;
    /// the others' give the same em.
    fn scale(&self, i: usize) -> PxScale {
        let size = self.size as f32;
        if i == 0 {
            PxScale::from(size)
        } else {
            let em = size / self.faces[0].height_per_em;
            PxScale::from(em * self.faces[i].height_per_em)
        }
    }

    /// The kerning between two neighbours, when one font has both.
    fn kern(&self, prev: Option<(usize, GlyphId)>, (i, g): (usize, GlyphId)) -> f32 {
        match prev {
            Some((j, p)) if j == i => self.faces[i].font.as_scaled(self.scale(i)).kern(p, g),
            _ => 0.0,
        }
    }

    fn advance(&self, (i, g): (usize, GlyphId)) -> f32 {
        self.faces[i].font.as_scaled(self.scale(i)).h_advance(g)
    }

    /// The layout box, as plotters' `estimate_layout` gives it: from the
    /// origin to the summed advances and kerning, and the em height.
    pub fn layout_box(&self) -> ((i32, i32), (i32, i32)) {
        let mut width = 0f32;
        let mut prev = None;
        for &glyph in &self.glyphs {
            width += self.advance(glyph);
            width += self.kern(prev, glyph);
            prev = Some(glyph);
        }
        ((0, 0), (width as i32, (self.size / 1.24) as i32))
    }

    /// Rasterises the line with its top left at the origin, calling
    /// `pixel(x, y, coverage)` for every pixel a glyph covers.
    pub fn draw<E>(&self, mut pixel: impl FnMut(i32, i32, f32) -> Result<(), E>) -> Result<(), E> {
        let mut pen = 0f32;
        let mut prev = None;
        for &glyph in &self.glyphs {
            pen += self.kern(prev, glyph);
            prev = Some(glyph);
            let (i, id) = glyph;
            if let Some(raster) = rasterised(self.faces, i, id, self.scale(i)) {
                // plotters puts the baseline half the size below the top.
                let y0 = (self.size as f32 / 2.0 + raster.top) as i32;
                let x0 = pen as i32;
                for &(x, y, c) in &raster.covered {
                    pixel(x as i32 + x0, y as i32 + y0, c)?;
                }
            }
            pen += self.advance(glyph);
        }
        Ok(())
    }
}

/// A glyph rasterised at one scale: the top of its pixel bounds relative
/// to the baseline, and the pixels it covers with their coverage.
#[derive(Debug)]
struct Raster {
    top: f32,
    covered: Vec<(u32, u32, f32)>,
}

/// Glyph `id` of face `face` rasterised at `scale` (`None` for a glyph
/// with no outline, a space say). A glyph is drawn at its own origin and
/// moved by whole pixels, so its pixels depend on the face, the glyph and
/// the scale alone: each is rasterised once per thread and kept, since a
/// chart's labels draw the same digits and letters over and over and
/// rasterising was most of the cost of its text.
fn rasterised(faces: &Stack, face: usize, id: GlyphId, scale: PxScale) -> Option<Rc<Raster>> {
    type Key = (usize, u16, u32, u32);
    thread_local! {
        static RASTERS: RefCell<HashMap<Key, Option<Rc<Raster>>>> = RefCell::new(HashMap::new());
    }
    let key = (face, id.0, scale.x.to_bits(), scale.y.to_bits());
    RASTERS.with_borrow_mut(|rasters| {
        rasters
            .entry(key)
            .or_insert_with(|| {
                let outline = faces[face].font.outline_glyph(id.with_scale(scale))?;
                let mut covered = Vec::new();
                outline.draw(|x, y, c| covered.push((x, y, c)));
                Some(Rc::new(Raster {
                    top: outline.px_bounds().min.y,
                    covered,
                }))
            })
            .clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hangul_falls_back_and_latin_stays_dejavu() {
        let line = Line::new("p99 지연 시간", 14.0).unwrap();
        let faces: Vec<usize> = line.glyphs.iter().map(|g| g.0).collect();
        assert_eq!(faces, [0, 0, 0, 0, 1, 1, 0, 1, 1]);
        assert!("가힣ㄱㅎᄀᇿꥠힰ".chars().all(has_glyph));
        // Both fonts share the em: a Hangul syllable is 920 units of 1000
        // wide in Noto Sans CJK KR, so 0.92 of DejaVu's em.
        let em = 14.0 / line.faces[0].height_per_em;
        let syllable = line.advance(line.glyphs[4]);
        assert!((syllable / em - 0.92).abs() < 0.001, "{syllable} vs {em}");
        // A character no font has is DejaVu's box, as before.
        assert!(!has_glyph('\u{E000}'));
    }
}
