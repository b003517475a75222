//! What every chart shares: the font, the palettes, the panel frame, the
//! header with its legend, lines, markers, bands and shaded windows, and
//! saving one figure as both PNG and SVG. The axes (in `axis.rs`) are
//! re-exported here, so a chart needs this module only.

use std::cell::RefCell;
use std::path::Path;

use anyhow::{Result, anyhow};
use plotters::coord::Shift;
use plotters::prelude::*;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

pub use super::axis::{Axis, Coord, Scale, extent};
use super::backend::WithFonts;
pub use super::number::format_number;

/// The font families of every text, as the SVG files name them: the
/// Hangul family first, for Korean names, then DejaVu Sans and the generic
/// family. The PNG files are drawn with the fonts compiled into the binary
/// (DejaVu Sans, falling back glyph by glyph to a Hangul subset of Noto
/// Sans CJK KR; see `fonts.rs`): no system font is needed.
pub const FONT: &str = "Noto Sans CJK KR, DejaVu Sans, sans-serif";

/// Okabe and Ito's colour-blind-safe palette, ordered for lines on white
/// (the pale yellow last). A design's colour is this at its index in the
/// manifest's `designs`, so it is the same in every chart of a folder.
const DESIGN_PALETTE: [RGBColor; 8] = [
    RGBColor(0x00, 0x72, 0xB2), // blue
    RGBColor(0xD5, 0x5E, 0x00), // vermillion
    RGBColor(0x00, 0x9E, 0x73), // bluish green
    RGBColor(0xCC, 0x79, 0xA7), // reddish purple
    RGBColor(0xE6, 0x9F, 0x00), // orange
    RGBColor(0x56, 0xB4, 0xE9), // sky blue
    RGBColor(0x00, 0x00, 0x00), // black
    RGBColor(0xF0, 0xE4, 0x42), // yellow
];

/// The colour of design number `index`.
pub fn design_colour(index: usize) -> RGBColor {
    DESIGN_PALETTE[index % DESIGN_PALETTE.len()]
}

/// Paul Tol's "muted" palette, for components in stacked bars: distinct
/// from the design colours so a stack is never mistaken for a design.
const COMPONENT_PALETTE: [RGBColor; 9] = [
    RGBColor(0x88, 0xCC, 0xEE),
    RGBColor(0xCC, 0x66, 0x77),
    RGBColor(0xDD, 0xCC, 0x77),
    RGBColor(0x11, 0x77, 0x33),
    RGBColor(0x33, 0x22, 0x88),
    RGBColor(0xAA, 0x44, 0x99),
    RGBColor(0x44, 0xAA, 0x99),
    RGBColor(0x99, 0x99, 0x33),
    RGBColor(0x88, 0x22, 0x55),
];

/// The colour of component number `index` (in order of first appearance).
pub fn component_colour(index: usize) -> RGBColor {
    COMPONENT_PALETTE[index % COMPONENT_PALETTE.len()]
}

/// Grey for reference lines (the Pareto front).
pub const REFERENCE: RGBColor = RGBColor(0x44, 0x44, 0x44);
/// Red for limits (the SLO).
pub const LIMIT: RGBColor = RGBColor(0xC0, 0x00, 0x00);

/// Text sizes [px].
pub const TITLE_SIZE: u32 = 24;
/// Panel titles.
pub const PANEL_TITLE_SIZE: u32 = 18;
/// Axis descriptions.
pub const DESC_SIZE: u32 = 16;
/// Tick labels, legends, annotations.
pub const LABEL_SIZE: u32 = 14;

/// The width [px] a label of [`LABEL_SIZE`] is laid out with, without
/// fonts: 8 px a display column, as the charts have always estimated
/// Latin text, less 4 px for each wide (Hangul) character, whose glyph is
/// about 11 px: two full columns would leave a wide gap after each Korean
/// legend entry.
pub fn label_width(label: &str) -> i32 {
    let wide = label
        .chars()
        .filter(|c| UnicodeWidthChar::width(*c) == Some(2))
        .count();
    8 * label.width() as i32 - 4 * wide as i32
}

/// The text style of a given size.
pub fn text(size: u32) -> TextStyle<'static> {
    (FONT, size).into_font().color(&BLACK)
}

/// A plotters error as an anyhow one.
pub fn drawing_error<E: std::error::Error + Send + Sync>(
    e: plotters::drawing::DrawingAreaErrorKind<E>,
) -> anyhow::Error {
    anyhow!("cannot draw a chart: {e}")
}

/// Which axis labels a panel shows.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PanelOptions {
    /// Tick labels and the description under the x axis (only the bottom
    /// panel of a stack needs them).
    pub x_labels: bool,
    /// Width of the y labels' area [px]: the same for panels that share an
    /// x axis, so their plots line up.
    pub y_label_area: u32,
}

impl PanelOptions {
    /// Options for a panel among others whose y axes are `ys`: its y label
    /// area fits the widest of their labels.
    pub fn aligned(x_labels: bool, ys: &[&Axis]) -> PanelOptions {
        let widest = ys.iter().map(|y| y.widest_label()).max().unwrap_or(1) as u32;
        PanelOptions {
            x_labels,
            y_label_area: (30 + 8 * widest).clamp(60, 360),
        }
    }
}

/// The frame every chart panel shares: title, margins, mesh, tick labels
/// and axis descriptions in the chart font.
pub fn panel<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    title: &str,
    x: &Axis,
    y: &Axis,
    options: PanelOptions,
) -> Result<ChartContext<'a, DB, Coord>>
where
    DB::ErrorType: 'static,
{
    let mut builder = ChartBuilder::on(area);
    builder
        .margin_top(8)
        .margin_right(24)
        .margin_left(8)
        .x_label_area_size(if options.x_labels { 56 } else { 8 })
        .y_label_area_size(options.y_label_area);
    if !title.is_empty() {
        builder.caption(title, text(PANEL_TITLE_SIZE));
    }
    let mut chart = builder
        .build_cartesian_2d(x.coord(), y.coord())
        .map_err(drawing_error)?;
    let x_format = |p: &f64| x.label(*p);
    let y_format = |p: &f64| y.label(*p);
    let mut mesh = chart.configure_mesh();
    mesh.label_style(text(LABEL_SIZE))
        .axis_desc_style(text(DESC_SIZE))
        .bold_line_style(RGBColor(0xD0, 0xD0, 0xD0))
        .light_line_style(RGBColor(0xEE, 0xEE, 0xEE))
        .y_desc(y.desc.as_str())
        .y_label_formatter(&y_format);
    if options.x_labels {
        mesh.x_desc(x.desc.as_str()).x_label_formatter(&x_format);
    } else {
        mesh.x_label_formatter(&|_| String::new());
    }
    if x.scale == Scale::Categories {
        mesh.disable_x_mesh();
    }
    if y.scale == Scale::Categories {
        mesh.disable_y_mesh();
    }
    mesh.draw().map_err(drawing_error)?;
    Ok(chart)
}

/// `(x, y)` values mapped to plot values, split into runs wherever a value
/// cannot be drawn, so that a gap in the data is a gap in the line.
pub fn segments(x: &Axis, y: &Axis, points: &[(f64, f64)]) -> Vec<Vec<(f64, f64)>> {
    let mut out: Vec<Vec<(f64, f64)>> = Vec::new();
    let mut current = Vec::new();
    for &(a, b) in points {
        match (x.map(a), y.map(b)) {
            (Some(p), Some(q)) => current.push((p, q)),
            _ => {
                if !current.is_empty() {
                    out.push(std::mem::take(&mut current));
                }
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// Draws a line through `points`, with gaps where they cannot be drawn.
pub fn line<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coord>,
    x: &Axis,
    y: &Axis,
    points: &[(f64, f64)],
    style: ShapeStyle,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let runs = segments(x, y, points);
    chart
        .draw_series(runs.into_iter().map(|run| PathElement::new(run, style)))
        .map_err(drawing_error)?;
    Ok(())
}

/// A point marker of the given shape (0 circle, 1 triangle, 2 cross), at
/// plot or pixel coordinates.
pub fn marker<DB: DrawingBackend, C: Clone + 'static>(
    at: C,
    shape: usize,
    style: ShapeStyle,
) -> DynElement<'static, DB, C> {
    match shape % 3 {
        0 => Circle::new(at, 5, style).into_dyn(),
        1 => TriangleMarker::new(at, 7, style).into_dyn(),
        // A cross is all stroke: never a zero-width one.
        _ => Cross::new(
            at,
            5,
            ShapeStyle {
                filled: false,
                stroke_width: style.stroke_width.max(2),
                ..style
            },
        )
        .into_dyn(),
    }
}

/// Shades the band between `lo` and `hi` along `x` (a confidence band);
/// points without both bounds split the band.
pub fn band<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coord>,
    x: &Axis,
    y: &Axis,
    points: &[(f64, f64, f64)],
    colour: RGBColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let mut polygons = Vec::new();
    let mut upper: Vec<(f64, f64)> = Vec::new();
    let mut lower: Vec<(f64, f64)> = Vec::new();
    let mut flush = |upper: &mut Vec<(f64, f64)>, lower: &mut Vec<(f64, f64)>| {
        if upper.len() >= 2 {
            let mut outline = std::mem::take(upper);
            outline.extend(lower.drain(..).rev());
            polygons.push(outline);
        }
        upper.clear();
        lower.clear();
    };
    for &(a, low, high) in points {
        match (x.map(a), y.map_clamped(low), y.map_clamped(high)) {
            (Some(p), Some(l), Some(h)) => {
                upper.push((p, h));
                lower.push((p, l));
            }
            _ => flush(&mut upper, &mut lower),
        }
    }
    flush(&mut upper, &mut lower);
    chart
        .draw_series(
            polygons
                .into_iter()
                .map(|outline| Polygon::new(outline, colour.mix(0.2).filled())),
        )
        .map_err(drawing_error)?;
    Ok(())
}

/// Shades the x range `[from, to]` over the whole height of the panel.
pub fn shade_x<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coord>,
    x: &Axis,
    y: &Axis,
    (from, to): (f64, f64),
    colour: RGBAColor,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    if let (Some(a), Some(b)) = (x.map_clamped(from), x.map_clamped(to))
        && b > a
    {
        chart
            .draw_series(std::iter::once(Rectangle::new(
                [(a, y.lo), (b, y.hi)],
                colour.filled(),
            )))
            .map_err(drawing_error)?;
    }
    Ok(())
}

/// The dashes along `path` [px]: 9 px drawn, 6 px left out.
pub fn dashes(path: &[(i32, i32)]) -> Vec<Vec<(i32, i32)>> {
    const ON: f64 = 9.0;
    const PERIOD: f64 = 15.0;
    let mut out = Vec::new();
    let mut phase = 0.0;
    for pair in path.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (dx, dy) = (f64::from(b.0 - a.0), f64::from(b.1 - a.1));
        let length = dx.hypot(dy);
        if length == 0.0 {
            continue;
        }
        let at = |t: f64| {
            (
                a.0 + (dx * t / length).round() as i32,
                a.1 + (dy * t / length).round() as i32,
            )
        };
        let mut t = 0.0;
        while t < length {
            let into = phase % PERIOD;
            if into < ON {
                let end = (t + ON - into).min(length);
                out.push(vec![at(t), at(end)]);
                phase += end - t;
                t = end;
            } else {
                let end = (t + PERIOD - into).min(length);
                phase += end - t;
                t = end;
            }
        }
    }
    out
}

/// A figure that can be drawn on any plotters backend.
pub trait Figure {
    /// Width and height [px].
    fn size(&self) -> (u32, u32);
    /// Draws the figure on `root` (already filled white).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static;
}

thread_local! {
    /// The pixels of the charts drawn on this thread, one chart at a time:
    /// a buffer of a few megabytes allocated afresh for each chart came
    /// zeroed page by page (a fault for every 4 KiB), then was filled white.
    static PIXELS: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
}

/// Draws `figure` into `dir/stem.png` and `dir/stem.svg`.
pub fn save(figure: &impl Figure, dir: &Path, stem: &str) -> Result<()> {
    save_with_svg_extra(figure, dir, stem, "")
}

/// As [`save`], with `extra` (SVG elements) added at the end of the SVG,
/// above what plotters drew: what only a vector file can carry, such as
/// `<title>`s to hover.
pub fn save_with_svg_extra(
    figure: &impl Figure,
    dir: &Path,
    stem: &str,
    extra: &str,
) -> Result<()> {
    let size = figure.size();
    let png = dir.join(format!("{stem}.png"));
    PIXELS.with_borrow_mut(|pixels| {
        // White: what filling the drawing area with white would write.
        pixels.clear();
        pixels.resize(size.0 as usize * size.1 as usize * 3, 0xff);
        {
            let root =
                WithFonts::raster(BitMapBackend::with_buffer(pixels, size)).into_drawing_area();
            figure.draw(&root)?;
            root.present().map_err(drawing_error)?;
        }
        write_png(&png, size, pixels).map_err(|e| anyhow!("cannot write {}: {e}", png.display()))
    })?;
    let mut svg = String::new();
    {
        let root = WithFonts::vector(SVGBackend::with_string(&mut svg, size)).into_drawing_area();
        root.fill(&WHITE).map_err(drawing_error)?;
        figure.draw(&root)?;
        root.present().map_err(drawing_error)?;
    }
    if let Some(end) = svg.rfind("</svg>") {
        svg.insert_str(end, extra);
    }
    let svg_path = dir.join(format!("{stem}.svg"));
    std::fs::write(&svg_path, svg).map_err(|e| anyhow!("cannot write {}: {e}", svg_path.display()))
}

/// Encodes RGB `pixels` as the PNG file `path`.
///
/// One filter for every row (Paeth) rather than the encoder's default
/// adaptive choice, which filters each row five ways to keep the smallest:
/// encoding took half the fixed cost of a run. Measured on the charts of a
/// one-second M/M/16: 125 million instructions for the whole run instead of
/// 178, files 7% larger (266 KB instead of 249); `Up` alone is cheaper
/// still (105 million) but its files are 2.3 times as large.
fn write_png(path: &Path, (width, height): (u32, u32), pixels: &[u8]) -> Result<()> {
    let file = std::io::BufWriter::new(std::fs::File::create(path)?);
    let mut encoder = png::Encoder::new(file, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_compression(png::Compression::Fast);
    encoder.set_filter(png::FilterType::Paeth);
    encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(pixels)?;
    writer.finish()?;
    Ok(())
}

/// What a legend entry shows beside its label.
#[derive(Clone, Copy, Debug)]
pub enum Sample {
    /// A line (a design's series).
    Line(ShapeStyle),
    /// A filled square (a component's stack, a shaded window).
    Swatch(RGBAColor),
    /// A marker of a [`marker`] shape.
    Marker(usize, ShapeStyle),
    /// A dashed line (an asynchronous link).
    Dashed(ShapeStyle),
}

/// One legend entry.
pub type Key = (String, Sample);

/// The header of every chart: a title, an optional subtitle, and the
/// legend in rows below them, so that it never hides data.
#[derive(Clone, Debug)]
pub struct Header {
    /// The title.
    pub title: String,
    /// Notes under the title (may be empty).
    pub subtitle: String,
    /// The legend entries.
    pub legend: Vec<Key>,
}

const LEGEND_ROW: u32 = 22;

impl Header {
    /// The legend's rows for a chart `width` pixels wide: entries in order,
    /// a row filled before the next begins. Widths are estimated
    /// ([`label_width`]) so the layout needs no font.
    fn rows(&self, width: u32) -> Vec<Vec<(i32, &Key)>> {
        let mut rows: Vec<Vec<(i32, &Key)>> = Vec::new();
        let mut x = 16;
        for key in &self.legend {
            let w = 34 + label_width(&key.0) + 18;
            if rows.is_empty() || (x + w > width as i32 - 16 && x > 16) {
                rows.push(Vec::new());
                x = 16;
            }
            if let Some(row) = rows.last_mut() {
                row.push((x, key));
            }
            x += w;
        }
        rows
    }

    /// The header's height for a chart `width` pixels wide.
    pub fn height(&self, width: u32) -> u32 {
        let text = if self.subtitle.is_empty() { 44 } else { 66 };
        text + LEGEND_ROW * self.rows(width).len() as u32 + 8
    }

    /// Draws the header at the top of `root` and returns the area below it.
    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<DrawingArea<DB, Shift>>
    where
        DB::ErrorType: 'static,
    {
        let width = root.dim_in_pixel().0;
        let (top, body) = root.split_vertically(self.height(width));
        top.draw(&Text::new(
            self.title.clone(),
            (16, 10),
            (FONT, TITLE_SIZE)
                .into_font()
                .style(FontStyle::Bold)
                .color(&BLACK),
        ))
        .map_err(drawing_error)?;
        if !self.subtitle.is_empty() {
            top.draw(&Text::new(
                self.subtitle.clone(),
                (16, 40),
                text(LABEL_SIZE).color(&RGBColor(0x44, 0x44, 0x44)),
            ))
            .map_err(drawing_error)?;
        }
        let first_row = if self.subtitle.is_empty() { 44 } else { 66 };
        for (r, row) in self.rows(width).iter().enumerate() {
            let y = first_row + LEGEND_ROW as i32 * r as i32 + 8;
            for &(x, (label, sample)) in row {
                let sample: DynElement<DB, (i32, i32)> = match *sample {
                    Sample::Line(style) => {
                        PathElement::new(vec![(x, y), (x + 26, y)], style).into_dyn()
                    }
                    Sample::Swatch(colour) => {
                        Rectangle::new([(x + 4, y - 7), (x + 22, y + 7)], colour.filled())
                            .into_dyn()
                    }
                    Sample::Marker(shape, style) => marker((x + 13, y), shape, style),
                    Sample::Dashed(style) => {
                        let mut pieces = dashes(&[(x, y), (x + 26, y)]).into_iter();
                        let first = pieces.next().unwrap_or_default();
                        for dash in pieces {
                            top.draw(&PathElement::new(dash, style))
                                .map_err(drawing_error)?;
                        }
                        PathElement::new(first, style).into_dyn()
                    }
                };
                top.draw(&sample).map_err(drawing_error)?;
                top.draw(&Text::new(label.clone(), (x + 34, y - 8), text(LABEL_SIZE)))
                    .map_err(drawing_error)?;
            }
        }
        Ok(body)
    }
}

/// The legend entries of the designs: each its name and its colour's line.
pub fn design_keys(designs: &[String]) -> Vec<Key> {
    designs
        .iter()
        .enumerate()
        .map(|(i, d)| (d.clone(), Sample::Line(design_colour(i).stroke_width(3))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hangul_label_is_estimated_narrower_than_two_columns() {
        assert_eq!(label_width("p99"), 24);
        assert_eq!(label_width("경보"), 24);
        assert_eq!(label_width("a 경보"), 40);
    }

    #[test]
    fn dashes_cover_three_fifths_of_a_line() {
        let d = dashes(&[(0, 0), (30, 0)]);
        assert_eq!(d, vec![vec![(0, 0), (9, 0)], vec![(15, 0), (24, 0)]]);
    }
}
