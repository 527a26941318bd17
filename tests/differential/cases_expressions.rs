//! `.await` in every expression position, and evaluation order around it.

use crate::harness::*;

differential! {
    /// `.await` in `let` initializers, with a `D` alive across both awaits.
    name: await_in_let_init,
    items: {
        #[lh] async fn f(a: u32) -> u32 {
            let d = D::new("d");
            let x = pend(1, a).await;
            log(format!("x = {x}"));
            let y = pend(2, x * 2).await;
            d.touch();
            x + y
        }
    },
    run: f(3),
}

differential! {
    /// `.await` in an `if` condition, both outcomes.
    name: await_in_if_condition,
    items: {
        #[lh] async fn f(n: u32) -> &'static str {
            if pend(1, n).await > 2 {
                log("big");
                pend(1, "big").await
            } else {
                log("small");
                "small"
            }
        }
    },
    run: async { (f(1).await, f(5).await) },
}

differential! {
    /// `.await` in a `while` condition.
    name: await_in_while_condition,
    items: {
        #[lh] async fn f() -> u32 {
            let mut i = 0;
            while pend(1, i).await < 3 {
                log(format!("body {i}"));
                i += 1;
            }
            i
        }
    },
    run: f(),
}

differential! {
    /// `.await` in a `match` scrutinee and in the arms.
    name: await_in_match_scrutinee_and_arms,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            match pend(1, n % 3).await {
                0 => pend(0, 100).await,
                1 => {
                    let d = D::new("arm1");
                    let v = pend(2, 10).await;
                    d.touch();
                    v
                }
                _ => 7,
            }
        }
    },
    run: async { (f(3).await, f(4).await, f(5).await) },
}

differential! {
    /// `f(a(), b().await)`: `a()` is evaluated (and logged) before the await.
    name: call_argument_order,
    items: {
        fn combine(x: u32, y: u32, z: u32) -> u32 {
            log(format!("combine {x} {y} {z}"));
            x * 100 + y * 10 + z
        }
        #[lh] async fn b(v: u32) -> u32 {
            log("b start");
            let v = pend(1, v).await;
            log("b end");
            v
        }
        #[lh] async fn f() -> u32 {
            combine(val("a", 1), b(2).await, val("c", 3))
        }
    },
    run: f(),
}

differential! {
    /// `.await` in method arguments; the receiver is a plain local place.
    name: method_argument_await,
    items: {
        struct Acc(Vec<u32>);
        impl Acc {
            fn add(&mut self, a: u32, b: u32) -> &mut Self {
                log(format!("add {a} {b}"));
                self.0.push(a + b);
                self
            }
        }
        #[lh] async fn f() -> Vec<u32> {
            let mut acc = Acc(Vec::new());
            acc.add(val("first", 1), pend(1, 2).await);
            acc.add(pend(2, 3).await, val("second", 4))
                .add(5, pend(0, 6).await);
            acc.0
        }
    },
    run: f(),
}

known_gap! {
    reason: "awaiting a by-value `self` method on the result of an await: longhand cannot tell `self` from `&self` without types, and takes the receiver as borrowed; braces say it is moved (`{ a.await }.consume().await`, the case `by_value_receivers_in_braces`)",
    differential! {
        /// Method chains `x.f().await.g().await` over async methods taking `self`.
        name: method_chain,
        items: {
            #[derive(Debug)]
            struct Chain(Vec<u32>);
            impl Chain {
                #[lh] async fn step(mut self, n: u32) -> Chain {
                    log(format!("step {n}"));
                    self.0.push(pend(n % 2, n).await);
                    self
                }
                #[lh] async fn finish(self) -> u32 {
                    pend(1, ()).await;
                    self.0.iter().sum()
                }
            }
            #[lh] async fn f() -> u32 {
                Chain(vec![]).step(1).await.step(2).await.step(3).await.finish().await
            }
        },
        run: f(),
    }
}

differential! {
    /// Async methods taking `self` by value, awaited on the result of an
    /// await and on a named local: braces around the receiver say it is
    /// moved (valid Rust, the same natively), with values alive around it.
    name: by_value_receivers_in_braces,
    items: {
        struct Resp(D, u32);
        impl Resp {
            #[lh] async fn finish(self) -> String {
                pend(1, ()).await;
                format!("{}:{}", (self.0).0, self.1)
            }
            #[lh] async fn peek(&self) -> u32 {
                pend(1, self.1).await
            }
        }
        #[lh] async fn get(n: u32) -> Resp {
            Resp(D::new("resp"), pend(1, n).await)
        }
        #[lh] async fn f() -> (String, String, u32) {
            let _before = D::new("before");
            let a = { get(1).await }.finish().await;
            let r = get(2).await;
            let n = r.peek().await;
            let b = { r }.finish().await;
            let _after = D::new("after");
            (a, b, n + pend(1, 3).await)
        }
    },
    run: f(),
}

differential! {
    /// The response methods of HTTP clients that take `self` (`text`,
    /// `json`, `bytes`), awaited on a named local and on the result of an
    /// `.await?` (`get(url).await?.json().await?`): the response is moved
    /// into the awaitee. A `&self` method on an awaited connection
    /// (`pool.get().await?.query(..).await`) keeps it to the end of the
    /// statement.
    name: awaited_response_methods_taking_self,
    items: {
        struct Resp(D, u32);
        impl Resp {
            #[lh] async fn text(self) -> Result<String, ()> {
                pend(1, ()).await;
                Ok(format!("{}:{}", (self.0).0, self.1))
            }
            #[lh] async fn json(self) -> Result<u32, ()> {
                pend(1, self.1 * 10).await.checked_sub(1).ok_or(())
            }
            #[lh] async fn bytes(self) -> Result<Vec<u8>, ()> {
                Ok(vec![pend(1, self.1 as u8).await])
            }
        }
        struct Conn(D);
        impl Conn {
            #[lh] async fn query(&self, q: &str) -> usize {
                pend(1, q.len() + self.0.touch()).await
            }
        }
        #[lh] async fn get(n: u32) -> Result<Resp, ()> {
            if n == 0 { return Err(()); }
            Ok(Resp(D::new("resp"), pend(1, n).await))
        }
        #[lh] async fn connect() -> Result<Conn, ()> {
            Ok(Conn(D::new("conn")))
        }
        #[lh] async fn f(n: u32) -> Result<(String, u32, Vec<u8>, usize), ()> {
            let resp = get(n).await?;
            let _mid = D::new("mid");
            let a = resp.text().await?;
            let b = get(n + 1).await?.json().await?;
            let c = get(n + 2).await?.bytes().await?;
            let d = connect().await?.query("select").await + val("after query", 1);
            Ok((a, b, c, d))
        }
    },
    run: async { (f(0).await, f(1).await) },
}

differential! {
    /// Arithmetic operators: operands left to right around awaits.
    name: binary_operator_order,
    items: {
        #[lh] async fn f() -> i64 {
            let a = val("a", 10) + pend(1, 20).await * val("b", 3) - pend(2, 5).await;
            let b = -(pend(1, 4i64).await) + (pend(0, 7u8).await as i64);
            a + b
        }
    },
    run: f(),
}

differential! {
    /// `&&` / `||` short-circuit: the right side is neither evaluated nor awaited.
    name: short_circuit_and_or,
    items: {
        #[lh] async fn cond(name: &'static str, v: bool) -> bool {
            log(format!("cond {name}"));
            pend(1, v).await
        }
        #[lh] async fn f() -> (bool, bool, bool, bool) {
            let a = cond("a1", false).await && cond("a2", true).await;
            let b = cond("b1", true).await && cond("b2", true).await;
            let c = cond("c1", true).await || cond("c2", false).await;
            let d = cond("d1", false).await || cond("d2", true).await;
            (a, b, c, d)
        }
    },
    run: f(),
}

differential! {
    /// `&&` / `||` whose left side is a plain local (or an expression over
    /// locals) and whose right side awaits, in `let`s, `if` and `while`
    /// conditions and a let-chain: resumed in the right side, the value is
    /// the right side's, and the locals are neither read again nor kept.
    name: short_circuit_after_a_local,
    items: {
        #[lh] async fn f(c: bool, n: u32) -> (bool, bool, u32, u32) {
            let a = c && pend(1, n > 1).await;
            let b = !c || pend(2, n > 2).await;
            let i = if c && pend(1, true).await { 1 } else { 2 };
            let mut j = 0;
            while j < n && pend(1, j % 3 != 2).await {
                j += 1;
            }
            let k = if n > 0 && let Some(v) = pend(1, Some(n * 10)).await { v + 1 } else { 0 };
            (a, b, i + j, k)
        }
    },
    run: async { (f(true, 4).await, f(false, 0).await, f(true, 1).await) },
}

differential! {
    /// Struct, tuple and array literals with awaited fields.
    name: aggregate_literals,
    items: {
        struct P { x: u32, y: u32, d: D }
        #[lh] async fn f() -> (u32, u32, usize, (u32, D, u32), [u32; 3]) {
            let p = P { x: val("x", 1), d: D::new("in p"), y: pend(1, 2).await };
            let t = (pend(1, 3).await, D::new("in t"), val("t2", 4));
            let a = [val("a0", 5), pend(2, 6).await, pend(0, 7).await];
            (p.x, p.y, p.d.touch(), t, a)
        }
    },
    run: f(),
}

differential! {
    /// Indexing with an awaited index, and assigning through an index.
    name: index_with_await,
    items: {
        #[lh] async fn f() -> (u32, Vec<u32>) {
            let mut v = vec![10, 20, 30];
            let x = v[pend(1, 2).await];
            v[pend(1, 0).await] = pend(1, 99).await;
            v[1] += pend(0, 5).await;
            (x, v)
        }
    },
    run: f(),
}

differential! {
    /// Assignment and compound assignment with an awaited right-hand side.
    name: assignment_and_compound,
    items: {
        struct S { n: u32, d: D }
        #[lh] async fn f() -> (u32, u32) {
            let mut x = 1;
            x = pend(1, x + 4).await;
            x += pend(2, 10).await;
            x *= pend(0, 2).await;
            let mut s = S { n: 1, d: D::new("first") };
            s.n += pend(1, 6).await;
            s.d = pend(1, D::new("second")).await;
            s.d.touch();
            (x, s.n)
        }
    },
    run: f(),
}

differential! {
    /// `.await` in block tails (a block expression and the body's tail).
    name: block_tail_await,
    items: {
        #[lh] async fn f() -> u32 {
            let y = {
                let d = D::new("block");
                log("in block");
                d.touch();
                pend(1, 3).await
            };
            log(format!("y = {y}"));
            pend(1, y + 1).await
        }
    },
    run: f(),
}

differential! {
    /// `return x.await` early and at the end.
    name: return_await,
    items: {
        #[lh] async fn f(early: bool) -> u32 {
            let _d = D::new("local");
            if early {
                return pend(1, 1).await;
            }
            log("late");
            pend(2, 2).await
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Nested awaits `g(h().await).await`.
    name: nested_awaits,
    items: {
        #[lh] async fn double(x: u32) -> u32 {
            log(format!("double {x}"));
            pend(1, x * 2).await
        }
        #[lh] async fn f() -> u32 {
            double(double(pend(1, 3).await).await).await
        }
    },
    run: f(),
}

differential! {
    /// A future stored in a local and awaited later; another dropped unawaited.
    name: stored_future_await,
    items: {
        #[lh] async fn f() -> u32 {
            let fut = pend(2, 7);
            let unused = pend(1, 8);
            let d = D::new("between");
            log("created");
            let v = fut.await;
            d.touch();
            drop(unused);
            let later = pend(1, D::new("payload"));
            pend(1, ()).await;
            let p = later.await;
            p.touch();
            v
        }
    },
    run: f(),
}

differential! {
    /// `.await` in an `if let` scrutinee, and a reference to an awaited value
    /// (`&x.await`, a temporary extended to the enclosing block) used later.
    name: if_let_and_refs,
    items: {
        #[lh] async fn f(o: Option<u32>) -> u32 {
            let r = &pend(1, 5).await;
            if let Some(v) = pend(1, o).await {
                log(format!("some {v}"));
                *r + pend(1, v).await
            } else {
                *r
            }
        }
    },
    run: async { (f(Some(2)).await, f(None).await) },
}

differential! {
    /// Awaiting inside a method-call receiver position: `pend(..).await.method()`.
    name: await_as_receiver,
    items: {
        #[lh] async fn f() -> usize {
            let n = pend(1, D::new("recv")).await.touch();
            let s = pend(1, String::from("abc")).await.len();
            n + s + pend(1, vec![1, 2]).await.len()
        }
    },
    run: f(),
}

differential! {
    /// `.await` among a macro's arguments: `format!`, `vec!`, `assert_eq!`,
    /// with evaluation order and a format string's implicit captures.
    name: awaits_inside_macro_arguments,
    items: {
        #[lh] async fn f(name: &'static str) -> (String, Vec<u32>) {
            let greeting = format!("{}, {name}: {}", val("hi", 1), pend(1, 2).await);
            let v = vec![val("first", 10), pend(2, 20).await, pend(0, 30).await];
            assert_eq!(pend(1, v.len()).await, 3, "three elements");
            log(format!("logged {}", pend(1, "late").await));
            (greeting, v)
        }
    },
    run: f("bob"),
}

differential! {
    /// A macro argument that suspends, with a temporary `D` before it that
    /// lives to the end of the statement.
    name: macro_argument_temporaries,
    items: {
        #[lh] async fn f() -> String {
            let s = format!("{} {}", D::new("tmp").touch(), pend(1, "x").await);
            log("after format");
            s
        }
    },
    run: f(),
}

differential! {
    /// A compound assignment whose value awaits, on an indexed place with a
    /// side effect: the place is evaluated once. For a primitive `+=`
    /// rustc evaluates the value first, so the orders agree; (for an
    /// overloaded `AddAssign` it evaluates the place first, which longhand
    /// cannot see without types: there the place is evaluated after the
    /// value, still once; evaluated twice, `k` would run past the end).
    name: compound_assignment_with_awaiting_value_evaluates_place_once,
    items: {
        #[lh] async fn f() -> (Vec<u32>, String) {
            let mut v = vec![0, 1, 2];
            let mut i = 0;
            v[{ i += 1; val("idx", i) }] += pend(1, 5).await;
            v[val("idx", 2)] *= pend(2, 3).await + val("rhs", 1);
            // `String += &str` is overloaded: an index with a side effect
            // (not logged: its order relative to the await differs).
            let mut parts = vec![String::new(), String::new(), String::new()];
            let mut k = 0;
            parts[{ k += 1; k }] += &pend(1, "a".to_string()).await;
            parts[{ k += 1; k }] += &pend(1, "b".to_string()).await;
            (v, parts.join("|"))
        }
    },
    run: f(),
}

differential! {
    /// Ranges whose end awaits: the start (a parameter, a call's value, a
    /// local) is evaluated first and read after the suspension; as a value,
    /// as a `for` loop's head and as a slice index.
    name: range_end_awaits,
    items: {
        fn start(n: u32) -> u32 { val("start", n) }
        #[lh] async fn f(lo: u32) -> (usize, u32, usize, Vec<u32>) {
            let r = lo..pend(1, 5u32).await;
            let mut sum = 0;
            for i in start(lo)..=pend(2, 4u32).await {
                sum += pend(1, i).await;
            }
            let v = vec![1, 2, 3, 4, 5];
            let k = 1;
            let s = v[k..pend(1, 3).await].len();
            (r.len(), sum, s, v[start(0) as usize..pend(1, 2).await].to_vec())
        }
    },
    run: f(1),
}

differential! {
    /// A local assigned, then shadowed by a `let` that reads it: the first
    /// binding is renamed, and so is its assignment (it was left under the
    /// user's name: E0425).
    name: assigned_then_shadowed_by_a_let_reading_it,
    items: {
        #[allow(unused_assignments)]
        #[lh] async fn f(c: bool) -> u32 {
            let mut port = 0;
            port = if c { 5 } else { 6 };
            let port = port + 1;
            pend(1, ()).await;
            port
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Compound assignment whose place awaits (`v[i.await] += k`,
    /// `*lock.await += n`): rustc evaluates the value first for primitive
    /// types, then the place; the value is read after the suspension.
    name: compound_assignment_whose_place_awaits,
    items: {
        struct Cell(std::cell::RefCell<u32>);
        impl Cell {
            async fn lock(&self) -> std::cell::RefMut<'_, u32> {
                pend(1, ()).await;
                self.0.borrow_mut()
            }
        }
        fn k(n: u32) -> u32 {
            log(format!("k {n}"));
            n
        }
        #[lh] async fn f() -> u32 {
            let mut v = vec![1u32, 2];
            let two = 2;
            v[pend(1, 0).await] += two;
            v[pend(1, 1).await] += k(10);
            let cell = Cell(std::cell::RefCell::new(1));
            let sum = two + 1;
            *cell.lock().await += sum;
            *cell.lock().await += k(20);
            let x = *cell.0.borrow();
            v[0] + v[1] + x
        }
    },
    run: f(),
}

differential! {
    /// A `Copy` local passed by value to an awaitee, then reassigned on
    /// some paths only and read: it is still needed across the suspension
    /// (a conditional assignment does not end its value on every path).
    /// Reassigned in every arm (or an arm that returns), a moved value is
    /// not kept.
    name: value_read_after_a_conditional_reassignment,
    items: {
        async fn consume(d: D) -> usize {
            pend(1, ()).await;
            d.touch()
        }
        #[lh] async fn f(c: bool, o: Option<D>) -> usize {
            let mut r = false;
            let ok = pend(1, r).await;
            if !ok && c {
                r = true;
            }
            let mut d = D::new("d");
            consume(d).await;
            if c {
                d = D::new("then");
            } else {
                d = D::new("else");
            }
            let mut e = D::new("e");
            let n = consume(e).await;
            match o {
                Some(v) => e = v,
                None => return n + d.touch(),
            }
            r as usize + d.touch() + e.touch()
        }
    },
    run: async {
        (
            f(true, Some(D::new("o"))).await,
            f(false, None).await,
        )
    },
}

differential! {
    /// `.await` inside `unsafe` blocks, under `#[deny(unused_unsafe)]`: the
    /// arm that resumes such a block may no longer need `unsafe`.
    name: await_inside_unsafe_blocks,
    items: {
        #[deny(unused_unsafe)]
        #[lh] async fn f(p: *const u32) -> u32 {
            // SAFETY: `p` points to a live `u32` (the caller's).
            let a = unsafe { pend(1, *p).await };
            // SAFETY: as above.
            let b = unsafe {
                pend(1, ()).await;
                *p
            };
            a + b
        }
    },
    run: async {
        let v = 3u32;
        f(&v).await
    },
}

differential! {
    /// Blocks that await before their value in every operand position: a
    /// call's argument, a struct field, a tuple, an array, a `break`
    /// value, the right of a `+` after a closure call.
    #[allow(
        clippy::blocks_in_conditions,
        clippy::redundant_closure_call,
        clippy::never_loop
    )]
    name: block_operands_awaiting_before_their_value,
    items: {
        fn two(a: usize, b: &str) -> usize { a + b.len() }
        struct P { a: usize, b: Vec<u32> }
        #[lh] async fn f(words: Vec<&'static str>) -> usize {
            let mut t = two({ pend(1, ()).await; 3 }, words[0]);
            let p = P { a: { pend(1, D::new("field")).await.touch() }, b: Vec::new() };
            t += p.a + p.b.len();
            let (x, y) = ({ pend(1, ()).await; 4 }, words.len());
            t += x + y;
            let arr = [{ pend(1, ()).await; 5 }, t];
            t += arr.iter().sum::<usize>();
            let r = loop { break { pend(1, ()).await; words.first() }; };
            t += r.map_or(0, |w| w.len());
            let c = (|| 1)() + { pend(1, ()).await; words.len() };
            t + c
        }
    },
    run: f(vec!["ab", "cde"]),
}

differential! {
    /// An assignment whose place suspends (`*slot.lock().await = make()`, as
    /// with an async lock's guard) and whose value is not a plain local: the
    /// value is evaluated first (rustc's order for `=`), lifted into a
    /// temporary, and written after the place's await, so it is kept across
    /// it; a local value is kept too. A `D` value shows when the old one and
    /// the new one drop, and the guard is a `mut` temporary (`DerefMut`).
    #[allow(clippy::await_holding_refcell_ref)]
    name: assign_through_awaited_guard_after_its_value,
    items: {
        struct Slot(std::cell::RefCell<D>);
        impl Slot {
            async fn lock(&self) -> std::cell::RefMut<'_, D> {
                pend(1, self.0.borrow_mut()).await
            }
        }
        fn make(name: &'static str) -> D {
            log(format!("make {name}"));
            D::new(name)
        }
        #[lh] async fn f() -> usize {
            let slot = Slot(std::cell::RefCell::new(D::new("old")));
            *slot.lock().await = make("new");
            let n = slot.0.borrow().touch();
            *slot.lock().await = pend(1, make("newer")).await;
            let fresh = make("fresh");
            *slot.lock().await = fresh;
            n + slot.0.borrow().touch()
        }
    },
    run: f(),
}

differential! {
    /// Comparisons around awaits: the left operand awaits and the right one
    /// holds a closure (`x.await == apply(|v| v + 1, n)`), and a place of a
    /// `Vec` of `Vec`s compared with an awaited value (`rows[1] ==
    /// x.await`, borrowed where it stands).
    name: comparison_awaiting_before_a_closure,
    items: {
        fn apply(f: impl Fn(u32) -> u32, n: u32) -> u32 {
            f(n)
        }
        #[lh] async fn f(k: u32) -> (bool, bool) {
            let rows = vec![vec![1u32, 2], vec![3, 4]];
            let same = pend(k, val("left", 3u32)).await == apply(|v| v + 1, val("n", 2));
            let row = rows[1] == pend(1, vec![3, 4]).await;
            (same, row)
        }
    },
    run: async { (f(0).await, f(2).await) },
}
