//! Named random streams derived from the scenario seed.
//!
//! Every consumer of randomness (the arrival process, each component) owns a
//! generator seeded from `(seed, replication, name)` through a stable hash, so:
//! - two designs that both have a component called `db` draw the same service
//!   times for it (common random numbers: differences between designs are the
//!   designs', not the dice's);
//! - adding a component does not shift the draws of the others;
//! - replication `r` gets the same streams whatever the number of replications.

use rand::SeedableRng;

/// The generator behind every stream: PCG with 128-bit state, portable and
/// fast (see `../shared/reference/crates.md`, RNG sampling).
pub type StreamRng = rand_pcg::Pcg64Mcg;

/// FNV-1a over bytes: a stable hash (Rust's `DefaultHasher` is randomised per
/// process and may change between releases, so it must not seed anything).
pub fn fnv1a(bytes: &[u8]) -> u64 {
    fnv1a_concat([bytes])
}

/// [`fnv1a`] of the concatenation of `parts`, without building it.
pub fn fnv1a_concat<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in parts.into_iter().flatten() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// SplitMix64's finaliser: spreads nearby inputs (seed 1, 2, 3…) over the
/// whole 64-bit space before they seed a generator.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The seed of replication `replication` (0-based) of a scenario with root
/// seed `seed`; written to `summary.csv` so a single run can be repeated.
pub fn replication_seed(seed: u64, replication: u32) -> u64 {
    mix64(seed ^ mix64(u64::from(replication).wrapping_add(0x5851_f42d_4c95_7f2d)))
}

/// The generator of the stream called `name` in the replication whose seed is
/// `replication_seed`.
///
/// ```
/// use rand::Rng;
/// use stratosim::rng::{replication_seed, stream};
/// let seed = replication_seed(7, 0);
/// // The same name draws the same numbers, whatever else the run contains.
/// assert_eq!(stream(seed, "db").next_u64(), stream(seed, "db").next_u64());
/// assert_ne!(stream(seed, "db").next_u64(), stream(seed, "app").next_u64());
/// ```
pub fn stream(replication_seed: u64, name: &str) -> StreamRng {
    let key = mix64(replication_seed ^ fnv1a(name.as_bytes()));
    StreamRng::seed_from_u64(key)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_depend_on_name_seed_and_replication_only() {
        let s = replication_seed(7, 0);
        assert_eq!(stream(s, "db").next_u64(), stream(s, "db").next_u64());
        assert_ne!(stream(s, "db").next_u64(), stream(s, "app").next_u64());
        assert_ne!(
            stream(replication_seed(7, 1), "db").next_u64(),
            stream(s, "db").next_u64()
        );
        assert_ne!(replication_seed(7, 0), replication_seed(8, 0));
    }

    #[test]
    fn fnv1a_is_the_published_function() {
        // Test vectors of FNV-1a 64 from the reference implementation's suite.
        assert_eq!(fnv1a(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a(b"foobar"), 0x8594_4171_f739_67e8);
        assert_eq!(fnv1a_concat([&b"foo"[..], b"", b"bar"]), fnv1a(b"foobar"));
    }
}
