//! Stress round 17 for generators, against rustc's own coroutines (see
//! `oracle.rs`): yields inside `match` arms with guards and `@` bindings,
//! inside `while let` over borrowed iterators and slice patterns, after
//! `?`-like early returns, streams that await between yields, nested loops
//! with labelled `continue`, yielding borrowed-then-cloned data, edition
//! 2024 temporaries (`if let` scrutinees, block tails) beside yields, let
//! chains, closures and iterator chains around yields, `Rc<RefCell<..>>`
//! state shared with the caller, boxed recursive structures walked with
//! an explicit stack, and the shapes of this round's async gaps (`*b` out
//! of a `Box` local, a method on a field of a guard temporary).
// Shapes written on purpose, as real generator bodies are written.
#![allow(
    clippy::await_holding_refcell_ref,
    dead_code,
    unused_variables,
    unused_mut,
    unused_labels,
    unused_assignments,
    unreachable_code,
    clippy::single_match,
    clippy::never_loop,
    clippy::needless_return,
    clippy::while_let_loop,
    clippy::while_let_on_iterator,
    clippy::collapsible_if,
    clippy::collapsible_else_if,
    clippy::needless_range_loop,
    clippy::useless_vec,
    clippy::type_complexity,
    clippy::match_single_binding,
    clippy::redundant_pattern_matching,
    clippy::manual_is_multiple_of,
    clippy::explicit_counter_loop,
    clippy::comparison_chain,
    clippy::len_zero,
    clippy::needless_late_init,
    clippy::question_mark,
    clippy::let_and_return,
    clippy::manual_range_patterns,
    clippy::redundant_closure,
    clippy::vec_box,
    clippy::box_collection
)]

use crate::{D, log};
use std::cell::RefCell;
use std::collections::{BTreeMap, VecDeque};
use std::rc::Rc;

/// A guard-like temporary for scrutinees: logs its drop.
pub struct Tmp(pub D, pub u32);

impl Tmp {
    pub fn peek(&self) -> Option<u32> {
        (self.1 > 0).then_some(self.1)
    }
}

pub fn mk(n: &'static str, v: u32) -> Tmp {
    log(format!("mk {n}"));
    Tmp(D(n), v)
}

gen_differential! {
    /// Yields inside `match` arms with guards and `@` bindings over
    /// request sizes; a dropper per arm.
    name: match_arms_guards_and_at_bindings,
    items: {},
    gen: fn classify(sizes: Vec<u32>) -> impl Iterator<Item = String> {
        for s in sizes {
            match s {
                0 => continue,
                n @ 1..=9 if n % 2 == 0 => { let _e = D("even"); yield_!(format!("small even {n}")); }
                n @ 1..=9 => yield_!(format!("small {n}")),
                n if n > 100 => { let _b = D("big"); yield_!(format!("big {n}")); yield_!("split".into()); }
                n => yield_!(format!("mid {n}")),
            }
        }
    },
    run: classify(vec![0, 4, 3, 150, 42]),
}

gen_differential! {
    /// `while let` over a borrowed iterator of a local `Vec`, yielding
    /// cloned items, the vector read again after the loop.
    name: while_let_borrowed_iter_yields_clones,
    items: {},
    gen: fn names(v: Vec<String>) -> impl Iterator<Item = String> {
        let _g = D("g");
        let mut it = v.iter();
        while let Some(s) = it.next() {
            if s.starts_with('#') { continue; }
            yield_!(s.clone());
        }
        yield_!(format!("total {}", v.len()));
    },
    run: names(vec!["a".into(), "#b".into(), "c".into()]),
}

gen_differential! {
    /// Slice patterns walking a borrowed slice (`[a, b, rest @ ..]`),
    /// yielding pairs and a trailing single.
    name: slice_pattern_pairs_walk,
    items: {},
    gen: fn pairs(v: Vec<u32>) -> impl Iterator<Item = (u32, Option<u32>)> {
        let mut s = &v[..];
        loop {
            match s {
                [a, b, rest @ ..] => { yield_!((*a, Some(*b))); s = rest; }
                [a] => { yield_!((*a, None)); break; }
                [] => break,
            }
        }
    },
    run: pairs(vec![1, 2, 3, 4, 5]),
}

gen_differential! {
    /// An early `return` on a bad record (a `?`-like check), after some
    /// items, with droppers at two levels.
    name: early_return_on_bad_record,
    items: {},
    gen: fn parse(lines: Vec<&'static str>) -> impl Iterator<Item = Result<u32, String>> {
        let _file = D("file");
        for l in lines {
            let _line = D("line");
            let n = match l.parse::<u32>() {
                Ok(n) => n,
                Err(_) => { yield_!(Err(format!("bad {l}"))); return; }
            };
            yield_!(Ok(n));
        }
    },
    run: parse(vec!["1", "2", "x", "4"]),
}

gen_differential! {
    /// A stream awaiting between yields: a page fetched, items yielded,
    /// a cursor advanced, with a dropper for the session.
    name: paged_stream_awaits_between_yields,
    items: {},
    gen: fn pages(n: u32) -> impl Stream<Item = u32> {
        let _sess = D("sess");
        let mut cursor = 0;
        while cursor < n {
            let page: Vec<u32> = pend(1, (cursor..(cursor + 2).min(n)).collect()).await;
            for x in page { yield_!(x * 10); }
            cursor = pend(1, cursor + 2).await;
        }
    },
    run: pages(5),
}

gen_differential! {
    /// Nested loops with a labelled `continue` from the inner loop and a
    /// dropper in each body.
    name: nested_loops_labelled_continue,
    items: {},
    gen: fn grid(rows: Vec<Vec<i32>>) -> impl Iterator<Item = (usize, i32)> {
        'rows: for (r, row) in rows.iter().enumerate() {
            let _r = D("row");
            for &c in row {
                let _c = D("cell");
                if c < 0 { continue 'rows; }
                if c == 0 { continue; }
                yield_!((r, c));
            }
        }
    },
    run: grid(vec![vec![1, 0, 2], vec![3, -1, 4], vec![5]]),
}

gen_differential! {
    /// Yielding data borrowed from a `BTreeMap` local and cloned, the map
    /// mutated between yields.
    name: borrowed_map_values_cloned_and_mutated,
    items: {},
    gen: fn snapshot(keys: Vec<&'static str>) -> impl Iterator<Item = (String, u32)> {
        let mut m: BTreeMap<String, u32> = BTreeMap::new();
        for k in keys {
            *m.entry(k.to_string()).or_insert(0) += 1;
            let (name, n) = m.iter().next_back().unwrap();
            yield_!((name.clone(), *n));
        }
        let total: u32 = m.values().sum();
        yield_!(("total".into(), total));
    },
    run: snapshot(vec!["b", "a", "b", "c"]),
}

gen_differential! {
    /// `if let` on a temporary's method beside a yield: edition 2024 drops
    /// the temporary before the `else`, which yields too.
    name: if_let_temporary_dropped_before_else_yield,
    items: {},
    gen: fn probe(vs: Vec<u32>) -> impl Iterator<Item = u32> {
        for v in vs {
            if let Some(n) = mk("scrut", v).peek() {
                yield_!(n);
            } else {
                log("else");
                yield_!(0);
            }
        }
    },
    run: probe(vec![2, 0, 5]),
}

gen_differential! {
    /// A block's tail with a temporary guard beside a yield inside the
    /// block (edition 2024: the tail temporary drops before the block's
    /// locals).
    name: block_tail_temporary_after_yield,
    items: {},
    gen: fn steps(n: u32) -> impl Iterator<Item = u32> {
        for i in 0..n {
            let v = {
                let _inner = D("inner");
                yield_!(i);
                mk("tail", i + 1).peek().unwrap_or(0)
            };
            yield_!(v * 10);
        }
    },
    run: steps(2),
}

gen_differential! {
    /// Let chains over stream awaits and a parse, yielding only the lines
    /// that pass every part.
    name: let_chain_stream_filter,
    items: {},
    gen: fn good(lines: Vec<&'static str>) -> impl Stream<Item = u32> {
        for l in lines {
            if let Some(rest) = l.strip_prefix("n=")
                && let Ok(n) = pend(1, rest.parse::<u32>()).await
                && n % 2 == 0
            {
                let _ok = D("ok");
                yield_!(n);
            } else {
                log(format!("skip {l}"));
            }
        }
    },
    run: good(vec!["n=4", "x=2", "n=q", "n=3", "n=8"]),
}

gen_differential! {
    /// A `while` let chain over a borrowed deque and a budget, yielding
    /// cloned jobs.
    name: while_let_chain_budgeted_drain,
    items: {},
    gen: fn drain(jobs: Vec<&'static str>, budget: usize) -> impl Iterator<Item = String> {
        let mut q: VecDeque<String> = jobs.iter().map(|s| s.to_string()).collect();
        let mut spent = 0;
        while let Some(front) = q.front()
            && spent + front.len() <= budget
        {
            let j = q.pop_front().unwrap();
            spent += j.len();
            yield_!(j);
        }
        yield_!(format!("left {}", q.len()));
    },
    run: drain(vec!["ab", "cde", "fghij", "k"], 6),
}

gen_differential! {
    /// A closure built before a yield, capturing a local by reference, and
    /// called after it.
    name: closure_built_before_yield_called_after,
    items: {},
    gen: fn tags(prefix: String, n: u32) -> impl Iterator<Item = String> {
        let fmt = |i: u32| format!("{prefix}{i}");
        for i in 0..n {
            yield_!(fmt(i));
        }
        yield_!(prefix.clone());
    },
    run: tags("t".into(), 2),
}

gen_differential! {
    /// Iterator chains on a local `Vec` around yields: sorted by key,
    /// grouped, each group yielded as a collected `Vec`.
    name: sort_by_key_then_group_yields,
    items: {},
    gen: fn groups(v: Vec<(&'static str, u32)>) -> impl Iterator<Item = (String, Vec<u32>)> {
        let mut v = v;
        v.sort_by_key(|p| p.0);
        let mut i = 0;
        while i < v.len() {
            let k = v[i].0;
            let vals: Vec<u32> = v[i..].iter().take_while(|p| p.0 == k).map(|p| p.1).collect();
            i += vals.len();
            yield_!((k.to_string(), vals));
        }
    },
    run: groups(vec![("b", 1), ("a", 2), ("b", 3), ("c", 4), ("a", 5)]),
}

gen_differential! {
    /// Or-patterns binding the same name in every alternative, the arm
    /// yielding twice with a dropper alive.
    name: or_patterns_same_name_yield_twice,
    items: {
        pub enum Ev { Key(u32), Click(u32), Move(u32, u32), Quit }
    },
    gen: fn events(es: Vec<Ev>) -> impl Iterator<Item = u32> {
        for e in es {
            match e {
                Ev::Key(n) | Ev::Click(n) | Ev::Move(n, _) => {
                    let _d = D("ev");
                    yield_!(n);
                    yield_!(n + 100);
                }
                Ev::Quit => return,
            }
        }
    },
    run: events(vec![Ev::Key(1), Ev::Move(2, 9), Ev::Quit, Ev::Click(3)]),
}

gen_differential! {
    /// `Rc<RefCell<..>>` state shared with the caller: short borrows
    /// around yields, a counter bumped after each item.
    name: rc_refcell_short_borrows_around_yields,
    items: {},
    gen: fn counted(state: Rc<RefCell<Vec<u32>>>) -> impl Iterator<Item = usize> {
        for i in 0..3 {
            let n = state.borrow().len();
            yield_!(n);
            state.borrow_mut().push(i);
        }
    },
    run: counted(Rc::new(RefCell::new(vec![7]))),
}

gen_differential! {
    /// A boxed tree walked depth-first with an explicit stack of boxes,
    /// moving children out of each node.
    name: boxed_tree_walk_with_stack,
    items: {
        pub struct Node { pub v: u32, pub kids: Vec<Box<Node>>, pub _d: D }
    },
    gen: fn walk(root: Box<Node>) -> impl Iterator<Item = u32> {
        let mut stack = vec![root];
        while let Some(node) = stack.pop() {
            yield_!(node.v);
            let Node { kids, .. } = *node;
            for k in kids.into_iter().rev() { stack.push(k); }
        }
    },
    run: walk(Box::new(Node {
        v: 1,
        kids: vec![
            Box::new(Node { v: 2, kids: vec![], _d: D("n2") }),
            Box::new(Node { v: 3, kids: vec![], _d: D("n3") }),
        ],
        _d: D("n1"),
    })),
}

gen_differential! {
    /// A struct literal with `..base` built per item, a yielded field, and
    /// a `Copy` base reused.
    name: struct_update_per_item,
    items: {
        #[derive(Clone, Copy, Debug)]
        pub struct Cfg { pub id: u32, pub port: u16, pub tls: bool }
    },
    gen: fn cfgs(n: u32) -> impl Iterator<Item = String> {
        let base = Cfg { id: 0, port: 80, tls: false };
        for id in 1..=n {
            let c = Cfg { id, tls: id % 2 == 0, ..base };
            yield_!(format!("{c:?}"));
        }
        yield_!(format!("{base:?}"));
    },
    run: cfgs(2),
}

gen_differential! {
    /// `write!` into a `String` between yields; the buffer taken with
    /// `mem::take` per item.
    name: write_into_buffer_between_yields,
    items: {},
    gen: fn render(rows: Vec<(u32, &'static str)>) -> impl Iterator<Item = String> {
        use std::fmt::Write as _;
        let mut buf = String::new();
        for (id, name) in rows {
            write!(buf, "{id:>3}|{name}").unwrap();
            if id % 2 == 0 { writeln!(buf).unwrap(); }
            yield_!(std::mem::take(&mut buf));
        }
    },
    run: render(vec![(1, "a"), (2, "b")]),
}

gen_differential! {
    /// A stream whose `match` on an awaited tuple has guards over both,
    /// arms yielding.
    name: stream_match_tuple_of_awaits_guards,
    items: {},
    gen: fn cmp(pairs: Vec<(u32, u32)>) -> impl Stream<Item = String> {
        for (a, b) in pairs {
            match (pend(1, a).await, pend(1, b).await) {
                (x, y) if x > y => yield_!(format!("{x}>{y}")),
                (x, y) if x == y => { let _eq = D("eq"); yield_!("eq".into()); }
                (x, y) => yield_!(format!("{x}<{y}")),
            }
        }
    },
    run: cmp(vec![(2, 1), (3, 3), (0, 5)]),
}

gen_differential! {
    /// A labelled block broken from inside a loop, the block's value
    /// yielded, with droppers in both.
    name: labelled_block_value_yielded,
    items: {},
    gen: fn firsts(groups: Vec<Vec<u32>>) -> impl Iterator<Item = u32> {
        for g in groups {
            let v = 'found: {
                let _scan = D("scan");
                for x in &g {
                    if *x > 2 { break 'found *x; }
                    yield_!(*x);
                }
                0
            };
            yield_!(v * 100);
        }
    },
    run: firsts(vec![vec![1, 5, 2], vec![0, 1]]),
}

gen_differential! {
    /// A `ref mut` binding into a local struct, grown between yields, read
    /// through the struct after the loop.
    name: ref_mut_binding_grown_between_yields,
    items: {
        pub struct Acc { pub items: Vec<u32>, pub tag: D }
    },
    gen: fn acc(n: u32) -> impl Iterator<Item = usize> {
        let mut a = Acc { items: vec![], tag: D("acc") };
        let Acc { ref mut items, .. } = a;
        for i in 0..n {
            items.push(i);
            yield_!(items.len());
        }
        yield_!(a.items.iter().sum::<u32>() as usize);
    },
    run: acc(3),
}

gen_differential! {
    /// A stream folding awaited amounts into a `Cell` counter shared with
    /// a closure.
    name: stream_cell_counter_closure,
    items: {},
    gen: fn totals(xs: Vec<u32>) -> impl Stream<Item = u32> {
        let total = std::cell::Cell::new(0u32);
        let add = |n: u32| total.set(total.get() + n);
        for x in xs {
            add(pend(1, x).await);
            yield_!(total.get());
        }
    },
    run: totals(vec![1, 2, 3]),
}

gen_differential! {
    /// `Option::take`/`replace` on a pending slot between yields.
    name: option_take_replace_slot_between_yields,
    items: {},
    gen: fn slots(xs: Vec<&'static str>) -> impl Iterator<Item = String> {
        let mut pending: Option<D> = None;
        for x in xs {
            if let Some(old) = pending.replace(D(x)) {
                yield_!(format!("flush {}", old.0));
            }
        }
        if let Some(last) = pending.take() {
            yield_!(format!("last {}", last.0));
        }
    },
    run: slots(vec!["a", "b", "c"]),
}

gen_differential! {
    /// A generator method over `&self` whose `while let` walks a borrowed
    /// `iter()` of a field, yielding cloned names that pass a guard.
    name: method_while_let_over_field_iter,
    items: {
        pub struct Team { pub members: Vec<(String, u32)>, pub _d: D }
        pub static TEAM: std::sync::LazyLock<Team> = std::sync::LazyLock::new(|| Team {
            members: vec![("ann".into(), 5), ("bob".into(), 0), ("cy".into(), 9)],
            _d: D("team"),
        });
    },
    gen: impl Team {
        fn seniors(&self, min: u32) -> impl Iterator<Item = String> {
            let mut it = self.members.iter();
            while let Some((name, years)) = it.next() {
                match *years {
                    y if y >= min => yield_!(name.clone()),
                    0 => log(format!("new {name}")),
                    _ => {}
                }
            }
        }
    },
    run: TEAM.seniors(3),
}

gen_differential! {
    /// An array of droppers from a call destructured with `..`, items
    /// yielded, the middle dropped at the end of the `let`.
    name: array_pattern_rest_of_temporary,
    items: {},
    gen: fn ends() -> impl Iterator<Item = &'static str> {
        let [a, .., c] = [D("x0"), D("x1"), D("x2")];
        log("bound");
        yield_!(a.0);
        yield_!(c.0);
    },
    run: ends(),
}

gen_differential! {
/// s17-1 in a stream: a `Box` local moved out of by deref in an
/// awaiting statement.
name: stream_box_deref_move_in_await,
items: {},
gen: fn unbox(o: Option<Box<String>>) -> impl Stream<Item = usize> {
    if let Some(b) = o {
        let s = pend(1, *b).await;
        yield_!(s.len());
    }
},
run: unbox(Some(Box::new("abc".to_string()))),
}

gen_differential! {
/// s17-1 in an iterator: a `Box` local moved out of before a yield.
name: iterator_box_deref_move_before_yield,
items: {},
gen: fn unbox(v: Vec<Box<String>>) -> impl Iterator<Item = String> {
    for b in v {
        let s = *b;
        yield_!(s);
    }
},
run: unbox(vec![Box::new("a".to_string()), Box::new("bc".to_string())]),
}

gen_differential! {
/// s17-2 in a stream: a method on a field of a `RefMut` temporary with
/// an awaited argument.
name: stream_method_on_field_of_refmut_awaited_arg,
items: {
    pub struct St { pub buf: Vec<u32> }
},
gen: fn fill(st: Rc<RefCell<St>>) -> impl Stream<Item = usize> {
    for i in 0..2 {
        st.borrow_mut().buf.push(pend(1, i).await);
        yield_!(st.borrow().buf.len());
    }
},
run: fill(Rc::new(RefCell::new(St { buf: vec![] }))),
}

gen_differential! {
    /// A stream with an early `return` from a `match` on an awaited
    /// `Result` inside a loop, the error yielded first.
    name: stream_early_return_after_error_item,
    items: {},
    gen: fn fetch_all(ids: Vec<u32>) -> impl Stream<Item = Result<u32, String>> {
        let _conn = D("conn");
        for id in ids {
            let _req = D("req");
            let r = pend(1, if id == 3 { Err(format!("bad {id}")) } else { Ok(id * 2) }).await;
            match r {
                Ok(v) => yield_!(Ok(v)),
                Err(e) => { yield_!(Err(e)); return; }
            }
        }
    },
    run: fetch_all(vec![1, 2, 3, 4]),
}

gen_differential! {
    /// A generic generator over `T: Clone + Debug`, yielding borrowed
    /// items cloned and the debug form of a window.
    name: generic_clone_window_yields,
    items: {},
    gen: fn dup[T: Clone + std::fmt::Debug + 'static](v: Vec<T>) -> impl Iterator<Item = String> {
        for w in v.windows(2) {
            let [a, b] = w else { continue };
            yield_!(format!("{:?}", (a.clone(), b.clone())));
        }
    },
    run: dup(vec![1u8, 2, 3]),
}
