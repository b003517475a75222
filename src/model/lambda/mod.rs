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
//!
//! One file per concept: `environments` (provisioned, cold, warm, reclaimed;
//! the concurrency they hold), `invocations` (a call or a batch from start
//! to answer, timeouts), `events` (asynchronous invocations and their
//! retries), `billing`.

mod billing;
mod environments;
mod events;
mod invocations;

use super::downstream::{Connection, Downstream};
use super::faults::FaultState;
use super::token_bucket::TokenBucket;
use super::{Call, Component, Ctx, Endpoint, Msg, Outcome};
use crate::dist::Dist;
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};
pub use billing::LambdaPricing;
use environments::{Env, EnvState};
use events::Event;
use invocations::Invocation;

/// A function's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LambdaTimer {
    /// The invocation's cold start is over.
    Ready(Key),
    /// The handler's work is done.
    Done(Key),
    /// The invocation runs past its timeout.
    Timeout(Key),
    /// The invocation tries its refused send again.
    SendRetry(Key),
    /// An idle environment may be reclaimed, if it is still idle in the
    /// same spell.
    Reclaim {
        /// The environment's slot.
        env: u32,
        /// Its idle spell when the timer was set.
        idle_spell: u32,
    },
    /// The asynchronous event is tried again.
    EventRetry(Key),
}

/// Whose answer a reply to the function is: a downstream step of one of
/// its invocations, or the invocation of one of its asynchronous events
/// (which the function makes itself). Both travel as a call's token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Token {
    /// The invocation in this slot.
    Step(u32),
    /// The event in this slot.
    Event(u32),
}

impl Token {
    /// The bit of an event's token (slots stay far below it).
    const EVENT: u32 = 1 << 31;

    fn encode(self) -> u32 {
        match self {
            Token::Step(slot) => slot,
            Token::Event(slot) => Token::EVENT | slot,
        }
    }

    fn decode(token: u32) -> Self {
        if token & Token::EVENT != 0 {
            Token::Event(token & !Token::EVENT)
        } else {
            Token::Step(token)
        }
    }
}

/// The settings a function is built from.
#[derive(Clone, Debug)]
pub struct LambdaConfig {
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
    /// The asynchronous events the function may hold, beyond which the run
    /// is unstable at this load.
    pub backlog_limit: u32,
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

    fn count(&mut self, f: impl Fn(&mut Counters)) {
        f(&mut self.interval);
        f(&mut self.window);
    }
}

impl Component for Lambda {
    type Timer = LambdaTimer;

    fn on_start(&mut self, ctx: &mut Ctx<'_>) {
        self.start_provisioned(ctx);
    }

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        match call.endpoint {
            Endpoint::Event => self.on_event(call, ctx),
            Endpoint::Any | Endpoint::Connect | Endpoint::Session(_) | Endpoint::Instance(_) => {
                self.on_invoke(call, None, ctx)
            }
        }
    }

    fn on_invoke_batch(&mut self, batch: Key, reply_to: ActorId, token: u32, ctx: &mut Ctx<'_>) {
        let first = ctx.world.batches.get(batch).and_then(|b| b.items.first());
        match first {
            Some(item) => {
                let call = Call {
                    req: item.req,
                    reply_to,
                    token,
                    endpoint: Endpoint::Any,
                };
                self.on_invoke(call, Some(batch), ctx);
            }
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

    fn on_reply(&mut self, token: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        match Token::decode(token) {
            Token::Event(slot) => self.on_event_result(slot, outcome, ctx),
            Token::Step(slot) => {
                if let Some(inv) = self.invocations.key_of(slot) {
                    self.connection_used(inv, outcome, ctx);
                    self.advance(inv, outcome.is_ok(), ctx);
                }
            }
        }
    }

    fn on_timer(&mut self, timer: LambdaTimer, ctx: &mut Ctx<'_>) {
        match timer {
            LambdaTimer::Ready(inv) => self.run(inv, ctx),
            LambdaTimer::Done(inv) => self.advance(inv, true, ctx),
            LambdaTimer::Timeout(inv) => self.on_timeout(inv, ctx),
            LambdaTimer::SendRetry(inv) => {
                if let Some(i) = self.invocations.get_mut(inv) {
                    let req = i.call.req;
                    let token = Token::Step(inv.slot).encode();
                    // A send: no connection.
                    self.cfg
                        .downstream
                        .issue(&mut i.progress, req, token, ctx, |_| Connection::Open);
                }
            }
            LambdaTimer::Reclaim { env, idle_spell } => self.on_reclaim(env, idle_spell, ctx),
            LambdaTimer::EventRetry(event) => self.run_event(event, ctx),
        }
    }

    fn on_fault(&mut self, index: u32, start: bool, _ctx: &mut Ctx<'_>) {
        self.faults.apply(index, start);
    }

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
        out.put(
            Metric::Concurrency,
            self.concurrency.take_interval_mean(now),
        );
        out.put(Metric::Environments, self.environments.level() as f64);
        out.put(Metric::ColdStarts, c.cold_starts as f64);
        out.put(Metric::Throttles, c.throttles as f64);
        let init_ms = if c.cold_starts == 0 {
            0.0
        } else {
            c.init_ns as f64 / c.cold_starts as f64 / 1e6
        };
        out.put(Metric::InitMs, init_ms);
        out.put(Metric::EventsWaiting, self.events.len() as f64);
        out.put(Metric::EventsDropped, c.events_dropped as f64);
        out.put(Metric::InFlight, self.concurrency.level() as f64);
        out.put(
            Metric::CostUsd,
            self.cost(now.since(SimTime::ZERO), self.requests, self.gb_seconds),
        );
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let capacity = match self.cfg.reserved {
            Some(c) => f64::from(c),
            None => self.environments.window_peak().max(1) as f64,
        };
        ComponentReport {
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
            monthly_cost_usd: self.monthly_cost(now),
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests;
