// The attribute lowers `async fn`s only.
#[longhand::desugar]
fn f() -> u32 {
    1
}

fn main() {}
