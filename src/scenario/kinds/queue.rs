//! `kind = "queue"`: an SQS queue, standard or FIFO, with its consumer,
//! redrive policy and event source mapping settings.

use crate::catalog::Sourced;
use crate::dist::Dist;
use crate::scenario::kinds::{ComponentId, ComponentSpec};
use crate::scenario::kinds::{Kind, Reading, Role, single_name};
use crate::scenario::reader::values::{DurRange, NumRange, Unit};
use crate::scenario::reader::{Ctx, Table};
use crate::time::SimDuration;

/// SQS queue types.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum QueueType {
    /// At-least-once delivery, best-effort order, nearly unlimited throughput.
    Standard,
    /// Order within a message group, exactly-once processing, limited throughput.
    Fifo,
}

/// `kind = "queue"`: an SQS queue.
#[derive(Clone, Debug)]
pub struct QueueSpec {
    /// `type` (default `standard`).
    pub queue_type: QueueType,
    /// `consumer`: the fleet whose workers poll the queue, if any.
    pub consumer: Option<ComponentId>,
    /// `visibility_timeout` (default 30 s, AWS's default).
    pub visibility_timeout: SimDuration,
    /// `max_receives`: receives before a message goes to the dead-letter
    /// queue (redrive policy's maxReceiveCount); `None` without redrive.
    pub max_receives: Option<u32>,
    /// `dead_letter`: the queue that takes messages received `max_receives` times.
    pub dead_letter: Option<ComponentId>,
    /// `retention` (default 4 days): older messages are deleted, their work lost.
    pub retention: SimDuration,
    /// `delay` (default 0): a new message is invisible this long.
    pub delay: SimDuration,
    /// `batch_size` (default 1): messages per receive (1–10), or per
    /// invocation of a Lambda consumer (1–10,000; above 10 only with a
    /// batching window).
    pub batch_size: u32,
    /// `batching_window` (Lambda consumer, 0–300 s, default 0): how long
    /// the event source mapping gathers a batch.
    pub batching_window: SimDuration,
    /// `report_batch_item_failures` (Lambda consumer, default false): only
    /// the failed items of a batch return to the queue.
    pub report_batch_item_failures: bool,
    /// `wait_time` (0–20 s, default 0 = short polling, AWS's default).
    pub wait_time: SimDuration,
    /// `groups` (FIFO, default 1): message groups a request's message is spread over.
    pub groups: u32,
    /// `duplicate_probability` (standard, default 0): chance that a receive
    /// also leaves a copy of the message to be delivered again.
    pub duplicate_probability: f64,
    /// `high_throughput` (FIFO, default false).
    pub high_throughput: bool,
    /// `latency`: time of one API call (send, receive, delete).
    pub latency: Dist,
    /// `message_size` in bytes (default 1 KiB); billed in 64 KiB chunks.
    pub message_bytes: u32,
}

pub(crate) const KIND: Kind = Kind {
    name: "queue",
    named_by: &[
        Role::Send,
        Role::Subscriber,
        Role::DeadLetter,
        Role::OnFailure,
        Role::Watched,
    ],
    read,
    writes: &[
        "queue_depth",
        "oldest_age_s",
        "sent",
        "received",
        "deleted",
        "empty_receives",
        "dead_lettered",
        "redriven",
        "expired",
        "duplicates",
        "out_of_order",
        "throttled",
    ],
};

const QUEUE_TYPES: &[(&str, QueueType)] =
    &[("standard", QueueType::Standard), ("fifo", QueueType::Fifo)];

/// Bounds and defaults are AWS's where AWS has one (the catalog's `sqs`).
fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(
        ctx,
        &[
            "kind",
            "type",
            "consumer",
            "visibility_timeout",
            "retention",
            "delay",
            "wait_time",
            "max_receives",
            "dead_letter",
            "batch_size",
            "batching_window",
            "report_batch_item_failures",
            "groups",
            "duplicate_probability",
            "high_throughput",
            "latency",
            "message_size",
        ],
    );
    let queue_type = t.choice(ctx, "type", QUEUE_TYPES);
    // With an invalid `type`, keys that depend on it are not checked against it.
    let type_known = !t.has("type") || queue_type.is_some();
    let fifo = queue_type == Some(QueueType::Fifo);
    single_name(ctx, t, "consumer");
    let consumer = reading.refer(ctx, t, "consumer", Role::Consumer);
    let sqs = &crate::catalog::builtin().sqs;
    let up_to =
        |max: &Sourced, unit| DurRange::between(SimDuration::ZERO, max.secs(), [Unit::Secs, unit]);
    let visibility_timeout = t.dur(
        ctx,
        "visibility_timeout",
        up_to(&sqs.visibility_timeout_max_s, Unit::Hours),
    );
    let retentions = DurRange::between(
        sqs.retention_min_s.secs(),
        sqs.retention_max_s.secs(),
        [Unit::Secs, Unit::Days],
    );
    let retention = t.dur(ctx, "retention", retentions);
    let delay = t.dur(ctx, "delay", up_to(&sqs.delay_max_s, Unit::Mins));
    let wait_time = t.dur(ctx, "wait_time", up_to(&sqs.wait_time_max_s, Unit::Secs));
    // Without `dead_letter`, a message received this often is discarded.
    let max_receives = t.u32(ctx, "max_receives", 1, sqs.max_receive_count.value as u32);
    single_name(ctx, t, "dead_letter");
    // Its type is checked once resolved (`check_dead_letters`).
    let dead_letter = reading.refer(ctx, t, "dead_letter", Role::DeadLetter);
    if dead_letter
        .iter()
        .any(|id| reading.refs[id.0].to.name == reading.name)
    {
        t.err(
            ctx,
            "dead_letter",
            "a queue cannot be its own dead-letter queue",
        );
    }
    // Above ten only for a Lambda consumer (`check_event_source_mappings`).
    let batch_size = t.u32(ctx, "batch_size", 1, sqs.esm_max_batch_size.value as u32);
    let batching_window = t.dur(
        ctx,
        "batching_window",
        up_to(&sqs.esm_max_batching_window_s, Unit::Mins),
    );
    let report_batch_item_failures = t.bool(ctx, "report_batch_item_failures");
    if !t.has("consumer") {
        for key in ["batching_window", "report_batch_item_failures"] {
            if t.has(key) {
                t.err(
                    ctx,
                    key,
                    format!("`{key}` is a setting of the queue's Lambda consumer, but the queue has no `consumer`"),
                );
            }
        }
    }
    if fifo && batching_window.is_some_and(|w| w > SimDuration::ZERO) {
        t.err(
            ctx,
            "batching_window",
            "a FIFO queue's event source mapping has no batching window (AWS supports it for standard queues only)",
        );
    }
    let batch_max = sqs.batch_max_messages.value as u32;
    if let Some(n) = batch_size.filter(|&n| n > batch_max) {
        if fifo {
            t.err(
                ctx,
                "batch_size",
                format!("expected at most {batch_max} for a FIFO queue, found {n}"),
            );
        } else if batching_window.is_none_or(|w| w < SimDuration::from_secs(1)) {
            t.err(
                ctx,
                "batch_size",
                format!("a batch of {n} (more than {batch_max}) needs `batching_window` of at least 1s, as AWS requires"),
            );
        }
    }
    let groups = t.u32(ctx, "groups", 1, u32::MAX);
    if groups.is_some() && type_known && !fifo {
        t.err(
            ctx,
            "groups",
            "`groups` (message groups) only applies with type = \"fifo\"",
        );
    }
    let duplicate_probability = t.num(
        ctx,
        "duplicate_probability",
        NumRange::closed(0.0, 1.0, "from 0 to 1"),
    );
    if duplicate_probability.is_some() && type_known && fifo {
        t.err(
            ctx,
            "duplicate_probability",
            "`duplicate_probability` only applies with type = \"standard\": a FIFO queue delivers each message once",
        );
    }
    let high_throughput = t.bool(ctx, "high_throughput");
    if high_throughput.is_some() && type_known && !fifo {
        t.err(
            ctx,
            "high_throughput",
            "`high_throughput` only applies with type = \"fifo\"",
        );
    }
    let latency = t.dist(ctx, "latency");
    let message_bytes = t.u32(ctx, "message_size", 1, sqs.max_message_bytes.value as u32);
    let queue_type = match queue_type {
        Some(q) => q,
        // The dead-letter check needs the type: say nothing more.
        None if t.has("type") => return None,
        None => QueueType::Standard,
    };
    Some(ComponentSpec::Queue(QueueSpec {
        queue_type,
        consumer: consumer.first().copied(),
        visibility_timeout: visibility_timeout.unwrap_or(sqs.visibility_timeout_default_s.secs()),
        max_receives,
        dead_letter: dead_letter.first().copied(),
        retention: retention.unwrap_or(sqs.retention_default_s.secs()),
        delay: delay.unwrap_or(SimDuration::ZERO),
        batch_size: batch_size.unwrap_or(1),
        batching_window: batching_window.unwrap_or(SimDuration::ZERO),
        report_batch_item_failures: report_batch_item_failures.unwrap_or(false),
        wait_time: wait_time.unwrap_or(SimDuration::ZERO),
        groups: groups.unwrap_or(1),
        duplicate_probability: duplicate_probability.unwrap_or(0.0),
        high_throughput: high_throughput.unwrap_or(false),
        latency: latency.unwrap_or_else(|| Dist::constant(sqs.api_latency_ms.millis())),
        // A modelling default, not AWS's: SQS has no typical message size.
        message_bytes: message_bytes.unwrap_or(1024),
    }))
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn queue_defaults_and_values() {
        let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\n");
        let q = queue(&load_text(&text).unwrap(), "q");
        assert_eq!(q.queue_type, QueueType::Standard);
        assert_eq!(
            (q.consumer, q.max_receives, q.dead_letter),
            (None, None, None)
        );
        assert_eq!(q.visibility_timeout, SimDuration::from_secs(30));
        assert_eq!(q.retention, SimDuration::from_secs(4 * 24 * 3600));
        assert_eq!(
            (q.delay, q.wait_time),
            (SimDuration::ZERO, SimDuration::ZERO)
        );
        assert_eq!((q.batch_size, q.groups), (1, 1));
        assert_eq!(q.duplicate_probability, 0.0);
        assert!(!q.high_throughput);
        assert_dist(&q.latency, &Dist::constant(SimDuration::from_millis(16)));
        assert_eq!(q.message_bytes, 1024);

        let text = edit("workers = 4", "workers = 4\nsends = \"q\"")
            + "\n[designs.d.q]\nkind = \"queue\"\ntype = \"fifo\"\nconsumer = \"w\"\n\
               visibility_timeout = \"2m\"\nmax_receives = 3\ndead_letter = \"dlq\"\n\
               retention = \"1d\"\ndelay = \"5s\"\nbatch_size = 10\nwait_time = \"20s\"\n\
               groups = 8\nhigh_throughput = true\nlatency = { dist = \"exp\", mean = \"5ms\" }\n\
               message_size = 1048576\n\
               \n[designs.d.dlq]\nkind = \"queue\"\ntype = \"fifo\"\n\
               \n[designs.d.w]\nkind = \"ec2\"\ninstance_type = \"t3.micro\"\nservice_time = \"1ms\"\n";
        let s = load_text(&text).unwrap();
        let q = queue(&s, "q");
        assert_eq!(q.queue_type, QueueType::Fifo);
        assert_eq!(q.consumer, Some(ComponentId(3)));
        assert_eq!(q.dead_letter, Some(ComponentId(2)));
        assert_eq!(q.max_receives, Some(3));
        assert_eq!(q.visibility_timeout, SimDuration::from_secs(120));
        assert_eq!(q.retention, SimDuration::from_secs(24 * 3600));
        assert_eq!(q.delay, SimDuration::from_secs(5));
        assert_eq!(q.wait_time, SimDuration::from_secs(20));
        assert_eq!((q.batch_size, q.groups, q.high_throughput), (10, 8, true));
        assert_dist(&q.latency, &Dist::exp(SimDuration::from_millis(5)).unwrap());
        assert_eq!(q.message_bytes, 1_048_576);
        assert_eq!(queue(&s, "dlq").queue_type, QueueType::Fifo);
        let ComponentSpec::Ec2(app) = &component(&s.designs[0], "app").spec else {
            panic!()
        };
        assert_eq!(app.sends, [ComponentId(1)]);

        let text =
            format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\nduplicate_probability = 0.25\n");
        assert_eq!(
            queue(&load_text(&text).unwrap(), "q").duplicate_probability,
            0.25
        );
        for bad in ["0", "1048577", "\"1KB\""] {
            let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\nmessage_size = {bad}\n");
            expect_one(
                &text,
                "designs.d.q.message_size",
                "message_size",
                &["from 1 to 1048576"],
            );
        }
        let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\nlatency = 5\n");
        expect_one(&text, "designs.d.q.latency", "latency", &["distribution"]);
    }

    #[test]
    fn queue_type_only_keys() {
        let q = "\n[designs.d.q]\nkind = \"queue\"\n";
        let text = format!("{MINI}{q}high_throughput = true\n");
        expect_one(
            &text,
            "designs.d.q.high_throughput",
            "high_throughput",
            &["only applies with type = \"fifo\""],
        );
        let text = format!("{MINI}{q}type = \"standard\"\ngroups = 4\n");
        expect_one(
            &text,
            "designs.d.q.groups",
            "groups",
            &["only applies with type = \"fifo\""],
        );
        let text = format!("{MINI}{q}type = \"fifo\"\nduplicate_probability = 0.1\n");
        expect_one(
            &text,
            "designs.d.q.duplicate_probability",
            "duplicate_probability",
            &["only applies with type = \"standard\""],
        );
        // An unknown type is reported once, not once per dependent key.
        let text = format!("{MINI}{q}type = \"fifoo\"\ngroups = 4\n");
        expect_one(
            &text,
            "designs.d.q.type",
            "fifoo",
            &["did you mean \"fifo\"?"],
        );
    }

    #[test]
    fn dead_letter_type_must_match() {
        let text = format!(
            "{MINI}\n[designs.d.q]\nkind = \"queue\"\ntype = \"fifo\"\ndead_letter = \"dlq\"\nmax_receives = 5\n\
             \n[designs.d.dlq]\nkind = \"queue\"\n"
        );
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["`dlq` is a standard queue", "must also be FIFO"],
        );
        let text = format!(
            "{MINI}\n[designs.d.q]\nkind = \"queue\"\ndead_letter = \"dlq\"\n\
             \n[designs.d.dlq]\nkind = \"queue\"\ntype = \"fifo\"\n"
        );
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["`dlq` is a FIFO queue", "must also be standard"],
        );
        let text = format!("{MINI}\n[designs.d.q]\nkind = \"queue\"\ndead_letter = \"app\"\n");
        expect_one(
            &text,
            "designs.d.q.dead_letter",
            "dead_letter",
            &["`app` is an ec2", "must name a queue"],
        );
    }

    #[test]
    fn event_source_mapping_settings_need_a_lambda_consumer() {
        let text = format!(
            "{MINI}{}",
            r#"
[designs.d.q]
kind = "queue"
consumer = "app"
batch_size = 100
batching_window = "2s"

[designs.d.fifo]
kind = "queue"
type = "fifo"
consumer = "fn"
batch_size = 20
batching_window = "1s"

[designs.d.lonely]
kind = "queue"
report_batch_item_failures = true

[designs.d.big]
kind = "queue"
consumer = "fn"
batch_size = 10001

[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "10ms"
"#
        );
        let errs = errors(&text);
        let line = |n: &str, k: usize| {
            Some(
                text.match_indices(n)
                    .nth(k)
                    .map_or(0, |(i, _)| text[..i].matches('\n').count() + 1),
            )
        };
        expect(
            &errs,
            "designs.d.q.consumer",
            line("consumer = \"app\"", 0),
            &[
                "`app` is not a Lambda function",
                "`batch_size = 100` and `batching_window`",
            ],
        );
        expect(
            &errs,
            "designs.d.fifo.batching_window",
            line("batching_window", 1),
            &["standard queues only"],
        );
        expect(
            &errs,
            "designs.d.fifo.batch_size",
            line("batch_size = 20", 0),
            &["at most 10 for a FIFO queue"],
        );
        expect(
            &errs,
            "designs.d.lonely.report_batch_item_failures",
            line("report_batch_item_failures", 0),
            &["has no `consumer`"],
        );
        expect(
            &errs,
            "designs.d.big.batch_size",
            line("10001", 0),
            &["from 1 to 10000"],
        );
        let ok = format!(
            "{MINI}{}",
            r#"
[designs.d.q]
kind = "queue"
consumer = "fn"
batch_size = 100
batching_window = "2s"
report_batch_item_failures = true

[designs.d.fn]
kind = "lambda"
runtime = "python3.12"
service_time = "10ms"
"#
        );
        let s = load_text(&ok).expect("valid");
        let q = s.designs[0]
            .components
            .iter()
            .find_map(|c| match &c.spec {
                ComponentSpec::Queue(q) => Some(q),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            (
                q.batch_size,
                q.batching_window,
                q.report_batch_item_failures
            ),
            (100, SimDuration::from_secs(2), true)
        );
    }
}
