//! What the scenario tests share: a small valid scenario to edit, and
//! assertions on errors and specs.

pub(crate) use std::path::{Path, PathBuf};

pub(crate) use crate::dist::Dist;
pub(crate) use crate::scenario::*;
pub(crate) use crate::time::{SimDuration, SimTime};

/// The copies of the contract's examples that ship with the project.
pub(crate) const EXAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/contract");

/// A small valid scenario; tests edit it.
pub(crate) const MINI: &str = r#"[scenario]
name = "t"
duration = "1h"

[workload]
rate = 10

[designs.d]
entry = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
workers = 4
service_time = "10ms"
"#;

/// `text` loaded as the file `t.toml`.
pub(crate) fn load_text(text: &str) -> Result<Scenario, ScenarioErrors> {
    load_str(text, Path::new("t.toml"), &[])
}

/// The problems of `text`, which must have some.
pub(crate) fn errors(text: &str) -> Vec<ScenarioError> {
    match load_text(text) {
        Ok(_) => panic!("expected errors for:\n{text}"),
        Err(e) => e.0,
    }
}

/// MINI with `from` replaced by `to`.
pub(crate) fn edit(from: &str, to: &str) -> String {
    assert!(MINI.contains(from), "{from} not in MINI");
    MINI.replacen(from, to, 1)
}

/// 1-based line of the first line of `text` containing `needle`.
pub(crate) fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .expect("needle")
        + 1
}

/// Asserts there is an error at `key` on `line` whose message holds
/// every one of `parts`.
#[track_caller]
pub(crate) fn expect(errors: &[ScenarioError], key: &str, line: Option<usize>, parts: &[&str]) {
    let hit = errors
        .iter()
        .any(|e| e.key == key && e.line == line && parts.iter().all(|p| e.message.contains(p)));
    assert!(
        hit,
        "no error at {key} line {line:?} containing {parts:?}; got:\n{}",
        ScenarioErrors(errors.to_vec())
    );
}

/// Expects exactly one error, as described.
#[track_caller]
pub(crate) fn expect_one(text: &str, key: &str, needle: &str, parts: &[&str]) {
    let errs = errors(text);
    expect(&errs, key, Some(line_of(text, needle)), parts);
    assert_eq!(
        errs.len(),
        1,
        "expected one error, got:\n{}",
        ScenarioErrors(errs.clone())
    );
}

/// The contract example `name`: its text and the scenario it loads to.
pub(crate) fn example(name: &str) -> (String, Scenario) {
    let path = Path::new(EXAMPLES).join(name);
    let text = std::fs::read_to_string(&path).expect("readable example");
    match load(&path, &[]) {
        Ok(s) => (text, s),
        Err(e) => panic!("{name} must load:\n{e}"),
    }
}

/// `Dist` has no `PartialEq`; equal parameters give equal `Debug` output.
#[track_caller]
pub(crate) fn assert_dist(a: &Dist, b: &Dist) {
    assert_eq!(format!("{a:?}"), format!("{b:?}"));
}

/// The names of the components of design `d`, in order.
pub(crate) fn component_names(s: &Scenario, d: usize) -> Vec<&str> {
    s.designs[d]
        .components
        .iter()
        .map(|c| c.name.as_str())
        .collect()
}

/// The component `name` of design `d`.
pub(crate) fn component<'a>(d: &'a Design, name: &str) -> &'a Component {
    d.components
        .iter()
        .find(|c| c.name == name)
        .expect("component")
}

/// The lambda `name` of design `d`.
pub(crate) fn lambda_of(s: &Scenario, d: usize, name: &str) -> LambdaSpec {
    match &component(&s.designs[d], name).spec {
        ComponentSpec::Lambda(l) => l.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

/// The API gateway `name` of design `d`.
pub(crate) fn api_of(s: &Scenario, d: usize, name: &str) -> ApiGatewaySpec {
    match &component(&s.designs[d], name).spec {
        ComponentSpec::ApiGateway(a) => a.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

/// The median of `d` is `secs`, to a nanosecond.
#[track_caller]
pub(crate) fn assert_median(d: &Dist, secs: f64) {
    let m = d.quantile_secs(0.5).expect("a median");
    assert!((m - secs).abs() < 1e-9, "median {m} s, expected {secs} s");
}

/// The mean of `d` is `secs`, to a nanosecond.
#[track_caller]
pub(crate) fn assert_mean(d: &Dist, secs: f64) {
    let m = d.mean_secs();
    assert!((m - secs).abs() < 1e-9, "mean {m} s, expected {secs} s");
}

/// Nanoseconds in a second.
pub(crate) const NANOS: u64 = 1_000_000_000;

/// The queue of design `d`.
pub(crate) fn queue(s: &Scenario, name: &str) -> QueueSpec {
    match &component(&s.designs[0], name).spec {
        ComponentSpec::Queue(q) => q.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

/// The queue `name` of design `d`.
pub(crate) fn queue_of(s: &Scenario, d: usize, name: &str) -> QueueSpec {
    match &component(&s.designs[d], name).spec {
        ComponentSpec::Queue(q) => q.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

/// The topic of design `d`.
pub(crate) fn topic(s: &Scenario, name: &str) -> TopicSpec {
    match &component(&s.designs[0], name).spec {
        ComponentSpec::Topic(t) => t.clone(),
        other => panic!("{name} is {other:?}"),
    }
}

/// The override `key=value`.
pub(crate) fn set(key: &str, value: &str) -> Override {
    Override {
        key: key.into(),
        value: value.into(),
    }
}

/// MINI plus a lambda `fn` (unreached by `app`, which is fine) with `keys`.
pub(crate) fn with_lambda(keys: &str) -> String {
    format!("{MINI}\n[designs.d.fn]\nkind = \"lambda\"\n{keys}")
}
