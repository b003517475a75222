//! Sweeps, confidence intervals, paired comparisons, the SLO's answer,
//! output formats, and shards merged back into one run.

use std::fs;
use std::path::Path;

use crate::common::*;
use stratosim::run::simulate;

/// Two designs of an M/M/c web tier, swept over the instance count, with an
/// SLO only the larger fleets meet.
const SWEPT: &str = r#"
[scenario]
name = "sized"
duration = "4m"
warmup = "30s"
seed = 17
replications = 3
[workload]
rate = 300
[slo]
response_p99 = "100ms"
error_rate = 0.01
[designs.small]
entry = "app"
[designs.small.app]
kind = "ec2"
instance_type = "c5.large"
instances = 2
workers = 4
service_time = { dist = "exp", mean = "20ms" }
[designs.large]
entry = "app"
[designs.large.app]
kind = "ec2"
instance_type = "c5.xlarge"
instances = 2
workers = 8
service_time = { dist = "exp", mean = "20ms" }
[sweep]
"designs.small.app.instances" = [2, 3, 4]
"#;

fn scenario_file(dir: &Path, text: &str) -> String {
    let path = dir.join("s.toml");
    fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Every file below `a` has the same bytes below `b` (hidden ones, the
/// folder's own bookkeeping, aside); returns how many there are.
fn same_files(a: &Path, b: &Path) -> usize {
    let mut n = 0;
    for entry in fs::read_dir(a).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name();
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().unwrap().is_dir() {
            n += same_files(&a.join(&name), &b.join(&name));
        } else {
            assert_eq!(
                fs::read(a.join(&name)).unwrap(),
                fs::read(b.join(&name)).unwrap(),
                "{} differs",
                a.join(&name).display()
            );
            n += 1;
        }
    }
    n
}

fn lines(path: &Path) -> usize {
    fs::read_to_string(path).unwrap().lines().count()
}

#[test]
fn a_sweep_has_a_row_per_point_design_and_replication() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_file(dir.path(), SWEPT);
    let out = dir.path().join("out");
    let o = stratosim(&["run", &s, "--out", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // 3 points × 2 designs × 3 replications, and a header.
    assert_eq!(lines(&out.join("summary.csv")), 1 + 3 * 2 * 3);
    assert_eq!(lines(&out.join("designs.csv")), 1 + 3 * 2);
    let designs = fs::read_to_string(out.join("designs.csv")).unwrap();
    let header: Vec<&str> = designs.lines().next().unwrap().split(',').collect();
    for column in [
        "design",
        "designs.small.app.instances",
        "replications",
        "slo_pass",
        "response_p99_ms_mean",
        "response_p99_ms_low",
        "response_p99_ms_high",
        "monthly_cost_usd_mean",
    ] {
        assert!(header.contains(&column), "no {column} in {header:?}");
    }
    // One comparison per metric for each non-baseline row.
    let comparisons = lines(&out.join("comparisons.csv")) - 1;
    assert_eq!(comparisons, 3 * stratosim::output::measure::Measure::COUNT);
}

#[test]
fn the_slo_names_the_cheapest_design_that_meets_it() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_file(dir.path(), SWEPT);
    let out = dir.path().join("out");
    let o = stratosim(&["run", &s, "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    let text = String::from_utf8_lossy(&o.stdout);
    // 300/s × 20 ms = 6 busy workers. With 8 (2 × 4) requests queue often
    // enough that p99 ≈ 107 ms; with 12 or 16 it is about the service
    // time's own p99, 92 ms. Three small instances are cheaper than two
    // large ones.
    assert!(
        text.contains("Cheapest design meeting the SLO: small at designs.small.app.instances = 3"),
        "{text}"
    );
    let designs = fs::read_to_string(out.join("designs.csv")).unwrap();
    let verdicts: Vec<(&str, &str, &str)> = designs
        .lines()
        .skip(1)
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (f[0], f[1], f[3])
        })
        .collect();
    assert!(verdicts.contains(&("small", "2", "no")), "{verdicts:?}");
    assert!(verdicts.contains(&("small", "3", "yes")));
    assert!(verdicts.contains(&("large", "2", "yes")));
    // --fail-on-slo: met, exit 0; missed, exit 3.
    let o = stratosim(&[
        "run",
        &s,
        "--out",
        out.to_str().unwrap(),
        "-q",
        "--fail-on-slo",
    ]);
    assert_eq!(o.status.code(), Some(0));
    let strict = SWEPT.replace("response_p99 = \"100ms\"", "response_p99 = \"1ms\"");
    let s = scenario_file(dir.path(), &strict);
    let o = stratosim(&["run", &s, "--out", out.to_str().unwrap(), "--fail-on-slo"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(String::from_utf8_lossy(&o.stdout).contains("No design meets the SLO."));
}

#[test]
fn the_summary_prints_as_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_file(dir.path(), SWEPT);
    let out = dir.path().join("out");
    let o = stratosim(&["run", &s, "--out", out.to_str().unwrap(), "--format", "csv"]);
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout),
        fs::read_to_string(out.join("designs.csv")).unwrap()
    );
    let o = stratosim(&[
        "run",
        &s,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).expect("valid JSON");
    assert_eq!(json["rows"].as_array().unwrap().len(), 6);
    assert_eq!(json["baseline"], "small");
    // Rows by point, then design: small@3 is the third.
    assert_eq!(json["answer"], 2);
    let o = stratosim(&[
        "run",
        &s,
        "--out",
        out.to_str().unwrap(),
        "--format",
        "yaml",
    ]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn shards_merge_into_the_bytes_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_file(dir.path(), SWEPT);
    let whole = dir.path().join("whole");
    let o = stratosim(&["run", &s, "--out", whole.to_str().unwrap(), "-q"]);
    assert!(o.status.success());
    // 18 runs in 4 shards: uneven parts.
    let mut shards = Vec::new();
    for k in 1..=4 {
        let d = dir.path().join(format!("shard{k}"));
        let o = stratosim(&[
            "run",
            &s,
            "--out",
            d.to_str().unwrap(),
            "--shard",
            &format!("{k}/4"),
            "--jobs",
            "1",
            "-q",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        assert!(!d.join("designs.csv").exists(), "a shard is not summarised");
        shards.push(d.display().to_string());
    }
    let merged = dir.path().join("merged");
    let mut args = vec!["merge"];
    // In any order.
    args.extend(shards.iter().rev().map(String::as_str));
    args.extend(["--out", merged.to_str().unwrap(), "-q"]);
    let o = stratosim(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let files = same_files(&whole, &merged);
    assert!(files >= 10, "{files} files");
    // A missing shard, a folder that is no shard: exit 2, nothing written.
    let partial = dir.path().join("partial");
    let o = stratosim(&[
        "merge",
        &shards[0],
        &shards[2],
        "--out",
        partial.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("missing shards 2/4, 4/4"));
    let o = stratosim(&[
        "merge",
        whole.to_str().unwrap(),
        "--out",
        partial.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(!partial.exists());
    let o = stratosim(&["run", &s, "--shard", "5/4"]);
    assert_eq!(o.status.code(), Some(2));
}

#[cfg(feature = "slow-tests")]
#[test]
fn confidence_intervals_cover_the_m_m_1_mean_95_percent_of_the_time() {
    use stratosim::output::confidence::mean_ci;

    // M/M/1 at ρ = 0.5, μ = 100/s: the mean response is 1/(μ − λ) = 20 ms.
    // Each of 200 independent experiments (their own seeds) makes a 95%
    // t-interval from 5 replications; about 190 should cover 20 ms. The
    // count is Binomial(200, 0.95): sd 3.1, so 180–200 holds with 99.9%.
    let mut covered = 0;
    let experiments = 200;
    for seed in 0..experiments {
        let text = format!(
            r#"
[scenario]
name = "mm1"
duration = "6m"
warmup = "1m"
seed = {seed}
replications = 5
[workload]
rate = 50
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
workers = 1
service_time = {{ dist = "exp", mean = "10ms" }}
"#
        );
        let s = scenario(&text);
        let means: Vec<f64> = (0..5).map(|r| simulate(&s, 0, r).response.mean).collect();
        let (mean, half) = mean_ci(&means);
        if (mean - 20.0).abs() <= half {
            covered += 1;
        }
    }
    assert!(
        (180..=200).contains(&covered),
        "{covered} of {experiments} intervals cover the mean"
    );
}

#[test]
fn more_replications_later_run_only_the_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_file(dir.path(), SWEPT);
    let run = |out: &Path, reps: &str, extra: &[&str]| {
        let mut args = vec![
            "run",
            &s,
            "--out",
            out.to_str().unwrap(),
            "--replications",
            reps,
        ];
        args.extend(extra);
        let o = stratosim(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let fresh = dir.path().join("fresh");
    run(&fresh, "4", &["-q"]);
    let grown = dir.path().join("grown");
    run(&grown, "2", &["-q"]);
    let said = run(&grown, "4", &["--format", "csv"]);
    assert!(
        said.contains("keeping replications 0–1") && said.contains("running 12 new runs"),
        "{said}"
    );
    same_files(&fresh, &grown);
    // Other runs (another rate) reuse nothing.
    let other = dir.path().join("other");
    run(&other, "4", &["-q", "--set", "workload.rate=250"]);
    let said = run(
        &grown,
        "4",
        &["--set", "workload.rate=250", "--format", "csv"],
    );
    assert!(!said.contains("keeping"), "{said}");
    same_files(&other, &grown);
}

#[test]
fn a_design_no_swept_key_reaches_has_the_same_key_at_every_point() {
    use stratosim::scenario::{Override, load_str};
    let at = |n: &str| {
        let o = [Override {
            key: "designs.small.app.instances".into(),
            value: n.into(),
        }];
        load_str(SWEPT, Path::new("s.toml"), &o).unwrap()
    };
    let (two, three) = (at("2"), at("3"));
    // Designs in file order: small (swept), large (untouched).
    assert_ne!(two.design_key(0), three.design_key(0));
    assert_eq!(two.design_key(1), three.design_key(1));
    // The runs are the same too, so `run` simulates them once.
    let (a, b) = (simulate(&two, 1, 0), simulate(&three, 1, 0));
    assert_eq!(a.response, b.response);
    assert_eq!(a.cost_usd, b.cost_usd);
}

#[test]
fn a_design_collapsing_under_retries_misses_a_p99_its_served_requests_meet() {
    // `retry-storm` cut short: the database slows down at minute 5; the
    // unbounded queue collapses under retries and fails most requests from
    // then on. Its served requests alone have a p99 under 2 s, but with
    // more than 1% of all requests failed the all-requests p99 is infinite,
    // and the SLO judges that one.
    let text = fs::read_to_string(repo().join("scenarios/retry-storm.toml"))
        .unwrap()
        .replace("duration = \"45m\"", "duration = \"12m\"")
        .replace("warmup = \"5m\"", "warmup = \"1m\"")
        .replace("at = \"20m\"", "at = \"5m\"")
        .replace("replications = 4", "replications = 2")
        .replace(
            "[workload]\n",
            "[slo]\nresponse_p99 = \"2s\"\n\n[workload]\n",
        );
    let dir = tempfile::tempdir().unwrap();
    let s = scenario_file(dir.path(), &text);
    let out = dir.path().join("out");
    let o = stratosim(&["run", &s, "--out", out.to_str().unwrap(), "-q"]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let summary = fs::read_to_string(out.join("summary.csv")).unwrap();
    let header: Vec<&str> = summary.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    for line in summary
        .lines()
        .skip(1)
        .filter(|l| l.starts_with("unbounded,"))
    {
        let f: Vec<&str> = line.split(',').collect();
        let num = |name: &str| f[col(name)].parse::<f64>().unwrap();
        assert!(num("failed") > 0.3 * num("requests"), "{line}");
        assert!(num("response_p99_ms") < 2000.0, "served p99: {line}");
        assert_eq!(f[col("response_p99_all_ms")], "inf", "{line}");
        assert_eq!(f[col("completion_p99_all_ms")], "inf", "{line}");
        // Throughput counts the failures, goodput only the completions.
        assert!(num("goodput_rps") < 0.5 * num("throughput_rps"), "{line}");
    }
    let designs = fs::read_to_string(out.join("designs.csv")).unwrap();
    let header: Vec<&str> = designs.lines().next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let row: Vec<&str> = designs
        .lines()
        .find(|l| l.starts_with("unbounded,"))
        .unwrap()
        .split(',')
        .collect();
    assert!(row[col("response_p99_ms_mean")].parse::<f64>().unwrap() < 2000.0);
    // The mean over replications is infinite; its interval unknown.
    assert_eq!(row[col("response_p99_all_ms_mean")], "inf");
    assert_eq!(row[col("response_p99_all_ms_low")], "");
    assert_eq!(row[col("slo_pass")], "no");
    assert_eq!(row[col("slo_binding")], "response_p99_all_ms");
}

#[test]
fn the_all_requests_p99_is_the_order_statistic_of_a_scripted_workload() {
    // A trace of 200 requests arriving together at t = 1 s, served one at a
    // time in 10 ms each: the k-th waits k × 10 ms, 10 ms … 2,000 ms. The
    // client gives up after `timeout` (no retry): those slower fail.
    //   timeout 1,985 ms: 2 fail (1,990 and 2,000 ms), 198 served. Nearest
    //     rank ⌈0.99 × 200⌉ = 198: the 198th smallest, 1,980 ms. The served
    //     alone rank ⌈0.99 × 198⌉ = 197: 1,970 ms.
    //   timeout 1,975 ms: 3 fail (1.5%), rank 198 > 197 served: infinite.
    let dir = tempfile::tempdir().unwrap();
    let trace = format!("time_s\n{}", "1.0\n".repeat(200));
    fs::write(dir.path().join("arrivals.csv"), trace).unwrap();
    let scenario = |timeout: &str| {
        format!(
            r#"
[scenario]
name = "scripted"
duration = "30s"
seed = 1
[workload]
trace = "arrivals.csv"
[workload.client]
timeout = "{timeout}"
retries = 0
[designs.d]
entry = "app"
[designs.d.app]
kind = "ec2"
instance_type = "c5.large"
instances = 1
workers = 1
service_time = "10ms"
"#
        )
    };
    let close = |got: f64, want: f64| (got - want).abs() <= want * 1e-3;
    for (timeout, failed, served_p99, p99_all) in [
        ("1985ms", 2, 1970.0, 1980.0),
        ("1975ms", 3, 1960.0, f64::INFINITY),
    ] {
        let path = dir.path().join(format!("s-{timeout}.toml"));
        fs::write(&path, scenario(timeout)).unwrap();
        let s = stratosim::scenario::load(&path, &[]).unwrap();
        let r = simulate(&s, 0, 0);
        assert_eq!((r.requests, r.failed), (200, failed), "{timeout}");
        assert_eq!(r.completed, 200 - failed);
        assert!(close(r.response.p99, served_p99), "{}", r.response.p99);
        if p99_all.is_infinite() {
            assert_eq!(r.response_p99_all_ms, f64::INFINITY);
            assert_eq!(r.completion_p99_all_ms, f64::INFINITY);
        } else {
            assert!(
                close(r.response_p99_all_ms, p99_all),
                "{}",
                r.response_p99_all_ms
            );
            assert!(close(r.completion_p99_all_ms, p99_all));
        }
    }
}
