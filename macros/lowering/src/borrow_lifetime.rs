//! A lifetime for borrows of pinned locals, in generic functions.
//!
//! A kept value that borrows a pinned local (`for it in items.iter()` across
//! an await) holds a reference whose lifetime nothing in the signature
//! names: the slot is reached through a raw pointer. The returned
//! `impl Future` can only take such a lifetime as one it captures, and
//! without any other it is `'static`, which forces every type parameter in
//! the borrowed type to be `'static` too (`Iter<'static, T>` needs
//! `T: 'static`), a bound rustc's own lowering does not ask for.
//!
//! An awaitee built from a kept parameter of generic type (`g().await` on
//! `g: F`, `F: AsyncFn()`) borrows it from the state the same way.
//!
//! So a generic function that pins a local, or whose awaitee borrows such a
//! parameter (see `generic_by_value`), gets one more lifetime parameter,
//! `'__lh_borrow`, which every type parameter outlives (`T: '__lh_borrow`,
//! `impl Trait + '__lh_borrow`, and `Self` for methods, which covers the
//! impl's parameters) and which outlives nothing: every other lifetime of the
//! signature is bounded by it (elided ones in the arguments are named for
//! that). rustc then takes it for the borrows, as the one captured lifetime
//! below all others. The caller never names it, and some choice of it always
//! satisfies the bounds. Trait methods cannot take extra parameters, so only
//! functions with type parameters of their own get it (a trait method rarely
//! has them).

use proc_macro2::Span;
use syn::visit_mut::{self, VisitMut};
use syn::{GenericParam, Lifetime, Signature, Type, parse_quote};

/// The parameters taken by value whose type names one of the function's
/// type parameters or is `impl Trait` (`g: F`, `r: impl Read`). An awaitee
/// built from one while it is kept (`g().await` on `F: AsyncFn()`) borrows
/// it from the state: the same unnamed lifetime as a pinned local's, so the
/// function gets the borrow lifetime for it too.
pub fn generic_by_value(sig: &Signature) -> Vec<String> {
    let types: Vec<String> = sig
        .generics
        .type_params()
        .map(|t| t.ident.to_string())
        .collect();
    sig.inputs
        .iter()
        .filter_map(|arg| match arg {
            syn::FnArg::Typed(t) => Some(t),
            syn::FnArg::Receiver(_) => None,
        })
        .filter(|t| !matches!(*t.ty, Type::Reference(_)))
        .filter(|t| {
            let ty = &t.ty;
            crate::signature::mentions_impl(ty) || names_any(quote::quote!(#ty), &types)
        })
        .filter_map(|t| match &*t.pat {
            syn::Pat::Ident(p) => Some(p.ident.to_string()),
            _ => None,
        })
        .collect()
}

/// Does a type's code name one of `types`, at any depth?
fn names_any(tokens: proc_macro2::TokenStream, types: &[String]) -> bool {
    tokens.into_iter().any(|tt| match tt {
        proc_macro2::TokenTree::Ident(i) => types.iter().any(|t| i == t.as_str()),
        proc_macro2::TokenTree::Group(g) => names_any(g.stream(), types),
        _ => false,
    })
}

/// Does `sig` take two or more lifetimes (named, or elided in a reference
/// or `'_`), in a function that cannot implement a trait's method? A value
/// kept across an await may then borrow from either (`if first { a } else
/// { b }`, `req.header(k).unwrap_or(&self.default)`): its lifetime is their
/// intersection, which no parameter names, and the returned `impl Future`
/// cannot capture it (E0700; rustc's own `async fn` erases it). The borrow
/// lifetime below all of them names it. A trait's method cannot take it
/// (E0195), and a method without `pub` may be one, so only functions
/// without a receiver and methods with a visibility get it.
pub fn mixes_lifetimes(sig: &Signature, vis: &syn::Visibility) -> bool {
    if sig.receiver().is_some() && matches!(vis, syn::Visibility::Inherited) {
        return false;
    }
    // Counted as `add` names them: each elided one is a lifetime of its own.
    let mut elided = NameElided::default();
    for input in &sig.inputs {
        match input {
            syn::FnArg::Typed(t) => elided.visit_type_mut(&mut (*t.ty).clone()),
            syn::FnArg::Receiver(r) => {
                if matches!(r.reference, Some((_, None))) {
                    elided.fresh();
                }
            }
        }
    }
    sig.generics.lifetimes().count() + elided.names.len() >= 2
}

/// Adds the borrow lifetime to `sig` if it declares type parameters or
/// takes `impl Trait` arguments, or whatever it takes when `always`.
pub fn add(sig: &mut Signature, always: bool) {
    let types: Vec<syn::Ident> = sig
        .generics
        .type_params()
        .map(|t| t.ident.clone())
        .collect();
    let impl_args = sig.inputs.iter().any(|arg| match arg {
        syn::FnArg::Typed(t) => matches!(*t.ty, Type::ImplTrait(_)),
        syn::FnArg::Receiver(_) => false,
    });
    if types.is_empty() && !impl_args && !always {
        return;
    }
    let lifetime = Lifetime::new("'__lh_borrow", Span::call_site());
    let mut named = NameElided::default();
    for input in sig.inputs.iter_mut() {
        match input {
            syn::FnArg::Typed(t) => {
                named.visit_type_mut(&mut t.ty);
                if let Type::ImplTrait(imp) = &mut *t.ty {
                    imp.bounds
                        .push(syn::TypeParamBound::Lifetime(lifetime.clone()));
                }
            }
            syn::FnArg::Receiver(r) => {
                if let Some((_, l @ None)) = &mut r.reference {
                    let name = named.fresh();
                    *l = Some(name.clone());
                    if let Type::Reference(t) = &mut *r.ty {
                        t.lifetime = Some(name);
                    }
                }
            }
        }
    }
    let mut lifetimes: Vec<Lifetime> = sig
        .generics
        .lifetimes()
        .map(|l| l.lifetime.clone())
        .collect();
    for name in named.names {
        sig.generics.params.insert(
            lifetimes.len(),
            GenericParam::Lifetime(syn::LifetimeParam::new(name.clone())),
        );
        lifetimes.push(name);
    }
    sig.generics.params.insert(
        lifetimes.len(),
        GenericParam::Lifetime(syn::LifetimeParam::new(lifetime.clone())),
    );
    let has_receiver = sig.receiver().is_some();
    let where_clause = sig.generics.make_where_clause();
    for l in lifetimes {
        where_clause.predicates.push(parse_quote!(#l: #lifetime));
    }
    for t in types {
        where_clause.predicates.push(parse_quote!(#t: #lifetime));
    }
    if has_receiver {
        where_clause.predicates.push(parse_quote!(Self: #lifetime));
    }
}

/// Names each elided lifetime of an argument type (`&T`, `'_`), so that it
/// can be bounded.
#[derive(Default)]
struct NameElided {
    names: Vec<Lifetime>,
}

impl NameElided {
    fn fresh(&mut self) -> Lifetime {
        let name = Lifetime::new(&format!("'__lh_arg{}", self.names.len()), Span::call_site());
        self.names.push(name.clone());
        name
    }
}

impl VisitMut for NameElided {
    fn visit_type_reference_mut(&mut self, r: &mut syn::TypeReference) {
        if r.lifetime.is_none() {
            r.lifetime = Some(self.fresh());
        }
        visit_mut::visit_type_reference_mut(self, r);
    }

    fn visit_lifetime_mut(&mut self, l: &mut Lifetime) {
        if l.ident == "_" {
            *l = self.fresh();
        }
    }

    // Lifetimes inside `fn(&T)` types and `Fn(&T)` bounds are their own.
    fn visit_type_bare_fn_mut(&mut self, _: &mut syn::TypeBareFn) {}
    fn visit_parenthesized_generic_arguments_mut(
        &mut self,
        _: &mut syn::ParenthesizedGenericArguments,
    ) {
    }
}
