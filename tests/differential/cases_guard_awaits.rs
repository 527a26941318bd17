//! `.await` inside `match` guards (and `matches!`'s). rustc tests the arms in
//! order, runs a guard only when its pattern matched, with the bindings
//! borrowed from the scrutinee (a failing guard moves nothing), and takes
//! the first arm whose guard holds. The cases log every guard and every
//! pattern-bound value's drop, fail guards before and after awaiting ones,
//! match temporaries and places, bind by value, by `ref` and through match
//! ergonomics, and drop the future at each suspension, inside a guard
//! included.

use crate::harness::*;

differential! {
    /// Guards before, at and after the awaiting one, on a place of a `D`
    /// pair; every arm moves the `D` out, the one chosen by the awaiting
    /// guard awaits again.
    name: guard_awaits_between_plain_guards,
    items: {
        async fn allowed(d: &D, n: u32) -> bool {
            pend(1, ()).await;
            log(format!("allowed {} {n}", d.0));
            n.is_multiple_of(2)
        }
        #[lh] async fn pick(v: (u32, D)) -> String {
            let _g = D::new("g");
            match v {
                (0, d) => format!("zero {}", d.0),
                (n, d) if val("small", n) < 2 => format!("small {n} {}", d.0),
                (n, d) if allowed(&d, n).await => {
                    log("chosen");
                    pend(1, ()).await;
                    format!("even {n} {}", d.0)
                }
                (n, d) if val("big", n) > 10 => format!("big {}", d.touch()),
                (n, d) => format!("odd {n} {}", d.0),
            }
        }
    },
    run: async {
        (
            pick((0, D::new("a"))).await,
            pick((1, D::new("b"))).await,
            pick((4, D::new("c"))).await,
            pick((13, D::new("d"))).await,
            pick((7, D::new("e"))).await,
        )
    },
}

known_gap! {
    reason: "guard-1 (runs differently, drop order): a local that a guard's `.await` borrows (`(n, d) if allowed(&d, n).await`) is pinned, and the `match` then moves it out of its slot whole; when the arm taken binds only `Copy` fields (`(n, _) => ..`) and another arm awaits, rustc leaves the local in place and drops it at the end of its scope (after `_g`), longhand at the end of the `match` (before `_g`): the partial-move family, which only types could tell",
    differential! {
        /// An arm that leaves the `D` in the scrutinee, beside an arm that
        /// moves it and awaits.
        name: guard_awaits_arm_leaving_the_rest_in_place,
        items: {
            async fn allowed(d: &D, n: u32) -> bool {
                pend(1, ()).await;
                n.is_multiple_of(2)
            }
            #[lh] async fn pick(v: (u32, D)) -> String {
                let _g = D::new("g");
                match v {
                    (n, d) if allowed(&d, n).await => {
                        pend(1, ()).await;
                        format!("even {n} {}", d.0)
                    }
                    (n, _) => format!("odd {n}"),
                }
            }
        },
        run: async { (pick((4, D::new("c"))).await, pick((7, D::new("e"))).await) },
    }
}

differential! {
    /// The scrutinee is a temporary (`make(n)`): evaluated once, alive to
    /// the end of the `match`, dropped after the arm when the arm does not
    /// move it; the guard borrows it across its await.
    name: guard_awaits_on_a_temporary,
    items: {
        fn make(n: u32) -> (u32, D) {
            log(format!("make {n}"));
            (n, D::new("temp"))
        }
        #[lh] async fn f(n: u32) -> u32 {
            let r = match make(n) {
                (k, ref d) if pend(1, k > 2).await && d.touch() > 0 => {
                    pend(1, ()).await;
                    k * 10
                }
                (k, _) if pend(1, k == 1).await => k,
                _ => 0,
            };
            log("after");
            r
        }
    },
    run: async { (f(5).await, f(1).await, f(0).await) },
}

differential! {
    /// Match ergonomics (`match &opt`), or-patterns binding in both
    /// alternatives, `@` bindings, and a guard that reads its binding in a
    /// closure and in a format string's implicit capture.
    name: guard_awaits_ergonomics_or_patterns_at_bindings,
    items: {
        enum Msg {
            Ping(String),
            Pong(String),
            Data(Vec<u32>),
            Quit,
        }
        async fn known(s: String) -> bool {
            pend(1, ()).await;
            log(format!("known {s}"));
            s.len() > 2
        }
        #[lh] async fn route(m: Option<Msg>) -> String {
            let _g = D::new("route");
            match &m {
                Some(Msg::Ping(s) | Msg::Pong(s)) if known(format!("{s}!")).await => format!("known {s}"),
                Some(Msg::Data(v)) if v.iter().any(|x| *x > 3) && pend(1, v.len()).await > 1 => {
                    format!("data {}", v.len())
                }
                Some(whole @ Msg::Quit) if pend(1, matches!(whole, Msg::Quit)).await => "quit".to_string(),
                Some(_) => "other".to_string(),
                None => "none".to_string(),
            }
        }
    },
    run: async {
        (
            route(Some(Msg::Ping("abc".into()))).await,
            route(Some(Msg::Pong("a".into()))).await,
            route(Some(Msg::Data(vec![1, 5]))).await,
            route(Some(Msg::Data(vec![1]))).await,
            route(Some(Msg::Quit)).await,
            route(None).await,
        )
    },
}

differential! {
    /// A loop over requests whose guard awaits, with labeled `continue` and
    /// `break` inside the guard and in the arms, a counter the guard reads
    /// and the arm writes, and `?` after the `match`.
    name: guard_awaits_in_a_loop_with_labeled_jumps,
    items: {
        async fn budget(left: u32) -> Result<bool, String> {
            pend(1, ()).await;
            if left == 0 { Err("spent".to_string()) } else { Ok(left > 1) }
        }
        #[lh] async fn serve(reqs: Vec<(u32, D)>) -> Result<u32, String> {
            let mut left = 3u32;
            let mut served = 0;
            'reqs: for (cost, d) in reqs {
                let ok = match cost {
                    0 => continue 'reqs,
                    c if c > 9 => break 'reqs,
                    c if { if c == 5 { continue 'reqs; } budget(left).await? } => {
                        left -= 1;
                        d.touch() as u32 + c
                    }
                    c => c,
                };
                served += ok;
            }
            Ok(served)
        }
    },
    run: async {
        (
            serve(vec![(1, D::new("a")), (0, D::new("b")), (5, D::new("c")), (2, D::new("d")), (20, D::new("e")), (3, D::new("f"))]).await,
            serve(vec![(1, D::new("a")), (1, D::new("b")), (1, D::new("c")), (1, D::new("d"))]).await,
        )
    },
}

differential! {
    /// A guard that panics after its await, and one whose awaited future is
    /// dropped mid-guard (the harness drops the future at every poll).
    name: guard_awaits_then_panics,
    items: {
        #[lh] async fn f(x: Option<D>, n: u32) -> u32 {
            let _g = D::new("g");
            match x {
                Some(d) if { let _t = D::new("guard temp"); pend(2, d.touch()).await > 100 } => 1,
                Some(d) if pend(1, n).await / (n - 1) > 0 => d.touch() as u32,
                Some(_) => 2,
                None => 3,
            }
        }
    },
    run: async { (f(Some(D::new("a")), 2).await, f(Some(D::new("b")), 1).await) },
}

differential! {
    /// A `match` with an awaiting guard inside an arm (and inside a guard)
    /// of another one, on `self`'s state in a `&mut self` method.
    name: guard_awaits_nested_on_self,
    items: {
        enum St { Idle(u32), Busy(D, u32), Done }
        struct Machine { st: St, log: Vec<String> }
        impl Machine {
            async fn ready(&self, n: u32) -> bool {
                pend(1, ()).await;
                !n.is_multiple_of(3)
            }
            #[lh] async fn step(&mut self, k: u32) -> u32 {
                match self.st {
                    St::Idle(n) if self.ready(n + k).await => {
                        self.log.push(format!("idle {n}"));
                        match k {
                            j if pend(1, j > 1).await => j,
                            _ => 0,
                        }
                    }
                    St::Busy(ref d, n) if match n { m if pend(1, m > 0).await => d.touch() > 0, _ => false } => {
                        self.log.push(format!("busy {n}"));
                        n
                    }
                    St::Done => 99,
                    _ => 7,
                }
            }
        }
        #[lh] async fn run_all() -> (Vec<u32>, Vec<String>) {
            let mut out = vec![];
            for st in [St::Idle(1), St::Idle(2), St::Busy(D::new("b"), 2), St::Busy(D::new("z"), 0), St::Done] {
                let mut m = Machine { st, log: vec![] };
                out.push(m.step(2).await);
                out.push(m.step(3).await);
                log(format!("{:?}", m.log));
            }
            (out, vec![])
        }
    },
    run: run_all(),
}

differential! {
    /// `matches!` guards that await, on a place and on a temporary, as a
    /// `let` value and inside an `if` condition.
    name: matches_guard_awaits_places_and_temporaries,
    items: {
        fn pair(n: u32) -> (u32, D) {
            (n, D::new("pair"))
        }
        #[lh] async fn f(x: Option<u32>, n: u32) -> (bool, bool) {
            let a = matches!(x, Some(k) if k > pend(1, val("limit", 2u32)).await);
            let b = if matches!(pair(n), (k, ref d) if pend(1, k + d.touch() as u32).await > 5,) {
                pend(1, true).await
            } else {
                false
            };
            (a, b)
        }
    },
    run: async { (f(None, 9).await, f(Some(1), 0).await, f(Some(3), 2).await) },
}

differential! {
    /// A scrutinee behind a call (`*self.slot()`): the reference is taken
    /// once, the guard reads through it across its await.
    name: guard_awaits_on_a_dereferenced_call,
    items: {
        struct Table { rows: Vec<(u32, D)> }
        impl Table {
            fn slot(&self, i: usize) -> &(u32, D) {
                log(format!("slot {i}"));
                &self.rows[i]
            }
            #[lh] async fn get(&self, i: usize) -> u32 {
                match *self.slot(i) {
                    (n, ref d) if pend(1, n > 1).await => n + d.touch() as u32,
                    (n, _) => n,
                }
            }
        }
        #[lh] async fn go() -> (u32, u32) {
            let t = Table { rows: vec![(1, D::new("r0")), (5, D::new("r1"))] };
            (t.get(0).await, t.get(1).await)
        }
    },
    run: go(),
}

send_case! {
    /// The guard's held reference to a `Send` scrutinee keeps the future
    /// `Send`.
    name: guard_awaits_future_is_send,
    items: {
        #[lh] async fn f(x: Option<String>) -> usize {
            match x {
                Some(s) if pend(1, s.len()).await > 1 => s.len(),
                _ => 0,
            }
        }
    },
    future: f(Some("ab".to_string())),
    native_send: true,
}

differential! {
    /// A guard that awaits inside an awaited `async` block, a `return` out
    /// of a guard, the `match` as an operand after an awaited operand, and
    /// a closure written after the `match` (a join point follows it).
    name: guard_awaits_in_blocks_operands_and_returns,
    items: {
        #[lh] async fn f(x: Option<u32>, stop: bool) -> u32 {
            let base = pend(1, val("base", 1u32)).await;
            let inner = async {
                match x {
                    Some(n) if { if stop && n > 5 { return 100; } pend(1, n > 2).await } => n,
                    Some(n) => n + 1,
                    None => 0,
                }
            }
            .await;
            let sum = pend(1, val("left", 10u32)).await
                + match inner {
                    k if pend(1, k % 2 == 1).await => k * 2,
                    k => k,
                };
            let add = |v: u32| v + base;
            add(sum)
        }
    },
    run: async {
        (
            f(Some(3), false).await,
            f(Some(9), true).await,
            f(Some(1), false).await,
            f(None, true).await,
        )
    },
}

differential! {
    /// A guard's binding is a `String` the guard passes by reference to an
    /// awaited call and compares; the arm then moves it into a `Vec` kept
    /// across the next await.
    name: guard_awaits_arm_moves_binding_and_awaits,
    items: {
        async fn seen(set: &[String], s: &str) -> bool {
            pend(1, ()).await;
            set.iter().any(|x| x == s)
        }
        #[lh] async fn dedupe(items: Vec<Option<String>>) -> Vec<String> {
            let mut out: Vec<String> = vec![];
            for it in items {
                match it {
                    Some(s) if s.is_empty() || seen(&out, &s).await => log(format!("skip {s}")),
                    Some(s) => {
                        out.push(s);
                        pend(1, ()).await;
                    }
                    None => break,
                }
            }
            out
        }
    },
    run: dedupe(vec![Some("a".into()), Some("".into()), Some("b".into()), Some("a".into()), None, Some("c".into())]),
}

differential! {
    /// `ref mut` bindings and a `&mut` scrutinee: the guard reads them
    /// through shared references across its await; the arm taken then
    /// mutates through them.
    name: guard_awaits_ref_mut_and_mut_scrutinee,
    items: {
        struct Counter { hits: Vec<u32>, last: Option<(u32, D)> }
        impl Counter {
            #[lh] async fn bump(&mut self, k: u32) -> u32 {
                match &mut self.last {
                    Some((n, d)) if pend(1, *n + d.touch() as u32).await > k => {
                        *n += 1;
                        *n
                    }
                    Some((n, _)) => {
                        *n = 0;
                        pend(1, 0).await
                    }
                    None => {
                        self.last = Some((k, D::new("first")));
                        k
                    }
                }
            }
        }
        #[lh] async fn grow(mut v: (u32, Vec<u32>)) -> (u32, Vec<u32>) {
            match v {
                (ref mut n, ref mut list) if pend(1, *n as usize + list.len()).await > 2 => {
                    list.push(*n);
                    *n += 10;
                }
                (ref mut n, _) => *n += 1,
            }
            v
        }
        type Grown = (u32, Vec<u32>);
        #[lh] async fn go() -> (Vec<u32>, Grown, Grown) {
            let mut c = Counter { hits: vec![], last: None };
            for k in [3, 1, 9, 2] {
                let h = c.bump(k).await;
                c.hits.push(h);
            }
            let hits = c.hits.clone();
            (hits, grow((1, vec![5])).await, grow((3, vec![])).await)
        }
    },
    run: go(),
}

differential! {
    /// A guard that starts with a struct literal (`if Limit { .. }.allows(n).await`),
    /// which a guard may hold and an `if` condition may not.
    name: guard_await_on_a_struct_literal,
    items: {
        struct Limit {
            max: usize,
        }
        impl Limit {
            async fn allows(&self, n: usize) -> bool {
                pend(1, n <= self.max).await
            }
        }
        #[lh] async fn f(x: Option<String>) -> usize {
            match x {
                Some(s) if Limit { max: 3 }.allows(s.len()).await => s.len(),
                Some(s) => 100 + s.len(),
                None => 0,
            }
        }
    },
    run: async {
        (
            f(Some("ab".into())).await,
            f(Some("abcdef".into())).await,
            f(None).await,
        )
    },
}
