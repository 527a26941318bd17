//! A bounded multi-producer, single-consumer channel.
//!
//! One `Mutex<Inner>` holds the queue (at most `capacity` values), the number of live
//! senders, the receiver's waker and a FIFO of senders waiting for room. A receive
//! that frees a slot wakes the first waiting sender; a waiting send future that is
//! dropped after being woken passes the wake-up on, so no free slot is left unused
//! while somebody waits. The channel closes when every [`Sender`] is dropped:
//! [`Receiver::recv`] then drains what is left and returns `None`.

use std::collections::VecDeque;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll, Waker};

struct Inner<T> {
    queue: VecDeque<T>,
    capacity: usize,
    senders: usize,
    rx_gone: bool,
    rx_waker: Option<Waker>,
    send_waiters: VecDeque<(u64, Waker)>,
    next_id: u64,
}

type Chan<T> = Arc<Mutex<Inner<T>>>;

fn lock<T>(m: &Mutex<Inner<T>>) -> MutexGuard<'_, Inner<T>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Creates a channel holding at most `capacity` values.
///
/// # Panics
/// If `capacity` is zero.
///
/// ```
/// longhand_runtime::block_on(async {
///     let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(2);
///     let tx2 = tx.clone();
///     longhand_runtime::spawn(async move { tx.send(1).await.unwrap() });
///     longhand_runtime::spawn(async move { tx2.send(2).await.unwrap() });
///     let mut got = vec![rx.recv().await.unwrap(), rx.recv().await.unwrap()];
///     got.sort();
///     assert_eq!(got, [1, 2]);
///     assert_eq!(rx.recv().await, None); // both senders are gone
/// });
/// ```
pub fn channel<T>(capacity: usize) -> (Sender<T>, Receiver<T>) {
    assert!(capacity > 0, "mpsc channel capacity must be non-zero");
    let chan = Arc::new(Mutex::new(Inner {
        queue: VecDeque::with_capacity(capacity.min(1024)),
        capacity,
        senders: 1,
        rx_gone: false,
        rx_waker: None,
        send_waiters: VecDeque::new(),
        next_id: 0,
    }));
    (Sender { chan: chan.clone() }, Receiver { chan })
}

/// The sending half; clone it for more producers.
///
/// ```
/// let (tx, _rx) = longhand_runtime::sync::mpsc::channel::<u32>(1);
/// let tx2 = tx.clone();
/// std::thread::spawn(move || longhand_runtime::block_on(tx2.send(7)).unwrap())
///     .join()
///     .unwrap();
/// ```
pub struct Sender<T> {
    chan: Chan<T>,
}

impl<T> Sender<T> {
    /// Sends a value, waiting while the channel is full. Fails (giving the value back)
    /// if the receiver was dropped.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let (tx, rx) = longhand_runtime::sync::mpsc::channel(1);
    ///     tx.send(1).await.unwrap();
    ///     drop(rx);
    ///     assert_eq!(tx.send(2).await.unwrap_err().0, 2);
    /// });
    /// ```
    pub fn send(&self, value: T) -> SendFuture<'_, T> {
        SendFuture {
            chan: &self.chan,
            value: Some(value),
            waiter: None,
        }
    }

    /// Sends without waiting; fails if full or closed.
    ///
    /// ```
    /// let (tx, _rx) = longhand_runtime::sync::mpsc::channel(1);
    /// assert!(tx.try_send(1).is_ok());
    /// assert_eq!(tx.try_send(2).unwrap_err().0, 2); // full
    /// ```
    pub fn try_send(&self, value: T) -> Result<(), SendError<T>> {
        let mut inner = lock(&self.chan);
        if inner.rx_gone || inner.queue.len() >= inner.capacity {
            return Err(SendError(value));
        }
        inner.queue.push_back(value);
        let w = inner.rx_waker.take();
        drop(inner);
        if let Some(w) = w {
            w.wake();
        }
        Ok(())
    }

    /// Whether the receiver was dropped.
    ///
    /// ```
    /// let (tx, rx) = longhand_runtime::sync::mpsc::channel::<()>(1);
    /// drop(rx);
    /// assert!(tx.is_closed());
    /// ```
    pub fn is_closed(&self) -> bool {
        lock(&self.chan).rx_gone
    }
}

impl<T> Clone for Sender<T> {
    fn clone(&self) -> Self {
        lock(&self.chan).senders += 1;
        Sender {
            chan: self.chan.clone(),
        }
    }
}

impl<T> Drop for Sender<T> {
    fn drop(&mut self) {
        let mut inner = lock(&self.chan);
        inner.senders -= 1;
        let w = if inner.senders == 0 {
            inner.rx_waker.take()
        } else {
            None
        };
        drop(inner);
        if let Some(w) = w {
            w.wake();
        }
    }
}

impl<T> fmt::Debug for Sender<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mpsc::Sender")
    }
}

/// The future returned by [`Sender::send`].
///
/// ```
/// longhand_runtime::block_on(async {
///     let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(1);
///     let fut: longhand_runtime::sync::mpsc::SendFuture<'_, u8> = tx.send(3);
///     fut.await.unwrap();
///     assert_eq!(rx.recv().await, Some(3));
/// });
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct SendFuture<'a, T> {
    chan: &'a Chan<T>,
    value: Option<T>,
    waiter: Option<u64>,
}

impl<T> Unpin for SendFuture<'_, T> {}

impl<T> Future for SendFuture<'_, T> {
    type Output = Result<(), SendError<T>>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let mut inner = lock(this.chan);
        let value = this
            .value
            .take()
            .expect("SendFuture polled after completion");
        if inner.rx_gone {
            return Poll::Ready(Err(SendError(value)));
        }
        if inner.queue.len() < inner.capacity {
            inner.queue.push_back(value);
            if let Some(id) = this.waiter.take() {
                inner.send_waiters.retain(|(i, _)| *i != id);
            }
            let w = inner.rx_waker.take();
            drop(inner);
            if let Some(w) = w {
                w.wake();
            }
            return Poll::Ready(Ok(()));
        }
        this.value = Some(value);
        let registered = this
            .waiter
            .and_then(|id| inner.send_waiters.iter_mut().find(|(i, _)| *i == id));
        match registered {
            Some((_, w)) => {
                if !w.will_wake(cx.waker()) {
                    *w = cx.waker().clone();
                }
            }
            None => {
                let id = inner.next_id;
                inner.next_id += 1;
                inner.send_waiters.push_back((id, cx.waker().clone()));
                this.waiter = Some(id);
            }
        }
        Poll::Pending
    }
}

impl<T> Drop for SendFuture<'_, T> {
    fn drop(&mut self) {
        let Some(id) = self.waiter else { return };
        let mut inner = lock(self.chan);
        let before = inner.send_waiters.len();
        inner.send_waiters.retain(|(i, _)| *i != id);
        let next = if inner.send_waiters.len() == before && inner.queue.len() < inner.capacity {
            // We were woken for a free slot but give up: pass the wake-up on.
            inner.send_waiters.pop_front()
        } else {
            None
        };
        drop(inner);
        if let Some((_, w)) = next {
            w.wake();
        }
    }
}

/// The receiving half.
///
/// ```
/// longhand_runtime::block_on(async {
///     let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(8);
///     for i in 0..3 {
///         tx.send(i).await.unwrap();
///     }
///     drop(tx);
///     let mut all = Vec::new();
///     while let Some(v) = rx.recv().await {
///         all.push(v);
///     }
///     assert_eq!(all, [0, 1, 2]);
/// });
/// ```
pub struct Receiver<T> {
    chan: Chan<T>,
}

impl<T> Receiver<T> {
    /// Receives the next value; `None` once the channel is empty and every sender is
    /// gone.
    ///
    /// ```
    /// longhand_runtime::block_on(async {
    ///     let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(1);
    ///     longhand_runtime::spawn(async move { tx.send('x').await.unwrap() });
    ///     assert_eq!(rx.recv().await, Some('x'));
    ///     assert_eq!(rx.recv().await, None);
    /// });
    /// ```
    pub async fn recv(&mut self) -> Option<T> {
        std::future::poll_fn(|cx| self.poll_recv(cx)).await
    }

    /// Polls for the next value (the building block of [`recv`](Self::recv)).
    ///
    /// ```
    /// use std::task::{Context, Poll, Waker};
    /// let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(1);
    /// let mut cx = Context::from_waker(Waker::noop());
    /// assert!(rx.poll_recv(&mut cx).is_pending());
    /// tx.try_send(1).unwrap();
    /// assert_eq!(rx.poll_recv(&mut cx), Poll::Ready(Some(1)));
    /// ```
    pub fn poll_recv(&mut self, cx: &mut Context<'_>) -> Poll<Option<T>> {
        let mut inner = lock(&self.chan);
        if let Some(v) = inner.queue.pop_front() {
            let w = inner.send_waiters.pop_front();
            drop(inner);
            if let Some((_, w)) = w {
                w.wake();
            }
            return Poll::Ready(Some(v));
        }
        if inner.senders == 0 {
            return Poll::Ready(None);
        }
        match &inner.rx_waker {
            Some(w) if w.will_wake(cx.waker()) => {}
            _ => inner.rx_waker = Some(cx.waker().clone()),
        }
        Poll::Pending
    }

    /// Receives without waiting: `Ok(Some(v))`, `Ok(None)` if closed and drained, or
    /// `Err(TryRecvError)` if empty but still open.
    ///
    /// ```
    /// let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(1);
    /// assert!(rx.try_recv().is_err());
    /// tx.try_send(5).unwrap();
    /// drop(tx);
    /// assert_eq!(rx.try_recv().unwrap(), Some(5));
    /// assert_eq!(rx.try_recv().unwrap(), None);
    /// ```
    pub fn try_recv(&mut self) -> Result<Option<T>, TryRecvError> {
        let mut inner = lock(&self.chan);
        if let Some(v) = inner.queue.pop_front() {
            let w = inner.send_waiters.pop_front();
            drop(inner);
            if let Some((_, w)) = w {
                w.wake();
            }
            return Ok(Some(v));
        }
        if inner.senders == 0 {
            Ok(None)
        } else {
            Err(TryRecvError(()))
        }
    }
}

impl<T> futures_core::Stream for Receiver<T> {
    type Item = T;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<T>> {
        self.get_mut().poll_recv(cx)
    }
}

impl<T> Drop for Receiver<T> {
    fn drop(&mut self) {
        let mut inner = lock(&self.chan);
        inner.rx_gone = true;
        let queue = std::mem::take(&mut inner.queue);
        let waiters = std::mem::take(&mut inner.send_waiters);
        drop(inner);
        drop(queue);
        for (_, w) in waiters {
            w.wake();
        }
    }
}

impl<T> fmt::Debug for Receiver<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("mpsc::Receiver")
    }
}

/// The receiver is gone; holds the value that could not be sent.
///
/// ```
/// let e = longhand_runtime::sync::mpsc::SendError(1);
/// assert_eq!(e.to_string(), "channel closed");
/// ```
#[derive(PartialEq, Eq, Clone, Copy)]
pub struct SendError<T>(pub T);

impl<T> fmt::Debug for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SendError(..)")
    }
}

impl<T> fmt::Display for SendError<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel closed")
    }
}

impl<T> std::error::Error for SendError<T> {}

/// The channel is empty but senders remain.
///
/// ```
/// let (_tx, mut rx) = longhand_runtime::sync::mpsc::channel::<()>(1);
/// let e: longhand_runtime::sync::mpsc::TryRecvError = rx.try_recv().unwrap_err();
/// assert_eq!(e.to_string(), "channel empty");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TryRecvError(());

impl fmt::Display for TryRecvError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("channel empty")
    }
}

impl std::error::Error for TryRecvError {}
