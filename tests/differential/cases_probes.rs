//! Shapes that combine several features at once: async blocks and
//! references borrowing locals across awaits, `&mut self` field borrows,
//! tuples of awaits, shadowing and early returns inside loops.

use crate::harness::*;

differential! {
    /// A native `async` block that borrows a local, awaited after another
    /// await (the local stays in place while the block borrows it).
    name: async_block_borrows_local,
    items: {
        #[lh] async fn f() -> usize {
            let words = vec![D::new("w1"), D::new("w2")];
            let count = async { words.iter().map(|w| w.touch()).sum::<usize>() };
            let extra = pend(1, 1).await;
            count.await + extra
        }
    },
    run: f(),
}

differential! {
    /// A reference to an element, kept across an await.
    name: element_reference_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let v = vec![5, 6, 7];
            let first = &v[0];
            let n = pend(2, 10).await;
            log(format!("first {first}"));
            first + n
        }
    },
    run: f(),
}

differential! {
    /// `&mut self`: a field borrowed mutably across awaits, then the whole
    /// `self` used again.
    name: mut_self_field_across_awaits,
    items: {
        struct Inbox { items: Vec<u32>, seen: u32, _d: D }
        impl Inbox {
            #[lh] async fn fill(&mut self, n: u32) -> u32 {
                let items = &mut self.items;
                for i in 0..n {
                    items.push(pend(1, i).await);
                }
                self.seen += n;
                self.items.len() as u32 + self.seen
            }
        }
    },
    run: async {
        let mut inbox = Inbox { items: vec![], seen: 0, _d: D::new("inbox") };
        let a = inbox.fill(2).await;
        let b = inbox.fill(1).await;
        (a, b, inbox.items.clone())
    },
}

differential! {
    /// A tuple of awaits as a `match` scrutinee, with guards.
    name: tuple_of_awaits_scrutinee,
    items: {
        #[lh] async fn f(x: u32) -> &'static str {
            match (pend(1, x).await, pend(1, x * 2).await) {
                (a, b) if a + b > 10 => "big",
                (0, _) => "zero",
                _ => "small",
            }
        }
    },
    run: async { (f(0).await, f(2).await, f(5).await) },
}

differential! {
    /// Shadowing inside a loop across awaits, with a `D` per iteration.
    name: shadowing_in_loop,
    items: {
        #[lh] async fn f(rounds: u32) -> u32 {
            let mut acc = 0;
            for r in 0..rounds {
                let x = D::new("round");
                let x = x.touch() as u32 + pend(1, r).await;
                let x = x * 2;
                acc += pend(0, x).await;
            }
            acc
        }
    },
    run: f(3),
}

differential! {
    /// `return` from a `match` arm inside a loop, with live values at
    /// several levels.
    name: return_from_match_in_loop,
    items: {
        #[lh] async fn f(target: u32) -> Option<u32> {
            let _outer = D::new("outer");
            let mut i = 0;
            loop {
                let _each = D::new("each");
                match pend(1, i).await {
                    n if n == target => {
                        let _found = D::new("found");
                        return Some(pend(1, n * 100).await);
                    }
                    n if n > 5 => return None,
                    _ => i += 1,
                }
            }
        }
    },
    run: async { (f(2).await, f(9).await) },
}

differential! {
    /// `?` inside an awaited operand, after kept values were written into
    /// the state: leaving early must drop them, once, in order.
    name: try_inside_awaited_operand,
    items: {
        fn check(n: u32) -> Result<u32, String> {
            if n > 2 { Err(format!("too big: {n}")) } else { Ok(n) }
        }
        #[lh] async fn f(n: u32) -> Result<u32, String> {
            let _kept = D::new("kept");
            let mut buf = vec![1u32];
            let got = pend(1, check(n)? + buf.len() as u32).await;
            buf.push(got);
            Ok(buf.iter().sum())
        }
    },
    run: async { (f(1).await, f(5).await) },
}

differential! {
    /// A panic while building the awaited future, with values already kept
    /// and an awaitee borrowing one of them.
    name: panic_building_awaitee,
    items: {
        fn boom(v: &mut Vec<u32>, n: u32) -> u32 {
            if n == 3 { panic!("boom while building") }
            v.push(n);
            n
        }
        #[lh] async fn f(n: u32) -> u32 {
            let _a = D::new("a");
            let mut v = vec![0];
            let _b = D::new("b");
            let x = pend(1, boom(&mut v, n)).await;
            x + v.len() as u32
        }
    },
    run: f(3),
}

differential! {
    /// An early `?` out of a loop over a pinned local's iterator.
    name: try_out_of_pinned_loop,
    items: {
        #[lh] async fn f(items: Vec<&'static str>) -> Result<usize, String> {
            let _guard = D::new("guard");
            let mut total = 0;
            for s in items.iter() {
                let n: usize = pend(1, s.parse::<usize>()).await.map_err(|e| e.to_string())?;
                total += n;
            }
            Ok(total + items.len())
        }
    },
    run: async { (f(vec!["1", "2"]).await, f(vec!["3", "x", "4"]).await) },
}

differential! {
    /// A generic function with a pinned local and a where clause.
    name: generic_pinned,
    items: {
        #[lh] async fn f<T>(items: Vec<T>) -> usize
        where
            T: std::fmt::Debug + Clone,
        {
            let mut seen = 0;
            for it in items.iter() {
                let shown = format!("{it:?}");
                seen += pend(1, shown.len()).await;
            }
            seen + items.len()
        }
    },
    run: async { (f(vec![1, 22, 333]).await, f(vec!["a", "bc"]).await) },
}

differential! {
    /// Generic pinning with borrowed arguments (an elided and a named
    /// lifetime) and a turbofish call.
    name: generic_pinned_borrowed_args_and_turbofish,
    items: {
        #[lh] async fn f<'s, T: std::fmt::Display>(items: Vec<T>, sep: &str, end: &'s str) -> (String, &'s str) {
            let mut out = String::new();
            for it in items.iter() {
                out += &pend(1, format!("{it}{sep}")).await;
            }
            (out, end)
        }
    },
    run: async { (f::<u8>(vec![1, 2], "-", ".").await, f(vec!['a'], "+", "!").await) },
}

differential! {
    /// A pinned local in a function with an `impl Trait` argument and an
    /// `impl Trait` output (the native check infers both).
    name: pinned_with_impl_trait_argument_and_output,
    items: {
        #[lh] async fn f(items: Vec<u32>, sep: impl AsRef<str>) -> impl std::fmt::Debug {
            let mut out = String::new();
            for it in items.iter() {
                out += &pend(1, format!("{it}{}", sep.as_ref())).await;
            }
            (out, items.len())
        }
    },
    run: async { format!("{:?} {:?}", f(vec![1, 2], "-").await, f(vec![], String::new()).await) },
}

differential! {
    /// A method of a generic type that pins a local of the type's parameter.
    name: generic_impl_method_pinned,
    items: {
        struct Bag<T> {
            items: Vec<T>,
        }
        impl<T: Clone + std::fmt::Debug> Bag<T> {
            #[lh] async fn echo<U: std::fmt::Debug>(&self, tag: U) -> Vec<String> {
                let copy: Vec<T> = self.items.clone();
                let mut out = Vec::new();
                for it in copy.iter() {
                    out.push(pend(1, format!("{tag:?}{it:?}")).await);
                }
                out
            }
        }
    },
    run: async { Bag { items: vec![1, 2] }.echo("t").await },
}

differential! {
    /// An iterator over a local advanced by hand across awaits.
    name: manual_iterator_across_awaits,
    items: {
        // Advancing by hand, not `for`, is the point of the case.
        #[allow(clippy::while_let_on_iterator)]
        #[lh] async fn f() -> u32 {
            let v = vec![3, 4, 5];
            let mut it = v.iter();
            let mut sum = 0;
            while let Some(x) = it.next() {
                sum += pend(1, *x).await;
                if sum > 6 {
                    break;
                }
            }
            sum + it.count() as u32
        }
    },
    run: f(),
}

differential! {
    /// A closure mutating a captured counter, called before and after awaits.
    name: mutating_closure_across_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let mut count = 0;
            let mut bump = |by: u32| count += by;
            bump(1);
            let n = pend(1, 2).await;
            bump(n);
            pend(1, ()).await;
            bump(3);
            count
        }
    },
    run: f(),
}

differential! {
    /// A labeled block's break value computed with an await, inside a loop
    /// that continues.
    name: labeled_block_value_in_loop,
    items: {
        #[lh] async fn f(n: u32) -> Vec<u32> {
            let mut out = Vec::new();
            'each: for i in 0..n {
                let v = 'pick: {
                    if i % 2 == 0 {
                        break 'pick pend(1, i * 10).await;
                    }
                    if i == 3 {
                        continue 'each;
                    }
                    pend(0, i).await
                };
                out.push(v);
            }
            out
        }
    },
    run: f(5),
}

differential! {
    /// `if let` on a borrow of a kept `Option`, awaiting in the branch.
    name: if_let_as_ref_across_await,
    items: {
        #[lh] async fn f(o: Option<String>) -> usize {
            let _d = D::new("d");
            if let Some(s) = o.as_ref() {
                let extra = pend(1, 1).await;
                return s.len() + extra;
            }
            pend(1, 0).await
        }
    },
    run: async { (f(Some(String::from("abc"))).await, f(None).await) },
}

differential! {
    /// Futures stored in a `Vec`, awaited one by one.
    name: awaiting_stored_futures,
    items: {
        #[lh] async fn f() -> u32 {
            let futs = vec![pend(1, 1), pend(2, 2), pend(0, 3)];
            let mut total = 0;
            for fut in futs {
                total += fut.await;
            }
            total
        }
    },
    run: f(),
}
