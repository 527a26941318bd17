//! Names used later than the statement being hoisted, for moving a local
//! into an operand temporary.
//!
//! rustc evaluates every by-value operand into a temporary, a plain local
//! too: in `take2(d, fetch().await)`, `d` has moved into a temporary of
//! the statement when it suspends, and a future dropped there drops it
//! with the statement's temporaries, before the locals declared after `d`.
//! Hoisting does the same (`match d { __tmp0 => take2(__tmp0, ..) }`), but
//! only for a local no code after it names: a `&mut` reference passed to a
//! `&mut` parameter is reborrowed, not moved, and stays usable, which a
//! temporary would break; without types the two look alike. "After" is the
//! rest of each enclosing block, the whole of each enclosing loop (bar the
//! names its own patterns bind afresh in each iteration), and a second
//! mention in the same statement, unless a later operand assigns to the
//! local (then it is no reborrowed reference, and the copy must come
//! first: `add(n, { n += 10; x }.await)`).

use proc_macro2::TokenStream;
use quote::ToTokens;
use std::collections::{HashMap, HashSet};
use syn::visit::Visit;

/// A stack of the names used after the code being visited, one set per
/// enclosing statement or loop.
#[derive(Default)]
pub(super) struct LaterUses {
    frames: Vec<HashSet<String>>,
}

impl LaterUses {
    /// Is `name` used after the code being visited?
    pub(super) fn named_later(&self, name: &str) -> bool {
        self.frames.iter().any(|f| f.contains(name))
    }

    /// For each statement of `b`, what is named after it there: the
    /// statements that follow, and names it mentions twice itself.
    pub(super) fn per_statement(b: &syn::Block) -> Vec<HashSet<String>> {
        let mut after = HashSet::new();
        let mut out: Vec<HashSet<String>> = b
            .stmts
            .iter()
            .rev()
            .map(|s| {
                let mut here = after.clone();
                let mut uses = Uses(HashMap::new());
                uses.visit_stmt(s);
                here.extend(uses.0.into_iter().filter(|(_, n)| *n > 1).map(|(k, _)| k));
                after.extend(counts(s.to_token_stream()).into_keys());
                here
            })
            .collect();
        out.reverse();
        out
    }

    /// What a loop names again on its next iteration: everything in it
    /// (`body`, a `while` condition) but the names its patterns bind.
    pub(super) fn of_loop(parts: &[&dyn ToTokens], body: &syn::Block) -> HashSet<String> {
        let mut bound = Bound(HashSet::new());
        bound.visit_block(body);
        let mut names: HashSet<String> = counts(body.to_token_stream()).into_keys().collect();
        for p in parts {
            names.extend(counts(p.to_token_stream()).into_keys());
        }
        names.retain(|n| !bound.0.contains(n));
        names
    }

    pub(super) fn push(&mut self, names: HashSet<String>) {
        self.frames.push(names);
    }

    pub(super) fn pop(&mut self) {
        self.frames.pop();
    }
}

/// Does `later` (an operand evaluated after a local's) assign to the local
/// `name` or borrow it mutably (`add(n, { n += 10; x }.await)`)? Then it is
/// not a reborrowed reference, and rustc's copy or move of it comes first,
/// whatever names it afterwards.
pub(super) fn changed_in(name: &str, later: &syn::Expr) -> bool {
    struct Changed<'a>(&'a str, bool);
    impl Visit<'_> for Changed<'_> {
        fn visit_expr(&mut self, e: &syn::Expr) {
            let target = match e {
                syn::Expr::Assign(a) => Some(&*a.left),
                syn::Expr::Binary(b) if crate::normalize::is_assign_op(&b.op) => Some(&*b.left),
                syn::Expr::Reference(r) if r.mutability.is_some() => Some(&*r.expr),
                _ => None,
            };
            if let Some(syn::Expr::Path(p)) = target
                && p.path.is_ident(self.0)
            {
                self.1 = true;
            }
            syn::visit::visit_expr(self, e);
        }
        fn visit_expr_closure(&mut self, _: &syn::ExprClosure) {}
        fn visit_expr_async(&mut self, _: &syn::ExprAsync) {}
    }
    let mut v = Changed(name, false);
    v.visit_expr(later);
    v.1
}

/// The names bound by patterns (and closure parameters) in what it visits.
struct Bound(HashSet<String>);

impl Visit<'_> for Bound {
    fn visit_pat(&mut self, p: &syn::Pat) {
        self.0.extend(crate::bindings::pattern_names(p));
    }
}

/// How many times each name is used as a value in what it visits: paths
/// of one name, and any name in a macro's tokens (a field's name in
/// `Job { tag: tag }` or a method's is not a use).
struct Uses(HashMap<String, usize>);

impl Visit<'_> for Uses {
    fn visit_expr_path(&mut self, p: &syn::ExprPath) {
        if let Some(i) = p.path.get_ident() {
            *self.0.entry(i.to_string()).or_default() += 1;
        }
    }
    fn visit_macro(&mut self, m: &syn::Macro) {
        for (name, n) in counts(m.tokens.clone()) {
            *self.0.entry(name).or_default() += n;
        }
    }
}

/// How many times each name occurs in `tokens`: identifiers, and the names
/// format strings capture (`"{d}"`).
fn counts(tokens: TokenStream) -> HashMap<String, usize> {
    let mut out = HashMap::new();
    crate::macro_args::each_token_name(&tokens, &mut |i| {
        *out.entry(i.to_string()).or_default() += 1
    });
    out
}
