//! Patterns matched against a reference written as one (`if let Err(e) =
//! &res`, `match &mut slot { Some(v) => .. }`).
//!
//! Default binding modes make such a pattern's bindings references, which
//! have no destructor: one that is dead at a suspension point is not kept,
//! as rustc keeps nothing for it. Kept "for a destructor its type might
//! have" (what longhand must do for a value of unwritten type), a dead
//! `&S::Error` in an impl generic over a trait's parameter needed
//! `S::Error` to outlive the borrow, which rustc could not prove (E0311,
//! stress round 19's s19-4), and a dead `&Cell` made the future `!Send`.
//! A `&` pattern or a `mut` binding copies out instead, and is left to the
//! general rule.
#![allow(clippy::single_match, clippy::match_single_binding)]

use super::harness::*;
use std::fmt::Debug;

differential! {
    /// The s19-4 shape, minimal: a layer generic over a trait's parameter
    /// logs its inner service's error through `&res` and then awaits.
    name: dead_reference_binding_in_generic_impl,
    items: {
        pub trait Call<Req> {
            type Error;
            fn call(&self, req: Req) -> impl std::future::Future<Output = Result<usize, Self::Error>>;
        }
        pub struct Leaf(pub D);
        impl Call<&'static str> for Leaf {
            type Error = String;
            #[lh] async fn call(&self, req: &'static str) -> Result<usize, String> {
                pend(1, ()).await;
                if req.is_empty() { Err(format!("empty for {}", self.0.touch())) } else { Ok(req.len()) }
            }
        }
        pub struct Logged<S>(pub S);
        impl<S: Call<Req>, Req> Call<Req> for Logged<S>
        where
            S::Error: Debug,
        {
            type Error = S::Error;
            #[lh] async fn call(&self, req: Req) -> Result<usize, S::Error> {
                let _span = D::new("span");
                let res = self.0.call(req).await;
                if let Err(e) = &res {
                    log(format!("failed: {e:?}"));
                    pend(2, ()).await;
                }
                res
            }
        }
    },
    run: async {
        let s = Logged(Logged(Leaf(D::new("leaf"))));
        (s.call("ab").await, s.call("").await)
    },
}

differential! {
    /// References bound from `&` and `&mut` scrutinees and used after the
    /// await are kept as before; the droppers they point into are dropped
    /// where rustc drops them, at every cancellation point.
    name: live_reference_bindings_across_awaits,
    items: {
        #[lh] async fn f(pair: (D, Option<D>), mut slot: Option<Vec<u32>>) -> usize {
            let mut n = 0;
            if let (d, Some(e)) = &pair {
                n += pend(1, d.touch()).await;
                n += e.touch();
            }
            match &mut slot {
                Some(v) => {
                    v.push(pend(1, 7).await);
                    n += v.len();
                }
                None => n += pend(1, 100).await,
            }
            while let Some(v) = &mut slot {
                if v.is_empty() { break; }
                n += v.pop().unwrap() as usize;
                pend(1, ()).await;
            }
            n + pair.0.touch()
        }
    },
    run: async {
        (f((D::new("a"), Some(D::new("b"))), Some(vec![1, 2])).await, f((D::new("c"), None), None).await)
    },
}

differential! {
    /// A dead reference binding beside a value with a destructor bound by
    /// another arm: the `&` arm keeps nothing, the by-value arm's value
    /// drops at the end of its arm, across the awaits of both.
    name: dead_reference_binding_beside_moving_arm,
    items: {
        #[lh] async fn f(o: Option<D>, flip: bool) -> usize {
            let n = if flip {
                match &o {
                    Some(d) => { log(format!("saw {}", d.0)); pend(1, 1).await }
                    None => pend(1, 2).await,
                }
            } else {
                match o {
                    Some(d) => { let k = d.touch(); pend(1, k).await }
                    None => 0,
                }
            };
            pend(1, ()).await;
            n
        }
    },
    run: async { (f(Some(D::new("x")), true).await, f(Some(D::new("y")), false).await, f(None, true).await) },
}

differential! {
    /// Neighbours left to the general rule: a `&` pattern that copies out
    /// (`&(n, ref d)`) and a `let` of a tuple pattern through a reference.
    name: reference_pattern_copies_out,
    items: {
        #[lh] async fn f(pair: (u32, D)) -> usize {
            let mut n = 0;
            if let &(k @ 1..=9, ref d) = &pair {
                n += pend(1, k as usize).await;
                n += d.touch();
            }
            let (k, d) = &pair;
            n += pend(1, *k as usize).await + d.touch();
            n
        }
    },
    run: f((3, D::new("p"))),
}

send_case! {
    /// A `&Cell` bound from `&slot` and dead at the await: rustc keeps
    /// nothing for it, so both futures are `Send` (longhand kept it, and
    /// was `!Send`, before a binding from a reference counted as one).
    name: dead_reference_to_cell_is_not_kept,
    items: {
        use std::cell::Cell;
        #[lh] async fn f(slot: Option<Cell<u32>>) -> u32 {
            let mut n = 0;
            if let Some(c) = &slot {
                c.set(c.get() + 1);
                n = c.get();
                pend(1, ()).await;
            }
            n
        }
    },
    future: f(Some(std::cell::Cell::new(1))),
    native_send: true,
}
