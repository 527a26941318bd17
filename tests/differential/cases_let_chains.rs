//! Let-chains (edition 2024) whose operands await after a `let`: `if let
//! Some(d) = a.await && let Ok(n) = b(&d).await && n > 0 { .. } else { .. }`
//! and the `while` form. Each part's bindings stay alive for the operands
//! after it and the body, and are dropped, the latest first, before the
//! `else` when a later part fails; the cases fail at each part, drop the
//! future at each suspension, and `break`/`continue` out of loops around the
//! chain.

use crate::harness::*;

differential! {
    /// A chain failing at each of its parts in turn; every part binds a `D`
    /// and the `else` awaits, so the drops before it are logged.
    name: let_chain_fails_at_each_part,
    items: {
        #[lh] async fn find(k: u32) -> Option<D> { pend(1, (k > 0).then(|| D::new("found"))).await }
        #[lh] async fn check(d: &D, k: u32) -> Result<D, String> {
            pend(1, ()).await;
            if k > 1 { Ok(D::new(d.0)) } else { Err(format!("short {}", d.0)) }
        }
        #[lh] async fn go(k: u32) -> String {
            let _g = D::new("g");
            if let Some(d) = find(k).await && let Ok(e) = check(&d, k).await && k > 2 && pend(1, k < 9).await {
                log("then");
                pend(1, ()).await;
                format!("ok {} {}", d.0, e.0)
            } else {
                log("else");
                pend(1, "miss".to_string()).await
            }
        }
    },
    run: async { (go(0).await, go(1).await, go(2).await, go(3).await, go(9).await) },
}

differential! {
    /// `else if` after a cut chain, and a chain in an `else if`, as the value
    /// of a `let`.
    name: let_chain_in_else_if_as_a_value,
    items: {
        #[lh] async fn go(a: Option<u32>, b: Option<u32>) -> u32 {
            let v = if let Some(x) = a && pend(1, x > 1).await {
                x
            } else if let Some(y) = b && let Some(z) = pend(1, y.checked_mul(3)).await && z < 100 {
                z
            } else {
                pend(1, 7).await
            };
            v + 1
        }
    },
    run: async { (go(Some(5), None).await, go(Some(1), Some(4)).await, go(None, Some(40)).await, go(None, None).await) },
}

differential! {
    /// `break` and `continue` (unlabeled and labeled) inside the body and
    /// the `else` of a cut chain in a loop: they leave the loop, not the
    /// chain.
    name: let_chain_break_and_continue_in_a_loop,
    items: {
        #[lh] async fn go(items: Vec<Option<D>>) -> Vec<&'static str> {
            let mut out = Vec::new();
            'outer: for round in 0..2 {
                for item in items.iter() {
                    if let Some(d) = item && let n = pend(1, d.touch()).await && n > 0 {
                        if d.0 == "skip" { continue; }
                        if d.0 == "stop" { break; }
                        if d.0 == "end" && round == 1 { break 'outer; }
                        out.push(d.0);
                    } else {
                        if round == 0 { continue; }
                        out.push("none");
                    }
                }
                out.push("round");
            }
            out
        }
    },
    run: go(vec![Some(D::new("a")), None, Some(D::new("skip")), Some(D::new("end")), Some(D::new("stop")), Some(D::new("z"))]),
}

differential! {
    /// A labeled `while` let-chain whose second operand awaits, with `break`
    /// and labeled `continue` in its body; the item that fails the awaited
    /// test ends the loop, dropped before what follows.
    name: labeled_while_let_chain_awaited_test,
    items: {
        #[lh] async fn ok(d: &D) -> bool { pend(1, d.0 != "bad").await }
        #[lh] async fn go(mut stack: Vec<D>) -> (Vec<&'static str>, usize) {
            let mut out = Vec::new();
            'drain: while let Some(top) = stack.pop() && ok(&top).await {
                if top.0 == "skip" { continue 'drain; }
                if top.0 == "halt" { break; }
                pend(1, ()).await;
                out.push(top.0);
            }
            log("after");
            (out, stack.len())
        }
    },
    run: async {
        let a = go(vec![D::new("z"), D::new("bad"), D::new("y"), D::new("skip"), D::new("x")]).await;
        let b = go(vec![D::new("z"), D::new("halt"), D::new("y")]).await;
        (a, b)
    },
}

differential! {
    /// A `ref` binding into a scrutinee temporary, used by the awaited
    /// operand after it: the temporary lives across the await.
    name: let_chain_ref_into_a_temporary_across_the_await,
    items: {
        fn pair(n: u32) -> (D, u32) { (D::new("pair"), n) }
        #[lh] async fn go(n: u32) -> usize {
            if let (ref d, k @ 1..) = pair(n) && let Some(m) = pend(1, d.touch().checked_sub(k as usize)).await {
                pend(1, ()).await;
                m
            } else {
                0
            }
        }
    },
    run: async { (go(1).await, go(0).await, go(9).await) },
}

differential! {
    /// An unlabeled `break` with a value from the crate root
    /// (`break ::core::primitive::u32::MAX`) inside a let chain that awaits,
    /// in a `loop`: longhand labels the `break`, and the value stays one
    /// path, not a labeled expression.
    name: let_chain_break_with_a_root_path_value,
    items: {
        #[lh] async fn f(items: Vec<Option<u32>>) -> u32 {
            let mut it = items.into_iter();
            loop {
                let Some(item) = it.next() else { break 0 };
                if let Some(n) = item
                    && pend(1, n).await > 2
                {
                    break ::core::primitive::u32::MAX;
                }
            }
        }
    },
    run: async { (f(vec![Some(1), None, Some(5)]).await, f(vec![Some(1)]).await) },
}
