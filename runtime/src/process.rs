//! Child processes: [`Command`] mirrors `std::process::Command`, with async
//! [`status`](Command::status), [`output`](Command::output) and [`Child::wait`].
//!
//! Waiting for exit goes through the reactor: on Linux the child gets a *pidfd*
//! (`pidfd_open`), a file descriptor that becomes readable when the process exits; it
//! is registered with the poller like a socket, and the task is woken on exit, then
//! reaps the child with `try_wait`. No polling loop, no SIGCHLD handler, and any
//! number of children can be awaited at once. If `pidfd_open` is unavailable (old
//! kernel, seccomp), a helper thread per child blocks in `waitid(.., WNOWAIT)` (which
//! observes the exit without reaping) and wakes the task through a oneshot channel.
//!
//! Piped stdin/stdout/stderr are switched to non-blocking mode and registered with
//! the reactor too, so `output()` reads both streams while waiting for exit.

use std::ffi::OsStr;
use std::fmt;
use std::future::poll_fn;
use std::io::{self, Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::path::Path;
use std::pin::Pin;
use std::process::{ExitStatus, Output, Stdio};
use std::task::{Context, Poll};

use crate::reactor::{Async, Direction};
use crate::sync::oneshot;

/// A process builder, like `std::process::Command`.
///
/// ```
/// use longhand_runtime::process::Command;
/// longhand_runtime::block_on(async {
///     let out = Command::new("sh").arg("-c").arg("echo hi").output().await.unwrap();
///     assert!(out.status.success());
///     assert_eq!(out.stdout, b"hi\n");
/// });
/// ```
pub struct Command {
    inner: std::process::Command,
    stdin_set: bool,
    stdout_set: bool,
    stderr_set: bool,
}

impl Command {
    /// A command running `program`.
    ///
    /// ```
    /// let status = longhand_runtime::block_on(
    ///     longhand_runtime::process::Command::new("true").status(),
    /// );
    /// assert!(status.unwrap().success());
    /// ```
    pub fn new(program: impl AsRef<OsStr>) -> Command {
        Command {
            inner: std::process::Command::new(program),
            stdin_set: false,
            stdout_set: false,
            stderr_set: false,
        }
    }

    /// Adds an argument.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(Command::new("echo").arg("a").output()).unwrap();
    /// assert_eq!(out.stdout, b"a\n");
    /// ```
    pub fn arg(&mut self, arg: impl AsRef<OsStr>) -> &mut Command {
        self.inner.arg(arg);
        self
    }

    /// Adds several arguments.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(Command::new("echo").args(["a", "b"]).output()).unwrap();
    /// assert_eq!(out.stdout, b"a b\n");
    /// ```
    pub fn args<I, S>(&mut self, args: I) -> &mut Command
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.inner.args(args);
        self
    }

    /// Sets an environment variable for the child.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(
    ///     Command::new("sh").args(["-c", "echo $GREETING"]).env("GREETING", "hello").output(),
    /// )
    /// .unwrap();
    /// assert_eq!(out.stdout, b"hello\n");
    /// ```
    pub fn env(&mut self, key: impl AsRef<OsStr>, val: impl AsRef<OsStr>) -> &mut Command {
        self.inner.env(key, val);
        self
    }

    /// Sets the child's working directory.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(Command::new("pwd").current_dir("/").output()).unwrap();
    /// assert_eq!(out.stdout, b"/\n");
    /// ```
    pub fn current_dir(&mut self, dir: impl AsRef<Path>) -> &mut Command {
        self.inner.current_dir(dir);
        self
    }

    /// Configures the child's standard input.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(Command::new("cat").stdin(Stdio::null()).output()).unwrap();
    /// assert!(out.stdout.is_empty());
    /// ```
    pub fn stdin(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.inner.stdin(cfg);
        self.stdin_set = true;
        self
    }

    /// Configures the child's standard output.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(Command::new("echo").stdout(Stdio::null()).output()).unwrap();
    /// assert!(out.stdout.is_empty());
    /// ```
    pub fn stdout(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.inner.stdout(cfg);
        self.stdout_set = true;
        self
    }

    /// Configures the child's standard error.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(
    ///     Command::new("sh").args(["-c", "echo oops >&2"]).stderr(Stdio::piped()).output(),
    /// )
    /// .unwrap();
    /// assert_eq!(out.stderr, b"oops\n");
    /// ```
    pub fn stderr(&mut self, cfg: impl Into<Stdio>) -> &mut Command {
        self.inner.stderr(cfg);
        self.stderr_set = true;
        self
    }

    /// Starts the process. Piped streams are available on the returned [`Child`].
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
    ///     let mut stdin = child.stdin.take().unwrap();
    ///     stdin.write_all(b"round trip").await.unwrap();
    ///     drop(stdin);
    ///     let out = child.wait_with_output().await.unwrap();
    ///     assert_eq!(out.stdout, b"round trip");
    /// });
    /// ```
    pub fn spawn(&mut self) -> io::Result<Child> {
        let mut child = self.inner.spawn()?;
        Ok(Child {
            stdin: child.stdin.take().map(ChildStdin::new).transpose()?,
            stdout: child.stdout.take().map(ChildStdout::new).transpose()?,
            stderr: child.stderr.take().map(ChildStderr::new).transpose()?,
            child,
            watch: Watch::NotYet,
            status: None,
        })
    }

    /// Runs the process (inheriting stdio unless configured) and waits for its exit.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let status = longhand_runtime::block_on(Command::new("sh").args(["-c", "exit 3"]).status());
    /// assert_eq!(status.unwrap().code(), Some(3));
    /// ```
    pub async fn status(&mut self) -> io::Result<ExitStatus> {
        self.spawn()?.wait().await
    }

    /// Runs the process and collects its exit status, stdout and stderr (captured
    /// unless configured otherwise; stdin is null unless configured).
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let out = longhand_runtime::block_on(Command::new("echo").arg("captured").output()).unwrap();
    /// assert_eq!(String::from_utf8(out.stdout).unwrap(), "captured\n");
    /// ```
    pub async fn output(&mut self) -> io::Result<Output> {
        if !self.stdin_set {
            self.inner.stdin(Stdio::null());
        }
        if !self.stdout_set {
            self.inner.stdout(Stdio::piped());
        }
        if !self.stderr_set {
            self.inner.stderr(Stdio::piped());
        }
        self.spawn()?.wait_with_output().await
    }
}

impl fmt::Debug for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.inner.fmt(f)
    }
}

/// How we learn that the child exited.
enum Watch {
    NotYet,
    Pidfd(Async<OwnedFd>),
    Thread(oneshot::Receiver<()>),
}

/// A running child process.
///
/// ```
/// use longhand_runtime::process::Command;
/// longhand_runtime::block_on(async {
///     let mut child = Command::new("sleep").arg("0.01").spawn().unwrap();
///     assert!(child.id() > 0);
///     assert!(child.wait().await.unwrap().success());
/// });
/// ```
pub struct Child {
    /// The child's stdin, if piped.
    pub stdin: Option<ChildStdin>,
    /// The child's stdout, if piped.
    pub stdout: Option<ChildStdout>,
    /// The child's stderr, if piped.
    pub stderr: Option<ChildStderr>,
    child: std::process::Child,
    watch: Watch,
    status: Option<ExitStatus>,
}

impl Child {
    /// The OS process id.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let mut child = Command::new("true").spawn().unwrap();
    /// assert!(child.id() > 0);
    /// longhand_runtime::block_on(child.wait()).unwrap();
    /// ```
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Sends SIGKILL.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let mut child = Command::new("sleep").arg("10").spawn().unwrap();
    ///     child.kill().unwrap();
    ///     assert!(!child.wait().await.unwrap().success());
    /// });
    /// ```
    pub fn kill(&mut self) -> io::Result<()> {
        self.child.kill()
    }

    /// The exit status if the child has exited, without waiting.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// let mut child = Command::new("sleep").arg("10").spawn().unwrap();
    /// assert!(child.try_wait().unwrap().is_none());
    /// child.kill().unwrap();
    /// longhand_runtime::block_on(child.wait()).unwrap();
    /// ```
    pub fn try_wait(&mut self) -> io::Result<Option<ExitStatus>> {
        if let Some(s) = self.status {
            return Ok(Some(s));
        }
        let s = self.child.try_wait()?;
        self.status = s;
        Ok(s)
    }

    /// Waits for the child to exit (closing its stdin first, so it cannot block on
    /// it). Sleeps in the reactor: see the module documentation.
    ///
    /// ```
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let mut child = Command::new("sh").args(["-c", "exit 7"]).spawn().unwrap();
    ///     assert_eq!(child.wait().await.unwrap().code(), Some(7));
    /// });
    /// ```
    pub async fn wait(&mut self) -> io::Result<ExitStatus> {
        drop(self.stdin.take());
        loop {
            if let Some(s) = self.try_wait()? {
                return Ok(s);
            }
            match &self.watch {
                Watch::NotYet => self.watch = watch(self.child.id())?,
                Watch::Pidfd(fd) => {
                    let child = &mut self.child;
                    let status = poll_fn(|cx| {
                        fd.poll_io(cx, Direction::Read, |_| match child.try_wait()? {
                            Some(s) => Ok(s),
                            None => Err(io::ErrorKind::WouldBlock.into()),
                        })
                    })
                    .await?;
                    self.status = Some(status);
                }
                Watch::Thread(_) => {
                    let Watch::Thread(rx) = std::mem::replace(&mut self.watch, Watch::NotYet)
                    else {
                        unreachable!()
                    };
                    let _ = rx.await;
                    // The helper saw the exit without reaping; reaping now is instant.
                    self.status = Some(self.child.wait()?);
                }
            }
        }
    }

    /// Waits for exit while collecting the piped stdout and stderr.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let child = Command::new("echo").arg("x").stdout(Stdio::piped()).spawn().unwrap();
    ///     let out = child.wait_with_output().await.unwrap();
    ///     assert_eq!(out.stdout, b"x\n");
    /// });
    /// ```
    pub async fn wait_with_output(mut self) -> io::Result<Output> {
        drop(self.stdin.take());
        let (stdout, stderr) = (self.stdout.take(), self.stderr.take());
        let (status, out, err) = crate::join!(
            self.wait(),
            read_all(stdout.map(|s| s.0)),
            read_all(stderr.map(|s| s.0)),
        );
        Ok(Output {
            status: status?,
            stdout: out?,
            stderr: err?,
        })
    }
}

impl fmt::Debug for Child {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Child").field("pid", &self.id()).finish()
    }
}

/// Opens a pidfd for `pid`, or falls back to a waiter thread.
fn watch(pid: u32) -> io::Result<Watch> {
    if let Some(fd) = pidfd_open(pid) {
        return Ok(Watch::Pidfd(Async::new(fd)?));
    }
    let (tx, rx) = oneshot::channel();
    std::thread::Builder::new()
        .name("longhand-child-waiter".into())
        .spawn(move || {
            // SAFETY: all-zero bytes are a valid `siginfo_t` (plain integers).
            let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
            loop {
                // SAFETY: `info` is a valid out-pointer; WNOWAIT leaves the child
                // unreaped, so the pid cannot be reused before `Child` reaps it.
                let r = unsafe {
                    libc::waitid(
                        libc::P_PID,
                        pid as libc::id_t,
                        &mut info,
                        libc::WEXITED | libc::WNOWAIT,
                    )
                };
                if r == 0 || io::Error::last_os_error().kind() != io::ErrorKind::Interrupted {
                    break;
                }
            }
            let _ = tx.send(());
        })?;
    Ok(Watch::Thread(rx))
}

fn pidfd_open(pid: u32) -> Option<OwnedFd> {
    if std::env::var_os("LONGHAND_NO_PIDFD").is_some() {
        return None;
    }
    // SAFETY: plain system call; the result is checked before use.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid as libc::pid_t, 0) };
    if fd < 0 {
        return None;
    }
    // SAFETY: the kernel just gave us this descriptor; nothing else owns it.
    Some(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

fn set_nonblocking(fd: RawFd) -> io::Result<()> {
    // SAFETY: `fd` is an open descriptor owned by the caller; F_GETFL/F_SETFL only
    // change its status flags.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) < 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

async fn read_all<T: Read + AsRawFd>(pipe: Option<Async<T>>) -> io::Result<Vec<u8>> {
    let mut out = Vec::new();
    let Some(mut pipe) = pipe else {
        return Ok(out);
    };
    let mut chunk = [0u8; 8192];
    loop {
        let n = poll_fn(|cx| pipe.poll_io_mut(cx, Direction::Read, |p| p.read(&mut chunk))).await?;
        if n == 0 {
            return Ok(out);
        }
        out.extend_from_slice(&chunk[..n]);
    }
}

/// The child's standard input (a non-blocking pipe).
///
/// ```
/// use std::process::Stdio;
/// use longhand_runtime::process::Command;
/// longhand_runtime::block_on(async {
///     let mut child = Command::new("wc").arg("-c").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn().unwrap();
///     child.stdin.take().unwrap().write_all(b"12345").await.unwrap();
///     let out = child.wait_with_output().await.unwrap();
///     assert_eq!(String::from_utf8(out.stdout).unwrap().trim(), "5");
/// });
/// ```
pub struct ChildStdin(Async<std::process::ChildStdin>);

impl ChildStdin {
    fn new(p: std::process::ChildStdin) -> io::Result<Self> {
        set_nonblocking(p.as_raw_fd())?;
        Ok(ChildStdin(Async::new(p)?))
    }

    /// Writes some bytes.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    ///     let n = child.stdin.as_mut().unwrap().write(b"abc").await.unwrap();
    ///     assert_eq!(n, 3);
    ///     child.wait().await.unwrap();
    /// });
    /// ```
    pub async fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        poll_fn(|cx| self.0.poll_io_mut(cx, Direction::Write, |p| p.write(buf))).await
    }

    /// Writes all of `buf`.
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let mut child = Command::new("cat").stdin(Stdio::piped()).stdout(Stdio::null()).spawn().unwrap();
    ///     child.stdin.as_mut().unwrap().write_all(&[b'x'; 100_000]).await.unwrap();
    ///     child.wait().await.unwrap();
    /// });
    /// ```
    pub async fn write_all(&mut self, mut buf: &[u8]) -> io::Result<()> {
        while !buf.is_empty() {
            match self.write(buf).await? {
                0 => return Err(io::ErrorKind::WriteZero.into()),
                n => buf = &buf[n..],
            }
        }
        Ok(())
    }
}

impl futures_io::AsyncWrite for ChildStdin {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.get_mut()
            .0
            .poll_io_mut(cx, Direction::Write, |p| p.write(buf))
    }

    fn poll_flush(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

macro_rules! reader {
    ($(#[$doc:meta])* $name:ident, $std:ty, $flag:literal, $method:ident, $field:ident) => {
        $(#[$doc])*
        pub struct $name(Async<$std>);

        impl $name {
            fn new(p: $std) -> io::Result<Self> {
                set_nonblocking(p.as_raw_fd())?;
                Ok($name(Async::new(p)?))
            }

            /// Reads some bytes; `Ok(0)` at end of stream.
            ///
            /// ```
            /// use std::process::Stdio;
            /// use longhand_runtime::process::Command;
            /// longhand_runtime::block_on(async {
            #[doc = concat!("    let mut child = Command::new(\"sh\").args([\"-c\", \"echo hi", $flag, "\"])")]
            #[doc = concat!("        .", stringify!($method), "(Stdio::piped()).spawn().unwrap();")]
            ///     let mut buf = [0; 16];
            #[doc = concat!("    let pipe = child.", stringify!($field), ".as_mut().unwrap();")]
            ///     let n = pipe.read(&mut buf).await.unwrap();
            ///     assert_eq!(&buf[..n], b"hi\n");
            ///     child.wait().await.unwrap();
            /// });
            /// ```
            pub async fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
                poll_fn(|cx| self.0.poll_io_mut(cx, Direction::Read, |p| p.read(buf))).await
            }
        }

        impl futures_io::AsyncRead for $name {
            fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut [u8]) -> Poll<io::Result<usize>> {
                self.get_mut().0.poll_io_mut(cx, Direction::Read, |p| p.read(buf))
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(stringify!($name))
            }
        }
    };
}

reader!(
    /// The child's standard output (a non-blocking pipe).
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let child = Command::new("echo").arg("out").stdout(Stdio::piped()).spawn().unwrap();
    ///     assert_eq!(child.wait_with_output().await.unwrap().stdout, b"out\n");
    /// });
    /// ```
    ChildStdout,
    std::process::ChildStdout,
    "",
    stdout,
    stdout
);

reader!(
    /// The child's standard error (a non-blocking pipe).
    ///
    /// ```
    /// use std::process::Stdio;
    /// use longhand_runtime::process::Command;
    /// longhand_runtime::block_on(async {
    ///     let child = Command::new("sh").args(["-c", "echo err >&2"]).stderr(Stdio::piped()).spawn().unwrap();
    ///     assert_eq!(child.wait_with_output().await.unwrap().stderr, b"err\n");
    /// });
    /// ```
    ChildStderr,
    std::process::ChildStderr,
    " >&2",
    stderr,
    stderr
);

impl fmt::Debug for ChildStdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChildStdin")
    }
}
