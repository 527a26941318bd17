//! Releasing a pinned local once no suspension point is left in its scope.
//!
//! A pinned local lives in its slot and is reached through a reference
//! (`(*PinSlot::get(slot)).value`, see `pin`), so its fields cannot be moved
//! out one by one: `w.done` after `w.step().await` would be a move out of a
//! reference, E0507. rustc's own lowering allows it. Once the last statement
//! of the local's block that suspends is over, nothing needs the local in
//! place any more, provided nothing still in scope borrows it (a guard the
//! awaitee returned, a closure): then it is moved out of its slot into an
//! ordinary local, declared without a value next to the scope's guard so
//! that it drops where the pinned one would have, and the rest of the block
//! uses that one, fields and all:
//!
//! ```text
//! let __lh_pin7 = ..; let __lh_pinguard7 = ..; let mut __lh_rest7;
//! w.step().await;
//! __lh_rest7 = unsafe { PinSlot::take(__lh_slot0) };   // the slot is now empty
//! let done = __lh_rest7.done;                           // a partial move
//! ```
//!
//! Only done where the rest of the block takes a field by value (as far as
//! the text tells: a field neither borrowed, nor a method's receiver unless
//! the method is known to consume it, nor assigned), matches the local by a
//! pattern, or calls a method on the local itself (which may take `self` by
//! value: `tx.commit()`); elsewhere the local simply stays in its slot. Not
//! done for a
//! local that was moved or assigned as a whole before (its slot may be
//! empty on some paths: the slot's flag knows, the moved-out local would
//! not).

use crate::analysis::UseKind;
use crate::bindings::{bindings_of, ref_tag};
use crate::names::hidden;
use std::collections::{HashMap, HashSet};
use syn::visit::{self, Visit};
use syn::{Block, Expr, Stmt};

/// The ordinary local that pinned binding `id` moves into when released.
pub fn rest_ident(id: usize) -> proc_macro2::Ident {
    hidden(&format!("__lh_rest{id}"))
}

/// Is `pat` (a `let`'s pattern) such an ordinary local?
pub fn is_rest(pat: &syn::Pat) -> bool {
    matches!(pat, syn::Pat::Ident(p) if p.ident.to_string().strip_prefix("__lh_rest")
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit())))
}

/// What the pinning rewrite knows that the plan needs.
pub struct Context<'a> {
    pub slots: &'a HashMap<usize, usize>,
    pub refs: &'a HashMap<usize, (usize, UseKind)>,
    pub borrowers: &'a HashMap<usize, HashSet<usize>>,
    pub references: &'a HashSet<usize>,
    /// The bindings declared by the enclosing blocks' `let`s so far.
    pub in_scope: &'a [usize],
}

/// The pinned bindings block `b` declares that are released, each with the
/// index of the statement before which it is moved out of its slot.
pub fn plan(b: &Block, cx: &Context) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    for (d, s) in b.stmts.iter().enumerate() {
        let Some(id) = crate::pin::declared_binding(s).filter(|id| cx.slots.contains_key(id))
        else {
            continue;
        };
        let suspends = |s: &Stmt| {
            crate::awaits::stmt_contains_await_where(s, &|a| crate::awaits::await_id(a).is_some())
        };
        let Some(last) = (d + 1..b.stmts.len()).rfind(|&k| suspends(&b.stmts[k])) else {
            continue;
        };
        // Nothing in scope at the release may borrow it. A reference holds
        // nothing after its last use (`let r = &m; x.await; r.len(); m.0`):
        // the release waits for that.
        let none = HashSet::new();
        let by = cx.borrowers.get(&id).unwrap_or(&none);
        let names_reference = |s: &Stmt| {
            uses(std::slice::from_ref(s), cx.refs)
                .iter()
                .any(|(u, _)| by.contains(u) && cx.references.contains(u))
        };
        let at = (last + 1..b.stmts.len())
            .rfind(|&k| names_reference(&b.stmts[k]))
            .map_or(last + 1, |k| k + 1);
        let declared = b.stmts[..at].iter().flat_map(|s| match s {
            Stmt::Local(l) => bindings_of(&l.pat).into_iter().map(|b| b.id).collect(),
            _ => Vec::new(),
        });
        // Moved or assigned as a whole before the release, on some path:
        // the slot may be empty there.
        let whole = |kind: UseKind| matches!(kind, UseKind::Move | UseKind::Assign);
        if uses(&b.stmts[d + 1..at], cx.refs)
            .iter()
            .any(|&(u, kind)| u == id && whole(kind))
        {
            continue;
        }
        let held = cx
            .in_scope
            .iter()
            .copied()
            .chain(declared)
            .any(|b| by.contains(&b) && !cx.references.contains(&b));
        if !held && takes_field(&b.stmts[at..], id, cx.refs) {
            out.push((id, at));
        }
    }
    out
}

/// The pinned-ref uses in `stmts`: (binding, how).
fn uses(stmts: &[Stmt], refs: &HashMap<usize, (usize, UseKind)>) -> Vec<(usize, UseKind)> {
    struct Uses<'a>(&'a HashMap<usize, (usize, UseKind)>, Vec<(usize, UseKind)>);
    impl<'a> Visit<'a> for Uses<'_> {
        fn visit_expr_path(&mut self, p: &'a syn::ExprPath) {
            if let Some(u) = ref_tag(&p.attrs).and_then(|t| self.0.get(&t)) {
                self.1.push(*u);
            }
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            if let Some(args) = crate::macro_args::parse(m) {
                args.args.iter().for_each(|a| self.visit_expr(a));
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut u = Uses(refs, Vec::new());
    stmts.iter().for_each(|s| u.visit_stmt(s));
    u.1
}

/// Does a statement of `stmts` take a field of binding `id` by value, match
/// it by a pattern or call a method on it (as far as the text tells)?
fn takes_field(stmts: &[Stmt], id: usize, refs: &HashMap<usize, (usize, UseKind)>) -> bool {
    struct Find<'a> {
        id: usize,
        refs: &'a HashMap<usize, (usize, UseKind)>,
        found: bool,
    }
    impl Find<'_> {
        /// Is `e` the binding itself?
        fn is_it(&self, e: &Expr) -> bool {
            matches!(e, Expr::Path(p) if ref_tag(&p.attrs)
                .and_then(|t| self.refs.get(&t))
                .is_some_and(|(b, _)| *b == self.id))
        }
        /// Is `e` a field of the binding (`w.a`, `w.a.b`)?
        fn field_of(&self, e: &Expr) -> bool {
            let Expr::Field(f) = e else { return false };
            self.is_it(&f.base) || self.field_of(&f.base)
        }
        /// Visits what is inside a field chain used in place, not the chain.
        fn in_place(&mut self, e: &Expr) {
            match e {
                Expr::Field(f) if self.field_of(e) => self.in_place(&f.base),
                Expr::Field(_) => {}
                e => self.visit_expr(e),
            }
        }
    }
    impl<'a> Visit<'a> for Find<'_> {
        fn visit_expr(&mut self, e: &'a Expr) {
            if self.found {
                return;
            }
            match e {
                _ if self.field_of(e) => self.found = true,
                // A pattern may take parts of it (`if let Some((_, n)) = m`).
                Expr::Match(m) if self.is_it(&m.expr) => self.found = true,
                Expr::Let(l) if self.is_it(&l.expr) => self.found = true,
                Expr::Reference(r) => self.in_place(&r.expr),
                // A method may take it by value (`entry.insert(v)` on a
                // `VacantEntry`), which its type alone tells.
                Expr::MethodCall(m) if self.is_it(&m.receiver) => self.found = true,
                // A field moved by a method known to consume its receiver
                // (`c.buf.map(..)`, `job.payload.unwrap()`).
                Expr::MethodCall(m)
                    if self.field_of(&m.receiver)
                        && crate::analysis::method_consumes_receiver(m) =>
                {
                    self.found = true
                }
                Expr::MethodCall(m) => {
                    self.in_place(&m.receiver);
                    m.args.iter().for_each(|a| self.visit_expr(a));
                }
                Expr::Assign(a) => {
                    self.in_place(&a.left);
                    self.visit_expr(&a.right);
                }
                Expr::Binary(b) if crate::normalize::is_assign_op(&b.op) => {
                    self.in_place(&b.left);
                    self.visit_expr(&b.right);
                }
                e => visit::visit_expr(self, e),
            }
        }
        fn visit_local(&mut self, l: &'a syn::Local) {
            match &l.init {
                Some(init) if self.is_it(&init.expr) && !matches!(l.pat, syn::Pat::Ident(_)) => {
                    self.found = true
                }
                _ => visit::visit_local(self, l),
            }
        }
        fn visit_macro(&mut self, m: &'a syn::Macro) {
            if crate::macro_args::borrows_args(m) {
                return;
            }
            if let Some(args) = crate::macro_args::parse(m) {
                args.args.iter().for_each(|a| self.visit_expr(a));
            }
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    let mut f = Find {
        id,
        refs,
        found: false,
    };
    stmts.iter().for_each(|s| f.visit_stmt(s));
    f.found
}
