//! Stress round 19: long bodies, code transcribed from real async crates,
//! and generics-heavy signatures. Long functions (8 to 25 `.await`s in one
//! body mixing loops, `match`es, early returns, `?`, shadowing and several
//! live droppers, so that cancelling after every poll checks the drops at
//! each suspension point); code in the spirit of tokio's tutorial and
//! mini-redis (frame parsing over a buffer, a `read_frame` loop over a
//! scripted socket, a `Db` over `Arc<Mutex<HashMap>>` whose guard is dropped
//! before the next await, a connection loop, pub/sub, an actor with a
//! hand-written channel), of reqwest and sqlx clients (builders taken by
//! value and ending in an awaited `send()`/`fetch_all()`, transactions), of
//! tower (`Service`-like traits declaring `fn call(&self, req) -> impl
//! Future`, layered generically) and of axum (handlers whose parameters are
//! extractor patterns, `State(app): State<App>`, `Json(body): Json<Req>`,
//! `Path((id, slug)): Path<(u32, String)>`); and signatures with several
//! lifetimes (`'a: 'b`), `impl Trait` arguments with lifetimes, `where`
//! clauses on associated types (`I: Iterator<Item = &'a str>`), const
//! generics, `dyn Trait + Send` arguments, higher-ranked closures and `Self`
//! in impls of traits declaring `-> impl Future`.
//! Failures: a by-value builder kept in a local (s19-2) and an array
//! destructured between awaits (s19-5, the s8 array family). Fixed:
//! reqwest's `error_for_status` (s19-1) and a transaction's `commit` and
//! `rollback`, awaited (s19-3), are known to consume their receiver
//! (`cases_consuming_names.rs`); and a dead
//! reference bound by `if let Err(e) = &res` in an impl generic over a
//! trait's parameter, kept for a destructor it cannot have (s19-4, E0311;
//! `tower_logging_layer_over_echo`, and `cases_reference_scrutinees.rs`).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_labels,
    unreachable_code,
    unused_parens,
    unused_braces,
    async_fn_in_trait
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
    clippy::comparison_chain,
    clippy::redundant_closure,
    clippy::manual_map,
    clippy::unnecessary_cast,
    clippy::identity_op,
    clippy::should_implement_trait,
    clippy::len_without_is_empty,
    clippy::op_ref,
    clippy::needless_lifetimes,
    clippy::extra_unused_lifetimes,
    clippy::redundant_locals,
    clippy::unit_arg,
    clippy::await_holding_refcell_ref,
    clippy::toplevel_ref_arg,
    clippy::needless_question_mark,
    clippy::large_enum_variant,
    clippy::result_large_err,
    clippy::manual_strip,
    clippy::from_str_radix_10,
    clippy::drop_non_drop,
    clippy::let_unit_value,
    clippy::bind_instead_of_map,
    clippy::map_identity,
    clippy::unused_unit
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// A downstream call: suspends once, logs, returns twice its argument.
async fn fetch(x: u32) -> u32 {
    log(format!("fetch {x}"));
    pend(1, x.wrapping_mul(2)).await
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

/// A call that fails while `attempt <= id % 4`.
async fn flaky(id: u32, attempt: u32) -> Result<u32, String> {
    log(format!("try {id}#{attempt}"));
    pend(1, ()).await;
    if attempt <= id % 4 {
        Err(format!("e{id}#{attempt}"))
    } else {
        Ok(id * 10 + attempt)
    }
}

// ---------------------------------------------------------------------------
// mini-redis: frames, a scripted socket, a shared `Db`
// ---------------------------------------------------------------------------

/// A RESP frame, as mini-redis's `Frame`.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Simple(String),
    Error(String),
    Integer(u64),
    Bulk(Vec<u8>),
    Null,
    Array(Vec<Frame>),
}

fn line_at(buf: &[u8], at: usize) -> Option<(&[u8], usize)> {
    let rest = buf.get(at..)?;
    let i = rest.windows(2).position(|w| w == b"\r\n")?;
    Some((&rest[..i], at + i + 2))
}

fn parse_at(buf: &[u8], at: usize) -> Result<Option<(Frame, usize)>, String> {
    let Some(&first) = buf.get(at) else {
        return Ok(None);
    };
    let Some((l, next)) = line_at(buf, at + 1) else {
        return Ok(None);
    };
    let text = std::str::from_utf8(l).map_err(|e| e.to_string())?;
    match first {
        b'+' => Ok(Some((Frame::Simple(text.to_string()), next))),
        b'-' => Ok(Some((Frame::Error(text.to_string()), next))),
        b':' => {
            let n = text.parse().map_err(|_| format!("bad int {text}"))?;
            Ok(Some((Frame::Integer(n), next)))
        }
        b'$' if text == "-1" => Ok(Some((Frame::Null, next))),
        b'$' => {
            let n: usize = text.parse().map_err(|_| format!("bad len {text}"))?;
            if buf.len() < next + n + 2 {
                return Ok(None);
            }
            Ok(Some((
                Frame::Bulk(buf[next..next + n].to_vec()),
                next + n + 2,
            )))
        }
        b'*' => {
            let n: usize = text.parse().map_err(|_| format!("bad count {text}"))?;
            let mut items = Vec::new();
            let mut pos = next;
            for _ in 0..n {
                match parse_at(buf, pos)? {
                    Some((f, p)) => {
                        items.push(f);
                        pos = p;
                    }
                    None => return Ok(None),
                }
            }
            Ok(Some((Frame::Array(items), pos)))
        }
        b => Err(format!("protocol error; invalid frame type byte `{b}`")),
    }
}

/// Parses one frame from the front of `buf`: the frame and the bytes used,
/// `None` if `buf` holds only part of one.
pub fn parse_frame(buf: &[u8]) -> Result<Option<(Frame, usize)>, String> {
    parse_at(buf, 0)
}

/// Encodes a frame the way mini-redis's `write_frame` does.
pub fn encode(f: &Frame, out: &mut Vec<u8>) {
    match f {
        Frame::Simple(s) => out.extend_from_slice(format!("+{s}\r\n").as_bytes()),
        Frame::Error(s) => out.extend_from_slice(format!("-{s}\r\n").as_bytes()),
        Frame::Integer(n) => out.extend_from_slice(format!(":{n}\r\n").as_bytes()),
        Frame::Bulk(b) => {
            out.extend_from_slice(format!("${}\r\n", b.len()).as_bytes());
            out.extend_from_slice(b);
            out.extend_from_slice(b"\r\n");
        }
        Frame::Null => out.extend_from_slice(b"$-1\r\n"),
        Frame::Array(items) => {
            out.extend_from_slice(format!("*{}\r\n", items.len()).as_bytes());
            for i in items {
                encode(i, out);
            }
        }
    }
}

/// A socket standing in for a `TcpStream`: each read hands out the next
/// scripted chunk after one suspension, writes are logged.
pub struct Sock {
    pub chunks: VecDeque<&'static str>,
    pub written: Vec<u8>,
    pub _d: D,
}

impl Sock {
    pub fn new(chunks: &[&'static str]) -> Sock {
        Sock {
            chunks: chunks.iter().copied().collect(),
            written: Vec::new(),
            _d: D::new("sock"),
        }
    }

    pub async fn read_buf(&mut self, buf: &mut Vec<u8>) -> Result<usize, String> {
        pend(1, ()).await;
        match self.chunks.pop_front() {
            Some("!") => Err("io error".into()),
            Some(c) => {
                buf.extend_from_slice(c.as_bytes());
                Ok(c.len())
            }
            None => Ok(0),
        }
    }

    pub async fn write_all(&mut self, b: &[u8]) -> Result<(), String> {
        log(format!(
            "write {}",
            String::from_utf8_lossy(b).escape_debug()
        ));
        pend(1, ()).await;
        self.written.extend_from_slice(b);
        Ok(())
    }
}

/// mini-redis's shared state: a map behind `Arc<Mutex<..>>`.
#[derive(Clone)]
pub struct Db {
    pub shared: Arc<Mutex<HashMap<String, Vec<u8>>>>,
}

impl Db {
    pub fn new() -> Db {
        Db {
            shared: Arc::new(Mutex::new(HashMap::new())),
        }
    }
}

/// A parsed command, as mini-redis's `Command`.
#[derive(Debug)]
pub enum Command {
    Get(String),
    Set(String, Vec<u8>),
    Publish(String, Vec<u8>),
    Ping(Option<Vec<u8>>),
    Unknown(String),
}

fn next_bytes(it: &mut impl Iterator<Item = Frame>) -> Result<Vec<u8>, String> {
    match it.next() {
        Some(Frame::Bulk(b)) => Ok(b),
        Some(Frame::Simple(s)) => Ok(s.into_bytes()),
        other => Err(format!("protocol error; expected bulk, got {other:?}")),
    }
}

fn next_string(it: &mut impl Iterator<Item = Frame>) -> Result<String, String> {
    String::from_utf8(next_bytes(it)?).map_err(|e| e.to_string())
}

/// Parses a command from an array frame.
pub fn to_command(f: Frame) -> Result<Command, String> {
    let parts = match f {
        Frame::Array(p) => p,
        other => return Err(format!("protocol error; expected array, got {other:?}")),
    };
    let mut it = parts.into_iter();
    let name = next_string(&mut it)?.to_lowercase();
    Ok(match &name[..] {
        "get" => Command::Get(next_string(&mut it)?),
        "set" => Command::Set(next_string(&mut it)?, next_bytes(&mut it)?),
        "publish" => Command::Publish(next_string(&mut it)?, next_bytes(&mut it)?),
        "ping" => Command::Ping(next_bytes(&mut it).ok()),
        _ => Command::Unknown(name),
    })
}

/// Builds the array frame of a command line (`"set k v"`).
pub fn cmd(line: &str) -> Frame {
    Frame::Array(
        line.split(' ')
            .map(|w| Frame::Bulk(w.as_bytes().to_vec()))
            .collect(),
    )
}

// ---------------------------------------------------------------------------
// reqwest- and sqlx-shaped clients (not lowered: the libraries' side)
// ---------------------------------------------------------------------------

/// An HTTP client: `get`/`post` make a builder that borrows it.
pub struct Client {
    pub base: &'static str,
    pub _d: D,
}

/// A request builder whose methods take `self` by value, as reqwest's do.
pub struct RequestBuilder<'c> {
    pub client: &'c Client,
    pub method: &'static str,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Option<String>,
    pub _d: D,
}

/// A response; `text` consumes it, as reqwest's does.
pub struct Response {
    pub status: u16,
    pub body: String,
    pub _d: D,
}

impl Client {
    pub fn get(&self, path: &str) -> RequestBuilder<'_> {
        self.request("GET", path)
    }

    pub fn post(&self, path: &str) -> RequestBuilder<'_> {
        self.request("POST", path)
    }

    fn request(&self, method: &'static str, path: &str) -> RequestBuilder<'_> {
        log(format!("build {method} {path}"));
        RequestBuilder {
            client: self,
            method,
            url: format!("{}{path}", self.base),
            headers: Vec::new(),
            body: None,
            _d: D::new("builder"),
        }
    }
}

impl<'c> RequestBuilder<'c> {
    pub fn header(mut self, k: &str, v: &str) -> Self {
        self.headers.push((k.into(), v.into()));
        self
    }

    pub fn body(mut self, b: impl Into<String>) -> Self {
        self.body = Some(b.into());
        self
    }

    pub async fn send(self) -> Result<Response, String> {
        log(format!(
            "send {} {} {:?}",
            self.method, self.url, self.headers
        ));
        pend(1, ()).await;
        if self.url.ends_with("/down") {
            return Err(format!("connect error {}", self.url));
        }
        let status = if self.url.contains("/missing") {
            404
        } else if self.body.as_deref() == Some("") {
            400
        } else {
            200
        };
        Ok(Response {
            status,
            body: format!("{}:{}", self.url, self.body.unwrap_or_default()),
            _d: D::new("response"),
        })
    }
}

impl Response {
    pub fn status(&self) -> u16 {
        self.status
    }

    pub fn error_for_status(self) -> Result<Response, String> {
        if self.status >= 400 {
            Err(format!("status {}", self.status))
        } else {
            Ok(self)
        }
    }

    pub async fn text(self) -> Result<String, String> {
        pend(1, ()).await;
        Ok(self.body.clone())
    }
}

/// A row of the fake database.
#[derive(Debug, Clone)]
pub struct Row {
    pub id: u32,
    pub name: String,
}

/// A database pool over an ordered map.
pub struct Pool {
    pub rows: RefCell<BTreeMap<u32, String>>,
    pub _d: D,
}

/// A query whose `bind` and `fetch_*` take `self` by value, as sqlx's do.
pub struct Query<'q> {
    pub sql: &'q str,
    pub args: Vec<u32>,
}

pub fn query(sql: &str) -> Query<'_> {
    Query {
        sql,
        args: Vec::new(),
    }
}

impl<'q> Query<'q> {
    pub fn bind(mut self, v: u32) -> Self {
        self.args.push(v);
        self
    }

    pub async fn fetch_all(self, pool: &Pool) -> Result<Vec<Row>, String> {
        log(format!("sql {} {:?}", self.sql, self.args));
        pend(1, ()).await;
        let min = *self.args.first().ok_or("missing bind")?;
        Ok(pool
            .rows
            .borrow()
            .range(min..)
            .map(|(id, name)| Row {
                id: *id,
                name: name.clone(),
            })
            .collect())
    }

    pub async fn fetch_optional(self, pool: &Pool) -> Result<Option<Row>, String> {
        log(format!("sql {} {:?}", self.sql, self.args));
        pend(1, ()).await;
        let id = *self.args.first().ok_or("missing bind")?;
        Ok(pool.rows.borrow().get(&id).map(|name| Row {
            id,
            name: name.clone(),
        }))
    }
}

/// A transaction: writes are buffered until `commit(self)`.
pub struct Tx<'p> {
    pub pool: &'p Pool,
    pub pending: Vec<(u32, String)>,
    pub _d: D,
}

impl Pool {
    pub async fn begin(&self) -> Result<Tx<'_>, String> {
        log("begin");
        pend(1, ()).await;
        Ok(Tx {
            pool: self,
            pending: Vec::new(),
            _d: D::new("tx"),
        })
    }
}

impl<'p> Tx<'p> {
    pub async fn insert(&mut self, id: u32, name: &str) -> Result<(), String> {
        pend(1, ()).await;
        if self.pool.rows.borrow().contains_key(&id) {
            return Err(format!("duplicate {id}"));
        }
        self.pending.push((id, name.to_string()));
        Ok(())
    }

    pub async fn commit(self) -> Result<usize, String> {
        log("commit");
        pend(1, ()).await;
        let n = self.pending.len();
        self.pool
            .rows
            .borrow_mut()
            .extend(self.pending.iter().cloned());
        Ok(n)
    }

    pub async fn rollback(self) {
        log("rollback");
        pend(1, ()).await;
    }
}

fn pool() -> Pool {
    let mut m = BTreeMap::new();
    m.insert(1, "ann".to_string());
    m.insert(3, "bob".to_string());
    m.insert(4, "cy".to_string());
    Pool {
        rows: RefCell::new(m),
        _d: D::new("pool"),
    }
}

// ---------------------------------------------------------------------------
// tower- and axum-shaped vocabulary
// ---------------------------------------------------------------------------

/// tower's `Service`, with `call` taking `&self`.
pub trait Service<Req> {
    type Response;
    type Error;
    fn call(&self, req: Req) -> impl Future<Output = Result<Self::Response, Self::Error>>;
}

/// axum-like extractors: tuple structs destructured in parameters.
#[derive(Debug)]
pub struct State<T>(pub T);
#[derive(Debug)]
pub struct Json<T>(pub T);
#[derive(Debug)]
pub struct Path<T>(pub T);
#[derive(Debug)]
pub struct Params<T>(pub T);

/// An application state shared by handlers.
#[derive(Clone)]
pub struct App {
    pub db: Db,
    pub next: Rc<Cell<u32>>,
    pub _d: Rc<D>,
}

impl App {
    pub fn new() -> App {
        App {
            db: Db::new(),
            next: Rc::new(Cell::new(1)),
            _d: Rc::new(D::new("app")),
        }
    }

    pub async fn next_id(&self) -> u32 {
        pend(1, ()).await;
        let n = self.next.get();
        self.next.set(n + 1);
        n
    }
}

// ---------------------------------------------------------------------------
// 1. Long functions
// ---------------------------------------------------------------------------

differential! {
    /// Fourteen awaits in one body: a loop with an early return, a `match`
    /// with a return arm, `?` twice, shadowing, and five droppers born at
    /// different suspension points.
    name: long_pipeline_mixed_control_flow,
    items: {
        #[lh] pub async fn f(seed: u32, tag: D) -> Result<u32, String> {
            let a = D::new("a");
            let x = fetch(seed).await;
            let b = load("b").await;
            let y = check(x + seed).await?;
            let mut acc = x + y;
            for i in 0..3 {
                let step = D::new("step");
                acc += fetch(i).await;
                if acc > 40 {
                    return Err(format!("big {acc}"));
                }
                step.touch();
            }
            let acc = acc * 2;
            let c = load("c").await;
            let acc = match seed % 3 {
                0 => acc + pend(1, 1).await,
                1 => {
                    let z = D::new("z");
                    let v = fetch(acc).await;
                    z.touch();
                    v
                }
                _ => return Ok(acc),
            };
            b.touch();
            a.touch();
            let w = check(acc).await?;
            drop(b);
            pend(2, ()).await;
            c.touch();
            tag.touch();
            Ok(w + pend(1, 1).await)
        }
    },
    run: async {
        (
            f(1, D::new("t1")).await,
            f(2, D::new("t2")).await,
            f(4, D::new("t4")).await,
            f(6, D::new("t6")).await,
            f(12, D::new("t12")).await,
        )
    },
}

differential! {
    /// A session state machine: `phase = match phase { .. }` in a loop,
    /// each arm awaiting, one state carrying a dropper from arm to arm.
    name: long_session_phase_machine,
    items: {
        pub enum Phase { Hello, Auth(u32), Ready(D), Closing }
        #[lh] pub async fn session(script: Vec<u32>) -> Vec<String> {
            let mut out = Vec::new();
            let conn = D::new("conn");
            let mut phase = Phase::Hello;
            let mut it = script.into_iter();
            loop {
                phase = match phase {
                    Phase::Hello => {
                        let v = fetch(1).await;
                        out.push(format!("hello {v}"));
                        Phase::Auth(v)
                    }
                    Phase::Auth(tok) => match it.next() {
                        Some(n) if n == tok => {
                            pend(1, ()).await;
                            Phase::Ready(load("sess").await)
                        }
                        Some(n) => {
                            out.push(format!("bad {n}"));
                            let _ = fetch(n).await;
                            Phase::Auth(tok)
                        }
                        None => Phase::Closing,
                    },
                    Phase::Ready(s) => match it.next() {
                        Some(0) => {
                            drop(s);
                            Phase::Closing
                        }
                        Some(n) => {
                            s.touch();
                            out.push(format!("cmd {}", fetch(n).await));
                            Phase::Ready(s)
                        }
                        None => {
                            pend(2, ()).await;
                            Phase::Closing
                        }
                    },
                    Phase::Closing => {
                        conn.touch();
                        pend(1, ()).await;
                        break;
                    }
                };
            }
            out
        }
    },
    run: async { (session(vec![3, 2, 5, 7, 0]).await, session(vec![2, 4]).await, session(vec![]).await) },
}

differential! {
    /// Retries inside a labelled loop: `break 'outer` on a budget,
    /// `continue 'outer` after giving up, `break v` out of the retry loop,
    /// a lease dropper per item.
    name: long_retry_labelled_loops_budget,
    items: {
        #[lh] pub async fn sync_all(ids: Vec<u32>, budget: u32) -> (Vec<u32>, u32) {
            let _span = D::new("span");
            let mut done = Vec::new();
            let mut spent = 0;
            'outer: for id in ids {
                let lease = D::new("lease");
                let mut attempt = 0;
                let v = loop {
                    attempt += 1;
                    spent += 1;
                    if spent > budget {
                        log("budget");
                        break 'outer;
                    }
                    match flaky(id, attempt).await {
                        Ok(v) => break v,
                        Err(e) if attempt < 3 => {
                            log(e);
                            pend(attempt, ()).await;
                        }
                        Err(e) => {
                            log(format!("give up {e}"));
                            continue 'outer;
                        }
                    }
                };
                let v = fetch(v).await;
                lease.touch();
                done.push(v);
            }
            let total = pend(1, spent).await;
            (done, total)
        }
    },
    run: async { (sync_all(vec![4, 1, 3, 2], 20).await, sync_all(vec![2, 2, 2], 5).await) },
}

differential! {
    /// An early return after each of ten awaits, with a different set of
    /// live droppers at each, one of them dropped on one path only.
    name: long_early_return_after_each_await,
    items: {
        #[lh] pub async fn f(stop: u32) -> u32 {
            let a = D::new("a");
            if stop == 0 {
                return pend(1, 0).await;
            }
            let x1 = fetch(1).await;
            let b = D::new("b");
            if stop == 1 {
                return x1;
            }
            let x2 = fetch(x1).await;
            if stop == 2 {
                b.touch();
                return x2 + pend(1, 0).await;
            }
            let c = load("c").await;
            let x3 = fetch(x2).await;
            if stop == 3 {
                drop(a);
                return x3 + fetch(0).await;
            }
            let d = load("d").await;
            if stop == 4 {
                drop(c);
                pend(2, ()).await;
                return x3 + 4;
            }
            let x4 = fetch(x3 % 7).await;
            let e = (D::new("e0"), D::new("e1"));
            if stop == 5 {
                return x4 + pend(1, e.1.touch() as u32).await;
            }
            let x5 = fetch(x4).await;
            if stop < 7 {
                let f = D::new("f");
                pend(1, ()).await;
                return x5;
            }
            a.touch();
            d.touch();
            pend(3, x5 + x4 + x3).await
        }
    },
    run: async {
        let mut v = vec![];
        for s in 0..8 {
            v.push(f(s).await);
        }
        v
    },
}

differential! {
    /// A dependency-ordered job queue: `while let Some(job) =
    /// q.pop_front()`, jobs re-queued while their dependencies are not
    /// done, a worker guard and the job's payload alive across two awaits.
    name: long_job_queue_with_dependencies,
    items: {
        pub struct Job { pub id: u32, pub payload: D, pub deps: Vec<u32> }
        #[lh] pub async fn run_queue(jobs: Vec<Job>) -> Vec<(u32, u32)> {
            let mut q: VecDeque<Job> = jobs.into();
            let mut done: Vec<(u32, u32)> = Vec::new();
            let mut rounds = 0;
            while let Some(job) = q.pop_front() {
                rounds += 1;
                if rounds > 10 {
                    break;
                }
                let ready = job.deps.iter().all(|d| done.iter().any(|(id, _)| id == d));
                if !ready {
                    pend(1, ()).await;
                    q.push_back(job);
                    continue;
                }
                let guard = D::new("worker");
                let a = fetch(job.id).await;
                let b = match check(a / 2 + job.deps.len() as u32).await {
                    Ok(b) => b,
                    Err(e) => {
                        log(e);
                        pend(1, ()).await;
                        0
                    }
                };
                job.payload.touch();
                guard.touch();
                done.push((job.id, a + b));
            }
            pend(1, ()).await;
            done
        }
    },
    run: run_queue(vec![
        Job { id: 1, payload: D::new("p1"), deps: vec![3] },
        Job { id: 2, payload: D::new("p2"), deps: vec![] },
        Job { id: 3, payload: D::new("p3"), deps: vec![2] },
        Job { id: 4, payload: D::new("p4"), deps: vec![9] },
    ]),
}

differential! {
    /// Nested blocks, each with its own dropper and awaits, as values and
    /// as operands (`r + { let s = ..; x.await }`).
    name: long_nested_scopes_as_values,
    items: {
        #[lh] pub async fn f(n: u32) -> u32 {
            let outer = D::new("outer");
            let mut t = 0;
            {
                let s1 = D::new("s1");
                t += fetch(n).await;
                {
                    let s2 = D::new("s2");
                    t += fetch(t).await;
                    s1.touch();
                }
                t += pend(1, 1).await;
            }
            let r = {
                let s3 = load("s3").await;
                let inner = {
                    let s4 = D::new("s4");
                    fetch(t).await + s4.touch() as u32
                };
                s3.touch() as u32 + inner
            };
            let r = if r > 30 {
                let s5 = D::new("s5");
                pend(2, r).await + s5.touch() as u32
            } else {
                r
            };
            outer.touch();
            r + {
                let s6 = D::new("s6");
                fetch(1).await
            }
        }
    },
    run: async { (f(1).await, f(3).await) },
}

differential! {
    /// A long `if`/`else if` chain, every branch awaiting a different
    /// number of times, a dropper per branch and one for the function.
    name: long_if_else_chain_many_awaits,
    items: {
        #[lh] pub async fn classify(v: i64) -> String {
            let mut notes: Vec<u32> = Vec::new();
            let d = D::new("d");
            let kind = if v < 0 {
                notes.push(fetch(1).await);
                "neg"
            } else if v == 0 {
                let z = D::new("z");
                notes.push(fetch(2).await);
                pend(1, ()).await;
                "zero"
            } else if v < 10 {
                for i in 0..v as u32 {
                    notes.push(pend(1, i).await);
                }
                "small"
            } else if v < 100 {
                let m = load("m").await;
                notes.push(fetch(v as u32).await);
                notes.push(fetch(m.touch() as u32).await);
                "medium"
            } else {
                match check(v as u32).await {
                    Ok(h) => {
                        notes.push(h);
                        "big even"
                    }
                    Err(e) => {
                        log(e);
                        pend(2, "big odd").await
                    }
                }
            };
            let tail = pend(1, notes.len()).await;
            d.touch();
            format!("{kind} {notes:?} {tail}")
        }
    },
    run: async {
        (classify(-5).await, classify(0).await, classify(3).await, classify(42).await, classify(200).await, classify(201).await)
    },
}

differential! {
    /// A `&mut self` method with a loop that flushes through another
    /// `&mut self` async method and `?`, ten awaits in all.
    name: long_mut_self_exchange_with_flush,
    items: {
        pub struct Conn { pub state: u32, pub buf: Vec<u8>, pub sent: usize, pub peer: D, pub log: Vec<String> }
        impl Conn {
            #[lh] pub async fn exchange(&mut self, msgs: &[&str]) -> Result<usize, String> {
                self.state = fetch(self.state).await;
                for m in msgs {
                    self.buf.extend_from_slice(m.as_bytes());
                    if self.buf.len() > 6 {
                        self.flush().await?;
                    }
                    self.log.push(format!("{m}:{}", pend(1, self.buf.len()).await));
                }
                self.flush().await?;
                self.peer.touch();
                Ok(self.sent)
            }
            #[lh] pub async fn flush(&mut self) -> Result<(), String> {
                let n = self.buf.len();
                if n == 0 {
                    return Ok(());
                }
                pend(1, ()).await;
                if self.buf.starts_with(b"x") {
                    return Err(format!("refused {n}"));
                }
                self.sent += n;
                self.buf.clear();
                Ok(())
            }
        }
    },
    run: async {
        let mut a = Conn { state: 1, buf: vec![], sent: 0, peer: D::new("pa"), log: vec![] };
        let mut b = Conn { state: 2, buf: vec![], sent: 0, peer: D::new("pb"), log: vec![] };
        let ra = a.exchange(&["ab", "cde", "fghij", "k"]).await;
        let rb = b.exchange(&["xy", "zzzzzz", "q"]).await;
        (ra, a.log.clone(), rb, b.log.clone(), b.buf.len())
    },
}

differential! {
    /// Shadowing chains: each `let` of the same name after an await, the
    /// shadowed droppers still alive to the end of the body.
    name: long_shadowing_chain_with_droppers,
    items: {
        #[lh] pub async fn f(input: &str) -> Result<(u32, String), String> {
            let input = input.trim();
            let guard = D::new("g");
            let input = lookup(input).await.ok_or("missing")?;
            let n = input.len() as u32;
            let n = fetch(n).await;
            let n = check(n).await?;
            let input = format!("{input}{}", pend(1, n).await);
            let guard = (guard, D::new("g2"));
            let n = n + fetch(n).await;
            guard.0.touch();
            let input = input.to_lowercase();
            let guard = load("g3").await;
            let n = check(n).await?;
            Ok((n + pend(1, 0).await, input))
        }
    },
    run: async { (f("  abcd ").await, f("ab").await, f("abc").await, f("abcdefgh").await) },
}

differential! {
    /// `?` on `Option` throughout a router: a `split` iterator over the
    /// parameter kept across awaits, `parse().ok()?`, a `match` on the
    /// next segment whose arms await.
    name: long_option_question_router,
    items: {
        #[lh] pub async fn route(path: &str) -> Option<u32> {
            let d = D::new("route");
            let mut parts = path.split('/');
            let _root = parts.next()?;
            let a = parts.next()?;
            let a = lookup(a).await?;
            let b: u32 = parts.next()?.parse().ok()?;
            let b = fetch(b).await;
            let sum = match parts.next() {
                Some("x") => b + fetch(1).await,
                Some(other) => {
                    let n = lookup(other).await?.len() as u32;
                    n + b
                }
                None => pend(1, b).await,
            };
            d.touch();
            Some(sum + a.len() as u32 + pend(1, 0).await)
        }
    },
    run: async {
        (
            route("/users/7").await,
            route("/users/7/x").await,
            route("/users/7/profile").await,
            route("/users/7/pr").await,
            route("/us/7").await,
            route("/users/q").await,
            route("").await,
        )
    },
}

differential! {
    /// A long loop that panics after an await with a vector of droppers,
    /// a one-off dropper and the function's own alive.
    name: long_loop_panics_mid_way,
    items: {
        #[lh] pub async fn f(limit: u32) -> u32 {
            let a = D::new("a");
            let mut v = vec![D::new("v0")];
            let mut total = 0u32;
            for i in 1..=6 {
                total += fetch(i).await;
                v.push(D::new("vi"));
                if total > limit {
                    let p = D::new("p");
                    pend(1, ()).await;
                    panic!("over {total} at {i}");
                }
            }
            let b = load("b").await;
            total + b.touch() as u32 + v.len() as u32
        }
    },
    run: async { (f(1000).await, f(9).await) },
}

differential! {
    /// A `match` on a tuple of an awaited value, a looked-up option and an
    /// optional dropper, arms binding, awaiting and returning.
    name: long_match_on_tuple_of_owned_parts,
    items: {
        #[lh] pub async fn f(a: u32, b: Option<D>) -> String {
            let x = fetch(a).await;
            let y = lookup(if x > 4 { "long" } else { "s" }).await;
            let r = match (x % 4, y, b) {
                (0, Some(s), Some(d)) => {
                    d.touch();
                    format!("{s}{}", fetch(x).await)
                }
                (0, None, d) => {
                    pend(1, ()).await;
                    format!("none {}", d.is_some())
                }
                (_, Some(s), None) => {
                    let t = load("t").await;
                    s
                }
                (k, s, d) => {
                    let _k = D::new("k");
                    pend(k, ()).await;
                    format!("{k} {s:?} {}", d.map(|d| d.0).unwrap_or("-"))
                }
            };
            pend(1, r).await
        }
    },
    run: async {
        (
            f(4, Some(D::new("b1"))).await,
            f(2, Some(D::new("b2"))).await,
            f(3, None).await,
            f(1, Some(D::new("b3"))).await,
            f(5, Some(D::new("b4"))).await,
        )
    },
}

differential! {
    /// A vector of droppers filled by awaited loads, some removed and
    /// touched after another await, truncated, and a popped one dropped late.
    name: long_vec_of_droppers_churn,
    items: {
        #[lh] pub async fn f(n: u32) -> usize {
            let mut held: Vec<D> = Vec::new();
            let names = ["h0", "h1", "h2", "h3", "h4"];
            for i in 0..n as usize {
                held.push(load(names[i % 5]).await);
                if i % 2 == 1 {
                    let gone = held.remove(0);
                    pend(1, ()).await;
                    gone.touch();
                }
            }
            let last = held.pop();
            pend(1, ()).await;
            let count = held.len();
            held.truncate(1);
            fetch(count as u32).await;
            drop(last);
            pend(1, count).await
        }
    },
    run: async { (f(0).await, f(1).await, f(5).await) },
}

differential! {
    /// Twenty-five awaits in a straight line, droppers born, shadowed,
    /// moved into a tuple and dropped by hand between them.
    name: long_twenty_five_awaits_straight_line,
    items: {
        #[lh] pub async fn f(p: D, q: u32) -> u32 {
            let mut s = 0u32;
            s += fetch(1).await;
            let a = D::new("a");
            s += fetch(2).await;
            let b = D::new("b");
            s += pend(1, 3).await;
            drop(a);
            s += pend(2, 4).await;
            let c = load("c").await;
            s += fetch(s).await;
            let a = D::new("a2");
            s = s.wrapping_mul(pend(1, 3).await);
            p.touch();
            let d = (D::new("d0"), load("d1").await);
            s += fetch(q).await;
            drop(b);
            s += pend(1, d.0.touch() as u32).await;
            let e = load("e").await;
            s ^= fetch(7).await;
            drop(d);
            s += pend(3, 1).await;
            let f = [load("f0").await, load("f1").await];
            s += fetch(s % 11).await;
            let c = (c, D::new("c2"));
            s += pend(1, 2).await;
            s -= pend(2, 1).await;
            let g = load("g").await;
            s += fetch(f[1].touch() as u32).await;
            drop(e);
            s += pend(1, 5).await;
            s += fetch(q + 1).await;
            let h = D::new("h");
            s %= pend(1, 1000).await;
            c.0.touch();
            s += fetch(s % 5).await;
            g.touch();
            s += pend(2, 9).await;
            s
        }
    },
    run: async { (f(D::new("p"), 3).await, f(D::new("p2"), 10).await) },
}

differential! {
    /// A generic long body over a fallible async callback: retries,
    /// shadowing, an accumulator of droppers and `?` on the last result.
    name: long_generic_callback_loop_with_question,
    items: {
        #[lh] pub async fn gather<F, Fut>(ids: &[u32], call: F) -> Result<Vec<u32>, String>
        where
            F: Fn(u32, u32) -> Fut,
            Fut: Future<Output = Result<u32, String>>,
        {
            let _g = D::new("gather");
            let mut out = Vec::new();
            let mut keep: Vec<D> = Vec::new();
            for &id in ids {
                let mut attempt = 1;
                let v = loop {
                    match call(id, attempt).await {
                        Ok(v) => break v,
                        Err(e) if attempt < 2 => {
                            log(e);
                            attempt += 1;
                            pend(1, ()).await;
                        }
                        Err(e) => return Err(e),
                    }
                };
                keep.push(D::new("kept"));
                let v = fetch(v).await;
                out.push(v);
            }
            let last = call(0, 1).await?;
            out.push(last);
            pend(1, ()).await;
            Ok(out)
        }
    },
    run: async {
        (
            gather(&[4, 1, 5], |id, a| flaky(id, a)).await,
            gather(&[2, 3], |id, a| flaky(id, a)).await,
        )
    },
}

differential! {
    /// An eleven-await `match` on a `Result` whose arms each run a loop
    /// that awaits and may `return` from inside it, a dropper per arm.
    name: long_match_arms_with_loops_and_returns,
    items: {
        #[lh] pub async fn f(x: u32) -> Result<u32, String> {
            let top = D::new("top");
            let r = match check(x).await {
                Ok(half) => {
                    let ok = D::new("ok");
                    let mut acc = 0;
                    for i in 0..half.min(4) {
                        acc += fetch(i).await;
                        if acc > 8 {
                            return Ok(acc + pend(1, 100).await);
                        }
                    }
                    ok.touch();
                    acc
                }
                Err(e) => {
                    let bad = D::new("bad");
                    let mut n = 0;
                    while n < 3 {
                        n += 1;
                        if lookup(&e[..n + 2]).await.is_none() {
                            return Err(format!("{e} at {n}"));
                        }
                    }
                    bad.touch();
                    pend(2, n as u32).await
                }
            };
            top.touch();
            let r = check(r * 2).await?;
            Ok(r + fetch(r).await)
        }
    },
    run: async { (f(4).await, f(12).await, f(0).await, f(7).await) },
}

// ---------------------------------------------------------------------------
// 2. mini-redis and tokio tutorial shapes
// ---------------------------------------------------------------------------

differential! {
    /// mini-redis's `read_frame`: parse from the buffer, else read more;
    /// frames split across reads, a reset with leftover bytes.
    name: mini_redis_read_frame_loop,
    items: {
        pub struct Connection { pub stream: Sock, pub buffer: Vec<u8> }
        impl Connection {
            #[lh] pub async fn read_frame(&mut self) -> Result<Option<Frame>, String> {
                loop {
                    if let Some((frame, used)) = parse_frame(&self.buffer)? {
                        self.buffer.drain(..used);
                        return Ok(Some(frame));
                    }
                    if 0 == self.stream.read_buf(&mut self.buffer).await? {
                        if self.buffer.is_empty() {
                            return Ok(None);
                        } else {
                            return Err("connection reset by peer".into());
                        }
                    }
                }
            }
        }
    },
    run: async {
        let mut c = Connection {
            stream: Sock::new(&["+OK\r", "\n:12\r\n$3\r\nabc", "\r\n*2\r\n$3\r\nget\r\n$1\r\nk\r\n", "$-1\r\n+tail"]),
            buffer: Vec::new(),
        };
        let mut frames = Vec::new();
        loop {
            match c.read_frame().await {
                Ok(Some(f)) => frames.push(f),
                other => {
                    frames.push(Frame::Simple(format!("{other:?}")));
                    break;
                }
            }
        }
        frames
    },
}

differential! {
    /// mini-redis's `apply`: the `Db` mutex locked in a block, or through
    /// a temporary guard, or `drop(guard)`, always released before the
    /// write that awaits.
    name: mini_redis_apply_guard_dropped_before_await,
    items: {
        #[lh] pub async fn apply(cmd: Command, db: &Db, dst: &mut Sock) -> Result<(), String> {
            let resp = match cmd {
                Command::Get(key) => {
                    let value = {
                        let state = db.shared.lock().unwrap();
                        state.get(&key).cloned()
                    };
                    pend(1, ()).await;
                    match value {
                        Some(v) => Frame::Bulk(v),
                        None => Frame::Null,
                    }
                }
                Command::Set(key, value) => {
                    let mut guard = db.shared.lock().unwrap();
                    let old = guard.insert(key, value);
                    drop(guard);
                    pend(1, ()).await;
                    Frame::Simple(if old.is_some() { "OK (replaced)".into() } else { "OK".into() })
                }
                Command::Publish(ch, _) => {
                    let n = db.shared.lock().unwrap().len() as u64;
                    Frame::Integer(pend(1, n).await)
                }
                Command::Ping(None) => Frame::Simple("PONG".into()),
                Command::Ping(Some(m)) => Frame::Bulk(m),
                Command::Unknown(name) => Frame::Error(format!("ERR unknown command '{name}'")),
            };
            let mut out = Vec::new();
            encode(&resp, &mut out);
            dst.write_all(&out).await
        }
    },
    run: async {
        let db = Db::new();
        let mut s = Sock::new(&[]);
        let mut res = Vec::new();
        for line in ["get a", "set a 1", "set a 2", "get a", "publish ch m", "ping", "ping hi", "frob x"] {
            res.push(apply(to_command(cmd(line)).unwrap(), &db, &mut s).await);
        }
        (res, String::from_utf8(s.written.clone()).unwrap())
    },
}

differential! {
    /// mini-redis's connection handler: `while let Some(frame) =
    /// conn.read_frame().await?`, parse the command with `?`, apply it to
    /// the `Db`, write the response frame; errors end the connection.
    name: mini_redis_process_connection,
    items: {
        pub struct Connection { pub stream: Sock, pub buffer: Vec<u8> }
        impl Connection {
            #[lh] pub async fn read_frame(&mut self) -> Result<Option<Frame>, String> {
                loop {
                    if let Some((frame, used)) = parse_frame(&self.buffer)? {
                        self.buffer.drain(..used);
                        return Ok(Some(frame));
                    }
                    if 0 == self.stream.read_buf(&mut self.buffer).await? {
                        return if self.buffer.is_empty() { Ok(None) } else { Err("reset".into()) };
                    }
                }
            }
            #[lh] pub async fn write_frame(&mut self, f: &Frame) -> Result<(), String> {
                let mut out = Vec::new();
                encode(f, &mut out);
                self.stream.write_all(&out).await
            }
        }
        #[lh] pub async fn process(mut conn: Connection, db: Db) -> Result<u32, String> {
            let _handler = D::new("handler");
            let mut served = 0;
            while let Some(frame) = conn.read_frame().await? {
                let cmd = to_command(frame)?;
                log(format!("cmd {cmd:?}"));
                let resp = match cmd {
                    Command::Get(k) => {
                        let v = db.shared.lock().unwrap().get(&k).cloned();
                        v.map(Frame::Bulk).unwrap_or(Frame::Null)
                    }
                    Command::Set(k, v) => {
                        db.shared.lock().unwrap().insert(k, v);
                        Frame::Simple("OK".into())
                    }
                    Command::Ping(_) => Frame::Simple("PONG".into()),
                    other => Frame::Error(format!("unsupported {other:?}")),
                };
                conn.write_frame(&resp).await?;
                served += 1;
            }
            Ok(served)
        }
    },
    run: async {
        let db = Db::new();
        let c1 = Connection {
            stream: Sock::new(&["*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n", "*2\r\n$3\r\nget\r\n$1\r\nk\r\n", "*1\r\n$4\r\nping\r\n"]),
            buffer: vec![],
        };
        let c2 = Connection { stream: Sock::new(&["*1\r\n$3\r\nget\r\n"]), buffer: vec![] };
        let c3 = Connection { stream: Sock::new(&["*2\r\n$3\r\nget\r\n", "!"]), buffer: vec![] };
        let c4 = Connection { stream: Sock::new(&["?bad\r\n"]), buffer: vec![] };
        (process(c1, db.clone()).await, process(c2, db.clone()).await, process(c3, db.clone()).await, process(c4, db).await)
    },
}

differential! {
    /// mini-redis's client: `set` then `get` over a connection whose
    /// responses are scripted, each method writing a frame and matching
    /// the frame read back.
    name: mini_redis_client_set_get,
    items: {
        pub struct RedisClient { pub stream: Sock, pub buffer: Vec<u8> }
        impl RedisClient {
            #[lh] pub async fn read_response(&mut self) -> Result<Frame, String> {
                loop {
                    if let Some((f, used)) = parse_frame(&self.buffer)? {
                        self.buffer.drain(..used);
                        return match f {
                            Frame::Error(msg) => Err(msg),
                            f => Ok(f),
                        };
                    }
                    if self.stream.read_buf(&mut self.buffer).await? == 0 {
                        return Err("connection reset by server".into());
                    }
                }
            }
            #[lh] pub async fn get(&mut self, key: &str) -> Result<Option<Vec<u8>>, String> {
                let mut out = Vec::new();
                encode(&cmd(&format!("get {key}")), &mut out);
                self.stream.write_all(&out).await?;
                match self.read_response().await? {
                    Frame::Simple(s) => Ok(Some(s.into_bytes())),
                    Frame::Bulk(b) => Ok(Some(b)),
                    Frame::Null => Ok(None),
                    f => Err(format!("unexpected {f:?}")),
                }
            }
            #[lh] pub async fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
                let frame = cmd(&format!("set {key} {value}"));
                let mut out = Vec::new();
                encode(&frame, &mut out);
                self.stream.write_all(&out).await?;
                match self.read_response().await? {
                    Frame::Simple(s) if s == "OK" => Ok(()),
                    f => Err(format!("unexpected {f:?}")),
                }
            }
        }
    },
    run: async {
        let mut c = RedisClient { stream: Sock::new(&["+O", "K\r\n$2\r\nhi\r\n", "$-1\r\n-ERR nope\r\n:5\r\n"]), buffer: vec![] };
        let a = c.set("k", "hi").await;
        let b = c.get("k").await;
        let d = c.get("z").await;
        let e = c.get("q").await;
        let f = c.set("n", "5").await;
        let g = c.get("end").await;
        (a, b, d, e, f, g)
    },
}

differential! {
    /// A pub/sub hub: subscriptions made between awaits, a round-robin
    /// receive loop over them, subscriptions removed from the middle of
    /// the vector on "quit" and dropped before an await.
    name: pubsub_round_robin_subscribers,
    items: {
        pub struct Hub { pub subs: RefCell<BTreeMap<String, Vec<Rc<RefCell<VecDeque<String>>>>>> }
        pub struct Sub { pub q: Rc<RefCell<VecDeque<String>>>, pub _d: D }
        impl Hub {
            pub fn subscribe(&self, ch: &str) -> Sub {
                let q = Rc::new(RefCell::new(VecDeque::new()));
                self.subs.borrow_mut().entry(ch.to_string()).or_default().push(q.clone());
                Sub { q, _d: D::new("sub") }
            }
            pub fn publish(&self, ch: &str, msg: &str) -> usize {
                let subs = self.subs.borrow();
                let list = subs.get(ch).map(|v| &v[..]).unwrap_or(&[]);
                for q in list {
                    q.borrow_mut().push_back(msg.to_string());
                }
                list.len()
            }
        }
        impl Sub {
            #[lh] pub async fn recv(&mut self) -> Option<String> {
                pend(1, ()).await;
                self.q.borrow_mut().pop_front()
            }
        }
        #[lh] pub async fn pubsub(hub: &Hub) -> Vec<String> {
            let mut subs: Vec<(String, Sub)> = Vec::new();
            for ch in ["news", "sport"] {
                subs.push((ch.to_string(), hub.subscribe(ch)));
                pend(1, ()).await;
            }
            let mut got = Vec::new();
            let mut round = 0;
            while !subs.is_empty() {
                round += 1;
                let n = hub.publish(if round % 2 == 0 { "sport" } else { "news" }, &format!("m{round}"));
                if round == 4 {
                    hub.publish("news", "quit");
                }
                if round > 6 {
                    hub.publish("sport", "quit");
                }
                let mut i = 0;
                while i < subs.len() {
                    match subs[i].1.recv().await {
                        Some(m) if m == "quit" => {
                            let (name, s) = subs.remove(i);
                            got.push(format!("{name} closed"));
                            drop(s);
                            pend(1, ()).await;
                        }
                        Some(m) => {
                            got.push(format!("{}: {m} ({n})", subs[i].0));
                            i += 1;
                        }
                        None => i += 1,
                    }
                }
            }
            got
        }
    },
    run: async {
        let hub = Hub { subs: RefCell::new(BTreeMap::new()) };
        pubsub(&hub).await
    },
}

differential! {
    /// The tokio tutorial's actor: a command loop over a hand-written
    /// receiver, each command carrying a responder that is completed
    /// after the store is updated; the receiver closes with a dropper.
    name: tokio_tutorial_actor_with_responders,
    items: {
        pub struct Responder<T> { pub slot: Rc<RefCell<Option<T>>>, pub _d: D }
        pub enum Cmd {
            Get { key: String, resp: Responder<Option<u32>> },
            Set { key: String, val: u32, resp: Responder<Option<u32>> },
            Stop,
        }
        pub struct Rx { pub q: VecDeque<Cmd>, pub _d: D }
        impl Rx {
            #[lh] pub async fn recv(&mut self) -> Option<Cmd> {
                pend(1, ()).await;
                self.q.pop_front()
            }
        }
        #[lh] pub async fn manager(mut rx: Rx) -> BTreeMap<String, u32> {
            let mut store = BTreeMap::new();
            while let Some(cmd) = rx.recv().await {
                match cmd {
                    Cmd::Get { key, resp } => {
                        let v = store.get(&key).copied();
                        pend(1, ()).await;
                        *resp.slot.borrow_mut() = Some(v);
                    }
                    Cmd::Set { key, val, resp } => {
                        let old = store.insert(key, fetch(val).await);
                        *resp.slot.borrow_mut() = Some(old);
                    }
                    Cmd::Stop => {
                        log("stop");
                        break;
                    }
                }
            }
            store
        }
    },
    run: async {
        let slots: Vec<Rc<RefCell<Option<Option<u32>>>>> = (0..4).map(|_| Rc::new(RefCell::new(None))).collect();
        let r = |i: usize| Responder { slot: slots[i].clone(), _d: D::new("resp") };
        let q = VecDeque::from(vec![
            Cmd::Get { key: "a".into(), resp: r(0) },
            Cmd::Set { key: "a".into(), val: 3, resp: r(1) },
            Cmd::Set { key: "a".into(), val: 4, resp: r(2) },
            Cmd::Stop,
            Cmd::Get { key: "a".into(), resp: r(3) },
        ]);
        let store = manager(Rx { q, _d: D::new("rx") }).await;
        (store, slots.iter().map(|s| *s.borrow()).collect::<Vec<_>>())
    },
}

differential! {
    /// tokio's shared-state tutorial: `Arc<Mutex<HashMap>>` sharded by key
    /// hash, each shard's guard scoped to a block between awaits.
    name: tokio_tutorial_sharded_db,
    items: {
        pub struct Sharded { pub shards: Vec<Mutex<HashMap<String, u32>>> }
        impl Sharded {
            #[lh] pub async fn incr(&self, key: &str, by: u32) -> u32 {
                let idx = key.len() % self.shards.len();
                let now = {
                    let mut shard = self.shards[idx].lock().unwrap();
                    let e = shard.entry(key.to_string()).or_insert(0);
                    *e += by;
                    *e
                };
                let echoed = fetch(now).await;
                let total: u32 = {
                    let shard = self.shards[idx].lock().unwrap();
                    shard.values().sum()
                };
                pend(1, ()).await;
                echoed / 2 + total
            }
        }
        #[lh] pub async fn run_all(db: Arc<Sharded>, keys: &[&str]) -> Vec<u32> {
            let mut out = vec![];
            for (i, k) in keys.iter().enumerate() {
                let db = db.clone();
                out.push(db.incr(k, i as u32 + 1).await);
            }
            out
        }
    },
    run: async {
        let db = Arc::new(Sharded { shards: (0..3).map(|_| Mutex::new(HashMap::new())).collect() });
        run_all(db, &["a", "bb", "a", "ccc", "bb", "dddd"]).await
    },
}

differential! {
    /// Writing a frame recursively, mini-redis's `write_value`/`write_frame`
    /// split, the array case recursing through `Box::pin`.
    name: mini_redis_write_frame_recursive,
    items: {
        pub struct W { pub stream: Sock }
        impl W {
            #[lh] pub async fn write_value(&mut self, f: &Frame) -> Result<(), String> {
                match f {
                    Frame::Array(items) => {
                        self.stream.write_all(format!("*{}\r\n", items.len()).as_bytes()).await?;
                        for item in items {
                            Box::pin(self.write_value(item)).await?;
                        }
                        Ok(())
                    }
                    Frame::Error(e) if e.is_empty() => Err("empty error".into()),
                    other => {
                        let mut out = Vec::new();
                        encode(other, &mut out);
                        self.stream.write_all(&out).await
                    }
                }
            }
        }
    },
    run: async {
        let mut w = W { stream: Sock::new(&[]) };
        let a = w.write_value(&Frame::Array(vec![Frame::Integer(1), Frame::Array(vec![Frame::Null, Frame::Simple("x".into())]), Frame::Bulk(b"yz".to_vec())])).await;
        let b = w.write_value(&Frame::Array(vec![Frame::Integer(2), Frame::Error(String::new()), Frame::Null])).await;
        (a, b, String::from_utf8(w.stream.written.clone()).unwrap())
    },
}

differential! {
    /// Graceful shutdown in the tokio style: a `Shutdown` listener checked
    /// before each frame, a `Handler` struct owning its connection and a
    /// drop guard, the loop ending on the signal.
    name: tokio_graceful_shutdown_handler,
    items: {
        pub struct Shutdown { pub flag: Rc<Cell<u32>>, pub is_shutdown: bool }
        impl Shutdown {
            #[lh] pub async fn recv(&mut self) {
                if self.is_shutdown {
                    return;
                }
                pend(1, ()).await;
                self.is_shutdown = true;
            }
            pub fn poll_flag(&mut self) -> bool {
                let n = self.flag.get();
                self.flag.set(n.saturating_sub(1));
                n == 1
            }
        }
        pub struct Handler { pub shutdown: Shutdown, pub frames: VecDeque<Frame>, pub _g: D }
        impl Handler {
            #[lh] pub async fn run(&mut self) -> Result<Vec<String>, String> {
                let mut out = vec![];
                while !self.shutdown.is_shutdown {
                    if self.shutdown.poll_flag() {
                        self.shutdown.recv().await;
                        out.push("signalled".to_string());
                        continue;
                    }
                    let frame = match self.frames.pop_front() {
                        Some(f) => pend(1, f).await,
                        None => return Ok(out),
                    };
                    let cmd = to_command(frame)?;
                    out.push(format!("{cmd:?}"));
                }
                Ok(out)
            }
        }
    },
    run: async {
        let mk = |n, lines: &[&str]| Handler {
            shutdown: Shutdown { flag: Rc::new(Cell::new(n)), is_shutdown: false },
            frames: lines.iter().map(|l| cmd(l)).collect(),
            _g: D::new("handler"),
        };
        let mut a = mk(3, &["ping", "get a", "get b", "get c"]);
        let mut b = mk(0, &["ping", "set k v"]);
        let mut c = mk(0, &[]);
        let mut d = Handler { shutdown: Shutdown { flag: Rc::new(Cell::new(0)), is_shutdown: false }, frames: VecDeque::from(vec![Frame::Null]), _g: D::new("hd") };
        (a.run().await, b.run().await, c.run().await, d.run().await)
    },
}

// ---------------------------------------------------------------------------
// 3. reqwest and sqlx shapes
// ---------------------------------------------------------------------------

differential! {
    /// reqwest's chain on temporaries: `client.get(..).header(..)
    /// .send().await?`, a status check, `error_for_status()?` and an
    /// awaited `text()` consuming the response.
    name: reqwest_chain_on_temporaries,
    items: {
        #[lh] pub async fn fetch_user(client: &Client, id: u32) -> Result<String, String> {
            let resp = client.get(&format!("/users/{id}")).header("accept", "json").send().await?;
            if resp.status() == 404 {
                pend(1, ()).await;
                return Ok("none".into());
            }
            let text = resp.text().await?;
            Ok(text)
        }
        #[lh] pub async fn post_item(client: &Client, body: &str) -> Result<String, String> {
            let resp = client.post("/items").header("content-type", "text").body(body).send().await?.error_for_status()?;
            let t = resp.text().await?;
            Ok(format!("posted {t}"))
        }
    },
    run: async {
        let c = Client { base: "http://h", _d: D::new("client") };
        (fetch_user(&c, 1).await, post_item(&c, "x").await, post_item(&c, "").await)
    },
}

differential! {
    /// A response awaited into a local, then consumed by a non-async
    /// by-value method (`error_for_status`) before `text().await`.
    name: reqwest_error_for_status_on_local,
    items: {
        #[lh] pub async fn get_text(client: &Client, path: &str) -> Result<String, String> {
            let resp = client.get(path).send().await?;
            if resp.status() == 404 {
                return Ok(String::new());
            }
            let resp = resp.error_for_status()?;
            let t = resp.text().await?;
            pend(1, ()).await;
            Ok(t)
        }
    },
    run: async {
        let c = Client { base: "http://h", _d: D::new("client") };
        (get_text(&c, "/a").await, get_text(&c, "/missing").await, get_text(&c, "/down").await)
    },
}

differential! {
    /// `reqwest_error_for_status_on_local` with the response moved into
    /// braces before the by-value `error_for_status()` (what compiled
    /// before `error_for_status` was known to consume, s19-1).
    name: reqwest_error_for_status_on_local_in_braces,
    items: {
        #[lh] pub async fn get_text(client: &Client, path: &str) -> Result<String, String> {
            let resp = client.get(path).send().await?;
            if resp.status() == 404 {
                return Ok(String::new());
            }
            let resp = { resp }.error_for_status()?;
            let t = resp.text().await?;
            pend(1, ()).await;
            Ok(t)
        }
    },
    run: async {
        let c = Client { base: "http://h", _d: D::new("client") };
        (get_text(&c, "/a").await, get_text(&c, "/missing").await, get_text(&c, "/down").await)
    },
}

known_gap! {
    reason: "s19-2 (fails to compile, E0507 cannot move out of a mutable reference): a reqwest builder kept in a local, rebuilt in a branch (`rb = rb.header(..)`), then `rb.body(b).send().await?`: `body` takes `self` by value on a local and the chain is awaited; longhand assumes `body` borrows `rb`, so `rb` is kept in a pinned slot across the `send` await and both by-value calls move out of that slot (rustc moves `rb` into `body`; the by-value receiver family: write `{ rb }.body(b).send().await?`, case `reqwest_builder_local_in_braces`)",
    differential! {
        /// reqwest's builder kept in a local and rebuilt conditionally,
        /// finished by `rb.body(..).send().await?`.
        name: reqwest_builder_local_then_send,
        items: {
            #[lh] pub async fn post(client: &Client, json: bool, body: &str) -> Result<u16, String> {
                let mut rb = client.post("/items").header("x-id", "1");
                if json {
                    rb = rb.header("content-type", "json");
                }
                let resp = rb.body(body).send().await?;
                pend(1, ()).await;
                Ok(resp.status())
            }
        },
        run: async {
            let c = Client { base: "http://h", _d: D::new("client") };
            (post(&c, true, "a").await, post(&c, false, "").await)
        },
    }
}

differential! {
    /// The workaround for s19-1: the builder local moved into braces,
    /// `{ rb }.body(..).send().await?`.
    name: reqwest_builder_local_in_braces,
    items: {
        #[lh] pub async fn post(client: &Client, json: bool, body: &str) -> Result<u16, String> {
            let mut rb = client.post("/items").header("x-id", "1");
            if json {
                rb = rb.header("content-type", "json");
            }
            let resp = { rb }.body(body).send().await?;
            pend(1, ()).await;
            Ok(resp.status())
        }
    },
    run: async {
        let c = Client { base: "http://h", _d: D::new("client") };
        (post(&c, true, "a").await, post(&c, false, "").await)
    },
}

differential! {
    /// sqlx's query chain: `query(..).bind(..).fetch_all(pool).await?`,
    /// then one `fetch_optional` per row inside the loop.
    name: sqlx_query_bind_fetch_chain,
    items: {
        #[lh] pub async fn list(pool: &Pool, min: u32) -> Result<Vec<String>, String> {
            let rows = query("select id, name from users where id >= ?").bind(min).fetch_all(pool).await?;
            let mut out = Vec::with_capacity(rows.len());
            for row in rows {
                let next = query("select * from users where id = ?").bind(row.id + 1).fetch_optional(pool).await?;
                out.push(format!("{}{}", row.name, if next.is_some() { "+" } else { "" }));
            }
            Ok(out)
        }
    },
    run: async {
        let p = pool();
        (list(&p, 0).await, list(&p, 4).await)
    },
}

differential! {
    /// An sqlx transaction: inserts, a rollback on a bad row, a commit.
    name: sqlx_transaction_commit_rollback,
    items: {
        #[lh] pub async fn insert_all(pool: &Pool, items: &[(u32, &str)]) -> Result<usize, String> {
            let mut tx = pool.begin().await?;
            for (id, name) in items {
                if name.is_empty() {
                    tx.rollback().await;
                    return Err(format!("empty name {id}"));
                }
                tx.insert(*id, name).await?;
            }
            tx.commit().await
        }
    },
    run: async {
        let p = pool();
        (insert_all(&p, &[(7, "g"), (8, "h")]).await, insert_all(&p, &[(9, "i"), (10, "")]).await, insert_all(&p, &[(11, "k"), (1, "dup")]).await)
    },
}

differential! {
    /// `sqlx_transaction_commit_rollback` with `{ tx }.rollback().await`
    /// and `{ tx }.commit().await` (what compiled before `commit` and
    /// `rollback` were known to consume when awaited, s19-3); an insert
    /// error drops `tx` by `?`.
    name: sqlx_transaction_commit_in_braces,
    items: {
        #[lh] pub async fn insert_all(pool: &Pool, items: &[(u32, &str)]) -> Result<usize, String> {
            let mut tx = pool.begin().await?;
            for (id, name) in items {
                if name.is_empty() {
                    { tx }.rollback().await;
                    return Err(format!("empty name {id}"));
                }
                tx.insert(*id, name).await?;
            }
            { tx }.commit().await
        }
    },
    run: async {
        let p = pool();
        (insert_all(&p, &[(7, "g"), (8, "h")]).await, insert_all(&p, &[(9, "i"), (10, "")]).await, insert_all(&p, &[(11, "k"), (1, "dup")]).await)
    },
}

differential! {
    /// A repository over the pool: a `&self` method chaining a query on a
    /// temporary, mapping rows with `?` inside `map` before an await.
    name: sqlx_repository_methods,
    items: {
        pub struct Repo<'p> { pub pool: &'p Pool, pub _d: D }
        impl<'p> Repo<'p> {
            #[lh] pub async fn names_from(&self, min: u32) -> Result<Vec<String>, String> {
                let rows = query("select").bind(min).fetch_all(self.pool).await?;
                let names = rows.iter().map(|r| if r.name.is_empty() { Err("blank") } else { Ok(r.name.clone()) }).collect::<Result<Vec<_>, _>>()?;
                pend(1, ()).await;
                Ok(names)
            }
            #[lh] pub async fn find(&self, id: u32) -> Result<Row, String> {
                query("select").bind(id).fetch_optional(self.pool).await?.ok_or_else(|| format!("no row {id}"))
            }
        }
    },
    run: async {
        let p = pool();
        let r = Repo { pool: &p, _d: D::new("repo") };
        (r.names_from(2).await, r.find(3).await, r.find(2).await)
    },
}

// ---------------------------------------------------------------------------
// 4. tower and axum shapes
// ---------------------------------------------------------------------------

differential! {
    /// tower-style layers: `Logging<Echo>` with `Self::Response`/
    /// `Self::Error` in the signatures, generic over the request type.
    name: tower_logging_layer_over_echo,
    items: {
        pub struct Echo { pub _d: D }
        impl Service<String> for Echo {
            type Response = String;
            type Error = String;
            #[lh] async fn call(&self, req: String) -> Result<Self::Response, Self::Error> {
                log(format!("echo {req}"));
                pend(1, ()).await;
                if req.is_empty() { Err("empty".into()) } else { Ok(req.to_uppercase()) }
            }
        }
        pub struct Logging<S> { pub inner: S, pub name: &'static str }
        impl<S, Req> Service<Req> for Logging<S>
        where
            S: Service<Req>,
            Req: Debug,
            S::Error: Debug,
        {
            type Response = S::Response;
            type Error = S::Error;
            #[lh] async fn call(&self, req: Req) -> Result<Self::Response, Self::Error> {
                let _span = D::new("span");
                log(format!("{} -> {req:?}", self.name));
                let res = self.inner.call(req).await;
                if let Err(e) = &res {
                    log(format!("{} failed {e:?}", self.name));
                    pend(1, ()).await;
                }
                res
            }
        }
    },
    run: async {
        let s = Logging { inner: Logging { inner: Echo { _d: D::new("echo") }, name: "inner" }, name: "outer" };
        (s.call("hi".to_string()).await, s.call(String::new()).await)
    },
}

differential! {
    /// The layer above with the error logged in an `if let` that does not
    /// await and the backoff awaited under `res.is_err()`: what compiled
    /// before s19-4 was fixed, kept as the neighbouring shape.
    name: tower_logging_layer_over_echo_split_if,
    items: {
        pub struct Echo { pub _d: D }
        impl Service<String> for Echo {
            type Response = String;
            type Error = String;
            #[lh] async fn call(&self, req: String) -> Result<Self::Response, Self::Error> {
                log(format!("echo {req}"));
                pend(1, ()).await;
                if req.is_empty() { Err("empty".into()) } else { Ok(req.to_uppercase()) }
            }
        }
        pub struct Logging<S> { pub inner: S, pub name: &'static str }
        impl<S, Req> Service<Req> for Logging<S>
        where
            S: Service<Req>,
            Req: Debug,
            S::Error: Debug,
        {
            type Response = S::Response;
            type Error = S::Error;
            #[lh] async fn call(&self, req: Req) -> Result<Self::Response, Self::Error> {
                let _span = D::new("span");
                log(format!("{} -> {req:?}", self.name));
                let res = self.inner.call(req).await;
                if let Err(e) = &res {
                    log(format!("{} failed {e:?}", self.name));
                }
                if res.is_err() {
                    pend(1, ()).await;
                }
                res
            }
        }
    },
    run: async {
        let s = Logging { inner: Logging { inner: Echo { _d: D::new("echo") }, name: "inner" }, name: "outer" };
        (s.call("hi".to_string()).await, s.call(String::new()).await)
    },
}

differential! {
    /// A tower-style `Retry<S>` with `Req: Clone`, over a flaky service
    /// whose state is a `Cell`; errors dropped before the backoff await.
    name: tower_retry_layer_over_flaky,
    items: {
        pub struct Flaky { pub fails: Cell<u32> }
        impl Service<u32> for Flaky {
            type Response = u32;
            type Error = D;
            #[lh] async fn call(&self, req: u32) -> Result<u32, D> {
                pend(1, ()).await;
                let f = self.fails.get();
                if f > 0 {
                    self.fails.set(f - 1);
                    Err(D::new("err"))
                } else {
                    Ok(req * 3)
                }
            }
        }
        pub struct Retry<S> { pub inner: S, pub attempts: u32 }
        impl<S, Req> Service<Req> for Retry<S>
        where
            S: Service<Req>,
            Req: Clone,
        {
            type Response = S::Response;
            type Error = S::Error;
            #[lh] async fn call(&self, req: Req) -> Result<S::Response, S::Error> {
                let mut left = self.attempts;
                loop {
                    match self.inner.call(req.clone()).await {
                        Ok(r) => return Ok(r),
                        Err(e) if left > 1 => {
                            left -= 1;
                            drop(e);
                            pend(1, ()).await;
                        }
                        Err(e) => return Err(e),
                    }
                }
            }
        }
    },
    run: async {
        let a = Retry { inner: Flaky { fails: Cell::new(2) }, attempts: 3 };
        let b = Retry { inner: Flaky { fails: Cell::new(5) }, attempts: 2 };
        (a.call(7).await.map_err(|d| d.0), b.call(1).await.map_err(|d| d.0))
    },
}

differential! {
    /// A tower-style `MapResponse<S, F>` layer holding a closure field
    /// bounded `F: Fn(S::Response) -> R`, and a `ConcurrencyLimit`-like
    /// layer holding a permit dropper across the inner call.
    name: tower_map_response_and_limit_layers,
    items: {
        pub struct Doubler;
        impl Service<u32> for Doubler {
            type Response = u32;
            type Error = String;
            #[lh] async fn call(&self, req: u32) -> Result<u32, String> {
                fetch(req).await.checked_sub(4).ok_or_else(|| format!("small {req}"))
            }
        }
        pub struct MapResponse<S, F> { pub inner: S, pub f: F }
        impl<S, F, R, Req> Service<Req> for MapResponse<S, F>
        where
            S: Service<Req>,
            F: Fn(S::Response) -> R,
        {
            type Response = R;
            type Error = S::Error;
            #[lh] async fn call(&self, req: Req) -> Result<R, S::Error> {
                let r = self.inner.call(req).await?;
                Ok((self.f)(r))
            }
        }
        pub struct Limit<S> { pub inner: S, pub permits: Cell<u32> }
        impl<S: Service<u32>> Service<u32> for Limit<S> {
            type Response = S::Response;
            type Error = S::Error;
            #[lh] async fn call(&self, req: u32) -> Result<S::Response, S::Error> {
                while self.permits.get() == 0 {
                    pend(1, ()).await;
                    self.permits.set(1);
                }
                self.permits.set(self.permits.get() - 1);
                let permit = D::new("permit");
                let r = self.inner.call(req).await;
                self.permits.set(self.permits.get() + 1);
                r
            }
        }
    },
    run: async {
        let s = Limit { inner: MapResponse { inner: Doubler, f: |n: u32| format!("<{n}>") }, permits: Cell::new(0) };
        (s.call(5).await, s.call(1).await, s.call(9).await)
    },
}

differential! {
    /// A router over boxed services (`Box<dyn Fn(u32) -> Pin<Box<dyn
    /// Future<..>>>>` per route), called by method and path across awaits.
    name: tower_router_of_boxed_handlers,
    items: {
        pub type BoxFut = Pin<Box<dyn Future<Output = Result<String, u16>>>>;
        pub struct Router { pub routes: Vec<(&'static str, &'static str, Box<dyn Fn(u32) -> BoxFut>)>, pub _d: D }
        impl Router {
            #[lh] pub async fn call(&self, method: &str, path: &str) -> Result<String, u16> {
                let (base, id) = match path.rsplit_once('/') {
                    Some((b, i)) => (b, i.parse::<u32>().map_err(|_| 400u16)?),
                    None => return Err(400),
                };
                for (m, p, h) in &self.routes {
                    if *m == method && *p == base {
                        let out = h(id).await?;
                        return Ok(format!("{method} {out}"));
                    }
                }
                pend(1, ()).await;
                Err(404)
            }
        }
    },
    run: async {
        let r = Router {
            routes: vec![
                ("GET", "/users", Box::new(|id| Box::pin(async move { Ok(format!("user {}", fetch(id).await)) }) as BoxFut)),
                ("DELETE", "/users", Box::new(|id| Box::pin(async move { pend(1, ()).await; if id == 0 { Err(403u16) } else { Ok(format!("deleted {id}")) } }) as BoxFut)),
            ],
            _d: D::new("router"),
        };
        (r.call("GET", "/users/3").await, r.call("DELETE", "/users/0").await, r.call("DELETE", "/users/2").await, r.call("PUT", "/users/1").await, r.call("GET", "/users/x").await, r.call("GET", "nope").await)
    },
}

differential! {
    /// axum handlers: `State(app): State<App>`, `Json(CreateUser { name,
    /// age }): Json<CreateUser>` as parameter patterns, `Result<(u16,
    /// Json<User>), (u16, String)>` returned.
    name: axum_create_user_extractor_params,
    items: {
        #[derive(Debug)] pub struct CreateUser { pub name: String, pub age: u32 }
        #[derive(Debug)] pub struct User { pub id: u32, pub name: String }
        #[lh] pub async fn create_user(State(app): State<App>, Json(CreateUser { name, age }): Json<CreateUser>) -> Result<(u16, Json<User>), (u16, String)> {
            if name.is_empty() {
                pend(1, ()).await;
                return Err((422, "name required".into()));
            }
            let id = app.next_id().await;
            app.db.shared.lock().unwrap().insert(format!("user:{id}"), name.clone().into_bytes());
            let _ = fetch(age).await;
            Ok((201, Json(User { id, name })))
        }
    },
    run: async {
        let app = App::new();
        let a = create_user(State(app.clone()), Json(CreateUser { name: "ann".into(), age: 30 })).await;
        let b = create_user(State(app.clone()), Json(CreateUser { name: String::new(), age: 1 })).await;
        let c = create_user(State(app.clone()), Json(CreateUser { name: "bob".into(), age: 2 })).await;
        (a, b, c, app.next.get())
    },
}

differential! {
    /// axum handlers with `Path((id, slug)): Path<(u32, String)>` and
    /// `Params(q): Params<BTreeMap<String, String>>`, a guard dropper in
    /// the state, `?` on an error type with a status.
    name: axum_path_tuple_and_query_params,
    items: {
        #[derive(Debug)] pub struct AppError(pub u16, pub String);
        impl From<String> for AppError {
            fn from(s: String) -> AppError { AppError(500, s) }
        }
        #[lh] pub async fn show(State(app): State<App>, Path((id, slug)): Path<(u32, String)>, Params(q): Params<BTreeMap<String, String>>) -> Result<Json<String>, AppError> {
            let verbose = q.get("verbose").map(|v| v == "1").unwrap_or(false);
            let key = format!("post:{id}");
            let body = app.db.shared.lock().unwrap().get(&key).cloned();
            let body = match body {
                Some(b) => String::from_utf8(b).map_err(|e| e.to_string())?,
                None => {
                    pend(1, ()).await;
                    return Err(AppError(404, format!("no post {id}")));
                }
            };
            let checked = check(body.len() as u32).await?;
            let extra = if verbose { fetch(checked).await } else { 0 };
            Ok(Json(format!("{slug}: {body} {extra}")))
        }
    },
    run: async {
        let app = App::new();
        app.db.shared.lock().unwrap().insert("post:1".into(), b"hello!".to_vec());
        app.db.shared.lock().unwrap().insert("post:2".into(), b"odd".to_vec());
        let q = |v: &str| Params(BTreeMap::from([("verbose".to_string(), v.to_string())]));
        (
            show(State(app.clone()), Path((1, "first".into())), q("1")).await,
            show(State(app.clone()), Path((1, "again".into())), q("0")).await,
            show(State(app.clone()), Path((2, "two".into())), q("1")).await,
            show(State(app.clone()), Path((3, "none".into())), Params(BTreeMap::new())).await,
        )
    },
}

differential! {
    /// An axum-like dispatcher calling handlers whose parameters are
    /// extractor patterns over droppers (`State(db): State<D>`), built as
    /// arguments in the awaited call.
    name: axum_dispatch_extractors_over_droppers,
    items: {
        #[lh] pub async fn health(State(d): State<D>) -> String {
            pend(1, ()).await;
            format!("ok {}", d.touch())
        }
        #[lh] pub async fn echo(State(d): State<D>, Json((a, b)): Json<(D, u32)>) -> String {
            let x = fetch(b).await;
            a.touch();
            format!("{} {x}", d.0)
        }
        #[lh] pub async fn dispatch(path: &str) -> String {
            let req = D::new("req");
            let out = match path {
                "/health" => health(State(D::new("s1"))).await,
                "/echo" => echo(State(D::new("s2")), Json((load("body").await, 4))).await,
                _ => {
                    pend(1, ()).await;
                    "404".into()
                }
            };
            req.touch();
            out
        }
    },
    run: async { (dispatch("/health").await, dispatch("/echo").await, dispatch("/x").await) },
}

differential! {
    /// An axum-style middleware: `async fn auth(req, next: impl Fn(Req)
    /// -> Fut)` checking a header, calling `next(req).await`, and timing
    /// the call with a dropper.
    name: axum_middleware_with_next,
    items: {
        #[derive(Debug)] pub struct Req { pub headers: Vec<(&'static str, &'static str)>, pub path: &'static str }
        #[lh] pub async fn auth<N, Fut>(req: Req, next: N) -> Result<String, u16>
        where
            N: Fn(Req) -> Fut,
            Fut: Future<Output = Result<String, u16>>,
        {
            let timer = D::new("timer");
            let token = req.headers.iter().find(|(k, _)| *k == "authorization").map(|(_, v)| *v);
            let Some(token) = token else {
                pend(1, ()).await;
                return Err(401);
            };
            if lookup(token).await.is_none() {
                return Err(403);
            }
            let res = next(req).await;
            timer.touch();
            res
        }
        #[lh] pub async fn handler(req: Req) -> Result<String, u16> {
            Ok(format!("{} {}", req.path, fetch(1).await))
        }
    },
    run: async {
        (
            auth(Req { headers: vec![("authorization", "secret")], path: "/a" }, handler).await,
            auth(Req { headers: vec![("authorization", "no")], path: "/b" }, handler).await,
            auth(Req { headers: vec![], path: "/c" }, handler).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 5. Generics-heavy signatures
// ---------------------------------------------------------------------------

differential! {
    /// Two lifetimes with `'a: 'b`, the result borrowed from either
    /// argument, a third argument of the shorter lifetime.
    name: generics_two_lifetimes_outlives,
    items: {
        #[lh] pub async fn longest<'a: 'b, 'b>(a: &'a str, b: &'b str, sep: &'b D) -> &'b str {
            let la = fetch(a.len() as u32).await;
            let lb = fetch(b.len() as u32).await;
            sep.touch();
            let r: &'b str = if la >= lb { a } else { b };
            pend(1, ()).await;
            r
        }
    },
    run: async {
        let s = String::from("hello");
        let d = D::new("sep");
        let x = longest("hi", &s, &d).await.to_string();
        let y = longest("longer!", &s, &d).await.to_string();
        (x, y)
    },
}

differential! {
    /// `where I: Iterator<Item = &'a str>`: the iterator taken by value
    /// and consumed by a `for` loop that awaits a lookup per key.
    name: generics_iterator_item_ref_str,
    items: {
        #[lh] pub async fn join_looked_up<'a, I>(keys: I, sep: &str) -> String
        where
            I: Iterator<Item = &'a str>,
        {
            let mut out = String::new();
            for k in keys {
                let _g = D::new("k");
                match lookup(k).await {
                    Some(v) => {
                        if !out.is_empty() {
                            out.push_str(sep);
                        }
                        out.push_str(&v);
                    }
                    None => pend(1, ()).await,
                }
            }
            out
        }
    },
    run: async {
        let text = String::from("alpha be gamma de");
        (join_looked_up(text.split(' '), ", ").await, join_looked_up(["x", "yyy"].into_iter(), "-").await)
    },
}

differential! {
    /// `I: IntoIterator<Item = &'a str>, I::IntoIter: Clone`: iterated
    /// twice, the clone kept across awaits.
    name: generics_into_iterator_clone_bound,
    items: {
        #[lh] pub async fn twice<'a, I>(words: I) -> Vec<String>
        where
            I: IntoIterator<Item = &'a str>,
            I::IntoIter: Clone,
        {
            let it = words.into_iter();
            let again = it.clone();
            let mut out = vec![];
            for w in it {
                out.push(format!("{w}{}", fetch(w.len() as u32).await));
            }
            for w in again {
                pend(1, ()).await;
                out.push(w.to_uppercase());
            }
            out
        }
    },
    run: async { twice(vec!["ab", "c"]).await },
}

known_gap! {
    reason: "s19-5 (runs differently, drop order): an array parameter destructured after an await with another await after it, minimal `async fn f(tags: [D; 2]) -> usize { pend(1, ()).await; let [a, b] = tags; pend(1, ()).await; a.touch() }`: cancelled at the first await, while `tags` is still whole, rustc drops its elements last first (it tracks them one by one, as the later pattern moves them: native `[\"-- drop after 1 polls\", \"drop pend\", \"drop b\", \"drop a\"]`), longhand drops the array in order (lowered `[.., \"drop pend\", \"drop a\", \"drop b\"]`); the s8 array family (per-element drop tracking), though the README says two elements destructured with nothing moved later agree: they differ as soon as an await follows the destructuring (without it they agree); destructuring before the first await agrees, case `generics_const_array_param_destructured_first`",
    differential! {
        /// Const generics: `[u32; N]` summed with awaits, an array of two
        /// droppers destructured after an await.
        name: generics_const_array_param,
        items: {
            #[lh] pub async fn sum_arr<const N: usize>(xs: [u32; N], tags: [D; 2]) -> u32 {
                let mut s = 0;
                for x in xs {
                    s += fetch(x).await;
                }
                let [a, b] = tags;
                pend(1, ()).await;
                b.touch();
                s + N as u32 + pend(1, a.touch() as u32).await
            }
        },
        run: async { (sum_arr([1, 2, 3], [D::new("a"), D::new("bb")]).await, sum_arr([], [D::new("c"), D::new("d")]).await) },
    }
}

differential! {
    /// The workaround for s19-5: the array of droppers destructured before
    /// the first await.
    name: generics_const_array_param_destructured_first,
    items: {
        #[lh] pub async fn sum_arr<const N: usize>(xs: [u32; N], tags: [D; 2]) -> u32 {
            let [a, b] = tags;
            let mut s = 0;
            for x in xs {
                s += fetch(x).await;
            }
            pend(1, ()).await;
            b.touch();
            s + N as u32 + pend(1, a.touch() as u32).await
        }
    },
    run: async { (sum_arr([1, 2, 3], [D::new("a"), D::new("bb")]).await, sum_arr([], [D::new("c"), D::new("d")]).await) },
}

differential! {
    /// A const-generic ring buffer's `&mut self` async method: a slot
    /// replaced after an awaited load, the old value's dropper returned
    /// as a name after another await.
    name: generics_const_ring_buffer_method,
    items: {
        pub struct Ring<const N: usize> { pub slots: [Option<D>; N], pub head: usize }
        impl<const N: usize> Ring<N> {
            #[lh] pub async fn push(&mut self, name: &'static str) -> Option<&'static str> {
                let d = load(name).await;
                let old = self.slots[self.head].replace(d);
                self.head = (self.head + 1) % N;
                pend(1, ()).await;
                old.map(|o| o.0)
            }
        }
    },
    run: async {
        let mut r = Ring::<2> { slots: [None, None], head: 0 };
        (r.push("x").await, r.push("y").await, r.push("z").await, r.push("w").await)
    },
}

differential! {
    /// A lifetime and a const generic together: `chunks_of::<N>(&'a [u8])
    /// -> Vec<&'a [u8]>`, the rest of the slice reassigned across awaits.
    name: generics_const_and_lifetime_chunks,
    items: {
        #[lh] pub async fn chunks_of<'a, const N: usize>(data: &'a [u8]) -> Vec<&'a [u8]> {
            let mut out = Vec::new();
            let mut rest = data;
            while rest.len() >= N {
                let (head, tail) = rest.split_at(N);
                pend(1, ()).await;
                out.push(head);
                rest = tail;
            }
            if !rest.is_empty() {
                out.push(pend(1, rest).await);
            }
            out
        }
    },
    run: async { (chunks_of::<3>(b"abcdefgh").await, chunks_of::<2>(b"").await) },
}

differential! {
    /// `dyn Trait + Send` arguments: a slice of boxed jobs, a boxed extra
    /// job, and a `&(dyn Fn(&str, u32) -> u32 + Send + Sync)` callback.
    name: generics_dyn_send_arguments,
    items: {
        pub trait Job { fn name(&self) -> &str; fn cost(&self) -> u32; }
        pub struct Named(pub &'static str, pub u32, pub D);
        impl Job for Named {
            fn name(&self) -> &str { self.0 }
            fn cost(&self) -> u32 { self.1 }
        }
        #[lh] pub async fn run_jobs(jobs: &[Box<dyn Job + Send>], cb: &(dyn Fn(&str, u32) -> u32 + Send + Sync), extra: Box<dyn Job + Send>) -> u32 {
            let mut total = 0;
            for j in jobs.iter().chain(std::iter::once(&extra)) {
                let c = fetch(j.cost()).await;
                total += cb(j.name(), c);
            }
            pend(1, total).await
        }
    },
    run: async {
        let jobs: Vec<Box<dyn Job + Send>> = vec![Box::new(Named("a", 1, D::new("ja"))), Box::new(Named("bb", 2, D::new("jb")))];
        let cb = |n: &str, c: u32| { log(format!("cb {n} {c}")); c + n.len() as u32 };
        run_jobs(&jobs, &cb, Box::new(Named("ccc", 3, D::new("jc")))).await
    },
}

differential! {
    /// `impl Iterator<Item = &'a str> + 'a`, `&'a mut Vec<String>` and
    /// `impl AsRef<str>` arguments; the `AsRef` result kept across awaits.
    name: generics_impl_trait_args_with_lifetimes,
    items: {
        #[lh] pub async fn collect_into<'a>(names: impl Iterator<Item = &'a str> + 'a, sink: &'a mut Vec<String>, prefix: impl AsRef<str>) -> usize {
            let p = prefix.as_ref();
            for n in names {
                let v = lookup(n).await.unwrap_or_else(|| n.to_string());
                sink.push(format!("{p}{v}"));
            }
            pend(1, sink.len()).await
        }
    },
    run: async {
        let mut sink = vec![];
        let src = String::from("one to three");
        let n = collect_into(src.split(' '), &mut sink, String::from(">")).await;
        (n, sink)
    },
}

differential! {
    /// `impl AsRef<str>`, `impl Into<String>` and `impl Into<u32> + Copy`
    /// arguments; a borrow of the generic argument held across an await.
    name: generics_impl_into_and_asref_borrow_across,
    items: {
        #[lh] pub async fn greet(name: impl AsRef<str>, greeting: impl Into<String>, n: impl Into<u32> + Copy) -> String {
            let mut g: String = greeting.into();
            let nm = name.as_ref();
            let k = fetch(n.into()).await;
            g.push_str(nm);
            pend(1, ()).await;
            format!("{g}{k}{}", n.into())
        }
    },
    run: async { (greet("ann", "hi ", 3u8).await, greet(String::from("bo"), String::from("yo "), 4u16).await) },
}

differential! {
    /// A trait whose methods return `impl Future<Output = Self>` and
    /// `Result<Self, ..>`, implemented with `Self { .. }` and `Self::`
    /// calls in the body; a static constructor and a `&self` method.
    name: generics_trait_self_return_impl_future,
    items: {
        pub trait Decode: Sized {
            fn decode(src: &[u8]) -> impl Future<Output = Result<Self, String>>;
            fn merge(&self, other: &Self) -> impl Future<Output = Self>;
        }
        #[derive(Debug, Clone)] pub struct Point { pub x: i32, pub y: i32 }
        impl Point {
            fn origin() -> Self { Point { x: 0, y: 0 } }
        }
        impl Decode for Point {
            #[lh] async fn decode(src: &[u8]) -> Result<Self, String> {
                let text = std::str::from_utf8(src).map_err(|e| e.to_string())?;
                let (a, b) = text.split_once(',').ok_or("no comma")?;
                pend(1, ()).await;
                let x: i32 = a.trim().parse().map_err(|_| format!("bad x {a}"))?;
                let y = pend(1, b.trim()).await.parse().map_err(|_| format!("bad y {b}"))?;
                Ok(Self { x, y })
            }
            #[lh] async fn merge(&self, other: &Self) -> Self {
                let base = Self::origin();
                pend(1, ()).await;
                Self { x: base.x + self.x + other.x, y: self.y.max(other.y) }
            }
        }
        #[lh] pub async fn decode_all<T: Decode + Debug>(inputs: &[&[u8]]) -> Vec<Result<T, String>> {
            let mut out = vec![];
            for i in inputs {
                out.push(T::decode(i).await);
            }
            out
        }
    },
    run: async {
        let v = decode_all::<Point>(&[b"1, 2", b"3,x", b"nope", b"-4,9"]).await;
        let m = Point { x: 1, y: 5 }.merge(&Point { x: 2, y: 3 }).await;
        (v, m)
    },
}

differential! {
    /// A `Source` trait with an associated `Item` and a `&mut self` method
    /// returning `impl Future<Output = Option<Self::Item>>`; a generic
    /// drain with `where S::Item: Clone + Debug`.
    name: generics_assoc_item_source_drain,
    items: {
        pub trait Source {
            type Item;
            fn next_item(&mut self) -> impl Future<Output = Option<Self::Item>>;
        }
        pub struct Counter { pub n: u32, pub max: u32, pub _d: D }
        impl Source for Counter {
            type Item = u32;
            #[lh] async fn next_item(&mut self) -> Option<Self::Item> {
                pend(1, ()).await;
                if self.n < self.max {
                    self.n += 1;
                    Some(self.n)
                } else {
                    None
                }
            }
        }
        pub struct Words<'a> { pub it: std::str::Split<'a, char> }
        impl<'a> Source for Words<'a> {
            type Item = &'a str;
            #[lh] async fn next_item(&mut self) -> Option<&'a str> {
                let w = self.it.next()?;
                pend(1, Some(w)).await
            }
        }
        #[lh] pub async fn drain_source<S>(src: &mut S, limit: usize) -> Vec<S::Item>
        where
            S: Source,
            S::Item: Clone + Debug,
        {
            let mut out = Vec::new();
            while let Some(item) = src.next_item().await {
                log(format!("item {item:?}"));
                out.push(item.clone());
                if out.len() >= limit {
                    break;
                }
            }
            out
        }
    },
    run: async {
        let mut c = Counter { n: 0, max: 3, _d: D::new("counter") };
        let a = drain_source(&mut c, 10).await;
        let s = String::from("a b c d");
        let mut w = Words { it: s.split(' ') };
        let b = drain_source(&mut w, 3).await.join("");
        (a, b)
    },
}

differential! {
    /// A higher-ranked bound `F: for<'x> Fn(&'x str) -> &'x str`, its
    /// result (a borrow of a local vector's element) held across an await.
    name: generics_higher_ranked_fn_borrow_across,
    items: {
        #[lh] pub async fn apply_all<F>(words: Vec<String>, f: F) -> Vec<String>
        where
            F: for<'x> Fn(&'x str) -> &'x str,
        {
            let mut out = vec![];
            for w in &words {
                let t = f(w);
                let n = fetch(t.len() as u32).await;
                out.push(format!("{t}{n}"));
            }
            out
        }
    },
    run: async { apply_all(vec!["  pad ".into(), "x".into()], |s| s.trim()).await },
}

differential! {
    /// A generic struct with a lifetime, `impl<'a, T: Debug> View<'a, T>`,
    /// a method taking `&'a T` and chaining it onto the stored slice.
    name: generics_struct_lifetime_method_chain,
    items: {
        pub struct View<'a, T> { pub items: &'a [T], pub label: &'a str }
        impl<'a, T: Debug> View<'a, T> {
            #[lh] pub async fn render(&self, extra: &'a T) -> String {
                let mut s = String::from(self.label);
                for it in self.items.iter().chain(std::iter::once(extra)) {
                    s.push_str(&format!(" {:?}", pend(1, it).await));
                }
                s
            }
        }
    },
    run: async {
        let items = vec![1u8, 2];
        let v = View { items: &items, label: "v:" };
        let e = 9u8;
        v.render(&e).await
    },
}

differential! {
    /// Two type parameters with `where` bounds (`K: Ord + Clone`, `V: Add
    /// <Output = V> + Copy`); an entry's `&mut V` held across an await.
    name: generics_map_merge_entry_across_await,
    items: {
        #[lh] pub async fn merge<K, V>(a: BTreeMap<K, V>, b: BTreeMap<K, V>, zero: V) -> BTreeMap<K, V>
        where
            K: Ord + Clone + Debug,
            V: std::ops::Add<Output = V> + Copy + Debug,
        {
            let mut out = a;
            for (k, v) in b {
                log(format!("merge {k:?}"));
                let slot = out.entry(k).or_insert(zero);
                let add = pend(1, v).await;
                *slot = *slot + add;
            }
            out
        }
    },
    run: async {
        let a = BTreeMap::from([("x", 1), ("y", 2)]);
        let b = BTreeMap::from([("y", 10), ("z", 5)]);
        merge(a, b, 0).await
    },
}

differential! {
    /// A generic retry over `F: FnMut(u32) -> Fut`, `Fut: Future<Output =
    /// Result<T, E>>`, `E: Debug`, four type parameters.
    name: generics_retry_fnmut_four_params,
    items: {
        #[lh] pub async fn retry<F, Fut, T, E>(mut op: F, times: u32) -> Result<T, E>
        where
            F: FnMut(u32) -> Fut,
            Fut: Future<Output = Result<T, E>>,
            E: Debug,
        {
            let mut i = 0;
            loop {
                i += 1;
                match op(i).await {
                    Ok(v) => return Ok(v),
                    Err(e) if i < times => {
                        log(format!("retry {e:?}"));
                        pend(i, ()).await;
                    }
                    Err(e) => return Err(e),
                }
            }
        }
    },
    run: async {
        let mut calls = 0;
        let a = retry(|i| { calls += 1; flaky(5, i) }, 3).await;
        let b = retry(|i| flaky(7, i), 2).await;
        (a, b, calls)
    },
}

differential! {
    /// Associated consts and a default method of a policy trait read in a
    /// generic body (`P::MAX`, `P::NAME`, `P::delay(i)`).
    name: generics_assoc_consts_policy,
    items: {
        pub trait Policy { const MAX: u32; const NAME: &'static str; fn delay(i: u32) -> u32 { i } }
        pub struct Fast;
        impl Policy for Fast { const MAX: u32 = 2; const NAME: &'static str = "fast"; }
        pub struct Slow;
        impl Policy for Slow { const MAX: u32 = 4; const NAME: &'static str = "slow"; fn delay(i: u32) -> u32 { i * 2 } }
        #[lh] pub async fn with_policy<P: Policy>(id: u32) -> Result<u32, String> {
            let _g = D::new(P::NAME);
            for attempt in 1..=P::MAX {
                match flaky(id, attempt).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        log(format!("{} {e}", P::NAME));
                        pend(P::delay(attempt), ()).await;
                    }
                }
            }
            Err(format!("{} exhausted", P::NAME))
        }
    },
    run: async { (with_policy::<Fast>(2).await, with_policy::<Slow>(2).await, with_policy::<Fast>(4).await) },
}

differential! {
    /// `Box<dyn Iterator<Item = u32> + Send + 'a>` and `&'a mut (dyn
    /// FnMut(u32) + Send)` arguments, both used across awaits.
    name: generics_boxed_dyn_iterator_and_fnmut_sink,
    items: {
        #[lh] pub async fn pipe<'a>(src: Box<dyn Iterator<Item = u32> + Send + 'a>, sink: &'a mut (dyn FnMut(u32) + Send)) -> u32 {
            let _d = D::new("pipe");
            let mut n = 0;
            for x in src {
                let y = fetch(x).await;
                sink(y);
                n += 1;
            }
            pend(1, n).await
        }
    },
    run: async {
        let data = vec![1, 2, 3];
        let mut got = vec![];
        let mut sink = |y: u32| got.push(y);
        let n = pipe(Box::new(data.iter().copied().filter(|x| x % 2 == 1)), &mut sink).await;
        (n, got)
    },
}

differential! {
    /// A trait method with its own lifetime, `fn find<'k>(&self, key: &'k
    /// str) -> impl Future<Output = Option<&'k str>>`, implemented with
    /// `async fn` returning a borrow of the key.
    name: generics_trait_method_own_lifetime,
    items: {
        pub trait Lookup {
            fn find<'k>(&self, key: &'k str) -> impl Future<Output = Option<&'k str>>;
        }
        pub struct Prefixes { pub known: Vec<&'static str>, pub _d: D }
        impl Lookup for Prefixes {
            #[lh] async fn find<'k>(&self, key: &'k str) -> Option<&'k str> {
                let (p, rest) = key.split_once(':')?;
                pend(1, ()).await;
                if self.known.contains(&p) { Some(rest) } else { None }
            }
        }
        #[lh] pub async fn resolve_all<L: Lookup>(l: &L, keys: &[String]) -> Vec<String> {
            let mut out = vec![];
            for k in keys {
                if let Some(r) = l.find(k).await {
                    out.push(r.to_string());
                }
            }
            out
        }
    },
    run: async {
        let p = Prefixes { known: vec!["user", "post"], _d: D::new("prefixes") };
        resolve_all(&p, &["user:1".into(), "x:2".into(), "post:3".into(), "bare".into()]).await
    },
}

differential! {
    /// A generic client over a transport trait with associated types,
    /// `impl<C> Client2<C> where C: Transport, C::Error: Debug`, returning
    /// `Result<String, C::Error>`.
    name: generics_transport_assoc_error,
    items: {
        pub trait Transport {
            type Error;
            fn send(&mut self, msg: &str) -> impl Future<Output = Result<(), Self::Error>>;
            fn recv(&mut self) -> impl Future<Output = Result<String, Self::Error>>;
        }
        pub struct Loop { pub last: Option<String>, pub fail_on: &'static str }
        impl Transport for Loop {
            type Error = D;
            #[lh] async fn send(&mut self, msg: &str) -> Result<(), D> {
                pend(1, ()).await;
                if msg == self.fail_on { return Err(D::new("send err")); }
                self.last = Some(msg.to_uppercase());
                Ok(())
            }
            #[lh] async fn recv(&mut self) -> Result<String, D> {
                pend(1, ()).await;
                self.last.take().ok_or_else(|| D::new("recv err"))
            }
        }
        pub struct Client2<C> { pub t: C, pub sent: u32 }
        impl<C> Client2<C>
        where
            C: Transport,
            C::Error: Debug,
        {
            #[lh] pub async fn roundtrip(&mut self, msg: &str) -> Result<String, C::Error> {
                self.t.send(msg).await?;
                self.sent += 1;
                let r = self.t.recv().await?;
                Ok(format!("{r}#{}", self.sent))
            }
        }
    },
    run: async {
        let mut c = Client2 { t: Loop { last: None, fail_on: "bad" }, sent: 0 };
        let a = c.roundtrip("hi").await.map_err(|d| d.0);
        let b = c.roundtrip("bad").await.map_err(|d| d.0);
        let d = c.t.recv().await.map_err(|d| d.0);
        (a, b, d)
    },
}

differential! {
    /// A returned struct borrowing the input, `Parsed<'a>`, from a free
    /// function taking a second (elided) lifetime, with awaits between
    /// the borrows.
    name: generics_returned_struct_borrows_input,
    items: {
        #[derive(Debug)] pub struct Parsed<'a> { pub key: &'a str, pub vals: Vec<&'a str> }
        #[lh] pub async fn parse_line<'a>(line: &'a str, d: &D) -> Result<Parsed<'a>, String> {
            let (key, rest) = line.split_once('=').ok_or_else(|| format!("no = in {line}"))?;
            let key = key.trim();
            d.touch();
            pend(1, ()).await;
            let mut vals = vec![];
            for v in rest.split(',') {
                let v = v.trim();
                if v.is_empty() {
                    continue;
                }
                vals.push(pend(1, v).await);
            }
            Ok(Parsed { key, vals })
        }
    },
    run: async {
        let d = D::new("d");
        let l = String::from(" k = a, ,b ");
        (format!("{:?}", parse_line(&l, &d).await), parse_line("nope", &d).await)
    },
}

differential! {
    /// `T: Debug + 'a` with a predicate `P: FnMut(&T) -> bool`; the
    /// returned `Option<&'a T>` found after awaits per element.
    name: generics_first_matching_with_predicate,
    items: {
        #[lh] pub async fn first_matching<'a, T, P>(items: &'a [T], mut pred: P) -> Option<&'a T>
        where
            T: Debug + 'a,
            P: FnMut(&T) -> bool,
        {
            for it in items {
                pend(1, ()).await;
                log(format!("test {it:?}"));
                if pred(it) {
                    return Some(it);
                }
            }
            None
        }
    },
    run: async {
        let v = vec![D::new("a"), D::new("bbb"), D::new("cc")];
        let a = first_matching(&v, |d| d.0.len() > 2).await.map(|d| d.0);
        let b = first_matching(&v, |d| d.0.is_empty()).await.map(|d| d.0);
        (a, b)
    },
}

differential! {
    /// A handler trait object list (`Vec<Box<dyn Handler>>`) whose method
    /// returns a boxed future borrowing `self`; awaited in turn with a
    /// dropper per call.
    name: generics_dyn_handler_boxed_futures,
    items: {
        pub trait Handler {
            fn handle<'s>(&'s self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 's>>;
        }
        pub struct Add(pub u32, pub D);
        impl Handler for Add {
            fn handle<'s>(&'s self, x: u32) -> Pin<Box<dyn Future<Output = u32> + 's>> {
                Box::pin(async move { self.1.touch(); pend(1, x + self.0).await })
            }
        }
        #[lh] pub async fn chain(hs: &[Box<dyn Handler>], mut x: u32) -> u32 {
            for h in hs {
                let g = D::new("call");
                x = h.handle(x).await;
                if x > 100 {
                    return x;
                }
            }
            x
        }
    },
    run: async {
        let hs: Vec<Box<dyn Handler>> = vec![Box::new(Add(1, D::new("h1"))), Box::new(Add(200, D::new("h2"))), Box::new(Add(3, D::new("h3")))];
        (chain(&hs[..1], 5).await, chain(&hs, 0).await)
    },
}

differential! {
    /// A trait with a default `async fn` lowered in the trait itself,
    /// generic over `I: IntoIterator<Item = u32>`, calling a required
    /// method returning `impl Future`.
    name: generics_trait_default_async_method,
    items: {
        pub trait Repo2 {
            fn get(&self, id: u32) -> impl Future<Output = Option<String>>;
            #[lh] async fn get_many<I: IntoIterator<Item = u32>>(&self, ids: I) -> Vec<String> {
                let mut out = vec![];
                for id in ids {
                    match self.get(id).await {
                        Some(s) => out.push(s),
                        None => out.push(format!("#{id}")),
                    }
                }
                out
            }
        }
        pub struct Users { pub _d: D }
        impl Repo2 for Users {
            #[lh] async fn get(&self, id: u32) -> Option<String> {
                pend(1, ()).await;
                (id % 2 == 0).then(|| format!("user{id}"))
            }
        }
    },
    run: async {
        let u = Users { _d: D::new("users") };
        (u.get_many([1, 2, 4]).await, u.get_many(Vec::new()).await)
    },
}

differential! {
    /// A generic wrapper with a `PhantomData` marker and a default type
    /// parameter, `Typed<T, E = String>`, whose async method parses `T`
    /// with `T: FromStr<Err = E>` across awaits.
    name: generics_default_type_param_fromstr,
    items: {
        pub struct Typed<T, E = std::num::ParseIntError> { pub raw: Vec<&'static str>, pub _m: std::marker::PhantomData<(T, E)> }
        impl<T, E> Typed<T, E>
        where
            T: std::str::FromStr<Err = E> + Debug,
            E: Debug,
        {
            #[lh] pub async fn parse_all(&self) -> Result<Vec<T>, E> {
                let mut out = Vec::new();
                for r in &self.raw {
                    let s = pend(1, r.trim()).await;
                    out.push(s.parse()?);
                }
                Ok(out)
            }
        }
    },
    run: async {
        let a: Typed<u32> = Typed { raw: vec!["1", " 2"], _m: std::marker::PhantomData };
        let b: Typed<u8> = Typed { raw: vec!["3", "300", "4"], _m: std::marker::PhantomData };
        (a.parse_all().await, b.parse_all().await)
    },
}

differential! {
    /// `Self` in an impl of a trait declaring `fn run(&self, n) -> impl
    /// Future<Output = Self::Out>`, the impl generic over `T: Clone`, an
    /// associated const and `<Self as Trait>::` paths in the body.
    name: generics_self_paths_in_trait_impl,
    items: {
        pub trait Task {
            type Out;
            const LIMIT: usize;
            fn run(&self, n: usize) -> impl Future<Output = Self::Out>;
        }
        pub struct Rep<T> { pub item: T, pub _d: D }
        impl<T: Clone + Debug> Task for Rep<T> {
            type Out = Vec<T>;
            const LIMIT: usize = 3;
            #[lh] async fn run(&self, n: usize) -> Self::Out {
                let n = n.min(<Self as Task>::LIMIT);
                let mut v: <Self as Task>::Out = Vec::new();
                for _ in 0..n {
                    v.push(pend(1, self.item.clone()).await);
                }
                v
            }
        }
    },
    run: async {
        let r = Rep { item: "x".to_string(), _d: D::new("rep") };
        (r.run(2).await, r.run(9).await)
    },
}

differential! {
    /// Nested generics: `Option<Vec<(K, Box<dyn Fn(&K) -> V>)>>` as an
    /// argument, `K: Debug + Clone`, `V: Into<u64>`.
    name: generics_nested_boxed_fn_table,
    items: {
        #[lh] pub async fn eval<K, V>(table: Option<Vec<(K, Box<dyn Fn(&K) -> V>)>>) -> u64
        where
            K: Debug + Clone,
            V: Into<u64>,
        {
            let Some(table) = table else {
                return pend(1, 0).await;
            };
            let mut total = 0u64;
            for (k, f) in table {
                let key = pend(1, k.clone()).await;
                total += f(&key).into();
                log(format!("{key:?} -> {total}"));
            }
            total
        }
    },
    run: async {
        let t: Vec<(&str, Box<dyn Fn(&&str) -> u32>)> = vec![("ab", Box::new(|k: &&str| k.len() as u32)), ("z", Box::new(|_: &&str| 10))];
        (eval(Some(t)).await, eval::<u8, u8>(None).await)
    },
}
