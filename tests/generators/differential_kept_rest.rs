//! Generators whose arms keep code after a suspension only to be typed
//! (see `tests/differential/cases_kept_rest.rs`): a value's type fixed
//! after a `yield_!` or an `.await` inside a loop, used by a method after
//! the loop, against rustc's own coroutines (see `oracle.rs`).
#![allow(clippy::useless_vec)]

use crate::{D, log};

gen_differential! {
    /// An iterator: `v.push(d)` after the yield fixes what `v` holds for
    /// the method called on its element after the loop.
    name: iterator_pushed_after_yield_then_method,
    items: {},
    gen: fn names(xs: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut v = vec![];
        for x in xs {
            let d = D(x);
            yield_!(x.len());
            v.push(d);
        }
        if let Some(d) = v.pop() {
            log(format!("last {}", d.0));
            yield_!(d.0.len() * 10);
        }
    },
    run: names(vec!["a", "bb"]),
}

gen_differential! {
    /// A stream: the push follows an `.await` and a `yield_!` in the loop
    /// body, the element's field is read after the loop.
    name: stream_pushed_after_await_and_yield_then_method,
    items: {},
    gen: fn fetched(ids: Vec<u32>) -> impl Stream<Item = u32> {
        let mut pages = Vec::new();
        for id in ids {
            let body = pend(1, format!("page-{id}")).await;
            yield_!(id);
            pages.push(body);
        }
        if !pages.is_empty() {
            yield_!(pages[0].len() as u32);
        }
    },
    run: fetched(vec![3, 44]),
}
