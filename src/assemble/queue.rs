//! `kind = "queue"` → an SQS [`Queue`]: its type resolved into its price,
//! its throughput limit and its message groups, and its consumer into the
//! pollers that serve it.

use super::site::{Site, actor_of};
use super::{ec2, lambda};
use crate::model::queue::{Consumer, ESM_MAX_POLLERS, Queue, QueueConfig};
use crate::scenario::{ComponentId, ComponentSpec, QueueSpec, QueueType};

/// API calls per second per action of a FIFO queue without high throughput
/// (AWS, "Troubleshoot FIFO throttling" and "message quotas"; see
/// `../shared/reference/aws-facts.md` §4).
const FIFO_CALLS_PER_SECOND: f64 = 300.0;
/// The same with high-throughput mode in us-east-1 (third-party report of
/// AWS's October 2023 figure, aws-facts.md §4; a later 70,000 is unconfirmed).
const FIFO_HIGH_THROUGHPUT_CALLS_PER_SECOND: f64 = 18_000.0;

/// The queue of `q`.
pub(super) fn assemble(q: &QueueSpec, site: &Site<'_>) -> Queue {
    let sqs = &site.catalog().sqs;
    let fifo = q.queue_type == QueueType::Fifo;
    let (price_per_million, calls_per_second) = match q.queue_type {
        QueueType::Standard => (sqs.standard_per_million.value, None),
        QueueType::Fifo => (
            sqs.fifo_per_million.value,
            Some(if q.high_throughput {
                FIFO_HIGH_THROUGHPUT_CALLS_PER_SECOND
            } else {
                FIFO_CALLS_PER_SECOND
            }),
        ),
    };
    Queue::new(
        QueueConfig {
            fifo,
            backlog_limit: site.backlog_limit(),
            consumer: q.consumer.and_then(|c| consumer(c, site)),
            dead_letter: q.dead_letter.map(actor_of),
            visibility_timeout: q.visibility_timeout,
            max_receives: q.max_receives,
            retention: q.retention,
            delay: q.delay,
            batch_size: q.batch_size,
            batching_window: q.batching_window,
            partial_batch_responses: q.report_batch_item_failures,
            wait_time: q.wait_time,
            groups: if fifo { q.groups } else { 1 },
            duplicate_probability: q.duplicate_probability,
            calls_per_second,
            latency: q.latency.clone(),
            message_bytes: q.message_bytes,
            price_per_million,
            chunk_bytes: sqs.billing_chunk_bytes.value,
            month: site.month(),
        },
        site.stream(),
        site.faults(),
    )
}

/// The pollers of the queue's consumer `c`.
fn consumer(c: ComponentId, site: &Site<'_>) -> Option<Consumer> {
    match site.spec_of(c) {
        // A fleet's every worker polls, only while its instance runs.
        ComponentSpec::Ec2(e) => Some(Consumer {
            actor: actor_of(c),
            instances: ec2::slots(e),
            workers: e.workers,
            event_source_mapping: false,
        }),
        // An event source mapping: at most one batch per unit of the
        // function's concurrency.
        ComponentSpec::Lambda(l) => Some(Consumer {
            actor: actor_of(c),
            instances: 1,
            workers: lambda::concurrency(l).min(ESM_MAX_POLLERS),
            event_source_mapping: true,
        }),
        _ => None,
    }
}
