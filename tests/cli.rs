//! The `longhand` command-line tool, run as a user would: on sample files,
//! checking its output, its errors and its exit codes.

use std::process::Command;

fn longhand(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_longhand"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn sample(name: &str, source: &str) -> String {
    let dir = std::env::temp_dir().join(format!("longhand-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, source).unwrap();
    path.to_string_lossy().into_owned()
}

const THREE: &str = "
#[longhand::desugar]
async fn three(a: u32) -> u32 {
    let x = f(a).await;
    if x > 1 {
        return g().await;
    }
    loop {
        if h().await {
            break;
        }
    }
    x
}
";

#[test]
fn help_on_every_command() {
    for args in [&["--help"][..], &["expand", "--help"], &["graph", "--help"]] {
        let (code, out, _) = longhand(args);
        assert_eq!(code, 0, "{args:?}");
        assert!(out.contains("longhand expand FILE") && out.contains("longhand graph FILE"));
    }
}

#[test]
fn expand_prints_the_state_machine() {
    let file = sample("three.rs", THREE);
    let (code, out, err) = longhand(&["expand", &file]);
    assert_eq!(code, 0, "{err}");
    for needle in [
        "enum ThreeState",
        "Unresumed",
        "Suspend0",
        "Suspend1",
        "Suspend2",
        "Returned",
        "Panicked",
    ] {
        assert!(out.contains(needle), "missing {needle} in\n{out}");
    }
    assert!(
        !out.contains("#[longhand::desugar]"),
        "the attribute is replaced by its lowering"
    );
    // What it prints is Rust: it parses as a file.
    syn::parse_file(&out).expect("expand prints valid Rust");
}

#[test]
fn state_docs_quote_the_source_of_nested_awaits() {
    let file = sample(
        "nested.rs",
        "#[longhand::desugar]
async fn nested(c: bool) -> u32 {
    wrap(if c { a().await } else { 0 }, async move { 1 }).await
}
",
    );
    let (code, out, err) = longhand(&["expand", &file]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(
            "/// Waiting at `wrap(if c { a().await } else { 0 }, async move { 1 }).await` (line 3)"
        ),
        "{out}"
    );
    assert!(
        !out.contains("__lh_text"),
        "a tag leaked into a text:\n{out}"
    );
}

#[test]
fn graph_has_the_states_and_transitions() {
    let file = sample("three_graph.rs", THREE);
    let (code, out, err) = longhand(&["graph", &file, "--fn", "three"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("stateDiagram-v2"));
    for edge in [
        "[*] --> Unresumed",
        "Unresumed --> Suspend0: poll",
        "Suspend0 --> Suspend0: Pending",
        "Suspend0 --> Suspend1: Ready",
        "Suspend0 --> Suspend2: Ready",
        "Suspend1 --> Returned: return",
        "Suspend2 --> Suspend2: Ready",
        "Suspend2 --> Returned: return",
    ] {
        assert!(out.contains(edge), "missing `{edge}` in\n{out}");
    }
    assert!(
        !out.contains("Unresumed --> Returned"),
        "the body always suspends first:\n{out}"
    );
    assert!(out.contains("at g().await (line 6)"), "{out}");
    assert!(out.contains("keeps x"), "{out}");

    let (code, dot, _) = longhand(&["graph", &file, "--fn", "three", "--format", "dot"]);
    assert_eq!(code, 0);
    assert!(dot.starts_with("digraph \"three\""));
    assert!(dot.contains("Suspend0 -> Suspend1 [label=\"Ready\"];"));
}

/// A loop whose head writes an `async move` block: the machine passes
/// through a join point there (see the lowering's `joins` module).
const LOOP_WITH_BLOCK: &str = r#"
#[longhand::desugar]
async fn total(items: Vec<u32>) -> u32 {
    let mut total = 0;
    for n in items {
        total += run(async move { n * 2 }).await;
    }
    total
}
"#;

#[test]
fn graph_shows_join_points_as_jumps() {
    let file = sample("join_graph.rs", LOOP_WITH_BLOCK);
    let (code, out, err) = longhand(&["graph", &file, "--fn", "total"]);
    assert_eq!(code, 0, "{err}");
    for edge in [
        "Unresumed --> Join0: jump",
        "Join0 --> Suspend0: poll",
        "Join0 --> Returned: return",
        "Suspend0 --> Suspend0: Pending",
        "Suspend0 --> Join0: jump",
    ] {
        assert!(out.contains(edge), "missing `{edge}` in\n{out}");
    }
    // A join point never waits: no `Pending` edge, no `await` text.
    assert!(!out.contains("Join0 --> Join0: Pending"), "{out}");
    assert!(out.contains("the loop's next iteration (line 5)"), "{out}");
}

#[test]
fn bad_input_is_a_clean_error() {
    let broken = sample("broken.rs", "async fn f( {\n");
    let (code, out, err) = longhand(&["expand", &broken]);
    assert_eq!(code, 1);
    assert!(out.is_empty());
    assert!(
        err.starts_with("longhand: ") && err.contains("broken.rs:1:"),
        "{err}"
    );

    let (code, _, err) = longhand(&["graph", "/no/such/file.rs", "--fn", "f"]);
    assert_eq!((code, err.contains("No such file")), (1, true), "{err}");

    let file = sample("three_missing.rs", THREE);
    let (code, _, err) = longhand(&["graph", &file, "--fn", "nope"]);
    assert_eq!(code, 1);
    assert!(err.contains("no function named `nope`"), "{err}");

    let (code, _, err) = longhand(&["graph", &file, "--fn", "three", "--format", "svg"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown format"), "{err}");

    let (code, _, err) = longhand(&["frobnicate"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown command"), "{err}");
}
