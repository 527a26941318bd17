//! I/O sources: a non-blocking file descriptor registered with a reactor.
//!
//! The pattern (the same as smol's `async-io`): try the operation; if it fails with
//! `WouldBlock`, store the task's waker for that direction and arm the descriptor in
//! the poller (oneshot mode, level-triggered); return `Pending`. When the poller
//! reports the descriptor, the reactor takes the wakers of the directions that fired
//! and wakes them; the task retries the operation. Because arming is level-triggered,
//! readiness that arrived between the failed attempt and the arming is reported at
//! once, so no wake-up is lost. Oneshot mode disarms the descriptor after each event;
//! a direction that still has a waiter is armed again right away.

use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};

use super::driver::Driver;
use super::{Reactor, lock};

/// Which way an operation goes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Direction {
    Read,
    Write,
}

#[derive(Default)]
struct Interest {
    waker: Option<Waker>,
    armed: bool,
}

pub(crate) struct Source {
    fd: RawFd,
    key: usize,
    state: Mutex<[Interest; 2]>,
    /// The last stream read was short, so the socket is probably drained.
    drained: AtomicBool,
}

impl Source {
    /// Called by the reactor for an event on this source.
    pub(super) fn dispatch(
        &self,
        driver: &Driver,
        readable: bool,
        writable: bool,
        wakers: &mut Vec<Waker>,
    ) {
        let mut st = lock(&self.state);
        let fired = [readable, writable];
        for (i, dir) in st.iter_mut().enumerate() {
            dir.armed = false;
            if fired[i] {
                wakers.extend(dir.waker.take());
            }
        }
        // Oneshot disarmed both directions; re-arm the one that is still waited on.
        let [r, w] = [st[0].waker.is_some(), st[1].waker.is_some()];
        if r || w {
            st[0].armed = r;
            st[1].armed = w;
            let _ = driver.modify(self.fd, self.key, r, w);
        }
    }
}

/// The reactor's table of sources, indexed by the poller key.
#[derive(Default)]
pub(crate) struct Table {
    slots: Vec<Option<Arc<Source>>>,
    free: Vec<usize>,
}

impl Table {
    pub(super) fn get(&self, key: usize) -> Option<Arc<Source>> {
        self.slots.get(key).and_then(|s| s.clone())
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
                state: Mutex::new(Default::default()),
                drained: AtomicBool::new(false),
            });
            // SAFETY: `fd` belongs to `io`, which `Async` keeps open until `drop`
            // deletes the registration first.
            unsafe { reactor.driver.add(fd, key) }?;
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

    pub(crate) fn get_mut(&mut self) -> &mut T {
        self.io.as_mut().expect("io present until drop")
    }

    /// Runs `op` until it does not return `WouldBlock`; otherwise registers the waker
    /// for `dir` and returns `Pending`.
    pub(crate) fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        dir: Direction,
        mut op: impl FnMut(&T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            match op(self.get_ref()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => return Poll::Ready(r),
            }
            return match self.register(cx, dir) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            };
        }
    }

    /// `poll_io` for reads from a byte stream, asking for `len` bytes. A read that
    /// returned fewer bytes than asked for has most likely drained the socket, so the
    /// next read arms the poller instead of first trying a system call that would
    /// fail with `WouldBlock` (the same heuristic as tokio's). Arming is
    /// level-triggered, so if data did arrive meanwhile the event fires at once.
    pub(crate) fn poll_read_stream(
        &self,
        cx: &mut Context<'_>,
        len: usize,
        op: impl FnMut(&T) -> io::Result<usize>,
    ) -> Poll<io::Result<usize>> {
        if len > 0 && self.source.drained.swap(false, Ordering::Relaxed) {
            return match self.register(cx, Direction::Read) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            };
        }
        let r = self.poll_io(cx, Direction::Read, op);
        if let Poll::Ready(Ok(n)) = r
            && n > 0
            && n < len
        {
            self.source.drained.store(true, Ordering::Relaxed);
        }
        r
    }

    /// Like `poll_io`, for operations that need `&mut T`.
    pub(crate) fn poll_io_mut<R>(
        &mut self,
        cx: &mut Context<'_>,
        dir: Direction,
        mut op: impl FnMut(&mut T) -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            match op(self.get_mut()) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                r => return Poll::Ready(r),
            }
            return match self.register(cx, dir) {
                Ok(()) => Poll::Pending,
                Err(e) => Poll::Ready(Err(e)),
            };
        }
    }

    fn register(&self, cx: &mut Context<'_>, dir: Direction) -> io::Result<()> {
        let mut st = lock(&self.source.state);
        let slot = &mut st[dir as usize];
        match &slot.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => slot.waker = Some(cx.waker().clone()),
        }
        if !slot.armed {
            slot.armed = true;
            let (r, w) = (st[0].armed, st[1].armed);
            self.reactor
                .driver
                .modify(self.source.fd, self.source.key, r, w)?;
        }
        Ok(())
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
