//! The reactor turns OS events and deadlines into wake-ups.
//!
//! It owns three things: a `Driver` (epoll on Linux, the `polling` crate elsewhere;
//! under Miri a thread park, since Miri cannot run epoll), a timer map ordered by
//! deadline, and the table of registered I/O sources. `turn(block)` waits in the
//! driver until an I/O event, the earliest deadline or a `notify()` from another
//! thread, then wakes the wakers whose event or deadline arrived.
//!
//! There is one reactor per thread, driven by `block_on` while it is idle, and one
//! fallback reactor on a lazily started background thread ("longhand-reactor") that
//! serves futures polled outside any `block_on` — a `Sleep` awaited under
//! `futures::executor::block_on`, a socket created before the runtime started. Such a
//! future registers with whichever reactor is current when it is first polled (or
//! created, for sockets), and the wake simply reaches its waker from that thread.

mod driver;
mod source;
mod timers;

pub(crate) use source::{Async, Direction};

use std::cell::RefCell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::task::Waker;
use std::time::{Duration, Instant};

use driver::Driver;
use timers::Timers;

pub(crate) struct Reactor {
    driver: Driver,
    timers: Mutex<Timers>,
    sources: Mutex<source::Table>,
    /// Number of registered I/O sources (cheap check for the busy path).
    source_count: AtomicUsize,
    /// The buffer `turn` collects wakers in, kept between turns.
    scratch: Mutex<Vec<Waker>>,
}

thread_local! {
    /// This thread's own reactor (created on first `block_on`), or the fallback
    /// reactor on the fallback thread.
    static THREAD_REACTOR: RefCell<Option<Arc<Reactor>>> = const { RefCell::new(None) };
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Reactor {
    fn new() -> Arc<Reactor> {
        Arc::new(Reactor {
            driver: Driver::new().expect("longhand: cannot create the OS poller"),
            timers: Mutex::new(Timers::default()),
            sources: Mutex::new(source::Table::default()),
            source_count: AtomicUsize::new(0),
            scratch: Mutex::new(Vec::new()),
        })
    }

    /// The reactor `block_on` drives on this thread.
    pub(crate) fn for_this_thread() -> Arc<Reactor> {
        THREAD_REACTOR.with(|r| r.borrow_mut().get_or_insert_with(Reactor::new).clone())
    }

    /// Whether `self` is driven by the calling thread.
    fn is_own_thread(&self) -> bool {
        THREAD_REACTOR
            .try_with(|r| {
                r.try_borrow()
                    .is_ok_and(|r| r.as_ref().is_some_and(|r| std::ptr::eq(&**r, self)))
            })
            .unwrap_or(false)
    }

    /// The reactor for a future polled right now: the current `block_on`'s, or else the
    /// fallback reactor.
    pub(crate) fn with_current<R>(f: impl FnOnce(&Arc<Reactor>) -> R) -> R {
        crate::executor::with_local(|local| match local {
            Some(l) => f(&l.reactor),
            None => f(fallback()),
        })
    }

    /// Wakes the thread waiting in `turn`, or makes its next `turn` return at once.
    pub(crate) fn notify(&self) {
        self.driver.notify();
    }

    /// Waits (if `block`) for I/O, the next deadline or a notification, then wakes
    /// everything that became ready.
    pub(crate) fn turn(&self, block: bool) {
        let timeout = if block {
            lock(&self.timers)
                .next_deadline()
                .map(|d| d.saturating_duration_since(Instant::now()))
        } else {
            Some(Duration::ZERO)
        };
        // Reuse the waker buffer of the previous turn (empty unless another thread
        // is turning this reactor right now, which only costs an allocation).
        let mut wakers = std::mem::take(&mut *lock(&self.scratch));
        if block || self.source_count.load(Ordering::Relaxed) > 0 {
            // The table is locked once per batch of events, and only after the wait.
            let mut table = None;
            self.driver.wait(timeout, |key, readable, writable| {
                let table = table.get_or_insert_with(|| lock(&self.sources));
                if let Some(source) = table.get(key) {
                    source.dispatch(readable, writable, &mut wakers);
                }
            });
        }
        lock(&self.timers).expire(Instant::now(), &mut wakers);
        for w in wakers.drain(..) {
            w.wake();
        }
        *lock(&self.scratch) = wakers;
    }

    /// Registers a timer; returns its id.
    pub(crate) fn insert_timer(&self, deadline: Instant, waker: &Waker) -> u64 {
        let (id, earliest) = lock(&self.timers).insert(deadline, waker.clone());
        if earliest && !self.is_own_thread() {
            // The driving thread may be asleep with a later deadline.
            self.notify();
        }
        id
    }

    /// Refreshes a timer's waker; `false` if the timer is no longer registered.
    pub(crate) fn update_timer(&self, deadline: Instant, id: u64, waker: &Waker) -> bool {
        lock(&self.timers).update(deadline, id, waker)
    }

    pub(crate) fn remove_timer(&self, deadline: Instant, id: u64) {
        lock(&self.timers).remove(deadline, id);
    }
}

/// The fallback reactor and its thread, started on first use.
fn fallback() -> &'static Arc<Reactor> {
    static FALLBACK: OnceLock<Arc<Reactor>> = OnceLock::new();
    FALLBACK.get_or_init(|| {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("longhand-reactor".into())
            .spawn(move || {
                let reactor = Reactor::for_this_thread();
                tx.send(reactor.clone()).unwrap();
                loop {
                    reactor.turn(true);
                }
            })
            .expect("longhand: cannot start the fallback reactor thread");
        rx.recv().unwrap()
    })
}
