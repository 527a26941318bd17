//! Destructured bindings that must stay in place get a plain `let`.
//!
//! A local that another kept value borrows across a suspension point is
//! pinned: it stays in a slot of its own instead of moving into the state.
//! Pinning rewrites a declaration `let x = init;`, which a destructuring
//! pattern is not (`let (keys, _) = pair;`, `Some(keys) => ..`,
//! `if let Some(keys) = ..`). Such a pattern's bindings are bound again, each
//! by a plain `let` right after the pattern, under the same names:
//!
//! ```text
//! let (keys, n) = pair;            let (keys, n) = pair;
//! let r = &keys;              ->   let keys = keys;
//!                                  let n = n;
//!                                  let r = &keys;
//! ```
//!
//! Moving a value into a new local is not observable, and every binding of
//! the pattern is bound again in the pattern's order, so the values are still
//! dropped in rustc's order (the last bound first). The pattern's own
//! bindings are then shadowed while alive, and the usual renaming
//! (`normalize::rename_shadowed`) gives them hidden names, together with
//! their uses in a guard or in the rest of a `let` chain.

use crate::bindings::{Binding, bindings_of, retag_pattern, set_tag, tag_number, tag_ref};
use std::collections::HashSet;
use syn::visit_mut::{self, VisitMut};
use syn::{Attribute, Expr, Pat, Stmt, parse_quote};

/// Binds again, with plain `let`s, the bindings of every pattern that binds
/// one of `ids`. Returns whether any pattern was found.
pub fn rebind(block: &mut syn::Block, ids: &HashSet<usize>) -> bool {
    let mut next = Numbers(0);
    syn::visit::Visit::visit_block(&mut next, block);
    let mut r = Rebind {
        ids,
        next: next.0 + 1,
        found: false,
    };
    r.visit_block_mut(block);
    r.found
}

struct Rebind<'a> {
    ids: &'a HashSet<usize>,
    /// The next free tag number (bindings and references share the series).
    next: usize,
    found: bool,
}

impl Rebind<'_> {
    /// The plain `let`s for `pat`'s bindings if it binds one of the ids,
    /// after giving the pattern's own bindings fresh ids: the new `let`s
    /// carry the old ones, so that what the analysis decided about a
    /// binding holds for its new declaration.
    fn lets_for(&mut self, pat: &mut Pat) -> Vec<Stmt> {
        let bound = bindings_of(pat);
        if !bound.iter().any(|b| self.ids.contains(&b.id)) {
            return Vec::new();
        }
        self.found = true;
        retag_pattern(pat, &mut self.next);
        bound.iter().map(|b| self.plain_let(b)).collect()
    }

    /// `let mut? x = x;`, the pattern tagged with the binding's id and the
    /// use with a fresh reference number.
    fn plain_let(&mut self, b: &Binding) -> Stmt {
        let id = b.id;
        let ident = &b.ident;
        let mutability = b.mutable.then(<syn::Token![mut]>::default);
        let k = self.next;
        self.next += 1;
        let mut path: syn::ExprPath = parse_quote!(#ident);
        tag_ref(&mut path.attrs, k);
        let mut stmt: Stmt = parse_quote!(let #mutability #ident = #path;);
        if let Stmt::Local(l) = &mut stmt
            && let Pat::Ident(p) = &mut l.pat
        {
            set_tag(p, id);
        }
        stmt
    }
}

impl VisitMut for Rebind<'_> {
    fn visit_block_mut(&mut self, b: &mut syn::Block) {
        let mut stmts = Vec::with_capacity(b.stmts.len());
        for mut s in std::mem::take(&mut b.stmts) {
            self.visit_stmt_mut(&mut s);
            let lets = match &mut s {
                Stmt::Local(l) => self.lets_for(&mut l.pat),
                _ => Vec::new(),
            };
            stmts.push(s);
            stmts.extend(lets);
        }
        b.stmts = stmts;
    }
    fn visit_arm_mut(&mut self, arm: &mut syn::Arm) {
        visit_mut::visit_arm_mut(self, arm);
        let lets = self.lets_for(&mut arm.pat);
        if !lets.is_empty() {
            prepend(&mut arm.body, lets);
        }
    }
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        visit_mut::visit_expr_mut(self, e);
        let (cond, body) = match e {
            Expr::If(i) => (&mut i.cond, &mut i.then_branch),
            Expr::While(w) => (&mut w.cond, &mut w.body),
            Expr::ForLoop(f) => {
                let lets = self.lets_for(&mut f.pat);
                f.body.stmts.splice(0..0, lets);
                return;
            }
            _ => return,
        };
        let mut lets = Vec::new();
        for pat in chain_patterns(cond) {
            lets.extend(self.lets_for(pat));
        }
        body.stmts.splice(0..0, lets);
    }
    // Closures and async blocks are not lowered: their bindings are not tagged.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The patterns of the `let`s in an `if`/`while` condition (`let` chains
/// included), in order.
fn chain_patterns(cond: &mut Expr) -> Vec<&mut Pat> {
    match cond {
        Expr::Let(l) => vec![&mut *l.pat],
        Expr::Binary(b) if matches!(b.op, syn::BinOp::And(_)) => {
            let mut pats = chain_patterns(&mut b.left);
            pats.extend(chain_patterns(&mut b.right));
            pats
        }
        Expr::Paren(p) => chain_patterns(&mut p.expr),
        _ => Vec::new(),
    }
}

/// Puts `lets` first in a match arm's body, in a block of its own if the body
/// is not one.
fn prepend(body: &mut Expr, lets: Vec<Stmt>) {
    if let Expr::Block(b) = body
        && b.attrs.is_empty()
        && b.label.is_none()
    {
        b.block.stmts.splice(0..0, lets);
        return;
    }
    let inner = std::mem::replace(body, parse_quote!(()));
    let mut block: syn::Block = parse_quote!({});
    block.stmts = lets;
    block.stmts.push(Stmt::Expr(inner, None));
    *body = Expr::Block(syn::ExprBlock {
        attrs: Vec::new(),
        label: None,
        block,
    });
}

/// The largest tag number in the body (binding ids, reference numbers and
/// the numbers of names a macro's tokens use share one series).
struct Numbers(usize);

impl Numbers {
    fn see(&mut self, attrs: &[Attribute]) {
        for name in ["__lh_bind", "__lh_ref"] {
            if let Some(n) = tag_number(attrs, name) {
                self.0 = self.0.max(n);
            }
        }
        for (_, k) in crate::macro_aliases::uses(attrs) {
            self.0 = self.0.max(k);
        }
    }
}

impl<'a> syn::visit::Visit<'a> for Numbers {
    fn visit_attribute(&mut self, a: &'a Attribute) {
        self.see(std::slice::from_ref(a));
    }
    fn visit_macro(&mut self, m: &'a syn::Macro) {
        // The arguments are parsed anew, so each is searched with a
        // visitor of its own lifetime.
        if let Some(args) = crate::macro_args::parse(m) {
            for a in &args.args {
                let mut inner = Numbers(self.0);
                syn::visit::Visit::visit_expr(&mut inner, a);
                self.0 = inner.0;
            }
        }
    }
}
