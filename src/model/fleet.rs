//! A fleet of identical servers, each with a number of workers and a FIFO
//! accept queue: an EC2 fleet (`instances` × `workers`) or a database
//! (one server with `capacity` workers).
//!
//! A call waits in its server's queue until a worker is free, holds the
//! worker for a service time, then makes its synchronous `calls` one after
//! another, still holding the worker, and replies. A full queue rejects the
//! call at once (HTTP 503, or a database's throttling error); an outage fails
//! new calls fast, and fails the calls it finds queued or in service.
//!
//! An EC2 fleet in an Auto Scaling group (or with instance failures) also
//! runs the instance lifecycle: launch → pending for its `boot_time` →
//! registered with the load balancers, routed to once its first health
//! check passes → in service → deregistered on scale-in and draining its
//! requests in flight for up to `deregistration_delay` → terminated. A
//! failed instance fails its work and every call routed to it until
//! `unhealthy_threshold` health checks have failed; then the group
//! terminates and replaces it. The fleet publishes each instance's state in
//! the world's [`Registry`](super::targets::Registry), which load balancers
//! route by and queue pollers poll by, and bills each launch per second
//! with the 60-second minimum. The group's decisions are in
//! [`super::autoscaling`].

use std::collections::VecDeque;

use rand::RngExt;

use super::autoscaling::{Capacity, Group};
use super::downstream::{Downstream, Progress};
use super::faults::FaultState;
use super::requests::World;
use super::targets::TargetState;
use super::{ANY_ENDPOINT, Call, Component, Ctx, Msg, Outcome, reply};
use crate::dist::Dist;
use crate::engine::{Actor, ActorId};
use crate::rng::StreamRng;
use crate::scenario::{AutoScalingSpec, LifecycleSpec, ScalingMetric, TerminationPolicy};
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};

const TIMER_SERVICE_DONE: u32 = 0;
const TIMER_SEND_RETRY: u32 = 1;
// Lifecycle timers: the key names the instance slot and its generation
// (a relaunch in the slot makes the old instance's timers stale).
const TIMER_BOOTED: u32 = 2;
const TIMER_HEALTHY: u32 = 3;
const TIMER_DRAIN_DEADLINE: u32 = 4;
const TIMER_FAIL: u32 = 5;
const TIMER_DETECTED: u32 = 6;
// Group timers.
const TIMER_PERIOD: u32 = 7;
const TIMER_DATAPOINT: u32 = 8;
const TIMER_SCHEDULED: u32 = 9;
// A Spot instance's interruption notice.
const TIMER_INTERRUPT: u32 = 10;

/// How a fleet is billed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FleetPricing {
    /// EC2: each instance per second, 60 s minimum [USD/h].
    Ec2 {
        /// What an on-demand instance costs, after any Savings Plan or
        /// Reserved discount [USD/h].
        hourly_usd: f64,
        /// What a Spot instance costs [USD/h].
        spot_hourly_usd: f64,
    },
    /// A database priced by the user: per hour and per million operations.
    Database {
        /// [USD/h] for the whole database.
        per_hour: f64,
        /// [USD per 1M operations].
        per_million: f64,
    },
}

/// The settings a fleet is built from.
#[derive(Clone, Debug)]
pub struct FleetConfig {
    /// Component name.
    pub name: String,
    /// `ec2` or `database`.
    pub kind: &'static str,
    /// Number of servers.
    pub instances: u32,
    /// Workers per server.
    pub workers: u32,
    /// Queue bound per server.
    pub queue_limit: Option<u32>,
    /// Work per call.
    pub service_time: Dist,
    /// Calls and sends after the work.
    pub downstream: Downstream,
    /// Billing.
    pub pricing: FleetPricing,
    /// The Auto Scaling group and instance lifecycle; `None` for a fixed
    /// fleet, whose instances are in service all along.
    pub scaling: Option<ScalingConfig>,
}

/// How an EC2 fleet's instances come and go.
#[derive(Clone, Debug)]
pub struct ScalingConfig {
    /// The group (a fixed fleet that replaces failed instances is a group
    /// without a policy whose min, max and desired are its size).
    pub group: AutoScalingSpec,
    /// Boot, health checks, draining, failures.
    pub lifecycle: LifecycleSpec,
    /// Instance slots: the most instances the group may ever have, twice
    /// (room for as many draining). Load balancers have one target per slot.
    pub slots: u32,
    /// A load balancer routes to the fleet: instances wait for their first
    /// health check before they serve.
    pub load_balanced: bool,
    /// The queue whose backlog `backlog_per_instance` divides.
    pub backlog_queue: Option<ActorId>,
    /// Some instances run on Spot.
    pub spot: Option<SpotConfig>,
    /// The availability zones, by name (one unnamed zone when the fleet
    /// has no `zones`). Slot `i` is in zone `i % zones.len()`.
    pub zones: Vec<String>,
    /// An Auto Scaling group: it launches the capacity a zone outage took
    /// into the other zones, and rebalances when the zone returns. A fixed
    /// fleet keeps each zone's share in its zone.
    pub rebalance: bool,
}

impl ScalingConfig {
    /// How many zones (at least one).
    fn zone_count(&self) -> u32 {
        (self.zones.len() as u32).max(1)
    }
}

/// Metric names live as long as the program: one leaked string per
/// distinct zone name ever seen (a few bytes each).
fn zone_metric(zone: &str) -> &'static str {
    use std::collections::HashSet;
    use std::sync::{Mutex, OnceLock};
    static NAMES: OnceLock<Mutex<HashSet<&'static str>>> = OnceLock::new();
    let name = format!("instances_{zone}");
    let mut names = NAMES
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if let Some(&n) = names.get(name.as_str()) {
        return n;
    }
    let leaked: &'static str = Box::leak(name.into_boxed_str());
    names.insert(leaked);
    leaked
}

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

/// Where an instance slot is in the lifecycle.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
enum Life {
    /// Serving (every instance of a fixed fleet).
    #[default]
    InService,
    /// No instance.
    Free,
    /// Launched, booting.
    Booting,
    /// Running and registered, waiting for its first passing health check.
    Registering,
    /// Deregistered, finishing its work in flight.
    Draining,
}

#[derive(Debug, Default)]
struct Server {
    busy: u32,
    queue: VecDeque<Key>,
    life: Life,
    /// Crashed: fails what it holds and what reaches it.
    failed: bool,
    /// A Spot instance (billed at the Spot price, may be interrupted).
    spot: bool,
    /// Its interruption notice came: it drains until reclaimed.
    interrupted: bool,
    /// Bumped at every launch into the slot.
    generation: u32,
    /// A rebalancing launch: the instance (slot, generation) it replaces
    /// once it is in service.
    replaces: Option<(u32, u32)>,
    launched: SimTime,
    /// Its metrics count in the group's aggregate from then on.
    warm_from: SimTime,
    /// Its application answers from then on; until then it keeps its CPU busy.
    app_up: SimTime,
    /// Worker-nanoseconds busy since `area_from` (for the CPU datapoints).
    busy_area: u128,
    busy_last: SimTime,
    area_from: SimTime,
}

impl Server {
    /// Accounts the busy workers up to `now` (before `busy` changes).
    #[inline]
    fn touch(&mut self, now: SimTime) {
        self.busy_area += u128::from(self.busy) * u128::from(now.since(self.busy_last).0);
        self.busy_last = now;
    }

    /// It takes calls: booting and free slots do not, nor a crashed instance.
    fn serves(&self) -> bool {
        !self.failed
            && matches!(
                self.life,
                Life::InService | Life::Registering | Life::Draining
            )
    }

    /// Counted by the group as one of its instances.
    fn live(&self) -> bool {
        matches!(
            self.life,
            Life::Booting | Life::Registering | Life::InService
        )
    }
}

/// The lifecycle state of a fleet in a group.
#[derive(Debug)]
struct Scaling {
    cfg: ScalingConfig,
    /// Boot times, failures, health check phases, terminations.
    rng: StreamRng,
    group: Group,
    me: ActorId,
    /// Datapoints waiting out their publication delay, with the instances
    /// each was measured on.
    datapoints: VecDeque<(Option<f64>, u32)>,
    period_start: SimTime,
    /// Calls that reached the fleet this period (requests per target).
    period_calls: u64,
    in_service: TimeAverage,
    /// Workers of the instances that serve (in service or draining).
    capacity: TimeAverage,
    events: u64,
    /// Billed seconds of terminated launches, on demand and Spot: since
    /// time zero, and in the measured window.
    ended_secs: [f64; 2],
    ended_window_secs: [f64; 2],
    window_start: SimTime,
    /// Spot interruption notices this interval.
    interruptions: u64,
    /// Per zone, the zone outages in force (nested outages count).
    zone_down: Vec<u32>,
    /// Per zone, the metric name of its instances in service.
    zone_metrics: Vec<&'static str>,
}

#[derive(Clone, Copy, Debug)]
struct Job {
    call: Call,
    arrived: SimTime,
    server: u32,
    /// Where the job is among its calls and sends.
    progress: Progress,
    /// An outage began while the job held a worker: it ends in an error.
    doomed: bool,
}

/// An EC2 fleet or a database.
#[derive(Debug)]
pub struct Fleet {
    cfg: FleetConfig,
    rng: StreamRng,
    faults: FaultState,
    servers: Vec<Server>,
    jobs: Slab<Job>,
    round_robin: u32,
    busy: TimeAverage,
    queued: TimeAverage,
    calls: CallStats,
    waits: MeanDuration,
    window_start: SimTime,
    /// Calls answered since time zero (for the cumulative cost series).
    handled_total: u64,
    scaling: Option<Box<Scaling>>,
}

impl Fleet {
    /// A fleet drawing service times from `rng`, subject to `faults`; a
    /// scaling fleet draws its lifecycle's chances from `lifecycle_rng`, so
    /// that its service times stay those of a fixed fleet (common random
    /// numbers across designs).
    pub fn new(
        mut cfg: FleetConfig,
        rng: StreamRng,
        lifecycle_rng: StreamRng,
        faults: FaultState,
    ) -> Self {
        let scaling = cfg.scaling.take().map(|sc| {
            let zones = sc.zone_count() as usize;
            let zone_metrics = if sc.zones.len() > 1 {
                sc.zones.iter().map(|z| zone_metric(z)).collect()
            } else {
                Vec::new()
            };
            Box::new(Scaling {
                zone_down: vec![0; zones],
                zone_metrics,
                group: Group::new(sc.group.clone()),
                cfg: sc,
                rng: lifecycle_rng,
                me: ActorId(0),
                datapoints: VecDeque::new(),
                period_start: SimTime::ZERO,
                period_calls: 0,
                in_service: TimeAverage::default(),
                capacity: TimeAverage::default(),
                events: 0,
                ended_secs: [0.0; 2],
                ended_window_secs: [0.0; 2],
                window_start: SimTime::ZERO,
                interruptions: 0,
            })
        });
        let n = scaling.as_ref().map_or(cfg.instances, |sc| sc.cfg.slots);
        let servers = (0..n)
            .map(|_| Server {
                life: if scaling.is_some() {
                    Life::Free
                } else {
                    Life::InService
                },
                ..Server::default()
            })
            .collect();
        Fleet {
            cfg,
            rng,
            faults,
            servers,
            jobs: Slab::default(),
            round_robin: 0,
            busy: TimeAverage::default(),
            queued: TimeAverage::default(),
            calls: CallStats::default(),
            waits: MeanDuration::default(),
            window_start: SimTime::ZERO,
            handled_total: 0,
            scaling,
        }
    }

    fn capacity(&self) -> f64 {
        f64::from(self.cfg.instances) * f64::from(self.cfg.workers)
    }

    /// Billed instance-hours from `from` to `now`.
    fn instance_hours(&self, from: SimTime, now: SimTime) -> f64 {
        let [on_demand, spot] = self.billed_hours(from, now);
        on_demand + spot
    }

    /// Billed instance-hours from `from` to `now`, on demand and Spot: a
    /// fixed fleet's instances all ran the whole span; a group's launches
    /// each count per second, with the 60-second minimum for those
    /// launched in the span.
    fn billed_hours(&self, from: SimTime, now: SimTime) -> [f64; 2] {
        let catalog = crate::catalog::builtin();
        let Some(sc) = &self.scaling else {
            let span = catalog.ec2_billed(now.since(from), true);
            return [
                f64::from(self.cfg.instances) * span.as_secs_f64() / 3600.0,
                0.0,
            ];
        };
        let mut secs = if from == SimTime::ZERO {
            sc.ended_secs
        } else {
            sc.ended_window_secs
        };
        for s in &self.servers {
            if s.life != Life::Free {
                secs[usize::from(s.spot)] += billed_secs(s.launched, now, from);
            }
        }
        [secs[0] / 3600.0, secs[1] / 3600.0]
    }

    /// What the fleet costs for running from `from` to `now` and serving
    /// `operations` [USD].
    fn cost(&self, from: SimTime, now: SimTime, operations: u64) -> f64 {
        let span = now.since(from);
        match self.cfg.pricing {
            FleetPricing::Ec2 {
                hourly_usd,
                spot_hourly_usd,
            } if self.scaling.is_some() => {
                let [on_demand, spot] = self.billed_hours(from, now);
                hourly_usd * on_demand + spot_hourly_usd * spot
            }
            FleetPricing::Ec2 { hourly_usd, .. } => {
                f64::from(self.cfg.instances) * crate::catalog::builtin().ec2_cost(hourly_usd, span)
            }
            FleetPricing::Database {
                per_hour,
                per_million,
            } => per_hour * span.as_secs_f64() / 3600.0 + per_million * operations as f64 / 1e6,
        }
    }

    fn answer(&mut self, call: Call, outcome: Outcome, arrived: SimTime, ctx: &mut Ctx<'_>) {
        self.handled_total += 1;
        self.calls
            .answered(outcome.is_ok(), ctx.now().since(arrived));
        reply(ctx, call, outcome);
    }

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            self.answer(call, Outcome::Unavailable, now, ctx);
            return;
        }
        let server = if let Some(sc) = &mut self.scaling {
            sc.period_calls += 1;
            match self.pick_serving(call.endpoint) {
                Some(s) => s,
                None => {
                    // Nothing runs there (a crashed or terminated instance,
                    // or no instance at all): the connection is refused.
                    self.answer(call, Outcome::Unavailable, now, ctx);
                    return;
                }
            }
        } else {
            let n = self.cfg.instances;
            if call.endpoint != ANY_ENDPOINT && call.endpoint < n {
                call.endpoint
            } else {
                self.round_robin = (self.round_robin + 1) % n;
                self.round_robin
            }
        };
        let s = &self.servers[server as usize];
        if s.busy < self.cfg.workers {
            let job = self.new_job(call, now, server);
            self.start(job, ctx);
        } else if self
            .cfg
            .queue_limit
            .is_some_and(|limit| s.queue.len() >= limit as usize)
        {
            self.answer(call, Outcome::Error, now, ctx);
        } else {
            let job = self.new_job(call, now, server);
            self.servers[server as usize].queue.push_back(job);
            self.queued.incr(now);
        }
    }

    fn new_job(&mut self, call: Call, arrived: SimTime, server: u32) -> Key {
        self.jobs.insert(Job {
            call,
            arrived,
            server,
            progress: Progress::default(),
            doomed: false,
        })
    }

    fn start(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(job) = self.jobs.get(key) else {
            return;
        };
        let server = &mut self.servers[job.server as usize];
        server.touch(now);
        server.busy += 1;
        self.busy.incr(now);
        if now >= self.window_start {
            self.waits.record(now.since(job.arrived));
        }
        let mut service = self.cfg.service_time.sample(&mut self.rng);
        let factor = self.faults.slowdown();
        if factor != 1.0 {
            service = service.mul_f64(factor);
        }
        ctx.schedule(
            service,
            Msg::Timer {
                tag: TIMER_SERVICE_DONE,
                key,
            },
        );
    }

    /// The job's work or one of its calls or sends is done (`ok`): go on
    /// downstream, or finish.
    fn advance(&mut self, key: Key, ok: bool, ctx: &mut Ctx<'_>) {
        let Some(job) = self.jobs.get_mut(key) else {
            return;
        };
        if job.doomed {
            self.finish(key, Outcome::Unavailable, ctx);
            return;
        }
        let req = job.call.req;
        let retry = TIMER_SEND_RETRY;
        let end =
            self.cfg
                .downstream
                .after(&mut job.progress, ok, req, key, retry, &mut self.rng, ctx);
        if let Some(outcome) = end {
            self.finish(key, outcome, ctx);
        }
    }

    fn retry_send(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        if let Some(job) = self.jobs.get_mut(key) {
            let req = job.call.req;
            self.cfg
                .downstream
                .issue(&mut job.progress, req, key.slot, ctx);
        }
    }

    fn finish(&mut self, key: Key, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(job) = self.jobs.remove(key) else {
            return;
        };
        self.answer(job.call, outcome, job.arrived, ctx);
        self.busy.decr(now);
        let server = &mut self.servers[job.server as usize];
        server.touch(now);
        server.busy -= 1;
        if let Some(next) = server.queue.pop_front() {
            self.queued.decr(now);
            self.start(next, ctx);
        } else if server.life == Life::Draining && server.busy == 0 {
            // Drained early: nothing is in flight any more.
            self.terminate(job.server, ctx);
            self.reconcile(ctx);
        }
    }

    /// An outage began: every queued call fails now, every call in service
    /// fails when its worker lets go.
    fn fail_held_work(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        for s in 0..self.servers.len() {
            while let Some(key) = self.servers[s].queue.pop_front() {
                self.queued.decr(now);
                if let Some(job) = self.jobs.remove(key) {
                    self.answer(job.call, Outcome::Unavailable, job.arrived, ctx);
                }
            }
        }
        for job in self.jobs.values_mut() {
            job.doomed = true;
        }
    }
}

/// Zone `zone`'s share of `desired` instances spread round robin over
/// `zones` zones.
fn zone_share(desired: u32, zones: u32, zone: u32) -> u32 {
    desired / zones + u32::from(zone < desired % zones)
}

/// Billed seconds of a launch at `launched` that ran until `end`, counted
/// from `from` on (the minimum applies when it launched then or later).
fn billed_secs(launched: SimTime, end: SimTime, from: SimTime) -> f64 {
    let catalog = crate::catalog::builtin();
    if end <= from && launched < from {
        return 0.0;
    }
    let (start, minimum) = if launched >= from {
        (launched, true)
    } else {
        (from, false)
    };
    catalog.ec2_billed(end.since(start), minimum).as_secs_f64()
}

fn slot_key(slot: u32, generation: u32) -> Key {
    Key { slot, generation }
}

/// The lifecycle of a fleet in a group. Every method here runs only when
/// `self.scaling` is set.
impl Fleet {
    fn sc(&mut self) -> &mut Scaling {
        self.scaling.as_mut().expect("a scaling fleet")
    }

    fn lifecycle_timer(&self, tag: u32, server: u32, delay: SimDuration, ctx: &mut Ctx<'_>) {
        let generation = self.servers[server as usize].generation;
        ctx.schedule(
            delay,
            Msg::Timer {
                tag,
                key: slot_key(server, generation),
            },
        );
    }

    /// The slot of a lifecycle timer, if the instance it was set for still
    /// occupies it.
    fn current(&self, key: Key) -> Option<u32> {
        let s = self.servers.get(key.slot as usize)?;
        (s.generation == key.generation && s.life != Life::Free).then_some(key.slot)
    }

    fn publish(&self, server: u32, state: TargetState, ctx: &mut Ctx<'_>) {
        if let Some(sc) = &self.scaling {
            ctx.world.targets.publish(sc.me, server, state);
        }
    }

    /// The instance a call goes to: the chosen one if it serves, else (for
    /// callers that choose none) the next serving one in turn.
    fn pick_serving(&mut self, endpoint: u32) -> Option<u32> {
        let n = self.servers.len() as u32;
        if endpoint != ANY_ENDPOINT {
            return (endpoint < n && self.servers[endpoint as usize].serves()).then_some(endpoint);
        }
        for _ in 0..n {
            self.round_robin = (self.round_robin + 1) % n;
            let s = &self.servers[self.round_robin as usize];
            if s.serves() && s.life != Life::Draining {
                return Some(self.round_robin);
            }
        }
        None
    }

    /// Time zero: the initial desired capacity is in service, warm and
    /// registered (the group existed before the run); the group's clocks start.
    fn start_group(&mut self, ctx: &mut Ctx<'_>) {
        let me = ctx.me();
        let now = ctx.now();
        let workers = self.cfg.workers;
        let sc = self.sc();
        sc.me = me;
        let desired = sc.group.desired;
        let period = sc.group.spec().period;
        let actions: Vec<SimTime> = sc.group.spec().scheduled.iter().map(|a| a.at).collect();
        for i in 0..desired {
            let spot = self.next_is_spot();
            let s = &mut self.servers[i as usize];
            s.spot = spot;
            s.life = Life::InService;
            s.launched = now;
            s.warm_from = now;
            s.busy_last = now;
            s.area_from = now;
            self.publish(i, TargetState::Healthy, ctx);
            self.schedule_failure(i, ctx);
            self.schedule_interruption(i, ctx);
        }
        let sc = self.sc();
        sc.in_service.set(now, u64::from(desired));
        sc.capacity.set(now, u64::from(desired * workers));
        ctx.schedule(
            period,
            Msg::Timer {
                tag: TIMER_PERIOD,
                key: slot_key(0, 0),
            },
        );
        for (i, at) in actions.into_iter().enumerate() {
            ctx.send_at(
                me,
                at,
                Msg::Timer {
                    tag: TIMER_SCHEDULED,
                    key: slot_key(i as u32, 0),
                },
            );
        }
    }

    fn schedule_failure(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let sc = self.sc();
        if let Some(mtbf) = sc.cfg.lifecycle.mtbf {
            // Exponential lifetimes: failures without memory, at rate 1/mtbf.
            let u: f64 = sc.rng.random_range(0.0..1.0);
            let life = mtbf.mul_f64(-(1.0 - u).ln());
            self.lifecycle_timer(TIMER_FAIL, server, life, ctx);
        }
    }

    /// A Spot instance's interruption: exponential lifetimes at the band's
    /// rate, drawn from the Spot stream.
    fn schedule_interruption(&mut self, server: u32, ctx: &mut Ctx<'_>) {
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
        self.lifecycle_timer(TIMER_INTERRUPT, server, life, ctx);
    }

    /// Whether the next launch runs on Spot: the group's first
    /// `on_demand_base` instances are on demand, and of those above the
    /// base, `spot_percent` (the on-demand share rounded up) run on Spot.
    fn next_is_spot(&self) -> bool {
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
    fn interrupt(&mut self, server: u32, ctx: &mut Ctx<'_>) {
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
            Life::Draining => self.lifecycle_timer(TIMER_DRAIN_DEADLINE, server, notice, ctx),
            Life::Booting => self.terminate(server, ctx),
            Life::Free => {}
        }
        self.reconcile(ctx);
    }

    /// Launches or terminates instances until the group has its desired
    /// capacity (launches wait for a free slot if every slot is taken).
    fn reconcile(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let desired = self.sc().group.desired;
        // Without capacity rebalancing an interrupted instance is replaced
        // only once it is gone; a rebalancing launch (zones) counts once it
        // has replaced its instance.
        let waits = !self.sc().cfg.spot.as_ref().is_some_and(|p| p.rebalance);
        let live = self
            .servers
            .iter()
            .filter(|s| {
                (s.live() && s.replaces.is_none())
                    || (waits && s.interrupted && s.life == Life::Draining)
            })
            .count() as u32;
        if live < desired && self.sc().cfg.zone_count() > 1 {
            for _ in live..desired {
                let Some(slot) = self.zoned_free_slot() else {
                    break;
                };
                self.launch(slot, now, ctx);
            }
        } else if live < desired {
            let mut missing = desired - live;
            for i in 0..self.servers.len() {
                if missing == 0 {
                    break;
                }
                let s = &self.servers[i];
                // A slot still finishing the doomed work of a crashed
                // instance is not reused yet.
                if s.life == Life::Free && s.busy == 0 && s.queue.is_empty() {
                    self.launch(i as u32, now, ctx);
                    missing -= 1;
                }
            }
        } else if live > desired {
            for _ in desired..live {
                let Some(victim) = self.victim() else {
                    break;
                };
                match self.servers[victim as usize].life {
                    Life::InService => self.deregister(victim, ctx),
                    _ => self.terminate(victim, ctx),
                }
            }
        }
    }

    /// The zone of instance slot `server`.
    fn zone(&self, server: u32) -> u32 {
        self.scaling
            .as_ref()
            .map_or(0, |sc| server % sc.cfg.zone_count())
    }

    /// Per zone, the live instances (rebalancing launches included,
    /// instances they are replacing not).
    fn zone_counts(&self) -> Vec<u32> {
        let zones = self.scaling.as_ref().map_or(1, |sc| sc.cfg.zone_count());
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
    fn zoned_free_slot(&self) -> Option<u32> {
        let sc = self.scaling.as_ref()?;
        let zones = sc.cfg.zone_count();
        let desired = sc.group.desired;
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
    fn rebalance(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        loop {
            let counts = self.zone_counts();
            let sc = self.sc();
            let up: Vec<u32> = (0..sc.cfg.zone_count())
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
    fn zone_outage(&mut self, zone: u32, start: bool, ctx: &mut Ctx<'_>) {
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

    /// The instance a scale-in terminates, by the termination policy (in
    /// a zoned fleet, among those of the zone with the most instances).
    fn victim(&mut self) -> Option<u32> {
        let policy = self.sc().group.spec().termination;
        let mut live: Vec<u32> = (0..self.servers.len() as u32)
            .filter(|&i| self.servers[i as usize].live())
            .collect();
        if self.sc().cfg.zone_count() > 1 {
            let counts = self.zone_counts();
            live.retain(|&i| self.servers[i as usize].replaces.is_none());
            let fullest = live
                .iter()
                .map(|&i| self.zone(i))
                .max_by_key(|&z| (counts[z as usize], u32::MAX - z));
            if let Some(z) = fullest {
                live.retain(|&i| self.zone(i) == z);
            }
        }
        if live.is_empty() {
            return None;
        }
        let launched = |i: &u32| (self.servers[*i as usize].launched, *i);
        match policy {
            TerminationPolicy::OldestInstance => live.iter().copied().min_by_key(launched),
            TerminationPolicy::NewestInstance => live.iter().copied().max_by_key(launched),
            TerminationPolicy::Default => {
                let k = self.sc().rng.random_range(0..live.len());
                Some(live[k])
            }
        }
    }

    fn launch(&mut self, server: u32, now: SimTime, ctx: &mut Ctx<'_>) {
        let spot = self.next_is_spot();
        let s = &mut self.servers[server as usize];
        s.life = Life::Booting;
        s.spot = spot;
        s.interrupted = false;
        s.replaces = None;
        s.failed = false;
        s.generation = s.generation.wrapping_add(1);
        s.launched = now;
        let sc = self.sc();
        let boot = sc.cfg.lifecycle.boot_time.sample(&mut sc.rng);
        self.lifecycle_timer(TIMER_BOOTED, server, boot, ctx);
        self.schedule_interruption(server, ctx);
    }

    fn booted(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        if self.servers[server as usize].life != Life::Booting {
            return;
        }
        let now = ctx.now();
        let load_balanced = self.sc().cfg.load_balanced;
        let sc = self.sc();
        // Running: in service for the group, whose warm-up counts from
        // now, though the application may still be starting and nothing
        // reaches it until it answers its first health check. A warm-up
        // shorter than that start lets idle instances into the CPU average.
        let warm_from = now + sc.group.spec().warmup;
        let start = sc.cfg.lifecycle.start_time.sample(&mut sc.rng);
        let delay = if load_balanced {
            // Health checks begin at a phase of their own; the first that
            // finds the application up makes the target healthy.
            let interval = sc.cfg.lifecycle.health_check.interval;
            let phase = interval.mul_f64(sc.rng.random_range(0.0..1.0));
            let checks = start.0.saturating_sub(phase.0).div_ceil(interval.0.max(1));
            phase + SimDuration(checks * interval.0)
        } else {
            start
        };
        let s = &mut self.servers[server as usize];
        s.life = Life::Registering;
        s.warm_from = warm_from;
        s.app_up = now + start;
        s.touch(now);
        s.busy_area = 0;
        s.area_from = now;
        if load_balanced {
            self.publish(server, TargetState::Initial, ctx);
        }
        self.lifecycle_timer(TIMER_HEALTHY, server, delay, ctx);
    }

    fn enter_service(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u64::from(self.cfg.workers);
        let s = &mut self.servers[server as usize];
        if s.failed || s.life != Life::Registering {
            return;
        }
        s.life = Life::InService;
        let sc = self.sc();
        let level = sc.in_service.level();
        sc.in_service.set(now, level + 1);
        let cap = sc.capacity.level();
        sc.capacity.set(now, cap + workers);
        self.publish(server, TargetState::Healthy, ctx);
        self.schedule_failure(server, ctx);
        if let Some((old, generation)) = self.servers[server as usize].replaces.take() {
            let o = &self.servers[old as usize];
            if o.generation == generation && o.life == Life::InService && !o.failed {
                self.deregister(old, ctx);
            }
        }
    }

    /// Scale-in: the instance stops taking new work and finishes what it
    /// holds, within the deregistration delay.
    fn deregister(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let delay = self.sc().cfg.lifecycle.deregistration_delay;
        self.deregister_within(server, delay, ctx);
    }

    /// The instance stops taking new work and finishes what it holds
    /// within `delay`.
    fn deregister_within(&mut self, server: u32, delay: SimDuration, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u64::from(self.cfg.workers);
        let s = &mut self.servers[server as usize];
        let was = s.life;
        s.life = Life::Draining;
        let idle = s.busy == 0 && s.queue.is_empty();
        let sc = self.sc();
        if was == Life::InService {
            let level = sc.in_service.level();
            sc.in_service.set(now, level.saturating_sub(1));
        } else {
            // A draining instance's workers count as serving until it is
            // terminated (an in-service one's already do).
            let cap = sc.capacity.level();
            sc.capacity.set(now, cap + workers);
        }
        self.publish(server, TargetState::Draining, ctx);
        if idle {
            self.terminate(server, ctx);
        } else {
            self.lifecycle_timer(TIMER_DRAIN_DEADLINE, server, delay, ctx);
        }
    }

    /// The deregistration delay is over: what is still in flight fails.
    fn drain_deadline(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        if self.servers[server as usize].life == Life::Draining {
            self.fail_server_work(server, ctx);
            self.terminate(server, ctx);
            self.reconcile(ctx);
        }
    }

    /// The instance crashes: its work fails, and so does every call routed
    /// to it until the health checks notice.
    fn fail(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let s = &mut self.servers[server as usize];
        if s.failed || !s.serves() {
            return;
        }
        s.failed = true;
        self.fail_server_work(server, ctx);
        let sc = self.sc();
        let hc = sc.cfg.lifecycle.health_check;
        // The next check comes at a uniform phase of the interval; the
        // target is unhealthy when the `unhealthy_threshold`-th failing
        // check has timed out.
        let phase = hc.interval.mul_f64(sc.rng.random_range(0.0..1.0));
        let more = SimDuration(hc.interval.0 * u64::from(hc.unhealthy_threshold - 1));
        self.lifecycle_timer(TIMER_DETECTED, server, phase + more + hc.timeout, ctx);
    }

    /// The health checks found the crash: the group terminates the
    /// instance and launches a replacement.
    fn detected(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        self.publish(server, TargetState::Unhealthy, ctx);
        let life = self.servers[server as usize].life;
        if life == Life::InService {
            let now = ctx.now();
            let sc = self.sc();
            let level = sc.in_service.level();
            sc.in_service.set(now, level.saturating_sub(1));
        }
        self.terminate(server, ctx);
        self.reconcile(ctx);
    }

    /// Queued calls of `server` fail now; those in service fail when their
    /// worker lets go.
    fn fail_server_work(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        while let Some(key) = self.servers[server as usize].queue.pop_front() {
            self.queued.decr(now);
            if let Some(job) = self.jobs.remove(key) {
                self.answer(job.call, Outcome::Unavailable, job.arrived, ctx);
            }
        }
        for job in self.jobs.values_mut() {
            if job.server == server {
                job.doomed = true;
            }
        }
    }

    /// The instance is gone: its bill closes and the slot is free.
    fn terminate(&mut self, server: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u64::from(self.cfg.workers);
        let s = &mut self.servers[server as usize];
        let was = s.life;
        let launched = s.launched;
        let bill = usize::from(s.spot);
        s.life = Life::Free;
        s.failed = false;
        s.interrupted = false;
        s.replaces = None;
        s.generation = s.generation.wrapping_add(1);
        let sc = self.sc();
        sc.ended_secs[bill] += billed_secs(launched, now, SimTime::ZERO);
        if now > sc.window_start {
            sc.ended_window_secs[bill] += billed_secs(launched, now, sc.window_start);
        }
        if matches!(was, Life::InService | Life::Draining) {
            let cap = sc.capacity.level();
            sc.capacity.set(now, cap.saturating_sub(workers));
        }
        self.publish(server, TargetState::Absent, ctx);
    }

    /// What the group counts when a datapoint is evaluated at `now`.
    fn group_capacity(&self, now: SimTime) -> Capacity {
        let mut c = Capacity::default();
        for s in &self.servers {
            match s.life {
                Life::InService | Life::Registering => {
                    c.in_service += u32::from(s.life == Life::InService);
                    if s.warm_from > now {
                        c.scaling_out = true;
                    } else if !s.failed {
                        c.warm += 1;
                    }
                }
                Life::Booting => c.scaling_out = true,
                Life::Free | Life::Draining => {}
            }
        }
        c
    }

    /// A metric period ends: its datapoint is measured now and published
    /// after the metric delay.
    fn period_end(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let workers = u128::from(self.cfg.workers);
        let metric = self.sc().group.metric();
        let start = self.sc().period_start;
        // CPU: the mean over the instances past their warm-up of each one's
        // busy share of the period (of the part it was in service).
        let mut cpu_sum = 0.0;
        let mut cpu_n = 0u32;
        let mut in_service = 0u32;
        for s in &mut self.servers {
            s.touch(now);
            if s.life == Life::InService {
                in_service += 1;
            }
            // The group sees every running instance, serving or not yet.
            if matches!(s.life, Life::InService | Life::Registering) {
                let from = s.area_from.max(start);
                if !s.failed && s.warm_from <= now && now > from {
                    // An application that is starting (loading, compiling,
                    // filling caches) keeps the CPU busy: what a warm-up
                    // shorter than the start lets into the metric.
                    let starting = s.app_up.min(now).0.saturating_sub(from.0);
                    let span = u128::from(now.since(from).0);
                    let busy = s.busy_area as f64 / workers as f64 + starting as f64;
                    cpu_sum += (busy / span as f64).min(1.0);
                    cpu_n += 1;
                }
            }
            s.busy_area = 0;
            s.area_from = now;
        }
        let per_instance = f64::from(in_service.max(1));
        let measured = if metric == Some(ScalingMetric::Cpu) {
            cpu_n
        } else {
            in_service.max(1)
        };
        let sc = self.sc();
        let value = match metric {
            None => None,
            Some(ScalingMetric::Cpu) => (cpu_n > 0).then(|| 100.0 * cpu_sum / f64::from(cpu_n)),
            Some(ScalingMetric::RequestsPerTarget) => Some(sc.period_calls as f64 / per_instance),
            Some(ScalingMetric::BacklogPerInstance) => {
                let backlog = sc
                    .cfg
                    .backlog_queue
                    .map_or(0, |q| ctx.world.targets.backlog(q));
                Some(backlog as f64 / per_instance)
            }
        };
        sc.period_calls = 0;
        sc.period_start = now;
        let spec = sc.group.spec();
        let (period, delay) = (spec.period, spec.metric_delay);
        if metric.is_some() {
            sc.datapoints.push_back((value, measured));
            ctx.schedule(
                delay,
                Msg::Timer {
                    tag: TIMER_DATAPOINT,
                    key: slot_key(0, 0),
                },
            );
        }
        ctx.schedule(
            period,
            Msg::Timer {
                tag: TIMER_PERIOD,
                key: slot_key(0, 0),
            },
        );
    }

    /// The oldest waiting datapoint reaches the alarms.
    fn datapoint(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let cap = self.group_capacity(now);
        let sc = self.sc();
        let Some((value, measured)) = sc.datapoints.pop_front() else {
            return;
        };
        if sc.group.evaluate(value, measured, cap, now) {
            sc.events += 1;
            self.reconcile(ctx);
        }
    }

    fn scheduled_action(&mut self, index: u32, ctx: &mut Ctx<'_>) {
        let sc = self.sc();
        let Some(action) = sc.group.spec().scheduled.get(index as usize).copied() else {
            return;
        };
        if sc.group.scheduled(&action) {
            sc.events += 1;
        }
        self.reconcile(ctx);
    }

    fn lifecycle_event(&mut self, tag: u32, key: Key, ctx: &mut Ctx<'_>) {
        match tag {
            TIMER_PERIOD => self.period_end(ctx),
            TIMER_DATAPOINT => self.datapoint(ctx),
            TIMER_SCHEDULED => self.scheduled_action(key.slot, ctx),
            _ => {
                let Some(server) = self.current(key) else {
                    return;
                };
                match tag {
                    TIMER_BOOTED => self.booted(server, ctx),
                    TIMER_HEALTHY => self.enter_service(server, ctx),
                    TIMER_DRAIN_DEADLINE => self.drain_deadline(server, ctx),
                    TIMER_FAIL => self.fail(server, ctx),
                    TIMER_DETECTED => self.detected(server, ctx),
                    TIMER_INTERRUPT => self.interrupt(server, ctx),
                    _ => {}
                }
            }
        }
    }
}

impl Actor<Msg, World> for Fleet {
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        match msg {
            Msg::Call(call) => self.on_call(call, ctx),
            Msg::Timer {
                tag: TIMER_SERVICE_DONE,
                key,
            } => self.advance(key, true, ctx),
            Msg::Timer {
                tag: TIMER_SEND_RETRY,
                key,
            } => self.retry_send(key, ctx),
            Msg::Reply { token, outcome } => {
                if let Some(key) = self.jobs.key_of(token) {
                    self.advance(key, outcome.is_ok(), ctx);
                }
            }
            Msg::Fault { index, start } => {
                if let Some(zone) = self.faults.zone_of(index) {
                    if self.scaling.is_some() {
                        self.zone_outage(zone, start, ctx);
                    }
                } else if self.faults.apply(index, start) {
                    self.fail_held_work(ctx);
                }
            }
            Msg::Timer { tag, key } if self.scaling.is_some() => {
                self.lifecycle_event(tag, key, ctx);
            }
            Msg::Start if self.scaling.is_some() => self.start_group(ctx),
            Msg::Timer { .. }
            | Msg::NextArrival
            | Msg::Start
            | Msg::Redrive { .. }
            | Msg::InvokeBatch { .. } => {}
        }
    }
}

impl Component for Fleet {
    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.busy.start_window(now);
        self.queued.start_window(now);
        self.calls.start_window();
        self.waits.clear();
        if let Some(sc) = &mut self.scaling {
            sc.in_service.start_window(now);
            sc.capacity.start_window(now);
            sc.window_start = now;
        }
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        let in_flight: u64 = self.busy.level() + self.queued.level();
        self.calls.sample(out);
        let busy = self.busy.take_interval_mean(now);
        let capacity = match &mut self.scaling {
            Some(sc) => sc.capacity.take_interval_mean(now),
            None => self.capacity(),
        };
        out.put(
            "utilization",
            if capacity > 0.0 { busy / capacity } else { 0.0 },
        );
        out.put("in_flight", in_flight as f64);
        out.put("waiting", self.queued.level() as f64);
        if let Some(sc) = &mut self.scaling {
            let count = |life: &[Life]| {
                self.servers
                    .iter()
                    .filter(|s| life.contains(&s.life))
                    .count() as f64
            };
            out.put("instances", sc.in_service.level() as f64);
            out.put("pending", count(&[Life::Booting, Life::Registering]));
            out.put("draining", count(&[Life::Draining]));
            out.put("desired", f64::from(sc.group.desired));
            out.put("scaling_events", std::mem::take(&mut sc.events) as f64);
            if sc.cfg.spot.is_some() {
                out.put(
                    "interruptions",
                    std::mem::take(&mut sc.interruptions) as f64,
                );
            }
            let zones = sc.zone_metrics.len() as u32;
            for (z, &metric) in sc.zone_metrics.iter().enumerate() {
                let n = (z as u32..self.servers.len() as u32)
                    .step_by(zones as usize)
                    .filter(|&i| {
                        let s = &self.servers[i as usize];
                        s.life == Life::InService && !s.failed
                    })
                    .count();
                out.put(metric, n as f64);
            }
        } else if self.cfg.kind != "database" {
            out.put("instances", f64::from(self.cfg.instances));
        }
        out.put(
            "cost_usd",
            self.cost(SimTime::ZERO, now, self.handled_total),
        );
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let (utilization, instances_max) = match &mut self.scaling {
            Some(sc) => {
                let capacity = sc.capacity.window_mean(now);
                let busy = self.busy.window_mean(now);
                (
                    if capacity > 0.0 { busy / capacity } else { 0.0 },
                    sc.in_service.window_peak(),
                )
            }
            None => (
                self.busy.window_mean(now) / self.capacity(),
                if self.cfg.kind != "database" {
                    u64::from(self.cfg.instances)
                } else {
                    0
                },
            ),
        };
        ComponentReport {
            name: self.cfg.name.clone(),
            kind: self.cfg.kind.to_string(),
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization,
            mean_wait_ms: self.waits.mean_ms(),
            max_queue: self.queued.window_peak(),
            cold_starts: 0,
            instances_max,
            cost_usd: self.cost(self.window_start, now, self.calls.handled),
            instance_hours: if self.cfg.kind != "database" {
                self.instance_hours(self.window_start, now)
            } else {
                0.0
            },
        }
    }
}
