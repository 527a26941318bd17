use crate::{D, log, take_log};

#[longhand::generator]
fn up_down(list: Vec<i32>) -> impl Iterator<Item = i32> {
    let mut sum = 0;
    for x in list.iter() {
        sum += x;
        yield_!(sum);
    }
    for x in list.iter().rev() {
        sum -= x;
        yield_!(sum);
    }
}

/// The same sequence, written by hand with `std::iter::from_fn`.
fn up_down_by_hand(list: Vec<i32>) -> impl Iterator<Item = i32> {
    let mut i = 0;
    let mut sum = 0;
    std::iter::from_fn(move || {
        let n = list.len();
        if i < n {
            sum += list[i];
        } else if i < 2 * n {
            sum -= list[2 * n - 1 - i];
        } else {
            return None;
        }
        i += 1;
        Some(sum)
    })
}

#[test]
fn up_down_yields_the_running_sum_up_and_down() {
    assert_eq!(
        up_down(vec![1, 2, 3]).collect::<Vec<_>>(),
        [1, 3, 6, 3, 1, 0]
    );
    assert_eq!(
        up_down(vec![5, -2, 7, 1]).collect::<Vec<_>>(),
        up_down_by_hand(vec![5, -2, 7, 1]).collect::<Vec<_>>()
    );
    assert_eq!(up_down(vec![]).count(), 0);
}

#[test]
fn works_with_every_adapter() {
    let evens: Vec<i32> = up_down(vec![1, 2, 3, 4]).filter(|x| x % 2 == 0).collect();
    assert_eq!(
        evens,
        up_down_by_hand(vec![1, 2, 3, 4])
            .filter(|x| x % 2 == 0)
            .collect::<Vec<_>>()
    );
    let zipped: Vec<(i32, i32)> = up_down(vec![1, 2])
        .zip(up_down(vec![10, 20]).skip(1))
        .collect();
    let by_hand: Vec<(i32, i32)> = up_down_by_hand(vec![1, 2])
        .zip(up_down_by_hand(vec![10, 20]).skip(1))
        .collect();
    assert_eq!(zipped, by_hand);
    assert_eq!(zipped, [(1, 30), (3, 10), (1, 0)]);
    assert_eq!(up_down(vec![1, 2, 3]).max(), Some(6));
    let mut n = 0;
    for x in up_down(vec![2, 2]) {
        n += x;
    }
    assert_eq!(n, 2 + 4 + 2);
}

#[longhand::generator]
fn lazy(tag: &'static str) -> impl Iterator<Item = u32> {
    log(format!("started {tag}"));
    yield_!(1);
    log("after 1");
    yield_!(2);
}

#[test]
fn nothing_runs_before_the_first_next_and_it_is_fused() {
    let _ = take_log();
    let mut g = lazy("a");
    assert!(take_log().is_empty(), "a generator is lazy");
    assert_eq!(g.next(), Some(1));
    assert_eq!(take_log(), ["started a"]);
    assert_eq!(g.next(), Some(2));
    assert_eq!(g.next(), None);
    assert_eq!(g.next(), None, "fused: still None after the end");
    assert_eq!(take_log(), ["after 1"]);
}

#[longhand::generator]
fn early_return(limit: u32) -> impl Iterator<Item = u32> {
    let mut i = 0;
    loop {
        if i == limit {
            return;
        }
        yield_!(i);
        i += 1;
    }
}

#[test]
fn return_ends_the_generator() {
    assert_eq!(early_return(3).collect::<Vec<_>>(), [0, 1, 2]);
    let mut g = early_return(0);
    assert_eq!((g.next(), g.next()), (None, None));
}

#[longhand::generator]
fn grid(rows: u32, cols: u32) -> impl Iterator<Item = (u32, u32)> {
    'rows: for r in 0..rows {
        for c in 0..cols {
            if c > r {
                continue 'rows;
            }
            if r == 3 {
                break 'rows;
            }
            yield_!((r, c));
        }
    }
}

#[test]
fn labeled_break_and_continue_around_yields() {
    let expected: Vec<(u32, u32)> = (0..3).flat_map(|r| (0..=r).map(move |c| (r, c))).collect();
    assert_eq!(grid(5, 5).collect::<Vec<_>>(), expected);
}

#[longhand::generator]
fn classify(words: Vec<&'static str>) -> impl Iterator<Item = String> {
    for w in words {
        match w.len() {
            0 => continue,
            1 => yield_!(format!("letter {w}")),
            n if n > 5 => {
                yield_!(format!("long {w}"));
                yield_!(format!("({n} letters)"));
            }
            _ => yield_!(w.to_uppercase()),
        }
    }
}

#[test]
fn match_arms_with_yields() {
    let out: Vec<String> = classify(vec!["a", "", "hello", "longhand"]).collect();
    assert_eq!(out, ["letter a", "HELLO", "long longhand", "(8 letters)"]);
}

struct Tree {
    value: u32,
    children: Vec<Tree>,
}

impl Tree {
    #[longhand::generator]
    fn values(&self) -> impl Iterator<Item = u32> + '_ {
        yield_!(self.value);
        for child in self.children.iter() {
            // Recursion needs indirection, as for any `impl Trait`.
            let inner: Box<dyn Iterator<Item = u32> + '_> = Box::new(child.values());
            for v in inner {
                yield_!(v);
            }
        }
    }
}

#[longhand::generator]
fn pairs<T: Clone>(items: Vec<T>) -> impl Iterator<Item = (T, T)> {
    for (i, a) in items.iter().enumerate() {
        for b in items[i + 1..].iter() {
            yield_!((a.clone(), b.clone()));
        }
    }
}

#[test]
fn methods_and_generics() {
    let t = Tree {
        value: 1,
        children: vec![
            Tree {
                value: 2,
                children: vec![Tree {
                    value: 3,
                    children: vec![],
                }],
            },
            Tree {
                value: 4,
                children: vec![],
            },
        ],
    };
    assert_eq!(t.values().collect::<Vec<_>>(), [1, 2, 3, 4]);
    assert_eq!(
        pairs(vec!['a', 'b', 'c']).collect::<Vec<_>>(),
        [('a', 'b'), ('a', 'c'), ('b', 'c')]
    );
    // Items that borrow a local: the generic generator does not ask for
    // `T: 'static`, though it borrows its own `items` across yields.
    let local = String::from("x");
    assert_eq!(
        pairs(vec![local.as_str(), "y"]).collect::<Vec<_>>(),
        [("x", "y")]
    );
}

#[longhand::generator]
fn scoped(n: u32) -> impl Iterator<Item = u32> {
    let _outer = D("outer");
    {
        let _block = D("block");
        yield_!(0);
    }
    log("block over");
    for i in 1..=n {
        let _each = D("each");
        yield_!(i);
    }
    let _tail = D("tail");
    yield_!(99);
}

#[test]
fn scope_ends_drop_between_yields() {
    let _ = take_log();
    let all: Vec<u32> = scoped(2).collect();
    assert_eq!(all, [0, 1, 2, 99]);
    assert_eq!(
        take_log(),
        [
            "drop block",
            "block over",
            "drop each",
            "drop each",
            "drop tail",
            "drop outer"
        ]
    );
}

#[test]
fn dropping_a_half_consumed_generator_drops_its_live_locals_in_reverse_order() {
    let _ = take_log();
    let mut g = scoped(3);
    assert_eq!(g.next(), Some(0));
    assert_eq!(g.next(), Some(1));
    log("dropping");
    drop(g);
    assert_eq!(
        take_log(),
        [
            "drop block",
            "block over",
            "dropping",
            "drop each",
            "drop outer"
        ]
    );
    // Before the first `next`, only the arguments exist.
    let g = scoped(1);
    drop(g);
    assert!(take_log().is_empty());
}

#[longhand::generator]
fn explodes(at: u32) -> impl Iterator<Item = u32> {
    let _guard = D("guard");
    for i in 0.. {
        if i == at {
            panic!("boom at {i}");
        }
        yield_!(i);
    }
}

#[test]
fn a_panic_poisons_the_generator() {
    let _ = take_log();
    let mut g = explodes(2);
    assert_eq!((g.next(), g.next()), (Some(0), Some(1)));
    let first = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.next()));
    assert!(first.is_err());
    assert_eq!(
        take_log(),
        ["drop guard"],
        "unwinding dropped the live local"
    );
    let again = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| g.next()));
    let msg = again.unwrap_err();
    let msg = msg.downcast_ref::<&str>().copied().unwrap_or_default();
    // rustc's own message for a `gen` block.
    assert_eq!(
        msg,
        "`gen fn` should just keep returning `None` after panicking"
    );
}
