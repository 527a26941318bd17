//! A field of a temporary as the scrutinee of a `match`, `if let` or
//! `while let` whose arms suspend (`match resp(code).code { 200 =>
//! fetch().await, .. }`).
//!
//! rustc keeps the temporary (`resp(code)`) to the end of the `match`, across
//! the arms' awaits, so its destructor runs after them. longhand names the
//! temporary and keeps it as a local when two things hold, both read from
//! syntax:
//!
//! - no arm binds by value, so nothing can move out of the field (a partly
//!   moved value cannot be kept): literals, paths, `_`, `ref` bindings;
//! - no arm names a local the temporary's expression reads. The temporary
//!   may borrow it (`self.config().mode`, with `fn config(&self) ->
//!   &Config`), and a kept borrow would conflict with an arm's `self.n += 1`
//!   where rustc's, which has no destructor, ends at the scrutinee.
//!
//! Otherwise the field is read out and the temporary dropped before the arms
//! run, as before: the remaining cases of that kind are kept as gaps here and
//! in `cases_stress4.rs` (`match_on_field_of_temporary_arm_awaits`).
#![allow(dead_code, unused_variables)]

use crate::harness::*;

/// A downstream call: suspends once, logs, returns its argument.
async fn fetch(x: u32) -> u32 {
    log(format!("fetch {x}"));
    pend(1, x).await
}

/// A breaker's mode, read through a snapshot.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    Closed,
    Open,
}

/// A snapshot that logs its drop: a temporary with a destructor.
pub struct Snap {
    pub mode: Mode,
    pub _g: D,
}

/// Takes a snapshot in mode `m`.
pub fn snap(m: Mode) -> Snap {
    Snap {
        mode: m,
        _g: D::new("snap"),
    }
}

differential! {
    /// Range and constant arms on a field of a call's result (the stress12
    /// case `match_scrutinee_temp_dropper` has literals): the response
    /// lives to the end of the `match`, across `fetch`.
    name: range_and_const_arms_on_field_of_call,
    items: {
        const NOT_FOUND: u16 = 404;
        struct Resp { code: u16, _d: D }
        fn resp(code: u16) -> Resp { Resp { code, _d: D::new("resp") } }
        #[lh] async fn f(code: u16) -> u32 {
            let r = match resp(code).code {
                200..=299 => fetch(2).await,
                NOT_FOUND => 0,
                _ => pend(2, 5).await,
            };
            r + fetch(1).await
        }
    },
    run: async { (f(204).await, f(404).await, f(500).await) },
}

differential! {
    /// Path arms (unit variants) on a field of a method's result, one arm
    /// returning early.
    name: path_arms_on_field_of_method_result,
    items: {
        pub struct Breaker { pub mode: Mode }
        impl Breaker {
            pub fn snap(&self) -> Snap { snap(self.mode) }
            #[lh] pub async fn call(&mut self, x: u32) -> Result<u32, String> {
                let r = match self.snap().mode {
                    Mode::Open => return Err("open".into()),
                    Mode::Closed => fetch(x).await,
                };
                self.mode = if r > 2 { Mode::Open } else { Mode::Closed };
                Ok(r)
            }
        }
    },
    run: async {
        let mut b = Breaker { mode: Mode::Closed };
        (b.call(2).await, b.call(3).await, b.call(4).await)
    },
}

differential! {
    /// `if let` with a path pattern: the snapshot lives through the `then`
    /// block's await; on the `else` path it is dropped first (edition 2024).
    name: if_let_path_pattern_on_field_of_call,
    items: {
        #[lh] async fn f(m: Mode) -> u32 {
            if let Mode::Open = snap(m).mode {
                fetch(1).await
            } else {
                fetch(2).await
            }
        }
    },
    run: async { (f(Mode::Open).await, f(Mode::Closed).await) },
}

differential! {
    /// `while let` with a path pattern: each iteration's snapshot lives to
    /// the end of that iteration's body.
    name: while_let_path_pattern_on_field_of_call,
    items: {
        #[lh] async fn f() -> u32 {
            let n = 0;
            while let Mode::Closed = snap(Mode::Closed).mode {
                if fetch(1).await == 1 { break; }
            }
            n
        }
    },
    run: f(),
}

differential! {
    /// `ref` bindings leave the field in place: the struct literal's other
    /// field lives to the end of the `match` too.
    name: ref_bindings_on_field_of_struct_literal,
    items: {
        pub struct Two { pub pair: (D, u32), pub _g: D }
        #[lh] async fn f(n: u32) -> usize {
            match (Two { pair: (D::new("a"), n), _g: D::new("two") }).pair {
                (ref a, 0) => { pend(1, ()).await; a.touch() }
                (ref a, _) => a.touch(),
            }
        }
    },
    run: async { (f(0).await, f(1).await) },
}

differential! {
    /// A field two levels down: the outermost temporary is the one kept.
    name: nested_field_of_call,
    items: {
        pub struct Outer { pub inner: Snap, pub _d: D }
        fn outer(m: Mode) -> Outer { Outer { inner: snap(m), _d: D::new("outer") } }
        #[lh] async fn f(m: Mode) -> u32 {
            match outer(m).inner.mode {
                Mode::Closed => fetch(7).await,
                Mode::Open => 0,
            }
        }
    },
    run: async { (f(Mode::Closed).await, f(Mode::Open).await) },
}

differential! {
    /// The neighbour that must keep compiling: the base is a getter
    /// returning a reference into `self`, and an arm mutates `self` before
    /// its await. Kept, the borrow would conflict; rustc's ends at once.
    name: getter_field_then_arm_mutates_self,
    items: {
        pub struct Cfg { pub mode: Mode }
        pub struct Svc { pub cfg: Cfg, pub n: u32 }
        impl Svc {
            pub fn cfg(&self) -> &Cfg { &self.cfg }
            #[lh] pub async fn run(&mut self) -> u32 {
                match self.cfg().mode {
                    Mode::Closed => { self.n += 1; pend(1, self.n).await }
                    Mode::Open => 0,
                }
            }
        }
    },
    run: async {
        let mut s = Svc { cfg: Cfg { mode: Mode::Closed }, n: 0 };
        (s.run().await, s.run().await)
    },
}

differential! {
    /// A binding by value of a non-`Copy` field of a temporary, its arm
    /// suspending: the field is moved out, so the temporary is not kept (a
    /// partly moved value cannot be). Its rest has no destructor here, so
    /// rustc's order and longhand's agree; with one, this is the
    /// `if_let_field_of_temporary_across_await` gap.
    name: by_value_binding_moves_field_of_temporary,
    items: {
        pub struct Reply { pub body: Option<String>, pub code: u16 }
        fn reply(n: u32) -> Reply {
            Reply { body: (n > 0).then(|| format!("body {n}")), code: 200 }
        }
        #[lh] async fn f(n: u32) -> usize {
            match reply(n).body {
                Some(b) => { pend(1, ()).await; b.len() }
                None => 0,
            }
        }
    },
    run: async { (f(0).await, f(3).await) },
}

known_gap! {
    reason: "s25-1 (runs differently, drop order): the field form of s4-3 when an arm names a local the temporary's expression reads (`match snap(m).mode { Mode::Closed => fetch(m).await, .. }`): the temporary could borrow that local (a getter), so it is not kept, and rustc drops it after the arm's await, longhand before",
    differential! {
        /// An arm reading the local the scrutinee's temporary was made from.
        name: arm_reads_local_of_the_temporary,
        items: {
            #[lh] async fn f(m: Mode) -> u32 {
                match snap(m).mode {
                    Mode::Closed => fetch(m as u32).await,
                    Mode::Open => 0,
                }
            }
        },
        run: async { (f(Mode::Closed).await, f(Mode::Open).await) },
    }
}

known_gap! {
    reason: "s25-2 (fails to compile, E0506 cannot assign to `self.n` because it is borrowed): a method's receiver in a `match` scrutinee is kept to the end of the `match` (`match self.cfg().name.len()`), as rustc keeps a temporary with a destructor; when it is a getter's reference into `self` and an arm assigns to `self` before its await, the kept borrow conflicts. Not keeping it would drop an owned receiver (a snapshot, a response) early whenever an arm names `self`, the far more common shape. Write `let n = self.cfg().name.len();` before the `match`",
    differential! {
        /// A getter's reference as a method receiver in the scrutinee, an
        /// arm mutating `self`.
        name: getter_method_receiver_then_arm_mutates_self,
        items: {
            pub struct Cfg { pub name: String }
            pub struct Svc { pub cfg: Cfg, pub n: u32 }
            impl Svc {
                pub fn cfg(&self) -> &Cfg { &self.cfg }
                #[lh] pub async fn run(&mut self) -> u32 {
                    match self.cfg().name.len() {
                        0 => { self.n += 1; pend(1, self.n).await }
                        _ => 0,
                    }
                }
            }
        },
        run: async {
            let mut s = Svc { cfg: Cfg { name: String::new() }, n: 0 };
            s.run().await
        },
    }
}
