//! A fleet of identical servers, each with a number of workers and a FIFO
//! accept queue: an EC2 fleet (`instances` × `workers`) or a database
//! (one server with `capacity` workers).
//!
//! A call waits in its server's queue until a worker is free, holds the
//! worker for a service time, then makes its synchronous `calls` one after
//! another, still holding the worker, and replies. A full queue rejects the
//! call at once (HTTP 503, or a database's throttling error); an outage fails
//! new calls fast, and fails the calls it finds queued or in service.

use std::collections::VecDeque;

use super::downstream::{Downstream, Progress};
use super::faults::FaultState;
use super::requests::World;
use super::{ANY_ENDPOINT, Call, Component, Ctx, Msg, Outcome, reply};
use crate::dist::Dist;
use crate::engine::Actor;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};

const TIMER_SERVICE_DONE: u32 = 0;
const TIMER_SEND_RETRY: u32 = 1;

/// How a fleet is billed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FleetPricing {
    /// EC2 on demand: each instance per second, 60 s minimum [USD/h].
    Ec2 {
        /// On-demand price of the instance type [USD/h].
        hourly_usd: f64,
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
}

#[derive(Debug, Default)]
struct Server {
    busy: u32,
    queue: VecDeque<Key>,
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
}

impl Fleet {
    /// A fleet drawing service times from `rng`, subject to `faults`.
    pub fn new(cfg: FleetConfig, rng: StreamRng, faults: FaultState) -> Self {
        let servers = (0..cfg.instances).map(|_| Server::default()).collect();
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
        }
    }

    fn capacity(&self) -> f64 {
        f64::from(self.cfg.instances) * f64::from(self.cfg.workers)
    }

    /// What the fleet costs for running `span` and serving `operations` [USD].
    fn cost(&self, span: SimDuration, operations: u64) -> f64 {
        match self.cfg.pricing {
            FleetPricing::Ec2 { hourly_usd } => {
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
        let n = self.cfg.instances;
        let server = if call.endpoint != ANY_ENDPOINT && call.endpoint < n {
            call.endpoint
        } else {
            self.round_robin = (self.round_robin + 1) % n;
            self.round_robin
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
        self.servers[job.server as usize].busy += 1;
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
        server.busy -= 1;
        if let Some(next) = server.queue.pop_front() {
            self.queued.decr(now);
            self.start(next, ctx);
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
                if self.faults.apply(index, start) {
                    self.fail_held_work(ctx);
                }
            }
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
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        let in_flight: u64 = self.busy.level() + self.queued.level();
        self.calls.sample(out);
        out.put(
            "utilization",
            self.busy.take_interval_mean(now) / self.capacity(),
        );
        out.put("in_flight", in_flight as f64);
        out.put("waiting", self.queued.level() as f64);
        if self.cfg.kind == "ec2" {
            out.put("instances", f64::from(self.cfg.instances));
        }
        out.put(
            "cost_usd",
            self.cost(now.since(SimTime::ZERO), self.handled_total),
        );
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let window = now.since(self.window_start);
        ComponentReport {
            name: self.cfg.name.clone(),
            kind: self.cfg.kind.to_string(),
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: self.busy.window_mean(now) / self.capacity(),
            mean_wait_ms: self.waits.mean_ms(),
            max_queue: self.queued.window_peak(),
            cold_starts: 0,
            instances_max: if self.cfg.kind == "ec2" {
                u64::from(self.cfg.instances)
            } else {
                0
            },
            cost_usd: self.cost(window, self.calls.handled),
        }
    }
}
