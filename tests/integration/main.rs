//! Integration tests: one binary, one module per topic.

mod autoscaling;
mod bills;
mod charts;
mod cli;
mod common;
mod connections;
mod conservation;
mod folders;
mod korean;
mod limits;
mod messaging;
mod models;
mod purchase;
mod queueing;
mod refusals;
mod regions;
mod reporting;
mod serverless;
mod zones;
