//! Macros that `.await` inside their own expansion: `join!` and `try_join!`
//! (longhand's runtime, tokio, futures), `select!`, `pending!`, `poll!`.
//!
//! longhand cannot expand a macro, so it cannot see the `.await` such a call
//! expands to, and that `.await` would land in the poll closure, which is not
//! `async`. A `join!` whose arguments are plain expressions is lowered as
//! one suspension point instead: `join!(a(), b())` becomes
//! `(async { join!(a(), b()) }).await`. The native block runs the macro as
//! written, its futures are created on the block's first poll (which follows
//! at once, as an awaitee is polled as soon as it is built), and its
//! arguments are ordinary expressions the lowering sees, rewrites and keeps
//! alive. The others have branches longhand cannot read (`select!`) or
//! await something it cannot name; when their path names an async crate
//! (`tokio::select!`) they are rejected with a message (see `validate`).

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Macro, Stmt, parse_quote};

/// What a macro call that awaits in its expansion needs.
#[derive(PartialEq, Eq, Debug)]
pub enum Awaiting {
    /// `join!`-like, arguments readable: lowered as one `.await`.
    Joins,
    /// Awaits, but cannot be lowered.
    Opaque,
}

/// Whether (and how) the macro `mac` awaits inside its expansion, by the
/// last segment of its path. A `join!` is lowered whatever crate it comes
/// from (were it not to await, the block would simply finish at once); the
/// others are only known to await when the path names an async crate
/// (`tokio::select!`): a bare `select!` may be a channel crate's.
pub fn awaiting(mac: &Macro) -> Option<Awaiting> {
    let name = crate::macro_args::name(mac);
    let first = mac.path.segments.first()?.ident.to_string();
    let async_crate = mac.path.segments.len() > 1
        && matches!(
            first.as_str(),
            "tokio" | "futures" | "futures_util" | "longhand" | "longhand_runtime" | "smol"
        );
    match name.as_str() {
        "join" | "try_join" if crate::macro_args::parse(mac).is_some() => Some(Awaiting::Joins),
        "join" | "try_join" | "select" | "select_biased" | "pending" | "poll" if async_crate => {
            Some(Awaiting::Opaque)
        }
        _ => None,
    }
}

/// Wraps each `join!`-like call of the body's own code (not inside a
/// closure, an `async` block or a nested item) in an awaited `async` block.
pub fn wrap(block: &mut syn::Block) {
    Wrap.visit_block_mut(block);
}

struct Wrap;

/// `(async { mac }).await`, described (for the state's documentation and
/// transition tracing) as the user wrote it: `join!(a, b)`.
fn awaited(mac: &Macro) -> Expr {
    let text = crate::text::compact(quote::quote!(#mac));
    let line = mac
        .path
        .segments
        .first()
        .map_or(0, |s| s.ident.span().start().line);
    let tag = syn::Ident::new(crate::awaits::TEXT, proc_macro2::Span::call_site());
    parse_quote!(#[#tag(#text, #line)] (async { #mac }).await)
}

impl VisitMut for Wrap {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e
            && awaiting(&m.mac) == Some(Awaiting::Joins)
        {
            *e = awaited(&m.mac);
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }

    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s
            && awaiting(&m.mac) == Some(Awaiting::Joins)
        {
            *s = Stmt::Expr(awaited(&m.mac), m.semi_token);
            return;
        }
        visit_mut::visit_stmt_mut(self, s);
    }

    fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
    fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
