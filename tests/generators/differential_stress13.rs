//! Stress round 13 for generators, against rustc's own coroutines (see
//! `oracle.rs`): realistic iterator and stream bodies in shapes the first
//! oracle cases did not cover: nested loops with labelled `break` and
//! `continue`, `yield_!` in `match` arms, `if let`, `while let` and under
//! guards, yielded temporaries and borrows of locals, values with
//! destructors at several scope levels (the oracle drops the generator
//! after every number of steps), early `return` and `?`-like exits,
//! `loop { match state }` machines, streams that await between yields,
//! panics mid-generator, owned items, adaptors over the generator's own
//! state (`enumerate`, `windows`, `chars`, `split`), and `Vec`, `String`
//! and `Box<dyn Fn>` arguments.
// Shapes written on purpose, as real generator bodies are written.
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_labels,
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
    clippy::blocks_in_conditions
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
    /// Rows and columns with a labelled `continue 'rows` and `break 'rows`,
    /// a value per level.
    name: grid_labelled_continue_and_break,
    items: {},
    gen: fn cells(rows: u32, cols: u32, stop: u32) -> impl Iterator<Item = (u32, u32)> {
        let _all = D("all");
        'rows: for r in 0..rows {
            let _row = D("row");
            for c in 0..cols {
                let _cell = D("cell");
                if (r + c) % 3 == 2 {
                    continue 'rows;
                }
                if r * cols + c >= stop {
                    break 'rows;
                }
                yield_!((r, c));
            }
            log(format!("row {r} done"));
        }
        yield_!((99, 99));
    },
    run: cells(3, 3, 7),
}

gen_differential! {
    /// `yield_!` in `match` arms with guards, one arm yielding twice, one
    /// yielding from a nested `if let`.
    name: yields_in_guarded_match_arms,
    items: {},
    gen: fn classify(xs: Vec<Option<i32>>) -> impl Iterator<Item = String> {
        for x in xs {
            let _d = D("each");
            match x {
                Some(n) if n < 0 => {
                    yield_!(format!("neg {n}"));
                    yield_!(format!("abs {}", -n));
                }
                Some(0) => {}
                Some(n) => {
                    if let Some(h) = (n % 2 == 0).then_some(n / 2) {
                        yield_!(format!("half {h}"));
                    } else {
                        yield_!(format!("odd {n}"));
                    }
                }
                None => yield_!("none".to_string()),
            }
        }
    },
    run: classify(vec![Some(-2), Some(0), Some(4), None, Some(3)]),
}

gen_differential! {
    /// `while let` over a stack with pushes during iteration (a DFS), the
    /// popped node yielded, children pushed after the yield.
    name: dfs_with_explicit_stack,
    items: {},
    gen: fn dfs(edges: Vec<(u32, u32)>, root: u32) -> impl Iterator<Item = u32> {
        let mut stack = vec![root];
        let mut seen = std::collections::BTreeSet::new();
        let _s = D("stack");
        while let Some(n) = stack.pop() {
            if !seen.insert(n) {
                continue;
            }
            yield_!(n);
            for &(a, b) in edges.iter().rev() {
                if a == n {
                    stack.push(b);
                }
            }
        }
    },
    run: dfs(vec![(1, 2), (1, 3), (2, 4), (3, 4), (4, 1)], 1),
}

gen_differential! {
    /// Yielded borrows turned into owned values: `&str` slices of a local
    /// `String` taken with `split`, yielded as `String`s across yields.
    name: split_local_string_across_yields,
    items: {},
    gen: fn fields(line: String) -> impl Iterator<Item = String> {
        let upper = line.to_uppercase();
        let _d = D("line");
        for (i, part) in upper.split(',').enumerate() {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            yield_!(format!("{i}={part}"));
        }
        yield_!(upper.len().to_string());
    },
    run: fields("a, b,, c ".to_string()),
}

gen_differential! {
    /// `windows` and `chunks` over a `Vec` argument, the iterators kept
    /// across yields, a nested loop yielding per element of a chunk.
    name: windows_and_chunks_over_argument,
    items: {},
    gen: fn deltas(xs: Vec<i32>) -> impl Iterator<Item = i32> {
        for w in xs.windows(2) {
            yield_!(w[1] - w[0]);
        }
        let _mid = D("mid");
        for (k, ch) in xs.chunks(2).enumerate() {
            for x in ch {
                yield_!(x * 10 + k as i32);
            }
        }
    },
    run: deltas(vec![1, 4, 9, 16, 25]),
}

gen_differential! {
    /// `chars().peekable()` kept across yields, runs of equal characters
    /// yielded (a run-length encoder).
    name: run_length_encoder_peekable,
    items: {},
    gen: fn rle(s: String) -> impl Iterator<Item = (char, usize)> {
        let mut it = s.chars().peekable();
        while let Some(c) = it.next() {
            let mut n = 1;
            while it.next_if_eq(&c).is_some() {
                n += 1;
            }
            yield_!((c, n));
        }
    },
    run: rle("aaabccdddd".to_string()),
}

gen_differential! {
    /// A tokenizer state machine: `loop { match state }` with the state
    /// reassigned in arms that yield.
    name: tokenizer_state_machine,
    items: {
        #[derive(Clone, Copy, PartialEq, Debug)]
        pub enum St { Space, Word(usize), Num(usize), End }
    },
    gen: fn tokens(src: String) -> impl Iterator<Item = String> {
        let b = src.as_bytes();
        let mut i = 0;
        let mut st = St::Space;
        let _d = D("lexer");
        loop {
            match st {
                St::Space => {
                    while i < b.len() && b[i] == b' ' {
                        i += 1;
                    }
                    st = if i == b.len() {
                        St::End
                    } else if b[i].is_ascii_digit() {
                        St::Num(i)
                    } else {
                        St::Word(i)
                    };
                }
                St::Word(s) | St::Num(s) => {
                    let num = matches!(st, St::Num(_));
                    while i < b.len() && b[i] != b' ' {
                        i += 1;
                    }
                    yield_!(format!("{}:{}", if num { "num" } else { "word" }, &src[s..i]));
                    st = St::Space;
                }
                St::End => break,
            }
        }
    },
    run: tokens(" ab 12  c3 ".to_string()),
}

gen_differential! {
    /// A state machine whose states own values with destructors, moved out
    /// with `mem::replace` and yielded from.
    name: owning_state_machine_yields,
    items: {
        pub enum Phase { Start, Holding(D, u32), Done }
    },
    gen: fn phases(n: u32) -> impl Iterator<Item = u32> {
        let mut p = Phase::Start;
        let mut count = 0;
        loop {
            p = match std::mem::replace(&mut p, Phase::Done) {
                Phase::Start => Phase::Holding(D("held"), 0),
                Phase::Holding(d, k) if k < n => {
                    yield_!(k * 10 + d.0.len() as u32);
                    Phase::Holding(d, k + 1)
                }
                Phase::Holding(d, _) => {
                    log("release");
                    drop(d);
                    yield_!(1000);
                    Phase::Done
                }
                Phase::Done => break,
            };
            count += 1;
        }
        yield_!(count);
    },
    run: phases(2),
}

gen_differential! {
    /// Early `return` as a `?`-like exit via `match` on a parse result,
    /// with values alive at two scope levels.
    name: question_mark_like_exit_via_match,
    items: {},
    gen: fn numbers(words: Vec<&'static str>) -> impl Iterator<Item = u32> {
        let _outer = D("outer");
        for w in words {
            let _w = D("word");
            let n: u32 = match w.parse() {
                Ok(n) => n,
                Err(_) => {
                    log(format!("bad {w}"));
                    return;
                }
            };
            yield_!(n);
        }
        yield_!(0);
    },
    run: numbers(vec!["1", "22", "x", "3"]),
}

gen_differential! {
    /// `let else` exits and `if let ... else { continue }` around yields.
    name: let_else_and_if_let_continue,
    items: {},
    gen: fn pairs(lines: Vec<&'static str>) -> impl Iterator<Item = (String, u32)> {
        for line in lines {
            let Some((k, v)) = line.split_once('=') else {
                log(format!("skip {line}"));
                continue;
            };
            let _kv = D("kv");
            if let Ok(n) = v.parse::<u32>() {
                yield_!((k.to_string(), n));
            } else {
                yield_!((k.to_string(), 0));
                continue;
            }
            log("after");
        }
    },
    run: pairs(vec!["a=1", "junk", "b=x", "c=3"]),
}

gen_differential! {
    /// Owned items with destructors yielded; items the generator keeps in a
    /// buffer are dropped with it.
    name: yields_owned_items_with_buffer,
    items: {},
    gen: fn batches(names: Vec<&'static str>, size: usize) -> impl Iterator<Item = Vec<Item>> {
        let mut buf = Vec::new();
        for n in names {
            buf.push(Item(n.to_string()));
            if buf.len() == size {
                yield_!(std::mem::take(&mut buf));
            }
        }
        if !buf.is_empty() {
            yield_!(buf);
        }
    },
    run: batches(vec!["a", "b", "c", "d", "e"], 2),
}

gen_differential! {
    /// A `Box<dyn Fn>` argument called for every item, a `String`
    /// argument borrowed across yields.
    name: boxed_fn_and_string_arguments,
    items: {},
    gen: fn mapped(prefix: String, f: Box<dyn Fn(u32) -> u32>, n: u32) -> impl Iterator<Item = String> {
        let p = prefix.as_str();
        for i in 0..n {
            let v = f(i);
            if v % 3 == 0 {
                continue;
            }
            yield_!(format!("{p}{v}"));
        }
        yield_!(prefix.clone());
    },
    run: mapped("x".to_string(), Box::new(|i| i * i + 1), 5),
}

gen_differential! {
    /// A panic in the middle of a generator with values alive at three
    /// levels; the items before it are yielded.
    name: panic_mid_generator_nested,
    items: {},
    gen: fn risky(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let _a = D("a");
        for x in xs {
            let _b = D("b");
            if x == 0 {
                let _c = D("c");
                panic!("zero at {x}");
            }
            yield_!(100 / x);
        }
    },
    run: risky(vec![5, 2, 0, 1]),
}

gen_differential! {
    /// Yielded temporary expressions: a call borrowing a temporary `D`
    /// (kept to the end of the statement, across the yield), a block
    /// expression with a local, an `if` whose condition borrows a
    /// temporary (dropped at the condition's end), and a `match` whose
    /// scrutinee borrows one (s13-3: kept to the end of the statement,
    /// across the yield; longhand dropped it at the end of the `match`).
    name: yielded_temporary_expressions,
    items: {
        pub fn name_len(d: &D) -> usize {
            log(format!("len {}", d.0));
            d.0.len()
        }
    },
    gen: fn temps(n: usize) -> impl Iterator<Item = usize> {
        yield_!(name_len(&D("t1")) + n);
        yield_!({
            let d = D("blk");
            name_len(&d) * 2
        });
        yield_!(if name_len(&D("t3")) == 2 { 20 } else { 0 });
        yield_!(match name_len(&D("t4")) {
            2 => 20,
            k => k,
        });
    },
    run: temps(1),
}

gen_differential! {
    /// Yielding borrows of locals turned owned: a `BTreeMap` filled then
    /// iterated (`iter()` kept across yields), then drained with
    /// `pop_first`.
    name: btreemap_iterated_then_drained,
    items: {},
    gen: fn counts(words: Vec<&'static str>) -> impl Iterator<Item = (String, usize)> {
        let mut m = std::collections::BTreeMap::new();
        for w in &words {
            *m.entry(*w).or_insert(0) += 1;
        }
        for (k, v) in m.iter() {
            yield_!((k.to_string(), *v));
        }
        let _mid = D("mid");
        while let Some((k, v)) = m.pop_first() {
            if v > 1 {
                yield_!((format!("dup {k}"), v));
            }
        }
    },
    run: counts(vec!["b", "a", "b", "c", "a", "b"]),
}

gen_differential! {
    /// A sliding window kept in a `VecDeque` with values pushed and popped
    /// around yields (a moving sum).
    name: moving_sum_deque,
    items: {},
    gen: fn moving(xs: Vec<u32>, k: usize) -> impl Iterator<Item = u32> {
        let mut win = std::collections::VecDeque::new();
        let mut sum = 0;
        for x in xs {
            win.push_back(x);
            sum += x;
            if win.len() > k {
                sum -= win.pop_front().unwrap();
            }
            if win.len() == k {
                yield_!(sum);
            }
        }
    },
    run: moving(vec![1, 2, 3, 4, 5, 6], 3),
}

gen_differential! {
    /// Fibonacci with a `take_while`-like `return` and tuple reassignment
    /// between yields.
    name: fibonacci_tuple_reassign,
    items: {},
    gen: fn fib(limit: u64) -> impl Iterator<Item = u64> {
        let (mut a, mut b) = (0u64, 1u64);
        loop {
            if a > limit {
                return;
            }
            yield_!(a);
            (a, b) = (b, a + b);
        }
    },
    run: fib(30),
}

gen_differential! {
    /// A labelled block whose `break` value is yielded, with a `yield_!`
    /// inside the block before the `break`.
    name: labelled_block_value_yielded,
    items: {},
    gen: fn firsts(groups: Vec<Vec<u32>>) -> impl Iterator<Item = u32> {
        for g in groups {
            let _g = D("group");
            let first_even = 'find: {
                for x in &g {
                    if x % 2 == 0 {
                        break 'find *x;
                    }
                    yield_!(*x + 100);
                }
                0
            };
            yield_!(first_even);
        }
    },
    run: firsts(vec![vec![1, 3, 4, 5], vec![7], vec![2]]),
}

gen_differential! {
    /// A `yield_!` inside the scrutinee of a `match` and an `if`
    /// condition (its value is `()`, used in a block).
    name: yield_inside_conditions_blocks,
    items: {},
    gen: fn conds(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        for x in xs {
            if {
                yield_!(x);
                x > 2
            } {
                yield_!(x * 100);
            }
            match {
                yield_!(x + 1);
                x % 2
            } {
                0 => log("even"),
                _ => log("odd"),
            }
        }
    },
    run: conds(vec![1, 4]),
}

gen_differential! {
    /// A generator over a `String` argument yielding `char_indices`
    /// positions of vowels, the iterator borrowing the argument.
    name: char_indices_over_argument,
    items: {},
    gen: fn vowels(s: String) -> impl Iterator<Item = (usize, char)> {
        let _d = D("s");
        for (i, c) in s.char_indices() {
            if "aeiouäö".contains(c) {
                yield_!((i, c));
            }
        }
    },
    run: vowels("häagen dözs".to_string()),
}

gen_differential! {
    /// Nested `while` loops with counters and `break` out of the inner
    /// loop after a yield; a value with a destructor per outer iteration.
    name: nested_while_counters,
    items: {},
    gen: fn tri(n: u32) -> impl Iterator<Item = u32> {
        let mut i = 0;
        while i < n {
            let _row = D("row");
            let mut j = 0;
            while j <= i {
                yield_!(i * 10 + j);
                if j == 1 {
                    break;
                }
                j += 1;
            }
            i += 1;
        }
    },
    run: tri(4),
}

gen_differential! {
    /// A generator taking another iterator (`Vec`'s `into_iter`) and a
    /// predicate, deduplicating consecutive items (itertools' `dedup`).
    name: dedup_consecutive,
    items: {},
    gen: fn dedup(xs: Vec<&'static str>) -> impl Iterator<Item = String> {
        let mut last: Option<&'static str> = None;
        let mut it = xs.into_iter();
        while let Some(x) = it.next() {
            if last == Some(x) {
                continue;
            }
            last = Some(x);
            yield_!(x.to_string());
        }
        log(format!("last {last:?}"));
    },
    run: dedup(vec!["a", "a", "b", "a", "c", "c"]),
}

gen_differential! {
    /// Shadowing across yields: the same name rebound with values that
    /// have destructors.
    name: shadowing_owned_across_yields,
    items: {},
    gen: fn shadows(n: u32) -> impl Iterator<Item = u32> {
        let x = D("x1");
        yield_!(n);
        let x = D("x2");
        yield_!(n + 1);
        let x = x.0.len() as u32;
        yield_!(x);
        let x = D("x4");
        yield_!(n + 3);
    },
    run: shadows(1),
}

gen_differential! {
    /// A paginated stream: `loop` fetching pages with awaits, yielding each
    /// row, stopping when a page comes back short.
    name: stream_paginated_fetch,
    items: {
        pub async fn page(n: u32, size: u32, total: u32) -> Vec<u32> {
            let _req = D("req");
            pend(1, ()).await;
            (n * size..((n + 1) * size).min(total)).collect()
        }
    },
    gen: fn rows(size: u32, total: u32) -> impl Stream<Item = u32> {
        let mut n = 0;
        let _cursor = D("cursor");
        loop {
            let rows = page(n, size, total).await;
            let short = (rows.len() as u32) < size;
            for r in rows {
                yield_!(r);
            }
            if short {
                break;
            }
            n += 1;
        }
    },
    run: rows(2, 5),
}

gen_differential! {
    /// A stream with a retry loop inside: `match` on an awaited `Result`,
    /// `continue` after an await in the error arm, a yield per success.
    name: stream_retry_inside,
    items: {
        pub async fn try_get(i: u32, attempt: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if (i + attempt) % 3 == 0 { Err(format!("e{i}/{attempt}")) } else { Ok(i * 10 + attempt) }
        }
    },
    gen: fn fetch_all(n: u32) -> impl Stream<Item = Result<u32, String>> {
        for i in 0..n {
            let mut attempt = 0;
            let _g = D("item");
            loop {
                match try_get(i, attempt).await {
                    Ok(v) => {
                        yield_!(Ok(v));
                        break;
                    }
                    Err(e) if attempt < 1 => {
                        attempt += 1;
                        pend(1, ()).await;
                        continue;
                    }
                    Err(e) => {
                        yield_!(Err(e));
                        break;
                    }
                }
            }
        }
    },
    run: fetch_all(4),
}

gen_differential! {
    /// A stream parser: bytes arrive in awaited chunks, lines are split out
    /// of a growing buffer and yielded, the remainder kept.
    name: stream_line_splitter,
    items: {
        pub async fn chunk(chunks: &[&'static str], i: usize) -> Option<&'static str> {
            pend(1, ()).await;
            chunks.get(i).copied()
        }
    },
    gen: fn lines(chunks: Vec<&'static str>) -> impl Stream<Item = String> {
        let mut buf = String::new();
        let mut i = 0;
        let _b = D("buf");
        while let Some(c) = chunk(&chunks, i).await {
            i += 1;
            buf.push_str(c);
            while let Some(pos) = buf.find('\n') {
                let line: String = buf.drain(..=pos).collect();
                yield_!(line.trim_end().to_string());
            }
        }
        if !buf.is_empty() {
            yield_!(std::mem::take(&mut buf));
        }
    },
    run: lines(vec!["ab\ncd", "e\n", "\nf"]),
}

gen_differential! {
    /// A stream that panics after an await with values alive in a `Vec`
    /// and a local guard.
    name: stream_panic_after_await,
    items: {},
    gen: fn flaky(n: u32) -> impl Stream<Item = u32> {
        let mut held = vec![D("h0")];
        for i in 0..n {
            let _g = D("iter");
            let v = pend(1, i).await;
            if v == 2 {
                held.push(D("h1"));
                panic!("flaky at {v}");
            }
            yield_!(v);
        }
    },
    run: flaky(4),
}

gen_differential! {
    /// A stream yielding owned items built across an await, the item
    /// partly built when the stream is dropped mid-await.
    name: stream_yields_owned_items,
    items: {},
    gen: fn items(names: Vec<&'static str>) -> impl Stream<Item = Item> {
        for n in names {
            let mut it = Item(n.to_string());
            let suffix = pend(1, n.len()).await;
            it.0.push_str(&suffix.to_string());
            yield_!(it);
        }
    },
    run: items(vec!["a", "bc"]),
}

gen_differential! {
    /// A stream throttle: a per-item await whose length depends on a
    /// counter, a labelled `break` out of two loops after an await.
    name: stream_throttle_labelled_break,
    items: {},
    gen: fn throttle(groups: Vec<Vec<u32>>, budget: u32) -> impl Stream<Item = u32> {
        let mut spent = 0;
        let _t = D("throttle");
        'all: for g in groups {
            let _grp = D("group");
            for x in g {
                spent += x;
                pend(x % 2, ()).await;
                if spent > budget {
                    log("over budget");
                    break 'all;
                }
                yield_!(x);
            }
        }
        yield_!(spent);
    },
    run: throttle(vec![vec![1, 2], vec![3, 4, 5]], 7),
}

gen_differential! {
    /// A stream whose future borrows a local across a yield: the future
    /// is created, the item yielded, then the future awaited.
    name: stream_future_borrowing_local_across_yield,
    items: {
        pub async fn measure(s: &str) -> usize {
            pend(1, ()).await;
            s.len()
        }
    },
    gen: fn sizes(words: Vec<String>) -> impl Stream<Item = usize> {
        for w in &words {
            let fut = measure(w);
            yield_!(0);
            let n = fut.await;
            yield_!(n);
        }
    },
    run: sizes(vec!["ab".to_string(), "cde".to_string()]),
}

gen_differential! {
    /// A merge of two sorted `Vec`s with two `Peekable`s kept across
    /// yields.
    name: merge_two_sorted_peekables,
    items: {},
    gen: fn merge(a: Vec<u32>, b: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut x = a.into_iter().peekable();
        let mut y = b.into_iter().peekable();
        loop {
            match (x.peek(), y.peek()) {
                (Some(p), Some(q)) => {
                    if p <= q {
                        yield_!(x.next().unwrap());
                    } else {
                        yield_!(y.next().unwrap());
                    }
                }
                (Some(_), None) => yield_!(x.next().unwrap()),
                (None, Some(_)) => yield_!(y.next().unwrap()),
                (None, None) => break,
            }
        }
    },
    run: merge(vec![1, 4, 6], vec![2, 3, 7, 8]),
}

gen_differential! {
    /// Permutations by an explicit stack of `(Vec, Vec)` frames (owned
    /// values moved in and out of the stack between yields).
    name: permutations_explicit_stack,
    items: {},
    gen: fn perms(xs: Vec<u32>) -> impl Iterator<Item = Vec<u32>> {
        let mut stack = vec![(Vec::new(), xs)];
        while let Some((prefix, rest)) = stack.pop() {
            if rest.is_empty() {
                yield_!(prefix);
                continue;
            }
            for i in (0..rest.len()).rev() {
                let mut p = prefix.clone();
                p.push(rest[i]);
                let mut r = rest.clone();
                r.remove(i);
                stack.push((p, r));
            }
        }
    },
    run: perms(vec![1, 2, 3]),
}

gen_differential! {
    /// A tree walk over `Box`ed nodes by reference, the borrowed nodes kept
    /// on a stack across yields.
    name: boxed_tree_walk_by_reference,
    items: {
        pub enum Tree { Leaf(u32), Node(Box<Tree>, Box<Tree>) }
        pub fn sample() -> Tree {
            Tree::Node(
                Box::new(Tree::Node(Box::new(Tree::Leaf(1)), Box::new(Tree::Leaf(2)))),
                Box::new(Tree::Leaf(3)),
            )
        }
    },
    gen: fn leaves(t: Tree) -> impl Iterator<Item = u32> {
        let mut stack: Vec<&Tree> = vec![&t];
        let _w = D("walk");
        while let Some(n) = stack.pop() {
            match n {
                Tree::Leaf(v) => yield_!(*v),
                Tree::Node(l, r) => {
                    stack.push(r);
                    stack.push(l);
                }
            }
        }
    },
    run: leaves(sample()),
}

gen_differential! {
    /// `zip` and `rev` over two borrowed arguments, `step_by` on a range,
    /// with a guard per iteration.
    name: zip_rev_step_by,
    items: {},
    gen: fn combos(a: Vec<u32>, b: Vec<&'static str>) -> impl Iterator<Item = String> {
        for (x, y) in a.iter().zip(b.iter().rev()) {
            let _g = D("pair");
            yield_!(format!("{x}{y}"));
        }
        for i in (0..10).step_by(4) {
            yield_!(i.to_string());
        }
    },
    run: combos(vec![1, 2, 3], vec!["a", "b", "c"]),
}

gen_differential! {
    /// `return` from inside a `match` arm nested in a `while let` with a
    /// `yield_!` just before it, values alive at each level.
    name: return_after_yield_in_arm,
    items: {},
    gen: fn until_stop(cmds: Vec<&'static str>) -> impl Iterator<Item = String> {
        let _outer = D("outer");
        let mut it = cmds.into_iter();
        while let Some(c) = it.next() {
            let _c = D("cmd");
            match c {
                "stop" => {
                    let _s = D("stopping");
                    yield_!("bye".to_string());
                    return;
                }
                "skip" => continue,
                other => yield_!(other.to_uppercase()),
            }
        }
        yield_!("eof".to_string());
    },
    run: until_stop(vec!["a", "skip", "b", "stop", "c"]),
}

gen_differential! {
    /// A stream awaiting inside a `match` guard's arm body and yielding a
    /// value computed from a temporary borrowed across the await.
    name: stream_temporary_borrowed_across_await,
    items: {
        pub async fn weigh(d: &D) -> usize {
            pend(1, ()).await;
            log(format!("weigh {}", d.0));
            d.0.len()
        }
    },
    gen: fn weights(n: u32) -> impl Stream<Item = usize> {
        for i in 0..n {
            let w = weigh(&D("tmp")).await;
            match i {
                0 => yield_!(w),
                k if k % 2 == 1 => {
                    let x = pend(1, k as usize).await;
                    yield_!(w + x);
                }
                _ => {}
            }
        }
    },
    run: weights(3),
}

gen_differential! {
    /// An `if let ... else if let ... else` chain yielding in every branch,
    /// with a scrutinee that borrows a local.
    name: if_let_chain_yields,
    items: {},
    gen: fn parse(items: Vec<String>) -> impl Iterator<Item = String> {
        for s in &items {
            if let Some(rest) = s.strip_prefix("+") {
                yield_!(format!("add {rest}"));
            } else if let Some(rest) = s.strip_prefix("-") {
                let _d = D("minus");
                yield_!(format!("sub {rest}"));
                yield_!("again".to_string());
            } else if let Ok(n) = s.parse::<i32>() {
                yield_!(format!("num {n}"));
            } else {
                yield_!(format!("other {s}"));
            }
        }
    },
    run: parse(vec!["+a".into(), "-b".into(), "7".into(), "?".into()]),
}

gen_differential! {
    /// A generator whose argument is a `Box<dyn Fn>` predicate and a `Vec`
    /// of owned items, yielding the items that pass and keeping the rest.
    name: filter_owned_with_boxed_predicate,
    items: {},
    gen: fn keep(items: Vec<Item>, pred: Box<dyn Fn(&Item) -> bool>) -> impl Iterator<Item = Item> {
        let mut rejected = Vec::new();
        for it in items {
            if pred(&it) {
                yield_!(it);
            } else {
                rejected.push(it);
            }
        }
        log(format!("rejected {}", rejected.len()));
    },
    run: keep(
        vec![Item("a".into()), Item("bb".into()), Item("c".into())],
        Box::new(|i: &Item| i.0.len() == 1),
    ),
}

gen_differential! {
    /// s13-4 in a stream: an awaited state machine, `st = match st { .. }`
    /// whose last arm awaits and then leaves the loop (the assignment never
    /// happens there, so `st` keeps its old value across that await).
    name: stream_state_machine,
    items: {
        #[derive(Clone, Copy, Debug)]
        pub enum Conn {
            Connecting(u32),
            Ready(u32),
            Closing,
        }
    },
    gen: fn session(msgs: u32) -> impl Stream<Item = String> {
        let mut st = Conn::Connecting(0);
        let _s = D("session");
        loop {
            st = match st {
                Conn::Connecting(tries) if tries < 2 => {
                    pend(1, ()).await;
                    yield_!(format!("connecting {tries}"));
                    Conn::Connecting(tries + 1)
                }
                Conn::Connecting(_) => Conn::Ready(0),
                Conn::Ready(n) if n < msgs => {
                    let v = pend(1, n * 7).await;
                    yield_!(format!("msg {v}"));
                    Conn::Ready(n + 1)
                }
                Conn::Ready(_) => Conn::Closing,
                Conn::Closing => {
                    pend(1, ()).await;
                    break;
                }
            };
        }
        yield_!("closed".to_string());
    },
    run: session(2),
}

gen_differential! {
    /// s13-4, the smallest iterator form: the `break` arm yields before
    /// leaving, and the generator yields again after the loop.
    name: value_or_break_after_a_yield,
    items: {},
    gen: fn steps(limit: u32) -> impl Iterator<Item = u32> {
        let mut st = 0u32;
        loop {
            st = if st < limit {
                yield_!(st);
                st + 1
            } else {
                yield_!(50);
                break;
            };
        }
        yield_!(99);
    },
    run: steps(2),
}
