//! Step 1: a future written by hand.
//!
//! The classic `TimerFuture`: a std thread sleeps, sets a shared flag and wakes the
//! waker that the last `poll` stored. Nothing polls the future in between: the
//! executor sleeps until the waker is called.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll, Waker};
use std::thread;
use std::time::{Duration, Instant};

/// What the timer thread and the future share.
struct Shared {
    completed: bool,
    waker: Option<Waker>,
}

/// Completes `duration` after it is created; counts how often it was polled.
pub struct TimerFuture {
    shared: Arc<Mutex<Shared>>,
    polls: u32,
}

impl TimerFuture {
    pub fn new(duration: Duration) -> TimerFuture {
        let shared = Arc::new(Mutex::new(Shared {
            completed: false,
            waker: None,
        }));
        let thread_shared = shared.clone();
        thread::spawn(move || {
            thread::sleep(duration);
            let mut shared = thread_shared.lock().unwrap();
            shared.completed = true;
            // Tell the executor to poll us again: this is the whole protocol.
            if let Some(waker) = shared.waker.take() {
                waker.wake();
            }
        });
        TimerFuture { shared, polls: 0 }
    }
}

impl Future for TimerFuture {
    /// The number of times this future was polled.
    type Output = u32;

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        self.polls += 1;
        let mut shared = self.shared.lock().unwrap();
        if shared.completed {
            println!("  poll #{} -> Ready", self.polls);
            Poll::Ready(self.polls)
        } else {
            // Store the *current* waker: the task may have moved since the last poll.
            shared.waker = Some(cx.waker().clone());
            println!(
                "  poll #{} -> Pending (waker stored, thread still sleeping)",
                self.polls
            );
            Poll::Pending
        }
    }
}

pub fn run() {
    println!("Step 1. A future written by hand");
    println!("  A future is a value with a `poll` method: Ready(value) or Pending.");
    println!("  Pending is a promise: \"I stored your waker and will call it\".");
    println!("  Here a std thread sleeps 100 ms, sets a flag and calls the waker;");
    println!("  the executor (longhand::block_on) sleeps until then, never spins.");
    println!();
    let start = Instant::now();
    let polls = longhand::block_on(TimerFuture::new(Duration::from_millis(100)));
    println!(
        "  polled {polls} times in {} ms",
        start.elapsed().as_millis()
    );
}
