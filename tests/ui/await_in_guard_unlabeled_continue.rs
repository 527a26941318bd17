// A `match` whose guards await is lowered inside a labeled block, where an
// unlabeled `continue` or `break` is not allowed (E0695); the error asks for
// the loop's label.
#[longhand::desugar]
async fn f(xs: Vec<u32>) -> u32 {
    let mut total = 0;
    for x in xs {
        total += match x {
            0 if { if total > 3 { continue; } std::future::ready(true).await } => 1,
            n => n,
        };
    }
    total
}

fn main() {}
