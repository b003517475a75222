//! `[scenario]`: name, description, lesson, duration, warm-up, seed,
//! replications, interval, backlog limit, baseline and region.

use toml::Spanned;
use toml::de::DeValue;

use crate::catalog;
use crate::scenario::reader::names::folder_name_problem;
use crate::scenario::reader::text::{did_you_mean_value, quote};
use crate::scenario::reader::values::{ANY_DURATION, POSITIVE_DURATION};
use crate::scenario::reader::{Ctx, NameRef, Table};
use crate::scenario::spec::{Lesson, RequestsCalled};
use crate::time::SimDuration;

/// `[scenario]` as read.
pub(crate) struct Head {
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) lesson: Lesson,
    pub(crate) requests_called: RequestsCalled,
    pub(crate) duration: Option<SimDuration>,
    /// As written, for messages.
    pub(crate) warmup: SimDuration,
    pub(crate) seed: u64,
    pub(crate) replications: u32,
    pub(crate) interval: SimDuration,
    pub(crate) backlog_limit: u32,
    pub(crate) baseline: Option<NameRef>,
    /// The catalog region, one the catalog holds; `None` when it is not.
    pub(crate) region: Option<String>,
}

pub(crate) fn read(ctx: &mut Ctx, root: &Table) -> Option<Head> {
    let t = root.req_sub(
        ctx,
        "scenario",
        "a table",
        "missing [scenario] table: expected at least `name` and `duration`",
    )?;
    t.check_keys(
        ctx,
        &[
            "name",
            "description",
            "lesson",
            "lesson_ko",
            "requests_called",
            "requests_called_ko",
            "duration",
            "warmup",
            "seed",
            "replications",
            "interval",
            "backlog_limit",
            "baseline",
            "region",
        ],
    );
    let name = t.req_str(
        ctx,
        "name",
        "a name of letters, digits, `.`, `_` and `-` (it names the output folder)",
    );
    if let Some(problem) = name.and_then(folder_name_problem) {
        t.err(ctx, "name", problem);
    }
    let description = t.str(ctx, "description", "a string");
    let lesson = Lesson {
        en: lesson_text(t.str(ctx, "lesson", "a string (multi-line: \"\"\"…\"\"\")")),
        ko: lesson_text(t.str(ctx, "lesson_ko", "a string (multi-line: \"\"\"…\"\"\")")),
    };
    let requests_called = RequestsCalled {
        en: noun(ctx, &t, "requests_called"),
        ko: noun(ctx, &t, "requests_called_ko"),
    };
    let duration = t.req_dur(ctx, "duration", POSITIVE_DURATION);
    let duration_text = match t.get("duration").map(Spanned::get_ref) {
        Some(DeValue::String(s)) => s.to_string(),
        _ => String::new(),
    };
    let warmup = t.dur(ctx, "warmup", ANY_DURATION);
    if let (Some(w), Some(d)) = (warmup, duration)
        && w >= d
    {
        t.err(
            ctx,
            "warmup",
            format!(
                "expected a warmup shorter than the duration ({duration_text}), found {}",
                t.shown("warmup")
            ),
        );
    }
    let seed = t.int(ctx, "seed", 0, i128::from(i64::MAX));
    let replications = t.u32(ctx, "replications", 1, 100_000);
    let interval = t.dur(ctx, "interval", POSITIVE_DURATION);
    // Every interval is a row per metric and component in memory until the
    // run ends: cap their number so that a typo ("1ns") cannot exhaust memory.
    if let (Some(i), Some(d)) = (interval, duration)
        && i.0 > 0
        && d.0 / i.0 > MAX_INTERVALS
    {
        t.err(
            ctx,
            "interval",
            format!(
                "expected at most {MAX_INTERVALS} intervals in the run, found {} (duration / interval); use a longer interval",
                d.0 / i.0
            ),
        );
    }
    let backlog_limit = t.u32(ctx, "backlog_limit", 1, u32::MAX);
    let baseline = t.str(ctx, "baseline", "a design name").map(|b| NameRef {
        name: b.to_string(),
        at: t.at("baseline"),
        key: t.key("baseline"),
    });
    let region = match t.str(ctx, "region", "an AWS region such as \"ap-northeast-2\"") {
        None if t.has("region") => None,
        None => Some(catalog::DEFAULT_REGION.to_string()),
        Some(r) if catalog::region(r).is_some() => Some(r.to_string()),
        Some(r) => {
            let regions: Vec<&str> = catalog::region_names().collect();
            let hint = did_you_mean_value(r, regions.iter().copied());
            t.err(
                ctx,
                "region",
                format!(
                    "the catalog holds no region {}{hint} (regions: {})",
                    quote(r),
                    regions.join(", ")
                ),
            );
            None
        }
    };
    Some(Head {
        name: name?.to_string(),
        description: description.unwrap_or_default().to_string(),
        lesson,
        requests_called,
        duration,
        warmup: warmup.unwrap_or_default(),
        seed: seed.and_then(|s| u64::try_from(s).ok()).unwrap_or(1),
        replications: replications.unwrap_or(1),
        interval: interval.unwrap_or(SimDuration::from_secs(60)),
        backlog_limit: backlog_limit.unwrap_or(DEFAULT_BACKLOG_LIMIT),
        baseline,
        region,
    })
}

/// The backlog (messages in a queue, calls a fleet holds, a function's
/// asynchronous events) above which a run ends as unstable at this load. Far above what a
/// stable design holds, and small enough to stay within a few hundred
/// megabytes per run.
pub(crate) const DEFAULT_BACKLOG_LIMIT: u32 = 1_000_000;
/// A word for the requests, as the takeaways say it: one line of at most
/// [`MAX_NOUN_CHARS`] characters; empty when not given or wrong (then with
/// an error).
fn noun(ctx: &mut Ctx, t: &Table, key: &str) -> String {
    let Some(word) = t.str(ctx, key, "a word for the requests, such as \"orders\"") else {
        return String::new();
    };
    let word = word.trim();
    if word.is_empty() || word.contains(['\n', '\r']) || word.chars().count() > MAX_NOUN_CHARS {
        t.err(
            ctx,
            key,
            format!(
                "expected a word for the requests on one line of 1 to {MAX_NOUN_CHARS} characters, found {}",
                t.shown(key)
            ),
        );
        return String::new();
    }
    word.to_string()
}

/// The longest word for the requests: it stands in sentences.
const MAX_NOUN_CHARS: usize = 40;

/// A lesson as shown: without the blank lines and spaces around it, and
/// without the spaces that end its lines.
fn lesson_text(text: Option<&str>) -> String {
    let lines: Vec<&str> = text
        .unwrap_or_default()
        .lines()
        .map(str::trim_end)
        .collect();
    lines.join("\n").trim().to_string()
}

/// Most `timeseries.csv` intervals in one run.
const MAX_INTERVALS: u64 = 1_000_000;

#[cfg(test)]
mod tests {
    use crate::scenario::test_support::*;

    #[test]
    fn scenario_section() {
        let text = edit("name = \"t\"", "name = \"my sim\"");
        expect_one(
            &text,
            "scenario.name",
            "my sim",
            &["letters, digits", "\"my sim\""],
        );
        let text = edit("name = \"t\"", "name = \"..\"");
        expect_one(
            &text,
            "scenario.name",
            "name",
            &["output folder", "dots only"],
        );
        let text = edit("name = \"t\"", "name = \"서울/부산\"");
        expect_one(
            &text,
            "scenario.name",
            "name",
            &["a `/` (it separates folders)"],
        );
        let text = edit("name = \"t\"", "name = \"웹-계층_비교.v2\"");
        assert_eq!(load_text(&text).unwrap().name, "웹-계층_비교.v2");
        let text = edit("name = \"t\"", "name = \"\"");
        expect_one(&text, "scenario.name", "name", &["found \"\""]);
        let text = edit("name = \"t\"\n", "");
        expect_one(&text, "scenario.name", "[scenario]", &["missing `name`"]);
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nwarmup = \"1h\"");
        expect_one(
            &text,
            "scenario.warmup",
            "warmup",
            &["shorter than the duration (1h)"],
        );
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nbaseline = \"e\"");
        expect_one(
            &text,
            "scenario.baseline",
            "baseline",
            &["no design named \"e\""],
        );
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nbaseline = \"d\"\nseed = 0",
        );
        let s = load_text(&text).unwrap();
        assert_eq!((s.baseline, s.seed), (0, 0));
        let text = MINI.replace("[scenario]\nname = \"t\"\nduration = \"1h\"\n", "");
        let errs = errors(&text);
        expect(&errs, "scenario", None, &["missing [scenario]"]);
        let text = MINI
            .split("[designs.d]")
            .next()
            .unwrap_or_default()
            .to_string()
            + "[designs]\n";
        expect_one(&text, "designs", "[designs]", &["at least one design"]);
        let text = edit(
            "rate = 10",
            "rate = 10\nschedule = { at = \"1m\", rate = 3 }",
        );
        expect_one(
            &text,
            "workload.schedule",
            "schedule",
            &["array of steps", "found a table"],
        );
        let errs = errors("");
        expect(&errs, "scenario", None, &["missing [scenario]"]);
        expect(&errs, "workload", None, &["missing [workload]"]);
        expect(&errs, "designs", None, &["at least one design"]);
    }

    #[test]
    fn lessons_in_two_languages() {
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nlesson = \"\"\"\nWhy?   \n\nLook here.\n\"\"\"\nlesson_ko = \"왜일까?\"",
        );
        let s = load_text(&text).unwrap();
        assert_eq!(s.lesson.en, "Why?\n\nLook here.");
        assert_eq!(s.lesson.ko, "왜일까?");
        // Words for the reader decide no result.
        let plain = load_text(MINI).unwrap();
        assert_eq!(s.runs_key(), plain.runs_key());
        assert_eq!(s.design_key(0), plain.design_key(0));
        assert_eq!(plain.lesson, Lesson::default());
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nlesson_ko = 3");
        expect_one(
            &text,
            "scenario.lesson_ko",
            "lesson_ko",
            &["expected a string"],
        );
        let text = edit("duration = \"1h\"", "duration = \"1h\"\nleson = \"x\"");
        expect_one(
            &text,
            "scenario.leson",
            "leson",
            &["did you mean `lesson`?"],
        );
    }

    #[test]
    fn the_learners_word_for_the_requests() {
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nrequests_called = \" orders \"\nrequests_called_ko = \"주문\"",
        );
        let s = load_text(&text).unwrap();
        assert_eq!(s.requests_called.en, "orders");
        assert_eq!(s.requests_called.ko, "주문");
        // Like the lesson, a word for the reader decides no result.
        let plain = load_text(MINI).unwrap();
        assert_eq!(s.runs_key(), plain.runs_key());
        assert_eq!(
            plain.requests_called,
            crate::scenario::spec::RequestsCalled::default()
        );
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nrequests_called = \"\"",
        );
        expect_one(
            &text,
            "scenario.requests_called",
            "requests_called",
            &["1 to 40 characters", "found \"\""],
        );
        let text = edit(
            "duration = \"1h\"",
            "duration = \"1h\"\nrequest_called = \"x\"",
        );
        expect_one(
            &text,
            "scenario.request_called",
            "request_called",
            &["did you mean `requests_called`?"],
        );
    }
}
