//! Recursion. An `async fn` that awaits itself needs indirection, as in
//! rustc (`Box::pin(fib(n - 1)).await`). A lowered function returns
//! `impl Future`, whose hidden type may not contain itself even behind a box
//! (rustc's E0720), so the boxed recursive future is erased to
//! `Pin<Box<dyn Future<Output = R> + '_>>` where it is awaited. The price: a
//! recursive lowered future is not `Send`. A recursive call that is awaited
//! without the box is rejected with the fix spelled out.

use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};
use syn::{Expr, parse_quote};

/// Is `e` a call of the function being lowered (`name(..)`,
/// `Self::name(..)`, `self.name(..)`, `__self.name(..)`)?
fn is_self_call(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Call(c) => match &*c.func {
            Expr::Path(p) => {
                let segs = crate::names::path_names(&p.path);
                segs.last().map(String::as_str) == Some(name)
                    && (segs.len() == 1 || (segs.len() == 2 && segs[0] == "Self"))
            }
            _ => false,
        },
        Expr::MethodCall(m) => {
            m.method == name
                && matches!(&*m.receiver, Expr::Path(p) if p.path.is_ident("self") || p.path.is_ident("__self"))
        }
        Expr::Paren(p) => is_self_call(&p.expr, name),
        _ => false,
    }
}

fn boxed_self_call(e: &Expr, name: &str) -> bool {
    match e {
        Expr::Call(c) => {
            let boxing = matches!(&*c.func, Expr::Path(p)
                if p.path.segments.len() >= 2
                    && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "Box")
                    && p.path.segments.last().is_some_and(|s| s.ident == "pin"));
            boxing && c.args.len() == 1 && is_self_call(&c.args[0], name)
        }
        Expr::Paren(p) => boxed_self_call(&p.expr, name),
        _ => false,
    }
}

/// Reports each recursive call that is awaited without a box.
pub fn check(block: &syn::Block, name: &str, errors: &mut Vec<syn::Error>) {
    struct Check<'a> {
        name: &'a str,
        errors: &'a mut Vec<syn::Error>,
    }
    impl<'a> Visit<'a> for Check<'_> {
        fn visit_expr_await(&mut self, a: &'a syn::ExprAwait) {
            if is_self_call(&a.base, self.name) {
                self.errors.push(syn::Error::new(
                    a.base.span(),
                    format!(
                        "recursion in an `async fn` requires boxing: a future cannot contain \
                         itself; write `Box::pin({}).await`",
                        crate::text::compact(quote::ToTokens::to_token_stream(&a.base))
                    ),
                ));
            }
            syn::visit::visit_expr_await(self, a);
        }
        fn visit_item(&mut self, _: &'a syn::Item) {}
    }
    Check { name, errors }.visit_block(block);
}

/// Erases each boxed recursive future that is awaited.
pub fn erase(block: &mut syn::Block, name: &str, output: &syn::Type) {
    struct Erase<'a> {
        name: &'a str,
        output: &'a syn::Type,
    }
    impl VisitMut for Erase<'_> {
        fn visit_expr_await_mut(&mut self, a: &mut syn::ExprAwait) {
            visit_mut::visit_expr_await_mut(self, a);
            if boxed_self_call(&a.base, self.name) {
                let output = self.output;
                let base = std::mem::replace(&mut *a.base, parse_quote!(()));
                *a.base = crate::splice::expr(
                    quote::quote! {{
                        let boxed: ::core::pin::Pin<
                            ::std::boxed::Box<dyn ::core::future::Future<Output = #output> + '_>,
                        > = __lh_hole0;
                        boxed
                    }},
                    vec![base],
                );
            }
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    Erase { name, output }.visit_block_mut(block);
}
