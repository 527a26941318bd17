// A pinned local keeps rustc's borrow rules across suspension points: the
// iterator still borrows `v` when `v` is mutated, exactly as rustc reports.
#[longhand::desugar]
async fn f() -> u32 {
    let mut v = vec![1, 2, 3];
    let mut it = v.iter();
    std::future::ready(()).await;
    v.push(4);
    *it.next().unwrap()
}

fn main() {}
