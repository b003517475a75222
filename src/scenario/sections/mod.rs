//! The top-level tables of a scenario file, one module each; [`walk`] reads
//! them all.

mod classes;
mod deployments;
pub(crate) mod designs;
mod faults;
mod head;
mod prices;
mod slo;
pub(crate) mod sweep;
mod workload;

use std::sync::Arc;

use toml::de::DeValue;

use crate::scenario::design::{check_unreached, place};
use crate::scenario::reader::text::{did_you_mean_value, quote};
use crate::scenario::reader::{Ctx, NO_LINE, Table};
use crate::scenario::spec::{ComponentSpec, Design, Pricing, Scenario};

/// Validates the whole document; `Some` only when no problem was found.
pub(crate) fn walk(ctx: &mut Ctx, root: &DeValue<'_>) -> Option<Scenario> {
    let DeValue::Table(map) = root else {
        return None;
    };
    let root = Table {
        path: String::new(),
        at: NO_LINE,
        map,
    };
    root.check_keys(
        ctx,
        &[
            "scenario",
            "workload",
            "components",
            "designs",
            "faults",
            "deployments",
            "sweep",
            "slo",
            "prices",
        ],
    );
    let head = head::read(ctx, &root);
    if let Some(h) = &head {
        ctx.interval = h.interval;
    }
    // The components are read against the region's prices and the
    // scenario's own: whether their region can bill them is checked there.
    let region = head.as_ref().and_then(|h| h.region.clone());
    let catalog = Arc::clone(&ctx.catalog);
    let prices = prices::read(ctx, &root, &catalog);
    let overrides: Vec<(String, f64)> = prices
        .iter()
        .flatten()
        .map(|p| (p.key.clone(), p.value))
        .collect();
    if let Some(region) = &region {
        match crate::scenario::catalogs::for_region(region, &overrides) {
            Ok(c) => ctx.catalog = c,
            Err(e) => ctx.error(NO_LINE, "prices", e),
        }
    }
    let slo = slo::read(ctx, &root);
    let classes = classes::read(ctx, &root);
    let class_names: Option<Vec<&str>> = classes
        .as_ref()
        .map(|c| c.iter().map(|(n, _)| n.as_str()).collect());
    let class_names = class_names.as_deref();
    let workload = workload::read(ctx, &root, head.as_ref(), classes.clone());
    let shared = designs::shared(ctx, &root, class_names);
    let raw_designs = designs::read(ctx, &root, class_names);
    let mut designs: Vec<Option<Design>> =
        raw_designs.iter().map(|d| place(ctx, d, &shared)).collect();
    check_unreached(ctx, &raw_designs, &shared);
    let mut component_names: Vec<&str> = shared.iter().map(|c| c.name.as_str()).collect();
    for d in &raw_designs {
        component_names.extend(d.own.iter().map(|c| c.name.as_str()));
    }
    // The zones of every fleet, by name, for zone outages.
    let zoned: Vec<(&str, &[String])> = shared
        .iter()
        .chain(raw_designs.iter().flat_map(|d| d.own.iter()))
        .filter_map(|c| match &c.spec {
            Some(ComponentSpec::Ec2(e)) => Some((c.name.as_str(), e.zones.as_slice())),
            _ => None,
        })
        .collect();
    let faults = faults::read(ctx, &root, &component_names, &zoned);
    let deployments = deployments::read(ctx, &root, &component_names, &mut designs);
    let head = head?;
    let mut baseline = 0;
    if let Some(b) = &head.baseline {
        match raw_designs.iter().position(|d| d.name == b.name) {
            Some(i) => baseline = i,
            None => {
                let hint = did_you_mean_value(&b.name, raw_designs.iter().map(|d| d.name.as_str()));
                ctx.error(
                    b.at,
                    b.key.clone(),
                    format!("no design named {}{hint}", quote(&b.name)),
                );
            }
        }
    }
    if !ctx.errors.is_empty() {
        return None;
    }
    let region = region?;
    let catalog = match crate::scenario::catalogs::for_scenario(&region, &overrides, &ctx.billed) {
        Ok(c) => c,
        Err(e) => {
            ctx.error(NO_LINE, "prices", e);
            return None;
        }
    };
    Some(Scenario {
        file: ctx.file.to_path_buf(),
        name: head.name,
        description: head.description,
        lesson: head.lesson,
        requests_called: head.requests_called,
        duration: head.duration?,
        warmup: head.warmup,
        seed: head.seed,
        replications: head.replications,
        interval: head.interval,
        backlog_limit: head.backlog_limit,
        baseline,
        slo: slo?,
        workload: workload?,
        designs: designs.into_iter().collect::<Option<Vec<_>>>()?,
        faults: faults?,
        deployments: deployments?,
        sweep: Vec::new(),
        hash: String::new(),
        pricing: Pricing {
            region,
            overrides,
            catalog,
        },
    })
}
