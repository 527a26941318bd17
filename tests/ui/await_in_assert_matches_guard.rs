// An `.await` inside `matches!`'s guard is not lowered yet (the guard runs only
// when the pattern matches); the error says how to write it.
#[longhand::desugar]
async fn f(x: Option<u32>) -> bool {
    matches!(x, Some(n) if n > std::future::ready(2).await)
}

fn main() {}
