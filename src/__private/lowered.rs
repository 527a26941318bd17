//! The future an expansion returns: a state enum plus the closure that polls it.
//!
//! The closure captures nothing, so `Lowered<S, F>` is exactly as large as the
//! state `S`, and `Send`/`Sync` follow the values the state stores. The state
//! is never moved once pinned: the closure receives `Pin<&mut S>`.

use core::future::Future;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::task::{Context, Poll};

/// A lowered `async fn`: its state machine and its poll function.
pub struct Lowered<S, F> {
    state: S,
    poll: F,
    // How many times this future was polled, for transition tracing.
    #[cfg(feature = "tracing")]
    polls: u64,
    // The state may hold borrows of itself (an awaitee borrowing a stored
    // local), so it must never be `Unpin`.
    _pinned: PhantomPinned,
}

/// Builds a [`Lowered`] future; the closure's signature is inferred from here.
pub fn lowered<S, R, F>(state: S, poll: F) -> Lowered<S, F>
where
    F: Fn(Pin<&mut S>, &mut Context<'_>) -> Poll<R>,
{
    Lowered {
        state,
        poll,
        #[cfg(feature = "tracing")]
        polls: 0,
        _pinned: PhantomPinned,
    }
}

impl<S, R, F> Future for Lowered<S, F>
where
    F: Fn(Pin<&mut S>, &mut Context<'_>) -> Poll<R>,
{
    type Output = R;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        // SAFETY: we never move `state` out of the pinned `Lowered`; we only
        // hand out a pinned reference to it, which keeps the pin projection
        // structural. `poll` is not structurally pinned (it is only called).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `this.state` is a field of a pinned value that is never moved
        // (see above), so pinning it is sound.
        let state = unsafe { Pin::new_unchecked(&mut this.state) };
        #[cfg(feature = "tracing")]
        {
            this.polls += 1;
            let previous = super::trace::enter_poll(this.polls);
            let out = (this.poll)(state, cx);
            super::trace::leave_poll(previous);
            out
        }
        #[cfg(not(feature = "tracing"))]
        (this.poll)(state, cx)
    }
}
