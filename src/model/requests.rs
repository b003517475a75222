//! End-user requests: identity, bookkeeping and outcomes.
//!
//! A request lives in a slab from its arrival until its outcome is known, so
//! memory follows the number of requests in flight, not the number simulated.
//! A generation counter per slot makes a [`RequestId`] of a finished request
//! harmless after its slot is reused.

use crate::stats::Latencies;
use crate::time::SimTime;

/// Identifies one end-user request (all its attempts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestId {
    /// Index in the request slab.
    pub slot: u32,
    /// Which occupant of the slot.
    pub generation: u32,
}

/// What the table knows of a live request.
#[derive(Clone, Copy, Debug)]
pub struct RequestState {
    generation: u32,
    live: bool,
    /// When the first attempt arrived.
    pub arrived: SimTime,
    /// Arrived after the warmup: counts in the results.
    pub counted: bool,
    /// When the client got its successful response, if it has.
    pub responded: Option<SimTime>,
    /// Pieces of asynchronous work still to finish.
    pub outstanding_work: u32,
    /// When the latest piece of work finished.
    pub last_work_done: SimTime,
    /// Attempts made so far (1 for the first).
    pub attempts: u32,
}

/// The shared state of one run that components reach through the context:
/// the live requests and the tally of their outcomes. Whichever component
/// learns that a request ended (the client, or later a queue consumer that
/// finishes its last piece of work) records it here.
#[derive(Debug, Default)]
pub struct World {
    /// Requests in flight.
    pub requests: RequestTable,
    /// Outcomes of the requests counted so far (the measured window).
    pub outcomes: Outcomes,
    /// Outcomes of all requests in the current interval (for `timeseries.csv`).
    pub interval: IntervalOutcomes,
}

/// The tally of the measured window.
#[derive(Debug, Default)]
pub struct Outcomes {
    /// Requests that arrived in the window.
    pub requests: u64,
    /// Success and all work finished.
    pub completed: u64,
    /// Error or timeout after the last retry.
    pub failed: u64,
    /// Success, but some work will never be done.
    pub lost: u64,
    /// What the client waited, for successes.
    pub responses: Latencies,
    /// Until the last piece of work finished, for completed requests.
    pub completions: Latencies,
}

/// The tally of one interval, warmup included.
#[derive(Debug, Default)]
pub struct IntervalOutcomes {
    /// Requests that completed.
    pub completed: u64,
    /// Requests that failed.
    pub failed: u64,
    /// Response times of the successes.
    pub responses: Latencies,
}

impl World {
    /// A request arrives at `now`; it counts if it arrived after the warmup.
    pub fn open_request(&mut self, now: SimTime, counted: bool) -> RequestId {
        if counted {
            self.outcomes.requests += 1;
        }
        self.requests.open(now, counted)
    }

    /// The client got a successful response at `now`. The request completes
    /// now unless asynchronous work it started is still going.
    pub fn respond(&mut self, req: RequestId, now: SimTime) {
        let Some(state) = self.requests.get_mut(req) else {
            return;
        };
        state.responded = Some(now);
        let response = now.since(state.arrived);
        if state.counted {
            self.outcomes.responses.record(response);
        }
        self.interval.responses.record(response);
        if state.outstanding_work == 0 {
            self.complete(req, now);
        }
    }

    /// The request is finished: success and no work left.
    fn complete(&mut self, req: RequestId, now: SimTime) {
        let Some(state) = self.requests.get(req) else {
            return;
        };
        if state.counted {
            self.outcomes.completed += 1;
            let done = now.max(state.last_work_done);
            self.outcomes.completions.record(done.since(state.arrived));
        }
        self.interval.completed += 1;
        self.requests.close(req);
    }

    /// The client gave up on the request (error or timeout, no retry left).
    pub fn fail(&mut self, req: RequestId) {
        let Some(state) = self.requests.get(req) else {
            return;
        };
        if state.counted {
            self.outcomes.failed += 1;
        }
        self.interval.failed += 1;
        self.requests.close(req);
    }
}

/// A slab of live requests.
#[derive(Debug, Default)]
pub struct RequestTable {
    slots: Vec<RequestState>,
    free: Vec<u32>,
    live: usize,
}

impl RequestTable {
    /// Registers a new request arriving at `now`.
    pub fn open(&mut self, now: SimTime, counted: bool) -> RequestId {
        let state = |generation| RequestState {
            generation,
            live: true,
            arrived: now,
            counted,
            responded: None,
            outstanding_work: 0,
            last_work_done: now,
            attempts: 1,
        };
        self.live += 1;
        if let Some(slot) = self.free.pop() {
            let s = &mut self.slots[slot as usize];
            let generation = s.generation.wrapping_add(1);
            *s = state(generation);
            RequestId { slot, generation }
        } else {
            let slot =
                u32::try_from(self.slots.len()).expect("more than 4 billion requests in flight");
            self.slots.push(state(0));
            RequestId {
                slot,
                generation: 0,
            }
        }
    }

    /// The request's state, unless it has ended.
    #[inline]
    pub fn get(&self, id: RequestId) -> Option<&RequestState> {
        self.slots
            .get(id.slot as usize)
            .filter(|s| s.live && s.generation == id.generation)
    }

    /// The request's state, unless it has ended.
    #[inline]
    pub fn get_mut(&mut self, id: RequestId) -> Option<&mut RequestState> {
        self.slots
            .get_mut(id.slot as usize)
            .filter(|s| s.live && s.generation == id.generation)
    }

    /// Ends the request and frees its slot.
    pub fn close(&mut self, id: RequestId) {
        if let Some(s) = self.get_mut(id) {
            s.live = false;
            self.live -= 1;
            self.free.push(id.slot);
        }
    }

    /// Number of live requests.
    pub fn live(&self) -> usize {
        self.live
    }

    /// The live requests that count in the results (for `pending` at the end).
    pub fn live_counted(&self) -> u64 {
        self.slots.iter().filter(|s| s.live && s.counted).count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reused_slots_do_not_answer_to_old_ids() {
        let mut t = RequestTable::default();
        let a = t.open(SimTime(1), true);
        t.close(a);
        let b = t.open(SimTime(2), false);
        assert_eq!(a.slot, b.slot);
        assert!(t.get(a).is_none());
        assert_eq!(t.get(b).map(|s| s.arrived), Some(SimTime(2)));
        assert_eq!(t.live(), 1);
        assert_eq!(t.live_counted(), 0);
    }
}
