//! Kept rests: rustc types an `async fn` in source order, so an arm that
//! holds code after a block (the block sits in a loop that may end, or a
//! branch whose other side goes on) keeps the block's statements after its
//! suspension as dead, typed-only code, up to the first that a copy could
//! not type. These are `Finalize`'s helpers that decide how much is kept
//! and visit it.

use super::finalize::Finalize;
use super::*;

impl Finalize<'_> {
    /// Visits `b`'s statements, the first that always stops or leaves here
    /// being `stops`. Code after a block is in this arm for the blocks
    /// inside a statement before that one (it does not always stop), and
    /// for those inside it when it is for `b`. Statements after it, which
    /// `b` holds only when this arm keeps its rest (`kept`), never run:
    /// they are written dead, only typed.
    pub(super) fn visit_statements(&mut self, b: &mut Block, stops: Option<usize>, kept: bool) {
        let (keep, dead) = (self.keep_rest, self.dead);
        let unset = self.unset.len();
        for (j, s) in b.stmts.iter_mut().enumerate() {
            self.keep_rest = keep || stops != Some(j);
            self.dead = dead || (kept && stops.is_some_and(|k| j > k));
            self.visit_stmt_mut(s);
            self.unset.extend(unset_local(s).cloned());
        }
        (self.keep_rest, self.dead) = (keep, dead);
        self.unset.truncate(unset);
    }

    /// Runs `visit` on code that is dead here.
    pub(super) fn visit_dead(&mut self, visit: impl FnOnce(&mut Self)) {
        let dead = self.dead;
        self.dead = true;
        visit(self);
        self.dead = dead;
    }

    /// How much of the rest of `b`, after `stops` (its first statement
    /// that always stops or leaves here), this arm keeps (see
    /// `keep_rest`): the statements up to the returned index, the block
    /// being cut there (or not at all, at its end). `None`, cut after
    /// `stops`: when this arm holds nothing after the block, or `stops` is
    /// a `let` whose value leaves by itself (`return`, `break`: it may have
    /// been shaped for this arm, `let inner = { return .. };`) or is cut
    /// short, whose bindings, of type `!`, the rest could not use. The
    /// rest stops before a statement that writes a closure or an `async`
    /// block (that copy would be a type of its own, which inference could
    /// carry to a state's field: a `v.push(Box::new(move || ..))` here and
    /// in the next arm), or names a local declared `let y;` (see `unset`).
    pub(super) fn kept_rest(&self, b: &Block, stops: Option<usize>) -> Option<usize> {
        if !self.keep_rest {
            return None;
        }
        let Some(k) = stops else {
            return Some(b.stmts.len());
        };
        if let syn::Stmt::Local(l) = &b.stmts[k]
            && l.init.as_ref().is_some_and(|i| {
                crate::awaits::diverges_at(&i.expr, &|_| false) || self.cut_short(&i.expr)
            })
        {
            return None;
        }
        let mut unset: Vec<&Ident> = self.unset.iter().collect();
        unset.extend(b.stmts[..k].iter().filter_map(unset_local));
        let end = (k + 1..b.stmts.len())
            .find(|&j| {
                let s = &b.stmts[j];
                crate::joins::stmt_has_closure(s)
                    || (!unset.is_empty()
                        && crate::macro_args::token_names(&quote!(#s))
                            .iter()
                            .any(|n| unset.contains(&n)))
            })
            .unwrap_or(b.stmts.len());
        (end > k + 1 || end == b.stmts.len()).then_some(end)
    }

    /// The first statement of `b` that always stops or leaves here.
    pub(super) fn stops(&self, b: &Block) -> Option<usize> {
        b.stmts
            .iter()
            .position(|s| crate::awaits::stmt_diverges_at(s, &|a| self.stops_at(a)))
    }
}

/// The local `s` declares with neither a value nor a type (`let y;`).
fn unset_local(s: &syn::Stmt) -> Option<&Ident> {
    match s {
        syn::Stmt::Local(syn::Local {
            pat: syn::Pat::Ident(p),
            init: None,
            ..
        }) => Some(&p.ident),
        _ => None,
    }
}
