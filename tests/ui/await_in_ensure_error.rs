// `ensure!` builds its error only when the condition fails; an `.await` there
// would be hoisted out and run always, so it is refused with the fix.
#[allow(unused_macros)]
macro_rules! ensure {
    ($c:expr, $e:expr) => {
        if !$c {
            return Err($e);
        }
    };
}

#[longhand::desugar]
async fn f(n: u32) -> Result<u32, String> {
    ensure!(n > 0, std::future::ready(String::from("zero")).await);
    Ok(n)
}

fn main() {}
