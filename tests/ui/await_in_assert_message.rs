// An `.await` in an assertion's message runs only when the assertion fails,
// and in a `debug_assert!` only in debug builds: longhand would run it
// always, so it refuses and says how to write it.

// (std's is unstable; the check goes by the macro's name.)
#[allow(unused_macros)]
macro_rules! debug_assert_matches {
    ($e:expr, $p:pat) => {
        debug_assert!(matches!($e, $p))
    };
}

#[longhand::desugar]
async fn f(x: u32) -> u32 {
    assert!(x > 0, "x is {}", std::future::ready(x).await);
    debug_assert!(std::future::ready(x > 1).await);
    assert_eq!(x, 1, "{}", std::future::ready(2).await);
    debug_assert_matches!(std::future::ready(Some(x)).await, Some(_));
    x
}

fn main() {}
