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
