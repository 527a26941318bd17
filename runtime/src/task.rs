//! A task is one heap block: a [`Header`] followed by a [`Stage`].
//!
//! `spawn(fut)` allocates exactly once: a `Task<F>` holding the header (reference count,
//! "scheduled" bit, flags, the awaiting `JoinHandle`'s waker, the links of the
//! executor's task list) and the stage, an enum that first holds the future, then its
//! output (or the panic payload), then nothing. Everything outside this file sees the
//! task only as a type-erased `NonNull<Header>`; the header's `vtable` knows `F`.
//!
//! Who holds a reference (the count in `Header::refs`):
//! - the executor's task list, while the future is alive (so that a future is only ever
//!   dropped on the executor's thread, never by a waker dropped on another thread);
//! - every queued [`TaskRef`] (local run queue or the cross-thread queue);
//! - every [`Waker`] for the task;
//! - the [`JoinHandle`], until it is dropped.
//!
//! Thread rules: `refs`, `scheduled`, `vtable` and `shared` are touched from any thread.
//! Everything else (flags, stage, awaiter, links) is touched only on the executor's
//! thread: the future is `!Send`, and the `JoinHandle` is `!Send` so it stays on the
//! thread that spawned the task, which is the executor's thread. The last reference may
//! be dropped on another thread; by then the stage holds neither future nor output
//! (the list's reference keeps the future alive, and the handle's keeps the output).

use std::any::Any;
use std::cell::{Cell, UnsafeCell};
use std::fmt;
use std::future::Future;
use std::marker::PhantomData;
use std::mem::ManuallyDrop;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::pin::Pin;
use std::ptr::{self, NonNull};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::task::{Context, Poll, Waker};

use crate::executor::{Local, Shared};
use crate::waker;

/// The future is being polled right now (re-entrant abort must only set `ABORTED`).
const RUNNING: u8 = 1;
/// The stage no longer holds the future (finished, panicked or cancelled).
const COMPLETE: u8 = 2;
/// `abort()` was called while the task was running; drop the future after this poll.
const ABORTED: u8 = 4;
/// The `JoinHandle` is alive.
const HANDLE: u8 = 8;
/// The task is in its executor's task list (which holds a reference).
const LINKED: u8 = 16;

/// The type-erased part of every task.
pub(crate) struct Header {
    refs: AtomicUsize,
    /// Set while a `TaskRef` for this task sits in a run queue.
    pub(crate) scheduled: AtomicBool,
    flags: Cell<u8>,
    vtable: &'static TaskVTable,
    /// The executor this task belongs to (owns one strong count of the `Arc`).
    shared: NonNull<Shared>,
    /// The executor's thread-local half; valid while `LINKED` is set.
    local: *const Local,
    awaiter: UnsafeCell<Option<Waker>>,
    pub(crate) prev: Cell<Option<NonNull<Header>>>,
    pub(crate) next: Cell<Option<NonNull<Header>>>,
}

// SAFETY: the fields touched from other threads are atomics (`refs`, `scheduled`) or
// immutable (`vtable`, `shared`, which points to a `Sync` value). All other fields are
// only accessed on the executor's thread (see the module comment), and the final drop
// is ordered after those accesses by the Release/Acquire protocol on `refs`.
unsafe impl Sync for Header {}
// SAFETY: as above; moving the header pointer to another thread only lets that thread
// use the atomic and immutable fields.
unsafe impl Send for Header {}

struct TaskVTable {
    poll: unsafe fn(NonNull<Header>),
    cancel: unsafe fn(NonNull<Header>),
    read_output: unsafe fn(NonNull<Header>, *mut ()),
    drop_output: unsafe fn(NonNull<Header>),
    dealloc: unsafe fn(NonNull<Header>),
}

enum Stage<F: Future> {
    Running(F),
    Finished(F::Output),
    Panicked(Box<dyn Any + Send>),
    Cancelled,
    Taken,
}

/// The single allocation behind a spawned task. `repr(C)` puts the header first, so a
/// pointer to the task is a pointer to its header.
#[repr(C)]
struct Task<F: Future> {
    header: Header,
    stage: UnsafeCell<Stage<F>>,
}

impl Header {
    pub(crate) fn shared_ptr(&self) -> *const Shared {
        self.shared.as_ptr()
    }

    fn has(&self, flag: u8) -> bool {
        self.flags.get() & flag != 0
    }

    fn set(&self, flag: u8, on: bool) {
        let f = self.flags.get();
        self.flags.set(if on { f | flag } else { f & !flag });
    }
}

/// Adds one reference.
///
/// # Safety
/// `ptr` must point to a live task whose count the caller holds at least once.
pub(crate) unsafe fn inc_ref(ptr: NonNull<Header>) {
    // SAFETY: caller guarantees the task is alive.
    let refs = unsafe { &ptr.as_ref().refs };
    // Relaxed is enough for an increment by someone who already holds a reference
    // (the same reasoning as `Arc::clone`).
    if refs.fetch_add(1, Ordering::Relaxed) > isize::MAX as usize {
        std::process::abort();
    }
}

/// Drops one reference, freeing the task when it was the last.
///
/// # Safety
/// The caller gives up one reference it owns; `ptr` must not be used afterwards.
pub(crate) unsafe fn drop_ref(ptr: NonNull<Header>) {
    // SAFETY: the caller owns a reference, so the task is alive here.
    let header = unsafe { ptr.as_ref() };
    if header.refs.fetch_sub(1, Ordering::Release) == 1 {
        std::sync::atomic::fence(Ordering::Acquire);
        // SAFETY: that was the last reference: nobody else can reach the task.
        unsafe { (header.vtable.dealloc)(ptr) }
    }
}

/// An owned reference to a task sitting in a run queue.
pub(crate) struct TaskRef(NonNull<Header>);

// SAFETY: a `TaskRef` that travels through the cross-thread queue is only used there
// for the atomic refcount (and, if it is the last reference, to free a block that no
// longer holds a future or output, see the module comment). Polling happens only on
// the executor's thread.
unsafe impl Send for TaskRef {}

impl TaskRef {
    /// # Safety
    /// The caller transfers one owned reference to the new `TaskRef`.
    pub(crate) unsafe fn from_raw(ptr: NonNull<Header>) -> TaskRef {
        TaskRef(ptr)
    }

    pub(crate) fn header(&self) -> &Header {
        // SAFETY: a `TaskRef` owns a reference, so the task is alive.
        unsafe { self.0.as_ref() }
    }

    /// Polls the task once. Must be called on the executor's thread, by that executor.
    pub(crate) fn run(self) {
        // SAFETY: we are the executor's thread (only the owning executor pops its
        // local queue), and `self` keeps the task alive during the poll.
        unsafe { (self.header().vtable.poll)(self.0) }
        // `self` drops here, releasing the queue's reference.
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: a `TaskRef` owns exactly one reference.
        unsafe { drop_ref(self.0) }
    }
}

/// Allocates a task for `future` on the executor `local`, links it into the task list
/// and returns (the queue's reference, the handle).
///
/// # Safety
/// Must be called on `local`'s thread while `local` is alive.
pub(crate) unsafe fn allocate<F>(future: F, local: &Local) -> (TaskRef, JoinHandle<F::Output>)
where
    F: Future + 'static,
    F::Output: 'static,
{
    let shared = Arc::into_raw(local.shared.clone()) as *mut Shared;
    let task = Box::new(Task {
        header: Header {
            // The task list, the run queue, the handle.
            refs: AtomicUsize::new(3),
            scheduled: AtomicBool::new(true),
            flags: Cell::new(HANDLE | LINKED),
            vtable: &VTableFor::<F>::VTABLE,
            // SAFETY: `Arc::into_raw` never returns null.
            shared: unsafe { NonNull::new_unchecked(shared) },
            local,
            awaiter: UnsafeCell::new(None),
            prev: Cell::new(None),
            next: Cell::new(None),
        },
        stage: UnsafeCell::new(Stage::Running(future)),
    });
    let ptr = NonNull::from(Box::leak(task)).cast::<Header>();
    local.link(ptr);
    (
        TaskRef(ptr),
        JoinHandle {
            ptr,
            _marker: PhantomData,
        },
    )
}

struct VTableFor<F>(PhantomData<F>);

impl<F: Future + 'static> VTableFor<F> {
    const VTABLE: TaskVTable = TaskVTable {
        poll: poll::<F>,
        cancel: cancel::<F>,
        read_output: read_output::<F>,
        drop_output: drop_output::<F>,
        dealloc: dealloc::<F>,
    };
}

/// # Safety
/// `ptr` must point to a live `Task<F>`.
unsafe fn task<'a, F: Future>(ptr: NonNull<Header>) -> &'a Task<F> {
    // SAFETY: `Task<F>` is `repr(C)` with the header first, and the caller says `ptr`
    // came from a `Task<F>` that is alive.
    unsafe { ptr.cast::<Task<F>>().as_ref() }
}

unsafe fn poll<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the run queue's reference keeps the task alive.
    let task = unsafe { task::<F>(ptr) };
    let header = &task.header;
    // Clear "scheduled" before polling, so that a wake during the poll queues it again.
    header.scheduled.swap(false, Ordering::AcqRel);
    if header.has(COMPLETE) || header.has(RUNNING) {
        return;
    }
    let stage = task.stage.get();
    header.set(RUNNING, true);
    // The waker borrows the queue's reference: it is never dropped (ManuallyDrop), and
    // `Waker::clone` takes a fresh reference.
    // SAFETY: `ptr` is a live task; the borrowed waker does not outlive this function.
    let waker = ManuallyDrop::new(unsafe { waker::task_waker(ptr) });
    let mut cx = Context::from_waker(&waker);
    let result = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the stage is only accessed on this thread, and while RUNNING is set
        // nobody else reads or writes it (abort and JoinHandle check the flags). The
        // future is pinned: it lives in the heap block until dropped in place.
        match unsafe { &mut *stage } {
            Stage::Running(fut) => unsafe { Pin::new_unchecked(fut) }.poll(&mut cx),
            _ => unreachable!("a task without COMPLETE holds its future"),
        }
    }));
    header.set(RUNNING, false);
    let outcome = match result {
        Ok(Poll::Pending) if header.has(ABORTED) => Stage::Cancelled,
        Ok(Poll::Pending) => return,
        Ok(Poll::Ready(out)) => Stage::Finished(out),
        Err(payload) => Stage::Panicked(payload),
    };
    // SAFETY: on the executor's thread, the task is not running and holds its future.
    unsafe { complete::<F>(ptr, outcome) }
}

/// Drops the future in place, stores `outcome`, unlinks the task and wakes the handle.
///
/// # Safety
/// On the executor's thread; the stage holds the future and the task is not running.
unsafe fn complete<F: Future>(ptr: NonNull<Header>, outcome: Stage<F>) {
    // SAFETY: the caller's reference keeps the task alive.
    let task = unsafe { task::<F>(ptr) };
    let header = &task.header;
    // Mark first: code run by the future's destructor may look at this task through
    // its JoinHandle, which must then not touch the stage.
    header.set(COMPLETE, true);
    let stage = task.stage.get();
    // SAFETY: drop the future where it is pinned (the Pin contract), then overwrite
    // the now-uninitialised slot without dropping it again.
    let dropped = catch_unwind(AssertUnwindSafe(|| unsafe { ptr::drop_in_place(stage) }));
    let outcome = match (dropped, outcome) {
        (Err(payload), Stage::Finished(_) | Stage::Cancelled) => Stage::Panicked(payload),
        (_, outcome) => outcome,
    };
    // SAFETY: the slot was dropped just above (or its drop panicked part-way, which
    // leaves it equally dead); writing does not drop it.
    unsafe { ptr::write(stage, outcome) };
    if !header.has(HANDLE) {
        // Detached: nobody will read the output, drop it now, on this thread.
        // SAFETY: on the executor's thread, nothing borrows the stage.
        unsafe { drop_output::<F>(ptr) };
    }
    // SAFETY: only on the executor's thread.
    let awaiter = unsafe { (*header.awaiter.get()).take() };
    if header.has(LINKED) {
        header.set(LINKED, false);
        // SAFETY: LINKED means the executor (and its `Local`) is alive.
        unsafe { (*header.local).unlink(ptr) };
        // SAFETY: this releases the list's reference; the caller still holds one.
        unsafe { drop_ref(ptr) };
    }
    if let Some(w) = awaiter {
        w.wake();
    }
}

unsafe fn cancel<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: caller (handle or executor shutdown) holds a reference.
    let header = unsafe { &task::<F>(ptr).header };
    if header.has(COMPLETE) {
        return;
    }
    if header.has(RUNNING) {
        // Aborted from inside its own poll: the poll loop drops it when it returns.
        header.set(ABORTED, true);
        return;
    }
    // SAFETY: executor thread, not running, future present.
    unsafe { complete::<F>(ptr, Stage::Cancelled) }
}

unsafe fn read_output<F: Future>(ptr: NonNull<Header>, out: *mut ()) {
    // SAFETY: the handle's reference keeps the task alive; `out` points to a
    // `Poll<Result<F::Output, JoinError>>` (the handle's type matches the task's).
    let task = unsafe { task::<F>(ptr) };
    let out = out.cast::<Poll<Result<F::Output, JoinError>>>();
    // SAFETY: the caller checked COMPLETE, so nobody borrows the stage.
    let stage = unsafe { &mut *task.stage.get() };
    let result = match std::mem::replace(stage, Stage::Taken) {
        Stage::Finished(v) => Ok(v),
        Stage::Panicked(p) => Err(JoinError(Repr::Panic(p))),
        Stage::Cancelled => {
            *stage = Stage::Cancelled;
            Err(JoinError(Repr::Cancelled))
        }
        Stage::Taken => panic!("JoinHandle polled after completion"),
        Stage::Running(_) => unreachable!("read_output on a running task"),
    };
    // SAFETY: `out` is valid for writes (see above); the old value is `Poll::Pending`
    // which has nothing to drop.
    unsafe { *out = Poll::Ready(result) };
}

unsafe fn drop_output<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: executor thread, task alive, nothing borrows the stage.
    let task = unsafe { task::<F>(ptr) };
    let stage = unsafe { &mut *task.stage.get() };
    if matches!(stage, Stage::Finished(_) | Stage::Panicked(_)) {
        let old = std::mem::replace(stage, Stage::Taken);
        // A panicking destructor of the output must not unwind into the executor.
        let _ = catch_unwind(AssertUnwindSafe(move || drop(old)));
    }
}

unsafe fn dealloc<F: Future>(ptr: NonNull<Header>) {
    // SAFETY: the last reference is gone; the block came from `Box<Task<F>>`. The
    // stage holds no future and no output (see the module comment), so dropping it
    // here, possibly on another thread, drops nothing thread-bound.
    let task = unsafe { Box::from_raw(ptr.cast::<Task<F>>().as_ptr()) };
    // SAFETY: the header owns one strong count of `shared`.
    drop(unsafe { Arc::from_raw(task.header.shared.as_ptr()) });
    drop(task);
}

/// Cancels a task's future at executor shutdown (the executor's own reference to the
/// list entry keeps it alive during the call).
///
/// # Safety
/// On the executor's thread, `ptr` is a linked task.
pub(crate) unsafe fn shutdown(ptr: NonNull<Header>) {
    // SAFETY: forwarded from the caller.
    unsafe { (ptr.as_ref().vtable.cancel)(ptr) }
}

/// A handle to a spawned task: await it for the task's output.
///
/// Dropping the handle detaches the task (it keeps running); [`abort`](Self::abort)
/// cancels it. The handle is `!Send`: it stays on the executor's thread, like the task.
///
/// ```
/// let out = longhand_runtime::block_on(async {
///     let handle = longhand_runtime::spawn(async { 6 * 7 });
///     handle.await.unwrap()
/// });
/// assert_eq!(out, 42);
/// ```
pub struct JoinHandle<T> {
    ptr: NonNull<Header>,
    _marker: PhantomData<(T, *const ())>,
}

impl<T> JoinHandle<T> {
    fn header(&self) -> &Header {
        // SAFETY: the handle owns a reference.
        unsafe { self.ptr.as_ref() }
    }

    /// Cancels the task: its future is dropped right away (or, if the task is polling
    /// itself right now, as soon as that poll returns). Awaiting the handle afterwards
    /// gives a [`JoinError`] with [`is_cancelled`](JoinError::is_cancelled), unless
    /// the task had already finished.
    ///
    /// ```
    /// use std::time::Duration;
    /// longhand_runtime::block_on(async {
    ///     let handle = longhand_runtime::spawn(async {
    ///         longhand_runtime::time::sleep(Duration::from_secs(60)).await;
    ///     });
    ///     handle.abort();
    ///     assert!(handle.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn abort(&self) {
        // SAFETY: the handle lives on the executor's thread and owns a reference.
        unsafe { (self.header().vtable.cancel)(self.ptr) }
    }

    /// Whether the task has finished (with output, panic or cancellation).
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let handle = longhand_runtime::spawn(async {});
    ///     assert!(!handle.is_finished());
    ///     longhand_runtime::yield_now().await;
    ///     assert!(handle.is_finished());
    /// });
    /// ```
    pub fn is_finished(&self) -> bool {
        self.header().has(COMPLETE)
    }
}

impl<T> Future for JoinHandle<T> {
    type Output = Result<T, JoinError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let header = self.header();
        if !header.has(COMPLETE) {
            // SAFETY: the awaiter slot is only touched on the executor's thread, and
            // this handle is on it (`!Send`); no reference into the slot escapes.
            let slot = unsafe { &mut *header.awaiter.get() };
            match slot {
                Some(w) if w.will_wake(cx.waker()) => {}
                _ => *slot = Some(cx.waker().clone()),
            }
            return Poll::Pending;
        }
        let mut out: Poll<Result<T, JoinError>> = Poll::Pending;
        // SAFETY: COMPLETE is set, `T` is the task's output type (set by `allocate`),
        // and `out` is a valid place of the type `read_output` writes.
        unsafe { (header.vtable.read_output)(self.ptr, (&raw mut out).cast()) };
        out
    }
}

impl<T> Drop for JoinHandle<T> {
    fn drop(&mut self) {
        let header = self.header();
        header.set(HANDLE, false);
        // SAFETY: the awaiter slot is only touched on the executor's thread (this one).
        drop(unsafe { (*header.awaiter.get()).take() });
        if header.has(COMPLETE) {
            // SAFETY: on the executor's thread; the output is ours to drop.
            unsafe { (header.vtable.drop_output)(self.ptr) };
        }
        // SAFETY: the handle owns one reference.
        unsafe { drop_ref(self.ptr) };
    }
}

impl<T> fmt::Debug for JoinHandle<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JoinHandle")
            .field("finished", &self.is_finished())
            .finish()
    }
}

enum Repr {
    Cancelled,
    Panic(Box<dyn Any + Send>),
}

/// Why a [`JoinHandle`] did not produce the task's output: the task panicked, or it
/// was cancelled (aborted, or its executor shut down first).
///
/// ```
/// longhand_runtime::block_on(async {
///     let err = longhand_runtime::spawn(async { panic!("boom") }).await.unwrap_err();
///     assert!(err.is_panic());
///     assert_eq!(*err.into_panic().downcast::<&str>().unwrap(), "boom");
/// });
/// ```
pub struct JoinError(Repr);

impl JoinError {
    /// Whether the task was cancelled before it finished.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let h = longhand_runtime::spawn(std::future::pending::<()>());
    ///     h.abort();
    ///     assert!(h.await.unwrap_err().is_cancelled());
    /// });
    /// ```
    pub fn is_cancelled(&self) -> bool {
        matches!(self.0, Repr::Cancelled)
    }

    /// Whether the task panicked.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let err = longhand_runtime::spawn(async { panic!() }).await.unwrap_err();
    ///     assert!(err.is_panic());
    /// });
    /// ```
    pub fn is_panic(&self) -> bool {
        matches!(self.0, Repr::Panic(_))
    }

    /// The panic payload; panics if the task was cancelled instead.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let err = longhand_runtime::spawn(async { std::panic::panic_any(7u8) })
    ///         .await
    ///         .unwrap_err();
    ///     assert_eq!(*err.into_panic().downcast::<u8>().unwrap(), 7);
    /// });
    /// ```
    pub fn into_panic(self) -> Box<dyn Any + Send> {
        self.try_into_panic()
            .unwrap_or_else(|_| panic!("JoinError::into_panic on a cancelled task"))
    }

    /// The panic payload, or the error itself if the task was cancelled.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let h = longhand_runtime::spawn(std::future::pending::<()>());
    ///     h.abort();
    ///     assert!(h.await.unwrap_err().try_into_panic().is_err());
    /// });
    /// ```
    pub fn try_into_panic(self) -> Result<Box<dyn Any + Send>, JoinError> {
        match self.0 {
            Repr::Panic(p) => Ok(p),
            Repr::Cancelled => Err(self),
        }
    }
}

impl fmt::Debug for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Cancelled => f.write_str("JoinError::Cancelled"),
            Repr::Panic(p) => write!(f, "JoinError::Panic({:?})", panic_message(p)),
        }
    }
}

impl fmt::Display for JoinError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Cancelled => f.write_str("task was cancelled"),
            Repr::Panic(p) => write!(f, "task panicked: {}", panic_message(p)),
        }
    }
}

impl std::error::Error for JoinError {}

fn panic_message(p: &(dyn Any + Send)) -> &str {
    if let Some(s) = p.downcast_ref::<&'static str>() {
        s
    } else if let Some(s) = p.downcast_ref::<String>() {
        s
    } else {
        "<non-string panic payload>"
    }
}
