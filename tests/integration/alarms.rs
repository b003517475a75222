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

/// `alarms.csv` is written by `run`, and again when the folder is run into
/// a second time (its replications are then run anew, not reused).
#[cfg(feature = "slow-tests")]
#[test]
fn run_writes_alarms_csv_every_time() {
    use crate::common::{repo, stratosim};
    let out = std::env::temp_dir().join(format!("stratosim-alarms-{}", std::process::id()));
    let scenario = repo().join("scenarios/alarm-notification.toml");
    for _ in 0..2 {
        let o = stratosim(&[
            "run",
            scenario.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--no-charts",
            "--replications",
            "1",
        ]);
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        let text = std::fs::read_to_string(out.join("alarms.csv")).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(
            rows[0],
            "design,replication,time_s,alarm,from,to,datapoint,notifications"
        );
        assert_eq!(rows.len(), 1 + 2 * 3, "{text}");
        assert!(rows[2].starts_with("one_of_one,0,660.000,db-errors,OK,ALARM,"));
        assert!(rows[5].starts_with("three_of_three,0,780.000,db-errors,OK,ALARM,"));
    }
    let _ = std::fs::remove_dir_all(&out);
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
