//! A token bucket: the rate limiter behind API Gateway's throttle, SQS FIFO
//! throughput limits and Lambda's scaling rate.

use crate::time::SimTime;

/// Tokens refill continuously at `rate` per second up to `capacity`; each
/// admitted action takes one. The bucket starts full.
#[derive(Clone, Copy, Debug)]
pub struct TokenBucket {
    rate: f64,
    capacity: f64,
    tokens: f64,
    last: SimTime,
}

impl TokenBucket {
    /// A full bucket refilling at `rate` per second, holding at most `capacity`.
    pub fn new(rate: f64, capacity: f64) -> Self {
        TokenBucket {
            rate,
            capacity,
            tokens: capacity,
            last: SimTime::ZERO,
        }
    }

    /// Takes a token at `now` if there is one.
    #[inline]
    pub fn try_take(&mut self, now: SimTime) -> bool {
        let refill = now.since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.capacity);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_the_burst_then_the_rate() {
        let mut b = TokenBucket::new(10.0, 5.0);
        let admitted = (0..20).filter(|_| b.try_take(SimTime::ZERO)).count();
        assert_eq!(admitted, 5);
        // One second later: 10 more tokens, but the bucket holds 5.
        let t = SimTime::from_secs_f64(1.0);
        assert_eq!((0..20).filter(|_| b.try_take(t)).count(), 5);
        // 0.1 s later: one token.
        let t = SimTime::from_secs_f64(1.1);
        assert_eq!((0..20).filter(|_| b.try_take(t)).count(), 1);
    }
}
