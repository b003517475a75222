//! The timeline: panels stacked on a shared time axis (arrival rate, p99 per
//! interval, queue depth, instances, Lambda concurrency, errors and losses),
//! one line per design, the mean over replications, fault windows shaded;
//! under them, a lane per alarm shaded where it was in ALARM
//! ([`super::alarm_lanes`]). Only the metrics a scenario has get a panel.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context, Result};
use plotters::coord::Shift;
use plotters::prelude::*;

use super::alarm_lanes::{self, ALARM_COLOUR, Lane};
use super::style::{self, Axis, Figure, Header, PanelOptions, Sample};
use super::words::{Phrase, Word, say, word};
use super::{Caption, Chart, point_stem, replications_note, saved};
use crate::output::folder::{FaultSpan, OutputFolder};
use crate::output::language::Lang;

/// More points than this per line are averaged in bins: a screen cannot
/// show more, and the SVG stays small for day-long runs at 1 s intervals.
const MAX_LINE_POINTS: usize = 2000;

/// What a panel shows, in display order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Metric {
    ArrivalRate,
    ResponseP99,
    QueueDepth,
    Instances,
    Concurrency,
    ErrorRate,
    LostRate,
}

impl Metric {
    const ALL: [Metric; 7] = [
        Metric::ArrivalRate,
        Metric::ResponseP99,
        Metric::QueueDepth,
        Metric::Instances,
        Metric::Concurrency,
        Metric::ErrorRate,
        Metric::LostRate,
    ];

    /// The panel a `timeseries.csv` row feeds, if any. Component metrics
    /// are summed over the design's components of that kind.
    fn of(component: &[u8], metric: &[u8]) -> Option<Metric> {
        let workload = component == b"workload";
        match metric {
            b"arrivals" if workload => Some(Metric::ArrivalRate),
            b"response_p99_ms" if workload => Some(Metric::ResponseP99),
            b"errors" if workload => Some(Metric::ErrorRate),
            b"lost" if workload => Some(Metric::LostRate),
            b"queue_depth" if !workload => Some(Metric::QueueDepth),
            b"instances" if !workload => Some(Metric::Instances),
            b"concurrency" if !workload => Some(Metric::Concurrency),
            _ => None,
        }
    }

    fn title(self) -> Word {
        match self {
            Metric::ArrivalRate => Word::ArrivalRate,
            Metric::ResponseP99 => Word::P99PerInterval,
            Metric::QueueDepth => Word::QueueMessages,
            Metric::Instances => Word::InstancesInService,
            Metric::Concurrency => Word::LambdaConcurrency,
            Metric::ErrorRate => Word::FailedRequests,
            Metric::LostRate => Word::LostRequestsNeverDone,
        }
    }

    fn unit(self) -> Word {
        match self {
            Metric::ArrivalRate => Word::RequestsPerS,
            Metric::ResponseP99 => Word::Ms,
            Metric::QueueDepth => Word::Messages,
            Metric::Instances => Word::Instances,
            Metric::Concurrency => Word::Environments,
            Metric::ErrorRate | Metric::LostRate => Word::RequestsPerS,
        }
    }

    /// Counts per interval, drawn per second of the interval.
    fn is_count(self) -> bool {
        matches!(
            self,
            Metric::ArrivalRate | Metric::ErrorRate | Metric::LostRate
        )
    }

    /// An interval without responses has p99 0, which would read as "fast":
    /// it is a gap instead.
    fn zero_is_missing(self) -> bool {
        self == Metric::ResponseP99
    }
}

/// Sum and count of the values of one interval.
#[derive(Clone, Copy, Debug, Default)]
struct Cell {
    sum: f64,
    count: u32,
}

/// `timeseries.csv` reduced to what the timeline draws.
#[derive(Default)]
struct Series {
    /// (point, design, metric) → interval end [ms] → sum over components
    /// and replications.
    cells: HashMap<(usize, usize, Metric), BTreeMap<i64, Cell>>,
    /// (point, design) → the replications seen.
    replications: HashMap<(usize, usize), BTreeSet<u32>>,
}

/// Reads the rows of `timeseries.csv` that the timeline draws, for the
/// charted points only.
fn read_series(folder: &OutputFolder, points: &[usize]) -> Result<Series> {
    let path = folder.dir.join("timeseries.csv");
    let context = || format!("cannot read {}", path.display());
    let mut reader = csv::Reader::from_path(&path).with_context(context)?;
    let headers = reader.byte_headers().with_context(context)?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name.as_bytes());
    let (
        Some(design_col),
        Some(rep_col),
        Some(time_col),
        Some(comp_col),
        Some(metric_col),
        Some(value_col),
    ) = (
        column("design"),
        column("replication"),
        column("time_s"),
        column("component"),
        column("metric"),
        column("value"),
    )
    else {
        return Ok(Series::default());
    };
    let axis_cols: Vec<Option<usize>> = folder.axes.iter().map(|a| column(a)).collect();
    let charted: BTreeSet<usize> = points.iter().copied().collect();
    let mut series = Series::default();
    let mut record = csv::ByteRecord::new();
    let mut values = vec![String::new(); axis_cols.len()];
    while reader.read_byte_record(&mut record).with_context(context)? {
        let field = |i: usize| record.get(i).unwrap_or_default();
        let Some(metric) = Metric::of(field(comp_col), field(metric_col)) else {
            continue;
        };
        for (v, c) in values.iter_mut().zip(&axis_cols) {
            v.clear();
            v.push_str(&String::from_utf8_lossy(c.map_or(&[][..], field)));
        }
        let point = if values.is_empty() {
            0
        } else {
            match folder.point_of(&values) {
                Some(p) => p,
                None => continue,
            }
        };
        if !charted.contains(&point) {
            continue;
        }
        let Some(design) = folder
            .designs
            .iter()
            .position(|d| d.as_bytes() == field(design_col))
        else {
            continue;
        };
        let number = |i: usize| {
            std::str::from_utf8(field(i))
                .ok()
                .and_then(|s| s.parse::<f64>().ok())
        };
        let (Some(time), Some(value), Some(rep)) =
            (number(time_col), number(value_col), number(rep_col))
        else {
            continue;
        };
        series
            .replications
            .entry((point, design))
            .or_default()
            .insert(rep as u32);
        let cell = series
            .cells
            .entry((point, design, metric))
            .or_default()
            .entry((time * 1000.0).round() as i64)
            .or_default();
        if value.is_finite() && !(metric.zero_is_missing() && value <= 0.0) {
            cell.sum += value;
            cell.count += 1;
        }
    }
    Ok(series)
}

impl Series {
    /// The most intervals a line of `point` has.
    fn intervals(&self, point: usize) -> usize {
        self.cells
            .iter()
            .filter(|(key, _)| key.0 == point)
            .map(|(_, cells)| cells.len())
            .max()
            .unwrap_or(0)
    }

    /// The line of one design: (time [s], value), the mean over
    /// replications, per second for counts, binned when long.
    fn line(&self, point: usize, design: usize, metric: Metric) -> Vec<(f64, f64)> {
        let Some(cells) = self.cells.get(&(point, design, metric)) else {
            return Vec::new();
        };
        let replications = self
            .replications
            .get(&(point, design))
            .map_or(1, BTreeSet::len)
            .max(1) as f64;
        let mut previous = 0.0;
        let mut line = Vec::with_capacity(cells.len());
        for (&time_ms, cell) in cells {
            let time = time_ms as f64 / 1000.0;
            let value = if cell.count == 0 {
                f64::NAN
            } else if metric.zero_is_missing() {
                // The mean over the replications that had responses.
                cell.sum / f64::from(cell.count)
            } else {
                // The sum over components, averaged over replications.
                cell.sum / replications
            };
            let width = time - previous;
            previous = time;
            let value = if metric.is_count() {
                if width > 0.0 { value / width } else { f64::NAN }
            } else {
                value
            };
            line.push((time, value));
        }
        bin(line, MAX_LINE_POINTS)
    }
}

/// Averages consecutive points in bins so at most about `max` remain.
fn bin(line: Vec<(f64, f64)>, max: usize) -> Vec<(f64, f64)> {
    if line.len() <= max {
        return line;
    }
    let per_bin = line.len().div_ceil(max);
    line.chunks(per_bin)
        .map(|chunk| {
            let time = chunk.iter().map(|p| p.0).sum::<f64>() / chunk.len() as f64;
            let finite: Vec<f64> = chunk
                .iter()
                .map(|p| p.1)
                .filter(|v| v.is_finite())
                .collect();
            let value = if finite.is_empty() {
                f64::NAN
            } else {
                finite.iter().sum::<f64>() / finite.len() as f64
            };
            (time, value)
        })
        .collect()
}

struct Panel {
    metric: Metric,
    lines: Vec<(usize, Vec<(f64, f64)>)>,
}

struct TimelineFigure<'a> {
    folder: &'a OutputFolder,
    header: Header,
    /// Seconds per unit of the time axis, and the unit's name.
    unit: (f64, &'static str),
    end_s: f64,
    panels: Vec<Panel>,
    /// The SLO's response p99 target, a line on the p99 panel [ms].
    slo_p99_ms: Option<f64>,
    /// The alarms' lanes, in a panel under the others (none: no panel).
    alarms: Vec<Lane>,
    lang: Lang,
}

const PANEL_HEIGHT: u32 = 210;
/// The height of an alarm lane, and of the alarm panel's title and margins.
const LANE_HEIGHT: u32 = 30;
const LANES_FRAME_HEIGHT: u32 = 50;
const X_LABELS_HEIGHT: u32 = 50;

/// Draws one timeline per charted sweep point, its words in `lang`.
pub fn draw(folder: &OutputFolder, points: &[usize], dir: &Path, lang: Lang) -> Result<Vec<Chart>> {
    let series = read_series(folder, points)?;
    let mut charts = Vec::new();
    for &point in points {
        let panels: Vec<Panel> = Metric::ALL
            .iter()
            .map(|&metric| Panel {
                metric,
                lines: (0..folder.designs.len())
                    .map(|d| (d, series.line(point, d, metric)))
                    .collect(),
            })
            .filter(|p| {
                let values = || p.lines.iter().flat_map(|l| l.1.iter().map(|v| v.1));
                let any = values().any(f64::is_finite);
                // Losses get a panel only when there are some.
                any && (p.metric != Metric::LostRate || values().any(|v| v > 0.0))
            })
            .collect();
        if panels.is_empty() {
            continue;
        }
        let end_s = panels
            .iter()
            .flat_map(|p| p.lines.iter().flat_map(|l| l.1.iter().map(|v| v.0)))
            .fold(0.0, f64::max);
        let label = folder.point_label(point);
        let mut notes = vec![label.clone(), replications_note(folder, lang)];
        notes.retain(|n| !n.is_empty());
        let intervals = series.intervals(point);
        if intervals > MAX_LINE_POINTS {
            let per_point = intervals.div_ceil(MAX_LINE_POINTS);
            notes.push(say(lang, Phrase::PointsAverage(per_point)));
        }
        if !folder.faults.is_empty() {
            notes.push(word(lang, Word::ShadedFaults).into());
        }
        let alarms = alarm_lanes::lanes(folder, point, end_s);
        if !folder.manifest.deployments.is_empty() {
            notes.push(word(lang, Word::DeploymentLines).into());
        }
        let mut legend = style::design_keys(&folder.designs);
        // The per-interval p99 is of the served responses; the line shows
        // where the SLO's bound lies, not the verdict (which counts every
        // request over the whole window).
        let slo_p99_ms = folder
            .manifest
            .slo
            .response_p99_ms
            .filter(|_| panels.iter().any(|p| p.metric == Metric::ResponseP99));
        if let Some(target) = slo_p99_ms {
            let bound = Phrase::SloBound {
                completion: false,
                ms: target,
                whole_window: true,
            };
            legend.push((say(lang, bound), Sample::Line(style::LIMIT.stroke_width(2))));
        }
        for fault in &folder.faults {
            let key = (fault.label(), Sample::Swatch(fault_colour(fault)));
            if !legend.iter().any(|k| k.0 == key.0) {
                legend.push(key);
            }
        }
        if !alarms.is_empty() {
            legend.push((
                word(lang, Word::AlarmInAlarm).into(),
                Sample::Swatch(ALARM_COLOUR.mix(0.75)),
            ));
        }
        for d in &folder.manifest.deployments {
            let deployment = Phrase::Deployment {
                component: &d.component,
                policy: &d.policy,
            };
            let key = (
                say(lang, deployment),
                Sample::Line(DEPLOYMENT.stroke_width(2)),
            );
            if !legend.iter().any(|k| k.0 == key.0) {
                legend.push(key);
            }
        }
        let figure = TimelineFigure {
            folder,
            header: Header {
                title: say(
                    lang,
                    Phrase::Title {
                        chart: Word::TimelineTitle,
                        scenario: &folder.scenario,
                    },
                ),
                subtitle: notes.join(" · "),
                legend,
            },
            unit: time_unit(end_s),
            end_s,
            panels,
            slo_p99_ms,
            alarms,
            lang,
        };
        let stem = point_stem(folder, "timeline", point);
        charts.push(saved(
            &figure,
            dir,
            stem,
            Caption::Timeline { point: label },
        )?);
    }
    Ok(charts)
}

/// The time axis unit for a run of `end_s` seconds.
fn time_unit(end_s: f64) -> (f64, &'static str) {
    if end_s <= 600.0 {
        (1.0, "s")
    } else if end_s <= 3.0 * 3600.0 {
        (60.0, "min")
    } else {
        (3600.0, "h")
    }
}

impl Figure for TimelineFigure<'_> {
    fn size(&self) -> (u32, u32) {
        (
            1200,
            self.header.height(1200)
                + PANEL_HEIGHT * self.panels.len() as u32
                + self.lanes_height()
                + X_LABELS_HEIGHT,
        )
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<()>
    where
        DB::ErrorType: 'static,
    {
        let mut rest = self.header.draw(root)?;
        let (per_unit, unit) = self.unit;
        let lang = self.lang;
        let x = Axis::linear(
            &say(lang, Phrase::Time(unit)),
            0.0,
            self.end_s / per_unit,
            10,
        );
        let ys: Vec<Axis> = self
            .panels
            .iter()
            .map(|panel| {
                let values = panel.lines.iter().flat_map(|l| l.1.iter().map(|p| p.1));
                // A design that collapses can have a p99 a thousand times
                // the others': a log axis keeps both readable.
                let unit = word(lang, panel.metric.unit());
                if panel.metric == Metric::ResponseP99 {
                    Axis::auto(unit, values.chain(self.slo_p99_ms), 100.0, lang)
                } else {
                    Axis::from_zero(unit, values)
                }
            })
            .collect();
        let lanes_y = (!self.alarms.is_empty()).then(|| alarm_lanes::axis(&self.alarms));
        let all_ys: Vec<&Axis> = ys.iter().chain(&lanes_y).collect();
        for (i, (panel, y)) in self.panels.iter().zip(&ys).enumerate() {
            let last = i + 1 == self.panels.len() && lanes_y.is_none();
            let height = PANEL_HEIGHT + if last { X_LABELS_HEIGHT } else { 0 };
            let (area, below) = rest.split_vertically(height);
            rest = below;
            let scaled: Vec<(usize, Vec<(f64, f64)>)> = panel
                .lines
                .iter()
                .map(|(d, l)| (*d, l.iter().map(|&(t, v)| (t / per_unit, v)).collect()))
                .collect();
            let options = PanelOptions::aligned(last, &all_ys);
            let title = word(lang, panel.metric.title());
            let mut chart = self.faults_shaded(&area, title, &x, y, per_unit, options)?;
            for d in &self.folder.manifest.deployments {
                let at = d.at_s / per_unit;
                if x.map(at).is_some() {
                    let span = [(at, y.value_at(y.lo)), (at, y.value_at(y.hi))];
                    style::line(&mut chart, &x, y, &span, DEPLOYMENT.stroke_width(2))?;
                }
            }
            if let Some(target) = self
                .slo_p99_ms
                .filter(|_| panel.metric == Metric::ResponseP99)
            {
                style::line(
                    &mut chart,
                    &x,
                    y,
                    &[(x.value_at(x.lo), target), (x.value_at(x.hi), target)],
                    style::LIMIT.stroke_width(2),
                )?;
            }
            for (design, line) in &scaled {
                style::line(
                    &mut chart,
                    &x,
                    y,
                    line,
                    style::design_colour(*design).stroke_width(2),
                )?;
            }
        }
        if let Some(y) = &lanes_y {
            let options = PanelOptions::aligned(true, &all_ys);
            let title = word(lang, Word::AlarmsPanel);
            let mut chart = self.faults_shaded(&rest, title, &x, y, per_unit, options)?;
            let replications = self.folder.replications();
            alarm_lanes::draw(&mut chart, &x, &self.alarms, per_unit, replications)?;
        }
        Ok(())
    }
}

impl TimelineFigure<'_> {
    /// A panel on `area` with the fault windows shaded (times on `x` in
    /// units of `per_unit` seconds).
    fn faults_shaded<'a, DB: DrawingBackend + 'a>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
        title: &str,
        x: &Axis,
        y: &Axis,
        per_unit: f64,
        options: PanelOptions,
    ) -> Result<ChartContext<'a, DB, style::Coord>>
    where
        DB::ErrorType: 'static,
    {
        let mut chart = style::panel(area, title, x, y, options)?;
        for fault in &self.folder.faults {
            let window = (fault.start_s / per_unit, fault.end_s / per_unit);
            style::shade_x(&mut chart, x, y, window, fault_colour(fault))?;
        }
        Ok(chart)
    }

    /// The height of the alarm panel (0 without alarms).
    fn lanes_height(&self) -> u32 {
        if self.alarms.is_empty() {
            0
        } else {
            LANES_FRAME_HEIGHT + LANE_HEIGHT * self.alarms.len() as u32
        }
    }
}

/// The mark of a deployment's start: dark grey, apart from the designs' colours.
const DEPLOYMENT: RGBColor = RGBColor(0x55, 0x55, 0x55);

/// The shading of a fault: outages red, slowdowns and others orange.
fn fault_colour(fault: &FaultSpan) -> RGBAColor {
    match fault.kind.as_str() {
        "outage" => RGBColor(0xD5, 0x5E, 0x00).mix(0.18),
        _ => RGBColor(0xE6, 0x9F, 0x00).mix(0.18),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn binning_averages_and_keeps_gaps_out() {
        let line: Vec<(f64, f64)> = (0..10).map(|i| (f64::from(i), f64::from(i))).collect();
        let binned = bin(line, 5);
        assert_eq!(
            binned,
            vec![(0.5, 0.5), (2.5, 2.5), (4.5, 4.5), (6.5, 6.5), (8.5, 8.5)]
        );
        let gaps = bin(
            vec![
                (0.0, f64::NAN),
                (1.0, 2.0),
                (2.0, f64::NAN),
                (3.0, f64::NAN),
            ],
            2,
        );
        assert_eq!(gaps[0], (0.5, 2.0));
        assert!(gaps[1].1.is_nan());
        assert_eq!(time_unit(3600.0).1, "min");
    }
}
