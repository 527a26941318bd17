//! longhand: async Rust written out in longhand.
//!
//! `#[longhand::desugar]` on an `async fn` replaces the compiler's hidden
//! lowering with an explicit enum state machine you can read, step through
//! and measure: `Unresumed`, one `SuspendN` variant per `.await` holding
//! exactly the values alive there, `Returned` and `Panicked`. The future
//! behaves like rustc's (same output, side effects, polls, drop order and
//! panics) and is usually smaller.
//!
//! ```
//! #[longhand::desugar]
//! async fn add_later(a: u32, b: u32) -> u32 {
//!     let a = std::future::ready(a).await;
//!     a + b
//! }
//!
//! assert_eq!(longhand::block_on(add_later(1, 2)), 3);
//! ```
//!
//! Its expansion (`cargo run -- expand FILE`) declares, inside `add_later`:
//!
//! ```text
//! enum AddLaterState<P0, P1, A0, L0> {
//!     /// Created, not polled yet: holds the arguments `a`, `b`.
//!     Unresumed { a: P0, b: P1 },
//!     /// Waiting at `std::future::ready(a).await` (line 3); keeps `b` alive.
//!     Suspend0 { __awaitee: Awaitee<A0>, b: L0 },
//!     /// Finished: polling again panics.
//!     Returned,
//!     /// A poll panicked: polling again panics.
//!     Panicked,
//! }
//! ```
//!
//! plus a poll closure with one arm per state, and returns
//! `impl Future<Output = u32>` built from the pair. The complete expansion,
//! as `longhand expand` prints it (checked against the lowering by the test
//! suite, and compiled verbatim by it):
//!
//! ```text
#![doc = include_str!("../tests/expand/add_later.expanded.rs")]
//! ```
//!
//! `#[longhand::generator]` lowers a generator the same way: `yield_!(v)` is a
//! suspension point, and the function returns an `Iterator` (or a [`Stream`],
//! which may also `.await`):
//!
//! ```
//! #[longhand::generator]
//! fn evens(limit: u32) -> impl Iterator<Item = u32> {
//!     for n in 0..limit {
//!         if n % 2 == 0 {
//!             yield_!(n);
//!         }
//!     }
//! }
//!
//! assert_eq!(evens(7).collect::<Vec<_>>(), [0, 2, 4, 6]);
//! ```
//!
//! The companion runtime ([`block_on`], [`spawn`], [`time`], [`net`],
//! [`process`], [`sync`]) runs lowered futures and any other future.

extern crate self as longhand;

pub use longhand_macros::{__identity, desugar, generator, main, test};
pub use longhand_runtime::{
    Executor, JoinError, JoinHandle, Spawner, YieldNow, block_on, join, net,
    new_executor_and_spawner, process, spawn, sync, time, yield_now,
};

pub mod cli;
mod inspect;
pub use inspect::Inspect;

/// The `Stream` trait generators return (`futures_core::Stream`).
pub use futures_core::Stream;

#[doc(hidden)]
pub mod __private;

/// Yields a value from a `#[longhand::generator]` function.
///
/// Stable Rust rejects the `yield` keyword before any macro runs, so
/// generators write `yield_!(value)`; the generator attribute rewrites it
/// into a suspension point. Anywhere else it is a compile error:
///
/// ```compile_fail
/// fn not_a_generator() {
///     longhand::yield_!(1);
/// }
/// ```
#[macro_export]
macro_rules! yield_ {
    ($($value:tt)*) => {
        ::core::compile_error!(
            "`yield_!` only works inside a `#[longhand::generator]` function, which turns it into a suspension point"
        )
    };
}
