// A generator returning `impl Iterator` runs synchronously: it cannot await.
#[longhand::generator]
fn fetch_all(ids: Vec<u32>) -> impl Iterator<Item = u32> {
    for id in ids {
        let v = std::future::ready(id).await;
        longhand::yield_!(v);
    }
}

fn main() {}
