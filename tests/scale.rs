//! Scale: the cost of a run grows as it should with fleets, environments,
//! pollers, backlogs and sweeps. No timing is asserted (the machine may be
//! shared); each test compares deterministic counts at n and 10n — events
//! delivered, heap allocations made, peak heap bytes — with a bound loose
//! enough for noise in the model and tight enough that work growing with
//! the square of n (10× more per unit at 10n) fails. The scenarios are the
//! scale benches' (`benches/scale/`), smaller.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::PathBuf;
use std::sync::Mutex;

use stratosim::run::simulate;
use stratosim::scenario::{Override, Scenario, load, load_sweep};
use stratosim::stats::RunResult;

/// The system allocator, counting allocations and live and peak bytes of
/// each thread: the tests run side by side, and a count of the whole
/// process would take in what the others allocate meanwhile (a peak of
/// 889 KB where the sweep alone peaks at 488 KB, once in CI). What is
/// measured runs on the measuring thread.
struct Counting;

/// One thread's counters.
struct Counters {
    allocations: Cell<u64>,
    allocated: Cell<u64>,
    live: Cell<i64>,
    peak: Cell<i64>,
}

thread_local! {
    // Const-initialised, without a destructor: the allocator may use it at
    // any time, and using it never allocates.
    static COUNTERS: Counters = const {
        Counters {
            allocations: Cell::new(0),
            allocated: Cell::new(0),
            live: Cell::new(0),
            peak: Cell::new(0),
        }
    };
}

// SAFETY: every call is passed on to the system allocator unchanged; the
// counters only watch.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let size = layout.size();
        let _ = COUNTERS.try_with(|c| {
            c.allocations.set(c.allocations.get() + 1);
            c.allocated.set(c.allocated.get() + size as u64);
            let live = c.live.get() + size as i64;
            c.live.set(live);
            c.peak.set(c.peak.get().max(live));
        });
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let size = layout.size();
        let _ = COUNTERS.try_with(|c| c.live.set(c.live.get() - size as i64));
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static COUNTING: Counting = Counting;

/// One measurement at a time, so that the tests' heavy work does not run
/// side by side on a small machine.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

/// What `f` cost: allocations made, bytes allocated in all, and heap bytes
/// at the peak above what was live before.
struct Cost {
    allocations: u64,
    allocated_bytes: u64,
    peak_bytes: i64,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let (before, allocations, allocated) = COUNTERS.with(|c| {
        c.peak.set(c.live.get());
        (c.live.get(), c.allocations.get(), c.allocated.get())
    });
    let out = f();
    let cost = COUNTERS.with(|c| Cost {
        allocations: c.allocations.get() - allocations,
        allocated_bytes: c.allocated.get() - allocated,
        peak_bytes: c.peak.get() - before,
    });
    (out, cost)
}

fn bench_scenario<K: ToString, V: ToString>(file: &str, overrides: &[(K, V)]) -> Scenario {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("benches/scale")
        .join(file);
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|(key, value)| Override {
            key: key.to_string(),
            value: value.to_string(),
        })
        .collect();
    load(&path, &overrides).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A run of design `design`, with what it cost.
fn run(s: &Scenario, design: usize) -> (RunResult, Cost) {
    measure(|| simulate(s, design, 0))
}

/// Asserts that `per_unit` at 10n is within `factor` of its value at n
/// (both ways): flat, give or take the model's own variation.
fn assert_flat(what: &str, at_n: f64, at_10n: f64, factor: f64) {
    eprintln!("{what}: {at_n:.3} at n, {at_10n:.3} at 10n");
    assert!(
        at_10n <= at_n * factor && at_n <= at_10n * factor,
        "{what}: {at_n:.3} at n, {at_10n:.3} at 10n (allowed: within {factor}×)"
    );
}

/// At 10n no more than `factor` × the figure at n (a figure that may fall).
fn assert_no_growth(what: &str, at_n: f64, at_10n: f64, factor: f64) {
    eprintln!("{what}: {at_n:.3} at n, {at_10n:.3} at 10n");
    assert!(
        at_10n <= at_n * factor,
        "{what}: {at_n:.3} at n, {at_10n:.3} at 10n (allowed: at most {factor}×)"
    );
}

/// A fleet of n instances behind a load balancer, for each routing policy:
/// events and allocations per request do not grow with n.
#[test]
fn a_fleet_costs_the_same_per_request_at_1000_and_10000_instances() {
    let designs = ["round_robin", "least_outstanding", "power_of_two"];
    let fleet = |n: u32| {
        let mut o = vec![
            ("workload.rate".to_string(), (5 * n).to_string()),
            ("scenario.duration".to_string(), "\"4s\"".to_string()),
        ];
        for d in designs {
            o.push((format!("designs.{d}.app.instances"), n.to_string()));
        }
        bench_scenario("fleet.toml", &o)
    };
    let (small, large) = (fleet(1_000), fleet(10_000));
    for (d, name) in designs.iter().enumerate() {
        let (a, ca) = run(&small, d);
        let (b, cb) = run(&large, d);
        assert!(a.completed > 10_000 && b.completed > 100_000, "{name}");
        let per = |r: &RunResult, x: f64| x / r.requests as f64;
        assert_flat(
            &format!("{name}: events per request"),
            per(&a, a.events as f64),
            per(&b, b.events as f64),
            1.2,
        );
        // A request allocates nothing of its own on the way (the slabs
        // reuse their slots): what allocates is per instance (its queue,
        // the first time one waits), less than one per request.
        for (r, c) in [(&a, &ca), (&b, &cb)] {
            let allocations = per(r, c.allocations as f64);
            assert!(
                allocations < 1.0,
                "{name}: {allocations:.3} allocations per request"
            );
        }
        // State: linear in the fleet (requests in flight grow with it too).
        assert_flat(
            &format!("{name}: peak heap bytes per instance"),
            ca.peak_bytes as f64 / 1_000.0,
            cb.peak_bytes as f64 / 10_000.0,
            3.0,
        );
    }
}

/// One function at 100 and 1,000 concurrent environments.
#[test]
fn a_function_costs_the_same_per_request_at_100_and_1000_environments() {
    let function = |n: u32| {
        bench_scenario(
            "lambda.toml",
            &[
                ("workload.rate", (9 * n).to_string()),
                ("scenario.duration", "\"20s\"".into()),
                ("designs.function.fn.concurrency", n.to_string()),
                ("designs.function.fn.provisioned", n.to_string()),
            ],
        )
    };
    let (a, ca) = run(&function(100), 0);
    let (b, cb) = run(&function(1_000), 0);
    assert!(b.components.iter().any(|c| c.instances_max >= 900));
    let per = |r: &RunResult, x: u64| x as f64 / r.requests as f64;
    assert_flat(
        "events per request",
        per(&a, a.events),
        per(&b, b.events),
        1.2,
    );
    for (r, c) in [(&a, &ca), (&b, &cb)] {
        let allocations = per(r, c.allocations);
        assert!(
            allocations < 1.0,
            "{allocations:.3} allocations per request"
        );
    }
}

/// An event source mapping at 30 and 300 pollers (each adds 300 a minute,
/// so both reach their scale within the first minute).
#[test]
fn an_event_source_mapping_costs_the_same_per_message_at_30_and_300_pollers() {
    let mapping = |n: u32| {
        bench_scenario(
            "esm.toml",
            &[
                ("workload.rate", (12 * n).to_string()),
                ("scenario.duration", "\"2m\"".into()),
                ("designs.mapping.fn.concurrency", n.to_string()),
            ],
        )
    };
    let (a, ca) = run(&mapping(30), 0);
    let (b, cb) = run(&mapping(300), 0);
    let function = |r: &RunResult| {
        r.components
            .iter()
            .find(|c| c.name == "fn")
            .map_or(0, |c| c.instances_max)
    };
    assert_eq!((function(&a), function(&b)), (30, 300));
    let per = |r: &RunResult, x: u64| x as f64 / r.requests as f64;
    assert_flat(
        "events per message",
        per(&a, a.events),
        per(&b, b.events),
        1.3,
    );
    for (r, c) in [(&a, &ca), (&b, &cb)] {
        let allocations = per(r, c.allocations);
        assert!(
            allocations < 1.0,
            "{allocations:.3} allocations per message"
        );
    }
}

/// A queue consumed by an Auto Scaling group of 4 instances whose `max` is
/// 100 and 1,000: the pollers of the empty slots wait for their instance
/// without polling, so the events per message do not grow with `max`
/// beyond each poller's first look at the start (0.6 events per message
/// more here, once; looking again every second, as they once did, is
/// 2 × 900 × 8 more polls a second, about 70 events per message).
#[test]
fn a_group_consumer_costs_the_same_per_message_at_max_100_and_1000() {
    let group = |max: u32| {
        bench_scenario(
            "group-consumer.toml",
            &[("designs.group.worker.autoscaling.max", max)],
        )
    };
    let (a, _) = run(&group(100), 0);
    let (b, _) = run(&group(1_000), 0);
    assert!(a.completed > 20_000 && b.completed > 20_000);
    let per = |r: &RunResult| r.events as f64 / r.requests as f64;
    assert_flat("events per message", per(&a), per(&b), 1.1);
}

/// A backlog of 100,000 and 1,000,000 messages: the bytes per queued
/// message do not grow, and stay small.
#[test]
fn a_backlog_holds_each_message_in_the_same_few_bytes_at_100k_and_1m() {
    let backlog = |seconds: u32| {
        bench_scenario(
            "backlog.toml",
            &[("scenario.duration", format!("\"{seconds}s\""))],
        )
    };
    let (a, ca) = run(&backlog(10), 0);
    let (b, cb) = run(&backlog(100), 0);
    assert!(a.pending > 99_000 && b.pending > 999_000);
    let per = |r: &RunResult, c: &Cost| c.peak_bytes as f64 / r.pending as f64;
    assert_flat(
        "peak heap bytes per queued message",
        per(&a, &ca),
        per(&b, &cb),
        1.5,
    );
    // The message, its request and the request's piece of work, in slabs
    // that double as they grow.
    assert!(per(&b, &cb) < 400.0, "{} bytes per message", per(&b, &cb));
}

/// `benches/scale/sweep.toml` swept over `points` arrival rates.
fn swept(points: u32) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/scale/sweep.toml");
    let mut text = std::fs::read_to_string(path).unwrap();
    let values: Vec<String> = (0..points)
        .map(|i| format!("{}", 50.0 + f64::from(i) * 0.001))
        .collect();
    text.push_str(&format!(
        "\n[sweep]\n\"workload.rate\" = [{}]\n",
        values.join(", ")
    ));
    text
}

/// A sweep of 1,000 and 10,000 points: validating it and building every
/// point's scenario take allocations in proportion to the points, and the
/// points are built one at a time, so the memory held does not grow.
#[test]
fn a_sweep_is_validated_and_planned_in_work_linear_in_its_points() {
    let path = PathBuf::from("sweep.toml");
    let cost = |points: u32| {
        let text = swept(points);
        let (n, check) = measure(|| load_sweep(&text, &path, &[]).unwrap().points());
        assert_eq!(n, points as usize);
        // Loaded again, outside the measure.
        let loaded = load_sweep(&text, &path, &[]).unwrap();
        let (built, plan) = measure(|| {
            (0..loaded.points())
                .map(|i| loaded.point(i).unwrap())
                .filter(|s| !s.designs.is_empty())
                .count()
        });
        assert_eq!(built, points as usize);
        let per = |x: f64| x / f64::from(points);
        [
            per(check.allocations as f64),
            per(check.allocated_bytes as f64),
            per(plan.allocations as f64),
            per(plan.allocated_bytes as f64),
            plan.peak_bytes as f64,
            check.peak_bytes as f64,
        ]
    };
    let a = cost(1_000);
    let b = cost(10_000);
    // Copying the sweep's values for each point is one allocation of
    // bytes in proportion to the points: the bytes tell.
    assert_flat("allocations per point to validate", a[0], b[0], 1.5);
    assert_flat("bytes allocated per point to validate", a[1], b[1], 1.5);
    assert_flat("allocations per point to build", a[2], b[2], 1.5);
    assert_flat("bytes allocated per point to build", a[3], b[3], 1.5);
    // One point's scenario at a time: the peak does not grow with them (it
    // may shrink: at n the allocator's high-water mark is set by the load).
    assert_no_growth("peak bytes while building every point", a[4], b[4], 1.5);
}
