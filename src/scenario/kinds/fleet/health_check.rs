//! `health_check`: the target group's health checks of a fleet's instances.

use crate::scenario::reader::values::DurRange;
use crate::scenario::reader::{Ctx, Table};
use crate::settings::HealthCheckSpec;

/// `health_check = { interval, timeout, healthy_threshold, unhealthy_threshold }`.
pub(crate) fn read(ctx: &mut Ctx, t: &Table) -> Option<HealthCheckSpec> {
    let tg = &crate::catalog::builtin().target_group;
    let defaults = HealthCheckSpec {
        interval: tg.health_check_interval_s.secs(),
        timeout: tg.health_check_timeout_s.secs(),
        healthy_threshold: tg.healthy_threshold.value as u32,
        unhealthy_threshold: tg.unhealthy_threshold.value as u32,
    };
    if !t.has("health_check") {
        return Some(defaults);
    }
    let h = t.sub(ctx, "health_check")?;
    h.check_keys(
        ctx,
        &[
            "interval",
            "timeout",
            "healthy_threshold",
            "unhealthy_threshold",
        ],
    );
    // The ranges ELB accepts for instance targets.
    let intervals = DurRange::seconds(
        &tg.health_check_interval_min_s,
        &tg.health_check_interval_max_s,
    );
    let interval = h.dur(ctx, "interval", intervals);
    let timeouts = DurRange::seconds(
        &tg.health_check_timeout_min_s,
        &tg.health_check_timeout_max_s,
    );
    let timeout = h.dur(ctx, "timeout", timeouts);
    let (min, max) = (tg.threshold_min.value as u32, tg.threshold_max.value as u32);
    let healthy = h.u32(ctx, "healthy_threshold", min, max);
    let unhealthy = h.u32(ctx, "unhealthy_threshold", min, max);
    let bad = |k: &str| h.has(k);
    if (bad("interval") && interval.is_none())
        || (bad("timeout") && timeout.is_none())
        || (bad("healthy_threshold") && healthy.is_none())
        || (bad("unhealthy_threshold") && unhealthy.is_none())
    {
        return None;
    }
    let spec = HealthCheckSpec {
        interval: interval.unwrap_or(defaults.interval),
        timeout: timeout.unwrap_or(defaults.timeout),
        healthy_threshold: healthy.unwrap_or(defaults.healthy_threshold),
        unhealthy_threshold: unhealthy.unwrap_or(defaults.unhealthy_threshold),
    };
    if spec.timeout >= spec.interval {
        h.err(
            ctx,
            "timeout",
            format!(
                "expected a timeout shorter than the interval ({}s)",
                spec.interval.as_secs_f64()
            ),
        );
        return None;
    }
    Some(spec)
}
