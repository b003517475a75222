//! What grows with the size of a study (issue 11): validating a sweep is
//! linear in its points, and memory does not grow with the replications
//! (finished runs stream to disk). No wall-time limits: growth is compared
//! between two sizes of the same work, loosely.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

const BASE: &str = r#"[scenario]
name = "base"
duration = "5m"
seed = 1
[workload]
rate = 50
[designs.one]
entry = "app"
[designs.one.app]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "30ms" }
"#;

/// Runs stratosim with `args` to its end; returns whether it succeeded, its
/// peak resident memory [KiB] and the processor time it took (not the wall
/// time, which depends on what else the machine does).
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also gives its resource usage"
)]
fn measure(args: &[&str]) -> (bool, i64, Duration) {
    let child = Command::new(env!("CARGO_BIN_EXE_stratosim"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: rusage is plain data, filled in by wait4 for this child,
    // which nothing else waits for.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    let ok = libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0;
    let cpu = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    (
        ok,
        usage.ru_maxrss,
        cpu(usage.ru_utime) + cpu(usage.ru_stime),
    )
}

fn sweep_of(dir: &Path, points: usize) -> String {
    let values: Vec<String> = (1..=points).map(|i| i.to_string()).collect();
    let path = dir.join(format!("sweep-{points}.toml"));
    let text = format!(
        "{BASE}[sweep]\n\"workload.rate\" = [{}]\n",
        values.join(", ")
    );
    fs::write(&path, text).unwrap();
    path.to_str().unwrap().to_string()
}

#[test]
fn sweep_validation_is_linear_in_its_points() {
    let tmp = tempfile::tempdir().unwrap();
    let small = sweep_of(tmp.path(), 10_000);
    let large = sweep_of(tmp.path(), 100_000);
    let (ok, _, t_small) = measure(&["check", &small]);
    assert!(ok);
    let (ok, _, t_large) = measure(&["check", &large]);
    assert!(ok);
    // Ten times the points: about ten times the work when linear, a
    // hundred when quadratic (2,000 points took minutes before).
    let ratio = t_large.as_secs_f64() / t_small.as_secs_f64();
    assert!(
        ratio < 40.0,
        "10⁴ points {t_small:?}, 10⁵ points {t_large:?}"
    );
    // A grid of 100 × 1,000 points too.
    let path = tmp.path().join("grid.toml");
    let axis = |n: usize| {
        (1..=n)
            .map(|i| i.to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    fs::write(
        &path,
        format!(
            "{BASE}[sweep]\n\"workload.rate\" = [{}]\n\"designs.one.app.instances\" = [{}]\n",
            axis(100),
            axis(1000)
        ),
    )
    .unwrap();
    let (ok, _, t_grid) = measure(&["check", path.to_str().unwrap()]);
    assert!(ok);
    let ratio = t_grid.as_secs_f64() / t_small.as_secs_f64();
    assert!(ratio < 40.0, "10⁴ points {t_small:?}, the grid {t_grid:?}");
}

#[test]
fn memory_is_flat_in_the_replications() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    fs::write(&path, BASE).unwrap();
    let p = path.to_str().unwrap();
    let run = |replications: &str, charts: bool| {
        let out = tmp.path().join(format!("out-{replications}-{charts}"));
        let mut args = vec![
            "run",
            p,
            "--out",
            out.to_str().unwrap(),
            "--replications",
            replications,
            "--jobs",
            "2",
        ];
        if !charts {
            args.push("--no-charts");
        }
        let (ok, rss, _) = measure(&args);
        assert!(ok, "{replications} replications");
        rss
    };
    // Each run holds some 30,000 requests' statistics: held to the end, a
    // hundred times the replications would take many times the memory.
    let (few, many) = (run("4", false), run("400", false));
    assert!(
        many < few + few / 2,
        "peak memory {few} KiB with 4 replications, {many} KiB with 400"
    );
    // The charts read the files back, keeping what they draw.
    let (few, many) = (run("4", true), run("400", true));
    assert!(
        many < 2 * few,
        "with charts: peak memory {few} KiB with 4 replications, {many} KiB with 400"
    );
}

/// A queue whose consumer takes 10 messages a second, offered 100.
const TOO_SLOW: &str = r#"[scenario]
name = "slow"
duration = "1d"
seed = 1
[workload]
rate = 100
[slo]
response_p99 = "500ms"
[designs.one]
entry = "api"
[designs.one.api]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 16
service_time = "2ms"
sends = "q"
[designs.one.q]
kind = "queue"
consumer = "worker"
[designs.one.worker]
kind = "ec2"
instance_type = "m5.large"
instances = 1
workers = 1
service_time = "100ms"
"#;

#[test]
fn a_consumer_ten_times_too_slow_ends_unstable_in_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    fs::write(&path, TOO_SLOW).unwrap();
    let out = tmp.path().join("out");
    // A day would put 7.8 million messages in the queue; the default limit
    // of a million ends the run after about three hours.
    let (ok, rss, _) = measure(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--no-charts",
    ]);
    assert!(ok);
    assert!(rss < 600_000, "peak memory {rss} KiB");
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    let (header, row) = summary.split_once('\n').unwrap();
    let cell = |name: &str| {
        let i = header.split(',').position(|h| h == name).unwrap();
        row.trim_end().split(',').nth(i).unwrap().to_string()
    };
    assert_eq!(cell("unstable"), "1");
    assert_eq!(cell("unstable_component"), "q");
    // 90 messages a second more than leave: a million after 11,111 s.
    let at: f64 = cell("unstable_at_s").parse().unwrap();
    assert!((at - 1e6 / 90.0).abs() < 300.0, "{at}");
}

#[test]
fn an_unstable_run_is_reported_so_everywhere_and_fails_the_slo() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("s.toml");
    fs::write(&path, TOO_SLOW).unwrap();
    // A function's asynchronous events, which one environment runs.
    let lambda = tmp.path().join("lambda.toml");
    fs::write(
        &lambda,
        TOO_SLOW.replace("sends = \"q\"", "sends = \"fn\"")
            + "[designs.one.fn]\nkind = \"lambda\"\nruntime = \"python3.12\"\nconcurrency = 1\nservice_time = \"100ms\"\n",
    )
    .unwrap();
    for (p, sets, component) in [
        (path.to_str().unwrap(), &[][..], "q"),
        (
            path.to_str().unwrap(),
            // The fleet's accept queues: calls pile up there first.
            &[
                "designs.one.api.workers=1",
                "designs.one.api.service_time=\"100ms\"",
            ][..],
            "api",
        ),
        (lambda.to_str().unwrap(), &[][..], "fn"),
    ] {
        let out = tmp.path().join(component);
        let mut args = vec!["run", p, "--out", out.to_str().unwrap(), "--fail-on-slo"];
        args.extend(["--set", "scenario.backlog_limit=20000"]);
        for set in sets {
            args.extend(["--set", set]);
        }
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_stratosim"))
            .args(&args)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&o.stdout);
        assert_eq!(o.status.code(), Some(3), "{text}");
        assert!(
            text.contains("unstable") && text.contains("Unstable at this load: one (1 of 1)"),
            "{text}"
        );
        let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
        assert!(summary.contains(&format!(",1,{component},")), "{summary}");
        let designs = fs::read_to_string(out.join("designs.csv")).unwrap();
        assert!(designs.contains(",no,-1.000000,unstable,"), "{designs}");
        let report = fs::read_to_string(out.join("report.html")).unwrap();
        assert!(report.contains("Unstable at this load"));
        assert!(report.contains(&format!("<code>{component}</code>")));
        // The same in Korean, from the folder just written.
        let o = std::process::Command::new(env!("CARGO_BIN_EXE_stratosim"))
            .args(["plot", out.to_str().unwrap(), "--lang", "ko"])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0));
        let report = fs::read_to_string(out.join("report.html")).unwrap();
        assert!(report.contains("이 부하에서 불안정"), "{report}");
        assert!(report.contains(&format!("<code>{component}</code>")));
    }
}
