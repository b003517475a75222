//! What a load balancer costs: per hour and per capacity unit (LCU or
//! NLCU) of each clock hour, and the inter-zone transfer of a Network Load
//! Balancer.

use super::*;
use crate::catalog::{LbHourUsage, LbKind};
use crate::scenario::LbType;
use crate::time::{SimDuration, SimTime};

/// Bytes an average request and its response put through the balancer, for
/// the processed-bytes LCU dimension. A modelling assumption, not a published
/// figure: small API requests with JSON responses.
pub const ASSUMED_BYTES_PER_REQUEST: f64 = 4096.0;

/// Per clock hour of the measured window, what the LCU price depends on.
#[derive(Debug, Default)]
pub(super) struct HourMeter {
    pub(super) hour_start: SimTime,
    pub(super) requests: f64,
    pub(super) done: Vec<LbHourUsage>,
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
        let usage = LbHourUsage {
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

    fn kind(&self) -> LbKind {
        match self.cfg.lb_type {
            LbType::Alb => LbKind::Alb,
            LbType::Nlb => LbKind::Nlb,
        }
    }

    /// Inter-zone data transfer for `requests` sent across zones [GB]:
    /// the assumed bytes of each request and its response.
    pub(super) fn cross_zone_gb(requests: u64) -> f64 {
        let catalog = crate::catalog::builtin();
        requests as f64 * ASSUMED_BYTES_PER_REQUEST / catalog.units.bytes_per_gb.value
    }

    /// What `requests` sent across zones cost [USD]: every byte is billed
    /// out of one zone and into the other.
    fn cross_zone_cost(requests: u64) -> f64 {
        let per_gb = crate::catalog::builtin()
            .data_transfer
            .inter_az_per_gb
            .value;
        2.0 * per_gb * Self::cross_zone_gb(requests)
    }

    /// The bill from the window start to `now`, closing the partial hour.
    pub(super) fn bill(&mut self, now: SimTime) -> f64 {
        self.meter_roll(now);
        let mut hours = self.meter.done.clone();
        if now > self.meter.hour_start {
            let span = now.since(self.meter.hour_start);
            // A copy of the running hour, so billing mid-run changes nothing.
            let mut probe = self.hour_connections.clone();
            hours.push(LbHourUsage {
                span,
                new_connections: self.meter.requests,
                mean_active_connections: probe.take_interval_mean(now),
                processed_bytes: self.meter.requests * ASSUMED_BYTES_PER_REQUEST,
                rule_evaluations: 0.0,
            });
        }
        let transfer = match self.kind() {
            // AWS: "When enabling cross-zone load balancing for a Network
            // Load Balancer, EC2 data transfer charges apply" (ELB guide,
            // network/target-group-cross-zone.html). The ALB guide, where
            // cross-zone balancing is always on, names no such charge.
            LbKind::Nlb => Self::cross_zone_cost(self.nodes.cross_window),
            LbKind::Alb => 0.0,
        };
        crate::catalog::builtin().load_balancer_cost(self.kind(), &hours) + transfer
    }
}
