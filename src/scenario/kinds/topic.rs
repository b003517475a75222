//! `kind = "topic"`: an SNS topic and its subscriptions with their filters.

use toml::de::DeValue;

use crate::dist::Dist;
use crate::scenario::kinds::{ComponentId, ComponentSpec};
use crate::scenario::kinds::{Kind, Reading, Role};
use crate::scenario::reader::text::{Quoted, did_you_mean_value, one_of, quote};
use crate::scenario::reader::{Ctx, NameRef, Table, Val};
use crate::settings::Protocol;

/// One subscription of a topic.
#[derive(Clone, Debug)]
pub struct Subscription {
    /// The subscriber.
    pub target: ComponentId,
    /// The request classes delivered (`None`: all).
    pub filter: Option<Vec<usize>>,
}

/// A subscription of an email or SMS endpoint: `{ protocol = "email" }`.
#[derive(Clone, Debug)]
pub struct EndpointSpec {
    /// `protocol`.
    pub protocol: Protocol,
    /// The request classes delivered (`None`: all, and alarm notifications).
    pub filter: Option<Vec<usize>>,
}

/// `kind = "topic"`: an SNS topic.
#[derive(Clone, Debug)]
pub struct TopicSpec {
    /// `subscribers` that are components, in order.
    pub subscriptions: Vec<Subscription>,
    /// `subscribers` that are email or SMS endpoints, in order.
    pub endpoints: Vec<EndpointSpec>,
    /// `latency`: time to accept a publish, and to deliver to a subscriber.
    pub latency: Dist,
}

pub(crate) const KIND: Kind = Kind {
    name: "topic",
    named_by: &[Role::Send, Role::Watched, Role::AlarmAction],
    read,
    writes: &[
        "published",
        "delivered",
        "delivery_retries",
        "undeliverable",
    ],
};

fn read(ctx: &mut Ctx, t: &Table, reading: &mut Reading) -> Option<ComponentSpec> {
    t.check_keys(ctx, &["kind", "subscribers", "latency"]);
    let latency = t.dist(ctx, "latency").unwrap_or_else(|| {
        Dist::constant(crate::catalog::builtin().sns.delivery_latency_ms.millis())
    });
    let expected = "an array of component names or of tables { target = \"name\", filter = [\"class\", …] } or { protocol = \"email\" }";
    if !t.require(ctx, "subscribers", expected) {
        return None;
    }
    let v = t.get("subscribers")?;
    let key = t.key("subscribers");
    let topic = |subscriptions, endpoints| {
        ComponentSpec::Topic(TopicSpec {
            subscriptions,
            endpoints,
            latency,
        })
    };
    let items = match v.get_ref() {
        DeValue::Array(items) if items.is_empty() => {
            t.err(
                ctx,
                "subscribers",
                "expected at least one subscriber, found an empty array",
            );
            return None;
        }
        DeValue::Array(items) => items,
        DeValue::String(_) => {
            let targets = reading.refer(ctx, t, "subscribers", Role::Subscriber);
            let all = |target| Subscription {
                target,
                filter: None,
            };
            return Some(topic(targets.into_iter().map(all).collect(), Vec::new()));
        }
        _ => {
            ctx.unexpected(key, v, expected);
            return None;
        }
    };
    let mut subscriptions = Vec::new();
    let mut endpoints = Vec::new();
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        match item.get_ref() {
            DeValue::String(s) => {
                let to = NameRef {
                    name: s.to_string(),
                    at: item.span().start,
                    key: key.clone(),
                };
                subscriptions.push(Subscription {
                    target: reading.push(to, Role::Subscriber),
                    filter: None,
                });
            }
            DeValue::Table(_) => {
                let Some(s) = Table::of(ctx, format!("{key}[{i}]"), item, "a table") else {
                    ok = false;
                    continue;
                };
                let filter = match s.get("filter") {
                    None => Some(None),
                    Some(f) => class_filter(ctx, &s.key("filter"), f, reading.classes).map(Some),
                };
                if s.has("protocol") && !s.has("target") {
                    s.check_keys(ctx, &["protocol", "filter"]);
                    let protocols = [("email", Protocol::Email), ("sms", Protocol::Sms)];
                    match (s.choice(ctx, "protocol", &protocols), filter) {
                        (Some(protocol), Some(filter)) => {
                            endpoints.push(EndpointSpec { protocol, filter })
                        }
                        _ => ok = false,
                    }
                    continue;
                }
                s.check_keys(ctx, &["target", "filter"]);
                let target = s.req_str(ctx, "target", "a component name").map(|name| {
                    let to = NameRef {
                        name: name.to_string(),
                        at: s.at("target"),
                        key: s.key("target"),
                    };
                    reading.push(to, Role::Subscriber)
                });
                match (target, filter) {
                    (Some(target), Some(filter)) => {
                        subscriptions.push(Subscription { target, filter })
                    }
                    _ => ok = false,
                }
            }
            _ => {
                ctx.unexpected_item(key.clone(), item, expected);
                ok = false;
            }
        }
    }
    ok.then(|| topic(subscriptions, endpoints))
}

/// A subscription's `filter`: request classes of `[workload] classes`, as
/// indices in file order; `None` once a problem is reported. Without
/// `classes` (they are invalid) the names cannot be checked.
fn class_filter(
    ctx: &mut Ctx,
    key: &str,
    v: &Val<'_>,
    classes: Option<&[&str]>,
) -> Option<Vec<usize>> {
    let expected =
        "a non-empty array of request classes from [workload] classes, such as [\"order\"]";
    let items = match v.get_ref() {
        DeValue::Array(items) if items.is_empty() => {
            ctx.error(
                v.span().start,
                key,
                format!(
                    "expected {expected}, found an empty array (leave `filter` out to deliver every class)"
                ),
            );
            return None;
        }
        DeValue::Array(items) => items,
        _ => {
            ctx.unexpected(key, v, expected);
            return None;
        }
    };
    let mut indices = Vec::with_capacity(items.len());
    let mut ok = true;
    for item in items.iter() {
        let at = item.span().start;
        let DeValue::String(name) = item.get_ref() else {
            ctx.unexpected_item(key, item, expected);
            ok = false;
            continue;
        };
        let Some(classes) = classes else {
            ok = false;
            continue;
        };
        match classes.iter().position(|c| *c == name.as_ref()) {
            Some(i) if indices.contains(&i) => {
                ctx.error(at, key, format!("class {} is listed twice", quote(name)));
                ok = false;
            }
            Some(i) => indices.push(i),
            None => {
                let hint = did_you_mean_value(name, classes.iter().copied());
                let declared: Vec<&str> = classes.to_vec();
                ctx.error(
                    at,
                    key,
                    format!(
                        "expected a request class declared in [workload] classes ({}), found {}{hint}",
                        one_of(&declared, Quoted::Value),
                        quote(name)
                    ),
                );
                ok = false;
            }
        }
    }
    ok.then_some(indices)
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn topic_subscribers() {
        let text = format!(
            "{}{}",
            edit(
                "rate = 10",
                "rate = 10\nclasses = { order = 3, refund = 1 }"
            ),
            "\n[designs.d.t]\nkind = \"topic\"\nsubscribers = [\n  \"q\",\n  { target = \"app\", filter = [\"refund\"] },\n  { target = \"q2\", filter = [\"refund\", \"order\"] },\n  { target = \"q\" },\n]\n\
             \n[designs.d.q]\nkind = \"queue\"\n\n[designs.d.q2]\nkind = \"queue\"\n"
        );
        let s = load_text(&text).unwrap();
        let t = topic(&s, "t");
        let subs: Vec<(ComponentId, Option<Vec<usize>>)> = t
            .subscriptions
            .iter()
            .map(|s| (s.target, s.filter.clone()))
            .collect();
        assert_eq!(
            subs,
            [
                (ComponentId(2), None),
                (ComponentId(0), Some(vec![1])),
                (ComponentId(3), Some(vec![1, 0])),
                (ComponentId(2), None),
            ]
        );
        assert_dist(&t.latency, &Dist::constant(SimDuration::from_millis(20)));
        let tt = "\n[designs.d.t]\nkind = \"topic\"\n";
        let text = format!("{MINI}{tt}subscribers = \"app\"\nlatency = \"3ms\"\n");
        let t = topic(&load_text(&text).unwrap(), "t");
        assert_eq!(t.subscriptions.len(), 1);
        assert_eq!(t.subscriptions[0].target, ComponentId(0));
        assert_dist(&t.latency, &Dist::constant(SimDuration::from_millis(3)));
        let text = format!("{MINI}{tt}");
        expect_one(
            &text,
            "designs.d.t.subscribers",
            "[designs.d.t]",
            &["missing `subscribers`"],
        );
        let text = format!("{MINI}{tt}subscribers = []\n");
        expect_one(
            &text,
            "designs.d.t.subscribers",
            "subscribers",
            &["at least one subscriber"],
        );
        let text = format!("{MINI}{tt}subscribers = [\"t\"]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers",
            "subscribers",
            &["`t` is a topic"],
        );
        let text = format!("{MINI}{tt}subscribers = [{{ filter = [\"default\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].target",
            "subscribers",
            &["missing `target`"],
        );
    }

    #[test]
    fn topic_filters() {
        let tt = "\n[designs.d.t]\nkind = \"topic\"\nsubscribers = [{ target = \"app\", filter = ";
        let classes = edit(
            "rate = 10",
            "rate = 10\nclasses = { order = 3, refund = 1 }",
        );
        let text = format!("{classes}{tt}[\"refnd\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &[
                "expected a request class declared in [workload] classes (\"order\" or \"refund\")",
                "found \"refnd\"",
                "did you mean \"refund\"?",
            ],
        );
        // Without `classes`, the only class is `default`.
        let text = format!("{MINI}{tt}[\"order\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["(\"default\")", "found \"order\""],
        );
        let text = format!("{MINI}{tt}[\"default\"] }}]\n");
        let t = topic(&load_text(&text).unwrap(), "t");
        assert_eq!(t.subscriptions[0].filter, Some(vec![0]));
        let text = format!("{classes}{tt}[] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["found an empty array"],
        );
        let text = format!("{classes}{tt}\"order\" }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["non-empty array", "found a string"],
        );
        let text = format!("{classes}{tt}[\"order\", \"order\"] }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].filter",
            "subscribers",
            &["listed twice"],
        );
        let text = format!("{classes}{tt}[\"order\"], fitler = 1 }}]\n");
        expect_one(
            &text,
            "designs.d.t.subscribers[0].fitler",
            "subscribers",
            &["did you mean `filter`?"],
        );
        // Invalid classes are reported once, not again at every filter.
        let text = format!(
            "{}{tt}[\"order\"] }}]\n",
            edit("rate = 10", "rate = 10\nclasses = { order = 0 }")
        );
        expect_one(&text, "workload.classes.order", "classes", &["> 0"]);
    }
}
