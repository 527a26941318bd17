//! A `continue` or `break` hidden in a user's macro, in a generator loop
//! whose iterations yield or await (see
//! `tests/differential/cases_hidden_jumps.rs`), against rustc's own
//! coroutines (see `oracle.rs`).

use crate::{D, log};

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

gen_differential! {
    /// An iterator: the jumps follow a yield, in the rest of the iteration
    /// resumed from it.
    name: iterator_jumps_hidden_after_yield,
    items: {},
    gen: fn evens_until(xs: Vec<u32>, stop: u32) -> impl Iterator<Item = u32> {
        let _outer = D("outer");
        for x in xs {
            let _d = D("item");
            yield_!(x);
            skip_if!(x % 2 == 1);
            stop_if!(x >= stop);
            log(format!("even {x}"));
            yield_!(x * 10);
        }
        log("end");
    },
    run: evens_until(vec![1, 2, 3, 4, 5, 6, 7, 8], 6),
}

gen_differential! {
    /// A stream: the jumps follow an `.await`.
    name: stream_jumps_hidden_after_await,
    items: {},
    gen: fn odd_squares(n: u32) -> impl Stream<Item = u32> {
        let mut i = 0;
        while i < n {
            i += 1;
            let _per = D("per");
            let v = pend(1, i).await;
            skip_if!(v % 2 == 0);
            stop_if!(v > 5);
            yield_!(v * v);
        }
    },
    run: odd_squares(9),
}
