//! Amazon RDS Proxy: callers connect to it freely (it multiplexes their
//! sessions); per call it borrows one of its connections to the database,
//! forwards the call on it and gives it back when the answer comes.
//!
//! The proxy opens a connection to the database the first time it needs
//! one more (at most `max_connections`, its share of the database's) and
//! keeps it open. A call that finds none free waits, first come first
//! served, for at most `borrow_timeout`, then fails (a connection error).
//!
//! A `pinning` fraction of sessions pins: such a session keeps the
//! connection of its first borrow until the caller closes the session (a
//! Lambda execution environment reclaimed, an instance terminated), and
//! the proxy then closes it (its session state cannot be shared). A
//! caller's session is [`Endpoint::Session`]; a fleet instance's session
//! stands for its pool of `size` client connections, each of which pins
//! with probability `pinning` (drawn on the session's first call from the
//! proxy's own stream), and a call of the instance uses a free pinned
//! connection of its session before it borrows.

use std::collections::{BTreeMap, VecDeque};

use super::faults::FaultState;
use super::monthly::Projection;
use super::{Call, Component, Ctx, Endpoint, Msg, Outcome, call, refuse, reply};
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink, MeanDuration, TimeAverage};
use crate::time::{SimDuration, SimTime};
use rand::RngExt;

/// A proxy's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyTimer {
    /// The borrow has waited `borrow_timeout`: it fails if it still waits.
    BorrowTimeout(Key),
}

/// The settings a proxy is built from.
#[derive(Clone, Debug)]
pub struct DbProxyConfig {
    /// The database the calls go to.
    pub database: ActorId,
    /// Connections the proxy may open to it.
    pub max_connections: u32,
    /// Longest wait for a connection.
    pub borrow_timeout: SimDuration,
    /// Chance that a client connection pins its database connection.
    pub pinning: f64,
    /// Client connections a caller's session stands for (a fleet
    /// instance's pool); 1 for a caller not listed (a Lambda environment).
    pub session_sizes: Vec<(ActorId, u32)>,
    /// [USD per hour]: the price per vCPU-hour times the vCPUs billed.
    pub per_hour: f64,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
}

/// A caller's session.
#[derive(Clone, Copy, Debug)]
struct Session {
    /// Tells this session from a later one of the same caller and number.
    serial: u64,
    /// Its client connections that pin.
    pins: u32,
    /// Database connections pinned to it.
    pinned: u32,
    /// Of those, in use by a call.
    pinned_busy: u32,
}

/// What a call in the proxy has of a connection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Held {
    /// None yet: it waits.
    Waiting,
    /// A pooled connection (`opened`: the call opens it first).
    Pooled { opened: bool },
    /// A connection pinned to its session.
    Pinned,
}

/// A call in the proxy.
#[derive(Clone, Copy, Debug)]
struct Borrow {
    call: Call,
    arrived: SimTime,
    /// The caller's session and its serial, if any.
    session: Option<((ActorId, u32), u64)>,
    held: Held,
}

/// An RDS Proxy in front of one database.
#[derive(Debug)]
pub struct DbProxy {
    cfg: DbProxyConfig,
    /// The pinning draws.
    rng: StreamRng,
    faults: FaultState,
    sessions: BTreeMap<(ActorId, u32), Session>,
    next_serial: u64,
    borrows: Slab<Borrow>,
    waiting: VecDeque<Key>,
    /// Connections open to the database.
    open: u32,
    /// Being opened by a call.
    opening: u32,
    /// Open ones in use by a call or pinned.
    in_use: u32,
    /// Connections borrowed (in use or being opened), over time.
    borrowed: TimeAverage,
    calls: CallStats,
    interval_waits: MeanDuration,
    interval_waited: u64,
    window_waits: MeanDuration,
    interval_timeouts: u64,
    max_waiting: u64,
    window_start: SimTime,
}

impl DbProxy {
    /// A proxy drawing its pinning from `rng`.
    pub fn new(cfg: DbProxyConfig, rng: StreamRng, faults: FaultState) -> Self {
        DbProxy {
            cfg,
            rng,
            faults,
            sessions: BTreeMap::new(),
            next_serial: 0,
            borrows: Slab::default(),
            waiting: VecDeque::new(),
            open: 0,
            opening: 0,
            in_use: 0,
            borrowed: TimeAverage::default(),
            calls: CallStats::default(),
            interval_waits: MeanDuration::default(),
            interval_waited: 0,
            window_waits: MeanDuration::default(),
            interval_timeouts: 0,
            max_waiting: 0,
            window_start: SimTime::ZERO,
        }
    }

    /// The session of `caller` numbered `id`, opened on its first call:
    /// each of its client connections pins with chance `pinning`.
    fn session(&mut self, caller: ActorId, id: u32) -> ((ActorId, u32), u64) {
        let key = (caller, id);
        if let Some(s) = self.sessions.get(&key) {
            return (key, s.serial);
        }
        let size = self
            .cfg
            .session_sizes
            .iter()
            .find(|(a, _)| *a == caller)
            .map_or(1, |&(_, n)| n);
        let pins = if self.cfg.pinning > 0.0 {
            (0..size)
                .filter(|_| self.rng.random::<f64>() < self.cfg.pinning)
                .count() as u32
        } else {
            0
        };
        let serial = self.next_serial;
        self.next_serial += 1;
        self.sessions.insert(
            key,
            Session {
                serial,
                pins,
                pinned: 0,
                pinned_busy: 0,
            },
        );
        (key, serial)
    }

    /// The live session of a borrow, if it is still open.
    fn session_of(&mut self, b: &Borrow) -> Option<&mut Session> {
        let (key, serial) = b.session?;
        self.sessions.get_mut(&key).filter(|s| s.serial == serial)
    }

    /// Gives borrow `key` a free connection pinned to its session, or (if
    /// `pooled`: no call waits before it) one of the pool's free or to be
    /// opened, and forwards its call; false when it must wait.
    fn try_borrow(&mut self, key: Key, pooled: bool, ctx: &mut Ctx<'_>) -> bool {
        let now = ctx.now();
        let Some(&b) = self.borrows.get(key) else {
            return true;
        };
        let pinned_free = self
            .session_of(&b)
            .filter(|s| s.pinned > s.pinned_busy)
            .map(|s| s.pinned_busy += 1)
            .is_some();
        let held = if pinned_free {
            Held::Pinned
        } else if !pooled {
            return false;
        } else if self.open > self.in_use {
            self.in_use += 1;
            self.borrowed.incr(now);
            Held::Pooled { opened: false }
        } else if self.open + self.opening < self.cfg.max_connections {
            self.opening += 1;
            self.borrowed.incr(now);
            Held::Pooled { opened: true }
        } else {
            return false;
        };
        let endpoint = if held == (Held::Pooled { opened: true }) {
            Endpoint::Connect
        } else {
            Endpoint::Any
        };
        if let Some(b) = self.borrows.get_mut(key) {
            b.held = held;
        }
        let wait = now.since(b.arrived);
        self.interval_waits.record(wait);
        if wait > SimDuration::ZERO {
            self.interval_waited += 1;
        }
        if now >= self.window_start {
            self.window_waits.record(wait);
        }
        call(ctx, self.cfg.database, b.call.req, key.slot, endpoint);
        true
    }

    /// Waiting calls take the connections free, in order.
    fn wake(&mut self, ctx: &mut Ctx<'_>) {
        while let Some(&key) = self.waiting.front() {
            if !self.try_borrow(key, true, ctx) {
                return;
            }
            self.waiting.pop_front();
        }
    }

    /// The connection of borrow `b`, whose call ended with `outcome`, is
    /// free again, pinned to its session, or (a refused opening) never was.
    fn give_back(&mut self, b: &Borrow, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let now = ctx.now();
        match b.held {
            Held::Waiting => return,
            Held::Pinned => {
                if let Some(s) = self.session_of(b) {
                    s.pinned_busy -= 1;
                    return;
                }
                // Its session closed meanwhile: so does the connection.
                self.close(1, ctx);
                return;
            }
            Held::Pooled { opened: true } => {
                self.opening -= 1;
                if !matches!(outcome, Outcome::Ok | Outcome::Error) {
                    // Refused (too many connections) or the database is down.
                    self.borrowed.decr(now);
                    return;
                }
                self.open += 1;
                self.in_use += 1;
            }
            Held::Pooled { opened: false } => {}
        }
        if let Some(s) = self.session_of(b).filter(|s| s.pinned < s.pins) {
            // The session's state pins the connection it used.
            s.pinned += 1;
            return;
        }
        self.in_use -= 1;
        self.borrowed.decr(now);
    }

    /// Closes `count` connections in use (pinned to a closed session).
    fn close(&mut self, count: u32, ctx: &mut Ctx<'_>) {
        if count == 0 {
            return;
        }
        let now = ctx.now();
        self.open -= count;
        self.in_use -= count;
        let level = self.borrowed.level();
        self.borrowed
            .set(now, level.saturating_sub(u64::from(count)));
        ctx.send(
            self.cfg.database,
            SimDuration::ZERO,
            Msg::Disconnect { count },
        );
    }

    fn on_borrow_timeout(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(b) = self.borrows.get(key) else {
            return;
        };
        if b.held != Held::Waiting {
            return;
        }
        let Some(b) = self.borrows.remove(key) else {
            return;
        };
        self.waiting.retain(|&k| k != key);
        self.interval_timeouts += 1;
        self.calls.answered(false, ctx.now().since(b.arrived));
        reply(ctx, b.call, Outcome::Error);
    }

    /// The bill of `hours` hours.
    fn cost(&self, hours: f64) -> f64 {
        self.cfg.per_hour * hours
    }
}

impl Component for DbProxy {
    type Timer = ProxyTimer;

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        self.calls.arrived();
        if self.faults.is_down() {
            refuse(ctx, &mut self.calls, call, Outcome::Unavailable);
            return;
        }
        let session = match call.endpoint {
            Endpoint::Session(id) => Some(self.session(call.reply_to, id)),
            _ => None,
        };
        let key = self.borrows.insert(Borrow {
            call,
            arrived: ctx.now(),
            session,
            held: Held::Waiting,
        });
        if !self.try_borrow(key, self.waiting.is_empty(), ctx) {
            self.waiting.push_back(key);
            self.max_waiting = self.max_waiting.max(self.waiting.len() as u64);
            ctx.schedule_fixed(
                self.cfg.borrow_timeout,
                ProxyTimer::BorrowTimeout(key).into(),
            );
        }
    }

    fn on_reply(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(b) = self.borrows.remove_slot(slot) else {
            return;
        };
        self.give_back(&b, outcome, ctx);
        // The database's refusal or outage is the caller's error.
        let outcome = if outcome.is_ok() {
            Outcome::Ok
        } else {
            Outcome::Error
        };
        self.calls
            .answered(outcome.is_ok(), ctx.now().since(b.arrived));
        reply(ctx, b.call, outcome);
        self.wake(ctx);
    }

    fn on_session_end(&mut self, caller: ActorId, session: u32, ctx: &mut Ctx<'_>) {
        let Some(s) = self.sessions.remove(&(caller, session)) else {
            return;
        };
        // Connections in use by a call close when it ends.
        self.close(s.pinned - s.pinned_busy, ctx);
        self.wake(ctx);
    }

    fn on_timer(&mut self, timer: ProxyTimer, ctx: &mut Ctx<'_>) {
        match timer {
            ProxyTimer::BorrowTimeout(key) => self.on_borrow_timeout(key, ctx),
        }
    }

    fn on_fault(&mut self, index: u32, start: bool, _ctx: &mut Ctx<'_>) {
        self.faults.apply(index, start);
    }

    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.calls.start_window();
        self.borrowed.start_window(now);
        self.window_waits.clear();
        self.max_waiting = self.waiting.len() as u64;
    }

    fn sample(&mut self, now: SimTime, out: &mut IntervalSink<'_>) {
        self.calls.sample(out);
        out.put(Metric::Connections, self.borrowed.take_interval_mean(now));
        out.put(
            Metric::ConnectionErrors,
            std::mem::take(&mut self.interval_timeouts) as f64,
        );
        out.put(Metric::BorrowWaitMs, self.interval_waits.mean_ms());
        out.put(
            Metric::BorrowsWaited,
            std::mem::take(&mut self.interval_waited) as f64,
        );
        self.interval_waits.clear();
        out.put(Metric::Waiting, self.waiting.len() as f64);
        out.put(Metric::InFlight, self.borrows.len() as f64);
        out.put(
            Metric::CostUsd,
            self.cost(now.since(SimTime::ZERO).as_secs_f64() / 3600.0),
        );
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let window = now.since(self.window_start);
        let month = Projection {
            month: self.cfg.month,
            window,
        };
        ComponentReport {
            handled: self.calls.handled,
            errors: self.calls.errors,
            utilization: self.borrowed.window_mean(now) / f64::from(self.cfg.max_connections),
            mean_wait_ms: self.window_waits.mean_ms(),
            max_queue: self.max_waiting,
            cost_usd: self.cost(window.as_secs_f64() / 3600.0),
            monthly_cost_usd: self.cost(month.hours()),
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests;
