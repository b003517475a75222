//! The balancer's nodes, one per availability zone of its targets: clients
//! reach them in turn (DNS), and without cross-zone balancing each routes
//! only to its own zone's targets.

use super::LoadBalancer;
use super::routing::TargetSet;
use crate::model::world::World;
use crate::settings::Routing;

/// The balancer's nodes, one per availability zone of its targets.
#[derive(Debug, Default)]
pub(super) struct Nodes {
    /// The nodes clients reach (in DNS): zone up and, without cross-zone
    /// balancing, a routable target in the zone.
    pub(super) up: Vec<u32>,
    /// Spreads clients evenly over the nodes in DNS.
    pub(super) next: u64,
    /// Without cross-zone balancing, per node, the routable targets of its
    /// zone (and those without a zone).
    pub(super) sets: Vec<TargetSet>,
    /// With cross-zone round robin, per node, its position in its own
    /// rotation over every routable target. Each node of an ELB balances on
    /// its own: one rotation shared by all would pair the nodes with the
    /// targets in lockstep whenever they come in equal numbers (or a
    /// multiple), so that one node always picked its own zone's target and
    /// no request ever crossed a zone.
    pub(super) turns: Vec<u64>,
    /// Requests sent to a target in another zone: since the window
    /// start, and since time zero.
    pub(super) cross_window: u64,
    pub(super) cross_total: u64,
}

impl Nodes {
    /// `zones` nodes, all up, routing by `routing` to every zone
    /// (`cross_zone`) or each to its own.
    pub(super) fn new(zones: u32, cross_zone: bool, routing: Routing) -> Self {
        let sets = if zones > 1 && !cross_zone { zones } else { 0 };
        let rotations = zones > 1 && cross_zone && routing == Routing::RoundRobin;
        Nodes {
            up: (0..zones).collect(),
            turns: vec![0; if rotations { zones as usize } else { 0 }],
            sets: (0..sets).map(|_| TargetSet::new(routing, 0)).collect(),
            ..Nodes::default()
        }
    }

    /// The node the next client reaches, if any is in DNS.
    pub(super) fn next_node(&mut self) -> Option<u32> {
        if self.up.is_empty() {
            return None;
        }
        let k = (self.next % self.up.len() as u64) as usize;
        self.next += 1;
        Some(self.up[k])
    }

    /// With cross-zone round robin, the next turn of `node`'s own rotation;
    /// `None` when the nodes share the balancer's routing.
    pub(super) fn take_turn(&mut self, node: u32) -> Option<u64> {
        let turn = self.turns.get_mut(node as usize)?;
        *turn += 1;
        Some(*turn - 1)
    }
}

impl LoadBalancer {
    /// Zones: which nodes are in DNS and, without cross-zone balancing,
    /// what each routes to.
    pub(super) fn refresh_nodes(&mut self, world: &World) {
        let zones = self.cfg.zones;
        if !self.cfg.cross_zone {
            for z in 0..zones {
                let (eligible, targets) = (&self.eligible, &self.cfg.targets);
                let in_zone = |i: u32| {
                    eligible[i as usize] && targets[i as usize].zone.is_none_or(|tz| tz == z)
                };
                self.nodes.sets[z as usize].set_members(in_zone, &self.weights, &self.outstanding);
            }
        }
        let fleets = &self.cfg.zoned_fleets;
        let cross_zone = self.cfg.cross_zone;
        let sets = &self.nodes.sets;
        self.nodes.up = (0..zones)
            .filter(|&z| !fleets.iter().any(|&f| world.targets.zone_down(f, z)))
            .filter(|&z| cross_zone || !sets[z as usize].is_empty())
            .collect();
    }
}
