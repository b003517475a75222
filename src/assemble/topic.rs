//! `kind = "topic"` → an SNS [`Topic`]: each subscription with the delivery
//! policy of its endpoint, and the catalog's prices.

use super::site::{Site, actor_of};
use crate::model::topic::{DeliveryPolicy, EndpointSubscriber, Subscriber, Topic, TopicConfig};
use crate::scenario::{ComponentSpec, TopicSpec};

/// The topic of `t`.
pub(super) fn assemble(t: &TopicSpec, site: &Site<'_>) -> Topic {
    let sns = &site.catalog().sns;
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
    let endpoints = t
        .endpoints
        .iter()
        .map(|e| EndpointSubscriber {
            protocol: e.protocol,
            filter: e
                .filter
                .as_ref()
                .map(|f| f.iter().map(|&i| i as u8).collect()),
        })
        .collect();
    Topic::new(
        TopicConfig {
            subscribers,
            endpoints,
            latency: t.latency.clone(),
            publish_per_million: sns.publish_per_million.value,
            http_delivery_per_million: sns.http_delivery_per_million.value,
            email_delivery_per_million: sns.email_delivery_per_million.value,
            sms_per_message: sns.sms_per_message.value,
            month: site.month(),
        },
        site.stream(),
        site.faults(),
    )
}
