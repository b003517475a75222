//! Availability zones: instance slot `i` is in zone `i % zones`; launches
//! balance the zones, a zone outage takes its instances, and an Auto
//! Scaling group rebalances when the zone returns.

use super::{Fleet, Life};
use crate::model::Ctx;

/// Zone `zone`'s share of `desired` instances spread round robin over
/// `zones` zones.
pub(super) fn zone_share(desired: u32, zones: u32, zone: u32) -> u32 {
    desired / zones + u32::from(zone < desired % zones)
}

impl Fleet {
    /// The zone of instance slot `server`.
    pub(super) fn zone(&self, server: u32) -> u32 {
        self.scaling.as_ref().map_or(0, |sc| server % sc.cfg.zones)
    }

    /// Per zone, the live instances (rebalancing launches included,
    /// instances they are replacing not).
    pub(super) fn zone_counts(&self) -> Vec<u32> {
        let zones = self.scaling.as_ref().map_or(1, |sc| sc.cfg.zones);
        let mut counts = vec![0; zones as usize];
        let replaced = self.being_replaced();
        for (i, s) in self.servers.iter().enumerate() {
            if s.live() && !replaced[i] {
                counts[self.zone(i as u32) as usize] += 1;
            }
        }
        counts
    }

    /// Per slot, whether a rebalancing launch is on its way to replace
    /// the instance in it.
    fn being_replaced(&self) -> Vec<bool> {
        let mut replaced = vec![false; self.servers.len()];
        for s in &self.servers {
            if let Some((old, generation)) = s.replaces
                && self.servers[old as usize].generation == generation
            {
                replaced[old as usize] = true;
            }
        }
        replaced
    }

    /// A free slot in zone `zone`.
    fn free_slot_in(&self, zone: u32) -> Option<u32> {
        (0..self.servers.len() as u32).find(|&i| {
            let s = &self.servers[i as usize];
            self.zone(i) == zone && s.life == Life::Free && s.busy == 0 && s.queue.is_empty()
        })
    }

    /// Where a zoned fleet launches next: a free slot in the available
    /// zone with the fewest instances (as EC2 Auto Scaling balances a group
    /// over its zones); a fixed fleet only refills a zone up to its share.
    pub(super) fn zoned_free_slot(&self) -> Option<u32> {
        let sc = self.scaling.as_ref()?;
        let zones = sc.cfg.zones;
        let desired = self.target_size();
        let counts = self.zone_counts();
        let mut order: Vec<u32> = (0..zones)
            .filter(|&z| sc.zone_down[z as usize] == 0)
            .filter(|&z| sc.cfg.rebalance || counts[z as usize] < zone_share(desired, zones, z))
            .collect();
        order.sort_by_key(|&z| (counts[z as usize], z));
        order.into_iter().find_map(|z| self.free_slot_in(z))
    }

    /// A zone came back: an Auto Scaling group launches instances in the
    /// zones with the fewest and, as each is in service, terminates one in
    /// the zone with the most (AZRebalance launches before it terminates).
    pub(super) fn rebalance(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        loop {
            let counts = self.zone_counts();
            let sc = self.sc();
            let up: Vec<u32> = (0..sc.cfg.zones)
                .filter(|&z| sc.zone_down[z as usize] == 0)
                .collect();
            let Some(&low) = up.iter().min_by_key(|&&z| (counts[z as usize], z)) else {
                return;
            };
            let Some(&high) = up
                .iter()
                .max_by_key(|&&z| (counts[z as usize], u32::MAX - z))
            else {
                return;
            };
            if counts[high as usize] <= counts[low as usize] + 1 {
                return;
            }
            let Some(slot) = self.free_slot_in(low) else {
                return;
            };
            let replaced = self.being_replaced();
            let Some(old) = (0..self.servers.len() as u32).rev().find(|&i| {
                self.zone(i) == high
                    && self.servers[i as usize].life == Life::InService
                    && !self.servers[i as usize].failed
                    && !replaced[i as usize]
            }) else {
                return;
            };
            let generation = self.servers[old as usize].generation;
            self.launch(slot, now, ctx);
            self.servers[slot as usize].replaces = Some((old, generation));
        }
    }

    /// Zone `zone` goes down (`start`) or comes back.
    pub(super) fn zone_outage(&mut self, zone: u32, start: bool, ctx: &mut Ctx<'_>) {
        let me = ctx.me();
        let sc = self.sc();
        let Some(down) = sc.zone_down.get_mut(zone as usize) else {
            return;
        };
        if start {
            *down += 1;
        } else {
            *down = down.saturating_sub(1);
        }
        let is_down = *down > 0;
        ctx.world.targets.set_zone_down(me, zone, is_down);
        if start {
            for i in 0..self.servers.len() as u32 {
                if self.zone(i) != zone {
                    continue;
                }
                match self.servers[i as usize].life {
                    // Serving: its work fails, and what is routed to it
                    // until the health checks find it gone.
                    Life::InService => self.fail(i, ctx),
                    Life::Booting | Life::Registering | Life::Draining => {
                        // Not routed to: gone at once, with its work.
                        self.fail_server_work(i, ctx);
                        self.terminate(i, ctx);
                    }
                    Life::Free => {}
                }
            }
            self.reconcile(ctx);
        } else if !is_down {
            self.reconcile(ctx);
            if self.sc().cfg.rebalance {
                self.rebalance(ctx);
            }
        }
    }
}
