//! The explicit Executor + Spawner pair.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use longhand_runtime::{Executor, new_executor_and_spawner};

#[test]
fn spawn_from_another_thread_and_run_until_spawners_are_gone() {
    let (executor, spawner) = new_executor_and_spawner();
    let hits = Arc::new(AtomicUsize::new(0));
    let threads: Vec<_> = (0..2)
        .map(|_| {
            let spawner = spawner.clone();
            let hits = hits.clone();
            std::thread::spawn(move || {
                for _ in 0..10 {
                    let hits = hits.clone();
                    spawner.spawn(async move {
                        longhand_runtime::yield_now().await;
                        hits.fetch_add(1, Ordering::SeqCst);
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
                // `spawner` dropped here, after a pause: run() must wait for it.
            })
        })
        .collect();
    drop(spawner);
    executor.run();
    assert_eq!(hits.load(Ordering::SeqCst), 20);
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn tasks_wait_on_channels() {
    let executor = Executor::new();
    let spawner = executor.spawner();
    let (tx, rx) = longhand_runtime::sync::oneshot::channel();
    let out = Arc::new(AtomicUsize::new(0));
    let o = out.clone();
    spawner.spawn(async move { o.store(rx.await.unwrap(), Ordering::SeqCst) });
    let s2 = spawner.clone();
    spawner.spawn(async move {
        s2.spawn(async move { tx.send(42).unwrap() });
    });
    drop(spawner);
    executor.run();
    assert_eq!(out.load(Ordering::SeqCst), 42);
}

#[test]
#[cfg_attr(miri, ignore)] // the fallback reactor thread runs forever
fn timers_work_inside_the_explicit_executor() {
    let (executor, spawner) = new_executor_and_spawner();
    let start = std::time::Instant::now();
    spawner.spawn(async {
        longhand_runtime::time::sleep(Duration::from_millis(20)).await;
    });
    drop(spawner);
    executor.run();
    assert!(start.elapsed() >= Duration::from_millis(20));
}
