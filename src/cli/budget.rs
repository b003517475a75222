//! What a run will cost, known before it starts: the events to simulate
//! (arrivals × hops × replications × sweep points) and the memory its runs
//! hold. Above a limit `run` refuses, with the estimate, unless `--force`:
//! better than an out-of-memory crash after forty seconds, or a bar that
//! says "ETA 0s" for ever.

use crate::scenario::{RateProfile, Scenario};

/// Events `run` simulates without asking: about half an hour of one core.
pub const EVENT_LIMIT: f64 = 1e11;
/// Memory `run` may hold for the runs in progress without asking [bytes].
pub const MEMORY_LIMIT: f64 = 8.0 * GIB;

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

/// Engine events per request and component it passes through: its
/// arrival, the start and the end of its service, measured on the shipped
/// scenarios (most take 2 to 4).
const EVENTS_PER_HOP: f64 = 3.0;
/// The most metrics a component samples each interval.
const METRICS_PER_SERIES: f64 = 24.0;
/// One sample in memory: time, series, metric, value [bytes].
const SAMPLE_BYTES: f64 = 24.0;

/// The requests that arrive during a run of `s`.
pub fn arrivals(s: &Scenario) -> f64 {
    let end = s.duration.as_secs_f64();
    match &s.workload.rate {
        RateProfile::Steps { initial, steps } => {
            let mut total = 0.0;
            let mut rate = *initial;
            let mut from = 0.0;
            for (at, next) in steps {
                let at = at.as_secs_f64().min(end);
                total += rate * (at - from).max(0.0);
                from = at;
                rate = *next;
            }
            total + rate * (end - from).max(0.0)
        }
        // The mean of the cosine curve over whole periods.
        RateProfile::Diurnal {
            min_rate, max_rate, ..
        } => (min_rate + max_rate) / 2.0 * end,
        RateProfile::Trace(times) => times.len() as f64,
    }
}

/// The events of one run of design `d` of `s`: each request (and each of
/// its retries) through every component of the design, and the samples of
/// every interval.
pub fn events(s: &Scenario, d: usize) -> f64 {
    let components = s.designs[d].components.len() as f64;
    let attempts = 1.0 + f64::from(s.workload.client.retries).min(1.0);
    arrivals(s) * attempts * (1.0 + components) * EVENTS_PER_HOP + intervals(s) * (1.0 + components)
}

/// The memory one run of design `d` of `s` holds at its end: its samples.
pub fn bytes(s: &Scenario, d: usize) -> f64 {
    let series = 1.0 + s.designs[d].components.len() as f64;
    intervals(s) * series * METRICS_PER_SERIES * SAMPLE_BYTES
}

fn intervals(s: &Scenario) -> f64 {
    s.duration.0 as f64 / s.interval.0.max(1) as f64
}

/// What a whole `run` costs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Estimate {
    /// Events to simulate, all runs together.
    pub events: f64,
    /// Requests arriving, all runs together.
    pub arrivals: f64,
    /// Runs to simulate.
    pub runs: u64,
    /// The most memory one run holds [bytes].
    pub run_bytes: f64,
}

impl Estimate {
    /// Adds a run of design `d` of `s`.
    pub fn add(&mut self, s: &Scenario, d: usize) {
        self.events += events(s, d);
        self.arrivals += arrivals(s);
        self.runs += 1;
        self.run_bytes = self.run_bytes.max(bytes(s, d));
    }

    /// Why the run should not start without `--force`, when it should not:
    /// `held` runs are in memory at once.
    pub fn refusal(&self, held: usize) -> Option<String> {
        let memory = self.run_bytes * held as f64;
        let mut why = Vec::new();
        if self.events > EVENT_LIMIT {
            why.push(format!(
                "about {:.1e} events to simulate ({:.1e} requests over {} run{}), above the {:.0e} stratosim runs without asking (some {:.0} core-hours or more)",
                self.events,
                self.arrivals,
                self.runs,
                if self.runs == 1 { "" } else { "s" },
                EVENT_LIMIT,
                self.events / EVENT_LIMIT / 2.0
            ));
        }
        if memory > MEMORY_LIMIT {
            why.push(format!(
                "about {:.1} GiB held for {held} runs at once ({:.1} GiB of samples each: lengthen `[scenario] interval`, or lower --jobs), above the {:.0} GiB stratosim uses without asking",
                memory / GIB,
                self.run_bytes / GIB,
                MEMORY_LIMIT / GIB
            ));
        }
        (!why.is_empty()).then(|| why.join("; and "))
    }
}
