//! Sweeps: each metric against a swept value, one line per design with its
//! 95% confidence band over replications, from `summary.csv`. One chart per
//! swept key; with several keys, each combination of the other keys' values
//! is a line of its own (same colour, another marker).

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Axis, Figure, Header, PanelOptions, Sample};
use super::words::{Phrase, Word, say, word};
use super::{Caption, Chart, saved, slug};
use crate::output::confidence::mean_ci;
use crate::output::folder::{OutputFolder, Row, Table, parse_number, short_key, short_value};
use crate::output::language::Lang;

/// A metric of one `summary.csv` row.
struct Metric {
    title: Word,
    unit: Word,
    /// Latencies may span orders of magnitude: a log axis then.
    latency: bool,
    /// The value of a row of a design answered before its work is done
    /// (`true`) or not.
    value: fn(&Table, &Row, bool) -> Option<f64>,
}

fn cell(table: &Table, row: &Row, name: &str) -> Option<f64> {
    table.column(name).and_then(|c| parse_number(&row.cells[c]))
}

/// A cell that may be infinite (a p99 over all requests once more than 1%
/// were not served).
fn cell_or_infinite(table: &Table, row: &Row, name: &str) -> Option<f64> {
    let c = table.column(name)?;
    row.cells[c]
        .trim()
        .parse::<f64>()
        .ok()
        .filter(|v| !v.is_nan())
}

/// The panel of the p99 over all requests, which the SLO line marks.
const P99_PANEL: usize = 1;
/// The panel of lost requests, drawn only when some were lost.
const LOST_PANEL: usize = 3;

/// `part` as a percentage of `requests`.
fn share(table: &Table, row: &Row, part: &str) -> Option<f64> {
    let requests = cell(table, row, "requests")?;
    (requests > 0.0).then(|| 100.0 * cell(table, row, part).unwrap_or(0.0) / requests)
}

const METRICS: [Metric; 6] = [
    Metric {
        title: Word::MedianResponse,
        unit: Word::P50Ms,
        latency: true,
        value: |t, r, _| cell(t, r, "response_p50_ms"),
    },
    Metric {
        title: Word::P99AllRequests,
        unit: Word::P99Ms,
        latency: true,
        value: |t, r, early| {
            let column = if early {
                "completion_p99_all_ms"
            } else {
                "response_p99_all_ms"
            };
            cell_or_infinite(t, r, column)
        },
    },
    Metric {
        title: Word::FailedRequests,
        unit: Word::FailedPercent,
        latency: false,
        value: |t, r, _| share(t, r, "failed"),
    },
    Metric {
        title: Word::LostRequests,
        unit: Word::LostPercent,
        latency: false,
        value: |t, r, _| share(t, r, "lost"),
    },
    Metric {
        title: Word::Throughput,
        unit: Word::CompletedPerS,
        latency: false,
        value: |t, r, _| cell(t, r, "throughput_rps"),
    },
    Metric {
        title: Word::CostPerMillion,
        unit: Word::UsdPerMillion,
        latency: false,
        value: |t, r, _| cell(t, r, "cost_per_million_usd"),
    },
];

/// One line: a design at one combination of the other axes' values.
struct Line {
    design: usize,
    label: String,
    marker: usize,
    /// Per metric: (x, mean, low, high) per sweep value.
    metrics: Vec<Vec<(f64, f64, f64, f64)>>,
}

struct SweepFigure {
    header: Header,
    x: Axis,
    /// The SLO's p99 targets drawn on the p99 panel [ms].
    slo_lines: Vec<f64>,
    /// Indices into [`METRICS`] of the panels drawn.
    panels: Vec<usize>,
    lines: Vec<Line>,
    lang: Lang,
}

/// Draws one chart per swept key, its words in `lang`.
pub fn draw(folder: &OutputFolder, dir: &Path, lang: Lang) -> Result<Vec<Chart>> {
    let mut charts = Vec::new();
    for (axis, key) in folder.axes.iter().enumerate() {
        let figure = figure_for(folder, axis, key, lang);
        let stem = format!("sweep-{}", slug(key));
        charts.push(saved(
            &figure,
            dir,
            stem,
            Caption::Sweep { key: key.clone() },
        )?);
    }
    Ok(charts)
}

fn figure_for(folder: &OutputFolder, axis: usize, key: &str, lang: Lang) -> SweepFigure {
    let raw: Vec<&str> = folder.points.iter().map(|p| p[axis].as_str()).collect();
    let numbers: Option<Vec<f64>> = raw.iter().map(|v| parse_number(v)).collect();
    // Numeric values on a numeric axis; anything else as categories in
    // their sweep order.
    let mut categories: Vec<String> = Vec::new();
    for v in &raw {
        if !categories.iter().any(|c| c == v) {
            categories.push((*v).to_string());
        }
    }
    let (x, position): (Axis, Vec<f64>) = match numbers {
        Some(numbers) => (Axis::fit(key, numbers.iter().copied(), 50.0, lang), numbers),
        None => (
            Axis::categories(key, categories.iter().map(|c| short_value(c)).collect()),
            raw.iter()
                .map(|v| categories.iter().position(|c| c == v).unwrap_or(0) as f64)
                .collect(),
        ),
    };
    let others = |point: usize| -> Vec<String> {
        folder
            .axes
            .iter()
            .zip(&folder.points[point])
            .enumerate()
            .filter(|(a, _)| *a != axis)
            .map(|(_, (k, v))| format!("{}={}", short_key(k), short_value(v)))
            .collect()
    };
    let mut combinations: Vec<Vec<String>> = Vec::new();
    for point in 0..folder.points.len() {
        let o = others(point);
        if !combinations.contains(&o) {
            combinations.push(o);
        }
    }
    let mut lines = Vec::new();
    for design in 0..folder.designs.len() {
        let early = folder
            .manifest
            .answers_early
            .contains(&folder.designs[design]);
        for (marker, combination) in combinations.iter().enumerate() {
            let points: Vec<usize> = (0..folder.points.len())
                .filter(|&p| others(p) == *combination)
                .collect();
            let metrics = METRICS
                .iter()
                .map(|m| {
                    points
                        .iter()
                        .map(|&p| {
                            let values: Vec<f64> = folder
                                .summary
                                .rows_of(design, p)
                                .filter_map(|r| (m.value)(&folder.summary, r, early))
                                .collect();
                            // One infinite replication makes the mean
                            // infinite, drawn at the panel's top.
                            if values.iter().any(|v| v.is_infinite()) {
                                return (position[p], f64::INFINITY, f64::NAN, f64::NAN);
                            }
                            let (mean, half) = mean_ci(&values);
                            (position[p], mean, mean - half, mean + half)
                        })
                        .collect()
                })
                .collect();
            let label = if combination.is_empty() {
                folder.designs[design].clone()
            } else {
                format!("{} ({})", folder.designs[design], combination.join(", "))
            };
            lines.push(Line {
                design,
                label,
                marker,
                metrics,
            });
        }
    }
    // Losses get a panel only when there are some.
    let panels = (0..METRICS.len())
        .filter(|&m| {
            let values = || lines.iter().flat_map(|l| l.metrics[m].iter().map(|p| p.1));
            values().any(|v| !v.is_nan()) && (m != LOST_PANEL || values().any(|v| v > 0.0))
        })
        .collect();
    let mut legend: Vec<style::Key> = lines
        .iter()
        .map(|l| {
            let colour = style::design_colour(l.design);
            let sample = if combinations.len() == 1 {
                Sample::Line(colour.stroke_width(3))
            } else {
                Sample::Marker(l.marker, colour.filled())
            };
            (l.label.clone(), sample)
        })
        .collect();
    let early = |d: usize| folder.manifest.answers_early.contains(&folder.designs[d]);
    let designs = 0..folder.designs.len();
    let (any_response, any_completion) = (
        designs.clone().any(|d| !early(d)),
        designs.clone().any(early),
    );
    let slo = &folder.manifest.slo;
    let mut slo_lines = Vec::new();
    for (target, on, completion) in [
        (slo.response_p99_ms, any_response, false),
        (slo.completion_p99_ms, any_completion, true),
    ] {
        if let Some(target) = target.filter(|_| on) {
            slo_lines.push(target);
            let bound = Phrase::SloBound {
                completion,
                ms: target,
                whole_window: false,
            };
            legend.push((say(lang, bound), Sample::Line(style::LIMIT.stroke_width(2))));
        }
    }
    let mut subtitle = vec![word(lang, Word::ConfidenceNote)];
    if any_completion {
        subtitle.push(word(lang, Word::CompletionNote));
    }
    let infinite = lines
        .iter()
        .any(|l| l.metrics[P99_PANEL].iter().any(|p| p.1.is_infinite()));
    if infinite {
        subtitle.push(word(lang, Word::HollowTop));
    }
    SweepFigure {
        header: Header {
            title: say(
                lang,
                Phrase::Against {
                    key,
                    scenario: &folder.scenario,
                },
            ),
            subtitle: subtitle.join("; "),
            legend,
        },
        x,
        slo_lines,
        panels,
        lines,
        lang,
    }
}

const PANEL_WIDTH: u32 = 600;
const PANEL_HEIGHT: u32 = 330;

impl Figure for SweepFigure {
    fn size(&self) -> (u32, u32) {
        let rows = self.panels.len().div_ceil(2).max(1) as u32;
        (
            2 * PANEL_WIDTH,
            self.header.height(2 * PANEL_WIDTH) + rows * PANEL_HEIGHT,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = self.header.draw(root)?;
        let rows = self.panels.len().div_ceil(2).max(1);
        let areas = body.split_evenly((rows, 2));
        let ys: Vec<Axis> = self
            .panels
            .iter()
            .map(|&m| {
                let metric = &METRICS[m];
                let targets = if m == P99_PANEL {
                    self.slo_lines.clone()
                } else {
                    Vec::new()
                };
                let values = self
                    .lines
                    .iter()
                    .flat_map(|l| l.metrics[m].iter().flat_map(|p| [p.1, p.2, p.3]))
                    .filter(|v| v.is_finite())
                    .chain(targets);
                let unit = word(self.lang, metric.unit);
                if metric.latency {
                    Axis::auto(unit, values.filter(|v| *v > 0.0), 100.0, self.lang)
                } else {
                    Axis::from_zero(unit, values)
                }
            })
            .collect();
        let all_ys: Vec<&Axis> = ys.iter().collect();
        for ((&m, area), y) in self.panels.iter().zip(&areas).zip(&ys) {
            let metric = &METRICS[m];
            let mut chart = style::panel(
                area,
                word(self.lang, metric.title),
                &self.x,
                y,
                PanelOptions::aligned(true, &all_ys),
            )?;
            for line in &self.lines {
                let colour = style::design_colour(line.design);
                let data = &line.metrics[m];
                let bounds: Vec<(f64, f64, f64)> = data.iter().map(|p| (p.0, p.2, p.3)).collect();
                style::band(&mut chart, &self.x, y, &bounds, colour)?;
                let means: Vec<(f64, f64)> = data.iter().map(|p| (p.0, p.1)).collect();
                style::line(&mut chart, &self.x, y, &means, colour.stroke_width(2))?;
                let at: Vec<(f64, f64)> = style::segments(&self.x, y, &means).concat();
                chart
                    .draw_series(
                        at.into_iter()
                            .map(|p| style::marker::<DB, _>(p, line.marker, colour.filled())),
                    )
                    .map_err(style::drawing_error)?;
                // An infinite p99 is a hollow marker at the panel's top.
                let top: Vec<(f64, f64)> = data
                    .iter()
                    .filter(|p| p.1.is_infinite())
                    .filter_map(|p| Some((self.x.map(p.0)?, y.hi)))
                    .collect();
                chart
                    .draw_series(
                        top.iter().map(|&p| {
                            style::marker::<DB, _>(p, line.marker, colour.stroke_width(2))
                        }),
                    )
                    .map_err(style::drawing_error)?;
                chart
                    .draw_series(top.iter().map(|&p| {
                        EmptyElement::at(p)
                            + Text::new("∞", (9, -4), style::text(style::LABEL_SIZE).color(&colour))
                    }))
                    .map_err(style::drawing_error)?;
            }
            if m == P99_PANEL {
                for &target in &self.slo_lines {
                    style::line(
                        &mut chart,
                        &self.x,
                        y,
                        &[
                            (self.x.value_at(self.x.lo), target),
                            (self.x.value_at(self.x.hi), target),
                        ],
                        style::LIMIT.stroke_width(2),
                    )?;
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_panels_named_by_index_are_the_ones_meant() {
        assert_eq!(METRICS[P99_PANEL].title, Word::P99AllRequests);
        assert_eq!(METRICS[LOST_PANEL].title, Word::LostRequests);
    }
}
