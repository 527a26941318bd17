//! Stress round 9: edition-2024 temporary rules around awaits (tail
//! expressions, `if let` rescoping, `match`/`while let`/`let else`
//! scrutinees, method-chain receivers, `&temp()` extended by `let`),
//! protocol parsers and codecs (RESP, HTTP/1, length-prefixed frames, line
//! codecs) holding `&str`/`&[u8]` slices of stored buffers across awaits,
//! async closures and `AsyncFn` bounds, `poll_fn`, `ready` and hand-written
//! joins, hand-written state machines driven by `mem::replace`, drop order at
//! every cancellation point, custom error enums and `?`, const generics and
//! trait objects, and long chains of awaits inside one expression. Written
//! to find where the lowering differs from rustc (findings "s9-N", kept as
//! `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces
)]
// Shapes written on purpose: `RefCell` borrows and `MutexGuard`s held
// across awaits (what rustc keeps, and when it drops it, is the point),
// `let x = ..; x` tails and `match` with one binding (their temporaries'
// scopes are the point), and a labelled `loop` that always breaks (a
// `break 'label value` out of nested loops is the point), and nested `if`s
// in a hand-written join's `poll_fn` as people write them.
#![allow(
    clippy::collapsible_if,
    clippy::await_holding_refcell_ref,
    clippy::await_holding_lock,
    clippy::let_and_return,
    clippy::match_single_binding,
    clippy::never_loop
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

/// A temporary with a destructor: logs `"drop tmp <name>"` when dropped and
/// `"get <name>"` when read.
struct Tmp(&'static str, u32);

fn tmp(name: &'static str, v: u32) -> Tmp {
    log(format!("make {name}"));
    Tmp(name, v)
}

impl Tmp {
    fn get(&self) -> u32 {
        log(format!("get {}", self.0));
        self.1
    }
    fn opt(&self) -> Option<u32> {
        log(format!("opt {}", self.0));
        if self.1 > 0 { Some(self.1) } else { None }
    }
    fn name(&self) -> &str {
        self.0
    }
    fn child(&self, name: &'static str) -> Tmp {
        tmp(name, self.1 + 1)
    }
    fn res(&self) -> Result<u32, String> {
        if self.1 > 0 {
            Ok(self.1)
        } else {
            Err(format!("{} empty", self.0))
        }
    }
}

impl Drop for Tmp {
    fn drop(&mut self) {
        log(format!("drop tmp {}", self.0));
    }
}

/// A scope guard that logs `"defer <name>"` when dropped.
struct Defer(&'static str);

impl Drop for Defer {
    fn drop(&mut self) {
        log(format!("defer {}", self.0));
    }
}

// ---------------------------------------------------------------------------
// 1. Edition 2024 temporaries around awaits
// ---------------------------------------------------------------------------

differential! {
    /// A tail expression's temporary is dropped before the locals (2024),
    /// after an await earlier in the body.
    name: tail_temp_dropped_before_locals,
    items: {
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            pend(1, ()).await;
            let b = D::new("b");
            tmp("tail", 3).get()
        }
    },
    run: f(),
}

differential! {
    /// A tail expression whose temporary is live across an await in the
    /// tail itself.
    name: tail_temp_live_across_tail_await,
    items: {
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            tmp("tail", 3).get() + pend(2, 4).await
        }
    },
    run: f(),
}

differential! {
    /// A tail method chain on an awaited temporary.
    name: tail_chain_on_awaited_temp,
    items: {
        #[lh] async fn make(n: u32) -> Tmp { pend(1, ()).await; tmp("made", n) }
        #[lh] async fn f() -> u32 {
            let l = D::new("l");
            make(5).await.child("kid").get()
        }
    },
    run: f(),
}

differential! {
    /// `if let` rescoping: the scrutinee's temporary is dropped before the
    /// `else` block, which awaits.
    name: if_let_rescope_else_awaits,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _a = D::new("a");
            if let Some(x) = tmp("scrut", v).opt() {
                pend(1, ()).await;
                x * 2
            } else {
                log("else");
                pend(1, ()).await;
                0
            }
        }
    },
    run: async { (f(3).await, f(0).await) },
}

differential! {
    /// `if let` with the scrutinee temporary alive across the await in the
    /// then-block, statement position followed by more code.
    name: if_let_rescope_statement_then_more,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let mut n = 0;
            if let Some(x) = tmp("s", v).opt() {
                n += pend(1, x).await;
                log("then end");
            } else {
                n = pend(1, 100).await;
            }
            let _b = D::new("b");
            pend(1, ()).await;
            n
        }
    },
    run: async { (f(2).await, f(0).await) },
}

differential! {
    /// `if let ... else if let ... else` with temporaries in both
    /// scrutinees and awaits in all three blocks.
    name: if_let_else_if_let_chain_temps,
    items: {
        #[lh] async fn f(a: u32, b: u32) -> u32 {
            if let Some(x) = tmp("first", a).opt() {
                pend(1, x).await
            } else if let Some(y) = tmp("second", b).opt() {
                pend(1, y * 10).await
            } else {
                pend(1, 0).await
            }
        }
    },
    run: async { (f(1, 0).await, f(0, 2).await, f(0, 0).await) },
}

differential! {
    /// A `match` scrutinee's temporary lives to the end of the match, across
    /// the awaits in the arms.
    name: match_scrutinee_temp_lives_to_end,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _l = D::new("l");
            let r = match tmp("m", v).opt() {
                Some(x) => { pend(1, ()).await; log("arm some"); x }
                None => { pend(2, ()).await; 0 }
            };
            log("after match");
            r
        }
    },
    run: async { (f(4).await, f(0).await) },
}

differential! {
    /// A `match` on a borrow of a temporary's field: the temporary and the
    /// borrowed name both live in the arm that awaits.
    name: match_on_temp_name_str,
    items: {
        #[lh] async fn f(name: &'static str) -> usize {
            match tmp(name, 1).name() {
                "ping" => pend(1, 1).await,
                other => { let n = other.len(); pend(1, n).await }
            }
        }
    },
    run: async { (f("ping").await, f("hello").await) },
}

differential! {
    /// `while let` with a temporary in the scrutinee: dropped at the end of
    /// each iteration, after the body's awaits.
    name: while_let_temp_per_iteration,
    items: {
        fn holder(v: Option<u32>) -> Tmp { tmp("holder", v.unwrap_or(0)) }
        #[lh] async fn f(mut stack: Vec<u32>) -> u32 {
            let mut sum = 0;
            while let Some(x) = holder(stack.pop()).opt() {
                sum += pend(1, x).await;
                log("body end");
            }
            sum
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `let ... else` whose scrutinee has a temporary and whose `else`
    /// awaits before returning.
    name: let_else_temp_else_awaits,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _a = D::new("a");
            let Some(x) = tmp("le", v).opt() else {
                log("else");
                pend(1, ()).await;
                return 0;
            };
            pend(1, ()).await;
            x + 1
        }
    },
    run: async { (f(5).await, f(0).await) },
}

differential! {
    /// `let ... else` whose scrutinee awaits on a method chain.
    name: let_else_scrutinee_awaits,
    items: {
        #[lh] async fn look(v: u32) -> Tmp { pend(1, tmp("looked", v)).await }
        #[lh] async fn f(v: u32) -> u32 {
            let Some(x) = look(v).await.opt() else { return pend(1, 99).await };
            let _d = D::new("d");
            pend(1, x).await
        }
    },
    run: async { (f(5).await, f(0).await) },
}

differential! {
    /// `&temp()` extended by `let` and held across awaits.
    name: let_ref_temp_extended_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            let r = &tmp("ext", 4);
            let b = D::new("b");
            pend(1, ()).await;
            r.get() + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` extended through both branches of an `if`.
    name: let_ref_temp_extended_through_if,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let r = if c { &tmp("yes", 1) } else { &tmp("no", 2) };
            pend(1, ()).await;
            r.get()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `&temp()` extended through a block's tail.
    name: let_ref_temp_extended_through_block_tail,
    items: {
        #[lh] async fn f() -> u32 {
            let r = { log("in block"); &tmp("blk", 1) };
            pend(1, ()).await;
            r.get()
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` extended inside a tuple destructured by the `let`.
    name: let_ref_temp_in_tuple_destructured,
    items: {
        #[lh] async fn f() -> u32 {
            let (x, y) = (&tmp("t0", 3), D::new("plain"));
            pend(1, ()).await;
            x.get()
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` extended inside an array literal.
    name: let_ref_temps_in_array,
    items: {
        #[lh] async fn f() -> u32 {
            let arr = [&tmp("a0", 1), &tmp("a1", 2)];
            let d = D::new("d");
            pend(1, ()).await;
            arr[0].get() + arr[1].get()
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` extended inside a tuple bound whole.
    name: let_ref_temp_in_tuple_bound_whole,
    items: {
        #[lh] async fn f() -> u32 {
            let t = (&tmp("t0", 3), D::new("plain"));
            pend(1, ()).await;
            t.0.get()
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` extended in a struct literal whose later field awaits.
    name: let_ref_temp_in_struct_literal,
    items: {
        struct View<'a> { t: &'a Tmp, n: u32 }
        #[lh] async fn f() -> u32 {
            let v = View { t: &tmp("field", 7), n: pend(1, 1).await };
            pend(1, ()).await;
            v.t.get() + v.n
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` and `&x.await` extended in one array literal.
    name: let_ref_temps_in_array_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            let arr = [&tmp("a", 1), &pend(1, tmp("b", 2)).await];
            pend(1, ()).await;
            arr[0].get() + arr[1].get()
        }
    },
    run: f(),
}

differential! {
    /// `&temp()` extended in a struct literal, the awaits after it.
    name: let_ref_temp_in_struct_literal_await_after,
    items: {
        struct View<'a> { t: &'a Tmp, n: u32 }
        #[lh] async fn f() -> u32 {
            let n = pend(1, 1).await;
            let v = View { t: &tmp("field", 7), n };
            pend(1, ()).await;
            v.t.get() + v.n
        }
    },
    run: f(),
}

differential! {
    /// A block's tail temporary is dropped before the block's locals (2024)
    /// when the tail awaits.
    name: block_tail_temp_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            let n = {
                let inner = D::new("inner");
                tmp("bt", 1).get() + pend(1, 2).await
            };
            log("after block");
            n
        }
    },
    run: f(),
}

differential! {
    /// An `if` condition's temporaries are dropped before the block runs,
    /// even when the condition awaits.
    name: if_condition_temps_dropped_before_block,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            if tmp("c", v).get() > 0 && pend(1, true).await {
                log("in then");
                pend(1, 1).await
            } else {
                log("in else");
                0
            }
        }
    },
    run: async { (f(1).await, f(0).await) },
}

differential! {
    /// A `let` whose initializer keeps a temporary alive across an await.
    name: let_stmt_temp_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let _a = D::new("a");
            let n = tmp("lt", 2).get() + pend(2, 3).await + tmp("lt2", 4).get();
            log("next stmt");
            n
        }
    },
    run: f(),
}

differential! {
    /// An expression statement whose temporaries are dropped at its `;`,
    /// after its await.
    name: expr_stmt_temps_at_semicolon,
    items: {
        #[lh] async fn f() -> u32 {
            let mut v = vec![];
            v.push(tmp("p", 1).get() + pend(1, 1).await);
            log("pushed");
            v.push(pend(1, tmp("q", 2)).await.get());
            v.iter().sum()
        }
    },
    run: f(),
}

differential! {
    /// A `match` on an awaited value with temporaries, in tail position.
    name: tail_match_on_awaited_temp,
    items: {
        #[lh] async fn f(v: u32) -> &'static str {
            let _l = D::new("l");
            match pend(1, tmp("awaited", v)).await.opt() {
                Some(1) => "one",
                Some(_) => { pend(1, ()).await; "many" }
                None => "none",
            }
        }
    },
    run: async { (f(1).await, f(3).await, f(0).await) },
}

differential! {
    /// A let chain (2024): temporaries of each `let` live into the block;
    /// a later condition awaits.
    name: let_chain_temps_with_await,
    items: {
        #[lh] async fn f(a: u32, b: u32) -> u32 {
            if let Some(x) = tmp("la", a).opt()
                && pend(1, x > 1).await
                && let Some(y) = tmp("lb", b).opt()
            {
                pend(1, x + y).await
            } else {
                log("else");
                0
            }
        }
    },
    run: async { (f(2, 3).await, f(1, 3).await, f(2, 0).await) },
}

differential! {
    /// A `Result` tail with `?` on a temporary's method inside `Ok(..)`.
    name: tail_ok_with_try_on_temp,
    items: {
        #[lh] async fn f(v: u32) -> Result<u32, String> {
            let _a = D::new("a");
            pend(1, ()).await;
            Ok(tmp("r", v).res()? + pend(1, 1).await)
        }
    },
    run: async { (f(2).await, f(0).await) },
}

differential! {
    /// `return` with a temporary in its operand, from a nested block, after
    /// an await.
    name: return_with_temp_from_nested_block,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _outer = D::new("outer");
            {
                let _inner = D::new("inner");
                if v > 1 {
                    return tmp("ret", v).get() + pend(1, 1).await;
                }
            }
            pend(1, 0).await
        }
    },
    run: async { (f(3).await, f(1).await) },
}

differential! {
    /// A `Ref` from a `RefCell` as a temporary in a statement that awaits
    /// (borrow held across the await), then a mutable borrow after it.
    name: refcell_temp_across_await_then_borrow_mut,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> usize {
            let n = c.borrow().len() + pend(1, 1).await;
            c.borrow_mut().push(n as u32);
            let m = pend(1, c.borrow().iter().sum::<u32>()).await;
            n + m as usize
        }
    },
    run: f(Rc::new(RefCell::new(vec![1, 2]))),
}

differential! {
    /// Temporaries in a `for` iterator expression live for the whole loop.
    name: for_iter_expr_temp_lives_whole_loop,
    items: {
        fn items(t: &Tmp) -> Vec<u32> { (0..t.get()).collect() }
        #[lh] async fn f() -> u32 {
            let mut s = 0;
            for x in items(&tmp("iter", 3)) {
                s += pend(1, x).await;
            }
            log("after for");
            s
        }
    },
    run: f(),
}

differential! {
    /// A match guard reads a temporary, arms await.
    name: match_guard_temp_and_arm_await,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            match v {
                n if tmp("guard", n).get() > 2 => pend(1, n * 2).await,
                n => { let _d = D::new("d"); pend(1, n).await }
            }
        }
    },
    run: async { (f(3).await, f(1).await) },
}

// ---------------------------------------------------------------------------
// 2. Protocol parsers and codecs
// ---------------------------------------------------------------------------

differential! {
    /// A line reader over chunks, then a RESP array parser holding slices of
    /// the read line across awaits.
    name: resp_array_parser,
    items: {
        struct Chunks { parts: VecDeque<&'static [u8]>, buf: Vec<u8> }
        impl Chunks {
            fn new(parts: &[&'static [u8]]) -> Chunks { Chunks { parts: parts.iter().copied().collect(), buf: Vec::new() } }
            #[lh] pub async fn read_line(&mut self) -> Option<String> {
                loop {
                    if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                        let line: Vec<u8> = self.buf.drain(..i + 2).collect();
                        return Some(String::from_utf8(line[..i].to_vec()).unwrap());
                    }
                    let part = pend(1, self.parts.pop_front()).await?;
                    self.buf.extend_from_slice(part);
                }
            }
        }
        #[lh] async fn read_cmd(c: &mut Chunks) -> Result<Vec<String>, String> {
            let head = c.read_line().await.ok_or("eof")?;
            let n: usize = head.strip_prefix('*').ok_or("not array")?.parse().map_err(|e| format!("{e}"))?;
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                let len_line = c.read_line().await.ok_or("eof in len")?;
                let len: usize = len_line[1..].parse().map_err(|_| format!("bad len {len_line}"))?;
                let data = c.read_line().await.ok_or("eof in data")?;
                if data.len() != len { return Err(format!("len {} != {}", data.len(), len)); }
                out.push(data);
            }
            Ok(out)
        }
        #[lh] async fn go() -> Vec<Result<Vec<String>, String>> {
            let mut c = Chunks::new(&[b"*2\r\n$3\r", b"\nGET\r\n$3\r\nkey\r\n*1\r\n$2\r\nabc\r\n", b"*x\r\n"]);
            vec![read_cmd(&mut c).await, read_cmd(&mut c).await, read_cmd(&mut c).await, read_cmd(&mut c).await]
        }
    },
    run: go(),
}

differential! {
    /// An HTTP/1 request line split into `&str`s of a stored `String`, the
    /// `Split` iterator held across awaits.
    name: http_request_line_split_across_awaits,
    items: {
        #[lh] async fn parse(line: String) -> Option<(String, String, u32)> {
            let mut parts = line.split(' ');
            let method = parts.next()?;
            pend(1, ()).await;
            let path = parts.next()?;
            let version = pend(1, parts.next()?).await;
            let minor: u32 = version.strip_prefix("HTTP/1.")?.parse().ok()?;
            pend(1, ()).await;
            Some((method.to_string(), path.to_string(), minor))
        }
    },
    run: async {
        (
            parse("GET /index.html HTTP/1.1".into()).await,
            parse("POST /x".into()).await,
            parse("GET / HTTP/2".into()).await,
        )
    },
}

differential! {
    /// HTTP headers: a loop reading lines until the blank one, `split_once`
    /// on each, `?` on a malformed one, a `Content-Length` parsed with `?`.
    name: http_headers_loop,
    items: {
        #[derive(Debug)]
        enum HErr { Eof, Malformed(String), BadLen(std::num::ParseIntError) }
        impl From<std::num::ParseIntError> for HErr { fn from(e: std::num::ParseIntError) -> Self { HErr::BadLen(e) } }
        #[lh] async fn next_line(lines: &mut VecDeque<&'static str>) -> Result<String, HErr> {
            pend(1, ()).await;
            lines.pop_front().map(str::to_string).ok_or(HErr::Eof)
        }
        #[lh] async fn headers(mut lines: VecDeque<&'static str>) -> Result<(Vec<(String, String)>, usize), HErr> {
            let _g = Defer("headers");
            let mut hs = Vec::new();
            let mut len = 0;
            loop {
                let line = next_line(&mut lines).await?;
                if line.is_empty() { break; }
                let (k, v) = line.split_once(':').ok_or_else(|| HErr::Malformed(line.clone()))?;
                let (k, v) = (k.trim(), v.trim());
                if k.eq_ignore_ascii_case("content-length") {
                    len = v.parse::<usize>()?;
                    pend(1, ()).await;
                }
                hs.push((k.to_string(), v.to_string()));
            }
            Ok((hs, len))
        }
    },
    run: async {
        (
            headers(VecDeque::from(vec!["Host: a", "Content-Length: 12", ""])).await,
            headers(VecDeque::from(vec!["Host: a", "oops"])).await,
            headers(VecDeque::from(vec!["Content-Length: x1", ""])).await,
            headers(VecDeque::from(vec!["Host: a"])).await,
        )
    },
}

differential! {
    /// Length-prefixed frames: `&buf[..4]` and `&buf[4..4 + len]` slices of a
    /// stored `Vec<u8>` held across awaits.
    name: length_prefixed_frames_slices,
    items: {
        #[lh] async fn frames(buf: Vec<u8>) -> Vec<Vec<u8>> {
            let mut out = vec![];
            let mut rest: &[u8] = &buf;
            while rest.len() >= 4 {
                let len = u32::from_be_bytes(rest[..4].try_into().unwrap()) as usize;
                pend(1, ()).await;
                if rest.len() < 4 + len { log("short"); break; }
                let body = &rest[4..4 + len];
                let body = pend(1, body).await;
                out.push(body.to_vec());
                rest = &rest[4 + len..];
            }
            out
        }
    },
    run: frames(vec![0, 0, 0, 2, 7, 8, 0, 0, 0, 1, 9, 0, 0, 0, 5, 1]),
}

differential! {
    /// A line codec: `lines()` iterator over a stored `String` held across
    /// the awaits in the loop body.
    name: line_codec_lines_iterator,
    items: {
        #[lh] async fn handle(text: String) -> Vec<String> {
            let mut out = vec![];
            for (i, line) in text.lines().enumerate() {
                let reply = match line {
                    "PING" => pend(1, "PONG".to_string()).await,
                    l if l.starts_with("ECHO ") => { pend(1, ()).await; l[5..].to_string() }
                    "" => continue,
                    "QUIT" => break,
                    other => format!("ERR {i} {other}"),
                };
                out.push(reply);
            }
            out
        }
    },
    run: handle("PING\nECHO hi there\n\nFOO\nQUIT\nPING".to_string()),
}

differential! {
    /// `find` and `parse::<u32>()?` in a loop over `key=value;` pairs of a
    /// stored `String`, slicing it by index across awaits.
    name: kv_pairs_find_and_parse_try,
    items: {
        #[lh] async fn total(s: String) -> Result<u32, std::num::ParseIntError> {
            let mut rest = s.as_str();
            let mut sum = 0;
            while let Some(end) = rest.find(';') {
                let pair = &rest[..end];
                let eq = pair.find('=').unwrap_or(0);
                pend(1, ()).await;
                sum += pair[eq + 1..].parse::<u32>()?;
                rest = &rest[end + 1..];
            }
            Ok(sum + pend(1, rest.len() as u32).await)
        }
    },
    run: async { (total("a=1;b=22;c=3;xy".into()).await, total("a=1;b=zz;".into()).await) },
}

differential! {
    /// A byte-level line splitter on `&[u8]` with `iter().position`, the
    /// rest slice reassigned across awaits.
    name: byte_line_splitter,
    items: {
        #[lh] async fn split(data: Vec<u8>) -> Vec<String> {
            let mut rest = &data[..];
            let mut out = vec![];
            while let Some(i) = rest.iter().position(|&b| b == b'\n') {
                let (line, tail) = rest.split_at(i);
                pend(1, ()).await;
                out.push(String::from_utf8_lossy(line).into_owned());
                rest = &tail[1..];
            }
            if !rest.is_empty() { out.push(format!("partial {}", pend(1, rest.len()).await)); }
            out
        }
    },
    run: split(String::from("ab\ncde\n\nfg").into_bytes()),
}

differential! {
    /// A codec struct with `&mut self` decode that returns a frame borrowing
    /// nothing, and an encode that awaits a write of a slice of a field.
    name: codec_struct_decode_encode,
    items: {
        struct Codec { rx: Vec<u8>, tx: Vec<u8>, _d: D }
        impl Codec {
            pub fn decode(&mut self) -> Option<String> {
                let i = self.rx.iter().position(|&b| b == b';')?;
                let f: Vec<u8> = self.rx.drain(..=i).collect();
                Some(String::from_utf8(f[..i].to_vec()).unwrap())
            }
            #[lh] pub async fn write_all(&mut self, data: &[u8]) -> usize {
                for chunk in data.chunks(2) {
                    pend(1, ()).await;
                    self.tx.extend_from_slice(chunk);
                }
                data.len()
            }
            #[lh] pub async fn echo(&mut self) -> usize {
                let mut n = 0;
                while let Some(frame) = self.decode() {
                    let upper = frame.to_uppercase();
                    n += self.write_all(upper.as_bytes()).await;
                    n += self.write_all(b";").await;
                }
                n
            }
        }
        #[lh] async fn go() -> (usize, String) {
            let mut c = Codec { rx: b"ab;cde;f".to_vec(), tx: vec![], _d: D::new("codec") };
            let n = c.echo().await;
            (n, String::from_utf8(std::mem::take(&mut c.tx)).unwrap())
        }
    },
    run: go(),
}

differential! {
    /// A request parsed into a struct of borrowed `&str`s of the stored
    /// request text, the struct held across awaits.
    name: borrowed_request_struct_across_awaits,
    items: {
        #[derive(Debug)]
        struct Req<'a> { method: &'a str, path: &'a str, query: Option<&'a str> }
        fn parse(s: &str) -> Option<Req<'_>> {
            let (method, rest) = s.split_once(' ')?;
            let (path, query) = match rest.split_once('?') { Some((p, q)) => (p, Some(q)), None => (rest, None) };
            Some(Req { method, path, query })
        }
        #[lh] async fn serve(raw: String) -> String {
            let Some(req) = parse(&raw) else { return pend(1, "400".to_string()).await };
            pend(1, ()).await;
            let body = match (req.method, req.path) {
                ("GET", "/") => "home".to_string(),
                ("GET", p) => { pend(1, ()).await; format!("page {p}") }
                (m, _) => format!("405 {m}"),
            };
            format!("{body} q={:?}", req.query)
        }
    },
    run: async { (serve("GET /?a=1".into()).await, serve("GET /x".into()).await, serve("PUT /y".into()).await, serve("bad".into()).await) },
}

differential! {
    /// A varint decoder over a byte buffer, awaiting between bytes, with an
    /// overflow error.
    name: varint_decoder,
    items: {
        #[lh] async fn read_varint(bytes: &mut VecDeque<u8>) -> Result<u64, &'static str> {
            let mut v: u64 = 0;
            let mut shift = 0;
            loop {
                let b = pend(1, bytes.pop_front()).await.ok_or("eof")?;
                v |= ((b & 0x7f) as u64) << shift;
                if b & 0x80 == 0 { return Ok(v); }
                shift += 7;
                if shift > 63 { return Err("overflow"); }
            }
        }
        #[lh] async fn go() -> Vec<Result<u64, &'static str>> {
            let mut q: VecDeque<u8> = VecDeque::from(vec![0x96, 0x01, 0x05, 0xff]);
            vec![read_varint(&mut q).await, read_varint(&mut q).await, read_varint(&mut q).await]
        }
    },
    run: go(),
}

differential! {
    /// A chunked-transfer decoder: hex sizes parsed with
    /// `u32::from_str_radix(..)?`, data lines appended, a zero chunk ends.
    name: chunked_transfer_decoder,
    items: {
        #[lh] async fn decode(mut lines: VecDeque<&'static str>) -> Result<String, std::num::ParseIntError> {
            let mut body = String::new();
            loop {
                let size_line = pend(1, lines.pop_front().unwrap_or("0")).await;
                let size = u32::from_str_radix(size_line.trim(), 16)?;
                if size == 0 { break; }
                let data = pend(1, lines.pop_front().unwrap_or("")).await;
                body.push_str(&data[..size as usize]);
            }
            Ok(body)
        }
    },
    run: async {
        (
            decode(VecDeque::from(vec!["3", "abcxx", "a", "0123456789", "0"])).await,
            decode(VecDeque::from(vec!["zz"])).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 3. Async closures, `AsyncFn` bounds, `poll_fn`, `ready`, hand-written joins
// ---------------------------------------------------------------------------

differential! {
    /// An async closure (2024) defined and called twice inside a lowered fn;
    /// its own awaits belong to it.
    name: async_closure_called_twice,
    items: {
        #[lh] async fn f() -> u32 {
            let base = D::new("base");
            let double = async |x: u32| { pend(1, ()).await; x * 2 + base.touch() as u32 };
            let a = double(1).await;
            let b = double(pend(1, 2).await).await;
            a + b
        }
    },
    run: f(),
}

differential! {
    /// An `async move` closure that owns a dropper, called in a loop and
    /// dropped at the end of the fn.
    name: async_move_closure_owns_dropper,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let owned = D::new("owned");
            let step = async move |i: u32| -> u32 { pend(1, ()).await; owned.touch() as u32 + i };
            let mut t = 0;
            for i in 0..n { t += step(i).await; }
            let _after = D::new("after");
            pend(1, ()).await;
            t
        }
    },
    run: f(3),
}

differential! {
    /// An `impl AsyncFn` parameter awaited in a loop with a dropper live.
    name: async_fn_bound_param,
    items: {
        #[lh] async fn map_all(xs: Vec<u32>, f: impl AsyncFn(u32) -> u32) -> Vec<u32> {
            let _g = Defer("map_all");
            let mut out = vec![];
            for x in xs { out.push(f(x).await); }
            out
        }
        #[lh] async fn go() -> Vec<u32> {
            let k = 10;
            map_all(vec![1, 2, 3], async |x| pend(x, x + k).await).await
        }
    },
    run: go(),
}

differential! {
    /// An `AsyncFnMut` parameter mutating captured state between awaits.
    name: async_fn_mut_bound_counter,
    items: {
        #[lh] async fn repeat<F: AsyncFnMut(u32)>(n: u32, mut f: F) -> u32 {
            for i in 0..n { f(i).await; pend(1, ()).await; }
            n
        }
        #[lh] async fn go() -> (u32, Vec<u32>) {
            let mut seen = vec![];
            let n = repeat(3, async |i| { pend(1, ()).await; seen.push(i * i); }).await;
            (n, seen)
        }
    },
    run: go(),
}

differential! {
    /// A plain closure returning futures, awaited in a loop.
    name: closure_returning_futures_in_loop,
    items: {
        #[lh] async fn f() -> u32 {
            let mk = |i: u32| pend(i, i * 3);
            let mut total = 0;
            for i in 0..4 {
                let d = D::new("iter");
                total += mk(i).await;
            }
            total
        }
    },
    run: f(),
}

differential! {
    /// An `impl Future` parameter awaited after other awaits; cancelled
    /// before it is polled it is dropped with the parameters.
    name: impl_future_param_awaited_late,
    items: {
        #[lh] async fn f(first: D, later: impl Future<Output = u32>, last: D) -> u32 {
            pend(1, ()).await;
            first.touch();
            let v = later.await;
            pend(1, v).await
        }
        #[lh] async fn go() -> u32 {
            f(D::new("first"), pend(2, 7), D::new("last")).await
        }
    },
    run: go(),
}

differential! {
    /// `std::future::ready` awaited (no suspension) between real awaits.
    name: std_future_ready_between_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let a = std::future::ready(D::new("r")).await;
            pend(1, ()).await;
            let b = std::future::ready(a.touch() as u32).await;
            b + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// `std::future::poll_fn` whose closure borrows a local mutably, awaited
    /// while a dropper is live.
    name: poll_fn_counting_closure,
    items: {
        use std::task::Poll;
        #[lh] async fn f() -> u32 {
            let _d = D::new("d");
            let mut polls = 0;
            let v = std::future::poll_fn(|cx| {
                polls += 1;
                if polls < 3 { cx.waker().wake_by_ref(); Poll::Pending } else { Poll::Ready(polls * 10) }
            }).await;
            pend(1, ()).await;
            v + polls
        }
    },
    run: f(),
}

differential! {
    /// The smallest shape of s9-3.
    name: pin_macro_local_in_poll_fn_closure,
    items: {
        #[lh] async fn work(n: u32) -> u32 { pend(n, n).await }
        #[lh] async fn f() -> u32 {
            let mut a = std::pin::pin!(work(2));
            let mut ra = None;
            std::future::poll_fn(|cx| {
                if ra.is_none() { if let std::task::Poll::Ready(v) = a.as_mut().poll(cx) { ra = Some(v); } }
                if ra.is_some() { std::task::Poll::Ready(()) } else { std::task::Poll::Pending }
            }).await;
            ra.unwrap()
        }
    },
    run: f(),
}

differential! {
    /// A hand-written join of two futures with `pin!` and `poll_fn` inside a
    /// lowered fn.
    name: hand_written_join_with_pin_and_poll_fn,
    items: {
        use std::task::Poll;
        #[lh] async fn work(name: &'static str, n: u32) -> u32 {
            let _d = D::new(name);
            pend(n, ()).await;
            log(format!("{name} done"));
            n
        }
        #[lh] async fn join() -> (u32, u32) {
            let mut a = std::pin::pin!(work("a", 2));
            let mut b = std::pin::pin!(work("b", 1));
            let (mut ra, mut rb) = (None, None);
            std::future::poll_fn(|cx| {
                if ra.is_none() { if let Poll::Ready(v) = a.as_mut().poll(cx) { ra = Some(v); } }
                if rb.is_none() { if let Poll::Ready(v) = b.as_mut().poll(cx) { rb = Some(v); } }
                if ra.is_some() && rb.is_some() { Poll::Ready(()) } else { Poll::Pending }
            }).await;
            pend(1, ()).await;
            (ra.unwrap(), rb.unwrap())
        }
    },
    run: join(),
}

differential! {
    /// The neighbours of s9-3: a `poll_fn` closure that only polls a
    /// `pin!`-ed local, and one that only assigns plain locals.
    name: pin_macro_and_poll_fn_neighbours,
    items: {
        #[lh] async fn work(n: u32) -> u32 { let _d = D::new("work"); pend(n, n).await }
        #[lh] async fn f() -> u32 {
            let mut a = std::pin::pin!(work(2));
            let x = std::future::poll_fn(|cx| a.as_mut().poll(cx)).await;
            let (mut ra, mut rb) = (None, None);
            std::future::poll_fn(|cx| { ra = Some(1); rb = Some(x); std::task::Poll::Ready(()) }).await;
            ra.unwrap() + rb.unwrap()
        }
    },
    run: f(),
}

differential! {
    /// A `pin!`-ed local polled by `as_mut().await` across other awaits.
    name: pin_macro_local_awaited_directly,
    items: {
        #[lh] async fn work(name: &'static str, n: u32) -> u32 { let _d = D::new(name); pend(n, n).await }
        #[lh] async fn f() -> u32 {
            let mut a = std::pin::pin!(work("a", 2));
            let x = pend(1, 1).await;
            x + a.as_mut().await
        }
    },
    run: f(),
}

differential! {
    /// An async block stored in a local, other awaits first, then awaited;
    /// cancelled before it runs it is dropped unpolled.
    name: async_block_stored_then_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("captured");
            let later = async move { pend(1, ()).await; d.touch() as u32 };
            let x = pend(2, 1).await;
            let _y = D::new("y");
            x + later.await
        }
    },
    run: f(),
}

differential! {
    /// Boxed futures collected in a `Vec` and awaited in order.
    name: boxed_futures_vec_awaited_in_order,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut futs: Vec<Pin<Box<dyn Future<Output = u32>>>> = vec![];
            for i in 1..=3u32 {
                let d = D::new("job");
                futs.push(Box::pin(async move { pend(i, ()).await; d.touch() as u32 + i }));
            }
            let mut out = vec![];
            for f in futs { out.push(f.await); }
            out
        }
    },
    run: f(),
}

differential! {
    /// A closure passed `&mut` state and an async fn pointer-like generic
    /// `F: Fn(u32) -> Fut`.
    name: generic_fn_returning_future_param,
    items: {
        #[lh] async fn retry<F, Fut>(mut left: u32, op: F) -> Result<u32, String>
        where F: Fn(u32) -> Fut, Fut: Future<Output = Result<u32, String>> {
            let mut attempt = 0;
            loop {
                match op(attempt).await {
                    Ok(v) => return Ok(v),
                    Err(e) if left > 0 => { left -= 1; attempt += 1; log(e); pend(1, ()).await; }
                    Err(e) => return Err(e),
                }
            }
        }
        #[lh] async fn go() -> (Result<u32, String>, Result<u32, String>) {
            let op = |n: u32| async move { pend(1, ()).await; if n >= 2 { Ok(n) } else { Err(format!("try {n}")) } };
            (retry(5, op).await, retry(1, op).await)
        }
    },
    run: go(),
}

differential! {
    /// An async closure captured by reference and handed to a helper that
    /// calls it twice.
    name: async_closure_by_ref_to_helper,
    items: {
        #[lh] async fn twice(f: &impl AsyncFn() -> u32) -> u32 { f().await + f().await }
        #[lh] async fn go() -> u32 {
            let hits = Cell::new(0);
            let f = async || { hits.set(hits.get() + 1); pend(1, hits.get()).await };
            let a = twice(&f).await;
            a * 10 + hits.get()
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 4. Hand-written state machines
// ---------------------------------------------------------------------------

differential! {
    /// `loop { match self.state { .. } }` with `mem::replace` of a state
    /// carrying droppers, transitions across awaits.
    name: connection_state_machine_mem_replace,
    items: {
        enum Conn { Idle, Connecting(D), Open { sock: D, sent: u32 }, Closing(D), Closed }
        struct Client { state: Conn, log: Vec<&'static str> }
        impl Client {
            #[lh] pub async fn drive(&mut self) -> u32 {
                let mut steps = 0;
                loop {
                    steps += 1;
                    match std::mem::replace(&mut self.state, Conn::Closed) {
                        Conn::Idle => { self.log.push("idle"); self.state = Conn::Connecting(D::new("dial")); }
                        Conn::Connecting(d) => {
                            pend(1, ()).await;
                            drop(d);
                            self.state = Conn::Open { sock: D::new("sock"), sent: 0 };
                        }
                        Conn::Open { sock, sent } if sent < 2 => {
                            pend(1, ()).await;
                            self.state = Conn::Open { sock, sent: sent + 1 };
                        }
                        Conn::Open { sock, .. } => { self.state = Conn::Closing(sock); }
                        Conn::Closing(sock) => { pend(1, ()).await; sock.touch(); self.log.push("closed"); }
                        Conn::Closed => break,
                    }
                }
                steps
            }
        }
        #[lh] async fn go() -> (u32, Vec<&'static str>) {
            let mut c = Client { state: Conn::Idle, log: vec![] };
            let n = c.drive().await;
            (n, std::mem::take(&mut c.log))
        }
    },
    run: go(),
}

differential! {
    /// `while let Some(x) = queue.pop_front()` with awaits and pushes of
    /// follow-up work.
    name: while_let_pop_front_with_follow_ups,
    items: {
        #[lh] async fn drain_queue(mut q: VecDeque<(u32, D)>) -> Vec<u32> {
            let mut done = vec![];
            while let Some((n, d)) = q.pop_front() {
                pend(1, ()).await;
                if n > 0 { q.push_back((n - 1, D::new("child"))); }
                d.touch();
                done.push(n);
            }
            done
        }
    },
    run: drain_queue(VecDeque::from(vec![(1, D::new("root")), (0, D::new("leaf"))])),
}

differential! {
    /// A `Copy` state enum in a local, matched in a loop, each arm awaiting
    /// and returning the next state as the `match` value.
    name: copy_state_enum_match_value,
    items: {
        #[derive(Clone, Copy, Debug, PartialEq)]
        enum S { Start, Read(u32), Write(u32), Done }
        #[lh] async fn f() -> Vec<S> {
            let mut s = S::Start;
            let mut trace = vec![s];
            while s != S::Done {
                s = match s {
                    S::Start => S::Read(pend(1, 2).await),
                    S::Read(0) => S::Done,
                    S::Read(n) => { let _d = D::new("buf"); S::Write(pend(1, n).await) }
                    S::Write(n) => S::Read(n - 1),
                    S::Done => unreachable!(),
                };
                trace.push(s);
            }
            trace
        }
    },
    run: f(),
}

differential! {
    /// An enum transition taking the old state by value out of an `Option`
    /// with `take()` across awaits.
    name: option_take_state_transitions,
    items: {
        enum Phase { A(D), B(D, D), C }
        #[lh] async fn f() -> usize {
            let mut phase = Some(Phase::A(D::new("a")));
            let mut n = 0;
            while let Some(p) = phase.take() {
                n += 1;
                phase = match p {
                    Phase::A(a) => { pend(1, ()).await; Some(Phase::B(a, D::new("b"))) }
                    Phase::B(a, b) => { drop(a); pend(1, ()).await; b.touch(); Some(Phase::C) }
                    Phase::C => None,
                };
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// A struct-held state machine whose `step` method awaits and whose
    /// caller loops until `Done`, the output collected in a field.
    name: struct_step_method_until_done,
    items: {
        #[derive(Debug)]
        enum St { Init, Fetch(u32), Parse(String), Done(u32) }
        struct M { st: St, _d: D }
        impl M {
            #[lh] pub async fn step(&mut self) -> bool {
                self.st = match std::mem::replace(&mut self.st, St::Init) {
                    St::Init => St::Fetch(3),
                    St::Fetch(n) => St::Parse(pend(n, format!("{}", n * 7)).await),
                    St::Parse(s) => St::Done(pend(1, s.parse().unwrap()).await),
                    St::Done(v) => { self.st = St::Done(v); return false; }
                };
                true
            }
        }
        #[lh] async fn go() -> (u32, String) {
            let mut m = M { st: St::Init, _d: D::new("m") };
            let mut n = 0;
            while m.step().await { n += 1; }
            (n, format!("{:?}", m.st))
        }
    },
    run: go(),
}

differential! {
    /// A retry state machine: `loop` with a `match` that `break`s with a
    /// value carrying a dropper out of nested loops.
    name: nested_loops_break_value_carrying_dropper,
    items: {
        #[lh] async fn f(target: u32) -> Option<D> {
            let _outer = D::new("outer");
            let found = 'search: loop {
                for round in 0..3u32 {
                    let cand = D::new(if round == 1 { "one" } else { "other" });
                    pend(1, ()).await;
                    for k in 0..2u32 {
                        if round * 2 + k == target { break 'search Some(cand); }
                        pend(1, ()).await;
                    }
                }
                break None;
            };
            log("after search");
            pend(1, ()).await;
            found
        }
    },
    run: async { (f(3).await, f(9).await) },
}

// ---------------------------------------------------------------------------
// 5. Drop order at every cancellation point
// ---------------------------------------------------------------------------

differential! {
    /// A struct with several dropper fields live across awaits; a field is
    /// replaced in the middle.
    name: struct_with_dropper_fields_replaced,
    items: {
        struct Conn { a: D, b: D, c: Option<D> }
        #[lh] async fn f() -> usize {
            let mut conn = Conn { a: D::new("a"), b: D::new("b"), c: Some(D::new("c")) };
            pend(1, ()).await;
            conn.b = D::new("b2");
            pend(1, ()).await;
            let c = conn.c.take();
            pend(1, ()).await;
            drop(c);
            conn.a.touch() + conn.b.touch()
        }
    },
    run: f(),
}

differential! {
    /// `Vec<D>` truncated and drained across awaits.
    name: vec_truncate_and_drain_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let mut v: Vec<D> = ["v0", "v1", "v2", "v3", "v4"].into_iter().map(D::new).collect();
            pend(1, ()).await;
            v.truncate(4);
            pend(1, ()).await;
            let drained: Vec<D> = v.drain(1..3).collect();
            pend(1, ()).await;
            drop(drained);
            pend(1, ()).await;
            v.len()
        }
    },
    run: f(),
}

differential! {
    /// `Option<D>` taken and put back across awaits, `replace` returning the
    /// old value dropped at the `;`.
    name: option_take_replace_across_awaits,
    items: {
        #[lh] async fn f() -> bool {
            let mut slot = Some(D::new("first"));
            let held = slot.take();
            pend(1, ()).await;
            slot = held;
            slot.replace(D::new("second"));
            pend(1, ()).await;
            let _ = slot.insert(D::new("third"));
            pend(1, ()).await;
            slot.is_some()
        }
    },
    run: f(),
}

differential! {
    /// A shadowing chain: each shadowed binding stays live to the end of the
    /// scope, across the awaits between them.
    name: shadowing_chain_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let x = D::new("x1");
            pend(1, ()).await;
            let x = (x, D::new("x2"));
            pend(1, ()).await;
            let x = D::new("x3");
            pend(1, ()).await;
            let x = x.touch();
            pend(1, x).await
        }
    },
    run: f(),
}

differential! {
    /// Drops inside `match` arms: a binding moved in one arm, borrowed in
    /// another, each arm awaiting.
    name: drops_inside_match_arms,
    items: {
        #[lh] async fn f(pick: u32) -> usize {
            let pair = (D::new("left"), D::new("right"));
            let item = if pick == 0 { None } else { Some(D::new("item")) };
            let n = match item {
                Some(d) if pick == 1 => { pend(1, ()).await; let n = d.touch(); drop(d); pend(1, n).await }
                Some(d) => { pend(1, ()).await; d.touch() }
                None => { pend(2, ()).await; 0 }
            };
            pair.0.touch() + n
        }
    },
    run: async { (f(0).await, f(1).await, f(2).await) },
}

differential! {
    /// Early `return` from inside nested scopes and loops with droppers in
    /// every scope.
    name: early_return_from_nested_scopes,
    items: {
        #[lh] async fn f(stop: u32) -> u32 {
            let _fn = D::new("fn");
            for i in 0..3 {
                let _loop = D::new("loop");
                {
                    let _block = D::new("block");
                    pend(1, ()).await;
                    if i == stop { return pend(1, i).await; }
                }
                pend(1, ()).await;
            }
            99
        }
    },
    run: async { (f(1).await, f(7).await) },
}

differential! {
    /// Parameters with droppers, some moved into locals, some dropped
    /// explicitly, the rest dropped at the end in parameter order.
    name: params_moved_dropped_and_kept,
    items: {
        #[lh] async fn f(a: D, b: D, c: D, d: D) -> usize {
            pend(1, ()).await;
            let kept = b;
            drop(c);
            pend(1, ()).await;
            let n = a.touch() + kept.touch();
            pend(1, n).await
        }
    },
    run: f(D::new("a"), D::new("b"), D::new("c"), D::new("d")),
}

differential! {
    /// A `Vec<D>` whose elements are popped one per await, the last pushed
    /// back, cancellation at every point.
    name: vec_pop_push_back_each_await,
    items: {
        #[lh] async fn f() -> usize {
            let mut v = vec![D::new("p0"), D::new("p1"), D::new("p2")];
            let mut popped = vec![];
            while let Some(d) = v.pop() {
                pend(1, ()).await;
                if d.0 == "p0" { v.insert(0, D::new("again")); popped.push(d); break; }
                popped.push(d);
            }
            pend(1, ()).await;
            popped.len() * 10 + v.len()
        }
    },
    run: f(),
}

differential! {
    /// Scope guards (`Defer`) in nested blocks, one moved into a `Box` that
    /// lives across the awaits, one forgotten.
    name: defer_guards_boxed_and_forgotten,
    items: {
        #[lh] async fn f() -> u32 {
            let _a = Defer("a");
            let boxed = Box::new(Defer("boxed"));
            {
                let _b = Defer("b");
                pend(1, ()).await;
                let c = Defer("c");
                std::mem::forget(c);
            }
            pend(1, ()).await;
            drop(boxed);
            pend(1, 5).await
        }
    },
    run: f(),
}

differential! {
    /// A `match` on a tuple of droppers by value, one arm moving both out,
    /// another binding with `_`, awaiting in each (s9-6, fixed in round 13:
    /// the `(_, _)` arm keeps the tuple, which rustc drops at the end of the
    /// `match`, after the await).
    name: match_tuple_of_droppers_by_value,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            let t = (D::new("t0"), D::new("t1"));
            match (k, t) {
                (0, (x, y)) => { pend(1, ()).await; x.touch() + y.touch() }
                (_, _) => { pend(1, ()).await; 7 }
            }
        }
    },
    run: async { (f(0).await, f(1).await) },
}

differential! {
    /// `break` with a dropper value out of a `loop`, the loop's locals
    /// dropped first, cancellation mid-loop.
    name: loop_break_value_drops_loop_locals_first,
    items: {
        #[lh] async fn f() -> usize {
            let mut i = 0;
            let got = loop {
                let tmp_d = D::new("loop-local");
                let v = D::new("value");
                pend(1, ()).await;
                i += 1;
                if i == 2 { break v; }
            };
            pend(1, ()).await;
            got.touch() + i
        }
    },
    run: f(),
}

known_gap! {
    reason: "s9-4 (fails to compile, E0507): a field moved out of a local after an awaitee borrowed that local (`let n = c.drive().await; (n, c.log)` with `drive(&mut self)`): rustc moves the field out of the coroutine's local; longhand keeps `c` in a pin slot (it is borrowed by an awaitee) and rewrites the later use to `(*PinSlot::get(__lh_slot0)).value.log`, a move out of a place behind a pointer (`cannot move out of a mutable reference` at `c`). `std::mem::take(&mut c.log)` or moving `c` whole works (`field_taken_after_awaitee_borrowed_local`). Related to the known partial-move family and r2-11, but here nothing is awaited after the move.",
    differential! {
        /// The smallest shape of s9-4.
        name: field_moved_after_awaitee_borrowed_local,
        items: {
            struct Client { log: Vec<&'static str>, _d: D }
            impl Client {
                #[lh] pub async fn drive(&mut self) -> u32 { self.log.push("x"); pend(1, 1).await }
            }
            #[lh] async fn go() -> (u32, Vec<&'static str>) {
                let mut c = Client { log: vec![], _d: D::new("c") };
                let n = c.drive().await;
                (n, c.log)
            }
        },
        run: go(),
    }
}

differential! {
    /// The neighbour of s9-4: `mem::take` of the field, or the local moved
    /// whole, after an awaitee borrowed it.
    name: field_taken_after_awaitee_borrowed_local,
    items: {
        struct Client { log: Vec<&'static str>, _d: D }
        impl Client {
            #[lh] pub async fn drive(&mut self) -> u32 { self.log.push("x"); pend(1, 1).await }
        }
        #[lh] async fn go() -> (u32, Vec<&'static str>, usize) {
            let mut c = Client { log: vec![], _d: D::new("c") };
            let n = c.drive().await;
            let log = std::mem::take(&mut c.log);
            let mut c2 = Client { log: vec![], _d: D::new("c2") };
            c2.drive().await;
            let moved = c2;
            (n, log, moved.log.len())
        }
    },
    run: go(),
}

differential! {
    /// The smallest shape of s9-5 (fixed): the left operand of `&&` ends
    /// its temporaries before the right one awaits.
    name: lazy_and_left_temp_in_let,
    items: {
        #[lh] async fn f() -> bool {
            let b = tmp("c", 1).get() > 0 && pend(1, true).await;
            b
        }
    },
    run: f(),
}

differential! {
    /// s9-5 (fixed) with `||`.
    name: lazy_or_left_temp_in_if,
    items: {
        #[lh] async fn f() -> u32 {
            if tmp("c", 0).get() > 0 || pend(1, true).await { 1 } else { 2 }
        }
    },
    run: f(),
}

differential! {
    /// The neighbour of s9-5: the await first, the temporary in a later
    /// operand (dropped at the end of its own operand on both sides).
    name: lazy_and_await_first_then_temp,
    items: {
        #[lh] async fn f() -> bool {
            pend(1, true).await && tmp("c", 1).get() > 0 && pend(1, true).await
        }
    },
    run: f(),
}

differential! {
    /// The smallest shape of s9-6.
    name: match_wildcard_arm_awaits_other_arm_moves,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            let o = Some(D::new("t"));
            match o {
                Some(x) if k == 0 => x.touch(),
                _ => pend(1, 7).await,
            }
        }
    },
    run: f(1),
}

differential! {
    /// s9-6 on a temporary scrutinee.
    name: match_wildcard_arm_awaits_temp_scrutinee,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            match Some(D::new("t")) {
                Some(x) if k == 0 => x.touch(),
                _ => pend(1, 7).await,
            }
        }
    },
    run: f(1),
}

differential! {
    /// The neighbour of s9-6: wildcard arms only (nothing moved anywhere),
    /// on a local and on a tuple temporary.
    name: match_wildcard_only_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("local");
            let a = match d { _ => pend(1, 7).await };
            let b = match (1, D::new("temp")) { (_, _) => pend(1, 7).await };
            a + b
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 6. Error handling
// ---------------------------------------------------------------------------

differential! {
    /// A custom error enum with `From` impls; `?` converts io-like and parse
    /// errors from awaited results inside a loop, after partial work.
    name: custom_error_enum_from_in_loop,
    items: {
        #[derive(Debug)]
        enum AppErr { Net(String), Parse(std::num::ParseIntError), Limit(u32) }
        impl From<std::num::ParseIntError> for AppErr { fn from(e: std::num::ParseIntError) -> Self { AppErr::Parse(e) } }
        impl From<String> for AppErr { fn from(e: String) -> Self { AppErr::Net(e) } }
        #[lh] async fn fetch(s: &'static str) -> Result<&'static str, String> {
            pend(1, ()).await;
            if s == "down" { Err("conn reset".to_string()) } else { Ok(s) }
        }
        #[lh] async fn sum(items: Vec<&'static str>) -> Result<u32, AppErr> {
            let _g = Defer("sum");
            let mut total = 0;
            let mut partial = vec![];
            for it in items {
                let d = D::new("item");
                let raw = fetch(it).await?;
                let n: u32 = raw.parse()?;
                if n > 100 { return Err(AppErr::Limit(n)); }
                partial.push(D::new("done"));
                total += n;
            }
            Ok(total)
        }
    },
    run: async {
        (
            sum(vec!["1", "2"]).await,
            sum(vec!["1", "down", "3"]).await,
            sum(vec!["5", "x"]).await,
            sum(vec!["500"]).await,
        )
    },
}

differential! {
    /// `?` on `Option` in a loop with an awaited lookup.
    name: try_option_in_loop,
    items: {
        #[lh] async fn lookup(k: u32) -> Option<u32> { pend(1, if k < 3 { Some(k * 10) } else { None }).await }
        #[lh] async fn all(keys: &[u32]) -> Option<u32> {
            let _d = D::new("all");
            let mut s = 0;
            for &k in keys {
                let held = D::new("held");
                s += lookup(k).await?;
            }
            Some(s)
        }
    },
    run: async { (all(&[0, 1, 2]).await, all(&[1, 5, 2]).await) },
}

differential! {
    /// `map_err` and `ok_or_else` with closures capturing stored locals.
    name: map_err_ok_or_else_capturing_locals,
    items: {
        #[lh] async fn f(input: Option<&'static str>) -> Result<u32, String> {
            let ctx = String::from("request-7");
            let tag = D::new("tag");
            let raw = pend(1, input).await.ok_or_else(|| format!("{ctx}: missing ({})", tag.0))?;
            pend(1, ()).await;
            let n = raw.parse::<u32>().map_err(|e| format!("{ctx}: {e} in {raw:?}"))?;
            Ok(n + tag.touch() as u32)
        }
    },
    run: async { (f(Some("4")).await, f(None).await, f(Some("q")).await) },
}

differential! {
    /// `Result<(), Box<dyn std::error::Error>>` with `?` on different error
    /// types and a `.into()` of a string.
    name: box_dyn_error_mixed_sources,
    items: {
        #[lh] async fn f(a: &'static str, fail: bool) -> Result<(), Box<dyn std::error::Error>> {
            let _d = D::new("f");
            let n: u32 = pend(1, a).await.parse()?;
            let s = std::str::from_utf8(pend(1, &b"ok"[..]).await)?;
            if fail { return Err(format!("failed at {n} {s}").into()); }
            log(format!("ok {n} {s}"));
            Ok(())
        }
        #[lh] async fn go() -> Vec<String> {
            let mut out = vec![];
            for (a, fail) in [("1", false), ("x", false), ("2", true)] {
                out.push(match f(a, fail).await { Ok(()) => "ok".to_string(), Err(e) => e.to_string() });
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// An error after partial work: droppers created in the loop are dropped
    /// in order on the `?` return.
    name: error_after_partial_work_drops,
    items: {
        #[lh] async fn step(i: u32) -> Result<D, String> {
            pend(1, ()).await;
            if i == 2 { Err(format!("step {i}")) } else { Ok(D::new(["s0", "s1", "s2", "s3"][i as usize])) }
        }
        #[lh] async fn f() -> Result<usize, String> {
            let mut done = Vec::new();
            let _guard = Defer("f");
            for i in 0..4 {
                let d = step(i).await?;
                done.push(d);
            }
            Ok(done.len())
        }
    },
    run: f(),
}

differential! {
    /// `?` inside a `match` arm that awaits, and `?` on the scrutinee.
    name: try_in_match_arm_and_scrutinee,
    items: {
        #[lh] async fn get(k: u32) -> Result<Option<u32>, String> {
            pend(1, ()).await;
            if k == 9 { Err("nine".into()) } else { Ok(if k.is_multiple_of(2) { Some(k) } else { None }) }
        }
        #[lh] async fn f(k: u32) -> Result<u32, String> {
            let _d = D::new("f");
            match get(k).await? {
                Some(v) => Ok(v + get(v + 1).await?.unwrap_or(100)),
                None => { let w = get(k + 1).await?.ok_or("none twice")?; Ok(w) }
            }
        }
    },
    run: async { (f(2).await, f(1).await, f(9).await, f(8).await) },
}

differential! {
    /// An error type with a dropper inside, returned through `?` with `From`.
    name: error_carrying_dropper_through_from,
    items: {
        #[derive(Debug)]
        struct Inner(D);
        #[derive(Debug)]
        enum Outer { Wrapped(Inner) }
        impl From<Inner> for Outer { fn from(i: Inner) -> Self { log("convert"); Outer::Wrapped(i) } }
        #[lh] async fn inner(fail: bool) -> Result<u32, Inner> {
            let _x = D::new("inner-local");
            pend(1, ()).await;
            if fail { Err(Inner(D::new("err"))) } else { Ok(1) }
        }
        #[lh] async fn outer(fail: bool) -> Result<u32, Outer> {
            let _y = D::new("outer-local");
            let v = inner(fail).await?;
            pend(1, ()).await;
            Ok(v)
        }
    },
    run: async { (outer(false).await, outer(true).await.is_err()) },
}

differential! {
    /// `Result` combinators between awaits: `and_then`, `unwrap_or_else`,
    /// `?` on `Option::ok_or`.
    name: result_combinators_between_awaits,
    items: {
        #[lh] async fn f(v: &'static str) -> Result<u32, String> {
            let parsed = pend(1, v).await.parse::<i64>().map_err(|e| e.to_string());
            let checked = parsed.and_then(|n| u32::try_from(n).map_err(|_| format!("negative {n}")));
            let n = checked.unwrap_or_else(|e| { log(e); 0 });
            let first = pend(1, v.chars().next()).await.ok_or("empty")?;
            Ok(n + first as u32)
        }
    },
    run: async { (f("12").await, f("-3").await, f("").await) },
}

differential! {
    /// A `loop` with `?` on an awaited `Result` and `continue` on a
    /// recoverable error.
    name: loop_try_and_continue_on_recoverable,
    items: {
        #[derive(Debug)]
        enum E { Retry(u32), Fatal(&'static str) }
        #[lh] async fn op(i: u32) -> Result<u32, E> {
            pend(1, ()).await;
            match i { 1 | 3 => Err(E::Retry(i)), 5 => Err(E::Fatal("five")), _ => Ok(i) }
        }
        #[lh] async fn f(until: u32) -> Result<Vec<u32>, E> {
            let mut ok = vec![];
            let mut i = 0;
            while i < until {
                i += 1;
                let d = D::new("attempt");
                match op(i).await {
                    Err(E::Retry(n)) => { log(format!("retry {n}")); continue; }
                    r => ok.push(r?),
                }
            }
            Ok(ok)
        }
    },
    run: async { (f(4).await, f(6).await) },
}

// ---------------------------------------------------------------------------
// 7. Generic and const-generic code, trait objects
// ---------------------------------------------------------------------------

differential! {
    /// `[T; N]` with `const N: usize`, each element awaited in turn.
    name: const_generic_array_param,
    items: {
        #[lh] async fn sum_all<const N: usize>(xs: [u32; N]) -> u32 {
            let mut s = 0;
            for x in xs { s += pend(1, x).await; }
            s + N as u32
        }
        #[lh] async fn go() -> (u32, u32) { (sum_all([1, 2, 3]).await, sum_all([]).await) }
    },
    run: go(),
}

differential! {
    /// A const-generic buffer struct with an async method filling it.
    name: const_generic_buffer_fill,
    items: {
        struct Buf<const N: usize> { data: [u8; N], len: usize, _d: D }
        impl<const N: usize> Buf<N> {
            #[lh] pub async fn fill(&mut self, src: &[u8]) -> usize {
                for &b in src.iter().take(N) {
                    pend(1, ()).await;
                    self.data[self.len] = b;
                    self.len += 1;
                }
                self.len
            }
        }
        #[lh] async fn go() -> (usize, [u8; 4]) {
            let mut b = Buf::<4> { data: [0; 4], len: 0, _d: D::new("buf") };
            let n = b.fill(&[9, 8, 7, 6, 5]).await;
            (n, b.data)
        }
    },
    run: go(),
}

differential! {
    /// An array of droppers `[D; N]` as a const-generic parameter, iterated
    /// by reference across awaits.
    name: const_generic_array_of_droppers,
    items: {
        #[lh] async fn touch_all<const N: usize>(items: [D; N]) -> usize {
            let mut n = 0;
            for d in &items { n += pend(1, d.touch()).await; }
            n
        }
    },
    run: touch_all([D::new("x0"), D::new("x1"), D::new("x2")]),
}

differential! {
    /// Trait-bound generics with an associated type, awaited in a loop.
    name: trait_bound_generic_assoc_type,
    items: {
        trait Source { type Item: std::fmt::Debug; fn next_item(&mut self) -> Option<Self::Item>; }
        struct Count(u32, D);
        impl Source for Count { type Item = u32; fn next_item(&mut self) -> Option<u32> { if self.0 == 0 { None } else { self.0 -= 1; Some(self.0) } } }
        #[lh] async fn drain<S: Source>(mut s: S) -> Vec<String> {
            let mut out = vec![];
            while let Some(item) = s.next_item() {
                pend(1, ()).await;
                out.push(format!("{item:?}"));
            }
            out
        }
    },
    run: drain(Count(3, D::new("src"))),
}

differential! {
    /// A `&mut dyn Trait` parameter used before and after awaits.
    name: mut_dyn_trait_param,
    items: {
        trait Sink { fn put(&mut self, v: u32); fn total(&self) -> u32; }
        struct VecSink(Vec<u32>);
        impl Sink for VecSink { fn put(&mut self, v: u32) { self.0.push(v) } fn total(&self) -> u32 { self.0.iter().sum() } }
        #[lh] async fn feed(sink: &mut dyn Sink, n: u32) -> u32 {
            for i in 0..n {
                let v = pend(1, i * i).await;
                sink.put(v);
            }
            sink.total()
        }
        #[lh] async fn go() -> (u32, usize) {
            let mut s = VecSink(vec![]);
            let t = feed(&mut s, 4).await;
            (t, s.0.len())
        }
    },
    run: go(),
}

differential! {
    /// `Pin<Box<dyn Future<Output = T>>>` stored in a struct field and
    /// awaited through `&mut`.
    name: pinned_boxed_dyn_future_field,
    items: {
        struct Task { fut: Pin<Box<dyn Future<Output = u32>>>, name: D }
        #[lh] async fn run_task(mut t: Task) -> u32 {
            pend(1, ()).await;
            let v = (&mut t.fut).await;
            t.name.touch() as u32 + v
        }
        #[lh] async fn go() -> u32 {
            let d = D::new("inner");
            run_task(Task { fut: Box::pin(async move { pend(2, ()).await; d.touch() as u32 }), name: D::new("task") }).await
        }
    },
    run: go(),
}

known_gap! {
    reason: "s9-7 (runs differently): the s4-8 shape (`move_closure_copies_field_local_dropped_early` in cases_stress4.rs: `let d = D::new(\"d\"); let f = move || d.0.len(); pend(1, ()).await; f()`, rustc captures only the `Copy` field and drops `d` at the end of its scope); the realistic shape, a `Box<dyn FnMut>` callback built by a `move` closure that only reads `d.0` (a `&'static str` field of a `D`) and is passed into an awaited call: native logs the three `cb ..` lines, then `drop cb-state` when `go` returns; lowered logs `drop cb-state` first, at the suspension of `each(..).await`",
    differential! {
        /// A `Box<dyn FnMut>` callback invoked between awaits, capturing a
        /// counter and a dropper.
        name: boxed_fn_mut_callback,
        items: {
            #[lh] async fn each(n: u32, mut cb: Box<dyn FnMut(u32) -> bool>) -> u32 {
                let mut calls = 0;
                for i in 0..n {
                    let v = pend(1, i).await;
                    calls += 1;
                    if !cb(v) { break; }
                }
                calls
            }
            #[lh] async fn go() -> u32 {
                let d = D::new("cb-state");
                let mut seen = 0;
                each(5, Box::new(move |v| { seen += v; log(format!("cb {v} {seen} {}", d.0)); seen < 3 })).await
            }
        },
        run: go(),
    }
}

differential! {
    /// A generic async fn over `T: Clone + Debug` with a `where` clause and
    /// a value of `T` kept across awaits.
    name: generic_clone_debug_kept,
    items: {
        #[lh] async fn dup<T>(v: T, n: usize) -> Vec<String> where T: Clone + std::fmt::Debug {
            let mut out = Vec::with_capacity(n);
            for _ in 0..n {
                let c = v.clone();
                pend(1, ()).await;
                out.push(format!("{c:?}"));
            }
            out
        }
        #[lh] async fn go() -> (Vec<String>, Vec<String>) {
            (dup(3u8, 2).await, dup(String::from("s"), 1).await)
        }
    },
    run: go(),
}

differential! {
    /// A trait with a generic method taking `impl Fn`, implemented on a
    /// struct whose async method uses it between awaits.
    name: generic_method_impl_fn_arg,
    items: {
        struct Store { items: Vec<(u32, D)> }
        impl Store {
            #[lh] pub async fn find_by(&self, pred: impl Fn(u32) -> bool) -> Option<&D> {
                for (k, d) in &self.items {
                    pend(1, ()).await;
                    if pred(*k) { return Some(d); }
                }
                None
            }
        }
        #[lh] async fn go() -> (usize, bool) {
            let s = Store { items: vec![(1, D::new("one")), (4, D::new("four"))] };
            let a = s.find_by(|k| k > 2).await.map(|d| d.touch()).unwrap_or(0);
            let b = s.find_by(|k| k > 9).await.is_none();
            (a, b)
        }
    },
    run: go(),
}

differential! {
    /// A `dyn Trait` object held in a `Box` across awaits and dropped at the
    /// end of scope, cancellation at each point.
    name: boxed_dyn_trait_across_awaits,
    items: {
        trait Shape { fn area(&self) -> u32; }
        struct Sq(u32, D);
        impl Shape for Sq { fn area(&self) -> u32 { self.0 * self.0 } }
        #[lh] async fn f() -> u32 {
            let shapes: Vec<Box<dyn Shape>> = vec![Box::new(Sq(2, D::new("sq2"))), Box::new(Sq(3, D::new("sq3")))];
            let mut total = 0;
            for s in shapes.iter() { total += pend(1, s.area()).await; }
            let one: Box<dyn Shape> = Box::new(Sq(1, D::new("sq1")));
            pend(1, ()).await;
            total + one.area()
        }
    },
    run: f(),
}

differential! {
    /// A generic `impl<T: Display>` method on a wrapper, awaiting between
    /// `to_string` calls.
    name: generic_wrapper_display_method,
    items: {
        struct Labeled<T> { label: T, d: D }
        impl<T: std::fmt::Display> Labeled<T> {
            #[lh] pub async fn render(&self, times: u32) -> String {
                let mut s = String::new();
                for i in 0..times {
                    let part = pend(1, format!("{}#{i}", self.label)).await;
                    s.push_str(&part);
                }
                s
            }
        }
        #[lh] async fn go() -> (String, String) {
            let a = Labeled { label: 7, d: D::new("a") };
            let b = Labeled { label: "x", d: D::new("b") };
            (a.render(2).await, b.render(1).await)
        }
    },
    run: go(),
}

// ---------------------------------------------------------------------------
// 8. Long chains of awaits in one expression
// ---------------------------------------------------------------------------

differential! {
    /// `a.f().await.g(b.await)` then `.h().await` on the named result (the
    /// temporary-receiver form is the known `Client::new().run().await`
    /// shape): builder-like methods taking `&self`.
    name: chain_method_await_arg_await,
    items: {
        struct Q(u32, D);
        impl Q {
            #[lh] pub async fn f(&self) -> Q { pend(1, ()).await; Q(self.0 + 1, D::new("f")) }
            pub fn g(&self, x: u32) -> Q { log(format!("g {x}")); Q(self.0 * x, D::new("g")) }
            pub fn k(&self, x: u32) -> u32 { log(format!("k {x}")); self.0 * x }
            #[lh] pub async fn h(&self) -> u32 { pend(1, self.0).await }
        }
        #[lh] async fn go() -> u32 {
            let a = Q(1, D::new("a"));
            let t = a.f().await.g(pend(1, 3).await);
            let x = t.h().await;
            let w = a.f().await.k(pend(1, 3).await);
            let v = pend(1, Q(5, D::new("p"))).await.k(pend(1, 2).await);
            x + w + v
        }
    },
    run: go(),
}

differential! {
    /// Awaits inside a struct literal's fields, evaluated in field order.
    name: awaits_in_struct_literal_fields,
    items: {
        #[derive(Debug)]
        struct Cfg { name: String, port: u32, tag: &'static str }
        #[lh] async fn f() -> Cfg {
            let _d = D::new("d");
            Cfg { port: pend(1, val("port", 80)).await, tag: val("tag", "t"), name: pend(2, val("name", "svc".to_string())).await }
        }
    },
    run: f(),
}

differential! {
    /// Awaits inside an array literal and in an index position.
    name: awaits_in_array_literal_and_index,
    items: {
        #[lh] async fn f() -> u32 {
            let arr = [val("a0", 1), pend(1, val("a1", 2)).await, val("a2", 3)];
            let table = vec![10, 20, 30];
            table[pend(1, 2usize).await] + arr[pend(1, 1usize).await]
        }
    },
    run: f(),
}

differential! {
    /// `as` casts and compound assignment with awaits on both sides.
    name: casts_and_compound_assign_with_awaits,
    items: {
        #[lh] async fn f() -> (u64, i32) {
            let mut total: u64 = pend(1, 5u8).await as u64;
            total += pend(1, 300u16).await as u64 * 2;
            total <<= pend(1, 1u32).await;
            let mut v = vec![1i32, 2, 3];
            v[pend(1, 1usize).await] -= pend(1, 7i64).await as i32;
            (total, v[1])
        }
    },
    run: f(),
}

differential! {
    /// `&&` / `||` chains with awaits on both sides and short-circuits.
    name: lazy_bool_chains_with_awaits,
    items: {
        #[lh] async fn check(name: &'static str, v: bool) -> bool { log(format!("check {name}")); pend(1, v).await }
        #[lh] async fn f(a: bool, b: bool, c: bool) -> bool {
            (check("a", a).await && check("b", b).await) || check("c", c).await
        }
    },
    run: async { (f(true, true, false).await, f(true, false, true).await, f(false, true, false).await) },
}

differential! {
    /// Nested calls' arguments mixing plain values, temporaries and awaits.
    name: nested_call_args_with_awaits,
    items: {
        fn add3(a: u32, b: u32, c: u32) -> u32 { log(format!("add3 {a} {b} {c}")); a + b + c }
        fn mul(a: u32, b: u32) -> u32 { log(format!("mul {a} {b}")); a * b }
        #[lh] async fn f() -> u32 {
            add3(val("x", 1), mul(pend(1, val("y", 2)).await, tmp("t", 3).get()), pend(1, mul(val("z", 4), 5)).await)
        }
    },
    run: f(),
}

differential! {
    /// A method called on a field of `self` with an awaited argument, the
    /// result pushed to another field.
    name: self_field_method_with_awaited_arg,
    items: {
        struct Svc { seen: Vec<u32>, map: BTreeMap<u32, String> }
        impl Svc {
            #[lh] pub async fn put(&mut self, k: u32) -> usize {
                self.map.insert(k, pend(1, format!("v{k}")).await);
                self.seen.push(pend(1, k).await + self.map.len() as u32);
                self.seen.len()
            }
        }
        #[lh] async fn go() -> (usize, Vec<u32>) {
            let mut s = Svc { seen: vec![], map: BTreeMap::new() };
            s.put(1).await;
            let n = s.put(2).await;
            (n, s.seen.clone())
        }
    },
    run: go(),
}

differential! {
    /// A tuple expression and a `match` scrutinee made of several awaits,
    /// with droppers in between.
    name: tuple_of_awaits_as_scrutinee,
    items: {
        #[lh] async fn f(a: u32, b: u32) -> &'static str {
            match (pend(1, a).await, D::new("mid"), pend(1, b).await) {
                (0, _, 0) => "both zero",
                (x, d, y) if x == y => { d.touch(); "equal" }
                _ => "other",
            }
        }
    },
    run: async { (f(0, 0).await, f(2, 2).await, f(1, 2).await) },
}

differential! {
    /// Awaits in closure-free iterator pipelines: `map` over already
    /// awaited values, `sum` of a `Vec` built by awaits.
    name: awaited_values_into_iterator_pipeline,
    items: {
        #[lh] async fn f() -> u32 {
            let xs = vec![pend(1, 1u32).await, pend(1, 2).await, pend(1, 3).await];
            let doubled: Vec<u32> = xs.iter().map(|x| x * 2).collect();
            doubled.iter().sum::<u32>() + pend(1, xs.len() as u32).await
        }
    },
    run: f(),
}

differential! {
    /// Unary operators and negation on awaited values, and a range built
    /// from awaits driving a `for`.
    name: unary_ops_and_awaited_range,
    items: {
        #[lh] async fn f() -> i64 {
            let a = -(pend(1, 3i64).await);
            let b = !pend(1, false).await;
            let mut s = 0;
            for i in pend(1, 1i64).await..pend(1, 4i64).await { s += i; }
            a + b as i64 + s
        }
    },
    run: f(),
}

differential! {
    /// `if` expression with awaits in condition and both branches, used as a
    /// function argument.
    name: if_expr_with_awaits_as_argument,
    items: {
        fn show(x: u32, tag: &str) -> String { format!("{tag}:{x}") }
        #[lh] async fn f(c: bool) -> String {
            show(if pend(1, c).await { pend(1, 1).await } else { pend(2, 2).await }, &pend(1, "t".to_string()).await)
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Await on a method receiver chain of `Option` and `Result` adapters.
    name: option_result_adapter_chain_after_await,
    items: {
        #[lh] async fn fetch(k: u32) -> Result<Option<String>, String> { pend(1, Ok(if k > 0 { Some(format!("{k}")) } else { None })).await }
        #[lh] async fn f(k: u32) -> usize {
            fetch(k).await.ok().flatten().map(|s| s.len()).unwrap_or_default() + fetch(k + 10).await.unwrap().unwrap().len()
        }
    },
    run: async { (f(5).await, f(0).await) },
}

differential! {
    /// The neighbour of s9-7: a `move` closure that takes the whole local
    /// (dropped with the closure), and a non-`move` closure reading a field.
    name: move_closure_takes_whole_local,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let e = D::new("e");
            let f = move || d.touch();
            let g = || e.0.len();
            pend(1, ()).await;
            let n = f() + g();
            drop(f);
            pend(1, n).await
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// More temporaries, std macros and odd corners
// ---------------------------------------------------------------------------

differential! {
    /// `if let` as a fn's tail expression (2024 rescoping and tail
    /// temporaries together), both branches awaiting.
    name: if_let_as_tail_expression,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            let _l = D::new("local");
            pend(1, ()).await;
            if let Some(x) = tmp("tail-scrut", v).opt() { pend(1, x).await } else { tmp("else-tmp", 9).get() + pend(1, 0).await }
        }
    },
    run: async { (f(2).await, f(0).await) },
}

differential! {
    /// `loop { break <temp> + <await> }`: a `break` value's temporaries.
    name: break_value_with_temp_and_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut i = 0;
            let v = loop {
                i += 1;
                let _it = D::new("iter");
                if i == 2 { break tmp("brk", i).get() + pend(1, 10).await; }
                pend(1, ()).await;
            };
            v
        }
    },
    run: f(),
}

differential! {
    /// A labeled block that breaks out early with a temporary's value or
    /// falls through an await.
    name: labeled_block_break_with_temp,
    items: {
        #[lh] async fn f(early: bool) -> u32 {
            let r = 'blk: {
                let _in = D::new("in");
                if early { break 'blk tmp("early", 1).get(); }
                pend(1, ()).await;
                tmp("late", 2).get() + pend(1, 1).await
            };
            r
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Deferred initialisation: `let x;` assigned from awaits in branches.
    name: deferred_init_from_branch_awaits,
    items: {
        #[lh] async fn f(c: bool) -> usize {
            let x: D;
            let _before = D::new("before");
            if c { x = pend(1, D::new("then")).await; } else { pend(1, ()).await; x = D::new("else"); }
            pend(1, ()).await;
            x.touch()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// Struct update syntax from a temporary base with droppers, explicit
    /// fields awaiting first.
    name: struct_update_from_temp_base,
    items: {
        struct Cfg { a: D, b: D, n: u32 }
        fn base() -> Cfg { log("base"); Cfg { a: D::new("base-a"), b: D::new("base-b"), n: 1 } }
        #[lh] async fn f() -> u32 {
            let c = Cfg { a: pend(1, D::new("new-a")).await, ..base() };
            pend(1, ()).await;
            c.a.touch() as u32 + c.n
        }
    },
    run: f(),
}

differential! {
    /// `format!` with awaits in its arguments and inline captured locals.
    name: format_macro_with_awaits,
    items: {
        #[lh] async fn f(name: String) -> String {
            let n = 3;
            let s = format!("{name}-{}-{n}-{}", pend(1, 1).await, pend(1, name.len()).await);
            let t = format!("{s}{:>4}", pend(1, "x").await);
            t
        }
    },
    run: f("svc".to_string()),
}

differential! {
    /// `vec!`, `assert_eq!` and `matches!` with awaits inside.
    name: std_macros_with_awaits,
    items: {
        #[lh] async fn f() -> (Vec<u32>, bool) {
            let v = vec![pend(1, 1).await, val("mid", 2), pend(1, 3).await];
            assert_eq!(pend(1, v.len()).await, 3, "len");
            let m = matches!(pend(1, Some(D::new("m"))).await, Some(ref d) if d.touch() > 0);
            (v, m)
        }
    },
    run: f(),
}

differential! {
    /// An `assert!` that fails after an await, with a message formatting a
    /// stored local: the panic and what is dropped while unwinding.
    name: assert_fails_after_await,
    items: {
        #[lh] async fn f(limit: usize) -> usize {
            let held = D::new("held");
            let items = vec![1, 2, 3];
            let n = pend(1, items.len()).await;
            assert!(n <= limit, "too many: {n} > {limit} ({})", held.0);
            n
        }
    },
    run: async { f(2).await },
}

differential! {
    /// Arithmetic overflow in a compound assignment whose operand awaits.
    name: overflow_in_compound_assign_after_await,
    items: {
        #[lh] async fn f() -> u8 {
            let _d = D::new("d");
            let mut x: u8 = 200;
            x += pend(1, 50u8).await;
            log("first add ok");
            x += pend(1, 10u8).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// `opt?.await`: `?` on an `Option<impl Future>` then await.
    name: try_then_await_option_future,
    items: {
        #[lh] async fn f(give: bool) -> Option<u32> {
            let _d = D::new("d");
            let fut = if give { Some(pend(2, 5u32)) } else { None };
            let v = fut?.await;
            Some(v + pend(1, 1).await)
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// An async fn returning `impl Iterator` built from stored state.
    name: returns_impl_iterator,
    items: {
        #[lh] async fn evens(n: u32) -> impl Iterator<Item = u32> {
            let limit = pend(1, n * 2).await;
            (0..limit).filter(|x| x % 2 == 0)
        }
        #[lh] async fn go() -> Vec<u32> { evens(3).await.collect() }
    },
    run: go(),
}

differential! {
    /// `split_at_mut` halves of a `&mut [u32]` parameter held across awaits.
    name: split_at_mut_halves_across_awaits,
    items: {
        #[lh] async fn fill(buf: &mut [u32]) -> u32 {
            let (left, right) = buf.split_at_mut(2);
            for x in left.iter_mut() { *x = pend(1, 7).await; }
            right[0] = pend(1, left[0] + left[1]).await;
            right.iter().sum()
        }
        #[lh] async fn go() -> (u32, Vec<u32>) {
            let mut v = vec![0; 4];
            let s = fill(&mut v).await;
            (s, v)
        }
    },
    run: go(),
}

differential! {
    /// A reborrow of a `Box`'s contents (`&*b`) held across awaits.
    name: box_deref_borrow_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let b = Box::new(D::new("boxed"));
            let r: &D = &b;
            pend(1, ()).await;
            let n = r.touch();
            let inner = *b;
            pend(1, ()).await;
            n + inner.touch()
        }
    },
    run: f(),
}

differential! {
    /// Explicit lifetimes and `where T: 'a` on an async fn holding a borrow
    /// of each argument across awaits.
    name: explicit_lifetimes_where_clause,
    items: {
        #[lh] async fn longest<'a, 'b: 'a, T>(a: &'a [T], b: &'b [T]) -> &'a [T] where T: std::fmt::Debug + 'a {
            let la = pend(1, a.len()).await;
            let lb = pend(1, b.len()).await;
            log(format!("{:?} {:?}", a.first(), b.first()));
            if la >= lb { a } else { b }
        }
        #[lh] async fn go() -> Vec<u32> {
            let x = vec![1, 2];
            let y = vec![3, 4, 5];
            longest(&x, &y).await.to_vec()
        }
    },
    run: go(),
}

differential! {
    /// `async fn new() -> Self` and a consuming `async fn finish(self)`.
    name: async_constructor_and_consuming_finish,
    items: {
        struct Conn { id: u32, d: D }
        impl Conn {
            #[lh] pub async fn new(id: u32) -> Self { pend(1, ()).await; Conn { id, d: D::new("conn") } }
            #[lh] pub async fn finish(self) -> u32 { let Conn { id, d } = self; pend(1, ()).await; drop(d); id }
        }
        #[lh] async fn go() -> u32 {
            let c = Conn::new(4).await;
            let extra = D::new("extra");
            c.finish().await + pend(1, 1).await
        }
    },
    run: go(),
}

differential! {
    /// An `Rc<RefCell<Vec<D>>>` shared with an async closure and the fn.
    name: rc_refcell_shared_with_async_closure,
    items: {
        #[lh] async fn f() -> usize {
            let shared = Rc::new(RefCell::new(Vec::new()));
            let s2 = Rc::clone(&shared);
            let push = async move |name: &'static str| { pend(1, ()).await; s2.borrow_mut().push(D::new(name)); };
            push("one").await;
            push("two").await;
            drop(push);
            let n = shared.borrow().len();
            pend(1, ()).await;
            n + Rc::strong_count(&shared)
        }
    },
    run: f(),
}

differential! {
    /// `while let` over `RefCell::borrow_mut().pop()` with an await in the
    /// body that does not touch the cell (the `RefMut` lives through the
    /// body in both editions).
    name: while_let_refmut_scrutinee_body_awaits,
    items: {
        #[lh] async fn f(q: Rc<RefCell<Vec<D>>>) -> usize {
            let mut n = 0;
            while let Some(d) = q.borrow_mut().pop() {
                n += pend(1, d.touch()).await;
            }
            n
        }
    },
    run: f(Rc::new(RefCell::new(vec![D::new("q0"), D::new("q1")]))),
}

differential! {
    /// `let ... else` in a loop whose `else` does `continue` after an await.
    name: let_else_continue_in_loop,
    items: {
        #[lh] async fn f(items: Vec<&'static str>) -> u32 {
            let mut sum = 0;
            for it in items {
                let _d = D::new("it");
                let Ok(n) = tmp("parse", 1).name().len().checked_sub(0).map(|_| it.parse::<u32>()).unwrap() else {
                    pend(1, ()).await;
                    log(format!("skip {it}"));
                    continue;
                };
                sum += pend(1, n).await;
            }
            sum
        }
    },
    run: f(vec!["1", "x", "3"]),
}

differential! {
    /// `match` on `&tmp()` (a reference to a temporary) with awaits in arms.
    name: match_on_ref_to_temp,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            match &tmp("mref", v) {
                t if t.1 > 1 => { pend(1, ()).await; t.get() }
                t => { let n = t.get(); pend(1, n).await }
            }
        }
    },
    run: async { (f(3).await, f(1).await) },
}

differential! {
    /// A `return` in the middle of a `match` arm carrying a temporary and a
    /// dropper, with a `?` in another arm.
    name: return_and_try_in_match_arms,
    items: {
        #[lh] async fn f(k: u32) -> Result<u32, String> {
            let _g = Defer("f");
            let r = match k {
                0 => return Ok(tmp("zero", 5).get()),
                1 => pend(1, Err::<u32, String>("one".into())).await?,
                n => { let d = D::new("arm"); pend(1, n).await + d.touch() as u32 }
            };
            Ok(r)
        }
    },
    run: async { (f(0).await, f(1).await, f(4).await) },
}

differential! {
    /// Tuples of awaited droppers, one element moved out after, the tuple
    /// kept whole otherwise.
    name: tuple_of_awaited_droppers_used_whole,
    items: {
        #[lh] async fn f() -> usize {
            let pair = (pend(1, D::new("p0")).await, pend(1, D::new("p1")).await);
            pend(1, ()).await;
            let n = pair.0.touch() + pair.1.touch();
            drop(pair);
            pend(1, n).await
        }
    },
    run: f(),
}

differential! {
    /// An index out of bounds after an await panics with the stored locals
    /// dropped while unwinding.
    name: index_out_of_bounds_after_await,
    items: {
        #[lh] async fn f() -> u32 {
            let _a = D::new("a");
            let v = vec![1u32, 2];
            let i = pend(1, 5usize).await;
            let _b = D::new("b");
            v[i]
        }
    },
    run: f(),
}

known_gap! {
    reason: "s9-7 (runs differently): the s4-8 shape (`move_closure_copies_field_local_dropped_early` in cases_stress4.rs: `let d = D::new(\"d\"); let f = move || d.0.len(); pend(1, ()).await; f()`, rustc captures only the `Copy` field and drops `d` at the end of its scope); an `async move` block that mentions one field of a struct without a destructor (`let fut = async move { .. s.a.touch() };`) captures only the place `s.a` (precise capture, as closures do), so `s.b` stays in the fn and is dropped when it returns; longhand takes `s` as moved whole into the block and drops the leftover `s.b` at the next suspension. Native `[\"touch a\", \"drop a\", \"drop b\", \"-- ready\", ..]`, lowered `[\"drop b\", \"touch a\", \"drop a\", \"-- ready\", ..]`",
    differential! {
        /// An `async move` block mentioning one field of a struct without a
        /// destructor, stored and awaited after another await.
        name: async_move_block_mentions_one_field,
        items: {
            struct S { a: D, b: D }
            #[lh] async fn f() -> usize {
                let s = S { a: D::new("a"), b: D::new("b") };
                let fut = async move { pend(1, ()).await; s.a.touch() };
                pend(1, ()).await;
                fut.await
            }
        },
        run: f(),
    }
}

differential! {
    /// A match guard with `&&` whose right operand awaits after a temporary
    /// in the left operand.
    name: guard_lazy_and_temp_then_await,
    items: {
        #[lh] async fn f(v: u32) -> u32 {
            match v {
                n if n > 0 && pend(1, n > 1).await => n,
                n => pend(1, n + 100).await,
            }
        }
    },
    run: async { (f(2).await, f(1).await, f(0).await) },
}

differential! {
    /// `&temp()` extended through `match` arms.
    name: let_ref_temp_extended_through_match_arms,
    items: {
        #[lh] async fn f(c: bool) -> u32 {
            let r = match c { true => &tmp("a", 1), false => &tmp("b", 2) };
            pend(1, ()).await;
            r.get()
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// `&temp().field` and `&mut temp()` extended by `let`, and a coercion to
    /// `&dyn Debug` of an extended temporary.
    name: let_ref_field_of_temp_and_mut_temp,
    items: {
        #[lh] async fn f() -> usize {
            let name = &tmp("field-of", 1).0;
            let m = &mut tmp("mut", 2);
            let dbg: &dyn std::fmt::Debug = &D::new("dyn");
            pend(1, ()).await;
            m.1 += 1;
            log(format!("{dbg:?}"));
            name.len() + m.get() as usize
        }
    },
    run: f(),
}

differential! {
    /// `let (a, b) = &(tmp, tmp);` binds by reference into an extended tuple.
    name: let_destructure_ref_to_temp_tuple,
    items: {
        #[lh] async fn f() -> u32 {
            let (a, b) = &(tmp("x", 1), tmp("y", 2));
            pend(1, ()).await;
            a.get() + b.get()
        }
    },
    run: f(),
}

differential! {
    /// A `RefCell` borrow in a `match` scrutinee lives through the arms,
    /// across an await: `try_borrow_mut` in the arm shows it.
    name: match_scrutinee_refcell_borrow_through_arms,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> u32 {
            let r = match c.borrow().last() {
                Some(&x) => {
                    pend(1, ()).await;
                    log(format!("free in arm: {}", c.try_borrow_mut().is_ok()));
                    x
                }
                None => 0,
            };
            log(format!("free after: {}", c.try_borrow_mut().is_ok()));
            r
        }
    },
    run: f(Rc::new(RefCell::new(vec![4, 5]))),
}

differential! {
    /// An `if let` on a `RefCell` borrow: in 2024 the borrow ends before the
    /// `else` block, which mutates the cell after an await.
    name: if_let_refcell_borrow_released_before_else,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> u32 {
            if let Some(&x) = c.borrow().first() {
                pend(1, ()).await;
                log(format!("then free: {}", c.try_borrow_mut().is_ok()));
                x
            } else {
                pend(1, ()).await;
                c.borrow_mut().push(9);
                0
            }
        }
    },
    run: async { (f(Rc::new(RefCell::new(vec![1]))).await, f(Rc::new(RefCell::new(vec![]))).await) },
}

differential! {
    /// A tail expression borrowing a `RefCell` after an await (2024: the
    /// `Ref` is dropped before the locals, so returning a copied value out
    /// of a local cell compiles).
    name: tail_refcell_borrow_of_local,
    items: {
        #[lh] async fn f() -> usize {
            let cell = RefCell::new(vec![D::new("c0")]);
            cell.borrow_mut().push(pend(1, D::new("c1")).await);
            pend(1, ()).await;
            cell.borrow().len()
        }
    },
    run: f(),
}

differential! {
    /// A `while` condition with a temporary and an await (`while` conditions
    /// drop their temporaries each time round, before the body).
    name: while_condition_temp_and_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 0;
            while tmp("cond", 3).get() > n && pend(1, true).await {
                log("body");
                n += 1;
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// A `while` condition whose await comes first and whose temporary is in
    /// the right operand.
    name: while_condition_await_then_temp,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 0;
            while pend(1, n < 2).await && tmp("cond", 1).get() > 0 {
                n += pend(1, 1).await;
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// A `Mutex` guard as a statement temporary across an await and a guard
    /// bound to a local dropped before the next await.
    name: mutex_guard_temp_and_local,
    items: {
        #[lh] async fn f(m: std::sync::Arc<std::sync::Mutex<Vec<u32>>>) -> usize {
            m.lock().unwrap().push(pend(1, 1).await);
            {
                let mut g = m.lock().unwrap();
                g.push(2);
            }
            log(format!("free: {}", m.try_lock().is_ok()));
            pend(1, ()).await;
            let n = m.lock().unwrap().len();
            n
        }
    },
    run: f(std::sync::Arc::new(std::sync::Mutex::new(vec![]))),
}

differential! {
    /// `?` and `return` inside an async block inside a lowered fn belong to
    /// the block, not to the fn.
    name: try_and_return_inside_inner_async_block,
    items: {
        #[lh] async fn f(a: &'static str) -> (Result<u32, String>, u32) {
            let _d = D::new("outer");
            let r: Result<u32, String> = async {
                let n: u32 = pend(1, a).await.parse().map_err(|_| format!("bad {a}"))?;
                if n == 0 { return Ok(100); }
                Ok(n * 2)
            }.await;
            let after = pend(1, 7).await;
            (r, after)
        }
    },
    run: async { (f("4").await, f("x").await, f("0").await) },
}

differential! {
    /// `continue 'outer` from an inner loop with droppers in both loops and
    /// awaits before and after.
    name: labeled_continue_outer_with_droppers,
    items: {
        #[lh] async fn f() -> Vec<(u32, u32)> {
            let mut hits = vec![];
            'outer: for i in 0..3u32 {
                let _o = D::new("outer-iter");
                for j in 0..3u32 {
                    let _in = D::new("inner-iter");
                    pend(1, ()).await;
                    if j > i { continue 'outer; }
                    if i == 2 && j == 1 { break 'outer; }
                    hits.push((i, j));
                }
                pend(1, ()).await;
            }
            hits
        }
    },
    run: f(),
}

differential! {
    /// Parameter patterns that destructure droppers: a tuple and a struct.
    name: param_patterns_destructure_droppers,
    items: {
        struct P { a: D, b: D }
        #[lh] async fn f((x, y): (D, D), P { a, b }: P, last: D) -> usize {
            pend(1, ()).await;
            drop(y);
            let n = x.touch() + b.touch();
            pend(1, ()).await;
            n
        }
    },
    run: f((D::new("x"), D::new("y")), P { a: D::new("a"), b: D::new("b") }, D::new("last")),
}

differential! {
    /// `impl AsRef<str>` parameter, its `as_ref()` held across awaits.
    name: impl_as_ref_str_param,
    items: {
        #[lh] async fn words(s: impl AsRef<str>) -> Vec<String> {
            let text = s.as_ref();
            let mut out = vec![];
            for w in text.split_whitespace() {
                out.push(pend(1, w.to_uppercase()).await);
            }
            out
        }
        #[lh] async fn go() -> (Vec<String>, Vec<String>) { (words("a bc").await, words(String::from("d e f")).await) }
    },
    run: go(),
}

differential! {
    /// A generic `F: Future` parameter with a bound on its output, awaited
    /// inside a `match` after a timeout-like countdown.
    name: generic_future_param_with_output_bound,
    items: {
        #[lh] async fn with_budget<F>(budget: u32, fut: F) -> Result<String, &'static str>
        where F: Future, F::Output: std::fmt::Debug {
            if budget == 0 { return Err("no budget"); }
            pend(budget, ()).await;
            Ok(format!("{:?}", fut.await))
        }
        #[lh] async fn go() -> Vec<Result<String, &'static str>> {
            vec![with_budget(1, pend(1, D::new("out"))).await, with_budget(0, pend(1, 3)).await]
        }
    },
    run: go(),
}

differential! {
    /// A `Pin<&mut dyn Future>` parameter polled by awaiting `as_mut()`
    /// twice is not possible; awaited once after other awaits.
    name: pin_mut_dyn_future_param,
    items: {
        #[lh] async fn drive(fut: Pin<&mut dyn Future<Output = u32>>, extra: D) -> u32 {
            pend(1, ()).await;
            let v = fut.await;
            v + extra.touch() as u32
        }
        #[lh] async fn go() -> u32 {
            let mut inner = std::pin::pin!(pend(2, 10u32));
            drive(inner.as_mut(), D::new("extra")).await
        }
    },
    run: go(),
}

differential! {
    /// `if let` whose scrutinee awaits and has a temporary; the `else`
    /// awaits too.
    name: if_let_awaited_scrutinee_temp_else_awaits,
    items: {
        #[lh] async fn make(v: u32) -> Tmp { pend(1, ()).await; tmp("made", v) }
        #[lh] async fn f(v: u32) -> u32 {
            let _l = D::new("l");
            if let Some(x) = make(v).await.opt() {
                pend(1, x).await
            } else {
                log("else");
                pend(1, 0).await
            }
        }
    },
    run: async { (f(2).await, f(0).await) },
}

differential! {
    /// A panic inside a `match` arm while the scrutinee's temporary and the
    /// arm's bindings are live.
    name: panic_in_arm_with_scrutinee_temp,
    items: {
        #[lh] async fn f() -> u32 {
            let _l = D::new("l");
            match tmp("scrut", 3).opt() {
                Some(x) => {
                    let _arm = D::new("arm");
                    pend(1, ()).await;
                    if x == 3 { panic!("boom in arm {x}"); }
                    x
                }
                None => 0,
            }
        }
    },
    run: f(),
}

differential! {
    /// A tail `match` on a borrow of a local `RefCell` after an await (2024
    /// tail temporaries drop before the local).
    name: tail_match_on_local_refcell_borrow,
    items: {
        #[lh] async fn f() -> &'static str {
            let cell = RefCell::new(vec![1u32]);
            cell.borrow_mut().push(pend(1, 2).await);
            match cell.borrow().len() {
                0 => "empty",
                1 => "one",
                _ => "many",
            }
        }
    },
    run: f(),
}

differential! {
    /// Associated consts sizing buffers in a generic impl.
    name: associated_const_sized_buffers,
    items: {
        trait Frame { const LEN: usize; fn tag() -> &'static str; }
        struct Small;
        impl Frame for Small { const LEN: usize = 2; fn tag() -> &'static str { "small" } }
        struct Reader<F: Frame> { src: VecDeque<u8>, _f: std::marker::PhantomData<F> }
        impl<F: Frame> Reader<F> {
            #[lh] pub async fn frame(&mut self) -> Option<(String, Vec<u8>)> {
                let mut out = Vec::with_capacity(F::LEN);
                while out.len() < F::LEN {
                    out.push(pend(1, self.src.pop_front()).await?);
                }
                Some((F::tag().to_string(), out))
            }
        }
        #[lh] async fn go() -> Vec<Option<(String, Vec<u8>)>> {
            let mut r = Reader::<Small> { src: VecDeque::from(vec![1, 2, 3]), _f: std::marker::PhantomData };
            vec![r.frame().await, r.frame().await]
        }
    },
    run: go(),
}

differential! {
    /// A WebSocket-like frame header decoded with bit operations from bytes
    /// read one await at a time.
    name: websocket_like_frame_header,
    items: {
        #[derive(Debug)]
        struct Header { fin: bool, opcode: u8, masked: bool, len: u64 }
        #[lh] async fn byte(src: &mut VecDeque<u8>) -> Result<u8, &'static str> { pend(1, src.pop_front()).await.ok_or("eof") }
        #[lh] async fn header(src: &mut VecDeque<u8>) -> Result<Header, &'static str> {
            let b0 = byte(src).await?;
            let b1 = byte(src).await?;
            let mut len = (b1 & 0x7f) as u64;
            if len == 126 {
                len = ((byte(src).await? as u64) << 8) | byte(src).await? as u64;
            }
            Ok(Header { fin: b0 & 0x80 != 0, opcode: b0 & 0x0f, masked: b1 & 0x80 != 0, len })
        }
        #[lh] async fn go() -> Vec<Result<Header, &'static str>> {
            let mut q = VecDeque::from(vec![0x81, 0x05, 0x02, 0xfe, 0x01, 0x00, 0x88]);
            vec![header(&mut q).await, header(&mut q).await, header(&mut q).await]
        }
    },
    run: go(),
}

differential! {
    /// An SMTP-like dialogue: a state enum advanced by awaited replies, with
    /// `match (state, code)` and a session dropper.
    name: smtp_like_dialogue,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum St { Greet, Helo, Mail, Data, Quit }
        #[lh] async fn reply(codes: &mut VecDeque<u32>) -> u32 { pend(1, codes.pop_front().unwrap_or(421)).await }
        #[lh] async fn session(mut codes: VecDeque<u32>) -> Result<Vec<St>, (St, u32)> {
            let _s = D::new("session");
            let mut st = St::Greet;
            let mut seen = vec![];
            while st != St::Quit {
                let code = reply(&mut codes).await;
                seen.push(st);
                st = match (st, code) {
                    (St::Greet, 220) => St::Helo,
                    (St::Helo, 250) => St::Mail,
                    (St::Mail, 250) => St::Data,
                    (St::Data, 354) => { pend(1, ()).await; St::Quit }
                    (s, c) => return Err((s, c)),
                };
            }
            Ok(seen)
        }
    },
    run: async {
        (
            session(VecDeque::from(vec![220, 250, 250, 354])).await,
            session(VecDeque::from(vec![220, 550])).await,
        )
    },
}

differential! {
    /// A CSV line parser with quoted fields, reading lines one await at a
    /// time and borrowing the current line across an await per field.
    name: csv_quoted_fields_parser,
    items: {
        #[lh] async fn parse_line(line: &str) -> Vec<String> {
            let mut fields = vec![];
            let mut cur = String::new();
            let mut quoted = false;
            for ch in line.chars() {
                match (ch, quoted) {
                    ('"', _) => quoted = !quoted,
                    (',', false) => { fields.push(pend(1, std::mem::take(&mut cur)).await); }
                    (c, _) => cur.push(c),
                }
            }
            fields.push(cur);
            fields
        }
        #[lh] async fn go(text: String) -> Vec<Vec<String>> {
            let mut rows = vec![];
            for line in text.lines() {
                rows.push(parse_line(line).await);
            }
            rows
        }
    },
    run: go("a,\"b,c\",d\n\"x\",,y".to_string()),
}

differential! {
    /// URL query decoding: `split('&')`, `split_once('=')`, percent-decoding
    /// with `u8::from_str_radix(..).ok()?` over a stored `String`.
    name: url_query_decode,
    items: {
        fn decode(s: &str) -> Option<String> {
            let b = s.as_bytes();
            let mut out = vec![];
            let mut i = 0;
            while i < b.len() {
                if b[i] == b'%' { out.push(u8::from_str_radix(s.get(i + 1..i + 3)?, 16).ok()?); i += 3; }
                else { out.push(if b[i] == b'+' { b' ' } else { b[i] }); i += 1; }
            }
            String::from_utf8(out).ok()
        }
        #[lh] async fn query(q: String) -> Option<Vec<(String, String)>> {
            let mut out = vec![];
            for pair in q.split('&').filter(|p| !p.is_empty()) {
                let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                let k = pend(1, decode(k)).await?;
                let v = pend(1, decode(v)).await?;
                out.push((k, v));
            }
            Some(out)
        }
    },
    run: async { (query("a=1&b=hello+world&c=%41%42&&d".into()).await, query("x=%zz".into()).await) },
}

differential! {
    /// Reassembly of messages from a `VecDeque<Vec<u8>>` of chunks:
    /// `drain(..n)` into a frame, leftovers kept for the next round.
    name: chunk_reassembly_with_drain,
    items: {
        #[lh] async fn messages(mut chunks: VecDeque<Vec<u8>>, size: usize) -> Vec<Vec<u8>> {
            let mut buf: Vec<u8> = vec![];
            let mut out = vec![];
            loop {
                while buf.len() >= size {
                    let msg: Vec<u8> = buf.drain(..size).collect();
                    out.push(pend(1, msg).await);
                }
                match pend(1, chunks.pop_front()).await {
                    Some(c) => buf.extend(c),
                    None => break,
                }
            }
            if !buf.is_empty() { log(format!("leftover {}", buf.len())); }
            out
        }
    },
    run: messages(VecDeque::from(vec![vec![1, 2, 3], vec![4], vec![5, 6, 7, 8, 9]]), 2),
}

differential! {
    /// `let _ = d;` and `let _ = &e;` do not move: both stay live to the end
    /// of the scope, across the awaits; `let _ = <awaited value>` drops at
    /// once.
    name: underscore_let_does_not_move,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let e = D::new("e");
            let _ = d;
            let _ = &e;
            pend(1, ()).await;
            let _ = pend(1, D::new("awaited")).await;
            log("after");
            pend(1, 3).await
        }
    },
    run: f(),
}

differential! {
    /// A non-`move` closure that consumes a captured local (`|| drop(d)`)
    /// captures it by value at creation.
    name: non_move_closure_consuming_capture,
    items: {
        #[lh] async fn f(call: bool) -> u32 {
            let d = D::new("d");
            let x = D::new("x");
            let f = || drop(d);
            pend(1, ()).await;
            if call { f(); }
            log("end");
            pend(1, 1).await
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// An async block without `move` that consumes a captured local.
    name: async_block_consuming_capture,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let x = D::new("x");
            let fut = async { pend(1, ()).await; drop(d); 5 };
            pend(1, ()).await;
            fut.await
        }
    },
    run: f(),
}

differential! {
    /// A closure without `move` that borrows one local mutably, reads a
    /// second and consumes a third (`mem::drop`): only the third is
    /// captured by value, at creation; the others stay where they are.
    name: non_move_closure_consumes_one_capture_borrows_others,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let mut v = vec![1u32];
            let e = D::new("e");
            let f = || { v.push(2); log(e.0); std::mem::drop(d); };
            pend(1, ()).await;
            f();
            pend(1, ()).await;
            v.len() + e.0.len()
        }
    },
    run: f(),
}

differential! {
    /// A completion callback without `move` that sends on a captured
    /// oneshot sender (`send` takes `self`): the sender moves into the
    /// closure when it is made; called on one path only.
    name: non_move_closure_sends_on_captured_oneshot,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let (tx, mut rx) = tokio::sync::oneshot::channel::<D>();
            let x = D::new("x");
            let done = || { let _ = tx.send(D::new("sent")); };
            pend(1, ()).await;
            if k > 0 { done(); }
            pend(1, ()).await;
            log(format!("{:?}", rx.try_recv().map(|d| d.0).ok()));
            k
        }
    },
    run: async { (f(1).await, f(0).await) },
}

differential! {
    /// A `move` closure whose inner closure consumes the capture: both are
    /// `FnOnce`, the outer one called on one path only.
    name: closure_consuming_through_inner_closure,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let d = D::new("d");
            let g = move || { let h = || drop(d); h(); 4 };
            pend(1, ()).await;
            let r = if k > 0 { g() } else { 0 };
            pend(1, r).await
        }
    },
    run: async { (f(1).await, f(0).await) },
}

differential! {
    /// A `move` closure that drops a `Copy` capture is still an `Fn`:
    /// called before and after an await.
    name: move_closure_dropping_copy_capture_called_twice,
    items: {
        #[lh] async fn f() -> u32 {
            let n = 5u32;
            #[allow(dropping_copy_types)]
            let f = move || { drop(n); n + 1 };
            let a = f();
            pend(1, ()).await;
            a + f()
        }
    },
    run: f(),
}

differential! {
    /// `let ... else` on a `RefCell` borrow whose `else` mutates the cell
    /// after an await: the borrow must have ended.
    name: let_else_refcell_borrow_released_in_else,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> u32 {
            let Some(x) = c.borrow().first().copied() else {
                pend(1, ()).await;
                log(format!("else free: {}", c.try_borrow_mut().is_ok()));
                return 0;
            };
            pend(1, x).await
        }
    },
    run: async { (f(Rc::new(RefCell::new(vec![3]))).await, f(Rc::new(RefCell::new(vec![]))).await) },
}

differential! {
    /// A let chain whose first `let` moves out of a local and whose later
    /// condition fails, the `else` awaiting.
    name: let_chain_moves_then_condition_fails,
    items: {
        #[lh] async fn f(k: u32) -> usize {
            let o = Some(D::new("o"));
            let _after = D::new("after");
            if let Some(x) = o && k == 0 {
                pend(1, x.touch()).await
            } else {
                pend(1, 9).await
            }
        }
    },
    run: async { (f(0).await, f(1).await) },
}

differential! {
    /// A non-`move` closure mutably borrowing one field while the other
    /// field is used after the await.
    name: closure_borrows_one_field_other_used,
    items: {
        struct S { a: Vec<u32>, b: D }
        #[lh] async fn f() -> usize {
            let mut s = S { a: vec![], b: D::new("b") };
            let mut push = |v: u32| s.a.push(v);
            push(pend(1, 1).await);
            push(2);
            let n = s.b.touch();
            pend(1, ()).await;
            n + s.a.len()
        }
    },
    run: f(),
}

differential! {
    /// The smallest shape of s9-8.
    name: non_move_closure_consumes_local_minimal,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let f = || drop(d);
            pend(1, ()).await;
            f();
            1
        }
    },
    run: f(),
}

differential! {
    /// The smallest shape of s9-9.
    name: fn_once_closure_called_then_await,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let f = move || drop(d);
            f();
            pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// s9-9 with a conditional call.
    name: fn_once_closure_called_conditionally,
    items: {
        #[lh] async fn f(call: bool) -> u32 {
            let d = D::new("d");
            let x = D::new("x");
            let f = move || drop(d);
            pend(1, ()).await;
            if call { f(); }
            log("end");
            pend(1, 1).await
        }
    },
    run: async { (f(true).await, f(false).await) },
}

differential! {
    /// The neighbour of s9-9: an `FnOnce` closure passed by value to a
    /// helper (an ordinary move), and one called as the last thing.
    name: fn_once_closure_passed_by_value,
    items: {
        fn call_once(f: impl FnOnce()) { f() }
        #[lh] async fn f(call: bool) -> u32 {
            let d = D::new("d");
            let x = D::new("x");
            let f = move || drop(d);
            pend(1, ()).await;
            if call { call_once(f); }
            log("end");
            pend(1, 1).await
        }
        #[lh] async fn g() -> u32 {
            let d = D::new("g-d");
            let f = move || { drop(d); 7 };
            pend(1, ()).await;
            f()
        }
    },
    run: async { (f(true).await, f(false).await, g().await) },
}

differential! {
    /// The smallest shape of s9-10 (fixed): `_ = e;` moves nothing, so `e`
    /// is kept to the end of its scope, across the await.
    name: underscore_assignment_does_not_move,
    items: {
        #[lh] async fn f() -> u32 {
            let e = D::new("e");
            _ = e;
            pend(1, ()).await;
            log("after");
            1
        }
    },
    run: f(),
}

differential! {
    /// Locals moved inside std macros (`vec![d, e]`, `format!` only
    /// borrowing, `matches!` on a reference) before awaits.
    name: moves_inside_std_macros,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let e = D::new("e");
            let k = D::new("k");
            let s = format!("{:?}", k);
            let v = vec![d, e];
            let is = matches!(&v[0], D("d"));
            pend(1, ()).await;
            let w = vec![k];
            pend(1, ()).await;
            v.len() + w.len() + s.len() + is as usize
        }
    },
    run: f(),
}

differential! {
    /// Destructuring assignment swapping droppers across awaits, and a tuple
    /// assignment from an awaited pair.
    name: destructuring_assignment_swap_droppers,
    items: {
        #[lh] async fn f() -> usize {
            let mut a = D::new("a");
            let mut b = D::new("b");
            pend(1, ()).await;
            (a, b) = (b, a);
            pend(1, ()).await;
            let (mut x, mut y) = (D::new("x0"), D::new("y0"));
            (x, y) = pend(1, (D::new("x1"), D::new("y1"))).await;
            pend(1, ()).await;
            a.touch() + b.touch() + x.touch() + y.touch()
        }
    },
    run: f(),
}

differential! {
    /// Path-qualified `std::mem::drop`, `core::mem::drop` and
    /// `std::mem::forget` of locals between awaits.
    name: path_qualified_drop_and_forget,
    items: {
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            let b = D::new("b");
            let c = D::new("c");
            let _z = D::new("z");
            pend(1, ()).await;
            std::mem::drop(a);
            pend(1, ()).await;
            core::mem::drop(b);
            std::mem::forget(c);
            pend(1, 5).await
        }
    },
    run: f(),
}

differential! {
    /// `Option<D>` by-value std methods (`unwrap_or_else`, `map`, `unwrap`)
    /// and by-reference ones (`as_ref`, `is_some`) between awaits.
    name: option_by_value_and_by_ref_methods,
    items: {
        #[lh] async fn f(a: Option<D>, b: Option<D>, c: Option<D>) -> usize {
            let some = a.is_some() as usize + b.as_ref().map(|d| d.touch()).unwrap_or(0);
            pend(1, ()).await;
            let x = a.unwrap_or_else(|| D::new("default"));
            pend(1, ()).await;
            let n = b.map(|d| d.touch()).unwrap_or(0);
            pend(1, ()).await;
            let y = c.unwrap();
            pend(1, ()).await;
            some + n + x.touch() + y.touch()
        }
    },
    run: f(Some(D::new("a")), None, Some(D::new("c"))),
}

differential! {
    /// A `match` that binds the whole scrutinee by value (`x =>`) and a `for`
    /// loop consuming a `Vec`, both before awaits.
    name: match_bind_whole_and_for_consumes,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let v = vec![D::new("v0"), D::new("v1")];
            let held = match d { x => x };
            pend(1, ()).await;
            let mut n = 0;
            for item in v { n += item.touch(); pend(1, ()).await; }
            n + held.touch()
        }
    },
    run: f(),
}

differential! {
    /// Compound assignment through `&mut` derefs and index places with an
    /// awaited right-hand side.
    name: compound_assign_through_deref_and_index,
    items: {
        #[lh] async fn bump(n: &mut u32, v: &mut [u32], m: &mut BTreeMap<&'static str, u32>) -> u32 {
            *n += pend(1, 2).await;
            v[1] *= pend(1, 3).await;
            *m.get_mut("k").unwrap() -= pend(1, 1).await;
            *n + v[1] + m["k"]
        }
        #[lh] async fn go() -> u32 {
            let mut n = 1;
            let mut v = vec![1, 2];
            let mut m = BTreeMap::from([("k", 10)]);
            bump(&mut n, &mut v, &mut m).await
        }
    },
    run: go(),
}

differential! {
    /// A non-`move` closure mutably borrowing a counter, called before and
    /// after an await, the counter read after the last call.
    name: closure_mut_borrow_counter_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 0;
            let _d = D::new("d");
            let mut inc = |by: u32| { n += by; log(format!("n {n}")); };
            inc(1);
            pend(1, ()).await;
            inc(pend(1, 2).await);
            n
        }
    },
    run: f(),
}

differential! {
    /// A non-`move` async closure that only borrows a local, kept across
    /// awaits and called twice.
    name: async_closure_borrowing_local_kept,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let x = D::new("x");
            let look = async || { pend(1, ()).await; d.touch() };
            pend(1, ()).await;
            let n = look().await + look().await;
            n + x.touch()
        }
    },
    run: f(),
}

differential! {
    /// Closures stored in a `Vec<Box<dyn Fn>>` capturing clones, called in
    /// a loop with awaits.
    name: vec_of_boxed_fn_closures_in_loop,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let mut handlers: Vec<Box<dyn Fn(u32) -> u32>> = vec![];
            for k in 1..=3u32 {
                let d = Rc::new(D::new("shared"));
                let d2 = Rc::clone(&d);
                handlers.push(Box::new(move |x| x * k + d2.0.len() as u32));
            }
            let mut out = vec![];
            for h in &handlers {
                out.push(h(pend(1, 10).await));
            }
            drop(handlers);
            pend(1, ()).await;
            out
        }
    },
    run: f(),
}

differential! {
    /// `Iterator::next` on a stored `Peekable` over a `Vec<D>` with awaits
    /// between `peek` and `next`.
    name: peekable_iterator_across_awaits,
    items: {
        #[lh] async fn f(v: Vec<D>) -> Vec<usize> {
            let mut it = v.into_iter().peekable();
            let mut out = vec![];
            while let Some(next) = it.peek() {
                let n = next.touch();
                pend(1, ()).await;
                let item = it.next().unwrap();
                if n > 2 { out.push(item.touch()); } else { out.push(0); }
                pend(1, ()).await;
            }
            out
        }
    },
    run: f(vec![D::new("ab"), D::new("abc"), D::new("x")]),
}
