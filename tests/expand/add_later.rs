#[longhand::desugar]
async fn add_later(a: u32, b: u32) -> u32 {
    let a = std::future::ready(a).await;
    a + b
}
