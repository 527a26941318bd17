//! Runs the tour and each of its steps (`examples/`) and checks their key lines.
//!
//! Each test runs `cargo run --quiet --example NAME` from the package root, so an
//! example is built on first use; the assertions look for lines that do not depend
//! on timing, except a generous bound on how long each example takes.

use std::process::Command;
use std::time::{Duration, Instant};

/// Runs one example; asserts a zero exit status and returns its stdout.
fn run_example(name: &str) -> String {
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .args(["run", "--quiet", "--example", name])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "example {name} failed: {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    // Building can take a while; running is well under a second or two per step.
    assert!(
        start.elapsed() < Duration::from_secs(300),
        "example {name} took {:?}",
        start.elapsed()
    );
    stdout
}

/// Asserts that every one of `expected` appears in `stdout`.
fn assert_contains(name: &str, stdout: &str, expected: &[&str]) {
    for e in expected {
        assert!(
            stdout.contains(e),
            "example {name}: expected {e:?} in its output:\n{stdout}"
        );
    }
}

/// The number printed right before `suffix` on the first line containing `marker`.
fn number_on_line(stdout: &str, marker: &str, suffix: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with {marker:?} in:\n{stdout}"));
    let before = &line[..line
        .find(suffix)
        .unwrap_or_else(|| panic!("no {suffix:?} in {line:?}"))];
    let digits: String = before
        .trim_end()
        .chars()
        .rev()
        .take_while(char::is_ascii_digit)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("no number before {suffix:?} in {line:?}"))
}

const HAND_WRITTEN_FUTURE: &[&str] = &[
    "Step 1. A future written by hand",
    "poll #1 -> Pending",
    "poll #2 -> Ready",
    "polled 2 times",
];

const EXECUTOR_SPAWNER: &[&str] = &[
    "Step 2. An executor and a spawner",
    "hand-written executor:",
    "longhand::Executor / longhand::Spawner:",
    "task a done after 60 ms",
    "task b done after 20 ms",
    "task c done after 40 ms",
    "3 tasks finished, 6 polls",
];

const FAKE_SOCKET: &[&str] = &[
    "Step 3. A fake socket, awaited through the reactor",
    "through the reactor: read \"hello from the fake socket\"",
    "busy-waiting instead (20 ms only): read 4 bytes",
];

const CHILD_PROCESS: &[&str] = &[
    "Step 4. Child processes, awaited through the reactor (pidfd)",
    "`sh -c 'sleep 0.2; exit 3'`: exit code 3",
    "`sh -c 'sleep 0.1; exit 0'`: exit code 0",
    "`sh -c 'sleep 0.15; exit 7'`: exit code 7",
    "`echo hello from a child`: exit code 0, stdout \"hello from a child\\n\"",
];

const DESUGAR: &[&str] = &[
    "Step 5. An async fn, lowered into an explicit enum state machine",
    "pub async fn running_total(values: Vec<u32>) -> Vec<u64> {",
    "enum RunningTotalState<",
    "Unresumed {",
    "Suspend0 {",
    "Returned,",
    "Panicked,",
    "rustc's lowering:    [3, 4, 8, 9, 14] after 6 polls",
    "longhand's lowering: [3, 4, 8, 9, 14] after 6 polls",
    "equal results: true",
    "size_of_val(future): rustc ",
    "ratio longhand / rustc: ",
];

const GENERATOR: &[&str] = &["Step 6. Generators: pending"];

const TCP_ECHO: &[&str] = &[
    "Step 7. A TCP echo exchange",
    "client: connected to 127.0.0.1:",
    "server: accepted 127.0.0.1:",
    "echo: hello\n",
    "echo: longhand\n",
    "echo: goodbye\n",
    "server: echoed 23 bytes",
];

#[test]
fn hand_written_future() {
    let out = run_example("hand_written_future");
    assert_contains("hand_written_future", &out, HAND_WRITTEN_FUTURE);
}

#[test]
fn executor_spawner() {
    let out = run_example("executor_spawner");
    assert_contains("executor_spawner", &out, EXECUTOR_SPAWNER);
    assert_eq!(out.matches("3 tasks finished").count(), 2, "{out}");
}

#[test]
fn fake_socket() {
    let out = run_example("fake_socket");
    assert_contains("fake_socket", &out, FAKE_SOCKET);
    // Through the reactor: a handful of polls (2 expected), not thousands.
    let polls = number_on_line(&out, "polls in", " polls");
    assert!((1..=6).contains(&polls), "{polls} polls:\n{out}");
    // The read waited for the writer (200 ms), without taking much longer.
    let ms = number_on_line(&out, "polls in", " ms");
    assert!((150..600).contains(&ms), "{ms} ms:\n{out}");
}

#[test]
fn child_process() {
    let out = run_example("child_process");
    assert_contains("child_process", &out, CHILD_PROCESS);
    // Awaited together: about 0.2 s, well under the 0.45 s of waiting in turn.
    let ms = number_on_line(&out, "all three done in", " ms");
    assert!((150..450).contains(&ms), "{ms} ms:\n{out}");
}

#[test]
fn desugar() {
    let out = run_example("desugar");
    assert_contains("desugar", &out, DESUGAR);
    let rustc = number_on_line(&out, "size_of_val(future)", " bytes, longhand");
    let longhand = number_on_line(&out, "size_of_val(future)", " bytes\n");
    assert!(rustc > 0 && longhand > 0, "{out}");
}

#[test]
fn generator() {
    let out = run_example("generator");
    assert_contains("generator", &out, GENERATOR);
    assert_eq!(out.lines().count(), 1, "one sentence only:\n{out}");
}

#[test]
fn tcp_echo() {
    let out = run_example("tcp_echo");
    assert_contains("tcp_echo", &out, TCP_ECHO);
}

#[test]
fn tour_runs_every_step_in_order() {
    let start = Instant::now();
    let out = run_example("tour");
    let steps = [
        HAND_WRITTEN_FUTURE,
        EXECUTOR_SPAWNER,
        FAKE_SOCKET,
        CHILD_PROCESS,
        DESUGAR,
        GENERATOR,
        TCP_ECHO,
    ];
    for expected in steps {
        assert_contains("tour", &out, expected);
    }
    let positions: Vec<usize> = (1..=7)
        .map(|n| {
            out.find(&format!("Step {n}. "))
                .unwrap_or_else(|| panic!("no step {n}:\n{out}"))
        })
        .collect();
    assert!(positions.is_sorted(), "steps out of order:\n{out}");
    assert!(out.contains("End of the tour."), "{out}");
    let _ = start;
}
