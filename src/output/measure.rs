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
    /// 99th percentile response time [ms].
    ResponseP99Ms,
    /// 99.9th percentile response time [ms].
    ResponseP999Ms,
    /// Mean completion time [ms].
    CompletionMeanMs,
    /// 99th percentile completion time [ms].
    CompletionP99Ms,
    /// Completions per second.
    ThroughputRps,
    /// The bill of the measured window [USD].
    CostUsd,
    /// The bill per million requests [USD].
    CostPerMillionUsd,
    /// The bill projected to a month (derived) [USD].
    MonthlyCostUsd,
    /// 1 for a run ended as unstable at this load, else 0: over
    /// replications, the fraction that were.
    Unstable,
}

impl Measure {
    /// Every measure, in column order.
    pub const ALL: [Measure; 18] = [
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
        matches!(self, Measure::ErrorRate | Measure::MonthlyCostUsd)
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
