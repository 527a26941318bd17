//! Parameters: how each argument of the `async fn` enters the state machine.
//!
//! The outer function keeps its parameters (under hygienic names, so the
//! user's body can never refer to them directly) and moves them into
//! `Unresumed`. When first polled, the body rebinds them with `let`
//! statements, exactly as rustc's own lowering does: `let x = x;` for a plain
//! name, and `let __arg0 = __arg0; let (a, b) = __arg0;` for a pattern, which
//! gives parameters rustc's drop order (later parameters first, a pattern's
//! bindings before its unbound rest).

use crate::names::{hidden, hidden_at};
use proc_macro2::{Ident, TokenStream};
use quote::quote;
use syn::spanned::Spanned;
use syn::{Expr, FnArg, Pat, Stmt, parse_quote};

/// One parameter of the lowered function.
pub struct Param {
    /// Its field name in `Unresumed`.
    pub field: Ident,
    /// What the outer function passes into `Unresumed`.
    pub value: TokenStream,
    /// The hidden local it is taken out into on the first poll.
    pub taken: Ident,
    /// The `let` statements that bind it inside the body.
    pub prelude: Vec<Stmt>,
    /// The pin slot it waits in from the call on, when the body pins it
    /// (see `pin::rewrite`): then it is not a field of `Unresumed`.
    pub slot: Option<usize>,
}

/// Rewrites the signature's inputs in place and describes each parameter.
pub fn params(inputs: &mut syn::punctuated::Punctuated<FnArg, syn::Token![,]>) -> Vec<Param> {
    let mut out = Vec::new();
    for (k, arg) in inputs.iter_mut().enumerate() {
        let taken = hidden(&format!("__lh_arg{k}"));
        match arg {
            FnArg::Receiver(r) => {
                let this = crate::normalize::self_ident(r.self_token.span);
                // `mut self` (by value) makes the rebound local mutable; `&mut self`
                // keeps its `mut`, which belongs to the reference type.
                let mutability = if r.reference.is_none() {
                    r.mutability.take()
                } else {
                    None
                };
                let self_token = &r.self_token;
                out.push(Param {
                    field: hidden("self_"),
                    value: quote!(#self_token),
                    taken: taken.clone(),
                    slot: None,
                    prelude: vec![match annotated_type(&r.ty) {
                        Some(ty) => parse_quote!(let #this: #ty = #taken;),
                        None => parse_quote!(let #mutability #this = #taken;),
                    }],
                });
            }
            FnArg::Typed(t) => {
                let simple = match &*t.pat {
                    Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => Some(p.clone()),
                    _ => None,
                };
                match simple {
                    Some(p) => {
                        let outer = hidden_at(&p.ident.to_string(), p.ident.span());
                        let user = &p.ident;
                        let mutability = p.mutability;
                        *t.pat = parse_quote!(#outer);
                        out.push(Param {
                            field: crate::names::ident(&user.to_string(), user.span()),
                            value: quote!(#outer),
                            taken: taken.clone(),
                            slot: None,
                            prelude: vec![match annotated_type(&t.ty) {
                                // A reference or a `Box` keeps its type
                                // (see `annotated_type`).
                                Some(ty) => parse_quote!(let #mutability #user: #ty = #taken;),
                                None => parse_quote!(let #mutability #user = #taken;),
                            }],
                        });
                    }
                    None => {
                        let pat = (*t.pat).clone();
                        let outer = hidden_at(&format!("__arg{k}"), t.pat.span());
                        *t.pat = parse_quote!(#outer);
                        let whole = hidden(&format!("__arg{k}"));
                        let prelude = match keep_unbound_parts(&pat, k) {
                            Some(prelude) => {
                                let mut p = prelude;
                                // `(x, __rest) = __arg;` after the declarations.
                                if let Some(Stmt::Expr(Expr::Assign(a), _)) = p.last_mut() {
                                    *a.right = parse_quote!(#taken);
                                }
                                p
                            }
                            // (`mut`: a `ref mut` binding borrows it mutably.)
                            None => vec![
                                parse_quote!(let mut #whole = #taken;),
                                parse_quote!(let #pat = #whole;),
                            ],
                        };
                        out.push(Param {
                            field: Ident::new(&format!("arg{k}"), pat.span()),
                            value: quote!(#outer),
                            taken: taken.clone(),
                            slot: None,
                            prelude,
                        });
                    }
                }
            }
        }
    }
    out
}

/// The parameter's type, if it is a reference or a `Box` that a `let` can
/// spell: liveness then knows a reference has no destructor, and that
/// `*boxed` moves out of the box.
fn annotated_type(ty: &syn::Type) -> Option<&syn::Type> {
    ((matches!(ty, syn::Type::Reference(_)) || is_box(ty)) && !mentions_impl(ty)).then_some(ty)
}

/// Is `ty` a `Box<..>` (by the last segment of its path)?
pub fn is_box(ty: &syn::Type) -> bool {
    matches!(ty, syn::Type::Path(p)
        if p.qself.is_none() && p.path.segments.last().is_some_and(|s| s.ident == "Box"))
}

/// Does `ty` mention `impl Trait` anywhere, which a `let`, a closure's
/// signature or an erased recursive call cannot spell?
/// (Read token by token: in text, `&[impl AsRef<str>]` prints `[impl`.)
pub fn mentions_impl(ty: &syn::Type) -> bool {
    fn has_impl(tokens: proc_macro2::TokenStream) -> bool {
        tokens.into_iter().any(|t| match t {
            proc_macro2::TokenTree::Ident(i) => i == "impl",
            proc_macro2::TokenTree::Group(g) => has_impl(g.stream()),
            _ => false,
        })
    }
    has_impl(quote!(#ty))
}

/// A parameter pattern with `_` parts, like `(x, _): (D, D)`: rustc keeps the
/// unbound part alive in the argument until the end of the function and drops
/// it after the bindings. Moving the argument into a pattern would drop it at
/// once, so each `_` gets a hidden local declared first (dropped last), the
/// named bindings are declared next, and a destructuring assignment fills
/// them all: `let __rest0; let x; (x, __rest0) = arg;`. Patterns this cannot
/// express (`ref`, `@`, `..`, literals) return `None`.
fn keep_unbound_parts(pat: &Pat, k: usize) -> Option<Vec<Stmt>> {
    let mut rests = Vec::new();
    let mut names = Vec::new();
    let target = assignee(pat, k, &mut rests, &mut names)?;
    if rests.is_empty() {
        return None;
    }
    let mut out: Vec<Stmt> = rests.iter().map(|r| parse_quote!(let #r;)).collect();
    for (name, mutable) in &names {
        let m = mutable.then(|| quote!(mut));
        out.push(parse_quote!(let #m #name;));
    }
    out.push(parse_quote!(#target = ();));
    Some(out)
}

/// The assignee expression for `pat`, collecting hidden rests and names.
fn assignee(
    pat: &Pat,
    k: usize,
    rests: &mut Vec<Ident>,
    names: &mut Vec<(Ident, bool)>,
) -> Option<Expr> {
    Some(match pat {
        Pat::Wild(_) => {
            let rest = hidden(&format!("__arg{k}_rest{}", rests.len()));
            rests.push(rest.clone());
            parse_quote!(#rest)
        }
        Pat::Ident(p) if p.by_ref.is_none() && p.subpat.is_none() => {
            let ident = &p.ident;
            names.push((ident.clone(), p.mutability.is_some()));
            parse_quote!(#ident)
        }
        Pat::Tuple(t) => {
            let elems = t
                .elems
                .iter()
                .map(|p| assignee(p, k, rests, names))
                .collect::<Option<Vec<_>>>()?;
            parse_quote!((#(#elems,)*))
        }
        Pat::TupleStruct(t) => {
            let path = &t.path;
            let elems = t
                .elems
                .iter()
                .map(|p| assignee(p, k, rests, names))
                .collect::<Option<Vec<_>>>()?;
            parse_quote!(#path(#(#elems),*))
        }
        Pat::Struct(s) if s.rest.is_none() => {
            let path = &s.path;
            let mut fields = Vec::new();
            for f in &s.fields {
                let member = &f.member;
                let value = assignee(&f.pat, k, rests, names)?;
                fields.push(quote!(#member: #value));
            }
            parse_quote!(#path { #(#fields),* })
        }
        Pat::Paren(p) => assignee(&p.pat, k, rests, names)?,
        _ => return None,
    })
}
