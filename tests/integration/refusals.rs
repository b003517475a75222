//! What stratosim refuses, as the user meets it (issue 11's corpus, kept
//! as regression tests): exit 2 from `check` and from `run`, a message
//! naming the file, the line and the key, and nothing written.

use std::fs;

use crate::common::*;

const BASE: &str = r#"[scenario]
name = "base"
duration = "1m"
seed = 1
[workload]
rate = 20
[designs.one]
entry = "app"
[designs.one.app]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "30ms" }
"#;

/// A worker whose messages come back to it through a topic and a queue.
const ASYNC_LOOP: &str = r#"
[designs.one.worker]
kind = "ec2"
instance_type = "m5.large"
service_time = "1ms"
sends = "t"
[designs.one.q]
kind = "queue"
consumer = "worker"
[designs.one.t]
kind = "topic"
subscribers = ["q"]
"#;

/// Runs `check` and `run` on `text` with `args`; both must exit 2 and
/// write nothing. Returns `check`'s message.
fn refused(text: &str, args: &[&str]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let p = path.to_str().unwrap();
    let mut check = vec!["check", p];
    check.extend_from_slice(args);
    let c = stratosim(&check);
    let mut run = vec!["run", p, "--out", out.to_str().unwrap()];
    run.extend_from_slice(args);
    let r = stratosim(&run);
    let msg = String::from_utf8_lossy(&c.stderr).to_string();
    let run_msg = String::from_utf8_lossy(&r.stderr).to_string();
    assert_eq!(c.status.code(), Some(2), "check: {msg}");
    assert_eq!(r.status.code(), Some(2), "run: {run_msg}");
    assert!(!out.exists(), "nothing may be written: {run_msg}");
    assert_eq!(
        fs::read_dir(tmp.path()).unwrap().count(),
        1,
        "nothing beside the folder either"
    );
    assert!(!msg.contains("panicked") && !run_msg.contains("panicked"));
    msg
}

fn assert_has(msg: &str, parts: &[&str]) {
    for p in parts {
        assert!(msg.contains(p), "`{p}` missing from: {msg}");
    }
    // One line per problem, and the count.
    let lines = msg.lines().count();
    assert!(lines <= 3, "{msg}");
}

fn with_sweep(axis: &str, values: &str) -> String {
    format!("{BASE}[sweep]\n\"{axis}\" = {values}\n")
}

#[test]
fn meaningless_inputs_are_refused_naming_the_key() {
    // Duplicate sweep values would count the same runs twice.
    for values in ["[8, 8]", "[8, 8, 8]", "[2, 8, 2]"] {
        let msg = refused(&with_sweep("designs.one.app.instances", values), &[]);
        assert_has(
            &msg,
            &[
                "s.toml:16",
                "sweep.\"designs.one.app.instances\"",
                "repeats",
            ],
        );
    }
    // An empty trace measures nothing.
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("empty.csv");
    fs::write(&empty, "time\n").unwrap();
    let text = BASE.replace(
        "rate = 20",
        &format!("trace = \"{}\"", empty.to_str().unwrap()),
    );
    assert_has(
        &refused(&text, &[]),
        &["s.toml:6", "workload.trace", "no arrival times"],
    );
    // Asynchronous sends that come back without end.
    let text =
        format!("{BASE}{ASYNC_LOOP}").replace("workers = 4\n", "workers = 4\nsends = \"t\"\n");
    assert_has(
        &refused(&text, &[]),
        &["designs.one.worker.sends", "asynchronous cycle"],
    );
    // A --set of a swept key would be silently overridden by the sweep.
    let swept = with_sweep("workload.rate", "[10, 20]");
    assert_has(
        &refused(&swept, &["--set", "workload.rate=5"]),
        &["--set", "workload.rate", "swept"],
    );
    // The option named as the user wrote it.
    assert_has(
        &refused(BASE, &["--set", "scenario.replications=1000000000"]),
        &["scenario.replications", "100000"],
    );
}

#[test]
fn a_run_refuses_the_runs_it_cannot_finish_unless_forced() {
    let text = BASE.replace("rate = 20", "rate = 1e9");
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    fs::write(&path, &text).unwrap();
    let out = tmp.path().join("out");
    let r = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let msg = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{msg}");
    assert!(msg.contains("events") && msg.contains("--force"), "{msg}");
    assert!(!out.exists());
    let r = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--replications",
        "1000000000",
    ]);
    let msg = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{msg}");
    assert!(msg.starts_with("--replications 1000000000:"), "{msg}");
}

#[test]
fn two_scenarios_of_one_name_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a.toml"), tmp.path().join("b.toml"));
    fs::write(&a, BASE).unwrap();
    fs::write(&b, BASE).unwrap();
    let out = tmp.path().join("out");
    let r = stratosim(&[
        "run",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    let msg = String::from_utf8_lossy(&r.stderr);
    assert_eq!(r.status.code(), Some(2), "{msg}");
    assert!(
        msg.contains("scenario.name") && msg.contains("`base`"),
        "{msg}"
    );
    assert!(!out.exists());
}

/// The messages of issue 11, each as the user now sees it.
#[test]
fn messages_say_what_is_wrong() {
    let cases: [(&str, &str, &[&str]); 8] = [
        (
            "duration = \"1m\"",
            "duration = \"1e309s\"",
            &["scenario.duration", "too long a duration"],
        ),
        (
            "mean = \"30ms\"",
            "mean = 60",
            &["service_time.mean", "\"60s\"", "\"60ms\""],
        ),
        (
            "seed = 1",
            "seed = 1\nseed = 2",
            &["s.toml:5", "duplicate key `seed`"],
        ),
        (
            "name = \"base\"",
            "name = \"..\"",
            &["scenario.name", "dots only"],
        ),
        (
            "seed = 1",
            "seed = 1\nbacklog_limit = 0",
            &["s.toml:5", "scenario.backlog_limit"],
        ),
        (
            "name = \"base\"",
            "name = \"a\\nb\"",
            &["scenario.name", "\"a\\nb\""],
        ),
        (
            "kind = \"ec2\"",
            "kind = \"ec3\"",
            &["designs.one.app.kind", "did you mean \"ec2\"?"],
        ),
        (
            "service_time = { dist = \"exp\", mean = \"30ms\" }\n",
            "service_time = \"1ms\"\ncalls = [\"q\"]\n[designs.one.q]\nkind = \"queue\"\n",
            &["designs.one.app.calls", "`q` is a queue", "an ec2"],
        ),
    ];
    for (from, to, parts) in cases {
        assert!(BASE.contains(from), "{from}");
        assert_has(&refused(&BASE.replacen(from, to, 1), &[]), parts);
    }
    // Durations written as people write them are read.
    for d in ["\"5 min\"", "\"5µs\"", "\"2.5e1s\""] {
        let text = BASE.replace("duration = \"1m\"", &format!("duration = {d}"));
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("s.toml");
        fs::write(&path, text).unwrap();
        let c = stratosim(&["check", path.to_str().unwrap()]);
        assert_eq!(
            c.status.code(),
            Some(0),
            "{d}: {}",
            String::from_utf8_lossy(&c.stderr)
        );
    }
    // A 100 kB value gives a short message; a suggestion is never empty.
    let long = BASE.replace(
        "kind = \"ec2\"",
        &format!("kind = \"{}\"", "y".repeat(100_000)),
    );
    let msg = refused(&long, &[]);
    assert!(msg.len() < 1_000, "{} bytes", msg.len());
    assert!(!msg.contains("did you mean \"\""), "{msg}");
}

#[test]
fn check_takes_set_and_set_takes_a_sweep_axis() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    fs::write(&path, BASE).unwrap();
    let p = path.to_str().unwrap();
    let c = stratosim(&["check", p, "--set", "sweep.\"workload.rate\"=[1,2]"]);
    let out = String::from_utf8_lossy(&c.stdout);
    assert_eq!(c.status.code(), Some(0));
    assert!(out.contains("2 sweep points"), "{out}");
}
