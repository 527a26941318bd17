//! Awaited futures and locals that borrow stored locals (self-borrows), and
//! borrowed arguments.

use crate::harness::*;

differential! {
    /// `read_into(&mut buf).await`: the awaitee borrows a stored local.
    name: read_into_buf,
    items: {
        #[lh] async fn read_into(buf: &mut Vec<u8>) -> usize {
            buf.push(pend(1, 1).await);
            buf.push(2);
            pend(1, buf.len()).await
        }
        #[lh] async fn f() -> (usize, usize, Vec<u8>) {
            let mut buf = Vec::new();
            let _d = D::new("held");
            let a = read_into(&mut buf).await;
            let b = read_into(&mut buf).await;
            (a, b, buf)
        }
    },
    run: f(),
}

differential! {
    /// `self.other().await` inside a `&mut self` method.
    name: mut_self_awaits_other,
    items: {
        struct Conn { sent: Vec<u32>, d: D }
        impl Conn {
            #[lh] async fn send(&mut self, v: u32) -> usize {
                pend(1, ()).await;
                self.sent.push(v);
                self.sent.len()
            }
            #[lh] async fn peek(&self) -> usize {
                pend(1, self.d.touch()).await
            }
            #[lh] async fn send_all(&mut self, vs: Vec<u32>) -> usize {
                let mut n = 0;
                for v in vs {
                    n = self.send(v).await;
                }
                n + self.peek().await
            }
        }
    },
    run: async {
        let mut c = Conn { sent: vec![], d: D::new("conn") };
        let n = c.send_all(vec![1, 2]).await;
        (n, c.sent.clone())
    },
}

differential! {
    /// A reference to a stored local kept across awaits.
    name: borrow_local_across_await,
    items: {
        #[lh] async fn f() -> usize {
            let s = String::from("abc");
            let d = D::new("d");
            let r = &s;
            let rd = &d;
            pend(1, ()).await;
            let n = r.len() + rd.touch();
            pend(1, ()).await;
            n + s.len()
        }
    },
    run: f(),
}

differential! {
    /// Iterating a borrowed local (`v.iter()`) with awaits in the body.
    name: iter_borrow_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let v = vec![1, 2, 3];
            let mut total = 0;
            for x in v.iter() {
                total += pend(1, *x).await;
            }
            for (i, x) in v.iter().enumerate().rev() {
                if i == 1 { continue; }
                total += pend(0, *x * 10).await;
            }
            total
        }
    },
    run: f(),
}

differential! {
    /// A `&mut` into a stored `Vec` element, written through after an await.
    name: mut_borrow_of_element,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![1, 2, 3];
            let slot = &mut v[1];
            *slot += pend(1, 5).await;
            let last = v.last_mut().unwrap();
            pend(1, ()).await;
            *last = 0;
            v
        }
    },
    run: f(),
}

differential! {
    /// Borrowed arguments: `async fn f(db: &Db, key: &str)`.
    name: borrowed_params,
    items: {
        struct Db { rows: Vec<(&'static str, u32)>, _d: D }
        impl Db {
            fn new() -> Db { Db { rows: vec![("a", 1), ("b", 2)], _d: D::new("db") } }
        }
        #[lh] async fn lookup(db: &Db, key: &str) -> Option<u32> {
            pend(1, ()).await;
            db.rows.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
        }
        #[lh] async fn f(db: &Db, keys: &[&str]) -> u32 {
            let mut t = 0;
            for k in keys {
                t += lookup(db, k).await.unwrap_or(100);
            }
            t
        }
    },
    run: async {
        let db = Db::new();
        f(&db, &["a", "z", "b"]).await
    },
}

differential! {
    /// An awaitee that borrows two stored locals (one shared, one mutable).
    name: awaitee_borrows_two_locals,
    items: {
        #[lh] async fn copy_into(src: &[u32], dst: &mut Vec<u32>) -> usize {
            for x in src {
                dst.push(pend(1, *x).await);
            }
            dst.len()
        }
        #[lh] async fn f() -> (usize, Vec<u32>) {
            let src = vec![4, 5];
            let mut dst = vec![1];
            let _d = D::new("between");
            let n = copy_into(&src, &mut dst).await;
            (n + src.len(), dst)
        }
    },
    run: f(),
}

differential! {
    /// A `&mut` parameter reborrowed into nested awaits.
    name: mut_param_reborrow,
    items: {
        #[lh] async fn push(v: &mut Vec<D>, name: &'static str) {
            pend(1, ()).await;
            v.push(D::new(name));
        }
        #[lh] async fn f(v: &mut Vec<D>) -> usize {
            push(v, "one").await;
            push(&mut *v, "two").await;
            v.len()
        }
    },
    run: async {
        let mut v = Vec::new();
        let n = f(&mut v).await;
        log("caller done");
        n
    },
}

differential! {
    /// Temporaries the awaited future borrows (`peek(&make()).await`,
    /// `&mut [0; 4]`, a field or an element of a temporary, some after an
    /// operand that is evaluated first, some after one that awaits): rustc
    /// keeps them to the end of the statement, across the await, and drops
    /// them after the statement's other work, latest first.
    name: awaitee_borrows_temporaries,
    items: {
        struct Pair { d: D }
        fn pair(name: &'static str) -> Pair {
            log(format!("make {name}"));
            Pair { d: D::new(name) }
        }
        async fn peek(d: &D, n: u32) -> u32 {
            let k = pend(1, n).await;
            k + d.touch() as u32
        }
        async fn peek_both(a: u32, d: &D, e: &D) -> u32 {
            pend(1, ()).await;
            a + d.touch() as u32 + e.touch() as u32
        }
        async fn fill(buf: &mut [u32]) -> u32 {
            pend(1, ()).await;
            buf[0] = 7;
            buf.iter().sum()
        }
        fn add(a: u32, b: u32) -> u32 {
            log(format!("add {a} {b}"));
            a + b
        }
        #[lh] async fn f() -> Vec<u32> {
            let mut out = Vec::new();
            out.push(peek(&D::new("whole"), 1).await);
            out.push(peek(&pair("field").d, 2).await);
            out.push(peek(&[D::new("element")][0], 3).await);
            out.push(add(val("first", 1), peek(&D::new("second"), 4).await));
            out.push(peek_both(val("operand", 5), &D::new("a"), &pair("b").d).await);
            out.push(peek_both(pend(1, 6).await, &D::new("c"), &pair("d").d).await);
            out.push(fill(&mut [0, 1, 2]).await);
            out.push(fill(&mut [val("slice", 3); 4][1..]).await);
            log("end");
            out
        }
    },
    run: f(),
}

differential! {
    /// `&mut` of a temporary evaluated before a later await in the same
    /// expression (`push_len(&mut make(), x.await)`), and `&mut v[i]` of a
    /// local: the element is borrowed in place, never copied out.
    name: mut_borrow_of_temporary_before_await,
    items: {
        fn push_len(v: &mut Vec<u32>, x: u32) -> usize {
            v.push(x);
            v.len()
        }
        fn bump(x: &mut u32, by: u32) -> u32 {
            *x += by;
            *x
        }
        #[lh] async fn f() -> (usize, u32, [u32; 2]) {
            let a = push_len(&mut vec![val("temp", 1)], pend(1, 2).await);
            let mut v = [10, 20];
            let b = bump(&mut v[1], pend(1, 5).await);
            (a, b, v)
        }
    },
    run: f(),
}

differential! {
    /// An awaitee built from a value that borrowed a local before the await
    /// (`let futs = ids.iter().map(..); join_all(futs).await`): the local
    /// must stay in place while the awaitee runs, and is used after.
    name: awaitee_built_from_a_borrowing_value,
    items: {
        async fn get(id: u32) -> u32 {
            pend(1, id * 10).await
        }
        #[lh] async fn f(ids: Vec<u32>, names: Vec<D>) -> (Vec<u32>, usize, u32) {
            let futs = ids.iter().map(|&id| get(id));
            let all = futures::future::join_all(futs).await;
            let touched = names.iter().map(|d| d.touch()).sum::<usize>();
            let it = names.iter().filter(|d| d.0 != "skip");
            let n = pend(1, it.count()).await;
            (all, n + touched, ids.iter().sum())
        }
    },
    run: f(vec![1, 2, 3], vec![D::new("a"), D::new("skip")]),
}

known_gap! {
    reason: "a temporary inside the expression of a temporary that the awaitee borrows, as the base of a field (`&mut [Pair { .. }.n; 4]`) or the receiver of a method not known to borrow it (`send(&make().render()).await`): rustc keeps it to the end of the statement too; longhand names the borrowed temporary whole, so its own temporaries end before the suspension (naming them would move a field or a receiver that a method may take by value, which longhand cannot tell without types; the receiver of `clone`, `to_string`, `len` and the other methods known to borrow is kept: `temporary_of_a_borrowed_clone_lives_across_await`)",
    differential! {
        /// The `D` that `pair(..)` returns, whose field is copied into the
        /// borrowed array.
        name: temporary_inside_borrowed_temporary,
        items: {
            struct Pair { _d: D, n: u32 }
            async fn fill(buf: &mut [u32]) -> u32 {
                pend(1, ()).await;
                buf.iter().sum()
            }
            #[lh] async fn f() -> u32 {
                fill(&mut [Pair { _d: D::new("inner"), n: 3 }.n; 4]).await
            }
        },
        run: f(),
    }
}

differential! {
    /// A temporary whose borrowing method makes the temporary an awaitee
    /// borrows (`send(&lock().clone()).await`, the guard `lock()` returns):
    /// rustc keeps both to the end of the statement, across the await, and
    /// drops them latest first. Known-borrowing methods only (`clone`,
    /// `to_string`, `len`, ...): another method may consume its receiver.
    name: temporary_of_a_borrowed_clone_lives_across_await,
    items: {
        #[derive(Clone)]
        struct Msg(Vec<u32>);
        struct Guard {
            _held: D,
            msg: Msg,
        }
        impl std::ops::Deref for Guard {
            type Target = Msg;
            fn deref(&self) -> &Msg {
                &self.msg
            }
        }
        fn lock(name: &'static str) -> Guard {
            log(format!("lock {name}"));
            Guard { _held: D::new(name), msg: Msg(vec![1, 2]) }
        }
        async fn send(m: &Msg) -> usize {
            pend(1, ()).await;
            m.0.len()
        }
        struct Label(D);
        impl std::fmt::Display for Label {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.0.0)
            }
        }
        async fn send_str(s: &str) -> usize {
            pend(1, s.len()).await
        }
        #[lh] async fn f() -> usize {
            let a = send(&lock("guard").clone()).await;
            log("between");
            let b = send_str(&Label(D::new("named")).to_string()).await + send(&lock("second").clone()).await;
            a + b
        }
    },
    run: f(),
}

differential! {
    /// `ref` and `ref mut` bindings into a `match` or `if let` scrutinee
    /// that is a temporary (a call's value), used after an await in the arm:
    /// the temporary is borrowed in place across the suspension, lives to
    /// the end of the `match`, and is dropped before `else` runs.
    name: ref_bindings_into_a_temporary_scrutinee_across_await,
    items: {
        fn make(n: u32) -> Option<(u32, D)> {
            if n > 0 { Some((n, D::new("scrutinee"))) } else { None }
        }
        #[lh] async fn f(n: u32) -> usize {
            let a = match make(n) {
                Some((1, ref d)) => {
                    pend(2, ()).await;
                    d.touch()
                }
                Some((id, ref mut d)) => {
                    pend(1, ()).await;
                    let d: &mut D = d;
                    d.touch() + id as usize
                }
                None => 0,
            };
            let _between = D::new("between");
            let b = if let Some(ref p) = make(n + 1) {
                pend(1, ()).await;
                p.1.touch()
            } else {
                log("else");
                pend(1, 0).await
            };
            a + b
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}

differential! {
    /// Temporaries whose lifetime a `let` extends (`let r = &make();`),
    /// used after a later await: named, they live to the end of the block,
    /// dropped after the locals declared later. A constant rustc promotes
    /// (`&["a", "b"]`) stays `'static`; a place of a local (`&buf[n..]`,
    /// `&v[1]`) is borrowed where it is, also when its index awaits, and
    /// used by reference before an await in the same expression.
    name: let_extended_temporaries_and_indexed_places_across_awaits,
    items: {
        fn make(name: &'static str) -> (D, u32) { (D::new(name), 7) }
        fn keep(s: &'static [&'static str]) -> usize { s.len() }
        #[lh] async fn f(buf: Vec<u8>, v: Vec<String>) -> usize {
            let r = &D::new("extended");
            let n = &make("field base").1;
            let m = &mut vec![1u32];
            let names = &["a", "b"];
            let _later = D::new("later");
            pend(1, ()).await;
            m.push(*n);
            let tail = &buf[pend(1, 1).await..];
            let a = v[1].len() + pend(1, 5).await;
            let b = format!("{}{}", v[0], pend(1, "!").await);
            r.touch() + m.len() + keep(names) + tail.len() + a + b.len()
        }
    },
    run: f(vec![1, 2, 3], vec!["x".into(), "yy".into()]),
}

differential! {
    /// Borrows reached through a reference local (`let t = &text; let h =
    /// t.trim();`), a field of one, a `&mut` one and an iterator built from
    /// one, held across awaits while the reference local itself is dead:
    /// the owner is what stays in place.
    name: borrows_through_a_reference_local_across_await,
    items: {
        use std::collections::HashMap;
        struct Cfg { name: String }
        #[lh] async fn f(text: String, c: Cfg, v: Vec<u32>) -> usize {
            let t = &text;
            let h = t.trim();
            let cfg = &c;
            let name = cfg.name.as_str();
            let mut map: HashMap<u32, u32> = HashMap::new();
            let m = &mut map;
            let slot = m.entry(1).or_insert(0);
            let r = &v;
            let it = r.iter();
            pend(1, ()).await;
            *slot += 1;
            let sum: u32 = it.map(|x| x * 2).sum();
            pend(1, ()).await;
            h.len() + name.len() + sum as usize + map[&1] as usize
        }
    },
    run: f(" ab ".into(), Cfg { name: "cfg".into() }, vec![1, 2]),
}

differential! {
    /// Closures (and a reference) not read after an await but borrowed
    /// across it: by the awaitee (`once(&h).await`), by an `async` block
    /// awaited later, by a closure kept across the await. They stay in
    /// place as long as what borrows them.
    name: closures_borrowed_across_awaits,
    items: {
        async fn once<F: Fn(u32) -> u32>(f: F) -> u32 {
            pend(1, ()).await;
            f(1)
        }
        #[lh] async fn f(n: u32) -> u32 {
            let h = |x: u32| x + n;
            let a = once(&h).await;
            let double = |x: u32| x * 2;
            let fut = async { double(a) + pend(1, 0).await };
            pend(1, ()).await;
            let b = fut.await;
            let base = &n;
            let parse = |s: &str| s.len() as u32 + *base;
            let handle = |s: &str| parse(s) * 10;
            pend(2, ()).await;
            a + b + handle("abc")
        }
    },
    run: f(4),
}

differential! {
    /// `*b` on a local declared a `Box` (`Box::new(..)`) moves out of the
    /// box before an await; `*guard` on a guard copies out and leaves the
    /// guard alive to the end of its scope, across the await.
    name: deref_moves_out_of_a_box_copies_out_of_a_guard,
    items: {
        use std::cell::RefCell;
        struct Guard<'a>(std::cell::Ref<'a, u32>, #[allow(dead_code)] D);
        impl std::ops::Deref for Guard<'_> {
            type Target = u32;
            fn deref(&self) -> &u32 { &self.0 }
        }
        #[lh] async fn f(cell: &RefCell<u32>) -> usize {
            let b = Box::new(D::new("boxed"));
            let inner = *b;
            let g = Guard(cell.borrow(), D::new("guard"));
            let v = *g;
            pend(1, ()).await;
            log("after await");
            inner.touch() + v as usize
        }
    },
    run: async { f(&RefCell::new(3)).await },
}

differential! {
    /// A value holding a `D` and a `&mut` into a local, kept past its last
    /// use for its destructor while the local is used again (its borrow
    /// dead): rustc drops it in place at the end of the scope, after the
    /// awaits; longhand keeps it in a pin slot rather than moving a dead
    /// borrow through the state (s6-5, which Miri checks).
    name: dead_borrow_beside_a_destructor_dropped_in_place,
    items: {
        struct Pair<'a>(#[allow(dead_code)] D, &'a mut Vec<u32>);
        #[lh] async fn go() -> Vec<u32> {
            let mut v = vec![1];
            let p = Pair(D::new("pair"), &mut v);
            p.1.push(2);
            pend(1, ()).await;
            v.push(3);
            pend(1, ()).await;
            log("end");
            v
        }
    },
    run: go(),
}

differential! {
    /// s6-5 with the source used before the next suspension: the dead `&mut`
    /// would be moved into the state after `v.push` invalidated it.
    name: dead_borrow_invalidated_before_the_suspension,
    items: {
        #[lh] async fn go() -> Vec<D> {
            let mut v = vec![D::new("a")];
            let last = v.last_mut().unwrap();
            last.touch();
            v.push(D::new("b"));
            pend(1, ()).await;
            v.push(pend(1, D::new("c")).await);
            v
        }
    },
    run: go(),
}

differential! {
    /// `ref` bindings beside `Copy` bindings by value on a temporary, used
    /// across awaits: in `let` (rustc extends the temporary to the end of the
    /// block), `if let` and `match` (to the end of the construct). The
    /// temporary stays whole, so it is kept in place until then.
    name: ref_binding_beside_a_copy_on_a_temporary,
    items: {
        struct Pair { d: D, n: u32 }
        fn pair(n: u32) -> (D, u32) { (D::new("pair"), n) }
        fn make(n: u32) -> Pair { Pair { d: D::new("made"), n } }
        #[lh] async fn lets(n: u32) -> usize {
            let (ref d, k) = pair(n);
            let m = pend(1, d.touch() + k as usize).await;
            log("after let");
            m + k as usize
        }
        #[lh] async fn if_let(n: u32) -> usize {
            if let (ref d, k @ 1..) = pair(n) {
                let m = pend(1, d.touch()).await;
                m + k as usize
            } else {
                pend(1, 0).await
            }
        }
        #[lh] async fn matches(n: u32) -> usize {
            let r = match make(n) {
                Pair { ref d, n: 0 } => d.touch(),
                Pair { ref mut d, n } => {
                    pend(1, ()).await;
                    *d = D::new("replaced");
                    d.touch() + n as usize
                }
            };
            log("after match");
            r
        }
    },
    run: async { (lets(2).await, if_let(1).await, if_let(0).await, matches(0).await, matches(3).await) },
}

differential! {
    /// Temporaries inside an awaitee's arguments that a known borrowing
    /// method borrows (`make().len()`, `make().iter().count()`,
    /// `make().items.get(0).cloned()`, `it.next()` on `into_iter()`): rustc
    /// keeps them to the end of the statement, across the await (so they
    /// drop after it, and with the future when it is dropped there). A
    /// builder's by-value chain beside them is consumed, not kept.
    name: awaitee_argument_receiver_temporaries_live_to_the_statement_end,
    items: {
        struct Bag { items: Vec<D>, _tag: D }
        fn make(tag: &'static str) -> Bag { Bag { items: vec![D::new("item")], _tag: D::new(tag) } }
        struct Builder(Vec<&'static str>, #[allow(dead_code)] D);
        impl Builder {
            fn new() -> Self { Builder(Vec::new(), D::new("builder")) }
            fn with(mut self, s: &'static str) -> Self { self.0.push(s); self }
            fn build(self) -> Vec<&'static str> { self.0.clone() }
        }
        // The receivers are the point: `iter` and `get` borrow theirs.
        #[allow(clippy::iter_count, clippy::get_first)]
        #[lh] async fn go() -> (usize, usize, Option<&'static str>, Vec<&'static str>) {
            let a = pend(1, make("len").items.len()).await;
            log("after len");
            let b = pend(1, make("count").items.iter().count() + val("then", 1)).await;
            log("after count");
            let c = pend(1, make("get").items.get(0).map(|d| d.0)).await;
            let d = pend(1, Builder::new().with("x").with("y").build()).await;
            log("after build");
            (a, b, c, d)
        }
    },
    run: go(),
}

differential! {
    /// Temporaries a `let` extends through the places rustc's extension
    /// reaches (an `if`/`else if`/`else`, a `match`'s arms, a block's tail,
    /// a cast, a tuple or struct literal between other values, `&mut`),
    /// kept across awaits: each is made where it was, only on its path,
    /// and dropped at the end of the block, after the `let`'s bindings.
    name: temporaries_extended_through_branches_and_literals,
    items: {
        struct Pair<'a> {
            first: D,
            r: &'a D,
            n: u32,
        }
        trait Named {
            fn name(&self) -> &'static str;
        }
        impl Named for D {
            fn name(&self) -> &'static str {
                self.0
            }
        }
        fn make(name: &'static str) -> D {
            log(format!("make {name}"));
            D::new(name)
        }
        #[lh] async fn f(k: u32) -> usize {
            let a = if k == 0 {
                &make("if")
            } else if k == 1 {
                &make("else if")
            } else {
                log("else");
                &make("else")
            };
            let b = match k {
                0 => &mut make("arm 0"),
                _ => {
                    log("arm");
                    &mut make("arm")
                }
            };
            pend(1, ()).await;
            let c = &make("cast") as &dyn Named;
            let t = (make("before"), &make("tuple"), pend(1, 2).await);
            let p = Pair { first: make("first"), r: &make("field"), n: pend(1, 3).await };
            let _after = D::new("after");
            pend(1, ()).await;
            a.touch() + b.touch() + c.name().len() + t.1.touch() + p.r.touch() + (t.2 + p.n) as usize
                + p.first.touch()
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}
