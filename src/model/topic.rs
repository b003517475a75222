//! An SNS topic: every published message is pushed to every subscriber
//! whose filter matches the request's class.
//!
//! Unlike a queue, a topic keeps nothing: a delivery that fails is retried
//! along the subscriber's delivery policy and, once that is exhausted, the
//! message is gone and its work lost. Subscribed queues (the fan-out
//! pattern) are AWS-managed endpoints with SNS's long default policy; any
//! other component is an HTTP/S endpoint with the short default policy.

use super::faults::FaultState;
use super::monthly::Projection;
use super::requests::RequestId;
use super::{Call, Component, Ctx, Endpoint, Outcome, call, refuse, reply, schedule_drawn};
use crate::dist::Dist;
use crate::engine::ActorId;
use crate::metric::Metric;
use crate::rng::StreamRng;
use crate::settings::Protocol;
use crate::slab::{Key, Slab};
use crate::stats::{CallStats, ComponentReport, IntervalSink};
use crate::time::{SimDuration, SimTime};

/// A topic's own timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TopicTimer {
    /// The publish is accepted.
    Published(Key),
    /// A delivery (or its retry) is due.
    Deliver(Key),
}

/// How SNS retries deliveries to a subscriber.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryPolicy {
    /// SQS and Lambda: 3 immediate attempts, 2 at 1 s, 10 with exponential
    /// backoff from 1 s to 20 s, then 100,000 at 20 s: 100,015 attempts over
    /// about 23 days (AWS SNS developer guide, "message delivery retries").
    /// The phases count attempts, so the first attempt is the first of the
    /// immediate ones.
    AwsManaged,
    /// HTTP/S endpoints, default policy: 3 retries, 20 s apart (same source).
    Http,
}

impl DeliveryPolicy {
    /// The wait before retry `k` (0-based), or `None` once the policy is exhausted.
    pub fn retry_delay(self, k: u32) -> Option<SimDuration> {
        match self {
            DeliveryPolicy::AwsManaged => match k {
                0..=1 => Some(SimDuration::ZERO),
                2..=3 => Some(SimDuration::from_secs(1)),
                4..=13 => {
                    // Ten steps growing geometrically from 1 s to 20 s.
                    let step = f64::from(k - 4) / 9.0;
                    Some(SimDuration::from_secs_f64(20f64.powf(step)))
                }
                14..=100_013 => Some(SimDuration::from_secs(20)),
                _ => None,
            },
            DeliveryPolicy::Http => (k < 3).then_some(SimDuration::from_secs(20)),
        }
    }
}

/// One subscription, resolved.
#[derive(Clone, Debug)]
pub struct Subscriber {
    /// The subscribed component.
    pub actor: ActorId,
    /// Classes delivered (`None`: all).
    pub filter: Option<Vec<u8>>,
    /// Its retry policy.
    pub policy: DeliveryPolicy,
}

/// A subscription of an email or SMS endpoint: it only receives, so its
/// deliveries are counted and billed and end nothing of the request.
#[derive(Clone, Debug)]
pub struct EndpointSubscriber {
    /// Email or SMS.
    pub protocol: Protocol,
    /// Classes delivered (`None`: all, and alarm notifications).
    pub filter: Option<Vec<u8>>,
}

/// The settings a topic is built from.
#[derive(Clone, Debug)]
pub struct TopicConfig {
    /// The subscriptions of components, in order.
    pub subscribers: Vec<Subscriber>,
    /// The subscriptions of email and SMS endpoints.
    pub endpoints: Vec<EndpointSubscriber>,
    /// Publish acceptance and delivery latency.
    pub latency: Dist,
    /// [USD per 1M publishes].
    pub publish_per_million: f64,
    /// [USD per 1M HTTP/S deliveries].
    pub http_delivery_per_million: f64,
    /// [USD per 1M email deliveries].
    pub email_delivery_per_million: f64,
    /// [USD per SMS message].
    pub sms_per_message: f64,
    /// The month a window's bill is projected to.
    pub month: SimDuration,
}

#[derive(Clone, Copy, Debug)]
struct Delivery {
    req: RequestId,
    subscriber: u32,
    retries: u32,
}

/// Per-interval and window counters.
#[derive(Clone, Copy, Debug, Default)]
struct Counters {
    published: u64,
    delivered: u64,
    http_delivered: u64,
    retries: u64,
    undeliverable: u64,
    emails: u64,
    sms: u64,
}

/// An SNS topic.
#[derive(Debug)]
pub struct Topic {
    cfg: TopicConfig,
    rng: StreamRng,
    faults: FaultState,
    publishes: Slab<(Call, SimTime)>,
    deliveries: Slab<Delivery>,
    calls: CallStats,
    interval: Counters,
    window: Counters,
    window_start: SimTime,
    total: Counters,
}

impl Topic {
    /// A topic drawing its latencies from `rng`. An outage fails publishes
    /// fast; deliveries already accepted go on.
    pub fn new(cfg: TopicConfig, rng: StreamRng, faults: FaultState) -> Self {
        Topic {
            cfg,
            rng,
            faults,
            publishes: Slab::default(),
            deliveries: Slab::default(),
            calls: CallStats::default(),
            interval: Counters::default(),
            window: Counters::default(),
            window_start: SimTime::ZERO,
            total: Counters::default(),
        }
    }

    fn count(&mut self, f: impl Fn(&mut Counters)) {
        f(&mut self.interval);
        f(&mut self.window);
        f(&mut self.total);
    }

    fn cost(&self, c: &Counters) -> f64 {
        (c.published as f64 * self.cfg.publish_per_million
            + c.http_delivered as f64 * self.cfg.http_delivery_per_million
            + c.emails as f64 * self.cfg.email_delivery_per_million)
            / 1e6
            + c.sms as f64 * self.cfg.sms_per_message
    }

    /// Delivers a message of class `class` (`None`: an alarm's
    /// notification, which only unfiltered endpoints receive) to the
    /// email and SMS endpoints.
    fn deliver_to_endpoints(&mut self, class: Option<u8>) {
        let (mut emails, mut sms) = (0, 0);
        for e in &self.cfg.endpoints {
            let matches = match (&e.filter, class) {
                (None, _) => true,
                (Some(f), Some(c)) => f.contains(&c),
                (Some(_), None) => false,
            };
            if matches {
                match e.protocol {
                    Protocol::Email => emails += 1,
                    Protocol::Sms => sms += 1,
                }
            }
        }
        self.count(|c| {
            c.emails += emails;
            c.sms += sms;
        });
    }

    fn on_published(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some((call, arrived)) = self.publishes.remove(key) else {
            return;
        };
        let now = ctx.now();
        self.count(|c| c.published += 1);
        let class = ctx.world.requests.get(call.req).map_or(0, |r| r.class);
        self.deliver_to_endpoints(Some(class));
        for (i, sub) in self.cfg.subscribers.iter().enumerate() {
            if sub.filter.as_ref().is_some_and(|f| !f.contains(&class)) {
                continue;
            }
            ctx.world.requests.work_started(call.req);
            let d = self.deliveries.insert(Delivery {
                req: call.req,
                subscriber: i as u32,
                retries: 0,
            });
            let deliver = TopicTimer::Deliver(d).into();
            schedule_drawn(ctx, &self.cfg.latency, &mut self.rng, deliver);
        }
        self.calls.answered(true, now.since(arrived));
        reply(ctx, call, Outcome::Ok);
    }

    fn deliver(&mut self, key: Key, ctx: &mut Ctx<'_>) {
        let Some(d) = self.deliveries.get(key) else {
            return;
        };
        let sub = &self.cfg.subscribers[d.subscriber as usize];
        // SNS invokes functions (and fills queues) asynchronously; an HTTP
        // endpoint answers the POST itself.
        let endpoint = match sub.policy {
            DeliveryPolicy::AwsManaged => Endpoint::Event,
            DeliveryPolicy::Http => Endpoint::Any,
        };
        call(ctx, sub.actor, d.req, key.slot, endpoint);
    }
}

impl Component for Topic {
    type Timer = TopicTimer;

    fn on_call(&mut self, call: Call, ctx: &mut Ctx<'_>) {
        self.calls.arrived();
        if self.faults.is_down() {
            refuse(ctx, &mut self.calls, call, Outcome::Unavailable);
            return;
        }
        let key = self.publishes.insert((call, ctx.now()));
        let published = TopicTimer::Published(key).into();
        schedule_drawn(ctx, &self.cfg.latency, &mut self.rng, published);
    }

    fn on_reply(&mut self, slot: u32, outcome: Outcome, ctx: &mut Ctx<'_>) {
        let Some(key) = self.deliveries.key_of(slot) else {
            return;
        };
        let now = ctx.now();
        if outcome.is_ok() {
            if let Some(d) = self.deliveries.remove(key) {
                let http =
                    self.cfg.subscribers[d.subscriber as usize].policy == DeliveryPolicy::Http;
                self.count(|c| {
                    c.delivered += 1;
                    c.http_delivered += u64::from(http);
                });
                ctx.world.requests.work_done(d.req, now);
            }
            return;
        }
        let Some(d) = self.deliveries.get_mut(key) else {
            return;
        };
        let policy = self.cfg.subscribers[d.subscriber as usize].policy;
        match policy.retry_delay(d.retries) {
            Some(wait) => {
                d.retries += 1;
                self.count(|c| c.retries += 1);
                ctx.schedule(wait, TopicTimer::Deliver(key).into());
            }
            None => {
                // SNS does not persist: the message is gone.
                let req = d.req;
                self.deliveries.remove(key);
                self.count(|c| c.undeliverable += 1);
                ctx.world.requests.work_lost(req);
            }
        }
    }

    fn on_timer(&mut self, timer: TopicTimer, ctx: &mut Ctx<'_>) {
        match timer {
            TopicTimer::Published(key) => self.on_published(key, ctx),
            TopicTimer::Deliver(key) => self.deliver(key, ctx),
        }
    }

    fn on_notify(&mut self, _ctx: &mut Ctx<'_>) {
        if self.faults.is_down() {
            return;
        }
        self.count(|c| c.published += 1);
        self.deliver_to_endpoints(None);
    }

    fn on_fault(&mut self, index: u32, start: bool, _ctx: &mut Ctx<'_>) {
        self.faults.apply(index, start);
    }

    fn start_window(&mut self, now: SimTime) {
        self.window_start = now;
        self.window = Counters::default();
        self.calls.start_window();
    }

    fn sample(&mut self, _now: SimTime, out: &mut IntervalSink<'_>) {
        self.calls.sample(out);
        let c = std::mem::take(&mut self.interval);
        out.put(Metric::Published, c.published as f64);
        out.put(Metric::Delivered, c.delivered as f64);
        out.put(Metric::DeliveryRetries, c.retries as f64);
        out.put(Metric::Undeliverable, c.undeliverable as f64);
        if !self.cfg.endpoints.is_empty() {
            out.put(Metric::Emails, c.emails as f64);
            out.put(Metric::SmsMessages, c.sms as f64);
        }
        out.put(Metric::InFlight, self.deliveries.len() as f64);
        out.put(Metric::CostUsd, self.cost(&self.total));
    }

    fn report(&mut self, now: SimTime) -> ComponentReport {
        let month = Projection {
            month: self.cfg.month,
            window: now.since(self.window_start),
        };
        ComponentReport {
            handled: self.calls.handled,
            errors: self.window.undeliverable,
            cost_usd: self.cost(&self.window),
            monthly_cost_usd: self.cost(&self.window) * month.windows(),
            ..ComponentReport::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delivery_policies_follow_the_documented_schedules() {
        let managed = DeliveryPolicy::AwsManaged;
        let total: u32 = (0..)
            .take_while(|&k| managed.retry_delay(k).is_some())
            .count() as u32;
        // 100,015 attempts = the first one + 100,014 retries.
        assert_eq!(total + 1, 100_015);
        assert_eq!(managed.retry_delay(1), Some(SimDuration::ZERO));
        assert_eq!(managed.retry_delay(2), Some(SimDuration::from_secs(1)));
        assert_eq!(managed.retry_delay(4), Some(SimDuration::from_secs(1)));
        assert_eq!(managed.retry_delay(13), Some(SimDuration::from_secs(20)));
        let days: f64 = (0..total)
            .map(|k| managed.retry_delay(k).unwrap().as_secs_f64())
            .sum::<f64>()
            / 86_400.0;
        assert!((days - 23.15).abs() < 0.1, "{days} days");
        let http = DeliveryPolicy::Http;
        assert_eq!(http.retry_delay(2), Some(SimDuration::from_secs(20)));
        assert_eq!(http.retry_delay(3), None);
    }
}
