//! Size and speed of lowered futures against rustc's own, measured in the
//! same run: `cargo bench --bench lowering`.
//!
//! Every function below is compiled twice from the same tokens, once as a
//! plain `async fn` (rustc's lowering) and once under
//! `#[longhand::desugar]`. The report prints `size_of` for both and their
//! ratio per function, the geometric mean of the ratios, and the time per
//! `.await` for a hot loop and for nested calls, the two lowerings taking
//! turns (medians of 31 rounds, and the median of the rounds' ratios).

use std::future::Future;
use std::hint::black_box;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};
use std::time::Instant;

/// Returns `Pending` once (waking itself), then `Ready(v)`: every `.await` of
/// it is a real suspension and resumption.
pub struct YieldOnce<T> {
    value: Option<T>,
    yielded: bool,
}

impl<T: Unpin> Future for YieldOnce<T> {
    type Output = T;
    // Opaque to the optimiser, so that neither lowering can be folded away
    // and both pay the same for the leaf: what differs is the state machine.
    #[inline(never)]
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<T> {
        if self.yielded {
            Poll::Ready(self.value.take().expect("polled after completion"))
        } else {
            self.yielded = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

pub fn yield_once<T>(value: T) -> YieldOnce<T> {
    YieldOnce {
        value: Some(value),
        yielded: false,
    }
}

/// Declares the same items twice, natively and lowered.
macro_rules! both {
    ($($items:tt)*) => {
        mod native {
            #![allow(dead_code, clippy::all)]
            use super::*;
            use longhand::__identity as lh;
            $($items)*
        }
        mod lowered {
            #![allow(dead_code, clippy::all)]
            use super::*;
            use longhand::desugar as lh;
            $($items)*
        }
    };
}

both! {
    pub struct Db { pub rows: Vec<u64> }
    impl Db {
        #[lh] pub async fn get(&self, i: usize) -> u64 { yield_once(self.rows[i % self.rows.len()]).await }
        #[lh] pub async fn bump(&mut self, i: usize) -> u64 {
            let v = self.get(i).await;
            self.rows.push(v);
            v
        }
    }

    #[lh] pub async fn leaf(x: u64) -> u64 { yield_once(x).await }
    #[lh] pub async fn no_await(x: u64) -> u64 { x + 1 }
    #[lh] pub async fn one_await(x: u64) -> u64 { leaf(x).await + 1 }
    #[lh] pub async fn two_awaits(x: u64, y: u64) -> u64 { leaf(x).await + leaf(y).await }
    #[lh] pub async fn hot_loop(n: u64) -> u64 {
        let mut sum = 0;
        for i in 0..n { sum += yield_once(i).await; }
        sum
    }
    #[lh] pub async fn nested3(x: u64) -> u64 { nested2(x).await + 1 }
    #[lh] pub async fn nested2(x: u64) -> u64 { nested1(x).await + 1 }
    #[lh] pub async fn nested1(x: u64) -> u64 { leaf(x).await + 1 }
    #[lh] pub async fn nested_loop(n: u64) -> u64 {
        let mut sum = 0;
        for i in 0..n { sum += nested3(i).await; }
        sum
    }
    #[lh] pub async fn big_arg_a(buf: [u8; 1024]) -> u8 { big_arg_b(buf).await }
    #[lh] pub async fn big_arg_b(buf: [u8; 1024]) -> u8 { big_arg_c(buf).await }
    #[lh] pub async fn big_arg_c(buf: [u8; 1024]) -> u8 { yield_once(()).await; buf[0] }
    #[lh] pub async fn big_moved_locals(seed: u8) -> u8 {
        let a = [seed; 1024];
        yield_once(()).await;
        let b = a;
        yield_once(()).await;
        let c = b;
        yield_once(()).await;
        c[1]
    }
    #[lh] pub async fn dead_before_await(x: u64) -> u64 {
        let scratch = vec![x; 16];
        let total: u64 = scratch.iter().sum();
        drop(scratch);
        leaf(total).await
    }
    #[lh] pub async fn string_work(name: String) -> usize {
        let greeting = format!("hello {name}");
        let n = leaf(greeting.len() as u64).await;
        greeting.len() + n as usize
    }
    #[lh] pub async fn with_vec(v: Vec<u64>) -> u64 {
        let mut out = 0;
        for x in v { out += leaf(x).await; }
        out
    }
    #[lh] pub async fn branches(flag: bool, x: u64) -> u64 {
        if flag { leaf(x).await * 2 } else { let y = x + 1; leaf(y).await + y }
    }
    #[lh] pub async fn matching(o: Option<u64>) -> u64 {
        match o { Some(v) => leaf(v).await, None => 0 }
    }
    #[lh] pub async fn early_return(v: Vec<u64>) -> Option<u64> {
        for x in v {
            if leaf(x).await > 10 { return Some(x); }
        }
        None
    }
    #[lh] pub async fn try_chain(a: Result<u64, String>) -> Result<u64, String> {
        let v = a?;
        let w = leaf(v).await;
        Ok(v + w)
    }
    #[lh] pub async fn borrow_arg(db: &Db, i: usize) -> u64 { db.get(i).await + db.get(i + 1).await }
    #[lh] pub async fn method_mut(db: &mut Db) -> u64 { db.bump(0).await + db.bump(1).await }
    #[lh] pub async fn while_loop(mut n: u64) -> u64 {
        let mut steps = 0;
        while leaf(n).await > 1 { n /= 2; steps += 1; }
        steps
    }
    #[lh] pub async fn tuple_state(a: u64, b: u32, c: u16) -> u64 {
        let x = leaf(a).await;
        let y = leaf(b as u64).await;
        x + y + c as u64
    }
    #[lh] pub async fn recursive(n: u64) -> u64 {
        if n < 2 { return leaf(n).await; }
        Box::pin(recursive(n - 1)).await + Box::pin(recursive(n - 2)).await
    }
    #[lh] pub async fn labeled(n: u64) -> u64 {
        let mut found = 0;
        'outer: for i in 0..n {
            for j in 0..n {
                if leaf(i * j).await > 6 { found = i * j; break 'outer; }
            }
        }
        found
    }
}

fn drive<F: Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = Context::from_waker(Waker::noop());
    loop {
        if let Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

fn sizes() {
    let db = native::Db {
        rows: vec![1, 2, 3],
    };
    let ldb = lowered::Db {
        rows: vec![1, 2, 3],
    };
    let mut db_mut = native::Db {
        rows: vec![1, 2, 3],
    };
    let mut ldb_mut = lowered::Db {
        rows: vec![1, 2, 3],
    };
    let rows: Vec<(&str, usize, usize)> = vec![
        (
            "no_await",
            size_of_val(&native::no_await(1)),
            size_of_val(&lowered::no_await(1)),
        ),
        (
            "leaf",
            size_of_val(&native::leaf(1)),
            size_of_val(&lowered::leaf(1)),
        ),
        (
            "one_await",
            size_of_val(&native::one_await(1)),
            size_of_val(&lowered::one_await(1)),
        ),
        (
            "two_awaits",
            size_of_val(&native::two_awaits(1, 2)),
            size_of_val(&lowered::two_awaits(1, 2)),
        ),
        (
            "hot_loop",
            size_of_val(&native::hot_loop(1)),
            size_of_val(&lowered::hot_loop(1)),
        ),
        (
            "nested1",
            size_of_val(&native::nested1(1)),
            size_of_val(&lowered::nested1(1)),
        ),
        (
            "nested3",
            size_of_val(&native::nested3(1)),
            size_of_val(&lowered::nested3(1)),
        ),
        (
            "nested_loop",
            size_of_val(&native::nested_loop(1)),
            size_of_val(&lowered::nested_loop(1)),
        ),
        (
            "1 KiB arg through 3 calls",
            size_of_val(&native::big_arg_a([0; 1024])),
            size_of_val(&lowered::big_arg_a([0; 1024])),
        ),
        (
            "1 KiB moved across 3 awaits",
            size_of_val(&native::big_moved_locals(1)),
            size_of_val(&lowered::big_moved_locals(1)),
        ),
        (
            "dead_before_await",
            size_of_val(&native::dead_before_await(1)),
            size_of_val(&lowered::dead_before_await(1)),
        ),
        (
            "string_work",
            size_of_val(&native::string_work(String::new())),
            size_of_val(&lowered::string_work(String::new())),
        ),
        (
            "with_vec",
            size_of_val(&native::with_vec(vec![])),
            size_of_val(&lowered::with_vec(vec![])),
        ),
        (
            "branches",
            size_of_val(&native::branches(true, 1)),
            size_of_val(&lowered::branches(true, 1)),
        ),
        (
            "matching",
            size_of_val(&native::matching(None)),
            size_of_val(&lowered::matching(None)),
        ),
        (
            "early_return",
            size_of_val(&native::early_return(vec![])),
            size_of_val(&lowered::early_return(vec![])),
        ),
        (
            "try_chain",
            size_of_val(&native::try_chain(Ok(1))),
            size_of_val(&lowered::try_chain(Ok(1))),
        ),
        (
            "borrow_arg",
            size_of_val(&native::borrow_arg(&db, 0)),
            size_of_val(&lowered::borrow_arg(&ldb, 0)),
        ),
        (
            "method_mut",
            size_of_val(&native::method_mut(&mut db_mut)),
            size_of_val(&lowered::method_mut(&mut ldb_mut)),
        ),
        (
            "Db::get (&self)",
            size_of_val(&db.get(0)),
            size_of_val(&ldb.get(0)),
        ),
        (
            "while_loop",
            size_of_val(&native::while_loop(8)),
            size_of_val(&lowered::while_loop(8)),
        ),
        (
            "tuple_state",
            size_of_val(&native::tuple_state(1, 2, 3)),
            size_of_val(&lowered::tuple_state(1, 2, 3)),
        ),
        (
            "labeled",
            size_of_val(&native::labeled(3)),
            size_of_val(&lowered::labeled(3)),
        ),
        (
            "recursive (Box::pin)",
            size_of_val(&native::recursive(5)),
            size_of_val(&lowered::recursive(5)),
        ),
    ];
    println!("size_of future (bytes)            native  lowered  lowered/native");
    let mut log_sum = 0.0;
    let mut larger = Vec::new();
    for (name, n, l) in &rows {
        let ratio = *l as f64 / *n as f64;
        log_sum += ratio.ln();
        if l > n {
            larger.push(*name);
        }
        println!("{name:<32} {n:>7} {l:>8} {ratio:>15.2}");
    }
    let geomean = (log_sum / rows.len() as f64).exp();
    println!(
        "{} functions; geometric mean lowered/native = {geomean:.2}",
        rows.len()
    );
    if larger.is_empty() {
        println!("no lowered future is larger than rustc's");
    } else {
        println!("larger than rustc's: {larger:?}");
    }
}

/// Samples taken of each lowering per measurement.
const SAMPLES: usize = 31;

/// Nanoseconds per await of one call of `run`.
fn ns_per_await(awaits_per_run: u64, run: &mut impl FnMut() -> u64) -> f64 {
    let start = Instant::now();
    black_box(run());
    start.elapsed().as_nanos() as f64 / awaits_per_run as f64
}

fn median(mut samples: Vec<f64>) -> f64 {
    samples.sort_by(|a, b| a.partial_cmp(b).unwrap());
    samples[samples.len() / 2]
}

/// Times `native` and `lowered` taking turns, one sample of each per round,
/// so that a burst of load on the shared machine hits both alike. Returns
/// the median ns per await of each and the median of the rounds' ratios.
fn paired_per_await(
    awaits_per_run: u64,
    mut native: impl FnMut() -> u64,
    mut lowered: impl FnMut() -> u64,
) -> (f64, f64, f64) {
    let (mut ns, mut ls, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..SAMPLES {
        let n = ns_per_await(awaits_per_run, &mut native);
        let l = ns_per_await(awaits_per_run, &mut lowered);
        ns.push(n);
        ls.push(l);
        ratios.push(l / n);
    }
    (median(ns), median(ls), median(ratios))
}

fn speed() {
    const N: u64 = 200_000;
    println!();
    println!(
        "time per await (median of {SAMPLES}, ns)  native  lowered  lowered/native (median of rounds)"
    );
    let (native, lowered, ratio) = paired_per_await(
        N,
        || drive(native::hot_loop(black_box(N))),
        || drive(lowered::hot_loop(black_box(N))),
    );
    println!(
        "{:<32} {native:>7.2} {lowered:>8.2} {ratio:>15.3}",
        "hot loop (yield once per await)"
    );
    const M: u64 = 50_000;
    // nested_loop: 4 awaits per iteration (3 nested calls and the leaf).
    let (native, lowered, ratio) = paired_per_await(
        M * 4,
        || drive(native::nested_loop(black_box(M))),
        || drive(lowered::nested_loop(black_box(M))),
    );
    println!(
        "{:<32} {native:>7.2} {lowered:>8.2} {ratio:>15.3}",
        "nested calls (depth 3)"
    );
    assert_eq!(
        drive(native::hot_loop(1000)),
        drive(lowered::hot_loop(1000))
    );
    assert_eq!(
        drive(native::nested_loop(100)),
        drive(lowered::nested_loop(100))
    );
}

fn main() {
    sizes();
    if std::env::args().any(|a| a == "--sizes-only") {
        return;
    }
    speed();
}
