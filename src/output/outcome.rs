//! What became of a design's requests, as the takeaways tell it: a file of
//! its own because both the takeaways, which count it, and the sentences
//! of `lang`, which say it, need it.

/// What became of a design's requests: totals over its replications.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Outcome {
    /// Requests that arrived after the warmup.
    pub requests: f64,
    /// Completed (success, all work done).
    pub served: f64,
    /// Failed.
    pub failed: f64,
    /// Lost.
    pub lost: f64,
    /// Still in progress at the end.
    pub pending: f64,
}

impl Outcome {
    /// Completed over requests (0 without requests).
    pub fn served_share(&self) -> f64 {
        if self.requests > 0.0 {
            self.served / self.requests
        } else {
            0.0
        }
    }
}
