//! Recursion. An `async fn` that awaits itself needs indirection, as in
//! rustc (`Box::pin(fib(n - 1)).await`). A lowered function returns
//! `impl Future`, whose hidden type may not contain itself even behind a box
//! (rustc's E0720): the state enum's type arguments would name the boxed
//! future, whose own state names the first. So would two functions that
//! await each other (`even` awaiting `Box::pin(odd(n - 1))`, `odd` awaiting
//! `even(n - 1)`), which no single function can see. rustc's own coroutine
//! does not show the types it holds across an await (its witness) in its
//! type, so an awaited boxed call is made inside a native `async` block,
//! awaited where it was: `(|a| async move { Box::pin(odd(a)).await })(n -
//! 1).await`. The arguments are evaluated where they were written and
//! passed to a closure called at once (a `&mut` argument is reborrowed, as
//! in a call); the block makes the call when first polled, in the same poll
//! (nothing happens in between), and keeps the boxed future out of the
//! state's type, so `Send` follows the boxed future as in rustc. A method
//! is called as `Self::m(receiver, ..)`. A recursive call that is awaited
//! without the box is rejected with the fix spelled out.

use crate::names::hidden;
use quote::ToTokens;
use syn::Expr;
use syn::spanned::Spanned;
use syn::visit::Visit;
use syn::visit_mut::{self, VisitMut};

/// Is `e` a call of the function being lowered (`name(..)`,
/// `Self::name(..)`, `self.name(..)`, `__lh_self.name(..)`)?
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
        Expr::MethodCall(m) => m.method == name && is_self(&m.receiver),
        Expr::Paren(p) => is_self_call(&p.expr, name),
        _ => false,
    }
}

/// The function being lowered, as far as a boxed call needs it.
struct Own {
    name: String,
    /// Its receiver: `&self`, `&mut self` or `self` (`None` for a free
    /// function).
    receiver: Option<Receiver>,
}

#[derive(Clone, Copy)]
enum Receiver {
    Shared,
    Mutable,
    Value,
}

/// Is `e` the function's `self` (`__lh_self` once normalised)?
fn is_self(e: &Expr) -> bool {
    matches!(e, Expr::Path(p) if p.path.is_ident("self") || p.path.is_ident("__lh_self"))
}

/// If `e` is `Box::pin(call)` for a call of a function, of a method of
/// `self`, or of the method being lowered on another value
/// (`Box::pin(odd(n - 1))`, `Box::pin(self.sum())`, `Box::pin(kid.size())`),
/// the ways recursion, direct or mutual, is boxed: the `Box::pin` path and
/// the call.
fn boxed_call<'e>(e: &'e Expr, own: &Own) -> Option<(&'e Expr, &'e Expr)> {
    match e {
        Expr::Call(c) => {
            let boxing = matches!(&*c.func, Expr::Path(p)
                if p.path.segments.len() >= 2
                    && p.path.segments.iter().rev().nth(1).is_some_and(|s| s.ident == "Box")
                    && p.path.segments.last().is_some_and(|s| s.ident == "pin"));
            let call = match c.args.first()? {
                Expr::Call(inner) => matches!(&*inner.func, Expr::Path(_)),
                Expr::MethodCall(m) => {
                    is_self(&m.receiver) || (m.method == own.name && own.receiver.is_some())
                }
                _ => false,
            };
            (boxing && call && c.args.len() == 1).then(|| (&*c.func, &c.args[0]))
        }
        Expr::Paren(p) => boxed_call(&p.expr, own),
        _ => None,
    }
}

/// `(|a0, ..| async move { Box::pin(f(a0, ..)).await })(args..)` for
/// `Box::pin(f(args..))`. A method is called as `Self::m(s, ..)`: on `self`
/// with `self` itself; on another value (the method being lowered) with
/// that value borrowed as the method's receiver is (`&kid`, which derefs
/// from `&&Node` or `&Box<Node>` as a method call would; `&mut *kid`).
fn hidden_call(boxing: &Expr, call: &Expr, own: &Own) -> Expr {
    let (callee, receiver, args) = match call {
        Expr::Call(c) => (c.func.to_token_stream(), None, &c.args),
        Expr::MethodCall(m) => {
            let (method, turbofish) = (&m.method, &m.turbofish);
            let callee = quote::quote_spanned!(m.method.span()=> Self::#method #turbofish);
            let value = (*m.receiver).clone();
            let receiver = match own.receiver {
                _ if is_self(&value) => value,
                Some(Receiver::Shared) => {
                    crate::splice::expr(quote::quote!(&__lh_hole0), vec![value])
                }
                Some(Receiver::Mutable) => {
                    crate::splice::expr(quote::quote!(&mut *__lh_hole0), vec![value])
                }
                Some(Receiver::Value) | None => value,
            };
            (callee, Some(receiver), &m.args)
        }
        _ => unreachable!("boxed_call returns calls"),
    };
    let receiver_param = receiver.as_ref().map(|_| hidden("__lh_self"));
    let params: Vec<_> = receiver_param
        .iter()
        .cloned()
        .chain((0..args.len()).map(|k| hidden(&format!("__lh_a{k}"))))
        .collect();
    let holes = receiver
        .into_iter()
        .chain(args.iter().cloned())
        .enumerate()
        .map(|(k, e)| {
            let hole = hidden(&format!("__lh_hole{k}"));
            (quote::quote!(#hole), e)
        });
    let (hole_tokens, values): (Vec<_>, Vec<_>) = holes.unzip();
    // Of the macro (so that lints about the shape, `redundant_closure_call`,
    // stay quiet), located at the user's call for messages.
    let span = proc_macro2::Span::mixed_site().located_at(call.span());
    crate::splice::expr(
        quote::quote_spanned! {span=>
            (|#(#params),*| async move { #boxing(#callee(#(#params),*)).await })(#(#hole_tokens),*)
        },
        values,
    )
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

/// Hides each boxed call that is awaited inside a native `async` block
/// (see the module's header).
pub fn hide(block: &mut syn::Block, sig: &syn::Signature) {
    struct Hide(Own);
    impl VisitMut for Hide {
        fn visit_expr_await_mut(&mut self, a: &mut syn::ExprAwait) {
            visit_mut::visit_expr_await_mut(self, a);
            if let Some((boxing, call)) = boxed_call(&a.base, &self.0) {
                *a.base = hidden_call(boxing, call, &self.0);
            }
        }
        fn visit_macro_mut(&mut self, m: &mut syn::Macro) {
            crate::macro_args::edit(m, |args| {
                args.args.iter_mut().for_each(|a| self.visit_expr_mut(a))
            });
        }
        fn visit_expr_closure_mut(&mut self, _: &mut syn::ExprClosure) {}
        fn visit_expr_async_mut(&mut self, _: &mut syn::ExprAsync) {}
        fn visit_item_mut(&mut self, _: &mut syn::Item) {}
    }
    let receiver = sig.receiver().map(|r| match (&r.reference, &r.mutability) {
        (Some(_), Some(_)) => Receiver::Mutable,
        (Some(_), None) => Receiver::Shared,
        (None, _) => Receiver::Value,
    });
    let own = Own {
        name: sig.ident.to_string(),
        receiver,
    };
    Hide(own).visit_block_mut(block);
}
