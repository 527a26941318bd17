//! The driver is what a reactor sleeps in.
//!
//! Normally that is a `polling::Poller` (epoll on Linux): `wait` sleeps until a
//! registered file descriptor is ready, the timeout passes, or `notify` is called from
//! another thread (the poller's eventfd). Under Miri, which cannot run epoll, it is a
//! plain thread park: `wait` parks with the timeout and `notify` unparks; no I/O can be
//! registered there.

#[cfg(not(miri))]
mod imp {
    use std::io;
    use std::os::fd::RawFd;
    use std::sync::Mutex;
    use std::time::Duration;

    use polling::{Event, Events, PollMode, Poller};

    pub(crate) struct Driver {
        poller: Poller,
        events: Mutex<Events>,
    }

    impl Driver {
        pub(crate) fn new() -> io::Result<Driver> {
            Ok(Driver {
                poller: Poller::new()?,
                events: Mutex::new(Events::new()),
            })
        }

        pub(crate) fn notify(&self) {
            // An error here would mean the eventfd is broken; nothing sensible to do.
            let _ = self.poller.notify();
        }

        pub(crate) fn wait(&self, timeout: Option<Duration>, mut f: impl FnMut(usize, bool, bool)) {
            let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
            events.clear();
            match self.poller.wait(&mut events, timeout) {
                Ok(_) => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => panic!("longhand: polling failed: {e}"),
            }
            for ev in events.iter() {
                f(ev.key, ev.readable, ev.writable);
            }
        }

        /// Starts watching `fd` under `key` for both directions, edge-triggered: the
        /// interest stays registered, and events report changes of readiness.
        ///
        /// # Safety
        /// `fd` must stay open until `delete` is called for it.
        pub(crate) unsafe fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
            // SAFETY: forwarded to the caller.
            unsafe {
                self.poller
                    .add_with_mode(fd, Event::all(key), PollMode::Edge)
            }
        }

        pub(crate) fn delete(&self, fd: RawFd) -> io::Result<()> {
            // SAFETY: `fd` is registered and therefore still open (see `add`).
            let fd = unsafe { std::os::fd::BorrowedFd::borrow_raw(fd) };
            self.poller.delete(fd)
        }
    }
}

#[cfg(miri)]
mod imp {
    use std::io;
    use std::os::fd::RawFd;
    use std::sync::Mutex;
    use std::thread::Thread;
    use std::time::Duration;

    pub(crate) struct Driver {
        /// The thread that waits (the one that created the reactor).
        thread: Mutex<Thread>,
    }

    fn unsupported() -> io::Error {
        io::Error::new(io::ErrorKind::Unsupported, "no I/O under Miri")
    }

    impl Driver {
        pub(crate) fn new() -> io::Result<Driver> {
            Ok(Driver {
                thread: Mutex::new(std::thread::current()),
            })
        }

        pub(crate) fn notify(&self) {
            self.thread
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .unpark();
        }

        pub(crate) fn wait(&self, timeout: Option<Duration>, _f: impl FnMut(usize, bool, bool)) {
            match timeout {
                Some(t) if t.is_zero() => {}
                Some(t) => std::thread::park_timeout(t),
                None => std::thread::park(),
            }
        }

        pub(crate) unsafe fn add(&self, _fd: RawFd, _key: usize) -> io::Result<()> {
            Err(unsupported())
        }

        pub(crate) fn delete(&self, _fd: RawFd) -> io::Result<()> {
            Err(unsupported())
        }
    }
}

pub(crate) use imp::Driver;
