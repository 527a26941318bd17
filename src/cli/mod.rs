//! The library half of the `longhand` command-line tool.
//!
//! ```
//! let out = longhand::cli::expand::expand(
//!     "#[longhand::desugar] async fn one() -> u8 { 1 }",
//!     None,
//! ).unwrap();
//! assert!(out.contains("enum OneState"));
//! ```

pub mod expand;
pub mod graph;
