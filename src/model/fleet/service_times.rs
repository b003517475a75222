//! A fleet's service times, drawn ahead in blocks where its random stream
//! serves nothing else.
//!
//! One draw per call leaves the draw's chain of dependent arithmetic on the
//! path of every request; a block of draws in a tight loop overlaps them,
//! as the workload's arrivals are computed. Drawing ahead changes nothing
//! only while the stream gives service times and nothing else: a fleet
//! whose stream also draws a release's service times (a deployment) or the
//! backoff of a refused send draws one at a time, when needed.

use crate::dist::Dist;
use crate::rng::StreamRng;
use crate::time::SimDuration;

/// Service times drawn at a time.
const BLOCK: usize = 64;

#[derive(Debug)]
pub(super) struct ServiceTimes {
    dist: Dist,
    /// Draws ahead in blocks (the stream has no other use).
    ahead: bool,
    /// The block drawn ahead; `block[taken..]` are still to be handed out.
    block: [SimDuration; BLOCK],
    taken: usize,
}

impl ServiceTimes {
    /// Service times of `dist`, drawn ahead if `stream_is_theirs` (the
    /// stream they are drawn from serves nothing else) and they are random.
    pub(super) fn new(dist: Dist, stream_is_theirs: bool) -> Self {
        ServiceTimes {
            ahead: stream_is_theirs && !dist.is_constant(),
            dist,
            block: [SimDuration::ZERO; BLOCK],
            taken: BLOCK,
        }
    }

    /// The next service time, the same whether drawn ahead or not.
    #[inline]
    pub(super) fn next(&mut self, rng: &mut StreamRng) -> SimDuration {
        if !self.ahead {
            return self.dist.sample(rng);
        }
        if self.taken == BLOCK {
            self.dist.sample_into(rng, &mut self.block);
            self.taken = 0;
        }
        let d = self.block[self.taken];
        self.taken += 1;
        d
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn drawn_ahead_or_not_the_same_times() {
        let dist = Dist::exp(SimDuration::from_millis(70)).unwrap();
        let mut ahead = ServiceTimes::new(dist.clone(), true);
        let mut one_by_one = ServiceTimes::new(dist, false);
        let mut a = StreamRng::seed_from_u64(9);
        let mut b = StreamRng::seed_from_u64(9);
        for _ in 0..1000 {
            assert_eq!(ahead.next(&mut a), one_by_one.next(&mut b));
        }
    }
}
