//! What goes wrong on a component during a fault.

/// Kinds of fault.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FaultKind {
    /// Every call fails fast (connection refused).
    Outage,
    /// Service times are multiplied by `factor` (> 0).
    Slowdown {
        /// Multiplier on service times.
        factor: f64,
    },
    /// `zone_outage`: availability zone number `zone` of the fleet is lost:
    /// its instances fail and nothing launches there until it ends.
    ZoneOutage {
        /// Index into the fleet's `zones`.
        zone: u32,
    },
}
