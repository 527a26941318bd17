//! Step 5: an `async fn`, lowered by rustc and by `#[longhand::desugar]`.
//!
//! `running_total.rs` holds one `async fn` marked `#[desugar]`. It is compiled
//! twice from the very same tokens: once with `desugar` bound to an attribute that
//! passes it through unchanged (rustc's own lowering), once with `desugar` bound to
//! `longhand::desugar`. The step prints the lowering, runs both and compares them.

use longhand::Inspect;
use std::future::{Future, poll_fn};
use std::pin::pin;

use super::state_enum::state_enum;

/// The source both versions are compiled from, printed by the step.
const SOURCE: &str = include_str!("running_total.rs");

/// A value that arrives after one `Pending` (a yield to the executor).
async fn arrive(v: u32) -> u32 {
    longhand::yield_now().await;
    v
}

/// rustc's lowering: this attribute hands the function back unchanged.
mod native {
    use super::arrive;
    use longhand::__identity as desugar;
    include!("running_total.rs");
}

/// longhand's lowering of the same tokens.
mod lowered {
    use super::arrive;
    use longhand::desugar;
    include!("running_total.rs");
}

/// Runs `future` to completion on longhand's executor, counting polls.
fn run_counting<F: Future>(future: F) -> (F::Output, u32) {
    longhand::block_on(async {
        let mut future = pin!(future);
        let mut polls = 0;
        let output = poll_fn(|cx| {
            polls += 1;
            future.as_mut().poll(cx)
        })
        .await;
        (output, polls)
    })
}

pub fn run() {
    println!("Step 5. An async fn, lowered into an explicit enum state machine");
    println!("  `#[longhand::desugar]` writes out what rustc does behind `async fn`:");
    println!("  one enum with a variant per state (Unresumed, one SuspendN per .await,");
    println!("  Returned, Panicked) holding exactly the values alive there, plus a poll");
    println!("  function that moves between them. The same source, compiled both ways:");
    println!();
    for line in SOURCE.lines() {
        println!("    {line}");
    }
    println!();
    let expansion =
        longhand::cli::expand::expand(SOURCE, Some("running_total")).expect("the source lowers");
    println!("  longhand's lowering declares this state enum inside the function:");
    println!();
    println!("{}", state_enum(&expansion));
    println!();
    println!(
        "  ...then the code that moves kept values in and out of it and a poll closure\n  with one arm per state: {} lines in all",
        expansion.lines().count()
    );
    println!("  (see them with `cargo run -- expand examples/steps/running_total.rs`).");
    println!();

    let values = vec![3, 1, 4, 1, 5];
    let (rustc_out, rustc_polls) = run_counting(native::running_total(values.clone()));
    let (longhand_out, longhand_polls) = run_counting(lowered::running_total(values.clone()));
    println!("  rustc's lowering:    {rustc_out:?} after {rustc_polls} polls");
    println!("  longhand's lowering: {longhand_out:?} after {longhand_polls} polls");
    assert_eq!(rustc_out, longhand_out);
    assert_eq!(rustc_polls, longhand_polls);
    println!("  equal results: {}", rustc_out == longhand_out);

    println!();
    println!("  Stepping through longhand's future by hand (`longhand::Inspect`");
    println!("  names the state between polls; `--features tracing` logs every move):");
    let mut future = pin!(lowered::running_total(vec![7, 8]));
    println!("    created             state {}", future.state());
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    for poll in 1.. {
        let result = future.as_mut().poll(&mut cx);
        let shown = match &result {
            std::task::Poll::Pending => "Pending".to_string(),
            std::task::Poll::Ready(v) => format!("Ready({v:?})"),
        };
        println!("    poll {poll}: {shown:<13} state {}", future.state());
        if result.is_ready() {
            break;
        }
    }
    println!();

    let rustc_size = size_of_val(&native::running_total(values.clone()));
    let longhand_size = size_of_val(&lowered::running_total(values));
    println!("  size_of_val(future): rustc {rustc_size} bytes, longhand {longhand_size} bytes");
    println!(
        "  ratio longhand / rustc: {:.2}",
        longhand_size as f64 / rustc_size as f64
    );
}
