// The body is lowered once per configuration its `#[cfg]`s distinguish;
// five conditions (32 lowerings) are refused, at the function's name.
#[longhand::desugar]
async fn configured() -> u32 {
    #[cfg(unix)]
    let a = 1;
    #[cfg(not(unix))]
    let a = 2;
    #[cfg(debug_assertions)]
    let b = 1;
    #[cfg(not(debug_assertions))]
    let b = 2;
    #[cfg(test)]
    let c = 1;
    #[cfg(not(test))]
    let c = 2;
    #[cfg(target_pointer_width = "64")]
    let d = 1;
    #[cfg(not(target_pointer_width = "64"))]
    let d = 2;
    #[cfg(panic = "unwind")]
    let e = 1;
    #[cfg(not(panic = "unwind"))]
    let e = 2;
    std::future::ready(a + b + c + d + e).await
}

fn main() {}
