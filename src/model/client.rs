//! The workload: arrivals of end-user requests, and the client that sends
//! them, waits, times out and retries.
//!
//! Arrival instants come from inverting the cumulative intensity
//! `Λ(t) = ∫ rate`: the k-th arrival is where `Λ` reaches the sum of k
//! unit-mean exponential draws (a non-homogeneous Poisson process) or simply
//! `k` (evenly spaced, "constant" arrivals). This is exact for every rate
//! profile, needs no thinning, and uses one random number per arrival.

use rand::RngExt;
use rand_distr::{Distribution, Exp1};

use super::requests::RequestId;
use super::{Component, Ctx, Endpoint, Outcome, call};
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::settings::{ArrivalProcess, Client, Jitter, RateProfile, Workload};
use crate::slab::{Key, Slab};
use crate::stats::{ComponentReport, IntervalSink};
use crate::time::{SimDuration, SimTime};

/// Arrival instants are computed this many at a time: in a tight loop the
/// random draws and divisions of successive arrivals overlap, where one at
/// a time each waits for the last (the arrivals have a stream of their own,
/// so drawing ahead changes no other draw).
const BLOCK: usize = 64;

/// The client's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ClientTimer {
    /// The next arrival is due.
    NextArrival,
    /// The attempt waited its timeout.
    Timeout(Key),
    /// The request's next attempt is due.
    Retry(RequestId),
}

/// Produces the arrival instants of a workload.
#[derive(Debug)]
pub struct Arrivals {
    profile: RateProfile,
    process: ArrivalProcess,
    rng: StreamRng,
    /// Where the last arrival computed was [s].
    last: f64,
    /// Index of the current step (steps) or trace position (trace).
    cursor: usize,
    /// Arrivals computed ahead, in order; fewer than [`BLOCK`] once the
    /// workload has no more.
    ahead: Vec<SimTime>,
    /// How many of `ahead` were handed out.
    taken: usize,
}

impl Arrivals {
    /// Arrivals of `workload`, drawing from `rng`.
    pub fn new(workload: &Workload, rng: StreamRng) -> Self {
        Arrivals {
            profile: workload.rate.clone(),
            process: workload.arrival,
            rng,
            last: 0.0,
            cursor: 0,
            ahead: Vec::with_capacity(BLOCK),
            taken: 0,
        }
    }

    /// The next arrival instant, or `None` when no more will come.
    #[inline]
    pub fn next_arrival(&mut self) -> Option<SimTime> {
        if self.taken == self.ahead.len() {
            self.compute_block();
        }
        let next = self.ahead.get(self.taken).copied();
        self.taken += 1;
        next
    }

    /// Replaces the arrivals handed out with the next [`BLOCK`] ones.
    fn compute_block(&mut self) {
        self.ahead.clear();
        self.taken = 0;
        while self.ahead.len() < BLOCK {
            match self.compute_next() {
                Some(t) => self.ahead.push(t),
                None => break,
            }
        }
    }

    /// Computes the arrival after the last one computed, if any.
    #[inline(always)]
    fn compute_next(&mut self) -> Option<SimTime> {
        if let RateProfile::Trace(times) = &self.profile {
            let t = times.get(self.cursor).copied();
            self.cursor += 1;
            return t;
        }
        let work = match self.process {
            ArrivalProcess::Poisson => Exp1.sample(&mut self.rng),
            ArrivalProcess::Constant => 1.0,
        };
        let next = match &self.profile {
            RateProfile::Steps { initial, steps } => {
                advance_steps(*initial, steps, &mut self.cursor, self.last, work)
            }
            RateProfile::Diurnal {
                min_rate,
                max_rate,
                peak_at,
                period,
            } => advance_diurnal(
                *min_rate,
                *max_rate,
                peak_at.as_secs_f64(),
                period.as_secs_f64(),
                self.last,
                work,
            ),
            RateProfile::Trace(_) => unreachable!("handled above"),
        }?;
        self.last = next;
        Some(SimTime::from_secs_f64(next))
    }
}

/// Where `Λ` (piecewise constant rate) has grown by `work` past `from` [s].
/// `cursor` is the index of the first step not yet reached.
#[inline]
fn advance_steps(
    initial: f64,
    steps: &[(SimTime, f64)],
    cursor: &mut usize,
    from: f64,
    mut work: f64,
) -> Option<f64> {
    let mut t = from;
    loop {
        let rate = if *cursor == 0 {
            initial
        } else {
            steps[*cursor - 1].1
        };
        let boundary = steps.get(*cursor).map(|s| s.0.as_secs_f64());
        if rate > 0.0 {
            let candidate = t + work / rate;
            match boundary {
                Some(b) if candidate >= b => {
                    work -= (b - t) * rate;
                    t = b;
                }
                _ => return Some(candidate),
            }
        } else {
            t = boundary?;
        }
        *cursor += 1;
    }
}

/// Where `Λ` of the diurnal rate has grown by `work` past `from` [s].
fn advance_diurnal(
    min: f64,
    max: f64,
    peak: f64,
    period: f64,
    from: f64,
    work: f64,
) -> Option<f64> {
    let a = (min + max) / 2.0;
    let b = (max - min) / 2.0;
    if a <= 0.0 {
        return None;
    }
    let w = std::f64::consts::TAU / period;
    let rate = |t: f64| a + b * (w * (t - peak)).cos();
    let cum = |t: f64| a * t + b / w * (w * (t - peak)).sin();
    let target = cum(from) + work;
    // Λ(t) ≥ a·t − 2b/w, so the answer lies below `hi`.
    let mut lo = from;
    let mut hi = from + (work + 2.0 * b / w) / a;
    let mut t = from + work / a;
    // Newton's method, kept inside the bracket by bisection where it strays.
    for _ in 0..100 {
        let f = cum(t) - target;
        if f.abs() < 1e-12 * target.abs().max(1.0) {
            break;
        }
        if f > 0.0 {
            hi = t;
        } else {
            lo = t;
        }
        let r = rate(t);
        let newton = t - f / r;
        t = if r > 0.0 && newton > lo && newton < hi {
            newton
        } else {
            (lo + hi) / 2.0
        };
        if hi - lo < 1e-10 {
            break;
        }
    }
    Some(t)
}

/// One attempt in flight: a call to the entry component awaiting its reply.
#[derive(Clone, Copy, Debug)]
struct Attempt {
    req: RequestId,
    /// Timed out: the reply, when it comes, is ignored.
    abandoned: bool,
}

/// The settings a client is built from.
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Its timeout and retries.
    pub client: Client,
    /// The shares of the workload's request classes.
    pub class_shares: Vec<f64>,
    /// Where it sends each request.
    pub entry: ActorId,
    /// The requests that arrive from then on count in the results.
    pub warmup_end: SimTime,
}

/// The traffic source and the client behaviour of `[workload]`.
#[derive(Debug)]
pub struct ClientActor {
    arrivals: Arrivals,
    cfg: ClientConfig,
    rng: StreamRng,
    class_rng: StreamRng,
    attempts: Slab<Attempt>,
    /// Attempts that got no reply before the timeout, in the window.
    timeouts: u64,
    /// Retries made, in the window.
    retries: u64,
    interval_arrivals: u64,
    interval_attempts: u64,
    interval_timeouts: u64,
}

impl ClientActor {
    /// A client of `arrivals` as `cfg` says; `rng` draws backoff jitter,
    /// `class_rng` the requests' classes.
    pub fn new(
        arrivals: Arrivals,
        cfg: ClientConfig,
        rng: StreamRng,
        class_rng: StreamRng,
    ) -> Self {
        ClientActor {
            arrivals,
            cfg,
            rng,
            class_rng,
            attempts: Slab::default(),
            timeouts: 0,
            retries: 0,
            interval_arrivals: 0,
            interval_attempts: 0,
            interval_timeouts: 0,
        }
    }

    /// The class of a new request, drawn by the shares of the workload's
    /// classes from a stream of its own (so that declaring classes changes
    /// neither arrivals nor jitter).
    fn draw_class(&mut self) -> u8 {
        if self.cfg.class_shares.len() <= 1 {
            return 0;
        }
        let x: f64 = self.class_rng.random();
        let mut acc = 0.0;
        for (i, share) in self.cfg.class_shares.iter().enumerate() {
            acc += share;
            if x < acc {
                return i as u8;
            }
        }
        (self.cfg.class_shares.len() - 1) as u8
    }

    /// The first arrival, to be scheduled when the run starts.
    pub fn first_arrival(&mut self) -> Option<SimTime> {
        self.arrivals.next_arrival()
    }

    fn start_attempt(&mut self, req: RequestId, ctx: &mut Ctx<'_>) {
        let key = self.attempts.insert(Attempt {
            req,
            abandoned: false,
        });
        self.interval_attempts += 1;
        call(ctx, self.cfg.entry, req, key.slot, Endpoint::Any);
        if let Some(timeout) = self.cfg.client.timeout {
            ctx.schedule_fixed(timeout, ClientTimer::Timeout(key).into());
        }
    }

    fn answered(&mut self, token: u32, ok: bool, ctx: &mut Ctx<'_>) {
        // Every call gets exactly one reply: the attempt ends here.
        let Some(attempt) = self.attempts.remove_slot(token) else {
            return;
        };
        if attempt.abandoned {
            return;
        }
        if ok {
            let now = ctx.now();
            ctx.world.requests.respond(attempt.req, now);
        } else {
            self.retry_or_fail(attempt.req, ctx);
        }
    }

    fn retry_or_fail(&mut self, req: RequestId, ctx: &mut Ctx<'_>) {
        let Some(state) = ctx.world.requests.get_mut(req) else {
            return;
        };
        if state.attempts <= self.cfg.client.retries {
            let k = state.attempts - 1;
            state.attempts += 1;
            if state.counted {
                self.retries += 1;
            }
            let wait = self.backoff(k);
            ctx.schedule(wait, ClientTimer::Retry(req).into());
        } else {
            ctx.world.requests.fail(req);
        }
    }

    /// A request arrives: its first attempt goes out, and the next arrival
    /// is set.
    fn arrival(&mut self, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        let class = self.draw_class();
        let req = ctx
            .world
            .requests
            .open(now, now >= self.cfg.warmup_end, class);
        self.interval_arrivals += 1;
        self.start_attempt(req, ctx);
        if let Some(next) = self.arrivals.next_arrival() {
            let me = ctx.me();
            ctx.send_at_in_series(me, next, ClientTimer::NextArrival.into());
        }
    }

    /// The attempt got no reply in time: it is abandoned, and retried or failed.
    fn timed_out(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(attempt) = self.attempts.get_mut(key) else {
            return; // answered before the timeout
        };
        if !attempt.abandoned {
            attempt.abandoned = true;
            let req = attempt.req;
            self.interval_timeouts += 1;
            if ctx.world.requests.get(req).is_some_and(|r| r.counted) {
                self.timeouts += 1;
            }
            self.retry_or_fail(req, ctx);
        }
    }

    /// The wait before retry `k` (0-based): capped exponential with jitter.
    fn backoff(&mut self, k: u32) -> SimDuration {
        let b = &self.cfg.client.backoff;
        let exp = b.multiplier.powi(k.min(1000) as i32);
        let wait = (b.base.as_secs_f64() * exp).min(b.max.as_secs_f64());
        let secs = match b.jitter {
            Jitter::None => wait,
            Jitter::Full => self.rng.random_range(0.0..=wait),
            Jitter::Equal => wait / 2.0 + self.rng.random_range(0.0..=wait / 2.0),
        };
        SimDuration::from_secs_f64(secs)
    }
}

impl Component for ClientActor {
    type Timer = ClientTimer;

    fn on_reply(&mut self, token: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        self.answered(token, outcome.is_ok(), ctx);
    }

    fn on_timer(&mut self, timer: ClientTimer, ctx: &mut Ctx<'_>) {
        match timer {
            ClientTimer::NextArrival => self.arrival(ctx),
            ClientTimer::Timeout(attempt) => self.timed_out(attempt, ctx),
            ClientTimer::Retry(req) => {
                if ctx.world.requests.get(req).is_some() {
                    self.start_attempt(req, ctx);
                }
            }
        }
    }

    fn start_window(&mut self, _now: SimTime) {
        self.timeouts = 0;
        self.retries = 0;
    }

    fn sample(&mut self, _now: SimTime, out: &mut IntervalSink<'_>) {
        out.put(Metric::Arrivals, self.interval_arrivals as f64);
        out.put(Metric::Attempts, self.interval_attempts as f64);
        out.put(Metric::Timeouts, self.interval_timeouts as f64);
        self.interval_arrivals = 0;
        self.interval_attempts = 0;
        self.interval_timeouts = 0;
    }

    /// `handled` counts the retries and `errors` the timeouts of the window.
    fn report(&mut self, _now: SimTime) -> ComponentReport {
        ComponentReport {
            handled: self.retries,
            errors: self.timeouts,
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_invert_piecewise_intensity_exactly() {
        // Rate 1 until 10 s, then 0 until 20 s, then 2.
        let steps = vec![
            (SimTime::from_secs_f64(10.0), 0.0),
            (SimTime::from_secs_f64(20.0), 2.0),
        ];
        let mut cursor = 0;
        assert_eq!(advance_steps(1.0, &steps, &mut cursor, 0.0, 4.0), Some(4.0));
        // From 8 s: 2 units of work before 10 s, nothing while the rate is
        // zero, the remaining 0.5 at rate 2 from 20 s.
        let mut cursor = 0;
        assert_eq!(
            advance_steps(1.0, &steps, &mut cursor, 8.0, 2.5),
            Some(20.25)
        );
        assert_eq!(cursor, 2);
        // Rate zero for ever: no more arrivals.
        let mut cursor = 0;
        assert_eq!(advance_steps(0.0, &[], &mut cursor, 0.0, 1.0), None);
    }

    #[test]
    fn diurnal_inversion_hits_the_integral() {
        let (min, max, peak, period) = (50.0, 400.0, 50_400.0, 86_400.0);
        let a = (min + max) / 2.0;
        let b = (max - min) / 2.0;
        let w = std::f64::consts::TAU / period;
        let cum = |t: f64| a * t + b / w * (w * (t - peak)).sin();
        for from in [0.0, 1000.0, 50_400.0, 80_000.0] {
            for work in [0.01, 1.0, 5000.0] {
                let t = advance_diurnal(min, max, peak, period, from, work).unwrap();
                let err = (cum(t) - cum(from) - work).abs();
                assert!(
                    err < 1e-9 * cum(t).abs().max(1.0),
                    "from {from} work {work}: {err}"
                );
            }
        }
    }
}
