//! Stress round 5: `.await` inside macro arguments (`format!`, `vec!`,
//! `assert!`, `write!`, `matches!`, user macros), compound assignment and
//! indexing whose operands await, struct-update syntax and nested literals,
//! `Option`/`Result` combinators around awaits, hand-written state machines
//! over enums holding drop-logging values, shadowing-heavy code, labeled
//! blocks and loops, generic code and trait methods, panics mid-expression,
//! borrows of slices and halves kept across awaits. Written to find where the
//! lowering differs from rustc (findings "s5-N", kept as `known_gap!` with
//! their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces
)]
// Shapes written on purpose: nested `format!`s with awaited arguments,
// `let`-then-return tails (the binding's drop order is the point), loops
// indexing by position (the index is part of the awaited place), `&mut Vec`
// parameters pushed to, hand-written checks (`% 2 == 0`, a division guarded
// by hand inside a closure that panics), `RefCell` and `Mutex` guards held
// across awaits (rustc keeps them; the cases check that), and the by-value
// std methods of finding s5-5 (`or_insert_with(Vec::new)`, `Iterator::last`)
// spelled as users write them.
#![allow(
    clippy::format_in_format_args,
    clippy::let_and_return,
    clippy::needless_range_loop,
    clippy::ptr_arg,
    clippy::manual_is_multiple_of,
    clippy::manual_checked_ops,
    clippy::await_holding_refcell_ref,
    clippy::await_holding_lock,
    clippy::unwrap_or_default,
    clippy::double_ended_iterator_last
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::rc::Rc;

// ---------------------------------------------------------------------------
// 1. `.await` inside macro arguments
// ---------------------------------------------------------------------------

differential! {
    /// `format!` whose arguments mix a plain call, an awaited `&str` and a
    /// method on an awaited `D` temporary (dropped at the end of the `let`).
    name: format_args_mixed_awaits_and_temporaries,
    items: {
        #[lh] async fn render(name: &'static str) -> String {
            let ctx = D::new("ctx");
            let s = format!(
                "{}-{}-{}",
                ctx.touch(),
                pend(1, name).await,
                pend(2, D::new("tmp")).await.touch()
            );
            log(s.clone());
            pend(1, ()).await;
            s
        }
    },
    run: render("svc"),
}

differential! {
    /// `vec![..]` of `D`s where the middle element is awaited: the first is a
    /// live temporary while the second suspends (cancellation drops it).
    name: vec_literal_of_drops_middle_awaited,
    items: {
        #[lh] async fn build() -> usize {
            let v = vec![D::new("a"), pend(2, D::new("b")).await, D::new("c")];
            log(format!("built {}", v.len()));
            let w = vec![pend(1, 7u32).await; 3];
            pend(1, ()).await;
            v.len() + w.iter().sum::<u32>() as usize
        }
    },
    run: build(),
}

differential! {
    /// `assert_eq!` and `assert!` whose operands await, one with a message
    /// (no await in it); the last assertion fails with live locals.
    name: assert_operands_await_then_fail,
    items: {
        #[lh] async fn check(x: u32) -> u32 {
            let _g = D::new("guard");
            assert_eq!(pend(1, x + 1).await, x + 1, "mismatch for {}", x);
            assert!(pend(1, true).await && x > 0);
            assert!(x > 100 || pend(2, x < 10).await, "x = {x}");
            let held = D::new("held");
            assert_ne!(pend(1, x).await, 3, "x was three");
            x
        }
    },
    run: async { (check(2).await, check(3).await) },
}

differential! {
    /// `write!` / `writeln!` into a `String` with awaited arguments and `?`
    /// on the `fmt::Result` mapped into a `String` error.
    name: write_macro_into_string_awaited_args,
    items: {
        #[lh] async fn report(items: Vec<(&'static str, u32)>) -> Result<String, String> {
            let _r = D::new("report");
            let mut out = String::new();
            writeln!(out, "report of {}", pend(1, items.len()).await).map_err(|e| e.to_string())?;
            for (k, v) in items {
                write!(&mut out, "{}={};", k, pend(v % 2, v * 10).await).map_err(|e| e.to_string())?;
            }
            write!(out, "[{}]", pend(1, D::new("tail")).await.0).map_err(|e| e.to_string())?;
            Ok(out)
        }
    },
    run: report(vec![("a", 1), ("b", 2), ("c", 3)]),
}

differential! {
    /// `matches!` on awaited scrutinees with `|` patterns and a guard that
    /// does not await; used in `if` conditions and as values.
    name: matches_macro_awaited_scrutinee,
    items: {
        #[derive(Debug, Clone, Copy)]
        enum St { Idle, Busy(u32), Done }
        #[lh] async fn classify(xs: Vec<St>) -> Vec<bool> {
            let _c = D::new("cls");
            let mut out = Vec::new();
            for s in xs {
                if matches!(pend(1, s).await, St::Busy(n) if n > 2) {
                    log("busy>2");
                }
                let idle = matches!(pend(0, s).await, St::Idle | St::Done);
                out.push(idle);
            }
            out
        }
    },
    run: classify(vec![St::Idle, St::Busy(1), St::Busy(5), St::Done]),
}

differential! {
    /// `log(format!(..))` with nested `format!` and `vec!` whose innermost
    /// arguments await.
    name: nested_format_vec_macros,
    items: {
        #[lh] async fn nest(n: u32) -> Vec<String> {
            let d = D::new("n");
            log(format!("got {}", format!("[{}]", pend(1, n).await)));
            let v = vec![
                format!("{}", pend(1, n + 1).await),
                format!("{:?}", vec![pend(1, n + 2).await; 2]),
                format!("{}{}", d.0, pend(0, "!").await),
            ];
            v
        }
    },
    run: nest(4),
}

differential! {
    /// A `panic!` whose message argument is awaited (a `D` temporary that
    /// drops during unwinding), behind a condition.
    name: panic_message_argument_awaited,
    items: {
        #[lh] async fn fail(bad: bool) -> u32 {
            let _a = D::new("a");
            let n = pend(1, 5u32).await;
            if bad {
                panic!("bad {} / {}", n, pend(1, D::new("p")).await.0);
            }
            n
        }
    },
    run: async { fail(false).await + fail(true).await },
}

differential! {
    /// Format-string captures (`{name}`) of locals kept across awaits,
    /// including a reference kept to a `D` and a shadowed name.
    name: format_inline_captures_of_kept_locals,
    items: {
        #[lh] async fn caps() -> String {
            let d = D::new("held");
            let r = &d;
            let n = pend(1, 3u32).await;
            let n = n * 2;
            let s = format!("{r:?} {n} {}", pend(1, n + 1).await);
            let d2 = D::new("second");
            let t = format!("{s}|{d2:?}|{}", r.touch());
            pend(1, ()).await;
            t
        }
    },
    run: caps(),
}

differential! {
    /// A block with an await as a `format!` argument, and `matches!` inside
    /// `assert!`.
    name: block_argument_in_format_and_assert_matches,
    items: {
        #[lh] async fn blocks(x: Option<u32>) -> String {
            let _b = D::new("b");
            let s = format!("{}:{}", {
                let t = D::new("inner");
                let v = pend(1, 2u32).await;
                v * 2
            }, x.unwrap_or(0));
            assert!(matches!(pend(1, x).await, Some(1..=9) | None));
            s
        }
    },
    run: async { (blocks(Some(3)).await, blocks(None).await) },
}

known_gap! {
    reason: "s5-2 (refused with a message, tests/ui/await_in_ensure_error.rs): an `.await` in `ensure!`'s error, which runs only when the condition fails: \"this `.await` in `ensure!` runs only when the condition fails; longhand would hoist it out of the macro and run it always\". (`ensure!` and `bail!` without such an await return through a closure longhand runs them in: `user_ensure_and_bail_macros_return`, `anyhow_bail_and_ensure`.)",
    differential! {
        /// A user `ensure!` macro (anyhow/snafu style): the error expression runs
        /// only when the condition fails. Here it awaits.
        name: user_ensure_macro_awaits_only_on_failure,
        items: {
            macro_rules! ensure {
                ($c:expr, $e:expr) => {
                    if !$c {
                        return Err($e);
                    }
                };
            }
            #[lh] async fn validate(n: u32) -> Result<u32, String> {
                let _v = D::new("validate");
                ensure!(n > 0, format!("zero: {}", pend(2, "empty").await));
                let m = pend(1, n * 2).await;
                ensure!(m < 10, format!("too big: {}", pend(1, m).await));
                Ok(m)
            }
        },
        run: async { (validate(0).await, validate(2).await, validate(7).await) },
    }
}

known_gap! {
    reason: "s5-3 (refused with a message, tests/ui/await_in_user_macro_argument.rs): a user macro `square!($e) => $e * $e` called with `pend(1, val(\"x\", 3)).await`: rustc expands first and awaits two futures (`x 3`, `x 3`, 3 polls); longhand would hoist the await out and evaluate it once (one `x 3`, 2 polls), so an `.await` in the arguments of a macro not known to evaluate them once is refused: \"longhand cannot tell how `square!` evaluates this argument\"",
    differential! {
        /// A user macro that evaluates its argument twice (`$e * $e`), with an
        /// awaiting argument: rustc awaits two futures.
        name: user_macro_duplicates_awaiting_argument,
        items: {
            macro_rules! square {
                ($e:expr) => {
                    $e * $e
                };
            }
            #[lh] async fn sq() -> u32 {
                let _s = D::new("sq");
                let a = square!(pend(1, val("x", 3u32)).await);
                a + 1
            }
        },
        run: sq(),
    }
}

known_gap! {
    reason: "s5-3 (refused with a message, as `square!`): a user logging macro that evaluates its arguments only when a level is on (`if $on { log(format!($($arg)*)) }`, as `tracing::debug!` does) with `pend(1, n + 1).await` among them: with the level off rustc never awaits (4 polls for both calls); longhand would hoist the await out of the macro and await it anyway (5 polls), so it refuses it",
    differential! {
        /// A user logging macro that skips its arguments when a level is off
        /// (`tracing::debug!`-like), with awaits in the arguments.
        name: user_level_macro_skips_arguments,
        items: {
            macro_rules! debug_log {
                ($on:expr, $($arg:tt)*) => {
                    if $on {
                        log(format!($($arg)*));
                    }
                };
            }
            #[lh] async fn traced(on: bool) -> u32 {
                let _t = D::new("traced");
                let n = pend(1, 4u32).await;
                debug_log!(on, "n = {}, next = {}", n, pend(1, n + 1).await);
                n
            }
        },
        run: async { (traced(true).await, traced(false).await) },
    }
}

differential! {
    /// `matches!` with a guard that awaits: the guard runs only when the
    /// pattern matches.
    name: matches_macro_guard_awaits,
    items: {
        #[lh] async fn guarded(x: Option<u32>) -> bool {
            let _g = D::new("g");
            let hit = matches!(x, Some(n) if n > pend(1, val("limit", 2u32)).await);
            pend(1, ()).await;
            hit
        }
    },
    run: async { (guarded(None).await, guarded(Some(1)).await, guarded(Some(5)).await) },
}

// ---------------------------------------------------------------------------
// 2. Compound assignment and indexing with awaits
// ---------------------------------------------------------------------------

differential! {
    /// `a[i.await] += b.await` on a `Vec<u32>`, with logged operands: for
    /// primitives rustc evaluates the right operand, then the place.
    name: index_awaited_plus_assign_awaited,
    items: {
        #[lh] async fn bump(mut a: Vec<u32>) -> Vec<u32> {
            let _d = D::new("bump");
            a[pend(1, val("i", 1usize)).await] += pend(2, val("b", 10u32)).await;
            a[val("j", 0usize)] -= pend(1, val("c", 1u32)).await;
            a[pend(1, val("k", 2usize)).await] *= val("d", 3u32);
            a
        }
    },
    run: bump(vec![5, 6, 7]),
}

differential! {
    /// `v[idx] = f().await` replacing `D`s in a `Vec<D>`: the old element
    /// drops after the new value is ready; cancellation drops the vec whole.
    name: vec_of_drops_index_assign_awaited,
    items: {
        #[lh] async fn replace(names: Vec<&'static str>) -> Vec<&'static str> {
            let mut v = vec![D::new("old0"), D::new("old1"), D::new("old2")];
            for (i, n) in names.into_iter().enumerate() {
                let idx = val("idx", (i * 2) % 3);
                v[idx] = pend(1, D::new(n)).await;
                log(format!("set {idx}"));
            }
            v.iter().map(|d| d.0).collect()
        }
    },
    run: replace(vec!["new0", "new1"]),
}

differential! {
    /// Nested field compound assignment: `s.stats.hits += x.await`, through
    /// a `&mut self` method and on a local.
    name: nested_field_plus_assign_awaited,
    items: {
        #[derive(Debug, Default)]
        struct Stats { hits: u32, bytes: u64 }
        #[derive(Debug)]
        struct Srv { stats: Stats, _d: D }
        impl Srv {
            #[lh] async fn serve(&mut self, n: u32) -> u32 {
                self.stats.hits += pend(1, 1).await;
                self.stats.bytes += pend(1, n as u64 * 100).await;
                self.stats.hits
            }
        }
        #[lh] async fn go() -> (u32, u64) {
            let mut s = Srv { stats: Stats::default(), _d: D::new("srv") };
            s.serve(3).await;
            s.serve(4).await;
            s.stats.bytes += pend(1, 1).await;
            (s.stats.hits, s.stats.bytes)
        }
    },
    run: go(),
}

differential! {
    /// `*map.entry(k).or_insert(0) += n.await` in a word-count loop over a
    /// `HashMap`, then a `BTreeMap` for a stable output.
    name: map_entry_or_insert_plus_assign_awaited,
    items: {
        #[lh] async fn count(words: Vec<&'static str>) -> Vec<(&'static str, u32)> {
            let _c = D::new("count");
            let mut m: HashMap<&str, u32> = HashMap::new();
            for w in &words {
                *m.entry(w).or_insert(0) += pend(1, w.len() as u32).await;
            }
            let mut b: BTreeMap<&str, u32> = BTreeMap::new();
            for (k, v) in m {
                *b.entry(k).or_default() += pend(0, v).await;
            }
            b.into_iter().collect()
        }
    },
    run: count(vec!["a", "bb", "a", "ccc", "bb"]),
}

differential! {
    /// Tuple-field assignment `x.0 .1 = ..await` replacing a `D`, and
    /// `x.1 += ..await`.
    name: tuple_field_assign_awaited_drop,
    items: {
        #[lh] async fn tup() -> (u32, &'static str) {
            let mut x = ((1u32, D::new("first")), 10u32);
            x.0 .1 = pend(1, D::new("second")).await;
            log("assigned");
            x.1 += pend(1, x.0 .0).await;
            x.0 .0 = pend(1, 5).await;
            (x.0 .0 + x.1, x.0 .1 .0)
        }
    },
    run: tup(),
}

differential! {
    /// Nested indexing `grid[r][c] += ..await` and an index computed from the
    /// vector itself (`v[v.len() - 1]`).
    name: grid_nested_index_plus_assign,
    items: {
        #[lh] async fn fill(n: usize) -> (Vec<Vec<u32>>, Vec<u32>) {
            let _g = D::new("grid");
            let mut grid = vec![vec![0u32; n]; n];
            for r in 0..n {
                for c in 0..n {
                    grid[r][c] += pend((r + c) as u32 % 2, (r * n + c) as u32).await;
                }
            }
            let mut v = vec![1u32, 2, 3];
            let last = v.len() - 1;
            v[last] += pend(1, 100).await;
            v[last - 1] = v[last] + pend(1, 1).await;
            (grid, v)
        }
    },
    run: fill(2),
}

differential! {
    /// A `&mut` reference local kept across awaits and written through with
    /// `*r += x.await`, and `r.push(x.await)`.
    name: mut_ref_local_compound_assign_and_push,
    items: {
        #[lh] async fn acc(xs: Vec<u32>) -> (u32, Vec<D>) {
            let mut total = 0u32;
            let mut seen: Vec<D> = Vec::new();
            let r = &mut total;
            let s = &mut seen;
            for x in xs {
                *r += pend(1, x).await;
                s.push(pend(x % 2, D::new(if x % 2 == 0 { "even" } else { "odd" })).await);
            }
            (total, seen)
        }
    },
    run: acc(vec![1, 2, 3]),
}

differential! {
    /// A ring buffer written by a `&mut self` method: `self.buf[self.pos] =
    /// x.await`, `self.pos = (self.pos + 1) % N`.
    name: ring_buffer_self_index_assign,
    items: {
        struct Ring { buf: [u32; 3], pos: usize, _d: D }
        impl Ring {
            #[lh] async fn push(&mut self, x: u32) -> usize {
                self.buf[self.pos] = pend(1, x).await;
                self.pos = (self.pos + 1) % self.buf.len();
                self.pos
            }
        }
        #[lh] async fn go() -> [u32; 3] {
            let mut r = Ring { buf: [0; 3], pos: 0, _d: D::new("ring") };
            for i in 1..=4 {
                r.push(i * 10).await;
            }
            r.buf[pend(1, 0usize).await] += 1;
            r.buf
        }
    },
    run: go(),
}

differential! {
    /// A `bail!` macro (anyhow style, `return Err(..)` in its expansion) used
    /// after an await, without awaits in its arguments.
    name: user_bail_macro_returns_after_await,
    items: {
        macro_rules! bail {
            ($($arg:tt)*) => {
                return Err(format!($($arg)*))
            };
        }
        #[lh] async fn open(n: u32) -> Result<u32, String> {
            let _o = D::new("open");
            let got = pend(1, n).await;
            if got == 0 {
                bail!("zero after {} polls", 1);
            }
            Ok(got)
        }
    },
    run: async { (open(0).await, open(3).await) },
}

differential! {
    /// A `skip_if!` macro hiding a `continue` inside a loop whose iterations
    /// await, and `stop_if!` hiding a `break`.
    name: user_macro_hides_continue_and_break,
    items: {
        macro_rules! skip_if {
            ($c:expr) => {
                if $c {
                    continue;
                }
            };
        }
        macro_rules! stop_if {
            ($c:expr) => {
                if $c {
                    break;
                }
            };
        }
        #[lh] async fn walk(xs: Vec<u32>) -> Vec<u32> {
            let _w = D::new("walk");
            let mut out = Vec::new();
            for x in xs {
                let d = D::new("item");
                let y = pend(1, x).await;
                skip_if!(y % 2 == 0);
                stop_if!(y > 6);
                out.push(pend(1, y * 10).await);
            }
            out
        }
    },
    run: walk(vec![1, 2, 3, 4, 5, 9, 11]),
}

// ---------------------------------------------------------------------------
// 3. Struct-update syntax and nested literals with awaits
// ---------------------------------------------------------------------------

differential! {
    /// `Cfg { name: x.await, ..Cfg::default() }` with a temporary base whose
    /// overridden field has a destructor (dropped at the end of the `let`).
    name: struct_update_temporary_base_awaited_field,
    items: {
        #[derive(Debug)]
        struct Cfg { name: D, port: u16, retries: u32 }
        fn base() -> Cfg {
            log("base");
            Cfg { name: D::new("default-name"), port: 80, retries: 3 }
        }
        #[lh] async fn load() -> (u16, u32, &'static str) {
            let cfg = Cfg { name: pend(1, D::new("custom")).await, port: pend(1, 8080).await, ..base() };
            log("built");
            pend(1, ()).await;
            (cfg.port, cfg.retries, cfg.name.0)
        }
    },
    run: load(),
}

differential! {
    /// `..base` from a local whose remaining fields are `Copy`, the moved
    /// field a `D` written after awaits; `base` is fully moved.
    name: struct_update_local_base_copy_rest,
    items: {
        #[derive(Debug)]
        struct Req { id: u32, timeout: u32, body: D }
        #[lh] async fn retry(base: Req) -> Vec<u32> {
            let r1 = Req { id: pend(1, base.id + 1).await, ..base };
            let r2 = Req { timeout: pend(1, 99).await, body: D::new("body2"), ..r1 };
            log(format!("r1 timeout {}", r1.timeout));
            pend(1, ()).await;
            vec![r1.id, r2.id, r2.timeout]
        }
    },
    run: retry(Req { id: 1, timeout: 5, body: D::new("body1") }),
}

differential! {
    /// Enum variants with awaited payloads, tuple and struct form, with `D`s
    /// evaluated before the awaited operand (cancellation drops them).
    name: enum_variant_payloads_awaited,
    items: {
        #[derive(Debug)]
        enum Msg { Data(D, D), Named { id: u32, hdr: D, body: D }, Empty }
        #[lh] async fn make(k: u32) -> Vec<Msg> {
            let mut v = Vec::new();
            v.push(Msg::Data(D::new("hdr"), pend(1, D::new("body")).await));
            v.push(Msg::Named { hdr: D::new("h2"), id: pend(k, k).await, body: pend(1, D::new("b2")).await });
            if k > 1 {
                v.push(pend(1, Msg::Empty).await);
            }
            v
        }
    },
    run: async { make(2).await.len() },
}

differential! {
    /// Arrays: `[f().await; 1]` of a non-`Copy` type, `[a, b.await, c]` of
    /// `D`s, and a `[u8; 4]` from awaited bytes.
    name: array_literals_awaited,
    items: {
        #[lh] async fn arrays() -> usize {
            let one = [pend(1, D::new("solo")).await; 1];
            let three = [D::new("x"), pend(2, D::new("y")).await, D::new("z")];
            let bytes = [pend(1, 1u8).await, 2, pend(0, 3u8).await, 4];
            log(format!("{:?}", bytes));
            pend(1, ()).await;
            one.len() + three.len() + bytes.iter().map(|b| *b as usize).sum::<usize>()
        }
    },
    run: arrays(),
}

differential! {
    /// A tuple of awaits and `D`s: on cancellation at the second await the
    /// operands evaluated so far drop; the finished tuple drops in field order.
    name: tuple_of_awaits_and_drops,
    items: {
        #[lh] async fn tup() -> u32 {
            let t = (
                D::new("a"),
                pend(1, D::new("b")).await,
                D::new("c"),
                pend(2, D::new("d")).await,
                pend(1, 4u32).await,
            );
            log("tuple built");
            let (a, b, c, d, n) = t;
            pend(1, ()).await;
            a.touch() as u32 + c.touch() as u32 + n
        }
    },
    run: tup(),
}

differential! {
    /// A struct literal whose fields are written out of declaration order,
    /// each awaited: evaluation in written order, drop in declaration order.
    name: struct_literal_fields_out_of_order,
    items: {
        #[derive(Debug)]
        struct P { first: D, second: D, third: D }
        #[lh] async fn make() -> &'static str {
            let p = P {
                third: pend(1, D::new("third")).await,
                first: D::new("first"),
                second: pend(1, D::new("second")).await,
            };
            pend(1, ()).await;
            p.second.0
        }
    },
    run: make(),
}

differential! {
    /// Nested literals: a struct holding a struct, a `vec!` and an `Option`
    /// of a `Box`, all with awaited parts, returned whole.
    name: nested_literals_struct_vec_box,
    items: {
        #[derive(Debug)]
        struct Inner { d: D, n: u32 }
        #[derive(Debug)]
        struct Outer { inner: Inner, tail: Vec<D>, extra: Option<Box<D>> }
        #[lh] async fn make(with: bool) -> Outer {
            Outer {
                inner: Inner { d: pend(1, D::new("inner")).await, n: pend(1, 2).await },
                tail: vec![D::new("t0"), pend(1, D::new("t1")).await],
                extra: if with { Some(Box::new(pend(1, D::new("extra")).await)) } else { None },
            }
        }
    },
    run: async { let a = make(true).await; let b = make(false).await; (a.inner.n, b.tail.len()) },
}

differential! {
    /// `Some(x.await)`, `Ok::<_, String>(..)`, `Box::new(..await)` and
    /// `Rc::new(..await)` as operands of a `match` on a tuple.
    name: wrapper_constructors_awaited_operands,
    items: {
        #[lh] async fn wraps(n: u32) -> String {
            let pair = (Some(pend(1, D::new("some")).await), Ok::<_, String>(pend(1, n).await));
            let b = Box::new(pend(1, D::new("boxed")).await);
            let rc = Rc::new(pend(0, D::new("rc")).await);
            let rc2 = rc.clone();
            match pair {
                (Some(d), Ok(k)) if k > 1 => format!("{}:{}:{}:{}", d.0, k, b.0, Rc::strong_count(&rc2)),
                (_, Ok(k)) => format!("small {k}"),
                (_, Err(e)) => e,
            }
        }
    },
    run: async { (wraps(2).await, wraps(1).await) },
}

// ---------------------------------------------------------------------------
// 4. Option/Result combinators around awaits
// ---------------------------------------------------------------------------

differential! {
    /// `self.slot.take()` in an `if let` whose body awaits, then the slot is
    /// refilled with `get_or_insert_with`.
    name: option_take_then_get_or_insert_with,
    items: {
        struct Holder { slot: Option<D>, n: u32 }
        impl Holder {
            #[lh] async fn refill(&mut self) -> u32 {
                if let Some(d) = self.slot.take() {
                    pend(1, ()).await;
                    d.touch();
                    self.n += 1;
                }
                let fresh = self.slot.get_or_insert_with(|| D::new("lazy"));
                fresh.touch();
                pend(1, self.n).await
            }
        }
        #[lh] async fn go() -> u32 {
            let mut h = Holder { slot: Some(D::new("initial")), n: 0 };
            let a = h.refill().await;
            let b = h.refill().await;
            a + b
        }
    },
    run: go(),
}

differential! {
    /// `if let Some(ref mut x) = opt` with awaits in the body writing through
    /// `x`, and `opt.as_mut()` in a second `if let`.
    name: if_let_ref_mut_binding_awaits_in_body,
    items: {
        #[lh] async fn grow(mut opt: Option<Vec<u32>>) -> Option<Vec<u32>> {
            let _g = D::new("grow");
            if let Some(ref mut v) = opt {
                v.push(pend(1, 1).await);
                v.push(pend(1, 2).await);
            }
            if let Some(v) = opt.as_mut() {
                let n = pend(1, v.len() as u32).await;
                v.push(n);
            }
            opt
        }
    },
    run: async { (grow(Some(vec![0])).await, grow(None).await) },
}

differential! {
    /// `match &mut state { .. }` with awaits in the arms mutating through the
    /// bindings.
    name: match_mut_ref_state_awaits_in_arms,
    items: {
        #[derive(Debug)]
        enum Acc { Items(Vec<D>), Count(u32), Off }
        #[lh] async fn feed(mut st: Acc, n: u32) -> Acc {
            for i in 0..n {
                match &mut st {
                    Acc::Items(v) => v.push(pend(1, D::new("item")).await),
                    Acc::Count(c) => *c += pend(1, i).await,
                    Acc::Off => { pend(0, ()).await; }
                }
            }
            st
        }
    },
    run: async {
        let a = feed(Acc::Items(vec![D::new("seed")]), 2).await;
        let b = feed(Acc::Count(10), 3).await;
        let c = feed(Acc::Off, 1).await;
        (format!("{a:?}"), format!("{b:?}"), format!("{c:?}"))
    },
}

differential! {
    /// `std::mem::replace` and `std::mem::take` on an `Option<D>` local across
    /// awaits: the replaced value is held, then dropped explicitly.
    name: mem_replace_take_option_drop_across_awaits,
    items: {
        #[lh] async fn swap() -> Vec<&'static str> {
            let mut slot = Some(D::new("one"));
            let old = std::mem::replace(&mut slot, pend(1, Some(D::new("two"))).await);
            pend(1, ()).await;
            let taken = std::mem::take(&mut slot);
            log(format!("old {:?} taken {:?}", old.as_ref().map(|d| d.0), taken.as_ref().map(|d| d.0)));
            drop(old);
            pend(1, ()).await;
            slot = Some(D::new("three"));
            vec![taken.map(|d| d.0).unwrap_or("none"), slot.as_ref().map(|d| d.0).unwrap_or("none")]
        }
    },
    run: swap(),
}

differential! {
    /// Combinators on awaited values: `.map`, `.and_then`, `.unwrap_or`,
    /// `.ok_or_else(..)?`, `.filter`, `.as_deref()`.
    name: combinators_on_awaited_values,
    items: {
        #[lh] async fn chain(x: Option<u32>, name: Option<String>) -> Result<String, String> {
            let _c = D::new("chain");
            let doubled = pend(1, x).await.map(|v| v * 2).unwrap_or(0);
            let checked = pend(1, x).await.and_then(|v| v.checked_sub(1)).filter(|v| *v > 0);
            let n = pend(1, name.as_deref()).await.ok_or_else(|| format!("no name ({doubled})"))?;
            let upper = pend(0, n.to_uppercase()).await;
            Ok(format!("{upper}:{doubled}:{checked:?}"))
        }
    },
    run: async {
        (chain(Some(3), Some("ab".into())).await, chain(None, None).await, chain(Some(1), Some("z".into())).await)
    },
}

differential! {
    /// `if let Some(d) = pend(..).await.as_ref()`: the awaited temporary lives
    /// to the end of the `if let`, through the body's awaits.
    name: if_let_as_ref_of_awaited_temporary,
    items: {
        #[lh] async fn peek() -> usize {
            let _p = D::new("peek");
            if let Some(d) = pend(1, Some(D::new("temp"))).await.as_ref() {
                pend(1, ()).await;
                log("body");
                d.touch()
            } else {
                0
            }
        }
    },
    run: peek(),
}

differential! {
    /// A `Result` combinator chain on an awaited `Result<D, _>`: `.as_ref()`,
    /// `.map_err`, `.is_ok_and`, then `?` on the owned value.
    name: result_as_ref_map_err_then_question,
    items: {
        #[lh] async fn res(ok: bool) -> Result<usize, String> {
            let r: Result<D, u32> = pend(1, if ok { Ok(D::new("ok")) } else { Err(7) }).await;
            let good = r.as_ref().is_ok_and(|d| d.0.len() == 2);
            log(format!("good {good}"));
            let d = pend(1, r).await.map_err(|e| format!("code {e}"))?;
            pend(1, ()).await;
            Ok(d.touch())
        }
    },
    run: async { (res(true).await, res(false).await) },
}

// ---------------------------------------------------------------------------
// 5. State-machine style code
// ---------------------------------------------------------------------------

differential! {
    /// `state = match state { .. }` over an enum holding `D`s, arms that await
    /// with the old state moved out, a guard, and `break` from the loop.
    name: state_reassigned_from_match_on_itself,
    items: {
        #[derive(Debug)]
        enum Conn { Idle(D), Connecting(D, u32), Connected { sock: D, sent: u32 }, Closed }
        #[lh] async fn run_conn(n: u32) -> u32 {
            let mut state = Conn::Idle(D::new("idle"));
            let mut steps = 0;
            loop {
                state = match state {
                    Conn::Idle(d) => {
                        pend(1, ()).await;
                        drop(d);
                        Conn::Connecting(D::new("dial"), 0)
                    }
                    Conn::Connecting(d, tries) if tries < 2 => {
                        pend(1, ()).await;
                        Conn::Connecting(d, tries + 1)
                    }
                    Conn::Connecting(d, _) => Conn::Connected { sock: d, sent: 0 },
                    Conn::Connected { sock, sent } if sent >= n => {
                        sock.touch();
                        Conn::Closed
                    }
                    Conn::Connected { sock, sent } => {
                        let k = pend(1, 1).await;
                        Conn::Connected { sock, sent: sent + k }
                    }
                    Conn::Closed => break,
                };
                steps += 1;
            }
            steps
        }
    },
    run: run_conn(2),
}

differential! {
    /// The same loop with an early `return Err(..)` out of an arm that holds
    /// a `D` binding, after an await.
    name: state_machine_early_return_from_arm,
    items: {
        #[derive(Debug)]
        enum St { Start, Reading(D, Vec<u8>), Failed(u8) }
        #[lh] async fn read_all(bytes: Vec<u8>) -> Result<Vec<u8>, String> {
            let mut it = bytes.into_iter();
            let mut st = St::Start;
            loop {
                st = match st {
                    St::Start => St::Reading(D::new("reader"), Vec::new()),
                    St::Reading(r, mut buf) => match pend(1, it.next()).await {
                        Some(0xff) => St::Failed(0xff),
                        Some(b) => { buf.push(b); St::Reading(r, buf) }
                        None => { r.touch(); return Ok(buf); }
                    },
                    St::Failed(code) => {
                        let _e = D::new("err");
                        pend(1, ()).await;
                        return Err(format!("bad byte {code:#x}"));
                    }
                };
            }
        }
    },
    run: async { (read_all(vec![1, 2]).await, read_all(vec![1, 0xff, 2]).await) },
}

differential! {
    /// A `&mut self` driver: `match std::mem::replace(&mut self.state,
    /// Phase::Poisoned)` with awaits in the arms, then `self.state = next`.
    name: self_state_mem_replace_driver,
    items: {
        #[derive(Debug)]
        enum Phase { Handshake(D), Streaming { conn: D, left: u32 }, Done, Poisoned }
        struct Session { state: Phase, log: Vec<String> }
        impl Session {
            #[lh] async fn step(&mut self) -> bool {
                let next = match std::mem::replace(&mut self.state, Phase::Poisoned) {
                    Phase::Handshake(h) => {
                        let ok = pend(1, true).await;
                        self.log.push(format!("hs {ok}"));
                        Phase::Streaming { conn: h, left: 2 }
                    }
                    Phase::Streaming { conn, left: 0 } => {
                        conn.touch();
                        Phase::Done
                    }
                    Phase::Streaming { conn, left } => {
                        self.log.push(format!("chunk {}", pend(1, left).await));
                        Phase::Streaming { conn, left: left - 1 }
                    }
                    Phase::Done => return false,
                    Phase::Poisoned => panic!("poisoned"),
                };
                self.state = next;
                true
            }
        }
        #[lh] async fn go() -> Vec<String> {
            let mut s = Session { state: Phase::Handshake(D::new("conn")), log: Vec::new() };
            while s.step().await {}
            s.log
        }
    },
    run: go(),
}

differential! {
    /// `match &mut self.state` with an arm that awaits while holding the
    /// binding, then switches `self.state` after the binding's last use.
    name: self_state_match_mut_ref_switch_after_use,
    items: {
        #[derive(Debug)]
        enum Buf { Filling(Vec<u32>), Flushing(Vec<u32>), Idle }
        struct W { state: Buf, flushed: Vec<u32>, _d: D }
        impl W {
            #[lh] async fn write(&mut self, x: u32) {
                match &mut self.state {
                    Buf::Filling(v) => {
                        v.push(pend(1, x).await);
                        if v.len() >= 2 {
                            let full = std::mem::take(v);
                            self.state = Buf::Flushing(full);
                        }
                    }
                    Buf::Flushing(v) => {
                        pend(1, ()).await;
                        self.flushed.append(v);
                        self.state = Buf::Filling(vec![x]);
                    }
                    Buf::Idle => self.state = Buf::Filling(vec![pend(1, x).await]),
                }
            }
        }
        #[lh] async fn go() -> (Vec<u32>, String) {
            let mut w = W { state: Buf::Idle, flushed: Vec::new(), _d: D::new("w") };
            for i in 1..=5 {
                w.write(i).await;
            }
            (std::mem::take(&mut w.flushed), format!("{:?}", w.state))
        }
    },
    run: go(),
}

differential! {
    /// A traffic-light style `loop` + `match` with `continue` from one arm and
    /// a `break value` holding a `D`.
    name: state_loop_continue_and_break_value,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum L { Red, Green, Yellow }
        #[lh] async fn cycle(limit: u32) -> (u32, D) {
            let mut l = L::Red;
            let mut ticks = 0;
            let out = loop {
                let _tick = D::new("tick");
                ticks += pend(1, 1).await;
                l = match l {
                    L::Red => L::Green,
                    L::Green if ticks < limit => { pend(1, ()).await; continue; }
                    L::Green => L::Yellow,
                    L::Yellow => break D::new("stopped"),
                };
            };
            (ticks, out)
        }
    },
    run: async { let (t, d) = cycle(4).await; (t, d.0) },
}

// ---------------------------------------------------------------------------
// 6. Shadowing and rebinding
// ---------------------------------------------------------------------------

differential! {
    /// `let x = x.await; let x = &x; let x = x.len();` across several awaits,
    /// each stage's owner kept alive by the next stage's borrow.
    name: shadow_chain_owner_ref_len,
    items: {
        #[lh] async fn shadows(src: &'static str) -> usize {
            let x = pend(1, src.to_string()).await;
            let x = &x;
            let x = pend(1, x.trim()).await;
            let guard = D::new("g");
            let x = x.split(',').collect::<Vec<_>>();
            pend(1, ()).await;
            let x = x.len();
            let guard = D::new("g2");
            pend(1, x).await
        }
    },
    run: shadows(" a,b,c "),
}

differential! {
    /// Two `D`s bound to the same name: the shadowed one stays alive to the
    /// end of the scope (dropped after the second), across awaits.
    name: shadowed_drop_values_live_to_scope_end,
    items: {
        #[lh] async fn two() -> &'static str {
            let d = D::new("first");
            pend(1, ()).await;
            let d = D::new("second");
            pend(1, ()).await;
            {
                let d = D::new("inner");
                pend(1, ()).await;
                d.touch();
            }
            let d = (d, pend(1, D::new("third")).await);
            pend(1, ()).await;
            d.1 .0
        }
    },
    run: two(),
}

differential! {
    /// Shadowing inside a loop body: the loop variable and an outer name
    /// rebound each iteration, the outer one borrowed across the awaits.
    name: shadowing_inside_loop_with_outer_borrow,
    items: {
        #[lh] async fn lp(xs: Vec<u32>) -> u32 {
            let acc = D::new("acc");
            let mut total = 0;
            for x in xs {
                let acc = &acc;
                let x = pend(1, x).await;
                let x = x * acc.touch() as u32;
                let total_before = total;
                let total = total_before + x;
                log(format!("{total}"));
                pend(x % 2, ()).await;
            }
            total
        }
    },
    run: lp(vec![1, 2, 3]),
}

differential! {
    /// `let (a, b) = (b, a)` swaps of `D`s across awaits, and a destructuring
    /// assignment swap of plain locals.
    name: tuple_swap_rebinding_drops,
    items: {
        #[lh] async fn swaps() -> (&'static str, &'static str, u32, u32) {
            let a = D::new("a");
            let b = D::new("b");
            pend(1, ()).await;
            let (a, b) = (b, a);
            pend(1, ()).await;
            let (mut x, mut y) = (1u32, pend(1, 2u32).await);
            (x, y) = (y, x);
            pend(1, ()).await;
            (a.0, b.0, x, y)
        }
    },
    run: swaps(),
}

differential! {
    /// A name shadowed while the old value is still borrowed: the old one
    /// must stay put for the borrow, the new one is an ordinary local.
    name: shadow_while_borrowed_across_await,
    items: {
        #[lh] async fn sh() -> String {
            let s = String::from("original");
            let t = &s;
            let s = pend(1, 5u32).await;
            let d = D::new("mid");
            let s = format!("{t}:{s}:{}", pend(1, t.len()).await);
            s
        }
    },
    run: sh(),
}

differential! {
    /// A match arm binding that shadows an outer `D` of the same name, with
    /// awaits in the arm; the outer one is used after the `match`.
    name: match_arm_binding_shadows_outer_name,
    items: {
        #[lh] async fn arm(opt: Option<D>) -> usize {
            let v = D::new("outer");
            let n = match opt {
                Some(v) => {
                    pend(1, ()).await;
                    v.touch()
                }
                None => pend(1, v.touch()).await,
            };
            pend(1, ()).await;
            n + v.touch()
        }
    },
    run: async { (arm(Some(D::new("inner"))).await, arm(None).await) },
}

differential! {
    /// A parameter shadowed by a tuple holding it and an awaited value, then
    /// destructured again.
    name: parameter_shadowed_by_tuple_with_itself,
    items: {
        #[lh] async fn p(x: D, n: u32) -> (usize, u32) {
            let x = (x, pend(1, D::new("more")).await);
            let n = pend(1, n + 1).await;
            let (first, second) = x;
            pend(1, ()).await;
            (first.touch() + second.touch(), n)
        }
    },
    run: p(D::new("param"), 1),
}

// ---------------------------------------------------------------------------
// 7. Labeled blocks, break values, nested labeled loops
// ---------------------------------------------------------------------------

differential! {
    /// `let v = 'found: { for .. { if x.await == t { break 'found Some(D) } }
    /// None }` with live `D`s in the loop body.
    name: labeled_block_break_value_from_for,
    items: {
        #[lh] async fn find(xs: Vec<u32>, t: u32) -> Option<&'static str> {
            let _f = D::new("find");
            let v = 'found: {
                for x in xs {
                    let _probe = D::new("probe");
                    if pend(1, x).await == t {
                        break 'found Some(D::new("hit"));
                    }
                }
                None
            };
            pend(1, ()).await;
            v.map(|d| d.0)
        }
    },
    run: async { (find(vec![1, 2, 3], 2).await, find(vec![4], 2).await) },
}

differential! {
    /// `loop { .. break cand; }` where the break value is a `D` owned by the
    /// iteration, other iteration locals dropped on each pass.
    name: loop_break_value_holding_drop,
    items: {
        #[lh] async fn pick(oks: Vec<bool>) -> &'static str {
            let mut it = oks.into_iter();
            let d = loop {
                let cand = D::new("cand");
                let _tmp = D::new("tmp");
                match pend(1, it.next()).await {
                    Some(true) => break cand,
                    Some(false) => continue,
                    None => break D::new("fallback"),
                }
            };
            pend(1, ()).await;
            d.0
        }
    },
    run: async { (pick(vec![false, true]).await, pick(vec![false]).await) },
}

differential! {
    /// Nested labeled loops: `continue 'outer` after awaits in the inner
    /// loop, `break 'outer` with locals alive at both levels.
    name: nested_labeled_loops_continue_outer,
    items: {
        #[lh] async fn grid(rows: Vec<Vec<u32>>) -> Vec<u32> {
            let mut out = Vec::new();
            'outer: for (r, row) in rows.into_iter().enumerate() {
                let _row = D::new("row");
                for c in row {
                    let _cell = D::new("cell");
                    let v = pend(1, c).await;
                    if v == 0 {
                        continue 'outer;
                    }
                    if v > 8 {
                        break 'outer;
                    }
                    out.push(v + r as u32 * 10);
                }
                pend(1, ()).await;
            }
            out
        }
    },
    run: grid(vec![vec![1, 2], vec![3, 0, 4], vec![5], vec![9, 6], vec![7]]),
}

differential! {
    /// A labeled block left early between awaits with `D`s declared before
    /// and after the `break`.
    name: labeled_block_early_exit_between_awaits,
    items: {
        #[lh] async fn blk(stop: bool) -> u32 {
            let mut n = 0;
            'blk: {
                let _a = D::new("a");
                n += pend(1, 1).await;
                if stop {
                    break 'blk;
                }
                let _b = D::new("b");
                n += pend(1, 10).await;
            }
            let _c = D::new("c");
            n + pend(1, 100).await
        }
    },
    run: async { (blk(true).await, blk(false).await) },
}

differential! {
    /// A labeled block as a call argument and as a `match` arm value, with
    /// `break 'b x.await`.
    name: labeled_block_as_argument_and_arm,
    items: {
        fn add(a: u32, b: u32) -> u32 { a + b }
        #[lh] async fn lb(k: u32) -> u32 {
            let _g = D::new("g");
            let x = add(
                'b: {
                    if k == 0 {
                        break 'b pend(1, 5).await;
                    }
                    k * 2
                },
                pend(1, 1).await,
            );
            let y = match k {
                0 => 0,
                n => 'arm: {
                    let _t = D::new("t");
                    if n > 2 {
                        break 'arm pend(1, n).await;
                    }
                    pend(1, ()).await;
                    1
                }
            };
            x + y
        }
    },
    run: async { (lb(0).await, lb(1).await, lb(3).await) },
}

differential! {
    /// `'retry: loop` around a `match` whose arms `continue 'retry` after an
    /// await or `break 'retry value`, the attempt's `D` dropped each pass.
    name: retry_loop_label_continue_break_value,
    items: {
        #[lh] async fn retry(results: Vec<Result<u32, &'static str>>) -> Result<u32, String> {
            let mut it = results.into_iter();
            let mut attempt = 0;
            let out = 'retry: loop {
                attempt += 1;
                let _a = D::new("attempt");
                let r = pend(1, it.next()).await;
                match r {
                    Some(Ok(v)) => break 'retry Ok(v * attempt),
                    Some(Err("transient")) => {
                        pend(attempt, ()).await;
                        continue 'retry;
                    }
                    Some(Err(e)) => break 'retry Err(e.to_string()),
                    None => return Err("exhausted".into()),
                }
            };
            out
        }
    },
    run: async {
        (
            retry(vec![Err("transient"), Ok(3)]).await,
            retry(vec![Err("fatal")]).await,
            retry(vec![Err("transient")]).await,
        )
    },
}

// ---------------------------------------------------------------------------
// 8. Generic code
// ---------------------------------------------------------------------------

differential! {
    /// `async fn f<T: Clone + Debug, F: Fn(T) -> T>` applying `f` between
    /// awaits, with a `where` clause on a second function.
    name: generic_clone_debug_fn_param,
    items: {
        #[lh] async fn apply_n<T: Clone + std::fmt::Debug, F: Fn(T) -> T>(x: T, f: F, n: u32) -> Vec<T> {
            let _g = D::new("apply");
            let mut cur = x;
            let mut out = Vec::new();
            for _ in 0..n {
                cur = f(pend(1, cur.clone()).await);
                log(format!("{cur:?}"));
                out.push(cur.clone());
            }
            out
        }
        #[lh] async fn sum_all<I>(items: I) -> u64
        where
            I: IntoIterator,
            I::Item: Into<u64>,
        {
            let mut s = 0u64;
            for x in items {
                s += pend(1, x.into()).await;
            }
            s
        }
    },
    run: async { (apply_n(1u32, |x| x * 3, 3).await, apply_n(String::from("a"), |s| s + "b", 2).await, sum_all(vec![1u8, 2, 3]).await) },
}

differential! {
    /// `impl Trait` arguments: an `impl IntoIterator`, an `impl Fn` and an
    /// `impl Future` awaited in the middle.
    name: impl_trait_arguments_mixed,
    items: {
        #[lh] async fn process(
            xs: impl IntoIterator<Item = u32>,
            key: impl Fn(u32) -> u32,
            gate: impl std::future::Future<Output = D>,
        ) -> Vec<u32> {
            let mut v: Vec<u32> = xs.into_iter().map(&key).collect();
            let g = gate.await;
            v.sort();
            for x in v.iter_mut() {
                *x += pend(1, 1).await;
            }
            g.touch();
            v
        }
    },
    run: process(vec![3, 1, 2], |x| x * 10, pend(2, D::new("gate"))),
}

differential! {
    /// Lifetimes tying `&'a str` arguments to the output, with awaits between
    /// the borrows and a local `D`.
    name: lifetime_tied_str_output,
    items: {
        #[lh] async fn longest<'a>(a: &'a str, b: &'a str) -> &'a str {
            let _l = D::new("longest");
            let la = pend(1, a.len()).await;
            let lb = pend(1, b.len()).await;
            if la >= lb { a } else { pend(1, b).await }
        }
        #[lh] async fn first_word<'a>(s: &'a str, sep: &str) -> Option<&'a str> {
            let t = pend(1, s.trim()).await;
            t.split(sep).next().filter(|w| !w.is_empty())
        }
    },
    run: async {
        let owned = String::from("hello world");
        let a = longest(&owned, "hi").await.to_string();
        let b = longest("x", &owned).await.to_string();
        let c = first_word(&owned, " ").await.map(str::to_string);
        (a, b, c)
    },
}

differential! {
    /// Methods on a generic struct `impl<T> Queue<T>` pushing and popping
    /// across awaits; `T = D` so drops of queued items are checked.
    name: generic_struct_methods_queue,
    items: {
        struct Queue<T> { items: VecDeque<T>, cap: usize }
        impl<T: std::fmt::Debug> Queue<T> {
            #[lh] async fn push(&mut self, x: T) -> Option<T> {
                pend(1, ()).await;
                self.items.push_back(x);
                if self.items.len() > self.cap {
                    self.items.pop_front()
                } else {
                    None
                }
            }
            #[lh] async fn drain_to(&mut self, out: &mut Vec<T>) -> usize {
                let mut n = 0;
                while let Some(x) = self.items.pop_front() {
                    out.push(pend(1, x).await);
                    n += 1;
                }
                n
            }
        }
        #[lh] async fn go() -> (usize, usize) {
            let mut q = Queue { items: VecDeque::new(), cap: 2 };
            let mut evicted = 0;
            for name in ["q1", "q2", "q3"] {
                if let Some(old) = q.push(D::new(name)).await {
                    evicted += old.touch();
                }
            }
            let mut out = Vec::new();
            let n = q.drain_to(&mut out).await;
            (evicted, n + out.len())
        }
    },
    run: go(),
}

differential! {
    /// A trait declaring `fn fetch(&self, k: u32) -> impl Future<Output =
    /// Option<D>>`, implemented with a lowered `async fn`; called generically.
    name: trait_rpitit_impl_async_fn,
    items: {
        trait Store {
            fn fetch(&self, k: u32) -> impl std::future::Future<Output = Option<D>>;
        }
        struct Mem { keys: Vec<u32>, _d: D }
        impl Store for Mem {
            #[lh] async fn fetch(&self, k: u32) -> Option<D> {
                let hit = self.keys.contains(&pend(1, k).await);
                if hit { Some(pend(1, D::new("value")).await) } else { None }
            }
        }
        #[lh] async fn lookup<S: Store>(s: &S, ks: &[u32]) -> usize {
            let mut found = 0;
            for k in ks {
                if let Some(d) = s.fetch(*k).await {
                    found += d.touch();
                }
            }
            found
        }
    },
    run: async { let m = Mem { keys: vec![1, 3], _d: D::new("mem") }; lookup(&m, &[1, 2, 3]).await },
}

differential! {
    /// An `async fn` in a trait (AFIT) implemented by a lowered method, used
    /// through a generic parameter with a `where` clause.
    name: afit_impl_lowered_generic_caller,
    items: {
        trait Handler {
            async fn handle(&mut self, req: u32) -> Result<u32, String>;
        }
        struct Doubler { seen: Vec<u32>, _d: D }
        impl Handler for Doubler {
            #[lh] async fn handle(&mut self, req: u32) -> Result<u32, String> {
                if req == 0 {
                    pend(1, ()).await;
                    return Err("zero".into());
                }
                self.seen.push(req);
                Ok(pend(1, req * 2).await)
            }
        }
        #[lh] async fn serve<H>(h: &mut H, reqs: Vec<u32>) -> Vec<Result<u32, String>>
        where
            H: Handler,
        {
            let mut out = Vec::new();
            for r in reqs {
                let _req = D::new("req");
                out.push(h.handle(r).await);
            }
            out
        }
    },
    run: async { let mut d = Doubler { seen: vec![], _d: D::new("doubler") }; (serve(&mut d, vec![1, 0, 2]).await, d.seen.clone()) },
}

differential! {
    /// `Box<dyn Trait>` locals chosen at run time, called across awaits.
    name: box_dyn_trait_locals_across_awaits,
    items: {
        trait Codec { fn encode(&self, x: u32) -> String; }
        struct Hex(D);
        struct Dec(D);
        impl Codec for Hex { fn encode(&self, x: u32) -> String { format!("{x:x}") } }
        impl Codec for Dec { fn encode(&self, x: u32) -> String { format!("{x}") } }
        #[lh] async fn encode_all(hex: bool, xs: Vec<u32>) -> Vec<String> {
            let codec: Box<dyn Codec> = if pend(1, hex).await { Box::new(Hex(D::new("hex"))) } else { Box::new(Dec(D::new("dec"))) };
            let mut out = Vec::new();
            for x in xs {
                out.push(codec.encode(pend(1, x).await));
            }
            out
        }
    },
    run: async { (encode_all(true, vec![10, 255]).await, encode_all(false, vec![7]).await) },
}

differential! {
    /// Const generics and a generic `T: Default` taken with `mem::take`
    /// across awaits.
    name: const_generic_array_and_default_take,
    items: {
        #[lh] async fn rotate<const N: usize>(mut arr: [u32; N]) -> [u32; N] {
            for i in 0..N {
                arr[i] += pend(1, i as u32).await;
            }
            arr.rotate_left(1);
            arr
        }
        #[lh] async fn take_all<T: Default + std::fmt::Debug>(slots: &mut Vec<T>) -> Vec<T> {
            let mut out = Vec::new();
            for s in slots.iter_mut() {
                let v = std::mem::take(s);
                out.push(pend(1, v).await);
            }
            out
        }
    },
    run: async {
        let a = rotate([1, 2, 3]).await;
        let mut v = vec![String::from("x"), String::from("y")];
        let b = take_all(&mut v).await;
        (a, b, v)
    },
}

// ---------------------------------------------------------------------------
// 9. Panics in the middle of expressions and loops
// ---------------------------------------------------------------------------

differential! {
    /// A panic in the last operand of a sum whose earlier operands awaited
    /// and created `D` temporaries: the temporaries drop while unwinding.
    name: panic_mid_expression_after_awaited_operands,
    items: {
        fn check(n: u32) -> u32 { if n > 2 { panic!("too big: {n}") } n }
        #[lh] async fn sum(n: u32) -> u32 {
            let _s = D::new("sum");
            let t = D::new("x").touch() as u32
                + pend(1, D::new("y")).await.touch() as u32
                + pend(1, n).await
                + check(n);
            t
        }
    },
    run: async { sum(1).await + sum(3).await },
}

differential! {
    /// An index out of bounds whose index is awaited, inside a tuple whose
    /// first element is an awaited `D`.
    name: panic_index_out_of_bounds_awaited_index,
    items: {
        #[lh] async fn get(v: Vec<u32>, i: usize) -> (usize, u32) {
            let _g = D::new("get");
            let r = (pend(1, D::new("t")).await.touch(), v[pend(1, i).await]);
            r
        }
    },
    run: async { (get(vec![1, 2], 1).await, get(vec![1], 5).await) },
}

differential! {
    /// Arithmetic overflow (debug build) between two awaited `u8`s, with a
    /// `D` temporary alive in the statement.
    name: panic_overflow_between_awaited_operands,
    items: {
        #[lh] async fn add(a: u8, b: u8) -> u8 {
            let _g = D::new("add");
            let x = pend(1, a).await + pend(1, b).await + (D::new("tmp").touch() as u8);
            x
        }
    },
    run: async { (add(1, 2).await, add(200, 100).await) },
}

differential! {
    /// A panic inside a `for` over a `vec.into_iter()` of `D`s: the remaining
    /// items drop during unwinding, after the loop body's locals.
    name: panic_in_loop_live_into_iter,
    items: {
        #[lh] async fn each(names: Vec<&'static str>) -> usize {
            let ds: Vec<D> = names.into_iter().map(D::new).collect();
            let mut n = 0;
            for d in ds {
                let _local = D::new("local");
                pend(1, ()).await;
                if d.0 == "boom" {
                    panic!("hit {}", d.0);
                }
                n += d.touch();
            }
            n
        }
    },
    run: each(vec!["a", "boom", "c", "d"]),
}

differential! {
    /// `unwrap()` on an awaited `None` and `expect` on an awaited `Err`, each
    /// with a `D` temporary in the same statement.
    name: panic_unwrap_on_awaited_none,
    items: {
        #[lh] async fn un(ok: bool) -> usize {
            let _u = D::new("un");
            let a = D::new("t1").touch() + pend(1, if ok { Some(1) } else { None }).await.unwrap();
            let b: usize = pend(1, Ok::<usize, String>(2)).await.expect("second");
            a + b
        }
    },
    run: async { (un(true).await, un(false).await) },
}

differential! {
    /// A panic inside a closure passed to `map` after awaits, with the
    /// iterator and a `Peekable` alive.
    name: panic_in_map_closure_after_awaits,
    items: {
        #[lh] async fn div(xs: Vec<u32>) -> Vec<u32> {
            let _d = D::new("div");
            let ten = pend(1, 10u32).await;
            let mut it = xs.iter().peekable();
            let mut out = Vec::new();
            while let Some(&x) = it.next() {
                let _p = D::new("step");
                pend(1, ()).await;
                out.extend(std::iter::once(x).map(|x| if x == 0 { panic!("divide by zero") } else { ten / x }));
                if it.peek().is_none() { break; }
            }
            out
        }
    },
    run: async { (div(vec![1, 2, 5]).await, div(vec![1, 0, 3]).await) },
}

differential! {
    /// A `RefCell` borrow held across an await, then a conflicting
    /// `borrow_mut` panics ("already borrowed") with the guard still alive.
    name: panic_refcell_already_borrowed_across_await,
    items: {
        #[lh] async fn conflict(c: Rc<RefCell<Vec<D>>>, bad: bool) -> usize {
            let r = c.borrow();
            pend(1, ()).await;
            let n = r.len();
            if bad {
                c.borrow_mut().push(D::new("never"));
            }
            drop(r);
            let pushed = pend(1, D::new("pushed")).await;
            c.borrow_mut().push(pushed);
            n
        }
    },
    run: async {
        let c = Rc::new(RefCell::new(vec![D::new("first")]));
        let a = conflict(c.clone(), false).await;
        let b = conflict(c.clone(), true).await;
        (a, b)
    },
}

differential! {
    /// A method called on a `RefCell` guard temporary (`c.borrow_mut()`)
    /// whose argument awaits: rustc evaluates the receiver first and holds
    /// the `RefMut` across the await (shared-state event log).
    name: refmut_guard_receiver_method_awaited_argument,
    items: {
        #[lh] async fn record(events: Rc<RefCell<Vec<D>>>, n: u32) -> usize {
            for i in 0..n {
                events.borrow_mut().push(pend(1, D::new("event")).await);
            }
            let len = events.borrow().len();
            len
        }
    },
    run: async { let ev = Rc::new(RefCell::new(Vec::new())); record(ev.clone(), 2).await },
}

differential! {
    /// The same with a `Mutex` guard: `m.lock().unwrap().push(x.await)`.
    name: mutex_guard_receiver_method_awaited_argument,
    items: {
        #[lh] async fn record(m: &std::sync::Mutex<Vec<u32>>) -> usize {
            m.lock().unwrap().push(pend(1, 7).await);
            m.lock().unwrap().extend([pend(1, 8).await]);
            let len = m.lock().unwrap().len();
            len
        }
    },
    run: async { let m = std::sync::Mutex::new(vec![]); record(&m).await },
}

// ---------------------------------------------------------------------------
// 10. Borrowing across awaits
// ---------------------------------------------------------------------------

differential! {
    /// `let r = &mut v; r.push(x.await);` and `for x in v.iter_mut() { *x +=
    /// f().await; }` on a `Vec` owned by the function.
    name: mut_ref_push_and_iter_mut_plus_assign,
    items: {
        #[lh] async fn fill() -> Vec<u32> {
            let _f = D::new("fill");
            let mut v = vec![1u32];
            let r = &mut v;
            r.push(pend(1, 2).await);
            r.push(pend(0, 3).await);
            for x in v.iter_mut() {
                *x += pend(1, *x * 10).await;
            }
            v
        }
    },
    run: fill(),
}

differential! {
    /// Slices `&buf[a..b]` taken before awaits and read after them; a
    /// `&str` slice of a `String` local kept in a `Vec`.
    name: slices_of_local_kept_across_awaits,
    items: {
        #[lh] async fn frames(data: Vec<u8>) -> (Vec<u8>, usize) {
            let buf = pend(1, data).await;
            let head = &buf[..2];
            let body = &buf[2..buf.len() - 1];
            pend(1, ()).await;
            let text = String::from("alpha beta gamma");
            let words: Vec<&str> = text.split(' ').collect();
            let n = pend(1, words.len()).await;
            let mut out = head.to_vec();
            out.extend_from_slice(body);
            (out, n + words[2].len())
        }
    },
    run: frames(vec![1, 2, 3, 4, 5, 9]),
}

differential! {
    /// `split_at_mut` halves written across awaits, then the whole vector
    /// read after the halves' last use.
    name: split_at_mut_halves_across_awaits,
    items: {
        #[lh] async fn halves(mut v: Vec<u32>) -> Vec<u32> {
            let _h = D::new("halves");
            let mid = v.len() / 2;
            let (left, right) = v.split_at_mut(mid);
            for (l, r) in left.iter_mut().zip(right.iter_mut()) {
                let s = pend(1, *l + *r).await;
                *l = s;
                *r = pend(0, s * 2).await;
            }
            left[0] += 100;
            v.push(pend(1, 0).await);
            v
        }
    },
    run: halves(vec![1, 2, 3, 4]),
}

differential! {
    /// A `String` built with `push_str(&other.await)` and `+=
    /// &x.await` on a local `String` (borrowed temporaries of the awaits).
    name: string_push_str_awaited_borrowed_temporary,
    items: {
        #[lh] async fn build(parts: Vec<&'static str>) -> String {
            let _b = D::new("build");
            let mut s = String::new();
            for p in parts {
                s.push_str(&pend(1, p.to_uppercase()).await);
                s.push(pend(0, '-').await);
            }
            s += &pend(1, String::from("end")).await;
            s.insert_str(0, &format!("{}:", pend(1, 3).await));
            s
        }
    },
    run: build(vec!["a", "bc"]),
}

differential! {
    /// `chunks_mut` over a buffer with each chunk filled across awaits, and
    /// `split_first_mut` on the result.
    name: chunks_mut_and_split_first_mut_across_awaits,
    items: {
        #[lh] async fn fill(n: usize) -> Vec<u8> {
            let mut buf = vec![0u8; n];
            for (i, chunk) in buf.chunks_mut(2).enumerate() {
                let b = pend(1, i as u8 + 1).await;
                for x in chunk.iter_mut() {
                    *x = b;
                }
            }
            if let Some((first, rest)) = buf.split_first_mut() {
                *first = pend(1, 9).await;
                rest.reverse();
            }
            buf
        }
    },
    run: fill(5),
}

differential! {
    /// A `&mut` slot into an array kept across an await and assigned
    /// through (`*slot = x.await`), and a reborrow `&mut *boxed`.
    name: mut_slot_assign_through_awaited,
    items: {
        #[lh] async fn slots() -> ([u32; 3], u32) {
            let mut arr = [1u32, 2, 3];
            let slot = &mut arr[1];
            *slot = pend(1, 20).await;
            *slot += pend(1, 1).await;
            let mut boxed = Box::new(5u32);
            let r = &mut *boxed;
            *r = pend(1, *r * 2).await;
            (arr, *boxed)
        }
    },
    run: slots(),
}

differential! {
    /// A borrowed element cloned into another vector, the borrow used again
    /// after awaits; `retain` with a closure capturing a borrowed local.
    name: element_borrow_and_retain_closure_across_awaits,
    items: {
        #[lh] async fn keep(mut v: Vec<String>) -> (Vec<String>, String) {
            let first = &v[0];
            let mut copies = vec![first.clone()];
            pend(1, ()).await;
            copies.push(format!("{first}!"));
            let limit = pend(1, 2usize).await;
            let banned = String::from("bad");
            v.retain(|s| s.len() <= limit && *s != banned);
            pend(1, ()).await;
            (v, copies.join(","))
        }
    },
    run: keep(vec!["ab".into(), "bad".into(), "toolong".into(), "c".into()]),
}

differential! {
    /// A `HashMap` entry's `&mut Vec` as receiver of `push(x.await)`
    /// (`or_insert_with(Vec::new)` returns a reference, not a guard).
    name: entry_or_insert_with_push_awaited,
    items: {
        #[lh] async fn group(pairs: Vec<(&'static str, u32)>) -> Vec<(&'static str, Vec<u32>)> {
            let _g = D::new("group");
            let mut m: BTreeMap<&str, Vec<u32>> = BTreeMap::new();
            for (k, v) in pairs {
                m.entry(k).or_insert_with(Vec::new).push(pend(1, v).await);
            }
            if let Some(last) = m.values_mut().last() {
                last.push(pend(1, 0).await);
            }
            m.into_iter().collect()
        }
    },
    run: group(vec![("b", 1), ("a", 2), ("b", 3)]),
}

// ---------------------------------------------------------------------------
// 11. Other realistic shapes
// ---------------------------------------------------------------------------

differential! {
    /// `return` inside a `match` arm inside a `loop` inside an `if let`, with
    /// `D`s at each level.
    name: return_from_match_in_loop_in_if_let,
    items: {
        #[lh] async fn search(src: Option<Vec<i32>>) -> Result<i32, String> {
            let _top = D::new("top");
            if let Some(items) = src {
                let _inner = D::new("inner");
                let mut it = items.into_iter();
                loop {
                    let _it = D::new("iter");
                    match pend(1, it.next()).await {
                        Some(x) if x < 0 => return Err(format!("negative {x}")),
                        Some(0) => return Ok(pend(1, 0).await),
                        Some(_) => continue,
                        None => break,
                    }
                }
                pend(1, ()).await;
            }
            Ok(-1)
        }
    },
    run: async { (search(Some(vec![1, 0])).await, search(Some(vec![2, -3])).await, search(Some(vec![])).await, search(None).await) },
}

differential! {
    /// A closure using `?` inside, defined before and called after awaits,
    /// its result then propagated with `?`.
    name: closure_with_question_called_after_awaits,
    items: {
        #[lh] async fn parse_all(raw: Vec<&'static str>) -> Result<u32, String> {
            let _p = D::new("parse");
            let base = pend(1, 100u32).await;
            let parse = |s: &str| -> Result<u32, String> {
                let n: u32 = s.trim().parse().map_err(|e| format!("{s:?}: {e}"))?;
                Ok(n + base)
            };
            let mut total = 0;
            for s in raw {
                total += parse(pend(1, s).await)?;
            }
            Ok(total)
        }
    },
    run: async { (parse_all(vec!["1", " 2"]).await, parse_all(vec!["3", "x"]).await) },
}

differential! {
    /// `let .. else` with the awaits on the success path, `let Some(x) =
    /// x.await else { return .. }` and an else that awaits.
    name: let_else_awaits_on_success_path,
    items: {
        #[lh] async fn get(opt: Option<u32>, s: &'static str) -> Result<u32, String> {
            let _g = D::new("get");
            let Some(x) = pend(1, opt).await else {
                return Err("none".into());
            };
            let Ok(n) = s.parse::<u32>() else {
                let _e = D::new("else");
                pend(1, ()).await;
                return Err(format!("bad {s}"));
            };
            let d = D::new("after");
            Ok(x + pend(1, n).await)
        }
    },
    run: async { (get(Some(1), "2").await, get(None, "2").await, get(Some(1), "z").await) },
}

differential! {
    /// A struct with `impl Drop` (so it cannot be partly moved) whose fields
    /// are read and borrowed across awaits; its drop logs its counters.
    name: impl_drop_struct_fields_used_across_awaits,
    items: {
        struct Conn { id: u32, buf: Vec<u8>, sent: Cell<u32> }
        impl Drop for Conn {
            fn drop(&mut self) {
                log(format!("drop conn {} sent {}", self.id, self.sent.get()));
            }
        }
        #[lh] async fn talk(c: Conn) -> usize {
            let id = c.id;
            let head = &c.buf[..1];
            pend(1, ()).await;
            c.sent.set(c.sent.get() + pend(1, id).await);
            let other = Conn { id: id + 1, buf: head.to_vec(), sent: Cell::new(0) };
            pend(1, ()).await;
            head.len() + other.buf.len() + c.buf.len()
        }
    },
    run: talk(Conn { id: 1, buf: vec![1, 2, 3], sent: Cell::new(0) }),
}

differential! {
    /// `Rc<RefCell<..>>` shared state updated by two lowered workers joined
    /// with `futures::join!` inside a lowered function.
    name: rc_refcell_shared_state_join,
    items: {
        #[lh] async fn worker(state: Rc<RefCell<Vec<String>>>, name: &'static str, n: u32) -> u32 {
            let _w = D::new(name);
            let mut sum = 0;
            for i in 0..n {
                let v = pend(1, i).await;
                state.borrow_mut().push(format!("{name}{v}"));
                sum += v;
            }
            sum
        }
        #[lh] async fn both() -> (u32, u32, Vec<String>) {
            let st = Rc::new(RefCell::new(Vec::new()));
            let (a, b) = futures::join!(worker(st.clone(), "a", 2), worker(st.clone(), "b", 3));
            let v = st.borrow().clone();
            (a, b, v)
        }
    },
    run: both(),
}

differential! {
    /// A closure returning an `async move` block, called twice and awaited,
    /// and an `async` block awaited in place with a `D` inside.
    name: closure_returning_async_block_and_inline_async,
    items: {
        #[lh] async fn mk() -> u32 {
            let base = D::new("base");
            let make = |n: u32| async move { pend(1, n).await + 1 };
            let a = make(1).await + make(2).await;
            let b = async {
                let _in = D::new("in-block");
                pend(1, base.touch() as u32).await
            }
            .await;
            a + b
        }
    },
    run: mk(),
}

differential! {
    /// `match (a.await, b.await)` on a tuple of awaited `Option<D>`s with
    /// arms that await and bind by value.
    name: match_on_tuple_of_awaits_with_drops,
    items: {
        #[lh] async fn pair(x: bool, y: bool) -> &'static str {
            match (pend(1, x.then(|| D::new("x"))).await, pend(1, y.then(|| D::new("y"))).await) {
                (Some(a), Some(b)) => {
                    pend(1, ()).await;
                    if a.touch() > b.touch() { a.0 } else { b.0 }
                }
                (Some(a), None) | (None, Some(a)) => {
                    let _m = D::new("one");
                    pend(1, a.0).await
                }
                (None, None) => "none",
            }
        }
    },
    run: async { (pair(true, true).await, pair(false, true).await, pair(false, false).await) },
}

differential! {
    /// `if x.await { .. } else if y.await { .. } else { .. }` chains with a
    /// `D` temporary in the conditions.
    name: else_if_chain_awaited_conditions,
    items: {
        #[lh] async fn route(a: u32) -> &'static str {
            let _r = D::new("route");
            if pend(1, a == 0).await {
                "zero"
            } else if pend(1, D::new("cond")).await.touch() == a as usize {
                pend(1, "four").await
            } else if a > 10 && pend(2, a % 2 == 0).await {
                "big-even"
            } else {
                "other"
            }
        }
    },
    run: async { (route(0).await, route(4).await, route(12).await, route(13).await) },
}

differential! {
    /// A work stack: `while let Some(x) = stack.pop()` pushing more work
    /// after awaits, each item a `D`.
    name: work_stack_while_let_pop_push,
    items: {
        #[lh] async fn walk(depth: u32) -> Vec<u32> {
            let mut stack = vec![(depth, D::new("root"))];
            let mut out = Vec::new();
            while let Some((d, tag)) = stack.pop() {
                out.push(pend(1, d).await);
                if d > 0 {
                    stack.push((d - 1, D::new("left")));
                    if d % 2 == 0 {
                        stack.push((pend(1, d - 1).await, D::new("right")));
                    }
                }
                tag.touch();
            }
            out
        }
    },
    run: walk(2),
}

differential! {
    /// A boxed `FnMut` callback field called with an awaited argument, and
    /// `(self.on_done)(..)` at the end.
    name: boxed_fnmut_field_called_with_awaited_argument,
    items: {
        struct Job { on_item: Box<dyn FnMut(u32) -> u32>, on_done: fn(u32) -> u32, _d: D }
        impl Job {
            #[lh] async fn run(&mut self, items: Vec<u32>) -> u32 {
                let mut acc = 0;
                for i in items {
                    acc += (self.on_item)(pend(1, i).await);
                }
                (self.on_done)(pend(1, acc).await)
            }
        }
        #[lh] async fn go() -> u32 {
            let mut seen = 0;
            let mut j = Job { on_item: Box::new(move |x| { seen += 1; x * seen }), on_done: |x| x + 1000, _d: D::new("job") };
            j.run(vec![1, 2, 3]).await
        }
    },
    run: go(),
}

differential! {
    /// `for x in items.iter().take(n)` with awaits in the body: the loop head
    /// is a by-value adapter on a temporary iterator.
    name: for_iter_take_with_awaits,
    items: {
        #[lh] async fn first_n(items: Vec<D>, n: usize) -> usize {
            let mut total = 0;
            for d in items.iter().take(n) {
                total += pend(1, d.touch()).await;
            }
            total
        }
    },
    run: first_n(vec![D::new("a"), D::new("bb"), D::new("ccc")], 2),
}

differential! {
    /// `if let Some(w) = line.split(' ').last()` and `match
    /// v.iter().last()` with awaits in the arms (`Iterator::last` takes
    /// `self`).
    name: iterator_last_scrutinee_with_awaits,
    items: {
        #[lh] async fn last_word(line: String, v: Vec<u32>) -> (String, u32) {
            let _g = D::new("g");
            let mut w_out = String::new();
            if let Some(w) = line.split(' ').last() {
                pend(1, ()).await;
                w_out = w.to_string();
            }
            let n = match v.iter().last() {
                Some(x) => pend(1, *x).await,
                None => 0,
            };
            (w_out, n)
        }
    },
    run: last_word(String::from("get key now"), vec![4, 5]),
}

// ---------------------------------------------------------------------------
// 12. More variations on the themes above
// ---------------------------------------------------------------------------

differential! {
    /// `format!` with a positional argument used twice (`{0} {0}`) and a
    /// named argument (`x = ..await`), each evaluated once.
    name: format_positional_reuse_and_named_awaited,
    items: {
        #[lh] async fn f() -> String {
            let _f = D::new("f");
            let a = format!("{0}-{0}", pend(1, val("once", 3)).await);
            let b = format!("{x}/{y}", x = pend(1, val("x", 1)).await, y = pend(2, val("y", 2)).await);
            format!("{a} {b}")
        }
    },
    run: f(),
}

differential! {
    /// `vec![x.await; n.await]` and `vec![]` of awaited `Option<D>`s.
    name: vec_repeat_both_operands_awaited,
    items: {
        #[lh] async fn f() -> (Vec<u32>, usize) {
            let v = vec![pend(1, val("elem", 7u32)).await; pend(1, val("n", 3usize)).await];
            let w = vec![pend(1, Some(D::new("s1"))).await, pend(1, None).await];
            (v, w.len())
        }
    },
    run: f(),
}

differential! {
    /// `stringify!` of an expression containing `.await`: the tokens are
    /// never evaluated.
    name: stringify_macro_does_not_evaluate,
    items: {
        #[lh] async fn f() -> &'static str {
            let _f = D::new("f");
            let s = stringify!(pend(1, 2).await);
            pend(1, ()).await;
            s
        }
    },
    run: f(),
}

differential! {
    /// `v[i].0 += x.await` on a `Vec<(u32, D)>`, `v.swap(a.await, b.await)`,
    /// and `x = x.max(y.await)`.
    name: tuple_vec_field_plus_assign_swap_max,
    items: {
        #[lh] async fn f() -> (Vec<(u32, &'static str)>, u32) {
            let mut v = vec![(1u32, D::new("p0")), (2, D::new("p1"))];
            v[1].0 += pend(1, 10).await;
            v.swap(pend(1, 0usize).await, pend(1, 1usize).await);
            let mut best = 0u32;
            for (n, _) in &v {
                best = best.max(pend(1, *n).await);
            }
            (v.iter().map(|(n, d)| (*n, d.0)).collect(), best)
        }
    },
    run: f(),
}

differential! {
    /// An index awaited and a method argument awaited on the same element:
    /// `buckets[h.await].push(x.await)`.
    name: index_awaited_then_method_argument_awaited,
    items: {
        #[lh] async fn f(xs: Vec<u32>) -> Vec<Vec<u32>> {
            let _g = D::new("g");
            let mut buckets = vec![Vec::new(), Vec::new()];
            for x in xs {
                buckets[pend(1, (x % 2) as usize).await].push(pend(1, x * 10).await);
            }
            buckets
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// `while let Some(next) = self.pending.take()` with `self.pending`
    /// refilled by an awaited step method.
    name: self_pending_take_loop_refilled_by_step,
    items: {
        struct Driver { pending: Option<(u32, D)>, done: Vec<u32> }
        impl Driver {
            #[lh] async fn step(&mut self, n: u32, d: D) -> Option<(u32, D)> {
                pend(1, ()).await;
                self.done.push(n);
                if n > 0 { Some((n - 1, d)) } else { d.touch(); None }
            }
            #[lh] async fn run(&mut self) -> usize {
                while let Some((n, d)) = self.pending.take() {
                    self.pending = self.step(n, d).await;
                }
                self.done.len()
            }
        }
    },
    run: async { let mut d = Driver { pending: Some((2, D::new("job"))), done: vec![] }; d.run().await },
}

differential! {
    /// A method of a generic struct `impl<T: Debug> W<T>` that borrows its
    /// own local across an await (the documented `'static` case: `T` here is
    /// `'static`).
    name: generic_impl_method_borrows_own_local,
    items: {
        struct W<T> { v: T, _d: D }
        impl<T: std::fmt::Debug + 'static> W<T> {
            #[lh] async fn show(&self) -> usize {
                let s = format!("{:?}", self.v);
                let r = &s;
                pend(1, ()).await;
                r.len()
            }
        }
    },
    run: async { let w = W { v: vec![1, 2], _d: D::new("w") }; w.show().await },
}

differential! {
    /// Self-recursion through `Box::pin` with a `D` per level and an early
    /// return at the leaves.
    name: boxed_self_recursion_tree_sum,
    items: {
        #[derive(Debug)]
        struct Node { v: u32, kids: Vec<Node> }
        #[lh] async fn sum(n: &Node) -> u32 {
            let _lvl = D::new("lvl");
            if n.kids.is_empty() {
                return pend(1, n.v).await;
            }
            let mut s = n.v;
            for k in &n.kids {
                s += Box::pin(sum(k)).await;
            }
            s
        }
    },
    run: async {
        let t = Node { v: 1, kids: vec![Node { v: 2, kids: vec![] }, Node { v: 3, kids: vec![Node { v: 4, kids: vec![] }] }] };
        sum(&t).await
    },
}

differential! {
    /// Collecting `Result`s after awaits (`collect::<Result<Vec<_>, _>>()?`)
    /// with a `D` per item.
    name: collect_results_after_awaits_question,
    items: {
        #[lh] async fn all(raw: Vec<&'static str>) -> Result<Vec<u32>, String> {
            let mut got = Vec::new();
            for r in raw {
                got.push((D::new("item"), pend(1, r).await));
            }
            let parsed = got.iter().map(|(_, s)| s.parse::<u32>().map_err(|e| e.to_string())).collect::<Result<Vec<_>, _>>()?;
            pend(1, ()).await;
            Ok(parsed)
        }
    },
    run: async { (all(vec!["1", "2"]).await, all(vec!["1", "x"]).await) },
}

differential! {
    /// `*c.borrow_mut() += x.await` on a `RefCell<u32>` and
    /// `c.borrow_mut().insert(k, v)` with the value awaited first.
    name: refcell_deref_plus_assign_awaited,
    items: {
        #[lh] async fn bump(c: Rc<RefCell<u32>>, m: Rc<RefCell<BTreeMap<u32, D>>>) -> u32 {
            *c.borrow_mut() += pend(1, 5).await;
            let v = pend(1, D::new("v")).await;
            m.borrow_mut().insert(1, v);
            *c.borrow_mut() *= pend(1, 2).await;
            let out = *c.borrow();
            out
        }
    },
    run: async { bump(Rc::new(RefCell::new(1)), Rc::new(RefCell::new(BTreeMap::new()))).await },
}

differential! {
    /// A hand-written connection state machine on `&mut self` with `match
    /// self.state` by reference, transitions assigned after awaits, and an
    /// early return on error.
    name: self_state_enum_by_ref_transitions_early_return,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        enum S { Init, Auth(u32), Ready, Broken }
        struct Client { state: S, conn: Option<D>, sent: Vec<u32> }
        impl Client {
            #[lh] async fn send(&mut self, x: u32) -> Result<u32, String> {
                loop {
                    match self.state {
                        S::Init => {
                            self.conn = Some(pend(1, D::new("conn")).await);
                            self.state = S::Auth(0);
                        }
                        S::Auth(n) if n < 1 => {
                            pend(1, ()).await;
                            self.state = S::Auth(n + 1);
                        }
                        S::Auth(_) => self.state = S::Ready,
                        S::Ready if x == 0 => {
                            self.state = S::Broken;
                            let old = self.conn.take();
                            pend(1, ()).await;
                            drop(old);
                            return Err("zero".into());
                        }
                        S::Ready => {
                            self.sent.push(pend(1, x).await);
                            return Ok(x);
                        }
                        S::Broken => return Err("broken".into()),
                    }
                }
            }
        }
    },
    run: async {
        let mut c = Client { state: S::Init, conn: None, sent: vec![] };
        let a = c.send(1).await;
        let b = c.send(0).await;
        let d = c.send(2).await;
        (a, b, d, c.sent.clone())
    },
}

differential! {
    /// A panic while a `split_at_mut` half and a `chunks` iterator are live
    /// across awaits, with `D`s in scope.
    name: panic_with_live_split_halves_and_chunks,
    items: {
        #[lh] async fn work(mut v: Vec<u32>, bad: u32) -> u32 {
            let _w = D::new("work");
            let (a, b) = v.split_at_mut(2);
            let mut s = 0;
            for c in b.chunks(1) {
                let _c = D::new("chunk");
                s += pend(1, c[0]).await;
                if c[0] == bad {
                    panic!("bad chunk {}", c[0]);
                }
                a[0] += 1;
            }
            s + a[0]
        }
    },
    run: async { (work(vec![1, 2, 3, 4], 0).await, work(vec![1, 2, 3, 4], 4).await) },
}

differential! {
    /// Shadowing in a `match` scrutinee and arms: `let x = match x.await {
    /// x if x > 0 => x, x => -x }`, then `let x = &x;` across an await.
    name: shadow_through_match_scrutinee_and_guard,
    items: {
        #[lh] async fn f(x: i32) -> i32 {
            let x = D::new("x-d").touch() as i32 * x;
            let x = match pend(1, x).await {
                x if x > 0 => x,
                x => -x,
            };
            let x = &x;
            let y = pend(1, *x).await;
            let x = *x + y;
            x
        }
    },
    run: async { (f(2).await, f(-3).await) },
}

differential! {
    /// A failing `assert!` whose condition names a reference local kept
    /// across an await: the panic message is the condition's source text.
    name: assert_message_text_of_kept_reference,
    items: {
        #[lh] async fn check_frame(buf: Vec<u8>) -> usize {
            let _c = D::new("check");
            let frame = &buf;
            pend(1, ()).await;
            assert!(frame.len() >= 4);
            frame.len()
        }
    },
    run: async { (check_frame(vec![1, 2, 3, 4]).await, check_frame(vec![1]).await) },
}

differential! {
    /// A failing `assert!` naming a local that an inner block shadowed while
    /// it was alive (the inner one borrowed across an await).
    name: assert_message_text_of_shadowed_local,
    items: {
        #[lh] async fn limits(n: u32) -> u32 {
            let limit = n;
            {
                let limit = D::new("inner-limit");
                let r = &limit;
                pend(1, ()).await;
                r.touch();
            }
            assert!(limit < 10);
            limit
        }
    },
    run: async { (limits(3).await, limits(12).await) },
}

differential! {
    /// s5-2: anyhow-style `ensure!` (a user macro of that name) whose
    /// condition awaits, and `bail!` in expression position (type `!`), in
    /// a `match` arm and after awaits; both return through the closure
    /// longhand runs them in.
    name: user_ensure_and_bail_macros_return,
    items: {
        macro_rules! ensure {
            ($c:expr, $($e:tt)*) => {
                if !$c {
                    return Err(format!($($e)*));
                }
            };
        }
        macro_rules! bail {
            ($($arg:tt)*) => {
                return Err(format!($($arg)*))
            };
        }
        #[lh] async fn check(n: u32) -> Result<u32, String> {
            let _v = D::new("check");
            ensure!(pend(1, n).await > 0, "zero: {}", n);
            let kept = D::new("kept");
            let m = match pend(1, n * 2).await {
                m if m < 10 => m,
                m => bail!("too big: {m} ({})", kept.touch()),
            };
            ensure!(m != 4, "four");
            Ok(m + kept.touch() as u32)
        }
    },
    run: async { (check(0).await, check(1).await, check(2).await, check(7).await) },
}
