//! Integration tests: one binary, one module per topic.
//!
//! The slowest tests (whole shipped scenarios, long runs, the browser) are
//! compiled only with the `slow-tests` feature, so that a plain
//! `cargo test --release` is quick; `.ci/run` turns it on, and with `CI` set
//! a run without it fails (`ci_runs_the_slow_tests_too`).

mod alarms;
mod autoscaling;
mod bills;
#[cfg(feature = "slow-tests")]
mod browser;
mod charts;
mod cli;
mod common;
mod connections;
#[cfg(feature = "slow-tests")]
mod conservation;
mod db_proxy;
mod deployments;
#[cfg(feature = "slow-tests")]
mod diagrams;
mod edited;
mod folders;
mod front;
mod korean;
mod lessons;
mod limits;
mod messaging;
mod models;
mod purchase;
mod queueing;
mod refusals;
mod regions;
mod reporting;
mod serverless;
mod takeaways;
mod zones;

/// CI runs every test: without the `slow-tests` feature some are left out,
/// which must not pass for a green CI.
#[cfg(not(feature = "slow-tests"))]
#[test]
fn ci_runs_the_slow_tests_too() {
    assert!(
        !common::in_ci(),
        "CI is set, but the slow tests are left out: run with --features slow-tests, as .ci/run does"
    );
}
