//! The words the terminal and the report say, in each language (`--lang`).
//!
//! Fixed words are [`Key`]s ([`text`]); sentences that carry values are
//! [`Line`]s ([`say`]), since the values sit at different places in each
//! language. Each language is one exhaustive `match`, so a new key or line
//! does not compile until every language has it. Scenario text (names,
//! descriptions, lessons) and error messages are not here.

pub use super::language::Lang;
use super::outcome::Outcome;
use super::plain_numbers::{count, dollars, duration, percent, rate};

/// A fixed word or phrase.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// Column: the design.
    Design,
    /// Column: requests.
    Requests,
    /// Column: failed requests, percent.
    FailedPercent,
    /// Column: lost requests.
    Lost,
    /// Column: failed requests, a count.
    Failed,
    /// Column: requests still in progress at the end.
    Pending,
    /// Column: which latency a design's p99 is of.
    Shown,
    /// Cell: the response latency is shown.
    Response,
    /// Cell: the completion latency is shown.
    Completion,
    /// Column: completed requests per second.
    Goodput,
    /// Note under the terminal table: what its columns mean.
    TableLegend,
    /// Column: median response of the served requests.
    ServedP50Ms,
    /// Column: p99 response of the served requests.
    ServedP99Ms,
    /// Column: p99 response over all requests.
    ResponseP99AllMs,
    /// Column: p99 completion over all requests.
    CompletionP99AllMs,
    /// Column: mean response time.
    MeanMs,
    /// Column: throughput (terminal).
    Throughput,
    /// Column: throughput (report; spaced as the report always wrote it).
    ReportThroughput,
    /// Column: the bill of the measured window.
    CostUsd,
    /// Column: cost per million requests.
    UsdPerMillion,
    /// Column: the monthly bill.
    UsdPerMonth,
    /// Column: failed over requests.
    ErrorRate,
    /// Column: p99 of completion times.
    CompletionP99Ms,
    /// Column: the SLO's verdict (terminal).
    Slo,
    /// Column: whether a row meets the SLO (report).
    MeetsSlo,
    /// Cell: this row is the baseline.
    Baseline,
    /// Cell: meets the SLO.
    Pass,
    /// Cell: misses the SLO.
    Miss,
    /// Cell: misses the SLO because a run ended unstable at this load.
    Unstable,
    /// Cell: `designs.csv`'s `yes`.
    Yes,
    /// Cell: `designs.csv`'s `no`.
    No,
    /// Cell mark: the cheapest row that meets the SLO.
    Cheapest,
    /// Sentence: no design meets the SLO.
    NoDesignMeetsSlo,
    /// Heading: the scenario's lesson.
    Lesson,
    /// Heading: the SLO verdict.
    SloVerdict,
    /// Heading: the comparison table.
    Comparison,
    /// Heading: the faults.
    Faults,
    /// Report heading: the deployments of the scenario.
    Deployments,
    /// Heading: the charts.
    Charts,
    /// Heading: the manifest.
    Manifest,
    /// HTML sentence: the report's table comes from `designs.csv`.
    FromDesignsCsv,
    /// HTML sentence: the report's table comes from `summary.csv`.
    FromSummaryCsv,
    /// HTML sentence: the scenario has no `[slo]`.
    NoSloNoVerdict,
    /// Heading: the generated takeaways, one per design.
    Takeaways,
    /// Sentence under the takeaways' heading: where their numbers come from.
    TakeawaysSource,
    /// Heading: the report's legend of its numbers.
    NumbersLegend,
    /// Why a sweep's takeaway is at its point: the cheapest meeting the SLO.
    PointMeetsSlo,
    /// Why: the cheapest point completing 99% of the requests.
    PointServes99,
    /// Why: no point completes 99%; the one completing the most.
    PointServesMost,
}

/// The text of `key` in `lang`: each key's two languages side by side, so
/// that they are kept in step.
pub fn text(lang: Lang, key: Key) -> &'static str {
    let (english, korean) = match key {
        Key::Design => ("design", "설계"),
        Key::Requests => ("requests", "요청"),
        Key::FailedPercent => ("failed %", "실패 %"),
        Key::Lost => ("lost", "유실"),
        Key::Failed => ("failed", "실패"),
        Key::Pending => ("pending", "진행 중"),
        Key::Shown => ("shown", "기준 지연"),
        Key::Response => ("response", "응답"),
        Key::Completion => ("completion", "완료"),
        Key::Goodput => ("goodput/s", "유효 처리량/s"),
        Key::ServedP50Ms => ("served p50 ms", "성공 요청 p50 ms"),
        Key::ServedP99Ms => ("served p99 ms", "성공 요청 p99 ms"),
        Key::ResponseP99AllMs => ("response p99 ms (all requests)", "응답 p99 ms (전체 요청)"),
        Key::CompletionP99AllMs => (
            "completion p99 ms (all requests)",
            "완료 p99 ms (전체 요청)",
        ),
        Key::TableLegend => (
            {
                "shown: the latency a design's p99 is of: response, or completion when the client is \
             answered before the work is done (a queue, a topic, an asynchronous send). p99 over \
             all requests: failed, lost and pending rank slowest, ∞ once they exceed 1%. goodput: \
             completed requests per second. $ per month: the bill of a steady month of 730 h \
             projected from the window; $ per 1M: per million requests of that month."
            },
            {
                "기준 지연: 설계의 p99가 어떤 지연인지. 응답, 또는 작업이 끝나기 전에 클라이언트가 \
             응답을 받는 설계(큐, 토픽, 비동기 전송)라면 완료. 모든 요청에 대한 p99: 실패·유실·진행 \
             중인 요청을 가장 느린 것으로 세며, 그 비율이 1%를 넘으면 ∞. 유효 처리량: 초당 완료된 \
             요청 수. 월 $: 측정 구간에서 추정한 730시간 정상 상태 한 달 요금. 100만 건당 $: 그 한 \
             달의 요청 100만 건당 요금."
            },
        ),
        Key::MeanMs => ("mean ms", "평균 ms"),
        Key::Throughput => ("throughput/s", "처리량/s"),
        Key::ReportThroughput => ("throughput /s", "처리량/s"),
        Key::CostUsd => ("cost $", "비용 $"),
        Key::UsdPerMillion => ("$ per 1M", "100만 건당 $"),
        Key::UsdPerMonth => ("$ per month", "월 $"),
        Key::ErrorRate => ("error rate", "오류율"),
        Key::CompletionP99Ms => ("completion p99 ms", "완료 p99 ms"),
        Key::Slo => ("SLO", "SLO"),
        Key::MeetsSlo => ("meets SLO", "SLO 충족"),
        Key::Baseline => ("baseline", "기준"),
        Key::Pass => ("pass", "충족"),
        Key::Miss => ("miss", "미달"),
        Key::Unstable => ("unstable", "불안정"),
        Key::Yes => ("yes", "예"),
        Key::No => ("no", "아니요"),
        Key::Cheapest => ("◀ cheapest", "◀ 최저 비용"),
        Key::NoDesignMeetsSlo => (
            "No design meets the SLO.",
            "SLO를 충족하는 설계가 없습니다.",
        ),
        Key::Lesson => ("Lesson", "학습 포인트"),
        Key::SloVerdict => ("SLO verdict", "SLO 판정"),
        Key::Comparison => ("Comparison", "비교"),
        Key::Faults => ("Faults", "장애"),
        Key::Deployments => ("Deployments", "배포"),
        Key::Charts => ("Charts", "차트"),
        Key::Manifest => ("Manifest", "매니페스트"),
        Key::FromDesignsCsv => (
            {
                "From <code>designs.csv</code>: mean ± half-width of the 95% confidence \
             interval over replications."
            },
            {
                "<code>designs.csv</code> 기준: 반복 실행에 걸친 평균 ± 95% 신뢰구간의 반폭."
            },
        ),
        Key::FromSummaryCsv => (
            {
                "From <code>summary.csv</code>: mean ± half-width of the 95% confidence \
             interval over replications."
            },
            {
                "<code>summary.csv</code> 기준: 반복 실행에 걸친 평균 ± 95% 신뢰구간의 반폭."
            },
        ),
        Key::NoSloNoVerdict => (
            "The scenario sets no <code>[slo]</code>: there is no verdict.",
            "시나리오에 <code>[slo]</code>가 없어 판정하지 않습니다.",
        ),
        Key::Takeaways => ("Takeaways", "요점"),
        Key::TakeawaysSource => (
            {
                "Computed from summary.csv and manifest.json: counts are totals over all \
             replications, the other figures their means."
            },
            {
                "summary.csv와 manifest.json에서 계산했습니다. 건수는 모든 반복 실행의 합계이고, \
             나머지 수치는 평균입니다."
            },
        ),
        Key::NumbersLegend => ("What the numbers mean", "숫자의 뜻"),
        Key::PointMeetsSlo => (
            "the cheapest point that meets the SLO",
            "SLO를 충족하는 가장 저렴한 지점",
        ),
        Key::PointServes99 => (
            "the cheapest point that completes 99% of the requests",
            "요청의 99% 이상을 완료한 가장 저렴한 지점",
        ),
        Key::PointServesMost => (
            "no point completes 99% of the requests; the one completing most",
            "요청의 99%를 완료한 지점이 없어, 가장 많이 완료한 지점",
        ),
    };
    lang.pick(english, korean)
}

/// The report's legend: each number or mark the report shows, as its
/// column names it, and what it means, one line each.
pub fn legend(lang: Lang) -> Vec<(&'static str, &'static str)> {
    let term = |key| text(lang, key);
    // What each term means, in English and in Korean.
    let meanings: [(&str, &str, &str); 18] = [
        (
            term(Key::Requests),
            "Requests that arrived after the warmup; each ends completed, failed, lost or pending.",
            "워밍업 이후 도착한 요청. 각 요청은 완료, 실패, 유실, 진행 중 가운데 하나로 끝납니다.",
        ),
        (
            term(Key::Failed),
            "Requests answered with an error, or timed out after the client's last retry.",
            "오류로 응답받았거나 클라이언트의 마지막 재시도까지 타임아웃된 요청.",
        ),
        (
            term(Key::ErrorRate),
            "Failed requests over all requests.",
            "전체 요청 중 실패한 요청의 비율.",
        ),
        (
            term(Key::Lost),
            "Requests answered with success whose work will never be done (a message dropped or expired).",
            "성공 응답을 받았지만 그 작업은 끝내 처리되지 않는 요청(버려지거나 만료된 메시지).",
        ),
        (
            term(Key::Pending),
            "Requests still in progress when the window ended.",
            "측정 구간이 끝날 때 아직 처리 중이던 요청.",
        ),
        (
            term(Key::ResponseP99AllMs),
            "The time 99% of all requests got their answer within; failed, lost and pending requests count as slower than every served one, so it is ∞ once they exceed 1%. The SLO judges this.",
            "전체 요청의 99%가 응답을 받은 시간. 실패·유실·진행 중인 요청은 성공한 어떤 요청보다 느린 것으로 세므로, 그 비율이 1%를 넘으면 ∞입니다. SLO는 이 값으로 판정합니다.",
        ),
        (
            term(Key::CompletionP99AllMs),
            "The same over the time until all of a request's work was done: the headline of a design that answers before its work is done (a queue, a topic, an asynchronous send).",
            "같은 방식으로 잰, 요청의 작업이 모두 끝나기까지의 시간. 작업이 끝나기 전에 응답하는 설계(대기열, 토픽, 비동기 전송)에서는 이 값이 기준 지연입니다.",
        ),
        (
            term(Key::ServedP50Ms),
            "Median response time of the completed requests only.",
            "완료된 요청만의 응답 시간 중앙값.",
        ),
        (
            term(Key::ServedP99Ms),
            "p99 response time of the completed requests only: a design that fails its slow requests looks fast by it.",
            "완료된 요청만의 p99 응답 시간. 느린 요청을 실패시키는 설계는 이 값으로는 빨라 보입니다.",
        ),
        (
            term(Key::ReportThroughput),
            "Requests that ended (completed, failed or lost) per second.",
            "초당 끝난 요청(완료, 실패, 유실) 수.",
        ),
        (
            term(Key::Goodput),
            "Requests completed (success and all their work done) per second.",
            "초당 완료된 요청(성공하고 작업도 모두 끝난 요청) 수.",
        ),
        (
            term(Key::UsdPerMonth),
            "The bill of a steady 730-hour month projected from the window: time-based charges at their rate, usage scaled from the measured traffic.",
            "측정 구간에서 추정한 730시간 정상 상태 한 달 요금. 시간 단위 요금은 그 요율로, 사용량 요금은 측정한 트래픽에 비례해 계산합니다.",
        ),
        (
            term(Key::UsdPerMillion),
            "That monthly bill per million requests of the month.",
            "그 한 달 요금을 그달 요청 100만 건당으로 나눈 값.",
        ),
        (
            term(Key::MeetsSlo),
            "Whether the design's means meet every target of the scenario's [slo].",
            "설계의 평균이 시나리오 [slo]의 모든 목표를 충족하는지 여부.",
        ),
        (
            "±",
            "Half-width of the 95% confidence interval over the replications: the true mean lies in mean ± half-width with 95% confidence.",
            "반복 실행에 걸친 95% 신뢰구간의 반폭. 참 평균이 평균 ± 반폭 안에 있을 신뢰도가 95%입니다.",
        ),
        (
            "Δ",
            "The paired difference from the baseline design, replication by replication (both see the same arrivals).",
            "기준 설계와의 대응 차이. 반복마다 같은 도착을 겪은 두 설계의 차이입니다.",
        ),
        (
            "~",
            "A difference the replications cannot tell from zero (its interval contains 0).",
            "반복 실행으로는 0과 구별할 수 없는 차이(신뢰구간이 0을 포함).",
        ),
        (
            "∞",
            "Unbounded: more than 1% of the requests were not completed.",
            "상한 없음: 요청의 1% 넘게 완료되지 못했습니다.",
        ),
    ];
    meanings
        .into_iter()
        .map(|(term, english, korean)| match lang {
            Lang::En => (term, english),
            Lang::Ko => (term, korean),
        })
        .collect()
}

/// A sentence or phrase with values in it. Values given as `&str` that end
/// up in HTML (`html` in the name) are escaped by the caller.
#[derive(Clone, Copy, Debug)]
pub enum Line<'a> {
    /// Column: the paired difference of p99 from the baseline.
    DeltaP99 {
        /// The baseline design.
        baseline: &'a str,
    },
    /// Column: the paired difference of cost from the baseline.
    DeltaCost {
        /// The baseline design.
        baseline: &'a str,
    },
    /// A sweep point after a design: " at rate = 100".
    AtPoint(&'a str),
    /// The terminal's answer of the SLO.
    CheapestMeetingSlo {
        /// The design.
        design: &'a str,
        /// Its sweep point as [`Line::AtPoint`] says it (may be empty).
        at: &'a str,
        /// Its monthly bill [USD].
        monthly_usd: f64,
        /// The latency its p99 is of ([`Key::Response`] or [`Key::Completion`]).
        latency: &'a str,
        /// Its p99 over all requests [ms].
        p99_ms: f64,
        /// The SLO target closest to being missed.
        binding: &'a str,
        /// The headroom of that target [%].
        margin_percent: f64,
    },
    /// The note under the terminal table.
    TableNote {
        /// Replications per design.
        replications: u32,
        /// The baseline design.
        baseline: &'a str,
        /// The output folder.
        folder: &'a str,
    },
    /// Where the charts and the report are.
    ChartsAndReport {
        /// The charts' folder.
        charts: &'a str,
        /// The report's path.
        report: &'a str,
    },
    /// What `stratosim plot` wrote.
    PlotWritten {
        /// Charts drawn.
        charts: usize,
        /// The folder.
        folder: &'a str,
    },
    /// Replications kept from an earlier run of the same runs.
    KeptReplications {
        /// The scenario.
        scenario: &'a str,
        /// Replications kept (0 to kept − 1).
        kept: u32,
        /// The folder.
        folder: &'a str,
        /// Runs still to simulate.
        new_runs: usize,
    },
    /// What a shard wrote.
    ShardWritten {
        /// The scenario.
        scenario: &'a str,
        /// K of K/N.
        shard: u32,
        /// N of K/N.
        of: u32,
        /// Runs written.
        runs: usize,
        /// The folder.
        folder: &'a str,
    },
    /// `--fail-on-slo` and no design meets the SLO.
    SloMissed {
        /// The scenario.
        scenario: &'a str,
    },
    /// A design (and sweep point) some of whose runs ended unstable.
    UnstableDesign {
        /// The design.
        design: &'a str,
        /// Its sweep point as [`Line::AtPoint`] says it (may be empty).
        at: &'a str,
        /// Runs that ended unstable.
        unstable: usize,
        /// Its replications.
        replications: usize,
    },
    /// One run that ended unstable, in the report.
    UnstableRun {
        /// The design, and its sweep point as [`Line::AtPoint`] says it.
        design: &'a str,
        /// The replication.
        replication: &'a str,
        /// The component whose backlog reached the limit.
        component: &'a str,
        /// When [s].
        at_s: &'a str,
    },
    /// Runs ended unstable at this load: the terminal's note, after the
    /// designs ([`Line::UnstableDesign`] joined).
    UnstableNote {
        /// The designs.
        designs: &'a str,
    },
    /// The report's sentence, after the runs ([`Line::UnstableRun`] joined).
    UnstableReport {
        /// The runs.
        runs: &'a str,
    },
    /// "and N more", after the runs named.
    AndMore(usize),
    /// The progress bar's template (indicatif's placeholders).
    ProgressTemplate,
    /// The progress bar's message: how much faster than real time.
    Speed {
        /// The scenario.
        scenario: &'a str,
        /// Simulated seconds per second of wall-clock time.
        speed: f64,
    },
    /// Report: how many designs.
    DesignCount(usize),
    /// Report: how many replications.
    ReplicationCount(u64),
    /// Report: the root seed.
    Seed(u64),
    /// Report: the swept keys.
    SweepOver {
        /// The keys, joined.
        keys: &'a str,
        /// Sweep points.
        points: usize,
    },
    /// Report: the price catalog.
    Prices {
        /// Its region.
        region: &'a str,
        /// Its date.
        date: &'a str,
    },
    /// Report: designs that were not simulated.
    NotSimulated(&'a str),
    /// Report: a fault's window.
    FaultWindow {
        /// "db outage", as the manifest names it.
        label: &'a str,
        /// Start [s].
        from_s: f64,
        /// End [s].
        to_s: f64,
    },
    /// Report: a deployment of the scenario.
    Deployment {
        /// The fleet deployed to.
        component: &'a str,
        /// Its policy as the scenario writes it (`rolling`).
        policy: &'a str,
        /// `batch_size` as written ("1", "25%").
        batch_size: &'a str,
        /// Start [s].
        at_s: f64,
        /// The new release's share of failed calls, when it is a bad one.
        error_rate: Option<f64>,
        /// The alarm that rolls it back, when one does.
        rollback_on: Option<&'a str>,
    },
    /// Report: the SLO without `designs.csv` (HTML).
    VerdictWithoutDesignsCsv {
        /// The targets, as HTML.
        stated_html: &'a str,
    },
    /// Report: `designs.csv` lacks the verdict's columns (HTML).
    VerdictWithoutColumn {
        /// The targets, as HTML.
        stated_html: &'a str,
    },
    /// Report: the cheapest design that meets the SLO (HTML).
    VerdictCheapest {
        /// The targets, as HTML.
        stated_html: &'a str,
        /// The design and its sweep point, as HTML.
        design_html: &'a str,
        /// Its mean monthly bill, formatted.
        cost: &'a str,
    },
    /// Report: no design meets the SLO (HTML).
    VerdictNone {
        /// The targets, as HTML.
        stated_html: &'a str,
    },
    /// Report: the latency distribution chart's caption.
    CaptionLatency {
        /// The sweep point's label (empty without a sweep).
        point: &'a str,
    },
    /// Report: the timeline chart's caption.
    CaptionTimeline {
        /// The sweep point's label (empty without a sweep).
        point: &'a str,
    },
    /// Report: the caption of the chart against a swept key.
    CaptionSweep {
        /// The swept key.
        key: &'a str,
    },
    /// Report: the design diagram's caption.
    CaptionDiagram {
        /// The sweep point measured (empty without a sweep).
        point: &'a str,
    },
    /// Report: the cost–latency front chart's caption.
    CaptionFront,
    /// Report: the cost chart's caption.
    CaptionCost {
        /// Per million requests at each sweep point, else over the window.
        per_million: bool,
    },
    /// A takeaway's subject in a sweep: the design at the point it is
    /// told at, and why that point.
    TakeawayAt {
        /// The design.
        design: &'a str,
        /// The sweep point ("instances = 4").
        point: &'a str,
        /// Why this point ([`Key::PointMeetsSlo`], …).
        why: &'a str,
    },
    /// A takeaway's first sentence: what became of the requests, against
    /// the baseline's.
    TakeawayCounts {
        /// The design (and its point, [`Line::TakeawayAt`]).
        design: &'a str,
        /// What the scenario calls its requests ("requests", "orders").
        called: &'a str,
        /// Replications the counts add up.
        replications: usize,
        /// Its requests, totals over the replications.
        outcome: Outcome,
        /// The baseline design and its outcome at the same point.
        baseline: Option<(&'a str, Outcome)>,
    },
    /// A takeaway's headline latency: the p99 over all requests.
    TakeawayLatency {
        /// Which latency ([`Key::Response`] or [`Key::Completion`]).
        latency: &'a str,
        /// What the scenario calls its requests ("requests", "orders").
        called: &'a str,
        /// Its p99 over all requests [ms]; infinite when more than 1% were
        /// not completed.
        p99_ms: f64,
        /// The baseline design and its p99 of the same latency [ms].
        baseline: Option<(&'a str, f64)>,
    },
    /// A takeaway's goodput.
    TakeawayGoodput {
        /// Completed requests per second.
        goodput_rps: f64,
        /// What the scenario calls its requests ("requests", "orders").
        called: &'a str,
        /// The baseline design and its goodput.
        baseline: Option<(&'a str, f64)>,
    },
    /// A takeaway's bill.
    TakeawayCost {
        /// The steady-state monthly bill [USD].
        monthly_usd: f64,
        /// What the scenario calls its requests ("requests", "orders").
        called: &'a str,
        /// Per million requests of that month [USD].
        per_million_usd: f64,
        /// The baseline design and its monthly bill [USD].
        baseline: Option<(&'a str, f64)>,
    },
}

/// What became of a takeaway's requests, ", 12 lost, 3 still pending at the
/// end" in English; the parts that are zero left out.
fn rest_of(o: &Outcome, lang: Lang) -> String {
    let mut out = String::new();
    if o.lost > 0.0 {
        let lost = count(o.lost);
        out.push_str(&match lang {
            Lang::En => format!(", {lost} lost"),
            Lang::Ko => format!(", {lost}건 유실"),
        });
    }
    if o.pending > 0.0 {
        let pending = count(o.pending);
        out.push_str(&match lang {
            Lang::En => format!(", {pending} still pending at the end"),
            Lang::Ko => format!(", 끝날 때 {pending}건 진행 중"),
        });
    }
    out
}

/// " (monolith: 292 ms)" after a takeaway's figure; nothing without a
/// baseline to compare with.
fn versus<T>(baseline: Option<(&str, T)>, said: impl Fn(T) -> String) -> String {
    match baseline {
        Some((name, value)) => format!(" ({name}: {})", said(value)),
        None => String::new(),
    }
}

/// " (rate=100)" after a caption's subject; nothing without a sweep.
fn in_parentheses(point: &str) -> String {
    if point.is_empty() {
        String::new()
    } else {
        format!(" ({point})")
    }
}

/// The sentence `line` in `lang`: each line's two languages side by side,
/// so that they are kept in step.
pub fn say(lang: Lang, line: Line<'_>) -> String {
    match line {
        Line::DeltaP99 { baseline } => match lang {
            Lang::En => format!("Δ p99 ms vs {baseline}"),
            Lang::Ko => format!("Δ p99 ms ({baseline} 대비)"),
        },
        Line::DeltaCost { baseline } => match lang {
            Lang::En => format!("Δ $ per month vs {baseline}"),
            Lang::Ko => format!("Δ 월 $ ({baseline} 대비)"),
        },
        Line::AtPoint(point) => match lang {
            Lang::En => format!(" at {point}"),
            Lang::Ko => format!(" ({point})"),
        },
        Line::UnstableDesign {
            design,
            at,
            unstable,
            replications,
        } => match lang {
            Lang::En => format!("{design}{at} ({unstable} of {replications})"),
            Lang::Ko => format!("{design}{at} ({replications}회 중 {unstable}회)"),
        },
        Line::UnstableRun {
            design,
            replication,
            component,
            at_s,
        } => match lang {
            Lang::En => {
                format!("{design}, replication {replication}: <code>{component}</code> at {at_s} s")
            }
            Lang::Ko => {
                format!("{design}, 반복 {replication}: {at_s}초에 <code>{component}</code>")
            }
        },
        Line::UnstableNote { designs } => match lang {
            Lang::En => format!(
                "Unstable at this load: {designs}. A backlog reached the scenario's backlog_limit and those runs ended there (summary.csv says where and when); their figures are no steady state."
            ),
            Lang::Ko => format!(
                "이 부하에서 불안정: {designs}. 적체가 시나리오의 backlog_limit에 도달해 해당 실행은 그 시점에 끝났습니다(어디서 언제인지는 summary.csv에 있습니다). 그 수치는 정상 상태가 아닙니다."
            ),
        },
        Line::UnstableReport { runs } => match lang {
            Lang::En => format!(
                "Unstable at this load: a backlog reached the scenario's <code>backlog_limit</code> and the run ended there, its figures no steady state ({runs})."
            ),
            Lang::Ko => format!(
                "이 부하에서 불안정: 적체가 시나리오의 <code>backlog_limit</code>에 도달해 실행이 그 시점에 끝났으며, 그 수치는 정상 상태가 아닙니다({runs})."
            ),
        },
        Line::AndMore(n) => match lang {
            Lang::En => format!("and {n} more"),
            Lang::Ko => format!("그 밖에 {n}개"),
        },
        Line::CheapestMeetingSlo {
            design,
            at,
            monthly_usd,
            latency,
            p99_ms,
            binding,
            margin_percent,
        } => match lang {
            Lang::En => format!(
                "Cheapest design meeting the SLO: {design}{at}, ${monthly_usd:.2} per month, {latency} p99 {p99_ms:.1} ms over all requests; tightest target {binding} with {margin_percent:.1}% to spare."
            ),
            Lang::Ko => format!(
                "SLO를 충족하는 가장 저렴한 설계: {design}{at}, 월 ${monthly_usd:.2}, 모든 요청에 대한 {latency} p99 {p99_ms:.1} ms. 가장 빠듯한 목표는 {binding}이고 여유는 {margin_percent:.1}%입니다."
            ),
        },
        Line::TableNote {
            replications,
            baseline,
            folder,
        } => match lang {
            Lang::En => format!(
                "(mean ± 95% confidence half-width over {replications} replication{}; Δ: paired difference from {baseline}, ~ where not significant; results in {folder})",
                plural(replications)
            ),
            Lang::Ko => format!(
                "(반복 {replications}회의 평균 ± 95% 신뢰구간 반폭. Δ: {baseline} 대비 대응 차이, ~는 유의하지 않은 차이. 결과: {folder})"
            ),
        },
        Line::ChartsAndReport { charts, report } => match lang {
            Lang::En => {
                format!("Charts in {charts}, the report in {report}")
            }
            Lang::Ko => {
                format!("차트: {charts}, 보고서: {report}")
            }
        },
        Line::PlotWritten { charts, folder } => match lang {
            Lang::En => format!(
                "{charts} chart{} and report.html written in {folder}",
                plural(charts as u64)
            ),
            Lang::Ko => {
                format!("{folder}에 차트 {charts}개와 report.html을 그렸습니다")
            }
        },
        Line::KeptReplications {
            scenario,
            kept,
            folder,
            new_runs,
        } => match lang {
            Lang::En => format!(
                "{scenario}: keeping replication{} 0–{} from {folder}; running {new_runs} new run{}",
                plural(kept),
                kept.saturating_sub(1),
                plural(new_runs as u64)
            ),
            Lang::Ko => format!(
                "{scenario}: {folder}의 반복 0–{}을 그대로 쓰고 새 실행 {new_runs}개를 돌립니다",
                kept.saturating_sub(1)
            ),
        },
        Line::ShardWritten {
            scenario,
            shard,
            of,
            runs,
            folder,
        } => match lang {
            Lang::En => format!(
                "{scenario}: shard {shard}/{of}, {runs} of the scenario's runs, written to {folder}; join the shards with `stratosim merge`"
            ),
            Lang::Ko => format!(
                "{scenario}: 샤드 {shard}/{of}, 시나리오 실행 {runs}개를 {folder}에 썼습니다. 샤드는 `stratosim merge`로 합칩니다"
            ),
        },
        Line::SloMissed { scenario } => match lang {
            Lang::En => {
                format!("{scenario}: no design meets the SLO (--fail-on-slo)")
            }
            Lang::Ko => {
                format!("{scenario}: SLO를 충족하는 설계가 없습니다 (--fail-on-slo)")
            }
        },
        Line::ProgressTemplate => match lang {
            Lang::En => {
                "{spinner} {msg} [{bar:30}] {pos}/{len} runs, {elapsed} elapsed, ETA {eta}".into()
            }
            Lang::Ko => {
                "{spinner} {msg} [{bar:30}] {pos}/{len} 실행, 경과 {elapsed}, 남은 시간 {eta}"
                    .into()
            }
        },
        Line::Speed { scenario, speed } => match lang {
            Lang::En => format!("{scenario} {speed:.0}× real time"),
            Lang::Ko => format!("{scenario} 실제 시간의 {speed:.0}배"),
        },
        Line::DesignCount(n) => match lang {
            Lang::En => format!("{n} design(s)"),
            Lang::Ko => format!("설계 {n}개"),
        },
        Line::ReplicationCount(n) => match lang {
            Lang::En => format!("{n} replication(s)"),
            Lang::Ko => format!("반복 {n}회"),
        },
        Line::Seed(seed) => match lang {
            Lang::En => format!("seed {seed}"),
            Lang::Ko => format!("시드 {seed}"),
        },
        Line::SweepOver { keys, points } => match lang {
            Lang::En => format!("sweep over {keys} ({points} points)"),
            Lang::Ko => format!("스윕: {keys} ({points}개 지점)"),
        },
        Line::Prices { region, date } => match lang {
            Lang::En => format!("prices: {region}, {date}"),
            Lang::Ko => format!("가격: {region}, {date}"),
        },
        Line::NotSimulated(designs) => match lang {
            Lang::En => format!("Not simulated: {designs}"),
            Lang::Ko => format!("시뮬레이션하지 않은 설계: {designs}"),
        },
        Line::FaultWindow {
            label,
            from_s,
            to_s,
        } => match lang {
            Lang::En => format!("{label}: from {from_s} s to {to_s} s"),
            Lang::Ko => format!("{label}: {from_s}초부터 {to_s}초까지"),
        },
        Line::Deployment {
            component,
            policy,
            batch_size,
            at_s,
            error_rate,
            rollback_on,
        } => {
            let bad = error_rate.map_or(String::new(), |e| {
                // A percentage to a tenth: 0.1 is "10", never "10.000000000000002".
                let share = (1000.0 * e).round() / 10.0;
                match lang {
                    Lang::En => format!("; the release fails {share}% of its calls"),
                    Lang::Ko => format!("; 새 릴리스는 호출의 {share}%를 실패"),
                }
            });
            let back = rollback_on.map_or(String::new(), |alarm| match lang {
                Lang::En => format!("; rolled back when {alarm} goes into ALARM"),
                Lang::Ko => format!("; {alarm} 경보가 ALARM이 되면 롤백"),
            });
            match lang {
                Lang::En => format!(
                    "{component}: {policy} deployment in batches of {batch_size}, from {at_s} s{bad}{back}"
                ),
                Lang::Ko => format!(
                    "{component}: {policy} 배포, 배치 크기 {batch_size}, {at_s}초부터{bad}{back}"
                ),
            }
        }
        Line::VerdictWithoutDesignsCsv { stated_html } => match lang {
            Lang::En => {
                format!(
                    "SLO: {stated_html}. No <code>designs.csv</code> in this folder: no verdict."
                )
            }
            Lang::Ko => format!(
                "SLO: {stated_html}. 이 폴더에는 <code>designs.csv</code>가 없어 판정할 수 없습니다."
            ),
        },
        Line::VerdictWithoutColumn { stated_html } => match lang {
            Lang::En => {
                format!("SLO: {stated_html}. <code>designs.csv</code> has no verdict column.")
            }
            Lang::Ko => {
                format!("SLO: {stated_html}. <code>designs.csv</code>에 판정 열이 없습니다.")
            }
        },
        Line::VerdictCheapest {
            stated_html,
            design_html,
            cost,
        } => match lang {
            Lang::En => format!(
                "SLO: {stated_html}. <span class=\"pass\">{design_html}</span> meets it at the lowest cost: \
             ${cost} per month (mean)."
            ),
            Lang::Ko => format!(
                "SLO: {stated_html}. 가장 적은 비용으로 충족하는 설계: <span class=\"pass\">{design_html}</span> \
             (월 요금 평균 ${cost})."
            ),
        },
        Line::VerdictNone { stated_html } => match lang {
            Lang::En => format!(
                "SLO: {stated_html}. <span class=\"fail\">{}</span>",
                text(Lang::En, Key::NoDesignMeetsSlo)
            ),
            Lang::Ko => format!(
                "SLO: {stated_html}. <span class=\"fail\">{}</span>",
                text(Lang::Ko, Key::NoDesignMeetsSlo)
            ),
        },
        Line::CaptionLatency { point } => match lang {
            Lang::En => format!(
                "Latency distribution per design{}: the fraction of successful requests \
             answered within a given time (log scale), p50 and p99 marked.",
                in_parentheses(point)
            ),
            Lang::Ko => format!(
                "설계별 지연 시간 분포{}: 성공한 요청 중 주어진 시간 안에 응답한 비율(로그 눈금), \
             p50과 p99 표시.",
                in_parentheses(point)
            ),
        },
        Line::CaptionTimeline { point } => match lang {
            Lang::En => format!(
                "Behaviour over time per design{}: each panel one metric per interval, \
             fault windows shaded.",
                in_parentheses(point)
            ),
            Lang::Ko => format!(
                "설계별 시간에 따른 변화{}: 패널마다 구간별 지표 하나, 장애 구간은 음영 표시.",
                in_parentheses(point)
            ),
        },
        Line::CaptionSweep { key } => match lang {
            Lang::En => format!(
                "Each metric against {key}: a line per design, the mean over replications \
             with its 95% confidence band."
            ),
            Lang::Ko => {
                format!(
                    "{key}에 따른 각 지표: 설계마다 선 하나, 반복 실행의 평균과 95% 신뢰 구간 띠."
                )
            }
        },
        Line::CaptionDiagram { point } => match lang {
            Lang::En => format!(
                "Each design drawn{}: a box per component, tinted by kind; solid arrows wait for \
             the answer (routes, calls), dashed ones hand work on (sends, subscriptions, a \
             queue's consumer, dead-letter and on-failure destinations, an alarm's watches, \
             notifications and scaling actions). Each box gives the \
             component's utilisation, the calls it handled per second and its errors, the \
             mean over replications of the measured window.",
                in_parentheses(point)
            ),
            Lang::Ko => format!(
                "설계별 구성도{}: 구성 요소마다 종류별 색의 상자 하나. 실선 화살표는 응답을 \
             기다리는 연결(라우팅, 호출), 점선 화살표는 작업을 넘기는 연결(전송, 구독, \
             대기열의 소비자, 배달 못한 편지 대기열과 실패 시 대상, 경보의 감시, 알림, 조정 \
             작업)입니다. 상자마다 구성 \
             요소의 사용률, 초당 처리한 호출 수와 오류 수를 측정 구간의 반복 실행 평균으로 \
             표시합니다.",
                in_parentheses(point)
            ),
        },
        Line::CaptionFront => match lang {
            Lang::En => "Cost per million successful requests against the p99 over all \
                               requests for every design and sweep point; hollow points fail \
                               more than their budget and are never on the front; the \
                               Pareto-optimal ones (no other is both cheaper and faster) are \
                               joined, the SLO's answer is ringed, and the SLO's p99 bound is \
                               the vertical line."
                .into(),
            Lang::Ko => "모든 설계와 스윕 지점의, 모든 요청에 대한 p99 대비 성공한 \
                               요청 100만 건당 비용. 속이 빈 점은 실패 허용 한도를 넘어 \
                               곡선에서 빠지고, 파레토 최적인 점(더 싸면서 더 빠른 다른 점이 \
                               없는 점)을 잇고, SLO의 답은 고리로, SLO의 p99 한도는 세로선으로 \
                               표시."
                .into(),
        },
        Line::CaptionCost { per_million } => match lang {
            Lang::En => format!(
                "What each design costs, stacked by component ({}).",
                if per_million {
                    "USD per million requests at each sweep point"
                } else {
                    "USD over the measured window"
                }
            ),
            Lang::Ko => format!(
                "설계별 비용, 구성 요소별로 쌓음({}).",
                if per_million {
                    "스윕 지점별 100만 건당 USD"
                } else {
                    "측정 구간의 USD"
                }
            ),
        },
        Line::TakeawayAt { design, point, why } => match lang {
            Lang::En => format!("{design} at {point} ({why})"),
            Lang::Ko => format!("{design} ({point}, {why})"),
        },
        Line::TakeawayCounts {
            design,
            called,
            replications,
            outcome: o,
            baseline,
        } => {
            let (total, served) = (count(o.requests), count(o.served));
            let (failed, share, rest) = (
                count(o.failed),
                percent(o.failed, o.requests),
                rest_of(&o, lang),
            );
            let of_baseline = baseline.map_or(String::new(), |(name, b)| {
                let (failed, share, rest) = (
                    count(b.failed),
                    percent(b.failed, b.requests),
                    rest_of(&b, lang),
                );
                match lang {
                    Lang::En => format!("; {name}: {failed} failed ({share}){rest}"),
                    Lang::Ko => format!("; {name}: {failed}건 실패({share}){rest}"),
                }
            });
            match lang {
                Lang::En => format!(
                    "{design}: {served} of {total} {called} completed over {replications} \
                     replication{}; {failed} failed ({share}){rest}{of_baseline}.",
                    plural(replications as u64),
                ),
                Lang::Ko => format!(
                    "{design}: 반복 {replications}회 동안 {called} {total}건 중 {served}건 완료, \
                     {failed}건 실패({share}){rest}{of_baseline}."
                ),
            }
        }
        Line::TakeawayLatency {
            latency,
            called,
            p99_ms,
            baseline,
        } => {
            let said = |ms: f64| match (ms.is_finite(), lang) {
                (true, _) => duration(ms, lang),
                (false, Lang::En) => "unbounded".into(),
                (false, Lang::Ko) => "상한 없음".into(),
            };
            let vs = match baseline {
                // "unbounded (monolith: unbounded)" reads as a stammer.
                Some((name, ms)) if !p99_ms.is_finite() && !ms.is_finite() => match lang {
                    Lang::En => format!(", as for {name}"),
                    Lang::Ko => format!(" ({name}도 마찬가지)"),
                },
                _ => versus(baseline, said),
            };
            match (p99_ms.is_finite(), lang) {
                (true, Lang::En) => format!(
                    "p99 {latency} time over all {called}: {}{vs}.",
                    said(p99_ms)
                ),
                (true, Lang::Ko) => format!("전체 {called}의 {latency} p99: {}{vs}.", said(p99_ms)),
                (false, Lang::En) => format!(
                    "More than 1% of the {called} never completed (failed, lost or still \
                     pending), so the p99 {latency} time over all {called} is unbounded{vs}."
                ),
                (false, Lang::Ko) => format!(
                    "{called}의 1% 넘게 끝내 완료되지 못해(실패·유실·진행 중) 전체 {called}의 {latency} \
                     p99에는 상한이 없습니다{vs}."
                ),
            }
        }
        Line::TakeawayGoodput {
            goodput_rps,
            called,
            baseline,
        } => match lang {
            Lang::En => format!(
                "Goodput: {} completed {called} per second{}.",
                rate(goodput_rps),
                versus(baseline, rate)
            ),
            Lang::Ko => format!(
                "유효 처리량: 초당 {}건 완료{}.",
                rate(goodput_rps),
                versus(baseline, |g| format!("{}건", rate(g)))
            ),
        },
        Line::TakeawayCost {
            monthly_usd,
            called,
            per_million_usd,
            baseline,
        } => match lang {
            Lang::En => format!(
                "{} per month, {} per million {called}{}.",
                dollars(monthly_usd),
                dollars(per_million_usd),
                versus(baseline, |usd| format!("{} per month", dollars(usd)))
            ),
            Lang::Ko => format!(
                "월 {}, {called} 100만 건당 {}{}.",
                dollars(monthly_usd),
                dollars(per_million_usd),
                versus(baseline, |usd| format!("월 {}", dollars(usd)))
            ),
        },
    }
}

fn plural(n: impl Into<u64>) -> &'static str {
    if n.into() == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_text_in_every_language() {
        let keys = [
            Key::Design,
            Key::Lesson,
            Key::FromDesignsCsv,
            Key::NoSloNoVerdict,
        ];
        for key in keys {
            for lang in [Lang::En, Lang::Ko] {
                assert!(!text(lang, key).is_empty());
            }
            assert_ne!(text(Lang::En, key), text(Lang::Ko, key));
        }
        assert_eq!(Lang::Ko.tag(), "ko");
    }

    #[test]
    fn sentences_put_values_where_each_language_wants_them() {
        let line = Line::KeptReplications {
            scenario: "mmc",
            kept: 2,
            folder: "out",
            new_runs: 4,
        };
        assert_eq!(
            say(Lang::En, line),
            "mmc: keeping replications 0–1 from out; running 4 new runs"
        );
        assert_eq!(
            say(Lang::Ko, line),
            "mmc: out의 반복 0–1을 그대로 쓰고 새 실행 4개를 돌립니다"
        );
        let f = Line::FaultWindow {
            label: "db outage",
            from_s: 600.0,
            to_s: 720.5,
        };
        assert_eq!(say(Lang::En, f), "db outage: from 600 s to 720.5 s");
        assert_eq!(say(Lang::Ko, f), "db outage: 600초부터 720.5초까지");
    }
}
