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

/// A lowered machine's poll counter, for the `poll` field of its events:
/// a count with the `tracing` feature, nothing (zero-sized) without.
#[derive(Default)]
pub(crate) struct PollCount {
    #[cfg(feature = "tracing")]
    polls: u64,
}

impl PollCount {
    /// Runs one poll of the machine, counted and visible to the events it
    /// emits.
    #[inline(always)]
    pub(crate) fn counted<R>(&mut self, poll: impl FnOnce() -> R) -> R {
        #[cfg(feature = "tracing")]
        {
            self.polls += 1;
            let previous = enter_poll(self.polls);
            let out = poll();
            leave_poll(previous);
            out
        }
        #[cfg(not(feature = "tracing"))]
        poll()
    }
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
