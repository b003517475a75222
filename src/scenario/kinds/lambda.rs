//! `kind = "lambda"`: a Lambda function, its runtime, memory, concurrency
//! and asynchronous invocation settings.

use crate::dist::Dist;
use crate::scenario::dist::{DIST_EXPECTED, dist_value_scaled};
use crate::scenario::kinds::{ComponentId, ComponentSpec};
use crate::scenario::kinds::{Kind, Reading, Role, single_name};
use crate::scenario::reader::text::{Quoted, one_of};
use crate::scenario::reader::values::DurRange;
use crate::scenario::reader::values::integer_value;
use crate::scenario::reader::{Ctx, Table};
use crate::time::SimDuration;

/// Lambda instruction set architecture (pricing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Architecture {
    /// x86_64 (default).
    X86_64,
    /// arm64 (Graviton): cheaper per GB-second.
    Arm64,
}

/// `kind = "lambda"`: a function.
#[derive(Clone, Debug)]
pub struct LambdaSpec {
    /// `runtime`, e.g. `python3.12`, `java21`, `java21-snapstart`.
    pub runtime: String,
    /// `memory_mb` (128–10,240, default 128, AWS's default).
    pub memory_mb: u32,
    /// `architecture` (default x86_64).
    pub architecture: Architecture,
    /// `service_time`: run time of one invocation at `memory_mb`
    /// (already scaled when `cpu_bound` says it was measured elsewhere).
    pub service_time: Dist,
    /// `cold_start`: time to start a new execution environment (default
    /// from the runtime, see the catalog).
    pub cold_start: Dist,
    /// `keep_alive`: how long an idle environment is kept (default 10 min).
    pub keep_alive: Dist,
    /// `concurrency`: reserved concurrency; `None` draws on the account's
    /// unreserved pool.
    pub concurrency: Option<u32>,
    /// `provisioned`: environments kept initialised all along (default 0).
    pub provisioned: u32,
    /// `timeout` (1 s–900 s, default 3 s, AWS's default).
    pub timeout: SimDuration,
    /// Synchronous calls after the work.
    pub calls: Vec<ComponentId>,
    /// Messages sent after the calls.
    pub sends: Vec<ComponentId>,
    /// `retries` of a failed asynchronous event (0–2, default 2).
    pub async_retries: u32,
    /// `max_event_age`: an asynchronous event older than this is dropped
    /// (default 6 h).
    pub max_event_age: SimDuration,
    /// `on_failure`: the queue that receives events that exhausted their
    /// retries or age; without one they are lost.
    pub on_failure: Option<ComponentId>,
}

pub(crate) const KIND: Kind = Kind {
    name: "lambda",
    named_by: &[
        Role::Target,
        Role::Call,
        Role::Send,
        Role::Consumer,
        Role::Subscriber,
        Role::Watched,
    ],
    read,
    writes: &[
        "concurrency",
        "environments",
        "cold_starts",
        "throttles",
        "init_ms",
        "events_waiting",
        "events_dropped",
    ],
};

/// The runtime without a catalog figure: container-image functions.
const CONTAINER: &str = "container";

/// Defaults are AWS's where AWS has one, else the catalog's (aws-facts.md §6).
fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "runtime",
            "memory_mb",
            "architecture",
            "service_time",
            "cold_start",
            "keep_alive",
            "concurrency",
            "provisioned",
            "timeout",
            "calls",
            "sends",
            "cpu_bound",
            "retries",
            "max_event_age",
            "on_failure",
        ],
    );
    let catalog = crate::catalog::builtin();
    let limits = &catalog.lambda;
    let mut runtimes: Vec<&str> = catalog.lambda_runtime_names().collect();
    runtimes.push(CONTAINER);
    let options: Vec<(&str, &str)> = runtimes.iter().map(|r| (*r, *r)).collect();
    let runtime = if t.require(ctx, "runtime", &one_of(&runtimes, Quoted::Value)) {
        t.choice(ctx, "runtime", &options)
    } else {
        None
    };
    let (min_mb, max_mb) = (
        limits.min_memory_mb.value as u32,
        limits.max_memory_mb.value as u32,
    );
    let memory_mb = t.u32(ctx, "memory_mb", min_mb, max_mb);
    let memory_ok = !t.has("memory_mb") || memory_mb.is_some();
    let memory_mb = memory_mb.unwrap_or(limits.default_memory_mb.value as u32);
    let architecture = t.choice(
        ctx,
        "architecture",
        &[
            ("x86_64", Architecture::X86_64),
            ("arm64", Architecture::Arm64),
        ],
    );
    // `cpu_bound = N`: service_time was measured at N MB and is CPU-bound, so
    // it scales with the CPU share: × cpu(N) / cpu(memory_mb).
    let cpu_bound = t
        .get("cpu_bound")
        .and_then(|v| match integer_value(v.get_ref()) {
            Some(n) if (i128::from(min_mb)..=i128::from(max_mb)).contains(&n) => {
                u32::try_from(n).ok()
            }
            _ => {
                let expected = format!(
                    "the memory size in MB at which `service_time` was measured, an integer from {min_mb} to {max_mb} (e.g. cpu_bound = 1769)"
                );
                ctx.unexpected(t.key("cpu_bound"), v, &expected);
                None
            }
        });
    let factor = cpu_bound
        .filter(|&n| memory_ok && n != memory_mb)
        .map(|n| catalog.lambda_vcpus(f64::from(n)) / catalog.lambda_vcpus(f64::from(memory_mb)));
    let service_time = match (t.req_dist(ctx, "service_time"), factor) {
        // Read again, stretched: the distribution was checked as written
        // (so messages quote the user's numbers); only the scaled numbers
        // can still be refused.
        (Some(_), Some(f)) => t
            .get("service_time")
            .and_then(|v| dist_value_scaled(ctx, &t.key("service_time"), v, f)),
        (st, _) => st,
    };
    let cold_start = match t.get("cold_start") {
        Some(_) => t.dist(ctx, "cold_start"),
        None if runtime == Some(CONTAINER) => {
            t.err(
                ctx,
                "cold_start",
                format!(
                    "missing `cold_start`: runtime = \"{CONTAINER}\" has no default because no published cold-start figure exists for container-image functions; expected {DIST_EXPECTED}"
                ),
            );
            None
        }
        // Default: log-normal with median = the catalog's measured init
        // time and the catalog's spread (an assumption). For a log-normal,
        // mean = median·√(1 + cv²).
        None => runtime
            .and_then(|r| catalog.lambda_runtime(r))
            .and_then(|r| {
                let cv = limits.cold_start_cv.value;
                let mean = r.init_ms.millis().mul_f64((1.0 + cv * cv).sqrt());
                Dist::lognormal_mean_cv(mean, cv).ok()
            }),
    };
    let keep_alive = t.dist(ctx, "keep_alive").unwrap_or_else(|| {
        Dist::constant(SimDuration::from_secs_f64(
            limits.default_keep_alive_minutes.value * 60.0,
        ))
    });
    // Reserved and provisioned concurrency both come out of the account's.
    let account = limits.account_concurrency.value as u32;
    let concurrency = t.u32(ctx, "concurrency", 1, account);
    let provisioned = t.u32(ctx, "provisioned", 0, account);
    if let (Some(p), Some(c)) = (provisioned, concurrency)
        && p > c
    {
        t.err(
            ctx,
            "provisioned",
            format!("expected at most `concurrency` ({c}) provisioned environments, found {p}"),
        );
    }
    let timeouts = DurRange::seconds(&limits.min_timeout_s, &limits.max_timeout_s);
    let timeout = t.dur(ctx, "timeout", timeouts);
    // Asynchronous invocations: retries of a failed event and its maximum
    // age, both at most AWS's default.
    let max_retries = limits.async_max_retries.value as u32;
    let retries = t.u32(ctx, "retries", 0, max_retries);
    let ages = DurRange::seconds(&limits.async_min_event_age_s, &limits.async_max_event_age_s);
    let max_event_age = t.dur(ctx, "max_event_age", ages);
    let calls = reading.refer(ctx, t, "calls", Role::Call);
    let sends = reading.refer(ctx, t, "sends", Role::Send);
    single_name(ctx, t, "on_failure");
    let on_failure = reading.refer(ctx, t, "on_failure", Role::OnFailure);
    // Values refused above fall back to their defaults here; the reported
    // problem keeps the scenario from loading.
    Some(ComponentSpec::Lambda(LambdaSpec {
        runtime: runtime?.to_string(),
        memory_mb,
        architecture: architecture.unwrap_or(Architecture::X86_64),
        service_time: service_time?,
        cold_start: cold_start?,
        keep_alive,
        concurrency,
        provisioned: provisioned.unwrap_or(0),
        timeout: timeout.unwrap_or_else(|| limits.default_timeout_s.secs()),
        calls,
        sends,
        async_retries: retries.unwrap_or(max_retries),
        max_event_age: max_event_age.unwrap_or(limits.async_max_event_age_s.secs()),
        on_failure: on_failure.first().copied(),
    }))
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn lambda_defaults() {
        let s = load_text(&with_lambda(
            "runtime = \"java21\"\nservice_time = \"10ms\"\n",
        ))
        .unwrap();
        let f = lambda_of(&s, 0, "fn");
        assert_eq!(f.runtime, "java21");
        assert_eq!(f.memory_mb, 128);
        assert_eq!(f.architecture, Architecture::X86_64);
        assert_eq!((f.concurrency, f.provisioned), (None, 0));
        assert_eq!(f.timeout, SimDuration::from_secs(3));
        assert!(f.calls.is_empty() && f.sends.is_empty());
        assert_dist(
            &f.service_time,
            &Dist::constant(SimDuration::from_millis(10)),
        );
        assert_dist(&f.keep_alive, &Dist::constant(SimDuration::from_secs(600)));
        // Log-normal, median = the catalog's 262 ms, cv 0.25: mean = median·√(1 + cv²).
        assert_median(&f.cold_start, 0.262);
        assert_mean(&f.cold_start, 0.262 * 1.0625f64.sqrt());
        let p99 = f.cold_start.quantile_secs(0.99).unwrap();
        let sigma = 1.0625f64.ln().sqrt();
        assert!((p99 / 0.262 - (2.326347874040841 * sigma).exp()).abs() < 1e-6);
        // Every runtime of the catalog has a default.
        for name in crate::catalog::builtin().lambda_runtime_names() {
            let text = with_lambda(&format!("runtime = \"{name}\"\nservice_time = \"1ms\"\n"));
            let f = lambda_of(&load_text(&text).unwrap(), 0, "fn");
            let init = crate::catalog::builtin().lambda_runtime(name).unwrap();
            assert_median(&f.cold_start, init.init_ms.value / 1e3);
        }
    }

    #[test]
    fn lambda_values() {
        let text = with_lambda(
            "runtime = \"nodejs22.x\"\nmemory_mb = 2048\narchitecture = \"arm64\"\n\
             service_time = { dist = \"exp\", mean = \"20ms\" }\n\
             cold_start = { dist = \"uniform\", min = \"100ms\", max = \"300ms\" }\n\
             keep_alive = { dist = \"uniform\", min = \"5m\", max = \"15m\" }\n\
             concurrency = 1000\nprovisioned = 1000\ntimeout = \"900s\"\n\
             calls = \"db\"\nsends = [\"q\"]\n\
             [designs.d.db]\nkind = \"database\"\nservice_time = \"1ms\"\n\
             [designs.d.q]\nkind = \"queue\"\n",
        );
        let s = load_text(&text).unwrap();
        let f = lambda_of(&s, 0, "fn");
        assert_eq!(f.runtime, "nodejs22.x");
        assert_eq!(f.memory_mb, 2048);
        assert_eq!(f.architecture, Architecture::Arm64);
        assert_eq!((f.concurrency, f.provisioned), (Some(1000), 1000));
        assert_eq!(f.timeout, SimDuration::from_secs(900));
        assert_eq!(
            (f.calls.as_slice(), f.sends.as_slice()),
            (&[ComponentId(2)][..], &[ComponentId(3)][..])
        );
        assert_dist(
            &f.service_time,
            &Dist::exp(SimDuration::from_millis(20)).unwrap(),
        );
        assert_dist(
            &f.cold_start,
            &Dist::uniform(SimDuration::from_millis(100), SimDuration::from_millis(300)).unwrap(),
        );
        assert_dist(
            &f.keep_alive,
            &Dist::uniform(SimDuration::from_secs(300), SimDuration::from_secs(900)).unwrap(),
        );
        // Bounds.
        let ok = |keys: &str| {
            load_text(&with_lambda(&format!(
                "runtime = \"go\"\nservice_time = \"1ms\"\n{keys}"
            )))
            .map(|_| ())
        };
        ok("memory_mb = 128\ntimeout = \"1s\"\nconcurrency = 1\nprovisioned = 0\n").unwrap();
        ok("memory_mb = 10240\n").unwrap();
        let one = |keys: &str, key: &str, parts: &[&str]| {
            let text = with_lambda(&format!("runtime = \"go\"\nservice_time = \"1ms\"\n{keys}"));
            let needle = keys.lines().last().unwrap();
            expect_one(&text, key, needle, parts);
        };
        one(
            "memory_mb = 10241",
            "designs.d.fn.memory_mb",
            &["from 128 to 10240"],
        );
        one(
            "timeout = \"999ms\"",
            "designs.d.fn.timeout",
            &["from 1s to 900s"],
        );
        one(
            "concurrency = 0",
            "designs.d.fn.concurrency",
            &["from 1 to 1000"],
        );
        one(
            "concurrency = 1001",
            "designs.d.fn.concurrency",
            &["from 1 to 1000"],
        );
        one(
            "provisioned = 1001",
            "designs.d.fn.provisioned",
            &["from 0 to 1000"],
        );
        one(
            "concurrency = 10\nprovisioned = 11",
            "designs.d.fn.provisioned",
            &["at most `concurrency` (10)", "found 11"],
        );
        one(
            "keep_alive = 10",
            "designs.d.fn.keep_alive",
            &["a distribution"],
        );
        one(
            "architecture = \"x86-64\"",
            "designs.d.fn.architecture",
            &["did you mean \"x86_64\"?"],
        );
        // `service_time` is required.
        let text = with_lambda("runtime = \"go\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{}", ScenarioErrors(errs.clone()));
        assert_eq!(errs[0].key, "designs.d.fn.service_time");
        assert!(errs[0].message.contains("missing `service_time`"));
    }

    /// An array would silently keep its first entry: refused like a queue's
    /// `consumer` (issue 11).
    #[test]
    fn on_failure_names_one_destination() {
        let text = with_lambda(
            "runtime = \"go\"\nservice_time = \"1ms\"\non_failure = [\"dlq\", \"other\"]\n",
        ) + "\n[designs.d.dlq]\nkind = \"queue\"\n[designs.d.other]\nkind = \"queue\"\n";
        expect_one(
            &text,
            "designs.d.fn.on_failure",
            "on_failure",
            &["expected one component name, found an array"],
        );
    }

    #[test]
    fn lambda_runtimes() {
        // Unknown runtimes get the nearest known one.
        for (bad, near) in [
            ("java2l", "java21"),
            ("contianer", "container"),
            ("nodejs22", "nodejs22.x"),
            ("java21-snapstrat", "java21-snapstart"),
        ] {
            let text = with_lambda(&format!("runtime = \"{bad}\"\nservice_time = \"1ms\"\n"));
            expect_one(
                &text,
                "designs.d.fn.runtime",
                "runtime",
                &[
                    &format!("found \"{bad}\""),
                    &format!("did you mean \"{near}\"?"),
                ],
            );
        }
        // The message lists what is accepted: the catalog's runtimes and `container`.
        let errs = errors(&with_lambda(
            "runtime = \"cobol\"\nservice_time = \"1ms\"\n",
        ));
        expect(
            &errs,
            "designs.d.fn.runtime",
            Some(line_of(&with_lambda(""), "kind = \"lambda\"") + 1),
            &[
                "\"python3.12\"",
                "\"java21-snapstart\"",
                "\"provided.al2023\"",
                "or \"container\"",
            ],
        );
        let errs = errors(&with_lambda("service_time = \"1ms\"\n"));
        assert_eq!(errs.len(), 1);
        assert!(errs[0].message.contains("missing `runtime`"), "{}", errs[0]);
        // A container image has no published cold start: `cold_start` is required.
        let text = with_lambda("runtime = \"container\"\nservice_time = \"1ms\"\n");
        let errs = errors(&text);
        assert_eq!(errs.len(), 1, "{}", ScenarioErrors(errs.clone()));
        assert_eq!(errs[0].key, "designs.d.fn.cold_start");
        assert!(
            errs[0].message.contains("missing `cold_start`")
                && errs[0].message.contains("no published cold-start figure"),
            "{}",
            errs[0]
        );
        let text = with_lambda(
            "runtime = \"container\"\nservice_time = \"1ms\"\ncold_start = { dist = \"lognormal\", median = \"800ms\", p99 = \"2s\" }\n",
        );
        let f = lambda_of(&load_text(&text).unwrap(), 0, "fn");
        assert_eq!(f.runtime, "container");
        assert_median(&f.cold_start, 0.8);
        // SnapStart restores faster than a plain JVM starts.
        let median = |runtime: &str| {
            let text = with_lambda(&format!(
                "runtime = \"{runtime}\"\nservice_time = \"1ms\"\n"
            ));
            let f = lambda_of(&load_text(&text).unwrap(), 0, "fn");
            f.cold_start.quantile_secs(0.5).unwrap()
        };
        assert!(median("java21-snapstart") < median("java21"));
        assert!(median("python3.12") < median("java21"));
    }

    #[test]
    fn lambda_cpu_bound_scales_service_time() {
        let mean_at = |memory_mb: u32, service_time: &str, cpu_bound: u32| {
            let text = with_lambda(&format!(
                "runtime = \"python3.12\"\nmemory_mb = {memory_mb}\nservice_time = {service_time}\ncpu_bound = {cpu_bound}\n"
            ));
            lambda_of(&load_text(&text).unwrap(), 0, "fn").service_time
        };
        // Measured 100 ms at 1,769 MB (1 vCPU): twice the memory, twice the CPU, half the time.
        let d = mean_at(3538, "\"100ms\"", 1769);
        assert!(d.is_constant());
        assert_mean(&d, 0.050);
        // At 512 MB the function has 512/1769 of a vCPU.
        assert_mean(&mean_at(512, "\"100ms\"", 1769), 0.1 * 1769.0 / 512.0);
        // Measured where it runs: unchanged.
        assert_dist(
            &mean_at(512, "\"100ms\"", 512),
            &Dist::constant(SimDuration::from_millis(100)),
        );
        // The shape is kept: a gamma stays a gamma with the same cv.
        assert_dist(
            &mean_at(
                3538,
                "{ dist = \"gamma\", mean = \"100ms\", cv = 0.5 }",
                1769,
            ),
            &Dist::gamma_mean_cv(SimDuration::from_millis(50), 0.5).unwrap(),
        );
        assert_dist(
            &mean_at(
                3538,
                "{ dist = \"lognormal\", median = \"100ms\", p99 = \"400ms\" }",
                1769,
            ),
            &Dist::lognormal_median_p99(
                SimDuration::from_millis(50),
                SimDuration::from_millis(200),
            )
            .unwrap(),
        );
        assert_dist(
            &mean_at(
                3538,
                "{ dist = \"uniform\", min = \"10ms\", max = \"30ms\" }",
                1769,
            ),
            &Dist::uniform(SimDuration::from_millis(5), SimDuration::from_millis(15)).unwrap(),
        );
        // Default memory (128 MB).
        let text = with_lambda("runtime = \"go\"\nservice_time = \"128ms\"\ncpu_bound = 1769\n");
        assert_mean(
            &lambda_of(&load_text(&text).unwrap(), 0, "fn").service_time,
            1.769,
        );
        // Only the integer form is accepted.
        for bad in ["true", "false", "64", "10241", "1769.0", "\"1769\""] {
            let text = with_lambda(&format!(
                "runtime = \"go\"\nservice_time = \"1ms\"\ncpu_bound = {bad}\n"
            ));
            expect_one(
                &text,
                "designs.d.fn.cpu_bound",
                "cpu_bound",
                &[
                    "memory size in MB at which `service_time` was measured",
                    "128 to 10240",
                ],
            );
        }
        // Problems with the distribution are reported once, in the user's numbers.
        let text = with_lambda(
            "runtime = \"go\"\nmemory_mb = 3538\nservice_time = { dist = \"lognormal\", median = \"100ms\", p99 = \"50ms\" }\ncpu_bound = 1769\n",
        );
        expect_one(
            &text,
            "designs.d.fn.service_time",
            "p99 = \"50ms\"",
            &["p99 (50ms) must be greater than median (100ms)"],
        );
    }
}
