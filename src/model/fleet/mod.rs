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
//! with the 60-second minimum.
//!
//! One file per concept: `serve` (calls, workers, accept queues, outages),
//! `lifecycle` (an instance from launch to termination), `group` (the
//! fleet as an Auto Scaling group), `autoscaling` (the group's decisions:
//! alarms, policies, scheduled actions), `spot` (Spot instances and their
//! interruptions), `zones` (availability zones), `billing`.

mod autoscaling;
mod billing;
mod connections;
mod deploy;
mod direct;
mod group;
mod lifecycle;
mod serve;
mod service_times;
mod spot;
mod zones;

use std::collections::VecDeque;

use super::downstream::{Downstream, Progress};
use super::faults::FaultState;
use super::{Call, Component, Ctx, Outcome};
use crate::dist::Dist;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};
pub use autoscaling::{GroupConfig, TrackingAlarms};
pub use billing::{Ec2Billing, FleetPricing};
pub use deploy::{DeployConfig, DeploymentConfig, Due};
use group::Scaling;
pub use group::ScalingConfig;
use service_times::ServiceTimes;
pub use spot::SpotConfig;

/// A fleet's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FleetTimer {
    /// The job's own work is done.
    ServiceDone(Key),
    /// The job tries its refused send again.
    SendRetry(Key),
    /// An event of the instance in a slot: the key is the slot and the
    /// generation of the instance the timer was set for (a relaunch in the
    /// slot makes the old instance's timers stale).
    Instance(Key, InstanceTimer),
    /// The group's metric period ends.
    Period,
    /// The oldest measured datapoint reaches the alarms.
    Datapoint,
    /// Scheduled action number `n` of the group is due.
    Scheduled(u32),
    /// A direct caller's connection to an instance that is gone times out.
    Unreachable(Key),
    /// A deployment or a patching is due.
    Deploy(Due),
}

/// What happens to an instance of a fleet in a group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum InstanceTimer {
    /// It has booted.
    Booted,
    /// Its first health check passes.
    Healthy,
    /// Its deregistration delay is over.
    DrainDeadline,
    /// It crashes.
    Fail,
    /// The health checks find the crash.
    Detected,
    /// Its Spot interruption notice comes.
    Interrupt,
}

/// The settings a fleet is built from.
#[derive(Clone, Debug)]
pub struct FleetConfig {
    /// Number of servers.
    pub instances: u32,
    /// Workers per server.
    pub workers: u32,
    /// Queue bound per server.
    pub queue_limit: Option<u32>,
    /// The calls the fleet may hold (in service or waiting), beyond which
    /// the run is unstable at this load.
    pub backlog_limit: u32,
    /// Work per call.
    pub service_time: Dist,
    /// Calls and sends after the work.
    pub downstream: Downstream,
    /// Billing.
    pub pricing: FleetPricing,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
    /// The Auto Scaling group and instance lifecycle; `None` for a fixed
    /// fleet, whose instances are in service all along.
    pub scaling: Option<ScalingConfig>,
    /// Connections a server keeps open to each database with a connection
    /// limit it calls (its pool).
    pub pool_size: u32,
    /// As a database: the most connections open at once (`None`: no limit).
    pub max_connections: Option<u32>,
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
    /// The release it runs (0: the fleet's own; see `deploy`).
    release: u32,
    /// Blue/green: launched for a new fleet still out of traffic.
    held: bool,
    /// Held, and its health check has passed.
    ready: bool,
    /// Its connection pools, per database with a connection limit.
    pools: Vec<connections::Pool>,
    /// Jobs waiting for a pooled connection, in order.
    conn_waiting: VecDeque<Key>,
    /// Worker-nanoseconds busy since `area_from` (for the CPU datapoints).
    busy_area: u128,
    busy_last: SimTime,
    area_from: SimTime,
}

impl Server {
    /// Accounts the busy workers up to `now` (before `busy` changes). Only
    /// an Auto Scaling group reads the area (its CPU datapoints), so a
    /// fixed fleet skips this on every call.
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

#[derive(Clone, Copy, Debug)]
struct Job {
    call: Call,
    arrived: SimTime,
    server: u32,
    /// Where the job is among its calls and sends.
    progress: Progress,
    /// An outage began while the job held a worker: it ends in an error.
    doomed: bool,
    /// A bad release fails it after its work.
    faulty: bool,
}

/// An EC2 fleet or a database.
#[derive(Debug)]
pub struct Fleet {
    cfg: FleetConfig,
    rng: StreamRng,
    /// Drawn from `rng`.
    service_times: ServiceTimes,
    faults: FaultState,
    servers: Vec<Server>,
    jobs: Slab<Job>,
    round_robin: u32,
    /// What callers without a load balancer know of a fleet in a group:
    /// the instances in service at the start (slot and generation), called
    /// round robin with `direct_next`.
    direct: Vec<Key>,
    direct_next: u32,
    /// Direct calls to instances that are gone, waiting out the
    /// connection timeout, with their arrival.
    unreachable: Slab<(Call, SimTime)>,
    busy: TimeAverage,
    queued: TimeAverage,
    calls: CallStats,
    waits: MeanDuration,
    window_start: SimTime,
    /// Calls answered since time zero (for the cumulative cost series).
    handled_total: u64,
    scaling: Option<Box<Scaling>>,
    /// As a database: connections open, and refused this interval.
    connections_open: u32,
    connection_errors: u64,
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
        // Only a refused send's backoff and a release's own service times
        // draw from `rng` besides the service times.
        let stream_is_theirs = cfg.downstream.sends.is_empty()
            && cfg.scaling.as_ref().is_none_or(|sc| sc.deploy.is_none());
        let service_times = ServiceTimes::new(cfg.service_time.clone(), stream_is_theirs);
        let scaling = cfg
            .scaling
            .take()
            .map(|sc| Box::new(Scaling::new(sc, lifecycle_rng)));
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
            service_times,
            faults,
            servers,
            jobs: Slab::default(),
            round_robin: 0,
            direct: Vec::new(),
            direct_next: 0,
            unreachable: Slab::default(),
            busy: TimeAverage::default(),
            queued: TimeAverage::default(),
            calls: CallStats::default(),
            waits: MeanDuration::default(),
            window_start: SimTime::ZERO,
            handled_total: 0,
            scaling,
            connections_open: 0,
            connection_errors: 0,
        }
    }

    /// Its servers are instances (or tasks), counted and billed as such:
    /// not a database's one server.
    fn has_instances(&self) -> bool {
        matches!(self.cfg.pricing, FleetPricing::Instances { .. })
    }

    fn capacity(&self) -> f64 {
        f64::from(self.cfg.instances) * f64::from(self.cfg.workers)
    }
}

impl Component for Fleet {
    type Timer = FleetTimer;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        if self.scaling.is_some() {
            self.start_group(ctx);
        }
    }

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        self.accept(call, ctx);
    }

    fn on_reply(&mut self, token: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        if let Some(key) = self.jobs.key_of(token) {
            let server = self.jobs.get(key).map(|j| j.server);
            self.connection_used(key, outcome, ctx);
            self.advance(key, outcome.is_ok(), ctx);
            if let Some(server) = server {
                self.wake_connection_waiters(server, ctx);
            }
        }
    }

    fn on_disconnect(&mut self, count: u32, _ctx: &mut Ctx<'_>) {
        self.disconnected(count);
    }

    fn on_timer(&mut self, timer: FleetTimer, ctx: &mut Ctx<'_>) {
        match timer {
            FleetTimer::ServiceDone(job) => self.advance(job, true, ctx),
            FleetTimer::SendRetry(job) => self.retry_send(job, ctx),
            // Only a fleet in a group sets the others.
            FleetTimer::Instance(instance, timer) => self.instance_event(instance, timer, ctx),
            FleetTimer::Period => self.period_end(ctx),
            FleetTimer::Datapoint => self.datapoint(ctx),
            FleetTimer::Scheduled(index) => self.scheduled_action(index, ctx),
            FleetTimer::Unreachable(key) => self.connection_timed_out(key, ctx),
            FleetTimer::Deploy(due) => self.deployment_due(due, ctx),
        }
    }

    fn on_alarm_changed(
        &mut self,
        alarm: crate::engine::ActorId,
        in_alarm: bool,
        ctx: &mut Ctx<'_>,
    ) {
        if self.scaling.is_some() {
            self.alarm_changed(alarm, in_alarm, ctx);
        }
    }

    fn on_scaling_policy(
        &mut self,
        policy: u32,
        value: Option<f64>,
        threshold: f64,
        ctx: &mut Ctx<'_>,
    ) {
        self.scaling_policy(policy, value, threshold, ctx);
    }

    fn on_fault(&mut self, index: u32, start: bool, ctx: &mut Ctx<'_>) {
        if let Some(zone) = self.faults.zone_of(index) {
            if self.scaling.is_some() {
                self.zone_outage(zone, start, ctx);
            }
        } else if self.faults.apply(index, start) {
            self.fail_held_work(ctx);
        }
    }

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
            Metric::Utilization,
            if capacity > 0.0 { busy / capacity } else { 0.0 },
        );
        out.put(Metric::InFlight, in_flight as f64);
        out.put(Metric::Waiting, self.queued.level() as f64);
        self.sample_connections(out);
        if let Some(sc) = &mut self.scaling {
            let count = |life: &[Life]| {
                self.servers
                    .iter()
                    .filter(|s| life.contains(&s.life))
                    .count() as f64
            };
            out.put(Metric::Instances, sc.in_service.level() as f64);
            out.put(Metric::Pending, count(&[Life::Booting, Life::Registering]));
            out.put(Metric::Draining, count(&[Life::Draining]));
            out.put(Metric::Desired, f64::from(sc.group.desired));
            out.put(Metric::ScalingEvents, std::mem::take(&mut sc.events) as f64);
            if sc.cfg.spot.is_some() {
                out.put(
                    Metric::Interruptions,
                    std::mem::take(&mut sc.interruptions) as f64,
                );
            }
            if let Some(d) = &mut sc.deploy {
                let on_current = d.on_current(&self.servers);
                let (deploying, rollbacks) = d.take_interval();
                out.put(Metric::Deploying, f64::from(u8::from(deploying)));
                out.put(Metric::NewRelease, on_current as f64);
                out.put(Metric::Rollbacks, rollbacks as f64);
            }
            // Per zone, when there are several, its instances in service.
            let zones = sc.cfg.zones;
            for z in (0..zones).filter(|_| zones > 1) {
                let n = (z..self.servers.len() as u32)
                    .step_by(zones as usize)
                    .filter(|&i| {
                        let s = &self.servers[i as usize];
                        s.life == Life::InService && !s.failed
                    })
                    .count();
                out.put(Metric::InstancesInZone(z), n as f64);
            }
        } else if self.has_instances() {
            out.put(Metric::Instances, f64::from(self.cfg.instances));
        }
        out.put(
            Metric::CostUsd,
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
                if self.has_instances() {
                    u64::from(self.cfg.instances)
                } else {
                    0
                },
            ),
        };
        ComponentReport {
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization,
            mean_wait_ms: self.waits.mean_ms(),
            max_queue: self.queued.window_peak(),
            cold_starts: 0,
            instances_max,
            cost_usd: self.cost(self.window_start, now, self.calls.handled),
            monthly_cost_usd: self.monthly_cost(self.window_start, now, self.calls.handled),
            instance_hours: self.instance_hours(self.window_start, now),
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests;
