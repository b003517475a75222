//! The CSV files and the manifest, written from finished runs.
//!
//! Numbers are written with fixed precision so that the bytes depend only on
//! the results, and rows come in a fixed order (sweep point, design,
//! replication), whatever order the runs finished in.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, Result};
use serde::Serialize;

use super::designs::SloTargets;
use crate::scenario::{Fault, FaultKind};
use crate::stats::{LATENCY_QUANTILES, RunResult};

/// One finished run and the sweep point it belongs to.
#[derive(Clone, Debug)]
pub struct RunRecord {
    /// The swept values of this run's point, one per axis (empty without a sweep).
    pub point: Vec<String>,
    /// The run's results.
    pub result: RunResult,
}

/// `x` with `decimals` digits after the point, without `-0`.
pub fn num(x: f64, decimals: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "inf".into()
        } else {
            "-inf".into()
        };
    }
    let s = format!("{x:.decimals$}");
    if s.starts_with('-') && s[1..].chars().all(|c| c == '0' || c == '.') {
        s[1..].to_string()
    } else {
        s
    }
}

/// A sweep value as a CSV cell: TOML strings lose their quotes.
pub fn cell(value: &str) -> String {
    value.trim_matches('"').to_string()
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

/// Quotes a CSV field when it needs it.
fn csv_escape(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// What `manifest.json` records: enough to repeat the run, and to merge
/// shards and summarise without the scenario file.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Manifest {
    /// The stratosim version that wrote the folder.
    pub stratosim_version: String,
    /// The scenario's `name`.
    pub scenario: String,
    /// The scenario file as given on the command line.
    pub scenario_file: String,
    /// FNV-1a hash of the scenario text and the `--set` overrides.
    pub scenario_hash: String,
    /// The root seed.
    pub seed: u64,
    /// Replications per design and sweep point.
    pub replications: u32,
    /// The seed of each replication, in order.
    pub replication_seeds: Vec<u64>,
    /// The designs simulated.
    pub designs: Vec<String>,
    /// Designs left out, with the reason.
    pub skipped_designs: Vec<String>,
    /// The swept key paths.
    pub sweep_keys: Vec<String>,
    /// The number of sweep points.
    pub sweep_points: usize,
    /// The `--set` overrides.
    pub overrides: Vec<String>,
    /// The price catalog's region.
    pub catalog_region: String,
    /// The date the price catalog was compiled.
    pub catalog_date: String,
    /// The command line, without `--jobs` and `--shard` (which do not
    /// change results).
    pub command_line: Vec<String>,
    /// The swept values of each sweep point, as in the CSV files, in run order.
    pub sweep_values: Vec<Vec<String>>,
    /// The design the others are compared with.
    pub baseline: String,
    /// The scenario's `description`.
    pub description: String,
    /// The scenario's faults, for the charts' shaded windows.
    pub faults: Vec<FaultWindow>,
    /// The measured window: duration less warmup [s].
    pub window_s: f64,
    /// The SLO, when the scenario has one.
    #[serde(skip_serializing_if = "SloTargets::is_unset")]
    pub slo: SloTargets,
    /// [`Scenario::runs_key`](crate::scenario::Scenario::runs_key): a
    /// later run with more replications into the same folder reuses these.
    pub runs_key: String,
    /// `K/N` in the folder of one shard of a run; absent in a whole run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
}

/// One `[[faults]]` entry as `manifest.json` records it.
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct FaultWindow {
    /// The component's name.
    pub component: String,
    /// `outage` or `slowdown`.
    pub kind: String,
    /// The slowdown's factor on service times.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub factor: Option<f64>,
    /// Start [s of simulated time].
    pub start_s: f64,
    /// End [s of simulated time].
    pub end_s: f64,
}

impl FaultWindow {
    /// The window of a scenario's fault.
    pub fn of(fault: &Fault) -> FaultWindow {
        let (kind, factor) = match fault.kind {
            FaultKind::Outage => ("outage", None),
            FaultKind::Slowdown { factor } => ("slowdown", Some(factor)),
            FaultKind::ZoneOutage { .. } => ("zone_outage", None),
        };
        FaultWindow {
            component: fault.component.clone(),
            kind: kind.to_string(),
            factor,
            start_s: fault.at.as_secs_f64(),
            end_s: (fault.at + fault.duration).as_secs_f64(),
        }
    }
}

/// Writes `manifest.json`.
pub fn write_manifest(path: &Path, manifest: &Manifest) -> Result<()> {
    let mut text = serde_json::to_string_pretty(manifest)?;
    text.push('\n');
    fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_have_fixed_precision_and_no_negative_zero() {
        assert_eq!(num(1.23456, 3), "1.235");
        assert_eq!(num(-0.0001, 3), "0.000");
        assert_eq!(num(2.0, 0), "2");
        assert_eq!(csv_escape("a,b"), "\"a,b\"");
    }
}
