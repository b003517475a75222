//! How a load balancer picks a target.

/// How a load balancer picks a target.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Routing {
    /// Each target in turn.
    RoundRobin,
    /// The target with the fewest requests in flight (ties: least recently chosen).
    LeastOutstanding,
    /// Uniformly at random.
    Random,
    /// Two distinct targets at random, the one with fewer in flight.
    PowerOfTwo,
    /// At random, in proportion to weight.
    Weighted,
}
