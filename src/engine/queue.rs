//! The pending events, delivered by `(time, sequence)`.
//!
//! Zero-delay messages (a call handed from one component to the next at the
//! same instant) are the most common events. They go to a FIFO instead of the
//! heap: their time is `now` and their sequence numbers grow, so the FIFO is
//! already sorted, and delivering the smaller of the FIFO's front and the
//! heap's top gives exactly the order a single heap would, at a fraction of
//! the cost.
//!
//! One event of a series (events each scheduled while the previous one is
//! handled, such as the arrivals of a workload) waits beside the heap
//! rather than in it: it is compared with the heap's top, never sifted
//! through it. In an M/M/c that is every other timed event.
//!
//! Events sent after a delay the sender uses again and again (a timeout, a
//! constant latency) wait in a lane per delay ([`lanes`]), first in, first
//! out: they come due in the order they were sent, so only each lane's
//! first event is compared with the rest. The series' event and the
//! lanes' earliest are kept as one key beside the heap's top.
//!
//! The heap is a 4-ary min-heap written here rather than std's
//! `BinaryHeap`: std's `push` writes the new event at the end and reads it
//! back at once to sift it up. Events are written field by field (a `u32`
//! here, a `u64` there) and read back as whole 16-byte words, a pattern the
//! processor cannot forward from its store buffer: each such read waits for
//! the writes to reach the cache. Here an event travels in registers while
//! it sifts and is written once, where it belongs. Four children per node
//! rather than two halve the number of levels an event moves through.
//!
//! An event due now is read back as soon as the handler that sent it
//! returns, while its writes are still in the store buffer: the FIFO writes
//! and reads it as whole 8-byte words (volatile, so the compiler can
//! neither split nor merge them), each read then taken from one write. A
//! plain copy wrote a call field by field and read it in 16-byte pieces
//! that waited for the cache (a sixth of the engine loop's samples on the
//! three tiers); word by word, whole runs take 3% less time there and 2%
//! less on the M/M/16. These two functions are the crate's only `unsafe`
//! code.

mod lanes;

use std::mem::MaybeUninit;

use super::ActorId;
use crate::time::{SimDuration, SimTime};
use lanes::Lanes;

/// One scheduled delivery.
#[derive(Clone, Copy, Debug)]
pub(super) struct Event<M> {
    pub(super) time: SimTime,
    seq: u64,
    pub(super) target: ActorId,
    pub(super) msg: M,
}

impl<M: Copy> Event<M> {
    /// A copy of this event due after every other: fills the heap's
    /// padding slots.
    #[inline(always)]
    fn padding(&self) -> Event<M> {
        Event {
            time: SimTime(u64::MAX),
            seq: u64::MAX,
            ..*self
        }
    }

    /// The delivery order: earlier time first, then first scheduled first.
    /// One `u128` compares without a branch on the tie.
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time.0) << 64) | u128::from(self.seq)
    }
}

/// Which of the queue's two parts holds the earliest event.
#[derive(Clone, Copy, Debug)]
pub(super) enum Source {
    /// The FIFO of events due now.
    Fifo,
    /// The heap of later events.
    Heap,
    /// The series' pending event.
    Series,
    /// The earliest of the lanes' events.
    Lane,
}

/// The pending events, ordered by `(time, sequence)`.
#[derive(Debug)]
pub struct EventQueue<M> {
    /// A min-heap by [`Event::key`] with [`ARITY`] children per node:
    /// `heap[i]` is due no later than its children. Its first `heap_len`
    /// slots hold the events; at least `ARITY - 1` slots after them hold
    /// copies keyed [`u128::MAX`] (due after everything), so every node
    /// compares four children, even the last one with fewer: no loop over
    /// a partial node, whose branches the predictor cannot learn.
    heap: Vec<Event<M>>,
    heap_len: usize,
    /// The events due now, in scheduling order, from `fifo_head` on: a
    /// plain vector emptied whenever its last event is taken (the clock
    /// cannot move while it holds any), cheaper than a ring buffer's
    /// wrap-around on every push and pop.
    now_fifo: Vec<Event<M>>,
    fifo_head: usize,
    /// The series' pending event, if any, and its key ([`u128::MAX`] when
    /// there is none), read without unpacking the `Option`.
    series: Option<Event<M>>,
    series_key: u128,
    /// The events sent after a delay used again and again, a lane per
    /// delay (see [`lanes`]).
    lanes: Lanes<M>,
    /// The earlier of the series' event and the lanes' earliest (its key,
    /// [`u128::MAX`] when neither has one, and whether it is the lanes'),
    /// so that finding the next event compares the heap's top with one
    /// key beside it, as it did before the lanes.
    beside_key: u128,
    beside_is_lane: bool,
    next_seq: u64,
    pub(super) now: SimTime,
}

impl<M: Copy> EventQueue<M> {
    pub(super) fn new() -> Self {
        EventQueue {
            heap: Vec::with_capacity(1024),
            heap_len: 0,
            now_fifo: Vec::with_capacity(256),
            fifo_head: 0,
            series: None,
            series_key: u128::MAX,
            lanes: Lanes::new(),
            beside_key: u128::MAX,
            beside_is_lane: false,
            next_seq: 0,
            now: SimTime::ZERO,
        }
    }

    /// Schedules `msg` for `target` at `time` (not in the past).
    ///
    /// Inlined into every place that schedules, sifting included: a message
    /// is built right where it is stored, and each place's sift-up branch is
    /// predicted on its own (an out-of-line sift-up shared by all of them
    /// mispredicted more, by cachegrind's count, and measured slower).
    #[inline(always)]
    pub(super) fn push(&mut self, time: SimTime, target: ActorId, msg: M) {
        let event = self.stamp(time, target, msg);
        if time == self.now {
            // Checked here rather than left to `reserve`, which measured
            // 1–2% slower on the three tiers.
            if self.now_fifo.len() == self.now_fifo.capacity() {
                self.now_fifo.reserve(1);
            }
            let len = self.now_fifo.len();
            // SAFETY: capacity for one more was reserved; the slot is
            // written whole (a copy of a valid event) before the length
            // counts it.
            unsafe {
                store_words(self.now_fifo.as_mut_ptr().add(len), event);
                self.now_fifo.set_len(len + 1);
            }
        } else {
            self.heap_push(event);
        }
    }

    /// Schedules `msg` for `target` after `delay`, a delay the sender uses
    /// for many events: in the lane of that delay, if it has one or there
    /// is room for it, else as [`EventQueue::push`] would. Either way it is
    /// delivered in the same order.
    #[inline]
    pub(super) fn push_fixed(&mut self, delay: SimDuration, target: ActorId, msg: M) {
        let time = self.now + delay;
        if delay == SimDuration::ZERO {
            self.push(time, target, msg);
            return;
        }
        match self.lanes.lane_of(delay.0) {
            Some(lane) => {
                let event = self.stamp(time, target, msg);
                self.lanes.push(lane, event);
                self.update_beside();
            }
            None => self.push(time, target, msg),
        }
    }

    /// Schedules the next event of the series: beside the heap if the
    /// series has no event pending, else (a second series) in the heap like
    /// any other. Either way it is delivered in the same order.
    #[inline(always)]
    pub(super) fn push_series(&mut self, time: SimTime, target: ActorId, msg: M) {
        if self.series.is_some() {
            self.push(time, target, msg);
            return;
        }
        let event = self.stamp(time, target, msg);
        self.series_key = event.key();
        self.series = Some(event);
        self.update_beside();
    }

    /// Recomputes which comes first beside the heap, after the series or
    /// the lanes changed.
    #[inline(always)]
    fn update_beside(&mut self) {
        let lanes_key = self.lanes.min_key;
        self.beside_is_lane = lanes_key < self.series_key;
        self.beside_key = lanes_key.min(self.series_key);
    }

    /// The event of `msg` for `target` at `time`, with the next sequence
    /// number.
    #[inline(always)]
    fn stamp(&mut self, time: SimTime, target: ActorId, msg: M) -> Event<M> {
        debug_assert!(time >= self.now, "an event was scheduled in the past");
        let seq = self.next_seq;
        self.next_seq += 1;
        Event {
            time,
            seq,
            target,
            msg,
        }
    }

    /// Where the earliest event waits, if it is due before `end`.
    #[inline(always)]
    pub(super) fn next_before(&self, end: SimTime) -> Option<Source> {
        let heap_key = self.heap_top().map_or(u128::MAX, Event::key);
        if let Some(front) = self.now_fifo.get(self.fifo_head) {
            // FIFO events are due now; another goes first only if it is
            // due now too and was scheduled earlier.
            let key = front.key();
            if heap_key > key && self.beside_key > key {
                return (front.time < end).then_some(Source::Fifo);
            }
        }
        let (source, key) = if heap_key < self.beside_key {
            (Source::Heap, heap_key)
        } else if self.beside_is_lane {
            (Source::Lane, self.beside_key)
        } else {
            (Source::Series, self.beside_key)
        };
        // `u128::MAX`: nothing pending (no event has that key).
        (key != u128::MAX && ((key >> 64) as u64) < end.0).then_some(source)
    }

    /// Removes the earliest event, found by [`EventQueue::next_before`] in
    /// `source`, and moves the clock to its time.
    #[inline(always)]
    pub(super) fn take(&mut self, source: Source) -> (ActorId, M) {
        // Copied out by index, not through `Option`s: an `Option` of an
        // event keeps its `None` in the message's tag, and the compiler
        // then copies the rest of the message in overlapping pieces that
        // stall on the store buffer.
        let event = match source {
            Source::Fifo => {
                let e = load_words(&self.now_fifo[self.fifo_head]);
                self.fifo_head += 1;
                if self.fifo_head == self.now_fifo.len() {
                    self.now_fifo.clear();
                    self.fifo_head = 0;
                }
                e
            }
            Source::Heap => self.heap_take_top(),
            Source::Series => {
                self.series_key = u128::MAX;
                self.update_beside();
                match self.series.take() {
                    Some(e) => e,
                    None => unreachable!("the series' key said it had an event"),
                }
            }
            Source::Lane => {
                let e = self.lanes.take();
                self.update_beside();
                e
            }
        };
        self.now = event.time;
        (event.target, event.msg)
    }

    /// Moves the clock to `end` (later than every event delivered so far).
    pub(super) fn advance_to(&mut self, end: SimTime) {
        self.now = end;
        // Events left in the FIFO are due before `end`; once the clock moves
        // they belong in the heap with everything else in the future.
        for i in self.fifo_head..self.now_fifo.len() {
            let e = self.now_fifo[i];
            self.heap_push(e);
        }
        self.now_fifo.clear();
        self.fifo_head = 0;
    }

    /// Number of events waiting.
    pub fn len(&self) -> usize {
        self.heap_len + self.now_fifo.len() - self.fifo_head
            + usize::from(self.series.is_some())
            + self.lanes.len()
    }

    /// True when nothing is scheduled.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The heap's earliest event, if any.
    #[inline(always)]
    fn heap_top(&self) -> Option<&Event<M>> {
        if self.heap_len > 0 {
            Some(&self.heap[0])
        } else {
            None
        }
    }

    /// Adds `event` to the heap: parents due later move down one level
    /// until its place is found.
    #[inline(always)]
    fn heap_push(&mut self, event: Event<M>) {
        let pos = self.heap_len;
        self.heap_len += 1;
        // Keep `ARITY - 1` padding slots after the last event.
        while self.heap.len() < self.heap_len + ARITY - 1 {
            self.heap.push(event.padding());
        }
        sift_up(&mut self.heap, pos, event);
    }

    /// Removes the heap's earliest event (the heap must not be empty).
    ///
    /// The last event takes the top's place and sinks below every child due
    /// earlier than it; its old slot becomes padding. The earliest of the
    /// four children is found without a branch: which one it is, is a coin
    /// toss no predictor can learn. (Sinking the hole to the bottom first
    /// and letting the last event rise from there, as std's
    /// `BinaryHeap::pop` does, measured slower: in these heaps the last
    /// event is not especially late, so it rose back most of the way, and
    /// every level costs a 48-byte move.)
    #[inline]
    fn heap_take_top(&mut self) -> Event<M> {
        let top = self.heap[0];
        let n = self.heap_len - 1;
        self.heap_len = n;
        let last = self.heap[n];
        self.heap[n] = last.padding();
        if n > 0 {
            let heap = &mut self.heap[..];
            let key = last.key();
            let mut pos = 0;
            let mut child = 1;
            // Children at `n` and beyond are padding, due after everything.
            while child < n {
                let a = child + usize::from(heap[child + 1].key() < heap[child].key());
                let b = child + 2 + usize::from(heap[child + 3].key() < heap[child + 2].key());
                let earliest = if heap[b].key() < heap[a].key() { b } else { a };
                if key < heap[earliest].key() {
                    break;
                }
                heap[pos] = heap[earliest];
                pos = earliest;
                child = ARITY * pos + 1;
            }
            heap[pos] = last;
        }
        top
    }
}

/// Writes `event` to `slot` as whole 8-byte words.
///
/// # Safety
/// `slot` must be valid for writing one event.
#[inline(always)]
unsafe fn store_words<M: Copy>(slot: *mut Event<M>, event: Event<M>) {
    let words = size_of::<Event<M>>() / 8;
    let src = (&raw const event).cast::<MaybeUninit<u64>>();
    let dst = slot.cast::<MaybeUninit<u64>>();
    for i in 0..words {
        // SAFETY: an event is 8-aligned and a multiple of 8 bytes long (its
        // time is a u64); `MaybeUninit` words may hold its padding.
        unsafe { dst.add(i).write_volatile(src.add(i).read()) };
    }
}

/// Reads the event at `slot` as whole 8-byte words.
#[inline(always)]
fn load_words<M: Copy>(slot: &Event<M>) -> Event<M> {
    let words = size_of::<Event<M>>() / 8;
    let mut out = MaybeUninit::<Event<M>>::uninit();
    let src = (slot as *const Event<M>).cast::<MaybeUninit<u64>>();
    let dst = out.as_mut_ptr().cast::<MaybeUninit<u64>>();
    for i in 0..words {
        // SAFETY: as in `store_words`; every word of `out` is written.
        unsafe { dst.add(i).write(src.add(i).read_volatile()) };
    }
    // SAFETY: a byte-for-byte copy of a valid event.
    unsafe { out.assume_init() }
}

/// Children per node of the heap: `heap[i]`'s are `heap[4i + 1..=4i + 4]`.
/// Four halve the depth of a binary heap, so an event moves half as often;
/// finding the earliest of four children costs three comparisons, but
/// comparing is cheaper than moving a 48-byte event.
const ARITY: usize = 4;

/// Places `event` at `heap[pos]`, a hole, or higher: parents due later
/// than it move down one level until its place is found.
#[inline(always)]
fn sift_up<M: Copy>(heap: &mut [Event<M>], mut pos: usize, event: Event<M>) {
    let key = event.key();
    while pos > 0 {
        let parent = (pos - 1) / ARITY;
        let p = heap[parent];
        if p.key() <= key {
            break;
        }
        heap[pos] = p;
        pos = parent;
    }
    heap[pos] = event;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Whatever is scheduled, and however pushes and pops interleave,
        /// events come out by `(time, sequence)`: the order one sorted list
        /// of everything scheduled would give.
        #[test]
        fn delivers_by_time_then_scheduling_order(
            ops in prop::collection::vec((0u64..6, 0u64..50, 0u32..3), 1..400)
        ) {
            let mut q = EventQueue::new();
            // Everything pending, as (time, seq, msg), and the next seq.
            let mut pending: Vec<(u64, u64, u32)> = Vec::new();
            let mut seq = 0;
            for (i, &(kind, delay, target)) in ops.iter().enumerate() {
                if kind == 0 {
                    // Pop: the smallest (time, seq) of the model, if due.
                    let end = SimTime(q.now.0 + 30);
                    pending.sort_unstable();
                    let expected = pending.first().filter(|e| e.0 < end.0).copied();
                    let got = q.next_before(end).map(|s| q.take(s));
                    prop_assert_eq!(got.map(|(_, m)| m), expected.map(|e| e.2));
                    if expected.is_some() {
                        prop_assert_eq!(q.now.0, expected.unwrap().0);
                        pending.remove(0);
                    }
                } else {
                    // Push; a zero delay takes the FIFO, kind 4 the
                    // series (or the heap, when the series has an event),
                    // kind 5 the lane of its delay (up to 50 delays: more
                    // than there are lanes, so some take the heap).
                    let delay = if kind == 1 { 0 } else { delay };
                    let msg = i as u32;
                    let at = SimTime(q.now.0 + delay);
                    if kind == 4 {
                        q.push_series(at, ActorId(target), msg);
                    } else if kind == 5 {
                        q.push_fixed(SimDuration(delay), ActorId(target), msg);
                    } else {
                        q.push(at, ActorId(target), msg);
                    }
                    pending.push((q.now.0 + delay, seq, msg));
                    seq += 1;
                }
                prop_assert_eq!(q.len(), pending.len());
            }
            // The clock jumps: what is left drains in order.
            q.advance_to(SimTime(q.now.0 + 1));
            pending.sort_unstable();
            for e in pending {
                let source = q.next_before(SimTime::NEVER);
                prop_assert!(source.is_some());
                let (_, m) = q.take(source.unwrap());
                prop_assert_eq!(m, e.2);
            }
            prop_assert!(q.is_empty());
        }
    }
}
