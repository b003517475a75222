//! An Auto Scaling group: its bounds and timings, the metric it watches,
//! how it scales on it, which instance a scale-in terminates, and its
//! scheduled actions.

use crate::time::{SimDuration, SimTime};

/// `[….autoscaling]`: an EC2 Auto Scaling group as the scenario sets it
/// (its defaults filled in when it is read) and the fleet runs it. Its
/// `Debug` text is part of a scenario's runs key: its fields and their
/// order stay as they are.
#[derive(Clone, Debug, PartialEq)]
pub struct AutoScalingSpec {
    /// `min`: the group never has fewer instances.
    pub min: u32,
    /// `max`: … nor more.
    pub max: u32,
    /// `desired` (default `min`): the instances at time zero, all in service.
    pub desired: u32,
    /// The dynamic scaling policy.
    pub policy: ScalingPolicy,
    /// `scale_in_cooldown` (default 300 s): target tracking scales in again
    /// only this long after it last did.
    pub scale_in_cooldown: SimDuration,
    /// `scale_out_cooldown` (default 300 s): read and kept, but no policy
    /// waits for it (target tracking scales out as fast as it can, and step
    /// scaling has no cooldown).
    pub scale_out_cooldown: SimDuration,
    /// `warmup` (default 300 s): a new instance's metrics are left out of
    /// the group's aggregate this long after it entered service.
    pub warmup: SimDuration,
    /// `period` (default 60 s): CloudWatch aggregation period of a datapoint.
    pub period: SimDuration,
    /// `metric_delay` (default 60 s): a datapoint is available this long
    /// after its period ends.
    pub metric_delay: SimDuration,
    /// `termination_policy` (default `default`): which instance a scale-in
    /// terminates.
    pub termination: TerminationPolicy,
    /// `max_scale_in`: the most instances one target-tracking scale-in
    /// removes; `None`: a tenth of the desired capacity, at least one.
    pub max_scale_in: Option<u32>,
    /// `[[….autoscaling.scheduled]]`, sorted by time.
    pub scheduled: Vec<ScheduledAction>,
    /// `[….autoscaling.policies]`: named step policies that alarms invoke,
    /// in file order.
    pub policies: Vec<StepPolicy>,
}

/// The metric a dynamic scaling policy watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalingMetric {
    /// Busy workers over all workers of the instances past their warm-up [%].
    Cpu,
    /// Requests per minute per in-service target (ALBRequestCountPerTarget).
    RequestsPerTarget,
    /// Visible messages of the queue the fleet consumes per in-service instance.
    BacklogPerInstance,
}

/// `policy`.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalingPolicy {
    /// `policy = "none"` or only scheduled actions: the group keeps its
    /// desired capacity (and replaces failed instances).
    None,
    /// `policy = "target_tracking"`.
    TargetTracking {
        /// `metric` (default `cpu`).
        metric: ScalingMetric,
        /// `target` (percent for `cpu`).
        target: f64,
        /// `disable_scale_in` (default false).
        disable_scale_in: bool,
    },
    /// `policy = "step"`.
    Step {
        /// `metric` (default `cpu`).
        metric: ScalingMetric,
        /// `steps`: bounds and capacity changes.
        steps: Vec<StepAdjustment>,
        /// `datapoints` (default 1): breaching datapoints that set off an alarm…
        datapoints: u32,
        /// `evaluation_periods` (default = `datapoints`): … among this many.
        evaluation_periods: u32,
    },
}

/// One step of a step policy: `{ above = 70, change = 2 }` or
/// `{ below = 20, change = -1 }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepAdjustment {
    /// The metric value the step starts at (exclusive for `below`).
    pub bound: f64,
    /// True for `above` (a scale-out alarm), false for `below`.
    pub above: bool,
    /// Instances added (> 0) or removed (< 0).
    pub change: i32,
}

/// `policies.NAME = { steps = [...] }`: a step scaling policy of the group
/// that alarms invoke (`alarm_actions = ["app.NAME"]`). Its steps' bounds
/// are relative to the threshold of the alarm that invokes it, as AWS's
/// step adjustments are: `{ above = 0, change = 1 }` applies from the
/// threshold up, `{ above = 20, change = 3 }` from 20 above it.
#[derive(Clone, Debug, PartialEq)]
pub struct StepPolicy {
    /// Its name in the group.
    pub name: String,
    /// Its steps, sorted as [`ScalingPolicy::Step`]'s.
    pub steps: Vec<StepAdjustment>,
}

/// `termination_policy`: which instance a scale-in terminates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminationPolicy {
    /// AWS's default for one zone and one launch template: at random
    /// (per-second billing makes "closest to the next billing hour" moot).
    Default,
    /// The longest-running instance.
    OldestInstance,
    /// The most recently launched instance.
    NewestInstance,
}

/// `[[….autoscaling.scheduled]]`: `{ at, min, max, desired }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduledAction {
    /// When it fires.
    pub at: SimTime,
    /// New `min`, if given.
    pub min: Option<u32>,
    /// New `max`, if given.
    pub max: Option<u32>,
    /// New desired capacity, if given.
    pub desired: Option<u32>,
}
