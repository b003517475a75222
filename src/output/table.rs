//! The terminal comparison table: each design's key figures as the mean over
//! replications ± the half-width of a 95% confidence interval, and the
//! paired difference from the baseline design.

use std::fmt::Write;

use unicode_width::UnicodeWidthStr;

use super::designs::{Comparison, DesignRow, Summary};
use super::lang::{Key, Lang, Line, say, text};
use super::measure::Measure;

/// `mean ± half` with `decimals` digits (just the mean without an
/// interval); `∞` for an infinite mean (an all-requests percentile with
/// more than 1% unserved).
fn pm(row: &DesignRow, m: Measure, scale: f64, decimals: usize) -> String {
    let mean = row.mean[m.index()] * scale;
    let half = (row.high[m.index()] - row.mean[m.index()]) * scale;
    if mean.is_infinite() {
        "∞".into()
    } else if half.is_nan() {
        format!("{mean:.decimals$}")
    } else {
        format!("{mean:.decimals$} ± {half:.decimals$}")
    }
}

/// Digits after the point for a figure like `x` (money, a rate): two, and
/// three significant digits below 1 (a small design's month is not $0.00,
/// a trickle's goodput not 0.0).
fn figure_decimals(x: f64) -> usize {
    let a = x.abs();
    if a >= 1.0 || a == 0.0 || !a.is_finite() {
        2
    } else {
        (2.0 - a.log10().floor()).clamp(2.0, 8.0) as usize
    }
}

/// A difference from the baseline, `~` marking one the replications cannot
/// tell from zero.
fn delta(c: Option<&Comparison>, decimals: usize, lang: Lang) -> String {
    let Some(c) = c else {
        return text(lang, Key::Baseline).into();
    };
    if c.diff_mean.is_infinite() {
        return if c.diff_mean > 0.0 { "+∞" } else { "−∞" }.into();
    }
    if c.diff_mean.is_nan() {
        return "–".into();
    }
    let half = c.diff_high - c.diff_mean;
    let text = if half.is_nan() {
        format!("{:+.decimals$}", c.diff_mean)
    } else {
        format!("{:+.decimals$} ± {half:.decimals$}", c.diff_mean)
    };
    match c.significant {
        Some(false) => format!("~{text}"),
        _ => text,
    }
}

/// The word for a headline latency in the table.
fn headline_word(m: Measure, lang: Lang) -> &'static str {
    text(
        lang,
        if m == Measure::CompletionP99AllMs {
            Key::Completion
        } else {
            Key::Response
        },
    )
}

/// The terminal table: one row per design × sweep point, in run order,
/// with the differences from the baseline and the SLO's verdict. Each
/// design is headed by the latency its users wait for (`shown`): response
/// when the client's answer ends the work, completion when the client is
/// answered before it (a queue, a topic, an asynchronous send), both as
/// the p99 over every request. Failed, lost and pending are counts.
/// Columns are padded by display width: a Hangul syllable takes two
/// columns.
pub fn summary_table(s: &Summary, lang: Lang) -> String {
    let mut header = vec![text(lang, Key::Design).to_string()];
    header.extend(
        s.axes
            .iter()
            .map(|a| a.rsplit('.').next().unwrap_or(a).to_string()),
    );
    header.extend(
        [
            text(lang, Key::Requests),
            text(lang, Key::Failed),
            text(lang, Key::Lost),
            text(lang, Key::Pending),
            text(lang, Key::Shown),
            "p99 ms",
            text(lang, Key::CompletionP99Ms),
            text(lang, Key::Goodput),
            text(lang, Key::UsdPerMonth),
            text(lang, Key::UsdPerMillion),
        ]
        .map(String::from),
    );
    header.push(say(
        lang,
        Line::DeltaP99 {
            baseline: &s.baseline,
        },
    ));
    header.push(say(
        lang,
        Line::DeltaCost {
            baseline: &s.baseline,
        },
    ));
    if s.has_slo {
        header.push(text(lang, Key::Slo).into());
    }
    let mut rows = vec![header];
    for (i, r) in s.rows.iter().enumerate() {
        let headline = s.headline(&r.design);
        let mut row = vec![r.design.clone()];
        row.extend(r.point.iter().cloned());
        row.push(pm(r, Measure::Requests, 1.0, 0));
        row.push(pm(r, Measure::Failed, 1.0, 0));
        row.push(pm(r, Measure::Lost, 1.0, 0));
        row.push(pm(r, Measure::Pending, 1.0, 0));
        row.push(headline_word(headline, lang).into());
        row.push(pm(r, headline, 1.0, 1));
        row.push(pm(r, Measure::CompletionP99AllMs, 1.0, 1));
        let goodput = figure_decimals(r.mean[Measure::GoodputRps.index()]);
        row.push(pm(r, Measure::GoodputRps, 1.0, goodput));
        for m in [Measure::MonthlyCostUsd, Measure::CostPerMillionUsd] {
            row.push(pm(r, m, 1.0, figure_decimals(r.mean[m.index()])));
        }
        let versus = |m: Measure| {
            s.comparisons
                .iter()
                .find(|c| c.design == r.design && c.point == r.point && c.metric == m)
        };
        let is_baseline = r.design == s.baseline;
        let monthly = figure_decimals(r.mean[Measure::MonthlyCostUsd.index()]);
        for (m, decimals) in [(headline, 1), (Measure::MonthlyCostUsd, monthly)] {
            row.push(match versus(m) {
                None if !is_baseline => String::new(),
                c => delta(c, decimals, lang),
            });
        }
        if let Some(v) = &r.slo {
            let mark = if v.pass {
                text(lang, Key::Pass)
            } else if v.binding == Measure::Unstable.name() {
                text(lang, Key::Unstable)
            } else {
                text(lang, Key::Miss)
            };
            row.push(if s.answer == Some(i) {
                format!("{mark} {}", text(lang, Key::Cheapest))
            } else {
                mark.to_string()
            });
        }
        rows.push(row);
    }
    let widths: Vec<usize> = (0..rows[0].len())
        .map(|c| rows.iter().map(|r| r[c].width()).max().unwrap_or(0))
        .collect();
    let mut out = String::new();
    for (i, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let pad = widths[c] - cell.width();
            if c == 0 {
                let _ = write!(out, "{cell}{}", " ".repeat(pad));
            } else {
                let _ = write!(out, "  {}{cell}", " ".repeat(pad));
            }
        }
        out.push('\n');
        if i == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * (widths.len() - 1);
            out.push_str(&"-".repeat(total));
            out.push('\n');
        }
    }
    out
}

/// The designs and sweep points whose runs ended unstable at this load, in
/// a sentence; `None` when every run reached its end.
pub fn unstable_note(s: &Summary, lang: Lang) -> Option<String> {
    let rows: Vec<String> = s
        .rows
        .iter()
        .filter(|r| r.mean[Measure::Unstable.index()] > 0.0)
        .map(|r| {
            let unstable = (r.mean[Measure::Unstable.index()] * r.replications as f64).round();
            let at: Vec<String> = s
                .axes
                .iter()
                .zip(&r.point)
                .map(|(a, v)| format!("{a} = {v}"))
                .collect();
            let at = if at.is_empty() {
                String::new()
            } else {
                say(lang, Line::AtPoint(&at.join(", ")))
            };
            say(
                lang,
                Line::UnstableDesign {
                    design: &r.design,
                    at: &at,
                    unstable: unstable as usize,
                    replications: r.replications,
                },
            )
        })
        .collect();
    (!rows.is_empty()).then(|| {
        say(
            lang,
            Line::UnstableNote {
                designs: &rows.join("; "),
            },
        )
    })
}

/// The SLO's answer in a sentence: the cheapest design and sweep point
/// that meets it, with its margin; `None` without an SLO.
pub fn slo_answer(s: &Summary, lang: Lang) -> Option<String> {
    if !s.has_slo {
        return None;
    }
    let Some(i) = s.answer else {
        return Some(text(lang, Key::NoDesignMeetsSlo).into());
    };
    let r = &s.rows[i];
    // Only the swept keys that change this design's results name its point:
    // a serverless answer is not "at instances = 13".
    let point: Vec<String> = s
        .varying_axes(&r.design)
        .into_iter()
        .map(|a| format!("{} = {}", s.axes[a], r.point[a]))
        .collect();
    let at = if point.is_empty() {
        String::new()
    } else {
        say(lang, Line::AtPoint(&point.join(", ")))
    };
    let v = r.slo.as_ref()?;
    let headline = s.headline(&r.design);
    Some(say(
        lang,
        Line::CheapestMeetingSlo {
            design: &r.design,
            at: &at,
            monthly_usd: r.mean[Measure::MonthlyCostUsd.index()],
            latency: headline_word(headline, lang),
            p99_ms: r.mean[headline.index()],
            binding: &v.binding,
            margin_percent: 100.0 * v.margin,
        },
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(design: &str, values: &[(Measure, f64)], pass: bool) -> DesignRow {
        DesignRow::for_tests(design, "", 1, values, pass)
    }

    #[test]
    fn each_design_shows_the_latency_its_users_wait_for() {
        use Measure::*;
        let s = Summary {
            axes: Vec::new(),
            baseline: "monolith".into(),
            rows: vec![
                row(
                    "monolith",
                    &[
                        (Requests, 1000.0),
                        (Completed, 980.0),
                        (Failed, 20.0),
                        (ResponseP99Ms, 291.8),
                        (ResponseP99AllMs, f64::INFINITY),
                        (CompletionP99AllMs, f64::INFINITY),
                        (MonthlyCostUsd, 1000.0),
                    ],
                    false,
                ),
                row(
                    "decoupled",
                    &[
                        (Requests, 1000.0),
                        (Completed, 997.0),
                        (Pending, 3.0),
                        (ResponseP99Ms, 70.7),
                        (ResponseP99AllMs, 70.7),
                        (CompletionP99AllMs, 621_000.0),
                        (GoodputRps, 10.0),
                        (MonthlyCostUsd, 900.0),
                    ],
                    true,
                ),
                row("idle", &[(Requests, 1000.0), (Pending, 1000.0)], true),
            ],
            comparisons: Vec::new(),
            answer: Some(1),
            has_slo: true,
            answers_early: vec!["decoupled".into(), "idle".into()],
            requests_called: Default::default(),
        };
        let text = summary_table(&s, Lang::En);
        let line = |design: &str| {
            text.lines()
                .find(|l| l.starts_with(design))
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>()
        };
        // design, requests, failed, lost, pending, shown, p99, completion p99, …
        assert_eq!(
            &line("monolith")[..8],
            ["monolith", "1000", "20", "0", "0", "response", "∞", "∞"]
        );
        assert_eq!(
            &line("decoupled")[..8],
            [
                "decoupled",
                "1000",
                "0",
                "0",
                "3",
                "completion",
                "621000.0",
                "621000.0"
            ]
        );
        assert!(line("decoupled").ends_with(&["pass", "◀", "cheapest"]));
        // Nothing completed: cheapest by far, never marked so.
        assert!(line("idle").ends_with(&["pass"]));
        assert!(text.contains("$ per month"));
        let answer = slo_answer(&s, Lang::En).unwrap();
        assert!(
            answer.contains("decoupled, $900.00 per month, completion p99 621000.0 ms"),
            "{answer}"
        );
        // The same in Korean, padded by display width.
        let ko = summary_table(&s, Lang::Ko);
        assert!(ko.contains("완료") && ko.contains("월 $"), "{ko}");
    }
}
