//! Stress round 15: code after a suspension that an arm keeps dead, only
//! typed (`cases_kept_rest.rs`): awaits inside loops and branches with
//! code after them in the same block that fixes the types of values used
//! after the loop or branch (`push`, `insert`, `extend`, assignments,
//! `Option`/`Result` locals, `let x;` assigned later), nested and labelled
//! blocks with `break 'label value`, `loop` with `break value`, `continue`,
//! `match` arms that await and fall through, `if let`/`while let`/let
//! chains whose scrutinee awaits, `?` and `return` after awaits, closures
//! and `async` blocks around the await, shadowing, inference from later
//! use (`Default::default()`, `.into()`, `.collect()`, `.parse()`); and
//! service code in new domains (parsers, retry with backoff, pagination,
//! caches, rate limiters, batching, streaming decoders).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_labels,
    unreachable_code,
    unused_parens,
    unused_braces
)]
// Shapes written on purpose, as real async crates write them.
#![allow(
    clippy::let_and_return,
    clippy::never_loop,
    clippy::needless_return,
    clippy::new_without_default,
    clippy::match_single_binding,
    clippy::single_match,
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::type_complexity,
    clippy::while_let_loop,
    clippy::while_let_on_iterator,
    clippy::collapsible_else_if,
    clippy::collapsible_if,
    clippy::question_mark,
    clippy::needless_borrow,
    clippy::len_zero,
    clippy::redundant_pattern_matching,
    clippy::needless_late_init,
    clippy::explicit_counter_loop,
    clippy::manual_is_multiple_of,
    clippy::mem_replace_with_default,
    clippy::comparison_chain,
    clippy::redundant_closure,
    clippy::manual_map,
    clippy::manual_flatten,
    clippy::unnecessary_cast,
    clippy::identity_op
)]

use crate::harness::*;
use std::collections::{BTreeMap, HashSet, VecDeque};

/// A downstream call: suspends once, logs, returns twice its argument.
async fn fetch(x: u32) -> u32 {
    log(format!("fetch {x}"));
    pend(1, x * 2).await
}

/// A fallible call: suspends once, fails on odd input.
async fn check(x: u32) -> Result<u32, String> {
    log(format!("check {x}"));
    pend(1, ()).await;
    if x % 2 == 1 {
        Err(format!("odd {x}"))
    } else {
        Ok(x / 2)
    }
}

/// A lookup that may find nothing.
async fn lookup(k: &str) -> Option<u32> {
    log(format!("lookup {k}"));
    pend(1, ()).await;
    k.strip_prefix('k').and_then(|n| n.parse().ok())
}

// ---------------------------------------------------------------------------
// 1. Types fixed by the rest of a block after an await
// ---------------------------------------------------------------------------

differential! {
    /// A join point (an `if` whose branch awaits) in the rest after the
    /// first await of the loop body: its value is pushed, and the element's
    /// method is called after the loop.
    name: join_in_rest_value_pushed_then_method,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let mut v = vec![];
            for k in 1..3u32 {
                pend(1, ()).await;
                let x = if c { fetch(k).await } else { k };
                v.push(x);
            }
            v.pop().unwrap().count_ones()
        }
        async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// The neighbour of the join case: the value is not a join point.
    name: plain_value_pushed_after_await_then_method,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let mut v = vec![];
            for k in 1..3u32 {
                pend(1, ()).await;
                let x = if c { k * 2 } else { k };
                v.push(x);
            }
            v.pop().unwrap().count_ones()
        }
        async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// A `match` whose arm awaits and whose value is inserted into a map
    /// after the await, the map read by method after the loop.
    name: match_join_in_rest_inserted_then_method,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let mut m = BTreeMap::new();
            for k in keys {
                let d = D::new(k);
                pend(1, ()).await;
                let n = match k.len() {
                    1 => fetch(1).await,
                    n => n as u32,
                };
                m.insert(k, (n, d));
            }
            m.get("bb").map_or(0, |(n, d)| *n as usize + d.touch())
        }
        async fn go() -> (usize, usize) { (f(vec!["a", "bb"]).await, f(vec![]).await) }
    },
    run: go(),
}

differential! {
    /// A local declared `let x;` in the loop body, assigned after the
    /// await in both branches, pushed, and used after the loop.
    name: late_init_assigned_after_await_in_loop,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut v = Vec::new();
            for x in xs {
                let y;
                pend(1, ()).await;
                if x > 1 {
                    y = x * 10;
                } else {
                    y = x;
                }
                v.push(y);
            }
            v.iter().sum::<u32>() + v.first().map_or(0, |y| y.leading_zeros())
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `let x;` before the loop, assigned after an await in the loop body
    /// (the last iteration wins), read after the loop.
    name: late_init_outside_loop_assigned_after_await,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut last = None;
            for x in xs {
                let n = pend(1, x.len()).await;
                last = Some((x, D::new(x), n));
            }
            match last {
                Some((s, d, n)) => s.len() + d.touch() + n,
                None => 0,
            }
        }
        async fn go() -> (usize, usize) { (f(vec!["a", "bcd"]).await, f(vec![]).await) }
    },
    run: go(),
}

differential! {
    /// `let x;` declared before the loop and assigned only after the await
    /// inside it: the value read after the loop is the last one.
    name: declared_before_loop_assigned_inside,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let x;
            let mut i = 0;
            loop {
                let got = fetch(i).await;
                i += 1;
                if i == n {
                    x = got;
                    break;
                }
            }
            x.pow(2)
        }
    },
    run: f(3),
}

differential! {
    /// A labelled block whose value comes from `break 'found` after an
    /// await in a loop inside it; the type is fixed by that `break`.
    name: labelled_block_break_value_after_await,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> u32 {
            let found = 'found: {
                for k in keys {
                    let got = lookup(k).await;
                    if let Some(n) = got {
                        break 'found Some(n);
                    }
                }
                None
            };
            found.map_or(0, |n| n.rotate_left(1))
        }
        async fn go() -> (u32, u32) { (f(vec!["x", "k3", "k4"]).await, f(vec!["x"]).await) }
    },
    run: go(),
}

differential! {
    /// `loop` with `break value` after awaits, the value's type fixed only
    /// by the `break`: `Default::default()` before it.
    name: loop_break_value_default_before,
    items: {
        #[lh] async fn f(limit: u32) -> u32 {
            let mut acc = Default::default();
            let r = loop {
                let x = fetch(acc).await;
                if x > limit {
                    break acc;
                }
                acc += 1;
            };
            r.saturating_mul(3)
        }
    },
    run: f(5),
}

differential! {
    /// `continue` after an await in a `while`, with a push after the
    /// `continue`'s `if`, the element's method after the loop.
    name: continue_after_await_then_push,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut out = vec![];
            let mut i = 0;
            while i < xs.len() {
                let s = xs[i];
                i += 1;
                let skip = pend(1, s.is_empty()).await;
                if skip {
                    continue;
                }
                out.push(s.to_string());
            }
            out.last().map_or(0, |s| s.len()) + out.len()
        }
    },
    run: f(vec!["ab", "", "cde"]),
}

differential! {
    /// A `match` arm that awaits and falls through to code after the
    /// `match` in the same loop body, which pushes into `v`.
    name: match_arm_awaits_then_falls_through,
    items: {
        #[lh] async fn f(xs: Vec<Option<u32>>) -> u32 {
            let mut v = Vec::new();
            for x in xs {
                let n = match x {
                    Some(n) => {
                        let _g = D::new("some");
                        pend(1, ()).await;
                        n
                    }
                    None => 0,
                };
                v.push(n.to_string());
            }
            v.join(",").len() as u32 + v.pop().map_or(0, |s| s.len() as u32)
        }
    },
    run: f(vec![Some(12), None, Some(3)]),
}

differential! {
    /// `while let` whose scrutinee awaits; the body pushes and after the
    /// loop a method is called on the element.
    name: while_let_scrutinee_awaits_push_then_method,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> u32 {
            let mut it = keys.into_iter();
            let mut got = vec![];
            while let Some(n) = lookup(it.next().unwrap_or("end")).await {
                got.push(n);
            }
            got.pop().map_or(99, |n| n.trailing_zeros())
        }
        async fn go() -> (u32, u32) { (f(vec!["k4", "k8", "x"]).await, f(vec![]).await) }
    },
    run: go(),
}

differential! {
    /// An `if let` whose scrutinee awaits inside a `for`, the `then` block
    /// inserting into a set read after the loop.
    name: if_let_scrutinee_awaits_insert_set,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let mut seen = HashSet::new();
            for k in keys {
                if let Some(n) = lookup(k).await {
                    seen.insert(n);
                } else {
                    log(format!("miss {k}"));
                }
            }
            let mut all: Vec<_> = seen.into_iter().collect();
            all.sort();
            all.iter().map(|n| n.count_ones() as usize).sum()
        }
    },
    run: f(vec!["k1", "k7", "k1", "z"]),
}

differential! {
    /// A let chain whose first `let` awaits, the second narrows, then a
    /// push after the `if`, in a loop.
    name: let_chain_awaits_then_push_after_if,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for k in keys {
                let d = D::new(k);
                if let Some(n) = lookup(k).await && n > 2 {
                    log(format!("big {n}"));
                    continue;
                }
                v.push(d);
            }
            v.iter().map(|d| d.touch()).sum()
        }
    },
    run: f(vec!["k1", "k7", "zz"]),
}

differential! {
    /// `?` after an await in a loop, then an `extend` fixing the element
    /// type of a `Vec` read after the loop.
    name: try_after_await_then_extend,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Result<u32, String> {
            let mut acc = Vec::new();
            for x in xs {
                let half = check(x).await?;
                acc.extend([half, half + 1]);
            }
            Ok(acc.iter().copied().max().unwrap_or_default().pow(2))
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(vec![2, 4]).await, f(vec![2, 3, 4]).await)
        }
    },
    run: go(),
}

differential! {
    /// `return` after an await inside a nested `if` in a loop, the rest of
    /// the loop body assigning a `Result` local read after the loop.
    name: return_after_await_result_local_after_loop,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> String {
            let mut last = Ok(0);
            for x in xs {
                let _g = D::new("iter");
                let r = check(x).await;
                if let Err(e) = &r {
                    if e.contains('9') {
                        return e.clone();
                    }
                }
                last = r;
            }
            match last {
                Ok(n) => format!("ok {}", n.pow(2)),
                Err(e) => e.to_uppercase(),
            }
        }
        async fn go() -> (String, String, String) {
            (f(vec![2, 4]).await, f(vec![2, 3]).await, f(vec![9, 2]).await)
        }
    },
    run: go(),
}

differential! {
    /// A closure defined before the await in the loop body, called after
    /// it; and a closure before the loop called after it.
    name: closures_before_await_in_loop,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let scale = |x: u32| x * 3;
            let mut v = vec![];
            for x in xs {
                let add = move |y: u32| y + x;
                let got = fetch(x).await;
                v.push(add(scale(got)));
            }
            v.into_iter().fold(0, |a, b| a ^ b)
        }
    },
    run: f(vec![1, 2, 5]),
}

differential! {
    /// An `async` block defined before the await in the loop body, awaited
    /// after it.
    name: async_block_before_await_awaited_after,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut total = 0;
            for x in xs {
                let later = async move { fetch(x + 100).await };
                let now = fetch(x).await;
                total += now + later.await;
            }
            total
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// Shadowing a name before and after the await in a loop body, the
    /// last shadow pushed and read after the loop.
    name: shadowing_around_await_in_loop,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for x in xs {
                let x = x.trim();
                let x = pend(1, x.len()).await;
                let x = D::new(if x > 1 { "long" } else { "short" });
                v.push(x);
            }
            v.iter().map(D::touch).sum()
        }
    },
    run: f(vec![" a ", "bcd"]),
}

differential! {
    /// `.collect()` after the await in a loop body, into a local whose type
    /// the later `push` fixes.
    name: collect_inferred_from_push_after_await,
    items: {
        #[lh] async fn f(lines: Vec<&'static str>) -> usize {
            let mut rows = vec![];
            for l in lines {
                let l = pend(1, l).await;
                let cells = l.split(',').map(str::to_string).collect();
                rows.push(cells);
            }
            let first: &Vec<String> = &rows[0];
            first.len() + rows.len()
        }
    },
    run: f(vec!["a,b", "c"]),
}

differential! {
    /// `.parse()` after the await, its type fixed by the push and the
    /// method after the loop.
    name: parse_inferred_after_await_in_loop,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> Result<u64, std::num::ParseIntError> {
            let mut v = Vec::new();
            for x in xs {
                let s = pend(1, x).await;
                let n = s.parse()?;
                v.push(n);
            }
            Ok(v.iter().copied().fold(1u64, u64::wrapping_mul))
        }
        async fn go() -> (Result<u64, std::num::ParseIntError>, Result<u64, std::num::ParseIntError>) {
            (f(vec!["3", "7"]).await, f(vec!["3", "q"]).await)
        }
    },
    run: go(),
}

differential! {
    /// `.into()` after the await into a local pushed into a `Vec<String>`
    /// written out only after the loop.
    name: into_after_await_fixed_after_loop,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for x in xs {
                let s = pend(1, x).await;
                let owned = s.into();
                v.push(owned);
            }
            let all: Vec<String> = v;
            all.concat().len()
        }
    },
    run: f(vec!["ab", "c"]),
}

differential! {
    /// `Vec::new()` declared inside the loop body before the await, filled
    /// after, and moved into an outer `Vec`.
    name: inner_vec_new_filled_after_await,
    items: {
        #[lh] async fn f(n: u32) -> usize {
            let mut outer = vec![];
            for i in 0..n {
                let mut inner = Vec::new();
                let x = fetch(i).await;
                inner.push(D::new("in"));
                inner.push(D::new(if x > 1 { "big" } else { "small" }));
                outer.push(inner);
            }
            outer.iter().flatten().map(|d| d.touch()).sum()
        }
    },
    run: f(2),
}

differential! {
    /// Nested loops: the await in the inner loop, a push after the inner
    /// loop in the outer body, the element read after the outer loop.
    name: nested_loops_push_after_inner,
    items: {
        #[lh] async fn f(rows: Vec<Vec<u32>>) -> u32 {
            let mut sums = vec![];
            for row in rows {
                let mut s = 0;
                for x in row {
                    s += fetch(x).await;
                }
                sums.push((s, D::new("row")));
            }
            sums.iter().map(|(s, d)| s + d.touch() as u32).max().unwrap_or(0)
        }
    },
    run: f(vec![vec![1, 2], vec![], vec![5]]),
}

differential! {
    /// Labelled `continue 'outer` after an await in an inner loop, the
    /// outer body pushing after the inner loop.
    name: labelled_continue_after_await,
    items: {
        #[lh] async fn f(rows: Vec<Vec<u32>>) -> usize {
            let mut good = vec![];
            'outer: for row in rows {
                let d = D::new("row");
                for x in &row {
                    if fetch(*x).await > 10 {
                        continue 'outer;
                    }
                }
                good.push((row, d));
            }
            good.iter().map(|(r, d)| r.len() + d.touch()).sum()
        }
    },
    run: f(vec![vec![1, 2], vec![9], vec![3]]),
}

differential! {
    /// An `if` whose condition awaits inside a loop; the `then` block is
    /// dead in the arm suspended in the condition and sets an `Option`
    /// read after the loop.
    name: if_condition_awaits_then_sets_option,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut found = None;
            for x in xs {
                if fetch(x).await > 4 {
                    found = Some(x);
                    break;
                }
            }
            found.map_or(0, |x| x.pow(3))
        }
    },
    run: f(vec![1, 3, 4]),
}

differential! {
    /// A `while` whose condition awaits; the body sets the type of a
    /// `Vec` read after the loop.
    name: while_condition_awaits_body_types_vec,
    items: {
        #[lh] async fn f(limit: u32) -> usize {
            let mut v = vec![];
            let mut i = 0;
            while fetch(i).await < limit {
                v.push(D::new("w"));
                i += 1;
            }
            v.iter().map(|d| d.touch()).sum::<usize>() + i as usize
        }
    },
    run: f(5),
}

differential! {
    /// `let .. else` in the rest after the await, then a push of the bound
    /// value read after the loop.
    name: let_else_in_rest_after_await,
    items: {
        #[lh] async fn f(lines: Vec<&'static str>) -> usize {
            let mut pairs = vec![];
            for l in lines {
                let l = pend(1, l).await;
                let Some((k, v)) = l.split_once('=') else {
                    log(format!("bad {l}"));
                    continue;
                };
                pairs.push((k.to_string(), D::new(v)));
            }
            pairs.iter().map(|(k, d)| k.len() + d.touch()).sum()
        }
    },
    run: f(vec!["a=x", "junk", "bb=yy"]),
}

differential! {
    /// `break 'blk` out of a labelled block in a loop body after an await,
    /// skipping a push; the element used after the loop.
    name: break_labelled_block_after_await_skips_push,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut kept = vec![];
            for x in xs {
                'blk: {
                    let got = fetch(x).await;
                    if got > 4 {
                        break 'blk;
                    }
                    kept.push(got);
                }
                log(format!("after {x}"));
            }
            kept.last().copied().unwrap_or_default().pow(2)
        }
    },
    run: f(vec![1, 5, 2]),
}

differential! {
    /// The value of a labelled block given by `break 'v` after an await and
    /// by its tail, inside a loop; pushed, read after the loop.
    name: labelled_block_value_inside_loop,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let mut out = vec![];
            for k in keys {
                let v = 'v: {
                    if k.is_empty() {
                        break 'v None;
                    }
                    let n = lookup(k).await;
                    n.map(|n| D::new(if n > 3 { "hi" } else { "lo" }))
                };
                out.push(v);
            }
            out.iter().flatten().map(|d| d.touch()).sum()
        }
    },
    run: f(vec!["k5", "", "k1", "x"]),
}

differential! {
    /// An `else` branch that awaits, then a push after the `if` inside it.
    name: else_branch_awaits_then_pushes,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> usize {
            let mut v = vec![];
            for x in xs {
                if x == 0 {
                    log("zero");
                } else {
                    let d = D::new("nz");
                    let y = fetch(x).await;
                    if y > 2 {
                        v.push(d);
                    }
                }
            }
            v.iter().map(|d| d.touch()).sum()
        }
    },
    run: f(vec![0, 1, 2]),
}

differential! {
    /// A tuple local of two `Option`s whose element types are fixed after
    /// an await in a loop, taken after the loop.
    name: tuple_of_options_typed_after_await,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut pair = (None, None);
            for (i, x) in xs.into_iter().enumerate() {
                let n = pend(1, x.len()).await;
                if i % 2 == 0 {
                    pair.0 = Some(D::new(x));
                } else {
                    pair.1 = Some(n);
                }
            }
            pair.0.take().map_or(0, |d| d.touch()) + pair.1.unwrap_or_default()
        }
    },
    run: f(vec!["a", "bb", "ccc"]),
}

differential! {
    /// An array of `Option`s written by index after an await in a loop.
    name: array_of_options_written_after_await,
    items: {
        #[lh] async fn f() -> usize {
            let mut slots = [None, None, None];
            for i in 0..3 {
                let n = fetch(i as u32).await;
                if n != 2 {
                    slots[i] = Some(D::new(if n == 0 { "zero" } else { "four" }));
                }
            }
            slots.iter().flatten().map(|d| d.touch()).sum()
        }
    },
    run: f(),
}

differential! {
    /// `entry(..).or_default().push(..)` after an await in a loop, the
    /// groups' elements read by method after the loop.
    name: entry_or_default_after_await,
    items: {
        #[lh] async fn f(words: Vec<&'static str>) -> usize {
            let mut groups = BTreeMap::new();
            for w in words {
                let n = pend(1, w.len()).await;
                groups.entry(n).or_insert_with(Vec::new).push(D::new(w));
            }
            groups.values().map(|g| g.iter().map(|d| d.touch()).sum::<usize>() * g.len()).sum()
        }
    },
    run: f(vec!["a", "bb", "c", "dd", "eee"]),
}

differential! {
    /// A `VecDeque` used as a work queue: popped at the top of the loop,
    /// pushed after the await, the element's field read after.
    name: work_queue_pushed_after_await,
    items: {
        #[lh] async fn f(start: u32) -> u32 {
            let mut queue = VecDeque::new();
            let mut done = vec![];
            queue.push_back(start);
            while let Some(n) = queue.pop_front() {
                let doubled = fetch(n).await;
                if doubled < 20 {
                    queue.push_back(doubled);
                    queue.push_back(doubled + 1);
                }
                done.push((n, doubled));
            }
            done.iter().map(|p| p.1).max().unwrap_or(0) + done.len() as u32
        }
    },
    run: f(3),
}

differential! {
    /// Destructuring assignment after the await fixes the types of two
    /// locals declared before the loop.
    name: destructuring_assignment_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let (mut lo, mut hi) = Default::default();
            let mut first = true;
            for x in xs {
                let y = fetch(x).await;
                if first {
                    (lo, hi) = (y, y);
                    first = false;
                } else {
                    (lo, hi) = (lo.min(y), hi.max(y));
                }
            }
            hi - lo
        }
    },
    run: f(vec![3, 1, 7]),
}

differential! {
    /// A generic helper whose result type comes from the push after the
    /// await (`T::default()`), in a generic `async fn`.
    name: generic_default_pushed_after_await,
    items: {
        #[lh] async fn f<T: Default + std::fmt::Debug + Clone>(n: usize) -> Vec<T> {
            let mut v = Vec::with_capacity(n);
            for i in 0..n {
                pend(1, i).await;
                v.push(T::default());
            }
            let last = v.last().cloned();
            log(format!("{last:?}"));
            v
        }
        async fn go() -> (Vec<u8>, Vec<String>) { (f::<u8>(2).await, f::<String>(1).await) }
    },
    run: go(),
}

differential! {
    /// A loop whose `break` value is set after an await in a nested `match`
    /// and is a `Result` read by `?` after the loop.
    name: loop_break_result_then_try,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Result<u32, String> {
            let mut it = xs.into_iter();
            let r = loop {
                let Some(x) = it.next() else {
                    break Err("empty".to_string());
                };
                match check(x).await {
                    Ok(v) if v > 0 => break Ok(v),
                    Ok(_) => continue,
                    Err(e) => log(e),
                }
            };
            let v = r?;
            Ok(v * 10)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(vec![1, 0, 4]).await, f(vec![3]).await)
        }
    },
    run: go(),
}

differential! {
    /// A `match` guard that awaits inside a loop, a push after the
    /// `match`, the element read after the loop.
    name: match_guard_awaits_then_push,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> usize {
            let mut v = vec![];
            for x in xs {
                let d = D::new("g");
                match x {
                    n if fetch(n).await > 3 => log(format!("big {n}")),
                    _ => continue,
                }
                v.push(d);
            }
            v.iter().map(|d| d.touch()).sum()
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `std::mem::take` of a buffer filled after an await: a batch flushed
    /// when full, the batches' elements read after the loop.
    name: mem_take_batch_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> usize {
            let mut batch = vec![];
            let mut batches = vec![];
            for x in xs {
                let y = fetch(x).await;
                batch.push(y);
                if batch.len() == 2 {
                    batches.push(std::mem::take(&mut batch));
                }
            }
            if !batch.is_empty() {
                batches.push(batch);
            }
            batches.iter().map(|b| b.len() * 10 + b[0] as usize).sum()
        }
    },
    run: f(vec![1, 2, 3, 4, 5]),
}

differential! {
    /// An `Option<Result<..>>` local typed after an await, matched after
    /// the loop with nested patterns.
    name: option_result_local_typed_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> String {
            let mut outcome = None;
            for x in xs {
                let r = check(x).await;
                let stop = r.is_err();
                outcome = Some(r);
                if stop {
                    break;
                }
            }
            match outcome {
                Some(Ok(n)) => format!("ok {}", n.pow(2)),
                Some(Err(e)) => format!("err {}", e.len()),
                None => "none".into(),
            }
        }
        async fn go() -> (String, String, String) {
            (f(vec![2, 4]).await, f(vec![2, 3, 4]).await, f(vec![]).await)
        }
    },
    run: go(),
}

differential! {
    /// An `impl Iterator` returned by a helper called after the await,
    /// collected into a local whose type a later push fixes.
    name: impl_iterator_helper_after_await,
    items: {
        fn evens(n: u32) -> impl Iterator<Item = u32> { (0..n).filter(|x| x % 2 == 0) }
        #[lh] async fn f(ns: Vec<u32>) -> usize {
            let mut all = Vec::new();
            for n in ns {
                let m = fetch(n).await;
                let part = evens(m).collect::<Vec<_>>();
                all.push(part);
            }
            all.iter().map(Vec::len).sum::<usize>() + all.first().map_or(0, |p| p.len())
        }
    },
    run: f(vec![2, 3]),
}

differential! {
    /// Two awaits in the two branches of an `if` in a loop; each branch
    /// assigns a different field of a struct built before the loop.
    name: two_branch_awaits_fill_struct,
    items: {
        #[derive(Debug, Default)]
        pub struct Stats { evens: Vec<u32>, odds: Vec<u32> }
        #[lh] async fn f(xs: Vec<u32>) -> Stats {
            let mut s = Stats::default();
            for x in xs {
                if x % 2 == 0 {
                    let y = fetch(x).await;
                    s.evens.push(y);
                } else {
                    let y = pend(1, x).await;
                    s.odds.push(y);
                }
            }
            s
        }
    },
    run: f(vec![1, 2, 3, 4]),
}

differential! {
    /// A nested block with its own destructors inside the loop body, the
    /// await in it, a value carried out of it and pushed.
    name: nested_block_value_carried_out,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            let _outer = D::new("outer");
            for x in xs {
                let _it = D::new("it");
                let carried = {
                    let _tmp = D::new("tmp");
                    let n = pend(1, x.len()).await;
                    (n, D::new(x))
                };
                let _after = D::new("after");
                v.push(carried);
            }
            v.iter().map(|(n, d)| n + d.touch()).sum()
        }
    },
    run: f(vec!["a", "bb"]),
}

differential! {
    /// `while` with an awaiting condition and an awaiting body, `break`
    /// in the body, and an `Option` set after the body's await.
    name: while_awaits_in_condition_and_body,
    items: {
        #[lh] async fn f(limit: u32) -> u32 {
            let mut i = 0;
            let mut last = None;
            while fetch(i).await < limit {
                let y = pend(1, i * 3).await;
                if y > 6 {
                    break;
                }
                last = Some(y);
                i += 1;
            }
            last.map_or(0, |y| y.count_ones()) + i
        }
    },
    run: f(20),
}

// ---------------------------------------------------------------------------
// 2. More shapes of kept rests
// ---------------------------------------------------------------------------

differential! {
    /// A closure written before the await in an `if` branch (no loop): the element pushed after the await is typed for the method after the `if`.
    name: closure_before_await_in_if_then_method,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let mut v = vec![];
            if c {
                let mk = |s: &'static str| s.len();
                let d = D::new("d");
                pend(1, mk("x")).await;
                v.push(d);
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(true),
}

differential! {
    /// A `match` whose scrutinee awaits in a loop; its arms (`continue`, a push) are only typed in the arm that suspends there.
    name: match_scrutinee_awaits_arms_push,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut v = vec![];
            for x in xs {
                match fetch(x).await {
                    0 => continue,
                    n => v.push(n),
                }
            }
            v.pop().unwrap().count_ones()
        }
    },
    run: f(vec![0, 3]),
}

differential! {
    /// An `else if let` whose scrutinee awaits, the branch pushing a value read by method after the loop.
    name: else_if_let_scrutinee_awaits_then_push,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for k in keys {
                if k.is_empty() {
                    continue;
                } else if let Some(n) = lookup(k).await {
                    v.push(D::new(if n > 2 { "big" } else { "small" }));
                } else {
                    log("none");
                }
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(vec!["k1", "", "k5", "q"]),
}

differential! {
    /// A `while let` chain whose second `let` awaits, the body pushing a pair destructured after the loop.
    name: while_let_chain_second_let_awaits,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let mut it = keys.into_iter();
            let mut v = vec![];
            while let Some(k) = it.next() && let Some(n) = lookup(k).await {
                v.push((n, D::new(k)));
            }
            let (n, d) = v.pop().unwrap();
            n as usize + d.touch()
        }
    },
    run: f(vec!["k1", "k5", "q", "k7"]),
}

differential! {
    /// An inner `loop` whose `break` value comes after an await, pushed by the outer loop, read by method after it.
    name: inner_loop_break_value_pushed_by_outer,
    items: {
        #[lh] async fn f(rows: Vec<Vec<u32>>) -> u32 {
            let mut firsts = vec![];
            for row in rows {
                let mut it = row.into_iter();
                let first_big = loop {
                    let Some(x) = it.next() else { break None };
                    let y = fetch(x).await;
                    if y > 4 { break Some(y); }
                };
                firsts.push(first_big);
            }
            firsts.into_iter().flatten().next().unwrap().leading_zeros()
        }
    },
    run: f(vec![vec![1, 2], vec![1, 3, 9]]),
}

differential! {
    /// `*m.entry(k).or_insert(0) += n` after an await in a loop, the map popped after the loop.
    name: entry_compound_assign_after_await,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut m = BTreeMap::new();
            for x in xs {
                let n = pend(1, x.len()).await;
                *m.entry(x).or_insert(0) += n;
            }
            let (k, v) = m.pop_first().unwrap();
            k.len() + v
        }
    },
    run: f(vec!["a", "bb", "a"]),
}

differential! {
    /// A local declared in the rest after the await extends an outer `Vec`, shadowed by a `collect` after the loop.
    name: rest_local_extends_outer_then_shadowed,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut v = vec![];
            for x in xs {
                let y = fetch(x).await;
                let v2 = vec![y; 2];
                v.extend(v2);
            }
            let v = v.into_iter().map(|x| x + 1).collect::<Vec<_>>();
            v[0].pow(2)
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// `get_or_insert_with(Default::default)` on an outer `Option` after an await in a loop.
    name: get_or_insert_with_default_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut acc = None;
            for x in xs {
                let y = fetch(x).await;
                let cur = acc.get_or_insert_with(Default::default);
                *cur += y;
                let _: &mut u32 = cur;
            }
            acc.unwrap_or_default().pow(2)
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// `break 'outer value` from a `for` nested in a labelled `loop`,
    /// after an await in the inner loop.
    name: break_outer_value_from_inner_for,
    items: {
        #[lh] async fn f(rows: Vec<Vec<u32>>) -> u32 {
            let mut rows = rows.into_iter();
            let hit = 'outer: loop {
                let Some(row) = rows.next() else { break None };
                for x in row {
                    if fetch(x).await > 7 {
                        break 'outer Some((x, D::new("hit")));
                    }
                }
                log("row done");
            };
            hit.map_or(0, |(x, d)| x + d.touch() as u32)
        }
        async fn go() -> (u32, u32) { (f(vec![vec![1], vec![2, 5, 9]]).await, f(vec![vec![1]]).await) }
    },
    run: go(),
}

differential! {
    /// A `let .. else` whose `else` awaits then `continue`s; the bound
    /// value pushed after it, read by method after the loop.
    name: let_else_awaits_then_continue_push_bound,
    items: {
        #[lh] async fn f(xs: Vec<Option<&'static str>>) -> usize {
            let mut v = vec![];
            for x in xs {
                let Some(s) = x else {
                    pend(1, ()).await;
                    continue;
                };
                v.push(D::new(s));
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(vec![None, Some("ab"), None]),
}

differential! {
    /// `u64::from` in the rest after the await fixes the element type.
    name: from_conversion_in_rest,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u64 {
            let mut v = vec![];
            for x in xs {
                let y = fetch(x).await;
                v.push(u64::from(y) << 33);
            }
            v.pop().unwrap().leading_zeros() as u64 + v.len() as u64
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// A `&mut` to a local `Vec` taken before the await in the loop body,
    /// pushed through after it.
    name: mut_ref_to_local_across_await_in_loop,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for x in xs {
                let r = &mut v;
                let n = pend(1, x.len()).await;
                r.push((n, D::new(x)));
            }
            let (n, d) = v.pop().unwrap();
            n + d.touch()
        }
    },
    run: f(vec!["a", "bcd"]),
}

differential! {
    /// Two loops in a row: the first types `v` in its rest after the await,
    /// the second calls a method on its elements before its own await.
    name: two_loops_second_uses_elements,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for x in &xs {
                pend(1, ()).await;
                v.push(D::new(x));
            }
            let mut total = 0;
            for d in &v {
                total += d.touch();
                total += pend(1, 1).await;
            }
            total
        }
    },
    run: f(vec!["a", "bb"]),
}

differential! {
    /// A `match` arm block that awaits and pushes, the other arms
    /// `unreachable!()` or `continue`.
    name: match_arm_awaits_pushes_others_diverge,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut v = vec![];
            for x in xs {
                match x % 3 {
                    0 => continue,
                    1 | 2 => {
                        let y = fetch(x).await;
                        v.push(Some(y));
                    }
                    _ => unreachable!(),
                }
            }
            v.pop().flatten().unwrap_or(0).count_ones()
        }
    },
    run: f(vec![3, 4, 5]),
}

differential! {
    /// `Some(x?)` pushed after an await in a loop, the `Option` element
    /// read after.
    name: some_of_try_pushed_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Result<usize, String> {
            let mut v = vec![None];
            for x in xs {
                let r = check(x).await;
                v.push(Some(r?));
            }
            Ok(v.iter().flatten().map(|x| x.count_ones() as usize).sum())
        }
        async fn go() -> (Result<usize, String>, Result<usize, String>) { (f(vec![2, 6]).await, f(vec![2, 3]).await) }
    },
    run: go(),
}

differential! {
    /// An item (`fn`) and a `const` declared in the rest after the await.
    name: items_declared_in_rest_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut v = vec![];
            for x in xs {
                let y = fetch(x).await;
                const BIAS: u32 = 7;
                fn tweak(a: u32) -> u32 { a ^ BIAS }
                v.push(tweak(y));
            }
            v.pop().unwrap().count_ones()
        }
    },
    run: f(vec![1, 4]),
}

differential! {
    /// `let x;` assigned in both branches of an `if` whose `then` awaits,
    /// no loop.
    name: late_init_in_if_then_awaits,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let x;
            let _g = D::new("g");
            if c {
                x = fetch(3).await;
            } else {
                x = 1;
            }
            x.pow(2)
        }
        async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// A `loop` whose body awaits in a `match` on a `Result`, `break`ing a
    /// value with a destructor, another `D` alive in the loop body.
    name: loop_break_value_with_destructor,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> usize {
            let mut it = xs.into_iter();
            let found = loop {
                let _scan = D::new("scan");
                let Some(x) = it.next() else { break D::new("none") };
                match check(x).await {
                    Ok(v) if v > 1 => break D::new("big"),
                    Ok(_) => {}
                    Err(e) => log(e),
                }
            };
            found.touch()
        }
        async fn go() -> (usize, usize) { (f(vec![1, 2, 6]).await, f(vec![3]).await) }
    },
    run: go(),
}

differential! {
    /// An awaited `bool` in `while` with `&&` whose right side awaits.
    name: while_condition_and_awaits_right,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> usize {
            let mut i = 0;
            let mut v = vec![];
            while i < xs.len() && fetch(xs[i]).await < 9 {
                v.push(D::new("ok"));
                i += 1;
            }
            v.iter().map(|d| d.touch()).sum::<usize>() + i
        }
    },
    run: f(vec![1, 2, 5, 1]),
}

differential! {
    /// A `for` over a `Vec` of `D`s consumed by value, each moved into a
    /// map after an await, the map's values read after.
    name: owned_items_moved_into_map_after_await,
    items: {
        #[lh] async fn f(ds: Vec<D>) -> usize {
            let mut m = BTreeMap::new();
            for d in ds {
                let n = pend(1, d.0.len()).await;
                if n == 0 {
                    continue;
                }
                m.insert(n, d);
            }
            m.values().map(|d| d.touch()).sum()
        }
    },
    run: f(vec![D::new("a"), D::new(""), D::new("ccc")]),
}

differential! {
    /// A `String` built after awaits in nested `if`s inside a `for`, with
    /// `write!` in the rest.
    name: write_macro_in_rest_after_await,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> String {
            use std::fmt::Write;
            let mut out = String::new();
            for k in keys {
                if !k.is_empty() {
                    let v = lookup(k).await;
                    if let Some(n) = v {
                        write!(out, "{k}={n};").unwrap();
                    }
                }
            }
            out
        }
    },
    run: f(vec!["k1", "", "q", "k22"]),
}

differential! {
    /// s15-2 neighbour: `let mut last;` assigned after the await in a
    /// `while let` loop and read only after that assignment, in the same
    /// iteration.
    name: late_init_assigned_and_read_in_while_let,
    items: {
        #[lh] async fn f(mut xs: Vec<u32>) -> u32 {
            let mut last;
            let mut n = 0;
            while let Some(x) = xs.pop() {
                let y = fetch(x).await;
                last = y;
                n += last;
            }
            n
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// `let mut acc;` declared in the loop body, assigned from one await
    /// and updated from another.
    name: late_init_in_body_assigned_from_awaits,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut n = 0;
            for x in xs {
                let mut acc;
                acc = fetch(x).await;
                acc += fetch(acc).await;
                n += acc;
            }
            n
        }
    },
    run: f(vec![1, 2]),
}

// ---------------------------------------------------------------------------
// 3. Service code in new domains
// ---------------------------------------------------------------------------

/// A fake remote store: `get` suspends `n % 3` times and misses keys
/// starting with `x`.
async fn remote_get(key: &str) -> Option<String> {
    log(format!("remote {key}"));
    pend(key.len() as u32 % 3, ()).await;
    (!key.starts_with('x')).then(|| key.to_uppercase())
}

/// A page of results and the cursor of the next one.
#[derive(Debug)]
pub struct Page {
    items: Vec<u32>,
    next: Option<u32>,
}

async fn list_page(cursor: u32) -> Result<Page, String> {
    log(format!("page {cursor}"));
    pend(1, ()).await;
    if cursor == 13 {
        return Err("page 13 is cursed".into());
    }
    let items = (cursor..cursor + 3).collect();
    Ok(Page {
        items,
        next: (cursor < 6).then_some(cursor + 3),
    })
}

differential! {
    /// Pagination: pages fetched until the cursor runs out, items
    /// filtered into a `Vec` whose type the `extend` fixes after the await.
    name: pagination_until_cursor_runs_out,
    items: {
        #[lh] async fn f(start: u32) -> Result<usize, String> {
            let mut cursor = Some(start);
            let mut all = vec![];
            let mut pages = 0;
            while let Some(c) = cursor {
                let _req = D::new("req");
                let page = list_page(c).await?;
                pages += 1;
                all.extend(page.items.iter().filter(|x| *x % 2 == 0).copied());
                cursor = page.next;
            }
            log(format!("{pages} pages"));
            Ok(all.len() * 100 + all.iter().map(|x| *x as usize).sum::<usize>())
        }
        async fn go() -> (Result<usize, String>, Result<usize, String>) {
            (f(0).await, f(10).await)
        }
    },
    run: go(),
}

differential! {
    /// Retry with exponential backoff: the delay doubles after each failed
    /// attempt (an await), the last error returned when attempts run out.
    name: retry_with_exponential_backoff,
    items: {
        #[lh] async fn f(first: u32, attempts: u32) -> Result<u32, String> {
            let mut delay = 1;
            let mut last_err = String::new();
            for i in 0..attempts {
                let _attempt = D::new("attempt");
                match check(first + i).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        log(format!("attempt {i} failed: {e}, sleeping {delay}"));
                        pend(delay, ()).await;
                        delay = (delay * 2).min(4);
                        last_err = e;
                    }
                }
            }
            Err(format!("gave up: {last_err}"))
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(1, 3).await, f(1, 1).await)
        }
    },
    run: go(),
}

differential! {
    /// A read-through cache: hits served from a `BTreeMap`, misses fetched
    /// (an await) and inserted, negative results remembered too.
    name: read_through_cache_with_negatives,
    items: {
        pub struct Cache { map: BTreeMap<String, Option<String>>, hits: u32 }
        impl Cache {
            #[lh] pub async fn get(&mut self, key: &str) -> Option<String> {
                if let Some(v) = self.map.get(key) {
                    self.hits += 1;
                    return v.clone();
                }
                let v = remote_get(key).await;
                self.map.insert(key.to_string(), v.clone());
                v
            }
        }
        async fn go() -> (Vec<Option<String>>, u32) {
            let mut c = Cache { map: BTreeMap::new(), hits: 0 };
            let mut out = vec![];
            for k in ["ab", "xy", "ab", "xy", "cde"] {
                out.push(c.get(k).await);
            }
            (out, c.hits)
        }
    },
    run: go(),
}

differential! {
    /// An LRU cache with a loader: the recency list updated after the
    /// await, the oldest evicted (a `D` dropped) when over capacity.
    name: lru_cache_with_loader_and_eviction,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>, cap: usize) -> Vec<&'static str> {
            let mut entries: VecDeque<(&'static str, D)> = VecDeque::new();
            for k in keys {
                if let Some(pos) = entries.iter().position(|(key, _)| *key == k) {
                    let e = entries.remove(pos).unwrap();
                    entries.push_back(e);
                    continue;
                }
                let loaded = pend(1, D::new(k)).await;
                entries.push_back((k, loaded));
                if entries.len() > cap {
                    let (old, d) = entries.pop_front().unwrap();
                    log(format!("evict {old}"));
                    drop(d);
                }
            }
            entries.iter().map(|(k, _)| *k).collect()
        }
    },
    run: f(vec!["a", "b", "a", "c", "d", "a"], 2),
}

differential! {
    /// A token-bucket rate limiter: requests wait (an await per missing
    /// token) and the bucket refills by elapsed ticks.
    name: token_bucket_rate_limiter,
    items: {
        pub struct Bucket { tokens: u32, cap: u32, ticks: u32 }
        impl Bucket {
            #[lh] pub async fn acquire(&mut self, n: u32) -> u32 {
                let mut waited = 0;
                while self.tokens < n {
                    pend(1, ()).await;
                    self.ticks += 1;
                    waited += 1;
                    self.tokens = (self.tokens + 1).min(self.cap);
                }
                self.tokens -= n;
                waited
            }
        }
        async fn go() -> (Vec<u32>, u32) {
            let mut b = Bucket { tokens: 2, cap: 3, ticks: 0 };
            let mut waits = vec![];
            for n in [1, 2, 3, 1] {
                waits.push(b.acquire(n).await);
            }
            (waits, b.ticks)
        }
    },
    run: go(),
}

differential! {
    /// A line-oriented INI parser over chunks that arrive with an await:
    /// partial lines carried over, sections and keys collected.
    name: ini_parser_over_chunks,
    items: {
        #[lh] async fn f(chunks: Vec<&'static str>) -> Result<BTreeMap<String, BTreeMap<String, String>>, String> {
            let mut out = BTreeMap::new();
            let mut section = String::from("root");
            let mut carry = String::new();
            for (i, chunk) in chunks.into_iter().enumerate() {
                let chunk = pend(1, chunk).await;
                carry.push_str(chunk);
                while let Some(nl) = carry.find('\n') {
                    let line: String = carry.drain(..=nl).collect();
                    let line = line.trim();
                    if line.is_empty() || line.starts_with('#') {
                        continue;
                    }
                    if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                        section = name.to_string();
                    } else if let Some((k, v)) = line.split_once('=') {
                        out.entry(section.clone())
                            .or_insert_with(BTreeMap::new)
                            .insert(k.trim().to_string(), v.trim().to_string());
                    } else {
                        return Err(format!("chunk {i}: bad line {line:?}"));
                    }
                }
            }
            Ok(out)
        }
        async fn go() -> (Result<BTreeMap<String, BTreeMap<String, String>>, String>, Result<BTreeMap<String, BTreeMap<String, String>>, String>) {
            (
                f(vec!["a = 1\n[srv]\nho", "st = x\n# c\nport=8\n"]).await,
                f(vec!["[s]\noops\n"]).await,
            )
        }
    },
    run: go(),
}

differential! {
    /// A batching writer: records buffered, flushed (an await) when the
    /// batch is full and at the end; flush failures retried once.
    name: batching_writer_flush_and_retry,
    items: {
        async fn flush(batch: &[u32], attempt: u32) -> Result<usize, String> {
            log(format!("flush {batch:?} try {attempt}"));
            pend(1, ()).await;
            if batch.contains(&13) && attempt == 0 { Err("busy".into()) } else { Ok(batch.len()) }
        }
        #[lh] async fn f(records: Vec<u32>, size: usize) -> Result<usize, String> {
            let mut batch = Vec::with_capacity(size);
            let mut written = 0;
            for r in records {
                batch.push(r);
                if batch.len() < size {
                    continue;
                }
                written += match flush(&batch, 0).await {
                    Ok(n) => n,
                    Err(_) => flush(&batch, 1).await?,
                };
                batch.clear();
            }
            if !batch.is_empty() {
                written += flush(&batch, 0).await?;
            }
            Ok(written)
        }
    },
    run: f(vec![1, 2, 13, 4, 5], 2),
}

differential! {
    /// A streaming decoder of varint-prefixed frames: bytes arrive in
    /// chunks (an await each), frames decoded as soon as they are whole.
    name: varint_frame_decoder,
    items: {
        fn varint(buf: &[u8]) -> Option<(usize, usize)> {
            let mut n = 0usize;
            for (i, b) in buf.iter().enumerate().take(4) {
                n |= ((b & 0x7f) as usize) << (7 * i);
                if b & 0x80 == 0 {
                    return Some((n, i + 1));
                }
            }
            None
        }
        #[lh] async fn f(chunks: Vec<Vec<u8>>) -> (Vec<Vec<u8>>, usize) {
            let mut buf = Vec::new();
            let mut frames = vec![];
            for c in chunks {
                let c = pend(1, c).await;
                buf.extend_from_slice(&c);
                while let Some((len, hdr)) = varint(&buf) {
                    if buf.len() < hdr + len {
                        break;
                    }
                    let frame = buf[hdr..hdr + len].to_vec();
                    buf.drain(..hdr + len);
                    frames.push(frame);
                }
            }
            (frames, buf.len())
        }
    },
    run: f(vec![vec![2, 1], vec![2, 0, 3], vec![7, 8], vec![9, 1]]),
}

differential! {
    /// A circuit breaker: consecutive failures open it, calls while open
    /// fail fast without awaiting, a success closes it.
    name: circuit_breaker,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Breaker { Closed(u32), Open(u32) }
        #[lh] async fn f(inputs: Vec<u32>) -> (Vec<String>, Breaker) {
            let mut state = Breaker::Closed(0);
            let mut log_lines = vec![];
            for x in inputs {
                state = match state {
                    Breaker::Open(0) => Breaker::Closed(0),
                    Breaker::Open(n) => {
                        log_lines.push(format!("{x}: fast fail"));
                        Breaker::Open(n - 1)
                    }
                    closed @ Breaker::Closed(fails) => match check(x).await {
                        Ok(v) => {
                            log_lines.push(format!("{x}: ok {v}"));
                            Breaker::Closed(0)
                        }
                        Err(e) if fails + 1 >= 2 => {
                            log_lines.push(format!("{x}: {e}, open"));
                            Breaker::Open(2)
                        }
                        Err(e) => {
                            log_lines.push(format!("{x}: {e}"));
                            let _ = closed;
                            Breaker::Closed(fails + 1)
                        }
                    },
                };
            }
            (log_lines, state)
        }
    },
    run: f(vec![1, 3, 4, 6, 8, 10, 5]),
}

differential! {
    /// Dependency resolution: a depth-first walk whose neighbours are
    /// fetched (an await), cycles reported, the order built after the
    /// awaits.
    name: dependency_resolution_dfs,
    items: {
        async fn deps(name: &str) -> Vec<&'static str> {
            pend(1, ()).await;
            match name {
                "app" => vec!["http", "log"],
                "http" => vec!["io", "log"],
                "io" => vec![],
                "log" => vec!["io"],
                "loop" => vec!["loop"],
                _ => vec![],
            }
        }
        #[lh] async fn f(root: &'static str) -> Result<Vec<&'static str>, String> {
            let mut order = vec![];
            let mut stack = vec![(root, false)];
            let mut visiting = HashSet::new();
            while let Some((n, done)) = stack.pop() {
                if done {
                    visiting.remove(n);
                    if !order.contains(&n) {
                        order.push(n);
                    }
                    continue;
                }
                if order.contains(&n) {
                    continue;
                }
                if !visiting.insert(n) {
                    return Err(format!("cycle at {n}"));
                }
                stack.push((n, true));
                for d in deps(n).await.into_iter().rev() {
                    if !order.contains(&d) {
                        stack.push((d, false));
                    }
                }
            }
            Ok(order)
        }
        async fn go() -> (Result<Vec<&'static str>, String>, Result<Vec<&'static str>, String>) {
            (f("app").await, f("loop").await)
        }
    },
    run: go(),
}

differential! {
    /// A chunked upload: each chunk sent (an await), a running checksum,
    /// a failed chunk retried, the receipt built after the loop.
    name: chunked_upload_with_checksum,
    items: {
        async fn send(i: usize, chunk: &[u8], attempt: u32) -> Result<(), String> {
            log(format!("send {i} try {attempt}"));
            pend(1, ()).await;
            if chunk.first() == Some(&0) && attempt == 0 { Err(format!("chunk {i} lost")) } else { Ok(()) }
        }
        #[lh] async fn f(data: Vec<u8>, size: usize) -> Result<(usize, u32), String> {
            let mut sum = 0u32;
            let mut sent = 0;
            for (i, chunk) in data.chunks(size).enumerate() {
                let _c = D::new("chunk");
                let mut attempt = 0;
                loop {
                    match send(i, chunk, attempt).await {
                        Ok(()) => break,
                        Err(e) if attempt < 2 => {
                            log(e);
                            attempt += 1;
                        }
                        Err(e) => return Err(e),
                    }
                }
                sum = chunk.iter().fold(sum, |s, b| s.wrapping_mul(31).wrapping_add(*b as u32));
                sent += chunk.len();
            }
            Ok((sent, sum))
        }
    },
    run: f(vec![1, 2, 0, 4, 5], 2),
}

differential! {
    /// Quorum voting: votes requested one by one (an await), the loop
    /// stops as soon as a majority either way is reached.
    name: quorum_vote_early_exit,
    items: {
        async fn vote(peer: u32) -> Option<bool> {
            pend(peer % 2, ()).await;
            match peer % 3 { 0 => Some(true), 1 => Some(false), _ => None }
        }
        #[lh] async fn f(peers: Vec<u32>) -> Result<bool, String> {
            let need = peers.len() / 2 + 1;
            let (mut yes, mut no, mut silent) = (0, 0, vec![]);
            for p in &peers {
                match vote(*p).await {
                    Some(true) => yes += 1,
                    Some(false) => no += 1,
                    None => silent.push(*p),
                }
                if yes >= need {
                    return Ok(true);
                }
                if no >= need {
                    return Ok(false);
                }
            }
            Err(format!("no quorum, silent {silent:?}"))
        }
        async fn go() -> (Result<bool, String>, Result<bool, String>, Result<bool, String>) {
            (f(vec![3, 6, 1]).await, f(vec![1, 4, 3]).await, f(vec![2, 5, 3]).await)
        }
    },
    run: go(),
}

differential! {
    /// Template rendering: `{name}` placeholders looked up (an await each),
    /// unknown ones left as they are, the output built as it goes.
    name: template_rendering_with_lookups,
    items: {
        #[lh] async fn f(tpl: &'static str) -> String {
            let mut out = String::new();
            let mut rest = tpl;
            while let Some(start) = rest.find('{') {
                out.push_str(&rest[..start]);
                let Some(len) = rest[start..].find('}') else {
                    out.push_str(&rest[start..]);
                    rest = "";
                    break;
                };
                let key = &rest[start + 1..start + len];
                match remote_get(key).await {
                    Some(v) => out.push_str(&v),
                    None => {
                        out.push('{');
                        out.push_str(key);
                        out.push('}');
                    }
                }
                rest = &rest[start + len + 1..];
            }
            out.push_str(rest);
            out
        }
    },
    run: f("hi {name}, {xmiss} and {ab} {open"),
}

differential! {
    /// A DNS-style resolver following CNAME chains (an await per hop) with
    /// a hop limit and a cache of answers.
    name: resolver_following_cname_chain,
    items: {
        async fn query(name: &str) -> Result<(&'static str, &'static str), String> {
            log(format!("query {name}"));
            pend(1, ()).await;
            match name {
                "www" => Ok(("CNAME", "web")),
                "web" => Ok(("CNAME", "lb")),
                "lb" => Ok(("A", "10.0.0.1")),
                "loop" => Ok(("CNAME", "loop")),
                _ => Err(format!("NXDOMAIN {name}")),
            }
        }
        #[lh] async fn f(names: Vec<&'static str>) -> Vec<Result<String, String>> {
            let mut cache: BTreeMap<&str, String> = BTreeMap::new();
            let mut out = vec![];
            for name in names {
                if let Some(ip) = cache.get(name) {
                    out.push(Ok(format!("cached {ip}")));
                    continue;
                }
                let mut cur = name;
                let mut hops = 0;
                let answer = loop {
                    if hops == 3 {
                        break Err(format!("too many hops for {name}"));
                    }
                    match query(cur).await {
                        Ok(("A", ip)) => break Ok(ip.to_string()),
                        Ok((_, next)) => {
                            cur = next;
                            hops += 1;
                        }
                        Err(e) => break Err(e),
                    }
                };
                if let Ok(ip) = &answer {
                    cache.insert(name, ip.clone());
                }
                out.push(answer);
            }
            out
        }
    },
    run: f(vec!["www", "www", "loop", "nope"]),
}

differential! {
    /// A priority scheduler: jobs run from a `BinaryHeap` (an await each),
    /// jobs may spawn follow-ups pushed after the await.
    name: priority_scheduler_spawning_followups,
    items: {
        #[lh] async fn f(jobs: Vec<(u32, &'static str)>) -> Vec<String> {
            let mut heap = std::collections::BinaryHeap::new();
            for j in jobs {
                heap.push(j);
            }
            let mut done = vec![];
            while let Some((prio, name)) = heap.pop() {
                let _running = D::new(name);
                let cost = pend(prio % 2, prio * 10).await;
                if name.ends_with('!') && prio > 1 {
                    heap.push((prio - 2, "followup"));
                }
                done.push(format!("{name}@{prio}:{cost}"));
            }
            done
        }
    },
    run: f(vec![(1, "low"), (5, "urgent!"), (3, "mid")]),
}

differential! {
    /// A bank transfer with rollback: debit, credit (awaits), and on a
    /// credit failure a compensating refund.
    name: transfer_with_compensation,
    items: {
        pub struct Bank { balances: BTreeMap<&'static str, i64>, frozen: HashSet<&'static str> }
        impl Bank {
            #[lh] pub async fn adjust(&mut self, who: &'static str, by: i64) -> Result<i64, String> {
                pend(1, ()).await;
                if self.frozen.contains(who) {
                    return Err(format!("{who} frozen"));
                }
                let b = self.balances.entry(who).or_insert(0);
                if *b + by < 0 {
                    return Err(format!("{who} short"));
                }
                *b += by;
                Ok(*b)
            }
            #[lh] pub async fn transfer(&mut self, from: &'static str, to: &'static str, amt: i64) -> Result<(), String> {
                let _tx = D::new("tx");
                self.adjust(from, -amt).await?;
                if let Err(e) = self.adjust(to, amt).await {
                    log(format!("rollback: {e}"));
                    self.adjust(from, amt).await.expect("refund");
                    return Err(e);
                }
                Ok(())
            }
        }
        async fn go() -> (Vec<Result<(), String>>, Vec<(&'static str, i64)>) {
            let mut bank = Bank { balances: BTreeMap::from([("a", 10), ("b", 0)]), frozen: HashSet::from(["c"]) };
            let mut rs = vec![];
            rs.push(bank.transfer("a", "b", 4).await);
            rs.push(bank.transfer("a", "c", 3).await);
            rs.push(bank.transfer("b", "a", 9).await);
            (rs, bank.balances.into_iter().collect())
        }
    },
    run: go(),
}

differential! {
    /// A web crawler's breadth-first loop: pages fetched (an await), links
    /// queued if unseen, depth limited, the visit order returned.
    name: crawler_bfs_with_depth_limit,
    items: {
        async fn links(url: &str) -> Vec<String> {
            pend(1, ()).await;
            match url {
                "/" => vec!["/a".into(), "/b".into()],
                "/a" => vec!["/".into(), "/a/1".into()],
                "/b" => vec!["/a/1".into(), "/b/2".into()],
                "/a/1" => vec!["/deep".into()],
                _ => vec![],
            }
        }
        #[lh] async fn f(max_depth: u32) -> Vec<String> {
            let mut seen = HashSet::new();
            let mut queue = VecDeque::from([("/".to_string(), 0)]);
            let mut order = vec![];
            seen.insert("/".to_string());
            while let Some((url, depth)) = queue.pop_front() {
                let found = links(&url).await;
                order.push(url);
                if depth == max_depth {
                    continue;
                }
                for l in found {
                    if seen.insert(l.clone()) {
                        queue.push_back((l, depth + 1));
                    }
                }
            }
            order
        }
    },
    run: f(2),
}

differential! {
    /// Inventory reservation: every item reserved (an await) or the ones
    /// reserved so far released in reverse order.
    name: inventory_reserve_all_or_release,
    items: {
        async fn reserve(sku: &'static str) -> Result<D, String> {
            pend(1, ()).await;
            if sku.starts_with('x') { Err(format!("{sku} out of stock")) } else { Ok(D::new(sku)) }
        }
        async fn release(d: D) {
            log(format!("release {}", d.0));
            pend(1, ()).await;
        }
        #[lh] async fn f(skus: Vec<&'static str>) -> Result<usize, String> {
            let mut held = vec![];
            for s in skus {
                match reserve(s).await {
                    Ok(d) => held.push(d),
                    Err(e) => {
                        while let Some(d) = held.pop() {
                            release(d).await;
                        }
                        return Err(e);
                    }
                }
            }
            Ok(held.iter().map(|d| d.touch()).sum())
        }
        async fn go() -> (Result<usize, String>, Result<usize, String>) {
            (f(vec!["ab", "c"]).await, f(vec!["ab", "c", "xq", "d"]).await)
        }
    },
    run: go(),
}

differential! {
    /// Log compaction: entries read in pages (an await), the newest value
    /// per key kept, tombstones removing keys.
    name: log_compaction_newest_wins,
    items: {
        async fn read(page: usize) -> Vec<(&'static str, Option<u32>)> {
            pend(1, ()).await;
            match page {
                0 => vec![("a", Some(1)), ("b", Some(2))],
                1 => vec![("a", Some(3)), ("b", None)],
                2 => vec![("c", Some(4))],
                _ => vec![],
            }
        }
        #[lh] async fn f() -> Vec<(&'static str, u32)> {
            let mut live = BTreeMap::new();
            let mut page = 0;
            loop {
                let entries = read(page).await;
                if entries.is_empty() {
                    break;
                }
                for (k, v) in entries {
                    match v {
                        Some(v) => { live.insert(k, v); }
                        None => { live.remove(k); }
                    }
                }
                page += 1;
            }
            live.into_iter().collect()
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// s15-1 (fixed): a closure anywhere in a loop body before its await. The
// closure puts a join point at the loop's head; the join's arm writes one
// iteration as labelled blocks, and the rest after the await was cut there.
// ---------------------------------------------------------------------------

differential! {
    /// The closure is an iterator adapter's argument before the await.
    name: closure_before_await_in_loop_then_method,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for name in xs {
                let n: usize = name.chars().map(|c| c.len_utf8()).sum();
                pend(1, n).await;
                v.push(D::new(name));
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(vec!["a", "bb"]),
}

differential! {
    /// A top-k picker sorting its buffer by a key before each fetch.
    name: sort_by_key_before_await_in_loop_then_method,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut out = Vec::new();
            let mut buf = xs.clone();
            for _ in 0..2 {
                buf.sort_by_key(|x| std::cmp::Reverse(*x));
                let top = fetch(buf[0]).await;
                out.push(top);
                buf.remove(0);
            }
            out.pop().unwrap().count_ones()
        }
    },
    run: f(vec![1, 5, 3]),
}

differential! {
    /// The `async` block form of s15-1.
    name: async_block_in_loop_then_method,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for s in xs {
                let later = async move { pend(1, s.len()).await };
                let n = later.await;
                v.push(D::new(s));
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(vec!["a", "bb"]),
}

differential! {
    /// s14-2 in an `if` branch.
    name: closure_after_await_in_if_then_method,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let mut v = vec![];
            if c {
                let d = D::new("d");
                pend(1, ()).await;
                v.push(d);
                v.sort_by_key(|d| d.0.len());
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(true),
}

differential! {
    /// s15-1 neighbour: the element type written (`Vec<D>`).
    name: closure_before_await_in_loop_vec_typed,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v: Vec<D> = vec![];
            for name in xs {
                let n: usize = name.chars().map(|c| c.len_utf8()).sum();
                pend(1, n).await;
                v.push(D::new(name));
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(vec!["a", "bb"]),
}

differential! {
    /// s15-1 neighbour: the method after the loop is called inside a
    /// closure (`map_or(0, |d| d.touch())`), which rustc types later.
    name: closure_before_await_in_loop_method_in_closure,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            for name in xs {
                let n: usize = name.chars().map(|c| c.len_utf8()).sum();
                pend(1, n).await;
                v.push(D::new(name));
            }
            v.pop().map_or(0, |d| d.touch())
        }
    },
    run: f(vec!["a", "bb"]),
}

differential! {
    /// s15-1 neighbour: the closure written before the loop, called in it
    /// after the await.
    name: closure_before_loop_called_after_await,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> usize {
            let mut v = vec![];
            let width = |s: &str| s.chars().map(|c| c.len_utf8()).sum::<usize>();
            for name in xs {
                pend(1, ()).await;
                log(format!("width {}", width(name)));
                v.push(D::new(name));
            }
            v.pop().unwrap().touch()
        }
    },
    run: f(vec!["a", "bb"]),
}

// ---------------------------------------------------------------------------
// s15-2 (fixed): a local declared without a value, assigned after an await
// in a loop (or on some ways only): it was stored at the await as if it
// held a value there (E0381); now its slot's flag says whether it does.
// ---------------------------------------------------------------------------

differential! {
    /// The smallest shape: assigned from the await, never read.
    name: late_init_assigned_from_await_in_for,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let mut last;
            for x in xs {
                last = fetch(x).await;
            }
            7
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// A retry loop keeping the last response, read after the loop.
    name: retry_loop_keeps_last_response,
    items: {
        #[lh] async fn f(start: u32) -> Result<u32, String> {
            let mut resp;
            let mut attempt = start;
            loop {
                resp = check(attempt).await;
                attempt += 1;
                if resp.is_ok() || attempt >= 5 {
                    break;
                }
            }
            resp
        }
    },
    run: f(1),
}

differential! {
    /// A value with a destructor, replaced every iteration after the
    /// await, read after the loop.
    name: late_init_value_with_drop_replaced_in_loop,
    items: {
        #[lh] async fn f() -> usize {
            let mut d;
            let mut i = 0;
            loop {
                pend(1, ()).await;
                d = D::new(if i == 0 { "first" } else { "later" });
                i += 1;
                if i == 2 {
                    break;
                }
            }
            d.touch()
        }
    },
    run: f(),
}

differential! {
    /// s15-2 neighbour: assigned before the await in the loop body.
    name: late_init_assigned_before_await_in_loop,
    items: {
        #[lh] async fn f() -> u32 {
            let mut last;
            let mut i = 0;
            loop {
                last = i;
                let x = fetch(i).await;
                i += 1;
                if x > 5 {
                    break;
                }
            }
            last
        }
    },
    run: f(),
}

differential! {
    /// s15-2 neighbour: the local initialised (`let mut last = 0;`).
    name: initialised_local_assigned_after_await_in_loop,
    items: {
        #[lh] async fn f() -> u32 {
            let mut last = 0;
            let mut i = 0;
            loop {
                let x = fetch(i).await;
                last = x;
                i += 1;
                if x > 5 {
                    break;
                }
            }
            last
        }
    },
    run: f(),
}

differential! {
    /// s15-2 neighbour: `let last;` assigned once, just before `break`.
    name: late_init_assigned_once_before_break,
    items: {
        #[lh] async fn f() -> u32 {
            let last;
            let mut i = 0;
            loop {
                let x = fetch(i).await;
                i += 1;
                if x > 5 {
                    last = x;
                    break;
                }
            }
            last
        }
    },
    run: f(),
}

differential! {
    /// s15-2 without a loop: `let d;` assigned in one branch only before
    /// the await, never read; dropped at the end (or on cancellation) only
    /// when it was assigned.
    name: late_init_assigned_in_one_branch_before_await,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let d;
            if c {
                d = D::new("assigned");
            }
            let n = pend(1, 3).await;
            log(format!("n {n}"));
            pend(1, n + 1).await
        }
        async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// s15-2 neighbour: assigned in every arm of a `match`, read after the
    /// await (a value on every way: kept in the state, no flag).
    name: late_init_assigned_in_every_arm_then_read,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            let d;
            match k {
                0 => d = D::new("zero"),
                1 => d = D::new("one"),
                _ => d = D::new("many"),
            }
            pend(1, ()).await;
            d.touch()
        }
        async fn go() -> (usize, usize, usize) { (f(0).await, f(1).await, f(7).await) }
    },
    run: go(),
}

differential! {
    /// s15-2 with a loop that may run zero times before the await: `let
    /// d;` assigned in it, not read after.
    name: late_init_assigned_in_loop_before_await,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let mut d;
            for i in 0..n {
                d = D::new(if i == 0 { "first" } else { "next" });
            }
            pend(1, n).await
        }
        async fn go() -> (u32, u32) { (f(2).await, f(0).await) }
    },
    run: go(),
}

differential! {
    /// s15-2 with an `if let` whose arm assigns after an await, the
    /// local read under the same condition in a later iteration.
    name: late_init_assigned_after_await_in_branch_of_loop,
    items: {
        #[lh] async fn f(xs: Vec<Option<u32>>) -> u32 {
            let mut last;
            let mut seen = false;
            let mut total = 0;
            for x in xs {
                if let Some(v) = x {
                    last = D::new("last");
                    total += pend(1, v).await;
                    if seen {
                        total += last.touch() as u32;
                    }
                    seen = true;
                }
            }
            total
        }
    },
    run: f(vec![Some(1), None, Some(2)]),
}
