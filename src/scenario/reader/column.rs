//! CSV files a scenario names (traces, empirical distributions): their
//! first column, read once however often the document is walked.

use std::path::Path;
use std::sync::Arc;

use crate::scenario::reader::Ctx;

/// The first column of a CSV file: `(line, value)` pairs, or a message.
pub(crate) type Column = Result<Arc<[(usize, f64)]>, String>;

impl Ctx<'_> {
    /// The first column of the CSV file `name` (relative to the scenario).
    pub(crate) fn column(&mut self, name: &str) -> Column {
        let path = self.dir.join(name);
        if let Some(c) = self.cache.get(&path) {
            return c.clone();
        }
        let c = read_column(&path, name);
        self.cache.insert(path, c.clone());
        c
    }
}

/// Reads the first column of a CSV file: numbers ≥ 0, with an optional
/// header row (a non-numeric first line) and blank lines skipped.
fn read_column(path: &Path, name: &str) -> Column {
    let bytes =
        std::fs::read(path).map_err(|e| format!("cannot read `{}`: {e}", path.display()))?;
    let text = String::from_utf8_lossy(&bytes);
    let mut values = Vec::new();
    let mut first = true;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        if line.trim().is_empty() {
            continue;
        }
        let field = line.split(',').next().unwrap_or_default();
        let field = field
            .trim_start_matches('\u{feff}')
            .trim()
            .trim_matches('"')
            .trim();
        match field.parse::<f64>() {
            Ok(x) if x.is_finite() && x >= 0.0 => values.push((line_no, x)),
            Err(_) if first => {} // a header row
            _ => {
                return Err(format!(
                    "`{name}` line {line_no}: expected a number ≥ 0 in the first column, found `{field}`"
                ));
            }
        }
        first = false;
    }
    Ok(values.into())
}

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn trace_and_empirical_files() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("good.csv"),
            "time,id\n0.5,a\n1.0,b\n1.0,c\n9999,d\n",
        )
        .unwrap();
        std::fs::write(dir.path().join("bad.csv"), "0.5\n2.0\n\n1.5\n").unwrap();
        std::fs::write(dir.path().join("ms.csv"), "latency_ms\n10\n20\n").unwrap();
        std::fs::write(dir.path().join("neg.csv"), "latency_ms\n10\n-5\n").unwrap();
        let path = dir.path().join("s.toml");
        let run = |text: &str| {
            std::fs::write(&path, text).unwrap();
            load(&path, &[])
        };
        let s = run(&edit("rate = 10", "trace = \"good.csv\"")).unwrap();
        let RateProfile::Trace(times) = &s.workload.rate else {
            panic!()
        };
        assert_eq!(
            &times[..],
            &[SimTime(NANOS / 2), SimTime(NANOS), SimTime(NANOS)]
        );

        let text = edit("rate = 10", "trace = \"bad.csv\"");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "workload.trace",
            Some(line_of(&text, "trace")),
            &["`bad.csv` line 4", "1.5"],
        );
        // An empty trace, or one that ends before the run starts counting
        // nothing: no request would be measured (issue 11).
        std::fs::write(dir.path().join("empty.csv"), "time\n").unwrap();
        std::fs::write(dir.path().join("late.csv"), "99999\n").unwrap();
        let text = edit("rate = 10", "trace = \"empty.csv\"");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "workload.trace",
            Some(line_of(&text, "trace")),
            &["`empty.csv` has no arrival times"],
        );
        let text = edit("rate = 10", "trace = \"late.csv\"");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "workload.trace",
            Some(line_of(&text, "trace")),
            &["no arrival time of `late.csv` falls within"],
        );
        let text = edit("rate = 10", "trace = \"none.csv\"");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "workload.trace",
            Some(line_of(&text, "trace")),
            &["cannot read"],
        );

        let s = run(&edit(
            "\"10ms\"",
            "{ dist = \"empirical\", file = \"ms.csv\" }",
        ))
        .unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        let ms = SimDuration::from_millis;
        assert_dist(
            &e.service_time,
            &Dist::empirical(vec![ms(10), ms(20)]).unwrap(),
        );
        let s = run(&edit(
            "\"10ms\"",
            "{ dist = \"empirical\", file = \"ms.csv\", unit = \"s\" }",
        ))
        .unwrap();
        let ComponentSpec::Ec2(e) = &s.designs[0].components[0].spec else {
            panic!()
        };
        assert_dist(
            &e.service_time,
            &Dist::empirical(vec![SimDuration::from_secs(10), SimDuration::from_secs(20)]).unwrap(),
        );
        let text = edit("\"10ms\"", "{ dist = \"empirical\", file = \"neg.csv\" }");
        let errs = run(&text).unwrap_err().0;
        expect(
            &errs,
            "designs.d.app.service_time.file",
            Some(line_of(&text, "neg.csv")),
            &["`neg.csv` line 3", "-5"],
        );
    }
}
