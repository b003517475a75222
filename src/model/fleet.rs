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

use super::faults::FaultState;
use super::requests::World;
use super::{ANY_ENDPOINT, Call, Component, Ctx, Msg};
use crate::dist::Dist;
use crate::engine::{Actor, ActorId};
use crate::rng::StreamRng;
use crate::stats::{ComponentReport, IntervalSink, Latencies, TimeAverage};
use crate::time::{SimDuration, SimTime};

const TIMER_SERVICE_DONE: u32 = 0;

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
    /// Synchronous calls after the work, in order.
    pub calls: Vec<ActorId>,
    /// Billing.
    pub pricing: FleetPricing,
}

#[derive(Debug, Default)]
struct Server {
    busy: u32,
    queue: VecDeque<u32>,
}

#[derive(Clone, Copy, Debug)]
struct Job {
    call: Call,
    arrived: SimTime,
    server: u32,
    /// Index of the downstream call in progress (after the work).
    next_call: u32,
    generation: u32,
    /// An outage began while the job held a worker: it ends in an error.
    doomed: bool,
    /// Queued or holding a worker (not a free slot).
    live: bool,
}

/// An EC2 fleet or a database.
#[derive(Debug)]
pub struct Fleet {
    cfg: FleetConfig,
    rng: StreamRng,
    faults: FaultState,
    servers: Vec<Server>,
    jobs: Vec<Job>,
    free_jobs: Vec<u32>,
    round_robin: u32,
    busy: TimeAverage,
    queued: TimeAverage,
    // Measured window.
    handled: u64,
    errors: u64,
    waits: Latencies,
    window_start: SimTime,
    // Since time zero (for the cumulative cost series).
    handled_total: u64,
    // Current interval.
    interval_arrivals: u64,
    interval_ok: u64,
    interval_errors: u64,
    interval_sojourn: Latencies,
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
            jobs: Vec::new(),
            free_jobs: Vec::new(),
            round_robin: 0,
            busy: TimeAverage::default(),
            queued: TimeAverage::default(),
            handled: 0,
            errors: 0,
            waits: Latencies::new(),
            window_start: SimTime::ZERO,
            handled_total: 0,
            interval_arrivals: 0,
            interval_ok: 0,
            interval_errors: 0,
            interval_sojourn: Latencies::new(),
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

    fn reply(&mut self, call: Call, ok: bool, arrived: SimTime, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.handled += 1;
        self.handled_total += 1;
        if ok {
            self.interval_ok += 1;
        } else {
            self.errors += 1;
            self.interval_errors += 1;
        }
        self.interval_sojourn.record(now.since(arrived));
        ctx.send(
            call.reply_to,
            SimDuration::ZERO,
            Msg::Reply {
                token: call.token,
                ok,
            },
        );
    }

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.interval_arrivals += 1;
        if self.faults.is_down() {
            self.reply(call, false, now, ctx);
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
            self.reply(call, false, now, ctx);
        } else {
            let job = self.new_job(call, now, server);
            self.servers[server as usize].queue.push_back(job);
            self.queued.incr(now);
        }
    }

    fn new_job(&mut self, call: Call, arrived: SimTime, server: u32) -> u32 {
        let job = |generation| Job {
            call,
            arrived,
            server,
            next_call: 0,
            generation,
            doomed: false,
            live: true,
        };
        match self.free_jobs.pop() {
            Some(slot) => {
                let j = &mut self.jobs[slot as usize];
                *j = job(j.generation.wrapping_add(1));
                slot
            }
            None => {
                self.jobs.push(job(0));
                (self.jobs.len() - 1) as u32
            }
        }
    }

    fn start(&mut self, slot: u32, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let job = self.jobs[slot as usize];
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
                slot,
                generation: job.generation,
            },
        );
    }

    /// The job's work or one of its calls is done: make the next call or finish.
    fn advance(&mut self, slot: u32, ok: bool, ctx: &mut Ctx<'_>) {
        let job = &mut self.jobs[slot as usize];
        let ok = ok && !job.doomed;
        if ok && (job.next_call as usize) < self.cfg.calls.len() {
            let target = self.cfg.calls[job.next_call as usize];
            job.next_call += 1;
            let req = job.call.req;
            let me = ctx.me();
            ctx.send(
                target,
                SimDuration::ZERO,
                Msg::Call(Call {
                    req,
                    reply_to: me,
                    token: slot,
                    endpoint: ANY_ENDPOINT,
                }),
            );
            return;
        }
        self.finish(slot, ok, ctx);
    }

    fn finish(&mut self, slot: u32, ok: bool, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let job = self.jobs[slot as usize];
        self.release(slot);
        self.reply(job.call, ok, job.arrived, ctx);
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
            while let Some(slot) = self.servers[s].queue.pop_front() {
                self.queued.decr(now);
                let job = self.jobs[slot as usize];
                self.release(slot);
                self.reply(job.call, false, job.arrived, ctx);
            }
        }
        for job in self.jobs.iter_mut().filter(|j| j.live) {
            job.doomed = true;
        }
    }

    fn release(&mut self, slot: u32) {
        self.jobs[slot as usize].live = false;
        self.free_jobs.push(slot);
    }
}

impl Actor<Msg, World> for Fleet {
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        match msg {
            Msg::Call(call) => self.on_call(call, ctx),
            Msg::Timer {
                tag: TIMER_SERVICE_DONE,
                slot,
                generation,
            } if self.jobs[slot as usize].generation == generation => {
                self.advance(slot, true, ctx);
            }
            Msg::Reply { token, ok } => self.advance(token, ok, ctx),
            Msg::Fault { index, start } => {
                if self.faults.apply(index, start) {
                    self.fail_held_work(ctx);
                }
            }
            Msg::Timer { .. } | Msg::NextArrival => {}
        }
    }
}

impl Component for Fleet {
    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.busy.start_window(now);
        self.queued.start_window(now);
        self.handled = 0;
        self.errors = 0;
        self.waits.clear();
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        let in_flight: u64 = self.busy.level() + self.queued.level();
        out.put("arrivals", self.interval_arrivals as f64);
        out.put("completions", self.interval_ok as f64);
        out.put("errors", self.interval_errors as f64);
        out.put("response_p99_ms", self.interval_sojourn.quantile_ms(0.99));
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
        self.interval_arrivals = 0;
        self.interval_ok = 0;
        self.interval_errors = 0;
        self.interval_sojourn.clear();
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let window = now.since(self.window_start);
        ComponentReport {
            name: self.cfg.name.clone(),
            kind: self.cfg.kind.to_string(),
            handled: self.handled,
            errors: self.errors,
            utilization: self.busy.window_mean(now) / self.capacity(),
            mean_wait_ms: self.waits.mean_ms(),
            max_queue: self.queued.window_peak(),
            cold_starts: 0,
            instances_max: if self.cfg.kind == "ec2" {
                u64::from(self.cfg.instances)
            } else {
                0
            },
            cost_usd: self.cost(window, self.handled),
        }
    }
}
