//! Data transfer out to the internet: a design with a `response_size` pays
//! for the bytes of its successful responses, billed on its entry (the
//! component that sends them to the client).

use crate::catalog::Catalog;
use crate::model::monthly::{Projection, Tiers};
use crate::scenario::Design;
use crate::stats::ComponentReport;
use crate::time::SimDuration;

use super::site::tiers;

/// Adds the transfer of `responses` successful responses in `window` to
/// the bill of the entry's report (`reports` in design order).
pub(super) fn bill(
    catalog: &Catalog,
    design: &Design,
    responses: u64,
    window: SimDuration,
    reports: &mut [ComponentReport],
) {
    let Some(bytes) = design.response_size else {
        return;
    };
    let dt = &catalog.data_transfer;
    let list = dt
        .internet_out_tiers_gb
        .tiers(&dt.internet_out_tier_prices_per_gb);
    // The list has no flat price of its own: its first tier is the flat one.
    let first = list.prices[0];
    let per_gb: Tiers = tiers(list, first, 1.0);
    let gb = responses as f64 * f64::from(bytes) / catalog.units.bytes_per_gb.value;
    let month = Projection {
        month: catalog.month.duration(),
        window,
    };
    let entry = &mut reports[design.entry.0];
    // The window is far below the first tier's 10 TB; the month is priced
    // tier by tier.
    entry.cost_usd += gb * per_gb.first();
    entry.monthly_cost_usd += per_gb.cost(gb * month.windows());
}
