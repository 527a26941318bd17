//! Internal iteration: `fold` (and every consumer built on it: `for_each`,
//! `sum`, `count`, `last`, ...) runs a sync generator's body in one poll,
//! handing each item straight to the closure. It must be indistinguishable
//! from driving the same generator with `next`: the same items, the same
//! interleaving of side effects, the same drop order, the same panics.

// The explicit `next` loops and `fold`s are the point: each test drives the
// same generator both ways.
#![allow(clippy::while_let_on_iterator, clippy::unnecessary_fold)]

use crate::{D, log, take_log};
use std::panic::{AssertUnwindSafe, catch_unwind};

/// Logs every step, keeps a plain local and a pinned one (borrowed across
/// yields) alive, and ends a scope between yields.
#[longhand::generator]
fn chatty(words: Vec<&'static str>) -> impl Iterator<Item = String> {
    let _outer = D("outer");
    log("start");
    for (i, w) in words.iter().enumerate() {
        let _item = D("item");
        log(format!("yield {w}"));
        yield_!(format!("{i}:{w}"));
        log(format!("resumed after {w}"));
    }
    {
        let _scoped = D("scoped");
        yield_!("tail".to_string());
    }
    log("end");
}

fn words() -> Vec<&'static str> {
    vec!["a", "b", "c"]
}

/// Consumes with `next`, logging each item.
fn by_next(mut g: impl Iterator<Item = String>) -> Vec<String> {
    while let Some(x) = g.next() {
        log(format!("got {x}"));
    }
    drop(g);
    take_log()
}

#[test]
fn for_each_interleaves_exactly_as_next_does() {
    let expected = by_next(chatty(words()));
    assert!(expected.contains(&"got 1:b".to_string()), "{expected:?}");
    chatty(words()).for_each(|x| log(format!("got {x}")));
    assert_eq!(take_log(), expected);
}

#[test]
fn fold_after_a_few_next_calls_continues_where_next_left_off() {
    for taken in 0..=5 {
        let start = |g: &mut dyn Iterator<Item = String>| {
            for _ in 0..taken {
                g.next();
            }
            log("switch");
        };
        let mut g = chatty(words());
        start(&mut g);
        let expected = by_next(g);
        let mut g = chatty(words());
        start(&mut g);
        let folded = g.fold(0, |n, x| {
            log(format!("got {x}"));
            n + 1
        });
        assert_eq!(take_log(), expected, "after {taken} items");
        assert_eq!(folded, 4usize.saturating_sub(taken), "after {taken} items");
    }
}

#[test]
fn every_fold_based_consumer_agrees_with_next() {
    let by_hand: Vec<String> = {
        let mut g = chatty(words());
        std::iter::from_fn(|| g.next()).collect()
    };
    take_log();
    assert_eq!(chatty(words()).count(), by_hand.len());
    assert_eq!(chatty(words()).last(), by_hand.last().cloned());
    assert_eq!(
        chatty(words()).map(|s| s.len()).sum::<usize>(),
        by_hand.iter().map(|s| s.len()).sum::<usize>()
    );
    assert_eq!(
        chatty(words()).max_by_key(|s| s.len()),
        by_hand.iter().cloned().max_by_key(|s| s.len())
    );
    let (short, long): (Vec<String>, Vec<String>) = chatty(words()).partition(|s| s.len() < 4);
    assert_eq!(short.len() + long.len(), by_hand.len());
    take_log();
}

#[test]
fn a_panic_in_the_fold_closure_drops_the_same_values_in_the_same_order() {
    let explode_at = |x: &String| x == "1:b";
    // Driven by `next`, the panic happens outside the generator, which is
    // then dropped while suspended.
    let by_next = catch_unwind(AssertUnwindSafe(|| {
        let mut g = chatty(words());
        while let Some(x) = g.next() {
            log(format!("got {x}"));
            if explode_at(&x) {
                panic!("boom");
            }
        }
    }));
    assert!(by_next.is_err());
    let expected = take_log();
    assert_eq!(
        expected.iter().rev().take(2).collect::<Vec<_>>(),
        ["drop outer", "drop item"],
        "{expected:?}"
    );
    // Driven by `for_each`, it unwinds through the generator's body.
    let by_fold = catch_unwind(AssertUnwindSafe(|| {
        chatty(words()).for_each(|x| {
            log(format!("got {x}"));
            if explode_at(&x) {
                panic!("boom");
            }
        })
    }));
    assert!(by_fold.is_err());
    assert_eq!(take_log(), expected);
}

/// Panics in its own body after two items.
#[longhand::generator]
fn explodes() -> impl Iterator<Item = u32> {
    let _guard = D("guard");
    yield_!(1);
    yield_!(2);
    panic!("inside");
}

#[test]
fn a_panic_in_the_body_under_fold_unwinds_like_under_next() {
    let by_next = catch_unwind(AssertUnwindSafe(|| {
        let mut g = explodes();
        while let Some(x) = g.next() {
            log(format!("got {x}"));
        }
    }));
    let expected = take_log();
    let by_fold = catch_unwind(AssertUnwindSafe(|| {
        explodes().for_each(|x| log(format!("got {x}")));
    }));
    let message = |r: std::thread::Result<()>| *r.unwrap_err().downcast::<&'static str>().unwrap();
    assert_eq!(message(by_next), "inside");
    assert_eq!(message(by_fold), "inside");
    assert_eq!(take_log(), expected);
    assert_eq!(expected, ["got 1", "got 2", "drop guard"]);
}

/// `return` in a nested loop, a labeled `continue`, and a generator
/// iterating another generator.
#[longhand::generator]
fn nested(limit: u32) -> impl Iterator<Item = u32> {
    'outer: for i in 0..10 {
        for j in chatty(vec!["x"]) {
            if i % 2 == 1 {
                continue 'outer;
            }
            yield_!(i * 100 + j.len() as u32);
        }
        if i >= limit {
            return;
        }
        yield_!(i);
    }
}

#[test]
fn control_flow_under_fold_matches_next() {
    for limit in 0..6 {
        let by_next: Vec<u32> = {
            let mut g = nested(limit);
            std::iter::from_fn(|| g.next()).collect()
        };
        let next_log = take_log();
        let by_fold = nested(limit).fold(Vec::new(), |mut v, x| {
            v.push(x);
            v
        });
        assert_eq!(by_fold, by_next, "limit {limit}");
        assert_eq!(take_log(), next_log, "limit {limit}");
    }
}

#[test]
fn a_finished_generator_folds_to_the_initial_value() {
    let mut g = explodes();
    let mut g2 = nested(0);
    while g2.next().is_some() {}
    assert_eq!(g2.fold(7, |a, x| a + x), 7);
    // Poisoned by a panic: folding it panics with rustc's message.
    let _ = catch_unwind(AssertUnwindSafe(|| while g.next().is_some() {}));
    take_log();
    let again = catch_unwind(AssertUnwindSafe(|| g.fold(0, |a, x| a + x)));
    let again = again.unwrap_err();
    assert_eq!(
        again.downcast_ref::<&str>().copied(),
        Some("`gen fn` should just keep returning `None` after panicking")
    );
    take_log();
}

/// Closures kept across yields at the top of loops and after a branch that
/// yields on one side: code reached by several paths, which the lowering
/// writes once behind join points.
#[longhand::generator]
fn scaled(rows: Vec<Vec<u32>>, shift: bool) -> impl Iterator<Item = u32> {
    let _outer = D("outer");
    if shift {
        yield_!(0);
    }
    let offset = move |x: u32| if shift { x + 1000 } else { x };
    for (r, row) in rows.iter().enumerate() {
        let scale = move |x: u32| x * (r as u32 + 1);
        let mut i = 0;
        while i < row.len() {
            let _cell = D("cell");
            let keep = |x: u32| offset(scale(x));
            yield_!(keep(row[i]));
            i += 1;
        }
    }
}

/// The same sequence, written by hand.
fn scaled_by_hand(rows: Vec<Vec<u32>>, shift: bool) -> Vec<u32> {
    let mut out = Vec::new();
    if shift {
        out.push(0);
    }
    for (r, row) in rows.iter().enumerate() {
        for v in row {
            let scaled = v * (r as u32 + 1);
            out.push(if shift { scaled + 1000 } else { scaled });
        }
    }
    out
}

#[test]
fn closures_at_join_points_by_next_and_by_fold() {
    let rows = || vec![vec![1, 2], vec![], vec![3]];
    for shift in [false, true] {
        let expected = scaled_by_hand(rows(), shift);
        let mut g = scaled(rows(), shift);
        let by_next: Vec<u32> = std::iter::from_fn(|| g.next()).collect();
        drop(g);
        let next_log = take_log();
        assert_eq!(by_next, expected);
        assert_eq!(next_log.iter().filter(|l| *l == "drop cell").count(), 3);
        let by_fold = scaled(rows(), shift).fold(Vec::new(), |mut v, x| {
            v.push(x);
            v
        });
        assert_eq!(by_fold, expected);
        assert_eq!(take_log(), next_log);
        // Dropped half-way: the cell being yielded, then the outer value.
        let mut g = scaled(rows(), shift);
        g.next();
        g.next();
        drop(g);
        let last_two: Vec<String> = take_log().into_iter().rev().take(2).collect();
        assert_eq!(last_two, ["drop outer", "drop cell"]);
    }
}
