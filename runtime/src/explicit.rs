//! The classic "build your own executor": an [`Executor`] and its [`Spawner`]s.
//!
//! This is the teaching version, deliberately simple: a task is an `Arc` holding a
//! boxed `Send` future behind a mutex; its waker (via `std::task::Wake`) pushes the
//! `Arc` back onto a shared ready queue, a `Mutex<VecDeque>` with a `Condvar`. The
//! executor pops a task, polls it, and blocks on the condvar when the queue is empty,
//! so it never spins. It stops when every `Spawner` is gone and every task finished.
//! (The real executor, [`block_on`](crate::block_on), is in `executor.rs`.)
//!
//! Timers and sockets work inside these tasks too: outside `block_on` they register
//! with longhand's fallback reactor thread, which wakes them from there.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::task::{Context, Wake, Waker};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

struct Queue {
    state: Mutex<State>,
    ready: Condvar,
}

struct State {
    tasks: VecDeque<Arc<Task>>,
    spawners: usize,
    live: usize,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct Task {
    future: Mutex<Option<BoxFuture>>,
    queued: AtomicBool,
    queue: Arc<Queue>,
}

impl Wake for Task {
    fn wake(self: Arc<Self>) {
        self.wake_by_ref();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        if !self.queued.swap(true, Ordering::AcqRel) {
            self.queue.lock().tasks.push_back(self.clone());
            self.queue.ready.notify_one();
        }
    }
}

/// Runs the tasks sent by its [`Spawner`]s, on the thread that calls [`run`](Self::run).
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::sync::Arc;
/// let executor = longhand_runtime::Executor::new();
/// let spawner = executor.spawner();
/// let hits = Arc::new(AtomicUsize::new(0));
/// for _ in 0..3 {
///     let hits = hits.clone();
///     spawner.spawn(async move {
///         hits.fetch_add(1, Ordering::SeqCst);
///     });
/// }
/// drop(spawner);
/// executor.run();
/// assert_eq!(hits.load(Ordering::SeqCst), 3);
/// ```
pub struct Executor {
    queue: Arc<Queue>,
}

/// Sends tasks to an [`Executor`]; cheap to clone, usable from any thread.
///
/// ```
/// let (executor, spawner) = longhand_runtime::new_executor_and_spawner();
/// let remote = spawner.clone();
/// std::thread::spawn(move || remote.spawn(async { println!("hello from a thread") }))
///     .join()
///     .unwrap();
/// drop(spawner);
/// executor.run();
/// ```
pub struct Spawner {
    queue: Arc<Queue>,
}

/// An [`Executor`] and a first [`Spawner`] for it.
///
/// ```
/// let (executor, spawner) = longhand_runtime::new_executor_and_spawner();
/// spawner.spawn(async {
///     longhand_runtime::time::sleep(std::time::Duration::from_millis(1)).await;
/// });
/// drop(spawner);
/// executor.run(); // returns once the sleep is done
/// ```
pub fn new_executor_and_spawner() -> (Executor, Spawner) {
    let executor = Executor::new();
    let spawner = executor.spawner();
    (executor, spawner)
}

impl Default for Executor {
    fn default() -> Self {
        Executor::new()
    }
}

impl Executor {
    /// A new executor with no tasks and no spawners.
    ///
    /// ```
    /// let executor = longhand_runtime::Executor::new();
    /// executor.run(); // nothing to do, no spawner: returns at once
    /// ```
    pub fn new() -> Executor {
        Executor {
            queue: Arc::new(Queue {
                state: Mutex::new(State {
                    tasks: VecDeque::new(),
                    spawners: 0,
                    live: 0,
                }),
                ready: Condvar::new(),
            }),
        }
    }

    /// A new spawner for this executor.
    ///
    /// ```
    /// let executor = longhand_runtime::Executor::new();
    /// let spawner = executor.spawner();
    /// spawner.spawn(async {});
    /// drop(spawner);
    /// executor.run();
    /// ```
    pub fn spawner(&self) -> Spawner {
        self.queue.lock().spawners += 1;
        Spawner {
            queue: self.queue.clone(),
        }
    }

    /// Runs tasks until every spawner is dropped and every task has finished; blocks
    /// (without spinning) while no task is ready.
    ///
    /// ```
    /// let (executor, spawner) = longhand_runtime::new_executor_and_spawner();
    /// let (tx, rx) = longhand_runtime::sync::oneshot::channel();
    /// spawner.spawn(async move { assert_eq!(rx.await, Ok(1)) });
    /// spawner.spawn(async move { tx.send(1).unwrap() });
    /// drop(spawner);
    /// executor.run();
    /// ```
    pub fn run(self) {
        loop {
            let task = {
                let mut state = self.queue.lock();
                loop {
                    if let Some(t) = state.tasks.pop_front() {
                        break t;
                    }
                    if state.spawners == 0 && state.live == 0 {
                        return;
                    }
                    state = self
                        .queue
                        .ready
                        .wait(state)
                        .unwrap_or_else(|e| e.into_inner());
                }
            };
            task.queued.store(false, Ordering::Release);
            let mut slot = task.future.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(mut fut) = slot.take() {
                let waker = Waker::from(task.clone());
                let mut cx = Context::from_waker(&waker);
                if fut.as_mut().poll(&mut cx).is_pending() {
                    *slot = Some(fut);
                } else {
                    drop(slot);
                    self.queue.lock().live -= 1;
                }
            }
        }
    }
}

impl Spawner {
    /// Queues a future as a new task.
    ///
    /// ```
    /// let (executor, spawner) = longhand_runtime::new_executor_and_spawner();
    /// spawner.spawn(async { assert_eq!(1 + 1, 2) });
    /// drop(spawner);
    /// executor.run();
    /// ```
    pub fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(future))),
            queued: AtomicBool::new(true),
            queue: self.queue.clone(),
        });
        let mut state = self.queue.lock();
        state.live += 1;
        state.tasks.push_back(task);
        drop(state);
        self.queue.ready.notify_one();
    }
}

impl Clone for Spawner {
    fn clone(&self) -> Self {
        self.queue.lock().spawners += 1;
        Spawner {
            queue: self.queue.clone(),
        }
    }
}

impl Drop for Spawner {
    fn drop(&mut self) {
        self.queue.lock().spawners -= 1;
        self.queue.ready.notify_one();
    }
}

impl std::fmt::Debug for Executor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Executor")
    }
}

impl std::fmt::Debug for Spawner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Spawner")
    }
}
