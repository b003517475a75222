//! The designs drawn as diagrams, one band each in one figure: every
//! component a box tinted by its kind, laid out in columns left to right
//! by its distance from the entry; a synchronous link (`routes`, `calls`)
//! a solid arrow, an asynchronous one (`sends`, `consumer`, `dead_letter`,
//! `subscription`, `on_failure`, an alarm's `watches`, `notifies` and
//! `scales`) a dashed one. Each box carries what
//! `components.csv` measured: utilisation, throughput and errors, the mean
//! over replications. Drawn from the manifest's `topology` (a folder
//! written before it was recorded has no diagram). In the SVG each box and
//! arrow has a `<title>` naming it, for a hover and for tests.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use unicode_width::UnicodeWidthStr;

use super::alarm_lanes;
use super::style::{self, Figure, Header, Sample};
use super::words::{self, Phrase, Word, say, word};
use super::{Caption, Chart, replications_note};
use crate::output::confidence::mean_ci;
use crate::output::folder::OutputFolder;
use crate::output::language::Lang;
use crate::output::manifest::DesignTopology;

/// The chart's file stem.
pub const STEM: &str = "design-diagram";

/// Box height [px]: the name, the kind and two lines of measures.
const BOX_H: i32 = 86;
/// The narrowest box [px]; wider when a name needs it.
const MIN_BOX_W: i32 = 190;
/// Space between columns [px]: routed arrows run down it.
const COL_GAP: i32 = 84;
/// Space between boxes of a column [px].
const ROW_GAP: i32 = 22;
/// The design's name above its boxes [px].
const BAND_TITLE: i32 = 36;
/// Height of one lane under the boxes, for an arrow that does not go to
/// the next column [px].
const LANE: i32 = 20;
/// Space after a band [px].
const BAND_GAP: i32 = 26;
/// Left and right margins [px].
const MARGIN: i32 = 24;
/// Space between bands side by side [px].
const SIDE_GAP: i32 = 80;

/// The kinds, in the order their colours and legend entries take.
const KINDS: [&str; 10] = [
    "load_balancer",
    "api_gateway",
    "ec2",
    "fargate",
    "lambda",
    "queue",
    "topic",
    "database",
    "alarm",
    "db_proxy",
];

/// The kinds whose `utilization` is busy capacity over capacity (a queue,
/// a topic or a router has none to speak of; a database proxy's is its
/// connections borrowed over its connections).
const BUSY_KINDS: [&str; 5] = ["ec2", "fargate", "lambda", "database", "db_proxy"];

/// The colour of a kind's boxes.
fn kind_colour(kind: &str) -> RGBColor {
    style::component_colour(KINDS.iter().position(|k| *k == kind).unwrap_or(KINDS.len()))
}

/// One line of measures in a box.
struct Measure {
    text: String,
    /// Errors were counted: the line is red.
    alert: bool,
}

/// One component's box.
struct Node {
    name: String,
    /// Its kind as the scenario names it (the SVG's hover title).
    kind: String,
    /// Its kind as the box writes it, in the chart's language.
    kind_text: String,
    /// The measures, one line each.
    measures: Vec<Measure>,
    /// Its column: the distance from the entry.
    layer: usize,
    /// Top-left corner [px of the figure].
    at: (i32, i32),
}

/// One link's arrow.
struct Arrow {
    from: usize,
    to: usize,
    /// Its kind as the manifest names it (the SVG's hover title).
    kind: String,
    /// Its kind as written along a lane, in the chart's language.
    kind_text: String,
    synchronous: bool,
    /// The polyline [px of the figure], ending at the arrowhead's tip.
    path: Vec<(i32, i32)>,
    /// Where its kind is written, for an arrow along a lane.
    label: Option<(i32, i32)>,
}

/// One design's band.
struct Band {
    design: String,
    /// What became of the design's requests ("61.7% of requests not
    /// completed"): a failure a client saw (a timeout) is in no box.
    outcome: String,
    colour: RGBColor,
    /// Left of the band [px of the figure].
    left: i32,
    /// Top of the band [px of the figure].
    top: i32,
    nodes: Vec<Node>,
    arrows: Vec<Arrow>,
}

struct DiagramFigure {
    header: Header,
    width: u32,
    height: u32,
    box_w: i32,
    bands: Vec<Band>,
}

/// Draws the diagram of every design the manifest has a topology for, its
/// words in `lang` (nothing when it has none).
pub fn draw(folder: &OutputFolder, dir: &Path, lang: Lang) -> Result<Vec<Chart>> {
    let topologies = &folder.manifest.topology;
    if topologies.is_empty() {
        return Ok(Vec::new());
    }
    // With a sweep, the measures are those of the last point.
    let point = folder.points.len().saturating_sub(1);
    let longest_name = topologies
        .iter()
        .flat_map(|t| &t.components)
        .map(|c| c.name.width())
        .max()
        .unwrap_or(0) as i32;
    let box_w = MIN_BOX_W.max(9 * longest_name + 24);
    let header = header(folder, point, topologies, lang);
    let mut bands = Vec::new();
    for (d, design) in folder.designs.iter().enumerate() {
        let Some(topology) = topologies.iter().find(|t| &t.design == design) else {
            continue;
        };
        bands.push(lay_out(folder, d, point, topology, 0, box_w, lang));
    }
    if bands.is_empty() {
        return Ok(Vec::new());
    }
    let widest = bands
        .iter()
        .map(|b| band_width(b, box_w))
        .max()
        .unwrap_or(0);
    let width = (widest + MARGIN).max(1200);
    // Bands side by side while they fit in the width, else on the next row.
    let mut row_top = header.height(width as u32) as i32;
    let (mut x, mut row_h) = (0, 0);
    for band in &mut bands {
        let w = band_width(band, box_w) - MARGIN;
        if x > 0 && MARGIN + x + w > width - MARGIN {
            row_top += row_h;
            (x, row_h) = (0, 0);
        }
        row_h = row_h.max(band_height(band));
        shift_band(band, x, row_top);
        x += w + SIDE_GAP;
    }
    let top = row_top + row_h;
    let figure = DiagramFigure {
        header,
        width: width as u32,
        height: top as u32,
        box_w,
        bands,
    };
    style::save_with_svg_extra(&figure, dir, STEM, &figure.titles())?;
    Ok(vec![Chart {
        stem: STEM.to_string(),
        caption: Caption::Diagram {
            point: if folder.has_sweep() {
                folder.point_label(point)
            } else {
                String::new()
            },
        },
    }])
}

/// The title, the subtitle saying what the numbers are, and the legend:
/// the two arrows and the kinds present, in `lang`.
fn header(
    folder: &OutputFolder,
    point: usize,
    topologies: &[DesignTopology],
    lang: Lang,
) -> Header {
    let mut legend = vec![
        (
            word(lang, Word::Synchronous).to_string(),
            Sample::Line(style::REFERENCE.stroke_width(2)),
        ),
        (
            word(lang, Word::Asynchronous).to_string(),
            Sample::Dashed(RGBColor(0x80, 0x80, 0x80).stroke_width(2)),
        ),
    ];
    let present = |k: &str| {
        topologies
            .iter()
            .any(|t| t.components.iter().any(|c| c.kind == k))
    };
    for kind in KINDS.iter().filter(|k| present(k)) {
        legend.push((
            words::component_kind(lang, kind).into_owned(),
            Sample::Swatch(kind_colour(kind).to_rgba()),
        ));
    }
    let at = if folder.has_sweep() {
        folder.point_label(point)
    } else {
        String::new()
    };
    let note = Phrase::DiagramNote {
        replications: &replications_note(folder, lang),
        point: &at,
    };
    Header {
        title: say(
            lang,
            Phrase::Title {
                chart: Word::DiagramTitle,
                scenario: &folder.scenario,
            },
        ),
        subtitle: say(lang, note),
        legend,
    }
}

/// Each component's column: its distance from the entry along the links
/// (breadth first, in the scenario's order); a component the entry does not
/// reach goes one column after the furthest component linking to it.
fn layers(topology: &DesignTopology) -> Vec<usize> {
    let n = topology.components.len();
    let index = |name: &str| topology.components.iter().position(|c| c.name == name);
    let links: Vec<(usize, usize)> = topology
        .links
        .iter()
        .filter_map(|l| Some((index(&l.from)?, index(&l.to)?)))
        .collect();
    let mut layer: Vec<Option<usize>> = vec![None; n];
    let mut start = index(&topology.entry);
    while let Some(s) = start {
        if layer[s].is_none() {
            let feeding = links
                .iter()
                .filter(|(a, b)| *b == s && layer[*a].is_some())
                .filter_map(|(a, _)| layer[*a])
                .max();
            layer[s] = Some(feeding.map_or(0, |l| l + 1));
            let mut queue = VecDeque::from([s]);
            while let Some(a) = queue.pop_front() {
                for &(_, b) in links.iter().filter(|(from, _)| *from == a) {
                    if layer[b].is_none() {
                        layer[b] = Some(layer[a].unwrap_or(0) + 1);
                        queue.push_back(b);
                    }
                }
            }
        }
        start = layer.iter().position(Option::is_none);
    }
    layer.into_iter().map(|l| l.unwrap_or(0)).collect()
}

/// The mean of `column` over the replications of `name` in `design` at
/// `point`, when `components.csv` has it.
fn mean_of(
    folder: &OutputFolder,
    design: usize,
    point: usize,
    name: &str,
    column: &str,
) -> Option<f64> {
    let table = &folder.components;
    let (name_col, col) = (table.column("component")?, table.column(column)?);
    let values: Vec<f64> = table
        .rows_of(design, point)
        .filter(|r| r.cells[name_col] == name)
        .filter_map(|r| crate::output::folder::parse_number(&r.cells[col]))
        .collect();
    if values.is_empty() {
        None
    } else {
        Some(mean_ci(&values).0)
    }
}

/// A component's measures as the box shows them in `lang`: "62% busy ·
/// 41.5/s" and "errors 12" (empty when `components.csv` has no row of
/// it); an alarm's, "into ALARM 2× in the run" (from `alarms.csv`).
fn measures(
    folder: &OutputFolder,
    design: usize,
    point: usize,
    name: &str,
    kind: &str,
    lang: Lang,
) -> Vec<Measure> {
    if kind == "alarm" {
        // An alarm handles no calls: its box says how often it fired.
        return alarm_lanes::times_into_alarm(folder, design, point, name)
            .map(|times| {
                let decimals = if times.fract() == 0.0 { 0 } else { 1 };
                Measure {
                    text: say(
                        lang,
                        Phrase::IntoAlarm(&style::format_number(times, decimals)),
                    ),
                    alert: false,
                }
            })
            .into_iter()
            .collect();
    }
    let handled = mean_of(folder, design, point, name, "handled");
    let errors = mean_of(folder, design, point, name, "errors");
    let window = folder.manifest.window_s;
    let mut first = Vec::new();
    if BUSY_KINDS.contains(&kind)
        && let Some(u) = mean_of(folder, design, point, name, "utilization")
    {
        let percent = style::format_number(u * 100.0, 0);
        first.push(say(lang, Phrase::Busy(&percent)));
    }
    if let Some(h) = handled
        && window > 0.0
    {
        first.push(format!("{}/s", rate(h / window)));
    }
    let mut lines = Vec::new();
    if !first.is_empty() {
        lines.push(Measure {
            text: first.join(" · "),
            alert: false,
        });
    }
    if let Some(e) = errors {
        let count = style::format_number(e, if e < 10.0 && e.fract() != 0.0 { 1 } else { 0 });
        lines.push(Measure {
            // Red whenever any error was counted, even a mean written
            // "0.0".
            alert: count != "0",
            text: say(lang, Phrase::Errors(&count)),
        });
    }
    lines
}

/// The share of the design's requests (all replications at `point`) that
/// did not complete, as the band's title says it in `lang`: a design whose
/// clients time out shows no error in any box, and must not look healthy.
fn outcome(folder: &OutputFolder, design: usize, point: usize, lang: Lang) -> String {
    let table = &folder.summary;
    let sum = |column: &str| -> f64 {
        table.column(column).map_or(0.0, |c| {
            table
                .rows_of(design, point)
                .filter_map(|r| crate::output::folder::parse_number(&r.cells[c]))
                .sum()
        })
    };
    let requests = sum("requests");
    if requests <= 0.0 {
        return word(lang, Word::NoRequest).to_string();
    }
    let not_completed = sum("failed") + sum("lost") + sum("pending");
    if not_completed == 0.0 {
        return word(lang, Word::EveryRequestCompleted).to_string();
    }
    let share = 100.0 * not_completed / requests;
    let decimals = if share >= 10.0 { 1 } else { 2 };
    let percent = style::format_number(share, decimals);
    say(lang, Phrase::NotCompleted(&percent))
}

/// A rate with three significant figures at most: "1,234", "41.5", "0.52".
fn rate(v: f64) -> String {
    let decimals = if v >= 100.0 || v == 0.0 {
        0
    } else if v >= 10.0 {
        1
    } else {
        2
    };
    style::format_number(v, decimals)
}

/// The boxes and arrows of design number `design`, its band starting at
/// `top`, their words in `lang`.
fn lay_out(
    folder: &OutputFolder,
    design: usize,
    point: usize,
    topology: &DesignTopology,
    top: i32,
    box_w: i32,
    lang: Lang,
) -> Band {
    let layer = layers(topology);
    let columns = layer.iter().max().map_or(0, |m| m + 1);
    let mut column_of: Vec<Vec<usize>> = vec![Vec::new(); columns];
    // The order within a column: the order the breadth-first walk would
    // meet them, approximated by the scenario's order of the links.
    let mut order: Vec<usize> = Vec::new();
    let index = |name: &str| topology.components.iter().position(|c| c.name == name);
    if let Some(e) = index(&topology.entry) {
        order.push(e);
    }
    for link in &topology.links {
        for i in [index(&link.from), index(&link.to)].into_iter().flatten() {
            if !order.contains(&i) {
                order.push(i);
            }
        }
    }
    for i in 0..topology.components.len() {
        if !order.contains(&i) {
            order.push(i);
        }
    }
    for &i in &order {
        column_of[layer[i]].push(i);
    }
    let rows = column_of.iter().map(Vec::len).max().unwrap_or(0) as i32;
    let boxes_h = rows * (BOX_H + ROW_GAP) - ROW_GAP;
    let boxes_top = top + BAND_TITLE;
    let mut at = vec![(0, 0); topology.components.len()];
    for (c, members) in column_of.iter().enumerate() {
        let column_h = members.len() as i32 * (BOX_H + ROW_GAP) - ROW_GAP;
        let first = boxes_top + (boxes_h - column_h) / 2;
        for (r, &i) in members.iter().enumerate() {
            at[i] = (
                MARGIN + c as i32 * (box_w + COL_GAP),
                first + r as i32 * (BOX_H + ROW_GAP),
            );
        }
    }
    let nodes: Vec<Node> = topology
        .components
        .iter()
        .enumerate()
        .map(|(i, c)| Node {
            name: c.name.clone(),
            kind: c.kind.clone(),
            kind_text: words::component_kind(lang, &c.kind).into_owned(),
            measures: measures(folder, design, point, &c.name, &c.kind, lang),
            layer: layer[i],
            at: at[i],
        })
        .collect();
    let mut arrows = Vec::new();
    let mut lanes = 0;
    for link in &topology.links {
        let (Some(from), Some(to)) = (index(&link.from), index(&link.to)) else {
            continue;
        };
        let (a, b) = (&nodes[from], &nodes[to]);
        let start = (a.at.0 + box_w, a.at.1 + BOX_H / 2);
        let end = (b.at.0, b.at.1 + BOX_H / 2);
        let (path, label) = if b.layer == a.layer + 1 {
            (vec![start, end], None)
        } else {
            // Down the gap after the sender, along a lane under the boxes,
            // up the gap before the receiver: it crosses no box.
            let lane_y = boxes_top + boxes_h + 14 + lanes * LANE;
            let jog = 12 + (lanes * 10) % (COL_GAP / 2 - 12);
            lanes += 1;
            let out_x = start.0 + jog;
            let in_x = end.0 - jog;
            (
                vec![
                    start,
                    (out_x, start.1),
                    (out_x, lane_y),
                    (in_x, lane_y),
                    (in_x, end.1),
                    end,
                ],
                Some((out_x.min(in_x) + 6, lane_y - 2)),
            )
        };
        arrows.push(Arrow {
            from,
            to,
            kind: link.kind.clone(),
            kind_text: words::link_kind(lang, &link.kind).into_owned(),
            synchronous: link.is_synchronous(),
            path,
            label,
        });
    }
    Band {
        design: topology.design.clone(),
        outcome: outcome(folder, design, point, lang),
        colour: style::design_colour(design),
        left: MARGIN,
        top,
        nodes,
        arrows,
    }
}

/// The right edge of a band's boxes [px].
fn band_width(band: &Band, box_w: i32) -> i32 {
    band.nodes.iter().map(|n| n.at.0 + box_w).max().unwrap_or(0)
}

/// A band's height, from its top to the next band's [px].
fn band_height(band: &Band) -> i32 {
    let boxes_bottom = band
        .nodes
        .iter()
        .map(|n| n.at.1 + BOX_H)
        .max()
        .unwrap_or(band.top);
    let lanes_bottom = band
        .arrows
        .iter()
        .flat_map(|a| a.path.iter().map(|p| p.1))
        .max()
        .unwrap_or(boxes_bottom);
    boxes_bottom.max(lanes_bottom + 8) - band.top + BAND_GAP
}

/// Moves a band right by `dx` and down by `dy` [px].
fn shift_band(band: &mut Band, dx: i32, dy: i32) {
    band.left += dx;
    band.top += dy;
    for node in &mut band.nodes {
        node.at.0 += dx;
        node.at.1 += dy;
    }
    for arrow in &mut band.arrows {
        for p in &mut arrow.path {
            p.0 += dx;
            p.1 += dy;
        }
        if let Some(l) = &mut arrow.label {
            l.0 += dx;
            l.1 += dy;
        }
    }
}

/// `text` safe inside an SVG element.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

impl DiagramFigure {
    /// The SVG's named hover targets: a transparent rectangle over each box
    /// titled with the component, and a wide transparent line along each
    /// arrow titled "from -> to (kind)", each in its design's group.
    fn titles(&self) -> String {
        let mut out = String::new();
        for band in &self.bands {
            let _ = writeln!(out, "<g><title>{}</title>", escape(&band.design));
            for node in &band.nodes {
                let _ = writeln!(
                    out,
                    "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{BOX_H}\" fill=\"transparent\"><title>{} ({})</title></rect>",
                    node.at.0,
                    node.at.1,
                    self.box_w,
                    escape(&node.name),
                    escape(&node.kind)
                );
            }
            for arrow in &band.arrows {
                let points: Vec<String> =
                    arrow.path.iter().map(|(x, y)| format!("{x},{y}")).collect();
                let _ = writeln!(
                    out,
                    "<polyline points=\"{}\" fill=\"none\" stroke=\"transparent\" stroke-width=\"10\"><title>{} -&gt; {} ({})</title></polyline>",
                    points.join(" "),
                    escape(&band.nodes[arrow.from].name),
                    escape(&band.nodes[arrow.to].name),
                    escape(&arrow.kind)
                );
            }
            out.push_str("</g>\n");
        }
        out
    }
}

impl Figure for DiagramFigure {
    fn size(&self) -> (u32, u32) {
        (self.width, self.height)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        self.header.draw(root)?;
        let grey = RGBColor(0x55, 0x55, 0x55);
        for band in &self.bands {
            root.draw(&Text::new(
                band.design.clone(),
                (band.left, band.top + 6),
                (style::FONT, style::PANEL_TITLE_SIZE)
                    .into_font()
                    .style(FontStyle::Bold)
                    .color(&band.colour),
            ))
            .map_err(style::drawing_error)?;
            if !band.outcome.is_empty() {
                let name_w = (band.design.width() as i32 + 2) * 10;
                root.draw(&Text::new(
                    format!("· {}", band.outcome),
                    (band.left + name_w, band.top + 8),
                    (style::FONT, style::LABEL_SIZE).into_font().color(&grey),
                ))
                .map_err(style::drawing_error)?;
            }
            for arrow in &band.arrows {
                let colour = if arrow.synchronous {
                    style::REFERENCE
                } else {
                    RGBColor(0x80, 0x80, 0x80)
                };
                let stroke = colour.stroke_width(2);
                // The line stops short of the tip, under the arrowhead.
                let n = arrow.path.len();
                let tip = arrow.path[n - 1];
                let before = arrow.path[n - 2];
                let (dx, dy) = (f64::from(tip.0 - before.0), f64::from(tip.1 - before.1));
                let length = dx.hypot(dy).max(1.0);
                let (ux, uy) = (dx / length, dy / length);
                let back = |d: f64| {
                    (
                        tip.0 - (ux * d).round() as i32,
                        tip.1 - (uy * d).round() as i32,
                    )
                };
                let mut line = arrow.path.clone();
                line[n - 1] = back(8.0);
                let pieces = if arrow.synchronous {
                    vec![line]
                } else {
                    style::dashes(&line)
                };
                for piece in pieces {
                    root.draw(&PathElement::new(piece, stroke))
                        .map_err(style::drawing_error)?;
                }
                let base = back(11.0);
                let (px, py) = ((-uy * 5.0).round() as i32, (ux * 5.0).round() as i32);
                root.draw(&Polygon::new(
                    vec![tip, (base.0 + px, base.1 + py), (base.0 - px, base.1 - py)],
                    colour.filled(),
                ))
                .map_err(style::drawing_error)?;
                if let Some(at) = arrow.label {
                    root.draw(&Text::new(
                        arrow.kind_text.clone(),
                        at,
                        style::text(12)
                            .color(&grey)
                            .pos(Pos::new(HPos::Left, VPos::Bottom)),
                    ))
                    .map_err(style::drawing_error)?;
                }
            }
            for node in &band.nodes {
                let (x, y) = node.at;
                let colour = kind_colour(&node.kind);
                root.draw(&Rectangle::new(
                    [(x, y), (x + self.box_w, y + BOX_H)],
                    colour.mix(0.22).filled(),
                ))
                .map_err(style::drawing_error)?;
                root.draw(&Rectangle::new(
                    [(x, y), (x + self.box_w, y + BOX_H)],
                    colour.stroke_width(2),
                ))
                .map_err(style::drawing_error)?;
                let centre = x + self.box_w / 2;
                let centred = |size: u32| style::text(size).pos(Pos::new(HPos::Center, VPos::Top));
                root.draw(&Text::new(
                    node.name.clone(),
                    (centre, y + 7),
                    (style::FONT, 15)
                        .into_font()
                        .style(FontStyle::Bold)
                        .color(&BLACK)
                        .pos(Pos::new(HPos::Center, VPos::Top)),
                ))
                .map_err(style::drawing_error)?;
                root.draw(&Text::new(
                    node.kind_text.clone(),
                    (centre, y + 27),
                    centred(12).color(&grey),
                ))
                .map_err(style::drawing_error)?;
                for (k, measure) in node.measures.iter().enumerate() {
                    let colour = if measure.alert { style::LIMIT } else { BLACK };
                    root.draw(&Text::new(
                        measure.text.clone(),
                        (centre, y + 45 + 18 * k as i32),
                        centred(13).color(&colour),
                    ))
                    .map_err(style::drawing_error)?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::manifest::{TopologyComponent, TopologyLink};

    fn topology(components: &[&str], links: &[(&str, &str, &str)]) -> DesignTopology {
        DesignTopology {
            design: "d".into(),
            entry: components[0].into(),
            components: components
                .iter()
                .map(|c| TopologyComponent {
                    name: c.to_string(),
                    kind: "ec2".into(),
                })
                .collect(),
            links: links
                .iter()
                .map(|(a, b, k)| TopologyLink {
                    from: a.to_string(),
                    to: b.to_string(),
                    kind: k.to_string(),
                })
                .collect(),
        }
    }

    #[test]
    fn columns_count_links_from_the_entry_and_cycles_end() {
        // api → fn → q → fn (a cycle through an on-failure queue), db off fn,
        // and a stray component nothing links to.
        let t = topology(
            &["api", "fn", "q", "db", "stray"],
            &[
                ("api", "fn", "routes"),
                ("fn", "db", "calls"),
                ("fn", "q", "on_failure"),
                ("q", "fn", "consumer"),
            ],
        );
        assert_eq!(layers(&t), vec![0, 1, 2, 2, 0]);
    }

    #[test]
    fn rates_keep_three_figures() {
        assert_eq!(rate(41.54), "41.5");
        assert_eq!(rate(0.523), "0.52");
        assert_eq!(rate(250.4), "250");
    }
}
