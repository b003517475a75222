//! `kind = "lambda"` → a [`Lambda`] function: its architecture's prices,
//! its scaling rate, and the account's concurrency it shares.

use super::site::{Site, actor_of, tiers};
use crate::catalog;
use crate::model::lambda::{Lambda, LambdaConfig, LambdaPricing};
use crate::scenario::{Architecture, ComponentSpec, Design, LambdaSpec};

/// The function of `l`.
pub(super) fn assemble(l: &LambdaSpec, site: &Site<'_>) -> Lambda {
    let lp = &site.catalog().lambda;
    let (per_gb_second, monthly, provisioned, allocation) = match l.architecture {
        Architecture::X86_64 => (
            lp.gb_second_x86.value,
            lp.duration_tiers_x86_gb_s
                .tiers(&lp.duration_tier_prices_x86),
            lp.provisioned_gb_second_x86.value,
            lp.provisioned_allocation_gb_second_x86.value,
        ),
        Architecture::Arm64 => (
            lp.gb_second_arm64.value,
            lp.duration_tiers_arm64_gb_s
                .tiers(&lp.duration_tier_prices_arm64),
            lp.provisioned_gb_second_arm64.value,
            lp.provisioned_allocation_gb_second_arm64.value,
        ),
    };
    let per_10s = lp.scale_up_per_10s.value;
    Lambda::new(
        LambdaConfig {
            memory_mb: l.memory_mb,
            service_time: l.service_time.clone(),
            cold_start: l.cold_start.clone(),
            keep_alive: l.keep_alive.clone(),
            reserved: l.concurrency,
            provisioned: l.provisioned,
            timeout: l.timeout,
            scale_rate: per_10s / 10.0,
            scale_burst: per_10s,
            downstream: site.downstream(&l.calls, &l.sends),
            pricing: LambdaPricing {
                per_request: lp.request_per_million.value / 1e6,
                per_gb_second,
                provisioned_per_gb_second: provisioned,
                provisioned_allocation_per_gb_second: allocation,
                granularity: lp.billing_granularity_ms.millis(),
                monthly_per_gb_second: tiers(monthly, per_gb_second, 1.0),
                month: site.month(),
            },
            event_retries: l.async_retries,
            max_event_age: l.max_event_age,
            on_failure: l.on_failure.map(actor_of),
            backlog_limit: site.backlog_limit(),
        },
        site.stream(),
        site.faults(),
    )
}

/// The concurrency function `l` may reach: its reserved concurrency, or
/// the account's.
pub(super) fn concurrency(l: &LambdaSpec) -> u32 {
    l.concurrency.unwrap_or_else(account)
}

/// The account's concurrency left to the functions of `design` without a
/// reservation: reserved concurrency is carved out of the account's.
pub(super) fn unreserved(design: &Design) -> u32 {
    let reserved: u32 = design
        .components
        .iter()
        .filter_map(|c| match &c.spec {
            ComponentSpec::Lambda(l) => l.concurrency,
            _ => None,
        })
        .sum();
    account().saturating_sub(reserved)
}

/// The account's Lambda concurrency (catalog).
fn account() -> u32 {
    catalog::builtin().lambda.account_concurrency.value as u32
}
