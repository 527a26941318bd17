//! I/O sources: a non-blocking file descriptor registered with a reactor.
//!
//! Registration is edge-triggered and permanent (the same scheme as tokio/mio): the
//! descriptor is added once with interest in both directions and never re-armed. The
//! poller then reports *changes* of readiness, so each source remembers whether each
//! direction may be ready (`readiness`: one bit per direction plus a tick counting
//! events).
//!
//! An operation is tried first whenever its direction may be ready. If it fails with
//! `WouldBlock`, the ready bit is cleared, but only if no event arrived since the
//! attempt began (the tick is unchanged), so an edge that fired meanwhile is not
//! lost. With the bit clear, the task stores its waker and returns `Pending`; the
//! reactor, on the next event for the source, sets the bits of the directions that
//! fired and wakes their wakers. Setting bits and taking wakers (reactor), and checking
//! bits and storing wakers (task) both happen under the source's lock, so a wake-up
//! cannot slip between a task's check and its registration.
//!
//! A new source starts as ready in both directions: the first attempt finds out.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::{Reactor, lock};

/// Which way an operation goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Direction {
    Read,
    Write,
}

impl Direction {
    /// This direction's bit in `Source::readiness`.
    fn bit(self) -> usize {
        match self {
            Direction::Read => READABLE,
            Direction::Write => WRITABLE,
        }
    }
}

const READABLE: usize = 1;
const WRITABLE: usize = 2;
/// The tick occupies the bits above the two readiness bits.
const TICK: usize = 4;

pub(crate) struct Source {
    fd: RawFd,
    key: usize,
    /// Readiness bits (`READABLE`, `WRITABLE`) and, above them, the event tick.
    readiness: AtomicUsize,
    /// The wakers waiting for each direction. Also serialises `dispatch` with a
    /// task's decision to wait (see the module documentation).
    wakers: Mutex<[Option<Waker>; 2]>,
}

impl Source {
    /// Called by the reactor for an event on this source.
    pub(super) fn dispatch(&self, readable: bool, writable: bool, wakers: &mut Vec<Waker>) {
        let bits = if readable { READABLE } else { 0 } | if writable { WRITABLE } else { 0 };
        if bits == 0 {
            return;
        }
        let mut st = lock(&self.wakers);
        // One atomic add cannot both set bits and bump the tick, so update in a loop;
        // the tick wraps harmlessly.
        let mut cur = self.readiness.load(Ordering::Acquire);
        loop {
            let new = (cur | bits).wrapping_add(TICK);
            match self.readiness.compare_exchange_weak(
                cur,
                new,
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => break,
                Err(v) => cur = v,
            }
        }
        if readable {
            wakers.extend(st[0].take());
        }
        if writable {
            wakers.extend(st[1].take());
        }
    }

    /// Clears `dir`'s ready bit, unless an event arrived since `seen` was loaded.
    fn clear_readiness(&self, seen: usize, dir: Direction) {
        let mut cur = seen;
        loop {
            if cur / TICK != seen / TICK {
                // An event came in meanwhile: the direction may be ready again.
                return;
            }
            match self.readiness.compare_exchange_weak(
                cur,
                cur & !dir.bit(),
                Ordering::AcqRel,
                Ordering::Acquire,
            ) {
                Ok(_) => return,
                Err(v) => cur = v,
            }
        }
    }

    /// The readiness word if `dir` may be ready; otherwise stores the waker and returns
    /// `None` (the caller returns `Pending`).
    fn poll_ready(&self, cx: &mut Context<'_>, dir: Direction) -> Option<usize> {
        let cur = self.readiness.load(Ordering::Acquire);
        if cur & dir.bit() != 0 {
            return Some(cur);
        }
        let mut st = lock(&self.wakers);
        // Re-check under the lock: `dispatch` sets bits while holding it.
        let cur = self.readiness.load(Ordering::Acquire);
        if cur & dir.bit() != 0 {
            return Some(cur);
        }
        let slot = &mut st[dir as usize];
        match slot {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => *slot = Some(cx.waker().clone()),
        }
        None
    }
}

/// The reactor's table of sources, indexed by the poller key.
#[derive(Default)]
pub(crate) struct Table {
    slots: Vec<Option<Arc<Source>>>,
    free: Vec<usize>,
}

impl Table {
    pub(super) fn get(&self, key: usize) -> Option<&Source> {
        self.slots.get(key).and_then(|s| s.as_deref())
    }
}

/// An I/O object registered with a reactor; deregisters (then closes) on drop.
pub(crate) struct Async<T: AsRawFd> {
    io: Option<T>,
    source: Arc<Source>,
    reactor: Arc<Reactor>,
}

impl<T: AsRawFd> Async<T> {
    /// Registers `io` (already non-blocking) with the current reactor.
    pub(crate) fn new(io: T) -> io::Result<Async<T>> {
        let reactor = Reactor::with_current(|r| r.clone());
        let fd = io.as_raw_fd();
        let source = {
            let mut table = lock(&reactor.sources);
            let key = table.free.pop().unwrap_or(table.slots.len());
            let source = Arc::new(Source {
                fd,
                key,
                readiness: AtomicUsize::new(READABLE | WRITABLE),
                wakers: Mutex::new(Default::default()),
            });
            // SAFETY: `fd` belongs to `io`, which `Async` keeps open until `drop`
            // deletes the registration first.
            if let Err(e) = unsafe { reactor.driver.add(fd, key) } {
                if key < table.slots.len() {
                    table.free.push(key);
                }
                return Err(e);
            }
            if key == table.slots.len() {
                table.slots.push(Some(source.clone()));
            } else {
                table.slots[key] = Some(source.clone());
            }
            source
        };
        reactor.source_count.fetch_add(1, Ordering::Relaxed);
        Ok(Async {
            io: Some(io),
            source,
            reactor,
        })
    }

    pub(crate) fn get_ref(&self) -> &T {
        self.io.as_ref().expect("io present until drop")
    }

    /// Runs `op` while `dir` may be ready and `op` does not return `WouldBlock`;
    /// otherwise stores the waker for `dir` and returns `Pending`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        dir: Direction,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.io.as_ref().expect("io present until drop");
        poll_io(&self.source, cx, dir, || op(io))
    }

    /// Like `poll_io`, for operations that need `&mut T`.
    pub(crate) fn poll_io_mut<R>(
        &mut self,
        cx: &mut Context<'_>,
        dir: Direction,
        mut op: impl FnMut(&mut T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        let io = self.io.as_mut().expect("io present until drop");
        poll_io(&self.source, cx, dir, || op(io))
    }

    /// `poll_io` for reads from a byte stream, asking for `len` bytes. A read that
    /// returned fewer bytes than asked for has most likely drained the socket, so it
    /// also clears the read readiness: the next read waits for the poller instead of
    /// first trying a system call that would fail with `WouldBlock` (the same
    /// heuristic as tokio's). Data that arrives later is a new edge, which sets the
    /// bit again.
    pub(crate) fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        mut op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        let io = self.io.as_ref().expect("io present until drop");
        let source = &*self.source;
        loop {
            let Some(seen) = source.poll_ready(cx, Direction::Read) else {
                return Poll::Pending;
            };
            match op(io) {
                Ok(n) if n > 0 && n < len => {
                    source.clear_readiness(seen, Direction::Read);
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    source.clear_readiness(seen, Direction::Read);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                r => return Poll::Ready(r),
            }
        }
    }
}

/// The loop behind `poll_io` and `poll_io_mut`.
fn poll_io<R>(
    source: &Source,
    cx: &mut Context<'_>,
    dir: Direction,
    mut op: impl FnMut() -> io::Result<R>,
) -> Poll<io::Result<R>> {
    loop {
        let Some(seen) = source.poll_ready(cx, dir) else {
            return Poll::Pending;
        };
        match op() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => source.clear_readiness(seen, dir),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            r => return Poll::Ready(r),
        }
    }
}

impl<T: AsRawFd + std::fmt::Debug> std::fmt::Debug for Async<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.io.fmt(f)
    }
}

impl<T: AsRawFd> Drop for Async<T> {
    fn drop(&mut self) {
        let _ = self.reactor.driver.delete(self.source.fd);
        {
            let mut table = lock(&self.reactor.sources);
            table.slots[self.source.key] = None;
            table.free.push(self.source.key);
        }
        self.reactor.source_count.fetch_sub(1, Ordering::Relaxed);
        // Close the descriptor only after the poller forgot it.
        drop(self.io.take());
    }
}
