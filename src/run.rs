//! Running simulations: [`simulate`] runs one design × replication of a
//! scenario, which [`assemble`](crate::assemble) builds from the scenario
//! and runs. The command line runs many at once, in parallel, and keeps
//! their results in a fixed order whatever the thread count.

pub use crate::assemble::{simulate, simulate_reporting};
