//! [`timeout`]: race a future against a [`Sleep`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use super::{Sleep, sleep};

/// Requires `future` to complete within `duration`; otherwise it is dropped and the
/// result is `Err(Elapsed)`.
///
/// ```
/// use std::time::Duration;
/// use longhand_runtime::time::{sleep, timeout};
/// longhand_runtime::block_on(async {
///     assert_eq!(timeout(Duration::from_secs(5), async { 1 }).await, Ok(1));
///     let slow = sleep(Duration::from_secs(5));
///     assert!(timeout(Duration::from_millis(5), slow).await.is_err());
/// });
/// ```
pub fn timeout<F: Future>(duration: Duration, future: F) -> Timeout<F> {
    Timeout {
        future,
        sleep: sleep(duration),
    }
}

/// The future returned by [`timeout`].
///
/// ```
/// use std::time::Duration;
/// let t: longhand_runtime::time::Timeout<_> =
///     longhand_runtime::time::timeout(Duration::from_secs(1), async { 3 });
/// assert_eq!(longhand_runtime::block_on(t), Ok(3));
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct Timeout<F> {
    future: F,
    sleep: Sleep,
}

impl<F> Timeout<F> {
    /// The wrapped future.
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = longhand_runtime::time::timeout(Duration::from_secs(1), std::future::ready(1));
    /// let _inner: &std::future::Ready<i32> = t.get_ref();
    /// ```
    pub fn get_ref(&self) -> &F {
        &self.future
    }

    /// Unwraps the future, dropping the timer.
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = longhand_runtime::time::timeout(Duration::from_secs(1), std::future::ready(1));
    /// assert_eq!(longhand_runtime::block_on(t.into_inner()), 1);
    /// ```
    pub fn into_inner(self) -> F {
        self.future
    }
}

impl<F: Future> Future for Timeout<F> {
    type Output = Result<F::Output, Elapsed>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        // SAFETY: structural pinning of `future`: it is never moved out of a pinned
        // `Timeout` (`into_inner` takes `self` by value, which requires `Unpin` or an
        // unpinned value), and `Timeout` has no `Drop` impl that could move it.
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: see above; `future` is pinned because `self` is.
        let future = unsafe { Pin::new_unchecked(&mut this.future) };
        if let Poll::Ready(v) = future.poll(cx) {
            return Poll::Ready(Ok(v));
        }
        match Pin::new(&mut this.sleep).poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(Elapsed(()))),
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The error of a [`Timeout`] whose deadline passed first.
///
/// ```
/// use std::time::Duration;
/// let r = longhand_runtime::block_on(longhand_runtime::time::timeout(
///     Duration::from_millis(1),
///     std::future::pending::<()>(),
/// ));
/// let e: longhand_runtime::time::Elapsed = r.unwrap_err();
/// assert_eq!(e.to_string(), "deadline has elapsed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Elapsed(());

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("deadline has elapsed")
    }
}

impl std::error::Error for Elapsed {}
