//! Foreign futures on longhand, longhand futures on a foreign executor.

use std::time::{Duration, Instant};

use longhand_runtime::sync::{mpsc, oneshot};
use longhand_runtime::{block_on, spawn, time::sleep};

#[test]
fn futures_crate_futures_run_on_longhand() {
    let v = block_on(async {
        let a = futures::future::ready(1).await;
        let (tx, rx) = futures::channel::oneshot::channel();
        let h = spawn(async move { rx.await.unwrap() });
        std::thread::spawn(move || tx.send(2).unwrap());
        a + h.await.unwrap()
    });
    assert_eq!(v, 3);
}

#[test]
#[cfg_attr(miri, ignore)] // the fallback reactor thread runs forever
fn sleep_runs_on_the_futures_executor() {
    let start = Instant::now();
    futures::executor::block_on(sleep(Duration::from_millis(20)));
    assert!(start.elapsed() >= Duration::from_millis(20));
    // And several at once, from several threads.
    let ts: Vec<_> = (0..3)
        .map(|i| {
            std::thread::spawn(move || {
                futures::executor::block_on(sleep(Duration::from_millis(10 * i)))
            })
        })
        .collect();
    for t in ts {
        t.join().unwrap();
    }
}

#[test]
fn channels_run_on_the_futures_executor() {
    futures::executor::block_on(async {
        let (tx, mut rx) = mpsc::channel(2);
        let (otx, orx) = oneshot::channel();
        let t = std::thread::spawn(move || {
            futures::executor::block_on(async move {
                for i in 0..10 {
                    tx.send(i).await.unwrap();
                }
                otx.send("done").unwrap();
            })
        });
        let mut got = Vec::new();
        while let Some(v) = rx.recv().await {
            got.push(v);
        }
        assert_eq!(got, (0..10).collect::<Vec<_>>());
        assert_eq!(orx.await, Ok("done"));
        t.join().unwrap();
    });
}
