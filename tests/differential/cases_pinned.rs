//! Locals pinned in place: values that another kept value borrows across an
//! await (iterators, references, closures), with their drop order on
//! completion and at every cancellation point.

use crate::harness::*;

differential! {
    /// An iterator over a parameter, kept across awaits; values declared
    /// before and after the pinned parameter.
    name: iterate_borrowed_param,
    items: {
        #[lh] async fn f(list: Vec<u32>) -> u32 {
            let _before = D::new("before");
            let mut sum = 0;
            for x in list.iter() {
                let _inner = D::new("inner");
                sum += pend(1, *x).await;
            }
            let _after = D::new("after");
            sum + list.len() as u32
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// A pinned parameter between two others: it waits in its slot from the
    /// call on, and all three drop in rustc's order, also before the first
    /// poll and when moved out after the loop.
    name: pinned_param_between_others,
    items: {
        fn consume(v: Vec<D>) -> usize {
            log(format!("consume {}", v.len()));
            v.len()
        }
        #[lh] async fn f(first: D, items: Vec<D>, last: D) -> usize {
            let mut n = first.touch();
            for d in items.iter() {
                n += pend(1, d.touch()).await;
            }
            n += consume(items);
            pend(1, ()).await;
            n + last.touch()
        }
    },
    run: f(D::new("first"), vec![D::new("x"), D::new("y")], D::new("last")),
}

differential! {
    /// A value declared before the pinned local is dropped after it, also
    /// when the future is dropped mid-loop.
    name: pinned_declared_after_kept,
    items: {
        #[lh] async fn f() -> usize {
            let first = D::new("first");
            let items = vec![D::new("x"), D::new("y")];
            let mut n = 0;
            for item in items.iter() {
                n += pend(1, item.touch()).await;
            }
            let last = D::new("last");
            n + first.touch() + last.touch()
        }
    },
    run: f(),
}

differential! {
    /// A pinned local moved away once the borrow is over.
    name: pinned_then_moved,
    items: {
        fn consume(v: Vec<D>) -> usize {
            log(format!("consume {}", v.len()));
            v.len()
        }
        #[lh] async fn f() -> usize {
            let v = vec![D::new("a"), D::new("b")];
            let mut seen = 0;
            for d in v.iter() {
                seen += pend(1, d.touch()).await;
            }
            let n = consume(v);
            pend(1, ()).await;
            seen + n
        }
    },
    run: f(),
}

differential! {
    /// A pinned local assigned anew after its borrow ended (the old value is
    /// dropped then), read through a format capture.
    name: pinned_reassigned_and_formatted,
    items: {
        #[lh] async fn f() -> String {
            let mut words = vec![String::from("one"), String::from("two")];
            let mut out = String::new();
            for w in words.iter() {
                out.push_str(&pend(1, w.clone()).await);
            }
            words = vec![String::from("three")];
            pend(1, ()).await;
            format!("{out} {words:?}")
        }
    },
    run: f(),
}

differential! {
    /// `iter_mut` across awaits: mutation through the kept iterator.
    name: iter_mut_across_awaits,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![1, 2, 3];
            for x in v.iter_mut() {
                *x += pend(1, 10).await;
            }
            v
        }
    },
    run: f(),
}

differential! {
    /// A closure borrowing a local, called after awaits.
    name: closure_borrows_local,
    items: {
        #[lh] async fn f(base: u32) -> u32 {
            let scale = D::new("scale");
            let add = |y: u32| y + base + scale.touch() as u32;
            let a = pend(1, 1).await;
            let b = pend(1, 2).await;
            add(a) + add(b)
        }
    },
    run: f(100),
}

differential! {
    /// A panic while a pinned local is borrowed: unwinding drops it in order.
    name: panic_with_pinned_local,
    items: {
        #[lh] async fn f(limit: usize) -> usize {
            let names = vec![D::new("n1"), D::new("n2"), D::new("n3")];
            let mut total = 0;
            for (i, d) in names.iter().enumerate() {
                total += pend(1, d.touch()).await;
                if i + 1 >= limit {
                    panic!("limit reached");
                }
            }
            total
        }
    },
    run: f(2),
}

differential! {
    /// `ref` bindings into a kept parameter, held across awaits in a `match`
    /// arm (and a guard): the parameter is pinned in place.
    name: ref_binding_into_param,
    items: {
        #[lh] async fn f(v: (u32, D)) -> u32 {
            match v {
                (n, ref d) if n % 2 == 0 => {
                    let k = pend(2, n / 2).await;
                    d.touch();
                    k
                }
                (n, ref d) => {
                    pend(1, ()).await;
                    n + d.touch() as u32
                }
            }
        }
    },
    run: async { (f((4, D::new("even"))).await, f((3, D::new("odd"))).await) },
}

differential! {
    /// A value moved in one `match` arm only, then an await: alive or not
    /// depending on the arm taken (rustc's drop flag).
    name: moved_in_one_match_arm,
    items: {
        fn consume(d: D) -> u32 {
            log(format!("consume {}", d.0));
            1
        }
        #[lh] async fn f(pick: u32) -> u32 {
            let token = D::new("token");
            let later = D::new("later");
            let n = match pick {
                0 => consume(token),
                1 => 10,
                _ => {
                    log("other");
                    20
                }
            };
            let m = pend(1, n).await;
            later.touch() as u32 + m
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}

differential! {
    /// A value moved on the right of `&&` (evaluated only sometimes).
    name: moved_behind_short_circuit,
    items: {
        fn take(d: D) -> bool {
            log(format!("take {}", d.0));
            true
        }
        #[lh] async fn f(go: bool) -> bool {
            let d = D::new("maybe");
            let both = go && take(d);
            pend(1, ()).await;
            both
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A closure that borrows a local, kept across one await, then dead
    /// while the local is mutated and the function awaits again. rustc lets
    /// the closure's borrow end at its last use; longhand must not keep (and
    /// so move) the dead closure, whose reference the mutation invalidated
    /// (Miri reports the move as undefined behaviour).
    name: dead_closure_over_a_mutated_local,
    items: {
        #[lh] async fn f(k: u32) -> (u32, u32) {
            let mut r = k;
            let mut sum = 0;
            {
                let scale = |x: u32| x * r;
                sum += scale(pend(1, 1).await);
                r += 1;
                sum += pend(1, r).await;
            }
            (sum, r)
        }
    },
    run: f(3),
}

differential! {
    /// A pinned local in scope while an awaitee holds `&mut` to a value kept
    /// beside it: leaving the pinned local's scope by suspending asks
    /// whether the body is running, which must read only the state's
    /// discriminant. A shared reference to the whole state there would
    /// invalidate the awaitee's `&mut` (Miri reports it as undefined
    /// behaviour).
    name: pinned_local_in_scope_of_an_awaitee_borrowing_mutably,
    items: {
        async fn fill(buf: &mut Vec<u32>, n: u32) -> usize {
            pend(1, ()).await;
            buf.push(n);
            pend(1, ()).await;
            buf.len()
        }
        #[lh] async fn f(k: u32) -> usize {
            let mut v = vec![k];
            let r = &mut v;
            let mut buf = Vec::new();
            let a = fill(&mut buf, k).await;
            r.push(k + 1);
            a + buf.len() + v.len()
        }
    },
    run: f(3),
}

differential! {
    /// Bindings of a destructuring `let`, one borrowed across awaits: all
    /// of them are bound again in place, and drop in rustc's order (the
    /// last bound first), on completion and at every cancellation point.
    name: destructured_let_borrowed_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let (first, mut items, last) = (D::new("first"), vec![D::new("x")], D::new("last"));
            let before = D::new("before");
            let mut n = 0;
            for d in items.iter() {
                n += pend(1, d.touch()).await;
            }
            items.push(D::new("y"));
            let r = &items;
            n += pend(1, r.len()).await;
            n + first.touch() + last.touch() + before.touch()
        }
    },
    run: f(),
}

differential! {
    /// A match arm's binding (with a guard that reads it) and an `if let`
    /// chain's, borrowed across an await; the other arm uses the scrutinee
    /// differently.
    name: arm_and_if_let_bindings_borrowed_across_awaits,
    items: {
        #[lh] async fn f(o: Option<Vec<D>>, p: Option<(D, Vec<D>)>) -> usize {
            let a = match o {
                Some(list) if !list.is_empty() => {
                    let mut n = 0;
                    for d in list.iter() {
                        n += pend(1, d.touch()).await;
                    }
                    n
                }
                Some(list) => list.len(),
                None => 0,
            };
            let b = if let Some((head, mut rest)) = p && head.touch() > 0 {
                let r = &mut rest;
                pend(1, ()).await;
                r.push(D::new("pushed"));
                rest.len() + head.touch()
            } else {
                0
            };
            a + b
        }
    },
    run: f(Some(vec![D::new("a"), D::new("b")]), Some((D::new("h"), vec![D::new("r")]))),
}

differential! {
    /// `while let` and `let .. else` bindings, and a tuple parameter,
    /// borrowed across awaits.
    name: while_let_let_else_and_param_bindings_borrowed,
    items: {
        #[lh] async fn f((tag, list): (D, Vec<u32>), mut queue: Vec<Vec<u32>>) -> u32 {
            let mut sum = 0;
            for x in list.iter() {
                sum += pend(1, *x).await;
            }
            while let Some(batch) = queue.pop() {
                for x in batch.iter() {
                    sum += pend(1, *x).await;
                }
            }
            let Some(last) = Some(vec![7u32]) else { return 0 };
            let r = &last;
            pend(1, ()).await;
            sum + r[0] + tag.touch() as u32
        }
    },
    run: f((D::new("tag"), vec![1, 2]), vec![vec![3], vec![4, 5]]),
}

differential! {
    /// An or-pattern's binding borrowed across an await.
    name: or_pattern_binding_borrowed_across_await,
    items: {
        #[allow(dead_code)]
        enum Msg { A(Vec<D>), B(Vec<D>), C }
        #[lh] async fn f(m: Msg) -> usize {
            match m {
                Msg::A(items) | Msg::B(items) => {
                    let mut n = 0;
                    for d in items.iter() {
                        n += pend(1, d.touch()).await;
                    }
                    n
                }
                Msg::C => 0,
            }
        }
    },
    run: f(Msg::B(vec![D::new("b1"), D::new("b2")])),
}

differential! {
    /// An awaitee panics while a pinned local and its iterator wait: rustc
    /// drops the awaitee, then the locals, latest declared first, while the
    /// panic unwinds, not when the future is dropped later.
    name: awaitee_panics_while_a_local_is_pinned,
    items: {
        #[lh] async fn boom(n: usize) -> usize {
            pend(1, ()).await;
            if n == 2 {
                panic!("boom at {n}");
            }
            n
        }
        #[lh] async fn f(list: Vec<D>) -> usize {
            let _before = D::new("before");
            let mut n = 0;
            for d in list.iter() {
                let _inner = D::new("inner");
                n += boom(d.touch()).await;
            }
            let _after = D::new("after");
            n
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("c")]),
}

differential! {
    /// A pinned local captured by `move` closures and an `async move`
    /// block: each takes its copy (or the value) when it is created, so
    /// later changes to the local do not reach it, and its own changes do
    /// not reach the local.
    name: move_closures_capture_a_pinned_local_when_created,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 5u32;
            let name = D::new("name");
            let r = &n;
            let s = &name;
            pend(1, ()).await;
            let total = *r + s.touch() as u32;
            let g = move || n + 1;
            let mut h = move || {
                n += 100;
                n
            };
            let later = async move { n * 2 };
            n += 10;
            let owned = move || name.touch() as u32;
            let a = h() + h();
            let b = pend(1, 7u32).await + later.await;
            g() + n + total + a + b + owned()
        }
    },
    run: f(),
}

differential! {
    /// `pin!` in a `let`: the future it pins is polled once by hand, waits
    /// across another await (it borrows its own local, so moving it would
    /// dangle), then is awaited through the pin; dropped at every point,
    /// the pinned future drops after the pin and before earlier locals.
    name: pin_macro_polled_then_awaited_later,
    items: {
        use std::future::Future;
        async fn child(d: D) -> u32 {
            let r = &d;
            pend(2, ()).await;
            r.touch() as u32
        }
        async fn poll_once<F: Future + Unpin>(mut f: F) -> Option<F::Output> {
            std::future::poll_fn(|cx| {
                std::task::Poll::Ready(match std::pin::Pin::new(&mut f).poll(cx) {
                    std::task::Poll::Ready(v) => Some(v),
                    std::task::Poll::Pending => None,
                })
            })
            .await
        }
        #[lh] async fn f() -> u32 {
            let before = D::new("before");
            let mut fut = std::pin::pin!(child(D::new("child")));
            let first = poll_once(fut.as_mut()).await;
            pend(1, ()).await;
            let v = fut.await;
            let _after = D::new("after");
            v + first.unwrap_or(7) + before.touch() as u32
        }
    },
    run: f(),
}

differential! {
    /// The statement form (`pin_mut!(a, b)`, as futures and tokio write
    /// it): each local is moved into the macro's hidden local and shadowed
    /// by its pin.
    name: pin_mut_statement_across_awaits,
    items: {
        macro_rules! pin_mut {
            ($($x:ident),* $(,)?) => { $(
                let mut $x = $x;
                #[allow(unused_mut)]
                let mut $x = unsafe { ::core::pin::Pin::new_unchecked(&mut $x) };
            )* }
        }
        async fn child(d: D, n: u32) -> u32 {
            let r = &d;
            pend(n, ()).await;
            r.touch() as u32 + n
        }
        #[lh] async fn f() -> u32 {
            let a = child(D::new("a"), 1);
            let b = child(D::new("b"), 2);
            pin_mut!(a, b);
            let x = b.as_mut().await;
            pend(1, ()).await;
            x + a.await
        }
    },
    run: f(),
}

differential! {
    /// `pin!` inside an `async` block awaited where it is written: the
    /// block is lowered with the function, its `pin!` too.
    name: pin_macro_in_an_inlined_async_block,
    items: {
        async fn child(d: D) -> u32 {
            let r = &d;
            pend(2, ()).await;
            r.touch() as u32
        }
        #[lh] async fn f() -> u32 {
            let n = async {
                let mut fut = std::pin::pin!(child(D::new("child")));
                pend(1, ()).await;
                fut.as_mut().await + 1
            }
            .await;
            n + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// Struct literals with shorthand fields (`Summary { ids, total }`)
    /// naming a local pinned in place (a `for` loop iterated it by
    /// reference across awaits; a reference to it crossed an await) and a
    /// local shadowed while alive: each field is a use like any other.
    name: shorthand_field_inits_of_pinned_and_renamed_locals,
    items: {
        #[derive(Debug)]
        #[allow(dead_code)]
        struct Summary { ids: Vec<u32>, total: u32, kind: u8, name: String }
        #[lh] async fn f(ids: Vec<u32>, k0: u8) -> Summary {
            let mut total = 0;
            for id in ids.iter() {
                total += pend(1, *id).await;
            }
            let kind = k0 + 1;
            let r = &kind;
            let name = String::from("first");
            let first = &name;
            let name = format!("{}+", first);
            pend(1, ()).await;
            total += *r as u32 + first.len() as u32;
            Summary { ids, total, kind, name }
        }
    },
    run: f(vec![1, 2, 3], 2),
}

differential! {
    /// A destructuring assignment to a pinned local: the right side moves
    /// the pinned value out, then the left side assigns it again. rustc
    /// assigns each place after evaluating the right side, with nothing to
    /// drop in the emptied place; so must the pin slot.
    name: destructuring_assignment_to_pinned_local,
    items: {
        #[allow(dead_code)]
        struct Pair(D, D);
        #[lh] async fn f() -> usize {
            let mut x = D::new("x");
            let mut y = D::new("y");
            (x, y) = (y, x);
            let r = &y;
            pend(1, ()).await;
            let got = r.touch() + x.touch();
            Pair(y, _) = Pair(D::new("y2"), D::new("ignored"));
            let s = &mut y;
            pend(1, ()).await;
            got + s.touch()
        }
    },
    run: f(),
}

differential! {
    /// What an awaitee returns may borrow the local it borrowed: a guard
    /// from `lock()` on an owned local, used after the suspension, in a
    /// `let` and as a statement's temporary (`*cell.lock().await += 1`).
    /// The local stays in place (pinned) instead of being moved out of the
    /// state when the future resumes, which would leave the guard pointing
    /// at the old place (the second lock then found the cell still
    /// borrowed).
    name: awaited_guard_borrows_an_owned_local,
    items: {
        struct Guard<'a>(std::cell::RefMut<'a, u32>, &'static str);
        impl Drop for Guard<'_> {
            fn drop(&mut self) {
                log(format!("unlock {}", self.1));
            }
        }
        struct Cell(std::cell::RefCell<u32>, D);
        impl Cell {
            async fn lock(&self, who: &'static str) -> Guard<'_> {
                pend(1, ()).await;
                log(format!("lock {who}"));
                Guard(self.0.borrow_mut(), who)
            }
        }
        #[lh] async fn f() -> u32 {
            let cell = Cell(std::cell::RefCell::new(1), D::new("cell"));
            let mut g = cell.lock("a").await;
            *g.0 += 1;
            drop(g);
            *cell.lock("b").await.0 += 10;
            let n = *cell.lock("c").await.0;
            n + cell.1.touch() as u32
        }
    },
    run: f(),
}

differential! {
    /// A pinned local released after its last await (`release`): the rest
    /// of it drops in its own place, after a local declared later; in a
    /// loop body each iteration's local is released on its own; a panic
    /// after the release unwinds through the released local.
    name: released_local_drops_in_place,
    items: {
        struct Job { done: D, _rest: D, n: u32 }
        impl Job {
            async fn step(&mut self) -> u32 {
                self.n += pend(1, 1).await;
                self.n
            }
        }
        #[lh] async fn f(fail: bool) -> u32 {
            let mut total = 0;
            for i in 0..2 {
                let mut j = Job { done: D::new("done"), _rest: D::new("rest"), n: i };
                let _other = D::new("other");
                total += j.step().await;
                let done = j.done;
                log(format!("took {}", done.touch()));
                if fail && i == 1 {
                    panic!("after the release");
                }
                total += j.n;
            }
            total
        }
    },
    run: async { (f(false).await, f(true).await) },
}

differential! {
    /// A reference to a pinned local used after the last await: the local
    /// is released only after that use, then a field moves out.
    name: released_after_the_last_use_of_a_reference,
    items: {
        struct W { name: String, done: D }
        impl W {
            async fn poke(&mut self) {
                self.name.push('!');
                pend(1, ()).await;
            }
        }
        #[lh] async fn f() -> (usize, String) {
            let mut w = W { name: "w".to_string(), done: D::new("done") };
            w.poke().await;
            let r = &w;
            pend(1, ()).await;
            let len = r.name.len();
            let name = w.name;
            log(format!("{name} {len}"));
            (w.done.touch(), name)
        }
    },
    run: f(),
}

differential! {
    /// A field moved out of a local an awaitee borrowed.
    name: field_moved_out_of_a_lent_local,
    items: {
        struct Worker { done: Vec<D>, left: u32 }
        impl Worker {
            async fn step(&mut self) -> bool {
                pend(1, ()).await;
                self.done.push(D::new("job"));
                self.left -= 1;
                self.left > 0
            }
        }
        #[lh] async fn f() -> usize {
            let mut w = Worker { done: Vec::new(), left: 2 };
            while w.step().await {}
            let done = w.done;
            done.len()
        }
    },
    run: f(),
}

differential! {
    /// A pinned local whose user method takes `self` by value after the
    /// last await (`tx.commit()`): released, then consumed; one that only
    /// borrows (`peek`) still drops in its own place, after a later local.
    name: released_local_consumed_by_a_user_method,
    items: {
        struct Tx { log: Vec<u32>, _d: D }
        impl Tx {
            fn commit(self) -> usize {
                log("commit");
                self.log.len()
            }
            fn peek(&self) -> usize {
                self.log.len()
            }
        }
        async fn write(v: &mut Vec<u32>, x: u32) {
            pend(1, ()).await;
            v.push(x)
        }
        #[lh] async fn f(commit: bool) -> usize {
            let mut tx = Tx { log: vec![], _d: D::new("tx") };
            write(&mut tx.log, 1).await;
            write(&mut tx.log, 2).await;
            let _later = D::new("later");
            if commit {
                return tx.commit();
            }
            tx.peek()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Pinned locals assigned inside a closure or block that is stored across
    /// an await (a `poll_fn` awaitee assigning a local that a `pin!` future
    /// sits beside, an `async` block), and inside a `move` closure, which
    /// assigns its own copy: each assignment drops the old value in place.
    name: pinned_locals_assigned_inside_stored_closures,
    items: {
        #[lh] async fn f() -> (u32, u32, u32) {
            let mut total = 0u32;
            let mut seen = D::new("seen before");
            let mut fut = std::pin::pin!(pend(2, 5u32));
            std::future::poll_fn(|cx| {
                total += 1;
                seen = D::new("seen in poll_fn");
                fut.as_mut().poll(cx).map(|v| total += v)
            })
            .await;
            let mut last = D::new("last before");
            async {
                pend(1, ()).await;
                last = D::new("last in block");
            }
            .await;
            let mut n = 1u32;
            let r = &n;
            pend(1, ()).await;
            let x = *r;
            let mut bump = move || {
                n = 2 * n + 10;
                n
            };
            let b = bump();
            pend(1, ()).await;
            (total + seen.touch() as u32 + last.touch() as u32, x + b + bump(), n)
        }
    },
    run: f(),
}
