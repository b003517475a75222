//! Lessons that cannot go stale: every figure a shipped scenario's comments
//! or lesson quote is listed in `scenarios/expected/<name>.toml` with its
//! tolerance, and checked against a run of the scenario (at a reduced size
//! where the file says so).
//!
//! A figure names the text it is quoted as (`quote`, which must appear in
//! the scenario file, comment markers and line breaks aside), where to read
//! it (`file`: `summary`, `components`, `timeseries` or `alarms`; `design`,
//! and `component` (for `alarms`, the alarm), `at` for a sweep point or any
//! other column's value, such as `{ to = "ALARM" }` in `alarms.csv`, or a
//! list of values any of which matches: the intervals of several bursts,
//! say), the `column` (for `timeseries`, the
//! metric), the `value` quoted and how far the mean over replications (and
//! over intervals for a time series, or its last interval with
//! `statistic = "last"`) may lie from it (`within`, in the column's unit).
//! A figure may give its own `set` (`--set` overrides, e.g. the "try this"
//! of a comment): runs with the same overrides are shared.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::common::repo;
#[cfg(feature = "slow-tests")]
use crate::common::stratosim;

/// One `scenarios/expected/<name>.toml`.
// Read only by the slow check of the figures (feature `slow-tests`).
#[cfg_attr(not(feature = "slow-tests"), allow(dead_code))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    /// Replications of the check's runs (the scenario's own when absent).
    replications: Option<u32>,
    /// `--set` overrides of every run (a shorter duration, say).
    #[serde(default)]
    set: Vec<String>,
    figure: Vec<Figure>,
}

// Read only by the slow check of the figures.
#[cfg_attr(not(feature = "slow-tests"), allow(dead_code))]
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Figure {
    quote: String,
    #[serde(default = "summary")]
    file: String,
    design: String,
    component: Option<String>,
    /// Columns and their values, as the CSV writes them: a sweep point, a
    /// replication, an interval's `time_s`.
    #[serde(default)]
    at: BTreeMap<String, OneOrMore>,
    column: String,
    /// `mean` (default) or, for a time series, `last`.
    statistic: Option<String>,
    value: f64,
    within: f64,
    /// More `--set` overrides for this figure's run.
    #[serde(default)]
    set: Vec<String>,
}

#[cfg_attr(not(feature = "slow-tests"), allow(dead_code))]
/// A value, or a list of values any of which matches.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMore {
    One(String),
    More(Vec<String>),
}

#[cfg_attr(not(feature = "slow-tests"), allow(dead_code))]
impl OneOrMore {
    fn matches(&self, v: &str) -> bool {
        match self {
            OneOrMore::One(one) => one == v,
            OneOrMore::More(more) => more.iter().any(|m| m == v),
        }
    }
}

fn summary() -> String {
    "summary".into()
}

/// The shipped lesson scenarios and their expected figures.
fn shipped() -> Vec<(PathBuf, PathBuf)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("scenarios"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|s| {
            let stem = s.file_stem().unwrap().to_owned();
            let expected = repo()
                .join("scenarios/expected")
                .join(stem)
                .with_extension("toml");
            (s, expected)
        })
        .collect()
}

fn read_expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e} (every shipped scenario has one)", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Text with comment markers and line breaks folded into single spaces, so
/// that a quote may run over a comment's line break.
fn folded(text: &str) -> String {
    text.lines()
        .map(|l| l.trim_start().trim_start_matches('#'))
        .collect::<Vec<_>>()
        .join(" ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_shipped_scenario_lists_the_figures_it_quotes() {
    for (scenario, expected) in shipped() {
        let e = read_expected(&expected);
        assert!(!e.figure.is_empty(), "{}: no figure", expected.display());
        let text = folded(&std::fs::read_to_string(&scenario).unwrap());
        for f in &e.figure {
            assert!(
                text.contains(&folded(&f.quote)),
                "{}: the quote {:?} is not in {}",
                expected.display(),
                f.quote,
                scenario.display()
            );
            assert!(
                matches!(
                    f.file.as_str(),
                    "summary" | "components" | "timeseries" | "alarms"
                ),
                "{}: file {:?} (summary, components, timeseries or alarms)",
                expected.display(),
                f.file
            );
            assert_eq!(
                f.component.is_some(),
                f.file != "summary",
                "{}: {:?}: a component exactly for components.csv, timeseries.csv and alarms.csv",
                expected.display(),
                f.quote
            );
            assert!(f.within >= 0.0, "{}: {:?}", expected.display(), f.quote);
            assert!(
                match f.statistic.as_deref() {
                    None | Some("mean") => true,
                    Some("last") => f.file == "timeseries",
                    Some(_) => false,
                },
                "{}: {:?}: statistic mean, or last for a time series",
                expected.display(),
                f.quote
            );
        }
    }
}

/// The mean over replications of `f`'s column in the folder `out`.
#[cfg(feature = "slow-tests")]
fn measured(out: &Path, f: &Figure) -> f64 {
    let path = out.join(format!("{}.csv", f.file));
    let mut reader = csv::Reader::from_path(&path).unwrap();
    let headers = reader.headers().unwrap().clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", path.display()))
    };
    let series = f.file == "timeseries";
    let value = column(if series { "value" } else { &f.column });
    let mut wanted = vec![(column("design"), f.design.as_str())];
    if series {
        wanted.push((column("metric"), f.column.as_str()));
    }
    if let Some(c) = &f.component {
        let by = if f.file == "alarms" {
            "alarm"
        } else {
            "component"
        };
        wanted.push((column(by), c.as_str()));
    }
    let at: Vec<(usize, &OneOrMore)> = f.at.iter().map(|(k, v)| (column(k), v)).collect();
    let rows: Vec<csv::StringRecord> = reader
        .records()
        .map(|r| r.unwrap())
        .filter(|r| wanted.iter().all(|(i, v)| &r[*i] == *v))
        .filter(|r| at.iter().all(|(i, v)| v.matches(&r[*i])))
        .collect();
    let number = |r: &csv::StringRecord, i: usize| r[i].parse::<f64>().unwrap();
    let values: Vec<f64> = if f.statistic.as_deref() == Some("last") {
        let time = column("time_s");
        let end = rows.iter().map(|r| number(r, time)).fold(0.0, f64::max);
        rows.iter()
            .filter(|r| number(r, time) == end)
            .map(|r| number(r, value))
            .collect()
    } else {
        rows.iter().map(|r| number(r, value)).collect()
    };
    assert!(
        !values.is_empty(),
        "{}: no row for {:?}",
        path.display(),
        f.quote
    );
    values.iter().sum::<f64>() / values.len() as f64
}

#[cfg(feature = "slow-tests")]
#[test]
fn the_figures_shipped_lessons_quote_are_what_they_give() {
    let dir = std::env::temp_dir().join(format!("stratosim-lessons-{}", std::process::id()));
    let mut wrong = Vec::new();
    for (scenario, expected) in shipped() {
        let e = read_expected(&expected);
        // One run per distinct set of overrides.
        let mut runs: BTreeMap<Vec<String>, PathBuf> = BTreeMap::new();
        for f in &e.figure {
            let mut set = e.set.clone();
            set.extend(f.set.iter().cloned());
            let n = runs.len();
            let out = runs.entry(set.clone()).or_insert_with(|| {
                let out = dir.join(format!(
                    "{}-{n}",
                    scenario.file_stem().unwrap().to_string_lossy()
                ));
                let mut args = vec![
                    "run".to_string(),
                    scenario.to_string_lossy().into_owned(),
                    "--out".into(),
                    out.to_string_lossy().into_owned(),
                    "--quiet".into(),
                    "--no-charts".into(),
                ];
                if let Some(r) = e.replications {
                    args.extend(["--replications".into(), r.to_string()]);
                }
                for s in &set {
                    args.extend(["--set".into(), s.clone()]);
                }
                let args: Vec<&str> = args.iter().map(String::as_str).collect();
                let o = stratosim(&args);
                assert!(
                    o.status.success(),
                    "{}: {}",
                    scenario.display(),
                    String::from_utf8_lossy(&o.stderr)
                );
                out
            });
            let got = measured(out, f);
            if (got - f.value).abs() > f.within {
                wrong.push(format!(
                    "{}: {:?} ({} {}{}): quoted {} ± {}, the run gives {got:.4}",
                    scenario.file_name().unwrap().to_string_lossy(),
                    f.quote,
                    f.design,
                    f.component
                        .as_deref()
                        .map_or(String::new(), |c| format!("{c} ")),
                    f.column,
                    f.value,
                    f.within
                ));
            }
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(wrong.is_empty(), "stale figures:\n{}", wrong.join("\n"));
}
