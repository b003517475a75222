//! `[workload] classes`: the request classes and their shares.

use toml::Spanned;
use toml::de::DeValue;

use crate::scenario::reader::names::key_name_problem;
use crate::scenario::reader::values::{POSITIVE, num_value};
use crate::scenario::reader::{Ctx, Table};

/// `[workload] classes` (read before the rest of `[workload]`, which takes
/// the result): class name → share, normalised to sum 1, in file order;
/// one class `default` when absent. `None` after reporting a problem.
pub(crate) fn read(ctx: &mut Ctx, root: &Table) -> Option<Vec<(String, f64)>> {
    let default = vec![("default".to_string(), 1.0)];
    // A missing or malformed [workload] is reported by `workload::read`.
    let Some(DeValue::Table(map)) = root.get("workload").map(Spanned::get_ref) else {
        return Some(default);
    };
    let t = Table {
        path: "workload".into(),
        at: root.at("workload"),
        map,
    };
    let Some(v) = t.get("classes") else {
        return Some(default);
    };
    let example = "{ order = 0.7, refund = 0.3 }";
    let c = Table::of(
        ctx,
        t.key("classes"),
        v,
        &format!("a table of request classes and their shares, such as {example}"),
    )?;
    if c.map.is_empty() {
        ctx.error(
            c.at,
            c.path.clone(),
            format!("expected at least one request class, such as {example}, found an empty table"),
        );
        return None;
    }
    let mut classes = Vec::with_capacity(c.map.len());
    let mut ok = true;
    for (name, at, share) in c.entries() {
        let key = c.key(name);
        if let Some(problem) = key_name_problem(name, "class") {
            ctx.error(at, key.clone(), problem);
            ok = false;
        }
        match num_value(ctx, &key, share, POSITIVE) {
            Some(x) => classes.push((name.to_string(), x)),
            None => ok = false,
        }
    }
    if !ok {
        return None;
    }
    // Scaled by the largest share first should the sum overflow.
    let total: f64 = classes.iter().map(|(_, x)| x).sum();
    let (scale, total) = if total.is_finite() {
        (1.0, total)
    } else {
        let max = classes.iter().map(|(_, x)| *x).fold(0.0, f64::max);
        (max, classes.iter().map(|(_, x)| x / max).sum())
    };
    for (_, x) in &mut classes {
        *x = *x / scale / total;
    }
    Some(classes)
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn workload_classes() {
        let with = |classes: &str| edit("rate = 10", &format!("rate = 10\nclasses = {classes}"));
        let s = load_text(&with("{ order = 0.7, refund = 0.2, other = 0.1 }")).unwrap();
        let names: Vec<&str> = s.workload.classes.iter().map(|c| c.0.as_str()).collect();
        assert_eq!(names, ["order", "refund", "other"]);
        let shares: Vec<f64> = s.workload.classes.iter().map(|c| c.1).collect();
        for (got, want) in shares.iter().zip([0.7, 0.2, 0.1]) {
            assert!((got - want).abs() < 1e-12, "{shares:?}");
        }
        let s = load_text(&with("{ b = 3, a = 1 }")).unwrap();
        assert_eq!(
            s.workload.classes,
            [("b".to_string(), 0.75), ("a".to_string(), 0.25)]
        );
        // A [workload.classes] table works too, and huge shares do not overflow.
        let text = format!("{MINI}\n[workload.classes]\nbig = 1e308\nhuge = 1e308\n");
        let s = load_text(&text).unwrap();
        assert_eq!(
            s.workload.classes,
            [("big".to_string(), 0.5), ("huge".to_string(), 0.5)]
        );
        let text = with("{ order = 0, refund = 1 }");
        expect_one(
            &text,
            "workload.classes.order",
            "classes",
            &["expected a number > 0, found 0"],
        );
        let text = with("{ order = -0.5, refund = 1 }");
        expect_one(&text, "workload.classes.order", "classes", &["> 0", "-0.5"]);
        let text = with("{ order = inf }");
        expect_one(&text, "workload.classes.order", "classes", &["finite"]);
        let text = with("{ order = \"70%\" }");
        expect_one(
            &text,
            "workload.classes.order",
            "classes",
            &["found a string (\"70%\")"],
        );
        let text = with("{}");
        expect_one(
            &text,
            "workload.classes",
            "classes",
            &["at least one request class", "found an empty table"],
        );
        let text = with("[\"order\"]");
        expect_one(
            &text,
            "workload.classes",
            "classes",
            &["table of request classes", "found an array"],
        );
        let text = with("{ \"big order\" = 1 }");
        expect_one(
            &text,
            "workload.classes.\"big order\"",
            "classes",
            &["class name of letters", "a space is not one"],
        );
        let text = edit("rate = 10", "rate = 10\nclases = { a = 1 }");
        expect_one(
            &text,
            "workload.clases",
            "clases",
            &["did you mean `classes`?"],
        );
    }
}
