//! Stress round 3: realistic bodies from simulation, storage, messaging,
//! parsing, caching, actors, middleware, graphs and drop-order-heavy code.
//! Written to find where the lowering differs from rustc (15
//! findings "s3-1" to "s3-15"). Most findings are fixed and their cases are
//! ordinary ones here; the rest are kept as `known_gap!` with their reasons.
#![allow(dead_code, unused_variables, unused_mut, unused_assignments)]
// Shapes written on purpose: loops that run once around an await, `if`s
// and guards kept apart, hand-written arithmetic, `drop` of borrowing
// values, iterators advanced by hand, spelled-out types.
#![allow(
    clippy::never_loop,
    clippy::needless_lifetimes,
    clippy::single_match,
    clippy::collapsible_if,
    clippy::drop_non_drop,
    clippy::iter_cloned_collect,
    clippy::let_and_return,
    clippy::manual_is_multiple_of,
    clippy::manual_saturating_arithmetic,
    clippy::redundant_guards,
    clippy::type_complexity,
    clippy::while_let_on_iterator
)]

use crate::harness::*;
use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

// ---------------------------------------------------------------------------
// 1. Simulation and games
// ---------------------------------------------------------------------------

differential! {
    /// A game tick loop over a `Vec` of entities: `retain` removes dead ones,
    /// `iter_mut` moves them, an await per tick, a `D` per entity.
    name: game_tick_loop_entities,
    items: {
        struct Entity { id: u32, hp: i32, x: i32, vx: i32, tag: D }
        #[lh] async fn simulate(ticks: u32) -> (Vec<(u32, i32)>, u32) {
            let _world = D::new("world");
            let mut ents = vec![
                Entity { id: 1, hp: 3, x: 0, vx: 2, tag: D::new("e1") },
                Entity { id: 2, hp: 1, x: 10, vx: -1, tag: D::new("e2") },
                Entity { id: 3, hp: 5, x: 4, vx: 0, tag: D::new("e3") },
            ];
            let mut deaths = 0;
            for tick in 0..ticks {
                for e in ents.iter_mut() {
                    e.x += e.vx;
                    if e.x % 3 == 0 { e.hp -= 1; }
                }
                pend(1, ()).await;
                let before = ents.len();
                ents.retain(|e| e.hp > 0);
                deaths += (before - ents.len()) as u32;
                if ents.is_empty() { break; }
                let total_hp: i32 = pend(tick % 2, ents.iter().map(|e| e.hp).sum()).await;
                log(format!("tick {tick} hp {total_hp}"));
            }
            (ents.iter().map(|e| (e.id, e.x)).collect(), deaths)
        }
    },
    run: simulate(6),
}

differential! {
    /// Collision pass with nested index loops and `split_at_mut`, awaiting
    /// per collision, with an early `return` when a boss dies.
    name: collision_pass_split_at_mut,
    items: {
        #[derive(Debug)]
        struct Body { pos: (i32, i32), hp: u32, boss: bool }
        #[lh] async fn collide(mut bodies: Vec<Body>) -> Result<u32, String> {
            let _g = D::new("physics");
            let mut hits = 0u32;
            for i in 0..bodies.len() {
                for j in (i + 1)..bodies.len() {
                    let (left, right) = bodies.split_at_mut(j);
                    let (a, b) = (&mut left[i], &mut right[0]);
                    if a.pos == b.pos {
                        let dmg = pend(1, 2u32).await;
                        a.hp = a.hp.saturating_sub(dmg);
                        b.hp = b.hp.saturating_sub(dmg);
                        hits += 1;
                        if (a.boss && a.hp == 0) || (b.boss && b.hp == 0) {
                            return Err(format!("boss down after {hits}"));
                        }
                    }
                }
            }
            Ok(hits)
        }
    },
    run: async {
        let a = collide(vec![
            Body { pos: (1, 1), hp: 5, boss: false },
            Body { pos: (1, 1), hp: 3, boss: false },
            Body { pos: (2, 1), hp: 9, boss: true },
            Body { pos: (1, 1), hp: 1, boss: false },
        ]).await;
        let b = collide(vec![
            Body { pos: (0, 0), hp: 2, boss: true },
            Body { pos: (0, 0), hp: 2, boss: false },
        ]).await;
        (a, b)
    },
}

// ---------------------------------------------------------------------------
// 2. Storage: transactions with rollback guards
// ---------------------------------------------------------------------------

differential! {
    /// A transaction guard that rolls back on drop unless committed; `?` on
    /// awaited results returns early with the guard live.
    name: db_transaction_rollback_guard,
    items: {
        struct Tx { name: &'static str, committed: bool, ops: Vec<String> }
        impl Drop for Tx {
            fn drop(&mut self) {
                if self.committed { log(format!("{} committed {:?}", self.name, self.ops)); }
                else { log(format!("{} rolled back {:?}", self.name, self.ops)); }
            }
        }
        async fn exec(sql: &str, fail: bool) -> Result<u32, String> {
            pend(1, ()).await;
            if fail { Err(format!("failed: {sql}")) } else { Ok(sql.len() as u32) }
        }
        #[lh] async fn transfer(fail_at: u32) -> Result<u32, String> {
            let mut tx = Tx { name: "tx", committed: false, ops: vec![] };
            let audit = D::new("audit");
            let a = exec("debit", fail_at == 1).await?;
            tx.ops.push(format!("debit {a}"));
            let b = exec("credit", fail_at == 2).await.map_err(|e| format!("{e} (after {a})"))?;
            tx.ops.push(format!("credit {b}"));
            audit.touch();
            let c = exec("log", fail_at == 3).await.unwrap_or(0);
            tx.committed = true;
            Ok(a + b + c)
        }
    },
    run: async { (transfer(0).await, transfer(1).await, transfer(2).await, transfer(3).await) },
}

differential! {
    /// A connection borrowed mutably by a transaction object whose async
    /// methods take `&mut self` and call each other.
    name: transaction_mut_self_methods_chain,
    items: {
        struct Conn { log: Vec<String>, _d: D }
        struct Txn<'a> { conn: &'a mut Conn, depth: u32, _g: D }
        impl<'a> Txn<'a> {
            #[lh] async fn exec(&mut self, q: &str) -> usize {
                pend(1, ()).await;
                self.conn.log.push(format!("{}:{q}", self.depth));
                q.len()
            }
            #[lh] async fn savepoint(&mut self, qs: &[&str]) -> usize {
                self.depth += 1;
                let mut n = 0;
                for q in qs {
                    n += self.exec(q).await;
                }
                self.depth -= 1;
                n + self.exec("release").await
            }
        }
        #[lh] async fn run_all() -> (usize, Vec<String>) {
            let mut conn = Conn { log: vec![], _d: D::new("conn") };
            let n = {
                let mut t = Txn { conn: &mut conn, depth: 0, _g: D::new("txn") };
                let a = t.exec("begin").await;
                let b = t.savepoint(&["insert", "update"]).await;
                a + b + t.exec("commit").await
            };
            (n, std::mem::take(&mut conn.log))
        }
    },
    run: run_all(),
}

// ---------------------------------------------------------------------------
// 3. Messaging
// ---------------------------------------------------------------------------

differential! {
    /// Chat routing with `HashMap<String, Vec<..>>`: `entry().or_default()`,
    /// `get_mut`, per-room fan-out with awaits, removing empty rooms.
    name: chat_routing_hashmap_rooms,
    items: {
        #[derive(Debug, Clone)]
        struct Msg { room: String, from: String, text: String }
        #[lh] async fn route(msgs: Vec<Msg>) -> Vec<(String, Vec<String>)> {
            let _router = D::new("router");
            let mut rooms: HashMap<String, Vec<String>> = HashMap::new();
            let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
            members.insert("rust", vec!["ann", "bob"]);
            members.insert("go", vec!["cid"]);
            for m in &msgs {
                let inbox = rooms.entry(m.room.clone()).or_default();
                let Some(who) = members.get(m.room.as_str()) else {
                    inbox.push(format!("bounced {}", m.from));
                    continue;
                };
                for w in who.iter().filter(|w| **w != m.from) {
                    let delivered = pend(1, format!("{w}<-{}:{}", m.from, m.text)).await;
                    rooms.get_mut(&m.room).unwrap().push(delivered);
                }
            }
            rooms.retain(|_, v| !v.is_empty());
            let mut out: Vec<_> = rooms.into_iter().collect();
            out.sort();
            out
        }
    },
    run: route(vec![
        Msg { room: "rust".into(), from: "ann".into(), text: "hi".into() },
        Msg { room: "go".into(), from: "cid".into(), text: "yo".into() },
        Msg { room: "zig".into(), from: "dan".into(), text: "?".into() },
        Msg { room: "rust".into(), from: "eve".into(), text: "hey".into() },
    ]),
}

differential! {
    /// An actor mailbox loop over a `VecDeque`: messages may enqueue more
    /// messages, a `Stop` message breaks with a value, state is a `D`.
    name: actor_mailbox_vecdeque,
    items: {
        #[derive(Debug)]
        enum Cmd { Add(u32), Double, Spawn(u32), Stop }
        #[lh] async fn actor(initial: Vec<Cmd>) -> (u32, usize) {
            let mut mailbox: VecDeque<Cmd> = initial.into_iter().collect();
            let state = D::new("state");
            let mut acc = 0u32;
            let mut handled = 0usize;
            let result = loop {
                let Some(cmd) = mailbox.pop_front() else { break acc + 1000; };
                handled += 1;
                match cmd {
                    Cmd::Add(n) => acc += pend(1, n).await,
                    Cmd::Double => { acc = pend(0, acc * 2).await; }
                    Cmd::Spawn(k) => {
                        for i in 0..k {
                            mailbox.push_back(Cmd::Add(i));
                        }
                        pend(1, ()).await;
                    }
                    Cmd::Stop => {
                        state.touch();
                        break acc;
                    }
                }
            };
            (result, handled + mailbox.len())
        }
    },
    run: async {
        (actor(vec![Cmd::Add(2), Cmd::Spawn(3), Cmd::Double, Cmd::Stop, Cmd::Add(9)]).await,
         actor(vec![Cmd::Add(1), Cmd::Double]).await)
    },
}

// ---------------------------------------------------------------------------
// 4. Uploads and checksums
// ---------------------------------------------------------------------------

differential! {
    /// A chunked upload with a running checksum (`wrapping_mul`,
    /// `rotate_left`), a progress callback stored in a local and called
    /// after each await, retrying a failed chunk once.
    name: chunked_upload_checksum,
    items: {
        #[lh] async fn upload(data: &[u8], chunk: usize, fail_chunk: Option<usize>) -> Result<(u32, Vec<usize>), String> {
            let _session = D::new("session");
            let mut sum: u32 = 17;
            let mut progress = Vec::new();
            let mut report = |n: usize| progress.push(n);
            let mut retried = false;
            for (idx, part) in data.chunks(chunk).enumerate() {
                let ok = pend(1, fail_chunk != Some(idx) || retried).await;
                if !ok {
                    retried = true;
                    let again = pend(2, true).await;
                    if !again { return Err(format!("chunk {idx}")); }
                }
                for &b in part {
                    sum = sum.wrapping_mul(31).rotate_left(3) ^ b as u32;
                }
                report(idx * chunk + part.len());
            }
            Ok((sum, progress))
        }
    },
    run: async {
        let data: Vec<u8> = (0u8..23).collect();
        (upload(&data, 5, None).await, upload(&data, 7, Some(1)).await)
    },
}

differential! {
    /// s3-1 minimal: a `Copy` local passed by value to the awaitee, then
    /// conditionally reassigned after the await and read.
    name: copy_local_in_awaitee_then_conditionally_reassigned,
    items: {
        #[lh] async fn f() -> bool {
            let mut r = false;
            let ok = pend(1, r).await;
            if !ok { r = true; }
            r
        }
    },
    run: f(),
}

differential! {
    /// s3-1 control: the same local reassigned unconditionally after the
    /// await passes.
    name: copy_local_in_awaitee_then_reassigned,
    items: {
        #[lh] async fn f() -> bool {
            let mut r = false;
            let ok = pend(1, r).await;
            r = !ok;
            r
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 5. Parsing
// ---------------------------------------------------------------------------

differential! {
    /// A tokenizer over `&str` with `chars().peekable()` kept across awaits,
    /// `while let Some(&c) = it.peek()` and `next_if`.
    name: tokenizer_peekable_chars,
    items: {
        #[derive(Debug, PartialEq)]
        enum Tok { Num(i64), Ident(String), Op(char), Str(String) }
        #[lh] async fn tokenize(src: &str) -> Result<Vec<Tok>, String> {
            let mut it = src.chars().peekable();
            let mut toks = Vec::new();
            let _lexer = D::new("lexer");
            while let Some(&c) = it.peek() {
                if c.is_whitespace() { it.next(); continue; }
                if c.is_ascii_digit() {
                    let mut n = 0i64;
                    while let Some(d) = it.next_if(|c| c.is_ascii_digit()) {
                        n = n * 10 + d.to_digit(10).unwrap() as i64;
                    }
                    toks.push(Tok::Num(pend(1, n).await));
                } else if c.is_alphabetic() {
                    let mut s = String::new();
                    while let Some(ch) = it.next_if(|c| c.is_alphanumeric() || *c == '_') { s.push(ch); }
                    pend(1, ()).await;
                    toks.push(Tok::Ident(s));
                } else if c == '"' {
                    it.next();
                    let s: String = it.by_ref().take_while(|c| *c != '"').collect();
                    toks.push(Tok::Str(pend(2, s).await));
                } else if "+-*/=".contains(c) {
                    it.next();
                    toks.push(Tok::Op(c));
                } else {
                    return Err(format!("bad char {c:?} after {} tokens", toks.len()));
                }
            }
            Ok(toks)
        }
    },
    run: async { (tokenize("x1 = 42 + \"hi there\" * y_2").await, tokenize("a # b").await) },
}

differential! {
    /// A recursive-descent expression parser: `&mut self` async methods
    /// boxing their own recursion (`Box::pin`), precedence climbing.
    name: recursive_descent_boxed_recursion,
    items: {
        struct P { toks: Vec<char>, pos: usize, _d: D }
        impl P {
            fn peek(&self) -> Option<char> { self.toks.get(self.pos).copied() }
            fn expr(&mut self) -> Pin<Box<dyn Future<Output = Result<i64, String>> + '_>> {
                Box::pin(self.expr_inner())
            }
            #[lh] async fn expr_inner(&mut self) -> Result<i64, String> {
                let mut lhs = self.term().await?;
                while let Some(op @ ('+' | '-')) = self.peek() {
                    self.pos += 1;
                    let rhs = self.term().await?;
                    lhs = if op == '+' { lhs + rhs } else { lhs - rhs };
                }
                Ok(lhs)
            }
            #[lh] async fn term(&mut self) -> Result<i64, String> {
                let mut lhs = self.atom().await?;
                while self.peek() == Some('*') {
                    self.pos += 1;
                    lhs *= self.atom().await?;
                }
                Ok(lhs)
            }
            #[lh] async fn atom(&mut self) -> Result<i64, String> {
                pend(1, ()).await;
                match self.peek() {
                    Some('(') => {
                        self.pos += 1;
                        let v = self.expr().await?;
                        if self.peek() != Some(')') { return Err(format!("expected ) at {}", self.pos)); }
                        self.pos += 1;
                        Ok(v)
                    }
                    Some(d) if d.is_ascii_digit() => { self.pos += 1; Ok(d as i64 - '0' as i64) }
                    other => Err(format!("unexpected {other:?} at {}", self.pos)),
                }
            }
        }
        #[lh] async fn eval(s: &str) -> Result<i64, String> {
            let mut p = P { toks: s.chars().filter(|c| !c.is_whitespace()).collect(), pos: 0, _d: D::new("parser") };
            let v = p.expr().await?;
            if p.pos != p.toks.len() { return Err("trailing".to_string()); }
            Ok(v)
        }
    },
    run: async { (eval("2 * (3 + 4) - 5").await, eval("(1+2").await, eval("1+*").await) },
}

// ---------------------------------------------------------------------------
// 6. Caches
// ---------------------------------------------------------------------------

differential! {
    /// A TTL cache (a `BTreeMap`, so drop order is deterministic) keyed by `String` with a logical clock: lookups that
    /// expire entries, refills awaited, eviction of the oldest with
    /// `min_by_key`, evicted values dropped where rustc drops them.
    name: ttl_cache_eviction,
    items: {
        struct Entry { val: D, at: u32 }
        struct Cache { map: BTreeMap<String, Entry>, now: u32, ttl: u32, cap: usize }
        impl Cache {
            #[lh] async fn get(&mut self, key: &str) -> usize {
                self.now += 1;
                if let Some(e) = self.map.get(key) {
                    if self.now - e.at <= self.ttl {
                        return e.val.touch();
                    }
                    let old = self.map.remove(key);
                    pend(1, ()).await;
                    drop(old);
                }
                let fresh = pend(1, D::new(if key.len() > 1 { "long" } else { "short" })).await;
                if self.map.len() >= self.cap {
                    let oldest = self.map.iter().min_by_key(|(_, e)| e.at).map(|(k, _)| k.clone());
                    if let Some(k) = oldest {
                        let evicted = self.map.remove(&k).unwrap();
                        log(format!("evict {k}"));
                        pend(1, ()).await;
                        evicted.val.touch();
                    }
                }
                let n = fresh.touch();
                self.map.insert(key.to_string(), Entry { val: fresh, at: self.now });
                n
            }
        }
        #[lh] async fn workload() -> Vec<usize> {
            let mut c = Cache { map: BTreeMap::new(), now: 0, ttl: 2, cap: 2 };
            let mut out = vec![];
            for k in ["a", "bb", "a", "cc", "a", "bb", "bb"] {
                out.push(c.get(k).await);
            }
            out
        }
    },
    run: workload(),
}

// ---------------------------------------------------------------------------
// 7. Retry and backoff
// ---------------------------------------------------------------------------

differential! {
    /// Retry with deterministic exponential backoff (`checked_mul`,
    /// `saturating_add`, `min`), an attempt guard per iteration, the last
    /// error kept across awaits.
    name: retry_exponential_backoff,
    items: {
        async fn call(attempt: u32, succeed_at: u32) -> Result<String, String> {
            pend(1, ()).await;
            if attempt >= succeed_at { Ok(format!("ok@{attempt}")) } else { Err(format!("e{attempt}")) }
        }
        #[lh] async fn with_retry(max: u32, succeed_at: u32) -> Result<(String, u64), String> {
            let _op = D::new("op");
            let mut delay: u64 = 1;
            let mut slept: u64 = 0;
            let mut last_err = None;
            for attempt in 0..max {
                let _attempt = D::new("attempt");
                match call(attempt, succeed_at).await {
                    Ok(v) => return Ok((v, slept)),
                    Err(e) => {
                        last_err = Some(e);
                        pend((delay % 3) as u32, ()).await;
                        slept = slept.saturating_add(delay);
                        delay = delay.checked_mul(2).unwrap_or(u64::MAX).min(8);
                    }
                }
            }
            Err(last_err.map(|e| format!("gave up: {e}")).unwrap_or_default())
        }
    },
    run: async { (with_retry(5, 3).await, with_retry(2, 9).await, with_retry(0, 0).await) },
}

// ---------------------------------------------------------------------------
// 8. Middleware and trait objects
// ---------------------------------------------------------------------------

differential! {
    /// A middleware chain of `Box<dyn Fn(Req) -> Req>` and a `dyn Handler`
    /// trait object with an `impl Future`-returning method (boxed).
    name: middleware_chain_dyn_fn_and_handler,
    items: {
        #[derive(Debug, Clone)]
        struct Req { path: String, headers: Vec<(String, String)>, user: Option<String> }
        trait Handler {
            fn handle<'a>(&'a self, req: &'a Req) -> Pin<Box<dyn Future<Output = Result<String, u16>> + 'a>>;
        }
        struct Echo(D);
        impl Handler for Echo {
            fn handle<'a>(&'a self, req: &'a Req) -> Pin<Box<dyn Future<Output = Result<String, u16>> + 'a>> {
                Box::pin(async move {
                    pend(1, ()).await;
                    self.0.touch();
                    match &req.user { Some(u) => Ok(format!("{} for {u}", req.path)), None => Err(401) }
                })
            }
        }
        #[lh] async fn serve(reqs: Vec<Req>) -> Vec<Result<String, u16>> {
            let mws: Vec<Box<dyn Fn(Req) -> Req>> = vec![
                Box::new(|mut r| { r.headers.push(("x-trace".into(), "1".into())); r }),
                Box::new(|mut r| {
                    if r.headers.iter().any(|(k, v)| k == "auth" && v == "ok") { r.user = Some("root".into()); }
                    r
                }),
            ];
            let handler: Box<dyn Handler> = Box::new(Echo(D::new("echo")));
            let mut out = Vec::new();
            for req in reqs {
                let req = mws.iter().fold(req, |r, mw| mw(r));
                pend(1, ()).await;
                let res = handler.handle(&req).await;
                out.push(res.map(|s| format!("{s} [{}]", req.headers.len())));
            }
            out
        }
    },
    run: serve(vec![
        Req { path: "/a".into(), headers: vec![("auth".into(), "ok".into())], user: None },
        Req { path: "/b".into(), headers: vec![], user: None },
    ]),
}

differential! {
    /// A generic repository trait with `impl Future` methods (RPITIT),
    /// implemented by an in-memory store, called through a generic fn.
    name: generic_repository_trait_rpitit,
    items: {
        trait Repo {
            type Item: std::fmt::Debug + Clone;
            fn find(&self, id: u32) -> impl Future<Output = Option<Self::Item>>;
            fn save(&mut self, id: u32, item: Self::Item) -> impl Future<Output = bool>;
        }
        struct Mem { rows: BTreeMap<u32, String>, _d: D }
        impl Repo for Mem {
            type Item = String;
            #[lh] async fn find(&self, id: u32) -> Option<String> {
                pend(1, ()).await;
                self.rows.get(&id).cloned()
            }
            #[lh] async fn save(&mut self, id: u32, item: String) -> bool {
                let fresh = !self.rows.contains_key(&id);
                pend(fresh as u32, ()).await;
                self.rows.insert(id, item);
                fresh
            }
        }
        #[lh] async fn upsert_all<R: Repo>(repo: &mut R, items: Vec<(u32, R::Item)>) -> Vec<(bool, Option<R::Item>)> {
            let _g = D::new("batch");
            let mut out = Vec::with_capacity(items.len());
            for (id, item) in items {
                let before = repo.find(id).await;
                let created = repo.save(id, item).await;
                out.push((created, before));
            }
            out
        }
        #[lh] async fn go() -> (Vec<(bool, Option<String>)>, usize) {
            let mut m = Mem { rows: BTreeMap::new(), _d: D::new("mem") };
            m.rows.insert(2, "two".into());
            let r = upsert_all(&mut m, vec![(1, "one".into()), (2, "deux".into()), (1, "uno".into())]).await;
            (r, m.rows.len())
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 9. Trees and graphs
// ---------------------------------------------------------------------------

differential! {
    /// Async recursion over a tree with `Box::pin`: sum of leaves, depth
    /// limit as an early error, a `D` per level.
    name: async_tree_recursion_box_pin,
    items: {
        enum Tree { Leaf(u32), Node(Vec<Tree>) }
        fn walk<'a>(t: &'a Tree, depth: u32) -> Pin<Box<dyn Future<Output = Result<u32, String>> + 'a>> {
            Box::pin(walk_inner(t, depth))
        }
        #[lh] async fn walk_inner(t: &Tree, depth: u32) -> Result<u32, String> {
            let _lvl = D::new("level");
            if depth > 3 { return Err(format!("too deep at {depth}")); }
            match t {
                Tree::Leaf(v) => Ok(pend(1, *v).await),
                Tree::Node(kids) => {
                    let mut s = 0;
                    for k in kids {
                        s += walk(k, depth + 1).await?;
                    }
                    Ok(s)
                }
            }
        }
    },
    run: async {
        let t = Tree::Node(vec![Tree::Leaf(1), Tree::Node(vec![Tree::Leaf(2), Tree::Leaf(3)]), Tree::Leaf(4)]);
        let deep = Tree::Node(vec![Tree::Node(vec![Tree::Node(vec![Tree::Node(vec![Tree::Leaf(1)])])])]);
        (walk(&t, 0).await, walk(&deep, 0).await)
    },
}

differential! {
    /// A graph of `Rc<RefCell<Node>>` with weak back edges: BFS with a
    /// `VecDeque`, visited set, borrows released before each await.
    name: rc_refcell_graph_bfs,
    items: {
        struct Node { id: u32, edges: Vec<Rc<RefCell<Node>>>, seen: bool, _d: D }
        #[lh] async fn bfs(start: Rc<RefCell<Node>>) -> Vec<u32> {
            let mut order = Vec::new();
            let mut q = VecDeque::new();
            q.push_back(start);
            while let Some(n) = q.pop_front() {
                if n.borrow().seen { continue; }
                n.borrow_mut().seen = true;
                let id = n.borrow().id;
                order.push(pend(1, id).await);
                let next: Vec<_> = n.borrow().edges.iter().cloned().collect();
                for e in next {
                    if !e.borrow().seen { q.push_back(e); }
                }
            }
            order
        }
    },
    run: async {
        let mk = |id, name| Rc::new(RefCell::new(Node { id, edges: vec![], seen: false, _d: D::new(name) }));
        let (a, b, c, d) = (mk(1, "a"), mk(2, "b"), mk(3, "c"), mk(4, "d"));
        a.borrow_mut().edges = vec![b.clone(), c.clone()];
        b.borrow_mut().edges = vec![d.clone()];
        c.borrow_mut().edges = vec![d.clone()];
        let r = bfs(a.clone()).await;
        for n in [&a, &b, &c, &d] { n.borrow_mut().edges.clear(); }
        r
    },
}

// ---------------------------------------------------------------------------
// 10. Shadowing, labels, let-else, if-let chains
// ---------------------------------------------------------------------------

differential! {
    /// Heavy shadowing of `D`-carrying names across awaits: each shadowed
    /// value stays alive to the end of its scope, in declaration order.
    name: heavy_shadowing_drop_order,
    items: {
        #[lh] async fn f(n: u32) -> usize {
            let x = D::new("x1");
            let x = (x, D::new("x2"));
            pend(1, ()).await;
            let n = n + pend(1, 1).await;
            let x = {
                let x = D::new("x3-inner");
                pend(n % 2, ()).await;
                x.touch() + 1
            };
            let s = format!("{x}");
            let s = s.len() + pend(1, x).await;
            let x = D::new("x4");
            if n > 1 {
                let x = D::new("x5");
                pend(1, ()).await;
                return x.touch() + s;
            }
            x.touch() + s
        }
    },
    run: async { (f(0).await, f(3).await) },
}

differential! {
    /// Labeled `break 'outer value` out of nested `loop`s and a labeled
    /// block, with `D`s in each scope and awaits in both loops.
    name: labeled_break_outer_value,
    items: {
        #[lh] async fn find(grid: Vec<Vec<i32>>, target: i32) -> Option<(usize, usize, usize)> {
            let _scan = D::new("scan");
            let mut steps = 0;
            let found = 'outer: loop {
                let _row_guard = D::new("rows");
                let mut r = 0;
                loop {
                    if r >= grid.len() { break 'outer None; }
                    let _row = D::new("row");
                    let row = &grid[r];
                    let mut c = 0;
                    while c < row.len() {
                        steps += pend(1, 1).await;
                        if row[c] == target { break 'outer Some((r, c)); }
                        c += 1;
                    }
                    r += 1;
                }
            };
            let extra = 'blk: {
                let Some((r, _)) = found else { break 'blk 0; };
                pend(1, ()).await;
                r * 10
            };
            found.map(|(r, c)| (r, c, steps + extra))
        }
    },
    run: async { (find(vec![vec![1, 2], vec![3, 4, 5]], 4).await, find(vec![vec![7]], 9).await) },
}

differential! {
    /// `let .. else` with `D` bindings moved out of a tuple, returning from
    /// the `else` after awaits; an `if let .. else if let .. else` chain.
    name: let_else_and_if_let_else_if_let,
    items: {
        enum Ev { Key(char, D), Click { x: i32, y: i32 }, Resize(u32), Quit }
        #[lh] async fn handle(evs: Vec<Ev>) -> Vec<String> {
            let mut out = vec![];
            let _ui = D::new("ui");
            for ev in evs {
                let line = if let Ev::Key(c, d) = &ev {
                    pend(1, ()).await;
                    format!("key {c} {}", d.touch())
                } else if let Ev::Click { x, y: y @ 0..=10 } = ev {
                    format!("low click {x},{y}")
                } else if let Ev::Click { x, .. } = ev {
                    pend(1, format!("click {x}")).await
                } else if let Ev::Resize(w) = ev {
                    let Some(half) = w.checked_div(2) else { unreachable!() };
                    format!("resize {half}")
                } else {
                    let Ev::Quit = ev else { return out; };
                    pend(1, ()).await;
                    out.push("bye".into());
                    return out;
                };
                out.push(line);
            }
            out
        }
    },
    run: handle(vec![
        Ev::Key('a', D::new("ka")),
        Ev::Click { x: 1, y: 5 },
        Ev::Click { x: 2, y: 50 },
        Ev::Resize(9),
        Ev::Quit,
        Ev::Key('b', D::new("kb")),
    ]),
}

differential! {
    /// `let .. else` destructuring an owned pair of `D`s where the `else`
    /// diverges after an await; the bound parts live across later awaits.
    name: let_else_owned_pair,
    items: {
        #[lh] async fn f(p: Option<(D, D)>, tag: D) -> usize {
            let Some((a, b)) = p else {
                pend(1, ()).await;
                return tag.touch();
            };
            pend(1, ()).await;
            let n = a.touch();
            drop(a);
            pend(1, ()).await;
            n + b.touch()
        }
    },
    run: async {
        (f(Some((D::new("a"), D::new("b"))), D::new("t1")).await, f(None, D::new("t2")).await)
    },
}

// ---------------------------------------------------------------------------
// 11. Patterns
// ---------------------------------------------------------------------------

differential! {
    /// `@` bindings and nested enum patterns with `ref` / `ref mut` on a
    /// local kept across awaits, mutating through the `ref mut`.
    name: at_bindings_nested_enum_ref_mut,
    items: {
        #[derive(Debug)]
        enum Shape { Circle { r: u32 }, Rect(u32, u32), Group(Vec<Shape>, D) }
        #[lh] async fn area(mut s: Shape) -> (u32, String) {
            let a = match s {
                Shape::Circle { r: r @ 0..=2 } => pend(1, 3 * r * r).await,
                Shape::Circle { r } => 3 * r * pend(1, r).await,
                Shape::Rect(w, h) if w == h => pend(1, w * w).await,
                Shape::Rect(w, h) => w * h,
                Shape::Group(ref mut kids, ref d) => {
                    kids.push(Shape::Rect(1, 1));
                    pend(1, ()).await;
                    d.touch();
                    kids.len() as u32
                }
            };
            (a, format!("{s:?}"))
        }
    },
    run: async {
        (area(Shape::Circle { r: 2 }).await, area(Shape::Circle { r: 5 }).await,
         area(Shape::Rect(3, 3)).await, area(Shape::Rect(2, 5)).await,
         area(Shape::Group(vec![Shape::Rect(1, 2)], D::new("grp"))).await)
    },
}

differential! {
    /// Match guards that read locals and an `&mut` counter kept across
    /// awaits, with a binding `@` subpattern in a guarded arm.
    name: match_guards_read_kept_locals,
    items: {
        #[lh] async fn classify(xs: Vec<i32>) -> Vec<&'static str> {
            let mut limit = 3;
            let mut seen = 0;
            let mut out = vec![];
            let _g = D::new("classifier");
            for x in xs {
                let tag = match x {
                    n @ 0..=9 if n < limit => { limit += pend(1, 1).await; "small" }
                    n if n < 0 && seen > 1 => { pend(1, ()).await; "neg-late" }
                    n if n < 0 => "neg",
                    _ if { seen += 1; seen % 2 == 0 } => pend(1, "even-seen").await,
                    _ => "other",
                };
                out.push(tag);
            }
            out.push(if limit > 4 { "wide" } else { "narrow" });
            out
        }
    },
    run: classify(vec![1, 2, 5, -1, 20, 30, -2, 4, 40]),
}

differential! {
    /// Tuple-of-enums scrutinee with nested `Some(Ok(..))` / `Some(Err(..))`
    /// patterns, by-value bindings of `D`s from an owned tuple.
    name: nested_option_result_tuple_patterns,
    items: {
        #[lh] async fn merge(a: Option<Result<D, String>>, b: Option<D>) -> String {
            let _m = D::new("merge");
            match (a, b) {
                (Some(Ok(x)), Some(y)) => {
                    pend(1, ()).await;
                    format!("both {} {}", x.touch(), y.touch())
                }
                (Some(Ok(x)), None) => format!("left {}", pend(1, x).await.touch()),
                (Some(Err(e)), other) => {
                    let n = pend(1, e.len()).await;
                    format!("err {n} {}", other.map(|d| d.touch()).unwrap_or(0))
                }
                (None, Some(y)) => { let y = y; pend(1, ()).await; format!("right {}", y.touch()) }
                (None, None) => "none".to_string(),
            }
        }
    },
    run: async {
        (merge(Some(Ok(D::new("x1"))), Some(D::new("y1"))).await,
         merge(Some(Ok(D::new("x2"))), None).await,
         merge(Some(Err("bad".into())), Some(D::new("y3"))).await,
         merge(None, Some(D::new("y4"))).await,
         merge(None, None).await)
    },
}

// ---------------------------------------------------------------------------
// 12. std::mem across awaits
// ---------------------------------------------------------------------------

differential! {
    /// `mem::take`, `mem::replace` and `mem::swap` on `D`-holding locals and
    /// fields across awaits: the old values drop where rustc drops them.
    name: mem_take_replace_swap_buffers,
    items: {
        #[derive(Default)]
        struct Buf { items: Vec<D>, epoch: u32 }
        #[lh] async fn rotate(mut front: Buf, mut back: Buf) -> (u32, u32, usize) {
            pend(1, ()).await;
            std::mem::swap(&mut front, &mut back);
            let old = std::mem::replace(&mut front.items, vec![D::new("fresh")]);
            pend(1, ()).await;
            let n = old.len();
            drop(old);
            let taken = std::mem::take(&mut back);
            pend(1, ()).await;
            front.epoch += taken.epoch;
            let t = std::mem::replace(&mut back, taken);
            pend(1, ()).await;
            (front.epoch, back.epoch + t.epoch, n + back.items.len())
        }
    },
    run: rotate(
        Buf { items: vec![D::new("f1"), D::new("f2")], epoch: 1 },
        Buf { items: vec![D::new("b1")], epoch: 10 },
    ),
}

known_gap! {
    reason: "s3-2 (runs differently, events): struct update `Cfg { name: .., ..base }` leaves `base.name` (a `D`) unmoved in `base`; rustc drops it when `base` goes out of scope, longhand drops it at the next suspension (the partial-move gap of domains 5 / stress R, through `..base`)",
    differential! {
        /// Struct update syntax `..base` with `D` fields: the fields not taken
        /// from `base` drop with `base`, at its scope end, across awaits.
        name: struct_update_base_rest_drop,
        items: {
            #[derive(Debug)]
            struct Cfg { name: D, retries: u32, log: D, extra: D }
            #[lh] async fn build(which: u32) -> usize {
                let base = Cfg { name: D::new("base-name"), retries: 3, log: D::new("base-log"), extra: D::new("base-extra") };
                pend(1, ()).await;
                let cfg = Cfg { name: D::new("new-name"), retries: pend(1, 5).await, ..base };
                pend(1, ()).await;
                if which == 0 { return cfg.name.touch(); }
                cfg.log.touch() + cfg.retries as usize
            }
        },
        run: async { (build(0).await, build(1).await) },
    }
}

// ---------------------------------------------------------------------------
// 13. Closures kept across awaits
// ---------------------------------------------------------------------------

differential! {
    /// Closures stored in locals (a `move` closure owning a `D`, a `FnMut`
    /// borrowing a counter, a boxed `dyn Fn`) called after awaits.
    name: closures_in_locals_called_after_awaits,
    items: {
        #[lh] async fn f(base: u32) -> (u32, u32, String) {
            let owner = D::new("owner");
            let name = move || owner.touch() as u32;
            let mut count = 0;
            let mut bump = |by: u32| { count += by; count };
            let fmt: Box<dyn Fn(u32) -> String> = Box::new(move |v| format!("<{v}+{base}>"));
            pend(1, ()).await;
            let a = bump(pend(1, 2).await);
            let b = bump(name());
            pend(1, ()).await;
            let s = fmt(a + b);
            drop(bump);
            (count, name(), s)
        }
    },
    run: f(7),
}

differential! {
    /// Iterator-adapter-heavy code between awaits: `filter_map`, `zip`,
    /// `scan`, `flat_map`, `rev`, `step_by`, `fold`, collected into maps.
    name: iterator_adapters_between_awaits,
    items: {
        #[lh] async fn stats(words: Vec<&str>) -> (BTreeMap<usize, Vec<String>>, Vec<i32>, u64) {
            let lens: Vec<usize> = words.iter().map(|w| w.len()).collect();
            pend(1, ()).await;
            let mut by_len: BTreeMap<usize, Vec<String>> = BTreeMap::new();
            for (w, l) in words.iter().zip(lens.iter()).filter(|(w, _)| !w.starts_with('#')) {
                by_len.entry(*l).or_default().push(w.to_uppercase());
            }
            let running: Vec<i32> = pend(1, lens.iter().scan(0i32, |acc, &l| { *acc += l as i32; Some(*acc) }).collect()).await;
            let chars: u64 = words.iter().flat_map(|w| w.chars()).rev().step_by(2)
                .filter_map(|c| c.to_digit(36)).fold(0u64, |a, d| a.wrapping_mul(7).wrapping_add(d as u64));
            let chars = pend(1, chars).await;
            (by_len, running, chars)
        }
    },
    run: stats(vec!["alpha", "#skip", "be", "gamma", "zz"]),
}

differential! {
    /// `while let Some(x) = stack.pop()` with pushes after awaits (an
    /// explicit-stack DFS over a directory-like tree), a `D` per frame.
    name: while_let_pop_push_after_await,
    items: {
        #[lh] async fn du(tree: BTreeMap<&'static str, Vec<&'static str>>, sizes: BTreeMap<&'static str, u64>) -> (u64, Vec<&'static str>) {
            let mut stack = vec![("/", 0u32)];
            let mut total = 0u64;
            let mut visited = vec![];
            while let Some((dir, depth)) = stack.pop() {
                let _frame = D::new("frame");
                visited.push(dir);
                total += pend(1, sizes.get(dir).copied().unwrap_or(0)).await;
                if depth >= 2 { continue; }
                if let Some(children) = tree.get(dir) {
                    for c in children.iter().rev() {
                        pend(0, ()).await;
                        stack.push((c, depth + 1));
                    }
                }
            }
            (total, visited)
        }
    },
    run: du(
        BTreeMap::from([("/", vec!["a", "b"]), ("a", vec!["a1", "a2"]), ("a1", vec!["deep"])]),
        BTreeMap::from([("a", 1), ("a1", 10), ("a2", 100), ("b", 1000), ("deep", 10000)]),
    ),
}

known_gap! {
    reason: "s3-2 minimal (runs differently, events): `let c = C { a: D::new(\"a2\"), ..base }; pend(1, ()).await;`: the unmoved `base.a` drops at the suspension in longhand, at the end of the scope (after `c`) in rustc",
    differential! {
        /// s3-2 minimal: struct update syntax leaving a droppable field in
        /// the base, then an await.
        name: struct_update_leaves_droppable_field,
        items: {
            struct C { a: D, b: D }
            #[lh] async fn f() -> usize {
                let base = C { a: D::new("a"), b: D::new("b") };
                let c = C { a: D::new("a2"), ..base };
                pend(1, ()).await;
                c.b.touch()
            }
        },
        run: f(),
    }
}

// ---------------------------------------------------------------------------
// 14. Cursors, pagination and request loops
// ---------------------------------------------------------------------------

differential! {
    /// Cursor pagination: `fetch(cursor).await` with a `Copy` cursor that is
    /// reassigned from the page only when there is a next page.
    name: pagination_copy_cursor,
    items: {
        struct Page { items: Vec<u32>, next: Option<u32> }
        async fn fetch(cursor: u32) -> Page {
            pend(1, ()).await;
            let items = (cursor..cursor + 2).collect();
            Page { items, next: if cursor < 4 { Some(cursor + 2) } else { None } }
        }
        #[lh] async fn all() -> Vec<u32> {
            let _client = D::new("client");
            let mut cursor = 0;
            let mut out = vec![];
            loop {
                let page = fetch(cursor).await;
                out.extend(page.items);
                if let Some(c) = page.next { cursor = c; } else { break; }
            }
            out.push(cursor);
            out
        }
    },
    run: all(),
}

differential! {
    /// s3-1 pagination, with `continue` and a labelled `break`: an arm that
    /// jumps covers an assignment only if the code it jumps to does not read
    /// the cursor first (the loop's head reads it; after the outer loop it is
    /// read; after the inner one it is assigned).
    name: pagination_cursor_arms_that_jump,
    items: {
        fn step(c: u32) -> Option<u32> {
            if c < 6 { Some(c + 2) } else { None }
        }
        #[lh] async fn all() -> (u32, u32, Vec<u32>) {
            let mut cursor = 0u32;
            let mut skip = 0u32;
            let mut out = vec![];
            'pages: loop {
                let next = pend(1, step(cursor)).await;
                out.push(next.unwrap_or(skip));
                match next {
                    Some(c) => cursor = c,
                    None if skip < 2 => {
                        skip += 1;
                        continue;
                    }
                    None => break 'pages,
                }
            }
            let mut inner = 0u32;
            loop {
                loop {
                    let step = pend(1, inner < 3).await;
                    if step { inner += 1; } else { break; }
                }
                inner = 10;
                break;
            }
            (cursor, inner, out)
        }
    },
    run: all(),
}

differential! {
    /// A request value moved into the awaitee and reassigned from the
    /// response only on `Retry` (the loop ends otherwise).
    name: request_moved_then_reassigned_on_retry,
    items: {
        struct Req { body: D, attempt: u32 }
        enum Resp { Done(usize), Retry(Req) }
        async fn send(r: Req) -> Resp {
            pend(1, ()).await;
            if r.attempt < 2 { Resp::Retry(Req { body: r.body, attempt: r.attempt + 1 }) } else { Resp::Done(r.body.touch()) }
        }
        #[lh] async fn call() -> usize {
            let mut req = Req { body: D::new("body"), attempt: 0 };
            let _span = D::new("span");
            loop {
                match send(req).await {
                    Resp::Done(n) => break n,
                    Resp::Retry(r) => { req = r; }
                }
            }
        }
    },
    run: call(),
}

differential! {
    /// A `Copy` counter read by the awaitee and incremented with `+=` after
    /// the await in a polling loop.
    name: copy_counter_in_awaitee_compound_assign,
    items: {
        #[lh] async fn poll_until(limit: u32) -> (u32, u32) {
            let mut n = 0;
            let mut total = 0;
            loop {
                let x = pend(1, n * 2).await;
                total += x;
                if x > limit { break; }
                n += 1;
            }
            (n, total)
        }
    },
    run: poll_until(5),
}

differential! {
    /// A `Copy` value passed to the awaitee then reassigned in one `match`
    /// arm only (a state enum that is `Copy`).
    name: copy_state_enum_reassigned_in_one_arm,
    items: {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum St { Idle, Busy(u8), Done }
        async fn step(s: St) -> Option<St> {
            pend(1, ()).await;
            match s { St::Idle => Some(St::Busy(0)), St::Busy(n) if n < 2 => Some(St::Busy(n + 1)), St::Busy(_) => Some(St::Done), St::Done => None }
        }
        #[lh] async fn drive_fsm() -> Vec<St> {
            let mut st = St::Idle;
            let mut trace = vec![];
            for _ in 0..10 {
                match step(st).await {
                    Some(next) => st = next,
                    None => {}
                }
                trace.push(st);
                if st == St::Done { break; }
            }
            trace
        }
    },
    run: drive_fsm(),
}

// ---------------------------------------------------------------------------
// 15. Awaits inside macro arguments
// ---------------------------------------------------------------------------

differential! {
    /// Awaited values directly inside `format!`, `vec!`, `assert_eq!`,
    /// `assert!` and `write!` arguments, mixed with `D` temporaries.
    name: awaits_inside_macro_arguments,
    items: {
        use std::fmt::Write as _;
        #[lh] async fn report(n: u32) -> (String, Vec<usize>) {
            let d = D::new("d");
            let s = format!("{}-{}-{:>4}", pend(1, n).await, d.touch(), pend(1, "x").await);
            let v = vec![pend(1, 1usize).await, D::new("tmp").touch(), pend(0, 3).await];
            assert_eq!(pend(1, v.len()).await, 3, "len {}", v.len());
            assert!(pend(1, n < 100).await);
            let mut out = String::new();
            write!(out, "[{}]", pend(1, s.len()).await).unwrap();
            (format!("{s}{out}"), v)
        }
    },
    run: report(7),
}

differential! {
    /// `assert_eq!` with an awaited operand failing: the panic message and
    /// drops during unwinding match rustc.
    name: assert_eq_awaited_operand_panics,
    items: {
        #[lh] async fn check(want: u32) -> u32 {
            let _a = D::new("a");
            let got = D::new("got");
            assert_eq!(pend(1, got.touch() as u32).await, want, "for {:?}", got.0);
            want
        }
    },
    run: check(5),
}

// ---------------------------------------------------------------------------
// 16. Method calls on awaited values
// ---------------------------------------------------------------------------

differential! {
    /// Method calls on awaited values in `if` conditions, match arms, `&&`
    /// chains and as closure inputs (`map(|x| ..)` on an awaited `Option`).
    name: methods_on_awaited_values_everywhere,
    items: {
        async fn name_of(id: u32) -> Option<String> {
            pend(1, ()).await;
            if id % 3 == 0 { None } else { Some(format!("user{id}")) }
        }
        #[lh] async fn summary(ids: Vec<u32>) -> Vec<String> {
            let _g = D::new("g");
            let mut out = vec![];
            for id in ids {
                if name_of(id).await.is_none() { out.push(format!("missing {id}")); continue; }
                let len = match name_of(id).await.map(|n| n.len()) {
                    Some(l) if l > 5 => pend(1, l).await.to_string(),
                    Some(l) => name_of(id + 1).await.unwrap_or_default().to_uppercase() + &l.to_string(),
                    None => unreachable!(),
                };
                if id > 1 && name_of(id).await.as_deref().is_some_and(|n| n.ends_with('2')) {
                    out.push("ends with 2".into());
                }
                out.push(len);
            }
            out
        }
    },
    run: summary(vec![1, 2, 3, 12]),
}

// ---------------------------------------------------------------------------
// 17. Edition 2024 temporary scopes
// ---------------------------------------------------------------------------

differential! {
    /// Edition 2024 tail-expression temporaries drop before the locals: a
    /// `D` temporary in the tail after awaits, with locals still alive.
    name: tail_expression_temporary_drops_before_locals,
    items: {
        fn mk(n: &'static str) -> D { D::new(n) }
        #[lh] async fn f() -> usize {
            let a = D::new("local-a");
            pend(1, ()).await;
            let b = D::new("local-b");
            mk("tail-temp").touch() + b.touch() + a.touch()
        }
        #[lh] async fn g() -> usize {
            let a = D::new("local-a2");
            mk("tail-temp2").touch() + pend(1, a.touch()).await
        }
    },
    run: async { (f().await, g().await) },
}

differential! {
    /// Edition 2024 `if let` scrutinee temporaries drop before the `else`
    /// block, and a `match` scrutinee temporary lives across the arms'
    /// awaits.
    name: if_let_and_match_scrutinee_temporaries,
    items: {
        struct Holder(D, Option<u32>);
        impl Holder { fn get(&self) -> Option<u32> { self.1 } }
        fn make(name: &'static str, v: Option<u32>) -> Holder { Holder(D::new(name), v) }
        #[lh] async fn f(v: Option<u32>) -> u32 {
            let r = if let Some(x) = make("iflet-temp", v).get() {
                pend(1, x).await
            } else {
                pend(1, ()).await;
                0
            };
            let m = match make("match-temp", v).get() {
                Some(x) => pend(1, x + 1).await,
                None => { pend(1, ()).await; 100 }
            };
            r + m
        }
    },
    run: async { (f(Some(3)).await, f(None).await) },
}

differential! {
    /// Temporaries of a `let` statement whose later operand awaits live
    /// across the await to the end of the statement.
    name: let_statement_temporaries_across_await,
    items: {
        fn mk(n: &'static str) -> D { D::new(n) }
        #[lh] async fn f() -> usize {
            let x = mk("t1").touch() + pend(1, 1).await + mk("t2").touch();
            let y = { let inner = mk("inner"); inner.touch() } + pend(1, x).await;
            let z = [mk("arr0"), mk("arr1")].iter().map(|d| d.touch()).sum::<usize>() + pend(1, 0).await;
            x + y + z
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 18. Async blocks and join
// ---------------------------------------------------------------------------

differential! {
    /// `async move` blocks built in a loop, pushed into a `Vec`, awaited in
    /// reverse later; each owns a `D`; some are dropped unawaited.
    name: async_blocks_in_vec_awaited_later,
    items: {
        #[lh] async fn f(n: u32) -> Vec<usize> {
            let mut jobs = Vec::new();
            for i in 0..n {
                let d = D::new(["j0", "j1", "j2", "j3"][i as usize]);
                jobs.push(async move {
                    pend(i, ()).await;
                    d.touch() + i as usize
                });
            }
            pend(1, ()).await;
            let mut out = vec![];
            while jobs.len() > 1 {
                let job = jobs.pop().unwrap();
                out.push(job.await);
            }
            out
        }
    },
    run: f(4),
}

differential! {
    /// `futures::join!` and `tokio::join!` over async blocks borrowing
    /// locals, with `D`s in each branch; cancellation mid-join.
    name: join_macros_borrowing_locals,
    items: {
        #[lh] async fn f() -> (usize, usize, usize) {
            let shared = D::new("shared");
            let mut counter = 0u32;
            let (a, b) = futures::join!(
                async { let _x = D::new("ja"); pend(2, shared.touch()).await },
                async { pend(1, ()).await; D::new("jb").touch() },
            );
            counter += 1;
            let (c, ()) = tokio::join!(
                async { pend(1, a + b).await },
                async { let _y = D::new("tj"); pend(2, ()).await; },
            );
            (a, b, c + counter as usize)
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 19. Panics with live values
// ---------------------------------------------------------------------------

differential! {
    /// A panic from `unwrap` on an awaited `None` deep inside nested scopes:
    /// the drops during unwinding follow declaration order.
    name: panic_unwrap_awaited_none_nested_scopes,
    items: {
        #[lh] async fn f() -> u32 {
            let _outer = D::new("outer");
            let v = vec![D::new("v0"), D::new("v1")];
            for (i, d) in v.iter().enumerate() {
                let _it = D::new("iter");
                d.touch();
                if i == 1 {
                    let _inner = D::new("inner");
                    let x: Option<u32> = pend(1, None).await;
                    return x.unwrap();
                }
                pend(1, ()).await;
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// Checked and saturating arithmetic between awaits; `checked_sub`
    /// failing turns into an early `Err` with `ok_or_else`.
    name: checked_saturating_arithmetic,
    items: {
        #[lh] async fn budget(mut left: u32, costs: Vec<u32>) -> Result<(u32, u8), String> {
            let _acct = D::new("account");
            let mut level: u8 = 250;
            for (i, c) in costs.iter().enumerate() {
                let c = pend(1, *c).await;
                left = left.checked_sub(c).ok_or_else(|| format!("over budget at {i}: {left} < {c}"))?;
                level = level.saturating_add(pend(0, c as u8).await);
                let ratio = left.checked_div(c).unwrap_or(u32::MAX);
                if ratio == 0 { break; }
            }
            Ok((left.saturating_mul(3).wrapping_add(1), level))
        }
    },
    run: async { (budget(10, vec![3, 4]).await, budget(5, vec![2, 9]).await, budget(100, vec![0, 50]).await) },
}

// ---------------------------------------------------------------------------
// 20. Await positions in control flow
// ---------------------------------------------------------------------------

differential! {
    /// Awaits in `match` guards (a rate check per request), in a `while`
    /// condition and in a `for` loop's range end.
    name: awaits_in_guards_conditions_ranges,
    items: {
        async fn allowed(user: &str, n: u32) -> bool {
            pend(1, ()).await;
            !user.starts_with('x') && n < 3
        }
        #[lh] async fn gate(reqs: Vec<(&'static str, D)>) -> Vec<String> {
            let mut out = vec![];
            let mut served = 0u32;
            for (user, body) in reqs {
                let verdict = match user {
                    u if u.is_empty() => "empty".to_string(),
                    u if allowed(u, served).await => { served += 1; format!("ok {u} {}", body.touch()) }
                    u => format!("denied {u}"),
                };
                out.push(verdict);
            }
            let mut i = 0;
            while pend(1, i < served).await {
                i += 1;
            }
            for k in 0..pend(1, served).await {
                out.push(format!("slot {k}"));
            }
            out
        }
    },
    run: gate(vec![("ann", D::new("b1")), ("", D::new("b2")), ("xavier", D::new("b3")), ("bob", D::new("b4"))]),
}

differential! {
    /// The request gate with the awaited check hoisted before the `match`
    /// (s3-4 control), awaits in a `while` condition and a range end.
    name: awaited_check_before_match_conditions_ranges,
    items: {
        async fn allowed(user: &str, n: u32) -> bool {
            pend(1, ()).await;
            !user.starts_with('x') && n < 3
        }
        #[lh] async fn gate(reqs: Vec<(&'static str, D)>) -> Vec<String> {
            let mut out = vec![];
            let mut served = 0u32;
            for (user, body) in reqs {
                let ok = !user.is_empty() && allowed(user, served).await;
                let verdict = match user {
                    u if u.is_empty() => "empty".to_string(),
                    u if ok => { served += 1; format!("ok {u} {}", body.touch()) }
                    u => format!("denied {u}"),
                };
                out.push(verdict);
            }
            let mut i = 0;
            while pend(1, i < served).await {
                i += 1;
            }
            for k in 0..pend(1, served).await {
                out.push(format!("slot {k}"));
            }
            out
        }
    },
    run: gate(vec![("ann", D::new("b1")), ("", D::new("b2")), ("xavier", D::new("b3")), ("bob", D::new("b4"))]),
}

differential! {
    /// `break pend(..).await` and `return pend(..).await` out of nested
    /// loops, an awaited index `v[i.await]`, `for x in fetch().await`.
    name: awaits_in_break_return_index_iter,
    items: {
        async fn fetch(n: usize) -> Vec<D> {
            pend(1, ()).await;
            ["f0", "f1", "f2", "f3"][..n].iter().map(|s| D::new(s)).collect()
        }
        #[lh] async fn f(n: usize) -> usize {
            let names = vec!["a", "bb", "ccc"];
            let first = names[pend(1, 1usize).await].len();
            let mut total = first;
            let found = loop {
                for d in fetch(n).await {
                    total += d.touch();
                    if total > 8 { break; }
                }
                if total > 5 { break pend(1, total * 10).await; }
                if n == 0 { return pend(1, 999).await; }
                total += 1;
            };
            found
        }
    },
    run: async { (f(3).await, f(1).await, f(0).await) },
}

differential! {
    /// Struct literals with awaited fields written out of declaration order
    /// and `D`s before and after: cancellation mid-literal drops the fields
    /// already built.
    name: struct_literal_awaited_fields_out_of_order,
    items: {
        #[derive(Debug)]
        struct Reply { status: u16, body: D, headers: Vec<D>, trailer: D }
        #[lh] async fn build() -> (u16, usize) {
            let r = Reply {
                trailer: D::new("trailer"),
                headers: vec![D::new("h1"), pend(1, D::new("h2")).await],
                status: pend(1, 200).await,
                body: pend(2, D::new("body")).await,
            };
            pend(1, ()).await;
            (r.status, r.headers.len() + r.body.touch())
        }
    },
    run: build(),
}

differential! {
    /// A call whose arguments are an `if` with an await in one branch, a
    /// `match` with awaits, and a plain await, evaluated left to right.
    name: call_args_if_match_with_awaits,
    items: {
        fn combine(a: usize, b: D, c: usize) -> usize { a + b.touch() + c }
        #[lh] async fn f(flag: bool, k: u8) -> usize {
            let d = D::new("d");
            combine(
                if flag { pend(1, d.touch()).await } else { val("no", 0) },
                match k { 0 => D::new("k0"), 1 => pend(1, D::new("k1")).await, _ => { pend(2, ()).await; D::new("kx") } },
                pend(1, val("third", 3)).await,
            )
        }
    },
    run: async { (f(true, 0).await, f(false, 1).await, f(true, 7).await) },
}

// ---------------------------------------------------------------------------
// 21. &mut self state machines
// ---------------------------------------------------------------------------

differential! {
    /// A connection state machine in `&mut self`: `match &mut self.state`
    /// with `ref mut`-style bindings, then `self.state = ..` after awaits.
    name: mut_self_state_machine_reassigned,
    items: {
        enum State { Connecting(u32), Open { buf: Vec<u8>, peer: D }, Closed(String) }
        struct Conn { state: State, events: Vec<String> }
        impl Conn {
            #[lh] async fn step(&mut self, input: Option<u8>) -> bool {
                match &mut self.state {
                    State::Connecting(tries) => {
                        *tries += 1;
                        let ok = pend(1, *tries >= 2).await;
                        if ok {
                            self.state = State::Open { buf: vec![], peer: D::new("peer") };
                            self.events.push("open".into());
                        }
                        true
                    }
                    State::Open { buf, peer } => match input {
                        Some(b) => {
                            buf.push(pend(1, b).await);
                            peer.touch();
                            true
                        }
                        None => {
                            let n = buf.len();
                            pend(1, ()).await;
                            self.state = State::Closed(format!("closed after {n}"));
                            self.events.push("close".into());
                            false
                        }
                    },
                    State::Closed(why) => { self.events.push(why.clone()); false }
                }
            }
        }
        #[lh] async fn session() -> Vec<String> {
            let mut c = Conn { state: State::Connecting(0), events: vec![] };
            for inp in [None, None, Some(1), Some(2), None, None] {
                c.step(inp).await;
            }
            // (`c.events` would move a field out of `c`, pinned because
            // the awaitee borrows it: the `field_moved_out_of_a_lent_local`
            // gap.)
            std::mem::take(&mut c.events)
        }
    },
    run: session(),
}

differential! {
    /// `for (k, v) in map.iter_mut()` awaiting inside the loop body, holding
    /// the `&mut` into the map across the await.
    name: map_iter_mut_across_awaits,
    items: {
        #[lh] async fn refresh(mut m: BTreeMap<&'static str, (u32, D)>) -> Vec<(&'static str, u32)> {
            for (k, v) in m.iter_mut() {
                let bump = pend(1, k.len() as u32).await;
                v.0 += bump;
                v.1.touch();
            }
            let keys: Vec<_> = m.keys().copied().collect();
            for k in keys {
                if let Some((n, _)) = m.get_mut(k) {
                    *n = pend(1, *n * 2).await;
                }
            }
            m.into_iter().map(|(k, (n, _d))| (k, n)).collect()
        }
    },
    run: refresh(BTreeMap::from([("a", (1, D::new("da"))), ("bcd", (10, D::new("db")))])),
}

// ---------------------------------------------------------------------------
// 22. Errors
// ---------------------------------------------------------------------------

differential! {
    /// A custom error enum with `From` impls, `?` on awaited results of two
    /// error types, `map_err`, `ok_or`, `and_then` and `parse` errors.
    name: custom_error_enum_from_question_mark,
    items: {
        #[derive(Debug)]
        enum AppErr { Io(String), Parse(std::num::ParseIntError), Missing(&'static str) }
        impl From<std::num::ParseIntError> for AppErr { fn from(e: std::num::ParseIntError) -> Self { AppErr::Parse(e) } }
        impl From<String> for AppErr { fn from(e: String) -> Self { AppErr::Io(e) } }
        async fn read(path: &str) -> Result<String, String> {
            pend(1, ()).await;
            match path { "cfg" => Ok("port=80\nworkers=x".into()), "ok" => Ok("port=8080\nworkers=4".into()), _ => Err(format!("no {path}")) }
        }
        #[lh] async fn load(path: &str) -> Result<(u16, u32), AppErr> {
            let _g = D::new("loader");
            let text = read(path).await?;
            let mut port = None;
            let mut workers = None;
            for line in text.lines() {
                let (k, v) = line.split_once('=').ok_or(AppErr::Missing("="))?;
                match k {
                    "port" => port = Some(pend(1, v).await.parse::<u16>()?),
                    "workers" => workers = Some(v.parse::<u32>()?),
                    _ => {}
                }
            }
            let port = port.ok_or(AppErr::Missing("port"))?;
            let workers = workers.and_then(|w| w.checked_mul(2)).ok_or(AppErr::Missing("workers"))?;
            Ok((port, pend(1, workers).await))
        }
    },
    run: async { (load("ok").await, load("cfg").await, load("nope").await) },
}

differential! {
    /// `Box<dyn Error>` with `?` on mixed error types, `into()` on a
    /// `&str`, early return from within a `match` in a `for` in a `loop`.
    name: boxed_dyn_error_nested_early_returns,
    items: {
        type BoxErr = Box<dyn std::error::Error>;
        #[lh] async fn crawl(pages: Vec<Vec<&'static str>>) -> Result<u32, BoxErr> {
            let _crawler = D::new("crawler");
            let mut sum = 0u32;
            let mut round = 0;
            loop {
                round += 1;
                for page in &pages {
                    let _p = D::new("page");
                    for item in page {
                        match *item {
                            "stop" => return Ok(pend(1, sum).await),
                            "fail" => return Err("page failed".into()),
                            s => sum += pend(1, s).await.parse::<u32>()?,
                        }
                    }
                }
                if round >= 2 { break; }
            }
            Ok(sum)
        }
    },
    run: async {
        let fmt = |r: Result<u32, BoxErr>| r.map_err(|e| e.to_string());
        (fmt(crawl(vec![vec!["1", "2"], vec!["3"]]).await),
         fmt(crawl(vec![vec!["1"], vec!["stop"]]).await),
         fmt(crawl(vec![vec!["4", "x"]]).await),
         fmt(crawl(vec![vec!["fail"]]).await))
    },
}

// ---------------------------------------------------------------------------
// 23. Higher-order async
// ---------------------------------------------------------------------------

differential! {
    /// A generic retry helper taking `FnMut() -> Fut`, called with a closure
    /// that captures a counter and returns an `async move` block.
    name: generic_retry_fnmut_returning_future,
    items: {
        #[lh] async fn retry<F, Fut, T>(mut op: F, max: u32) -> Result<T, String>
        where F: FnMut(u32) -> Fut, Fut: Future<Output = Result<T, String>> {
            let _r = D::new("retry");
            let mut last = String::new();
            for i in 0..max {
                match op(i).await {
                    Ok(v) => return Ok(v),
                    Err(e) => { last = e; pend(1, ()).await; }
                }
            }
            Err(last)
        }
        #[lh] async fn main_like() -> (Result<String, String>, Result<String, String>, u32) {
            let mut calls = 0;
            let token = D::new("token");
            let a = retry(|i| { calls += 1; let t = token.0; async move { pend(1, ()).await; if i >= 2 { Ok(format!("{t}@{i}")) } else { Err(format!("e{i}")) } } }, 5).await;
            let b = retry(|i| async move { pend(0, ()).await; Err::<String, _>(format!("never{i}")) }, 2).await;
            (a, b, calls)
        }
    },
    run: main_like(),
}

differential! {
    /// An async trait (AFIT) with a default method calling a required one,
    /// implemented twice and used through generics and `impl Trait` args.
    name: afit_default_method_generic_callers,
    items: {
        trait Store {
            async fn get(&self, k: u32) -> Option<u32>;
            async fn get_or(&self, k: u32, dflt: u32) -> u32 {
                let _g = D::new("get_or");
                match self.get(k).await { Some(v) => v, None => { pend(1, ()).await; dflt } }
            }
        }
        struct Evens(D);
        impl Store for Evens {
            #[lh] async fn get(&self, k: u32) -> Option<u32> { pend(1, ()).await; (k % 2 == 0).then(|| { self.0.touch(); k * 10 }) }
        }
        struct Empty;
        impl Store for Empty {
            #[lh] async fn get(&self, _k: u32) -> Option<u32> { None }
        }
        #[lh] async fn sum_all(s: &impl Store, keys: &[u32]) -> u32 {
            let mut t = 0;
            for &k in keys { t += s.get_or(k, 1).await; }
            t
        }
        #[lh] async fn go() -> (u32, u32) {
            let e = Evens(D::new("evens"));
            (sum_all(&e, &[1, 2, 3, 4]).await, sum_all(&Empty, &[7, 8]).await)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 24. Shared ownership
// ---------------------------------------------------------------------------

differential! {
    /// `Rc` clones handed out and dropped across awaits, `Rc::try_unwrap`
    /// after the last clone drops, `RefCell` borrows scoped before awaits.
    name: rc_clones_try_unwrap_after_awaits,
    items: {
        #[lh] async fn f() -> (usize, Result<usize, usize>) {
            let shared = Rc::new(RefCell::new(vec![D::new("s0")]));
            let a = Rc::clone(&shared);
            let b = shared.clone();
            pend(1, ()).await;
            a.borrow_mut().push(D::new("s1"));
            drop(a);
            {
                let v = b.borrow();
                v[0].touch();
            }
            pend(1, ()).await;
            let n = Rc::strong_count(&shared);
            drop(b);
            let cell = pend(1, shared).await;
            let res = match Rc::try_unwrap(cell) {
                Ok(inner) => Ok(inner.into_inner().len()),
                Err(rc) => Err(Rc::strong_count(&rc)),
            };
            (n, res)
        }
    },
    run: f(),
}

differential! {
    /// A `&mut` reborrow of a `Vec<D>` held across awaits (`let r = &mut v`)
    /// then the vector used again after the reborrow ends.
    name: mut_reborrow_held_across_awaits,
    items: {
        #[lh] async fn f() -> (usize, usize) {
            let mut v = vec![D::new("v0")];
            let r = &mut v;
            r.push(pend(1, D::new("v1")).await);
            let last = r.last().map(|d| d.touch()).unwrap_or(0);
            pend(1, ()).await;
            r.truncate(1);
            let n = pend(1, v.len()).await;
            v.push(D::new("v2"));
            (last, n + v.len())
        }
    },
    run: f(),
}

differential! {
    /// s3-3 minimal: an assignment to a local that a later `let` of the
    /// same name shadows.
    name: assignment_to_local_later_shadowed,
    items: {
        #[lh] async fn f() -> u32 {
            let mut port = 0;
            port = 5;
            let port = port + 1;
            port
        }
    },
    run: f(),
}

differential! {
    /// s3-3 variant: the shadowing `let` is inside a nested block after
    /// the assignment.
    name: assignment_to_local_shadowed_in_inner_block,
    items: {
        #[lh] async fn f() -> u32 {
            let mut port = 0;
            pend(1, ()).await;
            port = 5;
            { let port = 1; }
            port
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 25. Drop flags: conditional moves
// ---------------------------------------------------------------------------

differential! {
    /// A `D` moved in one branch of an `if` only, then awaits: rustc drops
    /// it at scope end only if it was not moved (a drop flag).
    name: conditional_move_drop_flag,
    items: {
        fn consume(d: D) -> usize { d.touch() }
        #[lh] async fn f(c: bool) -> usize {
            let a = D::new("a");
            let b = D::new("b");
            let n = if c { consume(a) } else { 0 };
            pend(1, ()).await;
            let m = b.touch();
            pend(1, ()).await;
            n + m
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A `D` moved in one `match` arm, reassigned after an await: the
    /// assignment drops the old value only if it is still there.
    name: conditional_move_then_reassign,
    items: {
        fn consume(d: D) -> usize { d.touch() }
        #[lh] async fn f(k: u8) -> usize {
            let mut slot = D::new("old");
            let mut n = match k {
                0 => consume(slot),
                1 => { pend(1, ()).await; slot.touch() }
                _ => 0,
            };
            pend(1, ()).await;
            slot = D::new("new");
            pend(1, ()).await;
            n += slot.touch();
            n
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}

differential! {
    /// A `D` moved inside a loop on some iteration only (`break` after the
    /// move), then awaits after the loop.
    name: move_in_loop_then_break,
    items: {
        fn consume(d: D) -> usize { d.touch() }
        #[lh] async fn f(at: u32) -> usize {
            let d = D::new("d");
            let other = D::new("other");
            let mut n = 0;
            for i in 0..3 {
                pend(1, ()).await;
                if i == at {
                    n = consume(d);
                    break;
                }
            }
            pend(1, ()).await;
            n + other.touch()
        }
    },
    run: async { (f(1).await, f(9).await) },
}

differential! {
    /// A `D` moved into a `move` closure in one branch only; the closure is
    /// called after an await; the `D` drops with the closure or at scope end.
    name: conditional_move_into_closure,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let d = D::new("captured");
            let keep = D::new("keep");
            let cb: Box<dyn Fn() -> usize> = if c { Box::new(move || d.touch()) } else { Box::new(|| 7) };
            pend(1, ()).await;
            let n = cb();
            drop(cb);
            pend(1, ()).await;
            n + keep.touch()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `Option<D>` slots taken conditionally in a loop (`if let Some(x) =
    /// slot.take()`), replaced after awaits; values drop where rustc drops
    /// them.
    name: option_slot_take_and_refill,
    items: {
        #[lh] async fn f() -> Vec<usize> {
            let mut slot: Option<D> = Some(D::new("s0"));
            let names = ["s1", "s2", "s3"];
            let mut out = vec![];
            for (i, name) in names.iter().enumerate() {
                if i % 2 == 0 {
                    if let Some(d) = slot.take() {
                        pend(1, ()).await;
                        out.push(d.touch());
                    }
                }
                pend(1, ()).await;
                slot = Some(D::new(name));
            }
            out
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 26. Scheduling and queues
// ---------------------------------------------------------------------------

differential! {
    /// A priority scheduler over `BinaryHeap<Reverse<(u32, usize)>>`: tasks
    /// reschedule themselves after awaits; a `D` per task in a side table.
    name: binary_heap_scheduler,
    items: {
        use std::cmp::Reverse;
        use std::collections::BinaryHeap;
        #[lh] async fn schedule(tasks: Vec<(u32, D)>) -> Vec<(u32, usize)> {
            let mut heap = BinaryHeap::new();
            let mut table = Vec::new();
            for (i, (at, d)) in tasks.into_iter().enumerate() {
                heap.push(Reverse((at, i)));
                table.push((d, 0u32));
            }
            let mut trace = vec![];
            while let Some(Reverse((now, i))) = heap.pop() {
                let (d, runs) = &mut table[i];
                *runs += 1;
                let cost = pend(1, d.touch() as u32).await;
                trace.push((now, i));
                if *runs < 2 {
                    heap.push(Reverse((now + cost, i)));
                }
                if now > 20 { break; }
            }
            trace
        }
    },
    run: schedule(vec![(0, D::new("t-a")), (3, D::new("t-bbbb")), (1, D::new("t-c"))]),
}

differential! {
    /// Topological sort of a dependency graph (`BTreeMap<&str, Vec<&str>>`)
    /// with an in-degree table, awaiting each "build" and failing on a cycle.
    name: topo_sort_build_order,
    items: {
        use std::collections::BTreeSet;
        #[lh] async fn build(deps: BTreeMap<&'static str, Vec<&'static str>>) -> Result<Vec<&'static str>, String> {
            let _b = D::new("builder");
            let mut indeg: BTreeMap<&str, usize> = deps.keys().map(|k| (*k, 0)).collect();
            for ds in deps.values() {
                for d in ds { *indeg.entry(d).or_insert(0) += 0; }
            }
            for (k, ds) in &deps { *indeg.get_mut(k).unwrap() += ds.len(); }
            let mut ready: BTreeSet<&str> = indeg.iter().filter(|(_, n)| **n == 0).map(|(k, _)| *k).collect();
            let mut order = vec![];
            while let Some(&next) = ready.iter().next() {
                ready.remove(next);
                order.push(pend(1, next).await);
                for (k, ds) in &deps {
                    if ds.contains(&next) {
                        let e = indeg.get_mut(k).unwrap();
                        *e -= 1;
                        if *e == 0 { ready.insert(k); }
                    }
                }
            }
            if order.len() != indeg.len() {
                pend(1, ()).await;
                return Err(format!("cycle among {} items", indeg.len() - order.len()));
            }
            Ok(order)
        }
    },
    run: async {
        (build(BTreeMap::from([("app", vec!["lib", "log"]), ("lib", vec!["core"]), ("log", vec!["core"]), ("core", vec![])])).await,
         build(BTreeMap::from([("a", vec!["b"]), ("b", vec!["a"]), ("c", vec![])])).await)
    },
}

differential! {
    /// An LRU list in a `VecDeque` (`position` + `remove` + `push_front`),
    /// evicted `D`s dropped after an await.
    name: lru_vecdeque_move_to_front,
    items: {
        #[lh] async fn access(keys: Vec<&'static str>, cap: usize) -> Vec<&'static str> {
            let mut lru: VecDeque<(&str, D)> = VecDeque::new();
            for k in keys {
                if let Some(pos) = lru.iter().position(|(name, _)| *name == k) {
                    let e = lru.remove(pos).unwrap();
                    pend(1, ()).await;
                    lru.push_front(e);
                    continue;
                }
                let d = pend(1, D::new(k)).await;
                lru.push_front((k, d));
                if lru.len() > cap {
                    let (old, evicted) = lru.pop_back().unwrap();
                    pend(1, ()).await;
                    log(format!("evicted {old}"));
                    drop(evicted);
                }
            }
            lru.iter().map(|(k, _)| *k).collect()
        }
    },
    run: access(vec!["a", "b", "a", "c", "d", "a", "b"], 2),
}

differential! {
    /// A circuit breaker: `Closed { failures }`, `Open { until }`,
    /// `HalfOpen` states updated by awaited calls over a logical clock.
    name: circuit_breaker_states,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Breaker { Closed { failures: u32 }, Open { until: u32 }, HalfOpen }
        async fn call(t: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if (3..6).contains(&t) { Err(format!("down at {t}")) } else { Ok(t) }
        }
        #[lh] async fn run_breaker() -> Vec<String> {
            let mut b = Breaker::Closed { failures: 0 };
            let mut out = vec![];
            let _g = D::new("breaker");
            for t in 0..12 {
                let next = match b {
                    Breaker::Open { until } if t < until => { out.push(format!("{t}: short")); continue; }
                    Breaker::Open { .. } => Breaker::HalfOpen,
                    other => other,
                };
                b = match (next, call(t).await) {
                    (Breaker::HalfOpen, Ok(_)) => Breaker::Closed { failures: 0 },
                    (Breaker::HalfOpen, Err(_)) => Breaker::Open { until: t + 2 },
                    (Breaker::Closed { failures }, Err(e)) if failures + 1 >= 2 => { out.push(e); Breaker::Open { until: t + 2 } }
                    (Breaker::Closed { failures }, Err(_)) => Breaker::Closed { failures: failures + 1 },
                    (s, Ok(_)) => s,
                    (s @ Breaker::Open { .. }, Err(_)) => s,
                };
                out.push(format!("{t}: {b:?}"));
            }
            out
        }
    },
    run: run_breaker(),
}

// ---------------------------------------------------------------------------
// 27. tokio sync primitives
// ---------------------------------------------------------------------------

differential! {
    /// A `tokio::sync::Mutex` guard held across awaits, `RwLock` readers,
    /// and an mpsc channel fed and drained in one task via `join!`.
    name: tokio_mutex_rwlock_mpsc_join,
    items: {
        use tokio::sync::{mpsc, Mutex, RwLock};
        #[lh] async fn f() -> (Vec<u32>, usize, u32) {
            let m = Mutex::new(vec![D::new("m0")]);
            {
                let mut g = m.lock().await;
                pend(1, ()).await;
                g.push(D::new("m1"));
            }
            let rw = RwLock::new(5u32);
            let r1 = rw.read().await;
            let r2 = rw.read().await;
            let sum = *r1 + *r2;
            drop((r1, r2));
            *rw.write().await += sum;
            let (tx, mut rx) = mpsc::channel::<u32>(2);
            let producer = async move {
                for i in 0..4 { tx.send(i).await.unwrap(); pend(1, ()).await; }
            };
            let consumer = async {
                let mut got = vec![];
                while let Some(v) = rx.recv().await { got.push(v); }
                got
            };
            let ((), got) = tokio::join!(producer, consumer);
            let n = m.lock().await.len();
            (got, n, *rw.read().await)
        }
    },
    run: f(),
}

differential! {
    /// `futures::stream` adapters: `iter(..).then(..)` consumed with
    /// `StreamExt::next().await` in `while let`, and `fold` awaited.
    name: futures_stream_then_fold,
    items: {
        use futures::StreamExt;
        #[lh] async fn f() -> (Vec<usize>, usize) {
            let _s = D::new("stream-owner");
            let mut st = Box::pin(futures::stream::iter(["aa", "b", "cccc"]).then(|s| async move { pend(1, s.len()).await }));
            let mut out = vec![];
            while let Some(n) = st.next().await {
                out.push(n);
                pend(1, ()).await;
            }
            let total = futures::stream::iter(out.clone()).fold(0, |a, b| async move { pend(1, ()).await; a + b }).await;
            (out, total)
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 28. Text processing
// ---------------------------------------------------------------------------

differential! {
    /// Word wrapping with `char_indices`, `Cow<str>` results (borrowed or
    /// owned), `split_terminator` and `strip_prefix`, awaiting per line.
    name: text_wrap_cow_lines,
    items: {
        use std::borrow::Cow;
        fn normalize(line: &str) -> Cow<'_, str> {
            if line.contains('\t') { Cow::Owned(line.replace('\t', "  ")) } else { Cow::Borrowed(line) }
        }
        #[lh] async fn wrap(text: &str, width: usize) -> Vec<String> {
            let mut out = vec![];
            let _w = D::new("wrapper");
            for raw in text.split_terminator('\n') {
                let line = normalize(raw);
                let line = match line.strip_prefix("> ") { Some(q) => Cow::Owned(format!("| {q}")), None => line };
                pend(1, ()).await;
                let mut start = 0;
                let mut last_space = None;
                for (i, c) in line.char_indices() {
                    if c == ' ' { last_space = Some(i); }
                    if i - start >= width {
                        if let Some(sp) = last_space.filter(|&sp| sp > start) {
                            out.push(pend(0, line[start..sp].to_string()).await);
                            start = sp + 1;
                        }
                    }
                }
                out.push(line[start..].to_string());
            }
            out
        }
    },
    run: wrap("hello world this is\n> quoted text here\n\ttabbed line", 8),
}

differential! {
    /// A CSV-ish parser with quoted fields: a small state machine over
    /// `bytes()` with `match (state, b)`, awaiting per record.
    name: csv_quoted_state_machine,
    items: {
        #[derive(Clone, Copy, PartialEq, Debug)]
        enum S { Start, Plain, Quoted, QuoteInQuoted }
        #[lh] async fn parse(input: &str) -> Result<Vec<Vec<String>>, String> {
            let mut rows = vec![];
            let _p = D::new("csv");
            for (ln, line) in input.lines().enumerate() {
                let mut fields = vec![];
                let mut cur = String::new();
                let mut st = S::Start;
                for b in line.bytes() {
                    st = match (st, b) {
                        (S::Start, b'"') => S::Quoted,
                        (S::Start | S::Plain, b',') => { fields.push(std::mem::take(&mut cur)); S::Start }
                        (S::Start | S::Plain, c) => { cur.push(c as char); S::Plain }
                        (S::Quoted, b'"') => S::QuoteInQuoted,
                        (S::Quoted, c) => { cur.push(c as char); S::Quoted }
                        (S::QuoteInQuoted, b'"') => { cur.push('"'); S::Quoted }
                        (S::QuoteInQuoted, b',') => { fields.push(std::mem::take(&mut cur)); S::Start }
                        (S::QuoteInQuoted, c) => return Err(format!("line {ln}: {:?} after quote", c as char)),
                    };
                }
                if st == S::Quoted { return Err(format!("line {ln}: unterminated")); }
                fields.push(cur);
                rows.push(pend(1, fields).await);
            }
            Ok(rows)
        }
    },
    run: async { (parse("a,b,c\n\"x,y\",\"q\"\"q\",z").await, parse("ok\n\"bad\"x").await, parse("\"open").await) },
}

differential! {
    /// s3-5 minimal: a compound assignment whose place expression awaits
    /// and whose right operand is a local read nowhere else.
    name: compound_assign_awaited_place_local_rhs,
    items: {
        #[lh] async fn f() -> u32 {
            let mut v = vec![1u32];
            let k = 2;
            v[pend(1, 0).await] += k;
            v[0]
        }
    },
    run: f(),
}

differential! {
    /// s3-5 control: the same with `k` read again afterwards passes.
    name: compound_assign_awaited_place_local_rhs_used_later,
    items: {
        #[lh] async fn f() -> u32 {
            let mut v = vec![1u32];
            let k = 2;
            v[pend(1, 0).await] += k;
            v[0] + k
        }
    },
    run: f(),
}

differential! {
    /// s3-6 minimal: a `None`-initialised local typed by an assignment
    /// in a loop, used with a closure after the loop's await.
    name: none_local_typed_in_loop_closure_after_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut best = None;
            for x in 0..3usize {
                best = Some(x);
                pend(1, ()).await;
                let z = best.map(|b| b * 2);
                log(format!("{z:?}"));
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-6 control: the same body outside a loop passes.
    name: none_local_typed_then_closure_after_await,
    items: {
        #[lh] async fn f() -> Option<usize> {
            let mut best = None;
            best = Some(1usize);
            pend(1, ()).await;
            best.map(|b| b * 2)
        }
    },
    run: f(),
}

differential! {
    /// s3-7 minimal: a `None`-initialised local assigned at the top of a
    /// loop and used with a closure before the loop's await.
    name: none_local_assigned_in_loop_dead_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut last = None;
            loop {
                last = Some(1usize);
                let y = last.map(|x| x + 1);
                pend(1, ()).await;
                break;
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-6 variant: as s3-7 but the closure's result is kept across the
    /// await.
    name: none_local_assigned_in_loop_result_kept,
    items: {
        #[lh] async fn f() -> u32 {
            let mut last = None;
            loop {
                last = Some(1usize);
                let y = last.map(|x| x + 1);
                pend(1, ()).await;
                if y.is_some() { break; }
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-1 method form: `map` on a `Copy` `Option` local in a loop that
    /// reassigns it conditionally.
    name: copy_option_map_in_loop_conditionally_reassigned,
    items: {
        #[lh] async fn f() -> u32 {
            let mut last: Option<usize> = None;
            for i in 0..3usize {
                if i == 1 { last = Some(i); }
                let y = last.map(|x| x + 1);
                log(format!("{y:?}"));
                pend(1, ()).await;
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-7 annotated: the type annotation does not help.
    name: option_local_map_in_loop_dead_across_await_annotated,
    items: {
        #[lh] async fn f() -> u32 {
            let mut last: Option<usize> = None;
            loop {
                last = Some(1usize);
                let y = last.map(|x| x + 1);
                pend(1, ()).await;
                break;
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-6/s3-7 control: `as_ref().map(..)` instead of `map(..)` on the
    /// `None`-initialised local: it compiles and matches.
    name: none_local_in_loop_as_ref_map,
    items: {
        #[lh] async fn f() -> u32 {
            let mut best = None;
            for x in 0..3usize {
                best = Some(x);
                pend(1, ()).await;
                let z = best.as_ref().map(|b| b * 2);
                log(format!("{z:?}"));
            }
            let mut last = None;
            loop {
                last = Some(1usize);
                let y = last.as_ref().map(|x| x + 1);
                pend(1, ()).await;
                break;
            }
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-1 pattern form: a by-value `if let` on a `Copy` local.
    name: copy_option_if_let_in_loop_conditionally_reassigned,
    items: {
        #[lh] async fn f() -> usize {
            let mut last: Option<usize> = None;
            let mut n = 0;
            for i in 0..3usize {
                if i == 1 { last = Some(i); }
                if let Some(x) = last { n += x; }
                pend(1, ()).await;
            }
            n
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 29. Parameters and drop order
// ---------------------------------------------------------------------------

differential! {
    /// Parameters with patterns (`(a, b): (D, D)`, `_: D`, `Wrapper { inner,
    /// .. }`, `mut` bindings): rustc moves them all into the future and
    /// drops them after the locals, the `_` one included.
    name: pattern_parameters_drop_order,
    items: {
        struct Wrapper { inner: D, meta: u32 }
        #[lh] async fn f((a, b): (D, D), _: D, Wrapper { inner, meta }: Wrapper, mut n: u32) -> usize {
            let local = D::new("local");
            n += pend(1, meta).await;
            let x = a.touch();
            drop(a);
            pend(1, ()).await;
            x + b.touch() + inner.touch() + n as usize + local.touch()
        }
    },
    run: f((D::new("pa"), D::new("pb")), D::new("p-underscore"), Wrapper { inner: D::new("p-inner"), meta: 2 }, 1),
}

differential! {
    /// A guard type with its own `Drop` that also owns `D` fields: the
    /// guard's `drop` runs before its fields drop; guards are pushed into a
    /// `Vec` and truncated after awaits.
    name: guard_with_drop_impl_and_fields,
    items: {
        struct Lease { id: u32, res: D, extra: D }
        impl Drop for Lease { fn drop(&mut self) { log(format!("release lease {}", self.id)); } }
        #[lh] async fn f() -> usize {
            let mut leases = Vec::new();
            for id in 0..3 {
                let l = Lease { id, res: D::new(["r0", "r1", "r2"][id as usize]), extra: D::new("x") };
                pend(1, ()).await;
                leases.push(l);
            }
            leases.truncate(1);
            pend(1, ()).await;
            let first = leases.pop().unwrap();
            let n = first.res.touch();
            pend(1, ()).await;
            n + leases.len()
        }
    },
    run: f(),
}

differential! {
    /// Tuple and array literals whose middle element awaits: cancellation
    /// mid-literal drops the elements already built, then the awaitee.
    name: partially_built_tuple_and_array_cancelled,
    items: {
        #[lh] async fn f() -> usize {
            let t = (D::new("t0"), pend(2, D::new("t1")).await, D::new("t2"));
            let arr = [D::new("a0"), pend(1, D::new("a1")).await, pend(1, D::new("a2")).await];
            t.1.touch() + arr.len()
        }
    },
    run: f(),
}

known_gap! {
    reason: "s3-8: `let show = move || cfg.name.touch(); pend(1, ()).await; let p = cfg.port as usize;` (edition 2021 disjoint capture moves only `cfg.name`; `cfg` is not borrowed across the await): E0382 use of partially moved value: `cfg`, at `let cfg` (the stress R gap, reached through a closure capture; the ui test covers only the pinned case)",
    differential! {
        /// Edition 2021 disjoint closure captures: a `move` closure that uses
        /// only `cfg.name` moves only that field; the rest of `cfg` stays.
        name: closure_disjoint_field_capture_across_await,
        items: {
            struct Cfg { name: D, port: u16 }
            #[lh] async fn f() -> usize {
                let cfg = Cfg { name: D::new("name"), port: 80 };
                let show = move || cfg.name.touch();
                pend(1, ()).await;
                let p = cfg.port as usize;
                show() + p
            }
        },
        run: f(),
    }
}

differential! {
    /// `get_or_insert_with`, `Option::replace` and `Option::take` on an
    /// `Option<D>` field across awaits, old values dropped in place.
    name: option_get_or_insert_replace_take,
    items: {
        struct Conn { cached: Option<D>, hits: u32 }
        impl Conn {
            #[lh] async fn handle(&mut self, refresh: bool) -> usize {
                let d = self.cached.get_or_insert_with(|| D::new("lazy"));
                let n = d.touch();
                pend(1, ()).await;
                if refresh {
                    let old = self.cached.replace(D::new("refreshed"));
                    pend(1, ()).await;
                    drop(old);
                }
                self.hits += 1;
                n
            }
        }
        #[lh] async fn f() -> (usize, u32) {
            let mut c = Conn { cached: None, hits: 0 };
            let a = c.handle(false).await + c.handle(true).await + c.handle(false).await;
            let last = c.cached.take();
            pend(1, ()).await;
            (a + last.map(|d| d.touch()).unwrap_or(0), c.hits)
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 30. More domains
// ---------------------------------------------------------------------------

differential! {
    /// Inventory reservation: `entry().and_modify().or_insert()`, a
    /// reservation guard that releases on drop unless confirmed, early
    /// `return Err` while some reservations are held.
    name: inventory_reservations_with_guards,
    items: {
        struct Reservation<'a> { sku: &'static str, qty: u32, confirmed: bool, _d: D, log: &'a RefCell<Vec<String>> }
        impl Drop for Reservation<'_> {
            fn drop(&mut self) {
                if !self.confirmed { self.log.borrow_mut().push(format!("release {} x{}", self.sku, self.qty)); }
            }
        }
        #[lh] async fn order(stock: &mut BTreeMap<&'static str, u32>, items: &[(&'static str, u32)], log: &RefCell<Vec<String>>) -> Result<u32, String> {
            let mut held = Vec::new();
            for &(sku, qty) in items {
                let avail = pend(1, stock.get(sku).copied().unwrap_or(0)).await;
                if avail < qty {
                    return Err(format!("{sku}: want {qty}, have {avail}"));
                }
                stock.entry(sku).and_modify(|n| *n -= qty).or_insert(0);
                held.push(Reservation { sku, qty, confirmed: false, _d: D::new("res"), log });
            }
            pend(1, ()).await;
            let total = held.iter().map(|r| r.qty).sum();
            for r in held.iter_mut() { r.confirmed = true; }
            Ok(total)
        }
        #[lh] async fn shop() -> (Result<u32, String>, Result<u32, String>, Vec<String>, Vec<(&'static str, u32)>) {
            let log = RefCell::new(vec![]);
            let mut stock = BTreeMap::from([("apple", 5), ("pear", 1)]);
            let a = order(&mut stock, &[("apple", 2), ("pear", 1)], &log).await;
            let b = order(&mut stock, &[("apple", 1), ("pear", 1)], &log).await;
            (a, b, log.into_inner(), stock.into_iter().collect())
        }
    },
    run: shop(),
}

differential! {
    /// Event sourcing: fold a stream of events into an aggregate with a
    /// `match` per event, snapshots every N events, validation errors.
    name: event_sourcing_fold_with_snapshots,
    items: {
        #[derive(Debug, Clone)]
        enum Ev { Opened { owner: String }, Deposited(u64), Withdrawn(u64), Closed }
        #[derive(Debug, Default, Clone)]
        struct Account { owner: String, balance: u64, open: bool, version: u32 }
        #[lh] async fn replay(events: Vec<Ev>, every: u32) -> Result<(Account, Vec<u32>), String> {
            let mut acc = Account::default();
            let mut snaps = vec![];
            let _store = D::new("store");
            for ev in events {
                acc = match (ev, acc) {
                    (Ev::Opened { owner }, a) if !a.open => Account { owner, open: true, ..a },
                    (Ev::Deposited(n), a) if a.open => Account { balance: a.balance + pend(1, n).await, ..a },
                    (Ev::Withdrawn(n), a) if a.open => {
                        let balance = a.balance.checked_sub(n).ok_or_else(|| format!("overdraft {} < {n}", a.balance))?;
                        Account { balance, ..a }
                    }
                    (Ev::Closed, a) => Account { open: false, ..a },
                    (ev, a) => return Err(format!("{ev:?} invalid for {a:?}")),
                };
                acc.version += 1;
                if acc.version % every == 0 {
                    snaps.push(pend(1, acc.version).await);
                }
            }
            Ok((acc, snaps))
        }
    },
    run: async {
        let ok = vec![Ev::Opened { owner: "ann".into() }, Ev::Deposited(10), Ev::Withdrawn(3), Ev::Deposited(1), Ev::Closed];
        let bad = vec![Ev::Opened { owner: "bob".into() }, Ev::Withdrawn(1)];
        let invalid = vec![Ev::Deposited(5)];
        (replay(ok, 2).await, replay(bad, 2).await, replay(invalid, 1).await)
    },
}

differential! {
    /// A bit-packed binary protocol encoder/decoder: shifts, masks,
    /// `to_be_bytes`/`from_be_bytes`, `u16::try_from` errors, awaiting per
    /// field.
    name: bitpacked_protocol_roundtrip,
    items: {
        #[derive(Debug, PartialEq, Clone, Copy)]
        struct Header { version: u8, flags: u8, len: u16, id: u32 }
        #[lh] async fn encode(h: Header) -> Result<Vec<u8>, String> {
            if h.version > 15 || h.flags > 15 { return Err(format!("nibble overflow {h:?}")); }
            let mut out = Vec::with_capacity(7);
            out.push(pend(1, (h.version << 4) | h.flags).await);
            out.extend_from_slice(&h.len.to_be_bytes());
            out.extend(pend(1, h.id.to_be_bytes()).await);
            Ok(out)
        }
        #[lh] async fn decode(b: &[u8]) -> Result<Header, String> {
            let [vf, l0, l1, rest @ ..] = b else { return Err(format!("short {}", b.len())); };
            let id_bytes: [u8; 4] = rest.try_into().map_err(|_| format!("id len {}", rest.len()))?;
            let len = u16::from_be_bytes([*l0, *l1]);
            pend(1, ()).await;
            Ok(Header { version: vf >> 4, flags: vf & 0x0f, len, id: u32::from_be_bytes(id_bytes) })
        }
        #[lh] async fn roundtrip(h: Header) -> Result<bool, String> {
            let bytes = encode(h).await?;
            let back = decode(&bytes).await?;
            let short = decode(&bytes[..5]).await.err();
            log(format!("{short:?}"));
            Ok(back == h)
        }
    },
    run: async {
        (roundtrip(Header { version: 3, flags: 9, len: 513, id: 0xdead_beef }).await,
         roundtrip(Header { version: 16, flags: 0, len: 0, id: 0 }).await)
    },
}

differential! {
    /// Matrix multiplication row by row with an await per row, `zip` and
    /// `iter().sum()` inside, and a dimension check returning early.
    name: matrix_multiply_rows,
    items: {
        #[lh] async fn matmul(a: &[Vec<i64>], b: &[Vec<i64>]) -> Option<Vec<Vec<i64>>> {
            let _m = D::new("matmul");
            let inner = b.len();
            if a.iter().any(|r| r.len() != inner) { return None; }
            let cols = b.first()?.len();
            let mut out = Vec::with_capacity(a.len());
            for row in a {
                let r: Vec<i64> = (0..cols).map(|j| row.iter().zip(b.iter()).map(|(x, brow)| x * brow[j]).sum()).collect();
                out.push(pend(1, r).await);
            }
            Some(out)
        }
    },
    run: async {
        let a = vec![vec![1, 2], vec![3, 4], vec![5, 6]];
        let b = vec![vec![7, 8, 9], vec![10, 11, 12]];
        (matmul(&a, &b).await, matmul(&b, &b).await, matmul(&a, &[]).await)
    },
}

differential! {
    /// Pub/sub with `Vec<Box<dyn FnMut(&str) -> bool>>` subscribers that
    /// unsubscribe themselves (`retain_mut`), awaiting per publish.
    name: pubsub_fnmut_subscribers_retain_mut,
    items: {
        #[lh] async fn f(msgs: Vec<&'static str>) -> (Vec<String>, usize) {
            let seen = Rc::new(RefCell::new(Vec::new()));
            let mut subs: Vec<Box<dyn FnMut(&str) -> bool>> = Vec::new();
            for name in ["s1", "s2", "s3"] {
                let seen = Rc::clone(&seen);
                let tag = D::new(name);
                let mut budget = name.len() as u32 + (name == "s2") as u32 * 2;
                subs.push(Box::new(move |m: &str| {
                    seen.borrow_mut().push(format!("{}:{m}", tag.0));
                    budget -= 1;
                    budget > 0
                }));
            }
            for m in msgs {
                pend(1, ()).await;
                subs.retain_mut(|s| s(m));
            }
            let left = subs.len();
            drop(subs);
            pend(1, ()).await;
            let out = seen.borrow().clone();
            (out, left)
        }
    },
    run: f(vec!["a", "b", "c", "d"]),
}

// ---------------------------------------------------------------------------
// 31. Temporaries in conditions and scrutinees
// ---------------------------------------------------------------------------

differential! {
    /// Temporaries in `if` and `while` conditions drop before the block
    /// runs (each iteration), even when the block awaits.
    name: condition_temporaries_drop_before_block,
    items: {
        fn probe(name: &'static str, v: usize) -> (D, usize) { (D::new(name), v) }
        #[lh] async fn f(limit: usize) -> usize {
            let mut n = 0;
            if probe("if-temp", limit).1 > 1 {
                pend(1, ()).await;
                n += 1;
            } else if probe("elif-temp", limit).0.touch() > 0 {
                pend(1, ()).await;
                n += 10;
            }
            while probe("while-temp", n).1 < limit {
                pend(1, ()).await;
                n += 1;
            }
            n
        }
    },
    run: async { (f(3).await, f(0).await) },
}

differential! {
    /// `let .. else` whose scrutinee holds a temporary: the temporary lives
    /// through the `else` block (which awaits before diverging) and to the
    /// end of the statement otherwise.
    name: let_else_scrutinee_temporary,
    items: {
        struct Box2(D, Option<u32>);
        impl Box2 { fn val(&self) -> Option<u32> { self.1 } }
        fn mk(v: Option<u32>) -> Box2 { Box2(D::new("scrut-temp"), v) }
        #[lh] async fn f(v: Option<u32>) -> u32 {
            let _g = D::new("guard");
            let Some(x) = mk(v).val() else {
                pend(1, ()).await;
                return 0;
            };
            pend(1, ()).await;
            x
        }
    },
    run: async { (f(Some(4)).await, f(None).await) },
}

differential! {
    /// `return` from inside a `match` arm while the scrutinee's temporary is
    /// alive: the return value is computed, then the temporary, then the
    /// locals drop.
    name: return_inside_match_with_scrutinee_temporary,
    items: {
        struct H(D, u32);
        impl H { fn kind(&self) -> u32 { self.1 } }
        fn mk(k: u32) -> H { H(D::new("scrutinee"), k) }
        #[lh] async fn f(k: u32) -> usize {
            let local = D::new("local");
            match mk(k).kind() {
                0 => return pend(1, D::new("ret")).await.touch(),
                1 => { pend(1, ()).await; }
                _ => return local.touch(),
            }
            let after = D::new("after");
            pend(1, ()).await;
            after.touch()
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}

differential! {
    /// Returning from inside `for x in v.drain(..)`: the `Drain` drops the
    /// remaining elements when the function returns, after the awaits.
    name: return_inside_drain_loop,
    items: {
        #[lh] async fn f(stop: &'static str) -> Option<usize> {
            let mut v = vec![D::new("d0"), D::new("d1"), D::new("d2"), D::new("d3")];
            let _tail = D::new("tail");
            for d in v.drain(1..3) {
                let n = pend(1, d.touch()).await;
                if d.0 == stop { return Some(n); }
            }
            pend(1, ()).await;
            Some(v.len())
        }
    },
    run: async { (f("d1").await, f("zz").await) },
}

differential! {
    /// Assigning a new value to a field of a kept struct and through a
    /// `&mut` held across awaits: the old value drops at the assignment.
    name: field_assignment_drops_old_value,
    items: {
        struct Slot { cur: D, prev: Option<D> }
        #[lh] async fn f() -> usize {
            let mut s = Slot { cur: D::new("c0"), prev: None };
            pend(1, ()).await;
            s.prev = Some(std::mem::replace(&mut s.cur, D::new("c1")));
            pend(1, ()).await;
            s.cur = pend(1, D::new("c2")).await;
            let r = &mut s.prev;
            pend(1, ()).await;
            *r = None;
            pend(1, ()).await;
            s.cur.touch()
        }
    },
    run: f(),
}

differential! {
    /// `continue` after an await in a loop over owned `D`s: each item drops
    /// at the end of its iteration, before the next one starts.
    name: continue_after_await_item_drops,
    items: {
        #[lh] async fn f(items: Vec<D>) -> usize {
            let mut n = 0;
            let mut it = items.into_iter();
            while let Some(d) = it.next() {
                let _scope = D::new("iter-scope");
                if d.0.ends_with('x') {
                    pend(1, ()).await;
                    continue;
                }
                n += pend(1, d.touch()).await;
                if n > 4 { break; }
            }
            let rest = it.len();
            pend(1, ()).await;
            n + rest
        }
    },
    run: f(vec![D::new("ax"), D::new("b"), D::new("cx"), D::new("ddd"), D::new("e"), D::new("f")]),
}

differential! {
    /// An `async move` block owning `D`s, stored and never awaited, dropped
    /// at scope end; another awaited by reference with `&mut` after a poll.
    name: unawaited_async_block_dropped_at_scope_end,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let a = D::new("moved-into-a");
            let b = D::new("moved-into-b");
            let fut_a = async move { pend(1, ()).await; a.touch() };
            let mut fut_b = Box::pin(async move { pend(2, ()).await; b.touch() });
            let outside = D::new("outside");
            pend(1, ()).await;
            let n = if c { (&mut fut_b).await } else { 0 };
            drop(fut_b);
            pend(1, ()).await;
            n + outside.touch()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A panic while several scopes, a shadowed value, a moved-from local and
    /// a temporary are alive, after awaits: unwinding drops match.
    name: panic_with_shadowed_and_moved_locals,
    items: {
        fn consume(d: D) -> usize { d.touch() }
        #[lh] async fn f(boom: bool) -> usize {
            let x = D::new("x-first");
            let moved = D::new("moved");
            let n = consume(moved);
            pend(1, ()).await;
            let x = (x, D::new("x-second"));
            {
                let _inner = D::new("inner");
                pend(1, ()).await;
                if boom {
                    let _t = D::new("before-panic");
                    let v: Vec<u32> = vec![];
                    return v[n] as usize + D::new("temp").touch();
                }
            }
            x.1.touch()
        }
    },
    run: f(true),
}

// ---------------------------------------------------------------------------
// 32. Type inference across awaits
// ---------------------------------------------------------------------------

differential! {
    /// `parse()` and `collect()` whose target types are fixed only by uses
    /// after an await (a request handler reading a header).
    name: inference_from_uses_after_await,
    items: {
        fn port_of(p: u16) -> String { format!(":{p}") }
        #[lh] async fn handle(raw: &str) -> Result<(String, usize, u64), std::num::ParseIntError> {
            let mut parts = raw.split(' ');
            let port = parts.next().unwrap_or("0").parse()?;
            let ids = parts.map(|s| s.len()).collect();
            let mut acc = Default::default();
            pend(1, ()).await;
            let ids: Vec<usize> = ids;
            acc += ids.len() as u64;
            Ok((port_of(port), ids.iter().sum(), acc))
        }
    },
    run: async { (handle("8080 a bb ccc").await, handle("x").await) },
}

differential! {
    /// `Vec::new()` and `HashMap::new()` whose element types come from
    /// pushes after awaits, then closures over the elements.
    name: inference_of_collections_filled_after_await,
    items: {
        #[lh] async fn f() -> (Vec<u8>, usize) {
            let mut v = Vec::new();
            let mut m = BTreeMap::new();
            pend(1, ()).await;
            v.push(pend(1, 3u8).await);
            m.insert("k", v.len());
            v.extend([5, 7]);
            let odd: Vec<_> = v.iter().filter(|x| **x % 2 == 1).map(|x| x * 2).collect();
            (odd, m.values().sum())
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 33. Items, macros and unusual syntax inside bodies
// ---------------------------------------------------------------------------

differential! {
    /// Items declared inside the body: a nested `fn`, a `struct` with an
    /// `impl`, a `const`, a `use` and a local `macro_rules!`, used around
    /// awaits.
    name: items_inside_async_body,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> String {
            use std::fmt::Write as _;
            const LIMIT: u32 = 10;
            fn clamp(x: u32) -> u32 { x.min(LIMIT) }
            struct Acc { total: u32, _d: D }
            impl Acc { fn add(&mut self, x: u32) { self.total += clamp(x); } }
            macro_rules! note { ($($t:tt)*) => { log(format!($($t)*)) }; }
            let mut acc = Acc { total: 0, _d: D::new("acc") };
            for x in xs {
                acc.add(pend(1, x).await);
                note!("added {x}");
            }
            let mut s = String::new();
            write!(s, "{}/{}", acc.total, LIMIT).unwrap();
            pend(1, s).await
        }
    },
    run: f(vec![3, 40, 5]),
}

differential! {
    /// Inline format captures across awaits, including width and precision
    /// taken from locals by name (`{v:>width$.prec$}`) and positional
    /// (`{:1$}`).
    name: format_inline_captures_width_precision,
    items: {
        #[lh] async fn table(rows: Vec<(&'static str, f64)>) -> Vec<String> {
            let width = rows.iter().map(|(n, _)| n.len()).max().unwrap_or(0) + 2;
            let prec = 2;
            let mut out = vec![];
            pend(1, ()).await;
            for (name, v) in rows {
                pend(1, ()).await;
                out.push(format!("{name:<width$}|{v:>8.prec$}|{:1$}|", v as i64, 4));
            }
            out
        }
    },
    run: table(vec![("alpha", 1.5), ("b", 22.125), ("gamma", -3.0)]),
}

differential! {
    /// An await inside an `unsafe` block, raw identifiers (`r#type`,
    /// `r#match`), tuple-struct field chains `.0 .1`, `as` casts and an
    /// inclusive range pattern.
    name: unsafe_block_raw_idents_field_chains,
    items: {
        struct Pair(u32, (u8, D));
        #[lh] async fn f(r#type: u32) -> u64 {
            let r#match = Pair(r#type, (7, D::new("pair")));
            let raw = &r#match.1.0 as *const u8;
            let v = unsafe { pend(1, *raw).await };
            let k = match r#match.0 { 0..=9 => 1u64, 10.. => 2 };
            r#match.1.1.touch();
            pend(1, ()).await;
            v as u64 * k + r#match.0 as u64
        }
    },
    run: async { (f(3).await, f(30).await) },
}

differential! {
    /// An `async fn` returning `impl Trait` (RPIT) and one returning a boxed
    /// iterator borrowing nothing, consumed by a caller after awaits.
    name: async_fn_returning_impl_trait,
    items: {
        #[lh] async fn evens(n: u32) -> impl Iterator<Item = u32> + std::fmt::Debug {
            pend(1, ()).await;
            (0..n).filter(|x| x % 2 == 0)
        }
        #[lh] async fn labels(n: u32) -> Box<dyn Iterator<Item = String>> {
            let prefix = pend(1, "L").await;
            Box::new((0..n).map(move |i| format!("{prefix}{i}")))
        }
        #[lh] async fn go() -> (Vec<u32>, Vec<String>) {
            let e = evens(7).await;
            let l = labels(3).await;
            pend(1, ()).await;
            (e.collect(), l.collect())
        }
    },
    run: go(),
}

differential! {
    /// Loop-carried `Copy` state read with arithmetic before the await and
    /// reassigned after it (a delta encoder).
    name: loop_carried_prev_value_delta_encoding,
    items: {
        #[lh] async fn deltas(xs: Vec<i64>) -> Vec<i64> {
            let mut prev = 0;
            let mut out = Vec::with_capacity(xs.len());
            let _enc = D::new("encoder");
            for x in xs {
                let d = x - prev;
                out.push(pend(1, d).await);
                prev = x;
            }
            out.push(prev);
            out
        }
    },
    run: deltas(vec![5, 7, 4, 4, 10]),
}

differential! {
    /// `matches!`, `vec![x; n]`, `write!` and `concat!`/`stringify!` naming
    /// locals kept across awaits.
    name: std_macros_naming_kept_locals,
    items: {
        use std::fmt::Write as _;
        #[derive(Debug, Clone, PartialEq)]
        enum K { A(u32), B }
        #[lh] async fn f(k: K, n: usize) -> (bool, Vec<K>, String, &'static str) {
            let fill = k.clone();
            let mut s = String::new();
            pend(1, ()).await;
            let is_big = matches!(k, K::A(x) if x > 3);
            let v = vec![fill; n];
            pend(1, ()).await;
            write!(&mut s, "{k:?}-{}", v.len()).unwrap();
            (is_big, v, s, concat!("a", stringify!(n)))
        }
    },
    run: async { (f(K::A(5), 2).await, f(K::B, 0).await) },
}

differential! {
    /// s3-9 minimal: a parameter named with a raw identifier.
    name: raw_identifier_parameter,
    items: {
        #[lh] async fn f(r#type: u32) -> u32 {
            r#type
        }
    },
    run: f(1),
}

differential! {
    /// s3-9 local form: a keyword raw identifier local kept across an
    /// await.
    name: raw_identifier_keyword_local_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let r#match = 1;
            pend(1, ()).await;
            r#match
        }
    },
    run: f(),
}

differential! {
    /// s3-9 control: a raw identifier that is not a keyword (`r#abc`) kept
    /// across an await, and a keyword one not kept, both pass.
    name: raw_identifier_non_keyword_local,
    items: {
        #[lh] async fn f() -> u32 {
            let r#match = 2;
            let r#abc = r#match + 1;
            pend(1, ()).await;
            r#abc
        }
    },
    run: f(),
}

differential! {
    /// s3-10 minimal: a `Copy` local passed to the awaitee by value and
    /// read after it only through an inline capture in a user macro.
    name: user_macro_inline_capture_after_by_value_await,
    items: {
        macro_rules! note { ($($t:tt)*) => { log(format!($($t)*)) }; }
        #[lh] async fn f() -> u32 {
            let x = 5;
            pend(1, x).await;
            note!("added {x}");
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-10 control: the same with `format!` directly and with the local
    /// not passed to the awaitee.
    name: user_macro_inline_capture_controls,
    items: {
        macro_rules! note { ($($t:tt)*) => { log(format!($($t)*)) }; }
        #[lh] async fn f() -> u32 {
            let x = 5;
            pend(1, x).await;
            log(format!("direct {x}"));
            let y = 6;
            pend(1, ()).await;
            note!("macro {y}");
            0
        }
    },
    run: f(),
}

differential! {
    /// s3-11 minimal: a raw-pointer read inside an `unsafe` block that
    /// also awaits, under `deny(unused_unsafe)`.
    name: await_inside_needed_unsafe_block,
    items: {
        #[lh]
        #[deny(unused_unsafe)]
        async fn f(p: *const u8) -> u8 {
            unsafe { pend(1, *p).await }
        }
    },
    run: f(&7u8),
}

differential! {
    /// s3-11: the unsafe operation after the await in the same block.
    name: await_then_deref_inside_unsafe_block,
    items: {
        #[lh]
        #[deny(unused_unsafe)]
        async fn f(p: *const u8) -> u8 {
            unsafe { pend(1, ()).await; *p }
        }
    },
    run: f(&7u8),
}

// ---------------------------------------------------------------------------
// 34. Evaluation order around awaits
// ---------------------------------------------------------------------------

known_gap! {
    reason: "s3-12 (runs differently, events): `names[val(\"idx-string\", 0)] += pend(1, ..).await` on a `String` (an overloaded `AddAssign`) evaluates the index before the right operand in rustc; longhand lifts the right operand first, rustc's order for primitive types (which only types could tell apart); the other lines of this case (s3-5) are fixed",
    differential! {
        /// Assignment evaluates the right operand before the place (`v[i()] =
        /// rhs.await`); compound assignment on primitives does too, on a
        /// `String` the place comes first.
        name: assignment_operand_order_with_awaits,
        items: {
            #[lh] async fn f() -> (Vec<u32>, String) {
                let mut v = vec![0u32; 3];
                v[val("idx-assign", 0)] = pend(1, val("rhs-assign", 5)).await;
                v[val("idx-compound", 1)] += pend(1, val("rhs-compound", 7)).await;
                let mut names = vec![String::from("a")];
                names[val("idx-string", 0)] += pend(1, val("rhs-string", "b")).await;
                v[pend(1, val("idx-awaited", 2)).await] += val("rhs-plain", 9);
                let s = std::mem::take(&mut names[0]);
                (v, s)
            }
        },
        run: f(),
    }
}

differential! {
    /// Receiver, then arguments left to right, with awaits in the middle
    /// argument; callee expression first; index base before index.
    name: call_receiver_argument_order_with_awaits,
    items: {
        struct Sink { got: Vec<u32> }
        impl Sink {
            fn put3(&mut self, a: u32, b: u32, c: u32) -> &mut Self { self.got.extend([a, b, c]); self }
        }
        fn pick(k: u32) -> fn(u32, u32) -> u32 { if k == 0 { |a, b| a + b } else { |a, b| a * b } }
        #[lh] async fn f() -> (Vec<u32>, u32, u32) {
            let mut sinks = vec![Sink { got: vec![] }];
            sinks[val("sink-idx", 0)].put3(val("a", 1), pend(1, val("b", 2)).await, val("c", 3))
                .put3(pend(1, val("d", 4)).await, val("e", 5), pend(0, val("f", 6)).await);
            let r = (pick(val("callee", 1)))(val("x", 3), pend(1, val("y", 4)).await);
            let arr = [10, 20, 30];
            let at = val("base", &arr)[pend(1, val("i", 2)).await];
            (std::mem::take(&mut sinks[0].got), r, at)
        }
    },
    run: f(),
}

differential! {
    /// Short-circuit `&&` / `||` with awaits on the right (skipped when the
    /// left decides), a chain of both, and `?` inside an awaitee argument.
    name: short_circuit_and_try_in_awaitee,
    items: {
        async fn check(name: &'static str, v: bool) -> bool { log(format!("check {name}")); pend(1, v).await }
        #[lh] async fn f(a: bool, b: bool, n: Option<u32>) -> Option<(bool, bool, bool, u32)> {
            let x = a && check("and-rhs", b).await;
            let y = a || check("or-rhs", b).await;
            let z = (check("l", a).await || b) && !check("r", b).await;
            let m = pend(1, n? + val("after-try", 1)).await;
            Some((x, y, z, m))
        }
    },
    run: async { (f(true, false, Some(1)).await, f(false, true, Some(2)).await, f(true, true, None).await) },
}

differential! {
    /// Struct literal with a `..base` expression that awaits (evaluated after
    /// the explicit fields), and a tuple whose elements await in turn.
    name: struct_base_expression_awaited_last,
    items: {
        #[derive(Debug, Clone, Default)]
        struct Opts { a: u32, b: u32, c: String }
        async fn defaults() -> Opts { log("defaults"); pend(1, Opts { a: 1, b: 2, c: "dflt".into() }).await }
        #[lh] async fn f() -> (Opts, (u32, u32, u32)) {
            let o = Opts { c: pend(1, val("c", "given".to_string())).await, a: val("a", 9), ..defaults().await };
            let t = (val("t0", 0), pend(1, val("t1", 1)).await, val("t2", 2));
            (o, t)
        }
    },
    run: f(),
}

differential! {
    /// (s3-5 and s3-12 control) Assignment and primitive compound assignment
    /// with the await in the right operand: the right operand first.
    name: assignment_operand_order_awaited_rhs,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![0u32; 2];
            v[val("idx-assign", 0)] = pend(1, val("rhs-assign", 5)).await;
            v[val("idx-compound", 1)] += pend(1, val("rhs-compound", 7)).await;
            v
        }
    },
    run: f(),
}

differential! {
    /// s3-5 minimal (runtime form): a compound assignment whose place
    /// awaits and whose right operand has a side effect.
    name: compound_assign_awaited_place_rhs_evaluated_twice,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![0u32];
            v[pend(1, 0).await] += val("rhs", 1);
            v
        }
    },
    run: f(),
}

known_gap! {
    reason: "s3-12 (runs differently, events): `names[val(\"idx\", 0)] += pend(1, val(\"rhs\", \"b\")).await;` on a `String` (`AddAssign` through the trait, so rustc evaluates the place first: `idx 0`, `rhs \"b\"`); longhand evaluates the right operand first (`rhs \"b\"`, `idx 0`), the order rustc uses only for primitive operands",
    differential! {
        /// s3-12 minimal: a non-primitive compound assignment with an awaited
        /// right operand and a place with a side effect.
        name: compound_assign_non_primitive_place_first,
        items: {
            #[lh] async fn f() -> Vec<String> {
                let mut names = vec![String::from("a")];
                names[val("idx", 0)] += pend(1, val("rhs", "b")).await;
                names
            }
        },
        run: f(),
    }
}

// ---------------------------------------------------------------------------
// 35. Annotations and coercions kept across awaits
// ---------------------------------------------------------------------------

differential! {
    /// Numeric type annotations on kept locals (`u8`, tuple and array
    /// patterns with types, closure parameter types) decide wrapping and
    /// overflow behaviour after awaits.
    name: numeric_annotations_kept_across_awaits,
    items: {
        #[lh] async fn f() -> (u8, i64, u8, u16, u32) {
            let x: u8 = 250;
            let (a, b): (u8, i64) = (200, -1);
            let [p, q]: [u16; 2] = [65_000, 600];
            let add = |m: u8, n: u8| m.wrapping_add(n);
            let mut acc = 0;
            pend(1, ()).await;
            acc += pend(1, 7u32).await;
            let w = x.wrapping_add(10);
            pend(1, ()).await;
            (w, b.pow(3), add(a, x), p.wrapping_add(q), acc.wrapping_sub(8))
        }
    },
    run: f(),
}

differential! {
    /// Coercions at `let` with annotations, kept across awaits: `Box<dyn
    /// Trait>`, `&dyn Debug` to an extended temporary, `fn` pointers from
    /// an `if`, `&[T]` from `&Vec<T>`, `Rc<dyn Fn>`.
    name: coercions_at_let_kept_across_awaits,
    items: {
        trait Area { fn area(&self) -> u32; }
        struct Sq(u32, D);
        impl Area for Sq { fn area(&self) -> u32 { self.1.touch(); self.0 * self.0 } }
        fn add(a: u32) -> u32 { a + 1 }
        fn dbl(a: u32) -> u32 { a * 2 }
        #[lh] async fn f(c: bool) -> (u32, String, u32, usize, u32) {
            let shape: Box<dyn Area> = Box::new(pend(1, Sq(3, D::new("sq"))).await);
            let shown: &dyn std::fmt::Debug = &pend(1, vec![1, 2]).await;
            let op = if c { add } else { dbl };
            let v = vec![4u8, 5, 6];
            let sl: &[u8] = &v;
            let cb: Rc<dyn Fn(u32) -> u32> = Rc::new(move |x| x + 100);
            pend(1, ()).await;
            (shape.area(), format!("{shown:?}"), op(10), sl.len(), cb(1))
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// A `u8` overflow panic (debug build) after awaits, with the type coming
    /// only from an annotation on the kept local.
    name: annotated_u8_overflow_panics_after_await,
    items: {
        #[lh] async fn f() -> u8 {
            let _g = D::new("guard");
            let x: u8 = 200;
            pend(1, ()).await;
            let y = pend(1, 100).await;
            x + y
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 36. Names that generated code might use
// ---------------------------------------------------------------------------

differential! {
    /// Locals named like the pieces of a hand-written `poll` (`cx`, `state`,
    /// `this`, `fut`, `waker`, `output`, `pinned`, `poll`, `me`) kept across
    /// awaits.
    name: locals_named_like_poll_internals,
    items: {
        #[lh] async fn f(cx: u32, this: D) -> usize {
            let state = D::new("state");
            let fut = pend(1, 2u32);
            let waker = cx + 1;
            let output = fut.await;
            let pinned = D::new("pinned");
            let poll = pend(1, waker + output).await;
            let me = &state;
            pend(1, ()).await;
            me.touch() + this.touch() + pinned.touch() + poll as usize
        }
    },
    run: f(5, D::new("this")),
}

differential! {
    /// A module-level `type Result<T>` alias (as with `io::Result`) and a
    /// glob-imported enum with `Pending` / `Ready` / `Done` variants in
    /// scope of the lowered function.
    name: result_alias_and_glob_imported_poll_like_variants,
    items: {
        type Result<T> = std::result::Result<T, String>;
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Job { Pending, Ready, Done }
        use Job::*;
        #[lh] async fn advance(j: Job) -> Result<Job> {
            let _g = D::new("job");
            let next = match j {
                Pending => { pend(1, ()).await; Ready }
                Ready => pend(1, Done).await,
                Done => return Err(format!("already {j:?}")),
            };
            Ok(next)
        }
        #[lh] async fn all() -> Vec<Result<Job>> {
            let mut out = vec![];
            for j in [Pending, Ready, Done] { out.push(advance(j).await); }
            out
        }
    },
    run: all(),
}

differential! {
    /// A glob-imported enum with a `None` variant (shadowing the prelude's
    /// `None`) and `Some`-free code around awaits.
    name: glob_imported_none_variant,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum Auth { None, Basic(u32) }
        use Auth::*;
        #[lh] async fn check(a: Auth) -> std::option::Option<u32> {
            let _g = D::new("auth");
            let r = match a {
                None => { pend(1, ()).await; std::option::Option::None }
                Basic(n) => std::option::Option::Some(pend(1, n).await),
            };
            r
        }
    },
    run: async { (check(None).await, check(Basic(3)).await) },
}

differential! {
    /// User types named `State`, `Poll`, `Context` and `Pin` in scope, and a
    /// function-local struct named like a state enum (`FState`).
    name: user_types_named_state_poll_context_pin,
    items: {
        #[derive(Debug)]
        struct State { n: u32 }
        #[derive(Debug)]
        enum Poll { Yes, No }
        struct Context(D);
        struct Pin(u8);
        #[lh] async fn f(ctx: Context) -> (u32, String, u8) {
            struct FState(u32);
            let mut st = State { n: 1 };
            let p = if st.n > 0 { Poll::Yes } else { Poll::No };
            st.n += pend(1, FState(4)).await.0;
            let pin = Pin(pend(1, 9).await);
            ctx.0.touch();
            (st.n, format!("{p:?}"), pin.0)
        }
    },
    run: f(Context(D::new("ctx"))),
}

differential! {
    /// s3-13 minimal: a local named `this` across an await.
    name: local_named_this_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let this = 1u32;
            pend(1, ()).await;
            this
        }
    },
    run: f(),
}

differential! {
    /// s3-13 realistic: the `let this = Rc::clone(..)` idiom in a method.
    name: this_clone_idiom_in_method,
    items: {
        struct Inner { name: D, hits: RefCell<u32> }
        struct Svc { inner: Rc<Inner> }
        impl Svc {
            #[lh] async fn handle(&self, n: u32) -> u32 {
                let this = Rc::clone(&self.inner);
                pend(1, ()).await;
                *this.hits.borrow_mut() += n;
                this.name.touch();
                let h = *this.hits.borrow();
                h
            }
        }
    },
    run: async {
        let s = Svc { inner: Rc::new(Inner { name: D::new("inner"), hits: RefCell::new(0) }) };
        (s.handle(2).await, s.handle(3).await)
    },
}

differential! {
    /// s3-14 minimal: a user struct named `FState` used in `f`.
    name: user_type_named_like_state_enum,
    items: {
        struct FState { n: u32 }
        #[lh] async fn f() -> u32 {
            let s = FState { n: 1 };
            pend(1, ()).await;
            s.n
        }
    },
    run: f(),
}

differential! {
    /// s3-14 realistic: a domain enum `ConnectState` used by `connect`.
    name: domain_enum_named_like_state_enum,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum ConnectState { Idle, Open(u32) }
        #[lh] async fn connect(port: u32) -> ConnectState {
            let _sock = D::new("socket");
            let st = if port == 0 { ConnectState::Idle } else { ConnectState::Open(pend(1, port).await) };
            pend(1, ()).await;
            st
        }
    },
    run: async { (connect(0).await, connect(80).await) },
}

// ---------------------------------------------------------------------------
// 37. Two-phase borrows, async closures, nested lowered futures
// ---------------------------------------------------------------------------

differential! {
    /// Two-phase borrows: `v.push(pend(1, v.len()).await)`, `v.insert(v.len(),
    /// ..)` and `map.insert(k, map.len() + x.await)` with the receiver
    /// reserved across the await.
    name: two_phase_borrows_across_awaits,
    items: {
        #[lh] async fn f() -> (Vec<usize>, BTreeMap<String, usize>) {
            let mut v = vec![0usize];
            v.push(pend(1, v.len()).await);
            v.insert(v.len(), pend(1, v.len() * 10).await);
            let mut m = BTreeMap::new();
            for k in ["a", "b"] {
                m.insert(k.to_string(), m.len() + pend(1, 100).await);
            }
            (v, m)
        }
    },
    run: f(),
}

differential! {
    /// Async closures (`async |x| ..`, `async move ||`) stored in locals,
    /// called several times after awaits, capturing `D`s by reference and by
    /// move.
    name: async_closures_stored_and_called,
    items: {
        #[lh] async fn f() -> (usize, usize, usize) {
            let shared = D::new("shared");
            let owned = D::new("owned");
            let lookup = async |k: usize| { pend(1, ()).await; shared.touch() + k };
            let finish = async move || { pend(1, ()).await; owned.touch() };
            let a = lookup(1).await;
            pend(1, ()).await;
            let b = lookup(2).await;
            let c = finish().await;
            drop(finish);
            (a, b, c)
        }
    },
    run: f(),
}

differential! {
    /// A lowered `async fn` awaiting other lowered ones that panic in the
    /// middle (after awaits, with `D`s alive in both frames).
    name: nested_lowered_futures_panic_inside,
    items: {
        #[lh] async fn inner(n: u32) -> u32 {
            let _i = D::new("inner-guard");
            pend(1, ()).await;
            if n > 2 { panic!("inner failed at {n}"); }
            n * 2
        }
        #[lh] async fn middle(xs: Vec<u32>) -> u32 {
            let _m = D::new("middle-guard");
            let mut t = 0;
            for x in xs {
                let _step = D::new("step");
                t += inner(x).await;
            }
            t
        }
        #[lh] async fn outer() -> u32 {
            let _o = D::new("outer-guard");
            let a = middle(vec![1, 2]).await;
            let b = middle(vec![1, 3, 4]).await;
            a + b
        }
    },
    run: outer(),
}

differential! {
    /// `tokio::select!` in a loop racing a lowered sub-future against a
    /// countdown, the loser dropped each round with its `D`.
    name: select_loop_racing_lowered_subfuture,
    items: {
        #[lh] async fn work(id: u32, d: D) -> u32 {
            pend(id, ()).await;
            d.touch() as u32 + id
        }
        #[lh] async fn f() -> Vec<String> {
            let mut out = vec![];
            for round in 0..4u32 {
                let _r = D::new("round");
                tokio::select! {
                    biased;
                    v = work(round, D::new("worker")) => out.push(format!("work {v}")),
                    () = pend(2, ()) => out.push(format!("timeout {round}")),
                }
                pend(1, ()).await;
            }
            out
        }
    },
    run: f(),
}

differential! {
    /// Generic `async fn` over `T: Debug` holding several `T`s (dropped in
    /// declaration order), a `Vec<T>` drained, and a `where` clause.
    name: generic_values_drop_order,
    items: {
        #[lh] async fn keep<T, U>(a: T, b: T, mut rest: Vec<T>, u: U) -> usize
        where T: std::fmt::Debug, U: Fn(&T) -> usize {
            let first = u(&a);
            pend(1, ()).await;
            let moved = b;
            let drained: Vec<T> = rest.drain(..1).collect();
            pend(1, ()).await;
            first + drained.len() + u(&moved) + rest.len()
        }
    },
    run: keep(D::new("ga"), D::new("gb"), vec![D::new("r0"), D::new("r1")], |d: &D| d.touch()),
}

// ---------------------------------------------------------------------------
// 38. Borrows carried out of an awaitee's output (s3-15)
// ---------------------------------------------------------------------------

differential! {
    /// s3-15 minimal: a `&mut` to a local passed into an awaitee and
    /// returned by it, written through after the await.
    name: borrow_returned_by_awaitee_written_after,
    items: {
        #[lh] async fn f() -> u32 {
            let mut x = 1u32;
            let r = pend(1, &mut x).await;
            *r += 2;
            x
        }
    },
    run: f(),
}

differential! {
    /// s3-15: compound assignment through the awaited `&mut`.
    name: deref_of_awaited_borrow_compound_assign,
    items: {
        struct S { a: u32 }
        #[lh] async fn f() -> (u32, u32, u32) {
            let mut x = 1u32;
            *pend(1, &mut x).await += 2;
            let mut y = 1u32;
            *pend(1, &mut y).await = 5;
            let mut s = S { a: 1 };
            pend(1, &mut s).await.a += 2;
            (x, y, s.a)
        }
    },
    run: f(),
}

differential! {
    /// s3-15: the shared reference handed back by the awaitee is not a
    /// reference to `x`.
    name: shared_borrow_returned_by_awaitee_points_elsewhere,
    items: {
        #[lh] async fn f() -> bool {
            let x = 5u32;
            let r = pend(1, &x).await;
            std::ptr::eq(r, &x)
        }
    },
    run: f(),
}

differential! {
    /// s3-15: a `DerefMut` guard borrowing a local, produced by an
    /// awaitee, used in a compound assignment.
    name: guard_returned_by_awaitee_deref_mut,
    items: {
        struct G<'a>(&'a mut u32, D);
        impl std::ops::Deref for G<'_> { type Target = u32; fn deref(&self) -> &u32 { self.0 } }
        impl std::ops::DerefMut for G<'_> { fn deref_mut(&mut self) -> &mut u32 { self.0 } }
        #[lh] async fn f() -> u32 {
            let mut x = 1u32;
            *pend(1, G(&mut x, D::new("guard"))).await += 2;
            x
        }
    },
    run: f(),
}

differential! {
    /// s3-15 realistic: bumping a counter behind a `tokio::sync::Mutex`
    /// (`*m.lock().await += n`) with nothing else keeping `m` borrowed
    /// across an await.
    name: tokio_mutex_counter_bump,
    items: {
        #[lh] async fn f() -> u32 {
            let m = tokio::sync::Mutex::new(1u32);
            *m.lock().await += 2;
            let x = *m.lock().await;
            x
        }
    },
    run: f(),
}

differential! {
    /// s3-15 realistic: a batch helper filling and returning the caller's
    /// buffer, the caller pushing to it.
    name: helper_returning_callers_buffer,
    items: {
        #[lh] async fn next_batch<'a>(buf: &'a mut Vec<u32>, n: u32) -> &'a mut Vec<u32> {
            pend(1, ()).await;
            buf.clear();
            buf.extend(0..n);
            buf
        }
        #[lh] async fn f() -> usize {
            let mut buf = Vec::new();
            let b = next_batch(&mut buf, 3).await;
            b.push(99);
            buf.len()
        }
    },
    run: f(),
}

differential! {
    /// s3-15 realistic: an async `&mut self` accessor on a local
    /// connection, the returned field reference written by the caller.
    name: async_accessor_on_local_written_after,
    items: {
        struct Conn { sent: u32, _d: D }
        impl Conn {
            #[lh] async fn counter(&mut self) -> &mut u32 {
                pend(1, ()).await;
                &mut self.sent
            }
        }
        #[lh] async fn f() -> u32 {
            let mut c = Conn { sent: 0, _d: D::new("conn") };
            let n = c.counter().await;
            *n += 5;
            c.sent
        }
    },
    run: f(),
}

differential! {
    /// s3-15 controls: the same borrows pass when the local is otherwise
    /// kept borrowed across an await (`let r = &mut x;` first), when the
    /// awaitee only uses the borrow (`bump(&mut x).await`), and when the
    /// returned reference is kept across a later await.
    name: borrow_through_awaitee_controls,
    items: {
        async fn bump(x: &mut u32) { pend(1, ()).await; *x += 1; }
        #[lh] async fn f() -> (u32, u32, bool) {
            let mut x = 1u32;
            let r = &mut x;
            let r = pend(1, r).await;
            *r += 2;
            let mut y = 1u32;
            bump(&mut y).await;
            let z = 5u32;
            let rz = pend(1, &z).await;
            pend(1, ()).await;
            (x, y, std::ptr::eq(rz, &z))
        }
    },
    run: f(),
}

differential! {
    /// s3-5 worst case: both operands of a compound assignment await.
    name: compound_assign_place_and_rhs_both_await,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut v = vec![0u32; 2];
            v[pend(1, val("idx", 0)).await] = pend(2, val("rhs", 5)).await;
            v[pend(1, val("idx2", 1)).await] += pend(2, val("rhs2", 7)).await;
            v
        }
    },
    run: f(),
}
