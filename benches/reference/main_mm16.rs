//! The hand-written M/M/16 of issue 15 as a process of its own (the
//! example `handwritten_mm16`): `benches/perf-table.sh` times it in turn
//! with `stratosim run benches/mm16-2m.toml`, so both pay a process's
//! start-up and meet the same moments of a shared machine.
//!
//! ```text
//! cargo build --profile dist --example handwritten_mm16
//! target/dist/examples/handwritten_mm16
//! ```

#[path = "handwritten_mm16.rs"]
mod handwritten;

fn main() {
    let (requests, mean_ns) = handwritten::handwritten_mm16();
    println!("{requests} requests, mean response {:.3} ms", mean_ns / 1e6);
}
