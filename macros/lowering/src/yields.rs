//! `yield_!(v)` as a suspension point.
//!
//! Stable Rust rejects `yield` before any macro runs, so generators write
//! `yield_!(v)`. Before normalisation each one becomes an `.await` of a marker
//! call, `__lh_yield(v).await`, so that hoisting, liveness, resumption and
//! numbering treat it exactly like an `.await` (it *is* a suspension point).
//! The emitter recognises the marker and writes a yield instead: evaluate
//! `v`, store what stays alive, return `Ready(Some(v))`. Resuming continues
//! with `()` as the value of `yield_!(v)`.

use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

const MARKER: &str = "__lh_yield";

/// Rewrites every `yield_!(v)` of the body into `__lh_yield(v).await`.
pub fn mark(block: &mut syn::Block) {
    struct Mark;
    impl VisitMut for Mark {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            if let Expr::Macro(m) = e
                && crate::validate::is_yield(&m.mac)
            {
                let value: Expr = m.mac.parse_body().unwrap_or_else(|_| parse_quote!(()));
                let marker = proc_macro2::Ident::new(MARKER, proc_macro2::Span::call_site());
                let mut call: Expr = parse_quote!(#marker(()));
                if let Expr::Call(c) = &mut call {
                    c.args[0] = value;
                }
                let mut awaited: syn::ExprAwait = parse_quote!(__lh_placeholder.await);
                // Errors and docs point at the user's `yield_!`.
                awaited.await_token.span = m.mac.bang_token.span;
                awaited.base = Box::new(call);
                awaited.attrs = m.attrs.clone();
                *e = Expr::Await(awaited);
            }
            visit_mut::visit_expr_mut(self, e);
        }
        fn visit_stmt_mut(&mut self, s: &mut syn::Stmt) {
            if let syn::Stmt::Macro(m) = s
                && crate::validate::is_yield(&m.mac)
            {
                let expr = Expr::Macro(syn::ExprMacro {
                    attrs: m.attrs.clone(),
                    mac: m.mac.clone(),
                });
                *s = syn::Stmt::Expr(expr, m.semi_token);
            }
            visit_mut::visit_stmt_mut(self, s);
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    Mark.visit_block_mut(block);
}

/// The yielded value, if this suspension point is a `yield_!`.
pub fn yielded(base: &Expr) -> Option<&Expr> {
    match base {
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) if p.path.is_ident(MARKER) && c.args.len() == 1 => c.args.first(),
            _ => None,
        },
        _ => None,
    }
}

/// For the native check: `yield_!(v)` becomes an await that consumes `v` as
/// a value of the item type (`item`, with `_` for any `impl Trait` in it),
/// so that `v` infers as it does in the generator.
pub fn as_native_awaits(block: &mut syn::Block, item: &syn::Type) {
    struct Native<'a>(&'a syn::Type);
    impl VisitMut for Native<'_> {
        fn visit_expr_mut(&mut self, e: &mut Expr) {
            visit_mut::visit_expr_mut(self, e);
            if let Expr::Await(a) = e
                && let Some(v) = yielded(&a.base)
            {
                let item = self.0;
                *e = crate::splice::expr(
                    quote::quote!({
                        ::longhand::__private::yielded::<#item>(__lh_hole0);
                        ::core::future::ready(()).await
                    }),
                    vec![v.clone()],
                );
            }
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    mark(block);
    Native(item).visit_block_mut(block);
}
