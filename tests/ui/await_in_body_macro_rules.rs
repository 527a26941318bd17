// A `macro_rules!` defined in the body that expands to an `.await`:
// longhand sees the call's arguments, not the expansion, and says so at
// the call.
#[longhand::desugar]
async fn f() -> u32 {
    macro_rules! get {
        ($n:expr) => {
            std::future::ready($n).await
        };
    }
    let a = get!(3u32);
    a + std::future::ready(1u32).await
}

fn main() {}
