//! A `continue` or `break` hidden in a user's macro (`skip_if!(c)` being
//! `if c { continue; }`) in a loop whose iterations suspend.
//!
//! After a suspension point, longhand runs the rest of the iteration in
//! labeled blocks, and rewrites the jumps it can see into `break`s to them.
//! It cannot see into a macro, so a statement calling one it does not know
//! runs in a loop of its own that catches the jump and passes it on
//! (`hidden_jumps.rs` in the lowering). Each case here checks that the
//! caught jump goes where rustc sends it, that the call runs once with its
//! temporaries dropped where they were, and that macros which declare
//! locals are left alone.
//!
//! A `?` hidden in a macro is not seen either: it returns `Ready(Err(..))`
//! from the poll function directly, without passing the body's own end.
//! A function that calls a macro longhand does not know is built so that
//! its future then marks itself `Returned` (`lowered_settling`), and
//! polling it again panics as rustc's does, "resumed after completion".
#![allow(dead_code, unused_variables, unused_macros)]

use crate::harness::*;

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

/// `let v = or_continue!(o);`: the value, or the next iteration.
macro_rules! or_continue {
    ($o:expr) => {
        match $o {
            Some(v) => v,
            None => continue,
        }
    };
}

/// Declares a local in the caller's scope, under the caller's name.
macro_rules! bind {
    ($name:ident = $e:expr) => {
        let $name = $e;
    };
}

/// The same, written without `=`.
macro_rules! declare {
    ($name:ident, $e:expr) => {
        let $name = $e;
    };
}

/// `$e?`, hidden from longhand.
macro_rules! try_get {
    ($e:expr) => {
        $e?
    };
}

/// Logs and jumps nowhere: must run exactly once.
macro_rules! note {
    ($($t:tt)*) => {
        log(format!($($t)*))
    };
}

differential! {
    /// `continue` hidden in a statement macro after the first await of a
    /// `while let` body, with a value alive across the rest.
    name: continue_in_macro_in_while_let,
    items: {
        #[lh] async fn drain(mut xs: Vec<u32>) -> u32 {
            let mut sum = 0;
            while let Some(x) = xs.pop() {
                let d = D::new("item");
                let y = pend(1, x).await;
                skip_if!(y % 3 == 0);
                sum += pend(1, y).await;
                d.touch();
            }
            sum
        }
    },
    run: drain(vec![1, 2, 3, 4, 5, 6, 7]),
}

differential! {
    /// `break` hidden in a statement macro in a `loop`, between two awaits,
    /// then code after the loop.
    name: break_in_macro_in_loop,
    items: {
        #[lh] async fn count_to(limit: u32) -> u32 {
            let _g = D::new("guard");
            let mut n = 0;
            loop {
                let step = D::new("step");
                n = pend(1, n + 1).await;
                stop_if!(n >= limit);
                pend(1, ()).await;
                log(format!("n {n}"));
            }
            log("after");
            n * 10
        }
    },
    run: count_to(3),
}

differential! {
    /// A macro giving a value or continuing: `let v = or_continue!(o);`.
    name: value_or_continue_in_for,
    items: {
        #[lh] async fn firsts(rows: Vec<Vec<u32>>) -> Vec<u32> {
            let mut out = Vec::new();
            for row in rows {
                let d = D::new("row");
                pend(1, ()).await;
                let first = or_continue!(row.first().copied());
                out.push(pend(1, first).await);
            }
            out
        }
    },
    run: firsts(vec![vec![1, 2], vec![], vec![3], vec![], vec![4]]),
}

differential! {
    /// The macro as the tail of an `if` branch, its value the branch's.
    name: value_or_continue_as_branch_tail,
    items: {
        #[lh] async fn pick(xs: Vec<Option<u32>>) -> u32 {
            let mut total = 0;
            for (i, x) in xs.into_iter().enumerate() {
                pend(1, ()).await;
                let v = if i % 2 == 0 { or_continue!(x) } else { 100 };
                total += v;
            }
            total
        }
    },
    run: pick(vec![Some(1), None, None, Some(2), Some(3)]),
}

differential! {
    /// A hidden `continue` of the inner loop, resumed inside a resumed outer
    /// loop: it must restart the inner loop, not the outer.
    name: continue_in_macro_in_nested_loops,
    items: {
        #[lh] async fn grid(n: u32) -> Vec<(u32, u32)> {
            let mut out = Vec::new();
            for i in 0..n {
                let row = D::new("row");
                pend(1, ()).await;
                for j in 0..n {
                    let cell = D::new("cell");
                    pend(1, ()).await;
                    skip_if!((i + j) % 2 == 1);
                    stop_if!(j > i);
                    out.push((i, j));
                }
                log(format!("row {i} done"));
            }
            out
        }
    },
    run: grid(3),
}

differential! {
    /// A macro that jumps nowhere runs once, where it stood.
    name: macro_without_jump_runs_once,
    items: {
        #[lh] async fn steps(n: u32) -> u32 {
            let mut acc = 0;
            for i in 0..n {
                acc += pend(1, i).await;
                note!("step {i} acc {acc}");
                acc += D::new("temp").touch() as u32;
            }
            acc
        }
    },
    run: steps(3),
}

differential! {
    /// Macros declaring a local that the rest of the iteration reads are not
    /// wrapped (the local would end with the wrapper): told by a plain `=`
    /// (`bind!`), by the binding longhand adds after a macro whose local is
    /// used after a later suspension (`twice`), or by a name no pattern
    /// binds that the code after the call uses (`thrice`).
    name: declaring_macro_in_resumed_iteration,
    items: {
        #[lh] async fn doubled(xs: Vec<u32>) -> u32 {
            let mut sum = 0;
            for x in xs {
                let y = pend(1, x).await;
                bind!(once = y);
                declare!(twice, y * 2);
                sum += twice + once;
                pend(1, ()).await;
                sum += twice;
                declare!(thrice, y * 3);
                sum += thrice;
            }
            sum
        }
    },
    run: doubled(vec![1, 2, 3]),
}

differential! {
    /// A macro that shadows a local the function already binds (`bind!(x =
    /// x * 100)`) is left alone too: wrapped, the new `x` would end with
    /// the wrapper and the code after it would read the old one.
    name: shadowing_macro_in_resumed_iteration,
    items: {
        #[lh] async fn scaled(xs: Vec<u32>) -> u32 {
            let mut sum = 0;
            for x in xs {
                pend(1, ()).await;
                bind!(x = x * 100);
                sum += x;
            }
            sum
        }
    },
    run: scaled(vec![1, 2, 3]),
}

differential! {
    /// Hidden jumps in the arms of a `match` whose other arms await (run
    /// in the loop itself, before any suspension) and after the `match`,
    /// in the rest of the iteration resumed from either arm's await.
    name: jumps_in_match_arms_around_awaits,
    items: {
        #[lh] async fn route(xs: Vec<u32>) -> Vec<u32> {
            let mut out = Vec::new();
            for x in xs {
                let d = D::new("item");
                let v = match x {
                    0 => {
                        skip_if!(out.is_empty());
                        1
                    }
                    1 => pend(1, 5).await,
                    _ => {
                        skip_if!(x == 3);
                        stop_if!(x > 5);
                        pend(1, x).await
                    }
                };
                skip_if!(v % 2 == 0);
                out.push(v);
            }
            out
        }
    },
    run: route(vec![0, 1, 0, 2, 3, 4, 5, 6, 7]),
}

differential! {
    /// A `?` hidden in a macro, after an await, leaving with the error: the
    /// extra poll after completion must say "resumed after completion".
    name: question_mark_hidden_in_macro,
    items: {
        #[lh] async fn parse(x: Result<u32, String>) -> Result<u32, String> {
            let _d = D::new("d");
            pend(1, ()).await;
            let v = try_get!(x);
            log("parsed");
            Ok(v)
        }
    },
    run: parse(Err("bad".into())),
}

differential! {
    /// The same `?` in a resumed loop iteration (inside the loop that
    /// catches hidden jumps), on the last of several items.
    name: question_mark_hidden_in_macro_in_loop,
    items: {
        #[lh] async fn sum(xs: Vec<Result<u32, String>>) -> Result<u32, String> {
            let mut total = 0;
            for x in xs {
                let d = D::new("item");
                pend(1, ()).await;
                total += try_get!(x);
            }
            Ok(total)
        }
    },
    run: sum(vec![Ok(1), Ok(2), Err("third".into())]),
}
