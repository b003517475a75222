//! What fleets in Auto Scaling groups tell the rest of the design about
//! their instances, and what queues tell the groups that scale on them.
//!
//! In AWS a target group is the meeting point of an Auto Scaling group and
//! a load balancer: the group registers and deregisters instances, the
//! balancer health-checks them and routes only to the healthy ones. Here the
//! fleet plays the group and the target group, and publishes each
//! instance's state in the run's shared [`World`](super::world::World);
//! load balancers and queue pollers read it. A fleet that publishes nothing
//! (a fixed fleet) has every instance in service all along, which keeps
//! fixed fleets exactly as they were.

use crate::engine::ActorId;

/// An instance as a target of load balancers and as a queue poller.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum TargetState {
    /// No running instance in this slot (free, booting or terminated).
    #[default]
    Absent,
    /// Running and registered, its first health check still to pass: not
    /// routed to, but its workers poll queues.
    Initial,
    /// Passing its health checks: routed to.
    Healthy,
    /// Failing its health checks: routed to only when no target is healthy
    /// (ELB fails open).
    Unhealthy,
    /// Deregistered: finishing its requests in flight, taking no new ones.
    Draining,
}

impl TargetState {
    /// Its workers take work from queues.
    pub fn polls(self) -> bool {
        matches!(
            self,
            TargetState::Initial | TargetState::Healthy | TargetState::Unhealthy
        )
    }
}

/// The published states, by actor.
#[derive(Debug, Default)]
pub struct Registry {
    /// Per actor index, the states of its instance slots; empty for actors
    /// that publish nothing.
    fleets: Vec<Vec<TargetState>>,
    /// Per actor index, the visible messages of a queue.
    backlog: Vec<u64>,
    /// Per actor index, a bit per availability zone that is down.
    zones_down: Vec<u32>,
    /// Per actor index, who is told when one of its instances starts
    /// polling (the queues it consumes).
    watchers: Vec<Vec<ActorId>>,
    /// Bumped at every change of a state, so readers re-read only then.
    generation: u64,
}

impl Registry {
    /// `watcher` is told ([`Msg::InstancePolls`](super::Msg::InstancePolls))
    /// whenever an instance of fleet `actor` starts polling, so that its
    /// pollers waiting for that instance need not look again and again.
    pub fn watch(&mut self, actor: ActorId, watcher: ActorId) {
        let a = actor.0 as usize;
        if self.watchers.len() <= a {
            self.watchers.resize_with(a + 1, Vec::new);
        }
        if !self.watchers[a].contains(&watcher) {
            self.watchers[a].push(watcher);
        }
    }

    /// The `i`-th watcher of fleet `actor`, if it has that many.
    #[inline]
    pub fn watcher(&self, actor: ActorId, i: usize) -> Option<ActorId> {
        self.watchers.get(actor.0 as usize)?.get(i).copied()
    }

    /// Instance `instance` of fleet `actor` is now in `state`; true when
    /// this makes it start polling.
    pub fn publish(&mut self, actor: ActorId, instance: u32, state: TargetState) -> bool {
        let a = actor.0 as usize;
        if self.fleets.len() <= a {
            self.fleets.resize_with(a + 1, Vec::new);
        }
        let states = &mut self.fleets[a];
        let i = instance as usize;
        if states.len() <= i {
            states.resize(i + 1, TargetState::Absent);
        }
        let before = states[i];
        if before != state {
            states[i] = state;
            self.generation += 1;
        }
        state.polls() && !before.polls()
    }

    /// The state of an instance, `None` when its fleet publishes nothing
    /// (it is always in service).
    #[inline]
    pub fn state(&self, actor: ActorId, instance: u32) -> Option<TargetState> {
        let states = self.fleets.get(actor.0 as usize)?;
        if states.is_empty() {
            return None;
        }
        Some(
            states
                .get(instance as usize)
                .copied()
                .unwrap_or(TargetState::Absent),
        )
    }

    /// Whether the workers of an instance may take work from a queue.
    #[inline]
    pub fn polls(&self, actor: ActorId, instance: u32) -> bool {
        self.state(actor, instance).is_none_or(TargetState::polls)
    }

    /// Changes so far: a reader that saw this number has seen every state.
    #[inline]
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// Zone `zone` of fleet `actor` is down (or back).
    pub fn set_zone_down(&mut self, actor: ActorId, zone: u32, down: bool) {
        let a = actor.0 as usize;
        if self.zones_down.len() <= a {
            self.zones_down.resize(a + 1, 0);
        }
        let bit = 1u32 << zone.min(31);
        let before = self.zones_down[a];
        if down {
            self.zones_down[a] |= bit;
        } else {
            self.zones_down[a] &= !bit;
        }
        if self.zones_down[a] != before {
            self.generation += 1;
        }
    }

    /// Whether zone `zone` of fleet `actor` is down.
    #[inline]
    pub fn zone_down(&self, actor: ActorId, zone: u32) -> bool {
        self.zones_down
            .get(actor.0 as usize)
            .is_some_and(|bits| bits & (1u32 << zone.min(31)) != 0)
    }

    /// Queue `actor` now holds `visible` messages ready to be received.
    #[inline]
    pub fn set_backlog(&mut self, actor: ActorId, visible: u64) {
        let a = actor.0 as usize;
        if self.backlog.len() <= a {
            self.backlog.resize(a + 1, 0);
        }
        self.backlog[a] = visible;
    }

    /// The visible messages of queue `actor` (0 if it never said).
    pub fn backlog(&self, actor: ActorId) -> u64 {
        self.backlog.get(actor.0 as usize).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unpublished_fleets_are_always_in_service() {
        let mut r = Registry::default();
        assert_eq!(r.state(ActorId(3), 0), None);
        assert!(r.polls(ActorId(3), 7));
        r.publish(ActorId(3), 1, TargetState::Healthy);
        assert_eq!(r.state(ActorId(3), 0), Some(TargetState::Absent));
        assert_eq!(r.state(ActorId(3), 1), Some(TargetState::Healthy));
        assert_eq!(r.state(ActorId(3), 9), Some(TargetState::Absent));
        assert!(!r.polls(ActorId(3), 0));
        let g = r.generation();
        r.publish(ActorId(3), 1, TargetState::Healthy);
        assert_eq!(r.generation(), g, "no change, no new generation");
        r.publish(ActorId(3), 1, TargetState::Draining);
        assert!(r.generation() > g);
        assert!(!r.polls(ActorId(3), 1));
    }
}
