//! A month's bill from a window's: what every component's
//! `monthly_cost_usd` follows, and prices that fall with the month's volume.
//!
//! The window's bill (`cost_usd`) follows AWS's rules for the window as it
//! was: a started load-balancer hour is billed in full, an instance launched
//! in it pays its 60-second minimum. Scaled up to a month, those roundings
//! would make the month depend on the window's length. The projection
//! instead bills what runs all the time at its rate for the month, scales
//! usage (requests, GB-seconds, capacity units, billed instance time of a
//! group) by the windows in a month, and applies volume tiers to the
//! month's usage, where AWS applies them.

use crate::time::SimDuration;

/// The month a window's bill is projected to.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Projection {
    /// The month (730 hours).
    pub month: SimDuration,
    /// The measured window the usage was counted in.
    pub window: SimDuration,
}

impl Projection {
    /// How many windows make the month; 0 for an empty window, which
    /// measured nothing to scale.
    pub fn windows(&self) -> f64 {
        if self.window.0 == 0 {
            0.0
        } else {
            self.month.as_secs_f64() / self.window.as_secs_f64()
        }
    }

    /// Hours in the month, for what is billed by the hour all month.
    pub fn hours(&self) -> f64 {
        self.month.as_secs_f64() / 3600.0
    }

    /// Seconds in the month, for what is billed by the second all month.
    pub fn secs(&self) -> f64 {
        self.month.as_secs_f64()
    }
}

/// A price per unit that falls with the month's volume: each tier's price
/// applies to the units within it.
#[derive(Clone, Debug, PartialEq)]
pub struct Tiers {
    /// (units in the tier, price per unit); the last tier is unbounded.
    tiers: Vec<(f64, f64)>,
}

impl Tiers {
    /// One price for every unit.
    pub fn flat(price: f64) -> Self {
        Tiers {
            tiers: vec![(f64::INFINITY, price)],
        }
    }

    /// Tiers of `sizes` units each at `prices`; the price after the last
    /// size holds for every unit beyond. `prices` has one more entry than
    /// `sizes` (the caller checks: the catalog's lists).
    pub fn new(sizes: &[f64], prices: &[f64]) -> Self {
        let mut tiers: Vec<(f64, f64)> =
            sizes.iter().copied().zip(prices.iter().copied()).collect();
        if let Some(&last) = prices.get(sizes.len()) {
            tiers.push((f64::INFINITY, last));
        }
        Tiers { tiers }
    }

    /// The price of the first unit: what a window far below the first
    /// tier's end pays.
    pub fn first(&self) -> f64 {
        self.tiers.first().map_or(0.0, |t| t.1)
    }

    /// What `units` in one month cost, tier by tier.
    pub fn cost(&self, units: f64) -> f64 {
        let mut left = units.max(0.0);
        let mut cost = 0.0;
        for &(size, price) in &self.tiers {
            let here = left.min(size);
            cost += here * price;
            left -= here;
            if left <= 0.0 {
                break;
            }
        }
        cost
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tiers_price_each_unit_in_its_tier() {
        // API Gateway REST: 333 M at 3.50, 667 M at 2.80, 19 B at 2.38, then 1.51 (per million).
        let rest = Tiers::new(&[333.0, 667.0, 19_000.0], &[3.50, 2.80, 2.38, 1.51]);
        assert_eq!(rest.first(), 3.50);
        assert!((rest.cost(100.0) - 350.0).abs() < 1e-9);
        assert!((rest.cost(1000.0) - (333.0 * 3.50 + 667.0 * 2.80)).abs() < 1e-9);
        let beyond = 333.0 * 3.50 + 667.0 * 2.80 + 19_000.0 * 2.38 + 1000.0 * 1.51;
        assert!((rest.cost(21_000.0) - beyond).abs() < 1e-6);
        assert_eq!(Tiers::flat(0.4).cost(10.0), 4.0);
        assert_eq!(Tiers::flat(0.4).cost(-1.0), 0.0);
    }

    #[test]
    fn a_projection_counts_windows_in_the_month() {
        let p = Projection {
            month: SimDuration::from_secs(730 * 3600),
            window: SimDuration::from_secs(3600),
        };
        assert_eq!((p.windows(), p.hours()), (730.0, 730.0));
        let empty = Projection {
            window: SimDuration::ZERO,
            ..p
        };
        assert_eq!(empty.windows(), 0.0);
    }
}
