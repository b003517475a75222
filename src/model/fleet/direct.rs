//! What a caller without a load balancer knows of a fleet in a group: the
//! addresses of the instances in service when it started, called round
//! robin. Nothing health-checks them for it, so a call to an instance that
//! has failed or is gone waits out the connection timeout and fails, again
//! and again, until that instance is back; and it never learns of the
//! instances launched later. A load balancer is what registers new targets
//! and stops routing to failed ones ([`super::super::targets`]).
//!
//! A fixed fleet's relaunch is the instance it replaces coming back (EC2
//! automatic recovery keeps an instance's private IP address), so direct
//! callers reach it again; an Auto Scaling group's launch is a new instance.

use super::{Fleet, FleetTimer, Life};
use crate::model::{Call, Ctx, Outcome};
use crate::slab::Key;
use crate::time::SimTime;

impl Fleet {
    /// The instance a direct call goes to, or `None` when the call was
    /// answered (it times out on an instance that is gone, or fails at once
    /// when the caller knows no instance).
    pub(super) fn pick_direct(
        &mut self,
        call: Call,
        now: SimTime,
        ctx: &mut Ctx<'_>,
    ) -> Option<u32> {
        let n = self.direct.len() as u32;
        if n == 0 {
            self.answer(call, Outcome::Unavailable, now, ctx);
            return None;
        }
        let known = self.direct[self.direct_next as usize];
        self.direct_next = (self.direct_next + 1) % n;
        if self.is_current(known) && self.servers[known.slot as usize].serves() {
            return Some(known.slot);
        }
        let timeout = self
            .scaling
            .as_ref()
            .map_or_else(Default::default, |sc| sc.cfg.connect_timeout);
        let key = self.unreachable.insert((call, now));
        ctx.schedule_fixed(timeout, FleetTimer::Unreachable(key).into());
        None
    }

    /// Whether `known` (a slot and generation) is still the instance in
    /// its slot.
    fn is_current(&self, known: Key) -> bool {
        let s = &self.servers[known.slot as usize];
        s.generation == known.generation && s.life != Life::Free
    }

    /// The connection to an instance that is gone timed out.
    pub(super) fn connection_timed_out(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        if let Some((call, arrived)) = self.unreachable.remove(key) {
            self.answer(call, Outcome::Unavailable, arrived, ctx);
        }
    }

    /// A fixed fleet launched into `slot`: the instance it replaces is back
    /// at its address. The known address that lost its instance in the same
    /// slot, else in the same zone, now reaches the launch.
    pub(super) fn recovered(&mut self, slot: u32) {
        let generation = self.servers[slot as usize].generation;
        let zone = self.zone(slot);
        let lost = |f: &Fleet, k: &Key| !f.is_current(*k);
        let same_slot = self
            .direct
            .iter()
            .position(|k| k.slot == slot && lost(self, k));
        let found = same_slot.or_else(|| {
            self.direct
                .iter()
                .position(|k| self.zone(k.slot) == zone && lost(self, k))
        });
        if let Some(i) = found {
            self.direct[i] = Key { slot, generation };
        }
    }

    /// A deployment took instances out: the addresses direct callers knew
    /// them by now reach the instances that replace them (live, of
    /// `release`, not known yet), as an in-place deployment keeps an
    /// instance's address while its application is replaced.
    pub(super) fn hand_over_direct(&mut self, release: u32) {
        for i in 0..self.direct.len() {
            let k = self.direct[i];
            let out = !self.is_current(k) || self.servers[k.slot as usize].life == Life::Draining;
            if !out {
                continue;
            }
            let known =
                |f: &Fleet, slot: u32| f.direct.iter().any(|d| d.slot == slot && f.is_current(*d));
            let heir = (0..self.servers.len() as u32).find(|&j| {
                let s = &self.servers[j as usize];
                s.live() && s.release == release && !known(self, j)
            });
            if let Some(slot) = heir {
                let generation = self.servers[slot as usize].generation;
                self.direct[i] = Key { slot, generation };
            }
        }
    }
}
