//! Watch a lowered function move through its states as an executor polls it:
//! `cargo run --example trace_transitions --features tracing`.
//!
//! Every transition is a `tracing` event on target `longhand::state` with the
//! function, the states, the awaited expression and the poll count, so "when
//! is a future worth polling again?" can be answered by looking: only when
//! the awaited future woke it.

use std::time::Duration;

#[longhand::desugar]
async fn fetch_total(ids: Vec<u64>) -> u64 {
    let mut total = 0;
    for id in ids {
        longhand::time::sleep(Duration::from_millis(10)).await;
        total += id;
    }
    total
}

fn main() {
    tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_target(true)
        .without_time()
        .init();
    let total = longhand::block_on(fetch_total(vec![1, 2, 3]));
    println!("total = {total}");
}
