//! `async { .. }.await`: a native `async` block awaited where it is written,
//! which longhand lowers as part of the function (its awaits become the
//! function's suspension points, its `return` and `?` end the block). Also
//! where code is reached by several paths: after an `if` that awaits on one
//! branch, at the top of a loop that awaits (see `cases_join_points.rs` for
//! `async move` blocks and closures there).

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

differential! {
    /// A non-`move` `async` block awaiting futures held in locals of the
    /// body: `.await` takes them by value, so rustc captures them by value
    /// (the block owns and drops them), and borrows the rest (`d`).
    name: async_block_awaits_captured_futures,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let a = pend(1, 2u32);
            let c = pend(2, 3u32);
            let b = async { let x = a.await; d.touch(); x + c.await };
            pend(1, ()).await;
            b.await
        }
    },
    run: f(),
}
