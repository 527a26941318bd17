//! Identifiers the expansion invents, and the names a user's path spells.
//!
//! Every local, label and temporary that longhand introduces carries
//! `Span::mixed_site()` hygiene, so it can never capture or shadow a name the
//! user wrote, and the user's own names keep resolving to the user's own
//! bindings. Items (the state enum) are not hygienic, so the enum gets a name
//! derived from the function: `fetch_total` declares `FetchTotalState`.

use proc_macro2::{Ident, Span};

/// The segments of a path, as written (`::core::pin::pin` is
/// `["core", "pin", "pin"]`): what recognising a known function or macro
/// compares.
pub fn path_names(path: &syn::Path) -> Vec<String> {
    path.segments.iter().map(|s| s.ident.to_string()).collect()
}

/// The identifier `name` (`r#type` stays raw) at `span`.
pub fn ident(name: &str, span: Span) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, span),
        None => Ident::new(name, span),
    }
}

/// A hygienic identifier no user code can refer to.
pub fn hidden(name: &str) -> Ident {
    ident(name, Span::mixed_site())
}

/// A hygienic identifier that error messages place at `span`.
pub fn hidden_at(name: &str, span: Span) -> Ident {
    ident(name, Span::mixed_site().located_at(span))
}

/// A hygienic label or lifetime (`'__lh_body`) no user code can name.
pub fn hidden_label(name: &str) -> syn::Lifetime {
    syn::Lifetime::new(name, Span::mixed_site())
}

/// `prefix0`, `prefix1`, ...: the next of a series of hidden identifiers.
pub fn numbered(prefix: &str, next: &mut usize) -> Ident {
    let ident = hidden(&format!("{prefix}{next}"));
    *next += 1;
    ident
}

/// `fetch_total` -> `FetchTotal`.
pub fn camel_case(name: &str) -> String {
    let mut out = String::new();
    for part in name
        .trim_start_matches("r#")
        .split('_')
        .filter(|p| !p.is_empty())
    {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            out.extend(first.to_uppercase());
            out.push_str(chars.as_str());
        }
    }
    if out.is_empty() {
        "Lowered".into()
    } else {
        out
    }
}

/// The hidden local that holds a stored value between taking it out of the
/// state and rebinding it under the user's name.
pub fn restored(binding: usize) -> Ident {
    hidden(&format!("__lh_restored{binding}"))
}
