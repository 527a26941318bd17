//! What `#[longhand::generator]` expansions return.
//!
//! A generator is lowered into the same state machine as an `async fn`
//! ([`Lowered`]), whose poll returns `Poll<Option<T>>`: `Ready(Some(v))` at
//! each `yield_!(v)`, `Ready(None)` once finished (and ever after: fused),
//! `Pending` only for a stream awaiting something.
//!
//! - [`GenStream`] is that machine as a `Stream`: a stream is pinned by its
//!   contract, so the machine may borrow itself as it is.
//! - [`GenIter`] is that machine as an `Iterator`, which may be moved between
//!   calls to `next`. What must not move is only what is borrowed across a
//!   yield: the pinned locals (`list` in `for x in list.iter() { yield_!(x) }`).
//!   Those slots get one `Box`, allocated when the generator is created (none
//!   when nothing is pinned). The state enum itself stays inline: a sync
//!   generator has no awaitee, the only thing that could borrow the state,
//!   and its kept values are moved out of the state at each resumption and
//!   back in at each yield. So iterating it is an ordinary loop over local
//!   variables, which the optimiser keeps in registers. Nothing runs before
//!   the first `next`.
//!
//! A sync generator's poll closure takes one more argument, a [`Sink`]. When
//! `next` polls, the sink is `None` and each `yield_!` suspends as described.
//! When `fold` (and so `for_each`, `sum`, `count`, `last`, ...) drives the
//! generator, it passes a sink that takes each item and hands it to the
//! fold's closure at once, and the body runs on without suspending: the whole
//! generator becomes one loop, as `std`'s own adapters do with internal
//! iteration. The items, their order and every side effect are the same.

use super::trace::PollCount;
use super::{Lowered, PinSlots, StateMachine};
use core::marker::PhantomData;
use core::mem::ManuallyDrop;
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::boxed::Box;

/// A lowered generator as an `Iterator`: its state inline, its pinned locals
/// boxed.
pub struct GenIter<S: StateMachine, P: PinSlots, F, T> {
    state: S,
    // Dropped by hand in `drop`, so that the generator has no drop glue
    // besides its own (cheap, inlined) `drop`.
    pins: ManuallyDrop<Pin<Box<P>>>,
    poll: F,
    // The item type, which the closure's signature alone leaves open.
    _item: PhantomData<fn() -> T>,
    // How many times it was polled, for transition tracing.
    polls: PollCount,
}

/// Where a sync generator's `yield_!` may hand its item instead of
/// suspending: `None` when polled by `next`.
pub type Sink<'a, T> = Option<&'a mut (dyn FnMut(T) + 'a)>;

/// Hands `item` to the sink if there is one (`None` back: the body goes on),
/// or gives it back to be yielded by suspending.
#[inline(always)]
pub fn offer<T>(sink: &mut Sink<'_, T>, item: T) -> Option<T> {
    match sink {
        Some(sink) => {
            sink(item);
            None
        }
        None => Some(item),
    }
}

/// A lowered generator as a `Stream`.
pub struct GenStream<M> {
    machine: M,
}

/// Builds a sync generator from its initial state, its (empty) pin slots and
/// its poll closure, whose signature is inferred from here.
pub fn gen_iter<S, P, T, F>(state: S, pins: P, poll: F) -> GenIter<S, P, F, T>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>, Sink<'_, T>) -> Poll<Option<T>>,
{
    GenIter {
        state,
        // Not polled yet: the slots are empty and may still move into the box.
        pins: ManuallyDrop::new(Box::pin(pins)),
        poll,
        _item: PhantomData,
        polls: PollCount::default(),
    }
}

/// Wraps a lowered generator as a `Stream`.
pub fn gen_stream<S, P, T, F>(machine: Lowered<S, P, F>) -> GenStream<Lowered<S, P, F>>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>) -> Poll<Option<T>>,
{
    GenStream { machine }
}

impl<S, P, T, F> GenIter<S, P, F, T>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>, Sink<'_, T>) -> Poll<Option<T>>,
{
    /// Runs the body until it yields an item it could not hand to `sink`,
    /// or finishes. Inlined into the caller's loop with the whole body.
    #[inline(always)]
    fn resume(&mut self, sink: Sink<'_, T>) -> Option<T> {
        // SAFETY: the poll closure wants its state pinned because an awaitee
        // may borrow the state it sits in. A sync generator has no awaitee
        // (`yield_!` is its only suspension point), and whatever its kept
        // values borrow across a yield lives in the boxed pin slots, never in
        // the state, so nothing relies on the state's address between polls.
        let state = unsafe { Pin::new_unchecked(&mut self.state) };
        // SAFETY: only a raw pointer is taken; the slots never move out of
        // their box.
        let pins: *mut P = unsafe { self.pins.as_mut().get_unchecked_mut() };
        // A sync generator never awaits, so it never needs waking.
        let mut cx = Context::from_waker(Waker::noop());
        let poll = &self.poll;
        match self.polls.counted(|| poll(state, pins, &mut cx, sink)) {
            Poll::Ready(item) => item,
            Poll::Pending => unreachable!("a sync generator cannot be pending"),
        }
    }
}

impl<S, P, T, F> Iterator for GenIter<S, P, F, T>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>, Sink<'_, T>) -> Poll<Option<T>>,
{
    type Item = T;

    #[inline(always)]
    fn next(&mut self) -> Option<T> {
        self.resume(None)
    }

    // Internal iteration: one poll runs the rest of the body, each item going
    // straight to `f`. With the `tracing` feature the default (`next` in a
    // loop) is kept, so that every suspension is traced.
    #[cfg(not(feature = "tracing"))]
    #[inline]
    fn fold<B, G>(mut self, init: B, mut f: G) -> B
    where
        G: FnMut(B, T) -> B,
    {
        let mut acc = Some(init);
        let mut feed = |item: T| acc = acc.take().map(|a| f(a, item));
        // One poll runs the body to its end: the sink takes every item, so
        // nothing comes back (were one to, it would still reach `f`).
        while let Some(item) = self.resume(Some(&mut feed)) {
            feed(item);
        }
        acc.expect("a panic inside `fold` unwinds past this point")
    }
}

impl<S: StateMachine, P: PinSlots, F, T> Drop for GenIter<S, P, F, T> {
    // Inlined, with the work out of line, so that where the generator is
    // iterated its address never escapes (not even into an unwinding path's
    // drop): its state then stays in registers.
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `pins` is taken once, here, and never used again.
        let pins = unsafe { ManuallyDrop::take(&mut self.pins) };
        if self.state.is_settled() {
            // The state owns nothing; the box drops any slot still live
            // (none is: each was dropped at the end of its scope).
            free_pins(pins);
        } else {
            // SAFETY: the state is read out once and never used again; it
            // has no drop glue of its own (its fields are `MaybeUninit`
            // slots), and a sync generator's state is not borrowed, so it
            // may move.
            let state = unsafe { core::ptr::read(&self.state) };
            drop_unfinished(state, pins);
        }
    }
}

/// Frees a finished generator's pin slots. Out of line, so that the
/// generator's `drop` stays small enough to inline everywhere.
#[inline(never)]
fn free_pins<P>(pins: Pin<Box<P>>) {
    drop(pins);
}

/// Drops a generator that did not finish: its current state's values and
/// its live pinned locals, in rustc's order. Out of line: it happens once.
#[cold]
#[inline(never)]
fn drop_unfinished<S: StateMachine, P: PinSlots>(mut state: S, mut pins: Pin<Box<P>>) {
    // SAFETY: only a raw pointer to the slots is taken; they do not move.
    let pins_ptr: *mut P = unsafe { pins.as_mut().get_unchecked_mut() };
    // SAFETY: `state` is owned here and not used again; `pins_ptr` points to
    // the generator's slots, whose flags are cleared as they are dropped, so
    // the box's own drop that follows drops nothing twice.
    unsafe { S::drop_with_pins(&raw mut state, pins_ptr) }
}

impl<M, T> futures_core::Stream for GenStream<M>
where
    M: core::future::Future<Output = Option<T>>,
{
    type Item = T;

    #[inline]
    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        // SAFETY: `machine` is structurally pinned: it is never moved out of
        // a pinned `GenStream`.
        let machine = unsafe { self.map_unchecked_mut(|s| &mut s.machine) };
        machine.poll(cx)
    }
}

/// A stream that ends at once: the stand-in body of a generator whose
/// lowering reported errors, so that only those errors are shown.
pub fn empty_stream<T>() -> GenStream<core::future::Ready<Option<T>>> {
    GenStream {
        machine: core::future::ready(None),
    }
}

impl<S: StateMachine, P: PinSlots, F, T> crate::Inspect for GenIter<S, P, F, T> {
    fn state(&self) -> &'static str {
        // SAFETY: the state is live for as long as the generator is.
        unsafe { S::state_name(&raw const self.state) }
    }
}

impl<M: crate::Inspect> crate::Inspect for GenStream<M> {
    fn state(&self) -> &'static str {
        self.machine.state()
    }
}
