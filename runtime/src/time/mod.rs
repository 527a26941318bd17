//! Time: [`sleep`], [`sleep_until`], [`timeout`] and [`interval`].
//!
//! A [`Sleep`] is a deadline plus, once polled, an entry in a reactor's timer map. It
//! registers on its first poll with the reactor that is current then: the `block_on`
//! on this thread, or — when polled by a foreign executor such as
//! `futures::executor::block_on` — the fallback reactor on longhand's background
//! thread, which wakes it from there. So a `Sleep` can be created anywhere and awaited
//! anywhere. Dropping it removes its timer entry.

mod interval;
mod sleep;
mod timeout;

pub use interval::{Interval, interval, interval_at};
pub use sleep::{Sleep, sleep, sleep_until};
pub use timeout::{Elapsed, Timeout, timeout};

pub use std::time::{Duration, Instant};
