//! Expansion snapshots: the expected expansion of each `tests/expand/*.rs`
//! is checked in next to it as `*.expanded.rs` and compared, so that every
//! change to the generated code is reviewed as a diff (the `pin-project`
//! practice). Regenerate with `UPDATE_EXPANSIONS=1 cargo test --test
//! expand_snapshots` and read the diff before committing.

use std::path::Path;

#[test]
fn expansions_match_the_checked_in_files() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/expand");
    let update = std::env::var_os("UPDATE_EXPANSIONS").is_some();
    let mut inputs: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .filter(|p| !p.to_string_lossy().ends_with(".expanded.rs"))
        .collect();
    inputs.sort();
    assert!(inputs.len() >= 5, "expected the snapshot inputs in {dir:?}");
    let mut stale = Vec::new();
    for input in inputs {
        let source = std::fs::read_to_string(&input).unwrap();
        let expanded = longhand::cli::expand::expand(&source, None)
            .unwrap_or_else(|e| panic!("{}: {e}", input.display()));
        let expected_path = input.with_extension("expanded.rs");
        if update {
            std::fs::write(&expected_path, &expanded).unwrap();
            continue;
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        if expected != expanded {
            stale.push(expected_path.display().to_string());
        }
    }
    assert!(
        stale.is_empty(),
        "expansions changed (review, then UPDATE_EXPANSIONS=1): {stale:?}"
    );
}

/// The snapshots are not just text: each one compiles. `add_later`'s
/// expansion, pasted here verbatim, runs like the attribute's output.
mod pasted {
    include!("expand/add_later.expanded.rs");
    pub fn run(a: u32, b: u32) -> impl std::future::Future<Output = u32> {
        add_later(a, b)
    }
}

#[test]
fn a_pasted_expansion_compiles_and_runs() {
    assert_eq!(futures::executor::block_on(pasted::run(2, 3)), 5);
}
