// `futures::select!` awaits inside its own expansion, and polls its futures
// in place (fused, borrowed), so longhand can neither see nor lower that
// await. (`join!` with plain arguments and `tokio::select!` are lowered.)

#[longhand::desugar]
async fn first_of(a: std::future::Ready<u32>, b: std::future::Ready<u32>) -> u32 {
    futures::select! {
        x = a => x,
        y = b => y,
    }
}

fn main() {
    let _ = first_of(std::future::ready(1), std::future::ready(2));
}
