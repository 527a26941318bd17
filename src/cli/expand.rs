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
    fn wanted(&self, ident: &syn::Ident) -> bool {
        self.only.is_none_or(|n| ident == n)
    }

    fn expand_fn(
        &mut self,
        attrs: &mut Vec<syn::Attribute>,
        rest: TokenStream,
    ) -> Option<TokenStream> {
        let (i, kind) = longhand_attr(attrs)?;
        let attr = attrs.remove(i);
        let args = match attr.meta {
            syn::Meta::List(l) => l.tokens,
            _ => TokenStream::new(),
        };
        let mut tokens = TokenStream::new();
        for a in attrs.iter() {
            a.to_tokens(&mut tokens);
        }
        tokens.extend(rest);
        self.found += 1;
        Some(lower(kind, args, tokens))
    }
}

impl VisitMut for Expander<'_> {
    fn visit_item_mut(&mut self, item: &mut syn::Item) {
        if let syn::Item::Fn(f) = item
            && self.wanted(&f.sig.ident)
            && longhand_attr(&f.attrs).is_some()
        {
            let mut attrs = std::mem::take(&mut f.attrs);
            let mut rest = TokenStream::new();
            f.vis.to_tokens(&mut rest);
            f.sig.to_tokens(&mut rest);
            f.block.to_tokens(&mut rest);
            if let Some(out) = self.expand_fn(&mut attrs, rest) {
                *item = syn::Item::Verbatim(out);
            }
            return;
        }
        visit_mut::visit_item_mut(self, item);
    }

    fn visit_impl_item_mut(&mut self, item: &mut syn::ImplItem) {
        if let syn::ImplItem::Fn(f) = item
            && self.wanted(&f.sig.ident)
            && longhand_attr(&f.attrs).is_some()
        {
            let mut attrs = std::mem::take(&mut f.attrs);
            let mut rest = TokenStream::new();
            f.vis.to_tokens(&mut rest);
            f.sig.to_tokens(&mut rest);
            f.block.to_tokens(&mut rest);
            if let Some(out) = self.expand_fn(&mut attrs, rest) {
                *item = syn::ImplItem::Verbatim(out);
            }
            return;
        }
        visit_mut::visit_impl_item_mut(self, item);
    }
}

/// Expands `source`; `only` restricts it to the functions with that name.
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
