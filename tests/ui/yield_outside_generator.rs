// `yield_!` only means something inside a `#[longhand::generator]`.
fn numbers() -> u32 {
    longhand::yield_!(1);
    1
}

fn main() {}
