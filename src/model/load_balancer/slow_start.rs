//! Slow start: a newly routable target's share of the requests ramps up
//! linearly over the slow start duration (ELB's slow start mode).

use super::routing::{TargetSet, weighted};
use crate::rng::StreamRng;
use crate::time::{SimDuration, SimTime};

/// The targets' ramps.
#[derive(Debug)]
pub(super) struct SlowStart {
    /// How long a ramp lasts (zero: off).
    duration: SimDuration,
    /// Per target, when its ramp ends (targets routable from the start
    /// never ramp).
    until: Vec<SimTime>,
    /// The latest of `until`: before it, some target is ramping.
    end: SimTime,
    /// Scratch: cumulative ramped weights (kept to avoid allocating).
    cumulative: Vec<f64>,
}

impl SlowStart {
    /// Ramps of `duration` (zero: off) for `targets` targets.
    pub(super) fn new(duration: SimDuration, targets: usize) -> Self {
        SlowStart {
            duration,
            until: vec![SimTime::ZERO; targets],
            end: SimTime::ZERO,
            cumulative: Vec::new(),
        }
    }

    /// Slow start is on.
    pub(super) fn is_on(&self) -> bool {
        self.duration > SimDuration::ZERO
    }

    /// Target `i` became routable at `now`: its ramp begins.
    pub(super) fn begin(&mut self, i: u32, now: SimTime) {
        let until = now + self.duration;
        self.until[i as usize] = until;
        self.end = self.end.max(until);
    }

    /// Some target is ramping at `now`.
    #[inline]
    pub(super) fn ramping(&self, now: SimTime) -> bool {
        now < self.end
    }

    /// At random, each member of `set` (not empty) weighted by its weight
    /// (of `weights`) times its ramp (the share of its slow start elapsed,
    /// 1 once over). ELB ramps only while some routable target is past its
    /// slow start.
    pub(super) fn choose(
        &mut self,
        set: &TargetSet,
        weights: &[f64],
        rng: &mut StreamRng,
        now: SimTime,
    ) -> u32 {
        let ramp = |until: SimTime| {
            if until <= now {
                1.0
            } else {
                let left = until.since(now).as_secs_f64();
                (1.0 - left / self.duration.as_secs_f64()).max(1e-3)
            }
        };
        let members = set.members();
        let settled = members.iter().any(|&i| self.until[i as usize] <= now);
        self.cumulative.clear();
        let mut acc = 0.0;
        for &i in members {
            let r = if settled {
                ramp(self.until[i as usize])
            } else {
                1.0
            };
            acc += weights[i as usize] * r;
            self.cumulative.push(acc);
        }
        let k = weighted(&self.cumulative, rng);
        members[k.min(members.len() - 1)]
    }
}
