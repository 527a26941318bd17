//! The executor sleeps while idle: CPU time across a long sleep stays tiny.
#![cfg(not(miri))]

use std::time::Duration;

use longhand_runtime::{block_on, spawn, time::sleep};

fn cpu_time() -> Duration {
    // SAFETY: all-zero is a valid `rusage`; getrusage fills it in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: valid out-pointer.
    assert_eq!(unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut usage) }, 0);
    let tv = |t: libc::timeval| Duration::new(t.tv_sec as u64, t.tv_usec as u32 * 1000);
    tv(usage.ru_utime) + tv(usage.ru_stime)
}

#[test]
fn idle_executor_does_not_spin() {
    // Warm up (thread-local reactor creation etc.).
    block_on(sleep(Duration::from_millis(1)));
    let before = cpu_time();
    block_on(async {
        // A task waiting on a channel nobody sends to, plus the sleep.
        let (_tx, mut rx) = longhand_runtime::sync::mpsc::channel::<()>(1);
        let _waiting = spawn(async move { rx.recv().await });
        sleep(Duration::from_millis(400)).await;
    });
    let used = cpu_time() - before;
    assert!(
        used < Duration::from_millis(50),
        "used {used:?} of CPU while idle"
    );
}
