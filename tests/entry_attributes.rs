//! `#[longhand::desugar]` and a runtime's entry attribute on the same
//! function. Both need an `async fn` and both turn it into a plain `fn`, so
//! the lowered body becomes an inner function of the same name that the
//! entry point awaits: `desugar` above `#[tokio::test]` or
//! `#[longhand::test]`, and `#[longhand::test]` above `desugar`. (The one
//! order that cannot work, `#[tokio::test]` above `desugar`, is refused
//! with a message: `tests/ui/runtime_entry_above_desugar.rs`.)

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Pending once (waking itself), then ready with `n`: the lowered body
/// really suspends.
struct Later(Option<u32>);

impl Future for Later {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        match self.0.take() {
            Some(n) if n > 0 => {
                self.0 = Some(n - 1);
                cx.waker().wake_by_ref();
                Poll::Pending
            }
            _ => Poll::Ready(7),
        }
    }
}

#[longhand::desugar]
#[tokio::test]
async fn desugar_above_tokio_test() {
    let mut seen = Vec::new();
    for n in 1..=3 {
        seen.push(Later(Some(n)).await + n);
        tokio::task::yield_now().await;
    }
    assert_eq!(seen, [8, 9, 10]);
}

#[longhand::desugar]
#[longhand::test]
async fn desugar_above_longhand_test() {
    let a = Later(Some(2)).await;
    let b = Later(Some(1)).await;
    assert_eq!(a + b, 14);
}

#[longhand::test]
#[longhand::desugar]
async fn longhand_test_above_desugar() {
    let words = vec![String::from("a"), String::from("bc")];
    let mut total = 0;
    for w in &words {
        total += Later(Some(1)).await as usize + w.len();
    }
    assert_eq!(total, 17);
}

#[longhand::desugar]
#[longhand::test]
#[should_panic(expected = "lowered body ran")]
async fn a_panic_in_the_lowered_body_fails_the_test() {
    let n = Later(Some(1)).await;
    panic!("lowered body ran: {n}");
}

/// The expansion is the entry point awaiting the lowered inner function:
/// its state enum is there, and the outer function keeps `async` and the
/// entry attribute.
#[test]
fn the_entry_point_awaits_the_lowered_inner_function() {
    let source = "#[longhand::desugar]\n#[tokio::test]\nasync fn reads() {\n    \
                  let n = std::future::ready(1).await;\n    assert_eq!(n, 1);\n}\n";
    let out = longhand::cli::expand::expand(source, None).unwrap();
    assert!(
        out.starts_with("#[tokio::test]\nasync fn reads() {\n"),
        "{out}"
    );
    let inner = out.find("    fn reads() -> impl ::core::future::Future<Output = ()>");
    let state = out.find("enum ReadsState");
    assert!(inner.is_some() && state > inner, "{out}");
    assert!(out.ends_with("    reads().await\n}\n"), "{out}");
}
