//! Stress round 11: realistic code as written in async crates, in shapes
//! earlier rounds did not focus on: protocol parsers and codecs
//! (`loop { match state { .. } }` machines that await reads, slice and `@`
//! patterns, range and byte-string patterns, `while let Some(x) =
//! buf.pop()`, `mem::take`/`replace` on locals and `&mut` parameters),
//! builders and fluent APIs (by-value builder chains whose arguments
//! await, `Option`/`Result` combinators, `?` with `From` into enums and
//! `Box<dyn Error>`), generic plumbing (trait objects returning
//! `Pin<Box<dyn Future>>`, `where` clauses and associated types, closures
//! returning futures, async closures, turbofish, inferred `Default` and
//! `Into`), resource handling (RAII guards, defer structs, `Rc<RefCell>`
//! and `Arc<Mutex>` shared with the caller, early exits from nested loops,
//! `break 'label value`), and numeric and collection code (entry API,
//! `retain`/`drain`/`extend`, iterator chains across awaits, `sort_by_key`).
//! Written to find where the lowering differs from rustc (findings
//! "s11-N", kept as `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_labels,
    non_local_definitions
)]
// Shapes written on purpose, as real async crates write them: `RefCell`
// borrows and `Mutex` guards held across awaits (the drop order is the
// point), labelled blocks and loops that always break, `let x = ..; x`
// tails, builders without `Default`, `match`es a person would write with a
// single arm or as `if let`, manual loops over indices, `% 2 == 0` and
// `map` returning its argument, closures called at
// once, and `vec![..]` where an array would do.
#![allow(
    clippy::let_and_return,
    clippy::await_holding_refcell_ref,
    clippy::await_holding_lock,
    clippy::never_loop,
    clippy::needless_return,
    clippy::new_without_default,
    clippy::manual_map,
    clippy::match_single_binding,
    clippy::single_match,
    clippy::needless_range_loop,
    clippy::redundant_closure_call,
    clippy::redundant_closure,
    clippy::useless_vec,
    clippy::type_complexity,
    clippy::too_many_arguments,
    clippy::while_let_loop,
    clippy::while_let_on_iterator,
    clippy::manual_unwrap_or_default,
    clippy::manual_unwrap_or,
    clippy::unnecessary_lazy_evaluations,
    clippy::bind_instead_of_map,
    clippy::option_map_unit_fn,
    clippy::comparison_chain,
    clippy::collapsible_else_if,
    clippy::collapsible_if,
    clippy::manual_range_patterns,
    clippy::unnecessary_literal_unwrap,
    clippy::question_mark,
    clippy::needless_borrow,
    clippy::map_entry,
    clippy::explicit_counter_loop,
    clippy::len_zero,
    clippy::manual_strip,
    clippy::mem_replace_with_default,
    clippy::unit_arg,
    clippy::redundant_pattern_matching,
    clippy::needless_late_init,
    clippy::large_enum_variant,
    clippy::clone_on_copy,
    clippy::unused_unit,
    clippy::iter_nth_zero,
    clippy::manual_flatten,
    clippy::manual_inspect,
    clippy::manual_is_multiple_of
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};

/// A scope guard: runs its closure when dropped (`scopeguard::defer!`).
struct Defer<F: FnMut()>(F);

impl<F: FnMut()> Drop for Defer<F> {
    fn drop(&mut self) {
        (self.0)()
    }
}

fn defer<F: FnMut()>(f: F) -> Defer<F> {
    Defer(f)
}

/// An RAII guard holding a `D` and logging its release.
struct Lease {
    id: u32,
    _d: D,
}

impl Drop for Lease {
    fn drop(&mut self) {
        log(format!("release {}", self.id));
    }
}

fn lease(id: u32, name: &'static str) -> Lease {
    log(format!("acquire {id}"));
    Lease {
        id,
        _d: D::new(name),
    }
}

/// An async read of one byte from a script, suspending `n` times.
async fn read_byte(src: &[u8], at: usize) -> Option<u8> {
    pend(1, ()).await;
    src.get(at).copied()
}

// ---------------------------------------------------------------------------
// 1. Protocol parsers and codecs
// ---------------------------------------------------------------------------

differential! {
    /// A hand-written frame parser: `loop { match st { .. } }` where each
    /// state awaits a read, with a guard live throughout.
    name: parser_loop_match_length_prefixed,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum St { Header, Body(usize), Done }
        #[lh] async fn f(input: Vec<u8>) -> (Vec<u8>, u32) {
            let g = D::new("g");
            let mut st = St::Header;
            let mut pos = 0usize;
            let mut body = Vec::new();
            let mut reads = 0u32;
            loop {
                match st {
                    St::Header => {
                        let len = pend(1, input[pos]).await as usize;
                        reads += 1;
                        pos += 1;
                        st = St::Body(len);
                    }
                    St::Body(0) => st = St::Done,
                    St::Body(n) => {
                        let b = pend(1, input[pos]).await;
                        body.push(b);
                        pos += 1;
                        reads += 1;
                        st = St::Body(n - 1);
                    }
                    St::Done => break,
                }
            }
            (body, reads)
        }
    },
    run: f(vec![3, 10, 20, 30, 99]),
}

differential! {
    /// The parser state holds data (`St::Body { buf, left }`) and is moved
    /// out with `mem::replace` on each step, across awaits.
    name: parser_state_with_data_mem_replace,
    items: {
        enum St { Start, Body { buf: Vec<u8>, left: usize, _d: D }, Done(Vec<u8>), Poison }
        #[lh] async fn f(src: Vec<u8>) -> Vec<u8> {
            let mut st = St::Start;
            let mut at = 0;
            loop {
                st = match std::mem::replace(&mut st, St::Poison) {
                    St::Start => {
                        let n = read_byte(&src, at).await.unwrap_or(0);
                        at += 1;
                        St::Body { buf: Vec::new(), left: n as usize, _d: D::new("body") }
                    }
                    St::Body { buf, left: 0, _d } => St::Done(buf),
                    St::Body { mut buf, left, _d } => {
                        let b = read_byte(&src, at).await.unwrap_or(0);
                        at += 1;
                        buf.push(b);
                        St::Body { buf, left: left - 1, _d }
                    }
                    St::Done(v) => return v,
                    St::Poison => unreachable!(),
                };
            }
        }
    },
    run: f(vec![2, 7, 8, 9]),
}

differential! {
    /// `[first, rest @ ..]` on a borrowed slice of a parameter, `rest`
    /// used after an await.
    name: slice_pattern_first_rest_across_await,
    items: {
        #[lh] async fn f(buf: Vec<u8>) -> u32 {
            let d = D::new("d");
            match buf.as_slice() {
                [] => 0,
                [first, rest @ ..] => {
                    let x = pend(1, *first as u32).await;
                    x + rest.len() as u32 + rest.iter().map(|b| *b as u32).sum::<u32>()
                }
            }
        }
    },
    run: f(vec![5, 1, 2]),
}

differential! {
    /// `[a, b, ..]` and `[.., last]` arms over `&[u8]`, each awaiting.
    name: slice_pattern_two_heads_and_last,
    items: {
        #[lh] async fn classify(b: &[u8]) -> String {
            let g = D::new("g");
            match b {
                [b'G', b'E', ..] => format!("get {}", pend(1, b.len()).await),
                [a, b, ..] if a == b => format!("pair {}", pend(2, *a).await),
                [.., last] => format!("last {}", pend(1, *last).await),
                [] => String::from("empty"),
            }
        }
        async fn go() -> Vec<String> {
            let mut out = Vec::new();
            for s in [&b"GET /"[..], b"xxz", b"q", b""] {
                out.push(classify(s).await);
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// A slice pattern on an owned `Vec<D>` moved out through
    /// `as_slice` indexing, with `@` on the middle.
    name: slice_pattern_middle_at_binding,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            let n = match v.as_slice() {
                [first, mid @ .., last] => {
                    first.touch();
                    pend(1, ()).await;
                    last.touch();
                    mid.len()
                }
                [one] => pend(1, one.touch()).await,
                [] => 0,
            };
            pend(1, ()).await;
            n
        }
    },
    run: f(vec![D::new("a"), D::new("b"), D::new("c"), D::new("d")]),
}

differential! {
    /// `n @ 1..=9` and `n @ (10 | 20)` bindings with range patterns, each
    /// arm awaiting.
    name: at_binding_range_patterns,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Vec<String> {
            let d = D::new("d");
            let mut out = vec![];
            for x in xs {
                let s = match x {
                    0 => "zero".to_string(),
                    n @ 1..=9 => format!("digit {}", pend(1, n).await),
                    n @ (10 | 20) => format!("round {}", pend(2, n).await),
                    n @ 11.. => { let g = D::new("big"); format!("big {}", pend(1, n).await) }
                };
                out.push(s);
            }
            out
        }
    },
    run: f(vec![0, 3, 10, 15, 20]),
}

differential! {
    /// `msg @ Msg::Data { .. }` binds the whole enum by value (moving it)
    /// in an arm that awaits.
    name: at_binding_whole_enum_moved,
    items: {
        #[derive(Debug)]
        enum Msg { Ping, Data { id: u32, d: D } }
        async fn handle(m: Msg) -> u32 { pend(1, ()).await; match m { Msg::Data { id, .. } => id, Msg::Ping => 0 } }
        #[lh] async fn f(m: Msg) -> u32 {
            let g = D::new("g");
            match m {
                Msg::Ping => pend(1, 1).await,
                msg @ Msg::Data { .. } => {
                    log("data");
                    handle(msg).await + 1
                }
            }
        }
    },
    run: f(Msg::Data { id: 4, d: D::new("payload") }),
}

differential! {
    /// Byte-string matches on a command read across awaits (RESP style).
    name: byte_string_command_match,
    items: {
        #[lh] async fn f(lines: Vec<&'static [u8]>) -> Vec<String> {
            let conn = D::new("conn");
            let mut out = Vec::new();
            for line in lines {
                let cmd = pend(1, line).await;
                let reply = match cmd {
                    b"PING" => pend(1, "PONG".to_string()).await,
                    b"QUIT" => { out.push("bye".to_string()); break; }
                    [b'E', b'C', b'H', b'O', b' ', rest @ ..] => {
                        let t = D::new("echo");
                        String::from_utf8_lossy(pend(1, rest).await).into_owned()
                    }
                    _ => "ERR".to_string(),
                };
                out.push(reply);
            }
            out
        }
    },
    run: f(vec![b"PING", b"ECHO hi", b"NOPE", b"QUIT", b"PING"]),
}

differential! {
    /// `while let Some(x) = buf.pop()` with an await in the body and a
    /// droppable item popped each round.
    name: while_let_pop_with_await,
    items: {
        #[lh] async fn f(mut buf: Vec<D>) -> Vec<usize> {
            let g = D::new("g");
            let mut out = vec![];
            while let Some(x) = buf.pop() {
                let n = pend(1, x.touch()).await;
                out.push(n);
            }
            out
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("ccc")]),
}

differential! {
    /// `while let Some(x) = queue.pop_front()` where the await is in the
    /// condition-dependent tail and the popped value is dropped early.
    name: while_let_pop_front_drop_then_await,
    items: {
        #[lh] async fn f(mut q: VecDeque<D>) -> u32 {
            let mut n = 0;
            while let Some(x) = q.pop_front() {
                if x.0 == "skip" { continue; }
                drop(x);
                n += pend(1, 1).await;
            }
            n
        }
    },
    run: f(VecDeque::from(vec![D::new("a"), D::new("skip"), D::new("c")])),
}

differential! {
    /// `mem::take` on a `&mut Vec` parameter between awaits (a codec's
    /// flush).
    name: mem_take_on_mut_param_across_awaits,
    items: {
        #[lh] async fn flush(buf: &mut Vec<u8>, out: &mut Vec<Vec<u8>>) -> usize {
            let g = D::new("g");
            pend(1, ()).await;
            let chunk = std::mem::take(buf);
            let n = chunk.len();
            out.push(pend(1, chunk).await);
            buf.push(0xff);
            n
        }
        async fn go() -> (Vec<u8>, Vec<Vec<u8>>, usize) {
            let mut buf = vec![1, 2, 3];
            let mut out = vec![];
            let n = flush(&mut buf, &mut out).await;
            (buf, out, n)
        }
    },
    run: go(),
}

differential! {
    /// `mem::replace` on a local `D` across an await: the old value is
    /// kept, the new one is in the local.
    name: mem_replace_local_d_across_await,
    items: {
        #[lh] async fn f() -> usize {
            let mut cur = D::new("first");
            let old = std::mem::replace(&mut cur, D::new("second"));
            pend(1, ()).await;
            let n = old.touch() + cur.touch();
            drop(old);
            pend(1, ()).await;
            n
        }
    },
    run: f(),
}

differential! {
    /// `mem::take` on an `Option<D>` field through `&mut self`, then the
    /// taken value awaited with.
    name: mem_take_option_field_of_self,
    items: {
        struct Conn { pending: Option<D>, sent: u32 }
        impl Conn {
            #[lh] async fn flush(&mut self) -> u32 {
                if let Some(p) = self.pending.take() {
                    let n = pend(1, p.touch() as u32).await;
                    self.sent += n;
                }
                pend(1, ()).await;
                self.sent
            }
        }
        async fn go() -> u32 {
            let mut c = Conn { pending: Some(D::new("p")), sent: 0 };
            let a = c.flush().await;
            let b = c.flush().await;
            a + b
        }
    },
    run: go(),
}

differential! {
    /// A line codec: split a buffer at `\n`, keep the tail, await each
    /// line's handling.
    name: line_codec_split_keep_tail,
    items: {
        #[lh] async fn f(chunks: Vec<&'static str>) -> (Vec<String>, String) {
            let g = D::new("codec");
            let mut buf = String::new();
            let mut lines = vec![];
            for c in chunks {
                buf.push_str(pend(1, c).await);
                while let Some(i) = buf.find('\n') {
                    let line: String = buf.drain(..=i).collect();
                    lines.push(pend(1, line.trim_end().to_uppercase()).await);
                }
            }
            (lines, buf)
        }
    },
    run: f(vec!["ab\ncd", "e\n", "fg"]),
}

differential! {
    /// A varint decoder: loop with shift, early return on overflow,
    /// reading bytes through an awaited helper.
    name: varint_decoder_loop,
    items: {
        #[lh] async fn decode(src: &[u8]) -> Result<u64, String> {
            let g = D::new("g");
            let mut shift = 0u32;
            let mut acc = 0u64;
            let mut at = 0;
            loop {
                let Some(b) = read_byte(src, at).await else {
                    return Err(format!("eof at {at}"));
                };
                at += 1;
                acc |= ((b & 0x7f) as u64) << shift;
                if b & 0x80 == 0 { break Ok(acc); }
                shift += 7;
                if shift > 63 { return Err("overflow".into()); }
            }
        }
        async fn go() -> Vec<Result<u64, String>> {
            vec![decode(&[0xac, 0x02]).await, decode(&[0x80]).await, decode(&[5]).await]
        }
    },
    run: go(),
}

differential! {
    /// A header parser: `split_once` into `(name, value)` slices of an
    /// owned line held across an await.
    name: header_split_once_slices_across_await,
    items: {
        #[lh] async fn f(raw: Vec<String>) -> Vec<(String, String)> {
            let mut out = vec![];
            for line in raw {
                let d = D::new("line");
                if let Some((k, v)) = line.split_once(':') {
                    let k2 = pend(1, k.trim().to_ascii_lowercase()).await;
                    out.push((k2, v.trim().to_string()));
                } else {
                    pend(1, ()).await;
                }
            }
            out
        }
    },
    run: f(vec!["Host: x".into(), "bad".into(), "Content-Length: 3".into()]),
}

differential! {
    /// A tuple-struct token enum matched with nested patterns and guards,
    /// the scrutinee an awaited value.
    name: token_match_on_awaited_scrutinee,
    items: {
        #[derive(Debug)]
        enum Tok { Num(i64), Op(char), Ident(String, D) }
        #[lh] async fn eval(toks: Vec<Tok>) -> (i64, Vec<String>) {
            let mut acc = 0i64;
            let mut op = '+';
            let mut names = vec![];
            let mut it = toks.into_iter();
            while let Some(t) = it.next() {
                match pend(1, t).await {
                    Tok::Num(n) if op == '+' => acc += n,
                    Tok::Num(n) => acc -= n,
                    Tok::Op(c @ ('+' | '-')) => op = c,
                    Tok::Op(_) => {}
                    Tok::Ident(name, d) => {
                        d.touch();
                        names.push(pend(1, name).await);
                    }
                }
            }
            (acc, names)
        }
    },
    run: eval(vec![Tok::Num(3), Tok::Op('-'), Tok::Ident("x".into(), D::new("x")), Tok::Num(1), Tok::Op('*')]),
}

differential! {
    /// `match (state, byte)` on a tuple of a copy enum and an awaited
    /// byte, returning from inside.
    name: tuple_state_byte_match_returns,
    items: {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum S { Idle, Esc, Text }
        #[lh] async fn f(src: Vec<u8>) -> (Vec<u8>, S) {
            let g = D::new("g");
            let mut s = S::Idle;
            let mut out = vec![];
            let mut i = 0;
            loop {
                let b = match read_byte(&src, i).await { Some(b) => b, None => return (out, s) };
                i += 1;
                s = match (s, b) {
                    (S::Esc, b) => { out.push(b); S::Text }
                    (_, b'\\') => S::Esc,
                    (_, b'\n') => return (out, S::Idle),
                    (_, b) => { out.push(pend(1, b).await); S::Text }
                };
            }
        }
    },
    run: f(b"a\\\nb\nc".to_vec()),
}

differential! {
    /// A chunked-transfer style loop with `let else` on a parsed hex size
    /// and a labeled `'outer` break from a nested loop.
    name: chunked_let_else_labeled_break,
    items: {
        #[lh] async fn f(chunks: Vec<(&'static str, Vec<u8>)>) -> Result<Vec<u8>, String> {
            let g = D::new("g");
            let mut body = vec![];
            'outer: for (size, data) in chunks {
                let Ok(n) = usize::from_str_radix(pend(1, size).await, 16) else {
                    return Err(format!("bad size {size}"));
                };
                if n == 0 { break 'outer; }
                for (k, b) in data.into_iter().enumerate() {
                    if k >= n { continue 'outer; }
                    body.push(pend(1, b).await);
                }
            }
            Ok(body)
        }
        async fn go() -> Vec<Result<Vec<u8>, String>> {
            vec![
                f(vec![("2", vec![1, 2, 3]), ("1", vec![9]), ("0", vec![]), ("1", vec![7])]).await,
                f(vec![("zz", vec![])]).await,
            ]
        }
    },
    run: go(),
}

differential! {
    /// `std::mem::swap` of two local buffers between awaits (double
    /// buffering).
    name: double_buffer_mem_swap,
    items: {
        #[lh] async fn f(n: u32) -> Vec<Vec<u32>> {
            let mut front = vec![];
            let mut back = vec![];
            let mut done = vec![];
            let g = D::new("g");
            for i in 0..n {
                back.push(pend(1, i).await);
                if back.len() == 2 {
                    std::mem::swap(&mut front, &mut back);
                    done.push(pend(1, std::mem::take(&mut front)).await);
                }
            }
            done.push(back);
            done
        }
    },
    run: f(5),
}

differential! {
    /// A `match` on `input.first()` / `input.get(1..)` with `Option` of
    /// slices, `ref` bindings held across an await.
    name: option_slice_get_patterns,
    items: {
        #[lh] async fn f(input: Vec<u8>) -> usize {
            let d = D::new("d");
            match (input.first(), input.get(1..)) {
                (Some(&0), _) => 0,
                (Some(h), Some(tail)) if !tail.is_empty() => {
                    let a = pend(1, *h as usize).await;
                    a + tail.len()
                }
                _ => pend(1, 99).await,
            }
        }
        async fn go() -> Vec<usize> { vec![f(vec![0, 1]).await, f(vec![3, 1, 1]).await, f(vec![4]).await] }
    },
    run: go(),
}

differential! {
    /// A decoder struct with a `&mut self` `decode` that `mem::take`s its
    /// own buffer, awaits, and puts a remainder back.
    name: decoder_self_take_put_back,
    items: {
        struct Dec { buf: Vec<u8>, _d: D }
        impl Dec {
            #[lh] async fn decode(&mut self) -> Option<Vec<u8>> {
                let mut buf = std::mem::take(&mut self.buf);
                let want = *buf.first()? as usize;
                if buf.len() < want + 1 {
                    self.buf = buf;
                    pend(1, ()).await;
                    return None;
                }
                let rest = buf.split_off(want + 1);
                self.buf = pend(1, rest).await;
                buf.remove(0);
                Some(buf)
            }
        }
        async fn go() -> Vec<Option<Vec<u8>>> {
            let mut d = Dec { buf: vec![2, 7, 8, 5, 1], _d: D::new("dec") };
            let mut out = vec![];
            for _ in 0..3 { out.push(d.decode().await); }
            out.push(Some(d.buf.clone()));
            out
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 2. Builders and fluent APIs
// ---------------------------------------------------------------------------

/// A by-value request builder, as `reqwest`/`http` write them.
#[derive(Debug)]
struct Req {
    method: &'static str,
    headers: Vec<(String, String)>,
    body: Option<String>,
    _d: D,
}

impl Req {
    fn count(&self, extra: usize) -> usize {
        self.headers.len() + extra
    }
    fn new(method: &'static str) -> Req {
        log(format!("new {method}"));
        Req {
            method,
            headers: vec![],
            body: None,
            _d: D::new("req"),
        }
    }
    fn header(mut self, k: &str, v: impl Into<String>) -> Req {
        log(format!("header {k}"));
        self.headers.push((k.to_string(), v.into()));
        self
    }
    fn body(mut self, b: impl Into<String>) -> Req {
        log("body");
        self.body = Some(b.into());
        self
    }
    fn summary(&self) -> String {
        format!("{} {:?} {:?}", self.method, self.headers, self.body)
    }
}

async fn send(r: Req) -> Result<u32, String> {
    pend(1, ()).await;
    log(format!("send {}", r.summary()));
    if r.method == "BAD" {
        Err("bad method".into())
    } else {
        Ok(200 + r.headers.len() as u32)
    }
}

differential! {
    /// A builder chain bound to a local, then sent: awaits only outside
    /// the chain.
    name: builder_chain_then_send,
    items: {
        #[lh] async fn f(token: &str) -> Result<u32, String> {
            let g = D::new("g");
            let req = Req::new("GET").header("auth", token).header("x", "1");
            pend(1, ()).await;
            let code = send(req).await?;
            Ok(code)
        }
    },
    run: f("t0k"),
}

known_gap! {
    reason: "stress B (old gap, fails to compile, E0507 cannot move out of a mutable reference): a by-value builder chain on a temporary whose last argument awaits (`Req::new(\"POST\").header(\"a\", \"1\").body(pend(1, \"payload\").await)`); the moved temporary receiver is kept across the await",
    differential! {
        /// A builder chain whose last argument awaits, bound to a local
        /// (`Req::new(..).header(..).body(fetch().await)`).
        name: builder_chain_arg_awaits_last,
        items: {
            #[lh] async fn f() -> Result<u32, String> {
                let req = Req::new("POST").header("a", "1").body(pend(1, "payload").await);
                send(req).await
            }
        },
        run: f(),
    }
}

differential! {
    /// A builder chain whose middle argument awaits, the receiver before
    /// it braced (the stress B workaround).
    name: builder_chain_arg_awaits_middle,
    items: {
        #[lh] async fn f() -> Result<u32, String> {
            let g = D::new("g");
            let req = { Req::new("PUT").header("a", "1") }
                .header("b", pend(1, String::from("two")).await)
                .body("x");
            send(req).await
        }
    },
    run: f(),
}

differential! {
    /// A builder on a local receiver (not a temporary), reassigned with an
    /// awaited argument: `req = req.header(.., fetch().await)`.
    name: builder_local_reassigned_with_await_arg,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> Result<u32, String> {
            let mut req = Req::new("GET");
            for k in keys {
                req = req.header(k, pend(1, k.to_uppercase()).await);
            }
            send(req).await
        }
    },
    run: f(vec!["a", "b"]),
}

differential! {
    /// The r2-16 shape without a loop, twice in a row, and a `&self`
    /// method in the same shape (`len = req.count(..)` reads, `req =
    /// req.header(..)` consumes).
    name: builder_local_reassigned_twice_then_read,
    items: {
        #[lh] async fn f() -> Result<u32, String> {
            let mut req = Req::new("GET");
            req = req.header("a", pend(1, String::from("x")).await);
            let mut n = req.count(pend(1, 1).await);
            req = req.header("b", pend(2, String::from("y")).await);
            n = n.max(req.count(pend(1, 0).await));
            let code = send(req).await?;
            Ok(code + n as u32)
        }
    },
    run: f(),
}

differential! {
    /// A builder on a local receiver (not a temporary), reassigned with an
    /// awaited argument: `req = { req }.header(.., fetch().await)`.
    name: builder_local_reassigned_braced_with_await_arg,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> Result<u32, String> {
            let mut req = Req::new("GET");
            for k in keys {
                req = { req }.header(k, pend(1, k.to_uppercase()).await);
            }
            send(req).await
        }
    },
    run: f(vec!["a", "b"]),
}

differential! {
    /// The whole builder expression passed to an awaited call, with
    /// an await inside the argument chain, the receiver braced (the
    /// stress B workaround): `send({ Req::new() }.body(x.await)).await`.
    name: builder_inline_in_awaited_call,
    items: {
        #[lh] async fn f() -> u32 {
            let g = D::new("g");
            send({ Req::new("GET") }.body(pend(1, "b").await)).await.unwrap_or(0)
        }
    },
    run: f(),
}

differential! {
    /// `Option` combinators before and after awaits: `map`, `and_then`,
    /// `filter`, `unwrap_or_else`, `ok_or`.
    name: option_combinators_around_awaits,
    items: {
        #[lh] async fn f(raw: Option<&str>) -> Result<u32, String> {
            let g = D::new("g");
            let n = raw.map(str::trim).and_then(|s| s.parse::<u32>().ok());
            let m = pend(1, n).await.filter(|n| *n > 2).unwrap_or_else(|| { log("default"); 3 });
            let doubled = Some(pend(1, m * 2).await).ok_or("none".to_string())?;
            Ok(doubled)
        }
        async fn go() -> Vec<Result<u32, String>> { vec![f(Some(" 5")).await, f(Some("x")).await, f(None).await] }
    },
    run: go(),
}

differential! {
    /// `Result` combinators: `map_err` into a `String`, `and_then`, `?`,
    /// `unwrap_or_default` after an await.
    name: result_combinators_map_err_and_then,
    items: {
        #[lh] async fn f(s: &str) -> Result<u32, String> {
            let d = D::new("d");
            let n: u32 = pend(1, s).await.parse().map_err(|e: std::num::ParseIntError| format!("parse: {e}"))?;
            let checked = n.checked_mul(1000).ok_or_else(|| "overflow".to_string()).and_then(|v| if v > 0 { Ok(v) } else { Err("zero".into()) })?;
            let extra = pend(1, "7").await.parse::<u32>().unwrap_or_default();
            Ok(checked + extra)
        }
        async fn go() -> Vec<Result<u32, String>> { vec![f("3").await, f("0").await, f("z").await, f("9999999").await] }
    },
    run: go(),
}

differential! {
    /// `.map(|x| ..)` on an awaited `Option<D>` then `.unwrap_or(..)`
    /// with a `D` default evaluated eagerly.
    name: option_map_on_awaited_d_unwrap_or,
    items: {
        #[lh] async fn f(o: Option<D>) -> usize {
            let fallback = D::new("fallback");
            let got = pend(1, o).await.map(|d| { d.touch(); d }).unwrap_or(fallback);
            pend(1, ()).await;
            got.touch()
        }
        async fn go() -> (usize, usize) { (f(Some(D::new("some"))).await, f(None).await) }
    },
    run: go(),
}

/// The error enum of a small service.
#[derive(Debug)]
enum SvcErr {
    Parse(String),
    Io(u32),
    Other(Box<dyn std::error::Error>),
}

impl From<std::num::ParseIntError> for SvcErr {
    fn from(e: std::num::ParseIntError) -> Self {
        log("from parse");
        SvcErr::Parse(e.to_string())
    }
}

impl From<std::fmt::Error> for SvcErr {
    fn from(e: std::fmt::Error) -> Self {
        SvcErr::Other(Box::new(e))
    }
}

differential! {
    /// `?` converting `ParseIntError` into an error enum via `From`, with
    /// guards live, across several awaits.
    name: try_from_into_error_enum,
    items: {
        #[lh] async fn f(a: &str, b: &str) -> Result<u32, SvcErr> {
            let g1 = D::new("g1");
            let x: u32 = pend(1, a).await.parse()?;
            let g2 = D::new("g2");
            let y: u32 = pend(1, b).await.parse()?;
            if y == 0 { return Err(SvcErr::Io(x)); }
            Ok(x / y)
        }
        async fn go() -> Vec<String> {
            let mut out = vec![];
            for (a, b) in [("6", "3"), ("x", "1"), ("4", "y"), ("4", "0")] {
                out.push(format!("{:?}", f(a, b).await));
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `?` into `Box<dyn Error>` from two error types (`ParseIntError`,
    /// a `String` via `From<String>`).
    name: try_into_box_dyn_error,
    items: {
        #[lh] async fn f(s: &str) -> Result<u32, Box<dyn std::error::Error>> {
            let g = D::new("g");
            let n: u32 = pend(1, s).await.trim().parse()?;
            if n > 10 {
                Err(format!("too big: {n}"))?;
            }
            let m = pend(1, n).await;
            Ok(m + 1)
        }
        async fn go() -> Vec<String> {
            let mut out = vec![];
            for s in ["3", "x", "11"] {
                out.push(match f(s).await { Ok(n) => format!("ok {n}"), Err(e) => format!("err {e}") });
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `?` on an awaited `Result` whose error converts through `From`,
    /// as a method-call receiver: `fetch().await?.len()`.
    name: try_on_awaited_then_method,
    items: {
        async fn fetch(ok: bool) -> Result<String, std::num::ParseIntError> {
            pend(1, ()).await;
            if ok { Ok("abcd".into()) } else { "x".parse::<u32>().map(|_| String::new()) }
        }
        #[lh] async fn f(ok: bool) -> Result<usize, SvcErr> {
            let d = D::new("d");
            let n = fetch(ok).await?.len();
            Ok(n + pend(1, 1).await)
        }
        async fn go() -> Vec<String> { vec![format!("{:?}", f(true).await), format!("{:?}", f(false).await)] }
    },
    run: go(),
}

differential! {
    /// `write!` into a `String` with `?` converting `fmt::Error` into the
    /// enum, between awaits.
    name: write_macro_try_fmt_error,
    items: {
        use std::fmt::Write as _;
        #[lh] async fn f(items: Vec<u32>) -> Result<String, SvcErr> {
            let mut s = String::new();
            let g = D::new("g");
            for i in items {
                let v = pend(1, i * 2).await;
                write!(s, "{v},")?;
            }
            Ok(s)
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// A fluent config builder with `Option` fields and a `build()`
    /// returning `Result`, awaited values fed in through locals.
    name: config_builder_build_result,
    items: {
        #[derive(Debug, Default)]
        struct Cfg { host: Option<String>, port: Option<u16>, retries: u32 }
        impl Cfg {
            fn host(mut self, h: impl Into<String>) -> Self { self.host = Some(h.into()); self }
            fn port(mut self, p: u16) -> Self { self.port = Some(p); self }
            fn retries(self, retries: u32) -> Self { Cfg { retries, ..self } }
            fn build(self) -> Result<(String, u16, u32), String> {
                Ok((self.host.ok_or("no host")?, self.port.unwrap_or(80), self.retries))
            }
        }
        #[lh] async fn f(with_host: bool) -> Result<(String, u16, u32), String> {
            let g = D::new("g");
            let p = pend(1, 8080u16).await;
            let mut b = Cfg::default().port(p);
            if with_host { b = { b }.host(pend(1, "h").await); }
            let r = { b }.retries(pend(1, 3).await).build()?;
            pend(1, ()).await;
            Ok(r)
        }
        async fn go() -> Vec<Result<(String, u16, u32), String>> { vec![f(true).await, f(false).await] }
    },
    run: go(),
}

differential! {
    /// `Option::take().map(..)`, `Option::get_or_insert_with`, and
    /// `Option::replace` on locals between awaits.
    name: option_take_get_or_insert_replace,
    items: {
        #[lh] async fn f() -> (usize, Option<D>) {
            let mut slot: Option<D> = None;
            let a = slot.get_or_insert_with(|| D::new("first")).touch();
            pend(1, ()).await;
            let old = slot.replace(D::new("second"));
            pend(1, ()).await;
            let b = old.map(|d| d.touch()).unwrap_or(0);
            let t = slot.take();
            pend(1, ()).await;
            (a + b, t)
        }
    },
    run: f(),
}

differential! {
    /// `Result::ok()` / `.transpose()` / `.flatten()` chains around
    /// awaits.
    name: option_result_transpose_flatten,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> Vec<Option<u32>> {
            let g = D::new("g");
            let mut out = vec![];
            for x in xs {
                let parsed: Option<Result<u32, _>> = if x.is_empty() { None } else { Some(x.parse::<u32>()) };
                let t = pend(1, parsed).await.transpose().ok().flatten();
                out.push(t.map(|n| n + 1));
            }
            out
        }
    },
    run: f(vec!["1", "", "z", "4"]),
}

differential! {
    /// An early `return Err(..)` from a `match` on a combinator chain
    /// with a builder alive.
    name: builder_alive_early_return_err,
    items: {
        #[lh] async fn f(auth: Option<&str>) -> Result<u32, String> {
            let req = Req::new("GET");
            let token = match auth.map(|a| a.strip_prefix("Bearer ").unwrap_or(a)) {
                Some(t) if !t.is_empty() => t.to_string(),
                _ => return Err("unauthorized".into()),
            };
            pend(1, ()).await;
            send({ req }.header("auth", token)).await
        }
        async fn go() -> Vec<Result<u32, String>> { vec![f(Some("Bearer x")).await, f(None).await, f(Some("Bearer ")).await] }
    },
    run: go(),
}

differential! {
    /// `Into` conversions whose target is inferred from the later use
    /// (`let s = x.into(); .. takes_string(s)`) across an await.
    name: into_target_inferred_from_later_use,
    items: {
        fn takes(s: String, n: u64) -> String { format!("{s}/{n}") }
        #[lh] async fn f(x: &'static str, n: u32) -> String {
            let g = D::new("g");
            let s = x.into();
            let m = n.into();
            pend(1, ()).await;
            takes(s, m)
        }
    },
    run: f("abc", 7),
}

differential! {
    /// `Default::default()` whose type is inferred from a later push
    /// after an await.
    name: default_inferred_from_later_use,
    items: {
        #[lh] async fn f() -> (Vec<u32>, HashMap<String, u32>, u64) {
            let g = D::new("g");
            let mut v = Default::default();
            let mut m = Default::default();
            let mut total = Default::default();
            pend(1, ()).await;
            Vec::push(&mut v, pend(1, 3u32).await);
            HashMap::insert(&mut m, "k".to_string(), 1u32);
            total += pend(1, 5u64).await;
            (v, m, total)
        }
    },
    run: f(),
}

differential! {
    /// Turbofish calls: `collect::<Vec<_>>()`, `parse::<u8>()`,
    /// `into_iter().sum::<u32>()` with awaited inputs.
    name: turbofish_calls_on_awaited,
    items: {
        #[lh] async fn f(s: &str) -> (Vec<u8>, u32) {
            let g = D::new("g");
            let parts = pend(1, s).await.split(',').map(|p| p.parse::<u8>().unwrap_or(0)).collect::<Vec<_>>();
            let sum = pend(1, parts.clone()).await.into_iter().map(u32::from).sum::<u32>();
            (parts, sum)
        }
    },
    run: f("1,2,x,4"),
}

differential! {
    /// A generic helper called with a turbofish whose argument awaits:
    /// `parse_as::<u16>(fetch().await)`.
    name: turbofish_generic_fn_with_await_arg,
    items: {
        fn parse_as<T: std::str::FromStr + Default>(s: &str) -> T { s.parse().unwrap_or_default() }
        #[lh] async fn f() -> (u16, i8, String) {
            let d = D::new("d");
            let a = parse_as::<u16>(pend(1, "300").await);
            let b = parse_as::<i8>(&pend(1, String::from("300")).await);
            let c = parse_as::<String>(pend(1, "s").await);
            (a, b, c)
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 3. Generic plumbing
// ---------------------------------------------------------------------------

type BoxFut<'a, T> = Pin<Box<dyn Future<Output = T> + 'a>>;

/// A storage trait object, as `object_store`-like crates write it.
trait Store {
    fn get<'a>(&'a self, key: &'a str) -> BoxFut<'a, Option<u32>>;
    fn name(&self) -> &str;
}

struct MemStore {
    items: Vec<(&'static str, u32)>,
    _d: D,
}

impl Store for MemStore {
    fn get<'a>(&'a self, key: &'a str) -> BoxFut<'a, Option<u32>> {
        Box::pin(async move {
            pend(1, ()).await;
            log(format!("get {key}"));
            self.items.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
        })
    }
    fn name(&self) -> &str {
        "mem"
    }
}

fn mem_store(name: &'static str) -> MemStore {
    MemStore {
        items: vec![("a", 1), ("b", 2)],
        _d: D::new(name),
    }
}

/// A `Send + Sync` trait object version.
trait Backend: Send + Sync {
    fn call(&self, n: u32) -> Pin<Box<dyn Future<Output = u32> + Send + '_>>;
}

struct Doubler(u32);

impl Backend for Doubler {
    fn call(&self, n: u32) -> Pin<Box<dyn Future<Output = u32> + Send + '_>> {
        Box::pin(async move {
            pend(1, ()).await;
            n * 2 + self.0
        })
    }
}

differential! {
    /// A `&dyn Store` parameter whose method returns a boxed future,
    /// awaited twice with a guard live.
    name: dyn_ref_boxed_future_method,
    items: {
        #[lh] async fn f(s: &dyn Store, keys: Vec<&str>) -> Vec<Option<u32>> {
            let g = D::new("g");
            let mut out = vec![];
            for k in keys {
                out.push(s.get(k).await);
            }
            log(s.name());
            out
        }
        async fn go() -> Vec<Option<u32>> {
            let s = mem_store("store");
            f(&s, vec!["a", "z", "b"]).await
        }
    },
    run: go(),
}

differential! {
    /// A `Box<dyn Store>` parameter owned by the future (dropped at the
    /// end, or on cancellation).
    name: box_dyn_store_owned,
    items: {
        #[lh] async fn f(s: Box<dyn Store>) -> u32 {
            let a = s.get("a").await.unwrap_or(0);
            let g = D::new("g");
            let b = s.get("b").await.unwrap_or(0);
            a + b
        }
    },
    run: f(Box::new(mem_store("boxed"))),
}

differential! {
    /// An `Arc<dyn Backend + Send + Sync>` cloned into a loop, each call's
    /// boxed future awaited in an expression.
    name: arc_dyn_backend_clone_call,
    items: {
        #[lh] async fn f(b: Arc<dyn Backend>, n: u32) -> u32 {
            let d = D::new("d");
            let mut acc = 0;
            for i in 0..n {
                let b2 = Arc::clone(&b);
                acc += b2.call(i).await + b.call(1).await;
            }
            acc
        }
    },
    run: f(Arc::new(Doubler(10)), 2),
}

differential! {
    /// A `Vec<Box<dyn Store>>` chain of responsibility: the first store
    /// that has the key wins, returning from inside the loop.
    name: vec_box_dyn_first_hit_returns,
    items: {
        #[lh] async fn f(stores: Vec<Box<dyn Store>>, key: &str) -> Option<(usize, u32)> {
            let g = D::new("g");
            for (i, s) in stores.iter().enumerate() {
                if let Some(v) = s.get(key).await {
                    return Some((i, v));
                }
            }
            None
        }
        async fn go() -> (Option<(usize, u32)>, Option<(usize, u32)>) {
            let a = f(vec![Box::new(MemStore { items: vec![], _d: D::new("s0") }), Box::new(mem_store("s1"))], "b").await;
            let b = f(vec![Box::new(mem_store("s2"))], "nope").await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A generic method with a `where` clause on an associated type,
    /// awaiting items produced by the trait.
    name: generic_where_associated_type,
    items: {
        trait Source {
            type Item: std::fmt::Debug;
            fn next_item(&mut self) -> Option<Self::Item>;
        }
        struct Counter(u32, D);
        impl Source for Counter {
            type Item = u32;
            fn next_item(&mut self) -> Option<u32> { if self.0 == 0 { None } else { self.0 -= 1; Some(self.0) } }
        }
        #[lh] async fn drain_all<S>(mut s: S) -> Vec<String>
        where
            S: Source,
            S::Item: Clone,
        {
            let g = D::new("g");
            let mut out = vec![];
            while let Some(it) = s.next_item() {
                let c = pend(1, it.clone()).await;
                out.push(format!("{c:?}"));
            }
            out
        }
    },
    run: drain_all(Counter(3, D::new("counter"))),
}

differential! {
    /// `f: impl Fn(u32) -> Fut, Fut: Future<Output = ..>` called in a loop
    /// and awaited, with an extra dropper.
    name: impl_fn_returning_future_param,
    items: {
        #[lh] async fn retry<F, Fut>(mut attempts: u32, f: F) -> Result<u32, String>
        where
            F: Fn(u32) -> Fut,
            Fut: Future<Output = Result<u32, String>>,
        {
            let g = D::new("retry");
            let mut i = 0;
            loop {
                match f(i).await {
                    Ok(v) => return Ok(v),
                    Err(e) if attempts > 1 => { attempts -= 1; log(format!("retry {e}")); pend(1, ()).await; }
                    Err(e) => return Err(e),
                }
                i += 1;
            }
        }
        async fn attempt(i: u32) -> Result<u32, String> {
            pend(1, ()).await;
            if i >= 2 { Ok(i * 10) } else { Err(format!("fail {i}")) }
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) {
            (retry(5, attempt).await, retry(1, attempt).await)
        }
    },
    run: go(),
}

differential! {
    /// An `impl Fn(u32) -> Fut` argument written as a closure returning an
    /// `async move` block that captures a cloned `Rc`.
    name: closure_returning_async_block_arg,
    items: {
        #[lh] async fn each<Fut: Future<Output = u32>>(xs: Vec<u32>, f: impl Fn(u32) -> Fut) -> u32 {
            let mut t = 0;
            for x in xs { t += f(x).await; }
            t
        }
        async fn go() -> (u32, Vec<u32>) {
            let seen = Rc::new(RefCell::new(vec![]));
            let d = D::new("outer");
            let s2 = seen.clone();
            let t = each(vec![1, 2, 3], move |x| {
                let s3 = s2.clone();
                async move { pend(1, ()).await; s3.borrow_mut().push(x); x * x }
            }).await;
            let v = seen.borrow().clone();
            (t, v)
        }
    },
    run: go(),
}

differential! {
    /// An async closure (`async |x| ..`) borrowing a local, called from a
    /// lowered body via an `impl AsyncFn` parameter.
    name: async_closure_asyncfn_param,
    items: {
        #[lh] async fn apply(xs: &[u32], f: impl AsyncFn(u32) -> u32) -> Vec<u32> {
            let g = D::new("apply");
            let mut out = Vec::with_capacity(xs.len());
            for &x in xs { out.push(f(x).await); }
            out
        }
        async fn go() -> Vec<u32> {
            let base = D::new("base");
            apply(&[1, 2], async |x| { pend(1, ()).await; x + base.touch() as u32 }).await
        }
    },
    run: go(),
}

differential! {
    /// An async closure defined inside the lowered body, capturing a local
    /// by reference, called twice across awaits.
    name: async_closure_in_lowered_body,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let d = D::new("d");
            let add = async |x: u32| { pend(1, ()).await; x + k + d.touch() as u32 };
            let a = add(1).await;
            pend(1, ()).await;
            let b = add(a).await;
            b
        }
    },
    run: f(10),
}

differential! {
    /// An `async move` closure owning a `D`, stored in a local and called
    /// after an await; the closure dropped at the end.
    name: async_move_closure_owning_d,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("owned");
            let c = async move |n: usize| { pend(1, ()).await; n + d.touch() };
            pend(1, ()).await;
            let x = c(1).await;
            let y = c(2).await;
            x + y
        }
    },
    run: f(),
}

differential! {
    /// `AsyncFnMut` taken by `&mut` and called in a loop, mutating a
    /// captured counter.
    name: asyncfnmut_by_mut_ref,
    items: {
        #[lh] async fn drive(n: u32, f: &mut impl AsyncFnMut(u32) -> u32) -> u32 {
            let mut acc = 0;
            for i in 0..n { acc += f(i).await; }
            acc
        }
        async fn go() -> (u32, u32) {
            let mut calls = 0;
            let mut c = async |i: u32| { calls += 1; pend(1, ()).await; i * 3 };
            let r = drive(3, &mut c).await;
            (r, calls)
        }
    },
    run: go(),
}

differential! {
    /// A generic `async fn` over `T: Into<String> + Debug` whose conversion
    /// happens after an await.
    name: generic_into_after_await,
    items: {
        #[lh] async fn f<T: Into<String> + std::fmt::Debug>(t: T, d: D) -> String {
            log(format!("{t:?}"));
            pend(1, ()).await;
            let s: String = t.into();
            pend(1, ()).await;
            format!("{s}-{}", d.0)
        }
    },
    run: f("x", D::new("param")),
}

differential! {
    /// A trait with an `async fn` method implemented with `#[lh]`, called
    /// through generics with an associated const.
    name: trait_async_fn_impl_with_assoc_const,
    items: {
        trait Handler {
            const NAME: &'static str;
            async fn handle(&self, req: u32) -> String;
        }
        struct Echo(D);
        impl Handler for Echo {
            const NAME: &'static str = "echo";
            #[lh] async fn handle(&self, req: u32) -> String {
                let g = D::new("g");
                let v = pend(1, req).await;
                format!("{}:{v}:{}", Self::NAME, self.0.touch())
            }
        }
        async fn serve<H: Handler>(h: &H, reqs: &[u32]) -> Vec<String> {
            let mut out = vec![];
            for r in reqs { out.push(h.handle(*r).await); }
            out
        }
        async fn go() -> Vec<String> { let e = Echo(D::new("echo")); serve(&e, &[1, 2]).await }
    },
    run: go(),
}

differential! {
    /// A generic over `S: AsRef<str>` holding `s.as_ref()` across an
    /// await.
    name: generic_as_ref_held_across_await,
    items: {
        #[lh] async fn f<S: AsRef<str>>(s: S) -> usize {
            let r = s.as_ref();
            let d = D::new("d");
            pend(1, ()).await;
            r.len()
        }
        async fn go() -> (usize, usize) { (f(String::from("abc")).await, f("hello").await) }
    },
    run: go(),
}

differential! {
    /// A `dyn Fn` callback in a `Box` field called between awaits, and an
    /// `Rc<dyn Fn>` cloned.
    name: boxed_dyn_fn_callbacks,
    items: {
        struct Hooks { on_msg: Box<dyn Fn(u32) -> u32>, _d: D }
        #[lh] async fn f(h: Hooks, cb: Rc<dyn Fn(&str)>) -> u32 {
            let cb2 = Rc::clone(&cb);
            let a = (h.on_msg)(pend(1, 2).await);
            cb2("mid");
            let b = (h.on_msg)(pend(1, a).await);
            cb("end");
            b
        }
        async fn go() -> u32 {
            let h = Hooks { on_msg: Box::new(|x| x * 5), _d: D::new("hooks") };
            f(h, Rc::new(|s: &str| log(format!("cb {s}")))).await
        }
    },
    run: go(),
}

differential! {
    /// A method generic over the future its argument returns, on a struct
    /// with a lifetime, `where Self: Sized`.
    name: method_generic_over_future_with_lifetime,
    items: {
        struct Ctx<'a> { name: &'a str, _d: D }
        impl<'a> Ctx<'a> {
            #[lh] async fn with<F, Fut, T>(&self, f: F) -> (T, &'a str)
            where
                F: FnOnce(&'a str) -> Fut,
                Fut: Future<Output = T>,
                Self: Sized,
            {
                let g = D::new("with");
                let v = f(self.name).await;
                pend(1, ()).await;
                (v, self.name)
            }
        }
        async fn go() -> (usize, String) {
            let name = String::from("ctx");
            let c = Ctx { name: &name, _d: D::new("c") };
            let (n, s) = c.with(|s| async move { pend(1, ()).await; s.len() }).await;
            (n, s.to_string())
        }
    },
    run: go(),
}

differential! {
    /// `Box<dyn FnOnce() -> BoxFut>` continuations collected in a `Vec`
    /// and awaited one by one.
    name: vec_of_boxed_fnonce_returning_futures,
    items: {
        #[lh] async fn f(jobs: Vec<Box<dyn FnOnce() -> BoxFut<'static, u32>>>) -> Vec<u32> {
            let g = D::new("g");
            let mut out = vec![];
            for j in jobs {
                out.push(j().await);
            }
            out
        }
        fn job(n: u32) -> Box<dyn FnOnce() -> BoxFut<'static, u32>> {
            let d = D::new("job");
            Box::new(move || Box::pin(async move { pend(1, ()).await; d.touch() as u32 + n }))
        }
    },
    run: f(vec![job(1), job(2)]),
}

differential! {
    /// A generic `T: Default + Extend<u32>` collection filled across
    /// awaits, type given by the turbofish at the call.
    name: generic_default_extend_turbofish,
    items: {
        #[lh] async fn collect_into<C: Default + Extend<u32> + std::fmt::Debug>(n: u32) -> C {
            let mut c = C::default();
            let g = D::new("g");
            for i in 0..n {
                c.extend([pend(1, i).await]);
            }
            c
        }
        async fn go() -> (Vec<u32>, std::collections::BTreeSet<u32>) {
            (collect_into::<Vec<u32>>(2).await, collect_into::<std::collections::BTreeSet<u32>>(3).await)
        }
    },
    run: go(),
}

differential! {
    /// An `impl Trait` argument implementing an `Iterator` consumed across
    /// awaits.
    name: impl_iterator_arg_consumed_across_awaits,
    items: {
        #[lh] async fn f(it: impl Iterator<Item = D>) -> Vec<usize> {
            let mut out = vec![];
            for d in it {
                let n = d.touch();
                out.push(pend(1, n).await);
            }
            out
        }
    },
    run: f(vec![D::new("x"), D::new("yy")].into_iter()),
}

// ---------------------------------------------------------------------------
// 4. Resource handling
// ---------------------------------------------------------------------------

differential! {
    /// An RAII lease held across awaits, released at the end.
    name: raii_lease_across_awaits,
    items: {
        #[lh] async fn f(id: u32) -> u32 {
            let l = lease(id, "conn");
            let a = pend(1, l.id).await;
            let l2 = lease(id + 1, "conn2");
            pend(2, ()).await;
            a + l2.id
        }
    },
    run: f(1),
}

differential! {
    /// A `defer` guard whose closure logs, created before awaits; its drop
    /// runs last (reverse declaration order).
    name: defer_guard_runs_at_end,
    items: {
        #[lh] async fn f() -> u32 {
            let _g = defer(|| log("deferred"));
            let d = D::new("d");
            let x = pend(1, 5).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// A `defer` guard capturing a `Cell` by reference, updated between
    /// awaits and read in the closure.
    name: defer_reads_cell_updated_across_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let state = Cell::new(0u32);
            let _g = defer(|| log(format!("state at exit {}", state.get())));
            state.set(pend(1, 1).await);
            state.set(state.get() + pend(1, 2).await);
            state.get()
        }
    },
    run: f(),
}

differential! {
    /// A defer guard that's disarmed (`mem::forget`) on the success path,
    /// runs on the error path.
    name: defer_disarmed_on_success,
    items: {
        #[lh] async fn f(ok: bool) -> Result<u32, String> {
            let rollback = defer(|| log("rollback"));
            let v = pend(1, 3).await;
            if !ok { return Err("failed".into()); }
            let g = D::new("commit");
            pend(1, ()).await;
            std::mem::forget(rollback);
            Ok(v)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// A guard moved into a struct field (`Txn { guard, .. }`) that lives
    /// across awaits, then committed by value.
    name: guard_moved_into_struct_then_committed,
    items: {
        struct Txn { l: Lease, ops: Vec<u32> }
        impl Txn {
            fn commit(self) -> usize { log(format!("commit {}", self.ops.len())); self.ops.len() }
        }
        #[lh] async fn f() -> usize {
            let l = lease(7, "txn");
            let mut t = Txn { l, ops: vec![] };
            for i in 0..2 { t.ops.push(pend(1, i).await); }
            let n = { t }.commit();
            pend(1, ()).await;
            n
        }
    },
    run: f(),
}

differential! {
    /// `Rc<RefCell<Vec<..>>>` shared with the caller: the body pushes
    /// between awaits, the caller reads after.
    name: rc_refcell_shared_with_caller,
    items: {
        #[lh] async fn f(shared: Rc<RefCell<Vec<String>>>, n: u32) -> usize {
            let g = D::new("g");
            for i in 0..n {
                let v = pend(1, i).await;
                shared.borrow_mut().push(format!("item {v}"));
            }
            shared.borrow().len()
        }
        async fn go() -> (usize, Vec<String>) {
            let s = Rc::new(RefCell::new(vec![]));
            let n = f(s.clone(), 3).await;
            let v = s.borrow().clone();
            (n, v)
        }
    },
    run: go(),
}

differential! {
    /// A `RefCell` borrow held across an await (as careless code does),
    /// with `Rc::strong_count` checks.
    name: refcell_borrow_held_across_await,
    items: {
        #[lh] async fn f(shared: Rc<RefCell<Vec<u32>>>) -> (usize, u32) {
            let r = shared.borrow();
            let c = Rc::strong_count(&shared);
            let first = pend(1, r[0]).await;
            drop(r);
            shared.borrow_mut().push(first + 1);
            pend(1, ()).await;
            (c, shared.borrow().iter().sum())
        }
    },
    run: f(Rc::new(RefCell::new(vec![4, 5]))),
}

differential! {
    /// An `Arc<Mutex<..>>` locked, the guard dropped before the await, then
    /// locked again; the state shared with the caller.
    name: arc_mutex_lock_scoped_before_await,
    items: {
        #[lh] async fn f(m: Arc<Mutex<Vec<u32>>>) -> usize {
            let g = D::new("g");
            {
                let mut v = m.lock().unwrap();
                v.push(1);
            }
            let x = pend(1, 2).await;
            m.lock().unwrap().push(x);
            let n = m.lock().unwrap().len();
            pend(1, ()).await;
            n
        }
        async fn go() -> (usize, Vec<u32>) {
            let m = Arc::new(Mutex::new(vec![]));
            let n = f(m.clone()).await;
            let v = m.lock().unwrap().clone();
            (n, v)
        }
    },
    run: go(),
}

differential! {
    /// A `MutexGuard` held across an await (single-threaded, so it does not
    /// deadlock), dropped by a `defer` logging the count.
    name: mutex_guard_held_across_await,
    items: {
        #[lh] async fn f(m: Arc<Mutex<u32>>) -> u32 {
            let mut guard = m.lock().unwrap();
            *guard += pend(1, 5).await;
            let d = D::new("d");
            *guard += pend(1, 1).await;
            *guard
        }
    },
    run: f(Arc::new(Mutex::new(10))),
}

differential! {
    /// An early `return` from inside two nested loops with guards live at
    /// every level.
    name: early_return_from_nested_loops_guards,
    items: {
        #[lh] async fn find(grid: Vec<Vec<u32>>, target: u32) -> Option<(usize, usize)> {
            let outer = D::new("outer");
            for (i, row) in grid.iter().enumerate() {
                let rg = lease(i as u32, "row");
                for (j, &c) in row.iter().enumerate() {
                    let cell = D::new("cell");
                    if pend(1, c).await == target {
                        return Some((i, j));
                    }
                }
            }
            None
        }
        async fn go() -> (Option<(usize, usize)>, Option<(usize, usize)>) {
            (find(vec![vec![1, 2], vec![3, 4]], 3).await, find(vec![vec![1]], 9).await)
        }
    },
    run: go(),
}

differential! {
    /// `?` from inside a nested loop with a lease live in the inner loop.
    name: try_from_nested_loop_with_lease,
    items: {
        #[lh] async fn f(batches: Vec<Vec<&'static str>>) -> Result<u32, SvcErr> {
            let g = D::new("g");
            let mut sum = 0;
            for (bi, b) in batches.into_iter().enumerate() {
                let l = lease(bi as u32, "batch");
                for s in b {
                    let n: u32 = pend(1, s).await.parse()?;
                    sum += n;
                }
                pend(1, ()).await;
            }
            Ok(sum)
        }
        async fn go() -> (String, String) {
            (format!("{:?}", f(vec![vec!["1", "2"], vec!["3"]]).await), format!("{:?}", f(vec![vec!["1"], vec!["x", "2"]]).await))
        }
    },
    run: go(),
}

differential! {
    /// `break 'label value` out of a labeled block with awaits before the
    /// break and a guard in the block.
    name: labeled_block_break_value_with_awaits,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let outer = D::new("outer");
            let v = 'blk: {
                let inner = D::new("inner");
                let a = pend(1, n).await;
                if a > 5 { break 'blk a * 2; }
                let b = pend(1, a + 1).await;
                if b % 2 == 0 { break 'blk b; }
                pend(1, ()).await;
                0
            };
            pend(1, ()).await;
            v + 1
        }
        async fn go() -> Vec<u32> { vec![f(7).await, f(1).await, f(2).await] }
    },
    run: go(),
}

differential! {
    /// `break 'outer value` from a loop nested in a labelled `loop`, with
    /// a `D` value as the break value.
    name: labeled_loop_break_d_value,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> usize {
            let g = D::new("g");
            let found = 'outer: loop {
                for &x in &xs {
                    let d = D::new("candidate");
                    if pend(1, x).await > 2 {
                        break 'outer d;
                    }
                }
                break D::new("none");
            };
            pend(1, ()).await;
            found.touch()
        }
    },
    run: f(vec![1, 3]),
}

differential! {
    /// A labeled block whose break value is an awaited expression:
    /// `break 'b pend(..).await`.
    name: labeled_block_break_with_awaited_value,
    items: {
        #[lh] async fn f(flag: bool) -> u32 {
            let d = D::new("d");
            let v = 'b: {
                if flag { break 'b pend(1, 10).await; }
                let e = D::new("e");
                pend(2, 20).await
            };
            v
        }
        async fn go() -> (u32, u32) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// A connection-pool checkout guard returning the connection to a
    /// shared `Rc<RefCell<Vec<..>>>` pool on drop.
    name: pool_checkout_guard_returns_on_drop,
    items: {
        struct Pool { free: RefCell<Vec<u32>> }
        struct Checkout<'a> { pool: &'a Pool, conn: Option<u32> }
        impl Drop for Checkout<'_> {
            fn drop(&mut self) {
                if let Some(c) = self.conn.take() {
                    log(format!("return {c}"));
                    self.pool.free.borrow_mut().push(c);
                }
            }
        }
        impl Pool {
            fn get(&self) -> Option<Checkout<'_>> {
                let c = self.free.borrow_mut().pop()?;
                log(format!("checkout {c}"));
                Some(Checkout { pool: self, conn: Some(c) })
            }
        }
        #[lh] async fn query(pool: &Pool, q: u32) -> Result<u32, String> {
            let c = pool.get().ok_or("exhausted")?;
            let c2 = pool.get().ok_or("exhausted 2")?;
            let r = pend(1, q + c.conn.unwrap() + c2.conn.unwrap()).await;
            Ok(r)
        }
        async fn go() -> (Result<u32, String>, Result<u32, String>, Vec<u32>) {
            let p = Pool { free: RefCell::new(vec![1, 2]) };
            let a = query(&p, 10).await;
            p.free.borrow_mut().pop();
            let b = query(&p, 20).await;
            let free = p.free.borrow().clone();
            (a, b, free)
        }
    },
    run: go(),
}

differential! {
    /// A semaphore-like permit count in a `Cell`, acquired in a loop with
    /// awaits and released by a guard.
    name: cell_permit_guard_loop,
    items: {
        struct Permit<'a>(&'a Cell<u32>);
        impl Drop for Permit<'_> {
            fn drop(&mut self) { self.0.set(self.0.get() + 1); log(format!("permits {}", self.0.get())); }
        }
        #[lh] async fn f(permits: &Cell<u32>, jobs: u32) -> u32 {
            let mut done = 0;
            for j in 0..jobs {
                while permits.get() == 0 { pend(1, ()).await; }
                permits.set(permits.get() - 1);
                let p = Permit(permits);
                done += pend(1, j).await;
            }
            done
        }
        async fn go() -> (u32, u32) { let c = Cell::new(1); let d = f(&c, 3).await; (d, c.get()) }
    },
    run: go(),
}

differential! {
    /// A guard shadowed by a new guard with the same name: the old one
    /// stays alive (shadowing does not drop) until the end.
    name: guard_shadowed_stays_alive,
    items: {
        #[lh] async fn f() -> u32 {
            let g = lease(1, "first");
            pend(1, ()).await;
            let g = lease(2, "second");
            pend(1, ()).await;
            g.id
        }
    },
    run: f(),
}

differential! {
    /// A guard overwritten by assignment (`g = lease(..)`): the old one is
    /// dropped at the assignment, between awaits.
    name: guard_reassigned_drops_old,
    items: {
        #[lh] async fn f() -> u32 {
            let mut g = lease(1, "first");
            pend(1, ()).await;
            g = lease(pend(1, 2).await, "second");
            pend(1, ()).await;
            g.id
        }
    },
    run: f(),
}

differential! {
    /// A panic in the middle with leases and a defer live: the unwinding
    /// drop order.
    name: panic_with_leases_and_defer_live,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let _d = defer(|| log("defer ran"));
            let a = lease(1, "a");
            let x = pend(1, n).await;
            let b = lease(2, "b");
            if x > 3 { panic!("too big {x}"); }
            pend(1, x).await
        }
    },
    run: f(4),
}

differential! {
    /// `Option<Lease>` released early with `take()` inside a `match` arm
    /// that awaits.
    name: option_lease_take_in_arm,
    items: {
        #[lh] async fn f(mode: u8) -> u32 {
            let mut l = Some(lease(3, "opt"));
            let r = match mode {
                0 => { drop(l.take()); pend(1, 0).await }
                1 => { pend(1, ()).await; l.as_ref().map(|x| x.id).unwrap_or(9) }
                _ => 7,
            };
            pend(1, ()).await;
            r
        }
        async fn go() -> Vec<u32> { vec![f(0).await, f(1).await, f(2).await] }
    },
    run: go(),
}

differential! {
    /// A guard in a `let _ = ..` (dropped at once) versus `let _g = ..`
    /// (kept), interleaved with awaits.
    name: underscore_vs_named_guard,
    items: {
        #[lh] async fn f() -> u32 {
            let _ = lease(1, "dropped-now");
            let _g = lease(2, "kept");
            pend(1, ()).await;
            let _ = pend(1, D::new("awaited-discard")).await;
            pend(1, 5).await
        }
    },
    run: f(),
}

differential! {
    /// `Rc<RefCell<State>>` shared by two lowered futures polled in turn by
    /// a hand-written join.
    name: rc_state_two_lowered_futures_joined,
    items: {
        #[lh] async fn worker(id: u32, st: Rc<RefCell<Vec<u32>>>, n: u32) -> u32 {
            let g = D::new("worker");
            for i in 0..n {
                pend(1, ()).await;
                st.borrow_mut().push(id * 10 + i);
            }
            id
        }
        async fn go() -> (u32, u32, Vec<u32>) {
            let st = Rc::new(RefCell::new(vec![]));
            let mut a = std::pin::pin!(worker(1, st.clone(), 2));
            let mut b = std::pin::pin!(worker(2, st.clone(), 3));
            let (mut ra, mut rb) = (None, None);
            std::future::poll_fn(|cx| {
                if ra.is_none() { if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) { ra = Some(v); } }
                if rb.is_none() { if let std::task::Poll::Ready(v) = b.as_mut().poll(cx) { rb = Some(v); } }
                if ra.is_some() && rb.is_some() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
            }).await;
            let v = st.borrow().clone();
            (ra.unwrap(), rb.unwrap(), v)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 5. Numeric and collection code
// ---------------------------------------------------------------------------

differential! {
    /// `HashMap` entry API: `or_insert_with` and `and_modify`, with the
    /// counted values awaited.
    name: hashmap_entry_counts,
    items: {
        #[lh] async fn f(words: Vec<&'static str>) -> Vec<(&'static str, u32)> {
            let g = D::new("g");
            let mut m: HashMap<&str, u32> = HashMap::new();
            for w in words {
                let w = pend(1, w).await;
                m.entry(w).and_modify(|c| *c += 1).or_insert_with(|| { log(format!("new {w}")); 1 });
            }
            let mut v: Vec<_> = m.into_iter().collect();
            v.sort();
            v
        }
    },
    run: f(vec!["a", "b", "a", "c", "a"]),
}

differential! {
    /// `BTreeMap` entry with an awaited value inserted into a vacant entry
    /// after the match (the entry not held across the await).
    name: btreemap_entry_insert_after_await,
    items: {
        #[lh] async fn f(keys: Vec<u32>) -> BTreeMap<u32, String> {
            let mut m = BTreeMap::new();
            let g = D::new("g");
            for k in keys {
                if m.contains_key(&k) { continue; }
                let v = pend(1, format!("v{k}")).await;
                m.entry(k).or_insert(v);
            }
            m
        }
    },
    run: f(vec![3, 1, 3, 2]),
}

differential! {
    /// `*map.entry(k).or_default() += awaited`: the right operand awaits
    /// while the place is an entry's `&mut`.
    name: entry_or_default_add_assign_awaited,
    items: {
        #[lh] async fn f(xs: Vec<(u8, u32)>) -> BTreeMap<u8, u32> {
            let mut m = BTreeMap::new();
            for (k, v) in xs {
                *m.entry(k).or_default() += pend(1, v).await;
            }
            m
        }
    },
    run: f(vec![(1, 2), (2, 3), (1, 4)]),
}

differential! {
    /// `Vec::retain` with a closure capturing a local, between awaits, on
    /// a vector of `D`s.
    name: vec_retain_d_between_awaits,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> Vec<&'static str> {
            let keep = pend(1, 'b').await;
            v.retain(|d| d.0.starts_with(keep));
            pend(1, ()).await;
            v.iter().map(|d| d.0).collect()
        }
    },
    run: f(vec![D::new("a1"), D::new("b1"), D::new("a2"), D::new("b2")]),
}

differential! {
    /// `Vec::drain(..)` consumed in a `for` loop whose body awaits: the
    /// `Drain` iterator borrows the vector across the awaits.
    name: vec_drain_loop_with_awaits,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> (usize, usize) {
            let mut n = 0;
            for d in v.drain(1..) {
                n += pend(1, d.touch()).await;
            }
            pend(1, ()).await;
            (n, v.len())
        }
    },
    run: f(vec![D::new("keep"), D::new("x"), D::new("yy")]),
}

differential! {
    /// A `Drain` dropped early by `break`: the remaining elements are
    /// dropped when the drain is dropped, after the await.
    name: vec_drain_break_drops_rest,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> usize {
            for d in v.drain(..) {
                if pend(1, d.0).await == "stop" { break; }
            }
            pend(1, ()).await;
            v.len()
        }
    },
    run: f(vec![D::new("a"), D::new("stop"), D::new("c"), D::new("d")]),
}

differential! {
    /// `Vec::extend` from an iterator chain computed before an await and
    /// consumed after it.
    name: iterator_chain_built_before_consumed_after,
    items: {
        #[lh] async fn f(xs: Vec<u32>, k: u32) -> Vec<u32> {
            let g = D::new("g");
            let it = xs.iter().copied().filter(move |x| x % k == 0).map(|x| x * 10);
            pend(1, ()).await;
            let mut out = vec![pend(1, 0).await];
            out.extend(it);
            out
        }
    },
    run: f(vec![1, 2, 3, 4, 6], 2),
}

differential! {
    /// An iterator over owned `D`s (`into_iter`) partly consumed before an
    /// await, the rest consumed (and dropped) after.
    name: into_iter_partly_consumed_across_await,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            let mut it = v.into_iter();
            let first = it.next();
            pend(1, ()).await;
            let n = first.map(|d| d.touch()).unwrap_or(0);
            let rest: usize = it.by_ref().take(1).map(|d| d.touch()).sum();
            pend(1, ()).await;
            n + rest
        }
    },
    run: f(vec![D::new("a"), D::new("bb"), D::new("ccc")]),
}

differential! {
    /// `sort_by_key` with a closure capturing a local computed by an await,
    /// then `dedup_by_key`.
    name: sort_by_key_capturing_awaited_local,
    items: {
        #[lh] async fn f(mut v: Vec<(u32, &'static str)>) -> Vec<(u32, &'static str)> {
            let pivot = pend(1, 3u32).await;
            let g = D::new("g");
            v.sort_by_key(|(n, _)| (n.abs_diff(pivot), *n));
            pend(1, ()).await;
            v.dedup_by_key(|(n, _)| *n / 2);
            v
        }
    },
    run: f(vec![(1, "a"), (5, "b"), (3, "c"), (4, "d"), (2, "e")]),
}

differential! {
    /// `sort_by` with a comparator calling a helper, on `D`s, with awaits
    /// before and after.
    name: sort_by_on_ds,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> Vec<&'static str> {
            pend(1, ()).await;
            let rev = pend(1, true).await;
            v.sort_by(|a, b| if rev { b.0.cmp(a.0) } else { a.0.cmp(b.0) });
            pend(1, ()).await;
            v.iter().map(|d| d.0).collect()
        }
    },
    run: f(vec![D::new("b"), D::new("c"), D::new("a")]),
}

differential! {
    /// Integer arithmetic: `checked_add`, `saturating_sub`, `wrapping_mul`
    /// and `i64::try_from` with awaits between.
    name: checked_saturating_wrapping_math,
    items: {
        #[lh] async fn f(a: u32, b: u32) -> (Option<u32>, u32, u32, Result<i8, String>) {
            let g = D::new("g");
            let c = a.checked_add(pend(1, b).await);
            let s = pend(1, a).await.saturating_sub(b);
            let w = a.wrapping_mul(pend(1, b).await);
            let t = i8::try_from(pend(1, a as i64).await).map_err(|e| e.to_string());
            (c, s, w, t)
        }
        async fn go() -> Vec<(Option<u32>, u32, u32, Result<i8, String>)> {
            vec![f(3, 4).await, f(u32::MAX, 2).await]
        }
    },
    run: go(),
}

differential! {
    /// A running statistics accumulator (mean/min/max) over awaited
    /// samples with `f64` math.
    name: running_stats_f64,
    items: {
        #[lh] async fn f(xs: Vec<f64>) -> (f64, f64, f64, usize) {
            let g = D::new("g");
            let (mut min, mut max, mut sum, mut n) = (f64::INFINITY, f64::NEG_INFINITY, 0.0, 0usize);
            for x in xs {
                let x = pend(1, x).await;
                if x.is_nan() { continue; }
                min = min.min(x);
                max = max.max(x);
                sum += x;
                n += 1;
            }
            (min, max, sum / n as f64, n)
        }
    },
    run: f(vec![1.5, f64::NAN, -2.0, 4.0]),
}

differential! {
    /// A `VecDeque` sliding window: `push_back`, `pop_front` when full,
    /// `iter().sum()` each step, with awaits.
    name: vecdeque_sliding_window_sum,
    items: {
        #[lh] async fn f(xs: Vec<u32>, w: usize) -> Vec<u32> {
            let mut win = VecDeque::with_capacity(w);
            let mut out = vec![];
            let g = D::new("g");
            for x in xs {
                if win.len() == w { win.pop_front(); }
                win.push_back(pend(1, x).await);
                out.push(win.iter().sum());
            }
            out
        }
    },
    run: f(vec![1, 2, 3, 4, 5], 3),
}

differential! {
    /// `BTreeMap<String, Vec<D>>` grouping with `entry(..).or_default().push`
    /// and removal by key after awaits (a `BTreeMap`: a `HashMap` would drop
    /// its values in a per-instance random order).
    name: hashmap_group_remove_after_await,
    items: {
        #[lh] async fn f(items: Vec<(&'static str, D)>) -> (Vec<&'static str>, usize) {
            let mut groups: BTreeMap<String, Vec<D>> = BTreeMap::new();
            for (k, d) in items {
                groups.entry(k.to_string()).or_default().push(pend(1, d).await);
            }
            let removed = groups.remove("x");
            pend(1, ()).await;
            let mut keys: Vec<_> = removed.iter().flatten().map(|d| d.0).collect();
            keys.sort();
            (keys, groups.len())
        }
    },
    run: f(vec![("x", D::new("x1")), ("y", D::new("y1")), ("x", D::new("x2"))]),
}

differential! {
    /// `iter().position`, `iter().rposition`, `binary_search` on a sorted
    /// buffer between awaits.
    name: search_methods_between_awaits,
    items: {
        #[lh] async fn f(v: Vec<u32>, x: u32) -> (Option<usize>, Option<usize>, Result<usize, usize>) {
            let g = D::new("g");
            let p = v.iter().position(|&y| y == x);
            let x2 = pend(1, x + 1).await;
            let r = v.iter().rposition(|&y| y < x2);
            let b = pend(1, v.binary_search(&x)).await;
            (p, r, b)
        }
    },
    run: f(vec![1, 3, 5, 7], 5),
}

differential! {
    /// `chunks(n)` over a borrowed slice with each chunk awaited,
    /// `windows(2)` computed after.
    name: chunks_and_windows_with_awaits,
    items: {
        #[lh] async fn f(data: &[u32]) -> (Vec<u32>, Vec<bool>) {
            let g = D::new("g");
            let mut sums = vec![];
            for c in data.chunks(2) {
                sums.push(pend(1, c.iter().sum()).await);
            }
            let inc = sums.windows(2).map(|w| w[0] < w[1]).collect();
            (sums, inc)
        }
    },
    run: f(&[1, 2, 3, 4, 5]),
}

differential! {
    /// A peekable iterator (`while let Some(x) = it.next()` with
    /// `it.peek()` / `next_if`) kept across awaits: run-length encoding.
    name: peekable_run_length_encode,
    items: {
        #[lh] async fn f(s: &str) -> Vec<(char, usize)> {
            let g = D::new("g");
            let mut it = s.chars().peekable();
            let mut out = vec![];
            while let Some(c) = it.next() {
                let mut n = 1;
                while it.next_if_eq(&c).is_some() { n += 1; }
                out.push(pend(1, (c, n)).await);
            }
            out
        }
    },
    run: f("aaabccdd"),
}

differential! {
    /// `fold` and `scan` chains whose closures capture an awaited value.
    name: fold_scan_capturing_awaited,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> (u32, Vec<u32>) {
            let k = pend(1, 2).await;
            let total = xs.iter().fold(0, |acc, x| acc + x * k);
            let g = D::new("g");
            let pre: Vec<u32> = xs.iter().scan(0, |s, x| { *s += x; Some(*s * k) }).collect();
            pend(1, ()).await;
            (total, pre)
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `zip`, `rev`, `enumerate`, `skip_while` on an iterator held in a
    /// local across an await.
    name: zipped_iterator_held_across_await,
    items: {
        #[lh] async fn f(a: Vec<u32>, b: Vec<&'static str>) -> Vec<String> {
            let mut it = a.iter().zip(b.iter().rev()).enumerate().skip_while(|(i, _)| *i < 1);
            let mut out = vec![];
            let g = D::new("g");
            while let Some((i, (x, s))) = it.next() {
                out.push(format!("{i}:{}:{s}", pend(1, *x).await));
            }
            out
        }
    },
    run: f(vec![1, 2, 3], vec!["a", "b", "c"]),
}

differential! {
    /// A histogram into a fixed array `[u32; 4]` indexed by a computed
    /// bucket, the increment awaited.
    name: fixed_array_histogram,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> [u32; 4] {
            let mut h = [0u32; 4];
            let g = D::new("g");
            for x in xs {
                let b = (x as usize / 10).min(3);
                h[b] += pend(1, 1).await;
            }
            h
        }
    },
    run: f(vec![1, 15, 22, 99, 5]),
}

differential! {
    /// `HashMap::get_mut` with `if let Some(v) = ..` and a push of an
    /// awaited value while the `&mut` is live.
    name: hashmap_get_mut_push_awaited,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut m: HashMap<u8, Vec<u32>> = HashMap::new();
            m.insert(1, vec![]);
            let g = D::new("g");
            if let Some(v) = m.get_mut(&1) {
                v.push(pend(1, 5).await);
                v.push(pend(1, 6).await);
            }
            m.remove(&1).unwrap_or_default()
        }
    },
    run: f(),
}

differential! {
    /// `extend` from an awaited `Vec` of `D`s and `truncate` dropping the
    /// tail between awaits.
    name: extend_then_truncate_ds,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![D::new("a")];
            v.extend(pend(1, vec![D::new("b"), D::new("c")]).await);
            v.truncate(2);
            pend(1, ()).await;
            v.len()
        }
    },
    run: f(),
}

differential! {
    /// `split_first_mut` on a local array, modifying the head after an
    /// await while the tail borrow is live.
    name: split_first_mut_across_await,
    items: {
        #[lh] async fn f() -> [u32; 3] {
            let mut a = [1, 2, 3];
            let g = D::new("g");
            if let Some((h, t)) = a.split_first_mut() {
                *h += pend(1, 10).await;
                t[0] += *h;
            }
            a
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 6. Mixed: more parser, builder and resource shapes
// ---------------------------------------------------------------------------

differential! {
    /// A `match` on `buf.as_slice()` inside `loop`, consuming a prefix
    /// with `drain(..n)` after the match (the borrow ends first).
    name: parser_match_slice_then_drain,
    items: {
        #[lh] async fn f(mut buf: Vec<u8>) -> Vec<String> {
            let g = D::new("g");
            let mut out = vec![];
            loop {
                let used = match buf.as_slice() {
                    [b'+', rest @ ..] => { out.push(format!("ok {}", rest.len())); buf.len() }
                    [b'-', c, ..] => { out.push(format!("err {}", *c as char)); 2 }
                    [_, ..] => 1,
                    [] => break,
                };
                buf.drain(..used);
                pend(1, ()).await;
            }
            out
        }
    },
    run: f(b"x-e+ok".to_vec()),
}

differential! {
    /// `if let [a, b] = parts[..]` on a `Vec<&str>` from `split`, with the
    /// parsed parts awaited.
    name: if_let_exact_slice_of_split,
    items: {
        #[lh] async fn f(line: String) -> Option<(String, u32)> {
            let g = D::new("g");
            let parts: Vec<&str> = line.split(' ').collect();
            if let [cmd, arg] = parts[..] {
                let n = pend(1, arg).await.parse().ok()?;
                Some((pend(1, cmd.to_string()).await, n))
            } else {
                pend(1, None).await
            }
        }
        async fn go() -> Vec<Option<(String, u32)>> {
            vec![f("SET 5".into()).await, f("GET".into()).await, f("SET x".into()).await]
        }
    },
    run: go(),
}

known_gap! {
    reason: "domains 5 (old gap, runs differently): `let [first, .., last] = arr;` on a `[D; 4]` parameter after an await leaves `arr[1]`, `arr[2]` unmoved; rustc drops them when `arr` goes out of scope (native `[\"touch a\", \"touch d\", \"drop d\", \"drop a\", \"drop b\", \"drop c\"]`), longhand at the destructuring (`[\"touch a\", \"drop b\", \"drop c\", \"touch d\", ..]`)",
    differential! {
        /// A slice pattern binding owned elements out of an array of `D`s by
        /// value (`let [first, .., last] = arr;`) with the middle dropped.
        name: array_pattern_first_last_moves,
        items: {
            #[lh] async fn f(arr: [D; 4]) -> usize {
                pend(1, ()).await;
                let [first, .., last] = arr;
                let n = pend(1, first.touch()).await;
                n + last.touch()
            }
        },
        run: f([D::new("a"), D::new("b"), D::new("c"), D::new("d")]),
    }
}

differential! {
    /// `match` with a `ref mut` binding into an enum local, mutated after
    /// an await.
    name: ref_mut_binding_mutated_after_await,
    items: {
        #[derive(Debug)]
        enum Conn { Idle, Busy { reqs: Vec<u32>, _d: D } }
        #[lh] async fn f(mut c: Conn) -> Conn {
            match c {
                Conn::Busy { ref mut reqs, .. } => {
                    let r = pend(1, 42).await;
                    reqs.push(r);
                }
                Conn::Idle => { pend(1, ()).await; }
            }
            c
        }
    },
    run: f(Conn::Busy { reqs: vec![1], _d: D::new("busy") }),
}

differential! {
    /// Binding modes in edition 2024: matching `&mut Option<D>` with
    /// `Some(d)` binds `d: &mut D`, held across an await.
    name: default_binding_mode_mut_ref_across_await,
    items: {
        #[lh] async fn f(slot: &mut Option<D>) -> usize {
            match slot {
                Some(d) => {
                    pend(1, ()).await;
                    d.touch()
                }
                None => { *slot = Some(D::new("filled")); 0 }
            }
        }
        async fn go() -> (usize, usize) {
            let mut s = None;
            let a = f(&mut s).await;
            let b = f(&mut s).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A struct-update builder: `Opts { verbose: x.await, ..opts }` with
    /// `Opts` holding only `Copy` fields besides a moved `String`.
    name: struct_update_with_await_field,
    items: {
        #[derive(Debug, Clone)]
        struct Opts { verbose: bool, level: u8, name: String }
        #[lh] async fn f(opts: Opts) -> Opts {
            let g = D::new("g");
            let o2 = Opts { verbose: pend(1, true).await, level: pend(1, 3).await, ..opts };
            pend(1, ()).await;
            o2
        }
    },
    run: f(Opts { verbose: false, level: 0, name: "n".into() }),
}

differential! {
    /// A builder with a method taking `&mut self` and returning `&mut Self`
    /// (the `Command` style), with an awaited argument mid-chain.
    name: mut_ref_builder_chain_await_arg,
    items: {
        #[derive(Debug, Default)]
        struct Cmd { args: Vec<String>, env: Vec<(String, String)> }
        impl Cmd {
            fn arg(&mut self, a: &str) -> &mut Self { log(format!("arg {a}")); self.args.push(a.into()); self }
            fn env(&mut self, k: &str, v: &str) -> &mut Self { self.env.push((k.into(), v.into())); self }
        }
        #[lh] async fn f() -> Cmd {
            let mut c = Cmd::default();
            let g = D::new("g");
            c.arg("run").arg(pend(1, "--fast").await).env("K", "V");
            pend(1, ()).await;
            c
        }
    },
    run: f(),
}

differential! {
    /// `Result<Option<T>, E>` handling with `?` then `let Some(..) else`,
    /// the realistic `get().await?` lookup.
    name: result_option_try_then_let_else,
    items: {
        async fn lookup(k: u32) -> Result<Option<String>, SvcErr> {
            pend(1, ()).await;
            match k { 0 => Err(SvcErr::Io(0)), 1 => Ok(None), k => Ok(Some(format!("v{k}"))) }
        }
        #[lh] async fn f(k: u32) -> Result<String, SvcErr> {
            let g = D::new("g");
            let Some(v) = lookup(k).await? else {
                return Ok("missing".into());
            };
            let e = D::new("e");
            Ok(pend(1, v).await)
        }
        async fn go() -> Vec<String> {
            let mut out = vec![];
            for k in 0..3 { out.push(format!("{:?}", f(k).await)); }
            out
        }
    },
    run: go(),
}

differential! {
    /// `?` on `Option` inside an `async fn -> Option<..>` with several
    /// guards and awaits between the `?`s.
    name: option_try_chain_with_guards,
    items: {
        #[lh] async fn f(m: HashMap<&'static str, &'static str>, k: &str) -> Option<u32> {
            let g1 = D::new("g1");
            let v = *m.get(k)?;
            let n: u32 = pend(1, v).await.parse().ok()?;
            let g2 = D::new("g2");
            let next = m.get(pend(1, v).await)?;
            Some(n + next.len() as u32)
        }
        async fn go() -> Vec<Option<u32>> {
            let m: HashMap<&'static str, &'static str> = [("a", "1"), ("1", "xyz"), ("b", "q"), ("c", "2")].into_iter().collect();
            vec![f(m.clone(), "a").await, f(m.clone(), "z").await, f(m.clone(), "b").await, f(m, "c").await]
        }
    },
    run: go(),
}

differential! {
    /// `unwrap_or_else(|e| ..)` with a closure that logs and returns a
    /// default, on an awaited `Result`, and `map_or`.
    name: unwrap_or_else_logging_closure,
    items: {
        #[lh] async fn f(ok: bool) -> (u32, usize) {
            let d = D::new("d");
            let r: Result<u32, String> = if ok { Ok(5) } else { Err("boom".into()) };
            let v = pend(1, r).await.unwrap_or_else(|e| { log(format!("recover {e}")); 0 });
            let o = pend(1, Some("abc")).await.map_or(0, str::len);
            (v, o)
        }
        async fn go() -> ((u32, usize), (u32, usize)) { (f(true).await, f(false).await) }
    },
    run: go(),
}

differential! {
    /// `impl From<Inner> for Outer` used implicitly by `?` where the inner
    /// error came from an awaited call of another lowered function.
    name: nested_lowered_error_conversion,
    items: {
        #[derive(Debug)]
        struct Inner(u32);
        #[derive(Debug)]
        enum Outer { In(Inner), Other }
        impl From<Inner> for Outer { fn from(i: Inner) -> Self { log("convert"); Outer::In(i) } }
        #[lh] async fn inner(n: u32) -> Result<u32, Inner> {
            let d = D::new("inner");
            pend(1, ()).await;
            if n % 2 == 0 { Ok(n) } else { Err(Inner(n)) }
        }
        #[lh] async fn outer(xs: Vec<u32>) -> Result<u32, Outer> {
            let d = D::new("outer");
            let mut s = 0;
            for x in xs { s += inner(x).await?; }
            if s == 0 { return Err(Outer::Other); }
            Ok(s)
        }
        async fn go() -> Vec<String> {
            vec![format!("{:?}", outer(vec![2, 4]).await), format!("{:?}", outer(vec![2, 3, 4]).await), format!("{:?}", outer(vec![]).await)]
        }
    },
    run: go(),
}

known_gap! {
    reason: "s8-3 (old gap, fails to compile, E0700): a method without `pub` (`async fn get2(&self, a: &str, b: &str)`) awaiting `self.store.get(a)`, a trait method tying `&self` and `a` to one lifetime: the awaitee's type names their intersection, which the opaque return type cannot; the `pub` form, `struct_with_boxed_dyn_field_pub_method`, works",
    differential! {
        /// A trait object held in `Box<dyn Store>` inside a struct, the method
        /// called with `&self.store` across awaits in a `&self` method.
        name: struct_with_boxed_dyn_field_method,
        items: {
            struct Svc { store: Box<dyn Store>, prefix: String }
            impl Svc {
                #[lh] async fn get2(&self, a: &str, b: &str) -> String {
                    let g = D::new("g");
                    let x = self.store.get(a).await;
                    let y = self.store.get(b).await;
                    format!("{}{:?}{:?}", self.prefix, x, y)
                }
            }
            async fn go() -> String {
                let s = Svc { store: Box::new(mem_store("svc-store")), prefix: "p:".into() };
                s.get2("a", "c").await
            }
        },
        run: go(),
    }
}

differential! {
    /// A trait object held in `Box<dyn Store>` inside a struct, the method
    /// called with `&self.store` across awaits in a `&self` method.
    name: struct_with_boxed_dyn_field_pub_method,
    items: {
        struct Svc { store: Box<dyn Store>, prefix: String }
        impl Svc {
            #[lh] pub async fn get2(&self, a: &str, b: &str) -> String {
                let g = D::new("g");
                let x = self.store.get(a).await;
                let y = self.store.get(b).await;
                format!("{}{:?}{:?}", self.prefix, x, y)
            }
        }
        async fn go() -> String {
            let s = Svc { store: Box::new(mem_store("svc-store")), prefix: "p:".into() };
            s.get2("a", "c").await
        }
    },
    run: go(),
}

differential! {
    /// A `match` whose arms await different boxed futures from a trait
    /// object, the result of each arm a `Box<dyn Debug>`.
    name: arms_return_box_dyn_debug,
    items: {
        #[lh] async fn f(s: &dyn Store, which: u8) -> Box<dyn std::fmt::Debug> {
            let g = D::new("g");
            match which {
                0 => Box::new(s.get("a").await),
                1 => Box::new(pend(1, "one").await),
                _ => { let v: Vec<u32> = vec![pend(1, 9).await]; Box::new(v) }
            }
        }
        async fn go() -> Vec<String> {
            let s = mem_store("st");
            let mut out = vec![];
            for w in 0..3 { out.push(format!("{:?}", f(&s, w).await)); }
            out
        }
    },
    run: go(),
}

differential! {
    /// A generic `async fn` with a `const N: usize` and a `where [u8; N]:
    /// Default`-free bound, returning an array filled by awaits.
    name: const_generic_array_fill,
    items: {
        #[lh] async fn fill<const N: usize>(start: u8) -> [u8; N] {
            let mut a = [0u8; N];
            let g = D::new("g");
            for i in 0..N { a[i] = pend(1, start + i as u8).await; }
            a
        }
    },
    run: fill::<3>(5),
}

differential! {
    /// A `scopeguard`-like guard holding `&mut Vec` and undoing a push on
    /// drop unless disarmed; an early return leaves it armed.
    name: undo_guard_on_mut_vec,
    items: {
        struct Undo<'a> { v: &'a mut Vec<u32>, armed: bool }
        impl Drop for Undo<'_> {
            fn drop(&mut self) { if self.armed { let x = self.v.pop(); log(format!("undo {x:?}")); } }
        }
        #[lh] async fn push_checked(v: &mut Vec<u32>, x: u32) -> bool {
            v.push(x);
            let mut u = Undo { v, armed: true };
            let ok = pend(1, x % 2 == 0).await;
            if !ok { return false; }
            u.v.push(pend(1, x * 10).await);
            u.armed = false;
            true
        }
        async fn go() -> (bool, bool, Vec<u32>) {
            let mut v = vec![];
            let a = push_checked(&mut v, 2).await;
            let b = push_checked(&mut v, 3).await;
            (a, b, v)
        }
    },
    run: go(),
}

differential! {
    /// A closure stored in a local defer guard that captures a `&mut`
    /// counter by unique borrow, the counter not touched elsewhere.
    name: defer_mut_counter_capture,
    items: {
        #[lh] async fn f(n: &mut u32) -> u32 {
            let g = D::new("g");
            {
                let _inc = defer(|| *n += 100);
                pend(1, ()).await;
            }
            *n += pend(1, 1).await;
            *n
        }
        async fn go() -> u32 { let mut n = 0; f(&mut n).await }
    },
    run: go(),
}

differential! {
    /// A `loop` with `continue` on an awaited condition and `break` with a
    /// value, a `Lease` in each iteration.
    name: loop_continue_break_value_lease,
    items: {
        #[lh] async fn f() -> u32 {
            let mut i = 0;
            let r = loop {
                i += 1;
                let l = lease(i, "iter");
                if pend(1, i % 2 == 1).await { continue; }
                if i > 3 { break l.id * 100; }
                pend(1, ()).await;
            };
            r
        }
    },
    run: f(),
}

differential! {
    /// A `while` loop condition that awaits (`while pend(..).await < n`)
    /// with a guard created in the body.
    name: while_condition_awaits,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let mut i = 0;
            let g = D::new("g");
            while pend(1, i).await < n {
                let b = D::new("body");
                i += 1;
            }
            i
        }
    },
    run: f(2),
}

differential! {
    /// An `Arc<Mutex<HashMap>>` cache: look up under the lock, release,
    /// await a fill, insert under the lock again.
    name: arc_mutex_cache_fill,
    items: {
        #[lh] async fn get(cache: &Arc<Mutex<HashMap<u32, String>>>, k: u32) -> String {
            if let Some(v) = cache.lock().unwrap().get(&k).cloned() {
                return v;
            }
            let g = D::new("fill");
            let v = pend(1, format!("val{k}")).await;
            cache.lock().unwrap().insert(k, v.clone());
            v
        }
        async fn go() -> (Vec<String>, usize) {
            let c = Arc::new(Mutex::new(HashMap::new()));
            let mut out = vec![];
            for k in [1, 2, 1] { out.push(get(&c, k).await); }
            let n = c.lock().unwrap().len();
            (out, n)
        }
    },
    run: go(),
}

differential! {
    /// An `Rc<Cell<u32>>` counter captured by a defer and shared with the
    /// caller; the count checked after each poll by the log.
    name: rc_cell_counter_defer,
    items: {
        #[lh] async fn f(c: Rc<Cell<u32>>) -> u32 {
            let c2 = c.clone();
            let _g = defer(move || { c2.set(c2.get() + 1); log(format!("exit {}", c2.get())); });
            c.set(pend(1, 10).await);
            pend(1, ()).await;
            c.get()
        }
        async fn go() -> (u32, u32) { let c = Rc::new(Cell::new(0)); let r = f(c.clone()).await; (r, c.get()) }
    },
    run: go(),
}

differential! {
    /// A `match` on `map.get(&k)` holding the `&V` across an await in one
    /// arm and inserting in the other (after the borrow is over).
    name: map_get_match_hold_or_insert,
    items: {
        #[lh] async fn f(mut m: BTreeMap<u32, D>, k: u32) -> usize {
            let n = match m.get(&k) {
                Some(d) => { pend(1, ()).await; d.touch() }
                None => { let v = pend(1, D::new("new")).await; m.insert(k, v); 0 }
            };
            pend(1, ()).await;
            n + m.len()
        }
        async fn go() -> (usize, usize) {
            let mut m = BTreeMap::new();
            m.insert(1, D::new("one"));
            let a = f(m, 1).await;
            let b = f(BTreeMap::new(), 2).await;
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// `Vec<Option<D>>` slots: `iter_mut().find(|s| s.is_none())` then fill
    /// it with an awaited value.
    name: slot_vec_find_empty_fill,
    items: {
        #[lh] async fn f(mut slots: Vec<Option<D>>) -> Vec<bool> {
            if let Some(s) = slots.iter_mut().find(|s| s.is_none()) {
                *s = Some(pend(1, D::new("filled")).await);
            }
            pend(1, ()).await;
            slots.iter().map(Option::is_some).collect()
        }
    },
    run: f(vec![Some(D::new("a")), None, None]),
}

differential! {
    /// `retain_mut` on a `Vec` with a closure that mutates and drops
    /// elements, then `dedup`, between awaits.
    name: retain_mut_and_dedup,
    items: {
        #[lh] async fn f(mut v: Vec<u32>) -> Vec<u32> {
            let lim = pend(1, 4).await;
            let g = D::new("g");
            v.retain_mut(|x| { *x += 1; *x <= lim });
            v.dedup();
            pend(1, ()).await;
            v
        }
    },
    run: f(vec![1, 1, 2, 5, 3, 3]),
}

differential! {
    /// A priority queue (`BinaryHeap` of `Reverse`) drained with awaits
    /// between pops.
    name: binary_heap_pop_loop,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Vec<u32> {
            use std::cmp::Reverse;
            use std::collections::BinaryHeap;
            let mut h: BinaryHeap<Reverse<u32>> = xs.into_iter().map(Reverse).collect();
            let mut out = vec![];
            let g = D::new("g");
            while let Some(Reverse(x)) = h.pop() {
                out.push(pend(1, x).await);
                if x == 3 { h.push(Reverse(10)); }
            }
            out
        }
    },
    run: f(vec![5, 3, 8, 1]),
}

differential! {
    /// `Iterator::max_by_key` / `min_by` computed on a list of `D`s
    /// borrowed across an await.
    name: max_by_key_ref_across_await,
    items: {
        #[lh] async fn f(v: Vec<D>) -> (usize, usize) {
            let longest = v.iter().max_by_key(|d| d.0.len());
            let first = v.iter().min_by(|a, b| a.0.cmp(b.0));
            pend(1, ()).await;
            (longest.map(|d| d.touch()).unwrap_or(0), first.map(|d| d.touch()).unwrap_or(0))
        }
    },
    run: f(vec![D::new("bb"), D::new("a"), D::new("cccc")]),
}

differential! {
    /// Parsing with `str::parse` into a tuple via `split_whitespace` and
    /// `collect::<Result<Vec<_>, _>>()?`.
    name: collect_result_vec_try,
    items: {
        #[lh] async fn f(line: &str) -> Result<Vec<i32>, SvcErr> {
            let g = D::new("g");
            let nums = pend(1, line).await.split_whitespace().map(str::parse::<i32>).collect::<Result<Vec<_>, _>>()?;
            pend(1, ()).await;
            Ok(nums)
        }
        async fn go() -> (String, String) { (format!("{:?}", f("1 -2 3").await), format!("{:?}", f("1 b").await)) }
    },
    run: go(),
}

differential! {
    /// A bit-packing encoder: shifts and masks with a `u64` accumulator,
    /// flushing bytes through an awaited writer.
    name: bit_packer_flush_awaited,
    items: {
        #[lh] async fn pack(vals: Vec<(u64, u32)>) -> Vec<u8> {
            let mut acc = 0u64;
            let mut bits = 0u32;
            let mut out = vec![];
            let g = D::new("g");
            for (v, w) in vals {
                acc |= (v & ((1 << w) - 1)) << bits;
                bits += w;
                while bits >= 8 {
                    out.push(pend(1, (acc & 0xff) as u8).await);
                    acc >>= 8;
                    bits -= 8;
                }
            }
            if bits > 0 { out.push(acc as u8); }
            out
        }
    },
    run: pack(vec![(5, 3), (255, 8), (1, 1), (3, 2)]),
}

// ---------------------------------------------------------------------------
// 7. Closures, async blocks and patterns inside bodies
// ---------------------------------------------------------------------------

differential! {
    /// `?` inside a closure in the body (its own `Result`), next to a `?`
    /// of the body itself, across awaits.
    name: try_inside_closure_in_body,
    items: {
        #[lh] async fn f(xs: Vec<&'static str>) -> Result<u32, SvcErr> {
            let g = D::new("g");
            let parse_all = |v: &[&str]| -> Result<Vec<u32>, std::num::ParseIntError> {
                let mut out = vec![];
                for s in v { out.push(s.parse::<u32>()?); }
                Ok(out)
            };
            let first = pend(1, parse_all(&xs[..1])).await?;
            let rest = parse_all(&xs[1..]).unwrap_or_default();
            pend(1, ()).await;
            Ok(first.iter().chain(&rest).sum())
        }
        async fn go() -> (String, String, String) {
            (format!("{:?}", f(vec!["1", "2"]).await), format!("{:?}", f(vec!["1", "x"]).await), format!("{:?}", f(vec!["y", "2"]).await))
        }
    },
    run: go(),
}

differential! {
    /// `return` inside a closure in the body returns from the closure only.
    name: return_inside_closure_in_body,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Vec<u32> {
            let g = D::new("g");
            let clamp = |x: u32| { if x > 5 { return 5; } x };
            let mut out = vec![];
            for x in xs { out.push(clamp(pend(1, x).await)); }
            out
        }
    },
    run: f(vec![1, 9, 3]),
}

differential! {
    /// An `async` block inside the body with its own `?` and `return`,
    /// awaited in the body.
    name: async_block_with_try_and_return_in_body,
    items: {
        #[lh] async fn f(s: &'static str) -> Result<u32, String> {
            let g = D::new("g");
            let r: Result<u32, std::num::ParseIntError> = async {
                let n: u32 = pend(1, s).await.parse()?;
                if n == 0 { return Ok(100); }
                Ok(n * 2)
            }.await;
            let v = r.map_err(|e| e.to_string())?;
            Ok(pend(1, v).await + 1)
        }
        async fn go() -> Vec<Result<u32, String>> { vec![f("3").await, f("0").await, f("q").await] }
    },
    run: go(),
}

differential! {
    /// An `async` block borrowing a local, created before an await and
    /// awaited after it (the block's future kept in the state).
    name: async_block_borrowing_local_awaited_later,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let fut = async { pend(1, ()).await; d.touch() };
            let e = D::new("e");
            pend(1, ()).await;
            let n = fut.await;
            n + e.touch()
        }
    },
    run: f(),
}

differential! {
    /// `std::pin::pin!` on a future in the body, polled partly through a
    /// `poll_fn` race and then awaited to the end.
    name: pin_macro_future_raced_then_awaited,
    items: {
        #[lh] async fn f() -> (bool, u32) {
            let g = D::new("g");
            let mut slow = std::pin::pin!(pend(3, 7u32));
            let first = std::future::poll_fn(|cx| match slow.as_mut().poll(cx) {
                std::task::Poll::Ready(v) => std::task::Poll::Ready(Some(v)),
                std::task::Poll::Pending => std::task::Poll::Ready(None),
            }).await;
            pend(1, ()).await;
            let v = slow.await;
            (first.is_some(), v)
        }
    },
    run: f(),
}

differential! {
    /// `matches!` on an awaited value with range and `@` patterns.
    name: matches_macro_on_awaited,
    items: {
        #[lh] async fn f(xs: Vec<Option<u32>>) -> Vec<bool> {
            let g = D::new("g");
            let mut out = vec![];
            for x in xs {
                out.push(matches!(pend(1, x).await, Some(1..=3 | 10)));
            }
            out
        }
    },
    run: f(vec![Some(2), None, Some(10), Some(4)]),
}

differential! {
    /// An or-pattern binding a `D` in both alternatives (`Ok(d) | Err(d)`)
    /// held across an await.
    name: or_pattern_binding_d_across_await,
    items: {
        #[lh] async fn f(r: Result<D, D>) -> usize {
            let g = D::new("g");
            let (Ok(d) | Err(d)) = r;
            pend(1, ()).await;
            d.touch()
        }
        async fn go() -> (usize, usize) { (f(Ok(D::new("ok"))).await, f(Err(D::new("err"))).await) }
    },
    run: go(),
}

differential! {
    /// `ref whole @ Some(ref inner)` bindings on a local `Option<D>` held
    /// across an await.
    name: ref_at_binding_with_ref_subpattern,
    items: {
        #[lh] async fn f(o: Option<D>) -> (bool, usize) {
            match o {
                ref whole @ Some(ref inner) => {
                    pend(1, ()).await;
                    (whole.is_some(), inner.touch())
                }
                None => (false, pend(1, 0).await),
            }
        }
        async fn go() -> ((bool, usize), (bool, usize)) { (f(Some(D::new("in"))).await, f(None).await) }
    },
    run: go(),
}

differential! {
    /// `let Some(ref mut x) = opt else { .. }`, then an await and a
    /// mutation through `x`.
    name: let_else_ref_mut_across_await,
    items: {
        #[lh] async fn f(mut opt: Option<Vec<D>>) -> usize {
            let Some(ref mut v) = opt else {
                pend(1, ()).await;
                return 0;
            };
            v.push(pend(1, D::new("pushed")).await);
            let n = v.len();
            pend(1, ()).await;
            n
        }
        async fn go() -> (usize, usize) { (f(Some(vec![D::new("a")])).await, f(None).await) }
    },
    run: go(),
}

differential! {
    /// A `let else` whose `else` block awaits before diverging with `?`-
    /// like early exit, guards live in both.
    name: let_else_block_awaits_then_returns,
    items: {
        #[lh] async fn f(s: &str) -> Result<u32, String> {
            let g = D::new("g");
            let Some((k, v)) = s.split_once('=') else {
                let e = D::new("else");
                let msg = pend(1, format!("no '=' in {s}")).await;
                return Err(msg);
            };
            let n = pend(1, v).await.parse::<u32>().map_err(|e| format!("{k}: {e}"))?;
            Ok(n)
        }
        async fn go() -> Vec<Result<u32, String>> { vec![f("a=1").await, f("a").await, f("b=x").await] }
    },
    run: go(),
}

differential! {
    /// A `for` range whose bounds are both awaited, with a guard in the
    /// body.
    name: for_range_bounds_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let mut s = 0;
            for i in pend(1, 1).await..pend(2, 4).await {
                let g = D::new("i");
                s += pend(1, i).await;
            }
            s
        }
    },
    run: f(),
}

differential! {
    /// `for x in &mut v { *x = pend(..).await }` with the vector a local.
    name: for_iter_mut_assign_awaited,
    items: {
        #[lh] async fn f(mut v: Vec<u32>) -> Vec<u32> {
            let g = D::new("g");
            for x in &mut v {
                *x = pend(1, *x * 2).await;
            }
            v
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// Temporary lifetime extension: `let r = &D::new(..)` and
    /// `let v = &mut Vec::new()` held across awaits.
    name: extended_temporaries_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let r = &D::new("extended");
            let v = &mut Vec::new();
            v.push(pend(1, 1u32).await);
            let e = D::new("e");
            v.push(pend(1, 2).await);
            r.touch() + v.len()
        }
    },
    run: f(),
}

differential! {
    /// A struct literal with an extended `&` field temporary:
    /// `let s = S { d: &D::new(..), n: x.await };`.
    name: struct_literal_extended_ref_field_await,
    items: {
        struct S<'a> { d: &'a D, n: u32 }
        #[lh] async fn f() -> usize {
            let s = S { d: &D::new("field"), n: pend(1, 2).await };
            pend(1, ()).await;
            s.d.touch() + s.n as usize
        }
    },
    run: f(),
}

differential! {
    /// A closure whose parameter type is inferred from a call after an
    /// await (`let add = |a, b| a + b; .. add(1u8, x.await)`).
    name: closure_param_type_inferred_after_await,
    items: {
        #[lh] async fn f() -> (u8, String) {
            let add = |a, b| a + b;
            let join = |a: &str, b| format!("{a}{b}");
            let g = D::new("g");
            let x = pend(1, 2u8).await;
            (add(1, x), join("a", pend(1, 5u64).await))
        }
    },
    run: f(),
}

differential! {
    /// A number parsed with `parse()` whose target type is fixed only by
    /// an annotated `let` after an await.
    name: parse_target_inferred_after_await,
    items: {
        #[lh] async fn f(s: &str) -> u64 {
            let n = s.parse().unwrap();
            let g = D::new("g");
            pend(1, ()).await;
            let m: u64 = n;
            m.count_ones() as u64 + m
        }
    },
    run: f("12"),
}

differential! {
    /// `Vec::new()` whose element type is fixed by a push after an await,
    /// `.len()` called before the push.
    name: vec_new_element_inferred_after_await,
    items: {
        #[lh] async fn f() -> (usize, Vec<D>) {
            let mut v = Vec::new();
            let before = v.len();
            pend(1, ()).await;
            v.push(D::new("late"));
            pend(1, ()).await;
            (before, v)
        }
    },
    run: f(),
}

differential! {
    /// An `Option` initialised to `None` whose payload type is fixed later,
    /// assigned an awaited `D` in a loop.
    name: none_payload_inferred_later,
    items: {
        #[lh] async fn f(n: u32) -> Option<D> {
            let mut last = None;
            for i in 0..n {
                last = Some(pend(1, D::new(if i == 0 { "d0" } else { "dn" })).await);
            }
            last
        }
    },
    run: f(2),
}

differential! {
    /// `futures::stream::iter(..)` with `StreamExt::next` in a `while let`
    /// (the stream borrowed across each await).
    name: stream_next_while_let,
    items: {
        use futures::StreamExt;
        #[lh] async fn f(xs: Vec<u32>) -> u32 {
            let g = D::new("g");
            let mut s = futures::stream::iter(xs).then(|x| async move { pend(1, ()).await; x * 2 });
            let mut s = std::pin::pin!(s);
            let mut t = 0;
            while let Some(x) = s.next().await {
                t += x;
            }
            t
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `futures::future::join_all` over futures built by an iterator chain
    /// that borrows a local `Rc<RefCell>` log.
    name: join_all_over_iterator_chain,
    items: {
        #[lh] async fn f(n: u32) -> (Vec<u32>, Vec<u32>) {
            let seen = RefCell::new(vec![]);
            let g = D::new("g");
            let futs = (0..n).map(|i| { let seen = &seen; async move { pend(i, ()).await; seen.borrow_mut().push(i); i * i } });
            let out = futures::future::join_all(futs).await;
            pend(1, ()).await;
            (out, seen.into_inner())
        }
    },
    run: f(3),
}

differential! {
    /// `futures::join!` of two lowered calls sharing a `&RefCell`.
    name: futures_join_two_lowered_calls,
    items: {
        #[lh] async fn step(log_to: &RefCell<Vec<String>>, name: &'static str, n: u32) -> u32 {
            let d = D::new(name);
            for i in 0..n { pend(1, ()).await; log_to.borrow_mut().push(format!("{name}{i}")); }
            n
        }
        #[lh] async fn f() -> (u32, u32, Vec<String>) {
            let l = RefCell::new(vec![]);
            let (a, b) = futures::join!(step(&l, "a", 2), step(&l, "b", 1));
            (a, b, l.into_inner())
        }
    },
    run: f(),
}

differential! {
    /// An exclusive range pattern with a `const` bound (`0..LIMIT`) and a
    /// `const` block pattern-free arm, each awaiting.
    name: exclusive_range_const_patterns,
    items: {
        const LIMIT: u32 = 10;
        const BIG: u32 = 100;
        #[lh] async fn f(xs: Vec<u32>) -> Vec<&'static str> {
            let g = D::new("g");
            let mut out = vec![];
            for x in xs {
                out.push(match x {
                    0..LIMIT => pend(1, "small").await,
                    LIMIT..BIG => pend(2, "medium").await,
                    BIG => "exact",
                    _ => pend(1, "large").await,
                });
            }
            out
        }
    },
    run: f(vec![3, 10, 100, 500]),
}

differential! {
    /// `char` range patterns and `is_ascii_*` classification in a
    /// tokenizer loop over `chars()` held across awaits.
    name: char_range_tokenizer,
    items: {
        #[lh] async fn f(s: &str) -> Vec<String> {
            let g = D::new("g");
            let mut out = vec![];
            let mut cur = String::new();
            for c in s.chars() {
                match c {
                    'a'..='z' | 'A'..='Z' | '_' => cur.push(c),
                    '0'..='9' if !cur.is_empty() => cur.push(c),
                    _ => {
                        if !cur.is_empty() { out.push(pend(1, std::mem::take(&mut cur)).await); }
                        if !c.is_whitespace() { out.push(c.to_string()); }
                    }
                }
            }
            if !cur.is_empty() { out.push(cur); }
            out
        }
    },
    run: f("ab1 + c_2*x"),
}

differential! {
    /// A nested enum match with `Box` payloads (`Expr::Add(Box<Expr>, ..)`)
    /// evaluated by a recursive boxed async helper.
    name: boxed_recursive_expr_eval,
    items: {
        enum Expr { Num(i64), Add(Box<Expr>, Box<Expr>), Neg(Box<Expr>) }
        fn eval(e: &Expr) -> BoxFut<'_, i64> {
            Box::pin(inner(e))
        }
        #[lh] async fn inner(e: &Expr) -> i64 {
            let d = D::new("node");
            match e {
                Expr::Num(n) => pend(1, *n).await,
                Expr::Add(a, b) => eval(a).await + eval(b).await,
                Expr::Neg(x) => -eval(x).await,
            }
        }
        async fn go() -> i64 {
            let e = Expr::Add(Box::new(Expr::Num(2)), Box::new(Expr::Neg(Box::new(Expr::Num(5)))));
            eval(&e).await
        }
    },
    run: go(),
}

known_gap! {
    reason: "s9-6 (old gap, runs differently): `match (pend(1, D::new(\"l\")).await, pend(1, x).await) { (d, 0) => d.touch(), (_, n) => { pend(1, ()).await; n as usize } }`: the `(_, n)` arm leaves the `D` in the scrutinee temporary; rustc drops it at the end of the `match` (after the arm's await; dropping after 5 polls: `[.., \"-- drop after 5 polls\", \"drop pend\", \"drop l\"]`), longhand at the arm's suspension (`[.., \"drop l\", \"-- drop after 5 polls\", \"drop pend\"]`)",
    differential! {
        /// A `match` on `(a, b)` where both are awaited in the scrutinee, with
        /// `D`s in the tuple and a wildcard arm.
        name: tuple_scrutinee_two_awaits_with_ds,
        items: {
            #[lh] async fn f(x: u32) -> usize {
                match (pend(1, D::new("l")).await, pend(1, x).await) {
                    (d, 0) => d.touch(),
                    (_, n) => { pend(1, ()).await; n as usize }
                }
            }
            async fn go() -> (usize, usize) { (f(0).await, f(3).await) }
        },
        run: go(),
    }
}

differential! {
    /// `if let Some(x) = stack.last_mut()` modifying the top after an
    /// await, then `pop` in the `else` path (a parser's context stack).
    name: stack_last_mut_then_pop,
    items: {
        #[lh] async fn f(ops: Vec<i32>) -> Vec<Vec<i32>> {
            let mut stack: Vec<Vec<i32>> = vec![vec![]];
            let g = D::new("g");
            for op in ops {
                match op {
                    0 => stack.push(vec![]),
                    -1 => {
                        let top = stack.pop().unwrap_or_default();
                        if let Some(parent) = stack.last_mut() {
                            parent.push(pend(1, top.iter().sum()).await);
                        } else {
                            stack.push(top);
                        }
                    }
                    n => if let Some(top) = stack.last_mut() { top.push(pend(1, n).await); },
                }
            }
            stack
        }
    },
    run: f(vec![1, 0, 2, 3, -1, 4]),
}

// ---------------------------------------------------------------------------
// 8. Locals borrowed by awaitees: disjoint fields, guards, entries
// ---------------------------------------------------------------------------

async fn write_to(out: &mut Vec<u8>, data: &[u8]) -> usize {
    pend(1, ()).await;
    out.extend_from_slice(data);
    data.len()
}

differential! {
    /// An awaitee borrowing two fields of one local disjointly
    /// (`write_to(&mut c.out, &c.buf).await`), the local used after.
    name: awaitee_borrows_two_fields_of_local,
    items: {
        struct Conn { out: Vec<u8>, buf: Vec<u8>, _d: D }
        #[lh] async fn f() -> (usize, Vec<u8>) {
            let mut c = Conn { out: vec![], buf: vec![1, 2], _d: D::new("conn") };
            let n = write_to(&mut c.out, &c.buf).await;
            c.buf.push(3);
            let m = write_to(&mut c.out, &c.buf).await;
            (n + m, c.out.clone())
        }
    },
    run: f(),
}

differential! {
    /// A local borrowed by an awaitee, then a sync statement borrowing two
    /// of its fields at once (`c.out.extend_from_slice(&c.buf)`).
    name: pinned_local_two_field_borrows_sync,
    items: {
        struct Conn { out: Vec<u8>, buf: Vec<u8>, _d: D }
        #[lh] async fn f() -> Vec<u8> {
            let mut c = Conn { out: vec![], buf: vec![7], _d: D::new("conn") };
            write_to(&mut c.out, &[1]).await;
            c.out.extend_from_slice(&c.buf);
            std::mem::swap(&mut c.out, &mut c.buf);
            pend(1, ()).await;
            let Conn { out, buf, .. } = &mut c;
            out.append(buf);
            c.out.clone()
        }
    },
    run: f(),
}

differential! {
    /// `&mut self` method whose awaitee borrows one field mutably and
    /// another shared (`self.sink.write(&self.buf)`).
    name: self_two_fields_in_awaitee,
    items: {
        struct Codec { sink: Vec<u8>, buf: Vec<u8>, _d: D }
        impl Codec {
            #[lh] async fn flush(&mut self) -> usize {
                let n = write_to(&mut self.sink, &self.buf).await;
                self.buf.clear();
                let g = D::new("g");
                n + write_to(&mut self.sink, b"!").await
            }
        }
        async fn go() -> (usize, Vec<u8>) {
            let mut c = Codec { sink: vec![], buf: vec![5, 6], _d: D::new("codec") };
            let n = c.flush().await;
            (n, c.sink.clone())
        }
    },
    run: go(),
}

differential! {
    /// A closure capturing two fields of a pinned local, called between
    /// awaits.
    name: closure_captures_fields_of_pinned_local,
    items: {
        struct St { a: u32, b: Vec<u32>, _d: D }
        async fn bump(x: &mut u32) { pend(1, ()).await; *x += 1; }
        #[lh] async fn f() -> (u32, Vec<u32>) {
            let mut s = St { a: 1, b: vec![], _d: D::new("st") };
            bump(&mut s.a).await;
            let mut push_a = || s.b.push(s.a);
            push_a();
            push_a();
            bump(&mut s.a).await;
            (s.a, s.b.clone())
        }
    },
    run: f(),
}

differential! {
    /// A `HashMap` entry's `&mut V` held across an await
    /// (`let e = m.entry(k).or_default(); e.push(x.await)`).
    name: entry_mut_ref_held_across_await,
    items: {
        #[lh] async fn f(keys: Vec<u8>) -> BTreeMap<u8, Vec<u32>> {
            let mut m: BTreeMap<u8, Vec<u32>> = BTreeMap::new();
            for (i, k) in keys.into_iter().enumerate() {
                let e = m.entry(k).or_default();
                e.push(pend(1, i as u32).await);
                e.push(0);
            }
            m
        }
    },
    run: f(vec![1, 2, 1]),
}

differential! {
    /// A `RefMut` mapped with `RefMut::map` to a field, held across an
    /// await.
    name: refmut_map_held_across_await,
    items: {
        struct State { hits: u32, names: Vec<String> }
        #[lh] async fn f(st: Rc<RefCell<State>>) -> u32 {
            let mut names = std::cell::RefMut::map(st.borrow_mut(), |s| &mut s.names);
            names.push(pend(1, "a".to_string()).await);
            drop(names);
            st.borrow_mut().hits += pend(1, 1).await;
            let h = st.borrow().hits;
            h
        }
        async fn go() -> (u32, Vec<String>) {
            let st = Rc::new(RefCell::new(State { hits: 0, names: vec![] }));
            let h = f(st.clone()).await;
            let n = st.borrow().names.clone();
            (h, n)
        }
    },
    run: go(),
}

differential! {
    /// A shadowed local that an awaitee borrowed (`let buf = ..;
    /// read(&mut buf).await; let buf = buf.len();`).
    name: shadow_pinned_local,
    items: {
        #[lh] async fn f() -> usize {
            let mut buf = vec![0u8];
            let d = D::new("d");
            write_to(&mut buf, &[1, 2]).await;
            let buf = buf.len();
            pend(1, ()).await;
            buf
        }
    },
    run: f(),
}

differential! {
    /// A reborrow `let r = &mut c;` of a local, then awaitees through
    /// `r`'s fields, then `c` used directly after `r` is done.
    name: reborrow_local_awaitees_through_it,
    items: {
        struct Conn { out: Vec<u8>, n: u32, _d: D }
        #[lh] async fn f() -> (u32, Vec<u8>) {
            let mut c = Conn { out: vec![], n: 0, _d: D::new("conn") };
            let r = &mut c;
            r.n += write_to(&mut r.out, &[1]).await as u32;
            r.n += write_to(&mut r.out, &[2, 3]).await as u32;
            pend(1, ()).await;
            c.n += 1;
            (c.n, c.out.clone())
        }
    },
    run: f(),
}

differential! {
    /// A `Vec<D>` local borrowed by an iterator held across an await, and
    /// `retain` after the iterator is done.
    name: iter_held_then_retain,
    items: {
        #[lh] async fn f(mut v: Vec<D>) -> usize {
            let mut it = v.iter();
            let a = it.next().map(|d| d.touch());
            pend(1, ()).await;
            let b = it.next().map(|d| d.touch());
            v.retain(|d| d.0 != "b");
            pend(1, ()).await;
            a.unwrap_or(0) + b.unwrap_or(0) + v.len()
        }
    },
    run: f(vec![D::new("a"), D::new("b"), D::new("c")]),
}

differential! {
    /// `Option::as_mut().map(|x| ..)` on a pinned local's field, then an
    /// await borrowing the same field.
    name: option_as_mut_on_pinned_field,
    items: {
        struct S { slot: Option<Vec<u8>>, _d: D }
        #[lh] async fn f() -> Option<Vec<u8>> {
            let mut s = S { slot: Some(vec![]), _d: D::new("s") };
            if let Some(v) = s.slot.as_mut() { write_to(v, &[9]).await; }
            s.slot.as_mut().map(|v| v.push(1));
            write_to(s.slot.get_or_insert_with(Vec::new), &[2]).await;
            s.slot.take()
        }
    },
    run: f(),
}

differential! {
    /// A `while let Some(x) = buf.pop()` where the body's awaitee borrows
    /// another local mutably, and the popped value is pushed back to
    /// `buf` sometimes.
    name: pop_loop_with_mut_awaitee,
    items: {
        #[lh] async fn f(mut buf: Vec<u8>) -> (Vec<u8>, Vec<u8>) {
            let mut out = vec![];
            let g = D::new("g");
            while let Some(x) = buf.pop() {
                if x > 5 { buf.push(x - 5); continue; }
                write_to(&mut out, &[x]).await;
            }
            (buf, out)
        }
    },
    run: f(vec![1, 8, 3]),
}

differential! {
    /// An array of buffers indexed by an awaited index, written through an
    /// awaitee borrowing the element (`write_to(&mut bufs[i.await], ..)`).
    name: awaited_index_into_array_awaitee,
    items: {
        #[lh] async fn f() -> [Vec<u8>; 2] {
            let mut bufs = [vec![], vec![]];
            let g = D::new("g");
            write_to(&mut bufs[pend(1, 1).await], &[1]).await;
            write_to(&mut bufs[0], &[2]).await;
            bufs
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 9. Method names, closure calls, return types
// ---------------------------------------------------------------------------

differential! {
    /// `Option::take(&mut self)` (a name that is by-value on `Iterator`)
    /// on a local, the local used after more awaits.
    name: option_take_then_local_used_later,
    items: {
        #[lh] async fn f() -> (Option<D>, Option<D>) {
            let mut o = Some(D::new("o"));
            pend(1, ()).await;
            let t = o.take();
            pend(1, ()).await;
            o = Some(D::new("o2"));
            pend(1, ()).await;
            (t, o)
        }
    },
    run: f(),
}

differential! {
    /// `Option<u32>::unwrap` / `Result::expect` / `Option::map` (consuming
    /// names) on `Copy` locals that are used again after an await.
    name: consuming_names_on_copy_locals,
    items: {
        #[lh] async fn f() -> (u32, bool, Option<u32>, usize) {
            let o: Option<u32> = Some(3);
            let r: Result<u32, ()> = Ok(4);
            let arr = [1u32, 2, 3];
            let a = o.unwrap() + r.expect("ok");
            let m = arr.map(|x| x * 2);
            let g = D::new("g");
            pend(1, ()).await;
            (a + m[0], r.is_ok(), o.map(|x| x + 1), arr.len())
        }
    },
    run: f(),
}

differential! {
    /// A `move` closure returning its captured `D` (an `FnOnce`), called
    /// after an await, with another await after the call.
    name: fnonce_closure_called_between_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("captured");
            let give = move || d;
            pend(1, ()).await;
            let d2 = give();
            pend(1, ()).await;
            d2.touch()
        }
    },
    run: f(),
}

differential! {
    /// s11-1's neighbours: a `move` closure that gives its capture away
    /// inside a tuple, called between awaits.
    name: fnonce_closure_returns_capture_in_tuple,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("captured");
            let give = move || (d, 1);
            pend(1, ()).await;
            let (d2, n) = give();
            pend(1, ()).await;
            d2.touch() + n
        }
    },
    run: f(),
}

differential! {
    /// A `move` closure that gives its capture away on one path only
    /// (`return Some(d)`), called between awaits.
    name: fnonce_closure_returns_capture_early,
    items: {
        #[lh] async fn f(on: bool) -> usize {
            let d = D::new("captured");
            let give = move |flag: bool| {
                if flag {
                    return Some(d);
                }
                None
            };
            pend(1, ()).await;
            let d2 = give(on);
            pend(1, ()).await;
            d2.map(|d| d.touch()).unwrap_or(7)
        }
    },
    run: f(true),
}

known_gap! {
    reason: "s11-1 (fails to compile, E0382 use of moved value: `give`): a `move` closure that gives one capture away and also uses another (`move || { if flag { return Some(d); } None }`, `flag: bool` captured): only a type says whether the other capture is `Copy`, so whether the closure owns something with a destructor that must live to the end of its scope; longhand counts a call as consuming the closure only when every capture is given away (`copy_returning_move_closure_owning_a_drop` is the shape it must not get wrong), so it keeps `give` across the second await, after the call moved it",
    differential! {
        /// A `move` closure that gives a capture away and reads another.
        name: fnonce_closure_gives_one_capture_reads_another,
        items: {
            #[lh] async fn f(flag: bool) -> usize {
                let d = D::new("captured");
                let give = move || {
                    if flag {
                        return Some(d);
                    }
                    None
                };
                pend(1, ()).await;
                let d2 = give();
                pend(1, ()).await;
                d2.map(|d| d.touch()).unwrap_or(7)
            }
        },
        run: f(true),
    }
}

differential! {
    /// A `move` closure whose block ends in `return d` (the tail and a
    /// `return` at once; the analysis once counted `d` twice there and
    /// panicked), and one returning from an `if` tail.
    name: fnonce_closure_tail_is_a_return,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("captured");
            let e = D::new("other");
            let give = move || { return d };
            let pick = move |k: bool| if k { return Some(e) } else { None };
            pend(1, ()).await;
            let d2 = give();
            let e2 = pick(true);
            pend(1, ()).await;
            d2.touch() + e2.map(|e| e.touch()).unwrap_or(0)
        }
    },
    run: f(),
}

differential! {
    /// A `move` closure returning a `Copy` capture (an `Fn`), called
    /// between awaits and again after them.
    name: copy_returning_move_closure_called_twice,
    items: {
        #[lh] async fn f() -> u32 {
            let g = D::new("g");
            let n = 5;
            let get = move || n;
            pend(1, ()).await;
            let a = get();
            pend(1, ()).await;
            let b = get();
            g.touch();
            a + b + n
        }
    },
    run: f(),
}

differential! {
    /// A `move` closure returning a `Copy` capture, called once between
    /// awaits: nothing it owns has a destructor.
    name: copy_returning_move_closure_called_once,
    items: {
        #[lh] async fn f() -> u32 {
            let g = D::new("g");
            let n = 5;
            let get = move || n;
            pend(1, ()).await;
            let a = get();
            pend(1, ()).await;
            g.touch();
            a
        }
    },
    run: f(),
}

differential! {
    /// A `move` closure returning a `Copy` capture that also owns a value
    /// with a destructor, called once between awaits and not used again:
    /// rustc drops it (and the value) at the end of its scope.
    name: copy_returning_move_closure_owning_a_drop,
    items: {
        #[lh] async fn f() -> u32 {
            let g = D::new("owned");
            let n = 5;
            let get = move || { g.touch(); n };
            pend(1, ()).await;
            let a = get();
            pend(1, ()).await;
            a
        }
    },
    run: f(),
}

differential! {
    /// A `Box<dyn FnOnce>` callback called between awaits.
    name: boxed_fnonce_called_between_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("cb-state");
            let cb: Box<dyn FnOnce(u32) -> u32> = Box::new(move |x| { d.touch(); x + 1 });
            let x = pend(1, 1).await;
            let y = cb(x);
            pend(1, ()).await;
            y
        }
    },
    run: f(),
}

differential! {
    /// An `Option<Box<dyn FnOnce>>` completion callback taken out of
    /// `&mut self` and called with an awaited argument.
    name: option_fnonce_taken_from_self,
    items: {
        struct Job { on_done: Option<Box<dyn FnOnce(u32)>>, _d: D }
        impl Job {
            #[lh] async fn finish(&mut self, v: u32) -> bool {
                if let Some(cb) = self.on_done.take() {
                    cb(pend(1, v).await);
                    pend(1, ()).await;
                    true
                } else {
                    false
                }
            }
        }
        async fn go() -> (bool, bool) {
            let mut j = Job { on_done: Some(Box::new(|v| log(format!("done {v}")))), _d: D::new("job") };
            (j.finish(5).await, j.finish(6).await)
        }
    },
    run: go(),
}

differential! {
    /// A generic `F: FnOnce() -> T` parameter called after an await, then
    /// another await.
    name: generic_fnonce_param_called_mid,
    items: {
        #[lh] async fn with_default<T: std::fmt::Debug, F: FnOnce() -> T>(f: F) -> T {
            let g = D::new("g");
            pend(1, ()).await;
            let v = f();
            pend(1, ()).await;
            v
        }
        async fn go() -> usize { let d = D::new("d"); with_default(move || d).await.touch() }
    },
    run: go(),
}

differential! {
    /// `async fn -> impl Debug` (an opaque output type).
    name: async_fn_returns_impl_debug,
    items: {
        #[lh] async fn f(n: u32) -> impl std::fmt::Debug {
            let g = D::new("g");
            let v = pend(1, n).await;
            (v, "x")
        }
    },
    run: f(3),
}

differential! {
    /// `async fn -> impl Fn(u32) -> u32` returning a closure that
    /// captures an awaited value.
    name: async_fn_returns_impl_fn,
    items: {
        #[lh] async fn make(k: u32) -> impl Fn(u32) -> u32 {
            let g = D::new("g");
            let k2 = pend(1, k * 2).await;
            move |x| x + k2
        }
        async fn go() -> u32 { let f = make(5).await; f(1) }
    },
    run: go(),
}

differential! {
    /// `async fn -> impl Iterator<Item = u32> + use<>` built from a `Vec`
    /// filled across awaits.
    name: async_fn_returns_impl_iterator,
    items: {
        #[lh] async fn evens(n: u32) -> impl Iterator<Item = u32> {
            let mut v = vec![];
            for i in 0..n { v.push(pend(1, i).await); }
            v.into_iter().filter(|x| x % 2 == 0)
        }
        async fn go() -> Vec<u32> { evens(5).await.collect() }
    },
    run: go(),
}

differential! {
    /// Returning a reference tied to two parameters' common lifetime
    /// (`async fn pick<'a>(a: &'a D, b: &'a D) -> &'a D`).
    name: returns_ref_from_either_param,
    items: {
        #[lh] async fn pick<'a>(a: &'a D, b: &'a D, first: bool) -> &'a D {
            let g = D::new("g");
            let c = if pend(1, first).await { a } else { b };
            pend(1, ()).await;
            c
        }
        async fn go() -> (usize, usize) {
            let (a, b) = (D::new("a"), D::new("bb"));
            let x = pick(&a, &b, true).await.touch();
            let y = pick(&a, &b, false).await.touch();
            (x, y)
        }
    },
    run: go(),
}

differential! {
    /// An elided output lifetime: `async fn first(v: &[D]) -> Option<&D>`.
    name: returns_elided_ref_option,
    items: {
        #[lh] async fn first_long(v: &[D], min: usize) -> Option<&D> {
            for d in v {
                if pend(1, d.0.len()).await >= min { return Some(d); }
            }
            None
        }
        async fn go() -> (Option<usize>, bool) {
            let v = vec![D::new("a"), D::new("bcd")];
            let a = first_long(&v, 2).await.map(|d| d.touch());
            let b = first_long(&v, 9).await.is_none();
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A `&mut dyn` trait object whose `next` returns a boxed future
    /// borrowing it mutably, called in a loop.
    name: mut_dyn_next_boxed_future_loop,
    items: {
        trait Reader { fn next(&mut self) -> BoxFut<'_, Option<u8>>; }
        struct Bytes(Vec<u8>, D);
        impl Reader for Bytes {
            fn next(&mut self) -> BoxFut<'_, Option<u8>> {
                Box::pin(async move { pend(1, ()).await; if self.0.is_empty() { None } else { Some(self.0.remove(0)) } })
            }
        }
        #[lh] async fn read_all(r: &mut dyn Reader) -> Vec<u8> {
            let mut out = vec![];
            let g = D::new("g");
            while let Some(b) = r.next().await { out.push(b); }
            out
        }
        async fn go() -> Vec<u8> { let mut b = Bytes(vec![1, 2], D::new("bytes")); read_all(&mut b).await }
    },
    run: go(),
}

differential! {
    /// A lazily created in-flight request: `Option<Pin<Box<dyn Future>>>`
    /// polled through `as_mut()` by awaiting `&mut` to it.
    name: lazy_in_flight_boxed_future,
    items: {
        #[lh] async fn f(n: u32) -> Vec<u32> {
            let mut inflight: Option<BoxFut<'static, u32>> = None;
            let mut out = vec![];
            for i in 0..n {
                if inflight.is_none() {
                    inflight = Some(Box::pin(async move { let d = D::new("req"); pend(2, i).await }));
                }
                if let Some(f) = inflight.as_mut() {
                    out.push(f.await);
                    inflight = None;
                }
            }
            out
        }
    },
    run: f(2),
}

differential! {
    /// `todo!()`/`unreachable!()` in arms (type `!`) next to awaiting arms,
    /// and a diverging `loop {}`-free `panic!` arm taken.
    name: never_type_arms_next_to_awaits,
    items: {
        #[lh] async fn f(k: u8) -> u32 {
            let g = D::new("g");
            let v: u32 = match k {
                0 => pend(1, 10).await,
                1 => { let e = D::new("e"); pend(1, ()).await; unreachable!("k was {k}") }
                _ => return pend(1, 99).await,
            };
            v + 1
        }
        async fn go() -> (u32, u32) { (f(0).await, f(2).await) }
    },
    run: go(),
}

differential! {
    /// The same, with the panicking arm taken after an await.
    name: never_type_panicking_arm_taken,
    items: {
        #[lh] async fn f(k: u8) -> u32 {
            let g = D::new("g");
            let v: u32 = match k {
                0 => pend(1, 10).await,
                _ => { let e = D::new("e"); pend(1, ()).await; unreachable!("k was {k}") }
            };
            v + 1
        }
    },
    run: f(1),
}

differential! {
    /// A generic `impl<S: Store + ?Sized>` service over a `?Sized` store,
    /// used with `dyn Store`.
    name: unsized_generic_store_service,
    items: {
        struct Svc<'s, S: Store + ?Sized> { s: &'s S, hits: u32 }
        impl<'s, S: Store + ?Sized> Svc<'s, S> {
            #[lh] pub async fn get(&mut self, k: &str) -> u32 {
                let v = self.s.get(k).await;
                self.hits += 1;
                v.unwrap_or(0)
            }
        }
        async fn go() -> (u32, u32) {
            let m = mem_store("ms");
            let d: &dyn Store = &m;
            let mut s = Svc { s: d, hits: 0 };
            let a = s.get("a").await + s.get("b").await;
            (a, s.hits)
        }
    },
    run: go(),
}

differential! {
    /// A trait with a default `async fn` body lowered with `#[lh]`, calling
    /// a required method, overridden in one impl.
    name: trait_default_async_method_lowered,
    items: {
        trait Step {
            fn base(&self) -> u32;
            #[lh] async fn run(&self, n: u32) -> u32 {
                let g = D::new("default");
                let b = pend(1, self.base()).await;
                b * n
            }
        }
        struct A;
        struct B(D);
        impl Step for A { fn base(&self) -> u32 { 2 } }
        impl Step for B {
            fn base(&self) -> u32 { 3 }
            #[lh] async fn run(&self, n: u32) -> u32 { pend(1, ()).await; self.0.touch() as u32 + n }
        }
        async fn go() -> (u32, u32) { (A.run(5).await, B(D::new("b")).run(1).await) }
    },
    run: go(),
}

differential! {
    /// Return-position `impl Future` in a trait (`fn call(&self) -> impl
    /// Future<Output = u32>`) awaited through generics.
    name: rpitit_future_awaited_generic,
    items: {
        trait Call { fn call(&self, x: u32) -> impl Future<Output = u32>; }
        struct Add(u32);
        impl Call for Add {
            fn call(&self, x: u32) -> impl Future<Output = u32> { let k = self.0; async move { pend(1, ()).await; x + k } }
        }
        #[lh] async fn twice<C: Call>(c: &C, x: u32) -> u32 {
            let g = D::new("g");
            let a = c.call(x).await;
            c.call(a).await
        }
    },
    run: twice(&Add(3), 1),
}

// ---------------------------------------------------------------------------
// 10. Findings of this round, minimal and realistic
// ---------------------------------------------------------------------------

/// A one-shot reply handle: `send` consumes it.
struct ReplyTx(D);

impl ReplyTx {
    fn send(self, v: u32) -> bool {
        log(format!("reply {v} via {}", self.0.0));
        true
    }
}

known_gap! {
    reason: "s11-1 (fails to compile, E0382 use of moved value: `respond`): the realistic shape, a request handler wrapping a one-shot reply handle in a closure (`let respond = move |v| reply.send(v);` with `fn send(self, ..)`), calling it with an awaited value and awaiting again afterwards. Whether `send` takes `self` (a one-shot reply) or `&self` (an mpsc sender, whose closure must then live, and keep the channel open, to the end of its scope) only the type says; longhand knows it for a sender made by `oneshot::channel()` in the body, not for a parameter of a user type. `fnonce_closure_called_between_awaits`, which returns the capture itself, works",
    differential! {
        /// A handler wrapping a one-shot reply in a closure, called once
        /// with an awaited value, then more work awaited.
        name: reply_closure_called_then_more_awaits,
        items: {
            #[lh] async fn handle(req: u32, reply: ReplyTx) -> u32 {
                let g = D::new("handler");
                let respond = move |v: u32| reply.send(v);
                let v = pend(1, req * 2).await;
                let sent = respond(v);
                pend(1, ()).await;
                log(format!("sent {sent}"));
                v
            }
        },
        run: handle(4, ReplyTx(D::new("tx"))),
    }
}

known_gap! {
    reason: "s11-1 (fails to compile, E0507 cannot move out of a mutable reference): a non-`move` closure that moves its capture out (`let give = || d; let d2 = give(); pend(1, ()).await;`) captures `d` by value; longhand takes it as borrowing `d` and the call as borrowing the closure, keeps both across the await, and the closure body then moves `d` out of the state. Left as it is on purpose: without `move`, rustc's capture mode itself depends on whether the type is `Copy` (`let get = || n;` with `n: u32` borrows `n`, and is an `Fn`), and taking `|| n` as consuming `n` would break that commoner shape; the `move` form works (`fnonce_closure_called_between_awaits`)",
    differential! {
        /// A non-`move` closure that moves its capture out, called before
        /// an await.
        name: non_move_fnonce_closure_called_before_await,
        items: {
            #[lh] async fn f() -> usize {
                let d = D::new("d");
                let give = || d;
                let d2 = give();
                pend(1, ()).await;
                d2.touch()
            }
        },
        run: f(),
    }
}

differential! {
    /// The s11-1 shape written so that longhand sees the move: the reply
    /// closure consumes its capture through `drop`-like call of a free
    /// function, and a `Box<dyn FnOnce>` version.
    name: reply_fnonce_boxed_called_then_more_awaits,
    items: {
        #[lh] async fn handle(req: u32, reply: ReplyTx) -> u32 {
            let g = D::new("handler");
            let respond: Box<dyn FnOnce(u32) -> bool> = Box::new(move |v| reply.send(v));
            let v = pend(1, req * 2).await;
            let sent = respond(v);
            pend(1, ()).await;
            log(format!("sent {sent}"));
            v
        }
    },
    run: handle(4, ReplyTx(D::new("tx"))),
}

async fn look<T>(_t: &T) {
    pend(1, ()).await;
}

differential! {
    /// An `Option<Box<dyn Fn>>` local borrowed by awaitees, assigned
    /// `Some(Box::new(closure))` between them.
    name: pinned_option_box_dyn_assigned_some,
    items: {
        #[lh] async fn f() -> u32 {
            let mut cb: Option<Box<dyn Fn() -> u32>> = None;
            look(&cb).await;
            cb = Some(Box::new(|| 1));
            look(&cb).await;
            cb.map(|c| c()).unwrap_or(0)
        }
    },
    run: f(),
}

differential! {
    /// The s11-2 shape with the coercion written out
    /// (`Some(Box::new(..) as Box<dyn Fn() -> u32>)`), and a plain
    /// `Box<dyn Fn>` local reassigned (a coercion site either way).
    name: pinned_box_dyn_assigned_with_cast,
    items: {
        #[lh] async fn f() -> u32 {
            let mut cb: Option<Box<dyn Fn() -> u32>> = None;
            let mut plain: Box<dyn Fn() -> u32> = Box::new(|| 10);
            look(&cb).await;
            cb = Some(Box::new(|| 1u32) as Box<dyn Fn() -> u32>);
            plain = Box::new(|| 20);
            look(&cb).await;
            look(&plain).await;
            cb.map(|c| c()).unwrap_or(0) + plain()
        }
    },
    run: f(),
}

differential! {
    /// A reference-typed local borrowed by an awaitee, then overwritten.
    name: ref_local_borrowed_by_awaitee_then_overwritten,
    items: {
        #[lh] async fn f() -> u32 {
            let mut s: &u32 = &0;
            look(&s).await;
            s = &7;
            *s
        }
    },
    run: f(),
}

async fn emit(out: &mut Vec<String>, s: &&str) {
    pend(1, ()).await;
    out.push(s.to_string());
}

differential! {
    /// A tokenizer cursor borrowed by an awaited emit and re-pointed
    /// into the line after each emit.
    name: cursor_borrowed_by_emit_then_repointed,
    items: {
        #[lh] async fn f(line: String) -> Vec<String> {
            let g = D::new("g");
            let mut out = vec![];
            let mut rest: &str = &line;
            let mut pos = 0;
            while pos < line.len() {
                emit(&mut out, &rest).await;
                pos += 2;
                rest = &line[pos.min(line.len())..];
            }
            out
        }
    },
    run: f("abcde".to_string()),
}

differential! {
    /// The s11-3 shape with the cursor read after the await (`rest =
    /// &rest[2..]`): kept, and it works.
    name: cursor_borrowed_by_emit_then_advanced,
    items: {
        #[lh] async fn f(line: String) -> Vec<String> {
            let g = D::new("g");
            let mut out = vec![];
            let mut rest: &str = &line;
            while !rest.is_empty() {
                emit(&mut out, &rest).await;
                rest = &rest[2.min(rest.len())..];
            }
            out
        }
    },
    run: f("abcde".to_string()),
}

differential! {
    /// A `Copy` state enum borrowed by an awaited notifier, then
    /// overwritten before it is read (works: not a reference).
    name: copy_state_borrowed_by_notifier_then_overwritten,
    items: {
        #[derive(Clone, Copy, Debug)]
        enum St { Idle, Busy, Done }
        #[lh] async fn f() -> St {
            let g = D::new("g");
            let mut st = St::Idle;
            look(&st).await;
            st = St::Busy;
            look(&st).await;
            st = St::Done;
            st
        }
    },
    run: f(),
}

differential! {
    /// An `async move` closure returning its capture, called between
    /// awaits.
    name: asyncfnonce_closure_called_between_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let c = async move || d;
            pend(1, ()).await;
            let d2 = c().await;
            pend(1, ()).await;
            d2.touch()
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 11. Coercions to trait objects around awaits (the s11-2 neighbourhood)
// ---------------------------------------------------------------------------

differential! {
    /// `return Some(Box::new(closure))` and a tail `Some(Box::new(..))` in
    /// an `async fn -> Option<Box<dyn Fn>>`, after an await.
    name: return_some_box_dyn_fn_after_await,
    items: {
        #[lh] async fn f(c: bool) -> Option<Box<dyn Fn() -> u32>> {
            let g = D::new("g");
            pend(1, ()).await;
            if c { return Some(Box::new(|| 1)); }
            Some(Box::new(|| 2))
        }
    },
    run: async { (f(true).await.map(|g| g()), f(false).await.map(|g| g())) },
}

differential! {
    /// `let h: Box<dyn Fn(u32) -> u32> = match k { .. }` whose arms build
    /// different closures, one arm awaiting first.
    name: match_arms_coerced_to_box_dyn_fn,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let h: Box<dyn Fn(u32) -> u32> = match k {
                0 => { pend(1, ()).await; Box::new(|x| x) }
                _ => Box::new(move |x| x + k),
            };
            h(pend(1, 3).await)
        }
    },
    run: async { f(0).await + f(2).await },
}

differential! {
    /// An `if` whose condition awaits, its branches coerced to one
    /// `Box<dyn Fn>`, and one whose `else` awaits.
    name: if_branches_coerced_to_box_dyn_fn,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let g = D::new("g");
            let h: Box<dyn Fn(u32) -> u32> = if pend(1, k == 0).await { Box::new(|x| x) } else { Box::new(move |x| x + k) };
            let i: Box<dyn Fn(u32) -> u32> = if k == 0 { Box::new(|x| x) } else { let m = pend(1, k).await; Box::new(move |x| x * m) };
            h(1) + i(2)
        }
    },
    run: async { f(0).await + f(2).await },
}

differential! {
    /// `vec![Box::new(x.await), ..]` into `Vec<Box<dyn Debug>>`.
    name: vec_of_box_dyn_debug_with_awaits,
    items: {
        #[lh] async fn f() -> Vec<String> {
            let v: Vec<Box<dyn std::fmt::Debug>> = vec![Box::new(pend(1, 1).await), Box::new("s"), Box::new(pend(1, 2.5).await)];
            v.iter().map(|x| format!("{x:?}")).collect()
        }
    },
    run: f(),
}

differential! {
    /// `break Some(Box::new(..))` out of a `loop` into an annotated
    /// `Option<Box<dyn Fn>>`, and a `Box<dyn Fn>` local reassigned in a
    /// loop with awaits (not borrowed by an awaitee).
    name: loop_break_and_reassign_box_dyn_fn,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let x: Option<Box<dyn Fn() -> u32>> = loop { pend(1, ()).await; break Some(Box::new(|| 4)); };
            let mut h: Box<dyn Fn(u32) -> u32> = Box::new(|x| x);
            for i in 0..k { let m = pend(1, i).await; h = Box::new(move |x| x + m); }
            x.map(|g| g()).unwrap_or(0) + h(1)
        }
    },
    run: f(3),
}

differential! {
    /// `async fn -> Box<dyn Fn() -> u32>` with a tail `Box::new(move ..)`,
    /// and `-> &'static dyn Debug` choosing between two promoted constants.
    name: async_fn_returns_box_dyn_and_static_dyn,
    items: {
        #[lh] async fn make(k: u32) -> Box<dyn Fn() -> u32> {
            let g = D::new("g");
            let m = pend(1, k).await;
            Box::new(move || m)
        }
        #[lh] async fn pick(k: u32) -> &'static dyn std::fmt::Debug {
            pend(1, ()).await;
            if k == 0 { &"zero" } else { &5u32 }
        }
    },
    run: async { ((make(3).await)(), format!("{:?}{:?}", pick(0).await, pick(1).await)) },
}

// ---------------------------------------------------------------------------
// 12. More collection, state and closure shapes
// ---------------------------------------------------------------------------

differential! {
    /// `match m.entry(k) { Occupied(o) => .., Vacant(v) => *v.insert(x.await) }`
    /// (the entry not borrowed by the awaitee).
    name: entry_match_vacant_insert_awaited,
    items: {
        use std::collections::hash_map::Entry;
        #[lh] async fn f(k: u8) -> u32 {
            let mut m: HashMap<u8, u32> = HashMap::new();
            m.insert(1, 9);
            let g = D::new("g");
            let v = match m.entry(k) {
                Entry::Occupied(o) => *o.get(),
                Entry::Vacant(v) => *v.insert(pend(1, 5).await),
            };
            v
        }
    },
    run: async { f(1).await + f(2).await },
}

differential! {
    /// An `impl AsyncFnOnce` parameter called once between awaits (the
    /// bound says it is consumed).
    name: asyncfnonce_param_called_between_awaits,
    items: {
        #[lh] async fn drive_once(f: impl AsyncFnOnce() -> u32) -> u32 {
            let g = D::new("g");
            pend(1, ()).await;
            let v = f().await;
            pend(1, ()).await;
            v
        }
    },
    run: async { let d = D::new("d"); drive_once(async move || { pend(1, ()).await; d.touch() as u32 }).await },
}

differential! {
    /// A self-replacing enum state machine on `&mut self`
    /// (`match mem::replace(self, Closed) { Open(d, n) => { .. *self = Open(d, m) } }`).
    name: self_replacing_enum_state_machine,
    items: {
        enum Conn { Open(D, u32), Closed }
        impl Conn {
            #[lh] async fn step(&mut self) -> u32 {
                match std::mem::replace(self, Conn::Closed) {
                    Conn::Open(d, n) => {
                        let m = pend(1, n + 1).await;
                        *self = Conn::Open(d, m);
                        m
                    }
                    Conn::Closed => pend(1, 0).await,
                }
            }
        }
    },
    run: async { let mut c = Conn::Open(D::new("c"), 0); let a = c.step().await; let b = c.step().await; a + b },
}

differential! {
    /// `Option::insert` returning a `&mut` held across an await.
    name: option_insert_mut_ref_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut o: Option<Vec<u32>> = None;
            let v = o.insert(vec![]);
            v.push(pend(1, 1).await);
            v.push(2);
            pend(1, ()).await;
            o.map(|v| v.iter().sum()).unwrap_or(0)
        }
    },
    run: f(),
}

differential! {
    /// `u32::from_be_bytes` of an awaited array and `try_into` of a slice
    /// into an array pattern.
    name: from_be_bytes_and_try_into_array,
    items: {
        #[lh] async fn f() -> (u32, [u8; 2]) {
            let g = D::new("g");
            let n = u32::from_be_bytes(pend(1, [0, 0, 1, 0]).await);
            let buf = vec![7u8, 8, 9];
            pend(1, ()).await;
            let [a, b]: [u8; 2] = buf[..2].try_into().unwrap();
            (n, [b, a])
        }
    },
    run: f(),
}

differential! {
    /// `sort_by_cached_key` with a closure capturing an awaited value, on
    /// tuples holding `D`s.
    name: sort_by_cached_key_on_ds,
    items: {
        #[lh] async fn f(mut v: Vec<(u32, D)>) -> Vec<u32> {
            let k = pend(1, 10).await;
            v.sort_by_cached_key(|(n, d)| (k - n, d.0.len()));
            pend(1, ()).await;
            v.into_iter().map(|(n, _)| n).collect()
        }
    },
    run: f(vec![(1, D::new("a")), (5, D::new("b"))]),
}

differential! {
    /// An async closure called in a loop with an awaited argument.
    name: async_closure_called_in_loop_awaited_arg,
    items: {
        #[lh] async fn f() -> u32 {
            let mut total = 0;
            let c = async |x: u32| x * 2;
            for i in 0..3 { total += c(pend(1, i).await).await; }
            total
        }
    },
    run: f(),
}

differential! {
    /// The s11-1 workaround: a braced callee (`{ c }()`) says the closure
    /// is moved.
    name: fnonce_closure_braced_call,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let c = move || d;
            let e = D::new("e");
            let x = { c }();
            pend(1, ()).await;
            x.touch() + e.touch()
        }
    },
    run: f(),
}
