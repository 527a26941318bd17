//! Stress round 20: code in the style of crates earlier rounds did not
//! transcribe: hyper/http body streaming (`while let Some(chunk) =
//! body.next().await` over a hand-written body with an async `next`),
//! tokio-util's codec traits (`Decoder`/`Encoder`) driving a `Framed`-like
//! reader over a scripted buffer, tonic-style gRPC handlers
//! (`Request<T>` to `Result<Response<T>, Status>`), message-queue consumers
//! (ack/nack, retries, dead-letter queues), connection pools (bb8/deadpool
//! checkout guards returned on drop), hand-written semaphore and `RwLock`
//! guards held and released around awaits, async-trait style methods
//! returning `Pin<Box<dyn Future + Send + 'a>>` and `Vec<Box<dyn Handler>>`
//! dispatch, handshake state machines, multipart uploads aborted on error,
//! cache-aside with in-flight deduplication, leases with renewal, Raft-like
//! `append_entries`, websocket ping/pong loops and a crawler with a frontier
//! queue and a visited set; and the shapes they are made of: `Cow<'_, str>`
//! across awaits, `Option<&mut T>`/`as_deref_mut`/`as_mut`, `if let .. else
//! if let .. else` chains awaiting in conditions and branches, `match
//! (a.await, b.await)`, `Result<Option<T>, E>` with `transpose` and `?`, `?`
//! on `Option`, `ControlFlow`, nested `Drop` structs, `FnMut` closures kept
//! across awaits, `Box<dyn FnOnce>` called after an await, `Rc` clones,
//! `enumerate` with labelled `break` values, `while let Some(x) =
//! stack.pop()`, tuple-struct and struct patterns in parameters, `Self::`
//! constructors, `T: Default + Clone`, panics mid-body with live droppers,
//! `return` in a `let else` after an await, shadowed loop variables, and
//! `Send` parity of futures whose `!Send` values die before an await.
//! Findings: two new, both about places reached through a user `Deref`
//! with an effect (a `LazyCell`, an access counter): a method receiver or
//! an earlier call operand is dereferenced after an awaited argument
//! instead of before it (s20-1), and the base of an index whose operand
//! awaits is dereferenced twice, before suspending and again on
//! resumption (s20-2). Old families met again: a field moved out of a
//! local an awaitee borrowed (s9-4), an awaited `self`-by-value method on
//! a kept local (by-value receivers), and a `match` arm leaving part of a
//! tuple temporary (partial moves); each is kept as `known_gap!` with its
//! workaround beside it.
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
    clippy::drop_non_drop,
    clippy::let_unit_value,
    clippy::bind_instead_of_map,
    clippy::map_identity,
    clippy::unused_unit,
    clippy::manual_flatten,
    clippy::option_map_unit_fn,
    clippy::borrowed_box,
    clippy::redundant_field_names,
    clippy::new_ret_no_self,
    clippy::manual_unwrap_or_default,
    clippy::manual_let_else,
    clippy::ptr_arg
)]

use crate::harness::*;
use std::borrow::Cow;
use std::cell::{Cell, Ref, RefCell, RefMut};
use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Debug;
use std::future::Future;
use std::ops::{ControlFlow, Deref, DerefMut};
use std::pin::Pin;
use std::rc::Rc;

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

/// Writes to a sink: suspends once, logs what it got.
async fn sink(what: &str) {
    pend(1, ()).await;
    log(format!("sink {what}"));
}

// ---------------------------------------------------------------------------
// hyper/http: a body read chunk by chunk
// ---------------------------------------------------------------------------

/// An HTTP body: `next` yields the next scripted chunk after a suspension;
/// a chunk `"!"` is a transport error.
pub struct Body {
    pub chunks: VecDeque<&'static str>,
    pub _d: D,
}

impl Body {
    pub fn new(chunks: &[&'static str]) -> Body {
        Body {
            chunks: chunks.iter().copied().collect(),
            _d: D::new("body"),
        }
    }

    pub async fn next(&mut self) -> Option<Result<Vec<u8>, String>> {
        pend(1, ()).await;
        let c = self.chunks.pop_front()?;
        log(format!("chunk {c:?}"));
        Some(if c == "!" {
            Err("connection reset".to_string())
        } else {
            Ok(c.as_bytes().to_vec())
        })
    }

    pub fn remaining(&self) -> usize {
        self.chunks.len()
    }
}

// ---------------------------------------------------------------------------
// tokio-util codec: `Decoder`/`Encoder` over a scripted transport
// ---------------------------------------------------------------------------

pub trait Decoder {
    type Item;
    type Error;
    fn decode(&mut self, src: &mut Vec<u8>) -> Result<Option<Self::Item>, Self::Error>;
    fn decode_eof(&mut self, src: &mut Vec<u8>) -> Result<Option<Self::Item>, Self::Error> {
        self.decode(src)
    }
}

pub trait Encoder<I> {
    type Error;
    fn encode(&mut self, item: I, dst: &mut Vec<u8>) -> Result<(), Self::Error>;
}

/// tokio-util's `LinesCodec`, with a maximum line length.
pub struct LinesCodec {
    pub max: usize,
}

impl Decoder for LinesCodec {
    type Item = String;
    type Error = String;
    fn decode(&mut self, src: &mut Vec<u8>) -> Result<Option<String>, String> {
        match src.iter().position(|b| *b == b'\n') {
            Some(i) if i > self.max => Err(format!("line too long ({i})")),
            Some(i) => {
                let line: Vec<u8> = src.drain(..=i).collect();
                String::from_utf8(line[..i].to_vec())
                    .map(Some)
                    .map_err(|e| e.to_string())
            }
            None if src.len() > self.max => Err(format!("line too long ({})", src.len())),
            None => Ok(None),
        }
    }
    fn decode_eof(&mut self, src: &mut Vec<u8>) -> Result<Option<String>, String> {
        match self.decode(src)? {
            Some(l) => Ok(Some(l)),
            None if src.is_empty() => Ok(None),
            None => {
                let rest = std::mem::take(src);
                String::from_utf8(rest).map(Some).map_err(|e| e.to_string())
            }
        }
    }
}

impl Encoder<&str> for LinesCodec {
    type Error = String;
    fn encode(&mut self, item: &str, dst: &mut Vec<u8>) -> Result<(), String> {
        if item.len() > self.max {
            return Err(format!("line too long ({})", item.len()));
        }
        dst.extend_from_slice(item.as_bytes());
        dst.push(b'\n');
        Ok(())
    }
}

/// A length-delimited codec: one length byte, then that many bytes.
pub struct LengthCodec;

impl Decoder for LengthCodec {
    type Item = Vec<u8>;
    type Error = String;
    fn decode(&mut self, src: &mut Vec<u8>) -> Result<Option<Vec<u8>>, String> {
        let Some(&n) = src.first() else {
            return Ok(None);
        };
        if n == 0xff {
            return Err("bad length".into());
        }
        let n = n as usize;
        if src.len() < n + 1 {
            return Ok(None);
        }
        let frame = src[1..n + 1].to_vec();
        src.drain(..n + 1);
        Ok(Some(frame))
    }
}

impl Encoder<Vec<u8>> for LengthCodec {
    type Error = String;
    fn encode(&mut self, item: Vec<u8>, dst: &mut Vec<u8>) -> Result<(), String> {
        let n = u8::try_from(item.len()).map_err(|_| "frame too big".to_string())?;
        dst.push(n);
        dst.extend(item);
        Ok(())
    }
}

/// A transport standing in for a socket: each read hands out the next
/// scripted chunk after a suspension (`b"!"` is an error), writes are logged.
pub struct Io {
    pub reads: VecDeque<&'static [u8]>,
    pub written: Vec<u8>,
    pub _d: D,
}

impl Io {
    pub fn new(reads: &[&'static [u8]]) -> Io {
        Io {
            reads: reads.iter().copied().collect(),
            written: Vec::new(),
            _d: D::new("io"),
        }
    }

    pub async fn read(&mut self, buf: &mut Vec<u8>) -> Result<usize, String> {
        pend(1, ()).await;
        match self.reads.pop_front() {
            Some(b"!") => Err("io error".into()),
            Some(c) => {
                buf.extend_from_slice(c);
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

// ---------------------------------------------------------------------------
// tonic: requests, responses, statuses
// ---------------------------------------------------------------------------

#[derive(Debug)]
pub struct Request<T> {
    msg: T,
    meta: HashMap<&'static str, String>,
}

impl<T> Request<T> {
    pub fn new(msg: T) -> Self {
        Request {
            msg,
            meta: HashMap::new(),
        }
    }
    pub fn with(mut self, k: &'static str, v: &str) -> Self {
        self.meta.insert(k, v.to_string());
        self
    }
    pub fn metadata(&self) -> &HashMap<&'static str, String> {
        &self.meta
    }
    pub fn metadata_mut(&mut self) -> &mut HashMap<&'static str, String> {
        &mut self.meta
    }
    pub fn get_ref(&self) -> &T {
        &self.msg
    }
    pub fn into_inner(self) -> T {
        self.msg
    }
}

#[derive(Debug)]
pub struct Response<T>(T);

impl<T> Response<T> {
    pub fn new(v: T) -> Self {
        Response(v)
    }
    pub fn into_inner(self) -> T {
        self.0
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Code {
    NotFound,
    InvalidArgument,
    Unauthenticated,
    Unavailable,
    Internal,
}

#[derive(Debug)]
pub struct Status {
    pub code: Code,
    pub message: String,
}

impl Status {
    pub fn new(code: Code, message: impl Into<String>) -> Status {
        Status {
            code,
            message: message.into(),
        }
    }
    pub fn not_found(m: impl Into<String>) -> Status {
        Status::new(Code::NotFound, m)
    }
    pub fn invalid_argument(m: impl Into<String>) -> Status {
        Status::new(Code::InvalidArgument, m)
    }
    pub fn unauthenticated(m: impl Into<String>) -> Status {
        Status::new(Code::Unauthenticated, m)
    }
    pub fn internal(m: impl Into<String>) -> Status {
        Status::new(Code::Internal, m)
    }
}

impl From<String> for Status {
    fn from(s: String) -> Status {
        Status::internal(s)
    }
}

/// A client-streaming request body, as tonic's `Streaming<T>`: `message`
/// returns `Result<Option<T>, Status>`.
pub struct Streaming<T> {
    pub items: VecDeque<Result<T, Status>>,
    pub _d: D,
}

impl<T> Streaming<T> {
    pub fn new(items: Vec<Result<T, Status>>) -> Self {
        Streaming {
            items: items.into(),
            _d: D::new("stream"),
        }
    }
    pub async fn message(&mut self) -> Result<Option<T>, Status> {
        pend(1, ()).await;
        self.items.pop_front().transpose()
    }
}

// ---------------------------------------------------------------------------
// A message queue: deliveries, ack/nack, a dead-letter queue
// ---------------------------------------------------------------------------

#[derive(Debug)]
pub struct Delivery {
    pub tag: u64,
    pub body: String,
    pub attempts: u32,
    pub _d: D,
}

pub struct Channel {
    pub queue: RefCell<VecDeque<Delivery>>,
    pub dlq: RefCell<Vec<String>>,
    pub _d: D,
}

impl Channel {
    pub fn new(bodies: &[&str]) -> Channel {
        Channel {
            queue: RefCell::new(
                bodies
                    .iter()
                    .enumerate()
                    .map(|(i, b)| Delivery {
                        tag: i as u64 + 1,
                        body: b.to_string(),
                        attempts: 0,
                        _d: D::new("delivery"),
                    })
                    .collect(),
            ),
            dlq: RefCell::new(Vec::new()),
            _d: D::new("channel"),
        }
    }

    pub async fn basic_get(&self) -> Option<Delivery> {
        pend(1, ()).await;
        let mut d = self.queue.borrow_mut().pop_front()?;
        d.attempts += 1;
        log(format!("get {} #{}", d.tag, d.attempts));
        Some(d)
    }

    pub async fn ack(&self, tag: u64) {
        pend(1, ()).await;
        log(format!("ack {tag}"));
    }

    pub async fn nack(&self, d: Delivery, requeue: bool) {
        pend(1, ()).await;
        log(format!("nack {} requeue={requeue}", d.tag));
        if requeue {
            self.queue.borrow_mut().push_back(d);
        }
    }

    pub async fn publish(&self, queue: &str, body: &str) {
        pend(1, ()).await;
        log(format!("publish {queue} {body}"));
        if queue == "dlq" {
            self.dlq.borrow_mut().push(body.to_string());
        }
    }
}

/// Processes one message body: `"bad"` fails for good, `"flaky"` fails on
/// its first two attempts, a number is doubled.
async fn process(body: &str, attempt: u32) -> Result<u32, String> {
    log(format!("process {body}#{attempt}"));
    pend(1, ()).await;
    match body {
        "bad" => Err("poison".into()),
        "flaky" if attempt < 3 => Err(format!("transient #{attempt}")),
        "flaky" => Ok(99),
        n => n.parse::<u32>().map(|n| n * 2).map_err(|e| e.to_string()),
    }
}

// ---------------------------------------------------------------------------
// A connection pool with checkout guards (bb8/deadpool)
// ---------------------------------------------------------------------------

#[derive(Debug)]
pub struct Conn {
    pub id: u32,
    pub uses: u32,
    pub broken: bool,
}

impl Conn {
    pub async fn query(&mut self, q: &str) -> Result<u32, String> {
        self.uses += 1;
        log(format!("conn {} query {q}", self.id));
        pend(1, ()).await;
        if q.contains("boom") {
            self.broken = true;
            Err(format!("query failed: {q}"))
        } else {
            Ok(q.len() as u32 + self.id * 100)
        }
    }
}

pub struct Pool {
    pub idle: RefCell<Vec<Conn>>,
    pub created: Cell<u32>,
    pub max: u32,
    pub _d: D,
}

/// A checked-out connection; returned to the pool (or discarded, if broken)
/// when dropped.
pub struct Pooled<'a> {
    pool: &'a Pool,
    conn: Option<Conn>,
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(c) = self.conn.take() {
            if c.broken {
                log(format!("discard conn {}", c.id));
                self.pool.created.set(self.pool.created.get() - 1);
            } else {
                log(format!("return conn {}", c.id));
                self.pool.idle.borrow_mut().push(c);
            }
        }
    }
}

impl Deref for Pooled<'_> {
    type Target = Conn;
    fn deref(&self) -> &Conn {
        self.conn.as_ref().unwrap()
    }
}

impl DerefMut for Pooled<'_> {
    fn deref_mut(&mut self) -> &mut Conn {
        self.conn.as_mut().unwrap()
    }
}

impl Pool {
    pub fn new(max: u32) -> Pool {
        Pool {
            idle: RefCell::new(Vec::new()),
            created: Cell::new(0),
            max,
            _d: D::new("pool"),
        }
    }

    pub async fn get(&self) -> Result<Pooled<'_>, String> {
        pend(1, ()).await;
        let conn = match self.idle.borrow_mut().pop() {
            Some(c) => c,
            None if self.created.get() < self.max => {
                self.created.set(self.created.get() + 1);
                Conn {
                    id: self.created.get(),
                    uses: 0,
                    broken: false,
                }
            }
            None => return Err("pool exhausted".into()),
        };
        log(format!("checkout conn {}", conn.id));
        Ok(Pooled {
            pool: self,
            conn: Some(conn),
        })
    }
}

// ---------------------------------------------------------------------------
// A semaphore and an `RwLock`, written by hand
// ---------------------------------------------------------------------------

pub struct Semaphore {
    pub permits: Cell<u32>,
}

pub struct Permit<'a> {
    sem: &'a Semaphore,
    n: u32,
}

impl Drop for Permit<'_> {
    fn drop(&mut self) {
        self.sem.permits.set(self.sem.permits.get() + self.n);
        log(format!("release {}", self.n));
    }
}

impl Permit<'_> {
    pub fn forget(mut self) {
        log(format!("forget {}", self.n));
        self.n = 0;
    }
}

impl Semaphore {
    pub fn new(n: u32) -> Semaphore {
        Semaphore {
            permits: Cell::new(n),
        }
    }

    /// Waits (at most three suspensions) for `n` permits.
    pub async fn acquire_many(&self, n: u32) -> Result<Permit<'_>, String> {
        for _ in 0..3 {
            pend(1, ()).await;
            if self.permits.get() >= n {
                self.permits.set(self.permits.get() - n);
                log(format!("acquire {n}"));
                return Ok(Permit { sem: self, n });
            }
        }
        Err(format!("no {n} permits"))
    }

    pub async fn acquire(&self) -> Result<Permit<'_>, String> {
        self.acquire_many(1).await
    }
}

pub struct RwLock<T> {
    data: RefCell<T>,
}

pub struct ReadGuard<'a, T> {
    r: Ref<'a, T>,
}

pub struct WriteGuard<'a, T> {
    w: RefMut<'a, T>,
}

impl<T> Drop for ReadGuard<'_, T> {
    fn drop(&mut self) {
        log("unlock read");
    }
}

impl<T> Drop for WriteGuard<'_, T> {
    fn drop(&mut self) {
        log("unlock write");
    }
}

impl<T> Deref for ReadGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.r
    }
}

impl<T> Deref for WriteGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.w
    }
}

impl<T> DerefMut for WriteGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        &mut self.w
    }
}

impl<T> RwLock<T> {
    pub fn new(v: T) -> Self {
        RwLock {
            data: RefCell::new(v),
        }
    }
    pub async fn read(&self) -> ReadGuard<'_, T> {
        pend(1, ()).await;
        log("lock read");
        ReadGuard {
            r: self.data.borrow(),
        }
    }
    pub async fn write(&self) -> WriteGuard<'_, T> {
        pend(1, ()).await;
        log("lock write");
        WriteGuard {
            w: self.data.borrow_mut(),
        }
    }
}

// ---------------------------------------------------------------------------
// async-trait style handlers
// ---------------------------------------------------------------------------

pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

pub trait Handler {
    fn name(&self) -> &str;
    fn handle<'a>(&'a self, req: &'a str) -> BoxFuture<'a, Result<String, String>>;
}

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

// ---------------------------------------------------------------------------
// 1. hyper/http body streaming
// ---------------------------------------------------------------------------

differential! {
    /// hyper's `to_bytes` with a limit: `while let Some(chunk) =
    /// body.next().await`, `?` on each chunk, an early return when the limit
    /// is passed, a span dropper alive throughout.
    name: body_collect_with_limit,
    items: {
        #[lh] pub async fn to_bytes(mut body: Body, limit: usize) -> Result<Vec<u8>, String> {
            let _span = D::new("span");
            let mut buf = Vec::with_capacity(body.remaining() * 4);
            while let Some(chunk) = body.next().await {
                let chunk = chunk?;
                if buf.len() + chunk.len() > limit {
                    let over = D::new("over");
                    sink("413").await;
                    return Err(format!("body over {limit} bytes"));
                }
                buf.extend_from_slice(&chunk);
            }
            Ok(buf)
        }
    },
    run: async {
        (
            to_bytes(Body::new(&["ab", "cd", "e"]), 10).await,
            to_bytes(Body::new(&["abc", "!", "d"]), 10).await,
            to_bytes(Body::new(&["abcd", "efgh", "ij"]), 6).await,
        )
    },
}

differential! {
    /// A body decoded chunk by chunk with `String::from_utf8_lossy`: the
    /// `Cow<'_, str>` borrowing the chunk is kept across the sink's await,
    /// then matched on (`Borrowed`/`Owned`).
    name: body_chunks_as_cow_across_await,
    items: {
        #[lh] pub async fn relay(mut body: Body) -> (usize, usize, String) {
            let mut borrowed = 0;
            let mut owned = 0;
            let mut out = String::new();
            while let Some(Ok(chunk)) = body.next().await {
                let text = String::from_utf8_lossy(&chunk);
                sink(&text).await;
                match &text {
                    Cow::Borrowed(s) => borrowed += s.len(),
                    Cow::Owned(s) => owned += s.len(),
                }
                out.push_str(&text);
            }
            (borrowed, owned, out)
        }
    },
    run: async {
        let mut b = Body::new(&["héllo", "x"]);
        b.chunks.push_back("\u{fffd}");
        (relay(b).await, relay(Body::new(&["a", "!", "b"])).await)
    },
}

differential! {
    /// Chunked transfer with trailers: the last two reads matched as a
    /// tuple, `match (body.next().await, body.next().await)`, after a
    /// loop that reads a counted prefix.
    name: body_match_tuple_of_two_awaits,
    items: {
        #[lh] pub async fn read_trailers(mut body: Body, skip: usize) -> String {
            let guard = D::new("guard");
            for _ in 0..skip {
                if body.next().await.is_none() {
                    return "short".into();
                }
            }
            let r = match (body.next().await, body.next().await) {
                (Some(Ok(a)), Some(Ok(b))) => {
                    let tag = load("tag").await;
                    format!("{}+{}", a.len(), b.len())
                }
                (Some(Ok(a)), None) => format!("only {}", a.len()),
                (Some(Err(e)), _) | (_, Some(Err(e))) => format!("err {e}"),
                (None, _) => "none".to_string(),
            };
            guard.touch();
            r
        }
    },
    run: async {
        (
            read_trailers(Body::new(&["x", "ab", "cde"]), 1).await,
            read_trailers(Body::new(&["x", "ab"]), 1).await,
            read_trailers(Body::new(&["x", "!", "z"]), 1).await,
            read_trailers(Body::new(&["ab", "!"]), 0).await,
            read_trailers(Body::new(&["x"]), 2).await,
        )
    },
}

differential! {
    /// An optional body borrowed mutably: `Option<&mut Body>` taken apart
    /// with `let Some(b) = body else`, `as_deref_mut` on an
    /// `Option<Box<Body>>`, each read across awaits.
    name: body_option_mut_ref_and_as_deref_mut,
    items: {
        #[lh] pub async fn drain(body: Option<&mut Body>) -> usize {
            let Some(b) = body else {
                return pend(1, 0).await;
            };
            let mut n = 0;
            while let Some(c) = b.next().await {
                n += c.map(|c| c.len()).unwrap_or(100);
            }
            n
        }
        #[lh] pub async fn drain_boxed(mut body: Option<Box<Body>>) -> (usize, bool) {
            let d = D::new("d");
            let n = drain(body.as_deref_mut()).await;
            let again = drain(body.as_deref_mut()).await;
            d.touch();
            (n + again, body.is_some())
        }
    },
    run: async {
        let mut b = Body::new(&["ab", "c"]);
        let x = drain(Some(&mut b)).await;
        (x, drain(None).await, drain_boxed(Some(Box::new(Body::new(&["xyz", "!"])))).await, drain_boxed(None).await)
    },
}

differential! {
    /// A proxy forwarding a body to an upstream one chunk at a time, with
    /// `Option::as_mut` on a lazily opened upstream (`get_or_insert_with`)
    /// kept across the write's await.
    name: body_proxy_lazy_upstream_as_mut,
    items: {
        #[lh] pub async fn proxy(mut body: Body, fail_at: usize) -> Result<(usize, Vec<u8>), String> {
            let mut upstream: Option<Io> = None;
            let mut sent = 0;
            let mut i = 0;
            while let Some(chunk) = body.next().await {
                i += 1;
                let chunk = match chunk {
                    Ok(c) => c,
                    Err(e) => {
                        if let Some(up) = upstream.as_mut() {
                            up.write_all(b"RST").await?;
                        }
                        return Err(e);
                    }
                };
                if i == fail_at {
                    return Err(format!("cancelled at {i}"));
                }
                let up = upstream.get_or_insert_with(|| Io::new(&[]));
                up.write_all(&chunk).await?;
                sent += chunk.len();
            }
            let written = upstream.map(|u| u.written.clone()).unwrap_or_default();
            Ok((sent, written))
        }
    },
    run: async {
        (
            proxy(Body::new(&["ab", "cd"]), 9).await,
            proxy(Body::new(&["ab", "!", "cd"]), 9).await,
            proxy(Body::new(&["ab", "cd", "ef"]), 3).await,
            proxy(Body::new(&[]), 1).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 2. tokio-util codecs
// ---------------------------------------------------------------------------

differential! {
    /// A `Framed`-like reader generic over a `Decoder`: its `next` (lowered,
    /// a generic method returning `Option<Result<C::Item, C::Error>>`)
    /// decodes buffered bytes first, reads more when it needs to and calls
    /// `decode_eof` at the end of input.
    name: codec_framed_next_generic_lines,
    items: {
        pub struct Framed<C> {
            pub io: Io,
            pub codec: C,
            pub buf: Vec<u8>,
            pub eof: bool,
        }
        impl<C: Decoder> Framed<C>
        where
            C::Error: From<String>,
        {
            pub fn new(io: Io, codec: C) -> Self {
                Framed { io, codec, buf: Vec::new(), eof: false }
            }
            #[lh] pub async fn next(&mut self) -> Option<Result<C::Item, C::Error>> {
                loop {
                    if self.eof {
                        return self.codec.decode_eof(&mut self.buf).transpose();
                    }
                    match self.codec.decode(&mut self.buf) {
                        Ok(Some(frame)) => return Some(Ok(frame)),
                        Ok(None) => {}
                        Err(e) => return Some(Err(e)),
                    }
                    match self.io.read(&mut self.buf).await {
                        Ok(0) => self.eof = true,
                        Ok(_) => {}
                        Err(e) => return Some(Err(C::Error::from(e))),
                    }
                }
            }
        }
        #[lh] pub async fn lines(reads: &[&'static [u8]], max: usize) -> (Vec<String>, Option<String>) {
            let mut framed = Framed::new(Io::new(reads), LinesCodec { max });
            let mut out = Vec::new();
            while let Some(line) = framed.next().await {
                match line {
                    Ok(l) if l.is_empty() => continue,
                    Ok(l) => out.push(l),
                    Err(e) => return (out, Some(e)),
                }
            }
            (out, None)
        }
    },
    run: async {
        (
            lines(&[b"ab\ncd", b"\n\nef"], 8).await,
            lines(&[b"abc", b"!"], 8).await,
            lines(&[b"abcdefghijk\n"], 4).await,
        )
    },
}

differential! {
    /// A length-delimited request/response loop: frames decoded with
    /// `LengthCodec`, each answered through `Encoder::encode` and a write;
    /// `transpose()?` on `Option<Result<..>>` inside the loop.
    name: codec_length_delimited_echo_transpose,
    items: {
        #[lh] pub async fn serve(mut io: Io) -> Result<(u32, Vec<u8>), String> {
            let mut codec = LengthCodec;
            let mut rd = Vec::new();
            let mut wr = Vec::new();
            let mut n = 0;
            let conn = D::new("conn");
            loop {
                let frame = codec.decode(&mut rd).transpose();
                let frame = match frame.transpose()? {
                    Some(f) => f,
                    None => {
                        if io.read(&mut rd).await? == 0 {
                            break;
                        }
                        continue;
                    }
                };
                n += 1;
                let mut reply = frame.clone();
                reply.reverse();
                codec.encode(reply, &mut wr)?;
                io.write_all(&wr).await?;
                wr.clear();
            }
            conn.touch();
            Ok((n, io.written.clone()))
        }
    },
    run: async {
        (
            serve(Io::new(&[b"\x02ab\x01", b"c\x03de", b"f"])).await,
            serve(Io::new(&[b"\x01a\xff"])).await,
            serve(Io::new(&[b"\x02a", b"!"])).await,
        )
    },
}

known_gap! {
    reason: "s9-4 family (fails to compile, E0507 cannot move out of a mutable reference): `(r, io.written)` after `let r = { .. w.send(it).await .. }` where `w` holds `&mut io`: a field moved out of a local that an awaitee borrowed, kept in a pin slot; minimal `async fn f(mut io: Io) -> Vec<u8> { let r = io.write_all(b\"x\").await; io.written }` (as a bare statement `io.write_all(b\"x\").await;` it compiles); workaround `std::mem::take(&mut io.written)`, case `codec_sink_buffered_flush_take_field`",
    differential! {
        /// A codec sink: items encoded into a write buffer that is flushed
        /// when it passes a high-water mark and at the end; an encode error
        /// stops early with the buffer unflushed.
        name: codec_sink_buffered_flush,
        items: {
            pub struct FramedWrite<'a> {
                pub io: &'a mut Io,
                pub codec: LinesCodec,
                pub buf: Vec<u8>,
                pub hwm: usize,
            }
            impl<'a> FramedWrite<'a> {
                #[lh] pub async fn send(&mut self, item: &str) -> Result<(), String> {
                    self.codec.encode(item, &mut self.buf)?;
                    if self.buf.len() >= self.hwm {
                        self.flush().await?;
                    }
                    Ok(())
                }
                #[lh] pub async fn flush(&mut self) -> Result<(), String> {
                    if !self.buf.is_empty() {
                        let b = std::mem::take(&mut self.buf);
                        self.io.write_all(&b).await?;
                    }
                    Ok(())
                }
            }
            #[lh] pub async fn send_all(items: Vec<&'static str>, max: usize) -> (Result<(), String>, Vec<u8>) {
                let mut io = Io::new(&[]);
                let r = {
                    let mut w = FramedWrite { io: &mut io, codec: LinesCodec { max }, buf: Vec::new(), hwm: 6 };
                    let mut r = Ok(());
                    for it in items {
                        if let Err(e) = w.send(it).await {
                            r = Err(e);
                            break;
                        }
                    }
                    if r.is_ok() {
                        r = w.flush().await;
                    }
                    r
                };
                (r, io.written)
            }
        },
        run: async {
            (
                send_all(vec!["ab", "cde", "f", "g"], 5).await,
                send_all(vec!["ab", "toolong", "x"], 5).await,
            )
        },
    }
}

differential! {
    /// A codec sink (s9-4 workaround: the written bytes taken with
    /// `mem::take`): items encoded into a write buffer that is flushed
    /// when it passes a high-water mark and at the end; an encode error
    /// stops early with the buffer unflushed.
    name: codec_sink_buffered_flush_take_field,
    items: {
        pub struct FramedWrite<'a> {
            pub io: &'a mut Io,
            pub codec: LinesCodec,
            pub buf: Vec<u8>,
            pub hwm: usize,
        }
        impl<'a> FramedWrite<'a> {
            #[lh] pub async fn send(&mut self, item: &str) -> Result<(), String> {
                self.codec.encode(item, &mut self.buf)?;
                if self.buf.len() >= self.hwm {
                    self.flush().await?;
                }
                Ok(())
            }
            #[lh] pub async fn flush(&mut self) -> Result<(), String> {
                if !self.buf.is_empty() {
                    let b = std::mem::take(&mut self.buf);
                    self.io.write_all(&b).await?;
                }
                Ok(())
            }
        }
        #[lh] pub async fn send_all(items: Vec<&'static str>, max: usize) -> (Result<(), String>, Vec<u8>) {
            let mut io = Io::new(&[]);
            let r = {
                let mut w = FramedWrite { io: &mut io, codec: LinesCodec { max }, buf: Vec::new(), hwm: 6 };
                let mut r = Ok(());
                for it in items {
                    if let Err(e) = w.send(it).await {
                        r = Err(e);
                        break;
                    }
                }
                if r.is_ok() {
                    r = w.flush().await;
                }
                r
            };
            (r, std::mem::take(&mut io.written))
        }
    },
    run: async {
        (
            send_all(vec!["ab", "cde", "f", "g"], 5).await,
            send_all(vec!["ab", "toolong", "x"], 5).await,
        )
    },
}

differential! {
    /// A handshake line decoded with `if let .. else if let .. else`: each
    /// condition awaits a read, each branch awaits a write.
    name: codec_if_let_else_if_let_chain_awaiting,
    items: {
        #[lh] pub async fn greet(mut io: Io) -> Result<String, String> {
            let mut codec = LinesCodec { max: 16 };
            let mut buf = Vec::new();
            let _c = D::new("c");
            io.read(&mut buf).await?;
            let r = if let Some(hello) = codec.decode(&mut buf)?.filter(|l| l.starts_with("HELLO")) {
                io.write_all(b"WELCOME\n").await?;
                format!("hello:{}", &hello[5..])
            } else if let (Ok(n), Some(l)) = (io.read(&mut buf).await, codec.decode(&mut buf)?) {
                let w = D::new("w");
                io.write_all(format!("GOT {n}\n").as_bytes()).await?;
                format!("late:{l}")
            } else if let Some(l) = codec.decode_eof(&mut buf)? {
                io.write_all(b"BYE\n").await?;
                format!("eof:{l}")
            } else {
                pend(1, ()).await;
                "nothing".to_string()
            };
            Ok(r)
        }
    },
    run: async {
        (
            greet(Io::new(&[b"HELLO bob\n"])).await,
            greet(Io::new(&[b"hi", b" there\n"])).await,
            greet(Io::new(&[b"hi", b"!"])).await,
            greet(Io::new(&[b""])).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 3. tonic-style gRPC handlers
// ---------------------------------------------------------------------------

differential! {
    /// A unary handler: metadata checked through `req.metadata()`, the
    /// message taken with `into_inner`, a lookup awaited and turned into a
    /// `Status` with `ok_or_else(..)?`, a span dropper alive throughout.
    name: tonic_unary_get_user,
    items: {
        #[derive(Debug)]
        pub struct GetUser { pub id: u32 }
        #[derive(Debug)]
        pub struct User { pub id: u32, pub name: String }
        pub struct Users { pub names: HashMap<u32, &'static str>, pub _d: D }
        impl Users {
            #[lh] pub async fn find(&self, id: u32) -> Option<User> {
                pend(1, ()).await;
                self.names.get(&id).map(|n| User { id, name: n.to_string() })
            }
            #[lh] pub async fn get_user(&self, req: Request<GetUser>) -> Result<Response<User>, Status> {
                let _span = D::new("span");
                let token = req.metadata().get("authorization").cloned();
                let Some(token) = token else {
                    return Err(Status::unauthenticated("missing token"));
                };
                if pend(1, token.len()).await < 3 {
                    return Err(Status::unauthenticated(format!("bad token {token}")));
                }
                let GetUser { id } = req.into_inner();
                if id == 0 {
                    return Err(Status::invalid_argument("id must be positive"));
                }
                let user = self.find(id).await.ok_or_else(|| Status::not_found(format!("user {id}")))?;
                Ok(Response::new(user))
            }
        }
    },
    run: async {
        let users = Users { names: [(1, "ann"), (2, "bob")].into_iter().collect(), _d: D::new("users") };
        (
            users.get_user(Request::new(GetUser { id: 1 }).with("authorization", "tok1")).await,
            users.get_user(Request::new(GetUser { id: 3 }).with("authorization", "tok1")).await,
            users.get_user(Request::new(GetUser { id: 0 }).with("authorization", "tok1")).await,
            users.get_user(Request::new(GetUser { id: 1 }).with("authorization", "t")).await,
            users.get_user(Request::new(GetUser { id: 1 })).await,
        )
    },
}

differential! {
    /// A client-streaming handler: `while let Some(m) =
    /// stream.message().await?` over `Result<Option<T>, Status>`, each
    /// message validated with an await, a running total, a dropper per
    /// message.
    name: tonic_client_streaming_record_route,
    items: {
        #[derive(Debug)]
        pub struct Point { pub x: i32, pub y: i32 }
        #[derive(Debug)]
        pub struct Summary { pub points: u32, pub distance: i32 }
        #[lh] pub async fn record_route(req: Request<Streaming<Point>>) -> Result<Response<Summary>, Status> {
            let mut stream = req.into_inner();
            let mut summary = Summary { points: 0, distance: 0 };
            let mut last: Option<Point> = None;
            while let Some(p) = stream.message().await? {
                let seen = D::new("seen");
                if p.x.abs() > 100 {
                    return Err(Status::invalid_argument(format!("x out of range: {}", p.x)));
                }
                if let Some(prev) = &last {
                    summary.distance += pend(1, (p.x - prev.x).abs() + (p.y - prev.y).abs()).await;
                }
                summary.points += 1;
                last = Some(p);
            }
            Ok(Response::new(summary))
        }
    },
    run: async {
        (
            record_route(Request::new(Streaming::new(vec![Ok(Point { x: 0, y: 0 }), Ok(Point { x: 3, y: 4 }), Ok(Point { x: 1, y: 1 })]))).await,
            record_route(Request::new(Streaming::new(vec![Ok(Point { x: 0, y: 0 }), Err(Status::new(Code::Unavailable, "gone"))]))).await,
            record_route(Request::new(Streaming::new(vec![Ok(Point { x: 500, y: 0 })]))).await,
        )
    },
}

differential! {
    /// A server-streaming handler building its replies into a `Vec`, with
    /// a tonic-style interceptor list (`Vec<Box<dyn Fn(&mut Request<..>)
    /// -> Result<(), Status>>>`) run before the first await.
    name: tonic_interceptors_then_server_streaming,
    items: {
        pub type Interceptor = Box<dyn Fn(&mut Request<String>) -> Result<(), Status>>;
        #[lh] pub async fn list_features(mut req: Request<String>, interceptors: &[Interceptor], n: u32) -> Result<Vec<Response<String>>, Status> {
            for i in interceptors {
                i(&mut req)?;
            }
            let tenant = req.metadata().get("tenant").cloned().unwrap_or_default();
            let prefix = req.into_inner();
            let mut out = Vec::new();
            for k in 0..n {
                let d = D::new("feature");
                let v = fetch(k).await;
                if v > 4 && tenant == "free" {
                    log("quota");
                    break;
                }
                out.push(Response::new(format!("{tenant}/{prefix}-{v}")));
            }
            Ok(out)
        }
    },
    run: async {
        let auth: Interceptor = Box::new(|r| {
            if r.metadata().contains_key("authorization") { Ok(()) } else { Err(Status::unauthenticated("no auth")) }
        });
        let tenant: Interceptor = Box::new(|r| {
            r.metadata_mut().insert("tenant", "free".into());
            Ok(())
        });
        let chain = vec![auth, tenant];
        (
            list_features(Request::new("f".to_string()).with("authorization", "x"), &chain, 5).await,
            list_features(Request::new("f".to_string()), &chain, 5).await,
            list_features(Request::new("g".to_string()).with("tenant", "pro"), &[], 2).await,
        )
    },
}

differential! {
    /// A bidirectional handler over a `Streaming` in a `&mut self` service:
    /// each message answered or skipped, `Status` codes matched after an
    /// await, `?` converting a `String` error through `From`.
    name: tonic_bidi_chat_in_service,
    items: {
        pub struct Chat { pub history: Vec<String>, pub _d: D }
        impl Chat {
            #[lh] pub async fn route_chat(&mut self, mut input: Streaming<String>) -> Result<Vec<String>, Status> {
                let mut replies = Vec::new();
                loop {
                    let msg = match input.message().await {
                        Ok(Some(m)) => m,
                        Ok(None) => break,
                        Err(s) if s.code == Code::Unavailable => {
                            log("retry later");
                            pend(1, ()).await;
                            continue;
                        }
                        Err(s) => return Err(s),
                    };
                    let n = msg.parse::<u32>().map_err(|e| e.to_string())?;
                    let seen = self.history.iter().filter(|h| **h == msg).count();
                    self.history.push(msg);
                    replies.push(format!("{n}x{seen}:{}", fetch(n).await));
                }
                Ok(replies)
            }
        }
    },
    run: async {
        let mut c = Chat { history: Vec::new(), _d: D::new("chat") };
        let a = c.route_chat(Streaming::new(vec![Ok("1".into()), Err(Status::new(Code::Unavailable, "")), Ok("1".into())])).await;
        let b = c.route_chat(Streaming::new(vec![Ok("2".into()), Ok("x".into()), Ok("3".into())])).await;
        let d = c.route_chat(Streaming::new(vec![Err(Status::internal("db"))])).await;
        (a, b, d, c.history.len())
    },
}

// ---------------------------------------------------------------------------
// 4. Message-queue consumers
// ---------------------------------------------------------------------------

differential! {
    /// A consumer loop: each delivery processed, acked on success, nacked
    /// with requeue while attempts remain, published to a dead-letter
    /// queue and acked when they run out; `match` arms with guards after
    /// the await, the delivery moved into `nack` in one arm.
    name: mq_consumer_ack_nack_dlq,
    items: {
        #[lh] pub async fn consume(ch: &Channel, max_attempts: u32) -> (Vec<u32>, usize) {
            let _consumer = D::new("consumer");
            let mut results = Vec::new();
            while let Some(d) = ch.basic_get().await {
                let tag = d.tag;
                match process(&d.body, d.attempts).await {
                    Ok(v) => {
                        ch.ack(tag).await;
                        results.push(v);
                    }
                    Err(e) if d.attempts < max_attempts => {
                        log(format!("retry {tag}: {e}"));
                        ch.nack(d, true).await;
                    }
                    Err(e) => {
                        let body = format!("{}: {e}", d.body);
                        ch.publish("dlq", &body).await;
                        ch.ack(tag).await;
                    }
                }
            }
            let dead = ch.dlq.borrow().len();
            (results, dead)
        }
    },
    run: async {
        let ch = Channel::new(&["1", "flaky", "bad", "x"]);
        let a = consume(&ch, 3).await;
        let ch2 = Channel::new(&["flaky", "2"]);
        let b = consume(&ch2, 2).await;
        (a, b)
    },
}

differential! {
    /// A handler returning `std::ops::ControlFlow`: `Break` stops the
    /// consumer with a reason, `Continue` carries the value to sum; the
    /// delivery is acked before the break is honoured.
    name: mq_consumer_control_flow,
    items: {
        #[lh] pub async fn handle(d: &Delivery) -> ControlFlow<String, u32> {
            if d.body == "stop" {
                return ControlFlow::Break(format!("stop at {}", d.tag));
            }
            match process(&d.body, d.attempts).await {
                Ok(v) => ControlFlow::Continue(v),
                Err(e) => {
                    pend(1, ()).await;
                    ControlFlow::Continue(0)
                }
            }
        }
        #[lh] pub async fn run_consumer(ch: &Channel) -> (u32, Option<String>) {
            let mut sum = 0;
            let reason = loop {
                let Some(d) = ch.basic_get().await else {
                    break None;
                };
                let flow = handle(&d).await;
                ch.ack(d.tag).await;
                match flow {
                    ControlFlow::Continue(v) => sum += v,
                    ControlFlow::Break(r) => break Some(r),
                }
            };
            (sum, reason)
        }
    },
    run: async {
        (
            run_consumer(&Channel::new(&["1", "bad", "2", "stop", "3"])).await,
            run_consumer(&Channel::new(&["4"])).await,
        )
    },
}

differential! {
    /// A batch consumer with prefetch: up to `n` deliveries fetched into a
    /// `Vec`, processed with `for (i, d) in batch.iter().enumerate()`, a
    /// labelled `break` with the index of the first poison message, then
    /// the batch acked or nacked by moving deliveries out with `drain`.
    name: mq_batch_prefetch_enumerate_break_value,
    items: {
        #[lh] pub async fn batch(ch: &Channel, n: usize) -> (u32, Option<usize>, usize) {
            let mut batch = Vec::new();
            while batch.len() < n {
                match ch.basic_get().await {
                    Some(d) => batch.push(d),
                    None => break,
                }
            }
            let mut total = 0;
            let poison = 'scan: {
                for (i, d) in batch.iter().enumerate() {
                    match process(&d.body, 9).await {
                        Ok(v) => total += v,
                        Err(e) if e == "poison" => break 'scan Some(i),
                        Err(_) => continue,
                    }
                }
                None
            };
            let cut = poison.unwrap_or(batch.len());
            for d in batch.drain(..cut) {
                ch.ack(d.tag).await;
            }
            for d in batch.drain(..) {
                ch.nack(d, false).await;
            }
            (total, poison, ch.queue.borrow().len())
        }
    },
    run: async {
        let ch = Channel::new(&["1", "2", "bad", "3", "4"]);
        (batch(&ch, 4).await, batch(&ch, 4).await, batch(&Channel::new(&[]), 2).await)
    },
}

differential! {
    /// A retrying consumer with exponential backoff kept in a `Cell`, the
    /// delivery's attempt count shadowed per loop iteration, and a
    /// `Box<dyn FnOnce(u32)>` on-give-up callback called after an await.
    name: mq_retry_backoff_on_give_up_callback,
    items: {
        #[lh] pub async fn deliver(body: &str, max: u32, on_give_up: Box<dyn FnOnce(u32) -> String>) -> Result<u32, String> {
            let backoff = Cell::new(1u32);
            let lease = D::new("lease");
            for attempt in 1..=max {
                let attempt = attempt * 1;
                match process(body, attempt).await {
                    Ok(v) => return Ok(v),
                    Err(e) => {
                        let attempt = format!("{attempt}:{e}");
                        log(attempt);
                        pend(backoff.get(), ()).await;
                        backoff.set(backoff.get() * 2);
                    }
                }
            }
            pend(1, ()).await;
            Err(on_give_up(backoff.get()))
        }
    },
    run: async {
        let d = D::new("cb");
        (
            deliver("flaky", 4, Box::new(|b| format!("never {b}"))).await,
            deliver("flaky", 2, Box::new(move |b| { d.touch(); format!("gave up, backoff {b}") })).await,
            deliver("bad", 3, Box::new(|b| format!("dead {b}"))).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 5. Connection pools
// ---------------------------------------------------------------------------

differential! {
    /// A checkout guard held across two queries, returned to the pool on
    /// drop at the end of an inner block, then a second checkout that
    /// reuses the connection; a broken connection is discarded.
    name: pool_checkout_guard_reuse,
    items: {
        #[lh] pub async fn work(pool: &Pool, q: &str) -> Result<(u32, u32), String> {
            let a = {
                let mut conn = pool.get().await?;
                let x = conn.query("select 1").await?;
                let y = conn.query(q).await?;
                x + y
            };
            let mut conn = pool.get().await?;
            let id = conn.id;
            let z = conn.query("select 2").await?;
            Ok((a + z, id))
        }
    },
    run: async {
        let pool = Pool::new(1);
        let a = work(&pool, "ok").await;
        let b = work(&pool, "boom").await;
        let c = work(&pool, "ok").await;
        (a, b, c, pool.created.get(), pool.idle.borrow().len())
    },
}

differential! {
    /// Two guards checked out at once from a pool of two, the third
    /// checkout failing with `?` while both are live (they are returned in
    /// reverse order), and a `drop(first)` before an await on the happy
    /// path.
    name: pool_exhausted_with_live_guards,
    items: {
        #[lh] pub async fn fan(pool: &Pool, third: bool) -> Result<u32, String> {
            let mut first = pool.get().await?;
            let mut second = pool.get().await?;
            let a = first.query("a").await?;
            if third {
                let mut extra = pool.get().await?;
                return Ok(extra.query("never").await?);
            }
            drop(first);
            let b = second.query("bb").await?;
            Ok(a + b)
        }
    },
    run: async {
        let pool = Pool::new(2);
        (fan(&pool, false).await, fan(&pool, true).await, pool.idle.borrow().len())
    },
}

differential! {
    /// A pooled connection used through `Option<Pooled>` with `as_mut()`
    /// across awaits (deadpool's `Object` kept in an `Option` so it can be
    /// detached), `take()` to return it early, then reconnecting.
    name: pool_optional_guard_as_mut_take,
    items: {
        #[lh] pub async fn session(pool: &Pool, steps: &[&'static str]) -> Vec<String> {
            let mut conn = Some(pool.get().await.unwrap());
            let mut out = Vec::new();
            for (i, s) in steps.iter().enumerate() {
                if *s == "release" {
                    let c = conn.take();
                    pend(1, ()).await;
                    drop(c);
                    out.push(format!("{i}: released"));
                    continue;
                }
                if conn.is_none() {
                    conn = Some(pool.get().await.unwrap());
                }
                if let Some(c) = conn.as_mut() {
                    match c.query(s).await {
                        Ok(n) => out.push(format!("{i}: {n}")),
                        Err(e) => {
                            out.push(format!("{i}: {e}"));
                            conn = None;
                        }
                    }
                }
            }
            out
        }
    },
    run: async {
        let pool = Pool::new(2);
        (session(&pool, &["a", "release", "bb", "boom", "c"]).await, pool.idle.borrow().len())
    },
}

differential! {
    /// A transaction on a pooled connection that panics mid-body (an
    /// `unwrap` on an error) with the guard, a span and a half-built batch
    /// live: unwinding drops them in reverse order and returns the
    /// connection.
    name: pool_panic_mid_transaction_returns_conn,
    items: {
        #[lh] pub async fn txn(pool: &Pool, stmts: Vec<&'static str>) -> u32 {
            let _span = D::new("span");
            let mut conn = pool.get().await.unwrap();
            let batch = vec![D::new("stmt")];
            let mut total = 0;
            for s in stmts {
                total += conn.query(s).await.unwrap();
            }
            drop(batch);
            total + conn.query("commit").await.unwrap()
        }
    },
    run: async {
        let pool = Pool::new(1);
        let ok = txn(&pool, vec!["a", "b"]).await;
        (ok, txn(&pool, vec!["a", "boom", "c"]).await)
    },
}

// ---------------------------------------------------------------------------
// 6. Semaphores and read-write locks
// ---------------------------------------------------------------------------

differential! {
    /// A permit held across awaits, dropped explicitly before the next
    /// acquire; `acquire_many` failing with `?` while one permit is live.
    name: semaphore_permits_around_awaits,
    items: {
        #[lh] pub async fn limited(sem: &Semaphore, jobs: &[u32]) -> Result<u32, String> {
            let mut total = 0;
            for &j in jobs {
                let permit = sem.acquire().await?;
                total += fetch(j).await;
                if j == 0 {
                    let big = sem.acquire_many(3).await?;
                    total += fetch(100).await;
                    drop(big);
                }
                drop(permit);
                pend(1, ()).await;
            }
            Ok(total)
        }
    },
    run: async {
        let sem = Semaphore::new(3);
        let a = limited(&sem, &[1, 2, 0]).await;
        let sem4 = Semaphore::new(4);
        let b = limited(&sem4, &[0, 5]).await;
        (a, b, sem.permits.get(), sem4.permits.get())
    },
}

differential! {
    /// Permits collected in a `Vec` while fanning out, released one by one
    /// with `while let Some(p) = held.pop()` after awaits, one permit given
    /// away with a by-value `forget`.
    name: semaphore_permits_in_vec_popped,
    items: {
        #[lh] pub async fn fan_out(sem: &Semaphore, n: u32) -> (u32, u32) {
            let mut held = Vec::new();
            for i in 0..n {
                match sem.acquire().await {
                    Ok(p) => held.push(p),
                    Err(e) => {
                        log(e);
                        break;
                    }
                }
            }
            let got = held.len() as u32;
            let mut sum = 0;
            while let Some(p) = held.pop() {
                sum += fetch(held.len() as u32).await;
                if held.len() == 1 {
                    p.forget();
                    continue;
                }
                drop(p);
            }
            (got, sum)
        }
    },
    run: async {
        let sem = Semaphore::new(3);
        (fan_out(&sem, 5).await, sem.permits.get())
    },
}

differential! {
    /// A hand-written `RwLock`: a read guard held across an await, dropped
    /// at the end of an inner block, then a write guard mutating through
    /// `DerefMut` across another await, then a read again.
    name: rwlock_read_then_write_guards,
    items: {
        #[lh] pub async fn bump(lock: &RwLock<Vec<u32>>, by: u32) -> (usize, u32) {
            let len = {
                let r = lock.read().await;
                let n = fetch(r.len() as u32).await;
                log(format!("read {:?} {n}", *r));
                r.len()
            };
            {
                let mut w = lock.write().await;
                let v = fetch(by).await;
                w.push(v);
                if w.len() > 3 {
                    w.remove(0);
                }
            }
            let r = lock.read().await;
            let last = *r.last().unwrap();
            (len, pend(1, last).await)
        }
    },
    run: async {
        let lock = RwLock::new(vec![1, 2]);
        (bump(&lock, 5).await, bump(&lock, 6).await, bump(&lock, 7).await)
    },
}

differential! {
    /// A config reloader: a write guard taken with `if let` over
    /// `Option<&mut T>` from `get_mut`, early `return` inside the `if let`
    /// after an await with the guard live.
    name: rwlock_write_guard_get_mut_early_return,
    items: {
        #[lh] pub async fn reload(lock: &RwLock<HashMap<String, u32>>, key: &str) -> Result<u32, String> {
            let _reload = D::new("reload");
            let mut w = lock.write().await;
            if let Some(v) = w.get_mut(key) {
                *v += fetch(*v).await;
                if *v > 50 {
                    return Err(format!("{key} too big: {v}"));
                }
                return Ok(*v);
            }
            let fresh = pend(1, 1).await;
            w.insert(key.to_string(), fresh);
            Ok(fresh)
        }
    },
    run: async {
        let lock = RwLock::new(HashMap::from([("a".to_string(), 4)]));
        (reload(&lock, "a").await, reload(&lock, "b").await, reload(&lock, "a").await, reload(&lock, "a").await)
    },
}

// ---------------------------------------------------------------------------
// 7. async-trait style handlers
// ---------------------------------------------------------------------------

differential! {
    /// `Vec<Box<dyn Handler>>` dispatch: handlers whose `handle` returns
    /// `Pin<Box<dyn Future + Send + 'a>>` built from a lowered `async fn`,
    /// tried in order; the first `Ok` wins through a labelled `break` with
    /// a value.
    name: async_trait_dispatch_first_ok,
    items: {
        pub struct Prefix(pub &'static str, pub D);
        pub struct Echo;
        #[lh] pub async fn prefix_handle(p: &Prefix, req: &str) -> Result<String, String> {
            let rest = req.strip_prefix(p.0).ok_or_else(|| format!("{} does not match", p.0))?;
            let n = fetch(rest.len() as u32).await;
            Ok(format!("{}:{rest}:{n}", p.0))
        }
        impl Handler for Prefix {
            fn name(&self) -> &str { self.0 }
            fn handle<'a>(&'a self, req: &'a str) -> BoxFuture<'a, Result<String, String>> {
                Box::pin(prefix_handle(self, req))
            }
        }
        impl Handler for Echo {
            fn name(&self) -> &str { "echo" }
            fn handle<'a>(&'a self, req: &'a str) -> BoxFuture<'a, Result<String, String>> {
                Box::pin(async move { pend(2, ()).await; Ok(req.to_uppercase()) })
            }
        }
        #[lh] pub async fn dispatch(handlers: &[Box<dyn Handler>], req: &str) -> (String, Vec<String>) {
            let mut errors = Vec::new();
            let reply = 'found: {
                for (i, h) in handlers.iter().enumerate() {
                    let _t = D::new("try");
                    match h.handle(req).await {
                        Ok(r) => break 'found format!("{i}/{}: {r}", h.name()),
                        Err(e) => errors.push(e),
                    }
                }
                "unhandled".to_string()
            };
            (reply, errors)
        }
    },
    run: async {
        let hs: Vec<Box<dyn Handler>> = vec![Box::new(Prefix("/a", D::new("pa"))), Box::new(Prefix("/b", D::new("pb"))), Box::new(Echo)];
        let only: Vec<Box<dyn Handler>> = vec![Box::new(Prefix("/z", D::new("pz")))];
        (dispatch(&hs, "/bcd").await, dispatch(&hs, "xy").await, dispatch(&only, "q").await)
    },
}

differential! {
    /// A middleware wrapping a `Box<dyn Handler>`: its `handle` is a
    /// `Box::pin(async move { .. })` around a lowered method taking
    /// `&'a self`, which awaits the inner boxed future and times it in
    /// polls, with a dropper per call.
    name: async_trait_middleware_wraps_boxed_handler,
    items: {
        pub struct Upper;
        impl Handler for Upper {
            fn name(&self) -> &str { "upper" }
            fn handle<'a>(&'a self, req: &'a str) -> BoxFuture<'a, Result<String, String>> {
                Box::pin(async move {
                    pend(1, ()).await;
                    if req.is_empty() { Err("empty".to_string()) } else { Ok(req.to_uppercase()) }
                })
            }
        }
        pub struct Logging { pub inner: Box<dyn Handler + Send + Sync>, pub calls: std::sync::atomic::AtomicU32 }
        impl Logging {
            #[lh] pub async fn call<'a>(&'a self, req: &'a str) -> Result<String, String> {
                let n = self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let _span = D::new("span");
                log(format!("-> {} #{n} {req}", self.inner.name()));
                let r = self.inner.handle(req).await;
                log(format!("<- {r:?}"));
                let r = r.map(|s| format!("[{s}]"))?;
                pend(1, ()).await;
                Ok(r)
            }
        }
        impl Handler for Logging {
            fn name(&self) -> &str { "logging" }
            fn handle<'a>(&'a self, req: &'a str) -> BoxFuture<'a, Result<String, String>> {
                Box::pin(async move { self.call(req).await })
            }
        }
    },
    run: async {
        let l = Logging { inner: Box::new(Upper), calls: Default::default() };
        let hs: Vec<Box<dyn Handler>> = vec![Box::new(l)];
        (hs[0].handle("abc").await, hs[0].handle("").await)
    },
}

send_case! {
    /// `Send` parity: a dispatcher over `&[Box<dyn Handler + Send + Sync>]`
    /// with an `Rc` made and dropped between awaits stays `Send`.
    name: async_trait_dispatch_send_rc_dead_before_await,
    items: {
        pub struct Fixed(pub u32);
        impl Handler for Fixed {
            fn name(&self) -> &str { "fixed" }
            fn handle<'a>(&'a self, req: &'a str) -> BoxFuture<'a, Result<String, String>> {
                Box::pin(async move { pend(1, ()).await; Ok(format!("{req}{}", self.0)) })
            }
        }
        #[lh] pub async fn all(hs: &[Box<dyn Handler + Send + Sync>], req: &str) -> Vec<String> {
            let mut out = Vec::new();
            for h in hs {
                let tag = {
                    let rc = Rc::new(h.name().len());
                    *rc
                };
                out.push(format!("{tag}:{:?}", h.handle(req).await));
            }
            out
        }
        pub static HS: std::sync::LazyLock<Vec<Box<dyn Handler + Send + Sync>>> =
            std::sync::LazyLock::new(|| vec![Box::new(Fixed(1)), Box::new(Fixed(2))]);
    },
    future: all(&HS, "r"),
    native_send: true,
}

// ---------------------------------------------------------------------------
// 8. Handshakes
// ---------------------------------------------------------------------------

differential! {
    /// A TLS-like handshake as an enum state machine inside a struct with
    /// `Self::` constructors: `self.state = match std::mem::replace(&mut
    /// self.state, Hs::Failed) { .. }`, each arm awaiting, a key dropper
    /// carried from state to state.
    name: handshake_enum_machine_mem_replace,
    items: {
        pub enum Hs { Start, SentHello(u32), GotKey(D, u32), Done(String), Failed }
        pub struct Conn2 { pub state: Hs, pub io: Io }
        impl Conn2 {
            pub fn client(reads: &[&'static [u8]]) -> Self {
                Self { state: Hs::Start, io: Io::new(reads) }
            }
            #[lh] pub async fn handshake(&mut self) -> Result<String, String> {
                let mut buf = Vec::new();
                loop {
                    self.state = match std::mem::replace(&mut self.state, Hs::Failed) {
                        Hs::Start => {
                            self.io.write_all(b"HELLO").await?;
                            Hs::SentHello(fetch(1).await)
                        }
                        Hs::SentHello(nonce) => {
                            buf.clear();
                            if self.io.read(&mut buf).await? == 0 {
                                return Err("eof in hello".into());
                            }
                            let key = load("key").await;
                            Hs::GotKey(key, nonce + buf.len() as u32)
                        }
                        Hs::GotKey(key, n) if n % 2 == 0 => {
                            self.io.write_all(b"FIN").await?;
                            key.touch();
                            Hs::Done(format!("session-{n}"))
                        }
                        Hs::GotKey(key, n) => {
                            pend(1, ()).await;
                            return Err(format!("bad nonce {n}"));
                        }
                        Hs::Done(s) => return Ok(s),
                        Hs::Failed => return Err("failed".into()),
                    };
                }
            }
        }
    },
    run: async {
        let mut a = Conn2::client(&[b"ab"]);
        let mut b = Conn2::client(&[b"abc"]);
        let mut c = Conn2::client(&[b""]);
        let mut d = Conn2::client(&[b"!"]);
        (a.handshake().await, b.handshake().await, c.handshake().await, d.handshake().await)
    },
}

differential! {
    /// Version negotiation with an `if let .. else if let .. else` chain
    /// whose conditions await (`if let Some(v) = offer(3).await`), each
    /// branch awaiting too, with a dropper per branch and one outside.
    name: handshake_version_negotiation_if_let_chain,
    items: {
        #[lh] pub async fn offer(v: u32, supported: &[u32]) -> Option<u32> {
            log(format!("offer v{v}"));
            pend(1, ()).await;
            supported.contains(&v).then_some(v)
        }
        #[lh] pub async fn negotiate(supported: Vec<u32>) -> String {
            let conn = D::new("conn");
            let r = if let Some(v) = offer(3, &supported).await {
                let b = D::new("v3");
                format!("v{v} {}", fetch(v).await)
            } else if let Some(v) = offer(2, &supported).await {
                let b = D::new("v2");
                pend(2, ()).await;
                format!("v{v}")
            } else if let Some(v) = offer(1, &supported).await.filter(|_| supported.len() > 1) {
                format!("legacy v{v}")
            } else {
                let b = D::new("none");
                pend(1, ()).await;
                return format!("no common version in {supported:?}");
            };
            conn.touch();
            r
        }
    },
    run: async {
        (
            negotiate(vec![1, 2, 3]).await,
            negotiate(vec![2]).await,
            negotiate(vec![1, 5]).await,
            negotiate(vec![1]).await,
        )
    },
}

differential! {
    /// A SOCKS-like handshake whose parameter is a tuple-struct pattern and
    /// whose reply is matched as a slice pattern after an await; `let else`
    /// returning from its `else` after an await.
    name: handshake_tuple_struct_param_let_else_return,
    items: {
        pub struct Target(pub &'static str, pub u16);
        #[lh] pub async fn connect(Target(host, port): Target, mut io: Io) -> Result<String, String> {
            let _g = D::new("g");
            io.write_all(&[5, 1, 0]).await?;
            let mut buf = Vec::new();
            io.read(&mut buf).await?;
            let [5, method] = buf[..] else {
                pend(1, ()).await;
                return Err(format!("bad greeting {buf:?}"));
            };
            let Some(method) = (method != 0xff).then_some(method) else {
                return Err("no acceptable method".into());
            };
            io.write_all(format!("{host}:{port}").as_bytes()).await?;
            Ok(format!("{host}:{port} via {method}"))
        }
    },
    run: async {
        (
            connect(Target("a", 80), Io::new(&[&[5, 2]])).await,
            connect(Target("b", 81), Io::new(&[&[4, 0]])).await,
            connect(Target("c", 82), Io::new(&[&[5, 0xff]])).await,
            connect(Target("d", 83), Io::new(&[b"!"])).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 9. Multipart upload
// ---------------------------------------------------------------------------

differential! {
    /// An S3-like multipart upload: create, upload parts (a dropper per
    /// part kept in a `Vec`), and on any error abort the upload with an
    /// await before returning the error; complete on success.
    name: multipart_upload_abort_on_error,
    items: {
        pub struct Store { pub fail_part: u32, pub _d: D }
        impl Store {
            #[lh] pub async fn create(&self, key: &str) -> Result<String, String> {
                pend(1, ()).await;
                Ok(format!("up-{key}"))
            }
            #[lh] pub async fn upload_part(&self, id: &str, n: u32, data: &[u8]) -> Result<(u32, D), String> {
                pend(1, ()).await;
                if n == self.fail_part { return Err(format!("part {n} of {id} failed")); }
                Ok((n * 1000 + data.len() as u32, D::new("etag")))
            }
            #[lh] pub async fn abort(&self, id: &str) {
                pend(1, ()).await;
                log(format!("abort {id}"));
            }
            #[lh] pub async fn complete(&self, id: &str, parts: Vec<(u32, D)>) -> Result<u32, String> {
                pend(1, ()).await;
                Ok(parts.iter().map(|p| p.0).sum())
            }
        }
        #[lh] pub async fn upload(store: &Store, key: &str, data: &[u8], part_size: usize) -> Result<u32, String> {
            let id = store.create(key).await?;
            let mut parts = Vec::new();
            for (i, chunk) in data.chunks(part_size).enumerate() {
                match store.upload_part(&id, i as u32 + 1, chunk).await {
                    Ok(p) => parts.push(p),
                    Err(e) => {
                        store.abort(&id).await;
                        return Err(e);
                    }
                }
            }
            store.complete(&id, parts).await
        }
    },
    run: async {
        let ok = Store { fail_part: 99, _d: D::new("s1") };
        let bad = Store { fail_part: 2, _d: D::new("s2") };
        (upload(&ok, "k", b"abcdefg", 3).await, upload(&bad, "k", b"abcdefg", 3).await)
    },
}

differential! {
    /// A multipart upload guarded by an abort-on-drop struct (owning other
    /// droppers: nested drop order); the guard is disarmed after
    /// `complete`, so cancelling at any suspension runs its abort log.
    name: multipart_abort_guard_nested_drops,
    items: {
        pub struct AbortGuard { pub id: String, pub armed: bool, pub parts: Vec<D>, pub tmp: D }
        impl Drop for AbortGuard {
            fn drop(&mut self) {
                if self.armed {
                    log(format!("abort-on-drop {} ({} parts)", self.id, self.parts.len()));
                } else {
                    log(format!("guard done {}", self.id));
                }
            }
        }
        #[lh] pub async fn upload(key: &'static str, n: u32, fail: u32) -> Result<u32, String> {
            let mut guard = AbortGuard { id: format!("up-{key}"), armed: true, parts: Vec::new(), tmp: D::new("tmp") };
            let mut total = 0;
            for i in 0..n {
                let sum = check(i * 2 + fail).await?;
                total += sum;
                guard.parts.push(load("part").await);
            }
            let ok = pend(2, total).await;
            guard.armed = false;
            Ok(ok)
        }
    },
    run: async { (upload("a", 2, 0).await, upload("b", 3, 1).await) },
}

// ---------------------------------------------------------------------------
// 10. Cache-aside with in-flight deduplication
// ---------------------------------------------------------------------------

differential! {
    /// Cache-aside: hit, miss with load, and in-flight deduplication
    /// through a set of keys being loaded and a guard that removes the key
    /// on drop (also when the load fails with `?`), kept across the load's
    /// await.
    name: cache_aside_inflight_guard,
    items: {
        pub struct Cache { pub map: RefCell<HashMap<String, u32>>, pub inflight: RefCell<HashSet<String>>, pub _d: D }
        pub struct InFlight<'a> { cache: &'a Cache, key: String }
        impl Drop for InFlight<'_> {
            fn drop(&mut self) {
                log(format!("done loading {}", self.key));
                self.cache.inflight.borrow_mut().remove(&self.key);
            }
        }
        impl Cache {
            #[lh] pub async fn get(&self, key: &str) -> Result<u32, String> {
                if let Some(v) = self.map.borrow().get(key).copied() {
                    return Ok(v);
                }
                let mut waited = 0;
                while self.inflight.borrow().contains(key) {
                    waited += 1;
                    if waited > 3 {
                        return Err(format!("{key} stuck in flight"));
                    }
                    pend(1, ()).await;
                }
                if let Some(v) = self.map.borrow().get(key).copied() {
                    return Ok(v);
                }
                self.inflight.borrow_mut().insert(key.to_string());
                let _guard = InFlight { cache: self, key: key.to_string() };
                let v = check(key.len() as u32).await?;
                self.map.borrow_mut().insert(key.to_string(), v);
                Ok(v)
            }
        }
    },
    run: async {
        let c = Cache { map: RefCell::new(HashMap::new()), inflight: RefCell::new(HashSet::new()), _d: D::new("cache") };
        c.inflight.borrow_mut().insert("busy".to_string());
        (c.get("ab").await, c.get("ab").await, c.get("abc").await, c.get("busy").await, c.inflight.borrow().len())
    },
}

differential! {
    /// A read-through cache over `Rc<RefCell<HashMap>>` shared by clones:
    /// `Rc::strong_count` logged across awaits, the entry API used after
    /// each await (never across), a clone dropped mid-body.
    name: cache_rc_refcell_clones_entry_api,
    items: {
        #[lh] pub async fn warm(cache: Rc<RefCell<HashMap<u32, Vec<u32>>>>, keys: Vec<u32>) -> (usize, usize) {
            let mine = Rc::clone(&cache);
            log(format!("count {}", Rc::strong_count(&cache)));
            for k in keys.iter().copied() {
                let v = fetch(k).await;
                mine.borrow_mut().entry(k % 3).or_default().push(v);
                let extra = cache.clone();
                pend(1, ()).await;
                log(format!("count {}", Rc::strong_count(&extra)));
            }
            drop(mine);
            let n = pend(1, Rc::strong_count(&cache)).await;
            let total: usize = cache.borrow().values().map(|v| v.len()).sum();
            (n, total)
        }
    },
    run: async {
        let cache = Rc::new(RefCell::new(HashMap::new()));
        let r = warm(cache.clone(), vec![1, 2, 4]).await;
        let mut keys: Vec<_> = cache.borrow().keys().copied().collect();
        keys.sort();
        (r, keys)
    },
}

differential! {
    /// A generic memoizing loader `T: Default + Clone + Debug`: a miss
    /// stores `T::default()` as a placeholder before the await, replaces it
    /// afterwards; `Option<&mut T>` from `get_mut` used after an await.
    name: cache_generic_default_clone_placeholder,
    items: {
        pub struct Memo<T> { pub slots: BTreeMap<u32, T>, pub _d: D }
        impl<T: Default + Clone + Debug> Memo<T> {
            #[lh] pub async fn get_or_load<F, Fut>(&mut self, k: u32, load: F) -> T
            where
                F: FnOnce(u32) -> Fut,
                Fut: Future<Output = T>,
            {
                if let Some(v) = self.slots.get(&k) {
                    return v.clone();
                }
                self.slots.insert(k, T::default());
                let v = load(k).await;
                if let Some(slot) = self.slots.get_mut(&k) {
                    log(format!("placeholder {slot:?}"));
                    *slot = v.clone();
                }
                pend(1, ()).await;
                v
            }
        }
    },
    run: async {
        let mut m: Memo<String> = Memo { slots: BTreeMap::new(), _d: D::new("memo") };
        let a = m.get_or_load(1, |k| async move { pend(1, format!("v{k}")).await }).await;
        let b = m.get_or_load(1, |k| async move { unreachable!() }).await;
        let mut n: Memo<Vec<u8>> = Memo { slots: BTreeMap::new(), _d: D::new("memo2") };
        let c = n.get_or_load(7, |k| async move { vec![k as u8; 2] }).await;
        (a, b, c, m.slots.len())
    },
}

// ---------------------------------------------------------------------------
// 11. Leases with renewal
// ---------------------------------------------------------------------------

known_gap! {
    reason: "by-value receiver family (fails to compile, E0507 cannot move out of a mutable reference): `lease.release().await` with `async fn release(self)` on a local kept across earlier awaits (`lease.renew().await?` borrows it): longhand takes `release` as borrowing `lease`, keeps it pinned and the call moves out of the slot; workaround `{ lease }.release().await`, case `lease_renewal_loop_release_in_braces`",
    differential! {
        /// A lease held while work proceeds in steps, renewed every other step
        /// (`renew` failing ends the work early with the lease and the current
        /// step's dropper live), released with an await at the end.
        name: lease_renewal_loop,
        items: {
            pub struct Lease { pub key: &'static str, pub epoch: u32, pub budget: u32, pub _d: D }
            impl Lease {
                #[lh] pub async fn acquire(key: &'static str, budget: u32) -> Result<Self, String> {
                    pend(1, ()).await;
                    if budget == 0 { return Err(format!("{key} held elsewhere")); }
                    Ok(Self { key, epoch: 1, budget, _d: D::new("lease") })
                }
                #[lh] pub async fn renew(&mut self) -> Result<u32, String> {
                    pend(1, ()).await;
                    if self.epoch >= self.budget {
                        return Err(format!("lost {} at epoch {}", self.key, self.epoch));
                    }
                    self.epoch += 1;
                    Ok(self.epoch)
                }
                #[lh] pub async fn release(self) -> u32 {
                    pend(1, ()).await;
                    log(format!("released {}", self.key));
                    self.epoch
                }
            }
            #[lh] pub async fn with_lease(key: &'static str, budget: u32, steps: u32) -> Result<(u32, u32), String> {
                let mut lease = Lease::acquire(key, budget).await?;
                let mut done = 0;
                for step in 0..steps {
                    let work = D::new("step");
                    done += fetch(step).await;
                    if step % 2 == 1 {
                        let e = lease.renew().await?;
                        log(format!("renewed to {e}"));
                    }
                }
                let epoch = lease.release().await;
                Ok((done, epoch))
            }
        },
        run: async {
            (with_lease("a", 5, 4).await, with_lease("b", 2, 6).await, with_lease("c", 0, 1).await)
        },
    }
}

differential! {
    /// A lease held while work proceeds in steps, renewed every other step
    /// (`renew` failing ends the work early with the lease and the current
    /// step's dropper live), released with an await at the end.
    name: lease_renewal_loop_release_in_braces,
    items: {
        pub struct Lease { pub key: &'static str, pub epoch: u32, pub budget: u32, pub _d: D }
        impl Lease {
            #[lh] pub async fn acquire(key: &'static str, budget: u32) -> Result<Self, String> {
                pend(1, ()).await;
                if budget == 0 { return Err(format!("{key} held elsewhere")); }
                Ok(Self { key, epoch: 1, budget, _d: D::new("lease") })
            }
            #[lh] pub async fn renew(&mut self) -> Result<u32, String> {
                pend(1, ()).await;
                if self.epoch >= self.budget {
                    return Err(format!("lost {} at epoch {}", self.key, self.epoch));
                }
                self.epoch += 1;
                Ok(self.epoch)
            }
            #[lh] pub async fn release(self) -> u32 {
                pend(1, ()).await;
                log(format!("released {}", self.key));
                self.epoch
            }
        }
        #[lh] pub async fn with_lease(key: &'static str, budget: u32, steps: u32) -> Result<(u32, u32), String> {
            let mut lease = Lease::acquire(key, budget).await?;
            let mut done = 0;
            for step in 0..steps {
                let work = D::new("step");
                done += fetch(step).await;
                if step % 2 == 1 {
                    let e = lease.renew().await?;
                    log(format!("renewed to {e}"));
                }
            }
            let epoch = { lease }.release().await;
            Ok((done, epoch))
        }
    },
    run: async {
        (with_lease("a", 5, 4).await, with_lease("b", 2, 6).await, with_lease("c", 0, 1).await)
    },
}

differential! {
    /// A leader lease whose on-lost hook is a `Box<dyn FnOnce>` taken out
    /// of an `Option` after an await and called; an `FnMut` heartbeat
    /// closure kept across awaits mutating a captured counter.
    name: lease_on_lost_fnonce_and_fnmut_heartbeat,
    items: {
        #[lh] pub async fn lead(terms: u32, lose_at: u32, on_lost: Option<Box<dyn FnOnce(u32) -> D>>) -> (u32, Option<&'static str>) {
            let mut beats = 0;
            let mut heartbeat = |t: u32| {
                beats += 1;
                log(format!("beat {t}/{beats}"));
                beats
            };
            let mut hook = on_lost;
            let mut lost = None;
            for t in 0..terms {
                pend(1, ()).await;
                let n = heartbeat(t);
                if t == lose_at {
                    if let Some(f) = hook.take() {
                        let d = f(t);
                        pend(1, ()).await;
                        lost = Some(d.0);
                    }
                    break;
                }
            }
            (beats, lost)
        }
    },
    run: async {
        let cb: Box<dyn FnOnce(u32) -> D> = Box::new(|t| { log(format!("lost at {t}")); D::new("lost") });
        (lead(4, 2, Some(cb)).await, lead(2, 9, None).await)
    },
}

// ---------------------------------------------------------------------------
// 12. Raft-like `append_entries`
// ---------------------------------------------------------------------------

differential! {
    /// A follower's `append_entries`: the request destructured in the
    /// parameter pattern (a struct pattern binding every field), term
    /// checks with early returns, a consistency check that awaits the
    /// storage, truncation and appends with an await per entry, the commit
    /// index advanced with `min`; a persist dropper live across the writes.
    name: raft_append_entries_follower,
    items: {
        #[derive(Debug, Clone)]
        pub struct Entry { pub term: u64, pub cmd: String }
        pub struct AppendEntries { pub term: u64, pub leader: u32, pub prev_index: usize, pub prev_term: u64, pub entries: Vec<Entry>, pub commit: usize }
        #[derive(Debug)]
        pub struct Reply { pub term: u64, pub success: bool, pub match_index: usize }
        pub struct Node { pub term: u64, pub log: Vec<Entry>, pub commit: usize, pub leader: Option<u32>, pub _d: D }
        impl Node {
            #[lh] pub async fn persist(&self, what: &str) {
                pend(1, ()).await;
                log(format!("persist {what} term={} len={}", self.term, self.log.len()));
            }
            #[lh] pub async fn append_entries(&mut self, AppendEntries { term, leader, prev_index, prev_term, entries, commit }: AppendEntries) -> Reply {
                if term < self.term {
                    return Reply { term: self.term, success: false, match_index: 0 };
                }
                if term > self.term {
                    self.term = term;
                    self.persist("term").await;
                }
                self.leader = Some(leader);
                let ok = prev_index == 0 || self.log.get(prev_index - 1).map(|e| e.term) == Some(prev_term);
                if !ok {
                    pend(1, ()).await;
                    return Reply { term: self.term, success: false, match_index: self.log.len().min(prev_index.saturating_sub(1)) };
                }
                let _io = D::new("io");
                for (i, e) in entries.into_iter().enumerate() {
                    let at = prev_index + i;
                    match self.log.get(at) {
                        Some(old) if old.term == e.term => continue,
                        Some(_) => {
                            self.log.truncate(at);
                            self.persist("truncate").await;
                            self.log.push(e);
                        }
                        None => self.log.push(e),
                    }
                    self.persist("append").await;
                }
                if commit > self.commit {
                    self.commit = commit.min(self.log.len());
                }
                Reply { term: self.term, success: true, match_index: self.log.len() }
            }
        }
    },
    run: async {
        let e = |t: u64, c: &str| Entry { term: t, cmd: c.to_string() };
        let mut n = Node { term: 1, log: vec![e(1, "a"), e(1, "b"), e(1, "c")], commit: 1, leader: None, _d: D::new("node") };
        let r1 = n.append_entries(AppendEntries { term: 0, leader: 9, prev_index: 0, prev_term: 0, entries: vec![], commit: 0 }).await;
        let r2 = n.append_entries(AppendEntries { term: 2, leader: 2, prev_index: 1, prev_term: 1, entries: vec![e(1, "b"), e(2, "x")], commit: 3 }).await;
        let r3 = n.append_entries(AppendEntries { term: 2, leader: 2, prev_index: 7, prev_term: 2, entries: vec![e(2, "y")], commit: 3 }).await;
        (r1, r2, r3, n.log.iter().map(|e| e.cmd.clone()).collect::<Vec<_>>(), n.commit, n.leader)
    },
}

differential! {
    /// A leader replicating to its peers: `for (i, peer) in
    /// peers.iter_mut().enumerate()` with awaits, `next_index` decremented
    /// and retried in an inner loop, a labelled `break 'peers` with a value
    /// when a higher term is seen, `match (term_ok, success)` after awaits.
    name: raft_leader_replicate_labelled_break_value,
    items: {
        #[derive(Debug)]
        pub struct Peer { pub id: u32, pub next: usize, pub has: usize, pub term: u64 }
        #[lh] pub async fn rpc(p: &Peer, from: usize, term: u64) -> (u64, bool) {
            log(format!("rpc {} from {from}", p.id));
            pend(1, ()).await;
            (p.term.max(term), from <= p.has)
        }
        #[lh] pub async fn replicate(peers: &mut Vec<Peer>, term: u64, len: usize) -> Result<usize, u64> {
            let _round = D::new("round");
            let stepped_down = 'peers: {
                for (i, peer) in peers.iter_mut().enumerate() {
                    let _p = D::new("peer");
                    loop {
                        match rpc(peer, peer.next, term).await {
                            (t, _) if t > term => break 'peers Some(t),
                            (_, true) => {
                                peer.next = len + 1;
                                peer.has = len;
                                break;
                            }
                            (_, false) if peer.next > 1 => {
                                peer.next -= 1;
                                pend(1, ()).await;
                            }
                            (_, false) => break,
                        }
                    }
                    log(format!("peer {i} at {}", peer.next));
                }
                None
            };
            if let Some(t) = stepped_down {
                return Err(t);
            }
            let acked = peers.iter().filter(|p| p.has >= len).count();
            Ok(pend(1, acked).await)
        }
    },
    run: async {
        let mut peers = vec![Peer { id: 1, next: 4, has: 3, term: 2 }, Peer { id: 2, next: 4, has: 1, term: 2 }];
        let a = replicate(&mut peers, 2, 3).await;
        let mut peers2 = vec![Peer { id: 3, next: 2, has: 2, term: 2 }, Peer { id: 4, next: 2, has: 0, term: 5 }];
        let b = replicate(&mut peers2, 2, 2).await;
        (a, peers, b, peers2)
    },
}

// ---------------------------------------------------------------------------
// 13. Websocket ping/pong
// ---------------------------------------------------------------------------

differential! {
    /// A websocket loop: messages matched (`Text`, `Binary`, `Ping`,
    /// `Pong`, `Close`), a pong sent for each ping, missed pongs counted on
    /// idle ticks, the connection closed with an await when too many are
    /// missed, an `FnMut` on-message callback kept across awaits.
    name: websocket_ping_pong_loop_fnmut_callback,
    items: {
        #[derive(Debug)]
        pub enum Msg { Text(String), Binary(Vec<u8>), Ping(u32), Pong(u32), Close(Option<u16>), Idle }
        pub struct Ws { pub inbox: VecDeque<Msg>, pub sent: Vec<String>, pub _d: D }
        impl Ws {
            #[lh] pub async fn recv(&mut self) -> Option<Msg> {
                pend(1, ()).await;
                self.inbox.pop_front()
            }
            #[lh] pub async fn send(&mut self, m: Msg) -> Result<(), String> {
                pend(1, ()).await;
                if let Msg::Text(t) = &m && t == "fail" {
                    return Err("send failed".into());
                }
                self.sent.push(format!("{m:?}"));
                Ok(())
            }
        }
        #[lh] pub async fn serve(mut ws: Ws, max_missed: u32) -> (Result<u16, String>, Vec<String>, u32) {
            let mut texts = 0u32;
            let mut on_text = |t: &str| {
                texts += 1;
                log(format!("text #{texts}: {t}"));
                t.len()
            };
            let mut missed = 0;
            let mut ping_id = 0;
            let r = loop {
                let Some(msg) = ws.recv().await else {
                    break Err("eof".to_string());
                };
                match msg {
                    Msg::Text(t) => {
                        let n = on_text(&t);
                        if let Err(e) = ws.send(Msg::Text(format!("echo {n}"))).await {
                            break Err(e);
                        }
                    }
                    Msg::Binary(b) => log(format!("binary {}", b.len())),
                    Msg::Ping(id) => {
                        if let Err(e) = ws.send(Msg::Pong(id)).await {
                            break Err(e);
                        }
                    }
                    Msg::Pong(id) if id == ping_id => missed = 0,
                    Msg::Pong(_) => {}
                    Msg::Idle => {
                        missed += 1;
                        if missed > max_missed {
                            let _ = ws.send(Msg::Close(Some(1001))).await;
                            break Ok(1001);
                        }
                        ping_id += 1;
                        let _ = ws.send(Msg::Ping(ping_id)).await;
                    }
                    Msg::Close(code) => {
                        let _ = ws.send(Msg::Close(code)).await;
                        break Ok(code.unwrap_or(1005));
                    }
                }
            };
            (r, ws.sent.clone(), texts)
        }
    },
    run: async {
        let ws = |m: Vec<Msg>| Ws { inbox: m.into(), sent: Vec::new(), _d: D::new("ws") };
        (
            serve(ws(vec![Msg::Text("hi".into()), Msg::Ping(7), Msg::Idle, Msg::Pong(1), Msg::Binary(vec![1, 2]), Msg::Close(None)]), 2).await,
            serve(ws(vec![Msg::Idle, Msg::Idle, Msg::Pong(1), Msg::Idle, Msg::Idle, Msg::Idle]), 1).await,
            serve(ws(vec![Msg::Text("a".into())]), 1).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 14. A crawler
// ---------------------------------------------------------------------------

differential! {
    /// A breadth-first crawler: a `VecDeque` frontier of `(url, depth)`,
    /// a visited `HashSet`, links fetched with an await per page, a page
    /// budget ending the crawl early with a `break` while a page dropper
    /// is live.
    name: crawler_bfs_frontier_visited,
    items: {
        #[lh] pub async fn links(url: &str) -> Result<Vec<String>, String> {
            log(format!("GET {url}"));
            pend(1, ()).await;
            match url {
                "/" => Ok(vec!["/a".into(), "/b".into()]),
                "/a" => Ok(vec!["/".into(), "/a/1".into(), "/b".into()]),
                "/b" => Err("500".into()),
                u if u.ends_with("/1") => Ok(vec![format!("{u}/deep")]),
                _ => Ok(vec![]),
            }
        }
        #[lh] pub async fn crawl(start: &str, max_depth: u32, budget: usize) -> (Vec<String>, Vec<String>) {
            let mut frontier = VecDeque::from([(start.to_string(), 0)]);
            let mut visited = HashSet::new();
            let mut order = Vec::new();
            let mut errors = Vec::new();
            while let Some((url, depth)) = frontier.pop_front() {
                if !visited.insert(url.clone()) {
                    continue;
                }
                let page = D::new("page");
                if order.len() == budget {
                    log("budget");
                    break;
                }
                let found = match links(&url).await {
                    Ok(l) => l,
                    Err(e) => {
                        errors.push(format!("{url}: {e}"));
                        continue;
                    }
                };
                order.push(url);
                if depth < max_depth {
                    for l in found {
                        if !visited.contains(&l) {
                            frontier.push_back((l, depth + 1));
                        }
                    }
                }
                pend(1, ()).await;
            }
            (order, errors)
        }
    },
    run: async { (crawl("/", 2, 10).await, crawl("/", 5, 2).await) },
}

differential! {
    /// A depth-first crawler over a stack: `while let Some(x) =
    /// stack.pop()` pushing children after an await, the loop variable
    /// shadowed twice (`let url = url.trim_end_matches('/')`, then an
    /// owned `String`), a robots check whose `let else` returns after an
    /// await.
    name: crawler_dfs_stack_shadowed_let_else_return,
    items: {
        #[lh] pub async fn robots(url: &str) -> Option<bool> {
            pend(1, ()).await;
            if url.contains("private") { Some(false) } else if url.contains("down") { None } else { Some(true) }
        }
        #[lh] pub async fn crawl(seed: Vec<&'static str>) -> Result<Vec<String>, String> {
            let mut stack = seed;
            let mut seen = Vec::new();
            let _crawl = D::new("crawl");
            while let Some(url) = stack.pop() {
                let url = url.trim_end_matches('/');
                let Some(allowed) = robots(url).await else {
                    let _err = D::new("err");
                    pend(1, ()).await;
                    return Err(format!("robots unavailable for {url}"));
                };
                if !allowed {
                    continue;
                }
                let url = format!("{url}/");
                let n = fetch(url.len() as u32).await;
                if n < 12 {
                    stack.push("/x/private");
                    stack.push("/x/more/");
                }
                seen.push(url);
            }
            Ok(seen)
        }
    },
    run: async {
        (crawl(vec!["/a/"]).await, crawl(vec!["/down", "/b"]).await)
    },
}

// ---------------------------------------------------------------------------
// 15. Receivers reached through a user `Deref`
// ---------------------------------------------------------------------------

known_gap! {
    reason: "s20-1 (runs differently, evaluation order): a method called through a user `Deref` receiver with an awaited argument, minimal `async fn f() -> bool { let t = LazyCell::new(|| { log(\"build\"); vec![2u32] }); t.contains(&fetch(1).await) }`: rustc applies the receiver's autoderef (`Deref::deref(&t)`, which runs the `LazyCell` initialiser) before evaluating the arguments, native `[\"build\", \"fetch 1\"]`; longhand leaves the receiver place where it is and evaluates the awaited argument first, lowered `[\"fetch 1\", \"build\"]` (and a future cancelled at the await never builds the table). Any user `Deref`/`DerefMut` with an effect shows it: `g.push(fetch(1).await)` and `(*g).push(fetch(1).await)` with a logging `deref_mut`, and a field read through one as an earlier call operand, `add(w.n, fetch(1).await)` (rustc reads `w.n`, calling `deref`, before the await; longhand leaves the field path in place and reads it after); a macro cannot see that a place goes through an overloaded deref. Workaround: deref first, `let t = &*t;` (or `LazyCell::force(&t)`), case `deref_receiver_lazy_allowlist_forced_first`",
    differential! {
        /// A lazily built allowlist (`LazyCell`) queried with an awaited
        /// key: `allow.contains(&key(..).await)`.
        name: deref_receiver_lazy_allowlist,
        items: {
            #[lh] pub async fn key(id: u32) -> String {
                log(format!("key {id}"));
                pend(1, format!("user-{id}")).await
            }
            #[lh] pub async fn allowed(ids: Vec<u32>) -> Vec<bool> {
                let allow = std::cell::LazyCell::new(|| {
                    log("build allowlist");
                    vec!["user-1".to_string(), "user-3".to_string()]
                });
                let _g = D::new("g");
                let mut out = Vec::new();
                for id in ids {
                    out.push(allow.contains(&key(id).await));
                }
                out
            }
        },
        run: async { (allowed(vec![1, 2]).await, allowed(vec![]).await) },
    }
}

differential! {
    /// s20-1 workaround: the `LazyCell` forced before the awaited argument
    /// (`let allow = &*allow;`), so both sides build it in the same place.
    name: deref_receiver_lazy_allowlist_forced_first,
    items: {
        #[lh] pub async fn key(id: u32) -> String {
            log(format!("key {id}"));
            pend(1, format!("user-{id}")).await
        }
        #[lh] pub async fn allowed(ids: Vec<u32>) -> Vec<bool> {
            let allow = std::cell::LazyCell::new(|| {
                log("build allowlist");
                vec!["user-1".to_string(), "user-3".to_string()]
            });
            let _g = D::new("g");
            let mut out = Vec::new();
            for id in ids {
                let allow = &*allow;
                out.push(allow.contains(&key(id).await));
            }
            out
        }
    },
    run: async { (allowed(vec![1, 2]).await, allowed(vec![]).await) },
}

known_gap! {
    reason: "s20-2 (runs differently, a `Deref` runs twice): indexing a place reached through a user `Deref` with an awaited index, minimal `async fn f(g: G) -> u32 { g[fetch(0).await as usize] }` with `impl Deref for G { fn deref(&self) -> &Vec<u32> { log(\"deref\"); .. } }`: rustc derefs the base once, before the index operand (native `[\"deref\", \"fetch 0\"]`); longhand keeps `g[{ suspend }]` as written in the first poll, so the base is dereferenced before suspending and again when the expression is rebuilt on resumption (lowered `[\"deref\", \"fetch 0\", \"deref\"]`); the same through a field, `s.g[fetch(0).await as usize]`, and through a reference, `let v = &g; v[fetch(0).await as usize]` (a user `Index` impl is called once, after the await, as rustc does: only the deref of the base is replayed). Workaround: bind the index first (`let i = fetch(0).await as usize; g[i]`), case `deref_index_tracked_routes_index_bound_first`",
    differential! {
        /// A route table wrapped in an access-counting `Tracked<T>`
        /// (instrumentation via `Deref`), indexed by an awaited pick.
        name: deref_index_tracked_routes,
        items: {
            pub struct Tracked<T> { pub inner: T, pub reads: Cell<u32> }
            impl<T> Deref for Tracked<T> {
                type Target = T;
                fn deref(&self) -> &T {
                    self.reads.set(self.reads.get() + 1);
                    log(format!("read #{}", self.reads.get()));
                    &self.inner
                }
            }
            #[lh] pub async fn pick(n: usize) -> usize {
                pend(1, ()).await;
                n % 3
            }
            #[lh] pub async fn route(routes: &Tracked<Vec<&'static str>>, keys: &[usize]) -> Vec<&'static str> {
                let mut out = Vec::new();
                for &k in keys {
                    out.push(routes[pick(k).await]);
                }
                out
            }
        },
        run: async {
            let t = Tracked { inner: vec!["a", "b", "c"], reads: Cell::new(0) };
            let r = route(&t, &[1, 5]).await;
            (r, t.reads.get())
        },
    }
}

differential! {
    /// s20-2 workaround: the awaited index bound first, then the tracked
    /// table indexed once.
    name: deref_index_tracked_routes_index_bound_first,
    items: {
        pub struct Tracked<T> { pub inner: T, pub reads: Cell<u32> }
        impl<T> Deref for Tracked<T> {
            type Target = T;
            fn deref(&self) -> &T {
                self.reads.set(self.reads.get() + 1);
                log(format!("read #{}", self.reads.get()));
                &self.inner
            }
        }
        #[lh] pub async fn pick(n: usize) -> usize {
            pend(1, ()).await;
            n % 3
        }
        #[lh] pub async fn route(routes: &Tracked<Vec<&'static str>>, keys: &[usize]) -> Vec<&'static str> {
            let mut out = Vec::new();
            for &k in keys {
                let i = pick(k).await;
                out.push(routes[i]);
            }
            out
        }
    },
    run: async {
        let t = Tracked { inner: vec!["a", "b", "c"], reads: Cell::new(0) };
        let r = route(&t, &[1, 5]).await;
        (r, t.reads.get())
    },
}

// ---------------------------------------------------------------------------
// 16. Language shapes from the same crates
// ---------------------------------------------------------------------------

differential! {
    /// `Cow<'_, str>` from a normaliser kept across awaits, matched after
    /// them, and turned into an owned `String` with `into_owned` at the end.
    name: cow_normalized_path_across_awaits,
    items: {
        pub fn normalize(p: &str) -> Cow<'_, str> {
            if p.contains("//") { Cow::Owned(p.replace("//", "/")) } else { Cow::Borrowed(p) }
        }
        #[lh] pub async fn resolve(raw: String) -> (String, &'static str, u32) {
            let _req = D::new("req");
            let path = normalize(&raw);
            let n = fetch(path.len() as u32).await;
            let kind = match &path {
                Cow::Borrowed(_) => "borrowed",
                Cow::Owned(_) => {
                    pend(1, ()).await;
                    "owned"
                }
            };
            let segs = path.split('/').filter(|s| !s.is_empty()).count() as u32;
            sink(&path).await;
            (path.into_owned(), kind, n + segs)
        }
    },
    run: async { (resolve("/a//b".to_string()).await, resolve("/a/b/c".to_string()).await) },
}

differential! {
    /// `Cow` built in an `if let .. else if let .. else` chain, with awaits
    /// in the conditions, then extended with `to_mut()` after an await.
    name: cow_built_in_if_let_chain_then_to_mut,
    items: {
        #[lh] pub async fn lookup(k: &str) -> Option<String> {
            pend(1, ()).await;
            (k.len() > 2).then(|| k.to_uppercase())
        }
        #[lh] pub async fn label<'a>(k: &'a str, alt: &'a str) -> String {
            let mut name: Cow<'a, str> = if let Some(v) = lookup(k).await {
                Cow::Owned(v)
            } else if let Some(v) = lookup(alt).await {
                let d = D::new("alt");
                pend(1, ()).await;
                Cow::Owned(format!("{v}*"))
            } else {
                Cow::Borrowed(k)
            };
            if fetch(name.len() as u32).await > 6 {
                name.to_mut().push('!');
            }
            name.into_owned()
        }
    },
    run: async { (label("abcd", "x").await, label("a", "xyz").await, label("a", "b").await) },
}

differential! {
    /// `Option<&mut T>` kept across awaits: a slot found with
    /// `iter_mut().find(..)`, updated after an await; `as_mut()` on a
    /// local `Option<Vec<D>>` pushing an awaited dropper.
    name: option_mut_ref_across_awaits,
    items: {
        #[lh] pub async fn update(slots: &mut Vec<(u32, u32)>, key: u32, extra: &mut Option<Vec<D>>) -> Option<u32> {
            let slot: Option<&mut (u32, u32)> = slots.iter_mut().find(|s| s.0 == key);
            let add = fetch(key).await;
            if let Some(v) = extra.as_mut() {
                v.push(load("extra").await);
            }
            let slot = slot?;
            slot.1 += add;
            pend(1, ()).await;
            Some(slot.1)
        }
    },
    run: async {
        let mut slots = vec![(1, 10), (2, 20)];
        let mut extra = Some(Vec::new());
        let a = update(&mut slots, 2, &mut extra).await;
        let b = update(&mut slots, 3, &mut None).await;
        (a, b, slots, extra.map(|v| v.len()))
    },
}

differential! {
    /// `as_deref_mut` and `as_deref` on `Option<String>` fields across
    /// awaits in a `&mut self` method, with a `match` on
    /// `self.name.as_deref()` whose arms await.
    name: option_as_deref_mut_fields,
    items: {
        pub struct Profile { pub name: Option<String>, pub bio: Option<String>, pub _d: D }
        impl Profile {
            #[lh] pub async fn tidy(&mut self) -> String {
                if let Some(n) = self.name.as_deref_mut() {
                    n.make_ascii_uppercase();
                    pend(1, ()).await;
                    log(format!("name {n}"));
                }
                let label = match self.name.as_deref() {
                    Some("ADMIN") => {
                        let d = load("audit").await;
                        "admin"
                    }
                    Some(_) => "user",
                    None => pend(1, "anon").await,
                };
                let bio_len = self.bio.as_deref().map_or(0, str::len);
                format!("{label}:{}", fetch(bio_len as u32).await)
            }
        }
    },
    run: async {
        let mut a = Profile { name: Some("admin".into()), bio: None, _d: D::new("a") };
        let mut b = Profile { name: None, bio: Some("hi".into()), _d: D::new("b") };
        let mut c = Profile { name: Some("zed".into()), bio: Some("x".into()), _d: D::new("c") };
        (a.tidy().await, b.tidy().await, c.tidy().await, a.name)
    },
}

differential! {
    /// `?` on `Option` in an `async fn` returning `Option`, in a `let`, in a
    /// nested block and inside a `match` arm, each after awaits, with
    /// droppers at two scope levels.
    name: question_mark_on_option_nested,
    items: {
        #[lh] pub async fn lookup(k: &str) -> Option<String> {
            pend(1, ()).await;
            (k.len() > 2).then(|| k.to_uppercase())
        }
        #[lh] pub async fn resolve(a: &str, b: &str) -> Option<(String, usize)> {
            let _outer = D::new("outer");
            let x = lookup(a).await?;
            let n = {
                let _inner = D::new("inner");
                let y = lookup(b).await?;
                y.len()
            };
            let z = match n {
                3 => lookup(&x).await?,
                _ => {
                    let t = pend(1, x.clone()).await;
                    t.get(..2)?.to_string()
                }
            };
            Some((z, n))
        }
    },
    run: async {
        (resolve("abc", "defg").await, resolve("ab", "xyz").await, resolve("abc", "de").await, resolve("abcd", "xyz").await)
    },
}

differential! {
    /// `Result<Option<T>, E>` handling: `transpose()` of an optional parse,
    /// `?` after an await, `Option<Result<..>>` from an iterator's `next`
    /// matched with `Some(Err(e))`, and `ok().flatten()`.
    name: result_option_transpose_question_mark,
    items: {
        #[lh] pub async fn parse_limit(q: Option<&str>) -> Result<Option<u32>, String> {
            let limit = q.map(|s| s.parse::<u32>()).transpose().map_err(|e| e.to_string())?;
            let limit = match limit {
                Some(l) if l > 100 => return Err(format!("limit {l} too big")),
                other => other,
            };
            pend(1, ()).await;
            Ok(limit)
        }
        #[lh] pub async fn page(qs: Vec<Option<&'static str>>) -> Result<Vec<u32>, String> {
            let _p = D::new("page");
            let mut out = Vec::new();
            let mut it = qs.into_iter().map(|q| q.map(|s| s.trim()));
            while let Some(q) = it.next() {
                let l = parse_limit(q).await?.unwrap_or(10);
                out.push(fetch(l).await);
            }
            let firsts: Vec<Option<u32>> = vec![parse_limit(Some("7")).await.ok().flatten(), parse_limit(Some("x")).await.ok().flatten()];
            out.extend(firsts.into_iter().flatten());
            Ok(out)
        }
    },
    run: async {
        (page(vec![Some("3"), None]).await, page(vec![Some("1"), Some("x"), Some("2")]).await, page(vec![Some("500")]).await)
    },
}

differential! {
    /// `std::ops::ControlFlow` with `?` (which returns its `Break`) in an
    /// `async fn` returning `ControlFlow`, folded over a list with a
    /// dropper per item.
    name: control_flow_question_mark_fold,
    items: {
        #[lh] pub async fn step(acc: u32, x: u32) -> ControlFlow<String, u32> {
            pend(1, ()).await;
            if x == 0 { ControlFlow::Break(format!("zero after {acc}")) } else { ControlFlow::Continue(acc + x) }
        }
        #[lh] pub async fn fold(xs: Vec<u32>) -> ControlFlow<String, u32> {
            let _f = D::new("fold");
            let mut acc = 0;
            for x in xs {
                let d = D::new("item");
                acc = step(acc, x).await?;
                if acc > 20 {
                    return ControlFlow::Break(format!("over {}", fetch(acc).await));
                }
            }
            ControlFlow::Continue(acc)
        }
    },
    run: async { (fold(vec![1, 2, 3]).await, fold(vec![4, 0, 5]).await, fold(vec![15, 9, 1]).await) },
}

differential! {
    /// A `Drop` struct owning droppers and another `Drop` struct (nested
    /// drop order: the outer's `drop` runs, then its fields in declaration
    /// order, the inner's `drop` before its own fields), live across
    /// awaits; an inner swapped out with `mem::replace` mid-body.
    name: nested_drop_structs_across_awaits,
    items: {
        pub struct Inner { pub a: D, pub b: D }
        impl Drop for Inner {
            fn drop(&mut self) { log(format!("drop Inner({}, {})", self.a.0, self.b.0)); }
        }
        pub struct Outer { pub head: D, pub inner: Inner, pub tail: Vec<D> }
        impl Drop for Outer {
            fn drop(&mut self) { log(format!("drop Outer({}, {} tail)", self.head.0, self.tail.len())); }
        }
        #[lh] pub async fn build(swap: bool) -> usize {
            let mut o = Outer { head: D::new("head"), inner: Inner { a: D::new("a1"), b: D::new("b1") }, tail: vec![] };
            o.tail.push(load("t1").await);
            let old = if swap {
                let fresh = Inner { a: load("a2").await, b: D::new("b2") };
                Some(std::mem::replace(&mut o.inner, fresh))
            } else {
                None
            };
            o.tail.push(load("t2").await);
            drop(old);
            pend(1, o.tail.len()).await
        }
    },
    run: async { (build(true).await, build(false).await) },
}

differential! {
    /// An `FnMut` closure in a struct field (`Box<dyn FnMut>`) called with
    /// awaited arguments, `(self.on_event)(x.await)`, and a local `FnMut`
    /// counter closure kept across awaits and called in a `while`
    /// condition.
    name: fnmut_boxed_field_and_local_counter,
    items: {
        pub struct Emitter { pub on_event: Box<dyn FnMut(u32) -> u32>, pub _d: D }
        impl Emitter {
            #[lh] pub async fn pump(&mut self, n: u32) -> Vec<u32> {
                let mut out = Vec::new();
                let mut left = n;
                let mut more = || {
                    log(format!("left {left}"));
                    left = left.checked_sub(1)?;
                    Some(left)
                };
                while let Some(i) = more() {
                    out.push((self.on_event)(fetch(i).await));
                }
                out
            }
        }
    },
    run: async {
        let mut total = 0;
        let mut e = Emitter { on_event: Box::new(move |x| { total += x; total }), _d: D::new("emitter") };
        (e.pump(3).await, e.pump(1).await)
    },
}

differential! {
    /// `Box<dyn FnOnce>` callbacks: a completion callback declared with its
    /// type called after an await, and one returned by a factory (type
    /// unwritten) called in a `match` arm after an await.
    name: boxed_fnonce_called_after_await,
    items: {
        pub fn make_cb(tag: &'static str) -> Box<dyn FnOnce(u32) -> String> {
            let d = D::new(tag);
            Box::new(move |n| { d.touch(); format!("{tag}:{n}") })
        }
        #[lh] pub async fn run_job(fail: bool) -> String {
            let done: Box<dyn FnOnce(u32) -> String> = make_cb("done");
            let cb = make_cb("err");
            let n = fetch(3).await;
            if fail {
                match check(n + 1).await {
                    Ok(v) => done(v),
                    Err(e) => cb(e.len() as u32),
                }
            } else {
                pend(1, ()).await;
                done(n)
            }
        }
    },
    run: async { (run_job(false).await, run_job(true).await) },
}

differential! {
    /// `Rc` clones across awaits: strong counts logged, one clone dropped
    /// between awaits, `Rc::try_unwrap` at the end succeeding or failing.
    name: rc_clones_try_unwrap,
    items: {
        #[lh] pub async fn share(keep: bool) -> Result<&'static str, usize> {
            let a = Rc::new(D::new("shared"));
            let b = Rc::clone(&a);
            let c = a.clone();
            pend(1, ()).await;
            log(format!("strong {}", Rc::strong_count(&a)));
            drop(b);
            let kept = if keep { Some(c) } else { drop(c); None };
            pend(1, ()).await;
            log(format!("strong {}", Rc::strong_count(&a)));
            let r = Rc::try_unwrap(a).map(|d| d.0).map_err(|rc| Rc::strong_count(&rc));
            pend(1, ()).await;
            r
        }
    },
    run: async { (share(false).await, share(true).await) },
}

differential! {
    /// `for (i, row) in grid.iter().enumerate()` nested with awaits and a
    /// labelled block broken with a value from the inner loop; shadowed
    /// loop variables (`let cell = fetch(*cell).await;`).
    name: enumerate_nested_labelled_block_value,
    items: {
        #[lh] pub async fn find(grid: Vec<Vec<u32>>, target: u32) -> Option<(usize, usize, u32)> {
            let _scan = D::new("scan");
            let hit = 'search: {
                for (i, row) in grid.iter().enumerate() {
                    let _row = D::new("row");
                    for (j, cell) in row.iter().enumerate() {
                        let cell = fetch(*cell).await;
                        let cell = cell + 1;
                        if cell == target {
                            break 'search Some((i, j, cell));
                        }
                    }
                }
                None
            };
            pend(1, hit).await
        }
    },
    run: async { (find(vec![vec![1, 2], vec![3, 4]], 7).await, find(vec![vec![1]], 9).await) },
}

differential! {
    /// axum-style nested extractor patterns in parameters
    /// (`Json(Login { user, pass }): Json<Login>`, a tuple struct holding a
    /// tuple), each binding a dropper kept across awaits.
    name: params_nested_tuple_struct_and_struct_patterns,
    items: {
        pub struct Json<T>(pub T);
        pub struct Pair<A, B>(pub A, pub B);
        pub struct Login { pub user: String, pub pass: D }
        #[lh] pub async fn login(Json(Login { user, pass }): Json<Login>, Pair((a, b), tag): Pair<(D, u32), D>) -> String {
            let ok = pend(1, pass.0.len() > 2).await;
            tag.touch();
            if !ok {
                return format!("denied {user}");
            }
            a.touch();
            format!("{user}:{}", fetch(b).await)
        }
    },
    run: async {
        (
            login(Json(Login { user: "ann".into(), pass: D::new("pw1") }), Pair((D::new("a1"), 2), D::new("tag1"))).await,
            login(Json(Login { user: "bob".into(), pass: D::new("p") }), Pair((D::new("a2"), 3), D::new("tag2"))).await,
        )
    },
}

differential! {
    /// `Self::` constructors in lowered `async fn`s of an impl: an async
    /// `open` returning `Self` built by `Self::with`, an enum's `Self::Ready`
    /// variant built from an awaited value, `Self::DEFAULT_PORT`.
    name: self_constructors_in_async_impls,
    items: {
        #[derive(Debug)]
        pub struct Session { pub id: u32, pub port: u16, pub _d: D }
        impl Session {
            pub const DEFAULT_PORT: u16 = 8080;
            pub fn with(id: u32, port: u16) -> Self { Self { id, port, _d: D::new("session") } }
            #[lh] pub async fn open(port: Option<u16>) -> Self {
                let id = fetch(1).await;
                Self::with(id, port.unwrap_or(Self::DEFAULT_PORT))
            }
            #[lh] pub async fn reopen(self) -> Self {
                let next = fetch(self.id).await;
                Self { id: next, ..Self::with(0, self.port) }
            }
        }
        #[derive(Debug)]
        pub enum Slot { Empty, Ready(Session), Failed(String) }
        impl Slot {
            #[lh] pub async fn fill(ok: bool) -> Self {
                if !ok {
                    return Self::Failed(format!("{}", fetch(9).await));
                }
                Self::Ready(Session::open(None).await)
            }
        }
    },
    run: async {
        let s = Session::open(Some(1)).await;
        let s = { s }.reopen().await;
        (s, Slot::fill(true).await, Slot::fill(false).await)
    },
}

differential! {
    /// Generic code over `T: Default + Clone + Debug`: a buffer filled with
    /// `T::default()`, slots replaced with awaited values, `clone()` of the
    /// whole buffer between awaits.
    name: generic_default_clone_buffer,
    items: {
        #[lh] pub async fn fill<T, F>(n: usize, make: F) -> (Vec<T>, Vec<T>)
        where
            T: Default + Clone + Debug,
            F: Fn(usize) -> Pend<T>,
        {
            let mut buf = vec![T::default(); n];
            let snapshot = buf.clone();
            for i in (0..n).rev() {
                buf[i] = make(i).await;
                log(format!("{i}: {:?}", buf[i]));
            }
            let last = buf.last().cloned().unwrap_or_default();
            buf.push(pend(1, last).await);
            (snapshot, buf)
        }
    },
    run: async {
        (fill(2, |i| pend(1, i as u32 * 3)).await, fill(2, |i| pend(i as u32, format!("s{i}"))).await, fill::<u8, _>(0, |_| pend(1, 1)).await)
    },
}

differential! {
    /// An integer overflow panic mid-body (`u8` budget `+=` an awaited
    /// cost) with droppers live at two scope levels and an awaitee's value
    /// already taken.
    name: panic_overflow_mid_body_live_droppers,
    items: {
        #[lh] pub async fn spend(costs: Vec<u8>) -> u8 {
            let _wallet = D::new("wallet");
            let mut budget: u8 = 200;
            for c in costs {
                let _charge = D::new("charge");
                let d = load("receipt").await;
                budget += pend(1, c).await;
                d.touch();
            }
            budget
        }
    },
    run: async { (spend(vec![10, 20]).await, spend(vec![30, 40, 50]).await) },
}

differential! {
    /// An `unwrap` on `None` after an await, inside a `match` arm in a
    /// loop, with a `Vec` of droppers and a guard-like struct live; the
    /// extra poll after the panic reports `resumed after panicking`.
    name: panic_unwrap_none_in_arm,
    items: {
        pub struct Span(pub D);
        impl Drop for Span {
            fn drop(&mut self) { log(format!("exit span {}", self.0.0)); }
        }
        #[lh] pub async fn handle_keys(keys: Vec<&'static str>) -> Vec<u32> {
            let _span = Span(D::new("req"));
            let mut held = Vec::new();
            let mut out = Vec::new();
            for k in keys {
                held.push(D::new(k));
                match k.len() {
                    0 => continue,
                    1 => out.push(fetch(1).await),
                    _ => {
                        let found: Option<u32> = pend(1, None).await;
                        out.push(found.unwrap());
                    }
                }
            }
            out
        }
    },
    run: async { (handle_keys(vec!["a", "", "b"]).await, handle_keys(vec!["a", "bc", "d"]).await) },
}

differential! {
    /// `return` from a `let .. else`'s `else` after an await, inside a
    /// loop, and `continue` from another `let else` whose `else` awaits;
    /// droppers at the function and loop levels.
    name: let_else_return_and_continue_after_await,
    items: {
        #[lh] pub async fn parse_all(lines: Vec<&'static str>) -> Result<Vec<(String, u32)>, String> {
            let _f = D::new("f");
            let mut out = Vec::new();
            for line in lines {
                let _l = D::new("line");
                let Some((k, v)) = line.split_once('=') else {
                    let _e = D::new("e");
                    sink(line).await;
                    return Err(format!("no '=' in {line}"));
                };
                let Ok(v) = v.parse::<u32>() else {
                    pend(1, ()).await;
                    continue;
                };
                out.push((k.to_string(), fetch(v).await));
            }
            Ok(out)
        }
    },
    run: async { (parse_all(vec!["a=1", "b=x", "c=3"]).await, parse_all(vec!["a=1", "oops", "c=3"]).await) },
}

known_gap! {
    reason: "partial-move family (runs differently, drop order): `match (load(x).await, load(y).await) { .. (a, _) if .. => { fetch(..).await; .. } .. }`: the arm moves `a` out of the scrutinee tuple and leaves the `_` element in it; rustc drops the rest with the temporary at the end of the `match` (native `[.., \"fetch 3\", \"drop abc\", \"drop d\"]`), longhand at the arm's suspension (lowered `[.., \"drop d\", \"fetch 3\", \"drop abc\"]`); workaround: bind the rest by value, `(a, _rest)`, case `match_tuple_of_awaited_droppers_rest_bound`",
    differential! {
        /// `match (a.await, b.await)` over two awaited droppers: one arm binds
        /// both by value, one binds the first and ignores the second with `_`,
        /// one binds nothing; arms await with the bindings live.
        name: match_tuple_of_awaited_droppers,
        items: {
            #[lh] pub async fn pair(x: &'static str, y: &'static str) -> usize {
                let _g = D::new("g");
                let n = match (load(x).await, load(y).await) {
                    (a, b) if a.0.len() == b.0.len() => {
                        pend(1, ()).await;
                        a.touch() + b.touch()
                    }
                    (a, _) if a.0.len() > 2 => {
                        let n = fetch(a.touch() as u32).await;
                        n as usize
                    }
                    _ => pend(1, 0).await,
                };
                n + 1
            }
        },
        run: async { (pair("ab", "cd").await, pair("abc", "d").await, pair("a", "bcd").await) },
    }
}

differential! {
    /// `match (a.await, b.await)` over two awaited droppers: one arm binds
    /// both by value, one binds the first and the second as `_rest`,
    /// one binds nothing; arms await with the bindings live (the
    /// partial-move workaround: the second bound as `_rest`).
    name: match_tuple_of_awaited_droppers_rest_bound,
    items: {
        #[lh] pub async fn pair(x: &'static str, y: &'static str) -> usize {
            let _g = D::new("g");
            let n = match (load(x).await, load(y).await) {
                (a, b) if a.0.len() == b.0.len() => {
                    pend(1, ()).await;
                    a.touch() + b.touch()
                }
                (a, _rest) if a.0.len() > 2 => {
                    let n = fetch(a.touch() as u32).await;
                    n as usize
                }
                _ => pend(1, 0).await,
            };
            n + 1
        }
    },
    run: async { (pair("ab", "cd").await, pair("abc", "d").await, pair("a", "bcd").await) },
}

differential! {
    /// An `async` block built early, capturing locals by reference, kept
    /// across other awaits and awaited later (a request prepared before
    /// the permit is acquired), then a second one awaited in a `match`.
    name: async_block_built_early_awaited_later,
    items: {
        #[lh] pub async fn go(sem: &Semaphore, base: u32) -> Result<u32, String> {
            let label = D::new("label");
            let req = async {
                label.touch();
                fetch(base).await + 1
            };
            let permit = sem.acquire().await?;
            let a = req.await;
            drop(permit);
            let fallback = async move { pend(2, base).await };
            Ok(match check(a).await {
                Ok(v) => v,
                Err(_) => fallback.await,
            })
        }
    },
    run: async {
        let sem = Semaphore::new(1);
        (go(&sem, 1).await, go(&sem, 2).await, go(&Semaphore::new(0), 3).await)
    },
}

// ---------------------------------------------------------------------------
// 17. `Send` parity
// ---------------------------------------------------------------------------

send_case! {
    /// An `Rc` read through `*rc` and dropped with `drop(rc)` before the
    /// first await: rustc still counts it (it was borrowed), longhand's
    /// future is `Send` (the one allowed difference).
    name: send_rc_dropped_explicitly_before_await,
    items: {
        #[lh] pub async fn f(n: u32) -> u32 {
            let rc = Rc::new(n);
            let v = *rc + 1;
            drop(rc);
            fetch(v).await
        }
    },
    future: f(2),
    native_send: false,
    lowered_send: true,
}

send_case! {
    /// A `MutexGuard` read and dropped in an inner block before the await
    /// (the mini-redis `Db` pattern), and a `!Send` value moved into a call
    /// before another await.
    name: send_guard_in_block_and_not_send_consumed,
    items: {
        pub fn consume(n: NotSend) -> usize { n.touch() }
        #[lh] pub async fn f(db: &std::sync::Mutex<Vec<u32>>) -> usize {
            let first = {
                let g = db.lock().unwrap();
                g.first().copied().unwrap_or(0)
            };
            let a = fetch(first).await;
            let ns = NotSend::new("ns");
            let n = consume(ns);
            pend(1, n + a as usize).await
        }
        pub static DB: std::sync::Mutex<Vec<u32>> = std::sync::Mutex::new(Vec::new());
    },
    future: f(&DB),
    native_send: true,
}

send_case! {
    /// A `!Send` value live across an await in one `match` arm only: both
    /// futures are `!Send`.
    name: send_not_send_held_in_one_arm,
    items: {
        #[lh] pub async fn f(k: u32) -> usize {
            match k {
                0 => {
                    let ns = NotSend::new("ns");
                    pend(1, ()).await;
                    ns.touch()
                }
                _ => fetch(k).await as usize,
            }
        }
    },
    future: f(0),
    native_send: false,
}

send_case! {
    /// A work queue behind `Arc<Mutex<VecDeque>>`: the `MutexGuard`
    /// (`!Send`) is a temporary of `let next = q.lock().unwrap().pop_front();`
    /// and dies at the end of that statement, before the loop's await.
    name: send_mutex_guard_temporary_in_let_statement,
    items: {
        #[lh] pub async fn f(q: std::sync::Arc<std::sync::Mutex<VecDeque<u32>>>) -> u32 {
            let mut total = 0;
            loop {
                let next = q.lock().unwrap().pop_front();
                let Some(x) = next else { break };
                total += fetch(x).await;
            }
            total
        }
    },
    future: f(std::sync::Arc::new(std::sync::Mutex::new(VecDeque::from([1, 2])))),
    native_send: true,
}

// ---------------------------------------------------------------------------
// 18. More plumbing from the same crates
// ---------------------------------------------------------------------------

differential! {
    /// A tower-ish trait with an `async fn` default method lowered in the
    /// trait itself (`Self` possibly unsized behind `&self`), overridden in
    /// one impl and inherited in another; called through generics.
    name: trait_async_default_method_lowered,
    items: {
        pub trait Store {
            fn name(&self) -> &'static str;
            #[lh] async fn get(&self, k: u32) -> Option<u32> {
                pend(1, ()).await;
                (k % 2 == 0).then_some(k * 10)
            }
            #[lh] async fn get_or(&self, k: u32, default: u32) -> u32 {
                let _span = D::new(self.name());
                match self.get(k).await {
                    Some(v) => v,
                    None => pend(1, default).await,
                }
            }
        }
        pub struct Mem;
        pub struct Remote(pub u32);
        impl Store for Mem {
            fn name(&self) -> &'static str { "mem" }
        }
        impl Store for Remote {
            fn name(&self) -> &'static str { "remote" }
            #[lh] async fn get(&self, k: u32) -> Option<u32> {
                let v = fetch(k + self.0).await;
                (v > 5).then_some(v)
            }
        }
        #[lh] pub async fn both<S: Store, T: Store + ?Sized>(a: &S, b: &T, k: u32) -> (u32, u32) {
            (a.get_or(k, 1).await, b.get_or(k, 2).await)
        }
    },
    run: async { (both(&Mem, &Remote(1), 2).await, both(&Remote(0), &Mem, 1).await) },
}

differential! {
    /// An `impl Decoder<Item = String, Error = String>` argument driven over
    /// a scripted transport, with the codec's `decode_eof` at the end and
    /// a frame counter kept in a `Cell` shared with a closure.
    name: codec_impl_trait_argument_decode_eof,
    items: {
        #[lh] pub async fn read_all(mut codec: impl Decoder<Item = String, Error = String>, mut io: Io) -> Result<Vec<String>, String> {
            let frames = Cell::new(0);
            let bump = || frames.set(frames.get() + 1);
            let mut buf = Vec::new();
            let mut out = Vec::new();
            loop {
                while let Some(f) = codec.decode(&mut buf)? {
                    bump();
                    out.push(f);
                }
                if io.read(&mut buf).await? == 0 {
                    break;
                }
            }
            if let Some(last) = codec.decode_eof(&mut buf)? {
                bump();
                out.push(pend(1, last).await);
            }
            log(format!("frames {}", frames.get()));
            Ok(out)
        }
    },
    run: async {
        (
            read_all(LinesCodec { max: 8 }, Io::new(&[b"a\nb", b"c\n", b"tail"])).await,
            read_all(LinesCodec { max: 2 }, Io::new(&[b"abcd"])).await,
            read_all(LinesCodec { max: 8 }, Io::new(&[b"x\n", b"!"])).await,
        )
    },
}

differential! {
    /// A metrics guard holding `&mut` to a local histogram across awaits,
    /// recording on drop; the histogram is read after the guard's scope
    /// ends, and again after an early `continue` dropped the guard.
    name: drop_guard_borrowing_local_mutably,
    items: {
        pub struct Timer<'a> { pub hist: &'a mut Vec<u32>, pub polls: u32 }
        impl Drop for Timer<'_> {
            fn drop(&mut self) {
                log(format!("record {}", self.polls));
                self.hist.push(self.polls);
            }
        }
        #[lh] pub async fn timed(jobs: Vec<u32>) -> (Vec<u32>, u32) {
            let mut hist = Vec::new();
            let mut total = 0;
            for j in jobs {
                {
                    let mut t = Timer { hist: &mut hist, polls: 0 };
                    if j == 0 {
                        continue;
                    }
                    for _ in 0..j {
                        pend(1, ()).await;
                        t.polls += 1;
                    }
                    total += fetch(j).await;
                }
                log(format!("hist {hist:?}"));
            }
            (hist, total)
        }
    },
    run: async { timed(vec![2, 0, 1]).await },
}

differential! {
    /// A pool picking the least-used of two borrowed connections after
    /// awaiting both health checks, returning a reference into its
    /// arguments (`-> &'a Conn`).
    name: pool_pick_returns_reference_after_awaits,
    items: {
        #[lh] pub async fn healthy(c: &Conn) -> bool {
            log(format!("ping {}", c.id));
            pend(1, ()).await;
            !c.broken
        }
        #[lh] pub async fn pick<'a>(a: &'a Conn, b: &'a Conn) -> Option<&'a Conn> {
            let _probe = D::new("probe");
            match (healthy(a).await, healthy(b).await) {
                (true, true) => Some(if a.uses <= b.uses { a } else { b }),
                (true, false) => Some(a),
                (false, true) => Some(b),
                (false, false) => {
                    pend(1, ()).await;
                    None
                }
            }
        }
    },
    run: async {
        let a = Conn { id: 1, uses: 5, broken: false };
        let b = Conn { id: 2, uses: 3, broken: false };
        let c = Conn { id: 3, uses: 0, broken: true };
        let r1 = pick(&a, &b).await.map(|c| c.id);
        let r2 = pick(&c, &a).await.map(|c| c.id);
        let r3 = pick(&c, &c).await.map(|c| c.id);
        (r1, r2, r3)
    },
}
