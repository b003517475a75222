//! `kind = "alarm"`: a CloudWatch metric alarm on one metric of one
//! component of the design, notifying SNS topics when its state changes
//! and invoking an Auto Scaling group's step policies
//! (`alarm_actions = ["app.scale_out"]`) while it stays in the state.

use crate::metric::{self, Metric};
use crate::scenario::kinds::{ComponentId, ComponentSpec, Kind, Reading, Role, single_name};
use crate::scenario::reader::text::{Quoted, did_you_mean_value, one_of, quote};
use crate::scenario::reader::values::DurRange;
use crate::scenario::reader::{Ctx, NameRef, Table};
use crate::settings::{Comparison, MissingData, ScalingMetric, Statistic};
use crate::time::SimDuration;

/// What an alarm watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmMetric {
    /// A metric the component writes to `timeseries.csv`.
    Series(Metric),
    /// An Auto Scaling group's own metric (`cpu`, `requests_per_target`,
    /// `backlog_per_instance`): the datapoints its policies see.
    Group(ScalingMetric),
}

/// The group metrics an alarm may watch, by the names `[….autoscaling]
/// metric` gives them, with the statistic AWS's policies use for each
/// (CPUUtilization's Average, ALBRequestCountPerTarget's Sum, the backlog
/// per instance's Average).
pub(crate) const GROUP_METRICS: &[(&str, ScalingMetric, Statistic, &str)] = &[
    ("cpu", ScalingMetric::Cpu, Statistic::Average, "average"),
    (
        "requests_per_target",
        ScalingMetric::RequestsPerTarget,
        Statistic::Sum,
        "sum",
    ),
    (
        "backlog_per_instance",
        ScalingMetric::BacklogPerInstance,
        Statistic::Average,
        "average",
    ),
];

/// `"app.scale_out"` in `alarm_actions` or `ok_actions`: the step policy
/// `name` of the Auto Scaling group of `group`.
#[derive(Clone, Debug)]
pub struct PolicyRef {
    /// The fleet whose group has the policy.
    pub group: ComponentId,
    /// The policy's name in the group's `policies`.
    pub name: String,
    /// Where it is written, and its key path, for the design's check.
    pub at: (usize, String),
}

/// `kind = "alarm"`.
#[derive(Clone, Debug)]
pub struct AlarmSpec {
    /// `component`: the component watched.
    pub component: ComponentId,
    /// `metric`: one it writes to `timeseries.csv`, or its group's own.
    pub metric: AlarmMetric,
    /// Where `metric` is written, and its key path, for the design's check
    /// that the component writes it.
    pub metric_at: (usize, String),
    /// `statistic`.
    pub statistic: Statistic,
    /// `period` (default 60 s).
    pub period: SimDuration,
    /// `evaluation_periods` (N).
    pub evaluation_periods: u32,
    /// `datapoints_to_alarm` (M, default N).
    pub datapoints_to_alarm: u32,
    /// `comparison`.
    pub comparison: Comparison,
    /// `threshold`.
    pub threshold: f64,
    /// `treat_missing_data` (default `missing`).
    pub missing: MissingData,
    /// `alarm_actions`: topics notified on ALARM.
    pub alarm_actions: Vec<ComponentId>,
    /// `ok_actions`: topics notified on OK.
    pub ok_actions: Vec<ComponentId>,
    /// `alarm_actions`: scaling policies invoked while in ALARM.
    pub alarm_policies: Vec<PolicyRef>,
    /// `ok_actions`: scaling policies invoked while OK.
    pub ok_policies: Vec<PolicyRef>,
}

pub(crate) const KIND: Kind = Kind {
    name: "alarm",
    named_by: &[],
    read,
    writes: &["alarm_state", "notifications"],
};

/// `statistic`'s values.
const STATISTICS: [(&str, Statistic); 5] = [
    ("average", Statistic::Average),
    ("sum", Statistic::Sum),
    ("minimum", Statistic::Minimum),
    ("maximum", Statistic::Maximum),
    ("p99", Statistic::P99),
];

/// The name a scenario gives `statistic`.
pub(crate) fn statistic_name(statistic: Statistic) -> &'static str {
    STATISTICS
        .iter()
        .find(|s| s.1 == statistic)
        .map_or("", |s| s.0)
}

/// Shortest period: CloudWatch's high-resolution alarms evaluate every 10 s.
const MIN_PERIOD_S: u64 = 10;
/// Most evaluation periods (CloudWatch: the periods × evaluation periods
/// span at most one day; this bound is on the count alone).
const MAX_PERIODS: u32 = 1440;

/// The catalog price of `a`'s alarm-month: a period under 60 s makes it a
/// high-resolution alarm.
pub(crate) fn price_key(a: &AlarmSpec) -> &'static str {
    if a.period < SimDuration::from_secs(60) {
        "cloudwatch.high_resolution_alarm_month"
    } else {
        "cloudwatch.standard_alarm_month"
    }
}

fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "component",
            "metric",
            "statistic",
            "period",
            "evaluation_periods",
            "datapoints_to_alarm",
            "comparison",
            "threshold",
            "treat_missing_data",
            "alarm_actions",
            "ok_actions",
        ],
    );
    let component = if t.require(ctx, "component", "the name of the component watched") {
        single_name(ctx, t, "component");
        reading
            .refer(ctx, t, "component", Role::Watched)
            .into_iter()
            .next()
    } else {
        None
    };
    let names: Vec<String> = metric::NAMED
        .iter()
        .map(|m| m.name(&[]).into_owned())
        .chain(GROUP_METRICS.iter().map(|g| g.0.to_string()))
        .collect();
    let metric = t
        .req_str(
            ctx,
            "metric",
            "a metric of timeseries.csv, such as \"errors\"",
        )
        .and_then(|name| match Metric::named(name) {
            Some(m) => Some(AlarmMetric::Series(m)),
            None => {
                if let Some(g) = GROUP_METRICS.iter().find(|g| g.0 == name) {
                    return Some(AlarmMetric::Group(g.1));
                }
                let hint = did_you_mean_value(name, names.iter().map(String::as_str));
                t.err(
                    ctx,
                    "metric",
                    format!("no metric named {}{hint}", quote(name)),
                );
                None
            }
        });
    let statistics = STATISTICS;
    let statistic = if t.require(
        ctx,
        "statistic",
        &one_of(
            &statistics.iter().map(|s| s.0).collect::<Vec<_>>(),
            Quoted::Value,
        ),
    ) {
        t.choice(ctx, "statistic", &statistics)
    } else {
        None
    };
    let period = t
        .dur(
            ctx,
            "period",
            DurRange::closed(
                SimDuration::from_secs(MIN_PERIOD_S),
                SimDuration::from_secs(86_400),
                "from 10s to 1d",
            ),
        )
        .unwrap_or(SimDuration::from_secs(60));
    // An alarm's datapoints are made of the interval values of its metric.
    if !period.0.is_multiple_of(ctx.interval.0.max(1)) {
        let interval = ctx.interval.as_secs_f64();
        let message = if t.has("period") {
            format!(
                "expected a whole number of the scenario's `interval` ({interval}s); set [scenario] interval to a divisor of it"
            )
        } else {
            format!(
                "the default `period` of 60s is not a whole number of the scenario's `interval` ({interval}s); set `period`"
            )
        };
        t.err(ctx, "period", message);
    }
    let n = if t.require(ctx, "evaluation_periods", "an integer from 1 to 1440") {
        t.u32(ctx, "evaluation_periods", 1, MAX_PERIODS)
    } else {
        None
    };
    let m = t.u32(ctx, "datapoints_to_alarm", 1, MAX_PERIODS);
    if let (Some(m), Some(n)) = (m, n)
        && m > n
    {
        t.err(
            ctx,
            "datapoints_to_alarm",
            format!("expected at most `evaluation_periods` ({n}), found {m}"),
        );
    }
    let comparisons = [
        (">", Comparison::Greater),
        (">=", Comparison::GreaterOrEqual),
        ("<", Comparison::Less),
        ("<=", Comparison::LessOrEqual),
    ];
    let comparison = if t.require(ctx, "comparison", "one of \">\", \">=\", \"<\" or \"<=\"") {
        t.choice(ctx, "comparison", &comparisons)
    } else {
        None
    };
    let any = crate::scenario::reader::values::NumRange::closed(f64::MIN, f64::MAX, "a number");
    let threshold = t.req_num(ctx, "threshold", any);
    let treatments = [
        ("missing", MissingData::Missing),
        ("notBreaching", MissingData::NotBreaching),
        ("breaching", MissingData::Breaching),
        ("ignore", MissingData::Ignore),
    ];
    let missing = t
        .choice(ctx, "treat_missing_data", &treatments)
        .unwrap_or(MissingData::Missing);
    let (alarm_actions, alarm_policies) = actions(ctx, t, reading, "alarm_actions");
    let (ok_actions, ok_policies) = actions(ctx, t, reading, "ok_actions");
    let n = n?;
    Some(ComponentSpec::Alarm(AlarmSpec {
        component: component?,
        metric: metric?,
        metric_at: (t.at("metric"), t.key("metric")),
        statistic: statistic?,
        period,
        evaluation_periods: n,
        datapoints_to_alarm: m.unwrap_or(n).min(n),
        comparison: comparison?,
        threshold: threshold?,
        missing,
        alarm_actions,
        ok_actions,
        alarm_policies,
        ok_policies,
    }))
}

/// `alarm_actions` or `ok_actions`: topics by name, and scaling policies
/// as `"<fleet>.<policy>"` (a component name holds no `.`, so the two
/// cannot be confused).
fn actions(
    ctx: &mut Ctx,
    t: &Table,
    reading: &mut Reading,
    key: &str,
) -> (Vec<ComponentId>, Vec<PolicyRef>) {
    let (mut topics, mut policies) = (Vec::new(), Vec::new());
    for to in t.names(ctx, key) {
        match to.name.split_once('.') {
            Some((group, policy)) => {
                let at = (to.at, to.key.clone());
                let group = NameRef {
                    name: group.to_string(),
                    ..to
                };
                policies.push(PolicyRef {
                    group: reading.push(group, Role::ScalingAction),
                    name: policy.to_string(),
                    at,
                });
            }
            None => topics.push(reading.push(to, Role::AlarmAction)),
        }
    }
    (topics, policies)
}
