//! Macros that `.await` inside their own expansion: `join!` and `try_join!`
//! (longhand's runtime, tokio, futures), `select!`, `pending!`, `poll!`.
//!
//! longhand cannot expand a macro, so it cannot see the `.await` such a call
//! expands to, and that `.await` would land in the poll closure, which is not
//! `async`. A `join!` whose arguments are plain expressions is lowered as
//! one suspension point instead: `join!(a(), b())` becomes
//! `__lh_join0(a(), b()).await`, with a helper the function declares once:
//!
//! ```text
//! async fn __lh_join0<A0: IntoFuture, A1: IntoFuture>(a0: A0, a1: A1) -> (A0::Output, A1::Output) {
//!     join!(a0.into_future(), a1.into_future())
//! }
//! ```
//!
//! The helper runs the macro as written, on the futures its arguments made
//! (the helper is polled as soon as it is built, so they start at once), and
//! the arguments are ordinary expressions the lowering sees, rewrites and
//! keeps alive. One helper, not an `async` block at the call: code that two
//! paths reach is written out once per path, and two `async` blocks would
//! be two types. `try_join!`'s helper returns `Result<(T0, T1), E>`.
//!
//! `tokio::select!` is raced by a helper too, its handlers left in the body
//! (see `select_macro`). The others (`futures::select!`, whose futures are
//! borrowed in place and fused, `pending!`, `poll!`) await something
//! longhand cannot name; when their path names an async crate they are
//! rejected with a message (see `validate`).

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, Macro, Stmt, parse_quote};

/// What a macro call that awaits in its expansion needs.
pub enum Awaiting {
    /// `join!`-like, arguments readable: lowered as one `.await`.
    Joins,
    /// `tokio::select!` in tokio's syntax, parsed: raced by a helper, its
    /// handlers kept in the body (see `select_macro`).
    Select(Box<crate::select_macro::Select>),
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
        "select" => match crate::select_macro::parse(mac) {
            Some(select) => Some(Awaiting::Select(Box::new(select))),
            None => async_crate.then_some(Awaiting::Opaque),
        },
        "join" | "try_join" | "select_biased" | "pending" | "poll" if async_crate => {
            Some(Awaiting::Opaque)
        }
        _ => None,
    }
}

/// Replaces each `join!`-like call and `tokio::select!` in async code (the
/// body's own, and that of its `async` blocks and `async` closures, not of
/// plain closures or nested items) by an awaited helper call; returns the
/// helpers, for the function to declare.
///
/// Inside an `async` block the helper's `.await` is the block's own, rustc
/// lowers it with the block; what longhand gains is code it can read, so
/// that the locals the macro names can be renamed, pinned or kept like any
/// others, rather than handed to it as references (see `macro_aliases`).
/// A block awaited where it is written is then inlined (`async_blocks`),
/// and its helper's `.await` suspends the function.
pub fn wrap(block: &mut syn::Block) -> Vec<Stmt> {
    let mut w = Wrap {
        helpers: Vec::new(),
        selects: 0,
        in_async: true,
    };
    w.visit_block_mut(block);
    w.helpers
}

struct Wrap {
    helpers: Vec<Stmt>,
    /// `select!` helpers so far (they are numbered on their own).
    selects: usize,
    /// In code that may `.await` (not in a plain closure).
    in_async: bool,
}

impl Wrap {
    /// `__lh_joinN(a, b).await`, described (for the state's documentation
    /// and transition tracing) as the user wrote it: `join!(a, b)`; the
    /// helper goes to `helpers`.
    fn awaited(&mut self, mac: &Macro) -> Expr {
        let args = crate::macro_args::parse(mac)
            .map(|a| a.args.into_iter().collect::<Vec<_>>())
            .unwrap_or_default();
        let helper = crate::names::hidden(&format!("__lh_join{}", self.helpers.len()));
        self.helpers.push(join_helper(
            &helper,
            &mac.path,
            args.len(),
            crate::macro_args::name(mac),
        ));
        described(mac, crate::text::compact(quote::quote!(#mac)))(parse_quote!(#helper(#(#args),*)))
    }

    /// A `tokio::select!`, raced by a helper (see `select_macro`); its
    /// handlers, now the body's code, may hold more such calls.
    fn selected(&mut self, mac: &Macro, select: crate::select_macro::Select) -> Expr {
        let text = select.describe(mac);
        let (mut e, items) = select.lower(mac, self.selects, described(mac, text));
        self.selects += 1;
        self.helpers.extend(items);
        self.visit_expr_mut(&mut e);
        e
    }

    /// What replaces a call of `mac`, if it awaits and can be lowered.
    fn lowered(&mut self, mac: &Macro) -> Option<Expr> {
        if !self.in_async {
            return None;
        }
        match awaiting(mac)? {
            Awaiting::Joins => Some(self.awaited(mac)),
            Awaiting::Select(select) => Some(self.selected(mac, *select)),
            Awaiting::Opaque => None,
        }
    }
}

/// Makes a helper's call the `.await` of the user's call `mac`, described as
/// `text` (for the state's documentation and transition tracing).
fn described(mac: &Macro, text: String) -> impl FnOnce(Expr) -> Expr {
    let line = mac
        .path
        .segments
        .first()
        .map_or(0, |s| s.ident.span().start().line);
    let tag = syn::Ident::new(crate::awaits::TEXT, proc_macro2::Span::call_site());
    move |call| parse_quote!(#[#tag(#text, #line)] #call.await)
}

/// `async fn helper<A0: IntoFuture, ..>(a0: A0, ..) -> (A0::Output, ..)`
/// running `path!(a0.into_future(), ..)`; for `try_join`, each `A` gives
/// `Result<T, E>` and the helper `Result<(T0, ..), E>`.
fn join_helper(helper: &syn::Ident, path: &syn::Path, n: usize, name: String) -> Stmt {
    let tys: Vec<syn::Ident> = (0..n).map(|i| quote::format_ident!("__A{i}")).collect();
    let args: Vec<syn::Ident> = (0..n).map(|i| quote::format_ident!("__a{i}")).collect();
    let futures = args
        .iter()
        .map(|a| quote::quote!(::core::future::IntoFuture::into_future(#a)));
    let body = quote::quote!(#path!(#(#futures),*));
    let item: syn::ItemFn = if name == "try_join" {
        let oks: Vec<syn::Ident> = (0..n).map(|i| quote::format_ident!("__T{i}")).collect();
        parse_quote! {
            async fn #helper<#(#oks,)* __E, #(#tys: ::core::future::IntoFuture<Output = ::core::result::Result<#oks, __E>>),*>(
                #(#args: #tys),*
            ) -> ::core::result::Result<(#(#oks,)*), __E> {
                #body
            }
        }
    } else {
        parse_quote! {
            async fn #helper<#(#tys: ::core::future::IntoFuture),*>(#(#args: #tys),*) -> (#(#tys::Output,)*) {
                #body
            }
        }
    };
    Stmt::Item(syn::Item::Fn(item))
}

impl VisitMut for Wrap {
    fn visit_expr_mut(&mut self, e: &mut Expr) {
        if let Expr::Macro(m) = e
            && let Some(lowered) = self.lowered(&m.mac)
        {
            *e = lowered;
            return;
        }
        visit_mut::visit_expr_mut(self, e);
    }

    fn visit_stmt_mut(&mut self, s: &mut Stmt) {
        if let Stmt::Macro(m) = s
            && let Some(lowered) = self.lowered(&m.mac)
        {
            *s = Stmt::Expr(lowered, m.semi_token);
            return;
        }
        visit_mut::visit_stmt_mut(self, s);
    }

    fn visit_expr_closure_mut(&mut self, c: &mut syn::ExprClosure) {
        let outer = std::mem::replace(&mut self.in_async, c.asyncness.is_some());
        visit_mut::visit_expr_closure_mut(self, c);
        self.in_async = outer;
    }
    fn visit_expr_async_mut(&mut self, a: &mut syn::ExprAsync) {
        let outer = std::mem::replace(&mut self.in_async, true);
        visit_mut::visit_expr_async_mut(self, a);
        self.in_async = outer;
    }
    fn visit_item_mut(&mut self, _: &mut syn::Item) {}
}
