//! Shipped scenarios with values replaced by others of the same shape (a
//! number by a number, a duration by a duration, a distribution by a
//! distribution, now and then anything): whatever loads also simulates,
//! without a panic, and its requests add up.
//!
//! The parser's own fuzz test checks that a bad value is refused on one
//! line; this one checks the values it accepts, at their edges (zero
//! workers, a 1 ns timeout, a day-long interval), in every kind of
//! component the scenarios use.

use proptest::prelude::*;
use stratosim::run::simulate;
use stratosim::scenario::{Override, load_str};

use crate::common::*;

const NUMBERS: &[&str] = &[
    "0", "1", "2", "3", "7", "10", "30", "64", "100", "250", "1000", "4096", "0.0", "0.001", "0.5",
    "0.99", "1.5", "2.0", "1e-9",
];

const DURATIONS: &[&str] = &[
    "\"0s\"",
    "\"1ns\"",
    "\"1us\"",
    "\"1ms\"",
    "\"100ms\"",
    "\"2s\"",
    "\"5s\"",
    "\"30s\"",
    "\"4m59s\"",
    "\"10m\"",
    "\"1h\"",
    "\"1d\"",
];

const DISTRIBUTIONS: &[&str] = &[
    "{ dist = \"exp\", mean = \"1ms\" }",
    "{ dist = \"exp\", mean = \"2s\" }",
    "{ dist = \"lognormal\", median = \"5ms\", p99 = \"1s\" }",
    "{ dist = \"const\", value = \"0s\" }",
    "{ dist = \"const\", value = \"1ns\" }",
    "{ dist = \"uniform\", low = \"0s\", high = \"1ms\" }",
    "{ dist = \"pareto\", scale = \"1ms\", shape = 1.1 }",
    "{ dist = \"gamma\", mean = \"10ms\", cv = 3.0 }",
];

const ANYTHING: &[&str] = &[
    "-1",
    "true",
    "false",
    "\"\"",
    "\"x\"",
    "[]",
    "[\"db\"]",
    "\"round_robin\"",
    "\"least_outstanding\"",
    "\"power_of_two\"",
    "\"spot\"",
    "\"on_demand\"",
    "\"java21\"",
    "\"python3.12\"",
    "{ dist = \"exp\", mean = \"1ms\" }",
    "\"5s\"",
    "0",
    "1000",
];

/// Values of the same shape as `value` (as written in a scenario), or
/// anything when `wild`.
fn candidates(value: &str, wild: bool) -> &'static [&'static str] {
    let quoted_number =
        value.starts_with('"') && value[1..].starts_with(|c: char| c.is_ascii_digit());
    if wild {
        ANYTHING
    } else if value.starts_with('{') {
        DISTRIBUTIONS
    } else if value == "true" || value == "false" {
        &["true", "false"]
    } else if quoted_number {
        DURATIONS
    } else if value.starts_with('"') || value.starts_with('[') {
        ANYTHING
    } else {
        NUMBERS
    }
}

/// Short runs, whatever the scenario's own length and warmup.
fn short() -> Vec<Override> {
    [
        "scenario.duration=\"5m\"",
        "scenario.warmup=\"30s\"",
        "scenario.replications=1",
    ]
    .iter()
    .map(|o| o.parse().unwrap())
    .collect()
}

/// Without this, an override every scenario refuses would leave the edited
/// ones nothing to run.
#[test]
fn every_shipped_scenario_loads_shortened() {
    for path in shipped_scenarios() {
        let text = std::fs::read_to_string(&path).unwrap();
        if let Err(e) = load_str(&text, &path, &short()) {
            panic!("{}: {e}", path.display());
        }
    }
}

proptest! {
    // About a quarter of the edited scenarios load; each of those runs
    // every design for five simulated minutes.
    #![proptest_config(ProptestConfig {
        cases: if cfg!(feature = "slow-tests") { 400 } else { 60 },
        failure_persistence: None,
        ..ProptestConfig::default()
    })]
    #[test]
    fn edited_scenarios_that_load_run_and_count_every_request(
        file in any::<prop::sample::Index>(),
        edits in prop::collection::vec(
            (any::<prop::sample::Index>(), any::<prop::sample::Index>(), 0u8..10),
            1..3,
        ),
    ) {
        let files = shipped_scenarios();
        let path = file.get(&files);
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let settable: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].contains(" = ") && !lines[i].trim_start().starts_with('#'))
            .collect();
        for (line, value, wild) in &edits {
            let i = *line.get(&settable);
            let (key, old) = lines[i].split_once(" = ").unwrap();
            let new = value.get(candidates(old.trim(), *wild == 0));
            lines[i] = format!("{key} = {new}");
        }
        let edited = lines.join("\n");
        let Ok(s) = load_str(&edited, path, &short()) else {
            return Ok(());
        };
        for d in 0..s.designs.len() {
            let r = simulate(&s, d, 0);
            prop_assert_eq!(
                r.requests,
                r.completed + r.failed + r.lost + r.pending,
                "{} design {}, edited:\n{}",
                path.display(),
                d,
                edited
            );
        }
    }
}
