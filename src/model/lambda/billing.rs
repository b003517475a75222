//! What a function costs: requests, duration by GB-second (on demand or
//! provisioned, a cold start's INIT phase included), and provisioned
//! concurrency configured.

use super::Lambda;
use crate::model::monthly::{Projection, Tiers};
use crate::time::{SimDuration, SimTime};

/// Prices of a function (from the catalog).
#[derive(Clone, Debug, PartialEq)]
pub struct LambdaPricing {
    /// [USD per request].
    pub per_request: f64,
    /// [USD per GB-second] of on-demand duration.
    pub per_gb_second: f64,
    /// [USD per GB-second] of duration on provisioned environments.
    pub provisioned_per_gb_second: f64,
    /// [USD per GB-second] of provisioned concurrency configured.
    pub provisioned_allocation_per_gb_second: f64,
    /// Duration is rounded up to this.
    pub granularity: SimDuration,
    /// [USD per GB-second] of on-demand duration by the month's GB-seconds
    /// (the duration tiers).
    pub monthly_per_gb_second: Tiers,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
}

impl Lambda {
    fn memory_gb(&self) -> f64 {
        f64::from(self.cfg.memory_mb) / 1024.0
    }

    pub(super) fn bill(&mut self, duration: SimDuration, provisioned: bool, now: SimTime) {
        let g = self.cfg.pricing.granularity.0.max(1);
        let billed = SimDuration(duration.0.div_ceil(g) * g);
        let gb_s = billed.as_secs_f64() * self.memory_gb();
        let k = usize::from(provisioned);
        self.gb_seconds[k] += gb_s;
        if now >= self.window_start {
            self.window_gb_seconds[k] += gb_s;
        }
    }

    /// The month run as the window up to `now` [USD]: requests and
    /// duration scaled from the window, on-demand duration priced by the
    /// month's tiers, provisioned concurrency configured all month.
    pub(super) fn monthly_cost(&self, now: SimTime) -> f64 {
        let p = &self.cfg.pricing;
        let month = Projection {
            month: p.month,
            window: now.since(self.window_start),
        };
        let [on_demand, provisioned] = self.window_gb_seconds.map(|g| g * month.windows());
        let allocated = f64::from(self.cfg.provisioned) * self.memory_gb() * month.secs();
        self.window_requests as f64 * month.windows() * p.per_request
            + p.monthly_per_gb_second.cost(on_demand)
            + provisioned * p.provisioned_per_gb_second
            + allocated * p.provisioned_allocation_per_gb_second
    }

    /// Provisioned concurrency and duration in GB-seconds → dollars.
    pub(super) fn cost(&self, span: SimDuration, requests: u64, gb_seconds: [f64; 2]) -> f64 {
        let p = &self.cfg.pricing;
        let allocated = f64::from(self.cfg.provisioned) * self.memory_gb() * span.as_secs_f64();
        requests as f64 * p.per_request
            + gb_seconds[0] * p.per_gb_second
            + gb_seconds[1] * p.provisioned_per_gb_second
            + allocated * p.provisioned_allocation_per_gb_second
    }
}
