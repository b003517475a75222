//! Cost by component: one horizontal bar per design (and sweep point),
//! stacked by component, from `components.csv` (the mean over replications).
//! With a sweep the bars show cost per million requests, so that points
//! with different traffic compare.

use std::path::Path;

use anyhow::Result;
use plotters::coord::Shift;
use plotters::prelude::*;

use super::style::{self, Axis, Figure, Header, PanelOptions, Sample};
use super::words::{Phrase, Word, say, word};
use super::{Caption, Chart, replications_note, saved};
use crate::output::confidence::mean_ci;
use crate::output::folder::{OutputFolder, parse_number};
use crate::output::language::Lang;

/// One bar: a design at a sweep point.
struct Bar {
    label: String,
    /// (component index, cost) in stacking order.
    segments: Vec<(usize, f64)>,
}

struct CostFigure {
    header: Header,
    axis: &'static str,
    bars: Vec<Bar>,
}

const BAR_HEIGHT: u32 = 40;

/// Draws the cost chart, its words in `lang` (nothing when
/// `components.csv` has no costs).
pub fn draw(folder: &OutputFolder, dir: &Path, lang: Lang) -> Result<Vec<Chart>> {
    let table = &folder.components;
    let (Some(comp_col), Some(cost_col), Some(rep_col)) = (
        table.column("component"),
        table.column("cost_usd"),
        table.column("replication"),
    ) else {
        return Ok(Vec::new());
    };
    let per_million = folder.has_sweep();
    let mut components: Vec<String> = Vec::new();
    let mut bars = Vec::new();
    for point in 0..folder.points.len() {
        for design in 0..folder.designs.len() {
            let mut sums: Vec<(usize, f64)> = Vec::new();
            let mut replications: Vec<&str> = Vec::new();
            for row in table.rows_of(design, point) {
                let name = &row.cells[comp_col];
                let c = components
                    .iter()
                    .position(|n| n == name)
                    .unwrap_or_else(|| {
                        components.push(name.clone());
                        components.len() - 1
                    });
                if !replications.contains(&row.cells[rep_col].as_str()) {
                    replications.push(&row.cells[rep_col]);
                }
                let cost = parse_number(&row.cells[cost_col]).unwrap_or(0.0);
                match sums.iter_mut().find(|s| s.0 == c) {
                    Some(s) => s.1 += cost,
                    None => sums.push((c, cost)),
                }
            }
            if sums.is_empty() {
                continue;
            }
            let n = replications.len().max(1) as f64;
            let scale = if per_million {
                let (requests, _) = mean_ci(&folder.summary.numbers(design, point, "requests"));
                if requests > 0.0 {
                    1e6 / requests
                } else {
                    f64::NAN
                }
            } else {
                1.0
            };
            let label = if folder.has_sweep() {
                format!("{} · {}", folder.designs[design], folder.point_label(point))
            } else {
                folder.designs[design].clone()
            };
            bars.push(Bar {
                label,
                segments: sums
                    .into_iter()
                    .map(|(c, sum)| (c, sum / n * scale))
                    .filter(|s| s.1.is_finite())
                    .collect(),
            });
        }
    }
    if bars.is_empty() {
        return Ok(Vec::new());
    }
    let legend = components
        .iter()
        .enumerate()
        .map(|(c, name)| {
            let colour = style::component_colour(c).to_rgba();
            (name.clone(), Sample::Swatch(colour))
        })
        .collect();
    let figure = CostFigure {
        header: Header {
            title: say(
                lang,
                Phrase::Title {
                    chart: Word::CostTitle,
                    scenario: &folder.scenario,
                },
            ),
            subtitle: format!(
                "{} · {}",
                replications_note(folder, lang),
                word(lang, Word::MeasuredWindowAfterWarmup)
            ),
            legend,
        },
        axis: word(
            lang,
            if per_million {
                Word::CostPerMillionUsd
            } else {
                Word::CostOverWindowUsd
            },
        ),
        bars,
    };
    Ok(vec![saved(
        &figure,
        dir,
        "cost-by-component".into(),
        Caption::Cost { per_million },
    )?])
}

/// A price with sensible precision: "$1,234", "$12.35", "$0.0123".
fn money(v: f64) -> String {
    if v >= 100.0 {
        format!("${}", style::format_number(v, 0))
    } else if v >= 1.0 {
        format!("${v:.2}")
    } else if v > 0.0 {
        let decimals = (2.0 - v.log10().floor()).clamp(2.0, 8.0) as usize;
        format!("${v:.decimals$}")
    } else {
        "$0".to_string()
    }
}

impl Figure for CostFigure {
    fn size(&self) -> (u32, u32) {
        let bars = BAR_HEIGHT * self.bars.len() as u32;
        (1200, self.header.height(1200) + 30 + 56 + bars.max(120))
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let body = self.header.draw(root)?;
        let totals: Vec<f64> = self
            .bars
            .iter()
            .map(|b| b.segments.iter().map(|s| s.1).sum())
            .collect();
        let top = totals.iter().copied().fold(0.0, f64::max);
        // Room on the right for the totals.
        let x = Axis::linear(self.axis, 0.0, if top > 0.0 { top * 1.15 } else { 1.0 }, 8);
        // The first bar at the top: categories run upwards.
        let y = Axis::categories(
            "",
            self.bars.iter().rev().map(|b| b.label.clone()).collect(),
        );
        let mut chart = style::panel(&body, "", &x, &y, PanelOptions::aligned(true, &[&y]))?;
        let n = self.bars.len();
        for (i, bar) in self.bars.iter().enumerate() {
            let row = (n - 1 - i) as f64;
            let mut start = 0.0;
            let mut rectangles = Vec::new();
            for &(component, cost) in &bar.segments {
                let end = start + cost;
                rectangles.push(Rectangle::new(
                    [(start, row - 0.35), (end, row + 0.35)],
                    style::component_colour(component).filled(),
                ));
                start = end;
            }
            chart
                .draw_series(rectangles)
                .map_err(style::drawing_error)?;
            chart
                .draw_series(std::iter::once(
                    EmptyElement::at((totals[i], row))
                        + Text::new(money(totals[i]), (6, -7), style::text(style::LABEL_SIZE)),
                ))
                .map_err(style::drawing_error)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn money_keeps_significant_digits() {
        assert_eq!(money(1234.6), "$1235");
        assert_eq!(money(12.345), "$12.35");
        assert_eq!(money(0.01234), "$0.0123");
        assert_eq!(money(0.0), "$0");
    }
}
