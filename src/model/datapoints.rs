//! The datapoints a CloudWatch alarm evaluates, and its M-of-N rule: one
//! module for the alarms of `kind = "alarm"` and for those an Auto Scaling
//! policy creates inside its group.
//!
//! An alarm keeps the latest N datapoints of its metric, one per period
//! (`None`: no data that period). It is in ALARM when at least M of them
//! breach its threshold ("M out of N", `datapoints_to_alarm` of
//! `evaluation_periods`), OK when fewer do; how a missing datapoint counts
//! is its `treat_missing_data` (AWS CloudWatch user guide, "Configuring how
//! CloudWatch alarms treat missing data").

use std::collections::VecDeque;

use crate::settings::{Comparison, MissingData};

/// The latest datapoints of a metric, newest last.
#[derive(Clone, Debug)]
pub struct Datapoints {
    recent: VecDeque<Option<f64>>,
    keep: usize,
}

impl Datapoints {
    /// Keeps the latest `keep` datapoints.
    pub fn new(keep: usize) -> Self {
        Datapoints {
            recent: VecDeque::with_capacity(keep + 1),
            keep,
        }
    }

    /// A period ended with `value` (`None`: no data).
    pub fn push(&mut self, value: Option<f64>) {
        self.recent.push_back(value);
        while self.recent.len() > self.keep {
            self.recent.pop_front();
        }
    }

    /// The state of an alarm on these datapoints (the latest `rule.of` of
    /// them) that is now in `current`.
    pub fn evaluate(&self, rule: &MOfN, breaches: impl Fn(f64) -> bool) -> AlarmState {
        let window = self.recent.iter().rev().take(rule.of as usize);
        let (mut breaching, mut missing, mut seen) = (0u32, 0u32, 0u32);
        for v in window {
            seen += 1;
            match v {
                Some(x) if breaches(*x) => breaching += 1,
                Some(_) => {}
                None => missing += 1,
            }
        }
        // Periods not yet reached count as missing.
        missing += rule.of - seen;
        match rule.missing {
            MissingData::Breaching => breaching += missing,
            MissingData::NotBreaching => {}
            MissingData::Missing if missing == rule.of => return AlarmState::InsufficientData,
            MissingData::Missing => {}
            // "The current alarm state is maintained" when the newest
            // datapoint is missing.
            MissingData::Ignore if self.recent.back().is_none_or(Option::is_none) => {
                return rule.current;
            }
            MissingData::Ignore => {}
        }
        if breaching >= rule.m {
            AlarmState::Alarm
        } else {
            AlarmState::Ok
        }
    }
}

/// An alarm's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AlarmState {
    /// Not enough data to decide (every alarm begins so).
    InsufficientData,
    /// Fewer than M of N datapoints breach.
    Ok,
    /// At least M of N datapoints breach.
    Alarm,
}

impl AlarmState {
    /// As CloudWatch names it, and as `alarms.csv` writes it.
    pub fn name(self) -> &'static str {
        match self {
            AlarmState::InsufficientData => "INSUFFICIENT_DATA",
            AlarmState::Ok => "OK",
            AlarmState::Alarm => "ALARM",
        }
    }

    /// The value of the `alarm_state` metric: 1 in ALARM, 0 OK, -1 without data.
    pub fn value(self) -> f64 {
        match self {
            AlarmState::InsufficientData => -1.0,
            AlarmState::Ok => 0.0,
            AlarmState::Alarm => 1.0,
        }
    }
}

/// An evaluation: M breaching of the latest N, missing data treated as
/// `missing`, for an alarm now in `current`.
#[derive(Clone, Copy, Debug)]
pub struct MOfN {
    /// `datapoints_to_alarm`.
    pub m: u32,
    /// `evaluation_periods`.
    pub of: u32,
    /// `treat_missing_data`.
    pub missing: MissingData,
    /// The alarm's state before this evaluation.
    pub current: AlarmState,
}

/// What an alarm evaluates: M of its latest N datapoints against its
/// threshold, missing data as its treatment says.
#[derive(Clone, Copy, Debug)]
pub struct AlarmRule {
    /// `datapoints_to_alarm` (M).
    pub m: u32,
    /// `evaluation_periods` (N).
    pub of: u32,
    /// `treat_missing_data`.
    pub missing: MissingData,
    /// How a datapoint meets the threshold.
    pub comparison: Comparison,
    /// The threshold.
    pub threshold: f64,
}

/// A CloudWatch alarm's evaluation: its rule, its latest datapoints and its
/// state. The one alarm model: a `kind = "alarm"` holds one, and so does
/// each alarm an Auto Scaling policy creates inside its group (target
/// tracking's high and low alarms, a step policy's scale-out and scale-in
/// alarms).
#[derive(Clone, Debug)]
pub struct Evaluation {
    rule: AlarmRule,
    datapoints: Datapoints,
    state: AlarmState,
}

impl Evaluation {
    /// An alarm in INSUFFICIENT_DATA, as every alarm begins.
    pub fn new(rule: AlarmRule) -> Self {
        Evaluation {
            datapoints: Datapoints::new(rule.of as usize),
            state: AlarmState::InsufficientData,
            rule,
        }
    }

    /// A period's datapoint (`None`: no data) is evaluated: returns the
    /// alarm's state after it.
    pub fn push(&mut self, datapoint: Option<f64>) -> AlarmState {
        self.datapoints.push(datapoint);
        let r = self.rule;
        let rule = MOfN {
            m: r.m,
            of: r.of,
            missing: r.missing,
            current: self.state,
        };
        self.state = self
            .datapoints
            .evaluate(&rule, |x| r.comparison.breaches(x, r.threshold));
        self.state
    }

    /// The alarm's state.
    pub fn state(&self) -> AlarmState {
        self.state
    }

    /// The alarm's rule.
    pub fn rule(&self) -> &AlarmRule {
        &self.rule
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const X: Option<f64> = Some(10.0);
    const O: Option<f64> = Some(0.0);
    const MISSING: Option<f64> = None;

    fn state(points: &[Option<f64>], m: u32, of: u32, missing: MissingData) -> AlarmState {
        state_from(points, m, of, missing, AlarmState::Ok)
    }

    fn state_from(
        points: &[Option<f64>],
        m: u32,
        of: u32,
        missing: MissingData,
        current: AlarmState,
    ) -> AlarmState {
        let mut d = Datapoints::new(of as usize);
        points.iter().for_each(|&p| d.push(p));
        let rule = MOfN {
            m,
            of,
            missing,
            current,
        };
        d.evaluate(&rule, |x| x > 5.0)
    }

    #[test]
    fn m_of_n_breaching_datapoints_set_off_the_alarm() {
        use AlarmState::*;
        let m = MissingData::Missing;
        // 2 of 3: the second breaching datapoint within three periods.
        assert_eq!(state(&[X], 2, 3, m), Ok);
        assert_eq!(state(&[X, O], 2, 3, m), Ok);
        assert_eq!(state(&[X, O, X], 2, 3, m), Alarm);
        // The first has left the window of three.
        assert_eq!(state(&[X, O, O, X], 2, 3, m), Ok);
        assert_eq!(state(&[X, X, X, O, O], 3, 3, m), Ok);
        assert_eq!(state(&[O, X, X, X], 3, 3, m), Alarm);
    }

    #[test]
    fn missing_data_counts_as_its_treatment_says() {
        use AlarmState::*;
        use MissingData::*;
        // All three periods without data.
        let none = [MISSING, MISSING, MISSING];
        assert_eq!(state(&none, 2, 3, Missing), InsufficientData);
        assert_eq!(state(&none, 2, 3, NotBreaching), Ok);
        assert_eq!(state(&none, 2, 3, Breaching), Alarm);
        assert_eq!(state_from(&none, 2, 3, Ignore, Alarm), Alarm);
        assert_eq!(state_from(&none, 2, 3, Ignore, Ok), Ok);
        // One breaching datapoint and two missing.
        let one = [X, MISSING, MISSING];
        assert_eq!(state(&one, 2, 3, Missing), Ok);
        assert_eq!(state(&one, 2, 3, NotBreaching), Ok);
        assert_eq!(state(&one, 2, 3, Breaching), Alarm);
        assert_eq!(
            state_from(&one, 2, 3, Ignore, InsufficientData),
            InsufficientData
        );
        // With the newest datapoint present, `ignore` evaluates those there are.
        assert_eq!(state_from(&[X, MISSING, X], 2, 3, Ignore, Ok), Alarm);
        assert_eq!(state_from(&[X, MISSING, O], 2, 3, Ignore, Alarm), Ok);
        // Before N periods have passed, those not reached are missing.
        assert_eq!(state(&[], 1, 1, Missing), InsufficientData);
        assert_eq!(state(&[X], 2, 3, Breaching), Alarm);
    }

    #[test]
    fn the_window_keeps_the_latest_datapoints() {
        // 2 of 3 above 5: the first X has left the window of three.
        let mut e = Evaluation::new(AlarmRule {
            m: 2,
            of: 3,
            missing: MissingData::Missing,
            comparison: Comparison::Greater,
            threshold: 5.0,
        });
        assert_eq!(e.push(X), AlarmState::Ok);
        assert_eq!(e.push(X), AlarmState::Alarm);
        assert_eq!(e.push(O), AlarmState::Alarm);
        assert_eq!(e.push(O), AlarmState::Ok);
        assert_eq!(e.state(), AlarmState::Ok);
    }
}
