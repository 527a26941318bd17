//! `#[longhand::main]` and `#[longhand::test]`: an `async fn` run to
//! completion on `longhand::block_on`, as `#[tokio::main]` does for tokio.

use proc_macro2::TokenStream;
use quote::quote;
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
    func.sig.asyncness = None;
    let attrs = &func.attrs;
    let vis = &func.vis;
    let sig = &func.sig;
    let body = &func.block;
    let test_attr = (kind == "test").then(|| quote!(#[::core::prelude::v1::test]));
    quote! {
        #test_attr
        #(#attrs)*
        #vis #sig {
            ::longhand::block_on(async move #body)
        }
    }
}
