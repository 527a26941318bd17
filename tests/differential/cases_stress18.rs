//! Stress round 18: code shaped like real crates around traits (methods of
//! trait impls for traits declaring `fn m(&self, ..) -> impl Future`,
//! generic methods with where-clauses and associated types, `Self::CONST`,
//! calls through `&dyn Trait` and `Box<dyn Fn>` across awaits, recursion
//! through `Box::pin`), error handling (`?` with `From` conversions,
//! `map_err`/`ok_or_else`/`and_then`, `?` in loops and in `match` arms
//! after awaits, early returns with several live destructors), strings
//! and parsing (`split`, `lines`, `split_whitespace`, `strip_prefix`,
//! `trim`, `chars().rev()`, `parse` results held across awaits,
//! `format!`/`write!` with awaited arguments), collections (entry API,
//! `retain`, `drain`, `extend`, `iter_mut`/`chunks`/`windows`/
//! `split_at_mut` borrows across awaits, `VecDeque` work queues,
//! `sort_by_key`), `mem::take`/`swap`/`replace`, `Option::as_mut`/
//! `as_deref`/`get_or_insert_with`, `Cell`/`RefCell` borrows, labelled
//! `break` with values, guards calling functions, `let else` with nested
//! patterns, block expressions as arguments, and panics after awaits
//! (`assert!`, overflow, `unwrap` on `None`) with live destructors. Later
//! batches: closures and `async` blocks with their own `return`/`?`,
//! items, `use` and `macro_rules!` declared in bodies, locals named like
//! longhand's generated names and raw identifiers, temporary lifetime
//! extension (`let r = &make();`), evaluation order of assignments with
//! awaits on both sides, short-circuit operators, `async unsafe fn`,
//! `-> impl Debug`, `self: Rc<Self>`/`Box<Self>` receivers, iterator
//! chains whose last adapter takes an awaited argument, and probes of
//! this round's one new finding (s18-1, generators only: a value typed
//! only by a later `yield_!` in a loop, see `differential_stress18.rs`).
//! Failures: the stress P, stress R, s6-1 and domains 5 families.
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
    clippy::unnecessary_literal_unwrap,
    clippy::bool_assert_comparison,
    clippy::op_ref,
    clippy::needless_lifetimes,
    clippy::redundant_locals,
    clippy::manual_range_patterns,
    clippy::option_map_unit_fn,
    clippy::unit_arg,
    clippy::await_holding_refcell_ref,
    clippy::box_collection,
    clippy::toplevel_ref_arg,
    clippy::needless_question_mark
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::future::Future;
use std::pin::Pin;
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

/// Reads a "file": suspends twice, returns its text.
async fn read(path: &str) -> Result<String, IoErr> {
    log(format!("read {path}"));
    pend(2, ()).await;
    match path {
        "port" => Ok(" 8080 \n".into()),
        "bad" => Ok("80x".into()),
        "big" => Ok("99999".into()),
        "cfg" => Ok("name=svc\nport=81\n# c\nworkers=4\n".into()),
        _ => Err(IoErr(format!("no such file {path}"))),
    }
}

#[derive(Debug)]
pub struct IoErr(pub String);

/// A guard-like temporary: holds a dropper, answers a number.
pub struct Tmp(pub D, pub u32);

impl Tmp {
    pub fn get(&self) -> u32 {
        self.0.touch();
        self.1
    }
}

/// Makes a [`Tmp`] named `n` answering `v`.
pub fn mk(n: &'static str, v: u32) -> Tmp {
    log(format!("mk {n}"));
    Tmp(D::new(n), v)
}

// ---------------------------------------------------------------------------
// 1. Traits: `impl Future` methods, associated types and consts, `dyn`
// ---------------------------------------------------------------------------

differential! {
    /// A cache layer implementing a store trait (`fn get(&self, k: &str)
    /// -> impl Future<Output = Option<u32>>`) over an inner store, the key
    /// argument borrowed across the inner await.
    name: trait_store_cache_layer_over_inner,
    items: {
        pub trait Store {
            fn get(&self, k: &str) -> impl Future<Output = Option<u32>>;
        }
        pub struct Mem(pub BTreeMap<String, u32>);
        impl Store for Mem {
            #[lh] async fn get(&self, k: &str) -> Option<u32> {
                log(format!("mem get {k}"));
                pend(1, ()).await;
                self.0.get(k).copied()
            }
        }
        pub struct Cached<S> { pub inner: S, pub hits: RefCell<BTreeMap<String, u32>>, pub _d: D }
        impl<S: Store> Store for Cached<S> {
            #[lh] async fn get(&self, k: &str) -> Option<u32> {
                if let Some(v) = self.hits.borrow().get(k).copied() {
                    log(format!("hit {k}"));
                    return Some(v);
                }
                let v = self.inner.get(k).await?;
                self.hits.borrow_mut().insert(k.to_string(), v);
                pend(1, ()).await;
                Some(v)
            }
        }
    },
    run: async {
        let mut m = BTreeMap::new();
        m.insert("a".to_string(), 1);
        m.insert("b".to_string(), 2);
        let c = Cached { inner: Mem(m), hits: RefCell::new(BTreeMap::new()), _d: D::new("cache") };
        (c.get("a").await, c.get("a").await, c.get("z").await, c.get("b").await)
    },
}

differential! {
    /// A generic reader with a where-clause on an associated type, using
    /// the codec's associated const in a log line between awaits.
    name: generic_method_where_clause_assoc_type_and_const,
    items: {
        pub trait Codec {
            type Item: std::fmt::Debug;
            const TAG: &'static str;
            fn decode(&self, s: &str) -> Option<Self::Item>;
        }
        pub struct Num;
        impl Codec for Num {
            type Item = u32;
            const TAG: &'static str = "num";
            fn decode(&self, s: &str) -> Option<u32> { s.trim().parse().ok() }
        }
        pub struct Reader<C> { pub codec: C, pub _d: D }
        impl<C> Reader<C>
        where
            C: Codec,
            C::Item: Clone,
        {
            #[lh] pub async fn read_all(&self, lines: Vec<&'static str>) -> Vec<C::Item> {
                let mut out = Vec::new();
                for l in lines {
                    let raw = pend(1, l).await;
                    if let Some(v) = self.codec.decode(raw) {
                        out.push(v.clone());
                    } else {
                        log(format!("{} skip {raw:?}", C::TAG));
                        pend(1, ()).await;
                    }
                }
                out
            }
        }
    },
    run: async {
        let r = Reader { codec: Num, _d: D::new("reader") };
        r.read_all(vec![" 1", "x", "3 ", ""]).await
    },
}

differential! {
    /// A pool filling itself up to `Self::MAX` connections, each loaded
    /// by an await, the limit read through `Self::` in a `while`.
    name: self_const_in_while_condition_pool_fill,
    items: {
        pub struct Pool { pub conns: Vec<D> }
        impl Pool {
            const MAX: usize = 3;
            const NAMES: [&'static str; 3] = ["c0", "c1", "c2"];
            #[lh] pub async fn fill(&mut self) -> usize {
                let _span = D::new("fill");
                while self.conns.len() < Self::MAX {
                    let c = load(Self::NAMES[self.conns.len()]).await;
                    self.conns.push(c);
                }
                Self::MAX - 1
            }
        }
    },
    run: async {
        let mut p = Pool { conns: vec![D::new("old")] };
        let n = p.fill().await;
        (n, p.conns.len())
    },
}

differential! {
    /// Ranking through a `&dyn Scorer` parameter used before and after
    /// awaits.
    name: dyn_trait_ref_param_across_awaits,
    items: {
        pub trait Scorer { fn score(&self, x: u32) -> u32; fn name(&self) -> &str; }
        pub struct Mul(pub u32, pub D);
        impl Scorer for Mul {
            fn score(&self, x: u32) -> u32 { self.1.touch(); x * self.0 }
            fn name(&self) -> &str { "mul" }
        }
        #[lh] pub async fn rank(s: &dyn Scorer, xs: Vec<u32>) -> Vec<(u32, String)> {
            let label = s.name();
            let mut out = Vec::new();
            for x in xs {
                let y = fetch(x).await;
                out.push((s.score(y), label.to_string()));
            }
            out.sort_by_key(|p| std::cmp::Reverse(p.0));
            out
        }
    },
    run: async {
        let m = Mul(3, D::new("mul"));
        rank(&m, vec![2, 5, 1]).await
    },
}

differential! {
    /// A `Box<dyn Fn>` local capturing a dropper, called before and after
    /// awaits, and dropped at the end of scope.
    name: boxed_dyn_fn_local_across_awaits,
    items: {
        #[lh] pub async fn f(k: u32) -> usize {
            let tag = D::new("tag");
            let score: Box<dyn Fn(u32) -> usize> = Box::new(move |x| tag.touch() + (x + k) as usize);
            let a = score(fetch(1).await);
            let _mid = D::new("mid");
            let b = score(fetch(2).await);
            a + b
        }
    },
    run: f(10),
}

differential! {
    /// A router: a `BTreeMap` of boxed handlers returning boxed futures,
    /// looked up by an awaited path and awaited.
    name: router_of_boxed_fn_returning_boxed_futures,
    items: {
        pub type BoxFut = Pin<Box<dyn Future<Output = u32>>>;
        pub type Handler = Box<dyn Fn(u32) -> BoxFut>;
        pub fn routes() -> BTreeMap<&'static str, Handler> {
            let mut m: BTreeMap<&'static str, Handler> = BTreeMap::new();
            m.insert("/double", Box::new(|x| Box::pin(fetch(x))));
            m.insert("/inc", Box::new(|x| Box::pin(async move { pend(2, ()).await; x + 1 })));
            m
        }
        #[lh] pub async fn serve(paths: Vec<&'static str>) -> Vec<Option<u32>> {
            let r = routes();
            let _srv = D::new("srv");
            let mut out = Vec::new();
            for p in paths {
                let path = pend(1, p).await;
                match r.get(path) {
                    Some(h) => out.push(Some(h(out.len() as u32 + 1).await)),
                    None => { log(format!("404 {path}")); out.push(None) }
                }
            }
            out
        }
    },
    run: serve(vec!["/double", "/nope", "/inc"]),
}

differential! {
    /// Recursion over a tree through a boxed, pinned future of a helper
    /// borrowing the node.
    name: box_pin_recursion_over_borrowed_tree,
    items: {
        pub struct Tree { pub v: u32, pub kids: Vec<Tree>, pub _d: D }
        pub fn sum<'a>(t: &'a Tree) -> Pin<Box<dyn Future<Output = u32> + 'a>> {
            Box::pin(sum_inner(t))
        }
        #[lh] pub async fn sum_inner(t: &Tree) -> u32 {
            let mut s = pend(1, t.v).await;
            for c in &t.kids {
                s += sum(c).await;
            }
            log(format!("sum {} = {s}", t.v));
            s
        }
    },
    run: async {
        let t = Tree { v: 1, _d: D::new("root"), kids: vec![
            Tree { v: 2, kids: vec![], _d: D::new("l") },
            Tree { v: 3, _d: D::new("r"), kids: vec![Tree { v: 4, kids: vec![], _d: D::new("rl") }] },
        ]};
        sum(&t).await
    },
}

differential! {
    /// Recursion through `Box::pin` with `?` on the recursive result and a
    /// dropper per level: the innermost level fails.
    name: box_pin_recursion_with_question_mark,
    items: {
        #[lh] pub async fn depth(n: u32, _d: D) -> Result<u32, String> {
            let _lvl = D::new("lvl");
            if n == 0 {
                pend(1, ()).await;
                return Err("bottom".into());
            }
            let r = Box::pin(depth(n - 1, D::new("arg"))).await?;
            Ok(r + 1)
        }
        #[lh] pub async fn top() -> (Result<u32, String>, u32) {
            let r = depth(2, D::new("top")).await;
            (r, fetch(1).await)
        }
    },
    run: top(),
}

differential! {
    /// A generic executor over jobs of a trait with an associated output
    /// type and an `impl Future` method.
    name: generic_executor_assoc_output,
    items: {
        pub trait Job {
            type Out: std::fmt::Debug;
            fn run(&self) -> impl Future<Output = Self::Out>;
            fn id(&self) -> u32;
        }
        pub struct Sq(pub u32, pub D);
        impl Job for Sq {
            type Out = (u32, u32);
            #[lh] async fn run(&self) -> (u32, u32) {
                let x = fetch(self.0).await;
                (self.0, x * x)
            }
            fn id(&self) -> u32 { self.0 }
        }
        #[lh] pub async fn exec_all<J: Job>(jobs: Vec<J>) -> Vec<J::Out> {
            let mut out = Vec::with_capacity(jobs.len());
            for j in jobs.iter().rev() {
                log(format!("run {}", j.id()));
                out.push(j.run().await);
            }
            out
        }
    },
    run: exec_all(vec![Sq(1, D::new("j1")), Sq(2, D::new("j2"))]),
}

differential! {
    /// A trait method calling a sibling through fully qualified syntax
    /// (`<Self as Fetch>::get(self, ..)`) and `Self::` inside a loop.
    name: ufcs_self_call_in_trait_impl,
    items: {
        pub trait Fetch {
            fn get(&self, k: u32) -> impl Future<Output = u32>;
            fn get_many(&self, ks: Vec<u32>) -> impl Future<Output = u32>;
        }
        pub struct Api(pub D);
        impl Fetch for Api {
            #[lh] async fn get(&self, k: u32) -> u32 {
                self.0.touch();
                fetch(k).await
            }
            #[lh] async fn get_many(&self, ks: Vec<u32>) -> u32 {
                let mut t = <Self as Fetch>::get(self, 100).await;
                for k in ks {
                    t += Self::get(self, k).await;
                }
                t
            }
        }
    },
    run: async { let a = Api(D::new("api")); a.get_many(vec![1, 2]).await },
}

differential! {
    /// A `&mut dyn Sink` parameter written to between awaits, with the
    /// formatted line built from awaited parts.
    name: mut_dyn_sink_param_between_awaits,
    items: {
        pub trait Sink { fn push(&mut self, s: String); fn count(&self) -> usize; }
        pub struct VecSink(pub Vec<String>, pub D);
        impl Sink for VecSink {
            fn push(&mut self, s: String) { log(format!("push {s}")); self.0.push(s); }
            fn count(&self) -> usize { self.0.len() }
        }
        #[lh] pub async fn pump(sink: &mut dyn Sink, n: u32) -> usize {
            for i in 0..n {
                let line = format!("{}:{}", i, fetch(i).await);
                sink.push(line);
                if sink.count() > 1 { pend(1, ()).await; }
            }
            sink.count()
        }
    },
    run: async {
        let mut s = VecSink(Vec::new(), D::new("sink"));
        let n = pump(&mut s, 3).await;
        (n, s.0.clone())
    },
}

differential! {
    /// A vector of boxed trait objects walked by reference, each called
    /// with an awaited argument.
    name: vec_of_boxed_dyn_scorers,
    items: {
        pub trait Scorer { fn score(&self, x: u32) -> u32; }
        pub struct Add(pub u32, pub D);
        pub struct Neg(pub D);
        impl Scorer for Add { fn score(&self, x: u32) -> u32 { self.1.touch(); x + self.0 } }
        impl Scorer for Neg { fn score(&self, x: u32) -> u32 { self.0.touch(); 100 - x } }
        #[lh] pub async fn total(scorers: Vec<Box<dyn Scorer>>, x: u32) -> u32 {
            let mut t = 0;
            for s in &scorers {
                t += s.score(pend(1, x).await);
            }
            let last = scorers.last().map(|s| s.score(1)).unwrap_or(0);
            pend(1, ()).await;
            t + last
        }
    },
    run: total(vec![Box::new(Add(1, D::new("add"))), Box::new(Neg(D::new("neg")))], 7),
}

differential! {
    /// A generic function parsing with `T: FromStr` whose error is only
    /// `Display`, `?` after `map_err`, values awaited in between.
    name: generic_fromstr_parse_map_err_question,
    items: {
        #[lh] pub async fn parse_all<T>(xs: Vec<&'static str>) -> Result<Vec<T>, String>
        where
            T: std::str::FromStr + std::fmt::Debug,
            T::Err: std::fmt::Display,
        {
            let _g = D::new("parse");
            let mut out = Vec::new();
            for x in xs {
                let s = pend(1, x).await;
                let v: T = s.parse::<T>().map_err(|e| format!("{s:?}: {e}"))?;
                out.push(v);
            }
            Ok(out)
        }
    },
    run: async {
        (parse_all::<u8>(vec!["1", "2"]).await, parse_all::<u8>(vec!["3", "300", "4"]).await)
    },
}

differential! {
    /// A struct holding a boxed parser closure field, called on awaited
    /// input in an async method; the struct's dropper outlives the loop.
    name: struct_boxed_closure_field_called_on_awaited_input,
    items: {
        pub struct Decoder { pub parse: Box<dyn Fn(&str) -> Option<u32>>, pub _d: D }
        impl Decoder {
            #[lh] pub async fn decode(&self, raw: Vec<&'static str>) -> (u32, usize) {
                let mut sum = 0;
                let mut bad = 0;
                for r in raw {
                    match (self.parse)(pend(1, r).await) {
                        Some(v) => sum += fetch(v).await,
                        None => bad += 1,
                    }
                }
                (sum, bad)
            }
        }
    },
    run: async {
        let d = Decoder { parse: Box::new(|s| s.strip_prefix('#')?.parse().ok()), _d: D::new("dec") };
        d.decode(vec!["#1", "2", "#x", "#3"]).await
    },
}

// ---------------------------------------------------------------------------
// 2. Error handling
// ---------------------------------------------------------------------------

differential! {
    /// `?` converting two error types through `From`, the file text and a
    /// dropper live across the awaits.
    name: question_mark_from_conversions,
    items: {
        #[derive(Debug)]
        pub enum AppErr { Io(String), Parse(String), Range(u32) }
        impl From<IoErr> for AppErr { fn from(e: IoErr) -> Self { AppErr::Io(e.0) } }
        impl From<std::num::ParseIntError> for AppErr { fn from(e: std::num::ParseIntError) -> Self { AppErr::Parse(e.to_string()) } }
        #[lh] pub async fn port(path: &'static str) -> Result<u16, AppErr> {
            let _ctx = D::new("ctx");
            let raw = read(path).await?;
            let n: u32 = raw.trim().parse()?;
            let _v = D::new("validated");
            pend(1, ()).await;
            u16::try_from(n).map_err(|_| AppErr::Range(n))
        }
    },
    run: async { (port("port").await, port("bad").await, port("nope").await, port("big").await) },
}

differential! {
    /// `.map_err(|e| ..)?` whose closure reads a live dropper, after an
    /// await, in a loop.
    name: map_err_closure_reads_live_dropper,
    items: {
        #[lh] pub async fn f(xs: Vec<u32>) -> Result<u32, String> {
            let ctx = D::new("ctx");
            let mut t = 0;
            for x in xs {
                let _it = D::new("it");
                t += check(x).await.map_err(|e| format!("{}: {e}", ctx.0))?;
            }
            Ok(t)
        }
    },
    run: async { (f(vec![2, 4]).await, f(vec![2, 3, 6]).await) },
}

differential! {
    /// `ok_or_else(..)?` on an awaited lookup, the closure formatting a
    /// borrowed key.
    name: ok_or_else_question_on_awaited_lookup,
    items: {
        #[lh] pub async fn user(k: &str) -> Result<(String, usize), String> {
            let _s = D::new("sess");
            let name = lookup(k).await.ok_or_else(|| format!("missing {k}"))?;
            let n = fetch(name.len() as u32).await as usize;
            Ok((name, n))
        }
    },
    run: async { (user("bob").await, user("al").await) },
}

differential! {
    /// `and_then` on an awaited result, then a `match` with awaits in the
    /// arms and a guard.
    name: and_then_then_match_with_awaits,
    items: {
        #[lh] pub async fn f(a: u32) -> String {
            let _d = D::new("d");
            let r = check(a).await.and_then(|x| if x > 1 { Ok(x) } else { Err(format!("small {x}")) });
            match r {
                Ok(x) if x > 3 => format!("big {}", fetch(x).await),
                Ok(x) => format!("ok {}", fetch(x + 100).await),
                Err(e) => { let _e = D::new("err"); pend(1, ()).await; e }
            }
        }
    },
    run: async { (f(2).await, f(4).await, f(10).await, f(3).await) },
}

differential! {
    /// `?` inside a `match` arm after awaits, with droppers in the arm and
    /// around the `match`.
    name: question_mark_inside_match_arms_after_awaits,
    items: {
        #[lh] pub async fn f(kind: u32, a: u32, b: u32) -> Result<u32, String> {
            let _outer = D::new("outer");
            let v = match kind {
                0 => check(a).await?,
                1 => {
                    let _arm = D::new("arm");
                    fetch(a).await + check(b).await?
                }
                _ => {
                    let x = fetch(b).await;
                    check(x + 1).await.map(|y| y * 10)?
                }
            };
            let _tail = D::new("tail");
            Ok(v + fetch(1).await)
        }
    },
    run: async { (f(0, 2, 0).await, f(1, 1, 3).await, f(1, 1, 4).await, f(2, 0, 1).await) },
}

differential! {
    /// An early `return Err` from deep inside `for`/`if`/block, three
    /// droppers live at different levels, and a pending-free path.
    name: early_return_several_live_destructors,
    items: {
        #[lh] pub async fn f(xs: Vec<u32>, limit: u32) -> Result<u32, String> {
            let _a = D::new("a");
            let mut sum = 0;
            for x in xs {
                let _b = D::new("b");
                {
                    let _c = D::new("c");
                    let y = fetch(x).await;
                    if y > limit {
                        let _e = D::new("e");
                        log("too big");
                        return Err(format!("{y} > {limit}"));
                    }
                    sum += y;
                }
                pend(1, ()).await;
            }
            Ok(sum)
        }
    },
    run: async { (f(vec![1, 2], 10).await, f(vec![1, 9, 2], 10).await) },
}

differential! {
    /// `?` on `Option` in an async fn returning `Option`, on an awaited
    /// lookup and on a sync `chars().next()`.
    name: option_question_mark_chain,
    items: {
        #[lh] pub async fn initial(k: &'static str) -> Option<(char, u32)> {
            let _d = D::new("d");
            let name = lookup(k).await?;
            let c = name.chars().rev().find(|c| *c != 'X')?;
            let n = fetch(c as u32 % 7).await;
            Some((c, n))
        }
    },
    run: async { (initial("abc").await, initial("a").await, initial("XXX").await) },
}

differential! {
    /// `Box<dyn Error>` as the error type: `?` on a parse error and on a
    /// `String` converted by `into()`.
    name: box_dyn_error_question_mark,
    items: {
        #[lh] pub async fn f(s: &'static str) -> Result<u32, Box<dyn std::error::Error>> {
            let _g = D::new("g");
            let t = pend(1, s).await;
            let n: u32 = t.parse()?;
            if n == 0 {
                return Err("zero".into());
            }
            Ok(fetch(n).await)
        }
        #[lh] pub async fn all() -> Vec<String> {
            let mut out = Vec::new();
            for s in ["3", "x", "0"] {
                out.push(match f(s).await { Ok(v) => v.to_string(), Err(e) => e.to_string() });
            }
            out
        }
    },
    run: all(),
}

differential! {
    /// An async block used as a `try` block inside the body: `?` inside it
    /// returns from the block, not from the function.
    name: async_block_as_try_block,
    items: {
        #[lh] pub async fn f(x: u32) -> (Result<u32, String>, u32) {
            let _d = D::new("d");
            let r: Result<u32, String> = async {
                let a = check(x).await?;
                let _in = D::new("in");
                let b = check(a * 2).await?;
                Ok(a + b)
            }.await;
            (r, fetch(x).await)
        }
    },
    run: async { (f(4).await, f(3).await) },
}

differential! {
    /// Collecting parse results into `Result<Vec<_>, _>`, `?` after
    /// `map_err`, then awaits over the parsed values.
    name: collect_result_vec_then_awaits,
    items: {
        #[lh] pub async fn f(line: &'static str) -> Result<u32, String> {
            let raw = pend(1, line).await;
            let parts: Vec<&str> = raw.split(',').map(str::trim).collect();
            let nums: Result<Vec<u32>, _> = parts.iter().map(|s| s.parse::<u32>()).collect();
            let nums = nums.map_err(|e| format!("{raw:?}: {e}"))?;
            let mut t = 0;
            for n in &nums { t += fetch(*n).await; }
            Ok(t)
        }
    },
    run: async { (f("1, 2,3").await, f("1,,2").await) },
}

differential! {
    /// A retry loop: `match` on an awaited result with a guard on the
    /// attempt number, `continue` on retryable errors, returns from arms.
    name: retry_loop_guards_and_returns,
    items: {
        #[lh] pub async fn f(start: u32) -> Result<u32, String> {
            let _conn = D::new("conn");
            for attempt in 0..3 {
                let _try = D::new("try");
                match check(start + attempt).await {
                    Ok(v) => return Ok(v + attempt),
                    Err(e) if attempt < 2 => {
                        log(format!("retry after {e}"));
                        pend(attempt, ()).await;
                        continue;
                    }
                    Err(e) => return Err(format!("gave up: {e}")),
                }
            }
            unreachable!()
        }
    },
    run: async { (f(1).await, f(2).await) },
}

differential! {
    /// An error carrying a dropper back to the caller while other droppers
    /// of the body are dropped.
    name: error_carries_dropper_out,
    items: {
        #[lh] pub async fn f(x: u32) -> Result<D, (D, String)> {
            let res = load("res").await;
            let _other = D::new("other");
            match check(x).await {
                Ok(_) => Ok(res),
                Err(e) => {
                    pend(1, ()).await;
                    Err((res, e))
                }
            }
        }
    },
    run: async { let a = f(2).await; log("between"); let b = f(3).await; (a.is_ok(), b.is_err()) },
}

differential! {
    /// `unwrap_or_else` with a logging closure after an await, and
    /// `unwrap_or_default` on a lookup.
    name: unwrap_or_else_after_await,
    items: {
        #[lh] pub async fn f(a: u32, k: &'static str) -> (u32, String) {
            let _d = D::new("d");
            let v = check(a).await.unwrap_or_else(|e| { log(format!("fallback: {e}")); 0 });
            let s = lookup(k).await.unwrap_or_default();
            (v, s)
        }
    },
    run: async { (f(4, "abc").await, f(5, "x").await) },
}

differential! {
    /// A custom error with `From<String>`, `?` both on a `String` error and
    /// on a custom one, a guard calling a function on the error.
    name: custom_error_from_string_guard_on_error,
    items: {
        #[derive(Debug)]
        pub struct E { pub msg: String, pub code: u32 }
        impl From<String> for E { fn from(msg: String) -> Self { E { msg, code: 500 } } }
        pub fn retryable(e: &E) -> bool { e.code >= 500 }
        #[lh] pub async fn step(x: u32) -> Result<u32, E> {
            let v = check(x).await?;
            if v > 5 { return Err(E { msg: "too big".into(), code: 400 }); }
            Ok(v)
        }
        #[lh] pub async fn f(xs: Vec<u32>) -> Vec<String> {
            let mut out = Vec::new();
            for x in xs {
                let _d = D::new("x");
                out.push(match step(x).await {
                    Ok(v) => format!("ok {v}"),
                    Err(e) if retryable(&e) => format!("retry {} {}", e.msg, step(x + 1).await.map(|v| v * 10).unwrap_or(0)),
                    Err(e) => format!("fail {}", e.msg),
                });
            }
            out
        }
    },
    run: f(vec![2, 3, 20]),
}

// ---------------------------------------------------------------------------
// 3. Strings and parsing
// ---------------------------------------------------------------------------

differential! {
    /// A `split(',')` iterator over an owned line held across awaits in a
    /// `while let`.
    name: split_iterator_held_across_awaits,
    items: {
        #[lh] pub async fn f(line: String) -> Vec<u32> {
            let _d = D::new("d");
            let mut parts = line.split(',');
            let mut out = Vec::new();
            while let Some(p) = parts.next() {
                let Ok(n) = p.trim().parse::<u32>() else {
                    log(format!("skip {p:?}"));
                    continue;
                };
                out.push(fetch(n).await);
            }
            out
        }
    },
    run: f("1, x,3,,4".to_string()),
}

differential! {
    /// `lines()` with a header taken by `ok_or(..)?` and the rest walked
    /// with awaits; the text is read by an await first.
    name: lines_header_then_body_with_awaits,
    items: {
        #[lh] pub async fn f(path: &'static str) -> Result<Vec<(String, String)>, String> {
            let text = read(path).await.map_err(|e| e.0)?;
            let mut lines = text.lines();
            let header = lines.next().ok_or("empty")?;
            log(format!("header {header}"));
            let mut out = Vec::new();
            for l in lines {
                if l.starts_with('#') { pend(1, ()).await; continue; }
                let (k, v) = l.split_once('=').ok_or_else(|| format!("no = in {l:?}"))?;
                let v = pend(1, v.to_string()).await;
                out.push((k.to_string(), v));
            }
            Ok(out)
        }
    },
    run: async { (f("cfg").await, f("port").await, f("gone").await) },
}

differential! {
    /// `split_whitespace` collected into a `Vec<&str>` that borrows a
    /// local `String` and is indexed after awaits.
    name: split_whitespace_vec_of_borrows_across_awaits,
    items: {
        #[lh] pub async fn f(cmd: &'static str) -> String {
            let owned = pend(1, cmd.to_string()).await;
            let words: Vec<&str> = owned.split_whitespace().collect();
            let _d = D::new("d");
            let n = fetch(words.len() as u32).await;
            match words.as_slice() {
                ["SET", k, v] => format!("set {k}={v} ({n})"),
                ["GET", k] => format!("get {k} -> {:?}", lookup(k).await),
                [] => "empty".to_string(),
                [first, ..] => format!("unknown {first}"),
            }
        }
    },
    run: async { (f("SET a 1").await, f("  GET  key ").await, f("  ").await, f("DEL x").await) },
}

differential! {
    /// `strip_prefix` results held across awaits in an `if let .. else if
    /// let .. else` chain, an await in every branch.
    name: strip_prefix_chain_awaits_every_branch,
    items: {
        #[lh] pub async fn f(req: &'static str) -> String {
            let _r = D::new("req");
            if let Some(rest) = req.strip_prefix("GET ") {
                let v = lookup(rest).await;
                format!("got {rest}: {v:?}")
            } else if let Some(rest) = req.strip_prefix("PUT ") {
                let (k, v) = rest.split_once(' ').unwrap_or((rest, ""));
                let _p = D::new("put");
                format!("put {k} {}", fetch(v.len() as u32).await)
            } else if let Some(n) = req.strip_prefix("WAIT ").and_then(|s| s.parse::<u32>().ok()) {
                pend(n, ()).await;
                format!("waited {n}")
            } else {
                pend(1, ()).await;
                format!("bad {req:?}")
            }
        }
    },
    run: async { (f("GET user").await, f("PUT k vvv").await, f("WAIT 2").await, f("WAIT x").await) },
}

differential! {
    /// A `trim()` slice of an awaited `String` kept across more awaits,
    /// and `chars().rev()` collected after them.
    name: trim_slice_and_chars_rev_across_awaits,
    items: {
        #[lh] pub async fn f() -> (String, usize) {
            let raw = pend(1, String::from("  hello world  ")).await;
            let t = raw.trim();
            let _d = D::new("d");
            let n = fetch(t.len() as u32).await as usize;
            let rev: String = t.chars().rev().collect();
            pend(1, ()).await;
            (rev, n + t.len())
        }
    },
    run: f(),
}

differential! {
    /// `write!` into a `String` with awaited arguments, in a loop, and
    /// `format!` with an inline-captured name beside an awaited value.
    name: write_macro_with_awaited_arguments,
    items: {
        #[lh] pub async fn f(ids: Vec<u32>) -> String {
            let mut out = String::new();
            let prefix = "id";
            for id in ids {
                let _d = D::new("row");
                write!(out, "{prefix}{id}={};", fetch(id).await).unwrap();
            }
            let tail = format!("[{prefix}] n={} sum={}", out.matches(';').count(), fetch(0).await);
            out.push_str(&tail);
            out
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// A request line split by `splitn(3, ' ')`, dispatched on the method
    /// with awaits in each arm, the path slice borrowed across them.
    name: request_line_splitn_dispatch,
    items: {
        #[lh] pub async fn handle(line: String) -> Result<String, String> {
            let mut it = line.splitn(3, ' ');
            let method = it.next().ok_or("no method")?;
            let path = it.next().ok_or_else(|| format!("no path in {line:?}"))?;
            let version = it.next().unwrap_or("HTTP/1.0");
            let _conn = D::new("conn");
            let body = match method {
                "GET" => lookup(path).await.unwrap_or_else(|| "404".into()),
                "POST" => { let n = fetch(path.len() as u32).await; format!("created {n}") }
                m => return Err(format!("bad method {m}")),
            };
            pend(1, ()).await;
            Ok(format!("{version} {path} {body}"))
        }
    },
    run: async {
        (handle("GET /users HTTP/1.1".into()).await, handle("POST /x".into()).await,
         handle("DELETE /y".into()).await, handle("GET".into()).await)
    },
}

differential! {
    /// A `key=value` config parsed into a `BTreeMap` with validation of
    /// each value by an await, `?` inside the loop.
    name: config_parse_into_btreemap_validated,
    items: {
        #[lh] pub async fn f(text: &'static str) -> Result<BTreeMap<String, u32>, String> {
            let mut m = BTreeMap::new();
            let _p = D::new("parser");
            for (i, l) in text.lines().enumerate() {
                let l = l.trim();
                if l.is_empty() || l.starts_with('#') { continue; }
                let Some((k, v)) = l.split_once('=') else {
                    return Err(format!("line {}: no '='", i + 1));
                };
                let n: u32 = v.trim().parse().map_err(|e| format!("line {}: {e}", i + 1))?;
                let ok = check(n).await.is_ok();
                m.insert(k.trim().to_string(), if ok { n } else { fetch(n).await });
            }
            Ok(m)
        }
    },
    run: async { (f("a = 2\n# c\n\nb=3\n").await, f("a=1\nb\n").await, f("a=x").await) },
}

differential! {
    /// A `match` on a temporary `String`'s `as_str()` (`to_lowercase()`),
    /// kept alive across the awaits in the arms.
    name: match_on_temporary_lowercase_as_str,
    items: {
        #[lh] pub async fn f(cmd: &'static str) -> u32 {
            let _d = D::new("d");
            match cmd.to_lowercase().as_str() {
                "get" => fetch(1).await,
                "put" | "post" => { let _w = D::new("w"); fetch(2).await + fetch(3).await }
                other => { log(format!("other {other}")); pend(1, other.len() as u32).await }
            }
        }
    },
    run: async { (f("GET").await, f("Post").await, f("Zap").await) },
}

differential! {
    /// A `match` on an awaited `Option<String>`'s `as_deref()`, string
    /// patterns, an arm awaiting with the borrowed `&str`.
    name: match_on_awaited_option_as_deref,
    items: {
        #[lh] pub async fn f(k: &'static str) -> String {
            match lookup(k).await.as_deref() {
                Some("ABC") => "abc!".to_string(),
                Some(other) => { let _d = D::new("other"); let n = fetch(other.len() as u32).await; format!("{other}:{n}") }
                None => { pend(1, ()).await; "none".to_string() }
            }
        }
    },
    run: async { (f("abc").await, f("hello").await, f("x").await) },
}

differential! {
    /// A `Peekable<Chars>` tokenizer held across awaits, numbers built
    /// digit by digit, an await per token.
    name: peekable_chars_tokenizer_across_awaits,
    items: {
        #[derive(Debug)]
        pub enum Tok { Num(u32), Op(char) }
        #[lh] pub async fn lex(src: String) -> Vec<Tok> {
            let mut it = src.chars().peekable();
            let mut out = Vec::new();
            while let Some(&c) = it.peek() {
                if c.is_ascii_digit() {
                    let mut n = 0;
                    while let Some(d) = it.peek().and_then(|c| c.to_digit(10)) {
                        n = n * 10 + d;
                        it.next();
                    }
                    out.push(Tok::Num(pend(1, n).await));
                } else if c.is_whitespace() {
                    it.next();
                } else {
                    it.next();
                    let _op = D::new("op");
                    out.push(Tok::Op(pend(1, c).await));
                }
            }
            out
        }
    },
    run: lex("12 + 3*45".to_string()),
}

differential! {
    /// `char_indices` with a slice `&s[i..]` taken at a separator and held
    /// across an await, the loop broken with a value.
    name: char_indices_slice_held_then_break_value,
    items: {
        #[lh] pub async fn f(s: String) -> (usize, String) {
            let mut found = None;
            for (i, c) in s.char_indices() {
                if c == ':' {
                    let rest = &s[i + 1..];
                    let n = fetch(rest.len() as u32).await;
                    found = Some((n as usize, rest.trim().to_string()));
                    break;
                }
                if i > 10 { pend(1, ()).await; }
            }
            found.unwrap_or((0, String::new()))
        }
    },
    run: async { (f("key: value".into()).await, f("nocolon".into()).await) },
}

differential! {
    /// `bytes()` walked with an await at each separator, counting fields;
    /// a `String` rebuilt with `insert` and `push_str` of awaited text.
    name: bytes_walk_and_string_rebuild,
    items: {
        #[lh] pub async fn f(s: &'static str) -> (usize, String) {
            let mut fields = 1;
            for b in s.bytes() {
                if b == b',' { fields += pend(1, 1).await; }
            }
            let mut out = String::with_capacity(8);
            out.push_str(&lookup(s).await.unwrap_or_default());
            out.insert(0, '<');
            out.push('>');
            (fields, out)
        }
    },
    run: f("a,b,c"),
}

differential! {
    /// `parse::<u32>()` errors reported per line with `lines().enumerate()`,
    /// good lines awaited, the error count returned.
    name: parse_errors_per_line_counted,
    items: {
        #[lh] pub async fn f(text: String) -> (u32, Vec<String>) {
            let mut sum = 0;
            let mut errs = Vec::new();
            for (no, line) in text.lines().enumerate() {
                match line.parse::<u32>() {
                    Ok(n) => sum += fetch(n).await,
                    Err(e) => {
                        let _e = D::new("err");
                        errs.push(format!("{}: {e}", no + 1));
                        pend(1, ()).await;
                    }
                }
            }
            (sum, errs)
        }
    },
    run: f("1\nx\n3\n-4".into()),
}

// ---------------------------------------------------------------------------
// 4. Collections
// ---------------------------------------------------------------------------

differential! {
    /// `*map.entry(k).or_insert(0) += awaited`: for primitive compound
    /// assignment rustc evaluates the right operand first, then the place
    /// (whose key is logged by `val`).
    name: entry_or_insert_compound_assign_awaited_rhs,
    items: {
        #[lh] pub async fn f(words: Vec<&'static str>) -> Vec<(&'static str, u32)> {
            let mut counts: HashMap<&'static str, u32> = HashMap::new();
            for w in words {
                *counts.entry(val("key", w)).or_insert(0) += fetch(w.len() as u32).await;
            }
            let mut v: Vec<_> = counts.into_iter().collect();
            v.sort();
            v
        }
    },
    run: f(vec!["ab", "c", "ab"]),
}

differential! {
    /// `BTreeMap` entry with `and_modify(..).or_insert_with(..)`, the
    /// value computed by an await before the entry call.
    name: btreemap_entry_and_modify_or_insert_with,
    items: {
        #[lh] pub async fn f(ks: Vec<u32>) -> BTreeMap<u32, Vec<u32>> {
            let mut m: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
            for k in ks {
                let v = fetch(k).await;
                m.entry(k % 3).and_modify(|e| e.push(v)).or_insert_with(|| { log(format!("new {}", k % 3)); vec![v] });
                pend(1, ()).await;
            }
            m
        }
    },
    run: f(vec![1, 4, 2, 7]),
}

differential! {
    /// `entry().or_default().push(awaited)` on a field of `&mut self`, the
    /// pushed value computed by an await inside the argument.
    name: entry_or_default_push_awaited_argument_on_field,
    items: {
        pub struct Index { pub by_len: BTreeMap<usize, Vec<u32>>, pub _d: D }
        impl Index {
            #[lh] pub async fn add(&mut self, words: Vec<&'static str>) -> usize {
                for w in words {
                    self.by_len.entry(w.len()).or_default().push(fetch(w.len() as u32).await);
                }
                self.by_len.len()
            }
        }
    },
    run: async {
        let mut ix = Index { by_len: BTreeMap::new(), _d: D::new("ix") };
        let n = ix.add(vec!["a", "bb", "c"]).await;
        (n, ix.by_len.clone())
    },
}

differential! {
    /// `retain` with a closure capturing a set computed by an await, then
    /// `extend` with awaited values.
    name: retain_with_awaited_set_then_extend,
    items: {
        #[lh] pub async fn f(mut v: Vec<u32>) -> Vec<u32> {
            let bad: HashSet<u32> = pend(1, [2u32, 4].into_iter().collect()).await;
            v.retain(|x| !bad.contains(x));
            let _d = D::new("d");
            let more = vec![fetch(10).await, fetch(11).await];
            v.extend(more.iter().map(|x| x + 1));
            v.extend(pend(1, vec![0, 0]).await);
            v
        }
    },
    run: f(vec![1, 2, 3, 4, 5]),
}

differential! {
    /// `for d in v.drain(..)` over droppers with an await per item:
    /// cancelled mid-way, the `Drain` drops the rest.
    name: drain_all_droppers_with_awaits,
    items: {
        #[lh] pub async fn f() -> usize {
            let mut v = vec![D::new("d0"), D::new("d1"), D::new("d2")];
            let mut n = 0;
            for d in v.drain(..) {
                pend(1, ()).await;
                n += d.touch();
            }
            v.push(D::new("after"));
            n + v.len()
        }
    },
    run: f(),
}

differential! {
    /// `drain(1..3)` collected into a new vector, awaited per element,
    /// then the shortened vector used.
    name: drain_range_collected_then_awaits,
    items: {
        #[lh] pub async fn f() -> (Vec<&'static str>, usize) {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")];
            let taken: Vec<D> = v.drain(1..3).collect();
            for t in &taken { pend(1, ()).await; t.touch(); }
            drop(taken);
            let n = fetch(v.len() as u32).await as usize;
            (v.iter().map(|d| d.0).collect(), n)
        }
    },
    run: f(),
}

differential! {
    /// `iter_mut()` over a local vector with each slot updated by an
    /// await: the mutable borrow lives across the suspensions.
    name: iter_mut_slots_updated_by_awaits,
    items: {
        #[lh] pub async fn f(mut v: Vec<u32>) -> Vec<u32> {
            let _d = D::new("d");
            for slot in v.iter_mut() {
                *slot += fetch(*slot).await;
            }
            for (i, slot) in v.iter_mut().enumerate().rev() {
                if i == 0 { break; }
                *slot = pend(1, *slot * 10).await;
            }
            v
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `chunks(2)` and `windows(2)` over a parameter slice, awaits inside,
    /// a `break` from the windows loop.
    name: chunks_and_windows_with_awaits,
    items: {
        #[lh] pub async fn f(data: Vec<u32>) -> (Vec<u32>, Option<usize>) {
            let mut sums = Vec::new();
            for c in data.chunks(2) {
                let s: u32 = c.iter().sum();
                sums.push(fetch(s).await);
            }
            let mut first_drop = None;
            for (i, w) in data.windows(2).enumerate() {
                let _w = D::new("w");
                if pend(1, w[1] < w[0]).await {
                    first_drop = Some(i);
                    break;
                }
            }
            (sums, first_drop)
        }
    },
    run: f(vec![1, 3, 5, 2, 4]),
}

differential! {
    /// `split_at_mut` halves written through across awaits.
    name: split_at_mut_halves_across_awaits,
    items: {
        #[lh] pub async fn f(mut v: Vec<u32>) -> Vec<u32> {
            {
                let (a, b) = v.split_at_mut(2);
                a[0] = fetch(a[1]).await;
                b[0] += a[0];
                pend(1, ()).await;
                a[1] = b[b.len() - 1] + pend(1, 1).await;
            }
            v.push(fetch(0).await);
            v
        }
    },
    run: f(vec![1, 2, 3, 4]),
}

differential! {
    /// A `VecDeque` work queue: jobs popped from the front, children
    /// pushed to the back, a budget, a dropper per job.
    name: vecdeque_work_queue_with_children,
    items: {
        pub struct Job { pub id: u32, pub depth: u32, pub _d: D }
        #[lh] pub async fn run_queue(budget: usize) -> Vec<u32> {
            let mut q = VecDeque::new();
            q.push_back(Job { id: 1, depth: 0, _d: D::new("job") });
            let mut done = Vec::new();
            while let Some(job) = q.pop_front() {
                if done.len() >= budget { log("budget"); break; }
                let v = fetch(job.id).await;
                if job.depth < 2 {
                    q.push_back(Job { id: v, depth: job.depth + 1, _d: D::new("child") });
                    q.push_back(Job { id: v + 1, depth: job.depth + 1, _d: D::new("child") });
                }
                done.push(job.id);
            }
            log(format!("left {}", q.len()));
            done
        }
    },
    run: run_queue(4),
}

differential! {
    /// `sort_by_key` with a closure reading a map built by awaits, then
    /// `dedup` and `binary_search` whose result is held across an await.
    name: sort_by_key_closure_over_awaited_map,
    items: {
        #[lh] pub async fn f(names: Vec<&'static str>) -> (Vec<&'static str>, Result<usize, usize>) {
            let mut prio = BTreeMap::new();
            for n in &names {
                prio.insert(*n, fetch(n.len() as u32).await);
            }
            let mut v = names.clone();
            v.sort_by_key(|n| (std::cmp::Reverse(prio[n]), *n));
            v.dedup();
            let pos = v.binary_search_by(|p| p.len().cmp(&3).reverse());
            pend(1, ()).await;
            (v, pos)
        }
    },
    run: f(vec!["bob", "al", "carol", "al"]),
}

differential! {
    /// A `HashMap<String, D>` whose entries are removed and used after an
    /// await; the rest dropped with the map.
    name: hashmap_remove_then_await_then_use,
    items: {
        #[lh] pub async fn f(keys: Vec<&'static str>) -> Vec<usize> {
            let mut m: HashMap<String, D> = HashMap::new();
            m.insert("a".into(), D::new("va"));
            m.insert("b".into(), D::new("vb"));
            let mut out = Vec::new();
            for k in keys {
                if let Some(d) = m.remove(k) {
                    pend(1, ()).await;
                    out.push(d.touch());
                } else {
                    out.push(fetch(0).await as usize);
                }
            }
            out
        }
    },
    run: f(vec!["b", "z"]),
}

differential! {
    /// A `BTreeMap::range` iterator held across awaits, values summed.
    name: btreemap_range_iter_across_awaits,
    items: {
        #[lh] pub async fn f(lo: u32, hi: u32) -> u32 {
            let m: BTreeMap<u32, D> = [(1, D::new("m1")), (3, D::new("m3")), (5, D::new("m5"))].into_iter().collect();
            let mut t = 0;
            for (k, d) in m.range(lo..hi) {
                d.touch();
                t += fetch(*k).await;
            }
            t
        }
    },
    run: f(2, 9),
}

differential! {
    /// Slot allocation in a `Vec<Option<D>>`: `iter_mut().find(..)` for a
    /// free slot, filled with an awaited value.
    name: slot_allocation_iter_mut_find,
    items: {
        pub struct Slots(pub Vec<Option<D>>);
        impl Slots {
            #[lh] pub async fn alloc(&mut self, name: &'static str) -> Option<usize> {
                let free = self.0.iter_mut().position(|s| s.is_none())?;
                let d = load(name).await;
                self.0[free] = Some(d);
                Some(free)
            }
        }
    },
    run: async {
        let mut s = Slots(vec![Some(D::new("s0")), None, None]);
        (s.alloc("x").await, s.alloc("y").await, s.alloc("z").await)
    },
}

differential! {
    /// `HashSet::insert` returning a `bool` used in an `if` whose branch
    /// awaits, duplicate requests skipped.
    name: hashset_insert_bool_guard,
    items: {
        #[lh] pub async fn f(ids: Vec<u32>) -> Vec<u32> {
            let mut seen = HashSet::new();
            let mut out = Vec::new();
            for id in ids {
                if seen.insert(id) {
                    out.push(fetch(id).await);
                } else {
                    log(format!("dup {id}"));
                }
            }
            out
        }
    },
    run: f(vec![1, 2, 1, 3, 2]),
}

differential! {
    /// The `Entry` enum matched: an occupied entry updated in place, a
    /// vacant one filled with an awaited value (`v.insert(x.await)`).
    name: entry_enum_match_vacant_insert_awaited,
    items: {
        use std::collections::btree_map::Entry;
        #[lh] pub async fn f(ks: Vec<u32>) -> BTreeMap<u32, u32> {
            let mut m = BTreeMap::new();
            for k in ks {
                match m.entry(k) {
                    Entry::Occupied(mut o) => { *o.get_mut() += 1; }
                    Entry::Vacant(v) => { v.insert(fetch(k).await); }
                }
            }
            m
        }
    },
    run: f(vec![1, 2, 1]),
}

differential! {
    /// A vacant entry bound with `let`, an await in between, then
    /// inserted (by value) with a loaded dropper.
    name: vacant_entry_let_then_await_then_insert,
    items: {
        use std::collections::btree_map::Entry;
        #[lh] pub async fn f(k: u32) -> usize {
            let mut m: BTreeMap<u32, D> = BTreeMap::new();
            m.insert(1, D::new("one"));
            if let Entry::Vacant(v) = m.entry(k) {
                let d = load("new").await;
                v.insert(d);
            }
            pend(1, ()).await;
            m.len()
        }
    },
    run: async { (f(1).await, f(2).await) },
}

differential! {
    /// `into_iter().rev().enumerate()` over droppers with awaits; on
    /// cancellation the iterator drops the rest.
    name: into_iter_rev_enumerate_droppers,
    items: {
        #[lh] pub async fn f(v: Vec<D>) -> usize {
            let mut t = 0;
            for (i, d) in v.into_iter().rev().enumerate() {
                if i == 1 { continue; }
                t += pend(1, d.touch()).await;
            }
            t
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("ccc")]),
}

differential! {
    /// `position` then `remove(i)` with an await in between; `swap_remove`
    /// and `truncate` on droppers after awaits.
    name: position_remove_swap_remove_truncate,
    items: {
        #[lh] pub async fn f() -> Vec<&'static str> {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c"), D::new("d"), D::new("e")];
            let i = v.iter().position(|d| d.0 == "b").unwrap();
            pend(1, ()).await;
            let b = v.remove(i);
            let e = v.swap_remove(pend(1, 0).await);
            v.truncate(fetch(1).await as usize);
            drop(b);
            v.iter().map(|d| d.0).chain(std::iter::once(e.0)).collect()
        }
    },
    run: f(),
}

differential! {
    /// `last_mut()` / `first()` borrows: the first copied out before an
    /// await, the last written after it.
    name: first_copied_last_mut_written,
    items: {
        #[lh] pub async fn f(mut v: Vec<u32>) -> Vec<u32> {
            let first = v.first().copied().unwrap_or(0);
            let n = fetch(first).await;
            if let Some(last) = v.last_mut() {
                *last += n + pend(1, 100).await;
            }
            v
        }
    },
    run: f(vec![3, 4, 5]),
}

// ---------------------------------------------------------------------------
// 5. `mem::take`/`swap`/`replace`, `Option` helpers, `Cell`/`RefCell`
// ---------------------------------------------------------------------------

differential! {
    /// A batching writer: `mem::take` of a buffer field, the batch flushed
    /// with an await per item, new items buffered meanwhile.
    name: mem_take_field_batch_flush,
    items: {
        pub struct Writer { pub buf: Vec<D>, pub flushed: usize }
        impl Writer {
            #[lh] pub async fn flush(&mut self) -> usize {
                let batch = std::mem::take(&mut self.buf);
                self.buf.push(D::new("late"));
                for d in batch {
                    pend(1, ()).await;
                    self.flushed += d.touch();
                }
                self.flushed
            }
        }
    },
    run: async {
        let mut w = Writer { buf: vec![D::new("x"), D::new("yy")], flushed: 0 };
        let n = w.flush().await;
        (n, w.buf.len())
    },
}

differential! {
    /// `mem::swap` of two dropper locals between awaits, and `mem::replace`
    /// of one with a loaded value.
    name: mem_swap_and_replace_locals,
    items: {
        #[lh] pub async fn f() -> (&'static str, &'static str, &'static str) {
            let mut a = D::new("a");
            let mut b = load("b").await;
            std::mem::swap(&mut a, &mut b);
            pend(1, ()).await;
            let old = std::mem::replace(&mut a, load("c").await);
            let r = (a.0, b.0, old.0);
            pend(1, ()).await;
            r
        }
    },
    run: f(),
}

differential! {
    /// `mem::replace(&mut self.conn, load(..).await)`: the place borrowed
    /// before the awaited argument; the old connection returned.
    name: mem_replace_field_with_awaited_value,
    items: {
        pub struct Client { pub conn: D, pub generation: u32 }
        impl Client {
            #[lh] pub async fn reconnect(&mut self) -> &'static str {
                let old = std::mem::replace(&mut self.conn, load("fresh").await);
                self.generation += 1;
                pend(1, ()).await;
                old.0
            }
        }
    },
    run: async {
        let mut c = Client { conn: D::new("stale"), generation: 0 };
        let o = c.reconnect().await;
        (o, c.generation, c.conn.0)
    },
}

known_gap! {
    reason: "stress P family (fails to compile, E0505 cannot move out of `self` because it is borrowed): `if let Some(c) = self.cache.as_mut() { c.push(fetch(x).await); .. } else { self.cache = Some(..); }`: the `&mut Vec` borrowed through the `&mut self` parameter is held across the await in the `then` block, and the `else` block assigns through `self`; the stored borrow is live at every point of the poll body, so the other branch conflicts",
    differential! {
        /// `Option::as_mut` on a field: the inner vector pushed with an awaited
        /// value while the borrow is alive.
        name: option_as_mut_field_push_awaited,
        items: {
            pub struct S { pub cache: Option<Vec<u32>>, pub _d: D }
            impl S {
                #[lh] pub async fn add(&mut self, x: u32) -> usize {
                    if let Some(c) = self.cache.as_mut() {
                        c.push(fetch(x).await);
                        c.len()
                    } else {
                        self.cache = Some(vec![pend(1, x).await]);
                        0
                    }
                }
            }
        },
        run: async {
            let mut s = S { cache: None, _d: D::new("s") };
            (s.add(1).await, s.add(2).await, s.add(3).await, s.cache.clone())
        },
    }
}

differential! {
    /// `as_deref()` on an `Option<String>` field held across an await and
    /// read after it.
    name: as_deref_field_held_across_await,
    items: {
        pub struct User { pub name: Option<String>, pub _d: D }
        impl User {
            #[lh] pub async fn greet(&self) -> String {
                let name: &str = self.name.as_deref().unwrap_or("anon");
                let n = fetch(name.len() as u32).await;
                format!("hi {name} ({n})")
            }
        }
    },
    run: async {
        let a = User { name: Some("ann".into()), _d: D::new("ua") };
        let b = User { name: None, _d: D::new("ub") };
        (a.greet().await, b.greet().await)
    },
}

differential! {
    /// `get_or_insert_with` on a field, the reference kept across an
    /// await and used after it.
    name: get_or_insert_with_field_ref_across_await,
    items: {
        pub struct Lazy { pub conn: Option<D> }
        impl Lazy {
            #[lh] pub async fn use_conn(&mut self) -> usize {
                let c = self.conn.get_or_insert_with(|| { log("connect"); D::new("conn") });
                pend(1, ()).await;
                c.touch()
            }
        }
    },
    run: async {
        let mut l = Lazy { conn: None };
        (l.use_conn().await, l.use_conn().await)
    },
}

differential! {
    /// A `Cell` counter updated with an awaited increment (`c.set(c.get()
    /// + x.await)`: `get` runs before the suspension).
    name: cell_set_get_plus_awaited,
    items: {
        #[lh] pub async fn f(c: &Cell<u32>) -> u32 {
            c.set(c.get() + fetch(1).await);
            c.set(pend(1, 10).await * c.get());
            c.get()
        }
    },
    run: async {
        let c = Cell::new(5);
        let fut = f(&c);
        c.set(1);
        fut.await
    },
}

differential! {
    /// `RefCell` borrows ended before each await: a scoped `borrow_mut`,
    /// a `borrow().len()` argument, a `borrow_mut()` statement after.
    name: refcell_borrows_dropped_before_awaits,
    items: {
        #[lh] pub async fn f(st: Rc<RefCell<Vec<u32>>>) -> usize {
            { let mut b = st.borrow_mut(); b.push(1); }
            pend(1, ()).await;
            let n = fetch(st.borrow().len() as u32).await;
            st.borrow_mut().push(n);
            pend(1, ()).await;
            let total: u32 = st.borrow().iter().sum();
            total as usize + st.borrow().len()
        }
    },
    run: async {
        let st = Rc::new(RefCell::new(vec![7]));
        let r = f(st.clone()).await;
        (r, st.borrow().clone())
    },
}

differential! {
    /// A connection checked out with `Option::take`, used by an await,
    /// put back: cancelled in the middle, the field stays `None` and the
    /// connection drops with the future.
    name: option_take_checkout_put_back,
    items: {
        pub struct Pool { pub conn: Option<D>, pub uses: u32 }
        impl Pool {
            #[lh] pub async fn query(&mut self, q: u32) -> Result<u32, String> {
                let c = self.conn.take().ok_or("no conn")?;
                c.touch();
                let r = fetch(q).await;
                self.uses += 1;
                self.conn = Some(c);
                Ok(r)
            }
        }
    },
    run: async {
        let mut p = Pool { conn: Some(D::new("conn")), uses: 0 };
        let a = p.query(1).await;
        let b = p.query(2).await;
        (a, b, p.uses)
    },
}

differential! {
    /// `Option::replace` of a field with an awaited value, the old value
    /// inspected after another await.
    name: option_replace_field_with_awaited,
    items: {
        pub struct Slot { pub cur: Option<D> }
        impl Slot {
            #[lh] pub async fn swap_in(&mut self, name: &'static str) -> Option<&'static str> {
                let old = self.cur.replace(load(name).await);
                pend(1, ()).await;
                old.map(|d| d.0)
            }
        }
    },
    run: async {
        let mut s = Slot { cur: None };
        (s.swap_in("a").await, s.swap_in("b").await)
    },
}

differential! {
    /// `mem::take` of a `String` local while a dropper is live, the local
    /// reassigned from an await and read after.
    name: mem_take_string_local_reassigned,
    items: {
        #[lh] pub async fn f() -> (String, String) {
            let _g = D::new("g");
            let mut s = String::from("first");
            let taken = std::mem::take(&mut s);
            s = lookup(&taken).await.unwrap_or_default();
            s.push('!');
            let again = std::mem::replace(&mut s, pend(1, "x".to_string()).await);
            (again, s)
        }
    },
    run: f(),
}

differential! {
    /// A shared `Rc<RefCell<HashMap>>` cache: `if let` on a cloned value of
    /// a `borrow()` (edition 2024: the `Ref` lives through the `then`
    /// block, dropped before `else`, which `borrow_mut`s).
    name: rc_refcell_cache_if_let_borrow_then_else_borrow_mut,
    items: {
        #[lh] pub async fn get(cache: Rc<RefCell<HashMap<u32, u32>>>, k: u32) -> u32 {
            if let Some(v) = cache.borrow().get(&k).copied() {
                log(format!("hit {k}"));
                fetch(v).await
            } else {
                let v = fetch(k).await;
                cache.borrow_mut().insert(k, v);
                v
            }
        }
    },
    run: async {
        let c = Rc::new(RefCell::new(HashMap::new()));
        (get(c.clone(), 3).await, get(c.clone(), 3).await)
    },
}

// ---------------------------------------------------------------------------
// 6. Control flow
// ---------------------------------------------------------------------------

differential! {
    /// Nested `loop`/`while let` with `break 'outer value` from the inner
    /// loop after an await, droppers at both levels.
    name: labelled_break_outer_value_from_while_let,
    items: {
        #[lh] pub async fn find(grid: Vec<Vec<u32>>, target: u32) -> Option<(usize, usize)> {
            let mut r = 0;
            let found = 'outer: loop {
                let Some(row) = grid.get(r) else { break None; };
                let _row = D::new("row");
                let mut it = row.iter().enumerate();
                while let Some((c, v)) = it.next() {
                    let _cell = D::new("cell");
                    if fetch(*v).await == target * 2 {
                        break 'outer Some((r, c));
                    }
                }
                r += 1;
            };
            pend(1, ()).await;
            found
        }
    },
    run: async { (find(vec![vec![1, 2], vec![3, 4]], 3).await, find(vec![vec![1]], 9).await) },
}

differential! {
    /// `match` guards calling functions (a sync classifier and a map
    /// lookup), awaits in the arms.
    name: match_guards_call_functions,
    items: {
        pub fn is_hot(x: u32) -> bool { log(format!("is_hot {x}")); x > 10 }
        #[lh] pub async fn f(xs: Vec<u32>, known: BTreeMap<u32, &'static str>) -> Vec<String> {
            let mut out = Vec::new();
            for x in xs {
                let s = match x {
                    0 => continue,
                    x if is_hot(x) => format!("hot {}", fetch(x).await),
                    x if known.get(&x).is_some_and(|n| n.len() > 1) => {
                        let _k = D::new("known");
                        format!("known {} {}", known[&x], fetch(x).await)
                    }
                    x => { pend(1, ()).await; format!("plain {x}") }
                };
                out.push(s);
            }
            out
        }
    },
    run: f(vec![0, 12, 3, 4], [(3, "three"), (4, "f")].into_iter().collect()),
}

differential! {
    /// `let else` with nested patterns on an awaited value, the `else`
    /// returning with droppers live.
    name: let_else_nested_patterns_on_awaited,
    items: {
        #[lh] pub async fn f(mut pairs: Vec<(&'static str, Result<u32, String>)>) -> Result<u32, String> {
            let _g = D::new("g");
            let mut t = 0;
            loop {
                let Some((k, Ok(v))) = pend(1, pairs.pop()).await else {
                    let _e = D::new("else");
                    return if t > 0 { Ok(t) } else { Err("nothing".into()) };
                };
                log(format!("{k}={v}"));
                t += fetch(v).await;
            }
        }
    },
    run: async { (f(vec![("a", Err("x".into())), ("b", Ok(1)), ("c", Ok(2))]).await, f(vec![]).await) },
}

differential! {
    /// `let else` on a struct-variant pattern with a nested `Some(..)`,
    /// the message produced by an await.
    name: let_else_struct_variant_nested_some,
    items: {
        #[derive(Debug)]
        pub enum Msg { Data { id: u32, body: Option<String>, _d: D }, Ping(D) }
        pub async fn next(i: u32) -> Msg {
            pend(1, ()).await;
            match i {
                0 => Msg::Data { id: 1, body: Some("hello".into()), _d: D::new("m0") },
                1 => Msg::Data { id: 2, body: None, _d: D::new("m1") },
                _ => Msg::Ping(D::new("ping")),
            }
        }
        #[lh] pub async fn handle(i: u32) -> String {
            let Msg::Data { id, body: Some(b), .. } = next(i).await else {
                pend(1, ()).await;
                return "skip".into();
            };
            format!("{id}:{}", fetch(b.len() as u32).await)
        }
    },
    run: async { (handle(0).await, handle(1).await, handle(2).await) },
}

differential! {
    /// Block expressions as arguments (`f({ let x = g().await; x + 1 },
    /// ..)`), each block with its own dropper.
    name: block_expressions_as_arguments,
    items: {
        pub fn combine(a: u32, b: u32, c: u32) -> u32 { log(format!("combine {a} {b} {c}")); a * 100 + b * 10 + c }
        #[lh] pub async fn f() -> u32 {
            let _o = D::new("o");
            combine(
                { let _a = D::new("ba"); let x = fetch(1).await; x + 1 },
                val("mid", 5),
                { let _c = D::new("bc"); pend(1, 7).await },
            )
        }
    },
    run: f(),
}

differential! {
    /// A state machine in a `loop` with `state = match state { .. }`, an
    /// await in every arm, a dropper carried in a state.
    name: enum_state_loop_awaits_every_arm,
    items: {
        pub enum St { Start, Conn(D, u32), Send(u32), Done(u32) }
        #[lh] pub async fn f(n: u32) -> u32 {
            let mut st = St::Start;
            loop {
                st = match st {
                    St::Start => St::Conn(load("conn").await, 0),
                    St::Conn(c, i) if i < n => { c.touch(); let v = fetch(i).await; St::Conn(c, i + 1 + v) }
                    St::Conn(c, i) => { pend(1, ()).await; drop(c); St::Send(i) }
                    St::Send(i) => St::Done(fetch(i).await),
                    St::Done(v) => break v,
                };
            }
        }
    },
    run: f(4),
}

differential! {
    /// An `if` expression with awaits in both branches as a method
    /// argument (`v.push(if c { a.await } else { b.await + 1 })`).
    name: if_expression_with_awaits_as_push_argument,
    items: {
        #[lh] pub async fn f(flags: Vec<bool>) -> Vec<u32> {
            let mut v = Vec::new();
            for (i, c) in flags.into_iter().enumerate() {
                v.push(if c { fetch(i as u32).await } else { let _d = D::new("e"); fetch(9).await + 1 });
            }
            v
        }
    },
    run: f(vec![true, false, true]),
}

differential! {
    /// `return` from a `loop` inside a `match` arm inside a `for`, a dropper
    /// at each level.
    name: return_from_loop_in_match_in_for,
    items: {
        #[lh] pub async fn f(xs: Vec<Option<u32>>) -> u32 {
            let _fn = D::new("fn");
            let mut acc = 0;
            for x in xs {
                let _it = D::new("it");
                match x {
                    Some(n) => {
                        let _arm = D::new("arm");
                        let mut k = n;
                        loop {
                            let _lp = D::new("lp");
                            k = fetch(k).await;
                            if k > 20 { return acc + k; }
                            if k > 5 { break; }
                        }
                        acc += k;
                    }
                    None => { pend(1, ()).await; }
                }
            }
            acc
        }
    },
    run: async { (f(vec![Some(3), None, Some(1)]).await, f(vec![Some(11)]).await) },
}

differential! {
    /// A labelled block (`'b: { .. break 'b v; .. }`) with awaits before
    /// and after the `break`.
    name: labelled_block_break_value_with_awaits,
    items: {
        #[lh] pub async fn f(x: u32) -> u32 {
            let _d = D::new("d");
            let v = 'b: {
                let _in = D::new("in");
                let a = fetch(x).await;
                if a > 5 { break 'b a; }
                let _late = D::new("late");
                a + fetch(a).await
            };
            v + pend(1, 1).await
        }
    },
    run: async { (f(1).await, f(4).await) },
}

differential! {
    /// A `match` on a tuple of two awaited values with range and wildcard
    /// patterns, awaits in the arms.
    name: match_tuple_of_awaited_with_ranges,
    items: {
        #[lh] pub async fn f(a: u32, b: u32) -> String {
            match (fetch(a).await, check(b).await) {
                (0..=4, Ok(v)) => format!("small ok {v}"),
                (n @ 5.., Ok(v)) if v > 1 => format!("big {n} {}", fetch(v).await),
                (_, Err(e)) => { let _d = D::new("err"); pend(1, ()).await; e }
                (n, Ok(_)) => format!("other {n}"),
            }
        }
    },
    run: async { (f(1, 2).await, f(3, 8).await, f(0, 1).await, f(4, 2).await) },
}

differential! {
    /// `while let Some(x) = stack.pop()` with a labelled `continue` from a
    /// nested `for`, an await before it.
    name: while_let_pop_labelled_continue_from_for,
    items: {
        #[lh] pub async fn f(mut stack: Vec<Vec<u32>>) -> Vec<u32> {
            let mut out = Vec::new();
            'jobs: while let Some(job) = stack.pop() {
                let _j = D::new("job");
                for x in job {
                    if fetch(x).await == 0 { continue 'jobs; }
                    out.push(x);
                }
                pend(1, ()).await;
            }
            out
        }
    },
    run: f(vec![vec![1, 2], vec![3, 0, 4], vec![5]]),
}

differential! {
    /// `for` over `step_by` with an `if let` on an awaited lookup that
    /// `break`s, the `else` continuing.
    name: step_by_for_with_if_let_break,
    items: {
        pub const KEYS: [&str; 4] = ["a", "bb", "ccc", "dddd"];
        #[lh] pub async fn f() -> Option<String> {
            let mut hit = None;
            for i in (0..4).step_by(2) {
                let _d = D::new("i");
                if let Some(v) = lookup(KEYS[i]).await {
                    hit = Some(v);
                    break;
                } else {
                    continue;
                }
            }
            hit
        }
    },
    run: f(),
}

differential! {
    /// `if let .. else if let .. else if .. else` over an enum and an
    /// `Option`, with an await in every branch and droppers in two.
    name: if_let_else_if_let_chain_await_every_arm,
    items: {
        pub enum Ev { Key(char), Click(u32, u32), Idle }
        #[lh] pub async fn f(e: Ev, extra: Option<u32>) -> String {
            if let Ev::Key(c) = e {
                format!("key {c} {}", fetch(c as u32 - 96).await)
            } else if let Ev::Click(x, y) = e {
                let _c = D::new("click");
                format!("click {}", fetch(x + y).await)
            } else if let Some(n) = extra {
                pend(n, ()).await;
                format!("extra {n}")
            } else {
                let _i = D::new("idle");
                pend(1, "idle".to_string()).await
            }
        }
    },
    run: async { (f(Ev::Key('c'), None).await, f(Ev::Click(1, 2), None).await, f(Ev::Idle, Some(2)).await, f(Ev::Idle, None).await) },
}

// ---------------------------------------------------------------------------
// 7. Panics after awaits
// ---------------------------------------------------------------------------

differential! {
    /// `assert!` whose condition awaits, with a message formatting a local,
    /// failing on the second call, droppers live.
    name: assert_with_awaited_condition_fails,
    items: {
        #[lh] pub async fn f(x: u32) -> u32 {
            let _d = D::new("d");
            let limit = 5;
            assert!(fetch(x).await < limit * 2, "over limit {limit}");
            let _e = D::new("e");
            x
        }
    },
    run: async { (f(1).await, f(9).await) },
}

differential! {
    /// `assert_eq!` with awaited operands on both sides, the second call
    /// failing; the message shows both values.
    name: assert_eq_awaited_operands,
    items: {
        #[lh] pub async fn f(a: u32, b: u32) -> u32 {
            let _d = D::new("d");
            assert_eq!(fetch(a).await, check(b).await.unwrap(), "mismatch for {a}");
            a
        }
    },
    run: async { (f(1, 4).await, f(2, 2).await) },
}

differential! {
    /// `u8` addition overflowing after awaits, droppers live in two
    /// scopes.
    name: u8_add_overflow_after_await,
    items: {
        #[lh] pub async fn f(a: u8, b: u8) -> u8 {
            let _o = D::new("o");
            let x: u8 = pend(1, a).await;
            let y = {
                let _i = D::new("i");
                x + pend(1, b).await
            };
            y
        }
    },
    run: async { (f(1, 2).await, f(200, 100).await) },
}

differential! {
    /// `unwrap()` on `None` from an awaited lookup, a loaded dropper and a
    /// pending-free local live.
    name: unwrap_none_after_await_live_droppers,
    items: {
        #[lh] pub async fn f(k: &'static str) -> usize {
            let conn = load("conn").await;
            let _tmp = D::new("tmp");
            let v = lookup(k).await.unwrap();
            v.len() + conn.touch()
        }
    },
    run: async { (f("abc").await, f("a").await) },
}

differential! {
    /// `expect` on an `Err` after an await inside a loop body with a
    /// dropper per iteration.
    name: expect_err_in_loop_after_await,
    items: {
        #[lh] pub async fn f(xs: Vec<u32>) -> u32 {
            let _all = D::new("all");
            let mut t = 0;
            for x in xs {
                let _it = D::new("it");
                t += check(x).await.expect("check failed");
            }
            t
        }
    },
    run: f(vec![2, 4, 5, 6]),
}

differential! {
    /// Index out of bounds with an awaited index, and division by zero by
    /// an awaited divisor (second call).
    name: index_oob_and_div_zero_awaited,
    items: {
        #[lh] pub async fn f(v: Vec<D>, i: u32, d: u32) -> u32 {
            let x = v[fetch(i).await as usize].touch() as u32;
            let _after = D::new("after");
            100 / pend(1, d).await + x
        }
    },
    run: async { (f(vec![D::new("a"), D::new("b"), D::new("c")], 1, 5).await, f(vec![D::new("z")], 0, 0).await) },
}

differential! {
    /// A panic in the middle of a tuple expression whose first element is
    /// a dropper and second an awaited value.
    name: panic_mid_tuple_after_awaited_element,
    items: {
        pub fn boom(x: u32) -> u32 { if x > 3 { panic!("boom {x}") } x }
        #[lh] pub async fn f(x: u32) -> (D, u32, u32) {
            let _o = D::new("o");
            (D::new("t0"), fetch(x).await, boom(x * 2))
        }
    },
    run: async { let a = f(1).await; log("between"); let b = f(2).await; (a.1, b.1) },
}

differential! {
    /// A `RefCell` double borrow: a `borrow_mut` guard kept across an await,
    /// then a second `borrow_mut` in the same body panics.
    name: refcell_double_borrow_panics_after_await,
    items: {
        #[lh] pub async fn f(c: Rc<RefCell<u32>>, hold: bool) -> u32 {
            let g = c.borrow_mut();
            pend(1, ()).await;
            if !hold { drop(g); } else { log("holding"); }
            *c.borrow_mut() += 1;
            pend(1, ()).await;
            *c.borrow()
        }
    },
    run: async { let c = Rc::new(RefCell::new(1)); (f(c.clone(), false).await, f(c, true).await) },
}

differential! {
    /// A subtraction underflow on `usize` after a `drain` left a vector
    /// shorter than expected.
    name: usize_underflow_after_drain_and_await,
    items: {
        #[lh] pub async fn f(mut v: Vec<D>, take: usize) -> usize {
            let gone: Vec<D> = v.drain(..take).collect();
            pend(1, ()).await;
            let left = v.len() - pend(1, gone.len()).await;
            left
        }
    },
    run: async { (f(vec![D::new("a"), D::new("b"), D::new("c")], 1).await, f(vec![D::new("x"), D::new("y")], 2).await) },
}

// ---------------------------------------------------------------------------
// 8. Service-shaped mixes
// ---------------------------------------------------------------------------

differential! {
    /// An LRU-ish cache: a `VecDeque` of keys and a `HashMap` of values,
    /// get-or-fetch with eviction of the oldest, droppers as values.
    name: lru_cache_get_or_fetch_evicts,
    items: {
        pub struct Lru { pub order: VecDeque<u32>, pub vals: HashMap<u32, (u32, D)>, pub cap: usize }
        impl Lru {
            #[lh] pub async fn get(&mut self, k: u32) -> u32 {
                if let Some((v, d)) = self.vals.get(&k) {
                    d.touch();
                    let v = *v;
                    self.order.retain(|x| *x != k);
                    self.order.push_back(k);
                    return v;
                }
                let v = fetch(k).await;
                if self.order.len() == self.cap {
                    let old = self.order.pop_front().unwrap();
                    let evicted = self.vals.remove(&old);
                    pend(1, ()).await;
                    drop(evicted);
                }
                self.vals.insert(k, (v, D::new("val")));
                self.order.push_back(k);
                v
            }
        }
    },
    run: async {
        let mut c = Lru { order: VecDeque::new(), vals: HashMap::new(), cap: 2 };
        let mut out = Vec::new();
        for k in [1, 2, 1, 3, 2] { out.push(c.get(k).await); }
        (out, c.order.clone())
    },
}

differential! {
    /// A token-bucket limiter in a `Cell`, refilled by awaits, requests
    /// rejected with an error when empty.
    name: token_bucket_cell_refill,
    items: {
        pub struct Limiter { pub tokens: Cell<u32>, pub _d: D }
        impl Limiter {
            #[lh] pub async fn acquire(&self, cost: u32) -> Result<u32, String> {
                let mut tries = 0;
                while self.tokens.get() < cost {
                    tries += 1;
                    if tries > 2 { return Err(format!("rate limited after {tries}")); }
                    let refill = pend(1, 1).await;
                    self.tokens.set(self.tokens.get() + refill);
                }
                self.tokens.set(self.tokens.get() - cost);
                Ok(self.tokens.get())
            }
        }
    },
    run: async {
        let l = Limiter { tokens: Cell::new(2), _d: D::new("lim") };
        (l.acquire(1).await, l.acquire(2).await, l.acquire(5).await)
    },
}

differential! {
    /// A checkout guard returning its connection on drop (`Drop` impl
    /// writing through a `RefCell`), held across awaits, with an early
    /// `?` return.
    name: checkout_guard_returns_on_drop,
    items: {
        pub struct Pool { pub free: RefCell<Vec<D>> }
        pub struct Guard<'a> { pub pool: &'a Pool, pub conn: Option<D> }
        impl Drop for Guard<'_> {
            fn drop(&mut self) {
                log("guard returns conn");
                if let Some(c) = self.conn.take() { self.pool.free.borrow_mut().push(c); }
            }
        }
        impl Pool {
            pub fn checkout(&self) -> Option<Guard<'_>> {
                let c = self.free.borrow_mut().pop()?;
                Some(Guard { pool: self, conn: Some(c) })
            }
            #[lh] pub async fn run_query(&self, q: u32) -> Result<u32, String> {
                let g = self.checkout().ok_or("pool empty")?;
                g.conn.as_ref().unwrap().touch();
                let v = check(q).await?;
                let w = fetch(v).await;
                drop(g);
                pend(1, ()).await;
                Ok(w)
            }
        }
    },
    run: async {
        let p = Pool { free: RefCell::new(vec![D::new("c1")]) };
        let a = p.run_query(4).await;
        let b = p.run_query(3).await;
        let n = p.free.borrow().len();
        (a, b, n)
    },
}

differential! {
    /// A recursive JSON-ish pretty printer through `Box::pin`, writing into
    /// a `&mut String` out parameter across awaits.
    name: box_pin_recursive_printer_out_param,
    items: {
        pub enum V { N(u32), L(Vec<V>) }
        pub fn print<'a>(v: &'a V, out: &'a mut String, depth: usize) -> Pin<Box<dyn Future<Output = usize> + 'a>> {
            Box::pin(print_inner(v, out, depth))
        }
        #[lh] pub async fn print_inner(v: &V, out: &mut String, depth: usize) -> usize {
            match v {
                V::N(n) => {
                    let x = fetch(*n).await;
                    write!(out, "{}{x}", " ".repeat(depth)).unwrap();
                    1
                }
                V::L(items) => {
                    out.push('[');
                    let mut count = 0;
                    for (i, it) in items.iter().enumerate() {
                        if i > 0 { out.push(','); }
                        count += print(it, out, depth + 1).await;
                    }
                    out.push(']');
                    count
                }
            }
        }
    },
    run: async {
        let v = V::L(vec![V::N(1), V::L(vec![V::N(2), V::N(3)]), V::L(vec![])]);
        let mut s = String::new();
        let n = print(&v, &mut s, 0).await;
        (n, s)
    },
}

differential! {
    /// A pub/sub broker: subscribers in a `BTreeMap<String, Vec<Box<dyn
    /// Fn(&str) -> usize>>>`, messages fanned out with an await per topic.
    name: pubsub_boxed_callbacks_fanout,
    items: {
        pub struct Broker { pub subs: BTreeMap<String, Vec<Box<dyn Fn(&str) -> usize>>>, pub _d: D }
        impl Broker {
            #[lh] pub async fn publish(&self, topic: &str, msg: String) -> usize {
                let Some(list) = self.subs.get(topic) else {
                    log(format!("no subs for {topic}"));
                    return 0;
                };
                let mut n = 0;
                for cb in list {
                    let m = pend(1, msg.as_str()).await;
                    n += cb(m);
                }
                n
            }
        }
    },
    run: async {
        let mut subs: BTreeMap<String, Vec<Box<dyn Fn(&str) -> usize>>> = BTreeMap::new();
        let tag = D::new("tag");
        subs.entry("a".into()).or_default().push(Box::new(|m: &str| { log(format!("s1 {m}")); m.len() }));
        subs.entry("a".into()).or_default().push(Box::new(move |m: &str| { tag.touch(); 1 }));
        let b = Broker { subs, _d: D::new("broker") };
        (b.publish("a", "hey".into()).await, b.publish("z", "x".into()).await)
    },
}

differential! {
    /// A line-protocol session: `match` on the first word with a command
    /// table (`&[(&str, fn(u32) -> u32)]`), arguments parsed with `?`,
    /// each command awaited, a dropper per line.
    name: line_protocol_session_with_fn_table,
    items: {
        pub fn dbl(x: u32) -> u32 { x * 2 }
        pub fn inc(x: u32) -> u32 { x + 1 }
        pub const CMDS: &[(&str, fn(u32) -> u32)] = &[("dbl", dbl), ("inc", inc)];
        #[lh] pub async fn session(input: &'static str) -> Result<Vec<u32>, String> {
            let mut out = Vec::new();
            let _s = D::new("session");
            for line in input.lines() {
                let _l = D::new("line");
                let mut words = line.split_whitespace();
                let Some(cmd) = words.next() else { continue };
                let arg: u32 = words.next().ok_or_else(|| format!("{cmd}: no arg"))?.parse::<u32>().map_err(|e| format!("{cmd}: {e}"))?;
                let f = CMDS.iter().find(|(n, _)| *n == cmd).map(|(_, f)| *f).ok_or(format!("unknown {cmd}"))?;
                out.push(f(fetch(arg).await));
            }
            Ok(out)
        }
    },
    run: async { (session("dbl 2\n\ninc 5").await, session("dbl 1\nzap 3").await, session("inc x").await) },
}

differential! {
    /// A batch processor: input split into `chunks(2)`, each chunk sent by
    /// an await and the replies zipped back, `?` on a failed chunk.
    name: batch_processor_chunks_zip_question,
    items: {
        pub async fn send(batch: &[u32]) -> Result<Vec<u32>, String> {
            log(format!("send {batch:?}"));
            pend(1, ()).await;
            if batch.contains(&13) { Err("unlucky".into()) } else { Ok(batch.iter().map(|x| x * 10).collect()) }
        }
        #[lh] pub async fn process(items: Vec<u32>) -> Result<Vec<(u32, u32)>, String> {
            let _p = D::new("proc");
            let mut out = Vec::new();
            for chunk in items.chunks(2) {
                let replies = send(chunk).await?;
                out.extend(chunk.iter().copied().zip(replies));
            }
            Ok(out)
        }
    },
    run: async { (process(vec![1, 2, 3]).await, process(vec![1, 13]).await) },
}

differential! {
    /// A health checker over `&[&dyn Probe]`-like boxed probes: results
    /// collected into a `BTreeMap`, the worst status chosen with
    /// `max_by_key`, an await per probe.
    name: health_checker_dyn_probes_max_by_key,
    items: {
        pub trait Probe { fn name(&self) -> &'static str; fn status(&self, load: u32) -> u8; }
        pub struct Disk(pub D);
        pub struct Net;
        impl Probe for Disk { fn name(&self) -> &'static str { self.0.touch(); "disk" } fn status(&self, l: u32) -> u8 { (l % 3) as u8 } }
        impl Probe for Net { fn name(&self) -> &'static str { "net" } fn status(&self, l: u32) -> u8 { (l % 2) as u8 } }
        #[lh] pub async fn check_all(probes: &[Box<dyn Probe>]) -> (BTreeMap<&'static str, u8>, Option<&'static str>) {
            let mut m = BTreeMap::new();
            for p in probes {
                let load = fetch(p.name().len() as u32).await;
                m.insert(p.name(), p.status(load));
            }
            let worst = m.iter().max_by_key(|(_, s)| **s).map(|(n, _)| *n);
            pend(1, ()).await;
            (m, worst)
        }
    },
    run: async {
        let ps: Vec<Box<dyn Probe>> = vec![Box::new(Disk(D::new("disk"))), Box::new(Net)];
        check_all(&ps).await
    },
}

// ---------------------------------------------------------------------------
// 9. Probes for this round's findings
// ---------------------------------------------------------------------------

differential! {
    /// s18-1 probe in an async body: a tuple whose first operand is an
    /// `.into()` typed only by the `let`, whose second operand holds a
    /// temporary guard beside an await.
    name: into_operand_before_temporary_beside_await,
    items: {
        #[lh] pub async fn f() -> (String, u32) {
            let p: (String, u32) = ("x".into(), mk("t", 1).get() + fetch(1).await);
            p
        }
    },
    run: f(),
}

differential! {
    /// s18-1 probe, argument form: `.into()` typed by a callee's parameter,
    /// before an argument holding a temporary beside an await.
    name: into_argument_before_temporary_beside_await,
    items: {
        pub fn pair(a: String, b: u32) -> String { format!("{a}{b}") }
        #[lh] pub async fn f() -> String {
            pair("x".into(), mk("t", 2).get() + fetch(1).await)
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 10. Second batch: closures, receivers, lifetimes, temporaries
// ---------------------------------------------------------------------------

/// Consumes a pair after one suspension.
async fn consume(p: (String, usize)) -> usize {
    pend(1, ()).await;
    p.0.len() + p.1
}

known_gap! {
    reason: "s6-1 family (runs differently, drop order): `consume((\"k\".into(), D::new(\"t\").touch())).await`: rustc keeps the `D` temporary to the end of the statement, across the suspension; longhand drops it before suspending (`touch` is not known to borrow its receiver, so the temporary is not kept) (dropping after 1 poll: native `[\"touch t\", \"-- drop after 1 polls\", \"drop pend\", \"drop t\"]`, lowered `[\"touch t\", \"drop t\", \"-- drop after 1 polls\", \"drop pend\"]`)",
    differential! {
        /// s18-1 probe: an awaited call whose tuple argument has an `.into()`
        /// typed by the callee, beside a temporary `D` borrowed by `touch()`
        /// (alive to the end of the statement, across the await).
        name: into_in_awaited_call_argument_beside_temporary,
        items: {
            #[lh] pub async fn f() -> usize {
                consume(("k".into(), D::new("t").touch())).await
            }
        },
        run: f(),
    }
}

differential! {
    /// s18-1 probe: `vec!["a".into(), temp().method().to_string()]` typed by
    /// the `let`, then an await.
    name: into_in_vec_literal_beside_method_on_temporary_then_await,
    items: {
        #[lh] pub async fn f() -> usize {
            let v: Vec<String> = vec!["a".into(), mk("t", 3).get().to_string()];
            pend(1, ()).await;
            v.len()
        }
    },
    run: f(),
}

differential! {
    /// An `FnMut` closure borrowing a local vector mutably, called with
    /// awaited arguments, the vector read after the closure's last use.
    name: fnmut_closure_borrowing_local_called_with_awaited_args,
    items: {
        #[lh] pub async fn f() -> Vec<u32> {
            let mut v = Vec::new();
            let _d = D::new("d");
            let mut push = |x: u32| { log(format!("push {x}")); v.push(x) };
            push(fetch(1).await);
            push(2);
            push(fetch(3).await);
            v
        }
    },
    run: f(),
}

differential! {
    /// An async closure (`async |x| ..`) defined in the body, called twice
    /// and awaited, capturing a dropper by reference.
    name: async_closure_called_twice,
    items: {
        #[lh] pub async fn f() -> u32 {
            let tag = D::new("tag");
            let get = async |x: u32| { tag.touch(); fetch(x).await + 1 };
            let a = get(1).await;
            let b = get(a).await;
            a + b
        }
    },
    run: f(),
}

known_gap! {
    reason: "domains 5 family, parameter form (runs differently, drop order): `async fn f((a, b): (D, D), Pair { x, .. }: Pair, n: u32)`: the parameter pattern moves `x` out and leaves `y` (a `D`) in the argument; rustc drops the rest with the argument at the end of the body (native `[\"fetch 2\", \"touch a\", \"touch x\", \"drop x\", \"drop y\", \"drop b\", \"drop a\", ..]`), longhand drops it when the body starts, before anything runs (lowered `[\"drop y\", \"fetch 2\", ..]`); see `param_pattern_rest_with_dropper_minimal`",
    differential! {
        /// Parameters destructured in the signature (`(a, b): (D, D)`,
        /// `Pair { x, .. }: Pair`): drop order of the parts and the rest.
        name: destructured_parameters_drop_order,
        items: {
            pub struct Pair { pub x: D, pub y: D }
            #[lh] pub async fn f((a, b): (D, D), Pair { x, .. }: Pair, n: u32) -> usize {
                let m = fetch(n).await;
                a.touch() + x.touch() + m as usize
            }
        },
        run: f((D::new("a"), D::new("b")), Pair { x: D::new("x"), y: D::new("y") }, 2),
    }
}

differential! {
    /// `let _ = load(..).await` (dropped at once), `_ = fetch(..).await`,
    /// and `let _g = load(..).await` (kept to the end).
    name: underscore_patterns_of_awaited_droppers,
    items: {
        #[lh] pub async fn f() -> u32 {
            let _ = load("dropped").await;
            let _g = load("kept").await;
            _ = fetch(1).await;
            let _ = D::new("temp");
            log("end");
            pend(1, 3).await
        }
    },
    run: f(),
}

differential! {
    /// A `while` condition with a temporary guard beside an await: the
    /// condition is a terminating scope, so the guard drops each time
    /// before the body.
    name: while_condition_temporary_beside_await,
    items: {
        #[lh] pub async fn f() -> u32 {
            let mut i = 0;
            while fetch(i).await < mk("lim", 6).get() {
                let _b = D::new("body");
                i += 1;
            }
            i
        }
    },
    run: f(),
}

differential! {
    /// An `if` condition adding two temporary guards around an await; both
    /// guards drop at the end of the condition.
    name: if_condition_two_temporaries_around_await,
    items: {
        #[lh] pub async fn f(x: u32) -> &'static str {
            if mk("a", x).get() + fetch(x).await > mk("b", 5).get() {
                pend(1, "big").await
            } else {
                "small"
            }
        }
    },
    run: async { (f(1).await, f(3).await) },
}

differential! {
    /// `self: Rc<Self>` receiver: the method clones the `Rc` into a
    /// helper call and awaits, the strong count logged.
    name: rc_self_receiver_across_awaits,
    items: {
        pub struct Svc { pub name: &'static str, pub _d: D }
        impl Svc {
            #[lh] pub async fn serve(self: Rc<Self>, n: u32) -> (usize, u32) {
                let other = Rc::clone(&self);
                let v = fetch(n).await;
                log(format!("{} strong {}", self.name, Rc::strong_count(&self)));
                drop(other);
                pend(1, ()).await;
                (Rc::strong_count(&self), v)
            }
        }
    },
    run: async { let s = Rc::new(Svc { name: "svc", _d: D::new("svc") }); s.clone().serve(2).await },
}

known_gap! {
    reason: "stress R family (fails to compile, E0382 use of partially moved value: `self`): `self: Box<Self>` receiver, `let v = fetch(self.id).await; let p = self.payload; pend(1, ()).await; (v, p.0)`: a field moved out of the boxed receiver before an await while the rest (`_meta`, a `D`) is alive; the whole receiver is kept across the await after its partial move",
    differential! {
        /// `self: Box<Self>` receiver consumed by an async method, a field moved
        /// out at the end.
        name: box_self_receiver_consumed,
        items: {
            pub struct Job { pub id: u32, pub payload: D, pub _meta: D }
            impl Job {
                #[lh] pub async fn finish(self: Box<Self>) -> (u32, &'static str) {
                    let v = fetch(self.id).await;
                    let p = self.payload;
                    pend(1, ()).await;
                    (v, p.0)
                }
            }
        },
        run: Box::new(Job { id: 3, payload: D::new("payload"), _meta: D::new("meta") }).finish(),
    }
}

differential! {
    /// A parser struct with a lifetime, an async method returning `&'a str`
    /// slices of its input across awaits.
    name: parser_with_lifetime_returns_borrowed_slices,
    items: {
        pub struct Parser<'a> { pub src: &'a str, pub pos: usize }
        impl<'a> Parser<'a> {
            #[lh] pub async fn next_word(&mut self) -> Option<&'a str> {
                let rest = &self.src[self.pos..];
                let start = rest.find(|c: char| !c.is_whitespace())?;
                pend(1, ()).await;
                let len = rest[start..].find(' ').unwrap_or(rest.len() - start);
                self.pos += start + len;
                Some(&rest[start..start + len])
            }
        }
        #[lh] pub async fn words(src: String) -> Vec<String> {
            let mut p = Parser { src: &src, pos: 0 };
            let mut out = Vec::new();
            while let Some(w) = p.next_word().await {
                out.push(w.to_string());
            }
            out
        }
    },
    run: words(" ab  c def ".into()),
}

differential! {
    /// An async fn returning a reference into its slice parameter after an
    /// await.
    name: returns_reference_into_slice_param,
    items: {
        #[lh] pub async fn pick<'a>(v: &'a [D], i: u32) -> &'a D {
            let j = fetch(i).await as usize;
            &v[j % v.len()]
        }
    },
    run: async {
        let v = vec![D::new("a"), D::new("b"), D::new("c")];
        let d = pick(&v, 2).await;
        d.touch()
    },
}

differential! {
    /// A trait with an `async fn` default method (AFIT), lowered in the
    /// trait itself, overridden by one impl and not by the other.
    name: afit_default_method_lowered_in_trait,
    items: {
        trait Greeter {
            fn name(&self) -> &'static str;
            #[lh] async fn greet(&self, n: u32) -> String {
                let x = fetch(n).await;
                format!("hello {} {x}", self.name())
            }
        }
        pub struct A(pub D);
        pub struct B;
        impl Greeter for A { fn name(&self) -> &'static str { self.0.touch(); "a" } }
        impl Greeter for B {
            fn name(&self) -> &'static str { "b" }
            #[lh] async fn greet(&self, n: u32) -> String {
                pend(2, ()).await;
                format!("yo {}", n)
            }
        }
    },
    run: async { let a = A(D::new("ga")); (a.greet(1).await, B.greet(2).await) },
}

differential! {
    /// `impl Fn` and `impl IntoIterator` parameters, the callback called
    /// between awaits.
    name: impl_fn_and_impl_into_iterator_params,
    items: {
        #[lh] pub async fn f(xs: impl IntoIterator<Item = u32>, cb: impl Fn(u32) -> u32) -> Vec<u32> {
            let mut out = Vec::new();
            for x in xs {
                let y = fetch(x).await;
                out.push(cb(y));
            }
            out
        }
    },
    run: async { let k = D::new("k"); f(vec![1, 2], move |x| x + k.0.len() as u32).await },
}

differential! {
    /// A `&mut Vec<D>` parameter pushed with awaited values and popped
    /// after awaits.
    name: mut_vec_param_push_awaited_pop,
    items: {
        #[lh] pub async fn f(v: &mut Vec<D>) -> Option<&'static str> {
            v.push(load("new").await);
            let last = v.pop()?;
            pend(1, ()).await;
            let prev = v.pop().map(|d| d.0);
            v.push(last);
            prev
        }
    },
    run: async { let mut v = vec![D::new("old")]; let r = f(&mut v).await; (r, v.len()) },
}

differential! {
    /// A `Vec` of unstarted futures awaited one by one in a loop; cancelled
    /// mid-way, the rest drop unpolled.
    name: vec_of_futures_awaited_in_loop,
    items: {
        #[lh] pub async fn f() -> u32 {
            let futs = vec![pend(1, 1u32), pend(2, 2), pend(1, 3)];
            let _d = D::new("d");
            let mut t = 0;
            for fut in futs {
                t += fut.await;
            }
            t
        }
    },
    run: f(),
}

differential! {
    /// `matches!` with an awaited scrutinee and a guard, in an `if`.
    name: matches_macro_with_awaited_scrutinee,
    items: {
        #[lh] pub async fn f(x: u32) -> &'static str {
            let _d = D::new("d");
            if matches!(check(x).await, Ok(n) if n > 1) {
                "big"
            } else if matches!(lookup("abc").await.as_deref(), Some("ABC")) {
                "abc"
            } else {
                "none"
            }
        }
    },
    run: async { (f(4).await, f(2).await) },
}

differential! {
    /// Array and `vec![x; n]` literals with awaited elements.
    name: array_and_vec_repeat_literals_with_awaits,
    items: {
        #[lh] pub async fn f() -> ([u32; 3], Vec<u32>) {
            let a = [fetch(1).await, val("mid", 7), fetch(2).await];
            let v = vec![fetch(3).await; 2];
            (a, v)
        }
    },
    run: f(),
}

differential! {
    /// `Option` combinators on an awaited value (`filter`, `map`,
    /// `zip`, `xor`), closures reading locals.
    name: option_combinators_on_awaited,
    items: {
        #[lh] pub async fn f(x: u32) -> (Option<u32>, Option<(u32, u32)>, Option<u32>) {
            let lim = 3;
            let a = Some(fetch(x).await).filter(|v| *v > lim).map(|v| v * 10);
            let b = a.zip(Some(fetch(1).await));
            let c = a.xor(Some(pend(1, 9).await));
            (a, b, c)
        }
    },
    run: async { (f(1).await, f(5).await) },
}

differential! {
    /// A struct literal with field-init shorthand and `..Default::default()`
    /// (no droppers in the rest), fields from awaits.
    name: struct_literal_shorthand_and_default_rest,
    items: {
        #[derive(Debug, Default)]
        pub struct Cfg { pub name: String, pub port: u32, pub workers: u32, pub tags: Vec<String> }
        #[lh] pub async fn f() -> Cfg {
            let name = lookup("svc").await.unwrap_or_default();
            let port = fetch(40).await;
            Cfg { name, port, workers: pend(1, 4).await, ..Default::default() }
        }
    },
    run: f(),
}

differential! {
    /// `for (k, v) in &mut map` with each value updated by an await.
    name: btreemap_iter_mut_values_updated_by_awaits,
    items: {
        #[lh] pub async fn f() -> BTreeMap<&'static str, u32> {
            let mut m = BTreeMap::from([("a", 1), ("b", 2)]);
            for (k, v) in &mut m {
                *v = fetch(*v).await + k.len() as u32;
            }
            m
        }
    },
    run: f(),
}

differential! {
    /// `while let Some(top) = stack.last_mut()` with the mutable borrow
    /// held across an await and the stack popped in the body.
    name: while_let_last_mut_across_await,
    items: {
        #[lh] pub async fn f(mut stack: Vec<u32>) -> Vec<u32> {
            let mut out = Vec::new();
            while let Some(top) = stack.last_mut() {
                *top = fetch(*top).await;
                if *top > 10 {
                    out.push(stack.pop().unwrap());
                }
            }
            out
        }
    },
    run: f(vec![20, 3]),
}

differential! {
    /// An enum method replacing `*self` with `mem::replace(self, ..)` and a
    /// `match` whose arms await and move droppers between variants.
    name: enum_self_mem_replace_state_step,
    items: {
        pub enum Conn { Idle, Connecting(D), Ready(D, u32), Closed }
        impl Conn {
            #[lh] pub async fn step(&mut self) -> &'static str {
                *self = match std::mem::replace(self, Conn::Closed) {
                    Conn::Idle => Conn::Connecting(load("sock").await),
                    Conn::Connecting(s) => { let n = fetch(1).await; Conn::Ready(s, n) }
                    Conn::Ready(s, n) if n > 0 => { pend(1, ()).await; drop(s); Conn::Closed }
                    other => other,
                };
                match self { Conn::Idle => "idle", Conn::Connecting(_) => "connecting", Conn::Ready(..) => "ready", Conn::Closed => "closed" }
            }
        }
    },
    run: async {
        let mut c = Conn::Idle;
        (c.step().await, c.step().await, c.step().await, c.step().await)
    },
}

differential! {
    /// A boxed future chosen by an `if` (`Pin<Box<dyn Future>>`), awaited
    /// after another await.
    name: boxed_future_chosen_by_if,
    items: {
        #[lh] pub async fn f(c: bool) -> u32 {
            let _d = D::new("d");
            let fut: Pin<Box<dyn Future<Output = u32>>> = if c { Box::pin(fetch(1)) } else { Box::pin(async { pend(2, 5).await }) };
            let pre = fetch(0).await;
            pre + fut.await
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `ref mut` bindings in a `match` on a local enum, mutated across an
    /// await, the local read after.
    name: ref_mut_binding_mutated_across_await,
    items: {
        #[derive(Debug)]
        pub enum Acc { Sum(u32), Names(Vec<String>) }
        #[lh] pub async fn f(mut a: Acc, x: u32) -> Acc {
            match a {
                Acc::Sum(ref mut s) => { *s += fetch(x).await; }
                Acc::Names(ref mut ns) => { ns.push(lookup("abc").await.unwrap()); }
            }
            pend(1, ()).await;
            a
        }
    },
    run: async { (f(Acc::Sum(1), 2).await, f(Acc::Names(vec![]), 0).await) },
}

differential! {
    /// A `let` with an or-pattern over `Result` binding the same name in
    /// both alternatives (`let (Ok(n) | Err(n)) = ..`), after awaits.
    name: let_or_pattern_over_result,
    items: {
        #[lh] pub async fn f(x: u32) -> u32 {
            let r: Result<u32, u32> = check(x).await.map_err(|e| e.len() as u32);
            let (Ok(n) | Err(n)) = r;
            n + fetch(n).await
        }
    },
    run: async { (f(4).await, f(3).await) },
}

differential! {
    /// A const generic array parameter walked with awaits.
    name: const_generic_array_param,
    items: {
        #[lh] pub async fn f<const N: usize>(a: [D; N]) -> usize {
            let mut t = 0;
            for d in &a {
                t += pend(1, d.touch()).await;
            }
            t + N
        }
    },
    run: f([D::new("a"), D::new("bb")]),
}

differential! {
    /// A hand-written async iterator (`next(&mut self)` async method)
    /// drained with `while let Some(x) = it.next().await`.
    name: hand_written_async_iterator_while_let,
    items: {
        pub struct Pages { pub left: u32, pub _d: D }
        impl Pages {
            #[lh] pub async fn next(&mut self) -> Option<Vec<u32>> {
                if self.left == 0 { return None; }
                self.left -= 1;
                let v = fetch(self.left).await;
                Some(vec![v])
            }
        }
        #[lh] pub async fn all(n: u32) -> Vec<u32> {
            let mut it = Pages { left: n, _d: D::new("pages") };
            let mut out = Vec::new();
            while let Some(page) = it.next().await {
                out.extend(page);
            }
            out
        }
    },
    run: all(3),
}

differential! {
    /// A closure returning a future (`|x| async move { .. }`) stored in a
    /// local and called in a loop with awaits.
    name: closure_returning_async_move_block,
    items: {
        #[lh] pub async fn f() -> u32 {
            let base = 10;
            let mk_req = |x: u32| async move { pend(1, ()).await; x + base };
            let mut t = 0;
            for i in 0..3 {
                let _d = D::new("i");
                t += mk_req(i).await;
            }
            t
        }
    },
    run: f(),
}

differential! {
    /// Shadowing chains: `let x = x.await; let x = x?; let x = x.len();`
    /// across awaits with droppers shadowed too.
    name: shadowing_chain_across_awaits,
    items: {
        #[lh] pub async fn f(k: &'static str) -> Result<usize, String> {
            let d = D::new("d1");
            let x = lookup(k);
            let x = x.await;
            let d = D::new("d2");
            let x = x.ok_or("none")?;
            let x = x.len();
            let d = load("d3").await;
            Ok(x + fetch(x as u32).await as usize)
        }
    },
    run: async { (f("abc").await, f("a").await) },
}

differential! {
    /// A loop over a `VecDeque` with `match q.pop_front()`, `break` in the
    /// `None` arm, awaits and a `continue` in a guard arm.
    name: loop_match_pop_front_break_none,
    items: {
        #[lh] pub async fn f(v: Vec<u32>) -> Vec<u32> {
            let mut q: VecDeque<u32> = v.into();
            let mut out = Vec::new();
            loop {
                match q.pop_front() {
                    Some(0) => continue,
                    Some(x) if x % 2 == 0 => { let _e = D::new("even"); out.push(fetch(x).await); }
                    Some(x) => { if x < 5 { q.push_back(x + 1); } pend(1, ()).await; }
                    None => break,
                }
            }
            out
        }
    },
    run: f(vec![1, 0, 4, 7]),
}

differential! {
    /// A generic struct with an `impl` block bounded by a trait with an
    /// associated const, calling `T::LIMIT` and `Self::new` across awaits.
    name: generic_struct_assoc_const_and_self_new,
    items: {
        pub trait Limit { const LIMIT: u32; }
        pub struct Small;
        impl Limit for Small { const LIMIT: u32 = 2; }
        pub struct Batch<T> { pub items: Vec<u32>, pub _d: D, pub _t: std::marker::PhantomData<T> }
        impl<T: Limit> Batch<T> {
            pub fn new(name: &'static str) -> Self { Batch { items: Vec::new(), _d: D::new(name), _t: std::marker::PhantomData } }
            #[lh] pub async fn fill(xs: Vec<u32>) -> Vec<Vec<u32>> {
                let mut out = Vec::new();
                let mut cur = Self::new("b0");
                for x in xs {
                    cur.items.push(fetch(x).await);
                    if cur.items.len() as u32 == T::LIMIT {
                        let full = std::mem::replace(&mut cur, Self::new("bn"));
                        out.push(full.items.clone());
                    }
                }
                out.push(cur.items.clone());
                out
            }
        }
    },
    run: Batch::<Small>::fill(vec![1, 2, 3]),
}

differential! {
    /// An `Rc<RefCell<Vec<D>>>` registry: a borrow in a `for` header
    /// (`for d in reg.borrow().iter()`) whose body awaits.
    name: refcell_borrow_in_for_header_body_awaits,
    items: {
        #[lh] pub async fn f(reg: Rc<RefCell<Vec<D>>>) -> usize {
            let mut t = 0;
            for d in reg.borrow().iter() {
                t += pend(1, d.touch()).await;
            }
            reg.borrow_mut().push(D::new("added"));
            t
        }
    },
    run: async { let r = Rc::new(RefCell::new(vec![D::new("a"), D::new("bb")])); f(r.clone()).await },
}

differential! {
    /// A method chain on an awaited value consuming it (`into_iter()`,
    /// `filter`, `map`, `collect`), then `sum` of awaited values in a
    /// second statement.
    name: iterator_chain_on_awaited_value,
    items: {
        pub async fn ids() -> Vec<u32> { pend(1, vec![1, 2, 3, 4]).await }
        #[lh] pub async fn f() -> (Vec<String>, u32) {
            let names: Vec<String> = ids().await.into_iter().filter(|x| x % 2 == 0).map(|x| format!("id{x}")).collect();
            let total = ids().await.iter().sum::<u32>() + fetch(1).await;
            (names, total)
        }
    },
    run: f(),
}

differential! {
    /// A `match` on `&mut` of a field (`match &mut self.state`), arms
    /// awaiting and writing through the binding.
    name: match_on_mut_ref_of_field,
    items: {
        pub enum St { Count(u32), Text(String) }
        pub struct M { pub state: St, pub _d: D }
        impl M {
            #[lh] pub async fn bump(&mut self) -> String {
                match &mut self.state {
                    St::Count(n) => { *n += fetch(*n).await; format!("count {n}") }
                    St::Text(s) => { s.push_str(&lookup("abc").await.unwrap()); s.clone() }
                }
            }
        }
    },
    run: async {
        let mut a = M { state: St::Count(1), _d: D::new("ma") };
        let mut b = M { state: St::Text("x".into()), _d: D::new("mb") };
        (a.bump().await, a.bump().await, b.bump().await)
    },
}

differential! {
    /// A panic inside a closure called after an await (`map(|x| x.unwrap())`
    /// over awaited options), droppers live.
    name: panic_inside_closure_after_await,
    items: {
        #[lh] pub async fn f(ks: Vec<&'static str>) -> Vec<usize> {
            let _d = D::new("d");
            let mut found = Vec::new();
            for k in ks { found.push(lookup(k).await); }
            let _e = D::new("e");
            found.into_iter().map(|x| x.unwrap().len()).collect()
        }
    },
    run: async { (f(vec!["abc"]).await, f(vec!["abcd", "x"]).await) },
}

differential! {
    /// `split_first` / `split_last` on a parameter slice, the pieces held
    /// across awaits.
    name: split_first_last_held_across_awaits,
    items: {
        #[lh] pub async fn f(v: Vec<u32>) -> Option<(u32, u32, usize)> {
            let (first, rest) = v.split_first()?;
            let a = fetch(*first).await;
            let (last, mid) = rest.split_last()?;
            let b = fetch(*last).await;
            Some((a, b, mid.len()))
        }
    },
    run: async { (f(vec![1, 2, 3, 4]).await, f(vec![1]).await) },
}

// ---------------------------------------------------------------------------
// 11. s18-1 probes in async bodies: an operand typed only by its context,
//     before a temporary kept to the end of the statement
// ---------------------------------------------------------------------------

/// Adds two numbers after one suspension.
async fn add2(a: usize, b: usize) -> usize {
    pend(1, ()).await;
    a + b
}

/// Totals a vector after one suspension.
async fn total(v: Vec<usize>, n: usize) -> usize {
    pend(1, ()).await;
    v.iter().sum::<usize>() + n
}

differential! {
    /// s18-1 probe: `consume(("k".into(), String::from("ab").len())).await`:
    /// the `String` temporary, receiver of `len`, lives across the await.
    name: s18_1_into_before_kept_temporary_in_awaitee,
    items: {
        #[lh] pub async fn f() -> usize {
            consume(("k".into(), String::from("ab").len())).await
        }
    },
    run: f(),
}

differential! {
    /// s18-1 probe: `Default::default()` typed by the callee, before a kept
    /// temporary.
    name: s18_1_default_before_kept_temporary_in_awaitee,
    items: {
        #[lh] pub async fn f() -> usize {
            consume((Default::default(), String::from("abc").len())).await
        }
    },
    run: f(),
}

differential! {
    /// s18-1 probe: `"12".parse().unwrap()` typed by the callee's parameter,
    /// before a kept temporary.
    name: s18_1_parse_unwrap_before_kept_temporary,
    items: {
        #[lh] pub async fn f() -> usize {
            add2("12".parse().unwrap(), String::from("ab").len()).await
        }
    },
    run: f(),
}

differential! {
    /// s18-1 probe: `.collect()` typed by the callee's parameter, before a
    /// kept temporary.
    name: s18_1_collect_before_kept_temporary,
    items: {
        #[lh] pub async fn f(s: &'static str) -> usize {
            total(s.split(',').map(|x| x.len()).collect(), String::from("ab").len()).await
        }
    },
    run: f("a,bb,ccc"),
}

differential! {
    /// s18-1, the realistic shape: a key-value client's `put(key.into(),
    /// value.to_string().as_bytes())`, the key typed by the method.
    name: s18_1_kv_put_key_into_value_to_string_as_bytes,
    items: {
        pub struct Kv { pub m: RefCell<BTreeMap<String, Vec<u8>>>, pub _d: D }
        impl Kv {
            #[lh] pub async fn put(&self, k: String, v: &[u8]) -> usize {
                pend(1, ()).await;
                self.m.borrow_mut().insert(k, v.to_vec());
                self.m.borrow().len()
            }
        }
        #[lh] pub async fn save(kv: &Kv, id: u32, score: f32) -> usize {
            kv.put("last".into(), id.to_string().as_bytes()).await;
            kv.put(format!("score:{id}"), score.to_string().as_bytes()).await
        }
    },
    run: async { let kv = Kv { m: RefCell::new(BTreeMap::new()), _d: D::new("kv") }; (save(&kv, 7, 1.5).await, kv.m.borrow().clone()) },
}

known_gap! {
    reason: "domains 5 family, parameter form minimal (runs differently, drop order): `async fn f(Pair { x, .. }: Pair) -> usize { log(\"body\"); pend(1, x.touch()).await }` with `Pair { x: D, y: D }`: rustc drops `x`, then the rest `y` with the argument (native `[\"body\", \"touch x\", \"drop x\", \"drop y\", ..]`); longhand drops the rest first (lowered `[\"body\", \"touch x\", \"drop y\", \"drop x\", ..]`)",
    differential! {
        /// Parameter patterns leaving a droppable rest (`Pair { x, .. }: Pair`):
        /// minimal form of `destructured_parameters_drop_order`.
        name: param_pattern_rest_with_dropper_minimal,
        items: {
            pub struct Pair { pub x: D, pub y: D }
            #[lh] pub async fn f(Pair { x, .. }: Pair) -> usize {
                log("body");
                pend(1, x.touch()).await
            }
        },
        run: f(Pair { x: D::new("x"), y: D::new("y") }),
    }
}

differential! {
    /// s18-1 probe: `"12".parse().unwrap()` before a guard temporary's
    /// `get()` in an awaitee's arguments.
    name: s18_1_parse_before_guard_get_in_awaitee,
    items: {
        #[lh] pub async fn f() -> usize {
            add2("12".parse().unwrap(), mk("t", 2).get() as usize).await
        }
    },
    run: f(),
}

differential! {
    /// s18-1 probe: `.into()` before `x.len().to_string()` (a kept `usize`
    /// temporary) in an awaitee's arguments.
    name: s18_1_into_before_len_to_string_in_awaitee,
    items: {
        pub async fn take2(a: String, b: String) -> usize { pend(1, ()).await; a.len() + b.len() }
        #[lh] pub async fn f(x: &'static str) -> usize {
            take2("k".into(), x.len().to_string()).await
        }
    },
    run: f("hello world"),
}

// ---------------------------------------------------------------------------
// 12. Third batch: closures with their own `return`/`?`, items and `use`
//     inside bodies, names like the generated ones, extended temporaries
// ---------------------------------------------------------------------------

differential! {
    /// Closures with their own `return` and `?` inside a lowered body,
    /// called before and after awaits: the `return` leaves the closure,
    /// not the function.
    name: closures_with_own_return_and_question_mark,
    items: {
        #[lh] pub async fn f(raw: Vec<&'static str>) -> (Vec<u32>, u32) {
            let _d = D::new("d");
            let parse = |s: &str| -> Option<u32> {
                if s.is_empty() { return Some(0); }
                let n: u32 = s.trim().parse().ok()?;
                Some(n * 2)
            };
            let clamp = |x: u32| { if x > 10 { return 10; } x };
            let mut out = Vec::new();
            for r in raw {
                let s = pend(1, r).await;
                if let Some(n) = parse(s) { out.push(clamp(fetch(n).await)); }
            }
            (out, clamp(99))
        }
    },
    run: f(vec!["1", "", "x", "9"]),
}

differential! {
    /// An async block with its own `return` inside a lowered body, awaited
    /// later; the function goes on after it.
    name: async_block_with_own_return_awaited_later,
    items: {
        #[lh] pub async fn f(x: u32) -> (u32, u32) {
            let job = async move {
                if x == 0 { return 100; }
                fetch(x).await + 1
            };
            let before = fetch(5).await;
            let r = job.await;
            (before, r)
        }
    },
    run: async { (f(0).await, f(2).await) },
}

differential! {
    /// A loop labelled `'outer` inside a closure, in a body whose own loop
    /// is labelled `'outer` too, with awaits in the body's loop.
    name: same_label_in_closure_and_body,
    items: {
        #[lh] pub async fn f(grid: Vec<Vec<u32>>) -> (u32, Option<(usize, usize)>) {
            let find = |t: u32| {
                let mut at = None;
                'outer: for (i, r) in grid.iter().enumerate() {
                    for (j, v) in r.iter().enumerate() {
                        if *v == t { at = Some((i, j)); break 'outer; }
                    }
                }
                at
            };
            let mut sum = 0;
            'outer: for r in &grid {
                for v in r {
                    if *v == 0 { continue 'outer; }
                    sum += fetch(*v).await;
                }
            }
            (sum, find(pend(1, 4).await))
        }
    },
    run: f(vec![vec![1, 0, 9], vec![3, 4]]),
}

differential! {
    /// Items declared in the body before an await and used after it: a
    /// `use`, a nested `fn`, a `struct` with an `impl`, a `const`.
    name: items_in_body_used_after_awaits,
    items: {
        #[lh] pub async fn f(xs: Vec<u32>) -> (usize, u32, String) {
            use std::collections::BTreeSet;
            const LIMIT: u32 = 3;
            fn bump(x: u32) -> u32 { x + 100 }
            struct Tag(&'static str);
            impl Tag { fn show(&self) -> String { format!("<{}>", self.0) } }
            let t = Tag("t");
            let first = fetch(1).await;
            let set: BTreeSet<u32> = xs.iter().copied().filter(|x| *x < LIMIT).collect();
            let n = pend(1, set.len()).await;
            (n, bump(first), t.show())
        }
    },
    run: f(vec![1, 2, 5, 1]),
}

differential! {
    /// A `macro_rules!` without awaits declared in the body and used after
    /// awaits, and one that declares a local whose name the caller passes
    /// (`bind!(d = ..)`), the local kept across an await.
    name: body_macro_binding_a_local_kept_across_await,
    items: {
        #[lh] pub async fn f() -> usize {
            macro_rules! bind { ($n:ident = $e:expr) => { let $n = $e; }; }
            macro_rules! twice { ($e:expr) => { $e * 2 }; }
            bind!(d = D::new("d"));
            let a = fetch(1).await;
            let n = d.touch();
            pend(1, ()).await;
            twice!(a as usize) + n + d.touch()
        }
    },
    run: f(),
}

differential! {
    /// User locals named like longhand's generated names (`iter0`, `tmp0`,
    /// `tmp1`, `this`, `cx`, `state`, `pins`) kept across awaits in a `for`
    /// loop, beside a temporary kept to the end of a statement.
    name: locals_named_like_generated_names,
    items: {
        #[lh] pub async fn f(v: Vec<u32>) -> u32 {
            let tmp0 = D::new("tmp0");
            let mut iter0 = 0;
            let this = 1;
            let cx = 2;
            let state = "s";
            let pins = vec![3u32];
            for x in v {
                let tmp1 = D::new("tmp1");
                iter0 += fetch(x).await + pend(1, mk("t", x).get()).await;
                tmp1.touch();
            }
            tmp0.touch();
            iter0 + this + cx + state.len() as u32 + pins[0]
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// Raw identifiers as local names (`r#type`, `r#match`) kept across
    /// awaits.
    name: raw_identifier_locals_across_awaits,
    items: {
        #[lh] pub async fn f(r#type: u32) -> u32 {
            let r#match = D::new("match");
            let r#ref = fetch(r#type).await;
            r#match.touch();
            r#ref + pend(1, r#type).await
        }
    },
    run: f(3),
}

differential! {
    /// Three nested shadowings of one name, each kept across an await, the
    /// inner ones dropped at their block ends.
    name: nested_shadowing_kept_across_same_awaits,
    items: {
        #[lh] pub async fn f() -> usize {
            let d = D::new("d1");
            let n = {
                let d = D::new("d2");
                let m = {
                    let d = D::new("d3");
                    pend(1, ()).await;
                    d.touch()
                };
                pend(1, ()).await;
                m + d.touch()
            };
            pend(1, ()).await;
            n + d.touch()
        }
    },
    run: f(),
}

differential! {
    /// Temporary lifetime extension: `let r = &mk(..);` (the temporary
    /// lives as long as `r`), kept across an await and read after it.
    name: extended_temporary_by_reference_let,
    items: {
        #[lh] pub async fn f() -> u32 {
            let r = &mk("ext", 5);
            let _after = D::new("after");
            let x = fetch(1).await;
            r.get() + x
        }
    },
    run: f(),
}

differential! {
    /// Temporary lifetime extension through a tuple and a struct literal
    /// (`let (a, b) = (&D::new(..), &D::new(..));`, `let w = W { r:
    /// &D::new(..) };`), kept across awaits.
    name: extended_temporaries_through_tuple_and_struct_literal,
    items: {
        pub struct W<'a> { pub r: &'a D }
        #[lh] pub async fn f() -> usize {
            let (a, b) = (&D::new("ta"), &D::new("tb"));
            let w = W { r: &D::new("tw") };
            pend(1, ()).await;
            a.touch() + b.touch() + w.r.touch()
        }
    },
    run: f(),
}

differential! {
    /// A reference to an awaited value (`let x = &load(..).await;`): the
    /// value is an extended temporary, dropped with `x`'s scope.
    name: reference_to_awaited_value_extended,
    items: {
        #[lh] pub async fn f() -> usize {
            let x = &load("x").await;
            let _mid = D::new("mid");
            pend(1, ()).await;
            x.touch()
        }
    },
    run: f(),
}

differential! {
    /// `let ref x = D::new(..)` and `let ref mut` bindings kept across
    /// awaits.
    name: let_ref_and_ref_mut_bindings_across_awaits,
    items: {
        #[lh] pub async fn f() -> u32 {
            let ref a = D::new("a");
            let ref mut n = 1u32;
            *n += fetch(2).await;
            a.touch();
            pend(1, *n).await
        }
    },
    run: f(),
}

differential! {
    /// A non-`move` async block borrowing a local, created before an await
    /// and awaited after it.
    name: non_move_async_block_borrowing_local_awaited_later,
    items: {
        #[lh] pub async fn f(x: u32) -> u32 {
            let d = D::new("d");
            let a = async { d.touch() as u32 + fetch(x).await };
            let b = fetch(2).await;
            a.await + b
        }
    },
    run: f(1),
}

differential! {
    /// A closure whose parameter type is fixed only by a call after an
    /// await (`let f = |x| x * 2; .. .await; f(l)`), in a loop.
    name: closure_param_typed_by_call_after_await_in_loop,
    items: {
        #[lh] pub async fn f(v: Vec<u32>) -> u32 {
            let mut t = 0;
            for l in v {
                let dbl = |x| x * 2;
                pend(1, ()).await;
                t += dbl(l);
            }
            t
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// Statement attributes (`#[allow(..)]` on a `let`, on an expression
    /// statement) around awaits.
    name: statement_attributes_around_awaits,
    items: {
        #[lh] pub async fn f() -> u32 {
            #[allow(unused_variables)]
            let unused = D::new("unused");
            #[allow(clippy::identity_op)]
            let a = fetch(1).await + 0;
            #[allow(unused_must_use)]
            {
                check(3).await;
            }
            a
        }
    },
    run: f(),
}

differential! {
    /// A `loop` whose `break` value is an awaited expression holding a
    /// temporary guard known to be borrowed (`break pend(1, mk(..).get())
    /// .await`).
    name: break_value_awaited_with_borrowed_temporary,
    items: {
        #[lh] pub async fn f(n: u32) -> u32 {
            let mut i = 0;
            loop {
                i += 1;
                if i > n {
                    break pend(1, mk("brk", i).get()).await;
                }
                let _it = D::new("it");
            }
        }
    },
    run: f(2),
}

differential! {
    /// `return` of an awaited value from inside a `match` arm inside a
    /// `while let`, with a borrowed temporary in the returned expression.
    name: return_awaited_with_borrowed_temporary_in_arm,
    items: {
        #[lh] pub async fn f(mut v: Vec<u32>) -> u32 {
            let _g = D::new("g");
            while let Some(x) = v.pop() {
                match x {
                    0 => return pend(1, mk("ret", 7).get()).await,
                    x => { let _i = D::new("i"); fetch(x).await; }
                }
            }
            0
        }
    },
    run: f(vec![0, 1, 2]),
}

// ---------------------------------------------------------------------------
// 13. Fourth batch: evaluation order, signatures, short-circuits
// ---------------------------------------------------------------------------

/// Takes a string after one suspension and returns its length.
async fn take1(s: String) -> usize {
    pend(1, ()).await;
    s.len()
}

differential! {
    /// s18-1 probe in async: a tuple typed by the `let`, its first operand
    /// an `.into()`, its second an await of a call holding a kept
    /// temporary, in a loop after another await.
    name: s18_1_async_let_tuple_into_in_loop_after_await,
    items: {
        #[lh] pub async fn f(v: Vec<&'static str>) -> usize {
            let mut t = 0;
            for l in v {
                pend(1, ()).await;
                let p: (String, usize) = ("k".into(), take1(l.len().to_string()).await);
                t += p.1 + p.0.len();
            }
            t
        }
    },
    run: f(vec!["ab", "cde"]),
}

differential! {
    /// s18-1 probe in async: the `.into()` before a guard temporary beside
    /// an await, in a loop after another await.
    name: s18_1_async_into_before_guard_beside_await_in_loop,
    items: {
        #[lh] pub async fn f(v: Vec<u32>) -> usize {
            let mut t = 0;
            for x in v {
                pend(1, ()).await;
                let p: (String, u32) = ("k".into(), mk("t", x).get() + fetch(x).await);
                t += p.0.len() + p.1 as usize;
            }
            t
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// Plain assignment to an indexed place with awaits on both sides: rustc
    /// evaluates the assigned value first, then the place's index.
    name: indexed_assignment_awaits_both_sides_order,
    items: {
        #[lh] pub async fn f() -> Vec<u32> {
            let mut v = vec![0u32; 3];
            v[pend(1, val("idx", 1)).await] = pend(1, val("rhs", 5)).await;
            v[val("idx2", 2)] = fetch(val("rhs2", 3)).await;
            v
        }
    },
    run: f(),
}

differential! {
    /// Assignment to a field of an indexed element of a field, index and
    /// value both awaited.
    name: field_of_indexed_field_assignment_awaited,
    items: {
        pub struct Slot { pub name: D, pub n: u32 }
        pub struct Table { pub slots: Vec<Slot> }
        impl Table {
            #[lh] pub async fn set(&mut self, name: &'static str) -> u32 {
                self.slots[fetch(0).await as usize].name = load(name).await;
                self.slots[pend(1, 1).await].n += fetch(4).await;
                self.slots[1].n
            }
        }
    },
    run: async {
        let mut t = Table { slots: vec![Slot { name: D::new("s0"), n: 0 }, Slot { name: D::new("s1"), n: 1 }] };
        t.set("new").await
    },
}

differential! {
    /// `||` and `&&` with awaits on the right (run only when needed) and
    /// temporary guards on both sides.
    name: short_circuit_awaits_with_guards,
    items: {
        pub fn cheap(x: u32) -> bool { log(format!("cheap {x}")); x == 0 }
        #[lh] pub async fn f(x: u32) -> (bool, bool) {
            let a = cheap(x) || fetch(x).await > 3;
            let b = mk("l", x).get() > 0 && fetch(x).await > mk("r", 5).get();
            (a, b)
        }
    },
    run: async { (f(0).await, f(1).await, f(4).await) },
}

differential! {
    /// Ranges and `step_by` with awaited bounds, unary operators and casts
    /// on awaited values.
    name: awaited_range_bounds_unary_and_casts,
    items: {
        #[lh] pub async fn f() -> (Vec<u32>, i32, bool, char) {
            let mut v = Vec::new();
            for i in (pend(1, 1).await..fetch(3).await).step_by(pend(1, 2).await) {
                v.push(i);
            }
            let neg = -(pend(1, 3i32).await);
            let not = !pend(1, false).await;
            let c = fetch(33).await as u8 as char;
            (v, neg, not, c)
        }
    },
    run: f(),
}

differential! {
    /// `match &load(..).await { .. }`: the awaited value is a temporary
    /// of the scrutinee, alive to the end of the `match`, across the
    /// awaits in the arms.
    name: match_on_reference_to_awaited_temporary,
    items: {
        #[lh] pub async fn f(name: &'static str) -> usize {
            match &load(name).await {
                d if d.0.len() > 2 => { pend(1, ()).await; d.touch() }
                d => d.touch() + fetch(1).await as usize,
            }
        }
    },
    run: async { (f("long").await, f("ab").await) },
}

differential! {
    /// `let else` whose `else` block awaits before returning, droppers live.
    name: let_else_block_awaits_before_return,
    items: {
        #[lh] pub async fn f(x: Option<u32>) -> u32 {
            let _g = D::new("g");
            let Some(v) = x else {
                let _e = D::new("else");
                pend(2, ()).await;
                return fetch(0).await;
            };
            fetch(v).await
        }
    },
    run: async { (f(Some(2)).await, f(None).await) },
}

differential! {
    /// An `async unsafe fn` reading through a raw pointer after an await.
    name: async_unsafe_fn_raw_pointer,
    items: {
        #[lh] pub async unsafe fn f(p: *const u32) -> u32 {
            let _d = D::new("d");
            let a = fetch(1).await;
            a + unsafe { *p }
        }
    },
    run: async { let x = Box::new(7u32); let p: *const u32 = &*x; let r = unsafe { f(p) }.await; (r, *x) },
}

differential! {
    /// An `async fn` returning `impl Debug`.
    name: async_fn_returning_impl_debug,
    items: {
        #[lh] pub async fn f(x: u32) -> impl std::fmt::Debug {
            let d = load("out").await;
            (d.0, fetch(x).await)
        }
    },
    run: f(2),
}

differential! {
    /// A `?Sized` generic parameter behind a reference, shown after awaits.
    name: unsized_generic_behind_reference,
    items: {
        #[lh] pub async fn show<T: ?Sized + std::fmt::Debug>(x: &T, n: u32) -> String {
            let a = fetch(n).await;
            format!("{x:?}/{a}")
        }
    },
    run: async { (show("str", 1).await, show(&[1u8, 2][..], 2).await) },
}

differential! {
    /// A reborrow of a `&mut Vec` parameter (`let r = &mut *v;`) pushed
    /// with an awaited value, the parameter used after the reborrow.
    name: reborrow_of_mut_param_across_await,
    items: {
        #[lh] pub async fn f(v: &mut Vec<u32>) -> usize {
            let r = &mut *v;
            r.push(fetch(1).await);
            r.push(2);
            pend(1, ()).await;
            v.push(3);
            v.len()
        }
    },
    run: async { let mut v = vec![]; let n = f(&mut v).await; (n, v) },
}

differential! {
    /// A loop left only by `return` (the function's tail is the `loop`),
    /// awaits in the condition of the return.
    name: loop_left_only_by_return,
    items: {
        #[lh] pub async fn f(mut x: u32) -> u32 {
            let _d = D::new("d");
            loop {
                let _it = D::new("it");
                if fetch(x).await > 10 { return x; }
                x += 3;
            }
        }
    },
    run: f(1),
}

differential! {
    /// A generic helper called with a turbofish inside a trait impl
    /// (`Self::conv::<u64>(..)`), across awaits.
    name: turbofish_generic_helper_in_impl,
    items: {
        pub struct Conv(pub D);
        impl Conv {
            pub fn conv<T: From<u32> + std::fmt::Debug>(x: u32) -> T { T::from(x) }
            #[lh] pub async fn run2(&self, x: u32) -> (u64, String) {
                let a = Self::conv::<u64>(fetch(x).await);
                self.0.touch();
                let b: String = format!("{:?}", Self::conv::<f64>(pend(1, x).await));
                (a, b)
            }
        }
    },
    run: async { let c = Conv(D::new("c")); c.run2(3).await },
}

differential! {
    /// `Box<dyn Fn(&str) -> &str + '_>` borrowing a local, called with an
    /// awaited argument.
    name: boxed_fn_with_lifetime_borrowing_local,
    items: {
        #[lh] pub async fn f(prefix: String) -> Vec<String> {
            let strip: Box<dyn Fn(&str) -> bool + '_> = Box::new(|s: &str| s.starts_with(prefix.as_str()));
            let mut out = Vec::new();
            for w in ["ab", "xa", "abc"] {
                if strip(pend(1, w).await) { out.push(w.to_string()); }
            }
            out
        }
    },
    run: f("ab".into()),
}

// ---------------------------------------------------------------------------
// 14. Types fixed only after a later await, in loops
// ---------------------------------------------------------------------------

differential! {
    /// A `parse().unwrap()` typed only by an annotated `let` after the
    /// next await, in a loop after another await.
    name: parse_typed_after_next_await_in_loop,
    items: {
        #[lh] pub async fn f(v: Vec<&'static str>) -> u32 {
            let mut t: u32 = 0;
            for l in v {
                pend(1, ()).await;
                let n = l.parse().unwrap();
                pend(1, ()).await;
                let m: u32 = n;
                t += m;
            }
            t
        }
    },
    run: f(vec!["1", "22"]),
}

differential! {
    /// A `collect()` typed only by a `push` after the next await.
    name: collect_typed_after_next_await_in_loop,
    items: {
        #[lh] pub async fn f(text: &'static str) -> Vec<Vec<String>> {
            let mut rows: Vec<Vec<String>> = Vec::new();
            for l in text.lines() {
                let cells = l.split(',').map(|c| c.trim().to_string()).collect();
                pend(1, ()).await;
                rows.push(cells);
            }
            rows
        }
    },
    run: f("a, b\nc"),
}

differential! {
    /// A `Default::default()` accumulator typed by the function's return
    /// after the loop, with awaits in the loop.
    name: default_accumulator_typed_by_return,
    items: {
        #[lh] pub async fn f(xs: Vec<u32>) -> u32 {
            let mut total = Default::default();
            for x in xs {
                total += fetch(x).await;
            }
            total
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// An empty `Vec::new()` whose element type is fixed by a `push` after
    /// an await in a loop, then returned.
    name: vec_new_typed_by_push_after_await,
    items: {
        #[lh] pub async fn f(xs: Vec<&'static str>) -> Vec<usize> {
            let mut out = Vec::new();
            for x in xs {
                pend(1, ()).await;
                out.push(x.len());
            }
            out
        }
    },
    run: f(vec!["a", "bb"]),
}

// ---------------------------------------------------------------------------
// 15. Fifth batch: iterator chains with awaited arguments, builders,
//     drains left early
// ---------------------------------------------------------------------------

differential! {
    /// An iterator chain on a borrowed vector whose last adapter takes an
    /// awaited argument (`v.iter().map(..).fold(x.await, ..)`): the chain
    /// is built before the await and kept across it.
    name: iterator_chain_fold_with_awaited_init,
    items: {
        #[lh] pub async fn f(v: Vec<u32>) -> u32 {
            let _d = D::new("d");
            let s = v.iter().map(|x| x * 2).fold(fetch(1).await, |a, b| a + b);
            s + pend(1, 0).await
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `chain(once(x.await))` and `zip(y.await)` in iterator chains over a
    /// local, collected.
    name: iterator_chain_once_and_zip_awaited,
    items: {
        pub async fn names() -> Vec<&'static str> { pend(1, vec!["a", "b"]).await }
        #[lh] pub async fn f(v: Vec<u32>) -> (Vec<u32>, Vec<(u32, &'static str)>) {
            let all: Vec<u32> = v.iter().copied().chain(std::iter::once(fetch(5).await)).collect();
            let pairs = v.into_iter().zip(names().await).collect();
            (all, pairs)
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `for_each` with a closure mutating a local, on an awaited vector.
    name: for_each_on_awaited_vec_mutating_local,
    items: {
        pub async fn ids() -> Vec<u32> { pend(1, vec![1, 2, 3]).await }
        #[lh] pub async fn f() -> u32 {
            let mut total = 0;
            ids().await.iter().for_each(|x| total += x);
            let _d = D::new("d");
            ids().await.into_iter().filter(|x| *x > 1).for_each(|x| total += x * 10);
            total
        }
    },
    run: f(),
}

differential! {
    /// A width argument awaited in a format string (`{:>w$}`), and a
    /// precision from a local.
    name: format_width_awaited_argument,
    items: {
        #[lh] pub async fn f(x: f64) -> String {
            let p = 2;
            format!("[{:>w$.p$}]", x, w = fetch(4).await as usize)
        }
    },
    run: f(1.23456),
}

differential! {
    /// A `match` on `map.get(&x.await)`: the awaited key is a temporary of
    /// the scrutinee, the arm awaits with the borrowed value.
    name: match_on_map_get_of_awaited_key,
    items: {
        #[lh] pub async fn f(m: BTreeMap<u32, String>, k: u32) -> usize {
            match m.get(&fetch(k).await) {
                Some(v) => { pend(1, ()).await; v.len() }
                None => 0,
            }
        }
    },
    run: async { let m = BTreeMap::from([(2, "two".to_string())]); (f(m.clone(), 1).await, f(m, 3).await) },
}

differential! {
    /// An early `return` from a `for` over `drain(..)` of droppers: the
    /// `Drain` drops the rest, then the vector's remaining elements.
    name: early_return_from_drain_loop,
    items: {
        #[lh] pub async fn f(stop: &'static str) -> Option<&'static str> {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c")];
            v.push(load("d").await);
            for d in v.drain(1..3) {
                pend(1, ()).await;
                if d.0 == stop { return Some(d.0); }
            }
            log(format!("left {}", v.len()));
            None
        }
    },
    run: async { (f("b").await, f("z").await) },
}

differential! {
    /// A `match` whose scrutinee is a `loop` with an awaited `break` value.
    name: match_on_loop_with_awaited_break,
    items: {
        #[lh] pub async fn f(start: u32) -> &'static str {
            let mut i = start;
            match loop {
                let _it = D::new("it");
                if fetch(i).await > 6 { break i; }
                i += 1;
            } {
                4 => "four",
                _ => { pend(1, ()).await; "other" }
            }
        }
    },
    run: async { (f(1).await, f(9).await) },
}

differential! {
    /// A chain of `?` with three error conversions in one expression.
    name: question_mark_chain_in_one_expression,
    items: {
        #[derive(Debug)]
        pub enum E { Io(String), Parse, Overflow }
        impl From<IoErr> for E { fn from(e: IoErr) -> Self { E::Io(e.0) } }
        impl From<std::num::ParseIntError> for E { fn from(_: std::num::ParseIntError) -> Self { E::Parse } }
        #[lh] pub async fn f(p: &'static str) -> Result<u32, E> {
            let _d = D::new("d");
            Ok(read(p).await?.trim().parse::<u32>()?.checked_add(fetch(1).await * 1_000_000_000).ok_or(E::Overflow)?)
        }
    },
    run: async { (f("port").await, f("bad").await, f("big").await, f("x").await) },
}

differential! {
    /// `impl AsRef<str>` parameters kept across awaits through `as_ref()`.
    name: impl_as_ref_str_params_across_awaits,
    items: {
        #[lh] pub async fn f(k: impl AsRef<str>, v: impl AsRef<str>) -> String {
            let key = k.as_ref();
            let n = fetch(key.len() as u32).await;
            format!("{key}={}:{n}", v.as_ref())
        }
    },
    run: async { (f("ab", String::from("x")).await, f(String::from("k"), "y").await) },
}

differential! {
    /// A builder whose `&mut self` async method returns `&mut Self`, chained
    /// through awaits (`b.add(1).await.add(2).await`).
    name: mut_self_builder_chained_through_awaits,
    items: {
        pub struct B { pub v: Vec<u32>, pub _d: D }
        impl B {
            #[lh] pub async fn add(&mut self, x: u32) -> &mut Self {
                self.v.push(fetch(x).await);
                self
            }
        }
        #[lh] pub async fn build() -> Vec<u32> {
            let mut b = B { v: vec![], _d: D::new("b") };
            b.add(1).await.add(2).await.add(3).await;
            b.v.clone()
        }
    },
    run: build(),
}

differential! {
    /// An async method in an `impl` of a local trait for `Vec<T>`, iterating
    /// `self` across awaits.
    name: trait_impl_for_vec_iterates_self,
    items: {
        pub trait Total { fn total(&self) -> impl Future<Output = u32>; }
        impl<T: AsRef<str>> Total for Vec<T> {
            #[lh] async fn total(&self) -> u32 {
                let mut t = 0;
                for s in self.iter() {
                    t += fetch(s.as_ref().len() as u32).await;
                }
                t
            }
        }
    },
    run: async { vec!["a", "bcd"].total().await },
}

differential! {
    /// `if let [first, .., last] = &v[..]` with awaits in the body, and a
    /// `match &*boxed` on a boxed enum.
    name: slice_pattern_on_borrowed_slice_and_match_deref_box,
    items: {
        pub enum Shape { Circle(u32), Rect(u32, u32) }
        #[lh] pub async fn f(v: Vec<D>, b: Box<Shape>) -> usize {
            let mut n = 0;
            if let [first, .., last] = &v[..] {
                n += pend(1, first.touch()).await + last.touch();
            }
            n += match &*b {
                Shape::Circle(r) => fetch(*r).await as usize,
                Shape::Rect(w, h) => { pend(1, ()).await; (w * h) as usize }
            };
            n
        }
    },
    run: async { (f(vec![D::new("a"), D::new("bb"), D::new("ccc")], Box::new(Shape::Rect(2, 3))).await, f(vec![], Box::new(Shape::Circle(1))).await) },
}

differential! {
    /// A generic async fn over `F: Future` with a bound on its output,
    /// awaiting the future in one `match` arm and dropping it in another.
    name: generic_future_param_awaited_in_one_arm,
    items: {
        #[lh] pub async fn maybe<F>(run: bool, fut: F) -> Option<String>
        where
            F: Future,
            F::Output: std::fmt::Debug,
        {
            let _d = D::new("d");
            match run {
                true => Some(format!("{:?}", fut.await)),
                false => { drop(fut); pend(1, ()).await; None }
            }
        }
    },
    run: async { (maybe(true, fetch(2)).await, maybe(false, pend(3, D::new("never"))).await) },
}
