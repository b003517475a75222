//! A Lambda function: execution environments that serve one invocation at a
//! time, started cold on demand, kept warm for a while, and capped by the
//! function's reserved concurrency or the account's shared pool.
//!
//! An invocation takes a warm idle environment if there is one (the most
//! recently used, so the others age out); otherwise a new environment is
//! started, which costs a cold start, provided the concurrency limit and the
//! scaling rate allow it; otherwise the invocation is throttled (HTTP 429).
//! An idle environment is reclaimed after `keep_alive`; `provisioned`
//! environments are initialised before the first request and never
//! reclaimed. An invocation that runs past `timeout` fails, and its
//! environment is reset, as Lambda does.
//!
//! An asynchronous invocation (an event: a `send`, an SNS delivery) is
//! accepted at once and run from Lambda's internal queue. A throttled event
//! is tried again with a backoff from 1 s to 5 min until it is
//! `max_event_age` old; a failed one is retried `retries` times, about 1 and
//! 2 minutes later. What exhausts them goes to the `on_failure` queue, or is
//! lost (AWS Lambda developer guide, asynchronous invocation; aws-facts.md
//! §6.2).

use super::downstream::{Downstream, Progress};
use super::faults::FaultState;
use super::requests::World;
use super::token_bucket::TokenBucket;
use super::{Call, Component, Ctx, EVENT_ENDPOINT, Msg, Outcome, reply};
use crate::dist::Dist;
use crate::engine::Actor;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};

const TIMER_READY: u32 = 0;
const TIMER_DONE: u32 = 1;
const TIMER_TIMEOUT: u32 = 2;
const TIMER_RECLAIM: u32 = 3;
const TIMER_SEND_RETRY: u32 = 4;
const TIMER_EVENT_RETRY: u32 = 5;

/// Tokens of the function's own event invocations carry this bit, so that
/// their answers are told apart from downstream replies.
const EVENT_TOKEN: u32 = 1 << 31;
/// Waits before the retries of a failed event (about 1 min, then 2 min).
const EVENT_RETRY_WAITS: [SimDuration; 2] =
    [SimDuration::from_secs(60), SimDuration::from_secs(120)];
/// Backoff of a throttled event: from 1 s, doubling, up to 5 min.
const THROTTLE_BACKOFF_FIRST: SimDuration = SimDuration::from_secs(1);
const THROTTLE_BACKOFF_MAX: SimDuration = SimDuration::from_secs(300);

/// Prices of a function (from the catalog).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LambdaPricing {
    /// [USD per request].
    pub per_request: f64,
    /// [USD per GB-second] of on-demand duration.
    pub per_gb_second: f64,
    /// [USD per GB-second] of duration on provisioned environments.
    pub provisioned_per_gb_second: f64,
    /// [USD per GB-second] of provisioned concurrency configured.
    pub provisioned_allocation_per_gb_second: f64,
    /// Duration is rounded up to this.
    pub granularity: SimDuration,
}

/// The settings a function is built from.
#[derive(Clone, Debug)]
pub struct LambdaConfig {
    /// Component name.
    pub name: String,
    /// Memory [MB].
    pub memory_mb: u32,
    /// Run time of one invocation.
    pub service_time: Dist,
    /// Start-up time of a new environment.
    pub cold_start: Dist,
    /// Idle time before an environment is reclaimed.
    pub keep_alive: Dist,
    /// Reserved concurrency; `None` shares the account pool.
    pub reserved: Option<u32>,
    /// Environments kept initialised.
    pub provisioned: u32,
    /// Longest invocation.
    pub timeout: SimDuration,
    /// New environments per second the function may start, and the burst
    /// (1,000 per 10 s per function).
    pub scale_rate: f64,
    /// The burst of new environments.
    pub scale_burst: f64,
    /// Calls and sends after the work.
    pub downstream: Downstream,
    /// Prices.
    pub pricing: LambdaPricing,
    /// Retries of a failed event.
    pub event_retries: u32,
    /// Age beyond which an event is given up.
    pub max_event_age: SimDuration,
    /// Where given-up events go.
    pub on_failure: Option<crate::engine::ActorId>,
}

/// An asynchronous invocation waiting in Lambda's internal queue.
#[derive(Clone, Copy, Debug)]
struct Event {
    req: crate::model::requests::RequestId,
    arrived: SimTime,
    /// Failed attempts so far.
    failures: u32,
    /// Throttled attempts so far.
    throttles: u32,
}

/// The account's unreserved concurrency, shared by a design's functions.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConcurrencyPool {
    /// Environments the unreserved functions may have at once.
    pub limit: u32,
    /// Environments they have now.
    pub in_use: u32,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EnvState {
    Initializing,
    Busy,
    Idle,
}

#[derive(Clone, Copy, Debug)]
struct Env {
    state: EnvState,
    provisioned: bool,
    /// Counts reuses, so that a reclaim timer of an earlier idle spell is stale.
    idle_spell: u32,
    /// The invocation it is running or starting for.
    invocation: Option<Key>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Starting,
    Running,
    Downstream,
    /// Timed out: answered already; waits for its last reply or timer.
    Abandoned,
}

#[derive(Clone, Copy, Debug)]
struct Invocation {
    /// The caller's call; for a batch, `req` is the item being processed.
    call: Call,
    /// The batch of queue messages it processes (an event source mapping),
    /// and which item it is at.
    batch: Option<Key>,
    item: u32,
    arrived: SimTime,
    env: Key,
    started: SimTime,
    phase: Phase,
    progress: Progress,
    /// Ran on a provisioned environment (billed at the provisioned rate).
    provisioned: bool,
}

/// Per-interval counters.
#[derive(Clone, Copy, Debug, Default)]
struct Counters {
    cold_starts: u64,
    throttles: u64,
    init_ns: u64,
    /// Events given up (to the on-failure destination or lost).
    events_dropped: u64,
}

/// A Lambda function.
#[derive(Debug)]
pub struct Lambda {
    cfg: LambdaConfig,
    rng: StreamRng,
    faults: FaultState,
    envs: Slab<Env>,
    /// Idle environments, most recently used last; provisioned ones apart,
    /// because Lambda routes to provisioned concurrency first.
    idle: Vec<Key>,
    idle_provisioned: Vec<Key>,
    invocations: Slab<Invocation>,
    events: Slab<Event>,
    /// New environments per second (the scaling rate).
    scaling: TokenBucket,
    concurrency: TimeAverage,
    environments: TimeAverage,
    calls: CallStats,
    init_waits: MeanDuration,
    interval: Counters,
    window: Counters,
    window_start: SimTime,
    /// Billed duration [GB-s] since time zero and in the window, on-demand
    /// and provisioned.
    gb_seconds: [f64; 2],
    window_gb_seconds: [f64; 2],
    /// Invocations since time zero and in the window (billed per request).
    requests: u64,
    window_requests: u64,
}

impl Lambda {
    /// A function drawing its times from `rng`.
    pub fn new(cfg: LambdaConfig, rng: StreamRng, faults: FaultState) -> Self {
        Lambda {
            scaling: TokenBucket::new(cfg.scale_rate, cfg.scale_burst),
            cfg,
            rng,
            faults,
            envs: Slab::default(),
            idle: Vec::new(),
            idle_provisioned: Vec::new(),
            invocations: Slab::default(),
            events: Slab::default(),
            concurrency: TimeAverage::default(),
            environments: TimeAverage::default(),
            calls: CallStats::default(),
            init_waits: MeanDuration::default(),
            interval: Counters::default(),
            window: Counters::default(),
            window_start: SimTime::ZERO,
            gb_seconds: [0.0; 2],
            window_gb_seconds: [0.0; 2],
            requests: 0,
            window_requests: 0,
        }
    }

    fn memory_gb(&self) -> f64 {
        f64::from(self.cfg.memory_mb) / 1024.0
    }

    fn count(&mut self, f: impl Fn(&mut Counters)) {
        f(&mut self.interval);
        f(&mut self.window);
    }

    /// Provisioned environments start initialised at time zero.
    fn start(&mut self, ctx: &mut Ctx<'_>) {
        for _ in 0..self.cfg.provisioned {
            let key = self.envs.insert(Env {
                state: EnvState::Idle,
                provisioned: true,
                idle_spell: 0,
                invocation: None,
            });
            self.idle_provisioned.push(key);
        }
        self.environments
            .set(ctx.now(), u64::from(self.cfg.provisioned));
    }

    /// Is there concurrency left for one more invocation: under the
    /// reserved concurrency, or in the account's unreserved pool?
    fn has_concurrency(&self, ctx: &Ctx<'_>) -> bool {
        match self.cfg.reserved {
            Some(c) => self.concurrency.level() < u64::from(c),
            None => ctx.world.lambda_pool.in_use < ctx.world.lambda_pool.limit,
        }
    }

    fn throttle(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        self.count(|c| c.throttles += 1);
        self.calls.answered(false, SimDuration::ZERO);
        reply(ctx, call, Outcome::Throttled);
    }

    /// An asynchronous invocation: accepted at once (HTTP 202), its work
    /// outstanding until the event has run.
    fn on_event(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        ctx.world.work_started(call.req);
        reply(ctx, call, Outcome::Ok);
        let key = self.events.insert(Event {
            req: call.req,
            arrived: now,
            failures: 0,
            throttles: 0,
        });
        self.run_event(key, ctx);
    }

    /// Invokes the function for the event, answering to itself.
    fn run_event(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(e) = self.events.get(key) else {
            return;
        };
        let call = Call {
            req: e.req,
            reply_to: ctx.me(),
            token: EVENT_TOKEN | key.slot,
            endpoint: crate::model::ANY_ENDPOINT,
        };
        self.on_invoke(call, None, ctx);
    }

    /// The event's invocation ended: done, retried, or given up.
    fn on_event_result(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let Some(key) = self.events.key_of(slot) else {
            return;
        };
        let Some(e) = self.events.get_mut(key) else {
            return;
        };
        let retry = match outcome {
            Outcome::Ok => {
                let req = e.req;
                self.events.remove(key);
                ctx.world.work_done(req, now);
                return;
            }
            Outcome::Throttled | Outcome::Unavailable => {
                let wait = THROTTLE_BACKOFF_FIRST
                    .mul_f64(f64::from(1u32 << e.throttles.min(16)))
                    .min(THROTTLE_BACKOFF_MAX);
                e.throttles += 1;
                ((now + wait).since(e.arrived) < self.cfg.max_event_age).then_some(wait)
            }
            Outcome::Error => {
                let k = e.failures as usize;
                e.failures += 1;
                let wait = EVENT_RETRY_WAITS[k.min(EVENT_RETRY_WAITS.len() - 1)];
                (k < self.cfg.event_retries as usize
                    && (now + wait).since(e.arrived) < self.cfg.max_event_age)
                    .then_some(wait)
            }
        };
        match retry {
            Some(wait) => ctx.schedule(
                wait,
                Msg::Timer {
                    tag: TIMER_EVENT_RETRY,
                    key,
                },
            ),
            None => {
                let Some(e) = self.events.remove(key) else {
                    return;
                };
                self.count(|c| c.events_dropped += 1);
                match self.cfg.on_failure {
                    // The destination queue takes over the event's work.
                    Some(queue) => ctx.send(
                        queue,
                        SimDuration::ZERO,
                        Msg::Redrive {
                            req: e.req,
                            accounted: false,
                        },
                    ),
                    None => ctx.world.work_lost(e.req),
                }
            }
        }
    }

    /// A synchronous invocation, for one request or (`batch`) for a batch
    /// of queue messages, whose first item `call.req` is.
    fn on_invoke(&mut self, call: Call, batch: Option<Key>, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            self.calls.answered(false, SimDuration::ZERO);
            reply(ctx, call, Outcome::Unavailable);
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
            let provisioned = e.provisioned;
            let inv = self.invocations.insert(Invocation {
                call,
                batch,
                item: 0,
                arrived: now,
                env,
                started: now,
                phase: Phase::Running,
                progress: Progress::default(),
                provisioned,
            });
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
        let env = self.envs.insert(Env {
            state: EnvState::Initializing,
            provisioned: false,
            idle_spell: 0,
            invocation: None,
        });
        self.environments.incr(now);
        let inv = self.invocations.insert(Invocation {
            call,
            batch,
            item: 0,
            arrived: now,
            env,
            started: now,
            phase: Phase::Starting,
            progress: Progress::default(),
            provisioned: false,
        });
        self.occupy(env, inv, EnvState::Initializing, ctx);
        let init = self.cfg.cold_start.sample(&mut self.rng);
        self.count(|c| {
            c.cold_starts += 1;
            c.init_ns += init.0;
        });
        if now >= self.window_start {
            self.init_waits.record(init);
        }
        ctx.schedule(
            init,
            Msg::Timer {
                tag: TIMER_READY,
                key: inv,
            },
        );
    }

    /// The environment now serves invocation `inv`: one more unit of
    /// concurrency in use.
    fn occupy(&mut self, env: Key, inv: Key, state: EnvState, ctx: &mut Ctx<'_>) {
        if let Some(e) = self.envs.get_mut(env) {
            e.state = state;
            e.invocation = Some(inv);
            e.idle_spell = e.idle_spell.wrapping_add(1);
        }
        self.concurrency.incr(ctx.now());
        if self.cfg.reserved.is_none() {
            ctx.world.lambda_pool.in_use += 1;
        }
    }

    /// The invocation's handler starts running.
    fn run(&mut self, inv: Key, ctx: &mut Ctx<'_>) {
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
        ctx.schedule(
            self.cfg.timeout,
            Msg::Timer {
                tag: TIMER_TIMEOUT,
                key: inv,
            },
        );
    }

    /// The handler works on its request (or batch item).
    fn work(&mut self, inv: Key, ctx: &mut Ctx<'_>) {
        let work = self.cfg.service_time.sample(&mut self.rng);
        let work = work.mul_f64(self.faults.slowdown());
        ctx.schedule(
            work,
            Msg::Timer {
                tag: TIMER_DONE,
                key: inv,
            },
        );
    }

    /// The handler's own work or a downstream step ended (`ok`).
    fn advance(&mut self, inv: Key, ok: bool, ctx: &mut Ctx<'_>) {
        let Some(i) = self.invocations.get_mut(inv) else {
            return;
        };
        if i.phase == Phase::Abandoned {
            self.invocations.remove(inv);
            return;
        }
        i.phase = Phase::Downstream;
        let req = i.call.req;
        let retry = TIMER_SEND_RETRY;
        let end =
            self.cfg
                .downstream
                .after(&mut i.progress, ok, req, inv, retry, &mut self.rng, ctx);
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
                i.progress = Progress::default();
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
        self.bill(now.since(i.started), i.provisioned, now);
        self.calls.answered(outcome.is_ok(), now.since(i.arrived));
        reply(ctx, i.call, outcome);
        self.release(i.env, false, ctx);
    }

    fn bill(&mut self, duration: SimDuration, provisioned: bool, now: SimTime) {
        let g = self.cfg.pricing.granularity.0.max(1);
        let billed = SimDuration(duration.0.div_ceil(g) * g);
        let gb_s = billed.as_secs_f64() * self.memory_gb();
        let k = usize::from(provisioned);
        self.gb_seconds[k] += gb_s;
        if now >= self.window_start {
            self.window_gb_seconds[k] += gb_s;
        }
    }

    /// The environment is free again: idle (kept warm), or destroyed after
    /// a timeout (`reset`).
    fn release(&mut self, env: Key, reset: bool, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.concurrency.decr(now);
        if self.cfg.reserved.is_none() {
            let pool = &mut ctx.world.lambda_pool;
            pool.in_use = pool.in_use.saturating_sub(1);
        }
        let Some(e) = self.envs.get_mut(env) else {
            return;
        };
        e.invocation = None;
        if reset && !e.provisioned {
            self.destroy(env, ctx);
            return;
        }
        e.state = EnvState::Idle;
        e.idle_spell = e.idle_spell.wrapping_add(1);
        if e.provisioned {
            self.idle_provisioned.push(env);
        } else {
            self.idle.push(env);
            let keep = self.cfg.keep_alive.sample(&mut self.rng);
            ctx.schedule(
                keep,
                Msg::Timer {
                    tag: TIMER_RECLAIM,
                    key: Key {
                        slot: env.slot,
                        generation: self.envs.get(env).map_or(0, |e| e.idle_spell),
                    },
                },
            );
        }
    }

    fn destroy(&mut self, env: Key, ctx: &mut Ctx<'_>) {
        if self.envs.remove(env).is_some() {
            self.environments.decr(ctx.now());
        }
    }

    /// A reclaim timer: `key` carries the environment's slot and the idle
    /// spell it was set in.
    fn on_reclaim(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(env) = self.envs.key_of(key.slot) else {
            return;
        };
        let Some(e) = self.envs.get(env) else {
            return;
        };
        if e.state == EnvState::Idle && e.idle_spell == key.generation && !e.provisioned {
            self.destroy(env, ctx);
        }
    }

    fn on_timeout(&mut self, inv: Key, ctx: &mut Ctx<'_>) {
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
        let (call, arrived, started, env, provisioned) =
            (i.call, i.arrived, i.started, i.env, i.provisioned);
        self.bill(now.since(started), provisioned, now);
        self.calls.answered(false, now.since(arrived));
        reply(ctx, call, Outcome::Error);
        self.release(env, true, ctx);
    }

    /// Provisioned concurrency and duration in GB-seconds → dollars.
    fn cost(&self, span: SimDuration, requests: u64, gb_seconds: [f64; 2]) -> f64 {
        let p = &self.cfg.pricing;
        let allocated = f64::from(self.cfg.provisioned) * self.memory_gb() * span.as_secs_f64();
        requests as f64 * p.per_request
            + gb_seconds[0] * p.per_gb_second
            + gb_seconds[1] * p.provisioned_per_gb_second
            + allocated * p.provisioned_allocation_per_gb_second
    }
}

impl Actor<Msg, World> for Lambda {
    fn handle(&mut self, msg: Msg, ctx: &mut Ctx<'_>) {
        match msg {
            Msg::Start => self.start(ctx),
            Msg::Call(call) if call.endpoint == EVENT_ENDPOINT => self.on_event(call, ctx),
            Msg::Call(call) => self.on_invoke(call, None, ctx),
            Msg::InvokeBatch {
                batch,
                reply_to,
                token,
            } => {
                let first = ctx.world.batches.get(batch).and_then(|b| b.items.first());
                let call = |req| Call {
                    req,
                    reply_to,
                    token,
                    endpoint: crate::model::ANY_ENDPOINT,
                };
                match first {
                    Some(item) => self.on_invoke(call(item.req), Some(batch), ctx),
                    // Nothing to process: nothing can fail.
                    None => ctx.send(
                        reply_to,
                        SimDuration::ZERO,
                        Msg::Reply {
                            token,
                            outcome: Outcome::Ok,
                        },
                    ),
                }
            }
            Msg::Reply { token, outcome } if token & EVENT_TOKEN != 0 => {
                self.on_event_result(token & !EVENT_TOKEN, outcome, ctx);
            }
            Msg::Reply { token, outcome } => {
                if let Some(inv) = self.invocations.key_of(token) {
                    self.advance(inv, outcome.is_ok(), ctx);
                }
            }
            Msg::Timer { tag, key } => match tag {
                TIMER_READY => self.run(key, ctx),
                TIMER_DONE => self.advance(key, true, ctx),
                TIMER_TIMEOUT => self.on_timeout(key, ctx),
                TIMER_RECLAIM => self.on_reclaim(key, ctx),
                TIMER_EVENT_RETRY => self.run_event(key, ctx),
                TIMER_SEND_RETRY => {
                    if let Some(i) = self.invocations.get_mut(key) {
                        let req = i.call.req;
                        self.cfg
                            .downstream
                            .issue(&mut i.progress, req, key.slot, ctx);
                    }
                }
                _ => {}
            },
            Msg::Fault { index, start } => {
                self.faults.apply(index, start);
            }
            Msg::NextArrival | Msg::Redrive { .. } => {}
        }
    }
}

impl Component for Lambda {
    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.window = Counters::default();
        self.window_gb_seconds = [0.0; 2];
        self.calls.start_window();
        self.concurrency.start_window(now);
        self.environments.start_window(now);
        self.init_waits.clear();
        self.window_requests = 0;
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        self.calls.sample(out);
        let c = std::mem::take(&mut self.interval);
        out.put("concurrency", self.concurrency.take_interval_mean(now));
        out.put("environments", self.environments.level() as f64);
        out.put("cold_starts", c.cold_starts as f64);
        out.put("throttles", c.throttles as f64);
        let init_ms = if c.cold_starts == 0 {
            0.0
        } else {
            c.init_ns as f64 / c.cold_starts as f64 / 1e6
        };
        out.put("init_ms", init_ms);
        out.put("events_waiting", self.events.len() as f64);
        out.put("events_dropped", c.events_dropped as f64);
        out.put("in_flight", self.concurrency.level() as f64);
        out.put(
            "cost_usd",
            self.cost(now.since(SimTime::ZERO), self.requests, self.gb_seconds),
        );
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let capacity = match self.cfg.reserved {
            Some(c) => f64::from(c),
            None => self.environments.window_peak().max(1) as f64,
        };
        ComponentReport {
            name: self.cfg.name.clone(),
            kind: "lambda".into(),
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: self.concurrency.window_mean(now) / capacity,
            mean_wait_ms: self.init_waits.mean_ms(),
            max_queue: 0,
            cold_starts: self.window.cold_starts,
            instances_max: self.environments.window_peak(),
            instance_hours: 0.0,
            cost_usd: self.cost(
                now.since(self.window_start),
                self.window_requests,
                self.window_gb_seconds,
            ),
        }
    }
}
