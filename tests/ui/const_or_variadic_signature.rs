// A state machine is built and run at run time: the lowering rejects
// `const` (rustc rejects `const async fn` too) and C-variadic arguments,
// at their own tokens.
#[longhand::desugar]
pub const async fn limit() -> u32 {
    8
}

#[longhand::desugar]
pub async fn sum_all(first: u32, _: ...) -> u32 {
    first
}

#[longhand::generator]
pub const fn ids() -> impl Iterator<Item = u32> {
    longhand::yield_!(1);
}

fn main() {}
