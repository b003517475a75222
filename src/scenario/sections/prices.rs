//! `[prices]`: the prices a scenario sets itself (a negotiated discount, a
//! price changed since the catalog was compiled, a price the region's
//! catalog lacks), keyed as `stratosim prices` lists them:
//! `"ec2.m5.large" = 0.08`, `"lambda.gb_second_x86" = 0.0000150`. A key may
//! also be written unquoted (`ec2.m5.large = 0.08`), which TOML reads as
//! nested tables; both spell the same price.

use toml::de::DeValue;

use crate::catalog::Catalog;
use crate::scenario::reader::text::{did_you_mean_value, quote};
use crate::scenario::reader::values::{NON_NEGATIVE, num_value};
use crate::scenario::reader::{Ctx, Table, Val};

/// One price the scenario sets.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PriceSet {
    /// The catalog's key of the price, e.g. `ec2.m5.large`.
    pub(crate) key: String,
    pub(crate) value: f64,
}

/// `[prices]`, checked against the keys of `catalog` (every region has the
/// same keys); empty when absent, `None` when it has problems.
pub(crate) fn read(ctx: &mut Ctx, root: &Table, catalog: &Catalog) -> Option<Vec<PriceSet>> {
    let Some(v) = root.get("prices") else {
        return Some(Vec::new());
    };
    let t = Table::of(ctx, "prices".into(), v, "a table of prices")?;
    let errors_before = ctx.errors.len();
    let mut prices = Vec::new();
    for (key, _, v) in t.entries() {
        read_entry(ctx, catalog, key.to_string(), v, &mut prices);
    }
    (ctx.errors.len() == errors_before).then_some(prices)
}

/// The price at `key` (a table of further key parts, or a number).
fn read_entry(
    ctx: &mut Ctx,
    catalog: &Catalog,
    key: String,
    v: &Val<'_>,
    prices: &mut Vec<PriceSet>,
) {
    let path = format!("prices.{}", quote(&key));
    match v.get_ref() {
        // `ec2.m5.large = …` unquoted, or `--set prices.ec2.m5.large=…`.
        DeValue::Table(sub) if catalog.price(&key).is_none() => {
            for (part, v) in sub {
                read_entry(ctx, catalog, format!("{key}.{}", part.get_ref()), v, prices);
            }
        }
        _ => match catalog.price(&key) {
            None => {
                let hint = did_you_mean_value(&key, catalog.price_keys());
                ctx.error(
                    v.span().start,
                    path,
                    format!(
                        "{} is not a price of the catalog{hint} (`stratosim prices` lists them)",
                        quote(&key)
                    ),
                );
            }
            Some(price) => {
                let expected = format!("{} ({})", NON_NEGATIVE.text, price.unit);
                let range = crate::scenario::reader::values::NumRange {
                    text: expected.into(),
                    ..NON_NEGATIVE
                };
                if let Some(value) = num_value(ctx, &path, v, range) {
                    prices.push(PriceSet { key, value });
                }
            }
        },
    }
}
