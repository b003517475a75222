//! The measures summarised per design and sweep point (`designs.csv`,
//! `comparisons.csv`, the terminal table, the SLO): one typed list, one
//! table of names, so a misspelt measure does not compile.

use serde::Serialize;

/// A measure of a run, read from `summary.csv` or derived from its columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// Requests that arrived in the measured window.
    Requests,
    /// Requests completed.
    Completed,
    /// Requests failed.
    Failed,
    /// Requests lost.
    Lost,
    /// Requests still in progress at the end.
    Pending,
    /// Failed over requests (derived).
    ErrorRate,
    /// Mean response time [ms].
    ResponseMeanMs,
    /// Median response time [ms].
    ResponseP50Ms,
    /// 90th percentile response time [ms].
    ResponseP90Ms,
    /// 99th percentile response time of the completed requests [ms].
    ResponseP99Ms,
    /// 99.9th percentile response time [ms].
    ResponseP999Ms,
    /// Mean completion time [ms].
    CompletionMeanMs,
    /// 99th percentile completion time of the completed requests [ms].
    CompletionP99Ms,
    /// Requests that ended (completed, failed or lost) per second.
    ThroughputRps,
    /// The bill of the measured window [USD].
    CostUsd,
    /// The monthly bill per million requests of the month [USD].
    CostPerMillionUsd,
    /// The bill projected to a steady month of 730 hours [USD].
    MonthlyCostUsd,
    /// 99th percentile response time over every request, the failed, lost
    /// and pending ranked slowest (infinite once they exceed 1%) [ms].
    ResponseP99AllMs,
    /// 99th percentile completion time over every request, ranked likewise [ms].
    CompletionP99AllMs,
    /// Requests completed (success, all work done) per second.
    GoodputRps,
    /// The monthly bill per million completed requests of the month
    /// (infinite when none completed) [USD].
    CostPerMillionCompletedUsd,
    /// 1 for a run ended as unstable at this load, else 0: over
    /// replications, the fraction that were.
    Unstable,
}

impl Measure {
    /// Every measure, in column order.
    pub const ALL: [Measure; 22] = [
        Measure::Requests,
        Measure::Completed,
        Measure::Failed,
        Measure::Lost,
        Measure::Pending,
        Measure::ErrorRate,
        Measure::ResponseMeanMs,
        Measure::ResponseP50Ms,
        Measure::ResponseP90Ms,
        Measure::ResponseP99Ms,
        Measure::ResponseP999Ms,
        Measure::CompletionMeanMs,
        Measure::CompletionP99Ms,
        Measure::ThroughputRps,
        Measure::CostUsd,
        Measure::CostPerMillionUsd,
        Measure::MonthlyCostUsd,
        Measure::ResponseP99AllMs,
        Measure::CompletionP99AllMs,
        Measure::GoodputRps,
        Measure::CostPerMillionCompletedUsd,
        Measure::Unstable,
    ];

    /// The number of measures.
    pub const COUNT: usize = Measure::ALL.len();

    /// The column name (in `summary.csv` for the measures read from it; the
    /// stem of the `designs.csv` columns for all).
    pub fn name(self) -> &'static str {
        match self {
            Measure::Requests => "requests",
            Measure::Completed => "completed",
            Measure::Failed => "failed",
            Measure::Lost => "lost",
            Measure::Pending => "pending",
            Measure::ErrorRate => "error_rate",
            Measure::ResponseMeanMs => "response_mean_ms",
            Measure::ResponseP50Ms => "response_p50_ms",
            Measure::ResponseP90Ms => "response_p90_ms",
            Measure::ResponseP99Ms => "response_p99_ms",
            Measure::ResponseP999Ms => "response_p999_ms",
            Measure::CompletionMeanMs => "completion_mean_ms",
            Measure::CompletionP99Ms => "completion_p99_ms",
            Measure::ThroughputRps => "throughput_rps",
            Measure::CostUsd => "cost_usd",
            Measure::CostPerMillionUsd => "cost_per_million_usd",
            Measure::MonthlyCostUsd => "monthly_cost_usd",
            Measure::ResponseP99AllMs => "response_p99_all_ms",
            Measure::CompletionP99AllMs => "completion_p99_all_ms",
            Measure::GoodputRps => "goodput_rps",
            Measure::CostPerMillionCompletedUsd => "cost_per_million_completed_usd",
            Measure::Unstable => "unstable",
        }
    }

    /// The position in [`Measure::ALL`] (and in a row's values).
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// True for a measure computed from other columns rather than read.
    pub fn is_derived(self) -> bool {
        matches!(self, Measure::ErrorRate)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_names_agree() {
        for (i, m) in Measure::ALL.iter().enumerate() {
            assert_eq!(m.index(), i);
            assert_eq!(
                serde_json::to_value(m).unwrap(),
                serde_json::Value::from(m.name())
            );
        }
    }
}
