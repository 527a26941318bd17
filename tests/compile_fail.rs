//! Compile-fail tests: what `#[longhand::desugar]` rejects, and how clearly.
//!
//! Each `tests/ui/*.rs` file is compiled on its own and its errors are
//! compared with the checked-in `.stderr` next to it (run with
//! `TRYBUILD=overwrite` to regenerate, then review the diff).

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui/*.rs");
}
