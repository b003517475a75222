//! The CSV files of a run's results, written from finished runs.
//!
//! Numbers are written with fixed precision so that the bytes depend only on
//! the results, and rows come in a fixed order (sweep point, design,
//! replication), whatever order the runs finished in.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};

use super::format::{cell, csv_escape, num};
use crate::stats::{LATENCY_QUANTILES, RunResult};

/// One finished run and the sweep point it belongs to.
#[derive(Clone, Debug)]
pub struct RunRecord {
    /// The swept values of this run's point, one per axis (empty without a sweep).
    pub point: Vec<String>,
    /// The run's results.
    pub result: RunResult,
}

fn writer(path: &Path) -> Result<csv::Writer<fs::File>> {
    csv::Writer::from_path(path).with_context(|| format!("cannot write {}", path.display()))
}

/// Writes `summary.csv`: one row per sweep point × design × replication.
pub fn write_summary(path: &Path, axes: &[String], runs: &[RunRecord]) -> Result<()> {
    let mut w = writer(path)?;
    let mut header: Vec<String> = vec!["design".into()];
    header.extend(axes.iter().cloned());
    header.extend(
        [
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
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for run in runs {
        let r = &run.result;
        let mut row: Vec<String> = vec![r.design.clone()];
        row.extend(run.point.iter().map(|v| cell(v)));
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
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// Writes `components.csv`: one row per run × component.
pub fn write_components(path: &Path, axes: &[String], runs: &[RunRecord]) -> Result<()> {
    let mut w = writer(path)?;
    let mut header: Vec<String> = vec!["design".into()];
    header.extend(axes.iter().cloned());
    header.extend(
        [
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
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for run in runs {
        let r = &run.result;
        for c in &r.components {
            let mut row: Vec<String> = vec![r.design.clone()];
            row.extend(run.point.iter().map(|v| cell(v)));
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
    }
    w.flush()?;
    Ok(())
}

/// Writes `timeseries.csv`, tidy: one row per run × interval × component × metric.
pub fn write_timeseries(path: &Path, axes: &[String], runs: &[RunRecord]) -> Result<()> {
    let file =
        fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut out = std::io::BufWriter::new(file);
    let mut header = String::from("design");
    for a in axes {
        header.push(',');
        header.push_str(&csv_escape(a));
    }
    header.push_str(",replication,time_s,component,metric,value\n");
    out.write_all(header.as_bytes())?;
    for run in runs {
        let r = &run.result;
        let mut prefix = csv_escape(&r.design);
        for v in &run.point {
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
    }
    out.flush()?;
    Ok(())
}

/// Writes `latency.csv`: per run, the response and completion time at each
/// of [`LATENCY_QUANTILES`], the data of the latency distribution charts.
pub fn write_latency(path: &Path, axes: &[String], runs: &[RunRecord]) -> Result<()> {
    let mut w = writer(path)?;
    let mut header: Vec<String> = vec!["design".into()];
    header.extend(axes.iter().cloned());
    header.extend(["replication", "quantile", "response_ms", "completion_ms"].map(String::from));
    w.write_record(&header)?;
    for run in runs {
        let r = &run.result;
        for (i, q) in LATENCY_QUANTILES.iter().enumerate() {
            let mut row: Vec<String> = vec![r.design.clone()];
            row.extend(run.point.iter().map(|v| cell(v)));
            row.extend([
                r.replication.to_string(),
                q.to_string(),
                num(r.response.quantiles.get(i).copied().unwrap_or(0.0), 3),
                num(r.completion.quantiles.get(i).copied().unwrap_or(0.0), 3),
            ]);
            w.write_record(&row)?;
        }
    }
    w.flush()?;
    Ok(())
}
