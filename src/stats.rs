//! Streaming statistics: latency histograms, time-weighted averages, and the
//! plain result records a run hands to the output writers.
//!
//! Nothing here grows with the number of requests: latencies go into HDR
//! histograms (3 significant digits) plus exact sums for the means.

use std::cell::RefCell;

use hdrhistogram::Histogram;

use crate::metric::Metric;
use crate::time::{SimDuration, SimTime};

/// Latencies are recorded into the histogram this many at a time. An
/// interval with fewer is answered from the values themselves (see
/// [`Recorded::value_at_quantile`]). 1024 would cover intervals of a
/// second at up to a thousand requests a second (the three tiers at 500
/// per second with one-second intervals took 13% less time), but made
/// the runs of the performance table 1.7% slower: four batches of 8 KiB
/// written on every request crowd the first-level cache.
const BATCH: usize = 256;

/// Latencies of one population (responses, say): an HDR histogram in
/// microseconds, plus the exact count, sum and maximum.
#[derive(Clone, Debug)]
pub struct Latencies {
    /// Behind a `RefCell` so that the queries, which take `&self`, can
    /// first record what is pending; [`Latencies::record`] has `&mut self`
    /// and reaches it without a check.
    recorded: RefCell<Recorded>,
    count: u64,
    sum_ns: u128,
    max_ns: u64,
}

/// The histogram and the latencies not yet in it [µs].
#[derive(Clone, Debug)]
struct Recorded {
    hist: Histogram<u64>,
    /// Recorded in a batch when full: a tight loop of histogram updates
    /// overlaps their memory accesses, where one update per request waits
    /// for its cache line amid the simulation's own work.
    pending: Vec<u64>,
}

impl Recorded {
    fn flush(&mut self) {
        for &us in &self.pending {
            // With auto-resize on, recording cannot fail for a u64.
            let _ = self.hist.record(us);
        }
        self.pending.clear();
    }

    /// Adds `us` to the batch, recording the batch when it is full.
    #[inline]
    fn push(&mut self, us: u64) {
        self.pending.push(us);
        if self.pending.len() == BATCH {
            self.flush();
        }
    }

    /// The histogram with everything recorded in it.
    fn hist(&mut self) -> &Histogram<u64> {
        self.flush();
        &self.hist
    }

    /// True when every value is still pending: fewer than a batch since
    /// the histogram was last emptied, as in most intervals of a
    /// time series.
    fn all_pending(&self) -> bool {
        self.hist.is_empty()
    }

    /// The histogram's `q` quantile [µs], everything pending included.
    ///
    /// When every value is pending, it is found among them instead: the
    /// histogram's answer is the value of rank ⌈q × n⌉ (at least 1),
    /// reported as the highest value of its bucket (the lowest for q = 0),
    /// and selecting that rank from at most a batch of values costs far
    /// less than walking the histogram's ten thousand buckets, which an
    /// interval of one second did at every end.
    fn value_at_quantile(&mut self, q: f64) -> u64 {
        let n = self.pending.len();
        if !self.all_pending() || n == 0 {
            return self.hist().value_at_quantile(q);
        }
        // As the histogram computes it: q capped at 1 (NaN is not), the
        // rank rounded up, and at least the first value.
        let q = if q > 1.0 { 1.0 } else { q };
        let rank = (((q * n as f64).ceil() as u64).max(1) as usize).min(n);
        // In place: the histogram they go into has no order.
        let (_, &mut value, _) = self.pending.select_nth_unstable(rank - 1);
        if q == 0.0 {
            self.hist.lowest_equivalent(value)
        } else {
            self.hist.highest_equivalent(value)
        }
    }

    /// Records everything `other` recorded: its pending values one by one
    /// when it has nothing else (the histogram's own addition walks every
    /// bucket of `other`, however few values they hold).
    fn add(&mut self, other: &mut Recorded) {
        if other.all_pending() {
            for &us in &other.pending {
                self.push(us);
            }
        } else {
            self.flush();
            // Both auto-resize, so adding cannot fail for want of range.
            let _ = self.hist.add(other.hist());
        }
    }
}

impl Default for Latencies {
    fn default() -> Self {
        Self::new()
    }
}

impl Latencies {
    /// An empty recorder.
    pub fn new() -> Self {
        // 3 significant digits; auto-resizing so hours-long waits still fit.
        let mut hist = Histogram::new(3).expect("3 significant digits is a valid precision");
        hist.auto(true);
        Latencies {
            recorded: RefCell::new(Recorded {
                hist,
                pending: Vec::with_capacity(BATCH),
            }),
            count: 0,
            sum_ns: 0,
            max_ns: 0,
        }
    }

    /// Records one latency.
    #[inline]
    pub fn record(&mut self, d: SimDuration) {
        self.count += 1;
        self.sum_ns += u128::from(d.0);
        self.max_ns = self.max_ns.max(d.0);
        // Whole microseconds, at least 1 so the histogram's lowest bucket is usable.
        let us = (d.0 / 1_000).max(1);
        self.recorded.get_mut().push(us);
    }

    /// Adds everything `other` recorded.
    pub fn add(&mut self, other: &Latencies) {
        self.recorded
            .get_mut()
            .add(&mut other.recorded.borrow_mut());
        self.count += other.count;
        self.sum_ns += other.sum_ns;
        self.max_ns = self.max_ns.max(other.max_ns);
    }

    /// Adds everything recorded here to `into` and forgets it here. When
    /// `into` has nothing (an interval in which nothing else was recorded,
    /// the common case) the two trade places instead: adding and clearing
    /// each walk every bucket.
    pub fn move_into(&mut self, into: &mut Latencies) {
        if into.count == 0 {
            std::mem::swap(self, into);
        } else {
            into.add(self);
            self.clear();
        }
    }

    /// Forgets everything recorded.
    pub fn clear(&mut self) {
        if self.count == 0 {
            // Nothing recorded since the last clear; a reset would still
            // write every bucket.
            return;
        }
        let recorded = self.recorded.get_mut();
        if !recorded.all_pending() {
            recorded.hist.reset();
        }
        recorded.pending.clear();
        self.count = 0;
        self.sum_ns = 0;
        self.max_ns = 0;
    }

    /// How many latencies were recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact mean [ms]; 0 when empty.
    pub fn mean_ms(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_ns as f64 / self.count as f64 / 1e6
        }
    }

    /// The `q` quantile (0 < q ≤ 1) [ms], within the histogram's 0.1%; 0 when empty.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.recorded.borrow_mut().value_at_quantile(q) as f64 / 1e3
        }
    }

    /// Exact maximum [ms].
    pub fn max_ms(&self) -> f64 {
        self.max_ns as f64 / 1e6
    }

    /// The `percent` percentile over these latencies and `unserved` more
    /// requests that rank slower than every one of them (failed, lost or
    /// still pending) [ms]: the nearest-rank order statistic, rank
    /// ⌈percent × N / 100⌉ of the N = recorded + unserved, within the
    /// histogram's 0.1%. Infinite when that rank falls among the unserved,
    /// that is once they are more than (100 − percent)% of N; 0 when N = 0.
    pub fn percentile_counting_ms(&self, percent: u64, unserved: u64) -> f64 {
        let n = self.count + unserved;
        if n == 0 {
            return 0.0;
        }
        // Integer arithmetic: the rank must not move with float rounding.
        let rank = (percent * n).div_ceil(100).max(1);
        if rank > self.count {
            return f64::INFINITY;
        }
        // The histogram counts ⌈q × count⌉ values to reach q; halfway
        // between two ranks lands on `rank` whatever the rounding of q.
        let q = (rank as f64 - 0.5) / self.count as f64;
        self.recorded.borrow_mut().value_at_quantile(q) as f64 / 1e3
    }
}

/// The mean of durations where only the mean is reported (waits): a sum and
/// a count, cheaper to feed than a histogram on the hot path.
#[derive(Clone, Copy, Debug, Default)]
pub struct MeanDuration {
    sum_ns: u128,
    count: u64,
}

impl MeanDuration {
    /// Adds one duration.
    #[inline]
    pub fn record(&mut self, d: SimDuration) {
        self.sum_ns += u128::from(d.0);
        self.count += 1;
    }

    /// Forgets everything recorded.
    pub fn clear(&mut self) {
        *self = MeanDuration::default();
    }

    /// The mean [ms]; 0 when empty.
    pub fn mean_ms(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_ns as f64 / self.count as f64 / 1e6
        }
    }
}

/// The time-average of a level that changes at events (busy workers, say),
/// over the measured window and over the current interval.
#[derive(Clone, Debug, Default)]
pub struct TimeAverage {
    level: u64,
    last: SimTime,
    /// The level integrated from zero to `last` [level × ns]. The window's
    /// and the interval's areas are differences from it, so a change of
    /// level (several per request) adds to one sum, not three.
    total_area: u128,
    window_base: u128,
    window_start: SimTime,
    interval_base: u128,
    interval_start: SimTime,
    peak: u64,
}

impl TimeAverage {
    /// The current level.
    #[inline]
    pub fn level(&self) -> u64 {
        self.level
    }

    /// Sets the level from `now` on.
    #[inline]
    pub fn set(&mut self, now: SimTime, level: u64) {
        self.accumulate(now);
        self.level = level;
        self.peak = self.peak.max(level);
    }

    /// Adds the area under the current level from `last` to `now`.
    #[inline]
    fn accumulate(&mut self, now: SimTime) {
        let span = u128::from(now.since(self.last).0);
        self.total_area += span * u128::from(self.level);
        self.last = now;
    }

    /// Raises the level by one.
    #[inline]
    pub fn incr(&mut self, now: SimTime) {
        self.set(now, self.level + 1);
    }

    /// Lowers the level by one (a lower level cannot be a new peak).
    #[inline]
    pub fn decr(&mut self, now: SimTime) {
        self.accumulate(now);
        self.level = self.level.saturating_sub(1);
    }

    /// Starts the measured window at `now`.
    pub fn start_window(&mut self, now: SimTime) {
        self.accumulate(now);
        self.window_base = self.total_area;
        self.window_start = now;
        self.peak = self.level;
    }

    /// The average level over the measured window up to `now`.
    pub fn window_mean(&mut self, now: SimTime) -> f64 {
        self.accumulate(now);
        let span = now.since(self.window_start).0;
        if span == 0 {
            0.0
        } else {
            (self.total_area - self.window_base) as f64 / span as f64
        }
    }

    /// The level integrated over time from zero to `now` [level × ns]: the
    /// difference of two readings gives the mean between them.
    pub fn area(&mut self, now: SimTime) -> u128 {
        self.accumulate(now);
        self.total_area
    }

    /// The highest level seen in the measured window.
    pub fn window_peak(&self) -> u64 {
        self.peak
    }

    /// The average level over the interval ending at `now`; starts the next one.
    pub fn take_interval_mean(&mut self, now: SimTime) -> f64 {
        self.accumulate(now);
        let span = now.since(self.interval_start).0;
        let mean = if span == 0 {
            0.0
        } else {
            (self.total_area - self.interval_base) as f64 / span as f64
        };
        self.interval_base = self.total_area;
        self.interval_start = now;
        mean
    }
}

/// The calls a component answered: totals over the measured window and
/// counters of the current interval.
#[derive(Clone, Debug, Default)]
pub struct CallStats {
    /// Calls answered in the window.
    pub handled: u64,
    /// Of those, answered with an error.
    pub errors: u64,
    interval_arrivals: u64,
    interval_ok: u64,
    interval_errors: u64,
    interval_sojourn: Latencies,
}

impl CallStats {
    /// A call came in.
    #[inline]
    pub fn arrived(&mut self) {
        self.interval_arrivals += 1;
    }

    /// A call was answered, successfully or not (`ok`), after `sojourn` in
    /// the component.
    #[inline]
    pub fn answered(&mut self, ok: bool, sojourn: SimDuration) {
        self.handled += 1;
        if ok {
            self.interval_ok += 1;
        } else {
            self.errors += 1;
            self.interval_errors += 1;
        }
        self.interval_sojourn.record(sojourn);
    }

    /// The measured window starts: forget the window totals.
    pub fn start_window(&mut self) {
        self.handled = 0;
        self.errors = 0;
    }

    /// Writes `arrivals`, `completions`, `errors` and `response_p99_ms` of
    /// the interval, and starts the next one.
    pub fn sample(&mut self, out: &mut IntervalSink<'_>) {
        out.put(Metric::Arrivals, self.interval_arrivals as f64);
        out.put(Metric::Completions, self.interval_ok as f64);
        out.put(Metric::Errors, self.interval_errors as f64);
        out.put(
            Metric::ResponseP99Ms,
            self.interval_sojourn.quantile_ms(0.99),
        );
        self.interval_arrivals = 0;
        self.interval_ok = 0;
        self.interval_errors = 0;
        self.interval_sojourn.clear();
    }
}

/// One row of `components.csv` (before the design and replication columns).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ComponentReport {
    /// The component's name.
    pub name: String,
    /// Its kind, as in the scenario.
    pub kind: String,
    /// Calls it finished (successfully or not) in the window.
    pub handled: u64,
    /// Of those, how many ended in an error.
    pub errors: u64,
    /// Busy capacity over available capacity in the window (0–1).
    pub utilization: f64,
    /// Mean time a call waited before service began [ms].
    pub mean_wait_ms: f64,
    /// Most calls waiting at once.
    pub max_queue: u64,
    /// Cold starts (Lambda); 0 elsewhere.
    pub cold_starts: u64,
    /// Most instances in service at once (fleets); 0 elsewhere.
    pub instances_max: u64,
    /// What the component cost over the window [USD].
    pub cost_usd: f64,
    /// What it would cost for a month of 730 hours running as it ran in
    /// the window [USD]: time-based charges at their rate, usage scaled
    /// from the window, volume tiers applied to the month's usage.
    pub monthly_cost_usd: f64,
    /// Billed instance-hours in the window (EC2 fleets; per second, 60 s
    /// minimum per launch): `cost_usd` = this × the hourly price.
    pub instance_hours: f64,
    /// The state changes of an alarm, in time order; empty elsewhere.
    pub transitions: Vec<AlarmTransition>,
}

/// One row of `alarms.csv`: an alarm changed state.
#[derive(Clone, Debug, PartialEq)]
pub struct AlarmTransition {
    /// When the datapoint that changed it was evaluated.
    pub time: SimTime,
    /// The state before, as CloudWatch names it (`OK`, `ALARM`, `INSUFFICIENT_DATA`).
    pub from: &'static str,
    /// The state after.
    pub to: &'static str,
    /// The datapoint evaluated (`None`: the period had no data).
    pub datapoint: Option<f64>,
    /// Notifications published for it (one per topic of the state's actions).
    pub notifications: u32,
}

/// One tidy row of `timeseries.csv` (before the design and replication columns).
#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    /// End of the interval the value describes.
    pub time: SimTime,
    /// Index into the run's component names (see [`RunResult::series_names`]).
    pub component: u32,
    /// The metric.
    pub metric: Metric,
    /// Its value.
    pub value: f64,
}

/// Where a component writes its metrics for one interval.
#[derive(Debug)]
pub struct IntervalSink<'a> {
    /// End of the interval.
    pub time: SimTime,
    /// The writer's index among the run's series names.
    pub component: u32,
    /// The samples of the run so far.
    pub rows: &'a mut Vec<Sample>,
}

impl IntervalSink<'_> {
    /// Records `metric = value` for this interval.
    pub fn put(&mut self, metric: Metric, value: f64) {
        self.rows.push(Sample {
            time: self.time,
            component: self.component,
            metric,
            value,
        });
    }
}

/// The quantiles written to `latency.csv`: dense in the tail, where designs
/// differ, so that a CDF drawn from them shows p99 and p99.9 apart.
pub const LATENCY_QUANTILES: [f64; 30] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8,
    0.85, 0.9, 0.925, 0.95, 0.975, 0.98, 0.99, 0.995, 0.998, 0.999, 0.9995, 0.9999, 0.99999, 1.0,
];

/// Response or completion percentiles of one run [ms].
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LatencySummary {
    /// Exact mean.
    pub mean: f64,
    /// Median.
    pub p50: f64,
    /// 90th percentile.
    pub p90: f64,
    /// 99th percentile.
    pub p99: f64,
    /// 99.9th percentile.
    pub p999: f64,
    /// Exact maximum.
    pub max: f64,
    /// The value at each of [`LATENCY_QUANTILES`] (all 0 when empty).
    pub quantiles: Vec<f64>,
}

impl LatencySummary {
    /// The summary of what `l` recorded.
    pub fn of(l: &Latencies) -> Self {
        LatencySummary {
            mean: l.mean_ms(),
            p50: l.quantile_ms(0.5),
            p90: l.quantile_ms(0.9),
            p99: l.quantile_ms(0.99),
            p999: l.quantile_ms(0.999),
            max: l.max_ms(),
            quantiles: LATENCY_QUANTILES
                .iter()
                .map(|&q| l.quantile_ms(q))
                .collect(),
        }
    }
}

/// Everything one design × replication produced: the rows of the output files.
#[derive(Clone, Debug)]
pub struct RunResult {
    /// The design's name.
    pub design: String,
    /// 0-based replication number.
    pub replication: u32,
    /// The replication's seed (see [`crate::rng::replication_seed`]).
    pub seed: u64,
    /// Requests that arrived in the measured window.
    pub requests: u64,
    /// Of those: success and all work finished.
    pub completed: u64,
    /// Of those: error or timeout after the last retry.
    pub failed: u64,
    /// Of those: success, but some work will never be done.
    pub lost: u64,
    /// Of those: still in progress at the end.
    pub pending: u64,
    /// Retries the client made (window).
    pub retries: u64,
    /// Attempts the client gave up waiting for (window).
    pub timeouts: u64,
    /// What the client waited, successful requests only [ms].
    pub response: LatencySummary,
    /// Until the last piece of work finished, completed requests only [ms].
    pub completion: LatencySummary,
    /// The 99th percentile of what the client waited, over every request
    /// of the window: completed requests by their response, the failed,
    /// lost and pending ranked slower than all of them (infinite once they
    /// exceed 1%) [ms].
    pub response_p99_all_ms: f64,
    /// The same for completion: completed requests by their completion,
    /// the others ranked slowest [ms].
    pub completion_p99_all_ms: f64,
    /// Requests that ended (completed, failed or lost) per second of the
    /// measured window.
    pub throughput_rps: f64,
    /// Requests completed (success, all work done) per second of the
    /// measured window.
    pub goodput_rps: f64,
    /// The design's bill over the measured window [USD].
    pub cost_usd: f64,
    /// The design's bill projected to a steady month (see
    /// [`ComponentReport::monthly_cost_usd`]) [USD].
    pub monthly_cost_usd: f64,
    /// How many measured windows make that month (730 h / window).
    pub windows_per_month: f64,
    /// One report per component, in design order.
    pub components: Vec<ComponentReport>,
    /// Names for [`Sample::component`]: `workload`, then the components.
    pub series_names: Vec<String>,
    /// Per series, the names of its availability zones (empty without
    /// zones), which name its per-zone metrics.
    pub series_zones: Vec<Vec<String>>,
    /// Interval metrics.
    pub samples: Vec<Sample>,
    /// Engine events delivered (for speed figures).
    pub events: u64,
    /// Set when a backlog reached its limit and the run ended there,
    /// unstable at this load; its figures cover the run until then.
    pub unstable: Option<Unstable>,
}

/// Where and when a run became unstable at its load.
#[derive(Clone, Debug, PartialEq)]
pub struct Unstable {
    /// The component whose backlog reached the limit.
    pub component: String,
    /// When it did.
    pub at: SimTime,
}

impl RunResult {
    /// The name of `sample`'s metric in `timeseries.csv`.
    pub fn metric_name(&self, sample: &Sample) -> std::borrow::Cow<'_, str> {
        let zones = self
            .series_zones
            .get(sample.component as usize)
            .map_or(&[][..], Vec::as_slice);
        sample.metric.name(zones)
    }

    /// The monthly bill per million requests of the month, the window's
    /// requests scaled like its usage [USD]; 0 without requests.
    pub fn cost_per_million(&self) -> f64 {
        per_million(
            self.monthly_cost_usd,
            self.requests,
            self.windows_per_month,
            0.0,
        )
    }

    /// The monthly bill per million requests completed in the month [USD];
    /// infinite when none completed (a bill that buys nothing).
    pub fn cost_per_million_completed(&self) -> f64 {
        per_million(
            self.monthly_cost_usd,
            self.completed,
            self.windows_per_month,
            f64::INFINITY,
        )
    }
}

/// `monthly_usd` per million of `count` a window × `windows` (`none` when
/// the count is 0).
fn per_million(monthly_usd: f64, count: u64, windows: f64, none: f64) -> f64 {
    let month = count as f64 * windows;
    if month > 0.0 {
        monthly_usd / month * 1e6
    } else {
        none
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_average_weights_levels_by_duration() {
        let mut t = TimeAverage::default();
        t.set(SimTime(0), 2); // 2 for 10 ns
        t.set(SimTime(10), 4); // 4 for 30 ns
        assert!((t.window_mean(SimTime(40)) - (2.0 * 10.0 + 4.0 * 30.0) / 40.0).abs() < 1e-12);
        t.start_window(SimTime(40));
        t.set(SimTime(50), 0);
        assert!((t.window_mean(SimTime(60)) - 2.0).abs() < 1e-12);
        assert_eq!(t.window_peak(), 4);
    }

    #[test]
    fn latencies_pending_in_a_batch_count_in_every_query() {
        // The same values straight into a histogram, and through Latencies
        // with a query, a clone and an add while some are still pending.
        let mut direct = Histogram::<u64>::new(3).unwrap();
        direct.auto(true);
        let (mut a, mut b) = (Latencies::new(), Latencies::new());
        for i in 0..(3 * BATCH as u64 + 17) {
            let us = 1 + (i * 7919) % 500_000;
            direct.record(us).unwrap();
            let d = SimDuration(us * 1_000);
            if i % 3 == 0 {
                b.record(d)
            } else {
                a.record(d)
            }
            if i == BATCH as u64 + 5 {
                // The latest values are pending: the top bucket still holds the maximum.
                assert!((a.quantile_ms(1.0) - a.max_ms()).abs() <= a.max_ms() * 1e-3);
            }
        }
        let snapshot = a.clone();
        a.add(&b);
        for q in [0.001, 0.5, 0.9, 0.99, 1.0] {
            assert_eq!(a.quantile_ms(q), direct.value_at_quantile(q) as f64 / 1e3);
        }
        assert_eq!(a.count(), direct.len());
        assert_eq!(snapshot.count() + b.count(), a.count());
        a.clear();
        assert_eq!((a.count(), a.quantile_ms(0.5)), (0, 0.0));
    }

    /// The values of `us` straight into a histogram.
    fn direct(us: &[u64]) -> Histogram<u64> {
        let mut h = Histogram::<u64>::new(3).unwrap();
        h.auto(true);
        for &v in us {
            h.record(v.max(1)).unwrap();
        }
        h
    }

    proptest::proptest! {
        /// Fewer values than a batch, so all of them pending: quantiles
        /// found among them, additions made value by value and clearing
        /// without a reset give what the histogram itself gives.
        #[test]
        fn latencies_all_pending_answer_as_the_histogram(
            us in proptest::collection::vec(
                proptest::prop_oneof![1u64..3_000, 1u64..200_000, 1u64..40_000_000_000],
                0..BATCH,
            ),
            more in proptest::collection::vec(1u64..5_000_000, 0..BATCH),
            filled in proptest::bool::ANY,
        ) {
            let latencies = |values: &[u64]| {
                let mut l = Latencies::new();
                for &v in values {
                    l.record(SimDuration(v * 1_000));
                }
                l
            };
            let (mut a, b) = (latencies(&us), latencies(&more));
            let h = direct(&us);
            let qs = [0.0, 1e-9, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 1.0, 1.5, -0.5, f64::NAN];
            for q in qs {
                let want = if us.is_empty() { 0.0 } else { h.value_at_quantile(q) as f64 / 1e3 };
                proptest::prop_assert_eq!(a.quantile_ms(q), want, "q = {}", q);
            }
            for (p, unserved) in [(50, 0), (99, 0), (99, 1), (100, 0)] {
                let got = a.percentile_counting_ms(p, unserved);
                let mut flushed = a.clone();
                flushed.recorded.get_mut().flush();
                proptest::prop_assert_eq!(got, flushed.percentile_counting_ms(p, unserved));
            }
            // Into one all pending or one with a histogram of its own.
            let mut into = if filled { latencies(&(1..=700).collect::<Vec<u64>>()) } else { Latencies::new() };
            let mut all: Vec<u64> = if filled { (1..=700).collect() } else { vec![] };
            into.add(&a);
            into.add(&b);
            all.extend(&us);
            all.extend(&more);
            let h = direct(&all);
            for q in qs {
                let want = if all.is_empty() { 0.0 } else { h.value_at_quantile(q) as f64 / 1e3 };
                proptest::prop_assert_eq!(into.quantile_ms(q), want, "q = {}", q);
            }
            proptest::prop_assert_eq!(into.count(), all.len() as u64);
            a.clear();
            a.record(SimDuration(1_000_000));
            proptest::prop_assert_eq!((a.count(), a.quantile_ms(0.5)), (1, 1.0));
        }
    }

    #[test]
    fn moving_latencies_into_empty_or_not_adds_them() {
        let filled = |from: u64| {
            let mut l = Latencies::new();
            for us in from..from + 400 {
                l.record(SimDuration(us * 1_000));
            }
            l
        };
        // Into an empty one (the two trade places) and into one with
        // values of its own (added): either way `into` holds both, and
        // the source nothing.
        for mut into in [Latencies::new(), filled(5_000)] {
            let mut expected = into.clone();
            let mut from = filled(1);
            expected.add(&from);
            from.move_into(&mut into);
            assert_eq!((from.count(), from.quantile_ms(0.5)), (0, 0.0));
            assert_eq!(into.count(), expected.count());
            assert_eq!(into.max_ms(), expected.max_ms());
            assert_eq!(into.mean_ms(), expected.mean_ms());
            for q in [0.01, 0.5, 0.99, 1.0] {
                assert_eq!(into.quantile_ms(q), expected.quantile_ms(q));
            }
        }
    }

    #[test]
    fn percentiles_counting_the_unserved_rank_them_slowest() {
        // 10, 20, …, 1000 µs served: small values, held exactly.
        let mut l = Latencies::new();
        for us in 1..=100u64 {
            l.record(SimDuration(us * 10_000));
        }
        // Nothing unserved: rank ⌈0.99 × 100⌉ = 99 → 990 µs.
        assert_eq!(l.percentile_counting_ms(99, 0), 0.99);
        // One unserved of 101: rank ⌈99.99⌉ = 100 → the slowest served.
        assert_eq!(l.percentile_counting_ms(99, 1), 1.0);
        // Two of 102 (1.96%): rank ⌈100.98⌉ = 101 falls among them.
        assert_eq!(l.percentile_counting_ms(99, 2), f64::INFINITY);
        // Exactly 1% unserved (1 of 100 → 99 served): rank 99, still served.
        let mut m = Latencies::new();
        for us in 1..=99u64 {
            m.record(SimDuration(us * 10_000));
        }
        assert_eq!(m.percentile_counting_ms(99, 1), 0.99);
        assert_eq!(m.percentile_counting_ms(50, 1), 0.5);
        assert_eq!(Latencies::new().percentile_counting_ms(99, 0), 0.0);
        assert_eq!(
            Latencies::new().percentile_counting_ms(99, 3),
            f64::INFINITY
        );
    }

    #[test]
    fn latencies_mean_is_exact_and_quantiles_close() {
        let mut l = Latencies::new();
        for ms in 1..=1000u64 {
            l.record(SimDuration::from_millis(ms));
        }
        assert!((l.mean_ms() - 500.5).abs() < 1e-9);
        assert!((l.quantile_ms(0.99) - 990.0).abs() / 990.0 < 0.002);
        assert_eq!(l.max_ms(), 1000.0);
    }
}
