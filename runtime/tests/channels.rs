//! Channels under load, closing rules, and across threads.

use longhand_runtime::sync::{mpsc, oneshot};
use longhand_runtime::{block_on, spawn};

#[test]
fn four_producers_ten_thousand_messages_capacity_sixteen() {
    let per = if cfg!(miri) { 200 } else { 10_000u64 };
    let (count, sum) = block_on(async move {
        let (tx, mut rx) = mpsc::channel(16);
        for p in 0..4u64 {
            let tx = tx.clone();
            spawn(async move {
                for i in 0..per {
                    tx.send(p * 1_000_000 + i).await.unwrap();
                }
            });
        }
        drop(tx);
        let mut last = [None::<u64>; 4];
        let (mut count, mut sum) = (0u64, 0u64);
        while let Some(v) = rx.recv().await {
            let p = (v / 1_000_000) as usize;
            // Per-producer FIFO order.
            assert!(last[p].is_none_or(|l| l < v));
            last[p] = Some(v);
            count += 1;
            sum += v % 1_000_000;
        }
        (count, sum)
    });
    assert_eq!(count, 4 * per);
    assert_eq!(sum, 4 * (0..per).sum::<u64>());
}

#[test]
fn producers_on_other_threads() {
    let per = if cfg!(miri) { 50 } else { 5_000u32 };
    let (tx, mut rx) = mpsc::channel(16);
    let threads: Vec<_> = (0..3)
        .map(|_| {
            let tx = tx.clone();
            std::thread::spawn(move || {
                futures::executor::block_on(async {
                    for i in 0..per {
                        tx.send(i).await.unwrap();
                    }
                })
            })
        })
        .collect();
    drop(tx);
    let n = block_on(async move {
        let mut n = 0;
        while rx.recv().await.is_some() {
            n += 1;
        }
        n
    });
    assert_eq!(n, 3 * per);
    for t in threads {
        t.join().unwrap();
    }
}

#[test]
fn receiver_drop_fails_blocked_senders() {
    block_on(async {
        let (tx, rx) = mpsc::channel(1);
        tx.send(1).await.unwrap();
        let blocked = spawn(async move { tx.send(2).await });
        longhand_runtime::yield_now().await;
        drop(rx);
        assert_eq!(blocked.await.unwrap().unwrap_err().0, 2);
    });
}

#[test]
fn cancelled_send_passes_the_slot_on() {
    block_on(async {
        let (tx, mut rx) = mpsc::channel(1);
        tx.send(0).await.unwrap();
        let tx2 = tx.clone();
        let a = spawn(async move { tx.send(1).await });
        let b = spawn(async move { tx2.send(2).await });
        longhand_runtime::yield_now().await; // both wait for room
        assert_eq!(rx.recv().await, Some(0)); // wakes `a`
        a.abort(); // `a` gives up: `b` must get the slot
        assert_eq!(rx.recv().await, Some(2));
        b.await.unwrap().unwrap();
        assert_eq!(rx.recv().await, None);
    });
}

#[test]
fn oneshot_send_recv_and_drop() {
    block_on(async {
        let (tx, rx) = oneshot::channel();
        spawn(async move { tx.send(String::from("one")).unwrap() });
        assert_eq!(rx.await.unwrap(), "one");

        let (tx, rx) = oneshot::channel::<u8>();
        drop(tx);
        assert!(rx.await.is_err());

        let (tx, rx) = oneshot::channel::<u8>();
        drop(rx);
        assert_eq!(tx.send(9), Err(9));
    });
}

#[test]
fn channels_are_send() {
    fn is_send<T: Send>() {}
    is_send::<mpsc::Sender<u8>>();
    is_send::<mpsc::Receiver<u8>>();
    is_send::<oneshot::Sender<u8>>();
    is_send::<oneshot::Receiver<u8>>();
}
