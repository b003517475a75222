//! `[slo]`: the service-level objectives designs are judged against.

use crate::scenario::reader::values::{DurRange, NumRange};
use crate::scenario::reader::{Ctx, Table};
use crate::scenario::spec::Slo;
use crate::time::SimDuration;

/// `[slo]`: every target optional; `None` when it has problems.
pub(crate) fn read(ctx: &mut Ctx, root: &Table) -> Option<Slo> {
    let Some(v) = root.get("slo") else {
        return Some(Slo::default());
    };
    let t = Table::of(ctx, "slo".into(), v, "a table of targets")?;
    t.check_keys(
        ctx,
        &[
            "response_p99",
            "completion_p99",
            "error_rate",
            "lost",
            "monthly_budget",
        ],
    );
    let errors_before = ctx.errors.len();
    let latency = || {
        let year = SimDuration::from_secs(365 * 24 * 3600);
        DurRange::closed(SimDuration(1), year, "longer than 0s")
    };
    let slo = Slo {
        response_p99: t.dur(ctx, "response_p99", latency()),
        completion_p99: t.dur(ctx, "completion_p99", latency()),
        error_rate: t.num(
            ctx,
            "error_rate",
            NumRange::closed(0.0, 1.0, "from 0 to 1 (a fraction: 0.001 is 0.1%)"),
        ),
        lost: t.u32(ctx, "lost", 0, u32::MAX).map(u64::from),
        monthly_budget: t.num(
            ctx,
            "monthly_budget",
            NumRange {
                min: 0.0,
                min_open: true,
                max: f64::MAX,
                text: "more than 0 (USD per month)".into(),
            },
        ),
    };
    (ctx.errors.len() == errors_before).then_some(slo)
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn slo_targets_validate() {
        let text = format!(
            "{MINI}{}",
            "\n[slo]\nresponse_p99 = \"fast\"\nerror_rate = 5\nmonthly_budgett = 100\n"
        );
        let errs = errors(&text);
        let at = |n: &str| Some(line_of(&text, n));
        expect(&errs, "slo.response_p99", at("fast"), &["duration"]);
        expect(&errs, "slo.error_rate", at("error_rate"), &["from 0 to 1"]);
        expect(
            &errs,
            "slo.monthly_budgett",
            at("monthly_budgett"),
            &["monthly_budget"],
        );
        let ok = format!(
            "{MINI}{}",
            "\n[slo]\nresponse_p99 = \"250ms\"\nlost = 0\nmonthly_budget = 500.0\n"
        );
        let slo = load_text(&ok).expect("valid").slo;
        assert_eq!(slo.response_p99, Some(SimDuration::from_millis(250)));
        assert_eq!((slo.lost, slo.monthly_budget), (Some(0), Some(500.0)));
        assert!(slo.error_rate.is_none() && slo.is_set());
        assert!(!load_text(MINI).unwrap().slo.is_set());
    }
}
