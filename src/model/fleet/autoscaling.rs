//! The decisions of an EC2 Auto Scaling group: its capacity bounds, its
//! CloudWatch alarms and its scaling policies. The fleet
//! ([`super`]) measures the datapoints and carries the decisions out
//! (launches, deregistrations); this module only says what the desired
//! capacity becomes, which keeps the rules readable and testable alone.
//!
//! What AWS documents (aws-facts.md §2, the catalog's `[autoscaling]`,
//! whose alarms reach the group as [`TrackingAlarms`]):
//! target tracking scales out as fast as it can and in gradually. It
//! creates two alarms on the metric's one-minute datapoints: a high alarm
//! (above the target for 3 of 3 datapoints) that scales out to
//! `ceil(current × metric / target)`, where the current capacity is the one
//! the datapoint was measured on (instances still warming up are left out);
//! and a low alarm (below about 0.9 × the
//! target for 15 of 15) that scales in, never while a scale-out is under way
//! (instances pending or warming up) nor within the scale-in cooldown, by the
//! same formula (the instances removed are rounded down), removing at most
//! `max_scale_in` instances at a time (default: a tenth). Step scaling adds
//! or removes the instances of the step the datapoint falls in, relative to
//! the capacity past its warm-up, so that instances still warming are not
//! added twice; it has no cooldown. Scheduled actions set min, max and
//! desired at their times. The desired capacity always stays within
//! [min, max].
//!
//! The alarms a policy creates are [`Evaluation`]s, the model of a
//! `kind = "alarm"` too (missing data not breaching: a period without data
//! scales nothing). A group's named step policies (`policies`) have no alarm
//! of their own: a `kind = "alarm"` invokes one ([`Group::invoke`]) at each
//! of its evaluations while it is in the state whose actions name it, and
//! the policy applies the step of the datapoint, its bounds relative to the
//! alarm's threshold, by the same rule as `policy = "step"`.

use crate::model::datapoints::{AlarmRule, AlarmState, Evaluation};

use crate::settings::{
    AutoScalingSpec, Comparison, MissingData, ScalingMetric, ScalingPolicy, ScheduledAction,
    StepAdjustment,
};
use crate::time::SimTime;

/// An Auto Scaling group as the fleet runs it (a fixed fleet that replaces
/// its instances is a group without a policy).
#[derive(Clone, Debug)]
pub struct GroupConfig {
    /// Its bounds, policies, timings and scheduled actions, as the scenario
    /// set them.
    pub settings: AutoScalingSpec,
    /// The alarms target tracking creates.
    pub alarms: TrackingAlarms,
}

/// What the fleet counts when a datapoint is evaluated.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Capacity {
    /// Instances in service (registered, not draining).
    pub in_service: u32,
    /// Of those, the ones past their warm-up: the capacity the metric saw.
    pub warm: u32,
    /// Instances pending or warming up: a scale-out is under way.
    pub scaling_out: bool,
}

/// The alarms target tracking creates on the metric's datapoints.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TrackingAlarms {
    /// The high alarm: this many datapoints in a row above the target.
    pub high_datapoints: u32,
    /// The low alarm: this many in a row below the low threshold.
    pub low_datapoints: u32,
    /// The low threshold, as a fraction of the target.
    pub low_fraction: f64,
}

/// An Auto Scaling group's capacity and the state of its alarms.
#[derive(Clone, Debug)]
pub struct Group {
    cfg: GroupConfig,
    /// The group never has fewer instances.
    pub min: u32,
    /// … nor more.
    pub max: u32,
    /// The capacity the group works towards.
    pub desired: u32,
    /// The alarms the policy created on its metric: target tracking's
    /// high and low alarms, a step policy's scale-out and scale-in alarms.
    high: Option<Evaluation>,
    low: Option<Evaluation>,
    last_scale_in: Option<SimTime>,
}

/// The alarm an Auto Scaling policy creates: `m` of `of` datapoints
/// `comparison` `threshold`, a period without data not breaching.
fn policy_alarm(m: u32, of: u32, comparison: Comparison, threshold: f64) -> Evaluation {
    Evaluation::new(AlarmRule {
        m,
        of,
        missing: MissingData::NotBreaching,
        comparison,
        threshold,
    })
}

/// The change of the step among `steps` on the side `above` (scale-out
/// steps, or scale-in ones) that `value` falls in, each step's bound offset
/// by `offset` (the threshold of the alarm invoking a named policy; 0 for
/// `policy = "step"`, whose bounds are the metric's own values); the least
/// extreme step of that side when it falls in none.
fn step_change(steps: &[StepAdjustment], above: bool, value: f64, offset: f64) -> Option<i32> {
    let passes = |s: &&StepAdjustment| {
        s.above == above
            && if above {
                value > s.bound + offset
            } else {
                value < s.bound + offset
            }
    };
    steps
        .iter()
        .find(passes)
        .or_else(|| steps.iter().rfind(|s| s.above == above))
        .map(|s| s.change)
}

impl Group {
    /// A group at its initial desired capacity.
    pub fn new(cfg: GroupConfig) -> Self {
        let (settings, alarms) = (&cfg.settings, cfg.alarms);
        let (high, low) = match &settings.policy {
            ScalingPolicy::None => (None, None),
            ScalingPolicy::TargetTracking { target, .. } => {
                let (h, l) = (alarms.high_datapoints, alarms.low_datapoints);
                let low = target * alarms.low_fraction;
                (
                    Some(policy_alarm(h, h, Comparison::Greater, *target)),
                    Some(policy_alarm(l, l, Comparison::Less, low)),
                )
            }
            ScalingPolicy::Step {
                steps,
                datapoints,
                evaluation_periods,
                ..
            } => {
                // Steps are sorted: scale-out steps from the highest bound
                // down, then scale-in steps from the lowest bound up; each
                // alarm's threshold is the least extreme bound of its side.
                let threshold = |above: bool| {
                    steps
                        .iter()
                        .filter(|s| s.above == above)
                        .map(|s| s.bound)
                        .next_back()
                };
                let (m, n) = (*datapoints, *evaluation_periods);
                (
                    threshold(true).map(|th| policy_alarm(m, n, Comparison::Greater, th)),
                    threshold(false).map(|th| policy_alarm(m, n, Comparison::Less, th)),
                )
            }
        };
        Group {
            min: settings.min,
            max: settings.max,
            desired: settings.desired.clamp(settings.min, settings.max),
            high,
            low,
            last_scale_in: None,
            cfg,
        }
    }

    /// The metric of the dynamic policy, if there is one.
    pub fn metric(&self) -> Option<ScalingMetric> {
        match &self.cfg.settings.policy {
            ScalingPolicy::None => None,
            ScalingPolicy::TargetTracking { metric, .. } | ScalingPolicy::Step { metric, .. } => {
                Some(*metric)
            }
        }
    }

    /// The group's settings, as the scenario set them.
    pub fn settings(&self) -> &AutoScalingSpec {
        &self.cfg.settings
    }

    fn set(&mut self, desired: u32) -> bool {
        let d = desired.clamp(self.min, self.max);
        let changed = d != self.desired;
        self.desired = d;
        changed
    }

    /// A datapoint arrived at `now` (`None`: no instance reported),
    /// measured on `measured` instances (CPU: those past their warm-up; the
    /// per-target metrics: those in service, at least one, so that an empty
    /// group consuming a queue can scale out from zero): returns true when
    /// the desired capacity changed.
    pub fn evaluate(
        &mut self,
        value: Option<f64>,
        measured: u32,
        cap: Capacity,
        now: SimTime,
    ) -> bool {
        let in_alarm = |e: &mut Option<Evaluation>| {
            e.as_mut()
                .is_some_and(|e| e.push(value) == AlarmState::Alarm)
        };
        let (high, low) = (in_alarm(&mut self.high), in_alarm(&mut self.low));
        match self.cfg.settings.policy.clone() {
            ScalingPolicy::None => false,
            ScalingPolicy::TargetTracking {
                target,
                disable_scale_in,
                ..
            } => {
                let Some(v) = value else {
                    // Insufficient data: no scaling at all.
                    return false;
                };
                // The capacity the datapoint was measured on: the
                // proportion holds for it, not for the instances that
                // have warmed up since.
                let needed = (f64::from(measured) * v / target).ceil();
                let needed = needed.min(f64::from(u32::MAX)) as u32;
                if high {
                    return needed > self.desired && self.set(needed);
                }
                let cooled = self
                    .last_scale_in
                    .is_none_or(|t| now >= t + self.cfg.settings.scale_in_cooldown);
                if !disable_scale_in
                    && !cap.scaling_out
                    && cooled
                    && low
                    && needed < self.desired
                    && self.set(needed.max(self.desired - self.scale_in_bound()))
                {
                    self.last_scale_in = Some(now);
                    return true;
                }
                false
            }
            ScalingPolicy::Step { steps, .. } => {
                // A period without data applies the step on the threshold.
                let threshold =
                    |e: &Option<Evaluation>| e.as_ref().map_or(0.0, |e| e.rule().threshold);
                if high {
                    let v = value.unwrap_or(threshold(&self.high));
                    return self.step(&steps, true, v, 0.0, cap);
                }
                if low && !cap.scaling_out {
                    let v = value.unwrap_or(threshold(&self.low));
                    return self.step(&steps, false, v, 0.0, cap);
                }
                false
            }
        }
    }

    /// Applies the step of `steps` on the side `above` that `value` falls in
    /// (bounds offset by `offset`): a scale-out adds its instances to those
    /// past their warm-up, so that instances still warming up are not added
    /// twice, and never lowers the desired capacity; a scale-in removes its
    /// instances from those in service and never raises it. Returns true when
    /// the desired capacity changed.
    fn step(
        &mut self,
        steps: &[StepAdjustment],
        above: bool,
        value: f64,
        offset: f64,
        cap: Capacity,
    ) -> bool {
        let Some(change) = step_change(steps, above, value, offset) else {
            return false;
        };
        let from = if above { cap.warm } else { cap.in_service };
        let target = i64::from(from) + i64::from(change);
        let target = target.clamp(0, i64::from(u32::MAX)) as u32;
        if above {
            target > self.desired && self.set(target)
        } else {
            target < self.desired && self.set(target)
        }
    }

    /// An alarm whose threshold is `threshold` invokes the group's named
    /// policy number `policy` on its datapoint `value` (`None`: no data, as
    /// if on the threshold). A policy with steps on both sides applies the
    /// side the datapoint is on; a scale-in waits while a scale-out is under
    /// way, as a step policy's does. Returns true when the desired capacity
    /// changed.
    pub fn invoke(
        &mut self,
        policy: u32,
        value: Option<f64>,
        threshold: f64,
        cap: Capacity,
    ) -> bool {
        let Some(p) = self.cfg.settings.policies.get(policy as usize) else {
            return false;
        };
        let steps = p.steps.clone();
        let v = value.unwrap_or(threshold);
        let has = |above: bool| steps.iter().any(|s| s.above == above);
        let above = match (has(true), has(false)) {
            (true, true) => v >= threshold,
            (out, _) => out,
        };
        if !above && cap.scaling_out {
            return false;
        }
        self.step(&steps, above, v, threshold, cap)
    }

    /// The most instances one target-tracking scale-in removes:
    /// `max_scale_in`, by default a tenth of the desired capacity (at
    /// least one). AWS says only that target tracking scales in "more
    /// gradually"; the bound is this model's reading of it.
    fn scale_in_bound(&self) -> u32 {
        self.cfg
            .settings
            .max_scale_in
            .unwrap_or_else(|| self.desired.div_ceil(10))
            .max(1)
    }

    /// A scheduled action fires: returns true when the desired capacity changed.
    pub fn scheduled(&mut self, a: &ScheduledAction) -> bool {
        if let Some(lo) = a.min {
            self.min = lo;
        }
        if let Some(hi) = a.max {
            self.max = hi;
        }
        // An action may leave min above max only by mistake; max wins.
        self.min = self.min.min(self.max);
        let d = a.desired.unwrap_or(self.desired);
        self.set(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::{StepPolicy, TerminationPolicy};
    use crate::time::SimDuration;

    /// A group of 4 (1 to 20) with `policy` and AWS's alarms: 3 of 3
    /// datapoints above the target, 15 of 15 below 90% of it.
    fn group(policy: ScalingPolicy) -> Group {
        Group::new(GroupConfig {
            settings: AutoScalingSpec {
                min: 1,
                max: 20,
                desired: 4,
                policy,
                scale_in_cooldown: SimDuration::from_secs(300),
                scale_out_cooldown: SimDuration::from_secs(300),
                warmup: SimDuration::from_secs(300),
                period: SimDuration::from_secs(60),
                metric_delay: SimDuration::from_secs(60),
                termination: TerminationPolicy::Default,
                max_scale_in: None,
                scheduled: Vec::new(),
                policies: Vec::new(),
            },
            alarms: TrackingAlarms {
                high_datapoints: 3,
                low_datapoints: 15,
                low_fraction: 0.9,
            },
        })
    }

    fn tt(target: f64) -> Group {
        let policy = ScalingPolicy::TargetTracking {
            metric: ScalingMetric::Cpu,
            target,
            disable_scale_in: false,
        };
        group(policy)
    }

    fn minute(m: u64) -> SimTime {
        SimTime::ZERO + SimDuration::from_secs(60 * m)
    }

    /// `n` instances in service, all warm; a scale-out under way or not.
    const fn warm(n: u32, scaling_out: bool) -> Capacity {
        Capacity {
            in_service: n,
            warm: n,
            scaling_out,
        }
    }

    const WARM4: Capacity = warm(4, false);

    #[test]
    fn target_tracking_scales_out_after_three_high_datapoints() {
        let mut g = tt(50.0);
        assert!(!g.evaluate(Some(90.0), 4, WARM4, minute(1)));
        assert!(!g.evaluate(Some(90.0), 4, WARM4, minute(2)));
        assert!(g.evaluate(Some(90.0), 4, WARM4, minute(3)));
        assert_eq!(g.desired, 8, "ceil(4 × 90 / 50) = 8");
        // The same datapoint again while the new instances warm up adds nothing.
        let warming = warm(4, true);
        assert!(!g.evaluate(Some(90.0), 4, warming, minute(4)));
        assert_eq!(g.desired, 8);
    }

    #[test]
    fn target_tracking_scales_in_after_fifteen_low_datapoints() {
        let mut g = tt(50.0);
        for m in 1..15 {
            assert!(!g.evaluate(Some(20.0), 4, WARM4, minute(m)));
        }
        assert!(g.evaluate(Some(20.0), 4, WARM4, minute(15)));
        assert_eq!(g.desired, 3, "towards ceil(4 × 20 / 50) = 2, one at a time");
        // Within the cooldown nothing more happens.
        let three = warm(3, false);
        assert!(!g.evaluate(Some(10.0), 3, three, minute(16)));
        assert!(
            g.evaluate(Some(10.0), 3, three, minute(21)),
            "after the cooldown"
        );
        assert_eq!(g.desired, 2);
        // A datapoint between the low threshold and the target breaks the run.
        let mut g = tt(50.0);
        for m in 1..30 {
            let v = if m == 10 { 46.0 } else { 20.0 };
            g.evaluate(Some(v), 4, WARM4, minute(m));
            if m < 25 {
                assert_eq!(g.desired, 4, "minute {m}");
            }
        }
        assert_eq!(g.desired, 3);
        // Insufficient data scales nothing.
        let mut g = tt(50.0);
        for m in 1..20 {
            assert!(!g.evaluate(None, 4, WARM4, minute(m)));
        }
    }

    #[test]
    fn step_policy_applies_the_step_of_the_datapoint() {
        let mut g = group(ScalingPolicy::Step {
            metric: ScalingMetric::Cpu,
            steps: vec![
                StepAdjustment {
                    bound: 90.0,
                    above: true,
                    change: 4,
                },
                StepAdjustment {
                    bound: 70.0,
                    above: true,
                    change: 1,
                },
                StepAdjustment {
                    bound: 30.0,
                    above: false,
                    change: -1,
                },
            ],
            datapoints: 2,
            evaluation_periods: 3,
        });
        assert!(!g.evaluate(Some(75.0), 4, WARM4, minute(1)));
        assert!(!g.evaluate(Some(50.0), 4, WARM4, minute(2)));
        assert!(g.evaluate(Some(95.0), 4, WARM4, minute(3)));
        assert_eq!(g.desired, 8, "2 of 3 above 70, latest in the +4 step");
        let eight = warm(8, false);
        assert!(
            !g.evaluate(Some(10.0), 8, eight, minute(4)),
            "1 of 3 below 30"
        );
        assert!(
            g.evaluate(Some(10.0), 8, eight, minute(5)),
            "2 of 3 below 30"
        );
        assert_eq!(g.desired, 7);
    }

    #[test]
    fn an_alarm_invokes_a_named_policy_with_bounds_relative_to_its_threshold() {
        let step = |bound: f64, above: bool, change: i32| StepAdjustment {
            bound,
            above,
            change,
        };
        let mut g = group(ScalingPolicy::None);
        g.cfg.settings.policies = vec![
            StepPolicy {
                name: "out".into(),
                steps: vec![step(20.0, true, 4), step(0.0, true, 1)],
            },
            StepPolicy {
                name: "in".into(),
                steps: vec![step(0.0, false, -1)],
            },
        ];
        // Threshold 70: 95 is 25 above it, in the +4 step; 4 warm → 8.
        assert!(g.invoke(0, Some(95.0), 70.0, WARM4));
        assert_eq!(g.desired, 8);
        // Invoked again while the four new instances warm up: 4 warm + 4
        // is no more than 8, so nothing is added twice.
        assert!(!g.invoke(0, Some(95.0), 70.0, warm(4, true)));
        assert_eq!(g.desired, 8);
        // Once they are warm, 75 (5 above) adds one.
        assert!(g.invoke(0, Some(75.0), 70.0, warm(8, false)));
        assert_eq!(g.desired, 9);
        // No data: as on the threshold, the least extreme step.
        assert!(g.invoke(0, None, 70.0, warm(9, false)));
        assert_eq!(g.desired, 10);
        // Scale-in waits while a scale-out is under way, then removes one
        // from those in service.
        assert!(!g.invoke(1, Some(10.0), 30.0, warm(10, true)));
        assert!(g.invoke(1, Some(10.0), 30.0, warm(10, false)));
        assert_eq!(g.desired, 9);
        // An unknown policy number does nothing.
        assert!(!g.invoke(7, Some(95.0), 70.0, WARM4));
    }

    #[test]
    fn scheduled_actions_move_the_bounds_and_the_capacity() {
        let mut g = tt(50.0);
        let raise = ScheduledAction {
            at: minute(60),
            min: Some(10),
            max: None,
            desired: None,
        };
        assert!(g.scheduled(&raise));
        assert_eq!((g.min, g.desired), (10, 10));
        let lower = ScheduledAction {
            at: minute(120),
            min: Some(2),
            max: Some(6),
            desired: Some(3),
        };
        assert!(g.scheduled(&lower));
        assert_eq!((g.min, g.max, g.desired), (2, 6, 3));
    }
}
