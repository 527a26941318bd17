//! The future an expansion returns: a state enum plus the closure that polls it.
//!
//! The closure captures nothing, so `Lowered<S, F>` is exactly as large as the
//! state `S`, and `Send`/`Sync` follow the values the state stores. The state
//! is never moved once pinned: the closure receives `Pin<&mut S>`.
//!
//! The state and the pinned locals sit in `UnsafeCell`s. Between polls an
//! awaitee may hold `&mut` into a value kept in the state, and a kept
//! reference may point into a pinned local; a shared reference to the
//! future (`Inspect::state` on it) must not claim that those bytes are
//! frozen, which would invalidate such borrows. Through `&self` only the
//! state's discriminant is read.

use core::cell::UnsafeCell;
use core::future::Future;
use core::marker::PhantomPinned;
use core::pin::Pin;
use core::task::{Context, Poll};

use super::trace::PollCount;
use super::{PinSlots, StateMachine};

/// A lowered `async fn`: its state machine, its pinned locals, and its poll
/// function. Dropping it drops the current state's values and the pinned
/// locals together, in rustc's order (see [`StateMachine::drop_with_pins`]).
///
/// `SETTLE` is set for a body that calls a macro longhand does not know,
/// whose expansion may hide a `?`: such a `?` returns `Ready(Err(..))` from
/// the poll function directly, without passing the body's own end, which
/// writes `Returned`. The future then writes it itself. Other bodies skip
/// the check, which costs nested calls measurably.
pub struct Lowered<S: StateMachine, P: PinSlots, F, const SETTLE: bool = false> {
    state: UnsafeCell<S>,
    pins: UnsafeCell<P>,
    poll: F,
    // How many times this future was polled, for transition tracing.
    polls: PollCount,
    // The state may hold borrows of itself (an awaitee borrowing a stored
    // local), so it must never be `Unpin`.
    _pinned: PhantomPinned,
}

/// Builds a [`Lowered`] future; the closure's signature is inferred from here.
/// `pins` is a tuple of [`PinSlot`](super::PinSlot)s, `()` when there are none.
pub fn lowered<S, P, R, F>(state: S, pins: P, poll: F) -> Lowered<S, P, F>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>) -> Poll<R>,
{
    build(state, pins, poll)
}

/// [`lowered`] for a body whose macros may hide a `?` (see [`Lowered`]).
pub fn lowered_settling<S, P, R, F>(state: S, pins: P, poll: F) -> Lowered<S, P, F, true>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>) -> Poll<R>,
{
    build(state, pins, poll)
}

fn build<S: StateMachine, P: PinSlots, F, const SETTLE: bool>(
    state: S,
    pins: P,
    poll: F,
) -> Lowered<S, P, F, SETTLE> {
    Lowered {
        state: UnsafeCell::new(state),
        pins: UnsafeCell::new(pins),
        poll,
        polls: PollCount::default(),
        _pinned: PhantomPinned,
    }
}

impl<S, P, R, F, const SETTLE: bool> Future for Lowered<S, P, F, SETTLE>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>) -> Poll<R>,
{
    type Output = R;

    #[inline]
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<R> {
        // SAFETY: we never move `state` out of the pinned `Lowered`; we only
        // hand out a pinned reference to it, which keeps the pin projection
        // structural. `poll` is not structurally pinned (it is only called).
        let this = unsafe { self.get_unchecked_mut() };
        // SAFETY: `this.state` is a field of a pinned value that is never moved
        // (see above), so pinning it is sound; `&mut self` makes the access
        // exclusive.
        let state = unsafe { Pin::new_unchecked(&mut *this.state.get()) };
        // The pinned locals are reached through a raw pointer: they are
        // borrowed in place across polls and must not be retagged as a whole.
        let pins: *mut P = this.pins.get();
        let poll = &this.poll;
        let out = this.polls.counted(|| poll(state, pins, cx));
        if SETTLE && out.is_ready() {
            let state = this.state.get();
            // SAFETY: the poll has returned, so nothing borrows the state;
            // `&mut self` makes the access exclusive. A `Panicked` state
            // owns nothing, so overwriting it without dropping loses nothing.
            unsafe {
                // The body left the poll function without passing its own
                // `Returned` (a `?` inside a user macro's expansion, which
                // longhand cannot see, returns `Ready(Err(..))` from it
                // directly): it has completed all the same.
                if S::is_running(state) {
                    core::ptr::write(state, S::returned());
                }
            }
        }
        out
    }
}

impl<S: StateMachine, P: PinSlots, F, const SETTLE: bool> Drop for Lowered<S, P, F, SETTLE> {
    fn drop(&mut self) {
        // SAFETY: the future is being dropped: its state and slots are not
        // used again. The state's own fields are `MaybeUninit` slots without
        // destructors and each pin slot's flag is cleared when it is
        // dropped here, so the drop glue that follows drops nothing twice.
        unsafe { S::drop_with_pins(self.state.get(), self.pins.get()) }
    }
}

impl<S: StateMachine, P: PinSlots, F, const SETTLE: bool> crate::Inspect
    for Lowered<S, P, F, SETTLE>
{
    fn state(&self) -> &'static str {
        // SAFETY: the state is live for as long as the future is; a poll,
        // the only writer, needs `&mut self`, so none runs meanwhile.
        unsafe { S::state_name(self.state.get()) }
    }
}

// SAFETY: through `&Lowered` the cells are only read, and only the state's
// discriminant (`Inspect::state`); every write needs `Pin<&mut Lowered>`.
// So sharing it across threads is sound when its parts may be shared, as
// it would be without the cells.
unsafe impl<S: StateMachine + Sync, P: PinSlots + Sync, F: Sync, const SETTLE: bool> Sync
    for Lowered<S, P, F, SETTLE>
{
}
