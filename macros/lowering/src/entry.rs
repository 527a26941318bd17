//! `#[longhand::main]` and `#[longhand::test]`: an `async fn` run to
//! completion on `longhand::block_on`, as `#[tokio::main]` does for tokio.
//!
//! Such an attribute and `#[longhand::desugar]` on the same function meet
//! in either order. Each needs an `async fn`, and each turns it into a
//! plain `fn`, so the lowered body goes into an inner function of the same
//! name that the entry point awaits: `desugar` written first does this for
//! any runtime's entry attribute below it (`#[tokio::test]` too), and
//! `main`/`test` written first do it for a `desugar` below them.

use proc_macro2::TokenStream;
use quote::{ToTokens, quote};
use syn::spanned::Spanned;

/// Rewrites `async fn NAME() -> R { body }` into a plain `fn` that blocks on
/// the body; `test` adds `#[test]`.
///
/// ```
/// let out = longhand_lowering::entry::entry(
///     Default::default(),
///     quote::quote!(async fn main() { println!("hi"); }),
///     "main",
/// );
/// assert!(out.to_string().contains("block_on"));
/// ```
pub fn entry(attr: TokenStream, item: TokenStream, kind: &str) -> TokenStream {
    let mut errors = Vec::new();
    if !attr.is_empty() {
        errors.push(syn::Error::new(
            attr.span(),
            format!("`#[longhand::{kind}]` takes no arguments"),
        ));
    }
    let mut func = match syn::parse2::<syn::ItemFn>(item.clone()) {
        Ok(f) => f,
        Err(_) => {
            let mut out = syn::Error::new(
                proc_macro2::Span::call_site(),
                format!("`#[longhand::{kind}]` goes on an `async fn`"),
            )
            .to_compile_error();
            out.extend(item);
            return out;
        }
    };
    if func.sig.asyncness.is_none() {
        errors.push(syn::Error::new(
            func.sig.fn_token.span,
            format!("`#[longhand::{kind}]` goes on an `async fn`: add `async`"),
        ));
    }
    if !func.sig.inputs.is_empty() {
        errors.push(syn::Error::new(
            func.sig.inputs.span(),
            format!("`#[longhand::{kind}]` functions take no arguments"),
        ));
    }
    if !errors.is_empty() {
        let mut out = TokenStream::new();
        for e in errors {
            out.extend(e.to_compile_error());
        }
        return out;
    }
    // A `#[longhand::desugar]` below this attribute lowers the body, in an
    // inner `async fn` of the same name.
    let lowered = func.attrs.iter().position(|a| is_desugar(a.path()));
    let body = match lowered {
        Some(at) => {
            let desugar = func.attrs.remove(at);
            let sig = &func.sig;
            let body = &func.block;
            let name = &sig.ident;
            quote!({
                #desugar
                #sig #body
                #name().await
            })
        }
        None => func.block.to_token_stream(),
    };
    func.sig.asyncness = None;
    let attrs = &func.attrs;
    let vis = &func.vis;
    let sig = &func.sig;
    let test_attr = (kind == "test").then(|| quote!(#[::core::prelude::v1::test]));
    quote! {
        #test_attr
        #(#attrs)*
        #vis #sig {
            ::longhand::block_on(async move #body)
        }
    }
}

/// Is `path` `#[longhand::desugar]` (or `desugar`, imported)?
fn is_desugar(path: &syn::Path) -> bool {
    lowering_attr(path) == Some("desugar")
}

/// Which of longhand's lowering attributes `path` names, if any:
/// `desugar` or `generator`, as `longhand::NAME` or imported.
pub(crate) fn lowering_attr(path: &syn::Path) -> Option<&'static str> {
    let s = &path.segments;
    let last = match s.len() {
        1 => &s[0].ident,
        2 if s[0].ident == "longhand" => &s[1].ident,
        _ => return None,
    };
    ["desugar", "generator"].into_iter().find(|n| last == n)
}

/// Is `path` an attribute that runs an `async fn` on a runtime
/// (`#[tokio::main]`, `#[longhand::test]`, an imported `#[main]`, ...)?
/// A bare `#[test]` counts too: it is rustc's own, which refuses an
/// `async fn` itself, or an imported runtime's.
fn is_runtime_entry(path: &syn::Path) -> bool {
    path.segments
        .last()
        .is_some_and(|s| s.ident == "main" || s.ident == "test")
}

/// `#[longhand::desugar]` written above a runtime's entry attribute
/// (`#[tokio::main]`, `#[longhand::test]`): that attribute needs an
/// `async fn`, so the function stays one and awaits the lowered body, an
/// inner function of the same name (its state machine is the one to
/// inspect). `lower` lowers that inner function. `None` when there is no
/// such attribute, or the function takes arguments or generics (no entry
/// point does; the attribute then reports it).
///
/// ```
/// let func: syn::ItemFn = syn::parse_quote! {
///     #[tokio::test]
///     async fn reads() { std::future::ready(()).await }
/// };
/// let out = longhand_lowering::entry::around_runtime_entry(&func, |inner| {
///     assert!(inner.attrs.is_empty());
///     quote::quote!(fn reads() -> impl Future<Output = ()> { async {} })
/// });
/// assert!(out.unwrap().to_string().contains("reads () . await"));
/// ```
pub fn around_runtime_entry(
    func: &syn::ItemFn,
    lower: impl FnOnce(&syn::ItemFn) -> TokenStream,
) -> Option<TokenStream> {
    if !func.attrs.iter().any(|a| is_runtime_entry(a.path()))
        || !func.sig.inputs.is_empty()
        || !func.sig.generics.params.is_empty()
    {
        return None;
    }
    let mut inner = func.clone();
    inner.attrs.clear();
    inner.vis = syn::Visibility::Inherited;
    let lowered = lower(&inner);
    let attrs = &func.attrs;
    let vis = &func.vis;
    let sig = &func.sig;
    let name = &sig.ident;
    Some(quote! {
        #(#attrs)*
        #vis #sig {
            #lowered
            #name().await
        }
    })
}

/// Does the plain `fn` `func` run an `async` body, as a runtime's entry
/// attribute makes it (`let body = async { .. };` from `#[tokio::main]`,
/// an inner `async fn` from `#[async_std::main]`)? Then the attribute was
/// likely written above `#[longhand::desugar]`, and expanded first.
pub(crate) fn runs_async_body(func: &syn::ItemFn) -> bool {
    func.block.stmts.iter().any(|s| match s {
        syn::Stmt::Local(l) => l
            .init
            .as_ref()
            .is_some_and(|i| matches!(&*i.expr, syn::Expr::Async(_))),
        syn::Stmt::Item(syn::Item::Fn(f)) => f.sig.asyncness.is_some(),
        _ => false,
    })
}
