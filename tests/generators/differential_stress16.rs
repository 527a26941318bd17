//! Stress round 16 for generators, against rustc's own coroutines (see
//! `oracle.rs`): realistic generators in domains earlier rounds did not
//! use (a streaming JSON-ish tokenizer, an HTTP chunked-body decoder, a
//! sorted merge of async sources, windowed aggregation, a CSV reader with
//! quoting, log-line parsing, a trie walk, a diff of sorted lists, an
//! event-sourcing replay, a retry stream, a mailbox drained as a stream)
//! and the shapes they are made of: yields inside `match` arms with
//! guards, labelled blocks, `let .. else`, early `return` from nested
//! loops with live destructors, shadowing across yields, closures and
//! native `async` blocks around yields, moved locals beside awaits, and
//! panics after some items.
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
    clippy::needless_late_init,
    clippy::question_mark,
    clippy::let_and_return
)]

use crate::{D, log};
use std::collections::{BTreeMap, VecDeque};

gen_differential! {
    /// A streaming JSON-ish tokenizer: punctuation, strings with escapes,
    /// numbers and keywords, one token per yield.
    name: json_like_tokenizer,
    items: {
        #[derive(Debug, PartialEq)]
        pub enum Tok { Punct(char), Str(String), Num(i64), Word(String) }
    },
    gen: fn tokens(src: &'static str) -> impl Iterator<Item = Tok> {
        let mut it = src.chars().peekable();
        let _g = D("lexer");
        while let Some(&c) = it.peek() {
            match c {
                ' ' | '\n' => { it.next(); }
                '{' | '}' | '[' | ']' | ':' | ',' => { it.next(); yield_!(Tok::Punct(c)); }
                '"' => {
                    it.next();
                    let mut s = String::new();
                    loop {
                        match it.next() {
                            Some('\\') => if let Some(e) = it.next() { s.push(e) },
                            Some('"') | None => break,
                            Some(ch) => s.push(ch),
                        }
                    }
                    yield_!(Tok::Str(s));
                }
                '-' | '0'..='9' => {
                    let mut n = String::new();
                    while let Some(&d) = it.peek() {
                        if d == '-' || d.is_ascii_digit() { n.push(d); it.next(); } else { break; }
                    }
                    yield_!(Tok::Num(n.parse().unwrap_or(0)));
                }
                _ => {
                    let mut w = String::new();
                    while let Some(&d) = it.peek() {
                        if d.is_alphabetic() { w.push(d); it.next(); } else { break; }
                    }
                    if w.is_empty() { it.next(); continue; }
                    yield_!(Tok::Word(w));
                }
            }
        }
    },
    run: tokens("{\"a\\\"b\": [1, -20, true], \"c\": null}"),
}

gen_differential! {
    /// An HTTP chunked-body decoder over chunks that arrive with awaits:
    /// hex sizes, CRLFs, the terminating zero chunk.
    name: http_chunked_body_decoder_stream,
    items: {},
    gen: fn body(reads: Vec<&'static str>) -> impl Stream<Item = String> {
        let mut buf = String::new();
        let mut reads = reads.into_iter();
        let _conn = D("conn");
        'outer: loop {
            let Some(line_end) = buf.find("\r\n") else {
                match reads.next() {
                    Some(r) => { buf.push_str(pend(1, r).await); continue; }
                    None => break,
                }
            };
            let size = usize::from_str_radix(&buf[..line_end], 16).unwrap_or(0);
            if size == 0 {
                log("last chunk");
                break 'outer;
            }
            while buf.len() < line_end + 2 + size + 2 {
                let Some(r) = reads.next() else { break 'outer };
                buf.push_str(pend(1, r).await);
            }
            let data = buf[line_end + 2..line_end + 2 + size].to_string();
            buf.drain(..line_end + 2 + size + 2);
            yield_!(data);
        }
        log(format!("{} left", buf.len()));
    },
    run: body(vec!["4\r\nWi", "ki\r\n5\r\npedia\r\n", "0\r\n\r\n"]),
}

gen_differential! {
    /// A sorted merge of two async sources as a stream, one head each.
    name: sorted_merge_stream,
    items: {},
    gen: fn merge(a: Vec<u32>, b: Vec<u32>) -> impl Stream<Item = u32> {
        let mut a = a.into_iter();
        let mut b = b.into_iter();
        let mut ha = pend(1, a.next()).await;
        let mut hb = pend(1, b.next()).await;
        loop {
            match (ha, hb) {
                (Some(x), Some(y)) if x <= y => { yield_!(x); ha = pend(1, a.next()).await; }
                (_, Some(y)) => { yield_!(y); hb = pend(1, b.next()).await; }
                (Some(x), None) => { yield_!(x); ha = pend(1, a.next()).await; }
                (None, None) => break,
            }
        }
    },
    run: merge(vec![1, 4, 6], vec![2, 3, 7]),
}

gen_differential! {
    /// Sliding windows of 3 with a running sum, a `D` per window flushed.
    name: sliding_window_sums,
    items: {},
    gen: fn windows(xs: Vec<u32>) -> impl Iterator<Item = (u32, u32)> {
        let mut w = VecDeque::new();
        let mut sum = 0;
        for (i, x) in xs.into_iter().enumerate() {
            w.push_back(x);
            sum += x;
            if w.len() > 3 {
                sum -= w.pop_front().unwrap();
            }
            if w.len() == 3 {
                let _tag = D(["w0", "w1", "w2", "w3", "w4", "w5"][i]);
                yield_!((i as u32, sum));
            }
        }
    },
    run: windows(vec![1, 2, 3, 4, 5]),
}

gen_differential! {
    /// A CSV reader with quoted fields, one row (a `Vec<String>`) per
    /// yield, a header row skipped.
    name: csv_reader_with_quotes,
    items: {},
    gen: fn rows(src: &'static str) -> impl Iterator<Item = Vec<String>> {
        let mut first = true;
        for line in src.lines() {
            if first { first = false; continue; }
            let mut row = vec![];
            let mut cur = String::new();
            let mut quoted = false;
            for c in line.chars() {
                match (c, quoted) {
                    ('"', _) => quoted = !quoted,
                    (',', false) => row.push(std::mem::take(&mut cur)),
                    (c, _) => cur.push(c),
                }
            }
            row.push(cur);
            if row.iter().all(|f| f.is_empty()) { continue; }
            yield_!(row);
        }
    },
    run: rows("a,b\n1,\"x,y\"\n,\n3,z"),
}

gen_differential! {
    /// Log lines parsed with `let .. else` (bad lines logged and skipped)
    /// and `?`-free early `continue`s; levels filtered.
    name: log_line_parser_let_else,
    items: {},
    gen: fn parse(lines: Vec<&'static str>, min: u8) -> impl Iterator<Item = (u8, &'static str)> {
        for line in lines {
            let Some((lvl, msg)) = line.split_once(' ') else {
                log(format!("bad {line}"));
                continue;
            };
            let Ok(lvl) = lvl.trim_start_matches('L').parse::<u8>() else {
                log(format!("bad level {lvl}"));
                continue;
            };
            if lvl < min { continue; }
            yield_!((lvl, msg));
        }
    },
    run: parse(vec!["L3 disk full", "garbage", "Lx oops", "L1 debug", "L5 down"], 2),
}

gen_differential! {
    /// A trie walk: depth-first over a `BTreeMap` trie with an explicit
    /// stack of borrowed nodes, yielding words.
    name: trie_walk_with_borrowed_stack,
    items: {
        #[derive(Default)]
        pub struct Trie { pub kids: BTreeMap<char, Trie>, pub end: bool }
        impl Trie {
            pub fn insert(&mut self, w: &str) {
                let mut n = self;
                for c in w.chars() { n = n.kids.entry(c).or_default(); }
                n.end = true;
            }
        }
        pub fn build(ws: &[&str]) -> Trie { let mut t = Trie::default(); for w in ws { t.insert(w); } t }
    },
    gen: fn words(t: Trie) -> impl Iterator<Item = String> {
        let mut stack = vec![(String::new(), &t)];
        while let Some((prefix, node)) = stack.pop() {
            if node.end {
                yield_!(prefix.clone());
            }
            for (c, k) in node.kids.iter().rev() {
                stack.push((format!("{prefix}{c}"), k));
            }
        }
    },
    run: words(build(&["to", "tea", "ten", "a"])),
}

gen_differential! {
    /// A diff of two sorted lists: `Left`, `Right`, `Both`, with indices.
    name: sorted_diff_indices,
    items: {
        #[derive(Debug)]
        pub enum Change { Left(u32), Right(u32), Both(u32) }
    },
    gen: fn diff(a: Vec<u32>, b: Vec<u32>) -> impl Iterator<Item = Change> {
        let (mut i, mut j) = (0, 0);
        while i < a.len() || j < b.len() {
            let c = match (a.get(i), b.get(j)) {
                (Some(x), Some(y)) if x == y => { i += 1; j += 1; Change::Both(*x) }
                (Some(x), Some(y)) if x < y => { i += 1; Change::Left(*x) }
                (_, Some(y)) => { j += 1; Change::Right(*y) }
                (Some(x), None) => { i += 1; Change::Left(*x) }
                (None, None) => unreachable!(),
            };
            yield_!(c);
        }
    },
    run: diff(vec![1, 3, 4, 8], vec![2, 3, 8, 9]),
}

gen_differential! {
    /// Event-sourcing replay: events applied to an aggregate, a snapshot
    /// (a clone) yielded every second event, the last state at the end.
    name: event_replay_with_snapshots,
    items: {
        #[derive(Clone, Debug, Default)]
        pub struct Account { pub balance: i64, pub version: u32 }
    },
    gen: fn replay(events: Vec<(&'static str, i64)>) -> impl Stream<Item = Account> {
        let mut acc = Account::default();
        let _store = D("store");
        for (kind, amt) in events {
            let amt = pend(1, amt).await;
            match kind {
                "dep" => acc.balance += amt,
                "wd" if acc.balance >= amt => acc.balance -= amt,
                "wd" => { log(format!("overdraft {amt}")); continue; }
                _ => { log(format!("unknown {kind}")); continue; }
            }
            acc.version += 1;
            if acc.version % 2 == 0 {
                yield_!(acc.clone());
            }
        }
        yield_!(acc);
    },
    run: replay(vec![("dep", 10), ("wd", 3), ("wd", 50), ("x", 1), ("dep", 5)]),
}

gen_differential! {
    /// A retry stream: each attempt yields its status line; a `D` per
    /// attempt; the stream ends on success or after `max` attempts.
    name: retry_status_stream,
    items: {},
    gen: fn attempts(max: u32, ok_at: u32) -> impl Stream<Item = String> {
        for i in 0..max {
            let _a = D("attempt");
            let ok = pend(i, i >= ok_at).await;
            if ok {
                yield_!(format!("ok at {i}"));
                return;
            }
            yield_!(format!("fail {i}"));
        }
        yield_!("gave up".to_string());
    },
    run: attempts(4, 2),
}

gen_differential! {
    /// A mailbox drained as a stream: `match` on message enums holding
    /// `D`s, one arm awaiting with the payload alive, one stopping.
    name: mailbox_as_stream_with_payloads,
    items: {
        pub enum Msg { Data(u32, D), Skip, Stop(D) }
    },
    gen: fn drain(msgs: Vec<Msg>) -> impl Stream<Item = u32> {
        let mut q = VecDeque::from(msgs);
        while let Some(m) = q.pop_front() {
            match m {
                Msg::Data(n, d) => {
                    let v = pend(1, n * 2).await;
                    yield_!(v);
                    log(format!("done {}", d.0));
                }
                Msg::Skip => continue,
                Msg::Stop(why) => {
                    log(format!("stop {}", why.0));
                    break;
                }
            }
        }
    },
    run: drain(vec![Msg::Data(1, D("d1")), Msg::Skip, Msg::Data(2, D("d2")), Msg::Stop(D("bye")), Msg::Data(3, D("never"))]),
}

gen_differential! {
    /// A yield inside a labelled block that is broken with a value after
    /// the yield; `D`s before and after the break.
    name: labelled_block_value_after_yield_with_drops,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        for x in xs {
            let a = D("a");
            let v = 'b: {
                let inner = D("inner");
                yield_!(x);
                if x > 2 { break 'b x * 10; }
                let late = D("late");
                yield_!(x + 100);
                x
            };
            yield_!(v);
        }
    },
    run: g(vec![1, 3]),
}

gen_differential! {
    /// An early `return` from the inner of two nested loops, with `D`s of
    /// both loops and of the body alive, right after a yield.
    name: early_return_nested_loops_after_yield,
    items: {},
    gen: fn g(grid: Vec<Vec<u32>>) -> impl Iterator<Item = u32> {
        let _body = D("body");
        for row in grid {
            let _row = D("row");
            for c in row {
                let _cell = D("cell");
                yield_!(c);
                if c == 0 { return; }
            }
        }
        yield_!(999);
    },
    run: g(vec![vec![1, 2], vec![3, 0, 4], vec![5]]),
}

gen_differential! {
    /// Shadowing across yields: the earlier values with destructors stay
    /// alive to the end.
    name: shadowing_across_yields,
    items: {},
    gen: fn g() -> impl Iterator<Item = usize> {
        let x = D("x1");
        yield_!(1);
        let x = (x, D("x2"));
        yield_!(x.0 .0.len());
        let x = x.1 .0.len() + 10;
        yield_!(x);
    },
    run: g(),
}

gen_differential! {
    /// A guard that awaits in a stream's `match`, bindings by value.
    name: stream_match_guard_awaits,
    items: {},
    gen: fn g(xs: Vec<(&'static str, u32)>) -> impl Stream<Item = String> {
        for x in xs {
            match x {
                (who, n) if pend(1, n % 2 == 0).await => yield_!(format!("{who} even")),
                (who, 0) => yield_!(format!("{who} zero")),
                (who, _) => { pend(1, ()).await; yield_!(format!("{who} odd")) }
            }
        }
    },
    run: g(vec![("a", 2), ("b", 3), ("c", 4)]),
}

gen_differential! {
    /// A panic after some items, with `D`s alive in the loop.
    name: panic_after_items,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let _outer = D("outer");
        for x in xs {
            let _it = D("it");
            assert!(x < 3, "too big {x}");
            yield_!(x);
        }
    },
    run: g(vec![1, 2, 3, 4]),
}

gen_differential! {
    /// A stream that panics after an await, a `D` alive.
    name: stream_panic_after_await,
    items: {},
    gen: fn g(n: u32) -> impl Stream<Item = u32> {
        let _d = D("d");
        for i in 0..n {
            let v = pend(1, i).await;
            if v == 2 { panic!("bad {v}"); }
            yield_!(v);
        }
    },
    run: g(4),
}

gen_differential! {
    /// A closure over a stored local (`&mut` counter) called around yields.
    name: fnmut_closure_across_yields,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut total = 0;
        let mut add = |x: u32| { total += x; total };
        for x in xs {
            let t = add(x);
            yield_!(t);
        }
        let t = add(100);
        yield_!(t);
    },
    run: g(vec![1, 2, 3]),
}

gen_differential! {
    /// A native `async` block built before a yield that borrows a local,
    /// awaited after it.
    name: stream_async_block_borrowing_local_across_yield,
    items: {},
    gen: fn g(names: Vec<&'static str>) -> impl Stream<Item = usize> {
        let d = D("d");
        let total = names.len();
        let fut = async { pend(1, d.0.len() + total).await };
        yield_!(0);
        let n = fut.await;
        yield_!(n);
    },
    run: g(vec!["a", "b"]),
}

gen_differential! {
    /// s16-2 for streams: a local moved into a tuple before an await in
    /// the same tuple, a later local alive; dropped at the await.
    name: stream_moved_local_operand_before_await,
    items: {},
    gen: fn g() -> impl Stream<Item = usize> {
        let d = D("d");
        let e = D("e");
        let pair = (d, pend(1, 5usize).await);
        yield_!(pair.1);
        drop(e);
        yield_!(pair.0 .0.len());
    },
    run: g(),
}

gen_differential! {
    /// s16-2 for iterators: a moved local beside a block that yields.
    name: iter_moved_local_operand_before_yield_block,
    items: {
        pub fn take2(d: D, n: usize) -> usize { d.0.len() + n }
    },
    gen: fn g() -> impl Iterator<Item = usize> {
        let d = D("d");
        let e = D("e");
        let n = take2(d, { yield_!(1); 2 });
        yield_!(n);
        drop(e);
    },
    run: g(),
}

gen_differential! {
    /// A generator method on `&self` walking a config tree, yielding
    /// dotted keys with values; nested loops over borrowed maps.
    name: config_tree_flatten_method,
    items: {
        pub struct Cfg { pub sections: BTreeMap<&'static str, BTreeMap<&'static str, u32>>, pub _d: D }
    },
    gen: impl Cfg {
        fn flat(self, min: u32) -> impl Iterator<Item = String> {
            for (s, kv) in &self.sections {
                let mut any = false;
                for (k, v) in kv {
                    if *v < min { continue; }
                    any = true;
                    yield_!(format!("{s}.{k}={v}"));
                }
                if !any { yield_!(format!("{s} empty")); }
            }
        }
    },
    run: {
        let mut sections = BTreeMap::new();
        sections.insert("db", BTreeMap::from([("port", 5432), ("pool", 4)]));
        sections.insert("log", BTreeMap::from([("level", 1)]));
        Cfg { sections, _d: D("cfg") }.flat(2)
    },
}

gen_differential! {
    /// A paged stream whose pages are `D`-carrying structs, items taken
    /// by `into_iter` with the page guard alive across yields.
    name: paged_stream_with_page_guards,
    items: {
        pub struct Page { pub items: Vec<u32>, pub next: Option<u32>, pub _g: D }
        pub async fn get(p: u32) -> Page {
            pend(1, ()).await;
            Page { items: vec![p * 10, p * 10 + 1], next: (p < 2).then_some(p + 1), _g: D(["pg0", "pg1", "pg2"][p as usize]) }
        }
    },
    gen: fn all() -> impl Stream<Item = u32> {
        let mut next = Some(0);
        while let Some(p) = next {
            let page = get(p).await;
            next = page.next;
            for it in page.items.iter() {
                yield_!(*it);
            }
        }
    },
    run: all(),
}

gen_differential! {
    /// Windowed aggregation over timestamps (tumbling by 10), a window
    /// yielded when a later timestamp closes it, the open one at the end.
    name: tumbling_time_windows,
    items: {},
    gen: fn windows(events: Vec<(u32, u32)>) -> impl Iterator<Item = (u32, u32, usize)> {
        let mut cur: Option<(u32, u32, usize)> = None;
        for (ts, v) in events {
            let start = ts / 10 * 10;
            match cur {
                Some((s, sum, n)) if s == start => cur = Some((s, sum + v, n + 1)),
                Some(done) => { yield_!(done); cur = Some((start, v, 1)); }
                None => cur = Some((start, v, 1)),
            }
        }
        if let Some(last) = cur { yield_!(last); }
    },
    run: windows(vec![(1, 5), (4, 1), (12, 7), (25, 1), (27, 2)]),
}

gen_differential! {
    /// A leaky-bucket scheduler stream: each request awaits its slot and
    /// yields the time it was let through; shed requests are logged.
    name: leaky_bucket_scheduler_stream,
    items: {},
    gen: fn sched(reqs: Vec<(u32, &'static str)>, cap: usize) -> impl Stream<Item = String> {
        let mut queue: VecDeque<(u32, D)> = VecDeque::new();
        let mut clock = 0;
        for (t, name) in reqs {
            if queue.len() >= cap {
                log(format!("shed {name}"));
                continue;
            }
            queue.push_back((t, D(name)));
            while let Some((t0, d)) = queue.pop_front() {
                clock = pend(1, clock.max(t0) + 1).await;
                yield_!(format!("{} at {clock}", d.0));
                if queue.is_empty() { break; }
            }
        }
    },
    run: sched(vec![(0, "a"), (0, "b"), (5, "c")], 1),
}

gen_differential! {
    /// s16-2 neighbour: the moved local is the last one declared, so its
    /// slot order and an operand temporary's agree.
    name: stream_moved_last_local_operand_before_await,
    items: {},
    gen: fn g() -> impl Stream<Item = usize> {
        let e = D("e");
        let d = D("d");
        let pair = (d, pend(1, 5usize).await);
        yield_!(pair.1);
        drop(e);
        yield_!(pair.0 .0.len());
    },
    run: g(),
}

gen_differential! {
    /// A topological sort (Kahn) of a dependency graph whose manifests
    /// arrive with awaits; nodes yielded in order, a cycle reported.
    name: dependency_topo_sort_stream,
    items: {
        pub async fn manifest(n: &'static str) -> Vec<&'static str> {
            pend(1, ()).await;
            match n { "app" => vec!["http", "log"], "http" => vec!["io", "log"], "log" => vec!["io"], _ => vec![] }
        }
    },
    gen: fn order(root: &'static str) -> impl Stream<Item = &'static str> {
        let mut deps: BTreeMap<&'static str, Vec<&'static str>> = BTreeMap::new();
        let mut todo = vec![root];
        while let Some(n) = todo.pop() {
            if deps.contains_key(n) { continue; }
            let ds = manifest(n).await;
            todo.extend(ds.iter().copied());
            deps.insert(n, ds);
        }
        let mut indeg: BTreeMap<&'static str, usize> = deps.keys().map(|k| (*k, deps[k].len())).collect();
        loop {
            let Some((&ready, _)) = indeg.iter().find(|(_, d)| **d == 0) else { break };
            indeg.remove(ready);
            yield_!(ready);
            for (k, ds) in &deps {
                if ds.contains(&ready) {
                    if let Some(d) = indeg.get_mut(k) { *d -= 1; }
                }
            }
        }
        if !indeg.is_empty() { log(format!("cycle among {}", indeg.len())); }
    },
    run: order("app"),
}

gen_differential! {
    /// Run-length decoding with `let .. else` on pairs and a nested
    /// `for` of repeated yields, a `D` per run.
    name: rle_decode_nested_repeat,
    items: {},
    gen: fn decode(src: Vec<u8>) -> impl Iterator<Item = u8> {
        let mut it = src.chunks(2);
        loop {
            let Some(&[n, b]) = it.next() else { break };
            let _run = D("run");
            for _ in 0..n {
                yield_!(b);
            }
        }
    },
    run: decode(vec![2, 7, 0, 9, 3, 1, 5]),
}

gen_differential! {
    /// Pagination over a cursor with a `?`-like early return written as
    /// `match .. { Err(e) => { yield error; return } }`.
    name: stream_early_return_on_error_item,
    items: {
        pub async fn page(c: u32) -> Result<(Vec<u32>, Option<u32>), String> {
            pend(1, ()).await;
            if c == 2 { Err(format!("page {c} failed")) } else { Ok((vec![c, c + 10], Some(c + 1))) }
        }
    },
    gen: fn items() -> impl Stream<Item = Result<u32, String>> {
        let mut c = Some(0);
        let _g = D("cursor");
        while let Some(cur) = c {
            let (xs, next) = match page(cur).await {
                Ok(p) => p,
                Err(e) => { yield_!(Err(e)); return; }
            };
            for x in xs { yield_!(Ok(x)); }
            c = next;
        }
    },
    run: items(),
}

gen_differential! {
    /// A two-level group-by over sorted records, yielding one summary per
    /// group with the group's first record name kept across yields.
    name: group_by_sorted_records,
    items: {},
    gen: fn groups(recs: Vec<(&'static str, u32)>) -> impl Iterator<Item = String> {
        let mut it = recs.into_iter().peekable();
        while let Some((key, v)) = it.next() {
            let head = D(key);
            let mut sum = v;
            let mut n = 1;
            while let Some(&(k, v2)) = it.peek() {
                if k != key { break; }
                it.next();
                sum += v2;
                n += 1;
                yield_!(format!("  {key} +{v2}"));
            }
            yield_!(format!("{} n={n} sum={sum}", head.0));
        }
    },
    run: groups(vec![("a", 1), ("a", 2), ("b", 5), ("c", 1), ("c", 1)]),
}

known_gap! {
    reason: "stress R (fails to compile, E0382 use of partially moved value: `p`), in a stream: the page kept whole (`let p = match page(cur).await { .. }`), then `for x in p.0 { yield_!(Ok(x)); } c = p.1;`: `p.0` is moved into the loop and the rest of `p` is kept whole across the yields",
    gen_differential! {
        /// s16-3 neighbour in a stream: the page kept whole (`let p = ..`).
        name: stream_early_return_on_error_item_ident_binding,
        items: {
            pub async fn page(c: u32) -> Result<(Vec<u32>, Option<u32>), String> {
                pend(1, ()).await;
                if c == 2 { Err(format!("page {c} failed")) } else { Ok((vec![c, c + 10], Some(c + 1))) }
            }
        },
        gen: fn items() -> impl Stream<Item = Result<u32, String>> {
            let mut c = Some(0);
            let _g = D("cursor");
            while let Some(cur) = c {
                let p = match page(cur).await {
                    Ok(p) => p,
                    Err(e) => { yield_!(Err(e)); return; }
                };
                for x in p.0 { yield_!(Ok(x)); }
                c = p.1;
            }
        },
        run: items(),
    }
}

gen_differential! {
    /// s16-3 minimal for generators.
    name: tuple_let_over_if_branch_yields_then_returns,
    items: {},
    gen: fn g(n: u32) -> impl Iterator<Item = u32> {
        let (a, b) = if n > 1 { yield_!(0); return; } else { (n, n) };
        yield_!(a + b);
    },
    run: g(2),
}

gen_differential! {
    /// s16-3 neighbour in a stream: the page kept whole, then split by a
    /// tuple `let` that does not diverge.
    name: stream_early_return_on_error_item_split_after,
    items: {
        pub async fn page(c: u32) -> Result<(Vec<u32>, Option<u32>), String> {
            pend(1, ()).await;
            if c == 2 { Err(format!("page {c} failed")) } else { Ok((vec![c, c + 10], Some(c + 1))) }
        }
    },
    gen: fn items() -> impl Stream<Item = Result<u32, String>> {
        let mut c = Some(0);
        let _g = D("cursor");
        while let Some(cur) = c {
            let p = match page(cur).await {
                Ok(p) => p,
                Err(e) => { yield_!(Err(e)); return; }
            };
            let (xs, next) = p;
            for x in xs { yield_!(Ok(x)); }
            c = next;
        }
    },
    run: items(),
}
