//! The built-in price and limits catalog: AWS prices, billing rules and capacity units, for
//! each region it holds.
//!
//! The numbers live in `catalog/aws-us-east-1.toml`, which is compiled into the binary with
//! `include_str!` so a run never depends on a file next to the executable. Every number there
//! carries its source and a confidence tag (`AWS`, `3P`, `DERIVED`, `UNCONFIRMED`) copied from
//! `shared/reference/aws-facts.md`; [`Catalog::from_toml_str`] refuses a catalog in which any
//! number lacks them, so reports can always say where a price came from.
//!
//! Another region is us-east-1's catalog with that region's prices laid over it
//! (`catalog/aws-<region>.toml`, a `[prices]` table keyed as a scenario's `[prices]` is): limits
//! and defaults are AWS's everywhere, prices are the region's. A price the region's file marks
//! `missing` (no public source was found), or does not list, has no value in that region: the
//! catalog records it in [`Catalog::missing`] and a scenario that bills it must set it itself.
//!
//! Each region's catalog is parsed once, on first use, and shared read-only afterwards.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::sync::OnceLock;

use serde::Deserialize;

use crate::time::SimDuration;

/// The embedded catalog file. The path is relative to this source file.
const BUILTIN_TOML: &str = include_str!("../catalog/aws-us-east-1.toml");

/// The regions the catalog holds, the default first, each with its prices laid over the
/// default's catalog (`None` for the default itself).
const REGIONS: [(&str, Option<&str>); 2] = [
    ("us-east-1", None),
    (
        "ap-northeast-2",
        Some(include_str!("../catalog/aws-ap-northeast-2.toml")),
    ),
];

/// The region of a scenario that names none.
pub const DEFAULT_REGION: &str = "us-east-1";

/// The tag of a price a scenario's `[prices]` table set.
const OVERRIDE_TAG: &str = "SCENARIO";
/// The confidence tags a catalog number may carry (see the catalog file's header), the
/// override's included.
const TAGS: [&str; 5] = ["AWS", "3P", "DERIVED", "UNCONFIRMED", OVERRIDE_TAG];

/// The prefix of an EC2 instance type's price key (`ec2.m5.large`).
const EC2_PREFIX: &str = "ec2.";

/// The one price that is not in USD: the Spot discount a `spot` fleet pays.
const SPOT_DISCOUNT_KEY: &str = "ec2_purchase.spot_discount_pct";

/// The prices billed by volume tiers over a month: the price's key, its section, and the
/// names of the section's tier sizes and tier prices. The tiers were read for us-east-1; a
/// region's file gives flat prices only, so a region's month is billed flat at its price
/// (see [`flatten_tiers`]).
const TIERED_PRICES: [(&str, &str, &str, &str); 4] = [
    (
        "api_gateway.http_per_million",
        "api_gateway",
        "http_tiers_calls",
        "http_tier_prices_per_million",
    ),
    (
        "api_gateway.rest_per_million",
        "api_gateway",
        "rest_tiers_calls",
        "rest_tier_prices_per_million",
    ),
    (
        "lambda.gb_second_x86",
        "lambda",
        "duration_tiers_x86_gb_s",
        "duration_tier_prices_x86",
    ),
    (
        "lambda.gb_second_arm64",
        "lambda",
        "duration_tiers_arm64_gb_s",
        "duration_tier_prices_arm64",
    ),
];

/// One number from the catalog together with where it came from.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sourced {
    /// The number itself, in [`Sourced::unit`].
    pub value: f64,
    /// The unit of `value`, in words (e.g. "USD per 1M requests").
    pub unit: String,
    /// Where the number was read, as given in `shared/reference/aws-facts.md`.
    pub source: String,
    /// Confidence tag: `AWS`, `3P`, `DERIVED` or `UNCONFIRMED`, possibly combined with ` + `
    /// or qualified in parentheses (e.g. `"3P (price is estimate)"`).
    pub tag: String,
}

impl Sourced {
    /// The value as a duration, for a number of seconds.
    pub fn secs(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.value)
    }

    /// The value as a duration, for a number of milliseconds.
    pub fn millis(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.value / 1e3)
    }
}

/// A list of numbers from the catalog together with where it came from (see [`Sourced`]).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourcedList {
    /// The numbers, in [`SourcedList::unit`].
    pub values: Vec<f64>,
    /// The unit of `values`, in words.
    pub unit: String,
    /// Where the numbers were read.
    pub source: String,
    /// Confidence tag (see [`Sourced::tag`]).
    pub tag: String,
}

/// The whole catalog for one region: a header plus one typed section per service.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// AWS region the prices apply to (e.g. `"us-east-1"`).
    pub region: String,
    /// Currency of every price (`"USD"`).
    pub currency: String,
    /// Date the catalog was compiled, `YYYY-MM-DD`.
    pub catalog_date: String,
    /// Where the numbers come from, relative to the repository root.
    pub reference: String,
    /// Unit conventions used when turning byte counts into billed GB.
    pub units: Units,
    /// The month a window's bill is projected to.
    pub month: Month,
    /// EC2 Linux billing granularity.
    pub ec2_billing: Ec2Billing,
    /// EC2 on-demand instance types, in file order.
    pub ec2: Vec<InstanceType>,
    /// Every price, by key, in file order (EC2 instance types first).
    #[serde(skip)]
    pub prices: Vec<Price>,
    /// The prices the region has no figure for, by key, with why.
    #[serde(skip)]
    pub missing: BTreeMap<String, String>,
    /// Spot discount, interruption bands and notice; Savings Plans and Reserved discounts.
    pub ec2_purchase: Ec2Purchase,
    /// Application Load Balancer prices and LCU dimensions.
    pub alb: AlbPricing,
    /// Network Load Balancer prices and NLCU dimensions.
    pub nlb: NlbPricing,
    /// SQS request prices.
    pub sqs: SqsPricing,
    /// SNS publish and delivery prices.
    pub sns: SnsPricing,
    /// CloudWatch alarm prices.
    pub cloudwatch: CloudWatchPricing,
    /// RDS Proxy price, billing minimum and connection-pool defaults.
    pub rds_proxy: RdsProxyPricing,
    /// Lambda request, duration and provisioned-concurrency prices, limits and defaults.
    pub lambda: LambdaPricing,
    /// Lambda default cold starts, one entry per `runtime` a scenario may name (`container`
    /// excepted: there is no published figure for container-image functions).
    pub lambda_runtime: Vec<LambdaRuntime>,
    /// API Gateway request prices, throttling and timeout.
    pub api_gateway: ApiGatewayPricing,
    /// Fargate vCPU and memory prices.
    pub fargate: FargatePricing,
    /// Data-transfer prices.
    pub data_transfer: DataTransferPricing,
    /// EC2 Auto Scaling and CloudWatch alarm defaults.
    pub autoscaling: AutoScalingDefaults,
    /// ELB target group health check, draining and slow start defaults and ranges.
    pub target_group: TargetGroupDefaults,
    /// What both kinds of load balancer share.
    pub elb: ElbDefaults,
    /// Connections of callers to what they call.
    pub connections: ConnectionDefaults,
}

/// The defaults of an Auto Scaling group and of the alarms of its policies.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AutoScalingDefaults {
    /// DefaultCooldown, and the default cooldowns of a policy [s].
    pub default_cooldown_s: Sourced,
    /// EstimatedInstanceWarmup when nothing is set [s].
    pub default_warmup_s: Sourced,
    /// CloudWatch period of one datapoint [s].
    pub metric_period_s: Sourced,
    /// From the end of a period to the datapoint's evaluation [s].
    pub metric_delay_s: Sourced,
    /// Target tracking's scale-out alarm: N of N datapoints above the target.
    pub tt_high_datapoints: Sourced,
    /// Target tracking's scale-in alarm: N of N datapoints below the low threshold.
    pub tt_low_datapoints: Sourced,
    /// The scale-in alarm's threshold as a fraction of the target.
    pub tt_low_threshold: Sourced,
    /// Longest instance warm-up [s].
    pub max_warmup_s: Sourced,
}

/// The defaults of an ELB target group's health checks and draining.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TargetGroupDefaults {
    /// Between two checks of one target [s].
    pub health_check_interval_s: Sourced,
    /// A check not answered within it fails [s].
    pub health_check_timeout_s: Sourced,
    /// Passing checks that make an unhealthy target healthy.
    pub healthy_threshold: Sourced,
    /// Failing checks that make a healthy target unhealthy.
    pub unhealthy_threshold: Sourced,
    /// Passing checks that make a newly registered target healthy.
    pub initial_healthy_checks: Sourced,
    /// Deregistration delay (connection draining) [s].
    pub deregistration_delay_s: Sourced,
    /// Shortest health check interval [s].
    pub health_check_interval_min_s: Sourced,
    /// Longest health check interval [s].
    pub health_check_interval_max_s: Sourced,
    /// Shortest health check timeout [s].
    pub health_check_timeout_min_s: Sourced,
    /// Longest health check timeout [s].
    pub health_check_timeout_max_s: Sourced,
    /// Fewest checks of a healthy or unhealthy threshold.
    pub threshold_min: Sourced,
    /// Most checks of a healthy or unhealthy threshold.
    pub threshold_max: Sourced,
    /// Longest deregistration delay [s].
    pub deregistration_delay_max_s: Sourced,
    /// Shortest slow start ramp, when on [s].
    pub slow_start_min_s: Sourced,
    /// Longest slow start ramp [s].
    pub slow_start_max_s: Sourced,
}

/// What Application and Network Load Balancers share.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElbDefaults {
    /// The time a load balancer adds to each request [ms] (an assumption).
    pub latency_ms: Sourced,
}

/// How callers connect to what they call.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConnectionDefaults {
    /// A caller without a load balancer gives up connecting to an instance
    /// that is gone after this long [s].
    pub connect_timeout_s: Sourced,
}

/// One EC2 on-demand instance type (Linux).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InstanceType {
    /// API name, e.g. `"m5.large"`.
    pub name: String,
    /// Virtual CPUs [count].
    pub vcpus: u32,
    /// Memory [GiB].
    pub memory_gib: f64,
    /// On-demand price [USD per instance-hour]; NaN when the region has none (see
    /// [`InstanceType::missing`]).
    #[serde(default = "no_price")]
    pub hourly_usd: f64,
    /// Where the price and size were read.
    pub source: String,
    /// Confidence tag (see [`Sourced::tag`]).
    pub tag: String,
    /// Why the catalog has no price for the type in its region (no public source found);
    /// `None` when it has one.
    #[serde(default)]
    pub missing: Option<String>,
}

/// The value of a price the catalog does not have: NaN, so that a price used without the
/// check of [`Catalog::missing`] shows in the bill rather than passing for free.
fn no_price() -> f64 {
    f64::NAN
}

/// One price of the catalog, as `stratosim prices` lists it and a scenario's `[prices]` table
/// names it.
#[derive(Clone, Debug, PartialEq)]
pub struct Price {
    /// The key a scenario's `[prices]` table sets it by, e.g. `"ec2.m5.large"`,
    /// `"lambda.gb_second_x86"`.
    pub key: String,
    /// The price, or `None` when the region has none.
    pub value: Option<f64>,
    /// Its unit, in words.
    pub unit: String,
    /// Where it was read, or why it is missing.
    pub source: String,
    /// Confidence tag (see [`Sourced::tag`]); empty when missing.
    pub tag: String,
}

/// Unit conventions.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Units {
    /// Bytes in one billed GB [bytes/GB]. The reference does not define GB, so this is an
    /// UNCONFIRMED assumption (decimal); it is data, not code, so it can be corrected in one place.
    pub bytes_per_gb: Sourced,
}

/// The month of the monthly projections.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Month {
    /// Hours in a month [h].
    pub hours: Sourced,
}

impl Month {
    /// The month as a duration.
    pub fn duration(&self) -> SimDuration {
        SimDuration::from_secs_f64(self.hours.value * 3600.0)
    }
}

/// Volume tiers of a month: the sizes of every tier but the last, and the
/// price of each (one more price than sizes).
#[derive(Clone, Debug, PartialEq)]
pub struct TierList<'a> {
    /// Units in each tier before the last.
    pub sizes: &'a [f64],
    /// Price per unit in each tier.
    pub prices: &'a [f64],
}

/// EC2 Linux billing granularity.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Billing {
    /// Billing increment [s]; a started increment is billed in full.
    pub increment_s: Sourced,
    /// Minimum billed time per instance launch [s].
    pub minimum_s: Sourced,
}

/// EC2 purchase options: Spot, Savings Plans, Reserved Instances.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Ec2Purchase {
    /// Spot price discount off on demand, for every type [%].
    pub spot_discount_pct: Sourced,
    /// Interruption notice [s].
    pub spot_notice_s: Sourced,
    /// Spot Instance Advisor band `<5%`, simulated at [% interrupted per month].
    pub band_lt5_pct: Sourced,
    /// Band `5-10%` [% per month].
    pub band_5_10_pct: Sourced,
    /// Band `10-15%` [% per month].
    pub band_10_15_pct: Sourced,
    /// Band `15-20%` [% per month].
    pub band_15_20_pct: Sourced,
    /// Band `>20%` [% per month].
    pub band_gt20_pct: Sourced,
    /// The band of a `spot` fleet that names none [% per month].
    pub default_band_pct: Sourced,
    /// Hours in the month of the bands [h].
    pub hours_per_month: Sourced,
    /// Largest Savings Plans discount [%].
    pub savings_plan_max_pct: Sourced,
    /// Largest Reserved Instances discount [%].
    pub reserved_max_pct: Sourced,
    /// Largest Spot discount [%].
    pub spot_discount_max_pct: Sourced,
}

/// Application Load Balancer prices.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlbPricing {
    /// Price per ALB-hour [USD/h].
    pub hourly: Sourced,
    /// Price per LCU-hour [USD/LCU-h].
    pub lcu_hour: Sourced,
    /// Billing increment of the hourly charge [s]; a partial increment is billed in full.
    pub billing_increment_s: Sourced,
    /// What one LCU buys.
    pub lcu: LcuDimensions,
}

/// The dimensions of one ALB Load Balancer Capacity Unit (LCU): usage in LCUs is the largest
/// of usage / dimension over these.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LcuDimensions {
    /// New connections [1/s] per LCU.
    pub new_connections_per_s: Sourced,
    /// Active connections (per minute) per LCU [connections].
    pub active_connections_per_min: Sourced,
    /// Processed bytes for EC2, IP and container targets [GB/h] per LCU.
    pub processed_gb_per_h_ec2: Sourced,
    /// Processed bytes for Lambda targets [GB/h] per LCU.
    pub processed_gb_per_h_lambda: Sourced,
    /// Rule evaluations [1/s] per LCU.
    pub rule_evaluations_per_s: Sourced,
    /// Rule evaluations per request that are free [count/request].
    pub free_rules_per_request: Sourced,
}

/// Network Load Balancer prices.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NlbPricing {
    /// Price per NLB-hour [USD/h].
    pub hourly: Sourced,
    /// Price per NLCU-hour [USD/NLCU-h].
    pub nlcu_hour: Sourced,
    /// Billing increment of the hourly charge [s]; a partial increment is billed in full.
    pub billing_increment_s: Sourced,
    /// What one NLCU buys on a TCP listener.
    pub nlcu_tcp: NlcuDimensions,
    /// What one NLCU buys on a UDP listener.
    pub nlcu_udp: NlcuDimensions,
    /// What one NLCU buys on a TLS listener.
    pub nlcu_tls: NlcuDimensions,
}

/// The dimensions of one Network Load Balancer Capacity Unit (NLCU) for one protocol.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NlcuDimensions {
    /// New flows [1/s] per NLCU.
    pub new_flows_per_s: Sourced,
    /// Active flows [flows] per NLCU.
    pub active_flows: Sourced,
    /// Processed bytes [GB/h] per NLCU.
    pub processed_gb_per_h: Sourced,
}

/// SQS prices (first price tier).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SqsPricing {
    /// Standard queue [USD per 1M requests].
    pub standard_per_million: Sourced,
    /// FIFO queue [USD per 1M requests].
    pub fifo_per_million: Sourced,
    /// Each started chunk of this many payload bytes is billed as one request [bytes].
    pub billing_chunk_bytes: Sourced,
    /// Largest message [bytes].
    pub max_message_bytes: Sourced,
    /// Default visibility timeout [s].
    pub visibility_timeout_default_s: Sourced,
    /// Longest visibility timeout [s].
    pub visibility_timeout_max_s: Sourced,
    /// Default retention period [s].
    pub retention_default_s: Sourced,
    /// Shortest retention period [s].
    pub retention_min_s: Sourced,
    /// Longest retention period [s].
    pub retention_max_s: Sourced,
    /// Longest delivery delay [s].
    pub delay_max_s: Sourced,
    /// Longest long-poll wait [s].
    pub wait_time_max_s: Sourced,
    /// Most receives before a message goes to the dead-letter queue (maxReceiveCount).
    pub max_receive_count: Sourced,
    /// Most messages one ReceiveMessage returns; also the largest event source mapping batch
    /// of a FIFO queue or without a batching window.
    pub batch_max_messages: Sourced,
    /// Largest event source mapping batch (standard queue, with a batching window).
    pub esm_max_batch_size: Sourced,
    /// Longest event source mapping batching window [s].
    pub esm_max_batching_window_s: Sourced,
    /// Time of one API call [ms].
    pub api_latency_ms: Sourced,
}

/// SNS prices (standard topics).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SnsPricing {
    /// Publish requests [USD per 1M].
    pub publish_per_million: Sourced,
    /// HTTP/S deliveries [USD per 1M].
    pub http_delivery_per_million: Sourced,
    /// Deliveries to SQS [USD per 1M] (0, UNCONFIRMED).
    pub sqs_delivery_per_million: Sourced,
    /// Deliveries to Lambda [USD per 1M] (0, UNCONFIRMED).
    pub lambda_delivery_per_million: Sourced,
    /// Publish → delivery [ms] (an assumption).
    pub delivery_latency_ms: Sourced,
    /// Email deliveries [USD per 1M].
    pub email_delivery_per_million: Sourced,
    /// SMS messages [USD per message]: it varies by country and no figure
    /// is sourced, so the base catalog lacks it (a scenario gives it).
    pub sms_per_message: Sourced,
}

/// CloudWatch alarm prices.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CloudWatchPricing {
    /// A standard-resolution metric alarm (period of 60 s or more) [USD per alarm-month].
    pub standard_alarm_month: Sourced,
    /// A high-resolution metric alarm (period under 60 s) [USD per alarm-month].
    pub high_resolution_alarm_month: Sourced,
}

/// RDS Proxy: billed per vCPU-hour of the database instance behind it,
/// with a minimum; the defaults and limits of its connection pool.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RdsProxyPricing {
    /// [USD per vCPU-hour of the database instance].
    pub vcpu_hour: Sourced,
    /// The fewest vCPUs a proxy is billed for (a provisioned instance).
    pub minimum_vcpus: Sourced,
    /// Default `ConnectionBorrowTimeout` [s].
    pub borrow_timeout_default_s: Sourced,
    /// Longest `ConnectionBorrowTimeout` [s].
    pub borrow_timeout_max_s: Sourced,
    /// Default `MaxConnectionsPercent` [% of the database's max_connections].
    pub max_connections_percent_default: Sourced,
}

/// Lambda prices (first duration tier), billing granularity, limits and the defaults of a
/// scenario's `lambda` component.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaPricing {
    /// Invocations [USD per 1M requests].
    pub request_per_million: Sourced,
    /// Duration on x86_64 [USD per GB-s].
    pub gb_second_x86: Sourced,
    /// Duration on arm64 [USD per GB-s].
    pub gb_second_arm64: Sourced,
    /// Duration is rounded up to this [ms].
    pub billing_granularity_ms: Sourced,
    /// Duration while invoked on Provisioned Concurrency, x86 [USD per GB-s].
    pub provisioned_gb_second_x86: Sourced,
    /// Provisioned Concurrency allocated, x86 [USD per GB-s] (UNCONFIRMED).
    pub provisioned_allocation_gb_second_x86: Sourced,
    /// Duration while invoked on Provisioned Concurrency, arm64 [USD per GB-s].
    pub provisioned_gb_second_arm64: Sourced,
    /// Provisioned Concurrency allocated, arm64 [USD per GB-s].
    pub provisioned_allocation_gb_second_arm64: Sourced,
    /// On-demand duration tiers, x86_64: GB-s per month in each tier but the last.
    pub duration_tiers_x86_gb_s: SourcedList,
    /// On-demand duration price in each tier, x86_64 [USD per GB-s].
    pub duration_tier_prices_x86: SourcedList,
    /// On-demand duration tiers, arm64 [GB-s per month].
    pub duration_tiers_arm64_gb_s: SourcedList,
    /// On-demand duration price in each tier, arm64 [USD per GB-s].
    pub duration_tier_prices_arm64: SourcedList,
    /// Provisioned Concurrency time is rounded up to this [s].
    pub provisioned_billing_increment_s: Sourced,
    /// How long an idle execution environment is kept after its last request [min]
    /// (measured, third party; AWS calls it non-deterministic).
    pub default_keep_alive_minutes: Sourced,
    /// Concurrent executions per account and Region [executions].
    pub account_concurrency: Sourced,
    /// New execution environments a function may add per 10 s [environments].
    pub scale_up_per_10s: Sourced,
    /// Default function timeout [s].
    pub default_timeout_s: Sourced,
    /// Longest function timeout [s].
    pub max_timeout_s: Sourced,
    /// CPU share per MB of configured memory [vCPU/MB] (1 vCPU at 1,769 MB).
    pub vcpu_per_mb: Sourced,
    /// Most vCPUs a function gets [vCPU].
    pub max_vcpus: Sourced,
    /// Least memory [MB].
    pub min_memory_mb: Sourced,
    /// Most memory [MB].
    pub max_memory_mb: Sourced,
    /// Default memory [MB].
    pub default_memory_mb: Sourced,
    /// Shortest function timeout [s].
    pub min_timeout_s: Sourced,
    /// Most retries of a failed asynchronous event, also the default.
    pub async_max_retries: Sourced,
    /// Shortest maximum event age of asynchronous events [s].
    pub async_min_event_age_s: Sourced,
    /// Longest maximum event age of asynchronous events, also the default [s].
    pub async_max_event_age_s: Sourced,
    /// Coefficient of variation of the default (log-normal) cold start (an assumption).
    pub cold_start_cv: Sourced,
}

/// The default cold start of one Lambda runtime.
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LambdaRuntime {
    /// The runtime as a scenario names it, e.g. `"python3.12"`, `"java21-snapstart"`.
    pub name: String,
    /// Measured initialisation time of a new execution environment [ms].
    pub init_ms: Sourced,
    /// Which measurement the figure was taken from (runtime, architecture, memory).
    pub note: String,
}

/// API Gateway prices (first price tier).
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiGatewayPricing {
    /// HTTP API calls [USD per 1M].
    pub http_per_million: Sourced,
    /// REST API calls [USD per 1M].
    pub rest_per_million: Sourced,
    /// HTTP API calls per month in each tier but the last.
    pub http_tiers_calls: SourcedList,
    /// HTTP API price in each tier [USD per 1M calls].
    pub http_tier_prices_per_million: SourcedList,
    /// REST API calls per month in each tier but the last.
    pub rest_tiers_calls: SourcedList,
    /// REST API price in each tier [USD per 1M calls].
    pub rest_tier_prices_per_million: SourcedList,
    /// An HTTP API call is metered per started increment of this size [KB].
    pub http_metering_increment_kb: Sourced,
    /// Account-level steady-state throttle: token-bucket refill [requests/s].
    pub throttle_rate_per_s: Sourced,
    /// Account-level burst: token-bucket capacity [requests].
    pub throttle_burst: Sourced,
    /// Default (and, for HTTP APIs, maximum) integration timeout [s].
    pub integration_timeout_s: Sourced,
    /// Shortest integration timeout [ms].
    pub min_integration_timeout_ms: Sourced,
    /// The time the gateway adds to each request [ms] (an assumption).
    pub latency_ms: Sourced,
}

/// Fargate (Linux) prices and billing granularity.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FargatePricing {
    /// vCPU on x86 [USD per vCPU-hour].
    pub vcpu_hour_x86: Sourced,
    /// Memory on x86 [USD per GB-hour].
    pub gb_hour_x86: Sourced,
    /// vCPU on ARM (Graviton) [USD per vCPU-hour].
    pub vcpu_hour_arm: Sourced,
    /// Memory on ARM (Graviton) [USD per GB-hour].
    pub gb_hour_arm: Sourced,
    /// Billing increment [s].
    pub increment_s: Sourced,
    /// Minimum billed time per task [s].
    pub minimum_s: Sourced,
    /// Fargate Spot vCPU, x86 [USD per vCPU-hour] (third-party estimate).
    pub spot_vcpu_hour_x86: Sourced,
    /// Fargate Spot memory, x86 [USD per GB-hour] (third-party estimate).
    pub spot_gb_hour_x86: Sourced,
    /// Task start-up, low end of the default uniform distribution [s].
    pub task_start_min_s: Sourced,
    /// Task start-up, high end [s].
    pub task_start_max_s: Sourced,
    /// The vCPUs a task may have.
    pub task_vcpus: SourcedList,
}

/// Data-transfer prices.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataTransferPricing {
    /// Between Availability Zones of one Region [USD per GB, each direction].
    pub inter_az_per_gb: Sourced,
    /// Out to the internet: GB per month in each tier but the last.
    pub internet_out_tiers_gb: SourcedList,
    /// Out to the internet: price in each tier [USD per GB].
    pub internet_out_tier_prices_per_gb: SourcedList,
}

impl SourcedList {
    /// These tier sizes with `prices`, the tiers' prices.
    pub fn tiers<'a>(&'a self, prices: &'a SourcedList) -> TierList<'a> {
        TierList {
            sizes: &self.values,
            prices: &prices.values,
        }
    }
}

/// The catalog of the default region (us-east-1), parsed on first use.
///
/// Panics only if the embedded file is broken; a unit test guarantees it is not.
pub fn builtin() -> &'static Catalog {
    region(DEFAULT_REGION).expect("the default region is in REGIONS")
}

/// The regions the catalog holds, the default first.
pub fn region_names() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|(name, _)| *name)
}

/// The catalog of the region called `name` (e.g. `"ap-northeast-2"`), parsed on first use;
/// `None` for a region the catalog does not hold.
///
/// Panics only if an embedded file is broken; a unit test guarantees none is.
pub fn region(name: &str) -> Option<&'static Catalog> {
    static CATALOGS: [OnceLock<Catalog>; REGIONS.len()] =
        [const { OnceLock::new() }; REGIONS.len()];
    let i = REGIONS.iter().position(|(n, _)| *n == name)?;
    Some(CATALOGS[i].get_or_init(|| {
        Catalog::build(name, &[], None)
            .unwrap_or_else(|e| panic!("the embedded catalog of {name} is broken: {e}"))
    }))
}

impl Catalog {
    /// Parses a catalog from TOML text and checks that every number in it carries a non-empty
    /// source, a unit and a known confidence tag, and that instance names are unique.
    pub fn from_toml_str(text: &str) -> Result<Catalog, String> {
        let table: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
        Catalog::from_table(table, BTreeMap::new())
    }

    /// The catalog of `region` with the prices a scenario sets (`overrides`: price key, value):
    /// each gets its value, the source `scenario [prices]` and the tag `SCENARIO`, and is no
    /// longer missing. An error names an unknown region or a key that is not a price.
    pub fn for_region(region: &str, overrides: &[(String, f64)]) -> Result<Catalog, String> {
        // Without overrides, a copy of the region's catalog as the component
        // readers already have it: cloning costs far less than building.
        if overrides.is_empty()
            && let Some(built) = self::region(region)
        {
            return Ok(built.clone());
        }
        Catalog::build(region, overrides, None)
    }

    /// The catalog a scenario's runs are billed at: [`Catalog::for_region`], where a price the
    /// region lacks and no component bills (none of `billed`) is 0, so that a zero term of a
    /// bill stays zero. It stays in [`Catalog::missing`].
    pub fn for_scenario(
        region: &str,
        overrides: &[(String, f64)],
        billed: &BTreeSet<String>,
    ) -> Result<Catalog, String> {
        Catalog::build(region, overrides, Some(billed))
    }

    /// The catalog of `region` with `overrides` set and, given what a scenario bills, the
    /// prices it lacks and does not bill at 0.
    fn build(
        region: &str,
        overrides: &[(String, f64)],
        billed: Option<&BTreeSet<String>>,
    ) -> Result<Catalog, String> {
        let (_, overlay) = REGIONS
            .iter()
            .find(|(name, _)| *name == region)
            .ok_or_else(|| format!("the catalog holds no region `{region}`"))?;
        let mut table = base_table()?;
        let mut missing = BTreeMap::new();
        if let Some(text) = overlay {
            lay_over(&mut table, text, region, &mut missing)?;
        }
        missing.extend(ec2_missing(&table));
        // Prices the default catalog itself has no figure for.
        for p in price_rows(&table) {
            if p.value.is_none() {
                missing.entry(p.key).or_insert(p.source);
            }
        }
        for (key, value) in overrides {
            set_price(&mut table, key, *value, "scenario [prices]", OVERRIDE_TAG)?;
            missing.remove(key);
        }
        if let Some(billed) = billed {
            let source = format!("not billed by the scenario (no {region} figure)");
            for key in missing.keys().filter(|key| !billed.contains(*key)) {
                set_price(&mut table, key, 0.0, &source, "UNCONFIRMED")?;
            }
        }
        Catalog::from_table(table, missing)
    }

    /// The catalog of `table`, checked, with the prices of region overlay `missing` lacks.
    fn from_table(
        table: toml::Table,
        mut missing: BTreeMap<String, String>,
    ) -> Result<Catalog, String> {
        // The untyped pass sees every number in the file, including any a future typed
        // section forgets to declare, so the "every number has a source" rule cannot rot.
        let value = toml::Value::Table(table);
        check_sourced(&value, "")?;
        let toml::Value::Table(table) = value else {
            unreachable!("built as a table above")
        };
        let prices = price_rows(&table);
        let mut catalog: Catalog = toml::Value::Table(table)
            .try_into()
            .map_err(|e: toml::de::Error| e.to_string())?;
        let mut seen = HashSet::new();
        for t in &catalog.ec2 {
            if !seen.insert(t.name.as_str()) {
                return Err(format!("instance type `{}` is listed twice", t.name));
            }
            match &t.missing {
                Some(why) if t.hourly_usd.is_nan() && !why.trim().is_empty() => {
                    missing.insert(format!("{EC2_PREFIX}{}", t.name), why.clone());
                }
                None if t.hourly_usd.is_finite() && t.hourly_usd >= 0.0 => {}
                _ => {
                    return Err(format!(
                        "instance type `{}` must have either a price (hourly_usd) or \
                         `missing` saying why it has none",
                        t.name
                    ));
                }
            }
        }
        catalog.prices = prices;
        catalog.missing = missing;
        let mut seen = HashSet::new();
        for r in &catalog.lambda_runtime {
            if !seen.insert(r.name.as_str()) {
                return Err(format!("Lambda runtime `{}` is listed twice", r.name));
            }
            // The scenario reader gives `container` its own rule (cold_start required).
            if r.name == "container" {
                return Err("Lambda runtime `container` must not be listed: \
                            there is no published cold-start figure for it"
                    .into());
            }
            // A cold start is a log-normal's median: it must be positive.
            if !(r.init_ms.value > 0.0 && r.init_ms.value.is_finite()) {
                return Err(format!(
                    "`lambda_runtime` `{}`: init_ms must be positive, not {}",
                    r.name, r.init_ms.value
                ));
            }
        }
        for (what, s) in [
            ("ec2_billing.increment_s", &catalog.ec2_billing.increment_s),
            (
                "ec2_purchase.hours_per_month",
                &catalog.ec2_purchase.hours_per_month,
            ),
            ("alb.billing_increment_s", &catalog.alb.billing_increment_s),
            ("nlb.billing_increment_s", &catalog.nlb.billing_increment_s),
            ("units.bytes_per_gb", &catalog.units.bytes_per_gb),
            ("month.hours", &catalog.month.hours),
            // Divisors of the CPU-bound service-time scaling.
            ("lambda.vcpu_per_mb", &catalog.lambda.vcpu_per_mb),
            ("lambda.max_vcpus", &catalog.lambda.max_vcpus),
            // Defaults and bounds of scenario settings, which must be positive.
            (
                "lambda.default_keep_alive_minutes",
                &catalog.lambda.default_keep_alive_minutes,
            ),
            (
                "lambda.account_concurrency",
                &catalog.lambda.account_concurrency,
            ),
            ("lambda.scale_up_per_10s", &catalog.lambda.scale_up_per_10s),
            (
                "lambda.default_timeout_s",
                &catalog.lambda.default_timeout_s,
            ),
            ("lambda.max_timeout_s", &catalog.lambda.max_timeout_s),
            (
                "api_gateway.throttle_rate_per_s",
                &catalog.api_gateway.throttle_rate_per_s,
            ),
            (
                "api_gateway.throttle_burst",
                &catalog.api_gateway.throttle_burst,
            ),
            (
                "api_gateway.integration_timeout_s",
                &catalog.api_gateway.integration_timeout_s,
            ),
            ("lambda.min_memory_mb", &catalog.lambda.min_memory_mb),
            ("sqs.max_message_bytes", &catalog.sqs.max_message_bytes),
            ("sqs.max_receive_count", &catalog.sqs.max_receive_count),
            ("sqs.batch_max_messages", &catalog.sqs.batch_max_messages),
        ] {
            // Divisors: zero would turn every bill into NaN or infinity.
            if s.value.is_nan() || s.value <= 0.0 {
                return Err(format!("`{what}` must be positive, not {}", s.value));
            }
        }
        catalog.check_bounds()?;
        catalog.check_tiers()?;
        Ok(catalog)
    }

    /// The bounds of scenario settings are in order, with their defaults
    /// between them: a minimum above its maximum would refuse every value.
    fn check_bounds(&self) -> Result<(), String> {
        let (l, q, tg) = (&self.lambda, &self.sqs, &self.target_group);
        for (what, lo, hi) in [
            (
                "lambda.min_memory_mb",
                &l.min_memory_mb,
                &l.default_memory_mb,
            ),
            (
                "lambda.default_memory_mb",
                &l.default_memory_mb,
                &l.max_memory_mb,
            ),
            (
                "lambda.min_timeout_s",
                &l.min_timeout_s,
                &l.default_timeout_s,
            ),
            (
                "lambda.default_timeout_s",
                &l.default_timeout_s,
                &l.max_timeout_s,
            ),
            (
                "lambda.async_min_event_age_s",
                &l.async_min_event_age_s,
                &l.async_max_event_age_s,
            ),
            (
                "sqs.visibility_timeout_default_s",
                &q.visibility_timeout_default_s,
                &q.visibility_timeout_max_s,
            ),
            (
                "sqs.retention_min_s",
                &q.retention_min_s,
                &q.retention_default_s,
            ),
            (
                "sqs.retention_default_s",
                &q.retention_default_s,
                &q.retention_max_s,
            ),
            (
                "sqs.batch_max_messages",
                &q.batch_max_messages,
                &q.esm_max_batch_size,
            ),
            (
                "target_group.health_check_interval_min_s",
                &tg.health_check_interval_min_s,
                &tg.health_check_interval_max_s,
            ),
            (
                "target_group.health_check_timeout_min_s",
                &tg.health_check_timeout_min_s,
                &tg.health_check_timeout_max_s,
            ),
            (
                "target_group.threshold_min",
                &tg.threshold_min,
                &tg.threshold_max,
            ),
            (
                "target_group.slow_start_min_s",
                &tg.slow_start_min_s,
                &tg.slow_start_max_s,
            ),
        ] {
            // NaN is out of order too.
            if lo.value.partial_cmp(&hi.value).is_none_or(|o| o.is_gt()) {
                return Err(format!(
                    "`{what}` ({}) must not exceed the bound or default after it ({})",
                    lo.value, hi.value
                ));
            }
        }
        let sizes = &self.fargate.task_vcpus.values;
        if sizes.is_empty() || sizes.iter().any(|v| v.is_nan() || *v <= 0.0) {
            return Err(format!(
                "`fargate.task_vcpus` must list positive sizes, not {sizes:?}"
            ));
        }
        Ok(())
    }

    /// Every volume tier list has positive sizes and one more price than
    /// sizes, its first price the flat price the window bills.
    fn check_tiers(&self) -> Result<(), String> {
        let (l, a, d) = (&self.lambda, &self.api_gateway, &self.data_transfer);
        for (what, sizes, prices, first) in [
            (
                "lambda.duration_tiers_x86_gb_s",
                &l.duration_tiers_x86_gb_s,
                &l.duration_tier_prices_x86,
                Some(&l.gb_second_x86),
            ),
            (
                "lambda.duration_tiers_arm64_gb_s",
                &l.duration_tiers_arm64_gb_s,
                &l.duration_tier_prices_arm64,
                Some(&l.gb_second_arm64),
            ),
            (
                "api_gateway.http_tiers_calls",
                &a.http_tiers_calls,
                &a.http_tier_prices_per_million,
                Some(&a.http_per_million),
            ),
            (
                "api_gateway.rest_tiers_calls",
                &a.rest_tiers_calls,
                &a.rest_tier_prices_per_million,
                Some(&a.rest_per_million),
            ),
            (
                "data_transfer.internet_out_tiers_gb",
                &d.internet_out_tiers_gb,
                &d.internet_out_tier_prices_per_gb,
                None,
            ),
        ] {
            let t = sizes.tiers(prices);
            if t.prices.len() != t.sizes.len() + 1
                || t.sizes.iter().any(|s| s.is_nan() || *s <= 0.0)
                || t.prices.iter().any(|p| p.is_nan() || *p < 0.0)
            {
                return Err(format!(
                    "`{what}`: {} positive sizes need {} prices, not {:?}",
                    t.sizes.len(),
                    t.sizes.len() + 1,
                    t.prices
                ));
            }
            // The embedded default catalog must agree with itself; a region
            // or a `[prices]` override may set a flat price of its own, and
            // the assembler then prices the month at that flat price (it
            // uses tiers only when their first price is the one in effect).
            if let Some(first) = first
                && self.region == DEFAULT_REGION
                && first.tag != OVERRIDE_TAG
                && t.prices[0] != first.value
            {
                return Err(format!(
                    "`{what}`: the first tier's price {} is not the flat price {}",
                    t.prices[0], first.value
                ));
            }
        }
        Ok(())
    }

    /// The instance type called `name` (e.g. `"m5.large"`), if the catalog lists it.
    pub fn instance_type(&self, name: &str) -> Option<&InstanceType> {
        // A linear scan: the list is short and this is called while building a model, not
        // per event.
        self.ec2.iter().find(|t| t.name == name)
    }

    /// The names of all listed instance types, in file order.
    pub fn instance_type_names(&self) -> impl Iterator<Item = &str> {
        self.ec2.iter().map(|t| t.name.as_str())
    }

    /// The default cold start of the Lambda runtime called `name` (e.g. `"java21"`), if the
    /// catalog lists it. `"container"` is never listed: no figure is published for it.
    pub fn lambda_runtime(&self, name: &str) -> Option<&LambdaRuntime> {
        self.lambda_runtime.iter().find(|r| r.name == name)
    }

    /// The names of all listed Lambda runtimes, in file order.
    pub fn lambda_runtime_names(&self) -> impl Iterator<Item = &str> {
        self.lambda_runtime.iter().map(|r| r.name.as_str())
    }

    /// The price called `key` (e.g. `"ec2.m5.large"`, `"alb.hourly"`), if it is one.
    pub fn price(&self, key: &str) -> Option<&Price> {
        self.prices.iter().find(|p| p.key == key)
    }

    /// The keys of every price, in catalog order.
    pub fn price_keys(&self) -> impl Iterator<Item = &str> {
        self.prices.iter().map(|p| p.key.as_str())
    }

    /// The prices under `prefix` (a key, or a section such as `"sqs."`) the region has no
    /// figure for, with why.
    pub fn missing_under<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
        self.missing
            .iter()
            .filter(move |(key, _)| key.starts_with(prefix))
            .map(|(key, why)| (key.as_str(), why.as_str()))
    }

    /// The CPU share of a function with `memory_mb` of memory [vCPU]: proportional to memory,
    /// `memory_mb × vcpu_per_mb` (1 vCPU at 1,769 MB), at most `max_vcpus`.
    pub fn lambda_vcpus(&self, memory_mb: f64) -> f64 {
        (memory_mb * self.lambda.vcpu_per_mb.value).min(self.lambda.max_vcpus.value)
    }
}

/// The default region's catalog file as a table, parsed once: every scenario (and each of its
/// sweep points) builds its catalog from it.
fn base_table() -> Result<toml::Table, String> {
    static BASE: OnceLock<Result<toml::Table, String>> = OnceLock::new();
    BASE.get_or_init(|| toml::from_str(BUILTIN_TOML).map_err(|e| e.to_string()))
        .clone()
}

/// Lays the prices of a region's file (`text`) over the default's catalog `table`: each price
/// the file gives replaces the default's, each it marks `missing` (or does not list) loses its
/// value and goes into `missing` with why.
fn lay_over(
    table: &mut toml::Table,
    text: &str,
    region: &str,
    missing: &mut BTreeMap<String, String>,
) -> Result<(), String> {
    let overlay: toml::Table = toml::from_str(text).map_err(|e| e.to_string())?;
    for key in overlay.keys() {
        if !["region", "catalog_date", "prices"].contains(&key.as_str()) {
            return Err(format!(
                "`{key}` has no place in a region's file (region, catalog_date, prices)"
            ));
        }
    }
    let text_of = |key: &str| overlay.get(key).and_then(toml::Value::as_str);
    if text_of("region") != Some(region) {
        return Err(format!(
            "the file of {region} must say `region = \"{region}\"`"
        ));
    }
    let date = text_of("catalog_date").ok_or("a region's file must give its catalog_date")?;
    table.insert("region".into(), region.into());
    table.insert("catalog_date".into(), date.into());
    let Some(toml::Value::Table(prices)) = overlay.get("prices") else {
        return Err("a region's file must have a [prices] table".into());
    };
    let rows = price_rows(table);
    let keys: Vec<String> = rows.iter().map(|p| p.key.clone()).collect();
    for (key, entry) in prices {
        let Some(row) = rows.iter().find(|p| &p.key == key) else {
            return Err(format!("`prices.\"{key}\"` is not a price of the catalog"));
        };
        let toml::Value::Table(entry) = entry else {
            return Err(format!("`prices.\"{key}\"` must be a table"));
        };
        if let Some(why) = entry.get("missing") {
            match why.as_str() {
                Some(why) if !why.trim().is_empty() && entry.len() == 1 => {
                    missing.insert(key.clone(), why.to_string());
                }
                _ => {
                    return Err(format!(
                        "`prices.\"{key}\"`: `missing` is the only key of a missing price, \
                         a non-empty text saying why"
                    ));
                }
            }
            continue;
        }
        check_sourced(
            &toml::Value::Table(entry.clone()),
            &format!("prices.\"{key}\""),
        )?;
        let value = entry
            .get("value")
            .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            .ok_or_else(|| format!("`prices.\"{key}\"` has no number `value`"))?;
        let text = |k: &str| entry.get(k).and_then(toml::Value::as_str).unwrap_or("");
        if text("unit") != row.unit {
            return Err(format!(
                "`prices.\"{key}\"` is in `{}`; the catalog's unit is `{}`",
                text("unit"),
                row.unit
            ));
        }
        set_price(table, key, value, text("source"), text("tag"))?;
    }
    for key in keys {
        if !prices.contains_key(&key) {
            missing.insert(key, format!("the {region} catalog has no figure for it"));
        }
    }
    for (key, why) in missing.iter() {
        unset_price(table, key, why)?;
    }
    flatten_tiers(table, region)
}

/// Makes each volume tier list of `table` one tier at its price's value in `region`: the
/// default's lists were read for us-east-1 and hold nowhere else. A region whose first tier
/// equals us-east-1's may still tier differently (Seoul's REST API: 3.50 for the first 333 M
/// calls as in us-east-1, then 3.19, 2.71, 1.72 where us-east-1 has 2.80, 2.38, 1.51), so
/// without its own source a region's month is billed flat, never at another region's
/// discounts. A missing price's single tier is 0: the flat price decides the bill either way.
fn flatten_tiers(table: &mut toml::Table, region: &str) -> Result<(), String> {
    for (key, section, sizes, prices) in TIERED_PRICES {
        let flat = price_entry(table, key)
            .and_then(|e| e.get("value").and_then(toml::Value::as_float))
            .filter(|v| !v.is_nan())
            .unwrap_or(0.0);
        let section = table
            .get_mut(section)
            .and_then(toml::Value::as_table_mut)
            .ok_or_else(|| format!("the catalog has no [{section}] section"))?;
        for (name, values) in [(sizes, vec![]), (prices, vec![toml::Value::from(flat)])] {
            let list = section
                .get_mut(name)
                .and_then(toml::Value::as_table_mut)
                .ok_or_else(|| format!("the catalog has no `{name}` tier list"))?;
            list.insert("values".into(), values.into());
            list.insert(
                "source".into(),
                format!(
                    "no {region} tiers found: a month is billed flat at `{key}` (the default \
                     catalog's tiers were read for us-east-1)"
                )
                .into(),
            );
            list.insert("tag".into(), "DERIVED".into());
        }
    }
    Ok(())
}

/// The instance types of `table` whose price is `missing`, by price key, with why.
fn ec2_missing(table: &toml::Table) -> Vec<(String, String)> {
    let instances = table.get("ec2").and_then(toml::Value::as_array);
    instances
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
        .filter_map(|t| {
            let name = t.get("name")?.as_str()?;
            let why = t.get("missing")?.as_str()?;
            Some((format!("{EC2_PREFIX}{name}"), why.to_string()))
        })
        .collect()
}

/// The entry of price `key` in `table`: an `[[ec2]]` entry, or a sourced number.
fn price_entry<'t>(table: &'t mut toml::Table, key: &str) -> Option<&'t mut toml::Table> {
    if let Some(name) = key.strip_prefix(EC2_PREFIX) {
        return table
            .get_mut("ec2")?
            .as_array_mut()?
            .iter_mut()
            .filter_map(toml::Value::as_table_mut)
            .find(|t| t.get("name").and_then(toml::Value::as_str) == Some(name));
    }
    let mut here = table;
    for part in key.split('.') {
        here = here.get_mut(part)?.as_table_mut()?;
    }
    here.contains_key("value").then_some(here)
}

/// Sets price `key` of `table` to `value`, read in `source` with confidence `tag`.
fn set_price(
    table: &mut toml::Table,
    key: &str,
    value: f64,
    source: &str,
    tag: &str,
) -> Result<(), String> {
    let entry = price_entry(table, key).ok_or_else(|| format!("`{key}` is not a price"))?;
    let field = if key.starts_with(EC2_PREFIX) {
        "hourly_usd"
    } else {
        "value"
    };
    entry.insert(field.into(), value.into());
    entry.insert("source".into(), source.into());
    entry.insert("tag".into(), tag.into());
    entry.remove("missing");
    Ok(())
}

/// Takes the value of price `key` of `table` away, saying why.
fn unset_price(table: &mut toml::Table, key: &str, why: &str) -> Result<(), String> {
    let entry = price_entry(table, key).ok_or_else(|| format!("`{key}` is not a price"))?;
    if key.starts_with(EC2_PREFIX) {
        entry.remove("hourly_usd");
        entry.insert("missing".into(), why.into());
    } else {
        entry.insert("value".into(), f64::NAN.into());
        entry.insert("source".into(), format!("missing: {why}").into());
        entry.insert("tag".into(), "UNCONFIRMED".into());
    }
    Ok(())
}

/// Every price of `table`: the `[[ec2]]` instance types in file order, then every number in
/// USD and the Spot discount, in file order.
fn price_rows(table: &toml::Table) -> Vec<Price> {
    let text = |t: &toml::Table, k: &str| {
        t.get(k)
            .and_then(toml::Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let number = |v: Option<&toml::Value>| {
        v.and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
            .filter(|v| !v.is_nan())
    };
    let mut rows = Vec::new();
    let instances = table.get("ec2").and_then(toml::Value::as_array);
    for t in instances
        .into_iter()
        .flatten()
        .filter_map(toml::Value::as_table)
    {
        let value = number(t.get("hourly_usd"));
        rows.push(Price {
            key: format!("{EC2_PREFIX}{}", text(t, "name")),
            value,
            unit: "USD per instance-hour (Linux, on demand)".into(),
            source: match value {
                Some(_) => text(t, "source"),
                None => format!("missing: {}", text(t, "missing")),
            },
            tag: if value.is_some() {
                text(t, "tag")
            } else {
                String::new()
            },
        });
    }
    fn walk(t: &toml::Table, path: &str, rows: &mut Vec<Price>) {
        for (key, v) in t {
            let key = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            let Some(sub) = v.as_table() else { continue };
            let unit = sub.get("unit").and_then(toml::Value::as_str).unwrap_or("");
            if !sub.contains_key("value") {
                walk(sub, &key, rows);
            } else if unit.starts_with("USD") || key == SPOT_DISCOUNT_KEY {
                let text = |k: &str| sub.get(k).and_then(toml::Value::as_str).unwrap_or("");
                let value = sub
                    .get("value")
                    .and_then(|v| v.as_float().or_else(|| v.as_integer().map(|i| i as f64)))
                    .filter(|v| !v.is_nan());
                rows.push(Price {
                    key,
                    value,
                    unit: unit.to_string(),
                    source: text("source").to_string(),
                    tag: if value.is_some() {
                        text("tag").to_string()
                    } else {
                        String::new()
                    },
                });
            }
        }
    }
    walk(table, "", &mut rows);
    rows
}

/// Checks that every number under `value` sits in a table with a non-empty `source` and a
/// known `tag` (and a `unit`, unless the table is an `[[ec2]]` entry whose keys name units).
fn check_sourced(value: &toml::Value, path: &str) -> Result<(), String> {
    match value {
        toml::Value::Table(t) if t.contains_key("source") => {
            let text = |key: &str| t.get(key).and_then(toml::Value::as_str).unwrap_or("");
            if text("source").trim().is_empty() {
                return Err(format!("`{path}` has an empty source"));
            }
            let tag = text("tag");
            if !tag_is_valid(tag) {
                return Err(format!(
                    "`{path}` has tag `{tag}`; use AWS, 3P, DERIVED, UNCONFIRMED or SCENARIO"
                ));
            }
            let numbers = t.contains_key("value") || t.contains_key("values");
            if numbers && text("unit").trim().is_empty() {
                return Err(format!("`{path}` has no unit"));
            }
            Ok(())
        }
        toml::Value::Table(t) => t.iter().try_for_each(|(key, v)| {
            let sub = if path.is_empty() {
                key.clone()
            } else {
                format!("{path}.{key}")
            };
            check_sourced(v, &sub)
        }),
        toml::Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_sourced(v, &format!("{path}[{i}]"))),
        toml::Value::Integer(_) | toml::Value::Float(_) => Err(format!(
            "`{path}` is a number without a source: write {{ value = …, unit = …, source = …, tag = … }}"
        )),
        _ => Ok(()),
    }
}

/// True for a tag such as `3P`, `3P + DERIVED` or `3P (price is estimate)`.
fn tag_is_valid(tag: &str) -> bool {
    !tag.trim().is_empty()
        && tag.split('+').all(|part| {
            let base = part.split('(').next().unwrap_or("").trim();
            TAGS.contains(&base)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_catalog_parses_and_every_number_has_a_source() {
        let cat = Catalog::from_toml_str(BUILTIN_TOML).expect("embedded catalog");
        assert_eq!(cat.region, "us-east-1");
        assert_eq!(cat.currency, "USD");
        assert_eq!(cat.catalog_date, "2026-11-23");
        assert_eq!(cat.reference, "../shared/reference/aws-facts.md");
        assert!(!cat.ec2.is_empty());
        for t in &cat.ec2 {
            assert!(!t.source.trim().is_empty(), "{} has no source", t.name);
            assert!(tag_is_valid(&t.tag), "{} has tag {}", t.name, t.tag);
            assert!(t.vcpus > 0 && t.memory_gib > 0.0, "{t:?}");
            assert!(t.hourly_usd > 0.0 || t.missing.is_some(), "{t:?}");
        }
        // builtin() is the same data behind the OnceLock (Debug: a missing price is NaN).
        assert_eq!(format!("{:?}", builtin().ec2), format!("{:?}", cat.ec2));
    }

    #[test]
    fn every_reference_instance_type_is_listed() {
        // aws-facts.md §1.1, in order, then the fuller catalog of issue 13.
        let names: Vec<&str> = builtin().instance_type_names().collect();
        assert_eq!(
            names[..8],
            [
                "t3.micro",
                "t3.medium",
                "m5.large",
                "m5.xlarge",
                "c5.large",
                "c5.xlarge",
                "m6i.large",
                "m7g.large"
            ]
        );
        let m5 = builtin().instance_type("m5.large").unwrap();
        assert_eq!((m5.vcpus, m5.memory_gib, m5.hourly_usd), (2, 8.0, 0.096));
        assert!(builtin().instance_type("m5.huge").is_none());
        // Every family of issue 13 in the common sizes.
        let families = [
            "t3", "t3a", "t4g", "m5", "m6i", "m7i", "m6g", "m7g", "c5", "c6i", "c7g", "r5", "r6i",
            "r7g",
        ];
        for family in families {
            let small: &[&str] = if family.starts_with('t') {
                &["micro", "small", "medium"]
            } else {
                &[]
            };
            for size in small.iter().chain(&["large", "xlarge", "2xlarge"]) {
                let name = format!("{family}.{size}");
                assert!(builtin().instance_type(&name).is_some(), "{name}");
            }
        }
        let r7g = builtin().instance_type("r7g.xlarge").unwrap();
        assert_eq!(
            (r7g.vcpus, r7g.memory_gib, r7g.hourly_usd),
            (4, 32.0, 0.2142)
        );
        // A type without a trustworthy figure says why, and has no price.
        let m6g = builtin().instance_type("m6g.large").unwrap();
        assert!(m6g.hourly_usd.is_nan() && m6g.missing.is_some());
        assert!(builtin().missing.contains_key("ec2.m6g.large"));
    }

    #[test]
    fn seoul_prices_are_its_own_or_missing() {
        let seoul = region("ap-northeast-2").unwrap();
        assert_eq!(seoul.region, "ap-northeast-2");
        assert_eq!(
            region_names().collect::<Vec<_>>(),
            ["us-east-1", "ap-northeast-2"]
        );
        assert!(region("eu-west-1").is_none());
        // Sourced values (catalog/aws-ap-northeast-2.toml).
        let m5 = seoul.instance_type("m5.large").unwrap();
        assert_eq!((m5.vcpus, m5.memory_gib, m5.hourly_usd), (2, 8.0, 0.118));
        assert!(m5.source.contains("libcloud") && m5.tag == "3P", "{m5:?}");
        assert_eq!(seoul.lambda.gb_second_x86.value, 0.0000166667);
        assert_eq!(seoul.lambda.request_per_million.value, 0.20);
        let price = seoul.price("lambda.gb_second_x86").unwrap();
        assert_eq!(price.value, Some(0.0000166667));
        assert!(price.source.contains("lambda/pricing"), "{price:?}");
        // SQS: Seoul's Price List row as a capability table quotes it, a cost script agreeing;
        // FIFO has the one source only, and its tag says so.
        let sqs = seoul.price("sqs.standard_per_million").unwrap();
        assert_eq!(sqs.value, Some(0.40));
        assert!(
            sqs.source
                .contains("AWSQueueService/current/ap-northeast-2")
                && sqs.tag == "3P",
            "{sqs:?}"
        );
        assert_eq!(seoul.sqs.standard_per_million.value, 0.40);
        let fifo = seoul.price("sqs.fifo_per_million").unwrap();
        assert_eq!(
            (fifo.value, fifo.tag.as_str()),
            (Some(0.50), "3P (one source)")
        );
        assert!(seoul.missing_under("sqs.").next().is_none());
        // A Seoul month is billed flat: us-east-1's volume tiers hold there only (Seoul's REST
        // tiers after the first are dearer than us-east-1's).
        assert!(seoul.api_gateway.rest_tiers_calls.values.is_empty());
        assert_eq!(
            seoul.api_gateway.rest_tier_prices_per_million.values,
            [3.50]
        );
        assert_eq!(seoul.lambda.duration_tier_prices_x86.values, [0.0000166667]);
        assert_eq!(
            builtin()
                .api_gateway
                .rest_tier_prices_per_million
                .values
                .len(),
            4
        );
        // Seoul differs from us-east-1 where its sources say so.
        assert_eq!(seoul.api_gateway.http_per_million.value, 1.23);
        assert_eq!(seoul.lambda.provisioned_gb_second_x86.value, 0.0000119592);
        // Fargate Spot: no public Seoul figure was found, so it is missing, with why.
        let spot = seoul.price("fargate.spot_vcpu_hour_x86").unwrap();
        assert_eq!(spot.value, None);
        assert!(
            spot.source
                .starts_with("missing: no public ap-northeast-2 figure"),
            "{spot:?}"
        );
        assert!(seoul.fargate.spot_vcpu_hour_x86.value.is_nan());
        let missing: Vec<&str> = seoul.missing_under("fargate.").map(|(k, _)| k).collect();
        assert_eq!(
            missing,
            ["fargate.spot_gb_hour_x86", "fargate.spot_vcpu_hour_x86"]
        );
        // Limits and defaults are AWS's everywhere.
        assert_eq!(
            seoul.sqs.visibility_timeout_default_s,
            builtin().sqs.visibility_timeout_default_s
        );
        assert_eq!(
            seoul.lambda.account_concurrency,
            builtin().lambda.account_concurrency
        );
        // The same prices in both, in the same order.
        let keys = |c: &Catalog| c.price_keys().map(str::to_string).collect::<Vec<_>>();
        assert_eq!(keys(seoul), keys(builtin()));
        for p in &seoul.prices {
            match p.value {
                Some(v) => assert!(v >= 0.0 && tag_is_valid(&p.tag), "{p:?}"),
                None => assert!(seoul.missing.contains_key(&p.key), "{p:?}"),
            }
        }
        // us-east-1 has every service price but SMS, whose price depends
        // on the destination country: a scenario with SMS subscribers sets it.
        assert!(
            builtin()
                .missing
                .keys()
                .all(|k| k.starts_with("ec2.") || k == "sns.sms_per_message")
        );
        assert!(builtin().missing.contains_key("sns.sms_per_message"));
    }

    #[test]
    fn a_scenario_sets_any_price() {
        let overrides = [
            ("fargate.spot_vcpu_hour_x86".to_string(), 0.015),
            ("ec2.m5.large".to_string(), 0.08),
        ];
        let c = Catalog::for_region("ap-northeast-2", &overrides).unwrap();
        assert_eq!(c.fargate.spot_vcpu_hour_x86.value, 0.015);
        assert_eq!(c.fargate.spot_vcpu_hour_x86.tag, "SCENARIO");
        assert_eq!(c.instance_type("m5.large").unwrap().hourly_usd, 0.08);
        assert!(c.missing_under("fargate.spot_vcpu").next().is_none());
        assert_eq!(c.price("ec2.m5.large").unwrap().source, "scenario [prices]");
        // What it does not set stays the region's.
        assert_eq!(c.instance_type("m5.xlarge").unwrap().hourly_usd, 0.236);
        let err = Catalog::for_region("ap-northeast-2", &[("sqs.standard".into(), 1.0)]);
        assert!(err.unwrap_err().contains("`sqs.standard` is not a price"));
        let err = Catalog::for_region("mars-north-1", &[]).unwrap_err();
        assert!(err.contains("mars-north-1"), "{err}");
        // A scenario's catalog: what it lacks and does not bill is 0, and says so.
        let billed = BTreeSet::from(["fargate.spot_vcpu_hour_x86".to_string()]);
        let c = Catalog::for_scenario("ap-northeast-2", &[], &billed).unwrap();
        assert_eq!(c.fargate.spot_gb_hour_x86.value, 0.0);
        assert!(c.instance_type("c5.large").unwrap().hourly_usd == 0.0);
        let gb = c.price("fargate.spot_gb_hour_x86").unwrap();
        assert_eq!(gb.value, Some(0.0));
        assert_eq!(gb.tag, "UNCONFIRMED");
        assert_eq!(
            gb.source,
            "not billed by the scenario (no ap-northeast-2 figure)"
        );
        assert!(c.fargate.spot_vcpu_hour_x86.value.is_nan());
        assert!(c.missing.contains_key("fargate.spot_gb_hour_x86"));
        assert_eq!(c.ec2_purchase.spot_discount_pct.value, 0.0);
    }

    #[test]
    fn bad_region_files_are_refused() {
        let mut table: toml::Table = toml::from_str(BUILTIN_TOML).unwrap();
        let head = "region = \"xx-1\"\ncatalog_date = \"2026-01-01\"\n[prices]\n";
        for (body, want) in [
            ("\"sqs.nope\" = { missing = \"x\" }", "not a price"),
            ("\"sqs.fifo_per_million\" = { missing = \"\" }", "non-empty"),
            (
                "\"sqs.fifo_per_million\" = { value = 1, unit = \"USD\", source = \"s\", tag = \"3P\" }",
                "the catalog's unit",
            ),
            (
                "\"sqs.fifo_per_million\" = { value = 1, unit = \"USD per 1M requests (first tier)\", source = \"\", tag = \"3P\" }",
                "empty source",
            ),
        ] {
            let err = lay_over(
                &mut table,
                &format!("{head}{body}"),
                "xx-1",
                &mut BTreeMap::new(),
            )
            .unwrap_err();
            assert!(err.contains(want), "{body}: {err}");
        }
        let err = lay_over(&mut table, head, "yy-1", &mut BTreeMap::new()).unwrap_err();
        assert!(err.contains("region = \"yy-1\""), "{err}");
    }

    #[test]
    fn lambda_runtimes_are_sourced_and_ordered() {
        let cat = builtin();
        let names: Vec<&str> = cat.lambda_runtime_names().collect();
        assert_eq!(
            names,
            [
                "python3.9",
                "python3.10",
                "python3.11",
                "python3.12",
                "python3.13",
                "python3.14",
                "nodejs18.x",
                "nodejs20.x",
                "nodejs22.x",
                "java11",
                "java17",
                "java21",
                "java25",
                "java21-snapstart",
                "dotnet8",
                "provided.al2023",
                "go",
                "ruby3.2",
                "ruby3.3",
            ]
        );
        for r in &cat.lambda_runtime {
            let s = &r.init_ms;
            assert!(!s.source.trim().is_empty(), "{} has no source", r.name);
            assert!(tag_is_valid(&s.tag), "{} has tag {}", r.name, s.tag);
            assert!(s.unit.starts_with("ms"), "{}: unit {}", r.name, s.unit);
            assert!(s.value > 0.0, "{}: {}", r.name, s.value);
            assert!(!r.note.trim().is_empty(), "{} has no note", r.name);
        }
        let init = |name: &str| cat.lambda_runtime(name).unwrap().init_ms.value;
        // aws-facts.md §6.3, measured Init Duration table (x86_64 rows where there is one).
        assert_eq!(init("java21"), 262.0);
        assert_eq!(init("python3.12"), 71.0);
        assert_eq!(init("python3.11"), 88.0);
        assert_eq!(init("nodejs20.x"), 142.0);
        assert_eq!(init("java21-snapstart"), 115.0);
        assert_eq!(init("provided.al2023"), 55.0);
        assert_eq!(init("go"), 55.0);
        assert!(init("java21") > init("python3.12"));
        assert!(init("java21-snapstart") < init("java21"));
        // Versions without a measurement borrow the nearest measured one, marked DERIVED.
        for (derived, from) in [
            ("python3.9", "python3.11"),
            ("python3.10", "python3.11"),
            ("nodejs18.x", "nodejs20.x"),
            ("ruby3.3", "ruby3.2"),
        ] {
            assert_eq!(init(derived), init(from), "{derived}");
            assert_eq!(cat.lambda_runtime(derived).unwrap().init_ms.tag, "DERIVED");
        }
        assert!(cat.lambda_runtime("container").is_none());
        assert!(cat.lambda_runtime("python3.8").is_none());
    }

    #[test]
    fn lambda_and_api_gateway_limits() {
        let cat = builtin();
        let l = &cat.lambda;
        assert_eq!(l.default_keep_alive_minutes.value, 10.0);
        assert_eq!(l.default_keep_alive_minutes.tag, "3P");
        assert_eq!(l.account_concurrency.value, 1000.0);
        assert_eq!(l.scale_up_per_10s.value, 1000.0);
        assert_eq!(
            (l.default_timeout_s.value, l.max_timeout_s.value),
            (3.0, 900.0)
        );
        assert_eq!(l.max_vcpus.value, 6.0);
        assert!((cat.lambda_vcpus(1769.0) - 1.0).abs() < 1e-12);
        assert!((cat.lambda_vcpus(3538.0) - 2.0).abs() < 1e-12);
        assert!((cat.lambda_vcpus(128.0) - 128.0 / 1769.0).abs() < 1e-12);
        // Proportional all the way: 10,240 MB is 5.79 vCPU, under the cap.
        assert!((cat.lambda_vcpus(10_240.0) - 10_240.0 / 1769.0).abs() < 1e-12);
        assert_eq!(cat.lambda_vcpus(20_000.0), 6.0);
        let a = &cat.api_gateway;
        assert_eq!(a.throttle_rate_per_s.value, 10_000.0);
        assert_eq!(a.throttle_burst.value, 5000.0);
        assert_eq!(a.integration_timeout_s.value, 29.0);
        for s in [
            &l.default_keep_alive_minutes,
            &l.account_concurrency,
            &l.scale_up_per_10s,
            &l.default_timeout_s,
            &l.max_timeout_s,
            &l.vcpu_per_mb,
            &l.max_vcpus,
            &a.throttle_rate_per_s,
            &a.throttle_burst,
            &a.integration_timeout_s,
        ] {
            assert!(tag_is_valid(&s.tag) && !s.source.trim().is_empty(), "{s:?}");
        }
    }

    #[test]
    fn scenario_bounds_and_defaults() {
        let cat = builtin();
        let (q, l, tg) = (&cat.sqs, &cat.lambda, &cat.target_group);
        // aws-facts.md §1.2, §2, §3.1, §3.2, §4, §4.1, §6.2, §8.
        for (what, s, want) in [
            ("max_message_bytes", &q.max_message_bytes, 1_048_576.0),
            (
                "visibility_timeout_default_s",
                &q.visibility_timeout_default_s,
                30.0,
            ),
            (
                "visibility_timeout_max_s",
                &q.visibility_timeout_max_s,
                43_200.0,
            ),
            ("retention_min_s", &q.retention_min_s, 60.0),
            ("retention_default_s", &q.retention_default_s, 345_600.0),
            ("retention_max_s", &q.retention_max_s, 1_209_600.0),
            ("delay_max_s", &q.delay_max_s, 900.0),
            ("wait_time_max_s", &q.wait_time_max_s, 20.0),
            ("batch_max_messages", &q.batch_max_messages, 10.0),
            ("esm_max_batch_size", &q.esm_max_batch_size, 10_000.0),
            (
                "esm_max_batching_window_s",
                &q.esm_max_batching_window_s,
                300.0,
            ),
            ("api_latency_ms", &q.api_latency_ms, 16.0),
            ("min_memory_mb", &l.min_memory_mb, 128.0),
            ("default_memory_mb", &l.default_memory_mb, 128.0),
            ("max_memory_mb", &l.max_memory_mb, 10_240.0),
            ("async_max_retries", &l.async_max_retries, 2.0),
            ("async_max_event_age_s", &l.async_max_event_age_s, 21_600.0),
            (
                "min_integration_timeout_ms",
                &cat.api_gateway.min_integration_timeout_ms,
                50.0,
            ),
            ("slow_start_min_s", &tg.slow_start_min_s, 30.0),
            ("slow_start_max_s", &tg.slow_start_max_s, 900.0),
            ("threshold_min", &tg.threshold_min, 2.0),
            ("threshold_max", &tg.threshold_max, 10.0),
            ("max_warmup_s", &cat.autoscaling.max_warmup_s, 3600.0),
            (
                "spot_discount_max_pct",
                &cat.ec2_purchase.spot_discount_max_pct,
                90.0,
            ),
        ] {
            assert_eq!(s.value, want, "{what}");
            assert!(
                tag_is_valid(&s.tag) && !s.source.trim().is_empty(),
                "{what}"
            );
        }
        assert_eq!(q.api_latency_ms.millis(), SimDuration::from_millis(16));
        assert_eq!(
            cat.fargate.task_vcpus.values,
            [0.25, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0]
        );
        // Figures without a source say so.
        for s in [
            &q.max_receive_count,
            &cat.sns.delivery_latency_ms,
            &l.cold_start_cv,
            &cat.api_gateway.latency_ms,
            &cat.elb.latency_ms,
        ] {
            assert_eq!(s.tag, "UNCONFIRMED", "{s:?}");
        }
        // A minimum above its maximum is refused.
        let swapped = BUILTIN_TOML.replace(
            "slow_start_min_s = { value = 30,",
            "slow_start_min_s = { value = 901,",
        );
        let err = Catalog::from_toml_str(&swapped).unwrap_err();
        assert!(err.contains("slow_start_min_s"), "{err}");
    }

    #[test]
    fn bad_lambda_runtimes_are_refused() {
        let entry = |name: &str, value: f64| {
            format!(
                "{BUILTIN_TOML}\n[[lambda_runtime]]\nname = \"{name}\"\n\
                 init_ms = {{ value = {value}, unit = \"ms\", source = \"x\", tag = \"3P\" }}\n\
                 note = \"n\"\n"
            )
        };
        let err = Catalog::from_toml_str(&entry("java21", 1.0)).unwrap_err();
        assert!(err.contains("`java21` is listed twice"), "{err}");
        let err = Catalog::from_toml_str(&entry("container", 1.0)).unwrap_err();
        assert!(err.contains("`container` must not be listed"), "{err}");
        let err = Catalog::from_toml_str(&entry("java99", 0.0)).unwrap_err();
        assert!(err.contains("init_ms must be positive"), "{err}");
        assert!(Catalog::from_toml_str(&entry("java99", 300.0)).is_ok());
        // A runtime whose figure has no source is refused like any other number.
        let unsourced = format!(
            "{BUILTIN_TOML}\n[[lambda_runtime]]\nname = \"x\"\ninit_ms = 5\nnote = \"n\"\n"
        );
        assert!(Catalog::from_toml_str(&unsourced).is_err());
    }

    #[test]
    fn a_number_without_a_source_is_refused() {
        let good = "x = { value = 1, unit = \"s\", source = \"somewhere\", tag = \"AWS\" }";
        assert!(check_sourced(&toml::from_str::<toml::Value>(good).unwrap(), "").is_ok());
        for bad in [
            "x = 1",
            "[s]\nx = [1, 2]",
            "x = { value = 1, unit = \"s\", source = \"\", tag = \"AWS\" }",
            "x = { value = 1, unit = \"s\", source = \"a\", tag = \"guess\" }",
            "x = { value = 1, unit = \"\", source = \"a\", tag = \"AWS\" }",
            "x = { values = [1, 2], unit = \"\", source = \"a\", tag = \"AWS\" }",
        ] {
            let v: toml::Value = toml::from_str(bad).unwrap();
            assert!(check_sourced(&v, "").is_err(), "{bad} should be refused");
        }
        assert!(tag_is_valid("3P + AWS(example)"));
        assert!(tag_is_valid("3P (price is estimate)"));
        assert!(!tag_is_valid("3P + "));
    }

    #[test]
    fn other_sections_are_reachable() {
        let cat = builtin();
        assert_eq!(cat.lambda.request_per_million.value, 0.20);
        assert_eq!(cat.sqs.standard_per_million.value, 0.40);
        assert_eq!(cat.sqs.billing_chunk_bytes.value, 65_536.0);
        assert_eq!(cat.sns.sqs_delivery_per_million.tag, "UNCONFIRMED");
        assert_eq!(cat.api_gateway.rest_per_million.value, 3.50);
        assert_eq!(cat.fargate.minimum_s.value, 60.0);
        assert_eq!(cat.data_transfer.inter_az_per_gb.value, 0.01);
        assert_eq!(cat.month.hours.value, 730.0);
    }

    #[test]
    fn volume_tiers_and_arm64_provisioned_rates() {
        let cat = builtin();
        let l = &cat.lambda;
        assert_eq!(l.provisioned_gb_second_arm64.value, 0.0000077778);
        assert_eq!(l.provisioned_allocation_gb_second_arm64.value, 0.0000033334);
        let x86 = l.duration_tiers_x86_gb_s.tiers(&l.duration_tier_prices_x86);
        assert_eq!(x86.sizes, [6e9, 9e9]);
        assert_eq!(x86.prices, [0.0000166667, 0.000015, 0.0000133334]);
        let arm = l
            .duration_tiers_arm64_gb_s
            .tiers(&l.duration_tier_prices_arm64);
        assert_eq!(arm.sizes, [7.5e9, 11.25e9]);
        assert_eq!(arm.prices[2], 0.0000106667);
        let a = &cat.api_gateway;
        assert_eq!(
            a.http_tiers_calls
                .tiers(&a.http_tier_prices_per_million)
                .prices,
            [1.0, 0.9]
        );
        assert_eq!(
            a.rest_tiers_calls
                .tiers(&a.rest_tier_prices_per_million)
                .sizes,
            [333e6, 667e6, 19e9]
        );
        let d = &cat.data_transfer;
        assert_eq!(
            d.internet_out_tiers_gb
                .tiers(&d.internet_out_tier_prices_per_gb)
                .prices,
            [0.09, 0.085, 0.07, 0.05]
        );
        // A list one price short, or whose first price is not the flat one,
        // is refused.
        let short = BUILTIN_TOML.replace("values = [1.00, 0.90]", "values = [1.00]");
        let err = Catalog::from_toml_str(&short).unwrap_err();
        assert!(err.contains("http_tiers_calls"), "{err}");
        let off = BUILTIN_TOML.replace("values = [1.00, 0.90]", "values = [1.10, 0.90]");
        let err = Catalog::from_toml_str(&off).unwrap_err();
        assert!(err.contains("flat price"), "{err}");
    }
}
