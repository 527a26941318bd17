//! Tokio-shaped code: `tokio::select!` in loops, conditions, initializers
//! and tails; async methods in traits and generic code; service-like state
//! machines; hand-written streams; ownership edge cases (awaited values
//! used in place, `Box` moves, deferred initialisation); panics in and
//! around `select!`. Written to find what the lowering got wrong; each
//! finding was fixed (its case is an ordinary one here) or is kept as a
//! `known_gap!` with its reason ("r2-N").
#![allow(dead_code, unused_variables, unused_mut, unused_assignments)]
// Shapes written on purpose: a `RefCell` guard held across an await,
// `match` and `if let` on awaited values with wildcard arms, a closure
// called where it is written, and the like.
#![allow(
    clippy::await_holding_refcell_ref,
    clippy::while_let_on_iterator,
    clippy::needless_range_loop,
    clippy::let_underscore_future,
    clippy::match_single_binding,
    clippy::redundant_pattern_matching,
    clippy::redundant_closure_call,
    clippy::infallible_destructuring_match,
    clippy::single_char_add_str,
    clippy::manual_is_multiple_of,
    clippy::needless_late_init
)]

use crate::harness::*;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll};

/// A hand-written request future owning a connection handle: it keeps the
/// handle after it completes, until it is dropped (like a pooled request
/// that returns its connection to the pool on drop).
pub struct Request {
    conn: D,
    left: u32,
    value: u32,
}

pub fn request(conn: &'static str, left: u32, value: u32) -> Request {
    Request {
        conn: D::new(conn),
        left,
        value,
    }
}

impl Future for Request {
    type Output = u32;
    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<u32> {
        if self.left > 0 {
            self.left -= 1;
            cx.waker().wake_by_ref();
            Poll::Pending
        } else {
            log(format!("{} answered", self.conn.0));
            Poll::Ready(self.value)
        }
    }
}

// ---------------------------------------------------------------------------
// 1. tokio::select!
// ---------------------------------------------------------------------------

differential! {
    /// Two hand-written request futures that keep their connection until
    /// they are dropped: the winner is not the first in the tuple.
    name: select_winner_future_dropped_with_the_others,
    items: {
        #[lh] async fn f() -> u32 {
            let got = tokio::select! {
                biased;
                a = request("slow", 3, 1) => a,
                b = request("fast", 1, 2) => b,
            };
            log("handled");
            got
        }
    },
    run: f(),
}

differential! {
    /// Preconditions reading shared state through `RefCell`: each guard
    /// ends with its own condition.
    name: select_preconditions_with_refcell_guards,
    items: {
        use std::cell::RefCell;
        struct State { open: bool, ticks: u32 }
        #[lh] async fn f(state: &RefCell<State>) -> u32 {
            tokio::select! {
                biased;
                v = pend(2, 1), if state.borrow().open => v,
                w = pend(1, 2), if { state.borrow_mut().ticks += 1; true } => w + state.borrow().ticks,
            }
        }
    },
    run: async {
        let s = std::cell::RefCell::new(State { open: true, ticks: 0 });
        f(&s).await
    },
}

differential! {
    /// Preconditions whose temporaries log their drop.
    name: select_precondition_temporaries_order,
    items: {
        #[lh] async fn f() -> u32 {
            tokio::select! {
                biased;
                v = pend(2, 1), if D::new("c0").touch() > 0 => v,
                w = pend(1, 2), if D::new("c1").touch() > 0 => w,
            }
        }
    },
    run: f(),
}

differential! {
    /// A branch future that is a reference to a temporary (tokio lets
    /// temporary lifetime extension reach it).
    name: select_future_ref_to_extended_temporary,
    items: {
        #[lh] async fn f() -> u32 {
            let _keep = D::new("keep");
            let r = tokio::select! {
                biased;
                v = &mut pend(2, 5) => v,
                w = &mut request("extended", 1, 7) => w,
            };
            log("after select");
            r
        }
    },
    run: f(),
}

known_gap! {
    reason: "r2-5 (runs differently): a select! pattern that binds part of the value by value and leaves the rest (`(n, _) = ..`) drops the rest at the handler's first suspension; tokio keeps it until the handler ends. A partly moved value cannot be kept without per-field drop flags (the `if let Some(x) = make().1` gap). The wildcard-only forms (`_ = ..`) are cases of their own.",
    differential! {
        /// The output of the winning branch is matched with `_` parts: what
        /// the pattern does not move stays in the output until the handler ends.
        name: select_output_unmoved_parts_live_through_handler,
        items: {
            #[lh] async fn f(first: bool) -> u32 {
                tokio::select! {
                    biased;
                    _ = pend(1, D::new("whole")), if first => {
                        pend(1, ()).await;
                        log("handler 0");
                        0
                    }
                    (n, _) = pend(1, (4, D::new("rest"))) => {
                        pend(2, ()).await;
                        log("handler 1");
                        n
                    }
                }
            }
        },
        run: async { (f(true).await, f(false).await) },
    }
}

differential! {
    /// A future expression that awaits.
    name: select_future_expression_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            tokio::select! {
                biased;
                v = pend(pend(1, 2).await, 3) => v,
                _ = pend(5, ()) => 0,
            }
        }
    },
    run: f(),
}

differential! {
    /// A future expression that uses `?`.
    name: select_future_expression_try,
    items: {
        fn parse(s: &str) -> Result<u32, String> {
            s.parse::<u32>().map_err(|e| format!("{s}: {e}"))
        }
        #[lh] async fn f(s: &str) -> Result<u32, String> {
            let r = tokio::select! {
                biased;
                v = pend(1, parse(s)?) => v,
                _ = pend(5, ()) => 0,
            };
            Ok(r)
        }
    },
    run: async { (f("7").await, f("x").await) },
}

differential! {
    /// `select!` imported by `use tokio::select;`.
    name: select_imported_by_use,
    items: {
        use tokio::select;
        #[lh] async fn f() -> u32 {
            select! {
                biased;
                v = pend(2, 1) => v,
                w = pend(1, 2) => w,
            }
        }
    },
    run: f(),
}

differential! {
    /// A completed branch whose value its pattern rejects: its future stays
    /// in the select until the end.
    name: select_rejected_branch_future_kept,
    items: {
        struct Opt(Request);
        impl Future for Opt {
            type Output = Option<u32>;
            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<u32>> {
                Pin::new(&mut self.0).poll(cx).map(|v| if v > 10 { Some(v) } else { None })
            }
        }
        #[lh] async fn f() -> u32 {
            tokio::select! {
                biased;
                Some(v) = Opt(request("rejected", 1, 3)) => v,
                w = request("winner", 2, 4) => w,
                _ = request("loser", 5, 0) => 0,
            }
        }
    },
    run: f(),
}

differential! {
    /// Control for r2-5 without `select!`: a `match` on an awaited value
    /// whose arm binds nothing and awaits.
    name: match_on_awaited_value_wildcard_arm_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            match pend(1, D::new("whole")).await {
                _ => {
                    pend(1, ()).await;
                    log("handler");
                    0
                }
            }
        }
    },
    run: f(),
}

differential! {
    /// r2-5 minimal.
    name: select_wildcard_output_handler_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            tokio::select! {
                _ = pend(1, D::new("whole")) => {
                    pend(1, ()).await;
                    log("handler");
                    0
                }
            }
        }
    },
    run: f(),
}

/// A channel-like queue whose `recv` borrows it mutably across awaits.
pub struct Chan {
    items: std::collections::VecDeque<D>,
    delay: u32,
}

impl Chan {
    pub fn new(names: &[&'static str], delay: u32) -> Chan {
        Chan {
            items: names.iter().map(|n| D::new(n)).collect(),
            delay,
        }
    }
    pub async fn recv(&mut self) -> Option<D> {
        pend(self.delay, ()).await;
        self.items.pop_front()
    }
}

differential! {
    /// A select loop over two local channels borrowed mutably by `recv`,
    /// a pinned deadline polled by `&mut` across iterations, a labeled
    /// `break` out of an inner `for`, `continue` and a precondition reading
    /// a counter that the handlers change.
    name: select_two_channels_deadline_labeled,
    items: {
        #[lh] async fn f(limit: usize) -> Vec<String> {
            let mut a = Chan::new(&["a1", "a2", "a3"], 1);
            let mut b = Chan::new(&["b1", "b2"], 2);
            let mut seen = Vec::new();
            let mut from_a = 0;
            let mut deadline = std::pin::pin!(pend(9, D::new("deadline")));
            'outer: loop {
                tokio::select! {
                    biased;
                    Some(m) = a.recv(), if from_a < limit => {
                        from_a += 1;
                        for ch in m.0.chars() {
                            if ch == '3' {
                                seen.push(format!("{} stops", m.0));
                                break 'outer;
                            }
                        }
                        seen.push(m.0.to_string());
                        pend(1, ()).await;
                    }
                    Some(m) = b.recv() => {
                        if m.0 == "b1" {
                            log("skip b1");
                            continue 'outer;
                        }
                        seen.push(m.0.to_string());
                    }
                    d = &mut deadline => {
                        seen.push(format!("deadline {}", d.touch()));
                        break;
                    }
                }
            }
            seen.push(format!("left {} {}", a.items.len(), b.items.len()));
            seen
        }
    },
    run: async { (f(5).await, f(1).await) },
}

differential! {
    /// `?` and `return` in handlers, and a handler that awaits before
    /// deciding; the `else` branch returns early.
    name: select_try_return_in_handlers,
    items: {
        #[derive(Debug)]
        enum Error { Closed(&'static str), Bad(u32) }
        fn check(v: u32) -> Result<u32, Error> {
            if v % 7 == 0 { Err(Error::Bad(v)) } else { Ok(v) }
        }
        #[lh] async fn f(vals: Vec<Option<u32>>) -> Result<u32, Error> {
            let _conn = D::new("conn");
            let mut sum = 0;
            for (i, v) in vals.into_iter().enumerate() {
                let got = tokio::select! {
                    biased;
                    Some(x) = pend(1, v) => {
                        let held = D::new("held");
                        let checked = check(pend(1, x).await)?;
                        held.touch();
                        checked
                    }
                    else => {
                        if i == 0 {
                            return Err(Error::Closed("first"));
                        }
                        return Ok(sum);
                    }
                };
                sum += got;
            }
            Ok(sum)
        }
    },
    run: async {
        (
            f(vec![Some(1), Some(2)]).await,
            f(vec![Some(1), None, Some(3)]).await,
            f(vec![None]).await,
            f(vec![Some(3), Some(14), Some(1)]).await,
        )
    },
}

differential! {
    /// `select!` as a `let` initializer, in an `if` condition, inside a
    /// `match` arm, and as the function's tail.
    name: select_in_expression_positions,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let a = tokio::select! {
                biased;
                v = pend(k, 1) => v,
                w = pend(2, 2) => w * 10,
            };
            if tokio::select! { biased; x = pend(1, a) => x > 5, _ = pend(3, ()) => false } {
                log("big");
            }
            let b = match a {
                1 => tokio::select! {
                    biased;
                    d = pend(1, D::new("in arm")) => d.touch() as u32,
                    _ = pend(4, ()) => 0,
                },
                n => n,
            };
            tokio::select! {
                biased;
                z = async { pend(1, ()).await; a + b } => z,
                _ = pend(9, ()) => 0,
            }
        }
    },
    run: async { (f(0).await, f(1).await, f(5).await) },
}

differential! {
    /// Branch futures that are `async` blocks capturing locals by
    /// reference and by `move`; the handlers then use what the blocks
    /// borrowed.
    name: select_async_blocks_capturing_locals,
    items: {
        #[lh] async fn f(first: bool) -> String {
            let mut buf = String::from("buf");
            let owned = D::new("owned");
            let shared = D::new("shared");
            let r = tokio::select! {
                biased;
                n = async { pend(2, ()).await; shared.touch() + buf.len() }, if !first => n,
                m = async move { pend(1, ()).await; owned.touch() } => m * 100,
            };
            buf.push_str("!");
            shared.touch();
            format!("{buf} {r}")
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Patterns: `ref`, `mut`, `@` with a range, an or-pattern with a
    /// binding in each alternative, a struct pattern with a rest.
    name: select_pattern_forms,
    items: {
        #[derive(Debug)]
        struct Frame { kind: u8, body: D, len: usize }
        #[lh] async fn f(kind: u8) -> String {
            let frame = Frame { kind, body: D::new("body"), len: 3 };
            let a = tokio::select! {
                biased;
                Frame { kind: k @ 1..=3, ref body, .. } = pend(1, frame) => {
                    pend(1, ()).await;
                    format!("small {k} {}", body.touch())
                }
                _ = pend(2, ()) => "timeout".to_string(),
            };
            let b = tokio::select! {
                biased;
                Ok(n) | Err(n) = pend(1, if kind > 2 { Ok::<u32, u32>(kind as u32) } else { Err(0) }) => {
                    let mut n = n;
                    n += pend(1, 1).await;
                    n
                }
            };
            format!("{a} {b}")
        }
    },
    run: async { (f(2).await, f(3).await, f(9).await) },
}

differential! {
    /// A `select!` nested in a branch future (inside an `async` block) and
    /// in a handler, each `biased;`.
    name: select_nested_in_future_and_handler,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let _outer = D::new("outer");
            tokio::select! {
                biased;
                v = async {
                    tokio::select! {
                        biased;
                        a = pend(n, 1) => a,
                        b = pend(2, D::new("inner")) => b.touch() as u32,
                    }
                } => {
                    tokio::select! {
                        biased;
                        c = pend(1, v * 10) => c,
                        _ = pend(n, ()) => 0,
                    }
                }
                _ = pend(3, ()) => 99,
            }
        }
    },
    run: async { (f(0).await, f(1).await, f(4).await) },
}

differential! {
    /// tokio's `mpsc` channel used without wakeups: the sender sent before
    /// the race and then went away, so `recv` completes by itself.
    name: select_tokio_mpsc_drained,
    items: {
        #[lh] async fn f(n: u32) -> (Vec<String>, u32) {
            let (tx, mut rx) = tokio::sync::mpsc::channel::<D>(8);
            for name in ["m1", "m2", "m3"].into_iter().take(n as usize) {
                tx.try_send(D::new(name)).unwrap();
            }
            drop(tx);
            let mut got = Vec::new();
            let mut ticks = 0;
            loop {
                tokio::select! {
                    biased;
                    msg = rx.recv() => match msg {
                        Some(m) => {
                            pend(1, ()).await;
                            got.push(m.0.to_string());
                        }
                        None => break,
                    },
                    _ = pend(1, ()) => ticks += 1,
                }
            }
            (got, ticks)
        }
    },
    run: async { (f(0).await, f(3).await) },
}

differential! {
    /// A panic inside a handler (after an await) and one inside a raced
    /// future, with locals and other futures alive.
    name: select_panics_in_handler_and_future,
    items: {
        async fn boom(n: u32) -> u32 {
            let _in = D::new("in boom");
            pend(n, ()).await;
            panic!("boom after {n}")
        }
        #[lh] async fn f(which: u32) -> u32 {
            let _a = D::new("a");
            let r = tokio::select! {
                biased;
                v = boom(2), if which == 0 => v,
                w = pend(1, D::new("w")), if which == 1 => {
                    let _h = D::new("h");
                    pend(1, ()).await;
                    if w.touch() > 0 { panic!("handler {}", w.0) }
                    0
                }
                _ = request("other", 3, 0) => 1,
            };
            r
        }
    },
    run: async { (f(0).await, f(1).await) },
}

differential! {
    /// r2-7 minimal: a struct literal with field init shorthand naming a
    /// local that is pinned in place (borrowed across an await).
    name: shorthand_init_of_pinned_local,
    items: {
        struct Frame { kind: u8 }
        #[lh] async fn f(k0: u8) -> u8 {
            let kind = k0 + 1;
            let r = &kind;
            pend(1, ()).await;
            let fr = Frame { kind };
            fr.kind + *r
        }
    },
    run: f(2),
}

differential! {
    /// r2-7, service shape: a response built with shorthand from a list
    /// that a `for` loop iterated by reference across awaits.
    name: shorthand_init_after_iter_loop,
    items: {
        #[derive(Debug)]
        struct Summary { ids: Vec<u32>, total: u32 }
        #[lh] async fn f(ids: Vec<u32>) -> Summary {
            let mut total = 0;
            for id in ids.iter() {
                total += pend(1, *id).await;
            }
            Summary { ids, total }
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// r2-9 minimal: the `else` handler a block ending in `return ..;`,
    /// the `select!` a `let` initializer whose value is used.
    name: select_else_block_return_statement,
    items: {
        #[lh] async fn f(v: Option<u32>) -> Result<u32, ()> {
            let mut sum = 0;
            let got = tokio::select! {
                Some(x) = pend(1, v) => x,
                else => {
                    return Ok(sum);
                }
            };
            sum += got;
            Ok(sum)
        }
    },
    run: async { (f(Some(1)).await, f(None).await) },
}

differential! {
    /// r2-8 minimal (a): `select!` inside an `async` block that is not
    /// awaited where it is written, naming a parameter by value.
    name: select_inside_async_block_awaited_later,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let fut = async { tokio::select! { a = pend(n, 1) => a } };
            fut.await
        }
    },
    run: f(1),
}

differential! {
    /// r2-8 minimal (b): the same `async` block awaited where it is written.
    name: select_inside_async_block_awaited_in_place,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            async { tokio::select! { a = pend(n, 1) => a } }.await
        }
    },
    run: f(1),
}

differential! {
    /// `select_pattern_forms` without the shorthand: `ref`, `@` with a
    /// range, an or-pattern binding in each alternative, a struct pattern
    /// with a rest, the handlers awaiting while holding the `ref`.
    name: select_pattern_forms_no_shorthand,
    items: {
        #[derive(Debug)]
        struct Frame { kind: u8, body: D, len: usize }
        #[lh] async fn f(k0: u8) -> String {
            let frame = Frame { kind: k0, body: D::new("body"), len: 3 };
            let a = tokio::select! {
                biased;
                Frame { kind: k @ 1..=3, ref body, .. } = pend(1, frame) => {
                    pend(1, ()).await;
                    format!("small {k} {}", body.touch())
                }
                _ = pend(2, ()) => "timeout".to_string(),
            };
            let b = tokio::select! {
                biased;
                Ok(n) | Err(n) = pend(1, if k0 > 2 { Ok::<u32, u32>(k0 as u32) } else { Err(0) }) => {
                    let mut n = n;
                    n += pend(1, 1).await;
                    n
                }
            };
            format!("{a} {b}")
        }
    },
    run: async { (f(2).await, f(3).await, f(9).await) },
}

differential! {
    /// `?` and `return` in handlers; the `else` handler returns as an
    /// expression (no block).
    name: select_try_return_in_handlers_else_expr,
    items: {
        #[derive(Debug)]
        enum Error { Bad(u32) }
        fn check(v: u32) -> Result<u32, Error> {
            if v % 7 == 0 { Err(Error::Bad(v)) } else { Ok(v) }
        }
        #[lh] async fn f(vals: Vec<Option<u32>>) -> Result<u32, Error> {
            let _conn = D::new("conn");
            let mut sum = 0;
            for (i, v) in vals.into_iter().enumerate() {
                let got = tokio::select! {
                    biased;
                    Some(x) = pend(1, v) => {
                        let held = D::new("held");
                        let checked = check(pend(1, x).await)?;
                        held.touch();
                        if checked == 5 { return Ok(1000 + i as u32) }
                        checked
                    }
                    else => return Ok(sum),
                };
                sum += got;
            }
            Ok(sum)
        }
    },
    run: async {
        (
            f(vec![Some(1), Some(2)]).await,
            f(vec![Some(1), None, Some(3)]).await,
            f(vec![Some(3), Some(14), Some(1)]).await,
            f(vec![Some(3), Some(5), Some(1)]).await,
        )
    },
}

differential! {
    /// A `select!` nested in a handler, and one in the handler of that.
    name: select_nested_in_handlers,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let _outer = D::new("outer");
            tokio::select! {
                biased;
                v = pend(n, 2) => {
                    let _h = D::new("h");
                    tokio::select! {
                        biased;
                        c = pend(1, v * 10) => tokio::select! {
                            biased;
                            d = pend(n, D::new("inner")) => d.touch() as u32 + c,
                            _ = pend(2, ()) => c,
                        },
                        _ = pend(n, ()) => 0,
                    }
                }
                _ = pend(3, ()) => 99,
            }
        }
    },
    run: async { (f(0).await, f(1).await, f(4).await) },
}

differential! {
    /// A `std::pin::pin!` future reused by `&mut` across loop iterations
    /// in two branches in turn (a heartbeat and a shutdown signal), one of
    /// them replaced with `set` after it fires.
    name: select_pinned_reused_and_reset,
    items: {
        #[lh] async fn f(rounds: u32) -> Vec<String> {
            let mut out = Vec::new();
            let mut beat = std::pin::pin!(pend(2, 0u32));
            let mut shutdown = std::pin::pin!(pend(7, D::new("shutdown")));
            let mut n = 0;
            loop {
                tokio::select! {
                    biased;
                    s = &mut shutdown => {
                        out.push(format!("shutdown {}", s.touch()));
                        break;
                    }
                    b = &mut beat => {
                        n += 1;
                        out.push(format!("beat {b}"));
                        if n == rounds {
                            break;
                        }
                        beat.set(pend(1, n));
                    }
                }
            }
            out
        }
    },
    run: async { (f(2).await, f(9).await) },
}

differential! {
    /// r2-10 probe: a select! as the handler of a select!, the inner
    /// handler calling a method on its binding.
    name: select_as_handler_method_on_binding,
    items: {
        #[lh] async fn f() -> usize {
            tokio::select! {
                v = pend(1, 2) => tokio::select! {
                    d = pend(1, D::new("inner")) => d.touch() + v,
                },
            }
        }
    },
    run: f(),
}

differential! {
    /// r2-10 probe: the inner select! in a block handler.
    name: select_in_block_handler_method_on_binding,
    items: {
        #[lh] async fn f() -> usize {
            tokio::select! {
                v = pend(1, 2) => {
                    tokio::select! {
                        d = pend(1, D::new("inner")) => d.touch() + v,
                    }
                }
            }
        }
    },
    run: f(),
}

differential! {
    /// r2-10 probe: a handler awaiting, then calling a method on a binding
    /// of a select! after it.
    name: select_after_handler_await_method_on_binding,
    items: {
        #[lh] async fn f() -> usize {
            let a = tokio::select! {
                v = pend(1, 2) => pend(1, v).await,
            };
            tokio::select! {
                d = pend(1, D::new("second")) => d.touch() + a,
            }
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 2. Async methods in traits, generic code
// ---------------------------------------------------------------------------

pub trait Repo {
    const NAME: &'static str;
    async fn get(&self, id: u32) -> Option<D>;
    async fn put(&mut self, id: u32, name: &'static str) -> bool;
    /// A default method that awaits the required ones through `Self::`.
    async fn get_or_put(&mut self, id: u32, name: &'static str) -> D
    where
        Self: Sized,
    {
        match self.get(id).await {
            Some(d) => d,
            None => {
                self.put(id, name).await;
                Self::get(self, id).await.unwrap_or(D::new("missing"))
            }
        }
    }
}

differential! {
    /// A trait with `async fn`s implemented with `#[lh]` on the impl's
    /// methods (a `&self` one, a `&mut self` one, using an associated
    /// const), a generic function over `T: Repo`, and the trait's default
    /// method calling the lowered ones.
    name: trait_repo_impl_and_generic_caller,
    items: {
        struct MemRepo { rows: Vec<(u32, &'static str)>, delay: u32 }
        impl Repo for MemRepo {
            const NAME: &'static str = "mem";
            #[lh] async fn get(&self, id: u32) -> Option<D> {
                let _span = D::new(Self::NAME);
                pend(self.delay, ()).await;
                let row = self.rows.iter().find(|r| r.0 == id)?;
                Some(D::new(pend(1, row.1).await))
            }
            #[lh] async fn put(&mut self, id: u32, name: &'static str) -> bool {
                if self.get(id).await.is_some() {
                    return false;
                }
                pend(1, ()).await;
                self.rows.push((id, name));
                true
            }
        }
        #[lh] async fn load_all<R: Repo>(repo: &mut R, ids: &[u32]) -> Vec<String> {
            let mut out = Vec::new();
            for &id in ids {
                let d = repo.get_or_put(id, "fresh").await;
                out.push(format!("{}:{}:{}", R::NAME, id, d.0));
            }
            out
        }
    },
    run: async {
        let mut repo = MemRepo { rows: vec![(1, "one")], delay: 1 };
        let a = load_all(&mut repo, &[1, 2, 2]).await;
        (a, repo.rows.len())
    },
}

differential! {
    /// A trait default method written with `#[lh]` in the trait itself.
    name: trait_default_method_lowered,
    items: {
        trait Greeter {
            fn name(&self) -> &str;
            #[lh] async fn greet(&self, times: u32) -> String {
                let mut s = String::new();
                for i in 0..times {
                    let part = pend(1, self.name()).await;
                    s.push_str(part);
                    s.push_str(&i.to_string());
                }
                s
            }
        }
        struct En(String);
        impl Greeter for En { fn name(&self) -> &str { &self.0 } }
    },
    run: async {
        let en = En("hi".to_string());
        en.greet(3).await
    },
}

differential! {
    /// A `&'a self` method returning a borrow of `self` after awaits, and
    /// one returning a borrow of a parameter; the caller keeps both.
    name: method_returning_borrows,
    items: {
        struct Store { names: Vec<String> }
        impl Store {
            #[lh] async fn longest<'a>(&'a self, min: usize) -> Option<&'a str> {
                let mut best: Option<&'a str> = None;
                for n in &self.names {
                    pend(1, ()).await;
                    if n.len() >= min && best.is_none_or(|b| n.len() > b.len()) {
                        best = Some(n);
                    }
                }
                best
            }
            #[lh] async fn pick<'k>(&self, key: &'k str, fallback: &'k str) -> &'k str {
                pend(1, ()).await;
                if self.names.iter().any(|n| n == key) { key } else { fallback }
            }
        }
    },
    run: async {
        let s = Store { names: vec!["ab".into(), "abcd".into(), "abc".into()] };
        let l = s.longest(3).await;
        let k = String::from("abc");
        let p = s.pick(&k, "none").await;
        let q = s.pick("zz", "none").await;
        (l.map(String::from), p.to_string(), q)
    },
}

differential! {
    /// `impl Trait` arguments (a closure and an iterator) and a `dyn`
    /// repository through boxed futures.
    name: impl_trait_args_and_dyn_boxed,
    items: {
        trait DynRepo {
            fn get<'a>(&'a self, id: u32) -> Pin<Box<dyn Future<Output = Option<String>> + 'a>>;
        }
        struct Fixed(Vec<String>);
        impl Fixed {
            #[lh] async fn get_inner(&self, id: u32) -> Option<String> {
                pend(id % 2, ()).await;
                self.0.get(id as usize).cloned()
            }
        }
        impl DynRepo for Fixed {
            fn get<'a>(&'a self, id: u32) -> Pin<Box<dyn Future<Output = Option<String>> + 'a>> {
                Box::pin(self.get_inner(id))
            }
        }
        #[lh] async fn collect(repo: &dyn DynRepo, ids: impl IntoIterator<Item = u32>, fmt: impl Fn(&str) -> String) -> Vec<String> {
            let mut out = Vec::new();
            for id in ids {
                match repo.get(id).await {
                    Some(s) => out.push(fmt(&s)),
                    None => out.push(fmt("?")),
                }
            }
            out
        }
    },
    run: async {
        let repo = Fixed(vec!["a".into(), "b".into()]);
        let prefix = String::from(">");
        collect(&repo, [0, 1, 5], |s| format!("{prefix}{s}")).await
    },
}

differential! {
    /// A generic method of a generic struct with a `where` clause, `Self::`
    /// associated functions and a const from a trait bound.
    name: generic_struct_method_self_calls,
    items: {
        trait Codec { const TAG: u8; fn enc(&self) -> Vec<u8>; }
        impl Codec for u16 { const TAG: u8 = 2; fn enc(&self) -> Vec<u8> { self.to_le_bytes().to_vec() } }
        struct Writer<C> { out: Vec<u8>, pending: Vec<C> }
        impl<C: Codec> Writer<C> {
            fn header(n: usize) -> [u8; 2] { [C::TAG, n as u8] }
            #[lh] async fn flush(&mut self) -> usize
            where
                C: Clone,
            {
                let items = std::mem::take(&mut self.pending);
                self.out.extend(Self::header(items.len()));
                for it in items {
                    let bytes = pend(1, it.enc()).await;
                    self.out.extend(bytes);
                }
                self.out.len()
            }
        }
    },
    run: async {
        let mut w = Writer { out: vec![], pending: vec![1u16, 258] };
        let n = w.flush().await;
        (n, w.out)
    },
}

// ---------------------------------------------------------------------------
// 3. Service-like state machines
// ---------------------------------------------------------------------------

/// A fake socket: `read` appends the next scripted chunk to the buffer.
pub struct Sock {
    chunks: std::collections::VecDeque<&'static [u8]>,
    written: Vec<u8>,
}

impl Sock {
    pub fn new(chunks: &[&'static [u8]]) -> Sock {
        Sock {
            chunks: chunks.iter().copied().collect(),
            written: Vec::new(),
        }
    }
    pub async fn read(&mut self, buf: &mut Vec<u8>) -> usize {
        pend(1, ()).await;
        match self.chunks.pop_front() {
            Some(c) => {
                buf.extend_from_slice(c);
                c.len()
            }
            None => 0,
        }
    }
    pub async fn write_all(&mut self, bytes: &[u8]) {
        pend(bytes.len() as u32 % 2, ()).await;
        self.written.extend_from_slice(bytes);
    }
}

differential! {
    /// A connection loop: read into a buffer until a full line, parse a
    /// request that borrows the buffer, await the handler while the request
    /// is alive, build a response consumed by `finish`, drain the line.
    name: service_connection_loop_borrowed_request,
    items: {
        #[derive(Debug)]
        struct Request<'b> { method: &'b str, path: &'b str }
        fn parse(line: &[u8]) -> Result<Request<'_>, String> {
            let s = std::str::from_utf8(line).map_err(|e| e.to_string())?;
            let mut it = s.split(' ');
            let method = it.next().ok_or("no method")?;
            let path = it.next().ok_or_else(|| format!("no path in {s:?}"))?;
            Ok(Request { method, path })
        }
        struct Response { status: u16, body: Vec<u8>, _guard: D }
        impl Response {
            fn new(status: u16) -> Self { Response { status, body: Vec::new(), _guard: D::new("response") } }
            fn body(mut self, b: &[u8]) -> Self { self.body.extend_from_slice(b); self }
            fn finish(self) -> Vec<u8> { let mut v = format!("{} ", self.status).into_bytes(); v.extend(self.body); v.push(b'\n'); v }
        }
        async fn handle(req: &Request<'_>) -> Response {
            pend(1, ()).await;
            match (req.method, req.path) {
                ("GET", p) => Response::new(200).body(p.as_bytes()),
                (m, _) => Response::new(405).body(m.as_bytes()),
            }
        }
        #[lh] async fn serve(mut sock: Sock) -> Result<Vec<u8>, String> {
            let mut buf: Vec<u8> = Vec::with_capacity(16);
            let _conn = D::new("conn");
            loop {
                let Some(end) = buf.iter().position(|&b| b == b'\n') else {
                    if sock.read(&mut buf).await == 0 {
                        break;
                    }
                    continue;
                };
                let resp = {
                    let req = parse(&buf[..end])?;
                    log(format!("req {req:?}"));
                    let r = handle(&req).await;
                    log(format!("handled {}", req.path));
                    r
                };
                let bytes = resp.finish();
                sock.write_all(&bytes).await;
                buf.drain(..=end);
            }
            // (`Ok(sock.written)`: the `field_moved_out_of_a_lent_local` gap.)
            Ok(std::mem::take(&mut sock.written))
        }
    },
    run: async {
        (
            serve(Sock::new(&[b"GET /a\nPO", b"ST /b\n", b"GET"])).await,
            serve(Sock::new(&[b"GET\n"])).await,
        )
    },
}

known_gap! {
    reason: "r2-11 (service shape): a `VacantEntry` `v` borrowed by an awaitee (`fetch(v.key(), ..).await`), then `v.insert(value)` (by value): E0507 at `v`",
    differential! {
        /// A cache keyed by string: `entry` held across an await to fill a
        /// vacant slot, the occupied path returning a clone; retries with a
        /// backoff that doubles.
        name: service_cache_entry_held_and_retry,
        items: {
            use std::collections::HashMap;
            use std::collections::hash_map::Entry;
            async fn fetch(key: &str, attempt: u32) -> Result<String, String> {
                pend(1, ()).await;
                if key.len() as u32 > attempt + 1 { Err(format!("{key} busy on {attempt}")) } else { Ok(key.to_uppercase()) }
            }
            #[lh] async fn get(cache: &mut HashMap<String, String>, key: &str) -> Result<String, String> {
                match cache.entry(key.to_string()) {
                    Entry::Occupied(o) => Ok(o.get().clone()),
                    Entry::Vacant(v) => {
                        let mut backoff = 1;
                        let mut attempt = 0;
                        let value = loop {
                            match fetch(v.key(), attempt).await {
                                Ok(s) => break s,
                                Err(e) if attempt < 2 => {
                                    log(format!("retry after {backoff}: {e}"));
                                    pend(backoff, ()).await;
                                    backoff *= 2;
                                    attempt += 1;
                                }
                                Err(e) => return Err(e),
                            }
                        };
                        Ok(v.insert(value).clone())
                    }
                }
            }
        },
        run: async {
            let mut cache = std::collections::HashMap::new();
            let a = get(&mut cache, "ab").await;
            let b = get(&mut cache, "ab").await;
            let c = get(&mut cache, "abcdef").await;
            (a, b, c, cache.len())
        },
    }
}

differential! {
    /// `Option<Box<dyn FnOnce>>` callbacks taken and called between awaits;
    /// a callback list drained in order.
    name: service_taken_callbacks,
    items: {
        struct Job { on_done: Option<Box<dyn FnOnce(u32) -> String>>, hooks: Vec<Box<dyn FnOnce() -> D>> }
        #[lh] async fn run_job(mut job: Job, n: u32) -> Vec<String> {
            let mut out = Vec::new();
            let r = pend(n, n * 2).await;
            if let Some(cb) = job.on_done.take() {
                out.push(cb(r));
            }
            for hook in job.hooks.drain(..) {
                let d = hook();
                pend(1, ()).await;
                out.push(d.0.to_string());
            }
            if job.on_done.take().is_none() {
                out.push("taken".into());
            }
            out
        }
    },
    run: async {
        let tag = D::new("captured");
        let job = Job {
            on_done: Some(Box::new(move |v| format!("done {v} {}", tag.touch()))),
            hooks: vec![Box::new(|| D::new("h1")), Box::new(|| D::new("h2"))],
        };
        run_job(job, 2).await
    },
}

differential! {
    /// A retry loop over a fallible operation with a deadline counter, the
    /// error kept across the backoff await and returned at the end.
    name: service_retry_keep_last_error,
    items: {
        #[derive(Debug)]
        struct Failure { attempt: u32, _trace: D }
        async fn op(attempt: u32, ok_at: u32) -> Result<u32, Failure> {
            pend(1, ()).await;
            if attempt >= ok_at { Ok(attempt * 10) } else { Err(Failure { attempt, _trace: D::new("trace") }) }
        }
        #[lh] async fn with_retry(ok_at: u32, max: u32) -> Result<u32, Failure> {
            let mut last = None;
            for attempt in 0..max {
                match op(attempt, ok_at).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        log(format!("attempt {} failed", e.attempt));
                        last = Some(e);
                        pend(1 << attempt.min(2), ()).await;
                    }
                }
            }
            Err(last.expect("max > 0"))
        }
    },
    run: async { (with_retry(2, 4).await, with_retry(9, 2).await) },
}

differential! {
    /// r2-11: a `Box<dyn FnOnce>` loop item called, its result kept across an await.
    name: boxed_fnonce_loop_item_called_result_kept,
    items: {
        #[lh] async fn f(mut hooks: Vec<Box<dyn FnOnce() -> D>>) -> usize {
            let mut n = 0;
            for h in hooks.drain(..) {
                let d = h();
                pend(1, ()).await;
                n += d.touch();
            }
            n
        }
    },
    run: f(vec![Box::new(|| D::new("h1")), Box::new(|| D::new("h2"))]),
}

differential! {
    /// r2-11 minimal: a by-value method whose result is kept across an await.
    name: by_value_method_result_kept_across_await,
    items: {
        struct Resp(D);
        impl Resp { fn finish(self) -> usize { self.0.touch() } }
        #[lh] async fn f() -> usize {
            let resp = Resp(D::new("r"));
            let n = resp.finish();
            pend(1, ()).await;
            n
        }
    },
    run: f(),
}

differential! {
    /// `service_cache_entry_held_and_retry` with `{ v }.insert(value)`.
    name: service_cache_entry_braced_insert,
    items: {
        use std::collections::HashMap;
        use std::collections::hash_map::Entry;
        async fn fetch(key: &str, attempt: u32) -> Result<String, String> {
            pend(1, ()).await;
            if key.len() as u32 > attempt + 1 { Err(format!("{key} busy on {attempt}")) } else { Ok(key.to_uppercase()) }
        }
        #[lh] async fn get(cache: &mut HashMap<String, String>, key: &str) -> Result<String, String> {
            match cache.entry(key.to_string()) {
                Entry::Occupied(o) => Ok(o.get().clone()),
                Entry::Vacant(v) => {
                    let mut backoff = 1;
                    let mut attempt = 0;
                    let value = loop {
                        match fetch(v.key(), attempt).await {
                            Ok(s) => break s,
                            Err(e) if attempt < 2 => {
                                log(format!("retry after {backoff}: {e}"));
                                pend(backoff, ()).await;
                                backoff *= 2;
                                attempt += 1;
                            }
                            Err(e) => return Err(e),
                        }
                    };
                    Ok({ v }.insert(value).clone())
                }
            }
        }
    },
    run: async {
        let mut cache = std::collections::HashMap::new();
        let a = get(&mut cache, "ab").await;
        let b = get(&mut cache, "ab").await;
        let c = get(&mut cache, "abcdef").await;
        (a, b, c, cache.len())
    },
}

// ---------------------------------------------------------------------------
// 4. Streams and iterators
// ---------------------------------------------------------------------------

differential! {
    /// A stream whose `next` is itself lowered; `while let` over it with
    /// `continue`, `break`, and a second stream polled inside the loop.
    name: stream_lowered_next_while_let,
    items: {
        struct Lines { items: Vec<&'static str>, pos: usize, _d: D }
        impl Lines {
            #[lh] async fn next(&mut self) -> Option<&'static str> {
                if self.pos >= self.items.len() {
                    return None;
                }
                pend((self.pos % 2) as u32, ()).await;
                let it = self.items[self.pos];
                self.pos += 1;
                Some(it)
            }
        }
        struct Numbers { next: u32, end: u32, gap: u32 }
        impl Numbers {
            fn new(end: u32, gap: u32) -> Numbers { Numbers { next: 0, end, gap } }
            #[lh] async fn next(&mut self) -> Option<u32> {
                if self.next >= self.end { return None; }
                pend(self.gap, ()).await;
                self.next += 1;
                Some(self.next - 1)
            }
        }
        #[lh] async fn f(items: Vec<&'static str>) -> Vec<String> {
            let mut lines = Lines { items, pos: 0, _d: D::new("lines") };
            let mut nums = Numbers::new(10, 1);
            let mut out = Vec::new();
            while let Some(line) = lines.next().await {
                if line.starts_with('#') {
                    continue;
                }
                if line == "end" {
                    break;
                }
                let n = nums.next().await.unwrap_or(99);
                out.push(format!("{n}:{line}"));
            }
            out.push(format!("rest {:?}", lines.next().await));
            out
        }
    },
    run: f(vec!["a", "#c", "b", "end", "z"]),
}

differential! {
    /// A `peekable` iterator kept across awaits, `next_if` and `peek`
    /// deciding whether to await; `zip` of two iterators; `chunks` of a
    /// borrowed slice.
    name: iterators_peekable_zip_chunks,
    items: {
        #[lh] async fn f(data: &[u32], names: Vec<String>) -> Vec<String> {
            let mut out = Vec::new();
            let mut it = data.iter().copied().peekable();
            while let Some(x) = it.next() {
                let mut run = x;
                while let Some(y) = it.next_if(|&y| y == x) {
                    run += pend(1, y).await;
                }
                if let Some(&nx) = it.peek() {
                    out.push(format!("{x}x{run} then {nx}"));
                    pend(1, ()).await;
                } else {
                    out.push(format!("{x}x{run} last"));
                }
            }
            for (i, (n, d)) in names.iter().zip(data.iter().rev()).enumerate() {
                let l = pend(1, n.len()).await;
                out.push(format!("{i}:{n}:{d}:{l}"));
            }
            for chunk in data.chunks(2) {
                let s: u32 = pend(1, chunk.iter().sum()).await;
                out.push(format!("chunk {chunk:?} {s}"));
            }
            out
        }
    },
    run: async { f(&[1, 1, 2, 3, 3, 3], vec!["ab".into(), "c".into()]).await },
}

differential! {
    /// A stream adapter: a struct wrapping another stream, filtering with
    /// a stored closure, both `next`s lowered; the caller breaks out early
    /// (so the inner stream and closure drop with the adapter).
    name: stream_adapter_with_closure,
    items: {
        struct Src { items: std::vec::IntoIter<D> }
        impl Src {
            #[lh] async fn next(&mut self) -> Option<D> {
                let d = self.items.next()?;
                pend(1, ()).await;
                Some(d)
            }
        }
        struct Filter<F> { inner: Src, keep: F }
        impl<F: FnMut(&D) -> bool> Filter<F> {
            #[lh] async fn next(&mut self) -> Option<D> {
                loop {
                    let d = self.inner.next().await?;
                    if (self.keep)(&d) {
                        return Some(d);
                    }
                    log(format!("filtered {}", d.0));
                }
            }
        }
        #[lh] async fn f(stop: &'static str) -> Vec<String> {
            let src = Src { items: vec![D::new("a1"), D::new("b1"), D::new("a2"), D::new("a3")].into_iter() };
            let marker = D::new("marker");
            let mut s = Filter { inner: src, keep: move |d: &D| { marker.touch(); d.0.starts_with('a') } };
            let mut out = Vec::new();
            while let Some(d) = s.next().await {
                if d.0 == stop {
                    break;
                }
                out.push(d.0.to_string());
            }
            out
        }
    },
    run: async { (f("a2").await, f("zz").await) },
}

// ---------------------------------------------------------------------------
// 5. Ownership edge cases
// ---------------------------------------------------------------------------

differential! {
    /// A value moved into an awaitee, then the name shadowed by the
    /// awaited result; a second shadow that borrows the first across an
    /// await.
    name: moved_into_awaitee_then_shadowed,
    items: {
        async fn wrap(d: D) -> (D, usize) {
            pend(1, ()).await;
            let n = d.touch();
            (d, n)
        }
        #[lh] async fn f() -> usize {
            let d = D::new("first");
            let (d, n) = wrap(d).await;
            let d = (&d, D::new("second"));
            pend(1, ()).await;
            d.0.touch() + d.1.touch() + n
        }
    },
    run: f(),
}

differential! {
    /// `std::mem::swap` of two kept locals between awaits, and of a local
    /// with a field of a parameter.
    name: mem_swap_kept_locals,
    items: {
        struct Slot { cur: D }
        #[lh] async fn f(mut slot: Slot) -> String {
            let mut a = D::new("a");
            let mut b = D::new("b");
            pend(1, ()).await;
            std::mem::swap(&mut a, &mut b);
            a.touch();
            pend(1, ()).await;
            std::mem::swap(&mut b, &mut slot.cur);
            pend(1, ()).await;
            format!("{} {} {}", a.0, b.0, slot.cur.0)
        }
    },
    run: f(Slot { cur: D::new("slot") }),
}

differential! {
    /// `Option<D>::take()` in a loop: a pending value carried between
    /// iterations, taken and put back across awaits.
    name: option_take_in_loop,
    items: {
        #[lh] async fn f(names: Vec<&'static str>) -> Vec<String> {
            let mut carry: Option<D> = None;
            let mut out = Vec::new();
            for name in names {
                let cur = D::new(name);
                if let Some(prev) = carry.take() {
                    pend(1, ()).await;
                    out.push(format!("{}->{}", prev.0, cur.0));
                }
                if name.len() > 1 {
                    carry = Some(cur);
                } else {
                    pend(1, ()).await;
                }
            }
            out.push(format!("left {:?}", carry.as_ref().map(|d| d.0)));
            out
        }
    },
    run: f(vec!["ab", "cd", "e", "fg"]),
}

differential! {
    /// Struct update syntax with awaits in the fields and in the base.
    name: struct_update_with_awaits,
    items: {
        #[derive(Debug)]
        struct Config { name: String, retries: u32, tag: D, extra: D }
        async fn defaults() -> Config {
            pend(1, Config { name: "default".into(), retries: 3, tag: D::new("default tag"), extra: D::new("default extra") }).await
        }
        #[lh] async fn f(name: &str) -> Config {
            let base = defaults().await;
            let c = Config { name: pend(1, name.to_string()).await, ..base };
            let d = Config { retries: pend(1, c.retries + 1).await, tag: D::new("new tag"), ..defaults().await };
            log(format!("{} {}", c.name, d.retries));
            Config { extra: d.extra, ..c }
        }
    },
    run: f("x"),
}

differential! {
    /// A `Box<D>` moved out with `*boxed` before and after awaits; a boxed
    /// struct whose field is moved out.
    name: box_moved_out,
    items: {
        struct Pair { a: D, b: D }
        #[lh] async fn f(boxed: Box<D>, pair: Box<Pair>) -> usize {
            pend(1, ()).await;
            let inner: D = *boxed;
            pend(1, ()).await;
            let Pair { a, b } = *pair;
            let n = pend(1, a.touch()).await;
            drop(b);
            pend(1, ()).await;
            n + inner.touch()
        }
    },
    run: f(Box::new(D::new("boxed")), Box::new(Pair { a: D::new("pa"), b: D::new("pb") })),
}

differential! {
    /// An `Rc` cycle broken by hand between awaits (`take` of the back
    /// edge), or else by a guard on the way out (so nothing leaks, even
    /// when cancelled), with drops logged.
    name: rc_cycle_broken_by_hand,
    items: {
        use std::cell::RefCell;
        use std::rc::Rc;
        struct Node { name: D, next: RefCell<Option<Rc<Node>>> }
        struct Breaker(Rc<Node>);
        impl Drop for Breaker {
            fn drop(&mut self) {
                log("breaker");
                self.0.next.borrow_mut().take();
            }
        }
        #[lh] async fn f(break_it: bool) -> usize {
            let a = Rc::new(Node { name: D::new("na"), next: RefCell::new(None) });
            let b = Rc::new(Node { name: D::new("nb"), next: RefCell::new(Some(a.clone())) });
            *a.next.borrow_mut() = Some(b.clone());
            let _guard = Breaker(a.clone());
            pend(1, ()).await;
            let n = Rc::strong_count(&a) + Rc::strong_count(&b);
            if break_it {
                let back = a.next.borrow_mut().take();
                pend(1, ()).await;
                drop(back);
            }
            pend(1, ()).await;
            n
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `drop(x)` before an await, `let _ = x;` (no move) vs `let _x = x;`
    /// (moved, dropped at scope end) across awaits; `let _ = f(x)` where the
    /// result is dropped at once.
    name: drop_vs_let_underscore_vs_named,
    items: {
        fn make(n: &'static str) -> D { D::new(n) }
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            let b = D::new("b");
            let c = D::new("c");
            drop(a);
            pend(1, ()).await;
            let _ = b;
            pend(1, ()).await;
            let _c = c;
            let _ = make("temp");
            pend(1, ()).await;
            b.touch();
            let _ = pend(1, make("awaited")).await;
            log("end");
            7
        }
    },
    run: f(),
}

differential! {
    /// Two values swapped through a tuple assignment (destructuring
    /// assignment) across awaits, and `replace` returning the old value.
    name: destructuring_assignment_swap,
    items: {
        #[lh] async fn f() -> String {
            let mut x = D::new("x");
            let mut y = D::new("y");
            let mut n;
            (x, y) = (y, x);
            pend(1, ()).await;
            (n, _) = (pend(1, x.touch()).await, D::new("ignored"));
            let old = std::mem::replace(&mut y, D::new("z"));
            pend(1, ()).await;
            format!("{} {} {} {}", x.0, y.0, old.0, n)
        }
    },
    run: f(),
}

differential! {
    /// r2-12 minimal: a `Box` parameter moved out with `*boxed`, the value
    /// used after an await.
    name: box_param_moved_out_by_deref,
    items: {
        #[lh] async fn f(boxed: Box<D>) -> usize {
            let inner: D = *boxed;
            pend(1, ()).await;
            inner.touch()
        }
    },
    run: f(Box::new(D::new("boxed"))),
}

differential! {
    /// r2-12: a boxed struct destructured out of its box.
    name: box_struct_destructured_by_deref,
    items: {
        struct Pair { a: D, b: D }
        #[lh] async fn f(pair: Box<Pair>) -> usize {
            let Pair { a, b } = *pair;
            pend(1, ()).await;
            a.touch() + b.touch()
        }
    },
    run: f(Box::new(Pair { a: D::new("pa"), b: D::new("pb") })),
}

differential! {
    /// r2-13 minimal: a deferred-init local declared before an await,
    /// assigned after it.
    name: deferred_init_declared_before_await,
    items: {
        #[lh] async fn f() -> u32 {
            let n;
            pend(1, ()).await;
            n = 5u32;
            n
        }
    },
    run: f(),
}

differential! {
    /// r2-7 (pattern form): a binding of a struct pattern written with
    /// field shorthand, pinned because a kept reference borrows it.
    name: struct_pattern_shorthand_binding_pinned,
    items: {
        struct Pair { a: D, b: D }
        #[lh] async fn f(pair: Pair) -> usize {
            let Pair { a, b } = pair;
            let r = &a;
            pend(1, ()).await;
            r.touch() + b.touch()
        }
    },
    run: f(Pair { a: D::new("pa"), b: D::new("pb") }),
}

differential! {
    /// r2-13, service shape: the response of a retry loop assigned to a
    /// local declared (uninitialised) before the loop.
    name: deferred_init_assigned_in_retry_loop,
    items: {
        #[lh] async fn f(fail_first: u32) -> String {
            let body;
            let mut attempt = 0;
            loop {
                pend(1, ()).await;
                if attempt >= fail_first {
                    body = format!("ok after {attempt}");
                    break;
                }
                attempt += 1;
            }
            body
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// r2-15 minimal: `let _ = x.await;` with no suspension after it.
    name: let_underscore_awaited_last_suspension,
    items: {
        #[lh] async fn f() -> u32 {
            let _ = pend(1, D::new("awaited")).await;
            log("end");
            7
        }
    },
    run: f(),
}

differential! {
    /// r2-15 probe: a field of the awaited value.
    name: field_of_awaited_value,
    items: {
        #[lh] async fn f() -> u32 {
            let n = pend(1, (D::new("rest"), 5)).await.1;
            log("after");
            n
        }
    },
    run: f(),
}

differential! {
    /// r2-15 probe: a tuple pattern with a wildcard over an awaited value.
    name: tuple_wildcard_of_awaited_value,
    items: {
        #[lh] async fn f() -> u32 {
            let (a, _) = pend(1, (5, D::new("rest"))).await;
            log("after");
            a
        }
    },
    run: f(),
}

differential! {
    /// r2-15 probe: a method called by reference on the awaited value.
    name: method_on_awaited_value_statement,
    items: {
        #[lh] async fn f() -> u32 {
            pend(1, D::new("x")).await.touch();
            log("after");
            1
        }
    },
    run: f(),
}

differential! {
    /// r2-15 probe: `if let Some(_)` on an awaited value.
    name: if_let_wildcard_of_awaited_value,
    items: {
        #[lh] async fn f() -> u32 {
            if let Some(_) = pend(1, Some(D::new("x"))).await {
                log("then");
            }
            log("after");
            1
        }
    },
    run: f(),
}

differential! {
    /// r2-15, realistic: the result of a send ignored with `let _ =`, the
    /// rejected message inside it.
    name: let_underscore_send_result,
    items: {
        struct Tx { open: bool }
        impl Tx {
            async fn send(&self, m: D) -> Result<(), D> {
                pend(1, ()).await;
                if self.open { drop(m); Ok(()) } else { Err(m) }
            }
        }
        #[lh] async fn f(open: bool) -> u32 {
            let tx = Tx { open };
            let _ = tx.send(D::new("msg")).await;
            log("after send");
            1
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// r2-15 probe: a method called by reference on the awaited value,
    /// another await after.
    name: method_on_awaited_value_then_await,
    items: {
        #[lh] async fn f() -> u32 {
            pend(1, D::new("x")).await.touch();
            log("after");
            pend(1, ()).await;
            log("end");
            1
        }
    },
    run: f(),
}

differential! {
    /// `drop(x)` before an await, `let _ = x;` (no move) vs `let _x = x;`
    /// (moved, dropped at scope end) across awaits; `let _ = make()` drops
    /// at once (without r2-15's awaited `let _`).
    name: drop_vs_let_underscore_vs_named_no_awaited_discard,
    items: {
        fn make(n: &'static str) -> D { D::new(n) }
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            let b = D::new("b");
            let c = D::new("c");
            drop(a);
            pend(1, ()).await;
            let _ = b;
            pend(1, ()).await;
            let _c = c;
            let _ = make("temp");
            pend(1, ()).await;
            b.touch();
            log("end");
            7
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// More select!, traits, services
// ---------------------------------------------------------------------------

differential! {
    /// A `&mut self` method whose `select!` borrows one field mutably in a
    /// branch future while the precondition reads another; the handler
    /// puts the message back into the same queue.
    name: select_in_method_borrowing_fields,
    items: {
        struct Worker { inbox: Chan, requeued: u32, max_requeue: u32, done: Vec<String> }
        impl Worker {
            #[lh] async fn step(&mut self) -> bool {
                tokio::select! {
                    biased;
                    Some(m) = self.inbox.recv(), if self.done.len() < 4 => {
                        if m.0.ends_with('!') && self.requeued < self.max_requeue {
                            self.requeued += 1;
                            self.inbox.items.push_back(m);
                            pend(1, ()).await;
                        } else {
                            self.done.push(m.0.to_string());
                        }
                        true
                    }
                    else => false,
                }
            }
        }
        #[lh] async fn f() -> (Vec<String>, u32) {
            let mut w = Worker { inbox: Chan::new(&["a", "b!", "c", "d", "e"], 1), requeued: 0, max_requeue: 1, done: vec![] };
            while w.step().await {}
            // (`w.done`: the `field_moved_out_of_a_lent_local` gap.)
            (std::mem::take(&mut w.done), w.requeued)
        }
    },
    run: f(),
}

differential! {
    /// `tokio::pin!` a future once, race it by `&mut` in a loop against a
    /// oneshot receiver whose sender already sent, then await it directly
    /// after the loop.
    name: select_tokio_pin_oneshot_then_finish,
    items: {
        #[lh] async fn f(send: bool) -> String {
            let (tx, mut rx) = tokio::sync::oneshot::channel::<D>();
            if send {
                tx.send(D::new("signal")).unwrap();
            } else {
                drop(tx);
            }
            let work = pend(4, D::new("work"));
            tokio::pin!(work);
            let mut rounds = 0;
            let mut got = None;
            while rounds < 3 {
                rounds += 1;
                tokio::select! {
                    biased;
                    r = &mut rx, if got.is_none() => {
                        got = Some(match r { Ok(d) => d.0.to_string(), Err(_) => "closed".into() });
                    }
                    _ = pend(1, ()) => log(format!("tick {rounds}")),
                }
            }
            let w = work.await;
            format!("{:?} {} {}", got, w.0, rounds)
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A connection state machine: an enum moved out and replaced in each
    /// iteration, each arm awaiting.
    name: service_enum_state_machine_by_value,
    items: {
        #[derive(Debug)]
        enum State { Handshake(u32), Ready { session: D, left: u32 }, Draining(D), Closed }
        #[lh] async fn f(msgs: u32) -> Vec<String> {
            let mut state = State::Handshake(0);
            let mut out = Vec::new();
            loop {
                state = match state {
                    State::Handshake(n) if n < 2 => {
                        pend(1, ()).await;
                        State::Handshake(n + 1)
                    }
                    State::Handshake(_) => State::Ready { session: D::new("session"), left: msgs },
                    State::Ready { session, left: 0 } => State::Draining(session),
                    State::Ready { session, left } => {
                        let n = pend(1, left).await;
                        out.push(format!("msg {n} on {}", session.0));
                        State::Ready { session, left: left - 1 }
                    }
                    State::Draining(s) => {
                        pend(2, ()).await;
                        out.push(format!("drained {}", s.touch()));
                        State::Closed
                    }
                    State::Closed => break,
                };
            }
            out
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// Recursion through `Box::pin` of the lowered function itself: a tree
    /// walk summing values, with a guard per level.
    name: recursive_tree_walk_boxed,
    items: {
        struct Tree { v: u32, kids: Vec<Tree> }
        #[lh] async fn sum(t: &Tree, depth: u32) -> u32 {
            let _g = D::new(if depth == 0 { "root" } else { "level" });
            let mut s = pend(1, t.v).await;
            for k in &t.kids {
                s += Box::pin(sum(k, depth + 1)).await;
            }
            s
        }
    },
    run: async {
        let t = Tree { v: 1, kids: vec![Tree { v: 2, kids: vec![] }, Tree { v: 3, kids: vec![Tree { v: 4, kids: vec![] }] }] };
        sum(&t, 0).await
    },
}

differential! {
    /// A trait implemented for a generic wrapper, the impl method borrowing
    /// its own local across an await.
    name: generic_impl_trait_method_borrows_local,
    items: {
        trait Render { async fn render(&self) -> String; }
        struct Wrap<T> { inner: T }
        impl<T: std::fmt::Display> Render for Wrap<T> {
            #[lh] async fn render(&self) -> String {
                let s = format!("<{}>", self.inner);
                let n = pend(1, s.len()).await;
                let part = &s[1..];
                pend(1, ()).await;
                format!("{part}{n}")
            }
        }
    },
    run: async { Wrap { inner: 42u32 }.render().await },
}

differential! {
    /// A panic inside a `select!` handler while the handler holds a `ref`
    /// into the winning value and a local of its own; the panic message
    /// formats the value.
    name: select_panic_in_handler_with_ref_binding,
    items: {
        #[derive(Debug)]
        struct Msg { id: u32, body: D }
        #[lh] async fn f(id: u32) -> u32 {
            let _outer = D::new("outer");
            tokio::select! {
                biased;
                Msg { id: 1..=9, ref body } = pend(1, Msg { id, body: D::new("body") }) => {
                    let _h = D::new("in handler");
                    pend(1, ()).await;
                    panic!("bad body {}", body.touch())
                }
                m = pend(3, 0u32) => m,
                else => 7,
            }
        }
    },
    run: async { (f(50).await, f(3).await) },
}

known_gap! {
    reason: "r2-16: E0382 use of moved value: `tx` (`tx.send(1).unwrap()` then an await): the lowering keeps the moved `tx` in the state",
    differential! {
        /// r2-16: a hand-written oneshot pair, the sender consumed by `send`,
        /// the receiver borrowed across an await.
        name: oneshot_like_pair_sender_consumed,
        items: {
            struct Tx(D);
            impl Tx { fn send(self, v: u32) -> Result<(), u32> { self.0.touch(); if v > 0 { Ok(()) } else { Err(v) } } }
            struct Rx(D);
            fn pair() -> (Tx, Rx) { (Tx(D::new("tx")), Rx(D::new("rx"))) }
            #[lh] async fn f() -> usize {
                let (tx, mut rx) = pair();
                tx.send(1).unwrap();
                let r = &mut rx;
                pend(1, ()).await;
                r.0.touch()
            }
        },
        run: f(),
    }
}

differential! {
    /// r2-16: tokio's oneshot, `tx.send(..)` then `(&mut rx).await`.
    name: tokio_oneshot_send_then_await_receiver_by_ref,
    items: {
        #[lh] async fn f() -> String {
            let (tx, mut rx) = tokio::sync::oneshot::channel::<D>();
            tx.send(D::new("signal")).unwrap();
            let r = (&mut rx).await;
            format!("{:?}", r.map(|d| d.0))
        }
    },
    run: f(),
}

differential! {
    /// r2-16: tokio's oneshot, `tx.send(..)` then `rx.await`.
    name: tokio_oneshot_send_then_await_receiver,
    items: {
        #[lh] async fn f() -> String {
            let (tx, rx) = tokio::sync::oneshot::channel::<D>();
            tx.send(D::new("signal")).unwrap();
            let r = rx.await;
            format!("{:?}", r.map(|d| d.0))
        }
    },
    run: f(),
}

known_gap! {
    reason: "r2-16 minimal: `let tx = Tx(D::new(\"tx\")); tx.send(1); pend(1, ()).await;` with `fn send(self, ..)`: the method is taken as borrowing, `tx` is kept across the await after being moved: E0382 use of moved value: `tx`",
    differential! {
        /// r2-16 minimal: a local consumed by a synchronous by-value method,
        /// then an await while it is still in scope.
        name: local_consumed_by_method_then_await,
        items: {
            struct Tx(D);
            impl Tx { fn send(self, v: u32) -> u32 { self.0.touch(); v } }
            #[lh] async fn f() -> u32 {
                let tx = Tx(D::new("tx"));
                tx.send(1);
                pend(1, ()).await;
                2
            }
        },
        run: f(),
    }
}

differential! {
    /// Branch futures that are `async` blocks with their own `return` and
    /// `?`, an async closure called in place, and a handler that breaks a
    /// labeled block with a value.
    name: select_async_blocks_with_own_return_and_try,
    items: {
        fn parse(s: &str) -> Result<u32, std::num::ParseIntError> { s.parse() }
        #[lh] async fn f(s: &'static str, early: bool) -> Result<u32, String> {
            let r = 'pick: {
                tokio::select! {
                    biased;
                    v = async {
                        if early {
                            return Err::<u32, std::num::ParseIntError>(parse("x").unwrap_err());
                        }
                        let n = parse(s)?;
                        pend(1, ()).await;
                        Ok(n)
                    } => {
                        match v {
                            Ok(n) if n > 100 => break 'pick n / 100,
                            Ok(n) => n,
                            Err(e) => return Err(format!("bad: {e}")),
                        }
                    }
                    w = (async || pend(3, 9u32).await)() => w,
                }
            };
            Ok(r + pend(1, 1).await)
        }
    },
    run: async { (f("5", false).await, f("500", false).await, f("z", false).await, f("5", true).await) },
}

differential! {
    /// `select!` as a `while` condition and in a `match` scrutinee; an
    /// `else` that `continue`s an outer loop.
    name: select_in_while_condition_and_scrutinee,
    items: {
        #[lh] async fn f(n: u32) -> Vec<String> {
            let mut out = Vec::new();
            let mut i = 0;
            while tokio::select! { biased; v = pend(1, i < n) => v, _ = pend(5, ()) => false } {
                i += 1;
                out.push(format!("round {i}"));
            }
            for k in 0..3u32 {
                match tokio::select! {
                    biased;
                    Some(x) = pend(k, if k == 1 { None } else { Some(k * 10) }) => Some(x),
                    else => None,
                } {
                    Some(x) => out.push(format!("got {x}")),
                    None => {
                        out.push("none".into());
                        continue;
                    }
                }
                pend(1, ()).await;
            }
            out
        }
    },
    run: f(2),
}

differential! {
    /// Counters indexed in place and updated from awaited values inside
    /// handlers; `?` on an `Option` in a handler.
    name: select_handlers_index_updates_and_option_try,
    items: {
        #[lh] async fn f(events: Vec<(usize, u32)>) -> Option<Vec<u32>> {
            let mut counts = vec![0u32; 3];
            for (slot, v) in events {
                tokio::select! {
                    biased;
                    x = pend(v % 2, v) => {
                        counts[slot] += pend(1, x).await;
                        let c = counts.get(slot)?;
                        log(format!("slot {slot} = {c}"));
                    }
                    _ = pend(9, ()) => {}
                }
            }
            Some(counts)
        }
    },
    run: async { (f(vec![(0, 1), (2, 4), (0, 2)]).await, f(vec![(1, 1), (5, 0)]).await) },
}

differential! {
    /// A `ref` binding into an awaited value, held across an await.
    name: ref_binding_into_awaited_value_across_await,
    items: {
        #[lh] async fn f(ok: bool) -> usize {
            match pend(1, if ok { Ok(D::new("v")) } else { Err(3usize) }).await {
                Ok(ref v) => {
                    pend(1, ()).await;
                    v.touch()
                }
                Err(e) => e,
            }
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `let s = &x.await;`: the extended temporary kept across an await.
    name: extended_awaited_temporary_across_await,
    items: {
        #[lh] async fn f() -> usize {
            let s = &pend(1, D::new("x")).await;
            pend(1, ()).await;
            log("after");
            s.touch()
        }
    },
    run: f(),
}

differential! {
    /// `iter_mut` over a parameter, updated from awaits, with `break`.
    name: iter_mut_with_break,
    items: {
        #[lh] async fn f(mut v: Vec<u32>) -> Vec<u32> {
            for x in v.iter_mut() {
                *x += pend(1, 1).await;
                if *x > 3 {
                    break;
                }
            }
            v
        }
    },
    run: f(vec![1, 5, 1]),
}

differential! {
    /// An array repeat of an awaited value; an index into an awaited vector
    /// (r2-15).
    name: index_into_awaited_vector,
    items: {
        #[lh] async fn f() -> usize {
            let a = [pend(1, 7u8).await; 3];
            let n = pend(1, vec![D::new("e0"), D::new("e1")]).await[1].touch();
            log("after");
            a.len() + n
        }
    },
    run: f(),
}

differential! {
    /// `match &x.await` binding through the reference across an await.
    name: match_ref_of_awaited_value,
    items: {
        #[lh] async fn f() -> usize {
            match &pend(1, (D::new("a"), 2usize)).await {
                (d, n) => {
                    pend(1, ()).await;
                    d.touch() + n
                }
            }
        }
    },
    run: f(),
}

differential! {
    /// A generic accumulator threaded through awaits.
    name: generic_accumulator_threaded,
    items: {
        async fn step<T: std::ops::Add<Output = T> + Copy>(a: T, b: T) -> T { pend(1, a + b).await }
        #[lh] async fn f<T: Default + Copy + std::ops::Add<Output = T> + std::fmt::Debug>(xs: Vec<T>) -> T {
            let mut acc = T::default();
            for x in xs {
                acc = step(acc, x).await;
            }
            acc
        }
    },
    run: async { (f(vec![1, 2, 3]).await, f(vec![0.5f64, 1.0]).await) },
}

send_case! {
    /// `Send` parity of a `select!`: an `Rc` held across an await in a
    /// handler makes both futures `!Send`.
    name: select_send_parity_rc_in_handler,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            tokio::select! {
                biased;
                v = pend(k, 1u32) => {
                    let rc = std::rc::Rc::new(v);
                    pend(1, ()).await;
                    *rc
                }
                _ = pend(3, ()) => 0,
            }
        }
    },
    future: f(1),
    native_send: false,
}

send_case! {
    /// `Send` parity of a `select!` over `Send` futures, with an `Rc`
    /// dropped before the handler's await.
    name: select_send_parity_send,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            tokio::select! {
                biased;
                v = pend(k, 1u32) => {
                    let n = { let rc = std::rc::Rc::new(v); *rc };
                    pend(1, n).await
                }
                _ = pend(3, ()) => 0,
            }
        }
    },
    future: f(1),
    native_send: true,
}

differential! {
    /// A oneshot sender kept across an await, then consumed by `send`:
    /// tokio's through `use tokio::sync::oneshot;`, and futures' oneshot.
    /// Only a oneshot's `send` takes the sender by value; the case drops the
    /// receiver's value after an await so that the order is visible.
    name: oneshot_sender_kept_then_consumed_by_send,
    items: {
        use tokio::sync::oneshot;
        #[lh] async fn f(n: u32) -> String {
            let (tx, rx) = oneshot::channel();
            let (ftx, frx) = futures::channel::oneshot::channel::<D>();
            pend(n, ()).await;
            tx.send(D::new("tokio value")).unwrap_or_else(|_| log("tokio closed"));
            pend(1, ()).await;
            if ftx.send(D::new("futures value")).is_err() {
                log("futures closed");
            }
            let a = rx.await.map(|d| d.0).unwrap_or("none");
            pend(1, ()).await;
            let b = frx.await.map(|d| d.0).unwrap_or("none");
            format!("{a} {b}")
        }
    },
    run: async { (f(1).await, f(2).await) },
}

differential! {
    /// `join!` and `select!` inside `async` blocks that are kept across an
    /// await and borrow the function's locals (which are therefore pinned):
    /// the macros are lowered inside the blocks, so the locals they name
    /// by value (`k`, a `u32`) stay values.
    name: join_and_select_in_kept_async_blocks_name_pinned_locals,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            let d = D::new("d");
            let joined = async { tokio::join!(pend(k, d.touch()), pend(1, k as usize)) };
            let raced = async {
                tokio::select! {
                    biased;
                    v = pend(k, k as usize) => v + d.touch(),
                    _ = pend(k + 1, ()) => 0,
                }
            };
            pend(1, ()).await;
            let (a, b) = joined.await;
            a + b + raced.await
        }
    },
    run: async { (f(1).await, f(2).await) },
}
