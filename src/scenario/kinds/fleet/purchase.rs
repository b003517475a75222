//! `purchase`: how a fleet's instances are bought (on demand, Spot, a mix)
//! and what discounts they get.

use crate::catalog::Sourced;
use crate::scenario::kinds::fleet::MAX_INSTANCES;
use crate::scenario::reader::values::NumRange;
use crate::scenario::reader::{Ctx, Table};

/// How an `ec2` fleet's instances are bought and billed.
#[derive(Clone, Debug, PartialEq)]
pub struct PurchaseSpec {
    /// `on_demand_base` (default 0): the first instances are on demand.
    pub on_demand_base: u32,
    /// `spot_percent`: the share of the instances above the base that run
    /// on Spot [%]. `purchase = "on_demand"` is 0, `"spot"` is 100,
    /// `"mixed"` defaults to 0 (the Auto Scaling default).
    pub spot_percent: u32,
    /// `interruption_frequency`: the Spot Instance Advisor band, as the
    /// share of instances interrupted per month [%] (its midpoint).
    pub interruptions_per_month_pct: f64,
    /// `spot_discount`: the Spot price off on demand [%].
    pub spot_discount_pct: f64,
    /// The scenario gave `spot_discount` (else a Fargate task has the
    /// catalog's Fargate Spot prices).
    pub spot_discount_given: bool,
    /// `savings_plan` or `reserved`: the discount on the on-demand part [%].
    pub on_demand_discount_pct: f64,
}

impl PurchaseSpec {
    /// All on demand at list price: what a fleet without `purchase` pays.
    pub fn on_demand() -> Self {
        let p = &crate::catalog::builtin().ec2_purchase;
        PurchaseSpec {
            on_demand_base: 0,
            spot_percent: 0,
            interruptions_per_month_pct: p.default_band_pct.value,
            spot_discount_pct: p.spot_discount_pct.value,
            spot_discount_given: false,
            on_demand_discount_pct: 0.0,
        }
    }

    /// Some instances may run on Spot.
    pub fn uses_spot(&self) -> bool {
        self.spot_percent > 0
    }
}

/// `purchase`, its mix and its discounts (an `ec2` fleet's keys).
pub(crate) fn read(ctx: &mut Ctx, t: &Table) -> Option<PurchaseSpec> {
    #[derive(Clone, Copy, PartialEq)]
    enum Kind {
        OnDemand,
        Spot,
        Mixed,
    }
    let p = &crate::catalog::builtin().ec2_purchase;
    let kind = t.choice(
        ctx,
        "purchase",
        &[
            ("on_demand", Kind::OnDemand),
            ("spot", Kind::Spot),
            ("mixed", Kind::Mixed),
        ],
    );
    let valid = kind.is_some() || !t.has("purchase");
    let kind = kind.unwrap_or(Kind::OnDemand);
    for key in ["on_demand_base", "spot_percent"] {
        if t.has(key) && kind != Kind::Mixed {
            t.err(
                ctx,
                key,
                format!("`{key}` sets the mix of purchase = \"mixed\"; add it or remove `{key}`"),
            );
        }
    }
    let base = t.u32(ctx, "on_demand_base", 0, MAX_INSTANCES);
    let percent = t.u32(ctx, "spot_percent", 0, 100);
    let spot_percent = match kind {
        Kind::OnDemand => 0,
        Kind::Spot => 100,
        Kind::Mixed => percent.unwrap_or(0),
    };
    for key in ["interruption_frequency", "spot_discount"] {
        if t.has(key) && kind == Kind::OnDemand {
            t.err(
                ctx,
                key,
                format!(
                    "`{key}` applies to Spot instances: it needs purchase = \"spot\" or \"mixed\""
                ),
            );
        }
    }
    let band = t.choice(
        ctx,
        "interruption_frequency",
        &[
            ("<5%", p.band_lt5_pct.value),
            ("5-10%", p.band_5_10_pct.value),
            ("10-15%", p.band_10_15_pct.value),
            ("15-20%", p.band_15_20_pct.value),
            (">20%", p.band_gt20_pct.value),
        ],
    );
    // Up to AWS's largest discounts.
    let discount = |max: &Sourced| {
        let max = max.value;
        NumRange::closed(
            0.0,
            max,
            format!("from 0 to {max} (percent; AWS: up to {max})"),
        )
    };
    let spot_discount = t.num(ctx, "spot_discount", discount(&p.spot_discount_max_pct));
    let savings_plan = t.num(ctx, "savings_plan", discount(&p.savings_plan_max_pct));
    let reserved = t.num(ctx, "reserved", discount(&p.reserved_max_pct));
    if t.has("savings_plan") && t.has("reserved") {
        t.err(
            ctx,
            "reserved",
            "`reserved` cannot be combined with `savings_plan`: give the one discount the on-demand instances get",
        );
    }
    valid.then(|| PurchaseSpec {
        on_demand_base: if kind == Kind::Mixed {
            base.unwrap_or(0)
        } else {
            0
        },
        spot_percent,
        interruptions_per_month_pct: band.unwrap_or(p.default_band_pct.value),
        spot_discount_pct: spot_discount.unwrap_or(p.spot_discount_pct.value),
        spot_discount_given: spot_discount.is_some(),
        on_demand_discount_pct: savings_plan.or(reserved).unwrap_or(0.0),
    })
}
