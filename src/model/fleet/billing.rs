//! What a fleet costs: per instance-second with the 60-second minimum per
//! launch (EC2), or per hour and per operation (a database).

use super::*;
use crate::time::SimTime;

/// Billed seconds of a launch at `launched` that ran until `end`, counted
/// from `from` on (the minimum applies when it launched then or later).
pub(super) fn billed_secs(launched: SimTime, end: SimTime, from: SimTime) -> f64 {
    let catalog = crate::catalog::builtin();
    if end <= from && launched < from {
        return 0.0;
    }
    let (start, minimum) = if launched >= from {
        (launched, true)
    } else {
        (from, false)
    };
    catalog.ec2_billed(end.since(start), minimum).as_secs_f64()
}

impl Fleet {
    /// Billed instance-hours from `from` to `now`.
    pub(super) fn instance_hours(&self, from: SimTime, now: SimTime) -> f64 {
        let [on_demand, spot] = self.billed_hours(from, now);
        on_demand + spot
    }

    /// Billed instance-hours from `from` to `now`, on demand and Spot: a
    /// fixed fleet's instances all ran the whole span; a group's launches
    /// each count per second, with the 60-second minimum for those
    /// launched in the span.
    fn billed_hours(&self, from: SimTime, now: SimTime) -> [f64; 2] {
        let catalog = crate::catalog::builtin();
        let Some(sc) = &self.scaling else {
            let span = catalog.ec2_billed(now.since(from), true);
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
                secs[usize::from(s.spot)] += billed_secs(s.launched, now, from);
            }
        }
        [secs[0] / 3600.0, secs[1] / 3600.0]
    }

    /// What the fleet costs for running from `from` to `now` and serving
    /// `operations` [USD].
    pub(super) fn cost(&self, from: SimTime, now: SimTime, operations: u64) -> f64 {
        let span = now.since(from);
        match self.cfg.pricing {
            FleetPricing::Ec2 {
                hourly_usd,
                spot_hourly_usd,
            } if self.scaling.is_some() => {
                let [on_demand, spot] = self.billed_hours(from, now);
                hourly_usd * on_demand + spot_hourly_usd * spot
            }
            FleetPricing::Ec2 { hourly_usd, .. } => {
                f64::from(self.cfg.instances) * crate::catalog::builtin().ec2_cost(hourly_usd, span)
            }
            FleetPricing::Database {
                per_hour,
                per_million,
            } => per_hour * span.as_secs_f64() / 3600.0 + per_million * operations as f64 / 1e6,
        }
    }
}
