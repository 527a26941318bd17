//! Callees: what calling a local does to it, read from its declared type.
//!
//! `h()` on a local `h` borrows it when `h` is an `Fn`, `FnMut` or
//! `AsyncFn*` (an `async` closure's future even borrows it until it
//! finishes), and moves it when `h` is an `FnOnce`. Liveness needs to know
//! which: a consumed callee must not be kept for its drop at the end of its
//! scope, and a borrowed one must. The type, where the user wrote it (a
//! parameter `g: F` with `F: AsyncFn()`, `cb: Box<dyn FnOnce()>`, `let f:
//! &dyn Fn()`), says so; elsewhere `analysis` guesses from how the local is
//! bound and used.

use syn::{GenericParam, Generics, Type, TypeParamBound, WherePredicate};

/// Whether a call consumes a callee of type `ty`: `Some(true)` for
/// `FnOnce`/`AsyncFnOnce`, `Some(false)` for the traits that borrow, a
/// reference or a `fn` pointer, `None` when the type does not say.
/// Generic parameters are looked up in `generics` (their bounds and the
/// where-clause).
pub fn consumed_by_call(ty: &Type, generics: &Generics) -> Option<bool> {
    match ty {
        Type::Reference(_) | Type::BareFn(_) => Some(false),
        Type::Paren(p) => consumed_by_call(&p.elem, generics),
        Type::Group(g) => consumed_by_call(&g.elem, generics),
        Type::ImplTrait(i) => from_bounds(i.bounds.iter()),
        Type::TraitObject(o) => from_bounds(o.bounds.iter()),
        Type::Path(p) if p.qself.is_none() => {
            let last = p.path.segments.last()?;
            if last.ident == "Box" {
                let syn::PathArguments::AngleBracketed(a) = &last.arguments else {
                    return None;
                };
                return a.args.iter().find_map(|g| match g {
                    syn::GenericArgument::Type(t) => consumed_by_call(t, generics),
                    _ => None,
                });
            }
            let name = p.path.get_ident()?;
            let declared = generics.params.iter().filter_map(|g| match g {
                GenericParam::Type(t) if t.ident == *name => Some(t.bounds.iter()),
                _ => None,
            });
            let clauses = generics.where_clause.iter().flat_map(|w| {
                w.predicates.iter().filter_map(|p| match p {
                    WherePredicate::Type(t)
                        if matches!(&t.bounded_ty, Type::Path(b) if b.path.is_ident(name)) =>
                    {
                        Some(t.bounds.iter())
                    }
                    _ => None,
                })
            });
            from_bounds(declared.chain(clauses).flatten())
        }
        _ => None,
    }
}

/// The answer of the first `Fn`-family trait among `bounds`.
fn from_bounds<'a>(bounds: impl Iterator<Item = &'a TypeParamBound>) -> Option<bool> {
    bounds
        .filter_map(|b| match b {
            TypeParamBound::Trait(t) => t.path.segments.last(),
            _ => None,
        })
        .find_map(|s| match s.ident.to_string().as_str() {
            "FnOnce" | "AsyncFnOnce" => Some(true),
            "Fn" | "FnMut" | "AsyncFn" | "AsyncFnMut" => Some(false),
            _ => None,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn consumed(ty: Type, generics: Generics) -> Option<bool> {
        consumed_by_call(&ty, &generics)
    }

    #[test]
    fn reads_the_fn_family_from_every_spelling() {
        let none: Generics = parse_quote!();
        assert_eq!(
            consumed(parse_quote!(impl FnOnce() -> u32), none.clone()),
            Some(true)
        );
        assert_eq!(
            consumed(parse_quote!(Box<dyn FnOnce(u32) + Send>), none.clone()),
            Some(true)
        );
        assert_eq!(
            consumed(parse_quote!(Box<dyn Fn()>), none.clone()),
            Some(false)
        );
        assert_eq!(
            consumed(parse_quote!(&dyn FnOnce()), none.clone()),
            Some(false)
        );
        assert_eq!(
            consumed(parse_quote!(fn(u32) -> u32), none.clone()),
            Some(false)
        );
        assert_eq!(consumed(parse_quote!(Vec<u32>), none.clone()), None);
        let g: Generics = parse_quote!(<F: Clone + AsyncFn() -> u32, G>);
        assert_eq!(consumed(parse_quote!(F), g.clone()), Some(false));
        assert_eq!(consumed(parse_quote!(G), g), None);
        let mut w: Generics = parse_quote!(<G>);
        w.where_clause = Some(parse_quote!(where G: Send + FnOnce() -> u32));
        assert_eq!(consumed(parse_quote!(G), w), Some(true));
    }
}
