//! Child processes: exit codes, captured output, many children awaited at once.
#![cfg(not(miri))]

use std::process::Stdio;
use std::time::{Duration, Instant};

use longhand_runtime::process::Command;
use longhand_runtime::{block_on, spawn};

#[test]
fn exit_code() {
    let status = block_on(Command::new("sh").args(["-c", "exit 3"]).status()).unwrap();
    assert_eq!(status.code(), Some(3));
}

#[test]
fn captured_output() {
    let out = block_on(
        Command::new("sh")
            .args(["-c", "echo out; echo err >&2"])
            .output(),
    )
    .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, b"out\n");
    assert_eq!(out.stderr, b"err\n");
}

#[test]
fn large_output_does_not_deadlock() {
    // More than a pipe buffer (64 KiB) on both streams.
    let out = block_on(
        Command::new("sh")
            .args([
                "-c",
                "head -c 300000 /dev/zero; head -c 200000 /dev/zero >&2",
            ])
            .output(),
    )
    .unwrap();
    assert_eq!((out.stdout.len(), out.stderr.len()), (300_000, 200_000));
}

#[test]
fn five_children_in_parallel() {
    let start = Instant::now();
    block_on(async {
        let hs: Vec<_> = (0..5)
            .map(|_| spawn(async { Command::new("sleep").arg("0.2").status().await.unwrap() }))
            .collect();
        for h in hs {
            assert!(h.await.unwrap().success());
        }
    });
    let took = start.elapsed();
    assert!(took >= Duration::from_millis(200));
    assert!(
        took < Duration::from_millis(700),
        "children must overlap: {took:?}"
    );
}

#[test]
fn stdin_round_trip_and_kill() {
    block_on(async {
        let mut child = Command::new("cat")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .as_mut()
            .unwrap()
            .write_all(b"echoed")
            .await
            .unwrap();
        let out = child.wait_with_output().await.unwrap();
        assert_eq!(out.stdout, b"echoed");

        let mut child = Command::new("sleep").arg("30").spawn().unwrap();
        child.kill().unwrap();
        assert!(!child.wait().await.unwrap().success());
    });
}

#[test]
fn wait_under_a_foreign_executor() {
    let mut child = Command::new("sh").args(["-c", "exit 4"]).spawn().unwrap();
    let status = futures::executor::block_on(child.wait()).unwrap();
    assert_eq!(status.code(), Some(4));
}
