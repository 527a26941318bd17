//! Step 2: build your own executor.
//!
//! The classic executor + spawner: a task is an `Arc` holding its future; its waker
//! (`std::task::Wake`) sends that `Arc` back down a channel; the executor receives
//! tasks from the channel and polls them. Then the same program on longhand's
//! ready-made `Executor`/`Spawner`, which follow the same design.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::task::{Context, Wake, Waker};
use std::time::{Duration, Instant};

type BoxFuture = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// Receives tasks from the channel and runs them.
struct Executor {
    ready_queue: Receiver<Arc<Task>>,
    /// How many times a task was polled, over the whole run.
    polls: usize,
}

/// Puts new tasks on the channel.
#[derive(Clone)]
struct Spawner {
    task_sender: SyncSender<Arc<Task>>,
}

/// A future that re-queues itself when woken.
struct Task {
    /// `None` once the future completed. The mutex makes `Task` `Sync` (a waker
    /// may be called from any thread); only the executor ever locks it.
    future: Mutex<Option<BoxFuture>>,
    task_sender: SyncSender<Arc<Task>>,
}

fn new_executor_and_spawner() -> (Executor, Spawner) {
    const MAX_QUEUED_TASKS: usize = 1_000;
    let (task_sender, ready_queue) = sync_channel(MAX_QUEUED_TASKS);
    (
        Executor {
            ready_queue,
            polls: 0,
        },
        Spawner { task_sender },
    )
}

impl Spawner {
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let task = Arc::new(Task {
            future: Mutex::new(Some(Box::pin(future))),
            task_sender: self.task_sender.clone(),
        });
        self.task_sender.send(task).expect("too many tasks queued");
    }
}

impl Wake for Task {
    /// Waking a task = sending it back to the executor.
    fn wake(self: Arc<Self>) {
        let cloned = self.clone();
        self.task_sender
            .send(cloned)
            .expect("too many tasks queued");
    }
}

impl Executor {
    /// Runs until every `Spawner` (and so every task, which holds a sender) is gone.
    fn run(mut self) -> usize {
        // `recv` blocks while no task is ready: the executor sleeps, it does not spin.
        while let Ok(task) = self.ready_queue.recv() {
            let mut slot = task.future.lock().unwrap();
            if let Some(mut future) = slot.take() {
                let waker = Waker::from(task.clone());
                let context = &mut Context::from_waker(&waker);
                self.polls += 1;
                if future.as_mut().poll(context).is_pending() {
                    // Not done: put it back until its waker sends the task again.
                    *slot = Some(future);
                }
            }
        }
        self.polls
    }
}

/// Spawns (through `spawn`) three tasks that sleep a little, then count themselves.
fn spawn_three(spawn: impl Fn(BoxFuture), finished: &Arc<AtomicUsize>) {
    for (name, ms) in [("a", 60), ("b", 20), ("c", 40)] {
        let finished = finished.clone();
        spawn(Box::pin(async move {
            longhand::time::sleep(Duration::from_millis(ms)).await;
            println!("    task {name} done after {ms} ms");
            finished.fetch_add(1, Ordering::SeqCst);
        }));
    }
}

pub fn run() {
    println!("Step 2. An executor and a spawner");
    println!("  A task is an Arc holding its future; its waker (std::task::Wake) sends");
    println!("  the Arc back down a channel, and the executor polls whatever arrives.");
    println!("  Three tasks sleep 60, 20 and 40 ms: first on the executor written out");
    println!("  here (~80 lines), then on longhand's Executor/Spawner.");
    println!();

    println!("  hand-written executor:");
    let (executor, spawner) = new_executor_and_spawner();
    let finished = Arc::new(AtomicUsize::new(0));
    spawn_three(|f| spawner.spawn(f), &finished);
    // Drop the spawner so the executor knows no new task will come.
    drop(spawner);
    let start = Instant::now();
    let polls = executor.run();
    println!(
        "    {} tasks finished, {polls} polls, {} ms",
        finished.load(Ordering::SeqCst),
        start.elapsed().as_millis()
    );

    println!("  longhand::Executor / longhand::Spawner:");
    let (executor, spawner) = longhand::new_executor_and_spawner();
    let finished = Arc::new(AtomicUsize::new(0));
    spawn_three(|f| spawner.spawn(f), &finished);
    drop(spawner);
    let start = Instant::now();
    executor.run();
    println!(
        "    {} tasks finished, {} ms",
        finished.load(Ordering::SeqCst),
        start.elapsed().as_millis()
    );
}
