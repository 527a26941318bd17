//! [`join!`](crate::join!): await several futures concurrently.
//!
//! Each branch is wrapped in a [`MaybeDone`], pinned on the caller's stack; a
//! `poll_fn` polls every branch that is not done yet on each wake, and when all are
//! done it takes the outputs out as a tuple. The macro recurses once per branch to
//! give each `MaybeDone` its own (hygienic) local name, so any number of branches
//! works.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Polls all futures concurrently and returns their outputs as a tuple, once every
/// one has completed. Must be used inside an `async` context.
///
/// ```
/// use std::time::{Duration, Instant};
/// use longhand_runtime::time::sleep;
/// longhand_runtime::block_on(async {
///     let start = Instant::now();
///     let (a, b, ()) = longhand_runtime::join!(
///         async { sleep(Duration::from_millis(20)).await; 1 },
///         async { sleep(Duration::from_millis(20)).await; "two" },
///         sleep(Duration::from_millis(20)),
///     );
///     assert_eq!((a, b), (1, "two"));
///     assert!(start.elapsed() < Duration::from_millis(200));
/// });
/// ```
#[macro_export]
macro_rules! join {
    (@munch [$($name:ident = $done:expr,)*] $head:expr $(, $rest:expr)*) => {
        $crate::join!(@munch [$($name = $done,)* fut = $head,] $($rest),*)
    };
    (@munch [$($name:ident = $done:expr,)*]) => {{
        $(
            let mut $name = ::core::pin::pin!($crate::__private::MaybeDone::new($done));
        )*
        ::core::future::poll_fn(|cx| {
            let mut all_done = true;
            $(
                all_done &= $name.as_mut().poll_done(cx);
            )*
            if all_done {
                ::core::task::Poll::Ready(($($name.as_mut().take_output(),)*))
            } else {
                ::core::task::Poll::Pending
            }
        })
        .await
    }};
    ($($fut:expr),+ $(,)?) => {
        $crate::join!(@munch [] $($fut),+)
    };
}

/// A future together with the place its output is kept until `join!` takes it.
#[doc(hidden)]
#[derive(Debug)]
pub enum MaybeDone<F: Future> {
    /// Still running.
    Future(F),
    /// Finished; holds the output.
    Done(F::Output),
    /// The output was taken.
    Gone,
}

impl<F: Future> MaybeDone<F> {
    /// Wraps a future (or anything that turns into one).
    pub fn new(f: impl std::future::IntoFuture<IntoFuture = F>) -> Self {
        MaybeDone::Future(f.into_future())
    }

    /// Polls the future if not done; returns whether it is done.
    pub fn poll_done(self: Pin<&mut Self>, cx: &mut Context<'_>) -> bool {
        // SAFETY: `Future(f)` is structurally pinned: `f` is never moved while in the
        // enum; it is replaced (dropped in place by assignment) only after completing.
        let this = unsafe { self.get_unchecked_mut() };
        match this {
            MaybeDone::Future(f) => {
                // SAFETY: see above.
                match unsafe { Pin::new_unchecked(f) }.poll(cx) {
                    Poll::Ready(v) => {
                        *this = MaybeDone::Done(v);
                        true
                    }
                    Poll::Pending => false,
                }
            }
            _ => true,
        }
    }

    /// Takes the output out; panics if not done.
    pub fn take_output(self: Pin<&mut Self>) -> F::Output {
        // SAFETY: only the `Done` variant is moved out of, and it holds no pinned data
        // (the future was already dropped in place).
        let this = unsafe { self.get_unchecked_mut() };
        match std::mem::replace(this, MaybeDone::Gone) {
            MaybeDone::Done(v) => v,
            _ => panic!("join!: output taken twice or before completion"),
        }
    }
}
