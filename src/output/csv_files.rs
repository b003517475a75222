//! The CSV files of a run's results, written from finished runs as they
//! come: a run's rows go to disk and the run is dropped, so memory does not
//! grow with the number of runs.
//!
//! Numbers are written with fixed precision so that the bytes depend only on
//! the results, and rows come in a fixed order (sweep point, design,
//! replication), whatever order the runs finished in. Each file is hashed
//! as it is written and the rows of each run counted, for the manifest.

use std::collections::BTreeMap;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use super::digest::Hashing;
use super::format::{cell, csv_escape, num};
use super::manifest::FileRecord;
use crate::stats::{LATENCY_QUANTILES, RunResult};

/// One finished run and the sweep point it belongs to.
#[derive(Clone, Copy, Debug)]
struct RunRecord<'r> {
    /// The swept values of this run's point, one per axis (empty without a sweep).
    point: &'r [String],
    /// The run's results.
    result: &'r RunResult,
}

/// A file being written: its path, the hashing writer, and the rows of
/// each run so far.
struct Sink<W> {
    path: PathBuf,
    out: W,
    rows: Vec<u64>,
}

type Raw = Hashing<BufWriter<fs::File>>;

fn raw(path: &Path) -> Result<Raw> {
    let file =
        fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Hashing::new(BufWriter::new(file)))
}

fn csv_sink(dir: &Path, name: &str, header: &[String]) -> Result<Sink<csv::Writer<Raw>>> {
    let path = dir.join(name);
    let mut out = csv::Writer::from_writer(raw(&path)?);
    out.write_record(header)
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(Sink {
        path,
        out,
        rows: Vec::new(),
    })
}

/// The run files of a folder (`summary.csv`, `components.csv`,
/// `timeseries.csv`, `latency.csv`), written a run at a time.
pub struct RunFiles {
    summary: Sink<csv::Writer<Raw>>,
    components: Sink<csv::Writer<Raw>>,
    timeseries: Sink<Raw>,
    latency: Sink<csv::Writer<Raw>>,
    /// `alarms.csv`, when a design has an alarm.
    alarms: Option<Sink<csv::Writer<Raw>>>,
}

impl std::fmt::Debug for RunFiles {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunFiles")
            .field("summary", &self.summary.path)
            .finish_non_exhaustive()
    }
}

impl RunFiles {
    /// Creates the files in `dir` with their headers; `axes` are the swept
    /// key paths; `alarms`: a design has an alarm, whose history goes to
    /// `alarms.csv`.
    pub fn create(dir: &Path, axes: &[String], alarms: bool) -> Result<RunFiles> {
        let header = |columns: &[&str]| -> Vec<String> {
            let mut h: Vec<String> = vec!["design".into()];
            h.extend(axes.iter().cloned());
            h.extend(columns.iter().map(|c| c.to_string()));
            h
        };
        let path = dir.join("timeseries.csv");
        let mut timeseries = raw(&path)?;
        let mut line = String::from("design");
        for a in axes {
            line.push(',');
            line.push_str(&csv_escape(a));
        }
        line.push_str(",replication,time_s,component,metric,value\n");
        timeseries
            .write_all(line.as_bytes())
            .with_context(|| format!("cannot write {}", path.display()))?;
        Ok(RunFiles {
            summary: csv_sink(dir, "summary.csv", &header(&SUMMARY_COLUMNS))?,
            components: csv_sink(dir, "components.csv", &header(&COMPONENT_COLUMNS))?,
            timeseries: Sink {
                path,
                out: timeseries,
                rows: Vec::new(),
            },
            latency: csv_sink(
                dir,
                "latency.csv",
                &header(&["replication", "quantile", "response_ms", "completion_ms"]),
            )?,
            alarms: if alarms {
                Some(csv_sink(
                    dir,
                    "alarms.csv",
                    &header(&[
                        "replication",
                        "time_s",
                        "alarm",
                        "from",
                        "to",
                        "datapoint",
                        "notifications",
                    ]),
                )?)
            } else {
                None
            },
        })
    }

    /// Appends the rows of the next run, in run order: `point` holds its
    /// sweep point's values, one per axis (none without a sweep).
    pub fn write(&mut self, point: &[String], result: &RunResult) -> Result<()> {
        let run = &RunRecord { point, result };
        let rows = write_summary(&mut self.summary.out, run)
            .with_context(|| format!("cannot write {}", self.summary.path.display()))?;
        self.summary.rows.push(rows);
        let rows = write_components(&mut self.components.out, run)
            .with_context(|| format!("cannot write {}", self.components.path.display()))?;
        self.components.rows.push(rows);
        let rows = write_timeseries(&mut self.timeseries.out, run)
            .with_context(|| format!("cannot write {}", self.timeseries.path.display()))?;
        self.timeseries.rows.push(rows);
        let rows = write_latency(&mut self.latency.out, run)
            .with_context(|| format!("cannot write {}", self.latency.path.display()))?;
        self.latency.rows.push(rows);
        if let Some(alarms) = &mut self.alarms {
            let rows = write_alarms(&mut alarms.out, run)
                .with_context(|| format!("cannot write {}", alarms.path.display()))?;
            alarms.rows.push(rows);
        }
        Ok(())
    }

    /// Flushes the files; returns each one's SHA-256 and rows per run, for
    /// the manifest.
    pub fn finish(self) -> Result<BTreeMap<String, FileRecord>> {
        let mut files = BTreeMap::new();
        let sinks = [self.summary, self.components, self.latency];
        for sink in sinks.into_iter().chain(self.alarms) {
            let context = || format!("cannot write {}", sink.path.display());
            let hashing = sink
                .out
                .into_inner()
                .map_err(|e| e.into_error())
                .with_context(context)?;
            let (_, sha256) = hashing.finish().with_context(context)?;
            files.insert(
                file_name(&sink.path),
                FileRecord {
                    sha256,
                    rows: sink.rows,
                },
            );
        }
        let t = self.timeseries;
        let (_, sha256) = t
            .out
            .finish()
            .with_context(|| format!("cannot write {}", t.path.display()))?;
        files.insert(
            file_name(&t.path),
            FileRecord {
                sha256,
                rows: t.rows,
            },
        );
        Ok(files)
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// `summary.csv`'s columns after `design` and the axes.
const SUMMARY_COLUMNS: [&str; 29] = [
    "replication",
    "seed",
    "requests",
    "completed",
    "failed",
    "lost",
    "pending",
    "response_mean_ms",
    "response_p50_ms",
    "response_p90_ms",
    "response_p99_ms",
    "response_p999_ms",
    "response_max_ms",
    "completion_mean_ms",
    "completion_p50_ms",
    "completion_p99_ms",
    "throughput_rps",
    "cost_usd",
    "cost_per_million_usd",
    "retries",
    "timeouts",
    "response_p99_all_ms",
    "completion_p99_all_ms",
    "goodput_rps",
    "monthly_cost_usd",
    "cost_per_million_completed_usd",
    // 1 when a backlog reached its limit and the run ended there, unstable
    // at this load (which component, when); else 0 and empty cells.
    "unstable",
    "unstable_component",
    "unstable_at_s",
];

/// `components.csv`'s columns after `design` and the axes.
const COMPONENT_COLUMNS: [&str; 13] = [
    "replication",
    "component",
    "kind",
    "handled",
    "errors",
    "utilization",
    "mean_wait_ms",
    "max_queue",
    "cold_starts",
    "instances_max",
    "cost_usd",
    "instance_hours",
    "monthly_cost_usd",
];

/// A row's first cells: the design and the swept values.
fn key_cells(run: &RunRecord<'_>) -> Vec<String> {
    let mut row: Vec<String> = vec![run.result.design.clone()];
    row.extend(run.point.iter().map(|v| cell(v)));
    row
}

/// `summary.csv`: one row per sweep point × design × replication.
fn write_summary<W: Write>(w: &mut csv::Writer<W>, run: &RunRecord<'_>) -> Result<u64> {
    let r = run.result;
    let mut row = key_cells(run);
    row.extend([
        r.replication.to_string(),
        r.seed.to_string(),
        r.requests.to_string(),
        r.completed.to_string(),
        r.failed.to_string(),
        r.lost.to_string(),
        r.pending.to_string(),
        num(r.response.mean, 3),
        num(r.response.p50, 3),
        num(r.response.p90, 3),
        num(r.response.p99, 3),
        num(r.response.p999, 3),
        num(r.response.max, 3),
        num(r.completion.mean, 3),
        num(r.completion.p50, 3),
        num(r.completion.p99, 3),
        num(r.throughput_rps, 3),
        num(r.cost_usd, 6),
        num(r.cost_per_million(), 6),
        r.retries.to_string(),
        r.timeouts.to_string(),
        num(r.response_p99_all_ms, 3),
        num(r.completion_p99_all_ms, 3),
        num(r.goodput_rps, 3),
        num(r.monthly_cost_usd, 6),
        num(r.cost_per_million_completed(), 6),
    ]);
    match &r.unstable {
        None => row.extend(["0".to_string(), String::new(), String::new()]),
        Some(u) => row.extend([
            "1".to_string(),
            u.component.clone(),
            num(u.at.as_secs_f64(), 3),
        ]),
    }
    w.write_record(&row)?;
    Ok(1)
}

/// `components.csv`: one row per run × component.
fn write_components<W: Write>(w: &mut csv::Writer<W>, run: &RunRecord<'_>) -> Result<u64> {
    let r = run.result;
    for c in &r.components {
        let mut row = key_cells(run);
        row.extend([
            r.replication.to_string(),
            c.name.clone(),
            c.kind.clone(),
            c.handled.to_string(),
            c.errors.to_string(),
            num(c.utilization, 6),
            num(c.mean_wait_ms, 3),
            c.max_queue.to_string(),
            c.cold_starts.to_string(),
            c.instances_max.to_string(),
            num(c.cost_usd, 6),
            num(c.instance_hours, 6),
            num(c.monthly_cost_usd, 6),
        ]);
        w.write_record(&row)?;
    }
    Ok(r.components.len() as u64)
}

/// `timeseries.csv`, tidy: one row per run × interval × component × metric.
fn write_timeseries<W: Write>(out: &mut W, run: &RunRecord<'_>) -> Result<u64> {
    let r = run.result;
    let mut prefix = csv_escape(&r.design);
    for v in run.point {
        prefix.push(',');
        prefix.push_str(&csv_escape(&cell(v)));
    }
    for s in &r.samples {
        writeln!(
            out,
            "{prefix},{},{},{},{},{}",
            r.replication,
            num(s.time.as_secs_f64(), 3),
            csv_escape(&r.series_names[s.component as usize]),
            r.metric_name(s),
            num(s.value, 6)
        )?;
    }
    Ok(r.samples.len() as u64)
}

/// `alarms.csv`: per run, every change of state of every alarm, in time
/// order per alarm.
fn write_alarms<W: Write>(w: &mut csv::Writer<W>, run: &RunRecord<'_>) -> Result<u64> {
    let mut rows = 0;
    for c in &run.result.components {
        for t in &c.transitions {
            let mut row = key_cells(run);
            row.extend([
                run.result.replication.to_string(),
                num(t.time.as_secs_f64(), 3),
                c.name.clone(),
                t.from.to_string(),
                t.to.to_string(),
                t.datapoint.map_or(String::new(), |v| num(v, 6)),
                t.notifications.to_string(),
            ]);
            w.write_record(&row)?;
            rows += 1;
        }
    }
    Ok(rows)
}

/// `latency.csv`: per run, the response and completion time at each of
/// [`LATENCY_QUANTILES`], the data of the latency distribution charts.
fn write_latency<W: Write>(w: &mut csv::Writer<W>, run: &RunRecord<'_>) -> Result<u64> {
    let r = run.result;
    for (i, q) in LATENCY_QUANTILES.iter().enumerate() {
        let mut row = key_cells(run);
        row.extend([
            r.replication.to_string(),
            q.to_string(),
            num(r.response.quantiles.get(i).copied().unwrap_or(0.0), 3),
            num(r.completion.quantiles.get(i).copied().unwrap_or(0.0), 3),
        ]);
        w.write_record(&row)?;
    }
    Ok(LATENCY_QUANTILES.len() as u64)
}
