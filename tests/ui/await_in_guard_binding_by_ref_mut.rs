// An `.await` inside a match guard is not lowered yet; the error says how to write it.
#[longhand::desugar]
async fn f(x: Option<u32>) -> u32 {
    match x {
        Some(v) if std::future::ready(v > 1).await => v,
        _ => 0,
    }
}

fn main() {}
