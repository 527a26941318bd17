//! [`Interval`]: a sleep that re-arms itself one period later each time it fires.

use std::pin::Pin;
use std::time::{Duration, Instant};

use super::{Sleep, sleep_until};

/// An interval that ticks every `period`, the first tick completing at once.
///
/// # Panics
/// If `period` is zero.
///
/// ```
/// use std::time::Duration;
/// longhand_runtime::block_on(async {
///     let mut iv = longhand_runtime::time::interval(Duration::from_millis(2));
///     let t0 = iv.tick().await;
///     let t1 = iv.tick().await;
///     assert_eq!(t1 - t0, Duration::from_millis(2));
/// });
/// ```
pub fn interval(period: Duration) -> Interval {
    interval_at(Instant::now(), period)
}

/// An interval whose first tick completes at `start`.
///
/// # Panics
/// If `period` is zero.
///
/// ```
/// use std::time::{Duration, Instant};
/// longhand_runtime::block_on(async {
///     let start = Instant::now() + Duration::from_millis(3);
///     let mut iv = longhand_runtime::time::interval_at(start, Duration::from_millis(1));
///     assert_eq!(iv.tick().await, start);
/// });
/// ```
pub fn interval_at(start: Instant, period: Duration) -> Interval {
    assert!(!period.is_zero(), "interval period must be non-zero");
    Interval {
        sleep: sleep_until(start),
        period,
    }
}

/// Ticks at a fixed period; see [`interval`]. Missed ticks fire immediately, one per
/// `tick()` call, until it has caught up (tokio's default "burst" behaviour).
///
/// ```
/// use std::time::Duration;
/// let mut iv: longhand_runtime::time::Interval =
///     longhand_runtime::time::interval(Duration::from_millis(1));
/// longhand_runtime::block_on(iv.tick());
/// ```
#[derive(Debug)]
pub struct Interval {
    sleep: Sleep,
    period: Duration,
}

impl Interval {
    /// Waits for the next tick and returns its scheduled instant.
    ///
    /// ```
    /// use std::time::Duration;
    /// longhand_runtime::block_on(async {
    ///     let mut iv = longhand_runtime::time::interval(Duration::from_millis(1));
    ///     for _ in 0..3 {
    ///         iv.tick().await;
    ///     }
    /// });
    /// ```
    pub async fn tick(&mut self) -> std::time::Instant {
        Pin::new(&mut self.sleep).await;
        let at = self.sleep.deadline();
        self.sleep.reset(at + self.period);
        at
    }

    /// The period.
    ///
    /// ```
    /// use std::time::Duration;
    /// let iv = longhand_runtime::time::interval(Duration::from_secs(1));
    /// assert_eq!(iv.period(), Duration::from_secs(1));
    /// ```
    pub fn period(&self) -> Duration {
        self.period
    }
}
