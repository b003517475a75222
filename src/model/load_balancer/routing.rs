//! Routing: the target a request goes to, by the routing policy, among a
//! set of targets that may be chosen (every routable target, or those a
//! zone's node reaches). Each policy is written once, over a [`TargetSet`].

use std::cmp::Reverse;
use std::collections::hash_map::DefaultHasher;
use std::hash::BuildHasherDefault;

use priority_queue::PriorityQueue;
use rand::RngExt;

use crate::rng::StreamRng;
use crate::settings::Routing;

/// A deterministic hasher for the indexed queue: std's `RandomState` is
/// seeded per process, and nothing random may touch results.
type FixedHasher = BuildHasherDefault<DefaultHasher>;

/// The least-outstanding index: targets ordered by fewest requests in flight,
/// then by the earliest last pick (so ties rotate like round robin).
type LeastOutstanding = PriorityQueue<u32, Reverse<(u32, u64)>, FixedHasher>;

/// Targets that may be chosen, and what the policies remember of them.
#[derive(Debug)]
pub(super) struct TargetSet {
    /// The targets (indices into the balancer's), in increasing order.
    members: Vec<u32>,
    /// Their cumulative weights, for weighted routing.
    cumulative: Vec<f64>,
    /// Choices made so far: round robin's position, and least
    /// outstanding's clock of last picks.
    picks: u64,
    /// `picks` modulo the number of members (0 while there are none),
    /// stepped with each round-robin pick and computed anew only when the
    /// members change: a division on every request cost more than the
    /// rest of the choice.
    turn: usize,
    /// With least-outstanding routing, the members by requests in flight.
    least: Option<LeastOutstanding>,
}

impl TargetSet {
    /// An empty set for `routing`, whose clock starts at `picks`.
    pub(super) fn new(routing: Routing, picks: u64) -> Self {
        TargetSet {
            members: Vec::new(),
            cumulative: Vec::new(),
            picks,
            turn: 0,
            least: (routing == Routing::LeastOutstanding)
                .then(|| LeastOutstanding::with_hasher(FixedHasher::default())),
        }
    }

    /// All of `weights.len()` targets, none picked yet: the least
    /// outstanding index ranks them in order, and the clock starts after
    /// those ranks.
    pub(super) fn all(routing: Routing, weights: &[f64]) -> Self {
        let n = weights.len() as u32;
        let mut set = TargetSet::new(routing, u64::from(n));
        if let Some(least) = &mut set.least {
            for i in 0..n {
                least.push(i, Reverse((0, u64::from(i))));
            }
        }
        set.set_members(|_| true, weights, &vec![0; n as usize]);
        set
    }

    /// The members now are the targets `member` admits, of those weighing
    /// `weights`. A newcomer to the least outstanding index ranks by its
    /// requests in flight (`outstanding`); among equals it is picked last,
    /// like the least recently picked.
    pub(super) fn set_members(
        &mut self,
        member: impl Fn(u32) -> bool,
        weights: &[f64],
        outstanding: &[u32],
    ) {
        self.members.clear();
        self.cumulative.clear();
        let mut acc = 0.0;
        for i in 0..weights.len() as u32 {
            if member(i) {
                self.members.push(i);
                acc += weights[i as usize];
                self.cumulative.push(acc);
            }
        }
        self.turn = match self.members.len() as u64 {
            0 => 0,
            n => (self.picks % n) as usize,
        };
        if let Some(least) = &mut self.least {
            for i in 0..weights.len() as u32 {
                let present = least.get_priority(&i).is_some();
                if member(i) && !present {
                    least.push(i, Reverse((outstanding[i as usize], self.picks)));
                } else if !member(i) && present {
                    least.remove(&i);
                }
            }
        }
    }

    /// The members, in increasing order.
    pub(super) fn members(&self) -> &[u32] {
        &self.members
    }

    /// The member whose turn `turn` is in a rotation over the members (the
    /// set is not empty).
    pub(super) fn member_at(&self, turn: u64) -> u32 {
        self.members[(turn % self.members.len() as u64) as usize]
    }

    /// No target may be chosen.
    pub(super) fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The target the next request goes to, by `routing` (the set is not
    /// empty); random choices draw from `rng`, and `outstanding` holds
    /// every target's requests in flight.
    pub(super) fn choose(
        &mut self,
        routing: Routing,
        rng: &mut StreamRng,
        outstanding: &[u32],
    ) -> u32 {
        let members = &self.members;
        let n = members.len() as u32;
        match routing {
            Routing::RoundRobin => {
                let i = members[self.turn];
                self.picks += 1;
                self.turn += 1;
                if self.turn == members.len() {
                    self.turn = 0;
                }
                i
            }
            Routing::Random => members[rng.random_range(0..n) as usize],
            Routing::PowerOfTwo => {
                // Two different members at random; the one with fewer in
                // flight, the first on a tie.
                if n == 1 {
                    return members[0];
                }
                let a = rng.random_range(0..n);
                let mut b = rng.random_range(0..n - 1);
                if b >= a {
                    b += 1;
                }
                let (a, b) = (members[a as usize], members[b as usize]);
                if outstanding[b as usize] < outstanding[a as usize] {
                    b
                } else {
                    a
                }
            }
            Routing::Weighted => members[weighted(&self.cumulative, rng).min(n as usize - 1)],
            Routing::LeastOutstanding => {
                let least = self.least.as_mut().expect("an index for least outstanding");
                let (&i, _) = least.peek().expect("a target to choose");
                self.picks += 1;
                let picks = self.picks;
                least.change_priority_by(&i, |Reverse((o, last))| {
                    *o += 1;
                    *last = picks;
                });
                i
            }
        }
    }

    /// Target `i`, a member or not, got a request that this set did not
    /// choose.
    pub(super) fn sent_elsewhere(&mut self, i: u32) {
        if let Some(least) = &mut self.least {
            least.change_priority_by(&i, |Reverse((o, _))| *o += 1);
        }
    }

    /// Target `i`, a member or not, answered a request.
    pub(super) fn answered(&mut self, i: u32) {
        if let Some(least) = &mut self.least {
            least.change_priority_by(&i, |Reverse((o, _))| *o -= 1);
        }
    }
}

/// An index into `cumulative` (cumulative weights) at random, each with
/// the probability of its weight.
pub(super) fn weighted(cumulative: &[f64], rng: &mut StreamRng) -> usize {
    let total = *cumulative.last().unwrap_or(&1.0);
    let x = rng.random_range(0.0..total);
    cumulative.partition_point(|&c| c <= x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng() -> StreamRng {
        crate::rng::stream(1, "lb")
    }

    /// Targets 1, 3 and 4 of five, of weight 1.
    fn odd_set(routing: Routing) -> TargetSet {
        let mut set = TargetSet::new(routing, 0);
        set.set_members(|i| [1, 3, 4].contains(&i), &[1.0; 5], &[0; 5]);
        set
    }

    /// How often each of `targets` targets is chosen in `n` choices.
    fn counts(set: &mut TargetSet, routing: Routing, targets: usize, n: u32) -> Vec<u32> {
        let (mut rng, outstanding) = (rng(), vec![0; targets]);
        let mut counts = vec![0; targets];
        for _ in 0..n {
            counts[set.choose(routing, &mut rng, &outstanding) as usize] += 1;
        }
        counts
    }

    #[test]
    fn round_robin_takes_the_members_in_turn() {
        let mut set = odd_set(Routing::RoundRobin);
        let (mut rng, outstanding) = (rng(), [0; 5]);
        let picks: Vec<u32> = (0..4)
            .map(|_| set.choose(Routing::RoundRobin, &mut rng, &outstanding))
            .collect();
        assert_eq!(picks, [1, 3, 4, 1]);
    }

    #[test]
    fn random_picks_members_evenly() {
        let counts = counts(&mut odd_set(Routing::Random), Routing::Random, 5, 3000);
        assert_eq!((counts[0], counts[2]), (0, 0), "members only");
        for c in [counts[1], counts[3], counts[4]] {
            assert!((900..1100).contains(&c), "{counts:?}");
        }
    }

    #[test]
    fn weighted_picks_in_proportion_to_the_weights() {
        let mut set = TargetSet::all(Routing::Weighted, &[1.0, 3.0]);
        let counts = counts(&mut set, Routing::Weighted, 2, 4000);
        assert!((2850..3150).contains(&counts[1]), "{counts:?}");
    }

    #[test]
    fn power_of_two_takes_the_less_loaded_of_two_members() {
        // With two members both are drawn: the idle one wins every time.
        let mut set = TargetSet::new(Routing::PowerOfTwo, 0);
        set.set_members(|i| i >= 1, &[1.0; 3], &[0; 3]);
        let (mut rng, outstanding) = (rng(), [0, 5, 0]);
        for _ in 0..20 {
            assert_eq!(set.choose(Routing::PowerOfTwo, &mut rng, &outstanding), 2);
        }
        // With one member, that one.
        set.set_members(|i| i == 1, &[1.0; 3], &[0; 3]);
        assert_eq!(set.choose(Routing::PowerOfTwo, &mut rng, &outstanding), 1);
    }

    #[test]
    fn least_outstanding_takes_the_fewest_in_flight_then_the_least_recently_picked() {
        let lo = Routing::LeastOutstanding;
        let mut set = TargetSet::all(lo, &[1.0; 3]);
        let (mut rng, outstanding) = (rng(), [0; 3]);
        let mut choose = |set: &mut TargetSet| set.choose(lo, &mut rng, &outstanding);
        // All idle: in order; then one each in flight.
        assert_eq!(
            [choose(&mut set), choose(&mut set), choose(&mut set)],
            [0, 1, 2]
        );
        // Target 1 answers: it has the fewest.
        set.answered(1);
        assert_eq!(choose(&mut set), 1);
        // One each again: the least recently picked, 0.
        assert_eq!(choose(&mut set), 0);
        // Now 0 has 2 in flight, 1 and 2 one each. A request to 2 that
        // another set chose counts too, and 0 answers one: 0 and 1 have the
        // fewest, and 1 was picked longer ago.
        set.sent_elsewhere(2);
        set.answered(0);
        assert_eq!(choose(&mut set), 1);
        // Out of the set, 0 is not chosen; 1 and 2 have 2 each, 2 was
        // picked longer ago.
        set.set_members(|i| i != 0, &[1.0; 3], &[1, 2, 2]);
        assert_eq!(choose(&mut set), 2);
        // Back in the set, with nothing in flight.
        set.set_members(|_| true, &[1.0; 3], &[0, 2, 3]);
        assert_eq!(choose(&mut set), 0);
    }
}
