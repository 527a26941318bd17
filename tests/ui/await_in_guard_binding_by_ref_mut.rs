// A guard that awaits is lowered by choosing the arm before matching it, with
// the guard reading the bindings through shared references; a `ref mut`
// binding (or a `&mut` scrutinee) cannot be read so. The error says how to
// write it.
#[longhand::desugar]
async fn f(x: Option<u32>) -> u32 {
    match x {
        Some(ref mut v) if std::future::ready(*v > 1).await => *v,
        _ => 0,
    }
}

fn main() {}
