//! The discrete-event engine: a clock, an event queue and dispatch.
//!
//! The engine knows nothing about clouds. It moves messages of a type `M`,
//! chosen by the model, to actors that implement [`Actor`], and lends each
//! actor a [`Ctx`] through which it reads the clock, schedules messages and
//! reaches the shared world state `W` (also the model's choice).
//!
//! Order is total and reproducible: events are delivered by `(time, sequence)`,
//! where the sequence number is assigned when the event is scheduled, so
//! same-time events are delivered first-scheduled, first-delivered.
//!
//! Messages are plain `Copy` data: they carry keys into the actors' own
//! state, never owned values, so the hot path allocates nothing and events
//! move through the queue as bytes.

mod queue;

use crate::time::{SimDuration, SimTime};
pub use queue::EventQueue;

/// Identifies an actor: its index in the slice given to [`Engine::run_until`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActorId(pub u32);

/// Something that reacts to messages.
pub trait Actor<M, W> {
    /// Handles one message delivered at `ctx.now()`.
    fn handle(&mut self, msg: M, ctx: &mut Ctx<'_, M, W>);
}

/// A boxed actor is an actor, so a run can hold `Vec<Box<dyn Trait>>`.
impl<M, W, T: Actor<M, W> + ?Sized> Actor<M, W> for Box<T> {
    #[inline]
    fn handle(&mut self, msg: M, ctx: &mut Ctx<'_, M, W>) {
        (**self).handle(msg, ctx);
    }
}

/// What an actor may do while it handles a message.
#[derive(Debug)]
pub struct Ctx<'a, M, W> {
    queue: &'a mut EventQueue<M>,
    me: ActorId,
    /// The model's shared state (request bookkeeping, say).
    pub world: &'a mut W,
}

impl<M: Copy, W> Ctx<'_, M, W> {
    /// The current simulated time.
    #[inline]
    pub fn now(&self) -> SimTime {
        self.queue.now
    }

    /// The actor handling the message.
    #[inline]
    pub fn me(&self) -> ActorId {
        self.me
    }

    /// Delivers `msg` to `target` after `delay`.
    #[inline(always)]
    pub fn send(&mut self, target: ActorId, delay: SimDuration, msg: M) {
        let at = self.queue.now + delay;
        self.queue.push(at, target, msg);
    }

    /// Delivers `msg` to `target` at `at` (not in the past).
    #[inline(always)]
    pub fn send_at(&mut self, target: ActorId, at: SimTime, msg: M) {
        self.queue.push(at.max(self.queue.now), target, msg);
    }

    /// Delivers `msg` to `target` after `delay`, a delay the sender uses
    /// for many events (a configured timeout, a constant latency). The
    /// order of delivery is that of [`Ctx::send`]; the engine keeps the
    /// events of each such delay in a lane of their own, first in, first
    /// out, where the heap would sort them among everything else.
    #[inline(always)]
    pub fn send_fixed(&mut self, target: ActorId, delay: SimDuration, msg: M) {
        self.queue.push_fixed(delay, target, msg);
    }

    /// Delivers `msg` back to this actor after `delay`, a delay it uses
    /// for many events (see [`Ctx::send_fixed`]).
    #[inline(always)]
    pub fn schedule_fixed(&mut self, delay: SimDuration, msg: M) {
        let me = self.me;
        self.send_fixed(me, delay, msg);
    }

    /// Delivers `msg` to `target` at `at` (not in the past) as the next
    /// event of the run's series: a chain of events each scheduled while
    /// the previous one is handled, such as a workload's arrivals. The
    /// order of delivery is that of [`Ctx::send_at`]; the engine only
    /// keeps a series' pending event beside its heap, where it costs a
    /// comparison instead of a sift down and back up.
    #[inline(always)]
    pub fn send_at_in_series(&mut self, target: ActorId, at: SimTime, msg: M) {
        self.queue.push_series(at.max(self.queue.now), target, msg);
    }

    /// Delivers `msg` back to this actor after `delay` (a timer).
    #[inline(always)]
    pub fn schedule(&mut self, delay: SimDuration, msg: M) {
        let me = self.me;
        self.send(me, delay, msg);
    }
}

/// The clock and the event queue of one simulation run.
#[derive(Debug)]
pub struct Engine<M> {
    queue: EventQueue<M>,
    delivered: u64,
}

impl<M: Copy> Default for Engine<M> {
    fn default() -> Self {
        Self::new()
    }
}

impl<M: Copy> Engine<M> {
    /// An engine at time zero with nothing scheduled.
    pub fn new() -> Self {
        Engine {
            queue: EventQueue::new(),
            delivered: 0,
        }
    }

    /// The current simulated time: that of the last delivered event, or the
    /// end of the last [`Engine::run_until`].
    pub fn now(&self) -> SimTime {
        self.queue.now
    }

    /// Events delivered so far.
    pub fn delivered(&self) -> u64 {
        self.delivered
    }

    /// Events still waiting.
    pub fn pending(&self) -> usize {
        self.queue.len()
    }

    /// Schedules `msg` for `target` at `at`, from outside any actor (the
    /// initial events of a run).
    pub fn schedule(&mut self, at: SimTime, target: ActorId, msg: M) {
        self.queue.push(at.max(self.queue.now), target, msg);
    }

    /// As [`Engine::schedule`], as the first event of the run's series
    /// (see [`Ctx::send_at_in_series`]).
    pub fn schedule_in_series(&mut self, at: SimTime, target: ActorId, msg: M) {
        self.queue.push_series(at.max(self.queue.now), target, msg);
    }

    /// Delivers, in order, every event due before `end`, then sets the
    /// clock to `end`. Events at `end` itself stay queued.
    pub fn run_until<W, A>(&mut self, actors: &mut [A], world: &mut W, end: SimTime)
    where
        A: Actor<M, W>,
    {
        while let Some(source) = self.queue.next_before(end) {
            let (target, msg) = self.queue.take(source);
            self.delivered += 1;
            let actor = &mut actors[target.0 as usize];
            let mut ctx = Ctx {
                queue: &mut self.queue,
                me: target,
                world,
            };
            actor.handle(msg, &mut ctx);
        }
        if end > self.queue.now {
            self.queue.advance_to(end);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Records what it receives and, for `n > 0`, sends `n - 1` on to the next actor.
    struct Relay {
        log: Vec<(u64, u32, u32)>,
        next: ActorId,
        delay: SimDuration,
    }

    impl Actor<u32, u64> for Relay {
        fn handle(&mut self, n: u32, ctx: &mut Ctx<'_, u32, u64>) {
            *ctx.world += 1;
            self.log.push((ctx.now().0, ctx.me().0, n));
            if n > 0 {
                ctx.send(self.next, self.delay, n - 1);
            }
        }
    }

    fn relays(delay: SimDuration) -> Vec<Relay> {
        (0..2)
            .map(|i| Relay {
                log: vec![],
                next: ActorId(1 - i),
                delay,
            })
            .collect()
    }

    #[test]
    fn same_time_events_are_delivered_in_scheduling_order() {
        let mut engine = Engine::new();
        let mut actors = relays(SimDuration::ZERO);
        let mut world = 0u64;
        engine.schedule(SimTime(5), ActorId(0), 2);
        engine.schedule(SimTime(5), ActorId(1), 1);
        engine.run_until(&mut actors, &mut world, SimTime(100));
        assert_eq!(world, 5);
        // t=5: a0 gets 2 (seq 0), a1 gets 1 (seq 1), then the relayed 1 to a1
        // (seq 2) and 0 to a0 (seq 3), then 0 to a0 (seq 4).
        assert_eq!(actors[0].log, vec![(5, 0, 2), (5, 0, 0), (5, 0, 0)]);
        assert_eq!(actors[1].log, vec![(5, 1, 1), (5, 1, 1)]);
    }

    #[test]
    fn run_until_stops_before_end_and_resumes() {
        let mut engine = Engine::new();
        let mut actors = relays(SimDuration(10));
        let mut world = 0u64;
        engine.schedule(SimTime(0), ActorId(0), 5);
        engine.run_until(&mut actors, &mut world, SimTime(20));
        // Delivered at 0 and 10; the one due at 20 waits.
        assert_eq!(world, 2);
        assert_eq!(engine.now(), SimTime(20));
        assert_eq!(engine.pending(), 1);
        engine.run_until(&mut actors, &mut world, SimTime(1000));
        assert_eq!(world, 6);
        assert_eq!(actors[1].log.last(), Some(&(50, 1, 0)));
    }

    #[test]
    fn fifo_and_heap_interleave_by_sequence() {
        // An event scheduled for t=7 from outside (heap) before an actor at
        // t=7 relays with zero delay (fifo): the heap one goes first.
        let mut engine = Engine::new();
        let mut actors = relays(SimDuration::ZERO);
        let mut world = 0u64;
        engine.schedule(SimTime(7), ActorId(0), 1);
        engine.schedule(SimTime(7), ActorId(0), 0);
        engine.run_until(&mut actors, &mut world, SimTime(8));
        assert_eq!(actors[0].log, vec![(7, 0, 1), (7, 0, 0)]);
        assert_eq!(actors[1].log, vec![(7, 1, 0)]);
    }
}
