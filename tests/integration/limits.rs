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
