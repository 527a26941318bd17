//! Locals dead at a suspension point and assigned again after it.
//!
//! Such a local is not stored; the resumed code declares it anew, without a
//! value. rustc types it from its first initializer, and a later assignment
//! coerces to that type (a deref, an unsizing, a narrower integer than the
//! default). Declared anew without a type, the local would take its type
//! from the assignment instead: E0308 where two assignments disagree, or an
//! `i32` where the first `let` gave a `u8`, which runs differently (no
//! overflow). The lowering carries the type from the `let`
//! (`type_carriers`). Stress round 19 for generators found it there (g19-1);
//! async functions had it too.
// A `&mut Box<Vec<_>>` assigned to a `&mut Vec<_>` is the coercion tested.
#![allow(clippy::box_collection)]

use super::harness::*;

differential! {
    /// The minimal shape: `&*b` is a `&u32`; `&b`, a `&Box<u32>`, is
    /// deref-coerced to it after the await.
    name: deref_coerced_after_await,
    items: {
        #[lh] pub async fn f(b: Box<u32>) -> u32 {
            let mut r = &*b;
            let x = pend(1, *r).await;
            r = &b;
            x + pend(1, *r).await
        }
    },
    run: f(Box::new(4)),
}

differential! {
    /// A linked-list cursor in a loop: dead at each await, reassigned from
    /// `next.as_ref()` (a `&Box<Node>`) or a sentinel (a `&Node`).
    name: cursor_reassigned_in_loop,
    items: {
        pub struct Node { pub v: u32, pub next: Option<Box<Node>> }
        pub static END: Node = Node { v: 0, next: None };
        pub fn list(vs: &[u32]) -> Box<Node> {
            let mut head: Option<Box<Node>> = None;
            for &v in vs.iter().rev() { head = Some(Box::new(Node { v, next: head })); }
            head.unwrap()
        }
        #[lh] pub async fn walk(l: Box<Node>, _d: D) -> u32 {
            let mut sum = 0;
            let mut cur = &*l;
            loop {
                let v = cur.v;
                let next = cur.next.as_ref();
                sum += pend(1, v).await;
                if v == 0 { break; }
                match next {
                    Some(n) => cur = n,
                    None => cur = &END,
                }
            }
            sum
        }
    },
    run: walk(list(&[1, 2, 3]), D::new("d")),
}

differential! {
    /// A `u8` local assigned again after the await overflows as a `u8`
    /// (panics in a debug build), not as an `i32`.
    name: narrow_integer_overflows_after_await,
    items: {
        #[lh] pub async fn f(k: u8, _d: D) -> u32 {
            let mut n = k;
            let x = pend(1, n).await;
            n = 240;
            n += k * 10;
            x as u32 + n as u32
        }
    },
    run: f(3, D::new("d")),
}

differential! {
    /// A method call on the reassigned integer needs its type then.
    name: narrow_integer_method_after_await,
    items: {
        #[lh] pub async fn f(k: u8) -> u32 {
            let mut n = k;
            let x = pend(1, n).await;
            n = 250;
            n = n.wrapping_add(10);
            x as u32 + n as u32
        }
    },
    run: f(3),
}

differential! {
    /// A boxed closure unsized by `as` at its `let`: two other closures
    /// assigned after awaits are unsized to the same `Box<dyn Fn>`.
    name: boxed_closure_unsized_after_await,
    items: {
        #[lh] pub async fn f(k: u32) -> u32 {
            let mut op = Box::new(|x: u32| x + 1) as Box<dyn Fn(u32) -> u32>;
            let mut acc = op(pend(1, k).await);
            op = Box::new(move |x| x * k);
            acc = op(acc);
            drop(op);
            let y = pend(2, acc).await;
            op = Box::new(|x| x - 1);
            op(y)
        }
    },
    run: f(5),
}

differential! {
    /// A `&mut` local reborrowed from a `&mut Vec` and reassigned from a
    /// `&mut Box<Vec>` (deref-mut coerced), pushing through both.
    name: mut_reference_deref_coerced_after_await,
    items: {
        #[lh] pub async fn f(mut a: Vec<u32>, mut b: Box<Vec<u32>>) -> (Vec<u32>, Vec<u32>) {
            let mut w = &mut a;
            w.push(pend(1, 1).await);
            w = &mut b;
            w.push(pend(1, 2).await);
            (a, *b)
        }
    },
    run: f(vec![0], Box::new(vec![9])),
}

differential! {
    /// A dropper moved out before the await and assigned again after it:
    /// the new value is dropped where rustc drops it, once, on every path
    /// and at every cancellation point.
    name: dropper_assigned_again_after_await,
    items: {
        #[lh] pub async fn f(flip: bool) -> usize {
            let mut d = D::new("first");
            let n = d.touch();
            drop(d);
            let k = pend(1, n).await;
            d = D::new("second");
            let m = pend(1, k + d.touch()).await;
            if flip {
                d = D::new("third");
            }
            m + pend(1, d.touch()).await
        }
    },
    run: async { (f(false).await, f(true).await) },
}

send_case! {
    /// An `Rc` dropped before the await and assigned again after it: the
    /// carrier is a local of the poll function, not stored, so the future
    /// is `Send` (rustc counts the dropped `Rc` and is not).
    name: rc_assigned_again_after_await_is_send,
    items: {
        use std::rc::Rc;
        #[lh] async fn f(k: u32) -> u32 {
            let mut rc = Rc::new(k);
            let n = *rc;
            drop(rc);
            let x = pend(1, n).await;
            rc = Rc::new(x + 1);
            *rc
        }
    },
    future: f(2),
    native_send: false,
    lowered_send: true,
}
