//! Stress round 12: realistic code as written in async crates, in shapes
//! earlier rounds did not focus on: futures as values (a call's future
//! stored and awaited later, `pin!` futures awaited through `as_mut()` and
//! `&mut` in loops, `Box::pin` futures in a `Vec`, futures created and
//! dropped unpolled, `IntoFuture`, `ready`, `poll_fn` closures borrowing
//! locals, `async` blocks capturing locals by reference and returned from
//! `match` arms), iteration with borrows kept across awaits (`iter`,
//! `chunks`, `windows`, `iter_mut`, `split_at_mut`, `BTreeMap`, `zip`,
//! `peekable`, `drain`, `into_iter` left early), dense control flow
//! (labelled loops with `continue 'outer` / `break 'outer v`, `return` in
//! `loop { match }` arms, `?` in nested blocks, `let else` whose `else`
//! awaits, `while` conditions and `else if` conditions that await), drop
//! order subtleties (shadowing, `Option::take`/`replace`, `mem::swap`,
//! partly consumed tuples and `Vec`s, field reassignment), generics and
//! lifetimes (references returned from parameters after awaits, `impl Fn`
//! and `&mut dyn Trait` parameters, generic structs with async methods), and
//! panics mid-body with live values at several scope levels. Written to
//! find where the lowering differs from rustc. Its two findings are fixed
//! (s12-1: a value `loop` resumed at a `break 'outer x.await`; s12-2: an
//! `async` block awaiting a captured future); the old gaps it met again are
//! kept as `known_gap!` with their reasons.
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_labels,
    unreachable_code,
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
    clippy::needless_lifetimes
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::Poll;

/// A downstream call: suspends once, logs, returns twice its argument.
async fn fetch(x: u32) -> u32 {
    log(format!("fetch {x}"));
    pend(1, x * 2).await
}

/// A downstream call holding a guard while it runs (visible if dropped
/// unpolled: nothing is logged; dropped mid-way: `drop pend`, then the guard).
async fn fetch_guarded(name: &'static str, x: u32) -> u32 {
    let g = D::new(name);
    pend(1, ()).await;
    x + g.0.len() as u32
}

/// A request type with an `IntoFuture` impl, as `reqwest`'s builders do.
struct Get {
    id: u32,
    _d: D,
}

impl IntoFuture for Get {
    type Output = u32;
    type IntoFuture = Pin<Box<dyn Future<Output = u32>>>;

    fn into_future(self) -> Self::IntoFuture {
        log(format!("into_future {}", self.id));
        Box::pin(async move {
            let me = self;
            pend(1, ()).await;
            me.id * 10
        })
    }
}

fn get(id: u32, name: &'static str) -> Get {
    Get {
        id,
        _d: D::new(name),
    }
}

/// A store trait used through `&mut dyn` and generics.
trait Store {
    fn name(&self) -> &str;
    fn put(&mut self, k: u32, v: u32);
    fn get(&self, k: u32) -> Option<u32>;
}

#[derive(Default)]
struct MemStore {
    map: BTreeMap<u32, u32>,
    label: String,
}

impl Store for MemStore {
    fn name(&self) -> &str {
        &self.label
    }
    fn put(&mut self, k: u32, v: u32) {
        log(format!("put {k}={v}"));
        self.map.insert(k, v);
    }
    fn get(&self, k: u32) -> Option<u32> {
        self.map.get(&k).copied()
    }
}

fn store(label: &str) -> MemStore {
    MemStore {
        map: BTreeMap::new(),
        label: label.to_string(),
    }
}

#[derive(Debug)]
struct Error(String);

// ---------------------------------------------------------------------------
// 1. Futures as values
// ---------------------------------------------------------------------------

differential! {
    /// A call's future stored in a local, other awaits first, then awaited.
    name: stored_future_awaited_after_other_awaits,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let g = D::new("g");
            let later = fetch_guarded("later", x);
            let a = fetch(x).await;
            let b = fetch(a).await;
            log("now later");
            a + b + later.await
        }
    },
    run: f(3),
}

differential! {
    /// Two stored futures, the second awaited first; the first dropped
    /// unpolled at the end.
    name: stored_futures_one_never_polled,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let first = fetch_guarded("first", x);
            let second = fetch_guarded("second", x + 1);
            let d = D::new("d");
            let n = second.await;
            pend(1, ()).await;
            n + d.touch() as u32
        }
    },
    run: f(1),
}

differential! {
    /// `pin!` a future, poll it through `as_mut()` in a loop racing a
    /// counter, as a hand-written select does.
    name: pinned_future_as_mut_in_loop,
    items: {
        #[lh] async fn f() -> (u32, u32) {
            let mut fut = std::pin::pin!(fetch_guarded("slow", 7));
            let mut ticks = 0;
            let out = loop {
                let r = std::future::poll_fn(|cx| match fut.as_mut().poll(cx) {
                    Poll::Ready(v) => Poll::Ready(Some(v)),
                    Poll::Pending => Poll::Ready(None),
                })
                .await;
                if let Some(v) = r {
                    break v;
                }
                ticks += 1;
                pend(1, ()).await;
            };
            (out, ticks)
        }
    },
    run: f(),
}

differential! {
    /// `(&mut fut).await` on a pinned future after other awaits.
    name: pinned_future_awaited_by_mut_ref,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let d = D::new("d");
            let mut fut = std::pin::pin!(fetch_guarded("inner", x));
            let a = fetch(1).await;
            let b = (&mut fut).await;
            a + b + d.touch() as u32
        }
    },
    run: f(5),
}

differential! {
    /// `Box::pin` futures collected into a `Vec`, awaited one by one, the
    /// rest dropped unpolled when one returns early.
    name: boxed_futures_in_vec_awaited_in_order,
    items: {
        #[lh] async fn f(ids: Vec<u32>, stop: u32) -> Vec<u32> {
            let mut futs: Vec<Pin<Box<dyn Future<Output = u32>>>> = Vec::new();
            let names = ["a", "b", "c", "d"];
            for (i, id) in ids.iter().enumerate() {
                futs.push(Box::pin(fetch_guarded(names[i], *id)));
            }
            let guard = D::new("guard");
            let mut out = Vec::new();
            for fut in futs {
                let v = fut.await;
                if v == stop {
                    return out;
                }
                out.push(v);
            }
            out
        }
    },
    run: f(vec![1, 2, 3, 4], 3),
}

differential! {
    /// A boxed-future queue (`VecDeque`) drained with `pop_front` in a
    /// `while let`, each one awaited.
    name: boxed_future_queue_pop_front,
    items: {
        #[lh] async fn f() -> u32 {
            let mut q: VecDeque<Pin<Box<dyn Future<Output = u32>>>> = VecDeque::new();
            q.push_back(Box::pin(fetch(1)));
            q.push_back(Box::pin(fetch_guarded("q2", 2)));
            q.push_back(Box::pin(async { pend(2, 9).await }));
            let mut sum = 0;
            while let Some(next) = q.pop_front() {
                sum += next.await;
                log(format!("left {}", q.len()));
            }
            sum
        }
    },
    run: f(),
}

differential! {
    /// Futures created, then dropped unpolled by an explicit `drop` and by
    /// reassignment, between awaits.
    name: futures_dropped_unpolled_between_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let a = pend(3, D::new("a-out"));
            let mut b = pend(2, 1u32);
            pend(1, ()).await;
            drop(a);
            b = pend(1, 2u32);
            let n = b.await;
            n
        }
    },
    run: f(),
}

differential! {
    /// A type implementing `IntoFuture`, built then awaited: the conversion
    /// runs at the `.await`.
    name: into_future_builder_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let req = get(4, "req");
            log("built");
            let a = fetch(1).await;
            let b = req.await;
            a + b + get(1, "inline").await
        }
    },
    run: f(),
}

differential! {
    /// `IntoFuture` values in a `Vec`, awaited in a `for` loop with an
    /// early `break`: the rest drop with the iterator.
    name: into_future_vec_loop_break,
    items: {
        #[lh] async fn f() -> u32 {
            let reqs = vec![get(1, "r1"), get(2, "r2"), get(3, "r3")];
            let mut total = 0;
            for r in reqs {
                total += r.await;
                if total > 15 {
                    break;
                }
            }
            log("after loop");
            total
        }
    },
    run: f(),
}

differential! {
    /// `core::future::ready` mixed with real suspensions, and a `ready` of a
    /// dropper stored and awaited later.
    name: ready_futures_mixed,
    items: {
        #[lh] async fn f(flag: bool) -> usize {
            let r = std::future::ready(D::new("ready-d"));
            let n = if flag { std::future::ready(3).await } else { pend(1, 4).await };
            let d = r.await;
            n + d.touch()
        }
    },
    run: f(true),
}

differential! {
    /// `poll_fn` closure borrowing a local counter and a `RefCell` queue.
    name: poll_fn_borrows_locals,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let q = RefCell::new(VecDeque::from(vec![1u32, 2, 3]));
            let mut polls = 0;
            let mut got = Vec::new();
            let d = D::new("d");
            while got.len() < 3 {
                let v = std::future::poll_fn(|cx| {
                    polls += 1;
                    if polls % 2 == 1 {
                        cx.waker().wake_by_ref();
                        return Poll::Pending;
                    }
                    Poll::Ready(q.borrow_mut().pop_front())
                })
                .await;
                if let Some(v) = v {
                    got.push(v + pend(1, 0).await);
                }
            }
            got.push(polls);
            got
        }
    },
    run: f(),
}

differential! {
    /// An `async` block capturing locals by reference, stored, more awaits,
    /// then awaited.
    name: async_block_by_ref_awaited_later,
    items: {
        #[lh] async fn f(base: u32) -> u32 {
            let cfg = D::new("cfg");
            let names = vec![String::from("x"), String::from("yy")];
            let job = async {
                let n = pend(1, names.len() as u32).await;
                n + cfg.touch() as u32
            };
            let a = fetch(base).await;
            let b = job.await;
            a + b + names[1].len() as u32
        }
    },
    run: f(2),
}

differential! {
    /// `async` blocks returned from `match` arms (boxed), then awaited.
    name: async_blocks_from_match_arms,
    items: {
        #[lh] async fn f(kind: u8, x: u32) -> u32 {
            let g = D::new("g");
            let job: Pin<Box<dyn Future<Output = u32>>> = match kind {
                0 => Box::pin(async move { pend(1, x).await }),
                1 => Box::pin(async move {
                    let d = D::new("arm1");
                    pend(2, x + d.0.len() as u32).await
                }),
                _ => Box::pin(std::future::ready(0)),
            };
            pend(1, ()).await;
            job.await + 1
        }
        async fn all() -> Vec<u32> {
            vec![f(0, 1).await, f(1, 2).await, f(5, 3).await]
        }
    },
    run: all(),
}

differential! {
    /// A stored future of a method borrowing `&self`, awaited after another
    /// method call on `&self`.
    name: stored_method_future_shared_borrow,
    items: {
        struct Client { base: u32, _d: D }
        impl Client {
            async fn call(&self, x: u32) -> u32 {
                pend(1, self.base + x).await
            }
            #[lh] async fn both(&self) -> u32 {
                let f1 = self.call(1);
                let f2 = self.call(2);
                let b = f2.await;
                let a = f1.await;
                a * 10 + b
            }
        }
        async fn go() -> u32 {
            let c = Client { base: 5, _d: D::new("client") };
            c.both().await
        }
    },
    run: go(),
}

differential! {
    /// Pinned futures in a `Vec<Pin<Box<..>>>` polled round-robin by hand
    /// through a `poll_fn` (a tiny `join_all`).
    name: hand_join_all_round_robin,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut futs: Vec<Pin<Box<dyn Future<Output = u32>>>> = vec![
                Box::pin(async { pend(2, 1).await }),
                Box::pin(fetch_guarded("j2", 2)),
                Box::pin(std::future::ready(3)),
            ];
            let mut out: Vec<Option<u32>> = vec![None; futs.len()];
            let d = D::new("d");
            std::future::poll_fn(|cx| {
                let mut done = true;
                for (i, fut) in futs.iter_mut().enumerate() {
                    if out[i].is_none() {
                        match fut.as_mut().poll(cx) {
                            Poll::Ready(v) => out[i] = Some(v),
                            Poll::Pending => done = false,
                        }
                    }
                }
                if done { Poll::Ready(()) } else { Poll::Pending }
            })
            .await;
            pend(1, ()).await;
            out.into_iter().map(|o| o.unwrap()).collect()
        }
    },
    run: f(),
}

differential! {
    /// A future chosen by `if`, stored, awaited after the guard it
    /// borrows from is used.
    name: future_chosen_by_if_awaited_later,
    items: {
        #[lh] async fn f(fast: bool) -> u32 {
            let d = D::new("d");
            let fut: Pin<Box<dyn Future<Output = u32> + '_>> = if fast {
                Box::pin(std::future::ready(d.touch() as u32))
            } else {
                Box::pin(async { pend(2, d.touch() as u32).await })
            };
            log("chosen");
            pend(1, ()).await;
            fut.await
        }
        async fn both() -> (u32, u32) {
            (f(true).await, f(false).await)
        }
    },
    run: both(),
}

differential! {
    /// `Option<future>` taken out in a loop and awaited once.
    name: optional_future_taken_once,
    items: {
        #[lh] async fn f() -> u32 {
            let mut pending = Some(fetch_guarded("once", 4));
            let mut sum = 0;
            for i in 0..3u32 {
                if let Some(fut) = pending.take() {
                    sum += fut.await;
                }
                sum += pend(1, i).await;
            }
            sum
        }
    },
    run: f(),
}

differential! {
    /// An unpolled future in an `Option` replaced by another before any poll.
    name: optional_future_replaced_unpolled,
    items: {
        #[lh] async fn f() -> u32 {
            let mut slot = Some(pend(2, D::new("old")));
            pend(1, ()).await;
            let old = slot.replace(pend(1, D::new("new")));
            drop(old);
            let d = slot.unwrap().await;
            d.touch() as u32
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 2. Iteration with borrows kept across awaits
// ---------------------------------------------------------------------------

differential! {
    /// `for x in v.iter()` with awaits and a dropper per iteration.
    name: iter_borrow_across_awaits,
    items: {
        #[lh] async fn f(v: Vec<String>) -> usize {
            let mut total = 0;
            for s in v.iter() {
                let d = D::new("per-iter");
                total += pend(1, s.len()).await;
            }
            total + v.len()
        }
    },
    run: f(vec!["ab".into(), "cde".into()]),
}

differential! {
    /// `.chunks(2)` over a borrowed slice, batch-sent.
    name: chunks_batch_send,
    items: {
        async fn send(batch: &[u32]) -> u32 {
            pend(1, batch.iter().sum()).await
        }
        #[lh] async fn f(items: Vec<u32>) -> Vec<u32> {
            let conn = D::new("conn");
            let mut acks = Vec::new();
            for batch in items.chunks(2) {
                let ack = send(batch).await;
                acks.push(ack + batch.len() as u32);
            }
            acks
        }
    },
    run: f(vec![1, 2, 3, 4, 5]),
}

differential! {
    /// `.windows(2)` with an await per pair and an early `return` on a
    /// decreasing pair.
    name: windows_early_return,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Result<u32, String> {
            let g = D::new("g");
            let mut steps = 0;
            for w in xs.windows(2) {
                let d = D::new("w");
                let (a, b) = (w[0], w[1]);
                if pend(1, b < a).await {
                    return Err(format!("decrease at {a}->{b}"));
                }
                steps += b - a;
            }
            Ok(steps)
        }
        async fn both() -> (Result<u32, String>, Result<u32, String>) {
            (f(vec![1, 3, 6]).await, f(vec![1, 5, 2, 7]).await)
        }
    },
    run: both(),
}

differential! {
    /// `.iter_mut()` modifying elements between awaits.
    name: iter_mut_modify_between_awaits,
    items: {
        #[lh] async fn f(mut v: Vec<u32>) -> Vec<u32> {
            for x in v.iter_mut() {
                let add = pend(1, *x).await;
                *x += add;
                pend(1, ()).await;
                *x *= 2;
            }
            v
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `split_at_mut` halves held across awaits.
    name: split_at_mut_halves_across_awaits,
    items: {
        #[lh] async fn f(mut v: Vec<u32>) -> Vec<u32> {
            let mid = v.len() / 2;
            let (left, right) = v.split_at_mut(mid);
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let s = pend(1, *l + *r).await;
                *l = s;
                *r = pend(1, s * 2).await;
            }
            v
        }
    },
    run: f(vec![1, 2, 3, 4]),
}

differential! {
    /// `BTreeMap` iteration by reference, each value awaited on, then a
    /// second pass with `values_mut`.
    name: btreemap_iter_then_values_mut,
    items: {
        #[lh] async fn f() -> BTreeMap<String, u32> {
            let mut m = BTreeMap::new();
            m.insert("b".to_string(), 2u32);
            m.insert("a".to_string(), 1);
            m.insert("c".to_string(), 3);
            let d = D::new("d");
            for (k, v) in &m {
                log(format!("visit {k}"));
                pend(1, *v).await;
            }
            for v in m.values_mut() {
                *v = fetch(*v).await;
            }
            m
        }
    },
    run: f(),
}

differential! {
    /// `enumerate().rev()` over a slice of droppers, awaiting per item.
    name: enumerate_rev_over_droppers,
    items: {
        #[lh] async fn f(items: Vec<D>) -> usize {
            let mut acc = 0;
            for (i, d) in items.iter().enumerate().rev() {
                acc += pend(1, i * d.touch()).await;
            }
            acc
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("ccc")]),
}

differential! {
    /// `zip` of an owned `Vec<D>` and a borrowed slice; the longer side's
    /// remainder drops with the iterator.
    name: zip_owned_and_borrowed,
    items: {
        #[lh] async fn f(ds: Vec<D>, ns: &[u32]) -> u32 {
            let mut s = 0;
            for (d, n) in ds.into_iter().zip(ns) {
                s += pend(1, *n).await + d.touch() as u32;
            }
            log("done");
            s
        }
        async fn go() -> u32 {
            let ns = [10, 20];
            f(vec![D::new("x"), D::new("y"), D::new("z")], &ns).await
        }
    },
    run: go(),
}

differential! {
    /// `peekable()` with `while let Some(x) = it.next()` and `it.peek()`
    /// to coalesce runs, awaiting per run.
    name: peekable_coalesce_runs,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Vec<(u32, u32)> {
            let mut it = xs.iter().peekable();
            let mut out = Vec::new();
            let g = D::new("g");
            while let Some(&x) = it.next() {
                let mut n = 1;
                while it.peek() == Some(&&x) {
                    it.next();
                    n += 1;
                }
                out.push((pend(1, x).await, n));
            }
            out
        }
    },
    run: f(vec![1, 1, 2, 3, 3, 3]),
}

differential! {
    /// `next_if` on a peekable of owned droppers, across awaits.
    name: peekable_next_if_owned,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            let mut it = v.into_iter().peekable();
            let mut n = 0;
            while let Some(d) = it.next_if(|d| d.0.len() < 3) {
                n += pend(1, d.touch()).await;
            }
            if let Some(rest) = it.peek() {
                log(format!("stopped at {}", rest.0));
            }
            pend(1, ()).await;
            n
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("ccc"), D::new("d")]),
}

differential! {
    /// `drain(..)` across awaits: the drained elements are moved out one by
    /// one, the `Drain` lives across each await.
    name: drain_across_awaits,
    items: {
        #[lh] async fn f() -> (usize, usize) {
            let mut buf = vec![D::new("m1"), D::new("m2"), D::new("m3")];
            let mut sent = 0;
            for d in buf.drain(..) {
                sent += pend(1, d.touch()).await;
            }
            buf.push(D::new("m4"));
            (sent, buf.len())
        }
    },
    run: f(),
}

differential! {
    /// `drain(..2)` broken out of early: the drain drops the rest of its
    /// range and shifts the tail.
    name: drain_range_break_early,
    items: {
        #[lh] async fn f() -> Vec<&'static str> {
            let mut buf = vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")];
            for d in buf.drain(..3) {
                if pend(1, d.0 == "b").await {
                    break;
                }
            }
            pend(1, ()).await;
            buf.iter().map(|d| d.0).collect()
        }
    },
    run: f(),
}

differential! {
    /// `into_iter()` of a `Vec<D>` broken out of: the remaining elements drop
    /// when the loop ends, before the code after it.
    name: into_iter_break_remaining_drop,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            let g = D::new("guard");
            let mut n = 0;
            for d in v {
                n += pend(1, d.touch()).await;
                if d.0 == "b" {
                    break;
                }
            }
            log("after");
            pend(1, n).await
        }
    },
    run: f(vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")]),
}

differential! {
    /// `into_iter()` kept in a local and resumed after the loop.
    name: into_iter_resumed_after_break,
    items: {
        #[lh] async fn f(v: Vec<D>) -> Vec<&'static str> {
            let mut it = v.into_iter();
            for d in it.by_ref() {
                if pend(1, d.0).await == "b" {
                    break;
                }
            }
            let rest: Vec<&'static str> = it.as_slice().iter().map(|d| d.0).collect();
            pend(1, ()).await;
            rest
        }
    },
    run: f(vec![D::new("a"), D::new("b"), D::new("c")]),
}

differential! {
    /// `iter().rev().skip_while().take()` chains across awaits.
    name: iterator_chain_skip_take,
    items: {
        #[lh] async fn f(v: &[u32]) -> Vec<u32> {
            let mut out = vec![];
            for x in v.iter().rev().skip_while(|x| **x > 5).take(3) {
                out.push(fetch(*x).await);
            }
            out
        }
        async fn go() -> Vec<u32> {
            let v = vec![1, 2, 3, 4, 9, 8];
            f(&v).await
        }
    },
    run: go(),
}

differential! {
    /// `BTreeMap::range` with a borrowed key and an await inside; the map is
    /// mutated after the loop.
    name: btreemap_range_then_insert,
    items: {
        #[lh] async fn f(mut m: BTreeMap<u32, D>, from: u32) -> Vec<u32> {
            let mut seen = vec![];
            for (k, d) in m.range(from..) {
                d.touch();
                seen.push(pend(1, *k).await);
            }
            m.insert(100, D::new("new"));
            m.remove(&from);
            pend(1, ()).await;
            seen
        }
        async fn go() -> Vec<u32> {
            let mut m = BTreeMap::new();
            m.insert(1, D::new("one"));
            m.insert(2, D::new("two"));
            m.insert(3, D::new("three"));
            f(m, 2).await
        }
    },
    run: go(),
}

differential! {
    /// `retain` after an awaited scan; the retained droppers drop in order.
    name: scan_then_retain,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> usize {
            let mut bad = Vec::new();
            for (i, d) in v.iter().enumerate() {
                if pend(1, d.0.starts_with('x')).await {
                    bad.push(i);
                }
            }
            let mut i = 0;
            v.retain(|_| {
                let keep = !bad.contains(&i);
                i += 1;
                keep
            });
            pend(1, v.len()).await
        }
    },
    run: f(vec![D::new("a"), D::new("xb"), D::new("c"), D::new("xd")]),
}

// ---------------------------------------------------------------------------
// 3. Control flow density
// ---------------------------------------------------------------------------

differential! {
    /// Nested labelled loops over a grid: `continue 'rows` and
    /// `break 'rows value` around awaits, droppers at each level.
    name: labelled_grid_search,
    items: {
        #[lh] async fn f(grid: Vec<Vec<u32>>, want: u32) -> Option<(usize, usize)> {
            let g = D::new("g");
            let found = 'rows: loop {
                for (r, row) in grid.iter().enumerate() {
                    let rd = D::new("row");
                    for (c, cell) in row.iter().enumerate() {
                        let cd = D::new("cell");
                        let v = pend(1, *cell).await;
                        if v == 0 {
                            continue 'rows;
                        }
                        if v == want {
                            break 'rows Some((r, c));
                        }
                    }
                }
                break None;
            };
            pend(1, ()).await;
            found
        }
        async fn go() -> (Option<(usize, usize)>, Option<(usize, usize)>) {
            (f(vec![vec![1, 2], vec![3, 4]], 4).await, f(vec![vec![1, 2], vec![3]], 9).await)
        }
    },
    run: go(),
}

differential! {
    /// `continue 'outer` from inside a `while` whose condition awaits.
    name: continue_outer_from_awaiting_while,
    items: {
        #[lh] async fn f(jobs: Vec<u32>) -> Vec<u32> {
            let mut done = vec![];
            'outer: for j in jobs {
                let jd = D::new("job");
                let mut tries = 0;
                while pend(1, tries < 3).await {
                    tries += 1;
                    if j % 2 == 0 && tries == 2 {
                        continue 'outer;
                    }
                }
                done.push(j * 10 + tries);
            }
            done
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `loop { match .. }` with `return` in arms, a state machine driving a
    /// connection with a guard at function and loop level.
    name: loop_match_return_in_arms,
    items: {
        enum Ev { Data(u32), Ping, Close(D), Fail(&'static str) }
        #[lh] async fn f(evs: Vec<Ev>) -> Result<u32, String> {
            let conn = D::new("conn");
            let mut it = evs.into_iter();
            let mut total = 0;
            loop {
                let step = D::new("step");
                match it.next() {
                    Some(Ev::Data(n)) => total += fetch(n).await,
                    Some(Ev::Ping) => {
                        pend(1, ()).await;
                        continue;
                    }
                    Some(Ev::Close(d)) => {
                        pend(1, ()).await;
                        d.touch();
                        return Ok(total);
                    }
                    Some(Ev::Fail(why)) => return Err(why.to_string()),
                    None => break,
                }
            }
            Ok(total + 1000)
        }
        async fn go() -> Vec<Result<u32, String>> {
            vec![
                f(vec![Ev::Data(1), Ev::Ping, Ev::Close(D::new("close")), Ev::Data(5)]).await,
                f(vec![Ev::Data(2), Ev::Fail("boom"), Ev::Close(D::new("never"))]).await,
                f(vec![Ev::Ping]).await,
            ]
        }
    },
    run: go(),
}

differential! {
    /// Early `return` from inside a `for` with droppers live at function,
    /// loop, and inner-block level.
    name: early_return_three_levels,
    items: {
        #[lh] async fn f(ids: Vec<u32>) -> u32 {
            let outer = D::new("outer");
            for id in ids {
                let per = D::new("per");
                {
                    let inner = D::new("inner");
                    let v = fetch(id).await;
                    if v > 4 {
                        let last = D::new("last");
                        pend(1, ()).await;
                        return v;
                    }
                }
                pend(1, ()).await;
            }
            0
        }
    },
    run: f(vec![1, 2, 3, 4]),
}

differential! {
    /// `?` inside nested blocks and closures-free helper calls, with
    /// droppers in each block.
    name: question_mark_in_nested_blocks,
    items: {
        async fn parse(s: &str) -> Result<u32, Error> {
            pend(1, ()).await;
            s.parse().map_err(|_| Error(format!("bad {s}")))
        }
        #[lh] async fn f(a: &str, b: &str) -> Result<u32, Error> {
            let g = D::new("g");
            let x = {
                let d1 = D::new("d1");
                let v = {
                    let d2 = D::new("d2");
                    parse(a).await? + 1
                };
                v + parse(b).await?
            };
            Ok(x)
        }
        async fn go() -> Vec<Result<u32, Error>> {
            vec![f("1", "2").await, f("x", "2").await, f("1", "y").await]
        }
    },
    run: go(),
}

differential! {
    /// `let else` with an await in the diverging `else` (logging, then
    /// `return`).
    name: let_else_awaits_in_else,
    items: {
        #[lh] async fn f(v: Option<u32>) -> u32 {
            let g = D::new("g");
            let Some(n) = v else {
                let d = D::new("else");
                pend(2, ()).await;
                return 0;
            };
            fetch(n).await
        }
        async fn go() -> (u32, u32) {
            (f(Some(3)).await, f(None).await)
        }
    },
    run: go(),
}

differential! {
    /// `let else` in a loop, the `else` awaiting then `continue`.
    name: let_else_continue_in_loop,
    items: {
        #[lh] async fn f(lines: Vec<&'static str>) -> Vec<u32> {
            let mut out = vec![];
            for line in lines {
                let d = D::new("line");
                let Some((k, v)) = line.split_once('=') else {
                    pend(1, ()).await;
                    log(format!("skip {line}"));
                    continue;
                };
                let Ok(n) = v.parse::<u32>() else {
                    break;
                };
                out.push(fetch(n).await + k.len() as u32);
            }
            out
        }
    },
    run: f(vec!["a=1", "junk", "bb=2", "c=x", "d=4"]),
}

differential! {
    /// A `while` whose condition awaits and holds a temporary guard.
    name: while_condition_awaits_with_temp,
    items: {
        async fn more(left: &Cell<u32>) -> bool {
            pend(1, ()).await;
            let l = left.get();
            left.set(l.saturating_sub(1));
            l > 0
        }
        #[lh] async fn f() -> u32 {
            let left = Cell::new(3);
            let mut n = 0;
            while more(&left).await && D::new("cond").touch() > 0 {
                n += pend(1, 1).await;
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// `if .. else if x.await else if y.await` with droppers in each branch.
    name: else_if_chain_awaits,
    items: {
        #[lh] async fn f(n: u32) -> &'static str {
            let g = D::new("g");
            if n == 0 {
                let d = D::new("zero");
                "zero"
            } else if pend(1, n % 2 == 0).await {
                let d = D::new("even");
                pend(1, ()).await;
                "even"
            } else if fetch(n).await > 10 {
                let d = D::new("big");
                "big odd"
            } else {
                let d = D::new("small");
                pend(1, "small odd").await
            }
        }
        async fn go() -> Vec<&'static str> {
            vec![f(0).await, f(4).await, f(7).await, f(3).await]
        }
    },
    run: go(),
}

differential! {
    /// `break 'outer value` from a `match` arm inside a `while let`.
    name: break_outer_value_from_match_in_while_let,
    items: {
        #[lh] async fn f(mut stack: Vec<(u8, u32)>) -> u32 {
            let r = 'outer: {
                while let Some((tag, v)) = stack.pop() {
                    let d = D::new("frame");
                    match tag {
                        0 => continue,
                        1 => {
                            let x = pend(1, v).await;
                            if x > 5 {
                                break 'outer x;
                            }
                        }
                        _ => break 'outer pend(2, 999).await,
                    }
                }
                0
            };
            r + stack.len() as u32
        }
        async fn go() -> Vec<u32> {
            vec![
                f(vec![(2, 0), (1, 9), (0, 1), (1, 2)]).await,
                f(vec![(2, 0), (1, 1)]).await,
                f(vec![(1, 1)]).await,
            ]
        }
    },
    run: go(),
}

differential! {
    /// A retry loop: `loop` with an attempt counter, `match` on an awaited
    /// `Result`, `break Ok`, `continue` after a backoff await, and a final
    /// `return Err`.
    name: retry_loop_backoff,
    items: {
        async fn attempt(n: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if n < 2 { Err(format!("fail {n}")) } else { Ok(n * 100) }
        }
        #[lh] async fn f(max: u32) -> Result<u32, String> {
            let span = D::new("span");
            let mut n = 0;
            let v = loop {
                let a = D::new("attempt");
                match attempt(n).await {
                    Ok(v) => break v,
                    Err(e) if n + 1 < max => {
                        log(e);
                        n += 1;
                        pend(n, ()).await;
                        continue;
                    }
                    Err(e) => return Err(e),
                }
            };
            Ok(v + n)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(5).await, f(2).await)
        }
    },
    run: go(),
}

differential! {
    /// `match` with guards that call sync code, and arms awaiting inside a
    /// labelled block with `break 'blk`.
    name: labelled_block_in_match_arm,
    items: {
        #[lh] async fn f(cmd: &str, arg: u32) -> u32 {
            let g = D::new("g");
            match cmd {
                "get" if arg > 0 => 'blk: {
                    let d = D::new("get");
                    let v = fetch(arg).await;
                    if v > 10 {
                        break 'blk v;
                    }
                    v + pend(1, 1).await
                }
                "get" => 0,
                other => {
                    let n = other.len() as u32;
                    pend(1, n).await
                }
            }
        }
        async fn go() -> Vec<u32> {
            vec![f("get", 3).await, f("get", 9).await, f("get", 0).await, f("del", 1).await]
        }
    },
    run: go(),
}

differential! {
    /// Nested `loop`s with `break` carrying values out of both levels, an
    /// await in the inner `loop`'s `break` value.
    name: nested_loop_break_values_await,
    items: {
        #[lh] async fn f(limit: u32) -> (u32, u32) {
            let mut i = 0;
            let total = 'a: loop {
                let d = D::new("outer-iter");
                i += 1;
                let inner = loop {
                    let e = D::new("inner-iter");
                    if i > limit {
                        break 'a pend(1, i * 100).await;
                    }
                    break pend(1, i).await;
                };
                if inner % 2 == 0 {
                    continue;
                }
                log(format!("odd {inner}"));
            };
            (total, i)
        }
    },
    run: f(3),
}

// ---------------------------------------------------------------------------
// 4. Drop order subtleties
// ---------------------------------------------------------------------------

differential! {
    /// Shadowing across awaits: both `d`s live to the end, dropped in
    /// reverse order of declaration.
    name: shadowing_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("first");
            pend(1, ()).await;
            let d = D::new("second");
            pend(1, ()).await;
            let d = d.touch();
            pend(1, d).await
        }
    },
    run: f(),
}

differential! {
    /// Shadowing by a value derived from the shadowed one (the old is
    /// borrowed, not moved).
    name: shadowing_derived_from_old,
    items: {
        #[lh] async fn f(name: &'static str) -> String {
            let s = D::new(name);
            let s = format!("{}-{}", s.0, pend(1, s.touch()).await);
            pend(1, ()).await;
            s
        }
    },
    run: f("abc"),
}

differential! {
    /// `Option<D>` `.take()` and `.replace()` across awaits.
    name: option_take_replace_across_awaits,
    items: {
        #[lh] async fn f() -> Vec<&'static str> {
            let mut slot = Some(D::new("a"));
            let mut out = vec![];
            pend(1, ()).await;
            let old = slot.replace(D::new("b"));
            pend(1, ()).await;
            out.push(old.map(|d| d.0).unwrap_or("-"));
            let taken = slot.take();
            pend(1, ()).await;
            out.push(if slot.is_none() { "empty" } else { "full" });
            drop(taken);
            slot = Some(D::new("c"));
            pend(1, ()).await;
            out
        }
    },
    run: f(),
}

differential! {
    /// `mem::swap` of two kept locals between awaits.
    name: mem_swap_two_locals,
    items: {
        #[lh] async fn f() -> (&'static str, &'static str) {
            let mut a = D::new("a");
            let mut b = D::new("b");
            pend(1, ()).await;
            std::mem::swap(&mut a, &mut b);
            pend(1, ()).await;
            a.touch();
            let r = (a.0, b.0);
            r
        }
    },
    run: f(),
}

known_gap! {
    reason: "stress R (old gap, fails to compile, E0382 use of partially moved value: `t`): `let t = (D::new(\"t0\"), D::new(\"t1\"), D::new(\"t2\")); pend(1, ()).await; let x = t.0; pend(1, ()).await; .. t.2.touch()`: the tuple is kept whole across the await after its field is moved out",
    differential! {
        /// A tuple of droppers partly consumed across awaits.
        name: tuple_partly_consumed,
        items: {
            #[lh] async fn f() -> usize {
                let t = (D::new("t0"), D::new("t1"), D::new("t2"));
                pend(1, ()).await;
                let x = t.0;
                pend(1, ()).await;
                let n = x.touch();
                drop(x);
                pend(1, ()).await;
                n + t.2.touch()
            }
        },
        run: f(),
    }
}

differential! {
    /// A `Vec<D>` partly consumed with `pop`, `remove` and `swap_remove`
    /// across awaits.
    name: vec_pop_remove_swap_remove,
    items: {
        #[lh] async fn f() -> Vec<&'static str> {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c"), D::new("d"), D::new("e")];
            let last = v.pop().unwrap();
            pend(1, ()).await;
            let first = v.remove(0);
            pend(1, ()).await;
            let mid = v.swap_remove(0);
            drop(first);
            pend(1, ()).await;
            let mut names: Vec<_> = v.iter().map(|d| d.0).collect();
            names.push(mid.0);
            names
        }
    },
    run: f(),
}

differential! {
    /// Struct fields reassigned across awaits: the old value drops at the
    /// assignment.
    name: struct_field_reassigned,
    items: {
        struct Conn { sock: D, peer: D, n: u32 }
        #[lh] async fn f() -> u32 {
            let mut c = Conn { sock: D::new("sock1"), peer: D::new("peer1"), n: 0 };
            pend(1, ()).await;
            c.sock = D::new("sock2");
            c.n += pend(1, 1).await;
            c.peer = D::new("peer2");
            pend(1, ()).await;
            c.sock = D::new("sock3");
            c.n
        }
    },
    run: f(),
}

differential! {
    /// A field reassigned with an awaited value: the new value is computed
    /// (across the await) before the old one drops.
    name: struct_field_assigned_awaited_value,
    items: {
        struct S { a: D, b: D }
        #[lh] async fn f() -> &'static str {
            let mut s = S { a: D::new("a1"), b: D::new("b1") };
            s.a = pend(1, D::new("a2")).await;
            s.b = async { pend(1, ()).await; D::new("b2") }.await;
            s.a.0
        }
    },
    run: f(),
}

differential! {
    /// A temporary with a destructor in a `match` scrutinee, arms awaiting.
    name: match_scrutinee_temp_dropper,
    items: {
        struct Resp { code: u16, _d: D }
        fn resp(code: u16) -> Resp { Resp { code, _d: D::new("resp") } }
        #[lh] async fn f(code: u16) -> u32 {
            let g = D::new("g");
            let r = match resp(code).code {
                200 => fetch(1).await,
                404 => 0,
                _ => pend(2, 5).await,
            };
            pend(1, ()).await;
            r
        }
        async fn go() -> Vec<u32> {
            vec![f(200).await, f(404).await, f(500).await]
        }
    },
    run: go(),
}

differential! {
    /// `if let` on a method call on a `RefCell` borrow: the guard lives to
    /// the end of the `if let` (edition 2024: to the end of the `then`
    /// block), across awaits.
    name: if_let_refcell_borrow_guard,
    items: {
        #[lh] async fn f(cache: Rc<RefCell<BTreeMap<u32, String>>>, k: u32) -> String {
            if let Some(v) = cache.borrow().get(&k) {
                let n = pend(1, v.len()).await;
                return format!("hit {v} {n}");
            }
            let v = format!("v{}", fetch(k).await);
            cache.borrow_mut().insert(k, v.clone());
            v
        }
        async fn go() -> (String, String) {
            let c = Rc::new(RefCell::new(BTreeMap::new()));
            let a = f(c.clone(), 1).await;
            let b = f(c.clone(), 1).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A `Vec<Option<D>>` whose slots are taken across awaits, some left.
    name: vec_of_options_taken,
    items: {
        #[lh] async fn f() -> usize {
            let mut slots = vec![Some(D::new("s0")), None, Some(D::new("s2")), Some(D::new("s3"))];
            let mut n = 0;
            for i in [2usize, 1, 0] {
                if let Some(d) = slots[i].take() {
                    n += pend(1, d.touch()).await;
                }
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// An array of droppers with one element replaced via `mem::replace`.
    name: array_mem_replace_element,
    items: {
        #[lh] async fn f() -> &'static str {
            let mut arr = [D::new("x0"), D::new("x1"), D::new("x2")];
            pend(1, ()).await;
            let old = std::mem::replace(&mut arr[1], D::new("y1"));
            pend(1, ()).await;
            log(format!("old {}", old.0));
            arr[2] = D::new("y2");
            pend(1, ()).await;
            arr[1].0
        }
    },
    run: f(),
}

differential! {
    /// Reassigning a local that holds a dropper inside a loop with awaits.
    name: reassign_local_in_loop,
    items: {
        #[lh] async fn f() -> u32 {
            let names = ["c1", "c2", "c3"];
            let mut cur = D::new("c0");
            let mut n = 0;
            for name in names {
                n += pend(1, cur.touch() as u32).await;
                cur = D::new(name);
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// `Option<D>` with `get_or_insert_with` and `as_ref` across awaits.
    name: option_get_or_insert_with,
    items: {
        #[lh] async fn f(init: bool) -> usize {
            let mut conn: Option<D> = if init { Some(D::new("pre")) } else { None };
            pend(1, ()).await;
            let c = conn.get_or_insert_with(|| D::new("lazy"));
            let n = pend(1, c.touch()).await;
            n + conn.as_ref().map(|d| d.0.len()).unwrap_or(0)
        }
        async fn go() -> (usize, usize) {
            (f(true).await, f(false).await)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 5. Generics and lifetimes
// ---------------------------------------------------------------------------

trait Named {
    fn name(&self) -> &str;
}

impl Named for str {
    fn name(&self) -> &str {
        self
    }
}

impl Named for String {
    fn name(&self) -> &str {
        self.as_str()
    }
}

impl Named for D {
    fn name(&self) -> &str {
        self.0
    }
}

differential! {
    /// `async fn f<'a, T: Named + ?Sized>(x: &'a T) -> &'a str`, returning a
    /// reference into the parameter after awaits.
    name: generic_unsized_returns_ref_into_param,
    items: {
        #[lh] async fn first_word<'a, T: Named + ?Sized>(x: &'a T) -> &'a str {
            let g = D::new("g");
            let n = pend(1, x.name()).await;
            let cut = n.find(' ').unwrap_or(n.len());
            pend(1, ()).await;
            &x.name()[..cut]
        }
        async fn go() -> (String, String, String) {
            let s = String::from("hello world");
            let a = first_word(s.as_str()).await.to_string();
            let b = first_word(&s).await.to_string();
            let d = D::new("one two");
            let c = first_word(&d).await.to_string();
            (a, b, c)
        }
    },
    run: go(),
}

differential! {
    /// Returning a sub-slice of a `&[T]` parameter picked by awaited checks.
    name: returns_subslice_after_awaits,
    items: {
        #[lh] async fn valid_prefix<'a>(items: &'a [u32], limit: u32) -> &'a [u32] {
            let mut end = 0;
            for x in items {
                if !pend(1, *x <= limit).await {
                    break;
                }
                end += 1;
            }
            &items[..end]
        }
        async fn go() -> Vec<u32> {
            let v = vec![1, 2, 7, 3];
            valid_prefix(&v, 5).await.to_vec()
        }
    },
    run: go(),
}

differential! {
    /// An `impl Fn(u32) -> u32` parameter called across awaits.
    name: impl_fn_param_across_awaits,
    items: {
        #[lh] async fn f(xs: Vec<u32>, map: impl Fn(u32) -> u32) -> Vec<u32> {
            let mut out = vec![];
            for x in xs {
                let y = map(x);
                out.push(map(pend(1, y).await));
            }
            out
        }
        async fn go() -> Vec<u32> {
            let d = D::new("captured");
            let k = 3;
            f(vec![1, 2], move |x| x * k + d.0.len() as u32).await
        }
    },
    run: go(),
}

differential! {
    /// An `impl FnMut` accumulator parameter and a `&mut dyn Store`.
    name: fnmut_and_dyn_store_params,
    items: {
        #[lh] async fn f(st: &mut dyn Store, mut on: impl FnMut(u32), keys: &[u32]) -> u32 {
            let mut hits = 0;
            for &k in keys {
                match st.get(k) {
                    Some(v) => {
                        on(v);
                        hits += 1;
                    }
                    None => {
                        let v = fetch(k).await;
                        st.put(k, v);
                        on(v);
                    }
                }
            }
            log(format!("store {}", st.name()));
            hits
        }
        async fn go() -> (u32, Vec<u32>) {
            let mut s = store("mem");
            let mut seen = vec![];
            let h = f(&mut s, |v| seen.push(v), &[1, 2, 1, 3, 2]).await;
            (h, seen)
        }
    },
    run: go(),
}

differential! {
    /// A method on `&mut self` awaiting `self.other()` then touching fields.
    name: mut_self_awaits_self_method_then_fields,
    items: {
        struct Pool { free: Vec<D>, served: u32, name: String }
        impl Pool {
            async fn warm(&mut self) -> usize {
                pend(1, ()).await;
                self.free.push(D::new("warm"));
                self.free.len()
            }
            #[lh] async fn checkout(&mut self) -> Option<D> {
                if self.free.is_empty() {
                    let n = self.warm().await;
                    log(format!("{} warmed {n}", self.name));
                }
                self.served += 1;
                let d = self.free.pop();
                pend(1, ()).await;
                d
            }
        }
        async fn go() -> (Option<&'static str>, Option<&'static str>, u32) {
            let mut p = Pool { free: vec![D::new("p1")], served: 0, name: "pool".into() };
            let a = p.checkout().await.map(|d| d.0);
            let b = p.checkout().await.map(|d| d.0);
            (a, b, p.served)
        }
    },
    run: go(),
}

differential! {
    /// A generic struct `Wrapper<T>` with an async method using `T`'s trait
    /// and holding `&self` across awaits.
    name: generic_wrapper_async_method,
    items: {
        struct Wrapper<T> { inner: T, tag: D }
        impl<T: Named> Wrapper<T> {
            #[lh] async fn describe(&self, n: u32) -> String {
                let mut s = String::new();
                for i in 0..n {
                    s.push_str(pend(1, self.inner.name()).await);
                    s.push(':');
                    s.push_str(&fetch(i).await.to_string());
                }
                self.tag.touch();
                s
            }
        }
        async fn go() -> String {
            let w = Wrapper { inner: String::from("w"), tag: D::new("tag") };
            w.describe(2).await
        }
    },
    run: go(),
}

differential! {
    /// A generic method with `where Self: Sized` on a trait, with a default
    /// async body (desugared by hand into `impl Future`).
    name: trait_default_where_self_sized,
    items: {
        trait Job {
            fn id(&self) -> u32;
            #[lh] async fn run_twice(self) -> u32 where Self: Sized {
                let a = fetch(self.id()).await;
                let b = fetch(self.id() + 1).await;
                a + b
            }
        }
        struct J(u32, D);
        impl Job for J {
            fn id(&self) -> u32 { self.0 }
        }
        async fn go() -> u32 {
            J(3, D::new("job")).run_twice().await
        }
    },
    run: go(),
}

differential! {
    /// A generic `T: Clone + Debug` value cloned across awaits and a
    /// `Vec<T>` returned.
    name: generic_clone_debug_collect,
    items: {
        #[lh] async fn repeat<T: Clone + std::fmt::Debug>(x: T, n: usize) -> Vec<T> {
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                pend(1, ()).await;
                log(format!("{i}: {x:?}"));
                v.push(x.clone());
            }
            v
        }
        async fn go() -> (Vec<u8>, Vec<String>) {
            (repeat(7u8, 2).await, repeat(String::from("s"), 3).await)
        }
    },
    run: go(),
}

differential! {
    /// A generic async fn taking a future-producing closure
    /// (`F: Fn(u32) -> Fut, Fut: Future`), awaited in a loop.
    name: generic_closure_returning_future,
    items: {
        #[lh] async fn each<F, Fut>(ids: &[u32], f: F) -> u32
        where
            F: Fn(u32) -> Fut,
            Fut: Future<Output = u32>,
        {
            let g = D::new("g");
            let mut s = 0;
            for id in ids {
                s += f(*id).await;
            }
            s
        }
        async fn go() -> u32 {
            each(&[1, 2, 3], |x| async move { pend(1, x * x).await }).await
                + each(&[4], fetch).await
        }
    },
    run: go(),
}

differential! {
    /// Two lifetimes: a `&'a mut Vec<&'b str>` filled from a `&'b str`
    /// after awaits.
    name: two_lifetimes_push_borrowed_parts,
    items: {
        #[lh] async fn split_into<'a, 'b>(out: &'a mut Vec<&'b str>, s: &'b str) -> usize {
            for part in s.split(',') {
                if pend(1, !part.is_empty()).await {
                    out.push(part);
                }
            }
            out.len()
        }
        async fn go() -> Vec<String> {
            let src = String::from("a,,b,c");
            let mut v = vec![];
            let n = split_into(&mut v, &src).await;
            v.iter().map(|s| s.to_string()).chain(std::iter::once(n.to_string())).collect()
        }
    },
    run: go(),
}

differential! {
    /// `&mut dyn Store` reborrowed into a helper async fn inside a loop.
    name: dyn_store_reborrowed_in_loop,
    items: {
        async fn fill(st: &mut dyn Store, k: u32) {
            let v = pend(1, k * 3).await;
            st.put(k, v);
        }
        #[lh] async fn f(st: &mut dyn Store, keys: Vec<u32>) -> Vec<Option<u32>> {
            for k in &keys {
                fill(st, *k).await;
                fill(&mut *st, *k + 10).await;
            }
            keys.iter().map(|k| st.get(*k)).collect()
        }
        async fn go() -> Vec<Option<u32>> {
            let mut s = store("x");
            f(&mut s, vec![1, 2]).await
        }
    },
    run: go(),
}

differential! {
    /// A generic `Cache<K, V>` with an `&mut self` async `get_or_load`
    /// returning `&V` into `self` after the load await.
    name: generic_cache_returns_ref_into_self,
    items: {
        struct Cache<K, V> { map: BTreeMap<K, V>, loads: u32 }
        impl<K: Ord + Copy + std::fmt::Debug, V: From<u32>> Cache<K, V> {
            #[lh] async fn get_or_load(&mut self, k: K, raw: u32) -> &V {
                if !self.map.contains_key(&k) {
                    let v = fetch(raw).await;
                    self.loads += 1;
                    log(format!("loaded {k:?}"));
                    self.map.insert(k, V::from(v));
                }
                &self.map[&k]
            }
        }
        async fn go() -> (u64, u64, u32) {
            let mut c: Cache<u8, u64> = Cache { map: BTreeMap::new(), loads: 0 };
            let a = *c.get_or_load(1, 5).await;
            let b = *c.get_or_load(1, 9).await;
            (a, b, c.loads)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 6. Panics mid-body
// ---------------------------------------------------------------------------

differential! {
    /// A panic after awaits with droppers at function, loop and block
    /// level: unwinding drops them innermost first.
    name: panic_with_values_at_three_levels,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let outer = D::new("outer");
            let mut s = 0;
            for x in v {
                let per = D::new("per");
                {
                    let inner = D::new("inner");
                    s += pend(1, x).await;
                    if s > 3 {
                        let tmp = D::new("tmp");
                        panic!("too big: {s}");
                    }
                }
            }
            s
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `assert!` after awaits with a live `pend` future stored in a local.
    name: assert_after_awaits_with_stored_future,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let later = pend(2, D::new("later"));
            let g = D::new("g");
            let a = fetch(x).await;
            assert!(a < 5, "a = {a}");
            later.await.touch() as u32
        }
    },
    run: f(3),
}

differential! {
    /// `unreachable!` in a `match` arm reached after awaits.
    name: unreachable_after_awaits,
    items: {
        #[lh] async fn f(state: u8) -> u32 {
            let g = D::new("g");
            let n = pend(1, state).await;
            match n {
                0 => 0,
                1 => fetch(1).await,
                _ => {
                    let d = D::new("arm");
                    unreachable!("state {n}")
                }
            }
        }
    },
    run: f(2),
}

differential! {
    /// Arithmetic overflow (debug build) after awaits, inside an iterator
    /// loop holding droppers.
    name: overflow_after_awaits,
    items: {
        #[lh] async fn f(xs: Vec<u8>) -> u8 {
            let g = D::new("g");
            let mut acc: u8 = 0;
            for x in xs.iter() {
                let d = D::new("step");
                let y = pend(1, *x).await;
                acc += y;
            }
            acc
        }
    },
    run: f(vec![100, 100, 100]),
}

differential! {
    /// A panic inside a `poll_fn` closure borrowing locals.
    name: panic_in_poll_fn_closure,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let mut n = 0;
            pend(1, ()).await;
            std::future::poll_fn(|_| {
                n += 1;
                if n > 0 {
                    panic!("poll_fn gave up");
                }
                Poll::Ready(())
            })
            .await;
            n
        }
    },
    run: f(),
}

differential! {
    /// A panic in an awaited child while the parent holds a stored,
    /// unpolled future and a `Vec<D>`.
    name: panic_in_child_with_stored_future,
    items: {
        async fn child(x: u32) -> u32 {
            let c = D::new("child");
            pend(1, ()).await;
            if x == 0 {
                panic!("child failed");
            }
            x
        }
        #[lh] async fn f() -> u32 {
            let v = vec![D::new("v0"), D::new("v1")];
            let later = fetch_guarded("later", 1);
            let a = child(1).await;
            let b = child(0).await;
            a + b + later.await
        }
    },
    run: f(),
}

differential! {
    /// Index out of bounds after awaits while iterating `windows`.
    name: index_oob_after_awaits,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let g = D::new("g");
            let mut s = 0;
            for w in v.windows(2) {
                let i = pend(1, w[1] as usize).await;
                s += v[i];
            }
            s
        }
    },
    run: f(vec![1, 2, 9]),
}

differential! {
    /// `Option::expect` on `None` after awaits, with a `RefCell` borrow
    /// held.
    name: expect_none_with_refcell_borrow,
    items: {
        #[lh] async fn f(m: Rc<RefCell<BTreeMap<u32, D>>>) -> usize {
            let map = m.borrow();
            let a = pend(1, map.get(&1).map(|d| d.touch())).await;
            let b = pend(1, map.get(&2)).await.expect("missing 2").touch();
            a.unwrap_or(0) + b
        }
        async fn go() -> usize {
            let m = Rc::new(RefCell::new(BTreeMap::new()));
            m.borrow_mut().insert(1, D::new("one"));
            f(m).await
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 7. Mixed: service-shaped code
// ---------------------------------------------------------------------------

differential! {
    /// A prefetch pipeline: the next page's future is created before the
    /// current page is processed, then awaited on the next iteration.
    name: prefetch_next_page,
    items: {
        async fn page(n: u32) -> Vec<u32> {
            let g = D::new("page-io");
            pend(1, ()).await;
            if n < 3 { vec![n * 10, n * 10 + 1] } else { vec![] }
        }
        #[lh] async fn f() -> Vec<u32> {
            let mut out = vec![];
            let mut n = 0;
            let mut next = Box::pin(page(n));
            loop {
                let items = next.as_mut().await;
                if items.is_empty() {
                    break;
                }
                n += 1;
                next = Box::pin(page(n));
                for it in items {
                    out.push(pend(1, it).await);
                }
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// A timeout written by hand: `pin!` the work, race it against a
    /// countdown in `poll_fn`, drop the work unfinished on timeout.
    name: hand_timeout_drops_work,
    items: {
        #[lh] async fn with_timeout<F: Future<Output = u32>>(work: F, ticks: u32) -> Result<u32, &'static str> {
            let span = D::new("span");
            let mut work = std::pin::pin!(work);
            let mut left = ticks;
            std::future::poll_fn(|cx| {
                if let Poll::Ready(v) = work.as_mut().poll(cx) {
                    return Poll::Ready(Ok(v));
                }
                if left == 0 {
                    return Poll::Ready(Err("timeout"));
                }
                left -= 1;
                cx.waker().wake_by_ref();
                Poll::Pending
            })
            .await
        }
        async fn go() -> (Result<u32, &'static str>, Result<u32, &'static str>) {
            let a = with_timeout(fetch_guarded("fast", 1), 5).await;
            let b = with_timeout(async { pend(10, D::new("slow")).await; 0 }, 2).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// An `impl Future` parameter stored and awaited after a preamble
    /// that awaits, with the parameter dropped unpolled on an early return.
    name: impl_future_param_awaited_late_or_dropped,
    items: {
        #[lh] async fn guarded(ok: bool, work: impl Future<Output = u32>) -> Option<u32> {
            let g = D::new("g");
            if !pend(1, ok).await {
                return None;
            }
            Some(work.await + 1)
        }
        async fn go() -> (Option<u32>, Option<u32>) {
            (guarded(true, fetch_guarded("w1", 2)).await, guarded(false, fetch_guarded("w2", 3)).await)
        }
    },
    run: go(),
}

differential! {
    /// A generic `F: IntoFuture` parameter awaited after logging.
    name: generic_into_future_param,
    items: {
        #[lh] async fn traced<F: IntoFuture<Output = u32>>(label: &str, f: F) -> u32 {
            log(format!("start {label}"));
            let d = D::new("trace");
            let v = f.await;
            log(format!("end {label}"));
            v
        }
        async fn go() -> u32 {
            traced("a", get(2, "g2")).await + traced("b", fetch(3)).await
        }
    },
    run: go(),
}

differential! {
    /// A batch writer: a `Vec` buffer drained in chunks, `mem::take` of the
    /// buffer before an awaited flush.
    name: batch_writer_mem_take_flush,
    items: {
        struct Writer { buf: Vec<u32>, flushed: Vec<Vec<u32>>, _d: D }
        impl Writer {
            async fn flush(&mut self) {
                let batch = std::mem::take(&mut self.buf);
                let n = pend(1, batch.len()).await;
                log(format!("flush {n}"));
                self.flushed.push(batch);
            }
            #[lh] async fn write_all(&mut self, items: &[u32]) -> usize {
                for chunk in items.chunks(3) {
                    self.buf.extend_from_slice(chunk);
                    if self.buf.len() >= 4 {
                        self.flush().await;
                    }
                }
                if !self.buf.is_empty() {
                    self.flush().await;
                }
                self.flushed.len()
            }
        }
        async fn go() -> Vec<Vec<u32>> {
            let mut w = Writer { buf: vec![], flushed: vec![], _d: D::new("writer") };
            w.write_all(&[1, 2, 3, 4, 5, 6, 7]).await;
            std::mem::take(&mut w.flushed)
        }
    },
    run: go(),
}

differential! {
    /// A connection-state enum matched by `&mut`, one arm awaiting and then
    /// replacing the state it borrowed from.
    name: state_enum_match_mut_then_replace,
    items: {
        enum Conn { Idle, Busy { id: u32, g: D }, Closed }
        #[lh] async fn step(c: &mut Conn) -> u32 {
            match c {
                Conn::Idle => {
                    let id = pend(1, 7).await;
                    *c = Conn::Busy { id, g: D::new("busy") };
                    0
                }
                Conn::Busy { id, g } => {
                    g.touch();
                    let v = fetch(*id).await;
                    *c = Conn::Closed;
                    v
                }
                Conn::Closed => pend(1, 99).await,
            }
        }
        async fn go() -> Vec<u32> {
            let mut c = Conn::Idle;
            let mut out = vec![];
            for _ in 0..3 {
                out.push(step(&mut c).await);
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `if let Some(x) = &mut self.field` modified across an await.
    name: if_let_mut_field_across_await,
    items: {
        struct Sess { token: Option<String>, refreshes: u32, _d: D }
        impl Sess {
            #[lh] async fn refresh(&mut self) -> String {
                if let Some(tok) = &mut self.token {
                    let suffix = pend(1, "!").await;
                    tok.push_str(suffix);
                    self.refreshes += 1;
                } else {
                    self.token = Some(format!("t{}", fetch(1).await));
                }
                self.token.clone().unwrap()
            }
        }
        async fn go() -> (String, String, u32) {
            let mut s = Sess { token: None, refreshes: 0, _d: D::new("sess") };
            let a = s.refresh().await;
            let b = s.refresh().await;
            (a, b, s.refreshes)
        }
    },
    run: go(),
}

differential! {
    /// A closure holding `&mut count` called on both sides of an await,
    /// `count` read after the closure's last use.
    name: fnmut_closure_held_across_await,
    items: {
        #[lh] async fn f() -> (u32, u32) {
            let mut count = 0;
            let g = D::new("g");
            let mut bump = |by: u32| {
                count += by;
                count
            };
            let a = bump(1);
            let x = fetch(a).await;
            let b = bump(x);
            pend(1, ()).await;
            (b, count)
        }
    },
    run: f(),
}

differential! {
    /// A struct borrowing a parameter (`Parser<'a>`) with an async method,
    /// driven in a loop from the outer async fn.
    name: borrowing_parser_struct,
    items: {
        struct Parser<'a> { src: &'a str, pos: usize }
        impl<'a> Parser<'a> {
            async fn next_tok(&mut self) -> Option<&'a str> {
                pend(1, ()).await;
                let rest = &self.src[self.pos..];
                let rest = rest.trim_start();
                if rest.is_empty() {
                    return None;
                }
                let start = self.src.len() - rest.len();
                let end = rest.find(' ').map(|i| start + i).unwrap_or(self.src.len());
                self.pos = end;
                Some(&self.src[start..end])
            }
        }
        #[lh] async fn f(src: &str) -> Vec<&str> {
            let mut p = Parser { src, pos: 0 };
            let mut toks = vec![];
            let g = D::new("g");
            while let Some(t) = p.next_tok().await {
                if t == "stop" {
                    break;
                }
                toks.push(t);
            }
            toks
        }
        async fn go() -> Vec<String> {
            let s = String::from("  a bb stop c");
            f(&s).await.into_iter().map(String::from).collect()
        }
    },
    run: go(),
}

differential! {
    /// A `Box<D>` dereferenced into a reference kept across awaits, then
    /// the box moved out after the reference's last use.
    name: box_deref_ref_then_move,
    items: {
        #[lh] async fn f() -> &'static str {
            let b = Box::new(D::new("boxed"));
            let r: &D = &b;
            let n = pend(1, r.touch()).await;
            r.touch();
            pend(1, n).await;
            let moved = b;
            pend(1, ()).await;
            moved.0
        }
    },
    run: f(),
}

differential! {
    /// `matches!`, `vec!`, `format!` and `assert_eq!` with awaits in their
    /// arguments.
    name: std_macros_with_awaits,
    items: {
        #[lh] async fn f() -> (bool, Vec<u32>, String) {
            let g = D::new("g");
            let m = matches!(fetch(2).await, 4 | 5);
            let v = vec![fetch(1).await, pend(1, 7).await];
            let s = format!("{}-{}", pend(1, "x").await, v.len());
            assert_eq!(fetch(3).await, 6, "fetch doubled");
            (m, v, s)
        }
    },
    run: f(),
}

differential! {
    /// `assert_eq!` failing with an awaited operand, with live values.
    name: assert_eq_fails_with_awaited_operand,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let v = vec![D::new("v")];
            assert_eq!(fetch(2).await, 5, "expected five");
            0
        }
    },
    run: f(),
}

differential! {
    /// A pending-requests table: `BTreeMap<u32, Pin<Box<Future>>>`, entries
    /// removed and awaited in key order, one cancelled (removed, dropped
    /// unpolled).
    name: request_table_remove_and_await,
    items: {
        #[lh] async fn f() -> Vec<(u32, u32)> {
            let mut table: BTreeMap<u32, Pin<Box<dyn Future<Output = u32>>>> = BTreeMap::new();
            table.insert(3, Box::pin(fetch_guarded("r3", 3)));
            table.insert(1, Box::pin(fetch_guarded("r1", 1)));
            table.insert(2, Box::pin(fetch_guarded("r2", 2)));
            let cancelled = table.remove(&2);
            drop(cancelled);
            let mut out = vec![];
            while let Some((k, fut)) = table.pop_first() {
                out.push((k, fut.await));
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// A fan-out that builds futures in a `map`/`collect`, awaits them in
    /// reverse and keeps a guard live.
    name: collect_futures_await_reverse,
    items: {
        #[lh] async fn f(ids: &[u32]) -> Vec<u32> {
            let g = D::new("g");
            let futs: Vec<_> = ids.iter().map(|id| fetch(*id)).collect();
            let mut out = vec![];
            for fut in futs.into_iter().rev() {
                out.push(fut.await);
            }
            out
        }
        async fn go() -> Vec<u32> {
            f(&[1, 2, 3]).await
        }
    },
    run: go(),
}

known_gap! {
    reason: "stress R (old gap, fails to compile, E0507 cannot move out of a mutable reference): futures kept in a tuple local and awaited field by field (`let pair = (fetch_guarded(\"p0\", 1), async { .. }); .. let b = pair.1.await; .. let a = pair.0.await;`): `.await` moves the field out through `IntoFuture::into_future` while the rest of the tuple is alive across the await; longhand keeps the tuple whole in the state and cannot move one field out of it",
    differential! {
        /// Futures of unnamed types kept in a tuple and awaited in a
        /// different order.
        name: tuple_of_futures_awaited_out_of_order,
        items: {
            #[lh] async fn f() -> (u32, u32, usize) {
                let pair = (fetch_guarded("p0", 1), async { pend(2, D::new("p1")).await });
                let third = pend(1, 5u32);
                let b = pair.1.await;
                let c = third.await;
                let a = pair.0.await;
                (a, c, b.touch())
            }
        },
        run: f(),
    }
}

differential! {
    /// A worker loop over a `VecDeque` of jobs, pushing follow-up jobs back
    /// while iterating with `pop_front`, a guard per job.
    name: worker_queue_push_back_follow_ups,
    items: {
        #[lh] async fn f(seed: Vec<u32>) -> Vec<u32> {
            let mut q: VecDeque<u32> = seed.into();
            let mut done = vec![];
            while let Some(j) = q.pop_front() {
                let g = D::new("job");
                let r = fetch(j).await;
                if r < 6 {
                    q.push_back(r);
                }
                done.push(r);
            }
            done
        }
    },
    run: f(vec![1, 5]),
}

differential! {
    /// A shared `Rc<RefCell<Vec<D>>>` log appended from an async block
    /// awaited later and from the body.
    name: rc_refcell_shared_with_async_block,
    items: {
        #[lh] async fn f() -> usize {
            let sink = Rc::new(RefCell::new(Vec::new()));
            let s2 = sink.clone();
            let bg = async move {
                pend(1, ()).await;
                s2.borrow_mut().push(D::new("bg"));
            };
            sink.borrow_mut().push(D::new("fg1"));
            pend(1, ()).await;
            bg.await;
            sink.borrow_mut().push(D::new("fg2"));
            let n = sink.borrow().len();
            n
        }
    },
    run: f(),
}

differential! {
    /// A `Cell<u32>` counter shared with `poll_fn` and a loop, the
    /// `poll_fn` future stored before the loop and awaited after.
    name: poll_fn_stored_then_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let hits = Cell::new(0u32);
            let wait_for_three = std::future::poll_fn(|cx| {
                if hits.get() >= 3 {
                    Poll::Ready(hits.get() * 10)
                } else {
                    hits.set(hits.get() + 1);
                    cx.waker().wake_by_ref();
                    Poll::Pending
                }
            });
            for _ in 0..2 {
                pend(1, ()).await;
                hits.set(hits.get() + 1);
            }
            wait_for_three.await
        }
    },
    run: f(),
}

differential! {
    /// An async block capturing by `&mut`, awaited; the local is used
    /// afterwards.
    name: async_block_mut_borrow_then_use,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![1u32];
            let d = D::new("d");
            let fill = async {
                for i in 0..2 {
                    v.push(pend(1, i + 10).await);
                }
                d.touch()
            };
            let n = fill.await;
            v.push(n as u32);
            v
        }
    },
    run: f(),
}

differential! {
    /// Two `async` blocks, the second capturing the first's output by
    /// awaiting it inside.
    name: async_block_awaits_other_block,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let a = async move {
                let d = D::new("a");
                pend(1, x + 1).await
            };
            let b = async {
                let va = a.await;
                pend(1, va * 2).await
            };
            log("built");
            b.await
        }
    },
    run: f(4),
}

differential! {
    /// A by-reference `async` block dropped unpolled after its borrows end
    /// (never awaited), then the locals used mutably.
    name: async_block_dropped_unpolled,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 1;
            let g = D::new("g");
            {
                let job = async { pend(1, n + g.touch() as u32).await };
                pend(1, ()).await;
                drop(job);
            }
            n += 1;
            pend(1, n).await
        }
    },
    run: f(),
}

differential! {
    /// A `match` producing different future types unified by `Either`-like
    /// boxing, with a dropper captured by one arm's `async move`.
    name: match_arm_future_captures_dropper,
    items: {
        #[lh] async fn f(k: u8) -> usize {
            let owned = D::new("owned");
            let fut: Pin<Box<dyn Future<Output = usize>>> = match k {
                0 => Box::pin(async move { pend(1, owned.touch()).await }),
                _ => {
                    let n = owned.0.len();
                    drop(owned);
                    Box::pin(std::future::ready(n))
                }
            };
            pend(1, ()).await;
            fut.await
        }
        async fn go() -> (usize, usize) {
            (f(0).await, f(1).await)
        }
    },
    run: go(),
}

differential! {
    /// s12-1, minimal: resumed at the `break 'a` await, the inner `loop`
    /// has no value `break` left and is `!`; `inner % 2` after it is not
    /// written in that arm.
    name: s12_1_minimal_break_outer_await_from_value_loop,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            'a: loop {
                let inner = loop {
                    if c {
                        break 'a pend(1, 5).await;
                    }
                    break 2u32;
                };
                return inner % 2;
            }
        }
    },
    run: f(true),
}

differential! {
    /// s12-2, minimal: a non-`move` `async` block awaiting a local future
    /// captures it by value (`.await` consumes it).
    #[allow(clippy::redundant_async_block)]
    name: s12_2_minimal_async_block_awaits_captured_future,
    items: {
        #[lh] async fn f() -> u32 {
            let a = pend(1, 2u32);
            let b = async { a.await };
            b.await
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 8. More mixed shapes
// ---------------------------------------------------------------------------

differential! {
    /// `let x = match r { Ok(v) => v, Err(e) => return report(e).await };`
    /// then arithmetic on `x`.
    name: let_match_return_awaited_report,
    items: {
        async fn report(e: &str) -> u32 {
            pend(1, ()).await;
            log(format!("report {e}"));
            0
        }
        #[lh] async fn f(r: Result<u32, String>) -> u32 {
            let g = D::new("g");
            let x = match r {
                Ok(v) => v,
                Err(e) => return report(&e).await,
            };
            pend(1, ()).await;
            x * 2 + 1
        }
        async fn go() -> (u32, u32) {
            (f(Ok(4)).await, f(Err("bad".into())).await)
        }
    },
    run: go(),
}

differential! {
    /// A `Drop` type with an async method on `&mut self` (so fields cannot
    /// be moved out); the drop runs when the future's owner drops it.
    name: drop_type_with_async_mut_method,
    items: {
        struct Tx { ops: Vec<u32>, committed: bool, name: &'static str }
        impl Drop for Tx {
            fn drop(&mut self) {
                log(format!("tx {} drop committed={} ops={:?}", self.name, self.committed, self.ops));
            }
        }
        impl Tx {
            #[lh] async fn apply(&mut self, ops: &[u32]) -> Result<(), String> {
                for &op in ops {
                    if op == 0 {
                        return Err(format!("bad op after {}", self.ops.len()));
                    }
                    self.ops.push(fetch(op).await);
                }
                self.committed = pend(1, true).await;
                Ok(())
            }
        }
        async fn go() -> (Result<(), String>, Result<(), String>) {
            let mut a = Tx { ops: vec![], committed: false, name: "a" };
            let ra = a.apply(&[1, 2]).await;
            let mut b = Tx { ops: vec![], committed: false, name: "b" };
            let rb = b.apply(&[3, 0, 4]).await;
            (ra, rb)
        }
    },
    run: go(),
}

differential! {
    /// A rate limiter: `while` whose condition awaits a permit, with a
    /// `break` when a budget runs out and a guard per permit.
    name: rate_limiter_while_await_permit,
    items: {
        async fn permit(left: &mut u32) -> Option<D> {
            pend(1, ()).await;
            if *left == 0 { None } else { *left -= 1; Some(D::new("permit")) }
        }
        #[lh] async fn f(mut budget: u32, jobs: &[u32]) -> Vec<u32> {
            let mut out = vec![];
            let mut it = jobs.iter();
            while let Some(p) = permit(&mut budget).await {
                let Some(j) = it.next() else { break };
                out.push(fetch(*j).await);
                p.touch();
            }
            out
        }
        async fn go() -> (Vec<u32>, Vec<u32>) {
            (f(2, &[1, 2, 3]).await, f(5, &[4]).await)
        }
    },
    run: go(),
}

differential! {
    /// A `for` over `(0..n).rev()` with `checked_sub` and an overflow panic
    /// path not taken, then a subtraction that underflows after awaits.
    name: underflow_after_awaits_in_rev_range,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let g = D::new("g");
            let mut left = n;
            for i in (0..n + 2).rev() {
                let d = D::new("i");
                let step = pend(1, 1u32).await;
                left -= step;
                log(format!("i {i} left {left}"));
            }
            left
        }
    },
    run: f(2),
}

differential! {
    /// A panic in a `Drop`-logging loop body after a `drain`: the drain and
    /// its remaining elements are dropped during unwinding.
    name: panic_mid_drain,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c")];
            let mut n = 0;
            for d in v.drain(..) {
                n += pend(1, d.touch()).await;
                if d.0 == "b" {
                    panic!("bad item {}", d.0);
                }
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// A panic with a `pin!`ned unfinished future and an `async` block
    /// borrowing a local.
    name: panic_with_pinned_future_live,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let mut p = std::pin::pin!(pend(5, D::new("pinned")));
            let blk = async { pend(1, d.touch()).await };
            let n = blk.await;
            if n == 1 {
                panic!("n is one");
            }
            p.as_mut().await;
            0
        }
    },
    run: f(),
}

differential! {
    /// `?` converting errors via `From` inside a loop with a pinned stored
    /// future that is awaited only on success.
    name: question_mark_from_with_stored_future,
    items: {
        #[derive(Debug)]
        enum AppErr { Parse(String), Io(u32) }
        impl From<std::num::ParseIntError> for AppErr {
            fn from(e: std::num::ParseIntError) -> Self { AppErr::Parse(e.to_string()) }
        }
        async fn io(n: u32) -> Result<u32, AppErr> {
            pend(1, ()).await;
            if n > 50 { Err(AppErr::Io(n)) } else { Ok(n) }
        }
        #[lh] async fn f(lines: &[&str]) -> Result<u32, AppErr> {
            let tail = fetch_guarded("tail", 1);
            let mut s = 0;
            for l in lines {
                let d = D::new("line");
                let n: u32 = l.trim().parse()?;
                s += io(n).await?;
            }
            Ok(s + tail.await)
        }
        async fn go() -> Vec<Result<u32, AppErr>> {
            vec![f(&["1", " 2"]).await, f(&["1", "x"]).await, f(&["60"]).await]
        }
    },
    run: go(),
}

differential! {
    /// Shadowing inside a loop: the loop's `d` shadows the outer `d` and the
    /// outer is used after the loop.
    name: shadowing_in_loop_outer_used_after,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("outer");
            let mut n = 0;
            for name in ["l1", "l2"] {
                let d = D::new(name);
                n += pend(1, d.touch()).await;
            }
            let d = pend(1, d).await;
            n + d.touch()
        }
    },
    run: f(),
}

differential! {
    /// `Option<D>` field of a struct taken with `take()` inside a `match`
    /// on another field, across awaits.
    name: struct_option_field_take_in_match,
    items: {
        struct Slot { pending: Option<D>, kind: u8 }
        #[lh] async fn f(mut s: Slot) -> &'static str {
            let r = match s.kind {
                0 => {
                    let d = s.pending.take();
                    pend(1, ()).await;
                    d.map(|d| d.0).unwrap_or("none")
                }
                _ => pend(1, "other").await,
            };
            s.pending = Some(D::new("refill"));
            pend(1, ()).await;
            r
        }
        async fn go() -> (&'static str, &'static str) {
            (
                f(Slot { pending: Some(D::new("p")), kind: 0 }).await,
                f(Slot { pending: Some(D::new("q")), kind: 1 }).await,
            )
        }
    },
    run: go(),
}

differential! {
    /// `mem::swap` between a field and a local, and `mem::replace` on a
    /// `&mut` parameter, across awaits.
    name: swap_field_and_local_replace_param,
    items: {
        struct Holder { cur: D }
        #[lh] async fn f(h: &mut Holder, out: &mut D) -> &'static str {
            let mut spare = D::new("spare");
            pend(1, ()).await;
            std::mem::swap(&mut h.cur, &mut spare);
            pend(1, ()).await;
            let old = std::mem::replace(out, D::new("out2"));
            pend(1, ()).await;
            old.0
        }
        async fn go() -> (&'static str, &'static str, &'static str) {
            let mut h = Holder { cur: D::new("cur") };
            let mut o = D::new("out1");
            let r = f(&mut h, &mut o).await;
            (r, h.cur.0, o.0)
        }
    },
    run: go(),
}

known_gap! {
    reason: "(old gap `if_let_field_of_temporary_across_await` in cases_control_flow.rs, runs differently, events): `if let Some(n) = msg(id).id { fetch(n).await } else { .. }` with `msg()` returning a struct holding a `D`: rustc keeps the temporary to the end of the `then` block (native `[\"fetch 2\", \"drop msg\", ..]`), longhand drops it before the first suspension (lowered `[\"drop msg\", \"fetch 2\", ..]`)",
    differential! {
        /// A temporary dropper in an `if let` scrutinee whose pattern binds a
        /// `Copy` field, an await in the `then` block, an `else` that awaits.
        name: if_let_temp_dropper_copy_binding,
        items: {
            struct Msg { id: Option<u32>, _d: D }
            fn msg(id: Option<u32>) -> Msg { Msg { id, _d: D::new("msg") } }
            #[lh] async fn f(id: Option<u32>) -> u32 {
                let g = D::new("g");
                if let Some(n) = msg(id).id {
                    fetch(n).await
                } else {
                    pend(1, 0).await
                }
            }
            async fn go() -> (u32, u32) {
                (f(Some(2)).await, f(None).await)
            }
        },
        run: go(),
    }
}

differential! {
    /// Partially consuming a `Vec<D>` with `split_off` and `truncate`
    /// across awaits.
    name: vec_split_off_truncate,
    items: {
        #[lh] async fn f() -> (Vec<&'static str>, Vec<&'static str>) {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")];
            let tail = v.split_off(2);
            pend(1, ()).await;
            v.truncate(1);
            pend(1, ()).await;
            let names = |v: &Vec<D>| v.iter().map(|d| d.0).collect::<Vec<_>>();
            (names(&v), names(&tail))
        }
    },
    run: f(),
}

differential! {
    /// A `where` clause with an associated-type bound and a `&'a mut T`
    /// parameter, the iterator held across awaits.
    name: where_assoc_type_iterator_param,
    items: {
        #[lh] async fn sum_all<'a, I>(it: I) -> u32
        where
            I: IntoIterator<Item = &'a u32>,
            I::IntoIter: ExactSizeIterator,
        {
            let it = it.into_iter();
            let n = it.len();
            let mut s = 0;
            for x in it {
                s += fetch(*x).await;
            }
            s + n as u32
        }
        async fn go() -> u32 {
            let v = vec![1, 2, 3];
            sum_all(&v).await
        }
    },
    run: go(),
}

differential! {
    /// Recursion through `Box::pin` (a tree walk), each level holding a
    /// guard.
    name: boxed_recursion_tree_walk,
    items: {
        struct Node { v: u32, kids: Vec<Node> }
        fn walk(n: &Node) -> Pin<Box<dyn Future<Output = u32> + '_>> {
            Box::pin(walk_inner(n))
        }
        #[lh] async fn walk_inner(n: &Node) -> u32 {
            let g = D::new("level");
            let mut s = pend(1, n.v).await;
            for k in &n.kids {
                s += walk(k).await;
            }
            s
        }
        async fn go() -> u32 {
            let t = Node { v: 1, kids: vec![Node { v: 2, kids: vec![] }, Node { v: 3, kids: vec![Node { v: 4, kids: vec![] }] }] };
            walk(&t).await
        }
    },
    run: go(),
}

differential! {
    /// A `HashMap`-free dedup using a `BTreeSet` with `insert` returning
    /// `false`, `continue` on duplicates, across awaits.
    name: btreeset_dedup_continue,
    items: {
        #[lh] async fn f(ids: Vec<u32>) -> Vec<u32> {
            let mut seen = std::collections::BTreeSet::new();
            let mut out = vec![];
            for id in ids {
                let d = D::new("id");
                if !seen.insert(id) {
                    continue;
                }
                out.push(fetch(id).await);
            }
            out
        }
    },
    run: f(vec![3, 1, 3, 2, 1]),
}

differential! {
    /// `entry().or_insert_with` then an await, then the entry's value
    /// mutated through `get_mut`.
    name: btreemap_entry_then_get_mut,
    items: {
        #[lh] async fn f(words: Vec<&'static str>) -> BTreeMap<&'static str, u32> {
            let mut m = BTreeMap::new();
            for w in words {
                *m.entry(w).or_insert_with(|| 0) += 1;
                let bonus = pend(1, w.len() as u32).await;
                if let Some(c) = m.get_mut(w) {
                    *c += bonus;
                }
            }
            m
        }
    },
    run: f(vec!["a", "bb", "a"]),
}

differential! {
    /// Two iterators zipped with `chain` and `step_by`, held across
    /// awaits, with a dropper per pair.
    name: chain_step_by_zip,
    items: {
        #[lh] async fn f() -> Vec<(u32, u32)> {
            let a = [1u32, 2, 3];
            let b = vec![10u32, 20, 30, 40, 50];
            let mut out = vec![];
            for (x, y) in a.iter().chain([9u32].iter()).zip(b.iter().step_by(2)) {
                let d = D::new("pair");
                out.push((pend(1, *x).await, *y));
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// A `loop` whose `match` on an awaited value has arms `return`ing,
    /// `break`ing with a value, and `continue`ing, with a guard in the arm.
    name: loop_match_on_awaited_value,
    items: {
        #[lh] async fn f(script: Vec<i32>) -> i32 {
            let mut it = script.into_iter();
            let g = D::new("g");
            let total = loop {
                let next = pend(1, it.next()).await;
                match next {
                    None => break -1,
                    Some(0) => {
                        let d = D::new("zero");
                        continue;
                    }
                    Some(n) if n < 0 => {
                        let d = D::new("neg");
                        return pend(1, n).await;
                    }
                    Some(n) => break n * 10,
                }
            };
            total + 1
        }
        async fn go() -> Vec<i32> {
            vec![f(vec![0, 0, 4]).await, f(vec![0, -3]).await, f(vec![]).await]
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 9. Further service shapes
// ---------------------------------------------------------------------------

differential! {
    /// A connection handshake written as nested `loop`s over frames: the
    /// inner `loop` yields a frame, an `Err` from the read leaves both
    /// loops with `break 'conn Err(..)` through an awaited close.
    name: handshake_frames_break_conn_err,
    items: {
        async fn read(src: &mut VecDeque<i32>) -> Result<i32, String> {
            pend(1, ()).await;
            match src.pop_front() {
                Some(x) if x < 0 => Err(format!("io {x}")),
                Some(x) => Ok(x),
                None => Err("eof".into()),
            }
        }
        async fn close(why: &str) -> Result<u32, String> {
            pend(1, ()).await;
            Err(why.to_string())
        }
        #[lh] async fn f(mut src: VecDeque<i32>) -> Result<u32, String> {
            let conn = D::new("conn");
            let mut acc = 0u32;
            'conn: loop {
                let frame = loop {
                    match read(&mut src).await {
                        Ok(0) => continue,
                        Ok(x) => break x,
                        Err(e) => break 'conn close(&e).await,
                    }
                };
                acc += frame as u32;
                if acc > 5 {
                    break Ok(acc);
                }
            }
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(VecDeque::from(vec![0, 2, 4])).await, f(VecDeque::from(vec![1, -1])).await)
        }
    },
    run: go(),
}

differential! {
    /// A spawned-task shape: a non-`move` `async` block that awaits a
    /// request future built before it.
    name: async_block_awaits_request_future,
    items: {
        #[lh] async fn f(id: u32) -> u32 {
            let req = fetch_guarded("req", id);
            let task = async {
                let v = req.await;
                pend(1, v + 1).await
            };
            log("spawned");
            task.await
        }
    },
    run: f(2),
}

differential! {
    /// The same task written with `async move`, which compiles either way.
    name: async_move_block_awaits_request_future,
    items: {
        #[lh] async fn f(id: u32) -> u32 {
            let req = fetch_guarded("req", id);
            let task = async move {
                let v = req.await;
                pend(1, v + 1).await
            };
            log("spawned");
            task.await
        }
    },
    run: f(2),
}

differential! {
    /// Parallel-looking code done sequentially: a `Vec` of `async move`
    /// blocks, each owning a `D`, awaited in a `for` with an early `break`.
    name: vec_of_async_move_blocks_break,
    items: {
        #[lh] async fn f(n: u32, stop: u32) -> Vec<u32> {
            let names = ["t0", "t1", "t2", "t3"];
            let mut tasks = Vec::new();
            for i in 0..n {
                let d = D::new(names[i as usize]);
                tasks.push(async move {
                    pend(1, ()).await;
                    i * 10 + d.touch() as u32
                });
            }
            let mut out = vec![];
            for t in tasks {
                let v = t.await;
                if v / 10 == stop {
                    break;
                }
                out.push(v);
            }
            out
        }
    },
    run: f(4, 2),
}

differential! {
    /// `iter_mut` over a `Vec` of structs, an awaited call with a field,
    /// then another field assigned; a dropper field replaced.
    name: iter_mut_structs_replace_dropper_field,
    items: {
        struct Job { id: u32, res: Option<u32>, lease: D }
        #[lh] async fn f(mut jobs: Vec<Job>) -> Vec<Option<u32>> {
            let names = ["n0", "n1", "n2"];
            for (i, j) in jobs.iter_mut().enumerate() {
                j.res = Some(fetch(j.id).await);
                j.lease = D::new(names[i]);
                pend(1, ()).await;
            }
            jobs.iter().map(|j| j.res).collect()
        }
        async fn go() -> Vec<Option<u32>> {
            f(vec![
                Job { id: 1, res: None, lease: D::new("o0") },
                Job { id: 2, res: None, lease: D::new("o1") },
            ]).await
        }
    },
    run: go(),
}

differential! {
    /// `chunks_mut` with an await per chunk writing through the chunk.
    name: chunks_mut_fill,
    items: {
        #[lh] async fn f(n: usize) -> Vec<u32> {
            let mut buf = vec![0u32; n];
            for (i, chunk) in buf.chunks_mut(2).enumerate() {
                let base = fetch(i as u32).await;
                for (k, x) in chunk.iter_mut().enumerate() {
                    *x = base + k as u32;
                }
            }
            buf
        }
    },
    run: f(5),
}

differential! {
    /// A two-phase commit: stored prepare futures awaited, then `?` on
    /// each, with a rollback guard dropped on failure.
    name: two_phase_commit_stored_futures,
    items: {
        async fn prepare(node: u32) -> Result<u32, String> {
            let g = D::new("prep");
            pend(1, ()).await;
            if node == 3 { Err(format!("node {node} refused")) } else { Ok(node) }
        }
        #[lh] async fn f(nodes: Vec<u32>) -> Result<u32, String> {
            let rollback = D::new("rollback");
            let futs: Vec<_> = nodes.iter().map(|n| prepare(*n)).collect();
            let mut ok = 0;
            for fut in futs {
                ok += fut.await?;
            }
            std::mem::forget(rollback);
            Ok(ok)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(vec![1, 2]).await, f(vec![1, 3, 4]).await)
        }
    },
    run: go(),
}

differential! {
    /// An `Rc<Cell>` backoff counter with a labelled `while` loop whose
    /// condition awaits, `continue 'retry` from a nested `match`.
    name: labelled_while_await_condition_continue,
    items: {
        async fn healthy(c: &Cell<u32>) -> bool {
            pend(1, ()).await;
            c.set(c.get() + 1);
            c.get() < 4
        }
        #[lh] async fn f(codes: Vec<u16>) -> (u32, Vec<u16>) {
            let c = Rc::new(Cell::new(0));
            let mut seen = vec![];
            let mut it = codes.into_iter();
            'retry: while healthy(&c).await {
                let d = D::new("try");
                match it.next() {
                    Some(503) => {
                        pend(1, ()).await;
                        continue 'retry;
                    }
                    Some(code) => seen.push(code),
                    None => break 'retry,
                }
            }
            (c.get(), seen)
        }
    },
    run: f(vec![200, 503, 404, 200]),
}

differential! {
    /// A cursor struct with `&mut self` methods that await, driven by
    /// `while let` with `peek`-like lookahead through `&self`.
    name: cursor_struct_lookahead,
    items: {
        struct Cursor { items: Vec<u32>, at: usize, _d: D }
        impl Cursor {
            fn peek(&self) -> Option<u32> { self.items.get(self.at).copied() }
            async fn advance(&mut self) -> Option<u32> {
                pend(1, ()).await;
                let x = self.items.get(self.at).copied();
                self.at += 1;
                x
            }
        }
        #[lh] async fn f(c: &mut Cursor) -> Vec<u32> {
            let mut groups = vec![];
            while let Some(x) = c.advance().await {
                let mut sum = x;
                while c.peek().map(|n| n > x).unwrap_or(false) {
                    sum += c.advance().await.unwrap();
                }
                groups.push(sum);
            }
            groups
        }
        async fn go() -> Vec<u32> {
            let mut c = Cursor { items: vec![1, 2, 3, 1, 5, 0], at: 0, _d: D::new("cursor") };
            f(&mut c).await
        }
    },
    run: go(),
}

differential! {
    /// A panic during unwinding-sensitive state: a `RefCell` borrowed
    /// mutably across an await, then a panic; the borrow guard drops first.
    name: panic_while_refcell_borrowed_mut,
    items: {
        #[lh] async fn f(cell: Rc<RefCell<Vec<D>>>) -> usize {
            let mut g = cell.borrow_mut();
            g.push(D::new("pushed"));
            pend(1, ()).await;
            let n = g.len();
            if n > 1 {
                panic!("too many: {n}");
            }
            n
        }
        async fn go() -> usize {
            let c = Rc::new(RefCell::new(vec![D::new("first")]));
            f(c).await
        }
    },
    run: go(),
}

differential! {
    /// A panic in an argument evaluated after an await, inside a method
    /// call chain, with a stored unpolled future alive.
    name: panic_in_argument_after_await,
    items: {
        fn check(x: u32) -> u32 {
            if x > 3 { panic!("check failed for {x}") }
            x
        }
        #[lh] async fn f() -> Vec<u32> {
            let pending = pend(1, D::new("pending"));
            let mut v = vec![];
            v.push(check(fetch(1).await));
            v.push(check(fetch(2).await));
            drop(pending);
            v
        }
    },
    run: f(),
}

differential! {
    /// `split_first` / `split_last` on a borrowed slice parameter, the
    /// pieces used after awaits.
    name: split_first_last_across_awaits,
    items: {
        #[lh] async fn f(v: &[D]) -> usize {
            let Some((head, rest)) = v.split_first() else {
                return pend(1, 0).await;
            };
            let n = pend(1, head.touch()).await;
            match rest.split_last() {
                Some((last, mid)) => n + pend(1, last.touch() + mid.len()).await,
                None => n,
            }
        }
        async fn go() -> (usize, usize, usize) {
            let v = vec![D::new("h"), D::new("m"), D::new("ll")];
            (f(&v).await, f(&v[..1]).await, f(&[]).await)
        }
    },
    run: go(),
}

differential! {
    /// A generic `Wrapper<T>` whose `&mut self` async method awaits a
    /// method of `T` through a trait with a default-free `impl Future`
    /// return.
    name: generic_wrapper_trait_impl_future,
    items: {
        trait Backend {
            fn call(&mut self, x: u32) -> impl Future<Output = u32>;
        }
        struct Mock { calls: u32 }
        impl Backend for Mock {
            fn call(&mut self, x: u32) -> impl Future<Output = u32> {
                self.calls += 1;
                let c = self.calls;
                async move { pend(1, x + c).await }
            }
        }
        struct Retry<B> { inner: B, tries: u32, _d: D }
        impl<B: Backend> Retry<B> {
            #[lh] async fn call(&mut self, x: u32) -> u32 {
                let mut last = 0;
                for _ in 0..self.tries {
                    last = self.inner.call(x).await;
                    if last % 2 == 0 {
                        break;
                    }
                }
                last
            }
        }
        async fn go() -> (u32, u32) {
            let mut r = Retry { inner: Mock { calls: 0 }, tries: 3, _d: D::new("retry") };
            let v = r.call(4).await;
            (v, r.inner.calls)
        }
    },
    run: go(),
}

differential! {
    /// An `Option<Pin<Box<Future>>>` in-flight slot: started lazily,
    /// polled across loop iterations via `as_mut()`, cleared when done.
    name: inflight_slot_option_pin_box,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut inflight: Option<Pin<Box<dyn Future<Output = u32>>>> = None;
            let mut out = vec![];
            for i in 0..3u32 {
                if inflight.is_none() {
                    inflight = Some(Box::pin(fetch_guarded("flight", i)));
                }
                let done = std::future::poll_fn(|cx| match inflight.as_mut().unwrap().as_mut().poll(cx) {
                    Poll::Ready(v) => Poll::Ready(Some(v)),
                    Poll::Pending => Poll::Ready(None),
                })
                .await;
                if let Some(v) = done {
                    out.push(v);
                    inflight = None;
                }
                pend(1, ()).await;
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// A stored `IntoFuture` value moved into a helper that awaits it, the
    /// helper's future itself stored and awaited after another await.
    name: into_future_passed_through_helper,
    items: {
        async fn timed<F: IntoFuture>(f: F) -> F::Output {
            let t = D::new("timer");
            f.await
        }
        #[lh] async fn f() -> u32 {
            let r = get(7, "g7");
            let fut = timed(r);
            let x = fetch(1).await;
            x + fut.await
        }
    },
    run: f(),
}

differential! {
    /// Shadowing a future with its output: `let user = fetch(..); .. let
    /// user = user.await;`.
    name: shadow_future_with_output,
    items: {
        #[lh] async fn f(id: u32) -> u32 {
            let user = fetch_guarded("user", id);
            let perms = fetch(id + 1).await;
            let user = user.await;
            let user = user + perms;
            user
        }
    },
    run: f(1),
}

differential! {
    /// Drop order of an `(Option<D>, Vec<D>)` tuple destructured with `mut`
    /// bindings, both mutated across awaits.
    name: tuple_destructured_mut_bindings,
    items: {
        #[lh] async fn f(pair: (Option<D>, Vec<D>)) -> usize {
            let (mut head, mut rest) = pair;
            pend(1, ()).await;
            if let Some(h) = head.take() {
                rest.insert(0, h);
            }
            pend(1, ()).await;
            rest.push(D::new("tail"));
            head = rest.pop();
            pend(1, rest.len()).await
        }
        async fn go() -> usize {
            f((Some(D::new("h")), vec![D::new("r1")])).await
        }
    },
    run: go(),
}

differential! {
    /// `while let Some(top) = stack.last()` borrowing, then `pop` after the
    /// borrow, with awaits in between.
    name: stack_last_then_pop,
    items: {
        #[lh] async fn f(mut stack: Vec<D>) -> Vec<&'static str> {
            let mut out = vec![];
            while let Some(top) = stack.last() {
                let n = pend(1, top.touch()).await;
                if n > 1 {
                    stack.pop();
                    out.push("popped");
                } else {
                    let d = stack.pop().unwrap();
                    pend(1, ()).await;
                    out.push(d.0);
                }
            }
            out
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("c")]),
}

differential! {
    /// A receive loop: the inner `loop` returns a message, a shutdown
    /// signal leaves the outer labelled loop with an awaited drain value,
    /// and the message is compared with `==` afterwards.
    name: recv_loop_shutdown_break_outer_compare,
    items: {
        #[lh] async fn f(mut inbox: Vec<i32>) -> i32 {
            let g = D::new("g");
            let mut seen = 0;
            'run: loop {
                let msg = loop {
                    match inbox.pop() {
                        Some(-1) => break 'run pend(1, seen * 100).await,
                        Some(m) => break m,
                        None => break 'run -1,
                    }
                };
                if msg == 7 {
                    log("seven");
                }
                seen += 1;
            }
        }
    },
    run: f(vec![-1, 7, 3]),
}

differential! {
    /// Struct field reassignment of a dropper inside `iter_mut` loop with a
    /// panic on the second element: unwinding drops the iterator's owner
    /// after the half-updated element.
    name: panic_mid_iter_mut_update,
    items: {
        struct E { d: D, n: u32 }
        #[lh] async fn f(mut v: Vec<E>) -> u32 {
            let names = ["new0", "new1"];
            let mut i = 0;
            for e in v.iter_mut() {
                e.d = D::new(names[i]);
                e.n = pend(1, e.n).await.checked_sub(1).expect("underflow");
                i += 1;
            }
            v.iter().map(|e| e.n).sum()
        }
        async fn go() -> u32 {
            f(vec![E { d: D::new("old0"), n: 3 }, E { d: D::new("old1"), n: 0 }]).await
        }
    },
    run: go(),
}

differential! {
    /// `zip` of `iter_mut` and a `Vec<D>` consumed by value, each pair
    /// awaited.
    name: zip_iter_mut_with_owned,
    items: {
        #[lh] async fn f(mut totals: Vec<usize>, items: Vec<D>) -> Vec<usize> {
            for (t, d) in totals.iter_mut().zip(items) {
                *t += pend(1, d.touch()).await;
            }
            totals
        }
        async fn go() -> Vec<usize> {
            f(vec![1, 1], vec![D::new("x"), D::new("yy"), D::new("zzz")]).await
        }
    },
    run: go(),
}

differential! {
    /// Option chain with an awaited fallback: `match cache.get(k).cloned()
    /// { Some(v) => v, None => load(k).await }`, inside `for` over keys.
    name: cache_or_load_in_loop,
    items: {
        #[lh] async fn f(keys: &[u32]) -> Vec<String> {
            let mut cache: BTreeMap<u32, String> = BTreeMap::new();
            let mut out = vec![];
            for k in keys {
                let v = match cache.get(k).cloned() {
                    Some(v) => v,
                    None => {
                        let v = format!("v{}", fetch(*k).await);
                        cache.insert(*k, v.clone());
                        v
                    }
                };
                out.push(v);
            }
            out
        }
        async fn go() -> Vec<String> {
            f(&[1, 2, 1]).await
        }
    },
    run: go(),
}
