//! `join!`: concurrency and outputs.

use std::time::{Duration, Instant};

use longhand_runtime::time::sleep;
use longhand_runtime::{block_on, join, yield_now};

#[test]
fn join_one_to_nine() {
    block_on(async {
        let (a,) = join!(async { 1 });
        assert_eq!(a, 1);
        let r = join!(
            async { 1 },
            async {
                yield_now().await;
                2
            },
            async { "3" },
            std::future::ready(4u8),
            async { 5 },
            async { 6 },
            async { 7 },
            async { 8 },
            async { 9 },
        );
        assert_eq!(r, (1, 2, "3", 4u8, 5, 6, 7, 8, 9));
    });
}

#[test]
#[cfg_attr(miri, ignore)] // real sleeping
fn join_runs_branches_concurrently() {
    let start = Instant::now();
    block_on(async {
        join!(
            sleep(Duration::from_millis(50)),
            sleep(Duration::from_millis(50)),
            sleep(Duration::from_millis(50)),
        );
    });
    assert!(start.elapsed() < Duration::from_millis(140));
}

#[test]
fn join_borrows_locals() {
    block_on(async {
        let mut a = vec![1];
        let b = String::from("x");
        let (len, s) = join!(
            async {
                a.push(2);
                a.len()
            },
            async { b.as_str() },
        );
        assert_eq!((len, s), (2, "x"));
    });
}
