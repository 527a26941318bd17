// An `.await` inside `assert_matches!`'s guard is not lowered (the guard runs
// only when the pattern matches, and the macro panics with its own message);
// `matches!`'s is. The error says how to write it.
#[longhand::desugar]
async fn f(x: Option<u32>) {
    debug_assert_matches!(x, Some(n) if n > std::future::ready(2).await);
}

#[allow(unused_macros)]
macro_rules! debug_assert_matches {
    ($($t:tt)*) => {};
}

fn main() {}
