//! The type of a local declared anew, carried from its first `let`.
//!
//! A local that holds no value at a suspension point is not stored; where
//! the resumed code assigns it again it is declared anew, `let mut r;` (see
//! `resume`). rustc types a local from its initializer, and later
//! assignments coerce to that type: after `let mut r = &*b;` (`r: &u32`),
//! `r = &b;` derefs the `&Box<u32>`; after `let mut n = k;` (`k: u8`),
//! `n = 250; n += 10;` overflows a `u8`. Declared anew without a type, `r`
//! would take `&Box<u32>` from the assignment (E0308 at the next use) and
//! `n` would be an `i32`.
//!
//! The type cannot be written (a macro does not know it), and the state
//! cannot carry it without storing something. So the poll closure declares
//! one empty carrier per such local, `let __lh_type7 = None;`, whose type
//! the closure's inference fixes:
//!
//! - after the local's own `let`, `type_witness(&__lh_type7, &r);` says the
//!   carrier holds the local's type;
//! - where it is declared anew, `let mut r; if false { r =
//!   typed_as(&__lh_type7); }` gives it that type before the user's
//!   assignment is checked, so the assignment coerces as rustc's does.
//!
//! The carrier only ever holds `None` and no borrow flows through it: the
//! witness borrows the local for the call only, and the dead assignment
//! reads nothing. (A `let` whose type is written, by the user or by
//! `typed_copies`, is declared anew with that type and needs no carrier.)

use crate::analysis::Liveness;
use crate::bindings::tag_of;
use crate::names::hidden;
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use std::collections::HashSet;
use syn::visit_mut::VisitMut;
use syn::{Block, Pat, Stmt, parse_quote};

/// The carrier of binding `id`'s type.
pub fn carrier(id: usize) -> Ident {
    hidden(&format!("__lh_type{id}"))
}

/// Adds a witness after the `let` of each local that is declared anew
/// somewhere and whose type only its initializer gives, and records, in
/// each suspension's `Keep`, the locals it declares anew that way.
pub fn carry(body: &mut Block, liveness: &mut Liveness) {
    let pinned: HashSet<usize> = liveness.pinned.iter().map(|b| b.id).collect();
    let wanted: HashSet<usize> = liveness
        .keep
        .iter()
        .flat_map(|k| k.redeclared.iter().copied())
        .filter(|id| !pinned.contains(id))
        .collect();
    if wanted.is_empty() {
        return;
    }
    let mut w = Witness {
        wanted,
        witnessed: HashSet::new(),
    };
    w.visit_block_mut(body);
    for keep in &mut liveness.keep {
        keep.typed_by_carrier = keep
            .redeclared
            .intersection(&w.witnessed)
            .copied()
            .collect();
    }
}

/// The carriers the poll closure declares, in a stable order.
pub fn declarations(liveness: &Liveness) -> TokenStream {
    let mut ids: Vec<usize> = liveness
        .keep
        .iter()
        .flat_map(|k| k.typed_by_carrier.iter().copied())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let carriers = ids.into_iter().map(carrier);
    quote!(#(let #carriers = ::core::option::Option::None;)*)
}

/// `let mut r;` declared anew, typed by its carrier.
pub fn redeclaration(id: usize, pat_ident: &Ident, mutability: Option<TokenStream>) -> Vec<Stmt> {
    let carrier = carrier(id);
    vec![
        parse_quote!(let #mutability #pat_ident;),
        parse_quote! {
            #[allow(unused_assignments)]
            if false {
                #pat_ident = ::longhand::__private::typed_as(&#carrier);
            }
        },
    ]
}

struct Witness {
    wanted: HashSet<usize>,
    witnessed: HashSet<usize>,
}

impl Witness {
    /// The binding `let x = init;` declares, when it is wanted.
    fn witnessed_by(&self, s: &Stmt) -> Option<(usize, Ident)> {
        let Stmt::Local(l) = s else { return None };
        let init = l.init.as_ref()?;
        if init.diverge.is_some() {
            return None;
        }
        let Pat::Ident(p) = &l.pat else { return None };
        if p.subpat.is_some() || p.by_ref.is_some() {
            return None;
        }
        let id = tag_of(p)?;
        self.wanted.contains(&id).then(|| (id, p.ident.clone()))
    }
}

impl VisitMut for Witness {
    fn visit_block_mut(&mut self, b: &mut Block) {
        let mut stmts = Vec::with_capacity(b.stmts.len());
        for mut s in std::mem::take(&mut b.stmts) {
            self.visit_stmt_mut(&mut s);
            let witness = self.witnessed_by(&s);
            stmts.push(s);
            if let Some((id, ident)) = witness {
                let carrier = carrier(id);
                stmts.push(parse_quote!(::longhand::__private::type_witness(&#carrier, &#ident);));
                self.witnessed.insert(id);
            }
        }
        b.stmts = stmts;
    }
    // Their locals are not the function's.
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
