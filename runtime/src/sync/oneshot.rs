//! A channel for a single value.
//!
//! The state is `Mutex<Inner>`: the value (once sent), whether each side was dropped,
//! and the receiver's waker. `send` stores the value and wakes the receiver; dropping
//! the sender without sending wakes it too, and it then resolves to [`RecvError`].

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

struct Inner<T> {
    value: Option<T>,
    tx_gone: bool,
    rx_gone: bool,
    waker: Option<Waker>,
}

fn lock<T>(m: &Mutex<Inner<T>>) -> MutexGuard<'_, Inner<T>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Creates a oneshot channel.
///
/// ```
/// longhand_runtime::block_on(async {
///     let (tx, rx) = longhand_runtime::sync::oneshot::channel();
///     std::thread::spawn(move || tx.send(5).unwrap());
///     assert_eq!(rx.await, Ok(5));
/// });
/// ```
pub fn channel<T>() -> (Sender<T>, Receiver<T>) {
    let inner = Arc::new(Mutex::new(Inner {
        value: None,
        tx_gone: false,
        rx_gone: false,
        waker: None,
    }));
    (
        Sender {
            inner: inner.clone(),
        },
        Receiver { inner },
    )
}

/// The sending half; see [`channel`].
///
/// ```
/// let (tx, rx) = longhand_runtime::sync::oneshot::channel::<u8>();
/// drop(rx);
/// assert_eq!(tx.send(1), Err(1)); // nobody listens: the value comes back
/// ```
pub struct Sender<T> {
    inner: Arc<Mutex<Inner<T>>>,
}

impl<T> Sender<T> {
    /// Sends the value; gives it back if the receiver is gone.
    ///
    /// ```
    /// let (tx, rx) = longhand_runtime::sync::oneshot::channel();
    /// tx.send("hi").unwrap();
    /// assert_eq!(longhand_runtime::block_on(rx), Ok("hi"));
    /// ```
    pub fn send(self, value: T) -> Result<(), T> {
        let mut inner = lock(&self.inner);
        if inner.rx_gone {
            return Err(value);
        }
        inner.value = Some(value);
        let waker = inner.waker.take();
        drop(inner);
        if let Some(w) = waker {
            w.wake();
        }
        Ok(())
    }

    /// Whether the receiver was dropped.
    ///
    /// ```
    /// let (tx, rx) = longhand_runtime::sync::oneshot::channel::<()>();
    /// assert!(!tx.is_closed());
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        lock(&self.inner).rx_gone
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut inner = lock(&self.inner);
        inner.tx_gone = true;
        let waker = inner.waker.take();
        drop(inner);
        if let Some(w) = waker {
            w.wake();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("oneshot::Sender")
    }
}

/// The receiving half, a future of the value; see [`channel`].
///
/// ```
/// let (tx, rx) = longhand_runtime::sync::oneshot::channel::<u8>();
/// drop(tx);
/// assert!(longhand_runtime::block_on(rx).is_err());
/// ```
pub struct Receiver<T> {
    inner: Arc<Mutex<Inner<T>>>,
}

impl<T> Future for Receiver<T> {
    type Output = Result<T, RecvError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let mut inner = lock(&self.inner);
        if let Some(v) = inner.value.take() {
            return Poll::Ready(Ok(v));
        }
        if inner.tx_gone {
            return Poll::Ready(Err(RecvError(())));
        }
        match &inner.waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => inner.waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }
}

impl<T> Receiver<T> {
    /// Takes the value if it was sent, without waiting.
    ///
    /// ```
    /// let (tx, mut rx) = longhand_runtime::sync::oneshot::channel();
    /// assert!(rx.try_recv().is_err());
    /// tx.send(1).unwrap();
    /// assert_eq!(rx.try_recv(), Ok(1));
    /// ```
    pub fn try_recv(&mut self) -> Result<T, RecvError> {
        lock(&self.inner).value.take().ok_or(RecvError(()))
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut inner = lock(&self.inner);
        inner.rx_gone = true;
        let value = inner.value.take();
        drop(inner);
        drop(value);
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("oneshot::Receiver")
    }
}

/// The sender was dropped without sending (or, for `try_recv`, nothing was sent yet).
///
/// ```
/// let (tx, rx) = longhand_runtime::sync::oneshot::channel::<()>();
/// drop(tx);
/// let e: longhand_runtime::sync::oneshot::RecvError = longhand_runtime::block_on(rx).unwrap_err();
/// assert_eq!(e.to_string(), "channel closed");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecvError(());

impl fmt::Display for RecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed")
    }
}

impl std::error::Error for RecvError {}
