//! The charts of an output folder, drawn from its files only (never from the
//! engine), as PNG and SVG in `charts/`: the same files give the same bytes.
//!
//! - `design-diagram`: every design's components and links, measured;
//! - `latency-cdf*`: the distribution of response (and completion) times;
//! - `timeline*`: arrival rate, p99, queues, capacity and errors over time;
//! - `cost-by-component`: each design's bill, stacked by component;
//! - `sweep-*`: each metric against a swept value, with confidence bands;
//! - `cost-latency-front`: cost per million requests against p99.

mod alarm_lanes;
mod axis;
mod backend;
mod cdf;
mod cost;
mod diagram;
pub mod fonts;
mod front;
mod number;
pub mod style;
mod sweep;
mod timeline;
mod words;

use std::collections::HashSet;
use std::path::Path;

use anyhow::{Context, Result};

use super::folder::{OutputFolder, short_key, short_value};
use super::lang::{Lang, Line};
use words::Phrase;

/// The sub-folder of the charts.
pub const CHARTS_DIR: &str = "charts";

/// At most this many sweep points get their own latency and timeline
/// charts (evenly spaced, first and last included); the sweep and front
/// charts show every point.
const MAX_CHARTED_POINTS: usize = 6;

/// One chart: `charts/<stem>.png` and `charts/<stem>.svg`.
#[derive(Clone, Debug, PartialEq)]
pub struct Chart {
    /// The file name without extension.
    pub stem: String,
    /// What it shows, for the report's caption.
    pub caption: Caption,
}

/// What a chart shows, for the report to say in its language (the words
/// drawn in the chart follow the same language, from [`words`]).
#[derive(Clone, Debug, PartialEq)]
pub enum Caption {
    /// `latency-cdf*`, at a sweep point (its label; empty without a sweep).
    Latency {
        /// The sweep point's label, as `rate=100`.
        point: String,
    },
    /// `timeline*`, at a sweep point.
    Timeline {
        /// The sweep point's label, as `rate=100`.
        point: String,
    },
    /// `sweep-*`, against a swept key.
    Sweep {
        /// The key.
        key: String,
    },
    /// `design-diagram`, measured at a sweep point (its label; empty
    /// without a sweep).
    Diagram {
        /// The sweep point's label, as `rate=100`.
        point: String,
    },
    /// `cost-latency-front`.
    Front,
    /// `cost-by-component`: per million requests (with a sweep) or over
    /// the measured window.
    Cost {
        /// Per million requests at each sweep point.
        per_million: bool,
    },
}

impl Caption {
    /// The caption as a sentence of [`Line`].
    pub fn line(&self) -> Line<'_> {
        match self {
            Caption::Latency { point } => Line::CaptionLatency { point },
            Caption::Timeline { point } => Line::CaptionTimeline { point },
            Caption::Sweep { key } => Line::CaptionSweep { key },
            Caption::Diagram { point } => Line::CaptionDiagram { point },
            Caption::Front => Line::CaptionFront,
            Caption::Cost { per_million } => Line::CaptionCost {
                per_million: *per_million,
            },
        }
    }
}

/// Draws every chart of `folder` into its `charts/` sub-folder, its words
/// in `lang`, and removes charts left there by an earlier run that this
/// one no longer draws.
pub fn draw_all(folder: &OutputFolder, lang: Lang) -> Result<Vec<Chart>> {
    let dir = folder.dir.join(CHARTS_DIR);
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let points = charted_points(folder.points.len());
    // The report shows charts in this order: with a sweep, the charts
    // across all its points come before those of single points.
    let mut per_point = cdf::draw(folder, &points, &dir, lang)?;
    per_point.extend(timeline::draw(folder, &points, &dir, lang)?);
    let mut overall = Vec::new();
    if folder.has_sweep() {
        overall.extend(sweep::draw(folder, &dir, lang)?);
    }
    overall.extend(front::draw(folder, &dir, lang)?);
    overall.extend(cost::draw(folder, &dir, lang)?);
    // The diagram first: what each design is, before how it did.
    let mut charts = diagram::draw(folder, &dir, lang)?;
    if folder.has_sweep() {
        charts.extend(overall.into_iter().chain(per_point));
    } else {
        charts.extend(per_point.into_iter().chain(overall));
    }
    remove_stale(&dir, &charts)?;
    Ok(charts)
}

/// The sweep points that get their own latency and timeline charts.
fn charted_points(n: usize) -> Vec<usize> {
    if n <= MAX_CHARTED_POINTS {
        (0..n).collect()
    } else {
        let last = MAX_CHARTED_POINTS - 1;
        (0..MAX_CHARTED_POINTS)
            .map(|i| i * (n - 1) / last)
            .collect()
    }
}

/// Draws `figure` as `charts/<stem>.png` and `.svg` in `dir`, and names it
/// for the report.
fn saved(figure: &impl style::Figure, dir: &Path, stem: String, caption: Caption) -> Result<Chart> {
    style::save(figure, dir, &stem)?;
    Ok(Chart { stem, caption })
}

/// A chart's file stem for sweep point `point`: `base` alone without a
/// sweep, else `base-` and the point's values (`timeline-rate-100`).
fn point_stem(folder: &OutputFolder, base: &str, point: usize) -> String {
    if !folder.has_sweep() {
        return base.to_string();
    }
    let values: Vec<String> = folder
        .axes
        .iter()
        .zip(&folder.points[point])
        .map(|(a, v)| format!("{}-{}", short_key(a), short_value(v)))
        .collect();
    format!("{base}-{}-{}", point + 1, slug(&values.join("-")))
}

/// `text` reduced to characters safe in a file name, and short enough
/// for any file system.
fn slug(text: &str) -> String {
    const MAX: usize = 60;
    let mut out = String::new();
    for c in text.chars().take(MAX) {
        if c.is_ascii_alphanumeric() || c == '.' || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') {
            out.push('-');
        }
    }
    out.trim_matches('-').to_string()
}

/// Deletes `*.png` and `*.svg` files in `dir` that are not among `charts`.
fn remove_stale(dir: &Path, charts: &[Chart]) -> Result<()> {
    let keep: HashSet<String> = charts
        .iter()
        .flat_map(|c| [format!("{}.png", c.stem), format!("{}.svg", c.stem)])
        .collect();
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("cannot list {}", dir.display()))?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_chart = name.ends_with(".png") || name.ends_with(".svg");
        if is_chart && !keep.contains(&name) {
            std::fs::remove_file(entry.path())
                .with_context(|| format!("cannot remove {}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// "mean over 3 replications" / "1 replication", in `lang`.
fn replications_note(folder: &OutputFolder, lang: Lang) -> String {
    words::say(lang, Phrase::Replications(folder.replications()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn charted_points_keep_first_and_last() {
        assert_eq!(charted_points(1), vec![0]);
        assert_eq!(charted_points(11), vec![0, 2, 4, 6, 8, 10]);
        assert_eq!(slug("rate-1.5 / x=\"a\""), "rate-1.5-x-a");
    }
}
