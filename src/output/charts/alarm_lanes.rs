//! The timeline's alarm lanes, read from `alarms.csv`: one lane per alarm
//! of each design, named on the y axis, shaded over the periods the alarm
//! spent in ALARM in each replication (each replication adds its share of
//! the shade, so a period in ALARM in every replication is the darkest),
//! in a violet apart from the fault windows' red and orange. Also how
//! often an alarm went into ALARM, for its box in the diagram.

use std::collections::BTreeMap;

use anyhow::Result;
use plotters::prelude::*;

use super::axis::{Axis, Coord};
use super::style;
use crate::output::folder::{OutputFolder, Table};

/// The shade of an alarm in ALARM.
pub const ALARM_COLOUR: RGBColor = RGBColor(0x6A, 0x3D, 0x9A);

/// The shade of a period in ALARM in every replication.
const FULL_OPACITY: f64 = 0.75;

/// One alarm of one design at one sweep point.
#[derive(Clone, Debug, PartialEq)]
pub struct Lane {
    /// The lane's name: the alarm's, with its design's when several
    /// designs have alarms.
    pub label: String,
    /// The periods in ALARM [s], each with its replication, in file order.
    pub spans: Vec<(u32, f64, f64)>,
}

/// The alarm lanes of `point`, in order of each alarm's first row; an
/// alarm still in ALARM at the end of its run is shaded to `end_s`.
pub fn lanes(folder: &OutputFolder, point: usize, end_s: f64) -> Vec<Lane> {
    match &folder.alarms {
        Some(table) => lanes_of(table, &folder.designs, point, end_s),
        None => Vec::new(),
    }
}

/// How many times, on average over the replications, the alarm `alarm`
/// of design number `design` went into ALARM at `point`: what the
/// diagram's box of an alarm says, since an alarm handles no calls.
/// `None` when the folder has no `alarms.csv`.
pub fn times_into_alarm(
    folder: &OutputFolder,
    design: usize,
    point: usize,
    alarm: &str,
) -> Option<f64> {
    let table = folder.alarms.as_ref()?;
    let (name, to) = (table.column("alarm")?, table.column("to")?);
    let count = table
        .rows
        .iter()
        .filter(|r| r.design == design && r.point == point)
        .filter(|r| r.cells.get(name).is_some_and(|c| c == alarm))
        .filter(|r| r.cells.get(to).is_some_and(|c| c == "ALARM"))
        .count();
    Some(count as f64 / folder.replications() as f64)
}

/// The alarm lanes of `point` in `table` (`alarms.csv`), of a folder whose
/// designs are `designs`.
fn lanes_of(table: &Table, designs: &[String], point: usize, end_s: f64) -> Vec<Lane> {
    let column = |name: &str| table.column(name);
    let (Some(rep), Some(time), Some(alarm), Some(from), Some(to)) = (
        column("replication"),
        column("time_s"),
        column("alarm"),
        column("from"),
        column("to"),
    ) else {
        return Vec::new();
    };
    // (design, alarm) → its lane's number; the first row of each alarm
    // opens its lane, so designs and alarms keep the file's order.
    let mut order: Vec<(usize, String)> = Vec::new();
    let mut spans: Vec<Vec<(u32, f64, f64)>> = Vec::new();
    // (lane, replication) → the time the alarm went into ALARM.
    let mut open: BTreeMap<(usize, u32), f64> = BTreeMap::new();
    for row in table.rows.iter().filter(|r| r.point == point) {
        let cell = |c: usize| row.cells.get(c).map_or("", String::as_str);
        let (Ok(r), Ok(t)) = (cell(rep).parse::<u32>(), cell(time).parse::<f64>()) else {
            continue;
        };
        let key = (row.design, cell(alarm).to_string());
        let lane = match order.iter().position(|k| *k == key) {
            Some(i) => i,
            None => {
                order.push(key);
                spans.push(Vec::new());
                order.len() - 1
            }
        };
        if cell(from) == "ALARM"
            && let Some(start) = open.remove(&(lane, r))
        {
            spans[lane].push((r, start, t));
        }
        if cell(to) == "ALARM" {
            open.insert((lane, r), t);
        }
    }
    for ((lane, r), start) in open {
        spans[lane].push((r, start, end_s));
    }
    let several = order.iter().any(|k| k.0 != order[0].0);
    order
        .into_iter()
        .zip(spans)
        .map(|((design, alarm), spans)| Lane {
            label: if several {
                format!("{alarm} · {}", designs[design])
            } else {
                alarm
            },
            spans,
        })
        .collect()
}

/// The lanes' y axis: their names, the first at the top.
pub fn axis(lanes: &[Lane]) -> Axis {
    Axis::categories("", lanes.iter().rev().map(|l| l.label.clone()).collect())
}

/// Shades each lane's periods in ALARM on `chart` (whose y axis is
/// [`axis`]), a time in seconds divided by `per_unit` on the x axis; each
/// of `replications` adds its share of the full shade.
pub fn draw<'a, DB: DrawingBackend + 'a>(
    chart: &mut ChartContext<'a, DB, Coord>,
    x: &Axis,
    lanes: &[Lane],
    per_unit: f64,
    replications: u64,
) -> Result<()>
where
    DB::ErrorType: 'static,
{
    let share = FULL_OPACITY / replications.max(1) as f64;
    let colour = ALARM_COLOUR.mix(share);
    let n = lanes.len();
    for (i, lane) in lanes.iter().enumerate() {
        // The first lane at the top.
        let y = (n - 1 - i) as f64;
        for &(_, start, end) in &lane.spans {
            let (Some(a), Some(b)) = (
                x.map_clamped(start / per_unit),
                x.map_clamped(end / per_unit),
            ) else {
                continue;
            };
            if b <= a {
                continue;
            }
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, y - 0.35), (b, y + 0.35)],
                    colour.filled(),
                )))
                .map_err(style::drawing_error)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::folder::Row;

    #[test]
    fn spans_open_on_alarm_and_close_on_leaving_it() {
        let columns = ["design", "replication", "time_s", "alarm", "from", "to"];
        let row = |design: usize, cells: [&str; 5]| Row {
            design,
            point: 0,
            cells: std::iter::once("d".to_string())
                .chain(cells.iter().map(|c| c.to_string()))
                .collect(),
        };
        let table = Table {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: vec![
                row(0, ["0", "60.000", "a", "INSUFFICIENT_DATA", "OK"]),
                row(0, ["0", "120.000", "a", "OK", "ALARM"]),
                row(0, ["0", "300.000", "a", "ALARM", "OK"]),
                row(1, ["0", "180.000", "a", "OK", "ALARM"]),
                row(0, ["1", "240.000", "a", "OK", "ALARM"]),
            ],
        };
        let designs = ["one".to_string(), "two".to_string()];
        let lanes = lanes_of(&table, &designs, 0, 600.0);
        assert_eq!(
            lanes,
            vec![
                Lane {
                    label: "a · one".into(),
                    spans: vec![(0, 120.0, 300.0), (1, 240.0, 600.0)],
                },
                Lane {
                    label: "a · two".into(),
                    spans: vec![(0, 180.0, 600.0)],
                },
            ]
        );
    }
}
