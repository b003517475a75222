//! Test doubles for the unit tests of one component at a time: a small
//! engine, a scripted callee, and a caller and a dead-letter queue that
//! record what reaches them.

use std::cell::RefCell;
use std::convert::Infallible;
use std::rc::Rc;

use super::requests::RequestId;
use super::world::World;
use super::{Call, Component, Ctx, DynComponent, Endpoint, Msg, Outcome};
use crate::engine::{ActorId, Engine};
use crate::metric::Metric;
use crate::stats::{ComponentReport, IntervalSink, Sample};
use crate::time::{SimDuration, SimTime};

/// The statistics of a test double: none.
macro_rules! no_statistics {
    () => {
        fn start_window(&mut self, _: SimTime) {}

        fn sample(&mut self, _: SimTime, _: &mut IntervalSink<'_>) {}

        fn report(&mut self, _: SimTime) -> ComponentReport {
            ComponentReport::default()
        }
    };
}

/// What a test double records, shared with the test.
pub type Log<T> = Rc<RefCell<Vec<T>>>;

/// A few components on an engine of their own, actor `i` being
/// `actors[i]`.
pub struct Rig {
    /// The engine.
    pub engine: Engine<Msg>,
    /// The shared state.
    pub world: World,
    /// The components.
    pub actors: Vec<Box<dyn DynComponent>>,
}

impl Rig {
    /// The components, started at time zero.
    pub fn new(actors: Vec<Box<dyn DynComponent>>) -> Self {
        let mut engine = Engine::new();
        for i in 0..actors.len() {
            engine.schedule(SimTime::ZERO, ActorId(i as u32), Msg::Start);
        }
        Rig {
            engine,
            world: World::default(),
            actors,
        }
    }

    /// A new request, arrived at time zero.
    pub fn request(&mut self) -> RequestId {
        self.world.requests.open(SimTime::ZERO, true, 0)
    }

    /// At `at`, actor `from` calls actor `to` with `token`, for `req`.
    pub fn call(&mut self, at: SimTime, from: u32, to: u32, req: RequestId, token: u32) {
        self.call_to(at, from, to, req, token, Endpoint::Any);
    }

    /// The same, to `endpoint` of actor `to`.
    pub fn call_to(
        &mut self,
        at: SimTime,
        from: u32,
        to: u32,
        req: RequestId,
        token: u32,
        endpoint: Endpoint,
    ) {
        let call = Call {
            req,
            reply_to: ActorId(from),
            token,
            endpoint,
        };
        self.engine.schedule(at, ActorId(to), Msg::Call(call));
    }

    /// Actor `from` calls actor `to` at each of `at` (milliseconds), each
    /// time for a new request, with tokens 0, 1, …
    pub fn calls_at(&mut self, from: u32, to: u32, at: &[u64]) {
        for (token, &ms) in at.iter().enumerate() {
            let req = self.request();
            self.call(at_ms(ms), from, to, req, token as u32);
        }
    }

    /// Delivers everything due before `end`.
    pub fn run_until(&mut self, end: SimTime) {
        self.engine
            .run_until(&mut self.actors, &mut self.world, end);
    }

    /// Actor `i`'s report of the window from time zero to now.
    pub fn report(&mut self, i: usize) -> ComponentReport {
        let now = self.engine.now();
        self.actors[i].report(now)
    }

    /// Actor `i`'s metrics of the interval ending now (which starts the
    /// next interval).
    pub fn sample(&mut self, i: usize) -> Sampled {
        let mut rows = Vec::new();
        let time = self.engine.now();
        let mut sink = IntervalSink {
            time,
            component: i as u32,
            rows: &mut rows,
        };
        self.actors[i].sample(time, &mut sink);
        Sampled(rows)
    }
}

/// The metrics a component wrote for one interval.
#[derive(Debug)]
pub struct Sampled(Vec<Sample>);

impl Sampled {
    /// The value of `metric` (NaN if it was not written).
    pub fn get(&self, metric: Metric) -> f64 {
        self.0
            .iter()
            .find(|s| s.metric == metric)
            .map_or(f64::NAN, |s| s.value)
    }
}

/// At `ms` milliseconds.
pub fn at_ms(ms: u64) -> SimTime {
    SimTime::ZERO + SimDuration::from_millis(ms)
}

/// A reply a [`Caller`] got.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Replied {
    /// When.
    pub at: SimTime,
    /// The token of the call.
    pub token: u32,
    /// How it ended.
    pub outcome: Outcome,
}

/// The reply at `ms` milliseconds to the call with `token`, ended `outcome`.
pub fn replied(ms: u64, token: u32, outcome: Outcome) -> Replied {
    Replied {
        at: at_ms(ms),
        token,
        outcome,
    }
}

/// Records the replies to the calls made in its name.
#[derive(Debug, Default)]
pub struct Caller {
    /// What it got, in order.
    pub replies: Log<Replied>,
}

impl Component for Caller {
    type Timer = Infallible;

    fn on_reply(&mut self, token: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let at = ctx.now();
        self.replies
            .borrow_mut()
            .push(Replied { at, token, outcome });
    }

    no_statistics!();
}

/// How a [`Callee`] answers a call: after how long, and how; it is told
/// how many times it saw the call's request before.
pub type Answer = Box<dyn Fn(u32) -> (SimDuration, Outcome)>;

/// Answers every call as its script says, and records the calls in order.
pub struct Callee {
    /// The calls, in the order they came.
    pub log: Log<Call>,
    answer: Answer,
}

impl Callee {
    /// A callee answering by `answer`.
    pub fn new(answer: Answer) -> Self {
        Callee {
            log: Rc::default(),
            answer,
        }
    }
}

impl Component for Callee {
    type Timer = Infallible;

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        let mut log = self.log.borrow_mut();
        let seen = log.iter().filter(|c| c.req == call.req).count();
        log.push(call);
        let (after, outcome) = (self.answer)(seen as u32);
        let reply = Msg::Reply {
            token: call.token,
            outcome,
        };
        ctx.send(call.reply_to, after, reply);
    }

    no_statistics!();
}

/// Records the messages moved to it by a redrive policy: the request and
/// whether it still carries work.
#[derive(Debug, Default)]
pub struct DeadLetters {
    /// What it got, in order.
    pub got: Log<(SimTime, RequestId, bool)>,
}

impl Component for DeadLetters {
    type Timer = Infallible;

    fn on_redrive(&mut self, req: RequestId, accounted: bool, ctx: &mut Ctx<'_>) {
        self.got.borrow_mut().push((ctx.now(), req, !accounted));
    }

    no_statistics!();
}
