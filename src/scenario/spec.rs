//! The validated scenario: plain, typed, `Send + Clone` data.
//!
//! Everything here has been checked (ranges, references, cycles) by
//! [`crate::scenario::load`]; the simulation never sees raw TOML. Component
//! references are resolved to indices into [`Design::components`].
//!
//! This file holds the scenario and its designs; each kind's spec is in
//! the kind's file beside its reader (`kinds/`), and the settings the
//! models follow as written are in [`crate::settings`]. All are named here
//! too, so that the whole validated scenario reads from one place.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::catalog::{self, Catalog};
use crate::time::{SimDuration, SimTime};

pub use crate::scenario::kinds::{
    AlarmMetric, AlarmSpec, ApiGatewaySpec, ApiType, Architecture, ComponentId, ComponentSpec,
    DatabaseSpec, DbProxySpec, DeploySpec, DeploymentSpec, Ec2Spec, EndpointSpec, FargateSpec,
    LambdaSpec, LbType, LoadBalancerSpec, PolicyRef, PurchaseSpec, QueueSpec, QueueType,
    Subscription, TopicSpec,
};
pub use crate::settings::{
    ArrivalProcess, AutoScalingSpec, Backoff, BatchSize, Client, DeployPolicy, FaultKind,
    HealthCheckSpec, Jitter, LifecycleSpec, RateProfile, Release, Routing, ScalingMetric,
    ScalingPolicy, ScheduledAction, StepAdjustment, StepPolicy, TerminationPolicy, Workload,
};

/// A whole scenario file after validation.
#[derive(Clone)]
pub struct Scenario {
    /// The file it was read from (for messages and the manifest).
    pub file: PathBuf,
    /// `[scenario] name`; also the default output folder's name.
    pub name: String,
    /// `[scenario] description`, free text.
    pub description: String,
    /// `[scenario] lesson` and `lesson_ko`: what the scenario teaches.
    pub lesson: Lesson,
    /// `requests_called` and `requests_called_ko`: what the takeaways call
    /// the requests.
    pub requests_called: RequestsCalled,
    /// Simulated length of every run.
    pub duration: SimDuration,
    /// Requests arriving before this are simulated but not counted.
    pub warmup: SimDuration,
    /// Root seed; every random stream is derived from it.
    pub seed: u64,
    /// Independent replications of every design.
    pub replications: u32,
    /// Width of one `timeseries.csv` sample (default 60 s).
    pub interval: SimDuration,
    /// `[scenario] backlog_limit`: a queue's messages, a fleet's calls (in
    /// service or waiting) or a function's asynchronous events, above which
    /// a run ends as unstable at this load (default 1,000,000).
    pub backlog_limit: u32,
    /// The design the others are compared with (default: the first).
    pub baseline: usize,
    /// `[slo]`: the targets each design and sweep point is judged against.
    pub slo: Slo,
    /// The traffic offered to every design.
    pub workload: Workload,
    /// The designs, in file order.
    pub designs: Vec<Design>,
    /// Faults, in file order.
    pub faults: Vec<Fault>,
    /// `[[deployments]]`, in file order (each fleet also holds its own).
    pub deployments: Vec<Deployment>,
    /// `[sweep]` axes, in file order (the grid is their product).
    pub sweep: Vec<SweepAxis>,
    /// FNV-1a hash of the scenario text and `--set` overrides, hex.
    pub hash: String,
    /// `[scenario] region` and `[prices]`: what the runs are billed at.
    pub pricing: Pricing,
}

/// The prices a scenario's runs are billed at: its region's catalog with
/// the prices its `[prices]` table sets.
#[derive(Clone)]
pub struct Pricing {
    /// `[scenario] region` (default `us-east-1`).
    pub region: String,
    /// `[prices]`: each price the scenario sets (its catalog key and
    /// value), in file order.
    pub overrides: Vec<(String, f64)>,
    /// The region's catalog with `overrides` applied. A price the region
    /// has no figure for and no component bills is 0 here, so that a bill's
    /// zero terms stay zero.
    pub catalog: Arc<Catalog>,
}

impl Pricing {
    /// The default region's catalog as it is.
    pub fn is_default(&self) -> bool {
        self.region == catalog::DEFAULT_REGION && self.overrides.is_empty()
    }
}

impl Default for Pricing {
    fn default() -> Self {
        Pricing {
            region: catalog::DEFAULT_REGION.to_string(),
            overrides: Vec::new(),
            catalog: crate::scenario::catalogs::builtin(),
        }
    }
}

/// The region and the prices set: the catalog follows from them.
impl fmt::Debug for Pricing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pricing")
            .field("region", &self.region)
            .field("overrides", &self.overrides)
            .finish()
    }
}

impl Scenario {
    /// A fingerprint of everything that decides a run's results, and of
    /// nothing else: replication r of a design at a sweep point gives the
    /// same rows under two scenarios with the same key, whatever their
    /// replication counts, names, descriptions, baselines or SLOs. Trace and
    /// empirical files are in it by their contents.
    pub fn runs_key(&self) -> String {
        let s = self.results_only();
        format!("{:016x}", crate::rng::fnv1a(format!("{s:?}").as_bytes()))
    }

    /// A fingerprint of what decides the runs of design `d` alone: two
    /// sweep points whose scenarios give the design the same key give it
    /// the same results (a design no swept key reaches, say).
    pub fn design_key(&self, d: usize) -> u64 {
        let mut s = self.results_only();
        s.designs = s.designs.get(d).cloned().into_iter().collect();
        s.sweep.clear();
        crate::rng::fnv1a(format!("{s:?}").as_bytes())
    }

    /// A copy without what has no bearing on a run's results: the file,
    /// name, description, lesson, replication count, baseline, SLO and hash.
    fn results_only(&self) -> Scenario {
        Scenario {
            file: PathBuf::new(),
            name: String::new(),
            description: String::new(),
            lesson: Lesson::default(),
            requests_called: RequestsCalled::default(),
            replications: 0,
            baseline: 0,
            slo: Slo::default(),
            hash: String::new(),
            ..self.clone()
        }
    }
}

/// Written by hand only to leave out the lesson, and the default pricing
/// (us-east-1, no `[prices]`): [`Scenario::runs_key`] and
/// [`Scenario::design_key`] hash this text, words for the reader decide no
/// result (an edited lesson keeps a folder's runs reusable), and results
/// written before regions existed stay reusable. Every other field is in
/// it, as derived; the destructuring has no `..`, so a new field does not
/// compile until it is added here.
impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Scenario {
            file,
            name,
            description,
            lesson: _,
            requests_called: _,
            duration,
            warmup,
            seed,
            replications,
            interval,
            backlog_limit,
            baseline,
            slo,
            workload,
            designs,
            faults,
            deployments,
            sweep,
            hash,
            pricing,
        } = self;
        let mut s = f.debug_struct("Scenario");
        s.field("file", file)
            .field("name", name)
            .field("description", description)
            .field("duration", duration)
            .field("warmup", warmup)
            .field("seed", seed)
            .field("replications", replications)
            .field("interval", interval)
            .field("backlog_limit", backlog_limit)
            .field("baseline", baseline)
            .field("slo", slo)
            .field("workload", workload)
            .field("designs", designs)
            .field("faults", faults);
        // Absent when empty: scenarios without deployments keep their keys.
        if !deployments.is_empty() {
            s.field("deployments", deployments);
        }
        s.field("sweep", sweep).field("hash", hash);
        if !pricing.is_default() {
            s.field("pricing", pricing);
        }
        s.finish()
    }
}

/// `[scenario] lesson` and `lesson_ko`: multi-line text for the learner,
/// shown after the terminal table and at the top of the report; each is
/// empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Lesson {
    /// `lesson`: in English.
    pub en: String,
    /// `lesson_ko`: in Korean.
    pub ko: String,
}

/// `[scenario] requests_called` and `requests_called_ko`: the learner's
/// word for the scenario's requests ("orders", "주문"), which the generated
/// takeaways use instead of "requests" / "요청"; each empty when not given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestsCalled {
    /// `requests_called`: in English, plural ("orders").
    pub en: String,
    /// `requests_called_ko`: in Korean ("주문").
    pub ko: String,
}

/// `[slo]`: service-level objectives, each optional. A design meets the SLO
/// at a sweep point when the mean over replications of every metric given
/// is within its limit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slo {
    /// `response_p99`: the 99th percentile of what the client waited, over
    /// every request (the failed, lost and pending ranked slowest).
    pub response_p99: Option<SimDuration>,
    /// `completion_p99`: the same until all the request's work finished.
    pub completion_p99: Option<SimDuration>,
    /// `error_rate`: failed requests over requests (0–1).
    pub error_rate: Option<f64>,
    /// `lost`: requests whose work was lost.
    pub lost: Option<u64>,
    /// `monthly_budget`: the most the steady-state monthly bill (730 hours,
    /// `monthly_cost_usd`) may be [USD].
    pub monthly_budget: Option<f64>,
}

impl Slo {
    /// True when at least one target is set.
    pub fn is_set(&self) -> bool {
        *self != Slo::default()
    }
}

/// `[designs.NAME]` with the shared `[components]` merged in.
#[derive(Clone, Debug)]
pub struct Design {
    /// The design's name.
    pub name: String,
    /// The component that receives each request.
    pub entry: ComponentId,
    /// `response_size`: bytes of each successful response the entry sends
    /// to the client over the internet, billed as data transfer out;
    /// `None`: no transfer billed.
    pub response_size: Option<u32>,
    /// Every component of the design: its own, then the shared ones it uses,
    /// in file order.
    pub components: Vec<Component>,
}

impl Design {
    /// The client is answered before all the work is done (a queue, a
    /// topic or an asynchronous send on the way): the design's headline
    /// latency is completion, not response.
    pub fn answers_early(&self) -> bool {
        self.components.iter().any(|c| c.spec.hands_work_on())
    }
}

/// One component of a design.
#[derive(Clone, Debug)]
pub struct Component {
    /// Its name (also the name of its random stream).
    pub name: String,
    /// Its kind and settings.
    pub spec: ComponentSpec,
}

/// `[[faults]]`.
#[derive(Clone, Debug)]
pub struct Fault {
    /// The component's name (a fault applies to every design that has it).
    pub component: String,
    /// What goes wrong.
    pub kind: FaultKind,
    /// When it starts.
    pub at: SimTime,
    /// How long it lasts.
    pub duration: SimDuration,
}

/// `[[deployments]]`.
#[derive(Clone, Debug)]
pub struct Deployment {
    /// The fleet's name (a deployment applies to every design that has it).
    pub component: String,
    /// When it starts.
    pub at: SimTime,
    /// `policy`.
    pub policy: DeployPolicy,
    /// `batch_size` (default one instance).
    pub batch_size: BatchSize,
    /// `service_time` and `error_rate` of the new release.
    pub release: Release,
    /// `rollback_on`: the name of the alarm that rolls it back.
    pub rollback_on: Option<String>,
}

/// One `[sweep]` axis.
#[derive(Clone, Debug)]
pub struct SweepAxis {
    /// The dotted key path, e.g. `designs.scaled.app.autoscaling.target`.
    pub key: String,
    /// The values, as TOML literals (applied like `--set`).
    pub values: Vec<String>,
}
