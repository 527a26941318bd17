//! Procedural-macro entry points of longhand.
//!
//! Each attribute here is a thin wrapper: it hands its tokens to the plain
//! library `longhand-lowering`, which does the parsing, checking and code
//! generation, and turns whatever comes back (code or spanned errors) into a
//! `proc_macro::TokenStream`. Keeping the logic in a plain crate lets the CLI
//! and unit tests call the very same lowering.
//!
//! Users reach these through the `longhand` facade (`#[longhand::desugar]`);
//! the examples below use that path.

use proc_macro::TokenStream;

/// Lowers an `async fn` into an explicit enum state machine implementing `Future`.
///
/// The function keeps its name, parameters and visibility; its body becomes a
/// state enum (`Unresumed`, one `SuspendN` per `.await`, `Returned`,
/// `Panicked`) plus a poll closure, and it returns
/// `impl Future<Output = R>`.
///
/// ```
/// #[longhand::desugar]
/// async fn add_later(a: u32, b: u32) -> u32 {
///     let a = std::future::ready(a).await;
///     a + b
/// }
/// assert_eq!(futures::executor::block_on(add_later(1, 2)), 3);
/// ```
#[proc_macro_attribute]
pub fn desugar(attr: TokenStream, item: TokenStream) -> TokenStream {
    guarded(|| longhand_lowering::desugar(attr.into(), item.into()))
}

/// Runs a lowering; should it ever panic (a bug in longhand), reports a
/// compile error instead of crashing the compiler's macro expansion.
fn guarded(f: impl FnOnce() -> proc_macro2::TokenStream) -> TokenStream {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)) {
        Ok(tokens) => tokens.into(),
        Err(payload) => {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            let msg = format!("internal error in longhand (please report it): {msg}");
            quote_error(&msg)
        }
    }
}

fn quote_error(msg: &str) -> TokenStream {
    let lit = proc_macro2::Literal::string(msg);
    let ts: proc_macro2::TokenStream = format!("::core::compile_error!({lit});")
        .parse()
        .unwrap_or_default();
    ts.into()
}

/// Lowers a generator written with `yield_!(value)` into an `Iterator` or `Stream`.
///
/// A plain `fn` returning `impl Iterator<Item = T>` (or `impl Stream<Item = T>`,
/// which may also `.await`) becomes the same kind of state machine as an
/// `async fn`: one `SuspendN` per `yield_!`. It is lazy (nothing runs before
/// the first `next`) and fused, and it may hold borrows of its own locals
/// across yields.
///
/// ```
/// #[longhand::generator]
/// fn up_down(list: Vec<i32>) -> impl Iterator<Item = i32> {
///     let mut sum = 0;
///     for x in list.iter() { sum += x; yield_!(sum); }
///     for x in list.iter().rev() { sum -= x; yield_!(sum); }
/// }
/// assert_eq!(up_down(vec![1, 2, 3]).collect::<Vec<_>>(), [1, 3, 6, 3, 1, 0]);
/// ```
#[proc_macro_attribute]
pub fn generator(attr: TokenStream, item: TokenStream) -> TokenStream {
    guarded(|| longhand_lowering::generator(attr.into(), item.into()))
}

/// Passes its item through unchanged.
///
/// The differential tests compile one body twice, once under this attribute
/// (rustc's own lowering) and once under [`macro@desugar`], by importing one
/// or the other under the same alias.
///
/// ```
/// #[longhand::__identity]
/// async fn plain() -> u8 { 7 }
/// assert_eq!(futures::executor::block_on(plain()), 7);
/// ```
#[doc(hidden)]
#[proc_macro_attribute]
pub fn __identity(_attr: TokenStream, item: TokenStream) -> TokenStream {
    item
}

/// Runs an `async fn main` on [`longhand::block_on`](../longhand/fn.block_on.html).
///
/// ```
/// #[longhand::main]
/// async fn main() {
///     longhand::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// # fn run() { main() }
/// ```
#[proc_macro_attribute]
pub fn main(attr: TokenStream, item: TokenStream) -> TokenStream {
    guarded(|| longhand_lowering::entry::entry(attr.into(), item.into(), "main"))
}

/// Runs an `async fn` test on `longhand::block_on`.
///
/// ```
/// #[longhand::test]
/// async fn sleeps() {
///     longhand::time::sleep(std::time::Duration::from_millis(1)).await;
/// }
/// ```
#[proc_macro_attribute]
pub fn test(attr: TokenStream, item: TokenStream) -> TokenStream {
    guarded(|| longhand_lowering::entry::entry(attr.into(), item.into(), "test"))
}
