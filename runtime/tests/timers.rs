//! Timers: ordering, concurrency, timeout, interval.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::{Duration, Instant};

use longhand_runtime::time::{interval, sleep, sleep_until, timeout};
use longhand_runtime::{block_on, spawn};

#[test]
#[cfg_attr(miri, ignore)] // real sleeping
fn sleeps_run_concurrently_and_fire_in_deadline_order() {
    let order = Rc::new(RefCell::new(Vec::new()));
    let start = Instant::now();
    block_on({
        let order = order.clone();
        async move {
            let hs: Vec<_> = [100u64, 50, 150]
                .into_iter()
                .map(|ms| {
                    let order = order.clone();
                    spawn(async move {
                        sleep(Duration::from_millis(ms)).await;
                        order.borrow_mut().push(ms);
                    })
                })
                .collect();
            for h in hs {
                h.await.unwrap();
            }
        }
    });
    let took = start.elapsed();
    assert_eq!(*order.borrow(), [50, 100, 150]);
    assert!(took >= Duration::from_millis(150), "{took:?}");
    assert!(
        took < Duration::from_millis(280),
        "sleeps must overlap: {took:?}"
    );
}

#[test]
fn sleep_never_fires_early() {
    block_on(async {
        for ms in [1u64, 3, 7] {
            let start = Instant::now();
            sleep(Duration::from_millis(ms)).await;
            assert!(start.elapsed() >= Duration::from_millis(ms));
        }
        let deadline = Instant::now() + Duration::from_millis(2);
        sleep_until(deadline).await;
        assert!(Instant::now() >= deadline);
    });
}

#[test]
fn sleep_created_outside_the_runtime() {
    let s = sleep(Duration::from_millis(5));
    let start = Instant::now();
    block_on(s);
    assert!(start.elapsed() >= Duration::from_millis(4));
}

#[test]
fn timeout_both_ways() {
    block_on(async {
        let fast = timeout(Duration::from_millis(200), async {
            sleep(Duration::from_millis(1)).await;
            "done"
        });
        assert_eq!(fast.await, Ok("done"));
        let start = Instant::now();
        let slow = timeout(Duration::from_millis(10), sleep(Duration::from_secs(60)));
        assert!(slow.await.is_err());
        assert!(start.elapsed() < Duration::from_secs(5));
    });
}

#[test]
fn many_timers_with_the_same_deadline() {
    let n = if cfg!(miri) { 20 } else { 2000 };
    block_on(async move {
        let deadline = Instant::now() + Duration::from_millis(5);
        let hs: Vec<_> = (0..n).map(|_| spawn(sleep_until(deadline))).collect();
        for h in hs {
            h.await.unwrap();
        }
    });
}

#[test]
fn dropped_sleeps_are_deregistered() {
    block_on(async {
        for _ in 0..100 {
            let s = sleep(Duration::from_secs(3600));
            let _ = timeout(Duration::ZERO, s).await;
        }
        // Nothing left to wait for: a later short sleep is not delayed by them.
        let start = Instant::now();
        sleep(Duration::from_millis(1)).await;
        assert!(start.elapsed() < Duration::from_secs(1));
    });
}

#[test]
fn interval_ticks_at_its_period() {
    block_on(async {
        let mut iv = interval(Duration::from_millis(3));
        let t0 = iv.tick().await;
        let mut last = t0;
        for _ in 0..3 {
            let t = iv.tick().await;
            assert_eq!(t - last, Duration::from_millis(3));
            assert!(Instant::now() >= t);
            last = t;
        }
    });
}
