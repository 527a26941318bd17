//! User methods named like `Iterator`'s consuming folds.
//!
//! `count`, `sum`, `product`, `max` and `min` take `self` by value on an
//! iterator, so longhand, which cannot see types, takes a local they are
//! called on as moved: not kept across a later await, its drop done where it
//! was consumed. A user type reuses those names for methods that read
//! itself (a stats window's `fn max(&self) -> u32`, a repository's
//! `async fn count(&self)`), and there the local lives to the end of its
//! scope. On a local declared of, or built by a constructor of, a type that
//! is not the standard library's, the five names called without arguments
//! are taken to borrow it. A user type that is an iterator and is folded on
//! a local is then a compile error at its receiver
//! (`tests/ui/user_iterator_fold_across_await.rs`) until written
//! `{ it }.count()`; these cases check that every other shape still runs as
//! rustc's lowering does.
#![allow(dead_code, unused_variables, clippy::should_implement_trait)]

use crate::harness::*;

/// A downstream call: suspends once, logs, returns its argument.
async fn fetch(x: u32) -> u32 {
    log(format!("fetch {x}"));
    pend(1, x).await
}

/// Samples with statistics read through `&self`.
pub struct Stats {
    pub xs: Vec<u32>,
    pub _d: D,
}

impl Stats {
    pub fn new(xs: &[u32], name: &'static str) -> Stats {
        Stats {
            xs: xs.to_vec(),
            _d: D::new(name),
        }
    }
    pub fn count(&self) -> u32 {
        self.xs.len() as u32
    }
    pub fn sum(&self) -> u32 {
        self.xs.iter().sum()
    }
    pub fn product(&self) -> u32 {
        self.xs.iter().product()
    }
    pub fn max(&self) -> u32 {
        self.xs.iter().copied().max().unwrap_or(0)
    }
    pub fn min(&self) -> u32 {
        self.xs.iter().copied().min().unwrap_or(0)
    }
}

/// An iterator of the user's, counting down, that logs its drop.
pub struct Countdown {
    pub left: u32,
    pub _d: D,
}

impl Countdown {
    pub fn new(left: u32) -> Countdown {
        Countdown {
            left,
            _d: D::new("countdown"),
        }
    }
}

impl Iterator for Countdown {
    type Item = u32;
    fn next(&mut self) -> Option<u32> {
        self.left = self.left.checked_sub(1)?;
        Some(self.left + 1)
    }
}

differential! {
    /// Each of the five names on its own local, none used again: every
    /// local lives to the end of the function, dropped in reverse order
    /// after the awaits.
    name: each_fold_name_reads_a_user_local,
    items: {
        #[lh] async fn f() -> u32 {
            let a = Stats::new(&[1, 2, 3], "a");
            let n = a.count();
            let b = Stats { xs: vec![4, 5], _d: D::new("b") };
            let s = b.sum();
            let x = fetch(n + s).await;
            let c = Stats::new(&[2, 3], "c");
            let p = c.product();
            let d = Stats::new(&[7, 1, 9], "d");
            let hi = d.max();
            let e = Stats::new(&[7, 1, 9], "e");
            let lo = e.min();
            let y = fetch(p + hi + lo).await;
            log("end");
            x + y
        }
    },
    run: f(),
}

differential! {
    /// A parameter declared of the user's type, read by `count()` and not
    /// used again: dropped when the function returns, after the await.
    name: count_on_parameter_of_user_type,
    items: {
        #[lh] async fn f(w: Stats) -> u32 {
            let n = w.count();
            let x = fetch(n).await;
            log("after");
            x
        }
    },
    run: f(Stats::new(&[3, 4], "w")),
}

differential! {
    /// The same in a branch and a loop: the local lives to the end of its
    /// block, across the awaits that follow the read.
    name: fold_names_in_branches_and_loops,
    items: {
        #[lh] async fn f(k: u32) -> u32 {
            let mut t = 0;
            for i in 0..k {
                let s = Stats::new(&[i, 1], "s");
                let m = s.max();
                t += fetch(m).await;
                log("iteration");
            }
            if t > 2 {
                let s = Stats::new(&[t], "big");
                let m = s.min();
                t += fetch(m).await;
            } else {
                t += fetch(0).await;
            }
            t
        }
    },
    run: f(3),
}

differential! {
    /// A user `async fn sum(&self)`, awaited on a local of the user's type:
    /// the awaitee borrows the local, which stays in place.
    name: awaited_user_sum_borrows_local,
    items: {
        pub struct Ledger(pub Vec<u32>, pub D);
        impl Ledger {
            #[lh] pub async fn sum(&self) -> u32 {
                let mut t = 0;
                for x in &self.0 {
                    t += fetch(*x).await;
                }
                t
            }
        }
        #[lh] async fn f() -> u32 {
            let l = Ledger(vec![1, 2], D::new("ledger"));
            let t = l.sum().await;
            log("summed");
            t + fetch(1).await
        }
    },
    run: f(),
}

differential! {
    /// A user iterator folded by `count()` through braces, which say it
    /// is moved: dropped inside `count`, before the await.
    name: user_iterator_count_in_braces,
    items: {
        #[lh] async fn f() -> u32 {
            let c = Countdown::new(3);
            let n = { c }.count() as u32;
            let x = fetch(n).await;
            log("after");
            x
        }
    },
    run: f(),
}

differential! {
    /// A user iterator folded on a temporary and through a `std` adapter
    /// (`c.map(..)`, an adapter, consumes it whatever its type).
    name: user_iterator_folded_by_temporary_and_adapter,
    items: {
        #[lh] async fn f() -> u32 {
            let s: u32 = Countdown::new(4).sum();
            let x = fetch(s).await;
            let c = Countdown::new(2);
            let m = c.map(|v| v * 10).max().unwrap_or(0);
            let y = fetch(m).await;
            x + y
        }
    },
    run: f(),
}

differential! {
    /// `Ord::max(self, other)` on the user's type takes an argument, so
    /// both values are moved: the smaller is dropped inside `max`, before
    /// the await, the larger is kept across it.
    name: ord_max_with_argument_moves_both,
    items: {
        #[derive(PartialEq, Eq, PartialOrd, Ord)]
        pub struct Version(pub u32);
        impl Drop for Version {
            fn drop(&mut self) { log(format!("drop v{}", self.0)); }
        }
        #[lh] async fn f() -> u32 {
            let a = Version(1);
            let b = Version(2);
            let m = a.max(b);
            let x = fetch(m.0).await;
            log("after");
            x
        }
    },
    run: f(),
}
