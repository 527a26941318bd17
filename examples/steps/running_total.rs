/// Waits for each value in turn and keeps a running total of them.
#[desugar]
pub async fn running_total(values: Vec<u32>) -> Vec<u64> {
    let mut totals = Vec::new();
    let mut total = 0;
    for v in values {
        total += u64::from(arrive(v).await);
        totals.push(total);
    }
    totals
}
