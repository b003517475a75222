//! The words drawn inside the charts (titles, axis descriptions, legends,
//! notes, the diagram's boxes), in each language (`--lang`).
//!
//! Organised as the terminal's and the report's words are (`lang.rs`):
//! fixed words are [`Word`]s ([`word`]); phrases that carry values are
//! [`Phrase`]s ([`say`]), since the values sit at different places in each
//! language. Each language is one exhaustive `match`, so a new word does
//! not compile until every language has it. Units (ms, s, $, USD) and
//! what the scenario names (designs, components, alarms, swept keys, fault
//! kinds) are the same in every language; so are the CloudWatch states
//! (ALARM), as the AWS consoles show them.

use std::borrow::Cow;

use super::number::format_number;
use crate::output::language::Lang;

/// A fixed word or phrase of a chart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    /// Title: the latency distribution chart.
    LatencyTitle,
    /// Title: the timeline.
    TimelineTitle,
    /// Title: the cost by component chart.
    CostTitle,
    /// Title: the cost–latency front.
    FrontTitle,
    /// Title: the design diagram.
    DiagramTitle,
    /// Panel: response times.
    ResponsePanel,
    /// Panel: completion times.
    CompletionPanel,
    /// Axis: response time in ms.
    ResponseTimeMs,
    /// Axis: completion time in ms.
    CompletionTimeMs,
    /// Axis: the cumulative fraction of requests.
    FractionOfRequests,
    /// Note: the latency chart counts only the successful requests.
    SuccessfulOnly,
    /// Panel: the arrival rate.
    ArrivalRate,
    /// Panel: the p99 of each interval.
    P99PerInterval,
    /// Panel: the messages visible in queues.
    QueueMessages,
    /// Panel: the instances in service.
    InstancesInService,
    /// Panel: Lambda concurrency.
    LambdaConcurrency,
    /// Panel: failed requests.
    FailedRequests,
    /// Timeline panel: lost requests, with what "lost" means.
    LostRequestsNeverDone,
    /// Sweep panel: lost requests.
    LostRequests,
    /// Panel: the alarms' lanes.
    AlarmsPanel,
    /// Unit: milliseconds (the same in every language).
    Ms,
    /// Unit: requests per second.
    RequestsPerS,
    /// Unit: queue messages.
    Messages,
    /// Unit: instances.
    Instances,
    /// Unit: Lambda execution environments.
    Environments,
    /// Note: what the shading is.
    ShadedFaults,
    /// Note: what the vertical lines are.
    DeploymentLines,
    /// Legend: the shade of an alarm in ALARM.
    AlarmInAlarm,
    /// Note: what the cost bars cover.
    MeasuredWindowAfterWarmup,
    /// Axis: cost per million requests.
    CostPerMillionUsd,
    /// Axis: cost of the measured window.
    CostOverWindowUsd,
    /// Sweep panel: the median response time.
    MedianResponse,
    /// Sweep panel: the p99 over all requests.
    P99AllRequests,
    /// Sweep panel: throughput.
    Throughput,
    /// Sweep panel: cost per million requests.
    CostPerMillion,
    /// Sweep axis: the median (the same in every language).
    P50Ms,
    /// Sweep axis: the p99 (the same in every language).
    P99Ms,
    /// Sweep axis: failed requests, percent.
    FailedPercent,
    /// Sweep axis: lost requests, percent.
    LostPercent,
    /// Sweep axis: completed requests per second.
    CompletedPerS,
    /// Sweep axis: USD per million requests.
    UsdPerMillion,
    /// Sweep note: means and their confidence bands.
    ConfidenceNote,
    /// Sweep note: which p99 an asynchronous design is drawn with.
    CompletionNote,
    /// Sweep note: what a hollow marker at the top is.
    HollowTop,
    /// Front axis: the p99 of response.
    FrontResponseAxis,
    /// Front axis: the p99 of completion.
    FrontCompletionAxis,
    /// Front axis: either, by design.
    FrontMixedAxis,
    /// Front axis: cost per million successful requests.
    FrontCostAxis,
    /// Front note: what the points' labels are.
    SweptLabels,
    /// Front note: what ∞ is.
    InfiniteNotServed,
    /// Front legend: the joined points.
    ParetoOptimal,
    /// Front legend: the ringed point.
    AnswerCheapest,
    /// Front label: no request of the point completed.
    NoneCompleted,
    /// Front label: the point is the SLO's answer.
    SlosAnswer,
    /// Diagram legend: the solid arrows.
    Synchronous,
    /// Diagram legend: the dashed arrows, the alarms' among them.
    Asynchronous,
    /// Diagram band: no request was measured.
    NoRequest,
    /// Diagram band: no request failed, was lost or is pending.
    EveryRequestCompleted,
}

/// The text of `w` in `lang`: each word's two languages side by side, so
/// that they are kept in step.
pub fn word(lang: Lang, w: Word) -> &'static str {
    let (english, korean) = match w {
        Word::LatencyTitle => ("Latency distribution", "지연 시간 분포"),
        Word::TimelineTitle => ("Over time", "시간에 따른 변화"),
        Word::CostTitle => ("Cost by component", "구성 요소별 비용"),
        Word::FrontTitle => ("Cost against p99", "p99 대비 비용"),
        Word::DiagramTitle => ("Designs", "설계"),
        Word::ResponsePanel => (
            "Response time (what the client waited)",
            "응답 시간(클라이언트가 기다린 시간)",
        ),
        Word::CompletionPanel => (
            "Completion time (until all its work finished)",
            "완료 시간(모든 작업이 끝날 때까지)",
        ),
        Word::ResponseTimeMs => ("response time [ms]", "응답 시간 [ms]"),
        Word::CompletionTimeMs => ("completion time [ms]", "완료 시간 [ms]"),
        Word::FractionOfRequests => ("fraction of requests", "요청 비율"),
        Word::SuccessfulOnly => ("successful requests only", "성공한 요청만"),
        Word::ArrivalRate => ("Arrival rate", "도착률"),
        Word::P99PerInterval => ("p99 response time per interval", "구간별 p99 응답 시간"),
        Word::QueueMessages => ("Messages visible in queues", "대기열에 표시되는 메시지"),
        Word::InstancesInService => ("Instances in service", "서비스 중인 인스턴스"),
        Word::LambdaConcurrency => (
            "Lambda concurrency (mean busy environments)",
            "Lambda 동시성(사용 중인 실행 환경 평균)",
        ),
        Word::FailedRequests => ("Failed requests", "실패한 요청"),
        Word::LostRequestsNeverDone => (
            "Lost requests (success, but work never done)",
            "유실된 요청(성공 응답, 작업은 끝나지 않음)",
        ),
        Word::LostRequests => ("Lost requests", "유실된 요청"),
        Word::AlarmsPanel => ("Alarms in ALARM", "ALARM 상태인 경보"),
        Word::Ms => ("ms", "ms"),
        Word::RequestsPerS => ("requests/s", "요청/s"),
        Word::Messages => ("messages", "메시지"),
        Word::Instances => ("instances", "인스턴스"),
        Word::Environments => ("environments", "실행 환경"),
        Word::ShadedFaults => ("shaded: fault windows", "음영: 장애 구간"),
        Word::DeploymentLines => ("vertical lines: deployments begin", "세로선: 배포 시작"),
        Word::AlarmInAlarm => (
            "alarm in ALARM (darker: in more replications)",
            "ALARM 상태인 경보(진할수록 더 많은 반복에서)",
        ),
        Word::MeasuredWindowAfterWarmup => (
            "the measured window (after warmup)",
            "측정 구간(워밍업 이후)",
        ),
        Word::CostPerMillionUsd => (
            "cost per million requests [USD]",
            "요청 100만 건당 비용 [USD]",
        ),
        Word::CostOverWindowUsd => (
            "cost over the measured window [USD]",
            "측정 구간의 비용 [USD]",
        ),
        Word::MedianResponse => ("Median response time", "응답 시간 중앙값"),
        Word::P99AllRequests => ("p99 over all requests", "전체 요청의 p99"),
        Word::Throughput => ("Throughput", "처리량"),
        Word::CostPerMillion => ("Cost per million requests", "요청 100만 건당 비용"),
        Word::P50Ms => ("p50 [ms]", "p50 [ms]"),
        Word::P99Ms => ("p99 [ms]", "p99 [ms]"),
        Word::FailedPercent => ("failed [% of requests]", "실패 [요청의 %]"),
        Word::LostPercent => ("lost [% of requests]", "유실 [요청의 %]"),
        Word::CompletedPerS => ("completed [requests/s]", "완료 [요청/s]"),
        Word::UsdPerMillion => ("[USD per million]", "[100만 건당 USD]"),
        Word::ConfidenceNote => (
            "mean over replications; shaded: 95% confidence interval (none with one replication)",
            "반복 실행의 평균; 음영: 95% 신뢰구간(반복 1회면 없음)",
        ),
        Word::CompletionNote => (
            "p99 of completion for designs answered before their work is done",
            "작업이 끝나기 전에 응답하는 설계는 완료 p99",
        ),
        Word::HollowTop => (
            "hollow at the top: p99 ∞, over 1% of requests not served",
            "맨 위의 속이 빈 점: p99 ∞, 요청의 1% 넘게 처리되지 않음",
        ),
        Word::FrontResponseAxis => (
            "p99 response time over all requests [ms]",
            "전체 요청의 p99 응답 시간 [ms]",
        ),
        Word::FrontCompletionAxis => (
            "p99 completion time over all requests [ms]",
            "전체 요청의 p99 완료 시간 [ms]",
        ),
        Word::FrontMixedAxis => (
            "p99 over all requests [ms]: response, completion for asynchronous designs",
            "전체 요청의 p99 [ms]: 응답, 비동기 설계는 완료",
        ),
        Word::FrontCostAxis => (
            "cost per million successful requests [USD]",
            "성공한 요청 100만 건당 비용 [USD]",
        ),
        Word::SweptLabels => (
            "labels: the swept values that change each design",
            "라벨: 설계마다 결과를 바꾸는 스윕 값",
        ),
        Word::InfiniteNotServed => ("∞: over 1% not served", "∞: 1% 넘게 처리되지 않음"),
        Word::ParetoOptimal => ("Pareto-optimal", "파레토 최적"),
        Word::AnswerCheapest => (
            "the SLO's answer: the cheapest meeting it",
            "SLO의 답: 충족하는 것 중 가장 저렴",
        ),
        Word::NoneCompleted => ("none completed", "완료된 요청 없음"),
        Word::SlosAnswer => ("the SLO's answer", "SLO의 답"),
        Word::Synchronous => ("synchronous: routes, calls", "동기: 라우팅, 호출"),
        Word::Asynchronous => (
            "asynchronous: sends, subscriptions, consumers, dead letters, on failure; \
             alarms' watches, notifications and scaling actions",
            "비동기: 전송, 구독, 소비자, 배달 못한 편지, 실패 시 대상; \
             경보의 감시, 알림, 조정 작업",
        ),
        Word::NoRequest => ("no request in the measured window", "측정 구간에 요청 없음"),
        Word::EveryRequestCompleted => ("every request completed", "모든 요청 완료"),
    };
    lang.pick(english, korean)
}

/// A chart phrase that carries values.
#[derive(Clone, Copy, Debug)]
pub enum Phrase<'a> {
    /// A chart's title: what it shows, then the scenario.
    Title {
        /// What the chart shows.
        chart: Word,
        /// The scenario's name.
        scenario: &'a str,
    },
    /// The sweep chart's title.
    Against {
        /// The swept key.
        key: &'a str,
        /// The scenario's name.
        scenario: &'a str,
    },
    /// How many replications a chart's values are the mean of.
    Replications(u64),
    /// An axis description on a log scale.
    LogScale(&'a str),
    /// The time axis, in `unit` (s, min, h).
    Time(&'a str),
    /// The timeline's points each average this many intervals.
    PointsAverage(usize),
    /// The SLO's p99 bound as a line's legend.
    SloBound {
        /// Of completion (else of response).
        completion: bool,
        /// The bound [ms].
        ms: f64,
        /// The verdict counts the whole window, not an interval.
        whole_window: bool,
    },
    /// A deployment's line: its component and policy.
    Deployment {
        /// The component deployed.
        component: &'a str,
        /// The policy (`rolling`, …).
        policy: &'a str,
    },
    /// A front point's share of failed requests [%, formatted].
    FailedShare(&'a str),
    /// The front's note on hollow points: the failure budget [%, formatted].
    Hollow(&'a str),
    /// The diagram's note: what a box says, over how many replications,
    /// at which sweep point (empty without a sweep).
    DiagramNote {
        /// [`Phrase::Replications`], said.
        replications: &'a str,
        /// The sweep point's label.
        point: &'a str,
    },
    /// A box's utilisation [%, formatted].
    Busy(&'a str),
    /// A box's errors [formatted].
    Errors(&'a str),
    /// An alarm's box: how many times it went into ALARM over the whole
    /// run (warmup included, as `alarms.csv` records it), the mean over
    /// replications [formatted].
    IntoAlarm(&'a str),
    /// A band's share of requests not completed [%, formatted].
    NotCompleted(&'a str),
}

/// The text of `phrase` in `lang`.
pub fn say(lang: Lang, phrase: Phrase<'_>) -> String {
    match phrase {
        Phrase::Title { chart, scenario } => format!("{} — {scenario}", word(lang, chart)),
        Phrase::Against { key, scenario } => match lang {
            Lang::En => format!("Against {key} — {scenario}"),
            Lang::Ko => format!("{key}에 따른 변화 — {scenario}"),
        },
        Phrase::Replications(n) => match (lang, n) {
            (Lang::En, 1) => "1 replication".to_string(),
            (Lang::En, n) => format!("mean over {n} replications"),
            (Lang::Ko, 1) => "반복 1회".to_string(),
            (Lang::Ko, n) => format!("반복 {n}회의 평균"),
        },
        Phrase::LogScale(desc) => match lang {
            Lang::En => format!("{desc}, log scale"),
            Lang::Ko => format!("{desc}, 로그 눈금"),
        },
        Phrase::Time(unit) => match lang {
            Lang::En => format!("time [{unit}]"),
            Lang::Ko => format!("시간 [{unit}]"),
        },
        Phrase::PointsAverage(n) => match lang {
            Lang::En => format!("each point averages {n} intervals"),
            Lang::Ko => format!("점마다 구간 {n}개의 평균"),
        },
        Phrase::SloBound {
            completion,
            ms,
            whole_window,
        } => {
            let ms = format_number(ms, 0);
            let (what, whole) = match lang {
                Lang::En => (
                    if completion { "completion" } else { "response" },
                    " (over the whole window)",
                ),
                Lang::Ko => (
                    if completion { "완료" } else { "응답" },
                    " (측정 구간 전체)",
                ),
            };
            let whole = if whole_window { whole } else { "" };
            format!("SLO: {what} p99 ≤ {ms} ms{whole}")
        }
        Phrase::Deployment { component, policy } => match lang {
            Lang::En => format!("{component} {policy} deployment"),
            Lang::Ko => format!("{component} {policy} 배포"),
        },
        Phrase::FailedShare(percent) => match lang {
            Lang::En => format!("{percent}% failed"),
            Lang::Ko => format!("{percent}% 실패"),
        },
        Phrase::Hollow(budget) => match lang {
            Lang::En => format!("hollow: over {budget}% failed or lost, never on the front"),
            Lang::Ko => format!("속이 빈 점: {budget}% 넘게 실패 또는 유실, 곡선에서 제외"),
        },
        Phrase::DiagramNote {
            replications,
            point,
        } => match lang {
            Lang::En => {
                let at = if point.is_empty() {
                    String::new()
                } else {
                    format!(" at {point}")
                };
                format!(
                    "each box: component (kind), % busy, calls handled per second, errors · \
                     {replications}{at} · the measured window"
                )
            }
            Lang::Ko => {
                let at = if point.is_empty() {
                    String::new()
                } else {
                    format!(" ({point})")
                };
                format!(
                    "상자: 구성 요소(종류), 사용률 %, 초당 처리한 호출 수, 오류 · \
                     {replications}{at} · 측정 구간"
                )
            }
        },
        Phrase::Busy(percent) => match lang {
            Lang::En => format!("{percent}% busy"),
            Lang::Ko => format!("사용률 {percent}%"),
        },
        Phrase::Errors(count) => match lang {
            Lang::En => format!("errors {count}"),
            Lang::Ko => format!("오류 {count}"),
        },
        Phrase::IntoAlarm(times) => match lang {
            Lang::En => format!("into ALARM {times}× in the run"),
            Lang::Ko => format!("실행 중 ALARM 전환 {times}회"),
        },
        Phrase::NotCompleted(percent) => match lang {
            Lang::En => format!("{percent}% of requests failed, lost or pending"),
            Lang::Ko => format!("요청의 {percent}%가 실패, 유실 또는 진행 중"),
        },
    }
}

/// A component kind as the diagram writes it (`load_balancer`: "load
/// balancer", "로드 밸런서"); a kind this file does not know, as written.
pub fn component_kind(lang: Lang, kind: &str) -> Cow<'static, str> {
    let (english, korean) = match kind {
        "load_balancer" => ("load balancer", "로드 밸런서"),
        "api_gateway" => ("api gateway", "API 게이트웨이"),
        "ec2" => ("ec2", "EC2"),
        "fargate" => ("fargate", "Fargate"),
        "lambda" => ("lambda", "Lambda"),
        "queue" => ("queue", "대기열"),
        "topic" => ("topic", "주제"),
        "database" => ("database", "데이터베이스"),
        "alarm" => ("alarm", "경보"),
        "db_proxy" => ("db proxy", "DB 프록시"),
        other => return Cow::Owned(other.replace('_', " ")),
    };
    Cow::Borrowed(lang.pick(english, korean))
}

/// A link kind as the diagram writes it along an arrow (`dead_letter`:
/// "dead letter", "배달 못한 편지"); a kind this file does not know, as
/// written.
pub fn link_kind(lang: Lang, kind: &str) -> Cow<'static, str> {
    let (english, korean) = match kind {
        "routes" => ("routes", "라우팅"),
        "calls" => ("calls", "호출"),
        "sends" => ("sends", "전송"),
        "consumer" => ("consumer", "소비자"),
        "dead_letter" => ("dead letter", "배달 못한 편지"),
        "subscription" => ("subscription", "구독"),
        "on_failure" => ("on failure", "실패 시"),
        "watches" => ("watches", "감시"),
        "notifies" => ("notifies", "알림"),
        "scales" => ("scales", "조정"),
        other => return Cow::Owned(other.replace('_', " ")),
    };
    Cow::Borrowed(lang.pick(english, korean))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_korean_in_korean_and_unchanged_in_english() {
        assert_eq!(word(Lang::En, Word::LatencyTitle), "Latency distribution");
        assert_eq!(word(Lang::Ko, Word::LatencyTitle), "지연 시간 분포");
        // Units are the same in both.
        assert_eq!(word(Lang::Ko, Word::P99Ms), word(Lang::En, Word::P99Ms));
        let title = Phrase::Title {
            chart: Word::CostTitle,
            scenario: "웹",
        };
        assert_eq!(say(Lang::En, title), "Cost by component — 웹");
        assert_eq!(say(Lang::Ko, title), "구성 요소별 비용 — 웹");
    }

    #[test]
    fn phrases_put_values_where_each_language_wants_them() {
        let bound = Phrase::SloBound {
            completion: false,
            ms: 1500.0,
            whole_window: true,
        };
        assert_eq!(
            say(Lang::En, bound),
            "SLO: response p99 ≤ 1500 ms (over the whole window)"
        );
        assert_eq!(
            say(Lang::Ko, bound),
            "SLO: 응답 p99 ≤ 1500 ms (측정 구간 전체)"
        );
        assert_eq!(say(Lang::En, Phrase::Replications(1)), "1 replication");
        assert_eq!(say(Lang::Ko, Phrase::Replications(3)), "반복 3회의 평균");
        let against = Phrase::Against {
            key: "rate",
            scenario: "s",
        };
        assert_eq!(say(Lang::Ko, against), "rate에 따른 변화 — s");
    }

    #[test]
    fn kinds_are_named_and_unknown_ones_kept() {
        assert_eq!(component_kind(Lang::En, "load_balancer"), "load balancer");
        assert_eq!(component_kind(Lang::Ko, "queue"), "대기열");
        assert_eq!(component_kind(Lang::Ko, "new_kind"), "new kind");
        assert_eq!(link_kind(Lang::En, "dead_letter"), "dead letter");
        assert_eq!(link_kind(Lang::Ko, "scales"), "조정");
    }
}
