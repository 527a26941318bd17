//! Wakers written by hand with [`RawWakerVTable`].
//!
//! A task waker's data pointer is the task's header; it owns one reference to the task.
//! Waking sets the task's `scheduled` bit and, if the bit was clear, puts a reference on
//! a run queue: the executor's thread-local queue when the wake happens on the
//! executor's own thread (no lock), otherwise the executor's cross-thread queue, which
//! also kicks the reactor so a sleeping executor wakes up. A task that is already
//! queued is not queued twice.
//!
//! The waker of the future passed to `block_on` is a second, simpler kind: its data
//! pointer is the executor's `Shared` state, and waking it sets a flag.

use std::ptr::NonNull;
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::task::{RawWaker, RawWakerVTable, Waker};

use crate::executor::{Shared, schedule};
use crate::task::{Header, TaskRef, drop_ref, inc_ref};

static TASK_VTABLE: RawWakerVTable =
    RawWakerVTable::new(task_clone, task_wake, task_wake_by_ref, task_drop);

/// A waker for the task at `ptr`, owning one reference (the caller's).
///
/// # Safety
/// The caller hands over one reference to the task (or, for a borrowed waker that is
/// never dropped, lends one for the waker's lifetime).
pub(crate) unsafe fn task_waker(ptr: NonNull<Header>) -> Waker {
    // SAFETY: the vtable functions below uphold the `RawWaker` contract for a data
    // pointer that is a task header owning one reference.
    unsafe { Waker::from_raw(RawWaker::new(ptr.as_ptr().cast(), &TASK_VTABLE)) }
}

fn header(data: *const ()) -> NonNull<Header> {
    // SAFETY: the data pointer of a task waker is a non-null header pointer.
    unsafe { NonNull::new_unchecked(data as *mut Header) }
}

unsafe fn task_clone(data: *const ()) -> RawWaker {
    // SAFETY: the waker being cloned owns a reference, so the task is alive.
    unsafe { inc_ref(header(data)) };
    RawWaker::new(data, &TASK_VTABLE)
}

unsafe fn task_wake(data: *const ()) {
    let ptr = header(data);
    // SAFETY: the waker owns a reference; the task is alive.
    let h = unsafe { ptr.as_ref() };
    if h.scheduled.swap(true, Ordering::AcqRel) {
        // Already queued: the queue has its own reference, release ours.
        // SAFETY: we own the reference being released.
        unsafe { drop_ref(ptr) };
    } else {
        // SAFETY: our reference moves into the run queue.
        schedule(unsafe { TaskRef::from_raw(ptr) });
    }
}

unsafe fn task_wake_by_ref(data: *const ()) {
    let ptr = header(data);
    // SAFETY: the waker owns a reference; the task is alive.
    let h = unsafe { ptr.as_ref() };
    if !h.scheduled.swap(true, Ordering::AcqRel) {
        // SAFETY: the task is alive; the new reference goes to the run queue.
        unsafe { inc_ref(ptr) };
        schedule(unsafe { TaskRef::from_raw(ptr) });
    }
}

unsafe fn task_drop(data: *const ()) {
    // SAFETY: the waker owns one reference, released here.
    unsafe { drop_ref(header(data)) }
}

static MAIN_VTABLE: RawWakerVTable =
    RawWakerVTable::new(main_clone, main_wake, main_wake_by_ref, main_drop);

/// The waker of `block_on`'s own future; owns one strong count of `shared`.
pub(crate) fn main_waker(shared: Arc<Shared>) -> Waker {
    let data = Arc::into_raw(shared).cast::<()>();
    // SAFETY: the main vtable's functions treat `data` as an `Arc<Shared>` pointer that
    // owns one strong count, which `Arc::into_raw` just gave us.
    unsafe { Waker::from_raw(RawWaker::new(data, &MAIN_VTABLE)) }
}

unsafe fn main_clone(data: *const ()) -> RawWaker {
    // SAFETY: `data` came from `Arc::into_raw` and the waker holds a strong count.
    unsafe { Arc::increment_strong_count(data.cast::<Shared>()) };
    RawWaker::new(data, &MAIN_VTABLE)
}

unsafe fn main_wake(data: *const ()) {
    // SAFETY: takes back the strong count this waker owned.
    let shared = unsafe { Arc::from_raw(data.cast::<Shared>()) };
    shared.wake_main();
}

unsafe fn main_wake_by_ref(data: *const ()) {
    // SAFETY: the waker holds a strong count, so the pointee is alive.
    let shared = unsafe { &*data.cast::<Shared>() };
    shared.wake_main();
}

unsafe fn main_drop(data: *const ()) {
    // SAFETY: releases the strong count this waker owned.
    unsafe { Arc::decrement_strong_count(data.cast::<Shared>()) };
}
