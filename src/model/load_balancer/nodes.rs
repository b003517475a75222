//! The balancer's nodes, one per availability zone of its targets.

use super::*;

/// The balancer's nodes, one per availability zone of its targets.
#[derive(Debug, Default)]
pub(super) struct Nodes {
    /// The nodes clients reach (in DNS): zone up and, without cross-zone
    /// balancing, a routable target in the zone.
    pub(super) up: Vec<u32>,
    /// Spreads clients evenly over the nodes in DNS.
    pub(super) next: u64,
    /// Without cross-zone balancing, per node, the routable targets of its
    /// zone (and those without a zone), with cumulative weights.
    pub(super) routable: Vec<Vec<u32>>,
    pub(super) weights: Vec<Vec<f64>>,
    /// Per node, round robin position.
    pub(super) picks: Vec<u64>,
    /// Requests sent to a target in another zone: since the window
    /// start, and since time zero.
    pub(super) cross_window: u64,
    pub(super) cross_total: u64,
}

impl LoadBalancer {
    /// Zones: which nodes are in DNS and, without cross-zone balancing,
    /// what each routes to.
    pub(super) fn refresh_nodes(&mut self, world: &World) {
        let zones = self.cfg.zones;
        self.nodes.routable = vec![Vec::new(); zones as usize];
        self.nodes.weights = vec![Vec::new(); zones as usize];
        if !self.cfg.cross_zone {
            for &i in &self.routable {
                let e = &self.cfg.targets[i as usize];
                for z in 0..zones {
                    if e.zone.is_none_or(|ez| ez == z) {
                        let acc = self.nodes.weights[z as usize]
                            .last()
                            .copied()
                            .unwrap_or(0.0);
                        self.nodes.routable[z as usize].push(i);
                        self.nodes.weights[z as usize].push(acc + e.weight);
                    }
                }
            }
        }
        let fleets = &self.cfg.zoned_fleets;
        let cross_zone = self.cfg.cross_zone;
        let routable = &self.nodes.routable;
        self.nodes.up = (0..zones)
            .filter(|&z| !fleets.iter().any(|&f| world.targets.zone_down(f, z)))
            .filter(|&z| cross_zone || !routable[z as usize].is_empty())
            .collect();
    }
}
