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

differential! {
    /// `let &(a, _) = &p;` copies `a` out of the tuple (a `&` pattern), so
    /// `a` is a value, not a reference: an awaitee that borrows it
    /// (`a.go()` with `go(&self)`) keeps it in place. Taken for a
    /// reference, as every `let` from `&..` once was, `a` was not kept and
    /// the awaitee's borrow outlived it (E0597).
    name: let_reference_pattern_copy_lent_to_awaitee,
    items: {
        #[derive(Clone, Copy)]
        pub struct P(pub u32);
        impl P {
            pub async fn go(&self) -> u32 { pend(1, self.0).await + 1 }
        }
        #[lh] pub async fn f(p: (P, u32), _d: D) -> u32 {
            let &(a, _) = &p;
            let x = a.go().await;
            x + a.0
        }
    },
    run: f((P(3), 4), D::new("d")),
}

differential! {
    /// The same copy made by a `match` arm's `&` pattern.
    name: match_reference_pattern_copy_lent_to_awaitee,
    items: {
        #[derive(Clone, Copy)]
        pub struct P(pub u32);
        impl P {
            pub async fn go(&self) -> u32 { pend(1, self.0).await + 1 }
        }
        #[lh] pub async fn f(p: (P, u32), _d: D) -> u32 {
            match &p {
                &(a, 4) => a.go().await,
                (b, _) => b.go().await + 10,
            }
        }
    },
    run: async { (f((P(3), 4), D::new("d")).await, f((P(5), 1), D::new("e")).await) },
}

differential! {
    /// Default binding modes: `let (a, _) = &p;` binds a reference, which
    /// an awaitee borrows through (it points into `p`, kept in place).
    name: let_default_binding_reference_lent_to_awaitee,
    items: {
        #[derive(Clone, Copy)]
        pub struct P(pub u32);
        impl P {
            pub async fn go(&self) -> u32 { pend(1, self.0).await + 1 }
        }
        #[lh] pub async fn f(p: (P, u32), _d: D) -> u32 {
            let (a, _) = &p;
            let x = a.go().await;
            x + a.0
        }
    },
    run: f((P(3), 4), D::new("d")),
}
