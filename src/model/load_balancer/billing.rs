//! What a load balancer costs: per hour and per capacity unit (LCU or
//! NLCU) of each clock hour, and the inter-zone transfer of a Network Load
//! Balancer.

use super::LoadBalancer;
use crate::model::monthly::Projection;
use crate::time::{SimDuration, SimTime};

/// Bytes an average request and its response put through the balancer, for
/// the processed-bytes LCU dimension. A modelling assumption, not a published
/// figure: small API requests with JSON responses.
pub const ASSUMED_BYTES_PER_REQUEST: f64 = 4096.0;

/// Seconds in one hour: converts hourly prices and per-second rates.
const SECS_PER_HOUR: f64 = 3600.0;

/// The prices of a load balancer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LbPricing {
    /// [USD per balancer-hour].
    pub hourly: f64,
    /// [USD per capacity unit-hour].
    pub unit_hour: f64,
    /// Billing increment of the hourly charge: a started one is billed in full.
    pub increment: SimDuration,
    /// What one capacity unit buys.
    pub unit: CapacityUnit,
    /// Bytes in one billed GB.
    pub bytes_per_gb: f64,
    /// Inter-zone transfer [USD per GB, each direction], when the
    /// balancer's requests across zones are billed (a Network Load
    /// Balancer); `None` when they are not.
    pub inter_az_per_gb: Option<f64>,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
}

/// The dimensions of one capacity unit: usage in units is the largest of
/// usage / dimension over them.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CapacityUnit {
    /// New connections (flows) per second.
    pub new_connections_per_s: f64,
    /// Active connections (flows).
    pub active_connections: f64,
    /// Processed GB per hour.
    pub processed_gb_per_h: f64,
    /// Rule evaluations per second; `None` where none are billed (NLB).
    pub rule_evaluations_per_s: Option<f64>,
}

/// What a load balancer did during one clock hour of the run (the last
/// hour may be partial).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct HourUsage {
    /// How much of the hour the run covered (≤ 1 h).
    pub span: SimDuration,
    /// New connections during the span.
    pub new_connections: f64,
    /// Time-average of open connections during the span.
    pub mean_active_connections: f64,
    /// Bytes processed during the span.
    pub processed_bytes: f64,
    /// Billable rule evaluations during the span (beyond the free ones).
    pub rule_evaluations: f64,
}

impl LbPricing {
    /// Hourly price × hours (each started increment billed in full) +
    /// capacity unit-hours × their price, over `usage` (one entry per clock
    /// hour; an entry with a zero span is an hour that never started and
    /// costs nothing) [USD].
    pub fn cost(&self, usage: &[HourUsage]) -> f64 {
        let increment = self.increment.0.max(1);
        usage
            .iter()
            .map(|u| {
                let billed = u.span.0.div_ceil(increment).saturating_mul(increment);
                let billed_hours = SimDuration(billed).as_secs_f64() / SECS_PER_HOUR;
                billed_hours * self.hourly + self.unit_hours(u) * self.unit_hour
            })
            .sum()
    }

    /// What a month costs run as in `usage` (the window's clock hours),
    /// with `cross_zone` requests sent across zones in the window [USD]:
    /// the hourly charge every hour of the month, capacity units and
    /// transfer scaled from the window's (its spans as they were, a
    /// started hour not rounded up).
    pub fn monthly_cost(&self, usage: &[HourUsage], cross_zone: u64) -> f64 {
        let window = SimDuration(usage.iter().map(|u| u.span.0).sum());
        let month = Projection {
            month: self.month,
            window,
        };
        let units: f64 = usage.iter().map(|u| self.unit_hours(u)).sum();
        self.hourly * month.hours()
            + (units * self.unit_hour + self.cross_zone_cost(cross_zone)) * month.windows()
    }

    /// Capacity unit-hours used in one hour: for each dimension, (usage
    /// rate / dimension) × (span in hours); the largest of these.
    pub fn unit_hours(&self, usage: &HourUsage) -> f64 {
        debug_assert!(
            usage.span <= SimDuration::from_secs(3600),
            "an LB usage bucket covers at most one hour, got {}",
            usage.span
        );
        let span_h = usage.span.as_secs_f64() / SECS_PER_HOUR;
        let gb = usage.processed_bytes / self.bytes_per_gb;
        let d = &self.unit;
        // For the count-based dimensions the span cancels out:
        //   (count / span_s) / dim × span_s / 3600 = count / (dim × 3600),
        // and likewise (GB / span_h) / dim × span_h = GB / dim. Computing it
        // this way needs no division by the span, so a zero-length bucket is
        // no special case.
        let per_dimension = [
            usage.new_connections / (d.new_connections_per_s * SECS_PER_HOUR),
            usage.mean_active_connections / d.active_connections * span_h,
            gb / d.processed_gb_per_h,
            d.rule_evaluations_per_s
                .map_or(0.0, |r| usage.rule_evaluations / (r * SECS_PER_HOUR)),
        ];
        per_dimension.into_iter().fold(0.0, f64::max)
    }

    /// Inter-zone data transfer for `requests` sent across zones [GB]:
    /// the assumed bytes of each request and its response.
    pub fn cross_zone_gb(&self, requests: u64) -> f64 {
        requests as f64 * ASSUMED_BYTES_PER_REQUEST / self.bytes_per_gb
    }

    /// What `requests` sent across zones cost [USD]: every byte is billed
    /// out of one zone and into the other.
    fn cross_zone_cost(&self, requests: u64) -> f64 {
        self.inter_az_per_gb
            .map_or(0.0, |per_gb| 2.0 * per_gb * self.cross_zone_gb(requests))
    }
}

/// Per clock hour of the measured window, what the LCU price depends on.
#[derive(Debug, Default)]
pub(super) struct HourMeter {
    pub(super) hour_start: SimTime,
    pub(super) requests: f64,
    pub(super) done: Vec<HourUsage>,
}

impl LoadBalancer {
    /// Closes the metered hours that ended before `now`.
    pub(super) fn meter_roll(&mut self, now: SimTime) {
        let hour = SimDuration::from_secs(3600);
        while now >= self.meter.hour_start + hour {
            let end = self.meter.hour_start + hour;
            self.close_hour(end);
        }
    }

    fn close_hour(&mut self, end: SimTime) {
        let span = end.since(self.meter.hour_start);
        let usage = HourUsage {
            span,
            new_connections: self.meter.requests,
            mean_active_connections: self.hour_connections.take_interval_mean(end),
            processed_bytes: self.meter.requests * ASSUMED_BYTES_PER_REQUEST,
            rule_evaluations: 0.0,
        };
        self.meter.done.push(usage);
        self.meter.hour_start = end;
        self.meter.requests = 0.0;
    }

    /// The bill from the window start to `now`, closing the partial hour.
    pub(super) fn bill(&mut self, now: SimTime) -> f64 {
        let hours = self.metered_hours(now);
        let pricing = &self.cfg.pricing;
        pricing.cost(&hours) + pricing.cross_zone_cost(self.nodes.cross_window)
    }

    /// The month's bill projected from the window up to `now`.
    pub(super) fn monthly_bill(&mut self, now: SimTime) -> f64 {
        let hours = self.metered_hours(now);
        self.cfg
            .pricing
            .monthly_cost(&hours, self.nodes.cross_window)
    }

    /// The window's clock hours up to `now`, the running one as far as it went.
    fn metered_hours(&mut self, now: SimTime) -> Vec<HourUsage> {
        self.meter_roll(now);
        let mut hours = self.meter.done.clone();
        if now > self.meter.hour_start {
            let span = now.since(self.meter.hour_start);
            // A copy of the running hour, so billing mid-run changes nothing.
            let mut probe = self.hour_connections.clone();
            hours.push(HourUsage {
                span,
                new_connections: self.meter.requests,
                mean_active_connections: probe.take_interval_mean(now),
                processed_bytes: self.meter.requests * ASSUMED_BYTES_PER_REQUEST,
                rule_evaluations: 0.0,
            });
        }
        hours
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An NLB's prices, with inter-zone transfer.
    const NLB: LbPricing = LbPricing {
        hourly: 0.0225,
        unit_hour: 0.006,
        increment: SimDuration::from_secs(3600),
        unit: CapacityUnit {
            new_connections_per_s: 800.0,
            active_connections: 100_000.0,
            processed_gb_per_h: 1.0,
            rule_evaluations_per_s: None,
        },
        bytes_per_gb: 1e9,
        inter_az_per_gb: Some(0.01),
        month: SimDuration::from_secs(730 * 3600),
    };

    #[test]
    fn an_hour_bills_its_largest_dimension() {
        // 2 GB processed is 2 NLCU, more than 1,000 flows (0.35 NLCU) or
        // 50,000 active flows (0.5 NLCU).
        let hour = HourUsage {
            span: SimDuration::from_secs(3600),
            new_connections: 1000.0,
            mean_active_connections: 50_000.0,
            processed_bytes: 2e9,
            rule_evaluations: 0.0,
        };
        assert_eq!(NLB.unit_hours(&hour), 2.0);
        assert!((NLB.cost(&[hour]) - (0.0225 + 2.0 * 0.006)).abs() < 1e-15);
        // An hour that never started costs nothing.
        assert_eq!(NLB.cost(&[HourUsage::default()]), 0.0);
    }

    #[test]
    fn requests_across_zones_are_billed_out_and_in() {
        // A million requests of 4 KiB: 4.096 GB, billed twice at 0.01.
        assert!((NLB.cross_zone_gb(1_000_000) - 4.096).abs() < 1e-12);
        assert!((NLB.cross_zone_cost(1_000_000) - 0.08192).abs() < 1e-12);
        let alb = LbPricing {
            inter_az_per_gb: None,
            ..NLB
        };
        assert_eq!(alb.cross_zone_cost(1_000_000), 0.0);
    }
}
