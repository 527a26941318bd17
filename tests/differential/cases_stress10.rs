//! Stress round 10: hygiene and name collisions (a module's `Result`
//! alias, user items named `Option`, `Some`, `Box`, `Pin`, `Poll`,
//! `Future`, `Context`, `State`, `drop`, a `mod core`, locals named like the
//! lowering's own (`state`, `cx`, `fut`, `slot`, `__self`, ..), labels and
//! lifetimes, raw identifiers), items and `use` declared inside the body
//! (also in inner blocks, shadowing outer ones, and `macro_rules!`),
//! attributes on statements, arms and the `async fn` itself (`#[cfg]` that
//! strips an `.await`), panics as the oracle (overflow, division by zero,
//! bounds, `unwrap`, `RefCell`) with live droppers, signatures
//! (`pub(crate)`, `async unsafe fn`, const generics, HRTB, `Self`,
//! `dyn Trait`, boxed errors), `unsafe` code, raw pointers, `MaybeUninit`
//! and `ManuallyDrop` around awaits, and numeric and string code. Written
//! to find where the lowering differs from rustc (findings "s10-N", kept
//! as `known_gap!` with their reasons).
#![allow(
    dead_code,
    unused_variables,
    unused_mut,
    unused_assignments,
    unused_braces,
    unused_labels,
    non_snake_case,
    non_camel_case_types,
    non_upper_case_globals,
    non_local_definitions
)]
// Shapes written on purpose: items named like prelude items (`Option`,
// `Some`, `Box`, `drop`) and a `mod core` (the name collisions are the
// point), `let x = ..; x` tails (their scopes are the point), `RefCell`
// borrows held across awaits, labelled loops that always break, `unsafe`
// blocks and raw pointers written as people write them, `#[cfg]`s that
// are always true or false, and an `impl` of a module's type inside a
// body (`non_local_definitions`); lifetimes named `'a` and `'b` where
// elision would do and `self: &Self` receivers (the names and the
// spelling are the point).
#![allow(
    clippy::let_and_return,
    clippy::await_holding_refcell_ref,
    clippy::never_loop,
    clippy::needless_return,
    clippy::redundant_field_names,
    clippy::should_implement_trait,
    clippy::new_without_default,
    clippy::manual_map,
    clippy::unnecessary_cast,
    clippy::diverging_sub_expression,
    clippy::unit_arg,
    clippy::match_single_binding,
    clippy::needless_late_init,
    clippy::module_inception,
    clippy::upper_case_acronyms,
    clippy::too_many_arguments,
    clippy::drop_non_drop,
    clippy::identity_op,
    clippy::unnecessary_operation,
    clippy::no_effect,
    clippy::redundant_closure_call,
    clippy::needless_lifetimes,
    clippy::needless_arbitrary_self_type,
    clippy::useless_vec
)]

use crate::harness::*;
use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::rc::Rc;

/// A value a test can log reads of: `"get <name>"`.
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
}

impl Drop for Tmp {
    fn drop(&mut self) {
        log(format!("drop tmp {}", self.0));
    }
}

// ---------------------------------------------------------------------------
// 1. Hygiene and name collisions
// ---------------------------------------------------------------------------

differential! {
    /// A module's `Result<T>` alias with a fixed error type, `?` across
    /// awaits, the `Ok` path.
    name: result_alias_one_param_ok,
    items: {
        #[derive(Debug)]
        pub struct MyErr(String);
        type Result<T> = std::result::Result<T, MyErr>;
        async fn get(n: u32) -> Result<u32> {
            pend(1, ()).await;
            if n > 0 { Ok(n) } else { Err(MyErr(format!("zero {n}"))) }
        }
        #[lh] async fn f(n: u32) -> Result<u32> {
            let d = D::new("d");
            let a = get(n).await?;
            let e = D::new("e");
            let b = get(a + 1).await?;
            Ok(a + b)
        }
    },
    run: f(2),
}

differential! {
    /// The same `Result<T>` alias, the `Err` path leaving through `?` with
    /// two droppers live.
    name: result_alias_one_param_err,
    items: {
        #[derive(Debug)]
        pub struct MyErr(String);
        type Result<T> = std::result::Result<T, MyErr>;
        async fn get(n: u32) -> Result<u32> {
            pend(1, ()).await;
            if n > 0 { Ok(n) } else { Err(MyErr(format!("zero {n}"))) }
        }
        #[lh] async fn f(n: u32) -> Result<u32> {
            let d = D::new("d");
            let a = get(n).await?;
            let e = D::new("e");
            let b = get(a.saturating_sub(5)).await?;
            Ok(a + b)
        }
    },
    run: f(3),
}

differential! {
    /// A `Result<T>` alias with a `From` conversion in `?` and an
    /// `Err(..)?` early exit, in a method.
    name: result_alias_from_conversion_in_method,
    items: {
        #[derive(Debug)]
        pub enum AppErr { Parse(String), Io(u32) }
        impl From<std::num::ParseIntError> for AppErr {
            fn from(e: std::num::ParseIntError) -> Self { AppErr::Parse(e.to_string()) }
        }
        type Result<T, E = AppErr> = std::result::Result<T, E>;
        struct Svc { base: u32, d: D }
        impl Svc {
            #[lh] async fn parse(&self, s: &str) -> Result<u32> {
                let t = D::new("t");
                let raw = pend(1, s.trim()).await;
                let n: u32 = raw.parse()?;
                if n == 7 {
                    Err(AppErr::Io(n))?;
                }
                pend(1, ()).await;
                Ok(self.base + n)
            }
        }
        async fn go() -> Vec<String> {
            let s = Svc { base: 10, d: D::new("svc") };
            let mut out = Vec::new();
            for x in [" 5", "x", "7"] {
                out.push(format!("{:?}", s.parse(x).await));
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// A user enum named `Option` (a "trading option") beside std's,
    /// written out in full.
    name: user_enum_named_option,
    items: {
        #[derive(Debug, Clone, Copy)]
        pub enum Option { Call(u32), Put(u32) }
        #[lh] async fn f(strike: u32) -> std::option::Option<Option> {
            let d = D::new("d");
            let k = pend(1, strike).await;
            let o = if k > 10 { Option::Call(k) } else { Option::Put(k) };
            let none: std::option::Option<u32> = std::option::Option::None;
            pend(1, ()).await;
            log(format!("{o:?} {none:?}"));
            std::option::Option::Some(o)
        }
    },
    run: f(12),
}

differential! {
    /// A user function named `Some` (shadowing the prelude's variant as a
    /// value) called on awaited values.
    name: user_fn_named_some,
    items: {
        fn Some(x: u32) -> u32 { log(format!("user Some {x}")); x + 100 }
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let a = Some(pend(1, 2).await);
            let o: std::option::Option<u32> = std::option::Option::Some(a);
            let b = match o { std::option::Option::Some(v) => Some(pend(1, v).await), _ => 0 };
            a + b
        }
    },
    run: f(),
}

differential! {
    /// A user struct named `Box` (a shipping box) kept across awaits,
    /// beside std's `Box` written with its path.
    name: user_struct_named_box,
    items: {
        #[derive(Debug)]
        pub struct Box { pub label: &'static str, pub items: Vec<u32> }
        impl Drop for Box {
            fn drop(&mut self) { log(format!("drop box {}", self.label)); }
        }
        #[lh] async fn pack(n: u32) -> usize {
            let mut b = Box { label: "crate", items: Vec::new() };
            for i in 0..n {
                b.items.push(pend(1, i).await);
            }
            let heap: std::boxed::Box<u32> = std::boxed::Box::new(7);
            pend(1, ()).await;
            b.items.len() + *heap as usize
        }
    },
    run: pack(3),
}

differential! {
    /// A user struct named `Pin` (a PIN code) and one named `Poll` (a
    /// survey), both across awaits.
    name: user_structs_named_pin_and_poll,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub struct Pin(u16);
        #[derive(Debug)]
        pub struct Poll { question: String, votes: Vec<u32>, d: D }
        impl Poll {
            fn tally(&self) -> u32 { self.votes.iter().sum() }
        }
        async fn check(p: Pin) -> bool { pend(1, p == Pin(1234)).await }
        #[lh] async fn vote(pin: Pin, v: u32) -> (bool, u32) {
            let mut poll = Poll { question: "q".into(), votes: vec![1], d: D::new("poll") };
            let ok = check(pin).await;
            if ok {
                poll.votes.push(pend(1, v).await);
            }
            (ok, poll.tally())
        }
    },
    run: vote(Pin(1234), 5),
}

differential! {
    /// A user struct named `Context` (a request context) as a parameter
    /// and a local, and a local named `cx`.
    name: user_struct_named_context_and_local_cx,
    items: {
        #[derive(Debug)]
        pub struct Context { user: String, depth: u32, d: D }
        async fn auth(cx: &Context) -> bool { pend(1, !cx.user.is_empty()).await }
        #[lh] async fn handle(cx: Context) -> String {
            let ok = auth(&cx).await;
            let cx2 = Context { user: format!("{}-child", cx.user), depth: cx.depth + 1, d: D::new("child") };
            let ok2 = auth(&cx2).await;
            format!("{} {} {} {}", cx.user, ok, cx2.depth, ok2)
        }
    },
    run: handle(Context { user: "ann".into(), depth: 0, d: D::new("cx") }),
}

differential! {
    /// A user struct named `Future` (a futures contract) and one named
    /// `Ready` across awaits.
    name: user_structs_named_future_and_ready,
    items: {
        #[derive(Debug, Clone)]
        pub struct Future { symbol: &'static str, expiry: u32 }
        #[derive(Debug)]
        pub struct Ready(bool);
        async fn price(f: &Future) -> u32 { pend(2, f.expiry * 10).await }
        #[lh] async fn f() -> (u32, bool) {
            let d = D::new("d");
            let fut = Future { symbol: "ES", expiry: 3 };
            let p = price(&fut).await;
            let r = Ready(p > 20);
            let q = price(&Future { symbol: fut.symbol, expiry: 1 }).await;
            (p + q, r.0)
        }
    },
    run: f(),
}

differential! {
    /// An order status enum with `Ready` and `Pending` variants imported
    /// into the module (`use Status::*`), matched after awaits.
    name: status_variants_named_ready_pending,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Status { Pending, Ready, Failed }
        use Status::*;
        async fn poll_status(n: u32) -> Status {
            pend(1, match n { 0 => Pending, 1 => Ready, _ => Failed }).await
        }
        #[lh] async fn wait(mut n: u32) -> u32 {
            let d = D::new("d");
            let mut tries = 0;
            loop {
                tries += 1;
                match poll_status(n).await {
                    Pending => { n += 1; continue }
                    Ready => break tries,
                    Failed => return 0,
                }
            }
        }
    },
    run: wait(0),
}

differential! {
    /// A user struct named `State` (axum-style shared state) and an enum
    /// named `State` declared inside the body of another function.
    name: user_struct_named_state,
    items: {
        #[derive(Debug)]
        pub struct State { hits: Cell<u32>, d: D }
        #[lh] async fn handler(state: &State) -> u32 {
            let before = state.hits.get();
            pend(1, ()).await;
            state.hits.set(before + 1);
            pend(1, ()).await;
            state.hits.get()
        }
        async fn go() -> u32 {
            let s = State { hits: Cell::new(4), d: D::new("state") };
            handler(&s).await + handler(&s).await
        }
    },
    run: go(),
}

differential! {
    /// A parser whose own `enum State` is declared inside the body and
    /// whose local is named `state`, driven across awaits.
    name: body_enum_named_state_and_local_state,
    items: {
        #[lh] async fn parse(input: &'static str) -> Vec<String> {
            #[derive(Debug, Clone, Copy, PartialEq)]
            enum State { Start, Word, Space }
            let mut state = State::Start;
            let mut out = Vec::new();
            let mut cur = String::new();
            for c in input.chars() {
                let c = pend(1, c).await;
                state = match (state, c == ' ') {
                    (_, true) => {
                        if !cur.is_empty() { out.push(std::mem::take(&mut cur)); }
                        State::Space
                    }
                    (_, false) => { cur.push(c); State::Word }
                };
            }
            if state == State::Word { out.push(cur); }
            out
        }
    },
    run: parse("ab c  d"),
}

differential! {
    /// A user function named `drop` (dropping a table) called across
    /// awaits, beside `std::mem::drop` written with its path.
    name: user_fn_named_drop,
    items: {
        fn drop(table: &str) -> usize { log(format!("DROP TABLE {table}")); table.len() }
        #[lh] async fn migrate() -> usize {
            let d = D::new("d");
            let a = drop(pend(1, "users").await);
            let e = D::new("e");
            std::mem::drop(e);
            pend(1, ()).await;
            a + drop("posts")
        }
    },
    run: migrate(),
}

differential! {
    /// A user struct named `Drop` (an airdrop) with a `Drop` impl written
    /// through the full trait path.
    name: user_struct_named_drop,
    items: {
        #[derive(Debug)]
        pub struct Drop { amount: u32 }
        impl std::ops::Drop for Drop {
            fn drop(&mut self) { log(format!("drop airdrop {}", self.amount)); }
        }
        #[lh] async fn claim() -> u32 {
            let a = Drop { amount: pend(1, 5).await };
            let b = Drop { amount: 6 };
            pend(1, ()).await;
            a.amount + b.amount
        }
    },
    run: claim(),
}

differential! {
    /// An application `mod core` in the module (`core::run`), called
    /// around awaits.
    name: user_mod_named_core,
    items: {
        mod core {
            pub fn run(x: u32) -> u32 { crate::harness::log(format!("core run {x}")); x * 2 }
            pub struct Engine { pub n: u32 }
        }
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let e = core::Engine { n: core::run(1) };
            let x = pend(1, e.n).await;
            core::run(x) + pend(1, e.n).await
        }
    },
    run: f(),
}

differential! {
    /// A `mod std` in the module; the body reaches the real std through
    /// `::std`.
    name: user_mod_named_std,
    items: {
        mod std {
            pub fn answer() -> u32 { 42 }
        }
        #[lh] async fn f() -> u32 {
            let mut v = ::std::vec::Vec::new();
            v.push(D::new("a"));
            let x = pend(1, self::std::answer()).await;
            let taken = ::std::mem::take(&mut v);
            pend(1, ()).await;
            x + taken.len() as u32
        }
    },
    run: f(),
}

differential! {
    /// Locals named `state`, `cx`, `this`, `fut`, `poll`, `pinned`,
    /// `slot`, `value`, `output`, `result` all live across awaits.
    name: locals_named_like_the_lowering,
    items: {
        #[lh] async fn f() -> String {
            let state = D::new("state");
            let cx = D::new("cx");
            let this = 1u32;
            let fut = pend(1, 2u32);
            let poll = fut.await;
            let pinned = D::new("pinned");
            let slot = vec![poll];
            let value = pend(1, this + poll).await;
            let output = format!("{value}");
            let result: std::result::Result<u32, ()> = Ok(pend(1, value).await);
            format!("{} {} {} {} {:?} {}", state.0, cx.0, pinned.0, output, result, slot.len())
        }
    },
    run: f(),
}

differential! {
    /// Parameters named `state`, `cx`, `fut` and `__self`.
    name: params_named_like_the_lowering,
    items: {
        #[lh] async fn f(state: D, cx: u32, fut: Pend<u32>, __self: D) -> u32 {
            let a = fut.await;
            let b = pend(1, cx).await;
            log(format!("{} {}", state.0, __self.0));
            a + b
        }
    },
    run: f(D::new("state"), 3, pend(2, 4), D::new("__self")),
}

differential! {
    /// A local `f` holding a closure, called before and after awaits; a
    /// local `poll` holding a closure too.
    name: locals_named_f_and_poll_hold_closures,
    items: {
        #[lh] async fn go() -> u32 {
            let d = D::new("d");
            let f = |x: u32| x * 3;
            let mut count = 0;
            let mut poll = |n: u32| { count += n; count };
            let a = f(pend(1, 2).await);
            poll(a);
            let b = f(pend(1, poll(1)).await);
            b
        }
    },
    run: go(),
}

differential! {
    /// A `&mut self` method whose local is named `this` and a helper's
    /// named `__self`.
    name: method_locals_this_and___self,
    items: {
        struct Acc { total: u32, d: D }
        impl Acc {
            #[lh] async fn add(&mut self, v: u32) -> u32 {
                let this = &mut *self;
                this.total += pend(1, v).await;
                let __self = this.total;
                pend(1, ()).await;
                self.total + __self
            }
        }
        async fn go() -> u32 {
            let mut a = Acc { total: 1, d: D::new("acc") };
            a.add(2).await + a.add(3).await
        }
    },
    run: go(),
}

differential! {
    /// Labels `'outer`, `'l` and `'a` on loops whose bodies await,
    /// `break` and `continue` through them.
    name: labels_outer_l_a_across_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let mut n = 0;
            'outer: for i in 0..4u32 {
                'l: loop {
                    'a: while n < 100 {
                        n += pend(1, i).await + 1;
                        if n % 3 == 0 { continue 'outer; }
                        if n > 5 { break 'l; }
                        break 'a;
                    }
                    break;
                }
                if n > 8 { break 'outer; }
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// A labelled block `'a: { .. }` whose value breaks out after an
    /// await, in a function with a lifetime `'b`.
    name: labelled_block_a_with_lifetime_b,
    items: {
        #[lh] async fn f<'b>(s: &'b str) -> &'b str {
            let d = D::new("d");
            let r = 'a: {
                let t = pend(1, s.trim()).await;
                if t.is_empty() { break 'a "empty"; }
                let u = D::new("u");
                pend(1, ()).await;
                t
            };
            r
        }
    },
    run: f("  hi "),
}

differential! {
    /// Lifetimes `'a` and `'b` on two borrowed parameters, one returned,
    /// with the other used across an await.
    name: lifetimes_a_b_returned_one,
    items: {
        #[lh] async fn pick<'a, 'b>(x: &'a [u32], y: &'b [u32]) -> &'a [u32] {
            let n = pend(1, y.len()).await;
            let d = D::new("d");
            let k = pend(1, n.min(x.len())).await;
            &x[..k]
        }
        async fn go() -> Vec<u32> {
            let a = vec![1, 2, 3];
            let b = vec![9, 9];
            pick(&a, &b).await.to_vec()
        }
    },
    run: go(),
}

differential! {
    /// An elided `'_` in argument and return types (`Iter<'_, u32>`,
    /// `&mut Vec<u32>`), the iterator built after the awaits.
    name: elided_lifetime_underscore,
    items: {
        #[lh] async fn tail(v: &mut Vec<u32>, n: u32) -> std::slice::Iter<'_, u32> {
            v.push(pend(1, n).await);
            v.push(pend(1, n + 1).await);
            v.iter()
        }
        async fn go() -> Vec<u32> {
            let mut v = vec![1];
            tail(&mut v, 5).await.copied().collect()
        }
    },
    run: go(),
}

differential! {
    /// Generic parameters named `F` and `Fut`, the callback awaited twice.
    name: generics_named_f_and_fut,
    items: {
        #[lh] async fn twice<F, Fut>(f: F, x: u32) -> u32
        where
            F: Fn(u32) -> Fut,
            Fut: std::future::Future<Output = u32>,
        {
            let d = D::new("d");
            let a = f(x).await;
            let b = f(a).await;
            a + b
        }
        async fn go() -> u32 {
            twice(|n| async move { pend(1, n * 2).await }, 3).await
        }
    },
    run: go(),
}

differential! {
    /// Generic parameters named `T`, `S` and `Output`, with `Output`
    /// returned.
    name: generics_named_t_s_output,
    items: {
        #[lh] async fn f<T: std::fmt::Debug, S: AsRef<str>, Output: From<u32> + std::fmt::Debug>(t: T, s: S) -> Output {
            let d = D::new("d");
            let n = pend(1, s.as_ref().len() as u32).await;
            log(format!("{t:?}"));
            let out: Output = Output::from(n);
            pend(1, ()).await;
            out
        }
        async fn go() -> u64 { f::<_, _, u64>(D::new("t"), "abcd").await }
    },
    run: go(),
}

differential! {
    /// Generic parameters named `P0`, `L0` and `F0` (GPIO pin types, as
    /// HAL crates name them), kept across awaits.
    name: generics_named_p0_l0_f0,
    items: {
        #[derive(Debug)]
        pub struct P0(u8);
        #[derive(Debug)]
        pub struct F0;
        #[lh] async fn toggle<L0: std::fmt::Debug>(pin: P0, level: L0, f: F0) -> String {
            let d = D::new("d");
            pend(1, ()).await;
            let s = format!("{pin:?} {level:?}");
            pend(1, ()).await;
            format!("{s} {f:?}")
        }
    },
    run: toggle(P0(3), true, F0),
}

differential! {
    /// Raw identifiers `r#type` and `r#match` as locals and as fields,
    /// across awaits.
    name: raw_identifier_locals_and_fields,
    items: {
        #[derive(Debug)]
        pub struct Token { r#type: &'static str, r#match: bool, d: D }
        #[lh] async fn f() -> String {
            let r#type = pend(1, "ident").await;
            let tok = Token { r#type, r#match: true, d: D::new("tok") };
            let r#match = pend(1, tok.r#match).await;
            let r#loop = tok.r#type.len();
            format!("{} {} {}", tok.r#type, r#match, r#loop)
        }
    },
    run: f(),
}

differential! {
    /// A method named with a raw identifier `r#await` (and a local named
    /// `r#await`), next to real awaits.
    name: raw_identifier_method_named_await,
    items: {
        struct Job(u32);
        impl Job {
            fn r#await(&self) -> u32 { log("job await"); self.0 }
        }
        #[lh] async fn f() -> u32 {
            let j = Job(4);
            let r#await = j.r#await();
            let x = pend(1, r#await).await;
            x + j.r#await() + pend(1, j.0).await
        }
    },
    run: f(),
}

differential! {
    /// A module-level `type Output`, `type Error` and `type Poll` alias,
    /// used in the signature.
    name: module_aliases_output_error_poll,
    items: {
        type Output = (u32, String);
        type Error = String;
        type Poll = std::result::Result<Output, Error>;
        #[lh] async fn f(k: u32) -> Poll {
            let d = D::new("d");
            let n = pend(1, k).await;
            if n == 0 { return Err("none".into()); }
            Ok((n, pend(1, "x".repeat(n as usize)).await))
        }
    },
    run: f(2),
}

differential! {
    /// A user trait named `Future` in the module (a task description),
    /// implemented and called around awaits.
    name: user_trait_named_future,
    items: {
        pub trait Future { fn describe(&self) -> String; }
        impl Future for u32 { fn describe(&self) -> String { format!("n{self}") } }
        #[lh] async fn f() -> String {
            let d = D::new("d");
            let a = pend(1, 3u32).await.describe();
            let b = Future::describe(&pend(1, 4u32).await);
            a + &b
        }
    },
    run: f(),
}

differential! {
    /// A user function named `poll` and one named `ready` called across
    /// awaits.
    name: user_fns_named_poll_and_ready,
    items: {
        fn poll(n: u32) -> bool { log(format!("poll {n}")); n > 1 }
        fn ready(x: u32) -> u32 { x + 1 }
        #[lh] async fn f() -> u32 {
            let mut n = 0;
            while !poll(n) {
                n = ready(pend(1, n).await);
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// A `use` renaming std's
    /// `Option` in the module (`use std::option::Option as Opt`).
    name: renamed_std_option_in_module,
    items: {
        use std::option::Option as Opt;
        #[lh] async fn first_even(v: Vec<u32>) -> Opt<u32> {
            let d = D::new("d");
            for x in v {
                if pend(1, x).await % 2 == 0 {
                    return Opt::Some(x);
                }
            }
            Opt::None
        }
    },
    run: first_even(vec![1, 3, 4, 5]),
}

differential! {
    /// Shadowing a local named `cx` with different types across awaits.
    name: shadowed_cx_across_awaits,
    items: {
        #[lh] async fn f() -> usize {
            let cx = D::new("cx1");
            let cx = (cx, pend(1, 1u32).await);
            let cx = format!("{}-{}", cx.0.0, pend(1, cx.1).await);
            cx.len()
        }
    },
    run: f(),
}
// ---------------------------------------------------------------------------
// 2. Items and `use` inside the body
// ---------------------------------------------------------------------------

differential! {
    /// A nested `fn` used before and after awaits.
    name: nested_fn_before_and_after_awaits,
    items: {
        #[lh] async fn f(x: u32) -> u32 {
            fn scale(v: u32) -> u32 { log(format!("scale {v}")); v * 10 }
            let d = D::new("d");
            let a = scale(x);
            let b = scale(pend(1, a).await);
            scale(pend(1, b).await) + a
        }
    },
    run: f(1),
}

differential! {
    /// A `struct` with an `impl` declared inside the body, its value kept
    /// across awaits and dropped at the end.
    name: nested_struct_with_impl_and_drop,
    items: {
        #[lh] async fn f() -> u32 {
            struct Counter { n: u32, name: &'static str }
            impl Counter {
                fn bump(&mut self) -> u32 { self.n += 1; self.n }
            }
            impl Drop for Counter {
                fn drop(&mut self) { log(format!("drop counter {} {}", self.name, self.n)); }
            }
            let mut c = Counter { n: 0, name: "c" };
            c.bump();
            pend(1, ()).await;
            let d = Counter { n: 10, name: "d" };
            c.bump();
            pend(1, ()).await;
            c.bump() + d.n
        }
    },
    run: f(),
}

differential! {
    /// An `enum` declared in the body, matched on an awaited value.
    name: nested_enum_matched_after_await,
    items: {
        #[lh] async fn classify(xs: Vec<i32>) -> Vec<String> {
            #[derive(Debug)]
            enum Kind { Neg(i32), Zero, Pos { v: i32, big: bool } }
            let mut out = Vec::new();
            for x in xs {
                let k = match pend(1, x).await {
                    v if v < 0 => Kind::Neg(v),
                    0 => Kind::Zero,
                    v => Kind::Pos { v, big: v > 10 },
                };
                pend(1, ()).await;
                out.push(format!("{k:?}"));
            }
            out
        }
    },
    run: classify(vec![-1, 0, 5, 20]),
}

differential! {
    /// A `const` and a `static` declared in the body, read after awaits.
    name: nested_const_and_static,
    items: {
        #[lh] async fn f() -> u32 {
            const LIMIT: u32 = 3;
            static NAMES: [&str; 3] = ["a", "b", "c"];
            let d = D::new("d");
            let mut n = 0;
            while n < LIMIT {
                log(NAMES[n as usize]);
                n += pend(1, 1).await;
            }
            n * LIMIT
        }
    },
    run: f(),
}

differential! {
    /// A `static` atomic counter declared inside a loop's body that awaits:
    /// one static however the body is written out.
    name: static_counter_in_loop_body,
    items: {
        #[lh] async fn f() -> u32 {
            use std::sync::atomic::{AtomicU32, Ordering};
            let mut seen = Vec::new();
            for i in 0..3u32 {
                static HITS: AtomicU32 = AtomicU32::new(0);
                let before = HITS.fetch_add(1, Ordering::SeqCst);
                pend(1, ()).await;
                seen.push(HITS.load(Ordering::SeqCst) - before);
            }
            seen.iter().sum()
        }
    },
    run: f(),
}

differential! {
    /// `use` declarations inside the body (a trait import and a renamed
    /// collection), used after awaits.
    name: use_declarations_in_body,
    items: {
        #[lh] async fn f() -> String {
            use std::collections::BTreeSet as Set;
            use std::fmt::Write as _;
            let mut seen = Set::new();
            let mut out = String::new();
            for w in ["b", "a", "b"] {
                seen.insert(pend(1, w).await);
            }
            write!(out, "{}", seen.len()).unwrap();
            pend(1, ()).await;
            for w in &seen { write!(out, ",{w}").unwrap(); }
            out
        }
    },
    run: f(),
}

differential! {
    /// A `macro_rules!` defined in the body, used before and after awaits
    /// on kept locals.
    name: macro_rules_in_body_used_across_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            macro_rules! sq { ($e:expr) => { { let v = $e; v * v } } }
            let d = D::new("d");
            let a = sq!(2u32);
            let b = pend(1, a).await;
            let c = sq!(b + 1);
            let w = pend(1, 1u32).await;
            c + sq!(w)
        }
    },
    run: f(),
}

known_gap! {
    reason: "s10-6 (fails to compile, E0728): see `module_macro_expands_to_await`; here the `macro_rules! get { ($n:expr) => { pend(1, $n).await } }` is defined in the body itself, so longhand sees its `.await`: refused with a message at the call (`get!` expands to an `.await`, which longhand cannot lower .., `tests/ui/await_in_body_macro_rules.rs`); it was `await is only allowed inside async functions and blocks` at the definition's `.await`, twice",
    differential! {
        /// A `macro_rules!` defined in the body whose expansion contains
        /// `.await` (a small retry helper).
        name: macro_rules_in_body_expands_to_await,
        items: {
            #[lh] async fn f() -> u32 {
                macro_rules! get { ($n:expr) => { pend(1, $n).await } }
                let d = D::new("d");
                let a = get!(2u32);
                let b = get!(a + 1);
                a + b
            }
        },
        run: f(),
    }
}

known_gap! {
    reason: "s10-6 (fails to compile, E0728): an `.await` inside a macro's expansion (`macro_rules! fetch { ($n:expr) => { pend(1, $n).await } }` at module level, `let a = fetch!(3u32);`) is not seen: the call is left in the poll closure, where the expansion's `.await` is `await is only allowed inside async functions and blocks`, pointing at the `.await` in the macro's definition (confusing: the user's function is `async`). For a macro defined outside the body longhand cannot see the expansion; a refusal naming the macro is not possible either, so the docs could say it",
    differential! {
        /// A `macro_rules!` at module level whose expansion awaits, used in a
        /// lowered body.
        name: module_macro_expands_to_await,
        items: {
            macro_rules! fetch { ($n:expr) => { pend(1, $n).await } }
            #[lh] async fn f() -> u32 {
                let d = D::new("d");
                let a = fetch!(3u32);
                a + 1
            }
        },
        run: f(),
    }
}

differential! {
    /// A module-level macro that declares a local (`bind!(x = ..)`), the
    /// local used after an await.
    name: macro_declares_local_used_after_await,
    items: {
        macro_rules! bind { ($n:ident = $e:expr) => { let $n = $e; } }
        #[lh] async fn f() -> u32 {
            bind!(x = 5u32);
            pend(1, ()).await;
            x + 1
        }
    },
    run: f(),
}

differential! {
    /// A `macro_rules!` redefined further down the body: each use sees the
    /// definition above it.
    name: macro_rules_redefined_after_await,
    items: {
        #[lh] async fn f() -> u32 {
            macro_rules! k { () => { 1u32 } }
            let a = k!();
            pend(1, ()).await;
            macro_rules! k { () => { 20u32 } }
            let b = k!();
            a + b
        }
    },
    run: f(),
}

differential! {
    /// A nested `fn` in an inner block shadowing a module-level `fn` of the
    /// same name: calls outside the block reach the module's.
    name: inner_block_fn_shadows_module_fn,
    items: {
        fn k() -> u32 { 1 }
        #[lh] async fn f() -> u32 {
            let a = k();
            let b = {
                fn k() -> u32 { 100 }
                pend(1, ()).await;
                k()
            };
            pend(1, ()).await;
            a + b + k()
        }
    },
    run: f(),
}

differential! {
    /// Two `match` arms each declaring their own `const LIMIT`, each arm
    /// awaiting.
    name: consts_with_same_name_in_two_arms,
    items: {
        #[lh] async fn limit(kind: u8) -> u32 {
            let d = D::new("d");
            match kind {
                0 => {
                    const LIMIT: u32 = 3;
                    pend(1, LIMIT).await
                }
                _ => {
                    const LIMIT: u32 = 5;
                    pend(2, LIMIT).await
                }
            }
        }
        async fn go() -> u32 { limit(0).await * 10 + limit(1).await }
    },
    run: go(),
}

differential! {
    /// Two blocks each importing a different function under the same name
    /// (`use std::cmp::max as pick;` / `min as pick`).
    name: same_use_alias_in_two_blocks,
    items: {
        #[lh] async fn f() -> u32 {
            let a = {
                use std::cmp::max as pick;
                pick(pend(1, 3u32).await, 7)
            };
            let b = {
                use std::cmp::min as pick;
                pick(pend(1, 3u32).await, 7)
            };
            a * 10 + b
        }
    },
    run: f(),
}

differential! {
    /// A nested `struct` in an inner block shadowing a module-level struct
    /// of the same name, both used.
    name: inner_block_struct_shadows_module_struct,
    items: {
        #[derive(Debug)]
        struct Row(u32);
        #[lh] async fn f() -> String {
            let outer = Row(pend(1, 1).await);
            let inner = {
                #[derive(Debug)]
                struct Row(&'static str);
                let r = Row(pend(1, "x").await);
                format!("{r:?}")
            };
            format!("{outer:?} {inner}")
        }
    },
    run: f(),
}

differential! {
    /// A non-`#[lh]` nested `async fn` in the body, awaited twice.
    name: nested_async_fn_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            async fn step(n: u32) -> u32 {
                let d = D::new("step");
                pend(1, n + 1).await
            }
            let d = D::new("d");
            let a = step(1).await;
            step(a).await
        }
    },
    run: f(),
}

differential! {
    /// An `impl` block in the body for a module-level type, adding a
    /// method used after an await.
    name: impl_block_in_body_for_module_type,
    items: {
        struct Meter(u32);
        #[lh] async fn f() -> u32 {
            impl Meter {
                fn doubled(&self) -> u32 { self.0 * 2 }
            }
            let m = Meter(pend(1, 4).await);
            pend(1, ()).await;
            m.doubled()
        }
    },
    run: f(),
}

differential! {
    /// A trait and its impl declared in the body, the trait method called
    /// on awaited values.
    name: trait_and_impl_in_body,
    items: {
        #[lh] async fn f() -> String {
            trait Shout { fn shout(&self) -> String; }
            impl Shout for str { fn shout(&self) -> String { self.to_uppercase() } }
            let d = D::new("d");
            let a = pend(1, "hi").await.shout();
            let b = pend(1, "yo").await;
            a + &b.shout()
        }
    },
    run: f(),
}

differential! {
    /// A nested generic `fn` and a `type` alias declared in the body.
    name: nested_generic_fn_and_type_alias,
    items: {
        #[lh] async fn f() -> usize {
            type Pair = (u32, &'static str);
            fn largest<T: PartialOrd + Copy>(xs: &[T]) -> T {
                let mut m = xs[0];
                for &x in xs { if x > m { m = x; } }
                m
            }
            let p: Pair = (pend(1, 3).await, "z");
            let v = vec![p.0, pend(1, 9).await, 2];
            largest(&v) as usize + p.1.len()
        }
    },
    run: f(),
}

differential! {
    /// A `use` of an enum's variants inside the body (`use Dir::*;`),
    /// matched across awaits.
    name: use_enum_variants_in_body,
    items: {
        #[derive(Debug, Clone, Copy)]
        pub enum Dir { North, South }
        #[lh] async fn f(ds: Vec<Dir>) -> i32 {
            use Dir::*;
            let mut y = 0;
            for d in ds {
                match pend(1, d).await {
                    North => y += 1,
                    South => y -= pend(1, 2).await,
                }
            }
            y
        }
    },
    run: f(vec![Dir::North, Dir::South, Dir::North]),
}

differential! {
    /// A `thread_local!` declared in the body, used across awaits.
    name: thread_local_in_body,
    items: {
        #[lh] async fn f() -> u32 {
            thread_local! { static SEEN: Cell<u32> = const { Cell::new(0) }; }
            SEEN.with(|s| s.set(s.get() + pend_sync(1)));
            pend(1, ()).await;
            SEEN.with(|s| s.set(s.get() + 1));
            let v = SEEN.with(|s| s.get());
            SEEN.with(|s| s.set(0));
            v
        }
        fn pend_sync(n: u32) -> u32 { n }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 3. Attributes on statements, arms and the function
// ---------------------------------------------------------------------------

differential! {
    /// `#[allow(..)]` on `let` statements whose values await.
    name: allow_on_let_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            #[allow(unused_variables)]
            let unused = pend(1, D::new("u")).await;
            #[allow(clippy::identity_op)]
            let x = pend(1, 3).await * 1;
            x
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(any())]` (always false) on a `let` whose value awaits: the
    /// statement and its await do not exist.
    name: cfg_false_on_let_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let x = 1;
            #[cfg(any())]
            let x = pend(5, 100).await;
            pend(1, ()).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(all())]` (always true) on a `let` whose value awaits.
    name: cfg_true_on_let_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let x = 1;
            #[cfg(all())]
            let x = pend(2, 100).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(any())]` on an expression statement that awaits (a metrics
    /// call behind a disabled feature), between two real awaits.
    name: cfg_false_on_expression_statement_await,
    items: {
        async fn record(n: u32) { pend(3, ()).await; log(format!("record {n}")); }
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let a = pend(1, 2).await;
            #[cfg(any())]
            record(a).await;
            let e = D::new("e");
            a + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(debug_assertions)]` (true in tests) on an expression
    /// statement that awaits.
    name: cfg_debug_assertions_statement_await,
    items: {
        async fn trace(n: u32) { pend(1, ()).await; log(format!("trace {n}")); }
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let a = pend(1, 2).await;
            #[cfg(debug_assertions)]
            trace(a).await;
            #[cfg(not(debug_assertions))]
            trace(a + 100).await;
            a
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(test)]` / `#[cfg(not(test))]` pairs declaring the same local
    /// with different awaits.
    name: cfg_test_pairs_declaring_same_local,
    items: {
        #[lh] async fn f() -> u32 {
            #[cfg(test)]
            let src = pend(1, 10u32).await;
            #[cfg(not(test))]
            let src = pend(7, 20u32).await;
            let d = D::new("d");
            src + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(any())]` on a `match` arm whose body awaits; the other arms
    /// await too.
    name: cfg_false_on_match_arm_with_await,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let d = D::new("d");
            match k {
                #[cfg(any())]
                0 => pend(9, 900).await,
                0 => pend(1, 1).await,
                _ => pend(2, 2).await,
            }
        }
        async fn go() -> u32 { f(0).await * 10 + f(1).await }
    },
    run: go(),
}

differential! {
    /// `#[cfg(any())]` on a whole `let` whose value is a dropper: it is
    /// never created.
    name: cfg_false_on_let_dropper,
    items: {
        #[lh] async fn f() -> u32 {
            #[cfg(any())]
            let d = D::new("never");
            let e = D::new("e");
            pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(any())]` on a `for` loop statement that awaits in its body.
    name: cfg_false_on_loop_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut n = 1;
            #[cfg(any())]
            for i in 0..3 {
                n += pend(1, i).await;
            }
            n + pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(any())]` on a struct literal field and a `cfg`'d field.
    name: cfg_on_struct_literal_field,
    items: {
        #[derive(Debug)]
        pub struct Conf { a: u32, #[cfg(any())] b: u32, c: u32 }
        #[lh] async fn f() -> Conf {
            let d = D::new("d");
            Conf {
                a: pend(1, 1).await,
                #[cfg(any())]
                b: pend(5, 2).await,
                c: pend(1, 3).await,
            }
        }
    },
    run: f(),
}

differential! {
    /// `#[rustfmt::skip]` on a `let` whose value awaits.
    name: rustfmt_skip_on_let,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            #[rustfmt::skip]
            let m = vec![
                pend(1, 1).await,   0,
                0,   pend(1, 1).await,
            ];
            m
        }
    },
    run: f(),
}

differential! {
    /// A doc comment, `#[inline]`, a `#[doc = ..]` attribute and a
    /// clippy `allow` on the `async fn` itself, after `#[lh]`.
    name: attributes_after_lh_on_fn,
    items: {
        /// Adds everything up.
        #[lh]
        #[inline]
        #[doc = "More docs."]
        #[allow(clippy::too_many_arguments)]
        async fn sum(a: u32, b: u32, c: u32, d: u32, e: u32, f: u32, g: u32, h: u32) -> u32 {
            let x = D::new("x");
            pend(1, a + b + c + d).await + e + f + g + h
        }
    },
    run: sum(1, 2, 3, 4, 5, 6, 7, 8),
}

differential! {
    /// Attributes before `#[lh]` on the function (`#[inline]`, a doc
    /// attribute, `#[allow(..)]`).
    name: attributes_before_lh_on_fn,
    items: {
        #[inline]
        #[doc = "Docs before."]
        #[allow(unused_variables)]
        #[lh]
        async fn f(x: u32) -> u32 {
            let d = D::new("d");
            pend(1, x).await
        }
    },
    run: f(4),
}

differential! {
    /// `#[must_use]` on an `async fn` method returning a value.
    name: must_use_on_async_fn,
    items: {
        struct S(u32);
        impl S {
            #[must_use]
            #[lh]
            async fn get(&self) -> u32 { pend(1, self.0).await }
        }
        async fn go() -> u32 { let s = S(3); s.get().await }
    },
    run: go(),
}

differential! {
    /// `#[cfg_attr(all(), allow(unused))]` on statements that await.
    name: cfg_attr_on_statements,
    items: {
        #[lh] async fn f() -> u32 {
            #[cfg_attr(all(), allow(unused_variables))]
            let a = pend(1, D::new("a")).await;
            #[cfg_attr(any(), cfg(any()))]
            let b = pend(1, 2).await;
            b
        }
    },
    run: f(),
}

differential! {
    /// `#[cfg(any())]` on an item in the body (a `fn`) with a fallback
    /// `fn` of the same name under `#[cfg(all())]`.
    name: cfg_on_items_in_body,
    items: {
        #[lh] async fn f() -> u32 {
            #[cfg(any())]
            fn pick() -> u32 { 1 }
            #[cfg(all())]
            fn pick() -> u32 { 2 }
            let x = pend(1, pick()).await;
            x + pick()
        }
    },
    run: f(),
}

differential! {
    /// An `#[allow(..)]` on a `match` arm and on an expression statement
    /// that awaits.
    name: allow_on_arm_and_expression_statement,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let d = D::new("d");
            #[allow(clippy::unit_arg)]
            pend(1, ()).await;
            match k {
                #[allow(unreachable_patterns)]
                1 => pend(1, 10).await,
                _ => pend(1, 20).await,
            }
        }
    },
    run: f(1),
}

differential! {
    /// A `#[cfg(any())]` `let` between a borrow and the await that uses
    /// it: the borrow's owner is still the one declared first.
    name: cfg_false_let_shadow_of_borrowed_local,
    items: {
        async fn len_of(v: &[u32]) -> usize { pend(1, v.len()).await }
        #[lh] async fn f() -> usize {
            let v = vec![1, 2, 3];
            #[cfg(any())]
            let v = vec![9];
            len_of(&v).await + v.len()
        }
    },
    run: f(),
}

// ---------------------------------------------------------------------------
// 4. Panics as the oracle
// ---------------------------------------------------------------------------

differential! {
    /// `u8` addition overflowing on an awaited operand (debug build:
    /// `attempt to add with overflow`), two droppers live.
    name: panic_add_overflow_awaited_operand,
    items: {
        #[lh] async fn f() -> u8 {
            let a = D::new("a");
            let x: u8 = pend(1, 200u8).await;
            let b = D::new("b");
            x + pend(1, 100u8).await
        }
    },
    run: f(),
}

differential! {
    /// `+=` on a `u8` local whose right side awaits, overflowing.
    name: panic_add_assign_overflow_awaited_rhs,
    items: {
        #[lh] async fn f() -> u8 {
            let d = D::new("d");
            let mut x: u8 = 250;
            x += pend(1, 3u8).await;
            let e = D::new("e");
            x += pend(1, 3u8).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// Subtraction underflow on `usize` from awaited lengths.
    name: panic_sub_underflow_lengths,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            let n = pend(1, v.len()).await;
            let t = tmp("t", 1);
            n - pend(1, 5usize).await
        }
    },
    run: f(vec![D::new("v0"), D::new("v1")]),
}

differential! {
    /// Multiplication overflow with a temporary alive in the expression.
    name: panic_mul_overflow_with_temporary,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            tmp("t", 70000).get() * pend(1, 70000u32).await
        }
    },
    run: f(),
}

differential! {
    /// Division by zero with an awaited divisor.
    name: panic_divide_by_zero_awaited,
    items: {
        #[lh] async fn f(total: u32) -> u32 {
            let d = D::new("d");
            let n = pend(1, 0u32).await;
            let e = D::new("e");
            total / n
        }
    },
    run: f(10),
}

differential! {
    /// Remainder by zero where the divisor awaits inside the expression.
    name: panic_rem_by_zero_inline,
    items: {
        #[lh] async fn f(total: u32) -> u32 {
            let d = D::new("d");
            total % pend(2, 0u32).await
        }
    },
    run: f(10),
}

differential! {
    /// `i32::MIN / -1` (`attempt to divide with overflow`) and a negation
    /// overflow path.
    name: panic_divide_with_overflow,
    items: {
        #[lh] async fn f() -> i32 {
            let d = D::new("d");
            let m = pend(1, i32::MIN).await;
            let k = pend(1, -1i32).await;
            m / k
        }
    },
    run: f(),
}

differential! {
    /// Negating `i64::MIN` received from an await.
    name: panic_negate_overflow,
    items: {
        #[lh] async fn f() -> i64 {
            let d = D::new("d");
            let m = pend(1, i64::MIN).await;
            -m
        }
    },
    run: f(),
}

differential! {
    /// A shift by an awaited amount too large for `u32`.
    name: panic_shift_overflow,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let s = pend(1, 40u32).await;
            1u32 << s
        }
    },
    run: f(),
}

differential! {
    /// Indexing a `Vec` with an awaited index out of bounds, droppers in
    /// the vector.
    name: panic_index_out_of_bounds_awaited_index,
    items: {
        #[lh] async fn f() -> &'static str {
            let v = vec![D::new("v0"), D::new("v1"), D::new("v2")];
            let e = D::new("e");
            v[pend(1, 5usize).await].0
        }
    },
    run: f(),
}

differential! {
    /// A slice range end out of bounds, awaited.
    name: panic_slice_range_out_of_bounds,
    items: {
        #[lh] async fn f() -> usize {
            let d = D::new("d");
            let v = vec![1u8, 2, 3];
            let s = &v[1..pend(1, 10usize).await];
            s.len()
        }
    },
    run: f(),
}

differential! {
    /// A `str` sliced off a char boundary after an await.
    name: panic_str_char_boundary,
    items: {
        #[lh] async fn f() -> String {
            let d = D::new("d");
            let s = pend(1, String::from("héllo")).await;
            let k = pend(1, 2usize).await;
            s[..k].to_string()
        }
    },
    run: f(),
}

differential! {
    /// `unwrap()` on a `None` from an await, with a dropper and a
    /// temporary live.
    name: panic_unwrap_none_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let m: HashMap<u32, u32> = HashMap::new();
            tmp("t", 1).get() + *m.get(&pend(1, 3).await).unwrap()
        }
    },
    run: f(),
}

differential! {
    /// `expect` with a message on an `Err` from an awaited call.
    name: panic_expect_err_message,
    items: {
        async fn load(k: u32) -> Result<u32, String> { pend(1, Err(format!("no key {k}"))).await }
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let v = load(7).await.expect("config must load");
            v + 1
        }
    },
    run: f(),
}

differential! {
    /// A `RefCell` borrowed mutably while a shared borrow is held across
    /// an await (`already borrowed`).
    name: panic_refcell_double_borrow_across_await,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> usize {
            let d = D::new("d");
            let r = c.borrow();
            pend(1, ()).await;
            c.borrow_mut().push(1);
            r.len()
        }
    },
    run: f(Rc::new(RefCell::new(vec![1]))),
}

differential! {
    /// `unreachable!` with a formatted message after awaits, in a `match`
    /// arm.
    name: panic_unreachable_with_message,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let d = D::new("d");
            match pend(1, k).await {
                0 => 1,
                n => {
                    let e = D::new("e");
                    pend(1, ()).await;
                    unreachable!("state {} after {}", n, e.0)
                }
            }
        }
    },
    run: f(3),
}

differential! {
    /// An overflow in the argument list of a call whose other argument
    /// awaits: which operands ran before the panic.
    name: panic_overflow_in_argument_list,
    items: {
        fn take3(a: u32, b: D, c: u8) -> u32 { a + c as u32 }
        #[lh] async fn f() -> u32 {
            let base: u8 = pend(1, 255u8).await;
            take3(pend(1, 1).await, D::new("arg"), base + 1)
        }
    },
    run: f(),
}

differential! {
    /// A panic inside a `for` loop body after several iterations, the
    /// iterator owning droppers.
    name: panic_in_loop_with_owning_iterator,
    items: {
        #[lh] async fn f(v: Vec<D>) -> usize {
            let mut n = 0usize;
            for d in v {
                let k = pend(1, d.0.len()).await;
                n += k;
                if n > 4 { panic!("too long at {}", d.0); }
            }
            n
        }
    },
    run: f(vec![D::new("ab"), D::new("cd"), D::new("ef"), D::new("gh")]),
}

differential! {
    /// `assert!` and `assert_eq!` failing on awaited values with droppers
    /// live.
    name: panic_assert_eq_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let a = pend(1, 2u32).await;
            assert!(a > 1, "a was {a}");
            let e = D::new("e");
            assert_eq!(a, pend(1, 3u32).await, "mismatch for {}", e.0);
            a
        }
    },
    run: f(),
}

differential! {
    /// A panic while a `Vec` being built by a literal holds earlier
    /// elements (`vec![D, x.await, overflow]`).
    name: panic_in_vec_literal_after_await,
    items: {
        #[lh] async fn f() -> usize {
            let n: u8 = pend(1, 255u8).await;
            let v = vec![D::new("e0"), pend(1, D::new("e1")).await, D::new(if n + 1 > 0 { "e2" } else { "x" })];
            v.len()
        }
    },
    run: f(),
}

differential! {
    /// A panic in a struct literal's later field after an earlier field
    /// awaited a dropper.
    name: panic_in_struct_literal_field,
    items: {
        struct Pair { a: D, b: D, n: u32 }
        #[lh] async fn f(div: u32) -> u32 {
            let p = Pair { a: pend(1, D::new("a")).await, b: D::new("b"), n: 10 / div };
            p.n
        }
    },
    run: f(0),
}

differential! {
    /// `Option::unwrap` on an awaited `None` inside a method chain with a
    /// guard from a `RefCell`.
    name: panic_unwrap_with_refcell_guard_live,
    items: {
        #[lh] async fn f(c: Rc<RefCell<Vec<u32>>>) -> u32 {
            let d = D::new("d");
            let g = c.borrow();
            let first = *g.first().unwrap();
            let k = pend(1, Option::<u32>::None).await;
            first + k.unwrap()
        }
    },
    run: f(Rc::new(RefCell::new(vec![4]))),
}

differential! {
    /// `checked_add(..).expect(..)` on an awaited value in a loop.
    name: panic_checked_add_expect,
    items: {
        #[lh] async fn f() -> u8 {
            let d = D::new("d");
            let mut acc: u8 = 0;
            for x in [100u8, 100, 100] {
                acc = acc.checked_add(pend(1, x).await).expect("budget exceeded");
            }
            acc
        }
    },
    run: f(),
}

differential! {
    /// An array index out of bounds with the index computed from two
    /// awaits.
    name: panic_array_index_two_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let arr = [10u32, 20, 30];
            let d = D::new("d");
            arr[pend(1, 2usize).await + pend(1, 1usize).await]
        }
    },
    run: f(),
}

differential! {
    /// A panic with a `String` payload built from a dropper's name, after
    /// a partial iteration over a `VecDeque`.
    name: panic_string_payload_vecdeque,
    items: {
        #[lh] async fn f() -> usize {
            let mut q: VecDeque<D> = VecDeque::new();
            q.push_back(D::new("q0"));
            q.push_back(D::new("q1"));
            let first = q.pop_front().unwrap();
            pend(1, ()).await;
            if q.len() == 1 {
                std::panic::panic_any(format!("left {}", first.0));
            }
            q.len()
        }
    },
    run: f(),
}
// ---------------------------------------------------------------------------
// 5. Signatures
// ---------------------------------------------------------------------------

differential! {
    /// A `pub(crate) async fn` and a `pub(super)` one.
    name: pub_crate_and_pub_super,
    items: {
        #[lh] pub(crate) async fn a(x: u32) -> u32 { let d = D::new("a"); pend(1, x).await + 1 }
        #[lh] pub(super) async fn b(x: u32) -> u32 { let d = D::new("b"); a(x).await * 2 }
    },
    run: b(3),
}

differential! {
    /// An `async unsafe fn` reading through a raw pointer, called in
    /// `unsafe {}`.
    name: async_unsafe_fn_raw_pointer,
    items: {
        /// # Safety
        /// `p` must be valid for reads for the whole call.
        #[lh] async unsafe fn read_twice(p: *const u32) -> u32 {
            let d = D::new("d");
            let a = unsafe { *p };
            pend(1, ()).await;
            a + unsafe { *p }
        }
        static VALUE: u32 = 21;
        async fn go() -> u32 {
            let p: *const u32 = &VALUE;
            unsafe { read_twice(p).await }
        }
    },
    run: go(),
}

differential! {
    /// An `async unsafe fn` method with a `&mut self` receiver.
    name: async_unsafe_method,
    items: {
        struct Buf { v: Vec<u32> }
        impl Buf {
            /// # Safety
            /// `i` must be in bounds.
            #[lh] async unsafe fn get(&mut self, i: usize) -> u32 {
                let x = pend(1, i).await;
                unsafe { *self.v.get_unchecked(x) }
            }
        }
        async fn go() -> u32 {
            let mut b = Buf { v: vec![5, 6, 7] };
            unsafe { b.get(1).await + b.get(2).await }
        }
    },
    run: go(),
}

differential! {
    /// A struct with a const generic and a default (`Ring<const N: usize
    /// = 4>`), an async method using `N` across awaits.
    name: const_generic_with_default_on_struct,
    items: {
        pub struct Ring<const N: usize = 4> { buf: [u32; N], at: usize }
        impl<const N: usize> Ring<N> {
            #[lh] async fn push(&mut self, v: u32) -> usize {
                let x = pend(1, v).await;
                self.buf[self.at % N] = x;
                self.at += 1;
                pend(1, ()).await;
                N - self.at.min(N)
            }
        }
        async fn go() -> (usize, usize) {
            let mut r: Ring = Ring { buf: [0; 4], at: 0 };
            let mut s = Ring::<2> { buf: [0; 2], at: 0 };
            r.push(1).await;
            (r.push(2).await, s.push(3).await)
        }
    },
    run: go(),
}

differential! {
    /// A const generic parameter on a free `async fn`, used for an array
    /// kept across awaits.
    name: const_generic_free_fn_array,
    items: {
        #[lh] async fn fill<const N: usize>(seed: u32) -> [u32; N] {
            let mut a = [0u32; N];
            for (i, slot) in a.iter_mut().enumerate() {
                *slot = seed + i as u32;
            }
            let d = D::new("d");
            pend(1, ()).await;
            a[N - 1] = pend(1, 99).await;
            a
        }
        async fn go() -> [u32; 3] { fill::<3>(5).await }
    },
    run: go(),
}

differential! {
    /// `impl Trait + 'a` in argument position, borrowed across awaits.
    name: impl_trait_arg_with_lifetime_bound,
    items: {
        #[lh] async fn total<'a>(it: impl Iterator<Item = &'a u32> + 'a) -> u32 {
            let d = D::new("d");
            let mut n = 0;
            for x in it {
                n += pend(1, *x).await;
            }
            n
        }
        async fn go() -> u32 { let v = vec![1, 2, 3]; total(v.iter()).await }
    },
    run: go(),
}

differential! {
    /// An HRTB bound (`F: for<'a> Fn(&'a str) -> usize`) on a callback
    /// called on locals before and after awaits.
    name: hrtb_callback_on_locals,
    items: {
        #[lh] async fn measure<F>(f: F, words: Vec<String>) -> usize
        where
            F: for<'a> Fn(&'a str) -> usize,
        {
            let d = D::new("d");
            let mut n = 0;
            for w in &words {
                let owned = pend(1, w.clone()).await;
                n += f(&owned) + f(w);
            }
            n
        }
    },
    run: measure(|s: &str| s.len(), vec!["ab".into(), "cde".into()]),
}

differential! {
    /// An HRTB bound returning a borrow (`for<'a> Fn(&'a str) -> &'a str`).
    name: hrtb_callback_returning_borrow,
    items: {
        #[lh] async fn first<F>(f: F, s: String) -> String
        where
            F: for<'a> Fn(&'a str) -> &'a str,
        {
            let t = pend(1, s).await;
            let head = f(&t);
            let out = head.to_uppercase();
            pend(1, ()).await;
            out
        }
    },
    run: first(|s: &str| s.split(' ').next().unwrap_or(""), "hello world".into()),
}

differential! {
    /// `-> Self` constructors, `Self::CONST` and `Self { .. }` literals in
    /// an async associated function.
    name: self_returning_constructor_with_const,
    items: {
        #[derive(Debug)]
        pub struct Conn { id: u32, retries: u32, d: D }
        impl Conn {
            const MAX_RETRIES: u32 = 3;
            #[lh] async fn connect(id: u32) -> Self {
                let mut tries = 0;
                while tries < Self::MAX_RETRIES && pend(1, id + tries).await % 2 == 1 {
                    tries += 1;
                }
                Self { id, retries: tries, d: D::new("conn") }
            }
        }
    },
    run: Conn::connect(1),
}

differential! {
    /// `Self::Variant` patterns and constructors in an async method of an
    /// enum, matched on `self` across awaits.
    name: self_variant_patterns_in_enum_method,
    items: {
        #[derive(Debug)]
        pub enum Job { Idle, Running { step: u32, d: D }, Done(u32) }
        impl Job {
            #[lh] async fn advance(&mut self) -> u32 {
                match self {
                    Self::Idle => { *self = Self::Running { step: pend(1, 0).await, d: D::new("run") }; 0 }
                    Self::Running { step, .. } if *step >= 2 => { let s = *step; *self = Self::Done(s); s }
                    Self::Running { step, .. } => { *step += pend(1, 1).await; *step }
                    Self::Done(n) => *n,
                }
            }
        }
        async fn go() -> Vec<u32> {
            let mut j = Job::Idle;
            let mut out = Vec::new();
            for _ in 0..5 { out.push(j.advance().await); }
            out
        }
    },
    run: go(),
}

differential! {
    /// A generic `impl<T> Wrapper<T>` async method returning `Self` built
    /// with `Self { .. }` from the awaited value.
    name: generic_impl_returning_self,
    items: {
        #[derive(Debug)]
        pub struct Wrapper<T> { inner: T, generation: u32 }
        impl<T: std::fmt::Debug> Wrapper<T> {
            #[lh] async fn bump(self) -> Self {
                let g = pend(1, self.generation + 1).await;
                Self { inner: self.inner, generation: g }
            }
        }
        async fn go() -> Wrapper<D> { Wrapper { inner: D::new("w"), generation: 0 }.bump().await }
    },
    run: go(),
}

differential! {
    /// A `&dyn Trait` argument and a `Box<dyn Trait>` argument used across
    /// awaits.
    name: dyn_trait_arguments,
    items: {
        pub trait Scorer { fn score(&self, x: u32) -> u32; }
        struct Double;
        impl Scorer for Double { fn score(&self, x: u32) -> u32 { x * 2 } }
        struct Plus(u32, D);
        impl Scorer for Plus { fn score(&self, x: u32) -> u32 { x + self.0 } }
        #[lh] async fn run2(a: &dyn Scorer, b: Box<dyn Scorer>) -> u32 {
            let x = a.score(pend(1, 3).await);
            let y = b.score(pend(1, x).await);
            a.score(y)
        }
        async fn go() -> u32 { run2(&Double, Box::new(Plus(1, D::new("plus")))).await }
    },
    run: go(),
}

differential! {
    /// A `&mut dyn FnMut(u32)` sink called between awaits.
    name: mut_dyn_fnmut_sink,
    items: {
        #[lh] async fn emit(sink: &mut dyn FnMut(u32), n: u32) -> u32 {
            let d = D::new("d");
            for i in 0..n {
                sink(pend(1, i).await);
            }
            n
        }
        async fn go() -> (u32, Vec<u32>) {
            let mut got = Vec::new();
            let n = emit(&mut |x| got.push(x * 10), 3).await;
            (n, got)
        }
    },
    run: go(),
}

differential! {
    /// `Box<dyn Error + Send + Sync>` returns with `?` on several error
    /// types and `.into()` on a `String`.
    name: boxed_error_return_with_question_and_into,
    items: {
        type BoxError = Box<dyn std::error::Error + Send + Sync>;
        async fn parse(s: &str) -> Result<u32, std::num::ParseIntError> { pend(1, s.parse()).await }
        #[lh] async fn f(a: &str, b: &str) -> Result<u32, BoxError> {
            let d = D::new("d");
            let x = parse(a).await?;
            if x == 0 {
                return Err("zero".into());
            }
            let e = D::new("e");
            let y = parse(b).await?;
            if y > 100 {
                return Err(format!("too big {y}").into());
            }
            Ok(x + y)
        }
        async fn go() -> Vec<String> {
            let mut out = Vec::new();
            for (a, b) in [("1", "2"), ("0", "1"), ("3", "x"), ("1", "200")] {
                out.push(match f(a, b).await { Ok(n) => n.to_string(), Err(e) => e.to_string() });
            }
            out
        }
    },
    run: go(),
}

differential! {
    /// `Box<dyn Error>` built with `?` from `std::fmt::Error` and an io
    /// error, in a method.
    name: boxed_error_from_io_and_fmt,
    items: {
        struct W { d: D }
        impl W {
            #[lh] async fn write(&self, fail: bool) -> Result<String, Box<dyn std::error::Error>> {
                use std::fmt::Write;
                let mut s = String::new();
                write!(s, "{}", pend(1, 5).await)?;
                if fail {
                    Err(std::io::Error::other("disk full"))?;
                }
                pend(1, ()).await;
                Ok(s)
            }
        }
        async fn go() -> String {
            let w = W { d: D::new("w") };
            format!("{:?} {:?}", w.write(false).await.ok(), w.write(true).await.map_err(|e| e.to_string()))
        }
    },
    run: go(),
}

differential! {
    /// `where Self: Sized` on a trait's default async method whose body
    /// uses `Self::` associated consts.
    name: trait_default_method_with_self_const,
    items: {
        pub trait Named {
            const NAME: &'static str;
            fn id(&self) -> u32;
            #[lh] async fn describe(&self) -> String where Self: Sized {
                let n = pend(1, self.id()).await;
                format!("{}#{}", Self::NAME, n)
            }
        }
        struct User(u32);
        impl Named for User { const NAME: &'static str = "user"; fn id(&self) -> u32 { self.0 } }
        async fn go() -> String { User(7).describe().await }
    },
    run: go(),
}

differential! {
    /// An `impl Trait` argument with a generic bound (`impl Into<String>`)
    /// and an `impl AsRef<[u8]>` one, both converted after awaits.
    name: impl_into_and_as_ref_args,
    items: {
        #[lh] async fn store(key: impl Into<String>, data: impl AsRef<[u8]>) -> (String, usize) {
            let d = D::new("d");
            pend(1, ()).await;
            let k = key.into();
            let n = pend(1, data.as_ref().len()).await;
            (k, n)
        }
    },
    run: store("k1", vec![1u8, 2, 3]),
}

differential! {
    /// A method with an explicit `self: &Self` receiver and one with
    /// `self: Box<Self>`.
    name: explicit_self_type_receivers,
    items: {
        struct Node { v: u32, d: D }
        impl Node {
            #[lh] async fn peek(self: &Self) -> u32 { pend(1, self.v).await }
            #[lh] async fn into_v(self: Box<Self>) -> u32 {
                let v = pend(1, self.v).await;
                v + 1
            }
        }
        async fn go() -> u32 {
            let n = Box::new(Node { v: 3, d: D::new("node") });
            let a = n.peek().await;
            a + n.into_v().await
        }
    },
    run: go(),
}

differential! {
    /// `self: Rc<Self>` receiver, the `Rc` cloned into a later call.
    name: rc_self_receiver,
    items: {
        struct Svc { name: &'static str, d: D }
        impl Svc {
            #[lh] async fn call(self: Rc<Self>, n: u32) -> String {
                let me = self.clone();
                pend(1, ()).await;
                format!("{} {} {}", me.name, n, Rc::strong_count(&self))
            }
        }
        async fn go() -> String {
            let s = Rc::new(Svc { name: "svc", d: D::new("svc") });
            s.clone().call(1).await + &s.call(2).await
        }
    },
    run: go(),
}

differential! {
    /// A lifetime-generic struct's async method returning a borrow of
    /// `'a` data (`-> &'a str`), not of `self`.
    name: method_returns_struct_lifetime_borrow,
    items: {
        struct Lexer<'a> { src: &'a str, at: usize }
        impl<'a> Lexer<'a> {
            #[lh] pub(crate) async fn next_word(&mut self) -> &'a str {
                let rest = &self.src[self.at..];
                let n = pend(1, rest.find(' ').unwrap_or(rest.len())).await;
                self.at += n + 1;
                &rest[..n]
            }
        }
        async fn go() -> Vec<&'static str> {
            let mut l = Lexer { src: "ab cd ef", at: 0 };
            vec![l.next_word().await, l.next_word().await]
        }
    },
    run: go(),
}

differential! {
    /// A trait impl's async method (`impl Handler for X`), with `Self`
    /// in its body and a `Self::Output`-like associated type.
    name: trait_impl_async_with_assoc_type,
    items: {
        pub trait Handler {
            type Out: std::fmt::Debug;
            async fn handle(&self, n: u32) -> Self::Out;
        }
        struct Echo { d: D }
        impl Echo { const PREFIX: &'static str = "echo"; }
        impl Handler for Echo {
            type Out = String;
            #[lh] async fn handle(&self, n: u32) -> Self::Out {
                let v = pend(1, n).await;
                format!("{} {}", Self::PREFIX, v)
            }
        }
        async fn go() -> String { let e = Echo { d: D::new("echo") }; e.handle(4).await }
    },
    run: go(),
}
// ---------------------------------------------------------------------------
// 6. Unsafe code, raw pointers, MaybeUninit and ManuallyDrop
// ---------------------------------------------------------------------------

differential! {
    /// `unsafe { }` blocks before and after awaits (`get_unchecked`).
    name: unsafe_blocks_around_awaits,
    items: {
        #[lh] async fn f(v: Vec<u32>) -> u32 {
            let a = unsafe { *v.get_unchecked(0) };
            let i = pend(1, 2usize).await;
            let b = unsafe { *v.get_unchecked(i) };
            let d = D::new("d");
            a + b + pend(1, unsafe { *v.get_unchecked(1) }).await
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// A raw pointer to a local used only between two awaits.
    name: raw_pointer_to_local_between_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let mut x = pend(1, 5u32).await;
            {
                let p = &mut x as *mut u32;
                unsafe { *p += 1; }
                unsafe { p.write(p.read() * 2); }
            }
            let d = D::new("d");
            pend(1, ()).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// A raw pointer to an element of a `Vec` (heap memory, which does not
    /// move) kept across an await.
    name: raw_pointer_into_heap_kept_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut v = vec![1u32, 2, 3];
            let p = v.as_mut_ptr();
            pend(1, ()).await;
            unsafe { *p.add(1) = 20; }
            v.iter().sum()
        }
    },
    run: f(),
}

differential! {
    /// A raw pointer to a stack local (`addr_of_mut!`) kept across an
    /// await and written through afterwards.
    name: raw_pointer_to_local_kept_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut x = 1u32;
            let p = std::ptr::addr_of_mut!(x);
            pend(1, ()).await;
            unsafe { *p += 10; }
            x
        }
    },
    run: f(),
}

differential! {
    /// `MaybeUninit` initialised after an await, then read.
    name: maybe_uninit_init_after_await,
    items: {
        #[lh] async fn f() -> String {
            let mut slot = std::mem::MaybeUninit::<D>::uninit();
            let name = pend(1, "init").await;
            slot.write(D::new(name));
            pend(1, ()).await;
            let d = unsafe { slot.assume_init() };
            format!("{:?}", d)
        }
    },
    run: f(),
}

differential! {
    /// An array of `MaybeUninit<u32>` filled by awaits, then transmuted
    /// out with `assume_init_read` per element.
    name: maybe_uninit_array_filled_by_awaits,
    items: {
        #[lh] async fn f() -> [u32; 3] {
            let mut arr: [std::mem::MaybeUninit<u32>; 3] = [std::mem::MaybeUninit::uninit(); 3];
            for (i, s) in arr.iter_mut().enumerate() {
                s.write(i as u32 * 10);
            }
            let k = pend(1, 1usize).await;
            arr[k].write(pend(1, 99).await);
            unsafe { [arr[0].assume_init_read(), arr[1].assume_init_read(), arr[2].assume_init_read()] }
        }
    },
    run: f(),
}

differential! {
    /// `std::ptr::read` out of an owned local and `std::ptr::write` back,
    /// around awaits (a manual swap).
    name: ptr_read_write_manual_swap,
    items: {
        #[lh] async fn f() -> (String, String) {
            let mut a = pend(1, String::from("a")).await;
            let mut b = String::from("b");
            unsafe {
                let t = std::ptr::read(&a);
                std::ptr::copy_nonoverlapping(&b, &mut a, 1);
                std::ptr::write(&mut b, t);
            }
            pend(1, ()).await;
            (a, b)
        }
    },
    run: f(),
}

differential! {
    /// `ManuallyDrop` across awaits: never dropped unless asked, and
    /// dropped by hand in the middle.
    name: manually_drop_across_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let mut a = std::mem::ManuallyDrop::new(D::new("manual-a"));
            let b = std::mem::ManuallyDrop::new(D::new("manual-b"));
            let c = D::new("c");
            pend(1, ()).await;
            unsafe { std::mem::ManuallyDrop::drop(&mut a); }
            pend(1, ()).await;
            let inner = std::mem::ManuallyDrop::into_inner(b);
            pend(1, ()).await;
            inner.touch() as u32
        }
    },
    run: f(),
}

differential! {
    /// `ManuallyDrop::take` of a pair of droppers after an await, the taken
    /// value dropped later by scope (never dropped if the future is dropped
    /// before the `take`).
    name: manually_drop_take_after_await,
    items: {
        #[lh] async fn f() -> usize {
            let mut m = std::mem::ManuallyDrop::new((D::new("m0"), D::new("m1")));
            let e = D::new("e");
            pend(1, ()).await;
            let v = unsafe { std::mem::ManuallyDrop::take(&mut m) };
            pend(1, ()).await;
            v.0.touch() + v.1.touch()
        }
    },
    run: f(),
}

differential! {
    /// `mem::forget` of a dropper between awaits.
    name: mem_forget_between_awaits,
    items: {
        #[lh] async fn f() -> u32 {
            let a = D::new("a");
            let b = D::new("b");
            pend(1, ()).await;
            std::mem::forget(a);
            pend(1, 2).await
        }
    },
    run: f(),
}

differential! {
    /// `Box::into_raw` / `Box::from_raw` round trip across an await, the
    /// raw pointer owned by a handle that frees it if the future is dropped
    /// first (as FFI wrappers do).
    name: box_into_raw_round_trip,
    items: {
        struct Handle(*mut D);
        impl Drop for Handle {
            fn drop(&mut self) {
                if !self.0.is_null() {
                    log("handle frees");
                    drop(unsafe { Box::from_raw(self.0) });
                }
            }
        }
        #[lh] async fn f() -> &'static str {
            let mut h = Handle(Box::into_raw(Box::new(D::new("boxed"))));
            let e = D::new("e");
            pend(1, ()).await;
            let b = unsafe { Box::from_raw(std::mem::replace(&mut h.0, std::ptr::null_mut())) };
            pend(1, ()).await;
            b.0
        }
    },
    run: f(),
}

differential! {
    /// `std::slice::from_raw_parts` over a `Vec`'s buffer after an await.
    name: slice_from_raw_parts_after_await,
    items: {
        #[lh] async fn f() -> u32 {
            let v = pend(1, vec![4u32, 5, 6]).await;
            let (p, n) = (v.as_ptr(), v.len());
            let s = unsafe { std::slice::from_raw_parts(p, n) };
            let t: u32 = s.iter().sum();
            pend(1, ()).await;
            t + v[0]
        }
    },
    run: f(),
}

differential! {
    /// `str::from_utf8_unchecked` on bytes built across awaits.
    name: from_utf8_unchecked_across_awaits,
    items: {
        #[lh] async fn f() -> String {
            let mut bytes = Vec::new();
            for b in b"hey" {
                bytes.push(pend(1, *b).await);
            }
            let s = unsafe { std::str::from_utf8_unchecked(&bytes) };
            s.to_uppercase()
        }
    },
    run: f(),
}

differential! {
    /// An `UnsafeCell` shared through an `Rc`, mutated through `get()`
    /// between awaits.
    name: unsafe_cell_mutation_between_awaits,
    items: {
        #[lh] async fn f(c: Rc<std::cell::UnsafeCell<u32>>) -> u32 {
            let d = D::new("d");
            unsafe { *c.get() += pend(1, 2).await; }
            pend(1, ()).await;
            unsafe { *c.get() }
        }
    },
    run: f(Rc::new(std::cell::UnsafeCell::new(5))),
}

differential! {
    /// `mem::swap` and `mem::replace` on droppers around awaits.
    name: mem_swap_and_replace_droppers,
    items: {
        #[lh] async fn f() -> String {
            let mut a = D::new("a");
            let mut b = pend(1, D::new("b")).await;
            std::mem::swap(&mut a, &mut b);
            pend(1, ()).await;
            let old = std::mem::replace(&mut a, D::new("c"));
            pend(1, ()).await;
            format!("{} {} {}", a.0, b.0, old.0)
        }
    },
    run: f(),
}
// ---------------------------------------------------------------------------
// 7. Numeric and string code
// ---------------------------------------------------------------------------

differential! {
    /// Casts between integer widths and floats on awaited values.
    name: casts_on_awaited_values,
    items: {
        #[lh] async fn f() -> (u8, i16, u64, f64, i32) {
            let big = pend(1, 300u32).await;
            let neg = pend(1, -5i64).await;
            (big as u8, neg as i16, neg as u64, pend(1, 7u8).await as f64 / 2.0, -1.9f64 as i32)
        }
    },
    run: f(),
}

differential! {
    /// Wrapping, saturating and checked arithmetic on awaited values.
    name: wrapping_saturating_checked,
    items: {
        #[lh] async fn f() -> (u8, u8, Option<u8>, i8, (u8, bool)) {
            let a = pend(1, 250u8).await;
            (
                a.wrapping_add(pend(1, 10).await),
                a.saturating_add(10),
                a.checked_mul(pend(1, 2).await),
                (pend(1, -128i8).await).wrapping_neg(),
                a.overflowing_add(6),
            )
        }
    },
    run: f(),
}

differential! {
    /// A checksum loop with `wrapping_mul` / `rotate_left` over bytes
    /// received one by one.
    name: checksum_loop_over_awaited_bytes,
    items: {
        #[lh] async fn crc(data: &[u8]) -> u32 {
            let mut h: u32 = 0x811c9dc5;
            for &b in data {
                let b = pend(1, b).await;
                h ^= b as u32;
                h = h.wrapping_mul(0x01000193).rotate_left(3);
            }
            h
        }
        async fn go() -> u32 { crc(b"abc").await }
    },
    run: go(),
}

differential! {
    /// `char` iteration with `char_indices`, `to_digit` and `is_alphabetic`
    /// over a string whose characters are awaited.
    name: char_iteration_digits_and_letters,
    items: {
        #[lh] async fn scan(s: &str) -> (u32, String) {
            let mut sum = 0;
            let mut letters = String::new();
            for (i, c) in s.char_indices() {
                let c = pend(1, c).await;
                if let Some(d) = c.to_digit(10) {
                    sum += d * (i as u32 + 1);
                } else if c.is_alphabetic() {
                    letters.push(c.to_ascii_uppercase());
                }
            }
            (sum, letters)
        }
    },
    run: scan("a1b2é3"),
}

differential! {
    /// `String` building with `push_str` across awaits, with capacity
    /// checks and `insert`.
    name: string_push_str_across_awaits,
    items: {
        #[lh] async fn f(parts: Vec<&'static str>) -> String {
            let mut s = String::with_capacity(4);
            for p in parts {
                s.push_str(pend(1, p).await);
                s.push(',');
            }
            s.pop();
            s.insert(0, '[');
            s.push_str(&pend(1, String::from("]")).await);
            s
        }
    },
    run: f(vec!["a", "bb", "ccc"]),
}

differential! {
    /// `format!` with awaited arguments, positional, named and inline.
    name: format_with_awaited_arguments,
    items: {
        #[lh] async fn f() -> String {
            let d = D::new("d");
            let name = "n";
            format!(
                "{0}-{1}-{0} {x:>4} {name} {2:?}",
                pend(1, 1).await,
                pend(1, "two").await,
                tmp("t", 3).get(),
                x = pend(1, 7).await,
            )
        }
    },
    run: f(),
}

differential! {
    /// `write!` / `writeln!` into a `String` through `std::fmt::Write`
    /// with awaited arguments.
    name: fmt_write_into_string_awaited_args,
    items: {
        use std::fmt::Write;
        #[lh] async fn render(rows: Vec<(u32, &'static str)>) -> String {
            let mut out = String::new();
            writeln!(out, "count={}", rows.len()).unwrap();
            for (id, name) in rows {
                writeln!(out, "{:03} {}", pend(1, id).await, pend(1, name).await).unwrap();
            }
            write!(&mut out, "end").unwrap();
            out
        }
    },
    run: render(vec![(1, "a"), (22, "b")]),
}

differential! {
    /// Float formatting with precision and a NaN check on awaited values.
    name: float_formatting_and_nan,
    items: {
        #[lh] async fn f() -> String {
            let a = pend(1, 2.0f64).await.sqrt();
            let b = pend(1, 0.0f64).await / 0.0;
            format!("{a:.3} {} {:e} {}", b.is_nan(), 1234.5f64, (a * 100.0).round() as i64)
        }
    },
    run: f(),
}

differential! {
    /// `u32::from_str_radix` and `to_string` on hex text received across
    /// awaits, `?` on the parse error.
    name: from_str_radix_with_question,
    items: {
        #[lh] async fn f(s: &str) -> Result<String, std::num::ParseIntError> {
            let d = D::new("d");
            let n = u32::from_str_radix(pend(1, s).await, 16)?;
            Ok(format!("{n} {n:x} {n:#b}"))
        }
        async fn go() -> (Result<String, std::num::ParseIntError>, Result<String, std::num::ParseIntError>) {
            (f("ff").await, f("zz").await)
        }
    },
    run: go(),
}

differential! {
    /// Byte-level ASCII transformations on a `Vec<u8>` across awaits.
    name: ascii_bytes_transform,
    items: {
        #[lh] async fn f(s: &str) -> String {
            let mut b = s.as_bytes().to_vec();
            b.make_ascii_uppercase();
            let k = pend(1, b.len()).await;
            b.reverse();
            b.push(pend(1, b'!').await);
            String::from_utf8(b).unwrap() + &k.to_string()
        }
    },
    run: f("abc"),
}

differential! {
    /// `u64` to and from big-endian bytes across awaits.
    name: int_to_from_be_bytes,
    items: {
        #[lh] async fn f(n: u64) -> (Vec<u8>, u64) {
            let bytes = pend(1, n.to_be_bytes()).await;
            let mut arr = [0u8; 8];
            arr.copy_from_slice(&bytes);
            arr[7] = pend(1, arr[7].wrapping_add(1)).await;
            (bytes.to_vec(), u64::from_be_bytes(arr))
        }
    },
    run: f(0x0102_0304_0506_07ff),
}

differential! {
    /// `split_whitespace`, `parse::<i64>` and `sum` with awaited lines.
    name: parse_numbers_from_awaited_lines,
    items: {
        #[lh] async fn f(lines: Vec<&'static str>) -> i64 {
            let mut total = 0i64;
            for l in lines {
                let l = pend(1, l).await;
                total += l.split_whitespace().filter_map(|w| w.parse::<i64>().ok()).sum::<i64>();
            }
            total
        }
    },
    run: f(vec!["1 2 x", "-4 5", ""]),
}

differential! {
    /// A `String` built with `+` and `&` of awaited `String`s (`a + &b`).
    name: string_add_of_awaited_strings,
    items: {
        #[lh] async fn f() -> String {
            let a = pend(1, String::from("a")).await;
            let s = a + &pend(1, String::from("b")).await + "c";
            s + &format!("{}", pend(1, 1).await)
        }
    },
    run: f(),
}

differential! {
    /// `chars().rev()`, `char::from_u32` and `u8 as char` on awaited
    /// values.
    name: chars_rev_and_char_conversions,
    items: {
        #[lh] async fn f() -> String {
            let s: String = pend(1, "abc").await.chars().rev().collect();
            let c = char::from_u32(pend(1, 0x41u32).await).unwrap_or('?');
            let d = pend(1, 66u8).await as char;
            format!("{s}{c}{d}")
        }
    },
    run: f(),
}

differential! {
    /// `i128` and `u128` arithmetic with `pow` and `leading_zeros`.
    name: wide_integers_pow_leading_zeros,
    items: {
        #[lh] async fn f() -> (i128, u32, u128) {
            let a = pend(1, 3i128).await.pow(40);
            let b = pend(1, 1u128 << 100).await;
            (a, b.leading_zeros(), b / pend(1, 7u128).await)
        }
    },
    run: f(),
}

differential! {
    /// `String::drain` and `retain` on a kept `String` across awaits.
    name: string_drain_and_retain,
    items: {
        #[lh] async fn f() -> (String, String) {
            let mut s = pend(1, String::from("hello world")).await;
            let head: String = s.drain(..pend(1, 5usize).await).collect();
            s.retain(|c| c != 'o');
            pend(1, ()).await;
            (head, s)
        }
    },
    run: f(),
}

differential! {
    /// An index out of bounds in `v[i.await] += x.await` on a `Vec<u32>`:
    /// which awaits ran before the panic.
    name: panic_index_compound_assign_both_await,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let mut v = vec![1u32, 2, 3];
            v[pend(1, 9usize).await] += pend(1, 1u32).await;
            v[0]
        }
    },
    run: f(),
}

differential! {
    /// `self.count += x.await` overflowing a `u8` field through `&mut
    /// self`.
    name: panic_field_add_assign_overflow_in_method,
    items: {
        struct Meter { count: u8, d: D }
        impl Meter {
            #[lh] async fn add(&mut self, k: u8) -> u8 {
                self.count += pend(1, k).await;
                self.count
            }
        }
        async fn go() -> u8 {
            let mut m = Meter { count: 100, d: D::new("meter") };
            m.add(100).await;
            m.add(100).await
        }
    },
    run: go(),
}

differential! {
    /// A panic in the argument list of an awaited call after a dropper
    /// argument was made (`send(D::new("a"), [1][i.await]).await`).
    name: panic_in_awaited_call_arguments,
    items: {
        async fn send(d: D, n: u32) -> u32 { pend(1, n).await }
        #[lh] async fn f() -> u32 {
            let e = D::new("e");
            send(D::new("a"), [1u32][pend(1, 5usize).await]).await
        }
    },
    run: f(),
}

differential! {
    /// `#[expect(unused_variables)]` on a `let` whose value awaits.
    name: expect_lint_on_let_with_await,
    items: {
        #[lh] async fn f() -> u32 {
            #[expect(unused_variables)]
            let unused = pend(1, 3).await;
            pend(1, 4).await
        }
    },
    run: f(),
}

differential! {
    /// A `const fn` and a `const` declared in the body, used for an array
    /// length and kept across awaits.
    name: const_fn_in_body_for_array_length,
    items: {
        #[lh] async fn f() -> usize {
            const fn cap(n: usize) -> usize { n * 2 }
            const N: usize = cap(3);
            let mut buf = [0u8; N];
            buf[pend(1, N - 1).await] = 7;
            pend(1, ()).await;
            buf.iter().filter(|&&b| b != 0).count() + N
        }
    },
    run: f(),
}

differential! {
    /// A struct declared in the body with `Self`-returning constructor and
    /// `Self { .. }` in its `impl`, built after an await.
    name: body_struct_with_self_constructor,
    items: {
        #[lh] async fn f() -> u32 {
            struct Frame { len: u32, tag: D }
            impl Frame {
                fn new(len: u32) -> Self { Self { len, tag: D::new("frame") } }
                fn grow(self, by: u32) -> Self { Self { len: self.len + by, ..self } }
            }
            let fr = Frame::new(pend(1, 2).await);
            pend(1, ()).await;
            let fr = fr.grow(3);
            fr.len
        }
    },
    run: f(),
}

differential! {
    /// A `static` atomic declared at the top of the body (not in an inner
    /// block), used before and after awaits.
    name: top_level_static_in_body,
    items: {
        #[lh] async fn f() -> u32 {
            static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let before = CALLS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            pend(1, ()).await;
            CALLS.load(std::sync::atomic::Ordering::SeqCst) - before
        }
    },
    run: f(),
}

differential! {
    /// A generic helper `fn` declared in the body and called with a
    /// closure built after an await.
    name: body_generic_fn_with_closure_argument,
    items: {
        #[lh] async fn f() -> u32 {
            fn apply<F: Fn(u32) -> u32>(f: F, x: u32) -> u32 { f(x) }
            let k = pend(1, 3).await;
            let d = D::new("d");
            let r = apply(|x| x * k, pend(1, 4).await);
            r + apply(|x| x + 1, k)
        }
    },
    run: f(),
}
// ---------------------------------------------------------------------------
// 8. Other shapes
// ---------------------------------------------------------------------------

differential! {
    /// A module-level type named like the state enum longhand would declare
    /// (`LoadState` for `async fn load`) reached only through a module-level
    /// macro's expansion in the body.
    name: state_enum_name_reached_through_macro,
    items: {
        #[derive(Debug, PartialEq)]
        pub enum LoadState { Idle, Busy(u32) }
        macro_rules! idle { () => { LoadState::Idle } }
        #[lh] async fn load(n: u32) -> bool {
            let d = D::new("d");
            let s = if n == 0 { idle!() } else { LoadState::Busy(n) };
            pend(1, ()).await;
            s == idle!()
        }
    },
    run: load(0),
}

differential! {
    /// A generic type parameter named `State` (axum style) on a free `async
    /// fn`, and a struct generic over it.
    name: generic_param_named_state,
    items: {
        pub struct App<State> { state: State, d: D }
        #[lh] async fn serve<State: Clone + std::fmt::Debug>(app: App<State>) -> String {
            let s: State = app.state.clone();
            pend(1, ()).await;
            format!("{:?} {:?}", s, app.state)
        }
    },
    run: serve(App { state: 5u32, d: D::new("app") }),
}

differential! {
    /// A generic parameter named like the function's state enum
    /// (`ServeState` for `async fn serve`).
    name: generic_param_named_like_state_enum,
    items: {
        #[lh] async fn serve<ServeState: Default + std::fmt::Debug>(n: u32) -> String {
            let s = ServeState::default();
            pend(1, ()).await;
            format!("{s:?} {n}")
        }
        async fn go() -> String { serve::<u32>(3).await }
    },
    run: go(),
}

differential! {
    /// Two locals of the same name, the first borrowed by the second's
    /// neighbour while shadowed, both live across an await.
    name: shadowed_while_borrowed_across_await,
    items: {
        #[lh] async fn f() -> String {
            let conn = D::new("c1");
            let r = &conn;
            let conn = D::new("c2");
            pend(1, ()).await;
            format!("{} {}", r.0, conn.0)
        }
    },
    run: f(),
}

differential! {
    /// Locals named `core` and `std` (a CPU emulator's core) kept across
    /// awaits, with `::std` paths used beside them.
    name: locals_named_core_and_std,
    items: {
        #[lh] async fn f() -> usize {
            let core = vec![D::new("reg0")];
            let std = 2usize;
            pend(1, ()).await;
            let n = ::std::mem::size_of::<u64>();
            core.len() + std + n + core::mem::size_of::<u8>()
        }
    },
    run: f(),
}

differential! {
    /// A closure with its own `return` and `?`, defined and called across
    /// awaits: they leave the closure, not the function.
    name: closure_with_return_and_question,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let parse = |s: &str| -> Option<u32> {
                if s.is_empty() { return Some(0); }
                let n: u32 = s.parse().ok()?;
                Some(n + 1)
            };
            let a = parse(pend(1, "4").await).unwrap_or(100);
            let b = parse(pend(1, "x").await).unwrap_or(200);
            a + b
        }
    },
    run: f(),
}

differential! {
    /// A nested `async fn` in the body with its own `return` and `?`.
    name: nested_async_fn_with_return_and_question,
    items: {
        #[lh] async fn f() -> Result<u32, String> {
            async fn inner(s: &str) -> Result<u32, String> {
                let n: u32 = pend(1, s).await.parse().map_err(|_| format!("bad {s}"))?;
                if n == 0 { return Ok(99); }
                Ok(n)
            }
            let d = D::new("d");
            let a = inner("0").await?;
            let b = inner("x").await.unwrap_or(1);
            Ok(a + b + inner("3").await?)
        }
    },
    run: f(),
}

differential! {
    /// An `async` block with a `return` inside (it returns from the block)
    /// awaited later.
    name: async_block_with_return,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let d = D::new("d");
            let fut = async move {
                if k > 1 { return k * 10; }
                pend(1, k).await
            };
            pend(1, ()).await;
            fut.await + 1
        }
    },
    run: f(3),
}

differential! {
    /// An `async fn` returning `impl Display`.
    name: return_impl_display,
    items: {
        #[lh] async fn f(n: u32) -> impl std::fmt::Display {
            let d = D::new("d");
            let x = pend(1, n).await;
            format!("<{x}>")
        }
        async fn go() -> String { f(2).await.to_string() }
    },
    run: go(),
}

differential! {
    /// An `async fn` returning a boxed closure that captures an awaited
    /// value.
    name: return_boxed_closure,
    items: {
        #[lh] async fn make(k: u32) -> Box<dyn Fn(u32) -> u32> {
            let m = pend(1, k).await;
            let d = D::new("d");
            Box::new(move |x| x * m)
        }
        async fn go() -> u32 { let f = make(3).await; f(2) + f(5) }
    },
    run: go(),
}

differential! {
    /// Parameters with patterns: a tuple `(a, b): (u32, D)`, a struct
    /// pattern and a `_` parameter.
    name: pattern_parameters_struct_tuple_wildcard,
    items: {
        pub struct Point { x: u32, y: u32, tag: D }
        #[lh] async fn f((a, b): (u32, D), Point { x, y, tag }: Point, _: D) -> u32 {
            pend(1, ()).await;
            log(format!("{} {}", b.0, tag.0));
            a + x + y
        }
    },
    run: f((1, D::new("b")), Point { x: 2, y: 3, tag: D::new("tag") }, D::new("wild")),
}

differential! {
    /// `let else` with an awaited scrutinee, the `else` returning.
    name: let_else_awaited_scrutinee,
    items: {
        #[lh] async fn f(k: Option<u32>) -> u32 {
            let d = D::new("d");
            let Some(n) = pend(1, k).await else {
                let e = D::new("e");
                return pend(1, 0).await;
            };
            n + 1
        }
        async fn go() -> u32 { f(Some(2)).await * 10 + f(None).await }
    },
    run: go(),
}

differential! {
    /// Turbofish collects and type-ascribed `let`s after awaits.
    name: turbofish_and_ascribed_lets,
    items: {
        #[lh] async fn f() -> (Vec<u32>, BTreeMap<u32, char>) {
            let v = pend(1, vec![3u32, 1, 2]).await.into_iter().map(|x| x * 2).collect::<Vec<_>>();
            let m: BTreeMap<_, _> = v.iter().map(|&x| (x, (b'a' + x as u8) as char)).collect();
            pend(1, ()).await;
            (v, m)
        }
    },
    run: f(),
}

differential! {
    /// Struct update syntax from `Default::default()` (a temporary, not a
    /// local) with an awaited field.
    name: struct_update_from_default_temporary,
    items: {
        #[derive(Debug, Default)]
        pub struct Opts { a: u32, b: String, c: bool }
        #[lh] async fn f() -> Opts {
            let d = D::new("d");
            Opts { a: pend(1, 3).await, ..Default::default() }
        }
    },
    run: f(),
}

differential! {
    /// A closure capturing `self` (by reference) in a method, called
    /// between awaits.
    name: closure_capturing_self_in_method,
    items: {
        struct Tbl { rows: Vec<u32>, d: D }
        impl Tbl {
            #[lh] async fn score(&self, k: u32) -> u32 {
                let at = |i: usize| self.rows.get(i).copied().unwrap_or(0);
                let a = at(pend(1, 0usize).await);
                let b = at(pend(1, 2usize).await);
                a * k + b
            }
        }
        async fn go() -> u32 { let t = Tbl { rows: vec![1, 2, 3], d: D::new("tbl") }; t.score(10).await }
    },
    run: go(),
}

differential! {
    /// `if let .. else if let .. else` chains with awaits in every branch
    /// and every condition.
    name: if_let_else_if_let_chain_awaits,
    items: {
        #[lh] async fn f(a: Option<u32>, b: Result<u32, D>) -> u32 {
            if let Some(x) = pend(1, a).await {
                pend(1, x).await
            } else if let Ok(y) = pend(1, b).await {
                y + pend(1, 1).await
            } else {
                pend(2, 0).await
            }
        }
        async fn go() -> u32 {
            f(Some(1), Ok(0)).await * 100 + f(None, Ok(5)).await * 10 + f(None, Err(D::new("e"))).await
        }
    },
    run: go(),
}

differential! {
    /// Tuple-index chains `.0.1` on awaited nested tuples.
    name: tuple_index_chains_on_awaited,
    items: {
        #[lh] async fn f() -> u32 {
            let t = pend(1, ((1u32, 2u32), D::new("t"))).await;
            let x = pend(1, ((3u32, 4u32), 5u32)).await.0.1;
            t.0.1 + x
        }
    },
    run: f(),
}

differential! {
    /// `matches!` on awaited values with a guard that does not await.
    name: matches_on_awaited_value,
    items: {
        #[lh] async fn f() -> (bool, bool) {
            let d = D::new("d");
            let a = matches!(pend(1, Some(3)).await, Some(n) if n > 2);
            let b = matches!(pend(1, 'x').await, 'a'..='f');
            (a, b)
        }
    },
    run: f(),
}

differential! {
    /// A range built from awaited bounds, iterated with a step.
    name: range_from_awaited_bounds,
    items: {
        #[lh] async fn f() -> Vec<u32> {
            let lo = pend(1, 2u32).await;
            (lo..pend(1, 12u32).await).step_by(3).collect()
        }
    },
    run: f(),
}

differential! {
    /// Method calls on integer literals and paths to associated functions
    /// of primitives with awaited arguments.
    name: literal_receivers_and_primitive_paths,
    items: {
        #[lh] async fn f() -> (u32, u32, i32) {
            (1u32.max(pend(1, 5).await), u32::min(pend(1, 9).await, 4), i32::abs(pend(1, -3).await))
        }
    },
    run: f(),
}

differential! {
    /// `let _guard` (kept) next to `let _ =` (dropped at once) and `let _:
    /// () = x.await;`.
    name: underscore_guard_vs_wildcard,
    items: {
        #[lh] async fn f() -> u32 {
            let _guard = D::new("guard");
            let _ = D::new("wild");
            let _: () = pend(1, ()).await;
            let _unused = pend(1, D::new("unused")).await;
            pend(1, 1).await
        }
    },
    run: f(),
}

differential! {
    /// A `for` loop over `&mut` elements with an awaited update, then the
    /// vector used.
    name: for_over_iter_mut_awaited_update,
    items: {
        #[lh] async fn f(mut v: Vec<u32>) -> Vec<u32> {
            for x in v.iter_mut() {
                *x += pend(1, *x).await;
            }
            v
        }
    },
    run: f(vec![1, 2, 3]),
}

differential! {
    /// A `HashMap` entry API with an awaited default in `or_insert`.
    name: hashmap_entry_awaited_default,
    items: {
        #[lh] async fn f(keys: Vec<&'static str>) -> Vec<(String, u32)> {
            let mut m: HashMap<&str, u32> = HashMap::new();
            for k in keys {
                let v = pend(1, k.len() as u32).await;
                *m.entry(k).or_insert(v) += 1;
            }
            let mut out: Vec<_> = m.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            out.sort();
            out
        }
    },
    run: f(vec!["a", "bb", "a"]),
}

differential! {
    /// A loop `break`ing with a value computed from an await, labelled
    /// `'l`, inside an expression.
    name: loop_break_value_labelled_in_expression,
    items: {
        #[lh] async fn f() -> u32 {
            let d = D::new("d");
            let mut i = 0;
            1 + 'l: loop {
                i += 1;
                if pend(1, i).await > 2 { break 'l i * 10; }
            }
        }
    },
    run: f(),
}

differential! {
    /// `Option` combinators (`map`, `and_then`, `unwrap_or_else`) with
    /// closures, on awaited values.
    name: option_combinators_on_awaited,
    items: {
        #[lh] async fn f(k: Option<u32>) -> u32 {
            let d = D::new("d");
            let a = pend(1, k).await.map(|x| x + 1).and_then(|x| if x > 2 { Some(x) } else { None });
            a.unwrap_or_else(|| d.touch() as u32)
        }
        async fn go() -> u32 { f(Some(5)).await + f(Some(0)).await }
    },
    run: go(),
}

differential! {
    /// An `impl` block in the body whose method is `async` (not lowered),
    /// awaited.
    name: impl_in_body_with_async_method,
    items: {
        #[lh] async fn f() -> u32 {
            struct Rx(u32);
            impl Rx {
                async fn recv(&mut self) -> u32 { self.0 += 1; pend(1, self.0).await }
            }
            let mut rx = Rx(0);
            let d = D::new("d");
            rx.recv().await + rx.recv().await
        }
    },
    run: f(),
}

differential! {
    /// A `while` loop whose condition awaits and whose body shadows a
    /// local named `state`.
    name: while_condition_awaits_shadowing_state,
    items: {
        #[lh] async fn f() -> u32 {
            let mut state = 0u32;
            while pend(1, state).await < 3 {
                let before = state;
                {
                    let state = before * 10;
                    pend(1, ()).await;
                    log(format!("inner {state}"));
                }
                state += 1;
            }
            state
        }
    },
    run: f(),
}

differential! {
    /// An enum method with `Self::` constructors and `match self` by value
    /// (a `Copy` enum) across awaits.
    name: copy_enum_match_self_by_value,
    items: {
        #[derive(Debug, Clone, Copy, PartialEq)]
        pub enum Light { Red, Green, Yellow }
        impl Light {
            #[lh] async fn next(self) -> Self {
                pend(1, ()).await;
                match self {
                    Self::Red => Self::Green,
                    Self::Green => Self::Yellow,
                    Self::Yellow => Self::Red,
                }
            }
        }
        async fn go() -> Vec<Light> {
            let mut l = Light::Red;
            let mut out = vec![];
            for _ in 0..4 { l = l.next().await; out.push(l); }
            out
        }
    },
    run: go(),
}

differential! {
    /// A local named `value` passed to a user macro that uses it by
    /// ident fragment across awaits.
    name: user_macro_ident_fragment_kept_local,
    items: {
        macro_rules! double { ($x:ident) => { $x * 2 } }
        #[lh] async fn f() -> u32 {
            let value = pend(1, 4u32).await;
            let d = D::new("d");
            pend(1, ()).await;
            double!(value) + value
        }
    },
    run: f(),
}

differential! {
    /// A generic `async fn` with a `where` clause naming an associated
    /// type (`I::Item: Debug`), the iterator kept across awaits.
    name: where_clause_on_associated_type,
    items: {
        #[lh] async fn show<I>(it: I) -> Vec<String>
        where
            I: IntoIterator,
            I::Item: std::fmt::Debug,
        {
            let mut out = Vec::new();
            for x in it {
                pend(1, ()).await;
                out.push(format!("{x:?}"));
            }
            out
        }
    },
    run: show(vec![D::new("a"), D::new("b")]),
}
// ---------------------------------------------------------------------------
// 9. The smallest shapes of this round's findings
// ---------------------------------------------------------------------------

differential! {
    /// The smallest shape of s10-1: an always-false `#[cfg]` on an
    /// expression statement that awaits.
    name: cfg_false_statement_await_minimal,
    items: {
        #[lh] async fn f() -> u32 {
            #[cfg(any())]
            pend(2, ()).await;
            1
        }
    },
    run: f(),
}

differential! {
    /// s10-1 without an await in the `cfg`'d statement: an always-false
    /// `let` shadowing a local that is used after an await.
    name: cfg_false_let_shadow_minimal,
    items: {
        #[lh] async fn f() -> u32 {
            let x = 1;
            #[cfg(any())]
            let x = 2;
            pend(1, ()).await;
            x
        }
    },
    run: f(),
}

differential! {
    /// The smallest shape of s10-2: a `const` declared in an inner block
    /// before an await and used after it.
    name: inner_block_item_used_after_await_minimal,
    items: {
        #[lh] async fn f() -> u32 {
            let k = {
                const K: u32 = 2;
                pend(1, ()).await;
                K
            };
            k
        }
    },
    run: f(),
}

differential! {
    /// s10-3 in realistic form: two `match` arms each defining their own
    /// `macro_rules! tag`, each arm awaiting before using it.
    name: macro_rules_per_arm_definitions,
    items: {
        #[lh] async fn f(kind: u8) -> &'static str {
            let d = D::new("d");
            match kind {
                0 => {
                    macro_rules! tag { () => { "zero" } }
                    pend(1, ()).await;
                    tag!()
                }
                _ => {
                    macro_rules! tag { () => { "other" } }
                    pend(1, ()).await;
                    tag!()
                }
            }
        }
        async fn go() -> (&'static str, &'static str) { (f(0).await, f(1).await) }
    },
    run: go(),
}

differential! {
    /// The smallest shape of s10-4: `thread_local!` at the top of the body,
    /// its key used after an await.
    name: thread_local_used_after_await_minimal,
    items: {
        #[lh] async fn f() -> u32 {
            thread_local! { static N: Cell<u32> = const { Cell::new(1) }; }
            pend(1, ()).await;
            N.with(|n| n.get())
        }
    },
    run: f(),
}

differential! {
    /// s10-5 in realistic form: an `unpack!` macro (as `let_assert!`-style
    /// crates write) expanding to a `let .. else`, its binding used after an
    /// await.
    name: macro_let_else_binding_used_after_await,
    items: {
        macro_rules! unpack {
            ($p:pat = $e:expr) => { let $p = $e else { panic!("unpack failed") }; };
        }
        #[lh] async fn f(o: Option<u32>) -> u32 {
            let d = D::new("d");
            unpack!(Some(n) = o);
            pend(1, ()).await;
            n + 1
        }
    },
    run: f(Some(2)),
}

differential! {
    /// The smallest shape of s10-7: a local named `__self` in a `&self`
    /// method that uses `self` after an await.
    name: local_named___self_minimal,
    items: {
        struct S(u32);
        impl S {
            #[lh] async fn m(&self) -> u32 {
                let __self = 1;
                pend(1, ()).await;
                self.0 + __self
            }
        }
        async fn go() -> u32 { S(2).m().await }
    },
    run: go(),
}

differential! {
    /// s10-8: `&raw mut x` kept across an await, written through after it.
    name: raw_borrow_of_local_kept_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let mut x = 1u32;
            let p = &raw mut x;
            pend(1, ()).await;
            unsafe { *p += 10; }
            x
        }
    },
    run: f(),
}

differential! {
    /// s10-8: `&mut x as *mut u32` (an out-pointer handed to a C-style
    /// callback registry) kept across awaits.
    name: cast_mut_ref_to_raw_kept_across_await,
    items: {
        struct Registry { out: Vec<*mut u32> }
        impl Registry {
            fn fire(&self, v: u32) { for &p in &self.out { unsafe { *p = v; } } }
        }
        #[lh] async fn f() -> u32 {
            let mut len = 0u32;
            let mut reg = Registry { out: Vec::new() };
            reg.out.push(&mut len as *mut u32);
            pend(1, ()).await;
            reg.fire(7);
            pend(1, ()).await;
            len
        }
    },
    run: f(),
}

differential! {
    /// A raw pointer to a local read (not written) across an await: the
    /// value seen is the local's.
    name: const_raw_pointer_read_across_await,
    items: {
        #[lh] async fn f() -> u32 {
            let x = pend(1, 5u32).await;
            let p = std::ptr::addr_of!(x);
            pend(1, ()).await;
            unsafe { *p }
        }
    },
    run: f(),
}

differential! {
    /// s10-9: a user macro taking a pattern after an expression
    /// (`is!(o, Some(3))`, as `assert_matches!`-style macros do), after an
    /// await.
    name: user_macro_pattern_argument_after_await,
    items: {
        macro_rules! is { ($e:expr, $p:pat) => { matches!($e, $p) } }
        #[lh] async fn f(o: Option<u32>) -> bool {
            let d = D::new("d");
            pend(1, ()).await;
            is!(o, Some(3))
        }
    },
    run: f(Some(3)),
}

differential! {
    /// `#[cfg]` in a method's body and in a generic function's, with four
    /// conditions (sixteen lowerings, one kept), arms and a struct
    /// pattern's field.
    name: cfg_in_methods_and_four_conditions,
    items: {
        struct S { d: D, n: u32 }
        impl S {
            #[lh] async fn m(&self, k: u32) -> u32 {
                #[cfg(debug_assertions)]
                let a = pend(1, self.n).await;
                #[cfg(not(debug_assertions))]
                let a = pend(2, self.n + 100).await;
                let v = match k {
                    #[cfg(test)]
                    0 => pend(1, 10).await,
                    #[cfg(feature = "tracing")]
                    1 => pend(9, 99).await,
                    _ => 1,
                };
                #[cfg(unix)]
                log("unix");
                #[cfg(not(unix))]
                log("not unix");
                a + v + self.d.touch() as u32
            }
        }
        #[lh] async fn g<T: Clone + std::fmt::Debug>(t: T) -> (T, u32) {
            let S { d, #[cfg(any())] n: _, .. } = S { d: D::new("s"), n: 3 };
            #[cfg(debug_assertions)]
            pend(1, ()).await;
            (t.clone(), d.touch() as u32)
        }
    },
    run: async {
        let s = S { d: D::new("self"), n: 2 };
        (s.m(0).await, s.m(1).await, g(5u8).await)
    },
}
