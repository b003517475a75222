//! `[workload]`: the arrival process, the rate over time (steps, a diurnal
//! pattern or a trace) and the client's timeouts and retries.

use crate::scenario::reader::values::{ANY_DURATION, NON_NEGATIVE, NumRange, POSITIVE_DURATION};
use crate::scenario::reader::{Ctx, Table, timed_items};
use crate::scenario::sections::head::Head;
use crate::scenario::spec::{ArrivalProcess, Backoff, Client, Jitter, RateProfile, Workload};
use crate::time::{SimDuration, SimTime};

pub(crate) fn read(
    ctx: &mut Ctx,
    root: &Table,
    head: Option<&Head>,
    classes: Option<Vec<(String, f64)>>,
) -> Option<Workload> {
    let duration = head.and_then(|h| h.duration);
    let t = root.req_sub(
        ctx,
        "workload",
        "a table",
        "missing [workload] table: expected one of `rate`, `pattern` or `trace`",
    )?;
    t.check_keys(
        ctx,
        &[
            "arrival", "rate", "schedule", "pattern", "trace", "client", "classes",
        ],
    );
    let arrival = t.choice(
        ctx,
        "arrival",
        &[
            ("poisson", ArrivalProcess::Poisson),
            ("constant", ArrivalProcess::Constant),
        ],
    );
    let present: Vec<&str> = ["rate", "pattern", "trace"]
        .into_iter()
        .filter(|k| t.has(k))
        .collect();
    let rate = match present.as_slice() {
        [] => {
            ctx.error(
                t.at,
                "workload",
                "expected one of `rate` (requests per second), `pattern` (a diurnal curve) or `trace` (a CSV file of arrival times)",
            );
            if t.has("schedule") {
                t.err(
                    ctx,
                    "schedule",
                    "`schedule` needs `rate` (the rate before the first step)",
                );
            }
            None
        }
        ["rate"] => workload_steps(ctx, &t),
        [one] => {
            if t.has("schedule") {
                t.err(
                    ctx,
                    "schedule",
                    format!("`schedule` needs `rate`; it cannot be combined with `{one}`"),
                );
            }
            if *one == "pattern" {
                workload_pattern(ctx, &t)
            } else {
                workload_trace(ctx, &t, duration)
            }
        }
        [first, rest @ ..] => {
            for other in rest {
                t.err(ctx, other, format!("`{other}` cannot be combined with `{first}`: use only one of `rate`, `pattern` or `trace`"));
            }
            None
        }
    };
    let client = match t.get("client") {
        None => Some(Client {
            timeout: None,
            retries: 0,
            backoff: default_backoff(),
        }),
        Some(v) => {
            let c = Table::of(ctx, t.key("client"), v, "a table")?;
            workload_client(ctx, &c)
        }
    };
    Some(Workload {
        arrival: arrival.unwrap_or(ArrivalProcess::Poisson),
        rate: rate?,
        client: client?,
        classes: classes?,
    })
}

fn workload_steps(ctx: &mut Ctx, t: &Table) -> Option<RateProfile> {
    let initial = t.num(ctx, "rate", NON_NEGATIVE);
    // A step after the end never happens; that is allowed, so that a
    // scenario can be shortened with `--set scenario.duration=…`.
    let steps = timed_items(
        ctx,
        t,
        "schedule",
        "an array of steps such as [{ at = \"40m\", rate = 900 }]",
        "a step { at = \"40m\", rate = 900 }",
        "steps",
        |ctx, s| {
            s.check_keys(ctx, &["at", "rate"]);
            s.req_num(ctx, "rate", NON_NEGATIVE)
        },
    )?;
    Some(RateProfile::Steps {
        initial: initial?,
        steps,
    })
}

fn workload_pattern(ctx: &mut Ctx, t: &Table) -> Option<RateProfile> {
    let p = Table::of(
        ctx,
        t.key("pattern"),
        t.get("pattern")?,
        "a table such as { kind = \"diurnal\", min_rate = 50, max_rate = 400, peak_at = \"14h\", period = \"24h\" }",
    )?;
    p.check_keys(ctx, &["kind", "min_rate", "max_rate", "peak_at", "period"]);
    if p.require(ctx, "kind", "\"diurnal\"") {
        p.choice(ctx, "kind", &[("diurnal", ())])?;
    }
    let min_rate = p.req_num(ctx, "min_rate", NON_NEGATIVE);
    let max_rate = p.req_num(ctx, "max_rate", NON_NEGATIVE);
    if let (Some(lo), Some(hi)) = (min_rate, max_rate)
        && lo > hi
    {
        p.err(
            ctx,
            "max_rate",
            format!("expected `max_rate` ≥ `min_rate` ({lo}), found {hi}"),
        );
        return None;
    }
    let peak_at = p.dur(ctx, "peak_at", ANY_DURATION);
    let period = p.req_dur(ctx, "period", POSITIVE_DURATION);
    if p.has("peak_at") && peak_at.is_none() {
        return None;
    }
    Some(RateProfile::Diurnal {
        min_rate: min_rate?,
        max_rate: max_rate?,
        peak_at: peak_at.unwrap_or_default(),
        period: period?,
    })
}

fn workload_trace(ctx: &mut Ctx, t: &Table, duration: Option<SimDuration>) -> Option<RateProfile> {
    let file = t.str(ctx, "trace", "a CSV file name (relative to the scenario)")?;
    let values = match ctx.column(file) {
        Ok(v) => v,
        Err(message) => {
            t.err(ctx, "trace", message);
            return None;
        }
    };
    let mut prev: Option<f64> = None;
    for &(line, x) in values.iter() {
        if let Some(p) = prev
            && x < p
        {
            t.err(
                ctx,
                "trace",
                format!("`{file}` line {line}: arrival time {x} s is earlier than the one before ({p} s); the times must not decrease"),
            );
            return None;
        }
        prev = Some(x);
    }
    let end = duration.map_or(SimTime::NEVER, |d| SimTime(d.0));
    let times: Vec<SimTime> = values
        .iter()
        .map(|&(_, x)| SimTime::from_secs_f64(x))
        .filter(|&t| t <= end)
        .collect();
    // No request at all would measure nothing, and an SLO would seem met.
    if times.is_empty() {
        let message = if values.is_empty() {
            format!("`{file}` has no arrival times: a trace needs at least one")
        } else {
            format!(
                "no arrival time of `{file}` falls within the scenario's duration (the first is at {} s)",
                values[0].1
            )
        };
        t.err(ctx, "trace", message);
        return None;
    }
    Some(RateProfile::Trace(times.into()))
}

fn default_backoff() -> Backoff {
    Backoff {
        base: SimDuration::from_millis(100),
        max: SimDuration::from_secs(20),
        multiplier: 2.0,
        jitter: Jitter::Full,
    }
}

fn workload_client(ctx: &mut Ctx, t: &Table) -> Option<Client> {
    t.check_keys(ctx, &["timeout", "retries", "backoff"]);
    let timeout = t.dur(ctx, "timeout", POSITIVE_DURATION);
    let retries = t.u32(ctx, "retries", 0, 100);
    let mut backoff = default_backoff();
    if let Some(b) = t.sub(ctx, "backoff") {
        b.check_keys(ctx, &["base", "max", "multiplier", "jitter"]);
        let base = b.dur(ctx, "base", ANY_DURATION);
        let max = b.dur(ctx, "max", ANY_DURATION);
        let multiplier = b.num(ctx, "multiplier", NumRange::closed(1.0, f64::MAX, "≥ 1"));
        let jitter = b.choice(
            ctx,
            "jitter",
            &[
                ("full", Jitter::Full),
                ("equal", Jitter::Equal),
                ("none", Jitter::None),
            ],
        );
        backoff = Backoff {
            base: base.unwrap_or(backoff.base),
            max: max.unwrap_or(backoff.max),
            multiplier: multiplier.unwrap_or(backoff.multiplier),
            jitter: jitter.unwrap_or(backoff.jitter),
        };
        if backoff.base > backoff.max {
            let name = if b.has("base") { "base" } else { "max" };
            b.err(
                ctx,
                name,
                format!(
                    "expected `base` ({}) ≤ `max` ({})",
                    backoff.base, backoff.max
                ),
            );
        }
    }
    if t.has("timeout") && timeout.is_none() {
        return None;
    }
    Some(Client {
        timeout,
        retries: retries.unwrap_or(0),
        backoff,
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn workload_rate_choices() {
        let text = edit("rate = 10", "arrival = \"constant\"");
        expect_one(
            &text,
            "workload",
            "[workload]",
            &["`rate`", "`pattern`", "`trace`"],
        );
        let text = edit("rate = 10", "schedule = [{ at = \"1m\", rate = 3 }]");
        let errs = errors(&text);
        expect(
            &errs,
            "workload.schedule",
            Some(line_of(&text, "schedule")),
            &["needs `rate`"],
        );
        let text = edit(
            "rate = 10",
            "rate = 10\npattern = { kind = \"diurnal\", min_rate = 1, max_rate = 2, period = \"1h\" }",
        );
        expect_one(
            &text,
            "workload.pattern",
            "pattern",
            &["cannot be combined with `rate`"],
        );
        let text = edit(
            "rate = 10",
            "schedule = [\n  { at = \"20m\", rate = 1 },\n  { at = \"10m\", rate = 2 },\n]\nrate = 3",
        );
        expect_one(
            &text,
            "workload.schedule[1].at",
            "10m",
            &["strictly increasing"],
        );
        let text = edit(
            "rate = 10",
            "rate = 3\nschedule = [{ at = \"2m\", rte = 1 }]",
        );
        let errs = errors(&text);
        expect(
            &errs,
            "workload.schedule[0].rte",
            Some(7),
            &["did you mean `rate`?"],
        );
        expect(
            &errs,
            "workload.schedule[0].rate",
            Some(7),
            &["missing `rate`"],
        );
        let text = edit("rate = 10", "rate = 3\nschedule = [5]");
        expect_one(
            &text,
            "workload.schedule[0]",
            "schedule",
            &["found an integer (5)"],
        );
        let text = edit("rate = 10", "arrival = \"posson\"\nrate = 1");
        expect_one(
            &text,
            "workload.arrival",
            "posson",
            &["did you mean \"poisson\"?"],
        );
        let text = edit(
            "rate = 10",
            "pattern = { kind = \"diurnal\", min_rate = 5, max_rate = 2, period = \"1h\" }",
        );
        expect_one(
            &text,
            "workload.pattern.max_rate",
            "pattern",
            &["≥ `min_rate`"],
        );
        let text = edit(
            "rate = 10",
            "pattern = { kind = \"weekly\", min_rate = 1, max_rate = 2, period = \"1h\" }",
        );
        expect_one(&text, "workload.pattern.kind", "pattern", &["\"diurnal\""]);
        let text = edit(
            "rate = 10",
            "pattern = { kind = \"diurnal\", min_rate = 1, max_rate = 2 }",
        );
        expect_one(
            &text,
            "workload.pattern.period",
            "pattern",
            &["missing `period`"],
        );
    }

    #[test]
    fn workload_client() {
        let text = format!("{MINI}[workload.client]\nretries = 101\n");
        expect_one(
            &text,
            "workload.client.retries",
            "retries",
            &["from 0 to 100"],
        );
        let text = format!(
            "{MINI}[workload.client]\ntimeout = \"2s\"\nbackoff = {{ base = \"1s\", jitter = \"fulll\", mult = 2 }}\n"
        );
        let errs = errors(&text);
        let line = Some(line_of(&text, "backoff"));
        expect(
            &errs,
            "workload.client.backoff.jitter",
            line,
            &["did you mean \"full\"?"],
        );
        expect(
            &errs,
            "workload.client.backoff.mult",
            line,
            &["unknown key `mult`"],
        );
        let text = format!(
            "{MINI}[workload.client]\ntimeout = \"2s\"\nretries = 3\nbackoff = {{ base = \"1s\", max = \"4s\", multiplier = 3.0, jitter = \"equal\" }}\n"
        );
        let c = load_text(&text).unwrap().workload.client;
        assert_eq!(c.timeout, Some(SimDuration::from_secs(2)));
        assert_eq!(c.retries, 3);
        assert_eq!(c.backoff.base, SimDuration::from_secs(1));
        assert_eq!(c.backoff.max, SimDuration::from_secs(4));
        assert_eq!(c.backoff.multiplier, 3.0);
        assert_eq!(c.backoff.jitter, Jitter::Equal);
        let text = format!("{MINI}[workload.client]\nbackoff = {{ multiplier = 0.5 }}\n");
        expect_one(
            &text,
            "workload.client.backoff.multiplier",
            "backoff",
            &["≥ 1"],
        );
    }
}
