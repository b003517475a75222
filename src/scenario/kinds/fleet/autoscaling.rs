//! `[….autoscaling]`: an EC2 Auto Scaling group, its dynamic scaling policy,
//! the named step policies its alarms invoke, and its scheduled actions.

use crate::scenario::kinds::fleet::MAX_INSTANCES;
use crate::scenario::reader::values::{ANY_DURATION, DurRange, NumRange, POSITIVE, Unit};
use crate::scenario::reader::{Ctx, Table, check_name, table_items, timed_items};
use crate::settings::{
    AutoScalingSpec, ScalingMetric, ScalingPolicy, ScheduledAction, StepAdjustment, StepPolicy,
    TerminationPolicy,
};
use crate::time::SimDuration;

const POLICIES: &[(&str, &str)] = &[
    ("target_tracking", "target_tracking"),
    ("step", "step"),
    ("scheduled", "scheduled"),
];

const METRICS: &[(&str, ScalingMetric)] = &[
    ("cpu", ScalingMetric::Cpu),
    ("requests_per_target", ScalingMetric::RequestsPerTarget),
    ("backlog_per_instance", ScalingMetric::BacklogPerInstance),
];

const TERMINATION_POLICIES: &[(&str, TerminationPolicy)] = &[
    ("default", TerminationPolicy::Default),
    ("oldest_instance", TerminationPolicy::OldestInstance),
    ("newest_instance", TerminationPolicy::NewestInstance),
];

/// `[….autoscaling]` of an EC2 or Fargate fleet; `bound` is the most
/// instances (or tasks) a group may have.
pub(crate) fn read(ctx: &mut Ctx, a: &Table, bound: u32) -> Option<AutoScalingSpec> {
    a.check_keys(
        ctx,
        &[
            "min",
            "max",
            "desired",
            "policy",
            "metric",
            "target",
            "disable_scale_in",
            "steps",
            "datapoints",
            "evaluation_periods",
            "scale_in_cooldown",
            "scale_out_cooldown",
            "warmup",
            "period",
            "metric_delay",
            "termination_policy",
            "scheduled",
            "max_scale_in",
            "policies",
        ],
    );
    let min = if a.require(ctx, "min", "an integer ≥ 0") {
        a.u32(ctx, "min", 0, bound)
    } else {
        None
    };
    let max = if a.require(ctx, "max", "an integer ≥ 1") {
        a.u32(ctx, "max", 1, bound)
    } else {
        None
    };
    let desired = a.u32(ctx, "desired", 0, bound);
    let mut ok = true;
    if let (Some(lo), Some(hi)) = (min, max)
        && lo > hi
    {
        a.err(
            ctx,
            "min",
            format!("expected `min` ≤ `max` ({hi}), found {lo}"),
        );
        ok = false;
    }
    if let Some(d) = desired
        && (min.is_some_and(|lo| d < lo) || max.is_some_and(|hi| d > hi))
    {
        a.err(
            ctx,
            "desired",
            format!("expected `desired` between `min` and `max`, found {d}"),
        );
        ok = false;
    }
    let policy = a.choice(ctx, "policy", POLICIES);
    let metric = a.choice(ctx, "metric", METRICS);
    let policy_ok = !a.has("policy") || policy.is_some();
    let metric_ok = !a.has("metric") || metric.is_some();
    let metric = metric.unwrap_or(ScalingMetric::Cpu);
    let range = if metric == ScalingMetric::Cpu {
        NumRange {
            min: 0.0,
            min_open: true,
            max: 100.0,
            text: "> 0 and ≤ 100 (percent)".into(),
        }
    } else {
        POSITIVE
    };
    // A group whose alarms invoke its named policies needs no policy of
    // its own.
    let kind = policy.unwrap_or(if a.has("policies") {
        "scheduled"
    } else {
        "target_tracking"
    });
    let mut target = None;
    if kind == "target_tracking" && policy_ok {
        if a.require(ctx, "target", "a number > 0 (percent for metric = \"cpu\")") && metric_ok {
            target = a.num(ctx, "target", range.clone());
        }
    } else {
        a.num(ctx, "target", POSITIVE);
        if a.has("target") && policy_ok {
            a.err(
                ctx,
                "target",
                format!("`target` belongs to policy = \"target_tracking\", not \"{kind}\""),
            );
        }
    }
    let disable_scale_in = a.bool(ctx, "disable_scale_in").unwrap_or(false);
    let datapoints = a.u32(ctx, "datapoints", 1, 100);
    let periods = a.u32(ctx, "evaluation_periods", 1, 100);
    if let (Some(n), Some(m)) = (datapoints, periods)
        && n > m
    {
        a.err(
            ctx,
            "datapoints",
            format!("expected `datapoints` ≤ `evaluation_periods` ({m}), found {n}"),
        );
        ok = false;
    }
    let steps = if kind == "step" && policy_ok {
        if a.require(
            ctx,
            "steps",
            "an array of steps such as [{ above = 70, change = 2 }, { below = 30, change = -1 }]",
        ) {
            scaling_steps(ctx, a, range)
        } else {
            None
        }
    } else {
        for key in ["steps", "datapoints", "evaluation_periods"] {
            if a.has(key) && policy_ok {
                a.err(
                    ctx,
                    key,
                    format!("`{key}` belongs to policy = \"step\", not \"{kind}\""),
                );
                ok = false;
            }
        }
        Some(Vec::new())
    };
    let defaults = &crate::catalog::builtin().autoscaling;
    let cooldown = defaults.default_cooldown_s.secs();
    let scale_in_cooldown = a.dur(ctx, "scale_in_cooldown", ANY_DURATION);
    let scale_out_cooldown = a.dur(ctx, "scale_out_cooldown", ANY_DURATION);
    let hours = [Unit::Secs, Unit::Hours];
    let zero = SimDuration::ZERO;
    let warmups = DurRange::between(zero, defaults.max_warmup_s.secs(), hours);
    let warmup = a.dur(ctx, "warmup", warmups);
    // Our own bounds: CloudWatch periods and delays are far shorter.
    let hour = SimDuration::from_secs(3600);
    let period = a.dur(
        ctx,
        "period",
        DurRange::between(SimDuration::from_secs(1), hour, hours),
    );
    let metric_delay = a.dur(ctx, "metric_delay", DurRange::between(zero, hour, hours));
    let termination = a.choice(ctx, "termination_policy", TERMINATION_POLICIES);
    let max_scale_in = a.u32(ctx, "max_scale_in", 1, bound);
    let scheduled = scheduled_actions(ctx, a, bound);
    let policies = step_policies(ctx, a);
    if !(policy_ok && metric_ok && ok) {
        return None;
    }
    let (min, max) = (min?, max?);
    let policy = match kind {
        "target_tracking" => ScalingPolicy::TargetTracking {
            metric,
            target: target?,
            disable_scale_in,
        },
        "step" => {
            let n = datapoints.unwrap_or(1);
            ScalingPolicy::Step {
                metric,
                steps: steps?,
                datapoints: n,
                evaluation_periods: periods.unwrap_or(n),
            }
        }
        _ => ScalingPolicy::None,
    };
    Some(AutoScalingSpec {
        min,
        max,
        desired: desired.unwrap_or(min),
        policy,
        scale_in_cooldown: scale_in_cooldown.unwrap_or(cooldown),
        scale_out_cooldown: scale_out_cooldown.unwrap_or(cooldown),
        warmup: warmup.unwrap_or(defaults.default_warmup_s.secs()),
        period: period.unwrap_or(defaults.metric_period_s.secs()),
        metric_delay: metric_delay.unwrap_or(defaults.metric_delay_s.secs()),
        termination: termination.unwrap_or(TerminationPolicy::Default),
        max_scale_in,
        scheduled: scheduled?,
        policies: policies?,
    })
}

/// `policies = { scale_out = { steps = [{ above = 0, change = 1 }] }, … }`:
/// step policies by name, their bounds relative to the threshold of the
/// alarm that invokes them (AWS's step adjustments).
fn step_policies(ctx: &mut Ctx, a: &Table) -> Option<Vec<StepPolicy>> {
    let Some(t) = a.sub(ctx, "policies") else {
        return (!a.has("policies")).then(Vec::new);
    };
    let relative = NumRange::closed(
        f64::MIN,
        f64::MAX,
        "a number (relative to the alarm's threshold)",
    );
    let (mut policies, mut ok) = (Vec::new(), true);
    for (name, at, v) in t.entries() {
        let path = t.key(name);
        check_name(ctx, at, &path, name, "policy");
        let expected = "a step policy such as { steps = [{ above = 0, change = 1 }] }";
        let Some(p) = Table::of(ctx, path, v, expected) else {
            ok = false;
            continue;
        };
        p.check_keys(ctx, &["steps"]);
        let example = "an array of steps relative to the alarm's threshold, such as [{ above = 0, change = 1 }, { above = 20, change = 3 }]";
        match p
            .require(ctx, "steps", example)
            .then(|| scaling_steps(ctx, &p, relative.clone()))
            .flatten()
        {
            Some(steps) if steps.is_empty() => {
                p.err(
                    ctx,
                    "steps",
                    "expected at least one step, found an empty array",
                );
                ok = false;
            }
            Some(steps) => policies.push(StepPolicy {
                name: name.to_string(),
                steps,
            }),
            None => ok = false,
        }
    }
    ok.then_some(policies)
}

/// `steps = [{ above = 70, change = 2 }, { below = 30, change = -1 }]`.
fn scaling_steps(ctx: &mut Ctx, a: &Table, range: NumRange) -> Option<Vec<StepAdjustment>> {
    let mut steps = table_items(
        ctx,
        a,
        "steps",
        "an array of steps such as [{ above = 70, change = 2 }]",
        "a step { above = 70, change = 2 } or { below = 30, change = -1 }",
        |ctx, s| scaling_step(ctx, s, &range),
    )?;
    // Sorted from the most extreme bound in each direction, so the first
    // step a datapoint passes is the one that applies.
    steps.sort_by(|x, y| match (x.above, y.above) {
        (true, true) => y.bound.total_cmp(&x.bound),
        (false, false) => x.bound.total_cmp(&y.bound),
        (true, false) => std::cmp::Ordering::Less,
        (false, true) => std::cmp::Ordering::Greater,
    });
    Some(steps)
}

/// `{ above = 70, change = 2 }` or `{ below = 30, change = -1 }`.
fn scaling_step(ctx: &mut Ctx, s: &Table, range: &NumRange) -> Option<StepAdjustment> {
    s.check_keys(ctx, &["above", "below", "change"]);
    let above = s.num(ctx, "above", range.clone());
    let below = s.num(ctx, "below", range.clone());
    let change = if s.require(ctx, "change", "a non-zero integer") {
        s.int(
            ctx,
            "change",
            -i128::from(MAX_INSTANCES),
            i128::from(MAX_INSTANCES),
        )
    } else {
        None
    };
    if change == Some(0) {
        s.err(ctx, "change", "expected a non-zero integer, found 0");
    }
    let step = match (s.has("above"), s.has("below")) {
        (true, false) => above.map(|b| (b, true)),
        (false, true) => below.map(|b| (b, false)),
        (both, _) => {
            let message = if both {
                "a step has either `above` or `below`, not both"
            } else {
                "missing `above` or `below`: expected the metric value the step starts at"
            };
            ctx.error(s.at, s.path.clone(), message);
            None
        }
    };
    let (bound, above) = step?;
    let change = change.filter(|&c| c != 0)? as i32;
    if above != (change > 0) {
        s.err(
            ctx,
            "change",
            if above {
                "a step `above` a bound adds instances: expected `change` > 0"
            } else {
                "a step `below` a bound removes instances: expected `change` < 0"
            },
        );
        return None;
    }
    Some(StepAdjustment {
        bound,
        above,
        change,
    })
}

/// `scheduled = [{ at = "8h", min = 4, desired = 6 }, …]`.
fn scheduled_actions(ctx: &mut Ctx, a: &Table, bound: u32) -> Option<Vec<ScheduledAction>> {
    let items = timed_items(
        ctx,
        a,
        "scheduled",
        "an array of actions such as [{ at = \"8h\", desired = 6 }]",
        "an action { at = \"8h\", min = 2, max = 10, desired = 6 }",
        "actions",
        |ctx, s| {
            s.check_keys(ctx, &["at", "min", "max", "desired"]);
            let min = s.u32(ctx, "min", 0, bound);
            let max = s.u32(ctx, "max", 1, bound);
            let desired = s.u32(ctx, "desired", 0, bound);
            let mut ok = true;
            if !(s.has("min") || s.has("max") || s.has("desired")) {
                ctx.error(
                    s.at,
                    s.path.clone(),
                    "an action sets at least one of `min`, `max` and `desired`",
                );
                ok = false;
            }
            if let (Some(lo), Some(hi)) = (min, max)
                && lo > hi
            {
                s.err(
                    ctx,
                    "min",
                    format!("expected `min` ≤ `max` ({hi}), found {lo}"),
                );
                ok = false;
            }
            ok.then_some((min, max, desired))
        },
    )?;
    Some(
        items
            .into_iter()
            .map(|(at, (min, max, desired))| ScheduledAction {
                at,
                min,
                max,
                desired,
            })
            .collect(),
    )
}
