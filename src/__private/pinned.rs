//! Locals pinned in place: values that another stored value borrows across a
//! suspension point (`for x in list.iter() { f(x).await }`).
//!
//! Such a value cannot move in and out of the state at each suspension, as
//! other kept values do, because the borrow points at it. It lives instead in
//! a [`PinSlot`] next to the state, from its `let` to the end of its scope.
//! The expansion reaches it through `&mut PinLocal<T>`; `PinLocal` is
//! `!Unpin`, so creating that reference again at each poll does not
//! invalidate the borrows made in earlier polls (Stacked Borrows treats
//! `&mut` to `!Unpin` like a raw pointer), and every use of the local is an
//! ordinary field place, borrowed exactly as the user's code borrows it.
//!
//! A [`PinGuard`] in the local's scope drops it when the scope ends, unless
//! the scope is left because the future suspended (then the state is a
//! `SuspendN`, not running): the slot outlives the poll. A slot still live
//! when the future is dropped is dropped with it.

use super::StateMachine;
use core::marker::{PhantomData, PhantomPinned};
use core::mem::MaybeUninit;

/// A local that never moves, as user code sees it: `(*pin).value`.
pub struct PinLocal<T> {
    /// The local's value.
    pub value: T,
    _pinned: PhantomPinned,
}

impl<T> PinLocal<T> {
    fn new(value: T) -> Self {
        PinLocal {
            value,
            _pinned: PhantomPinned,
        }
    }
}

/// The storage of one pinned local, with its drop flag.
pub struct PinSlot<T> {
    live: bool,
    local: MaybeUninit<PinLocal<T>>,
}

impl<T> Default for PinSlot<T> {
    #[inline(always)]
    fn default() -> Self {
        PinSlot {
            live: false,
            local: MaybeUninit::uninit(),
        }
    }
}

impl<T> PinSlot<T> {
    /// A slot holding `value` already: a pinned parameter, stored when the
    /// function is called (nothing can borrow it before the first poll, so
    /// the slot may still move until then).
    #[inline(always)]
    pub fn filled(value: T) -> Self {
        PinSlot {
            live: true,
            local: MaybeUninit::new(PinLocal::new(value)),
        }
    }

    /// Declares the local: stores `value` and returns the way to reach it.
    ///
    /// # Safety
    ///
    /// `this` points to a slot of a pinned future, which outlives every use
    /// of the returned reference; the slot is not live.
    #[inline(always)]
    pub unsafe fn init<'a>(this: *mut Self, value: T) -> &'a mut PinLocal<T> {
        // SAFETY: the caller guarantees `this` is valid and pinned.
        unsafe {
            (*this).local.write(PinLocal::new(value));
            (*this).live = true;
            Self::get(this)
        }
    }

    /// Reaches the live local again (on resumption).
    ///
    /// # Safety
    ///
    /// `this` points to a live slot of a pinned future.
    #[inline(always)]
    pub unsafe fn get<'a>(this: *mut Self) -> &'a mut PinLocal<T> {
        // SAFETY: the caller guarantees the slot is live and stays in place.
        unsafe { (*this).local.assume_init_mut() }
    }

    /// Moves the value out (`consume(list)`); the slot is then dead.
    ///
    /// # Safety
    ///
    /// `this` points to a live slot; no borrow of the value is used again
    /// (rustc's borrow checker ensures it on the native check of the body).
    #[inline(always)]
    pub unsafe fn take(this: *mut Self) -> T {
        // SAFETY: the caller guarantees the slot is live; clearing the flag
        // first means the value has exactly one owner, the caller.
        unsafe {
            (*this).live = false;
            core::ptr::read(&(*this).local.assume_init_ref().value)
        }
    }

    /// Assigns a new value (`list = vec![]`), dropping the old one if live.
    ///
    /// # Safety
    ///
    /// `this` points to a slot of a pinned future.
    #[inline(always)]
    pub unsafe fn set(this: *mut Self, value: T) {
        // SAFETY: the caller guarantees `this` is valid; the flag says
        // whether there is an old value to drop.
        unsafe {
            if (*this).live {
                (*this).live = false;
                (*this).local.assume_init_drop();
            }
            Self::init(this, value);
        }
    }

    /// The way to assign the local a new value (`cb = Some(Box::new(f))`)
    /// from safe code: the value is an argument of [`Assign::put`], whose
    /// parameter type is already known, so it is coerced there as in a
    /// native assignment (an unsizing inside `Some(..)` or a tuple), and
    /// the user's expression stays outside `unsafe`.
    ///
    /// # Safety
    ///
    /// `this` points to a slot of a pinned future, valid for `'a`.
    #[inline(always)]
    pub unsafe fn assign<'a>(this: *mut Self) -> Assign<'a, T> {
        Assign {
            slot: this,
            _slot: PhantomData,
        }
    }

    /// Drops the value if it is live.
    #[inline(always)]
    pub(crate) fn drop_if_live(&mut self) {
        if self.live {
            self.live = false;
            // SAFETY: the flag says the value is there.
            unsafe { self.local.assume_init_drop() }
        }
    }
}

/// A pending assignment to a pinned local, made by [`PinSlot::assign`].
pub struct Assign<'a, T> {
    slot: *mut PinSlot<T>,
    _slot: PhantomData<&'a mut PinSlot<T>>,
}

impl<T> Assign<'_, T> {
    /// Stores `value`, dropping the old value first if it is live (after
    /// `value` was evaluated, as a native assignment does).
    #[inline(always)]
    pub fn put(self, value: T) {
        // SAFETY: `PinSlot::assign`'s caller guaranteed the slot is valid
        // for the handle's lifetime.
        unsafe { PinSlot::set(self.slot, value) }
    }
}

impl<T> Drop for PinSlot<T> {
    fn drop(&mut self) {
        self.drop_if_live();
    }
}

/// Drops a pinned local at the end of its scope, unless the future suspended.
pub struct PinGuard<S: StateMachine, T> {
    state: *mut S,
    slot: *mut PinSlot<T>,
}

impl<S: StateMachine, T> PinGuard<S, T> {
    /// Guards the local in `slot`.
    ///
    /// # Safety
    ///
    /// `state` and `slot` belong to the same pinned future and outlive the
    /// guard.
    #[inline(always)]
    pub unsafe fn new(state: *mut S, slot: *mut PinSlot<T>) -> Self {
        PinGuard { state, slot }
    }
}

impl<S: StateMachine, T> Drop for PinGuard<S, T> {
    #[inline(always)]
    fn drop(&mut self) {
        // SAFETY: `new`'s contract keeps both pointers valid. While the body
        // runs the state is `Panicked`; when it suspends it is a `SuspendN`,
        // and then the local must survive the poll.
        unsafe {
            if S::is_running(self.state) {
                (*self.slot).drop_if_live();
            }
        }
    }
}

/// The tuple of a future's pin slots: `()`, `(PinSlot<A>,)`, ...
///
/// # Safety
///
/// `drop_slot` drops exactly slot `k` if it is live.
pub unsafe trait PinSlots {
    /// Drops slot `k`'s value if it is live.
    ///
    /// # Safety
    ///
    /// `this` points to a valid tuple of slots (or is unused, for `()`).
    unsafe fn drop_slot(this: *mut Self, k: usize);
}

// SAFETY: there are no slots.
unsafe impl PinSlots for () {
    #[inline(always)]
    unsafe fn drop_slot(_: *mut Self, _: usize) {}
}

macro_rules! pin_slots {
    ($($t:ident $i:tt),+) => {
        // SAFETY: each index names exactly its own slot.
        unsafe impl<$($t),+> PinSlots for ($(PinSlot<$t>,)+) {
            #[inline(always)]
            unsafe fn drop_slot(this: *mut Self, k: usize) {
                // SAFETY: the caller guarantees `this` is valid.
                unsafe {
                    match k {
                        $($i => (*this).$i.drop_if_live(),)+
                        _ => {}
                    }
                }
            }
        }
    };
}
pin_slots!(A 0);
pin_slots!(A 0, B 1);
pin_slots!(A 0, B 1, C 2);
pin_slots!(A 0, B 1, C 2, D 3);
pin_slots!(A 0, B 1, C 2, D 3, E 4);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5, G 6);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10);
pin_slots!(A 0, B 1, C 2, D 3, E 4, F 5, G 6, H 7, I 8, J 9, K 10, L 11);
