//! `async { .. }.await`: a native `async` block awaited where it is written,
//! which longhand lowers as part of the function (its awaits become the
//! function's suspension points, its `return` and `?` end the block). Also
//! where code is written out once per path that reaches it: after an `if`
//! that awaits on one branch, at the top of a loop that awaits.

use crate::harness::*;

differential! {
    /// `return` and `?` inside the block end the block with that value, not
    /// the function; its locals are dropped when it ends, and on
    /// cancellation inside it, before the function's.
    name: block_exits_and_drops,
    items: {
        fn check(n: u32) -> Result<u32, String> {
            if n > 2 { Err(format!("{n} too big")) } else { Ok(n) }
        }
        #[lh] async fn f(n: u32) -> (Result<u32, String>, Option<u32>, u32) {
            let _outer = D::new("outer");
            let r = async {
                let _inner = D::new("inner");
                let k = check(pend(1, n).await)?;
                if k == 0 {
                    return Ok(100);
                }
                Ok::<u32, String>(k + pend(1, 1).await)
            }
            .await;
            log(format!("r = {r:?}"));
            let o = async {
                let v = Some(n).filter(|v| *v > 1)?;
                Some(v + pend(1, 10).await)
            }
            .await;
            let nested = async { async { pend(1, n).await + 1 }.await * 2 }.await;
            (r, o, nested)
        }
    },
    run: async { (f(0).await, f(2).await, f(3).await) },
}

differential! {
    /// Blocks reached by two paths: after an `if` that awaits on one branch,
    /// and at the top of a loop whose iterations await, each borrowing the
    /// function's locals.
    name: blocks_reached_by_two_paths,
    items: {
        #[lh] async fn f(flags: Vec<bool>) -> Vec<u32> {
            let mut out = Vec::new();
            let base = D::new("base");
            for (i, flag) in flags.iter().enumerate() {
                let v = async {
                    let _t = D::new("in block");
                    pend(1, i as u32).await + base.touch() as u32
                }
                .await;
                if *flag {
                    out.push(pend(1, v).await);
                }
                out.push(async { pend(1, out.len() as u32).await }.await);
            }
            out
        }
    },
    run: f(vec![true, false, true]),
}

known_gap! {
    reason: "a closure or an `async move` block whose type reaches a state variant (inside an awaited future, `timeout(d, async move { .. }).await`, or a closure kept across an await) in code that is written out once per path reaching it (after an `if` that awaits on one branch, the top of a loop whose iterations await): each copy is its own type, and one variant holds one. Workarounds: declare the closure before the loop, move the block into a helper `async fn`",
    differential! {
        /// A block awaited inside another future, and a closure kept across
        /// an await, both at the top of a loop whose iterations await.
        name: closure_types_in_code_reached_twice,
        items: {
            async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
                f.await
            }
            #[lh] async fn f(items: Vec<u32>) -> u32 {
                let mut total = 0;
                for n in items {
                    total += wrap(async move { pend(1, n).await }).await;
                    let double = |x: u32| x * 2;
                    total += double(pend(1, n).await);
                }
                total
            }
        },
        run: f(vec![1, 2]),
    }
}
