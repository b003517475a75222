//! The cost–latency front: the cost per million *successful* requests
//! against the p99 over *all* requests (the failed, lost and pending ranked
//! slowest) of every design and distinct sweep point, means over
//! replications from `summary.csv`. Each design is placed by the latency
//! its users wait for: completion for a design answered before its work is
//! done, response otherwise.
//!
//! A point over its failure budget (the SLO's `error_rate` and `lost`, or
//! more than 1% failed or lost without them) is hollow, labelled with its
//! failure share, and never on the front: a design that fails its slow
//! requests must not look fast. The Pareto-optimal points among the others
//! (no other is both cheaper and faster) are joined.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Axis, Figure, Header, PanelOptions, Sample};
use super::words::{Phrase, Word, say, word};
use super::{Caption, Chart, replications_note, saved};
use crate::output::confidence::mean_ci;
use crate::output::designs::summarise;
use crate::output::folder::OutputFolder;
use crate::output::language::Lang;
use crate::output::slo::failure_share;

/// One design at one distinct sweep point.
#[derive(Clone, Debug, PartialEq)]
struct Point {
    design: usize,
    /// The values of the swept keys that change this design's results
    /// (empty when none do).
    label: String,
    /// The headline p99 over all requests [ms]: infinite once more than
    /// 1% of requests were not served.
    p99_ms: f64,
    /// The monthly bill per million completed requests [USD]: infinite
    /// when none completed.
    cost_per_million: f64,
    /// Failed and lost over requests.
    failure_share: f64,
    /// Within the failure budget: may be on the front.
    within_budget: bool,
    /// The SLO's answer: the cheapest design and point meeting it.
    answer: bool,
}

impl Point {
    /// Both figures finite: the point can be on the front.
    fn drawable(&self) -> bool {
        self.p99_ms.is_finite() && self.cost_per_million.is_finite()
    }

    /// The point's label in `lang`: what varies for its design, and for a
    /// point over its budget, its failure share.
    fn text(&self, lang: Lang) -> String {
        let mut parts = Vec::new();
        if !self.label.is_empty() {
            parts.push(self.label.clone());
        }
        if !self.within_budget && self.failure_share.is_finite() {
            let percent = style::format_number(100.0 * self.failure_share, 1);
            parts.push(say(lang, Phrase::FailedShare(&percent)));
        }
        if self.p99_ms.is_infinite() {
            parts.push("p99 ∞".into());
        }
        if self.cost_per_million.is_infinite() {
            parts.push(word(lang, Word::NoneCompleted).into());
        }
        if self.answer {
            parts.push(word(lang, Word::SlosAnswer).into());
        }
        parts.join(", ")
    }
}

struct FrontFigure {
    header: Header,
    x_desc: &'static str,
    points: Vec<Point>,
    front: Vec<Point>,
    /// The SLO's p99 targets drawn as vertical lines: (target [ms], label).
    slo_lines: Vec<(f64, String)>,
    lang: Lang,
}

/// The mean over replications of a `summary.csv` column: infinite when any
/// replication's value is (a p99 with over 1% not served), NaN without any.
fn mean_of(folder: &OutputFolder, design: usize, point: usize, column: &str) -> f64 {
    let Some(c) = folder.summary.column(column) else {
        return f64::NAN;
    };
    let values: Vec<f64> = folder
        .summary
        .rows_of(design, point)
        .filter_map(|r| r.cells[c].trim().parse::<f64>().ok())
        .filter(|v| !v.is_nan())
        .collect();
    if values.iter().any(|v| v.is_infinite()) {
        return f64::INFINITY;
    }
    mean_ci(&values).0
}

/// Every design at every distinct sweep point: a design's points that
/// differ only in keys that do not reach it are one point.
fn points_of(folder: &OutputFolder) -> Vec<Point> {
    let slo = &folder.manifest.slo;
    // The SLO's answer as the terminal and the report name it.
    let answer: Option<(usize, usize)> = summarise(&folder.dir).ok().and_then(|s| {
        let row = &s.rows[s.answer?];
        let design = folder.designs.iter().position(|d| *d == row.design)?;
        Some((design, folder.point_of(&row.point).unwrap_or(0)))
    });
    let mut points: Vec<Point> = Vec::new();
    for design in 0..folder.designs.len() {
        let axes = folder.varying_axes(design);
        let headline = if folder
            .manifest
            .answers_early
            .contains(&folder.designs[design])
        {
            "completion_p99_all_ms"
        } else {
            "response_p99_all_ms"
        };
        let mut seen: Vec<String> = Vec::new();
        for point in 0..folder.points.len() {
            if folder.summary.rows_of(design, point).next().is_none() {
                continue;
            }
            let label = folder.point_label_of(point, &axes);
            let is_answer = answer
                .is_some_and(|(d, p)| d == design && folder.point_label_of(p, &axes) == label);
            if seen.contains(&label) {
                if is_answer
                    && let Some(p) = points
                        .iter_mut()
                        .rev()
                        .find(|p| p.design == design && p.label == label)
                {
                    p.answer = true;
                }
                continue;
            }
            seen.push(label.clone());
            let mean = |column: &str| mean_of(folder, design, point, column);
            let (requests, failed, lost) = (mean("requests"), mean("failed"), mean("lost"));
            points.push(Point {
                design,
                label,
                p99_ms: mean(headline),
                cost_per_million: mean("cost_per_million_completed_usd"),
                failure_share: failure_share(requests, failed, lost),
                within_budget: slo.within_failure_budget(requests, failed, lost),
                answer: is_answer,
            });
        }
    }
    points.retain(|p| !p.p99_ms.is_nan() && !p.cost_per_million.is_nan());
    points
}

/// Draws the front, its words in `lang` (nothing when no point has both
/// figures).
pub fn draw(folder: &OutputFolder, dir: &Path, lang: Lang) -> Result<Vec<Chart>> {
    let points = points_of(folder);
    if points.is_empty() {
        return Ok(Vec::new());
    }
    let early = |p: &Point| {
        folder
            .manifest
            .answers_early
            .contains(&folder.designs[p.design])
    };
    let (any_response, any_completion) =
        (points.iter().any(|p| !early(p)), points.iter().any(early));
    let x_desc = word(
        lang,
        match (any_response, any_completion) {
            (true, false) => Word::FrontResponseAxis,
            (false, _) => Word::FrontCompletionAxis,
            (true, true) => Word::FrontMixedAxis,
        },
    );
    let slo = &folder.manifest.slo;
    let slo_lines: Vec<(f64, String)> = [
        (slo.response_p99_ms, any_response, false),
        (slo.completion_p99_ms, any_completion, true),
    ]
    .into_iter()
    .filter_map(|(target, on, completion)| {
        let target = target.filter(|_| on)?;
        let bound = Phrase::SloBound {
            completion,
            ms: target,
            whole_window: false,
        };
        Some((target, say(lang, bound)))
    })
    .collect();
    let mut subtitle = vec![replications_note(folder, lang)];
    if folder.has_sweep() {
        subtitle.push(word(lang, Word::SweptLabels).into());
    }
    let budget = style::format_number(100.0 * slo.failure_budget(), 1);
    subtitle.push(say(lang, Phrase::Hollow(&budget)));
    if points.iter().any(|p| !p.drawable()) {
        subtitle.push(word(lang, Word::InfiniteNotServed).into());
    }
    let mut legend: Vec<style::Key> = (0..folder.designs.len())
        .filter(|&d| points.iter().any(|p| p.design == d))
        .map(|d| {
            let colour = style::design_colour(d).filled();
            (folder.designs[d].clone(), Sample::Marker(0, colour))
        })
        .collect();
    let candidates: Vec<Point> = points
        .iter()
        .filter(|p| p.within_budget && p.drawable())
        .cloned()
        .collect();
    if !candidates.is_empty() {
        legend.push((
            word(lang, Word::ParetoOptimal).into(),
            Sample::Line(style::REFERENCE.stroke_width(1)),
        ));
    }
    if points.iter().any(|p| p.answer) {
        legend.push((
            word(lang, Word::AnswerCheapest).into(),
            Sample::Marker(0, style::REFERENCE.stroke_width(2)),
        ));
    }
    for (_, label) in &slo_lines {
        legend.push((label.clone(), Sample::Line(style::LIMIT.stroke_width(2))));
    }
    let figure = FrontFigure {
        header: Header {
            title: say(
                lang,
                Phrase::Title {
                    chart: Word::FrontTitle,
                    scenario: &folder.scenario,
                },
            ),
            subtitle: subtitle.join(" · "),
            legend,
        },
        x_desc,
        front: pareto_front(&candidates),
        points,
        slo_lines,
        lang,
    };
    Ok(vec![saved(
        &figure,
        dir,
        "cost-latency-front".into(),
        Caption::Front,
    )?])
}

/// The points no other point beats on both p99 and cost, by rising p99.
fn pareto_front(points: &[Point]) -> Vec<Point> {
    let mut sorted: Vec<&Point> = points.iter().collect();
    sorted.sort_by(|a, b| {
        a.p99_ms
            .total_cmp(&b.p99_ms)
            .then(a.cost_per_million.total_cmp(&b.cost_per_million))
    });
    let mut front: Vec<Point> = Vec::new();
    for p in sorted {
        if front
            .last()
            .is_none_or(|last| p.cost_per_million < last.cost_per_million)
        {
            front.push(p.clone());
        }
    }
    front
}

/// A label's box in pixels: (left, top, right, bottom).
type Box = (i32, i32, i32, i32);

fn overlaps(a: Box, b: Box) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

/// Where each point's label goes, as an offset from its marker, or `None`
/// when every place tried would overprint a label already placed or a
/// marker (the label is then left out). `at` are the markers' pixels.
fn place_labels(at: &[(i32, i32)], texts: &[String], width: i32) -> Vec<Option<(i32, i32)>> {
    const HEIGHT: i32 = 16;
    let markers: Vec<Box> = at
        .iter()
        .map(|&(x, y)| (x - 7, y - 7, x + 7, y + 7))
        .collect();
    let mut placed: Vec<Box> = Vec::new();
    let mut out = Vec::new();
    for (i, (&(x, y), text)) in at.iter().zip(texts).enumerate() {
        if text.is_empty() {
            out.push(None);
            continue;
        }
        let w = style::label_width(text);
        let tries = [(10, -20), (10, 6), (-10 - w, -20), (-10 - w, 6)];
        let spot = tries.into_iter().find(|&(dx, dy)| {
            let b = (x + dx, y + dy, x + dx + w, y + dy + HEIGHT);
            b.0 >= 0
                && b.2 <= width
                && !placed.iter().any(|&p| overlaps(p, b))
                && !markers
                    .iter()
                    .enumerate()
                    .any(|(j, &m)| j != i && overlaps(m, b))
        });
        if let Some((dx, dy)) = spot {
            placed.push((x + dx, y + dy, x + dx + w, y + dy + HEIGHT));
        }
        out.push(spot);
    }
    out
}

impl Figure for FrontFigure {
    fn size(&self) -> (u32, u32) {
        (1200, self.header.height(1200) + 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = self.header.draw(root)?;
        let finite = |v: &f64| v.is_finite();
        let xs: Vec<f64> = self
            .points
            .iter()
            .map(|p| p.p99_ms)
            .filter(finite)
            .chain(self.slo_lines.iter().map(|l| l.0))
            .collect();
        // An infinite p99 gets a place of its own beyond the finite ones.
        let infinity = self
            .points
            .iter()
            .any(|p| p.p99_ms.is_infinite())
            .then(|| beyond(&xs));
        let lang = self.lang;
        let mut x = Axis::fit(self.x_desc, xs.iter().copied().chain(infinity), 20.0, lang);
        if let Some(inf) = infinity {
            // No number beside the place of infinity.
            let last = xs.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            x = if last.is_finite() {
                x.ticks_up_to((last + inf) / 2.0)
            } else {
                // Every p99 infinite: no number on the axis at all.
                let below = x.value_at(x.lo) - 1.0;
                x.ticks_up_to(below)
            };
        }
        // From zero, so that a 27% gap looks like one; a log scale (said in
        // the label) when the costs span more than 20×.
        let ys = self
            .points
            .iter()
            .map(|p| p.cost_per_million)
            .filter(finite);
        let y = Axis::auto(word(lang, Word::FrontCostAxis), ys, 20.0, lang);
        let mut chart = style::panel(&body, "", &x, &y, PanelOptions::aligned(true, &[&y]))?;
        for (target, _) in &self.slo_lines {
            style::line(
                &mut chart,
                &x,
                &y,
                &[(*target, y.value_at(y.lo)), (*target, y.value_at(y.hi))],
                style::LIMIT.stroke_width(2),
            )?;
        }
        let front: Vec<(f64, f64)> = self
            .front
            .iter()
            .map(|p| (p.p99_ms, p.cost_per_million))
            .collect();
        style::line(&mut chart, &x, &y, &front, style::REFERENCE.stroke_width(1))?;
        if let Some(inf) = infinity {
            style::line(
                &mut chart,
                &x,
                &y,
                &[(inf, y.value_at(y.lo)), (inf, y.value_at(y.hi))],
                style::REFERENCE.mix(0.4).stroke_width(1),
            )?;
            // Named at the foot of its column, clear of the points' labels.
            let foot = (x.map(inf).unwrap_or(x.hi), y.lo);
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at(foot)
                        + Text::new("p99 ∞", (-22, -20), style::text(style::LABEL_SIZE)),
                ))
                .map_err(style::drawing_error)?;
        }
        // An infinite figure is drawn at its own place, never dropped.
        let at = |p: &Point| -> Option<(f64, f64)> {
            let px = if p.p99_ms.is_infinite() {
                infinity.and_then(|v| x.map(v))
            } else {
                x.map(p.p99_ms)
            }?;
            let py = if p.cost_per_million.is_infinite() {
                Some(y.hi)
            } else {
                y.map(p.cost_per_million)
            }?;
            Some((px, py))
        };
        // The answer and the points within budget first, so that their
        // labels win a crowded spot.
        let mut order: Vec<&Point> = self.points.iter().filter(|p| at(p).is_some()).collect();
        order.sort_by_key(|p| (!p.answer, !p.within_budget));
        let pixels: Vec<(i32, i32)> = order
            .iter()
            .filter_map(|p| at(p))
            .map(|c| chart.backend_coord(&c))
            .collect();
        let texts: Vec<String> = order.iter().map(|p| p.text(lang)).collect();
        let width = body.dim_in_pixel().0 as i32 + body.get_base_pixel().0;
        let offsets = place_labels(&pixels, &texts, width);
        let markers: Vec<_> = order
            .iter()
            .filter_map(|p| Some((at(p)?, p)))
            .map(|(c, p)| {
                let colour = style::design_colour(p.design);
                let shape = if p.within_budget {
                    colour.filled()
                } else {
                    colour.stroke_width(2)
                };
                Circle::new(c, 7, shape)
            })
            .collect();
        chart.draw_series(markers).map_err(style::drawing_error)?;
        let rings: Vec<_> = order
            .iter()
            .filter(|p| p.answer)
            .filter_map(|p| at(p))
            .map(|c| Circle::new(c, 12, style::REFERENCE.stroke_width(2)))
            .collect();
        chart.draw_series(rings).map_err(style::drawing_error)?;
        let labels: Vec<_> = order
            .iter()
            .zip(texts)
            .zip(offsets)
            .filter_map(|((p, text), offset)| Some((at(p)?, text, offset?)))
            .map(|(c, text, offset)| {
                EmptyElement::at(c) + Text::new(text, offset, style::text(style::LABEL_SIZE))
            })
            .collect();
        chart.draw_series(labels).map_err(style::drawing_error)?;
        Ok(())
    }
}

/// Where an infinite p99 is drawn: past the largest finite one by a sixth
/// of their span (a factor of two when they span a log axis's decades).
fn beyond(values: &[f64]) -> f64 {
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), &v| {
            (lo.min(v), hi.max(v))
        });
    if !hi.is_finite() {
        1.0
    } else if lo > 0.0 && hi / lo >= 20.0 {
        2.0 * hi
    } else if hi > lo {
        hi + (hi - lo) / 6.0
    } else {
        hi.abs().max(1.0) * 1.2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(p99_ms: f64, cost_per_million: f64) -> Point {
        Point {
            design: 0,
            label: String::new(),
            p99_ms,
            cost_per_million,
            failure_share: 0.0,
            within_budget: true,
            answer: false,
        }
    }

    #[test]
    fn the_front_keeps_only_undominated_points() {
        let points = [
            point(100.0, 5.0),
            point(50.0, 9.0),
            point(80.0, 6.0),
            point(90.0, 7.0),
            point(200.0, 1.0),
        ];
        let front: Vec<(f64, f64)> = pareto_front(&points)
            .iter()
            .map(|p| (p.p99_ms, p.cost_per_million))
            .collect();
        assert_eq!(
            front,
            vec![(50.0, 9.0), (80.0, 6.0), (100.0, 5.0), (200.0, 1.0)]
        );
    }

    #[test]
    fn a_failing_point_says_how_much_failed() {
        let mut p = point(f64::INFINITY, 3.0);
        p.label = "instances=13".into();
        p.failure_share = 0.166_36;
        p.within_budget = false;
        assert_eq!(p.text(Lang::En), "instances=13, 16.6% failed, p99 ∞");
        assert_eq!(p.text(Lang::Ko), "instances=13, 16.6% 실패, p99 ∞");
        assert!(!p.drawable());
        assert_eq!(point(10.0, 1.0).text(Lang::En), "");
    }

    #[test]
    fn labels_never_overprint() {
        // Three points on one spot: the first label goes above right, the
        // second below right, the third to the left; a fourth has no room.
        let at = [(500, 300); 5];
        let texts: Vec<String> = (0..5).map(|i| format!("point {i}")).collect();
        let spots = place_labels(&at, &texts, 1200);
        assert_eq!(spots[0], Some((10, -20)));
        assert_eq!(spots[1], Some((10, 6)));
        assert_eq!(spots[2], Some((-10 - 56, -20)));
        assert_eq!(spots[3], Some((-10 - 56, 6)));
        assert_eq!(spots[4], None);
        // Far apart, each its first choice.
        let spots = place_labels(&[(100, 100), (600, 400)], &texts[..2], 1200);
        assert!(spots.iter().all(|s| *s == Some((10, -20))));
    }
}
