//! Lanes: the events sent after a delay their sender uses again and again
//! (a client's timeout, a queue's visibility timeout, a constant latency),
//! one first-in, first-out lane per delay.
//!
//! Events sent after the same delay come due in the order they were sent:
//! the clock never goes back and sequence numbers only grow, so a lane is
//! sorted by `(time, sequence)` by construction, and adding or taking an
//! event costs O(1) where the heap costs O(log n). Such timers are what
//! makes a heap large: in the flash sale, a message's 30-second visibility
//! timeout, a 10-second client timeout per attempt and a function's
//! timeout per invocation kept 190,000 events in the heap on average,
//! where the work in progress needed a few hundred.

use std::collections::VecDeque;

use super::Event;

/// Lanes at most; an event sent after yet another delay goes to the heap.
/// Components use a handful of delays each; the earliest lane is found by
/// looking at every lane's first event, so their number stays small.
const MAX_LANES: usize = 16;

/// The lanes of a queue.
#[derive(Debug)]
pub(super) struct Lanes<M> {
    /// The delay of each lane [ns].
    delays: Vec<u64>,
    /// Each lane's events, earliest first.
    lanes: Vec<VecDeque<Event<M>>>,
    /// The key of each lane's first event ([`u128::MAX`] when empty).
    fronts: Vec<u128>,
    /// The least of `fronts` ([`u128::MAX`] when every lane is empty),
    /// compared with the heap's top without looking into the lanes.
    pub(super) min_key: u128,
    /// The lane whose first event has `min_key`.
    min_lane: usize,
    len: usize,
}

impl<M: Copy> Lanes<M> {
    pub(super) fn new() -> Self {
        Lanes {
            delays: Vec::new(),
            lanes: Vec::new(),
            fronts: Vec::new(),
            min_key: u128::MAX,
            min_lane: 0,
            len: 0,
        }
    }

    /// The lane of `delay` [ns], opened if there is room for another.
    #[inline]
    pub(super) fn lane_of(&mut self, delay: u64) -> Option<usize> {
        if let Some(i) = self.delays.iter().position(|&d| d == delay) {
            return Some(i);
        }
        if self.delays.len() == MAX_LANES {
            return None;
        }
        self.delays.push(delay);
        self.lanes.push(VecDeque::new());
        self.fronts.push(u128::MAX);
        Some(self.delays.len() - 1)
    }

    /// Adds `event`, sent after lane `lane`'s delay, to it: after every
    /// event already there, so only an empty lane's first event changes.
    #[inline]
    pub(super) fn push(&mut self, lane: usize, event: Event<M>) {
        let queue = &mut self.lanes[lane];
        debug_assert!(
            queue.back().is_none_or(|last| last.key() < event.key()),
            "a lane's events come due in the order they were sent"
        );
        if queue.is_empty() {
            let key = event.key();
            self.fronts[lane] = key;
            if key < self.min_key {
                self.min_key = key;
                self.min_lane = lane;
            }
        }
        queue.push_back(event);
        self.len += 1;
    }

    /// Removes the earliest event of all lanes (there must be one).
    pub(super) fn take(&mut self) -> Event<M> {
        let lane = self.min_lane;
        let queue = &mut self.lanes[lane];
        let Some(event) = queue.pop_front() else {
            unreachable!("the lanes' least key said lane {lane} had an event")
        };
        self.fronts[lane] = queue.front().map_or(u128::MAX, Event::key);
        self.len -= 1;
        let (min_lane, min_key) = self
            .fronts
            .iter()
            .copied()
            .enumerate()
            .min_by_key(|&(_, key)| key)
            .unwrap_or((0, u128::MAX));
        self.min_key = min_key;
        self.min_lane = min_lane;
        event
    }

    /// Events waiting in the lanes.
    pub(super) fn len(&self) -> usize {
        self.len
    }
}
