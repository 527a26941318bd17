//! Generators shaped like library code, each compared against a
//! hand-written iterator (outputs, and drop logs when dropped mid-way).

use crate::{D, log, take_log};
use futures::StreamExt;
use longhand::Stream;

#[longhand::generator]
fn tokens(input: &str) -> impl Iterator<Item = &str> + '_ {
    let mut rest = input;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return;
        }
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (tok, tail) = rest.split_at(end);
        yield_!(tok);
        rest = tail;
    }
}

#[test]
fn tokenizer_matches_split_whitespace() {
    for s in ["a bb  ccc ", "", "   ", "x", " lead trail  "] {
        assert_eq!(
            tokens(s).collect::<Vec<_>>(),
            s.split_whitespace().collect::<Vec<_>>()
        );
    }
}

#[longhand::generator]
fn rle(s: &str) -> impl Iterator<Item = (char, usize)> + '_ {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let mut n = 1;
        while chars.peek() == Some(&c) {
            chars.next();
            n += 1;
        }
        yield_!((c, n));
    }
}

fn rle_by_hand(s: &str) -> Vec<(char, usize)> {
    let mut out: Vec<(char, usize)> = Vec::new();
    for c in s.chars() {
        match out.last_mut() {
            Some((p, n)) if *p == c => *n += 1,
            _ => out.push((c, 1)),
        }
    }
    out
}

#[test]
fn run_length_encoder() {
    for s in ["aaabccdddd", "", "x", "abab"] {
        assert_eq!(rle(s).collect::<Vec<_>>(), rle_by_hand(s));
    }
}

struct Node {
    v: u32,
    kids: Vec<Node>,
}

#[longhand::generator]
fn dfs(root: &Node) -> impl Iterator<Item = u32> + '_ {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        yield_!(n.v);
        for k in n.kids.iter().rev() {
            stack.push(k);
        }
    }
}

fn dfs_by_hand(root: &Node, out: &mut Vec<u32>) {
    out.push(root.v);
    for k in &root.kids {
        dfs_by_hand(k, out);
    }
}

#[test]
fn tree_dfs_with_explicit_stack() {
    let leaf = |v| Node { v, kids: vec![] };
    let t = Node {
        v: 1,
        kids: vec![
            Node {
                v: 2,
                kids: vec![leaf(3), leaf(4)],
            },
            leaf(5),
            Node {
                v: 6,
                kids: vec![Node {
                    v: 7,
                    kids: vec![leaf(8)],
                }],
            },
        ],
    };
    let mut expect = vec![];
    dfs_by_hand(&t, &mut expect);
    assert_eq!(dfs(&t).collect::<Vec<_>>(), expect);
    assert_eq!(
        dfs(&t).skip(2).step_by(2).collect::<Vec<_>>(),
        expect
            .iter()
            .copied()
            .skip(2)
            .step_by(2)
            .collect::<Vec<_>>()
    );
}

#[longhand::generator]
fn keep_long(items: Vec<D>, min: usize) -> impl Iterator<Item = D> {
    let _g = D("gen-guard");
    for d in items {
        if d.0.len() >= min {
            yield_!(d);
        }
    }
    log("gen done");
}

struct KeepLongByHand {
    // Fields drop in order: the loop's iterator, then the guard (created on
    // the first `next`, as the generator is lazy).
    it: std::vec::IntoIter<D>,
    _g: Option<D>,
    min: usize,
    done: bool,
}
impl Iterator for KeepLongByHand {
    type Item = D;
    fn next(&mut self) -> Option<D> {
        if self.done {
            return None;
        }
        if self._g.is_none() {
            self._g = Some(D("gen-guard"));
        }
        for d in self.it.by_ref() {
            if d.0.len() >= self.min {
                return Some(d);
            }
        }
        self.done = true;
        log("gen done");
        self.it = Vec::new().into_iter();
        self._g = None;
        None
    }
}

fn items() -> Vec<D> {
    vec![D("aaa"), D("b"), D("cc"), D("dddd"), D("e")]
}

#[test]
fn owned_items_and_drop_order_when_dropped_midway() {
    for take in 0..5 {
        take_log();
        let mut g = keep_long(items(), 2);
        let mut got = vec![];
        for _ in 0..take {
            match g.next() {
                Some(d) => got.push(d.0),
                None => got.push("-"),
            }
        }
        log("-- drop");
        drop(g);
        let gen_log = take_log();
        let mut h = KeepLongByHand {
            _g: None,
            it: items().into_iter(),
            min: 2,
            done: false,
        };
        let mut got2 = vec![];
        for _ in 0..take {
            match h.next() {
                Some(d) => got2.push(d.0),
                None => got2.push("-"),
            }
        }
        log("-- drop");
        drop(h);
        let hand_log = take_log();
        assert_eq!(got, got2, "take {take}");
        assert_eq!(gen_log, hand_log, "take {take}");
    }
}

#[longhand::generator]
fn flat<'a>(
    rows: &'a [Vec<String>],
    skip_empty: bool,
) -> impl Iterator<Item = (usize, &'a str)> + 'a {
    'rows: for (i, row) in rows.iter().enumerate() {
        if skip_empty && row.is_empty() {
            continue;
        }
        for cell in row {
            if cell == "STOP" {
                break 'rows;
            }
            if cell.starts_with('#') {
                continue 'rows;
            }
            yield_!((i, cell.as_str()));
        }
    }
}

fn flat_by_hand(rows: &[Vec<String>]) -> Vec<(usize, &str)> {
    let mut out = vec![];
    'rows: for (i, row) in rows.iter().enumerate() {
        for cell in row {
            if cell == "STOP" {
                break 'rows;
            }
            if cell.starts_with('#') {
                continue 'rows;
            }
            out.push((i, cell.as_str()));
        }
    }
    out
}

#[test]
fn labeled_loops_over_borrowed_rows() {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let rows = vec![
        s(&["a", "b"]),
        s(&[]),
        s(&["c", "#x", "d"]),
        s(&["e", "STOP", "f"]),
        s(&["g"]),
    ];
    assert_eq!(flat(&rows, true).collect::<Vec<_>>(), flat_by_hand(&rows));
    assert_eq!(flat(&rows, false).collect::<Vec<_>>(), flat_by_hand(&rows));
    assert_eq!(
        flat(&rows, true).map(|(_, c)| c).collect::<String>(),
        "abce"
    );
}

#[longhand::generator]
fn windows_sum<T>(items: Vec<T>, w: usize) -> impl Iterator<Item = T>
where
    T: Copy + std::ops::Add<Output = T> + Default,
{
    if w == 0 {
        return;
    }
    for win in items.windows(w) {
        let mut acc = T::default();
        for x in win {
            acc = acc + *x;
        }
        yield_!(acc);
    }
}

#[test]
fn generic_windows() {
    let v = vec![1, 2, 3, 4, 5];
    assert_eq!(
        windows_sum(v.clone(), 2).collect::<Vec<_>>(),
        v.windows(2)
            .map(|w| w.iter().sum::<i32>())
            .collect::<Vec<_>>()
    );
    assert_eq!(
        windows_sum(vec![1.5, 2.5], 1).collect::<Vec<_>>(),
        [1.5, 2.5]
    );
    assert_eq!(windows_sum(v, 0).count(), 0);
    let folded: i32 = windows_sum(vec![1, 2, 3], 2).fold(0, |a, b| a * 10 + b);
    assert_eq!(folded, 35);
}

struct Pager {
    pages: Vec<Vec<u32>>,
}

impl Pager {
    #[longhand::generator]
    fn items(&self) -> impl Stream<Item = u32> + '_ {
        for (i, page) in self.pages.iter().enumerate() {
            let _p = D("page");
            let got = futures::future::ready(page.clone()).await;
            longhand::yield_now().await;
            for x in got {
                if x == 0 {
                    continue;
                }
                yield_!(x + i as u32 * 100);
            }
        }
    }
}

#[test]
fn paged_stream() {
    let p = Pager {
        pages: vec![vec![1, 0, 2], vec![], vec![3]],
    };
    take_log();
    let out: Vec<u32> = longhand::block_on(p.items().collect());
    let expect: Vec<u32> = p
        .pages
        .iter()
        .enumerate()
        .flat_map(|(i, pg)| {
            pg.iter()
                .filter(|x| **x != 0)
                .map(move |x| x + i as u32 * 100)
        })
        .collect();
    assert_eq!(out, expect);
    assert_eq!(take_log(), ["drop page", "drop page", "drop page"]);
    let first_two: Vec<u32> = longhand::block_on(p.items().take(2).collect());
    assert_eq!(first_two, [1, 2]);
    assert_eq!(take_log(), ["drop page"]);
}

/// Destructured loop bindings, one borrowed across the yields: the
/// lowering binds them again and pins the borrowed one.
#[longhand::generator]
fn labelled(groups: Vec<(D, Vec<u32>)>) -> impl Iterator<Item = String> {
    for (tag, values) in groups {
        for v in values.iter() {
            yield_!(format!("{}:{v}", tag.0));
        }
        log(format!("end {}", tag.0));
    }
}

/// `labelled` by hand: the current group (dropped first), then the rest.
struct LabelledByHand {
    current: Option<(D, Vec<u32>, usize)>,
    rest: std::vec::IntoIter<(D, Vec<u32>)>,
}

impl Iterator for LabelledByHand {
    type Item = String;
    fn next(&mut self) -> Option<String> {
        loop {
            if let Some((tag, values, i)) = &mut self.current {
                if let Some(v) = values.get(*i) {
                    *i += 1;
                    return Some(format!("{}:{v}", tag.0));
                }
                log(format!("end {}", tag.0));
                self.current = None;
            }
            let (tag, values) = self.rest.next()?;
            self.current = Some((tag, values, 0));
        }
    }
}

fn groups() -> Vec<(D, Vec<u32>)> {
    vec![(D("t1"), vec![1, 2]), (D("t2"), vec![]), (D("t3"), vec![3])]
}

#[test]
fn destructured_bindings_borrowed_across_yields() {
    for take in 0..6 {
        take_log();
        let mut g = labelled(groups());
        let got: Vec<Option<String>> = (0..take).map(|_| g.next()).collect();
        log("-- drop");
        drop(g);
        let gen_log = take_log();
        let mut h = LabelledByHand {
            current: None,
            rest: groups().into_iter(),
        };
        let want: Vec<Option<String>> = (0..take).map(|_| h.next()).collect();
        log("-- drop");
        drop(h);
        assert_eq!(got, want, "take {take}");
        assert_eq!(gen_log, take_log(), "take {take}");
    }
}
