//! The awaited future, stored in place inside a `SuspendN` variant.
//!
//! An expansion suspends in three steps: it writes the `SuspendN` variant with
//! the values that stay alive and an empty [`Awaitee`] slot, then builds the
//! awaited future from references into that pinned variant (so it may borrow
//! the stored locals, as `read(&mut buf).await` does), and writes it into the
//! slot. On completion it drops the awaitee in place *before* moving any stored
//! local back out.
//!
//! Between the first and last of these steps the slot may be empty, and user
//! code (building the future, dropping it) may panic or leave early with `?`.
//! [`AbandonGuard`] covers those windows: if it is dropped while armed, it
//! drops the stored locals (not the slot) and marks the state `Panicked`, so no
//! value is dropped twice or forgotten. A panic while polling the awaitee is
//! covered inside [`poll_awaitee`]: the whole state is dropped and poisoned,
//! which is what rustc does when a poll unwinds through an `async fn`.
//!
//! Every value a state keeps sits in a [`Kept`] slot and the awaitee in an
//! [`Awaitee`] slot, both `MaybeUninit` underneath. That matters for
//! soundness, not just for size: a `MaybeUninit` has no niche, so rustc
//! cannot hide the enum's discriminant inside a kept value (say, in a
//! `Vec`'s capacity). If it could, reading the discriminant would read memory
//! the awaitee holds a `&mut` to, which invalidates that borrow. Slots have
//! no destructors of their own: when the future is dropped,
//! [`StateMachine::drop_with_pins`] drops the current variant, the awaitee
//! first, then the kept values and pinned locals, latest declared first.

use core::future::Future;
use core::marker::PhantomPinned;
use core::mem::{self, MaybeUninit};
use core::pin::Pin;
use core::ptr;
use core::task::{Context, Poll};

/// What an expansion's state enum tells this module about itself.
///
/// # Safety
///
/// `abandon` must drop exactly the stored locals of the current `SuspendN`
/// variant (never its awaitee) and then overwrite the state with `panicked()`
/// without dropping the old value.
pub unsafe trait StateMachine: Sized {
    /// The `Panicked` state.
    fn panicked() -> Self;

    /// The `Returned` state.
    fn returned() -> Self;

    /// The name of the current state (`"Suspend0"`), for `longhand::Inspect`,
    /// read from the discriminant alone: an awaitee may hold `&mut` into the
    /// state's other bytes.
    ///
    /// # Safety
    ///
    /// `this` points to a live state.
    unsafe fn state_name(this: *const Self) -> &'static str;

    /// Drops the current variant's values (awaitee first, then the kept
    /// values and the live pinned locals, latest declared first), leaving
    /// the state's memory to be overwritten or freed.
    ///
    /// # Safety
    ///
    /// `this` points to a live state, whose values are not used again;
    /// `pins` points to the future's pin slots (or is null when `P` is `()`).
    unsafe fn drop_with_pins<P: super::PinSlots>(this: *mut Self, pins: *mut P);

    /// Is the state `Returned` or `Panicked`? It then owns nothing, and every
    /// pinned local was dropped when its scope ended or unwound.
    fn is_settled(&self) -> bool;

    /// Is the body running (the state is `Panicked` while it runs)?
    ///
    /// # Safety
    ///
    /// `this` points to a live state.
    unsafe fn is_running(this: *const Self) -> bool;

    /// Drops the stored locals of the current suspension, leaves the awaitee
    /// slot alone, and poisons the state.
    ///
    /// # Safety
    ///
    /// `this` points to a live state whose awaitee slot is empty or already
    /// dropped, and nothing else accesses it during the call.
    unsafe fn abandon(this: *mut Self);
}

/// The slot of the future being awaited at one suspension point.
///
/// Always initialised while its variant is the current state, except inside
/// the windows an [`AbandonGuard`] covers.
pub struct Awaitee<F> {
    slot: MaybeUninit<F>,
    // The future may hold borrows of its neighbours in the variant.
    _pinned: PhantomPinned,
}

impl<F> Awaitee<F> {
    /// An empty slot, to be filled with [`Awaitee::init`] right away.
    #[inline]
    pub fn uninit() -> Self {
        Awaitee {
            slot: MaybeUninit::uninit(),
            _pinned: PhantomPinned,
        }
    }

    /// Fills the slot. Called once, right after the variant was written.
    #[inline]
    pub fn init(&mut self, fut: F) {
        self.slot.write(fut);
    }

    /// Drops the awaited future in place, unguarded: for
    /// [`StateMachine::drop_with_pins`], which drops the current variant.
    ///
    /// # Safety
    ///
    /// The slot is initialised and is not used again.
    #[inline]
    pub unsafe fn drop_unguarded(&mut self) {
        // SAFETY: the caller guarantees the slot is initialised.
        unsafe { self.slot.assume_init_drop() }
    }

    /// Drops the awaited future in place, leaving the slot empty.
    ///
    /// # Safety
    ///
    /// The slot is initialised and is a field of the current variant of
    /// `*state`; afterwards the caller must overwrite the variant without
    /// dropping it (the slot is now empty).
    #[inline]
    pub unsafe fn drop_in_place<S: StateMachine>(this: *mut Self, state: *mut S) {
        // SAFETY: while the awaitee's destructor runs, the stored locals are
        // still in place; if it panics, the guard drops them and poisons the
        // state, and the slot is never dropped again.
        let guard = unsafe { AbandonGuard::new(state) };
        // SAFETY: the caller guarantees the slot is initialised; it is pinned
        // in place, so dropping it in place honours the pinning contract.
        unsafe { ptr::drop_in_place((*this).slot.as_mut_ptr()) };
        guard.disarm();
    }
}

/// Drops the stored locals and poisons the state if dropped while armed.
pub struct AbandonGuard<S: StateMachine> {
    state: *mut S,
}

impl<S: StateMachine> AbandonGuard<S> {
    /// Arms a guard over `state`.
    ///
    /// # Safety
    ///
    /// Until [`AbandonGuard::disarm`], `state` stays valid and, whenever the
    /// guard may be dropped, is in a `SuspendN` variant whose awaitee slot is
    /// empty or already dropped.
    #[inline]
    pub unsafe fn new(state: *mut S) -> Self {
        AbandonGuard { state }
    }

    /// The guarded window closed normally.
    #[inline]
    pub fn disarm(self) {
        mem::forget(self);
    }
}

impl<S: StateMachine> Drop for AbandonGuard<S> {
    fn drop(&mut self) {
        // SAFETY: the contract of `new` says the state is a suspension whose
        // awaitee slot is empty, which is what `abandon` requires.
        unsafe { S::abandon(self.state) }
    }
}

/// Poisons the state if a poll of the awaitee unwinds.
struct PoisonOnUnwind<S: StateMachine, P: super::PinSlots> {
    state: *mut S,
    pins: *mut P,
}

impl<S: StateMachine, P: super::PinSlots> Drop for PoisonOnUnwind<S, P> {
    fn drop(&mut self) {
        // SAFETY: only reached while unwinding out of `poll_awaitee`, whose
        // caller guarantees the state is a valid suspension with a live
        // awaitee and `pins` the future's pin slots: the suspension's values
        // and the pinned locals live there are dropped (awaitee first, then
        // the latest declared first), as rustc's unwinding would, and the
        // state is then overwritten without a second drop. Each slot clears
        // its drop flag, so the future's own drop finds them empty.
        unsafe {
            S::drop_with_pins(self.state, self.pins);
            ptr::write(self.state, S::panicked());
        }
    }
}

/// Polls the awaitee of the current suspension in place.
///
/// # Safety
///
/// `awaitee` is the initialised slot of the current variant of `*state`, which
/// is pinned; `pins` points to the future's pin slots; nothing else accesses
/// the state or the slots during the call.
#[inline]
pub unsafe fn poll_awaitee<S: StateMachine, P: super::PinSlots, F: Future>(
    state: *mut S,
    pins: *mut P,
    awaitee: &mut Awaitee<F>,
    cx: &mut Context<'_>,
) -> Poll<F::Output> {
    let guard = PoisonOnUnwind { state, pins };
    // SAFETY: the slot is initialised (caller) and lives inside the pinned
    // state, which is never moved: pinning it is sound.
    let fut = unsafe { Pin::new_unchecked(awaitee.slot.assume_init_mut()) };
    let out = fut.poll(cx);
    mem::forget(guard);
    out
}

/// Gives a suspension the type of the value its `.await` produces.
///
/// A suspension jumps back to the dispatch loop (`continue`), so as an
/// expression it has type `!`, which rustc cannot use to pick an operator or
/// a method (`total += fut.await`). Passing the jump as the second argument
/// keeps the expression diverging while typing it as `F::Output`.
#[inline(always)]
pub fn output_of<F: Future>(_slot: &mut Awaitee<F>, never: core::convert::Infallible) -> F::Output {
    match never {}
}

/// Types an `.await` in code that never runs from the operand written
/// there, and ties it to the awaitee its state holds.
///
/// Code after a suspension is kept in an arm (the arms of a `match` whose
/// scrutinee suspends) only to be typed. Typed from the state's awaitee
/// alone, its value's type would be known only once rustc has reached the
/// arm that builds that awaitee, too late for a method called on it here
/// (`match a.await { v => b.await.len() + v }`). The operand is never
/// evaluated: `never` diverges first.
#[inline(always)]
pub fn output_of_operand_in<F: core::future::IntoFuture>(
    _slot: &mut Awaitee<F::IntoFuture>,
    _operand: F,
    never: core::convert::Infallible,
) -> F::Output {
    match never {}
}

/// [`output_of_operand_in`] for an operand that builds a closure or an
/// `async` block: a copy of which has a type of its own, so the value is
/// typed from the operand only.
#[inline(always)]
pub fn output_of_operand<F: core::future::IntoFuture>(
    _operand: F,
    never: core::convert::Infallible,
) -> F::Output {
    match never {}
}

/// The slot of one value a state keeps (an argument, or a local alive at a
/// suspension point). Initialised exactly while its variant is the current
/// state, except inside the windows an [`AbandonGuard`] covers.
pub struct Kept<T> {
    slot: MaybeUninit<T>,
}

impl<T> Kept<T> {
    /// A filled slot.
    #[inline(always)]
    pub fn new(value: T) -> Self {
        Kept {
            slot: MaybeUninit::new(value),
        }
    }

    /// Only typed, never called with a value that matters: says that
    /// `value` is of the type this slot keeps.
    #[inline(always)]
    pub fn type_as(_: &Self, _: &T) {}

    /// Moves the value out, leaving the slot empty.
    ///
    /// # Safety
    ///
    /// The slot is initialised, and is not read or dropped again until it is
    /// filled anew.
    #[inline(always)]
    pub unsafe fn take(&mut self) -> T {
        // SAFETY: the caller guarantees the slot holds a value it gives up.
        unsafe { self.slot.assume_init_read() }
    }

    /// The value, in place (an awaitee may borrow it).
    ///
    /// # Safety
    ///
    /// The slot is initialised.
    #[inline(always)]
    pub unsafe fn place(&mut self) -> &mut T {
        // SAFETY: the caller guarantees the slot is initialised.
        unsafe { self.slot.assume_init_mut() }
    }

    /// Drops the value in place.
    ///
    /// # Safety
    ///
    /// The slot is initialised and is not used again.
    #[inline(always)]
    pub unsafe fn drop_in_place(&mut self) {
        // SAFETY: the caller guarantees the slot is initialised.
        unsafe { self.slot.assume_init_drop() }
    }
}
