//! The metrics alarms watch: at each interval boundary the run hands over
//! the values just sampled, and this keeps those of the (component, metric)
//! pairs some alarm asked for, until the next boundary. Alarms on an Auto
//! Scaling group's own metric are listed apart ([`GroupAlarms`]): the group
//! hands them its datapoints itself.

use crate::engine::ActorId;
use crate::metric::Metric;
use crate::settings::ScalingMetric;
use crate::stats::Sample;

/// The alarms on the groups' own metrics: (group, metric, alarm).
#[derive(Debug, Default)]
pub struct GroupAlarms {
    watching: Vec<(ActorId, ScalingMetric, ActorId)>,
}

impl GroupAlarms {
    /// `alarm` watches `metric` of the group of `group`.
    pub fn watch(&mut self, group: ActorId, metric: ScalingMetric, alarm: ActorId) {
        self.watching.push((group, metric, alarm));
    }

    /// The alarms watching a metric of `group`, with that metric, in the
    /// order they asked.
    pub fn of(&self, group: ActorId) -> impl Iterator<Item = (ScalingMetric, ActorId)> + '_ {
        self.watching
            .iter()
            .filter(move |(g, _, _)| *g == group)
            .map(|&(_, m, a)| (m, a))
    }
}

/// The latest interval's values of the watched metrics.
#[derive(Debug, Default)]
pub struct Watched {
    wanted: Vec<(u32, Metric)>,
    latest: Vec<(u32, Metric, f64)>,
}

impl Watched {
    /// An alarm watches `metric` of `component`.
    pub fn watch(&mut self, component: ActorId, metric: Metric) {
        let pair = (component.0, metric);
        if !self.wanted.contains(&pair) {
            self.wanted.push(pair);
        }
    }

    /// No alarm watches anything: the run need not hand samples over.
    pub fn is_empty(&self) -> bool {
        self.wanted.is_empty()
    }

    /// The values of the interval that just ended.
    pub fn publish(&mut self, rows: &[Sample]) {
        self.latest.clear();
        for s in rows {
            if self.wanted.contains(&(s.component, s.metric)) {
                self.latest.push((s.component, s.metric, s.value));
            }
        }
    }

    /// The value `component` wrote for `metric` in the latest interval,
    /// if it wrote one.
    pub fn value(&self, component: ActorId, metric: Metric) -> Option<f64> {
        self.latest
            .iter()
            .find(|(c, m, _)| *c == component.0 && *m == metric)
            .map(|&(_, _, v)| v)
    }
}
