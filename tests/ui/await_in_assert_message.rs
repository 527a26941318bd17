// An `.await` in an assertion's message runs only when the assertion fails,
// and in a `debug_assert!` only in debug builds: longhand would run it
// always, so it refuses and says how to write it.
#[longhand::desugar]
async fn f(x: u32) -> u32 {
    assert!(x > 0, "x is {}", std::future::ready(x).await);
    debug_assert!(std::future::ready(x > 1).await);
    assert_eq!(x, 1, "{}", std::future::ready(2).await);
    x
}

fn main() {}
