//! Scenario files: TOML text → validated, typed [`Scenario`].
//!
//! Two layers, kept apart from the engine: the `toml` crate parses the text
//! into a spanned document (every key and value keeps its byte range, so
//! messages can name the line), and [`parse`] walks that document into the
//! typed structs of [`spec`], collecting every error it finds.

pub mod spec;
pub mod parse;

pub use spec::*;
pub use parse::{Override, ScenarioError, ScenarioErrors, load, load_str};
