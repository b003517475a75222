//! `kind = "alarm"` → a CloudWatch [`Alarm`]: the watched component and
//! the action topics as actors, and the catalog's price of its resolution.

use super::site::{Site, actor_of};
use crate::model::alarm::{Alarm, AlarmConfig};
use crate::scenario::{AlarmSpec, ComponentSpec};
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
    Alarm::new(AlarmConfig {
        watched: actor_of(a.component),
        metric: a.metric,
        statistic: a.statistic,
        period: a.period,
        interval: site.interval(),
        datapoints_to_alarm: a.datapoints_to_alarm,
        evaluation_periods: a.evaluation_periods,
        comparison: a.comparison,
        threshold: a.threshold,
        missing: a.missing,
        alarm_actions: a.alarm_actions.iter().map(|&t| actor_of(t)).collect(),
        ok_actions: a.ok_actions.iter().map(|&t| actor_of(t)).collect(),
        followers: followers(site),
        per_month,
        month: site.month(),
    })
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
