//! Locals of a type the user defined, as far as the syntax says.
//!
//! `it.next()` and `queue.pop()` return owned values on the standard
//! library's iterators and collections (`methods::returns_owned`), so the
//! result does not keep its receiver borrowed. A user type may reuse the
//! name for a method that lends from itself: a cursor's
//! `fn next(&mut self) -> Option<&str>`, a ring buffer's
//! `fn pop(&mut self) -> Option<&[u8]>`. Kept across an await, such a
//! result borrows the receiver, which must then stay in place (pinned)
//! rather than move into the state.
//!
//! longhand cannot see types, so it takes the receiver's declaration as the
//! sign: a local declared of a named type that is neither the standard
//! library's nor a generic parameter (`c: Cursor`, `mut r: Ring`), or built
//! by such a type's constructor (`Cur { .. }`, `Cur(..)`, `Cur::new(..)`,
//! `Self::new()`), may lend. Anything else (`v.into_iter()`, `vec![..]`,
//! `VecDeque::new()`, `it: I` with `I: Iterator`, a parameter of type
//! `impl Iterator`) keeps the owned reading. Taking a user type's owned
//! `pop` as lending costs a pinned slot, never correctness.

use syn::{Expr, Generics, Pat, Type};

/// Type names of the standard library (and the async runtimes' channel and
/// stream types) whose `next`/`pop`-like methods return owned values, and
/// the prelude's variants, which are called like tuple structs.
const OWNED_RESULTS: &[&str] = &[
    "Some",
    "Ok",
    "Err",
    "Vec",
    "VecDeque",
    "BinaryHeap",
    "LinkedList",
    "String",
    "HashMap",
    "HashSet",
    "BTreeMap",
    "BTreeSet",
    "Option",
    "Result",
    "Box",
    "Rc",
    "Arc",
    "IntoIterator",
    "Iterator",
    "DoubleEndedIterator",
    "IntoIter",
    "Iter",
    "IterMut",
    "Drain",
    "Chars",
    "CharIndices",
    "Bytes",
    "Lines",
    "Split",
    "SplitWhitespace",
    "Peekable",
    "Range",
    "RangeInclusive",
    "Receiver",
    "UnboundedReceiver",
    "Interval",
];

/// Whether the local that `l` declares (`ty` is its declared type, from
/// the pattern or, for a parameter, the signature) may be of a user type
/// whose `next`/`pop` lends from it (see the module comment).
pub(super) fn declares_user_type(l: &syn::Local, ty: Option<&Type>, generics: &Generics) -> bool {
    if let Some(ty) = ty {
        return user_type(ty, generics);
    }
    let Some(init) = &l.init else { return false };
    if !matches!(&l.pat, Pat::Ident(_)) {
        return false;
    }
    match &*init.expr {
        Expr::Struct(s) => user_path(&s.path.segments, generics),
        Expr::Call(c) => match &*c.func {
            // `Cur(..)` (a tuple struct) or `Cur::new(..)`: the segment
            // naming the type is the last one, or the one before it.
            Expr::Path(p) if p.qself.is_none() => {
                let segments = &p.path.segments;
                let last = segments.last().map(|s| s.ident.to_string());
                if last.as_deref().is_some_and(camel_case) {
                    user_path(segments, generics)
                } else {
                    let mut named = segments.clone();
                    named.pop();
                    named.pop_punct();
                    !named.is_empty() && user_path(&named, generics)
                }
            }
            _ => false,
        },
        _ => false,
    }
}

/// Is `ty` a path to a user type? (Not a reference to one: what a lending
/// method returns through `c: &mut Cur` reborrows `*c`, and a reference
/// moves into the state without moving what it points to.)
fn user_type(ty: &Type, generics: &Generics) -> bool {
    match ty {
        Type::Paren(p) => user_type(&p.elem, generics),
        Type::Group(g) => user_type(&g.elem, generics),
        Type::Path(p) if p.qself.is_none() => user_path(&p.path.segments, generics),
        _ => false,
    }
}

/// Does this path name a type outside the standard library and the
/// function's generic parameters (`Self` counts as the user's)?
fn user_path(
    segments: &syn::punctuated::Punctuated<syn::PathSegment, syn::Token![::]>,
    generics: &Generics,
) -> bool {
    let Some(last) = segments.last() else {
        return false;
    };
    let name = last.ident.to_string();
    let first = segments.first().map(|s| s.ident.to_string());
    let foreign = matches!(
        first.as_deref(),
        Some("std" | "core" | "alloc" | "tokio" | "futures" | "smol" | "async_channel")
    ) && segments.len() > 1;
    let generic = generics.type_params().any(|p| p.ident == last.ident);
    camel_case(&name) && !foreign && !generic && !OWNED_RESULTS.contains(&name.as_str())
}

/// `Cur`, not `new` or `cur`: a type's name by convention.
fn camel_case(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_uppercase())
}

#[cfg(test)]
mod tests {
    use super::*;
    use syn::parse_quote;

    fn declares(l: syn::Stmt, generics: Generics) -> bool {
        let syn::Stmt::Local(l) = l else { panic!() };
        let ty = match &l.pat {
            Pat::Type(t) => Some((*t.ty).clone()),
            _ => None,
        };
        declares_user_type(&l, ty.as_ref(), &generics)
    }

    #[test]
    fn constructors_of_user_types_may_lend() {
        let none = Generics::default();
        assert!(declares(parse_quote!(let c = Cur { at: 0 };), none.clone()));
        assert!(declares(parse_quote!(let c = Cur(s);), none.clone()));
        assert!(declares(parse_quote!(let c = Cur::new(s);), none.clone()));
        assert!(declares(parse_quote!(let c = Self::new();), none.clone()));
        assert!(declares(parse_quote!(let c: Ring = r;), none.clone()));
        assert!(!declares(parse_quote!(let c: &mut Ring = r;), none.clone()));
    }

    #[test]
    fn std_types_and_generic_parameters_do_not() {
        let none = Generics::default();
        assert!(!declares(
            parse_quote!(let q = VecDeque::new();),
            none.clone()
        ));
        assert!(!declares(
            parse_quote!(let q = Vec::with_capacity(4);),
            none.clone()
        ));
        assert!(!declares(
            parse_quote!(let it = v.into_iter();),
            none.clone()
        ));
        assert!(!declares(parse_quote!(let it = make();), none.clone()));
        assert!(!declares(parse_quote!(let s = Some(4);), none.clone()));
        assert!(!declares(
            parse_quote!(let x: std::vec::IntoIter<u8> = v;),
            none.clone()
        ));
        assert!(!declares(
            parse_quote!(let x: impl Iterator<Item = u8> = v;),
            none.clone()
        ));
        let generic: Generics = parse_quote!(<I: Iterator>);
        assert!(!declares(parse_quote!(let it: I = a;), generic));
    }
}
