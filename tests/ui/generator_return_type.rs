// A generator returns `impl Iterator<Item = T>` or `impl Stream<Item = T>`.
#[longhand::generator]
fn numbers() -> Vec<u32> {
    longhand::yield_!(1);
}

fn main() {}
