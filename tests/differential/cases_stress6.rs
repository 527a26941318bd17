//! Stress round 6: `async fn` in traits (default methods, associated types
//! and consts, generic traits, blanket and wrapper impls, manual
//! `Pin<Box<dyn Future>>` methods for trait objects), lifetimes carried
//! across awaits and returned references, `impl Trait` returns,
//! `IntoFuture`, `poll_fn`, `ready` and hand-written futures, let-chains and
//! `let else`, streams and collections of futures, realistic programs
//! (rate limiter, LRU cache, protocol parser, scheduler, chat room, retrying
//! client, recursive interpreter), drop-order torture with `Option`/`Vec` of
//! drop-logging values, and closures and `async` closures kept across
//! awaits. Written to find where the lowering differs from rustc (findings
//! "s6-N", kept as `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces,
    irrefutable_let_patterns
)]
// Shapes written on purpose: explicit lifetimes on `async fn`s returning
// references (the point of those cases), tuple outputs of results, `let`
// then return (the binding's drop order is the point), a `Drain` held and
// stepped by hand across awaits, `mem::replace` with `Some(..)` as users
// write it, `ref` parameter bindings (finding s6-3 is about them), and a
// `MutexGuard` temporary held across an await (s6-1: it makes the future
// `!Send`, as it does in rustc).
#![allow(
    clippy::await_holding_lock,
    clippy::needless_lifetimes,
    clippy::type_complexity,
    clippy::let_and_return,
    clippy::while_let_on_iterator,
    clippy::mem_replace_option_with_some,
    clippy::toplevel_ref_arg
)]

use crate::harness::*;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::rc::Rc;
use std::task::{Context, Poll};

// ---------------------------------------------------------------------------
// 1. Traits
// ---------------------------------------------------------------------------

differential! {
    /// An AFIT trait whose default method calls two required methods across
    /// awaits; the impl's methods are lowered, the default is native.
    name: trait_default_method_calls_required,
    items: {
        trait Source {
            async fn open(&mut self) -> D;
            async fn read(&mut self, h: &D) -> Option<u32>;
            async fn read_all(&mut self) -> Vec<u32> {
                let h = self.open().await;
                let mut out = Vec::new();
                while let Some(x) = self.read(&h).await {
                    out.push(x);
                }
                out
            }
        }
        struct Counter { left: u32, _d: D }
        impl Source for Counter {
            #[lh] async fn open(&mut self) -> D {
                pend(1, D::new("handle")).await
            }
            #[lh] async fn read(&mut self, h: &D) -> Option<u32> {
                if self.left == 0 { return None; }
                self.left -= 1;
                Some(pend(1, self.left).await + h.touch() as u32)
            }
        }
        #[lh] async fn go() -> Vec<u32> {
            let mut c = Counter { left: 3, _d: D::new("counter") };
            let v = c.read_all().await;
            pend(1, ()).await;
            v
        }
    },
    run: go(),
}

differential! {
    /// A trait with an associated type and const; the lowered impl method
    /// returns `Self::Out` and uses `Self::LIMIT` across awaits.
    name: trait_assoc_type_and_const_in_lowered_impl,
    items: {
        trait Parser {
            type Out: std::fmt::Debug;
            const LIMIT: usize;
            async fn parse(&self, input: &str) -> Result<Self::Out, String>;
        }
        struct Nums(D);
        impl Parser for Nums {
            type Out = Vec<u32>;
            const LIMIT: usize = 3;
            #[lh] async fn parse(&self, input: &str) -> Result<Self::Out, String> {
                let mut out: Self::Out = Vec::new();
                for part in input.split(',') {
                    if out.len() >= Self::LIMIT {
                        return Err(format!("over {}", Self::LIMIT));
                    }
                    let n: u32 = pend(1, part.trim()).await.parse().map_err(|e: std::num::ParseIntError| e.to_string())?;
                    out.push(n);
                }
                Ok(out)
            }
        }
        #[lh] async fn go() -> Vec<Result<Vec<u32>, String>> {
            let p = Nums(D::new("nums"));
            let mut r = Vec::new();
            for s in ["1, 2", "1,x", "1,2,3,4"] {
                r.push(p.parse(s).await);
            }
            r
        }
    },
    run: go(),
}

differential! {
    /// A generic trait `Repo<K>` implemented for two key types by lowered
    /// methods; a lowered generic caller with a where-clause uses both.
    name: generic_trait_two_impls_generic_caller,
    items: {
        trait Repo<K> {
            async fn get(&self, k: K) -> Option<String>;
        }
        struct Store { by_id: Vec<String>, _d: D }
        impl Repo<usize> for Store {
            #[lh] async fn get(&self, k: usize) -> Option<String> {
                let _probe = D::new("by-id");
                pend(1, ()).await;
                self.by_id.get(k).cloned()
            }
        }
        impl Repo<&'static str> for Store {
            #[lh] async fn get(&self, k: &'static str) -> Option<String> {
                let found = pend(1, self.by_id.iter().find(|s| s.starts_with(k))).await;
                found.map(|s| s.to_uppercase())
            }
        }
        #[lh] async fn both<R>(r: &R) -> (Option<String>, Option<String>)
        where
            R: Repo<usize> + Repo<&'static str>,
        {
            let a = <R as Repo<usize>>::get(r, 1).await;
            let b = <R as Repo<&'static str>>::get(r, "ga").await;
            (a, b)
        }
    },
    run: async {
        let s = Store { by_id: vec!["alpha".into(), "beta".into(), "gamma".into()], _d: D::new("store") };
        both(&s).await
    },
}

differential! {
    /// `impl<T: Svc> Svc for Logged<T>`: a lowered wrapper method that logs
    /// around the inner (lowered) call, stacked twice.
    name: wrapper_impl_delegates_to_inner,
    items: {
        trait Svc {
            async fn call(&mut self, x: u32) -> u32;
        }
        struct Base(D);
        impl Svc for Base {
            #[lh] async fn call(&mut self, x: u32) -> u32 {
                pend(1, x * 10).await
            }
        }
        struct Logged<T> { inner: T, name: &'static str, calls: u32 }
        impl<T: Svc> Svc for Logged<T> {
            #[lh] async fn call(&mut self, x: u32) -> u32 {
                let _span = D::new(self.name);
                self.calls += 1;
                log(format!("{} -> {}", self.name, x));
                let r = self.inner.call(x + 1).await;
                log(format!("{} <- {}", self.name, r));
                r
            }
        }
        #[lh] async fn go() -> (u32, u32) {
            let mut s = Logged { inner: Logged { inner: Base(D::new("base")), name: "inner", calls: 0 }, name: "outer", calls: 0 };
            let a = s.call(1).await;
            let b = s.call(a).await;
            (b, s.calls + s.inner.calls)
        }
    },
    run: go(),
}

differential! {
    /// A dyn-compatible trait whose method returns `Pin<Box<dyn Future + '_>>`
    /// built from a lowered inherent `async fn`; a `Vec<Box<dyn Trait>>` is
    /// called in order across awaits.
    name: dyn_trait_boxed_future_method,
    items: {
        trait Step {
            fn run<'a>(&'a self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 'a>>;
        }
        struct Add(u32, D);
        struct Mul(u32, D);
        impl Add {
            #[lh] async fn go(&self, x: u32) -> u32 { pend(1, x + self.0).await }
        }
        impl Mul {
            #[lh] async fn go(&self, x: u32) -> u32 {
                let t = D::new("mul-tmp");
                pend(2, ()).await;
                x * self.0
            }
        }
        impl Step for Add { fn run<'a>(&'a self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 'a>> { Box::pin(self.go(x)) } }
        impl Step for Mul { fn run<'a>(&'a self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 'a>> { Box::pin(self.go(x)) } }
        #[lh] async fn pipeline(steps: Vec<Box<dyn Step>>, mut x: u32) -> u32 {
            for (i, s) in steps.iter().enumerate() {
                x = s.run(x).await;
                log(format!("step {i} = {x}"));
            }
            x
        }
    },
    run: pipeline(vec![Box::new(Add(1, D::new("add"))), Box::new(Mul(3, D::new("mul"))), Box::new(Add(2, D::new("add2")))], 4),
}

differential! {
    /// Inherent lowered methods on a generic struct with a where-clause on
    /// the impl and on the method, using `T::default()` and `Clone`.
    name: generic_struct_where_clause_methods,
    items: {
        struct Cache<K, V> { map: BTreeMap<K, V>, _d: D }
        impl<K, V> Cache<K, V>
        where
            K: Ord + Clone + std::fmt::Debug,
            V: Clone + Default + std::fmt::Debug,
        {
            #[lh] async fn get_or_load<F>(&mut self, k: K, load: F) -> V
            where
                F: Fn(&K) -> V,
            {
                if let Some(v) = self.map.get(&k) {
                    return v.clone();
                }
                let _loading = D::new("loading");
                pend(1, ()).await;
                let v = load(&k);
                self.map.insert(k.clone(), v.clone());
                v
            }
            #[lh] async fn reset(&mut self) -> usize {
                let n = self.map.len();
                for v in self.map.values_mut() {
                    *v = pend(1, V::default()).await;
                }
                n
            }
        }
        #[lh] async fn go() -> (Vec<String>, usize, Vec<String>) {
            let mut c: Cache<u32, String> = Cache { map: BTreeMap::new(), _d: D::new("cache") };
            let mut got = Vec::new();
            for k in [2, 1, 2] {
                got.push(c.get_or_load(k, |k| format!("v{k}")).await);
            }
            let n = c.reset().await;
            (got, n, c.map.values().cloned().collect())
        }
    },
    run: go(),
}

differential! {
    /// A trait default method that is itself lowered with `#[lh]`, calling
    /// a required method; one impl overrides it, one does not.
    name: trait_default_method_lowered,
    items: {
        trait Greeter {
            fn name(&self) -> String;
            #[lh] async fn greet(&self, n: u32) -> String {
                let _g = D::new("greet");
                let who = self.name();
                let k = pend(1, n).await;
                format!("hi {who} x{k}")
            }
        }
        struct A;
        struct B(D);
        impl Greeter for A { fn name(&self) -> String { "a".into() } }
        impl Greeter for B {
            fn name(&self) -> String { "b".into() }
            #[lh] async fn greet(&self, n: u32) -> String {
                pend(2, format!("yo {} {}", self.name(), n)).await
            }
        }
        #[lh] async fn go() -> (String, String) {
            let b = B(D::new("b"));
            (A.greet(1).await, b.greet(2).await)
        }
    },
    run: go(),
}

differential! {
    /// A lowered `async fn` taking `&dyn Trait` and `impl Trait` arguments
    /// together, the trait having a generic method called between awaits.
    name: dyn_and_impl_trait_arguments,
    items: {
        trait Sink { fn put(&self, s: &str); fn tag(&self) -> &'static str; }
        struct Logger(D);
        impl Sink for Logger {
            fn put(&self, s: &str) { log(format!("sink {s}")); }
            fn tag(&self) -> &'static str { self.0 .0 }
        }
        #[lh] async fn pump(a: &dyn Sink, b: impl Sink, n: u32) -> String {
            for i in 0..n {
                let s = pend(1, format!("{}{}", a.tag(), i)).await;
                if i % 2 == 0 { a.put(&s) } else { b.put(&s) }
            }
            format!("{}+{}", a.tag(), b.tag())
        }
    },
    run: async {
        let l = Logger(D::new("L"));
        pump(&l, Logger(D::new("M")), 3).await
    },
}

// ---------------------------------------------------------------------------
// 2. Lifetimes
// ---------------------------------------------------------------------------

differential! {
    /// A struct holding `&'a str` and `&'a mut Vec<D>` used across awaits in
    /// a lowered method with explicit lifetimes.
    name: struct_with_borrowed_fields_across_awaits,
    items: {
        struct Ctx<'a> { prefix: &'a str, out: &'a mut Vec<D>, n: u32 }
        impl<'a> Ctx<'a> {
            #[lh] async fn emit(&mut self, names: &[&'static str]) -> String {
                let mut s = String::from(self.prefix);
                for name in names {
                    let d = pend(1, D::new(name)).await;
                    s.push_str(d.0);
                    self.out.push(d);
                    self.n += 1;
                }
                s
            }
        }
        #[lh] async fn go() -> (String, usize) {
            let prefix = String::from("p:");
            let mut out = Vec::new();
            let s = {
                let mut c = Ctx { prefix: &prefix, out: &mut out, n: 0 };
                let a = c.emit(&["x", "y"]).await;
                let b = c.emit(&["z"]).await;
                format!("{a}|{b}|{}", c.n)
            };
            out.truncate(1);
            pend(1, ()).await;
            (s, out.len())
        }
    },
    run: go(),
}

differential! {
    /// An `async fn first<'a, T>(v: &'a [T]) -> Option<&'a T>` and a
    /// `longest<'a>` returning one of two inputs, chained.
    name: async_fn_returns_reference_tied_to_input,
    items: {
        #[lh] async fn first<'a, T: std::fmt::Debug>(v: &'a [T]) -> Option<&'a T> {
            pend(1, ()).await;
            v.first()
        }
        #[lh] async fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
            let la = pend(1, a.len()).await;
            let lb = pend(1, b.len()).await;
            if la >= lb { a } else { b }
        }
        #[lh] async fn go() -> String {
            let ds = vec![D::new("d0"), D::new("d1")];
            let f = first(&ds).await.map(|d| d.touch());
            let s1 = String::from("short");
            let s2 = String::from("longer one");
            let l = longest(&s1, &s2).await;
            format!("{f:?} {l}")
        }
    },
    run: go(),
}

differential! {
    /// `&mut self` methods returning `&mut` fields after awaits; the caller
    /// writes through the returned reference.
    name: mut_self_method_returns_mut_field,
    items: {
        struct Conn { buf: Vec<u8>, slots: Vec<D>, generation: u32 }
        impl Conn {
            #[lh] async fn buf_mut(&mut self, reserve: usize) -> &mut Vec<u8> {
                pend(1, ()).await;
                self.generation += 1;
                self.buf.reserve(reserve);
                &mut self.buf
            }
            #[lh] async fn slot(&mut self, i: usize) -> Option<&mut D> {
                let idx = pend(1, i).await;
                self.slots.get_mut(idx)
            }
        }
        #[lh] async fn go() -> (Vec<u8>, u32, Vec<&'static str>) {
            let mut c = Conn { buf: vec![1], slots: vec![D::new("s0"), D::new("s1")], generation: 0 };
            c.buf_mut(4).await.push(2);
            let b = c.buf_mut(0).await;
            b.extend([3, 4]);
            if let Some(s) = c.slot(1).await {
                *s = D::new("s1b");
            }
            let missing = c.slot(9).await.is_none();
            log(format!("missing {missing}"));
            (c.buf.clone(), c.generation, c.slots.iter().map(|d| d.0).collect())
        }
    },
    run: go(),
}

differential! {
    /// A borrowed iterator over a `&'a [D]` held by a struct across awaits
    /// (`Peekable<slice::Iter>`), with an early return in the middle.
    name: borrowed_peekable_iterator_struct,
    items: {
        struct Tokens<'a> { it: std::iter::Peekable<std::slice::Iter<'a, D>>, seen: usize }
        impl<'a> Tokens<'a> {
            #[lh] async fn next_long(&mut self) -> Option<&'a D> {
                while let Some(d) = self.it.next() {
                    self.seen += 1;
                    if pend(1, d.0.len()).await > 2 {
                        return Some(d);
                    }
                    if let Some(p) = self.it.peek() {
                        log(format!("peek {}", p.0));
                    }
                }
                None
            }
        }
        #[lh] async fn go() -> Vec<&'static str> {
            let ds = vec![D::new("a"), D::new("bbb"), D::new("cc"), D::new("dddd")];
            let mut t = Tokens { it: ds.iter().peekable(), seen: 0 };
            let mut out = Vec::new();
            while let Some(d) = t.next_long().await {
                out.push(d.0);
            }
            log(format!("seen {}", t.seen));
            out
        }
    },
    run: go(),
}

differential! {
    /// Lifetime-generic free function with a `'b: 'a` bound and a `where T:
    /// 'a` clause, holding both borrows across an await.
    name: lifetime_bounds_outlives_clause,
    items: {
        #[lh] async fn pick<'a, 'b: 'a, T>(xs: &'a [T], fallback: &'b T, i: usize) -> &'a T
        where
            T: std::fmt::Debug + 'a,
        {
            let held = D::new("pick");
            let i = pend(1, i).await;
            let r = xs.get(i).unwrap_or(fallback);
            pend(1, ()).await;
            r
        }
        #[lh] async fn go() -> String {
            let fb = 99u32;
            let xs = vec![1u32, 2, 3];
            let a = pick(&xs, &fb, 1).await;
            let b = pick(&xs, &fb, 7).await;
            format!("{a} {b}")
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 3. impl Trait returns, IntoFuture, poll_fn, ready, hand-written futures
// ---------------------------------------------------------------------------

differential! {
    /// Lowered `async fn`s returning `impl Display` and `impl Iterator`.
    name: impl_trait_return_types,
    items: {
        #[lh] async fn label(n: u32) -> impl std::fmt::Display {
            let _d = D::new("label");
            let k = pend(1, n * 2).await;
            format!("#{k}")
        }
        #[lh] async fn evens(upto: u32) -> impl Iterator<Item = u32> {
            let step = pend(1, 2u32).await;
            (0..upto).step_by(step as usize)
        }
        #[lh] async fn go() -> (String, Vec<u32>) {
            let l = label(3).await.to_string();
            let v: Vec<u32> = evens(pend(1, 7).await).await.collect();
            (l, v)
        }
    },
    run: go(),
}

differential! {
    /// A custom builder implementing `IntoFuture` (its future is a lowered
    /// `async fn`), awaited directly and after configuring.
    name: custom_into_future_builder,
    items: {
        struct Request { url: &'static str, retries: u32, guard: D }
        impl Request {
            fn new(url: &'static str) -> Self { Request { url, retries: 0, guard: D::new("req") } }
            fn retries(mut self, n: u32) -> Self { self.retries = n; self }
        }
        #[lh] async fn send(r: Request) -> String {
            let mut tries = 0;
            while tries < r.retries {
                pend(1, ()).await;
                tries += 1;
            }
            format!("{} after {}", r.url, tries)
        }
        impl IntoFuture for Request {
            type Output = String;
            type IntoFuture = Pin<Box<dyn Future<Output = String>>>;
            fn into_future(self) -> Self::IntoFuture { Box::pin(send(self)) }
        }
        #[lh] async fn go() -> (String, String) {
            let a = Request::new("/a").await;
            let n = pend(1, 2).await;
            let b = Request::new("/b").retries(n).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A by-value builder method on a parameter with an awaited argument.
    name: builder_method_on_param_awaited_argument,
    items: {
        struct B(D, u32);
        impl B { fn with(mut self, n: u32) -> B { self.1 += n; self } }
        #[lh] async fn go(x: B) -> u32 { let b = x.with(pend(1, 2).await); b.1 }
    },
    run: go(B(D::new("x"), 1)),
}

differential! {
    /// A custom `IntoFuture` type awaited directly (its future a lowered
    /// `async fn` boxed), then one built from a local and awaited later.
    name: custom_into_future_awaited,
    items: {
        struct Job { id: u32, guard: D }
        #[lh] async fn run_job(j: Job) -> String {
            let n = pend(j.id, j.id * 3).await;
            format!("job {} = {}", j.id, n)
        }
        impl IntoFuture for Job {
            type Output = String;
            type IntoFuture = Pin<Box<dyn Future<Output = String>>>;
            fn into_future(self) -> Self::IntoFuture { Box::pin(run_job(self)) }
        }
        #[lh] async fn go() -> (String, String) {
            let a = Job { id: 1, guard: D::new("j1") }.await;
            let j = Job { id: pend(1, 2).await, guard: D::new("j2") };
            let _mid = D::new("mid");
            let b = j.await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A hand-written `Future` with a logged drop, awaited in a loop and
    /// abandoned by cancellation in the middle.
    name: hand_written_future_with_drop,
    items: {
        struct Countdown { left: u32, name: &'static str }
        impl Future for Countdown {
            type Output = &'static str;
            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<&'static str> {
                if self.left == 0 { return Poll::Ready(self.name); }
                self.left -= 1;
                log(format!("tick {} {}", self.name, self.left));
                cx.waker().wake_by_ref();
                Poll::Pending
            }
        }
        impl Drop for Countdown {
            fn drop(&mut self) { log(format!("drop countdown {} at {}", self.name, self.left)); }
        }
        #[lh] async fn go() -> Vec<&'static str> {
            let _g = D::new("g");
            let mut out = Vec::new();
            for (n, name) in [(1, "a"), (0, "b"), (2, "c")] {
                out.push(Countdown { left: n, name }.await);
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `std::future::poll_fn` with a closure mutating a captured counter
    /// across polls, and `std::future::ready` values awaited inline.
    name: poll_fn_and_ready,
    items: {
        #[lh] async fn go() -> (u32, u32, String) {
            let d = D::new("state");
            let mut polls = 0u32;
            let got = std::future::poll_fn(|cx| {
                polls += 1;
                log(format!("poll {polls} {}", d.0));
                if polls < 3 { cx.waker().wake_by_ref(); Poll::Pending } else { Poll::Ready(polls * 10) }
            }).await;
            let r = std::future::ready(D::new("ready")).await;
            let s = format!("{}{}", r.0, std::future::ready(1).await);
            (got, polls, s)
        }
    },
    run: go(),
}

differential! {
    /// A hand-written future wrapping another (`Timeout`-like) whose inner
    /// future is a lowered `async fn`; both finishing and expiring.
    name: hand_written_wrapper_future_around_lowered,
    items: {
        struct Deadline<F> { inner: Pin<Box<F>>, budget: u32 }
        impl<F: Future> Future for Deadline<F> {
            type Output = Result<F::Output, &'static str>;
            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                if let Poll::Ready(v) = self.inner.as_mut().poll(cx) { return Poll::Ready(Ok(v)); }
                if self.budget == 0 { return Poll::Ready(Err("deadline")); }
                self.budget -= 1;
                Poll::Pending
            }
        }
        #[lh] async fn slow(n: u32) -> D {
            let _s = D::new("slow-local");
            pend(n, D::new("slow-out")).await
        }
        #[lh] async fn go() -> (bool, bool) {
            let a = Deadline { inner: Box::pin(slow(1)), budget: 3 }.await;
            let a_ok = a.is_ok();
            drop(a);
            let b = Deadline { inner: Box::pin(slow(5)), budget: 2 }.await;
            (a_ok, b.is_ok())
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 4. Let-chains and `let else`
// ---------------------------------------------------------------------------

differential! {
    /// `if let .. && let .. && cond` whose body awaits, with `D`s bound by
    /// the chain, and an `else` that awaits.
    name: let_chain_body_awaits,
    items: {
        fn parse(s: &str) -> Result<u32, String> { s.parse().map_err(|_| format!("bad {s}")) }
        #[lh] async fn go(inputs: Vec<Option<(&'static str, D)>>) -> Vec<u32> {
            let mut out = Vec::new();
            for item in inputs {
                if let Some((s, d)) = item && let Ok(n) = parse(s) && n > 1 {
                    let k = pend(1, n * 2).await;
                    out.push(k + d.touch() as u32);
                } else {
                    out.push(pend(1, 0).await);
                }
            }
            out
        }
    },
    run: go(vec![Some(("3", D::new("d3"))), None, Some(("x", D::new("dx"))), Some(("1", D::new("d1")))]),
}

differential! {
    /// A let-chain whose scrutinees await (`let Some(x) = f().await && let
    /// Ok(y) = g(x).await`), the bindings used after another await.
    name: let_chain_scrutinees_await,
    items: {
        #[lh] async fn lookup(k: u32) -> Option<D> {
            pend(1, ()).await;
            if k % 2 == 1 { Some(D::new("found")) } else { None }
        }
        #[lh] async fn validate(d: &D) -> Result<usize, String> {
            let n = pend(1, d.touch()).await;
            if n > 3 { Ok(n) } else { Err("short".into()) }
        }
        #[lh] async fn go(k: u32) -> String {
            let _g = D::new("g");
            if let Some(d) = lookup(k).await && let Ok(n) = validate(&d).await && n != 0 {
                pend(1, ()).await;
                format!("ok {n} {}", d.0)
            } else {
                "miss".to_string()
            }
        }
    },
    run: async { (go(1).await, go(2).await) },
}

differential! {
    /// `while let Some(x) = q.pop_front() && x.0 != "stop"` draining a
    /// `VecDeque<D>` with an await per element.
    name: while_let_chain_drain_queue,
    items: {
        #[lh] async fn go() -> (Vec<&'static str>, usize) {
            let mut q: VecDeque<D> = ["a", "b", "stop", "c"].into_iter().map(D::new).collect();
            let mut seen = Vec::new();
            while let Some(x) = q.pop_front() && x.0 != "stop" {
                pend(1, ()).await;
                seen.push(x.0);
            }
            pend(1, ()).await;
            (seen, q.len())
        }
    },
    run: go(),
}

differential! {
    /// `if let .. else if let .. else` chains whose bodies await, the
    /// scrutinee temporaries being `D`s.
    name: if_let_else_if_let_chain_bodies_await,
    items: {
        enum Msg { Text(D), Num(u32), Quit }
        #[lh] async fn handle(m: Msg) -> String {
            if let Msg::Text(d) = m {
                let n = pend(1, d.touch()).await;
                format!("text {n}")
            } else if let Msg::Num(n @ 1..=9) = m {
                format!("digit {}", pend(1, n).await)
            } else if let Msg::Num(n) = m {
                pend(2, format!("num {n}")).await
            } else {
                let _bye = D::new("bye");
                pend(1, "quit".to_string()).await
            }
        }
        #[lh] async fn go() -> Vec<String> {
            let mut out = Vec::new();
            for m in [Msg::Text(D::new("hello")), Msg::Num(4), Msg::Num(40), Msg::Quit] {
                out.push(handle(m).await);
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `let else` destructuring a struct with two `D` fields; the else
    /// branch panics in one call.
    name: let_else_struct_pattern_panics,
    items: {
        struct Pair { a: D, b: Option<D> }
        #[lh] async fn take(p: Pair) -> usize {
            let n = pend(1, 1usize).await;
            let Pair { a, b: Some(b) } = p else {
                panic!("no b after {n}");
            };
            pend(1, ()).await;
            a.touch() + b.touch()
        }
    },
    run: async {
        let x = take(Pair { a: D::new("a1"), b: Some(D::new("b1")) }).await;
        x + take(Pair { a: D::new("a2"), b: None }).await
    },
}

differential! {
    /// A let-chain in a `while` condition that pops from a stack and
    /// checks an awaited predicate.
    name: while_let_chain_with_awaited_condition,
    items: {
        #[lh] async fn ok(d: &D) -> bool { pend(1, d.0 != "bad").await }
        #[lh] async fn go() -> Vec<&'static str> {
            let mut stack = vec![D::new("z"), D::new("bad"), D::new("y"), D::new("x")];
            let mut out = Vec::new();
            while let Some(top) = stack.pop() && ok(&top).await {
                out.push(top.0);
            }
            log(format!("left {}", stack.len()));
            out
        }
    },
    run: go(),
}

differential! {
    /// `stream::iter(..).then(..)` with a lowered `async fn` per item,
    /// drained with `StreamExt::next().await` in a `while let`.
    name: stream_iter_then_next_loop,
    items: {
        use futures::StreamExt;
        #[lh] async fn fetch(id: u32) -> D {
            pend(id % 2, ()).await;
            D::new(["zero", "one", "two", "three"][id as usize])
        }
        #[lh] async fn go() -> Vec<usize> {
            let _g = D::new("g");
            let mut s = std::pin::pin!(futures::stream::iter(0..4u32).then(fetch));
            let mut out = Vec::new();
            while let Some(d) = s.next().await {
                out.push(d.touch());
                pend(1, ()).await;
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `futures::future::join_all` over lowered futures holding `D`s, then
    /// `try_join_all` failing on one.
    name: join_all_and_try_join_all,
    items: {
        #[lh] async fn work(i: u32) -> Result<u32, String> {
            let _w = D::new(["w0", "w1", "w2"][i as usize]);
            let v = pend(i, i * 10).await;
            if v == 10 { Err(format!("fail {i}")) } else { Ok(v) }
        }
        #[lh] async fn go() -> (Vec<Result<u32, String>>, Result<Vec<u32>, String>) {
            let all = futures::future::join_all((0..3).map(work)).await;
            let tried = futures::future::try_join_all((0..3).map(work)).await;
            (all, tried)
        }
    },
    run: go(),
}

differential! {
    /// `FuturesUnordered` of lowered futures that are ready immediately or
    /// after `pend`, collected in completion order.
    name: futures_unordered_collect,
    items: {
        use futures::StreamExt;
        use futures::stream::FuturesUnordered;
        #[lh] async fn job(n: u32) -> (u32, D) {
            pend(n, ()).await;
            (n, D::new(["j0", "j1", "j2", "j3"][n as usize]))
        }
        #[lh] async fn go() -> Vec<u32> {
            let mut set: FuturesUnordered<_> = [2, 0, 3, 1].into_iter().map(job).collect();
            let mut order = Vec::new();
            while let Some((n, d)) = set.next().await {
                d.touch();
                order.push(n);
            }
            order
        }
    },
    run: go(),
}

differential! {
    /// A `Vec<Pin<Box<dyn Future>>>` of mixed lowered futures stored first
    /// and awaited in order; the remaining ones drop on cancellation.
    name: vec_of_boxed_dyn_futures_awaited_in_order,
    items: {
        #[lh] async fn a() -> String { let _d = D::new("a-local"); pend(1, "a".to_string()).await }
        #[lh] async fn b(n: u32) -> String { format!("b{}", pend(n, n).await) }
        #[lh] async fn go() -> Vec<String> {
            let mut futs: Vec<Pin<Box<dyn Future<Output = String>>>> = Vec::new();
            futs.push(Box::pin(a()));
            futs.push(Box::pin(b(2)));
            futs.push(Box::pin(async { let d = D::new("blk"); pend(1, ()).await; d.0.to_string() }));
            let mut out = Vec::new();
            for f in futs {
                out.push(f.await);
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `StreamExt` combinators (`filter_map`, `take`, `collect`) over a
    /// stream of awaited values, plus `fold` with an async closure body.
    name: stream_combinators_collect_and_fold,
    items: {
        use futures::StreamExt;
        #[lh] async fn go() -> (Vec<u32>, u32) {
            let held = D::new("held");
            let v: Vec<u32> = futures::stream::iter(1..10u32)
                .filter_map(|x| async move { if x % 3 == 0 { None } else { Some(pend(1, x).await) } })
                .take(4)
                .collect()
                .await;
            let total = futures::stream::iter(v.clone())
                .fold(0u32, |acc, x| async move { acc + pend(1, x).await })
                .await;
            (v, total + held.touch() as u32)
        }
    },
    run: go(),
}

differential! {
    /// `futures::join!` and `futures::future::select` on lowered futures,
    /// the loser of `select` dropped with its `D`.
    name: futures_join_macro_and_select,
    items: {
        #[lh] async fn slow(name: &'static str, n: u32) -> &'static str {
            let _d = D::new(name);
            pend(n, name).await
        }
        #[lh] async fn go() -> (&'static str, &'static str, &'static str) {
            let (a, b) = futures::join!(slow("ja", 1), slow("jb", 2));
            let f1 = std::pin::pin!(slow("fast", 1));
            let f2 = std::pin::pin!(slow("slow", 3));
            let won = match futures::future::select(f1, f2).await {
                futures::future::Either::Left((v, _rest)) => v,
                futures::future::Either::Right((v, _rest)) => v,
            };
            (a, b, won)
        }
    },
    run: go(),
}

differential! {
    /// `let Some(ref b) = opt else { .. }` (whole-local `ref` binding, no
    /// partial move) kept across an await, and `ref mut` in a `let else`.
    name: let_else_ref_bindings_across_await,
    items: {
        #[lh] async fn go(opt: Option<D>, mut v: Option<Vec<D>>) -> usize {
            let Some(ref b) = opt else { return 0 };
            pend(1, ()).await;
            let Some(ref mut list) = v else { return b.touch() };
            list.push(pend(1, D::new("pushed")).await);
            b.touch() + list.len()
        }
    },
    run: async { (go(Some(D::new("b")), Some(vec![D::new("v0")])).await, go(Some(D::new("b2")), None).await, go(None, None).await) },
}

// ---------------------------------------------------------------------------
// Temporaries of an awaited operand (s6-1)
// ---------------------------------------------------------------------------

known_gap! {
    reason: "s6-1 (runs differently): `let n = pend(1, D::new(\"t\").touch()).await;`: rustc keeps the `D` temporary to the end of the statement, across the suspension; longhand drops it before suspending (dropping after 1 poll: native `[\"touch t\", \"-- drop after 1 polls\", \"drop pend\", \"drop t\"]`, lowered `[\"touch t\", \"drop t\", \"-- drop after 1 polls\", \"drop pend\"]`). A temporary receiver in the awaitee's operand is kept only when its method is known to borrow it whatever the type (`len`, `next`, `get`, `to_string`, ...: the other five s6-1 cases); `touch` could take `self`, as a builder's methods do, and a consumed temporary must not be kept",
    differential! {
        /// The smallest shape of s6-1: `pend(1, D::new("t").touch()).await`, whose
        /// `D` temporary rustc keeps until the end of the `let`, across the await.
        name: awaitee_operand_method_on_temporary,
        items: {
            #[lh] async fn go() -> usize { let n = pend(1, D::new("t").touch()).await; n }
        },
        run: go(),
    }
}

differential! {
    /// s6-1 with a field read of a temporary: `pend(1, D::new("t").0.len())`.
    name: awaitee_operand_field_of_temporary,
    items: {
        #[lh] async fn go() -> usize { let n = pend(1, D::new("t").0.len()).await; n }
    },
    run: go(),
}

differential! {
    /// s6-1 with `v.into_iter().next()`: the `IntoIter` temporary (holding the
    /// rest of `v`) lives across the await in rustc.
    name: awaitee_operand_into_iter_next,
    items: {
        #[lh] async fn go(v: Vec<D>) -> bool { let n = pend(1, v.into_iter().next()).await; n.is_some() }
    },
    run: go(vec![D::new("x"), D::new("y")]),
}

differential! {
    /// s6-1 in a `let else`: `let Some(n) = pend(1, v.into_iter().next()).await else { .. }`.
    name: awaitee_operand_into_iter_next_let_else,
    items: {
        #[lh] async fn go(v: Vec<D>) -> bool { let Some(n) = pend(1, v.into_iter().next()).await else { return false }; true }
    },
    run: go(vec![D::new("x"), D::new("y")]),
}

differential! {
    /// `let else` with an await in the scrutinee, another in the `else`
    /// before it diverges (`return`), and one after.
    name: let_else_awaits_before_in_and_after,
    items: {
        #[lh] async fn head(v: Vec<D>) -> Result<&'static str, String> {
            let _guard = D::new("guard");
            let Some(first) = pend(1, v.into_iter().next()).await else {
                let why = pend(1, String::from("empty")).await;
                return Err(why);
            };
            let [a, b] = pend(1, [first.0.len(), 2]).await else { unreachable!() };
            pend(1, ()).await;
            Ok(first.0)
        }
    },
    run: async { (head(vec![D::new("x"), D::new("y")]).await, head(vec![]).await) },
}

send_case! {
    /// s6-1 seen through `Send`: a `MutexGuard` temporary in the awaitee
    /// (`pend(1, m.lock().unwrap().len()).await`) makes rustc's future `!Send`.
    name: awaitee_operand_mutex_guard_send,
    items: {
        #[lh] async fn go(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) -> usize {
            let n = pend(1, m.lock().unwrap().len()).await;
            n
        }
    },
    future: go(std::sync::Arc::new(std::sync::Mutex::new(vec![1]))),
    native_send: false,
}

differential! {
    /// `pend(1, v.into_iter().last()).await`: `last` consumes the temporary, so
    /// nothing is left to keep.
    name: awaitee_operand_consumed_temporary,
    items: {
        #[lh] async fn go(v: Vec<D>) -> bool { let n = pend(1, v.into_iter().last()).await; n.is_some() }
    },
    run: go(vec![D::new("x"), D::new("y")]),
}

differential! {
    /// A temporary in an operand evaluated before the await
    /// (`D::new("t").touch() + pend(1, 0).await`), kept to the end of the `let`.
    name: awaitee_operand_temporary_before_await_kept,
    items: {
        #[lh] async fn go() -> usize { let n = D::new("t").touch() + pend(1, 0).await; n }
    },
    run: go(),
}

differential! {
    /// `pend(1, D::new("t")).await.touch() + pend(1, 0).await`: the awaited
    /// `D` is a temporary kept across the second await.
    name: awaited_value_method_then_await,
    items: {
        #[lh] async fn go() -> usize { let n = pend(1, D::new("t")).await.touch() + pend(1, 0).await; n }
    },
    run: go(),
}

differential! {
    /// `let else` with an await in the scrutinee (over a local iterator, so
    /// no temporary is left: see s6-1), another in the `else` before it
    /// returns, and more after.
    name: let_else_awaits_around_local_iterator,
    items: {
        #[lh] async fn head(v: Vec<D>) -> Result<&'static str, String> {
            let _guard = D::new("guard");
            let mut it = v.into_iter();
            let Some(first) = pend(1, it.next()).await else {
                let why = pend(1, String::from("empty")).await;
                return Err(why);
            };
            let Some(second) = pend(1, it.next()).await else { return Ok(first.0) };
            log(format!("second {}", second.0));
            pend(1, ()).await;
            Ok(first.0)
        }
    },
    run: async { (head(vec![D::new("x"), D::new("y"), D::new("z")]).await, head(vec![]).await) },
}

// ---------------------------------------------------------------------------
// 6. Realistic programs
// ---------------------------------------------------------------------------

differential! {
    /// A token-bucket rate limiter: refills on each tick (an await), takes
    /// tokens for requests, queues the rest and drains the queue later.
    name: program_token_bucket_rate_limiter,
    items: {
        struct Bucket { tokens: u32, cap: u32, refill: u32, waiting: VecDeque<D>, served: Vec<&'static str> }
        impl Bucket {
            #[lh] async fn tick(&mut self) {
                pend(1, ()).await;
                self.tokens = (self.tokens + self.refill).min(self.cap);
                log(format!("tick tokens={}", self.tokens));
            }
            #[lh] async fn acquire(&mut self, req: D) -> bool {
                if self.tokens > 0 && self.waiting.is_empty() {
                    self.tokens -= 1;
                    self.served.push(req.0);
                    return true;
                }
                self.waiting.push_back(req);
                pend(1, false).await
            }
            #[lh] async fn drain(&mut self) -> usize {
                let mut n = 0;
                while self.tokens > 0 {
                    let Some(r) = self.waiting.pop_front() else { break };
                    self.tokens -= 1;
                    self.served.push(r.0);
                    drop(r);
                    n += 1;
                    pend(1, ()).await;
                }
                n
            }
        }
        #[lh] async fn go() -> (Vec<bool>, Vec<&'static str>, usize) {
            let mut b = Bucket { tokens: 2, cap: 3, refill: 1, waiting: VecDeque::new(), served: vec![] };
            let mut got = Vec::new();
            for name in ["r1", "r2", "r3", "r4", "r5"] {
                got.push(b.acquire(D::new(name)).await);
            }
            let mut drained = 0;
            for _ in 0..3 {
                b.tick().await;
                drained += b.drain().await;
            }
            (got, b.served.clone(), drained + b.waiting.len())
        }
    },
    run: go(),
}

differential! {
    /// An LRU cache with an async loader: hits move to the front, misses
    /// await the loader, evictions drop `D` values in order.
    name: program_lru_cache_async_loader,
    items: {
        struct Lru { cap: usize, order: VecDeque<u32>, map: BTreeMap<u32, D>, loads: u32 }
        impl Lru {
            #[lh] async fn load(&mut self, k: u32) -> &'static str {
                self.loads += 1;
                pend(1, ["zero", "one", "two", "three", "four"][k as usize]).await
            }
            #[lh] async fn get(&mut self, k: u32) -> &'static str {
                if let Some(d) = self.map.get(&k) {
                    let name = d.0;
                    self.order.retain(|x| *x != k);
                    self.order.push_front(k);
                    return name;
                }
                let name = self.load(k).await;
                if self.map.len() == self.cap
                    && let Some(old) = self.order.pop_back()
                {
                    let evicted = self.map.remove(&old);
                    log(format!("evict {old}"));
                    drop(evicted);
                    pend(1, ()).await;
                }
                self.map.insert(k, D::new(name));
                self.order.push_front(k);
                name
            }
        }
        #[lh] async fn go() -> (Vec<&'static str>, u32) {
            let mut c = Lru { cap: 2, order: VecDeque::new(), map: BTreeMap::new(), loads: 0 };
            let mut out = Vec::new();
            for k in [1, 2, 1, 3, 2, 4, 1] {
                out.push(c.get(k).await);
            }
            let loads = c.loads;
            let mut rest: Vec<u32> = c.order.iter().copied().collect();
            rest.sort();
            log(format!("rest {rest:?}"));
            (out, loads)
        }
    },
    run: go(),
}

differential! {
    /// A line-based protocol parser over a byte buffer filled by awaited
    /// reads: splits on `\n`, parses `SET k v` / `GET k` / `QUIT`.
    name: program_line_protocol_parser,
    items: {
        struct Reader { chunks: VecDeque<&'static [u8]>, _conn: D }
        impl Reader {
            #[lh] async fn read(&mut self, buf: &mut Vec<u8>) -> usize {
                match self.chunks.pop_front() {
                    Some(c) => { buf.extend_from_slice(pend(1, c).await); c.len() }
                    None => 0,
                }
            }
        }
        #[derive(Debug)]
        enum Cmd { Set(String, u32), Get(String), Quit, Bad(String) }
        fn parse(line: &str) -> Cmd {
            let mut parts = line.split_whitespace();
            match (parts.next(), parts.next(), parts.next()) {
                (Some("SET"), Some(k), Some(v)) => match v.parse() { Ok(v) => Cmd::Set(k.into(), v), Err(_) => Cmd::Bad(line.into()) },
                (Some("GET"), Some(k), None) => Cmd::Get(k.into()),
                (Some("QUIT"), None, None) => Cmd::Quit,
                _ => Cmd::Bad(line.into()),
            }
        }
        #[lh] async fn serve(mut r: Reader) -> (Vec<String>, BTreeMap<String, u32>) {
            let mut buf = Vec::new();
            let mut store = BTreeMap::new();
            let mut replies = Vec::new();
            'conn: loop {
                while let Some(pos) = buf.iter().position(|b| *b == b'\n') {
                    let line: Vec<u8> = buf.drain(..=pos).collect();
                    let line = String::from_utf8_lossy(&line[..line.len() - 1]).into_owned();
                    let _req = D::new("req");
                    match parse(&line) {
                        Cmd::Set(k, v) => { store.insert(k, v); replies.push(pend(1, "OK".to_string()).await); }
                        Cmd::Get(k) => replies.push(match store.get(&k) { Some(v) => format!("{v}"), None => "NIL".into() }),
                        Cmd::Quit => break 'conn,
                        Cmd::Bad(l) => replies.push(pend(1, format!("ERR {l}")).await),
                    }
                }
                if r.read(&mut buf).await == 0 { break; }
            }
            (replies, store)
        }
    },
    run: serve(Reader { chunks: VecDeque::from([&b"SET a 1\nGE"[..], b"T a\nGET b\nFOO\n", b"SET b 2\nQUIT\nGET a\n"]), _conn: D::new("conn") }),
}

differential! {
    /// A job scheduler over a `BinaryHeap` of `(priority, seq)` with jobs
    /// held in a map; each job run awaits; a failing job is requeued once.
    name: program_binary_heap_scheduler,
    items: {
        struct Job { name: &'static str, tries: u32, _d: D }
        #[lh] async fn run_job(j: &mut Job) -> Result<u32, String> {
            j.tries += 1;
            pend(1, ()).await;
            if j.name.starts_with('f') && j.tries < 2 { Err(format!("{} failed", j.name)) } else { Ok(j.name.len() as u32) }
        }
        #[lh] async fn schedule(specs: Vec<(u32, &'static str)>) -> (Vec<String>, u32) {
            let mut heap = BinaryHeap::new();
            let mut jobs = BTreeMap::new();
            for (seq, (prio, name)) in specs.into_iter().enumerate() {
                heap.push((prio, std::cmp::Reverse(seq)));
                jobs.insert(seq, Job { name, tries: 0, _d: D::new(name) });
            }
            let mut log_lines = Vec::new();
            let mut total = 0;
            while let Some((prio, std::cmp::Reverse(seq))) = heap.pop() {
                let job = jobs.get_mut(&seq).unwrap();
                match run_job(job).await {
                    Ok(n) => {
                        total += n;
                        log_lines.push(format!("done {} p{prio}", job.name));
                        let finished = jobs.remove(&seq);
                        drop(finished);
                    }
                    Err(e) => {
                        log_lines.push(e);
                        heap.push((prio.saturating_sub(1), std::cmp::Reverse(seq)));
                    }
                }
            }
            (log_lines, total)
        }
    },
    run: schedule(vec![(1, "low"), (5, "fhigh"), (3, "mid"), (5, "high")]),
}

differential! {
    /// A chat room: users join with per-user queues (`VecDeque<D>`), a
    /// broadcast pushes to every other user after awaiting, users leave
    /// (their queues drop) and the rest drain.
    name: program_chat_room_broadcast,
    items: {
        struct Msg { from: &'static str, text: String, _d: D }
        struct Room { users: BTreeMap<&'static str, VecDeque<Msg>> }
        impl Room {
            #[lh] async fn join(&mut self, who: &'static str) {
                pend(1, ()).await;
                self.users.insert(who, VecDeque::new());
            }
            #[lh] async fn say(&mut self, from: &'static str, text: &str) -> usize {
                let text = pend(1, text.to_uppercase()).await;
                let mut n = 0;
                for (name, q) in self.users.iter_mut() {
                    if *name == from { continue; }
                    q.push_back(Msg { from, text: text.clone(), _d: D::new(name) });
                    n += 1;
                }
                n
            }
            #[lh] async fn leave(&mut self, who: &'static str) -> usize {
                let q = self.users.remove(who).unwrap_or_default();
                let pending = q.len();
                pend(1, ()).await;
                drop(q);
                pending
            }
            #[lh] async fn drain(&mut self, who: &'static str) -> Vec<String> {
                let mut out = Vec::new();
                if let Some(q) = self.users.get_mut(who) {
                    while let Some(m) = q.pop_front() {
                        let Msg { from, text, _d } = m;
                        out.push(format!("{}: {}", from, pend(1, text).await));
                    }
                }
                out
            }
        }
        #[lh] async fn go() -> (Vec<usize>, usize, Vec<String>) {
            let mut room = Room { users: BTreeMap::new() };
            for u in ["ann", "bob", "cid"] { room.join(u).await; }
            let mut sent = Vec::new();
            sent.push(room.say("ann", "hi").await);
            sent.push(room.say("bob", "yo").await);
            let left = room.leave("cid").await;
            sent.push(room.say("ann", "bye").await);
            (sent, left, room.drain("bob").await)
        }
    },
    run: go(),
}

differential! {
    /// A retry-with-backoff client over a fake transport that fails a set
    /// number of times; `?` on the final error, backoff awaits growing.
    name: program_retry_with_backoff_client,
    items: {
        #[derive(Debug)]
        enum NetErr { Timeout(u32), Refused }
        struct Transport { fail_first: u32, calls: u32, _d: D }
        impl Transport {
            #[lh] async fn request(&mut self, path: &str) -> Result<String, NetErr> {
                self.calls += 1;
                let _conn = D::new("conn");
                pend(1, ()).await;
                if path == "/down" { return Err(NetErr::Refused); }
                if self.calls <= self.fail_first { Err(NetErr::Timeout(self.calls)) } else { Ok(format!("200 {path}")) }
            }
        }
        #[lh] async fn get_with_retry(t: &mut Transport, path: &str, max: u32) -> Result<String, String> {
            let mut delay = 1;
            let mut attempt = 0;
            loop {
                attempt += 1;
                match t.request(path).await {
                    Ok(body) => return Ok(body),
                    Err(NetErr::Timeout(n)) if attempt < max => {
                        log(format!("retry {attempt} after {delay}"));
                        pend(delay, ()).await;
                        delay *= 2;
                    }
                    Err(e) => return Err(format!("{e:?} after {attempt}")),
                }
            }
        }
        #[lh] async fn go() -> Result<Vec<String>, String> {
            let mut t = Transport { fail_first: 2, calls: 0, _d: D::new("transport") };
            let mut out = Vec::new();
            out.push(get_with_retry(&mut t, "/a", 5).await?);
            out.push(get_with_retry(&mut t, "/b", 5).await?);
            let mut t2 = Transport { fail_first: 9, calls: 0, _d: D::new("transport2") };
            let r = get_with_retry(&mut t2, "/c", 3).await;
            log(format!("{r:?}"));
            out.push(get_with_retry(&mut t, "/down", 3).await?);
            Ok(out)
        }
    },
    run: go(),
}

differential! {
    /// A small interpreter evaluating an AST recursively through
    /// `Box::pin(self.eval(..)).await`, with variables, `let` scopes and a
    /// division-by-zero error propagated with `?`.
    name: program_recursive_interpreter,
    items: {
        enum Expr { Num(i64), Var(&'static str), Add(Box<Expr>, Box<Expr>), Div(Box<Expr>, Box<Expr>), Let(&'static str, Box<Expr>, Box<Expr>) }
        struct Interp { env: Vec<(&'static str, i64)>, steps: u32, _d: D }
        impl Interp {
            #[lh] async fn eval(&mut self, e: &Expr) -> Result<i64, String> {
                self.steps += 1;
                let _frame = D::new("frame");
                pend(1, ()).await;
                Ok(match e {
                    Expr::Num(n) => *n,
                    Expr::Var(v) => self.env.iter().rev().find(|(k, _)| k == v).map(|(_, x)| *x).ok_or(format!("unbound {v}"))?,
                    Expr::Add(a, b) => Box::pin(self.eval(a)).await? + Box::pin(self.eval(b)).await?,
                    Expr::Div(a, b) => {
                        let x = Box::pin(self.eval(a)).await?;
                        let y = Box::pin(self.eval(b)).await?;
                        if y == 0 { return Err("div by zero".into()); }
                        x / y
                    }
                    Expr::Let(name, v, body) => {
                        let x = Box::pin(self.eval(v)).await?;
                        self.env.push((name, x));
                        let r = Box::pin(self.eval(body)).await;
                        self.env.pop();
                        r?
                    }
                })
            }
        }
        #[lh] async fn go() -> (Result<i64, String>, Result<i64, String>, u32) {
            use Expr::*;
            let mut i = Interp { env: vec![], steps: 0, _d: D::new("interp") };
            let e1 = Let("x", Box::new(Num(6)), Box::new(Add(Box::new(Var("x")), Box::new(Div(Box::new(Var("x")), Box::new(Num(2)))))));
            let e2 = Add(Box::new(Num(1)), Box::new(Div(Box::new(Num(1)), Box::new(Var("zero")))));
            let a = i.eval(&e1).await;
            i.env.push(("zero", 0));
            let b = i.eval(&e2).await;
            (a, b, i.steps)
        }
    },
    run: go(),
}

differential! {
    /// Mutual recursion boxed on one edge: `even` awaits `odd` directly,
    /// `odd` boxes its call of `even`; each frame holds a `D`.
    name: program_mutual_recursion_one_boxed_edge,
    items: {
        #[lh] async fn even(n: u32) -> bool {
            let _f = D::new("even");
            if n == 0 { return pend(1, true).await; }
            odd(n - 1).await
        }
        #[lh] async fn odd(n: u32) -> bool {
            if n == 0 { return false; }
            pend(1, ()).await;
            Box::pin(even(n - 1)).await
        }
    },
    run: async { (even(3).await, odd(3).await) },
}

// ---------------------------------------------------------------------------
// 7. Drop-order torture
// ---------------------------------------------------------------------------

differential! {
    /// A struct with several `D` fields built from awaited values, field by
    /// field in a literal, then reassigned field by field across awaits.
    name: struct_fields_built_and_reassigned_across_awaits,
    items: {
        struct Conn { a: D, b: D, c: Option<D> }
        #[lh] async fn go() -> usize {
            let mut conn = Conn { a: D::new("a1"), b: pend(1, D::new("b1")).await, c: None };
            conn.c = Some(pend(1, D::new("c1")).await);
            conn.a = pend(1, D::new("a2")).await;
            conn.b = D::new("b2");
            pend(1, ()).await;
            conn.c = None;
            pend(1, ()).await;
            conn.a.touch() + conn.b.touch()
        }
    },
    run: go(),
}

differential! {
    /// `Option<D>` slots juggled with `take`, `replace`, `insert` and
    /// `get_or_insert_with` across awaits.
    name: option_take_replace_insert_across_awaits,
    items: {
        #[lh] async fn go() -> Vec<&'static str> {
            let mut slot: Option<D> = None;
            let mut out = Vec::new();
            let first = slot.get_or_insert_with(|| D::new("lazy"));
            out.push(first.0);
            pend(1, ()).await;
            let old = slot.replace(pend(1, D::new("replaced")).await);
            out.push(old.map(|d| d.0).unwrap_or("none"));
            let taken = slot.take();
            pend(1, ()).await;
            let r = slot.insert(D::new("inserted"));
            out.push(r.0);
            pend(1, ()).await;
            drop(taken);
            if let Some(d) = slot.as_mut() {
                *d = pend(1, D::new("assigned")).await;
            }
            out.push(slot.as_ref().unwrap().0);
            out
        }
    },
    run: go(),
}

differential! {
    /// `Vec<D>` with `retain`, `drain(..)`, `truncate` and `split_off`
    /// between awaits; the drained iterator is held across an await.
    name: vec_retain_drain_truncate_between_awaits,
    items: {
        #[lh] async fn go() -> (Vec<&'static str>, Vec<&'static str>) {
            let mut v: Vec<D> = ["a", "bb", "c", "dd", "e", "ff", "g"].into_iter().map(D::new).collect();
            v.retain(|d| d.0.len() == 1 || d.0 == "dd");
            pend(1, ()).await;
            let mut moved = Vec::new();
            {
                let mut dr = v.drain(1..3);
                while let Some(d) = dr.next() {
                    pend(1, ()).await;
                    moved.push(d.0);
                }
            }
            v.truncate(2);
            pend(1, ()).await;
            let tail = v.split_off(1);
            pend(1, ()).await;
            drop(tail);
            (v.iter().map(|d| d.0).collect(), moved)
        }
    },
    run: go(),
}

differential! {
    /// An early `return` out of two nested loops holding iterators over
    /// `Vec<D>` (by value and by reference), with `D` locals in each scope.
    name: early_return_from_nested_loops_holding_iterators,
    items: {
        #[lh] async fn find(rows: Vec<Vec<D>>, target: &'static str) -> Option<(usize, usize)> {
            let _outer = D::new("outer");
            for (i, row) in rows.into_iter().enumerate() {
                let _row_guard = D::new("row");
                for (j, cell) in row.iter().enumerate() {
                    if pend(1, cell.0).await == target {
                        let _found = D::new("found");
                        return Some((i, j));
                    }
                }
            }
            None
        }
    },
    run: async {
        let mk = || vec![vec![D::new("a"), D::new("b")], vec![D::new("c"), D::new("t"), D::new("d")], vec![D::new("e")]];
        (find(mk(), "t").await, find(mk(), "zz").await)
    },
}

differential! {
    /// A panic in the middle of a tuple literal after some awaited fields:
    /// the finished fields drop during unwinding, in reverse.
    name: panic_mid_tuple_literal_after_awaited_fields,
    items: {
        fn boom(x: u32) -> D { if x > 1 { panic!("boom at {x}") } D::new("ok") }
        #[lh] async fn go(x: u32) -> (D, D, D, D) {
            let _l = D::new("local");
            (D::new("f0"), pend(1, D::new("f1")).await, boom(pend(1, x).await), pend(1, D::new("f3")).await)
        }
    },
    run: async { let a = go(1).await; drop(a); go(2).await },
}

differential! {
    /// A panic in the middle of an array literal and of a struct literal
    /// (fields written out of declaration order) after awaited elements.
    name: panic_mid_array_and_struct_literal,
    items: {
        struct S { x: D, y: D, z: D }
        fn check(d: D, bad: bool) -> D { if bad { panic!("bad {}", d.0) } d }
        #[lh] async fn arr(bad: bool) -> usize {
            let a = [D::new("e0"), pend(1, D::new("e1")).await, check(D::new("e2"), bad), D::new("e3")];
            a.len()
        }
        #[lh] async fn st(bad: bool) -> usize {
            let s = S { z: pend(1, D::new("z")).await, x: D::new("x"), y: check(pend(1, D::new("y")).await, bad) };
            s.x.touch()
        }
    },
    run: async { (arr(false).await, st(false).await, st(true).await) },
}

differential! {
    /// A panic in a function argument list after awaited arguments, inside
    /// a method call chain on a live receiver.
    name: panic_mid_call_arguments_after_awaits,
    items: {
        struct Sink { got: Vec<&'static str>, _d: D }
        impl Sink {
            fn put3(&mut self, a: D, b: D, c: D) { self.got.extend([a.0, b.0, c.0]); }
        }
        fn explode(n: u32) -> D { if n == 3 { panic!("explode {n}") } D::new("c") }
        #[lh] async fn go(n: u32) -> Vec<&'static str> {
            let mut s = Sink { got: vec![], _d: D::new("sink") };
            s.put3(pend(1, D::new("a")).await, D::new("b"), explode(pend(1, n).await));
            pend(1, ()).await;
            s.got
        }
    },
    run: async { (go(1).await, go(3).await) },
}

differential! {
    /// Shadowed `D` bindings in one scope across awaits: every shadowed value
    /// stays alive to the end of the scope, dropped in reverse.
    name: shadowed_drops_live_to_scope_end,
    items: {
        #[lh] async fn go() -> &'static str {
            let x = D::new("x1");
            pend(1, ()).await;
            let x = pend(1, D::new("x2")).await;
            {
                let x = D::new("inner");
                pend(1, ()).await;
                x.touch();
            }
            let x = (x, D::new("x3"));
            pend(1, ()).await;
            let (kept, x) = x;
            pend(1, ()).await;
            x.0
        }
    },
    run: go(),
}

differential! {
    /// `std::mem::replace`/`swap`/`take` on `D`-holding fields of a `&mut`
    /// parameter across awaits.
    name: mem_replace_swap_take_on_mut_param,
    items: {
        #[derive(Default)]
        struct Slots { cur: Option<D>, next: Option<D>, hist: Vec<D> }
        #[lh] async fn rotate(s: &mut Slots, name: &'static str) -> usize {
            let incoming = pend(1, D::new(name)).await;
            let prev = std::mem::replace(&mut s.next, Some(incoming));
            std::mem::swap(&mut s.cur, &mut s.next);
            pend(1, ()).await;
            if let Some(p) = prev { s.hist.push(p); }
            let old = std::mem::take(&mut s.hist);
            pend(1, ()).await;
            let n = old.len();
            s.hist = old.into_iter().rev().collect();
            n
        }
    },
    run: async {
        let mut s = Slots::default();
        let a = rotate(&mut s, "n1").await;
        let b = rotate(&mut s, "n2").await;
        let c = rotate(&mut s, "n3").await;
        (a, b, c, s.cur.map(|d| d.0), s.hist.len())
    },
}

// ---------------------------------------------------------------------------
// 8. Closures and async closures
// ---------------------------------------------------------------------------

differential! {
    /// Closures capturing locals by reference and by move, kept across
    /// awaits and called after; a `FnMut` counter too.
    name: closures_kept_across_awaits_called_after,
    items: {
        #[lh] async fn go() -> (usize, String, u32) {
            let owned = D::new("owned");
            let shared = D::new("shared");
            let by_ref = || shared.touch();
            let by_move = move || owned.touch();
            let mut count = 0u32;
            let mut bump = |k: u32| { count += k; count };
            pend(1, ()).await;
            let a = by_ref() + by_move();
            bump(pend(1, 2).await);
            let s = format!("{}", bump(3));
            pend(1, ()).await;
            drop(by_move);
            pend(1, ()).await;
            (a + by_ref(), s, count)
        }
    },
    run: go(),
}

differential! {
    /// A closure returning an `async move` block (`let mk = |x| async move
    /// { .. }`), called several times; futures built before awaiting.
    name: closure_returning_async_block,
    items: {
        #[lh] async fn go() -> Vec<String> {
            let prefix = String::from("item");
            let _g = D::new("g");
            let mk = |x: u32| {
                let p = prefix.clone();
                async move {
                    let _d = D::new("inner");
                    format!("{p}-{}", pend(x, x).await)
                }
            };
            let mut out = vec![mk(1).await];
            let f2 = mk(2);
            let f0 = mk(0);
            out.push(f0.await);
            out.push(f2.await);
            out
        }
    },
    run: go(),
}

differential! {
    /// An `async` closure (edition 2024) stored and called several times,
    /// borrowing a local `Vec<D>` mutably between calls.
    name: async_closure_stored_called_repeatedly,
    items: {
        #[lh] async fn go() -> (Vec<usize>, usize) {
            let base = D::new("base");
            let fetch = async |k: u32| -> usize {
                let _t = D::new("call");
                pend(k, ()).await;
                base.touch() + k as usize
            };
            let mut out = Vec::new();
            for k in 0..3 {
                out.push(fetch(k).await);
            }
            let again = fetch(1).await;
            (out, again)
        }
    },
    run: go(),
}

differential! {
    /// An `async move` closure capturing a `D` by move, passed to a generic
    /// lowered function taking `impl AsyncFn(u32) -> u32`.
    name: async_closure_passed_to_asyncfn_param,
    items: {
        #[lh] async fn apply_all(f: impl AsyncFn(u32) -> u32, xs: Vec<u32>) -> u32 {
            let mut sum = 0;
            for x in xs {
                sum += f(x).await;
            }
            sum
        }
        #[lh] async fn go() -> u32 {
            let scale = D::new("scale");
            let f = async move |x: u32| { pend(1, ()).await; x * scale.touch() as u32 };
            let a = apply_all(&f, vec![1, 2]).await;
            let b = apply_all(f, vec![3]).await;
            a + b
        }
    },
    run: go(),
}

differential! {
    /// A boxed `FnMut` callback table keyed by name, looked up and called
    /// between awaits, one replaced mid-way.
    name: boxed_callback_table_across_awaits,
    items: {
        #[lh] async fn go() -> Vec<String> {
            let mut table: BTreeMap<&'static str, Box<dyn FnMut(u32) -> String>> = BTreeMap::new();
            let tag = D::new("tag");
            let mut calls = 0;
            table.insert("inc", Box::new(move |x| { calls += 1; format!("{}:{}", x + 1, calls) }));
            table.insert("tag", Box::new(move |x| format!("{}{}", tag.touch(), x)));
            let mut out = Vec::new();
            for (name, arg) in [("inc", 1), ("tag", 2), ("inc", 3), ("none", 0)] {
                let arg = pend(1, arg).await;
                match table.get_mut(name) {
                    Some(f) => out.push(f(arg)),
                    None => out.push("missing".into()),
                }
            }
            table.insert("tag", Box::new(|x| format!("new{x}")));
            pend(1, ()).await;
            out.push(table.get_mut("tag").unwrap()(9));
            out
        }
    },
    run: go(),
}

differential! {
    /// Shadowing a closure by a closure that calls the shadowed one, across
    /// awaits; shadowing a parameter by an awaited value of the same name.
    name: shadowed_closures_and_params,
    items: {
        #[lh] async fn go(n: u32, d: D) -> u32 {
            let f = |x: u32| x + 1;
            pend(1, ()).await;
            let f = |x: u32| f(x) * 2;
            let n = pend(1, f(n)).await;
            let d = (d, pend(1, D::new("d2")).await);
            let f = move |x: u32| {
                let (first, second) = &d;
                f(x) + second.touch() as u32
            };
            pend(1, ()).await;
            f(n)
        }
    },
    run: go(3, D::new("d1")),
}

// ---------------------------------------------------------------------------
// 9. Parameters, receivers, and more trait shapes
// ---------------------------------------------------------------------------

differential! {
    /// Parameters written as patterns: a tuple pattern, a struct pattern,
    /// `_` and `mut`; rustc moves them all into the future and drops the
    /// `_` one at the end of the body, after the locals.
    name: pattern_parameters_drop_order,
    items: {
        struct P { x: D, y: D }
        #[lh] async fn f((a, b): (D, D), P { x, y }: P, _: D, mut n: u32) -> u32 {
            let _local = D::new("local");
            n += pend(1, a.touch() as u32).await;
            drop(b);
            pend(1, ()).await;
            n + y.touch() as u32
        }
    },
    run: f((D::new("a"), D::new("b")), P { x: D::new("x"), y: D::new("y") }, D::new("underscore"), 1),
}

differential! {
    /// `ref` and `ref mut` parameter bindings kept across awaits.
    name: ref_parameter_bindings,
    items: {
        #[lh] async fn f(ref d: D, ref mut v: Vec<D>) -> usize {
            let n = pend(1, d.touch()).await;
            v.push(pend(1, D::new("pushed")).await);
            n + v.len()
        }
    },
    run: f(D::new("d"), vec![D::new("v0")]),
}

differential! {
    /// The smallest shape of s6-3: one `ref mut` parameter.
    name: ref_mut_parameter_minimal,
    items: {
        #[lh] async fn f(ref mut v: Vec<u32>) -> usize {
            v.push(pend(1, 1).await);
            v.len()
        }
    },
    run: f(vec![0]),
}

differential! {
    /// A `ref` parameter binding kept across awaits.
    name: ref_parameter_binding_shared,
    items: {
        #[lh] async fn f(ref d: D, n: u32) -> usize {
            let k = pend(1, d.touch()).await;
            pend(1, ()).await;
            k + n as usize + d.touch()
        }
    },
    run: f(D::new("d"), 2),
}

differential! {
    /// Lowered methods taking `self: Box<Self>`, `self: Rc<Self>` and `mut
    /// self` by value, each holding `self` across awaits.
    name: box_rc_and_by_value_self_receivers,
    items: {
        struct Task { name: &'static str, _d: D }
        impl Task {
            #[lh] async fn run_boxed(self: Box<Self>) -> &'static str {
                pend(1, ()).await;
                self.name
            }
            #[lh] async fn run_rc(self: Rc<Self>, tag: u32) -> String {
                let n = pend(1, Rc::strong_count(&self)).await;
                format!("{}#{tag} rc={n}", self.name)
            }
            #[lh] async fn rename(mut self, name: &'static str) -> Self {
                self.name = pend(1, name).await;
                self
            }
        }
        #[lh] async fn go() -> (&'static str, String, String, &'static str) {
            let a = Box::new(Task { name: "boxed", _d: D::new("t-box") }).run_boxed().await;
            let shared = Rc::new(Task { name: "shared", _d: D::new("t-rc") });
            let b = shared.clone().run_rc(1).await;
            let c = Rc::clone(&shared).run_rc(2).await;
            let t = Task { name: "old", _d: D::new("t-val") };
            // `{ t }`: an awaited by-value `self` method on a local (known gap).
            let t = { t }.rename("new").await;
            (a, b, c, t.name)
        }
    },
    run: go(),
}

differential! {
    /// A lowered method taking `self: Pin<&mut Self>` on a struct holding a
    /// boxed future it polls to completion, with a `D` field.
    name: pin_mut_self_receiver_method,
    items: {
        struct Runner { fut: Pin<Box<dyn Future<Output = u32>>>, ran: u32, _d: D }
        impl Runner {
            #[lh] async fn finish(mut self: Pin<&mut Self>) -> u32 {
                let v = self.fut.as_mut().await;
                self.ran += 1;
                pend(1, v + self.ran).await
            }
        }
        #[lh] async fn go() -> u32 {
            let mut r = Box::pin(Runner { fut: Box::pin(pend(2, 40)), ran: 0, _d: D::new("runner") });
            r.as_mut().finish().await
        }
    },
    run: go(),
}

differential! {
    /// `Self::helper(self)` and `Self::new(..)` UFCS calls inside lowered
    /// methods, and a lowered associated function without `self`.
    name: ufcs_self_calls_in_lowered_methods,
    items: {
        struct Acc { total: u32, _d: D }
        impl Acc {
            #[lh] async fn new(start: u32) -> Self {
                Self { total: pend(1, start).await, _d: D::new("acc") }
            }
            #[lh] async fn add(&mut self, x: u32) -> u32 {
                self.total += pend(1, x).await;
                self.total
            }
            #[lh] async fn add_twice(&mut self, x: u32) -> u32 {
                Self::add(self, x).await;
                Acc::add(self, x).await
            }
            #[lh] async fn merged(self, other: Self) -> Self {
                let t = pend(1, self.total + other.total).await;
                Self::new(t).await
            }
        }
        #[lh] async fn go() -> u32 {
            let mut a = Acc::new(1).await;
            a.add_twice(2).await;
            let b = Acc::new(10).await;
            let m = { a }.merged(b).await;
            m.total
        }
    },
    run: go(),
}

differential! {
    /// A tower-style `Service` trait with an associated future type; the
    /// impl boxes a lowered `async fn` (`'static`, cloning its state).
    name: tower_style_service_associated_future,
    items: {
        trait Service<Req> {
            type Response;
            type Future: Future<Output = Result<Self::Response, String>>;
            fn call(&mut self, req: Req) -> Self::Future;
        }
        struct Echo { prefix: Rc<str>, calls: u32 }
        #[lh] async fn echo(prefix: Rc<str>, req: String, n: u32) -> Result<String, String> {
            let _span = D::new("echo");
            if req.is_empty() { return Err(format!("empty #{n}")); }
            Ok(format!("{prefix}{}", pend(1, req).await))
        }
        impl Service<String> for Echo {
            type Response = String;
            type Future = Pin<Box<dyn Future<Output = Result<String, String>>>>;
            fn call(&mut self, req: String) -> Self::Future {
                self.calls += 1;
                Box::pin(echo(self.prefix.clone(), req, self.calls))
            }
        }
        #[lh] async fn drive_svc<S: Service<String, Response = String>>(svc: &mut S, reqs: Vec<&str>) -> Vec<Result<String, String>> {
            let mut pending = Vec::new();
            for r in reqs { pending.push(svc.call(r.to_string())); }
            let mut out = Vec::new();
            for f in pending.into_iter().rev() { out.push(f.await); }
            out
        }
    },
    run: async { let mut e = Echo { prefix: "> ".into(), calls: 0 }; drive_svc(&mut e, vec!["a", "", "c"]).await },
}

differential! {
    /// A blanket `impl<T: Named> Greet for T` whose lowered method calls a
    /// lowered method of the bound trait, through `&T` and `Box<T>`.
    name: blanket_impl_over_trait_bound,
    items: {
        trait Named { async fn name(&self) -> String; }
        trait Greet { async fn greet(&self) -> String; }
        impl<T: Named> Greet for T {
            #[lh] async fn greet(&self) -> String {
                let _g = D::new("greet");
                let n = self.name().await;
                pend(1, format!("hello {n}")).await
            }
        }
        struct Bob(D);
        impl Named for Bob {
            #[lh] async fn name(&self) -> String { pend(1, "bob".to_string()).await }
        }
        impl<T: Named> Named for Box<T> {
            #[lh] async fn name(&self) -> String {
                let inner = (**self).name().await;
                format!("boxed {inner}")
            }
        }
        #[lh] async fn go() -> (String, String) {
            let b = Bob(D::new("bob"));
            let bb = Box::new(Bob(D::new("bob2")));
            (b.greet().await, bb.greet().await)
        }
    },
    run: go(),
}

differential! {
    /// A generic lowered `async fn` awaiting its `F: Future` parameter
    /// twice through `&mut` (a pinned local) with a budget, timeout-style.
    name: generic_future_parameter_polled_by_mut_ref,
    items: {
        struct Once<'a, F>(&'a mut Pin<Box<F>>);
        impl<F: Future> Future for Once<'_, F> {
            type Output = Option<F::Output>;
            fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
                match self.0.as_mut().poll(cx) { Poll::Ready(v) => Poll::Ready(Some(v)), Poll::Pending => Poll::Ready(None) }
            }
        }
        #[lh] async fn with_budget<F: Future>(f: F, budget: u32) -> Result<F::Output, u32> {
            let _g = D::new("budget");
            let mut f = Box::pin(f);
            for tick in 0..budget {
                if let Some(v) = Once(&mut f).await { return Ok(v); }
                pend(1, ()).await;
                log(format!("tick {tick}"));
            }
            Err(budget)
        }
        #[lh] async fn work(n: u32) -> D {
            let _w = D::new("work");
            pend(n, D::new("result")).await
        }
    },
    run: async { (with_budget(work(2), 5).await.is_ok(), with_budget(work(9), 2).await.is_ok()) },
}

differential! {
    /// `impl Iterator<Item = &'a D> + 'a` returned from a lowered `async
    /// fn` borrowing its input, consumed after another await.
    name: impl_iterator_return_borrowing_input,
    items: {
        #[lh] async fn long_names<'a>(v: &'a [D], min: usize) -> impl Iterator<Item = &'a D> + 'a {
            let min = pend(1, min).await;
            v.iter().filter(move |d| d.0.len() >= min)
        }
        #[lh] async fn go() -> Vec<&'static str> {
            let v = vec![D::new("ab"), D::new("abcd"), D::new("abc")];
            let it = long_names(&v, 3).await;
            pend(1, ()).await;
            it.map(|d| d.0).collect()
        }
    },
    run: go(),
}

differential! {
    /// A lowered `async fn` returning `Box<dyn Fn(u32) -> u32>` built from
    /// awaited values, and one returning `impl FnMut() -> u32`.
    name: returns_boxed_closure_and_impl_fnmut,
    items: {
        #[lh] async fn make_scaler(d: D) -> Box<dyn Fn(u32) -> u32> {
            let k = pend(1, d.touch() as u32).await;
            Box::new(move |x| { let _keep = &d; x * k })
        }
        #[lh] async fn make_counter(start: u32) -> impl FnMut() -> u32 {
            let mut n = pend(1, start).await;
            move || { n += 1; n }
        }
        #[lh] async fn go() -> (u32, u32, u32) {
            let f = make_scaler(D::new("abc")).await;
            let mut c = make_counter(5).await;
            c();
            pend(1, ()).await;
            (f(2), c(), f(c()))
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// Parameter patterns with `_` (s6-4)
// ---------------------------------------------------------------------------

differential! {
    /// Tuple-pattern parameters with a `_` element: rustc keeps the whole
    /// argument, including the ignored `D`, until the body ends.
    name: tuple_param_with_ignored_element,
    items: {
        #[lh] async fn f((a, _): (D, D), (_, c): (u32, D)) -> usize {
            pend(1, ()).await;
            let n = a.touch();
            pend(1, ()).await;
            n + c.touch()
        }
    },
    run: f((D::new("a"), D::new("ignored-b")), (7, D::new("c"))),
}

differential! {
    /// The smallest shape of s6-4: `(a, _): (D, u32)`, `a` used before the
    /// only await and never after.
    name: param_pattern_wildcard_binding_outlives_completion,
    items: {
        #[lh] async fn f((a, _): (D, u32)) -> usize { let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), 1)),
}

differential! {
    /// s6-4 with a droppable `_`: the rest drops at the end of the body, `a`
    /// only with the future.
    name: param_pattern_wildcard_with_droppable_rest,
    items: {
        #[lh] async fn f((a, _): (D, D)) -> usize { let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), D::new("b"))),
}

differential! {
    /// s6-4 with `a` used between two awaits.
    name: param_pattern_wildcard_binding_between_awaits,
    items: {
        #[lh] async fn f((a, _): (D, u32)) -> usize { pend(1, ()).await; let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), 1)),
}

differential! {
    /// `(a, _b): (D, D)`: both bound, `a` used before the only await.
    name: param_pattern_named_underscore_binding,
    items: {
        #[lh] async fn f((a, _b): (D, D)) -> usize { let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), D::new("b"))),
}

differential! {
    /// `(a, b): (D, D)`, `a` used before the only await.
    name: param_pattern_tuple_both_bound,
    items: {
        #[lh] async fn f((a, b): (D, D)) -> usize { let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), D::new("b"))),
}

differential! {
    /// `let (a, b) = t;` in the body, `a` used before the only await.
    name: let_tuple_pattern_both_bound_in_body,
    items: {
        #[lh] async fn f(t: (D, D)) -> usize { let (a, b) = t; let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), D::new("b"))),
}

differential! {
    /// `let (a, _) = t;` in the body with a `Copy` rest (no rest to drop).
    name: let_tuple_pattern_wildcard_copy_rest_in_body,
    items: {
        #[lh] async fn f(t: (D, u32)) -> usize { let (a, _) = t; let n = a.touch(); pend(1, ()).await; n }
    },
    run: f((D::new("a"), 1)),
}

differential! {
    /// `P { x, .. }: P` parameter with a `Copy` rest, `x` used before the await.
    name: param_struct_pattern_rest_dots,
    items: {
        struct P { x: D, y: u32 }
        #[lh] async fn f(P { x, .. }: P) -> usize { let n = x.touch(); pend(1, ()).await; n }
    },
    run: f(P { x: D::new("x"), y: 1 }),
}

// ---------------------------------------------------------------------------
// 10. More service shapes
// ---------------------------------------------------------------------------

differential! {
    /// `tokio::sync::Mutex` (immediately ready) locked across awaits, and
    /// an unbounded `mpsc` channel drained with `recv().await` after
    /// producers pushed `D`s.
    name: tokio_mutex_and_unbounded_channel,
    items: {
        #[lh] async fn go() -> (Vec<&'static str>, usize) {
            let state = std::sync::Arc::new(tokio::sync::Mutex::new(Vec::new()));
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<D>();
            for name in ["m1", "m2", "m3"] {
                tx.send(pend(1, D::new(name)).await).unwrap();
            }
            drop(tx);
            while let Some(d) = rx.recv().await {
                let mut g = state.lock().await;
                g.push(d.0);
                pend(1, ()).await;
                drop(d);
            }
            let n = state.lock().await.len();
            (state.lock().await.clone(), n)
        }
    },
    run: go(),
}

differential! {
    /// `tokio::sync::oneshot` and `watch` values (ready immediately) awaited
    /// between `pend`s, with the sender dropped before the receive.
    name: tokio_oneshot_and_watch,
    items: {
        #[lh] async fn go() -> (Result<u32, String>, Result<u32, String>, u32) {
            let (tx, rx) = tokio::sync::oneshot::channel::<u32>();
            let _ = tx.send(pend(1, 7).await);
            let a = rx.await.map_err(|e| e.to_string());
            let (tx2, rx2) = tokio::sync::oneshot::channel::<u32>();
            let _hold = D::new("hold");
            drop(tx2);
            let b = rx2.await.map_err(|e| e.to_string());
            let (wtx, mut wrx) = tokio::sync::watch::channel(1u32);
            wtx.send_replace(pend(1, 5).await);
            wrx.changed().await.ok();
            let c = *wrx.borrow_and_update();
            (a, b, c)
        }
    },
    run: go(),
}

differential! {
    /// Arithmetic overflow and an out-of-bounds index after awaits (debug
    /// build panics), with `D`s live in outer scopes.
    name: overflow_and_index_panics_after_awaits,
    items: {
        #[lh] async fn add(x: u8) -> u8 {
            let _g = D::new("add");
            pend(1, x).await + 200
        }
        #[lh] async fn idx(v: Vec<D>, i: usize) -> &'static str {
            let i = pend(1, i).await;
            v[i].0
        }
    },
    run: async { let a = add(10).await; let b = idx(vec![D::new("v0")], 0).await; let _c = D::new("outer"); (a, b, idx(vec![D::new("w0")], 3).await) },
}

differential! {
    /// A `Drop` impl that logs and reads a field, on a struct created and
    /// consumed in a lowered method; dropped during unwinding of a panic
    /// after an await.
    name: custom_drop_struct_during_unwind,
    items: {
        struct Tx { name: &'static str, committed: bool }
        impl Drop for Tx {
            fn drop(&mut self) { log(format!("tx {} {}", self.name, if self.committed { "done" } else { "rollback" })); }
        }
        #[lh] async fn transfer(fail: bool) -> u32 {
            let mut tx = Tx { name: "t", committed: false };
            let _audit = D::new("audit");
            let amount = pend(1, 10u32).await;
            if fail { panic!("transfer failed at {amount}"); }
            tx.committed = pend(1, true).await;
            amount
        }
    },
    run: async { (transfer(false).await, transfer(true).await) },
}

differential! {
    /// A `Result<_, Box<dyn Error>>` function mixing `?` on parse errors,
    /// io-like custom errors and `ok_or` after awaits.
    name: box_dyn_error_question_mark_after_awaits,
    items: {
        #[derive(Debug)]
        struct Missing(&'static str);
        impl std::fmt::Display for Missing { fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { write!(f, "missing {}", self.0) } }
        impl std::error::Error for Missing {}
        #[lh] async fn load(cfg: Vec<(&'static str, &'static str)>) -> Result<u32, Box<dyn std::error::Error>> {
            let _c = D::new("cfg");
            let port = pend(1, cfg.iter().find(|(k, _)| *k == "port")).await.ok_or(Missing("port"))?;
            let n: u32 = pend(1, port.1).await.parse()?;
            Ok(n + 1)
        }
        #[lh] async fn go() -> Vec<String> {
            let mut out = Vec::new();
            for cfg in [vec![("port", "80")], vec![], vec![("port", "x")]] {
                out.push(match load(cfg).await { Ok(n) => n.to_string(), Err(e) => e.to_string() });
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// Slice patterns over `&[D]` across awaits (`[first, .., last]`,
    /// `[only]`, `[]`) and an array moved out by an irrefutable pattern.
    name: slice_and_array_patterns_across_awaits,
    items: {
        #[lh] async fn ends(v: &[D]) -> String {
            match v {
                [] => pend(1, "empty".to_string()).await,
                [only] => format!("one {}", pend(1, only.0).await),
                [first, .., last] => {
                    let a = pend(1, first.touch()).await;
                    format!("{a} {}", last.0)
                }
            }
        }
        #[lh] async fn go() -> (Vec<String>, usize) {
            let v = vec![D::new("a"), D::new("bb"), D::new("ccc")];
            let out = vec![ends(&v[..0]).await, ends(&v[..1]).await, ends(&v).await];
            let [x, y, z] = [D::new("x"), D::new("y"), D::new("z")];
            pend(1, ()).await;
            drop(y);
            pend(1, ()).await;
            (out, x.touch() + z.touch())
        }
    },
    run: go(),
}

differential! {
    /// A `loop` whose `break` value is awaited, inside a labeled outer
    /// loop that `continue`s on an awaited condition.
    name: loop_break_value_awaited_labeled_continue,
    items: {
        #[lh] async fn go(rows: Vec<Vec<u32>>) -> Vec<u32> {
            let mut out = Vec::new();
            'rows: for row in rows {
                let _r = D::new("row");
                let mut i = 0;
                let found = loop {
                    if i >= row.len() { continue 'rows; }
                    if pend(1, row[i] % 5 == 0).await { break pend(1, row[i] * 10).await; }
                    i += 1;
                };
                out.push(found);
            }
            out
        }
    },
    run: go(vec![vec![1, 5, 7], vec![2, 3], vec![10]]),
}
