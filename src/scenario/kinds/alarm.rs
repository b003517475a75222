//! `kind = "alarm"`: a CloudWatch metric alarm on one metric of one
//! component of the design, notifying SNS topics when its state changes.

use crate::metric::{self, Metric};
use crate::scenario::kinds::{ComponentId, ComponentSpec, Kind, Reading, Role, single_name};
use crate::scenario::reader::text::{Quoted, did_you_mean_value, one_of, quote};
use crate::scenario::reader::values::DurRange;
use crate::scenario::reader::{Ctx, Table};
use crate::settings::{Comparison, MissingData, Statistic};
use crate::time::SimDuration;

/// `kind = "alarm"`.
#[derive(Clone, Debug)]
pub struct AlarmSpec {
    /// `component`: the component watched.
    pub component: ComponentId,
    /// `metric`: one it writes to `timeseries.csv`.
    pub metric: Metric,
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
}

pub(crate) const KIND: Kind = Kind {
    name: "alarm",
    named_by: &[],
    read,
    writes: &["alarm_state", "notifications"],
};

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
        .collect();
    let metric = t
        .req_str(
            ctx,
            "metric",
            "a metric of timeseries.csv, such as \"errors\"",
        )
        .and_then(|name| match Metric::named(name) {
            Some(m) => Some(m),
            None => {
                let hint = did_you_mean_value(name, names.iter().map(String::as_str));
                t.err(
                    ctx,
                    "metric",
                    format!("no metric named {}{hint}", quote(name)),
                );
                None
            }
        });
    let statistics = [
        ("average", Statistic::Average),
        ("sum", Statistic::Sum),
        ("minimum", Statistic::Minimum),
        ("maximum", Statistic::Maximum),
        ("p99", Statistic::P99),
    ];
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
    let alarm_actions = reading.refer(ctx, t, "alarm_actions", Role::AlarmAction);
    let ok_actions = reading.refer(ctx, t, "ok_actions", Role::AlarmAction);
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
    }))
}
