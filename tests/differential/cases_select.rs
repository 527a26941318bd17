//! `tokio::select!`: its futures raced by a helper, its handlers the body's
//! own code (they await, `break`, `continue`, `return` and use `?`). Most
//! cases say `biased;`, so that both sides poll the branches in the same
//! order; one leaves the start to tokio's random choice where the order is
//! not observable.

use super::harness::*;

differential! {
    /// The first branch to finish wins; the others' futures (and what they
    /// own) are dropped before its handler runs, which awaits in turn.
    name: select_first_to_finish_wins,
    items: {
        async fn after(n: u32, d: D) -> usize {
            pend(n, ()).await;
            d.touch()
        }
        #[lh] async fn f(slow: u32) -> usize {
            let _before = D::new("before");
            let won = tokio::select! {
                biased;
                a = after(slow, D::new("a")) => {
                    log("a won");
                    pend(1, a).await
                }
                b = after(2, D::new("b")) => {
                    let _in_handler = D::new("handler");
                    pend(1, ()).await;
                    b + 100
                }
            };
            let _after = D::new("after");
            won + pend(1, 1).await
        }
    },
    run: async { (f(1).await, f(3).await) },
}

differential! {
    /// `select!` in a loop over a channel-like queue and a timer that is
    /// pinned once and polled by reference: `break` with a value, `continue`
    /// and `return` in the handlers, a local the handlers change and a
    /// future that borrows a local.
    name: select_loop_with_break_continue_return,
    items: {
        async fn recv(q: &mut Vec<u32>) -> Option<u32> {
            pend(1, ()).await;
            q.pop()
        }
        #[lh] async fn f(mut q: Vec<u32>, stop_at: u32) -> Result<u32, String> {
            let mut total = 0;
            let mut timer = std::pin::pin!(pend(7, D::new("timer")));
            let why = loop {
                tokio::select! {
                    biased;
                    Some(v) = recv(&mut q) => {
                        if v == 0 {
                            continue;
                        }
                        if v == stop_at {
                            return Err(format!("stopped at {v} after {total}"));
                        }
                        total += pend(1, v).await;
                    }
                    d = &mut timer => break d.touch(),
                    else => break 0,
                }
            };
            Ok(total * 1000 + why as u32 + q.len() as u32)
        }
    },
    run: async {
        (
            f(vec![1, 0, 2], 9).await,
            f(vec![5, 1, 2, 3, 4], 9).await,
            f(vec![1, 9, 2], 9).await,
        )
    },
}

differential! {
    /// A value that does not match its branch's pattern disables that
    /// branch, and the race goes on; preconditions (evaluated first, in
    /// order, before every future is built) disable theirs; with every
    /// branch disabled the `else` branch runs.
    name: select_patterns_preconditions_and_else,
    items: {
        async fn maybe(n: u32, v: Option<u32>) -> Option<u32> {
            pend(n, ()).await;
            v
        }
        #[lh] async fn f(first: Option<u32>, allow_second: bool) -> u32 {
            tokio::select! {
                Some(x) = maybe(1, first) => x,
                Some(y) = maybe(val("second built", 2), Some(20)), if val("second allowed", allow_second) => {
                    y + pend(1, 1).await
                }
                else => {
                    log("all disabled");
                    pend(1, 7).await
                }
            }
        }
    },
    run: async {
        (
            f(Some(1), true).await,
            f(None, true).await,
            f(None, false).await,
        )
    },
}

differential! {
    /// Without `else`, a `select!` whose branches are all disabled panics
    /// with tokio's message, from inside its poll.
    name: select_without_else_panics_when_all_disabled,
    items: {
        #[lh] async fn f() -> u32 {
            let _held = D::new("held");
            tokio::select! {
                biased;
                Some(x) = pend(1, None::<u32>) => x,
                Ok(y) = pend(2, Err::<u32, ()>(())) => y,
            }
        }
    },
    run: f(),
}

differential! {
    /// `?` in a handler, a struct pattern with shorthand and `ref`/`mut`
    /// bindings, an or-pattern, a `select!` nested in a handler, and one as
    /// the function's tail.
    name: select_try_nested_and_struct_patterns,
    items: {
        #[derive(Debug)]
        struct Msg { id: u32, body: D }
        enum Ev { Tick(u32), Stop(u32), Msg(Msg) }
        async fn next(n: u32, e: Ev) -> Ev {
            pend(n, e).await
        }
        fn check(v: u32) -> Result<u32, String> {
            if v > 50 { Err(format!("too big: {v}")) } else { Ok(v) }
        }
        #[lh] async fn f(e: u32) -> Result<u32, String> {
            let ev = match e {
                0 => Ev::Tick(3),
                1 => Ev::Stop(4),
                _ => Ev::Msg(Msg { id: e, body: D::new("body") }),
            };
            let got = tokio::select! {
                biased;
                Ev::Tick(n) | Ev::Stop(n) = next(1, ev) => {
                    tokio::select! {
                        biased;
                        m = pend(1, n * 2) => check(m)?,
                        _ = pend(3, ()) => 0,
                    }
                }
                _ = pend(5, ()) => 1,
            };
            let ev2 = Ev::Msg(Msg { id: e * 10, body: D::new("second") });
            tokio::select! {
                biased;
                Ev::Msg(Msg { id, ref mut body }) = next(1, ev2) => {
                    pend(1, ()).await;
                    Ok(check(id)? + got + body.touch() as u32)
                }
                else => Ok(got),
            }
        }
    },
    run: async { (f(0).await, f(1).await, f(3).await, f(9).await) },
}

differential! {
    /// The temporaries of a future expression end with the statement that
    /// builds the futures, before they are polled; a future built from a
    /// local moves it, one that borrows a local keeps it alive in place.
    name: select_future_temporaries_and_borrowed_locals,
    items: {
        async fn len_of(s: &str) -> usize {
            pend(1, ()).await;
            s.len()
        }
        #[lh] async fn f() -> usize {
            let name = String::from("name");
            let owned = D::new("owned");
            let r = tokio::select! {
                biased;
                n = pend(2, D::new("temporary").touch()) => n,
                m = len_of(&name) => m + 10,
                _ = async move { pend(3, ()).await; owned.touch() } => 0,
            };
            r + name.len()
        }
    },
    run: f(),
}

differential! {
    /// Without `biased;` tokio starts at a random branch; with one branch
    /// ready at a time, and futures that do nothing observable when polled,
    /// the result does not depend on it.
    name: select_unbiased_with_one_ready_branch,
    items: {
        #[lh] async fn f(n: u32) -> u32 {
            let mut sum = 0;
            for i in 0..n {
                sum += tokio::select! {
                    a = pend(i % 2, 1) , if i % 2 == 1 => a,
                    b = pend(2, 10) => b,
                    c = std::future::pending::<u32>() => c,
                };
            }
            sum
        }
    },
    run: f(4),
}

differential! {
    /// Handlers that are not blocks and start with one (`unsafe { .. } + 1`),
    /// and an `else` written the same way: each stays one expression, as
    /// the arm of the `match` on the winner.
    name: select_handlers_starting_with_a_block,
    items: {
        /// # Safety
        ///
        /// `n` points to a live `usize`.
        unsafe fn read(n: *const usize) -> usize {
            // SAFETY: the caller's pointer is to a live `usize`.
            unsafe { *n }
        }
        #[lh] async fn f(open: bool) -> usize {
            let n = 7;
            tokio::select! {
                a = pend(2, 10), if open => unsafe { read(&n) } + a,
                b = pend(1, 20), if open => unsafe { read(&b) } + pend(1, 1).await,
                else => unsafe { read(&n) } * 2,
            }
        }
    },
    run: async { (f(true).await, f(false).await) },
}
