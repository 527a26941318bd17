//! What `#[longhand::generator]` expansions return.
//!
//! A generator is lowered into the same state machine as an `async fn`
//! ([`Lowered`]), whose poll returns `Poll<Option<T>>`: `Ready(Some(v))` at
//! each `yield_!(v)`, `Ready(None)` once finished (and ever after: fused),
//! `Pending` only for a stream awaiting something.
//!
//! - [`GenStream`] is that machine as a `Stream`: a stream is pinned by its
//!   contract, so the machine may borrow itself as it is.
//! - [`GenIter`] is that machine as an `Iterator`. An iterator may be moved
//!   between calls to `next`, but the machine may hold borrows of its own
//!   locals (`for x in list.iter() { yield_!(x) }`), so it lives behind one
//!   `Box::pin`, allocated when the generator is created. Nothing runs before
//!   the first `next`.

use super::{Lowered, PinSlots, StateMachine};
use core::pin::Pin;
use core::task::{Context, Poll, Waker};
use std::boxed::Box;

/// A lowered generator as an `Iterator`.
pub struct GenIter<M> {
    machine: Pin<Box<M>>,
}

/// A lowered generator as a `Stream`.
pub struct GenStream<M> {
    machine: M,
}

/// Wraps a lowered generator as an `Iterator`.
pub fn gen_iter<S, P, T, F>(machine: Lowered<S, P, F>) -> GenIter<Lowered<S, P, F>>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>) -> Poll<Option<T>>,
{
    GenIter {
        machine: Box::pin(machine),
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

impl<S, P, T, F> Iterator for GenIter<Lowered<S, P, F>>
where
    S: StateMachine,
    P: PinSlots,
    F: Fn(Pin<&mut S>, *mut P, &mut Context<'_>) -> Poll<Option<T>>,
{
    type Item = T;

    // Inlined into the caller's loop together with the generator's poll.
    #[inline(always)]
    fn next(&mut self) -> Option<T> {
        // A sync generator never awaits, so it never needs waking.
        let mut cx = Context::from_waker(Waker::noop());
        match self.machine.as_mut().resume(&mut cx) {
            Poll::Ready(item) => item,
            Poll::Pending => unreachable!("a sync generator cannot be pending"),
        }
    }
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

impl<M: crate::Inspect> crate::Inspect for GenIter<M> {
    fn state(&self) -> &'static str {
        self.machine.state()
    }
}

impl<M: crate::Inspect> crate::Inspect for GenStream<M> {
    fn state(&self) -> &'static str {
        self.machine.state()
    }
}
