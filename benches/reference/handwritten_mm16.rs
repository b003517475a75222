//! The yardstick of issue 15: M/M/16 written by hand for that one model.
//!
//! Shared by the criterion benchmark `reference/handwritten_mm16`
//! (`benches/engine.rs`) and by the example `handwritten_mm16`
//! (`benches/reference/main_mm16.rs`), the same loop as a process of its
//! own, which `benches/perf-table.sh` times in turn with `stratosim run`.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};

use hdrhistogram::Histogram;
use rand::SeedableRng;
use rand_distr::{Distribution, Exp1};
use rand_pcg::Pcg64Mcg;

/// The M/M/16 of issue 15: λ = 200/s, exponential service with a 70 ms
/// mean, 10 000 s simulated: about 2 million requests.
pub const MM16_RATE: f64 = 200.0;
pub const MM16_MEAN_SERVICE_NS: f64 = 70e6;
pub const MM16_HORIZON_NS: u64 = 10_000 * 1_000_000_000;

/// M/M/16 as one would write it for that model alone, with no framework: a
/// binary heap of `(time, sequence, arrival instant)` events, a FIFO of
/// waiting arrival instants, PCG exponential draws, and an HDR histogram
/// record of every response (whole microseconds, as stratosim records
/// them); nothing is written out. Returns the requests that arrived and
/// the mean response [ns] (so the work cannot be optimised away).
pub fn handwritten_mm16() -> (u64, f64) {
    const SERVERS: u32 = 16;
    /// Marks an arrival event; a departure carries its arrival instant.
    const ARRIVAL: u64 = u64::MAX;
    let mut rng = Pcg64Mcg::seed_from_u64(1);
    let mut draw = |mean_ns: f64| {
        let x: f64 = Exp1.sample(&mut rng);
        (x * mean_ns + 0.5) as u64
    };
    let mean_interarrival = 1e9 / MM16_RATE;
    let mut heap: BinaryHeap<Reverse<(u64, u64, u64)>> = BinaryHeap::with_capacity(64);
    let mut waiting: VecDeque<u64> = VecDeque::with_capacity(1024);
    let mut hist = Histogram::<u64>::new(3).expect("valid precision");
    hist.auto(true);
    let (mut seq, mut busy, mut requests, mut response_sum) = (0u64, 0u32, 0u64, 0u128);
    heap.push(Reverse((draw(mean_interarrival), seq, ARRIVAL)));
    while let Some(Reverse((now, _, what))) = heap.pop() {
        if now >= MM16_HORIZON_NS {
            break;
        }
        seq += 1;
        if what == ARRIVAL {
            requests += 1;
            heap.push(Reverse((now + draw(mean_interarrival), seq, ARRIVAL)));
            if busy < SERVERS {
                busy += 1;
                seq += 1;
                heap.push(Reverse((now + draw(MM16_MEAN_SERVICE_NS), seq, now)));
            } else {
                waiting.push_back(now);
            }
        } else {
            let response = now - what;
            response_sum += u128::from(response);
            let _ = hist.record((response / 1_000).max(1));
            if let Some(arrived) = waiting.pop_front() {
                heap.push(Reverse((now + draw(MM16_MEAN_SERVICE_NS), seq, arrived)));
            } else {
                busy -= 1;
            }
        }
    }
    (requests, response_sum as f64 / hist.len().max(1) as f64)
}
