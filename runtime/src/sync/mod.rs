//! Channels for talking between tasks: [`mpsc`] (bounded, many senders) and
//! [`oneshot`] (a single value).
//!
//! Both are a `Mutex` around a small state plus the wakers of whoever waits, so they
//! work across threads (`Send` when `T: Send`) and under any executor, not just
//! longhand's.

pub mod mpsc;
pub mod oneshot;
