// An `async move` block at the top of a loop whose iterations await: the
// loop's head is reached from `Unresumed` and from `Suspend0`, so it is
// written once, in the arm of the join point `Join0`.
#[longhand::desugar]
async fn sum_slowly(items: Vec<u32>) -> u32 {
    let mut total = 0;
    for n in items {
        total += run(async move { n * 2 }).await;
    }
    total
}
