//! Spawning: many tasks, outputs through handles, detached tasks, nested spawns.

use std::cell::Cell;
use std::rc::Rc;

use longhand_runtime::{block_on, spawn, yield_now};

#[test]
fn spawn_ten_thousand_tasks() {
    let n = if cfg!(miri) { 200 } else { 10_000 };
    let sum = block_on(async move {
        let handles: Vec<_> = (0..n).map(|i| spawn(async move { i as u64 })).collect();
        let mut sum = 0;
        for h in handles {
            sum += h.await.unwrap();
        }
        sum
    });
    assert_eq!(sum, (0..n as u64).sum());
}

#[test]
fn detached_tasks_still_run() {
    let count = Rc::new(Cell::new(0));
    let c = count.clone();
    block_on(async move {
        for _ in 0..100 {
            let c = c.clone();
            drop(spawn(async move {
                yield_now().await;
                c.set(c.get() + 1);
            }));
        }
        for _ in 0..5 {
            yield_now().await;
        }
    });
    assert_eq!(count.get(), 100);
}

#[test]
fn nested_spawns_and_yields_interleave() {
    let log = Rc::new(std::cell::RefCell::new(Vec::new()));
    let l = log.clone();
    block_on(async move {
        let a = {
            let l = l.clone();
            spawn(async move {
                for i in 0..3 {
                    l.borrow_mut().push(("a", i));
                    yield_now().await;
                }
            })
        };
        let b = {
            let l = l.clone();
            spawn(async move {
                let inner = spawn(async { 7 });
                for i in 0..3 {
                    l.borrow_mut().push(("b", i));
                    yield_now().await;
                }
                inner.await.unwrap()
            })
        };
        a.await.unwrap();
        assert_eq!(b.await.unwrap(), 7);
    });
    let log = log.borrow();
    assert_eq!(
        *log,
        [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    );
}

#[test]
#[allow(clippy::async_yields_async)] // returning the handle out of block_on is the point
fn unfinished_tasks_are_cancelled_when_block_on_returns() {
    struct Flag(Rc<Cell<bool>>);
    impl Drop for Flag {
        fn drop(&mut self) {
            self.0.set(true);
        }
    }
    let dropped = Rc::new(Cell::new(false));
    let d = dropped.clone();
    let handle = block_on(async move {
        let flag = Flag(d);
        spawn(async move {
            let _flag = flag;
            std::future::pending::<()>().await;
        })
    });
    assert!(dropped.get());
    assert!(block_on(handle).unwrap_err().is_cancelled());
}

#[test]
#[should_panic(expected = "longhand::spawn called outside of longhand::block_on")]
fn spawn_outside_block_on_panics() {
    drop(spawn(async {}));
}

#[test]
fn wake_from_another_thread() {
    let (tx, rx) = longhand_runtime::sync::oneshot::channel();
    let got = block_on(async move {
        let h = spawn(async move { rx.await.unwrap() });
        std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(10));
            tx.send(99).unwrap();
        });
        h.await.unwrap()
    });
    assert_eq!(got, 99);
}
