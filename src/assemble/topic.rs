//! `kind = "topic"` → an SNS [`Topic`]: each subscription with the delivery
//! policy of its endpoint, and the catalog's prices.

use super::site::{Site, actor_of};
use crate::catalog;
use crate::model::topic::{DeliveryPolicy, Subscriber, Topic, TopicConfig};
use crate::scenario::{ComponentSpec, TopicSpec};

/// The topic of `t`.
pub(super) fn assemble(t: &TopicSpec, site: &Site<'_>) -> Topic {
    let sns = &catalog::builtin().sns;
    let subscribers = t
        .subscriptions
        .iter()
        .map(|sub| Subscriber {
            actor: actor_of(sub.target),
            filter: sub
                .filter
                .as_ref()
                .map(|f| f.iter().map(|&i| i as u8).collect()),
            // Queues and functions are AWS-managed endpoints; anything
            // else is reached over HTTP/S.
            policy: match site.spec_of(sub.target) {
                ComponentSpec::Queue(_) | ComponentSpec::Lambda(_) => DeliveryPolicy::AwsManaged,
                _ => DeliveryPolicy::Http,
            },
        })
        .collect();
    Topic::new(
        TopicConfig {
            subscribers,
            latency: t.latency.clone(),
            publish_per_million: sns.publish_per_million.value,
            http_delivery_per_million: sns.http_delivery_per_million.value,
        },
        site.stream(),
        site.faults(),
    )
}
