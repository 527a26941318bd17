//! What is being lowered: an `async fn` (a `Future`), or a generator
//! returning `impl Iterator<Item = T>` or `impl Stream<Item = T>`.
//!
//! Generators share the whole lowering: `yield_!(v)` is a suspension point
//! (see `yields`), and the poll function returns `Poll<Option<T>>`.

use syn::spanned::Spanned;

/// The kind of function being lowered.
#[derive(Clone, Debug)]
pub enum Mode {
    /// `async fn .. -> R`: a `Future<Output = R>`.
    Future,
    /// `fn .. -> impl Iterator<Item = T>`: no `.await`.
    Iterator(syn::Type),
    /// `fn .. -> impl Stream<Item = T>`: `.await` and `yield_!`.
    Stream(syn::Type),
}

impl Mode {
    /// Is this a generator?
    pub fn is_generator(&self) -> bool {
        !matches!(self, Mode::Future)
    }

    /// The item type of a generator.
    pub fn item(&self) -> Option<&syn::Type> {
        match self {
            Mode::Future => None,
            Mode::Iterator(t) | Mode::Stream(t) => Some(t),
        }
    }

    /// May the body `.await`?
    pub fn may_await(&self) -> bool {
        !matches!(self, Mode::Iterator(_))
    }
}

/// Reads a generator's mode from its return type:
/// `impl Iterator<Item = T>` or `impl Stream<Item = T>` (any path ending so).
pub fn generator_mode(output: &syn::ReturnType) -> Result<Mode, syn::Error> {
    let wrong = |span| {
        syn::Error::new(
            span,
            "a `#[longhand::generator]` returns `impl Iterator<Item = T>` (yields values) or \
             `impl Stream<Item = T>` (yields values and awaits)",
        )
    };
    let syn::ReturnType::Type(_, ty) = output else {
        return Err(wrong(output.span()));
    };
    let syn::Type::ImplTrait(imp) = &**ty else {
        return Err(wrong(ty.span()));
    };
    for bound in &imp.bounds {
        let syn::TypeParamBound::Trait(t) = bound else {
            continue;
        };
        let Some(last) = t.path.segments.last() else {
            continue;
        };
        let kind = last.ident.to_string();
        if kind != "Iterator" && kind != "Stream" {
            continue;
        }
        let syn::PathArguments::AngleBracketed(args) = &last.arguments else {
            continue;
        };
        for arg in &args.args {
            if let syn::GenericArgument::AssocType(a) = arg
                && a.ident == "Item"
            {
                return Ok(if kind == "Iterator" {
                    Mode::Iterator(a.ty.clone())
                } else {
                    Mode::Stream(a.ty.clone())
                });
            }
        }
    }
    Err(wrong(ty.span()))
}
