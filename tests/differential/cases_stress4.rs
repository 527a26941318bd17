//! Stress round 4: lexers and parsers holding `&str` slices, framing codecs
//! over byte buffers, retry loops, pools and transaction guards, pub/sub
//! fan-out, generic and trait-object code, slice and `@` patterns, scrutinee
//! temporaries holding `RefCell` borrows, iterators kept across awaits and
//! panics with live drops. Written to find where the lowering differs from
//! rustc (findings "s4-N", kept as `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces
)]
// Shapes written on purpose: hand-written loops and matches, spelled-out
// types, one-arm `match`es on a guard's field, `drop` of borrowing values,
// iterators advanced by hand, braces around awaited operands, `if let
// Ok(_)` on pinned locals, and `RefCell` borrows held across awaits (rustc
// keeps them; the cases check that).
#![allow(
    clippy::never_loop,
    clippy::needless_lifetimes,
    clippy::single_match,
    clippy::match_single_binding,
    clippy::collapsible_if,
    clippy::collapsible_else_if,
    clippy::drop_non_drop,
    clippy::let_and_return,
    clippy::manual_is_multiple_of,
    clippy::redundant_guards,
    clippy::type_complexity,
    clippy::while_let_on_iterator,
    clippy::while_let_loop,
    clippy::await_holding_refcell_ref,
    clippy::redundant_pattern_matching
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, VecDeque};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

// ---------------------------------------------------------------------------
// 1. Lexers and parsers holding `&str` slices across awaits
// ---------------------------------------------------------------------------

differential! {
    /// A lexer over an owned `String` local: tokens are `&str` slices into it,
    /// collected into a `Vec<&str>` that is kept across awaits.
    name: lexer_str_slices_of_owned_local,
    items: {
        #[lh] async fn lex(src: &'static str) -> Vec<String> {
            let _lx = D::new("lexer");
            let text: String = pend(1, src.to_string()).await;
            let mut toks: Vec<&str> = Vec::new();
            let mut rest: &str = text.as_str();
            while !rest.is_empty() {
                rest = rest.trim_start();
                if rest.is_empty() { break; }
                let end = rest.find(|c: char| c.is_whitespace() || c == ',').unwrap_or(rest.len());
                let (tok, tail) = if end == 0 { rest.split_at(1) } else { rest.split_at(end) };
                toks.push(tok);
                rest = tail;
                pend((toks.len() % 2) as u32, ()).await;
            }
            toks.iter().map(|t| t.to_uppercase()).collect()
        }
    },
    run: lex("let x, y = 10"),
}

differential! {
    /// A recursive-descent expression parser written as `&mut self` async
    /// methods over a `Peekable<Chars>`, with errors and `?`.
    name: expr_parser_mut_self_peekable_chars,
    items: {
        struct P<'a> { it: std::iter::Peekable<std::str::Chars<'a>>, depth: u32, _d: D }
        impl<'a> P<'a> {
            fn ws(&mut self) { while self.it.peek() == Some(&' ') { self.it.next(); } }
            #[lh] async fn atom(&mut self) -> Result<i64, String> {
                self.ws();
                pend(1, ()).await;
                match self.it.peek().copied() {
                    Some(c) if c.is_ascii_digit() => {
                        let mut n = 0i64;
                        while let Some(d) = self.it.peek().and_then(|c| c.to_digit(10)) {
                            n = n * 10 + d as i64;
                            self.it.next();
                        }
                        Ok(n)
                    }
                    Some('(') => {
                        self.it.next();
                        self.depth += 1;
                        let v = Box::pin(self.sum()).await?;
                        self.ws();
                        if self.it.next() != Some(')') { return Err(format!("missing ) at depth {}", self.depth)); }
                        self.depth -= 1;
                        Ok(v)
                    }
                    other => Err(format!("unexpected {other:?}")),
                }
            }
            #[lh] async fn sum(&mut self) -> Result<i64, String> {
                let mut acc = self.atom().await?;
                loop {
                    self.ws();
                    let op = match self.it.peek() { Some('+') => 1, Some('-') => -1, _ => break };
                    self.it.next();
                    acc += op * self.atom().await?;
                }
                Ok(acc)
            }
        }
        #[lh] async fn eval(s: &'static str) -> Result<i64, String> {
            let mut p = P { it: s.chars().peekable(), depth: 0, _d: D::new("parser") };
            let v = p.sum().await?;
            if p.it.peek().is_some() { return Err("trailing".into()); }
            Ok(v)
        }
    },
    run: async { (eval("1 + (2 - 3) + 40").await, eval("(1 + 2").await, eval("1 + x").await) },
}

differential! {
    /// `split` iterator over a borrowed line kept across awaits, `@`
    /// bindings on ranges and `let else` on the parsed fields.
    name: key_value_config_parser_let_else,
    items: {
        #[derive(Debug)]
        enum Val { Small(u32), Big(u32), Flag(bool), Text(String) }
        #[lh] async fn parse(input: &str) -> Result<Vec<(String, Val)>, String> {
            let _g = D::new("cfg");
            let mut out = Vec::new();
            for (lineno, line) in input.lines().enumerate() {
                let line = line.trim();
                if line.is_empty() || line.starts_with('#') { continue; }
                let Some((k, v)) = line.split_once('=') else {
                    pend(1, ()).await;
                    return Err(format!("line {lineno}: no '='"));
                };
                let v = pend((lineno % 2) as u32, v.trim()).await;
                let val = match v.parse::<u32>() {
                    Ok(n @ 0..=9) => Val::Small(n),
                    Ok(n) => Val::Big(n),
                    Err(_) if v == "true" || v == "false" => Val::Flag(v == "true"),
                    Err(_) => Val::Text(v.to_string()),
                };
                out.push((k.trim().to_string(), val));
            }
            Ok(out)
        }
    },
    run: async {
        (parse("# c\na = 3\nb=40\n\nflag = true\nname = x y").await, parse("a=1\nbad line").await)
    },
}

differential! {
    /// A JSON-ish tokenizer with `char_indices().peekable()` kept across
    /// awaits and string slices taken by index into the input.
    name: tokenizer_char_indices_slices,
    items: {
        #[derive(Debug, PartialEq)]
        enum Tok<'a> { Punct(char), Str(&'a str), Num(&'a str) }
        #[lh] async fn tokenize<'a>(s: &'a str) -> Result<Vec<Tok<'a>>, usize> {
            let _d = D::new("tok");
            let mut it = s.char_indices().peekable();
            let mut out = Vec::new();
            while let Some((i, c)) = it.next() {
                match c {
                    '{' | '}' | ':' | ',' => out.push(Tok::Punct(c)),
                    '"' => {
                        let start = i + 1;
                        let mut end = None;
                        while let Some((j, c2)) = it.next() { if c2 == '"' { end = Some(j); break; } }
                        let Some(end) = end else { return Err(i) };
                        out.push(Tok::Str(&s[start..end]));
                        pend(1, ()).await;
                    }
                    '0'..='9' => {
                        let mut end = i + 1;
                        while let Some(&(j, d)) = it.peek() { if d.is_ascii_digit() { end = j + 1; it.next(); } else { break; } }
                        out.push(Tok::Num(pend(0, &s[i..end]).await));
                    }
                    c if c.is_whitespace() => {}
                    _ => return Err(i),
                }
            }
            Ok(out)
        }
    },
    run: async {
        let a = tokenize(r#"{"a": 12, "bc": 3}"#).await;
        let b = tokenize(r#"{"a: 1}"#).await;
        let c = tokenize("{ ? }").await;
        (a, b, c)
    },
}

differential! {
    /// Slice patterns over a `Vec<&str>` of words: `[first, .., last]`,
    /// `[single]`, `[head, rest @ ..]` with awaits inside the arms.
    name: command_slice_patterns_words,
    items: {
        #[lh] async fn dispatch(line: &str) -> String {
            let _d = D::new("dispatch");
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                [] => pend(1, "empty".to_string()).await,
                [single] => { let s = pend(1, single.len()).await; format!("one:{single}:{s}") }
                ["get", key] | ["fetch", key] => format!("get {}", pend(2, *key).await),
                ["set", key, rest @ ..] => {
                    let n = rest.len();
                    pend(1, ()).await;
                    format!("set {key} = {} ({n})", rest.join(" "))
                }
                [first, .., last] => {
                    let f = pend(0, first.to_uppercase()).await;
                    format!("{f}..{last}")
                }
            }
        }
    },
    run: async {
        let mut v = Vec::new();
        for l in ["", "ping", "get k", "fetch z", "set a b c", "x y z w"] { v.push(dispatch(l).await); }
        v
    },
}

differential! {
    /// Shadowing-heavy parsing: each stage rebinds `input` with a new type,
    /// the previous values kept alive by borrows across awaits.
    name: shadowing_pipeline_stages,
    items: {
        #[lh] async fn stages(raw: &str) -> Result<u32, String> {
            let input = D::new("raw");
            let input = pend(1, raw.trim()).await;
            let input = input.strip_prefix("n=").ok_or_else(|| "no prefix".to_string())?;
            let guard = D::new("mid");
            let input: Vec<&str> = pend(0, input.split('+').collect()).await;
            let input = {
                let input = D::new("inner");
                pend(1, ()).await;
                input.touch()
            } + input.len();
            let input = pend(1, input as u32 * 10).await;
            let guard = D::new("mid2");
            Ok(input)
        }
    },
    run: async { (stages("  n=1+2+3 ").await, stages("x").await) },
}

// ---------------------------------------------------------------------------
// 2. Framing codecs over byte buffers
// ---------------------------------------------------------------------------

differential! {
    /// A length-prefixed decoder: `extend_from_slice(&chunk.await)`, `drain`,
    /// `split_off`, frames pushed while chunks arrive.
    name: length_prefixed_decoder_drain_split_off,
    items: {
        #[lh] async fn decode(chunks: Vec<Vec<u8>>) -> (Vec<Vec<u8>>, usize) {
            let _c = D::new("codec");
            let mut buf: Vec<u8> = Vec::new();
            let mut frames = Vec::new();
            for (i, chunk) in chunks.into_iter().enumerate() {
                buf.extend_from_slice(&pend((i % 3) as u32, chunk).await);
                loop {
                    let Some(&len) = buf.first() else { break };
                    let len = len as usize;
                    if buf.len() < 1 + len { break; }
                    let mut frame: Vec<u8> = buf.drain(..1 + len).collect();
                    let body = frame.split_off(1);
                    frames.push(pend(1, body).await);
                }
            }
            (frames, buf.len())
        }
    },
    run: decode(vec![vec![3, 1, 2], vec![3, 2, 9], vec![9, 0, 1], vec![7], vec![]]),
}

differential! {
    /// A line codec on `VecDeque<u8>`: `position`, `drain(..=i)`,
    /// `String::from_utf8` with `?` into a custom error, then an await.
    name: line_codec_vecdeque_from_utf8,
    items: {
        #[derive(Debug)]
        enum CodecErr { Utf8(usize), TooLong(usize) }
        impl From<std::string::FromUtf8Error> for CodecErr {
            fn from(e: std::string::FromUtf8Error) -> Self { CodecErr::Utf8(e.utf8_error().valid_up_to()) }
        }
        #[lh] async fn lines(input: Vec<&'static [u8]>, max: usize) -> Result<Vec<String>, CodecErr> {
            let _d = D::new("lines");
            let mut q: VecDeque<u8> = VecDeque::new();
            let mut out = Vec::new();
            for part in input {
                q.extend(pend(1, part).await.iter().copied());
                while let Some(i) = q.iter().position(|&b| b == b'\n') {
                    if i > max { return Err(CodecErr::TooLong(i)); }
                    let line: Vec<u8> = q.drain(..=i).take(i).collect();
                    let s = String::from_utf8(line)?;
                    out.push(pend(0, s).await);
                }
            }
            Ok(out)
        }
    },
    run: async {
        let a = lines(vec![b"ab\ncd", b"e\n\nf"], 10).await;
        let b = lines(vec![b"ok\n", b"\xff\xfe\n"], 10).await;
        let c = lines(vec![b"a very long line\n"], 4).await;
        (a, b, c)
    },
}

differential! {
    /// An encoder writing varints into a `&mut Vec<u8>` parameter between
    /// awaits, with `chunks(2)` over the input held across the awaits.
    name: varint_encoder_chunks_mut_param,
    items: {
        fn varint(mut n: u64, out: &mut Vec<u8>) {
            loop {
                let b = (n & 0x7f) as u8; n >>= 7;
                if n == 0 { out.push(b); break; } else { out.push(b | 0x80); }
            }
        }
        #[lh] async fn encode(vals: &[u64], out: &mut Vec<u8>) -> usize {
            let _e = D::new("enc");
            let start = out.len();
            for pair in vals.chunks(2) {
                match pair {
                    [a, b] => { varint(*a, out); pend(1, ()).await; varint(*b, out); }
                    [a] => { varint(pend(2, *a).await, out); }
                    _ => unreachable!(),
                }
            }
            out.len() - start
        }
        #[lh] async fn run_it() -> (usize, Vec<u8>) {
            let mut out = vec![0xEE];
            let n = encode(&[1, 300, 127, 128, 70000], &mut out).await;
            (n, out)
        }
    },
    run: run_it(),
}

differential! {
    /// A checksum over `windows(2)` and `zip` iterators kept across awaits.
    name: checksum_windows_zip_kept,
    items: {
        #[lh] async fn check(data: Vec<u8>, key: Vec<u8>) -> (u32, Vec<i16>) {
            let _d = D::new("ck");
            let mut sum = 0u32;
            let mut deltas = Vec::new();
            let mut w = data.windows(2);
            while let Some(&[a, b]) = w.next() {
                deltas.push(b as i16 - a as i16);
                pend((a % 2) as u32, ()).await;
            }
            for (x, k) in data.iter().zip(key.iter().cycle()) {
                sum = sum.wrapping_mul(31).wrapping_add((x ^ k) as u32);
                if *x == 0 { pend(1, ()).await; }
            }
            (sum, deltas)
        }
    },
    run: check(vec![1, 4, 0, 9, 9, 2], vec![7, 3]),
}

differential! {
    /// A frame header parsed with `u16::from_be_bytes(buf[0..2].try_into()?)`
    /// after an await; a short buffer panics on a slice index.
    name: header_parse_try_into_and_slice_panic,
    items: {
        #[derive(Debug)]
        struct Hdr { kind: u16, len: u16 }
        #[lh] async fn header(bytes: Vec<u8>) -> Result<Hdr, String> {
            let _d = D::new("hdr");
            let buf = pend(1, bytes).await;
            let kind = u16::from_be_bytes(buf[0..2].try_into().map_err(|e| format!("{e}"))?);
            let tmp = D::new("tmp");
            let len = pend(1, u16::from_be_bytes([buf[2], buf[3]])).await;
            Ok(Hdr { kind, len })
        }
    },
    run: async {
        let a = header(vec![0, 1, 0, 9]).await;
        let b = header(vec![0, 1, 7]).await;
        (a, b)
    },
}

differential! {
    /// `std::mem::take` / `replace` / `swap` on byte buffers across awaits
    /// (double buffering).
    name: double_buffer_mem_swap_take,
    items: {
        #[lh] async fn pump(inputs: Vec<u8>) -> (Vec<Vec<u8>>, Vec<u8>, Vec<u8>) {
            let _p = D::new("pump");
            let mut front: Vec<u8> = Vec::new();
            let mut back: Vec<u8> = vec![0];
            let mut flushed = Vec::new();
            for b in inputs {
                back.push(pend(1, b).await);
                if back.len() >= 3 {
                    std::mem::swap(&mut front, &mut back);
                    let full = std::mem::take(&mut front);
                    flushed.push(pend(0, full).await);
                    let old = std::mem::replace(&mut back, vec![b]);
                    flushed.push(old);
                }
            }
            (flushed, front, back)
        }
    },
    run: pump(vec![1, 2, 3, 4, 5, 6, 7]),
}

// ---------------------------------------------------------------------------
// 3. Retry loops, error enums, `?` with `From`
// ---------------------------------------------------------------------------

differential! {
    /// Retry with backoff: an attempt counter, a `match` on an error enum
    /// deciding between retry and give-up, the last error kept across awaits.
    name: retry_backoff_error_enum_last_error,
    items: {
        #[derive(Debug, Clone)]
        enum NetErr { Timeout(u32), Refused, Fatal(String) }
        async fn call(attempt: u32, script: &[u8]) -> Result<u32, NetErr> {
            pend(1, ()).await;
            match script.get(attempt as usize) {
                Some(b't') => Err(NetErr::Timeout(attempt)),
                Some(b'r') => Err(NetErr::Refused),
                Some(b'f') => Err(NetErr::Fatal(format!("at {attempt}"))),
                _ => Ok(attempt * 100),
            }
        }
        #[lh] async fn with_retry(script: &'static [u8], max: u32) -> Result<u32, (u32, NetErr)> {
            let _span = D::new("span");
            let mut attempt = 0;
            let mut backoff = 1u32;
            let mut last: Option<NetErr> = None;
            loop {
                let permit = D::new("permit");
                match call(attempt, script).await {
                    Ok(v) => break Ok(v + backoff),
                    Err(NetErr::Fatal(msg)) => return Err((attempt, NetErr::Fatal(msg))),
                    Err(e @ (NetErr::Timeout(_) | NetErr::Refused)) if attempt + 1 < max => {
                        drop(permit);
                        pend(backoff.min(2), ()).await;
                        backoff *= 2;
                        last = Some(e);
                    }
                    Err(e) => break Err((attempt, last.take().unwrap_or(e))),
                }
                attempt += 1;
            }
        }
    },
    run: async {
        (with_retry(b"tro", 5).await, with_retry(b"tf", 5).await, with_retry(b"ttt", 2).await)
    },
}

differential! {
    /// Layered errors: two `From` impls, `?` on awaited results in a helper
    /// and in the caller, `map_err` with a closure capturing a local.
    name: layered_errors_from_question_mark,
    items: {
        #[derive(Debug)] struct IoErr(u32);
        #[derive(Debug)] struct ParseErr(String);
        #[derive(Debug)] enum AppErr { Io(IoErr), Parse(ParseErr), Ctx(String) }
        impl From<IoErr> for AppErr { fn from(e: IoErr) -> Self { AppErr::Io(e) } }
        impl From<ParseErr> for AppErr { fn from(e: ParseErr) -> Self { AppErr::Parse(e) } }
        async fn read(n: u32) -> Result<String, IoErr> {
            pend(1, ()).await;
            if n == 0 { Err(IoErr(5)) } else { Ok(format!("{}", n * 7)) }
        }
        fn parse(s: &str) -> Result<u32, ParseErr> { s.parse().map_err(|_| ParseErr(s.to_string())) }
        #[lh] async fn load(n: u32) -> Result<u32, AppErr> {
            let _g = D::new("load");
            let raw = read(n).await?;
            let v = parse(&raw)?;
            let name = D::new("ctx");
            let w = read(v % 3).await.map_err(|e| AppErr::Ctx(format!("{}:{:?}", name.0, e)))?;
            let w = parse(&(w + "x")).or_else(|_| parse("1"))?;
            Ok(v + w)
        }
    },
    run: async { (load(2).await, load(0).await, load(3).await) },
}

differential! {
    /// `Option` `?` inside a closure and `Result` `?` in the async body: the
    /// closure's `?` and `return` belong to the closure.
    name: question_mark_inside_closures_in_body,
    items: {
        #[lh] async fn f(items: Vec<&'static str>) -> Result<Vec<u32>, String> {
            let _d = D::new("f");
            let parse = |s: &str| -> Option<u32> {
                let (a, b) = s.split_once(':')?;
                if a.is_empty() { return None; }
                Some(a.len() as u32 * b.parse::<u32>().ok()?)
            };
            let mut out = Vec::new();
            for it in items {
                let it = pend(1, it).await;
                let v = parse(it).ok_or_else(|| format!("bad {it}"))?;
                out.push(v);
            }
            Ok(out)
        }
    },
    run: async { (f(vec!["ab:2", "x:9"]).await, f(vec!["a:1", ":3"]).await, f(vec!["q:z"]).await) },
}

differential! {
    /// A timeout-ish budget: `checked_sub` on the remaining budget returning
    /// early with `?`-like `let else`, each attempt's guard dropped on retry.
    name: budget_checked_sub_let_else,
    items: {
        #[lh] async fn spend(costs: Vec<u32>, mut budget: u32) -> Result<u32, String> {
            let _b = D::new("budget");
            let mut done = 0;
            for (i, c) in costs.iter().enumerate() {
                let g = D::new("attempt");
                let c = pend(1, *c).await;
                let Some(rest) = budget.checked_sub(c) else {
                    pend(1, ()).await;
                    return Err(format!("out of budget at {i} (left {budget})"));
                };
                budget = rest;
                done += 1;
            }
            Ok(done)
        }
    },
    run: async { (spend(vec![2, 3, 1], 10).await, spend(vec![5, 6], 8).await) },
}

// ---------------------------------------------------------------------------
// 4. Pools and transactions (RAII guards)
// ---------------------------------------------------------------------------

differential! {
    /// A connection pool over `Rc<RefCell<Vec<Conn>>>`: a checkout guard
    /// returns its connection on drop; checkouts are kept across awaits and
    /// some are dropped early, one on a `?`.
    name: pool_checkout_guard_returns_on_drop,
    items: {
        #[derive(Debug)]
        struct Conn(u32);
        struct Pool { free: RefCell<Vec<Conn>> }
        struct Checkout { pool: Rc<Pool>, conn: Option<Conn> }
        impl Drop for Checkout {
            fn drop(&mut self) {
                if let Some(c) = self.conn.take() {
                    log(format!("return conn {}", c.0));
                    self.pool.free.borrow_mut().push(c);
                }
            }
        }
        fn checkout(p: &Rc<Pool>) -> Option<Checkout> {
            let c = p.free.borrow_mut().pop()?;
            log(format!("checkout {}", c.0));
            Some(Checkout { pool: p.clone(), conn: Some(c) })
        }
        impl Checkout {
            fn id(&self) -> u32 { self.conn.as_ref().unwrap().0 }
        }
        #[lh] async fn work(p: Rc<Pool>, fail: bool) -> Result<u32, String> {
            let a = checkout(&p).ok_or("empty")?;
            let x = pend(1, a.id()).await;
            let b = checkout(&p).ok_or("empty 2")?;
            if fail { pend(1, ()).await; return Err(format!("fail with {} {}", a.id(), b.id())); }
            drop(a);
            let c = checkout(&p).ok_or("empty 3")?;
            let y = pend(2, b.id() + c.id()).await;
            Ok(x + y)
        }
        fn pool(n: u32) -> Rc<Pool> { Rc::new(Pool { free: RefCell::new((0..n).map(Conn).collect()) }) }
    },
    run: async {
        let p = pool(3);
        let a = work(p.clone(), false).await;
        let b = work(p.clone(), true).await;
        let c = work(pool(1), false).await;
        (a, b, c, p.free.borrow().len())
    },
}

differential! {
    /// A transaction guard borrowing a `&RefCell<Db>` parameter: writes go to
    /// a pending list, `commit(self)` applies them, drop without commit rolls
    /// back; early returns at several awaits.
    name: transaction_guard_commit_rollback_refcell_db,
    items: {
        #[derive(Debug, Default)]
        struct Db { rows: BTreeMap<u32, String>, version: u32 }
        struct Tx<'a> { db: &'a RefCell<Db>, pending: Vec<(u32, String)>, done: bool }
        impl<'a> Tx<'a> {
            fn begin(db: &'a RefCell<Db>) -> Self { log("begin"); Tx { db, pending: vec![], done: false } }
            fn put(&mut self, k: u32, v: &str) { self.pending.push((k, v.to_string())); }
            fn commit(mut self) -> u32 {
                let mut db = self.db.borrow_mut();
                for (k, v) in self.pending.drain(..) { db.rows.insert(k, v); }
                db.version += 1;
                self.done = true;
                log(format!("commit v{}", db.version));
                db.version
            }
        }
        impl Drop for Tx<'_> {
            fn drop(&mut self) { if !self.done { log(format!("rollback {} writes", self.pending.len())); } }
        }
        #[lh] async fn transfer(db: &RefCell<Db>, from: u32, to: u32, fail_at: u32) -> Result<u32, String> {
            let mut tx = Tx::begin(db);
            let a = pend(1, db.borrow().rows.get(&from).cloned()).await.ok_or("no from")?;
            tx.put(from, "");
            if fail_at == 1 { return Err("fail 1".into()); }
            let b = pend(1, db.borrow().rows.get(&to).cloned().unwrap_or_default()).await;
            tx.put(to, &(b + &a));
            if fail_at == 2 { pend(1, ()).await; return Err("fail 2".into()); }
            Ok({ tx }.commit())
        }
        #[lh] async fn run_all() -> (Vec<Result<u32, String>>, Db) {
            let db = RefCell::new(Db::default());
            db.borrow_mut().rows.insert(1, "a".into());
            db.borrow_mut().rows.insert(2, "b".into());
            let mut rs = Vec::new();
            for (f, t, fail) in [(1, 2, 0), (1, 3, 0), (2, 1, 1), (2, 3, 2), (2, 4, 0)] {
                rs.push(transfer(&db, f, t, fail).await);
            }
            (rs, db.into_inner())
        }
    },
    run: run_all(),
}

differential! {
    /// A semaphore with `Cell` permits: acquire loops awaiting until a permit
    /// is free; the permit guard is released on drop and held across awaits.
    name: semaphore_cell_permits_guard,
    items: {
        struct Sem { permits: Cell<u32>, name: &'static str }
        struct Permit<'a>(&'a Sem);
        impl Drop for Permit<'_> { fn drop(&mut self) { self.0.permits.set(self.0.permits.get() + 1); log(format!("release {}", self.0.name)); } }
        impl Sem {
            #[lh] async fn acquire(&self) -> Permit<'_> {
                let mut spins = 0;
                while self.permits.get() == 0 {
                    spins += 1;
                    if spins > 3 { panic!("starved on {}", self.name); }
                    pend(1, ()).await;
                }
                self.permits.set(self.permits.get() - 1);
                Permit(self)
            }
        }
        #[lh] async fn job(s: &Sem, n: u32) -> u32 {
            let p1 = s.acquire().await;
            let v = pend(1, n).await;
            let p2 = s.acquire().await;
            drop(p1);
            let w = pend(1, v * 2).await;
            w
        }
    },
    run: async {
        let s = Sem { permits: Cell::new(2), name: "s" };
        let a = job(&s, 3).await;
        let one = Sem { permits: Cell::new(1), name: "one" };
        let b = job(&one, 1).await;
        (a, b)
    },
}

differential! {
    /// A lease table `HashMap<u32, Lease>` where leases are RAII values:
    /// `insert` replacing (dropping) an old lease, `remove` returning one that
    /// is kept across an await, `retain` expiring others.
    name: lease_table_insert_replace_remove,
    items: {
        struct Lease { id: u32, ttl: u32, _d: D }
        #[lh] async fn leases(ops: Vec<(char, u32)>) -> Vec<u32> {
            let mut table: BTreeMap<u32, Lease> = BTreeMap::new();
            let names = ["l0", "l1", "l2", "l3"];
            let mut held = Vec::new();
            for (op, id) in ops {
                match op {
                    'a' => {
                        let ttl = pend(1, id + 1).await;
                        if let Some(old) = table.insert(id, Lease { id, ttl, _d: D::new(names[id as usize]) }) {
                            log(format!("replaced {}", old.id));
                        }
                    }
                    'r' => {
                        let Some(l) = table.remove(&id) else { continue };
                        pend(1, ()).await;
                        held.push(l.id);
                    }
                    't' => {
                        table.retain(|_, l| { l.ttl -= 1; l.ttl > 0 });
                        pend(0, ()).await;
                    }
                    _ => {}
                }
            }
            held.extend(table.keys());
            held
        }
    },
    run: leases(vec![('a', 0), ('a', 1), ('a', 0), ('t', 0), ('r', 1), ('r', 3), ('a', 2), ('t', 0)]),
}

// ---------------------------------------------------------------------------
// 5. Pub/sub fan-out
// ---------------------------------------------------------------------------

differential! {
    /// Fan-out over `Vec<Rc<RefCell<Sub>>>`: each publish borrows one
    /// subscriber at a time, awaits between deliveries, unsubscribes closed
    /// ones with `retain`.
    name: pubsub_fanout_rc_refcell_subscribers,
    items: {
        struct Sub { name: &'static str, got: Vec<u32>, cap: usize, _d: D }
        #[lh] async fn publish_all(subs: Vec<Rc<RefCell<Sub>>>, msgs: Vec<u32>) -> Vec<(&'static str, Vec<u32>)> {
            let mut subs = subs;
            for m in msgs {
                let m = pend(1, m).await;
                for s in subs.iter() {
                    let full = { let b = s.borrow(); b.got.len() >= b.cap };
                    if full { continue; }
                    s.borrow_mut().got.push(m);
                    pend(m % 2, ()).await;
                }
                subs.retain(|s| { let b = s.borrow(); b.got.len() < b.cap });
                log(format!("after {m}: {} subs", subs.len()));
            }
            subs.iter().map(|s| (s.borrow().name, s.borrow().got.clone())).collect()
        }
    },
    run: async {
        let mk = |name, cap, d| Rc::new(RefCell::new(Sub { name, got: vec![], cap, _d: D::new(d) }));
        let a = mk("a", 1, "sub-a");
        let b = mk("b", 3, "sub-b");
        let c = mk("c", 2, "sub-c");
        let r = publish_all(vec![a.clone(), b, c], vec![1, 2, 3, 4]).await;
        (r, a.borrow().got.clone())
    },
}

differential! {
    /// Topic routing with `HashMap<&str, Vec<Box<dyn FnMut(u32) -> bool>>>`:
    /// handlers stored, called after awaits, removed when they return false.
    name: topic_handlers_boxed_fnmut_removed,
    items: {
        #[lh] async fn route(events: Vec<(&'static str, u32)>) -> Vec<String> {
            let seen = Rc::new(RefCell::new(Vec::<String>::new()));
            let mut topics: BTreeMap<&str, Vec<Box<dyn FnMut(u32) -> bool>>> = BTreeMap::new();
            let s1 = seen.clone();
            topics.entry("a").or_default().push(Box::new(move |v| { s1.borrow_mut().push(format!("a1:{v}")); v < 3 }));
            let s2 = seen.clone();
            let mut count = 0;
            topics.entry("a").or_default().push(Box::new(move |v| { count += 1; s2.borrow_mut().push(format!("a2:{v}#{count}")); true }));
            let s3 = seen.clone();
            let guard = D::new("b-handler");
            topics.entry("b").or_default().push(Box::new(move |v| { guard.touch(); s3.borrow_mut().push(format!("b:{v}")); false }));
            for (t, v) in events {
                let v = pend(1, v).await;
                if let Some(hs) = topics.get_mut(t) {
                    hs.retain_mut(|h| h(v));
                    if hs.is_empty() { topics.remove(t); log(format!("topic {t} gone")); }
                }
                pend(0, ()).await;
            }
            drop(topics);
            let out = seen.borrow().clone();
            out
        }
    },
    run: route(vec![("a", 1), ("b", 2), ("a", 5), ("b", 1), ("a", 2)]),
}

differential! {
    /// A broadcast channel built on `Rc<RefCell<VecDeque>>` per subscriber;
    /// a lagging subscriber is dropped; a `Weak` list is upgraded per send.
    name: broadcast_weak_subscribers_upgrade,
    items: {
        struct Inbox { q: RefCell<VecDeque<u32>>, _d: D }
        #[lh] async fn broadcast(n: u32) -> (Vec<Vec<u32>>, usize) {
            let a = Rc::new(Inbox { q: RefCell::new(VecDeque::new()), _d: D::new("inbox-a") });
            let b = Rc::new(Inbox { q: RefCell::new(VecDeque::new()), _d: D::new("inbox-b") });
            let subs: Vec<std::rc::Weak<Inbox>> = vec![Rc::downgrade(&a), Rc::downgrade(&b)];
            let mut b = Some(b);
            for i in 0..n {
                let v = pend(1, i * 10).await;
                let mut live = 0;
                for w in &subs {
                    let Some(inbox) = w.upgrade() else { continue };
                    inbox.q.borrow_mut().push_back(v);
                    live += 1;
                    pend(0, ()).await;
                }
                if i == 1 { b = None; }
                log(format!("sent {v} to {live}"));
            }
            let got_a: Vec<u32> = a.q.borrow_mut().drain(..).collect();
            (vec![got_a], subs.iter().filter(|w| w.upgrade().is_some()).count())
        }
    },
    run: broadcast(3),
}

// ---------------------------------------------------------------------------
// 6. Scrutinee and loop-head temporaries holding `RefCell` borrows
// ---------------------------------------------------------------------------

differential! {
    /// `match cell.borrow().phase` keeps the `Ref` to the end of the `match`
    /// in rustc, across the awaits of its arms; a read in the arm is fine.
    name: match_scrutinee_ref_held_across_arm_awaits,
    items: {
        #[derive(Clone, Copy, Debug)]
        enum Phase { Idle, Busy(u32), Done }
        struct St { phase: Phase, reads: Cell<u32> }
        #[lh] async fn step(st: &RefCell<St>) -> u32 {
            let _d = D::new("step");
            match st.borrow().phase {
                Phase::Idle => { pend(1, ()).await; st.borrow().reads.set(1); 0 }
                Phase::Busy(n) => {
                    let m = pend(1, n).await;
                    let r = st.borrow();
                    r.reads.set(r.reads.get() + m);
                    m
                }
                Phase::Done => 99,
            }
        }
    },
    run: async {
        let st = RefCell::new(St { phase: Phase::Busy(4), reads: Cell::new(0) });
        let a = step(&st).await;
        st.borrow_mut().phase = Phase::Idle;
        let b = step(&st).await;
        (a, b, st.borrow().reads.get())
    },
}

differential! {
    /// The same shape with a write in the arm: rustc keeps the scrutinee's
    /// `Ref` across the await, so `borrow_mut` panics (`already borrowed`).
    name: match_scrutinee_ref_then_borrow_mut_panics,
    items: {
        struct St { n: u32, _d: D }
        #[lh] async fn bump(st: &RefCell<St>) -> u32 {
            let _g = D::new("bump");
            match st.borrow().n {
                0 => 0,
                n => {
                    let _inner = D::new("arm");
                    pend(1, ()).await;
                    st.borrow_mut().n = n + 1;
                    n
                }
            }
        }
    },
    run: async {
        let st = RefCell::new(St { n: 3, _d: D::new("state") });
        bump(&st).await
    },
}

differential! {
    /// `if let` on a `RefCell` borrow: in edition 2024 the scrutinee's `Ref`
    /// lives through the `then` block (across its await) and is dropped
    /// before `else`; `borrow_mut` in `else` works, in `then` it panics.
    name: if_let_scrutinee_ref_then_and_else,
    items: {
        #[lh] async fn f(q: &RefCell<Vec<u32>>, write_in_then: bool) -> u32 {
            let _d = D::new("f");
            if let Some(&x) = q.borrow().last() {
                pend(1, ()).await;
                if write_in_then { q.borrow_mut().push(x + 1); }
                x
            } else {
                pend(1, ()).await;
                q.borrow_mut().push(7);
                0
            }
        }
    },
    run: async {
        let q = RefCell::new(vec![]);
        let a = f(&q, true).await;
        let b = f(&q, false).await;
        let c = f(&q, true).await;
        (a, b, c)
    },
}

differential! {
    /// `while let Some(x) = q.borrow_mut().pop_front()`: the `RefMut`
    /// temporary lives through the body; the body reads another cell and
    /// awaits; a push in the body would panic, so the body only logs.
    name: while_let_borrow_mut_pop_front_body_awaits,
    items: {
        #[lh] async fn drain(q: Rc<RefCell<VecDeque<u32>>>, seen: Rc<RefCell<Vec<u32>>>) -> usize {
            let _d = D::new("drain");
            while let Some(x) = q.borrow_mut().pop_front() {
                let x = pend(x % 2, x).await;
                seen.borrow_mut().push(x);
                if x == 99 { q.borrow_mut().push_back(0); }
            }
            let n = seen.borrow().len();
            n
        }
    },
    run: async {
        let q = Rc::new(RefCell::new(VecDeque::from(vec![1, 2, 3])));
        let seen = Rc::new(RefCell::new(vec![]));
        let a = drain(q.clone(), seen.clone()).await;
        q.borrow_mut().extend([5, 99, 4]);
        let b = drain(q.clone(), seen.clone()).await;
        (a, b)
    },
}

differential! {
    /// `for x in cell.borrow().iter()`: the `Ref` lives for the whole loop,
    /// across the awaits of the body; a `D`-returning temporary in the head
    /// too (`for x in holder().items.iter()`).
    name: for_head_ref_temporary_lives_across_body,
    items: {
        struct Holder { items: Vec<u32>, _d: D }
        fn holder() -> Holder { Holder { items: vec![4, 5], _d: D::new("holder-temp") } }
        #[lh] async fn sum(c: &RefCell<Vec<u32>>) -> (u32, bool) {
            let mut s = 0;
            for x in c.borrow().iter() {
                s += pend(1, *x).await;
                log(format!("can write: {}", c.try_borrow_mut().is_ok()));
            }
            for x in holder().items.iter() {
                let _it = D::new("iter");
                s += pend(1, *x).await;
            }
            (s, c.try_borrow_mut().is_ok())
        }
    },
    run: async { let c = RefCell::new(vec![1, 2]); sum(&c).await },
}

differential! {
    /// A `match` on a method of a temporary guard (`lock().state()`), the
    /// guard a `D`-carrying type, with arms that await and arms that return.
    name: match_on_temporary_guard_method_arms_await,
    items: {
        struct Guard(D, u32);
        impl Guard { fn state(&self) -> Option<u32> { if self.1 > 0 { Some(self.1) } else { None } } }
        fn lock(n: u32) -> Guard { Guard(D::new("lock-guard"), n) }
        #[lh] async fn f(n: u32) -> Result<u32, String> {
            let _outer = D::new("outer");
            let v = match lock(n).state() {
                Some(1) => return Err(pend(1, "one".to_string()).await),
                Some(k) => { let _a = D::new("arm"); pend(1, k * 2).await }
                None => 0,
            };
            let w = if let Some(k) = lock(v).state() { pend(1, k).await } else { pend(2, 5).await };
            Ok(v + w)
        }
    },
    run: async { (f(3).await, f(1).await, f(0).await) },
}

// ---------------------------------------------------------------------------
// 7. Blocks, `match`es and loops in expression position around awaits
// ---------------------------------------------------------------------------

differential! {
    /// Blocks whose tail awaits as operands, receivers, indices and
    /// arguments (only the tail suspends).
    name: blocks_tail_await_in_operand_positions,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> (u32, usize, u32, u64) {
            let a = { pend(1, 2u32).await } * 10 + { pend(0, 1u32).await };
            let b = { pend(1, "abc").await }.len();
            let c = v[{ pend(1, 1usize).await }];
            let d = { pend(1, 7u32).await } as u64;
            (a, b, c, d)
        }
    },
    run: f(vec![5, 6, 7]),
}

differential! {
    /// `if`/`match` expressions that await in some branches used as operands
    /// of arithmetic and comparisons.
    name: if_match_awaiting_branches_as_operands,
    items: {
        #[lh] async fn f(x: u32, flag: bool) -> (u32, bool, u32) {
            let _d = D::new("f");
            let a = 1 + if flag { pend(1, x).await } else { x * 2 };
            let b = match x { 0 => false, n => pend(1, n).await > 2 } && flag;
            let c = (match x % 3 { 0 => pend(2, 10).await, 1 => 20, _ => pend(0, 30).await }) / 10;
            (a, b, c)
        }
    },
    run: async { (f(3, true).await, f(1, false).await, f(0, true).await) },
}

differential! {
    /// `loop { .. break v }` with an await inside, used as a `let` value and
    /// as an argument; a `'label: { .. break 'label v }` block likewise.
    name: loop_and_labeled_block_values_with_awaits,
    items: {
        fn twice(x: u32) -> u32 { x * 2 }
        #[lh] async fn f(list: Vec<u32>, target: u32) -> (u32, u32, Option<usize>) {
            let mut i = 0;
            let first_even = loop {
                let v = pend(1, list[i]).await;
                if v % 2 == 0 { break v; }
                i += 1;
                if i == list.len() { break 0; }
            };
            let t = twice(loop { break pend(1, target).await; });
            let pos = 'found: {
                for (j, &x) in list.iter().enumerate() {
                    if pend(0, x).await == target { break 'found Some(j); }
                }
                None
            };
            (first_even, t, pos)
        }
    },
    run: f(vec![3, 5, 8, 1], 1),
}

differential! {
    /// A tuple and an array literal whose elements await, with `D`s built
    /// before and after, then destructured.
    name: tuple_array_literals_awaiting_elements,
    items: {
        #[lh] async fn f() -> (usize, usize) {
            let (a, b, c) = (D::new("t0"), pend(1, D::new("t1")).await, D::new("t2"));
            let arr = [pend(1, 1usize).await, a.touch(), pend(0, 3usize).await, c.touch()];
            let [x, .., y] = arr;
            drop(b);
            (x + y, arr.iter().sum())
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 8. Let-chains (edition 2024)
// ---------------------------------------------------------------------------

differential! {
    /// `if let .. && cond && let ..` chains whose bodies await, and an
    /// awaited value checked before the chain.
    name: let_chains_bodies_await,
    items: {
        #[derive(Debug)]
        enum Msg { Data(Vec<u8>), Ping(u32), Close }
        #[lh] async fn handle(m: Msg, limit: usize) -> String {
            let _d = D::new("handle");
            let ok = pend(1, limit > 0).await;
            if ok && let Msg::Data(ref bytes) = m && let [first, ..] = bytes.as_slice() && bytes.len() <= limit {
                let f = pend(1, *first).await;
                format!("data {f} len {}", bytes.len())
            } else if let Msg::Ping(n) = m && n > 1 {
                pend(2, ()).await;
                format!("ping {n}")
            } else {
                format!("other {m:?}")
            }
        }
    },
    run: async {
        (handle(Msg::Data(vec![9, 8]), 4).await, handle(Msg::Data(vec![1, 2, 3]), 2).await,
         handle(Msg::Ping(5), 1).await, handle(Msg::Ping(1), 1).await, handle(Msg::Close, 0).await)
    },
}

differential! {
    /// `while let Some(x) = it.next() && x < limit` around awaits.
    name: while_let_chain_iterator_limit,
    items: {
        #[lh] async fn take_small(v: Vec<u32>, limit: u32) -> (Vec<u32>, Option<u32>) {
            let mut it = v.into_iter();
            let mut out = Vec::new();
            let _d = D::new("taker");
            while let Some(x) = it.next() && x < limit {
                out.push(pend(1, x).await);
            }
            (out, it.next())
        }
    },
    run: take_small(vec![1, 2, 9, 3], 5),
}

// ---------------------------------------------------------------------------
// 9. Generic code: trait bounds, associated types, `where`, `impl Trait`
// ---------------------------------------------------------------------------

differential! {
    /// A generic store over a trait with an associated type and a `where`
    /// clause on it; values kept across awaits are of generic type.
    name: generic_store_associated_type_where,
    items: {
        trait Codec { type Item: std::fmt::Debug + Clone; fn decode(&self, b: u8) -> Option<Self::Item>; }
        struct Digits;
        impl Codec for Digits { type Item = u32; fn decode(&self, b: u8) -> Option<u32> { (b as char).to_digit(10) } }
        struct Upper(D);
        impl Codec for Upper { type Item = char; fn decode(&self, b: u8) -> Option<char> { (b as char).is_ascii_alphabetic().then(|| (b as char).to_ascii_uppercase()) } }
        #[lh] async fn decode_all<C>(c: C, input: &[u8]) -> (Vec<C::Item>, usize)
        where
            C: Codec,
            C::Item: PartialEq,
        {
            let mut out: Vec<C::Item> = Vec::new();
            let mut bad = 0;
            for &b in input {
                match c.decode(pend((b % 2) as u32, b).await) {
                    Some(v) if out.last() == Some(&v) => log(format!("dup {v:?}")),
                    Some(v) => out.push(v),
                    None => bad += 1,
                }
            }
            (out, bad)
        }
    },
    run: async { (decode_all(Digits, b"12x33").await, decode_all(Upper(D::new("upper")), b"ab1bb").await) },
}

differential! {
    /// `impl Trait` arguments (`impl IntoIterator`, `impl Fn`), an
    /// `impl AsRef<str>` item type, the iterator kept across awaits.
    name: impl_trait_args_iterator_and_fn_kept,
    items: {
        #[lh] async fn render(items: impl IntoIterator<Item = impl AsRef<str>>, fmt: impl Fn(usize, &str) -> String) -> Vec<String> {
            let _d = D::new("render");
            let mut out = Vec::new();
            for (i, it) in items.into_iter().enumerate() {
                let s = pend(1, it.as_ref().to_string()).await;
                out.push(fmt(i, &s));
            }
            out
        }
    },
    run: async {
        let suffix = D::new("suffix");
        let v = render(vec!["a", "bb"], |i, s| format!("{i}:{s}:{}", suffix.0)).await;
        let w = render(["x".to_string()], |i, s| s.repeat(i + 2)).await;
        (v, w)
    },
}

differential! {
    /// A generic async fn with a `const N` parameter and an array kept across
    /// awaits, `T: Copy + Default + AddAssign`.
    name: const_generic_array_accumulator,
    items: {
        #[lh] async fn sums<T, const N: usize>(rows: Vec<[T; N]>) -> [T; N]
        where T: Copy + Default + std::ops::AddAssign + std::fmt::Debug
        {
            let mut acc = [T::default(); N];
            for row in rows {
                let row = pend(1, row).await;
                for (a, r) in acc.iter_mut().zip(row) { *a += r; }
                log(format!("acc {acc:?}"));
            }
            acc
        }
    },
    run: async { (sums(vec![[1u8, 2, 3], [4, 5, 6]]).await, sums::<f32, 2>(vec![[0.5, 1.0]]).await) },
}

differential! {
    /// A generic struct with `&mut self` async methods calling each other,
    /// the generic parameter bounded by a local trait with a default method.
    name: generic_struct_mut_self_methods_trait_default,
    items: {
        trait Weigh { fn weight(&self) -> u32; fn heavy(&self) -> bool { self.weight() > 5 } }
        impl Weigh for u32 { fn weight(&self) -> u32 { *self } }
        impl Weigh for D { fn weight(&self) -> u32 { self.0.len() as u32 } }
        struct Bin<T: Weigh> { items: Vec<T>, cap: u32, _d: D }
        impl<T: Weigh + std::fmt::Debug> Bin<T> {
            #[lh] async fn load(&self) -> u32 {
                let mut s = 0;
                for it in &self.items { s += pend(0, it.weight()).await; }
                s
            }
            #[lh] async fn push(&mut self, it: T) -> Result<u32, T> {
                let cur = self.load().await;
                if cur + it.weight() > self.cap || it.heavy() { return Err(it); }
                pend(1, ()).await;
                self.items.push(it);
                Ok(self.load().await)
            }
        }
        #[lh] async fn fill() -> (Vec<Result<u32, u32>>, Vec<String>) {
            let mut a = Bin { items: vec![], cap: 8, _d: D::new("bin-a") };
            let mut r = Vec::new();
            for x in [3u32, 4, 2, 9, 1] { r.push(a.push(x).await); }
            let mut b = Bin { items: vec![], cap: 10, _d: D::new("bin-b") };
            let mut rej = Vec::new();
            for name in ["dd", "longname", "eee"] {
                if let Err(d) = b.push(D::new(name)).await { rej.push(format!("rejected {}", d.0)); }
            }
            (r, rej)
        }
    },
    run: fill(),
}

// ---------------------------------------------------------------------------
// 10. Trait objects across awaits
// ---------------------------------------------------------------------------

differential! {
    /// `&mut dyn Trait` parameter used before and after awaits, and a
    /// `Vec<Box<dyn Trait>>` of middlewares with a `D` each.
    name: dyn_trait_mut_param_and_boxed_list,
    items: {
        trait Sink { fn write(&mut self, s: &str); fn flushes(&self) -> u32; }
        struct Mem { buf: Vec<String>, n: u32 }
        impl Sink for Mem { fn write(&mut self, s: &str) { self.buf.push(s.to_string()); } fn flushes(&self) -> u32 { self.n } }
        trait Stage { fn apply(&self, x: i64) -> Option<i64>; }
        struct Add(i64, D);
        struct NonNeg(D);
        impl Stage for Add { fn apply(&self, x: i64) -> Option<i64> { Some(x + self.0) } }
        impl Stage for NonNeg { fn apply(&self, x: i64) -> Option<i64> { (x >= 0).then_some(x) } }
        #[lh] async fn pipeline(sink: &mut dyn Sink, inputs: Vec<i64>) -> u32 {
            let stages: Vec<Box<dyn Stage>> = vec![Box::new(Add(-3, D::new("add"))), Box::new(NonNeg(D::new("nonneg"))), Box::new(Add(10, D::new("add10")))];
            let mut passed = 0;
            'each: for x in inputs {
                let mut v = pend(1, x).await;
                for (i, st) in stages.iter().enumerate() {
                    match st.apply(v) {
                        Some(n) => v = n,
                        None => { sink.write(&format!("drop {x} at {i}")); continue 'each; }
                    }
                    pend((i % 2) as u32, ()).await;
                }
                sink.write(&format!("{x} -> {v}"));
                passed += 1;
            }
            passed + sink.flushes()
        }
        #[lh] async fn run_it() -> (u32, Vec<String>) {
            let mut m = Mem { buf: vec![], n: 100 };
            let n = pipeline(&mut m, vec![5, 1, 3]).await;
            (n, std::mem::take(&mut m.buf))
        }
    },
    run: run_it(),
}

differential! {
    /// A handler table of `Box<dyn Fn(u32) -> Pin<Box<dyn Future<Output = u32>>>>`
    /// built in the body, looked up and awaited in a loop.
    name: boxed_async_handler_table,
    items: {
        type H = Box<dyn Fn(u32) -> Pin<Box<dyn Future<Output = u32>>>>;
        #[lh] async fn serve(reqs: Vec<(&'static str, u32)>) -> Vec<Option<u32>> {
            let scale = Rc::new(Cell::new(2u32));
            let mut table: BTreeMap<&str, H> = BTreeMap::new();
            let s = scale.clone();
            table.insert("mul", Box::new(move |x| { let s = s.clone(); Box::pin(async move { pend(1, x * s.get()).await }) }));
            table.insert("inc", Box::new(|x| Box::pin(async move { let _d = D::new("inc"); pend(2, x + 1).await })));
            let mut out = Vec::new();
            for (route, arg) in reqs {
                let r = match table.get(route) { Some(h) => Some(h(arg).await), None => None };
                if route == "mul" { scale.set(scale.get() + 1); }
                out.push(r);
            }
            out
        }
    },
    run: serve(vec![("mul", 3), ("inc", 1), ("nope", 0), ("mul", 3)]),
}

differential! {
    /// `dyn Any` downcasts on boxed values kept across awaits.
    name: dyn_any_downcast_kept_across_awaits,
    items: {
        use std::any::Any;
        #[lh] async fn describe(vals: Vec<Box<dyn Any>>) -> Vec<String> {
            let mut out = Vec::new();
            for v in vals {
                pend(1, ()).await;
                let s = if let Some(n) = v.downcast_ref::<u32>() { format!("u32 {n}") }
                    else if let Some(s) = v.downcast_ref::<String>() { format!("string {s}") }
                    else if v.is::<D>() { match v.downcast::<D>() { Ok(d) => { pend(1, ()).await; format!("D {}", d.0) } Err(_) => unreachable!() } }
                    else { "other".to_string() };
                out.push(s);
            }
            out
        }
    },
    run: describe(vec![Box::new(3u32), Box::new(D::new("any-d")), Box::new("x".to_string()), Box::new(1.5f64)]),
}

// ---------------------------------------------------------------------------
// 11. Closures and async closures stored across awaits
// ---------------------------------------------------------------------------

differential! {
    /// An `FnMut` closure mutating a local counter, called before and after
    /// awaits, dropped, then the counter read.
    name: fnmut_closure_mutating_local_across_awaits,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> (u32, Vec<u32>) {
            let mut count = 0;
            let mut seen = Vec::new();
            let mut record = |x: u32| { count += 1; seen.push(x * 10); count };
            record(1);
            for x in xs {
                let x = pend(1, x).await;
                if record(x) > 3 { break; }
            }
            drop(record);
            pend(1, ()).await;
            (count, seen)
        }
    },
    run: f(vec![5, 6, 7, 8]),
}

known_gap! {
    reason: "s4-8 (runs differently, drop order): `let tag = D::new(\"tag\"); .. Box::new(move |n| format!(\"{}:{n}\", tag.0))`: the `move` closure captures only `tag.0` (a `Copy` `&str`), so in rustc `tag` stays in its local and drops when the future ends or is dropped; longhand takes `tag` as moved into the closure and drops it at the first suspension (`drop tag` before `-- drop after 1 polls`)",
    differential! {
        /// Closures stored in an `Option`, taken and called after an await
        /// (`FnOnce` capturing a `D` by move), with a fallback closure.
        name: option_fnonce_taken_after_await,
        items: {
            #[lh] async fn f(take_first: bool) -> String {
                let tag = D::new("tag");
                let mut on_done: Option<Box<dyn FnOnce(u32) -> String>> = Some(Box::new(move |n| format!("{}:{n}", tag.0)));
                let fallback = |n: u32| format!("fallback {n}");
                let n = pend(1, 7).await;
                let s = if take_first { on_done.take().map(|f| f(n)).unwrap_or_else(|| fallback(0)) } else { fallback(n) };
                pend(1, ()).await;
                format!("{s} left:{}", on_done.is_some())
            }
        },
        run: async { (f(true).await, f(false).await) },
    }
}

differential! {
    /// An async closure borrowing a local `Vec` mutably, called in a loop,
    /// then the `Vec` read after the closure is dropped.
    name: async_closure_mut_borrow_in_loop,
    items: {
        #[lh] async fn f(n: u32) -> Vec<u32> {
            let mut log_v: Vec<u32> = Vec::new();
            let _g = D::new("g");
            {
                let mut push = async |x: u32| { let y = pend(1, x * 2).await; log_v.push(y); y };
                for i in 0..n {
                    let r = push(i).await;
                    if r > 4 { break; }
                }
            }
            log_v.push(99);
            log_v
        }
    },
    run: f(5),
}

differential! {
    /// Closures returning futures (`|id| async move { .. }`) stored in a
    /// local, called several times, some futures dropped unawaited.
    name: closure_returning_async_block_called_repeatedly,
    items: {
        #[lh] async fn f() -> (u32, u32) {
            let base = 10;
            let fetch = |id: u32| async move { let _d = D::new("fetch"); pend(1, id + base).await };
            let a = fetch(1).await;
            let unused = fetch(2);
            let b = fetch(3).await;
            drop(unused);
            let c = { let f = fetch(4); pend(1, ()).await; f.await };
            (a + b, c)
        }
    },
    run: f(),
}

differential! {
    /// A sort comparator closure and `sort_by_key` on kept vectors between
    /// awaits; `dedup_by_key`; `binary_search`.
    name: sort_closures_between_awaits,
    items: {
        #[lh] async fn f(mut v: Vec<(String, u32)>) -> (Vec<(String, u32)>, Result<usize, usize>) {
            let _d = D::new("sorter");
            let desc = pend(1, true).await;
            v.sort_by(|a, b| if desc { b.1.cmp(&a.1) } else { a.1.cmp(&b.1) });
            pend(1, ()).await;
            v.dedup_by_key(|p| p.1);
            let keys: Vec<u32> = v.iter().map(|p| p.1).rev().collect();
            let pos = keys.binary_search(&pend(1, 5).await);
            (v, pos)
        }
    },
    run: f(vec![("a".into(), 3), ("b".into(), 5), ("c".into(), 5), ("d".into(), 1)]),
}

// ---------------------------------------------------------------------------
// 12. Async blocks inside the body
// ---------------------------------------------------------------------------

differential! {
    /// An `async` block awaited in place using `?` and `return` (which end
    /// the block), its result matched; another stored and awaited later.
    name: async_blocks_try_in_place_and_stored,
    items: {
        #[lh] async fn f(a: Option<u32>, b: Option<u32>) -> (Option<u32>, u32) {
            let _d = D::new("outer");
            let sum: Option<u32> = async {
                let x = pend(1, a).await?;
                if x == 0 { return Some(0); }
                let _inner = D::new("inner");
                let y = pend(1, b).await?;
                Some(x + y)
            }.await;
            let later = async move { pend(1, b.unwrap_or(1)).await * 3 };
            let mid = D::new("mid");
            pend(1, ()).await;
            (sum, later.await)
        }
    },
    run: async { (f(Some(1), Some(2)).await, f(None, Some(2)).await, f(Some(0), None).await, f(Some(4), None).await) },
}

differential! {
    /// `futures::future::join` of two async blocks borrowing the same
    /// local immutably, and `join_all` over a `map` building blocks.
    name: join_async_blocks_borrowing_local,
    items: {
        #[lh] async fn f(data: Vec<u32>) -> (u32, u32, Vec<u32>) {
            let d = &data;
            let (a, b) = futures::future::join(
                async { pend(1, d.iter().sum::<u32>()).await },
                async { let _g = D::new("max"); pend(2, *d.iter().max().unwrap()).await },
            ).await;
            let doubled = futures::future::join_all(data.iter().map(|x| async move { pend(*x % 2, x * 2).await })).await;
            (a, b, doubled)
        }
    },
    run: f(vec![3, 1, 4]),
}

// ---------------------------------------------------------------------------
// 13. Panics with live drops
// ---------------------------------------------------------------------------

differential! {
    /// Index out of bounds after an await inside nested scopes, with `D`s
    /// in each scope and a borrowed slice kept across the await.
    name: panic_index_out_of_bounds_nested_scopes,
    items: {
        #[lh] async fn f(v: Vec<u32>, i: usize) -> u32 {
            let _a = D::new("a");
            let s = &v[..];
            let x = {
                let _b = D::new("b");
                let j = pend(1, i).await;
                let _c = D::new("c");
                s[j] + s[0]
            };
            x
        }
    },
    run: async { (f(vec![1, 2], 1).await, f(vec![1, 2], 5).await) },
}

differential! {
    /// Arithmetic overflow (`u8` add, `i32` negation of `MIN`, division by
    /// zero) right after awaits, `D`s live.
    name: panic_arithmetic_after_awaits,
    items: {
        #[lh] async fn f(kind: u8) -> i64 {
            let _g = D::new("g");
            match kind {
                0 => { let a: u8 = 250; let b = pend(1, 10u8).await; (a + b) as i64 }
                1 => { let m = pend(1, i32::MIN).await; let _h = D::new("h"); (-m) as i64 }
                _ => { let d = pend(2, 0i64).await; 100 / d }
            }
        }
    },
    run: f(0),
}

differential! {
    /// `i32` negation overflow after an await.
    name: panic_negate_overflow_after_await,
    items: {
        #[lh] async fn f() -> i32 {
            let _g = D::new("g");
            let m = pend(1, i32::MIN).await;
            let _h = D::new("h");
            -m
        }
    },
    run: f(),
}

differential! {
    /// Division by zero after an await inside a loop with a per-iteration
    /// guard.
    name: panic_divide_by_zero_in_loop,
    items: {
        #[lh] async fn f(ds: Vec<i64>) -> i64 {
            let _g = D::new("g");
            let mut acc = 1000;
            for d in ds {
                let _it = D::new("iter");
                acc /= pend(1, d).await;
            }
            acc
        }
    },
    run: f(vec![2, 5, 0, 1]),
}

differential! {
    /// `expect` on an `Err` returned by an awaited call in the middle of a
    /// method chain, guards at several depths.
    name: panic_expect_err_mid_chain,
    items: {
        async fn get(k: &str) -> Result<String, String> { pend(1, ()).await; if k == "bad" { Err(format!("no {k}")) } else { Ok(k.to_uppercase()) } }
        #[lh] async fn f(keys: Vec<&'static str>) -> usize {
            let _outer = D::new("outer");
            let mut total = 0;
            for k in keys {
                let _g = D::new("key");
                total += get(k).await.expect("lookup failed").len();
            }
            total
        }
    },
    run: f(vec!["ab", "bad", "c"]),
}

differential! {
    /// A `RefCell` double borrow panic (`already mutably borrowed`) while a
    /// `RefMut` local is kept across an await.
    name: panic_refcell_double_borrow_refmut_kept,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> usize {
            let _d = D::new("d");
            let mut w = c.borrow_mut();
            w.push(pend(1, 1).await);
            let n = c.borrow().len();
            n
        }
    },
    run: f(Rc::new(RefCell::new(vec![]))),
}

differential! {
    /// `unreachable!` and `assert!` with formatted messages after awaits,
    /// inside `match` arms with guards.
    name: panic_assert_unreachable_in_arms,
    items: {
        #[lh] async fn f(x: i32) -> i32 {
            let _d = D::new("d");
            match pend(1, x).await {
                n if n < 0 => { assert!(n > -5, "too negative: {n}"); n }
                0 => unreachable!("zero after {}", pend(0, "await").await),
                n => { let _e = D::new("e"); pend(1, ()).await; assert_eq!(n % 2, 1, "even {n}"); n }
            }
        }
    },
    run: async { (f(-1).await, f(3).await, f(4).await) },
}

// ---------------------------------------------------------------------------
// 14. Iterators held across awaits
// ---------------------------------------------------------------------------

differential! {
    /// `peekable` iterator over a kept `Vec`, `next_if`, runs grouped,
    /// awaits per group.
    name: peekable_next_if_run_grouping,
    items: {
        #[lh] async fn groups(v: Vec<u32>) -> Vec<(u32, usize)> {
            let _d = D::new("grouper");
            let mut it = v.iter().peekable();
            let mut out = Vec::new();
            while let Some(&x) = it.next() {
                let mut n = 1;
                while it.next_if(|&&y| y == x).is_some() { n += 1; }
                out.push(pend((n % 2) as u32, (x, n)).await);
            }
            out
        }
    },
    run: groups(vec![1, 1, 2, 3, 3, 3, 1]),
}

differential! {
    /// `enumerate().skip(1).step_by(2)`, `rev()`, `chain` of two kept
    /// iterators, advanced by hand across awaits.
    name: iterator_adapters_chain_step_by_rev,
    items: {
        #[lh] async fn f(a: Vec<u32>, b: Vec<u32>) -> (Vec<(usize, u32)>, Vec<u32>) {
            let mut odd = a.iter().copied().enumerate().skip(1).step_by(2);
            let mut got = Vec::new();
            while let Some(p) = odd.next() { got.push(pend(1, p).await); }
            let mut ch = a.iter().rev().chain(b.iter()).filter(|x| **x != 0);
            let mut rest = Vec::new();
            loop {
                let Some(&x) = ch.next() else { break };
                pend(0, ()).await;
                rest.push(x);
                if rest.len() == 4 { break; }
            }
            (got, rest)
        }
    },
    run: f(vec![1, 2, 0, 4, 5], vec![7, 0, 8]),
}

differential! {
    /// `iter_mut` over a `Vec` of structs with `D`s, modifying each after
    /// an await; `chunks_mut` likewise.
    name: iter_mut_and_chunks_mut_across_awaits,
    items: {
        struct Slot { v: u32, _d: D }
        #[lh] async fn f() -> (Vec<u32>, Vec<u8>) {
            let mut slots = vec![Slot { v: 1, _d: D::new("s1") }, Slot { v: 2, _d: D::new("s2") }];
            for s in slots.iter_mut() { s.v += pend(1, 10).await; }
            let mut bytes = vec![1u8, 2, 3, 4, 5];
            for ch in bytes.chunks_mut(2) {
                let k = pend(1, ch.len() as u8).await;
                for b in ch.iter_mut() { *b *= k; }
            }
            (slots.iter().map(|s| s.v).collect(), bytes)
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 15. Struct methods (`&self`, `&mut self`, `self`) calling each other
// ---------------------------------------------------------------------------

differential! {
    /// A client whose `&self` methods await, a `&mut self` method updating
    /// stats, and a by-value `finish(self)` called on a braced receiver.
    name: client_methods_ref_mut_and_by_value,
    items: {
        struct Client { name: &'static str, calls: u32, errors: Vec<String>, _d: D }
        impl Client {
            #[lh] async fn get(&self, path: &str) -> Result<usize, String> {
                pend(1, ()).await;
                if path.contains("..") { Err(format!("{}: bad path {path}", self.name)) } else { Ok(path.len()) }
            }
            #[lh] async fn record(&mut self, path: &str) -> usize {
                self.calls += 1;
                match self.get(path).await {
                    Ok(n) => n,
                    Err(e) => { self.errors.push(e); 0 }
                }
            }
            #[lh] async fn finish(self) -> (u32, Vec<String>) {
                pend(1, ()).await;
                let Client { calls, errors, .. } = self;
                (calls, errors)
            }
        }
        #[lh] async fn f() -> (usize, (u32, Vec<String>)) {
            let mut c = Client { name: "c", calls: 0, errors: vec![], _d: D::new("client") };
            let mut n = 0;
            for p in ["/a", "/../b", "/cc"] { n += c.record(p).await; }
            let stats = { c }.finish().await;
            (n, stats)
        }
    },
    run: f(),
}

differential! {
    /// A state machine struct whose `&mut self` async `step` matches on
    /// `&mut self.state` and replaces it with `mem::replace`.
    name: mut_self_state_enum_mem_replace,
    items: {
        #[derive(Debug)]
        enum St { Idle, Connecting(u32), Ready(Vec<u32>), Closed }
        struct M { st: St, _d: D }
        impl M {
            #[lh] async fn step(&mut self, input: u32) -> bool {
                let next = match &mut self.st {
                    St::Idle => St::Connecting(pend(1, input).await),
                    St::Connecting(n) => { *n += 1; if pend(1, *n).await > 2 { St::Ready(vec![]) } else { return true; } }
                    St::Ready(buf) => { buf.push(input); if buf.len() < 2 { return true; } St::Closed }
                    St::Closed => return false,
                };
                let old = std::mem::replace(&mut self.st, next);
                log(format!("{old:?} -> {:?}", self.st));
                true
            }
        }
        #[lh] async fn f() -> (Vec<bool>, String) {
            let mut m = M { st: St::Idle, _d: D::new("m") };
            let mut r = Vec::new();
            for i in 1..8 { r.push(m.step(i).await); }
            (r, format!("{:?}", m.st))
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 16. Combinator chains, `matches!`, nested enums, labels
// ---------------------------------------------------------------------------

differential! {
    /// `Option`/`Result` combinators with awaits between the steps and in
    /// the arguments of `unwrap_or`, `map_or`, `ok_or`.
    name: combinator_chains_with_awaits_between,
    items: {
        #[lh] async fn f(a: Option<&'static str>, b: Result<u32, String>) -> (usize, u32, Result<u32, String>) {
            let _d = D::new("comb");
            let n = a.map(|s| s.trim()).filter(|s| !s.is_empty()).map(str::len).unwrap_or(pend(1, 0).await);
            let m = b.as_ref().map_or(pend(1, 7).await, |v| v * 2);
            let c = a.and_then(|s| s.parse::<u32>().ok()).ok_or(pend(0, "unparsed".to_string()).await)
                .and_then(|v| if v > 10 { Ok(v) } else { Err(format!("small {v}")) });
            (n, m, c)
        }
    },
    run: async { (f(Some(" 42 "), Ok(3)).await, f(None, Err("e".into())).await, f(Some("5"), Ok(1)).await) },
}

differential! {
    /// `matches!` with awaited scrutinees and guards, on nested enums.
    name: matches_macro_awaited_nested_enums,
    items: {
        #[derive(Debug, Clone)]
        enum Inner { A(u32), B { ok: bool } }
        #[derive(Debug, Clone)]
        enum Outer { Wrap(Inner), Pair(Inner, Inner), Empty }
        #[lh] async fn classify(v: Vec<Outer>) -> Vec<(bool, bool)> {
            let mut out = Vec::new();
            for o in v {
                let big = matches!(pend(1, o.clone()).await, Outer::Wrap(Inner::A(n)) | Outer::Pair(Inner::A(n), _) if n > 5);
                let okb = matches!(&o, Outer::Pair(_, Inner::B { ok: true }) | Outer::Wrap(Inner::B { ok: true }));
                out.push((big, okb));
            }
            out
        }
    },
    run: classify(vec![Outer::Wrap(Inner::A(9)), Outer::Pair(Inner::A(1), Inner::B { ok: true }), Outer::Empty, Outer::Wrap(Inner::B { ok: true })]),
}

differential! {
    /// `@` bindings on nested enum patterns with ranges and slices, awaits
    /// in the arms, `D` owned by the matched value.
    name: at_bindings_nested_enums_slices,
    items: {
        #[derive(Debug)]
        enum Pkt { Data { seq: u32, body: Vec<u8> }, Ack(u32), Bye(D) }
        #[lh] async fn handle(p: Pkt) -> String {
            match p {
                Pkt::Data { seq: s @ 0..=9, body: b } if b.len() < 3 => format!("small {s} {}", pend(1, b.len()).await),
                Pkt::Data { seq, body } => match body.as_slice() {
                    [first @ 1..=5, .., last] => format!("data {seq} {first}..{}", pend(1, *last).await),
                    whole @ [_, ..] => format!("data {seq} {}", whole.len()),
                    [] => "empty".to_string(),
                },
                Pkt::Ack(n @ (1 | 2)) => { pend(2, ()).await; format!("ack early {n}") }
                Pkt::Ack(n) => format!("ack {n}"),
                Pkt::Bye(d) => { pend(1, ()).await; format!("bye {}", d.0) }
            }
        }
    },
    run: async {
        let mut v = Vec::new();
        for p in [Pkt::Data { seq: 3, body: vec![1] }, Pkt::Data { seq: 30, body: vec![2, 0, 9] }, Pkt::Data { seq: 31, body: vec![9, 9, 9] },
                  Pkt::Ack(2), Pkt::Ack(7), Pkt::Bye(D::new("bye"))] { v.push(handle(p).await); }
        v
    },
}

differential! {
    /// Early `return` from three nested loops with guards in each, the
    /// returned value built from all three.
    name: early_return_from_nested_loops_guards,
    items: {
        #[lh] async fn search(grid: Vec<Vec<Vec<u32>>>, target: u32) -> Option<(usize, usize, usize)> {
            let _s = D::new("search");
            for (i, plane) in grid.iter().enumerate() {
                let _p = D::new("plane");
                for (j, row) in plane.iter().enumerate() {
                    let _r = D::new("row");
                    for (k, &v) in row.iter().enumerate() {
                        if pend(v % 2, v).await == target { return Some((i, j, k)); }
                    }
                }
            }
            None
        }
    },
    run: async { let g = vec![vec![vec![1, 2], vec![3]], vec![vec![4, 5, 6]]]; (search(g.clone(), 5).await, search(g, 9).await) },
}

differential! {
    /// `continue 'outer` and `break 'outer value` from an inner loop whose
    /// body awaits; the outer loop's per-iteration guard drops each time.
    name: labeled_continue_break_value_inner_awaits,
    items: {
        #[lh] async fn f(rows: Vec<Vec<i32>>) -> (i32, Vec<usize>) {
            let mut skipped = Vec::new();
            let total = 'outer: loop {
                let mut sum = 0;
                for (i, row) in rows.iter().enumerate() {
                    let _g = D::new("row-guard");
                    for &x in row {
                        if x < 0 { skipped.push(i); continue; }
                        if x == 0 { break 'outer sum; }
                        sum += pend(1, x).await;
                    }
                }
                break sum * 100;
            };
            (total, skipped)
        }
    },
    run: async { (f(vec![vec![1, -1, 2], vec![3]]).await, f(vec![vec![1], vec![0, 5]]).await) },
}

differential! {
    /// A directory-walker style recursion over a tree with `Box::pin`, a
    /// stack of paths, `while let Some(x) = stack.pop()` mixed with
    /// recursion for subdirectories.
    name: dir_walker_stack_and_box_pin_recursion,
    items: {
        enum Ent { File(&'static str, u32), Dir(&'static str, Vec<Ent>) }
        #[lh] async fn walk(e: &Ent, prefix: String, depth: u32) -> Vec<String> {
            let _lvl = D::new("lvl");
            let mut out = Vec::new();
            let mut stack: Vec<&Ent> = vec![e];
            while let Some(x) = stack.pop() {
                match x {
                    Ent::File(n, sz) => out.push(format!("{prefix}/{n}:{}", pend(1, *sz).await)),
                    Ent::Dir(n, kids) if depth < 1 && !std::ptr::eq(x, e) => {
                        let sub = Box::pin(walk(x, format!("{prefix}/{n}"), depth + 1)).await;
                        out.extend(sub);
                    }
                    Ent::Dir(_, kids) => { for k in kids.iter().rev() { stack.push(k); } pend(0, ()).await; }
                }
            }
            out
        }
    },
    run: async {
        let t = Ent::Dir("root", vec![Ent::File("a", 1), Ent::Dir("sub", vec![Ent::File("b", 2), Ent::Dir("deep", vec![Ent::File("c", 3)])]), Ent::File("d", 4)]);
        walk(&t, String::new(), 0).await
    },
}

differential! {
    /// `std::mem::{take, replace, swap}` on owned `D` locals across awaits.
    name: mem_take_replace_swap_on_d_locals,
    items: {
        #[lh] async fn f() -> (&'static str, &'static str, usize) {
            let mut a = D::new("a");
            let mut b = D::new("b");
            let mut list: Vec<D> = vec![D::new("l0")];
            pend(1, ()).await;
            std::mem::swap(&mut a, &mut b);
            let old = std::mem::replace(&mut a, D::new("a2"));
            pend(1, ()).await;
            let taken = std::mem::take(&mut list);
            list.push(old);
            pend(1, ()).await;
            drop(taken);
            (a.0, b.0, list.len())
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// Findings: minimal cases
// ---------------------------------------------------------------------------

differential! {
    name: block_awaiting_before_tail_as_binop_lhs,
    items: {
        #[lh] async fn f(x: usize) -> usize {
            let y = { pend(1, ()).await; 1usize } + x;
            y
        }
    },
    run: f(1),
}

differential! {
    name: block_awaiting_before_tail_as_binop_rhs,
    items: {
        #[lh] async fn f(x: usize) -> usize {
            let y = x + { pend(1, ()).await; 1usize };
            y
        }
    },
    run: f(1),
}

differential! {
    /// s4-1 after an awaited left operand: the block's own `.await` is in a
    /// `let` (`a.await + { let v = b.await; v }`); in the arm of the first
    /// suspension the block is cut at that `let` in code that never runs
    /// there, and was still an operand of `+` (E0277, `u32 + !`).
    name: block_awaiting_in_let_after_awaited_lhs,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            let _d = D::new("d");
            let y = pend(1, val("left", 1u32)).await + { let v = pend(2, val("right", x)).await; v * 2 };
            let z = { let w = pend(1, x).await; w } * pend(1, 3u32).await;
            y + z
        }
    },
    run: f(5),
}

differential! {
    /// s4-1 beyond `+`: a block whose `let` awaits as an index, as the value
    /// of a compound assignment after an awaited factor, under `-` and
    /// `as`, as a method receiver and a field base, after an operand that
    /// awaits (E0277 on `!` in the arm of the first suspension).
    name: block_awaiting_in_let_as_index_unary_cast_receiver,
    items: {
        #[lh] async fn f(v: Vec<u32>, mut t: u32) -> (u32, u32, i64, usize, u32) {
            let _d = D::new("d");
            let x = v[pend(1, val("i", 0usize)).await] + v[{ let i = pend(1, val("j", 1usize)).await; i }];
            t += pend(1, val("a", 2u32)).await * { let k = pend(2, val("k", 3u32)).await; k };
            let n = pend(1, 4i32).await as i64 + -{ let q = pend(1, val("q", 1i32)).await; q } as i64;
            let len = pend(1, 1usize).await + { let s = pend(1, String::from("abc")).await; s }.len();
            let p = pend(1, 1u32).await + { let pair = pend(1, (7u32, D::new("pair"))).await; pair }.0;
            (x, t, n, len, p)
        }
    },
    run: f(vec![10, 20], 1),
}

differential! {
    /// s4-1 in other places: a block whose `let` awaits as the value of a
    /// `let .. else`, a `?` inside such a block after an awaited operand, and
    /// blocks as reference, range and `&&` operands, call and method
    /// arguments and tuple fields (the `let`'s pattern could not be typed
    /// from the cut block's `!`, E0282).
    name: block_awaiting_in_let_as_let_else_value_and_arguments,
    items: {
        fn takes(r: &u32, s: &str) -> u32 {
            *r + s.len() as u32
        }
        #[lh] async fn f(v: Option<u32>) -> Result<u32, String> {
            let _d = D::new("d");
            let x = pend(1, val("x", 1u32)).await + { let y = pend(1, v).await.ok_or("none")?; y };
            let Some(q) = ({ let z = pend(1, val("z", v)).await; z }) else { return Err("no".into()) };
            let a = takes(&{ let k = pend(1, 2u32).await; k }, &{ let s = pend(1, String::from("ab")).await; s });
            let r: Vec<u32> = (pend(1, 0u32).await..{ let e = pend(1, 3u32).await; e }).collect();
            let c = if { let c = pend(1, true).await; c } && { let d = pend(1, false).await; !d } { 1 } else { 2 };
            let m = pend(1, 1u32).await.max({ let m = pend(1, 5u32).await; m });
            let w = (pend(1, 1u32).await, { let q = pend(1, 2u32).await; q }).1;
            Ok(x + q + a + r.len() as u32 + c + m + w)
        }
    },
    run: async { (f(Some(1)).await, f(None).await) },
}

differential! {
    /// Control for s4-1: the same block as a call argument, and a block whose
    /// only await is its tail as an operand.
    name: block_awaiting_before_tail_as_call_arg,
    items: {
        fn id(a: usize) -> usize { a }
        #[lh] async fn f(x: usize) -> usize {
            let y = id({ pend(1, ()).await; 1usize });
            let z = { pend(1, 1usize).await } + x;
            y + z
        }
    },
    run: f(1),
}

differential! {
    name: mutual_recursion_one_edge_boxed,
    items: {
        #[lh] async fn even(n: u32) -> bool {
            if n == 0 { return pend(1, true).await; }
            Box::pin(odd(n - 1)).await
        }
        #[lh] async fn odd(n: u32) -> bool {
            if n == 0 { return false; }
            even(n - 1).await
        }
    },
    run: even(4),
}

known_gap! {
    reason: "s4-3 minimal (runs differently, events): `match G(D::new(\"temp\"), n).1 { 0 => 0, x => { log(\"arm\"); pend(1, x).await } }`: rustc drops the temporary `G` at the end of the `match` (after the await; on cancellation after `drop pend`), longhand at the suspension (`drop temp` before `-- drop after 1 polls`); with a method instead of a field (`G(..).get()`) it matches rustc",
    differential! {
        name: match_on_field_of_temporary_arm_awaits,
        items: {
            struct G(D, u32);
            #[lh] async fn f(n: u32) -> u32 {
                match G(D::new("temp"), n).1 {
                    0 => 0,
                    x => { log("arm"); pend(1, x).await }
                }
            }
        },
        run: f(2),
    }
}

differential! {
    name: match_on_field_of_refcell_borrow_arm_awaits,
    items: {
        struct S { n: u32 }
        #[lh] async fn f(c: &RefCell<S>) -> bool {
            match c.borrow().n {
                x => { pend(1, x).await; c.try_borrow_mut().is_ok() }
            }
        }
    },
    run: async { let c = RefCell::new(S { n: 1 }); f(&c).await },
}

differential! {
    /// Control for s4-3: a method of the temporary in the scrutinee keeps it
    /// alive through the arm's await, as rustc does.
    name: match_on_method_of_temporary_arm_awaits,
    items: {
        struct G(D, u32);
        impl G { fn get(&self) -> u32 { self.1 } }
        #[lh] async fn f(n: u32) -> u32 {
            match G(D::new("temp"), n).get() {
                0 => 0,
                x => { log("arm"); pend(1, x).await }
            }
        }
    },
    run: f(2),
}

differential! {
    name: while_let_method_of_temporary_body_awaits,
    items: {
        struct G(D, u32);
        impl G { fn next(&self) -> Option<u32> { if self.1 > 0 { Some(self.1) } else { None } } }
        #[lh] async fn f(mut n: u32) -> u32 {
            let mut s = 0;
            while let Some(x) = G(D::new("temp"), n).next() {
                log("body");
                s += pend(1, x).await;
                n -= 1;
            }
            s
        }
    },
    run: f(2),
}

differential! {
    name: pinned_local_if_let_copy_binding_use_after_free,
    items: {
        #[lh] async fn f(m: Result<Vec<u8>, u32>) -> String {
            let r = &m;
            pend(1, ()).await;
            let ok = r.is_ok();
            if let Err(n) = m { log(format!("{n}")); }
            format!("{m:?} {ok}")
        }
    },
    run: f(Ok(vec![1, 2, 3])),
}

differential! {
    name: pinned_local_match_copy_binding_use_after_free,
    items: {
        #[lh] async fn f(m: Result<Vec<u8>, u32>) -> String {
            let r = &m;
            pend(1, ()).await;
            let ok = r.is_ok();
            match m { Err(n) => log(format!("{n}")), _ => {} }
            format!("{m:?} {ok}")
        }
    },
    run: f(Ok(vec![1, 2, 3])),
}

differential! {
    name: pinned_local_let_tuple_copy_binding_use_after_free,
    items: {
        #[lh] async fn f(m: (Vec<u8>, u32)) -> String {
            let r = &m.0;
            pend(1, ()).await;
            let l = r.len();
            let (_, n) = m;
            format!("{m:?} {l} {n}")
        }
    },
    run: f((vec![1, 2, 3], 4)),
}

differential! {
    name: ref_binding_across_await_then_copy_binding_use_after_free,
    items: {
        #[lh] async fn f(m: Result<Vec<u8>, u32>) -> String {
            if let Ok(ref bytes) = m {
                pend(1, ()).await;
                log(format!("{}", bytes.len()));
            }
            if let Err(n) = m { log(format!("{n}")); }
            format!("{m:?}")
        }
    },
    run: f(Ok(vec![1, 2, 3])),
}

differential! {
    name: closure_capturing_local_only_in_inner_async_move,
    items: {
        #[lh] async fn f() -> u32 {
            let base = 10;
            let fetch = |id: u32| async move { id + base };
            pend(1, ()).await;
            fetch(2).await
        }
    },
    run: f(),
}

differential! {
    /// Control for s4-6: the same closure without the `async move` block.
    name: closure_capturing_local_kept_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let base = 10;
            let fetch = |id: u32| id + base;
            pend(1, ()).await;
            fetch(2)
        }
    },
    run: f(),
}

differential! {
    name: box_dyn_any_downcast_result_kept,
    items: {
        #[lh] async fn f(v: Box<dyn std::any::Any>) -> u32 {
            let r = v.downcast::<u32>();
            pend(1, ()).await;
            match r { Ok(d) => *d, Err(_) => 0 }
        }
    },
    run: f(Box::new(3u32)),
}

known_gap! {
    reason: "s4-8 minimal (runs differently, drop order): `let tag = D::new(\"tag\"); let c = move || tag.0.len(); pend(1, ()).await; c()`: edition 2021+ precise capture copies the `Copy` field `tag.0` into the closure and leaves `tag` whole; rustc drops `tag` at the end (after the await; on cancellation after `drop pend`), longhand treats `tag` as moved into the closure, keeps nothing, and drops it at the suspension (`drop tag` before `-- drop after 1 polls`); if `tag` is used again after the await it is kept and the case works; if it is also borrowed across the await (pinned) rustc reports E0597 at the borrow",
    differential! {
        name: move_closure_copies_field_local_dropped_early,
        items: {
            #[lh] async fn f() -> usize {
                let tag = D::new("tag");
                let c = move || tag.0.len();
                pend(1, ()).await;
                c()
            }
        },
        run: f(),
    }
}

known_gap! {
    reason: "s4-8, struct form (runs differently, drop order): `let cfg = Cfg { name: \"svc\", port: 80, _d: D::new(\"cfg\") }; let c = move || cfg.port as usize + cfg.name.len(); pend(1, ()).await; log(\"after\"); c()`: rustc logs `after` then `drop cfg`; longhand `drop cfg` then `after`",
    differential! {
        name: move_closure_copies_fields_struct_dropped_early,
        items: {
            struct Cfg { name: &'static str, port: u16, _d: D }
            #[lh] async fn f() -> usize {
                let cfg = Cfg { name: "svc", port: 80, _d: D::new("cfg") };
                let c = move || cfg.port as usize + cfg.name.len();
                pend(1, ()).await;
                log("after");
                c()
            }
        },
        run: f(),
    }
}

differential! {
    /// Control for s4-8: the local is used again after the await, so it is
    /// kept, and the closure's copied field is independent of it.
    name: move_closure_copies_field_local_used_later,
    items: {
        struct Cfg { name: String, port: u16, _d: D }
        #[lh] async fn f() -> usize {
            let cfg = Cfg { name: "svc".to_string(), port: 80, _d: D::new("cfg") };
            let c = move || cfg.port as usize;
            pend(1, ()).await;
            cfg.name.len() + c()
        }
    },
    run: f(),
}

differential! {
    name: pinned_struct_destructure_copy_field_use_after_free,
    items: {
        struct Cfg { name: Vec<u8>, port: u16 }
        #[lh] async fn f(cfg: Cfg) -> String {
            for b in cfg.name.iter() { pend(1, *b).await; }
            let Cfg { port, .. } = cfg;
            format!("{:?} {port}", cfg.name)
        }
    },
    run: f(Cfg { name: vec![1, 2], port: 8 }),
}

differential! {
    name: pinned_local_copy_binding_then_await_use_after_free,
    items: {
        #[lh] async fn f(mut m: Result<Vec<u8>, u32>) -> String {
            let r = &mut m;
            pend(1, ()).await;
            if let Ok(v) = r { v.push(9); }
            if let Err(n) = m { log(format!("{n}")); }
            pend(1, ()).await;
            format!("{m:?}")
        }
    },
    run: f(Ok(vec![1, 2, 3])),
}

differential! {
    name: pinned_local_copy_binding_early_drop,
    items: {
        #[lh] async fn f(m: Option<(D, u32)>) -> u32 {
            let r = &m;
            pend(1, ()).await;
            let ok = r.is_some();
            let n = if let Some((_, n)) = m { n } else { 0 };
            log("end");
            n
        }
    },
    run: f(Some((D::new("d"), 4))),
}

differential! {
    /// Control for s4-5: the same pinned local matched with a wildcard, or
    /// with a `ref` arm beside a `Copy` binding, is not moved.
    name: pinned_local_wildcard_and_mixed_ref_patterns,
    items: {
        #[lh] async fn f(m: Result<Vec<u8>, u32>) -> String {
            let r = &m;
            pend(1, ()).await;
            let ok = r.is_ok();
            if let Ok(_) = m { log("ok"); }
            let n = match m { Err(n) => n, Ok(ref v) => v.len() as u32 };
            format!("{m:?} {ok} {n}")
        }
    },
    run: f(Ok(vec![1, 2, 3])),
}
