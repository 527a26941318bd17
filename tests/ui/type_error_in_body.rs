// A type error in the body is reported at the user's own line.
#[longhand::desugar]
async fn f(x: u32) -> u32 {
    let y = std::future::ready(x).await;
    let label: String = y;
    label.len() as u32
}

fn main() {}
