//! An Elastic Load Balancer: picks a target instance for each request by its
//! routing policy, adds its own small latency, and forwards the call.
//!
//! Every instance of a target fleet is one target, as instances are in an
//! ELB target group. The balancer counts the requests it has outstanding on
//! each target itself (as ALB's least-outstanding-requests algorithm does),
//! so it never looks inside the fleets.
//!
//! Instances of an Auto Scaling group come and go: the balancer has one
//! target per instance slot and routes only to those the world's
//! [`Registry`](super::targets::Registry) says are healthy (registered,
//! first health check passed, not draining). When no target is healthy but
//! some are registered and unhealthy, it routes to those (ELB fails open);
//! when none is registered at all, it answers 503 at once. It re-reads the
//! registry only when the registry's generation changed, so fixed fleets
//! (which publish nothing) route exactly as they always did.
//!
//! One file per concept: `routing` (each policy, once, over a set of
//! targets), `slow_start`, `nodes` (one per availability zone, with or
//! without cross-zone balancing), `billing` (hours, capacity units,
//! inter-zone transfer).

mod billing;
mod nodes;
mod routing;
mod slow_start;

use super::faults::FaultState;
use super::targets::TargetState;
use super::world::World;
use super::{Call, Component, Ctx, Endpoint, Outcome, call, refuse, reply, schedule_drawn};
use crate::dist::Dist;
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::settings::Routing;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, TimeAverage};
use crate::time::{SimDuration, SimTime};
use billing::HourMeter;
pub use billing::{ASSUMED_BYTES_PER_REQUEST, CapacityUnit, HourUsage, LbPricing};
use nodes::Nodes;
use routing::TargetSet;
use slow_start::SlowStart;

/// A load balancer's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BalancerTimer {
    /// The balancer's own latency has elapsed: on to a target.
    Forward(Key),
}

/// One routable target: an instance of a fleet, or a whole component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Target {
    /// The component.
    pub actor: ActorId,
    /// The instance within it ([`Endpoint::Instance`]), or
    /// [`Endpoint::Any`] for a whole component.
    pub endpoint: Endpoint,
    /// Relative weight for weighted routing (> 0).
    pub weight: f64,
    /// The availability zone of the instance (index), `None` for targets
    /// without zones (reached from every node, never across zones).
    pub zone: Option<u32>,
}

/// The settings a load balancer is built from.
#[derive(Clone, Debug)]
pub struct LoadBalancerConfig {
    /// Its prices (an ALB's or an NLB's).
    pub pricing: LbPricing,
    /// Routing policy.
    pub routing: Routing,
    /// The targets, in a fixed order.
    pub targets: Vec<Target>,
    /// Latency added on the way in.
    pub latency: Dist,
    /// Slow start: a newly healthy target's share ramps up linearly over
    /// this long (zero: off).
    pub slow_start: SimDuration,
    /// One node per availability zone of the targets (1: no zone model).
    pub zones: u32,
    /// Each node routes to every zone's targets; off, to its own zone's.
    pub cross_zone: bool,
    /// The zoned fleets routed to, whose zone outages take nodes down.
    pub zoned_fleets: Vec<ActorId>,
}

/// A call on its way through the balancer.
#[derive(Clone, Copy, Debug)]
struct Forward {
    call: Call,
    arrived: SimTime,
    /// The chosen target (once the latency has elapsed).
    target: Option<u32>,
}

/// An Application or Network Load Balancer.
#[derive(Debug)]
pub struct LoadBalancer {
    cfg: LoadBalancerConfig,
    rng: StreamRng,
    faults: FaultState,
    /// Per target, its weight.
    weights: Vec<f64>,
    /// Per target, the requests it has in flight.
    outstanding: Vec<u32>,
    forwards: Slab<Forward>,
    in_flight: TimeAverage,
    hour_connections: TimeAverage,
    meter: HourMeter,
    window_start: SimTime,
    calls: CallStats,
    /// The registry generation the routable set was computed for.
    seen_generation: u64,
    /// Per target, whether it may be chosen now.
    eligible: Vec<bool>,
    /// The targets that may be chosen now.
    routable: TargetSet,
    slow_start: SlowStart,
    /// Zones: the nodes (unused with one zone).
    nodes: Nodes,
}

impl LoadBalancer {
    /// A balancer drawing latencies and random choices from `rng`.
    pub fn new(cfg: LoadBalancerConfig, rng: StreamRng, faults: FaultState) -> Self {
        let n = cfg.targets.len();
        let weights: Vec<f64> = cfg.targets.iter().map(|t| t.weight).collect();
        LoadBalancer {
            rng,
            faults,
            routable: TargetSet::all(cfg.routing, &weights),
            weights,
            outstanding: vec![0; n],
            forwards: Slab::default(),
            in_flight: TimeAverage::default(),
            hour_connections: TimeAverage::default(),
            meter: HourMeter::default(),
            window_start: SimTime::ZERO,
            calls: CallStats::default(),
            seen_generation: 0,
            eligible: vec![true; n],
            slow_start: SlowStart::new(cfg.slow_start, n),
            nodes: Nodes::new(cfg.zones, cfg.cross_zone, cfg.routing),
            cfg,
        }
    }

    /// Re-reads which targets are routable from the registry at `now`.
    fn refresh(&mut self, world: &World, now: SimTime) {
        let first = self.seen_generation == 0;
        let before = std::mem::take(&mut self.eligible);
        self.seen_generation = world.targets.generation();
        let state = |t: &Target| match t.endpoint {
            Endpoint::Instance(i) => world.targets.state(t.actor, i),
            // A whole component publishes nothing: always routable.
            Endpoint::Any | Endpoint::Connect | Endpoint::Session(_) | Endpoint::Event => None,
        };
        let healthy: Vec<bool> = self
            .cfg
            .targets
            .iter()
            .map(|e| state(e).is_none_or(|s| s == TargetState::Healthy))
            .collect();
        self.eligible = if healthy.iter().any(|&h| h) {
            healthy
        } else {
            // Fail open: every registered target is unhealthy.
            self.cfg
                .targets
                .iter()
                .map(|e| state(e) == Some(TargetState::Unhealthy))
                .collect()
        };
        if self.slow_start.is_on() && !first {
            // Targets that just became routable start their slow start (the
            // first reading finds the group as it was before the run).
            for (i, (&now_ok, &was_ok)) in self.eligible.iter().zip(&before).enumerate() {
                if now_ok && !was_ok {
                    self.slow_start.begin(i as u32, now);
                }
            }
        }
        let eligible = &self.eligible;
        self.routable
            .set_members(|i| eligible[i as usize], &self.weights, &self.outstanding);
        if self.cfg.zones > 1 {
            self.refresh_nodes(world);
        }
    }

    fn forward(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        if ctx.world.targets.generation() != self.seen_generation {
            self.refresh(ctx.world, now);
        }
        // Zones: the client reaches one of the nodes in DNS, in turn.
        let node = if self.cfg.zones > 1 {
            let Some(node) = self.nodes.next_node() else {
                self.no_target(key, ctx);
                return;
            };
            Some(node)
        } else {
            None
        };
        // Without cross-zone balancing the node chooses among its zone's.
        let in_zone = node.filter(|_| !self.cfg.cross_zone);
        let ramped = in_zone.is_none() && self.slow_start.ramping(now);
        // A node with a rotation of its own takes its turn.
        let own_turn = match (node, in_zone, ramped) {
            (Some(node), None, false) => self.nodes.take_turn(node),
            _ => None,
        };
        let (routing, rng, outstanding) = (self.cfg.routing, &mut self.rng, &self.outstanding);
        let set = match in_zone {
            Some(node) => &mut self.nodes.sets[node as usize],
            None => &mut self.routable,
        };
        if set.is_empty() {
            // No registered target: 503 at once.
            self.no_target(key, ctx);
            return;
        }
        let endpoint = if ramped {
            self.slow_start.choose(set, &self.weights, rng, now)
        } else if let Some(turn) = own_turn {
            set.member_at(turn)
        } else {
            set.choose(routing, rng, outstanding)
        };
        let Some(f) = self.forwards.get_mut(key) else {
            return;
        };
        f.target = Some(endpoint);
        let req = f.call.req;
        self.outstanding[endpoint as usize] += 1;
        // The sets that did not choose count the request too (least
        // outstanding).
        if in_zone.is_some() || ramped {
            self.routable.sent_elsewhere(endpoint);
        }
        for (z, set) in self.nodes.sets.iter_mut().enumerate() {
            if in_zone != Some(z as u32) {
                set.sent_elsewhere(endpoint);
            }
        }
        let e = self.cfg.targets[endpoint as usize];
        if let (Some(node), Some(zone)) = (node, e.zone)
            && node != zone
        {
            self.nodes.cross_total += 1;
            if now >= self.window_start {
                self.nodes.cross_window += 1;
            }
        }
        self.meter_roll(now);
        call(ctx, e.actor, req, key.slot, e.endpoint);
    }

    /// The call at `key` finds no target: it fails here.
    fn no_target(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(f) = self.forwards.remove(key) else {
            return;
        };
        self.in_flight.decr(now);
        self.meter_roll(now);
        self.hour_connections.decr(now);
        self.calls.answered(false, now.since(f.arrived));
        reply(ctx, f.call, Outcome::Error);
    }
}

impl Component for LoadBalancer {
    type Timer = BalancerTimer;

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        self.meter_roll(now);
        self.meter.requests += 1.0;
        if self.faults.is_down() {
            refuse(ctx, &mut self.calls, call, Outcome::Unavailable);
            return;
        }
        let key = self.forwards.insert(Forward {
            call,
            arrived: now,
            target: None,
        });
        self.in_flight.incr(now);
        self.hour_connections.incr(now);
        if self.cfg.latency.is_constant() && self.cfg.latency.mean_secs() == 0.0 {
            self.forward(key, ctx);
        } else {
            let forward = BalancerTimer::Forward(key).into();
            schedule_drawn(ctx, &self.cfg.latency, &mut self.rng, forward);
        }
    }

    fn on_reply(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(f) = self.forwards.remove_slot(slot) else {
            return;
        };
        if let Some(target) = f.target {
            self.outstanding[target as usize] -= 1;
            self.routable.answered(target);
            for set in &mut self.nodes.sets {
                set.answered(target);
            }
        }
        self.in_flight.decr(now);
        self.meter_roll(now);
        self.hour_connections.decr(now);
        // A target that is down is the balancer's error (a 502), not an
        // outage of the balancer itself.
        let outcome = match outcome {
            Outcome::Ok => Outcome::Ok,
            Outcome::Error | Outcome::Throttled | Outcome::Unavailable => Outcome::Error,
        };
        self.calls.answered(outcome.is_ok(), now.since(f.arrived));
        reply(ctx, f.call, outcome);
    }

    fn on_timer(&mut self, timer: BalancerTimer, ctx: &mut Ctx<'_>) {
        match timer {
            BalancerTimer::Forward(key) => self.forward(key, ctx),
        }
    }

    fn on_fault(&mut self, index: u32, start: bool, _ctx: &mut Ctx<'_>) {
        self.faults.apply(index, start);
    }

    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.calls.start_window();
        self.in_flight.start_window(now);
        // Billing hours are counted from the start of the measured window.
        self.hour_connections.take_interval_mean(now);
        self.meter = HourMeter {
            hour_start: now,
            ..HourMeter::default()
        };
        self.nodes.cross_window = 0;
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        self.calls.sample(out);
        out.put(Metric::InFlight, self.in_flight.level() as f64);
        if self.cfg.zones > 1 {
            out.put(
                Metric::CrossZoneGb,
                self.cfg.pricing.cross_zone_gb(self.nodes.cross_total),
            );
        }
        let cost = if now > self.window_start {
            self.bill(now)
        } else {
            0.0
        };
        out.put(Metric::CostUsd, cost);
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        ComponentReport {
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: 0.0,
            mean_wait_ms: 0.0,
            max_queue: 0,
            cold_starts: 0,
            instances_max: 0,
            instance_hours: 0.0,
            cost_usd: self.bill(now),
            monthly_cost_usd: self.monthly_bill(now),
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests;
