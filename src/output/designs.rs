//! `designs.csv` and `comparisons.csv`: every design at every sweep point
//! summarised over its replications (mean and 95% confidence interval), the
//! paired differences from the baseline design, and the verdict of the SLO.
//!
//! Everything here is computed from `summary.csv` and `manifest.json` as
//! written, never from the runs in memory, so that a folder merged from
//! shards gets the very bytes a single run writes.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Serialize;

use super::confidence::mean_ci;
use super::format::num;
use super::integrity::BadFolder;
use super::language::RequestsCalled;
use super::manifest::{Manifest, read_manifest};
use super::measure::Measure;
use super::slo::Verdict;
use super::varying::varying_axes;

/// One row of `summary.csv`, with the derived metrics.
#[derive(Clone, Debug, PartialEq)]
struct Run {
    design: String,
    point: Vec<String>,
    replication: u32,
    values: [f64; Measure::COUNT],
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
    /// Per measure of [`Measure::ALL`]: the mean and the 95% interval (NaN bounds
    /// with one replication).
    pub mean: Vec<f64>,
    /// Lower bounds.
    pub low: Vec<f64>,
    /// Upper bounds.
    pub high: Vec<f64>,
    /// The SLO's verdict, when there is an SLO.
    pub slo: Option<Verdict>,
}

impl DesignRow {
    /// Some request completed: a design that completed nothing is never
    /// the answer, however cheap.
    pub fn completed_any(&self) -> bool {
        self.mean[Measure::Completed.index()] > 0.0
    }

    /// A row for the tests of what reads rows: the given means (0 for the
    /// other measures), no intervals, and an SLO verdict `pass` with no
    /// margin.
    #[cfg(test)]
    pub(crate) fn for_tests(
        design: &str,
        point: &str,
        replications: usize,
        values: &[(Measure, f64)],
        pass: bool,
    ) -> DesignRow {
        let mut mean = vec![0.0; Measure::COUNT];
        for (m, v) in values {
            mean[m.index()] = *v;
        }
        DesignRow {
            design: design.into(),
            point: if point.is_empty() {
                Vec::new()
            } else {
                vec![point.into()]
            },
            replications,
            low: vec![f64::NAN; Measure::COUNT],
            high: vec![f64::NAN; Measure::COUNT],
            mean,
            slo: Some(Verdict {
                pass,
                margin: 0.0,
                binding: String::new(),
            }),
        }
    }
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
    /// The measure.
    pub metric: Measure,
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
    /// The row with the lowest monthly bill that meets the SLO, completed
    /// requests and kept within the failure budget (index into `rows`).
    pub answer: Option<usize>,
    /// An SLO was given.
    pub has_slo: bool,
    /// The designs answered before their work is done: their headline
    /// latency is completion.
    pub answers_early: Vec<String>,
    /// What the scenario calls its requests.
    pub requests_called: RequestsCalled,
}

impl Summary {
    /// The latency that heads design `design`'s figures: completion p99
    /// over all requests when its client is answered before the work is
    /// done, response p99 over all requests otherwise.
    pub fn headline(&self, design: &str) -> Measure {
        if self.answers_early.iter().any(|d| d == design) {
            Measure::CompletionP99AllMs
        } else {
            Measure::ResponseP99AllMs
        }
    }

    /// The swept keys (indices into `axes`) whose values change `design`'s
    /// results: those its rows should be named by.
    pub fn varying_axes(&self, design: &str) -> Vec<usize> {
        let mut points: Vec<Vec<String>> = Vec::new();
        let mut results: Vec<Option<Vec<u64>>> = Vec::new();
        for r in self.rows.iter().filter(|r| r.design == design) {
            points.push(r.point.clone());
            // Bits, so that two NaN means compare equal.
            results.push(Some(r.mean.iter().map(|m| m.to_bits()).collect()));
        }
        varying_axes(&points, &results)
    }
}

/// Reads `summary.csv` and `manifest.json` in `dir` and summarises them.
pub fn summarise(dir: &Path) -> Result<Summary> {
    let manifest =
        read_manifest(&dir.join("manifest.json")).map_err(|e| BadFolder(format!("{e:#}")))?;
    let runs = read_runs(&dir.join("summary.csv"), &manifest)?;
    Ok(summarise_runs(&manifest, &runs))
}

fn read_runs(path: &Path, manifest: &Manifest) -> Result<Vec<Run>> {
    let bad = |why: String| BadFolder(format!("{}: {why}", path.display()));
    let mut reader =
        csv::Reader::from_path(path).with_context(|| format!("cannot read {}", path.display()))?;
    let header = reader.headers().map_err(|e| bad(e.to_string()))?.clone();
    let column = |name: &str| -> Result<usize> {
        match header.iter().position(|h| h == name) {
            Some(i) => Ok(i),
            None => bail!(bad(format!("no column `{name}`"))),
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
    let direct: Vec<(usize, usize)> = Measure::ALL
        .iter()
        .filter(|m| !m.is_derived() && **m != Measure::Unstable)
        .map(|m| Ok((m.index(), column(m.name())?)))
        .collect::<Result<_>>()?;
    // Absent from the folders of versions that ran every run to its end.
    let unstable = header.iter().position(|h| h == Measure::Unstable.name());
    let mut runs = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| bad(e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: usize| record.get(i).unwrap_or_default();
        let mut values = [f64::NAN; Measure::COUNT];
        for &(m, c) in &direct {
            values[m] = field(c).parse().map_err(|_| {
                bad(format!(
                    "line {line}: `{}` is not a number",
                    field(c).escape_debug()
                ))
            })?;
        }
        let requests = values[Measure::Requests.index()];
        values[Measure::ErrorRate.index()] = if requests > 0.0 {
            values[Measure::Failed.index()] / requests
        } else {
            0.0
        };
        values[Measure::Unstable.index()] = match unstable {
            None => 0.0,
            Some(c) => match field(c) {
                "0" => 0.0,
                "1" => 1.0,
                other => bail!(bad(format!(
                    "line {line}: `unstable` is 0 or 1, not `{}`",
                    other.escape_debug()
                ))),
            },
        };
        runs.push(Run {
            design: field(design).to_string(),
            point: axes.iter().map(|&i| field(i).to_string()).collect(),
            replication: field(replication)
                .parse()
                .map_err(|_| bad(format!("line {line}: bad replication")))?,
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
        for m in 0..Measure::COUNT {
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
        for (m, &name) in Measure::ALL.iter().enumerate() {
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
    let monthly = Measure::MonthlyCostUsd.index();
    // A design over its failure budget is never the answer, even under an
    // SLO that sets only a bill or a latency it happens to meet.
    let answer = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| {
            r.slo.as_ref().is_some_and(|v| v.pass)
                && r.completed_any()
                && slo.means_within_failure_budget(&r.mean)
        })
        .min_by(|a, b| a.1.mean[monthly].total_cmp(&b.1.mean[monthly]))
        .map(|(i, _)| i);
    Summary {
        axes: manifest.sweep_keys.clone(),
        baseline,
        rows,
        comparisons,
        answer,
        has_slo,
        answers_early: manifest.answers_early.clone(),
        requests_called: manifest.requests_called.clone(),
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
    for m in Measure::ALL.map(Measure::name) {
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
        for m in 0..Measure::COUNT {
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
            c.metric.name().to_string(),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::slo::SloTargets;

    fn run(design: &str, replication: u32, p99: f64, cost: f64) -> Run {
        let mut values = [0.0; Measure::COUNT];
        values[Measure::Requests.index()] = 100.0;
        values[Measure::Completed.index()] = 100.0;
        values[Measure::ResponseP99Ms.index()] = p99;
        values[Measure::ResponseP99AllMs.index()] = p99;
        values[Measure::CostUsd.index()] = cost;
        values[Measure::MonthlyCostUsd.index()] = cost * 730.0;
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
        let p99 = Measure::ResponseP99Ms.index();
        assert!((s.rows[0].high[p99] - s.rows[0].low[p99]) > 400.0);
        let c = s
            .comparisons
            .iter()
            .find(|c| c.metric == Measure::ResponseP99Ms)
            .unwrap();
        assert!((c.diff_mean - 10.0).abs() < 1e-9);
        assert!(c.diff_high - c.diff_low < 10.0);
        assert_eq!(c.significant, Some(true));
        // Both designs meet 220 ms on average; `a` is cheaper.
        assert_eq!(s.answer, Some(0));
        // A design that completed nothing is never the answer, however cheap.
        let mut idle = runs.to_vec();
        for r in idle.iter_mut().filter(|r| r.design == "a") {
            r.values[Measure::Completed.index()] = 0.0;
        }
        assert_eq!(summarise_runs(&manifest, &idle).answer, Some(1));
        // Nor is one that fails more than its budget (1% without an
        // `error_rate`), though it meets the latency target.
        let mut failing = runs.to_vec();
        for r in failing.iter_mut().filter(|r| r.design == "a") {
            r.values[Measure::Failed.index()] = 2.0;
        }
        assert_eq!(summarise_runs(&manifest, &failing).answer, Some(1));
        for r in failing.iter_mut().filter(|r| r.design == "a") {
            r.values[Measure::Failed.index()] = 1.0;
        }
        assert_eq!(summarise_runs(&manifest, &failing).answer, Some(0));
    }
}
