//! Stress round 8: realistic ports (retry with backoff, a connection pool,
//! an LRU cache behind `&mut self`, a pub/sub broker, a chunked parser, a
//! rate limiter, a batcher, a router over trait objects), generics-heavy
//! code (where-clauses, associated types, `impl Trait` arguments, `Box<dyn
//! Trait>` across awaits, `async fn` in trait impls), `mem::take/replace/
//! swap` and the `Option`/`Vec` methods that move values around awaits,
//! `Rc<RefCell<..>>` and `Cell`, slice patterns and nested enums, scope
//! guards and shadowing, panics in the middle, and iterator adapters and
//! closures between awaits. Written to find where the lowering differs
//! from rustc (findings "s8-N", kept as `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces
)]
// Shapes written on purpose: `RefCell` borrows held across awaits (what
// rustc keeps is the point), `let x = x;` rebinding and shadowing chains
// (their drop order is the point), arithmetic that overflows and indexing
// out of bounds (the panic is the point), `for_each` and manual loops as
// users write them, `drain(..).collect()`, and `into_iter().count()` on a
// field (the move out of a pinned local is the point).
#![allow(
    clippy::await_holding_refcell_ref,
    clippy::redundant_locals,
    clippy::let_and_return,
    clippy::needless_return,
    clippy::match_single_binding,
    clippy::drain_collect,
    clippy::manual_memcpy,
    clippy::needless_range_loop,
    clippy::unnecessary_fold,
    clippy::useless_vec,
    clippy::shadow_unrelated,
    clippy::iter_count,
    arithmetic_overflow,
    unconditional_panic
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, VecDeque};
use std::rc::Rc;

/// A scope guard that logs `"defer <name>"` when dropped.
struct Defer(&'static str);

impl Drop for Defer {
    fn drop(&mut self) {
        log(format!("defer {}", self.0));
    }
}

/// A future that is `Pending` `n` times, then panics with `msg`; logs
/// `"drop boom"` if dropped before it panicked.
struct Boom {
    left: u32,
    msg: &'static str,
    fired: bool,
}

fn boom(n: u32, msg: &'static str) -> Boom {
    Boom {
        left: n,
        msg,
        fired: false,
    }
}

impl std::future::Future for Boom {
    type Output = u32;
    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<u32> {
        if self.left > 0 {
            self.left -= 1;
            cx.waker().wake_by_ref();
            std::task::Poll::Pending
        } else {
            self.fired = true;
            panic!("{}", self.msg)
        }
    }
}

impl Drop for Boom {
    fn drop(&mut self) {
        if !self.fired {
            log("drop boom");
        } else {
            log("drop boom (fired)");
        }
    }
}

// ---------------------------------------------------------------------------
// 1. Realistic ports
// ---------------------------------------------------------------------------

differential! {
    /// Retry with exponential backoff: a `loop` whose `match` on an awaited
    /// `Result` breaks with a value, sleeps in a guarded arm and gives up in
    /// the last.
    name: retry_with_backoff,
    items: {
        #[lh] async fn attempt(n: u32, ok_at: u32) -> Result<D, String> {
            pend(1, ()).await;
            if n >= ok_at { Ok(D::new("conn")) } else { Err(format!("fail {n}")) }
        }
        #[lh] async fn connect(ok_at: u32, max: u32) -> Result<usize, String> {
            let _span = Defer("connect");
            let mut backoff = 1;
            let mut n = 0;
            let conn = loop {
                match attempt(n, ok_at).await {
                    Ok(c) => break c,
                    Err(e) if n < max => {
                        log(format!("{e}, sleeping {backoff}"));
                        pend(backoff, ()).await;
                        backoff *= 2;
                        n += 1;
                    }
                    Err(e) => return Err(e),
                }
            };
            Ok(conn.touch() + n as usize)
        }
    },
    run: async { (connect(2, 5).await, connect(9, 2).await) },
}

differential! {
    /// A connection pool: checkout returns a guard that puts the connection
    /// back on drop; guards are held across awaits, and cancellation returns
    /// them.
    name: connection_pool_checkout_and_return,
    items: {
        struct Pool { free: RefCell<Vec<D>> }
        struct Lease<'a> { pool: &'a Pool, conn: Option<D> }
        impl Drop for Lease<'_> {
            fn drop(&mut self) {
                let c = self.conn.take().unwrap();
                log(format!("return {}", c.0));
                self.pool.free.borrow_mut().push(c);
            }
        }
        impl Pool {
            #[lh] async fn checkout(&self) -> Option<Lease<'_>> {
                pend(1, ()).await;
                let c = self.free.borrow_mut().pop()?;
                log(format!("lease {}", c.0));
                Some(Lease { pool: self, conn: Some(c) })
            }
        }
        #[lh] async fn work(pool: &Pool) -> usize {
            let a = pool.checkout().await.unwrap();
            let b = pool.checkout().await.unwrap();
            let none = pool.checkout().await.is_none();
            let n = a.conn.as_ref().unwrap().touch() + pend(1, b.conn.as_ref().unwrap().touch()).await;
            drop(a);
            let c = pool.checkout().await.unwrap();
            pend(1, ()).await;
            n + none as usize + c.conn.as_ref().unwrap().touch()
        }
        #[lh] async fn main_task() -> usize {
            let pool = Pool { free: RefCell::new(vec![D::new("c1"), D::new("c2")]) };
            let n = work(&pool).await;
            n + pool.free.borrow().len()
        }
    },
    run: main_task(),
}

differential! {
    /// An LRU cache behind `&mut self`: a hit returns early with a copy, a
    /// miss awaits the loader and evicts the oldest entry (whose drop is
    /// logged).
    name: lru_cache_mut_self,
    items: {
        struct Lru { cap: usize, map: std::collections::BTreeMap<u32, (u32, D)>, order: VecDeque<u32> }
        impl Lru {
            #[lh] async fn load(&self, k: u32) -> u32 { pend(1, k * 10).await }
            #[lh] async fn get(&mut self, k: u32) -> u32 {
                if let Some((v, _)) = self.map.get(&k) {
                    let v = *v;
                    self.order.retain(|x| *x != k);
                    self.order.push_back(k);
                    return v;
                }
                let v = self.load(k).await;
                if self.map.len() == self.cap {
                    let old = self.order.pop_front().unwrap();
                    let evicted = self.map.remove(&old);
                    pend(1, ()).await;
                    log(format!("evicted {old}"));
                }
                self.map.insert(k, (v, D::new(if k.is_multiple_of(2) { "even" } else { "odd" })));
                self.order.push_back(k);
                v
            }
        }
        #[lh] async fn go() -> Vec<u32> {
            let mut c = Lru { cap: 2, map: std::collections::BTreeMap::new(), order: VecDeque::new() };
            let mut out = vec![];
            for k in [1, 2, 1, 3, 2, 4] {
                out.push(c.get(k).await);
            }
            let mut keys: Vec<_> = c.map.keys().copied().collect();
            keys.sort();
            out.extend(keys);
            out
        }
    },
    run: go(),
}

differential! {
    /// Pub/sub fan-out: a broker holds `Box<dyn Subscriber>`s and awaits a
    /// delivery to each in turn; one subscriber unsubscribes itself.
    name: pubsub_broker_fan_out,
    items: {
        trait Subscriber { fn name(&self) -> &'static str; fn accept(&mut self, m: &str) -> bool; }
        struct Counter { name: &'static str, seen: usize, limit: usize, _d: D }
        impl Subscriber for Counter {
            fn name(&self) -> &'static str { self.name }
            fn accept(&mut self, m: &str) -> bool { self.seen += 1; log(format!("{} got {m}", self.name)); self.seen < self.limit }
        }
        struct Broker { subs: Vec<Box<dyn Subscriber>> }
        impl Broker {
            #[lh] async fn publish(&mut self, m: String) -> usize {
                let mut keep = Vec::new();
                for mut s in std::mem::take(&mut self.subs) {
                    pend(1, ()).await;
                    if s.accept(&m) { keep.push(s); } else { log(format!("unsub {}", s.name())); }
                }
                self.subs = keep;
                self.subs.len()
            }
        }
        #[lh] async fn go() -> Vec<usize> {
            let mut b = Broker { subs: vec![
                Box::new(Counter { name: "a", seen: 0, limit: 1, _d: D::new("a") }),
                Box::new(Counter { name: "b", seen: 0, limit: 3, _d: D::new("b") }),
            ] };
            let mut out = vec![];
            for m in ["x", "y"] { out.push(b.publish(m.to_string()).await); }
            out
        }
    },
    run: go(),
}

differential! {
    /// A chunked reader: a `Copy` state enum driven by a loop over awaited
    /// chunks, `match` on the state with awaits in arms, a partial frame
    /// carried across chunks.
    name: chunked_reader_parser,
    items: {
        #[derive(Clone, Copy, Debug)]
        enum St { Header, Body(usize), Done }
        #[lh] async fn next_chunk(chunks: &mut VecDeque<Vec<u8>>) -> Option<Vec<u8>> { pend(1, chunks.pop_front()).await }
        #[lh] async fn parse(mut chunks: VecDeque<Vec<u8>>) -> Vec<Vec<u8>> {
            let _g = Defer("parser");
            let mut st = St::Header;
            let mut buf: Vec<u8> = Vec::new();
            let mut frames = Vec::new();
            while let Some(chunk) = next_chunk(&mut chunks).await {
                buf.extend_from_slice(&chunk);
                loop {
                    match st {
                        St::Header if !buf.is_empty() => {
                            let n = buf.remove(0) as usize;
                            st = if n == 0 { St::Done } else { St::Body(n) };
                        }
                        St::Body(n) if buf.len() >= n => {
                            let rest = buf.split_off(n);
                            let frame = std::mem::replace(&mut buf, rest);
                            pend(1, ()).await;
                            frames.push(frame);
                            st = St::Header;
                        }
                        St::Done => return frames,
                        _ => break,
                    }
                }
            }
            frames
        }
    },
    run: parse(VecDeque::from(vec![vec![2, 7], vec![8, 3, 1], vec![2, 3, 0, 9]])),
}

differential! {
    /// A token-bucket rate limiter on `Cell`s: `acquire` waits (awaits) when
    /// empty, refills, and the caller counts waits.
    name: rate_limiter_token_bucket,
    items: {
        struct Limiter { tokens: Cell<u32>, cap: u32, waits: Cell<u32> }
        impl Limiter {
            #[lh] async fn acquire(&self) {
                while self.tokens.get() == 0 {
                    self.waits.set(self.waits.get() + 1);
                    pend(2, ()).await;
                    self.tokens.set(self.cap);
                }
                self.tokens.set(self.tokens.get() - 1);
            }
        }
        #[lh] async fn go(n: u32) -> (u32, u32) {
            let l = Limiter { tokens: Cell::new(1), cap: 2, waits: Cell::new(0) };
            let mut done = 0;
            for i in 0..n {
                let _req = D::new("req");
                l.acquire().await;
                done += pend(1, 1).await;
            }
            (done, l.waits.get())
        }
    },
    run: go(5),
}

differential! {
    /// A batcher that flushes when full: `mem::take` of the buffer into an
    /// awaited flush, and a final flush of the rest.
    name: batcher_flushes_on_size,
    items: {
        struct Batcher { buf: Vec<D>, size: usize, flushed: Vec<usize> }
        impl Batcher {
            #[lh] async fn flush(&mut self) {
                let batch = std::mem::take(&mut self.buf);
                if batch.is_empty() { return; }
                let n = pend(1, batch.len()).await;
                self.flushed.push(n);
                drop(batch);
                log("flushed");
            }
            #[lh] async fn push(&mut self, d: D) {
                self.buf.push(d);
                if self.buf.len() >= self.size { self.flush().await; }
            }
        }
        #[lh] async fn go() -> Vec<usize> {
            let mut b = Batcher { buf: vec![], size: 2, flushed: vec![] };
            for name in ["a", "b", "c", "d", "e"] { b.push(D::new(name)).await; }
            b.flush().await;
            b.flushed
        }
    },
    run: go(),
}

differential! {
    /// A request router: a `BTreeMap` (a `HashMap` would drop its handlers
    /// in a different random order on each side) of boxed handlers returning boxed
    /// futures, looked up per request; a missing route awaits a fallback.
    name: request_router_trait_objects,
    items: {
        use std::future::Future;
        use std::pin::Pin;
        trait Handler { fn call<'a>(&'a self, body: &'a str) -> Pin<Box<dyn Future<Output = String> + 'a>>; }
        struct Echo(D);
        impl Handler for Echo {
            fn call<'a>(&'a self, body: &'a str) -> Pin<Box<dyn Future<Output = String> + 'a>> {
                Box::pin(async move { pend(1, ()).await; format!("{}:{body}", self.0 .0) })
            }
        }
        struct Router { routes: std::collections::BTreeMap<&'static str, Box<dyn Handler>> }
        impl Router {
            #[lh] async fn route(&self, path: &str, body: String) -> String {
                match self.routes.get(path) {
                    Some(h) => h.call(&body).await,
                    None => { pend(1, ()).await; format!("404 {path}") }
                }
            }
        }
        #[lh] async fn go() -> Vec<String> {
            let mut routes: std::collections::BTreeMap<&'static str, Box<dyn Handler>> = std::collections::BTreeMap::new();
            routes.insert("/a", Box::new(Echo(D::new("echo-a"))));
            routes.insert("/b", Box::new(Echo(D::new("echo-b"))));
            let r = Router { routes };
            let mut out = vec![];
            for (p, b) in [("/a", "x"), ("/c", "y"), ("/b", "z")] {
                out.push(r.route(p, b.to_string()).await);
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// A worker loop over a job queue in `Rc<RefCell<VecDeque>>`: the borrow
    /// ends before each await, jobs push follow-up jobs after awaits.
    name: job_queue_rc_refcell_follow_ups,
    items: {
        #[lh] async fn worker(q: Rc<RefCell<VecDeque<(u32, D)>>>) -> Vec<u32> {
            let mut done = vec![];
            loop {
                let job = q.borrow_mut().pop_front();
                let Some((n, d)) = job else { break };
                let r = pend(1, n * 2).await;
                if n > 1 { q.borrow_mut().push_back((n - 2, D::new("follow"))); }
                d.touch();
                done.push(r);
            }
            done
        }
    },
    run: worker(Rc::new(RefCell::new(VecDeque::from(vec![(3, D::new("j3")), (1, D::new("j1"))])))),
}

differential! {
    /// A read-through cache with `HashMap::entry` decided before an await
    /// and a `get_mut` after, counting hits in the value.
    name: read_through_cache_hits,
    items: {
        #[lh] async fn fetch(k: &str) -> String { pend(1, k.to_uppercase()).await }
        #[lh] async fn go(keys: Vec<&'static str>) -> Vec<(String, u32)> {
            let mut cache: HashMap<&'static str, (String, u32)> = HashMap::new();
            for k in keys {
                if !cache.contains_key(k) {
                    let v = fetch(k).await;
                    cache.insert(k, (v, 0));
                }
                if let Some(e) = cache.get_mut(k) { e.1 += 1; }
                pend(1, ()).await;
            }
            let mut out: Vec<_> = cache.into_values().collect();
            out.sort();
            out
        }
    },
    run: go(vec!["a", "b", "a", "a", "c"]),
}

differential! {
    /// A session state machine in `&mut self` driven by `mem::replace` of
    /// the state enum, with awaits in the arms that own the old state.
    name: session_state_machine_mem_replace,
    items: {
        enum S { Idle, Connecting(D), Ready(D, u32), Closed }
        struct Session { st: S, log: Vec<String> }
        impl Session {
            #[lh] async fn step(&mut self) -> bool {
                match std::mem::replace(&mut self.st, S::Closed) {
                    S::Idle => { pend(1, ()).await; self.st = S::Connecting(D::new("sock")); }
                    S::Connecting(d) => { let n = pend(1, d.touch() as u32).await; self.st = S::Ready(d, n); }
                    S::Ready(d, 0) => { self.log.push(format!("close {}", d.0)); pend(1, ()).await; }
                    S::Ready(d, n) => { pend(1, ()).await; self.log.push(format!("tick {n}")); self.st = S::Ready(d, n - 2); }
                    S::Closed => return false,
                }
                true
            }
        }
        #[lh] async fn go() -> Vec<String> {
            let mut s = Session { st: S::Idle, log: vec![] };
            while s.step().await {}
            s.log
        }
    },
    run: go(),
}

differential! {
    /// A semaphore-like permit counter on `Rc<Cell>`: permits are RAII
    /// guards held across awaits, released on drop and on cancellation.
    name: semaphore_permits_rc_cell,
    items: {
        struct Permit(Rc<Cell<u32>>);
        impl Drop for Permit { fn drop(&mut self) { self.0.set(self.0.get() + 1); log(format!("release -> {}", self.0.get())); } }
        #[lh] async fn acquire(s: &Rc<Cell<u32>>) -> Permit {
            while s.get() == 0 { pend(1, ()).await; log("spin"); s.set(1); }
            s.set(s.get() - 1);
            Permit(s.clone())
        }
        #[lh] async fn go() -> u32 {
            let s = Rc::new(Cell::new(2));
            let a = acquire(&s).await;
            let b = acquire(&s).await;
            let c = {
                let _scope = Defer("scope");
                let p = acquire(&s).await;
                pend(1, ()).await;
                p
            };
            drop(b);
            pend(1, ()).await;
            s.get()
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 2. Generics, associated types, trait objects, `async fn` in traits
// ---------------------------------------------------------------------------

differential! {
    /// A generic function with a where-clause on an associated type,
    /// iterating an `IntoIterator` across awaits.
    name: generic_where_clause_into_iterator,
    items: {
        #[lh] async fn show_all<I>(items: I, sep: &str) -> String
        where
            I: IntoIterator,
            I::Item: std::fmt::Debug,
        {
            let mut out = String::new();
            for (i, x) in items.into_iter().enumerate() {
                if i > 0 { out.push_str(sep); }
                pend(1, ()).await;
                out.push_str(&format!("{x:?}"));
            }
            out
        }
    },
    run: async { (show_all(vec![1, 2, 3], ",").await, show_all([D::new("a"), D::new("b")], ";").await) },
}

differential! {
    /// A trait with an associated type used in a generic async function's
    /// signature and in a local `Vec<C::Item>` kept across awaits.
    name: associated_type_codec,
    items: {
        trait Codec { type Item: std::fmt::Debug; fn decode(&self, b: u8) -> Option<Self::Item>; }
        struct Digits;
        impl Codec for Digits { type Item = u32; fn decode(&self, b: u8) -> Option<u32> { (b as char).to_digit(10) } }
        struct Names(D);
        impl Codec for Names { type Item = String; fn decode(&self, b: u8) -> Option<String> { b.is_ascii_alphabetic().then(|| format!("{}{}", self.0 .0, b as char)) } }
        #[lh] async fn read_all<C: Codec>(c: &C, bytes: Vec<u8>) -> (Vec<C::Item>, usize) {
            let mut items: Vec<C::Item> = Vec::new();
            let mut bad = 0;
            for b in bytes {
                match c.decode(pend(1, b).await) {
                    Some(it) => items.push(it),
                    None => { bad += 1; pend(1, ()).await; }
                }
            }
            (items, bad)
        }
    },
    run: async { (read_all(&Digits, b"1x2".to_vec()).await, read_all(&Names(D::new("n")), b"a1b".to_vec()).await) },
}

differential! {
    /// `impl Trait` arguments: an `impl Iterator` kept across awaits and an
    /// `impl Fn` called after them.
    name: impl_trait_iterator_and_fn_args,
    items: {
        #[lh] async fn fold_with(it: impl Iterator<Item = u32>, f: impl Fn(u32, u32) -> u32, d: impl AsRef<str>) -> u32 {
            let mut acc = 0;
            for x in it {
                let y = pend(1, x).await;
                acc = f(acc, y);
            }
            log(d.as_ref().to_string());
            acc
        }
    },
    run: fold_with((1..4).map(|x| x * 10), |a, b| a + b, String::from("done")),
}

differential! {
    /// A `Box<dyn Trait>` local called before and after awaits, then
    /// replaced (the old box drops at the assignment).
    name: box_dyn_trait_local_across_awaits,
    items: {
        trait Shape { fn area(&self) -> u32; }
        struct Sq(u32, D);
        struct Rect(u32, u32, D);
        impl Shape for Sq { fn area(&self) -> u32 { self.0 * self.0 } }
        impl Shape for Rect { fn area(&self) -> u32 { self.0 * self.1 } }
        #[lh] async fn go() -> u32 {
            let mut s: Box<dyn Shape> = Box::new(Sq(3, D::new("sq")));
            let a = s.area();
            pend(1, ()).await;
            s = Box::new(Rect(2, pend(1, 5).await, D::new("rect")));
            pend(1, ()).await;
            a + s.area()
        }
    },
    run: go(),
}

differential! {
    /// A native `async fn` in a trait implemented with `#[lh]`, called
    /// through a generic bound and directly.
    name: async_fn_in_trait_impl,
    items: {
        trait Service { async fn call(&self, req: u32) -> Result<u32, String>; }
        struct Doubler(D);
        impl Service for Doubler {
            #[lh] async fn call(&self, req: u32) -> Result<u32, String> {
                let r = pend(1, req).await;
                if r > 10 { return Err(format!("{} too big", self.0 .0)); }
                Ok(r * 2)
            }
        }
        #[lh] async fn drive<S: Service>(s: &S, reqs: &[u32]) -> Vec<Result<u32, String>> {
            let mut out = vec![];
            for r in reqs { out.push(s.call(*r).await); }
            out
        }
    },
    run: async {
        let d = Doubler(D::new("dbl"));
        (d.call(1).await, drive(&d, &[2, 20, 3]).await)
    },
}

differential! {
    /// A middleware layer generic over an inner service with an `async fn`
    /// in the trait, wrapping its result and logging around the awaits.
    name: async_fn_in_trait_middleware_layer,
    items: {
        trait Svc { async fn call(&mut self, x: u32) -> u32; }
        struct Base { calls: u32 }
        impl Svc for Base {
            #[lh] async fn call(&mut self, x: u32) -> u32 { self.calls += 1; pend(1, x + self.calls).await }
        }
        struct Logged<S> { inner: S, name: &'static str }
        impl<S: Svc> Svc for Logged<S> {
            #[lh] async fn call(&mut self, x: u32) -> u32 {
                let _g = Defer(self.name);
                log(format!("{} in {x}", self.name));
                let r = self.inner.call(x).await;
                pend(1, ()).await;
                log(format!("{} out {r}", self.name));
                r
            }
        }
        #[lh] async fn go() -> (u32, u32) {
            let mut s = Logged { inner: Logged { inner: Base { calls: 0 }, name: "inner" }, name: "outer" };
            (s.call(1).await, s.call(5).await)
        }
    },
    run: go(),
}

differential! {
    /// A generic method with its own type parameter and where-clause on a
    /// generic struct, storing a `T` across awaits.
    name: generic_method_on_generic_struct,
    items: {
        struct Store<T> { items: Vec<T> }
        impl<T: Clone + std::fmt::Debug> Store<T> {
            #[lh] async fn put_mapped<U, F>(&mut self, u: U, f: F) -> usize
            where
                F: Fn(U) -> T,
                U: std::fmt::Debug,
            {
                log(format!("put {u:?}"));
                let t = f(u);
                pend(1, ()).await;
                self.items.push(t.clone());
                pend(1, ()).await;
                self.items.push(t);
                self.items.len()
            }
        }
    },
    run: async {
        let mut s = Store { items: vec![] };
        let n = s.put_mapped(3u8, |x| format!("v{x}")).await;
        (n, s.items)
    },
}

differential! {
    /// A generic function that borrows its own local across an await
    /// (the hidden lifetime parameter), with a where-clause on `T`.
    name: generic_borrows_own_local_across_await,
    items: {
        #[lh] async fn biggest<T>(xs: Vec<T>, extra: T) -> String
        where
            T: PartialOrd + std::fmt::Debug,
        {
            let mut all = xs;
            all.push(extra);
            let r = &all;
            let mut best = &r[0];
            for x in r.iter() {
                pend(1, ()).await;
                if x > best { best = x; }
            }
            format!("{best:?} of {}", all.len())
        }
    },
    run: async { (biggest(vec![3, 9, 2], 5).await, biggest(vec!["b".to_string()], "a".to_string()).await) },
}

differential! {
    /// A `&mut dyn Trait` parameter used across awaits.
    name: mut_dyn_trait_param_across_awaits,
    items: {
        trait Sink { fn put(&mut self, x: u32); fn total(&self) -> u32; }
        struct Sum(u32, D);
        impl Sink for Sum { fn put(&mut self, x: u32) { self.0 += x; } fn total(&self) -> u32 { self.0 } }
        #[lh] async fn feed(s: &mut dyn Sink, n: u32) -> u32 {
            for i in 0..n { s.put(pend(1, i).await); }
            let t = s.total();
            pend(1, ()).await;
            t
        }
    },
    run: async { let mut s = Sum(0, D::new("sum")); (feed(&mut s, 4).await, s.0) },
}

differential! {
    /// A boxed `dyn Fn` produced by an awaited call and called with awaited
    /// arguments.
    name: box_dyn_fn_from_await_called_with_awaits,
    items: {
        #[lh] async fn make(k: u32) -> Box<dyn Fn(u32, u32) -> u32> {
            let d = D::new("captured");
            pend(1, ()).await;
            Box::new(move |a, b| { d.touch(); a * k + b })
        }
        #[lh] async fn go() -> u32 {
            let f = make(3).await;
            let r = f(pend(1, 2).await, pend(1, 1).await);
            pend(1, ()).await;
            r + f(0, 0)
        }
    },
    run: go(),
}

differential! {
    /// An `async fn` returning `impl Display`, whose value is awaited and
    /// formatted.
    name: async_fn_returning_impl_trait,
    items: {
        #[lh] async fn label(k: u32) -> impl std::fmt::Display {
            let d = D::new("label");
            pend(1, ()).await;
            format!("{}-{k}", d.0)
        }
        #[lh] async fn go() -> String { format!("[{}] [{}]", label(1).await, label(2).await) }
    },
    run: go(),
}

differential! {
    /// A trait object `Vec<Box<dyn Stage>>` pipeline: each stage awaited in
    /// turn through a boxed future, stages dropped at the end.
    name: pipeline_of_boxed_stages,
    items: {
        use std::future::Future;
        use std::pin::Pin;
        trait Stage { fn run(&self, x: u32) -> Pin<Box<dyn Future<Output = u32> + '_>>; }
        struct Add(u32, D);
        impl Stage for Add {
            fn run(&self, x: u32) -> Pin<Box<dyn Future<Output = u32> + '_>> { Box::pin(async move { pend(1, x + self.0).await }) }
        }
        #[lh] async fn go(x: u32) -> u32 {
            let stages: Vec<Box<dyn Stage>> = vec![Box::new(Add(1, D::new("s1"))), Box::new(Add(10, D::new("s2")))];
            let mut v = x;
            for s in &stages { v = s.run(v).await; log(format!("v {v}")); }
            v
        }
    },
    run: go(5),
}

differential! {
    /// A const-generic ring buffer method with `&mut self` across awaits.
    name: const_generic_ring_buffer,
    items: {
        struct Ring<const N: usize> { buf: [u32; N], head: usize }
        impl<const N: usize> Ring<N> {
            #[lh] async fn push_all(&mut self, xs: Vec<u32>) -> [u32; N] {
                for x in xs {
                    self.buf[self.head % N] = pend(1, x).await;
                    self.head += 1;
                }
                self.buf
            }
        }
    },
    run: async { Ring::<3> { buf: [0; 3], head: 0 }.push_all(vec![1, 2, 3, 4, 5]).await },
}

differential! {
    /// A trait default method written with `#[lh] async fn` calling a
    /// required method across awaits.
    name: trait_default_async_method,
    items: {
        trait Source {
            fn next_val(&mut self) -> Option<u32>;
            #[lh] async fn sum_all(&mut self) -> u32 {
                let mut t = 0;
                while let Some(v) = self.next_val() { t += pend(1, v).await; }
                t
            }
        }
        struct Cd(u32);
        impl Source for Cd { fn next_val(&mut self) -> Option<u32> { if self.0 == 0 { None } else { self.0 -= 1; Some(self.0) } } }
    },
    run: async { Cd(4).sum_all().await },
}

// ---------------------------------------------------------------------------
// 3. `mem::take/replace/swap`, `Option` and `Vec` methods, `RefCell`, `Cell`
// ---------------------------------------------------------------------------

differential! {
    /// `mem::swap` of two locals between awaits: each drops as the value it
    /// holds at the end, in the locals' order.
    name: mem_swap_locals_between_awaits,
    items: {
        #[lh] async fn go() -> usize {
            let mut a = D::new("a");
            let mut b = D::new("b");
            pend(1, ()).await;
            std::mem::swap(&mut a, &mut b);
            pend(1, ()).await;
            a.touch() + b.touch()
        }
    },
    run: go(),
}

differential! {
    /// `mem::replace` on a local whose old value is kept in a new binding
    /// across an await, and `mem::take` on a `Vec<D>`.
    name: mem_replace_and_take_locals,
    items: {
        #[lh] async fn go() -> usize {
            let mut cur = D::new("first");
            let mut v = vec![D::new("v1"), D::new("v2")];
            let old = std::mem::replace(&mut cur, D::new("second"));
            pend(1, ()).await;
            let taken = std::mem::take(&mut v);
            pend(1, ()).await;
            v.push(D::new("v3"));
            drop(old);
            pend(1, ()).await;
            taken.len() + v.len() + cur.touch()
        }
    },
    run: go(),
}

differential! {
    /// `Option::take` and `Option::replace` around awaits: the taken value
    /// is kept, the replaced one dropped at the end of its statement.
    name: option_take_and_replace_around_awaits,
    items: {
        #[lh] async fn go() -> usize {
            let mut slot = Some(D::new("one"));
            let got = slot.take();
            pend(1, ()).await;
            slot.replace(D::new("two"));
            let n = slot.replace(pend(1, D::new("three")).await).map(|d| d.touch()).unwrap_or(0);
            pend(1, ()).await;
            n + got.map(|d| d.touch()).unwrap_or(0)
        }
    },
    run: go(),
}

differential! {
    /// `get_or_insert_with` returning a `&mut` held across an await.
    name: option_get_or_insert_with_mut_across_await,
    items: {
        #[lh] async fn go(start: Option<Vec<u32>>) -> Option<Vec<u32>> {
            let mut cache = start;
            let v = cache.get_or_insert_with(|| { log("init"); vec![] });
            v.push(pend(1, 1).await);
            v.push(pend(1, 2).await);
            cache
        }
    },
    run: async { (go(None).await, go(Some(vec![9])).await) },
}

differential! {
    /// `Option::as_mut` in an `if let` whose body awaits and writes through
    /// the reference.
    name: option_as_mut_if_let_body_awaits,
    items: {
        struct Conn { buf: Option<Vec<D>> }
        #[lh] async fn go(mut c: Conn) -> usize {
            if let Some(b) = c.buf.as_mut() {
                b.push(pend(1, D::new("pushed")).await);
                b.retain(|d| d.0 != "old");
                pend(1, ()).await;
            }
            c.buf.as_ref().map(|b| b.len()).unwrap_or(0)
        }
    },
    run: async { (go(Conn { buf: Some(vec![D::new("old"), D::new("keep")]) }).await, go(Conn { buf: None }).await) },
}

differential! {
    /// `for x in v.drain(..)` with an await per item and a `break`: the
    /// `Drain` drops the items left when the loop ends or is cancelled.
    name: vec_drain_loop_break_and_cancel,
    items: {
        #[lh] async fn go(stop: &'static str) -> usize {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")];
            let mut seen = 0;
            for x in v.drain(..) {
                pend(1, ()).await;
                if x.0 == stop { break; }
                seen += x.touch();
            }
            pend(1, ()).await;
            seen + v.len()
        }
    },
    run: async { (go("c").await, go("z").await) },
}

differential! {
    /// `Vec::drain(range)` collected between awaits, `retain` dropping
    /// elements, `split_off` keeping both halves across awaits.
    name: vec_drain_range_retain_split_off,
    items: {
        #[lh] async fn go() -> (usize, usize, usize) {
            let mut v: Vec<D> = ["a", "b", "c", "d", "e"].into_iter().map(D::new).collect();
            let mid: Vec<D> = v.drain(1..3).collect();
            pend(1, ()).await;
            v.retain(|d| d.0 != "d");
            pend(1, ()).await;
            let tail = v.split_off(1);
            pend(1, ()).await;
            (mid.len(), v.len(), tail.len())
        }
    },
    run: go(),
}

differential! {
    /// A `RefCell` shared borrow held across an await, then a `borrow_mut`
    /// after it dropped; and a `Ref` dropped by `drop` before an await.
    name: refcell_borrow_across_await_then_mut,
    items: {
        #[lh] async fn go(c: Rc<RefCell<Vec<u32>>>) -> usize {
            let r = c.borrow();
            let n = pend(1, r.len()).await;
            drop(r);
            c.borrow_mut().push(n as u32);
            let w = c.borrow_mut();
            let m = w.len();
            drop(w);
            pend(1, ()).await;
            m + c.borrow().len()
        }
    },
    run: go(Rc::new(RefCell::new(vec![1, 2]))),
}

differential! {
    /// A `RefCell` double borrow after an await panics ("already mutably
    /// borrowed"), unwinding through the held `RefMut` and a scope guard.
    name: refcell_double_borrow_panics_after_await,
    items: {
        #[lh] async fn go(c: Rc<RefCell<Vec<u32>>>) -> usize {
            let _g = Defer("outer");
            let mut w = c.borrow_mut();
            w.push(pend(1, 3).await);
            let _h = D::new("inner");
            pend(1, ()).await;
            let n = c.borrow().len();
            n + w.len()
        }
    },
    run: go(Rc::new(RefCell::new(vec![]))),
}

differential! {
    /// `Cell` get/set with awaited values, and a `Cell` captured by a
    /// closure called before and after awaits.
    name: cell_counter_and_closure,
    items: {
        #[lh] async fn go() -> u32 {
            let c = Cell::new(1);
            let bump = |by: u32| c.set(c.get() + by);
            bump(pend(1, 2).await);
            c.set(c.get() * pend(1, 3).await);
            bump(1);
            pend(1, ()).await;
            c.get()
        }
    },
    run: go(),
}

differential! {
    /// `Rc` clones moved into a `Vec` across awaits: the strong count read
    /// after each await, the clones dropped on cancellation.
    name: rc_strong_count_across_awaits,
    items: {
        #[lh] async fn go() -> Vec<usize> {
            let shared = Rc::new(D::new("shared"));
            let mut held = vec![];
            let mut counts = vec![];
            for _ in 0..3 {
                held.push(shared.clone());
                counts.push(pend(1, Rc::strong_count(&shared)).await);
            }
            held.truncate(1);
            counts.push(Rc::strong_count(&shared));
            pend(1, ()).await;
            counts
        }
    },
    run: go(),
}

differential! {
    /// `mem::take` on a field through `&mut self`, the field refilled after
    /// an await, the taken value iterated with awaits.
    name: mem_take_field_iterate_with_awaits,
    items: {
        struct Outbox { pending: Vec<D>, sent: usize }
        impl Outbox {
            #[lh] async fn flush(&mut self) -> usize {
                let batch = std::mem::take(&mut self.pending);
                self.pending.push(D::new("late"));
                for d in batch {
                    pend(1, ()).await;
                    self.sent += d.touch();
                }
                self.sent
            }
        }
    },
    run: async {
        let mut o = Outbox { pending: vec![D::new("x"), D::new("yy")], sent: 0 };
        let n = o.flush().await;
        (n, o.pending.len())
    },
}

differential! {
    /// `Option::take` on a `&mut self` field of boxed `FnOnce` callback,
    /// called after an await.
    name: take_callback_from_field_call_after_await,
    items: {
        struct Req { on_done: Option<Box<dyn FnOnce(u32) -> String>>, _d: D }
        impl Req {
            #[lh] async fn finish(&mut self) -> Option<String> {
                let cb = self.on_done.take()?;
                let n = pend(1, 7).await;
                Some(cb(n))
            }
        }
    },
    run: async {
        let d = D::new("cb");
        let mut r = Req { on_done: Some(Box::new(move |n| format!("{} {n}", d.0))), _d: D::new("req") };
        (r.finish().await, r.finish().await)
    },
}

differential! {
    /// `VecDeque::drain(..)` into a `Vec` between awaits, and `swap_remove`
    /// and `insert` on a `Vec<D>`.
    name: vecdeque_drain_swap_remove_insert,
    items: {
        #[lh] async fn go() -> Vec<&'static str> {
            let mut q: VecDeque<D> = VecDeque::from(vec![D::new("q1"), D::new("q2")]);
            let mut v: Vec<D> = q.drain(..).collect();
            pend(1, ()).await;
            v.insert(0, pend(1, D::new("front")).await);
            let gone = v.swap_remove(0);
            pend(1, ()).await;
            drop(gone);
            v.iter().map(|d| d.0).collect()
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 4. Slice patterns, nested enums, `while let` stacks
// ---------------------------------------------------------------------------

differential! {
    /// `match v.as_slice()` with `[first, rest @ ..]` and `[]` arms that
    /// await while holding the slice borrows.
    name: slice_pattern_first_rest_arm_awaits,
    items: {
        #[lh] async fn go(v: Vec<D>) -> usize {
            match v.as_slice() {
                [] => pend(1, 0).await,
                [only] => { pend(1, ()).await; only.touch() }
                [first, rest @ ..] => {
                    let a = first.touch();
                    pend(1, ()).await;
                    a + rest.len() + rest.last().map(|d| d.touch()).unwrap_or(0)
                }
            }
        }
    },
    run: async { (go(vec![]).await, go(vec![D::new("o")]).await, go(vec![D::new("f"), D::new("m"), D::new("last")]).await) },
}

differential! {
    /// `if let [a, b] = &v[..]` with an await in the body, and `let
    /// [x, .., y] = arr` on an array of `Copy` values.
    name: slice_pattern_pair_and_array_ends,
    items: {
        #[lh] async fn go(v: Vec<u32>) -> u32 {
            let arr = [pend(1, 1).await, 2, 3, 4];
            let [x, .., y] = arr;
            if let [a, b] = &v[..] {
                pend(1, ()).await;
                a + b + x + y
            } else {
                pend(1, x * y).await
            }
        }
    },
    run: async { (go(vec![10, 20]).await, go(vec![1]).await) },
}

differential! {
    /// A slice pattern with a binding `@` subslice in a `while let` over a
    /// shrinking slice, awaiting per step.
    name: slice_pattern_while_let_shrinking,
    items: {
        #[lh] async fn go(v: Vec<u32>) -> Vec<u32> {
            let mut s: &[u32] = &v;
            let mut out = vec![];
            while let [head, tail @ ..] = s {
                out.push(pend(1, *head * 2).await);
                s = tail;
            }
            out
        }
    },
    run: go(vec![1, 2, 3]),
}

differential! {
    /// Nested enums matched by value with the whole payload moved into the
    /// arm's binding, awaits in the arms.
    name: nested_enum_match_moves_payload,
    items: {
        enum Inner { X(D), Y(u32) }
        enum Outer { A(Inner), B(D, D), C }
        #[lh] async fn go(msgs: Vec<Outer>) -> Vec<usize> {
            let mut out = vec![];
            for m in msgs {
                let r = match m {
                    Outer::A(Inner::X(d)) => { pend(1, ()).await; d.touch() }
                    Outer::A(Inner::Y(n)) => pend(1, n as usize).await,
                    Outer::B(p, q) => { let a = p.touch(); pend(1, ()).await; drop(p); a + q.touch() }
                    Outer::C => 0,
                };
                out.push(r);
            }
            out
        }
    },
    run: go(vec![Outer::A(Inner::X(D::new("x"))), Outer::B(D::new("p"), D::new("q")), Outer::A(Inner::Y(4)), Outer::C]),
}

differential! {
    /// Nested enums matched through a reference (`match &m`), awaits in the
    /// arms, `m` used after.
    name: nested_enum_match_by_reference,
    items: {
        enum Inner { X(D), Y(u32) }
        enum Outer { A(Inner), B(Box<Outer>) }
        #[lh] async fn depth(m: &Outer) -> usize {
            let mut cur = m;
            let mut n = 0;
            loop {
                match cur {
                    Outer::A(Inner::X(d)) => { pend(1, ()).await; return n + d.touch(); }
                    Outer::A(Inner::Y(k)) => return n + pend(1, *k as usize).await,
                    Outer::B(b) => { n += 1; pend(1, ()).await; cur = &**b; }
                }
            }
        }
        #[lh] async fn go() -> (usize, usize) {
            let m = Outer::B(Box::new(Outer::B(Box::new(Outer::A(Inner::X(D::new("leaf")))))));
            let a = depth(&m).await;
            let b = depth(&Outer::A(Inner::Y(7))).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// DFS with `while let Some(x) = stack.pop()` pushing children after
    /// an await.
    name: while_let_stack_pop_push_after_await,
    items: {
        #[lh] async fn children(n: u32) -> Vec<u32> { pend(1, if n < 4 { vec![n * 2, n * 2 + 1] } else { vec![] }).await }
        #[lh] async fn go() -> Vec<u32> {
            let mut stack = vec![1];
            let mut order = vec![];
            let _g = Defer("dfs");
            while let Some(x) = stack.pop() {
                order.push(x);
                let kids = children(x).await;
                stack.extend(kids.into_iter().rev());
            }
            order
        }
    },
    run: go(),
}

differential! {
    /// `while let Some(d) = stack.pop()` over `D`s: each popped value is
    /// dropped at the end of its iteration, after the iteration's awaits;
    /// some iterations push a new `D`.
    name: while_let_stack_of_d_drop_per_iteration,
    items: {
        #[lh] async fn go() -> usize {
            let mut stack = vec![D::new("s1"), D::new("s2")];
            let mut n = 0;
            while let Some(d) = stack.pop() {
                pend(1, ()).await;
                if d.0 == "s2" { stack.push(D::new("child")); }
                n += d.touch();
            }
            n
        }
    },
    run: go(),
}

differential! {
    /// BFS over a `VecDeque` with `(depth, D)` items and a depth limit.
    name: bfs_vecdeque_with_depth,
    items: {
        #[lh] async fn go(limit: u32) -> Vec<(u32, &'static str)> {
            let mut q = VecDeque::new();
            q.push_back((0u32, D::new("root")));
            let mut out = vec![];
            while let Some((depth, node)) = q.pop_front() {
                out.push((depth, node.0));
                if depth < limit {
                    let kids = pend(1, [D::new("l"), D::new("r")]).await;
                    for k in kids { q.push_back((depth + 1, k)); }
                }
            }
            out
        }
    },
    run: go(2),
}

differential! {
    /// `let Some([a, b]) = ... else` with a slice-array conversion between
    /// awaits, and the `else` returning after an await.
    name: let_else_array_pattern_from_slice,
    items: {
        #[lh] async fn go(v: Vec<u32>) -> u32 {
            let _g = D::new("g");
            let Ok([a, b]) = <[u32; 2]>::try_from(pend(1, v).await) else {
                pend(1, ()).await;
                return 0;
            };
            pend(1, a * 10 + b).await
        }
    },
    run: async { (go(vec![1, 2]).await, go(vec![1, 2, 3]).await) },
}

differential! {
    /// `match` on a tuple of `Option::take`s (a temporary of moved values)
    /// with awaits in the arms.
    name: match_tuple_of_takes_arms_await,
    items: {
        #[lh] async fn go(mut a: Option<D>, mut b: Option<D>) -> usize {
            let r = match (a.take(), b.take()) {
                (Some(x), Some(y)) => { pend(1, ()).await; x.touch() + y.touch() }
                (Some(x), None) | (None, Some(x)) => { pend(1, ()).await; x.touch() }
                (None, None) => 0,
            };
            pend(1, ()).await;
            r + a.is_none() as usize
        }
    },
    run: async { (go(Some(D::new("a")), Some(D::new("b"))).await, go(None, Some(D::new("c"))).await) },
}

differential! {
    /// A binding `@` with a range and a nested `Some` in a `match` on an
    /// awaited value.
    name: at_binding_ranges_on_awaited_value,
    items: {
        #[lh] async fn go(k: Option<u32>) -> String {
            match pend(1, k).await {
                Some(n @ 0..=9) => { pend(1, ()).await; format!("digit {n}") }
                Some(n @ (10 | 20)) => format!("round {n}"),
                Some(n) => pend(1, format!("big {n}")).await,
                None => String::new(),
            }
        }
    },
    run: async { (go(Some(3)).await, go(Some(20)).await, go(Some(99)).await, go(None).await) },
}

// ---------------------------------------------------------------------------
// 5. Scope guards, nested scopes, shadowing
// ---------------------------------------------------------------------------

differential! {
    /// Nested scopes ending between awaits, each with a `Defer` guard: the
    /// inner guards run at their block's end, the outer at the function's.
    name: nested_scope_guards_between_awaits,
    items: {
        #[lh] async fn go() -> u32 {
            let _outer = Defer("outer");
            let a = {
                let _g1 = Defer("g1");
                let x = pend(1, 1).await;
                {
                    let _g2 = Defer("g2");
                    pend(1, ()).await;
                }
                log("between");
                x + pend(1, 1).await
            };
            pend(1, ()).await;
            a
        }
    },
    run: go(),
}

differential! {
    /// A defer guard holding a closure that reads a `Cell` local declared
    /// before it; the closure runs at the end, after the awaits.
    name: defer_closure_guard_reads_local,
    items: {
        struct OnDrop<F: FnMut()>(F);
        impl<F: FnMut()> Drop for OnDrop<F> { fn drop(&mut self) { (self.0)() } }
        #[lh] async fn go() -> u32 {
            let count = Cell::new(0);
            let _guard = OnDrop(|| log(format!("count at exit {}", count.get())));
            for i in 0..3 { count.set(count.get() + pend(1, i).await); }
            count.get()
        }
    },
    run: go(),
}

differential! {
    /// A guard disarmed through a path call (`Guard::disarm(g)`) on one
    /// path only, after an await.
    name: scope_guard_disarmed_on_success,
    items: {
        struct Guard { name: &'static str, armed: bool }
        impl Guard { fn disarm(mut g: Guard) { g.armed = false; } }
        impl Drop for Guard { fn drop(&mut self) { if self.armed { log(format!("rollback {}", self.name)); } else { log(format!("commit {}", self.name)); } } }
        #[lh] async fn tx(ok: bool) -> Result<u32, String> {
            let g = Guard { name: "tx", armed: true };
            let v = pend(1, 5).await;
            if !ok { return Err("failed".into()); }
            pend(1, ()).await;
            Guard::disarm(g);
            Ok(v)
        }
    },
    run: async { (tx(true).await, tx(false).await) },
}

differential! {
    /// Shadowing does not drop: three `x`s live to the end of the scope
    /// and drop in reverse order after the awaits.
    name: shadowing_chain_keeps_all_values,
    items: {
        #[lh] async fn go() -> usize {
            let x = D::new("x1");
            pend(1, ()).await;
            let x = D::new("x2");
            let n = x.touch();
            pend(1, ()).await;
            let x = (n, D::new("x3"));
            pend(1, ()).await;
            x.0 + x.1.touch()
        }
    },
    run: go(),
}

differential! {
    /// A shadowed local still borrowed by a reference across an await.
    name: shadowed_local_borrowed_across_await,
    items: {
        #[lh] async fn go() -> usize {
            let x = D::new("first");
            let y = &x;
            let x = D::new("second");
            pend(1, ()).await;
            y.touch() + x.touch()
        }
    },
    run: go(),
}

differential! {
    /// Shadowing in an inner block with the same name as an outer local,
    /// both across awaits.
    name: shadowing_inner_block_same_name,
    items: {
        #[lh] async fn go() -> usize {
            let x = D::new("outer");
            let n = {
                let x = D::new("inner");
                pend(1, ()).await;
                x.touch()
            };
            pend(1, ()).await;
            n + x.touch()
        }
    },
    run: go(),
}

differential! {
    /// `let a = a;` rebinding a parameter moves it into a local, which
    /// drops before the remaining parameters.
    name: rebinding_parameter_changes_drop_order,
    items: {
        #[lh] async fn go(a: D, b: D) -> usize {
            let a = a;
            pend(1, ()).await;
            a.touch() + b.touch()
        }
    },
    run: go(D::new("a"), D::new("b")),
}

differential! {
    /// A shadowed parameter: `let d = (d, D::new(..))` moves the parameter
    /// into a tuple local.
    name: shadowed_parameter_into_tuple,
    items: {
        #[lh] async fn go(d: D, e: D) -> usize {
            pend(1, ()).await;
            let d = (d, D::new("extra"));
            pend(1, ()).await;
            d.0.touch() + d.1.touch() + e.touch()
        }
    },
    run: go(D::new("d"), D::new("e")),
}

differential! {
    /// Shadowing inside a loop body: the per-iteration shadow drops at the
    /// end of each iteration, after its await.
    name: shadowing_in_loop_body,
    items: {
        #[lh] async fn go(names: Vec<&'static str>) -> usize {
            let mut n = 0;
            for name in names {
                let name = D::new(name);
                pend(1, ()).await;
                let name = (name, D::new("shadow"));
                n += name.0.touch();
                pend(1, ()).await;
            }
            n
        }
    },
    run: go(vec!["a", "bb"]),
}

differential! {
    /// A deferred-init local (`let x;`) assigned on both branches, one
    /// after an await, used after another await.
    name: deferred_init_both_branches,
    items: {
        #[lh] async fn go(slow: bool) -> usize {
            let _g = D::new("g");
            let x;
            if slow {
                pend(1, ()).await;
                x = D::new("slow");
            } else {
                x = D::new("fast");
            }
            pend(1, ()).await;
            x.touch()
        }
    },
    run: async { (go(true).await, go(false).await) },
}

differential! {
    /// A labeled block breaking with a value after awaits, its guard
    /// dropped at the break.
    name: labeled_block_break_value_with_guard,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            let r = 'done: {
                let _g = Defer("block");
                let a = pend(1, k).await;
                if a > 2 { break 'done a * 10; }
                let _h = Defer("after-check");
                pend(1, ()).await;
                a
            };
            pend(1, r).await
        }
    },
    run: async { (go(1).await, go(5).await) },
}

differential! {
    /// `let _ = D::new(..)` drops at once, `let _g = ..` at the end, and
    /// `let _ = pend(..).await` drops the awaited value at once.
    name: underscore_patterns_drop_timing,
    items: {
        #[lh] async fn go() {
            let _ = D::new("now");
            let _g = D::new("later");
            let _ = pend(1, D::new("awaited")).await;
            _ = pend(1, D::new("assigned")).await;
            log("end");
            pend(1, ()).await;
        }
    },
    run: go(),
}

differential! {
    /// A guard struct borrowing a `RefCell` local (`Drop` writes through
    /// it) held across awaits in a nested scope.
    name: guard_borrowing_local_refcell_writes_on_drop,
    items: {
        struct Rec<'a>(&'a RefCell<Vec<&'static str>>, &'static str);
        impl Drop for Rec<'_> { fn drop(&mut self) { self.0.borrow_mut().push(self.1); log(format!("rec {}", self.1)); } }
        #[lh] async fn go() -> Vec<&'static str> {
            let journal = RefCell::new(vec![]);
            {
                let _a = Rec(&journal, "a");
                pend(1, ()).await;
                let _b = Rec(&journal, "b");
                pend(1, ()).await;
            }
            let _c = Rec(&journal, "c");
            pend(1, ()).await;
            let out = journal.borrow().clone();
            out
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 6. Panics in the middle
// ---------------------------------------------------------------------------

differential! {
    /// Arithmetic overflow on an awaited `u8` after two awaits, with guards
    /// and a stored value live.
    name: panic_overflow_after_awaits,
    items: {
        #[lh] async fn go(a: u8) -> u8 {
            let _g = Defer("g");
            let d = D::new("d");
            let x = pend(1, a).await;
            pend(1, ()).await;
            let y = x + 100;
            d.touch();
            y
        }
    },
    run: async { (go(10).await, go(200).await) },
}

differential! {
    /// Index out of bounds after awaits inside a loop, with a per-iteration
    /// guard.
    name: panic_index_out_of_bounds_in_loop,
    items: {
        #[lh] async fn go(v: Vec<u32>, idx: Vec<usize>) -> u32 {
            let mut t = 0;
            for i in idx {
                let _it = D::new("it");
                pend(1, ()).await;
                t += v[i];
            }
            t
        }
    },
    run: go(vec![1, 2], vec![0, 1, 5]),
}

differential! {
    /// `unwrap` on `None` from an awaited lookup, with a `Vec<D>` local and
    /// an `Rc` live.
    name: panic_unwrap_none_after_await,
    items: {
        #[lh] async fn find(k: u32) -> Option<D> { pend(1, (k < 2).then(|| D::new("found"))).await }
        #[lh] async fn go() -> usize {
            let held = vec![D::new("h1"), D::new("h2")];
            let rc = Rc::new(D::new("rc"));
            let a = find(1).await.unwrap();
            let b = find(5).await.unwrap();
            held.len() + a.touch() + b.touch() + rc.touch()
        }
    },
    run: go(),
}

differential! {
    /// An explicit `panic!` in a nested scope with a guard, after awaits:
    /// the guards unwind inner first.
    name: panic_explicit_in_guarded_scope,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            let _outer = Defer("outer");
            let n = pend(1, k).await;
            {
                let _inner = Defer("inner");
                let _d = D::new("d");
                pend(1, ()).await;
                if n > 1 { panic!("too big: {n}"); }
            }
            n
        }
    },
    run: async { (go(1).await, go(2).await) },
}

differential! {
    /// A panic inside an awaitee's `poll` (`Boom`): the awaitee and the
    /// live locals drop during unwinding.
    name: panic_inside_awaitee_poll,
    items: {
        #[lh] async fn go() -> u32 {
            let _g = Defer("g");
            let d = D::new("d");
            let a = pend(1, 1).await;
            let b = boom(2, "awaitee exploded").await;
            d.touch();
            a + b
        }
    },
    run: go(),
}

differential! {
    /// A panic inside a nested `#[lh]` call's awaitee: both futures'
    /// locals unwind, inner first.
    name: panic_in_nested_lowered_call,
    items: {
        #[lh] async fn inner(d: D) -> u32 {
            let _i = Defer("inner");
            pend(1, ()).await;
            boom(1, "inner boom").await + d.touch() as u32
        }
        #[lh] async fn outer() -> u32 {
            let _o = Defer("outer");
            let x = pend(1, 1).await;
            x + inner(D::new("arg")).await
        }
    },
    run: outer(),
}

differential! {
    /// Division by zero computed from awaited values in the middle of an
    /// expression with earlier operands evaluated.
    name: panic_division_by_zero_mid_expression,
    items: {
        #[lh] async fn go(z: u32) -> u32 {
            let d = D::new("d");
            val("a", 1) + 10 / pend(1, z).await + val("c", d.touch() as u32)
        }
    },
    run: async { (go(2).await, go(0).await) },
}

differential! {
    /// A `RefCell` borrow held across a panic: it is released during
    /// unwinding (the cell is usable afterwards by the caller).
    name: panic_with_refcell_borrow_held,
    items: {
        #[lh] async fn go(c: Rc<RefCell<Vec<u32>>>) -> usize {
            let mut w = c.borrow_mut();
            w.push(pend(1, 1).await);
            let i = pend(1, 9).await;
            w[i] as usize
        }
    },
    run: go(Rc::new(RefCell::new(vec![]))),
}

differential! {
    /// A panic in a `for` loop over `v.drain(..)`: the `Drain` and the items
    /// left drop during unwinding, then `v`.
    name: panic_in_drain_loop,
    items: {
        #[lh] async fn go() -> usize {
            let mut v = vec![D::new("a"), D::new("b"), D::new("c")];
            let mut n = 0;
            for d in v.drain(..) {
                pend(1, ()).await;
                if d.0 == "b" { panic!("bad item {}", d.0); }
                n += d.touch();
            }
            n
        }
    },
    run: go(),
}

differential! {
    /// A panic while a `match` arm holds the moved payload of a nested enum
    /// and a `Box<dyn Trait>` local.
    name: panic_in_match_arm_with_payload_and_box_dyn,
    items: {
        trait T { fn v(&self) -> u32; }
        struct I(D);
        impl T for I { fn v(&self) -> u32 { self.0.touch() as u32 } }
        enum M { A(D), B(Option<D>) }
        #[lh] async fn go(m: M) -> u32 {
            let b: Box<dyn T> = Box::new(I(D::new("boxed")));
            match m {
                M::A(d) => { pend(1, ()).await; b.v() + d.touch() as u32 }
                M::B(o) => { pend(1, ()).await; o.unwrap().touch() as u32 + b.v() }
            }
        }
    },
    run: async { (go(M::A(D::new("a"))).await, go(M::B(None)).await) },
}

differential! {
    /// `checked_sub` + `expect` with a message built from awaited values.
    name: panic_expect_with_message_after_awaits,
    items: {
        #[lh] async fn go(a: u32, b: u32) -> u32 {
            let _g = D::new("g");
            let x = pend(1, a).await;
            let y = pend(1, b).await;
            x.checked_sub(y).expect("underflow")
        }
    },
    run: async { (go(5, 2).await, go(1, 2).await) },
}

differential! {
    /// A slice index range out of bounds after a shrinking `split_off`.
    name: panic_slice_range_after_split_off,
    items: {
        #[lh] async fn go(at: usize) -> u32 {
            let mut v = vec![1, 2, 3, 4];
            let tail = v.split_off(at);
            pend(1, ()).await;
            let s = &v[1..3];
            pend(1, ()).await;
            s.iter().sum::<u32>() + tail.len() as u32
        }
    },
    run: async { (go(3).await, go(1).await) },
}

// ---------------------------------------------------------------------------
// 7. Iterator adapters and closures between awaits
// ---------------------------------------------------------------------------

differential! {
    /// `iter().map(..).collect()` between awaits, the closure capturing an
    /// awaited value and a local.
    name: iter_map_collect_between_awaits,
    items: {
        #[lh] async fn go(xs: Vec<u32>) -> Vec<String> {
            let k = pend(1, 3).await;
            let prefix = String::from("n");
            let ys: Vec<String> = xs.iter().map(|x| format!("{prefix}{}", x * k)).collect();
            pend(1, ()).await;
            let zs = ys.iter().filter(|s| s.len() > 2).cloned().collect::<Vec<_>>();
            pend(1, ()).await;
            zs
        }
    },
    run: go(vec![1, 5, 40]),
}

differential! {
    /// A closure capturing a local by reference, defined before an await
    /// and called after it.
    name: closure_by_ref_called_after_await,
    items: {
        #[lh] async fn go(base: u32) -> u32 {
            let d = D::new("d");
            let add = |x: u32| x + base + d.touch() as u32;
            let a = pend(1, 1).await;
            let b = add(a);
            pend(1, ()).await;
            b + add(0)
        }
    },
    run: go(10),
}

differential! {
    /// A `move` closure owning a `D`, called before and after awaits, then
    /// dropped at the end of the scope.
    name: move_closure_owning_d_across_awaits,
    items: {
        #[lh] async fn go() -> usize {
            let d = D::new("owned");
            let _g = D::new("g");
            let f = move || d.touch();
            let a = f();
            pend(1, ()).await;
            a + f()
        }
    },
    run: go(),
}

differential! {
    /// An `FnMut` closure mutably borrowing a `Vec` across awaits, then the
    /// `Vec` read directly after the closure's last use.
    name: fnmut_closure_borrowing_vec_across_awaits,
    items: {
        #[lh] async fn go() -> Vec<u32> {
            let mut v = vec![];
            let mut push = |x: u32| v.push(x * 2);
            push(pend(1, 1).await);
            push(pend(1, 2).await);
            pend(1, ()).await;
            v.push(0);
            v
        }
    },
    run: go(),
}

differential! {
    /// `for x in &mut vec` with an await inside writing through `x`.
    name: for_over_mut_vec_with_awaits,
    items: {
        #[lh] async fn go(mut v: Vec<u32>) -> Vec<u32> {
            for x in &mut v {
                *x += pend(1, *x).await;
            }
            for (i, x) in v.iter_mut().enumerate() {
                if i % 2 == 0 { pend(1, ()).await; *x = 0; }
            }
            v
        }
    },
    run: go(vec![1, 2, 3]),
}

differential! {
    /// `for d in &mut ds` over `D`s, replacing some elements after an await
    /// (the old values drop at the assignment).
    name: for_over_mut_vec_of_d_replacing,
    items: {
        #[lh] async fn go() -> Vec<&'static str> {
            let mut ds = vec![D::new("a"), D::new("b"), D::new("c")];
            for d in &mut ds {
                if pend(1, d.0 != "b").await { *d = D::new("new"); }
            }
            pend(1, ()).await;
            ds.iter().map(|d| d.0).collect()
        }
    },
    run: go(),
}

differential! {
    /// An iterator chain held across awaits (`zip`, `skip`, `peekable`).
    name: iterator_chain_held_across_awaits,
    items: {
        #[lh] async fn go(a: Vec<u32>, b: Vec<&'static str>) -> Vec<String> {
            let mut it = a.iter().zip(b.iter()).skip(1).peekable();
            let mut out = vec![];
            while let Some((x, s)) = it.next() {
                let more = it.peek().is_some();
                out.push(format!("{s}{}{}", pend(1, x).await, if more { "," } else { "." }));
            }
            out
        }
    },
    run: go(vec![1, 2, 3, 4], vec!["a", "b", "c"]),
}

differential! {
    /// `fold` and `sum` over awaited data with closures capturing awaited
    /// values; `for_each` with a captured counter.
    name: fold_sum_for_each_with_captures,
    items: {
        #[lh] async fn go() -> (u32, u32, u32) {
            let data = pend(1, vec![1u32, 2, 3]).await;
            let w = pend(1, 2).await;
            let folded = data.iter().fold(0, |acc, x| acc + x * w);
            let mut count = 0;
            data.iter().for_each(|x| if *x > 1 { count += 1 });
            pend(1, ()).await;
            let s: u32 = data.iter().map(|x| x + count).sum();
            (folded, count, s)
        }
    },
    run: go(),
}

differential! {
    /// Closures called with awaited arguments, the closure itself built
    /// from an awaited value.
    name: closure_called_with_awaited_args,
    items: {
        #[lh] async fn go() -> u32 {
            let k = pend(1, 3).await;
            let f = move |a: u32, b: u32| a * k + b;
            f(pend(1, 2).await, pend(1, 1).await) + f(val("x", 1), pend(1, 0).await)
        }
    },
    run: go(),
}

differential! {
    /// `into_iter().filter_map(..).collect()` consuming `D`s: the rejected
    /// ones drop inside the adapter, between awaits.
    name: into_iter_filter_map_drops_rejects,
    items: {
        #[lh] async fn go() -> Vec<usize> {
            let ds = vec![D::new("a"), D::new("bb"), D::new("ccc")];
            pend(1, ()).await;
            let kept: Vec<D> = ds.into_iter().filter_map(|d| (d.0.len() != 2).then_some(d)).collect();
            pend(1, ()).await;
            kept.iter().map(|d| d.touch()).collect()
        }
    },
    run: go(),
}

differential! {
    /// `chunks` and `windows` iterators borrowing a local across awaits.
    name: chunks_and_windows_across_awaits,
    items: {
        #[lh] async fn go(data: Vec<u32>) -> (Vec<u32>, Vec<u32>) {
            let mut sums = vec![];
            for c in data.chunks(2) { sums.push(pend(1, c.iter().sum()).await); }
            let mut diffs = vec![];
            for w in data.windows(2) { pend(1, ()).await; diffs.push(w[1] - w[0]); }
            (sums, diffs)
        }
    },
    run: go(vec![1, 3, 6, 10, 15]),
}

differential! {
    /// A `Vec` of boxed closures built with captured locals, called in a
    /// loop with awaits between.
    name: vec_of_boxed_closures_called_across_awaits,
    items: {
        #[lh] async fn go() -> Vec<u32> {
            let base = pend(1, 10).await;
            let fs: Vec<Box<dyn Fn(u32) -> u32>> = vec![Box::new(move |x| x + base), Box::new(|x| x * 2)];
            let mut out = vec![];
            for f in &fs {
                let x = pend(1, 3).await;
                out.push(f(x));
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `position`, `find`, `any` and `max_by_key` on borrowed data between
    /// awaits, results used after.
    name: search_adapters_between_awaits,
    items: {
        #[lh] async fn go(v: Vec<D>) -> (Option<usize>, Option<&'static str>, bool) {
            let pos = v.iter().position(|d| d.0 == "b");
            pend(1, ()).await;
            let longest = v.iter().max_by_key(|d| d.0.len()).map(|d| d.0);
            pend(1, ()).await;
            let any = v.iter().any(|d| d.0.is_empty());
            (pos, longest, any)
        }
    },
    run: go(vec![D::new("a"), D::new("b"), D::new("ccc")]),
}

differential! {
    /// A closure returning an `async` block, awaited in a loop, capturing a
    /// shared `Rc<Cell>` counter.
    name: closure_returning_async_block_rc_cell,
    items: {
        #[lh] async fn go() -> u32 {
            let hits = Rc::new(Cell::new(0));
            let mk = |x: u32| { let h = hits.clone(); async move { h.set(h.get() + 1); pend(1, x * 2).await } };
            let mut t = 0;
            for i in 0..3 { t += mk(i).await; }
            t + hits.get()
        }
    },
    run: go(),
}

differential! {
    /// `sort_by_key` and `dedup` between awaits on a `Vec<D>`: `dedup` drops
    /// the duplicates.
    name: sort_and_dedup_drop_duplicates,
    items: {
        #[lh] async fn go() -> Vec<&'static str> {
            let mut v = vec![D::new("b"), D::new("a"), D::new("b"), D::new("c")];
            v.sort_by_key(|d| d.0);
            pend(1, ()).await;
            v.dedup_by_key(|d| d.0);
            pend(1, ()).await;
            v.iter().map(|d| d.0).collect()
        }
    },
    run: go(),
}

differential! {
    /// A closure capturing a `&mut` counter passed to a helper generic over
    /// `FnMut`, between awaits.
    name: fnmut_passed_to_generic_helper,
    items: {
        fn apply<F: FnMut(u32)>(xs: &[u32], mut f: F) { for x in xs { f(*x) } }
        #[lh] async fn go() -> u32 {
            let mut total = 0;
            let xs = pend(1, vec![1, 2, 3]).await;
            apply(&xs, |x| total += x);
            pend(1, ()).await;
            apply(&xs, |x| total *= x.max(1));
            total
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 8. Findings (s8-N) and their working neighbours
// ---------------------------------------------------------------------------

differential! {
    /// The smallest shape of s8-1: `c.0.into_iter()` after the await that
    /// `r = &c` is kept across.
    name: move_field_of_pinned_local_as_consuming_receiver,
    items: {
        #[lh] async fn go() -> usize {
            let c = (vec![D::new("a")], D::new("b"));
            let r = &c;
            pend(1, ()).await;
            r.1.touch();
            c.0.into_iter().count()
        }
    },
    run: go(),
}

differential! {
    /// s8-1 on a parameter: `Option::as_mut` borrowed across awaits, then
    /// the field consumed by `map`.
    name: option_as_mut_then_field_consumed_by_map,
    items: {
        struct Conn { buf: Option<Vec<D>> }
        #[lh] async fn go(mut c: Conn) -> usize {
            if let Some(b) = c.buf.as_mut() {
                b.push(pend(1, D::new("pushed")).await);
                pend(1, ()).await;
            }
            c.buf.map(|b| b.len()).unwrap_or(0)
        }
    },
    run: go(Conn { buf: Some(vec![D::new("old")]) }),
}

differential! {
    /// The working neighbour of s8-1: the field of a pinned local moved out
    /// by `let a = c.0;`.
    name: move_field_of_pinned_local_by_let,
    items: {
        #[lh] async fn go() -> usize {
            let c = (D::new("a"), D::new("b"));
            let r = &c;
            pend(1, ()).await;
            r.1.touch();
            let a = c.0;
            a.touch()
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-1 on a parameter: `let a = c.0;` then a
    /// consuming method on `a`.
    name: move_field_of_pinned_param_by_let,
    items: {
        #[lh] async fn go(c: (Option<D>, u32)) -> usize {
            let r = &c;
            pend(1, ()).await;
            log(format!("{}", r.1));
            let a = c.0;
            a.map(|d| d.touch()).unwrap_or(0)
        }
    },
    run: go((Some(D::new("c")), 1)),
}

differential! {
    /// The working neighbour of s8-1: the field of a pinned local passed by
    /// value to a function.
    name: move_field_of_pinned_local_as_call_argument,
    items: {
        fn eat(v: Vec<D>) -> usize { v.len() }
        #[lh] async fn go() -> usize {
            let c = (vec![D::new("a")], D::new("b"));
            let r = &c;
            pend(1, ()).await;
            r.1.touch();
            eat(c.0)
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-1: `for d in c.0` over the field of a
    /// pinned local.
    name: move_field_of_pinned_local_in_for,
    items: {
        #[lh] async fn go() -> usize {
            let c = (vec![D::new("a"), D::new("aa")], D::new("b"));
            let r = &c;
            pend(1, ()).await;
            r.1.touch();
            let mut n = 0;
            for d in c.0 { n += d.touch(); }
            n
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-1: the whole pinned local as the
    /// receiver of a consuming method (`c.map(..)`), and moved by `let`.
    name: move_whole_pinned_local_as_consuming_receiver,
    items: {
        #[lh] async fn go() -> usize {
            let c = Some(D::new("a"));
            let r = &c;
            pend(1, ()).await;
            r.as_ref().map(|d| d.touch());
            let e = (D::new("e1"), D::new("e2"));
            let s = &e;
            pend(1, ()).await;
            s.1.touch();
            let e2 = e;
            c.map(|d| d.touch()).unwrap_or(0) + e2.0.touch()
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-1: the field of a local that is not
    /// pinned, as a consuming receiver after an await.
    name: move_field_of_unpinned_local_as_consuming_receiver,
    items: {
        #[lh] async fn go() -> usize {
            let c = (Some(D::new("a")), D::new("b"));
            pend(1, ()).await;
            c.1.touch();
            c.0.map(|d| d.touch()).unwrap_or(0)
        }
    },
    run: go(),
}

differential! {
    /// The neighbour of s8-2 that agrees: two elements destructured after
    /// the await, nothing moved later; both drop the whole array in index
    /// order when cancelled at the suspension.
    name: array_destructured_after_await_cancel_order,
    items: {
        #[lh] async fn go() -> usize {
            let arr = [D::new("a0"), D::new("a1")];
            pend(1, ()).await;
            let [a, b] = arr;
            a.touch() + b.touch()
        }
    },
    run: go(),
}

known_gap! {
    reason: "s8-2 (runs differently): an array of values with destructors destructured whole after an await (`let [a, b, c] = arr;`) whose elements are then moved on separately (`drop(b)`) across more awaits, cancelled at the suspension before the destructure: rustc drops the still-whole array element by element in REVERSE order there (native `[\"drop pend\", \"drop a2\", \"drop a1\", \"drop a0\"]`), longhand drops it as one value, in index order (lowered `[\"drop pend\", \"drop a0\", \"drop a1\", \"drop a2\"]`); the later suspension points agree, and so does the two-element shape without later moves (`array_destructured_after_await_cancel_order`). rustc's drop elaboration for an array with per-element move paths, which only types and rustc's MIR could predict",
    differential! {
        /// An array of `D` destructured whole (every element moved), the
        /// bindings dropped in reverse declaration order after awaits.
        name: array_of_d_destructured_whole,
        items: {
            #[lh] async fn go() -> usize {
                let arr = [D::new("a0"), D::new("a1"), D::new("a2")];
                pend(1, ()).await;
                let [a, b, c] = arr;
                pend(1, ()).await;
                drop(b);
                pend(1, ()).await;
                a.touch() + c.touch()
            }
        },
        run: go(),
    }
}

differential! {
    /// The working neighbour of s8-2: a tuple destructured whole after an
    /// await drops in field order at the suspension in both.
    name: tuple_destructured_after_await_cancel_order,
    items: {
        #[lh] async fn go() -> usize {
            let t = (D::new("t0"), D::new("t1"));
            pend(1, ()).await;
            let (a, b) = t;
            a.touch() + b.touch()
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-2: an array never moved out of drops in
    /// index order in both.
    name: array_not_destructured_cancel_order,
    items: {
        #[lh] async fn go() -> usize {
            let arr = [D::new("a0"), D::new("a1")];
            pend(1, ()).await;
            arr[0].touch() + arr[1].touch()
        }
    },
    run: go(),
}

differential! {
    /// The smallest shape of s8-3.
    name: ref_from_either_of_two_params_across_await,
    items: {
        #[lh] async fn go(a: &D, b: &D, first: bool) -> usize {
            let cur = if first { a } else { b };
            pend(1, ()).await;
            cur.touch()
        }
    },
    run: async { let a = D::new("a"); let b = D::new("b"); (go(&a, &b, true).await, go(&a, &b, false).await) },
}

known_gap! {
    reason: "s8-3 (fails to compile, E0700): a method without `pub` choosing between a field of `&self` and a `&str` argument (`let cur: &str = if first { &self.name } else { alt };`) and keeping it across an await: the lifetime of a value from either is their intersection, which only an extra lifetime parameter names, and a method without a visibility may implement a trait, which cannot take one (E0195); a `pub`, `pub(crate)` or `pub(self)` method gets it (`header_or_default_from_self_pub`).",
    differential! {
        /// s8-3 in a method: `&self` and `&str`.
        name: ref_from_self_or_arg_across_await,
        items: {
            struct S { name: String }
            impl S {
                #[lh] async fn go(&self, alt: &str, first: bool) -> usize {
                    let cur: &str = if first { &self.name } else { alt };
                    pend(1, ()).await;
                    cur.len()
                }
            }
        },
        run: async { let s = S { name: "abc".into() }; (s.go("x", true).await, s.go("x", false).await) },
    }
}

differential! {
    /// s8-3 with a `Vec<&D>` built from two parameters.
    name: vec_of_refs_from_two_params_across_await,
    items: {
        #[lh] async fn go(a: &D, b: &D) -> usize {
            let v = vec![a, b];
            pend(1, ()).await;
            v.iter().map(|d| d.touch()).sum()
        }
    },
    run: async { let a = D::new("a"); let b = D::new("b"); go(&a, &b).await },
}

differential! {
    /// s8-3 in a generic function.
    name: ref_from_either_of_two_generic_params_across_await,
    items: {
        #[lh] async fn go<T: std::fmt::Debug>(a: &T, b: &T, first: bool) -> String {
            let cur = if first { a } else { b };
            pend(1, ()).await;
            format!("{cur:?}")
        }
    },
    run: async { let a = D::new("a"); let b = D::new("b"); (go(&a, &b, true).await, go(&a, &b, false).await) },
}

differential! {
    /// The working neighbour of s8-3: two references kept apart (a tuple of
    /// `&'a D` and `&'b D`) across an await.
    name: refs_from_two_params_kept_apart_across_await,
    items: {
        #[lh] async fn go(a: &D, b: &D, first: bool) -> usize {
            let pair = (a, b);
            pend(1, ()).await;
            if first { pair.0.touch() } else { pair.1.touch() }
        }
    },
    run: async { let a = D::new("a"); let b = D::new("b"); (go(&a, &b, true).await, go(&a, &b, false).await) },
}

differential! {
    /// The working neighbour of s8-3: both references from one parameter
    /// (`&[D]`), chosen and kept across an await.
    name: ref_chosen_within_one_param_across_await,
    items: {
        #[lh] async fn go(v: &[D], first: bool) -> usize {
            let cur = if first { &v[0] } else { &v[1] };
            pend(1, ()).await;
            cur.touch()
        }
    },
    run: async { let v = vec![D::new("a"), D::new("b")]; (go(&v, true).await, go(&v, false).await) },
}

differential! {
    /// The smallest shape of s8-4.
    name: reassigned_after_await_loses_coercion,
    items: {
        enum Outer { A(u32), B(Box<Outer>) }
        #[lh] async fn go(m: &Outer) -> u32 {
            let mut cur = m;
            if let Outer::B(b) = cur { pend(1, ()).await; cur = b; }
            match cur { Outer::A(k) => *k, _ => 0 }
        }
    },
    run: async { go(&Outer::B(Box::new(Outer::A(3)))).await },
}

differential! {
    /// Walking nested boxed enums by reference, the cursor reassigned
    /// after an await in the arm.
    name: walk_boxed_enum_cursor_reassigned_after_await,
    items: {
        enum Inner { X(D), Y(u32) }
        enum Outer { A(Inner), B(Box<Outer>) }
        #[lh] async fn depth(m: &Outer) -> usize {
            let mut cur = m;
            let mut n = 0;
            loop {
                match cur {
                    Outer::A(Inner::X(d)) => { pend(1, ()).await; return n + d.touch(); }
                    Outer::A(Inner::Y(k)) => return n + pend(1, *k as usize).await,
                    Outer::B(b) => { n += 1; pend(1, ()).await; cur = b; }
                }
            }
        }
    },
    run: async { depth(&Outer::B(Box::new(Outer::A(Inner::X(D::new("leaf")))))).await },
}

differential! {
    /// s8-4 with a string literal reassigned to `&String`.
    name: str_cursor_reassigned_after_await_matched,
    items: {
        #[lh] async fn go(s: String) -> u32 {
            let mut cur = "lit";
            log(cur);
            pend(1, ()).await;
            cur = &s;
            match cur { "hello" => 1, _ => 0 }
        }
    },
    run: go("hello".to_string()),
}

differential! {
    /// The working neighbour of s8-4: the same reassignment read only
    /// through methods (autoderef hides the type).
    name: str_cursor_reassigned_after_await_method_only,
    items: {
        #[lh] async fn go(s: String) -> usize {
            let mut cur = "lit";
            let mut n = 0;
            for _ in 0..2 { n += cur.len(); pend(1, ()).await; cur = &s; }
            n
        }
    },
    run: go("hello".to_string()),
}

differential! {
    /// The working neighbour of s8-4: the cursor written `&**b` (no
    /// coercion needed).
    name: walk_boxed_enum_cursor_explicit_deref,
    items: {
        enum Outer { A(u32), B(Box<Outer>) }
        #[lh] async fn go(m: &Outer) -> u32 {
            let mut cur = m;
            loop {
                match cur {
                    Outer::A(k) => return *k,
                    Outer::B(b) => { pend(1, ()).await; cur = &**b; }
                }
            }
        }
    },
    run: async { go(&Outer::B(Box::new(Outer::B(Box::new(Outer::A(3)))))).await },
}

// ---------------------------------------------------------------------------
// 9. More shapes around the findings
// ---------------------------------------------------------------------------

differential! {
    /// The working neighbour of s8-4: a suffixed integer literal's local
    /// reassigned after an await keeps its type (`u8`).
    name: numeric_suffix_local_reassigned_after_await,
    items: {
        #[lh] async fn go() -> String {
            let mut n = 0u8;
            log(format!("start {n}"));
            pend(1, ()).await;
            n = 200;
            format!("{} {}", std::mem::size_of_val(&n), n)
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-4: a suffixed float literal's local
    /// reassigned after an await keeps its type (`f32`).
    name: float_suffix_local_reassigned_after_await,
    items: {
        #[lh] async fn go() -> String {
            let mut x = 1.0f32;
            log(format!("start {x}"));
            pend(1, ()).await;
            x = 0.1;
            format!("{}", x * 3.0)
        }
    },
    run: go(),
}

differential! {
    /// The working neighbour of s8-4: the cursor annotated `&Outer` keeps
    /// its type after the await, so `cur = b` coerces.
    name: annotated_cursor_reassigned_after_await,
    items: {
        enum Outer { A(u32), B(Box<Outer>) }
        #[lh] async fn go(m: &Outer) -> u32 {
            let mut cur: &Outer = m;
            if let Outer::B(b) = cur { pend(1, ()).await; cur = b; }
            match cur { Outer::A(k) => *k, _ => 0 }
        }
    },
    run: async { go(&Outer::B(Box::new(Outer::A(3)))).await },
}

known_gap! {
    reason: "s8-3 (fails to compile, E0700): the realistic shape, a request header falling back to a field of `&self` (`req.header(\"lang\").unwrap_or(&self.default_lang)`) kept across an await in a handler taking `&self` and `&Req`, in a method without `pub` (see `ref_from_self_or_arg_across_await`; the `pub(self)` form, `header_or_default_from_self_pub`, works)",
    differential! {
        /// s8-3 in a handler: a header or a default from `&self`.
        name: header_or_default_from_self,
        items: {
            struct Req { headers: Vec<(String, String)> }
            impl Req { fn header(&self, k: &str) -> Option<&String> { self.headers.iter().find(|(n, _)| n == k).map(|(_, v)| v) } }
            struct Svc { default_lang: String }
            impl Svc {
                #[lh] async fn handle(&self, req: &Req) -> String {
                    let lang = req.header("lang").unwrap_or(&self.default_lang);
                    pend(1, ()).await;
                    format!("hello in {lang}")
                }
            }
        },
        run: async {
            let s = Svc { default_lang: "en".into() };
            let r1 = Req { headers: vec![("lang".into(), "fr".into())] };
            let r2 = Req { headers: vec![] };
            (s.handle(&r1).await, s.handle(&r2).await)
        },
    }
}

differential! {
    /// s8-3's handler as a method with a visibility (`pub(self)`, private
    /// like no visibility, but never a trait's method): it gets the borrow
    /// lifetime, and the header or the default is kept across the await.
    name: header_or_default_from_self_pub,
    items: {
        struct Req { headers: Vec<(String, String)> }
        impl Req { fn header(&self, k: &str) -> Option<&String> { self.headers.iter().find(|(n, _)| n == k).map(|(_, v)| v) } }
        struct Svc { default_lang: String }
        impl Svc {
            #[lh] pub(self) async fn handle(&self, req: &Req) -> String {
                let lang = req.header("lang").unwrap_or(&self.default_lang);
                pend(1, ()).await;
                format!("hello in {lang}")
            }
            #[lh] pub async fn pick(&self, alt: &str, first: bool) -> usize {
                let cur: &str = if first { &self.default_lang } else { alt };
                pend(1, ()).await;
                cur.len()
            }
        }
    },
    run: async {
        let s = Svc { default_lang: "en".into() };
        let r1 = Req { headers: vec![("lang".into(), "fr".into())] };
        let r2 = Req { headers: vec![] };
        (s.handle(&r1).await, s.handle(&r2).await, s.pick("xyz", true).await, s.pick("xyz", false).await)
    },
}

differential! {
    /// s8-3 with a one-lifetime context struct from two parameters.
    name: context_struct_from_two_params,
    items: {
        struct Ctx<'x> { user: &'x str, path: &'x str }
        #[lh] async fn go(user: &str, path: &str) -> String {
            let ctx = Ctx { user, path };
            pend(1, ()).await;
            format!("{}@{}", ctx.user, ctx.path)
        }
    },
    run: go("bob", "/x"),
}

differential! {
    /// An `impl Iterator<Item = &'a u32>` argument beside a `&D` parameter,
    /// iterated across awaits.
    name: impl_iterator_of_refs_and_ref_param,
    items: {
        #[lh] async fn go<'a>(d: &D, it: impl Iterator<Item = &'a u32>) -> u32 {
            let mut t = 0;
            for x in it { t += pend(1, *x).await; }
            t + d.touch() as u32
        }
    },
    run: async { let v = vec![1, 2]; let d = D::new("d"); go(&d, v.iter()).await },
}

differential! {
    /// The working neighbour of s8-1: `c.0?` on a field of a pinned local.
    name: try_on_field_of_pinned_local,
    items: {
        #[lh] async fn go(k: u32) -> Option<usize> {
            let c = ((k > 0).then(|| D::new("a")), D::new("b"));
            let r = &c;
            pend(1, ()).await;
            r.1.touch();
            let d = c.0?;
            Some(d.touch())
        }
    },
    run: async { (go(0).await, go(1).await) },
}

differential! {
    /// The working neighbour of s8-1: `if let Some(d) = c.0` moving a field
    /// of a pinned local.
    name: if_let_moves_field_of_pinned_local,
    items: {
        #[lh] async fn go(k: u32) -> usize {
            let c = ((k > 0).then(|| D::new("a")), D::new("b"));
            let r = &c;
            pend(1, ()).await;
            r.1.touch();
            if let Some(d) = c.0 { d.touch() } else { 0 }
        }
    },
    run: async { (go(0).await, go(1).await) },
}

differential! {
    /// s8-1 with `job.payload.unwrap()` on a pinned parameter.
    name: unwrap_field_of_pinned_param,
    items: {
        struct Job { payload: Option<D>, id: u32 }
        #[lh] async fn go(job: Job) -> usize {
            let id = &job.id;
            pend(1, ()).await;
            log(format!("job {id}"));
            job.payload.unwrap().touch()
        }
    },
    run: go(Job { payload: Some(D::new("p")), id: 7 }),
}

differential! {
    /// A conditional `drop` before an await: the drop flag decides at the
    /// suspension and at the end.
    name: conditional_drop_flag_across_await,
    items: {
        #[lh] async fn go(k: u32) -> u32 {
            let g = D::new("g");
            let h = D::new("h");
            if k > 0 { drop(g); }
            pend(1, ()).await;
            if k > 1 { drop(h); }
            pend(1, ()).await;
            log("end");
            k
        }
    },
    run: async { (go(0).await, go(1).await, go(2).await) },
}

differential! {
    /// A conditional move into a `Vec` before an await.
    name: conditional_move_into_vec_across_await,
    items: {
        #[lh] async fn go(k: u32) -> usize {
            let mut v = vec![];
            let g = D::new("g");
            if k > 0 { v.push(g); }
            pend(1, ()).await;
            v.len()
        }
    },
    run: async { (go(0).await, go(1).await) },
}

differential! {
    /// The working neighbour of s8-3: a reference to a local or to a
    /// parameter, kept across an await.
    name: ref_from_local_or_param_across_await,
    items: {
        #[lh] async fn go(p: &D, k: bool) -> usize {
            let l = D::new("l");
            let cur = if k { &l } else { p };
            pend(1, ()).await;
            cur.touch()
        }
    },
    run: async { let p = D::new("p"); (go(&p, true).await, go(&p, false).await) },
}

differential! {
    /// The working neighbour of s8-3: a `&'static str` literal or a
    /// parameter (their intersection is the parameter's lifetime).
    name: ref_from_static_or_param_across_await,
    items: {
        #[lh] async fn go(p: &str, k: bool) -> usize {
            let cur = if k { "default" } else { p };
            pend(1, ()).await;
            cur.len()
        }
    },
    run: async { (go("param", true).await, go("param", false).await) },
}

differential! {
    /// s8-3 through a `longest`-style helper
    name: longest_of_two_params_across_await,
    items: {
        fn longest<'a>(a: &'a str, b: &'a str) -> &'a str { if a.len() >= b.len() { a } else { b } }
        #[lh] async fn go(a: &str, b: &str) -> String {
            let l = longest(a, b);
            pend(1, ()).await;
            l.to_uppercase()
        }
    },
    run: go("ab", "abc"),
}

differential! {
    /// An `async` block capturing two reference parameters, awaited after
    /// another await.
    name: async_block_capturing_two_params,
    items: {
        #[lh] async fn go(a: &D, b: &D) -> usize {
            let fut = async { pend(1, ()).await; a.touch() + b.touch() };
            pend(1, ()).await;
            fut.await
        }
    },
    run: async { let a = D::new("a"); let b = D::new("b"); go(&a, &b).await },
}

// ---------------------------------------------------------------------------
// 10. A last handful
// ---------------------------------------------------------------------------

differential! {
    /// A linked list of boxed nodes consumed with `Option::take` in a
    /// `while let`, an await per node: the rest of the list drops on
    /// cancellation.
    name: linked_list_take_walk_across_awaits,
    items: {
        struct Node { d: D, next: Option<Box<Node>> }
        #[lh] async fn go(head: Option<Box<Node>>) -> Vec<&'static str> {
            let mut cur = head;
            let mut out = vec![];
            while let Some(mut node) = cur.take() {
                cur = node.next.take();
                pend(1, ()).await;
                out.push(node.d.0);
            }
            out
        }
    },
    run: go(Some(Box::new(Node { d: D::new("n1"), next: Some(Box::new(Node { d: D::new("n2"), next: Some(Box::new(Node { d: D::new("n3"), next: None })) })) }))),
}

differential! {
    /// `Option::insert` and `get_or_insert` returning `&mut` used across
    /// awaits; the replaced value drops at the `insert`.
    name: option_insert_and_get_or_insert,
    items: {
        #[lh] async fn go() -> usize {
            let mut slot = Some(D::new("old"));
            let r = slot.insert(D::new("new"));
            let n = pend(1, r.touch()).await;
            r.0 = "renamed";
            let mut other: Option<D> = None;
            let o = other.get_or_insert(D::new("ins"));
            pend(1, ()).await;
            n + o.touch() + slot.map(|d| d.touch()).unwrap_or(0)
        }
    },
    run: go(),
}

differential! {
    /// `retain_mut` and `extend(drain(..))` between awaits on `Vec<D>`s.
    name: retain_mut_and_extend_drain,
    items: {
        #[lh] async fn go() -> (Vec<&'static str>, usize) {
            let mut a = vec![D::new("a1"), D::new("a2"), D::new("a3")];
            let mut b = vec![D::new("b1")];
            pend(1, ()).await;
            a.retain_mut(|d| { if d.0 == "a1" { d.0 = "a1*"; } d.0 != "a2" });
            pend(1, ()).await;
            b.extend(a.drain(..1));
            pend(1, ()).await;
            (b.iter().map(|d| d.0).collect(), a.len())
        }
    },
    run: go(),
}

differential! {
    /// A generic function over a trait with an associated type and a
    /// where-clause on it, draining a source with `&mut S` across awaits.
    name: generic_drain_source_associated_type,
    items: {
        trait Source { type Item; fn pull(&mut self) -> Option<Self::Item>; }
        struct Names(Vec<D>);
        impl Source for Names { type Item = D; fn pull(&mut self) -> Option<D> { self.0.pop() } }
        #[lh] async fn drain_all<S>(s: &mut S, limit: usize) -> Vec<S::Item>
        where
            S: Source,
            S::Item: std::fmt::Debug,
        {
            let mut out = Vec::new();
            while out.len() < limit {
                let Some(x) = s.pull() else { break };
                pend(1, ()).await;
                out.push(x);
            }
            out
        }
    },
    run: async {
        let mut n = Names(vec![D::new("x"), D::new("y"), D::new("z")]);
        let got = drain_all(&mut n, 2).await;
        (got, n.0.len())
    },
}

differential! {
    /// `match v.as_mut_slice()` with `[a, .., b]` swapping through the
    /// `&mut` bindings after an await.
    name: slice_pattern_mut_ends_swap_after_await,
    items: {
        #[lh] async fn go(mut v: Vec<u32>) -> Vec<u32> {
            match v.as_mut_slice() {
                [a, .., b] => { pend(1, ()).await; std::mem::swap(a, b); }
                [one] => *one += pend(1, 10).await,
                [] => {}
            }
            v
        }
    },
    run: async { (go(vec![1, 2, 3]).await, go(vec![5]).await, go(vec![]).await) },
}

differential! {
    /// A closure capturing a parameter by reference, handed to a generic
    /// helper by `&F` before and after awaits.
    name: closure_by_ref_to_generic_helper_across_awaits,
    items: {
        fn call_twice<F: Fn(u32) -> u32>(f: &F, x: u32) -> u32 { f(f(x)) }
        #[lh] async fn go(base: &D, k: u32) -> u32 {
            let f = |x: u32| x + base.touch() as u32 + k;
            let a = call_twice(&f, pend(1, 1).await);
            pend(1, ()).await;
            a + call_twice(&f, 0)
        }
    },
    run: async { let d = D::new("b"); go(&d, 2).await },
}
