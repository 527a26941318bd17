//! longhand: async Rust written out in longhand.
extern crate self as longhand;

pub use longhand_macros::{__identity, desugar, generator};

#[doc(hidden)]
pub mod __private;

pub mod cli;
