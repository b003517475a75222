//! End-user requests: identity, bookkeeping and outcomes.
//!
//! A request lives in a slab from its arrival until its outcome is known, so
//! memory follows the number of requests in flight, not the number simulated.

use crate::slab::{Key, Slab};
use crate::stats::Latencies;
use crate::time::SimTime;

/// Identifies one end-user request (all its attempts). A stale id (of a
/// request that has ended) finds nothing.
pub type RequestId = Key;

/// What the world knows of a live request.
#[derive(Clone, Copy, Debug)]
pub struct RequestState {
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
    pub requests: Slab<RequestState>,
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
        self.requests.insert(RequestState {
            arrived: now,
            counted,
            responded: None,
            outstanding_work: 0,
            last_work_done: now,
            attempts: 1,
        })
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
        let Some(state) = self.requests.remove(req) else {
            return;
        };
        if state.counted {
            self.outcomes.completed += 1;
            let done = now.max(state.last_work_done);
            self.outcomes.completions.record(done.since(state.arrived));
        }
        self.interval.completed += 1;
    }

    /// The client gave up on the request (error or timeout, no retry left).
    pub fn fail(&mut self, req: RequestId) {
        let Some(state) = self.requests.remove(req) else {
            return;
        };
        if state.counted {
            self.outcomes.failed += 1;
        }
        self.interval.failed += 1;
    }

    /// Live requests that count in the results: `pending` at the end.
    pub fn pending(&self) -> u64 {
        self.requests.values().filter(|s| s.counted).count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    #[test]
    fn outcomes_add_up() {
        let mut w = World::default();
        let a = w.open_request(SimTime(0), false);
        let b = w.open_request(SimTime(10), true);
        let c = w.open_request(SimTime(20), true);
        let d = w.open_request(SimTime(30), true);
        w.respond(a, SimTime(5));
        w.respond(b, SimTime(1_000_010));
        w.fail(c);
        w.fail(c);
        assert_eq!(w.outcomes.requests, 3);
        assert_eq!(w.outcomes.completed, 1);
        assert_eq!(w.outcomes.failed, 1);
        assert_eq!(w.pending(), 1);
        assert!(w.requests.get(d).is_some());
        assert_eq!(
            w.outcomes.responses.mean_ms(),
            SimDuration(1_000_000).as_millis_f64()
        );
        assert_eq!(w.interval.completed, 2);
    }
}
