//! Regions and prices: a scenario's `region` selects the catalog, its
//! `[prices]` table sets any price, and `stratosim prices` shows them.

use std::collections::BTreeSet;
use std::path::Path;

use stratosim::catalog;
use stratosim::run::simulate;
use stratosim::scenario::load_str;

use crate::common::*;

/// Every kind, and the variants that bill differently: Spot and Fargate
/// Spot, an NLB across zones, a FIFO queue, provisioned concurrency on arm64,
/// a REST API.
const VARIANTS: &str = r#"
[workload]
rate = 20

[designs.a]
entry = "gateway"
[designs.a.gateway]
kind = "api_gateway"
targets = "balancer"
[designs.a.balancer]
kind = "load_balancer"
targets = "app"
[designs.a.app]
kind = "ec2"
instance_type = "m5.large"
instances = 3
purchase = "mixed"
on_demand_base = 1
spot_percent = 50
workers = 8
service_time = "5ms"
calls = "db"
sends = ["jobs", "events"]
[designs.a.db]
kind = "database"
capacity = 8
service_time = "2ms"
[designs.a.jobs]
kind = "queue"
consumer = "worker"
[designs.a.worker]
kind = "lambda"
runtime = "python3.12"
service_time = "5ms"
[designs.a.events]
kind = "topic"
subscribers = "tasks"
[designs.a.tasks]
kind = "fargate"
vcpu = 0.25
memory_gb = 0.5
purchase = "spot"
service_time = "5ms"

[designs.b]
entry = "gateway"
[designs.b.gateway]
kind = "api_gateway"
type = "rest"
targets = "nlb"
[designs.b.nlb]
kind = "load_balancer"
type = "nlb"
targets = "fleet"
[designs.b.fleet]
kind = "ec2"
instance_type = "t4g.medium"
instances = 2
zones = 2
workers = 8
service_time = "5ms"
sends = "orders"
[designs.b.orders]
kind = "queue"
type = "fifo"
consumer = "fn"
[designs.b.fn]
kind = "lambda"
runtime = "python3.12"
architecture = "arm64"
provisioned = 2
service_time = "5ms"
"#;

fn with_head(region: &str, prices: &str) -> String {
    format!(
        "[scenario]\nname = \"r\"\nduration = \"3min\"\nregion = \"{region}\"\n{VARIANTS}\n{prices}"
    )
}

fn load(text: &str) -> Result<stratosim::scenario::Scenario, String> {
    load_str(text, Path::new("r.toml"), &[]).map_err(|e| e.to_string())
}

/// What each component of each design costs.
fn bills(s: &stratosim::scenario::Scenario) -> Vec<(String, f64)> {
    (0..s.designs.len())
        .flat_map(|d| {
            let r = simulate(s, d, 0);
            r.components
                .iter()
                .map(|c| (format!("{}.{}", s.designs[d].name, c.name), c.cost_usd))
                .collect::<Vec<_>>()
        })
        .collect()
}

#[test]
fn seoul_prices_equal_their_sourced_values() {
    let seoul = catalog::region("ap-northeast-2").unwrap();
    // catalog/aws-ap-northeast-2.toml: libcloud's scrape and a second public
    // table agree on m5.large; a Lambda price table citing AWS's page puts
    // Seoul at the base price.
    assert_eq!(seoul.instance_type("m5.large").unwrap().hourly_usd, 0.118);
    assert_eq!(seoul.lambda.gb_second_x86.value, 0.0000166667);
    assert_eq!(seoul.lambda.request_per_million.value, 0.20);
    // Seoul's ALB hour and Fargate vCPU, read from the AWS Price List.
    assert_eq!(seoul.alb.hourly.value, 0.0225);
    assert_eq!(seoul.fargate.vcpu_hour_x86.value, 0.04656);
    assert_eq!(seoul.instance_type("m6i.large").unwrap().hourly_usd, 0.118);
    // SQS standard: Seoul's Price List row as a public capability table
    // quotes it, a public cost script agreeing.
    let sqs = seoul.price("sqs.standard_per_million").unwrap();
    assert_eq!(sqs.value, Some(0.40));
    assert_eq!(sqs.tag, "3P", "{sqs:?}");
    assert_eq!(seoul.sqs.standard_per_million.value, 0.40);
    // No public Seoul figure for Fargate Spot was found: the catalog says so.
    let spot = seoul.price("fargate.spot_vcpu_hour_x86").unwrap();
    assert_eq!(spot.value, None);
    assert!(
        spot.source.contains("no public ap-northeast-2 figure"),
        "{spot:?}"
    );
    // A Seoul fleet of m5.large is billed at Seoul's price.
    let text = "[scenario]\nname = \"s\"\nduration = \"1h\"\nregion = \"ap-northeast-2\"\n\
                [workload]\narrival = \"constant\"\nrate = 1\n[designs.d]\nentry = \"app\"\n\
                [designs.d.app]\nkind = \"ec2\"\ninstance_type = \"m5.large\"\ninstances = 2\n\
                service_time = \"10ms\"\n";
    let r = simulate(&scenario(text), 0, 0);
    let app = component(&r, "app").cost_usd;
    assert!((app - 2.0 * 0.118).abs() < 1e-9, "{app}");
}

#[test]
fn a_missing_price_is_asked_for_by_name() {
    let err = load(&with_head("ap-northeast-2", "")).unwrap_err();
    // Every component whose bill a Seoul figure is missing for is named,
    // with the [prices] lines that would set it.
    for want in [
        "designs.a.tasks: the ap-northeast-2 catalog has no price for fargate.spot_vcpu_hour_x86",
        "\"fargate.spot_vcpu_hour_x86\" = …",
        "designs.a.app: the ap-northeast-2 catalog has no price for ec2_purchase.spot_discount_pct",
    ] {
        assert!(err.contains(want), "{want} not in:\n{err}");
    }
    // What Seoul's catalog has a source for needs nothing more: an
    // on-demand x86 function, queues, a topic, both API types, load
    // balancers (the NLB's inter-AZ transfer too), an on-demand fleet of a
    // sourced type, provisioned concurrency on arm64.
    for fine in [
        "designs.a.worker",
        "designs.a.jobs",
        "designs.b.orders",
        "designs.a.events",
        "designs.a.gateway",
        "designs.b.gateway",
        "designs.a.balancer",
        "designs.b.nlb",
        "designs.b.fleet",
        "designs.b.fn",
    ] {
        assert!(!err.contains(fine), "{fine} in:\n{err}");
    }
    // The Fargate Spot service is asked for Spot prices only.
    assert!(!err.contains("fargate.vcpu_hour_x86"), "{err}");
}

#[test]
fn seoul_with_us_prices_set_bills_as_us_east_1() {
    // Every price the components bill set to us-east-1's: the bills must be
    // us-east-1's to the bit. A price a bill uses but `billed_prices` does
    // not declare would be 0 in Seoul, and show here.
    let us = load(&with_head("us-east-1", "")).unwrap();
    let billed: BTreeSet<String> = us
        .designs
        .iter()
        .flat_map(|d| d.components.iter().flat_map(|c| c.spec.billed_prices()))
        .collect();
    let lines: String = billed
        .iter()
        .map(|k| {
            let v = catalog::builtin().price(k).unwrap().value.unwrap();
            format!("\"{k}\" = {v:e}\n")
        })
        .collect();
    let seoul = load(&with_head("ap-northeast-2", &format!("[prices]\n{lines}")))
        .unwrap_or_else(|e| panic!("{e}"));
    let (a, b) = (bills(&us), bills(&seoul));
    assert_eq!(a, b);
    assert!(a.iter().all(|(_, c)| c.is_finite()), "{a:?}");
    assert!(a.iter().filter(|(_, c)| *c > 0.0).count() >= 10, "{a:?}");
}

#[test]
fn an_override_changes_exactly_its_bills_and_is_recorded() {
    let base = with_head("us-east-1", "");
    let cheaper = with_head("us-east-1", "[prices]\n\"ec2.m5.large\" = 0.048\n");
    let (a, b) = (
        bills(&load(&base).unwrap()),
        bills(&load(&cheaper).unwrap()),
    );
    for ((name, x), (_, y)) in a.iter().zip(&b) {
        if name == "a.app" {
            // Half the on-demand price: half the bill (Spot is a discount
            // off it).
            assert!((y - x / 2.0).abs() < 1e-12, "{name}: {x} → {y}");
        } else {
            assert_eq!(x, y, "{name} changed");
        }
    }
    // Unquoted keys are the same price.
    let nested = with_head("us-east-1", "[prices]\nec2.m5.large = 0.048\n");
    assert_eq!(bills(&load(&nested).unwrap()), b);

    // The manifest records it, with the catalog's own figure.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.toml");
    let text = "[scenario]\nname = \"r\"\nduration = \"1min\"\n[workload]\nrate = 5\n\
                [designs.d]\nentry = \"app\"\n[designs.d.app]\nkind = \"ec2\"\n\
                instance_type = \"m5.large\"\nservice_time = \"10ms\"\n\
                [prices]\n\"ec2.m5.large\" = 0.08\n";
    std::fs::write(&path, text).unwrap();
    let out = tmp.path().join("out");
    let o = stratosim(&[
        "run",
        path.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
        "--no-charts",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let manifest = std::fs::read_to_string(out.join("manifest.json")).unwrap();
    let m: serde_json::Value = serde_json::from_str(&manifest).unwrap();
    assert_eq!(m["catalog_region"], "us-east-1");
    let o = &m["prices_overridden"][0];
    assert_eq!(o["key"], "ec2.m5.large");
    assert_eq!(o["value"], 0.08);
    assert_eq!(o["catalog_value"], 0.096);
    assert_eq!(o["unit"], "USD per instance-hour (Linux, on demand)");
}

#[test]
fn bad_regions_and_prices_exit_2_with_a_suggestion() {
    let err = load(&with_head("ap-northeast-3", "")).unwrap_err();
    assert!(
        err.contains("scenario.region: the catalog holds no region \"ap-northeast-3\"; did you mean \"ap-northeast-2\"?"),
        "{err}"
    );
    let err = load(&with_head("us-east-1", "[prices]\n\"ec2.m5.lrge\" = 0.1\n")).unwrap_err();
    assert!(
        err.contains(
            "\"ec2.m5.lrge\" is not a price of the catalog; did you mean \"ec2.m5.large\"?"
        ),
        "{err}"
    );
    let err = load(&with_head("us-east-1", "[prices]\n\"alb.hourly\" = -1\n")).unwrap_err();
    assert!(
        err.contains("prices.\"alb.hourly\": expected a number ≥ 0 (USD per ALB-hour)"),
        "{err}"
    );
    // The CLI: exit 2, nothing written.
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("r.toml");
    std::fs::write(&path, with_head("us-west-2", "")).unwrap();
    let o = stratosim(&["check", path.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert!(
        stderr.contains("regions: us-east-1, ap-northeast-2"),
        "{stderr}"
    );
}

#[test]
fn prices_command_prints_the_catalog() {
    let o = stratosim(&[
        "prices",
        "--region",
        "ap-northeast-2",
        "m5.large",
        "m6i.large",
    ]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = String::from_utf8(o.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("Prices of the ap-northeast-2 catalog (USD, compiled 2026-12-01)")
    );
    let head: Vec<&str> = lines[2].split_whitespace().collect();
    assert_eq!(
        head,
        ["item", "price", "unit", "date", "confidence", "source"]
    );
    assert!(lines[3].starts_with("ec2.m5.large "), "{text}");
    assert!(
        lines[3].contains(" 0.118 ") && lines[3].contains(" 3P "),
        "{text}"
    );
    assert!(lines[4].starts_with("ec2.m6i.large ") && lines[4].contains(" 0.118 "));
    assert_eq!(lines.len(), 5);
    let o = stratosim(&["prices", "--region", "ap-northeast-2", "c5.large"]);
    let text = String::from_utf8(o.stdout).unwrap();
    let row = text.lines().nth(3).unwrap();
    assert!(
        row.starts_with("ec2.c5.large ") && row.contains(" missing "),
        "{text}"
    );
    assert!(
        row.contains("missing: the two public tables disagree"),
        "{text}"
    );
    // Every price of the default region, one a line.
    let o = stratosim(&["prices"]);
    let text = String::from_utf8(o.stdout).unwrap();
    assert_eq!(text.lines().count(), 3 + catalog::builtin().prices.len());
    assert!(text.contains("\nlambda.gb_second_x86 "), "{text}");
    // Unknown region or type: exit 2 with the nearest suggested.
    let o = stratosim(&["prices", "--region", "ap-northeast-3"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean \"ap-northeast-2\"?"));
    let o = stratosim(&["prices", "m5.lrge"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("did you mean \"m5.large\"?"));
}

#[test]
fn a_seoul_month_is_billed_flat_without_seoul_tiers() {
    // A REST API at a steady 200 requests per second: 525.6 M calls a
    // month, past the first tier of 333 M. us-east-1 tiers it:
    //   333 M × $3.50/M + 192.6 M × $2.80/M = $1,704.78
    // Seoul's first tier is the same $3.50, but its later tiers are not
    // us-east-1's and the catalog has no source for them: the month is
    // billed flat, 525.6 M × $3.50/M = $1,839.60, never at us-east-1's
    // discounts.
    let text = |region: &str| {
        format!(
            "[scenario]\nname = \"m\"\nduration = \"2m\"\nseed = 1\nregion = \"{region}\"\n\
             [workload]\narrival = \"constant\"\nrate = 200\n[designs.d]\nentry = \"api\"\n\
             [designs.d.api]\nkind = \"api_gateway\"\ntype = \"rest\"\ntargets = \"app\"\n\
             [designs.d.app]\nkind = \"ec2\"\ninstance_type = \"m5.large\"\ninstances = 2\n\
             workers = 16\nservice_time = \"5ms\"\n"
        )
    };
    for (region, want) in [("us-east-1", 1704.78), ("ap-northeast-2", 1839.60)] {
        let r = simulate(&scenario(&text(region)), 0, 0);
        let got = component(&r, "api").monthly_cost_usd;
        assert!(
            (got - want).abs() < want * 0.01,
            "{region}: {got} vs {want}"
        );
    }
}
