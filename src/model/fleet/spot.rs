//! Spot instances: which launches run on Spot, their interruptions and
//! the two-minute notice.

use rand::RngExt;

use super::{Fleet, InstanceTimer, Life};
use crate::model::Ctx;
use crate::rng::StreamRng;
use crate::time::SimDuration;

/// Which instances of a group run on Spot, and how they are interrupted.
#[derive(Clone, Debug)]
pub struct SpotConfig {
    /// The first instances are on demand.
    pub on_demand_base: u32,
    /// The share of the instances above the base that run on Spot [%].
    pub spot_percent: u32,
    /// Interruptions per Spot instance-hour (a Poisson process).
    pub rate_per_hour: f64,
    /// From the notice to the reclaim.
    pub notice: SimDuration,
    /// Capacity rebalancing: the replacement launches at the notice (a
    /// group), rather than once the instance is gone (a fixed fleet).
    pub rebalance: bool,
    /// Interruption times: a stream of their own, so that the rest of the
    /// lifecycle draws what it draws on demand.
    pub rng: StreamRng,
}

impl Fleet {
    /// A Spot instance's interruption: exponential lifetimes at the band's
    /// rate, drawn from the Spot stream.
    pub(super) fn schedule_interruption(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        if !self.servers[server as usize].spot {
            return;
        }
        let Some(spot) = self.sc().cfg.spot.as_mut() else {
            return;
        };
        if spot.rate_per_hour <= 0.0 {
            return;
        }
        let u: f64 = spot.rng.random_range(0.0..1.0);
        let hours = -(1.0 - u).ln() / spot.rate_per_hour;
        let life = SimDuration::from_secs_f64(hours * 3600.0);
        self.lifecycle_timer(InstanceTimer::Interrupt, server, life, ctx);
    }

    /// Whether the next launch runs on Spot: the group's first
    /// `on_demand_base` instances are on demand, and of those above the
    /// base, `spot_percent` (the on-demand share rounded up) run on Spot.
    pub(super) fn next_is_spot(&self) -> bool {
        let Some(spot) = self.scaling.as_ref().and_then(|sc| sc.cfg.spot.as_ref()) else {
            return false;
        };
        let (mut on_demand, mut spots) = (0u32, 0u32);
        for s in self.servers.iter().filter(|s| s.live()) {
            if s.spot {
                spots += 1;
            } else {
                on_demand += 1;
            }
        }
        let base = spot.on_demand_base;
        if on_demand < base {
            return false;
        }
        let above = on_demand + spots + 1 - base;
        let on_demand_above = (u64::from(above) * u64::from(100 - spot.spot_percent)).div_ceil(100);
        u64::from(on_demand - base) >= on_demand_above
    }

    /// The two-minute notice: the instance is deregistered and drains
    /// until it is reclaimed; with capacity rebalancing its replacement
    /// launches now, otherwise once it is gone.
    pub(super) fn interrupt(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let s = &mut self.servers[server as usize];
        if !s.spot || s.interrupted {
            return;
        }
        s.interrupted = true;
        let life = s.life;
        let sc = self.sc();
        sc.interruptions += 1;
        let notice = sc.cfg.spot.as_ref().map_or(SimDuration::ZERO, |p| p.notice);
        match life {
            // Registering: a queue consumer's workers may already poll.
            Life::InService | Life::Registering => {
                let delay = notice.min(sc.cfg.lifecycle.deregistration_delay);
                self.deregister_within(server, delay, ctx);
            }
            Life::Draining => {
                self.lifecycle_timer(InstanceTimer::DrainDeadline, server, notice, ctx)
            }
            Life::Booting => self.terminate(server, ctx),
            Life::Free => {}
        }
        self.reconcile(ctx);
    }
}
