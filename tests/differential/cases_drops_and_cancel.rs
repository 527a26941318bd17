//! Drop order of parameters, locals and temporaries, on completion and on
//! cancellation at every suspension point (the harness drops the future after
//! every possible number of polls, including zero).

use crate::harness::*;

differential! {
    /// Parameters `a: D, b: D` dropped in native order (completion and cancel,
    /// including cancellation before the first poll).
    name: params_drop_order,
    items: {
        #[lh] async fn f(a: D, b: D) -> usize {
            let c = D::new("c");
            pend(1, ()).await;
            log("body");
            let n = a.touch() + c.touch();
            pend(1, ()).await;
            n + b.touch()
        }
    },
    run: f(D::new("a"), D::new("b")),
}

differential! {
    /// Parameters that are never used in the body.
    name: params_unused,
    items: {
        #[lh] async fn f(_a: D, _b: D) -> u32 {
            pend(2, 1).await
        }
    },
    run: f(D::new("a"), D::new("b")),
}

differential! {
    /// A parameter moved away in the body is not dropped again at the end.
    name: param_moved_in_body,
    items: {
        fn consume(d: D) {
            log(format!("consume {}", d.0));
        }
        #[lh] async fn f(a: D, b: D, c: D) -> u32 {
            pend(1, ()).await;
            consume(b);
            pend(1, ()).await;
            drop(a);
            log("dropped a");
            pend(1, ()).await;
            c.touch() as u32
        }
    },
    run: f(D::new("a"), D::new("b"), D::new("c")),
}

differential! {
    /// Parameter patterns `(x, _): (D, D)`, `_: D` and `(a, b)`: named
    /// bindings before the unnamed rest.
    name: param_patterns_drop,
    items: {
        #[lh] async fn f((x, _): (D, D), _: D, (a, b): (D, D)) -> usize {
            pend(1, ()).await;
            b.touch() + x.touch() + pend(1, a).await.touch()
        }
    },
    run: f((D::new("x"), D::new("x rest")), D::new("wild"), (D::new("a"), D::new("b"))),
}

differential! {
    /// Locals dropped in reverse declaration order, with a local declared
    /// between each await (so every suspension point has a different set).
    name: locals_reverse_order,
    items: {
        #[lh] async fn f(p: D) -> u32 {
            let a = D::new("a");
            pend(1, ()).await;
            let b = D::new("b");
            pend(1, ()).await;
            let _unused = D::new("unused");
            let c = D::new("c");
            pend(2, ()).await;
            (a.touch() + b.touch() + c.touch() + p.touch()) as u32
        }
    },
    run: f(D::new("p")),
}

differential! {
    /// A temporary `D` lives to the end of its statement, across the await in
    /// that statement.
    name: temporary_across_await,
    items: {
        fn log_len(n: &usize, v: u32) -> usize {
            log(format!("log_len {n} {v}"));
            *n + v as usize
        }
        #[lh] async fn f() -> usize {
            let a = log_len(&D::new("tmp").touch(), pend(1, 0).await);
            log("next statement");
            let b = log_len(&D::new("tmp2").touch(), pend(1, pend(1, 5).await).await);
            a + b
        }
    },
    run: f(),
}

differential! {
    /// The scrutinee temporary of a `match` lives across the awaits in the arms.
    name: match_scrutinee_temporary,
    items: {
        // A single-binding `match` on purpose: its scrutinee temporary is the point.
        #[allow(clippy::match_single_binding)]
        #[lh] async fn f() -> usize {
            let r = match D::new("scrut").touch() {
                5 => {
                    log("arm 5");
                    pend(1, 50).await
                }
                n => pend(2, n).await,
            };
            log("after match");
            let s = match &D::new("borrowed") {
                d => {
                    pend(1, ()).await;
                    d.touch()
                }
            };
            r + s
        }
    },
    run: f(),
}

differential! {
    /// Reassigning a stored `D` drops the old value at the assignment.
    name: reassign_drops_old,
    items: {
        #[lh] async fn f() -> usize {
            let mut d = D::new("old");
            pend(1, ()).await;
            d.touch();
            d = D::new("new");
            log("assigned");
            pend(1, ()).await;
            d.touch()
        }
    },
    run: f(),
}

differential! {
    /// A `D` owned by the awaited future itself (`pend(n, D)`): cancelling
    /// drops the awaitee and with it the payload.
    name: awaitee_owns_d,
    items: {
        #[lh] async fn f() -> usize {
            let _l = D::new("local");
            let d = pend(2, D::new("in flight")).await;
            let e = pend(1, D::new("second")).await;
            d.touch() + e.touch()
        }
    },
    run: f(),
}

differential! {
    /// An awaited `#[lh]` callee with its own live values: cancelling the
    /// caller cancels the callee in the middle.
    name: cancel_nested_callee,
    items: {
        #[lh] async fn inner(tag: D) -> usize {
            let _x = D::new("inner local");
            pend(1, ()).await;
            pend(1, tag.touch()).await
        }
        #[lh] async fn f(p: D) -> usize {
            let _o = D::new("outer local");
            let a = inner(D::new("first")).await;
            let b = inner(D::new("second")).await;
            a + b + p.touch()
        }
    },
    run: f(D::new("p")),
}

differential! {
    /// An output that contains `D` values: dropped by the caller, after the
    /// body's locals.
    name: output_contains_d,
    items: {
        #[lh] async fn f(a: D) -> (D, D) {
            let b = D::new("b");
            let _c = D::new("c");
            pend(1, ()).await;
            (b, a)
        }
    },
    run: f(D::new("a")),
}

differential! {
    /// A value conditionally moved in one branch (drop flags across awaits).
    name: conditional_move_drop_flag,
    items: {
        fn consume(d: D) {
            log(format!("consume {}", d.0));
        }
        #[lh] async fn f(flag: bool) -> u32 {
            let d = D::new("maybe moved");
            let _e = D::new("e");
            if pend(1, flag).await {
                consume(d);
            }
            pend(1, 1).await
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A local moved in every arm of a `match` (by a call, `drop`, a `let`)
    /// before an await: moved on every path, so nothing is kept or flagged.
    name: moved_in_every_arm_of_a_match_then_await,
    items: {
        fn eat(d: D) -> usize { d.touch() }
        #[lh] async fn f(k: u32) -> usize {
            let d = D::new("d");
            let e = D::new("e");
            let n = match k { 0 => eat(d), 1 => { log("one"); drop(d); 1 } _ => { let x = d; x.touch() } };
            pend(1, ()).await;
            n + e.touch()
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}

differential! {
    /// Moved in every arm of nested `if`s and an `else if` chain, in every
    /// arm but one that returns, around awaits inside the arms, per loop
    /// iteration, and in a guarded `match`.
    name: moved_in_every_arm_nested_returning_and_looping,
    items: {
        fn eat(d: D) -> usize { d.touch() }
        #[lh] async fn nested(k: u32, j: bool) -> usize {
            let d = D::new("d");
            let e = D::new("e");
            if k == 0 { if j { drop(d) } else { eat(d); } } else if k == 1 { eat(d); } else { drop(d); }
            pend(1, ()).await;
            e.touch()
        }
        #[lh] async fn returning(k: u32) -> usize {
            let d = D::new("d");
            let e = D::new("e");
            match k { 0 => { drop(d); } 1 => return 9, _ => { eat(d); } }
            pend(1, ()).await;
            e.touch()
        }
        #[lh] async fn awaiting(k: u32) -> usize {
            let d = D::new("d");
            let e = D::new("e");
            if k == 0 { pend(1, ()).await; drop(d); } else { drop(d); pend(1, ()).await; }
            pend(1, ()).await;
            e.touch()
        }
        #[lh] async fn looping(k: u32) -> usize {
            let mut t = 0;
            for i in 0..3 {
                let d = D::new("d");
                if i == k { drop(d); } else { t += eat(d); }
                pend(1, ()).await;
            }
            t
        }
        #[lh] async fn guarded(k: u32) -> usize {
            let d = D::new("d");
            let e = D::new("e");
            match k { x if x > 5 => drop(d), _ => { eat(d); } }
            pend(1, ()).await;
            e.touch()
        }
    },
    run: async {
        (
            (nested(0, true).await, nested(0, false).await, nested(1, true).await, nested(2, true).await),
            (returning(0).await, returning(1).await, returning(2).await),
            (awaiting(0).await, awaiting(1).await, looping(1).await, guarded(0).await, guarded(7).await),
        )
    },
}
