//! Locals moved into an operand temporary before a later `.await` of the
//! same expression.
//!
//! rustc evaluates each by-value operand into a temporary of the
//! statement, a plain local too: in `take2(d, fetch(1).await)`, `d` is in a
//! temporary when the function suspends, and a future dropped there drops
//! it with the statement's temporaries, before the locals declared after
//! `d`. longhand moves such a local into a temporary too, unless code
//! after it names it: a `&mut` reference passed to a `&mut` parameter is
//! reborrowed and stays usable (in the rest of the block, on the loop's
//! next iteration, later in the same statement), which a temporary would
//! break. These cases pin both sides.
#![allow(dead_code, unused_variables, unused_mut, unused_assignments)]
// The awaiting expression is a statement of its own on purpose.
#![allow(clippy::let_and_return)]

use crate::harness::*;

fn take2(d: D, n: u32) -> usize {
    d.touch() + n as usize
}

fn bump(v: &mut Vec<u32>, n: u32) -> usize {
    v.push(n);
    v.len()
}

differential! {
    /// The minimal shape: `d` moves into the call's temporary before the
    /// await; cancelled there, it drops before `e`.
    name: local_moved_into_call_before_await,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let e = D::new("e");
            let n = take2(d, pend(1, 1).await);
            e.touch() + n
        }
    },
    run: f(),
}

differential! {
    /// A parameter moved into a tuple, and a local into `vec!`, each before
    /// an await, with later values alive.
    name: parameter_into_tuple_and_local_into_vec,
    items: {
        #[lh] async fn f(p: D, q: D) -> usize {
            let a = D::new("a");
            let z = D::new("z");
            let pair = (p, pend(1, 3).await);
            let v = vec![a, pend(1, D::new("b")).await];
            pair.0.touch() + v.len() + q.touch() + z.touch()
        }
    },
    run: f(D::new("p"), D::new("q")),
}

differential! {
    /// A `&mut` parameter passed to a `&mut` parameter in a loop: reborrowed,
    /// it is used again on the next iteration and after the loop, so it
    /// stays where it is.
    name: mut_reference_reborrowed_in_a_loop,
    items: {
        #[lh] async fn f(log: &mut Vec<u32>) -> usize {
            let guard = D::new("guard");
            for i in 0..3 {
                bump(log, pend(1, i).await);
            }
            log.len() + guard.touch()
        }
    },
    run: async { let mut v = Vec::new(); let n = f(&mut v).await; n + v.len() },
}

differential! {
    /// A `&mut` local reborrowed by a call and used again later in the
    /// same statement.
    name: mut_reference_reborrowed_then_used_in_the_statement,
    items: {
        #[lh] async fn f() -> usize {
            let mut store = vec![1u32];
            let r = &mut store;
            let t = (bump(r, pend(1, 2).await), r.len());
            t.0 + t.1
        }
    },
    run: f(),
}

differential! {
    /// A `&mut` local reborrowed before an await and used in the next
    /// statement, inside a branch.
    name: mut_reference_reborrowed_then_used_after,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let mut store = Vec::new();
            let r = &mut store;
            if c {
                bump(r, pend(1, 5).await);
                r.push(6);
            }
            store.len()
        }
    },
    run: f(true),
}

differential! {
    /// A `Copy` local passed by value, then changed by a later operand
    /// before the await: the call gets the value from before the change.
    name: copy_local_changed_by_a_later_operand,
    items: {
        fn add(a: u32, b: u32) -> u32 { a * 100 + b }
        #[lh] async fn f() -> u32 {
            let mut n = 1;
            let s = add(n, { n += 10; pend(1, n) }.await);
            s
        }
    },
    run: f(),
}

differential! {
    /// A local moved into the operand temporary in an `if` branch, with a
    /// value declared after it alive: dropped at the await, the moved one
    /// goes first.
    name: local_moved_into_call_in_a_branch,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let d = D::new("d");
            let later = D::new("later");
            let n = if c { take2(d, pend(2, 4).await) } else { 0 };
            n + later.touch()
        }
    },
    run: f(true),
}
