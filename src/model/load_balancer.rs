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

use std::cmp::Reverse;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use priority_queue::PriorityQueue;
use rand::RngExt;

use super::faults::FaultState;
use super::requests::World;
use super::targets::TargetState;
use super::{Call, Component, Ctx, Msg, Outcome, reply};
use crate::catalog::{LbHourUsage, LbKind};
use crate::dist::Dist;
use crate::engine::{Actor, ActorId};
use crate::rng::StreamRng;
use crate::scenario::{LbType, Routing};
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, TimeAverage};
use crate::time::{SimDuration, SimTime};

const TIMER_FORWARD: u32 = 0;

/// Bytes an average request and its response put through the balancer, for
/// the processed-bytes LCU dimension. A modelling assumption, not a published
/// figure: small API requests with JSON responses.
pub const ASSUMED_BYTES_PER_REQUEST: f64 = 4096.0;

/// One routable target: an instance of a fleet, or a whole component.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Endpoint {
    /// The component.
    pub actor: ActorId,
    /// The instance within it, or [`super::ANY_ENDPOINT`].
    pub instance: u32,
    /// Relative weight for weighted routing (> 0).
    pub weight: f64,
    /// The availability zone of the instance (index), `None` for targets
    /// without zones (reached from every node, never across zones).
    pub zone: Option<u32>,
}

/// The settings a load balancer is built from.
#[derive(Clone, Debug)]
pub struct LoadBalancerConfig {
    /// Component name.
    pub name: String,
    /// ALB or NLB (pricing).
    pub lb_type: LbType,
    /// Routing policy.
    pub routing: Routing,
    /// The targets, in a fixed order.
    pub endpoints: Vec<Endpoint>,
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

/// A deterministic hasher for the indexed queue: std's `RandomState` is
/// seeded per process, and nothing random may touch results.
type FixedHasher = BuildHasherDefault<DefaultHasher>;

/// The least-outstanding index: targets ordered by fewest requests in flight,
/// then by the earliest last pick (so ties rotate like round robin).
type LeastOutstanding = PriorityQueue<u32, Reverse<(u32, u64)>, FixedHasher>;

/// A call on its way through the balancer.
#[derive(Clone, Copy, Debug)]
struct Forward {
    call: Call,
    arrived: SimTime,
    /// The chosen target (set once the latency has elapsed).
    endpoint: u32,
}

/// Per clock hour of the measured window, what the LCU price depends on.
#[derive(Debug, Default)]
struct HourMeter {
    hour_start: SimTime,
    requests: f64,
    done: Vec<LbHourUsage>,
}

/// The balancer's nodes, one per availability zone of its targets.
#[derive(Debug, Default)]
struct Nodes {
    /// The nodes clients reach (in DNS): zone up and, without cross-zone
    /// balancing, a routable target in the zone.
    up: Vec<u32>,
    /// Spreads clients evenly over the nodes in DNS.
    next: u64,
    /// Without cross-zone balancing, per node, the routable targets of its
    /// zone (and those without a zone), with cumulative weights.
    routable: Vec<Vec<u32>>,
    weights: Vec<Vec<f64>>,
    /// Per node, round robin position.
    picks: Vec<u64>,
    /// Requests sent to a target in another zone: since the window
    /// start, and since time zero.
    cross_window: u64,
    cross_total: u64,
}

/// An Application or Network Load Balancer.
#[derive(Debug)]
pub struct LoadBalancer {
    cfg: LoadBalancerConfig,
    rng: StreamRng,
    faults: FaultState,
    outstanding: Vec<u32>,
    least: LeastOutstanding,
    picks: u64,
    cumulative_weights: Vec<f64>,
    forwards: Slab<Forward>,
    in_flight: TimeAverage,
    hour_connections: TimeAverage,
    meter: HourMeter,
    window_start: SimTime,
    calls: CallStats,
    /// The registry generation the routable set was computed for.
    seen_generation: u64,
    /// Some target is not routable: routing goes by `routable`.
    restricted: bool,
    /// Per target, whether it may be chosen now.
    eligible: Vec<bool>,
    /// The targets that may be chosen now, in order.
    routable: Vec<u32>,
    /// Cumulative weights of `routable` (weighted routing).
    routable_weights: Vec<f64>,
    /// Per target, when its slow start ends (targets healthy from the
    /// start never ramp).
    ramp_until: Vec<SimTime>,
    /// The latest of `ramp_until`: before it, some target is ramping.
    ramp_end: SimTime,
    /// Scratch: cumulative ramped weights (kept to avoid allocating).
    ramp_weights: Vec<f64>,
    /// Zones: the nodes (unused with one zone).
    nodes: Nodes,
}

impl LoadBalancer {
    /// A balancer drawing latencies and random choices from `rng`.
    pub fn new(cfg: LoadBalancerConfig, rng: StreamRng, faults: FaultState) -> Self {
        let n = cfg.endpoints.len();
        let mut least = LeastOutstanding::with_capacity_and_hasher(n, FixedHasher::default());
        for i in 0..n as u32 {
            least.push(i, Reverse((0, u64::from(i))));
        }
        let mut acc = 0.0;
        let cumulative_weights = cfg
            .endpoints
            .iter()
            .map(|e| {
                acc += e.weight;
                acc
            })
            .collect();
        LoadBalancer {
            rng,
            faults,
            outstanding: vec![0; n],
            least,
            picks: n as u64,
            cumulative_weights,
            forwards: Slab::default(),
            in_flight: TimeAverage::default(),
            hour_connections: TimeAverage::default(),
            meter: HourMeter::default(),
            window_start: SimTime::ZERO,
            calls: CallStats::default(),
            seen_generation: 0,
            restricted: false,
            eligible: vec![true; n],
            routable: (0..n as u32).collect(),
            routable_weights: Vec::new(),
            ramp_until: vec![SimTime::ZERO; n],
            ramp_end: SimTime::ZERO,
            ramp_weights: Vec::new(),
            nodes: Nodes {
                up: (0..cfg.zones).collect(),
                picks: vec![0; cfg.zones as usize],
                routable: vec![Vec::new(); cfg.zones as usize],
                weights: vec![Vec::new(); cfg.zones as usize],
                ..Nodes::default()
            },
            cfg,
        }
    }

    /// Zones: which nodes are in DNS and, without cross-zone balancing,
    /// what each routes to.
    fn refresh_nodes(&mut self, world: &World) {
        let zones = self.cfg.zones;
        self.nodes.routable = vec![Vec::new(); zones as usize];
        self.nodes.weights = vec![Vec::new(); zones as usize];
        if !self.cfg.cross_zone {
            for &i in &self.routable {
                let e = &self.cfg.endpoints[i as usize];
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

    /// Without cross-zone balancing: the target node `node` picks among
    /// its zone's, by the routing policy (slow start does not apply).
    fn choose_in_zone(&mut self, node: u32) -> u32 {
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

    /// Re-reads which targets are routable from the registry at `now`.
    fn refresh(&mut self, world: &World, now: SimTime) {
        let first = self.seen_generation == 0;
        let before = std::mem::take(&mut self.eligible);
        self.seen_generation = world.targets.generation();
        let state = |e: &Endpoint| world.targets.state(e.actor, e.instance);
        let healthy: Vec<bool> = self
            .cfg
            .endpoints
            .iter()
            .map(|e| state(e).is_none_or(|s| s == TargetState::Healthy))
            .collect();
        self.eligible = if healthy.iter().any(|&h| h) {
            healthy
        } else {
            // Fail open: every registered target is unhealthy.
            self.cfg
                .endpoints
                .iter()
                .map(|e| state(e) == Some(TargetState::Unhealthy))
                .collect()
        };
        self.restricted = self.eligible.iter().any(|&e| !e);
        if self.cfg.slow_start > SimDuration::ZERO && !first {
            // Targets that just became routable start their slow start (the
            // first reading finds the group as it was before the run).
            for (i, (&now_ok, &was_ok)) in self.eligible.iter().zip(&before).enumerate() {
                if now_ok && !was_ok {
                    self.ramp_until[i] = now + self.cfg.slow_start;
                    self.ramp_end = self.ramp_end.max(self.ramp_until[i]);
                }
            }
        }
        self.routable.clear();
        self.routable_weights.clear();
        let mut acc = 0.0;
        for (i, &ok) in self.eligible.iter().enumerate() {
            if ok {
                self.routable.push(i as u32);
                acc += self.cfg.endpoints[i].weight;
                self.routable_weights.push(acc);
            }
        }
        if self.cfg.routing == Routing::LeastOutstanding {
            let picks = self.picks;
            for i in 0..self.eligible.len() as u32 {
                let present = self.least.get_priority(&i).is_some();
                if self.eligible[i as usize] && !present {
                    // A newcomer ranks by its requests in flight; among
                    // equals it is picked last, like the least recently picked.
                    self.least
                        .push(i, Reverse((self.outstanding[i as usize], picks)));
                } else if !self.eligible[i as usize] && present {
                    self.least.remove(&i);
                }
            }
        }
        if self.cfg.zones > 1 {
            self.refresh_nodes(world);
        }
    }

    /// Slow start: at random, each routable target weighted by its weight
    /// times its ramp (the share of its slow start elapsed, 1 once over).
    /// ELB ramps only while some healthy target is past its slow start.
    fn choose_ramped(&mut self, now: SimTime) -> u32 {
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
            acc += self.cfg.endpoints[i as usize].weight * r;
            self.ramp_weights.push(acc);
        }
        let x = self.rng.random_range(0.0..acc);
        let k = self.ramp_weights.partition_point(|&c| c <= x);
        self.routable[k.min(self.routable.len() - 1)]
    }

    /// Chooses among the routable targets when some are not.
    fn choose_restricted(&mut self) -> u32 {
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
    fn choose(&mut self) -> u32 {
        let n = self.cfg.endpoints.len() as u32;
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

    fn forward(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        if ctx.world.targets.generation() != self.seen_generation {
            self.refresh(ctx.world, now);
        }
        // Zones: the client reaches one of the nodes in DNS, in turn.
        let node = if self.cfg.zones > 1 {
            if self.nodes.up.is_empty() {
                self.no_target(key, ctx);
                return;
            }
            let k = (self.nodes.next % self.nodes.up.len() as u64) as usize;
            self.nodes.next += 1;
            Some(self.nodes.up[k])
        } else {
            None
        };
        let endpoint = if let Some(node) = node.filter(|_| !self.cfg.cross_zone) {
            if self.nodes.routable[node as usize].is_empty() {
                self.no_target(key, ctx);
                return;
            }
            self.choose_in_zone(node)
        } else if now < self.ramp_end && !self.routable.is_empty() {
            self.choose_ramped(now)
        } else if !self.restricted {
            self.choose()
        } else if self.routable.is_empty() {
            // No registered target: 503 at once.
            self.no_target(key, ctx);
            return;
        } else {
            self.choose_restricted()
        };
        let Some(f) = self.forwards.get_mut(key) else {
            return;
        };
        f.endpoint = endpoint;
        let req = f.call.req;
        self.outstanding[endpoint as usize] += 1;
        let e = self.cfg.endpoints[endpoint as usize];
        if let (Some(node), Some(zone)) = (node, e.zone)
            && node != zone
        {
            self.nodes.cross_total += 1;
            if now >= self.window_start {
                self.nodes.cross_window += 1;
            }
        }
        let me = ctx.me();
        self.meter_roll(now);
        ctx.send(
            e.actor,
            SimDuration::ZERO,
            Msg::Call(Call {
                req,
                reply_to: me,
                token: key.slot,
                endpoint: e.instance,
            }),
        );
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

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        self.meter_roll(now);
        self.meter.requests += 1.0;
        if self.faults.is_down() {
            self.calls.answered(false, SimDuration::ZERO);
            reply(ctx, call, Outcome::Unavailable);
            return;
        }
        let key = self.forwards.insert(Forward {
            call,
            arrived: now,
            endpoint: u32::MAX,
        });
        self.in_flight.incr(now);
        self.hour_connections.incr(now);
        if self.cfg.latency.is_constant() && self.cfg.latency.mean_secs() == 0.0 {
            self.forward(key, ctx);
        } else {
            let delay = self.cfg.latency.sample(&mut self.rng);
            ctx.schedule(
                delay,
                Msg::Timer {
                    tag: TIMER_FORWARD,
                    key,
                },
            );
        }
    }

    fn on_reply(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(f) = self
            .forwards
            .key_of(slot)
            .and_then(|k| self.forwards.remove(k))
        else {
            return;
        };
        self.outstanding[f.endpoint as usize] -= 1;
        if self.cfg.routing == Routing::LeastOutstanding {
            self.least
                .change_priority_by(&f.endpoint, |Reverse((o, _))| *o -= 1);
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

    /// Closes the metered hours that ended before `now`.
    fn meter_roll(&mut self, now: SimTime) {
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
    fn cross_zone_gb(requests: u64) -> f64 {
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
    fn bill(&mut self, now: SimTime) -> f64 {
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

impl Actor<Msg, World> for LoadBalancer {
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        match msg {
            Msg::Call(call) => self.on_call(call, ctx),
            Msg::Reply { token, outcome } => self.on_reply(token, outcome, ctx),
            Msg::Timer {
                tag: TIMER_FORWARD,
                key,
            } => self.forward(key, ctx),
            Msg::Fault { index, start } => {
                self.faults.apply(index, start);
            }
            Msg::Timer { .. }
            | Msg::NextArrival
            | Msg::Start
            | Msg::Redrive { .. }
            | Msg::InvokeBatch { .. } => {}
        }
    }
}

impl Component for LoadBalancer {
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
        out.put("in_flight", self.in_flight.level() as f64);
        if self.cfg.zones > 1 {
            out.put("cross_zone_gb", Self::cross_zone_gb(self.nodes.cross_total));
        }
        let cost = if now > self.window_start {
            self.bill(now)
        } else {
            0.0
        };
        out.put("cost_usd", cost);
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        ComponentReport {
            name: self.cfg.name.clone(),
            kind: "load_balancer".into(),
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: 0.0,
            mean_wait_ms: 0.0,
            max_queue: 0,
            cold_starts: 0,
            instances_max: 0,
            instance_hours: 0.0,
            cost_usd: self.bill(now),
        }
    }
}
