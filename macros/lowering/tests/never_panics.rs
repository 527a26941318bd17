//! The lowering never panics, whatever the body: bad input gets an error
//! for rustc to report, not a crash of the macro.
//!
//! A mutation test. The seeds are every `#[lh] async fn` of the
//! differential suite (over a thousand real bodies). Each round takes one,
//! changes one or two tokens at random (deletes one, doubles one, puts a
//! snippet such as `x.await`, `yield_!(1)`, `break` or `|| x.await` before
//! or in place of one, or writes `.await` after one) and lowers the result
//! under `catch_unwind`. Most mutants are not Rust and must come back as a
//! compile error; many still are (an `.await` more, a `break ::path` in a
//! let chain, a struct literal in a guard) and must lower. The random
//! generator is seeded, so a failure names the mutant and repeats
//! (`LONGHAND_MUTANTS=N` and `LONGHAND_MUTANT_SEED=S` run longer or
//! elsewhere).

use proc_macro2::{Delimiter, Group, Ident, Punct, Spacing, Span, TokenStream, TokenTree};
use std::panic;

/// The `#[..] async fn name(..) .. { .. }` items (attribute `lh` or one
/// naming `desugar`) in `ts`, at any depth.
fn collect(ts: TokenStream, out: &mut Vec<TokenStream>) {
    let v: Vec<TokenTree> = ts.into_iter().collect();
    for i in 0..v.len() {
        if let TokenTree::Group(g) = &v[i] {
            collect(g.stream(), out);
        }
        let TokenTree::Punct(p) = &v[i] else { continue };
        if p.as_char() != '#' || i + 3 >= v.len() {
            continue;
        }
        let (TokenTree::Group(attr), TokenTree::Ident(a), TokenTree::Ident(f)) =
            (&v[i + 1], &v[i + 2], &v[i + 3])
        else {
            continue;
        };
        let attr = attr.stream().to_string();
        if (attr == "lh" || attr.contains("desugar")) && a == "async" && f == "fn" {
            let body = (i + 4..v.len()).find(
                |&j| matches!(&v[j], TokenTree::Group(g) if g.delimiter() == Delimiter::Brace),
            );
            if let Some(j) = body {
                out.push(v[i + 2..=j].iter().cloned().collect());
            }
        }
    }
}

/// xorshift64: small, seeded, enough to pick tokens.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// The number of tokens in `ts`, groups' contents included.
fn count(ts: &TokenStream) -> usize {
    ts.clone()
        .into_iter()
        .map(|t| match &t {
            TokenTree::Group(g) => 1 + count(&g.stream()),
            _ => 1,
        })
        .sum()
}

const SNIPPETS: &[&str] = &[
    "x.await",
    "yield_!(1)",
    "return",
    "?",
    "break",
    "continue",
    "'a: loop {}",
    "match x { _ => y.await }",
    "async {}",
    "|| x.await",
    "&mut",
    "..",
    "if let Some(q) = r.await",
    "unsafe {}",
    "self",
    "Self",
    "mac!(a.await)",
    "{ }",
    ";",
    "=>",
    "::",
    "move",
    "ref mut",
    "@",
    "#[cfg(x)]",
    "dyn",
    "&&",
    "as u8",
    "S {}",
    "::core::u32::MAX",
];

/// `ts` with its `k`-th token (counted in preorder) changed by `op`.
fn mutate(ts: TokenStream, k: &mut isize, op: usize, rng: &mut Rng) -> TokenStream {
    let snippet = |rng: &mut Rng| -> TokenStream {
        SNIPPETS[rng.below(SNIPPETS.len())]
            .parse()
            .expect("snippet")
    };
    let mut out: Vec<TokenTree> = Vec::new();
    for t in ts {
        let here = *k == 0;
        *k -= 1;
        if here {
            match op {
                0 => {}
                1 => out.extend([t.clone(), t]),
                2 => {
                    out.extend(snippet(rng));
                    out.push(t);
                }
                3 => out.extend(snippet(rng)),
                _ => out.extend([
                    t,
                    TokenTree::Punct(Punct::new('.', Spacing::Alone)),
                    TokenTree::Ident(Ident::new("await", Span::call_site())),
                ]),
            }
            continue;
        }
        match t {
            TokenTree::Group(g) => {
                let mut group = Group::new(g.delimiter(), mutate(g.stream(), k, op, rng));
                group.set_span(g.span());
                out.push(TokenTree::Group(group));
            }
            t => out.push(t),
        }
    }
    out.into_iter().collect()
}

#[test]
fn mutated_bodies_never_make_the_lowering_panic() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/differential");
    let mut items = Vec::new();
    for entry in std::fs::read_dir(dir).expect("the differential cases") {
        let src = std::fs::read_to_string(entry.expect("a case file").path()).expect("utf-8");
        if let Ok(ts) = src.parse::<TokenStream>() {
            collect(ts, &mut items);
        }
    }
    assert!(items.len() > 1000, "found only {} bodies", items.len());
    let rounds: usize = std::env::var("LONGHAND_MUTANTS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(10_000);
    // A longer run by hand starts elsewhere: `LONGHAND_MUTANT_SEED=7`.
    let seed: u64 = std::env::var("LONGHAND_MUTANT_SEED")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0x9e37_79b9_7f4a_7c15);
    let mut rng = Rng(seed.max(1));
    let quiet = panic::take_hook();
    panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for _ in 0..rounds {
        let mut mutant = items[rng.below(items.len())].clone();
        for _ in 0..1 + rng.below(2) {
            let mut k = rng.below(count(&mutant)) as isize;
            let op = rng.below(5);
            mutant = mutate(mutant, &mut k, op, &mut rng);
        }
        let input = mutant.clone();
        let lowered = panic::catch_unwind(panic::AssertUnwindSafe(|| {
            longhand_lowering::desugar(TokenStream::new(), input)
        }));
        if let Err(payload) = lowered {
            let msg = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_default();
            failures.push(format!("{msg}\n  in: {mutant}"));
        }
    }
    panic::set_hook(quiet);
    assert!(
        failures.is_empty(),
        "{} of {rounds} mutants made the lowering panic; the first:\n{}",
        failures.len(),
        failures[0]
    );
}

/// Mutants this test (and longer runs of it) once found panicking, each
/// with the kind of code it stands for.
#[test]
fn mutants_that_once_panicked_lower() {
    let bodies = [
        // A labeled `break` whose value starts with `::`, in a let chain.
        "async fn f(v: Vec<Option<u32>>) -> u32 { loop { for i in v.iter() { \
         if let Some(d) = i && pend(1, *d).await > 1 { break ::core::primitive::u32::MAX; } } } }",
        // A `select!` handler that starts with a block.
        "async fn f() -> u32 { tokio::select! { v = pend(2, 1), if true => unsafe { g() } + v, } }",
        // A struct literal in a guard that awaits.
        "async fn f(x: Option<String>) -> usize { match x { Some(s) if L { n: 1 }.ok(&s).await => 1, _ => 0 } }",
        // `bail!` in an arm reached from two suspension points.
        "async fn f(n: u32) -> Result<u32, E> { let m = match pend(1, n).await + pend(1, n).await { \
         m if m < 10 => m, m => bail!(\"too big: {m}\"), }; Ok(m) }",
        // A destructuring `let` with its whole type written, around a join.
        "async fn f(c: bool, k: u32) -> u32 { let (b, e): (u32, D) = { if c { pend(1, ()).await; } \
         let g = async move { k }; (wrap(g).await, D::new(\"x\")) }; b + e.touch() as u32 }",
    ];
    for body in bodies {
        let item: TokenStream = body.parse().expect("a body");
        let lowered =
            panic::catch_unwind(|| longhand_lowering::desugar(TokenStream::new(), item.clone()))
                .unwrap_or_else(|_| panic!("the lowering panicked on {body}"));
        assert!(
            !lowered.to_string().contains("compile_error"),
            "{body} is Rust the lowering takes, yet it reported:\n{lowered}"
        );
    }
}
