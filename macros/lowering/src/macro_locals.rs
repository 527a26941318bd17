//! Locals a statement macro may declare.
//!
//! A macro called as a statement can declare locals in the caller's scope,
//! with names the caller passes in (`bind!(x = 5);`, `let_assert!(Some(n) =
//! o);`, both expanding to a `let`). longhand cannot expand a macro, so the
//! liveness analysis never sees such a local, and one used after a
//! suspension point would not be kept: the resumed code would not find it.
//!
//! Where a statement macro longhand does not know names an identifier that
//! no pattern of the function binds, and the same name is used after a later
//! suspension point of the same block, the local is taken over right after
//! the macro by a binding longhand can see: `bind!(x = 5); let mut x = x;`.
//! Moving a value into a new local of the same place is unobservable (its
//! destructor runs where the macro's would have: nothing was declared in
//! between). The new binding is `mut`, with `unused_mut` allowed, since the
//! macro's may have been.
//!
//! A name that the macro does not declare (a function or a constant named
//! in lower case, passed to the macro and used again after an await) would
//! be rebound too: harmless for a function, an error for a `static` (rustc
//! says a `let` cannot shadow it). Such names are rare, lower-case globals
//! go against rustc's naming lints, and without the rebinding the local
//! case cannot compile at all.

use crate::awaits::stmt_contains_await;
use proc_macro2::{Ident, TokenStream, TokenTree};
use std::collections::HashSet;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Block, Macro, Stmt, parse_quote};

/// Rebinds, after each statement macro, the locals it may declare that the
/// rest of its block uses after a suspension point.
pub fn rebind(block: &mut Block) {
    let bound = bound_names(block);
    Rebind { bound }.visit_block_mut(block);
}

struct Rebind {
    /// Every name a pattern of the function binds.
    bound: HashSet<String>,
}

impl VisitMut for Rebind {
    fn visit_block_mut(&mut self, b: &mut Block) {
        visit_mut::visit_block_mut(self, b);
        let mut i = 0;
        while i < b.stmts.len() {
            let names = match &b.stmts[i] {
                Stmt::Macro(m) if may_declare(&m.mac) => {
                    self.used_after_suspension(&m.mac.tokens, &b.stmts[i + 1..])
                }
                _ => Vec::new(),
            };
            for (k, name) in names.into_iter().enumerate() {
                let rebound: Stmt = parse_quote! {
                    #[allow(unused_mut)]
                    let mut #name = #name;
                };
                b.stmts.insert(i + 1 + k, rebound);
            }
            i += 1;
        }
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

impl Rebind {
    /// The names among a macro's tokens that no pattern binds and that
    /// `rest` uses after its first suspension point, in the macro's order.
    fn used_after_suspension(&self, tokens: &TokenStream, rest: &[Stmt]) -> Vec<Ident> {
        let Some(first) = rest.iter().position(stmt_contains_await) else {
            return Vec::new();
        };
        let used = names_used(&rest[first..]);
        let mut out: Vec<Ident> = Vec::new();
        for name in declarable_names(tokens) {
            let text = name.to_string();
            if !self.bound.contains(&text)
                && used.contains(&text)
                && !out.iter().any(|n| *n == text)
            {
                out.push(name);
            }
        }
        out
    }
}

/// Can this macro declare a local? Not one longhand knows (std's
/// formatting and assertion macros, `vec!`, `dbg!`, ...): those only
/// evaluate their arguments.
fn may_declare(mac: &Macro) -> bool {
    !crate::macro_args::evaluates_args_once(mac) && !crate::macro_args::never_evaluated(mac)
}

/// The identifiers of `tokens` that could be the name of a local the macro
/// declares: lower case or `_`-led, not a keyword, not a field or method
/// (`.x`), not part of a path (`a::b`), not a macro's name (`m!`).
pub(crate) fn declarable_names(tokens: &TokenStream) -> Vec<Ident> {
    let mut out = Vec::new();
    collect(tokens, &mut out);
    out
}

fn collect(tokens: &TokenStream, out: &mut Vec<Ident>) {
    let trees: Vec<TokenTree> = tokens.clone().into_iter().collect();
    for (i, tt) in trees.iter().enumerate() {
        match tt {
            TokenTree::Group(g) => collect(&g.stream(), out),
            TokenTree::Ident(id) => {
                let punct_at = |j: Option<usize>, c: char| {
                    j.and_then(|j| trees.get(j))
                        .is_some_and(|t| matches!(t, TokenTree::Punct(p) if p.as_char() == c))
                };
                let before = i.checked_sub(1);
                let after = Some(i + 1);
                let in_path = punct_at(before, ':') || punct_at(after, ':');
                let keyword =
                    syn::parse2::<syn::Ident>(TokenTree::Ident(id.clone()).into()).is_err();
                let text = id.to_string();
                if !keyword
                    && !in_path
                    && !punct_at(before, '.')
                    && !punct_at(after, '!')
                    && text.starts_with(|c: char| c.is_lowercase() || c == '_')
                    && text != "_"
                {
                    out.push(id.clone());
                }
            }
            _ => {}
        }
    }
}

/// Every name a pattern of `block` binds (see `BoundNames`).
pub(crate) fn bound_names(block: &Block) -> HashSet<String> {
    let mut bound = BoundNames::default();
    bound.visit_block(block);
    bound.0
}

/// Every name `stmts` use (see `UsedNames`).
pub(crate) fn names_used(stmts: &[Stmt]) -> HashSet<String> {
    let mut used = UsedNames::default();
    stmts.iter().for_each(|s| used.visit_stmt(s));
    used.0
}

/// Every name a pattern binds (parameters are bound by the body's first
/// statements), closures' and nested blocks' included.
#[derive(Default)]
struct BoundNames(HashSet<String>);

impl<'a> Visit<'a> for BoundNames {
    fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
        self.0.insert(p.ident.to_string());
        syn::visit::visit_pat_ident(self, p);
    }
    fn visit_item(&mut self, _: &'a syn::Item) {}
}

/// Every name used as a one-segment path, or among the tokens of a macro.
#[derive(Default)]
struct UsedNames(HashSet<String>);

impl<'a> Visit<'a> for UsedNames {
    fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
        if p.qself.is_none()
            && let Some(id) = p.path.get_ident()
        {
            self.0.insert(id.to_string());
        }
        syn::visit::visit_expr_path(self, p);
    }
    fn visit_macro(&mut self, m: &'a Macro) {
        for name in crate::macro_args::token_names(&m.tokens) {
            self.0.insert(name.to_string());
        }
    }
    fn visit_item(&mut self, _: &'a syn::Item) {}
}
