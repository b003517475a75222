//! Serving calls: each server's workers and FIFO accept queue, the work
//! and its downstream steps, and outages.

use super::connections::take_connection;
use super::{Fleet, FleetTimer, Job, Life};
use crate::model::backlog;
use crate::model::downstream::Connection;
use crate::model::downstream::Progress;
use crate::model::{Call, Ctx, Endpoint, Outcome, reply};
use crate::slab::Key;
use crate::time::SimTime;

impl Fleet {
    pub(super) fn answer(
        &mut self,
        call: Call,
        outcome: Outcome,
        arrived: SimTime,
        ctx: &mut Ctx<'_>,
    ) {
        self.handled_total += 1;
        self.calls
            .answered(outcome.is_ok(), ctx.now().since(arrived));
        reply(ctx, call, outcome);
    }

    pub(super) fn accept(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            self.answer(call, Outcome::Unavailable, now, ctx);
            return;
        }
        if call.endpoint == Endpoint::Connect && !self.connect(call, now, ctx) {
            return;
        }
        let server = if let Some(sc) = &mut self.scaling {
            sc.period_calls += 1;
            match call.endpoint {
                Endpoint::Instance(i) => {
                    if i < self.servers.len() as u32 && self.servers[i as usize].serves() {
                        i
                    } else {
                        // Nothing runs there (a crashed or terminated
                        // instance): the connection is refused.
                        self.answer(call, Outcome::Unavailable, now, ctx);
                        return;
                    }
                }
                // No load balancer: the caller's own list of instances.
                Endpoint::Any | Endpoint::Connect | Endpoint::Session(_) | Endpoint::Event => {
                    match self.pick_direct(call, now, ctx) {
                        Some(s) => s,
                        None => return,
                    }
                }
            }
        } else {
            match call.endpoint {
                Endpoint::Instance(i) if i < self.cfg.instances => i,
                _ => {
                    // A compare, not `%`: a division on every call costs
                    // more than the rest of the choice.
                    let next = self.round_robin + 1;
                    self.round_robin = if next >= self.cfg.instances { 0 } else { next };
                    self.round_robin
                }
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
            || backlog::reached(ctx, self.jobs.len(), self.cfg.backlog_limit)
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
            progress: Progress::new(server),
            doomed: false,
            faulty: false,
        })
    }

    pub(super) fn start(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(job) = self.jobs.get(key) else {
            return;
        };
        let scaled = self.scaling.is_some();
        let server = &mut self.servers[job.server as usize];
        if scaled {
            server.touch(now);
        }
        server.busy += 1;
        self.busy.incr(now);
        if now >= self.window_start {
            self.waits.record(now.since(job.arrived));
        }
        let server = job.server;
        let mut service = match self.release_service_time(server) {
            Some(work) => work,
            None => self.service_times.next(&mut self.rng),
        };
        if self.release_fails(server)
            && let Some(job) = self.jobs.get_mut(key)
        {
            job.faulty = true;
        }
        let factor = self.faults.slowdown();
        if factor != 1.0 {
            service = service.mul_f64(factor);
        }
        ctx.schedule(service, FleetTimer::ServiceDone(key).into());
    }

    /// The job's work or one of its calls or sends is done (`ok`): go on
    /// downstream, or finish.
    pub(super) fn advance(&mut self, key: Key, ok: bool, ctx: &mut Ctx<'_>) {
        let Some(job) = self.jobs.get_mut(key) else {
            return;
        };
        if job.doomed {
            self.finish(key, Outcome::Unavailable, ctx);
            return;
        }
        if job.faulty {
            // A bad release: the work was done, the answer is an error.
            self.finish(key, Outcome::Error, ctx);
            return;
        }
        let req = job.call.req;
        let server = job.server;
        let retry = FleetTimer::SendRetry(key).into();
        let pool_size = self.cfg.pool_size;
        let pools = &mut self.servers[server as usize].pools;
        let mut waits = false;
        let end = self.cfg.downstream.after(
            &mut job.progress,
            ok,
            req,
            key.slot,
            retry,
            &mut self.rng,
            ctx,
            |db| {
                let c = take_connection(pools, db, pool_size);
                waits = c == Connection::Wait;
                c
            },
        );
        if waits {
            self.servers[server as usize].conn_waiting.push_back(key);
        }
        if let Some(outcome) = end {
            self.finish(key, outcome, ctx);
        }
    }

    pub(super) fn retry_send(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        if let Some(job) = self.jobs.get_mut(key) {
            let req = job.call.req;
            // A send: no connection.
            self.cfg
                .downstream
                .issue(&mut job.progress, req, key.slot, ctx, |_| Connection::Open);
        }
    }

    fn finish(&mut self, key: Key, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(job) = self.jobs.remove(key) else {
            return;
        };
        self.answer(job.call, outcome, job.arrived, ctx);
        self.busy.decr(now);
        let scaled = self.scaling.is_some();
        let server = &mut self.servers[job.server as usize];
        if scaled {
            server.touch(now);
        }
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
    pub(super) fn fail_held_work(&mut self, ctx: &mut Ctx<'_>) {
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
        for s in 0..self.servers.len() as u32 {
            self.end_connection_waiters(s, ctx);
        }
    }
}
