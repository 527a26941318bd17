//! Calling a local: a closure written in the body, a parameter typed `impl
//! Fn`, `Box<dyn FnOnce>` or a generic bounded by `FnOnce`/`AsyncFn`, a
//! callback taken out of an `Option` or a loop's item. A call borrows an
//! `Fn` (which then drops at the end of its scope, after later awaits) and
//! consumes an `FnOnce` (which is gone, and must not be kept); the callees
//! here capture values that log their drop, so the two are told apart.

use crate::harness::*;

differential! {
    /// An `impl Fn` parameter capturing a `D`, called once before an await:
    /// the call borrows it, so it drops at the end, after the await.
    name: impl_fn_param_called_once_drops_at_end,
    items: {
        #[lh] async fn f(g: impl Fn() -> usize) -> usize {
            let n = g();
            pend(1, ()).await;
            log("after");
            n
        }
    },
    run: {
        let d = D::new("captured");
        f(move || d.touch())
    },
}

differential! {
    /// A generic `F: FnOnce` (bound in a where-clause) called after an
    /// await, its result kept across the next one.
    name: generic_fnonce_param_consumed,
    items: {
        #[lh] async fn f<F>(make: F, k: usize) -> usize
        where
            F: Send + FnOnce(usize) -> D,
        {
            pend(1, ()).await;
            let d = make(k);
            pend(1, ()).await;
            log("after");
            d.touch() + k
        }
    },
    run: {
        let tag = D::new("captured");
        f(move |k| { let _t = tag; D::new(if k > 1 { "big" } else { "small" }) }, 2)
    },
}

differential! {
    /// `Box<dyn FnOnce>` and `Box<dyn Fn>` parameters: the first is consumed
    /// by its call, the second borrowed (and dropped at the end).
    name: boxed_fn_and_fnonce_params,
    items: {
        #[lh] async fn f(once: Box<dyn FnOnce() -> D>, many: Box<dyn Fn(usize) -> usize>) -> usize {
            let d = once();
            let a = many(1);
            pend(1, ()).await;
            let b = many(d.touch());
            pend(1, ()).await;
            log("after");
            a + b
        }
    },
    run: {
        let t1 = D::new("once-captured");
        let t2 = D::new("many-captured");
        f(
            Box::new(move || { let _t = t1; D::new("made") }),
            Box::new(move |n| n + t2.touch()),
        )
    },
}

differential! {
    /// A local typed `Box<dyn Fn>` called once, then awaits: borrowed, it
    /// lives to the end of the block.
    name: typed_boxed_fn_local_lives_to_scope_end,
    items: {
        #[lh] async fn f() -> usize {
            let t = D::new("captured");
            let show: Box<dyn Fn() -> usize> = Box::new(move || t.touch());
            let n = show();
            pend(1, ()).await;
            log("after");
            n
        }
    },
    run: f(),
}

differential! {
    /// A `move` closure written in the body, called once: a call borrows it.
    name: move_closure_literal_called_once,
    items: {
        #[lh] async fn f() -> usize {
            let t = D::new("captured");
            let show = move || t.touch();
            let n = show();
            pend(1, ()).await;
            log("after");
            n
        }
    },
    run: f(),
}

differential! {
    /// Callbacks taken out of an `Option` field and out of a `Vec` by `pop`,
    /// called (consumed) between awaits, results kept across them.
    name: callbacks_taken_and_popped,
    items: {
        struct Hooks { first: Option<Box<dyn FnOnce(u32) -> D>>, rest: Vec<Box<dyn FnOnce(u32) -> D>> }
        #[lh] async fn f(mut h: Hooks) -> u32 {
            let mut total = 0;
            if let Some(cb) = h.first.take() {
                let d = cb(1);
                pend(1, ()).await;
                total += d.touch() as u32;
            }
            while let Some(cb) = h.rest.pop() {
                let d = cb(total);
                pend(1, ()).await;
                total += d.touch() as u32;
            }
            total
        }
    },
    run: {
        let tag = D::new("captured");
        f(Hooks {
            first: Some(Box::new(move |_| { let _t = tag; D::new("first") })),
            rest: vec![Box::new(|_| D::new("r1")), Box::new(|n| D::new(if n > 5 { "r2-big" } else { "r2" }))],
        })
    },
}

differential! {
    /// A generic `AsyncFn` parameter called once and awaited: its future
    /// borrows it, and it drops at the end.
    name: async_fn_param_called_once,
    items: {
        #[lh] async fn f<F: AsyncFn(u32) -> u32>(g: F) -> u32 {
            let a = g(1).await;
            log("after");
            a
        }
    },
    run: {
        let tag = D::new("captured");
        f(async move |x: u32| { pend(1, ()).await; x + tag.touch() as u32 })
    },
}
