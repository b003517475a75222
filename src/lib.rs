//! stratosim: a deterministic discrete-event simulator of cloud architectures.
//!
//! Three phases:
//! 1. **read**: a TOML scenario is validated into plain data ([`scenario`]);
//! 2. **assemble**: for each design × replication, [`assemble`] turns the
//!    components' specs into models ([`model`]) on a fresh [`engine`] with
//!    their own random streams ([`rng`]);
//! 3. **run**: the engine delivers messages in `(time, sequence)` order;
//!    results are plain [`stats`] that [`output`] writes as CSV and JSON.
//!
//! ARCHITECTURE.md draws the layers and the arrows allowed between them.
#![warn(missing_docs, missing_debug_implementations)]

pub mod assemble;
pub mod catalog;
pub mod cli;
pub mod dist;
pub mod engine;
pub mod metric;
pub mod model;
pub mod output;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod settings;
pub mod slab;
pub mod stats;
pub mod suggest;
pub mod time;
