//! Panics in the body, resumption after completion and after a panic, and
//! drop order during unwinding.

use crate::harness::*;

differential! {
    /// A body that panics after one await; the next poll must panic with
    /// "`async fn` resumed after panicking".
    name: panic_after_await,
    items: {
        #[lh] async fn f() -> u32 {
            pend(1, ()).await;
            log("about to panic");
            panic!("boom");
        }
    },
    run: f(),
}

differential! {
    /// A completed future polled again: "`async fn` resumed after completion"
    /// (a body without awaits, finished on the first poll).
    name: resumed_after_completion,
    items: {
        #[lh] async fn f(d: D) -> usize {
            d.touch()
        }
    },
    run: f(D::new("only")),
}

differential! {
    /// A panic with live `D` values (locals, parameters, a temporary):
    /// drop order during unwinding.
    name: panic_with_live_values,
    items: {
        fn check(n: usize, limit: usize) -> usize {
            if n > limit { panic!("too big: {n}"); }
            n
        }
        #[lh] async fn f(p: D, q: D) -> usize {
            let a = D::new("a");
            pend(1, ()).await;
            let _b = D::new("b");
            let n = a.touch() + p.touch();
            pend(1, ()).await;
            check(D::new("tmp").touch() + n, 3) + q.touch()
        }
    },
    run: f(D::new("p"), D::new("q")),
}

differential! {
    /// A panic on the very first poll, before any await.
    name: panic_on_first_poll,
    items: {
        #[lh] async fn f(flag: bool, _d: D) -> u32 {
            let _l = D::new("local");
            if flag {
                panic!("first poll");
            }
            pend(1, 1).await
        }
    },
    run: f(true, D::new("param")),
}

differential! {
    /// A panic inside an awaited `#[lh]` callee unwinds through the caller,
    /// which must also refuse to resume.
    name: panic_in_awaited_callee,
    items: {
        #[lh] async fn inner(n: u32) -> u32 {
            let _i = D::new("inner");
            pend(1, ()).await;
            if n == 2 { panic!("inner failed at {n}"); }
            n
        }
        #[lh] async fn f() -> u32 {
            let _o = D::new("outer");
            let mut t = 0;
            for n in 0..4 {
                let _it = D::new("iter");
                t += inner(n).await;
            }
            t
        }
    },
    run: f(),
}

differential! {
    /// A panic while a temporary of the current statement is alive across an
    /// await in the same statement.
    name: panic_with_statement_temporary,
    items: {
        fn both(a: usize, b: usize) -> usize { a + b }
        #[lh] async fn boom() -> usize {
            pend(1, ()).await;
            panic!("in the middle of a statement")
        }
        #[lh] async fn f() -> usize {
            let _l = D::new("local");
            both(D::new("tmp").touch(), boom().await)
        }
    },
    run: f(),
}

differential! {
    /// A panic in a `match` arm after awaits, with the scrutinee borrowed.
    name: panic_in_match_arm,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            match v.as_slice() {
                [first, rest @ ..] => {
                    pend(1, ()).await;
                    let n = first.touch();
                    if rest.len() > 1 { panic!("{} left", rest.len()); }
                    n
                }
                [] => 0,
            }
        }
    },
    run: f(vec![D::new("x"), D::new("y"), D::new("z")]),
}
