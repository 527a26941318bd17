// A future cannot contain itself: recursion needs a box.
#[longhand::desugar]
async fn countdown(n: u32) -> u32 {
    if n == 0 {
        return 0;
    }
    countdown(n - 1).await + 1
}

fn main() {}
