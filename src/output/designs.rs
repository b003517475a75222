//! `designs.csv` and `comparisons.csv`: every design at every sweep point
//! summarised over its replications (mean and 95% confidence interval), the
//! paired differences from the baseline design, and the verdict of the SLO.
//!
//! Everything here is computed from `summary.csv` and `manifest.json` as
//! written, never from the runs in memory, so that a folder merged from
//! shards gets the very bytes a single run writes.

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::csv_files::{Manifest, num};
use super::table::mean_ci;

/// Hours in the month AWS prices by.
const HOURS_PER_MONTH: f64 = 730.0;

/// The metrics summarised, in column order.
pub const METRICS: [&str; 17] = [
    "requests",
    "completed",
    "failed",
    "lost",
    "pending",
    "error_rate",
    "response_mean_ms",
    "response_p50_ms",
    "response_p90_ms",
    "response_p99_ms",
    "response_p999_ms",
    "completion_mean_ms",
    "completion_p99_ms",
    "throughput_rps",
    "cost_usd",
    "cost_per_million_usd",
    "monthly_cost_usd",
];

/// Index of a metric in [`METRICS`].
pub fn metric(name: &str) -> usize {
    METRICS
        .iter()
        .position(|m| *m == name)
        .unwrap_or_else(|| unreachable!("unknown metric {name}"))
}

/// One row of `summary.csv`, with the derived metrics.
#[derive(Clone, Debug, PartialEq)]
struct Run {
    design: String,
    point: Vec<String>,
    replication: u32,
    values: [f64; METRICS.len()],
}

/// A design at a sweep point over its replications.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DesignRow {
    /// The design.
    pub design: String,
    /// The swept values (CSV cells), one per axis.
    pub point: Vec<String>,
    /// Replications summarised.
    pub replications: usize,
    /// Per metric of [`METRICS`]: the mean and the 95% interval (NaN bounds
    /// with one replication).
    pub mean: Vec<f64>,
    /// Lower bounds.
    pub low: Vec<f64>,
    /// Upper bounds.
    pub high: Vec<f64>,
    /// The SLO's verdict, when there is an SLO.
    pub slo: Option<Verdict>,
}

/// How a design row fares against the SLO.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// Every target met (by the mean over replications).
    pub pass: bool,
    /// The smallest relative headroom over the targets: (limit − value) /
    /// limit, negative when missed (an absolute headroom for a zero limit).
    pub margin: f64,
    /// The target with the smallest headroom.
    pub binding: String,
}

/// A design's paired difference from the baseline for one metric.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Comparison {
    /// The design.
    pub design: String,
    /// The swept values.
    pub point: Vec<String>,
    /// The baseline design.
    pub baseline: String,
    /// The metric.
    pub metric: &'static str,
    /// Mean of design − baseline over the replications both have.
    pub diff_mean: f64,
    /// 95% interval of the difference.
    pub diff_low: f64,
    /// Upper bound.
    pub diff_high: f64,
    /// The interval excludes zero; `None` with fewer than two replications.
    pub significant: Option<bool>,
}

/// What `designs.csv` and `comparisons.csv` hold, and the SLO's answer.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// The swept key paths.
    pub axes: Vec<String>,
    /// The baseline design.
    pub baseline: String,
    /// Design rows, in run order (sweep point, then design).
    pub rows: Vec<DesignRow>,
    /// Paired differences from the baseline.
    pub comparisons: Vec<Comparison>,
    /// The cheapest row that meets the SLO (index into `rows`).
    pub answer: Option<usize>,
    /// An SLO was given.
    pub has_slo: bool,
}

/// Reads `summary.csv` and `manifest.json` in `dir` and summarises them.
pub fn summarise(dir: &Path) -> Result<Summary> {
    let manifest = read_manifest(&dir.join("manifest.json"))?;
    let runs = read_runs(&dir.join("summary.csv"), &manifest)?;
    Ok(summarise_runs(&manifest, &runs))
}

/// Reads a folder's `manifest.json`.
pub fn read_manifest(path: &Path) -> Result<Manifest> {
    let text =
        fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text)
        .with_context(|| format!("{}: not a stratosim manifest", path.display()))
}

fn read_runs(path: &Path, manifest: &Manifest) -> Result<Vec<Run>> {
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = reader.headers()?.clone();
    let column = |name: &str| -> Result<usize> {
        match header.iter().position(|h| h == name) {
            Some(i) => Ok(i),
            None => bail!("{}: no column `{name}`", path.display()),
        }
    };
    let design = column("design")?;
    let replication = column("replication")?;
    let axes = manifest
        .sweep_keys
        .iter()
        .map(|k| column(k))
        .collect::<Result<Vec<_>>>()?;
    // The columns read directly; the derived metrics are computed below.
    let direct: Vec<(usize, usize)> = METRICS
        .iter()
        .enumerate()
        .filter(|(_, m)| !matches!(**m, "error_rate" | "monthly_cost_usd"))
        .map(|(i, m)| Ok((i, column(m)?)))
        .collect::<Result<_>>()?;
    let month = HOURS_PER_MONTH * 3600.0 / manifest.window_s.max(f64::MIN_POSITIVE);
    let mut runs = Vec::new();
    for (line, record) in reader.records().enumerate() {
        let record = record?;
        let field = |i: usize| record.get(i).unwrap_or_default();
        let mut values = [f64::NAN; METRICS.len()];
        for &(m, c) in &direct {
            values[m] = field(c).parse().with_context(|| {
                format!(
                    "{} line {}: `{}` is not a number",
                    path.display(),
                    line + 2,
                    field(c)
                )
            })?;
        }
        let requests = values[metric("requests")];
        values[metric("error_rate")] = if requests > 0.0 {
            values[metric("failed")] / requests
        } else {
            0.0
        };
        values[metric("monthly_cost_usd")] = values[metric("cost_usd")] * month;
        runs.push(Run {
            design: field(design).to_string(),
            point: axes.iter().map(|&i| field(i).to_string()).collect(),
            replication: field(replication).parse().with_context(|| {
                format!("{} line {}: bad replication", path.display(), line + 2)
            })?,
            values,
        });
    }
    Ok(runs)
}

fn summarise_runs(manifest: &Manifest, runs: &[Run]) -> Summary {
    // Groups in first-appearance order, which is run order.
    let mut order: Vec<(&str, &[String])> = Vec::new();
    let mut groups: HashMap<(&str, &[String]), Vec<&Run>> = HashMap::new();
    for r in runs {
        let key = (r.design.as_str(), r.point.as_slice());
        groups
            .entry(key)
            .or_insert_with(|| {
                order.push(key);
                Vec::new()
            })
            .push(r);
    }
    let slo = &manifest.slo;
    let has_slo = slo.is_set();
    let mut rows = Vec::new();
    for key in &order {
        let rs = &groups[key];
        let mut row = DesignRow {
            design: key.0.to_string(),
            point: key.1.to_vec(),
            replications: rs.len(),
            mean: Vec::new(),
            low: Vec::new(),
            high: Vec::new(),
            slo: None,
        };
        for m in 0..METRICS.len() {
            let values: Vec<f64> = rs.iter().map(|r| r.values[m]).collect();
            let (mean, half) = mean_ci(&values);
            row.mean.push(mean);
            row.low.push(mean - half);
            row.high.push(mean + half);
        }
        if has_slo {
            row.slo = Some(slo.judge(&row.mean));
        }
        rows.push(row);
    }
    let baseline = manifest.baseline.clone();
    let mut comparisons = Vec::new();
    for key in order.iter().filter(|k| k.0 != baseline) {
        let Some(base) = groups.get(&(baseline.as_str(), key.1)) else {
            continue;
        };
        let by_rep: HashMap<u32, &Run> = base.iter().map(|r| (r.replication, *r)).collect();
        let pairs: Vec<(&Run, &Run)> = groups[key]
            .iter()
            .filter_map(|r| by_rep.get(&r.replication).map(|b| (*r, *b)))
            .collect();
        if pairs.is_empty() {
            continue;
        }
        for (m, name) in METRICS.iter().enumerate() {
            let diffs: Vec<f64> = pairs
                .iter()
                .map(|(r, b)| r.values[m] - b.values[m])
                .collect();
            let (mean, half) = mean_ci(&diffs);
            comparisons.push(Comparison {
                design: key.0.to_string(),
                point: key.1.to_vec(),
                baseline: baseline.clone(),
                metric: name,
                diff_mean: mean,
                diff_low: mean - half,
                diff_high: mean + half,
                significant: (!half.is_nan()).then_some(mean - half > 0.0 || mean + half < 0.0),
            });
        }
    }
    let cost = metric("cost_usd");
    let answer = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.slo.as_ref().is_some_and(|v| v.pass))
        .min_by(|a, b| a.1.mean[cost].total_cmp(&b.1.mean[cost]))
        .map(|(i, _)| i);
    Summary {
        axes: manifest.sweep_keys.clone(),
        baseline,
        rows,
        comparisons,
        answer,
        has_slo,
    }
}

/// A bound of an interval as a cell: empty when unknown.
fn bound(x: f64) -> String {
    if x.is_nan() { String::new() } else { num(x, 6) }
}

fn yes_no(b: Option<bool>) -> &'static str {
    match b {
        Some(true) => "yes",
        Some(false) => "no",
        None => "",
    }
}

/// Writes `designs.csv` and `comparisons.csv` into `dir`.
pub fn write(dir: &Path, s: &Summary) -> Result<()> {
    let path = dir.join("designs.csv");
    let mut w = csv::Writer::from_path(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut header = vec!["design".to_string()];
    header.extend(s.axes.iter().cloned());
    header.extend(["replications", "slo_pass", "slo_margin", "slo_binding"].map(String::from));
    for m in METRICS {
        header.extend([format!("{m}_mean"), format!("{m}_low"), format!("{m}_high")]);
    }
    w.write_record(&header)?;
    for r in &s.rows {
        let mut row = vec![r.design.clone()];
        row.extend(r.point.iter().cloned());
        row.push(r.replications.to_string());
        row.push(yes_no(r.slo.as_ref().map(|v| v.pass)).to_string());
        row.push(r.slo.as_ref().map_or(String::new(), |v| num(v.margin, 6)));
        row.push(r.slo.as_ref().map_or(String::new(), |v| v.binding.clone()));
        for m in 0..METRICS.len() {
            row.extend([num(r.mean[m], 6), bound(r.low[m]), bound(r.high[m])]);
        }
        w.write_record(&row)?;
    }
    w.flush()?;

    let path = dir.join("comparisons.csv");
    let mut w = csv::Writer::from_path(&path)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let mut header = vec!["design".to_string()];
    header.extend(s.axes.iter().cloned());
    header.extend(
        [
            "baseline",
            "metric",
            "diff_mean",
            "diff_low",
            "diff_high",
            "significant",
        ]
        .map(String::from),
    );
    w.write_record(&header)?;
    for c in &s.comparisons {
        let mut row = vec![c.design.clone()];
        row.extend(c.point.iter().cloned());
        row.extend([
            c.baseline.clone(),
            c.metric.to_string(),
            num(c.diff_mean, 6),
            bound(c.diff_low),
            bound(c.diff_high),
            yes_no(c.significant).to_string(),
        ]);
        w.write_record(&row)?;
    }
    w.flush()?;
    Ok(())
}

/// The SLO as `manifest.json` records it: each target optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SloTargets {
    /// Most response p99 [ms].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_p99_ms: Option<f64>,
    /// Most completion p99 [ms].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_p99_ms: Option<f64>,
    /// Most failed requests over requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// Most lost requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<f64>,
    /// Most monthly bill [USD].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_budget_usd: Option<f64>,
}

impl SloTargets {
    /// The targets of a scenario's `[slo]`.
    pub fn of(slo: &crate::scenario::Slo) -> Self {
        SloTargets {
            response_p99_ms: slo.response_p99.map(|d| d.as_secs_f64() * 1e3),
            completion_p99_ms: slo.completion_p99.map(|d| d.as_secs_f64() * 1e3),
            error_rate: slo.error_rate,
            lost: slo.lost.map(|n| n as f64),
            monthly_budget_usd: slo.monthly_budget,
        }
    }

    /// True when at least one target is set.
    pub fn is_set(&self) -> bool {
        *self != SloTargets::default()
    }

    /// True when no target is set.
    pub fn is_unset(&self) -> bool {
        !self.is_set()
    }

    /// Each target with the metric it limits.
    fn targets(&self) -> [(&'static str, Option<f64>); 5] {
        [
            ("response_p99_ms", self.response_p99_ms),
            ("completion_p99_ms", self.completion_p99_ms),
            ("error_rate", self.error_rate),
            ("lost", self.lost),
            ("monthly_cost_usd", self.monthly_budget_usd),
        ]
    }

    /// The verdict on a row's means (indexed as [`METRICS`]). A latency
    /// target is missed when no request completed (NaN).
    pub fn judge(&self, means: &[f64]) -> Verdict {
        let mut verdict = Verdict {
            pass: true,
            margin: f64::INFINITY,
            binding: String::new(),
        };
        for (name, limit) in self.targets() {
            let Some(limit) = limit else {
                continue;
            };
            let value = means[metric(name)];
            let margin = if value.is_nan() {
                f64::NEG_INFINITY
            } else if limit > 0.0 {
                (limit - value) / limit
            } else {
                limit - value
            };
            if margin < 0.0 {
                verdict.pass = false;
            }
            if margin < verdict.margin || verdict.binding.is_empty() {
                verdict.margin = margin;
                verdict.binding = name.to_string();
            }
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn means(pairs: &[(&str, f64)]) -> Vec<f64> {
        let mut m = vec![0.0; METRICS.len()];
        for (k, v) in pairs {
            m[metric(k)] = *v;
        }
        m
    }

    #[test]
    fn the_verdict_names_the_tightest_target() {
        let slo = SloTargets {
            response_p99_ms: Some(200.0),
            monthly_budget_usd: Some(1000.0),
            ..SloTargets::default()
        };
        let v = slo.judge(&means(&[
            ("response_p99_ms", 150.0),
            ("monthly_cost_usd", 900.0),
        ]));
        assert!(v.pass);
        assert_eq!(v.binding, "monthly_cost_usd");
        assert!((v.margin - 0.1).abs() < 1e-12);
        let v = slo.judge(&means(&[
            ("response_p99_ms", 250.0),
            ("monthly_cost_usd", 10.0),
        ]));
        assert!(!v.pass);
        assert_eq!(v.binding, "response_p99_ms");
        assert!((v.margin + 0.25).abs() < 1e-12);
        let zero = SloTargets {
            lost: Some(0.0),
            ..SloTargets::default()
        };
        assert!(zero.judge(&means(&[])).pass);
        assert!(!zero.judge(&means(&[("lost", 0.5)])).pass);
    }

    fn run(design: &str, replication: u32, p99: f64, cost: f64) -> Run {
        let mut values = [0.0; METRICS.len()];
        values[metric("requests")] = 100.0;
        values[metric("response_p99_ms")] = p99;
        values[metric("cost_usd")] = cost;
        values[metric("monthly_cost_usd")] = cost * 730.0;
        Run {
            design: design.into(),
            point: Vec::new(),
            replication,
            values,
        }
    }

    #[test]
    fn paired_differences_cancel_what_the_replications_share() {
        // The replications vary a lot (common random numbers: both designs
        // see the same arrivals), the difference hardly at all.
        let runs = [
            run("a", 0, 100.0, 1.0),
            run("a", 1, 200.0, 1.0),
            run("a", 2, 300.0, 1.0),
            run("b", 0, 110.0, 2.0),
            run("b", 1, 211.0, 2.0),
            run("b", 2, 309.0, 2.0),
        ];
        let manifest = Manifest {
            baseline: "a".into(),
            slo: SloTargets {
                response_p99_ms: Some(220.0),
                ..SloTargets::default()
            },
            ..Manifest::default()
        };
        let s = summarise_runs(&manifest, &runs);
        assert_eq!(s.rows.len(), 2);
        let p99 = metric("response_p99_ms");
        assert!((s.rows[0].high[p99] - s.rows[0].low[p99]) > 400.0);
        let c = s
            .comparisons
            .iter()
            .find(|c| c.metric == "response_p99_ms")
            .unwrap();
        assert!((c.diff_mean - 10.0).abs() < 1e-9);
        assert!(c.diff_high - c.diff_low < 10.0);
        assert_eq!(c.significant, Some(true));
        // Both designs meet 220 ms on average; `a` is cheaper.
        assert_eq!(s.answer, Some(0));
    }
}
