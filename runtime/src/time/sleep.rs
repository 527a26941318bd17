//! The [`Sleep`] future: a deadline registered with a reactor's timer map.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use crate::reactor::Reactor;

/// Waits until `duration` has elapsed.
///
/// ```
/// use std::time::{Duration, Instant};
/// let start = Instant::now();
/// longhand_runtime::block_on(longhand_runtime::time::sleep(Duration::from_millis(10)));
/// assert!(start.elapsed() >= Duration::from_millis(10));
/// ```
pub fn sleep(duration: Duration) -> Sleep {
    let now = Instant::now();
    sleep_until(now.checked_add(duration).unwrap_or_else(far_future))
}

/// Waits until `deadline`.
///
/// ```
/// use std::time::{Duration, Instant};
/// let deadline = Instant::now() + Duration::from_millis(5);
/// longhand_runtime::block_on(longhand_runtime::time::sleep_until(deadline));
/// assert!(Instant::now() >= deadline);
/// ```
pub fn sleep_until(deadline: Instant) -> Sleep {
    Sleep {
        deadline,
        entry: None,
    }
}

fn far_future() -> Instant {
    Instant::now() + Duration::from_secs(86400 * 365 * 30)
}

/// The future returned by [`sleep`] and [`sleep_until`].
///
/// ```
/// use std::time::Duration;
/// let s: longhand_runtime::time::Sleep = longhand_runtime::time::sleep(Duration::from_millis(1));
/// longhand_runtime::block_on(s);
/// ```
#[must_use = "futures do nothing unless awaited"]
pub struct Sleep {
    deadline: Instant,
    entry: Option<(Arc<Reactor>, u64)>,
}

impl std::fmt::Debug for Sleep {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sleep")
            .field("deadline", &self.deadline)
            .field("registered", &self.entry.is_some())
            .finish()
    }
}

impl Sleep {
    /// The instant this sleep completes at.
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let d = Instant::now() + Duration::from_secs(1);
    /// assert_eq!(longhand_runtime::time::sleep_until(d).deadline(), d);
    /// ```
    pub fn deadline(&self) -> Instant {
        self.deadline
    }

    /// Whether the deadline has passed.
    ///
    /// ```
    /// use std::time::Duration;
    /// assert!(longhand_runtime::time::sleep(Duration::ZERO).is_elapsed());
    /// ```
    pub fn is_elapsed(&self) -> bool {
        Instant::now() >= self.deadline
    }

    /// Moves the deadline (the sleep can be awaited again afterwards).
    ///
    /// ```
    /// use std::time::{Duration, Instant};
    /// let mut s = longhand_runtime::time::sleep(Duration::from_secs(60));
    /// s.reset(Instant::now());
    /// longhand_runtime::block_on(&mut s); // completes at once
    /// ```
    pub fn reset(&mut self, deadline: Instant) {
        self.deregister();
        self.deadline = deadline;
    }

    fn deregister(&mut self) {
        if let Some((reactor, id)) = self.entry.take() {
            reactor.remove_timer(self.deadline, id);
        }
    }
}

impl Future for Sleep {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if Instant::now() >= this.deadline {
            this.deregister();
            return Poll::Ready(());
        }
        Reactor::with_current(|current| {
            if let Some((reactor, id)) = &this.entry
                && Arc::ptr_eq(reactor, current)
                && reactor.update_timer(this.deadline, *id, cx.waker())
            {
                return;
            }
            this.deregister();
            let id = current.insert_timer(this.deadline, cx.waker());
            this.entry = Some((current.clone(), id));
        });
        Poll::Pending
    }
}

impl Drop for Sleep {
    fn drop(&mut self) {
        self.deregister();
    }
}
