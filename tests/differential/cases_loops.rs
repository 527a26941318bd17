//! Loops with awaits: `loop`, `while`, `while let`, `for`, labels.
// Locals declared without a value and assigned later are written on purpose.
#![allow(clippy::needless_late_init)]

use crate::harness::*;

differential! {
    /// `for` over a `Vec` by value (the iterator is stored across awaits).
    name: for_loop_sum,
    items: {
        #[lh] async fn f(ids: Vec<u32>) -> u32 {
            let mut total = 0;
            for id in ids { total += pend(1, id).await; }
            total
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `for` over a `Vec<D>` by value: on cancellation the current item and the
    /// rest of the iterator are dropped.
    name: for_vec_of_d,
    items: {
        #[lh] async fn f(ds: Vec<D>) -> usize {
            let mut n = 0;
            for d in ds {
                n += d.touch();
                pend(1, ()).await;
                log("next");
            }
            n
        }
    },
    run: f(vec![D::new("x"), D::new("yy"), D::new("zzz")]),
}

differential! {
    /// `for` over a range.
    name: for_range,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let mut acc = 0;
            for i in 0..n {
                let _d = D::new("iter");
                acc += pend(i % 2, i).await;
            }
            acc
        }
    },
    run: f(4),
}

differential! {
    /// `loop` with `break value`.
    name: loop_break_value,
    items: {
        #[lh] async fn f() -> u32 {
            let mut i = 0;
            let r = loop {
                let _d = D::new("iter");
                i += pend(1, 1).await;
                if i > 2 {
                    break i * 10;
                }
            };
            r + 1
        }
    },
    run: f(),
}

differential! {
    /// `break x.await` out of a loop.
    name: break_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut i = 0;
            loop {
                i += 1;
                if i == 3 {
                    let _d = D::new("breaking");
                    break pend(2, i * 7).await;
                }
                pend(0, ()).await;
            }
        }
    },
    run: f(),
}

differential! {
    /// `while` with an await in the body.
    name: while_body_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut i = 0;
            while i < 3 {
                let _d = D::new("body");
                i += pend(1, 1).await;
            }
            i
        }
    },
    run: f(),
}

differential! {
    /// `while let` popping a `Vec`.
    name: while_let_pop,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> usize {
            let mut total = 0;
            while let Some(d) = v.pop() {
                pend(1, ()).await;
                total += d.touch();
            }
            total
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("ccc")]),
}

differential! {
    /// Labeled `break` / `continue` across nested loops.
    name: labeled_break_continue,
    items: {
        #[lh] async fn f() -> Vec<(u32, u32)> {
            let mut seen = Vec::new();
            'outer: for i in 0..4 {
                let _o = D::new("outer iter");
                for j in 0..3 {
                    let _i = D::new("inner iter");
                    if j == 2 {
                        continue 'outer;
                    }
                    if i == 2 && j == 1 {
                        break 'outer;
                    }
                    seen.push((i, pend(1, j).await));
                }
            }
            seen
        }
    },
    run: f(),
}

differential! {
    /// `while let` over an awaited scrutinee.
    name: while_let_await_scrutinee,
    items: {
        #[lh] async fn next(v: &mut Vec<u32>) -> Option<u32> {
            pend(1, ()).await;
            v.pop()
        }
        #[lh] async fn f() -> u32 {
            let mut v = vec![1, 2, 3];
            let mut sum = 0;
            while let Some(x) = next(&mut v).await {
                sum += x;
            }
            sum
        }
    },
    run: f(),
}

differential! {
    /// `Iterator::max` and `min` take the iterator by value: a scrutinee
    /// `v.iter().max()` whose arms await names no temporary for the
    /// iterator (it is moved into the call), and `a.max(b)` on numbers.
    name: iterator_max_min_in_awaiting_scrutinees,
    items: {
        #[lh] async fn f(v: Vec<usize>) -> usize {
            let hi = match v.iter().max() {
                Some(x) => pend(1, *x).await,
                None => 0,
            };
            let lo = if let Some(x) = v.iter().copied().min() {
                pend(1, x).await
            } else {
                0
            };
            hi.max(lo) * 10 + lo.min(hi)
        }
    },
    run: async { (f(vec![3, 1, 2]).await, f(vec![]).await) },
}

differential! {
    /// A local declared without a value before a retry loop, assigned just
    /// before a labelled `break` out of two loops: it holds nothing at the
    /// suspensions, so nothing is kept, and rustc sees it initialised after
    /// the loops.
    name: deferred_init_assigned_before_labelled_break,
    items: {
        #[lh] async fn f(rounds: u32) -> String {
            let found;
            let mut tries = 0;
            'search: loop {
                for k in 0..3u32 {
                    pend(1, ()).await;
                    tries += 1;
                    if tries > rounds {
                        found = D::new("found");
                        log(format!("found at {k}"));
                        break 'search;
                    }
                }
                pend(1, ()).await;
            }
            pend(1, ()).await;
            format!("{} after {tries}", found.0)
        }
    },
    run: async { (f(0).await, f(4).await) },
}

differential! {
    /// A deferred-init local assigned in both arms of an `if` before the
    /// suspension is kept; one assigned after it in a `while` that returns
    /// is not.
    name: deferred_init_before_and_after_suspension,
    items: {
        #[lh] async fn f(flag: bool) -> usize {
            let early;
            if flag {
                early = D::new("early yes");
            } else {
                early = D::new("early no");
            }
            let late;
            let mut n = 0;
            while n < 5 {
                pend(1, ()).await;
                n += 1;
                if n == 2 {
                    late = D::new("late");
                    pend(1, ()).await;
                    return early.touch() + late.touch() + n;
                }
                if n > 9 {
                    return 0;
                }
            }
            early.touch()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A value moved inside a loop just before `break` is alive at every
    /// suspension of the loop: the move cannot come round again.
    name: moved_before_break_is_kept_in_the_loop,
    items: {
        fn consume(d: D) -> usize {
            d.touch()
        }
        #[lh] async fn f(stop: u32) -> usize {
            let d = D::new("d");
            let mut n = 0;
            let got = loop {
                pend(1, ()).await;
                if n == stop {
                    break consume(d);
                }
                n += 1;
            };
            pend(1, ()).await;
            got
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// A suspension followed by `break`: what comes after it in the loop is
    /// not what it reaches next, the code after the loop is. The reference
    /// `r`, reassigned later in the loop, is read after the loop, so it is
    /// kept at the suspension.
    name: suspension_before_break_reaches_code_after_the_loop,
    items: {
        #[lh] async fn f(rounds: u32) -> usize {
            let a = D::new("a");
            let b = D::new("b");
            let mut r = &a;
            let mut n = 0;
            loop {
                if n == rounds {
                    pend(1, ()).await;
                    break;
                }
                r = &b;
                n += 1;
            }
            r.touch()
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// A `loop` with a value `break` that also leaves an outer loop with an
    /// awaited value: resumed there, the inner loop has no value `break`
    /// left and is `!`; the code after it (`inner % 2`) is not written.
    #[allow(clippy::never_loop)]
    name: break_outer_await_from_a_value_loop,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let _d = D::new("d");
            'a: loop {
                let inner = loop {
                    if c {
                        break 'a pend(1, 5).await;
                    }
                    break 2u32;
                };
                return inner % 2 + pend(1, 10).await;
            }
        }
        async fn both() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: both(),
}
