// The attribute takes no arguments.
#[longhand::desugar(fast)]
async fn f() -> u32 {
    1
}

fn main() {}
