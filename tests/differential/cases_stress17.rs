//! Stress round 17: edition 2024 specifics (tail-expression temporaries
//! beside an await, `if let` scrutinee temporaries dropped before `else`,
//! let chains over awaited values, `impl Trait` capturing lifetimes),
//! patterns (slice patterns, `@` bindings, `ref`/`ref mut`, boxed nested
//! enums, or-patterns binding one name, tuples of awaited values),
//! formatting macros with awaited arguments, closures and iterator chains
//! around awaits, user methods named like std methods (`get`, `take`,
//! `insert`, `len`, `iter`, `as_ref`, `count`, `nth`, ...), struct update
//! syntax and nested literals with awaits, field and indexed compound
//! assignment, `Rc<RefCell<..>>`/`Cell`/`Option::take`/`replace`/
//! `get_or_insert_with` around awaits, and early `return`/`?`/labelled
//! `break` from deep nesting with live destructors at several levels.
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
    clippy::await_holding_lock,
    clippy::vec_box,
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
    clippy::identity_op,
    clippy::should_implement_trait,
    clippy::len_without_is_empty,
    clippy::iter_nth_zero,
    clippy::unnecessary_literal_unwrap,
    clippy::bool_assert_comparison,
    clippy::op_ref,
    clippy::needless_lifetimes,
    clippy::redundant_locals,
    clippy::manual_range_patterns,
    clippy::option_map_unit_fn,
    clippy::unit_arg,
    clippy::await_holding_refcell_ref,
    clippy::box_collection
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::fmt::Write as _;
use std::rc::Rc;

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

/// Loads a named resource: suspends once, returns a logged dropper.
async fn load(name: &'static str) -> D {
    log(format!("load {name}"));
    pend(1, D::new(name)).await
}

/// A lookup that finds keys longer than two bytes.
async fn lookup(k: &str) -> Option<String> {
    log(format!("lookup {k}"));
    pend(1, ()).await;
    (k.len() > 2).then(|| k.to_uppercase())
}

/// A guard-like temporary: holds a dropper, answers a number.
pub struct Tmp(pub D, pub u32);

impl Tmp {
    pub fn get(&self) -> u32 {
        self.0.touch();
        self.1
    }
    pub fn peek(&self) -> Option<u32> {
        self.0.touch();
        (self.1 > 0).then_some(self.1)
    }
}

/// Makes a [`Tmp`] named `n` answering `v`.
pub fn mk(n: &'static str, v: u32) -> Tmp {
    log(format!("mk {n}"));
    Tmp(D::new(n), v)
}

// ---------------------------------------------------------------------------
// 1. Edition 2024: tail-expression temporaries, `if let` scrutinees
// ---------------------------------------------------------------------------

differential! {
    /// The body's tail adds a method on a temporary guard to an awaited
    /// value: in edition 2024 the temporary drops before the locals.
    name: tail_temporary_beside_await_in_body,
    items: {
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            let b = D::new("b");
            mk("tail", 3).get() + fetch(1).await
        }
    },
    run: f(),
}

differential! {
    /// A block's tail holds a temporary across an await; the block's own
    /// local drops after it (edition 2024), then the caller logs.
    name: block_tail_temporary_beside_await,
    items: {
        #[lh] async fn f() -> u32 {
            let outer = D::new("outer");
            let n = {
                let inner = D::new("inner");
                fetch(2).await + mk("blk", 1).get() + fetch(3).await
            };
            log(format!("n {n}"));
            n
        }
    },
    run: f(),
}

differential! {
    /// Tails of `if`/`else` branches, each with a temporary beside an
    /// await, the branch chosen by an awaited value.
    name: branch_tails_with_temporaries_and_awaits,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let g = D::new("g");
            if fetch(k).await > 4 {
                let x = D::new("x");
                mk("then", 1).get() + fetch(5).await
            } else {
                mk("else", 2).get() * fetch(6).await
            }
        }
    },
    run: async { (f(1).await, f(3).await) },
}

differential! {
    /// A `RefCell` borrow in the body's tail, read after an await in the
    /// same expression: edition 2024 drops the `Ref` before the cell.
    name: refcell_borrow_in_tail_after_await,
    items: {
        #[lh] async fn f() -> usize {
            let seen = RefCell::new(vec![1u32, 2]);
            seen.borrow_mut().push(pend(1, 3).await);
            let _d = D::new("d");
            pend(1, 10usize).await + seen.borrow().len()
        }
    },
    run: f(),
}

differential! {
    /// A `RefCell` borrow temporary in the tail, *before* an await in the
    /// same expression: the `Ref` is alive across the suspension.
    name: refcell_borrow_in_tail_before_await,
    items: {
        #[lh] async fn f() -> usize {
            let seen = RefCell::new(vec![1u32, 2]);
            let _d = D::new("d");
            seen.borrow().len() + pend(1, 10usize).await
        }
    },
    run: f(),
}

differential! {
    /// The tail of a `match` arm block holds a temporary across an await;
    /// the arm's local drops after it.
    name: match_arm_tail_temporary_across_await,
    items: {
        #[lh] async fn route(p: &str) -> u32 {
            match p {
                "/a" => {
                    let span = D::new("span-a");
                    mk("ta", 2).get() + fetch(1).await
                }
                "/b" => mk("tb", 5).peek().unwrap_or(0) + fetch(2).await,
                _ => 0,
            }
        }
    },
    run: async { (route("/a").await, route("/b").await, route("/c").await) },
}

differential! {
    /// `if let` on a temporary's method: edition 2024 drops the temporary
    /// before the `else`, which awaits.
    name: if_let_scrutinee_temporary_dropped_before_else,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _g = D::new("g");
            if let Some(n) = mk("scrut", v).peek() {
                log("then");
                n + fetch(n).await
            } else {
                log("else");
                fetch(100).await
            }
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// `if let` on a `RefCell` borrow: the then-branch awaits with the
    /// borrow alive, the `else` takes `borrow_mut` (legal only because
    /// edition 2024 drops the scrutinee's `Ref` before it).
    name: if_let_refcell_borrow_then_borrow_mut_in_else,
    items: {
        #[lh] async fn f(q: Rc<RefCell<Vec<u32>>>) -> u32 {
            if let Some(&first) = q.borrow().first() {
                fetch(first).await
            } else {
                q.borrow_mut().push(pend(1, 7).await);
                0
            }
        }
    },
    run: async {
        let q = Rc::new(RefCell::new(vec![]));
        let a = f(q.clone()).await;
        let b = f(q.clone()).await;
        (a, b, q.borrow().clone())
    },
}

differential! {
    /// `else if let` chains over temporaries, each scrutinee's guard
    /// dropped before the next condition, the final `else` awaiting.
    name: else_if_let_chain_of_temporaries,
    items: {
        #[lh] async fn f(a: u32, b: u32) -> u32 {
            if let Some(x) = mk("first", a).peek() {
                fetch(x).await
            } else if let Some(y) = mk("second", b).peek() {
                fetch(y + 10).await
            } else {
                log("neither");
                pend(1, 0).await
            }
        }
    },
    run: async { (f(1, 0).await, f(0, 2).await, f(0, 0).await) },
}

differential! {
    /// `while let` keeps its scrutinee temporary for the whole body in
    /// every edition: a guard temporary alive across the body's awaits.
    name: while_let_scrutinee_temporary_across_body_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let mut left = 3u32;
            let mut sum = 0;
            while let Some(n) = mk("step", left).peek() {
                sum += fetch(n).await;
                left -= 1;
            }
            sum
        }
    },
    run: f(),
}

differential! {
    /// `match` on a method of a temporary in the tail position, an arm
    /// awaiting: the temporary lives until the `match` ends.
    name: match_on_temporary_method_in_tail,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _outer = D::new("outer");
            match mk("m", v).get() {
                0 => 0,
                n => fetch(n).await + 1,
            }
        }
    },
    run: async { (f(0).await, f(4).await) },
}

differential! {
    /// A let chain whose first part binds from a temporary's method and
    /// whose second part awaits: edition 2024 drops the temporary before
    /// the `else`.
    name: let_chain_temporary_then_awaited_condition,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _g = D::new("g");
            if let Some(n) = mk("t", v).peek() && fetch(n).await > 4 {
                log("both");
                n
            } else {
                log("no");
                pend(1, 99).await
            }
        }
    },
    run: async { (f(0).await, f(1).await, f(3).await) },
}

differential! {
    /// Let chains over awaited lookups, a parse and a guard condition; the
    /// bound `String`s are used after more awaits in the body.
    name: let_chain_lookup_parse_guard,
    items: {
        #[lh] async fn resolve(host: &str, port: &str) -> String {
            if let Some(h) = lookup(host).await
                && let Ok(p) = port.parse::<u16>()
                && p > 1000
                && let Some(alias) = lookup(&h).await
            {
                let n = fetch(p as u32).await;
                format!("{h}/{alias}:{n}")
            } else {
                String::from("none")
            }
        }
    },
    run: async {
        (resolve("db", "5432").await, resolve("cache", "80").await,
         resolve("cache", "6379").await)
    },
}

differential! {
    /// A `while` let chain draining a queue while an awaited budget lasts.
    name: while_let_chain_queue_with_budget,
    items: {
        #[lh] async fn drain(mut q: VecDeque<D>, mut budget: u32) -> Vec<&'static str> {
            let mut out = vec![];
            while let Some(job) = q.pop_front()
                && budget > 0
            {
                budget -= fetch(1).await / 2;
                job.touch();
                out.push(job.0);
            }
            log(format!("left {}", q.len()));
            out
        }
    },
    run: drain(VecDeque::from([D::new("j1"), D::new("j2"), D::new("j3")]), 2),
}

differential! {
    /// A helper returning `impl Iterator` borrowing its argument (edition
    /// 2024 captures the lifetime) is kept across an await and drained
    /// after it.
    name: impl_iterator_capturing_borrow_across_await,
    items: {
        pub fn evens(v: &[u32]) -> impl Iterator<Item = u32> {
            v.iter().copied().filter(|x| x % 2 == 0)
        }
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let it = evens(&v);
            let bonus = fetch(1).await;
            it.sum::<u32>() + bonus
        }
    },
    run: f(vec![1, 2, 3, 4, 6]),
}

differential! {
    /// An `async fn` returning `impl Debug` that borrows its argument
    /// (edition 2024 captures every lifetime in scope).
    name: async_fn_returning_impl_debug_borrowing_arg,
    items: {
        #[lh] async fn first_word(s: &str) -> impl std::fmt::Debug {
            pend(1, ()).await;
            s.split(' ').next().unwrap_or("")
        }
    },
    run: async {
        let s = String::from("hello world");
        format!("{:?}", first_word(&s).await)
    },
}

differential! {
    /// A method returning `impl Iterator + '_` over `self`, held across an
    /// await inside an `&self` async method.
    name: impl_iterator_over_self_across_await,
    items: {
        pub struct Roster { pub names: Vec<&'static str>, pub _d: D }
        impl Roster {
            pub fn active(&self) -> impl Iterator<Item = &&'static str> {
                self.names.iter().filter(|n| !n.starts_with('-'))
            }
            #[lh] pub async fn greet(&self) -> String {
                let mut out = String::new();
                for n in self.active() {
                    let k = fetch(n.len() as u32).await;
                    out.push_str(&format!("{n}{k} "));
                }
                out
            }
        }
    },
    run: async {
        let r = Roster { names: vec!["ann", "-bob", "cy"], _d: D::new("roster") };
        r.greet().await
    },
}

// ---------------------------------------------------------------------------
// 2. Patterns
// ---------------------------------------------------------------------------

differential! {
    /// `[first, .., last]` over a borrowed slice of droppers, both kept
    /// across an await.
    name: slice_pattern_first_last_borrowed_across_await,
    items: {
        #[lh] async fn ends(v: Vec<D>) -> usize {
            match v.as_slice() {
                [] => 0,
                [only] => only.touch() + fetch(1).await as usize,
                [first, .., last] => {
                    let n = fetch(2).await as usize;
                    first.touch() + last.touch() + n
                }
            }
        }
    },
    run: async {
        (ends(vec![]).await, ends(vec![D::new("solo")]).await,
         ends(vec![D::new("a"), D::new("b"), D::new("c")]).await)
    },
}

differential! {
    /// `[head, rest @ ..]` walking a slice with an await per element.
    name: slice_pattern_head_rest_walk,
    items: {
        #[lh] async fn walk(items: &[u32]) -> u32 {
            let mut s = items;
            let mut total = 0;
            while let [head, rest @ ..] = s {
                total += fetch(*head).await;
                s = rest;
            }
            total
        }
    },
    run: async { let v = vec![1, 2, 3]; walk(&v).await },
}

differential! {
    /// An array of droppers from an await destructured with `..` in the
    /// middle: the unbound element drops at the end of the `let`.
    name: array_pattern_rest_from_awaited_temporary,
    items: {
        async fn three() -> [D; 3] { pend(1, [D::new("x0"), D::new("x1"), D::new("x2")]).await }
        #[lh] async fn f() -> usize {
            let [a, .., c] = three().await;
            log("bound");
            let n = fetch(1).await as usize;
            a.touch() + c.touch() + n
        }
    },
    run: f(),
}

differential! {
    /// Status codes matched with `@` bindings over ranges and or-patterns,
    /// some arms awaiting a retry.
    name: at_bindings_status_codes,
    items: {
        #[lh] async fn classify(code: u16) -> String {
            match code {
                c @ 200..=299 => format!("ok {c}"),
                c @ (301 | 302) => format!("redirect {c} {}", fetch(c as u32).await),
                c @ 500.. => {
                    let _r = D::new("retry");
                    let n = fetch(1).await;
                    format!("retry {c} {n}")
                }
                other => format!("other {other}"),
            }
        }
    },
    run: async {
        (classify(204).await, classify(302).await, classify(503).await, classify(404).await)
    },
}

differential! {
    /// A whole message bound with `msg @ Msg::Data { .. }` and moved on
    /// after an await.
    name: at_binding_whole_enum_moved_after_await,
    items: {
        #[derive(Debug)]
        pub enum Msg { Data { id: u32, body: D }, Ping }
        #[lh] async fn handle(m: Msg) -> String {
            match m {
                msg @ Msg::Data { .. } => {
                    let n = fetch(1).await;
                    format!("{n} {msg:?}")
                }
                Msg::Ping => "pong".into(),
            }
        }
    },
    run: async {
        (handle(Msg::Data { id: 1, body: D::new("body") }).await, handle(Msg::Ping).await)
    },
}

differential! {
    /// `ref mut` and `ref` bindings into a local connection struct, the
    /// buffer grown by awaited reads and the name read after.
    name: ref_mut_and_ref_bindings_into_local,
    items: {
        pub struct Conn { pub buf: Vec<u32>, pub name: D, pub reads: u32 }
        #[lh] async fn pump(n: u32) -> (usize, usize) {
            let mut conn = Conn { buf: vec![], name: D::new("conn"), reads: 0 };
            let Conn { ref mut buf, ref name, .. } = conn;
            for i in 0..n {
                buf.push(fetch(i).await);
            }
            let l = name.touch();
            conn.reads += 1;
            (conn.buf.len(), l)
        }
    },
    run: pump(3),
}

differential! {
/// An expression tree of boxed nodes evaluated recursively through
/// `Box::pin`, moving out of the boxes.
name: boxed_expression_tree_eval,
items: {
    pub enum Expr { Num(u32), Add(Box<Expr>, Box<Expr>), Neg(Box<Expr>), Named(D, Box<Expr>) }
    #[lh] async fn eval(e: Expr) -> i64 {
        match e {
            Expr::Num(n) => fetch(n).await as i64,
            Expr::Add(l, r) => {
                let a = Box::pin(eval(*l)).await;
                let b = Box::pin(eval(*r)).await;
                a + b
            }
            Expr::Neg(inner) => -Box::pin(eval(*inner)).await,
            Expr::Named(tag, inner) => {
                let v = Box::pin(eval(*inner)).await;
                tag.touch();
                v
            }
        }
    }
},
run: eval(Expr::Add(
    Box::new(Expr::Named(D::new("lhs"), Box::new(Expr::Num(1)))),
    Box::new(Expr::Neg(Box::new(Expr::Num(3)))),
)),
}

differential! {
    /// A linked list of boxed nodes walked with `while let`, the next link
    /// moved out of the box after an await.
    name: boxed_linked_list_walk_moves_next,
    items: {
        pub struct Node { pub v: u32, pub tag: D, pub next: Option<Box<Node>> }
        #[lh] async fn sum(head: Option<Box<Node>>) -> u32 {
            let mut cur = head;
            let mut total = 0;
            while let Some(node) = cur {
                total += fetch(node.v).await;
                node.tag.touch();
                cur = node.next;
            }
            total
        }
    },
    run: sum(Some(Box::new(Node {
        v: 1,
        tag: D::new("n1"),
        next: Some(Box::new(Node { v: 2, tag: D::new("n2"), next: None })),
    }))),
}

differential! {
    /// Or-patterns binding the same names in different positions, the arm
    /// awaiting before it uses them.
    name: or_patterns_bind_same_name_across_await,
    items: {
        pub enum Ev { Key(u32, D), Click(D, u32), Quit }
        #[lh] async fn on(e: Ev) -> usize {
            match e {
                Ev::Key(n, d) | Ev::Click(d, n) => {
                    let k = fetch(n).await as usize;
                    d.touch() + k
                }
                Ev::Quit => 0,
            }
        }
    },
    run: async {
        (on(Ev::Key(1, D::new("key"))).await, on(Ev::Click(D::new("click"), 2)).await,
         on(Ev::Quit).await)
    },
}

differential! {
    /// A `match` on a tuple of two awaited results with guards over both.
    name: match_tuple_of_awaited_results,
    items: {
        #[lh] async fn both(a: u32, b: u32) -> String {
            match (check(a).await, fetch(b).await) {
                (Ok(x), y) if x > y => format!("left {x}"),
                (Ok(x), y) => format!("right {y} {}", fetch(x).await),
                (Err(e), 0) => e,
                (Err(e), y) => format!("{e} {}", check(y).await.unwrap_or(0)),
            }
        }
    },
    run: async { (both(8, 1).await, both(2, 3).await, both(3, 0).await, both(3, 2).await) },
}

differential! {
    /// A tuple of an awaited dropper and an awaited number, both arms
    /// binding the dropper by value and awaiting before using it.
    name: match_tuple_awaited_dropper_bound_in_every_arm,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            match (load("res").await, fetch(k).await) {
                (d, 2) => d.touch(),
                (d, n) => {
                    let m = fetch(n).await;
                    d.touch() + m as usize
                }
            }
        }
    },
    run: async { (f(1).await, f(2).await) },
}

differential! {
    /// `if let` over a tuple of two awaited lookups.
    name: if_let_tuple_of_awaited_options,
    items: {
        #[lh] async fn pair(a: &str, b: &str) -> String {
            let _span = D::new("span");
            if let (Some(x), Some(y)) = (lookup(a).await, lookup(b).await) {
                format!("{x}+{y}+{}", fetch(1).await)
            } else {
                "missing".into()
            }
        }
    },
    run: async { (pair("abc", "defg").await, pair("abc", "x").await) },
}

differential! {
    /// Nested enum patterns with bindings at two depths and a range guard,
    /// the arms awaiting.
    name: nested_enum_patterns_two_depths,
    items: {
        pub enum Inner { Small(u32), Big(u32, D) }
        pub enum Outer { One(Inner), Two(Inner, Inner), Empty }
        #[lh] async fn score(o: Outer) -> u32 {
            match o {
                Outer::One(Inner::Small(n @ 0..=9)) => fetch(n).await,
                Outer::One(Inner::Small(n)) => n,
                Outer::One(Inner::Big(n, d)) | Outer::Two(Inner::Big(n, d), _) => {
                    let v = fetch(n).await;
                    v + d.touch() as u32
                }
                Outer::Two(Inner::Small(a), rest) => {
                    let x = fetch(a).await;
                    x + match rest { Inner::Small(b) => b, Inner::Big(b, _) => b * 100 }
                }
                Outer::Empty => 0,
            }
        }
    },
    run: async {
        (score(Outer::One(Inner::Small(3))).await,
         score(Outer::One(Inner::Big(2, D::new("big")))).await,
         score(Outer::Two(Inner::Small(1), Inner::Big(4, D::new("rest")))).await,
         score(Outer::Two(Inner::Big(5, D::new("b5")), Inner::Small(9))).await)
    },
}

differential! {
    /// Reference patterns over a borrowed map's entries, with `&(a, b)`
    /// destructuring, awaiting per entry.
    name: reference_patterns_over_map_entries,
    items: {
        #[lh] async fn f(m: &BTreeMap<&'static str, (u32, u32)>) -> Vec<String> {
            let mut out = vec![];
            for (&k, &(lo, hi)) in m {
                if hi < lo { continue; }
                let n = fetch(hi - lo).await;
                out.push(format!("{k}:{n}"));
            }
            out
        }
    },
    run: async {
        let m = BTreeMap::from([("a", (1, 4)), ("b", (5, 2)), ("c", (0, 0))]);
        f(&m).await
    },
}

differential! {
    /// `let` with a tuple-struct pattern on an awaited value, one field
    /// ignored with `_` (dropped at once) and one with `..`.
    name: tuple_struct_pattern_ignores_fields_of_awaited,
    items: {
        pub struct Reply(pub u32, pub D, pub D);
        async fn call() -> Reply { pend(1, Reply(7, D::new("hdr"), D::new("body"))).await }
        #[lh] async fn f() -> usize {
            let Reply(code, _, body) = call().await;
            let n = fetch(code).await;
            body.touch() + n as usize
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 3. Formatting and assertion macros with awaited arguments
// ---------------------------------------------------------------------------

differential! {
    /// `format!` with an awaited positional argument, a named inline
    /// capture and a width taken from an await.
    name: format_with_awaited_args_and_width,
    items: {
        #[lh] async fn line(name: String) -> String {
            let id = 7;
            format!("{name}#{id}: {:>w$}|{}", fetch(2).await, fetch(3).await, w = fetch(3).await as usize)
        }
    },
    run: line("svc".into()),
}

differential! {
    /// `write!`/`writeln!` into a `String` buffer with awaited arguments,
    /// a temporary guard among them.
    name: write_to_string_with_awaits_and_temporary,
    items: {
        #[lh] async fn render(rows: Vec<u32>) -> Result<String, std::fmt::Error> {
            let mut out = String::new();
            writeln!(out, "rows {}", rows.len())?;
            for r in &rows {
                write!(out, "[{} {}]", mk("cell", *r).get(), fetch(*r).await)?;
            }
            writeln!(&mut out, " end {}", pend(1, "ok").await)?;
            Ok(out)
        }
    },
    run: render(vec![1, 2]),
}

differential! {
    /// `assert_eq!`/`assert!`/`assert_ne!` with awaited operands and
    /// formatted messages that also await.
    name: asserts_with_awaited_operands_and_messages,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let _g = D::new("g");
            assert_eq!(fetch(x).await, x * 2, "fetch {}", x);
            assert!(check(x).await.is_ok(), "check failed for {}", x);
            assert_ne!(fetch(1).await, 0);
            x
        }
    },
    run: async { f(2).await },
}

differential! {
    /// An `assert_eq!` that fails after an await: the message formats an
    /// awaited-then-bound value, and the droppers alive unwind.
    name: assert_eq_failing_after_await,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let _g = D::new("g");
            let got = fetch(x).await;
            let _h = D::new("h");
            assert_eq!(got, 5, "bad reply {}", got);
            got
        }
    },
    run: f(2),
}

differential! {
    /// `matches!` over awaited results with guards.
    name: matches_macro_over_awaited_results,
    items: {
        #[lh] async fn f(a: u32) -> (bool, bool, bool) {
            let odd = matches!(check(a).await, Err(ref e) if e.starts_with("odd"));
            let small = matches!(fetch(a).await, 0..=4);
            let some = matches!(lookup("abcd").await.as_deref(), Some("ABCD"));
            (odd, small, some)
        }
    },
    run: async { (f(1).await, f(4).await) },
}

differential! {
    /// `vec![x; n]` with an awaited element and an awaited length, and a
    /// `vec![..]` list of awaited `String`s.
    name: vec_macro_repeat_and_list_with_awaits,
    items: {
        #[lh] async fn f() -> (Vec<u32>, Vec<String>, Vec<String>) {
            let a = vec![fetch(1).await; 3];
            let b = vec![String::from("x"); fetch(1).await as usize];
            let c = vec![lookup("abc").await.unwrap_or_default(), format!("{}", fetch(5).await)];
            (a, b, c)
        }
    },
    run: f(),
}

differential! {
    /// `panic!` with an awaited argument, after droppers at two levels.
    name: panic_with_awaited_message_argument,
    items: {
        #[lh] async fn f() -> u32 {
            let _a = D::new("a");
            {
                let _b = D::new("b");
                if fetch(1).await == 2 {
                    panic!("quota exceeded after {} tries", fetch(3).await);
                }
            }
            1
        }
    },
    run: f(),
}

differential! {
    /// `format!` whose arguments borrow a local and call a method on a
    /// temporary, then an await, in one statement.
    name: format_args_borrow_local_and_temporary,
    items: {
        #[lh] async fn f(user: String) -> String {
            let sess = D::new("sess");
            let s = format!("{}:{}:{}:{}", user, sess.touch(), mk("t", 4).get(), fetch(4).await);
            log("formatted");
            s
        }
    },
    run: f("ann".into()),
}

// ---------------------------------------------------------------------------
// 4. Closures and iterator chains around awaits
// ---------------------------------------------------------------------------

differential! {
    /// A closure borrowing a local `String` built before an await and
    /// called after it.
    name: borrowing_closure_built_before_await,
    items: {
        #[lh] async fn f(prefix: String) -> Vec<String> {
            let fmt = |n: u32| format!("{prefix}-{n}");
            let a = fetch(1).await;
            let b = fetch(2).await;
            vec![fmt(a), fmt(b), prefix.clone()]
        }
    },
    run: f("req".into()),
}

differential! {
    /// A `move` closure capturing two stored locals (a `String` and a
    /// dropper), called after awaits, then dropped.
    name: move_closure_capturing_stored_locals,
    items: {
        #[lh] async fn f() -> String {
            let tag = String::from("job");
            let guard = D::new("guard");
            let label = move |n: u32| { guard.touch(); format!("{tag}{n}") };
            let n = fetch(3).await;
            let s = label(n);
            log("labelled");
            drop(label);
            s + &fetch(1).await.to_string()
        }
    },
    run: f(),
}

differential! {
    /// An `FnMut` closure holding `&mut` to a counter, called with awaited
    /// arguments, dropped before the counter is read.
    name: fnmut_closure_counter_across_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let mut count = 0;
            let mut bump = |n: u32| count += n;
            bump(fetch(1).await);
            bump(fetch(2).await);
            count
        }
    },
    run: f(),
}

differential! {
    /// An iterator chain (`map`, `filter`, `sum`) over a `Vec` fetched by
    /// an await, and `position`/`any` over it after another await.
    name: iterator_chain_on_fetched_vec,
    items: {
        async fn ids() -> Vec<u32> { pend(1, vec![4, 1, 6, 3]).await }
        #[lh] async fn f() -> (u32, Option<usize>, bool) {
            let total: u32 = ids().await.iter().map(|x| x * 2).filter(|x| *x > 2).sum();
            let v = ids().await;
            let limit = fetch(2).await;
            let pos = v.iter().position(|&x| x > limit);
            (total, pos, v.iter().any(|&x| x == limit - 1))
        }
    },
    run: f(),
}

differential! {
    /// Rows collected across awaits, then `sort_by_key` with a `Reverse`
    /// key and `dedup_by_key`, then more awaits over the sorted rows.
    name: sort_by_key_on_stored_vec,
    items: {
        #[lh] async fn f(names: Vec<&'static str>) -> Vec<(u32, &'static str)> {
            let mut rows = Vec::new();
            for n in &names {
                rows.push((fetch(n.len() as u32).await, *n));
            }
            rows.sort_by_key(|r| std::cmp::Reverse(r.0));
            rows.dedup_by_key(|r| r.0);
            for r in rows.iter_mut() {
                r.0 += fetch(0).await;
            }
            rows
        }
    },
    run: f(vec!["ab", "cde", "fg", "h"]),
}

differential! {
    /// `retain` with a closure capturing a threshold fetched by await, on a
    /// `Vec` of droppers.
    name: retain_with_awaited_threshold,
    items: {
        #[lh] async fn f() -> Vec<&'static str> {
            let mut v = vec![D::new("a"), D::new("bbb"), D::new("cc")];
            let min = fetch(1).await as usize;
            v.retain(|d| d.0.len() >= min);
            log("retained");
            fetch(0).await;
            v.iter().map(|d| d.0).collect()
        }
    },
    run: f(),
}

differential! {
    /// Futures made by an iterator `map` and collected, then awaited one
    /// by one in a loop.
    name: futures_collected_from_map_then_awaited,
    items: {
        #[lh] async fn f(ids: Vec<u32>) -> u32 {
            let futs: Vec<_> = ids.iter().map(|&i| fetch(i)).collect();
            let _g = D::new("g");
            let mut total = 0;
            for fut in futs {
                total += fut.await;
            }
            total
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `Option::map`/`and_then`/`unwrap_or_else` closures over a value
    /// fetched by await, capturing a local by reference.
    name: option_combinators_capture_local,
    items: {
        #[lh] async fn f(k: &str) -> String {
            let suffix = String::from("!");
            let found = lookup(k).await;
            let n = fetch(1).await;
            found
                .map(|s| format!("{s}{suffix}"))
                .and_then(|s| (s.len() > 3).then_some(s))
                .unwrap_or_else(|| format!("none{n}{suffix}"))
        }
    },
    run: async { (f("abcd").await, f("abc").await, f("a").await) },
}

differential! {
    /// A closure stored in a `Box<dyn Fn>` chosen by an awaited flag and
    /// applied to awaited values in a loop.
    name: boxed_closure_chosen_by_await,
    items: {
        #[lh] async fn f(mode: u32) -> Vec<u32> {
            let k = fetch(mode).await;
            let op: Box<dyn Fn(u32) -> u32> = if k > 2 { Box::new(move |x| x * k) } else { Box::new(|x| x + 1) };
            let mut out = vec![];
            for i in 0..3 {
                out.push(op(fetch(i).await));
            }
            out
        }
    },
    run: async { (f(1).await, f(2).await) },
}

differential! {
    /// `fold` over a fetched list with a closure that borrows a local map;
    /// the map is mutated after an await.
    name: fold_with_closure_borrowing_map,
    items: {
        #[lh] async fn f() -> (u32, usize) {
            let mut prices = BTreeMap::from([("a", 3u32), ("b", 5)]);
            let cart = pend(1, vec!["a", "b", "a", "z"]).await;
            let total = cart.iter().fold(0, |acc, k| acc + prices.get(k).copied().unwrap_or(0));
            prices.insert("z", fetch(1).await);
            (total, prices.len())
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 5. User methods named like std methods
// ---------------------------------------------------------------------------

differential! {
    /// A user registry's `get(&self, k) -> Option<&Handler>` kept across
    /// an await and used after it.
    name: user_get_borrow_kept_across_await,
    items: {
        pub struct Handler { pub name: D, pub weight: u32 }
        pub struct Registry { pub hs: Vec<(&'static str, Handler)> }
        impl Registry {
            pub fn get(&self, k: &str) -> Option<&Handler> {
                self.hs.iter().find(|(n, _)| *n == k).map(|(_, h)| h)
            }
        }
        #[lh] async fn f(reg: Registry) -> u32 {
            let h = reg.get("b").unwrap();
            let n = fetch(h.weight).await;
            h.name.touch();
            n
        }
    },
    run: f(Registry { hs: vec![
        ("a", Handler { name: D::new("ha"), weight: 1 }),
        ("b", Handler { name: D::new("hb"), weight: 2 }),
    ] }),
}

differential! {
    /// A user job slot's `take(&mut self) -> Option<Job>` (owned), the job
    /// awaited, then the slot reused.
    name: user_take_owned_from_slot,
    items: {
        pub struct Slot { pub job: Option<D>, pub runs: u32 }
        impl Slot {
            pub fn take(&mut self) -> Option<D> { self.runs += 1; self.job.take() }
            pub fn put(&mut self, d: D) { self.job = Some(d); }
        }
        #[lh] async fn f() -> u32 {
            let mut slot = Slot { job: Some(D::new("j1")), runs: 0 };
            let job = slot.take();
            fetch(1).await;
            drop(job);
            slot.put(load("j2").await);
            let again = slot.take();
            fetch(2).await;
            slot.runs
        }
    },
    run: f(),
}

differential! {
    /// A user cache's `insert(&mut self, k, v) -> &mut V` whose returned
    /// borrow is updated with an awaited value.
    name: user_insert_returns_mut_borrow_updated_with_await,
    items: {
        pub struct Cache { pub entries: Vec<(&'static str, u32)>, pub _d: D }
        impl Cache {
            pub fn insert(&mut self, k: &'static str, v: u32) -> &mut u32 {
                self.entries.push((k, v));
                &mut self.entries.last_mut().unwrap().1
            }
        }
        #[lh] async fn f() -> Vec<(&'static str, u32)> {
            let mut c = Cache { entries: vec![], _d: D::new("cache") };
            let slot = c.insert("a", 1);
            *slot += fetch(2).await;
            let slot = c.insert("b", 0);
            let n = fetch(3).await;
            *slot = n;
            c.entries.clone()
        }
    },
    run: f(),
}

differential! {
    /// A user buffer's `len(&self)` and `iter(&self)` (a borrowing
    /// iterator), the iterator kept across awaits in a `for`.
    name: user_len_and_iter_across_awaits,
    items: {
        pub struct Buf { pub items: Vec<D> }
        impl Buf {
            pub fn len(&self) -> usize { self.items.len() }
            pub fn iter(&self) -> std::slice::Iter<'_, D> { self.items.iter() }
        }
        #[lh] async fn f(b: Buf) -> usize {
            let n = b.len();
            let mut total = fetch(n as u32).await as usize;
            for d in b.iter() {
                total += fetch(d.touch() as u32).await as usize;
            }
            total + b.len()
        }
    },
    run: f(Buf { items: vec![D::new("x"), D::new("yy")] }),
}

differential! {
    /// A user `as_ref(&self) -> &str` on a header value, kept across an
    /// await.
    name: user_as_ref_kept_across_await,
    items: {
        pub struct HeaderValue { pub raw: String, pub _d: D }
        impl HeaderValue {
            pub fn as_ref(&self) -> &str { self.raw.trim() }
        }
        #[lh] async fn f(h: HeaderValue) -> String {
            let v = h.as_ref();
            let n = fetch(v.len() as u32).await;
            format!("{v}:{n}")
        }
    },
    run: f(HeaderValue { raw: "  gzip ".into(), _d: D::new("hv") }),
}

differential! {
    /// A user `count(&self) -> usize` (a name `Iterator` gives `self`) on
    /// a stats struct that is not used again: it stays alive to the end.
    name: user_count_ref_self_not_used_again,
    items: {
        pub struct Stats { pub hits: Vec<u32>, pub _d: D }
        impl Stats {
            pub fn count(&self) -> usize { self.hits.len() }
        }
        #[lh] async fn f() -> u32 {
            let stats = Stats { hits: vec![1, 2, 3], _d: D::new("stats") };
            let n = stats.count();
            let x = fetch(n as u32).await;
            log("after");
            x
        }
    },
    run: f(),
}

differential! {
    /// A user `max(&self) -> u32` and `min(&self)` on a window of samples
    /// kept across awaits and used after them.
    name: user_max_min_ref_self_used_after,
    items: {
        pub struct Window { pub xs: Vec<u32>, pub _d: D }
        impl Window {
            pub fn max(&self) -> u32 { self.xs.iter().copied().max().unwrap_or(0) }
            pub fn min(&self) -> u32 { self.xs.iter().copied().min().unwrap_or(0) }
            pub fn push(&mut self, x: u32) { self.xs.push(x) }
        }
        #[lh] async fn f() -> (u32, u32) {
            let mut w = Window { xs: vec![3, 9], _d: D::new("win") };
            let hi = w.max();
            w.push(fetch(hi).await);
            let lo = w.min();
            let n = fetch(lo).await;
            (w.max(), n)
        }
    },
    run: f(),
}

differential! {
/// A user result set's `nth(&self, i) -> Option<&Row>` (a lending
/// name `Iterator` gives an owned result) kept across an await.
name: user_nth_lending_row_across_await,
items: {
    pub struct Row { pub id: u32, pub _d: D }
    pub struct Rows { pub rows: Vec<Row> }
    impl Rows {
        pub fn nth(&self, i: usize) -> Option<&Row> { self.rows.get(i) }
    }
    #[lh] async fn f(rs: Rows) -> u32 {
        let r = rs.nth(1).unwrap();
        let n = fetch(r.id).await;
        n + r.id
    }
},
run: f(Rows { rows: vec![Row { id: 1, _d: D::new("r1") }, Row { id: 2, _d: D::new("r2") }] }),
}

differential! {
    /// A user owned `next(&mut self) -> Option<u32>` on a cursor holding a
    /// dropper (owned result: the cursor is moved into the state whole).
    name: user_next_owned_cursor_loop,
    items: {
        pub struct Cursor { pub at: u32, pub end: u32, pub _d: D }
        impl Cursor {
            pub fn next(&mut self) -> Option<u32> {
                (self.at < self.end).then(|| { self.at += 1; self.at })
            }
        }
        #[lh] async fn f() -> u32 {
            let mut c = Cursor { at: 0, end: 3, _d: D::new("cursor") };
            let mut total = 0;
            while let Some(i) = c.next() {
                total += fetch(i).await;
            }
            total + c.at
        }
    },
    run: f(),
}

differential! {
    /// A user `clone(&self)` (inherent, not `Clone`) making a snapshot,
    /// the original mutated after an await.
    name: user_inherent_clone_snapshot,
    items: {
        pub struct Conf { pub port: u32, pub _d: D }
        impl Conf {
            pub fn clone(&self) -> Conf { log("cloning"); Conf { port: self.port, _d: D::new("copy") } }
        }
        #[lh] async fn f() -> (u32, u32) {
            let mut c = Conf { port: 80, _d: D::new("orig") };
            let snap = c.clone();
            c.port = fetch(c.port).await;
            (snap.port, c.port)
        }
    },
    run: f(),
}

differential! {
    /// A user `into_iter(self)` by value on a batch, iterated with awaits.
    name: user_into_iter_by_value_batch,
    items: {
        pub struct Batch { pub items: Vec<u32>, pub _d: D }
        impl Batch {
            pub fn into_iter(self) -> std::vec::IntoIter<u32> { self.items.clone().into_iter() }
        }
        #[lh] async fn f(b: Batch) -> u32 {
            let mut total = 0;
            for x in b.into_iter() {
                total += fetch(x).await;
            }
            total
        }
    },
    run: f(Batch { items: vec![1, 2], _d: D::new("batch") }),
}

differential! {
    /// A user `pop(&mut self) -> Option<Job>` returning owned jobs from a
    /// queue with a dropper, awaiting each job.
    name: user_pop_owned_jobs,
    items: {
        pub struct Queue { pub jobs: Vec<D>, pub _d: D }
        impl Queue {
            pub fn pop(&mut self) -> Option<D> { self.jobs.pop() }
        }
        #[lh] async fn f(mut q: Queue) -> usize {
            let mut n = 0;
            while let Some(job) = q.pop() {
                n += fetch(job.touch() as u32).await as usize;
            }
            n
        }
    },
    run: f(Queue { jobs: vec![D::new("a"), D::new("bb")], _d: D::new("queue") }),
}

differential! {
    /// A user `get_mut(&mut self, k) -> Option<&mut V>` whose result is
    /// written with an awaited value.
    name: user_get_mut_written_with_await,
    items: {
        pub struct Table { pub rows: Vec<(u32, String)>, pub _d: D }
        impl Table {
            pub fn get_mut(&mut self, id: u32) -> Option<&mut String> {
                self.rows.iter_mut().find(|r| r.0 == id).map(|r| &mut r.1)
            }
        }
        #[lh] async fn f() -> Vec<(u32, String)> {
            let mut t = Table { rows: vec![(1, "a".into()), (2, "b".into())], _d: D::new("tbl") };
            if let Some(v) = t.get_mut(2) {
                v.push_str(&lookup("xyz").await.unwrap());
            }
            let v = t.get_mut(1).unwrap();
            *v = format!("{v}{}", fetch(1).await);
            t.rows.clone()
        }
    },
    run: f(),
}

differential! {
    /// A user `first(&self) -> &Item` and `last(&self) -> &Item` on a
    /// list type, both kept across an await.
    name: user_first_last_borrows_across_await,
    items: {
        pub struct List { pub v: Vec<D> }
        impl List {
            pub fn first(&self) -> &D { &self.v[0] }
            pub fn last(&self) -> &D { &self.v[self.v.len() - 1] }
        }
        #[lh] async fn f(l: List) -> usize {
            let a = l.first();
            let b = l.last();
            let n = fetch(1).await as usize;
            a.touch() + b.touch() + n
        }
    },
    run: f(List { v: vec![D::new("p"), D::new("q")] }),
}

known_gap! {
    reason: "s16-1 (fails to compile, E0505 + E0597): a user method named like an owned-result std method (`nth`, `contains`) that lends from its receiver, its result kept across an await",
differential! {
    /// A user `contains(&self, k) -> Option<&Entry>` (a name that returns
    /// an owned `bool` in std) kept across an await.
    name: user_contains_lending_entry_across_await,
    items: {
        pub struct Set { pub names: Vec<String>, pub _d: D }
        impl Set {
            pub fn contains(&self, k: &str) -> Option<&String> { self.names.iter().find(|n| n.as_str() == k) }
        }
        #[lh] async fn f(s: Set) -> String {
            let hit = s.contains("b");
            let n = fetch(1).await;
            format!("{hit:?}{n}")
        }
    },
    run: f(Set { names: vec!["a".into(), "b".into()], _d: D::new("set") }),
}
}

differential! {
    /// A user `build(&self) -> Request` on a builder kept and reused after
    /// an await.
    name: user_build_ref_self_reused_after_await,
    items: {
        pub struct Builder { pub path: String, pub _d: D }
        impl Builder {
            pub fn build(&self) -> String { format!("GET {}", self.path) }
        }
        #[lh] async fn f() -> (String, String) {
            let mut b = Builder { path: "/a".into(), _d: D::new("builder") };
            let r1 = b.build();
            b.path.push_str(&fetch(1).await.to_string());
            (r1, b.build())
        }
    },
    run: f(),
}

known_gap! {
    reason: "stress E (sync form, runs differently, drop order): a user `&self` method named `or` (a name `Option` gives `self`, and combinators often do) called on a local that is not used again: longhand takes the local as moved and drops it at the next suspension, rustc at the end of its scope (native `[\"fetch 5\", \"drop flags\", ..]`, lowered `[\"drop flags\", \"fetch 5\", ..]`)",
differential! {
    /// A user `or(&self, other) -> u32` (a name `Option` gives `self`) on
    /// a flags struct not used again after the call.
    name: user_or_ref_self_not_used_again,
    items: {
        pub struct Flags { pub bits: u32, pub _d: D }
        impl Flags {
            pub fn or(&self, extra: u32) -> u32 { self.bits | extra }
        }
        #[lh] async fn f() -> u32 {
            let flags = Flags { bits: 1, _d: D::new("flags") };
            let m = flags.or(4);
            fetch(m).await
        }
    },
    run: f(),
}
}

// ---------------------------------------------------------------------------
// 6. Struct literals, update syntax, field and indexed assignment
// ---------------------------------------------------------------------------

differential! {
    /// Struct update from a temporary base made after an awaited field:
    /// the base's overridden droppers drop at the end of the statement.
    name: struct_update_from_temporary_base_after_await,
    items: {
        pub struct Cfg { pub name: D, pub port: u32, pub tls: D }
        pub fn defaults() -> Cfg { log("defaults"); Cfg { name: D::new("dname"), port: 1, tls: D::new("dtls") } }
        #[lh] async fn f() -> u32 {
            let c = Cfg { name: D::new("svc"), port: fetch(40).await, ..defaults() };
            log("built");
            c.name.touch();
            fetch(0).await + c.port
        }
    },
    run: f(),
}

differential! {
    /// Struct update from a `Copy`-only local base with two awaited
    /// fields; the base is used again afterwards.
    name: struct_update_copy_base_reused,
    items: {
        #[derive(Clone, Copy, Debug)]
        pub struct Limits { pub rps: u32, pub burst: u32, pub conns: u32 }
        #[lh] async fn f() -> (Limits, Limits) {
            let base = Limits { rps: 10, burst: 20, conns: 5 };
            let tuned = Limits { rps: fetch(base.rps).await, conns: fetch(1).await, ..base };
            (base, tuned)
        }
    },
    run: f(),
}

differential! {
    /// Nested struct literals, each level with a dropper and an awaited
    /// field, cancelled at every await.
    name: nested_struct_literals_with_awaits,
    items: {
        pub struct Head { pub id: u32, pub tag: D }
        pub struct Body { pub len: u32, pub data: D }
        pub struct Req { pub head: Head, pub body: Body, pub seq: u32 }
        #[lh] async fn f() -> u32 {
            let r = Req {
                head: Head { id: fetch(1).await, tag: D::new("tag") },
                body: Body { data: D::new("data"), len: fetch(2).await },
                seq: fetch(3).await,
            };
            r.head.id + r.body.len + r.seq
        }
    },
    run: f(),
}

differential! {
    /// `self.stats.last = f().await` and `self.conn.peer = load().await`
    /// in an `&mut self` method: the old dropper drops after the await.
    name: nested_field_assignment_with_awaits_in_method,
    items: {
        pub struct Stats { pub last: u32, pub total: u32 }
        pub struct Link { pub peer: D, pub stats: Stats }
        impl Link {
            #[lh] pub async fn refresh(&mut self) -> u32 {
                self.stats.last = fetch(self.stats.total).await;
                self.peer = load("peer2").await;
                self.stats.total += self.stats.last;
                self.stats.total
            }
        }
    },
    run: async {
        let mut l = Link { peer: D::new("peer1"), stats: Stats { last: 0, total: 3 } };
        let a = l.refresh().await;
        let b = l.refresh().await;
        (a, b)
    },
}

differential! {
    /// Compound assignment on indexed places with awaited right sides and
    /// logged indices (`v[i] += g().await` on `u64`, `u32` in a struct).
    name: compound_assign_indexed_places_primitive,
    items: {
        pub struct Counters { pub by_shard: Vec<u64> }
        #[lh] async fn f() -> Vec<u64> {
            let mut v = vec![1u64, 2, 3];
            v[val("i", 1)] += fetch(val("r", 4)).await as u64;
            let mut c = Counters { by_shard: vec![0; 2] };
            c.by_shard[val("j", 0)] -= 0;
            c.by_shard[val("k", 1)] += pend(1, val("s", 9u64)).await;
            v[2] *= pend(1, 2).await;
            v.extend(c.by_shard.iter().copied());
            v
        }
    },
    run: f(),
}

differential! {
    /// Compound assignment through `get_mut` on a map and through a
    /// `&mut` element of a `Vec` of structs, with awaited right sides.
    name: compound_assign_through_get_mut_and_elements,
    items: {
        pub struct Acct { pub bal: i64, pub _d: D }
        #[lh] async fn f() -> (i64, i64, BTreeMap<&'static str, u32>) {
            let mut m = BTreeMap::from([("a", 1u32)]);
            *m.get_mut("a").unwrap() += fetch(2).await;
            let mut accts = vec![Acct { bal: 10, _d: D::new("a0") }, Acct { bal: 20, _d: D::new("a1") }];
            accts[1].bal -= fetch(3).await as i64;
            let first = &mut accts[0];
            first.bal += fetch(1).await as i64;
            (accts[0].bal, accts[1].bal, m)
        }
    },
    run: f(),
}

differential! {
    /// A `String` field appended with `+=` from an awaited `&str`, and an
    /// `Option` field replaced whole.
    name: string_and_option_field_assignments,
    items: {
        pub struct Sess { pub log: String, pub user: Option<D> }
        #[lh] async fn f() -> String {
            let mut s = Sess { log: String::new(), user: Some(D::new("u1")) };
            s.log += pend(1, "open;").await;
            s.user = Some(load("u2").await);
            s.log += &format!("user {};", s.user.as_ref().map(|d| d.0).unwrap_or("-"));
            s.user = None;
            s.log += pend(1, "close").await;
            s.log
        }
    },
    run: f(),
}

differential! {
    /// A tuple-struct literal and an enum struct-variant literal built
    /// from awaits, with droppers before and after each await.
    name: tuple_struct_and_variant_literals_with_awaits,
    items: {
        pub struct Pair(pub D, pub u32, pub D);
        pub enum Ev { Msg { from: D, n: u32 }, None }
        #[lh] async fn f() -> u32 {
            let p = Pair(D::new("l"), fetch(1).await, D::new("r"));
            let e = Ev::Msg { from: D::new("from"), n: fetch(p.1).await };
            match e { Ev::Msg { n, .. } => n + p.1, Ev::None => 0 }
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 7. Rc<RefCell<..>>, Cell, Option::take / replace / get_or_insert_with
// ---------------------------------------------------------------------------

differential! {
    /// Short `RefCell` borrows of shared state around awaits: read the
    /// length, await, push, await, read again.
    name: rc_refcell_short_borrows_around_awaits,
    items: {
        #[lh] async fn worker(state: Rc<RefCell<Vec<u32>>>, id: u32) -> usize {
            let n = state.borrow().len();
            let v = fetch(id + n as u32).await;
            state.borrow_mut().push(v);
            let last = *state.borrow().last().unwrap();
            fetch(last).await;
            state.borrow().len()
        }
    },
    run: async {
        let st = Rc::new(RefCell::new(vec![]));
        let a = worker(st.clone(), 1).await;
        let b = worker(st.clone(), 2).await;
        (a, b, st.borrow().clone())
    },
}

differential! {
    /// `Cell` counters updated with awaited amounts (`c.set(c.get() +
    /// x.await)`), `replace` and `take` on a `Cell`.
    name: cell_counter_updates_with_awaits,
    items: {
        #[lh] async fn f() -> (u32, u32, u32) {
            let hits = Cell::new(1u32);
            hits.set(hits.get() + fetch(2).await);
            let old = hits.replace(fetch(0).await + 10);
            let taken = hits.take();
            (old, taken, hits.get())
        }
    },
    run: f(),
}

differential! {
    /// `Option::take` of a pending job stored in a struct field inside an
    /// `&mut self` method, the job awaited, then the slot refilled.
    name: option_take_field_then_await,
    items: {
        pub struct Worker { pub pending: Option<D>, pub done: u32 }
        impl Worker {
            #[lh] pub async fn step(&mut self) -> bool {
                let Some(job) = self.pending.take() else { return false };
                let n = fetch(job.touch() as u32).await;
                self.done += n;
                if n < 5 { self.pending = Some(load("again").await); }
                true
            }
        }
    },
    run: async {
        let mut w = Worker { pending: Some(D::new("j")), done: 0 };
        let a = w.step().await;
        let b = w.step().await;
        let c = w.step().await;
        (a, b, c, w.done)
    },
}

differential! {
    /// `Option::replace` with an awaited argument on a local slot, the
    /// old value dropped later.
    name: option_replace_with_awaited_argument,
    items: {
        #[lh] async fn f() -> usize {
            let mut slot = Some(D::new("v1"));
            let old = slot.replace(load("v2").await);
            log("replaced");
            let n = fetch(1).await as usize;
            drop(old);
            n + slot.as_ref().map_or(0, |d| d.touch())
        }
    },
    run: f(),
}

differential! {
    /// `get_or_insert_with` on a local cache slot, the returned `&mut`
    /// kept across an await and used after.
    name: get_or_insert_with_borrow_across_await,
    items: {
        #[lh] async fn f(seed: Option<Vec<u32>>) -> Vec<u32> {
            let mut cache = seed;
            let v = cache.get_or_insert_with(|| { log("init"); vec![0] });
            v.push(fetch(1).await);
            v.push(fetch(2).await);
            cache.unwrap()
        }
    },
    run: async { (f(None).await, f(Some(vec![9])).await) },
}

differential! {
    /// An `Rc` clone moved into a native `async move` block that holds a
    /// `borrow_mut` across its own await; the outer fn awaits it.
    name: rc_clone_into_async_block_borrow_mut_across_await,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let shared = Rc::new(RefCell::new(vec![1u32]));
            let s2 = shared.clone();
            let fut = async move {
                s2.borrow_mut().push(pend(1, 2).await);
            };
            fut.await;
            shared.borrow_mut().push(fetch(1).await);
            let out = shared.borrow().clone();
            out
        }
    },
    run: f(),
}

differential! {
/// `mem::replace` and `mem::take` on fields of a shared `RefCell`
/// state between awaits.
name: mem_replace_take_in_refcell_between_awaits,
items: {
    pub struct St { pub cur: D, pub buf: Vec<u32> }
    #[lh] async fn f(st: Rc<RefCell<St>>) -> (usize, Vec<u32>) {
        st.borrow_mut().buf.push(fetch(1).await);
        let old = std::mem::replace(&mut st.borrow_mut().cur, load("next").await);
        let n = old.touch();
        let buf = std::mem::take(&mut st.borrow_mut().buf);
        fetch(0).await;
        (n, buf)
    }
},
run: async {
    let st = Rc::new(RefCell::new(St { cur: D::new("cur"), buf: vec![] }));
    f(st).await
},
}

differential! {
    /// `Rc::try_unwrap` after the last clone is dropped between awaits.
    name: rc_try_unwrap_after_clone_dropped,
    items: {
        #[lh] async fn f() -> usize {
            let a = Rc::new(D::new("shared"));
            let b = Rc::clone(&a);
            fetch(1).await;
            drop(b);
            let n = fetch(2).await;
            match Rc::try_unwrap(a) {
                Ok(d) => d.touch() + n as usize,
                Err(_) => 0,
            }
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 8. Early exits from deep nesting with droppers at several levels
// ---------------------------------------------------------------------------

differential! {
    /// `?` three scopes deep (fn, block, loop body), each with a dropper,
    /// the error from an awaited check.
    name: question_mark_three_levels_deep,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Result<u32, String> {
            let _a = D::new("a");
            let mut total = 0;
            {
                let _b = D::new("b");
                for x in xs {
                    let _c = D::new("c");
                    total += check(x).await?;
                    let _e = D::new("e");
                    fetch(x).await;
                }
            }
            Ok(total)
        }
    },
    run: async { (f(vec![2, 4]).await, f(vec![2, 3, 4]).await) },
}

differential! {
    /// `break 'outer value` from two nested loops with droppers in both
    /// bodies, the value awaited in the `break`.
    name: break_outer_with_awaited_value_nested_loops,
    items: {
        #[lh] async fn f(limit: u32) -> u32 {
            let _g = D::new("g");
            let r = 'outer: loop {
                let _o = D::new("o");
                for i in 0..5 {
                    let _i = D::new("i");
                    if fetch(i).await >= limit {
                        break 'outer fetch(i * 10).await;
                    }
                }
                break 0;
            };
            r + 1
        }
    },
    run: async { (f(4).await, f(100).await) },
}

differential! {
    /// `return` from a `match` arm inside a `for` inside an `if let`,
    /// droppers at every level and a guard temporary in the `if let`.
    name: return_from_match_in_for_in_if_let,
    items: {
        #[lh] async fn f(v: u32) -> String {
            let _top = D::new("top");
            if let Some(n) = mk("scrut", v).peek() {
                let _mid = D::new("mid");
                for i in 0..n {
                    let _it = D::new("it");
                    match check(i).await {
                        Ok(0) => continue,
                        Ok(k) => return format!("ok {k}"),
                        Err(e) => {
                            let _h = D::new("h");
                            fetch(9).await;
                            return e;
                        }
                    }
                }
            }
            String::from("fell through")
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await, f(3).await) },
}

differential! {
    /// A labelled block broken with an awaited value from inside an `if`,
    /// with droppers inside the block.
    name: labelled_block_break_with_awaited_value,
    items: {
        #[lh] async fn f(fast: bool) -> u32 {
            let v = 'done: {
                let _s = D::new("s");
                if fast {
                    break 'done fetch(1).await;
                }
                let _t = D::new("t");
                let x = fetch(2).await;
                x + fetch(3).await
            };
            log("after block");
            v
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `?` on `Option` in an `async fn` returning `Option`, after awaits,
    /// with a dropper alive.
    name: question_mark_on_option_after_awaits,
    items: {
        #[lh] async fn f(a: &str, b: &str) -> Option<String> {
            let _g = D::new("g");
            let x = lookup(a).await?;
            let _h = D::new("h");
            let y = lookup(b).await?;
            Some(format!("{x}{y}{}", fetch(1).await))
        }
    },
    run: async { (f("abc", "def").await, f("ab", "def").await, f("abc", "d").await) },
}

differential! {
    /// `return Err(format!(.., x.await))`: the error message awaits.
    name: return_err_with_awaited_message,
    items: {
        #[lh] async fn f(n: u32) -> Result<u32, String> {
            let _g = D::new("g");
            if n > 3 {
                return Err(format!("too big {} {}", n, fetch(n).await));
            }
            Ok(fetch(1).await)
        }
    },
    run: async { (f(1).await, f(5).await) },
}

differential! {
    /// A `loop` over a `match` on an awaited result with `break v`,
    /// guarded `return Err`, and `continue` after a back-off await.
    name: retry_loop_break_return_continue,
    items: {
        #[lh] async fn f(start: u32) -> Result<u32, String> {
            let mut i = start;
            let _conn = D::new("conn");
            let v = loop {
                let _attempt = D::new("attempt");
                match check(i).await {
                    Ok(v) => break v,
                    Err(e) if i > 6 => return Err(e),
                    Err(_) => {
                        pend(1, ()).await;
                        i += 2;
                        continue;
                    }
                }
            };
            Ok(v + fetch(v).await)
        }
    },
    run: async { (f(4).await, f(5).await) },
}

differential! {
    /// A `?` inside a native `async` block inside the lowered fn, awaited
    /// there, its error mapped outside.
    name: question_mark_inside_native_async_block,
    items: {
        #[lh] async fn f(a: u32, b: u32) -> Result<u32, String> {
            let _g = D::new("g");
            let inner = async {
                let x = check(a).await?;
                let y = check(b).await?;
                Ok::<u32, String>(x + y)
            };
            let r = inner.await.map_err(|e| format!("inner: {e}"))?;
            Ok(r + fetch(1).await)
        }
    },
    run: async { (f(2, 4).await, f(2, 3).await) },
}

differential! {
    /// Early `return` from a `while let` over a borrowed iterator with the
    /// borrow and droppers alive, the returned value built with an await.
    name: return_from_while_let_over_borrowed_iter,
    items: {
        #[lh] async fn find(names: Vec<D>, want: usize) -> String {
            let mut it = names.iter();
            let _g = D::new("g");
            while let Some(d) = it.next() {
                let n = fetch(d.touch() as u32).await as usize;
                if n == want {
                    return format!("found {} {}", d.0, fetch(0).await);
                }
            }
            "none".into()
        }
    },
    run: async {
        (find(vec![D::new("a"), D::new("bb"), D::new("ccc")], 4).await,
         find(vec![D::new("x")], 9).await)
    },
}

differential! {
    /// `let .. else` returning with an awaited value, three droppers live.
    name: let_else_return_with_awaited_value,
    items: {
        #[lh] async fn f(k: &str) -> u32 {
            let _a = D::new("a");
            let _b = D::new("b");
            let Some(v) = lookup(k).await else {
                let _c = D::new("c");
                return fetch(7).await;
            };
            v.len() as u32
        }
    },
    run: async { (f("abcd").await, f("x").await) },
}

// ---------------------------------------------------------------------------
// 9. Minimised forms and neighbours of the gaps found in this round
// ---------------------------------------------------------------------------

differential! {
/// s17-1 minimal: a `Box` moved out of (`*b`) in an awaited call's
/// argument, `b` a local bound by a `match` arm.
name: box_deref_move_of_arm_binding_in_awaitee_minimal,
items: {
    async fn take(s: String) -> usize { pend(1, s.len()).await }
    #[lh] async fn f(o: Option<Box<String>>) -> usize {
        match o {
            Some(b) => take(*b).await,
            None => 0,
        }
    }
},
run: f(Some(Box::new(String::from("abc")))),
}

differential! {
/// s17-1 neighbour: a guard-like value from a call, of unwritten type,
/// copied out of with `*g` before an await: it lives on to the end of its
/// scope (after the await), so `*g` must not count as moving `g`.
name: deref_copy_out_of_guard_from_call_lives_on,
items: {
    pub struct Lease<'a>(pub &'a u32, pub D);
    impl std::ops::Deref for Lease<'_> {
        type Target = u32;
        fn deref(&self) -> &u32 { self.0 }
    }
    pub fn lease(n: &u32) -> Lease<'_> { Lease(n, D::new("lease")) }
    #[lh] async fn f(x: u32) -> u32 {
        let g = lease(&x);
        let n = *g;
        pend(1, ()).await;
        log("after");
        n + 1
    }
},
run: f(4),
}

known_gap! {
    reason: "s17-1, plain `let` form (fails to compile, E0507 cannot move out of a mutable reference): `let b = o.unwrap(); take(*b).await`: a plain `let` of unwritten type is taken as a box only when built by `Box::new`, since a call may as well return a guard that `*g` copies out of and that lives on (`deref_copy_out_of_guard_from_call_lives_on`); `*b` then counts as a borrow, `b` is pinned, and the move goes through the pin. Writing the type (`let b: Box<String> = o.unwrap();`) compiles, as does any pattern (`match o { Some(b) => .. }`)",
    differential! {
    /// s17-1: the same with `b` a plain `let` local.
    name: box_deref_move_of_let_local_in_awaitee,
    items: {
        async fn take(s: String) -> usize { pend(1, s.len()).await }
        #[lh] async fn f(o: Option<Box<String>>) -> usize {
            let b = o.unwrap();
            take(*b).await
        }
    },
    run: f(Some(Box::new(String::from("abc")))),
    }
}

differential! {
/// s17-1: the box moved out of in a `let` before the await, which no
/// longer mentions `b`.
name: box_deref_moved_into_let_before_await,
items: {
    async fn take(s: String) -> usize { pend(1, s.len()).await }
    #[lh] async fn f(o: Option<Box<String>>) -> usize {
        match o {
            Some(b) => {
                let s = *b;
                take(s).await
            }
            None => 0,
        }
    }
},
run: f(Some(Box::new(String::from("abc")))),
}

differential! {
    /// Neighbour of s17-1 that passes: the box is a parameter.
    name: box_deref_move_of_parameter_in_awaitee,
    items: {
        async fn take(s: String) -> usize { pend(1, s.len()).await }
        #[lh] async fn f(b: Box<String>) -> usize { take(*b).await }
    },
    run: f(Box::new(String::from("abc"))),
}

differential! {
    /// Neighbour of s17-1: a `Copy` value read through a box of a local in
    /// an awaited call (pinning the box is harmless here).
    name: box_deref_copy_of_local_in_awaitee,
    items: {
        #[lh] async fn f(o: Option<Box<u32>>) -> u32 {
            match o { Some(b) => fetch(*b).await + *b, None => 0 }
        }
    },
    run: f(Some(Box::new(3))),
}

differential! {
/// s17-2 minimal: a method call on a field of a `RefMut` temporary
/// (`c.borrow_mut().buf.push(x.await)`).
name: method_on_field_of_refmut_temporary_awaited_arg_minimal,
items: {
    pub struct St { pub buf: Vec<u32> }
    #[lh] async fn f(c: Rc<RefCell<St>>) -> Vec<u32> {
        c.borrow_mut().buf.push(fetch(1).await);
        c.borrow().buf.clone()
    }
},
run: f(Rc::new(RefCell::new(St { buf: vec![] }))),
}

differential! {
/// s17-2: the same through a `MutexGuard`
/// (`m.lock().unwrap().buf.push(x.await)`).
name: method_on_field_of_mutex_guard_awaited_arg,
items: {
    pub struct St { pub buf: Vec<u32> }
    #[lh] async fn f(m: std::sync::Mutex<St>) -> Vec<u32> {
        m.lock().unwrap().buf.push(fetch(1).await);
        m.into_inner().unwrap().buf
    }
},
run: f(std::sync::Mutex::new(St { buf: vec![7] })),
}

differential! {
/// s17-2: through a `&mut` returned by a method
/// (`v.last_mut().unwrap().buf.push(x.await)`).
name: method_on_field_of_returned_mut_ref_awaited_arg,
items: {
    pub struct St { pub buf: Vec<u32> }
    #[lh] async fn f(mut v: Vec<St>) -> Vec<u32> {
        v.last_mut().unwrap().buf.push(fetch(1).await);
        v.pop().unwrap().buf
    }
},
run: f(vec![St { buf: vec![] }, St { buf: vec![1] }]),
}

differential! {
/// s17-2: a `&self` method on a field of a `Ref` temporary beside an
/// await (`c.borrow().buf.len() + x.await`).
name: method_on_field_of_ref_temporary_beside_await,
items: {
    pub struct St { pub buf: Vec<u32> }
    #[lh] async fn f(c: Rc<RefCell<St>>) -> u32 {
        c.borrow().buf.len() as u32 + fetch(1).await
    }
},
run: f(Rc::new(RefCell::new(St { buf: vec![1, 2] }))),
}

differential! {
    /// Neighbour of s17-2 that passes: a compound assignment to a `Copy`
    /// field of a `RefMut` temporary (`c.borrow_mut().n += x.await`).
    name: compound_assign_field_of_refmut_temporary,
    items: {
        pub struct St { pub n: u32 }
        #[lh] async fn f(c: Rc<RefCell<St>>) -> u32 {
            c.borrow_mut().n += fetch(1).await;
            let n = c.borrow().n;
            n
        }
    },
    run: f(Rc::new(RefCell::new(St { n: 5 }))),
}

differential! {
    /// Neighbour of s17-2 that passes: the method called on the guard
    /// itself (`c.borrow_mut().push(x.await)`).
    name: method_on_refmut_temporary_itself_awaited_arg,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> Vec<u32> {
            c.borrow_mut().push(fetch(1).await);
            let v = c.borrow().clone();
            v
        }
    },
    run: f(Rc::new(RefCell::new(vec![]))),
}

differential! {
    /// stress E, sync form (minimal; fixed): a user `count(&self)` on a
    /// local not used again borrows it: it lives to the end of its scope.
    name: user_count_ref_self_minimal,
    items: {
        pub struct S(pub D);
        impl S { pub fn count(&self) -> u32 { 1 } }
        #[lh] async fn f() -> u32 {
            let s = S(D::new("s"));
            let n = s.count();
            fetch(n).await
        }
    },
    run: f(),
}

differential! {
    /// Neighbour of s17-1 that passes: the box is a parameter, moved out
    /// of into a `let` whose value is used after an await.
    name: box_deref_of_parameter_into_let_kept_across_await,
    items: {
        #[lh] async fn f(b: Box<String>) -> usize {
            let s = *b;
            let n = fetch(1).await as usize;
            s.len() + n
        }
    },
    run: f(Box::new(String::from("abc"))),
}

known_gap! {
    reason: "domains 5 family (runs differently, partial move; was s17-1, E0507, before `*job` of a pattern-bound box counted as a move): `let Job { id, payload, .. } = *job;` moves two fields out of a box and leaves `_d` in it; rustc drops the rest with `job` at the end of the loop body (after the await), longhand drops it at the suspension (dropped after 1 poll: native `[.., \"drop pend\", \"drop j1\", ..]`, lowered `[\"drop j1\", \"-- drop after 1 polls\", ..]`). A partly moved value cannot be kept without per-field drop flags, which need types",
    differential! {
    /// s17-1, realistic: a worker draining a queue of boxed jobs,
    /// destructuring each box (`let Job { id, payload } = *job;`) and
    /// sending the payload with an await.
    name: boxed_job_queue_destructured_then_sent,
    items: {
        pub struct Job { pub id: u32, pub payload: String, pub _d: D }
        async fn send(p: String) -> usize { pend(1, p.len()).await }
        #[lh] async fn worker(mut q: VecDeque<Box<Job>>) -> Vec<(u32, usize)> {
            let mut out = vec![];
            while let Some(job) = q.pop_front() {
                let Job { id, payload, .. } = *job;
                let n = send(payload).await;
                out.push((id, n));
            }
            out
        }
    },
    run: worker(VecDeque::from([
        Box::new(Job { id: 1, payload: "ab".into(), _d: D::new("j1") }),
        Box::new(Job { id: 2, payload: "cde".into(), _d: D::new("j2") }),
    ])),
    }
}

differential! {
/// s17-1: the moved-out value is dead before the await (only a `Copy`
/// result of it crosses), but the emptied box is still in scope.
name: box_deref_moved_value_dead_before_await,
items: {
    #[lh] async fn f(v: Vec<Box<String>>) -> usize {
        let mut total = 0;
        for b in v {
            let s = *b;
            let n = s.len() as u32;
            total += fetch(n).await as usize;
        }
        total
    }
},
run: f(vec![Box::new("a".to_string()), Box::new("bcd".to_string())]),
}

differential! {
/// s17-2, realistic: an `&self` service method pushing an awaited
/// reply into a field of its `RefCell` state
/// (`self.state.borrow_mut().replies.push(..)`).
name: service_pushes_awaited_reply_into_refcell_field,
items: {
    pub struct State { pub replies: Vec<u32>, pub sent: u32 }
    pub struct Svc { pub state: RefCell<State>, pub _d: D }
    impl Svc {
        #[lh] pub async fn call(&self, x: u32) -> usize {
            self.state.borrow_mut().sent += 1;
            self.state.borrow_mut().replies.push(fetch(x).await);
            self.state.borrow().replies.len()
        }
    }
},
run: async {
    let s = Svc { state: RefCell::new(State { replies: vec![], sent: 0 }), _d: D::new("svc") };
    let a = s.call(1).await;
    let b = s.call(2).await;
    (a, b)
},
}

differential! {
    /// Neighbour of s17-2 that passes: the guard bound to a local first
    /// (`let mut st = c.borrow_mut(); st.buf.push(x.await);`).
    name: method_on_field_of_named_guard_awaited_arg,
    items: {
        pub struct St { pub buf: Vec<u32> }
        #[lh] async fn f(c: Rc<RefCell<St>>) -> Vec<u32> {
            {
                let mut st = c.borrow_mut();
                st.buf.push(fetch(1).await);
            }
            let v = c.borrow().buf.clone();
            v
        }
    },
    run: f(Rc::new(RefCell::new(St { buf: vec![] }))),
}

differential! {
    /// A user `map(&self, f)` on a local schema used again after an await
    /// (a name `Option`/`Iterator` give `self`): kept, works.
    name: user_map_ref_self_used_again,
    items: {
        pub struct Schema { pub cols: Vec<&'static str>, pub _d: D }
        impl Schema {
            pub fn map<F: Fn(&str) -> String>(&self, f: F) -> Vec<String> { self.cols.iter().map(|c| f(c)).collect() }
        }
        #[lh] async fn f() -> (Vec<String>, usize) {
            let s = Schema { cols: vec!["id", "name"], _d: D::new("schema") };
            let up = s.map(|c| c.to_uppercase());
            let n = fetch(1).await as usize;
            (up, s.cols.len() + n)
        }
    },
    run: f(),
}

differential! {
    /// A closure holding `&mut` to a local `Vec` kept across an await and
    /// called after it, then the `Vec` read.
    name: fnmut_closure_pushing_into_local_across_await,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut seen = vec![];
            let mut record = |x: u32| seen.push(x);
            record(1);
            let y = fetch(2).await;
            record(y);
            seen
        }
    },
    run: f(),
}

differential! {
    /// `Option::get_or_insert_with` on a field of `&mut self`, the borrow
    /// kept across an await inside the method.
    name: get_or_insert_with_on_self_field_across_await,
    items: {
        pub struct Conn { pub session: Option<Vec<u32>>, pub _d: D }
        impl Conn {
            #[lh] pub async fn touch(&mut self, x: u32) -> usize {
                let s = self.session.get_or_insert_with(|| { log("new session"); vec![] });
                s.push(fetch(x).await);
                s.len()
            }
        }
    },
    run: async {
        let mut c = Conn { session: None, _d: D::new("conn") };
        let a = c.touch(1).await;
        let b = c.touch(2).await;
        (a, b)
    },
}
