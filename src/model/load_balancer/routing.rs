//! Routing: which target the next request goes to, by the routing policy.

use std::cmp::Reverse;

use rand::RngExt;

use super::*;
use crate::scenario::Routing;
use crate::time::SimTime;

impl LoadBalancer {
    /// Without cross-zone balancing: the target node `node` picks among
    /// its zone's, by the routing policy (slow start does not apply).
    pub(super) fn choose_in_zone(&mut self, node: u32) -> u32 {
        let list = &self.nodes.routable[node as usize];
        let n = list.len() as u32;
        match self.cfg.routing {
            Routing::RoundRobin => {
                let picks = &mut self.nodes.picks[node as usize];
                let i = list[(*picks % u64::from(n)) as usize];
                *picks += 1;
                i
            }
            Routing::Random => list[self.rng.random_range(0..n) as usize],
            Routing::PowerOfTwo => {
                if n == 1 {
                    return list[0];
                }
                let a = self.rng.random_range(0..n);
                let mut b = self.rng.random_range(0..n - 1);
                if b >= a {
                    b += 1;
                }
                let (a, b) = (list[a as usize], list[b as usize]);
                if self.outstanding[b as usize] < self.outstanding[a as usize] {
                    b
                } else {
                    a
                }
            }
            Routing::Weighted => {
                let weights = &self.nodes.weights[node as usize];
                let total = *weights.last().unwrap_or(&1.0);
                let x = self.rng.random_range(0.0..total);
                let k = weights.partition_point(|&c| c <= x);
                list[k.min(n as usize - 1)]
            }
            Routing::LeastOutstanding => {
                // Fewest in flight; ties rotate with the node's picks.
                let picks = &mut self.nodes.picks[node as usize];
                let start = (*picks % u64::from(n)) as usize;
                *picks += 1;
                let outstanding = &self.outstanding;
                let i = (0..n as usize)
                    .map(|k| list[(start + k) % n as usize])
                    .min_by_key(|&i| outstanding[i as usize])
                    .unwrap_or(list[0]);
                // Keep the balancer-wide index counting what is in flight.
                self.least.change_priority_by(&i, |Reverse((o, _))| *o += 1);
                i
            }
        }
    }

    /// Slow start: at random, each routable target weighted by its weight
    /// times its ramp (the share of its slow start elapsed, 1 once over).
    /// ELB ramps only while some healthy target is past its slow start.
    pub(super) fn choose_ramped(&mut self, now: SimTime) -> u32 {
        let ramp = |until: SimTime| {
            if until <= now {
                1.0
            } else {
                let left = until.since(now).as_secs_f64();
                (1.0 - left / self.cfg.slow_start.as_secs_f64()).max(1e-3)
            }
        };
        let settled = self
            .routable
            .iter()
            .any(|&i| self.ramp_until[i as usize] <= now);
        self.ramp_weights.clear();
        let mut acc = 0.0;
        for &i in &self.routable {
            let r = if settled {
                ramp(self.ramp_until[i as usize])
            } else {
                1.0
            };
            acc += self.cfg.targets[i as usize].weight * r;
            self.ramp_weights.push(acc);
        }
        let x = self.rng.random_range(0.0..acc);
        let k = self.ramp_weights.partition_point(|&c| c <= x);
        self.routable[k.min(self.routable.len() - 1)]
    }

    /// Chooses among the routable targets when some are not.
    pub(super) fn choose_restricted(&mut self) -> u32 {
        let n = self.routable.len() as u32;
        match self.cfg.routing {
            // In turn over the routable targets: O(1) however many slots
            // a group has.
            Routing::RoundRobin => {
                let i = self.routable[(self.picks % u64::from(n)) as usize];
                self.picks += 1;
                i
            }
            Routing::Random => self.routable[self.rng.random_range(0..n) as usize],
            Routing::PowerOfTwo => {
                if n == 1 {
                    return self.routable[0];
                }
                let a = self.routable[self.rng.random_range(0..n) as usize];
                let mut bi = self.rng.random_range(0..n - 1);
                if self.routable[bi as usize] >= a {
                    bi += 1;
                }
                let b = self.routable[bi as usize];
                if self.outstanding[b as usize] < self.outstanding[a as usize] {
                    b
                } else {
                    a
                }
            }
            Routing::Weighted => {
                let total = *self.routable_weights.last().unwrap_or(&1.0);
                let x = self.rng.random_range(0.0..total);
                let i = self.routable_weights.partition_point(|&c| c <= x);
                self.routable[i.min(n as usize - 1)]
            }
            // The index holds only the routable targets.
            Routing::LeastOutstanding => self.choose(),
        }
    }

    /// Chooses the target for the next request.
    pub(super) fn choose(&mut self) -> u32 {
        let n = self.cfg.targets.len() as u32;
        match self.cfg.routing {
            Routing::RoundRobin => {
                let i = (self.picks % u64::from(n)) as u32;
                self.picks += 1;
                i
            }
            Routing::Random => self.rng.random_range(0..n),
            Routing::PowerOfTwo => {
                if n == 1 {
                    return 0;
                }
                let a = self.rng.random_range(0..n);
                let mut b = self.rng.random_range(0..n - 1);
                if b >= a {
                    b += 1;
                }
                if self.outstanding[b as usize] < self.outstanding[a as usize] {
                    b
                } else {
                    a
                }
            }
            Routing::Weighted => {
                let total = *self.cumulative_weights.last().unwrap_or(&1.0);
                let x = self.rng.random_range(0.0..total);
                let i = self.cumulative_weights.partition_point(|&c| c <= x);
                (i as u32).min(n - 1)
            }
            Routing::LeastOutstanding => {
                let (&i, _) = self.least.peek().expect("a load balancer has targets");
                self.picks += 1;
                let picks = self.picks;
                self.least.change_priority_by(&i, |Reverse((o, last))| {
                    *o += 1;
                    *last = picks;
                });
                i
            }
        }
    }
}
