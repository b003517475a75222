//! What a fleet costs: per instance-second with the 60-second minimum per
//! launch (EC2, Fargate), or per hour and per operation (a database).

use super::{Fleet, Life};
use crate::time::{SimDuration, SimTime};

/// How a fleet is billed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FleetPricing {
    /// Each instance (EC2) or task (Fargate) by its running time.
    Instances {
        /// What an on-demand instance costs, after any Savings Plan or
        /// Reserved discount [USD/h].
        hourly_usd: f64,
        /// What a Spot instance costs [USD/h].
        spot_hourly_usd: f64,
        /// How running time is billed.
        billing: Ec2Billing,
    },
    /// A database priced by the user: per hour and per million operations.
    Database {
        /// [USD/h] for the whole database.
        per_hour: f64,
        /// [USD per 1M operations].
        per_million: f64,
    },
}

/// How EC2 bills an instance's running time: in whole increments, with a
/// minimum per launch.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ec2Billing {
    /// A started increment is billed in full (one second).
    pub increment: SimDuration,
    /// Billed at least, per launch (60 seconds).
    pub minimum: SimDuration,
}

impl Ec2Billing {
    /// The time billed for `running` of one launch, with the minimum when
    /// `minimum` (the launch began in the span billed). Integer nanoseconds
    /// keep the rounding exact.
    pub fn billed(&self, running: SimDuration, minimum: bool) -> SimDuration {
        let increment = self.increment.0.max(1);
        let rounded = running.0.div_ceil(increment).saturating_mul(increment);
        let floor = if minimum { self.minimum.0 } else { 0 };
        SimDuration(rounded.max(floor))
    }

    /// Billed seconds of a launch at `launched` that ran until `end`,
    /// counted from `from` on (the minimum applies when it launched then or
    /// later).
    pub(super) fn launch_secs(&self, launched: SimTime, end: SimTime, from: SimTime) -> f64 {
        if end <= from && launched < from {
            return 0.0;
        }
        let (start, minimum) = if launched >= from {
            (launched, true)
        } else {
            (from, false)
        };
        self.billed(end.since(start), minimum).as_secs_f64()
    }
}

impl Fleet {
    /// Billed instance-hours from `from` to `now` (none for a database).
    pub(super) fn instance_hours(&self, from: SimTime, now: SimTime) -> f64 {
        let [on_demand, spot] = self.billed_hours(from, now);
        on_demand + spot
    }

    /// Billed seconds of the launch at `launched` until `end`, from `from`
    /// on (see [`Ec2Billing::launch_secs`]).
    pub(super) fn billed_secs(&self, launched: SimTime, end: SimTime, from: SimTime) -> f64 {
        match &self.cfg.pricing {
            FleetPricing::Instances { billing, .. } => billing.launch_secs(launched, end, from),
            FleetPricing::Database { .. } => 0.0,
        }
    }

    /// Billed instance-hours from `from` to `now`, on demand and Spot: a
    /// fixed fleet's instances all ran the whole span; a group's launches
    /// each count per second, with the 60-second minimum for those
    /// launched in the span.
    fn billed_hours(&self, from: SimTime, now: SimTime) -> [f64; 2] {
        let FleetPricing::Instances { billing, .. } = &self.cfg.pricing else {
            return [0.0; 2];
        };
        let Some(sc) = &self.scaling else {
            let span = billing.billed(now.since(from), true);
            return [
                f64::from(self.cfg.instances) * span.as_secs_f64() / 3600.0,
                0.0,
            ];
        };
        let mut secs = if from == SimTime::ZERO {
            sc.ended_secs
        } else {
            sc.ended_window_secs
        };
        for s in &self.servers {
            if s.life != Life::Free {
                secs[usize::from(s.spot)] += billing.launch_secs(s.launched, now, from);
            }
        }
        [secs[0] / 3600.0, secs[1] / 3600.0]
    }

    /// What the fleet costs for running from `from` to `now` and serving
    /// `operations` [USD].
    pub(super) fn cost(&self, from: SimTime, now: SimTime, operations: u64) -> f64 {
        let span = now.since(from);
        match self.cfg.pricing {
            FleetPricing::Instances {
                hourly_usd,
                spot_hourly_usd,
                ..
            } if self.scaling.is_some() => {
                let [on_demand, spot] = self.billed_hours(from, now);
                hourly_usd * on_demand + spot_hourly_usd * spot
            }
            FleetPricing::Instances {
                hourly_usd,
                billing,
                ..
            } => {
                let one = hourly_usd * billing.billed(span, true).as_secs_f64() / 3600.0;
                f64::from(self.cfg.instances) * one
            }
            FleetPricing::Database {
                per_hour,
                per_million,
            } => per_hour * span.as_secs_f64() / 3600.0 + per_million * operations as f64 / 1e6,
        }
    }
}
