//! The account's Lambda concurrency that no function reserved: one pool
//! the design's functions without a reservation share.

/// The account's unreserved concurrency, shared by a design's functions.
#[derive(Clone, Copy, Debug, Default)]
pub struct ConcurrencyPool {
    /// Environments the unreserved functions may have at once.
    pub limit: u32,
    /// Environments they have now.
    pub in_use: u32,
}
