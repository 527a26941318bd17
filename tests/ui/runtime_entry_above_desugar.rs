// `#[tokio::test]` written above `#[longhand::desugar]` expands first and
// leaves a plain `fn` running an `async` block, which cannot be lowered:
// the error says to write `#[longhand::desugar]` above it instead (that
// order works: `tests/entry_attributes.rs`).
#[tokio::test]
#[longhand::desugar]
async fn reads() {
    let n = std::future::ready(1).await;
    assert_eq!(n, 1);
}

fn main() {}
