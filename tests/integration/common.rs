//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use stratosim::run::simulate;
use stratosim::scenario::{Scenario, load_str};
use stratosim::stats::RunResult;

/// Validates scenario text, panicking with the messages if it is invalid.
pub fn scenario(text: &str) -> Scenario {
    match load_str(text, Path::new("test.toml"), &[]) {
        Ok(s) => s,
        Err(e) => panic!("test scenario is invalid:\n{e}"),
    }
}

/// Every replication of design `design` of `s`, in parallel.
pub fn replications(s: &Scenario, design: usize) -> Vec<RunResult> {
    use rayon::prelude::*;
    (0..s.replications)
        .into_par_iter()
        .map(|r| simulate(s, design, r))
        .collect()
}

/// Mean and standard error of the mean of `values`.
pub fn mean_se(values: &[f64]) -> (f64, f64) {
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    let var = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    (mean, (var / n).sqrt())
}

/// Asserts that the replications' mean of a metric agrees with the exact
/// value: within `k` standard errors of the mean over replications (the
/// tolerance comes from the replications themselves), and the standard error
/// is small enough for the check to mean something (`max_rel_se`).
pub fn assert_agrees(what: &str, values: &[f64], exact: f64, k: f64, max_rel_se: f64) {
    let (mean, se) = mean_se(values);
    assert!(
        se <= max_rel_se * exact.abs(),
        "{what}: standard error {se:.4} too large for a meaningful check (mean {mean:.4})"
    );
    assert!(
        (mean - exact).abs() <= k * se,
        "{what}: simulated {mean:.4} ± {se:.4} (1 s.e.), exact {exact:.4}, off by {:.1} s.e.",
        (mean - exact).abs() / se
    );
}

/// The component report called `name` of a run.
pub fn component<'a>(r: &'a RunResult, name: &str) -> &'a stratosim::stats::ComponentReport {
    r.components
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no component {name}"))
}

/// The values of one metric of one series of a run, with their times [s].
pub fn series<'a>(
    r: &'a RunResult,
    name: &str,
    metric: &'a str,
) -> impl Iterator<Item = (f64, f64)> + 'a {
    let c = r
        .series_names
        .iter()
        .position(|n| n == name)
        .unwrap_or_else(|| panic!("no series {name}")) as u32;
    r.samples
        .iter()
        .filter(move |s| s.component == c && r.metric_name(s) == metric)
        .map(|s| (s.time.as_secs_f64(), s.value))
}

/// The sum of a metric over the intervals ending in `(from, to]` seconds.
pub fn series_sum(r: &RunResult, name: &str, metric: &str, from: f64, to: f64) -> f64 {
    series(r, name, metric)
        .filter(|&(t, _)| t > from && t <= to)
        .map(|(_, v)| v)
        .sum()
}

/// The sum of a metric over the whole run.
pub fn total(r: &RunResult, name: &str, metric: &str) -> f64 {
    series_sum(r, name, metric, f64::NEG_INFINITY, f64::INFINITY)
}

/// The last value of a metric (a gauge at the end of the run).
pub fn last(r: &RunResult, name: &str, metric: &str) -> f64 {
    series(r, name, metric).last().map_or(f64::NAN, |(_, v)| v)
}

/// The mean of a metric over the intervals ending after `from` seconds.
pub fn mean_after(r: &RunResult, name: &str, metric: &str, from: f64) -> f64 {
    let v: Vec<f64> = series(r, name, metric)
        .filter(|&(t, _)| t > from)
        .map(|(_, v)| v)
        .collect();
    v.iter().sum::<f64>() / v.len() as f64
}

/// Runs the stratosim binary.
pub fn stratosim(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_stratosim"))
        .args(args)
        .output()
        .expect("the stratosim binary runs")
}

/// The repository's root folder.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The contract's examples, as copied into `scenarios/contract/` (kept in
/// step with `../shared/spec/examples` by a test when that folder exists).
pub fn contract_examples() -> PathBuf {
    repo().join("scenarios/contract")
}

/// The shipped scenarios: `scenarios/*.toml` and the contract's examples.
pub fn shipped_scenarios() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for dir in [repo().join("scenarios"), contract_examples()] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "toml") {
                all.push(path);
            }
        }
    }
    all.sort();
    all
}

/// Erlang C: the probability that an arrival waits in M/M/c with offered load `a` = λ/μ.
pub fn erlang_c(c: u32, a: f64) -> f64 {
    // Erlang B by the stable recursion, then C from B.
    let mut b = 1.0;
    for k in 1..=c {
        b = a * b / (f64::from(k) + a * b);
    }
    let rho = a / f64::from(c);
    b / (1.0 - rho + rho * b)
}

/// Whether the tests run in CI (the `CI` environment variable is set, and
/// not to `0` or `false`): there every check must run.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.as_str(), "" | "0" | "false"))
}

/// Called by a test that cannot run its check here (`what`, because of
/// `why`): in CI this fails the test, elsewhere it says why it skips. (Only
/// slow tests have such checks today.)
#[cfg(feature = "slow-tests")]
pub fn cannot_check(what: &str, why: &str) {
    assert!(!in_ci(), "CI is set, so {what} must be checked, but {why}");
    note(&format!(
        "{what} not checked ({why}); with CI set this fails"
    ));
}

/// Says something on stderr even when the test passes (the test harness
/// captures `eprintln!`, not the stream itself).
pub fn note(text: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "note: {text}");
}

/// The figures a lesson scenario's comments quote as percentages inside
/// `(the run: …)`, in order of appearance (comment markers and line
/// breaks inside the parentheses are skipped).
pub fn quoted_run_figures(path: &Path) -> Vec<f64> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut figures = Vec::new();
    for rest in text.split("(the run: ").skip(1) {
        let inside = rest.split(')').next().unwrap();
        for token in inside.split_whitespace() {
            if let Some((number, _)) = token.split_once('%') {
                let number = number.replace(',', "");
                figures.push(
                    number
                        .parse()
                        .unwrap_or_else(|_| panic!("figure {number:?}")),
                );
            }
        }
    }
    figures
}

/// The mean over a design's replications of its failed requests [%].
pub fn failed_percent(s: &Scenario, design: usize) -> f64 {
    let runs = replications(s, design);
    let sum: f64 = runs
        .iter()
        .map(|r| 100.0 * r.failed as f64 / r.requests as f64)
        .sum();
    sum / runs.len() as f64
}
