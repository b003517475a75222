//! The command line: determinism, common random numbers, bad input.

use std::fs;

use crate::common::*;

const TWO_DESIGNS: &str = r#"
[scenario]
name = "twins"
duration = "10m"
warmup = "1m"
seed = 3
replications = 3
[workload]
rate = 200
[workload.client]
timeout = "2s"
retries = 2
[components.db]
kind = "database"
capacity = 16
service_time = { dist = "gamma", mean = "5ms", cv = 1.5 }
[[faults]]
component = "db"
kind = "slowdown"
factor = 4.0
at = "5m"
duration = "1m"
[designs.first]
entry = "lb"
[designs.first.lb]
kind = "load_balancer"
routing = "power_of_two"
targets = "app"
[designs.first.app]
kind = "ec2"
instance_type = "m5.large"
instances = 3
workers = 8
service_time = { dist = "exp", mean = "30ms" }
calls = ["db"]
[designs.second]
entry = "lb"
[designs.second.lb]
kind = "load_balancer"
routing = "power_of_two"
targets = "app"
[designs.second.app]
kind = "ec2"
instance_type = "m5.large"
instances = 3
workers = 8
service_time = { dist = "exp", mean = "30ms" }
calls = ["db"]
"#;

fn write_scenario(dir: &std::path::Path, text: &str) -> std::path::PathBuf {
    let path = dir.join("s.toml");
    fs::write(&path, text).unwrap();
    path
}

#[test]
fn output_bytes_do_not_depend_on_jobs() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_scenario(tmp.path(), TWO_DESIGNS);
    let p = path.to_str().unwrap();
    // The same --out both times (the manifest records the command line),
    // the first result moved aside before the second run.
    let out = tmp.path().join("out");
    let mut folders = Vec::new();
    for jobs in ["1", "4"] {
        let o = stratosim(&[
            "run",
            p,
            "--out",
            out.to_str().unwrap(),
            "--jobs",
            jobs,
            "--quiet",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let kept = tmp.path().join(format!("jobs{jobs}"));
        fs::rename(&out, &kept).unwrap();
        folders.push(kept);
    }
    for file in [
        "summary.csv",
        "components.csv",
        "timeseries.csv",
        "manifest.json",
    ] {
        let a = fs::read(folders[0].join(file)).unwrap();
        let b = fs::read(folders[1].join(file)).unwrap();
        assert!(!a.is_empty());
        assert!(a == b, "{file} differs between --jobs 1 and --jobs 4");
    }
}

#[test]
fn identical_designs_under_different_names_give_identical_figures() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_scenario(tmp.path(), TWO_DESIGNS);
    let out = tmp.path().join("out");
    let o = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    let rows: Vec<&str> = summary.lines().skip(1).collect();
    assert_eq!(rows.len(), 6);
    let strip = |r: &str| r.split_once(',').unwrap().1.to_string();
    for i in 0..3 {
        assert!(rows[i].starts_with("first,"));
        assert!(rows[i + 3].starts_with("second,"));
        assert_eq!(strip(rows[i]), strip(rows[i + 3]), "replication {i}");
    }
}

/// Runs `check` and `run` on a broken scenario and returns check's stderr.
fn rejected(text: &str) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_scenario(tmp.path(), text);
    let out = tmp.path().join("out");
    let o = stratosim(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "check should exit 2");
    let r = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(r.status.code(), Some(2), "run should exit 2");
    assert!(
        !out.exists(),
        "nothing may be written for an invalid scenario"
    );
    let msg = String::from_utf8_lossy(&o.stderr).to_string();
    assert!(msg.contains("s.toml"), "message names the file: {msg}");
    msg
}

fn broken(find: &str, replace: &str) -> String {
    assert!(TWO_DESIGNS.contains(find), "{find}");
    TWO_DESIGNS.replacen(find, replace, 1)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn unknown_key_is_reported_with_line_and_suggestion() {
    let text = broken("workers = 8", "wrokers = 8");
    let msg = rejected(&text);
    assert!(msg.contains("designs.first.app.wrokers"), "{msg}");
    assert!(
        msg.contains(&format!(":{}:", line_of(&text, "wrokers"))),
        "{msg}"
    );
    assert!(msg.contains("workers"), "suggests the nearest key: {msg}");
}

#[test]
fn wrong_type_is_reported() {
    let msg = rejected(&broken("instances = 3", "instances = \"three\""));
    assert!(msg.contains("designs.first.app.instances"), "{msg}");
}

#[test]
fn out_of_range_value_is_reported() {
    let msg = rejected(&broken("workers = 8", "workers = 0"));
    assert!(msg.contains("designs.first.app.workers"), "{msg}");
}

#[test]
fn undefined_reference_is_reported_with_suggestion() {
    let msg = rejected(&broken("calls = [\"db\"]", "calls = [\"dbb\"]"));
    assert!(msg.contains("designs.first.app.calls"), "{msg}");
    assert!(msg.contains("db"), "{msg}");
}

#[test]
fn synchronous_call_cycle_is_reported() {
    let text = broken(
        "[designs.first.app]\nkind = \"ec2\"",
        "[designs.first.app]\nkind = \"ec2\"\ncalls = [\"lb\"]",
    )
    .replacen("calls = [\"db\"]\n[designs.second]", "[designs.second]", 1);
    let msg = rejected(&text);
    assert!(msg.contains("cycle"), "{msg}");
}

#[test]
fn inverted_percentiles_are_reported() {
    let text = broken(
        "service_time = { dist = \"exp\", mean = \"30ms\" }",
        "service_time = { dist = \"lognormal\", median = \"50ms\", p99 = \"40ms\" }",
    );
    let msg = rejected(&text);
    assert!(msg.contains("designs.first.app.service_time"), "{msg}");
    assert!(msg.contains("p99"), "{msg}");
}

#[test]
fn unknown_instance_type_is_reported_with_suggestion() {
    let msg = rejected(&broken(
        "instance_type = \"m5.large\"",
        "instance_type = \"m5.larg\"",
    ));
    assert!(msg.contains("designs.first.app.instance_type"), "{msg}");
    assert!(msg.contains("m5.large"), "{msg}");
}

#[test]
fn toml_syntax_error_is_reported() {
    let msg = rejected(&broken("rate = 200", "rate = = 200"));
    assert!(
        msg.contains(&format!(":{}", line_of(TWO_DESIGNS, "rate = 200"))),
        "{msg}"
    );
}

#[test]
fn bad_arguments_exit_2() {
    let o = stratosim(&["run"]);
    assert_eq!(o.status.code(), Some(2));
    let o = stratosim(&["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let tmp = tempfile::tempdir().unwrap();
    let path = write_scenario(tmp.path(), TWO_DESIGNS);
    let out = tmp.path().join("out");
    let o = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--set",
        "designs.first.app.wrokers=3",
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("workers"));
    assert!(!out.exists());
    let o = stratosim(&["check", "/no/such/file.toml"]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn set_overrides_a_value() {
    let tmp = tempfile::tempdir().unwrap();
    let path = write_scenario(tmp.path(), TWO_DESIGNS);
    let out = tmp.path().join("out");
    let o = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--replications",
        "1",
        "--set",
        "designs.second.app.instances=5",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let comps = fs::read_to_string(out.join("components.csv")).unwrap();
    let instances_max = |design: &str| {
        let row = comps
            .lines()
            .find(|l| l.starts_with(&format!("{design},0,app,ec2,")))
            .unwrap();
        row.split(',').nth(10).unwrap().to_string()
    };
    assert_eq!(instances_max("first"), "3");
    assert_eq!(instances_max("second"), "5");
    let manifest = fs::read_to_string(out.join("manifest.json")).unwrap();
    assert!(manifest.contains("designs.second.app.instances=5"));
}

#[test]
fn contract_examples_pass_check() {
    let dir = contract_examples();
    let entries: Vec<_> = fs::read_dir(&dir).unwrap().collect();
    assert!(
        entries.len() >= 4,
        "{}: the contract's examples",
        dir.display()
    );
    for entry in entries {
        let path = entry.unwrap().path();
        let o = stratosim(&["check", path.to_str().unwrap()]);
        assert!(
            o.status.success(),
            "{}: {}",
            path.display(),
            String::from_utf8_lossy(&o.stderr)
        );
    }
}

/// `scenarios/contract/` holds the contract's examples unchanged. Where the
/// contract sits beside the repository (a developer's checkout), every one
/// of its examples must be copied here byte for byte; a clean clone has only
/// the copies, which the other tests use.
#[test]
fn contract_copies_match_the_contract() {
    let upstream = repo().join("../shared/spec/examples");
    if !upstream.is_dir() {
        // Not a failure, even in CI: a clean clone has only the copies.
        note(
            "no ../shared/spec/examples beside the checkout: the copies in scenarios/contract/ are not compared with the contract",
        );
        return;
    }
    for entry in fs::read_dir(&upstream).unwrap() {
        let path = entry.unwrap().path();
        let copy = contract_examples().join(path.file_name().unwrap());
        assert_eq!(
            fs::read(&path).unwrap(),
            fs::read(&copy).unwrap_or_default(),
            "{} differs from {}: copy it into scenarios/contract/",
            copy.display(),
            path.display()
        );
    }
}

#[test]
fn bad_deployments_are_reported_with_key_path_and_suggestion() {
    let deployment = |body: &str| format!("{TWO_DESIGNS}\n[[deployments]]\n{body}\n");
    let text = deployment("component = \"app\"\nat = \"1m\"\npolicy = \"rollin\"");
    let msg = rejected(&text);
    assert!(msg.contains("deployments[0].policy"), "{msg}");
    assert!(
        msg.contains(&format!(":{}:", line_of(&text, "rollin"))),
        "{msg}"
    );
    assert!(msg.contains("did you mean \"rolling\"?"), "{msg}");
    let msg = rejected(&deployment(
        "component = \"db\"\nat = \"1m\"\npolicy = \"rolling\"",
    ));
    assert!(msg.contains("deployments[0].component"), "{msg}");
    assert!(msg.contains("apply to `ec2` and `fargate` fleets"), "{msg}");
    let msg = rejected(&deployment(
        "component = \"app\"\nat = \"1m\"\npolicy = \"rolling\"\nbatch_sise = 2",
    ));
    assert!(msg.contains("deployments[0].batch_sise"), "{msg}");
    assert!(msg.contains("batch_size"), "{msg}");
}
