//! The cost–latency front: cost per million requests against p99 response
//! time for every design and sweep point (means over replications, from
//! `summary.csv`), the SLO's p99 bound drawn when the manifest has one, and
//! the Pareto-optimal points (no other point is both cheaper and faster)
//! joined.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Axis, Figure, Header, PanelOptions, Sample};
use super::{Caption, Chart, replications_note};
use crate::output::confidence::mean_ci;
use crate::output::folder::{OutputFolder, short_value};

/// One design at one sweep point.
#[derive(Clone, Debug, PartialEq)]
struct Point {
    design: usize,
    /// The sweep values, for the point's label (empty without a sweep).
    label: String,
    p99_ms: f64,
    cost_per_million: f64,
}

struct FrontFigure {
    header: Header,
    points: Vec<Point>,
    front: Vec<Point>,
    slo_p99_ms: Option<f64>,
}

/// Draws the front (nothing when no point has both figures).
pub fn draw(folder: &OutputFolder, dir: &Path) -> Result<Vec<Chart>> {
    let mut points = Vec::new();
    for point in 0..folder.points.len() {
        for design in 0..folder.designs.len() {
            let mean = |column: &str| mean_ci(&folder.summary.numbers(design, point, column)).0;
            let p = Point {
                design,
                label: folder.points[point]
                    .iter()
                    .map(|v| short_value(v))
                    .collect::<Vec<_>>()
                    .join(", "),
                p99_ms: mean("response_p99_ms"),
                cost_per_million: mean("cost_per_million_usd"),
            };
            if p.p99_ms.is_finite() && p.cost_per_million.is_finite() {
                points.push(p);
            }
        }
    }
    if points.is_empty() {
        return Ok(Vec::new());
    }
    let slo_p99_ms = folder.slo_response_p99_ms();
    let mut subtitle = vec![replications_note(folder)];
    if folder.has_sweep() {
        subtitle.push(format!("points labelled with {}", folder.axes.join(", ")));
    }
    if let Some(slo) = slo_p99_ms {
        subtitle.push(format!(
            "hollow: p99 above the SLO's {} ms",
            style::format_number(slo, 0)
        ));
    }
    let mut legend: Vec<style::Key> = (0..folder.designs.len())
        .map(|d| {
            let colour = style::design_colour(d).filled();
            (folder.designs[d].clone(), Sample::Marker(0, colour))
        })
        .collect();
    legend.push((
        "Pareto-optimal".into(),
        Sample::Line(style::REFERENCE.stroke_width(1)),
    ));
    if let Some(slo) = slo_p99_ms {
        legend.push((
            format!("SLO: p99 ≤ {} ms", style::format_number(slo, 0)),
            Sample::Line(style::LIMIT.stroke_width(2)),
        ));
    }
    let figure = FrontFigure {
        header: Header {
            title: format!("Cost against p99 — {}", folder.scenario),
            subtitle: subtitle.join(" · "),
            legend,
        },
        front: pareto_front(&points),
        points,
        slo_p99_ms,
    };
    let stem = "cost-latency-front".to_string();
    style::save(&figure, dir, &stem)?;
    Ok(vec![Chart {
        stem,
        caption: Caption::Front,
    }])
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

impl Figure for FrontFigure {
    fn size(&self) -> (u32, u32) {
        (1200, self.header.height(1200) + 640)
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = self.header.draw(root)?;
        let xs = self.points.iter().map(|p| p.p99_ms).chain(self.slo_p99_ms);
        let x = Axis::fit("p99 response time [ms]", xs, 20.0);
        let ys = self.points.iter().map(|p| p.cost_per_million);
        let y = Axis::fit("cost per million requests [USD]", ys, 20.0);
        let mut chart = style::panel(&body, "", &x, &y, PanelOptions::aligned(true, &[&y]))?;
        if let Some(slo) = self.slo_p99_ms {
            style::line(
                &mut chart,
                &x,
                &y,
                &[(slo, inverse(&y, y.lo)), (slo, inverse(&y, y.hi))],
                style::LIMIT.stroke_width(2),
            )?;
        }
        let front: Vec<(f64, f64)> = self
            .front
            .iter()
            .map(|p| (p.p99_ms, p.cost_per_million))
            .collect();
        style::line(&mut chart, &x, &y, &front, style::REFERENCE.stroke_width(1))?;
        let markers: Vec<_> = self
            .points
            .iter()
            .filter_map(|p| Some(((x.map(p.p99_ms)?, y.map(p.cost_per_million)?), p)))
            .map(|(at, p)| {
                let colour = style::design_colour(p.design);
                let meets = self.slo_p99_ms.is_none_or(|slo| p.p99_ms <= slo);
                let style = if meets {
                    colour.filled()
                } else {
                    colour.stroke_width(2)
                };
                EmptyElement::at(at)
                    + Circle::new((0, 0), 7, style)
                    + Text::new(p.label.clone(), (9, -18), style::text(style::LABEL_SIZE))
            })
            .collect();
        chart.draw_series(markers).map_err(style::drawing_error)?;
        Ok(())
    }
}

/// The value whose plot value is `p` (for lines spanning the axis).
fn inverse(axis: &Axis, p: f64) -> f64 {
    match axis.scale {
        style::Scale::Log => 10f64.powf(p),
        _ => p,
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
}
