//! `longhand expand FILE [--fn NAME]`: a file with every `#[longhand::desugar]`
//! item replaced by its lowering, formatted. No compiler, no nightly: it
//! calls the same lowering library the proc-macro calls.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::visit_mut::{self, VisitMut};

/// Which attribute an item carries, if it is one of longhand's.
fn longhand_attr(attrs: &[syn::Attribute]) -> Option<(usize, &'static str)> {
    attrs.iter().enumerate().find_map(|(i, a)| {
        let segs: Vec<String> = a
            .path()
            .segments
            .iter()
            .map(|s| s.ident.to_string())
            .collect();
        let name = segs.last()?.as_str();
        let ours = segs.len() == 1 || segs.first().map(String::as_str) == Some("longhand");
        match name {
            "desugar" if ours => Some((i, "desugar")),
            "generator" if ours => Some((i, "generator")),
            _ => None,
        }
    })
}

/// Lowers one item's tokens with the named attribute.
fn lower(kind: &str, attr: TokenStream, item: TokenStream) -> TokenStream {
    match kind {
        "desugar" => longhand_lowering::desugar(attr, item),
        _ => longhand_lowering::generator(attr, item),
    }
}

struct Expander<'a> {
    only: Option<&'a str>,
    found: usize,
}

impl Expander<'_> {
    /// Lowers one function (free or in an impl) if it carries one of
    /// longhand's attributes and is wanted; its tokens otherwise stay.
    fn expand_fn(
        &mut self,
        attrs: &[syn::Attribute],
        vis: &syn::Visibility,
        sig: &syn::Signature,
        block: &syn::Block,
    ) -> Option<TokenStream> {
        if self.only.is_some_and(|n| sig.ident != n) {
            return None;
        }
        let (i, kind) = longhand_attr(attrs)?;
        let args = match &attrs[i].meta {
            syn::Meta::List(l) => l.tokens.clone(),
            _ => TokenStream::new(),
        };
        let mut tokens = TokenStream::new();
        for (k, a) in attrs.iter().enumerate() {
            if k != i {
                a.to_tokens(&mut tokens);
            }
        }
        vis.to_tokens(&mut tokens);
        sig.to_tokens(&mut tokens);
        block.to_tokens(&mut tokens);
        self.found += 1;
        Some(lower(kind, args, tokens))
    }
}

impl VisitMut for Expander<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        if let syn::Item::Fn(f) = item
            && let Some(out) = self.expand_fn(&f.attrs, &f.vis, &f.sig, &f.block)
        {
            *item = syn::Item::Verbatim(out);
            return;
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_impl_item_mut(&mut self, item: &mut syn::ImplItem) {
        if let syn::ImplItem::Fn(f) = item
            && let Some(out) = self.expand_fn(&f.attrs, &f.vis, &f.sig, &f.block)
        {
            *item = syn::ImplItem::Verbatim(out);
            return;
        }
        visit_mut::visit_impl_item_mut(self, item);
    }
}

/// Expands `source`; `only` restricts it to the functions with that name.
///
/// ```
/// let source = "#[longhand::desugar]\nasync fn one(x: u8) -> u8 { f(x).await }";
/// let expanded = longhand::cli::expand::expand(source, Some("one")).unwrap();
/// assert!(expanded.contains("enum OneState<"));
/// assert!(expanded.contains("Suspend0 {"));
/// // A file without longhand attributes is a user error, not a panic.
/// assert!(longhand::cli::expand::expand("fn plain() {}", None).is_err());
/// ```
pub fn expand(source: &str, only: Option<&str>) -> Result<String, String> {
    let mut file = syn::parse_file(source).map_err(|e| {
        let at = e.span().start();
        format!("{}:{}: {e}", at.line, at.column + 1)
    })?;
    let mut ex = Expander { only, found: 0 };
    ex.visit_file_mut(&mut file);
    if ex.found == 0 {
        return Err(match only {
            Some(n) => format!(
                "no `#[longhand::desugar]` or `#[longhand::generator]` function named `{n}`"
            ),
            None => {
                "no `#[longhand::desugar]` or `#[longhand::generator]` item in this file".into()
            }
        });
    }
    // Verbatim items are re-parsed so that prettyplease can format them.
    let tokens = file.into_token_stream();
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("internal error: {e}"))?;
    Ok(prettyplease::unparse(&file))
}
