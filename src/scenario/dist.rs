//! Distributions as scenarios write them: a duration (a constant) or a table
//! `{ dist = "…", … }` naming one of the [`Dist`] families.

use toml::de::DeValue;

use crate::dist::Dist;
use crate::scenario::reader::text::{Quoted, found, one_of};
use crate::scenario::reader::values::{ANY_DURATION, NON_NEGATIVE, POSITIVE, unit_hint};
use crate::scenario::reader::{Ctx, Table, Val};
use crate::time::SimDuration;

pub(crate) const DIST_EXPECTED: &str = "a distribution: a duration string such as \"250ms\" or a table such as { dist = \"exp\", mean = \"100ms\" }";

const DIST_KINDS: &[&str] = &[
    "constant",
    "exp",
    "lognormal",
    "gamma",
    "uniform",
    "normal",
    "pareto",
    "empirical",
];

impl Table<'_, '_> {
    /// The distribution `name`, if given.
    pub(crate) fn dist(&self, ctx: &mut Ctx, name: &str) -> Option<Dist> {
        let v = self.get(name)?;
        dist_value(ctx, &self.key(name), v)
    }

    /// The distribution `name`, which must be given.
    pub(crate) fn req_dist(&self, ctx: &mut Ctx, name: &str) -> Option<Dist> {
        if self.require(ctx, name, DIST_EXPECTED) {
            self.dist(ctx, name)
        } else {
            None
        }
    }
}

/// A distribution: a duration string (constant) or a `{ dist = …, … }` table.
fn dist_value(ctx: &mut Ctx, key: &str, v: &Val<'_>) -> Option<Dist> {
    dist_value_scaled(ctx, key, v, 1.0)
}

/// `d` × `scale` (exactly `d` when `scale` is 1).
fn scale_duration(d: SimDuration, scale: f64) -> SimDuration {
    if scale == 1.0 { d } else { d.mul_f64(scale) }
}

/// [`dist_value`] with every duration in it (values, means, medians,
/// percentiles, bounds, standard deviations, samples) multiplied by `scale`
/// (> 0): the same shape, stretched in time. Dimensionless parameters
/// (`cv`, `alpha`) are unchanged. Callers validate the distribution as
/// written first, so that messages quote the user's numbers.
pub(crate) fn dist_value_scaled(ctx: &mut Ctx, key: &str, v: &Val<'_>, scale: f64) -> Option<Dist> {
    let at = v.span().start;
    match v.get_ref() {
        DeValue::String(s) => match SimDuration::parse(s) {
            Ok(d) => Some(Dist::constant(scale_duration(d, scale))),
            Err(e) => {
                ctx.error(at, key, format!("expected {DIST_EXPECTED}: {e}"));
                None
            }
        },
        DeValue::Table(_) => {
            let t = Table::of(ctx, key.to_string(), v, "a table")?;
            let result = dist_table(ctx, &t, scale)?;
            match result {
                Ok(d) => Some(d),
                Err(message) => {
                    ctx.error(at, key, message);
                    None
                }
            }
        }
        other => {
            let message = format!(
                "expected {DIST_EXPECTED}, found {}{}",
                found(other),
                unit_hint(other)
            );
            ctx.error(at, key, message);
            None
        }
    }
}

/// The table form, its durations multiplied by `scale`; `None` when a
/// problem was reported, `Some(Err)` when the constructor refused the
/// parameters.
fn dist_table(ctx: &mut Ctx, t: &Table, scale: f64) -> Option<Result<Dist, String>> {
    let every_param = [
        "dist", "value", "mean", "median", "p99", "cv", "min", "max", "sd", "alpha", "file", "unit",
    ];
    let kind = match t.get("dist") {
        None => {
            t.check_keys(ctx, &every_param);
            t.require(
                ctx,
                "dist",
                &format!("one of {}", one_of(DIST_KINDS, Quoted::Value)),
            );
            return None;
        }
        Some(_) => {
            let options: Vec<(&str, &str)> = DIST_KINDS.iter().map(|k| (*k, *k)).collect();
            match t.choice(ctx, "dist", &options) {
                Some(k) => k,
                None => {
                    t.check_keys(ctx, &every_param);
                    return None;
                }
            }
        }
    };
    let sc = |d: SimDuration| scale_duration(d, scale);
    Some(match kind {
        "constant" => {
            t.check_keys(ctx, &["dist", "value"]);
            Ok(Dist::constant(sc(t.req_dur(ctx, "value", ANY_DURATION)?)))
        }
        "exp" => {
            t.check_keys(ctx, &["dist", "mean"]);
            Dist::exp(sc(t.req_dur(ctx, "mean", ANY_DURATION)?))
        }
        "lognormal" => {
            t.check_keys(ctx, &["dist", "median", "p99", "mean", "cv"]);
            let by_percentiles = t.has("median") || t.has("p99");
            if by_percentiles && (t.has("mean") || t.has("cv")) {
                let name = if t.has("mean") { "mean" } else { "cv" };
                t.err(
                    ctx,
                    name,
                    "a lognormal takes either `median` and `p99`, or `mean` and `cv`, not both",
                );
                return None;
            }
            if by_percentiles {
                let median = t.req_dur(ctx, "median", ANY_DURATION);
                let p99 = t.req_dur(ctx, "p99", ANY_DURATION);
                Dist::lognormal_median_p99(sc(median?), sc(p99?))
            } else {
                let mean = t.req_dur(ctx, "mean", ANY_DURATION);
                let cv = t.req_num(ctx, "cv", NON_NEGATIVE);
                Dist::lognormal_mean_cv(sc(mean?), cv?)
            }
        }
        "gamma" => {
            t.check_keys(ctx, &["dist", "mean", "cv"]);
            let mean = t.req_dur(ctx, "mean", ANY_DURATION);
            let cv = t.req_num(ctx, "cv", NON_NEGATIVE);
            Dist::gamma_mean_cv(sc(mean?), cv?)
        }
        "uniform" => {
            t.check_keys(ctx, &["dist", "min", "max"]);
            let min = t.req_dur(ctx, "min", ANY_DURATION);
            let max = t.req_dur(ctx, "max", ANY_DURATION);
            Dist::uniform(sc(min?), sc(max?))
        }
        "normal" => {
            t.check_keys(ctx, &["dist", "mean", "sd", "min", "max"]);
            let mean = t.req_dur(ctx, "mean", ANY_DURATION);
            let sd = t.req_dur(ctx, "sd", ANY_DURATION);
            let min = t.dur(ctx, "min", ANY_DURATION);
            let max = t.dur(ctx, "max", ANY_DURATION);
            if (t.has("min") && min.is_none()) || (t.has("max") && max.is_none()) {
                return None;
            }
            Dist::normal(sc(mean?), sc(sd?), min.map(sc), max.map(sc))
        }
        "pareto" => {
            t.check_keys(ctx, &["dist", "min", "alpha"]);
            let min = t.req_dur(ctx, "min", ANY_DURATION);
            let alpha = t.req_num(ctx, "alpha", POSITIVE);
            Dist::pareto(sc(min?), alpha?)
        }
        "empirical" => {
            t.check_keys(ctx, &["dist", "file", "unit"]);
            let unit = t.choice(ctx, "unit", &[("ms", 1e-3), ("s", 1.0), ("us", 1e-6)]);
            if t.has("unit") && unit.is_none() {
                return None;
            }
            let file = t.req_str(ctx, "file", "a CSV file name (relative to the scenario)")?;
            match ctx.column(file) {
                Err(message) => {
                    t.err(ctx, "file", message);
                    return None;
                }
                Ok(values) if values.is_empty() => {
                    t.err(ctx, "file", format!("`{file}` holds no values"));
                    return None;
                }
                Ok(values) => {
                    let secs = unit.unwrap_or(1e-3) * scale;
                    Dist::empirical(
                        values
                            .iter()
                            .map(|&(_, x)| SimDuration::from_secs_f64(x * secs))
                            .collect(),
                    )
                }
            }
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn distributions() {
        let text = edit(
            "\"10ms\"",
            "{ dist = \"lognorml\", median = \"5ms\", p99 = \"40ms\" }",
        );
        expect_one(
            &text,
            "designs.d.app.service_time.dist",
            "service_time",
            &["did you mean \"lognormal\"?"],
        );
        let text = edit(
            "\"10ms\"",
            "{ dist = \"lognormal\", median = \"50ms\", p99 = \"40ms\" }",
        );
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["p99"],
        );
        let text = edit("\"10ms\"", "{ dist = \"gamma\", mean = \"5ms\" }");
        expect_one(
            &text,
            "designs.d.app.service_time.cv",
            "service_time",
            &["missing `cv`"],
        );
        let text = edit(
            "\"10ms\"",
            "{ dist = \"exp\", mean = \"5ms\", sd = \"1ms\" }",
        );
        expect_one(
            &text,
            "designs.d.app.service_time.sd",
            "service_time",
            &["unknown key `sd`"],
        );
        let text = edit(
            "\"10ms\"",
            "{ dist = \"lognormal\", median = \"5ms\", cv = 1.0 }",
        );
        assert!(load_text(&text).is_err());
        let text = edit("\"10ms\"", "{ mean = \"5ms\" }");
        expect_one(
            &text,
            "designs.d.app.service_time.dist",
            "service_time",
            &["missing `dist`", "\"exp\""],
        );
        let text = edit("\"10ms\"", "5");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["distribution", "found an integer (5)"],
        );
        let text = edit("\"10ms\"", "\"10\"");
        expect_one(
            &text,
            "designs.d.app.service_time",
            "service_time",
            &["no unit"],
        );
        let cases = [
            (
                "{ dist = \"constant\", value = \"3ms\" }",
                Dist::constant(SimDuration::from_millis(3)),
            ),
            (
                "{ dist = \"uniform\", min = \"1ms\", max = \"3ms\" }",
                Dist::uniform(SimDuration::from_millis(1), SimDuration::from_millis(3)).unwrap(),
            ),
            (
                "{ dist = \"normal\", mean = \"3ms\", sd = \"1ms\", min = \"0ms\" }",
                Dist::normal(
                    SimDuration::from_millis(3),
                    SimDuration::from_millis(1),
                    Some(SimDuration::ZERO),
                    None,
                )
                .unwrap(),
            ),
            (
                "{ dist = \"pareto\", min = \"1ms\", alpha = 2.5 }",
                Dist::pareto(SimDuration::from_millis(1), 2.5).unwrap(),
            ),
            (
                "{ dist = \"lognormal\", mean = \"3ms\", cv = 2 }",
                Dist::lognormal_mean_cv(SimDuration::from_millis(3), 2.0).unwrap(),
            ),
        ];
        for (src, want) in cases {
            let s = load_text(&edit("\"10ms\"", src)).unwrap();
            let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
                panic!()
            };
            assert_dist(&e.service_time, &want);
        }
    }
}
