// `.await` inside a plain closure cannot suspend the enclosing function.
#[longhand::desugar]
async fn f(v: Vec<u32>) -> u32 {
    let add = |x: u32| std::future::ready(x).await;
    v.into_iter().map(add).sum()
}

fn main() {}
