//! Amazon API Gateway: a token-bucket throttle, its own small latency, the
//! integration timeout, and a price per request. Requests go to the targets
//! in turn.

use super::faults::FaultState;
use super::monthly::{Projection, Tiers};
use super::token_bucket::TokenBucket;
use super::{Call, Component, Ctx, Endpoint, Outcome, call, refuse, reply, schedule_drawn};
use crate::dist::Dist;
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink};
use crate::time::{SimDuration, SimTime};

/// A gateway's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GatewayTimer {
    /// The gateway's own latency has elapsed: on to the integration.
    Forward(Key),
    /// The integration did not answer in time (a 504).
    IntegrationTimeout(Key),
}

/// The settings a gateway is built from.
#[derive(Clone, Debug)]
pub struct ApiGatewayConfig {
    /// Where requests go, in turn.
    pub targets: Vec<ActorId>,
    /// Token refill [requests/s].
    pub rate: f64,
    /// Bucket size [requests].
    pub burst: f64,
    /// Longest wait for the integration.
    pub timeout: SimDuration,
    /// Latency the gateway adds.
    pub latency: Dist,
    /// [USD per request].
    pub per_request: f64,
    /// [USD per request] by the month's requests (the request tiers).
    pub monthly_per_request: Tiers,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
}

#[derive(Clone, Copy, Debug)]
struct Forward {
    call: Call,
    arrived: SimTime,
    /// Answered with a 504 already; the integration's reply is dropped.
    timed_out: bool,
}

/// An API Gateway stage.
#[derive(Debug)]
pub struct ApiGateway {
    cfg: ApiGatewayConfig,
    rng: StreamRng,
    faults: FaultState,
    throttle: TokenBucket,
    next_target: usize,
    forwards: Slab<Forward>,
    calls: CallStats,
    throttles: u64,
    interval_throttles: u64,
    requests: u64,
    window_requests: u64,
    window_start: SimTime,
}

impl ApiGateway {
    /// A gateway drawing its latency from `rng`; the bucket starts full.
    pub fn new(cfg: ApiGatewayConfig, rng: StreamRng, faults: FaultState) -> Self {
        ApiGateway {
            throttle: TokenBucket::new(cfg.rate, cfg.burst),
            cfg,
            rng,
            faults,
            next_target: 0,
            forwards: Slab::default(),
            calls: CallStats::default(),
            throttles: 0,
            interval_throttles: 0,
            requests: 0,
            window_requests: 0,
            window_start: SimTime::ZERO,
        }
    }

    fn forward(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(f) = self.forwards.get(key) else {
            return;
        };
        let target = self.cfg.targets[self.next_target];
        self.next_target = (self.next_target + 1) % self.cfg.targets.len();
        let req = f.call.req;
        call(ctx, target, req, key.slot, Endpoint::Any);
        ctx.schedule_fixed(
            self.cfg.timeout,
            GatewayTimer::IntegrationTimeout(key).into(),
        );
    }

    fn on_integration_timeout(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(f) = self.forwards.get_mut(key) else {
            return;
        };
        if f.timed_out {
            return;
        }
        // 504: the gateway answers; the integration's late reply is dropped.
        f.timed_out = true;
        let (call, arrived) = (f.call, f.arrived);
        self.calls.answered(false, ctx.now().since(arrived));
        reply(ctx, call, Outcome::Error);
    }

    fn cost(&self, requests: u64) -> f64 {
        requests as f64 * self.cfg.per_request
    }

    /// The window's requests scaled to the month, priced by its tiers.
    fn monthly_cost(&self, now: SimTime) -> f64 {
        let month = Projection {
            month: self.cfg.month,
            window: now.since(self.window_start),
        };
        let requests = self.window_requests as f64 * month.windows();
        self.cfg.monthly_per_request.cost(requests)
    }
}

impl Component for ApiGateway {
    type Timer = GatewayTimer;

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        self.calls.arrived();
        if self.faults.is_down() {
            refuse(ctx, &mut self.calls, call, Outcome::Unavailable);
            return;
        }
        if !self.throttle.try_take(now) {
            // 429 Too Many Requests: throttled requests are not billed.
            self.throttles += 1;
            self.interval_throttles += 1;
            refuse(ctx, &mut self.calls, call, Outcome::Error);
            return;
        }
        self.requests += 1;
        if now >= self.window_start {
            self.window_requests += 1;
        }
        let key = self.forwards.insert(Forward {
            call,
            arrived: now,
            timed_out: false,
        });
        let forward = GatewayTimer::Forward(key).into();
        schedule_drawn(ctx, &self.cfg.latency, &mut self.rng, forward);
    }

    fn on_reply(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(f) = self.forwards.remove_slot(slot) else {
            return;
        };
        if f.timed_out {
            return;
        }
        // The backend down is the gateway's 502, not an outage of the gateway.
        let outcome = if outcome.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Error
        };
        self.calls
            .answered(outcome.is_ok(), ctx.now().since(f.arrived));
        reply(ctx, f.call, outcome);
    }

    fn on_timer(&mut self, timer: GatewayTimer, ctx: &mut Ctx<'_>) {
        match timer {
            GatewayTimer::Forward(key) => self.forward(key, ctx),
            GatewayTimer::IntegrationTimeout(key) => self.on_integration_timeout(key, ctx),
        }
    }

    fn on_fault(&mut self, index: u32, start: bool, _ctx: &mut Ctx<'_>) {
        self.faults.apply(index, start);
    }

    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.calls.start_window();
        self.throttles = 0;
        self.window_requests = 0;
    }

    fn sample(&mut self, _now: SimTime, out: &mut IntervalSink<'_>) {
        self.calls.sample(out);
        out.put(Metric::Throttles, self.interval_throttles as f64);
        out.put(Metric::InFlight, self.forwards.len() as f64);
        out.put(Metric::CostUsd, self.cost(self.requests));
        self.interval_throttles = 0;
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        ComponentReport {
            handled: self.calls.handled,
            errors: self.calls.errors,
            cost_usd: self.cost(self.window_requests),
            monthly_cost_usd: self.monthly_cost(now),
            ..ComponentReport::default()
        }
    }
}
