//! Stress round 18 for generators, against rustc's own coroutines (see
//! `oracle.rs`): the async round's themes with `yield_!`: trait objects and
//! boxed closures used between yields, generic generators with
//! where-clauses and associated types, `?`-like early returns with live
//! destructors, parsers over borrowed input (`&str`, `&[T]`, a generic
//! lifetime) yielding tokens, `split`/`lines`/`split_whitespace`/
//! `strip_prefix` iterators held across yields, collections mutated
//! between yields (entry API, `drain`, `retain`, `VecDeque` queues,
//! `chunks`/`windows`), `mem::take`/`replace`, `Cell`/`RefCell`, labelled
//! breaks, `let else`, guards calling functions, streams awaiting between
//! yields, and panics after yields. One new finding, s18-1: in a loop body
//! with two yields, a value typed only by the second yield (an operand
//! hoisted before a kept temporary, `yield_!(("k".into(), l.len()
//! .to_string()))`, or a `let x = l.parse().unwrap(); yield_!(x);`) is
//! untyped in the dead, typed-only copy of the rest of the body that the
//! path resumed from a yield emits, where a yield was written `()`. Fixed:
//! a yield there now types its value as the item (`yield_typed_only` in
//! the lowering), so these cases are ordinary ones.
// Shapes written on purpose, as real generator bodies are written.
#![allow(
    clippy::await_holding_refcell_ref,
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
    clippy::let_and_return,
    clippy::manual_range_patterns,
    clippy::redundant_closure,
    clippy::vec_box,
    clippy::box_collection,
    clippy::mem_replace_with_default,
    clippy::needless_lifetimes
)]

use crate::{D, log};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

gen_differential! {
    /// A tokenizer over a borrowed `&'static str`: a `Peekable<CharIndices>`
    /// held across yields, numbers and identifiers sliced out of the input.
    name: tokenizer_over_borrowed_str,
    items: {
        #[derive(Debug)]
        pub enum Tok { Num(u32), Ident(&'static str), Punct(char) }
    },
    gen: fn lex(src: &'static str) -> impl Iterator<Item = Tok> {
        let _lexer = D("lexer");
        let mut it = src.char_indices().peekable();
        while let Some(&(i, c)) = it.peek() {
            if c.is_whitespace() {
                it.next();
            } else if c.is_ascii_digit() {
                let mut n = 0;
                while let Some(&(_, d)) = it.peek() {
                    let Some(v) = d.to_digit(10) else { break };
                    n = n * 10 + v;
                    it.next();
                }
                yield_!(Tok::Num(n));
            } else if c.is_alphabetic() {
                let mut end = i;
                while let Some(&(j, d)) = it.peek() {
                    if !d.is_alphanumeric() { break; }
                    end = j + d.len_utf8();
                    it.next();
                }
                yield_!(Tok::Ident(&src[i..end]));
            } else {
                it.next();
                yield_!(Tok::Punct(c));
            }
        }
    },
    run: lex("let x1 = 42+y;"),
}

gen_differential! {
    /// Records parsed from `lines()` of a borrowed text, a `?`-like early
    /// return on a bad line with droppers at two levels.
    name: lines_records_early_return_on_bad,
    items: {},
    gen: fn records(text: &'static str) -> impl Iterator<Item = Result<(String, u32), String>> {
        let _file = D("file");
        for (no, line) in text.lines().enumerate() {
            let _line = D("line");
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') { continue; }
            let Some((k, v)) = line.split_once(':') else {
                yield_!(Err(format!("{}: no colon", no + 1)));
                return;
            };
            match v.trim().parse::<u32>() {
                Ok(n) => yield_!(Ok((k.to_string(), n))),
                Err(e) => { yield_!(Err(format!("{}: {e}", no + 1))); return; }
            }
        }
        yield_!(Ok(("eof".into(), 0)));
    },
    run: records("a: 1\n# x\n\nb:2\nc 3\nd:4"),
}

gen_differential! {
    /// Windows over a borrowed slice, a yield for each rising pair, a
    /// labelled `break` out of a nested scan.
    name: windows_over_borrowed_slice_labelled_break,
    items: {},
    gen: fn rises(v: &'static [u32]) -> impl Iterator<Item = (u32, u32)> {
        'scan: for w in v.windows(2) {
            let _w = D("w");
            if w[1] > w[0] {
                yield_!((w[0], w[1]));
            }
            for x in w {
                if *x == 0 { break 'scan; }
            }
        }
        yield_!((0, 0));
    },
    run: rises(&[1, 3, 2, 5, 0, 9]),
}

gen_differential! {
    /// A generic lifetime on the input (`['a](words: &'a str)`), items
    /// owned; `split_whitespace` held across yields.
    name: generic_lifetime_input_split_whitespace,
    items: {},
    gen: fn upper['a](words: &'a str) -> impl Iterator<Item = String> {
        let mut n = 0;
        for w in words.split_whitespace() {
            n += 1;
            yield_!(w.to_uppercase());
        }
        yield_!(format!("{n} words"));
    },
    run: upper("  hello  big world "),
}

gen_differential! {
    /// A generic generator with a where-clause on an associated type,
    /// yielding decoded items and skipping undecodable ones.
    name: generic_assoc_type_where_clause,
    items: {
        pub trait Codec { type Item: std::fmt::Debug + 'static; const TAG: &'static str; fn decode(s: &str) -> Option<Self::Item>; }
        pub struct Num;
        impl Codec for Num { type Item = u32; const TAG: &'static str = "num"; fn decode(s: &str) -> Option<u32> { s.parse().ok() } }
    },
    gen: fn decode_all[C: Codec<Item = u32> + 'static](raw: Vec<&'static str>, _c: C) -> impl Iterator<Item = u32> {
        let _d = D("decoder");
        for r in raw {
            match C::decode(r) {
                Some(v) => yield_!(v),
                None => log(format!("{} skip {r}", C::TAG)),
            }
        }
    },
    run: decode_all(vec!["1", "x", "3"], Num),
}

gen_differential! {
    /// A `&dyn`-like boxed trait object and a boxed closure used between
    /// yields.
    name: boxed_trait_object_and_closure_between_yields,
    items: {
        pub trait Scale { fn apply(&self, x: u32) -> u32; }
        pub struct Times(pub u32, pub D);
        impl Scale for Times { fn apply(&self, x: u32) -> u32 { x * self.0 } }
    },
    gen: fn scaled(s: Box<dyn Scale>, xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let tag = D("tag");
        let keep: Box<dyn Fn(u32) -> bool> = Box::new(move |x| { let _ = &tag; x % 2 == 1 });
        for x in xs {
            if keep(x) {
                yield_!(s.apply(x));
            }
        }
        drop(keep);
        yield_!(s.apply(100));
    },
    run: scaled(Box::new(Times(3, D("times"))), vec![1, 2, 3]),
}

gen_differential! {
    /// A stream awaiting a fetch between yields, `?`-like error items and
    /// an early return with a session dropper live.
    name: stream_fetch_between_yields_error_return,
    items: {
        pub async fn fetch(x: u32) -> Result<u32, String> {
            log(format!("fetch {x}"));
            pend(1, ()).await;
            if x == 3 { Err("three".into()) } else { Ok(x * 10) }
        }
    },
    gen: fn results(ids: Vec<u32>) -> impl Stream<Item = Result<u32, String>> {
        let _sess = D("sess");
        for id in ids {
            let _req = D("req");
            match fetch(id).await {
                Ok(v) => yield_!(Ok(v)),
                Err(e) => { yield_!(Err(e)); return; }
            }
            pend(1, ()).await;
        }
    },
    run: results(vec![1, 2, 3, 4]),
}

gen_differential! {
    /// A `BTreeMap` entry API between yields: word counts yielded as they
    /// change, `and_modify(..).or_insert(..)`.
    name: entry_api_counts_between_yields,
    items: {},
    gen: fn counts(words: Vec<&'static str>) -> impl Iterator<Item = (String, u32)> {
        let mut m: BTreeMap<&'static str, u32> = BTreeMap::new();
        for w in words {
            let c = *m.entry(w).and_modify(|c| *c += 1).or_insert(1);
            if c > 1 { yield_!((w.to_string(), c)); }
        }
        for (k, v) in &m {
            yield_!((format!("final {k}"), *v));
        }
    },
    run: counts(vec!["a", "b", "a", "c", "a", "b"]),
}

gen_differential! {
    /// `drain(..)` of droppers with a yield per element: dropped after k
    /// steps, the `Drain` drops the rest and the vector.
    name: drain_droppers_yield_each,
    items: {},
    gen: fn drained(names: Vec<&'static str>) -> impl Iterator<Item = &'static str> {
        let mut v: Vec<D> = names.into_iter().map(D).collect();
        for d in v.drain(..) {
            yield_!(d.0);
        }
        v.push(D("after"));
        yield_!("done");
    },
    run: drained(vec!["a", "b", "c"]),
}

gen_differential! {
    /// A `VecDeque` work queue: items expanded into children pushed to
    /// the back, each yielded, with a budget and a dropper per item.
    name: vecdeque_bfs_yields,
    items: {},
    gen: fn bfs(root: u32, budget: usize) -> impl Iterator<Item = u32> {
        let mut q = VecDeque::from([(root, D("node"))]);
        let mut n = 0;
        while let Some((x, _d)) = q.pop_front() {
            yield_!(x);
            n += 1;
            if n >= budget { return; }
            if x < 8 {
                q.push_back((x * 2, D("child")));
                q.push_back((x * 2 + 1, D("child")));
            }
        }
    },
    run: bfs(1, 5),
}

gen_differential! {
    /// `retain` and `extend` on a local between yields, and `chunks(2)`
    /// yielding sums.
    name: retain_extend_chunks_between_yields,
    items: {},
    gen: fn sums(v: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut v = v;
        v.retain(|x| x % 3 != 0);
        yield_!(v.len() as u32);
        v.extend([10, 20]);
        for c in v.chunks(2) {
            let _c = D("chunk");
            yield_!(c.iter().sum());
        }
    },
    run: sums(vec![1, 3, 4, 6, 7]),
}

gen_differential! {
    /// `mem::take` of a buffer between yields: a batcher yielding full
    /// batches and the remainder.
    name: mem_take_batcher,
    items: {},
    gen: fn batches(xs: Vec<u32>, size: usize) -> impl Iterator<Item = Vec<u32>> {
        let mut buf = Vec::new();
        let _b = D("batcher");
        for x in xs {
            buf.push(x);
            if buf.len() == size {
                yield_!(std::mem::take(&mut buf));
            }
        }
        if !buf.is_empty() {
            let rest = std::mem::replace(&mut buf, vec![0]);
            yield_!(rest);
        }
        yield_!(buf);
    },
    run: batches(vec![1, 2, 3, 4, 5], 2),
}

gen_differential! {
    /// A `Cell` counter and a `RefCell` log shared with the caller through
    /// `Rc`, borrows dropped before every yield.
    name: cell_and_refcell_shared_state,
    items: {},
    gen: fn ticks(c: Rc<Cell<u32>>, seen: Rc<RefCell<Vec<u32>>>) -> impl Iterator<Item = u32> {
        for _ in 0..3 {
            c.set(c.get() + 1);
            seen.borrow_mut().push(c.get());
            let n = seen.borrow().len() as u32;
            yield_!(c.get() * 10 + n);
        }
    },
    run: ticks(Rc::new(Cell::new(5)), Rc::new(RefCell::new(vec![]))),
}

gen_differential! {
    /// `let else` with nested patterns on popped items; `else` returns
    /// with droppers live.
    name: let_else_nested_pop_return,
    items: {},
    gen: fn take_ok(v: Vec<(u32, Result<u32, String>)>) -> impl Iterator<Item = u32> {
        let mut v = v;
        let _g = D("g");
        loop {
            let Some((k, Ok(x))) = v.pop() else {
                let _e = D("else");
                yield_!(999);
                return;
            };
            yield_!(k * 100 + x);
        }
    },
    run: take_ok(vec![(1, Err("bad".into())), (2, Ok(5)), (3, Ok(7))]),
}

gen_differential! {
    /// Guards calling functions (a lookup in a captured map) in a `match`
    /// whose arms yield, `@` bindings with ranges.
    name: guards_call_functions_yield_in_arms,
    items: {
        pub fn hot(x: u32) -> bool { log(format!("hot? {x}")); x > 50 }
    },
    gen: fn classify(xs: Vec<u32>, names: BTreeMap<u32, &'static str>) -> impl Iterator<Item = String> {
        for x in xs {
            match x {
                n if hot(n) => { let _h = D("hot"); yield_!(format!("hot {n}")); }
                n if names.contains_key(&n) => yield_!(format!("named {}", names[&n])),
                n @ 0..=9 => yield_!(format!("digit {n}")),
                n => { yield_!(format!("other {n}")); yield_!("again".into()); }
            }
        }
    },
    run: classify(vec![60, 3, 7, 20], [(7, "seven")].into_iter().collect()),
}

gen_differential! {
    /// A stream: `if let .. else if let .. else` with an await and a yield
    /// in every branch.
    name: stream_if_let_chain_await_and_yield_every_branch,
    items: {
        pub enum Ev { Key(char), Num(u32), Other }
    },
    gen: fn events(es: Vec<Ev>) -> impl Stream<Item = String> {
        for e in es {
            if let Ev::Key(c) = e {
                let c2 = pend(1, c.to_ascii_uppercase()).await;
                yield_!(format!("key {c2}"));
            } else if let Ev::Num(n) = e {
                let _d = D("num");
                let m = pend(n, n * 2).await;
                yield_!(format!("num {m}"));
            } else {
                pend(1, ()).await;
                yield_!("other".into());
            }
        }
    },
    run: events(vec![Ev::Key('a'), Ev::Num(2), Ev::Other]),
}

gen_differential! {
    /// A panic (`unwrap` on `None`) after two yields with droppers live at
    /// two levels.
    name: unwrap_none_panic_after_yields,
    items: {},
    gen: fn firsts(groups: Vec<Vec<u32>>) -> impl Iterator<Item = u32> {
        let _outer = D("outer");
        for g in groups {
            let _g = D("group");
            let first = g.first().copied().unwrap();
            yield_!(first);
        }
    },
    run: firsts(vec![vec![1, 2], vec![3], vec![], vec![4]]),
}

gen_differential! {
    /// `u8` overflow after a yield, and `assert!` with a formatted message.
    name: u8_overflow_after_yield,
    items: {},
    gen: fn acc(xs: Vec<u8>) -> impl Iterator<Item = u8> {
        let _d = D("acc");
        let mut total: u8 = 0;
        for x in xs {
            assert!(x < 250, "x too big: {x}");
            total += x;
            yield_!(total);
        }
    },
    run: acc(vec![100, 100, 100]),
}

gen_differential! {
    /// A stream whose `assert_eq!` compares an awaited value, failing on
    /// the third item.
    name: stream_assert_eq_awaited_fails,
    items: {},
    gen: fn checked(xs: Vec<u32>) -> impl Stream<Item = u32> {
        let _d = D("stream");
        for x in xs {
            let y = pend(1, x * 2).await;
            assert_eq!(y % 4, 0, "not a multiple of four: {y}");
            yield_!(y);
        }
    },
    run: checked(vec![2, 4, 5, 6]),
}

gen_differential! {
    /// `strip_prefix` results held across yields, `if let .. else if let`
    /// over header lines.
    name: strip_prefix_headers_across_yields,
    items: {},
    gen: fn headers(lines: Vec<&'static str>) -> impl Iterator<Item = (String, String)> {
        for l in lines {
            if let Some(rest) = l.strip_prefix("X-") {
                let (k, v) = rest.split_once(':').unwrap_or((rest, ""));
                yield_!((k.to_lowercase(), v.trim().to_string()));
                yield_!(("len".into(), rest.len().to_string()));
            } else if let Some(v) = l.strip_prefix("Host:") {
                let _h = D("host");
                yield_!(("host".into(), v.trim().to_string()));
            }
        }
    },
    run: headers(vec!["X-Id: 7", "Host:  a.b ", "Other", "X-Flag"]),
}

gen_differential! {
    /// `strip_prefix` results held across yields (the s18-1 shape with
    /// `String::from` instead of `.into()`), `if let .. else if let`
    /// over header lines.
    name: strip_prefix_headers_across_yields_owned_keys,
    items: {},
    gen: fn headers(lines: Vec<&'static str>) -> impl Iterator<Item = (String, String)> {
        for l in lines {
            if let Some(rest) = l.strip_prefix("X-") {
                let (k, v) = rest.split_once(':').unwrap_or((rest, ""));
                yield_!((k.to_lowercase(), v.trim().to_string()));
                yield_!((String::from("len"), rest.len().to_string()));
            } else if let Some(v) = l.strip_prefix("Host:") {
                let _h = D("host");
                yield_!(("host".into(), v.trim().to_string()));
            }
        }
    },
    run: headers(vec!["X-Id: 7", "Host:  a.b ", "Other", "X-Flag"]),
}

gen_differential! {
    /// s18-1 control: the operand hoisted before a kept temporary keeps its
    /// expected type when the yield is not in a loop after another yield.
    name: into_operand_before_kept_temporary_single_yield,
    items: {},
    gen: fn pairs() -> impl Iterator<Item = (String, String)> {
        let s = String::from("ab");
        yield_!(("k".into(), s.len().to_string()));
    },
    run: pairs(),
}
gen_differential! {
    /// `split(',')` iterator of a `String` local held across yields; the
    /// string itself owned by the generator.
    name: split_of_owned_string_across_yields,
    items: {},
    gen: fn fields(line: String) -> impl Iterator<Item = u32> {
        let owned = line.to_lowercase();
        let mut parts = owned.split(',');
        while let Some(p) = parts.next() {
            let Ok(n) = p.trim().parse::<u32>() else { continue };
            yield_!(n);
        }
        yield_!(owned.len() as u32);
    },
    run: fields("1, 2,x,,30".into()),
}

gen_differential! {
    /// `iter_mut()` over a local, each element updated after a yield (the
    /// mutable borrow alive across yields).
    name: iter_mut_update_after_yield,
    items: {},
    gen: fn bump(v: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut v = v;
        for x in v.iter_mut() {
            yield_!(*x);
            *x += 100;
        }
        for x in &v { yield_!(*x); }
    },
    run: bump(vec![1, 2]),
}

gen_differential! {
    /// A state machine enum with a dropper in a state, `state = match state`
    /// in a loop, a yield per transition, `break` from an arm.
    name: enum_state_machine_yield_per_transition,
    items: {
        pub enum St { Start, Open(D, u32), Closing(u32), Done }
    },
    gen: fn machine(n: u32) -> impl Iterator<Item = String> {
        let mut st = St::Start;
        loop {
            st = match st {
                St::Start => { yield_!("start".into()); St::Open(D("conn"), 0) }
                St::Open(c, i) if i < n => { yield_!(format!("io {i}")); St::Open(c, i + 1) }
                St::Open(c, i) => { drop(c); St::Closing(i) }
                St::Closing(i) => { yield_!(format!("close {i}")); St::Done }
                St::Done => break,
            };
        }
    },
    run: machine(2),
}

gen_differential! {
    /// `sort_by_key` with a closure over a captured map, then `dedup`, the
    /// sorted items yielded with their rank.
    name: sort_by_key_closure_then_yield_ranked,
    items: {},
    gen: fn ranked(names: Vec<&'static str>, prio: HashMap<&'static str, u32>) -> impl Iterator<Item = (usize, &'static str)> {
        let mut v = names;
        v.sort_by_key(|n| (std::cmp::Reverse(prio.get(n).copied().unwrap_or(0)), *n));
        v.dedup();
        for (i, n) in v.into_iter().enumerate() {
            yield_!((i, n));
        }
    },
    run: ranked(vec!["b", "a", "c", "a"], [("a", 1), ("c", 5)].into_iter().collect()),
}

gen_differential! {
    /// A stream paging through a cursor, the page `Vec` drained with a yield
    /// per item, the cursor updated by `Option::replace`.
    name: stream_pages_option_replace_cursor,
    items: {
        pub async fn page(c: u32) -> (Vec<u32>, Option<u32>) {
            log(format!("page {c}"));
            pend(1, ()).await;
            (vec![c * 10, c * 10 + 1], if c < 2 { Some(c + 1) } else { None })
        }
    },
    gen: fn all() -> impl Stream<Item = u32> {
        let mut cursor = Some(0);
        let _s = D("sess");
        while let Some(c) = cursor.take() {
            let (mut items, next) = page(c).await;
            for x in items.drain(..) {
                yield_!(x);
            }
            if let Some(n) = next { let old = cursor.replace(n); assert!(old.is_none()); }
        }
    },
    run: all(),
}

gen_differential! {
    /// Labelled `continue` and `break` across nested loops over borrowed
    /// rows, droppers in each body, a yield before each jump.
    name: nested_labelled_continue_break_with_yields,
    items: {},
    gen: fn scan(rows: &'static [&'static [i32]]) -> impl Iterator<Item = i32> {
        'rows: for row in rows {
            let _r = D("row");
            for &c in row.iter() {
                let _c = D("cell");
                if c < 0 { yield_!(c); continue 'rows; }
                if c == 0 { yield_!(0); break 'rows; }
                yield_!(c);
            }
        }
        yield_!(100);
    },
    run: scan(&[&[1, -1, 2], &[3, 0, 4], &[5]]),
}

gen_differential! {
    /// `?`-like error propagation through a helper returning `Result`, the
    /// generator yielding `Err` and stopping; `map_err` with a closure
    /// reading a live dropper.
    name: map_err_reads_dropper_yield_err_and_stop,
    items: {
        pub fn parse(s: &str) -> Result<u32, std::num::ParseIntError> { s.parse() }
    },
    gen: fn nums(xs: Vec<&'static str>) -> impl Iterator<Item = Result<u32, String>> {
        let ctx = D("ctx");
        for x in xs {
            let r = parse(x).map_err(|e| format!("{}: {e}", ctx.0));
            let stop = r.is_err();
            yield_!(r);
            if stop { return; }
        }
    },
    run: nums(vec!["1", "2", "q", "4"]),
}

gen_differential! {
    /// A method generator taking `self` with a `RefCell<VecDeque>` field:
    /// `borrow_mut().pop_front()` in a `while let` scrutinee, yields in the
    /// body. `while let` keeps its scrutinee's temporaries for the whole
    /// iteration, so the body's `borrow_mut` on the first even item panics
    /// ("already borrowed"), in both lowerings alike. (By value, not
    /// `&self`: a `&'static` receiver would need a leaked box, a leak under
    /// Miri, and a static would be drained by the first of the runs.)
    name: method_refcell_queue_pop_in_while_let,
    items: {
        pub struct Q { pub items: RefCell<VecDeque<u32>>, pub _d: D }
    },
    gen: impl Q {
        fn drain(self) -> impl Iterator<Item = u32> {
            while let Some(x) = self.items.borrow_mut().pop_front() {
                if x % 2 == 0 { self.items.borrow_mut().push_back(x + 1); }
                yield_!(x);
            }
        }
    },
    run: Q { items: RefCell::new(VecDeque::from([1, 2, 3])), _d: D("q") }.drain(),
}

gen_differential! {
    /// A stream with a block expression holding an await as a call
    /// argument, and `format!` with an awaited argument as the item.
    name: stream_block_argument_and_format_awaited,
    items: {
        pub fn combine(a: u32, b: u32) -> u32 { log(format!("combine {a} {b}")); a * 10 + b }
    },
    gen: fn items(xs: Vec<u32>) -> impl Stream<Item = String> {
        for x in xs {
            let v = combine({ let _b = D("blk"); pend(1, x).await + 1 }, x);
            yield_!(format!("{v}/{}", pend(1, x * 3).await));
        }
    },
    run: items(vec![1, 2]),
}

// ---------------------------------------------------------------------------
// Second batch
// ---------------------------------------------------------------------------

/// A guard-like temporary for scrutinees: logs its drop.
pub struct Tmp(pub D, pub u32);

impl Tmp {
    pub fn get(&self) -> u32 {
        self.1
    }
}

pub fn mk(n: &'static str, v: u32) -> Tmp {
    log(format!("mk {n}"));
    Tmp(D(n), v)
}

gen_differential! {
    /// A `match` on a method of a temporary guard (`match mk(..).get()`):
    /// rustc keeps the temporary to the end of the `match`, across the
    /// yields in the arms.
    name: match_on_method_of_temporary_yields_in_arms,
    items: {},
    gen: fn probe(vs: Vec<u32>) -> impl Iterator<Item = u32> {
        for v in vs {
            match mk("scrut", v).get() {
                0 => log("zero"),
                n => { yield_!(n); yield_!(n * 10); }
            }
        }
    },
    run: probe(vec![1, 0, 2]),
}

gen_differential! {
    /// A yield whose value is computed from a temporary guard in the same
    /// statement (`yield_!(mk(..).get() + 1)`): rustc drops the guard
    /// after the yield resumes.
    name: yield_value_from_temporary_guard,
    items: {},
    gen: fn vals(n: u32) -> impl Iterator<Item = u32> {
        for i in 0..n {
            yield_!(mk("t", i).get() + 1);
            log(format!("after {i}"));
        }
    },
    run: vals(2),
}

gen_differential! {
    /// A generator method on `&self` yielding clones of borrowed fields,
    /// filtered by a guard calling another method.
    name: method_yields_clones_of_fields_guarded,
    items: {
        pub struct Team { pub names: Vec<String>, pub min: usize, pub _d: D }
        pub static TEAM: std::sync::LazyLock<Team> = std::sync::LazyLock::new(|| Team {
            names: vec!["al".into(), "bob".into(), "c".into(), "dana".into()],
            min: 3,
            _d: D("team"),
        });
        impl Team {
            pub fn ok(&self, s: &str) -> bool { s.len() >= self.min }
        }
    },
    gen: impl Team {
        fn members(&self) -> impl Iterator<Item = String> {
            for (i, n) in self.names.iter().enumerate() {
                match n.as_str() {
                    s if self.ok(s) => yield_!(format!("{i}:{s}")),
                    _ => continue,
                }
            }
        }
    },
    run: TEAM.members(),
}

gen_differential! {
    /// An explicit-stack tree walk over boxed nodes, `mem::take` of the
    /// children, a dropper per node, and an early return at a marker.
    name: explicit_stack_walk_mem_take_children_early_return,
    items: {
        pub struct Node { pub v: u32, pub kids: Vec<Node>, pub _d: D }
    },
    gen: fn walk(root: Node) -> impl Iterator<Item = u32> {
        let mut stack = vec![root];
        while let Some(mut n) = stack.pop() {
            if n.v == 99 { yield_!(0); return; }
            let kids = std::mem::take(&mut n.kids);
            yield_!(n.v);
            stack.extend(kids.into_iter().rev());
        }
    },
    run: walk(Node { v: 1, _d: D("n1"), kids: vec![
        Node { v: 2, kids: vec![], _d: D("n2") },
        Node { v: 3, _d: D("n3"), kids: vec![Node { v: 99, kids: vec![], _d: D("n99") }] },
        Node { v: 4, kids: vec![], _d: D("n4") },
    ]}),
}

gen_differential! {
    /// A stream that awaits inside a `match` guard-free arm, then yields
    /// inside a nested `if let`, with an early `return` from a `loop`.
    name: stream_loop_match_await_yield_return,
    items: {
        pub async fn poll_src(i: u32) -> Option<Result<u32, String>> {
            pend(1, ()).await;
            match i { 0 | 1 => Some(Ok(i + 5)), 2 => Some(Err("boom".into())), _ => None }
        }
    },
    gen: fn events() -> impl Stream<Item = String> {
        let _conn = D("conn");
        let mut i = 0;
        loop {
            let _tick = D("tick");
            match poll_src(i).await {
                Some(Ok(v)) => {
                    if let Some(w) = v.checked_sub(6) { yield_!(format!("w {w}")); } else { yield_!(format!("v {v}")); }
                }
                Some(Err(e)) => { yield_!(format!("err {e}")); i += 1; continue; }
                None => return,
            }
            i += 1;
        }
    },
    run: events(),
}

gen_differential! {
    /// Index out of bounds on a borrowed slice after yields, droppers at
    /// two levels.
    name: index_oob_panic_after_yields,
    items: {},
    gen: fn at(v: &'static [u32], idx: Vec<usize>) -> impl Iterator<Item = u32> {
        let _o = D("o");
        for i in idx {
            let _i = D("i");
            yield_!(v[i]);
        }
    },
    run: at(&[1, 2, 3], vec![0, 2, 5, 1]),
}

gen_differential! {
    /// `chars().rev()` and `char_indices` over a borrowed `&str`, yielding
    /// palindrome checks for each word; a word slice kept across yields.
    name: chars_rev_palindromes_over_borrowed_str,
    items: {},
    gen: fn palins(text: &'static str) -> impl Iterator<Item = (String, bool)> {
        for w in text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let rev: String = w.chars().rev().collect();
            yield_!((w.to_string(), rev.eq_ignore_ascii_case(w)));
            if w.len() > 4 { yield_!((rev, false)); }
        }
    },
    run: palins("Anna, kayak! hello"),
}

gen_differential! {
    /// A `HashMap` used as a dedup set across yields, `entry().or_insert`
    /// returning a counter written after the yield.
    name: hashmap_entry_counter_written_after_yield,
    items: {},
    gen: fn firsts(words: Vec<&'static str>) -> impl Iterator<Item = String> {
        let mut seen: HashMap<&'static str, u32> = HashMap::new();
        for w in words {
            let c = seen.entry(w).or_insert(0);
            if *c == 0 {
                yield_!(w.to_string());
            }
            *c += 1;
        }
        let mut all: Vec<_> = seen.into_iter().collect();
        all.sort();
        for (w, c) in all { yield_!(format!("{w}={c}")); }
    },
    run: firsts(vec!["a", "b", "a", "c", "b", "a"]),
}

gen_differential! {
    /// `split_at_mut` halves kept across yields and written after them.
    name: split_at_mut_halves_across_yields,
    items: {},
    gen: fn halves(v: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut v = v;
        let (a, b) = v.split_at_mut(2);
        for x in a.iter_mut() {
            yield_!(*x);
            *x += b[0];
        }
        yield_!(a[0] + a[1]);
        drop(v);
        yield_!(0);
    },
    run: halves(vec![1, 2, 30, 40]),
}

gen_differential! {
    /// A generator with an `impl Fn` parameter bound through the generics
    /// list and an `Option::get_or_insert_with` cache across yields.
    name: generic_fn_param_and_get_or_insert_with,
    items: {},
    gen: fn cached[F: Fn(u32) -> u32 + 'static](xs: Vec<u32>, f: F) -> impl Iterator<Item = u32> {
        let mut cache: Option<Vec<u32>> = None;
        for x in xs {
            let c = cache.get_or_insert_with(|| { log("init"); Vec::new() });
            c.push(f(x));
            yield_!(c.len() as u32);
            c.push(0);
        }
        yield_!(cache.map(|c| c.iter().sum()).unwrap_or(0));
    },
    run: cached(vec![1, 2], |x| x * 7),
}

gen_differential! {
    /// A stream with `?`-like error handling through an inner async block
    /// used as a `try` block, the error yielded.
    name: stream_async_try_block_yields_error,
    items: {
        pub async fn get(i: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if i == 2 { Err(format!("bad {i}")) } else { Ok(i) }
        }
    },
    gen: fn pairs(n: u32) -> impl Stream<Item = Result<u32, String>> {
        for i in 0..n {
            let r: Result<u32, String> = async { let a = get(i).await?; let b = get(a + 1).await?; Ok(a + b) }.await;
            let _d = D("item");
            yield_!(r);
        }
    },
    run: pairs(3),
}

gen_differential! {
    /// A labelled block (`'b: { .. break 'b v; .. }`) around a yield.
    name: labelled_block_break_value_around_yield,
    items: {},
    gen: fn f(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        for x in xs {
            let v = 'b: {
                let _in = D("in");
                if x > 5 { break 'b x * 100; }
                yield_!(x);
                x + 1
            };
            yield_!(v);
        }
    },
    run: f(vec![1, 7]),
}

gen_differential! {
    /// Parameters with destructuring patterns are not allowed by the
    /// oracle's macro, so the generator destructures its tuple parameter
    /// in a `let` and yields from both parts, the rest dropped at the end.
    name: tuple_param_destructured_in_let,
    items: {},
    gen: fn both(p: (D, Vec<u32>, D)) -> impl Iterator<Item = u32> {
        let (a, v, c) = p;
        for x in v { yield_!(x); }
        drop(a);
        yield_!(0);
    },
    run: both((D("a"), vec![1, 2], D("c"))),
}

gen_differential! {
    /// s18-1 probe: `Default::default()` as the first field of a yielded
    /// tuple whose second field calls `to_string` on a temporary.
    name: s18_1_default_first_field_yield,
    items: {},
    gen: fn pairs(n: usize) -> impl Iterator<Item = (String, String)> {
        let s = String::from("ab");
        yield_!((Default::default(), (s.len() + n).to_string()));
    },
    run: pairs(1),
}

gen_differential! {
    /// s18-1 control: the same shape with the first field written out
    /// (`String::new()`).
    name: s18_1_control_written_type_yield,
    items: {},
    gen: fn pairs(n: usize) -> impl Iterator<Item = (String, String)> {
        let s = String::from("ab");
        yield_!((String::new(), (s.len() + n).to_string()));
        yield_!((String::from("k"), s.len().to_string()));
    },
    run: pairs(1),
}

gen_differential! {
    /// A yielded value holding a temporary dropper borrowed by a method
    /// not known to borrow (`D(..).0.len()` is a field, kept to the end of
    /// the statement in rustc).
    name: yield_field_of_temporary_dropper,
    items: {},
    gen: fn lens(n: usize) -> impl Iterator<Item = usize> {
        for i in 0..n {
            yield_!(D("t").0.len() + i);
            log("resumed");
        }
    },
    run: lens(2),
}

gen_differential! {
    /// s18-1 probe: `Default::default()` before `s.len().to_string()`.
    name: s18_1_default_before_len_to_string,
    items: {},
    gen: fn pairs() -> impl Iterator<Item = (String, String)> {
        let s = String::from("ab");
        yield_!((Default::default(), s.len().to_string()));
    },
    run: pairs(),
}

gen_differential! {
    /// s18-1 probe: `.into()` before a guard temporary's `get()`.
    name: s18_1_into_before_guard_get,
    items: {},
    gen: fn pairs() -> impl Iterator<Item = (String, u32)> {
        yield_!(("k".into(), mk("t", 4).get()));
        log("after");
    },
    run: pairs(),
}

gen_differential! {
    /// s18-1 minimal.
    name: hoisted_operand_in_truncated_copy_loses_type,
    items: {},
    gen: fn m(v: Vec<&'static str>) -> impl Iterator<Item = (String, String)> {
        for l in v {
            yield_!((String::new(), String::new()));
            yield_!(("k".into(), l.len().to_string()));
        }
    },
    run: m(vec!["ab", "c"]),
}

gen_differential! {
    /// s18-1 workaround: the same loop with the hoisted operand typed
    /// (`String::from("k")`).
    name: hoisted_operand_typed_in_loop_after_yield,
    items: {},
    gen: fn m(v: Vec<&'static str>) -> impl Iterator<Item = (String, String)> {
        for l in v {
            yield_!((String::new(), String::new()));
            yield_!((String::from("k"), l.len().to_string()));
        }
    },
    run: m(vec!["ab", "c"]),
}

gen_differential! {
    /// s18-1 probe, stream form with an await between the yields and
    /// `Default::default()` as the hoisted operand (the item typed).
    name: s18_1_stream_default_in_loop_typed_item,
    items: {},
    gen: fn m(v: Vec<&'static str>) -> impl Stream<Item = (u32, String)> {
        for l in v {
            yield_!((0, String::new()));
            pend(1, ()).await;
            yield_!((7, l.len().to_string()));
        }
    },
    run: m(vec!["ab", "c"]),
}

// ---------------------------------------------------------------------------
// Third batch: closures with their own `return`, items in bodies, names
// like the generated ones, extended temporaries
// ---------------------------------------------------------------------------

gen_differential! {
    /// A closure with its own `return` and `?` inside a generator body,
    /// called between yields.
    name: closure_with_own_return_between_yields,
    items: {},
    gen: fn parsed(raw: Vec<&'static str>) -> impl Iterator<Item = u32> {
        let parse = |s: &str| -> Option<u32> {
            if s.is_empty() { return Some(0); }
            let n: u32 = s.parse().ok()?;
            Some(n + 1)
        };
        for r in raw {
            if let Some(n) = parse(r) { yield_!(n); } else { yield_!(999); }
        }
    },
    run: parsed(vec!["1", "", "x"]),
}

gen_differential! {
    /// Items in the generator body (`use`, `fn`, `struct`, `const`) used
    /// after yields.
    name: items_in_generator_body_after_yields,
    items: {},
    gen: fn items(xs: Vec<u32>) -> impl Iterator<Item = String> {
        use std::fmt::Write as _;
        const STEP: u32 = 10;
        fn show(x: u32) -> String { format!("#{x}") }
        struct Acc(u32);
        let mut acc = Acc(0);
        for x in xs {
            yield_!(show(x));
            acc.0 += x * STEP;
        }
        let mut s = String::new();
        write!(s, "acc={}", acc.0).unwrap();
        yield_!(s);
    },
    run: items(vec![1, 2]),
}

gen_differential! {
    /// User locals named like generated names (`iter0`, `tmp0`, `tmp1`)
    /// kept across yields in a `for` loop.
    name: locals_named_like_generated_names_gen,
    items: {},
    gen: fn f(v: Vec<u32>) -> impl Iterator<Item = u32> {
        let tmp0 = D("tmp0");
        let mut iter0 = 0;
        for x in v {
            let tmp1 = D("tmp1");
            iter0 += x;
            yield_!(iter0 + mk("t", x).get());
        }
        yield_!(iter0);
    },
    run: f(vec![1, 2]),
}

gen_differential! {
    /// Temporary lifetime extension (`let r = &mk(..);`) kept across yields.
    name: extended_temporary_across_yields,
    items: {},
    gen: fn f(n: u32) -> impl Iterator<Item = u32> {
        let r = &mk("ext", n);
        let _after = D("after");
        yield_!(1);
        yield_!(r.get());
    },
    run: f(5),
}

gen_differential! {
    /// A body `macro_rules!` binding a local named by the caller, the local
    /// kept across yields.
    name: body_macro_binding_local_across_yields,
    items: {},
    gen: fn f() -> impl Iterator<Item = &'static str> {
        macro_rules! bind { ($n:ident = $e:expr) => { let $n = $e; }; }
        bind!(d = D("d"));
        yield_!("one");
        yield_!(d.0);
    },
    run: f(),
}

gen_differential! {
    /// Closures whose parameter type is fixed by a call after a yield, in
    /// a loop with two yields.
    name: closure_param_typed_after_yield_in_loop,
    items: {},
    gen: fn f(v: Vec<u32>) -> impl Iterator<Item = u32> {
        for l in v {
            let dbl = |x| x * 2;
            yield_!(0);
            yield_!(dbl(l));
        }
    },
    run: f(vec![1, 2]),
}

gen_differential! {
    /// s18-1 neighbour: a `parse().unwrap()` operand typed only by the item
    /// type, before a kept temporary, in a loop after another yield.
    name: s18_1_parse_operand_in_loop_after_yield,
    items: {},
    gen: fn f(v: Vec<&'static str>) -> impl Iterator<Item = (u32, String)> {
        for l in v {
            yield_!((0, String::new()));
            yield_!((l.parse().unwrap(), l.len().to_string()));
        }
    },
    run: f(vec!["1", "22"]),
}

gen_differential! {
    /// `let else` whose `else` block yields before returning.
    name: let_else_block_yields_then_returns,
    items: {},
    gen: fn f(xs: Vec<Option<u32>>) -> impl Iterator<Item = u32> {
        let _g = D("g");
        for x in xs {
            let Some(v) = x else {
                let _e = D("else");
                yield_!(0);
                return;
            };
            yield_!(v);
        }
    },
    run: f(vec![Some(1), None, Some(3)]),
}

gen_differential! {
    /// Short-circuit `&&`/`||` with awaits on the right in a stream, items
    /// yielded per outcome.
    name: stream_short_circuit_awaits,
    items: {
        pub fn cheap(x: u32) -> bool { log(format!("cheap {x}")); x == 0 }
    },
    gen: fn f(xs: Vec<u32>) -> impl Stream<Item = (u32, bool)> {
        for x in xs {
            let ok = cheap(x) || pend(1, x > 2).await;
            yield_!((x, ok && pend(1, x % 2 == 1).await));
        }
    },
    run: f(vec![0, 1, 3, 4]),
}

gen_differential! {
    /// Indexed assignment in a generator with the index from a yield's
    /// neighbour and values logged by order.
    name: indexed_assignment_between_yields,
    items: {},
    gen: fn f(n: usize) -> impl Iterator<Item = Vec<u32>> {
        let mut v = vec![0u32; n];
        for i in 0..n {
            v[i] = (i as u32 + 1) * 10;
            yield_!(v.clone());
        }
    },
    run: f(2),
}

gen_differential! {
    /// A `match` on a reference to a temporary holding a dropper, yields
    /// in the arms.
    name: match_on_reference_to_temporary_yields,
    items: {},
    gen: fn f(names: Vec<&'static str>) -> impl Iterator<Item = usize> {
        for n in names {
            match &D(n) {
                d if d.0.len() > 2 => { yield_!(d.0.len()); yield_!(0); }
                d => yield_!(1),
            }
        }
    },
    run: f(vec!["long", "ab"]),
}

// ---------------------------------------------------------------------------
// Fourth batch: types fixed only by a later yield, in loops
// ---------------------------------------------------------------------------

gen_differential! {
    /// A `parse().unwrap()` typed only by the yield that follows it, in a
    /// loop whose other branch yields and `continue`s.
    name: parse_typed_by_following_yield_after_continue_branch,
    items: {},
    gen: fn nums(lines: Vec<&'static str>) -> impl Iterator<Item = u32> {
        for l in lines {
            if l.is_empty() { yield_!(0); continue; }
            let n = l.parse().unwrap();
            yield_!(n);
        }
    },
    run: nums(vec!["1", "", "3"]),
}

gen_differential! {
    /// A `parse().unwrap()` typed only by the yield that follows it, after
    /// another yield in the same loop body.
    name: parse_typed_by_following_yield_after_yield,
    items: {},
    gen: fn nums(lines: Vec<&'static str>) -> impl Iterator<Item = u32> {
        for l in lines {
            yield_!(0);
            let x = l.parse().unwrap();
            yield_!(x);
        }
    },
    run: nums(vec!["1", "2"]),
}

gen_differential! {
    /// An accumulator `Default::default()` typed by the final yield, added
    /// to between yields.
    name: default_accumulator_typed_by_final_yield,
    items: {},
    gen: fn running(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut total = Default::default();
        for x in xs {
            yield_!(x);
            total += x;
        }
        yield_!(total);
    },
    run: running(vec![1, 2, 3]),
}

gen_differential! {
    /// A `collect()` typed only by the yield after it, in a loop with an
    /// earlier yield.
    name: collect_typed_by_following_yield_in_loop,
    items: {},
    gen: fn rows(text: &'static str) -> impl Iterator<Item = Vec<String>> {
        for l in text.lines() {
            yield_!(vec![]);
            let cells = l.split(',').map(|c| c.trim().to_string()).collect();
            yield_!(cells);
        }
    },
    run: rows("a, b\nc"),
}
