// Generators are a different attribute.
#[longhand::desugar]
async fn f() -> u32 {
    longhand::yield_!(1);
    2
}

fn main() {}
