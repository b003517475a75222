//! The catalogs a scenario is read and billed against, built once for the
//! same region, prices and billed keys, and shared: the points of a sweep
//! (often a hundred thousand) are each read as a scenario, and building a
//! catalog (the region's figures laid over the default's, every figure's
//! source checked) takes about a millisecond, copying one a tenth of that,
//! which made checking a large sweep take minutes.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};

use crate::catalog::{self, Catalog};

/// What a catalog is built from: the region, the scenario's `[prices]`
/// (values as bits, compared exactly) and, for the billing catalog, the
/// prices its components bill.
type Recipe = (String, Vec<(String, u64)>, Option<BTreeSet<String>>);

/// Catalogs kept: the reading and the billing catalog of a sweep's points,
/// with room to spare; a sweep of prices builds one per point, as before.
const KEPT: usize = 4;

/// The default region's catalog, as every reading starts with it.
pub(crate) fn builtin() -> Arc<Catalog> {
    for_region(catalog::DEFAULT_REGION, &[])
        .unwrap_or_else(|e| panic!("the embedded default catalog is broken: {e}"))
}

/// [`Catalog::for_region`], shared while its inputs repeat.
pub(crate) fn for_region(
    region: &str,
    overrides: &[(String, f64)],
) -> Result<Arc<Catalog>, String> {
    shared(recipe(region, overrides, None), || {
        Catalog::for_region(region, overrides)
    })
}

/// [`Catalog::for_scenario`], shared while its inputs repeat.
pub(crate) fn for_scenario(
    region: &str,
    overrides: &[(String, f64)],
    billed: &BTreeSet<String>,
) -> Result<Arc<Catalog>, String> {
    shared(recipe(region, overrides, Some(billed.clone())), || {
        Catalog::for_scenario(region, overrides, billed)
    })
}

fn recipe(region: &str, overrides: &[(String, f64)], billed: Option<BTreeSet<String>>) -> Recipe {
    let prices = overrides
        .iter()
        .map(|(k, v)| (k.clone(), v.to_bits()))
        .collect();
    (region.to_string(), prices, billed)
}

/// The catalog of `recipe`: one kept from an earlier call, or `build`'s,
/// then kept (the oldest kept goes).
fn shared(
    recipe: Recipe,
    build: impl FnOnce() -> Result<Catalog, String>,
) -> Result<Arc<Catalog>, String> {
    static KEPT_CATALOGS: Mutex<Vec<(Recipe, Arc<Catalog>)>> = Mutex::new(Vec::new());
    // A panic elsewhere while the list was held leaves it whole: every
    // entry is pushed complete.
    let lock = || KEPT_CATALOGS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, c)) = lock().iter().find(|(r, _)| *r == recipe) {
        return Ok(Arc::clone(c));
    }
    let catalog = Arc::new(build()?);
    let mut kept = lock();
    if kept.len() == KEPT {
        kept.remove(0);
    }
    kept.push((recipe, Arc::clone(&catalog)));
    Ok(catalog)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_recipe_gives_the_same_catalog_and_another_a_new_one() {
        let a = for_region("us-east-1", &[]).unwrap();
        let b = for_region("us-east-1", &[]).unwrap();
        assert!(Arc::ptr_eq(&a, &b));
        let key = a.price_keys().next().unwrap().to_string();
        let c = for_region("us-east-1", &[(key.clone(), 1.25)]).unwrap();
        assert!(!Arc::ptr_eq(&a, &c));
        assert_eq!(c.price(&key).and_then(|p| p.value), Some(1.25));
        assert!(for_region("mars-1", &[]).is_err());
    }
}
