//! [`yield_now`]: give the other tasks a turn.
//!
//! The future wakes itself and returns `Pending` once; the executor puts the task at
//! the back of its run queue, so every other runnable task is polled first.

use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// Yields to the executor once.
///
/// ```
/// use std::cell::Cell;
/// use std::rc::Rc;
/// longhand_runtime::block_on(async {
///     let flag = Rc::new(Cell::new(false));
///     let f = flag.clone();
///     let _h = longhand_runtime::spawn(async move { f.set(true) });
///     longhand_runtime::yield_now().await;
///     assert!(flag.get());
/// });
/// ```
pub fn yield_now() -> YieldNow {
    YieldNow { yielded: false }
}

/// The future returned by [`yield_now`].
///
/// ```
/// let y: longhand_runtime::YieldNow = longhand_runtime::yield_now();
/// longhand_runtime::block_on(y);
/// ```
#[derive(Debug)]
#[must_use = "futures do nothing unless awaited"]
pub struct YieldNow {
    yielded: bool,
}

impl Future for YieldNow {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.yielded {
            return Poll::Ready(());
        }
        self.yielded = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
