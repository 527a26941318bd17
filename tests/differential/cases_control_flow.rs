//! Control flow around awaits: branches, guards, labeled blocks, early return,
//! `let .. else`, shadowing, scopes, closures, async blocks, recursion.

use crate::harness::*;

differential! {
    /// `if` / `else if` / `else` with awaits in conditions and branches.
    name: if_else_if_else,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let d = D::new("outer");
            let r = if pend(1, n).await == 0 {
                let _a = D::new("zero");
                pend(1, 0).await
            } else if pend(1, n % 2).await == 1 {
                let _b = D::new("odd");
                log("odd");
                pend(2, 1).await
            } else {
                let _c = D::new("even");
                2
            };
            d.touch();
            r
        }
    },
    run: async { (f(0).await, f(3).await, f(4).await) },
}

known_gap! {
    reason: "a `match` on a kept parameter mixing arms that move out of it by value and arms that borrow it with `ref`: the borrow needs the parameter pinned, the move needs it not to be",
    differential! {
        /// `match` with guards (no await in the guard) and awaits in the arms.
        name: match_with_guards,
        items: {
            #[lh] async fn f(v: (u32, D)) -> u32 {
                match v {
                    (n, d) if n > 10 => {
                        d.touch();
                        pend(1, n).await
                    }
                    (n, ref d) if n % 2 == 0 => {
                        let k = pend(2, n / 2).await;
                        d.touch();
                        k
                    }
                    (n, _) => pend(0, n + 1).await,
                }
            }
        },
        run: async {
            (
                f((11, D::new("big"))).await,
                f((4, D::new("even"))).await,
                f((3, D::new("odd"))).await,
            )
        },
    }
}

differential! {
    /// Labeled blocks: `'a: { .. break 'a v .. }` with awaits before and after.
    name: labeled_block,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let r = 'a: {
                let _d = D::new("in block");
                if pend(1, n).await > 2 {
                    break 'a pend(1, 100).await;
                }
                log("fell through");
                pend(1, n).await
            };
            log(format!("r = {r}"));
            r
        }
    },
    run: async { (f(5).await, f(1).await) },
}

differential! {
    /// Early `return` from inside nested loops with live `D` values.
    name: early_return_from_loop,
    items: {
        #[lh] async fn f(stop: u32) -> u32 {
            let _outer = D::new("outer");
            let mut i = 0;
            loop {
                let _iter = D::new("iter");
                for j in 0..3 {
                    let _inner = D::new("inner");
                    i += pend(1, 1).await;
                    if i == stop {
                        log(format!("return at j = {j}"));
                        return i * 10;
                    }
                }
            }
        }
    },
    run: f(4),
}

differential! {
    /// `let .. else` with an awaited initializer; the `else` returns.
    name: let_else,
    items: {
        #[lh] async fn f(o: Option<u32>) -> u32 {
            let _d = D::new("held");
            let Some(x) = pend(1, o).await else {
                log("none");
                return pend(1, 0).await;
            };
            pend(1, x + 1).await
        }
    },
    run: async { (f(Some(4)).await, f(None).await) },
}

differential! {
    /// Shadowing across awaits, including a shadowed `D` whose first binding
    /// still drops at the end of the scope.
    name: shadowing,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let x = x + pend(1, 1).await;
            let d = D::new("first");
            let x = x * 2;
            let d = { d.touch(); D::new("second") };
            pend(1, ()).await;
            let x = x + pend(1, 3).await;
            d.touch();
            x
        }
    },
    run: f(5),
}

differential! {
    /// Nested blocks whose `D` values drop at block end, between awaits.
    name: nested_block_drops,
    items: {
        #[lh] async fn f() -> u32 {
            let _a = D::new("a");
            {
                let _b = D::new("b");
                pend(1, ()).await;
                {
                    let _c = D::new("c");
                    pend(1, ()).await;
                }
                log("after c");
                pend(1, ()).await;
            }
            log("after b");
            pend(1, 5).await
        }
    },
    run: f(),
}

differential! {
    /// Closures capturing stored locals by move, used after awaits.
    name: closure_move_capture,
    items: {
        #[lh] async fn f() -> usize {
            let base = pend(1, 10).await;
            let add = move |y: usize| y + base;
            let d = D::new("captured");
            let show = move || d.touch();
            let z = pend(1, 5).await;
            log("before calls");
            add(z) + show() + add(pend(0, 1).await)
        }
    },
    run: f(),
}

differential! {
    /// A closure capturing a stored local by reference across an await.
    name: closure_ref_capture,
    items: {
        #[lh] async fn f() -> usize {
            let base = D::new("base");
            let mut hits = 0;
            let read = || base.touch();
            let first = read();
            pend(1, ()).await;
            let mut bump = |n: usize| hits += n;
            bump(pend(1, 2).await);
            bump(first);
            pend(1, ()).await;
            read() + hits
        }
    },
    run: f(),
}

differential! {
    /// A native `async` block inside the body, stored and awaited.
    name: inner_async_block,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let d = D::new("outer");
            let block = async move {
                let _inner = D::new("inner");
                log("block start");
                pend(1, n).await + 1
            };
            log("block created");
            let v = block.await;
            d.touch();
            v + async { pend(1, 100).await }.await
        }
    },
    run: f(2),
}

differential! {
    /// Recursion through `Box::pin`.
    ///
    /// Note: the lowering returns an opaque `impl Future` whose hidden type
    /// would contain itself through the `Box`; rustc accepts this for a real
    /// `async fn` only (E0720 "cannot resolve opaque type" otherwise).
    name: recursion_box_pin,
    items: {
        #[lh] async fn fib(n: u32) -> u32 {
            if n < 2 {
                return pend(n, n).await;
            }
            Box::pin(fib(n - 1)).await + Box::pin(fib(n - 2)).await
        }
    },
    run: fib(6),
}

differential! {
    /// Recursion whose output type's name contains "impl" (not `impl Trait`).
    name: recursion_output_named_like_impl,
    items: {
        type Implied = u32;
        #[lh] async fn depth(n: u32) -> Implied {
            if n == 0 {
                return pend(1, 0).await;
            }
            Box::pin(depth(n - 1)).await + 1
        }
    },
    run: depth(3),
}

differential! {
    /// Recursion through a type-erased `Pin<Box<dyn Future>>`.
    name: recursion_boxed_dyn,
    items: {
        use std::future::Future;
        use std::pin::Pin;
        #[lh] async fn count_down(n: u32) -> u32 {
            let _d = D::new("level");
            if n == 0 {
                return pend(1, 0).await;
            }
            let next: Pin<Box<dyn Future<Output = u32>>> = Box::pin(count_down(n - 1));
            next.await + 1
        }
    },
    run: count_down(3),
}

differential! {
    /// Boxed recursive calls whose arguments have side effects, borrow a
    /// temporary to the end of the statement, and reborrow a `&mut`
    /// parameter that is used again after the await; a method of `self`
    /// boxed the same way.
    name: recursion_box_pin_arguments,
    items: {
        #[lh] async fn walk(out: &mut Vec<String>, label: &D, depth: u32) -> usize {
            out.push(format!("{} {depth}", label.0));
            if depth == 0 {
                return pend(1, 0).await;
            }
            let below = Box::pin(walk(out, &D::new("temp"), val("depth", depth - 1))).await;
            out.push(format!("back at {depth}"));
            below + 1
        }
        struct Tree { kids: Vec<Tree>, _d: D }
        impl Tree {
            #[lh] async fn size(&self, limit: u32) -> u32 {
                let mut n = 1;
                for k in &self.kids {
                    pend(1, ()).await;
                    n += Box::pin(k.size(limit)).await;
                }
                if limit > 0 && n > limit { return limit; }
                n + Box::pin(self.leaf_count(0)).await
            }
            #[lh] async fn leaf_count(&self, acc: u32) -> u32 {
                if self.kids.is_empty() {
                    return acc + 1;
                }
                let mut acc = acc;
                for k in &self.kids {
                    acc = Box::pin(k.leaf_count(acc)).await;
                }
                acc
            }
        }
    },
    run: async {
        let mut out = Vec::new();
        let n = walk(&mut out, &D::new("root"), 2).await;
        let t = Tree {
            kids: vec![
                Tree { kids: vec![], _d: D::new("leaf1") },
                Tree { kids: vec![Tree { kids: vec![], _d: D::new("leaf2") }], _d: D::new("mid") },
            ],
            _d: D::new("top"),
        };
        let s = (t.size(0).await, t.size(2).await);
        (n, out, s)
    },
}

differential! {
    /// Three functions recursing through each other, one edge boxed, with
    /// values that log their drop kept across each await.
    name: mutual_recursion_three_functions,
    items: {
        #[lh] async fn a(n: u32) -> u32 {
            let _d = D::new("a");
            if n == 0 { return pend(1, 0).await; }
            b(n - 1).await + 1
        }
        #[lh] async fn b(n: u32) -> u32 {
            let _d = D::new("b");
            c(n).await * 2
        }
        #[lh] async fn c(n: u32) -> u32 {
            pend(1, ()).await;
            Box::pin(a(n)).await
        }
    },
    run: a(3),
}

differential! {
    /// Unit-returning `if` without `else` and statements ending in awaits.
    name: if_without_else,
    items: {
        #[lh] async fn f(flag: bool) {
            let _d = D::new("d");
            if flag {
                pend(1, ()).await;
                log("flagged");
            }
            pend(1, ()).await;
        }
    },
    run: async { (f(true).await, f(false).await) },
}

known_gap! {
    reason: "an `if let` scrutinee's temporary that is not borrowed (a call result whose field the pattern may move out) lives to the end of the `then` block in rustc, across its awaits; longhand drops it at the first suspension: without types it cannot tell a moved field from a copied one, and a partly moved value cannot be kept",
    differential! {
        /// The rest of a temporary whose field the `if let` moves out.
        name: if_let_field_of_temporary_across_await,
        items: {
            fn lookup(n: u32) -> (D, Option<u32>) {
                (D::new("scrutinee temp"), if n > 0 { Some(n * 10) } else { None })
            }
            #[lh] async fn f(n: u32) -> u32 {
                if let Some(x) = lookup(n).1 {
                    log("then");
                    pend(1, x).await
                } else {
                    log("else");
                    0
                }
            }
        },
        run: async { (f(0).await, f(2).await) },
    }
}

differential! {
    /// Temporaries of `if let` / `else if let` / `match` scrutinees that the
    /// arms await after: a borrowed receiver, the base of a borrowed field,
    /// an indexed temporary live to the end of their branch; on the `else`
    /// path they are dropped before `else` runs (edition 2024), a `Copy` one
    /// too.
    name: scrutinee_temporaries_across_awaits,
    items: {
        struct Bag(D, Vec<u32>);
        impl Bag {
            fn first(&self) -> Option<u32> {
                self.0.touch();
                self.1.first().copied()
            }
        }
        fn bag(name: &'static str, v: Vec<u32>) -> Bag {
            Bag(D::new(name), v)
        }
        #[lh] async fn f(n: u32) -> u32 {
            let a = if let Some(x) = bag("receiver", vec![n; (n % 2) as usize]).first() {
                pend(1, x).await
            } else if let Some(y) = [bag("indexed", vec![n + 1; (n / 2) as usize])][0].1.first().copied() {
                log("else if");
                pend(1, y).await
            } else {
                log("else");
                0
            };
            let b = match bag("matched", vec![n, 7]).1.len() {
                len if len > 1 => pend(2, len as u32).await,
                _ => 0,
            };
            let c = if let Some(z) = 3u32.checked_sub(n) {
                pend(1, z).await
            } else {
                log("copy else");
                1
            };
            a + b + c
        }
    },
    run: async { (f(0).await, f(1).await, f(4).await) },
}

differential! {
    /// Items declared in the body (`struct`, `impl`, `fn`, `use`,
    /// `macro_rules!`), some after an await, used after suspensions: an item
    /// is visible in its whole block, wherever it is written.
    name: items_declared_in_the_body,
    items: {
        #[lh] async fn f(n: u32) -> String {
            let first = pend(1, n).await;
            use std::fmt::Write;
            struct Acc(u32, D);
            impl Acc {
                fn add(&mut self, k: u32) -> u32 {
                    self.0 += k;
                    self.0
                }
            }
            let mut acc = Acc(first, D::new("acc"));
            for k in 0..n {
                acc.add(pend(1, k).await);
            }
            fn twice(x: u32) -> u32 {
                x * 2
            }
            macro_rules! show {
                ($e:expr) => {
                    format!("<{}>", $e)
                };
            }
            let mut out = show!(twice(acc.0));
            write!(out, " {}", pend(1, acc.1.touch()).await).unwrap();
            out
        }
    },
    run: f(3),
}

differential! {
    /// An or-pattern's binding, shadowed in the arm while its value is still
    /// alive: every alternative binds the one renamed local.
    name: or_pattern_binding_shadowed_while_alive,
    items: {
        #[allow(dead_code)]
        enum Msg { A(D), B(D) }
        #[lh] async fn f(m: Msg) -> usize {
            match m {
                Msg::A(d) | Msg::B(d) => {
                    let n = pend(1, d.touch()).await;
                    let d = n + 1;
                    pend(1, d).await
                }
            }
        }
    },
    run: f(Msg::B(D::new("b"))),
}

differential! {
    /// A `match` whose arms either await or never return (`unreachable!`,
    /// `panic!`), its value used by an operator that needs its type: the
    /// statement after it belongs to the resumed arm only.
    name: match_arms_await_or_panic_value_used_after,
    items: {
        #[allow(clippy::let_and_return)]
        #[lh] async fn f(v: Option<u32>) -> u32 {
            let mut sum = 1;
            let got = match v {
                Some(x) => {
                    let c = pend(1, x).await;
                    c
                }
                None => panic!("no value"),
            };
            sum += got;
            let n = match sum {
                0 => unreachable!("sum starts at 1"),
                s => pend(1, s * 2).await,
            };
            sum += n;
            sum
        }
    },
    run: async { (f(Some(3)).await, f(None).await) },
}

differential! {
    /// A `match` whose scrutinee awaits, with arms that call a method on
    /// the value of another `.await`: directly, through a nested `match`,
    /// and on an operand that builds a closure or an `async move` block.
    /// (The arms are typed in the state that suspends at the scrutinee;
    /// the method needs the inner value's type there.)
    name: method_on_await_in_arms_of_awaiting_match,
    items: {
        // One-arm matches on purpose: the arms are what is typed.
        #[allow(clippy::match_single_binding, clippy::redundant_closure_call)]
        #[lh] async fn f(k: u32) -> usize {
            let a = match pend(k, 2usize).await {
                v => pend(1, String::from("abc")).await.len() + v,
            };
            let b = match pend(1, k).await {
                0 => 0,
                n => match pend(n, D::new("inner")).await {
                    d => d.touch() + n as usize,
                },
            };
            let c = match pend(1, ()).await {
                () => pend(1, (|| D::new("closure"))()).await.touch(),
            };
            let d = match pend(1, 3usize).await {
                v => async move { D::new("block") }.await.touch() + v,
            };
            a + b + c + d
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// A condition that is a block whose statements await before its
    /// value (`if let Some(w) = { x.await; v.first() }`, the same in a let
    /// chain, an `else if let`, a `while let`, a plain `if` and a `for`'s
    /// iterable): in the copy of the code that suspends there, the
    /// bindings were typed from `!` (E0282 at `w`).
    /// Found by the generator differential suite.
    #[allow(clippy::blocks_in_conditions, clippy::manual_unwrap_or)]
    name: block_condition_awaiting_before_its_value,
    items: {
        #[lh] async fn f(words: Vec<&'static str>) -> usize {
            let mut t = 0;
            if let Some(w) = {
                pend(1, ()).await;
                words.first()
            } {
                t += w.len();
            }
            if let Some(w) = { let _d = D::new("blk"); pend(1, ()).await; words.last() } && w.len() > 1 {
                t += pend(1, w.len()).await;
            } else {
                t += 100;
            }
            let mut i = 0;
            while let Some(w) = { pend(1, ()).await; words.get(i) } {
                i += 1;
                t += w.len();
            }
            if { pend(1, ()).await; t > 3 } { t += 1000; }
            for w in { pend(1, ()).await; words.iter() } {
                t += w.len();
            }
            if t > 10_000 {
                t = 0;
            } else if let Some(w) = { pend(1, ()).await; words.get(1) } {
                t += w.len();
            }
            let v = if let Some(x) = { pend(1, D::new("x")).await }.touch().checked_sub(1) { x } else { 7 };
            t + v
        }
    },
    run: f(vec!["ab", "cde"]),
}
