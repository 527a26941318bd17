//! The single-threaded executor behind [`block_on`] and [`spawn`].
//!
//! `block_on(fut)` creates an executor for the current thread: a `Local` half (run
//! queue, list of live tasks; used only on this thread, so no locks) and a `Shared`
//! half (a mutex-protected queue for wakes from other threads, plus flags) that wakers
//! reach from anywhere. The loop:
//!
//! 1. poll the main future if its waker fired;
//! 2. run the tasks queued at this moment, at most `BUDGET`; between batches, look at the
//!    cross-thread queue and expired timers (and, if I/O is registered, poll the
//!    reactor without blocking) so that nothing starves;
//! 3. with nothing to run, sleep in the reactor until an I/O event, the next timer or
//!    a cross-thread wake (`Poller::notify`). It never spins.
//!
//! When `block_on` returns (or unwinds), every task still alive is cancelled: its
//! future is dropped here, on the thread it belongs to.

use std::cell::{Cell, UnsafeCell};
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::ptr::{self, NonNull};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use crate::reactor::Reactor;
use crate::task::{self, Header, JoinHandle, TaskRef};
use crate::waker;

/// How many tasks run between two looks at timers, I/O and the cross-thread queue.
const BUDGET: usize = 61;

thread_local! {
    /// The executor running on this thread (innermost `block_on`), or null.
    static CURRENT: Cell<*const Local> = const { Cell::new(ptr::null()) };
}

/// The part of an executor that other threads reach through wakers.
pub(crate) struct Shared {
    remote: Mutex<Remote>,
    /// Set when something was pushed to `remote` or `main_woken` from another thread
    /// and the reactor was (or is about to be) notified.
    notified: AtomicBool,
    main_woken: AtomicBool,
    reactor: Arc<Reactor>,
}

struct Remote {
    queue: Vec<TaskRef>,
    closed: bool,
}

impl Shared {
    fn is_current(&self) -> bool {
        with_local(|l| l.is_some_and(|l| ptr::eq(Arc::as_ptr(&l.shared), self)))
    }

    pub(crate) fn wake_main(&self) {
        self.main_woken.store(true, Ordering::Release);
        if !self.is_current() {
            self.notify();
        }
    }

    fn push_remote(&self, task: TaskRef) {
        let mut remote = self.remote.lock().unwrap_or_else(|e| e.into_inner());
        if remote.closed {
            drop(remote);
            // The executor is gone; dropping the reference is all there is to do.
            drop(task);
            return;
        }
        remote.queue.push(task);
        drop(remote);
        self.notify();
    }

    fn notify(&self) {
        if !self.notified.swap(true, Ordering::AcqRel) {
            self.reactor.notify();
        }
    }

    /// Takes what other threads queued; `true` if there was anything.
    fn drain_remote(&self, local: &Local) -> bool {
        if !self.notified.load(Ordering::Acquire) {
            return false;
        }
        self.notified.swap(false, Ordering::AcqRel);
        let batch =
            std::mem::take(&mut self.remote.lock().unwrap_or_else(|e| e.into_inner()).queue);
        let any = !batch.is_empty();
        for t in batch {
            local.push(t);
        }
        any
    }
}

/// The thread-local part of an executor. Lives in a `Box` inside `block_on`.
pub(crate) struct Local {
    pub(crate) shared: Arc<Shared>,
    queue: UnsafeCell<VecDeque<TaskRef>>,
    head: Cell<Option<NonNull<Header>>>,
    pub(crate) reactor: Arc<Reactor>,
}

impl Local {
    pub(crate) fn push(&self, task: TaskRef) {
        // SAFETY: `Local` is only used on its own thread, and no reference into the
        // queue outlives this call (pushing runs no user code).
        unsafe { (*self.queue.get()).push_back(task) }
    }

    fn pop(&self) -> Option<TaskRef> {
        // SAFETY: as in `push`.
        unsafe { (*self.queue.get()).pop_front() }
    }

    fn queue_is_empty(&self) -> bool {
        self.queue_len() == 0
    }

    fn queue_len(&self) -> usize {
        // SAFETY: as in `push`.
        unsafe { (*self.queue.get()).len() }
    }

    /// Adds a task to the list of live tasks.
    pub(crate) fn link(&self, ptr: NonNull<Header>) {
        // SAFETY: every task in the list is alive (the list holds a reference), and
        // the links are only touched on this thread.
        unsafe {
            let h = ptr.as_ref();
            h.prev.set(None);
            h.next.set(self.head.get());
            if let Some(old) = self.head.get() {
                old.as_ref().prev.set(Some(ptr));
            }
        }
        self.head.set(Some(ptr));
    }

    /// Removes a task from the list of live tasks.
    pub(crate) fn unlink(&self, ptr: NonNull<Header>) {
        // SAFETY: as in `link`; `ptr` is in this list.
        unsafe {
            let h = ptr.as_ref();
            let (prev, next) = (h.prev.take(), h.next.take());
            match prev {
                Some(p) => p.as_ref().next.set(next),
                None => self.head.set(next),
            }
            if let Some(n) = next {
                n.as_ref().prev.set(prev);
            }
        }
    }

    /// Cancels every live task and drops every queued reference.
    fn shutdown(&self) {
        loop {
            while let Some(ptr) = self.head.get() {
                // SAFETY: on this thread; `ptr` is linked, so the executor is alive.
                unsafe { task::shutdown(ptr) };
                if self.head.get() == Some(ptr) {
                    // Only possible if the task is polling right now (a nested
                    // `block_on` unwinding); unlink it so shutdown terminates. Its
                    // poll drops the future when it returns.
                    self.unlink(ptr);
                }
            }
            while let Some(t) = self.pop() {
                drop(t);
            }
            let leftover = {
                let mut remote = self.shared.remote.lock().unwrap_or_else(|e| e.into_inner());
                remote.closed = true;
                std::mem::take(&mut remote.queue)
            };
            drop(leftover);
            if self.head.get().is_none() && self.queue_is_empty() {
                break;
            }
        }
    }
}

/// Runs `f` with the executor of the current thread, if `block_on` is running here.
pub(crate) fn with_local<R>(f: impl FnOnce(Option<&Local>) -> R) -> R {
    let ptr = CURRENT.try_with(|c| c.get()).unwrap_or(ptr::null());
    // SAFETY: CURRENT is non-null only while the `block_on` that owns the `Local` is
    // on this thread's stack, and it is reset before that `Local` is dropped.
    f(unsafe { ptr.as_ref() })
}

/// Queues a woken task: locally if we are on its executor's thread, else remotely.
pub(crate) fn schedule(task: TaskRef) {
    let shared_ptr = task.header().shared_ptr();
    let task = with_local(|local| match local {
        Some(l) if ptr::eq(Arc::as_ptr(&l.shared), shared_ptr) => {
            l.push(task);
            None
        }
        _ => Some(task),
    });
    if let Some(task) = task {
        // SAFETY: the task owns a strong count of its `Shared`, so the pointer is
        // valid; we take our own count so `Shared` outlives `push_remote` even if the
        // task's reference is the last thing keeping it alive.
        let shared = unsafe {
            Arc::increment_strong_count(shared_ptr);
            Arc::from_raw(shared_ptr)
        };
        shared.push_remote(task);
    }
}

/// Runs a future to completion on the current thread, together with every task it
/// [`spawn`]s, driving timers, sockets and child processes while idle.
///
/// When the future completes, tasks that are still running are cancelled (their
/// futures are dropped).
///
/// ```
/// let v = longhand_runtime::block_on(async {
///     let a = longhand_runtime::spawn(async { 1 });
///     let b = longhand_runtime::spawn(async { 2 });
///     a.await.unwrap() + b.await.unwrap()
/// });
/// assert_eq!(v, 3);
/// ```
pub fn block_on<F: Future>(future: F) -> F::Output {
    let reactor = Reactor::for_this_thread();
    let shared = Arc::new(Shared {
        remote: Mutex::new(Remote {
            queue: Vec::new(),
            closed: false,
        }),
        notified: AtomicBool::new(false),
        main_woken: AtomicBool::new(true),
        reactor: reactor.clone(),
    });
    let local = Box::new(Local {
        shared: shared.clone(),
        queue: UnsafeCell::new(VecDeque::with_capacity(64)),
        head: Cell::new(None),
        reactor,
    });
    let prev = CURRENT.with(|c| c.replace(&*local));

    struct Exit<'a> {
        local: &'a Local,
        prev: *const Local,
    }
    impl Drop for Exit<'_> {
        fn drop(&mut self) {
            self.local.shutdown();
            CURRENT.with(|c| c.set(self.prev));
        }
    }
    let _exit = Exit {
        local: &local,
        prev,
    };

    let mut future = pin!(future);
    let main_waker = waker::main_waker(shared.clone());
    let mut cx = Context::from_waker(&main_waker);
    let local: &Local = &local;
    loop {
        if shared.main_woken.load(Ordering::Acquire)
            && shared.main_woken.swap(false, Ordering::AcqRel)
            && let Poll::Ready(v) = future.as_mut().poll(&mut cx)
        {
            return v;
        }
        // Run the tasks queued now (at most BUDGET), so that a main future which woke
        // itself (e.g. `yield_now`) comes after every task that was already runnable.
        let batch = local.queue_len().min(BUDGET);
        for _ in 0..batch {
            match local.pop() {
                Some(t) => t.run(),
                None => break,
            }
        }
        if batch == BUDGET {
            // Busy: a non-blocking look at everything else, for fairness.
            shared.drain_remote(local);
            local.reactor.turn(false);
            continue;
        }
        if !local.queue_is_empty() || shared.main_woken.load(Ordering::Acquire) {
            continue;
        }
        if shared.drain_remote(local) {
            continue;
        }
        // Idle: sleep until an I/O event, a timer, or a notification.
        local.reactor.turn(true);
        shared.drain_remote(local);
    }
}

/// Spawns a task on the executor of the current [`block_on`]; it runs concurrently
/// with the caller. The future need not be `Send`.
///
/// # Panics
///
/// With "longhand::spawn called outside of longhand::block_on" when no `block_on` is
/// running on this thread.
///
/// ```
/// use std::rc::Rc;
/// longhand_runtime::block_on(async {
///     let shared = Rc::new(5); // not Send: fine, tasks stay on this thread
///     let s = shared.clone();
///     let handle = longhand_runtime::spawn(async move { *s * 2 });
///     assert_eq!(handle.await.unwrap(), 10);
/// });
/// ```
pub fn spawn<F>(future: F) -> JoinHandle<F::Output>
where
    F: Future + 'static,
    F::Output: 'static,
{
    with_local(|local| {
        let Some(local) = local else {
            panic!("longhand::spawn called outside of longhand::block_on");
        };
        // SAFETY: `local` is the live executor of this thread.
        let (task, handle) = unsafe { task::allocate(future, local) };
        local.push(task);
        handle
    })
}
