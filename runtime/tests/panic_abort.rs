//! Panic isolation and abort.

use std::cell::Cell;
use std::rc::Rc;
use std::time::Duration;

use longhand_runtime::{block_on, spawn, time::sleep, yield_now};

struct Flag(Rc<Cell<bool>>);
impl Drop for Flag {
    fn drop(&mut self) {
        self.0.set(true);
    }
}

#[test]
fn a_panicking_task_does_not_stop_the_others() {
    let (ok, err) = block_on(async {
        let bad = spawn(async {
            yield_now().await;
            panic!("task failed on purpose");
        });
        let good: Vec<_> = (0..10)
            .map(|i| {
                spawn(async move {
                    yield_now().await;
                    yield_now().await;
                    i
                })
            })
            .collect();
        let err = bad.await.unwrap_err();
        let mut ok = 0;
        for g in good {
            ok += g.await.unwrap();
        }
        (ok, err)
    });
    assert_eq!(ok, 45);
    assert!(err.is_panic());
    assert!(!err.is_cancelled());
    let payload = err.into_panic();
    assert_eq!(
        *payload.downcast::<&str>().unwrap(),
        "task failed on purpose"
    );
}

#[test]
fn abort_drops_the_future_promptly() {
    let dropped = Rc::new(Cell::new(false));
    let d = dropped.clone();
    block_on(async move {
        let h = spawn(async move {
            let _flag = Flag(d);
            sleep(Duration::from_secs(3600)).await;
        });
        yield_now().await; // let it start and register its timer
        assert!(!dropped.get());
        h.abort();
        assert!(dropped.get(), "abort must drop the task's locals at once");
        assert!(h.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn abort_before_first_poll_and_after_finish() {
    block_on(async {
        let h = spawn(async { 1 });
        h.abort();
        assert!(h.await.unwrap_err().is_cancelled());

        let h = spawn(async { 2 });
        yield_now().await;
        assert!(h.is_finished());
        h.abort(); // too late: the output stays
        assert_eq!(h.await.unwrap(), 2);
    });
}

#[test]
fn a_task_can_abort_itself() {
    use longhand_runtime::JoinHandle;
    use std::cell::RefCell;
    let dropped = Rc::new(Cell::new(false));
    let d = dropped.clone();
    block_on(async move {
        let slot: Rc<RefCell<Option<JoinHandle<()>>>> = Rc::default();
        let s = slot.clone();
        let h = spawn(async move {
            let _flag = Flag(d);
            yield_now().await;
            let me = s.borrow_mut().take().unwrap();
            me.abort(); // from inside its own poll: takes effect when the poll returns
            *s.borrow_mut() = Some(me);
            std::future::pending::<()>().await;
        });
        *slot.borrow_mut() = Some(h);
        for _ in 0..3 {
            yield_now().await;
        }
        assert!(dropped.get());
        let h = slot.borrow_mut().take().unwrap();
        assert!(h.await.unwrap_err().is_cancelled());
    });
}

#[test]
fn the_main_future_may_panic_and_tasks_are_cleaned_up() {
    let dropped = Rc::new(Cell::new(false));
    let d = dropped.clone();
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        block_on(async move {
            spawn(async move {
                let _flag = Flag(d);
                std::future::pending::<()>().await;
            });
            yield_now().await;
            panic!("main panics");
        })
    }));
    assert!(r.is_err());
    assert!(dropped.get());
}
