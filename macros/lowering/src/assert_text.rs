//! The message of a failing `assert!(cond)` quotes its condition as written
//! (`assertion failed: frame.len() >= 4`). The lowering renames locals in
//! the condition (a kept reference becomes `(frame)`, a local shadowed while
//! alive `__limit_2`), which the quoted text would show. So before anything
//! is rewritten, a condition without a message is tested by hand and the
//! text quoted by `stringify!` of the user's tokens, which are never
//! evaluated and so never rewritten (`macro_args::never_evaluated`):
//!
//! ```text
//! assert!(frame.len() >= 4)
//! // becomes
//! if Not::not(frame.len() >= 4) {
//!     panic_any(concat!("assertion failed: ", stringify!(frame.len() >= 4)))
//! }
//! ```
//!
//! The same text (rustc's printer prints both) and the same `&'static str`
//! payload, at the same location (`panic_any` tracks its caller, spanned at
//! the user's `assert`). `debug_assert!(cond)` does so under
//! `cfg!(debug_assertions)`.

use proc_macro2::Span;
use quote::quote_spanned;
use syn::spanned::Spanned;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Macro};

/// Spells out each `assert!(cond)` and `debug_assert!(cond)` of the body.
pub fn spell_out(block: &mut syn::Block) {
    Spell.visit_block_mut(block);
}

struct Spell;

/// `mac` tested by hand, if it is an `assert!` or `debug_assert!` without
/// a message.
fn spelled(mac: &Macro) -> Option<Expr> {
    let debug = match crate::macro_args::name(mac).as_str() {
        "assert" => false,
        "debug_assert" => true,
        _ => return None,
    };
    let args = crate::macro_args::parse(mac)?;
    let [cond] = args.args.iter().collect::<Vec<&Expr>>()[..] else {
        return None;
    };
    // The condition as the user wrote it, from the source (lines joined),
    // which is what `stringify!` prints for formatted code; tokens made
    // anew would print otherwise (`| x | * x`). Without the source (tokens
    // a macro made), `stringify!` of the user's tokens.
    let quoted = match source_text(mac) {
        Some(text) => {
            let lit = syn::LitStr::new(&format!("assertion failed: {text}"), mac.path.span());
            quote::quote!(#lit)
        }
        None => {
            let tokens = &mac.tokens;
            quote::quote!(::core::concat!(
                "assertion failed: ",
                ::core::stringify!(#tokens)
            ))
        }
    };
    let span = Span::mixed_site().located_at(mac.path.span());
    let test = quote_spanned! {span=>
        if ::core::ops::Not::not(__lh_hole0) {
            ::std::panic::panic_any(#quoted)
        }
    };
    let test = if debug {
        quote_spanned!(span=> if ::core::cfg!(debug_assertions) { #test })
    } else {
        test
    };
    Some(crate::splice::expr(test, vec![cond.clone()]))
}

impl VisitMut for Spell {
    fn visit_stmt_mut(&mut self, s: &mut syn::Stmt) {
        if let syn::Stmt::Macro(m) = s
            && let Some(e) = spelled(&m.mac)
        {
            *s = syn::Stmt::Expr(e, m.semi_token);
            return;
        }
        visit_mut::visit_stmt_mut(self, s);
    }
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e
            && let Some(spelled) = spelled(&m.mac)
        {
            *e = spelled;
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }
    // (Closures and async blocks too: their names are rewritten as well.)
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}

/// The source text between the macro's delimiters, without a trailing
/// comma, each line break and the indentation after it made one space.
fn source_text(mac: &Macro) -> Option<String> {
    let span = match &mac.delimiter {
        syn::MacroDelimiter::Paren(p) => p.span.join(),
        syn::MacroDelimiter::Brace(b) => b.span.join(),
        syn::MacroDelimiter::Bracket(b) => b.span.join(),
    };
    let text = span.source_text()?;
    let inner = text.get(1..text.len().checked_sub(1)?)?.trim();
    let inner = inner.strip_suffix(',').unwrap_or(inner).trim_end();
    let mut out = String::new();
    for (k, line) in inner.lines().enumerate() {
        if k > 0 {
            out.push(' ');
        }
        out.push_str(if k > 0 { line.trim_start() } else { line });
    }
    (!out.is_empty()).then_some(out)
}
