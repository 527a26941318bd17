//! Stress round 15 for generators, against rustc's own coroutines (see
//! `oracle.rs`): yields and awaits inside loops and branches with code
//! after them in the same block that fixes what values used after the
//! loop hold (`push`, `insert`, `Option` locals, `let x;` assigned later),
//! labelled blocks and `loop`s with `break` values after yields,
//! `continue` and early `return` after yields, closures around yields;
//! and realistic generators: tokenizers, run-length encoding, batching,
//! paginated and length-prefixed streams, graph walks, merges, windows.
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
use std::collections::{BTreeMap, BTreeSet, VecDeque};

gen_differential! {
    /// `v.push(d)` after the yield in a loop fixes what `v` holds for the
    /// field read after the loop.
    name: pushed_after_yield_field_after_loop,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut v = vec![];
        for x in xs {
            let d = D(x);
            yield_!(x.len());
            v.push(d);
        }
        let last = v.pop().unwrap();
        yield_!(last.0.len() * 100);
    },
    run: g(vec!["a", "bbb"]),
}

gen_differential! {
    /// An `Option` set after a yield in a `while`, read by method after.
    name: option_set_after_yield_in_while,
    items: {},
    gen: fn g(n: u32) -> impl Iterator<Item = u32> {
        let mut best = None;
        let mut i = 0;
        while i < n {
            yield_!(i);
            if i % 2 == 1 {
                best = Some(i * 10);
            }
            i += 1;
        }
        yield_!(best.map_or(0, |b| b.pow(2)));
    },
    run: g(4),
}

gen_differential! {
    /// A labelled block whose value is given by `break 'found` after a
    /// yield inside a loop in it.
    name: labelled_block_break_value_after_yield,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let found = 'found: {
            for x in &xs {
                yield_!(*x);
                if *x > 3 {
                    break 'found Some(*x);
                }
            }
            None
        };
        yield_!(found.map_or(0, |x| x.rotate_left(2)));
    },
    run: g(vec![1, 5, 7]),
}

gen_differential! {
    /// `loop` with `break value` after a yield, the value's type only
    /// fixed by the `break`.
    name: loop_break_value_after_yield,
    items: {},
    gen: fn g(limit: u64) -> impl Iterator<Item = u64> {
        let (mut a, mut b) = (0, 1);
        let steps = loop {
            yield_!(a);
            let next = a + b;
            (a, b) = (b, next);
            if a > limit {
                break a;
            }
        };
        yield_!(steps.leading_zeros() as u64);
    },
    run: g(20),
}

gen_differential! {
    /// `continue` after a yield in a `match` arm, a push after the `match`.
    name: continue_after_yield_then_push,
    items: {},
    gen: fn g(xs: Vec<Option<&'static str>>) -> impl Iterator<Item = String> {
        let mut seen = vec![];
        for x in xs {
            let _it = D("it");
            match x {
                None => {
                    yield_!("gap".to_string());
                    continue;
                }
                Some(s) => yield_!(s.to_uppercase()),
            }
            seen.push(x.unwrap().to_string());
        }
        yield_!(seen.join("+"));
    },
    run: g(vec![Some("a"), None, Some("b")]),
}

gen_differential! {
    /// A `match` arm that yields and falls through to an insert into a
    /// set read after the loop.
    name: match_arm_yields_then_insert,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut set = BTreeSet::new();
        for x in xs {
            let k = match x % 3 {
                0 => {
                    yield_!(x);
                    x / 3
                }
                r => r,
            };
            set.insert(k);
        }
        yield_!(set.iter().copied().max().unwrap_or_default().pow(2));
    },
    run: g(vec![3, 4, 9, 5]),
}

gen_differential! {
    /// A local declared `let y;` in the loop body, assigned after the yield
    /// in both branches, pushed, read after the loop.
    name: late_init_after_yield_in_both_branches,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut v = Vec::new();
        for x in xs {
            let y;
            yield_!(x);
            if x > 1 {
                y = x * 10;
            } else {
                y = x;
            }
            v.push(y);
        }
        yield_!(v.iter().sum::<u32>() + v.first().map_or(0, |y| y.count_ones()));
    },
    run: g(vec![1, 2, 3]),
}

gen_differential! {
    /// Nested loops: the yield in the inner loop, a push after it in the
    /// outer body, the element read after the outer loop.
    name: nested_loops_push_after_inner_yield,
    items: {},
    gen: fn g(rows: Vec<Vec<u32>>) -> impl Iterator<Item = u32> {
        let mut sums = vec![];
        for row in rows {
            let _row = D("row");
            let mut s = 0;
            for x in row {
                yield_!(x);
                s += x;
            }
            sums.push(s);
        }
        yield_!(sums.iter().max().copied().unwrap_or(0).pow(2));
    },
    run: g(vec![vec![1, 2], vec![], vec![4]]),
}

gen_differential! {
    /// `return` after a yield in a nested `if`, the rest assigning a
    /// `Result` local read after the loop.
    name: return_after_yield_result_after_loop,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Iterator<Item = String> {
        let mut last = Ok(0);
        for x in xs {
            let r = x.parse::<u32>();
            yield_!(x.to_string());
            if let Err(e) = &r {
                if x == "stop" {
                    yield_!(format!("stopping: {e}"));
                    return;
                }
            }
            last = r;
        }
        match last {
            Ok(n) => yield_!(format!("ok {}", n.pow(2))),
            Err(e) => yield_!(format!("err {e}")),
        }
    },
    run: g(vec!["3", "x", "4"]),
}

gen_differential! {
    /// The same as the return case, stopping early.
    name: return_after_yield_stops_early,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Iterator<Item = String> {
        let _g = D("g");
        let mut last = Ok(0);
        for x in xs {
            let r = x.parse::<u32>();
            yield_!(x.to_string());
            if let Err(e) = &r {
                if x == "stop" {
                    yield_!(format!("stopping: {e}"));
                    return;
                }
            }
            last = r;
        }
        match last {
            Ok(n) => yield_!(format!("ok {}", n.pow(2))),
            Err(e) => yield_!(format!("err {e}")),
        }
    },
    run: g(vec!["3", "stop", "4"]),
}

gen_differential! {
    /// Shadowing a name before and after the yield in a loop body.
    name: shadowing_around_yield,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut v = vec![];
        for x in xs {
            let x = x.trim();
            yield_!(x.len());
            let x = D(if x.len() > 1 { "long" } else { "short" });
            v.push(x);
        }
        yield_!(v.iter().map(|d| d.0.len()).sum());
    },
    run: g(vec![" a ", "bcd"]),
}

gen_differential! {
    /// `.collect()` after the yield into a local whose type the later push
    /// fixes.
    name: collect_after_yield_typed_by_push,
    items: {},
    gen: fn g(lines: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut rows = vec![];
        for l in lines {
            yield_!(l.len());
            let cells = l.split(',').map(str::to_string).collect();
            rows.push(cells);
        }
        let first: &Vec<String> = &rows[0];
        yield_!(first.len() + rows.len());
    },
    run: g(vec!["a,b", "c"]),
}

gen_differential! {
    /// A closure defined before the loop, called after the yield in it.
    name: closure_before_loop_called_after_yield,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let scale = |x: u32| x * 3;
        let mut total = 0;
        for x in xs {
            yield_!(x);
            total += scale(x);
        }
        yield_!(total);
    },
    run: g(vec![1, 2, 5]),
}

// s15-1 and s15-2 (both fixed, see `tests/differential/cases_stress15.rs`)
// in generators.

gen_differential! {
    /// An iterator: an iterator adapter's closure before the yield.
    name: closure_before_yield_in_loop_then_field,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut v = vec![];
        for x in xs {
            let n: usize = x.chars().map(|c| c.len_utf8()).sum();
            yield_!(n);
            v.push(D(x));
        }
        yield_!(v.pop().unwrap().0.len());
    },
    run: g(vec!["a", "bb"]),
}

gen_differential! {
    /// A stream: the closure before an `.await` and a `yield_!`.
    name: stream_closure_before_await_in_loop_then_method,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Stream<Item = usize> {
        let mut v = vec![];
        for x in xs {
            let n = x.bytes().filter(|b| b.is_ascii_lowercase()).count();
            let m = pend(1, n).await;
            yield_!(m);
            v.push(x.to_string());
        }
        yield_!(v.pop().unwrap().len());
    },
    run: g(vec!["a", "bB"]),
}

gen_differential! {
    /// s15-1 neighbour: `Vec<String>` written out.
    name: stream_closure_before_await_in_loop_vec_typed,
    items: {},
    gen: fn g(xs: Vec<&'static str>) -> impl Stream<Item = usize> {
        let mut v: Vec<String> = vec![];
        for x in xs {
            let n = x.bytes().filter(|b| b.is_ascii_lowercase()).count();
            let m = pend(1, n).await;
            yield_!(m);
            v.push(x.to_string());
        }
        yield_!(v.pop().unwrap().len());
    },
    run: g(vec!["a", "bB"]),
}

gen_differential! {
    /// The last element seen, assigned after each yield.
    name: late_init_assigned_after_yield_in_loop,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut last;
        let mut i = 0;
        loop {
            yield_!(i);
            last = xs[i as usize];
            i += 1;
            if i as usize == xs.len() {
                break;
            }
        }
        yield_!(last);
    },
    run: g(vec![4, 5]),
}

gen_differential! {
    /// s15-2 neighbour: assigned before the yield in the loop body.
    name: late_init_assigned_before_yield_in_loop,
    items: {},
    gen: fn g(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut last;
        let mut i = 0;
        loop {
            last = xs[i as usize];
            yield_!(i);
            i += 1;
            if i as usize == xs.len() {
                break;
            }
        }
        yield_!(last);
    },
    run: g(vec![4, 5]),
}

gen_differential! {
    /// A stream: `while let` whose scrutinee awaits, a yield, a push after
    /// it, the element read by method after the loop.
    name: stream_while_let_await_yield_then_push,
    items: {},
    gen: fn g(keys: Vec<u32>) -> impl Stream<Item = u32> {
        let mut it = keys.into_iter();
        let mut got = vec![];
        while let Some(k) = pend(1, it.next()).await {
            yield_!(k);
            got.push(k * 2);
        }
        yield_!(got.pop().map_or(99, |n| n.trailing_zeros()));
    },
    run: g(vec![4, 8]),
}

gen_differential! {
    /// A stream: `if let` whose scrutinee awaits, the branch yielding and
    /// setting an `Option` read after the loop.
    name: stream_if_let_await_yield_sets_option,
    items: {
        pub async fn get(i: u32) -> Option<u32> { pend(1, ()).await; (i % 2 == 0).then_some(i) }
    },
    gen: fn g(n: u32) -> impl Stream<Item = u32> {
        let mut last = None;
        for i in 0..n {
            if let Some(x) = get(i).await {
                yield_!(x);
                last = Some(D("last"));
            }
        }
        yield_!(last.map_or(0, |d| d.0.len() as u32));
    },
    run: g(4),
}

// ---------------------------------------------------------------------------
// Realistic generators
// ---------------------------------------------------------------------------

/// A token of the toy expression language.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Num(i64),
    Ident(String),
    Op(char),
}

gen_differential! {
    /// A tokenizer over `Peekable<Chars>`: numbers and identifiers read
    /// greedily, operators one by one, whitespace skipped, errors stop it.
    name: tokenizer_peekable_chars,
    items: {},
    gen: fn tokens(src: &'static str) -> impl Iterator<Item = super::Tok> {
        let mut it = src.chars().peekable();
        while let Some(&c) = it.peek() {
            if c.is_whitespace() {
                it.next();
                continue;
            }
            if c.is_ascii_digit() {
                let mut n = 0i64;
                while let Some(d) = it.peek().and_then(|c| c.to_digit(10)) {
                    n = n * 10 + d as i64;
                    it.next();
                }
                yield_!(super::Tok::Num(n));
            } else if c.is_alphabetic() {
                let mut s = String::new();
                while let Some(&c) = it.peek() {
                    if !c.is_alphanumeric() {
                        break;
                    }
                    s.push(c);
                    it.next();
                }
                yield_!(super::Tok::Ident(s));
            } else if "+-*/()".contains(c) {
                it.next();
                yield_!(super::Tok::Op(c));
            } else {
                log(format!("bad char {c:?}"));
                return;
            }
        }
        log("eof");
    },
    run: tokens("12 + foo*(3-x1) # 9"),
}

gen_differential! {
    /// Run-length encoding: the current run kept across yields, flushed
    /// when the byte changes and at the end.
    name: run_length_encoder,
    items: {},
    gen: fn rle(data: Vec<u8>) -> impl Iterator<Item = (u8, usize)> {
        let mut run: Option<(u8, usize)> = None;
        for b in data {
            match run {
                Some((c, n)) if c == b => run = Some((c, n + 1)),
                Some(done) => {
                    yield_!(done);
                    run = Some((b, 1));
                }
                None => run = Some((b, 1)),
            }
        }
        if let Some(last) = run {
            yield_!(last);
        }
    },
    run: rle(b"aaabccddd".to_vec()),
}

gen_differential! {
    /// Batching: items gathered into a batch yielded when full, the partial
    /// batch yielded at the end; the batch type fixed by `push` after the
    /// yield of the previous one.
    name: batches_of_n,
    items: {},
    gen: fn batches(xs: Vec<u32>, n: usize) -> impl Iterator<Item = Vec<u32>> {
        let mut batch = Vec::with_capacity(n);
        for x in xs {
            if batch.len() == n {
                yield_!(std::mem::take(&mut batch));
            }
            batch.push(x);
        }
        if !batch.is_empty() {
            yield_!(batch);
        }
    },
    run: batches(vec![1, 2, 3, 4, 5, 6, 7], 3),
}

gen_differential! {
    /// A paginated stream: each page fetched with an await, its items
    /// yielded, the cursor taken from the page after the yields.
    name: paginated_stream_with_cursor,
    items: {
        pub struct Page { pub items: Vec<u32>, pub next: Option<u32> }
        pub async fn page(cursor: u32) -> Page {
            log(format!("page {cursor}"));
            pend(1, ()).await;
            let items = (cursor..cursor + 2).collect();
            Page { items, next: (cursor < 4).then_some(cursor + 2) }
        }
    },
    gen: fn all(start: u32) -> impl Stream<Item = u32> {
        let mut cursor = Some(start);
        let mut pages = 0;
        while let Some(c) = cursor {
            let p = page(c).await;
            pages += 1;
            for it in &p.items {
                yield_!(*it);
            }
            cursor = p.next;
        }
        log(format!("{pages} pages"));
    },
    run: all(0),
}

gen_differential! {
    /// A length-prefixed frame decoder over chunks that arrive with an
    /// await: bytes buffered in a `VecDeque`, complete frames yielded.
    name: length_prefixed_frame_decoder,
    items: {},
    gen: fn frames(chunks: Vec<Vec<u8>>) -> impl Stream<Item = Vec<u8>> {
        let mut buf = VecDeque::new();
        let mut chunks = chunks.into_iter();
        loop {
            while let Some(&len) = buf.front() {
                let len = len as usize;
                if buf.len() < len + 1 {
                    break;
                }
                buf.pop_front();
                let frame: Vec<u8> = buf.drain(..len).collect();
                yield_!(frame);
            }
            let Some(chunk) = chunks.next() else { break };
            let chunk = pend(1, chunk).await;
            buf.extend(chunk);
        }
        if !buf.is_empty() {
            log(format!("{} trailing bytes", buf.len()));
        }
    },
    run: frames(vec![vec![2, 7], vec![8, 0, 3, 1], vec![2, 3, 1], vec![9]]),
}

gen_differential! {
    /// A breadth-first walk of a graph: neighbours queued after the node is
    /// yielded, the visited set filled before.
    name: bfs_walk_yields_nodes,
    items: {},
    gen: fn bfs(edges: Vec<(u32, u32)>, start: u32) -> impl Iterator<Item = u32> {
        let mut adj: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
        for (a, b) in &edges {
            adj.entry(*a).or_default().push(*b);
        }
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::new();
        seen.insert(start);
        queue.push_back(start);
        while let Some(n) = queue.pop_front() {
            yield_!(n);
            for m in adj.get(&n).into_iter().flatten() {
                if seen.insert(*m) {
                    queue.push_back(*m);
                }
            }
        }
    },
    run: bfs(vec![(1, 2), (1, 3), (2, 4), (3, 4), (4, 1), (4, 5)], 1),
}

gen_differential! {
    /// Merging two sorted iterators, both `Peekable` and kept across
    /// yields.
    name: merge_sorted_peekables,
    items: {},
    gen: fn merge(a: Vec<u32>, b: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut a = a.into_iter().peekable();
        let mut b = b.into_iter().peekable();
        loop {
            let next = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) if x <= y => a.next(),
                (Some(_), Some(_)) => b.next(),
                (Some(_), None) => a.next(),
                (None, Some(_)) => b.next(),
                (None, None) => break,
            };
            yield_!(next.unwrap());
        }
    },
    run: merge(vec![1, 4, 6], vec![2, 3, 7, 8]),
}

gen_differential! {
    /// A sliding window over a `VecDeque`, its sum yielded once full.
    name: sliding_window_sums,
    items: {},
    gen: fn windows(xs: Vec<i32>, k: usize) -> impl Iterator<Item = i32> {
        let mut win = VecDeque::with_capacity(k);
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
    run: windows(vec![1, 2, 3, 4, -5, 6], 3),
}

gen_differential! {
    /// CSV-like records: `let .. else` skips bad lines, fields parsed with
    /// `?`-like matches, header remembered after its yield.
    name: csv_records_with_header,
    items: {},
    gen: fn records(text: &'static str) -> impl Iterator<Item = String> {
        let mut header = None;
        for line in text.lines() {
            let _l = D("line");
            let fields: Vec<&str> = line.split(',').map(str::trim).collect();
            let Some(cols) = &header else {
                yield_!(format!("header {}", fields.len()));
                header = Some(fields);
                continue;
            };
            if fields.len() != cols.len() {
                yield_!(format!("skip {line}"));
                continue;
            }
            let age = match fields[1].parse::<u32>() {
                Ok(a) => a,
                Err(_) => continue,
            };
            yield_!(format!("{}={} {}={}", cols[0], fields[0], cols[1], age));
        }
    },
    run: records("name, age\nann, 31\nbob\ncid, x\ndee, 7"),
}

gen_differential! {
    /// A retry stream: attempts awaited with a growing backoff, every
    /// failure yielded, the last error kept after the loop.
    name: retry_with_backoff_stream,
    items: {
        pub async fn attempt(i: u32) -> Result<u32, String> {
            pend(i, ()).await;
            if i < 2 { Err(format!("fail {i}")) } else { Ok(i * 10) }
        }
    },
    gen: fn retries(max: u32) -> impl Stream<Item = String> {
        let mut backoff = 1;
        let mut last_err = None;
        for i in 0..max {
            match attempt(i).await {
                Ok(v) => {
                    yield_!(format!("ok {v}"));
                    return;
                }
                Err(e) => {
                    yield_!(format!("{e}, wait {backoff}"));
                    pend(backoff, ()).await;
                    backoff *= 2;
                    last_err = Some(e);
                }
            }
        }
        if let Some(e) = last_err {
            yield_!(format!("gave up: {}", e.to_uppercase()));
        }
    },
    run: retries(2),
}

gen_differential! {
    /// The retry stream succeeding on the third attempt.
    name: retry_with_backoff_stream_succeeds,
    items: {
        pub async fn attempt(i: u32) -> Result<u32, String> {
            pend(i, ()).await;
            if i < 2 { Err(format!("fail {i}")) } else { Ok(i * 10) }
        }
    },
    gen: fn retries(max: u32) -> impl Stream<Item = String> {
        let _r = D("retries");
        let mut backoff = 1;
        let mut last_err = None;
        for i in 0..max {
            match attempt(i).await {
                Ok(v) => {
                    yield_!(format!("ok {v}"));
                    return;
                }
                Err(e) => {
                    yield_!(format!("{e}, wait {backoff}"));
                    pend(backoff, ()).await;
                    backoff *= 2;
                    last_err = Some(e);
                }
            }
        }
        if let Some(e) = last_err {
            yield_!(format!("gave up: {}", e.to_uppercase()));
        }
    },
    run: retries(5),
}

gen_differential! {
    /// A rate limiter stream: a token bucket refilled by an await whenever
    /// empty, each request yielded with the tokens left.
    name: token_bucket_stream,
    items: {},
    gen: fn limited(reqs: Vec<&'static str>, cap: u32) -> impl Stream<Item = String> {
        let mut tokens = cap;
        let mut refills = 0;
        for r in reqs {
            if tokens == 0 {
                pend(2, ()).await;
                tokens = cap;
                refills += 1;
                log(format!("refill {refills}"));
            }
            tokens -= 1;
            yield_!(format!("{r}:{tokens}"));
        }
        yield_!(format!("refills {refills}"));
    },
    run: limited(vec!["a", "b", "c", "d", "e"], 2),
}

gen_differential! {
    /// A protocol state machine as an `enum` local, advanced after each
    /// yield, with `D`s alive in two of its states.
    name: handshake_state_machine,
    items: {
        pub enum St { Hello, Auth(u32), Ready(super::D), Closed }
    },
    gen: fn session(msgs: Vec<&'static str>) -> impl Iterator<Item = String> {
        let mut st = St::Hello;
        for m in msgs {
            st = match st {
                St::Hello if m == "hi" => {
                    yield_!("hello".to_string());
                    St::Auth(0)
                }
                St::Auth(n) if m == "pw" => {
                    yield_!(format!("auth after {n}"));
                    St::Ready(D("session"))
                }
                St::Auth(n) => {
                    yield_!("retry".to_string());
                    if n >= 1 { St::Closed } else { St::Auth(n + 1) }
                }
                St::Ready(d) => {
                    yield_!(format!("{} {m}", d.0));
                    if m == "bye" { St::Closed } else { St::Ready(d) }
                }
                other => other,
            };
            if let St::Closed = st {
                yield_!("closed".to_string());
                break;
            }
        }
    },
    run: session(vec!["hi", "x", "pw", "get", "bye", "late"]),
}

gen_differential! {
    /// `.parse()` after a yield into a local pushed into a `Vec<u64>`
    /// written only after the loop.
    name: parse_after_yield_typed_after_loop,
    items: {},
    gen: fn nums(xs: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut v = vec![];
        for x in xs {
            yield_!(x.len());
            let Ok(n) = x.parse() else { continue };
            v.push(n);
        }
        let all: Vec<u64> = v;
        yield_!(all.iter().sum::<u64>() as usize);
    },
    run: nums(vec!["3", "q", "40"]),
}
