//! The interval metrics of `timeseries.csv`: one closed set, and the one
//! table of their names.

use std::borrow::Cow;

/// A metric a component (or the run, for the workload) writes each interval.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    /// Calls (the workload: requests) that arrived in the interval.
    Arrivals,
    /// Calls answered successfully (the workload: requests completed).
    Completions,
    /// Calls answered with an error (the workload: requests failed).
    Errors,
    /// 99th percentile of the time in the component [ms] (the workload:
    /// of the responses).
    ResponseP99Ms,
    /// Requests lost (the workload).
    Lost,
    /// Work in the component at the end of the interval (calls, messages
    /// received and not yet deleted, invocations running).
    InFlight,
    /// The bill since time zero [USD].
    CostUsd,
    /// Attempts the client made (retries included).
    Attempts,
    /// Attempts the client gave up waiting for.
    Timeouts,
    /// Busy workers over workers (a fleet).
    Utilization,
    /// Calls waiting for a worker (a fleet).
    Waiting,
    /// Connections open (a database with `max_connections`); a proxy's
    /// connections borrowed, mean over the interval.
    Connections,
    /// Connections refused: too many (a database with `max_connections`);
    /// a proxy's borrows that timed out.
    ConnectionErrors,
    /// Instances in service (a fleet).
    Instances,
    /// Instances booting or registering (a group).
    Pending,
    /// Instances draining (a group).
    Draining,
    /// The group's desired capacity.
    Desired,
    /// Changes of the desired capacity by the group's policies and actions.
    ScalingEvents,
    /// Spot interruption notices.
    Interruptions,
    /// Instances in service in the fleet's zone number `n`, named
    /// `instances_<zone>` after the zone.
    InstancesInZone(u32),
    /// Visible messages (a queue).
    QueueDepth,
    /// Age of the oldest message [s].
    OldestAgeS,
    /// Messages sent.
    Sent,
    /// Messages received.
    Received,
    /// Messages deleted.
    Deleted,
    /// Receives that returned nothing.
    EmptyReceives,
    /// Messages moved to the dead-letter queue.
    DeadLettered,
    /// Messages moved in by a redrive or an on-failure destination.
    Redriven,
    /// Messages expired.
    Expired,
    /// Duplicate deliveries.
    Duplicates,
    /// Messages whose work was first done after that of a message sent
    /// later to the same queue (a FIFO queue: the same message group).
    OutOfOrder,
    /// API calls throttled (a FIFO queue).
    Throttled,
    /// Data sent across zones since time zero [GB] (a load balancer).
    CrossZoneGb,
    /// Mean invocations running (a function).
    Concurrency,
    /// Execution environments.
    Environments,
    /// Cold starts.
    ColdStarts,
    /// Calls refused for want of capacity or rate (a function, a gateway).
    Throttles,
    /// Mean cold start [ms].
    InitMs,
    /// Asynchronous events waiting to run.
    EventsWaiting,
    /// Asynchronous events given up.
    EventsDropped,
    /// Messages published (a topic).
    Published,
    /// Deliveries that succeeded.
    Delivered,
    /// Deliveries retried.
    DeliveryRetries,
    /// Deliveries given up.
    Undeliverable,
    /// Deliveries to email endpoints (a topic).
    Emails,
    /// Deliveries to SMS endpoints (a topic).
    SmsMessages,
    /// An alarm's state at the end of the interval: 1 in ALARM, 0 OK, -1
    /// INSUFFICIENT_DATA.
    AlarmState,
    /// Notifications an alarm published to its topics.
    Notifications,
    /// Mean wait of a proxy's borrows granted in the interval [ms].
    BorrowWaitMs,
    /// A proxy's borrows granted in the interval after waiting for a
    /// connection.
    BorrowsWaited,
    /// 1 when a deployment (or patching, or rollback) of the fleet was
    /// under way in the interval.
    Deploying,
    /// Instances in service on the release the fleet deploys or deployed
    /// last.
    NewRelease,
    /// Rollbacks started by the fleet's `rollback_on` alarms.
    Rollbacks,
}

impl Metric {
    /// The metric's name in `timeseries.csv`; `zones` names the zones of
    /// the component that wrote it (for [`Metric::InstancesInZone`]).
    pub fn name(self, zones: &[String]) -> Cow<'_, str> {
        Cow::Borrowed(match self {
            Metric::Arrivals => "arrivals",
            Metric::Completions => "completions",
            Metric::Errors => "errors",
            Metric::ResponseP99Ms => "response_p99_ms",
            Metric::Lost => "lost",
            Metric::InFlight => "in_flight",
            Metric::CostUsd => "cost_usd",
            Metric::Attempts => "attempts",
            Metric::Timeouts => "timeouts",
            Metric::Utilization => "utilization",
            Metric::Waiting => "waiting",
            Metric::Connections => "connections",
            Metric::ConnectionErrors => "connection_errors",
            Metric::Instances => "instances",
            Metric::Pending => "pending",
            Metric::Draining => "draining",
            Metric::Desired => "desired",
            Metric::ScalingEvents => "scaling_events",
            Metric::Interruptions => "interruptions",
            Metric::InstancesInZone(zone) => {
                let zone = zones.get(zone as usize).map_or("", String::as_str);
                return Cow::Owned(format!("instances_{zone}"));
            }
            Metric::QueueDepth => "queue_depth",
            Metric::OldestAgeS => "oldest_age_s",
            Metric::Sent => "sent",
            Metric::Received => "received",
            Metric::Deleted => "deleted",
            Metric::EmptyReceives => "empty_receives",
            Metric::DeadLettered => "dead_lettered",
            Metric::Redriven => "redriven",
            Metric::Expired => "expired",
            Metric::Duplicates => "duplicates",
            Metric::OutOfOrder => "out_of_order",
            Metric::Throttled => "throttled",
            Metric::CrossZoneGb => "cross_zone_gb",
            Metric::Concurrency => "concurrency",
            Metric::Environments => "environments",
            Metric::ColdStarts => "cold_starts",
            Metric::Throttles => "throttles",
            Metric::InitMs => "init_ms",
            Metric::EventsWaiting => "events_waiting",
            Metric::EventsDropped => "events_dropped",
            Metric::Published => "published",
            Metric::Delivered => "delivered",
            Metric::DeliveryRetries => "delivery_retries",
            Metric::Undeliverable => "undeliverable",
            Metric::Emails => "emails",
            Metric::SmsMessages => "sms",
            Metric::AlarmState => "alarm_state",
            Metric::Notifications => "notifications",
            Metric::BorrowWaitMs => "borrow_wait_ms",
            Metric::BorrowsWaited => "borrows_waited",
            Metric::Deploying => "deploying",
            Metric::NewRelease => "new_release",
            Metric::Rollbacks => "rollbacks",
        })
    }

    /// The metric named `name` in `timeseries.csv` (zone metrics aside).
    pub fn named(name: &str) -> Option<Metric> {
        NAMED.iter().copied().find(|m| m.name(&[]) == name)
    }
}

/// Every metric but the per-zone ones, whose names depend on the zones.
pub const NAMED: &[Metric] = &[
    Metric::Arrivals,
    Metric::Completions,
    Metric::Errors,
    Metric::ResponseP99Ms,
    Metric::Lost,
    Metric::InFlight,
    Metric::CostUsd,
    Metric::Attempts,
    Metric::Timeouts,
    Metric::Utilization,
    Metric::Waiting,
    Metric::Connections,
    Metric::ConnectionErrors,
    Metric::Instances,
    Metric::Pending,
    Metric::Draining,
    Metric::Desired,
    Metric::ScalingEvents,
    Metric::Interruptions,
    Metric::QueueDepth,
    Metric::OldestAgeS,
    Metric::Sent,
    Metric::Received,
    Metric::Deleted,
    Metric::EmptyReceives,
    Metric::DeadLettered,
    Metric::Redriven,
    Metric::Expired,
    Metric::Duplicates,
    Metric::OutOfOrder,
    Metric::Throttled,
    Metric::CrossZoneGb,
    Metric::Concurrency,
    Metric::Environments,
    Metric::ColdStarts,
    Metric::Throttles,
    Metric::InitMs,
    Metric::EventsWaiting,
    Metric::EventsDropped,
    Metric::Published,
    Metric::Delivered,
    Metric::DeliveryRetries,
    Metric::Undeliverable,
    Metric::Emails,
    Metric::SmsMessages,
    Metric::AlarmState,
    Metric::Notifications,
    Metric::BorrowWaitMs,
    Metric::BorrowsWaited,
    Metric::Deploying,
    Metric::NewRelease,
    Metric::Rollbacks,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_zone_metric_is_named_after_its_zone() {
        let zones = ["use1-az1".to_string(), "use1-az2".to_string()];
        assert_eq!(
            Metric::InstancesInZone(1).name(&zones),
            "instances_use1-az2"
        );
        assert_eq!(Metric::QueueDepth.name(&zones), "queue_depth");
    }
}
