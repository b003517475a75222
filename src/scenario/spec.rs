//! The validated scenario: plain, typed, `Send + Clone` data.
//!
//! Everything here has been checked (ranges, references, cycles) by
//! [`crate::scenario::load`]; the simulation never sees raw TOML. Component
//! references are resolved to indices into [`Design::components`].

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use crate::dist::Dist;
use crate::time::{SimDuration, SimTime};

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
    /// `[sweep]` axes, in file order (the grid is their product).
    pub sweep: Vec<SweepAxis>,
    /// FNV-1a hash of the scenario text and `--set` overrides, hex.
    pub hash: String,
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
            replications: 0,
            baseline: 0,
            slo: Slo::default(),
            hash: String::new(),
            ..self.clone()
        }
    }
}

/// Written by hand only to leave out the lesson: [`Scenario::runs_key`]
/// and [`Scenario::design_key`] hash this text, and words for the reader
/// decide no result (an edited lesson keeps a folder's runs reusable). Every
/// other field is in it, as derived; the destructuring has no `..`, so a
/// new field does not compile until it is added here.
impl fmt::Debug for Scenario {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Scenario {
            file,
            name,
            description,
            lesson: _,
            duration,
            warmup,
            seed,
            replications,
            interval,
            baseline,
            slo,
            workload,
            designs,
            faults,
            sweep,
            hash,
        } = self;
        f.debug_struct("Scenario")
            .field("file", file)
            .field("name", name)
            .field("description", description)
            .field("duration", duration)
            .field("warmup", warmup)
            .field("seed", seed)
            .field("replications", replications)
            .field("interval", interval)
            .field("baseline", baseline)
            .field("slo", slo)
            .field("workload", workload)
            .field("designs", designs)
            .field("faults", faults)
            .field("sweep", sweep)
            .field("hash", hash)
            .finish()
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

/// `[slo]`: service-level objectives, each optional. A design meets the SLO
/// at a sweep point when the mean over replications of every metric given
/// is within its limit.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Slo {
    /// `response_p99`: the 99th percentile of what the client waited.
    pub response_p99: Option<SimDuration>,
    /// `completion_p99`: the same until all the request's work finished.
    pub completion_p99: Option<SimDuration>,
    /// `error_rate`: failed requests over requests (0–1).
    pub error_rate: Option<f64>,
    /// `lost`: requests whose work was lost.
    pub lost: Option<u64>,
    /// `monthly_budget`: the bill extrapolated to a month of 730 hours [USD].
    pub monthly_budget: Option<f64>,
}

impl Slo {
    /// True when at least one target is set.
    pub fn is_set(&self) -> bool {
        *self != Slo::default()
    }
}

/// `[workload]`.
#[derive(Clone, Debug)]
pub struct Workload {
    /// How arrivals are spaced.
    pub arrival: ArrivalProcess,
    /// The rate over time (or a trace of arrival times).
    pub rate: RateProfile,
    /// `[workload.client]`.
    pub client: Client,
    /// `classes`: request classes and their shares (for topic filters);
    /// one class called `default` when not given. Shares sum to 1.
    pub classes: Vec<(String, f64)>,
}

/// `[workload] arrival`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ArrivalProcess {
    /// Exponential gaps (a Poisson process, non-homogeneous when the rate varies).
    Poisson,
    /// Evenly spaced arrivals at the current rate.
    Constant,
}

/// The arrival rate over time.
#[derive(Clone, Debug)]
pub enum RateProfile {
    /// Piecewise-constant rate [requests/s]: `initial` from time zero, then
    /// each step's rate from its instant on (steps sorted by time).
    Steps {
        /// Rate before the first step [1/s].
        initial: f64,
        /// `(at, rate)` pairs, strictly increasing in `at`.
        steps: Vec<(SimTime, f64)>,
    },
    /// `min + (max-min)·(1+cos(2π(t-peak_at)/period))/2` [1/s].
    Diurnal {
        /// Lowest rate [1/s].
        min_rate: f64,
        /// Highest rate, reached at `peak_at` [1/s].
        max_rate: f64,
        /// When the rate peaks, from the start.
        peak_at: SimDuration,
        /// Length of one cycle.
        period: SimDuration,
    },
    /// Replay of recorded arrival instants, sorted.
    Trace(Arc<[SimTime]>),
}

/// `[workload.client]`: how the caller behaves.
#[derive(Clone, Debug)]
pub struct Client {
    /// Per-attempt timeout; `None` waits forever.
    pub timeout: Option<SimDuration>,
    /// Retries after the first attempt fails (error or timeout).
    pub retries: u32,
    /// Wait before retry `k` (k = 0, 1, …): `min(max, base·multiplier^k)` with jitter.
    pub backoff: Backoff,
}

/// Exponential backoff with jitter between client retries.
#[derive(Clone, Debug)]
pub struct Backoff {
    /// Wait before the first retry, before jitter.
    pub base: SimDuration,
    /// Cap on the wait.
    pub max: SimDuration,
    /// Growth factor per retry (≥ 1).
    pub multiplier: f64,
    /// How the wait is randomised.
    pub jitter: Jitter,
}

/// Jitter schemes (as in the AWS Architecture Blog's "Exponential Backoff
/// and Jitter").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jitter {
    /// Exactly the computed wait: synchronised retries, the storm case.
    None,
    /// Uniform in `[0, wait]`.
    Full,
    /// `wait/2` plus uniform in `[0, wait/2]`.
    Equal,
}

/// Index of a component within its design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ComponentId(pub usize);

/// `[designs.NAME]` with the shared `[components]` merged in.
#[derive(Clone, Debug)]
pub struct Design {
    /// The design's name.
    pub name: String,
    /// The component that receives each request.
    pub entry: ComponentId,
    /// Every component of the design: its own, then the shared ones it uses,
    /// in file order.
    pub components: Vec<Component>,
}

/// One component of a design.
#[derive(Clone, Debug)]
pub struct Component {
    /// Its name (also the name of its random stream).
    pub name: String,
    /// Its kind and settings.
    pub spec: ComponentSpec,
}

/// The kinds of component and their validated settings.
// Specs are built once per run and read while components are assembled:
// the size of the largest variant costs nothing worth boxing for.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug)]
pub enum ComponentSpec {
    /// `kind = "load_balancer"`.
    LoadBalancer(LoadBalancerSpec),
    /// `kind = "ec2"`.
    Ec2(Ec2Spec),
    /// `kind = "database"`.
    Database(DatabaseSpec),
    /// `kind = "queue"` (SQS).
    Queue(QueueSpec),
    /// `kind = "topic"` (SNS).
    Topic(TopicSpec),
    /// `kind = "lambda"`.
    Lambda(LambdaSpec),
    /// `kind = "api_gateway"`.
    ApiGateway(ApiGatewaySpec),
}

impl ComponentSpec {
    /// The `kind` string as written in scenarios and in `components.csv`.
    pub fn kind_name(&self) -> &'static str {
        match self {
            ComponentSpec::LoadBalancer(_) => "load_balancer",
            ComponentSpec::Ec2(e) if e.fargate.is_some() => "fargate",
            ComponentSpec::Ec2(_) => "ec2",
            ComponentSpec::Database(_) => "database",
            ComponentSpec::Queue(_) => "queue",
            ComponentSpec::Topic(_) => "topic",
            ComponentSpec::Lambda(_) => "lambda",
            ComponentSpec::ApiGateway(_) => "api_gateway",
        }
    }

    /// Every reference to another component, to fill in or rewrite.
    pub fn references_mut(&mut self) -> Vec<&mut ComponentId> {
        match self {
            ComponentSpec::LoadBalancer(lb) => lb.targets.iter_mut().collect(),
            ComponentSpec::Ec2(e) => e.calls.iter_mut().chain(&mut e.sends).collect(),
            ComponentSpec::Database(_) => Vec::new(),
            ComponentSpec::Queue(q) => q.consumer.iter_mut().chain(&mut q.dead_letter).collect(),
            ComponentSpec::Topic(t) => t.subscriptions.iter_mut().map(|s| &mut s.target).collect(),
            ComponentSpec::Lambda(l) => l
                .calls
                .iter_mut()
                .chain(&mut l.sends)
                .chain(&mut l.on_failure)
                .collect(),
            ComponentSpec::ApiGateway(a) => a.targets.iter_mut().collect(),
        }
    }
}

/// Load balancer flavour, for pricing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LbType {
    /// Application Load Balancer (LCU pricing).
    Alb,
    /// Network Load Balancer (NLCU pricing).
    Nlb,
}

/// How a load balancer picks a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// Each target in turn.
    RoundRobin,
    /// The target with the fewest requests in flight (ties: least recently chosen).
    LeastOutstanding,
    /// Uniformly at random.
    Random,
    /// Two distinct targets at random, the one with fewer in flight.
    PowerOfTwo,
    /// At random, in proportion to weight.
    Weighted,
}

/// `kind = "load_balancer"`.
#[derive(Clone, Debug)]
pub struct LoadBalancerSpec {
    /// `type`: `alb` (default) or `nlb`.
    pub lb_type: LbType,
    /// `routing` (default `round_robin`, the ALB default).
    pub routing: Routing,
    /// The components routed to; each instance of a fleet is one target.
    pub targets: Vec<ComponentId>,
    /// `weights`: one per entry of `targets` for `weighted` routing;
    /// `None` weighs each instance by its vCPUs.
    pub weights: Option<Vec<f64>>,
    /// Time the load balancer adds to each request on the way in.
    pub latency: Dist,
    /// `slow_start` (0 = off, the default): a newly healthy target's share
    /// of requests ramps up linearly over this long.
    pub slow_start: SimDuration,
    /// `cross_zone` (default on, as ALB): each zone's node routes to the
    /// healthy targets of every zone; off, only to its own zone's.
    pub cross_zone: bool,
}

/// `kind = "ec2"`: a fleet of identical instances, fixed or in an Auto
/// Scaling group.
#[derive(Clone, Debug)]
pub struct Ec2Spec {
    /// A type from the catalog, e.g. `m5.large`.
    pub instance_type: String,
    /// Number of instances (the group's `desired` at time zero when it scales).
    pub instances: u32,
    /// Requests served at once per instance.
    pub workers: u32,
    /// Per-instance accept queue bound; beyond it a request gets a 503.
    pub queue_limit: Option<u32>,
    /// Compute time per request (before the calls).
    pub service_time: Dist,
    /// Synchronous calls made one after another while the worker is held.
    pub calls: Vec<ComponentId>,
    /// Asynchronous sends (queues, topics, functions) after the work.
    pub sends: Vec<ComponentId>,
    /// `[autoscaling]`: an Auto Scaling group sizes the fleet; `instances`
    /// is then its initial desired capacity.
    pub autoscaling: Option<AutoScalingSpec>,
    /// The instance lifecycle (boot, health checks, draining, failures).
    pub lifecycle: LifecycleSpec,
    /// `purchase` and its options: on demand, Spot, or a mix; discounts.
    pub purchase: PurchaseSpec,
    /// `Some` for a `fargate` service: a fleet whose instances are its
    /// tasks (`tasks`), started in the task start-up time (`start_time`,
    /// held in `lifecycle.boot_time`) and billed per vCPU and GB.
    pub fargate: Option<FargateSpec>,
    /// `zones`: the availability zones the fleet spreads over, by name;
    /// empty when not given (one zone, no zone model).
    pub zones: Vec<String>,
}

/// `kind = "fargate"`: the size of one task.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FargateSpec {
    /// `vcpu`: 0.25, 0.5, 1, 2, 4, 8 or 16.
    pub vcpu: f64,
    /// `memory_gb`.
    pub memory_gb: f64,
}

/// How an `ec2` fleet's instances are bought and billed.
#[derive(Clone, Debug, PartialEq)]
pub struct PurchaseSpec {
    /// `on_demand_base` (default 0): the first instances are on demand.
    pub on_demand_base: u32,
    /// `spot_percent`: the share of the instances above the base that run
    /// on Spot [%]. `purchase = "on_demand"` is 0, `"spot"` is 100,
    /// `"mixed"` defaults to 0 (the Auto Scaling default).
    pub spot_percent: u32,
    /// `interruption_frequency`: the Spot Instance Advisor band, as the
    /// share of instances interrupted per month [%] (its midpoint).
    pub interruptions_per_month_pct: f64,
    /// `spot_discount`: the Spot price off on demand [%].
    pub spot_discount_pct: f64,
    /// The scenario gave `spot_discount` (else a Fargate task has the
    /// catalog's Fargate Spot prices).
    pub spot_discount_given: bool,
    /// `savings_plan` or `reserved`: the discount on the on-demand part [%].
    pub on_demand_discount_pct: f64,
}

impl PurchaseSpec {
    /// All on demand at list price: what a fleet without `purchase` pays.
    pub fn on_demand() -> Self {
        let p = &crate::catalog::builtin().ec2_purchase;
        PurchaseSpec {
            on_demand_base: 0,
            spot_percent: 0,
            interruptions_per_month_pct: p.default_band_pct.value,
            spot_discount_pct: p.spot_discount_pct.value,
            spot_discount_given: false,
            on_demand_discount_pct: 0.0,
        }
    }

    /// Some instances may run on Spot.
    pub fn uses_spot(&self) -> bool {
        self.spot_percent > 0
    }
}

/// How instances of an `ec2` fleet come and go. A fixed fleet without
/// `mtbf` is in service from time zero and never changes; with `mtbf` it is
/// simulated as a group of fixed size that replaces failed instances.
#[derive(Clone, Debug)]
pub struct LifecycleSpec {
    /// `boot_time`: launch → running (pending state).
    pub boot_time: Dist,
    /// `start_time` (default 0): running → the application answers (its
    /// health checks pass, its workers poll).
    pub start_time: Dist,
    /// `health_check`: the target group's health checks (when a load
    /// balancer routes to the fleet).
    pub health_check: HealthCheckSpec,
    /// `deregistration_delay` (default 300 s): how long a deregistered
    /// instance may finish its in-flight requests.
    pub deregistration_delay: SimDuration,
    /// `mtbf`: mean time between failures of one instance (exponential);
    /// `None`: instances never fail.
    pub mtbf: Option<SimDuration>,
}

/// `health_check = { interval, timeout, healthy_threshold, unhealthy_threshold }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct HealthCheckSpec {
    /// Between two checks of one target (default 30 s).
    pub interval: SimDuration,
    /// A check without an answer within it fails (default 5 s).
    pub timeout: SimDuration,
    /// Passing checks that make an unhealthy target healthy again (default 5).
    pub healthy_threshold: u32,
    /// Failing checks that make a target unhealthy (default 2).
    pub unhealthy_threshold: u32,
}

/// `[….autoscaling]`: an EC2 Auto Scaling group.
#[derive(Clone, Debug)]
pub struct AutoScalingSpec {
    /// `min`: the group never has fewer instances.
    pub min: u32,
    /// `max`: … nor more.
    pub max: u32,
    /// `desired` (default `min`): the instances at time zero, all in service.
    pub desired: u32,
    /// The dynamic scaling policy.
    pub policy: ScalingPolicy,
    /// `scale_in_cooldown` (default 300 s).
    pub scale_in_cooldown: SimDuration,
    /// `scale_out_cooldown` (default 300 s).
    pub scale_out_cooldown: SimDuration,
    /// `warmup` (default 300 s): a new instance's metrics are left out of
    /// the group's aggregate this long after it entered service.
    pub warmup: SimDuration,
    /// `period` (default 60 s): CloudWatch aggregation period of a datapoint.
    pub period: SimDuration,
    /// `metric_delay` (default 60 s): a datapoint is available this long
    /// after its period ends.
    pub metric_delay: SimDuration,
    /// `termination_policy` (default `default`).
    pub termination: TerminationPolicy,
    /// `max_scale_in`: the most instances one target-tracking scale-in
    /// removes (default: a tenth of the desired capacity, at least one).
    pub max_scale_in: Option<u32>,
    /// `[[….autoscaling.scheduled]]`, sorted by time.
    pub scheduled: Vec<ScheduledAction>,
}

/// The metric a dynamic scaling policy watches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScalingMetric {
    /// Busy workers over all workers of the instances past their warm-up [%].
    Cpu,
    /// Requests per minute per in-service target (ALBRequestCountPerTarget).
    RequestsPerTarget,
    /// Visible messages of the queue the fleet consumes per in-service instance.
    BacklogPerInstance,
}

/// `policy`.
#[derive(Clone, Debug, PartialEq)]
pub enum ScalingPolicy {
    /// `policy = "none"` or only scheduled actions: the group keeps its
    /// desired capacity (and replaces failed instances).
    None,
    /// `policy = "target_tracking"`.
    TargetTracking {
        /// `metric` (default `cpu`).
        metric: ScalingMetric,
        /// `target` (percent for `cpu`).
        target: f64,
        /// `disable_scale_in` (default false).
        disable_scale_in: bool,
    },
    /// `policy = "step"`.
    Step {
        /// `metric` (default `cpu`).
        metric: ScalingMetric,
        /// `steps`: bounds and capacity changes.
        steps: Vec<StepAdjustment>,
        /// `datapoints` (default 1): breaching datapoints that set off an alarm…
        datapoints: u32,
        /// `evaluation_periods` (default = `datapoints`): … among this many.
        evaluation_periods: u32,
    },
}

/// One step of a step policy: `{ above = 70, change = 2 }` or
/// `{ below = 20, change = -1 }`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct StepAdjustment {
    /// The metric value the step starts at (exclusive for `below`).
    pub bound: f64,
    /// True for `above` (a scale-out alarm), false for `below`.
    pub above: bool,
    /// Instances added (> 0) or removed (< 0).
    pub change: i32,
}

/// `termination_policy`: which instance a scale-in terminates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TerminationPolicy {
    /// AWS's default for one zone and one launch template: at random
    /// (per-second billing makes "closest to the next billing hour" moot).
    Default,
    /// The longest-running instance.
    OldestInstance,
    /// The most recently launched instance.
    NewestInstance,
}

/// `[[….autoscaling.scheduled]]`: `{ at, min, max, desired }`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ScheduledAction {
    /// When it fires.
    pub at: SimTime,
    /// New `min`, if given.
    pub min: Option<u32>,
    /// New `max`, if given.
    pub max: Option<u32>,
    /// New desired capacity, if given.
    pub desired: Option<u32>,
}

/// `kind = "database"`.
#[derive(Clone, Debug)]
pub struct DatabaseSpec {
    /// Operations in service at once.
    pub capacity: u32,
    /// Time per operation.
    pub service_time: Dist,
    /// Bound on waiting operations; beyond it an operation is throttled (error).
    pub queue_limit: Option<u32>,
    /// `cost_per_hour` [USD/h], user-supplied (no catalog price for a generic database).
    pub cost_per_hour: f64,
    /// `cost_per_million` [USD per 1M operations], user-supplied.
    pub cost_per_million: f64,
}

/// SQS queue types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueType {
    /// At-least-once delivery, best-effort order, nearly unlimited throughput.
    Standard,
    /// Order within a message group, exactly-once processing, limited throughput.
    Fifo,
}

/// `kind = "queue"`: an SQS queue.
#[derive(Clone, Debug)]
pub struct QueueSpec {
    /// `type` (default `standard`).
    pub queue_type: QueueType,
    /// `consumer`: the fleet whose workers poll the queue, if any.
    pub consumer: Option<ComponentId>,
    /// `visibility_timeout` (default 30 s, AWS's default).
    pub visibility_timeout: SimDuration,
    /// `max_receives`: receives before a message goes to the dead-letter
    /// queue (redrive policy's maxReceiveCount); `None` without redrive.
    pub max_receives: Option<u32>,
    /// `dead_letter`: the queue that takes messages received `max_receives` times.
    pub dead_letter: Option<ComponentId>,
    /// `retention` (default 4 days): older messages are deleted, their work lost.
    pub retention: SimDuration,
    /// `delay` (default 0): a new message is invisible this long.
    pub delay: SimDuration,
    /// `batch_size` (default 1): messages per receive (1–10), or per
    /// invocation of a Lambda consumer (1–10,000; above 10 only with a
    /// batching window).
    pub batch_size: u32,
    /// `batching_window` (Lambda consumer, 0–300 s, default 0): how long
    /// the event source mapping gathers a batch.
    pub batching_window: SimDuration,
    /// `report_batch_item_failures` (Lambda consumer, default false): only
    /// the failed items of a batch return to the queue.
    pub report_batch_item_failures: bool,
    /// `wait_time` (0–20 s, default 0 = short polling, AWS's default).
    pub wait_time: SimDuration,
    /// `groups` (FIFO, default 1): message groups a request's message is spread over.
    pub groups: u32,
    /// `duplicate_probability` (standard, default 0): chance that a receive
    /// also leaves a copy of the message to be delivered again.
    pub duplicate_probability: f64,
    /// `high_throughput` (FIFO, default false).
    pub high_throughput: bool,
    /// `latency`: time of one API call (send, receive, delete).
    pub latency: Dist,
    /// `message_size` in bytes (default 1 KiB); billed in 64 KiB chunks.
    pub message_bytes: u32,
}

/// One subscription of a topic.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// The subscriber.
    pub target: ComponentId,
    /// The request classes delivered (`None`: all).
    pub filter: Option<Vec<usize>>,
}

/// `kind = "topic"`: an SNS topic.
#[derive(Clone, Debug)]
pub struct TopicSpec {
    /// `subscribers`, in order.
    pub subscriptions: Vec<Subscription>,
    /// `latency`: time to accept a publish, and to deliver to a subscriber.
    pub latency: Dist,
}

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

/// API Gateway flavours (pricing).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApiType {
    /// HTTP API (default).
    Http,
    /// REST API.
    Rest,
}

/// `kind = "api_gateway"`.
#[derive(Clone, Debug)]
pub struct ApiGatewaySpec {
    /// `type`.
    pub api_type: ApiType,
    /// `targets`: requests are spread over them in turn.
    pub targets: Vec<ComponentId>,
    /// `rate`: token-bucket refill [requests/s] (default 10,000, the
    /// account-level default).
    pub rate: f64,
    /// `burst`: token-bucket capacity (default 5,000).
    pub burst: u32,
    /// `timeout`: integration timeout (50 ms–29 s, default 29 s).
    pub timeout: SimDuration,
    /// `latency` the gateway adds (default 1 ms, an assumption).
    pub latency: Dist,
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

/// Kinds of fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FaultKind {
    /// Every call fails fast (connection refused).
    Outage,
    /// Service times are multiplied by `factor` (> 0).
    Slowdown {
        /// Multiplier on service times.
        factor: f64,
    },
    /// `zone_outage`: availability zone number `zone` of the fleet is lost:
    /// its instances fail and nothing launches there until it ends.
    ZoneOutage {
        /// Index into the fleet's `zones`.
        zone: u32,
    },
}

/// One `[sweep]` axis.
#[derive(Clone, Debug)]
pub struct SweepAxis {
    /// The dotted key path, e.g. `designs.scaled.app.autoscaling.target`.
    pub key: String,
    /// The values, as TOML literals (applied like `--set`).
    pub values: Vec<String>,
}
