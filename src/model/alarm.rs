//! A CloudWatch metric alarm: it watches one metric of one component,
//! turns the values of each period into a datapoint by its statistic,
//! evaluates the latest datapoints M of N ([`super::datapoints`]) and, on
//! each change of state, publishes one notification to each topic of the
//! new state's actions (`alarm_actions` on ALARM, `ok_actions` on OK).
//!
//! Its datapoints are built from the interval values the run samples (the
//! values of `timeseries.csv`): a period is a whole number of intervals,
//! and the datapoint of a period is available, and evaluated, at its end.
//! An alarm on an Auto Scaling group's own metric (`cpu`,
//! `requests_per_target`, `backlog_per_instance`) is handed the group's
//! datapoints instead, when the group publishes them (after its metric
//! delay): the datapoints the group's own policies see.
//!
//! Its actions may also name scaling policies of a group: as CloudWatch
//! does for Auto Scaling actions, it invokes them at every evaluation while
//! it stays in the state whose actions name them, handing over the
//! datapoint and its threshold.

use super::datapoints::{AlarmRule, AlarmState, Evaluation};
use super::monthly::Projection;
use super::{Component, Ctx, Msg};
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::settings::{ScalingMetric, Statistic};
use crate::stats::{AlarmTransition, ComponentReport, IntervalSink};
use crate::time::{SimDuration, SimTime};

/// An alarm's own timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmTimer {
    /// An interval ended: read the watched metric.
    Read,
}

/// Where an alarm's datapoints come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmSource {
    /// The watched component's metric in `timeseries.csv`, made a datapoint
    /// per period by the alarm's statistic.
    Series(Metric),
    /// The datapoints of an Auto Scaling group's own metric, as the group
    /// publishes them.
    Group(ScalingMetric),
}

/// A scaling policy an alarm's actions name: the group's actor and the
/// policy's number in it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PolicyAction {
    /// The fleet whose group has the policy.
    pub group: ActorId,
    /// The policy's number among the group's `policies`.
    pub policy: u32,
}

/// The settings an alarm is built from.
#[derive(Clone, Debug)]
pub struct AlarmConfig {
    /// The component watched.
    pub watched: ActorId,
    /// Its metric.
    pub source: AlarmSource,
    /// How a period's values make a datapoint.
    pub statistic: Statistic,
    /// The length of a period: a whole number of intervals.
    pub period: SimDuration,
    /// The run's sampling interval.
    pub interval: SimDuration,
    /// M of N datapoints against the threshold.
    pub rule: AlarmRule,
    /// Topics notified on ALARM.
    pub alarm_actions: Vec<ActorId>,
    /// Topics notified on OK.
    pub ok_actions: Vec<ActorId>,
    /// Scaling policies invoked while in ALARM.
    pub alarm_policies: Vec<PolicyAction>,
    /// Scaling policies invoked while OK.
    pub ok_policies: Vec<PolicyAction>,
    /// Components told of every change of state (fleets that roll a
    /// deployment back on this alarm).
    pub followers: Vec<ActorId>,
    /// The alarm's price [USD per alarm-month].
    pub per_month: f64,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
}

/// A CloudWatch metric alarm.
#[derive(Debug)]
pub struct Alarm {
    cfg: AlarmConfig,
    evaluation: Evaluation,
    /// The values of the current period so far.
    period_values: Vec<f64>,
    transitions: Vec<AlarmTransition>,
    interval_notifications: u64,
    window_start: SimTime,
}

impl Alarm {
    /// An alarm in INSUFFICIENT_DATA, as every alarm begins.
    pub fn new(cfg: AlarmConfig) -> Self {
        Alarm {
            evaluation: Evaluation::new(cfg.rule),
            period_values: Vec::new(),
            transitions: Vec::new(),
            interval_notifications: 0,
            window_start: SimTime::ZERO,
            cfg,
        }
    }

    /// The watched value of the interval that just ended. A response
    /// percentile of an interval in which the component answered nothing
    /// is no data, as CloudWatch publishes no latency datapoint then.
    fn read(&self, metric: Metric, ctx: &Ctx<'_>) -> Option<f64> {
        let w = &ctx.world.watched;
        let value = w.value(self.cfg.watched, metric)?;
        if metric == Metric::ResponseP99Ms {
            let answered = w
                .value(self.cfg.watched, Metric::Completions)
                .unwrap_or(0.0)
                + w.value(self.cfg.watched, Metric::Errors).unwrap_or(0.0);
            if answered == 0.0 {
                return None;
            }
        }
        value.is_finite().then_some(value)
    }

    fn on_read(&mut self, metric: Metric, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        if let Some(v) = self.read(metric, ctx) {
            self.period_values.push(v);
        }
        ctx.schedule(self.cfg.interval, AlarmTimer::Read.into());
        if !now.0.is_multiple_of(self.cfg.period.0.max(1)) {
            return;
        }
        let datapoint = self.cfg.statistic.of(&self.period_values);
        self.period_values.clear();
        self.evaluate(datapoint, ctx);
    }

    /// A period's datapoint is evaluated now: a change of state notifies the
    /// new state's topics; the new state's scaling policies are invoked,
    /// changed or not.
    fn evaluate(&mut self, datapoint: Option<f64>, ctx: &mut Ctx<'_>) {
        let before = self.evaluation.state();
        let next = self.evaluation.push(datapoint);
        let policies = match next {
            AlarmState::Alarm => self.cfg.alarm_policies.as_slice(),
            AlarmState::Ok => self.cfg.ok_policies.as_slice(),
            AlarmState::InsufficientData => &[],
        };
        for p in policies {
            let msg = Msg::ScalingPolicy {
                policy: p.policy,
                value: super::datapoint_value(datapoint),
                threshold: self.cfg.rule.threshold,
            };
            ctx.send(p.group, SimDuration::ZERO, msg);
        }
        if next == before {
            return;
        }
        let topics = match next {
            AlarmState::Alarm => self.cfg.alarm_actions.as_slice(),
            AlarmState::Ok => self.cfg.ok_actions.as_slice(),
            AlarmState::InsufficientData => &[],
        };
        for &topic in topics {
            ctx.send(topic, SimDuration::ZERO, Msg::Notify);
        }
        self.interval_notifications += topics.len() as u64;
        let in_alarm = next == AlarmState::Alarm;
        for &follower in &self.cfg.followers {
            let alarm = ctx.me();
            ctx.send(
                follower,
                SimDuration::ZERO,
                Msg::AlarmChanged { alarm, in_alarm },
            );
        }
        self.transitions.push(AlarmTransition {
            time: ctx.now(),
            from: before.name(),
            to: next.name(),
            datapoint,
            notifications: topics.len() as u32,
        });
    }

    fn cost(&self, window: SimDuration) -> f64 {
        self.cfg.per_month * window.as_secs_f64() / self.cfg.month.as_secs_f64()
    }
}

impl Component for Alarm {
    type Timer = AlarmTimer;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        let metric = match self.cfg.source {
            AlarmSource::Series(metric) => metric,
            AlarmSource::Group(metric) => {
                let me = ctx.me();
                ctx.world.group_alarms.watch(self.cfg.watched, metric, me);
                return;
            }
        };
        ctx.world.watched.watch(self.cfg.watched, metric);
        if metric == Metric::ResponseP99Ms {
            ctx.world
                .watched
                .watch(self.cfg.watched, Metric::Completions);
            ctx.world.watched.watch(self.cfg.watched, Metric::Errors);
        }
        ctx.schedule(self.cfg.interval, AlarmTimer::Read.into());
    }

    fn on_timer(&mut self, timer: AlarmTimer, ctx: &mut Ctx<'_>) {
        match (timer, self.cfg.source) {
            (AlarmTimer::Read, AlarmSource::Series(metric)) => self.on_read(metric, ctx),
            (AlarmTimer::Read, AlarmSource::Group(_)) => {}
        }
    }

    fn on_datapoint(&mut self, value: Option<f64>, ctx: &mut Ctx<'_>) {
        self.evaluate(value, ctx);
    }

    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        out.put(Metric::AlarmState, self.evaluation.state().value());
        out.put(
            Metric::Notifications,
            std::mem::take(&mut self.interval_notifications) as f64,
        );
        out.put(Metric::CostUsd, self.cost(now.since(SimTime::ZERO)));
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let window = now.since(self.window_start);
        let month = Projection {
            month: self.cfg.month,
            window,
        };
        let in_window = |t: &&AlarmTransition| t.time >= self.window_start;
        ComponentReport {
            handled: self.transitions.iter().filter(in_window).count() as u64,
            cost_usd: self.cost(window),
            monthly_cost_usd: self.cost(window) * month.windows(),
            transitions: self.transitions.clone(),
            ..ComponentReport::default()
        }
    }
}
