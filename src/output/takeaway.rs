//! The takeaways: one paragraph per design, in plain words, computed from
//! the summary of the output folder's numbers ([`Summary`], itself read
//! from `summary.csv` and `manifest.json`), never written by hand. Each
//! says what became of the requests (completed, failed, lost, pending, as
//! totals over the replications), the headline p99 over all requests, the
//! goodput and the monthly bill, against the baseline design's. In a
//! sweep, a design is told at one point: the SLO's answer or its cheapest
//! point that meets the SLO, else its cheapest point that completes 99% of
//! the requests, else the one completing most; the baseline is chosen the
//! same way among its points at the same workload (the same values of the
//! swept keys that are not one design's).

use super::designs::{DesignRow, Summary};
use super::lang::{Key, Lang, Line, say, text};
use super::measure::Measure;
use super::outcome::Outcome;

/// The totals of `row`: its means times its replications (each a sum of
/// whole counts, so rounding recovers it exactly).
fn outcome_of(row: &DesignRow) -> Outcome {
    let total = |m: Measure| (row.mean[m.index()] * row.replications as f64).round();
    Outcome {
        requests: total(Measure::Requests),
        served: total(Measure::Completed),
        failed: total(Measure::Failed),
        lost: total(Measure::Lost),
        pending: total(Measure::Pending),
    }
}

/// Share of requests a point must complete to count as serving them.
const SERVES: f64 = 0.99;

/// The row of `rows` (one design's) a design is told at, and why that one
/// (no reason with a single row: no sweep).
fn chosen(s: &Summary, rows: Vec<usize>) -> Option<(usize, Option<Key>)> {
    if rows.len() == 1 {
        return Some((rows[0], None));
    }
    let monthly = |i: &usize| s.rows[*i].mean[Measure::MonthlyCostUsd.index()];
    let cheapest = |candidates: Vec<usize>| {
        candidates
            .into_iter()
            .min_by(|a, b| monthly(a).total_cmp(&monthly(b)))
    };
    if let Some(i) = s.answer.filter(|i| rows.contains(i)) {
        return Some((i, Some(Key::PointMeetsSlo)));
    }
    let meets: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| {
            let r = &s.rows[i];
            r.slo.as_ref().is_some_and(|v| v.pass) && r.completed_any()
        })
        .collect();
    if let Some(i) = cheapest(meets) {
        return Some((i, Some(Key::PointMeetsSlo)));
    }
    let serves: Vec<usize> = rows
        .iter()
        .copied()
        .filter(|&i| outcome_of(&s.rows[i]).served_share() >= SERVES)
        .collect();
    if let Some(i) = cheapest(serves) {
        return Some((i, Some(Key::PointServes99)));
    }
    let share = |i: &usize| outcome_of(&s.rows[*i]).served_share();
    rows.into_iter()
        .max_by(|a, b| {
            share(a)
                .total_cmp(&share(b))
                .then(monthly(b).total_cmp(&monthly(a)))
        })
        .map(|i| (i, Some(Key::PointServesMost)))
}

/// The takeaways of `s` in `lang`: one per design, in run order.
pub fn takeaways(s: &Summary, lang: Lang) -> Vec<String> {
    let mut designs: Vec<&str> = Vec::new();
    for r in &s.rows {
        if !designs.contains(&r.design.as_str()) {
            designs.push(&r.design);
        }
    }
    designs
        .into_iter()
        .filter_map(|d| chosen(s, rows_where(s, |r| r.design == d)))
        .map(|(i, why)| takeaway(s, i, why, lang))
        .collect()
}

/// The rows of `s` that `keep`.
fn rows_where(s: &Summary, keep: impl Fn(&DesignRow) -> bool) -> Vec<usize> {
    (0..s.rows.len()).filter(|&i| keep(&s.rows[i])).collect()
}

/// Whether swept key `axis` changes design `design`: a key of another
/// design's components does not; the workload's and the scenario's do.
fn changes(axis: &str, design: &str) -> bool {
    !axis.starts_with("designs.") || axis.starts_with(&format!("designs.{design}."))
}

/// Whether rows `a` and `b` are at the same values of the swept keys that
/// change every design (the workload's, the scenario's).
fn same_shared_point(s: &Summary, a: &DesignRow, b: &DesignRow) -> bool {
    s.axes
        .iter()
        .enumerate()
        .filter(|(_, axis)| !axis.starts_with("designs."))
        .all(|(k, _)| a.point[k] == b.point[k])
}

/// The takeaway of row `i`, told at its point for reason `why`.
fn takeaway(s: &Summary, i: usize, why: Option<Key>, lang: Lang) -> String {
    let r = &s.rows[i];
    // Named by the swept keys that change this design only: a sweep over
    // another design's fleet leaves this one's figures as they are.
    let point: Vec<String> = s
        .axes
        .iter()
        .zip(&r.point)
        .filter(|(a, _)| changes(a, &r.design))
        .map(|(a, v)| format!("{} = {v}", a.rsplit('.').next().unwrap_or(a)))
        .collect();
    let subject = match why {
        Some(why) if !point.is_empty() => say(
            lang,
            Line::TakeawayAt {
                design: &r.design,
                point: &point.join(", "),
                why: text(lang, why),
            },
        ),
        _ => r.design.clone(),
    };
    // The baseline as it would be told at this design's workload: its
    // own best point among those with the same shared swept values.
    let base = (r.design != s.baseline)
        .then(|| {
            chosen(
                s,
                rows_where(s, |b| b.design == s.baseline && same_shared_point(s, b, r)),
            )
        })
        .flatten()
        .map(|(i, _)| &s.rows[i]);
    let versus = |m: Measure| base.map(|b| (s.baseline.as_str(), b.mean[m.index()]));
    let headline = s.headline(&r.design);
    let latency = text(
        lang,
        if headline == Measure::CompletionP99AllMs {
            Key::Completion
        } else {
            Key::Response
        },
    );
    let mean = |m: Measure| r.mean[m.index()];
    let called = s.requests_called.in_lang(lang);
    [
        Line::TakeawayCounts {
            design: &subject,
            called,
            replications: r.replications,
            outcome: outcome_of(r),
            baseline: base.map(|b| (s.baseline.as_str(), outcome_of(b))),
        },
        Line::TakeawayLatency {
            latency,
            called,
            p99_ms: mean(headline),
            baseline: versus(headline),
        },
        Line::TakeawayGoodput {
            goodput_rps: mean(Measure::GoodputRps),
            called,
            baseline: versus(Measure::GoodputRps),
        },
        Line::TakeawayCost {
            monthly_usd: mean(Measure::MonthlyCostUsd),
            called,
            per_million_usd: mean(Measure::CostPerMillionUsd),
            baseline: versus(Measure::MonthlyCostUsd),
        },
    ]
    .map(|line| say(lang, line))
    .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::language::RequestsCalled;

    fn row(design: &str, point: &str, values: &[(Measure, f64)], pass: bool) -> DesignRow {
        DesignRow::for_tests(design, point, 4, values, pass)
    }

    fn outage() -> Summary {
        use Measure::*;
        Summary {
            axes: Vec::new(),
            baseline: "monolith".into(),
            rows: vec![
                row(
                    "monolith",
                    "",
                    &[
                        (Requests, 44_875.0),
                        (Completed, 37_409.5),
                        (Failed, 7_465.5),
                        (ResponseP99AllMs, f64::INFINITY),
                        (CompletionP99AllMs, f64::INFINITY),
                        (GoodputRps, 41.57),
                        (MonthlyCostUsd, 1091.0),
                        (CostPerMillionUsd, 9.2),
                    ],
                    false,
                ),
                row(
                    "decoupled",
                    "",
                    &[
                        (Requests, 44_875.0),
                        (Completed, 44_872.0),
                        (Pending, 3.0),
                        (ResponseP99AllMs, 70.7),
                        (CompletionP99AllMs, 621_000.0),
                        (GoodputRps, 49.86),
                        (MonthlyCostUsd, 1187.5),
                        (CostPerMillionUsd, 10.01),
                    ],
                    true,
                ),
            ],
            comparisons: Vec::new(),
            answer: Some(1),
            has_slo: true,
            answers_early: vec!["decoupled".into()],
            requests_called: Default::default(),
        }
    }

    #[test]
    fn each_design_is_told_in_plain_words_against_the_baseline() {
        let t = takeaways(&outage(), Lang::En);
        assert_eq!(t.len(), 2);
        assert_eq!(
            t[0],
            "monolith: 149,638 of 179,500 requests completed over 4 replications; 29,862 failed \
             (16.6%). More than 1% of the requests never completed (failed, lost or still \
             pending), so the p99 response time over all requests is unbounded. Goodput: \
             41.6 completed requests per second. $1,091.00 per month, $9.20 per million requests."
        );
        assert_eq!(
            t[1],
            "decoupled: 179,488 of 179,500 requests completed over 4 replications; 0 failed \
             (0%), 12 still pending at the end; monolith: 29,862 failed (16.6%). p99 completion \
             time over all requests: 621 s (monolith: unbounded). Goodput: 49.9 completed requests per \
             second (monolith: 41.6). $1,187.50 per month, $10.01 per million requests \
             (monolith: $1,091.00 per month)."
        );
        // Both unbounded: said once.
        let mut both = outage();
        both.rows[1].mean[Measure::CompletionP99AllMs.index()] = f64::INFINITY;
        let t = takeaways(&both, Lang::En);
        assert!(
            t[1].contains("over all requests is unbounded, as for monolith. Goodput"),
            "{}",
            t[1]
        );
        assert!(
            takeaways(&both, Lang::Ko)[1].contains("상한이 없습니다 (monolith도 마찬가지)."),
            "{:?}",
            takeaways(&both, Lang::Ko)
        );
        let ko = takeaways(&outage(), Lang::Ko);
        assert!(
            ko[0].contains("요청 179,500건 중 149,638건 완료, 29,862건 실패(16.6%)"),
            "{}",
            ko[0]
        );
        assert!(
            ko[1].contains("전체 요청의 완료 p99: 621초 (monolith: 상한 없음)"),
            "{}",
            ko[1]
        );
    }

    #[test]
    fn takeaways_say_the_learners_word_for_the_requests() {
        let mut s = outage();
        s.requests_called = RequestsCalled {
            en: "orders".into(),
            ko: "주문".into(),
        };
        let en = takeaways(&s, Lang::En);
        assert!(
            en[0]
                .contains("149,638 of 179,500 orders completed over 4 replications; 29,862 failed"),
            "{}",
            en[0]
        );
        assert!(en[1].contains("time over all orders: 621 s"), "{}", en[1]);
        assert!(en[1].contains("completed orders per second"), "{}", en[1]);
        assert!(en[1].contains("per million orders"), "{}", en[1]);
        let ko = takeaways(&s, Lang::Ko);
        assert!(
            ko[0].contains("주문 179,500건 중 149,638건 완료, 29,862건 실패(16.6%)"),
            "{}",
            ko[0]
        );
        assert!(ko[1].contains("전체 주문의 완료 p99: 621초"), "{}", ko[1]);
        assert!(ko[1].contains("주문 100만 건당"), "{}", ko[1]);
        // A word in one language only: the other says its plain word.
        s.requests_called.ko.clear();
        assert!(takeaways(&s, Lang::Ko)[0].contains("요청 179,500건 중"));
    }

    #[test]
    fn a_sweep_tells_each_design_at_its_best_point() {
        use Measure::*;
        let point = |design: &str, n: &str, completed: f64, cost: f64, pass: bool| {
            row(
                design,
                n,
                &[
                    (Requests, 100.0),
                    (Completed, completed),
                    (Failed, 100.0 - completed),
                    (MonthlyCostUsd, cost),
                ],
                pass,
            )
        };
        let s = Summary {
            axes: vec!["workload.rate".into()],
            baseline: "web".into(),
            rows: vec![
                point("web", "2", 50.0, 100.0, false),
                point("lean", "2", 80.0, 10.0, false),
                point("web", "3", 99.5, 150.0, false),
                point("lean", "3", 90.0, 15.0, false),
                point("web", "4", 100.0, 200.0, true),
                point("lean", "4", 95.0, 20.0, false),
            ],
            comparisons: Vec::new(),
            answer: Some(4),
            has_slo: true,
            answers_early: Vec::new(),
            requests_called: Default::default(),
        };
        let t = takeaways(&s, Lang::En);
        assert!(
            t[0].starts_with("web at rate = 4 (the cheapest point that meets the SLO): "),
            "{}",
            t[0]
        );
        assert!(
            t[1].starts_with(
                "lean at rate = 4 (no point completes 99% of the requests; the one \
                 completing most): 380 of 400"
            ),
            "{}",
            t[1]
        );
        // Compared with the baseline at the same workload.
        assert!(t[1].contains("; web: 0 failed (0%)."), "{}", t[1]);
        // A key of one design's fleet names only that design's point, and
        // the baseline is told at its own best point.
        let s = Summary {
            axes: vec!["designs.web.app.instances".into()],
            ..s
        };
        let t = takeaways(&s, Lang::En);
        assert!(t[0].starts_with("web at instances = 4 ("), "{}", t[0]);
        assert!(t[1].starts_with("lean: 380 of 400"), "{}", t[1]);
        assert!(t[1].contains("; web: 0 failed (0%)."), "{}", t[1]);
    }
}
