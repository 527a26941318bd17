// One lowering attribute per function: a second one would meet the first
// one's output, a plain `fn`.
#[longhand::desugar]
#[longhand::desugar]
pub async fn twice() -> u32 {
    std::future::ready(1).await
}

#[longhand::generator]
#[longhand::desugar]
pub fn both() -> impl Iterator<Item = u32> {
    longhand::yield_!(1);
}

fn main() {}
