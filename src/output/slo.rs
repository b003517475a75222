//! The service-level objective as `manifest.json` records it, and its
//! verdict on a design's means.

use serde::Serialize;

use super::measure::Measure;

/// How a design row fares against the SLO.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Verdict {
    /// Every target met (by the mean over replications).
    pub pass: bool,
    /// The smallest relative headroom over the targets: (limit − value) /
    /// limit, negative when missed (an absolute headroom for a zero limit).
    pub margin: f64,
    /// The target with the smallest headroom.
    pub binding: String,
}

/// The SLO as `manifest.json` records it: each target optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SloTargets {
    /// Most response p99 over every request (the failed, lost and pending
    /// ranked slowest) [ms].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_p99_ms: Option<f64>,
    /// Most completion p99 over every request [ms].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub completion_p99_ms: Option<f64>,
    /// Most failed requests over requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_rate: Option<f64>,
    /// Most lost requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost: Option<f64>,
    /// Most monthly bill [USD].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub monthly_budget_usd: Option<f64>,
}

/// The failure share a design may have without an SLO that says
/// otherwise: more than 1% failed or lost and it is no answer, however
/// cheap or fast.
pub const DEFAULT_FAILURE_BUDGET: f64 = 0.01;

/// The share of requests that failed or were lost (NaN without requests).
pub fn failure_share(requests: f64, failed: f64, lost: f64) -> f64 {
    if requests > 0.0 {
        (failed + lost) / requests
    } else {
        f64::NAN
    }
}

impl SloTargets {
    /// The failure share a design may have: the SLO's `error_rate`, or
    /// [`DEFAULT_FAILURE_BUDGET`] when it sets none.
    pub fn failure_budget(&self) -> f64 {
        self.error_rate.unwrap_or(DEFAULT_FAILURE_BUDGET)
    }

    /// True when a design's means of requests, failed and lost keep within
    /// the failure budget: its failed and lost requests over requests at
    /// most [`SloTargets::failure_budget`], and its lost at most the SLO's
    /// `lost`. A design with no request is not within any budget.
    pub fn within_failure_budget(&self, requests: f64, failed: f64, lost: f64) -> bool {
        let share = failure_share(requests, failed, lost);
        share <= self.failure_budget() && self.lost.is_none_or(|most| lost <= most)
    }

    /// [`SloTargets::within_failure_budget`] on a row's means (indexed as
    /// [`Measure::ALL`]).
    pub fn means_within_failure_budget(&self, means: &[f64]) -> bool {
        self.within_failure_budget(
            means[Measure::Requests.index()],
            means[Measure::Failed.index()],
            means[Measure::Lost.index()],
        )
    }

    /// True when at least one target is set.
    pub fn is_set(&self) -> bool {
        *self != SloTargets::default()
    }

    /// True when no target is set.
    pub fn is_unset(&self) -> bool {
        !self.is_set()
    }

    /// Each target with the metric it limits.
    fn targets(&self) -> [(Measure, Option<f64>); 5] {
        [
            // The all-requests figures: a design cannot meet a latency
            // target by failing its slow requests.
            (Measure::ResponseP99AllMs, self.response_p99_ms),
            (Measure::CompletionP99AllMs, self.completion_p99_ms),
            (Measure::ErrorRate, self.error_rate),
            (Measure::Lost, self.lost),
            (Measure::MonthlyCostUsd, self.monthly_budget_usd),
        ]
    }

    /// The verdict on a row's means (indexed as [`Measure::ALL`]). A latency
    /// target is missed when no request completed (NaN) or more than 1%
    /// did not (infinite); every target is missed when no request was
    /// measured at all (binding `requests`, margin −100%), or when a run
    /// ended unstable at this load (binding `unstable`, margin −100%).
    pub fn judge(&self, means: &[f64]) -> Verdict {
        // A run that ended unstable measured a backlog growing without
        // bound: its figures are no steady state that could meet a target.
        if means[Measure::Unstable.index()] > 0.0 {
            return Verdict {
                pass: false,
                margin: -1.0,
                binding: Measure::Unstable.name().to_string(),
            };
        }
        // Nothing measured meets nothing: with no request, latencies and
        // error rates are empty and the bill tiny, and a pass would be a lie.
        let requests = means[Measure::Requests.index()];
        if requests.is_nan() || requests == 0.0 {
            return Verdict {
                pass: false,
                margin: -1.0,
                binding: Measure::Requests.name().to_string(),
            };
        }
        let mut verdict = Verdict {
            pass: true,
            margin: f64::INFINITY,
            binding: String::new(),
        };
        for (name, limit) in self.targets() {
            let Some(limit) = limit else {
                continue;
            };
            let value = means[name.index()];
            let margin = if value.is_nan() {
                f64::NEG_INFINITY
            } else if limit > 0.0 {
                (limit - value) / limit
            } else {
                limit - value
            };
            if margin < 0.0 {
                verdict.pass = false;
            }
            if margin < verdict.margin || verdict.binding.is_empty() {
                verdict.margin = margin;
                verdict.binding = name.name().to_string();
            }
        }
        verdict
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn means(pairs: &[(Measure, f64)]) -> Vec<f64> {
        let mut m = vec![0.0; Measure::COUNT];
        m[Measure::Requests.index()] = 100.0;
        for (k, v) in pairs {
            m[k.index()] = *v;
        }
        m
    }

    #[test]
    fn the_verdict_names_the_tightest_target() {
        let slo = SloTargets {
            response_p99_ms: Some(200.0),
            monthly_budget_usd: Some(1000.0),
            ..SloTargets::default()
        };
        let v = slo.judge(&means(&[
            (Measure::ResponseP99AllMs, 150.0),
            (Measure::MonthlyCostUsd, 900.0),
        ]));
        assert!(v.pass);
        assert_eq!(v.binding, "monthly_cost_usd");
        assert!((v.margin - 0.1).abs() < 1e-12);
        let v = slo.judge(&means(&[
            (Measure::ResponseP99AllMs, 250.0),
            (Measure::MonthlyCostUsd, 10.0),
        ]));
        assert!(!v.pass);
        assert_eq!(v.binding, "response_p99_all_ms");
        assert!((v.margin + 0.25).abs() < 1e-12);
        // A design whose failures exceed 1% misses, whatever its served p99.
        let v = slo.judge(&means(&[
            (Measure::ResponseP99Ms, 100.0),
            (Measure::ResponseP99AllMs, f64::INFINITY),
        ]));
        assert!(!v.pass);
        assert_eq!(v.margin, f64::NEG_INFINITY);
        let zero = SloTargets {
            lost: Some(0.0),
            ..SloTargets::default()
        };
        assert!(zero.judge(&means(&[])).pass);
        assert!(!zero.judge(&means(&[(Measure::Lost, 0.5)])).pass);
    }

    /// An SLO judged on no request at all does not pass (issue 11).
    #[test]
    fn no_request_meets_no_slo() {
        let slo = SloTargets {
            response_p99_ms: Some(200.0),
            ..SloTargets::default()
        };
        let v = slo.judge(&means(&[(Measure::Requests, 0.0)]));
        assert!(!v.pass);
        assert_eq!(v.binding, "requests");
        assert!(!slo.judge(&means(&[(Measure::Requests, f64::NAN)])).pass);
    }

    /// The failure budget is the SLO's error rate, or 1% without one; lost
    /// requests count against it as failed ones do.
    #[test]
    fn the_failure_budget_counts_failed_and_lost() {
        let none = SloTargets::default();
        assert!(none.within_failure_budget(1000.0, 5.0, 5.0));
        assert!(!none.within_failure_budget(1000.0, 5.0, 6.0));
        assert!(!none.within_failure_budget(0.0, 0.0, 0.0));
        let strict = SloTargets {
            error_rate: Some(0.001),
            lost: Some(0.0),
            ..SloTargets::default()
        };
        assert!(strict.within_failure_budget(1000.0, 1.0, 0.0));
        assert!(!strict.within_failure_budget(1000.0, 2.0, 0.0));
        assert!(!strict.within_failure_budget(1000.0, 0.0, 1.0));
        assert!((failure_share(179_500.0, 29_862.0, 0.0) - 0.166_362).abs() < 1e-6);
    }

    /// A run that ended unstable fails every target, even one it seemed to
    /// meet until it ended, and even before anything was measured.
    #[test]
    fn an_unstable_run_meets_no_slo() {
        let slo = SloTargets {
            response_p99_ms: Some(200.0),
            ..SloTargets::default()
        };
        for requests in [1000.0, 0.0] {
            let v = slo.judge(&means(&[
                (Measure::Requests, requests),
                (Measure::ResponseP99Ms, 10.0),
                (Measure::Unstable, 0.5),
            ]));
            assert!(!v.pass);
            assert_eq!(v.binding, "unstable");
        }
    }
}
