//! Where a named temporary ends.
//!
//! The lowering names some temporaries so that they can be kept across a
//! suspension point (`if let Some(x) = make().first() { f(x).await }`: rustc
//! keeps `make()` to the end of the `then` block). rustc drops an
//! `if let`'s temporaries before its `else` block runs, so the lowering ends
//! them there explicitly with [`end_temporary`].

/// Drops a named temporary where rustc would have dropped it. Unlike
/// `drop`, it raises no lint for `Copy` values or references.
#[inline(always)]
pub fn end_temporary<T>(value: T) {
    drop(value);
}
