//! Stress round 7: let-chains whose operands await (cut into nested `if`s
//! by the lowering: failing at each part, in `else if`, as values and tails,
//! in `match` arms and loops with `break`/`continue`, `return` and `?`,
//! `ref`/`ref mut` bindings, temporaries in scrutinees), values kept only
//! for their destructor that borrow a local used again before an await,
//! patterns mixing `ref` and by-value bindings on temporaries, guards and
//! scopes (`Mutex`, `RefCell`, span-like guards), error handling with `?`,
//! async closures and `impl Trait` arguments, and protocol-shaped state
//! machines. Written to find where the lowering differs from rustc
//! (findings "s7-N", kept as `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces
)]
// Shapes written on purpose: `if let _ = D::new(..)` and `match D::new(..)
// { _ => .. }` (their temporaries' lifetimes are the point, s7-7), guards
// and `RefCell` borrows held across awaits (what rustc keeps is the point),
// `(k > 0).then(|| D::new(..))` (eager `then_some` would make and drop a
// `D`, which the log shows), `return` inside an `async` block, `let` then
// return after shadowing (the binding's drop order is the point), explicit
// lifetimes on `async fn`s returning references, and `or_insert_with` /
// `drain(..).collect()` as users write them, and `let ref d = make().0;`
// (s7-2 is about it).
#![allow(
    clippy::toplevel_ref_arg,
    irrefutable_let_patterns,
    clippy::match_single_binding,
    clippy::await_holding_lock,
    clippy::await_holding_refcell_ref,
    clippy::unnecessary_lazy_evaluations,
    clippy::needless_return,
    clippy::let_and_return,
    clippy::needless_lifetimes,
    clippy::unwrap_or_default,
    clippy::drain_collect
)]

use crate::harness::*;

// ---------------------------------------------------------------------------
// 1. Let-chains with awaits
// ---------------------------------------------------------------------------

differential! {
    /// A temporary borrowed by the first `let` of a chain (`lookup(&D::new("tmp"), k)`)
    /// lives until the end of the `then` block or until before the `else`,
    /// across the awaited second operand and the body's await.
    name: let_chain_scrutinee_temporary_lives_across_awaits,
    items: {
        fn lookup(d: &D, k: u32) -> Option<u32> { d.touch(); (k > 0).then_some(k) }
        #[lh] async fn go(k: u32) -> u32 {
            if let Some(n) = lookup(&D::new("tmp"), k) && pend(1, n > 1).await {
                log("then");
                pend(1, ()).await;
                n
            } else {
                log("else");
                0
            }
        }
    },
    run: async { (go(0).await, go(1).await, go(2).await) },
}

differential! {
    /// The smallest shape of s7-1: a `match` whose scrutinee calls a
    /// function with `&D::new("tmp")` and whose arm awaits.
    name: match_scrutinee_ref_temporary_argument_arm_awaits,
    items: {
        fn lookup(d: &D, k: u32) -> Option<u32> { d.touch(); (k > 0).then_some(k) }
        #[lh] async fn go(k: u32) -> u32 {
            match lookup(&D::new("tmp"), k) {
                Some(n) => { pend(1, ()).await; log("then"); n }
                None => 0,
            }
        }
    },
    run: go(2),
}

differential! {
    /// s7-1 in a `while let`: the temporary of each iteration's scrutinee
    /// lives to the end of that iteration in rustc.
    name: while_let_scrutinee_ref_temporary_argument_body_awaits,
    items: {
        fn lookup(d: &D, k: u32) -> Option<u32> { d.touch(); (k > 0).then_some(k) }
        #[lh] async fn go(mut k: u32) -> u32 {
            while let Some(n) = lookup(&D::new("tmp"), k) { pend(1, ()).await; log("body"); k -= 1; }
            k
        }
    },
    run: go(2),
}

send_case! {
    /// s7-1 seen through `Send`: `if let Some(n) = count(&m.lock().unwrap())`
    /// with an await in the body keeps the guard in rustc (`!Send`).
    name: if_let_scrutinee_ref_guard_argument_send,
    items: {
        fn count(v: &[u32]) -> Option<usize> { Some(v.len()) }
        #[lh] async fn go(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) -> usize {
            if let Some(n) = count(&m.lock().unwrap()) { pend(1, ()).await; n } else { 0 }
        }
    },
    future: go(std::sync::Arc::new(std::sync::Mutex::new(vec![3]))),
    native_send: false,
}

send_case! {
    /// A `MutexGuard` temporary in the first `let` of a chain is held across
    /// the awaited second operand: rustc's future is `!Send`.
    name: let_chain_mutex_guard_scrutinee_send,
    items: {
        #[lh] async fn go(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) -> u32 {
            if let Some(&x) = m.lock().unwrap().first() && pend(1, x > 0).await {
                x
            } else {
                0
            }
        }
    },
    future: go(std::sync::Arc::new(std::sync::Mutex::new(vec![3]))),
    native_send: false,
}

differential! {
    /// A `RefCell` shared borrow in the first `let` of a chain is still alive
    /// in the body, so `borrow_mut` there panics after the awaits, in rustc
    /// as in the lowering.
    name: let_chain_refcell_borrow_alive_in_body_panics,
    items: {
        #[lh] async fn go(cell: std::rc::Rc<std::cell::RefCell<Vec<u32>>>) -> usize {
            let _g = D::new("g");
            if let Some(x) = cell.borrow().first().copied() && pend(1, x).await > 0 {
                pend(1, ()).await;
                cell.borrow_mut().push(x);
                1
            } else {
                0
            }
        }
    },
    run: go(std::rc::Rc::new(std::cell::RefCell::new(vec![2]))),
}

differential! {
    /// A `RefCell` borrow in a chain's scrutinee, copied out with `.copied()`,
    /// released before the `else` which mutably borrows it.
    name: let_chain_refcell_borrow_released_before_else,
    items: {
        #[lh] async fn go(cell: std::rc::Rc<std::cell::RefCell<Vec<u32>>>) -> usize {
            if let Some(x) = cell.borrow().last().copied() && pend(1, x > 5).await {
                x as usize
            } else {
                cell.borrow_mut().push(pend(1, 6).await);
                cell.borrow().len()
            }
        }
    },
    run: async {
        let c = std::rc::Rc::new(std::cell::RefCell::new(vec![1]));
        (go(c.clone()).await, go(c.clone()).await, c.borrow().clone())
    },
}

differential! {
    /// A let-chain as a function's tail expression; its bindings and the
    /// function's locals drop in rustc's order on each outcome.
    name: let_chain_as_function_tail,
    items: {
        #[lh] async fn go(a: Option<D>) -> usize {
            let _g = D::new("g");
            if let Some(d) = a && let Some(n) = pend(1, d.0.len().checked_sub(1)).await && n > 0 {
                let e = D::new("e");
                pend(1, ()).await;
                d.touch() + n + e.touch()
            } else {
                pend(1, 7).await
            }
        }
    },
    run: async { (go(None).await, go(Some(D::new("x"))).await, go(Some(D::new("xyz"))).await) },
}

differential! {
    /// A connection handler: a `match` on a message enum whose arm is a
    /// let-chain with two awaited operands, `?` in the middle operand and
    /// `return` from the body.
    name: let_chain_in_match_arm_with_try_and_return,
    items: {
        enum Msg { Data(D, u32), Ping(u32), Close }
        #[lh] async fn parse(d: &D, n: u32) -> Result<Option<u32>, String> {
            pend(1, ()).await;
            if n == 99 { Err(format!("bad {}", d.0)) } else { Ok(n.is_multiple_of(2).then_some(n / 2)) }
        }
        #[lh] async fn validate(x: u32) -> Result<D, u32> { pend(1, if x < 10 { Ok(D::new("valid")) } else { Err(x) }).await }
        #[lh] async fn handle(msgs: Vec<Msg>) -> Result<Vec<String>, String> {
            let mut out = Vec::new();
            for m in msgs {
                match m {
                    Msg::Data(d, n) => {
                        if let Some(x) = parse(&d, n).await? && let Ok(v) = validate(x).await {
                            if x == 3 { return Ok(vec![format!("early {}", v.0)]); }
                            out.push(format!("{} {} {}", d.0, x, v.0));
                        } else {
                            out.push(format!("skip {}", d.0));
                        }
                    }
                    Msg::Ping(k) => out.push(format!("pong {}", pend(1, k).await)),
                    Msg::Close => break,
                }
            }
            Ok(out)
        }
    },
    run: async {
        let a = handle(vec![Msg::Data(D::new("a"), 4), Msg::Data(D::new("b"), 3), Msg::Ping(1), Msg::Data(D::new("c"), 40), Msg::Close, Msg::Ping(2)]).await;
        let b = handle(vec![Msg::Data(D::new("d"), 6), Msg::Data(D::new("e"), 99), Msg::Data(D::new("f"), 2)]).await;
        (a, b)
    },
}

differential! {
    /// `ref mut` binding on a local `Option<Vec<D>>` in a chain whose second
    /// operand awaits; the body pushes an awaited value through it.
    name: let_chain_ref_mut_binding_on_local,
    items: {
        #[lh] async fn go(mut slot: Option<Vec<D>>, limit: usize) -> usize {
            if let Some(ref mut v) = slot && pend(1, v.len()).await < limit {
                v.push(pend(1, D::new("pushed")).await);
                log("pushed");
            } else {
                log("full");
            }
            pend(1, ()).await;
            slot.map_or(0, |v| v.len())
        }
    },
    run: async { (go(None, 1).await, go(Some(vec![D::new("a")]), 1).await, go(Some(vec![D::new("b")]), 3).await) },
}

differential! {
    /// A `ref` binding into the value an `.await` produced (a temporary),
    /// used by the next awaited operand and the body.
    name: let_chain_ref_into_awaited_temporary,
    items: {
        #[lh] async fn go(k: u32) -> usize {
            if let Some(ref d) = pend(1, (k > 0).then(|| D::new("made"))).await && pend(1, d.touch() > k as usize).await {
                pend(1, ()).await;
                d.touch()
            } else {
                log("else");
                0
            }
        }
    },
    run: async { (go(0).await, go(1).await, go(9).await) },
}

differential! {
    /// A second binding borrowing the first (`b: &D` from `pick(&a)`), both
    /// across the body's awaits.
    name: let_chain_second_binding_borrows_first,
    items: {
        #[lh] async fn fetch(k: u32) -> Option<Vec<D>> {
            pend(1, (k > 0).then(|| vec![D::new("p"), D::new("q")])).await
        }
        #[lh] async fn pick<'a>(v: &'a [D], i: usize) -> Option<&'a D> { pend(1, v.get(i)).await }
        #[lh] async fn go(k: u32, i: usize) -> String {
            if let Some(list) = fetch(k).await && let Some(item) = pick(&list, i).await && item.0 != "q" {
                pend(1, ()).await;
                format!("{} of {}", item.0, list.len())
            } else {
                "none".into()
            }
        }
    },
    run: async { (go(0, 0).await, go(1, 0).await, go(1, 1).await, go(1, 5).await) },
}

differential! {
    /// A chain whose first operand is an awaited `bool` followed by a `let`
    /// that takes from a local (`opt.take()`), in a loop.
    name: let_chain_bool_first_then_take,
    items: {
        #[lh] async fn go(mut opt: Option<D>, rounds: u32) -> Vec<String> {
            let mut out = Vec::new();
            for r in 0..rounds {
                if pend(1, r % 2 == 1).await && let Some(d) = opt.take() {
                    pend(1, ()).await;
                    out.push(format!("took {} at {r}", d.0));
                } else {
                    out.push(format!("r{r} {}", opt.is_some()));
                }
            }
            out
        }
    },
    run: go(Some(D::new("once")), 4),
}

differential! {
    /// A `while let` chain draining a queue: `pop_front` then an awaited
    /// permit `let` then a plain condition; `continue` and labeled `break`
    /// in the body, the failing item dropped before the loop's tail.
    name: while_let_chain_queue_with_permit,
    items: {
        struct Permit(D, bool);
        #[lh] async fn acquire(job: &D) -> Result<Permit, String> {
            pend(1, ()).await;
            if job.0 == "deny" { Err(format!("denied {}", job.0)) } else { Ok(Permit(D::new("permit"), job.0 == "closed")) }
        }
        #[lh] async fn go(jobs: Vec<D>) -> (Vec<&'static str>, usize) {
            let mut q: std::collections::VecDeque<D> = jobs.into();
            let mut done = Vec::new();
            'work: while let Some(job) = q.pop_front() && let Ok(p) = acquire(&job).await && !p.1 {
                if job.0 == "skip" { continue; }
                if job.0 == "halt" { break 'work; }
                pend(1, ()).await;
                done.push(job.0);
            }
            log("drained");
            (done, q.len())
        }
    },
    run: async {
        let a = go(vec![D::new("a"), D::new("skip"), D::new("b"), D::new("deny"), D::new("c")]).await;
        let b = go(vec![D::new("a"), D::new("closed"), D::new("c")]).await;
        let c = go(vec![D::new("halt"), D::new("c")]).await;
        (a, b, c)
    },
}

differential! {
    /// A let-chain in an `else if` after an `if` whose condition awaits, both
    /// as the value of a `let` used after another await.
    name: let_chain_else_if_after_awaited_if,
    items: {
        #[lh] async fn go(a: u32, b: Option<D>) -> usize {
            let g = D::new("g");
            let v = if pend(1, a > 5).await {
                a as usize
            } else if let Some(d) = b && let n = pend(1, d.touch()).await && n > 1 {
                let _t = D::new("t");
                pend(1, n * 10).await
            } else {
                g.touch()
            };
            pend(1, ()).await;
            v + 1
        }
    },
    run: async { (go(9, None).await, go(1, Some(D::new("bb"))).await, go(1, Some(D::new("b"))).await, go(1, None).await) },
}

differential! {
    /// A let-chain nested in the body of another let-chain, each with awaited
    /// operands; the inner `else` breaks out of a labeled block.
    name: let_chain_nested_in_let_chain,
    items: {
        #[lh] async fn go(x: Option<D>, y: Option<D>) -> &'static str {
            let r = 'blk: {
                if let Some(a) = x && pend(1, a.touch() > 0).await {
                    if let Some(b) = y && let 2.. = pend(1, b.touch()).await {
                        pend(1, ()).await;
                        break 'blk "both";
                    } else {
                        log("inner else");
                        break 'blk "outer only";
                    }
                }
                "none"
            };
            pend(1, ()).await;
            r
        }
    },
    run: async {
        (go(None, None).await, go(Some(D::new("a")), None).await, go(Some(D::new("a")), Some(D::new("b"))).await, go(Some(D::new("a")), Some(D::new("bb"))).await)
    },
}

differential! {
    /// A search with a let-chain inside a `for` in a labeled block, whose
    /// body `break`s the block with a value; the rest of the iteration's
    /// values drop in order.
    name: let_chain_break_labeled_block_with_value,
    items: {
        #[lh] async fn probe(d: &D) -> Option<u32> { pend(1, (d.0.len() > 1).then(|| d.0.len() as u32)).await }
        #[lh] async fn go(items: Vec<D>) -> Option<u32> {
            let found = 'search: {
                for it in items {
                    let _scope = D::new("scope");
                    if let Some(n) = probe(&it).await && n % 2 == 1 && let m = pend(1, n * 2).await {
                        break 'search Some(m);
                    }
                }
                None
            };
            pend(1, ()).await;
            found
        }
    },
    run: async { (go(vec![D::new("a"), D::new("bb"), D::new("ccc"), D::new("d")]).await, go(vec![D::new("x")]).await) },
}

differential! {
    /// A chain binding a tuple of two `D`s from an await; a later part
    /// fails, so both drop, in rustc's order, before the `else`.
    name: let_chain_tuple_binding_fails_later,
    items: {
        #[lh] async fn go(k: u32) -> String {
            if let (a, b) = pend(1, (D::new("a"), D::new("b"))).await && pend(1, k > 0).await && let Some(c) = pend(1, k.checked_sub(2)).await {
                format!("{} {} {c}", a.0, b.0)
            } else {
                log("else");
                pend(1, "no".to_string()).await
            }
        }
    },
    run: async { (go(0).await, go(1).await, go(3).await) },
}

differential! {
    /// A `while let` chain on an async iterator-like source with an awaited
    /// `next` and a filter; `break` with a value is impossible, so the loop
    /// sets a flag and labeled-continues an outer loop.
    name: while_let_chain_in_outer_loop_labeled_continue,
    items: {
        struct Src(Vec<D>);
        impl Src {
            #[lh] async fn next(&mut self) -> Option<D> { pend(1, ()).await; self.0.pop() }
        }
        #[lh] async fn go(batches: Vec<Vec<D>>) -> Vec<&'static str> {
            let mut out = Vec::new();
            'outer: for b in batches {
                let mut src = Src(b);
                while let Some(d) = src.next().await && d.0 != "end" {
                    if d.0 == "next" { continue 'outer; }
                    out.push(d.0);
                }
                out.push("|");
            }
            out
        }
    },
    run: go(vec![vec![D::new("z"), D::new("end"), D::new("a")], vec![D::new("q"), D::new("next"), D::new("b")], vec![D::new("c")]]),
}

differential! {
    /// Cancellation everywhere in a chain whose every part binds a `D` and
    /// awaits, with a body that awaits twice.
    name: let_chain_every_part_binds_and_awaits,
    items: {
        #[lh] async fn step(name: &'static str, ok: bool) -> Option<D> { pend(1, ok.then(|| D::new(name))).await }
        #[lh] async fn go(mask: u8) -> Vec<&'static str> {
            let mut out = vec![];
            if let Some(a) = step("a", mask & 1 != 0).await
                && let Some(b) = step("b", mask & 2 != 0).await
                && let Some(c) = step("c", mask & 4 != 0).await
            {
                pend(1, ()).await;
                out.push(a.0);
                pend(1, ()).await;
                out.push(b.0);
                out.push(c.0);
            } else {
                out.push("else");
            }
            out
        }
    },
    run: async { (go(0).await, go(1).await, go(3).await, go(7).await) },
}

differential! {
    /// A chain inside an `async move` block awaited in place, capturing a
    /// `D`; the chain's `else` returns from the block.
    name: let_chain_inside_async_block,
    items: {
        #[lh] async fn go(v: Vec<u32>) -> u32 {
            let d = D::new("captured");
            let r = async move {
                if let Some(&first) = v.first() && let Some(x) = pend(1, first.checked_mul(2)).await {
                    d.touch();
                    return x;
                } else {
                    return 0;
                }
            }.await;
            pend(1, ()).await;
            r
        }
    },
    run: async { (go(vec![]).await, go(vec![4, 5]).await) },
}

differential! {
    /// A `while let` chain whose `let` after the await binds by `ref` into
    /// a `RefCell` borrow temporary, `return` from the body with a value.
    name: while_let_chain_return_from_body,
    items: {
        #[lh] async fn go(jobs: Vec<(D, u32)>, stop_at: u32) -> Result<u32, String> {
            let mut it = jobs.into_iter();
            let mut sum = 0;
            while let Some((d, n)) = it.next() && pend(1, n).await < 100 {
                if n == stop_at {
                    let why = pend(1, format!("stop {}", d.0)).await;
                    return Err(why);
                }
                sum += n;
            }
            log("done");
            Ok(sum)
        }
    },
    run: async {
        let a = go(vec![(D::new("a"), 1), (D::new("b"), 2), (D::new("c"), 3)], 2).await;
        let b = go(vec![(D::new("a"), 1), (D::new("big"), 200), (D::new("c"), 3)], 9).await;
        (a, b)
    },
}

differential! {
    /// A let-chain whose `else` `continue`s and whose body `break`s, in a
    /// `loop` that awaits at its top; a retry counter lives across it all.
    name: let_chain_in_retry_loop_break_continue_in_else,
    items: {
        #[lh] async fn attempt(n: u32) -> Result<D, u32> { pend(1, if n >= 2 { Ok(D::new("conn")) } else { Err(n) }).await }
        #[lh] async fn go() -> (u32, &'static str) {
            let mut tries = 0;
            let _backoff = D::new("backoff");
            let name = loop {
                pend(1, ()).await;
                tries += 1;
                if let Ok(c) = attempt(tries).await && let Some(n) = pend(1, c.0.strip_prefix("co")).await {
                    log(format!("connected {n}"));
                    break c.0;
                } else {
                    if tries > 5 { break "gave up"; }
                    continue;
                }
            };
            (tries, name)
        }
    },
    run: go(),
}

differential! {
    /// `if let .. && let ..` whose second `let` destructures a struct out of
    /// an await by field, one field a `D` moved, another copied.
    name: let_chain_struct_pattern_from_await,
    items: {
        struct Resp { code: u16, body: D }
        #[lh] async fn get(ok: bool) -> Option<Resp> { pend(1, ok.then(|| Resp { code: 200, body: D::new("body") })).await }
        #[lh] async fn go(ok: bool, want: u16) -> String {
            if let Some(Resp { code, body }) = get(ok).await && code == want && let len = pend(1, body.touch()).await {
                format!("{code} {len}")
            } else {
                "miss".into()
            }
        }
    },
    run: async { (go(false, 200).await, go(true, 404).await, go(true, 200).await) },
}

differential! {
    /// A panic inside the body of a cut let-chain, with bindings from every
    /// part alive: they unwind in rustc's order.
    name: let_chain_panic_in_body,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            let _g = D::new("g");
            if let Some(a) = pend(1, Some(D::new("a"))).await && let b = D::new("b") && pend(1, k > 0).await {
                pend(1, ()).await;
                if k == 2 { panic!("boom in chain {}", a.0); }
                k
            } else {
                0
            }
        }
    },
    run: async { (go(0).await, go(1).await, go(2).await) },
}

differential! {
    /// A panic in an awaited operand of a chain after a `let` bound a `D`.
    name: let_chain_panic_in_awaited_operand,
    items: {
        #[lh] async fn check(d: &D) -> bool { pend(1, ()).await; if d.0 == "bad" { panic!("bad {}", d.0) } true }
        #[lh] async fn go(name: &'static str) -> u32 {
            let _g = D::new("g");
            if let Some(a) = pend(1, Some(D::new(name))).await && check(&a).await { 1 } else { 0 }
        }
    },
    run: async { (go("ok").await, go("bad").await) },
}

differential! {
    /// Shadowing across a chain: the chain binds `x` shadowing a parameter
    /// `x`, the body shadows again after an await, the outer `x` is used
    /// after the `if`.
    name: let_chain_shadowing,
    items: {
        #[lh] async fn go(x: D, k: u32) -> String {
            let s = if let Some(x) = pend(1, (k > 0).then(|| D::new("inner"))).await && let x = pend(1, x.0.len() + k as usize).await {
                let x = format!("{x}!");
                pend(1, ()).await;
                x
            } else {
                x.0.to_string()
            };
            format!("{s} {}", x.touch())
        }
    },
    run: async { (go(D::new("p"), 0).await, go(D::new("q"), 2).await) },
}

differential! {
    /// A `while let` chain in which the first `let` binds by `ref mut` into
    /// a `Vec` element and the awaited operand updates it.
    name: while_let_chain_ref_mut_element,
    items: {
        #[lh] async fn bump(n: &mut u32) -> bool { pend(1, ()).await; *n += 1; *n < 4 }
        #[lh] async fn go(mut v: Vec<u32>) -> Vec<u32> {
            let mut i = 0;
            while let Some(ref mut slot) = v.get_mut(i) && bump(slot).await {
                i += 1;
            }
            v
        }
    },
    run: async { (go(vec![0, 1, 3, 0]).await, go(vec![]).await) },
}

// ---------------------------------------------------------------------------
// 2. Dead borrows kept for their destructor
// ---------------------------------------------------------------------------

differential! {
    /// `get_or_insert_with` returns `&mut D`; it is used, the `Option` is
    /// used again, then the function awaits.
    name: dead_borrow_get_or_insert_with_then_await,
    items: {
        #[lh] async fn go(mut cfg: Option<D>) -> (usize, bool) {
            let r = cfg.get_or_insert_with(|| D::new("default"));
            let n = r.touch();
            let had = cfg.is_some();
            pend(1, ()).await;
            let t = cfg.take();
            pend(1, ()).await;
            (n, had && t.is_some())
        }
    },
    run: async { (go(None).await, go(Some(D::new("given"))).await) },
}

differential! {
    /// `entry().or_insert(0)` counting words; the map is read again before
    /// each await inside a loop.
    name: dead_borrow_entry_or_insert_in_loop,
    items: {
        #[lh] async fn go(words: Vec<&'static str>) -> Vec<(&'static str, u32)> {
            let mut counts = std::collections::BTreeMap::new();
            let _d = D::new("counts");
            for w in words {
                let c = counts.entry(w).or_insert(0u32);
                *c += 1;
                log(format!("{} keys", counts.len()));
                pend(1, ()).await;
            }
            counts.into_iter().collect()
        }
    },
    run: go(vec!["a", "b", "a", "c", "a"]),
}

differential! {
    /// `entry().or_insert_with(Vec::new)` holding `D`s; the entry's `&mut
    /// Vec<D>` is pushed to, then the map is used, then await, in a branch.
    name: dead_borrow_entry_vec_of_d_in_branch,
    items: {
        #[lh] async fn go(items: Vec<(u32, D)>) -> Vec<(u32, usize)> {
            let mut groups: std::collections::BTreeMap<u32, Vec<D>> = std::collections::BTreeMap::new();
            for (k, d) in items {
                if k.is_multiple_of(2) {
                    let g = groups.entry(k).or_insert_with(Vec::new);
                    g.push(d);
                    let total: usize = groups.values().map(Vec::len).sum();
                    pend(1, total).await;
                } else {
                    drop(d);
                    pend(1, ()).await;
                }
            }
            groups.iter().map(|(k, v)| (*k, v.len())).collect()
        }
    },
    run: go(vec![(2, D::new("a")), (1, D::new("b")), (2, D::new("c")), (4, D::new("d"))]),
}

differential! {
    /// `last_mut()` on a stack of `Vec<D>` frames: push into the top frame,
    /// push a new frame, await.
    name: dead_borrow_last_mut_then_push_then_await,
    items: {
        #[lh] async fn go(n: u32) -> Vec<usize> {
            let mut stack: Vec<Vec<D>> = vec![vec![]];
            for i in 0..n {
                let top = stack.last_mut().unwrap();
                top.push(D::new("item"));
                if i % 2 == 1 { stack.push(Vec::new()); }
                pend(1, ()).await;
            }
            stack.iter().map(Vec::len).collect()
        }
    },
    run: go(4),
}

differential! {
    /// `iter_mut().next()` yields `Option<&mut D>`, kept in a local, used,
    /// then the vector is used and the function awaits.
    name: dead_borrow_iter_mut_next_option,
    items: {
        #[lh] async fn go(mut v: Vec<D>) -> usize {
            let first = v.iter_mut().next();
            let n = first.map_or(0, |d| d.touch());
            v.push(D::new("more"));
            pend(1, ()).await;
            n + v.len()
        }
    },
    run: async { (go(vec![]).await, go(vec![D::new("x")]).await) },
}

differential! {
    /// A struct holding a `D` and a `&mut Vec<u32>` (no `Drop` impl of its
    /// own): it is used, the vector is used again, the function awaits,
    /// and the struct's `D` drops at the end of its scope, after the await.
    name: dead_borrow_struct_with_d_and_mut_ref,
    items: {
        struct Writer<'a> { tag: D, out: &'a mut Vec<u32> }
        #[lh] async fn go() -> Vec<u32> {
            let mut v = vec![1];
            let w = Writer { tag: D::new("writer"), out: &mut v };
            w.out.push(2);
            w.tag.touch();
            v.push(3);
            pend(1, ()).await;
            log("after await");
            pend(1, ()).await;
            v
        }
    },
    run: go(),
}

differential! {
    /// The struct of the previous case in a loop with a branch: made each
    /// iteration, the vector pushed to after, awaits in one branch only.
    name: dead_borrow_struct_in_loop_branch,
    items: {
        struct Writer<'a> { tag: D, out: &'a mut Vec<u32> }
        #[lh] async fn go(n: u32) -> Vec<u32> {
            let mut v = vec![];
            for i in 0..n {
                let w = Writer { tag: D::new("w"), out: &mut v };
                w.out.push(i);
                v.push(100 + i);
                if i.is_multiple_of(2) {
                    pend(1, ()).await;
                } else {
                    log("odd");
                }
            }
            v
        }
    },
    run: go(3),
}

differential! {
    /// A `&mut` returned by a `&mut self` method, used, then the owner's other
    /// method called, then an awaited method of the owner.
    name: dead_borrow_mut_self_method_result_then_awaited_method,
    items: {
        struct Conn { buf: Vec<u8>, log: Vec<D> }
        impl Conn {
            fn buf(&mut self) -> &mut Vec<u8> { &mut self.buf }
            fn note(&mut self, d: D) { self.log.push(d) }
            #[lh] async fn flush(&mut self) -> usize { pend(1, ()).await; let n = self.buf.len(); self.buf.clear(); n }
        }
        #[lh] async fn go() -> (usize, usize, usize) {
            let mut c = Conn { buf: vec![], log: vec![] };
            let b = c.buf();
            b.extend_from_slice(b"abc");
            c.note(D::new("n1"));
            let a = c.flush().await;
            let b2 = c.buf();
            b2.push(1);
            let again = c.flush().await;
            (a, again, c.log.len())
        }
    },
    run: go(),
}

differential! {
    /// A guard-like value holding `&mut` into a `Vec<D>` element through
    /// `get_mut`, used in both arms of a `match`, the vector used after,
    /// then awaits in each arm's continuation.
    name: dead_borrow_get_mut_in_match_arms,
    items: {
        #[lh] async fn go(mut v: Vec<D>, i: usize) -> usize {
            let r = match v.get_mut(i) {
                Some(d) => { let n = d.touch(); v.push(D::new("found")); pend(1, n).await }
                None => { v.push(D::new("missing")); pend(2, 0).await }
            };
            r + v.len()
        }
    },
    run: async { (go(vec![D::new("a")], 0).await, go(vec![], 3).await) },
}

// ---------------------------------------------------------------------------
// 3. `ref` and by-value `Copy` bindings on temporaries
// ---------------------------------------------------------------------------

differential! {
    /// The smallest shape of s7-2: `let (ref d, _) = make(k);` then await.
    name: let_ref_in_tuple_pattern_on_temporary_across_await,
    items: {
        fn make(k: u32) -> (D, u32) { (D::new("made"), k) }
        #[lh] async fn go(k: u32) -> usize { let (ref d, _) = make(k); pend(1, ()).await; d.touch() }
    },
    run: go(3),
}

differential! {
    /// s7-2 with a copied binding beside the `ref` one and a guard local:
    /// `let (ref d, n) = make(k);` then await.
    name: let_ref_and_copy_on_temporary,
    items: {
        fn make(k: u32) -> (D, u32) { (D::new("made"), k) }
        #[lh] async fn go(k: u32) -> usize {
            let _g = D::new("g");
            let (ref d, n) = make(k);
            pend(1, ()).await;
            d.touch() + n as usize
        }
    },
    run: go(3),
}

differential! {
    /// s7-2 with `let ref d = make(k).0;` (the field of a temporary).
    name: let_ref_field_of_temporary_across_await,
    items: {
        fn make(k: u32) -> (D, u32) { (D::new("made"), k) }
        #[lh] async fn go(k: u32) -> usize { let ref d = make(k).0; pend(1, ()).await; d.touch() }
    },
    run: go(3),
}

differential! {
    /// The smallest shape of s7-3: `if let (ref d, n @ 1..) = make(k)` with
    /// an await in the body.
    name: if_let_ref_and_copy_on_temporary_plain,
    items: {
        fn make(k: u32) -> (D, u32) { (D::new("made"), k) }
        #[lh] async fn go(k: u32) -> usize {
            if let (ref d, n @ 1..) = make(k) {
                pend(1, ()).await;
                d.touch() + n as usize
            } else {
                0
            }
        }
    },
    run: async { (go(0).await, go(3).await) },
}

differential! {
    /// s7-3 in a let-chain: `if let (ref d, n) = make(k) && n > 0`.
    name: if_let_ref_and_copy_on_temporary,
    items: {
        fn make(k: u32) -> (D, u32) { (D::new("made"), k) }
        #[lh] async fn go(k: u32) -> usize {
            if let (ref d, n) = make(k) && n > 0 {
                pend(1, ()).await;
                d.touch() + n as usize
            } else {
                0
            }
        }
    },
    run: async { (go(0).await, go(3).await) },
}

differential! {
    /// The smallest shape of s7-4: `if let (ref d, n) = p` on a local tuple,
    /// await in the body.
    name: if_let_ref_and_copy_on_local_minimal,
    items: {
        #[lh] async fn go(k: u32) -> usize {
            let p = (D::new("p"), k);
            if let (ref d, n) = p { pend(1, ()).await; d.touch() + n as usize } else { 0 }
        }
    },
    run: go(3),
}

known_gap! {
    reason: "domains 5 family (runs differently, partial move): `let (a, _, _) = p;` after the `if let (ref d, n, Some(ref q)) = p` moves `p.0` out and leaves `p.2` (a `D`) in `p`; rustc drops the rest when `p` goes out of scope (native `[\"touch p\", \"touch q\", \"touch p\", \"drop p\", \"drop q\", ..]`), longhand at the destructuring (`[.., \"touch q\", \"drop q\", \"touch p\", \"drop p\", ..]`). The `if let` itself (s7-4) is lowered: `if_let_ref_and_copy_on_local_minimal`",
    differential! {
        /// s7-4 with two `ref` bindings and a copy, the local destructured
        /// after the `if let`.
        name: if_let_ref_and_copy_on_local,
        items: {
            #[lh] async fn go(k: u32) -> usize {
                let p = (D::new("p"), k, Some(D::new("q")));
                let r = if let (ref d, n, Some(ref q)) = p {
                    pend(1, ()).await;
                    d.touch() + q.touch() + n as usize
                } else {
                    0
                };
                let (a, _, _) = p;
                r + a.touch()
            }
        },
        run: go(2),
    }
}

differential! {
    /// `match make() { Pair { ref a, n } => .. await .. }` on a struct
    /// temporary.
    name: match_struct_ref_and_copy_on_temporary,
    items: {
        struct Pair { a: D, n: u32 }
        fn make(n: u32) -> Pair { Pair { a: D::new("pa"), n } }
        #[lh] async fn go(k: u32) -> usize {
            match make(k) {
                Pair { ref a, n: 0 } => { pend(1, ()).await; a.touch() }
                Pair { ref a, n } => { let m = pend(1, n).await; a.touch() + m as usize }
            }
        }
    },
    run: async { (go(0).await, go(5).await) },
}

differential! {
    /// `match` on an awaited temporary: `(ref d, n)` binding by `ref` into the
    /// await's value, with an await in the arm.
    name: match_awaited_temporary_ref_and_copy,
    items: {
        #[lh] async fn go(k: u32) -> usize {
            match pend(1, (D::new("t"), k)).await {
                (ref d, 0) => d.touch(),
                (ref d, n) => { pend(1, ()).await; d.touch() * n as usize }
            }
        }
    },
    run: async { (go(0).await, go(2).await) },
}

differential! {
    /// `ref` bindings in an enum variant of a temporary whose other variant
    /// binds a copied field only.
    name: match_enum_temporary_ref_in_one_arm_copy_in_other,
    items: {
        enum Ev { Named(D, u32), Anon(u32) }
        fn ev(k: u32) -> Ev { if k > 1 { Ev::Named(D::new("named"), k) } else { Ev::Anon(k) } }
        #[lh] async fn go(k: u32) -> usize {
            match ev(k) {
                Ev::Named(ref d, n) => { pend(1, ()).await; d.touch() + n as usize }
                Ev::Anon(n) => pend(1, n as usize).await,
            }
        }
    },
    run: async { (go(0).await, go(3).await) },
}

differential! {
    /// `if let (ref d, 1..) = make(k)`: `ref` bindings only on a temporary
    /// (the working neighbour of s7-3), across the body's await.
    name: if_let_ref_only_on_temporary,
    items: {
        fn make(k: u32) -> (D, u32) { (D::new("made"), k) }
        #[lh] async fn go(k: u32) -> usize {
            if let (ref d, 1..) = make(k) { pend(1, ()).await; d.touch() } else { 0 }
        }
    },
    run: async { (go(0).await, go(3).await) },
}

differential! {
    /// `if let (ref d, 1..) = p` on a local (the working neighbour of
    /// s7-4), `p` used after.
    name: if_let_ref_only_on_local,
    items: {
        #[lh] async fn go(k: u32) -> usize {
            let p = (D::new("p"), k);
            let r = if let (ref d, 1..) = p { pend(1, ()).await; d.touch() } else { 0 };
            pend(1, ()).await;
            r + p.1 as usize
        }
    },
    run: async { (go(0).await, go(3).await) },
}

// ---------------------------------------------------------------------------
// 4. Guards and scopes
// ---------------------------------------------------------------------------

send_case! {
    /// A `std::sync::Mutex` guard dropped at the end of an inner block before
    /// the await: the future is `Send`.
    name: mutex_guard_inner_block_before_await_send,
    items: {
        #[lh] async fn go(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) -> usize {
            let n = {
                let mut g = m.lock().unwrap();
                g.push(4);
                g.len()
            };
            pend(1, ()).await;
            n + m.lock().unwrap().len()
        }
    },
    future: go(std::sync::Arc::new(std::sync::Mutex::new(vec![1]))),
    native_send: true,
}

differential! {
    /// `drop(guard)` then await, then locking again (rustc's future stays
    /// `!Send` here, a documented difference, so only behaviour is compared).
    name: mutex_guard_explicit_drop_before_await,
    items: {
        #[lh] async fn go(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) -> usize {
            let g = m.lock().unwrap();
            let n = g.len();
            drop(g);
            pend(1, ()).await;
            let mut g = m.lock().unwrap();
            g.push(n as u32);
            g.len()
        }
    },
    run: go(std::sync::Arc::new(std::sync::Mutex::new(vec![1]))),
}

send_case! {
    /// A guard held across an await in one branch only: `!Send`.
    name: mutex_guard_held_in_one_branch_not_send,
    items: {
        #[lh] async fn go(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>, slow: bool) -> usize {
            let g = m.lock().unwrap();
            if slow {
                pend(1, ()).await;
                g.len()
            } else {
                let n = g.len();
                drop(g);
                pend(1, n).await
            }
        }
    },
    future: go(std::sync::Arc::new(std::sync::Mutex::new(vec![1])), false),
    native_send: false,
}

differential! {
    /// Tracing-like span guards: an outer span held across every await, an
    /// inner one per iteration, one entered and dropped with `let _ =`.
    name: span_guards_across_awaits,
    items: {
        struct Span(&'static str);
        impl Span { fn enter(name: &'static str) -> Span { log(format!("enter {name}")); Span(name) } }
        impl Drop for Span { fn drop(&mut self) { log(format!("exit {}", self.0)); } }
        #[lh] async fn handle(reqs: Vec<u32>) -> u32 {
            let _req = Span::enter("request");
            let _ = Span::enter("ignored");
            let mut total = 0;
            for r in reqs {
                let _it = Span::enter("item");
                total += pend(1, r).await;
                if r == 0 { let _z = Span::enter("zero"); pend(1, ()).await; continue; }
            }
            total
        }
    },
    run: handle(vec![1, 0, 2]),
}

differential! {
    /// A span guard moved into a helper that awaits, and one dropped with
    /// `drop(span)` between awaits.
    name: span_guard_moved_and_dropped_between_awaits,
    items: {
        struct Span(&'static str);
        impl Drop for Span { fn drop(&mut self) { log(format!("exit {}", self.0)); } }
        #[lh] async fn in_span(s: Span, n: u32) -> u32 { pend(1, ()).await; log(format!("in {}", s.0)); n * 2 }
        #[lh] async fn go() -> u32 {
            let a = Span("a");
            let b = Span("b");
            let x = in_span(a, 1).await;
            pend(1, ()).await;
            drop(b);
            let c = Span("c");
            pend(1, x).await + { let _d = Span("d"); 1 }
        }
    },
    run: go(),
}

differential! {
    /// `RefCell::borrow_mut` in a statement before an await and in a block,
    /// shared state in `Rc<RefCell<..>>` mutated by two lowered futures joined.
    name: rc_refcell_shared_state_two_futures,
    items: {
        struct State { seen: Vec<u32>, _d: D }
        #[lh] async fn worker(st: std::rc::Rc<std::cell::RefCell<State>>, id: u32, n: u32) -> usize {
            for i in 0..n {
                st.borrow_mut().seen.push(id * 10 + i);
                pend(1, ()).await;
                {
                    let s = st.borrow();
                    log(format!("w{id} sees {}", s.seen.len()));
                }
            }
            st.borrow().seen.len()
        }
        #[lh] async fn go() -> (usize, usize, Vec<u32>) {
            let st = std::rc::Rc::new(std::cell::RefCell::new(State { seen: vec![], _d: D::new("state") }));
            let (a, b) = futures::future::join(worker(st.clone(), 1, 2), worker(st.clone(), 2, 3)).await;
            let seen = st.borrow().seen.clone();
            (a, b, seen)
        }
    },
    run: go(),
}

differential! {
    /// A `RefCell` borrow held across an await while another future
    /// `try_borrow_mut`s: the borrow is visible.
    name: refcell_borrow_held_across_await_observed,
    items: {
        #[lh] async fn holder(c: std::rc::Rc<std::cell::RefCell<Vec<D>>>) -> usize {
            let b = c.borrow();
            pend(2, ()).await;
            b.len()
        }
        #[lh] async fn prober(c: std::rc::Rc<std::cell::RefCell<Vec<D>>>) -> Vec<bool> {
            let mut r = vec![];
            for _ in 0..4 {
                r.push(c.try_borrow_mut().is_ok());
                pend(1, ()).await;
            }
            r
        }
        #[lh] async fn go() -> (usize, Vec<bool>) {
            let c = std::rc::Rc::new(std::cell::RefCell::new(vec![D::new("x")]));
            futures::future::join(holder(c.clone()), prober(c.clone())).await
        }
    },
    run: go(),
}

differential! {
    /// `std::mem::take` out of a `RefCell` borrow, the buffer drained across
    /// awaits, then put back.
    name: refcell_take_drain_put_back,
    items: {
        #[lh] async fn flush(buf: &std::cell::RefCell<Vec<D>>) -> Vec<&'static str> {
            let items = std::mem::take(&mut *buf.borrow_mut());
            let mut out = vec![];
            let mut keep = vec![];
            for d in items {
                if pend(1, d.0.len() > 1).await { out.push(d.0); } else { keep.push(d); }
            }
            *buf.borrow_mut() = keep;
            out
        }
        #[lh] async fn go() -> (Vec<&'static str>, usize) {
            let buf = std::cell::RefCell::new(vec![D::new("a"), D::new("bb"), D::new("c"), D::new("dd")]);
            let out = flush(&buf).await;
            (out, buf.borrow().len())
        }
    },
    run: go(),
}

differential! {
    /// A `Mutex` guard in a `match` scrutinee temporary (method chain) kept
    /// through the arm's await, then the mutex locked again after.
    name: mutex_guard_in_match_scrutinee_through_arm,
    items: {
        #[lh] async fn go(m: std::sync::Mutex<Vec<D>>) -> (usize, bool) {
            let n = match m.lock().unwrap().pop() {
                Some(d) => { pend(1, ()).await; d.touch() }
                None => 0,
            };
            let free = m.try_lock().is_ok();
            (n, free)
        }
    },
    run: async { (go(std::sync::Mutex::new(vec![D::new("a")])).await, go(std::sync::Mutex::new(vec![])).await) },
}

// ---------------------------------------------------------------------------
// 5. Error handling
// ---------------------------------------------------------------------------

differential! {
    /// `?` with a `From` conversion inside a `for` loop with a live `D` per
    /// iteration and one outside; errors from two source types.
    name: try_from_conversion_in_loop,
    items: {
        #[derive(Debug)]
        enum AppError { Parse(String), Io(u32) }
        impl From<std::num::ParseIntError> for AppError { fn from(e: std::num::ParseIntError) -> Self { AppError::Parse(e.to_string()) } }
        impl From<u32> for AppError { fn from(e: u32) -> Self { AppError::Io(e) } }
        #[lh] async fn read(i: u32) -> Result<&'static str, u32> { pend(1, if i == 7 { Err(i) } else { Ok(["1", "2", "x"][i as usize % 3]) }).await }
        #[lh] async fn go(ids: Vec<u32>) -> Result<u32, AppError> {
            let _outer = D::new("outer");
            let mut sum = 0;
            for i in ids {
                let _it = D::new("it");
                let s = read(i).await?;
                sum += s.parse::<u32>()?;
            }
            Ok(sum)
        }
    },
    run: async { (go(vec![0, 1]).await, go(vec![0, 7]).await, go(vec![1, 2]).await) },
}

differential! {
    /// `?` inside the awaited operands of a let-chain converting through
    /// `From`, in a `while` loop.
    name: try_from_conversion_in_let_chain,
    items: {
        #[derive(Debug)]
        struct E(String);
        impl From<String> for E { fn from(s: String) -> Self { E(s) } }
        #[lh] async fn next(v: &mut Vec<D>) -> Result<Option<D>, String> {
            pend(1, ()).await;
            match v.pop() { Some(d) if d.0 == "err" => Err(format!("got {}", d.0)), other => Ok(other) }
        }
        #[lh] async fn go(mut v: Vec<D>) -> Result<Vec<&'static str>, E> {
            let mut out = vec![];
            while let Some(d) = next(&mut v).await? && let Some(n) = pend(1, Ok::<_, String>(d.0.len())).await?.checked_sub(1) {
                if n == 0 { continue; }
                out.push(d.0);
            }
            Ok(out)
        }
    },
    run: async { (go(vec![D::new("a"), D::new("bb"), D::new("c")]).await, go(vec![D::new("a"), D::new("err"), D::new("cc")]).await) },
}

differential! {
    /// `Box<dyn Error>` with `?` on two error types and `.into()`, early
    /// return from a nested loop with live `D`s at each level.
    name: box_dyn_error_early_return_nested_loops,
    items: {
        #[lh] async fn go(grid: Vec<Vec<&'static str>>) -> Result<u32, Box<dyn std::error::Error>> {
            let _a = D::new("a");
            let mut total = 0;
            for row in grid {
                let _r = D::new("row");
                for cell in row {
                    let _c = D::new("cell");
                    let s = pend(1, cell).await;
                    if s == "stop" {
                        return Err("stopped".into());
                    }
                    total += s.parse::<u32>()?;
                }
            }
            Ok(total)
        }
    },
    run: async {
        let a = go(vec![vec!["1", "2"], vec!["3"]]).await.map_err(|e| e.to_string());
        let b = go(vec![vec!["1"], vec!["stop", "9"]]).await.map_err(|e| e.to_string());
        let c = go(vec![vec!["1", "z"]]).await.map_err(|e| e.to_string());
        (a, b, c)
    },
}

differential! {
    /// `Result<Option<T>>` with `transpose` both ways across awaits.
    name: result_option_transpose,
    items: {
        #[lh] async fn fetch(k: u32) -> Option<Result<D, String>> {
            pend(1, match k { 0 => None, 1 => Some(Err("one".to_string())), _ => Some(Ok(D::new("v"))) }).await
        }
        #[lh] async fn go(k: u32) -> Result<Option<usize>, String> {
            let got: Option<D> = fetch(k).await.transpose()?;
            let n = pend(1, got.as_ref().map(|d| d.touch())).await;
            let back: Option<Result<usize, String>> = Ok(n).transpose();
            back.transpose()
        }
    },
    run: async { (go(0).await, go(1).await, go(2).await) },
}

differential! {
    /// `.ok_or_else(..)?`, `.map_err(..)?` and `?` on `Option` inside an
    /// `async fn` returning `Option`, with awaits between.
    name: option_try_chain_with_awaits,
    items: {
        #[lh] async fn lookup(id: u32) -> Option<D> { pend(1, id.is_multiple_of(2).then(|| D::new("user"))).await }
        #[lh] async fn go(id: u32) -> Option<usize> {
            let u = lookup(id).await?;
            let n = pend(1, u.0.len().checked_sub(id as usize)).await?;
            let name = pend(1, u.0.get(..n)).await?;
            Some(name.len() + u.touch())
        }
    },
    run: async { (go(1).await, go(2).await, go(0).await, go(8).await) },
}

differential! {
    /// An error path that awaits a cleanup in a `match` on the error, then
    /// returns the mapped error; the happy path returns early from a loop.
    name: error_path_awaits_cleanup,
    items: {
        #[derive(Debug)]
        enum Err2 { Timeout(u32), Closed }
        #[lh] async fn try_once(n: u32) -> Result<D, Err2> {
            pend(1, match n { 0 | 1 => Err(Err2::Timeout(n)), 5 => Err(Err2::Closed), _ => Ok(D::new("ok")) }).await
        }
        #[lh] async fn go(start: u32) -> Result<&'static str, String> {
            let _conn = D::new("conn");
            for n in start..start + 4 {
                match try_once(n).await {
                    Ok(d) => return Ok(d.0),
                    Err(Err2::Timeout(t)) => { pend(1, ()).await; log(format!("retry after {t}")); }
                    Err(e) => {
                        let cleanup = D::new("cleanup");
                        pend(1, ()).await;
                        return Err(format!("{e:?} {}", cleanup.0));
                    }
                }
            }
            Err("exhausted".into())
        }
    },
    run: async { (go(0).await, go(5).await) },
}

// ---------------------------------------------------------------------------
// 6. Async closures, `AsyncFn`, closures, `impl Trait`, generic methods
// ---------------------------------------------------------------------------

differential! {
    /// A retry helper generic over `F: AsyncFnMut() -> Result<T, E>` with
    /// backoff counters; the caller passes an `async` closure capturing a
    /// `D` and a counter by reference.
    name: async_fn_mut_retry_helper,
    items: {
        #[lh] async fn retry<T, E: std::fmt::Debug, F>(mut f: F, max: u32) -> Result<T, E>
        where
            F: AsyncFnMut() -> Result<T, E>,
        {
            let mut backoff = 1;
            let mut attempt = 0;
            loop {
                attempt += 1;
                match f().await {
                    Ok(v) => return Ok(v),
                    Err(e) if attempt >= max => return Err(e),
                    Err(e) => {
                        log(format!("attempt {attempt} failed: {e:?}, backoff {backoff}"));
                        pend(backoff, ()).await;
                        backoff *= 2;
                    }
                }
            }
        }
        #[lh] async fn go(ok_at: u32, max: u32) -> Result<String, String> {
            let tag = D::new("tag");
            let mut calls = 0;
            let r = retry(async || {
                calls += 1;
                let n = pend(1, calls).await;
                if n >= ok_at { Ok(format!("{} {n}", tag.0)) } else { Err(format!("n={n}")) }
            }, max).await;
            log(format!("calls {calls}"));
            r
        }
    },
    run: async { (go(3, 5).await, go(9, 2).await) },
}

differential! {
    /// An `impl AsyncFn(u32) -> u32` parameter called in a loop and in a
    /// let-chain's operand.
    name: impl_async_fn_param_in_loop_and_chain,
    items: {
        #[lh] async fn apply(f: impl AsyncFn(u32) -> u32, xs: Vec<u32>) -> Vec<u32> {
            let _g = D::new("apply");
            let mut out = vec![];
            for x in xs {
                if let y = f(x).await && y > 2 && let z = f(y).await {
                    out.push(z);
                } else {
                    out.push(0);
                }
            }
            out
        }
        #[lh] async fn go() -> Vec<u32> {
            let k = D::new("k");
            apply(async |x| { pend(1, ()).await; x * 2 + k.0.len() as u32 }, vec![0, 1, 3]).await
        }
    },
    run: go(),
}

differential! {
    /// A closure capturing locals by reference called between awaits, a
    /// `move` closure owning a `D` called after, and one stored in a struct.
    name: closures_capturing_locals_between_awaits,
    items: {
        struct Hook<F: Fn(u32) -> u32> { f: F, _d: D }
        #[lh] async fn go(base: u32) -> (u32, u32, u32) {
            let scale = 3;
            let name = D::new("name");
            let calc = |x: u32| x * scale + base;
            let a = calc(pend(1, 1).await);
            let owned = D::new("owned");
            let tagger = move |x: u32| x + owned.touch() as u32;
            let b = tagger(pend(1, a).await);
            let h = Hook { f: |x| x + name.0.len() as u32, _d: D::new("hook") };
            pend(1, ()).await;
            let c = (h.f)(calc(b));
            (a, b, c)
        }
    },
    run: go(2),
}

differential! {
    /// An `FnMut` closure mutating a captured `Vec<D>` between awaits, then
    /// the vector read after the closure's last use.
    name: fnmut_closure_mutates_captured_vec,
    items: {
        #[lh] async fn go(names: Vec<&'static str>) -> usize {
            let mut bag: Vec<D> = vec![];
            let mut add = |n: &'static str| { bag.push(D::new(n)); bag.len() };
            let mut last = 0;
            for n in names {
                let n = pend(1, n).await;
                last = add(n);
            }
            pend(1, ()).await;
            last + bag.len()
        }
    },
    run: go(vec!["a", "b"]),
}

differential! {
    /// `impl Trait` arguments (`impl IntoIterator<Item = D>`, `impl Fn`) and a
    /// generic method with a where-clause on a struct, across awaits.
    name: impl_trait_args_and_generic_method_where,
    items: {
        struct Batcher { size: usize, _d: D }
        impl Batcher {
            #[lh] async fn run<I, F, T>(&self, items: I, f: F) -> Vec<T>
            where
                I: IntoIterator<Item = D>,
                F: Fn(&[D]) -> T,
                T: std::fmt::Debug,
            {
                let mut buf = Vec::with_capacity(self.size);
                let mut out = vec![];
                for it in items {
                    buf.push(it);
                    if buf.len() == self.size {
                        pend(1, ()).await;
                        out.push(f(&buf));
                        buf.clear();
                    }
                }
                if !buf.is_empty() { out.push(pend(1, f(&buf)).await); }
                out
            }
        }
        #[lh] async fn total(ds: impl IntoIterator<Item = D>, weigh: impl Fn(&D) -> usize) -> usize {
            let mut t = 0;
            for d in ds { t += weigh(&d); pend(1, ()).await; }
            t
        }
        #[lh] async fn go() -> (Vec<usize>, usize) {
            let b = Batcher { size: 2, _d: D::new("batcher") };
            let v = b.run(vec![D::new("a"), D::new("bb"), D::new("c")], |s| s.iter().map(|d| d.0.len()).sum()).await;
            let t = total([D::new("x"), D::new("yy")], |d| d.touch()).await;
            (v, t)
        }
    },
    run: go(),
}

differential! {
    /// A trait whose method is declared `fn get(&self, k: u32) -> impl
    /// Future<Output = Option<D>>` and implemented by a lowered `async fn`;
    /// a generic caller awaits it in a let-chain.
    name: trait_rpit_future_impl_lowered,
    items: {
        trait Store {
            fn get(&self, k: u32) -> impl std::future::Future<Output = Option<D>>;
        }
        struct Mem(Vec<&'static str>);
        impl Store for Mem {
            #[lh] async fn get(&self, k: u32) -> Option<D> {
                pend(1, ()).await;
                self.0.get(k as usize).map(|s| D::new(s))
            }
        }
        #[lh] async fn both<S: Store>(s: &S, a: u32, b: u32) -> String {
            if let Some(x) = s.get(a).await && let Some(y) = s.get(b).await {
                format!("{} {}", x.0, y.0)
            } else {
                "missing".into()
            }
        }
    },
    run: async {
        let m = Mem(vec!["p", "q"]);
        (both(&m, 0, 1).await, both(&m, 1, 5).await)
    },
}

differential! {
    /// An `async` closure stored in a local, called twice with awaits
    /// between, borrowing a `D` it captured.
    name: async_closure_local_called_twice,
    items: {
        #[lh] async fn go() -> (usize, usize) {
            let d = D::new("cap");
            let fetch = async |n: u32| -> usize {
                let t = D::new("inner");
                pend(n, ()).await;
                d.touch() + n as usize
            };
            let a = fetch(1).await;
            pend(1, ()).await;
            let b = fetch(2).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A `Box<dyn Fn(u32) -> Pin<Box<dyn Future>>>` handler table
    /// dispatched by a lowered loop.
    name: boxed_handler_table_dispatch,
    items: {
        type Handler = Box<dyn Fn(u32) -> std::pin::Pin<Box<dyn std::future::Future<Output = String>>>>;
        #[lh] async fn slow(n: u32) -> String { let _t = D::new("slow"); pend(2, ()).await; format!("slow {n}") }
        #[lh] async fn go(cmds: Vec<(usize, u32)>) -> Vec<String> {
            let table: Vec<Handler> = vec![
                Box::new(|n| Box::pin(async move { format!("fast {n}") })),
                Box::new(|n| Box::pin(slow(n))),
            ];
            let mut out = vec![];
            for (i, n) in cmds {
                let Some(h) = table.get(i) else { out.push(format!("no handler {i}")); continue; };
                out.push(h(n).await);
            }
            out
        }
    },
    run: go(vec![(0, 1), (1, 2), (5, 3), (1, 4)]),
}

// ---------------------------------------------------------------------------
// 7. State machines and protocols
// ---------------------------------------------------------------------------

known_gap! {
    reason: "s7-5 (runs differently): a `match`/`if let`/`while let` arm on a local (or parameter) whose pattern binds only `Copy` fields by value and skips the rest (`match m { (id, _) => { pend(1, ()).await; id } }`, `Msg::Data { id, .. } => reply(..).await`): nothing is moved, so rustc keeps `m` whole and drops it at the end of its scope, after the arm's awaits; longhand takes the by-value binding as a partial move and drops the rest of `m` at the arm's first suspension. First difference, dropping after 1 poll: native `[\"-- drop after 1 polls\", \"drop pend\", \"drop m\"]`, lowered `[\"drop m\", \"-- drop after 1 polls\", \"drop pend\"]`. Same family as the known `let (a, _) = q;` gap, but with no move at all and in the message-handler shape.",
    differential! {
        /// A connection handler loop: `match` on a message enum holding `D`s,
        /// per-connection state, a reply awaited per message, `break` on close.
        name: connection_handler_message_enum,
        items: {
            enum Msg { Hello(D), Data { id: u32, payload: D }, Ping, Bye(D) }
            struct Conn { authed: Option<D>, bytes: usize, replies: Vec<String> }
            #[lh] async fn reply(c: &mut Conn, s: String) { pend(1, ()).await; c.replies.push(s); }
            #[lh] async fn serve(msgs: Vec<Msg>) -> (usize, Vec<String>) {
                let mut c = Conn { authed: None, bytes: 0, replies: vec![] };
                let mut it = msgs.into_iter();
                while let Some(m) = it.next() {
                    match m {
                        Msg::Hello(who) => {
                            let prev = c.authed.replace(who);
                            reply(&mut c, format!("hello (prev {})", prev.is_some())).await;
                        }
                        Msg::Data { id, payload } if c.authed.is_some() => {
                            c.bytes += pend(1, payload.touch()).await;
                            reply(&mut c, format!("ack {id}")).await;
                        }
                        Msg::Data { id, .. } => reply(&mut c, format!("denied {id}")).await,
                        Msg::Ping => reply(&mut c, "pong".into()).await,
                        Msg::Bye(d) => {
                            reply(&mut c, format!("bye {}", d.0)).await;
                            break;
                        }
                    }
                }
                (c.bytes, c.replies)
            }
        },
        run: serve(vec![
            Msg::Data { id: 0, payload: D::new("early") },
            Msg::Hello(D::new("alice")),
            Msg::Data { id: 1, payload: D::new("p1") },
            Msg::Ping,
            Msg::Hello(D::new("bob")),
            Msg::Bye(D::new("bye")),
            Msg::Data { id: 2, payload: D::new("late") },
        ]),
    }
}

known_gap! {
    reason: "s7-5 (runs differently): a `match`/`if let`/`while let` arm on a local (or parameter) whose pattern binds only `Copy` fields by value and skips the rest (`match m { (id, _) => { pend(1, ()).await; id } }`, `Msg::Data { id, .. } => reply(..).await`): nothing is moved, so rustc keeps `m` whole and drops it at the end of its scope, after the arm's awaits; longhand takes the by-value binding as a partial move and drops the rest of `m` at the arm's first suspension. First difference, dropping after 1 poll: native `[\"-- drop after 1 polls\", \"drop pend\", \"drop m\"]`, lowered `[\"drop m\", \"-- drop after 1 polls\", \"drop pend\"]`. Same family as the known `let (a, _) = q;` gap, but with no move at all and in the message-handler shape.",
    differential! {
        /// The smallest shape of s7-5: `match m { (id, _) => { pend(1, ()).await; id } }`
        /// on a parameter.
        name: match_copy_field_binding_on_param_arm_awaits,
        items: {
            #[lh] async fn go(m: (u32, D)) -> u32 { match m { (id, _) => { pend(1, ()).await; id } } }
        },
        run: go((1, D::new("m"))),
    }
}

known_gap! {
    reason: "s7-5 (runs differently): a `match`/`if let`/`while let` arm on a local (or parameter) whose pattern binds only `Copy` fields by value and skips the rest (`match m { (id, _) => { pend(1, ()).await; id } }`, `Msg::Data { id, .. } => reply(..).await`): nothing is moved, so rustc keeps `m` whole and drops it at the end of its scope, after the arm's awaits; longhand takes the by-value binding as a partial move and drops the rest of `m` at the arm's first suspension. First difference, dropping after 1 poll: native `[\"-- drop after 1 polls\", \"drop pend\", \"drop m\"]`, lowered `[\"drop m\", \"-- drop after 1 polls\", \"drop pend\"]`. Same family as the known `let (a, _) = q;` gap, but with no move at all and in the message-handler shape.",
    differential! {
        /// s7-5 with an enum local and `Msg::Data { id, .. }`, in `match` and
        /// in `if let`.
        name: match_enum_local_copy_field_dotdot_arm_awaits,
        items: {
            enum Msg { Data { id: u32, payload: D }, Ping }
            #[lh] async fn a(k: u32) -> u32 {
                let m = Msg::Data { id: k, payload: D::new("p") };
                match m { Msg::Data { id, .. } => { pend(1, ()).await; id } Msg::Ping => 0 }
            }
            #[lh] async fn b(k: u32) -> u32 {
                let m = Msg::Data { id: k, payload: D::new("q") };
                if let Msg::Data { id, .. } = m { pend(1, ()).await; id } else { 0 }
            }
        },
        run: async { (a(1).await, b(2).await) },
    }
}

differential! {
    /// A tiny stack interpreter whose `Call` instruction awaits a host
    /// function and whose `Jz` jumps; the operand stack holds `D`-tagged
    /// values.
    name: small_interpreter_with_host_calls,
    items: {
        #[derive(Clone, Copy)]
        enum Op { Push(i64), Add, Call(u8), Jz(usize), Dup, Halt }
        #[lh] async fn host(f: u8, x: i64) -> Result<i64, String> {
            let _frame = D::new("host-frame");
            pend(1, ()).await;
            match f { 0 => Ok(x * 2), 1 => Ok(x - 1), _ => Err(format!("no host fn {f}")) }
        }
        #[lh] async fn exec(prog: Vec<Op>) -> Result<Vec<i64>, String> {
            let mut stack: Vec<(i64, D)> = vec![];
            let mut pc = 0;
            let mut steps = 0;
            while pc < prog.len() {
                steps += 1;
                if steps > 50 { return Err("too many steps".into()); }
                match prog[pc] {
                    Op::Push(v) => stack.push((v, D::new("val"))),
                    Op::Add => {
                        let (a, _da) = stack.pop().ok_or("underflow")?;
                        let (b, _db) = stack.pop().ok_or("underflow")?;
                        stack.push((a + b, D::new("sum")));
                    }
                    Op::Dup => { let v = stack.last().ok_or("empty")?.0; stack.push((v, D::new("dup"))); }
                    Op::Call(f) => {
                        let (x, d) = stack.pop().ok_or("underflow")?;
                        let y = host(f, x).await?;
                        drop(d);
                        stack.push((y, D::new("ret")));
                    }
                    Op::Jz(t) => {
                        let (v, _d) = stack.pop().ok_or("underflow")?;
                        if v == 0 { pc = t; continue; }
                    }
                    Op::Halt => break,
                }
                pc += 1;
            }
            Ok(stack.into_iter().map(|(v, _)| v).collect())
        }
    },
    run: async {
        let a = exec(vec![Op::Push(3), Op::Call(1), Op::Dup, Op::Jz(6), Op::Push(0), Op::Jz(1), Op::Halt]).await;
        let b = exec(vec![Op::Push(1), Op::Push(2), Op::Add, Op::Call(0), Op::Call(9)]).await;
        (a, b)
    },
}

differential! {
    /// A pipeline with a `Vec<D>` buffer filled by an awaited source and
    /// drained by an awaited sink in batches; `drain(..)` consumed across
    /// awaits.
    name: pipeline_vec_buffer_drained_across_awaits,
    items: {
        #[lh] async fn source(i: u32) -> Option<D> { pend(1, (i < 5).then(|| D::new(["a", "b", "c", "d", "e"][i as usize]))).await }
        #[lh] async fn sink(batch: Vec<D>) -> usize { pend(1, ()).await; batch.len() }
        #[lh] async fn go(batch: usize) -> Vec<usize> {
            let mut buf: Vec<D> = Vec::new();
            let mut sent = vec![];
            let mut i = 0;
            loop {
                let item = source(i).await;
                i += 1;
                let done = item.is_none();
                buf.extend(item);
                if buf.len() >= batch || (done && !buf.is_empty()) {
                    let chunk: Vec<D> = buf.drain(..).collect();
                    sent.push(sink(chunk).await);
                }
                if done { break; }
            }
            sent
        }
    },
    run: go(2),
}

differential! {
    /// A retry loop with exponential backoff and a deadline counter, the
    /// attempt's resources living in different scopes.
    name: retry_backoff_deadline,
    items: {
        #[lh] async fn call(attempt: u32, fail_until: u32) -> Result<D, String> {
            let _req = D::new("req");
            pend(1, ()).await;
            if attempt < fail_until { Err(format!("fail {attempt}")) } else { Ok(D::new("resp")) }
        }
        #[lh] async fn go(fail_until: u32, budget: u32) -> Result<(u32, &'static str), String> {
            let mut spent = 0;
            let mut delay = 1;
            let mut attempt = 0;
            let _client = D::new("client");
            loop {
                let err = match call(attempt, fail_until).await {
                    Ok(r) => break Ok((attempt, r.0)),
                    Err(e) => e,
                };
                attempt += 1;
                if spent + delay > budget { break Err(format!("deadline after {err}")); }
                pend(delay, ()).await;
                spent += delay;
                delay *= 2;
            }
        }
    },
    run: async { (go(2, 10).await, go(9, 5).await) },
}

differential! {
    /// A handshake state machine: an explicit `enum Phase` transitioned in
    /// a `loop` with a `match` whose arms await and replace the phase, the
    /// phases holding `D`s.
    name: handshake_phase_enum_loop,
    items: {
        enum Phase { Init, Sent(D), Acked(D, u32), Done(u32), Failed(String) }
        #[lh] async fn go(ack: Option<u32>) -> Result<u32, String> {
            let mut phase = Phase::Init;
            loop {
                phase = match phase {
                    Phase::Init => Phase::Sent(pend(1, D::new("syn")).await),
                    Phase::Sent(syn) => match pend(1, ack).await {
                        Some(n) => Phase::Acked(syn, n),
                        None => Phase::Failed(format!("no ack for {}", syn.0)),
                    },
                    Phase::Acked(syn, n) => { pend(1, ()).await; drop(syn); Phase::Done(n + 1) }
                    Phase::Done(n) => return Ok(n),
                    Phase::Failed(e) => return Err(e),
                };
                log("transition");
            }
        }
    },
    run: async { (go(Some(4)).await, go(None).await) },
}

// ---------------------------------------------------------------------------
// 8. More let-chains: positions, temporaries, cancellation
// ---------------------------------------------------------------------------

differential! {
    /// A let-chain as a call argument and as an operand of `+`, each
    /// awaiting in a condition and in a branch.
    name: let_chain_as_call_argument_and_operand,
    items: {
        fn pair(a: u32, b: u32) -> (u32, u32) { (a, b) }
        #[lh] async fn go(x: Option<u32>) -> (u32, u32) {
            let p = pair(
                if let Some(v) = x && pend(1, v > 1).await { v } else { pend(1, 0).await },
                1 + if let Some(v) = x && let w = pend(1, v * 2).await && w < 10 { w } else { 100 },
            );
            p
        }
    },
    run: async { (go(None).await, go(Some(1)).await, go(Some(3)).await, go(Some(9)).await) },
}

differential! {
    /// A let-chain in the tail of a `match` arm inside a `loop`, the arm's
    /// `else` breaking the loop with a value and the body continuing.
    name: let_chain_in_match_arm_in_loop_break_value,
    items: {
        #[lh] async fn go(events: Vec<(u8, Option<D>)>) -> (usize, &'static str) {
            let mut it = events.into_iter();
            let mut n = 0;
            let why = loop {
                let Some((kind, payload)) = it.next() else { break "eof" };
                match kind {
                    0 => if let Some(d) = payload && pend(1, d.touch() > 1).await {
                        n += 1;
                        continue;
                    } else {
                        break "bad payload";
                    },
                    1 => { pend(1, ()).await; }
                    _ => break "unknown",
                }
            };
            (n, why)
        }
    },
    run: async {
        let a = go(vec![(0, Some(D::new("aa"))), (1, None), (0, Some(D::new("bb")))]).await;
        let b = go(vec![(0, Some(D::new("aa"))), (0, Some(D::new("b"))), (0, Some(D::new("cc")))]).await;
        let c = go(vec![(1, Some(D::new("x"))), (7, None)]).await;
        (a, b, c)
    },
}

differential! {
    /// A chain that `return`s from its `else` while bindings of an outer
    /// chain are alive, in a function returning `Result`.
    name: let_chain_return_from_else_inside_outer_chain,
    items: {
        #[lh] async fn go(a: Option<D>, b: Result<D, String>) -> Result<usize, String> {
            let _g = D::new("g");
            if let Some(x) = a && pend(1, x.touch() > 0).await {
                let inner = if let Ok(y) = b && let n = pend(1, y.touch()).await && n > 1 {
                    n
                } else {
                    return Err(pend(1, format!("inner failed with {}", x.0)).await);
                };
                Ok(inner + x.touch())
            } else {
                Ok(0)
            }
        }
    },
    run: async {
        (
            go(None, Ok(D::new("yy"))).await,
            go(Some(D::new("x")), Ok(D::new("y"))).await,
            go(Some(D::new("x")), Err("e".into())).await,
            go(Some(D::new("x")), Ok(D::new("yy"))).await,
        )
    },
}

differential! {
    /// The smallest shape of s7-6.
    name: let_chain_value_else_returns_awaited_then_operator,
    items: {
        #[lh] async fn go(b: Option<u32>) -> u32 {
            let inner = if let Some(y) = b && pend(1, y > 1).await { y } else { return pend(1, 0).await };
            inner + 1
        }
    },
    run: async { (go(None).await, go(Some(1)).await, go(Some(2)).await) },
}

differential! {
    /// A chain over a `HashMap`-like lookup: `if let Some(v) = map.get(&k)
    /// && let Some(w) = fetch(v).await`, the map mutated in the `else`.
    name: let_chain_map_get_then_mutate_in_else,
    items: {
        #[lh] async fn fetch(v: &D) -> Option<usize> { pend(1, (v.0.len() > 1).then(|| v.0.len())).await }
        #[lh] async fn go(keys: Vec<u32>) -> (Vec<usize>, usize) {
            let mut map = std::collections::BTreeMap::new();
            map.insert(1, D::new("a"));
            map.insert(2, D::new("bb"));
            let mut out = vec![];
            for k in keys {
                if let Some(v) = map.get(&k) && let Some(w) = fetch(v).await {
                    out.push(w);
                } else {
                    map.insert(k, D::new("ins"));
                    pend(1, ()).await;
                }
            }
            (out, map.len())
        }
    },
    run: go(vec![1, 2, 3, 2, 3]),
}

differential! {
    /// `while let` chain with `ref mut` into a local `Option` and an awaited
    /// operand that reads it, the option emptied in the body.
    name: while_let_chain_ref_mut_option_emptied,
    items: {
        #[lh] async fn go(mut cur: Option<Vec<D>>) -> Vec<&'static str> {
            let mut out = vec![];
            while let Some(ref mut v) = cur && pend(1, !v.is_empty()).await {
                let d = v.pop().unwrap();
                out.push(d.0);
                if d.0 == "last" { cur = None; }
            }
            out
        }
    },
    run: async { (go(Some(vec![D::new("last"), D::new("b"), D::new("a")])).await, go(Some(vec![D::new("x")])).await, go(None).await) },
}

differential! {
    /// A let-chain whose awaited operand is a method call on a binding
    /// (`conn.ready().await`) with a `self`-borrowing async method, then the
    /// binding moved in the body.
    name: let_chain_method_on_binding_then_moved,
    items: {
        struct Conn(D, u32);
        impl Conn {
            #[lh] async fn ready(&self) -> bool { pend(1, self.1 > 0).await }
        }
        #[lh] async fn finish(c: Conn) -> u32 { pend(1, ()).await; c.1 }
        #[lh] async fn go(c: Option<Conn>) -> u32 {
            if let Some(conn) = c && conn.ready().await {
                let n = finish(conn).await;
                n + 1
            } else {
                0
            }
        }
    },
    run: async { (go(None).await, go(Some(Conn(D::new("c0"), 0))).await, go(Some(Conn(D::new("c1"), 5))).await) },
}

differential! {
    /// A chain with `let _ = ..` and `let _x = ..` parts (one dropped at
    /// once, one kept) between awaits.
    name: let_chain_wildcard_and_underscore_bindings,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            if let Some(a) = pend(1, Some(k)).await && let _ = D::new("wild") && let _keep = D::new("keep") && pend(1, a > 1).await {
                log("body");
                pend(1, ()).await;
                a
            } else {
                0
            }
        }
    },
    run: async { (go(1).await, go(2).await) },
}

differential! {
    /// The smallest shape of s7-7: `let _ = D::new("wild") && k > 1` with an
    /// await in the body.
    name: let_chain_wildcard_temporary_body_awaits,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            if let _ = D::new("wild") && k > 1 { pend(1, ()).await; log("body"); 1 } else { 0 }
        }
    },
    run: async { (go(1).await, go(2).await) },
}

differential! {
    /// s7-7 after an awaited first operand: `pend(1, k > 1).await && let _ =
    /// D::new("wild")`, the body awaiting.
    name: let_chain_awaited_bool_then_wildcard_temporary,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            if pend(1, k > 1).await && let _ = D::new("wild") { log("body"); pend(1, ()).await; 1 } else { 0 }
        }
    },
    run: async { (go(1).await, go(2).await) },
}

differential! {
    /// A `while let` chain that awaits in the first operand's scrutinee
    /// (`rx.recv().await`) and matches a `Result` in the second `let`.
    name: while_let_chain_recv_then_parse,
    items: {
        struct Rx(Vec<&'static str>, D);
        impl Rx {
            #[lh] async fn recv(&mut self) -> Option<String> { pend(1, ()).await; self.0.pop().map(String::from) }
        }
        #[lh] async fn go(lines: Vec<&'static str>) -> (Vec<u32>, usize) {
            let mut rx = Rx(lines, D::new("rx"));
            let mut got = vec![];
            while let Some(line) = rx.recv().await && let Ok(n) = line.trim().parse::<u32>() {
                let _t = D::new("line");
                got.push(pend(1, n).await);
            }
            (got, rx.0.len())
        }
    },
    run: async { (go(vec!["9", "x", "2", " 1"]).await, go(vec![]).await) },
}

differential! {
    /// A chain in a `match` guard's place: the arm body is a chain over the
    /// arm's bindings, for a `Result<Option<D>, String>` scrutinee awaited.
    name: let_chain_over_arm_bindings,
    items: {
        #[lh] async fn load(k: u32) -> Result<Option<D>, String> {
            pend(1, match k { 0 => Err("zero".into()), 1 => Ok(None), _ => Ok(Some(D::new("val"))) }).await
        }
        #[lh] async fn go(k: u32) -> String {
            match load(k).await {
                Ok(opt) => if let Some(d) = opt && let n = pend(1, d.touch()).await && n == k as usize {
                    format!("match {}", d.0)
                } else {
                    "no match".into()
                },
                Err(e) => e,
            }
        }
    },
    run: async { (go(0).await, go(1).await, go(2).await, go(3).await) },
}

// ---------------------------------------------------------------------------
// 9. Awaits in every expression position
// ---------------------------------------------------------------------------

differential! {
    /// Awaits in a struct literal, an index, a method chain receiver and
    /// arguments, a binary op and a `match` scrutinee, with temporaries.
    name: awaits_in_expression_positions,
    items: {
        #[derive(Debug)]
        struct Row { id: u32, name: String, score: i64 }
        #[lh] async fn go(v: Vec<i64>) -> (Row, i64, usize) {
            let _g = D::new("g");
            let row = Row {
                id: pend(1, 7).await,
                name: pend(1, "row").await.to_uppercase(),
                score: v[pend(1, 1usize).await] * pend(1, 2).await,
            };
            let s = match pend(1, v.len()).await { 0 => -1, n => v[n - 1] + pend(1, 100).await };
            let n = pend(1, vec![1, 2, 3]).await.iter().map(|x| x * 2).filter(|x| *x > pend_sync(2)).count();
            (row, s, n)
        }
        fn pend_sync(x: i32) -> i32 { x }
    },
    run: go(vec![5, 6, 7]),
}

differential! {
    /// Awaits as block tails in `if`/`else` used as arguments, and in a
    /// labeled block's `break` value.
    name: awaits_as_block_tails_and_break_values,
    items: {
        fn add(a: u32, b: u32) -> u32 { a + b }
        #[lh] async fn go(c: bool) -> u32 {
            let x = add({ let _t = D::new("t1"); pend(1, 1).await }, if c { pend(1, 10).await } else { 20 });
            let y = 'b: {
                if x > 15 { break 'b pend(1, x * 2).await; }
                let _u = D::new("u");
                pend(1, x).await
            };
            x + y
        }
    },
    run: async { (go(true).await, go(false).await) },
}

differential! {
    /// An awaited value compared in a `while` condition and the loop body
    /// using `&&`/`||` with awaits on the right side (short-circuit).
    name: short_circuit_awaits_in_conditions,
    items: {
        #[lh] async fn go(v: Vec<u32>) -> (u32, u32) {
            let mut i = 0;
            let mut hits = 0;
            while i < v.len() && pend(1, v[i] != 0).await {
                if v[i].is_multiple_of(2) || pend(1, v[i] > 4).await { hits += 1; }
                if v[i] > 100 && { let _t = D::new("never"); pend(1, true).await } { hits += 100; }
                i += 1;
            }
            (i as u32, hits)
        }
    },
    run: go(vec![2, 3, 5, 0, 9]),
}

differential! {
    /// Shadowing a `D` local with awaited values of other types, the
    /// shadowed one living to the end of the scope.
    name: shadowing_across_awaits_drop_order,
    items: {
        #[lh] async fn go() -> String {
            let x = D::new("x1");
            let x = (x, pend(1, 2).await);
            let x = { let (d, n) = x; pend(1, ()).await; (n, D::new("x2"), d) };
            let y = D::new("y");
            let x = pend(1, format!("{} {}", x.0, x.1 .0)).await;
            x
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 10. More dead borrows and scopes
// ---------------------------------------------------------------------------

differential! {
    /// `Vec::last_mut` then `if let` on it, then the vector pushed in the
    /// same iteration, the loop awaiting at the end; also with `first_mut`.
    name: dead_borrow_last_mut_if_let_then_push,
    items: {
        #[lh] async fn go(xs: Vec<u32>) -> Vec<u32> {
            let mut runs: Vec<u32> = vec![];
            let _g = D::new("g");
            for x in xs {
                if let Some(last) = runs.last_mut() && *last == x {
                    *last += 0;
                    log("same");
                } else {
                    runs.push(x);
                }
                if let Some(f) = runs.first_mut() { *f += 1; }
                runs.push(0);
                runs.pop();
                pend(1, ()).await;
            }
            runs
        }
    },
    run: go(vec![1, 1, 2, 3, 3]),
}

differential! {
    /// A `&mut` from `HashMap::entry(..).or_default()` kept in a local, the
    /// map used again in a branch that awaits, the `&mut` dead by then.
    name: dead_borrow_entry_or_default_branch_await,
    items: {
        #[lh] async fn go(ops: Vec<(&'static str, u32)>) -> Vec<(&'static str, u32)> {
            let mut m: std::collections::BTreeMap<&'static str, u32> = Default::default();
            for (k, v) in ops {
                let slot = m.entry(k).or_default();
                *slot += v;
                let big = *slot > 5;
                if big {
                    m.remove(k);
                    pend(1, ()).await;
                    log(format!("evicted {k}"));
                } else if m.len() > 1 {
                    pend(2, ()).await;
                }
            }
            m.into_iter().collect()
        }
    },
    run: go(vec![("a", 1), ("b", 2), ("a", 9), ("c", 1)]),
}

differential! {
    /// A guard struct holding a `D` and `&mut u32` counter (no `Drop` impl),
    /// the counter read after its last use, then awaits; in a `match` arm.
    name: dead_borrow_struct_guard_in_match_arm,
    items: {
        struct Tick<'a> { _d: D, n: &'a mut u32 }
        #[lh] async fn go(ks: Vec<u8>) -> u32 {
            let mut count = 0;
            for k in ks {
                match k {
                    0 => {
                        let t = Tick { _d: D::new("tick"), n: &mut count };
                        *t.n += 1;
                        log(format!("count {count}"));
                        pend(1, ()).await;
                    }
                    _ => pend(1, ()).await,
                }
            }
            count
        }
    },
    run: go(vec![0, 1, 0]),
}

differential! {
    /// `Option::as_mut` and `as_deref_mut` views used, the option replaced,
    /// then awaits.
    name: dead_borrow_option_as_mut_then_replace,
    items: {
        #[lh] async fn go(mut cur: Option<Vec<D>>) -> usize {
            let view = cur.as_mut();
            let n = view.map_or(0, |v| { v.push(D::new("added")); v.len() });
            let old = cur.replace(vec![]);
            pend(1, ()).await;
            let s = cur.as_deref_mut().map_or(0, |s| s.len());
            pend(1, ()).await;
            n + s + old.map_or(0, |v| v.len())
        }
    },
    run: async { (go(None).await, go(Some(vec![D::new("a")])).await) },
}

differential! {
    /// The working neighbours of s7-6 and s7-7: a `let` value from an `if`
    /// whose condition awaits and whose `else` returns an awaited value, a
    /// `match` doing the same, and `if let _ = D::new(..)` / `match
    /// D::new(..) { _ => .. }` with an await in the body.
    name: else_return_awaited_and_wildcard_scrutinee_neighbours,
    items: {
        #[lh] async fn a(c: bool) -> u32 { let inner = if pend(1, c).await { 1 } else { return pend(1, 0).await }; inner + 1 }
        #[lh] async fn b(o: Option<u32>) -> u32 { let inner = match o { Some(y) => y, None => return pend(1, 0).await }; inner + 1 }
        #[lh] async fn c(k: u32) -> u32 { if let _ = D::new("wild") { pend(1, ()).await; log("body"); k } else { 0 } }
        #[lh] async fn d(k: u32) -> u32 { match D::new("wild2") { _ => { pend(1, ()).await; log("body"); k } } }
    },
    run: async { (a(true).await, a(false).await, b(Some(3)).await, b(None).await, c(1).await, d(2).await) },
}

// ---------------------------------------------------------------------------
// 11. Panics, async closures over shared state, more protocols
// ---------------------------------------------------------------------------

differential! {
    /// A panic in the middle of a loop over a `Vec<D>` being drained, with a
    /// span guard and an awaitee alive in another local.
    name: panic_mid_drain_with_guards,
    items: {
        #[lh] async fn go(mut v: Vec<D>) -> usize {
            let _span = D::new("span");
            let mut n = 0;
            for d in v.drain(..) {
                let got = pend(1, d.touch()).await;
                if got > 3 { panic!("too long: {}", d.0); }
                n += got;
            }
            n
        }
    },
    run: async { (go(vec![D::new("a"), D::new("bb")]).await, go(vec![D::new("a"), D::new("long!"), D::new("c")]).await) },
}

differential! {
    /// A panic while a `RefCell::borrow_mut` guard is held across an await;
    /// the unwind drops the guard and the pushed value in rustc's order.
    name: panic_while_refcell_borrowed_after_await,
    items: {
        #[lh] async fn go(c: std::rc::Rc<std::cell::RefCell<Vec<D>>>, fail: bool) -> usize {
            let mut b = c.borrow_mut();
            b.push(pend(1, D::new("pushed")).await);
            if fail { panic!("failed with {} items", b.len()); }
            b.len()
        }
    },
    run: async {
        let c = std::rc::Rc::new(std::cell::RefCell::new(vec![D::new("seed")]));
        let a = go(c.clone(), false).await;
        let b = go(c.clone(), true).await;
        (a, b)
    },
}

differential! {
    /// An async closure over `Rc<RefCell<..>>` shared state, passed as `impl
    /// AsyncFnMut`, called in a `while let` chain.
    name: async_closure_shared_state_in_while_let_chain,
    items: {
        #[lh] async fn drain(mut next: impl AsyncFnMut() -> Option<D>, limit: usize) -> Vec<&'static str> {
            let mut out = vec![];
            while let Some(d) = next().await && out.len() < limit {
                out.push(d.0);
            }
            out
        }
        #[lh] async fn go(limit: usize) -> (Vec<&'static str>, usize) {
            let q = std::rc::Rc::new(std::cell::RefCell::new(vec![D::new("c"), D::new("b"), D::new("a")]));
            let q2 = q.clone();
            let out = drain(async move || { pend(1, ()).await; q2.borrow_mut().pop() }, limit).await;
            let left = q.borrow().len();
            (out, left)
        }
    },
    run: async { (go(2).await, go(9).await) },
}

differential! {
    /// A rate limiter with a token bucket refilled on awaits, requests held
    /// in a `VecDeque<D>` and admitted in a `while let` chain.
    name: token_bucket_admits_in_while_let_chain,
    items: {
        struct Bucket { tokens: u32, refills: u32 }
        impl Bucket {
            #[lh] async fn refill(&mut self) { pend(1, ()).await; self.tokens += 1; self.refills += 1; }
            fn take(&mut self) -> bool { if self.tokens > 0 { self.tokens -= 1; true } else { false } }
        }
        #[lh] async fn go(reqs: Vec<D>) -> (Vec<&'static str>, u32) {
            let mut q: std::collections::VecDeque<D> = reqs.into();
            let mut b = Bucket { tokens: 1, refills: 0 };
            let mut admitted = vec![];
            loop {
                while let Some(front) = q.front() && b.take() {
                    log(format!("admit {}", front.0));
                    let r = q.pop_front().unwrap();
                    admitted.push(pend(1, r.0).await);
                }
                if q.is_empty() || b.refills >= 3 { break; }
                b.refill().await;
            }
            (admitted, b.refills)
        }
    },
    run: go(vec![D::new("r1"), D::new("r2"), D::new("r3"), D::new("r4"), D::new("r5")]),
}

differential! {
    /// A framed-protocol parser: a byte buffer filled by awaited reads, frames
    /// split off with `drain(..n)`, a `match` on the frame kind that awaits,
    /// and an error on a bad header.
    name: framed_protocol_parser,
    items: {
        #[lh] async fn read(chunks: &mut Vec<Vec<u8>>) -> Option<Vec<u8>> { pend(1, ()).await; if chunks.is_empty() { None } else { Some(chunks.remove(0)) } }
        #[lh] async fn go(mut chunks: Vec<Vec<u8>>) -> Result<Vec<String>, String> {
            let _conn = D::new("conn");
            let mut buf: Vec<u8> = vec![];
            let mut out = vec![];
            loop {
                while buf.len() >= 2 && buf.len() >= 2 + buf[1] as usize {
                    let frame: Vec<u8> = buf.drain(..2 + buf[1] as usize).collect();
                    match frame[0] {
                        b'T' => out.push(pend(1, String::from_utf8_lossy(&frame[2..]).into_owned()).await),
                        b'N' => { let _n = D::new("num"); out.push(format!("{}", pend(1, frame[2..].iter().map(|b| *b as u32).sum::<u32>()).await)); }
                        other => return Err(format!("bad kind {other}")),
                    }
                }
                let Some(c) = read(&mut chunks).await else { break };
                buf.extend(c);
            }
            if !buf.is_empty() { return Err(format!("{} trailing bytes", buf.len())); }
            Ok(out)
        }
    },
    run: async {
        let a = go(vec![vec![b'T', 2, b'h'], vec![b'i', b'N', 3, 1, 2], vec![3]]).await;
        let b = go(vec![vec![b'T', 1, b'x', b'Z', 0]]).await;
        let c = go(vec![vec![b'T', 5, b'a']]).await;
        (a, b, c)
    },
}

differential! {
    /// A scheduler that pops the next job from a `BinaryHeap` in a let-chain
    /// with an awaited readiness check (a job not ready yet is dropped with
    /// its chain), the `else if` peeking at the next one.
    name: scheduler_heap_let_chain_requeue,
    items: {
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        struct Job(u32, &'static str);
        #[lh] async fn ready(j: &Job, tick: u32) -> bool { pend(1, j.0 <= tick).await }
        #[lh] async fn go(jobs: Vec<Job>) -> Vec<(u32, &'static str)> {
            let mut heap: std::collections::BinaryHeap<std::cmp::Reverse<Job>> = jobs.into_iter().map(std::cmp::Reverse).collect();
            let mut done = vec![];
            let mut tick = 0;
            let _sched = D::new("sched");
            while tick < 6 {
                if let Some(std::cmp::Reverse(job)) = heap.pop() && ready(&job, tick).await {
                    done.push((tick, job.1));
                } else if let Some(std::cmp::Reverse(job)) = heap.peek() {
                    log(format!("waiting for {}", job.1));
                    tick += 1;
                } else {
                    break;
                }
            }
            done
        }
    },
    run: go(vec![Job(2, "b"), Job(0, "a"), Job(3, "c")]),
}

// ---------------------------------------------------------------------------
// 12. Dead borrows beside destructors, under Miri
// ---------------------------------------------------------------------------

differential! {
    /// A struct holding a `D` and `&mut Vec<D>` made in each iteration, the
    /// vector pushed to after its last use, then an awaited method on the
    /// vector's owner; the struct drops at the end of the iteration.
    name: dead_borrow_struct_then_owner_awaited_method,
    items: {
        struct Cursor<'a> { _tag: D, items: &'a mut Vec<D> }
        struct Owner { items: Vec<D> }
        impl Owner {
            #[lh] async fn settle(&mut self) -> usize { pend(1, ()).await; self.items.len() }
        }
        #[lh] async fn go(n: u32) -> Vec<usize> {
            let mut o = Owner { items: vec![] };
            let mut out = vec![];
            for _ in 0..n {
                let c = Cursor { _tag: D::new("cursor"), items: &mut o.items };
                c.items.push(D::new("via-cursor"));
                o.items.push(D::new("direct"));
                out.push(o.settle().await);
            }
            out
        }
    },
    run: go(2),
}

differential! {
    /// `get_or_insert_with` on a field of `self` inside a `&mut self` async
    /// method, the field replaced, then `self` awaited again.
    name: dead_borrow_field_get_or_insert_then_self_awaits,
    items: {
        struct Svc { conn: Option<D>, calls: u32 }
        impl Svc {
            #[lh] async fn ping(&mut self) -> u32 { pend(1, ()).await; self.calls += 1; self.calls }
            #[lh] async fn call(&mut self) -> (usize, u32) {
                let c = self.conn.get_or_insert_with(|| D::new("conn"));
                let n = c.touch();
                if self.calls > 0 { self.conn = None; }
                let a = self.ping().await;
                let b = self.ping().await;
                (n, a + b)
            }
        }
        #[lh] async fn go() -> ((usize, u32), (usize, u32)) {
            let mut s = Svc { conn: None, calls: 0 };
            let a = s.call().await;
            let b = s.call().await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A `&mut D` from `iter_mut().find(..)` used, the vector sorted, then
    /// an await borrowing the vector.
    name: dead_borrow_iter_mut_find_then_await_borrowing_owner,
    items: {
        #[lh] async fn count(v: &[D]) -> usize { pend(1, ()).await; v.len() }
        #[lh] async fn go(mut v: Vec<D>) -> (usize, usize) {
            let hit = v.iter_mut().find(|d| d.0.starts_with('b'));
            let n = hit.map_or(0, |d| d.touch());
            v.sort_by_key(|d| d.0);
            let c = count(&v).await;
            (n, c)
        }
    },
    run: go(vec![D::new("c"), D::new("b1"), D::new("a")]),
}

differential! {
    /// A `Vec<&mut D>` of views into a local, used, the local pushed to,
    /// then an await, in a `match` arm.
    name: dead_borrow_vec_of_mut_views_then_await,
    items: {
        #[lh] async fn go(mut v: Vec<D>, k: u8) -> usize {
            match k {
                0 => {
                    let views: Vec<&mut D> = v.iter_mut().collect();
                    let n: usize = views.iter().map(|d| d.touch()).sum();
                    v.push(D::new("new"));
                    pend(1, n).await + v.len()
                }
                _ => pend(1, v.len()).await,
            }
        }
    },
    run: async { (go(vec![D::new("a"), D::new("bb")], 0).await, go(vec![D::new("z")], 1).await) },
}
