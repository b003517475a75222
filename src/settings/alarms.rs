//! What an alarm (`kind = "alarm"`) is set to: how a period's values make
//! its datapoint, how the datapoint meets the threshold, and how a period
//! without data counts.

/// How a period's values make its datapoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Statistic {
    /// Their mean.
    Average,
    /// Their sum.
    Sum,
    /// The least.
    Minimum,
    /// The greatest.
    Maximum,
    /// Their 99th percentile (nearest rank).
    P99,
}

impl Statistic {
    /// The datapoint of `values` (`None` when there are none).
    pub fn of(self, values: &[f64]) -> Option<f64> {
        if values.is_empty() {
            return None;
        }
        let n = values.len() as f64;
        Some(match self {
            Statistic::Average => values.iter().sum::<f64>() / n,
            Statistic::Sum => values.iter().sum(),
            Statistic::Minimum => values.iter().copied().fold(f64::INFINITY, f64::min),
            Statistic::Maximum => values.iter().copied().fold(f64::NEG_INFINITY, f64::max),
            Statistic::P99 => {
                let mut sorted = values.to_vec();
                sorted.sort_by(f64::total_cmp);
                let rank = (0.99 * n).ceil() as usize;
                sorted[rank.clamp(1, sorted.len()) - 1]
            }
        })
    }
}

/// How a datapoint is compared with the threshold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Comparison {
    /// `>`.
    Greater,
    /// `>=`.
    GreaterOrEqual,
    /// `<`.
    Less,
    /// `<=`.
    LessOrEqual,
}

impl Comparison {
    /// `value` breaches `threshold`.
    pub fn breaches(self, value: f64, threshold: f64) -> bool {
        match self {
            Comparison::Greater => value > threshold,
            Comparison::GreaterOrEqual => value >= threshold,
            Comparison::Less => value < threshold,
            Comparison::LessOrEqual => value <= threshold,
        }
    }
}

/// How an alarm counts a period without data (`treat_missing_data`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MissingData {
    /// `missing` (AWS's default): left out; with no datapoint at all in
    /// the N periods the alarm has INSUFFICIENT_DATA.
    Missing,
    /// `notBreaching`: within the threshold.
    NotBreaching,
    /// `breaching`: over the threshold.
    Breaching,
    /// `ignore`: the alarm keeps its state while the newest period has no data.
    Ignore,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statistics_of_a_period() {
        let v = [3.0, 1.0, 2.0, 10.0];
        assert_eq!(Statistic::Average.of(&v), Some(4.0));
        assert_eq!(Statistic::Sum.of(&v), Some(16.0));
        assert_eq!(Statistic::Minimum.of(&v), Some(1.0));
        assert_eq!(Statistic::Maximum.of(&v), Some(10.0));
        assert_eq!(Statistic::P99.of(&v), Some(10.0));
        let hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(Statistic::P99.of(&hundred), Some(99.0));
        assert_eq!(Statistic::Sum.of(&[]), None);
    }

    #[test]
    fn comparisons() {
        assert!(Comparison::Greater.breaches(2.0, 1.0));
        assert!(!Comparison::Greater.breaches(1.0, 1.0));
        assert!(Comparison::GreaterOrEqual.breaches(1.0, 1.0));
        assert!(Comparison::Less.breaches(0.5, 1.0));
        assert!(!Comparison::Less.breaches(1.0, 1.0));
        assert!(Comparison::LessOrEqual.breaches(1.0, 1.0));
    }
}
