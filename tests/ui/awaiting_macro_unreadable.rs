// `tokio::select!` awaits inside its own expansion, and its branches are
// not plain expressions, so longhand can neither see nor lower that await.
// (`join!` with plain arguments is lowered as one await.)

#[longhand::desugar]
async fn first_of(a: std::future::Ready<u32>, b: std::future::Ready<u32>) -> u32 {
    tokio::select! {
        x = a => x,
        y = b => y,
    }
}

fn main() {
    let _ = first_of(std::future::ready(1), std::future::ready(2));
}
