//! Stress round 16: service code in domains earlier rounds did not use
//! (connection pools with checkout guards, two-phase commit, sagas with
//! compensations, recursive resolvers through `Box::pin`, HTTP/1 parsing
//! over chunked reads, pub/sub fan-out, leader election, CRDT merges,
//! bloom filters, LRU loaders, actor mailboxes, graceful shutdown, sorted
//! merges, windowed aggregation), and the expression shapes they are made
//! of: retry wrappers generic over closures returning futures, trait
//! methods returning `impl Future`, `&mut self` methods awaiting other
//! methods, where-clauses, `let .. else` with awaits on both sides, `?`
//! with `From` mid-loop, labelled blocks broken with values after awaits,
//! guards that await, early `return` from nested loops with live
//! destructors, shadowing across awaits, panics after some polls,
//! temporaries in scrutinees, struct literals, method chains, `&&`/`||`,
//! indexing, closures over stored locals, and native `async` blocks.
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
    clippy::identity_op
)]

use crate::harness::*;
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;

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

/// A yes/no call that suspends once.
async fn allowed(who: &str, n: u32) -> bool {
    log(format!("allowed {who} {n}"));
    pend(1, ()).await;
    n % 3 != 0
}

// ---------------------------------------------------------------------------
// 1. Connection pool with checkout guards
// ---------------------------------------------------------------------------

differential! {
    /// A pool hands out connections wrapped in a guard that returns them
    /// on drop; the handler awaits a query while holding two guards and
    /// returns one early.
    name: pool_checkout_guards_across_awaits,
    items: {
        use std::cell::RefCell;
        use std::rc::Rc;
        pub struct Conn { pub id: u32, pub _d: D }
        pub struct Pool { pub free: Rc<RefCell<Vec<Conn>>> }
        pub struct Guard { pub conn: Option<Conn>, pub pool: Rc<RefCell<Vec<Conn>>> }
        impl Drop for Guard {
            fn drop(&mut self) {
                if let Some(c) = self.conn.take() {
                    log(format!("return {}", c.id));
                    self.pool.borrow_mut().push(c);
                }
            }
        }
        impl Guard {
            pub async fn query(&self, q: &str) -> u32 {
                let id = self.conn.as_ref().unwrap().id;
                log(format!("query {id} {q}"));
                pend(1, id * 10 + q.len() as u32).await
            }
        }
        impl Pool {
            pub async fn checkout(&self) -> Option<Guard> {
                pend(1, ()).await;
                let c = self.free.borrow_mut().pop()?;
                log(format!("checkout {}", c.id));
                Some(Guard { conn: Some(c), pool: self.free.clone() })
            }
        }
        #[lh] async fn handle(pool: Pool) -> u32 {
            let a = pool.checkout().await.unwrap();
            let x = a.query("sel").await;
            let b = match pool.checkout().await {
                Some(b) => b,
                None => return x,
            };
            drop(a);
            let y = b.query("upd").await;
            let c = pool.checkout().await;
            x + y + c.map_or(0, |g| g.conn.as_ref().unwrap().id)
        }
        pub fn mk() -> Pool {
            Pool { free: Rc::new(RefCell::new(vec![
                Conn { id: 1, _d: D::new("c1") },
                Conn { id: 2, _d: D::new("c2") },
            ])) }
        }
    },
    run: handle(mk()),
}

differential! {
    /// Minimal pool shape: a guard taken from an awaited `Option`, then
    /// used by an `&self` async method.
    name: pool_guard_from_awaited_option,
    items: {
        pub struct G(pub D);
        impl G {
            pub async fn run(&self, n: u32) -> u32 { pend(1, n + self.0.touch() as u32).await }
        }
        #[lh] async fn f(n: u32) -> u32 {
            let g = pend(1, Some(G(D::new("g")))).await.unwrap();
            let a = g.run(n).await;
            let b = g.run(a).await;
            b
        }
    },
    run: f(1),
}

// ---------------------------------------------------------------------------
// 2. Two-phase commit
// ---------------------------------------------------------------------------

differential! {
    /// A coordinator: prepare every participant, abort all on the first
    /// `No`, otherwise commit all; votes collected into a `Vec`.
    name: two_phase_commit_coordinator,
    items: {
        #[derive(Debug, PartialEq, Clone, Copy)]
        pub enum Vote { Yes, No }
        pub struct Part { pub name: &'static str, pub ok: bool, pub _d: D }
        impl Part {
            pub async fn prepare(&mut self, tx: u32) -> Vote {
                log(format!("prepare {} {tx}", self.name));
                pend(1, ()).await;
                if self.ok { Vote::Yes } else { Vote::No }
            }
            pub async fn finish(&mut self, commit: bool) {
                log(format!("{} {}", if commit { "commit" } else { "abort" }, self.name));
                pend(1, ()).await;
            }
        }
        #[lh] async fn coordinate(mut parts: Vec<Part>, tx: u32) -> (bool, Vec<Vote>) {
            let mut votes = Vec::new();
            for p in parts.iter_mut() {
                let v = p.prepare(tx).await;
                votes.push(v);
                if v == Vote::No {
                    break;
                }
            }
            let commit = votes.len() == parts.len() && votes.iter().all(|v| *v == Vote::Yes);
            for p in parts.iter_mut().rev() {
                p.finish(commit).await;
            }
            (commit, votes)
        }
        pub async fn go() -> ((bool, Vec<Vote>), (bool, Vec<Vote>)) {
            let a = coordinate(vec![
                Part { name: "a", ok: true, _d: D::new("pa") },
                Part { name: "b", ok: true, _d: D::new("pb") },
            ], 1).await;
            let b = coordinate(vec![
                Part { name: "c", ok: true, _d: D::new("pc") },
                Part { name: "d", ok: false, _d: D::new("pd") },
                Part { name: "e", ok: true, _d: D::new("pe") },
            ], 2).await;
            (a, b)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 3. Saga with compensations run in reverse
// ---------------------------------------------------------------------------

differential! {
    /// A saga: each step returns a compensation (a boxed closure); on a
    /// failure the compensations done so far run in reverse, each awaited.
    name: saga_compensations_in_reverse,
    items: {
        pub type Comp = Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = ()>>>>;
        pub async fn step(name: &'static str, fail: bool) -> Result<Comp, String> {
            log(format!("do {name}"));
            pend(1, ()).await;
            if fail {
                return Err(format!("{name} failed"));
            }
            Ok(Box::new(move || Box::pin(async move {
                log(format!("undo {name}"));
                pend(1, ()).await;
            })))
        }
        #[lh] async fn saga(fail_at: usize) -> Result<usize, String> {
            let names = ["reserve", "charge", "ship"];
            let mut done: Vec<Comp> = Vec::new();
            let _trace = D::new("trace");
            for (i, n) in names.iter().enumerate() {
                match step(n, i == fail_at).await {
                    Ok(c) => done.push(c),
                    Err(e) => {
                        while let Some(c) = done.pop() {
                            c().await;
                        }
                        return Err(e);
                    }
                }
            }
            Ok(done.len())
        }
        pub async fn go() -> (Result<usize, String>, Result<usize, String>) {
            (saga(9).await, saga(2).await)
        }
    },
    run: go(),
}

differential! {
    /// Minimal saga shape: `while let Some(c) = v.pop() { c().await; }`
    /// over boxed closures returning boxed futures.
    name: pop_and_await_boxed_closure_futures,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let mut v: Vec<Box<dyn FnOnce() -> Pin<Box<dyn Future<Output = u32>>>>> = Vec::new();
            for i in 0..n {
                v.push(Box::new(move || Box::pin(fetch(i))));
            }
            let mut s = 0;
            while let Some(c) = v.pop() {
                s += c().await;
            }
            s
        }
    },
    run: f(3),
}

// ---------------------------------------------------------------------------
// 4. Recursive resolver through Box::pin
// ---------------------------------------------------------------------------

differential! {
    /// A DNS-like resolver following CNAMEs by recursion through
    /// `Box::pin`, with a depth limit and a cache filled on the way out.
    name: resolver_recursion_through_box_pin,
    items: {
        pub enum Rec { A(u32), Cname(&'static str) }
        pub async fn query(name: &str) -> Option<Rec> {
            log(format!("query {name}"));
            pend(1, ()).await;
            match name {
                "www" => Some(Rec::Cname("web")),
                "web" => Some(Rec::Cname("lb")),
                "lb" => Some(Rec::A(7)),
                "loop" => Some(Rec::Cname("loop")),
                _ => None,
            }
        }
        #[lh] async fn resolve(name: &'static str, depth: u32, cache: &mut BTreeMap<&'static str, u32>) -> Result<u32, String> {
            if let Some(a) = cache.get(name) {
                return Ok(*a);
            }
            if depth > 4 {
                return Err(format!("too deep at {name}"));
            }
            let _span = D::new(name);
            let addr = match query(name).await {
                Some(Rec::A(a)) => a,
                Some(Rec::Cname(next)) => Box::pin(resolve(next, depth + 1, cache)).await?,
                None => return Err(format!("nx {name}")),
            };
            cache.insert(name, addr);
            Ok(addr)
        }
        pub async fn go() -> (Result<u32, String>, Result<u32, String>, Result<u32, String>, usize) {
            let mut cache = BTreeMap::new();
            let a = resolve("www", 0, &mut cache).await;
            let b = resolve("web", 0, &mut cache).await;
            let c = resolve("loop", 0, &mut cache).await;
            (a, b, c, cache.len())
        }
    },
    run: go(),
}

differential! {
    /// A recursive sum over a tree through `Box::pin` in a method on `&self`.
    name: recursive_tree_sum_box_pin_method,
    items: {
        pub struct Node { pub v: u32, pub kids: Vec<Node>, pub _d: D }
        impl Node {
            #[lh] pub async fn sum(&self) -> u32 {
                let mut s = pend(1, self.v).await;
                for k in &self.kids {
                    s += Box::pin(k.sum()).await;
                }
                s
            }
        }
        pub fn tree() -> Node {
            Node { v: 1, _d: D::new("root"), kids: vec![
                Node { v: 2, kids: vec![], _d: D::new("l") },
                Node { v: 3, _d: D::new("r"), kids: vec![Node { v: 4, kids: vec![], _d: D::new("rr") }] },
            ] }
        }
        pub async fn go() -> u32 { let t = tree(); t.sum().await }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 5. HTTP/1 request parser over chunked reads
// ---------------------------------------------------------------------------

differential! {
    /// Parses a request line and headers from chunks that arrive with
    /// awaits, then reads a `Content-Length` body.
    name: http1_parser_over_chunked_reads,
    items: {
        pub struct Conn { pub chunks: VecDeque<&'static str>, pub _d: D }
        impl Conn {
            pub async fn read(&mut self) -> Option<&'static str> {
                pend(1, ()).await;
                self.chunks.pop_front()
            }
        }
        #[derive(Debug)]
        pub struct Req { pub method: String, pub path: String, pub headers: BTreeMap<String, String>, pub body: String }
        #[lh] async fn parse(mut c: Conn) -> Result<Req, String> {
            let mut buf = String::new();
            let head_end = loop {
                if let Some(i) = buf.find("\r\n\r\n") {
                    break i;
                }
                let Some(chunk) = c.read().await else {
                    return Err("eof in head".to_string());
                };
                buf.push_str(chunk);
            };
            let head = buf[..head_end].to_string();
            let mut rest = buf[head_end + 4..].to_string();
            let mut lines = head.split("\r\n");
            let line = lines.next().ok_or("empty")?;
            let mut parts = line.split(' ');
            let method = parts.next().ok_or("no method")?.to_string();
            let path = parts.next().ok_or("no path")?.to_string();
            let mut headers = BTreeMap::new();
            for l in lines {
                let (k, v) = l.split_once(": ").ok_or_else(|| format!("bad header {l}"))?;
                headers.insert(k.to_ascii_lowercase(), v.to_string());
            }
            let len: usize = headers.get("content-length").map_or(Ok(0), |v| v.parse()).map_err(|e| format!("{e}"))?;
            while rest.len() < len {
                match c.read().await {
                    Some(chunk) => rest.push_str(chunk),
                    None => return Err(format!("short body {}", rest.len())),
                }
            }
            rest.truncate(len);
            Ok(Req { method, path, headers, body: rest })
        }
        pub async fn go() -> (Result<Req, String>, Result<Req, String>) {
            let a = parse(Conn { chunks: VecDeque::from(vec!["POST /x HT", "TP/1.1\r\nHost: a\r\nConte", "nt-Length: 5\r\n\r\nhe", "llo!!"]), _d: D::new("c1") }).await;
            let b = parse(Conn { chunks: VecDeque::from(vec!["GET / HTTP/1.1\r\nContent-Length: 9\r\n\r\nab"]), _d: D::new("c2") }).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// Minimal: `let Some(x) = c.read().await else { return .. };` inside
    /// a `loop` that `break`s with a value computed before the await.
    name: let_else_await_in_loop_break_value,
    items: {
        #[lh] async fn f(mut q: VecDeque<u32>) -> Result<u32, String> {
            let mut acc = 0;
            let at = loop {
                if acc > 5 {
                    break acc;
                }
                let Some(x) = pend(1, q.pop_front()).await else {
                    return Err(format!("eof at {acc}"));
                };
                acc += x;
            };
            Ok(at * 2)
        }
        pub async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (f(VecDeque::from(vec![2, 3, 4])).await, f(VecDeque::from(vec![1])).await)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 6. Pub/sub fan-out
// ---------------------------------------------------------------------------

differential! {
    /// A broker delivering each message to every subscriber whose topic
    /// matches, dropping subscribers that reject, with a `D` per message.
    name: pubsub_fan_out_drop_rejecting,
    items: {
        pub struct Sub { pub id: u32, pub topic: &'static str, pub cap: usize, pub got: Vec<String> }
        impl Sub {
            pub async fn deliver(&mut self, m: &str) -> bool {
                pend(1, ()).await;
                if self.got.len() >= self.cap {
                    log(format!("sub {} full", self.id));
                    return false;
                }
                self.got.push(m.to_string());
                true
            }
        }
        #[lh] async fn publish(subs: &mut Vec<Sub>, msgs: Vec<(&'static str, &'static str)>) -> usize {
            let mut sent = 0;
            for (topic, body) in msgs {
                let _m = D::new(body);
                let mut i = 0;
                while i < subs.len() {
                    if subs[i].topic == topic && !subs[i].deliver(body).await {
                        let gone = subs.remove(i);
                        log(format!("removed {}", gone.id));
                        continue;
                    }
                    sent += (subs[i].topic == topic) as usize;
                    i += 1;
                }
            }
            sent
        }
        pub async fn go() -> (usize, Vec<(u32, Vec<String>)>) {
            let mut subs = vec![
                Sub { id: 1, topic: "a", cap: 1, got: vec![] },
                Sub { id: 2, topic: "b", cap: 5, got: vec![] },
                Sub { id: 3, topic: "a", cap: 5, got: vec![] },
            ];
            let n = publish(&mut subs, vec![("a", "m1"), ("b", "m2"), ("a", "m3")]).await;
            (n, subs.into_iter().map(|s| (s.id, s.got)).collect())
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 7. Leader election with terms
// ---------------------------------------------------------------------------

differential! {
    /// A candidate increments its term, asks peers for votes (a peer with a
    /// higher term makes it step down), and wins on a majority.
    name: leader_election_with_terms,
    items: {
        #[derive(Debug, PartialEq)]
        pub enum Outcome { Leader(u64), Follower(u64), Split(u64) }
        pub struct Node { pub term: u64, pub peers: Vec<(u64, bool)>, pub _d: D }
        impl Node {
            pub async fn request_vote(&self, peer: usize) -> (u64, bool) {
                let (t, grant) = self.peers[peer];
                log(format!("ask {peer}"));
                pend(1, (t, grant && t <= self.term)).await
            }
            #[lh] pub async fn elect(&mut self) -> Outcome {
                self.term += 1;
                let mut votes = 1;
                for i in 0..self.peers.len() {
                    let (t, granted) = self.request_vote(i).await;
                    if t > self.term {
                        self.term = t;
                        return Outcome::Follower(self.term);
                    }
                    if granted {
                        votes += 1;
                    }
                    if votes * 2 > self.peers.len() + 1 {
                        return Outcome::Leader(self.term);
                    }
                }
                Outcome::Split(self.term)
            }
        }
        pub async fn go() -> Vec<Outcome> {
            let mut a = Node { term: 3, peers: vec![(3, true), (2, true), (1, false)], _d: D::new("a") };
            let mut b = Node { term: 3, peers: vec![(2, false), (9, false)], _d: D::new("b") };
            let mut c = Node { term: 1, peers: vec![(1, false), (1, false)], _d: D::new("c") };
            vec![a.elect().await, b.elect().await, c.elect().await]
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 8. CRDT merge
// ---------------------------------------------------------------------------

differential! {
    /// A grow-only counter and an LWW register merged from replicas that
    /// answer after an await; the merge is a fold over the replies.
    name: crdt_gcounter_lww_merge,
    items: {
        #[derive(Debug, Clone, Default)]
        pub struct State { pub counts: BTreeMap<&'static str, u64>, pub reg: (u64, &'static str) }
        impl State {
            pub fn merge(mut self, o: &State) -> State {
                for (k, v) in &o.counts {
                    let e = self.counts.entry(k).or_insert(0);
                    *e = (*e).max(*v);
                }
                if o.reg.0 > self.reg.0 { self.reg = o.reg; }
                self
            }
        }
        pub async fn pull(r: &'static str, n: u64) -> State {
            log(format!("pull {r}"));
            pend(1, ()).await;
            let mut counts = BTreeMap::new();
            counts.insert(r, n);
            counts.insert("shared", n / 2);
            State { counts, reg: (n, r) }
        }
        #[lh] async fn sync(replicas: Vec<(&'static str, u64)>) -> (u64, &'static str) {
            let _g = D::new("sync");
            let mut acc = State::default();
            for (r, n) in replicas {
                acc = acc.merge(&pull(r, n).await);
            }
            (acc.counts.values().sum(), acc.reg.1)
        }
    },
    run: sync(vec![("x", 4), ("y", 10), ("z", 7)]),
}

// ---------------------------------------------------------------------------
// 9. Bloom filter check then fetch
// ---------------------------------------------------------------------------

differential! {
    /// A bloom check (sync) short-circuits with `&&` before the async
    /// fetch; false positives fall through to a miss.
    name: bloom_check_then_fetch_short_circuit,
    items: {
        pub struct Bloom(pub u64);
        impl Bloom {
            pub fn may_have(&self, k: u32) -> bool { self.0 & (1 << (k % 64)) != 0 }
        }
        pub async fn get(k: u32) -> Option<u32> {
            log(format!("get {k}"));
            pend(1, (k % 2 == 0).then_some(k * 100)).await
        }
        #[lh] async fn lookup_all(b: Bloom, keys: Vec<u32>) -> Vec<(u32, Option<u32>)> {
            let mut out = vec![];
            for k in keys {
                let hit = if b.may_have(k) && let Some(v) = get(k).await { Some(v + 1) } else { None };
                out.push((k, hit));
            }
            out
        }
    },
    run: lookup_all(Bloom(0b1110), vec![1, 2, 3, 4]),
}

differential! {
    /// `a && b.await || c.await` with logging operands.
    name: and_or_chain_with_awaits,
    items: {
        #[lh] async fn f(a: bool, b: u32) -> bool {
            val("a", a) && allowed("b", b).await || allowed("c", b + 1).await
        }
        pub async fn go() -> Vec<bool> {
            vec![f(true, 1).await, f(true, 3).await, f(false, 2).await, f(false, 5).await]
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 10. LRU with async loader
// ---------------------------------------------------------------------------

differential! {
    /// An LRU of capacity 2 (a `VecDeque` of keys plus a `BTreeMap`)
    /// filled by an async loader; evicted values are `D`s dropped in
    /// order.
    name: lru_with_async_loader,
    items: {
        pub struct Lru { pub cap: usize, pub order: VecDeque<u32>, pub map: BTreeMap<u32, (u32, D)> }
        pub async fn load(k: u32) -> (u32, D) {
            log(format!("load {k}"));
            pend(1, ()).await;
            (k * 3, D::new(["v0", "v1", "v2", "v3"][k as usize]))
        }
        impl Lru {
            #[lh] pub async fn get(&mut self, k: u32) -> u32 {
                if let Some((v, _)) = self.map.get(&k) {
                    let v = *v;
                    self.order.retain(|x| *x != k);
                    self.order.push_back(k);
                    return v;
                }
                let entry = load(k).await;
                let v = entry.0;
                if self.order.len() == self.cap {
                    let old = self.order.pop_front().unwrap();
                    let evicted = self.map.remove(&old);
                    log(format!("evict {old}"));
                    drop(evicted);
                }
                self.map.insert(k, entry);
                self.order.push_back(k);
                v
            }
        }
        pub async fn go() -> Vec<u32> {
            let mut l = Lru { cap: 2, order: VecDeque::new(), map: BTreeMap::new() };
            let mut out = vec![];
            for k in [1, 2, 1, 3, 2] {
                out.push(l.get(k).await);
            }
            out
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 11. Actor mailbox
// ---------------------------------------------------------------------------

differential! {
    /// An actor loop: `match` on message enums carrying `D`s, one arm
    /// awaiting with the payload alive, one replying, one stopping.
    name: actor_mailbox_match_on_messages,
    items: {
        pub enum Msg { Put(u32, D), Get(u32), Flush(Vec<D>), Stop(D) }
        #[lh] async fn actor(mut inbox: VecDeque<Msg>) -> (u32, Vec<u32>) {
            let mut store = BTreeMap::new();
            let mut replies = vec![];
            while let Some(m) = inbox.pop_front() {
                match m {
                    Msg::Put(k, d) => {
                        let v = fetch(k).await;
                        d.touch();
                        store.insert(k, v);
                    }
                    Msg::Get(k) => replies.push(store.get(&k).copied().unwrap_or(0)),
                    Msg::Flush(ds) => {
                        for d in ds {
                            pend(1, ()).await;
                            d.touch();
                        }
                    }
                    Msg::Stop(reason) => {
                        log(format!("stop {}", reason.0));
                        break;
                    }
                }
            }
            (store.values().sum(), replies)
        }
    },
    run: actor(VecDeque::from(vec![
        Msg::Put(1, D::new("p1")),
        Msg::Get(1),
        Msg::Flush(vec![D::new("f1"), D::new("f2")]),
        Msg::Stop(D::new("bye")),
        Msg::Put(2, D::new("never")),
    ])),
}

// ---------------------------------------------------------------------------
// 12. Graceful shutdown draining a queue
// ---------------------------------------------------------------------------

differential! {
    /// On shutdown, the worker stops accepting and drains what is queued
    /// with a budget; what is left is dropped in order with the worker.
    name: graceful_shutdown_drains_with_budget,
    items: {
        pub struct Worker { pub queue: VecDeque<D>, pub shutting: bool }
        impl Worker {
            pub async fn process(&mut self, job: D) -> usize {
                let n = job.touch();
                pend(1, ()).await;
                n
            }
            #[lh] pub async fn shutdown(&mut self, budget: usize) -> usize {
                self.shutting = true;
                let mut done = 0;
                while done < budget {
                    let Some(job) = self.queue.pop_front() else { break };
                    done += self.process(job).await;
                }
                log(format!("left {}", self.queue.len()));
                done
            }
        }
        pub async fn go() -> usize {
            let mut w = Worker { queue: VecDeque::from(vec![D::new("j1"), D::new("job2"), D::new("j3"), D::new("j4")]), shutting: false };
            w.shutdown(4).await
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 13. Merge of two sorted async sources
// ---------------------------------------------------------------------------

differential! {
    /// Merge two sorted sources, each yielding its next item after an
    /// await, keeping one head of each.
    name: merge_two_sorted_async_sources,
    items: {
        pub struct Src { pub items: VecDeque<u32>, pub name: &'static str }
        impl Src {
            pub async fn next(&mut self) -> Option<u32> {
                log(format!("next {}", self.name));
                pend(1, ()).await;
                self.items.pop_front()
            }
        }
        #[lh] async fn merge(mut a: Src, mut b: Src) -> Vec<u32> {
            let mut out = vec![];
            let mut ha = a.next().await;
            let mut hb = b.next().await;
            loop {
                match (ha, hb) {
                    (Some(x), Some(y)) if x <= y => { out.push(x); ha = a.next().await; }
                    (Some(_), Some(y)) => { out.push(y); hb = b.next().await; }
                    (Some(x), None) => { out.push(x); ha = a.next().await; }
                    (None, Some(y)) => { out.push(y); hb = b.next().await; }
                    (None, None) => break,
                }
            }
            out
        }
    },
    run: merge(Src { items: VecDeque::from(vec![1, 4, 6]), name: "a" }, Src { items: VecDeque::from(vec![2, 3, 7, 8]), name: "b" }),
}

// ---------------------------------------------------------------------------
// 14. Windowed aggregation
// ---------------------------------------------------------------------------

differential! {
    /// Tumbling windows of 3 samples: each sample awaited, the window
    /// closed with an awaited flush whose argument borrows the window.
    name: windowed_aggregation_tumbling,
    items: {
        pub async fn flush(w: &[u32], tag: &D) -> u32 {
            log(format!("flush {} {:?}", tag.0, w));
            pend(1, w.iter().sum()).await
        }
        #[lh] async fn agg(samples: Vec<u32>) -> Vec<u32> {
            let tag = D::new("win");
            let mut window = Vec::with_capacity(3);
            let mut sums = vec![];
            for s in samples {
                window.push(pend(1, s).await);
                if window.len() == 3 {
                    sums.push(flush(&window, &tag).await);
                    window.clear();
                }
            }
            if !window.is_empty() {
                sums.push(flush(&window, &tag).await);
            }
            sums
        }
    },
    run: agg(vec![1, 2, 3, 4, 5, 6, 7]),
}

// ---------------------------------------------------------------------------
// 15. Retry wrappers generic over closures returning futures
// ---------------------------------------------------------------------------

differential! {
    /// A retry wrapper generic over `F: FnMut(u32) -> Fut`, with a
    /// where-clause, an attempt guard alive across each attempt.
    name: retry_generic_over_closure_future,
    items: {
        #[lh] async fn retry<F, Fut, T, E>(mut op: F, max: u32) -> Result<T, Vec<E>>
        where
            F: FnMut(u32) -> Fut,
            Fut: Future<Output = Result<T, E>>,
            E: std::fmt::Debug,
        {
            let mut errs = Vec::new();
            for attempt in 0..max {
                let _g = D::new("attempt");
                match op(attempt).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        log(format!("attempt {attempt} failed: {e:?}"));
                        errs.push(e);
                    }
                }
                pend(attempt, ()).await;
            }
            Err(errs)
        }
        pub async fn go() -> (Result<u32, Vec<String>>, Result<u32, Vec<String>>) {
            let a = retry(|n| check(n + 1), 4).await;
            let b = retry(|n| check(2 * n + 1), 2).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// The closure captures a counter by `&mut` from the caller, and the
    /// wrapper is lowered with a closure parameter taken by reference.
    name: retry_with_closure_by_mut_ref,
    items: {
        #[lh] async fn retry<F, Fut>(op: &mut F, max: u32) -> Option<u32>
        where
            F: FnMut() -> Fut,
            Fut: Future<Output = Option<u32>>,
        {
            let mut left = max;
            while left > 0 {
                left -= 1;
                if let Some(v) = op().await {
                    return Some(v + left);
                }
            }
            None
        }
        pub async fn go() -> (Option<u32>, u32) {
            let mut tries = 0;
            let mut op = || { tries += 1; let t = tries; async move { pend(1, (t >= 3).then_some(t * 10)).await } };
            let r = retry(&mut op, 5).await;
            (r, tries)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 16. Trait methods returning `impl Future`, `&mut self` awaiting `self.other()`
// ---------------------------------------------------------------------------

differential! {
    /// A trait whose method returns `impl Future`, implemented with an
    /// `async` block; the lowered function is generic over the trait.
    name: trait_method_returning_impl_future,
    items: {
        pub trait Store {
            fn get(&self, k: u32) -> impl Future<Output = Option<u32>>;
        }
        pub struct Mem(pub Vec<u32>, pub D);
        impl Store for Mem {
            fn get(&self, k: u32) -> impl Future<Output = Option<u32>> {
                let v = self.0.get(k as usize).copied();
                async move { pend(1, v).await }
            }
        }
        #[lh] async fn sum_keys<S: Store>(s: &S, keys: &[u32]) -> u32 {
            let mut t = 0;
            for k in keys {
                t += s.get(*k).await.unwrap_or(100);
            }
            t
        }
        pub async fn go() -> u32 {
            let m = Mem(vec![1, 2, 3], D::new("mem"));
            sum_keys(&m, &[0, 2, 9]).await
        }
    },
    run: go(),
}

differential! {
    /// A `&mut self` method awaiting other `&mut self` and `&self`
    /// methods in sequence and in one expression.
    name: mut_self_awaits_self_other,
    items: {
        pub struct Svc { pub hits: u32, pub name: D }
        impl Svc {
            pub async fn bump(&mut self) -> u32 { pend(1, ()).await; self.hits += 1; self.hits }
            pub async fn peek(&self) -> u32 { pend(1, self.hits * 10).await }
            #[lh] pub async fn run(&mut self) -> u32 {
                let a = self.bump().await;
                let b = self.peek().await + self.bump().await;
                if self.peek().await > 15 {
                    self.name.touch();
                    return a + b;
                }
                a + b + self.bump().await
            }
        }
        pub async fn go() -> (u32, u32) {
            let mut s = Svc { hits: 0, name: D::new("svc") };
            let r = s.run().await;
            (r, s.hits)
        }
    },
    run: go(),
}

differential! {
    /// An async fn in a trait, implemented with `#[lh]` on the impl's
    /// method, called through a generic with a where-clause.
    name: lh_on_trait_impl_async_fn,
    items: {
        pub trait Handler {
            async fn handle(&mut self, req: u32) -> u32;
        }
        pub struct Echo { pub seen: Vec<u32>, pub _d: D }
        impl Handler for Echo {
            #[lh] async fn handle(&mut self, req: u32) -> u32 {
                let v = fetch(req).await;
                self.seen.push(v);
                v + self.seen.len() as u32
            }
        }
        pub async fn drive<H>(h: &mut H, reqs: Vec<u32>) -> u32 where H: Handler {
            let mut s = 0;
            for r in reqs { s += h.handle(r).await; }
            s
        }
        pub async fn go() -> u32 {
            let mut e = Echo { seen: vec![], _d: D::new("echo") };
            drive(&mut e, vec![1, 2]).await
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 17. `let .. else` with awaits on both sides
// ---------------------------------------------------------------------------

differential! {
    /// The scrutinee awaits and the `else` awaits (a log flush) before
    /// returning, with a `D` alive in both.
    name: let_else_await_both_sides,
    items: {
        #[lh] async fn f(k: &'static str) -> u32 {
            let guard = D::new("guard");
            let Some(n) = pend(1, k.strip_prefix("id-")).await.and_then(|s| s.parse::<u32>().ok()) else {
                let note = D::new("note");
                pend(2, ()).await;
                note.touch();
                return 0;
            };
            guard.touch();
            fetch(n).await
        }
        pub async fn go() -> (u32, u32) { (f("id-4").await, f("x").await) }
    },
    run: go(),
}

differential! {
    /// `let (a, b) = .. else` on a tuple of awaited results, the `else`
    /// awaiting a fallback that panics? no: that `continue`s the loop.
    name: let_else_tuple_in_loop_else_awaits_continue,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Vec<u32> {
            let mut out = vec![];
            for x in xs {
                let d = D::new("iter");
                let (Ok(a), Ok(b)) = (check(x).await, check(x + 2).await) else {
                    pend(1, ()).await;
                    log(format!("skip {x}"));
                    continue;
                };
                out.push(a + b);
            }
            out
        }
    },
    run: f(vec![2, 3, 4]),
}

// ---------------------------------------------------------------------------
// 18. `?` with `From` conversions mid-loop
// ---------------------------------------------------------------------------

differential! {
    /// An error type with a destructor-carrying variant, `From<String>`,
    /// `?` inside a loop with a `D` alive.
    name: question_from_conversion_mid_loop,
    items: {
        #[derive(Debug)]
        pub enum AppErr { Io(String), Parse(std::num::ParseIntError) }
        impl From<String> for AppErr { fn from(s: String) -> Self { log("from string"); AppErr::Io(s) } }
        impl From<std::num::ParseIntError> for AppErr { fn from(e: std::num::ParseIntError) -> Self { log("from parse"); AppErr::Parse(e) } }
        pub async fn read(s: &'static str) -> Result<&'static str, String> {
            pend(1, ()).await;
            if s.is_empty() { Err("empty".into()) } else { Ok(s) }
        }
        #[lh] async fn total(items: Vec<&'static str>) -> Result<u32, AppErr> {
            let mut t = 0;
            for s in items {
                let _d = D::new(s);
                let raw = read(s).await?;
                let n: u32 = raw.trim().parse()?;
                t += check(n * 2).await?;
            }
            Ok(t)
        }
        pub async fn go() -> Vec<Result<u32, AppErr>> {
            vec![total(vec!["1", " 2"]).await, total(vec!["3", ""]).await, total(vec!["x"]).await]
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 19. Labelled blocks with `break 'b value` after awaits
// ---------------------------------------------------------------------------

differential! {
    /// A labelled block that breaks with an awaited value from inside a
    /// nested `if`, with `D`s declared before and after the break.
    name: labelled_block_break_awaited_value,
    items: {
        #[lh] async fn f(c: u32) -> u32 {
            let outer = D::new("outer");
            let v = 'b: {
                let a = D::new("a");
                if c == 0 {
                    break 'b fetch(1).await;
                }
                let b = D::new("b");
                let n = pend(1, c).await;
                if n > 2 {
                    a.touch();
                    break 'b n * fetch(n).await;
                }
                b.touch();
                n
            };
            outer.touch();
            v
        }
        pub async fn go() -> (u32, u32, u32) { (f(0).await, f(3).await, f(1).await) }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 20. Nested `match` with guards that await
// ---------------------------------------------------------------------------

differential! {
    /// An outer `match` on a request kind, an inner `match` whose guard
    /// awaits an authorisation with a borrowed name.
    name: nested_match_guard_awaits,
    items: {
        pub enum Req { Read(&'static str, u32), Write(&'static str, u32), Ping }
        #[lh] async fn route(r: Req) -> String {
            match r {
                Req::Read(who, n) | Req::Write(who, n) => match n {
                    0 => "zero".to_string(),
                    n if allowed(who, n).await => format!("ok {who} {}", fetch(n).await),
                    _ => format!("denied {who}"),
                },
                Req::Ping => "pong".to_string(),
            }
        }
        pub async fn go() -> Vec<String> {
            vec![route(Req::Read("ann", 2)).await, route(Req::Write("bob", 3)).await, route(Req::Ping).await, route(Req::Read("c", 0)).await]
        }
    },
    run: go(),
}

known_gap! {
    reason: "match_with_guards family (cases_control_flow.rs; fails to compile, E0507 cannot move out of a mutable reference): a `match` on a tuple parameter whose guard awaits on a `ref` binding (`(n, ref d) if ok(d).await`) next to arms that move `d` out: the borrow needs the parameter pinned, the moves need it not to be",
    differential! {
        /// A guard awaiting on a binding by reference to a `D` in the
        /// scrutinee tuple, other arms moving it.
        name: guard_awaits_on_ref_binding_then_move,
        items: {
            pub async fn ok(d: &D) -> bool { pend(1, ()).await; d.touch() > 1 }
            #[lh] async fn f(x: (u32, D)) -> usize {
                match x {
                    (0, d) => d.touch(),
                    (n, ref d) if ok(d).await => n as usize + d.touch(),
                    (_, d) => { pend(1, ()).await; drop(d); 7 }
                }
            }
            pub async fn go() -> (usize, usize, usize) {
                (f((0, D::new("a"))).await, f((1, D::new("bb"))).await, f((2, D::new("c"))).await)
            }
        },
        run: go(),
    }
}

// ---------------------------------------------------------------------------
// 21. Early `return` from inside nested loops with live destructors
// ---------------------------------------------------------------------------

differential! {
    /// A search over a grid: `return` from the inner loop with `D`s of
    /// both loops and of the function alive, after an await.
    name: early_return_from_nested_loops_live_drops,
    items: {
        #[lh] async fn find(grid: Vec<Vec<u32>>, target: u32) -> Option<(usize, usize)> {
            let _fn = D::new("fn");
            for (i, row) in grid.iter().enumerate() {
                let _row = D::new("row");
                for (j, cell) in row.iter().enumerate() {
                    let _cell = D::new("cell");
                    if fetch(*cell).await == target * 2 {
                        return Some((i, j));
                    }
                }
                pend(1, ()).await;
            }
            None
        }
        pub async fn go() -> (Option<(usize, usize)>, Option<(usize, usize)>) {
            (find(vec![vec![1, 2], vec![3, 4]], 3).await, find(vec![vec![1]], 9).await)
        }
    },
    run: go(),
}

differential! {
    /// `break 'outer` with a value from a `loop` inside a `loop`, a `D`
    /// per level.
    name: break_outer_loop_value_live_drops,
    items: {
        #[lh] async fn f(limit: u32) -> u32 {
            let mut i = 0;
            let r = 'outer: loop {
                let _o = D::new("o");
                i += 1;
                let mut j = 0;
                loop {
                    let _in = D::new("in");
                    j += pend(1, i).await;
                    if j > limit { break 'outer j; }
                    if j > 3 { break; }
                }
            };
            r + i
        }
    },
    run: f(5),
}

// ---------------------------------------------------------------------------
// 22. Shadowing across awaits
// ---------------------------------------------------------------------------

differential! {
    /// A name shadowed three times across awaits, the first two values
    /// having destructors that stay alive to the end of the scope.
    name: shadowing_across_awaits_keeps_earlier,
    items: {
        #[lh] async fn f() -> usize {
            let x = D::new("x1");
            pend(1, ()).await;
            let x = (x.touch(), D::new("x2"));
            pend(1, ()).await;
            let x = x.0 + x.1.touch();
            pend(1, ()).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// Shadowing inside a loop body, the shadowed value moved into an
    /// awaited call.
    name: shadowing_in_loop_moved_into_await,
    items: {
        pub async fn consume(d: D) -> usize { pend(1, ()).await; d.touch() }
        #[lh] async fn f(names: Vec<&'static str>) -> usize {
            let mut t = 0;
            for n in names {
                let n = D::new(n);
                let n = consume(n).await;
                let n = pend(1, n * 2).await;
                t += n;
            }
            t
        }
    },
    run: f(vec!["a", "bb"]),
}

// ---------------------------------------------------------------------------
// 23. Panics after some polls
// ---------------------------------------------------------------------------

differential! {
    /// An invariant check that panics in the third iteration, with `D`s
    /// of the loop and the function alive.
    name: panic_in_loop_after_polls,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let _a = D::new("a");
            let mut s = 0;
            for x in xs {
                let _it = D::new("it");
                s += fetch(x).await;
                assert!(s < 10, "sum overflow at {x}: {s}");
            }
            s
        }
    },
    run: f(vec![1, 2, 3, 4]),
}

differential! {
    /// A panic inside the scrutinee of a `match` after an await (an
    /// `unwrap` on `None`), with a temporary `D` in the same statement.
    name: panic_unwrap_in_scrutinee_after_await,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            let _g = D::new("g");
            match pend(1, (k > 0).then_some(k)).await.unwrap() {
                1 => D::new("one").touch(),
                n => n as usize,
            }
        }
        pub async fn go() -> (usize, usize) { (f(1).await, f(0).await) }
    },
    run: go(),
}

differential! {
    /// A panic inside an awaited callee (a lowered one), unwinding through
    /// the caller's live locals.
    name: panic_in_lowered_callee,
    items: {
        #[lh] async fn inner(n: u32) -> u32 {
            let _i = D::new("inner");
            pend(1, ()).await;
            if n == 2 { panic!("inner {n}"); }
            n
        }
        #[lh] async fn outer() -> u32 {
            let _o = D::new("outer");
            let a = inner(1).await;
            let _p = D::new("p");
            a + inner(2).await
        }
    },
    run: outer(),
}

// ---------------------------------------------------------------------------
// 24. Moved locals as earlier operands of an awaiting expression
// ---------------------------------------------------------------------------

differential! {
    /// `take2(d, fetch(1).await)` with a later local alive: rustc moves
    /// `d` into an operand temporary before suspending.
    name: moved_local_operand_before_await_call,
    items: {
        pub fn take2(d: D, n: u32) -> usize { d.touch() + n as usize }
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let e = D::new("e");
            let n = take2(d, fetch(1).await);
            e.touch();
            n
        }
    },
    run: f(),
}

differential! {
    /// A struct literal whose first field moves a local and whose second
    /// field awaits, a later local alive.
    name: moved_local_in_struct_literal_before_await,
    items: {
        pub struct Job { pub tag: D, pub n: u32 }
        #[lh] async fn f() -> u32 {
            let tag = D::new("tag");
            let later = D::new("later");
            let job = Job { tag, n: fetch(2).await };
            later.touch();
            job.n
        }
    },
    run: f(),
}

differential! {
    /// A tuple whose first element moves a parameter, the second awaiting.
    name: moved_param_in_tuple_before_await,
    items: {
        #[lh] async fn f(p: D, q: D) -> usize {
            let pair = (p, fetch(3).await);
            q.touch();
            pair.0.touch() + pair.1 as usize
        }
    },
    run: f(D::new("p"), D::new("q")),
}

differential! {
    /// `vec![a, b.await]` with `a` a moved local.
    name: moved_local_in_vec_macro_before_await,
    items: {
        #[lh] async fn f() -> usize {
            let a = D::new("a");
            let z = D::new("z");
            let v = vec![a, pend(1, D::new("b")).await];
            z.touch();
            v.len()
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 25. Method names that say "by value" on borrowing methods of std
// ---------------------------------------------------------------------------

differential! {
    /// `[String]::join(&self, ..)` on a local, the local used after an
    /// await (a log line built from parts, parts counted afterwards).
    name: slice_join_borrows_then_used_after_await,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> (String, usize) {
            let mut parts = vec![];
            for x in xs {
                parts.push(format!("{}", fetch(x).await));
            }
            let line = parts.join(",");
            pend(1, ()).await;
            (line, parts.len())
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// `Path::join(&self, ..)`: a base directory joined with names that
    /// arrive with awaits, the base used again afterwards.
    name: path_join_borrows_base_across_awaits,
    items: {
        use std::path::PathBuf;
        pub async fn name(i: u32) -> String { pend(1, format!("f{i}")).await }
        #[lh] async fn f() -> Vec<String> {
            let base = PathBuf::from("/srv/data");
            let mut out = vec![];
            for i in 0..2 {
                let p = base.join(name(i).await);
                out.push(p.display().to_string());
            }
            let cfg = base.join("cfg");
            pend(1, ()).await;
            out.push(format!("{} {}", cfg.display(), base.display()));
            out
        }
    },
    run: f(),
}

differential! {
    /// `Hasher::finish(&self)`: a checksum taken mid-stream, the hasher
    /// fed again after an await.
    name: hasher_finish_borrows_then_write_after_await,
    items: {
        use std::hash::Hasher;
        pub struct Fnv(pub u64);
        impl Hasher for Fnv {
            fn finish(&self) -> u64 { self.0 }
            fn write(&mut self, bytes: &[u8]) {
                for b in bytes { self.0 = (self.0 ^ *b as u64).wrapping_mul(0x100000001b3); }
            }
        }
        #[lh] async fn f(chunks: Vec<&'static [u8]>) -> (u64, u64) {
            let mut h = Fnv(0xcbf29ce484222325);
            h.write(pend(1, chunks[0]).await);
            let mid = h.finish();
            for c in &chunks[1..] {
                h.write(pend(1, *c).await);
            }
            (mid, h.finish())
        }
    },
    run: f(vec![b"ab", b"cd", b"e"]),
}

differential! {
    /// `Ord::max` on a `Copy` local, the local read after an await.
    name: copy_local_max_then_used_after_await,
    items: {
        #[lh] async fn f(a: u32) -> u32 {
            let lo = a.min(3);
            let hi = a.max(10);
            pend(1, ()).await;
            a + lo + hi
        }
    },
    run: f(5),
}

differential! {
    /// A `&self` builder `build` (as derive_builder writes it): the
    /// builder is reused after an await.
    name: ref_self_build_then_reuse_after_await,
    items: {
        pub struct B { pub host: String, pub _d: D }
        #[derive(Debug)]
        pub struct Cfg { pub host: String, pub port: u32 }
        impl B {
            pub fn build(&self, port: u32) -> Cfg { Cfg { host: self.host.clone(), port } }
        }
        #[lh] async fn f() -> Vec<Cfg> {
            let b = B { host: "h".into(), _d: D::new("builder") };
            let a = b.build(fetch(1).await);
            let c = b.build(fetch(2).await);
            vec![a, c]
        }
    },
    run: f(),
}

differential! {
    /// A web-driver element whose `&self` async `text()` is awaited, the
    /// element clicked afterwards (thirtyfour's `WebElement::text`).
    name: ref_self_async_text_then_reuse,
    items: {
        pub struct El { pub id: u32, pub _d: D }
        impl El {
            pub async fn text(&self) -> String { pend(1, format!("el{}", self.id)).await }
            pub async fn click(&self) -> u32 { log(format!("click {}", self.id)); pend(1, self.id).await }
        }
        #[lh] async fn f() -> (String, u32) {
            let el = El { id: 3, _d: D::new("el") };
            let t = el.text().await;
            let c = el.click().await;
            (t, c)
        }
    },
    run: f(),
}

differential! {
    /// A cursor whose `next(&mut self)` lends a slice of its own buffer,
    /// the slice kept across an await.
    name: lending_next_kept_across_await,
    items: {
        pub struct Cur { pub buf: String, pub at: usize }
        impl Cur {
            pub fn next(&mut self) -> Option<&str> {
                let rest = &self.buf[self.at..];
                let end = rest.find(' ').unwrap_or(rest.len());
                if end == 0 { return None; }
                let s = self.at;
                self.at += end + 1;
                self.at = self.at.min(self.buf.len());
                Some(&self.buf[s..s + end])
            }
        }
        #[lh] async fn f(src: &str) -> usize {
            let mut c = Cur { buf: src.to_string(), at: 0 };
            let tok = c.next().unwrap();
            let n = fetch(tok.len() as u32).await;
            log(format!("tok {tok}"));
            n as usize
        }
    },
    run: f("hello world"),
}

// ---------------------------------------------------------------------------
// 26. Items and attributes inside the body
// ---------------------------------------------------------------------------

differential! {
    /// A nested `async fn` item inside the body, awaited by the body.
    name: nested_async_fn_item_in_body,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            async fn helper(x: u32) -> u32 { pend(1, x + 1).await }
            let a = helper(n).await;
            a + helper(a).await
        }
    },
    run: f(1),
}

differential! {
    /// A nested `impl` block with an async method inside the body.
    name: nested_struct_impl_in_body,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            struct Acc(u32);
            impl Acc {
                async fn add(&mut self, x: u32) -> u32 { self.0 += pend(1, x).await; self.0 }
            }
            let mut a = Acc(n);
            a.add(2).await;
            a.add(3).await
        }
    },
    run: f(1),
}

differential! {
    /// Statements under `#[cfg(any())]` / `#[cfg(not(any()))]` and an
    /// `#[allow]` on an awaiting `let`.
    name: cfg_and_allow_on_awaiting_statements,
    items: {
        #[lh] async fn f() -> u32 {
            #[cfg(any())]
            let a = fetch(100).await;
            #[cfg(not(any()))]
            let a = fetch(1).await;
            #[allow(clippy::identity_op)]
            let b = a * 1 + fetch(2).await;
            b
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(debug_assertions)]` on an awaiting statement and a
    /// `cfg!(..)` in an `if` with awaits in both branches.
    name: cfg_debug_assertions_statement_and_cfg_macro,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 0;
            #[cfg(debug_assertions)]
            {
                n += fetch(1).await;
            }
            if cfg!(debug_assertions) { n += fetch(2).await; } else { n += fetch(3).await; }
            n
        }
    },
    run: f(),
}

differential! {
    /// An `unsafe` block around an await (a raw-pointer read either side).
    name: unsafe_block_around_await,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let p = v.as_ptr();
            let x = unsafe {
                let a = *p;
                a + fetch(*p.add(1)).await
            };
            x + v.len() as u32
        }
    },
    run: f(vec![3, 4]),
}

// ---------------------------------------------------------------------------
// 27. Signatures
// ---------------------------------------------------------------------------

differential! {
    /// `-> impl Debug` on the lowered function.
    name: returns_impl_debug,
    items: {
        #[lh] async fn f(n: u32) -> impl std::fmt::Debug {
            let v = fetch(n).await;
            (v, D::new("out").0)
        }
    },
    run: f(2),
}

differential! {
    /// Const generics: an array parameter of length `N`.
    name: const_generic_array_param,
    items: {
        #[lh] async fn f<const N: usize>(xs: [u32; N]) -> [u32; N] {
            let mut out = [0; N];
            for i in 0..N {
                out[i] = fetch(xs[i]).await;
            }
            out
        }
    },
    run: f([1, 2, 3]),
}

differential! {
    /// `self: Box<Self>` and `self: std::rc::Rc<Self>` receivers.
    name: boxed_and_rc_self_receivers,
    items: {
        use std::rc::Rc;
        pub struct Svc(pub D, pub u32);
        impl Svc {
            #[lh] pub async fn run_boxed(self: Box<Self>) -> u32 { let n = fetch(self.1).await; self.0.touch(); n }
            #[lh] pub async fn run_rc(self: Rc<Self>) -> u32 { let me = self.clone(); fetch(me.1).await + Rc::strong_count(&self) as u32 }
        }
        pub async fn go() -> (u32, u32) {
            let a = Box::new(Svc(D::new("boxed"), 1)).run_boxed().await;
            let b = Rc::new(Svc(D::new("rc"), 2)).run_rc().await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// `async unsafe fn` and a `pub(crate)` method returning `Self`.
    name: async_unsafe_fn_and_returns_self,
    items: {
        pub struct Conn { pub id: u32, pub _d: D }
        impl Conn {
            #[lh] pub(crate) async fn open(id: u32) -> Self {
                let id = fetch(id).await;
                Self { id, _d: D::new("conn") }
            }
        }
        #[lh] async unsafe fn raw(p: *const u32) -> u32 {
            let v = unsafe { *p };
            fetch(v).await
        }
        pub async fn go() -> u32 {
            let c = Conn::open(2).await;
            let x = 5u32;
            c.id + unsafe { raw(&x).await }
        }
    },
    run: go(),
}

differential! {
    /// Parameter patterns: a tuple pattern with `mut`, a struct pattern,
    /// and a `_` parameter with a destructor.
    name: parameter_patterns_mixed,
    items: {
        pub struct W { pub inner: D, pub n: u32 }
        #[lh] async fn f((a, mut b): (D, u32), W { inner, n }: W, _: D) -> usize {
            b += fetch(n).await;
            let x = a.touch() + inner.touch();
            pend(1, ()).await;
            x + b as usize
        }
    },
    run: f((D::new("a"), 1), W { inner: D::new("inner"), n: 2 }, D::new("ignored")),
}

// ---------------------------------------------------------------------------
// 28. `let _ =` and `_ =` on awaited values
// ---------------------------------------------------------------------------

differential! {
    /// `let _ = x.await;` drops the value at once; `let _g = ..` keeps it;
    /// `_ = ..` drops it too.
    name: let_underscore_on_awaited_droppers,
    items: {
        #[lh] async fn f() -> u32 {
            let _ = pend(1, D::new("dropped-now")).await;
            let _g = pend(1, D::new("kept")).await;
            _ = pend(1, D::new("assigned-away")).await;
            let (_, n) = pend(1, (D::new("tuple-rest"), 4)).await;
            pend(1, ()).await;
            n
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 29. Async closures and async blocks
// ---------------------------------------------------------------------------

differential! {
    /// An async closure capturing a local by reference, called twice.
    name: async_closure_capturing_local,
    items: {
        #[lh] async fn f() -> u32 {
            let base = D::new("base");
            let scale = 3;
            let get = async |x: u32| fetch(x).await * scale + base.touch() as u32;
            let a = get(1).await;
            let b = get(2).await;
            a + b
        }
    },
    run: f(),
}

differential! {
    /// Native `async` blocks built before an await that borrow locals,
    /// awaited in reverse order; one never awaited.
    name: async_blocks_borrowing_locals_awaited_later,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let mut hits = 0;
            let first = async { d.touch() + fetch(1).await as usize };
            let second = async { pend(2, D::new("inner")).await.touch() };
            let _unused = async { fetch(99).await };
            pend(1, ()).await;
            hits += second.await;
            hits += first.await;
            hits
        }
    },
    run: f(),
}

differential! {
    /// `std::future::poll_fn` capturing a stored local mutably.
    name: poll_fn_capturing_local,
    items: {
        use std::task::Poll;
        #[lh] async fn f() -> u32 {
            let mut left = 2;
            let d = D::new("d");
            let n = std::future::poll_fn(|cx| {
                if left == 0 { Poll::Ready(7) } else { left -= 1; cx.waker().wake_by_ref(); Poll::Pending }
            }).await;
            d.touch();
            n + left + fetch(1).await
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 30. Closures capturing stored locals
// ---------------------------------------------------------------------------

differential! {
    /// A counting closure (`&mut` capture) alive across awaits, called
    /// with awaited arguments.
    name: fnmut_closure_alive_across_awaits,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> (u32, Vec<u32>) {
            let mut seen = vec![];
            let mut total = 0;
            let mut record = |x: u32| { seen.push(x); total += x; total };
            for x in xs {
                record(fetch(x).await);
            }
            let last = record(pend(1, 100).await);
            (last, seen)
        }
    },
    run: f(vec![1, 2]),
}

differential! {
    /// A closure capturing a `D` by reference, boxed as `dyn Fn`, kept
    /// across awaits.
    name: boxed_dyn_fn_borrowing_local_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let name = D::new("name");
            let show: Box<dyn Fn(u32) -> usize + '_> = Box::new(|n| name.touch() + n as usize);
            let a = show(fetch(1).await);
            let b = show(fetch(2).await);
            a + b
        }
    },
    run: f(),
}

differential! {
    /// s16-1 minimal.
    name: lending_next_minimal,
    items: {
        pub struct Cur(pub String, pub D);
        impl Cur {
            pub fn next(&mut self) -> Option<&str> { Some(&self.0[..2]) }
        }
        #[lh] async fn f() -> usize {
            let mut c = Cur("abc".into(), D::new("cur"));
            let t = c.next().unwrap();
            pend(1, ()).await;
            t.len()
        }
    },
    run: f(),
}

differential! {
    /// s16-1 neighbour: the lending method under a name longhand has no
    /// guess for.
    name: lending_method_not_on_list_kept_across_await,
    items: {
        pub struct Cur(pub String, pub D);
        impl Cur {
            pub fn lend(&mut self) -> Option<&str> { Some(&self.0[..2]) }
        }
        #[lh] async fn f() -> usize {
            let mut c = Cur("abc".into(), D::new("cur"));
            let t = c.lend().unwrap();
            pend(1, ()).await;
            t.len()
        }
    },
    run: f(),
}

differential! {
    /// s16-1 with `pop`: a zero-copy ring buffer handing out a slice.
    name: lending_pop_ring_buffer_frame_across_write,
    items: {
        pub struct Ring { pub slots: Vec<Vec<u8>>, pub head: usize, pub _d: D }
        impl Ring {
            pub fn pop(&mut self) -> Option<&[u8]> {
                let s = self.slots.get(self.head)?;
                self.head += 1;
                Some(s)
            }
        }
        pub async fn write(b: &[u8]) -> usize { log(format!("write {b:?}")); pend(1, b.len()).await }
        #[lh] async fn drain(mut r: Ring) -> usize {
            let mut n = 0;
            while let Some(frame) = r.pop() {
                n += write(frame).await;
                log(format!("sent {}", frame.len()));
            }
            n
        }
    },
    run: drain(Ring { slots: vec![vec![1, 2], vec![3]], head: 0, _d: D::new("ring") }),
}

// ---------------------------------------------------------------------------
// 31. Transactions, breakers, chains
// ---------------------------------------------------------------------------

differential! {
    /// A database transaction with a rollback-on-drop guard: `exec` on
    /// `&mut self`, `commit(self)` awaited on the local, `?` in between.
    name: transaction_commit_by_value_rollback_on_drop,
    items: {
        pub struct Tx { pub id: u32, pub done: bool, pub stmts: Vec<String> }
        impl Drop for Tx {
            fn drop(&mut self) { if !self.done { log(format!("rollback {} after {}", self.id, self.stmts.len())); } }
        }
        impl Tx {
            pub async fn begin(id: u32) -> Tx { pend(1, ()).await; log(format!("begin {id}")); Tx { id, done: false, stmts: vec![] } }
            pub async fn exec(&mut self, s: &str) -> Result<u32, String> {
                pend(1, ()).await;
                if s.contains("bad") { return Err(format!("syntax: {s}")); }
                self.stmts.push(s.to_string());
                Ok(self.stmts.len() as u32)
            }
            pub async fn commit(mut self) -> u32 { pend(1, ()).await; self.done = true; log(format!("commit {}", self.id)); self.stmts.len() as u32 }
        }
        #[lh] async fn transfer(id: u32, stmts: Vec<&'static str>) -> Result<u32, String> {
            let mut tx = Tx::begin(id).await;
            for s in stmts {
                tx.exec(s).await?;
            }
            let n = tx.commit().await;
            Ok(n)
        }
        pub async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (transfer(1, vec!["a", "b"]).await, transfer(2, vec!["a", "bad", "c"]).await)
        }
    },
    run: go(),
}

differential! {
    /// A circuit breaker: `match` on the mode read through a guard
    /// temporary, the closed arm awaiting the call.
    name: circuit_breaker_match_on_guard_field,
    items: {
        #[derive(Clone, Copy, Debug, PartialEq)]
        pub enum Mode { Closed, Open, HalfOpen }
        pub struct Snap { pub mode: Mode, pub _g: D }
        pub struct Breaker { pub mode: Mode, pub fails: u32 }
        impl Breaker {
            pub fn snap(&self) -> Snap { Snap { mode: self.mode, _g: D::new("snap") } }
            #[lh] pub async fn call(&mut self, x: u32) -> Result<u32, String> {
                let r = match self.snap().mode {
                    Mode::Open => return Err("open".into()),
                    Mode::HalfOpen | Mode::Closed => check(x).await,
                };
                match r {
                    Ok(v) => { self.mode = Mode::Closed; self.fails = 0; Ok(v) }
                    Err(e) => {
                        self.fails += 1;
                        if self.fails >= 2 { self.mode = Mode::Open; }
                        Err(e)
                    }
                }
            }
        }
        pub async fn go() -> Vec<Result<u32, String>> {
            let mut b = Breaker { mode: Mode::Closed, fails: 0 };
            let mut out = vec![];
            for x in [2, 3, 5, 4] { out.push(b.call(x).await); }
            out
        }
    },
    run: go(),
}

differential! {
    /// `client.connect().await?.query(..).await?` on a temporary
    /// connection that has a destructor.
    name: connect_then_query_chain_with_question,
    items: {
        pub struct Conn(pub D, pub u32);
        impl Conn {
            pub async fn query(&self, q: &str) -> Result<u32, String> {
                pend(1, ()).await;
                if q.is_empty() { Err("empty".into()) } else { Ok(self.1 + q.len() as u32) }
            }
        }
        pub async fn connect(port: u32) -> Result<Conn, String> {
            pend(1, ()).await;
            if port == 0 { Err("refused".into()) } else { Ok(Conn(D::new("conn"), port)) }
        }
        #[lh] async fn call(port: u32, q: &str) -> Result<u32, String> {
            let n = connect(port).await?.query(q).await?;
            log("after chain");
            Ok(n)
        }
        pub async fn go() -> Vec<Result<u32, String>> {
            vec![call(1, "ab").await, call(0, "x").await, call(2, "").await]
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 32. Indexing and places with awaits
// ---------------------------------------------------------------------------

differential! {
    /// A histogram: `counts[bucket(fetch(x).await)] += 1` and a 2-D grid
    /// indexed by two awaited coordinates.
    name: histogram_and_grid_index_awaits,
    items: {
        pub fn bucket(v: u32) -> usize { (v / 4) as usize }
        #[lh] async fn f(xs: Vec<u32>) -> (Vec<u32>, u32) {
            let mut counts = vec![0u32; 4];
            for x in &xs {
                counts[bucket(fetch(*x).await)] += 1;
            }
            let grid = vec![vec![1, 2], vec![3, 4]];
            let g = grid[pend(1, 1usize).await][pend(1, 0usize).await];
            (counts, g)
        }
    },
    run: f(vec![1, 3, 5, 7]),
}

differential! {
    /// Compound assignments whose right side awaits a `&mut self` method
    /// (`self.total += self.next_chunk().await`), and through `entry`.
    name: compound_assign_field_from_mut_self_method,
    items: {
        pub struct Acc { pub total: u32, pub left: Vec<u32>, pub by_key: BTreeMap<u32, u32> }
        impl Acc {
            pub async fn next_chunk(&mut self) -> u32 { pend(1, ()).await; self.left.pop().unwrap_or(0) }
            #[lh] pub async fn run(&mut self) -> u32 {
                while !self.left.is_empty() {
                    self.total += self.next_chunk().await;
                    *self.by_key.entry(self.total % 3).or_insert(0) += fetch(self.total).await;
                }
                self.total
            }
        }
        pub async fn go() -> (u32, BTreeMap<u32, u32>) {
            let mut a = Acc { total: 0, left: vec![1, 2, 3], by_key: BTreeMap::new() };
            let t = a.run().await;
            (t, a.by_key)
        }
    },
    run: go(),
}

differential! {
    /// `v.push(fetch(v.len()).await)`: a two-phase borrow of `v` held
    /// across the await in its own argument; `s.push_str(&x.await)`.
    name: two_phase_borrow_push_across_await,
    items: {
        #[lh] async fn f() -> (Vec<u32>, String) {
            let mut v = vec![];
            for _ in 0..3 {
                v.push(fetch(v.len() as u32).await);
            }
            let mut s = String::new();
            s.push_str(&pend(1, format!("{}", v.len())).await);
            s.push_str(&pend(1, String::from("!")).await);
            (v, s)
        }
    },
    run: f(),
}

differential! {
    /// A `&mut` reference to a local stored across awaits, written through.
    name: mut_ref_local_written_across_awaits,
    items: {
        #[lh] async fn f() -> (u32, usize) {
            let mut x = 1;
            let mut names = vec![D::new("n0")];
            let r = &mut x;
            let list = &mut names;
            *r += fetch(*r).await;
            list.push(pend(1, D::new("n1")).await);
            *r *= 3;
            (x, names.len())
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 33. More expression shapes
// ---------------------------------------------------------------------------

differential! {
    /// Cache-aside in one expression: `if let Some(v) = cache.get(&k)
    /// { *v } else { fetch, insert, v }`.
    name: cache_aside_if_let_else_await,
    items: {
        #[lh] async fn f(keys: Vec<u32>) -> (Vec<u32>, usize) {
            let mut cache = BTreeMap::new();
            let mut out = vec![];
            for k in keys {
                let v = if let Some(v) = cache.get(&k) { *v } else {
                    let v = fetch(k).await;
                    cache.insert(k, v);
                    v
                };
                out.push(v);
            }
            (out, cache.len())
        }
    },
    run: f(vec![1, 2, 1, 3, 2]),
}

differential! {
    /// `match (a.await, b.await)` on a tuple holding `D`s: arms that bind
    /// both, one, or none.
    name: match_tuple_of_awaited_droppers,
    items: {
        #[lh] async fn f(x: u32) -> usize {
            match (pend(1, D::new("l")).await, pend(1, x).await) {
                (d, 0) => d.touch(),
                (d, 1) => { let n = d.touch(); pend(1, ()).await; n + 1 }
                (_, n) => n as usize,
            }
        }
        pub async fn go() -> (usize, usize, usize) { (f(0).await, f(1).await, f(5).await) }
    },
    run: go(),
}

differential! {
    /// Futures in an array, awaited in a `for` loop; the unfinished ones
    /// are dropped with the array on cancellation.
    name: array_of_futures_awaited_in_loop,
    items: {
        #[lh] async fn f() -> u32 {
            let mut s = 0;
            let _d = D::new("d");
            for fut in [fetch(1), fetch(2), fetch(3)] {
                s += fut.await;
            }
            s
        }
    },
    run: f(),
}

differential! {
    /// An `Option` of a future awaited when present.
    name: optional_future_awaited_when_some,
    items: {
        #[lh] async fn f(warm: bool) -> u32 {
            let pre = if warm { Some(fetch(5)) } else { None };
            let base = fetch(1).await;
            let extra = if let Some(p) = pre { p.await } else { 0 };
            base + extra
        }
        pub async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// Blocks with their own `D`s as both operands of `+`.
    name: blocks_with_droppers_as_operands,
    items: {
        #[lh] async fn f() -> u32 {
            let r = { let g = D::new("g"); fetch(1).await + g.touch() as u32 }
                + { let h = D::new("h"); let x = fetch(2).await; h.touch(); x };
            r
        }
    },
    run: f(),
}

differential! {
    /// A closure returning an `async move` block, called twice and
    /// awaited in one expression.
    name: closure_returning_async_block_twice,
    items: {
        #[lh] async fn f(base: u32) -> u32 {
            let tag = D::new("tag");
            let get = |k: u32| async move { fetch(k + base).await };
            let a = get(1).await + get(2).await;
            tag.touch();
            a
        }
    },
    run: f(10),
}

differential! {
    /// A mailbox loop: `loop { match next().await { Some(..) if
    /// cond.await => .., Some(..) => .., None => break } }` with `D`
    /// payloads.
    name: mailbox_loop_guard_await_with_payloads,
    items: {
        pub enum Msg { Job(u32, D), Ping }
        pub struct Rx(pub VecDeque<Msg>);
        impl Rx { pub async fn recv(&mut self) -> Option<Msg> { pend(1, ()).await; self.0.pop_front() } }
        #[lh] async fn serve(mut rx: Rx) -> Vec<u32> {
            let mut done = vec![];
            loop {
                match rx.recv().await {
                    Some(Msg::Job(n, d)) if allowed(d.0, n).await => {
                        done.push(fetch(n).await);
                        d.touch();
                    }
                    Some(Msg::Job(n, _)) => log(format!("rejected {n}")),
                    Some(Msg::Ping) => continue,
                    None => break,
                }
            }
            done
        }
    },
    run: serve(Rx(VecDeque::from(vec![Msg::Job(1, D::new("j1")), Msg::Ping, Msg::Job(3, D::new("j3")), Msg::Job(4, D::new("j4"))]))),
}

differential! {
    /// `while let (Some(a), Some(b)) = (x.next().await, y.next().await)`:
    /// a zip of two async sources.
    name: while_let_tuple_of_two_awaits,
    items: {
        pub struct Src(pub VecDeque<u32>);
        impl Src { pub async fn next(&mut self) -> Option<u32> { pend(1, ()).await; self.0.pop_front() } }
        #[lh] async fn zip(mut x: Src, mut y: Src) -> Vec<(u32, u32)> {
            let mut out = vec![];
            while let (Some(a), Some(b)) = (x.next().await, y.next().await) {
                out.push((a, b));
            }
            out
        }
    },
    run: zip(Src(VecDeque::from(vec![1, 2, 3])), Src(VecDeque::from(vec![9, 8]))),
}

differential! {
    /// `x = x + fetch(x).await` and `(a, b) = (b, fetch(a).await)`
    /// destructuring assignment after awaits.
    name: reassign_and_destructuring_assign_with_awaits,
    items: {
        #[lh] async fn f(n: u32) -> (u32, u32, u32) {
            let mut x = 1;
            let (mut a, mut b) = (0, 1);
            for _ in 0..n {
                x = x + fetch(x).await;
                (a, b) = (b, a + pend(1, b).await);
            }
            (x, a, b)
        }
    },
    run: f(3),
}

differential! {
    /// Minimal: an awaited by-value method on a local (`tx.commit().await`
    /// with `fn commit(self)`).
    name: by_value_commit_awaited_on_local_minimal,
    items: {
        pub struct Tx(pub D, pub u32);
        impl Tx {
            pub fn exec(&mut self) { self.1 += 1; }
            pub async fn commit(self) -> u32 { pend(1, ()).await; self.1 }
        }
        #[lh] async fn f() -> u32 {
            let mut tx = Tx(D::new("tx"), 0);
            pend(1, ()).await;
            tx.exec();
            tx.commit().await
        }
    },
    run: f(),
}

differential! {
    /// The transaction of `transaction_commit_by_value_rollback_on_drop`
    /// written as the README says: braces move the receiver
    /// (`{ tx }.commit().await`).
    name: transaction_commit_in_braces,
    items: {
        pub struct Tx { pub id: u32, pub done: bool, pub stmts: Vec<String> }
        impl Drop for Tx {
            fn drop(&mut self) { if !self.done { log(format!("rollback {} after {}", self.id, self.stmts.len())); } }
        }
        impl Tx {
            pub async fn begin(id: u32) -> Tx { pend(1, ()).await; log(format!("begin {id}")); Tx { id, done: false, stmts: vec![] } }
            pub async fn exec(&mut self, s: &str) -> Result<u32, String> {
                pend(1, ()).await;
                if s.contains("bad") { return Err(format!("syntax: {s}")); }
                self.stmts.push(s.to_string());
                Ok(self.stmts.len() as u32)
            }
            pub async fn commit(mut self) -> u32 { pend(1, ()).await; self.done = true; log(format!("commit {}", self.id)); self.stmts.len() as u32 }
        }
        #[lh] async fn transfer(id: u32, stmts: Vec<&'static str>) -> Result<u32, String> {
            let mut tx = Tx::begin(id).await;
            for s in stmts {
                tx.exec(s).await?;
            }
            let n = { tx }.commit().await;
            Ok(n)
        }
        pub async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (transfer(1, vec!["a", "b"]).await, transfer(2, vec!["a", "bad", "c"]).await)
        }
    },
    run: go(),
}

differential! {
    /// Pagination collecting into a `Vec`: each page destructured with a
    /// tuple `let` from a `match` whose `Err` arm awaits (a back-off) and
    /// returns.
    name: paginate_tuple_let_err_arm_awaits_then_returns,
    items: {
        pub async fn page(c: u32) -> Result<(Vec<u32>, Option<u32>), String> {
            pend(1, ()).await;
            if c == 2 { Err(format!("page {c} failed")) } else { Ok((vec![c, c + 10], Some(c + 1))) }
        }
        #[lh] async fn items() -> Vec<Result<u32, String>> {
            let mut out = vec![];
            let mut c = Some(0);
            while let Some(cur) = c {
                let (xs, next) = match page(cur).await {
                    Ok(p) => p,
                    Err(e) => { pend(1, ()).await; out.push(Err(e)); return out; }
                };
                for x in xs { out.push(Ok(x)); }
                c = next;
            }
            out
        }
    },
    run: items(),
}

differential! {
    /// s16-3 minimal: a tuple `let` over an `if` whose `then` branch
    /// awaits and returns.
    name: tuple_let_over_if_branch_awaits_then_returns,
    items: {
        #[lh] async fn f(c: u32) -> u32 {
            let (a, b) = if c > 5 { pend(1, ()).await; return 0; } else { (c, c) };
            a + b
        }
        pub async fn go() -> (u32, u32) { (f(1).await, f(9).await) }
    },
    run: go(),
}

differential! {
    /// s16-3 neighbour: the same with a plain binding (`let x = ..;
    /// x.0 + x.1`).
    name: ident_let_over_match_err_arm_awaits_then_returns,
    items: {
        pub async fn pair(c: u32) -> Result<(u32, u32), String> { pend(1, ()).await; if c == 2 { Err("e".into()) } else { Ok((c, c + 1)) } }
        #[lh] async fn f(c: u32) -> u32 {
            let x = match pair(c).await {
                Ok(p) => p,
                Err(e) => { pend(1, ()).await; return 0; }
            };
            x.0 + x.1
        }
        pub async fn go() -> (u32, u32) { (f(1).await, f(2).await) }
    },
    run: go(),
}

differential! {
    /// s16-3 neighbour: the diverging arm does not await.
    name: tuple_let_over_match_err_arm_returns_without_await,
    items: {
        pub async fn pair(c: u32) -> Result<(u32, u32), String> { pend(1, ()).await; if c == 2 { Err("e".into()) } else { Ok((c, c + 1)) } }
        #[lh] async fn f(c: u32) -> u32 {
            let (a, b) = match pair(c).await {
                Ok(p) => p,
                Err(e) => return 0,
            };
            pend(1, ()).await;
            a + b
        }
        pub async fn go() -> (u32, u32) { (f(1).await, f(2).await) }
    },
    run: go(),
}

differential! {
    /// s16-3 neighbour: a struct pattern names the type, so the state
    /// resumed in the diverging arm type-checks: config loaded, the error
    /// reported with an await before returning.
    name: struct_let_over_match_err_arm_reports_then_returns,
    items: {
        pub struct Conf { pub port: u32, pub host: String }
        pub async fn load(ok: bool) -> Result<Conf, String> {
            pend(1, ()).await;
            if ok { Ok(Conf { port: 80, host: "h".into() }) } else { Err("no file".into()) }
        }
        pub async fn report(e: String) { log(format!("report {e}")); pend(1, ()).await; }
        #[lh] async fn start(ok: bool) -> String {
            let _span = D::new("span");
            let Conf { port, host } = match load(ok).await {
                Ok(c) => c,
                Err(e) => {
                    report(e).await;
                    return "failed".to_string();
                }
            };
            format!("{host}:{port}")
        }
        pub async fn go() -> (String, String) { (start(true).await, start(false).await) }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 34. More service shapes
// ---------------------------------------------------------------------------

differential! {
    /// A quorum read: ask replicas in turn, count versions in a
    /// `BTreeMap`, stop as soon as one version has a majority.
    name: quorum_read_majority,
    items: {
        pub async fn read(r: usize) -> (u32, &'static str) {
            log(format!("read {r}"));
            pend(1, [(3, "new"), (2, "old"), (3, "new"), (3, "new")][r]).await
        }
        #[lh] async fn quorum(n: usize) -> Option<(u32, &'static str)> {
            let mut seen: BTreeMap<(u32, &'static str), usize> = BTreeMap::new();
            let _g = D::new("quorum");
            for r in 0..n {
                let v = read(r).await;
                let c = seen.entry(v).or_insert(0);
                *c += 1;
                if *c * 2 > n {
                    return Some(v);
                }
            }
            None
        }
    },
    run: quorum(4),
}

differential! {
    /// A distributed lock with lease renewal: renew until the work is
    /// done or a renewal fails, then release (a `Drop` guard logs it).
    name: lease_renewal_loop_with_guard,
    items: {
        pub struct Lease { pub id: u32, pub renewals: u32 }
        impl Drop for Lease { fn drop(&mut self) { log(format!("release {} after {}", self.id, self.renewals)); } }
        impl Lease {
            pub async fn renew(&mut self) -> bool { pend(1, ()).await; self.renewals += 1; self.renewals < 3 }
        }
        #[lh] async fn work(steps: u32) -> Result<u32, String> {
            let mut lease = Lease { id: 7, renewals: 0 };
            let mut done = 0;
            while done < steps {
                fetch(done).await;
                done += 1;
                if !lease.renew().await {
                    return Err(format!("lost lease at {done}"));
                }
            }
            Ok(done)
        }
        pub async fn go() -> (Result<u32, String>, Result<u32, String>) { (work(2).await, work(5).await) }
    },
    run: go(),
}

differential! {
    /// An auth middleware chain: boxed async checks borrowing the
    /// request, run in order until one denies.
    name: middleware_chain_boxed_checks_borrowing_request,
    items: {
        pub struct Req { pub user: &'static str, pub path: &'static str, pub _d: D }
        pub type Check = for<'a> fn(&'a Req) -> Pin<Box<dyn Future<Output = bool> + 'a>>;
        pub fn authn(r: &Req) -> Pin<Box<dyn Future<Output = bool> + '_>> { Box::pin(async move { pend(1, !r.user.is_empty()).await }) }
        pub fn authz(r: &Req) -> Pin<Box<dyn Future<Output = bool> + '_>> { Box::pin(async move { pend(1, !r.path.starts_with("/admin") || r.user == "root").await }) }
        #[lh] async fn handle(r: Req, chain: Vec<Check>) -> String {
            for (i, c) in chain.iter().enumerate() {
                if !c(&r).await {
                    return format!("denied by {i} for {}", r.user);
                }
            }
            format!("ok {} {}", r.user, fetch(r.path.len() as u32).await)
        }
        pub async fn go() -> Vec<String> {
            let chain: Vec<Check> = vec![authn, authz];
            vec![
                handle(Req { user: "ann", path: "/x", _d: D::new("r1") }, chain.clone()).await,
                handle(Req { user: "bob", path: "/admin", _d: D::new("r2") }, chain.clone()).await,
                handle(Req { user: "", path: "/", _d: D::new("r3") }, chain).await,
            ]
        }
    },
    run: go(),
}

differential! {
    /// Consistent hashing: a ring in a `BTreeMap`, `range(k..).next()`
    /// with wrap-around, a node fetch awaited per key.
    name: consistent_hash_ring_lookup,
    items: {
        #[lh] async fn route(keys: Vec<u32>) -> Vec<(u32, &'static str)> {
            let mut ring = BTreeMap::new();
            for (p, n) in [(10, "a"), (40, "b"), (70, "c")] { ring.insert(p, n); }
            let mut out = vec![];
            for k in keys {
                let h = fetch(k).await % 100;
                let node = ring.range(h..).next().or_else(|| ring.iter().next()).map(|(_, n)| *n).unwrap();
                out.push((h, node));
            }
            out
        }
    },
    run: route(vec![3, 30, 45, 1]),
}

differential! {
    /// A WAL append: write, fsync, then update the index, each awaited;
    /// a failed fsync truncates and returns the error with the entry
    /// alive.
    name: wal_append_fsync_index,
    items: {
        pub struct Wal { pub log: Vec<String>, pub index: BTreeMap<u32, usize>, pub fail_at: usize }
        impl Wal {
            pub async fn write(&mut self, e: &str) -> usize { pend(1, ()).await; self.log.push(e.to_string()); self.log.len() - 1 }
            pub async fn fsync(&self) -> Result<(), String> { pend(1, ()).await; if self.log.len() == self.fail_at { Err("eio".into()) } else { Ok(()) } }
            #[lh] pub async fn append(&mut self, key: u32, entry: D) -> Result<usize, String> {
                let at = self.write(entry.0).await;
                if let Err(e) = self.fsync().await {
                    self.log.truncate(at);
                    entry.touch();
                    return Err(e);
                }
                self.index.insert(key, at);
                Ok(at)
            }
        }
        pub async fn go() -> (Vec<Result<usize, String>>, usize) {
            let mut w = Wal { log: vec![], index: BTreeMap::new(), fail_at: 2 };
            let mut out = vec![];
            for (k, n) in [(1, "e1"), (2, "e2"), (3, "e3")] { out.push(w.append(k, D::new(n)).await); }
            (out, w.index.len())
        }
    },
    run: go(),
}

differential! {
    /// A range scan over a `BTreeMap` borrowed across awaits, values
    /// enriched by an awaited call each.
    name: btree_range_scan_borrowed_across_awaits,
    items: {
        #[lh] async fn scan(m: &BTreeMap<u32, &'static str>, lo: u32, hi: u32) -> Vec<String> {
            let mut out = vec![];
            for (k, v) in m.range(lo..hi) {
                let extra = fetch(*k).await;
                out.push(format!("{v}{extra}"));
            }
            out
        }
        pub async fn go() -> Vec<String> {
            let m = BTreeMap::from([(1, "a"), (3, "b"), (5, "c"), (9, "d")]);
            scan(&m, 2, 9).await
        }
    },
    run: go(),
}

differential! {
    /// Chunk verification: checksums awaited per chunk, an early `Err`
    /// return with the buffer and the current chunk's `D` alive.
    name: chunk_checksum_early_err,
    items: {
        pub async fn sum(c: &[u8]) -> u32 { pend(1, c.iter().map(|b| *b as u32).sum()).await }
        #[lh] async fn verify(chunks: Vec<(Vec<u8>, u32)>) -> Result<Vec<u8>, String> {
            let mut buf = Vec::new();
            let _file = D::new("file");
            for (i, (c, want)) in chunks.into_iter().enumerate() {
                let _chunk = D::new("chunk");
                let got = sum(&c).await;
                if got != want {
                    return Err(format!("chunk {i}: {got} != {want}"));
                }
                buf.extend(c);
            }
            Ok(buf)
        }
        pub async fn go() -> (Result<Vec<u8>, String>, Result<Vec<u8>, String>) {
            (verify(vec![(vec![1, 2], 3), (vec![4], 4)]).await, verify(vec![(vec![1], 1), (vec![2], 9), (vec![3], 3)]).await)
        }
    },
    run: go(),
}

differential! {
    /// s16-3 neighbour: a tuple-struct pattern `let Pair(a, b) = ..` (it names the type) over a
    /// `match` whose `Err` arm awaits and returns.
    name: tuple_struct_let_over_match_err_arm_awaits_then_returns,
    items: {
        pub struct Pair(pub u32, pub D);
        pub async fn get(c: u32) -> Result<Pair, String> { pend(1, ()).await; if c == 0 { Err("zero".into()) } else { Ok(Pair(c, D::new("pair"))) } }
        #[lh] async fn f(c: u32) -> usize {
            let Pair(n, d) = match get(c).await {
                Ok(p) => p,
                Err(e) => { pend(1, ()).await; return 0; }
            };
            n as usize + d.touch()
        }
        pub async fn go() -> (usize, usize) { (f(2).await, f(0).await) }
    },
    run: go(),
}

differential! {
    /// s16-3 probe: an array pattern `let [a, b] = ..` over an `if` whose
    /// branch awaits then returns.
    name: array_let_over_if_branch_awaits_then_returns,
    items: {
        #[lh] async fn f(c: u32) -> u32 {
            let [a, b] = if c == 0 { pend(1, ()).await; return 0; } else { [c, c * 2] };
            a + b
        }
        pub async fn go() -> (u32, u32) { (f(2).await, f(0).await) }
    },
    run: go(),
}

differential! {
    /// s16-3 probe: a tuple pattern over a `match` whose diverging arm
    /// awaits then `break`s out of the enclosing loop.
    name: tuple_let_over_match_arm_awaits_then_breaks,
    items: {
        #[lh] async fn f(xs: Vec<Option<(u32, u32)>>) -> u32 {
            let mut s = 0;
            for x in xs {
                let (a, b) = match x {
                    Some(p) => p,
                    None => { pend(1, ()).await; break; }
                };
                s += a * b;
            }
            s
        }
    },
    run: f(vec![Some((1, 2)), Some((3, 4)), None, Some((9, 9))]),
}
