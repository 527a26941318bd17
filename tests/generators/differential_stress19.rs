//! Stress round 19 for generators, against rustc's own coroutines (see
//! `oracle.rs`): long bodies (ten to twenty `yield_!`s mixing loops,
//! matches, early returns and several live droppers, so that dropping
//! after every step checks the drops at each suspension point); lexers
//! and tokenizers over `&str` with lookahead (`Peekable<Chars>` and
//! `char_indices` held across yields, byte-level state machines); tree
//! and graph traversals with explicit stacks and queues (an arena of
//! nodes, a boxed binary tree yielding `&'static` references, a lifetime
//! parameter); combinatorics (Heap's permutations, power sets, cartesian
//! products, n-queens); iterator adapters generic over `I: Iterator`
//! (chunks, dedup, interleave, sorted merge, group-by and take-while with
//! closures kept across yields, scan); streams awaiting between yields
//! (cursor pagination, retry with backoff, rate-limited batches, merging
//! two async sources); `&self` and `self` method generators; guards,
//! labelled `break`/`continue` after a yield, `let else`, `if let .. else
//! if let` chains, `while let` over a stack pushed after a yield;
//! `Rc<RefCell<..>>` and `Cell` mutated between yields; panics after
//! yields with live droppers; temporaries in yielded expressions, yields
//! in operands, guards and `while` conditions; a generator implementing a
//! trait's method. One gap: a recursive walk moving `tree.kids` out of a
//! parameter kept whole (the partial-move family). One finding, fixed:
//! g19-1, a reference local dead at a yield and assigned again after it
//! (`let mut cur = &*l;` .. `cur = n;` with `n: &Box<Node>`) was declared
//! anew without a type in the resumed code, so an assignment rustc
//! deref-coerces to the initializer's type gave it another type there
//! (E0308); its type is carried from its `let` now (`type_carriers` in the
//! lowering), and the cases below are ordinary ones.
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
    clippy::needless_lifetimes,
    clippy::redundant_guards,
    clippy::manual_find,
    clippy::explicit_auto_deref
)]

use crate::{D, log};
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

// ---------------------------------------------------------------------
// Long bodies: many yields, several droppers live at each.
// ---------------------------------------------------------------------

gen_differential! {
    /// An order pipeline with fifteen yields: a header, per-line items in a
    /// loop with a `match`, a discount phase, an early return when the
    /// total overflows a limit; droppers at the function, phase and line
    /// levels live at different yields.
    name: long_order_pipeline_many_yields,
    items: {
        #[derive(Clone, Copy)]
        pub enum Line { Item(u32, u32), Coupon(u32), Note(&'static str) }
    },
    gen: fn invoice(lines: Vec<Line>, limit: u32) -> impl Iterator<Item = String> {
        let _order = D("order");
        yield_!("begin".to_string());
        let mut total = 0u32;
        {
            let _phase = D("items");
            yield_!("items".to_string());
            for (i, l) in lines.iter().enumerate() {
                let _line = D("line");
                match *l {
                    Line::Item(qty, price) if qty == 0 => {
                        yield_!(format!("{i}: skip empty"));
                        continue;
                    }
                    Line::Item(qty, price) => {
                        total += qty * price;
                        yield_!(format!("{i}: {qty}x{price}"));
                        if total > limit {
                            yield_!(format!("over {limit}"));
                            return;
                        }
                    }
                    Line::Coupon(off) => {
                        yield_!(format!("{i}: coupon {off}"));
                        total = total.saturating_sub(off);
                        yield_!(format!("now {total}"));
                    }
                    Line::Note(n) => log(format!("note {n}")),
                }
            }
            yield_!(format!("subtotal {total}"));
        }
        let _tax = D("tax");
        let tax = total / 10;
        yield_!(format!("tax {tax}"));
        if tax == 0 {
            yield_!("no tax".to_string());
        } else {
            yield_!(format!("with tax {}", total + tax));
        }
        let _footer = D("footer");
        yield_!("thanks".to_string());
        yield_!("end".to_string());
    },
    run: invoice(vec![Line::Item(2, 5), Line::Item(0, 9), Line::Note("gift"), Line::Coupon(3), Line::Item(1, 20)], 100),
}

gen_differential! {
    /// The same pipeline hitting the early return in the middle of the
    /// loop, with the phase and line droppers live at the last yield.
    name: long_order_pipeline_early_return,
    items: {},
    gen: fn invoice(prices: Vec<u32>, limit: u32) -> impl Iterator<Item = (usize, u32)> {
        let _order = D("order");
        yield_!((0, 0));
        let mut total = 0;
        let _phase = D("phase");
        for (i, p) in prices.into_iter().enumerate() {
            let _line = D("line");
            total += p;
            yield_!((i, p));
            if total > limit {
                let _over = D("over");
                yield_!((usize::MAX, total));
                return;
            }
            yield_!((i, total));
        }
        yield_!((99, total));
    },
    run: invoice(vec![10, 20, 30, 40, 50], 55),
}

gen_differential! {
    /// A session state machine with eighteen yields over phases (`connect`,
    /// `auth`, `work`, `close`), a `loop` with `break` values, a nested
    /// `match` on the reply, shadowed droppers, and a labelled block left
    /// early.
    name: long_session_phases_shadowed_droppers,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Reply { Ok, Retry, Fail }
    },
    gen: fn session(replies: Vec<Reply>) -> impl Iterator<Item = String> {
        let mut rs = replies.into_iter();
        let conn = D("conn");
        yield_!("connect".into());
        let attempts = loop {
            let _try = D("try");
            let mut n = 0;
            match rs.next() {
                Some(Reply::Ok) => { yield_!("auth ok".into()); break n + 1; }
                Some(Reply::Retry) => { n += 1; yield_!("auth retry".into()); }
                Some(Reply::Fail) | None => { yield_!("auth failed".into()); return; }
            }
        };
        yield_!(format!("authed after {attempts}"));
        let conn = (conn, D("session"));
        'work: {
            for k in 0..3 {
                let _job = D("job");
                yield_!(format!("job {k}"));
                match rs.next() {
                    Some(Reply::Fail) => {
                        yield_!(format!("job {k} failed"));
                        break 'work;
                    }
                    Some(r) => yield_!(format!("job {k} {r:?}")),
                    None => yield_!(format!("job {k} no reply")),
                }
            }
            yield_!("all jobs".into());
        }
        let _close = D("close");
        yield_!("closing".into());
        drop(conn);
        yield_!("closed".into());
    },
    run: session(vec![Reply::Retry, Reply::Ok, Reply::Ok, Reply::Retry, Reply::Fail, Reply::Ok]),
}

gen_differential! {
    /// Twelve yields, then a panic in the middle of a nested loop with four
    /// droppers live (function, two loop levels, a temporary binding).
    name: long_body_panics_with_four_droppers,
    items: {},
    gen: fn grid(n: u32, bad: u32) -> impl Iterator<Item = u32> {
        let _a = D("a");
        yield_!(1000);
        for i in 0..n {
            let _row = D("row");
            yield_!(i * 100);
            for j in 0..n {
                let _cell = D("cell");
                let v = i * 10 + j;
                if v == bad {
                    let _last = D("last");
                    panic!("bad cell {v}");
                }
                yield_!(v);
            }
            yield_!(i * 100 + 99);
        }
        yield_!(2000);
    },
    run: grid(3, 21),
}

// ---------------------------------------------------------------------
// Lexers and tokenizers.
// ---------------------------------------------------------------------

gen_differential! {
    /// A `Peekable<Chars>` lexer with string literals and escapes, numbers
    /// with a decimal point and identifiers, yielding owned tokens.
    name: lexer_peekable_chars_strings_numbers,
    items: {
        #[derive(Debug)]
        pub enum Tok { Str(String), Num(f64), Ident(String), Sym(char), Err(String) }
    },
    gen: fn lex(src: &'static str) -> impl Iterator<Item = Tok> {
        let _lx = D("lexer");
        let mut cs = src.chars().peekable();
        while let Some(c) = cs.next() {
            match c {
                ' ' | '\n' | '\t' => continue,
                '"' => {
                    let mut s = String::new();
                    let mut closed = false;
                    while let Some(d) = cs.next() {
                        match d {
                            '\\' => match cs.next() {
                                Some('n') => s.push('\n'),
                                Some(e) => s.push(e),
                                None => break,
                            },
                            '"' => { closed = true; break; }
                            _ => s.push(d),
                        }
                    }
                    if closed { yield_!(Tok::Str(s)); } else { yield_!(Tok::Err(format!("unterminated {s:?}"))); return; }
                }
                '0'..='9' => {
                    let mut t = String::from(c);
                    while let Some(&d) = cs.peek() {
                        if d.is_ascii_digit() || d == '.' { t.push(d); cs.next(); } else { break; }
                    }
                    match t.parse() {
                        Ok(v) => yield_!(Tok::Num(v)),
                        Err(_) => yield_!(Tok::Err(t)),
                    }
                }
                c if c.is_alphabetic() || c == '_' => {
                    let mut t = String::from(c);
                    while let Some(d) = cs.next_if(|d| d.is_alphanumeric() || *d == '_') {
                        t.push(d);
                    }
                    yield_!(Tok::Ident(t));
                }
                other => yield_!(Tok::Sym(other)),
            }
        }
        log("lexed");
    },
    run: lex("x = \"a\\\"b\\n\" + 3.25; y_2 = 1.2.3 \"open"),
}

gen_differential! {
    /// Two-character operators by lookahead over `char_indices`: `==`,
    /// `!=`, `<=`, `>=`, `->`, with the span of each token yielded as a
    /// slice of the borrowed input.
    name: lexer_char_indices_two_char_ops,
    items: {},
    gen: fn ops(src: &'static str) -> impl Iterator<Item = (usize, &'static str)> {
        let mut it = src.char_indices().peekable();
        while let Some((i, c)) = it.next() {
            if c.is_whitespace() { continue; }
            let two = matches!(
                (c, it.peek().map(|&(_, d)| d)),
                ('=', Some('=')) | ('!', Some('=')) | ('<', Some('=')) | ('>', Some('=')) | ('-', Some('>'))
            );
            if two {
                it.next();
                yield_!((i, &src[i..i + 2]));
            } else if c.is_alphanumeric() {
                let mut end = i + c.len_utf8();
                while let Some(&(j, d)) = it.peek() {
                    if !d.is_alphanumeric() { break; }
                    end = j + d.len_utf8();
                    it.next();
                }
                yield_!((i, &src[i..end]));
            } else {
                yield_!((i, &src[i..i + c.len_utf8()]));
            }
        }
    },
    run: ops("a==b != c<=dé->e >f =g"),
}

gen_differential! {
    /// A byte-level CSV state machine with quoted fields, doubled quotes
    /// and a state enum reassigned at every byte; yields `(row, field)`.
    name: lexer_byte_state_machine_csv,
    items: {
        #[derive(Clone, Copy, PartialEq)]
        pub enum St { Start, Plain, Quoted, QuoteInQuoted }
    },
    gen: fn csv(input: &'static [u8]) -> impl Iterator<Item = (u32, String)> {
        let _p = D("parser");
        let mut st = St::Start;
        let mut row = 0;
        let mut cur = Vec::new();
        let mut i = 0;
        while i <= input.len() {
            let b = input.get(i).copied();
            i += 1;
            st = match (st, b) {
                (St::Quoted, Some(b'"')) => St::QuoteInQuoted,
                (St::Quoted, Some(x)) => { cur.push(x); St::Quoted }
                (St::Quoted, None) => { yield_!((row, format!("error: open quote {}", String::from_utf8_lossy(&cur)))); return; }
                (St::QuoteInQuoted, Some(b'"')) => { cur.push(b'"'); St::Quoted }
                (St::Start, Some(b'"')) => St::Quoted,
                (_, Some(b',')) => {
                    yield_!((row, String::from_utf8(std::mem::take(&mut cur)).unwrap()));
                    St::Start
                }
                (_, Some(b'\n')) | (_, None) => {
                    yield_!((row, String::from_utf8(std::mem::take(&mut cur)).unwrap()));
                    row += 1;
                    St::Start
                }
                (_, Some(x)) => { cur.push(x); St::Plain }
            };
        }
    },
    run: csv(b"a,\"b,c\",d\n\"say \"\"hi\"\"\",,e\nlast"),
}

gen_differential! {
    /// Line and column tracking over `chars()`, yielding `(line, col, c)`
    /// for each non-blank char and a `String` summary per line.
    name: lexer_line_col_tracker_strings_per_line,
    items: {},
    gen: fn positions(src: &'static str) -> impl Iterator<Item = (u32, u32, String)> {
        let (mut line, mut col) = (1u32, 0u32);
        let mut word = String::new();
        for c in src.chars() {
            col += 1;
            if c == '\n' {
                if !word.is_empty() { yield_!((line, col, std::mem::take(&mut word))); }
                yield_!((line, 0, "<eol>".to_string()));
                line += 1;
                col = 0;
            } else if c.is_whitespace() {
                if !word.is_empty() { let w = word.clone(); word.clear(); yield_!((line, col, w)); }
            } else {
                word.push(c);
            }
        }
        if let Some(last) = Some(word).filter(|w| !w.is_empty()) {
            yield_!((line, col, last));
        }
    },
    run: positions("ab cd\n  e\n\nfg h"),
}

gen_differential! {
    /// An INI reader with a generic lifetime on the input: sections held in
    /// a `&'a str` across yields, `strip_prefix`/`strip_suffix` with `let
    /// else`, and owned `section.key=value` items.
    name: lexer_ini_generic_lifetime_let_else,
    items: {},
    gen: fn ini['a](text: &'a str) -> impl Iterator<Item = String> {
        let mut section: &'a str = "";
        let _r = D("reader");
        for raw in text.lines() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with(';') { continue; }
            if let Some(rest) = line.strip_prefix('[') {
                let Some(name) = rest.strip_suffix(']') else {
                    yield_!(format!("bad header {line}"));
                    continue;
                };
                section = name;
                yield_!(format!("[{section}]"));
                continue;
            }
            let Some((k, v)) = line.split_once('=') else {
                yield_!(format!("bad line {line}"));
                break;
            };
            yield_!(format!("{section}.{}={}", k.trim(), v.trim()));
        }
        yield_!(format!("last section {section}"));
    },
    run: ini("top=1\n[a]\nx = 2\n; c\n[b\ny=3\n[c]\nz=4\nnope\nw=5"),
}

// ---------------------------------------------------------------------
// Trees and graphs.
// ---------------------------------------------------------------------

gen_differential! {
    /// DFS over a `Vec<Node>` arena with an explicit stack, children pushed
    /// in reverse after the node is yielded, a visited set.
    name: graph_dfs_arena_explicit_stack,
    items: {
        pub struct Node { pub name: &'static str, pub next: Vec<usize> }
    },
    gen: fn dfs(nodes: Vec<Node>, root: usize) -> impl Iterator<Item = &'static str> {
        let _g = D("graph");
        let mut seen = vec![false; nodes.len()];
        let mut stack = vec![root];
        while let Some(i) = stack.pop() {
            if seen[i] { continue; }
            seen[i] = true;
            yield_!(nodes[i].name);
            for &j in nodes[i].next.iter().rev() {
                if !seen[j] { stack.push(j); }
            }
        }
        log(format!("unseen {}", seen.iter().filter(|s| !**s).count()));
    },
    run: dfs(vec![
        Node { name: "a", next: vec![1, 2] },
        Node { name: "b", next: vec![3] },
        Node { name: "c", next: vec![3, 0] },
        Node { name: "d", next: vec![] },
        Node { name: "lonely", next: vec![0] },
    ], 0),
}

gen_differential! {
    /// BFS by levels over an arena with a `VecDeque` and a level marker,
    /// yielding `(level, name)` and a summary per level.
    name: graph_bfs_levels_queue,
    items: {
        pub struct Node { pub name: &'static str, pub kids: Vec<usize> }
    },
    gen: fn levels(nodes: Vec<Node>) -> impl Iterator<Item = (u32, String)> {
        let mut q = VecDeque::from([Some(0usize), None]);
        let mut level = 0;
        let mut width = 0;
        while let Some(slot) = q.pop_front() {
            match slot {
                Some(i) => {
                    width += 1;
                    yield_!((level, nodes[i].name.to_string()));
                    q.extend(nodes[i].kids.iter().map(|&k| Some(k)));
                }
                None => {
                    yield_!((level, format!("width {width}")));
                    if q.is_empty() { break; }
                    level += 1;
                    width = 0;
                    q.push_back(None);
                }
            }
        }
    },
    run: levels(vec![
        Node { name: "root", kids: vec![1, 2] },
        Node { name: "l", kids: vec![3] },
        Node { name: "r", kids: vec![4, 5] },
        Node { name: "ll", kids: vec![] },
        Node { name: "rl", kids: vec![] },
        Node { name: "rr", kids: vec![] },
    ]),
}

gen_differential! {
    /// In-order traversal of a boxed binary tree with an explicit stack of
    /// `&'static Tree`, yielding `&'static u32` into the tree (a
    /// `LazyLock` static, so the items outlive every run).
    name: tree_inorder_boxed_static_refs,
    items: {
        pub struct Tree { pub v: u32, pub l: Option<Box<Tree>>, pub r: Option<Box<Tree>> }
        pub fn leaf(v: u32) -> Option<Box<Tree>> { Some(Box::new(Tree { v, l: None, r: None })) }
        pub static TREE: std::sync::LazyLock<Tree> = std::sync::LazyLock::new(|| Tree {
            v: 5,
            l: Some(Box::new(Tree { v: 3, l: leaf(1), r: leaf(4) })),
            r: Some(Box::new(Tree { v: 8, l: None, r: leaf(9) })),
        });
    },
    gen: fn inorder(t: &'static Tree) -> impl Iterator<Item = &'static u32> {
        let _walk = D("walk");
        let mut stack: Vec<&'static Tree> = Vec::new();
        let mut cur = Some(t);
        loop {
            while let Some(n) = cur {
                stack.push(n);
                cur = n.l.as_deref();
            }
            let Some(n) = stack.pop() else { break };
            yield_!(&n.v);
            cur = n.r.as_deref();
        }
    },
    run: inorder(&TREE),
}

gen_differential! {
    /// Pre-order with depth over a tree borrowed with a lifetime parameter
    /// (`['a](t: &'a Tree)`), a stack of `(&'a Tree, depth)`, owned items.
    name: tree_preorder_depth_lifetime_param,
    items: {
        pub struct Tree { pub name: String, pub kids: Vec<Tree> }
        pub fn t(name: &str, kids: Vec<Tree>) -> Tree { Tree { name: name.into(), kids } }
        pub static TREE: std::sync::LazyLock<Tree> = std::sync::LazyLock::new(|| {
            t("/", vec![t("usr", vec![t("bin", vec![]), t("lib", vec![])]), t("etc", vec![t("hosts", vec![])])])
        });
    },
    gen: fn walk['a](root: &'a Tree, max_depth: usize) -> impl Iterator<Item = String> {
        let mut stack: Vec<(&'a Tree, usize)> = vec![(root, 0)];
        while let Some((n, d)) = stack.pop() {
            yield_!(format!("{}{}", "  ".repeat(d), n.name));
            if d == max_depth {
                if !n.kids.is_empty() { yield_!(format!("{}...", "  ".repeat(d + 1))); }
                continue;
            }
            for k in n.kids.iter().rev() {
                stack.push((k, d + 1));
            }
        }
    },
    run: walk(&TREE, 1),
}

gen_differential! {
    /// Kahn's topological sort: in-degrees in a `HashMap`, a ready queue
    /// kept sorted, a cycle reported at the end.
    name: graph_topo_sort_kahn_cycle,
    items: {},
    gen: fn topo(edges: Vec<(&'static str, &'static str)>) -> impl Iterator<Item = Result<&'static str, String>> {
        let mut indeg: BTreeMap<&'static str, usize> = BTreeMap::new();
        let mut out: HashMap<&'static str, Vec<&'static str>> = HashMap::new();
        for &(a, b) in &edges {
            indeg.entry(a).or_insert(0);
            *indeg.entry(b).or_insert(0) += 1;
            out.entry(a).or_default().push(b);
        }
        let mut ready: Vec<&'static str> = indeg.iter().filter(|(_, d)| **d == 0).map(|(k, _)| *k).collect();
        let mut done = 0;
        while !ready.is_empty() {
            ready.sort_by(|a, b| b.cmp(a));
            let n = ready.pop().unwrap();
            done += 1;
            yield_!(Ok(n));
            for m in out.get(n).into_iter().flatten() {
                let d = indeg.get_mut(m).unwrap();
                *d -= 1;
                if *d == 0 { ready.push(m); }
            }
        }
        if done < indeg.len() {
            yield_!(Err(format!("cycle among {} nodes", indeg.len() - done)));
        }
    },
    run: topo(vec![("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("e", "f"), ("f", "g"), ("g", "f")]),
}

gen_differential! {
    /// A `while let Some(x) = stack.pop()` loop that pushes after its
    /// yield (a Collatz-like expansion), bounded by a budget.
    name: stack_pop_push_after_yield,
    items: {},
    gen: fn expand(seed: u32, budget: u32) -> impl Iterator<Item = u32> {
        let _s = D("stack");
        let mut stack = vec![seed];
        let mut left = budget;
        while let Some(x) = stack.pop() {
            yield_!(x);
            left -= 1;
            if left == 0 { log("budget"); break; }
            if x > 1 {
                let _k = D("kids");
                if x % 2 == 0 { stack.push(x / 2); } else { stack.push(x - 1); stack.push(x / 2 + 1); }
            }
        }
    },
    run: expand(7, 12),
}

// ---------------------------------------------------------------------
// Combinatorics.
// ---------------------------------------------------------------------

gen_differential! {
    /// Heap's algorithm, iterative, yielding every permutation as a fresh
    /// `Vec` clone of the working array.
    name: combinatorics_heap_permutations,
    items: {},
    gen: fn perms(a: Vec<char>) -> impl Iterator<Item = String> {
        let mut a = a;
        let n = a.len();
        let mut c = vec![0usize; n];
        yield_!(a.iter().collect());
        let mut i = 1;
        while i < n {
            if c[i] < i {
                if i % 2 == 0 { a.swap(0, i); } else { a.swap(c[i], i); }
                yield_!(a.iter().collect());
                c[i] += 1;
                i = 1;
            } else {
                c[i] = 0;
                i += 1;
            }
        }
    },
    run: perms(vec!['a', 'b', 'c']),
}

gen_differential! {
    /// A power set by bitmask, each subset a `Vec<&'static str>`, with the
    /// empty set skipped by `continue` and a dropper per subset.
    name: combinatorics_power_set_bitmask,
    items: {},
    gen: fn subsets(items: Vec<&'static str>) -> impl Iterator<Item = Vec<&'static str>> {
        let n = items.len();
        for mask in 0u32..(1 << n) {
            if mask == 0 { continue; }
            let _s = D("subset");
            let sub: Vec<_> = (0..n).filter(|i| mask & (1 << i) != 0).map(|i| items[i]).collect();
            yield_!(sub);
        }
    },
    run: subsets(vec!["x", "y", "z"]),
}

gen_differential! {
    /// A cartesian product of three slices with nested `for` loops and a
    /// `continue 'outer` after a yield when a pair is rejected.
    name: combinatorics_cartesian_continue_outer,
    items: {},
    gen: fn product(a: Vec<u32>, b: Vec<char>, c: Vec<bool>) -> impl Iterator<Item = (u32, char, bool)> {
        'outer: for &x in &a {
            let _x = D("x");
            for &y in &b {
                for &z in &c {
                    yield_!((x, y, z));
                    if x == 2 && y == 'q' { log("skip rest of 2"); continue 'outer; }
                }
            }
        }
    },
    run: product(vec![1, 2, 3], vec!['p', 'q'], vec![true, false]),
}

gen_differential! {
    /// N-queens by backtracking with an explicit stack of columns, each
    /// solution yielded as a `Vec<usize>`, stopped after a count.
    name: combinatorics_n_queens_backtracking,
    items: {},
    gen: fn queens(n: usize, max: usize) -> impl Iterator<Item = Vec<usize>> {
        let _board = D("board");
        let mut cols: Vec<usize> = Vec::new();
        let mut next = 0usize;
        let mut found = 0;
        loop {
            if cols.len() == n {
                found += 1;
                yield_!(cols.clone());
                if found == max { return; }
                next = cols.pop().unwrap() + 1;
                continue;
            }
            let row = cols.len();
            let mut placed = false;
            while next < n {
                let ok = cols.iter().enumerate().all(|(r, &c)| c != next && row - r != next.abs_diff(c));
                if ok { cols.push(next); next = 0; placed = true; break; }
                next += 1;
            }
            if !placed {
                match cols.pop() {
                    Some(c) => next = c + 1,
                    None => break,
                }
            }
        }
        log(format!("all {found}"));
    },
    run: queens(5, 4),
}

gen_differential! {
    /// k-combinations of indices advancing the rightmost index that can
    /// move, with `let else` ending the loop.
    name: combinatorics_k_combinations_let_else,
    items: {},
    gen: fn combos(n: usize, k: usize) -> impl Iterator<Item = Vec<usize>> {
        let mut idx: Vec<usize> = (0..k).collect();
        loop {
            yield_!(idx.clone());
            let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else {
                log("done");
                break;
            };
            idx[i] += 1;
            for j in i + 1..k { idx[j] = idx[j - 1] + 1; }
        }
    },
    run: combos(5, 3),
}

// ---------------------------------------------------------------------
// Iterator adapters generic over `I: Iterator`.
// ---------------------------------------------------------------------

gen_differential! {
    /// `chunks(n)` for any iterator: a buffer refilled between yields, the
    /// remainder yielded at the end.
    name: adapter_chunks_generic,
    items: {},
    gen: fn chunks[I: Iterator<Item = u32> + 'static](it: I, n: usize) -> impl Iterator<Item = Vec<u32>> {
        let mut buf = Vec::with_capacity(n);
        for x in it {
            buf.push(x);
            if buf.len() == n {
                yield_!(std::mem::replace(&mut buf, Vec::with_capacity(n)));
            }
        }
        if !buf.is_empty() { yield_!(buf); }
    },
    run: chunks((1..=8).filter(|x| x % 3 != 0), 2),
}

gen_differential! {
    /// `dedup` generic over `T: PartialEq + Clone`, the previous item in an
    /// `Option<T>` across yields, counts of runs logged.
    name: adapter_dedup_generic_option_prev,
    items: {},
    gen: fn dedup[T: PartialEq + Clone + std::fmt::Debug + 'static, I: Iterator<Item = T> + 'static](it: I) -> impl Iterator<Item = T> {
        let mut prev: Option<T> = None;
        let mut run = 0;
        for x in it {
            if prev.as_ref() == Some(&x) { run += 1; continue; }
            if let Some(p) = &prev { log(format!("{p:?} x{}", run + 1)); }
            run = 0;
            prev = Some(x.clone());
            yield_!(x);
        }
    },
    run: dedup(vec!["a", "a", "b", "c", "c", "c", "a"].into_iter()),
}

gen_differential! {
    /// Interleave two iterators until both end, a `bool` turn flag, and a
    /// `match` on the pair of `next()`s.
    name: adapter_interleave_two_generic,
    items: {},
    gen: fn interleave[A: Iterator<Item = String> + 'static, B: Iterator<Item = String> + 'static](a: A, b: B) -> impl Iterator<Item = String> {
        let (mut a, mut b) = (a.fuse(), b.fuse());
        let _d = D("interleave");
        loop {
            match (a.next(), b.next()) {
                (None, None) => break,
                (Some(x), None) => yield_!(x),
                (None, Some(y)) => yield_!(y),
                (Some(x), Some(y)) => { yield_!(x); yield_!(y); }
            }
        }
    },
    run: interleave(vec!["a1".to_string(), "a2".into(), "a3".into()].into_iter(), vec!["b1".to_string()].into_iter()),
}

gen_differential! {
    /// Merge of two sorted iterators with `Peekable`s held across yields.
    name: adapter_merge_sorted_peekables,
    items: {},
    gen: fn merge[T: Ord + std::fmt::Debug + 'static, A: Iterator<Item = T> + 'static, B: Iterator<Item = T> + 'static](a: A, b: B) -> impl Iterator<Item = T> {
        let mut a = a.peekable();
        let mut b = b.peekable();
        loop {
            let take_a = match (a.peek(), b.peek()) {
                (Some(x), Some(y)) => x <= y,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => return,
            };
            if take_a { yield_!(a.next().unwrap()); } else { yield_!(b.next().unwrap()); }
        }
    },
    run: merge(vec![1, 4, 4, 9].into_iter(), vec![2, 4, 10, 11].into_iter()),
}

gen_differential! {
    /// `group_by` with a key closure stored across yields, the current
    /// group's key and items kept in locals.
    name: adapter_group_by_key_closure,
    items: {},
    gen: fn group_by[T: Clone + std::fmt::Debug + 'static, K: PartialEq + std::fmt::Debug + 'static, I: Iterator<Item = T> + 'static, F: Fn(&T) -> K + 'static](it: I, key: F) -> impl Iterator<Item = String> {
        let mut cur: Option<(K, Vec<T>)> = None;
        for x in it {
            let k = key(&x);
            match &mut cur {
                Some((ck, items)) if *ck == k => items.push(x),
                _ => {
                    if let Some((ck, items)) = cur.take() {
                        yield_!(format!("{ck:?}: {items:?}"));
                    }
                    cur = Some((k, vec![x]));
                }
            }
        }
        if let Some((ck, items)) = cur { yield_!(format!("{ck:?}: {items:?}")); }
    },
    run: group_by(vec!["apple", "avocado", "banana", "blueberry", "cherry", "apricot"].into_iter(), |s: &&str| s.chars().next().unwrap()),
}

gen_differential! {
    /// `scan` with an `FnMut` accumulator closure and a stop on `None`.
    name: adapter_scan_fnmut_closure,
    items: {},
    gen: fn scan[I: Iterator<Item = i32> + 'static, F: FnMut(&mut i32, i32) -> Option<i32> + 'static](it: I, init: i32, f: F) -> impl Iterator<Item = i32> {
        let mut f = f;
        let mut st = init;
        for x in it {
            let Some(v) = f(&mut st, x) else { log(format!("stop at {x}")); return; };
            yield_!(v);
        }
        log(format!("state {st}"));
    },
    run: scan(vec![1, 2, 3, -100, 5].into_iter(), 10, |s: &mut i32, x: i32| { *s += x; if *s < 0 { None } else { Some(*s * 2) } }),
}

gen_differential! {
    /// `take_while` with a predicate closure that owns a dropper, stored
    /// across yields and dropped with the generator.
    name: adapter_take_while_closure_with_dropper,
    items: {},
    gen: fn take_while[I: Iterator<Item = u32> + 'static, P: Fn(&u32) -> bool + 'static](it: I, p: P) -> impl Iterator<Item = u32> {
        let _tw = D("take_while");
        for x in it {
            if !p(&x) { log(format!("rejected {x}")); break; }
            yield_!(x);
        }
    },
    run: {
        let guard = D("pred");
        take_while(vec![2, 4, 6, 7, 8].into_iter(), move |x: &u32| { let _ = &guard; x % 2 == 0 })
    },
}

// ---------------------------------------------------------------------
// Streams that await between yields.
// ---------------------------------------------------------------------

gen_differential! {
    /// Cursor pagination: each page fetched with an await, its items
    /// yielded, the cursor from the page, an error item ending the stream.
    name: stream_cursor_pagination,
    items: {
        pub struct Page { pub items: Vec<u32>, pub next: Option<u32>, pub _d: D }
        pub async fn fetch(cursor: u32) -> Result<Page, String> {
            pend(cursor % 2 + 1, ()).await;
            match cursor {
                0 => Ok(Page { items: vec![1, 2], next: Some(5), _d: D("page0") }),
                5 => Ok(Page { items: vec![], next: Some(9), _d: D("page5") }),
                9 => Ok(Page { items: vec![3], next: Some(12), _d: D("page9") }),
                c => Err(format!("cursor {c} gone")),
            }
        }
    },
    gen: fn all(start: u32) -> impl Stream<Item = Result<u32, String>> {
        let _client = D("client");
        let mut cursor = Some(start);
        while let Some(c) = cursor {
            let page = match fetch(c).await {
                Ok(p) => p,
                Err(e) => { yield_!(Err(e)); return; }
            };
            for &x in &page.items {
                yield_!(Ok(x));
            }
            cursor = page.next;
        }
    },
    run: all(0),
}

gen_differential! {
    /// Retry with backoff before each yield: an attempt counter, a backoff
    /// await that grows, a dropper per attempt, give-up as an item.
    name: stream_retry_backoff_then_yield,
    items: {
        pub async fn attempt(job: u32, n: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if n < job % 3 { Err(format!("job {job} try {n}")) } else { Ok(job * 10 + n) }
        }
    },
    gen: fn run_jobs(jobs: Vec<u32>, max: u32) -> impl Stream<Item = String> {
        let _pool = D("pool");
        'jobs: for job in jobs {
            let mut n = 0;
            loop {
                let _a = D("attempt");
                match attempt(job, n).await {
                    Ok(v) => { yield_!(format!("ok {v}")); continue 'jobs; }
                    Err(e) if n + 1 < max => {
                        yield_!(format!("retry after {e}"));
                        pend(n + 1, ()).await;
                        n += 1;
                    }
                    Err(e) => { yield_!(format!("give up: {e}")); break 'jobs; }
                }
            }
        }
        log("pool done");
    },
    run: run_jobs(vec![3, 4, 2, 5], 2),
}

gen_differential! {
    /// Rate-limited batches: a token bucket refilled by awaiting a tick,
    /// each batch yielded as a `Vec`, a `VecDeque` of pending work.
    name: stream_rate_limited_batches,
    items: {
        pub async fn tick(n: u32) -> u32 { pend(1, n).await }
    },
    gen: fn batches(work: Vec<&'static str>, per_tick: usize) -> impl Stream<Item = Vec<&'static str>> {
        let mut q: VecDeque<_> = work.into_iter().collect();
        let mut tokens = per_tick;
        let mut t = 0;
        let _limiter = D("limiter");
        while !q.is_empty() {
            if tokens == 0 {
                t = tick(t + 1).await;
                tokens = per_tick;
                log(format!("refill {t}"));
            }
            let n = tokens.min(q.len());
            tokens -= n;
            let batch: Vec<_> = q.drain(..n).collect();
            yield_!(batch);
        }
    },
    run: batches(vec!["a", "b", "c", "d", "e"], 2),
}

gen_differential! {
    /// Merging two async sources: both polled in turn by awaiting their
    /// next items, `Option`s held across yields, tagged items.
    name: stream_merge_two_async_sources,
    items: {
        pub struct Src { pub name: &'static str, pub items: VecDeque<u32>, pub delay: u32, pub _d: D }
        impl Src {
            pub async fn next(&mut self) -> Option<u32> {
                pend(self.delay, ()).await;
                self.items.pop_front()
            }
        }
    },
    gen: fn merged(a: Src, b: Src) -> impl Stream<Item = (&'static str, u32)> {
        let (mut a, mut b) = (a, b);
        let (mut a_done, mut b_done) = (false, false);
        while !(a_done && b_done) {
            if !a_done {
                match a.next().await {
                    Some(x) => yield_!((a.name, x)),
                    None => { a_done = true; log("a done"); }
                }
            }
            if !b_done {
                if let Some(x) = b.next().await { yield_!((b.name, x)); } else { b_done = true; log("b done"); }
            }
        }
    },
    run: merged(
        Src { name: "a", items: VecDeque::from([1, 2, 3]), delay: 1, _d: D("srcA") },
        Src { name: "b", items: VecDeque::from([10]), delay: 2, _d: D("srcB") },
    ),
}

gen_differential! {
    /// A streaming tokenizer over chunks that arrive by await: a carry
    /// buffer of a partial word kept across awaits and yields.
    name: stream_tokenizer_over_async_chunks,
    items: {
        pub async fn chunk(chunks: &[&'static str], i: usize) -> Option<&'static str> {
            pend(1, ()).await;
            chunks.get(i).copied()
        }
    },
    gen: fn words(chunks: Vec<&'static str>) -> impl Stream<Item = String> {
        let mut carry = String::new();
        let mut i = 0;
        while let Some(c) = chunk(&chunks, i).await {
            i += 1;
            for ch in c.chars() {
                if ch == ' ' {
                    if !carry.is_empty() { yield_!(std::mem::take(&mut carry)); }
                } else {
                    carry.push(ch);
                }
            }
        }
        if !carry.is_empty() { yield_!(carry); }
    },
    run: words(vec!["he", "llo wo", "rld  ", "x"]),
}

gen_differential! {
    /// A stream that panics after an await with a fetched value and two
    /// droppers live.
    name: stream_panics_after_await_droppers,
    items: {},
    gen: fn checked(xs: Vec<u32>) -> impl Stream<Item = u32> {
        let _outer = D("outer");
        for x in xs {
            let _item = D("item");
            let v = pend(1, x * 2).await;
            if v > 10 { panic!("too big: {v}"); }
            yield_!(v);
        }
    },
    run: checked(vec![1, 3, 7, 2]),
}

gen_differential! {
    /// A stream with a long body: awaits and yields alternating across
    /// phases, a `match` on an awaited result with guards.
    name: stream_long_handshake,
    items: {
        pub async fn rtt(k: u32) -> u32 { pend(k % 2, k * 7 % 5).await }
    },
    gen: fn handshake(rounds: u32) -> impl Stream<Item = String> {
        let _sock = D("sock");
        yield_!("syn".into());
        let a = rtt(1).await;
        yield_!(format!("syn-ack {a}"));
        let _est = D("established");
        for r in 0..rounds {
            match rtt(r).await {
                0 => yield_!(format!("r{r} instant")),
                v if v > 2 => { yield_!(format!("r{r} slow {v}")); pend(1, ()).await; yield_!(format!("r{r} recovered")); }
                v => yield_!(format!("r{r} {v}")),
            }
        }
        let _fin = D("fin");
        yield_!("fin".into());
        pend(2, ()).await;
        yield_!("closed".into());
    },
    run: handshake(4),
}

// ---------------------------------------------------------------------
// Method generators.
// ---------------------------------------------------------------------

gen_differential! {
    /// A `&self` generator walking an arena stored in a static, yielding
    /// the path to each leaf as a `String` built from borrowed names.
    name: method_ref_self_arena_paths,
    items: {
        pub struct Fs { pub names: [&'static str; 6], pub parent: [usize; 6], pub leaf: [bool; 6] }
        pub static FS: Fs = Fs {
            names: ["", "usr", "bin", "ls", "etc", "hosts"],
            parent: [0, 0, 1, 2, 0, 4],
            leaf: [false, false, false, true, false, true],
        };
    },
    gen: impl Fs {
        fn leaves(&self, sep: char) -> impl Iterator<Item = String> {
            let _w = D("walker");
            for i in 0..self.names.len() {
                if !self.leaf[i] { continue; }
                let mut parts = vec![self.names[i]];
                let mut p = self.parent[i];
                while p != 0 {
                    parts.push(self.names[p]);
                    p = self.parent[p];
                }
                parts.reverse();
                let s: String = parts.iter().flat_map(|n| std::iter::once(sep).chain(n.chars())).collect();
                yield_!(s);
            }
        }
    },
    run: FS.leaves('/'),
}

gen_differential! {
    /// A `self` generator on an inventory with droppers in its fields,
    /// `match` with guards on each entry, the owner dropped with the
    /// generator.
    name: method_self_inventory_guards,
    items: {
        pub struct Inv { pub items: Vec<(&'static str, u32)>, pub _d: D, pub low: u32 }
    },
    gen: impl Inv {
        fn report(self, tag: &'static str) -> impl Iterator<Item = String> {
            let _r = D("report");
            for &(name, n) in &self.items {
                match n {
                    0 => yield_!(format!("{tag}: {name} out")),
                    n if n < self.low => { yield_!(format!("{tag}: {name} low {n}")); log("reorder"); }
                    n if n > 100 => yield_!(format!("{tag}: {name} plenty")),
                    _ => {}
                }
            }
            yield_!(format!("{tag}: {} items", self.items.len()));
        }
    },
    run: Inv { items: vec![("nut", 0), ("bolt", 3), ("gear", 500), ("pin", 20)], _d: D("inv"), low: 5 }.report("w1"),
}

gen_differential! {
    /// A `self` stream over a job queue owned by the struct, an await per
    /// job, and `Rc<RefCell<..>>` shared stats mutated between yields.
    name: method_self_stream_rc_stats,
    items: {
        pub struct Runner { pub jobs: Vec<u32>, pub stats: Rc<RefCell<Vec<String>>>, pub _d: D }
    },
    gen: impl Runner {
        fn run(self) -> impl Stream<Item = u32> {
            for j in self.jobs.iter().copied() {
                let r = pend(j % 2, j * j).await;
                self.stats.borrow_mut().push(format!("job {j}"));
                yield_!(r);
                log(format!("stats {}", self.stats.borrow().len()));
            }
        }
    },
    run: Runner { jobs: vec![1, 2, 3], stats: Rc::new(RefCell::new(Vec::new())), _d: D("runner") }.run(),
}

// ---------------------------------------------------------------------
// Control flow around yields.
// ---------------------------------------------------------------------

gen_differential! {
    /// Yields inside `match` arms with guards that call functions and bind
    /// with `@`, some arms yielding twice.
    name: match_guards_binding_at_double_yields,
    items: {
        pub fn is_prime(n: u32) -> bool { n > 1 && (2..n).all(|d| n % d != 0) }
    },
    gen: fn classify(xs: Vec<u32>) -> impl Iterator<Item = String> {
        for x in xs {
            let _x = D("x");
            match x {
                0 => yield_!("zero".into()),
                p @ 2..=50 if is_prime(p) => { yield_!(format!("prime {p}")); yield_!(format!("after {p}")); }
                e if e % 2 == 0 => yield_!(format!("even {e}")),
                big @ 51.. => { log("big"); yield_!(format!("big {big}")); }
                o => yield_!(format!("odd {o}")),
            }
        }
    },
    run: classify(vec![0, 7, 8, 9, 53, 54, 1]),
}

gen_differential! {
    /// Labelled loops: `break 'outer` right after a yield, `continue
    /// 'outer` after another, droppers in both loops.
    name: labelled_break_continue_after_yield,
    items: {},
    gen: fn scan(rows: Vec<Vec<i32>>) -> impl Iterator<Item = (usize, i32)> {
        let _scan = D("scan");
        'outer: for (r, row) in rows.iter().enumerate() {
            let _row = D("row");
            for &v in row {
                let _v = D("v");
                if v < 0 {
                    yield_!((r, v));
                    continue 'outer;
                }
                if v == 0 {
                    yield_!((r, 0));
                    break 'outer;
                }
                yield_!((r, v));
            }
            log("row done");
        }
        log("scan done");
    },
    run: scan(vec![vec![1, 2], vec![3, -1, 4], vec![5, 0, 6], vec![7]]),
}

gen_differential! {
    /// `if let .. else if let .. else` chains with yields in each branch,
    /// over a `HashMap` lookup and a parse.
    name: if_let_else_if_let_chain,
    items: {},
    gen: fn resolve(keys: Vec<&'static str>, env: HashMap<&'static str, &'static str>) -> impl Iterator<Item = String> {
        for k in keys {
            if let Some(v) = env.get(k) {
                yield_!(format!("{k}={v}"));
            } else if let Ok(n) = k.parse::<i32>() {
                let _n = D("num");
                yield_!(format!("literal {n}"));
            } else if let Some(rest) = k.strip_prefix('$') {
                yield_!(format!("unset {rest}"));
                yield_!("warned".into());
            } else {
                yield_!(format!("unknown {k}"));
            }
        }
    },
    run: resolve(vec!["home", "42", "$user", "zz"], HashMap::from([("home", "/root")])),
}

gen_differential! {
    /// `let else` with yields in the `else` before `continue` and `return`,
    /// and a dropper that the `else` path leaves live.
    name: let_else_yield_then_diverge,
    items: {},
    gen: fn pairs(lines: Vec<&'static str>) -> impl Iterator<Item = Result<(String, u32), String>> {
        let _p = D("parser");
        for l in lines {
            let _l = D("line");
            let Some((k, v)) = l.split_once('=') else {
                yield_!(Err(format!("no '=' in {l:?}")));
                continue;
            };
            let Ok(n) = v.parse::<u32>() else {
                let _bad = D("bad");
                yield_!(Err(format!("bad number {v:?}")));
                return;
            };
            yield_!(Ok((k.to_uppercase(), n)));
        }
    },
    run: pairs(vec!["a=1", "b", "c=3", "d=x", "e=5"]),
}

gen_differential! {
    /// `Cell` counters mutated between yields and read in the items,
    /// shared with a closure kept across yields.
    name: cell_counter_shared_with_closure,
    items: {},
    gen: fn counted(xs: Vec<u32>) -> impl Iterator<Item = (u32, u32)> {
        let hits = Cell::new(0u32);
        let bump = |by: u32| hits.set(hits.get() + by);
        for x in xs {
            bump(1);
            if x % 2 == 0 { bump(10); }
            yield_!((x, hits.get()));
        }
        log(format!("hits {}", hits.get()));
    },
    run: counted(vec![1, 2, 3, 4]),
}

gen_differential! {
    /// `Rc<RefCell<Vec<_>>>` shared by the caller and the generator: the
    /// generator pushes between yields, a `Ref` taken and dropped in one
    /// statement, a clone of the `Rc` kept across yields.
    name: rc_refcell_shared_log_between_yields,
    items: {},
    gen: fn worker(shared: Rc<RefCell<Vec<u32>>>, n: u32) -> impl Iterator<Item = usize> {
        let mine = Rc::clone(&shared);
        for i in 0..n {
            mine.borrow_mut().push(i);
            yield_!(shared.borrow().len());
            if Rc::strong_count(&shared) > 1 { log(format!("shared {}", Rc::strong_count(&shared))); }
        }
        drop(mine);
        yield_!(Rc::strong_count(&shared));
    },
    run: worker(Rc::new(RefCell::new(vec![7])), 3),
}

gen_differential! {
    /// Yields of `Option`s and tuples of `String`s sliced from borrowed
    /// data, `None` items in between.
    name: yields_options_and_tuples_from_borrowed,
    items: {},
    gen: fn fields(rows: &'static [&'static str]) -> impl Iterator<Item = Option<(String, String)>> {
        for row in rows {
            let mut parts = row.splitn(2, ':');
            match (parts.next(), parts.next()) {
                (Some(a), Some(b)) => yield_!(Some((a.trim().to_string(), b.trim().to_string()))),
                (Some(a), None) if !a.is_empty() => yield_!(Some((a.to_string(), String::new()))),
                _ => yield_!(None),
            }
        }
    },
    run: fields(&["name: ann", "flag", "", "k: v: w"]),
}

gen_differential! {
    /// A `loop` whose value comes from `break` after several yields, the
    /// value used by more yields.
    name: loop_break_value_after_yields,
    items: {},
    gen: fn search(xs: Vec<i32>, target: i32) -> impl Iterator<Item = String> {
        let mut it = xs.iter().enumerate();
        let found = loop {
            let Some((i, &x)) = it.next() else { break None };
            let _probe = D("probe");
            yield_!(format!("probe {i}"));
            if x == target { break Some(i); }
            if x > target { yield_!("passed".into()); break None; }
        };
        match found {
            Some(i) => { yield_!(format!("found at {i}")); yield_!(format!("rest {}", it.count())); }
            None => yield_!("absent".into()),
        }
    },
    run: search(vec![1, 3, 5, 7, 9], 5),
}

gen_differential! {
    /// Shadowing across yields: the same name rebound to values of other
    /// types, droppers shadowed (the old value lives on).
    name: shadowing_across_yields_droppers,
    items: {},
    gen: fn steps(s: &'static str) -> impl Iterator<Item = String> {
        let d = D("first");
        let x = s;
        yield_!(x.to_string());
        let d = D("second");
        let x = x.len();
        yield_!(x.to_string());
        let x = vec![x; 2];
        yield_!(format!("{x:?}"));
        {
            let d = D("inner");
            let x = x.iter().sum::<usize>();
            yield_!(x.to_string());
        }
        yield_!(format!("{}", x.len()));
    },
    run: steps("hello"),
}

// ---------------------------------------------------------------------
// Borrows and temporaries held across yields.
// ---------------------------------------------------------------------

gen_differential! {
    /// A lexer that yields through the `&char` that `peek()` returns and
    /// advances after the yield (the borrow is dead by then).
    name: peek_ref_yielded_then_advance,
    items: {},
    gen: fn digits(src: &'static str) -> impl Iterator<Item = char> {
        let mut it = src.chars().peekable();
        while let Some(c) = it.peek() {
            if c.is_ascii_digit() {
                yield_!(*c);
            } else {
                log(format!("skip {c}"));
            }
            it.next();
        }
    },
    run: digits("a1b23"),
}

gen_differential! {
    /// An iterative DFS with a child index per frame: `last_mut()` bound to
    /// `(node, i)`, the index bumped, a yield, then a push onto the stack
    /// (the `&mut` frame is dead at the yield).
    name: dfs_last_mut_frame_push_after_yield,
    items: {},
    gen: fn dfs(kids: Vec<Vec<usize>>) -> impl Iterator<Item = (usize, usize)> {
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        yield_!((0, 0));
        while let Some((node, i)) = stack.last_mut() {
            if *i < kids[*node].len() {
                let k = kids[*node][*i];
                *i += 1;
                let depth = stack.len();
                yield_!((k, depth));
                stack.push((k, 0));
            } else {
                stack.pop();
            }
        }
    },
    run: dfs(vec![vec![1, 2], vec![3], vec![], vec![]]),
}

gen_differential! {
    /// `iter_mut()` held across yields: each element yielded, then bumped
    /// through the `&mut` after the yield; the vector read at the end.
    name: iter_mut_bump_after_yield,
    items: {},
    gen: fn bump(v: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut v = v;
        let _d = D("v");
        for x in v.iter_mut() {
            yield_!(*x);
            *x += 100;
        }
        yield_!(v.iter().sum());
    },
    run: bump(vec![1, 2, 3]),
}

gen_differential! {
    /// A `Ref` guard as the `for` iterable (a temporary kept for the whole
    /// loop) over a tree of `Rc<RefCell<Node>>`, children's guards taken
    /// inside the loop across yields.
    name: rc_refcell_tree_guard_iterable_across_yields,
    items: {
        pub struct Node { pub v: u32, pub kids: Vec<Rc<RefCell<Node>>> }
        pub fn node(v: u32, kids: Vec<Rc<RefCell<Node>>>) -> Rc<RefCell<Node>> { Rc::new(RefCell::new(Node { v, kids })) }
    },
    gen: fn children(root: Rc<RefCell<Node>>) -> impl Iterator<Item = u32> {
        yield_!(root.borrow().v);
        for k in root.borrow().kids.iter() {
            yield_!(k.borrow().v);
            for g in k.borrow().kids.iter() {
                yield_!(g.borrow().v * 10);
            }
        }
        root.borrow_mut().v = 0;
        yield_!(root.borrow().v);
    },
    run: children(node(1, vec![node(2, vec![node(4, vec![])]), node(3, vec![])])),
}

gen_differential! {
    /// A memoising cache in a local `HashMap`: one arm yields through the
    /// value `get` borrowed and uses it again after the yield, the other
    /// inserts.
    name: cache_get_arm_borrow_across_yield_other_arm_inserts,
    items: {},
    gen: fn memo(keys: Vec<u32>) -> impl Iterator<Item = String> {
        let mut cache: HashMap<u32, String> = HashMap::new();
        for k in keys {
            match cache.get(&k) {
                Some(v) => {
                    yield_!(format!("hit {v}"));
                    log(format!("reused {v}"));
                }
                None => {
                    cache.insert(k, format!("v{}", k * k));
                    yield_!(format!("miss {k}"));
                }
            }
        }
    },
    run: memo(vec![1, 2, 1, 3, 2]),
}

gen_differential! {
    /// Workaround for the arm borrow: the value cloned out before the
    /// yield, so nothing borrowed from the cache is kept.
    name: cache_get_cloned_before_yield,
    items: {},
    gen: fn memo(keys: Vec<u32>) -> impl Iterator<Item = String> {
        let mut cache: HashMap<u32, String> = HashMap::new();
        for k in keys {
            if let Some(v) = cache.get(&k).cloned() {
                yield_!(format!("hit {v}"));
                log(format!("reused {v}"));
            } else {
                cache.insert(k, format!("v{}", k * k));
                yield_!(format!("miss {k}"));
            }
        }
    },
    run: memo(vec![1, 2, 1, 3, 2]),
}

gen_differential! {
    /// A state machine over an enum matched by `&mut`: a `ref mut`-like
    /// binding into the state bumped after a yield, then the state
    /// replaced after the `match`.
    name: state_enum_matched_by_mut_ref_across_yield,
    items: {
        #[derive(Debug)]
        pub enum St { Counting { n: u32, name: String }, Done(String) }
    },
    gen: fn machine(limit: u32) -> impl Iterator<Item = String> {
        let mut st = St::Counting { n: 0, name: "c".into() };
        loop {
            let next = match &mut st {
                St::Counting { n, name } => {
                    yield_!(format!("{name}{n}"));
                    *n += 1;
                    name.push('+');
                    if *n == limit { Some(St::Done(std::mem::take(name))) } else { None }
                }
                St::Done(s) => {
                    yield_!(format!("done {s}"));
                    break;
                }
            };
            if let Some(s) = next { st = s; }
        }
    },
    run: machine(3),
}

gen_differential! {
    /// An array of droppers consumed by a `for` loop across yields: the
    /// elements not reached yet are dropped with the generator.
    name: array_of_droppers_into_iter_across_yields,
    items: {},
    gen: fn each() -> impl Iterator<Item = &'static str> {
        let ds = [D("x"), D("y"), D("z")];
        let _before = D("before");
        for d in ds {
            yield_!(d.0);
            log(format!("used {}", d.0));
        }
        yield_!("end");
    },
    run: each(),
}

gen_differential! {
    /// `Option<D>` taken between yields, `if let Some(d) = slot.take()`
    /// dropping it in the middle of the body.
    name: option_dropper_taken_between_yields,
    items: {},
    gen: fn slots(n: u32) -> impl Iterator<Item = u32> {
        let mut slot = Some(D("slot"));
        let mut other: Option<D> = None;
        for i in 0..n {
            yield_!(i);
            if i == 1 {
                if let Some(d) = slot.take() { log(format!("took {}", d.0)); }
                other = Some(D("other"));
            }
            yield_!(i + 10);
        }
    },
    run: slots(3),
}

gen_differential! {
    /// Edition 2024 `if let` temporaries: a dropper temporary in the
    /// scrutinee lives through the `then` block's yields and is gone in the
    /// `else` block.
    name: if_let_scrutinee_temporary_across_then_yields,
    items: {
        pub fn look(_t: &D, k: u32) -> Option<u32> { if k % 2 == 0 { Some(k / 2) } else { None } }
    },
    gen: fn halves(ks: Vec<u32>) -> impl Iterator<Item = u32> {
        for k in ks {
            if let Some(h) = look(&D("tmp"), k) {
                yield_!(h);
                yield_!(h + 100);
            } else {
                yield_!(k);
            }
        }
    },
    run: halves(vec![4, 3, 6]),
}

gen_differential! {
    /// A block whose value comes after a yield, a dropper declared in the
    /// block and dropped at its end, used as a `let` initializer in a
    /// loop with a second yield.
    name: let_block_value_after_yield_in_loop,
    items: {},
    gen: fn sizes(words: Vec<&'static str>) -> impl Iterator<Item = usize> {
        for w in words {
            let n = {
                let _t = D("t");
                yield_!(0);
                w.len()
            };
            let m = if n > 2 { yield_!(n); n * 2 } else { n };
            yield_!(m);
        }
    },
    run: sizes(vec!["ab", "abcd"]),
}

// ---------------------------------------------------------------------
// Closures, nested functions and recursion inside generators.
// ---------------------------------------------------------------------

gen_differential! {
    /// `return` and `?` inside closures and a nested `fn` in a generator
    /// body: they leave the closure or the function, not the generator.
    name: return_and_question_mark_inside_closures,
    items: {},
    gen: fn parse_all(xs: Vec<&'static str>) -> impl Iterator<Item = Result<u32, String>> {
        fn clamp(x: u32) -> u32 {
            if x > 50 { return 50; }
            x
        }
        let parse = |s: &str| -> Result<u32, String> {
            let n: u32 = s.trim().parse().map_err(|e| format!("{s}: {e}"))?;
            if n == 0 { return Err("zero".into()); }
            Ok(clamp(n))
        };
        let first_digit = |s: &str| {
            for c in s.chars() {
                if c.is_ascii_digit() { return Some(c); }
            }
            None
        };
        for x in xs {
            yield_!(parse(x));
            if let Some(c) = first_digit(x) { log(format!("digit {c}")); }
        }
        yield_!(Ok(0));
    },
    run: parse_all(vec!["7", "x", "0", "99"]),
}

known_gap! {
    reason: "(partial-move family, fails to compile, E0382 use of partially moved value: `tree`) `for k in tree.kids { .. yield_!(..) .. }` after `tree.v` was read: the loop moves `tree.kids` while `tree` is kept whole across the yields; workaround below, destructure first",
    gen_differential! {
        /// A recursive tree walk: each child's walk is the same generator,
        /// boxed as `Box<dyn Iterator>` and drained with yields.
        name: recursive_generator_boxed_children,
        items: {
            pub struct T { pub v: u32, pub kids: Vec<T>, }
            pub fn t(v: u32, kids: Vec<T>) -> T { T { v, kids } }
        },
        gen: fn walk(tree: T, depth: u32) -> impl Iterator<Item = (u32, u32)> {
            let _frame = D("frame");
            yield_!((depth, tree.v));
            for k in tree.kids {
                let sub: Box<dyn Iterator<Item = (u32, u32)>> = Box::new(walk(k, depth + 1));
                for x in sub {
                    yield_!(x);
                }
            }
        },
        run: walk(t(1, vec![t(2, vec![t(4, vec![])]), t(3, vec![])]), 0),
    }
}

gen_differential! {
    /// A recursive tree walk: each child's walk is the same generator,
    /// boxed as `Box<dyn Iterator>` and drained with yields; the tree
    /// destructured first (the workaround for the partial move).
    name: recursive_generator_boxed_children_destructured,
    items: {
        pub struct T { pub v: u32, pub kids: Vec<T>, }
        pub fn t(v: u32, kids: Vec<T>) -> T { T { v, kids } }
    },
    gen: fn walk(tree: T, depth: u32) -> impl Iterator<Item = (u32, u32)> {
        let _frame = D("frame");
        let T { v, kids } = tree;
        yield_!((depth, v));
        for k in kids {
            let sub: Box<dyn Iterator<Item = (u32, u32)>> = Box::new(walk(k, depth + 1));
            for x in sub {
                yield_!(x);
            }
        }
    },
    run: walk(t(1, vec![t(2, vec![t(4, vec![])]), t(3, vec![])]), 0),
}

gen_differential! {
    /// A generator draining another generator written in the same module,
    /// both with droppers, the inner one dropped early by a `break`.
    name: generator_draining_inner_generator,
    items: {},
    gen: fn outer(n: u32) -> impl Iterator<Item = u32> {
        let _o = D("outer");
        for round in 0..2 {
            let inner = (0..n).map(move |i| i + round * 10);
            let mut inner = inner.peekable();
            while let Some(x) = inner.next() {
                if inner.peek().is_none() { log("last"); }
                yield_!(x);
                if x == 11 { break; }
            }
        }
    },
    run: outer(3),
}

gen_differential! {
    /// An `impl Iterator` argument and an `impl Fn` argument, a running
    /// window kept in a `VecDeque` across yields.
    name: impl_trait_args_moving_average,
    items: {},
    gen: fn averages(xs: impl Iterator<Item = u32> + 'static, w: usize, fmt: impl Fn(f64) -> String + 'static) -> impl Iterator<Item = String> {
        let mut win = VecDeque::new();
        let mut sum = 0u32;
        for x in xs {
            win.push_back(x);
            sum += x;
            if win.len() > w { sum -= win.pop_front().unwrap(); }
            if win.len() == w { yield_!(fmt(sum as f64 / w as f64)); }
        }
    },
    run: averages(vec![1, 2, 3, 4, 10].into_iter(), 3, |v| format!("{v:.2}")),
}

gen_differential! {
    /// A generic adapter yielding `I::Item` (an associated-type item) with
    /// a const-generic window size, windows as arrays.
    name: const_generic_windows_assoc_item,
    items: {},
    gen: fn windows[const N: usize, I: Iterator<Item: Copy + Default + std::fmt::Debug + 'static> + 'static](it: I) -> impl Iterator<Item = [I::Item; N]> {
        let mut buf = [I::Item::default(); N];
        let mut filled = 0;
        for x in it {
            if filled < N { buf[filled] = x; filled += 1; } else { buf.rotate_left(1); buf[N - 1] = x; }
            if filled == N { yield_!(buf); }
        }
    },
    run: windows::<3, _>(1..=5u8),
}

gen_differential! {
    /// A stream adapter over another stream pinned with `pin!`, its items
    /// taken with `StreamExt::next` across yields.
    name: stream_adapter_pin_macro_inner_stream,
    items: {
        pub fn source(n: u32) -> impl Stream<Item = u32> {
            futures::stream::iter(0..n).then(|x| async move { pend(1, x).await })
        }
        use futures::StreamExt;
    },
    gen: fn doubled[S: Stream<Item = u32> + 'static](s: S) -> impl Stream<Item = u32> {
        let _a = D("adapter");
        let mut s = std::pin::pin!(s);
        while let Some(x) = s.next().await {
            yield_!(x * 2);
        }
    },
    run: doubled(source(3)),
}

gen_differential! {
    /// The same adapter with the inner stream boxed and pinned
    /// (`Box::pin`), a dropper per item and a filter.
    name: stream_adapter_box_pin_inner_stream,
    items: {
        pub fn source(n: u32) -> impl Stream<Item = u32> {
            futures::stream::iter(0..n).then(|x| async move { pend(x % 2, x).await })
        }
        use futures::StreamExt;
    },
    gen: fn odd_only[S: Stream<Item = u32> + 'static](s: S) -> impl Stream<Item = String> {
        let mut s = Box::pin(s);
        while let Some(x) = s.next().await {
            let _it = D("item");
            if x % 2 == 0 { continue; }
            yield_!(format!("odd {x}"));
        }
    },
    run: odd_only(source(5)),
}

// ---------------------------------------------------------------------
// Temporaries in yielded expressions, yields in expression position,
// locals typed after a yield.
// ---------------------------------------------------------------------

gen_differential! {
    /// Temporaries inside the yielded expression (a dropper, a `Ref`
    /// guard) live to the end of the statement, across the suspension.
    name: yield_expression_temporaries_live_across_suspension,
    items: {
        pub fn mk(name: &'static str) -> D { log(format!("make {name}")); D(name) }
    },
    gen: fn temps(cells: Rc<RefCell<Vec<u32>>>) -> impl Iterator<Item = usize> {
        yield_!(mk("t1").0.len());
        yield_!(cells.borrow().len());
        cells.borrow_mut().push(9);
        for i in 0..2 {
            yield_!(format!("{}{i}", mk("t2").0).len() + cells.borrow().len());
        }
        let _l = D("local");
        yield_!(std::mem::size_of_val(&mk("t3")));
    },
    run: temps(Rc::new(RefCell::new(vec![1, 2]))),
}

gen_differential! {
    /// A yield in a `match` arm without braces whose value borrows a
    /// dropper temporary, beside an arm that yields a literal.
    name: yield_arm_expression_borrowing_temporary,
    items: {
        pub fn lookup(_t: &D, k: u32) -> u32 { k * 3 }
    },
    gen: fn arms(ks: Vec<Option<u32>>) -> impl Iterator<Item = u32> {
        for k in ks {
            match k {
                Some(k) if k > 1 => yield_!(lookup(&D("t"), k)),
                Some(k) => yield_!(k),
                None => yield_!(0),
            }
            log("after match");
        }
    },
    run: arms(vec![Some(2), None, Some(1), Some(5)]),
}

gen_differential! {
    /// A do-while loop written `while { body; cond } {}` with yields in
    /// the condition block.
    name: do_while_yields_in_condition_block,
    items: {},
    gen: fn retries(max: u32) -> impl Iterator<Item = u32> {
        let mut n = 0;
        let _r = D("retry");
        while {
            let _try = D("try");
            yield_!(n);
            n += 1;
            n < max
        } {}
        yield_!(100 + n);
    },
    run: retries(3),
}

gen_differential! {
    /// Yields inside operands: a tuple with a yield in the middle, a
    /// `push` whose argument yields first, a call argument block.
    name: yields_inside_operands,
    items: {
        pub fn pair(a: u32, b: u32) -> u32 { log(format!("pair {a} {b}")); a + b }
    },
    gen: fn ops(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        let mut out = Vec::new();
        for x in xs {
            let t = (x, { yield_!(x); x * 2 }, D("tuple"));
            out.push({ yield_!(t.1); t.0 + t.1 });
            let s = pair(x, { let _b = D("arg"); yield_!(x + 1000); 7 });
            log(format!("s {s}"));
        }
        yield_!(out.iter().sum());
    },
    run: ops(vec![1, 2]),
}

gen_differential! {
    /// A labelled block whose `break 'blk value` comes after a yield, in a
    /// loop, the value used by the next yield.
    name: labelled_block_break_value_after_yield,
    items: {},
    gen: fn pick(xs: Vec<i32>) -> impl Iterator<Item = i32> {
        for x in xs {
            let v = 'blk: {
                let _b = D("blk");
                if x < 0 {
                    yield_!(-1);
                    break 'blk -x;
                }
                if x == 0 { break 'blk 0; }
                yield_!(1);
                x * 10
            };
            yield_!(v);
        }
    },
    run: pick(vec![3, -4, 0]),
}

gen_differential! {
    /// Locals typed only after a yield: `Vec::new()` fixed by a later
    /// `push`, `None` fixed by a later `Some`, `HashMap::new()` by `entry`.
    name: locals_typed_after_yield_in_loop,
    items: {},
    gen: fn stats(words: Vec<&'static str>) -> impl Iterator<Item = String> {
        let mut seen = Vec::new();
        let mut longest = None;
        let mut counts = HashMap::new();
        for w in words {
            yield_!(format!("{w} after {}", seen.len()));
            seen.push(w.len());
            if longest.is_none_or(|l: &str| w.len() > l.len()) { longest = Some(w); }
            *counts.entry(w.len()).or_insert(0u32) += 1;
        }
        yield_!(format!("longest {longest:?}"));
        let mut cs: Vec<_> = counts.into_iter().collect();
        cs.sort();
        yield_!(format!("{cs:?}"));
    },
    run: stats(vec!["a", "bbb", "cc", "ddd"]),
}

gen_differential! {
    /// Items typed only by the item type: `Default::default()`, `.into()`,
    /// `.parse().unwrap()`, `.collect()`, `From::from` in several arms.
    name: yields_inferred_from_item_type,
    items: {},
    gen: fn vals(xs: Vec<&'static str>) -> impl Iterator<Item = Vec<u8>> {
        yield_!(Default::default());
        for x in xs {
            match x.len() {
                0 => yield_!(Default::default()),
                1 => yield_!(x.into()),
                2 => yield_!(x.bytes().rev().collect()),
                _ => { yield_!(From::from(&x[..1])); yield_!(x.as_bytes().to_owned()); }
            }
        }
    },
    run: vals(vec!["", "a", "bc", "def"]),
}

gen_differential! {
    /// A local declared without a value, assigned in branches that yield
    /// before assigning, read after.
    name: deferred_init_assigned_after_yield_in_branches,
    items: {},
    gen: fn modes(xs: Vec<u32>) -> impl Iterator<Item = String> {
        for x in xs {
            let label: String;
            let _d = D("d");
            if x % 3 == 0 {
                yield_!("fizz?".into());
                label = "fizz".into();
            } else if x % 5 == 0 {
                label = "buzz".into();
                yield_!("buzz!".into());
            } else {
                yield_!(x.to_string());
                continue;
            }
            yield_!(label);
        }
    },
    run: modes(vec![3, 5, 7, 9]),
}

gen_differential! {
    /// Two borrowed inputs with separate lifetimes and a value borrowed
    /// from either (`if .. { a } else { b }`) kept across yields.
    name: two_lifetimes_value_from_either_across_yields,
    items: {},
    gen: fn pick['a, 'b](a: &'a str, b: &'b str, first: bool) -> impl Iterator<Item = String> {
        let src = if first { a } else { b };
        for part in src.split(',') {
            yield_!(part.to_string());
        }
        yield_!(format!("{} {}", a.len(), b.len()));
    },
    run: pick("x,y", "p,q,r", false),
}

gen_differential! {
    /// An async closure called between yields of a stream, a dropper
    /// captured by the closure.
    name: stream_async_closure_between_yields,
    items: {},
    gen: fn scaled(xs: Vec<u32>) -> impl Stream<Item = u32> {
        let guard = D("closure");
        let f = async move |x: u32| { let _ = &guard; pend(1, x).await * 3 };
        for x in xs {
            yield_!(f(x).await);
            yield_!(async { pend(1, x).await + 1 }.await);
        }
    },
    run: scaled(vec![1, 2]),
}

gen_differential! {
    /// An awaited `match` as the yielded value, the scrutinee awaited too.
    name: stream_yield_match_on_awaited,
    items: {
        pub async fn get(k: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if k == 2 { Err(format!("no {k}")) } else { Ok(k * k) }
        }
    },
    gen: fn vals(ks: Vec<u32>) -> impl Stream<Item = String> {
        for k in ks {
            yield_!(match get(k).await {
                Ok(v) if v > 5 => format!("big {}", pend(1, v).await),
                Ok(v) => v.to_string(),
                Err(e) => { let _e = D("err"); e }
            });
        }
    },
    run: vals(vec![1, 2, 3]),
}

gen_differential! {
    /// A yield in a `match` guard: the guard yields the candidate and then
    /// decides.
    name: yield_in_match_guard,
    items: {},
    gen: fn guarded(xs: Vec<u32>) -> impl Iterator<Item = u32> {
        for x in xs {
            match x {
                n if { yield_!(n); n % 2 == 0 } => yield_!(n * 100),
                n => log(format!("odd {n}")),
            }
        }
    },
    run: guarded(vec![1, 2, 3]),
}

// ---------------------------------------------------------------------
// Cursors reassigned after a yield (dead at the suspension), where the
// assignment coerces to the type the first initializer gave.
// ---------------------------------------------------------------------

gen_differential! {
    /// g19-1: a linked-list cursor `let mut cur = &*list;` (a `&Node`),
    /// dead at the yield and reassigned after it from `next.as_ref()` (a
    /// `&Box<Node>`, deref-coerced) or a sentinel `&Node`.
    name: cursor_deref_coerced_after_yield_sentinel,
    items: {
        pub struct Node { pub v: u32, pub next: Option<Box<Node>> }
        pub static END: Node = Node { v: 0, next: None };
        pub fn list(vs: &[u32]) -> Box<Node> {
            let mut head: Option<Box<Node>> = None;
            for &v in vs.iter().rev() { head = Some(Box::new(Node { v, next: head })); }
            head.unwrap()
        }
    },
    gen: fn walk(l: Box<Node>) -> impl Iterator<Item = u32> {
        let mut cur = &*l;
        loop {
            let v = cur.v;
            let next = cur.next.as_ref();
            yield_!(v);
            if v == 0 { break; }
            match next {
                Some(n) => cur = n,
                None => cur = &END,
            }
        }
    },
    run: walk(list(&[1, 2, 3])),
}

gen_differential! {
    /// The same cursor with its type written
    /// (`let mut cur: &Node = &*l;`), dead at
    /// the yield and reassigned after it from `next.as_ref()` (a
    /// `&Box<Node>`, deref-coerced) or a sentinel `&Node`.
    name: cursor_deref_coerced_after_yield_typed,
    items: {
        pub struct Node { pub v: u32, pub next: Option<Box<Node>> }
        pub static END: Node = Node { v: 0, next: None };
        pub fn list(vs: &[u32]) -> Box<Node> {
            let mut head: Option<Box<Node>> = None;
            for &v in vs.iter().rev() { head = Some(Box::new(Node { v, next: head })); }
            head.unwrap()
        }
    },
    gen: fn walk(l: Box<Node>) -> impl Iterator<Item = u32> {
        let mut cur: &Node = &*l;
        loop {
            let v = cur.v;
            let next = cur.next.as_ref();
            yield_!(v);
            if v == 0 { break; }
            match next {
                Some(n) => cur = n,
                None => cur = &END,
            }
        }
    },
    run: walk(list(&[1, 2, 3])),
}

gen_differential! {
    /// A source switched after each yield: `let mut src = Box::new(..) as
    /// Box<dyn Iterator<..>>`, dead at the yield, reassigned from an `if`
    /// whose branches box two other iterator types.
    name: boxed_dyn_source_reassigned_after_yield,
    items: {},
    gen: fn sources(a: Vec<u32>, b: Vec<u32>) -> impl Iterator<Item = Option<u32>> {
        let mut src = Box::new(a.clone().into_iter()) as Box<dyn Iterator<Item = u32>>;
        for round in 0..3 {
            let x = src.next();
            yield_!(x);
            src = if round % 2 == 0 {
                Box::new(b.clone().into_iter().rev())
            } else {
                Box::new(a.clone().into_iter().skip(1))
            };
        }
    },
    run: sources(vec![1, 2, 3], vec![7, 8]),
}

gen_differential! {
    /// A separator initialised from a `const &str`, dead at the yield,
    /// reassigned to `&String` (deref-coerced) or back to the const.
    name: const_str_separator_reassigned_from_string,
    items: {
        pub const SEP: &str = ",";
        pub static WIDE: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| " ; ".to_string());
    },
    gen: fn joined(xs: Vec<u32>) -> impl Iterator<Item = String> {
        let mut sep = SEP;
        for (i, x) in xs.iter().enumerate() {
            let s = format!("{x}{sep}");
            yield_!(s);
            if i % 2 == 0 { sep = &WIDE; } else { sep = SEP; }
        }
    },
    run: joined(vec![1, 2, 3]),
}

gen_differential! {
    @case
    /// A generator as a trait method's implementation (`-> impl Iterator`
    /// in the trait), the owner taken by value.
    trait_impl_method_generator, {
        pub trait Source { fn items(self, tag: &'static str) -> impl Iterator<Item = String>; }
        pub struct Deck { pub cards: Vec<u32>, pub _d: D }
    }, Iterator, String, <Deck as Source>::items(Deck { cards: vec![3, 1, 2], _d: D("deck") }, "t"),
    native: {
        trait NativeBody { async fn native_items(self, tag: &'static str); }
        impl NativeBody for Deck {
            async fn native_items(self, tag: &'static str) {
                let mut sorted = self.cards.clone();
                sorted.sort();
                for c in sorted {
                    let _c = D("card");
                    yield_!(format!("{tag}{c}"));
                }
                log(format!("{} cards", self.cards.len()));
            }
        }
        impl Source for Deck {
            fn items(self, tag: &'static str) -> impl Iterator<Item = String> {
                crate::oracle::Native::<String, _>::new(<Deck as NativeBody>::native_items(self, tag))
            }
        }
    },
    lowered: {
        impl Source for Deck {
            #[longhand::generator]
            fn items(self, tag: &'static str) -> impl Iterator<Item = String> {
                let mut sorted = self.cards.clone();
                sorted.sort();
                for c in sorted {
                    let _c = D("card");
                    yield_!(format!("{tag}{c}"));
                }
                log(format!("{} cards", self.cards.len()));
            }
        }
    }
}
