//! Locals whose type their initializer gives, written out.
//!
//! A local that holds no value at a suspension point is not stored; where
//! the resumed code assigns it again it is declared anew, `let mut cur;`
//! (see `analysis`), with the type its `let` wrote, if any. rustc types the
//! local from its first initializer, and a later assignment coerces to that
//! type: `let mut cur = m;` (`m: &Outer`), then `cur = b;` with `b:
//! &Box<Outer>` derefs `b`. Declared anew without a type, `cur` would take
//! `&Box<Outer>` from the assignment. So a local initialised from a
//! parameter of shared-reference type, or from a string literal, gets that
//! type written on its `let` (`let mut cur: &Outer = m;`,
//! `let mut s: &str = "lit";`), which means the same.

use std::collections::HashMap;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Pat, Type};

/// Writes the type of each such local's `let` in `block`, whose first
/// statements bind the parameters (`let m: &Outer = __lh_arg0;`).
pub fn write(block: &mut syn::Block) {
    let mut declared: HashMap<String, usize> = HashMap::new();
    let mut params: HashMap<String, Type> = HashMap::new();
    for stmt in &block.stmts {
        if let syn::Stmt::Local(l) = stmt
            && let Pat::Type(t) = &l.pat
            && let Pat::Ident(p) = &*t.pat
            && matches!(&*t.ty, Type::Reference(r) if r.mutability.is_none())
            && !crate::signature::mentions_impl(&t.ty)
        {
            params.insert(p.ident.to_string(), (*t.ty).clone());
        }
    }
    // A name bound twice anywhere may not mean the parameter.
    struct Count<'a>(&'a mut HashMap<String, usize>);
    impl<'a> syn::visit::Visit<'a> for Count<'_> {
        fn visit_pat_ident(&mut self, p: &'a syn::PatIdent) {
            *self.0.entry(p.ident.to_string()).or_default() += 1;
            syn::visit::visit_pat_ident(self, p);
        }
    }
    syn::visit::Visit::visit_block(&mut Count(&mut declared), block);
    params.retain(|name, _| declared.get(name) == Some(&1));
    Write { params }.visit_block_mut(block);
}

struct Write {
    params: HashMap<String, Type>,
}

impl VisitMut for Write {
    fn visit_local_mut(&mut self, l: &mut syn::Local) {
        visit_mut::visit_local_mut(self, l);
        let Pat::Ident(p) = &l.pat else { return };
        if p.subpat.is_some() || p.by_ref.is_some() {
            return;
        }
        let Some(init) = &l.init else { return };
        let ty: Type = match &*init.expr {
            Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Str(_),
                ..
            }) => syn::parse_quote!(&str),
            Expr::Path(path) if path.qself.is_none() && path.path.segments.len() == 1 => {
                match self.params.get(&path.path.segments[0].ident.to_string()) {
                    Some(ty) => ty.clone(),
                    None => return,
                }
            }
            _ => return,
        };
        l.pat = Pat::Type(syn::PatType {
            attrs: Vec::new(),
            pat: Box::new(l.pat.clone()),
            colon_token: Default::default(),
            ty: Box::new(ty),
        });
    }
    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
