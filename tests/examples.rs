//! Runs the tour and each of its steps (`examples/`) and checks their key lines.
//!
//! Each test runs `cargo run --quiet --example NAME` from the package root, so an
//! example is built on first use. The assertions look for lines that do not depend
//! on timing, except a few generous bounds (about 3x) on measured waits.

use std::process::Command;

/// Runs one example; asserts a zero exit status and returns its stdout.
fn run_example(name: &str) -> String {
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

/// Every integer on the first line of `stdout` that contains `marker`.
fn numbers_on_line(stdout: &str, marker: &str) -> Vec<u64> {
    let line = stdout
        .lines()
        .find(|l| l.contains(marker))
        .unwrap_or_else(|| panic!("no line with {marker:?} in:\n{stdout}"));
    line.split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect()
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
    "created             state Unresumed",
    "poll 1: Pending       state Suspend0",
    "poll 3: Ready([7, 15]) state Returned",
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

const GENERATOR: &[&str] = &[
    "Step 6. A generator: the running sum going up and down",
    "enum UpDownState<",
    "Suspend0 {",
    "Pinned in place meanwhile: `list`",
    "up_down(vec![1, 2, 3]) yields [1, 3, 6, 3, 1, 0]",
    "through .filter(even): [6, 0]",
];

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
    // Through the reactor: "N polls in M ms", a handful of polls (2 expected), not
    // thousands, and the read waited for the writer's 200 ms (not much longer).
    let [polls, ms] = numbers_on_line(&out, "polls in")[..] else {
        panic!("{out}")
    };
    assert!((1..=6).contains(&polls), "{polls} polls:\n{out}");
    assert!((150..600).contains(&ms), "{ms} ms:\n{out}");
}

#[test]
fn child_process() {
    let out = run_example("child_process");
    assert_contains("child_process", &out, CHILD_PROCESS);
    // Awaited together: about 0.2 s (the longest child); generous bounds.
    let [ms] = numbers_on_line(&out, "all three done in")[..] else {
        panic!("{out}")
    };
    assert!((150..600).contains(&ms), "{ms} ms:\n{out}");
}

#[test]
fn desugar() {
    let out = run_example("desugar");
    assert_contains("desugar", &out, DESUGAR);
    // "size_of_val(future): rustc N bytes, longhand M bytes"
    let [rustc, longhand] = numbers_on_line(&out, "size_of_val(future)")[..] else {
        panic!("{out}")
    };
    assert!(rustc > 0 && longhand > 0, "{out}");
}

#[test]
fn generator() {
    let out = run_example("generator");
    assert_contains("generator", &out, GENERATOR);
}

#[test]
fn tcp_echo() {
    let out = run_example("tcp_echo");
    assert_contains("tcp_echo", &out, TCP_ECHO);
}

#[test]
fn tour_runs_every_step_in_order() {
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
}
