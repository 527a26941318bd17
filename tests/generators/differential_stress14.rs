//! Stress round 14 for generators, against rustc's own coroutines (see
//! `oracle.rs`): `yield_!` inside `match` arms with guards, or-patterns and
//! `@` bindings, loops with labelled `continue` and `break` values,
//! `?`-like early exits, yields of data borrowed from a local kept across
//! yields (`split`, `windows`, slices of a `String`), let chains and
//! `let .. else` around yields, generic and `&self`/`self` method
//! generators, streams that mix `.await` and `yield_!` in one expression
//! or loop, closures and boxed iterators kept across yields, panics, and
//! generators dropped half-consumed (the oracle drops after every step).
// Shapes written on purpose, as real generator bodies are written.
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_labels,
    unused_assignments,
    unreachable_code,
    clippy::single_match,
    clippy::never_loop,
    clippy::needless_return,
    clippy::while_let_loop,
    clippy::while_let_on_iterator,
    clippy::collapsible_if,
    clippy::collapsible_else_if,
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::type_complexity,
    clippy::match_single_binding,
    clippy::redundant_pattern_matching,
    clippy::manual_is_multiple_of,
    clippy::explicit_counter_loop,
    clippy::comparison_chain,
    clippy::len_zero,
    clippy::blocks_in_conditions,
    clippy::redundant_closure,
    clippy::manual_flatten,
    clippy::question_mark,
    clippy::redundant_locals,
    clippy::let_and_return
)]

use crate::{D, log};

/// An owned item with a destructor: the consumer drops it.
#[derive(Debug)]
pub struct Item(pub String);

impl Drop for Item {
    fn drop(&mut self) {
        log(format!("drop item {}", self.0));
    }
}

gen_differential! {
    /// `yield_!` in `match` arms with or-patterns binding the same name,
    /// `@` bindings and a guard that falls through.
    name: match_or_patterns_and_at_bindings,
    items: {
        #[derive(Clone, Copy)]
        pub enum Tok { Num(i64), Neg(i64), Sym(char), End }
    },
    gen: fn eval(toks: Vec<Tok>) -> impl Iterator<Item = i64> {
        let _d = D("eval");
        for t in toks {
            match t {
                Tok::Num(n) | Tok::Neg(n) if n == 0 => yield_!(0),
                Tok::Num(n @ 1..=9) => {
                    let _digit = D("digit");
                    yield_!(n);
                }
                Tok::Num(n) | Tok::Neg(n) => {
                    yield_!(n);
                    yield_!(-n);
                }
                Tok::Sym(c @ ('+' | '-')) => yield_!(c as i64),
                Tok::Sym(_) => continue,
                Tok::End => break,
            }
            log("after match");
        }
    },
    run: eval(vec![Tok::Num(0), Tok::Num(5), Tok::Neg(12), Tok::Sym('+'), Tok::Sym('x'), Tok::End, Tok::Num(1)]),
}

gen_differential! {
    /// Labelled `continue 'outer` from inside a `match` inside an inner
    /// `while`, values at three levels.
    name: labelled_continue_from_match_in_while,
    items: {},
    gen: fn pairs(groups: Vec<Vec<u32>>) -> impl Iterator<Item = (usize, u32)> {
        let _all = D("all");
        'outer: for (gi, g) in groups.iter().enumerate() {
            let _grp = D("grp");
            let mut i = 0;
            while i < g.len() {
                let _el = D("el");
                match g[i] {
                    0 => continue 'outer,
                    x if x > 100 => break 'outer,
                    x => yield_!((gi, x)),
                }
                i += 1;
            }
            log(format!("group {gi} done"));
        }
    },
    run: pairs(vec![vec![1, 2], vec![3, 0, 4], vec![5, 200, 6], vec![7]]),
}

gen_differential! {
    /// A `?`-like early exit through a helper returning `Result`, matched
    /// with an early `return` after yielding the error text.
    name: question_like_return_after_error_yield,
    items: {
        pub fn parse(s: &str) -> Result<u32, String> {
            s.parse::<u32>().map_err(|e| format!("{s}: {e}"))
        }
    },
    gen: fn numbers(lines: Vec<&'static str>) -> impl Iterator<Item = String> {
        let _d = D("numbers");
        for l in lines {
            let _line = D("line");
            let n = match parse(l) {
                Ok(n) => n,
                Err(e) => {
                    yield_!(format!("error {e}"));
                    return;
                }
            };
            yield_!(format!("ok {n}"));
        }
        log("all parsed");
    },
    run: numbers(vec!["1", "22", "x3", "4"]),
}

gen_differential! {
    /// `&str` slices of a local `String` yielded as owned values, the
    /// `split_whitespace` iterator (borrowing the local) kept across yields.
    name: split_whitespace_of_local_across_yields,
    items: {},
    gen: fn words(src: Vec<&'static str>) -> impl Iterator<Item = String> {
        let joined = src.join(" ");
        let mut it = joined.split_whitespace();
        let first = it.next();
        if let Some(f) = first {
            yield_!(f.to_uppercase());
        }
        for w in it {
            yield_!(w.to_string());
        }
        yield_!(first.unwrap_or("-").to_string());
    },
    run: words(vec!["alpha beta", "", "gamma"]),
}

gen_differential! {
    /// A slice of a local `Vec` held across yields and re-sliced.
    name: reslice_local_vec_across_yields,
    items: {},
    gen: fn halves(v: Vec<u32>) -> impl Iterator<Item = u32> {
        let owned = v.iter().map(|x| x * 2).collect::<Vec<_>>();
        let mut s: &[u32] = &owned;
        while let [first, rest @ ..] = s {
            yield_!(*first);
            s = &rest[rest.len() / 2..];
        }
        yield_!(owned.len() as u32);
    },
    run: halves(vec![1, 2, 3, 4, 5, 6, 7]),
}

gen_differential! {
    /// Let chains around yields: `if let .. && let .. && cond`.
    name: let_chain_around_yields,
    items: {},
    gen: fn pick(xs: Vec<Option<(u32, Option<&'static str>)>>) -> impl Iterator<Item = String> {
        for x in xs {
            if let Some((n, tag)) = x && let Some(t) = tag && n > 1 {
                yield_!(format!("{t}{n}"));
            } else if let Some((n, None)) = x {
                yield_!(format!("bare {n}"));
            } else {
                log("skip");
            }
        }
    },
    run: pick(vec![Some((2, Some("a"))), Some((1, Some("b"))), Some((3, None)), None]),
}

gen_differential! {
    /// `let .. else` whose `else` yields before `continue`.
    name: let_else_yields_then_continues,
    items: {},
    gen: fn kv(lines: Vec<&'static str>) -> impl Iterator<Item = String> {
        for l in lines {
            let _l = D("l");
            let Some((k, v)) = l.split_once('=') else {
                yield_!(format!("bad {l}"));
                continue;
            };
            yield_!(format!("{k}->{v}"));
        }
    },
    run: kv(vec!["a=1", "b", "c=3"]),
}

gen_differential! {
    /// A `while let` chain over a peekable iterator of a local.
    name: while_let_chain_peekable,
    items: {},
    gen: fn runs(xs: Vec<u32>) -> impl Iterator<Item = Vec<u32>> {
        let mut it = xs.into_iter().peekable();
        while let Some(x) = it.next() && x != 0 {
            let mut run = vec![x];
            while let Some(&y) = it.peek() && y == x {
                run.push(y);
                it.next();
            }
            yield_!(run);
        }
        log("stopped");
    },
    run: runs(vec![1, 1, 2, 3, 3, 3, 0, 4]),
}

gen_differential! {
    /// A generic generator over `T: Ord + Clone` with a `where`-style
    /// bound, yielding running maxima.
    name: generic_running_max,
    items: {},
    gen: fn running_max[T: Ord + Clone + std::fmt::Debug + 'static](xs: Vec<T>) -> impl Iterator<Item = T> {
        let mut best: Option<T> = None;
        let _d = D("max");
        for x in xs {
            let better = match &best { Some(b) => x > *b, None => true };
            if better {
                best = Some(x.clone());
                yield_!(x);
            }
        }
    },
    run: running_max(vec![3, 1, 4, 1, 5, 9, 2, 6]),
}

gen_differential! {
    /// A generic generator taking a closure and an item type with a
    /// destructor, yielding owned items it builds.
    name: generic_closure_builds_items,
    items: {},
    gen: fn build[F: Fn(usize) -> String + 'static](n: usize, f: F) -> impl Iterator<Item = Item> {
        let _guard = D("guard");
        for i in 0..n {
            let s = f(i);
            if s.is_empty() {
                continue;
            }
            yield_!(Item(s));
        }
    },
    run: build(4, |i| if i == 1 { String::new() } else { "x".repeat(i) }),
}

gen_differential! {
    /// A `&self` generator walking a field with an index, matching on
    /// another field in each step.
    name: self_method_indexed_walk,
    items: {
        pub struct Table { pub rows: Vec<(u32, &'static str)>, pub min: u32, pub d: D }
        pub static TABLE: std::sync::LazyLock<Table> = std::sync::LazyLock::new(|| Table {
            rows: vec![(1, "a"), (5, "b"), (3, "c"), (9, "d")],
            min: 3,
            d: D("table"),
        });
    },
    gen: impl Table {
        fn above(&self, limit: usize) -> impl Iterator<Item = String> {
            let mut i = 0;
            let mut n = 0;
            while i < self.rows.len() {
                let (k, name) = self.rows[i];
                i += 1;
                if k < self.min {
                    continue;
                }
                yield_!(format!("{name}{k}"));
                n += 1;
                if n == limit {
                    break;
                }
            }
        }
    },
    run: TABLE.above(2),
}

gen_differential! {
    /// A `self` generator destructuring `self` in a `match` and yielding
    /// from the arms.
    name: self_method_match_on_self,
    items: {
        pub enum Source { List(Vec<u32>, D), Range(u32, u32) }
    },
    gen: impl Source {
        fn items(self) -> impl Iterator<Item = u32> {
            match self {
                Source::List(v, d) => {
                    for x in v {
                        yield_!(x);
                    }
                    log(format!("list done {}", d.0));
                }
                Source::Range(a, b) => {
                    for x in a..b {
                        yield_!(x * 10);
                    }
                }
            }
        }
    },
    run: Source::List(vec![7, 8], D("src")).items().chain(Source::Range(1, 3).items()),
}

gen_differential! {
    /// A stream mixing an `.await` and a `yield_!` in one loop body, the
    /// awaited value used in the yielded one.
    name: stream_await_in_yielded_expression,
    items: {},
    gen: fn doubled(xs: Vec<u32>) -> impl Stream<Item = u32> {
        let _d = D("doubled");
        for x in xs {
            yield_!(pend(1, x).await * 2);
            let _after = D("after");
            yield_!(pend(x % 2, x + 100).await);
        }
    },
    run: doubled(vec![1, 2]),
}

known_gap! {
    reason: "(old gap family s4-8/s9-7, runs differently) an `async move` block naming only `d.0` (a `Copy` `&str`) captures just that field; rustc keeps `d` in the generator until its end, longhand takes `d` as moved into the block and drops it before the first yield",
    gen_differential! {
        /// A stream with an `async` block kept across yields and awaited later.
        name: stream_async_block_kept_across_yields,
        items: {},
        gen: fn later(n: u32) -> impl Stream<Item = u32> {
            let d = D("captured");
            let fut = async move {
                pend(1, ()).await;
                log(format!("fut with {}", d.0));
                n * 3
            };
            yield_!(1);
            yield_!(2);
            let v = fut.await;
            yield_!(v);
        },
        run: later(5),
    }
}

gen_differential! {
    /// A stream with `let .. else` whose `else` awaits then returns.
    name: stream_let_else_awaits_then_returns,
    items: {
        pub async fn get(i: u32) -> Option<u32> {
            pend(1, ()).await;
            (i < 3).then_some(i * i)
        }
    },
    gen: fn squares(n: u32) -> impl Stream<Item = u32> {
        let _d = D("squares");
        for i in 0..n {
            let Some(sq) = get(i).await else {
                pend(1, ()).await;
                log("exhausted");
                return;
            };
            yield_!(sq);
        }
    },
    run: squares(6),
}

gen_differential! {
    /// A stream with a let chain awaiting in its condition.
    name: stream_let_chain_with_await,
    items: {
        pub async fn ok(i: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if i % 2 == 0 { Ok(i) } else { Err(format!("odd {i}")) }
        }
    },
    gen: fn evens(xs: Vec<Option<u32>>) -> impl Stream<Item = String> {
        for x in xs {
            if let Some(i) = x && let Ok(v) = ok(i).await && v > 0 {
                yield_!(format!("even {v}"));
            } else {
                yield_!("other".to_string());
            }
        }
    },
    run: evens(vec![Some(2), Some(3), None, Some(0), Some(4)]),
}

gen_differential! {
    /// A boxed iterator stored in a local and replaced between yields.
    name: boxed_iterator_replaced_between_yields,
    items: {},
    gen: fn chained(a: Vec<u32>, b: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut cur: Box<dyn Iterator<Item = u32>> = Box::new(a.into_iter());
        let mut next = Some(b);
        loop {
            match cur.next() {
                Some(x) => yield_!(x),
                None => match next.take() {
                    Some(b) => {
                        log("switch");
                        cur = Box::new(b.into_iter().rev());
                    }
                    None => break,
                },
            }
        }
    },
    run: chained(vec![1, 2], vec![3, 4]),
}

gen_differential! {
    /// A closure borrowing a local called in every yield, the local
    /// mutated through a `Cell` between yields.
    name: closure_over_cell_across_yields,
    items: {},
    gen: fn counter(n: u32) -> impl Iterator<Item = u32> {
        let c = std::cell::Cell::new(0);
        let bump = || { c.set(c.get() + 1); c.get() };
        for _ in 0..n {
            yield_!(bump() * 10);
            c.set(c.get() + 5);
        }
        yield_!(c.get());
    },
    run: counter(3),
}

gen_differential! {
    /// Owned items with destructors yielded from a `VecDeque`, half of
    /// them left in the deque when the generator is dropped.
    name: owned_items_from_deque_half_consumed,
    items: {},
    gen: fn drain(names: Vec<&'static str>) -> impl Iterator<Item = Item> {
        let mut q: std::collections::VecDeque<Item> = names.iter().map(|n| Item(n.to_string())).collect();
        let _d = D("drain");
        while let Some(front) = q.pop_front() {
            if front.0.len() > 1 {
                q.push_back(Item(front.0[1..].to_string()));
            }
            yield_!(front);
        }
    },
    run: drain(vec!["ab", "c", "def"]),
}

gen_differential! {
    /// A panic between yields inside a nested `match`, with values alive
    /// at two levels.
    name: panic_in_nested_match_between_yields,
    items: {},
    gen: fn risky(xs: Vec<i32>) -> impl Iterator<Item = i32> {
        let _outer = D("outer");
        for x in xs {
            let _inner = D("inner");
            match x.signum() {
                1 => yield_!(x),
                0 => {
                    let _z = D("zero");
                    panic!("zero at {}", x);
                }
                _ => yield_!(-x),
            }
        }
    },
    run: risky(vec![3, -2, 0, 5]),
}

gen_differential! {
    /// A stream that panics inside an awaited future between yields.
    name: stream_panic_inside_awaited_future,
    items: {
        pub async fn boom(n: u32) -> u32 {
            let _b = D("boom-local");
            pend(1, ()).await;
            if n == 2 { panic!("boom {n}") }
            n
        }
    },
    gen: fn each(n: u32) -> impl Stream<Item = u32> {
        let _s = D("stream");
        for i in 0..n {
            yield_!(boom(i).await);
        }
    },
    run: each(4),
}

gen_differential! {
    /// A labelled block with a value computed from yields and a `break`
    /// out of it.
    name: labelled_block_value_after_yields,
    items: {},
    gen: fn blocks(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        for x in xs {
            let v = 'b: {
                let _d = D("blk");
                if x == 0 {
                    break 'b 100;
                }
                yield_!(x);
                if x > 5 {
                    break 'b x * 2;
                }
                yield_!(x + 1);
                x
            };
            yield_!(v);
        }
    },
    run: blocks(vec![0, 3, 7]),
}

gen_differential! {
    /// `loop` with a `break` value and a yield before it, the value yielded.
    name: loop_break_value_after_yield,
    items: {},
    gen: fn search(xs: Vec<u32>, target: u32) -> impl Iterator<Item = u32> {
        let mut i = 0;
        let found = loop {
            if i == xs.len() {
                break None;
            }
            let _probe = D("probe");
            yield_!(xs[i]);
            if xs[i] == target {
                break Some(i as u32);
            }
            i += 1;
        };
        yield_!(found.unwrap_or(999));
    },
    run: search(vec![4, 8, 15, 16], 15),
}

gen_differential! {
    /// Shadowing across yields in nested blocks, each binding with a
    /// destructor.
    name: shadowing_in_nested_blocks_across_yields,
    items: {},
    gen: fn shades() -> impl Iterator<Item = &'static str> {
        let x = D("x1");
        yield_!(x.0);
        {
            let x = D("x2");
            yield_!(x.0);
            let x = D("x3");
            yield_!(x.0);
        }
        yield_!(x.0);
        let x = D("x4");
        yield_!(x.0);
    },
    run: shades(),
}

gen_differential! {
    /// `ref mut` binding into a local tuple across yields.
    name: ref_mut_binding_across_yields,
    items: {},
    gen: fn acc(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut state = (0u32, Vec::<u32>::new());
        let (ref mut total, ref mut seen) = state;
        for x in xs {
            *total += x;
            seen.push(x);
            yield_!(*total);
        }
        yield_!(seen.len() as u32);
    },
    run: acc(vec![1, 2, 3]),
}

gen_differential! {
    /// A slice pattern match in a loop on a window of the argument, arms
    /// yielding differently.
    name: slice_patterns_on_windows,
    items: {},
    gen: fn trend(xs: Vec<i32>) -> impl Iterator<Item = &'static str> {
        for w in xs.windows(3) {
            match w {
                [a, b, c] if a < b && b < c => yield_!("up"),
                [a, b, c] if a > b && b > c => yield_!("down"),
                [a, .., c] if a == c => {
                    yield_!("flat");
                    yield_!("again");
                }
                _ => continue,
            }
        }
    },
    run: trend(vec![1, 2, 3, 2, 1, 1, 1, 5]),
}

gen_differential! {
    /// A recursive tree flattened with an explicit stack of iterators over
    /// borrowed children (a borrow of the argument kept across yields).
    name: tree_flatten_stack_of_iterators,
    items: {
        pub struct T(pub u32, pub Vec<T>);
    },
    gen: fn flat(root: T) -> impl Iterator<Item = u32> {
        yield_!(root.0);
        let mut stack = vec![root.1.iter()];
        while let Some(top) = stack.last_mut() {
            match top.next() {
                Some(n) => {
                    yield_!(n.0);
                    stack.push(n.1.iter());
                }
                None => {
                    stack.pop();
                }
            }
        }
    },
    run: flat(T(1, vec![T(2, vec![T(3, vec![])]), T(4, vec![])])),
}

gen_differential! {
    /// A stream paging through results with an awaited `?`-like helper,
    /// `break` with items left in the page.
    name: stream_pages_break_midway,
    items: {
        pub async fn page(n: u32) -> Result<Vec<Item>, String> {
            pend(1, ()).await;
            if n > 2 { Err("end".into()) } else { Ok(vec![Item(format!("p{n}a")), Item(format!("p{n}b"))]) }
        }
    },
    gen: fn items(stop: &'static str) -> impl Stream<Item = Item> {
        let mut n = 0;
        'pages: loop {
            let Ok(items) = page(n).await else { break };
            for it in items {
                if it.0 == stop {
                    log("stop");
                    break 'pages;
                }
                yield_!(it);
            }
            n += 1;
        }
        log("after pages");
    },
    run: items("p1b"),
}

gen_differential! {
    /// A stream awaiting inside a `match` scrutinee and in an arm, yields
    /// in the other arm.
    name: stream_await_in_scrutinee_and_arm,
    items: {},
    gen: fn route(xs: Vec<u32>) -> impl Stream<Item = String> {
        for x in xs {
            let _d = D("req");
            match pend(1, x % 3).await {
                0 => {
                    let v = pend(2, x).await;
                    yield_!(format!("slow {v}"));
                }
                1 => yield_!(format!("fast {x}")),
                _ => {}
            }
        }
    },
    run: route(vec![3, 4, 5, 6]),
}

gen_differential! {
    /// An early `return` from within a nested loop of a stream, with a
    /// pending future never created after it.
    name: stream_return_from_nested_loop,
    items: {},
    gen: fn until(grid: Vec<Vec<u32>>) -> impl Stream<Item = u32> {
        let _a = D("a");
        for row in grid {
            let _r = D("row");
            for c in row {
                if c == 0 {
                    return;
                }
                yield_!(pend(1, c).await);
            }
        }
        log("unreached");
    },
    run: until(vec![vec![1, 2], vec![3, 0, 4]]),
}

gen_differential! {
    /// `matches!`-free guards with `@` on a struct pattern, yields in arms.
    name: struct_pattern_at_guards,
    items: {
        #[derive(Clone, Copy, Debug)]
        pub struct P { pub x: i32, pub y: i32 }
    },
    gen: fn quad(ps: Vec<P>) -> impl Iterator<Item = String> {
        for p in ps {
            match p {
                P { x: 0, y: 0 } => yield_!("origin".into()),
                whole @ P { x, y } if x > 0 && y > 0 => yield_!(format!("q1 {whole:?}")),
                P { x: ax @ ..=-1, .. } => yield_!(format!("left {ax}")),
                _ => yield_!("other".into()),
            }
        }
    },
    run: quad(vec![P { x: 0, y: 0 }, P { x: 1, y: 2 }, P { x: -3, y: 1 }, P { x: 2, y: -1 }]),
}

gen_differential! {
    /// s14-1 in generators: a `let` whose type only a later statement fixes,
    /// its initializer awaiting.
    name: stream_let_collect_type_fixed_later,
    items: {},
    gen: fn g(n: u32) -> impl Stream<Item = usize> {
        let v = pend(1, vec![1u32; n as usize]).await.into_iter().collect();
        let w: Vec<u32> = v;
        yield_!(w.len());
    },
    run: g(2),
}

gen_differential! {
    /// A `Vec`'s element type fixed after a yield in a loop, a method called
    /// on an element after the loop, in the next yielded value (the s14-2
    /// shape of `tests/differential`, which works here).
    name: vec_elem_type_fixed_after_yield,
    items: {},
    gen: fn g(names: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut v = Vec::new();
        for n in names {
            yield_!(n.len());
            v.push(n.to_string());
        }
        let x = v.pop().unwrap();
        yield_!(x.len());
    },
    run: g(vec!["a", "bb"]),
}

gen_differential! {
    /// Items yielded from a `BTreeMap` entry API, a borrow of the map
    /// kept across yields by the iterator.
    name: btreemap_range_across_yields,
    items: {},
    gen: fn between(pairs: Vec<(u32, &'static str)>, lo: u32, hi: u32) -> impl Iterator<Item = String> {
        let mut m = std::collections::BTreeMap::new();
        for (k, v) in pairs {
            m.entry(k).or_insert_with(Vec::new).push(v);
        }
        for (k, vs) in m.range(lo..hi) {
            for v in vs {
                yield_!(format!("{k}:{v}"));
            }
        }
        yield_!(m.len().to_string());
    },
    run: between(vec![(3, "c"), (1, "a"), (3, "cc"), (7, "g"), (5, "e")], 2, 6),
}

gen_differential! {
    /// An iterator adaptor chain over the generator's own locals
    /// (`zip`, `skip_while`, `step_by`), the chain kept across yields.
    name: adaptor_chain_kept_across_yields,
    items: {},
    gen: fn g(a: Vec<u32>, b: String) -> impl Iterator<Item = String> {
        let chars: Vec<char> = b.chars().collect();
        let it = a.iter().zip(chars.iter()).skip_while(|(x, _)| **x < 2).step_by(2);
        for (x, c) in it {
            yield_!(format!("{c}{x}"));
        }
    },
    run: g(vec![1, 2, 3, 4, 5, 6], "abcdef".to_string()),
}

gen_differential! {
    /// A stream whose loop condition awaits (`while pend(..).await`).
    name: stream_while_condition_awaits,
    items: {},
    gen: fn ticks(n: u32) -> impl Stream<Item = u32> {
        let mut i = 0;
        let _d = D("ticks");
        while pend(1, i < n).await {
            let _t = D("tick");
            yield_!(i);
            i += 1;
        }
    },
    run: ticks(3),
}

gen_differential! {
    /// A generator yielding tuples that hold a clone of a local `Rc`,
    /// the local dropped at the end.
    name: rc_clones_yielded,
    items: {},
    gen: fn shared(n: usize) -> impl Iterator<Item = (usize, usize)> {
        let rc = std::rc::Rc::new(D("rc"));
        for i in 0..n {
            let c = rc.clone();
            yield_!((i, std::rc::Rc::strong_count(&c)));
        }
    },
    run: shared(3),
}

gen_differential! {
    /// A stream with an `async move` block that captures a `D` whole (it
    /// borrows it), kept across yields and awaited later.
    name: stream_async_block_capturing_whole_value,
    items: {},
    gen: fn later(n: u32) -> impl Stream<Item = u32> {
        let d = D("captured");
        let fut = async move {
            let held = &d;
            pend(1, ()).await;
            log(format!("fut with {}", held.0));
            n * 3
        };
        yield_!(1);
        let _mid = D("mid");
        yield_!(2);
        let v = fut.await;
        yield_!(v);
    },
    run: later(5),
}

gen_differential! {
    /// A `&self` stream awaiting a lookup per key of a field, yielding
    /// borrowed-then-owned values, a local with a destructor beside it.
    name: self_stream_lookups_per_field_key,
    items: {
        pub struct Dir { pub keys: Vec<&'static str>, pub d: D }
        pub static DIR: std::sync::LazyLock<Dir> =
            std::sync::LazyLock::new(|| Dir { keys: vec!["a", "bb", "ccc"], d: D("dir") });
        pub async fn resolve(k: &str) -> Option<usize> {
            pend(1, ()).await;
            (k.len() != 2).then_some(k.len())
        }
    },
    gen: impl Dir {
        fn resolved(&self, prefix: &'static str) -> impl Stream<Item = String> {
            let _local = D("local");
            for k in &self.keys {
                match resolve(k).await {
                    Some(n) => yield_!(format!("{prefix}{k}={n}")),
                    None => log(format!("miss {k}")),
                }
            }
        }
    },
    run: DIR.resolved("/"),
}

gen_differential! {
    /// A generic stream over `T: Clone + Debug`, awaiting before each
    /// yield and between two yields of the same item.
    name: generic_stream_twice_with_awaits,
    items: {},
    gen: fn twice[T: Clone + std::fmt::Debug + 'static](xs: Vec<T>) -> impl Stream<Item = T> {
        let _d = D("twice");
        for x in xs {
            let a = pend(1, x.clone()).await;
            yield_!(a);
            pend(1, ()).await;
            yield_!(x);
        }
    },
    run: twice(vec!["p", "q"]),
}

gen_differential! {
    /// A generator owning a `Vec` of items, yielding them out of order
    /// with `swap_remove`, dropped half-consumed with the rest in place.
    name: swap_remove_owned_half_consumed,
    items: {},
    gen: fn shuffle(names: Vec<&'static str>) -> impl Iterator<Item = Item> {
        let mut v: Vec<Item> = names.iter().map(|n| Item(n.to_string())).collect();
        let _g = D("shuffle");
        let mut i = 0;
        while !v.is_empty() {
            i = (i + 2) % v.len();
            let it = v.swap_remove(i);
            yield_!(it);
        }
    },
    run: shuffle(vec!["a", "b", "c", "d"]),
}
