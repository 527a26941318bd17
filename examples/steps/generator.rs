//! Step 6: a generator, lowered into the same kind of state machine.
//!
//! `up_down.rs` holds the classic running-sum generator. Its `list.iter()`
//! borrows the generator's own argument across every `yield_!`, which rustc's
//! own `gen` blocks reject; longhand keeps `list` pinned in place instead.

use super::state_enum::state_enum;

/// The generator's source, printed by the step.
const SOURCE: &str = include_str!("up_down.rs");

mod source {
    include!("up_down.rs");
    pub fn run(list: Vec<i32>) -> impl Iterator<Item = i32> {
        up_down(list)
    }
}

pub fn run() {
    println!("Step 6. A generator: the running sum going up and down");
    println!("  `async fn` is a generator underneath: a function that stops at each");
    println!("  suspension point and resumes from there. `#[longhand::generator]` lowers");
    println!("  `yield_!(v)` into the same enum (one SuspendN per yield) and the result is");
    println!("  an ordinary Iterator: lazy, fused, usable with every adapter.");
    println!();
    for line in SOURCE.lines() {
        println!("    {line}");
    }
    println!();
    let expansion =
        longhand::cli::expand::expand(SOURCE, Some("up_down")).expect("the source lowers");
    println!("  its states:");
    println!();
    println!("{}", state_enum(&expansion));
    println!();
    let values: Vec<i32> = source::run(vec![1, 2, 3]).collect();
    println!("  up_down(vec![1, 2, 3]) yields {values:?}");
    let evens: Vec<i32> = source::run(vec![1, 2, 3]).filter(|v| v % 2 == 0).collect();
    println!("  ...and through .filter(even): {evens:?}");
    println!("  `list.iter()` borrows `list` across every yield, so `list` is pinned in");
    println!("  place beside the state, while `sum` and the iterator move in and out of it.");
}
