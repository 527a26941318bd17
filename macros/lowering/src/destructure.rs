//! Destructuring assignments written out the way rustc lowers them.
//!
//! `(x, y) = (y, x)` means "evaluate the right side into fresh bindings,
//! then assign each place on the left, in order":
//!
//! ```text
//! { let (__lh_part0, __lh_part1) = (y, x); x = __lh_part0; y = __lh_part1; }
//! ```
//!
//! The pinning rewrite needs that form when a place on the left is a pinned
//! local: assigned as a whole it goes through `PinSlot::assign`, which knows
//! whether the slot still holds a value to drop. Written in place
//! (`(.., (*pin).value) = ..`) the assignment would drop a value that the
//! right side had just moved out.

use crate::names::numbered;
use quote::quote;
use syn::parse::Parser;
use syn::{Expr, ExprAssign, Pat, parse_quote};

/// Is `e` a destructuring pattern (not a single place) on the left of `=`?
pub fn is_destructuring(e: &Expr) -> bool {
    match e {
        Expr::Tuple(_) | Expr::Array(_) | Expr::Struct(_) => true,
        Expr::Call(c) => matches!(&*c.func, Expr::Path(_)),
        Expr::Paren(p) => is_destructuring(&p.expr),
        _ => false,
    }
}

/// The places a destructuring assignee assigns, left to right.
pub fn places(e: &Expr) -> Vec<&Expr> {
    let mut out = Vec::new();
    collect(e, &mut out);
    out
}

fn collect<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match e {
        Expr::Tuple(t) => t.elems.iter().for_each(|x| collect(x, out)),
        Expr::Array(a) => a.elems.iter().for_each(|x| collect(x, out)),
        Expr::Call(c) if matches!(&*c.func, Expr::Path(_)) => {
            c.args.iter().for_each(|x| collect(x, out))
        }
        Expr::Struct(s) => s.fields.iter().for_each(|f| collect(&f.expr, out)),
        Expr::Paren(p) => collect(&p.expr, out),
        Expr::Infer(_) => {}
        Expr::Range(r) if r.start.is_none() && r.end.is_none() => {}
        place => out.push(place),
    }
}

/// `{ let PAT = right; place0 = part0; .. }` for `a`, whose left side is a
/// destructuring pattern; `next` numbers the fresh bindings.
pub fn split(a: &ExprAssign, next: &mut usize) -> Option<Expr> {
    let mut assigns = Vec::new();
    let pat = pattern(&a.left, next, &mut assigns)?;
    let right = &a.right;
    let assigns = assigns
        .into_iter()
        .map(|(place, part)| quote!(#place = #part;));
    Some(parse_quote!({
        let #pat = #right;
        #(#assigns)*
    }))
}

/// The pattern that binds what `e` assigns, with a fresh binding for each
/// place (recorded in `assigns`).
fn pattern(e: &Expr, next: &mut usize, assigns: &mut Vec<(Expr, syn::Ident)>) -> Option<Pat> {
    let mut sub = |x: &Expr| pattern(x, next, assigns);
    let tokens = match e {
        Expr::Tuple(t) => {
            let elems = t.elems.iter().map(&mut sub).collect::<Option<Vec<_>>>()?;
            let comma = (elems.len() == 1).then(|| quote!(,));
            quote!((#(#elems),* #comma))
        }
        Expr::Array(a) => {
            let elems = a.elems.iter().map(&mut sub).collect::<Option<Vec<_>>>()?;
            quote!([#(#elems),*])
        }
        Expr::Call(c) => {
            let Expr::Path(path) = &*c.func else {
                return None;
            };
            let elems = c.args.iter().map(&mut sub).collect::<Option<Vec<_>>>()?;
            quote!(#path(#(#elems),*))
        }
        Expr::Struct(s) => {
            let path = &s.path;
            let mut fields = Vec::new();
            for f in &s.fields {
                let member = &f.member;
                let p = sub(&f.expr)?;
                fields.push(quote!(#member: #p));
            }
            let rest = s.dot2_token.map(|_| quote!(..));
            quote!(#path { #(#fields,)* #rest })
        }
        Expr::Paren(p) => return pattern(&p.expr, next, assigns),
        Expr::Infer(_) => quote!(_),
        Expr::Range(r) if r.start.is_none() && r.end.is_none() => quote!(..),
        place => {
            let part = numbered("__lh_part", next);
            assigns.push((place.clone(), part.clone()));
            quote!(#part)
        }
    };
    Pat::parse_single.parse2(tokens).ok()
}
