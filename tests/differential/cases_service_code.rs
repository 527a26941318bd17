//! Cases shaped like service and library code written with tokio or smol:
//! caches, retries, sources, parsers, error chains, builders, and so on.
//! Each shape that failed when first written is kept minimised, either as
//! a regression case once fixed or as a `known_gap!` with its reason.
// The cases copy real code's shapes, lints and all (a lock guard or `Ref`
// held across an await is what some of them check).
#![allow(dead_code)]
#![allow(
    clippy::await_holding_lock,
    clippy::await_holding_refcell_ref,
    clippy::manual_is_multiple_of,
    clippy::redundant_pattern_matching,
    clippy::redundant_locals,
    clippy::useless_format,
    clippy::useless_vec,
    clippy::vec_init_then_push
)]

use crate::harness::*;

differential! {
    /// A cache behind `&mut self` using the `HashMap` entry API, the vacant
    /// entry held across the load's await.
    name: service_cache_entry_api,
    items: {
        use std::collections::HashMap;
        use std::collections::hash_map::Entry;
        struct Cache { map: HashMap<String, (u32, D)>, loads: u32 }
        #[lh] async fn load(key: &str) -> u32 {
            let _g = D::new("load-guard");
            pend(key.len() as u32 % 3, key.len() as u32 * 10).await
        }
        impl Cache {
            #[lh] async fn get(&mut self, key: &str) -> u32 {
                match self.map.entry(key.to_string()) {
                    Entry::Occupied(e) => {
                        pend(1, ()).await;
                        e.get().0
                    }
                    Entry::Vacant(v) => {
                        let val = load(key).await;
                        self.loads += 1;
                        v.insert((val, D::new("entry"))).0
                    }
                }
            }
        }
    },
    run: async {
        let mut c = Cache { map: HashMap::new(), loads: 0 };
        let a = c.get("ab").await;
        let b = c.get("ab").await;
        let d = c.get("xyz").await;
        (a, b, d, c.loads)
    },
}

differential! {
    /// A retry loop: `match` on a `Result`, backoff awaits that grow, early
    /// return of the error after the last attempt.
    name: service_retry_backoff,
    items: {
        #[derive(Debug)]
        enum NetError { Timeout(u32), Refused }
        #[lh] async fn attempt(n: u32, fail_until: u32) -> Result<String, NetError> {
            let _conn = D::new("conn");
            pend(1, ()).await;
            if n < fail_until {
                if n % 2 == 0 { Err(NetError::Timeout(n)) } else { Err(NetError::Refused) }
            } else {
                Ok(format!("ok after {n}"))
            }
        }
        #[lh] async fn with_retry(fail_until: u32, max: u32) -> Result<String, NetError> {
            let _span = D::new("span");
            let mut delay = 0;
            let mut n = 0;
            loop {
                match attempt(n, fail_until).await {
                    Ok(s) => return Ok(s),
                    Err(e) if n + 1 >= max => {
                        log(format!("giving up: {e:?}"));
                        return Err(e);
                    }
                    Err(NetError::Timeout(t)) => {
                        log(format!("timeout {t}"));
                        delay = delay * 2 + 1;
                    }
                    Err(e) => log(format!("other {e:?}")),
                }
                let _b = D::new("backoff");
                pend(delay, ()).await;
                n += 1;
            }
        }
    },
    run: async { (with_retry(3, 5).await, with_retry(9, 3).await) },
}

differential! {
    /// `while let Some(x) = src.next().await` over a hand-written source
    /// yielding `D`s; early `break` leaves the rest in the source.
    name: service_while_let_source,
    items: {
        use std::collections::VecDeque;
        struct Source { items: VecDeque<D>, delay: u32 }
        impl Source {
            #[lh] async fn next(&mut self) -> Option<D> {
                pend(self.delay, ()).await;
                self.delay = (self.delay + 1) % 3;
                self.items.pop_front()
            }
        }
        #[lh] async fn consume(mut src: Source, stop_at: &str) -> (usize, Vec<&'static str>) {
            let mut seen = Vec::new();
            let _s = D::new("consumer");
            while let Some(item) = src.next().await {
                if item.0 == stop_at {
                    break;
                }
                item.touch();
                seen.push(item.0);
                pend(1, ()).await;
            }
            (src.items.len(), seen)
        }
    },
    run: async {
        let mk = || Source { items: vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")].into(), delay: 0 };
        (consume(mk(), "c").await, consume(mk(), "zz").await)
    },
}

differential! {
    /// A frame parser reading into a buffer: `read(&mut buf[pos..]).await`,
    /// length-prefixed frames, `?` on an error enum.
    name: service_frame_parser,
    items: {
        struct Reader { data: Vec<u8>, pos: usize, chunk: usize }
        impl Reader {
            #[lh] async fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                pend((self.pos % 2) as u32, ()).await;
                let n = buf.len().min(self.chunk).min(self.data.len() - self.pos);
                buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
                self.pos += n;
                Ok(n)
            }
        }
        #[derive(Debug)]
        enum FrameError { Io(String), Eof, TooLong(usize) }
        impl From<std::io::Error> for FrameError {
            fn from(e: std::io::Error) -> Self { FrameError::Io(e.to_string()) }
        }
        #[lh] async fn read_exact(r: &mut Reader, buf: &mut [u8]) -> Result<(), FrameError> {
            let mut pos = 0;
            while pos < buf.len() {
                let n = r.read(&mut buf[pos..]).await?;
                if n == 0 { return Err(FrameError::Eof); }
                pos += n;
            }
            Ok(())
        }
        #[lh] async fn read_frames(mut r: Reader) -> Result<Vec<String>, FrameError> {
            let _d = D::new("frames");
            let mut out = Vec::new();
            loop {
                let mut len = [0u8; 1];
                match read_exact(&mut r, &mut len).await {
                    Ok(()) => {}
                    Err(FrameError::Eof) => break,
                    Err(e) => return Err(e),
                }
                let len = len[0] as usize;
                if len > 8 { return Err(FrameError::TooLong(len)); }
                let mut buf = vec![0u8; len];
                read_exact(&mut r, &mut buf).await?;
                out.push(String::from_utf8_lossy(&buf).into_owned());
            }
            Ok(out)
        }
    },
    run: async {
        let a = read_frames(Reader { data: b"\x03abc\x05hello\x00\x02hi".to_vec(), pos: 0, chunk: 2 }).await;
        let b = read_frames(Reader { data: b"\x02ab\x09123456789".to_vec(), pos: 0, chunk: 3 }).await;
        let c = read_frames(Reader { data: b"\x04ab".to_vec(), pos: 0, chunk: 3 }).await;
        (a, b, c)
    },
}

differential! {
    /// `?` chains with `From` conversions between custom error enums across
    /// nested async fns, with `D`s alive at every `?`.
    name: service_error_from_chain,
    items: {
        #[derive(Debug)]
        enum DbError { NotFound(String), Corrupt }
        #[derive(Debug)]
        enum ParseError { Bad(String) }
        #[derive(Debug)]
        enum AppError { Db(DbError), Parse(ParseError), Other(&'static str) }
        impl From<DbError> for AppError { fn from(e: DbError) -> Self { AppError::Db(e) } }
        impl From<ParseError> for AppError { fn from(e: ParseError) -> Self { AppError::Parse(e) } }
        #[lh] async fn fetch_row(key: &str) -> Result<String, DbError> {
            let _tx = D::new("tx");
            pend(1, ()).await;
            match key {
                "missing" => Err(DbError::NotFound(key.to_owned())),
                "corrupt" => Err(DbError::Corrupt),
                _ => Ok(format!("{key}=4{}", key.len())),
            }
        }
        #[lh] async fn parse_row(row: &str) -> Result<u32, ParseError> {
            pend(0, ()).await;
            let (_, v) = row.split_once('=').ok_or_else(|| ParseError::Bad(row.to_string()))?;
            v.parse::<u32>().map_err(|e| ParseError::Bad(e.to_string()))
        }
        #[lh] async fn handle(keys: Vec<&str>) -> Result<u32, AppError> {
            let _req = D::new("request");
            let mut sum = 0;
            for k in keys {
                let _it = D::new("item");
                if k.is_empty() { return Err(AppError::Other("empty key")); }
                let row = fetch_row(k).await?;
                sum += parse_row(&row).await?;
            }
            Ok(sum)
        }
    },
    run: async {
        (
            handle(vec!["a", "bb"]).await,
            handle(vec!["a", "missing", "b"]).await,
            handle(vec!["corrupt"]).await,
            handle(vec!["a", ""]).await,
            handle(vec!["x=y"]).await,
        )
    },
}

differential! {
    /// A builder-style chain ending in `.send().await` on `&self`, and
    /// `into_*` consuming methods after awaits.
    name: service_builder_chain,
    items: {
        #[derive(Debug, Clone)]
        struct Request { url: String, headers: Vec<(String, String)>, body: Option<String> }
        struct Client { _d: D, sent: std::cell::Cell<u32> }
        struct RequestBuilder<'c> { client: &'c Client, req: Request }
        impl Client {
            fn get(&self, url: &str) -> RequestBuilder<'_> {
                RequestBuilder { client: self, req: Request { url: url.into(), headers: vec![], body: None } }
            }
        }
        impl<'c> RequestBuilder<'c> {
            fn header(mut self, k: &str, v: impl Into<String>) -> Self { self.req.headers.push((k.into(), v.into())); self }
            fn body(mut self, b: String) -> Self { self.req.body = Some(b); self }
            #[lh] async fn send(&self) -> Response {
                pend(self.req.headers.len() as u32, ()).await;
                self.client.sent.set(self.client.sent.get() + 1);
                Response { status: 200, text: format!("{:?}", self.req) }
            }
        }
        struct Response { status: u16, text: String }
        impl Response {
            #[lh] async fn into_text(self) -> String {
                pend(1, ()).await;
                format!("{} {}", self.status, self.text)
            }
        }
        #[lh] async fn call(client: &Client, token: &str) -> String {
            // (was `.body(pend(..).await)` in the chain: stress B; and the
            // chain ending in `.send().await`: stress G)
            let body = pend(1, String::from("{}")).await;
            let resp = client
                .get("/items")
                .header("auth", format!("Bearer {token}"))
                .header("x", "y")
                .body(body);
            let resp = resp.send().await;
            let len = resp.text.len();
            let text = resp.into_text().await;
            format!("{len}:{text}")
        }
    },
    run: async {
        let c = Client { _d: D::new("client"), sent: std::cell::Cell::new(0) };
        let t = call(&c, "tok").await;
        (t, c.sent.get())
    },
}

differential! {
    /// Iterator adapters around awaits: `iter().filter().map()` kept across
    /// awaits in a `for`, and a `collect` of awaited values.
    name: service_iterator_adapters,
    items: {
        struct User { id: u32, name: String, active: bool }
        #[lh] async fn score(id: u32) -> u32 {
            pend(id % 3, id * 7 % 10).await
        }
        #[lh] async fn report(users: &[User], min: u32) -> Vec<String> {
            let _d = D::new("report");
            let mut out = Vec::new();
            for (i, u) in users.iter().filter(|u| u.active).map(|u| (u.id, &u.name)).enumerate() {
                let s = score(i as u32 + u.0).await;
                if s < min { continue; }
                out.push(format!("{}:{}", u.1, s));
            }
            let ids: Vec<u32> = users.iter().map(|u| u.id).filter(|id| id % 2 == 1).collect();
            let mut total = 0;
            for id in &ids {
                total += score(*id).await;
            }
            out.push(format!("total {total} over {}", ids.len()));
            out
        }
    },
    run: async {
        let users = vec![
            User { id: 1, name: "ann".into(), active: true },
            User { id: 2, name: "bob".into(), active: false },
            User { id: 3, name: "cyd".into(), active: true },
            User { id: 4, name: "dee".into(), active: true },
        ];
        report(&users, 2).await
    },
}

differential! {
    /// Closures capturing locals (by ref, by mut ref, by move) used after
    /// awaits; an `FnMut` counter called on both sides of an await.
    name: service_closures_capture,
    items: {
        #[lh] async fn f(prefix: String) -> (Vec<String>, u32) {
            let tag = D::new("tag");
            // (was `format!("{prefix}-{x}-{}", tag.0)`: stress C)
            let fmt = |x: u32| format!("{}-{x}-{}", prefix, tag.0);
            let mut calls = 0;
            let mut bump = |n: u32| { calls += n; calls };
            let a = bump(1);
            let x = pend(1, 5).await;
            let b = bump(x);
            let owned = prefix.clone();
            let shout = move |s: &str| format!("{}!{}", owned.to_uppercase(), s);
            let mut out = vec![fmt(a), fmt(b)];
            out.push(shout(&fmt(pend(2, 9).await)));
            drop(tag);
            pend(1, ()).await;
            (out, calls)
        }
    },
    run: f(String::from("p")),
}

differential! {
    /// `async move` blocks passed to helper functions (a timeout-like
    /// wrapper, an instrumenting wrapper), capturing and moving locals.
    name: service_async_move_to_helpers,
    items: {
        use std::future::Future;
        async fn instrument<F: Future>(name: &'static str, f: F) -> F::Output {
            let _span = D::new(name);
            log(format!("enter {name}"));
            let out = f.await;
            log(format!("exit {name}"));
            out
        }
        struct Timeout<F> { f: std::pin::Pin<Box<F>>, left: u32 }
        impl<F: Future> Future for Timeout<F> {
            type Output = Option<F::Output>;
            fn poll(mut self: std::pin::Pin<&mut Self>, cx: &mut std::task::Context<'_>) -> std::task::Poll<Self::Output> {
                if let std::task::Poll::Ready(v) = self.f.as_mut().poll(cx) { return std::task::Poll::Ready(Some(v)); }
                if self.left == 0 { return std::task::Poll::Ready(None); }
                self.left -= 1;
                std::task::Poll::Pending
            }
        }
        fn timeout<F: Future>(left: u32, f: F) -> Timeout<F> { Timeout { f: Box::pin(f), left } }
        #[lh] async fn f(items: Vec<u32>) -> (u32, Option<u32>, Option<String>) {
            let owned = D::new("owned");
            let base = 10;
            let total = instrument("sum", async move {
                let mut t = base;
                for i in items { t += pend(1, i).await; }
                t
            }).await;
            // (was `async {` borrowing `base`, copied by the block above:
            // stress D)
            let fast = timeout(3, async move { pend(1, base + total).await }).await;
            let slow = timeout(1, async move {
                let o = owned;
                pend(5, ()).await;
                format!("{}", o.0)
            }).await;
            pend(1, ()).await;
            (total, fast, slow)
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `Option` combinators around awaited values, `ok_or(..)?`, `let else`
    /// with an awaited initializer, and shadowing of the same name.
    name: service_option_combinators_let_else,
    items: {
        #[lh] async fn lookup(k: u32) -> Option<String> {
            pend(1, ()).await;
            if k % 3 == 0 { None } else { Some(format!("v{k}")) }
        }
        #[lh] async fn f(k: u32) -> Result<usize, String> {
            let _d = D::new("f");
            let v = lookup(k).await.map(|s| s.len()).unwrap_or(0);
            let w = lookup(k + 1).await.as_deref().map(str::to_uppercase).filter(|s| s.len() > 1);
            let Some(w) = w else {
                let _e = D::new("else");
                pend(1, ()).await;
                return Err(format!("no w for {k}"));
            };
            let data = lookup(k + 2).await.ok_or(format!("none at {}", k + 2))?;
            let data = data.trim_start_matches('v');
            let data: usize = data.parse().map_err(|_| "parse".to_string())?;
            let data = data + pend(1, w.len()).await;
            Ok(v + data)
        }
    },
    run: async { (f(1).await, f(2).await, f(4).await, f(5).await) },
}

differential! {
    /// A struct with a lifetime and async methods returning borrows of the
    /// input (`Parser<'a>`), driven token by token.
    name: service_parser_with_lifetime,
    items: {
        struct Parser<'a> { input: &'a str, pos: usize, _d: D }
        impl<'a> Parser<'a> {
            fn new(input: &'a str) -> Self { Parser { input, pos: 0, _d: D::new("parser") } }
            #[lh] async fn next_token(&mut self) -> Option<&'a str> {
                pend((self.pos % 2) as u32, ()).await;
                let rest = &self.input[self.pos..];
                let rest_trim = rest.trim_start();
                self.pos += rest.len() - rest_trim.len();
                if rest_trim.is_empty() { return None; }
                let end = rest_trim.find(' ').unwrap_or(rest_trim.len());
                self.pos += end;
                Some(&rest_trim[..end])
            }
            // (was named `expect`: stress E)
            #[lh] async fn eat(&mut self, want: &str) -> Result<(), String> {
                match self.next_token().await {
                    Some(t) if t == want => Ok(()),
                    Some(t) => Err(format!("expected {want}, got {t}")),
                    None => Err(format!("expected {want}, got eof")),
                }
            }
        }
        #[lh] async fn parse_let(src: &str) -> Result<(&str, Vec<&str>), String> {
            let mut p = Parser::new(src);
            p.eat("let").await?;
            let name = p.next_token().await.ok_or("name")?;
            p.eat("=").await?;
            let mut vals = Vec::new();
            while let Some(t) = p.next_token().await {
                vals.push(t);
            }
            Ok((name, vals))
        }
    },
    run: async { (parse_let("let x = 1 2  3").await, parse_let("let y + 1").await, parse_let("fn").await) },
}

differential! {
    /// Generic async fns with trait bounds (`T: Display + Clone`,
    /// `where` clause, `impl AsRef<str>`), values of `T` kept across awaits.
    name: service_generic_bounds,
    items: {
        use std::fmt::{Debug, Display};
        #[lh] async fn render<T: Display + Clone>(items: &[T], sep: impl AsRef<str>) -> String {
            let mut out = String::new();
            for (i, it) in items.iter().enumerate() {
                let copy = it.clone();
                pend(i as u32 % 2, ()).await;
                if i > 0 { out.push_str(sep.as_ref()); }
                out += &copy.to_string();
            }
            out
        }
        #[lh] async fn first_max<T, K>(items: Vec<T>, key: impl Fn(&T) -> K) -> Option<T>
        where T: Debug, K: Ord + Copy
        {
            let mut best: Option<(K, T)> = None;
            for it in items {
                let k = key(&it);
                pend(1, ()).await;
                best = match best {
                    Some((bk, bv)) if bk >= k => Some((bk, bv)),
                    _ => Some((k, it)),
                };
            }
            best.map(|(_, v)| v)
        }
    },
    run: async {
        let r = render(&[1.5, 2.0, 3.25], ", ").await;
        let s = render(&vec![String::from("a"), "b".into()], String::from("|")).await;
        let m = first_max(vec![D::new("x"), D::new("yyy"), D::new("zz"), D::new("www")], |d| d.0.len()).await;
        (r, s, m)
    },
}

differential! {
    /// A trait whose method returns `impl Future`, implemented by lowered
    /// async fns, used through a generic middleware wrapper.
    name: service_trait_service_middleware,
    items: {
        use std::future::Future;
        #[derive(Debug)]
        struct Req { path: String, _d: D }
        trait Service {
            fn call(&self, req: Req) -> impl Future<Output = Result<String, String>>;
        }
        struct Echo;
        impl Service for Echo {
            #[lh] async fn call(&self, req: Req) -> Result<String, String> {
                pend(1, ()).await;
                if req.path.starts_with("/bad") { Err(format!("bad {}", req.path)) } else { Ok(req.path.to_uppercase()) }
            }
        }
        struct Logging<S> { inner: S, name: &'static str }
        impl<S: Service> Service for Logging<S> {
            #[lh] async fn call(&self, req: Req) -> Result<String, String> {
                let _span = D::new(self.name);
                let path = req.path.clone();
                log(format!("{} -> {}", self.name, path));
                let res = self.inner.call(req).await;
                pend(1, ()).await;
                log(format!("{} <- {} {:?}", self.name, path, res.is_ok()));
                res
            }
        }
    },
    run: async {
        let svc = Logging { inner: Logging { inner: Echo, name: "inner" }, name: "outer" };
        let a = svc.call(Req { path: "/ok".into(), _d: D::new("req1") }).await;
        let b = svc.call(Req { path: "/bad/x".into(), _d: D::new("req2") }).await;
        (a, b)
    },
}

differential! {
    /// A command dispatcher: `match` on an enum with data, arms awaiting and
    /// moving out of the variant's fields.
    name: service_command_dispatch,
    items: {
        use std::collections::BTreeMap;
        enum Cmd { Get(String), Set(String, D), Del(Vec<String>), Batch(Vec<Cmd>), Ping }
        struct Store { map: BTreeMap<String, D> }
        impl Store {
            #[lh] async fn exec(&mut self, cmd: Cmd) -> String {
                match cmd {
                    Cmd::Get(k) => {
                        pend(1, ()).await;
                        self.map.get(&k).map(|d| d.0.to_string()).unwrap_or_else(|| "nil".into())
                    }
                    Cmd::Set(k, v) => {
                        let old = self.map.insert(k, v);
                        pend(1, ()).await;
                        match old { Some(o) => format!("replaced {}", o.0), None => "new".into() }
                    }
                    Cmd::Del(keys) => {
                        let keys = keys; // (without this rebinding: stress F)
                        let mut n = 0;
                        for k in &keys {
                            pend(0, ()).await;
                            if self.map.remove(k).is_some() { n += 1; }
                        }
                        format!("deleted {n}/{}", keys.len())
                    }
                    Cmd::Batch(cmds) => {
                        let mut out = Vec::new();
                        for c in cmds {
                            out.push(Box::pin(self.exec(c)).await);
                        }
                        out.join(";")
                    }
                    Cmd::Ping => "pong".into(),
                }
            }
        }
    },
    run: async {
        let mut s = Store { map: BTreeMap::new() };
        let mut out = Vec::new();
        out.push(s.exec(Cmd::Set("a".into(), D::new("a1"))).await);
        out.push(s.exec(Cmd::Set("a".into(), D::new("a2"))).await);
        out.push(s.exec(Cmd::Get("a".into())).await);
        out.push(s.exec(Cmd::Batch(vec![Cmd::Ping, Cmd::Set("b".into(), D::new("b1")), Cmd::Del(vec!["a".into(), "z".into()])])).await);
        out.push(s.exec(Cmd::Get("a".into())).await);
        out
    },
}

differential! {
    /// `std::mem::take` / `replace` on fields across awaits: a write queue
    /// flushed item by item, a state field swapped out and restored.
    name: service_mem_take_replace,
    items: {
        #[derive(Debug)]
        enum ConnState { Idle, Busy(D), Closed }
        struct Conn { queue: Vec<D>, state: ConnState, written: Vec<&'static str> }
        impl Conn {
            #[lh] async fn write(&mut self, d: &D) {
                pend(1, ()).await;
                self.written.push(d.0);
            }
            #[lh] async fn flush(&mut self) -> usize {
                let pending = std::mem::take(&mut self.queue);
                let prev = std::mem::replace(&mut self.state, ConnState::Busy(D::new("busy")));
                let mut n = 0;
                for item in pending {
                    self.write(&item).await;
                    n += 1;
                }
                let busy = std::mem::replace(&mut self.state, prev);
                log(format!("was {busy:?}"));
                pend(1, ()).await;
                if n > 2 { self.state = ConnState::Closed; }
                n
            }
        }
    },
    run: async {
        let mut c = Conn { queue: vec![D::new("q1"), D::new("q2")], state: ConnState::Idle, written: vec![] };
        let a = c.flush().await;
        c.queue.extend([D::new("q3"), D::new("q4"), D::new("q5")]);
        let b = c.flush().await;
        (a, b, c.written.clone(), format!("{:?}", c.state))
    },
}

differential! {
    /// `Rc<RefCell<..>>` shared state: borrows ended before each await, a
    /// cloned snapshot kept across, a `Ref` temporary alive in a statement
    /// that awaits.
    name: service_rc_refcell,
    items: {
        use std::rc::Rc;
        use std::cell::RefCell;
        #[derive(Default)]
        struct Shared { events: Vec<String>, hits: u32 }
        #[lh] async fn worker(state: Rc<RefCell<Shared>>, id: u32) -> usize {
            {
                let mut s = state.borrow_mut();
                s.hits += 1;
                s.events.push(format!("start {id}"));
            }
            pend(id, ()).await;
            let snapshot = state.borrow().events.clone();
            state.borrow_mut().events.push(format!("mid {id}"));
            let n = state.borrow().hits as usize + pend(1, snapshot.len()).await;
            let _d = D::new("worker");
            state.borrow_mut().events.push(format!("end {id} {n}"));
            pend(1, ()).await;
            Rc::strong_count(&state) + n
        }
    },
    run: async {
        let st = Rc::new(RefCell::new(Shared::default()));
        let a = worker(st.clone(), 1).await;
        let b = worker(Rc::clone(&st), 2).await;
        let ev = st.borrow().events.clone();
        (a, b, ev)
    },
}

differential! {
    /// `format!` / `write!` / `writeln!` with awaits among their arguments,
    /// writing into a `String` through `fmt::Write`.
    name: service_format_write_awaits,
    items: {
        use std::fmt::Write;
        #[lh] async fn name(id: u32) -> String {
            pend(id % 2, format!("user{id}")).await
        }
        #[lh] async fn render(ids: &[u32]) -> Result<String, std::fmt::Error> {
            let mut out = String::new();
            let _d = D::new("render");
            writeln!(out, "header {}", pend(1, ids.len()).await)?;
            for id in ids {
                write!(&mut out, "[{}={}]", id, name(*id).await)?;
            }
            let tail = format!("{}/{}", name(7).await, val("second", 2));
            // (was `x = pend(1, 42).await` as a named argument: stress A)
            let x = pend(1, 42).await;
            write!(out, " {tail} {x:>4}")?;
            Ok(out)
        }
    },
    run: render(&[1, 2, 3]),
}

differential! {
    /// Arrays and tuples of futures awaited in sequence, and a `Vec` of
    /// boxed futures; some never awaited (dropped at the end).
    name: service_arrays_tuples_of_futures,
    items: {
        #[lh] async fn job(n: u32, d: D) -> u32 {
            pend(n, ()).await;
            d.touch();
            n * 10
        }
        #[lh] async fn f() -> (u32, u32) {
            let futs = [job(1, D::new("j1")), job(2, D::new("j2")), job(0, D::new("j3"))];
            let mut total = 0;
            for fut in futs {
                total += fut.await;
            }
            let (a, b, c) = (job(1, D::new("t1")), job(0, D::new("t2")), job(1, D::new("t3")));
            let x = b.await + a.await;
            let _keep = D::new("keep");
            let mut boxed: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = u32>>>> = Vec::new();
            boxed.push(Box::pin(job(1, D::new("b1"))));
            boxed.push(Box::pin(pend(2, 7)));
            let mut y = x;
            for b in boxed.iter_mut() {
                y += b.await;
            }
            drop(c);
            (total, y)
        }
    },
    run: f(),
}

differential! {
    /// `drop(x)` before awaits, a moved-in-one-branch value, and
    /// reinitialising a dropped variable later.
    name: service_drop_before_await,
    items: {
        #[lh] async fn f(flag: bool) -> usize {
            let guard = D::new("guard");
            let conn = D::new("conn");
            guard.touch();
            drop(guard);
            pend(1, ()).await;
            let mut maybe = D::new("maybe");
            if flag {
                drop(maybe);
                pend(1, ()).await;
                maybe = D::new("maybe2");
            }
            pend(1, ()).await;
            let n = conn.touch() + maybe.touch();
            std::mem::drop(conn);
            pend(1, ()).await;
            n
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `if let .. else if let .. else` chains awaiting in conditions and
    /// branches, over borrowed and owned scrutinees.
    name: service_if_let_chains,
    items: {
        #[derive(Debug)]
        enum Msg { Text(String), Bin(Vec<u8>), Close(Option<u16>) }
        #[lh] async fn recv(i: u32) -> Option<Msg> {
            pend(i % 2, ()).await;
            match i { 0 => Some(Msg::Text("hi".into())), 1 => Some(Msg::Bin(vec![1, 2])), 2 => Some(Msg::Close(Some(1000))), 3 => Some(Msg::Close(None)), _ => None }
        }
        #[lh] async fn handle(i: u32) -> String {
            let _d = D::new("h");
            let msg = recv(i).await;
            if let Some(Msg::Text(t)) = &msg {
                pend(1, format!("text {t}")).await
            } else if let Some(Msg::Bin(b)) = msg.as_ref() {
                let n = pend(1, b.len()).await;
                format!("bin {n}")
            } else if let Some(Msg::Close(Some(code))) = recv(i).await {
                let _c = D::new("closing");
                format!("close {}", pend(2, code).await)
            } else if let Some(m) = msg {
                format!("other {m:?}")
            } else {
                "none".into()
            }
        }
    },
    run: async { (handle(0).await, handle(1).await, handle(2).await, handle(3).await, handle(4).await) },
}

differential! {
    /// Sums in `for` over `&vec` (and `&mut vec`) with awaits; `iter().sum()`
    /// after.
    name: service_for_over_ref_vec,
    items: {
        #[lh] async fn price(item: &str) -> u32 {
            pend(item.len() as u32 % 2, item.len() as u32).await
        }
        #[lh] async fn total(cart: &Vec<String>, discounts: &mut Vec<u32>) -> u32 {
            let mut sum = 0;
            for item in cart {
                sum += price(item).await;
            }
            for d in &mut *discounts {
                *d = pend(1, *d * 2).await;
            }
            let off: u32 = discounts.iter().sum();
            sum.saturating_sub(off)
        }
    },
    run: async {
        let cart: Vec<String> = vec!["apple".into(), "kiwi".into(), "banana".into()];
        let mut ds = vec![1, 2];
        let t = total(&cart, &mut ds).await;
        (t, ds)
    },
}

differential! {
    /// Labeled loops searching a grid: `break 'outer Some(..)` out of a
    /// `loop` inside a `for`, `continue 'rows`, awaits at every level.
    name: service_labeled_search,
    items: {
        #[lh] async fn cell(r: u32, c: u32) -> u32 {
            pend((r + c) % 2, r * 10 + c).await
        }
        #[lh] async fn find(target: u32, rows: u32) -> (Option<(u32, u32)>, u32) {
            let _g = D::new("grid");
            let mut visited = 0;
            let found = 'outer: {
                'rows: for r in 0..rows {
                    let _row = D::new("row");
                    let mut c = 0;
                    loop {
                        let v = cell(r, c).await;
                        visited += 1;
                        if v == target { break 'outer Some((r, c)); }
                        if v % 10 > r { continue 'rows; }
                        c += 1;
                        if c > 3 { break; }
                    }
                    pend(1, ()).await;
                }
                None
            };
            (found, visited)
        }
    },
    run: async { (find(21, 4).await, find(99, 3).await, find(0, 1).await) },
}

differential! {
    /// A connection pool: early `return` from inside a loop over
    /// `iter_mut()` of a field, with the acquired connection's state
    /// changed before returning.
    name: service_pool_early_return,
    items: {
        struct Conn { id: u32, busy: bool, _d: D }
        struct Pool { conns: Vec<Conn>, waits: u32 }
        impl Conn {
            #[lh] async fn ping(&self) -> bool {
                pend(self.id % 2, !self.busy).await
            }
        }
        impl Pool {
            #[lh] async fn acquire(&mut self) -> Option<u32> {
                for attempt in 0..3 {
                    let _a = D::new("attempt");
                    for conn in self.conns.iter_mut() {
                        if conn.ping().await {
                            conn.busy = true;
                            return Some(conn.id * 100 + attempt);
                        }
                    }
                    self.waits += 1;
                    pend(attempt, ()).await;
                }
                None
            }
        }
    },
    run: async {
        let mut p = Pool { conns: vec![
            Conn { id: 1, busy: true, _d: D::new("c1") },
            Conn { id: 2, busy: false, _d: D::new("c2") },
            Conn { id: 3, busy: false, _d: D::new("c3") },
        ], waits: 0 };
        let a = p.acquire().await;
        let b = p.acquire().await;
        let c = p.acquire().await;
        (a, b, c, p.waits)
    },
}

differential! {
    /// A token-bucket rate limiter: `while self.tokens == 0 {
    /// self.refill().await }` and awaits in `&mut self` methods calling
    /// each other.
    name: service_rate_limiter,
    items: {
        struct Limiter { tokens: u32, refills: u32, cap: u32 }
        impl Limiter {
            #[lh] async fn refill(&mut self) {
                pend(1, ()).await;
                self.refills += 1;
                self.tokens = self.cap.min(self.refills);
            }
            #[lh] async fn acquire(&mut self, n: u32) -> u32 {
                let mut got = 0;
                while got < n {
                    while self.tokens == 0 {
                        self.refill().await;
                    }
                    let take = self.tokens.min(n - got);
                    self.tokens -= take;
                    got += take;
                }
                got
            }
        }
        #[lh] async fn run_jobs(l: &mut Limiter, jobs: &[u32]) -> Vec<u32> {
            let mut out = vec![];
            for &j in jobs {
                let _job = D::new("job");
                out.push(l.acquire(j).await);
            }
            out
        }
    },
    run: async {
        let mut l = Limiter { tokens: 1, refills: 0, cap: 2 };
        let v = run_jobs(&mut l, &[1, 3, 2]).await;
        (v, l.refills, l.tokens)
    },
}

differential! {
    /// A higher-order retry helper generic over `F: FnMut(u32) -> Fut`,
    /// called with closures returning `async move` blocks and lowered fns.
    name: service_higher_order_retry,
    items: {
        use std::future::Future;
        #[lh] async fn retry<F, Fut, T>(mut f: F, max: u32) -> Result<T, String>
        where
            F: FnMut(u32) -> Fut,
            Fut: Future<Output = Result<T, String>>,
        {
            let _r = D::new("retry");
            let mut last = String::new();
            for i in 0..max {
                match f(i).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        last = e;
                        pend(i, ()).await;
                    }
                }
            }
            Err(format!("failed {max} times: {last}"))
        }
        #[lh] async fn flaky(i: u32, ok_at: u32) -> Result<u32, String> {
            let _d = D::new("flaky");
            pend(1, ()).await;
            if i >= ok_at { Ok(i * 2) } else { Err(format!("e{i}")) }
        }
        #[lh] async fn f() -> (Result<u32, String>, Result<String, String>, Result<u32, String>) {
            let a = retry(|i| flaky(i, 2), 4).await;
            let name = String::from("svc");
            let b = retry(|i| {
                let n = name.clone(); // (was `let name = name.clone()`: stress H)
                async move {
                    pend(1, ()).await;
                    if i == 1 { Ok(format!("{n}#{i}")) } else { Err("nope".to_string()) }
                }
            }, 3).await;
            let c = retry(|i| flaky(i, 9), 2).await;
            (a, b, c)
        }
    },
    run: f(),
}

differential! {
    /// `std::future::poll_fn` closures capturing locals by `&mut`, awaited
    /// in a loop, and `std::pin::pin!` with `fut.as_mut().await`.
    name: service_poll_fn_and_pin,
    items: {
        use std::task::Poll;
        #[lh] async fn f() -> (u32, u32, usize) {
            let _d = D::new("outer");
            let mut ticks = 0u32;
            let mut polled = 0;
            for target in [2u32, 1] {
                let got = std::future::poll_fn(|cx| {
                    polled += 1;
                    if ticks >= target { Poll::Ready(ticks) } else {
                        ticks += 1;
                        cx.waker().wake_by_ref();
                        Poll::Pending
                    }
                }).await;
                ticks = got - target;
            }
            // (was `std::pin::pin!(..)`: stress I)
            let mut fut = Box::pin(pend(2, D::new("pinned")));
            let d = fut.as_mut().await;
            let n = d.touch();
            (ticks, polled, n)
        }
    },
    run: f(),
}

differential! {
    /// Deferred initialisation (`let x; if c { x = a.await } else { x = .. }`)
    /// and destructuring assignment with awaited right-hand sides.
    name: service_deferred_init,
    items: {
        #[lh] async fn f(c: bool) -> (u32, u32, u32, String) {
            let x;
            let label: String;
            let _d = D::new("d");
            if c {
                x = pend(1, 1).await;
                label = format!("yes{x}");
            } else {
                x = 2;
                label = pend(2, String::from("no")).await;
            }
            let (mut a, mut b) = (0, 0);
            (a, b) = (pend(1, a + 10).await, x + b);
            [a, b] = [b, pend(1, a).await];
            (x, a, b, label)
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Slice patterns over a command line (`[cmd, rest @ ..]`) matched on a
    /// borrowed `Vec<String>`, the arms awaiting while holding the borrows.
    name: service_slice_patterns,
    items: {
        #[lh] async fn exec(args: Vec<String>) -> String {
            let _d = D::new("exec");
            match args.as_slice() {
                [] => "empty".into(),
                [cmd] if cmd == "ping" => pend(1, "pong".to_string()).await,
                [cmd, rest @ ..] if cmd == "echo" => {
                    let mut out = String::new();
                    for (i, a) in rest.iter().enumerate() {
                        pend(i as u32 % 2, ()).await;
                        out.push_str(a);
                    }
                    out
                }
                [first, .., last] => {
                    let f = pend(1, first.len()).await;
                    format!("{first}..{last} {f}")
                }
                [other] => format!("unknown {other}"),
            }
        }
    },
    run: async {
        let v = |s: &[&str]| s.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        (exec(v(&[])).await, exec(v(&["ping"])).await, exec(v(&["echo", "a", "b", "c"])).await,
         exec(v(&["x", "y", "zz"])).await, exec(v(&["what"])).await)
    },
}

differential! {
    /// `for x in fetch().await` and `for x in fetch().await.iter()` (a
    /// temporary kept for the whole loop), and `match name().await.as_str()`.
    name: service_for_over_awaited_temporaries,
    items: {
        struct List { items: Vec<u32>, _d: D }
        #[lh] async fn fetch(tag: &'static str) -> List {
            pend(1, List { items: vec![1, 2, 3], _d: D::new(tag) }).await
        }
        #[lh] async fn name(i: u32) -> String {
            pend(i % 2, format!("n{i}")).await
        }
        #[lh] async fn f() -> (u32, Vec<String>) {
            let mut total = 0;
            // (`for x in fetch(..).await.items` drops the rest of the
            // temporary early: see `gap_for_over_field_of_temporary`.)
            // (and `for x in list1.items` fails to compile: see
            // `gap_partial_move_then_await`.)
            let mut list1 = fetch("list1").await;
            for x in std::mem::take(&mut list1.items) {
                total += pend(1, x).await;
            }
            // (was `for x in fetch("list2").await.items.iter()`: stress J)
            let list2 = fetch("list2").await;
            for x in list2.items.iter() {
                total += pend(1, *x * 10).await;
            }
            let mut out = vec![];
            for i in 0..3 {
                match name(i).await.as_str() {
                    "n0" => out.push(pend(1, "zero".to_string()).await),
                    s if s.ends_with('1') => out.push(format!("one:{s}")),
                    s => { let t = s.to_uppercase(); pend(1, ()).await; out.push(t) }
                }
            }
            (total, out)
        }
    },
    run: f(),
}

differential! {
    /// Map lookups whose borrows are held across awaits (`if let Some(v) =
    /// map.get(&k)`), and a `std::sync::Mutex` guard scoped so it ends
    /// before each await.
    name: service_map_get_and_mutex,
    items: {
        use std::collections::BTreeMap;
        use std::sync::Mutex;
        #[lh] async fn send(to: &str, body: &D) -> usize {
            pend(1, ()).await;
            to.len() + body.touch()
        }
        #[lh] async fn f(keys: &[&str], stats: &Mutex<Vec<usize>>) -> usize {
            let mut routes = BTreeMap::new();
            routes.insert("a".to_string(), D::new("route-a"));
            routes.insert("bb".to_string(), D::new("route-bb"));
            let mut sent = 0;
            for k in keys {
                if let Some(body) = routes.get(*k) {
                    let n = send(k, body).await;
                    stats.lock().unwrap().push(n);
                    sent += n;
                } else if let Some((first, _)) = routes.iter().next() {
                    let first = first.clone();
                    {
                        let mut g = stats.lock().unwrap();
                        g.push(0);
                    }
                    pend(1, ()).await;
                    log(format!("fallback {first}"));
                }
            }
            let guard = stats.lock().unwrap();
            let len = guard.len();
            drop(guard);
            pend(1, ()).await;
            sent + len
        }
    },
    run: async {
        let m = Mutex::new(vec![]);
        let r = f(&["a", "zz", "bb"], &m).await;
        (r, m.into_inner().unwrap())
    },
}

differential! {
    /// `Result<_, Box<dyn Error>>` with `?` converting `ParseIntError`,
    /// `io::Error` and a custom error, across nested awaits.
    name: service_boxed_dyn_error,
    items: {
        use std::error::Error;
        use std::fmt;
        #[derive(Debug)]
        struct Custom(String);
        impl fmt::Display for Custom { fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { write!(f, "custom {}", self.0) } }
        impl Error for Custom {}
        #[lh] async fn read_num(s: &str) -> Result<u32, Box<dyn Error>> {
            let _d = D::new("read");
            pend(1, ()).await;
            if s == "io" { return Err(std::io::Error::other("disk").into()); }
            if s == "custom" { Err(Custom(s.into()))?; }
            Ok(s.trim().parse::<u32>()?)
        }
        #[lh] async fn f(inputs: &[&str]) -> String {
            let mut total = 0;
            let res: Result<u32, Box<dyn Error>> = async {
                for i in inputs {
                    total += read_num(i).await?;
                }
                Ok(total)
            }.await;
            match res { Ok(v) => format!("ok {v}"), Err(e) => format!("err {e}") }
        }
    },
    run: async { (f(&["1", " 2 "]).await, f(&["1", "x"]).await, f(&["io"]).await, f(&["3", "custom"]).await) },
}

differential! {
    /// Three levels of async fns calling each other, each with its own live
    /// `D`s, so cancellation in the innermost unwinds all three.
    name: service_nested_three_levels,
    items: {
        #[lh] async fn leaf(i: u32) -> u32 {
            let _l = D::new("leaf");
            pend(i % 3, ()).await;
            i + 1
        }
        #[lh] async fn mid(xs: Vec<u32>) -> u32 {
            let _m = D::new("mid");
            let mut s = 0;
            for x in xs {
                let _x = D::new("mid-item");
                s += leaf(x).await;
            }
            s
        }
        #[lh] async fn top() -> u32 {
            let _t = D::new("top");
            let a = mid(vec![1, 2]).await;
            let _t2 = D::new("top2");
            let b = mid(vec![a, 4]).await;
            a * 100 + b
        }
    },
    run: top(),
}

differential! {
    /// `self` methods calling each other: iterating `self.items.iter()`
    /// while awaiting `self.process(..)` (`&self`), `Self::` associated
    /// async fns, struct update syntax with an awaited field.
    name: service_self_methods_struct_update,
    items: {
        #[derive(Debug, Clone, Default)]
        struct Config { port: u16, host: String, retries: u32 }
        struct Server { items: Vec<String>, cfg: Config, _d: D }
        impl Server {
            #[lh] async fn default_port() -> u16 { pend(1, 8080).await }
            #[lh] async fn process(&self, item: &str) -> usize {
                pend(1, ()).await;
                item.len() + self.cfg.host.len()
            }
            #[lh] async fn run(&self) -> (usize, Config) {
                let mut n = 0;
                for it in self.items.iter() {
                    n += self.process(it).await;
                }
                let cfg = Config { port: Self::default_port().await, ..self.cfg.clone() };
                let cfg2 = Config { retries: pend(1, 3).await, ..Default::default() };
                (n, Config { host: cfg2.host, ..cfg })
            }
        }
    },
    run: async {
        let s = Server { items: vec!["a".into(), "bcd".into()], cfg: Config { port: 1, host: "h".into(), retries: 9 }, _d: D::new("server") };
        s.run().await
    },
}

differential! {
    /// Panics in realistic places after awaits: an out-of-bounds index and an
    /// `unwrap()` on `None`, with locals, a parameter and a loop item live.
    name: service_realistic_panics,
    items: {
        #[lh] async fn pick(v: Vec<D>, i: usize, key: Option<&str>) -> usize {
            let _g = D::new("guard");
            for d in &v {
                pend(1, ()).await;
                d.touch();
            }
            let item = &v[i];
            let k = pend(1, key).await.unwrap();
            item.touch() + k.len()
        }
    },
    run: async {
        let ok = pick(vec![D::new("a")], 0, Some("k")).await;
        let _bad = pick(vec![D::new("b"), D::new("c")], 0, None).await;
        ok
    },
}

differential! {
    /// Same, with the index out of bounds.
    name: service_realistic_panic_index,
    items: {
        #[lh] async fn pick(v: Vec<D>, i: usize) -> usize {
            let _g = D::new("guard");
            let held = D::new("held");
            pend(1, ()).await;
            let n = v[i].touch();
            pend(1, ()).await;
            n + held.touch()
        }
    },
    run: pick(vec![D::new("a"), D::new("b")], 2),
}

differential! {
    /// A job queue: `while let Some(job) = queue.pop_front()` where running
    /// a job may push more jobs; `let _ = D` drops at once, `let _x` keeps.
    name: service_job_queue,
    items: {
        use std::collections::VecDeque;
        #[derive(Debug)]
        enum Job { Leaf(u32), Split(u32, D) }
        #[lh] async fn run_jobs(start: Vec<Job>) -> Vec<u32> {
            let mut queue: VecDeque<Job> = start.into();
            let mut done = vec![];
            let _ = D::new("ignored");
            let _kept = D::new("kept");
            while let Some(job) = queue.pop_front() {
                match job {
                    Job::Leaf(n) => done.push(pend(n % 2, n).await),
                    Job::Split(n, tag) => {
                        pend(1, ()).await;
                        tag.touch();
                        if n > 1 {
                            queue.push_back(Job::Leaf(n / 2));
                            queue.push_back(Job::Split(n / 2, D::new("split-child")));
                        }
                    }
                }
            }
            done
        }
    },
    run: run_jobs(vec![Job::Split(4, D::new("root")), Job::Leaf(7)]),
}

differential! {
    /// Rust 2024 async closures (`async |x| ..`), one capturing a local by
    /// reference, called several times across awaits.
    name: service_async_closures,
    items: {
        #[lh] async fn f(base: u32) -> (u32, usize) {
            let tag = D::new("tag");
            let add = async |x: u32| pend(1, x + base).await;
            let a = add(1).await;
            let b = add(pend(1, 2).await).await;
            let look = async || { pend(1, ()).await; tag.touch() };
            let n = look().await + look().await;
            (a + b, n)
        }
    },
    run: f(10),
}

differential! {
    /// `assert!`/`assert_eq!`/`matches!`/`debug_assert!` with awaits in
    /// their arguments, in statement and expression positions.
    name: service_assert_macros,
    items: {
        #[derive(Debug, PartialEq)]
        enum St { Up(u32), Down }
        #[lh] async fn state(i: u32) -> St { pend(1, if i > 0 { St::Up(i) } else { St::Down }).await }
        #[lh] async fn f() -> bool {
            let _d = D::new("d");
            // (An await in the message would run eagerly, so longhand refuses
            // it: tests/ui/await_in_assert_message.rs.)
            assert_eq!(state(2).await, St::Up(2), "state {}", val("msg", 2));
            // (was `assert!(matches!(state(0).await, St::Down))`, rejected,
            // then `assert!(matches!(st, St::Down))`: stress K and M)
            let st = state(0).await;
            assert!(st == St::Down);
            // (an await inside `debug_assert!` is refused: it would run in
            // release builds too)
            let fine = pend(1, true).await;
            debug_assert!(fine, "never");
            // (was `let st = ..; matches!(st, St::Up(n) if n > 2)`: stress L, M)
            let st3 = state(3).await;
            let up = if let St::Up(n) = st3 { n > 2 } else { false };
            assert_ne!(state(1).await, St::Down);
            up
        }
    },
    run: f(),
}

differential! {
    /// A receive loop: `let m = match rx.recv().await { Some(m) => m, None
    /// => break };` with a guard per message.
    name: service_recv_loop_match_break,
    items: {
        struct Rx { q: Vec<D> }
        impl Rx {
            #[lh] async fn recv(&mut self) -> Option<D> { pend(1, ()).await; self.q.pop() }
        }
        #[lh] async fn serve(mut rx: Rx) -> Vec<&'static str> {
            let mut out = vec![];
            loop {
                let m = match rx.recv().await {
                    Some(m) => m,
                    None => break,
                };
                let _h = D::new("handling");
                pend(1, ()).await;
                out.push(m.0);
            }
            out
        }
    },
    run: serve(Rx { q: vec![D::new("m1"), D::new("m2")] }),
}

differential! {
    /// `self.db().get(i).await` through an accessor returning `&Db`, in a
    /// lowered impl of a trait that declares a native `async fn`.
    name: service_accessor_and_afit,
    items: {
        struct Db { rows: Vec<u32> }
        impl Db {
            #[lh] async fn get(&self, i: usize) -> u32 { pend(1, self.rows[i]).await }
        }
        trait Repo { async fn total(&self) -> u32; }
        struct Svc { db: Db, _d: D }
        impl Svc { fn db(&self) -> &Db { &self.db } }
        impl Repo for Svc {
            #[lh] async fn total(&self) -> u32 {
                let mut t = 0;
                for i in 0..self.db().rows.len() {
                    t += self.db().get(i).await;
                }
                t
            }
        }
    },
    run: async { let s = Svc { db: Db { rows: vec![1, 2, 3] }, _d: D::new("svc") }; s.total().await },
}

differential! {
    /// Boxed `dyn Fn` callbacks and `dyn Handler` objects returning
    /// `Pin<Box<dyn Future + 'a>>`, iterated by reference across awaits.
    name: service_dyn_handlers_and_callbacks,
    items: {
        use std::future::Future;
        use std::pin::Pin;
        trait Handler { fn handle<'a>(&'a self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 'a>>; }
        struct Double(D);
        impl Handler for Double {
            fn handle<'a>(&'a self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 'a>> {
                Box::pin(async move { pend(1, ()).await; self.0.touch(); x * 2 })
            }
        }
        struct Bus { subs: Vec<Box<dyn Fn(u32) -> u32>>, handlers: Vec<Box<dyn Handler>> }
        impl Bus {
            #[lh] async fn publish(&self, x: u32) -> Vec<u32> {
                let mut out = vec![];
                for h in &self.handlers {
                    let y = h.handle(x).await;
                    for s in self.subs.iter() {
                        out.push(s(pend(1, y).await));
                    }
                }
                out
            }
        }
    },
    run: async {
        let b = Bus { subs: vec![Box::new(|x| x + 1), Box::new(|x| x * 10)], handlers: vec![Box::new(Double(D::new("h1"))), Box::new(Double(D::new("h2")))] };
        b.publish(3).await
    },
}

differential! {
    /// A connection state machine: `match self.state` on a `Copy` enum,
    /// reassigning the field inside arms around awaits, guard on a binding.
    name: service_connection_state_machine,
    items: {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum St { Init, Handshake(u8), Open, Closed }
        struct Conn { state: St, log: Vec<String> }
        impl Conn {
            #[lh] async fn step(&mut self) -> bool {
                match self.state {
                    St::Init => { self.state = St::Handshake(0); pend(1, ()).await; }
                    St::Handshake(n) if n < 2 => { self.state = St::Handshake(n + 1); pend(n as u32, ()).await; }
                    St::Handshake(_) => { self.state = St::Open; }
                    St::Open => { pend(1, ()).await; self.state = St::Closed; }
                    St::Closed => return false,
                }
                self.log.push(format!("{:?}", self.state));
                true
            }
        }
    },
    run: async {
        let mut c = Conn { state: St::Init, log: vec![] };
        let _d = D::new("conn");
        while c.step().await {}
        c.log
    },
}

differential! {
    /// A scope guard holding `&mut` to a local `Vec` whose `Drop` writes into
    /// it, alive across awaits; the `Vec` returned after the guard's block.
    name: service_scope_guard_mut_borrow,
    items: {
        struct Guard<'a>(&'a mut Vec<String>, &'static str);
        impl Drop for Guard<'_> {
            fn drop(&mut self) { log(format!("guard {}", self.1)); self.0.push(format!("done {}", self.1)); }
        }
        #[lh] async fn f() -> Vec<String> {
            let mut events = vec![];
            {
                let g = Guard(&mut events, "a");
                pend(1, ()).await;
                g.0.push("inside".into());
                pend(1, ()).await;
            }
            let _g2 = D::new("after");
            pend(1, ()).await;
            events
        }
    },
    run: f(),
}

differential! {
    /// The cache pattern on a local map: `if let Some(v) = map.get(..)`
    /// awaiting in `then`, inserting in `else`.
    name: service_cache_if_let_else_insert_local,
    items: {
        use std::collections::BTreeMap;
        #[lh] async fn f(keys: Vec<u32>) -> Vec<String> {
            let mut map: BTreeMap<u32, String> = BTreeMap::new();
            let mut out = vec![];
            for k in keys {
                let v = if let Some(v) = map.get(&k) {
                    pend(1, ()).await;
                    v.clone()
                } else {
                    let v = pend(k % 2 + 1, format!("v{k}")).await;
                    map.insert(k, v.clone());
                    v
                };
                out.push(v);
            }
            out
        }
    },
    run: f(vec![1, 2, 1, 3, 2]),
}

send_case! {
    /// Shapes passed to `tokio::spawn`: a `MutexGuard` and an `Rc` confined
    /// to blocks that end before each await.
    name: service_send_guard_and_rc_scoped,
    items: {
        use std::sync::{Arc, Mutex};
        #[lh] async fn f(m: Arc<Mutex<Vec<u32>>>) -> usize {
            {
                let mut g = m.lock().unwrap();
                g.push(1);
            }
            pend(1, ()).await;
            let n = {
                let rc = std::rc::Rc::new(D::new("rc"));
                let rc2 = rc.clone();
                rc2.touch() + std::rc::Rc::strong_count(&rc)
            };
            pend(1, ()).await;
            m.lock().unwrap().len() + n
        }
    },
    future: f(std::sync::Arc::new(std::sync::Mutex::new(vec![]))),
    native_send: true,
}

// ---------------------------------------------------------------------------
// Minimized failures found by the cases above (each fails when unwrapped;
// the stress cases above use the workaround noted in each reason).
// ---------------------------------------------------------------------------

differential! {
    /// A named argument (`x = <await>`) of a formatting macro: only the
    /// value is an expression (hoisted), the name stays, even where a local
    /// has the same name; a capture the string names beside it.
    name: named_format_argument_awaiting,
    items: {
        #[lh] async fn f() -> String {
            let x = D::new("local x");
            let y = 5;
            let a = format!("{x} {y}", x = pend(1, 42).await);
            let b = format!("{y:>w$}|{0}", pend(2, x.touch()).await, w = 4);
            a + &b
        }
    },
    run: f(),
}

known_gap! {
    reason: "stress B: A by-value builder method on a temporary receiver, before a method whose argument awaits: the moved receiver is kept as a temporary.",
    differential! {
        /// A by-value builder method on a temporary receiver, before a method
        /// whose argument awaits: the moved receiver is kept as a temporary.
        name: gap_builder_by_value_before_await_arg,
        items: {
            struct B(D);
            impl B { fn with(self, _x: u32) -> B { self } }
            #[lh] async fn f() -> usize {
                B(D::new("b")).with(1).with(pend(1, 3).await).0.touch()
            }
        },
        run: f(),
    }
}

differential! {
    /// An implicit format capture of a pinned local inside a closure kept
    /// across an await: written out as a named argument, it is reached
    /// through the pin like any other use.
    name: format_capture_in_a_kept_closure,
    items: {
        #[lh] async fn f() -> String {
            let p = String::from("p");
            let g = || format!("{p}");
            pend(1, ()).await;
            g()
        }
    },
    run: f(),
}

differential! {
    /// A `Copy` local used by value, then borrowed by an awaitee.
    name: copy_local_used_then_borrowed_by_awaitee,
    items: {
        #[lh] async fn peek(x: &u32) -> u32 { pend(1, *x).await }
        #[lh] async fn f() -> u32 {
            let base = 1;
            let y = base;
            peek(&base).await + y
        }
    },
    run: f(),
}

differential! {
    /// stress E (fixed): a user `&self` async method named like one of
    /// `Iterator`'s consuming folds (`count`), on a local of the user's
    /// type, borrows it (`methods::may_read`).
    name: borrowing_method_named_count,
    items: {
        struct Repo(D);
        impl Repo {
            #[lh] async fn count(&self) -> usize { pend(1, self.0.touch()).await }
        }
        #[lh] async fn f() -> usize {
            let repo = Repo(D::new("repo"));
            repo.count().await
        }
    },
    run: f(),
}

differential! {
    /// A local bound by a destructuring pattern, borrowed across an await.
    name: pattern_binding_borrowed_across_await,
    items: {
        #[lh] async fn f() -> usize {
            let (keys, _) = (vec![1], 2);
            let r = &keys;
            pend(1, ()).await;
            r.len()
        }
    },
    run: f(),
}

known_gap! {
    reason: "stress G: A temporary receiver of an awaited `&self` method.",
    differential! {
        /// A temporary receiver of an awaited `&self` method.
        name: gap_temporary_receiver_of_awaited_method,
        items: {
            struct B(D);
            impl B { async fn go(&self) -> usize { pend(1, self.0.touch()).await } }
            #[lh] async fn f() -> usize {
                let x = B(D::new("b")).go().await;
                x
            }
        },
        run: f(),
    }
}

differential! {
    /// A closure's own `let` (and a block's, and a tuple parameter)
    /// shadowing a kept local in an awaitee: the clone-then-`async move`
    /// idiom. The shadowing names are the closure's, not the kept local's
    /// place.
    name: closure_let_shadowing_a_kept_local,
    items: {
        async fn call<F: Fn() -> Fut, Fut: std::future::Future<Output = usize>>(f: F) -> usize { f().await }
        async fn call2<F: Fn((usize, usize)) -> usize>(f: F) -> usize { f((1, 2)) }
        #[lh] async fn f() -> usize {
            let name = String::from("svc");
            let n = 10;
            let a = call(|| { let name = name.clone(); async move { name.len() } }).await;
            let b = call({ let name = name.clone() + "x"; move || { let name = name.clone(); async move { name.len() } } }).await;
            let c = call2(|(n, m)| n + m + name.len()).await;
            a + b + c + n + name.len()
        }
    },
    run: f(),
}

differential! {
    /// `std::pin::pin!` in a `let`, the pinned future awaited later.
    name: pin_macro_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut fut = std::pin::pin!(pend(2, 5));
            fut.as_mut().await
        }
    },
    run: f(),
}

differential! {
    /// `for x in make().iter()`: the temporary lives for the whole loop
    /// (and drops after it, or with the future at every cancellation
    /// point), through adapters that take the iterator by value too.
    name: for_over_borrowed_temporary,
    items: {
        fn mk() -> Vec<u32> { vec![1, 2] }
        fn ds() -> Vec<D> { vec![D::new("x"), D::new("y")] }
        #[lh] async fn f() -> u32 {
            let mut total = 0;
            for x in mk().iter() {
                total += pend(1, *x).await;
            }
            for (i, d) in ds().iter().enumerate() {
                total += pend(1, d.touch() as u32 + i as u32).await;
            }
            for x in mk().iter().copied().filter(|x| *x > 1) {
                total += pend(1, x).await;
            }
            let _after = D::new("after");
            total
        }
    },
    run: f(),
}

differential! {
    /// `matches!` whose pattern looks like an expression (`Some(_)`,
    /// `A | B`): only the scrutinee is read as one, and the pattern is
    /// written back untouched; an await in the scrutinee is hoisted; inside
    /// `assert!` too.
    name: matches_with_a_tuple_variant_pattern,
    items: {
        #[derive(Clone, Copy)]
        enum St { Up(u32), Down, Gone }
        #[lh] async fn f(k: u32) -> (bool, bool, bool) {
            let b = matches!(Some(1), Some(_));
            let st = if k > 1 { St::Up(k) } else { St::Down };
            assert!(matches!(st, St::Up(_) | St::Down));
            let c = matches!(pend(1, st).await, St::Up(n) if n > k - 1);
            let d = matches!(pend(1, St::Gone).await, St::Down | St::Gone);
            (pend(1, b).await, c, d)
        }
    },
    run: async { (f(3).await, f(0).await) },
}

differential! {
    /// `matches!` with a by-value binding on a local the lowering moved
    /// (pinned here): the scrutinee is the local's place, as written, so `n`
    /// binds a `u32` (given back as a reference, it was `&u32`).
    name: matches_binding_by_value_on_a_pinned_local,
    items: {
        #[lh] async fn f() -> bool {
            let st = Some(1);
            let r = &st;
            pend(1, ()).await;
            matches!(st, Some(n) if n > 0) && r.is_some()
        }
    },
    run: f(),
}

differential! {
    /// A local named in a macro's arguments, and captured by a format
    /// string, before a `let` that awaits shadows it: the lowering renames
    /// the local, and the macro's uses with it.
    name: shadowed_local_named_in_macro_arguments,
    items: {
        #[lh] async fn f() -> u32 {
            let st = 7;
            let d = D::new("shadowed");
            assert!(st == 7, "st is {st}");
            log(format!("{} {st:?} {}", st, d.touch()));
            let st = pend(1, st + 3).await;
            let d = D::new("shadowing");
            log(format!("{st} {}", d.touch()));
            st
        }
    },
    run: f(),
}

known_gap! {
    reason: "stress O: `for x in make().field`: rustc keeps the rest of the temporary to the end of the loop; longhand drops it before the first suspension.",
    differential! {
        /// `for x in make().field`: rustc keeps the rest of the temporary to the
        /// end of the loop; longhand drops it before the first suspension.
        name: gap_for_over_field_of_temporary,
        items: {
            struct List { items: Vec<u32>, _d: D }
            #[lh] async fn f() -> u32 {
                let mut t = 0;
                for x in (List { items: vec![1], _d: D::new("rest") }).items {
                    t += pend(1, x).await;
                }
                t
            }
        },
        run: f(),
    }
}

known_gap! {
    reason: "stress P: A shared borrow through a `&mut` parameter held across an await in one arm; another arm mutates through the parameter. Not possible with this lowering: the borrow is stored in the state, so its lifetime is a free region of the poll closure, live at every point of its body, the other arm included (Polonius rejects it too). See `borrow_through_mut_ref_after_the_branch` for the rewrite that works.",
    differential! {
        /// A shared borrow through a `&mut` parameter held across an await in
        /// one arm; another arm mutates through the parameter.
        name: gap_borrow_through_mut_ref_in_one_arm,
        items: {
            #[lh] async fn f(v: &mut Vec<u32>) -> usize {
                match v.first() {
                    Some(r) => { pend(1, ()).await; *r as usize }
                    None => { v.push(1); 0 }
                }
            }
        },
        run: async { f(&mut vec![1]).await },
    }
}

differential! {
    /// Stress P rewritten as the README suggests: the arm that awaits
    /// borrows after the branch has decided, so the other arm's mutation
    /// comes before the loan.
    name: borrow_through_mut_ref_after_the_branch,
    items: {
        #[lh] async fn f(v: &mut Vec<u32>) -> usize {
            if v.is_empty() {
                v.push(1);
                0
            } else {
                let r = &v[0];
                pend(1, ()).await;
                *r as usize
            }
        }
    },
    run: async { f(&mut vec![4]).await + f(&mut vec![]).await },
}

differential! {
    /// Calling generic parameters taken by value whose futures borrow them
    /// (an `AsyncFn`, an `impl Trait`, a tuple holding a type parameter),
    /// with closures that borrow the caller's locals: the function gets
    /// the hidden borrow lifetime, so no `'static` bound is asked for.
    name: async_fn_generic_param,
    items: {
        trait Svc {
            async fn call(&self) -> u32;
        }
        struct Named<'a>(&'a D);
        impl Svc for Named<'_> {
            async fn call(&self) -> u32 {
                pend(1, ()).await;
                self.0.touch() as u32
            }
        }
        #[lh] async fn f<F: AsyncFn() -> u32>(g: F) -> u32 {
            g().await + g().await
        }
        #[lh] async fn h(s: impl Svc, k: u32) -> u32 {
            let first = s.call().await;
            first + k + s.call().await
        }
        #[lh] async fn pair<S: Svc>(p: (S, u32)) -> u32 {
            p.0.call().await + p.1
        }
    },
    run: async {
        let d = D::new("captured");
        let a = f(async || pend(1, d.touch() as u32).await).await;
        let b = h(Named(&d), 2).await;
        let c = pair((Named(&d), 3)).await;
        a + b + c
    },
}

known_gap! {
    reason: "stress R: A field moved out of a local or parameter, then an await while the rest is alive: the whole value is kept, after its partial move.",
    differential! {
        /// A field moved out of a local or parameter, then an await while the
        /// rest is alive: the whole value is kept, after its partial move.
        name: gap_partial_move_then_await,
        items: {
            struct Req { path: String, body: Vec<u8> }
            #[lh] async fn f(req: Req) -> usize {
                let body = req.body;
                pend(1, ()).await;
                body.len() + req.path.len()
            }
        },
        run: f(Req { path: "p".into(), body: vec![1] }),
    }
}
