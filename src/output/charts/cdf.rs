//! The latency distribution: one CDF per design on a log time axis, p50 and
//! p99 marked, from `latency.csv` (each quantile averaged over replications).

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Axis, Figure, Header, PanelOptions, Sample};
use super::words::{Phrase, Word, say, word};
use super::{Caption, Chart, point_stem, replications_note, saved};
use crate::output::folder::{OutputFolder, Table, parse_number};
use crate::output::language::Lang;

/// One design's curve: (latency [ms], cumulative fraction) points.
struct Curve {
    design: usize,
    points: Vec<(f64, f64)>,
}

impl Curve {
    /// The latency at quantile `q`, if the grid has it.
    fn at(&self, q: f64) -> Option<f64> {
        self.points
            .iter()
            .find(|p| (p.1 - q).abs() < 1e-12)
            .map(|p| p.0)
            .filter(|v| *v > 0.0)
    }
}

struct Panel {
    title: &'static str,
    /// The time axis's description, its log scale said.
    axis: String,
    curves: Vec<Curve>,
}

struct CdfFigure {
    header: Header,
    panels: Vec<Panel>,
    lang: Lang,
}

/// Draws one latency chart per charted sweep point, its words in `lang`.
pub fn draw(folder: &OutputFolder, points: &[usize], dir: &Path, lang: Lang) -> Result<Vec<Chart>> {
    let Some(table) = &folder.latency else {
        return Ok(Vec::new());
    };
    let mut charts = Vec::new();
    for &point in points {
        let response = curves(folder, table, point, "response_ms");
        let completion = curves(folder, table, point, "completion_ms");
        // The time axis is always logarithmic (see `draw_panel`).
        let log_axis = |desc: Word| say(lang, Phrase::LogScale(word(lang, desc)));
        let mut panels = vec![Panel {
            title: word(lang, Word::ResponsePanel),
            axis: log_axis(Word::ResponseTimeMs),
            curves: response,
        }];
        // Completion differs from response only where work goes on after
        // the response (asynchronous sends): draw it only then.
        let differs = panels[0].curves.iter().zip(&completion).any(|(a, b)| {
            a.points
                .iter()
                .zip(&b.points)
                .any(|(p, q)| (p.0 - q.0).abs() > 1e-9 * p.0.abs().max(1.0))
        });
        if differs {
            panels.push(Panel {
                title: word(lang, Word::CompletionPanel),
                axis: log_axis(Word::CompletionTimeMs),
                curves: completion,
            });
        }
        let label = folder.point_label(point);
        let mut legend = style::design_keys(&folder.designs);
        let grey = RGBColor(0x55, 0x55, 0x55).filled();
        legend.push(("p50".into(), Sample::Marker(0, grey)));
        legend.push(("p99".into(), Sample::Marker(1, grey)));
        let figure = CdfFigure {
            header: Header {
                title: say(
                    lang,
                    Phrase::Title {
                        chart: Word::LatencyTitle,
                        scenario: &folder.scenario,
                    },
                ),
                subtitle: [
                    label.as_str(),
                    &replications_note(folder, lang),
                    word(lang, Word::SuccessfulOnly),
                ]
                .iter()
                .filter(|s| !s.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(" · "),
                legend,
            },
            panels,
            lang,
        };
        let stem = point_stem(folder, "latency-cdf", point);
        charts.push(saved(
            &figure,
            dir,
            stem,
            Caption::Latency { point: label },
        )?);
    }
    Ok(charts)
}

/// Each design's curve of column `column` at `point`: the mean over
/// replications of each quantile.
fn curves(folder: &OutputFolder, table: &Table, point: usize, column: &str) -> Vec<Curve> {
    let (Some(q_col), Some(v_col)) = (table.column("quantile"), table.column(column)) else {
        return Vec::new();
    };
    (0..folder.designs.len())
        .map(|design| {
            // (quantile, sum, count), in the file's (ascending) order.
            let mut sums: Vec<(f64, f64, u32)> = Vec::new();
            for row in table.rows_of(design, point) {
                let (Some(q), Some(v)) = (
                    parse_number(&row.cells[q_col]),
                    parse_number(&row.cells[v_col]),
                ) else {
                    continue;
                };
                match sums.iter_mut().find(|s| s.0 == q) {
                    Some(s) => {
                        s.1 += v;
                        s.2 += 1;
                    }
                    None => sums.push((q, v, 1)),
                }
            }
            Curve {
                design,
                points: sums
                    .into_iter()
                    .map(|(q, sum, n)| (sum / f64::from(n), q))
                    .collect(),
            }
        })
        .collect()
}

impl Figure for CdfFigure {
    fn size(&self) -> (u32, u32) {
        (1200, self.header.height(1200) + 520)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = self.header.draw(root)?;
        let areas = body.split_evenly((1, self.panels.len().max(1)));
        for (panel, area) in self.panels.iter().zip(&areas) {
            draw_panel(panel, area, self.lang)?;
        }
        Ok(())
    }
}

fn draw_panel<DB: DrawingBackend>(
    panel: &Panel,
    area: &DrawingArea<DB, Shift>,
    lang: Lang,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let (lo, hi) = style::extent(
        panel
            .curves
            .iter()
            .flat_map(|c| c.points.iter().map(|p| p.0))
            .filter(|v| *v > 0.0),
    );
    let x = Axis::log(&panel.axis, lo, hi);
    let y = Axis::linear(word(lang, Word::FractionOfRequests), 0.0, 1.0, 5);
    let mut chart = style::panel(
        area,
        panel.title,
        &x,
        &y,
        PanelOptions::aligned(true, &[&y]),
    )?;
    for curve in &panel.curves {
        let colour = style::design_colour(curve.design);
        style::line(&mut chart, &x, &y, &curve.points, colour.stroke_width(2))?;
        let markers = [(0.5, 0), (0.99, 1)].into_iter().filter_map(|(q, shape)| {
            let at = x.map(curve.at(q)?)?;
            Some(style::marker::<DB, _>((at, q), shape, colour.filled()))
        });
        chart.draw_series(markers).map_err(style::drawing_error)?;
    }
    Ok(())
}
