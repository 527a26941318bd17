//! The companion runtime of longhand: a small, readable async runtime.
//!
//! - [`block_on`] runs a future on the current thread together with every task it
//!   [`spawn`]s (single-threaded: tasks need not be `Send`); idle, it sleeps in the
//!   reactor, never spins.
//! - Tasks are one allocation each (header + future, then output); wakers are written
//!   by hand with `RawWakerVTable` (see `task.rs`, `waker.rs`, `executor.rs`).
//! - The reactor (edge-triggered epoll, called directly on Linux and through the
//!   `polling` crate elsewhere; timers in a map; child exit via pidfd) lives in
//!   `reactor/`; [`time`], [`net`] and [`process`] are built on it.
//! - [`sync`] has `mpsc` and `oneshot` channels that work across threads and runtimes.
//! - [`Executor`] and [`Spawner`] are the classic, deliberately simple channel-based
//!   executor for teaching.
//!
//! ```
//! use std::time::Duration;
//! let out = longhand_runtime::block_on(async {
//!     let (tx, mut rx) = longhand_runtime::sync::mpsc::channel(4);
//!     longhand_runtime::spawn(async move {
//!         longhand_runtime::time::sleep(Duration::from_millis(1)).await;
//!         tx.send("hello").await.unwrap();
//!     });
//!     rx.recv().await
//! });
//! assert_eq!(out, Some("hello"));
//! ```

mod executor;
mod explicit;
mod join;
mod reactor;
mod task;
mod waker;
mod yield_now;

pub mod net;
pub mod process;
pub mod sync;
pub mod time;

pub use executor::{block_on, spawn};
pub use explicit::{Executor, Spawner, new_executor_and_spawner};
pub use task::{JoinError, JoinHandle};
pub use yield_now::{YieldNow, yield_now};

#[doc(hidden)]
pub mod __private {
    pub use crate::join::MaybeDone;
}
