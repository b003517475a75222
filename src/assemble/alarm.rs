//! `kind = "alarm"` → a CloudWatch [`Alarm`]: the watched component, the
//! action topics and the scaling policies' groups as actors, and the
//! catalog's price of its resolution.

use super::site::{Site, actor_of};
use crate::model::alarm::{Alarm, AlarmConfig, AlarmSource, PolicyAction};
use crate::model::datapoints::AlarmRule;
use crate::scenario::{AlarmMetric, AlarmSpec, ComponentSpec, PolicyRef};
use crate::time::SimDuration;

/// The alarm of `a`.
pub(super) fn assemble(a: &AlarmSpec, site: &Site<'_>) -> Alarm {
    let cw = &site.catalog().cloudwatch;
    // A period under a minute is a high-resolution alarm.
    let per_month = if a.period < SimDuration::from_secs(60) {
        cw.high_resolution_alarm_month.value
    } else {
        cw.standard_alarm_month.value
    };
    let policies = |refs: &[PolicyRef]| -> Vec<PolicyAction> {
        refs.iter()
            .map(|p| PolicyAction {
                group: actor_of(p.group),
                policy: policy_number(site.spec_of(p.group), &p.name),
            })
            .collect()
    };
    Alarm::new(AlarmConfig {
        watched: actor_of(a.component),
        source: match a.metric {
            AlarmMetric::Series(m) => AlarmSource::Series(m),
            AlarmMetric::Group(m) => AlarmSource::Group(m),
        },
        statistic: a.statistic,
        period: a.period,
        interval: site.interval(),
        rule: AlarmRule {
            m: a.datapoints_to_alarm,
            of: a.evaluation_periods,
            missing: a.missing,
            comparison: a.comparison,
            threshold: a.threshold,
        },
        alarm_actions: a.alarm_actions.iter().map(|&t| actor_of(t)).collect(),
        ok_actions: a.ok_actions.iter().map(|&t| actor_of(t)).collect(),
        alarm_policies: policies(&a.alarm_policies),
        ok_policies: policies(&a.ok_policies),
        followers: followers(site),
        per_month,
        month: site.month(),
    })
}

/// The number of the policy `name` among the group's `policies` (the
/// scenario's check made sure it is there).
fn policy_number(group: &ComponentSpec, name: &str) -> u32 {
    let ComponentSpec::Ec2(e) = group else {
        return u32::MAX;
    };
    e.autoscaling
        .as_ref()
        .and_then(|g| g.policies.iter().position(|p| p.name == name))
        .map_or(u32::MAX, |i| i as u32)
}

/// The fleets of the design that roll a deployment back on the alarm.
fn followers(site: &Site<'_>) -> Vec<crate::engine::ActorId> {
    site.components()
        .filter(|(_, spec)| match spec {
            ComponentSpec::Ec2(e) => e
                .deploy
                .deployments
                .iter()
                .any(|d| d.rollback_on == Some(site.id)),
            _ => false,
        })
        .map(|(id, _)| actor_of(id))
        .collect()
}
