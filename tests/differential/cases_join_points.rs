//! Code reached by several paths: the top of a loop whose iterations await,
//! and the statements after one that awaits on some paths only. A closure or
//! `async move` block there whose type reaches a state (inside an awaited
//! future, or kept across an await) must be written once, so longhand passes
//! through a join point (`JoinN`) there. These cases fail to compile without
//! it ("expected closure, found a different closure").

use crate::harness::*;

differential! {
    /// An `async move` block inside an awaited future, and a closure kept
    /// across an await, at the top of a `for` loop whose iterations await.
    name: closure_types_in_code_reached_twice,
    items: {
        async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            let _w = D::new("wrap");
            f.await
        }
        #[lh] async fn f(items: Vec<u32>) -> u32 {
            let _a = D::new("a");
            let mut total = 0;
            for n in items {
                let _it = D::new("iteration");
                total += wrap(async move { pend(1, n).await }).await;
                let double = |x: u32| x * 2;
                total += double(pend(1, n).await);
            }
            total
        }
    },
    run: async { (f(vec![1, 2]).await, f(vec![]).await) },
}

differential! {
    /// After an `if` that awaits on one branch and a `match` that awaits on
    /// two: an awaited `async move` block and a kept closure, each reached
    /// from every branch.
    name: closures_after_branches_that_await,
    items: {
        async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            f.await
        }
        #[lh] async fn f(c: bool, k: u32) -> u32 {
            let _a = D::new("a");
            let mut total = 0;
            if c {
                total += pend(1, 5).await;
            }
            let _b = D::new("b");
            total += wrap(async move { pend(1, k).await + 1 }).await;
            let step = match k {
                0 => pend(1, 10).await,
                1 => pend(2, 20).await,
                _ => 30,
            };
            let add = move |x: u32| x + step;
            total = add(pend(1, total).await) + add(0);
            total
        }
    },
    run: async { (f(true, 0).await, f(false, 1).await, f(true, 7).await) },
}

differential! {
    /// `while` and `while let` loops whose condition awaits a future built
    /// from a closure, with `break` and `continue`, and code after the loop
    /// reached by its exits.
    name: closures_in_while_conditions,
    items: {
        async fn apply<F: Fn(u32) -> u32>(f: F, x: u32) -> u32 {
            pend(1, ()).await;
            f(x)
        }
        #[lh] async fn f(limit: u32) -> (u32, Vec<u32>) {
            let mut i = 0;
            let mut seen = Vec::new();
            'outer: while apply(|x| x + 1, i).await <= limit {
                i += 1;
                if i == 2 {
                    continue;
                }
                let mut stack = vec![i, i * 10];
                while let Some(v) = apply(move |x| x, stack.pop().unwrap_or(0)).await.checked_sub(1) {
                    seen.push(v);
                    if v > 30 {
                        break 'outer;
                    }
                    if stack.is_empty() {
                        break;
                    }
                }
            }
            let last = wrap_len(async move { pend(1, i).await }).await;
            (last, seen)
        }
        async fn wrap_len<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            f.await
        }
    },
    run: async { (f(1).await, f(3).await, f(9).await) },
}

differential! {
    /// A `loop` that breaks with a value from before and after its awaits,
    /// and a nested loop, each with closures kept across awaits: join
    /// points at both loop heads and after the loop.
    name: closures_in_nested_loops_and_after_break,
    items: {
        #[lh] async fn f(rows: Vec<Vec<u32>>) -> (u32, u32) {
            let mut sum = 0;
            let mut r = 0;
            let found = loop {
                if r >= rows.len() {
                    break None;
                }
                let scale = |x: u32| x * (r as u32 + 1);
                for &v in &rows[r] {
                    let _d = D::new("cell");
                    let bump = |x: u32| x + 1;
                    sum += scale(bump(pend(1, v).await));
                    if v == 99 {
                        break;
                    }
                }
                r += 1;
                if sum > pend(1, 50).await {
                    break Some(r);
                }
            };
            let finish = |s: u32| s + found.unwrap_or(0) as u32;
            (finish(pend(1, sum).await), r as u32)
        }
    },
    run: async {
        (
            f(vec![vec![1, 2], vec![3, 99, 4], vec![]]).await,
            f(vec![vec![20, 30], vec![1]]).await,
        )
    },
}

differential! {
    /// A closure or `async move` block in an awaited future after another
    /// `.await` of the same statement: the operand awaited first is hoisted,
    /// and the rest of the statement runs in that await's state only.
    name: closures_after_an_await_in_the_same_statement,
    items: {
        async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            f.await
        }
        async fn apply<F: Fn(u32) -> u32>(x: u32, f: F) -> u32 {
            pend(1, ()).await;
            f(x)
        }
        #[lh] async fn f(k: u32) -> (u32, u32, u32) {
            let _d = D::new("d");
            let a = pend(1, 1).await + wrap(async move { pend(1, k).await }).await;
            let b = apply(pend(2, k).await, |x| x * 3).await + apply(a, move |x| x + k).await;
            let c = wrap(async move { a + b }).await * pend(1, 2).await;
            (a, b, c)
        }
    },
    run: f(4),
}

differential! {
    /// A closure or `async move` block written after an operand that
    /// suspends on some paths only, in the same statement: the operand is
    /// hoisted into a `match`, and a join point at the head of its arm
    /// writes the rest of the statement once. Temporaries on both sides of
    /// the operand still live to the end of the statement.
    name: closure_after_a_branching_operand_in_the_same_statement,
    items: {
        async fn wrap2<F: std::future::Future<Output = u32>>(a: u32, f: F) -> u32 {
            a + f.await
        }
        async fn wrap3<F: std::future::Future<Output = u32>>(d: &D, a: u32, f: F) -> u32 {
            a + f.await + d.touch() as u32
        }
        #[lh] async fn f(c: bool, k: u32) -> u32 {
            let a = wrap2(if c { pend(1, 1).await } else { 0 }, async move { pend(1, k).await }).await;
            let b = wrap3(
                &D::new("borrowed"),
                if c { pend(2, 2).await } else { D::new("else").touch() as u32 },
                async move { pend(1, k * 2).await },
            )
            .await;
            a * 100 + b
        }
    },
    run: async { (f(true, 3).await, f(false, 3).await) },
}

differential! {
    /// A closure built after a branching operand and kept across a later
    /// suspension, and a `||` whose right side suspends followed by a
    /// closure passed to an awaited call.
    name: closure_after_a_branching_operand_kept_across_an_await,
    items: {
        async fn apply<F: Fn(u32) -> u32>(x: u32, f: F) -> u32 {
            pend(1, ()).await;
            f(x)
        }
        #[lh] async fn f(c: bool, k: u32) -> u32 {
            let _d = D::new("local");
            let (n, g) = (if c { pend(1, 2).await } else { 1 }, move |x: u32| x * k);
            pend(1, ()).await;
            let both = apply((c || pend(1, false).await) as u32, move |x| x + g(n)).await;
            g(n) * 10 + both
        }
    },
    run: async { (f(true, 3).await, f(false, 4).await) },
}

differential! {
    /// A `match` whose scrutinee, and an `if` whose condition, suspends on
    /// some paths only, with `async move` blocks in the arms and branches.
    name: async_blocks_in_branches_of_a_branching_scrutinee,
    items: {
        async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            f.await + 1
        }
        #[lh] async fn f(c: bool, k: u32) -> u32 {
            let m = match if c { pend(1, 1).await } else { 0 } {
                0 => wrap(async move { k }).await,
                n => {
                    let d = D::new("arm");
                    wrap(async move { n + pend(1, k).await + d.touch() as u32 }).await
                }
            };
            let i = if c && pend(1, true).await {
                wrap(async move { pend(2, m).await }).await
            } else if k > 3 {
                wrap(async move { m * 2 }).await
            } else {
                0
            };
            m + i
        }
    },
    run: async { (f(true, 3).await, f(false, 3).await, f(false, 4).await) },
}

differential! {
    /// A destructuring `let` whose value comes from a loop with a join
    /// point at its head, or from a block with one after a statement: the
    /// arm that only jumps to the join cannot type the pattern, so it binds
    /// nothing there.
    name: destructuring_let_around_join_points,
    items: {
        async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            f.await + 1
        }
        #[lh] async fn f(c: bool, k: u32) -> u32 {
            let mut i = 0;
            let (a, d) = loop {
                let g = async move { k + i };
                i += 1;
                if wrap(g).await > 5 {
                    break (i, D::new("from the loop"));
                }
            };
            let (b, e): (u32, _) = {
                if c {
                    wrap(async { 1 }).await;
                }
                let g = async move { k };
                (wrap(g).await, D::new("from the block"))
            };
            a + b + d.touch() as u32 + e.touch() as u32
        }
    },
    run: async { (f(true, 3).await, f(false, 6).await) },
}

differential! {
    /// The same with the type written out whole (`let (b, e): (u32, D) =
    /// ..`): the arm that only jumps to the join keeps the type on a `_`.
    name: typed_destructuring_let_around_a_join_point,
    items: {
        async fn wrap<F: std::future::Future<Output = u32>>(f: F) -> u32 {
            f.await + 1
        }
        #[lh] async fn f(c: bool, k: u32) -> u32 {
            let (b, e): (u32, D) = {
                if c {
                    pend(1, ()).await;
                }
                let g = async move { k };
                (wrap(g).await, D::new("from the block"))
            };
            b + e.touch() as u32
        }
    },
    run: async { (f(true, 3).await, f(false, 6).await) },
}

differential! {
    /// A loop with a closure (so its head is a join point) whose iteration
    /// assigns a local, reads it, awaits and `break`s: the code resumed
    /// after the await writes the loop out again, so it still declares the
    /// local, though the `break` means the await never reaches it.
    name: loop_with_join_point_breaking_after_its_await,
    items: {
        #[allow(unused_assignments, clippy::never_loop)]
        #[lh] async fn f(n: usize) -> usize {
            let mut last = None;
            let mut total = 0;
            loop {
                last = Some(n);
                let y = last.map(|x| x + 1).unwrap_or(0);
                total += pend(1, y).await;
                break;
            }
            total + last.unwrap_or(0)
        }
    },
    run: async { (f(1).await, f(5).await) },
}
