//! Normalisation: rewrite the body, without changing what it does, into a
//! shape the state machine can be cut from.
//!
//! 1. `self` becomes a hygienic local `__lh_self` (a closure cannot rebind `self`).
//!    A format string's implicit captures are written out as named arguments
//!    (`println!("{x}")` as `println!("{x}", x = x)`), and a struct
//!    literal's shorthand fields as `ids: ids`, so that they are uses. A
//!    local a statement macro may declare is bound again where longhand
//!    sees it (`macro_locals`).
//! 2. A `for` loop that suspends is desugared the way rustc desugars it
//!    (`match IntoIterator::into_iter(e) { mut iter => loop { match
//!    Iterator::next(&mut iter) { None => break, Some(p) => body } } }`), so
//!    that its iterator is an ordinary local that can be stored.
//! 3. Operands that rustc evaluates *before* an `.await` of the same
//!    expression are hoisted into `match` temporaries: `f(a(), b().await)`
//!    becomes `match a() { tmp => f(tmp, b().await) }`. The temporary is a
//!    binding like any other, stored across the await and dropped at the end
//!    of the `match`, i.e. of the statement, as rustc drops temporaries. Plain
//!    places (`x`, `self.items`, `&mut buf`) stay where they are: reading them
//!    later is unobservable, and hoisting them would turn an autoref or
//!    reborrow into a borrow held across the suspension. The operand of an
//!    `.await` is made await-free the same way. An operand that suspends on
//!    some paths only is hoisted too when a closure or `async` block follows
//!    it, so that a join point (step 5) can stand before the rest.
//! 4. Every binding gets an id tag; every `.await` gets its number.
//! 5. Where a closure or `async` block would be written out once per path
//!    reaching it, a join point is inserted and the points are numbered
//!    again (see `joins`).
//!
//! The steps' modules: `explicit` (1), `desugar_for` (2),
//! `borrowed_temporaries` and `hoist` (3, both reading operands through
//! `operand_shapes`), `tags` (4).

mod borrowed_temporaries;
mod desugar_for;
mod explicit;
mod hoist;
mod later_uses;
mod operand_shapes;
mod tags;

use crate::awaits::contains_await;
use crate::bindings::tag_pattern;
use borrowed_temporaries::NameBorrowedTemporaries;
use desugar_for::DesugarFor;
use explicit::{ExplicitCaptures, ExplicitFieldInits, MacroStmts, RenameSelf};
pub use explicit::{rename_self, self_ident};
use hoist::Hoist;
pub use operand_shapes::{inert, is_assign_op};
use proc_macro2::{Group, TokenStream, TokenTree};
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Stmt, parse_quote};
use tags::TagBindings;

/// Runs every normalisation step over the body (whose first statements
/// already bind the parameters). Returns the number of suspension points.
pub fn normalize(block: &mut syn::Block) -> usize {
    RenameSelf.visit_block_mut(block);
    ExplicitFieldInits.visit_block_mut(block);
    crate::async_blocks::inline(block);
    // (After inlining: an awaited `async` block's `pin!` is the body's own.)
    crate::pin_macros::write_out(block);
    ExplicitCaptures.visit_block_mut(block);
    crate::macro_locals::rebind(block);
    MacroStmts.visit_block_mut(block);
    DesugarFor { next: 0 }.visit_block_mut(block);
    NameBorrowedTemporaries { next: 0 }.visit_block_mut(block);
    Hoist {
        next: 0,
        mutable: Default::default(),
        later: Default::default(),
    }
    .visit_block_mut(block);
    crate::returning_macros::wrap(block);
    TagBindings { next: 0, nested: 0 }.visit_block_mut(block);
    let count = crate::awaits::number(block);
    if crate::joins::insert(block) {
        crate::awaits::number(block)
    } else {
        count
    }
}

/// Renames the bindings in `ids` (and every reference resolved to them, by
/// reference tag) to unique hidden names, so that a value that is shadowed
/// while still alive can still be named where it must be stored.
pub fn rename_shadowed(
    block: &mut syn::Block,
    renames: &std::collections::HashMap<usize, usize>,
    refs: &std::collections::HashMap<usize, usize>,
) {
    struct Rename<'a> {
        bindings: &'a std::collections::HashMap<usize, usize>,
        refs: &'a std::collections::HashMap<usize, usize>,
    }
    fn new_name(ident: &proc_macro2::Ident, id: usize) -> proc_macro2::Ident {
        crate::names::hidden_at(
            &format!(
                "__{}_{id}",
                ident
                    .to_string()
                    .trim_start_matches("r#")
                    .trim_start_matches('_')
            ),
            ident.span(),
        )
    }
    impl VisitMut for Rename<'_> {
        fn visit_pat_ident_mut(&mut self, p: &mut syn::PatIdent) {
            if let Some(id) = crate::bindings::tag_of(p)
                && self.bindings.contains_key(&id)
            {
                p.ident = new_name(&p.ident, id);
            }
            visit_mut::visit_pat_ident_mut(self, p);
        }
        fn visit_expr_path_mut(&mut self, e: &mut syn::ExprPath) {
            if let Some(k) = crate::bindings::ref_tag(&e.attrs)
                && let Some(id) = self.refs.get(&k)
                && self.bindings.contains_key(id)
            {
                let seg = &mut e.path.segments[0];
                seg.ident = new_name(&seg.ident, *id);
            }
        }
        fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
            visit_mut::visit_expr_closure_mut(self, c);
        }
        // A macro's expression arguments name the local like any other code
        // (`assert!(st == 7)` before `let st = x.await`).
        fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
            crate::macro_args::edit(m, |args| {
                args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
            });
        }
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            visit_mut::visit_expr_mut(self, e);
            crate::macro_aliases::give_back(e, |name, k| self.renamed(name, k));
        }
        fn visit_stmt_mut(&mut self, s: &mut Stmt) {
            crate::macro_aliases::give_back_stmt(s, |name, k| self.renamed(name, k));
            visit_mut::visit_stmt_mut(self, s);
        }
    }
    impl Rename<'_> {
        /// The new name of the binding a macro's use `k` of `name`
        /// resolved to, if it is renamed: a reference tagged `k`, so that
        /// later passes see it as that use.
        fn renamed(&self, name: &proc_macro2::Ident, k: usize) -> Option<Expr> {
            let id = self.refs.get(&k)?;
            self.bindings.contains_key(id).then(|| {
                let new = new_name(name, *id);
                let mut path: syn::ExprPath = parse_quote!(#new);
                crate::bindings::tag_ref(&mut path.attrs, k);
                Expr::Path(path)
            })
        }
    }
    Rename {
        bindings: renames,
        refs,
    }
    .visit_block_mut(block);
}

/// `let mut name = value;`: a temporary may be borrowed mutably
/// (`make().iter().next()`), as the value it names could be.
pub fn let_stmt(name: proc_macro2::Ident, value: Expr) -> Stmt {
    let mut s: Stmt = parse_quote!(let mut #name = (););
    if let Stmt::Local(l) = &mut s
        && let Some(init) = &mut l.init
    {
        *init.expr = value;
    }
    s
}
