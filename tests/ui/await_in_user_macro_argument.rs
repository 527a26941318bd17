// A user's macro may evaluate an argument twice, or not at all (a logging
// macro whose level is off); longhand would hoist the `.await` out and run it
// once, so it is refused with the fix.
#[allow(unused_macros)]
macro_rules! square {
    ($e:expr) => {
        $e * $e
    };
}

#[longhand::desugar]
async fn f(n: u32) -> u32 {
    square!(std::future::ready(n).await)
}

fn main() {}
