//! CloudWatch alarms (`kind = "alarm"`) and the SNS email and SMS endpoints
//! they notify: exact transitions, notifications and bills.

use crate::common::{component, scenario};
use stratosim::run::simulate;
use stratosim::scenario::load_str;

/// An app calling a database that is out from 5.5 min to 10.5 min; an
/// alarm on the sum of the app's errors per minute, 2 of 3 above 0,
/// notifying a topic with one email and (`sms`) one SMS subscriber.
fn outage(sms: bool) -> String {
    let endpoints = if sms {
        "[{ protocol = \"email\" }, { protocol = \"sms\" }]"
    } else {
        "[{ protocol = \"email\" }]"
    };
    let prices = if sms {
        "\n[prices]\n\"sns.sms_per_message\" = 0.01\n"
    } else {
        ""
    };
    format!(
        r#"[scenario]
name = "alarm-test"
duration = "15m"
warmup = "0s"
interval = "60s"
replications = 2
{prices}
[workload]
rate = 20

[designs.d]
entry = "app"

[designs.d.app]
kind = "ec2"
instance_type = "m5.large"
instances = 2
workers = 16
service_time = "5ms"
calls = "db"

[designs.d.db]
kind = "database"
capacity = 32
service_time = "2ms"

[designs.d.errors-alarm]
kind = "alarm"
component = "app"
metric = "errors"
statistic = "sum"
period = "60s"
evaluation_periods = 3
datapoints_to_alarm = 2
comparison = ">"
threshold = 0
alarm_actions = "oncall"
ok_actions = "oncall"

[designs.d.oncall]
kind = "topic"
subscribers = {endpoints}

[[faults]]
component = "db"
kind = "outage"
at = "330s"
duration = "5m"
"#
    )
}

#[test]
fn an_alarm_fires_after_m_of_n_breaching_datapoints_and_notifies_once_per_transition() {
    let s = scenario(&outage(false));
    for r in 0..s.replications {
        let run = simulate(&s, 0, r);
        let alarm = component(&run, "errors-alarm");
        let t: Vec<(f64, &str, &str, u32)> = alarm
            .transitions
            .iter()
            .map(|t| (t.time.as_secs_f64(), t.from, t.to, t.notifications))
            .collect();
        // The first datapoint (t = 60 s) ends INSUFFICIENT_DATA. Errors
        // breach from the minute ending at 360 s (the outage began at 330 s)
        // to the one ending at 660 s (it ended at 630 s): the second
        // breaching datapoint, at 420 s, is 2 of 3; at 780 s only the one of
        // 660 s is left among the last three.
        assert_eq!(
            t,
            vec![
                (60.0, "INSUFFICIENT_DATA", "OK", 1),
                (420.0, "OK", "ALARM", 1),
                (780.0, "ALARM", "OK", 1),
            ],
            "replication {r}"
        );
        let topic = component(&run, "oncall");
        // Three notifications, one email each: $0.50 per 1M publishes and
        // $20 per 1M emails (catalog).
        let bill = 3.0 * 0.50 / 1e6 + 3.0 * 20.0 / 1e6;
        assert!((topic.cost_usd - bill).abs() < 1e-12, "{}", topic.cost_usd);
        // A standard alarm: $0.10 per alarm-month, prorated.
        let month_s = 730.0 * 3600.0;
        assert!((alarm.cost_usd - 0.10 * 900.0 / month_s).abs() < 1e-12);
        assert!((alarm.monthly_cost_usd - 0.10).abs() < 1e-9);
        // Nothing of the workload is lost to the alarm or its notifications.
        assert_eq!(
            run.requests,
            run.completed + run.failed + run.lost + run.pending
        );
        let emails: f64 = run
            .samples
            .iter()
            .filter(|x| {
                run.series_names[x.component as usize] == "oncall" && run.metric_name(x) == "emails"
            })
            .map(|x| x.value)
            .sum();
        assert_eq!(emails, 3.0);
        let notifications: f64 = run
            .samples
            .iter()
            .filter(|x| {
                run.series_names[x.component as usize] == "errors-alarm"
                    && run.metric_name(x) == "notifications"
            })
            .map(|x| x.value)
            .sum();
        assert_eq!(notifications, 3.0);
    }
}

#[test]
fn missing_data_is_treated_as_the_alarm_says() {
    // The alarm watches the p99 of a function no request reaches: no
    // datapoint ever.
    let text = outage(false).replace(
        "metric = \"errors\"\nstatistic = \"sum\"",
        "metric = \"response_p99_ms\"\nstatistic = \"maximum\"",
    );
    let text = text.replace(
        "component = \"app\"\nmetric",
        "component = \"idle\"\nmetric",
    );
    let text = format!(
        "{text}\n[designs.d.idle]\nkind = \"ec2\"\ninstance_type = \"m5.large\"\nservice_time = \"5ms\"\n"
    );
    let states = |treatment: &str| {
        let t = text.replace(
            "threshold = 0\n",
            &format!("threshold = 0\ntreat_missing_data = \"{treatment}\"\n"),
        );
        let s = scenario(&t);
        let run = simulate(&s, 0, 0);
        component(&run, "errors-alarm")
            .transitions
            .iter()
            .map(|t| (t.time.as_secs_f64(), t.to))
            .collect::<Vec<_>>()
    };
    // `missing`: never any data, so INSUFFICIENT_DATA throughout.
    assert_eq!(states("missing"), vec![]);
    // `ignore`: the state is kept, INSUFFICIENT_DATA too.
    assert_eq!(states("ignore"), vec![]);
    assert_eq!(states("notBreaching"), vec![(60.0, "OK")]);
    assert_eq!(states("breaching"), vec![(60.0, "ALARM")]);
}

#[test]
fn sms_deliveries_are_billed_at_the_scenarios_price() {
    let s = scenario(&outage(true));
    let run = simulate(&s, 0, 0);
    let topic = component(&run, "oncall");
    let bill = 3.0 * 0.50 / 1e6 + 3.0 * 20.0 / 1e6 + 3.0 * 0.01;
    assert!((topic.cost_usd - bill).abs() < 1e-12, "{}", topic.cost_usd);
    // Without the price, `check` asks for it.
    let text = outage(true).replace("\"sns.sms_per_message\" = 0.01\n", "");
    let err = load_str(&text, std::path::Path::new("t.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("sns.sms_per_message"), "{err}");
}

#[test]
fn check_names_the_key_and_suggests() {
    let bad = outage(false).replace("metric = \"errors\"", "metric = \"erors\"");
    let err = load_str(&bad, std::path::Path::new("t.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("designs.d.errors-alarm.metric"), "{err}");
    assert!(err.contains("did you mean \"errors\"?"), "{err}");
    let bad = outage(false).replace("metric = \"errors\"", "metric = \"queue_depth\"");
    let err = load_str(&bad, std::path::Path::new("t.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("writes no `queue_depth`"), "{err}");
    let bad = outage(false).replace("period = \"60s\"", "period = \"90s\"");
    let err = load_str(&bad, std::path::Path::new("t.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("designs.d.errors-alarm.period"), "{err}");
    let bad = outage(false).replace("datapoints_to_alarm = 2", "datapoints_to_alarm = 4");
    let err = load_str(&bad, std::path::Path::new("t.toml"), &[])
        .unwrap_err()
        .to_string();
    assert!(err.contains("at most `evaluation_periods` (3)"), "{err}");
}

/// `alarms.csv` is written by `run`, and carried over when the folder is
/// run into again: a second run with one more replication keeps the first
/// (it says so) and runs only the new one, and its `alarms.csv` is byte for
/// byte that of a fresh run of both; a third run reuses every replication
/// and leaves `alarms.csv` as it was. An `alarms.csv` that lost a row is not
/// reused: every replication runs again.
#[cfg(feature = "slow-tests")]
#[test]
fn a_rerun_reuses_the_replications_and_their_alarms_csv() {
    use crate::common::{repo, stratosim};
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/alarm-notification.toml");
    let run = |out: &std::path::Path, replications: &str| {
        let o = stratosim(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--no-charts",
            "--replications",
            replications,
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        String::from_utf8_lossy(&o.stderr).into_owned()
    };
    let read = |dir: &std::path::Path| std::fs::read_to_string(dir.join("alarms.csv")).unwrap();
    let (out, fresh) = (tmp.path().join("out"), tmp.path().join("fresh"));
    let said = run(&out, "1");
    assert!(!said.contains("keeping"), "{said}");
    let text = read(&out);
    let rows: Vec<&str> = text.lines().collect();
    assert_eq!(
        rows[0],
        "design,replication,time_s,alarm,from,to,datapoint,notifications"
    );
    assert_eq!(rows.len(), 1 + 2 * 3, "{text}");
    assert!(rows[2].starts_with("one_of_one,0,660.000,db-errors,OK,ALARM,"));
    assert!(rows[5].starts_with("three_of_three,0,780.000,db-errors,OK,ALARM,"));
    // One more replication: the first is kept, two new runs (one per design).
    let said = run(&out, "2");
    assert!(
        said.contains("keeping replication 0–0") && said.contains("running 2 new runs"),
        "{said}"
    );
    run(&fresh, "2");
    assert_eq!(read(&out), read(&fresh), "alarms.csv of a rerun");
    assert_eq!(read(&out).lines().count(), 1 + 2 * 2 * 3);
    // Nothing new: every run is reused, alarms.csv unchanged.
    let before = read(&out);
    let said = run(&out, "2");
    assert!(said.contains("running 0 new runs"), "{said}");
    assert_eq!(read(&out), before);
    // A row lost: the folder is not reused, and alarms.csv is whole again.
    let cut: Vec<&str> = before.lines().collect();
    std::fs::write(
        out.join("alarms.csv"),
        cut[..cut.len() - 1].join("\n") + "\n",
    )
    .unwrap();
    let said = run(&out, "2");
    assert!(
        said.contains("are not reused") && said.contains("alarms.csv"),
        "{said}"
    );
    assert_eq!(read(&out), before);
}

/// Shards of a scenario with alarms merge into the folder of one run:
/// `alarms.csv` joined run by run, byte for byte; a shard whose
/// `alarms.csv` lost a row is refused with nothing written.
#[cfg(feature = "slow-tests")]
#[test]
fn shards_with_alarms_merge_into_one_runs_alarms_csv() {
    use crate::common::{repo, stratosim};
    let tmp = tempfile::tempdir().unwrap();
    let scenario = repo().join("scenarios/alarm-notification.toml");
    let run = |out: &std::path::Path, shard: Option<&str>| {
        let mut args = vec![
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--no-charts",
            "--replications",
            "2",
        ];
        if let Some(s) = shard {
            args.extend(["--shard", s]);
        }
        let o = stratosim(&args);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    };
    let (whole, one, two) = (
        tmp.path().join("whole"),
        tmp.path().join("one"),
        tmp.path().join("two"),
    );
    run(&whole, None);
    run(&one, Some("1/2"));
    run(&two, Some("2/2"));
    let merge = |first: &std::path::Path, out: &std::path::Path| {
        stratosim(&[
            "merge",
            first.to_str().unwrap(),
            two.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "-q",
        ])
    };
    let merged = tmp.path().join("merged");
    let o = merge(&one, &merged);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let read = |dir: &std::path::Path| std::fs::read(dir.join("alarms.csv")).unwrap();
    assert_eq!(read(&merged), read(&whole), "merged alarms.csv");
    // A shard whose alarms.csv lost its last row.
    let text = String::from_utf8(read(&one)).unwrap();
    let cut: Vec<&str> = text.lines().collect();
    assert!(cut.len() > 2, "{text}");
    std::fs::write(
        one.join("alarms.csv"),
        cut[..cut.len() - 1].join("\n") + "\n",
    )
    .unwrap();
    let refused = tmp.path().join("refused");
    let o = merge(&one, &refused);
    assert_eq!(
        o.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    assert!(String::from_utf8_lossy(&o.stderr).contains("alarms.csv"));
    assert!(!refused.exists(), "refused, yet wrote");
}

/// The timeline of the lesson shades, in a lane per alarm of each design,
/// the periods each alarm spent in ALARM, at the times `alarms.csv` gives:
/// the shaded rectangles' edges lie on one time axis with the transitions'
/// times, the first design's lane above the second's, and the lanes are
/// named by alarm and design.
#[cfg(feature = "slow-tests")]
#[test]
fn the_timeline_shades_each_alarms_periods_in_alarm() {
    use crate::common::{repo, stratosim};
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let scenario = repo().join("scenarios/alarm-notification.toml");
    let o = stratosim(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--replications",
        "1",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    // The periods in ALARM, per design in file order [s].
    let csv = std::fs::read_to_string(out.join("alarms.csv")).unwrap();
    // Per design, its periods in ALARM: (start, end when it ended).
    type Periods = Vec<(f64, Option<f64>)>;
    let mut lanes: Vec<(String, Periods)> = Vec::new();
    for row in csv.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let (design, time) = (cells[0].to_string(), cells[2].parse::<f64>().unwrap());
        if !lanes.iter().any(|l| l.0 == design) {
            lanes.push((design.clone(), Vec::new()));
        }
        let lane = lanes.iter_mut().find(|l| l.0 == design).unwrap();
        if cells[4] == "ALARM" {
            lane.1.last_mut().unwrap().1 = Some(time);
        }
        if cells[5] == "ALARM" {
            lane.1.push((time, None));
        }
    }
    assert_eq!(lanes.len(), 2, "{csv}");
    let svg = std::fs::read_to_string(out.join("charts/timeline.svg")).unwrap();
    assert!(svg.contains("Alarms in ALARM"));
    assert!(svg.contains("db-errors · one_of_one") && svg.contains("db-errors · three_of_three"));
    assert!(svg.contains("alarm in ALARM"), "legend entry");
    // The violet rectangles: (x, y, width, height) [px].
    let number = |tag: &str, name: &str| -> f64 {
        let from = tag.find(&format!(" {name}=\"")).unwrap() + name.len() + 3;
        tag[from..].split('"').next().unwrap().parse().unwrap()
    };
    let mut rects: Vec<(f64, f64, f64, f64)> = svg
        .split("<rect")
        .skip(1)
        .map(|t| &t[..t.find("/>").unwrap()])
        .filter(|t| t.contains("fill=\"#6A3D9A\""))
        .map(|t| {
            (
                number(t, "x"),
                number(t, "y"),
                number(t, "width"),
                number(t, "height"),
            )
        })
        .collect();
    // The legend's swatch is in the header, above every lane.
    rects.sort_by(|a, b| a.1.total_cmp(&b.1));
    let lane_rects = &rects[1..];
    let spans: Vec<(f64, f64)> = lanes
        .iter()
        .flat_map(|l| {
            l.1.iter()
                .map(|&(a, b)| (a, b.expect("each period in ALARM ends")))
        })
        .collect();
    assert_eq!(lane_rects.len(), spans.len(), "{rects:?}");
    // Sorted by y, the first design's lane first: the same order as `spans`
    // (one period per lane here).
    assert!(lane_rects[0].1 < lane_rects[1].1);
    // One time axis: x = a + b·t through the two starts, and the ends on it.
    let (t0, t1) = (spans[0].0, spans[1].0);
    assert!(t0 != t1, "{spans:?}");
    let b = (lane_rects[1].0 - lane_rects[0].0) / (t1 - t0);
    let a = lane_rects[0].0 - b * t0;
    assert!(b > 0.0);
    for (r, (start, end)) in lane_rects.iter().zip(&spans) {
        assert!((r.0 - (a + b * start)).abs() < 2.0, "{r:?} {start}");
        assert!((r.0 + r.2 - (a + b * end)).abs() < 2.0, "{r:?} {end}");
    }
    assert!(out.join("charts/timeline.png").is_file());
}
