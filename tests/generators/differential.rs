//! Generators against rustc's own coroutines (see `oracle.rs`): the same body
//! run as an `async` block driven like a `gen` block, and through
//! `#[longhand::generator]`; items, event order, drops at every point the
//! generator can be dropped, panics and what comes after them must agree.
// Shapes written on purpose: a value kept only for its destructor, and a
// `match` with one interesting arm (its scrutinee's temporary is the point).
#![allow(dead_code, clippy::single_match)]

use crate::{D, log};

/// An item with a destructor, so that who drops a yielded value (the
/// consumer, not the generator) shows in the log.
#[derive(Debug)]
pub struct Tok(pub &'static str);

impl Drop for Tok {
    fn drop(&mut self) {
        log(format!("drop tok {}", self.0));
    }
}

/// Logs its argument's name and gives its length: a temporary's user.
pub fn len_of(d: &D) -> usize {
    log(format!("len {}", d.0));
    d.0.len()
}

gen_differential! {
    /// A counting loop.
    name: counts_up,
    items: {},
    gen: fn count(n: u32) -> impl Iterator<Item = u32> {
        for i in 0..n {
            yield_!(i);
        }
    },
    run: count(4),
}

gen_differential! {
    /// A borrow of the generator's own argument kept across every yield
    /// (`list.iter()`), the argument dropped at the end.
    name: borrows_its_argument_across_yields,
    items: {},
    gen: fn up_down(list: Vec<i32>, tag: D) -> impl Iterator<Item = i32> {
        let mut sum = 0;
        for x in list.iter() {
            sum += x;
            yield_!(sum);
        }
        log(format!("turn {}", tag.0));
        for x in list.iter().rev() {
            sum -= x;
            yield_!(sum);
        }
    },
    run: up_down(vec![1, 2, 3], D("tag")),
}

gen_differential! {
    /// Locals in nested scopes: each dropped at its scope's end, or by the
    /// generator's drop in reverse declaration order.
    name: scopes_and_drop_order,
    items: {},
    gen: fn scoped(p: D, q: D) -> impl Iterator<Item = u32> {
        let a = D("a");
        yield_!(1);
        {
            let b = D("b");
            yield_!(2);
            let c = D("c");
            yield_!(3);
            log(format!("inner end {} {}", b.0, c.0));
        }
        let e = D("e");
        yield_!(4);
        log(format!("end {} {} {} {}", a.0, e.0, p.0, q.0));
    },
    run: scoped(D("p"), D("q")),
}

gen_differential! {
    /// Unused parameters live as long as the generator, as in an `async
    /// fn`.
    name: unused_parameters_live_to_the_end,
    items: {},
    gen: fn ignores(_a: D, b: D, n: u32) -> impl Iterator<Item = u32> {
        yield_!(n);
        drop(b);
        yield_!(n + 1);
    },
    run: ignores(D("a"), D("b"), 7),
}

gen_differential! {
    /// Yielded values with destructors belong to the consumer; values
    /// moved out of a `Vec` one at a time, the rest dropped with the
    /// generator.
    name: yields_owned_values,
    items: {},
    gen: fn drain(names: Vec<&'static str>) -> impl Iterator<Item = Tok> {
        let mut toks: Vec<Tok> = names.into_iter().map(Tok).collect();
        toks.reverse();
        while let Some(t) = toks.pop() {
            if t.0 == "skip" {
                continue;
            }
            yield_!(t);
        }
    },
    run: drain(vec!["a", "skip", "b", "c"]),
}

gen_differential! {
    /// An early `return` from nested loops with values alive at three
    /// levels.
    name: early_return_from_nested_loops,
    items: {},
    gen: fn search(limit: u32) -> impl Iterator<Item = (u32, u32)> {
        let outer = D("outer");
        for i in 0..4 {
            let row = D("row");
            for j in 0..4 {
                let cell = D("cell");
                if i * j >= limit {
                    log(format!("found {} {} {}", outer.0, row.0, cell.0));
                    return;
                }
                if j > i {
                    break;
                }
                yield_!((i, j));
            }
        }
        yield_!((99, 99));
    },
    run: search(2),
}

gen_differential! {
    /// Labeled `break` and `continue` across nested loops, with a value per
    /// iteration.
    name: labeled_break_and_continue,
    items: {},
    gen: fn grid(rows: u32, cols: u32) -> impl Iterator<Item = (u32, u32)> {
        'rows: for r in 0..rows {
            let _row = D("row");
            for c in 0..cols {
                let _cell = D("cell");
                if c > r {
                    continue 'rows;
                }
                if r == 3 {
                    break 'rows;
                }
                yield_!((r, c));
            }
        }
        log("after");
    },
    run: grid(5, 3),
}

gen_differential! {
    /// Yields in `match` arms, guards and `if let` chains over owned values.
    name: match_arms_and_guards,
    items: {
        pub enum Msg { Data(D, u32), Ping, Stop(D) }
    },
    gen: fn handle(msgs: Vec<Msg>) -> impl Iterator<Item = String> {
        for m in msgs {
            match m {
                Msg::Data(d, n) if n > 1 => {
                    yield_!(format!("big {} {n}", d.0));
                    yield_!(format!("again {}", d.0));
                }
                Msg::Data(d, n) => yield_!(format!("small {} {n}", d.0)),
                Msg::Ping => {}
                Msg::Stop(d) => {
                    yield_!(format!("stop {}", d.0));
                    break;
                }
            }
        }
    },
    run: handle(vec![
        Msg::Data(D("x"), 2),
        Msg::Ping,
        Msg::Data(D("y"), 1),
        Msg::Stop(D("z")),
        Msg::Data(D("never"), 5),
    ]),
}

gen_differential! {
    /// Shadowing across yields: the shadowed value lives to the end of its
    /// scope, not to the shadowing `let`.
    name: shadowing_across_yields,
    items: {},
    gen: fn shadow() -> impl Iterator<Item = &'static str> {
        let d = D("first");
        yield_!(d.0);
        let d = D("second");
        yield_!(d.0);
        let d = d.0.len();
        yield_!(if d > 3 { "long" } else { "short" });
    },
    run: shadow(),
}

gen_differential! {
    /// A temporary in the yielded expression lives to the end of the
    /// statement, across the suspension.
    name: temporary_in_the_yielded_expression,
    items: {},
    gen: fn temps() -> impl Iterator<Item = usize> {
        yield_!(len_of(&D("t1")));
        let n = 2;
        yield_!(len_of(&D("t2")) + n);
        log("done");
    },
    run: temps(),
}

gen_differential! {
    /// A yield in value position: an `if` arm and a `loop` with `break
    /// value`.
    name: yield_in_value_positions,
    items: {},
    gen: fn values(flag: bool) -> impl Iterator<Item = u32> {
        let x = if flag {
            yield_!(1);
            10
        } else {
            20
        };
        let mut i = 0;
        let y = loop {
            let _g = D("iter");
            yield_!(x + i);
            if i == 2 {
                break i * 100;
            }
            i += 1;
        };
        yield_!(y);
    },
    run: values(true),
}

gen_differential! {
    /// A panic after some items, with values alive: they drop while
    /// unwinding, and the generator is poisoned afterwards.
    name: panic_poisons,
    items: {},
    gen: fn fails(n: u32) -> impl Iterator<Item = u32> {
        let _outer = D("outer");
        for i in 0..n {
            let _per = D("per");
            yield_!(i);
        }
        let _late = D("late");
        panic!("failed after {n}");
    },
    run: fails(2),
}

gen_differential! {
    /// An empty generator and one that returns before its first yield.
    name: returns_before_yielding,
    items: {},
    gen: fn nothing(skip: bool) -> impl Iterator<Item = u32> {
        let _d = D("d");
        if skip {
            return;
        }
        yield_!(1);
    },
    run: nothing(true),
}

gen_differential! {
    /// A `let .. else` whose `else` returns, and a closure capturing a
    /// stored local, called between yields.
    name: let_else_and_closure,
    items: {},
    gen: fn parse(words: Vec<&'static str>) -> impl Iterator<Item = u32> {
        let base = D("base");
        let scale = |n: u32| n * base.0.len() as u32;
        for w in words {
            let Ok(n) = w.parse::<u32>() else {
                log(format!("bad {w}"));
                return;
            };
            yield_!(scale(n));
        }
    },
    run: parse(vec!["1", "2", "x", "3"]),
}

gen_differential! {
    /// An iterator adapter chain kept across yields, with a `peekable`.
    name: peekable_kept_across_yields,
    items: {},
    gen: fn runs(v: Vec<u32>) -> impl Iterator<Item = (u32, usize)> {
        let mut it = v.iter().copied().peekable();
        while let Some(x) = it.next() {
            let mut n = 1;
            while it.peek() == Some(&x) {
                it.next();
                n += 1;
            }
            yield_!((x, n));
        }
    },
    run: runs(vec![1, 1, 2, 3, 3, 3, 1]),
}

gen_differential! {
    /// A generator driving another generator-like iterator, both with
    /// droppers.
    name: nested_iteration,
    items: {},
    gen: fn pairs(n: u32) -> impl Iterator<Item = u32> {
        let _keep = D("keep");
        let inner = (0..n).map(|i| i * 10);
        for (i, x) in inner.enumerate() {
            let _step = D("step");
            yield_!(x + i as u32);
        }
    },
    run: pairs(3),
}

gen_differential! {
    /// A `Stream`: awaits between yields, a dropper per item, cancelled at
    /// every poll.
    name: stream_awaits_between_yields,
    items: {},
    gen: fn ticks(n: u32) -> impl Stream<Item = u32> {
        let _outer = D("outer");
        for i in 0..n {
            let per = D("per");
            let v = pend(i % 2 + 1, i * 10).await;
            yield_!(v + per.0.len() as u32);
        }
        pend(1, ()).await;
        log("end");
    },
    run: ticks(3),
}

gen_differential! {
    /// A stream awaiting in a `match` scrutinee and a loop condition.
    name: stream_awaits_in_conditions,
    items: {},
    gen: fn filtered(words: Vec<&'static str>) -> impl Stream<Item = String> {
        let mut i = 0;
        while pend(1, i < words.len()).await {
            let w = words[i];
            i += 1;
            match pend(1, w.len()).await {
                0 => continue,
                1 => yield_!(format!("short {w}")),
                n => {
                    let _d = D("arm");
                    yield_!(format!("{w}:{n}"));
                    pend(1, ()).await;
                }
            }
        }
    },
    run: filtered(vec!["ab", "", "c", "def"]),
}

gen_differential! {
    /// A temporary held across an await inside a stream's yielded
    /// expression, and a panic after an await.
    name: stream_temporaries_and_panic,
    items: {},
    gen: fn risky(n: usize) -> impl Stream<Item = usize> {
        let _g = D("g");
        yield_!(pend(1, len_of(&D("tmp"))).await);
        if pend(1, n).await > 1 {
            let _h = D("h");
            panic!("too big");
        }
        yield_!(n);
    },
    run: risky(2),
}

gen_differential! {
    /// A stream that returns early from inside a loop after an await, with
    /// a `Vec` of droppers kept.
    name: stream_early_return,
    items: {},
    gen: fn until_empty(batches: Vec<Vec<&'static str>>) -> impl Stream<Item = usize> {
        let mut kept = Vec::new();
        for b in batches {
            if b.is_empty() {
                pend(1, ()).await;
                return;
            }
            kept.push(D(b[0]));
            yield_!(pend(1, b.len()).await);
        }
    },
    run: until_empty(vec![vec!["a", "b"], vec!["c"], vec![], vec!["never"]]),
}

gen_differential! {
    /// Yields inside operands: a binary operator, a method argument, a
    /// `while` condition block, an `if let` scrutinee.
    name: yields_inside_expressions,
    items: {},
    gen: fn inside(words: Vec<&'static str>) -> impl Iterator<Item = usize> {
        let mut out = Vec::new();
        let s = words.len() + {
            yield_!(100);
            2
        };
        out.push({
            yield_!(s);
            s * 2
        });
        let mut i = 0;
        while {
            yield_!(200 + i);
            i < words.len()
        } {
            i += 1;
        }
        if let Some(w) = {
            yield_!(300);
            words.first()
        } {
            yield_!(w.len() + out[0]);
        }
    },
    run: inside(vec!["ab", "c"]),
}

gen_differential! {
    /// `ref` bindings and slice patterns borrowing a stored local across
    /// yields; a mutable iteration that writes between yields.
    name: borrows_of_locals_across_yields,
    items: {},
    gen: fn borrowing(v: Vec<u32>, o: Option<String>) -> impl Iterator<Item = u32> {
        let mut v = v;
        if let Some(ref s) = o {
            yield_!(s.len() as u32);
            yield_!(s.len() as u32 + 1);
        }
        for x in v.iter_mut() {
            *x += 1;
            yield_!(*x);
        }
        match &v[..] {
            [first, rest @ ..] => {
                yield_!(*first);
                for r in rest {
                    yield_!(*r * 10);
                }
            }
            [] => yield_!(0),
        }
        drop(o);
        yield_!(v.iter().sum());
    },
    run: borrowing(vec![1, 2, 3], Some("hey".into())),
}

gen_differential! {
    /// A parameter that is a borrowed slice, an item computed from it.
    name: borrowed_parameter,
    items: {},
    gen: fn windows(v: &'static [u32]) -> impl Iterator<Item = u32> {
        for w in v.windows(2) {
            let _d = D("w");
            yield_!(w[1] - w[0]);
        }
    },
    run: windows(&[1, 4, 9, 16]),
}

gen_differential! {
    /// Temporaries in a `match` scrutinee and an `if let` that live across
    /// yields in the arms (edition 2024 rules for `if let`).
    name: scrutinee_temporaries_across_yields,
    items: {
        pub struct Holder(pub D, pub Option<u32>);
        impl Holder {
            pub fn get(&self) -> Option<u32> { self.1 }
        }
    },
    gen: fn temps(n: u32) -> impl Iterator<Item = u32> {
        match Holder(D("scrutinee"), Some(n)).get() {
            Some(x) => {
                yield_!(x);
                yield_!(x + 1);
            }
            None => {}
        }
        if let Some(x) = Holder(D("if-let"), Some(n * 2)).get() {
            yield_!(x);
        } else {
            yield_!(0);
        }
        log("after");
    },
    run: temps(5),
}

gen_differential! {
    /// `mem::take`/`replace` and `Option::take` on kept locals between
    /// yields, with the replaced values dropped where rustc drops them.
    name: take_and_replace,
    items: {},
    gen: fn swapping() -> impl Iterator<Item = &'static str> {
        let mut cur = Some(D("one"));
        let mut slot = D("slot-a");
        yield_!(cur.as_ref().map_or("-", |d| d.0));
        let old = std::mem::replace(&mut slot, D("slot-b"));
        yield_!(old.0);
        let taken = cur.take();
        yield_!(slot.0);
        cur = Some(D("two"));
        yield_!(taken.map_or("-", |d| d.0));
        slot = D("slot-c");
        yield_!(slot.0);
        drop(cur);
    },
    run: swapping(),
}

gen_differential! {
    /// A stream that yields inside a `for` over a `Vec` it owns, awaits
    /// with a borrowed argument, and breaks from a labeled block.
    name: stream_labeled_block_and_borrowed_await,
    items: {
        pub async fn measure(s: &str) -> usize {
            pend(1, ()).await;
            s.len()
        }
    },
    gen: fn lengths(words: Vec<String>) -> impl Stream<Item = usize> {
        let _d = D("stream");
        for w in words {
            let n = 'check: {
                if w.is_empty() {
                    break 'check 0;
                }
                let n = measure(&w).await;
                yield_!(n);
                n * 2
            };
            yield_!(n);
        }
    },
    run: lengths(vec!["ab".into(), String::new(), "xyz".into()]),
}

gen_differential! {
    /// A local yielded in one branch only: a drop flag decides whether the
    /// generator still drops it.
    name: conditionally_yielded_local,
    items: {},
    gen: fn maybe(flags: Vec<bool>) -> impl Iterator<Item = Tok> {
        let names = ["a", "b", "c"];
        for (i, give) in flags.into_iter().enumerate() {
            let t = Tok(names[i % 3]);
            if give {
                yield_!(t);
            } else {
                log("kept");
            }
            yield_!(Tok("sep"));
        }
    },
    run: maybe(vec![true, false, true]),
}

gen_differential! {
    /// A panic while a yielded expression's temporaries are alive, after
    /// some yields.
    name: panic_inside_a_yielded_expression,
    items: {
        pub fn checked(d: &D, n: usize) -> usize {
            assert!(n < 2, "too many: {} {n}", d.0);
            n
        }
    },
    gen: fn count(outer: D) -> impl Iterator<Item = usize> {
        for n in 0..3 {
            let _per = D("per");
            yield_!(checked(&D("tmp"), n));
        }
        log(outer.0);
    },
    run: count(D("outer")),
}

gen_differential! {
    /// `break` with a value out of a labeled block nested in a loop, with
    /// yields on both sides.
    name: labeled_block_break_value,
    items: {},
    gen: fn classify(v: Vec<i32>) -> impl Iterator<Item = &'static str> {
        for x in v {
            let kind = 'k: {
                if x < 0 {
                    yield_!("neg-seen");
                    break 'k "neg";
                }
                let _z = D("z");
                if x == 0 {
                    break 'k "zero";
                }
                yield_!("pos-seen");
                "pos"
            };
            yield_!(kind);
        }
    },
    run: classify(vec![-1, 0, 5]),
}

gen_differential! {
    /// A stream whose `if` condition awaits, with a value alive in each
    /// branch and an awaitee cancelled with the stream.
    name: stream_awaiting_condition_branches,
    items: {},
    gen: fn branches(n: u32) -> impl Stream<Item = u32> {
        for i in 0..n {
            if pend(1, i % 2 == 0).await {
                let _even = D("even");
                yield_!(pend(2, i).await);
            } else if pend(1, i > 2).await {
                yield_!(i * 100);
            } else {
                let _odd = D("odd");
                pend(1, ()).await;
            }
        }
    },
    run: branches(4),
}

gen_differential! {
    /// A yield inside a `match` guard, with the scrutinee's bindings alive
    /// across it.
    name: yield_in_a_match_guard,
    items: {},
    gen: fn guarded(v: Vec<(u32, &'static str)>) -> impl Iterator<Item = String> {
        for pair in v {
            match pair {
                (n, name) if {
                    yield_!(format!("test {name}"));
                    n > 1
                } => yield_!(format!("big {name}")),
                (_, name) => {
                    let _d = D(name);
                    yield_!(format!("small {name}"));
                }
            }
        }
    },
    run: guarded(vec![(2, "a"), (0, "b"), (5, "c")]),
}

gen_differential! {
    /// An `impl Trait` parameter iterated across yields.
    name: impl_trait_parameter,
    items: {},
    gen: fn doubled(input: impl IntoIterator<Item = u32>) -> impl Iterator<Item = u32> {
        let _g = D("g");
        for x in input {
            yield_!(x * 2);
        }
    },
    run: doubled(vec![1, 2, 3]),
}

gen_differential! {
    /// A stream that creates a future borrowing its own local, yields,
    /// then awaits that future: the future is kept (and dropped with the
    /// stream) across the yield.
    name: stream_future_created_before_a_yield,
    items: {
        pub async fn measure(s: &str) -> usize {
            pend(1, ()).await;
            s.len()
        }
    },
    gen: fn later(words: Vec<String>) -> impl Stream<Item = usize> {
        for w in words.iter() {
            let fut = measure(w);
            yield_!(0);
            yield_!(fut.await);
        }
        let tail = async {
            pend(1, ()).await;
            words.len()
        };
        yield_!(tail.await);
    },
    run: later(vec!["ab".into(), "cde".into()]),
}

gen_differential! {
    /// A yield in a `let .. else`'s diverging `else`, and in the value of a
    /// `match` arm whose scrutinee is a temporary with a destructor, kept
    /// across the yield. (A field of the temporary as the scrutinee,
    /// `match reply(..).1`, is the s4-3 gap of `tests/differential`: the
    /// arm may move the field out, and longhand drops the rest first.)
    name: yield_in_let_else_and_arm_values,
    items: {
        pub struct Reply(pub D, pub Option<u32>);
        impl Reply {
            pub fn get(&self) -> Option<u32> { self.1 }
        }
        pub fn reply(n: u32) -> Reply { Reply(D("reply"), n.is_multiple_of(2).then_some(n)) }
    },
    gen: fn replies(ns: Vec<u32>) -> impl Iterator<Item = u32> {
        for n in ns {
            let Some(v) = reply(n).1 else {
                yield_!(1000 + n);
                continue;
            };
            let w = match reply(v + 1).get() {
                Some(x) => x,
                None => {
                    yield_!(v);
                    v * 10
                }
            };
            yield_!(w);
        }
    },
    run: replies(vec![2, 3, 4]),
}

gen_differential! {
    /// A `return` from a nested block while a borrowing iterator over a
    /// local and values at three levels are alive.
    name: return_with_a_borrowing_iterator_alive,
    items: {},
    gen: fn first_big(v: Vec<u32>, limit: u32) -> impl Iterator<Item = u32> {
        let _top = D("top");
        let owned: Vec<u32> = v.iter().map(|x| x * 2).collect();
        let mut it = owned.iter();
        loop {
            let _lvl = D("lvl");
            let Some(x) = it.next() else { break };
            {
                let _inner = D("inner");
                if *x > limit {
                    yield_!(*x);
                    return;
                }
            }
            yield_!(0);
        }
        yield_!(u32::MAX);
    },
    run: first_big(vec![1, 5, 9], 8),
}

gen_differential! {
    /// A stream whose awaited future borrows the item it is about to
    /// yield, and a `while let` over a channel-like queue refilled between
    /// yields.
    name: stream_queue_refilled_between_yields,
    items: {
        pub async fn weigh(s: &str) -> usize {
            pend(1, ()).await;
            s.len()
        }
    },
    gen: fn drain(seed: Vec<&'static str>) -> impl Stream<Item = (String, usize)> {
        let mut queue: std::collections::VecDeque<String> = seed.iter().map(|s| s.to_string()).collect();
        let _q = D("queue");
        while let Some(s) = queue.pop_front() {
            let n = weigh(&s).await;
            if n > 2 {
                queue.push_back(s[1..].to_string());
            }
            yield_!((s, n));
        }
    },
    run: drain(vec!["abcd", "x"]),
}

gen_differential! {
    /// Locals a statement macro declares (`take!(a, b)` expands to two
    /// `let`s), kept across yields and dropped by the generator's drop after
    /// every number of steps.
    name: macro_declared_locals_across_yields,
    items: {
        macro_rules! take {
            ($a:ident, $b:ident) => {
                let $a = D("first");
                let $b = D("second");
            };
        }
    },
    gen: fn pairs(n: u32) -> impl Iterator<Item = u32> {
        take!(one, two);
        for i in 0..n {
            yield_!(i + one.0.len() as u32);
        }
        log(format!("end {} {}", one.0, two.0));
        yield_!(two.0.len() as u32);
    },
    run: pairs(2),
}

// Generic and method generators (#4: "generic and method generators").

gen_differential! {
    /// A generic generator (`T: Clone`): clones of a borrowed slice element
    /// yielded in turn, the owned argument dropped at the end or by the
    /// generator's drop.
    name: generic_generator_clones_items,
    items: {},
    gen: fn each_twice[T: Clone + std::fmt::Debug + 'static](list: Vec<T>, tag: D) -> impl Iterator<Item = T> {
        for x in list.iter() {
            yield_!(x.clone());
            log(format!("between {x:?}"));
            yield_!(x.clone());
        }
        log(format!("done {}", tag.0));
    },
    run: each_twice(vec!["a", "b"], D("tag")),
}

gen_differential! {
    /// A generic stream over an `impl Fn` argument, awaiting between items.
    name: generic_stream_maps_with_a_closure,
    items: {},
    gen: fn mapped[F: Fn(u32) -> u32 + 'static](n: u32, f: F) -> impl Stream<Item = u32> {
        let guard = D("guard");
        for i in 0..n {
            let v = pend(i % 2 + 1, f(i)).await;
            yield_!(v);
        }
        log(format!("end {}", guard.0));
    },
    run: mapped(3, |x| x * 10 + 1),
}

gen_differential! {
    /// A `&self` generator: a borrow of `self`'s field (`self.words.iter()`)
    /// kept across every yield, a local with a destructor beside it.
    name: method_generator_borrows_self,
    items: {
        pub struct Shelf(pub [&'static str; 3], pub D);
        pub static SHELF: Shelf = Shelf(["x", "yy", "zzz"], D("shelf"));
    },
    gen: impl Shelf {
        fn lengths(&self, skip: usize) -> impl Iterator<Item = usize> {
            let local = D("local");
            for w in self.0.iter().skip(skip) {
                log(format!("at {w} of {}", self.1.0));
                yield_!(w.len());
            }
            log(format!("end {}", local.0));
        }
    },
    run: SHELF.lengths(1),
}

gen_differential! {
    /// A `self` generator: the owner moved into the generator, its fields
    /// used across yields, dropped with the generator (after its locals).
    name: method_generator_consumes_self,
    items: {
        pub struct Queue(pub Vec<u32>, pub D);
    },
    gen: impl Queue {
        fn drain_all(self, tag: D) -> impl Iterator<Item = u32> {
            let Queue(items, owner) = self;
            for x in items {
                yield_!(x);
            }
            log(format!("drained {} {}", owner.0, tag.0));
        }
    },
    run: Queue(vec![4, 5], D("queue")).drain_all(D("tag")),
}

gen_differential! {
    /// A `self` stream that keeps `self` whole and awaits with a borrow of
    /// it held (`pend(.., self.0.len())`).
    name: method_stream_keeps_self_whole,
    items: {
        pub struct Feed(pub Vec<&'static str>, pub D);
    },
    gen: impl Feed {
        fn items(self) -> impl Stream<Item = String> {
            let mut i = 0;
            while i < self.0.len() {
                let n = pend(1, self.0[i].len()).await;
                yield_!(format!("{}:{n}", self.0[i]));
                i += 1;
            }
            log(format!("end {}", self.1.0));
        }
    },
    run: Feed(vec!["ab", "c"], D("feed")).items(),
}
