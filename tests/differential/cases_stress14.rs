//! Stress round 14: async closures (`async ||`, `async move |x|`, stored
//! across awaits, `AsyncFn`/`AsyncFnMut`/`AsyncFnOnce` bounds), let chains
//! and `while let` chains with awaits in their conditions, `let .. else`
//! whose `else` awaits, awaits as operands of ranges, casts, unary
//! operators, `?` chains, closure calls, constructors, `return` and
//! `break` values, array repeats and nested blocks, `@`, `ref mut`,
//! or-pattern and slice-pattern bindings across awaits, trait methods
//! returning `impl Future`, `&mut self` methods awaiting one another,
//! recursion through `Box::pin`, and drop order of many values in nested
//! scopes cancelled at every suspension point.
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_labels,
    unreachable_code,
    unused_parens,
    unused_braces,
    non_local_definitions
)]
// Shapes written on purpose, as real async crates write them.
#![allow(
    clippy::let_and_return,
    clippy::await_holding_refcell_ref,
    clippy::never_loop,
    clippy::needless_return,
    clippy::new_without_default,
    clippy::match_single_binding,
    clippy::single_match,
    clippy::needless_range_loop,
    clippy::redundant_closure_call,
    clippy::useless_vec,
    clippy::type_complexity,
    clippy::while_let_loop,
    clippy::while_let_on_iterator,
    clippy::collapsible_else_if,
    clippy::collapsible_if,
    clippy::question_mark,
    clippy::needless_borrow,
    clippy::len_zero,
    clippy::unit_arg,
    clippy::redundant_pattern_matching,
    clippy::needless_late_init,
    clippy::clone_on_copy,
    clippy::explicit_counter_loop,
    clippy::manual_is_multiple_of,
    clippy::mem_replace_with_default,
    clippy::manual_async_fn,
    clippy::diverging_sub_expression,
    clippy::identity_op,
    clippy::needless_lifetimes,
    clippy::bool_comparison,
    clippy::nonminimal_bool,
    clippy::manual_range_contains,
    clippy::comparison_chain,
    clippy::unnecessary_cast,
    clippy::neg_multiply,
    clippy::redundant_locals,
    clippy::blocks_in_conditions,
    clippy::large_enum_variant,
    clippy::unused_unit,
    clippy::redundant_closure,
    clippy::precedence,
    clippy::op_ref,
    clippy::redundant_async_block,
    clippy::match_like_matches_macro,
    clippy::manual_map,
    clippy::almost_swapped,
    clippy::no_effect,
    clippy::short_circuit_statement,
    clippy::iter_cloned_collect
)]

use crate::harness::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A downstream call: suspends once, logs, returns twice its argument.
async fn fetch(x: u32) -> u32 {
    log(format!("fetch {x}"));
    pend(1, x * 2).await
}

/// A fallible call: suspends once, fails on odd input.
async fn check(x: u32) -> Result<u32, String> {
    log(format!("check {x}"));
    pend(1, ()).await;
    if x % 2 == 1 {
        Err(format!("odd {x}"))
    } else {
        Ok(x / 2)
    }
}

/// A lookup that may find nothing.
async fn lookup(k: &str) -> Option<u32> {
    log(format!("lookup {k}"));
    pend(1, ()).await;
    k.strip_prefix('k').and_then(|n| n.parse().ok())
}

/// A future that panics after suspending once.
async fn explode(msg: &'static str) -> u32 {
    let _inner = D::new("inner");
    pend(1, ()).await;
    panic!("{}", msg)
}

// ---------------------------------------------------------------------------
// 1. Async closures and `AsyncFn*` bounds
// ---------------------------------------------------------------------------

differential! {
    /// An `async` closure borrowing a local, called twice across awaits.
    name: async_closure_borrowing_local_called_twice,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let get = async |x: u32| -> u32 { pend(1, x + d.touch() as u32).await };
            let a = get(1).await;
            pend(1, ()).await;
            let b = get(a).await;
            a + b
        }
    },
    run: f(),
}

differential! {
    /// An `async move` closure owning a `D`, created before an await and
    /// awaited after it; the closure drops with its captures.
    name: async_move_closure_owning_value_across_await,
    items: {
        #[lh] async fn f(tag: D) -> usize {
            let early = D::new("early");
            let work = async move |n: usize| {
                let _w = D::new("w");
                pend(1, n + tag.touch()).await
            };
            pend(1, ()).await;
            let r = work(2).await;
            let late = D::new("late");
            r + work(3).await
        }
    },
    run: f(D::new("tag")),
}

differential! {
    /// A generic helper bounded by `AsyncFn`, called with an `async`
    /// closure that itself awaits twice.
    name: async_fn_bound_generic_helper,
    items: {
        #[lh] async fn twice<F>(f: F, n: u32) -> u32
        where
            F: AsyncFn(u32) -> u32,
        {
            let _g = D::new("g");
            let a = f(n).await;
            let b = f(a).await;
            a * 100 + b
        }
        async fn go() -> u32 {
            twice(async |x| { pend(1, ()).await; fetch(x).await + 1 }, 2).await
        }
    },
    run: go(),
}

differential! {
    /// `impl AsyncFnMut` mutating a counter it borrows, called in a loop
    /// with `continue` between calls.
    name: async_fn_mut_counter_in_loop,
    items: {
        #[lh] async fn each(mut f: impl AsyncFnMut(u32) -> bool, xs: Vec<u32>) -> u32 {
            let mut kept = 0;
            for x in xs {
                let _d = D::new("it");
                if x == 0 {
                    continue;
                }
                if f(x).await {
                    kept += 1;
                }
            }
            kept
        }
        async fn go() -> (u32, u32) {
            let mut seen = 0;
            let k = each(async |x| { seen += x; pend(1, x % 2 == 0).await }, vec![1, 0, 2, 4, 3]).await;
            (k, seen)
        }
    },
    run: go(),
}

differential! {
    /// `impl AsyncFnOnce` consuming a captured `D`, the call awaited after
    /// another await.
    name: async_fn_once_consumes_capture,
    items: {
        #[lh] async fn once(f: impl AsyncFnOnce() -> D, before: D) -> usize {
            pend(1, ()).await;
            let got = f().await;
            let n = got.touch();
            drop(before);
            pend(1, n).await
        }
        async fn go() -> usize {
            let d = D::new("captured");
            once(async move || { pend(1, ()).await; d }, D::new("before")).await
        }
    },
    run: go(),
}

differential! {
    /// A `Vec` of boxed futures made by an `async` closure, awaited one by
    /// one; the rest dropped when cancelled.
    name: async_closure_futures_in_vec,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mk = async |i: u32| { let _d = D::new("job"); fetch(i).await };
            let mut jobs: Vec<Pin<Box<dyn Future<Output = u32> + '_>>> = Vec::new();
            for i in 1..4 {
                jobs.push(Box::pin(mk(i)));
            }
            let mut out = vec![];
            for j in jobs {
                out.push(j.await);
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// An `async` closure stored in a struct field next to a `D`, called
    /// through the field.
    name: async_closure_in_struct_field,
    items: {
        struct Svc<F> { name: D, call: F }
        #[lh] async fn f() -> u32 {
            let svc = Svc { name: D::new("svc"), call: async |x: u32| fetch(x).await };
            pend(1, ()).await;
            let a = (svc.call)(3).await;
            svc.name.touch();
            a + (svc.call)(a).await
        }
    },
    run: f(),
}

differential! {
    /// Calling an `async` closure with an awaited argument: `(f)(x.await)`.
    name: async_closure_called_with_awaited_argument,
    items: {
        #[lh] async fn f() -> u32 {
            let add = async |a: u32, b: u32| pend(1, a + b).await;
            (add)(fetch(1).await, pend(1, 10).await).await
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 2. Let chains, while-let chains, let-else
// ---------------------------------------------------------------------------

differential! {
    /// `if let .. && let Ok(y) = x.await && y > 1`, with an `else` that
    /// awaits; temporaries of the conditions.
    name: let_chain_with_awaited_result,
    items: {
        #[lh] async fn f(o: Option<u32>) -> u32 {
            let _a = D::new("a");
            if let Some(x) = o && let Ok(y) = check(x).await && y > 1 {
                let _b = D::new("b");
                pend(1, y).await
            } else {
                fetch(0).await
            }
        }
        async fn go() -> Vec<u32> {
            vec![f(Some(6)).await, f(Some(2)).await, f(Some(3)).await, f(None).await]
        }
    },
    run: go(),
}

differential! {
    /// A `while let` chain: pop, then an awaited check in the condition.
    name: while_let_chain_with_await,
    items: {
        #[lh] async fn f(mut q: VecDeque<u32>) -> (u32, usize) {
            let mut sum = 0;
            while let Some(x) = q.pop_front() && let Some(n) = lookup(&format!("k{x}")).await && n < 5 {
                let _d = D::new("iter");
                sum += pend(1, n).await;
            }
            (sum, q.len())
        }
    },
    run: f(VecDeque::from(vec![1, 2, 7, 3])),
}

differential! {
    /// `let .. else` whose `else` awaits, logs, then returns.
    name: let_else_awaits_before_return,
    items: {
        #[lh] async fn f(k: &str) -> u32 {
            let _keep = D::new("keep");
            let Some(n) = lookup(k).await else {
                let _e = D::new("else");
                pend(1, ()).await;
                log("missing");
                return 0;
            };
            fetch(n).await
        }
        async fn go() -> (u32, u32) {
            (f("k4").await, f("zz").await)
        }
    },
    run: go(),
}

differential! {
    /// `let .. else` in a loop whose `else` awaits then `continue`s.
    name: let_else_awaits_then_continues,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> Vec<u32> {
            let mut out = vec![];
            for k in keys {
                let _it = D::new("it");
                let Some(n) = lookup(k).await else {
                    pend(1, ()).await;
                    continue;
                };
                let Ok(h) = check(n).await else {
                    log("odd");
                    break;
                };
                out.push(h);
            }
            out
        }
    },
    run: f(vec!["k2", "x", "k4", "k3", "k8"]),
}

differential! {
    /// A let chain mixing an awaited bool first, a pattern on a local and
    /// a guard on a binding of an earlier `let`.
    name: let_chain_awaited_bool_first,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            if pend(1, v.len() > 1).await && let [first, .., last] = v.as_slice() && first.0 != last.0 {
                pend(1, first.touch() + last.touch()).await
            } else {
                0
            }
        }
    },
    run: f(vec![D::new("x"), D::new("mid"), D::new("yy")]),
}

differential! {
    /// `let .. else` with a tuple pattern on an awaited value holding a `D`
    /// that the pattern binds.
    name: let_else_tuple_from_await,
    items: {
        #[lh] async fn f(ok: bool) -> usize {
            let (Some(n), d) = pend(1, (ok.then_some(3usize), D::new("pair"))).await else {
                pend(1, ()).await;
                return 99;
            };
            pend(1, ()).await;
            n + d.touch()
        }
        async fn go() -> (usize, usize) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// An `if let` chain in an `else if`, each branch awaiting.
    name: else_if_let_chain,
    items: {
        #[lh] async fn f(a: Option<u32>, b: Result<u32, String>) -> u32 {
            if let Some(x) = a && x > 10 {
                fetch(x).await
            } else if let Ok(y) = b && let Ok(z) = check(y).await {
                pend(1, z).await + 1
            } else {
                let _d = D::new("else");
                pend(1, 7).await
            }
        }
        async fn go() -> Vec<u32> {
            vec![f(Some(11), Ok(1)).await, f(Some(1), Ok(4)).await, f(None, Ok(3)).await, f(None, Err("e".into())).await]
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 3. Awaits as operands
// ---------------------------------------------------------------------------

differential! {
    /// A range whose bounds are both awaited, iterated with awaits inside.
    name: range_bounds_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let mut s = 0;
            for i in pend(1, 2u32).await..fetch(3).await {
                s += pend(1, i).await;
            }
            let r = pend(1, 1usize).await..=pend(1, 3usize).await;
            s + r.count() as u32
        }
    },
    run: f(),
}

differential! {
    /// Casts and unary operators on awaited values.
    name: casts_and_unary_on_awaits,
    items: {
        #[lh] async fn f() -> (i64, bool, u8, f64) {
            let a = -(pend(1, 5i32).await as i64) * 2;
            let b = !pend(1, false).await;
            let c = pend(1, 300u32).await as u8;
            let d = -pend(1, 1.5f64).await as f64;
            (a, b, c, d)
        }
    },
    run: f(),
}

differential! {
    /// `?` chains: `a.await?.method().await?` with `D`s alive.
    name: question_mark_chain_through_method,
    items: {
        struct Conn(D);
        impl Conn {
            async fn query(&self, n: u32) -> Result<u32, String> {
                self.0.touch();
                check(n).await
            }
        }
        async fn connect(ok: bool) -> Result<Conn, String> {
            pend(1, ()).await;
            if ok { Ok(Conn(D::new("conn"))) } else { Err("refused".into()) }
        }
        #[lh] async fn f(ok: bool, n: u32) -> Result<u32, String> {
            let _t = D::new("t");
            let v = connect(ok).await?.query(n).await?;
            Ok(v + 1)
        }
        async fn go() -> Vec<Result<u32, String>> {
            vec![f(true, 4).await, f(true, 3).await, f(false, 4).await]
        }
    },
    run: go(),
}

differential! {
    /// Tuple-struct and enum constructors with awaited fields between
    /// non-awaited ones holding `D`s.
    name: constructors_with_awaited_fields,
    items: {
        #[derive(Debug)]
        struct Triple(D, u32, D);
        #[derive(Debug)]
        enum Msg { Data(u32, D), Empty }
        #[lh] async fn f() -> (usize, usize) {
            let t = Triple(D::new("t0"), fetch(2).await, D::new("t2"));
            let m = Msg::Data(pend(1, 7).await, D::new("m"));
            let n = match m { Msg::Data(x, d) => x as usize + d.touch(), Msg::Empty => 0 };
            (t.1 as usize, n)
        }
    },
    run: f(),
}

differential! {
    /// `return` with an awaited value from nested scopes with `D`s.
    name: return_awaited_from_nested_scopes,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let _a = D::new("a");
            {
                let _b = D::new("b");
                for i in 0..3 {
                    let _c = D::new("c");
                    if i == k {
                        return fetch(i).await + { let _e = D::new("e"); pend(1, 1).await };
                    }
                }
            }
            pend(1, 100).await
        }
        async fn go() -> (u32, u32) { (f(1).await, f(5).await) }
    },
    run: go(),
}

differential! {
    /// `break 'outer` with an awaited value from a nested loop, a labelled
    /// block with a value that awaits.
    name: break_labelled_with_awaited_value,
    items: {
        #[lh] async fn f(grid: Vec<Vec<u32>>) -> (u32, u32) {
            let found = 'outer: loop {
                for row in &grid {
                    let _r = D::new("row");
                    for &c in row {
                        if c > 5 {
                            break 'outer pend(1, c).await;
                        }
                    }
                }
                break 0;
            };
            let v = 'blk: {
                if found == 0 {
                    break 'blk fetch(1).await;
                }
                let _d = D::new("blk");
                pend(1, found).await + 1
            };
            (found, v)
        }
    },
    run: f(vec![vec![1, 2], vec![3, 9, 4]]),
}

differential! {
    /// Array repeat with an awaited element, and an array of awaits.
    name: array_repeat_awaited,
    items: {
        #[lh] async fn f() -> ([u32; 3], [u32; 3], Vec<String>) {
            let a = [pend(1, 4u32).await; 3];
            let b = [fetch(1).await, pend(1, 2).await, fetch(3).await];
            let c = vec![pend(1, "x".to_string()).await; 2];
            (a, b, c)
        }
    },
    run: f(),
}

differential! {
    /// Nested blocks as operands of a binary operator, each with its own
    /// `D` and await.
    name: nested_blocks_as_operands,
    items: {
        #[lh] async fn f() -> usize {
            let x = { let d = D::new("l"); pend(1, d.touch()).await }
                + { let d = D::new("r"); let n = fetch(2).await as usize; n * d.touch() };
            x * { pend(1, 2).await }
        }
    },
    run: f(),
}

differential! {
    /// A closure called with an awaited argument, and a closure returned
    /// from a block that awaited.
    name: closure_call_with_awaited_argument,
    items: {
        #[lh] async fn f() -> u32 {
            let k = 3;
            let g = |x: u32| x * k;
            let a = (g)(fetch(2).await);
            let h = { pend(1, ()).await; move |y: u32| y + a };
            h(pend(1, 1).await)
        }
    },
    run: f(),
}

differential! {
    /// Method call chain on an awaited `Vec`: `x.await.iter().map(..)`.
    name: iterator_chain_on_awaited_vec,
    items: {
        #[lh] async fn f() -> Vec<String> {
            let v: Vec<String> = pend(1, vec![3u32, 1, 2]).await.iter().filter(|&&x| x > 1).map(|x| x.to_string()).collect();
            let n: Vec<String> = pend(1, v.clone()).await.into_iter().chain(std::iter::once(fetch(1).await.to_string())).collect();
            n
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 4. Patterns across awaits
// ---------------------------------------------------------------------------

differential! {
    /// Or-patterns with bindings, arms awaiting.
    name: or_pattern_bindings_across_await,
    items: {
        enum Ev { Key(u32, D), Click(u32, D), Quit }
        #[lh] async fn f(evs: Vec<Ev>) -> u32 {
            let mut s = 0;
            for e in evs {
                match e {
                    Ev::Key(n, d) | Ev::Click(n, d) => {
                        pend(1, ()).await;
                        d.touch();
                        s += n;
                    }
                    Ev::Quit => {
                        pend(1, ()).await;
                        break;
                    }
                }
            }
            s
        }
    },
    run: f(vec![Ev::Key(1, D::new("k")), Ev::Click(2, D::new("c")), Ev::Quit, Ev::Key(9, D::new("never"))]),
}

differential! {
    /// Slice patterns `[first, rest @ ..]` on a borrowed `Vec` of `D`s
    /// across awaits, recursive through `Box::pin`.
    name: slice_pattern_first_rest_recursive,
    items: {
        fn total(xs: &[D]) -> Pin<Box<dyn Future<Output = usize> + '_>> {
            Box::pin(sum(xs))
        }
        #[lh] async fn sum(xs: &[D]) -> usize {
            match xs {
                [] => 0,
                [first, rest @ ..] => {
                    let n = pend(1, first.touch()).await;
                    n + total(rest).await
                }
            }
        }
        async fn go() -> usize {
            let v = vec![D::new("a"), D::new("bb"), D::new("ccc")];
            sum(&v).await
        }
    },
    run: go(),
}

differential! {
    /// `ref mut` bindings kept across awaits and written after them.
    name: ref_mut_bindings_across_await,
    items: {
        #[lh] async fn f() -> (u32, String) {
            let mut pair = (1u32, String::from("a"));
            let (ref mut n, ref mut s) = pair;
            *n += pend(1, 2).await;
            s.push_str(&pend(1, "b").await);
            *n += 1;
            pair
        }
    },
    run: f(),
}

differential! {
    /// `@` bindings with ranges and subpatterns, arms awaiting.
    name: at_bindings_with_ranges,
    items: {
        #[lh] async fn f(xs: Vec<Option<u32>>) -> Vec<String> {
            let mut out = vec![];
            for x in xs {
                let s = match x {
                    Some(n @ 1..=5) => format!("small {}", fetch(n).await),
                    whole @ Some(_) => { pend(1, ()).await; format!("{whole:?}") }
                    None => pend(1, "none".to_string()).await,
                };
                out.push(s);
            }
            out
        }
    },
    run: f(vec![Some(3), Some(9), None]),
}

differential! {
    /// A `match` guard that reads a binding and a local, with an arm that
    /// awaits and one that falls through to a later arm.
    name: match_guards_without_matches_macro,
    items: {
        #[lh] async fn f(xs: Vec<(u32, &'static str)>) -> u32 {
            let limit = pend(1, 4).await;
            let mut s = 0;
            for (n, tag) in xs {
                s += match (n, tag) {
                    (n, "skip") if n < limit => 0,
                    (n, t) if t.len() > 2 && n % 2 == 0 => fetch(n).await,
                    (n, _) => pend(1, n).await,
                };
            }
            s
        }
    },
    run: f(vec![(1, "skip"), (4, "long"), (5, "long"), (9, "skip")]),
}

differential! {
    /// Slice pattern with a binding of the tail `@` on an owned `Vec`
    /// matched by value (the `Vec` moved into the arm), awaits in arms.
    name: vec_slice_pattern_by_ref_in_match,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            match v.as_slice() {
                [a, b, tail @ ..] if !tail.is_empty() => {
                    let x = fetch(*a).await;
                    x + b + tail.iter().sum::<u32>()
                }
                [single] => pend(1, *single).await,
                _ => 0,
            }
        }
        async fn go() -> (u32, u32, u32) { (f(vec![1, 2, 3, 4]).await, f(vec![7]).await, f(vec![1, 2]).await) }
    },
    run: go(),
}

differential! {
    /// The smallest s14-1: `let n = x.await.into_iter().collect(); n`.
    name: s14_1_collect_then_tail,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let n = pend(1, vec![1u32]).await.into_iter().collect();
            n
        }
    },
    run: f(),
}
differential! {
    /// s14-1 with the await inside the chain: `v.into_iter().chain(once(x.await)).collect()`.
    name: s14_1_collect_await_in_chain_argument,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let v = vec![1u32];
            let n = v.into_iter().chain(std::iter::once(pend(1, 2u32).await)).collect();
            n
        }
    },
    run: f(),
}
differential! {
    /// Neighbour of s14-1 that works: `s.parse().unwrap_or(x.await)` (the awaited default fixes the type).
    name: s14_1_neighbour_parse_unwrap_or_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let s = "5";
            let n = s.trim().parse().unwrap_or(pend(1, 0).await);
            n
        }
    },
    run: f(),
}
differential! {
    /// s14-1 with `Into::into(x.await)`, the target fixed by the return type.
    name: s14_1_into_fixed_by_return,
    items: {
        #[lh] async fn f() -> u64 {
            let n = Into::into(pend(1, 5u32).await);
            let m = n;
            pend(1, ()).await;
            m
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 5. Traits, generics, `&mut self`, recursion
// ---------------------------------------------------------------------------

/// A store whose lookups are trait methods returning `impl Future`.
trait Store {
    fn get(&self, k: u32) -> impl Future<Output = Option<String>>;
    fn put(&mut self, k: u32, v: String) -> impl Future<Output = bool>;
}

struct MemStore {
    map: BTreeMap<u32, String>,
    _d: D,
}

impl Store for MemStore {
    fn get(&self, k: u32) -> impl Future<Output = Option<String>> {
        let v = self.map.get(&k).cloned();
        async move {
            pend(1, ()).await;
            v
        }
    }
    fn put(&mut self, k: u32, v: String) -> impl Future<Output = bool> {
        let fresh = self.map.insert(k, v).is_none();
        pend(1, fresh)
    }
}

differential! {
    /// A generic function over a trait whose methods return `impl Future`,
    /// `where` clauses, a `&mut` borrow awaited then a shared one.
    name: generic_over_trait_returning_impl_future,
    items: {
        #[lh] async fn sync_keys<S>(store: &mut S, keys: &[u32]) -> Vec<String>
        where
            S: Store + ?Sized,
        {
            let mut out = vec![];
            for &k in keys {
                let _d = D::new("k");
                match store.get(k).await {
                    Some(v) => out.push(v),
                    None => {
                        let fresh = store.put(k, format!("v{k}")).await;
                        out.push(format!("put {fresh}"));
                    }
                }
            }
            out
        }
        async fn go() -> Vec<String> {
            let mut s = MemStore { map: BTreeMap::from([(1, "one".to_string())]), _d: D::new("store") };
            sync_keys(&mut s, &[1, 2, 2]).await
        }
    },
    run: go(),
}

differential! {
    /// `&mut self` methods awaiting other `&mut self` methods, with a field
    /// borrowed between the awaits.
    name: mut_self_methods_calling_each_other,
    items: {
        struct Conn { buf: Vec<u8>, sent: u32, _d: D }
        impl Conn {
            #[lh] async fn write(&mut self, b: &[u8]) -> usize {
                self.buf.extend_from_slice(b);
                pend(1, ()).await;
                self.buf.len()
            }
            #[lh] async fn flush(&mut self) -> u32 {
                let n = self.buf.len() as u32;
                let first = self.buf.first().copied();
                pend(1, ()).await;
                self.buf.clear();
                self.sent += n;
                n + first.unwrap_or(0) as u32
            }
            #[lh] async fn send(&mut self, msgs: &[&[u8]]) -> (u32, u32) {
                let mut total = 0;
                for m in msgs {
                    if self.write(m).await > 3 {
                        total += self.flush().await;
                    }
                }
                total += self.flush().await;
                (total, self.sent)
            }
        }
        async fn go() -> (u32, u32) {
            let mut c = Conn { buf: vec![], sent: 0, _d: D::new("conn") };
            c.send(&[b"ab", b"cd", b"e"]).await
        }
    },
    run: go(),
}

differential! {
    /// Recursion through `Box::pin`: a tree walk whose nodes own `D`s.
    name: boxed_recursion_tree_sum,
    items: {
        struct Node { v: u32, d: D, kids: Vec<Node> }
        fn walk_boxed(n: &Node, depth: u32) -> Pin<Box<dyn Future<Output = u32> + '_>> {
            Box::pin(walk(n, depth))
        }
        #[lh] async fn walk(n: &Node, depth: u32) -> u32 {
            let _lvl = D::new("lvl");
            let mut s = pend(1, n.v * depth).await;
            for k in &n.kids {
                s += walk_boxed(k, depth + 1).await;
            }
            n.d.touch();
            s
        }
        async fn go() -> u32 {
            let t = Node { v: 1, d: D::new("root"), kids: vec![
                Node { v: 2, d: D::new("l"), kids: vec![] },
                Node { v: 3, d: D::new("r"), kids: vec![Node { v: 4, d: D::new("rr"), kids: vec![] }] },
            ] };
            walk(&t, 1).await
        }
    },
    run: go(),
}

differential! {
    /// Recursion on the lowered function itself through `Box::pin`, with
    /// a `D` per level and a base case.
    name: self_recursive_box_pin,
    items: {
        #[lh] async fn fib(n: u32) -> u64 {
            let _d = D::new("lvl");
            if n < 2 {
                return pend(1, n as u64).await;
            }
            let a = Box::pin(fib(n - 1)).await;
            let b: Pin<Box<dyn Future<Output = u64>>> = Box::pin(fib(n - 2));
            a + b.await
        }
    },
    run: fib(4),
}

differential! {
    /// A generic service with associated types and a `where` clause on an
    /// associated type, `impl Trait` arguments.
    name: generic_service_associated_types,
    items: {
        trait Codec {
            type Item: Debug + Clone;
            fn decode(&self, b: u8) -> Option<Self::Item>;
        }
        struct Upper;
        impl Codec for Upper {
            type Item = char;
            fn decode(&self, b: u8) -> Option<char> { (b as char).is_ascii_alphabetic().then(|| (b as char).to_ascii_uppercase()) }
        }
        #[lh] async fn decode_all<C>(c: &C, input: impl IntoIterator<Item = u8>, out: &mut Vec<C::Item>) -> usize
        where
            C: Codec,
            C::Item: PartialEq,
        {
            let mut bad = 0;
            for b in input {
                match c.decode(pend(1, b).await) {
                    Some(x) if out.last() != Some(&x) => out.push(x),
                    Some(_) => {}
                    None => bad += 1,
                }
            }
            bad
        }
        async fn go() -> (usize, Vec<char>) {
            let mut out = vec![];
            let n = decode_all(&Upper, b"aab1c".iter().copied(), &mut out).await;
            (n, out)
        }
    },
    run: go(),
}

differential! {
    /// Const generic array parameter, returned after awaits, with a `D`
    /// per element index.
    name: const_generic_array_param,
    items: {
        #[lh] async fn rotate<const N: usize>(mut a: [u32; N], k: usize) -> [u32; N] {
            for _ in 0..k {
                let _d = D::new("step");
                a.rotate_left(1);
                a[0] += pend(1, 1).await;
            }
            a
        }
    },
    run: rotate([1, 2, 3], 2),
}

differential! {
    /// A `dyn` trait object method called between awaits, the box kept.
    name: dyn_trait_object_across_awaits,
    items: {
        trait Handler { fn handle(&mut self, x: u32) -> u32; }
        struct Acc(u32, D);
        impl Handler for Acc { fn handle(&mut self, x: u32) -> u32 { self.0 += x; self.0 } }
        #[lh] async fn run_all(mut h: Box<dyn Handler>, xs: Vec<u32>) -> u32 {
            let mut last = 0;
            for x in xs {
                last = h.handle(fetch(x).await);
            }
            last
        }
    },
    run: run_all(Box::new(Acc(0, D::new("acc"))), vec![1, 2, 3]),
}

// ---------------------------------------------------------------------------
// 6. Drop order, scopes, cancellation
// ---------------------------------------------------------------------------

differential! {
    /// Many `D`s in nested scopes with shadowing, awaits at each level.
    name: nested_scopes_shadowing_many_values,
    items: {
        #[lh] async fn f() -> usize {
            let a = D::new("a1");
            let n = {
                let a = D::new("a2");
                let b = D::new("b");
                pend(1, ()).await;
                let a = (a, D::new("a3"));
                {
                    let _c = D::new("c");
                    pend(1, ()).await;
                }
                a.1.touch() + b.touch()
            };
            let a = D::new("a4");
            pend(1, ()).await;
            n + a.touch()
        }
    },
    run: f(),
}

differential! {
    /// Loops with `continue` and `break` after awaits, values declared
    /// before and after the awaits in each iteration.
    name: loop_continue_break_after_awaits,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let _outer = D::new("outer");
            let mut s = 0;
            let mut i = 0;
            loop {
                let _pre = D::new("pre");
                let x = match xs.get(i) { Some(&x) => x, None => break };
                i += 1;
                let y = fetch(x).await;
                let _post = D::new("post");
                if y % 4 == 0 {
                    pend(1, ()).await;
                    continue;
                }
                if y > 10 {
                    break;
                }
                s += y;
            }
            s
        }
    },
    run: f(vec![1, 2, 3, 7, 1]),
}

differential! {
    /// `?` in the middle of a loop body with values alive in several scopes.
    name: question_mark_mid_loop,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Result<u32, String> {
            let _a = D::new("a");
            let mut s = 0;
            for x in xs {
                let _it = D::new("it");
                let h = check(x).await?;
                let _after = D::new("after");
                s += pend(1, h).await;
            }
            Ok(s)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(vec![2, 4]).await, f(vec![2, 3, 4]).await)
        }
    },
    run: go(),
}

differential! {
    /// Temporaries alive to the end of a statement that awaits: a
    /// `RefCell` borrow in an argument, a `D` method result in a tuple.
    name: temporaries_to_end_of_awaiting_statement,
    items: {
        fn mk(n: &'static str) -> D { log(format!("mk {n}")); D::new(n) }
        #[lh] async fn f() -> (usize, usize) {
            let cell = RefCell::new(vec![1u32, 2]);
            let a = (mk("t1").touch(), fetch(cell.borrow().len() as u32).await as usize);
            let b = mk("t2").touch() + pend(1, 3).await;
            (a.0 + a.1, b)
        }
    },
    run: f(),
}

differential! {
    /// Early `return` from inside a `match` inside a loop, several `D`s
    /// live, one moved into the return value.
    name: early_return_moves_one_of_many,
    items: {
        #[lh] async fn f(stop: u32) -> Option<D> {
            let keep = D::new("keep");
            let give = D::new("give");
            for i in 0..4 {
                let _it = D::new("it");
                match pend(1, i).await {
                    n if n == stop => return Some(give),
                    _ => {}
                }
            }
            keep.touch();
            None
        }
        async fn go() -> (bool, bool) { (f(2).await.is_some(), f(9).await.is_some()) }
    },
    run: go(),
}

differential! {
    /// Values moved into a `Vec` between awaits, popped and dropped one by
    /// one across awaits.
    name: values_moved_into_vec_then_popped,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y", "z"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let mut n = 0;
            while let Some(d) = v.pop() {
                n += pend(1, d.touch()).await;
                if n > 1 {
                    break;
                }
            }
            n + v.len()
        }
    },
    run: f(),
}

differential! {
    /// A value moved out conditionally (`if c { drop(d) }`) before an
    /// await: rustc's drop flag decides what the cancellation drops.
    name: conditional_move_then_await,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let d = D::new("d");
            let e = D::new("e");
            if c {
                drop(d);
            }
            pend(1, ()).await;
            e.touch();
            fetch(1).await
        }
        async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// A value moved into a closure in one branch only, the closure called
    /// after an await.
    name: conditional_move_into_closure,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let d = D::new("d");
            let g: Box<dyn Fn() -> usize> = if c { Box::new(move || d.touch()) } else { Box::new(|| 0) };
            pend(1, ()).await;
            g() + pend(1, 1).await
        }
        async fn go() -> (usize, usize) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// `mem::take` and `Option::take` of values with destructors between
    /// awaits.
    name: take_and_replace_between_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let mut slot = Some(D::new("slot"));
            let mut list = vec![D::new("l1"), D::new("l2")];
            pend(1, ()).await;
            let got = slot.take();
            let old = std::mem::take(&mut list);
            pend(1, ()).await;
            list.push(D::new("l3"));
            let n = old.len() + got.map_or(0, |d| d.touch());
            pend(1, ()).await;
            n + list.len()
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 7. Panics
// ---------------------------------------------------------------------------

differential! {
    /// A panic inside an awaited future with `D`s alive at two levels.
    name: panic_inside_awaited_future,
    items: {
        #[lh] async fn f() -> u32 {
            let _a = D::new("a");
            let n = fetch(1).await;
            let _b = D::new("b");
            n + explode("deep").await
        }
    },
    run: f(),
}

differential! {
    /// A panic in the body between awaits (an index out of bounds), with a
    /// temporary and locals alive.
    name: panic_between_awaits_index,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let _a = D::new("a");
            let i = pend(1, 5usize).await;
            let _b = D::new("b");
            let x = v[i] + D::new("tmp").touch() as u32;
            pend(1, x).await
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// A panic in a `Drop` impl triggered while another value's drop is
    /// pending? No: a panic in a closure called between awaits, inside a
    /// loop, with the iterator alive.
    name: panic_in_closure_mid_loop,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let check = |x: u32| if x == 3 { panic!("bad {x}") } else { x };
            let mut s = 0;
            for x in xs {
                let _it = D::new("it");
                s += check(pend(1, x).await);
            }
            s
        }
    },
    run: f(vec![1, 2, 3, 4]),
}

differential! {
    /// `unwrap` of an awaited `Err` panicking inside a `match` guard's arm.
    name: unwrap_awaited_err_panics,
    items: {
        #[lh] async fn f() -> u32 {
            let _g = D::new("g");
            let a = check(2).await.unwrap();
            let b = check(3).await.expect("odd input");
            a + b
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 8. s14-1 neighbours: a `let` whose type is fixed by a later use
// ---------------------------------------------------------------------------

differential! {
    /// s14-1 with `x.await.parse().unwrap()`, the target fixed by a later typed `let`.
    name: s14_1_parse_target_fixed_later,
    items: {
        #[lh] async fn f() -> u32 {
            let n = pend(1, "42").await.parse().unwrap();
            let m: u32 = n;
            m
        }
    },
    run: f(),
}

differential! {
    /// s14-1 with `x.await.try_into().unwrap()`, the array type fixed by `u32::from_le_bytes`.
    name: s14_1_try_into_target_fixed_later,
    items: {
        #[lh] async fn f() -> u32 {
            let b = pend(1, vec![1u8, 0, 0, 0]).await.try_into().unwrap();
            u32::from_le_bytes(b)
        }
    },
    run: f(),
}

differential! {
    /// s14-1 with `let (a, b) = (x.await, Default::default());`.
    name: s14_1_default_beside_await,
    items: {
        #[lh] async fn f() -> (u32, String) {
            let (a, b) = (pend(1, 1u32).await, Default::default());
            (a, b)
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s14-1 that works: an untyped `collect()` before an await, kept across it.
    name: s14_1_neighbour_collect_kept_across_await,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = Vec::new();
            let n = pend(1, 3).await;
            v.push(n);
            let w = v.iter().copied().collect();
            pend(1, ()).await;
            w
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s14-1 that works: `collect::<Vec<_>>()` after an await.
    name: s14_1_neighbour_turbofish,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let n = pend(1, vec![1u32]).await.into_iter().collect::<Vec<_>>();
            n
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s14-1 that works: `x.await.into_iter().collect()` as the tail.
    name: s14_1_neighbour_collect_in_tail,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            pend(1, vec![1u32]).await.into_iter().collect()
        }
    },
    run: f(),
}

differential! {
    /// s14-1 with a late-initialised `let n; n = x.await.into_iter().collect();`.
    name: s14_1_late_init_assignment,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let n;
            n = pend(1, vec![1u32]).await.into_iter().collect();
            n
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s14-2 that works: the element used in a closure after the loop (`iter().map(|r| r.len())`).
    name: s14_2_neighbour_closure_use_after_loop,
    items: {
        #[lh] async fn f(urls: Vec<&'static str>) -> usize {
            let mut results = Vec::new();
            for u in urls {
                let r = pend(1, u.to_string()).await;
                results.push(r);
            }
            results.iter().map(|r| r.len()).sum()
        }
    },
    run: f(vec!["ab", "c"]),
}

differential! {
    /// Neighbour of s14-2 that works: `let mut x = None;` set after an await in an `if`, used through a closure.
    name: s14_2_neighbour_option_in_if,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let mut x = None;
            if c {
                pend(1, ()).await;
                x = Some(D::new("x"));
            }
            x.as_ref().map_or(0, |d| d.touch())
        }
        async fn go() -> (usize, usize) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// Neighbour of s14-2 that works: `v.push(x.await)` (the awaited type fixes the element).
    name: s14_2_neighbour_push_awaited_same_statement,
    items: {
        #[lh] async fn f(urls: Vec<&'static str>) -> usize {
            let mut results = Vec::new();
            for u in urls {
                results.push(pend(1, u.to_string()).await);
            }
            results.iter().map(|r| r.len()).sum()
        }
    },
    run: f(vec!["ab", "c"]),
}

differential! {
    /// Neighbour of s14-2 that works: only `v.len()` after the loop.
    name: s14_2_neighbour_len_only,
    items: {
        #[lh] async fn f(urls: Vec<&'static str>) -> usize {
            let mut results = Vec::new();
            for u in urls {
                let r = pend(1, u.to_string()).await;
                results.push(r);
            }
            results.len()
        }
    },
    run: f(vec!["ab", "c"]),
}

differential! {
    /// s14-2 with `while let Some(d) = v.pop() { d.touch(); x.await; }` after the loop.
    name: s14_2_while_let_pop_method,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let mut n = 0;
            while let Some(d) = v.pop() {
                n += d.touch();
                pend(1, ()).await;
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// s14-2 with the method call in the next awaited operand: `pend(1, x.touch()).await`.
    name: s14_2_method_in_awaited_operand_after_loop,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let x = v.pop().unwrap();
            pend(1, x.touch()).await
        }
    },
    run: f(),
}

differential! {
    /// s14-2 with `let n = x.touch();` after the loop, then an await.
    name: s14_2_method_after_loop_then_await,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let x = v.pop().unwrap();
            let n = x.touch();
            pend(1, n).await
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s14-2 that works: `Option` set after an await in an `if`, used by a closure in an awaited operand.
    name: s14_2_neighbour_option_map_or_in_await,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let mut x = None;
            if c {
                pend(1, ()).await;
                x = Some(D::new("x"));
            }
            pend(1, x.map_or(0, |d| d.touch())).await
        }
    },
    run: f(true),
}

differential! {
    /// The smallest s14-2: `let x = v.pop().unwrap(); x.touch()` after a loop that pushes after its await.
    name: s14_2_method_after_loop_minimal,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let x = v.pop().unwrap();
            x.touch()
        }
    },
    run: f(),
}

differential! {
    /// s14-2 with `v.last().unwrap().touch()` after the loop, then an await.
    name: s14_2_last_unwrap_method,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let n = v.last().unwrap().touch();
            pend(1, n).await
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s14-2 that works: the method call comes after a later await.
    name: s14_2_neighbour_method_after_a_later_await,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![];
            for name in ["x", "y"] {
                let d = D::new(name);
                pend(1, ()).await;
                v.push(d);
            }
            let x = v.pop().unwrap();
            pend(1, ()).await;
            x.touch()
        }
    },
    run: f(),
}

differential! {
    /// s14-2 realistic: pages fetched in a loop, each pushed after its
    /// await, the first one measured after the loop before a last await.
    name: s14_2_pages_collected_then_notify,
    items: {
        async fn fetch_page(id: u32) -> String {
            pend(1, format!("page-{id}")).await
        }
        async fn notify(n: usize) -> usize {
            log(format!("notify {n}"));
            pend(1, n).await
        }
        #[lh] async fn crawl(ids: Vec<u32>) -> usize {
            let mut pages = Vec::new();
            for id in ids {
                let body = fetch_page(id).await;
                pages.push(body);
            }
            let first = pages[0].len();
            notify(first).await
        }
    },
    run: crawl(vec![1, 22]),
}

differential! {
    /// s14-1 realistic: a length prefix read, converted with `try_into`
    /// whose target only the next statement fixes.
    name: s14_1_length_prefix_try_into,
    items: {
        async fn read_exact(n: usize) -> Vec<u8> {
            log(format!("read {n}"));
            pend(1, (0..n as u8).map(|b| b + 1).collect()).await
        }
        #[lh] async fn frame_len() -> u32 {
            let _conn = D::new("conn");
            let head = read_exact(4).await.try_into().unwrap();
            let len = u32::from_be_bytes(head);
            pend(1, len).await
        }
    },
    run: frame_len(),
}

differential! {
    /// s14-1 realistic: an awaited `Vec` collected into the function's
    /// return type through a local.
    name: s14_1_collect_into_return_type,
    items: {
        #[lh] async fn names(ids: Vec<u32>) -> Vec<String> {
            let _d = D::new("d");
            let v = pend(1, ids).await.into_iter().map(|i| format!("n{i}")).collect();
            v
        }
    },
    run: names(vec![1, 2]),
}

differential! {
    /// s14-3: `let it = a.iter().zip(c.iter());` then a `for` over `it` that awaits.
    name: s14_3_zip_method_call_argument,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = a.iter().zip(c.iter()); for (x, y) in it { s += pend(1, *x + *y).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Neighbour of s14-3 that works: `let it = a.iter().skip_while(..)` across awaits.
    name: s14_3_neighbour_skip_while,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = a.iter().skip_while(|x| **x < 2); for x in it { s += pend(1, *x).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Neighbour of s14-3 that works: `let it = a.iter().step_by(2)` across awaits.
    name: s14_3_neighbour_step_by,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = a.iter().step_by(2); for x in it { s += pend(1, *x).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Neighbour of s14-3 that works: `let it = a.iter()` across awaits.
    name: s14_3_neighbour_plain_iter,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = a.iter(); for x in it { s += pend(1, *x).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Neighbour of s14-3 that works: the local as receiver, the parameter as argument: `c.iter().zip(a.iter())`.
    name: s14_3_neighbour_local_receiver_param_argument,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = c.iter().zip(a.iter()); for (x, y) in it { s += pend(1, *x + *y).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Neighbour of s14-3 that works: `for (x, y) in a.iter().zip(c.iter())`.
    name: s14_3_neighbour_zip_in_for_header,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            for (x, y) in a.iter().zip(c.iter()) { s += pend(1, *x + *y).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// s14-3: `let it = once(&0).chain(c.iter());` across awaits.
    name: s14_3_chain_after_once,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = std::iter::once(&0).chain(c.iter()); for x in it { s += pend(1, *x).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Neighbour of s14-3 that works: `let it = Some(c.iter());` across an await.
    name: s14_3_neighbour_constructor_argument,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = Some(c.iter()); pend(1, ()).await; s += it.map_or(0, |i| i.count() as u32);
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// The smallest s14-3: `let it = a.iter().zip(&c);` then a `for` over `it` that awaits.
    name: s14_3_zip_explicit_borrow_minimal,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = a.iter().zip(&c); for (x, y) in it { s += pend(1, *x + *y).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// s14-3: `let it = a.iter().chain(c.iter());` across awaits.
    name: s14_3_chain_method_argument,
    items: {
        #[lh] async fn f(a: Vec<u32>) -> u32 {
            let c: Vec<u32> = a.iter().map(|x| x * 10).collect();
            let mut s = 0;
            let it = a.iter().chain(c.iter()); for x in it { s += pend(1, *x).await; }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// s14-3 realistic: a report pairing names with scores through
    /// `zip(&scores)`, each pair sent with an await.
    name: s14_3_zip_report_pairs,
    items: {
        async fn report(name: &str, score: u32) -> usize {
            log(format!("report {name} {score}"));
            pend(1, name.len() + score as usize).await
        }
        #[lh] async fn send_all(names: Vec<String>) -> usize {
            let scores: Vec<u32> = names.iter().map(|n| n.len() as u32 * 10).collect();
            let _d = D::new("batch");
            let pairs = names.iter().zip(&scores);
            let mut total = 0;
            for (n, s) in pairs {
                total += report(n, *s).await;
            }
            total
        }
    },
    run: send_all(vec!["ann".to_string(), "bo".to_string()]),
}

// ---------------------------------------------------------------------------
// 9. More expressions and scopes
// ---------------------------------------------------------------------------

differential! {
    /// Short-circuit operators with awaits on the right, logged left
    /// operands, a `D` temporary on the left.
    name: short_circuit_awaits_on_right,
    items: {
        #[lh] async fn f(a: bool) -> (bool, bool) {
            let x = val("l1", a) || pend(1, val("r1", true)).await;
            let y = D::new("tmp").touch() > 2 && pend(1, val("r2", false)).await;
            (x, y)
        }
        async fn go() -> ((bool, bool), (bool, bool)) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// Nested awaits: an awaited future built from an awaited value.
    name: nested_awaits_in_argument,
    items: {
        #[lh] async fn f() -> u32 {
            let _d = D::new("d");
            pend(1, fetch(pend(1, 2).await).await + 1).await
        }
    },
    run: f(),
}

differential! {
    /// Tuple field and method on awaited tuples, `.into()` with a typed
    /// `let`.
    name: tuple_field_of_await_and_typed_into,
    items: {
        #[lh] async fn f() -> (u64, u32, usize) {
            let x: u64 = pend(1, 5u32).await.into();
            let y = pend(1, (1u32, 2u32)).await.1;
            let z = pend(1, ("ab", D::new("pair"))).await.0.len();
            (x, y, z)
        }
    },
    run: f(),
}

differential! {
    /// An `async` block borrowing a local, created before an await and
    /// awaited after it.
    name: async_block_borrowing_local_awaited_later,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let fut = async { fetch(1).await + d.touch() as u32 };
            pend(1, ()).await;
            let e = D::new("e");
            fut.await + e.touch() as u32
        }
    },
    run: f(),
}

differential! {
    /// `std::pin::pin!` on a future kept across another await, then
    /// awaited through the pinned reference.
    name: pin_macro_future_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut fut = std::pin::pin!(fetch(3));
            let a = pend(1, 1).await;
            let b = fut.as_mut().await;
            a + b
        }
    },
    run: f(),
}

differential! {
    /// `poll_fn` polling a local future by hand, then awaiting more.
    name: poll_fn_over_local_future,
    items: {
        #[lh] async fn f() -> u32 {
            let mut inner = Box::pin(fetch(2));
            let mut polls = 0;
            let v = std::future::poll_fn(|cx| {
                polls += 1;
                inner.as_mut().poll(cx)
            })
            .await;
            pend(1, v + polls).await
        }
    },
    run: f(),
}

differential! {
    /// A closure that returns an `async move` block, called twice.
    name: closure_returning_async_block,
    items: {
        #[lh] async fn f() -> u32 {
            let base = 10;
            let mk = |i: u32| async move { fetch(i).await + base };
            let a = mk(1).await;
            let d = D::new("mid");
            a + mk(2).await
        }
    },
    run: f(),
}

differential! {
    /// A function with lifetimes returning a borrow of its argument,
    /// awaiting between picking and returning.
    name: returns_borrow_of_argument_after_awaits,
    items: {
        #[lh] async fn pick<'a>(xs: &'a [String], key: &str) -> Option<&'a String> {
            let mut best: Option<&'a String> = None;
            for x in xs {
                if pend(1, x.starts_with(key)).await {
                    best = Some(x);
                }
            }
            best
        }
        async fn go() -> Option<String> {
            let v = vec!["ab".to_string(), "b".to_string(), "ac".to_string()];
            pick(&v, "a").await.cloned()
        }
    },
    run: go(),
}

differential! {
    /// A `for` loop over a method chain on an awaited `Vec`.
    name: for_over_chain_on_awaited_vec,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut out = vec![];
            for (i, x) in pend(1, vec![5u32, 6, 7]).await.iter().rev().enumerate() {
                let _d = D::new("it");
                out.push(fetch(*x + i as u32).await);
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// A struct literal with shorthand fields, an awaited field and a
    /// `..Default::default()` base.
    name: struct_literal_default_base_awaited_field,
    items: {
        #[derive(Debug, Default)]
        struct Cfg { name: String, port: u16, retries: u32, tags: Vec<String> }
        #[lh] async fn f() -> Cfg {
            let name = pend(1, "svc".to_string()).await;
            Cfg { name, port: pend(1, 8080).await, ..Default::default() }
        }
    },
    run: f(),
}

differential! {
    /// Edition 2024 tail-expression temporaries: the tail's temporary
    /// drops before the function's locals, after its await.
    name: tail_expression_temporary_vs_locals,
    items: {
        fn mk(n: &'static str) -> D { D::new(n) }
        #[lh] async fn f() -> usize {
            let _l = D::new("local");
            mk("tail").touch() + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// Edition 2024 block-tail temporaries inside a `let`: the block's
    /// temporaries and locals around an await in its tail.
    name: block_tail_temporary_inside_let,
    items: {
        fn mk(n: &'static str) -> D { D::new(n) }
        #[lh] async fn f() -> usize {
            let _outer = D::new("outer");
            let n = {
                let _inner = D::new("inner");
                mk("t").touch() + pend(1, 2).await
            };
            pend(1, ()).await;
            n
        }
    },
    run: f(),
}

differential! {
    /// Edition 2024 `if let` rescoping: the scrutinee's temporary drops
    /// before the `else` block, which awaits.
    name: if_let_scrutinee_temporary_before_else,
    items: {
        struct Holder(D, Option<u32>);
        impl Holder { fn get(&self) -> Option<u32> { self.1 } }
        fn mk(v: Option<u32>) -> Holder { Holder(D::new("holder"), v) }
        #[lh] async fn f(v: Option<u32>) -> u32 {
            if let Some(x) = mk(v).get() {
                pend(1, x).await
            } else {
                log("else");
                pend(1, 0).await
            }
        }
        async fn go() -> (u32, u32) { (f(Some(3)).await, f(None).await) }
    },
    run: go(),
}

differential! {
    /// A `match` on an awaited tuple binding a `D` by `ref` across an
    /// await (the scrutinee lives to the end of the `match`).
    name: match_awaited_tuple_ref_binding,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            match pend(1, (D::new("m"), k)).await {
                (ref d, n) if n > 2 => {
                    pend(1, ()).await;
                    d.touch() + n as usize
                }
                (ref d, n) => {
                    log("small");
                    pend(1, n as usize).await
                }
            }
        }
        async fn go() -> (usize, usize) { (f(3).await, f(1).await) }
    },
    run: go(),
}

differential! {
    /// `?` on `Option` in an `async fn` returning `Option`, after awaits
    /// with values alive.
    name: question_mark_on_option_after_awaits,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> Option<u32> {
            let _a = D::new("a");
            let mut s = 0;
            for k in keys {
                let _k = D::new("k");
                s += lookup(k).await?;
            }
            Some(s)
        }
        async fn go() -> (Option<u32>, Option<u32>) { (f(vec!["k1", "k2"]).await, f(vec!["k1", "x", "k3"]).await) }
    },
    run: go(),
}

differential! {
    /// `?` converting errors through `From` into `Box<dyn Error>` after
    /// awaits.
    name: question_mark_into_boxed_error,
    items: {
        #[lh] async fn f(s: &str) -> Result<u32, Box<dyn std::error::Error>> {
            let _d = D::new("d");
            let t = pend(1, s.trim()).await;
            let n: u32 = t.parse()?;
            let h = check(n).await?;
            Ok(h)
        }
        async fn go() -> Vec<String> {
            let mut out = vec![];
            for s in [" 4", "x", "3"] {
                out.push(match f(s).await { Ok(v) => v.to_string(), Err(e) => e.to_string() });
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// An index expression whose index awaits, on a `Vec`, and a
    /// mutable borrow of an element kept across an await.
    name: index_awaited_and_element_borrow_across_await,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![1u32, 2, 3];
            let a = v[pend(1, 2usize).await];
            let slot = &mut v[pend(1, 0usize).await];
            *slot += pend(1, a).await;
            v
        }
    },
    run: f(),
}

differential! {
    /// Awaits inside `format!`, `vec!` and `assert_eq!` arguments.
    name: awaits_in_std_macro_arguments,
    items: {
        #[lh] async fn f() -> (String, Vec<u32>) {
            let s = format!("{}-{}", pend(1, 1).await, fetch(2).await);
            let v = vec![fetch(1).await, 2, pend(1, 3).await];
            assert_eq!(pend(1, 3).await, v.len(), "length");
            (s, v)
        }
    },
    run: f(),
}

differential! {
    /// Shared state in `Rc<RefCell<..>>` mutated between awaits, each
    /// borrow within one statement.
    name: rc_refcell_shared_state_between_awaits,
    items: {
        #[lh] async fn worker(state: Rc<RefCell<Vec<u32>>>, id: u32) -> usize {
            for i in 0..2 {
                let v = fetch(id * 10 + i).await;
                state.borrow_mut().push(v);
            }
            state.borrow().len()
        }
        async fn go() -> (usize, usize, Vec<u32>) {
            let st = Rc::new(RefCell::new(vec![]));
            let a = worker(st.clone(), 1).await;
            let b = worker(st.clone(), 2).await;
            let v = st.borrow().clone();
            (a, b, v)
        }
    },
    run: go(),
}

differential! {
    /// A `&mut Vec<D>` parameter: `retain`, `push` and `pop` between awaits.
    name: mut_vec_of_values_parameter,
    items: {
        #[lh] async fn prune(v: &mut Vec<D>, keep: usize) -> usize {
            pend(1, ()).await;
            v.retain(|d| d.0.len() <= keep);
            let n = pend(1, v.len()).await;
            v.push(D::new("new"));
            let last = v.pop();
            pend(1, ()).await;
            n + last.map_or(0, |d| d.touch())
        }
        async fn go() -> (usize, usize) {
            let mut v = vec![D::new("a"), D::new("bbb"), D::new("cc")];
            let n = prune(&mut v, 2).await;
            (n, v.len())
        }
    },
    run: go(),
}

differential! {
    /// A generic `T: Default + Debug` local kept across awaits and
    /// replaced.
    name: generic_default_local_across_awaits,
    items: {
        #[lh] async fn fill<T: Default + Debug + Clone>(x: T, n: usize) -> Vec<T> {
            let mut cur = T::default();
            let mut out = vec![];
            for _ in 0..n {
                out.push(pend(1, cur.clone()).await);
                cur = x.clone();
            }
            out
        }
        async fn go() -> (Vec<String>, Vec<u8>) { (fill("x".to_string(), 3).await, fill(7u8, 2).await) }
    },
    run: go(),
}

differential! {
    /// A `loop` with a `break` value whose scrutinee awaits.
    name: loop_break_value_scrutinee_awaits,
    items: {
        #[lh] async fn f(start: u32) -> (u32, u32) {
            let mut i = start;
            let _d = D::new("d");
            let found = loop {
                let _it = D::new("it");
                match check(i).await {
                    Ok(h) if h > 2 => break h,
                    Ok(_) => i += 2,
                    Err(_) => i += 1,
                }
            };
            (found, i)
        }
    },
    run: f(1),
}

differential! {
    /// Deep nesting: `if let` in a `loop` in a `match` arm, awaits at each
    /// level, `break` and `continue` with labels.
    name: deep_nesting_labels_and_awaits,
    items: {
        #[lh] async fn f(cmds: Vec<Option<u32>>) -> u32 {
            let mut acc = 0;
            let mut it = cmds.into_iter();
            'cmds: loop {
                let _c = D::new("cmd");
                match it.next() {
                    None => break,
                    Some(cmd) => {
                        if let Some(n) = cmd {
                            let mut k = 0;
                            loop {
                                k += 1;
                                let _k = D::new("k");
                                if k > n {
                                    continue 'cmds;
                                }
                                acc += pend(1, k).await;
                                if acc > 8 {
                                    break 'cmds;
                                }
                            }
                        } else {
                            pend(1, ()).await;
                        }
                    }
                }
            }
            acc
        }
    },
    run: f(vec![Some(2), None, Some(3), Some(5)]),
}

differential! {
    /// A sorted copy of an awaited `Vec` made in a block, a `D` in the
    /// block dropped before the next await.
    name: block_mutates_awaited_value,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let v = {
                let _b = D::new("b");
                let mut v = pend(1, vec![3u32, 1, 2]).await;
                v.sort();
                v
            };
            pend(1, ()).await;
            v
        }
    },
    run: f(),
}

differential! {
    /// `impl Into<String>` and `AsRef<str>` arguments converted between
    /// awaits.
    name: into_and_as_ref_arguments,
    items: {
        #[lh] async fn greet(name: impl Into<String>, tags: &[impl AsRef<str>]) -> String {
            let mut s: String = name.into();
            for t in tags {
                pend(1, ()).await;
                s.push('/');
                s.push_str(t.as_ref());
            }
            s
        }
        async fn go() -> String { greet("ann", &["a", "b"]).await }
    },
    run: go(),
}

differential! {
    /// An `async fn` returning `impl Debug`, awaited values boxed into it.
    name: returns_impl_debug,
    items: {
        #[lh] async fn f(n: u32) -> impl Debug {
            let _d = D::new("d");
            let v: Vec<u32> = vec![pend(1, n).await, fetch(n).await];
            (v, pend(1, "done").await)
        }
    },
    run: f(2),
}

differential! {
    /// A retry loop with backoff state, an `AsyncFn` operation passed in
    /// and called with a borrowed attempt counter.
    name: retry_with_async_fn_operation,
    items: {
        #[lh] async fn retry<F>(op: F, max: u32) -> Result<u32, String>
        where
            F: AsyncFn(u32) -> Result<u32, String>,
        {
            let mut delay = 1;
            let mut last = String::new();
            for attempt in 0..max {
                let _a = D::new("attempt");
                match op(attempt).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        last = e;
                        pend(delay, ()).await;
                        delay *= 2;
                    }
                }
            }
            Err(last)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            let a = retry(async |n| check(n + 1).await, 3).await;
            let b = retry(async |n| check(n * 2 + 1).await, 2).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A `match` with an `if let` guard-free arm that awaits in a nested
    /// `match` on a borrowed field of a parameter.
    name: nested_match_on_borrowed_field,
    items: {
        struct Req { path: String, body: Option<Vec<u8>>, _d: D }
        #[lh] async fn handle(req: &Req) -> String {
            match req.path.as_str() {
                "/echo" => match &req.body {
                    Some(b) if !b.is_empty() => {
                        let n = pend(1, b.len()).await;
                        format!("echo {n}")
                    }
                    Some(_) => pend(1, "empty".to_string()).await,
                    None => "none".to_string(),
                },
                p => {
                    let n = fetch(p.len() as u32).await;
                    format!("{p} {n}")
                }
            }
        }
        async fn go() -> Vec<String> {
            let a = Req { path: "/echo".into(), body: Some(vec![1, 2]), _d: D::new("a") };
            let b = Req { path: "/echo".into(), body: Some(vec![]), _d: D::new("b") };
            let c = Req { path: "/x".into(), body: None, _d: D::new("c") };
            vec![handle(&a).await, handle(&b).await, handle(&c).await]
        }
    },
    run: go(),
}

differential! {
    /// A panic inside an `async` closure called from the body, with the
    /// closure's captures and the body's locals alive.
    name: panic_inside_async_closure,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("captured");
            let op = async |x: u32| {
                let _in = D::new("in-closure");
                pend(1, ()).await;
                if x > 1 { panic!("closure {} {}", x, d.0) }
                x
            };
            let a = op(1).await;
            let _b = D::new("b");
            a + op(2).await
        }
    },
    run: f(),
}

differential! {
    /// A panic with a formatted message after an await inside a `match`
    /// arm, a scrutinee temporary alive.
    name: panic_in_arm_with_scrutinee_temporary,
    items: {
        fn mk() -> D { D::new("scrut") }
        #[lh] async fn f() -> usize {
            match mk().touch() {
                5 => {
                    pend(1, ()).await;
                    panic!("five")
                }
                n => n,
            }
        }
    },
    run: f(),
}

differential! {
    /// A `while` loop whose condition awaits and borrows a local `Vec`.
    name: while_condition_awaits_borrowing_local,
    items: {
        async fn has_more(v: &[u32], i: usize) -> bool {
            pend(1, i < v.len()).await
        }
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let mut i = 0;
            let mut s = 0;
            while has_more(&v, i).await {
                let _d = D::new("it");
                s += v[i];
                i += 1;
            }
            s
        }
    },
    run: f(vec![4, 5, 6]),
}

differential! {
    /// Neighbour of s14-4 that works: `x: &impl Display`.
    name: s14_4_neighbour_ref_impl,
    items: {
        #[lh] async fn f(x: &impl std::fmt::Display) -> usize {
            let s = x.to_string(); pend(1, ()).await; s.len() + x.to_string().len()
        }
    },
    run: f(&5u32),
}

differential! {
    /// Neighbour of s14-4 that works: `v: Vec<impl Debug>`.
    name: s14_4_neighbour_vec_of_impl,
    items: {
        #[lh] async fn f(v: Vec<impl Debug>) -> usize {
            pend(1, ()).await; format!("{v:?}").len()
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// Neighbour of s14-4 that works: `o: Option<impl Into<u64>>`.
    name: s14_4_neighbour_option_of_impl,
    items: {
        #[lh] async fn f(o: Option<impl Into<u64>>) -> usize {
            pend(1, ()).await; o.map_or(0, |x| x.into() as usize)
        }
    },
    run: f(Some(3u8)),
}

differential! {
    /// Neighbour of s14-4 that works: `x: impl Display`.
    name: s14_4_neighbour_top_impl,
    items: {
        #[lh] async fn f(x: impl std::fmt::Display) -> usize {
            pend(1, ()).await; x.to_string().len()
        }
    },
    run: f(55u32),
}

differential! {
    /// The smallest s14-4: `tags: &[impl AsRef<str>]`, one await.
    name: s14_4_slice_of_impl_minimal,
    items: {
        #[lh] async fn f(tags: &[impl AsRef<str>]) -> usize {
            pend(1, ()).await; tags.len()
        }
    },
    run: f(&["a", "b"]),
}

differential! {
    /// Neighbour of s14-4 that works: `v: Vec<impl Debug>` iterated with awaits.
    name: s14_4_neighbour_vec_of_impl_loop,
    items: {
        #[lh] async fn f(v: Vec<impl Debug>) -> usize {
            let mut n = 0; for x in v { pend(1, ()).await; n += format!("{x:?}").len(); } n
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// s14-4: `v: &[impl Debug]` iterated with awaits.
    name: s14_4_slice_of_impl_loop,
    items: {
        #[lh] async fn f(v: &[impl Debug]) -> usize {
            let mut n = 0; for x in v { pend(1, ()).await; n += format!("{x:?}").len(); } n
        }
    },
    run: f(&[1, 2]),
}

differential! {
    /// Neighbour of s14-4 that works: `a: [impl Debug; 2]`.
    name: s14_4_neighbour_array_of_impl,
    items: {
        #[lh] async fn f(a: [impl Debug; 2]) -> usize {
            pend(1, ()).await; format!("{a:?}").len()
        }
    },
    run: f([1, 2]),
}

differential! {
    /// Neighbour of s14-4 that works: `t: (impl Debug, u32)`.
    name: s14_4_neighbour_tuple_of_impl,
    items: {
        #[lh] async fn f(t: (impl Debug, u32)) -> usize {
            pend(1, ()).await; format!("{:?}", t.0).len() + t.1 as usize
        }
    },
    run: f((7u8, 2)),
}

differential! {
    /// s14-4: `v: &mut [impl Debug]`.
    name: s14_4_mut_slice_of_impl,
    items: {
        #[lh] async fn f(v: &mut [impl Debug]) -> usize {
            pend(1, ()).await; v.len()
        }
        async fn go() -> usize {
            let mut v = [1, 2];
            f(&mut v).await
        }
    },
    run: go(),
}
