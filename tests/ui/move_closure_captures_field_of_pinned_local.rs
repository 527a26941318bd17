// A `move` closure that names a local only through a field captures just
// that field (rustc's precise capture), and the rest of the local stays
// usable. longhand keeps `s` pinned here (`r` borrows it across the
// `.await`) and cannot split a pinned local: it says so, and what to write.

struct Pair {
    a: String,
    b: String,
}

async fn tick() {}

#[longhand::desugar]
async fn f() -> usize {
    let s = Pair {
        a: "a".to_string(),
        b: "b".to_string(),
    };
    let c = move || s.a.len();
    let r = &s.b;
    tick().await;
    r.len() + c()
}

#[longhand::desugar]
async fn g() -> usize {
    let s = Pair {
        a: "a".to_string(),
        b: "b".to_string(),
    };
    let r = &s.b;
    tick().await;
    let n = r.len();
    let fut = async move { s.a.len() + n };
    fut.await
}

fn main() {
    let _ = f();
    let _ = g();
}
