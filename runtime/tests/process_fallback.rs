//! Child exit without pidfd: the waiter-thread fallback (forced with
//! `LONGHAND_NO_PIDFD`, which this test binary sets before anything runs).
#![cfg(not(miri))]

use std::time::{Duration, Instant};

use longhand_runtime::process::Command;
use longhand_runtime::{block_on, spawn};

#[test]
fn fallback_waits_for_several_children() {
    // SAFETY: set before any other thread of this test binary reads the environment
    // (it is the only test in the binary).
    unsafe { std::env::set_var("LONGHAND_NO_PIDFD", "1") };
    let start = Instant::now();
    let codes = block_on(async {
        let hs: Vec<_> = (0..4)
            .map(|i| {
                spawn(async move {
                    Command::new("sh")
                        .args(["-c", &format!("sleep 0.1; exit {i}")])
                        .status()
                        .await
                        .unwrap()
                        .code()
                })
            })
            .collect();
        let mut codes = Vec::new();
        for h in hs {
            codes.push(h.await.unwrap());
        }
        codes
    });
    assert_eq!(codes, [Some(0), Some(1), Some(2), Some(3)]);
    assert!(start.elapsed() < Duration::from_millis(600));
    let out = block_on(Command::new("echo").arg("fallback").output()).unwrap();
    assert_eq!(out.stdout, b"fallback\n");
}
