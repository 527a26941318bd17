//! Transition tracing: with the `tracing` feature, every state transition of
//! a lowered function is a `tracing` event (target `longhand::state`, fields
//! `function`, `from`, `to`, `awaited`, `poll`). Without the feature the
//! expansion still calls [`transition`], which is empty and inlined away.

#[cfg(feature = "tracing")]
std::thread_local! {
    /// The poll count of the lowered future being polled on this thread.
    static POLL: core::cell::Cell<u64> = const { core::cell::Cell::new(0) };
}

/// Records that the future being polled is its `n`th poll, for the events
/// emitted while it runs; returns the previous value to restore.
#[cfg(feature = "tracing")]
#[inline]
fn enter_poll(n: u64) -> u64 {
    POLL.with(|p| p.replace(n))
}

/// Restores the poll count of the enclosing lowered future.
#[cfg(feature = "tracing")]
#[inline]
fn leave_poll(previous: u64) {
    POLL.with(|p| p.set(previous));
}

/// Runs one poll of a lowered machine, with `polls` (its poll counter, or
/// `()` without the feature) counted and visible to the events it emits.
#[cfg(feature = "tracing")]
#[inline(always)]
pub(crate) fn counted<R>(polls: &mut u64, poll: impl FnOnce() -> R) -> R {
    *polls += 1;
    let previous = enter_poll(*polls);
    let out = poll();
    leave_poll(previous);
    out
}

/// Runs one poll of a lowered machine (nothing is counted without the
/// `tracing` feature).
#[cfg(not(feature = "tracing"))]
#[inline(always)]
pub(crate) fn counted<R>(_polls: (), poll: impl FnOnce() -> R) -> R {
    poll()
}

/// A state transition of a lowered function.
#[inline(always)]
pub fn transition(
    function: &'static str,
    from: &'static str,
    to: &'static str,
    awaited: &'static str,
) {
    #[cfg(feature = "tracing")]
    {
        let poll = POLL.with(|p| p.get());
        tracing::event!(
            target: "longhand::state",
            tracing::Level::TRACE,
            function,
            from,
            to,
            awaited,
            poll,
            "{function}: {from} -> {to}"
        );
    }
    #[cfg(not(feature = "tracing"))]
    {
        let _ = (function, from, to, awaited);
    }
}
