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
    /// Index of the request's class in the workload's `classes`.
    pub class: u8,
    /// Some of its work will never be done (expired, dead-lettered,
    /// undeliverable): once the client has its success, the request is lost.
    pub lost_work: bool,
}

/// The live requests and the tally of their outcomes. Whichever component
/// learns that a request ended (the client, or later a queue consumer that
/// finishes its last piece of work) records it here.
#[derive(Debug, Default)]
pub struct Requests {
    /// Requests in flight.
    live: Slab<RequestState>,
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
    /// Responses of requests that completed with their response (no
    /// asynchronous work): for them response and completion are one number,
    /// recorded once. Most requests of synchronous designs are of this kind.
    at_once: Latencies,
    /// Responses of the other successful requests.
    responses_other: Latencies,
    /// Completions of requests that completed after their response.
    completions_later: Latencies,
    /// Responses of those same requests: with `at_once`, the responses of
    /// the completed requests, which the all-requests percentiles rank.
    responses_completed_later: Latencies,
}

impl Outcomes {
    /// What the client waited, for successes.
    pub fn responses(&self) -> Latencies {
        let mut all = self.at_once.clone();
        all.add(&self.responses_other);
        all
    }

    /// Until the last piece of work finished, for completed requests.
    pub fn completions(&self) -> Latencies {
        let mut all = self.at_once.clone();
        all.add(&self.completions_later);
        all
    }

    /// What the client waited, for completed requests only: a lost or
    /// pending request had its success but was not served.
    pub fn completed_responses(&self) -> Latencies {
        let mut all = self.at_once.clone();
        all.add(&self.responses_completed_later);
        all
    }
}

/// The tally of one interval, warmup included.
#[derive(Debug, Default)]
pub struct IntervalOutcomes {
    /// Requests that completed.
    pub completed: u64,
    /// Requests that failed.
    pub failed: u64,
    /// Requests lost.
    pub lost: u64,
    /// Response times of the successes: after [`Requests::settle_interval`],
    /// all of them; before, those not in `at_once_in_window`.
    responses: Latencies,
    /// Responses of the interval's requests that count in the window and
    /// completed with their response: kept apart and added to the window's
    /// and the interval's histograms when the interval ends, so that each
    /// response is recorded once on the hot path rather than twice.
    at_once_in_window: Latencies,
}

/// What `timeseries.csv` shows of one interval's requests.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IntervalTally {
    /// Requests that completed.
    pub completed: u64,
    /// Requests that failed.
    pub failed: u64,
    /// Requests lost.
    pub lost: u64,
    /// Successful responses.
    pub responses: u64,
    /// Their 99th percentile [ms].
    pub response_p99_ms: f64,
}

impl Requests {
    /// Ends the interval: its tally, and the next one starts from zero.
    /// The histograms are emptied in place rather than replaced: a fresh
    /// one would grow again, a copy at a time, over every interval.
    pub fn end_interval(&mut self) -> IntervalTally {
        self.settle_interval();
        let i = &mut self.interval;
        let tally = IntervalTally {
            completed: i.completed,
            failed: i.failed,
            lost: i.lost,
            responses: i.responses.count(),
            response_p99_ms: i.responses.quantile_ms(0.99),
        };
        i.completed = 0;
        i.failed = 0;
        i.lost = 0;
        i.responses.clear();
        tally
    }

    /// Adds the interval's responses kept apart so far to the window's and
    /// the interval's histograms; the window's tally is then whole (as the
    /// report wants it, whether or not the interval ended).
    pub fn settle_interval(&mut self) {
        if self.interval.at_once_in_window.count() == 0 {
            return;
        }
        let i = &mut self.interval;
        self.outcomes.at_once.add(&i.at_once_in_window);
        i.at_once_in_window.move_into(&mut i.responses);
    }

    /// The live request `req`, if it has not ended.
    #[inline]
    pub fn get(&self, req: RequestId) -> Option<&RequestState> {
        self.live.get(req)
    }

    /// The live request `req` to change, if it has not ended.
    #[inline]
    pub fn get_mut(&mut self, req: RequestId) -> Option<&mut RequestState> {
        self.live.get_mut(req)
    }

    /// Requests in flight.
    pub fn live(&self) -> usize {
        self.live.len()
    }

    /// A request of class `class` arrives at `now`; it counts if it arrived
    /// after the warmup.
    pub fn open(&mut self, now: SimTime, counted: bool, class: u8) -> RequestId {
        if counted {
            self.outcomes.requests += 1;
        }
        self.live.insert(RequestState {
            arrived: now,
            counted,
            responded: None,
            outstanding_work: 0,
            last_work_done: now,
            attempts: 1,
            class,
            lost_work: false,
        })
    }

    /// A piece of asynchronous work of `req` was accepted (a message on a
    /// queue, a delivery of a topic): the request completes only after it.
    pub fn work_started(&mut self, req: RequestId) {
        if let Some(state) = self.live.get_mut(req) {
            state.outstanding_work += 1;
        }
    }

    /// A piece of asynchronous work of `req` finished at `now`.
    pub fn work_done(&mut self, req: RequestId, now: SimTime) {
        let Some(state) = self.live.get_mut(req) else {
            return;
        };
        state.outstanding_work = state.outstanding_work.saturating_sub(1);
        state.last_work_done = state.last_work_done.max(now);
        if state.outstanding_work == 0 && state.responded.is_some() {
            self.complete(req, now);
        }
    }

    /// A piece of asynchronous work of `req` will never be done. If the
    /// client already has its success, the request is lost now; otherwise it
    /// is lost when the success comes.
    pub fn work_lost(&mut self, req: RequestId) {
        let Some(state) = self.live.get_mut(req) else {
            return;
        };
        state.outstanding_work = state.outstanding_work.saturating_sub(1);
        state.lost_work = true;
        if state.responded.is_some() {
            self.lose(req);
        }
    }

    /// The client was told of success, but some work will never be done.
    fn lose(&mut self, req: RequestId) {
        let Some(state) = self.live.remove(req) else {
            return;
        };
        if state.counted {
            self.outcomes.lost += 1;
        }
        self.interval.lost += 1;
    }

    /// The client got a successful response at `now`. The request completes
    /// now unless asynchronous work it started is still going.
    pub fn respond(&mut self, req: RequestId, now: SimTime) {
        let Some(state) = self.live.get_mut(req) else {
            return;
        };
        state.responded = Some(now);
        let response = now.since(state.arrived);
        let (counted, lost, at_once) = (
            state.counted,
            state.lost_work,
            state.outstanding_work == 0 && !state.lost_work,
        );
        if counted && at_once {
            self.interval.at_once_in_window.record(response);
        } else {
            self.interval.responses.record(response);
            if counted {
                self.outcomes.responses_other.record(response);
            }
        }
        if lost {
            self.lose(req);
        } else if at_once {
            self.live.remove(req);
            if counted {
                self.outcomes.completed += 1;
            }
            self.interval.completed += 1;
        }
    }

    /// The request is finished: success and no work left.
    fn complete(&mut self, req: RequestId, now: SimTime) {
        let Some(state) = self.live.remove(req) else {
            return;
        };
        if state.counted {
            self.outcomes.completed += 1;
            let done = now.max(state.last_work_done);
            self.outcomes
                .completions_later
                .record(done.since(state.arrived));
            if let Some(responded) = state.responded {
                self.outcomes
                    .responses_completed_later
                    .record(responded.since(state.arrived));
            }
        }
        self.interval.completed += 1;
    }

    /// The client gave up on the request (error or timeout, no retry left).
    pub fn fail(&mut self, req: RequestId) {
        let Some(state) = self.live.remove(req) else {
            return;
        };
        if state.counted {
            self.outcomes.failed += 1;
        }
        self.interval.failed += 1;
    }

    /// Live requests that count in the results: `pending` at the end.
    pub fn pending(&self) -> u64 {
        self.live.values().filter(|s| s.counted).count() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::SimDuration;

    #[test]
    fn outcomes_add_up() {
        let mut w = Requests::default();
        let a = w.open(SimTime(0), false, 0);
        let b = w.open(SimTime(10), true, 0);
        let c = w.open(SimTime(20), true, 0);
        let d = w.open(SimTime(30), true, 0);
        w.respond(a, SimTime(5));
        w.respond(b, SimTime(1_000_010));
        w.fail(c);
        w.fail(c);
        let interval = w.end_interval();
        assert_eq!(interval.responses, 2);
        assert_eq!(w.outcomes.requests, 3);
        assert_eq!(w.outcomes.completed, 1);
        assert_eq!(w.outcomes.failed, 1);
        assert_eq!(w.pending(), 1);
        assert!(w.get(d).is_some());
        assert_eq!(
            w.outcomes.responses().mean_ms(),
            SimDuration(1_000_000).as_millis_f64()
        );
        assert_eq!(interval.completed, 2);
    }

    #[test]
    fn async_work_delays_completion_and_lost_work_loses_the_request() {
        let mut w = Requests::default();
        let a = w.open(SimTime(0), true, 0);
        let b = w.open(SimTime(0), true, 0);
        let c = w.open(SimTime(0), true, 0);
        for r in [a, b, c] {
            w.work_started(r);
            w.work_started(r);
        }
        // a: responded, then both pieces done: completed at the last one.
        w.respond(a, SimTime(100));
        w.work_done(a, SimTime(300));
        assert_eq!(w.outcomes.completed, 0);
        w.work_done(a, SimTime(500));
        assert_eq!(w.outcomes.completed, 1);
        assert_eq!(
            w.outcomes.completions().max_ms(),
            SimDuration(500).as_millis_f64()
        );
        // b: a piece lost before the response: lost when the success comes.
        w.work_lost(b);
        assert_eq!(w.outcomes.lost, 0);
        w.respond(b, SimTime(100));
        assert_eq!(w.outcomes.lost, 1);
        // c: responded, one piece done, one still going: pending.
        w.respond(c, SimTime(100));
        w.work_done(c, SimTime(200));
        assert_eq!(w.pending(), 1);
        assert_eq!(
            w.outcomes.requests,
            w.outcomes.completed + w.outcomes.failed + w.outcomes.lost + w.pending()
        );
        // Three successes answered; only a's was served (b lost, c pending).
        assert_eq!(w.outcomes.responses().count(), 3);
        let served = w.outcomes.completed_responses();
        assert_eq!(served.count(), 1);
        assert_eq!(served.max_ms(), SimDuration(100).as_millis_f64());
    }
}
