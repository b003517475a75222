//! Invocations: a warm environment or a cold start (or a throttle), the
//! handler's work and downstream steps, batch items, timeouts.

use super::{Env, EnvState, Lambda, LambdaTimer, Token};
use crate::model::downstream::{Connection, Progress};
use crate::model::{Call, Ctx, Outcome, refuse, reply};
use crate::slab::Key;
use crate::time::{SimDuration, SimTime};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Phase {
    Starting,
    Running,
    Downstream,
    /// Timed out: answered already; waits for its last reply or timer.
    Abandoned,
}

#[derive(Clone, Copy, Debug)]
pub(super) struct Invocation {
    /// The caller's call; for a batch, `req` is the item being processed.
    pub(super) call: Call,
    /// The batch of queue messages it processes (an event source mapping),
    /// and which item it is at.
    pub(super) batch: Option<Key>,
    pub(super) item: u32,
    pub(super) arrived: SimTime,
    pub(super) env: Key,
    pub(super) started: SimTime,
    pub(super) phase: Phase,
    pub(super) progress: Progress,
    /// Ran on a provisioned environment (billed at the provisioned rate).
    pub(super) provisioned: bool,
    /// The INIT phase of the cold start it waited for (zero when warm):
    /// billed with its duration since August 2025.
    pub(super) init: SimDuration,
}

impl Invocation {
    /// An invocation for `call` (and `batch`) arrived `now`, on `env`.
    fn new(
        call: Call,
        batch: Option<Key>,
        now: SimTime,
        env: Key,
        phase: Phase,
        provisioned: bool,
    ) -> Self {
        Invocation {
            call,
            batch,
            item: 0,
            arrived: now,
            env,
            started: now,
            phase,
            progress: Progress::new(env.slot),
            provisioned,
            init: SimDuration::ZERO,
        }
    }
}

impl Lambda {
    fn throttle(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        self.count(|c| c.throttles += 1);
        refuse(ctx, &mut self.calls, call, Outcome::Throttled);
    }

    /// A synchronous invocation, for one request or (`batch`) for a batch
    /// of queue messages, whose first item `call.req` is.
    pub(super) fn on_invoke(&mut self, call: Call, batch: Option<Key>, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            refuse(ctx, &mut self.calls, call, Outcome::Unavailable);
            return;
        }
        if !self.has_concurrency(ctx) {
            self.throttle(call, ctx);
            return;
        }
        // Throttled invocations are not billed: count from here on, and
        // give the request back if the scaling rate throttles it below.
        self.requests += 1;
        if now >= self.window_start {
            self.window_requests += 1;
        }
        // A warm environment: provisioned first, then the most recently used.
        while let Some(env) = self.idle_provisioned.pop().or_else(|| self.idle.pop()) {
            let Some(e) = self.envs.get(env) else {
                continue; // reclaimed
            };
            if e.state != EnvState::Idle {
                continue;
            }
            let invocation = Invocation::new(call, batch, now, env, Phase::Running, e.provisioned);
            let inv = self.invocations.insert(invocation);
            self.occupy(env, inv, EnvState::Busy, ctx);
            if now >= self.window_start {
                self.init_waits.record(SimDuration::ZERO);
            }
            self.run(inv, ctx);
            return;
        }
        if !self.scaling.try_take(now) {
            self.requests -= 1;
            if now >= self.window_start {
                self.window_requests -= 1;
            }
            self.throttle(call, ctx);
            return;
        }
        // A cold start.
        let env = self.envs.insert(Env::new(EnvState::Initializing, false));
        self.environments.incr(now);
        let invocation = Invocation::new(call, batch, now, env, Phase::Starting, false);
        let inv = self.invocations.insert(invocation);
        self.occupy(env, inv, EnvState::Initializing, ctx);
        let init = self.cfg.cold_start.sample(&mut self.rng);
        if let Some(i) = self.invocations.get_mut(inv) {
            i.init = init;
        }
        self.count(|c| {
            c.cold_starts += 1;
            c.init_ns += init.0;
        });
        if now >= self.window_start {
            self.init_waits.record(init);
        }
        ctx.schedule(init, LambdaTimer::Ready(inv).into());
    }

    /// The invocation's handler starts running.
    pub(super) fn run(&mut self, inv: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(i) = self.invocations.get_mut(inv) else {
            return;
        };
        i.phase = Phase::Running;
        i.started = now;
        if let Some(e) = self.envs.get_mut(i.env) {
            e.state = EnvState::Busy;
        }
        self.work(inv, ctx);
        ctx.schedule_fixed(self.cfg.timeout, LambdaTimer::Timeout(inv).into());
    }

    /// The handler works on its request (or batch item).
    pub(super) fn work(&mut self, inv: Key, ctx: &mut Ctx<'_>) {
        let work = self.cfg.service_time.sample(&mut self.rng);
        let work = work.mul_f64(self.faults.slowdown());
        ctx.schedule(work, LambdaTimer::Done(inv).into());
    }

    /// The handler's own work or a downstream step ended (`ok`).
    pub(super) fn advance(&mut self, inv: Key, ok: bool, ctx: &mut Ctx<'_>) {
        let Some(i) = self.invocations.get_mut(inv) else {
            return;
        };
        if i.phase == Phase::Abandoned {
            self.invocations.remove(inv);
            return;
        }
        i.phase = Phase::Downstream;
        let req = i.call.req;
        let retry = LambdaTimer::SendRetry(inv).into();
        let token = Token::Step(inv.slot).encode();
        let held = self.envs.get(i.env).map_or(0, |e| e.connections);
        let end = self.cfg.downstream.after(
            &mut i.progress,
            ok,
            req,
            token,
            retry,
            &mut self.rng,
            ctx,
            |db| {
                if held & (1 << db) != 0 {
                    Connection::Held
                } else {
                    Connection::Open
                }
            },
        );
        match (end, i.batch) {
            (None, _) => {}
            (Some(outcome), None) => self.finish(inv, outcome, ctx),
            (Some(outcome), Some(batch)) => self.item_ended(inv, batch, outcome.is_ok(), ctx),
        }
    }

    /// An item of a batch ended (`ok`): the handler goes on to the next one,
    /// or the invocation ends. Without partial batch responses the first
    /// failure is the handler's exception, which fails the whole batch;
    /// with them, the handler records the failure and goes on.
    fn item_ended(&mut self, inv: Key, batch: Key, ok: bool, ctx: &mut Ctx<'_>) {
        let Some(i) = self.invocations.get_mut(inv) else {
            return;
        };
        let (partial, next) = match ctx.world.batches.get_mut(batch) {
            Some(b) => {
                let at = i.item as usize;
                if let Some(item) = b.items.get_mut(at) {
                    item.done = ok;
                }
                (b.partial_failures, b.items.get(at + 1).map(|item| item.req))
            }
            None => (false, None),
        };
        match next {
            _ if !ok && !partial => self.finish(inv, Outcome::Error, ctx),
            Some(req) => {
                i.item += 1;
                i.call.req = req;
                i.progress = Progress::new(i.env.slot);
                i.phase = Phase::Running;
                self.work(inv, ctx);
            }
            None => self.finish(inv, Outcome::Ok, ctx),
        }
    }

    /// Bills the invocation's duration, answers, and frees its environment.
    fn finish(&mut self, inv: Key, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(i) = self.invocations.remove(inv) else {
            return;
        };
        self.bill(now.since(i.started) + i.init, i.provisioned, now);
        self.calls.answered(outcome.is_ok(), now.since(i.arrived));
        reply(ctx, i.call, outcome);
        self.release(i.env, false, ctx);
    }

    pub(super) fn on_timeout(&mut self, inv: Key, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(i) = self.invocations.get_mut(inv) else {
            return;
        };
        if i.phase == Phase::Abandoned {
            return;
        }
        // The invocation fails now; a reply or timer still on its way
        // finds it abandoned and removes it.
        i.phase = Phase::Abandoned;
        let (call, arrived, started, env, provisioned, init) =
            (i.call, i.arrived, i.started, i.env, i.provisioned, i.init);
        self.bill(now.since(started) + init, provisioned, now);
        self.calls.answered(false, now.since(arrived));
        reply(ctx, call, Outcome::Error);
        self.release(env, true, ctx);
    }
}
