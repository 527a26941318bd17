//! The driver is what a reactor sleeps in.
//!
//! `wait` sleeps until a registered file descriptor becomes ready, the timeout passes,
//! or `notify` is called from another thread. Descriptors are registered once, for
//! both directions, edge-triggered (see `source.rs`).
//!
//! - On Linux and Android it is epoll, called directly: one `epoll_wait` (or
//!   `epoll_pwait2`, for a timeout finer than a millisecond) per wait, plus an eventfd
//!   for `notify` that is only read when it fired. (The `polling` crate costs four more
//!   system calls per wait: it re-arms a timerfd and its notifier each time.)
//! - On other Unix systems it is a `polling::Poller` (kqueue, ...).
//! - Under Miri, which cannot run epoll, it is a plain thread park: `wait` parks with
//!   the timeout and `notify` unparks; no I/O can be registered there.

#[cfg(all(not(miri), any(target_os = "linux", target_os = "android")))]
mod imp {
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;

    /// The `epoll_event` data of the eventfd; sources use their (small) table key.
    const NOTIFY: u64 = u64::MAX;
    /// How many events one wait can return.
    const CAPACITY: usize = 256;

    const READ_FLAGS: u32 =
        (libc::EPOLLIN | libc::EPOLLPRI | libc::EPOLLRDHUP | libc::EPOLLHUP | libc::EPOLLERR)
            as u32;
    const WRITE_FLAGS: u32 = (libc::EPOLLOUT | libc::EPOLLHUP | libc::EPOLLERR) as u32;

    pub(crate) struct Driver {
        epoll: OwnedFd,
        eventfd: OwnedFd,
        /// Set by `notify` when it wrote to the eventfd; cleared once the wait that
        /// saw the eventfd fire has drained it. Saves the write for repeated notifies.
        notified: AtomicBool,
        events: Mutex<Vec<libc::epoll_event>>,
        /// `epoll_pwait2` turned out to be missing (kernel before 5.11, or a seccomp
        /// filter): fall back to `epoll_wait` with the timeout rounded up to a
        /// millisecond.
        #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
        no_pwait2: AtomicBool,
    }

    fn cvt(r: libc::c_int) -> io::Result<libc::c_int> {
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }

    impl Driver {
        pub(crate) fn new() -> io::Result<Driver> {
            // SAFETY: a plain system call; on success we own the new descriptor.
            let epoll =
                unsafe { OwnedFd::from_raw_fd(cvt(libc::epoll_create1(libc::EPOLL_CLOEXEC))?) };
            // SAFETY: as above.
            let eventfd = unsafe {
                OwnedFd::from_raw_fd(cvt(libc::eventfd(
                    0,
                    libc::EFD_CLOEXEC | libc::EFD_NONBLOCK,
                ))?)
            };
            let driver = Driver {
                epoll,
                eventfd,
                notified: AtomicBool::new(false),
                events: Mutex::new(Vec::with_capacity(CAPACITY)),
                #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
                no_pwait2: AtomicBool::new(false),
            };
            // Edge-triggered: every write to the eventfd is a new edge.
            driver.ctl(
                libc::EPOLL_CTL_ADD,
                driver.eventfd.as_raw_fd(),
                (libc::EPOLLIN | libc::EPOLLET) as u32,
                NOTIFY,
            )?;
            Ok(driver)
        }

        fn ctl(&self, op: libc::c_int, fd: RawFd, events: u32, data: u64) -> io::Result<()> {
            let mut ev = libc::epoll_event { events, u64: data };
            // SAFETY: `ev` is a valid `epoll_event` for the duration of the call; the
            // caller guarantees that `fd` is open (see `add`).
            cvt(unsafe { libc::epoll_ctl(self.epoll.as_raw_fd(), op, fd, &mut ev) })?;
            Ok(())
        }

        pub(crate) fn notify(&self) {
            if !self.notified.swap(true, Ordering::AcqRel) {
                let one = 1u64.to_ne_bytes();
                // SAFETY: writes 8 bytes from a live buffer to our own eventfd. It
                // cannot fail short of the counter overflowing, which cannot happen as
                // every wait that sees it drains it; nothing sensible to do anyway.
                let _ = unsafe { libc::write(self.eventfd.as_raw_fd(), one.as_ptr().cast(), 8) };
            }
        }

        /// Drains the eventfd after it fired.
        fn clear_notification(&self) {
            let mut buf = [0u8; 8];
            // SAFETY: reads at most 8 bytes into a live buffer from our own eventfd
            // (non-blocking; `WouldBlock` just means there was nothing to drain).
            let _ = unsafe { libc::read(self.eventfd.as_raw_fd(), buf.as_mut_ptr().cast(), 8) };
            // After the read: a `notify` from now on writes again (a new edge). One
            // that came in between was skipped, but this wait is returning anyway and
            // the caller looks at its state after it.
            self.notified.store(false, Ordering::Release);
        }

        /// One `epoll_wait`; returns how many events the kernel wrote.
        fn epoll_wait(
            &self,
            events: &mut Vec<libc::epoll_event>,
            timeout: Option<Duration>,
        ) -> io::Result<usize> {
            let buf = events.spare_capacity_mut();
            let (ptr, cap) = (buf.as_mut_ptr().cast::<libc::epoll_event>(), buf.len());
            let cap = cap.min(libc::c_int::MAX as usize) as libc::c_int;
            #[cfg(all(target_os = "linux", target_pointer_width = "64"))]
            if let Some(t) = timeout
                && !t.is_zero()
                && t.subsec_nanos() % 1_000_000 != 0
                && !self.no_pwait2.load(Ordering::Relaxed)
            {
                let ts = libc::timespec {
                    tv_sec: t.as_secs().min(i64::MAX as u64) as libc::time_t,
                    tv_nsec: t.subsec_nanos() as _,
                };
                // SAFETY: `ptr` points to `cap` writable `epoll_event`s and `ts` is a
                // valid timespec (64-bit `time_t` here, as the kernel expects); a null
                // signal mask means "leave it unchanged".
                let r = unsafe {
                    libc::syscall(
                        libc::SYS_epoll_pwait2,
                        self.epoll.as_raw_fd(),
                        ptr,
                        cap,
                        &ts as *const libc::timespec,
                        std::ptr::null::<libc::sigset_t>(),
                        0usize,
                    )
                };
                if r >= 0 {
                    return Ok(r as usize);
                }
                let e = io::Error::last_os_error();
                match e.raw_os_error() {
                    Some(libc::ENOSYS | libc::EPERM) => {
                        self.no_pwait2.store(true, Ordering::Relaxed)
                    }
                    _ => return Err(e),
                }
            }
            let ms = match timeout {
                None => -1,
                // Rounded up, so that a wait never ends before its deadline.
                Some(t) => t
                    .as_nanos()
                    .div_ceil(1_000_000)
                    .min(libc::c_int::MAX as u128) as libc::c_int,
            };
            // SAFETY: `ptr` points to `cap` writable `epoll_event`s.
            let n = cvt(unsafe { libc::epoll_wait(self.epoll.as_raw_fd(), ptr, cap, ms) })?;
            Ok(n as usize)
        }

        pub(crate) fn wait(&self, timeout: Option<Duration>, mut f: impl FnMut(usize, bool, bool)) {
            let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
            events.clear();
            match self.epoll_wait(&mut events, timeout) {
                // SAFETY: the kernel initialised the first `n` entries (`n` is at most
                // the spare capacity it was given), and `epoll_event` has no drop glue.
                Ok(n) => unsafe { events.set_len(n) },
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => panic!("longhand: epoll_wait failed: {e}"),
            }
            for ev in events.iter() {
                // Copies: the struct is packed on some targets.
                let (flags, data) = (ev.events, ev.u64);
                if data == NOTIFY {
                    self.clear_notification();
                } else {
                    f(
                        data as usize,
                        flags & READ_FLAGS != 0,
                        flags & WRITE_FLAGS != 0,
                    );
                }
            }
        }

        /// Starts watching `fd` under `key` for both directions, edge-triggered: the
        /// interest stays registered, and events report changes of readiness.
        ///
        /// # Safety
        /// `fd` must stay open until `delete` is called for it.
        pub(crate) unsafe fn add(&self, fd: RawFd, key: usize) -> io::Result<()> {
            let events = libc::EPOLLIN | libc::EPOLLOUT | libc::EPOLLRDHUP | libc::EPOLLET;
            self.ctl(libc::EPOLL_CTL_ADD, fd, events as u32, key as u64)
        }

        pub(crate) fn delete(&self, fd: RawFd) -> io::Result<()> {
            self.ctl(libc::EPOLL_CTL_DEL, fd, 0, 0)
        }
    }
}

#[cfg(all(not(miri), not(any(target_os = "linux", target_os = "android"))))]
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
