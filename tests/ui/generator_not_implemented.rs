// `#[longhand::generator]` is not implemented yet and says so.
#[longhand::generator]
fn numbers() -> impl Iterator<Item = u32> {
    longhand::yield_!(1);
}

fn main() {}
