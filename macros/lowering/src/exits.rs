//! A body's exits, `return v` and `e?`, written as `break`s to the label of
//! the block they leave: the function's body (`'__lh_body`, whose value
//! ends the state machine) or an `async` block lowered in place (see
//! `async_blocks`). `?` is spelled out as rustc desugars it, through
//! `Try::branch` and `FromResidual::from_residual`.

use crate::names::hidden;
use quote::quote;
use syn::Expr;

/// `return value` leaving the block labeled `label`: `break 'label (value)`.
pub fn return_to(label: &syn::Lifetime, value: Expr) -> Expr {
    crate::splice::expr(quote!(break #label (__lh_hole0)), vec![value])
}

/// Points the user's `break` (with or without a value) at `label`. A value
/// that starts like a label or a path from the crate root (`break
/// ::limits::MAX`) is put in parentheses: after a label, `'l ::x` would read
/// as a labeled expression. So is an unlabelled block or loop: the user's
/// `break { .. }` as `break 'l { .. }` trips rustc's
/// `break_with_label_and_loop` lint, which no `#[allow]` in the expansion
/// reaches (the parser reports it).
pub fn break_to(b: &mut syn::ExprBreak, label: &syn::Lifetime) {
    b.label = Some(label.clone());
    let unlabelled_block = |v: &Expr| match v {
        Expr::Block(b) => b.label.is_none(),
        Expr::Loop(l) => l.label.is_none(),
        Expr::While(w) => w.label.is_none(),
        Expr::ForLoop(f) => f.label.is_none(),
        _ => false,
    };
    let starts_with_label = |v: &Expr| {
        matches!(
            quote::ToTokens::to_token_stream(v).into_iter().next(),
            Some(proc_macro2::TokenTree::Punct(p)) if matches!(p.as_char(), ':' | '\'')
        )
    };
    if let Some(v) = &mut b.expr
        && (starts_with_label(v) || unlabelled_block(v))
    {
        let inner = std::mem::replace(&mut **v, Expr::Verbatim(Default::default()));
        **v = crate::splice::expr(quote!((__lh_hole0)), vec![inner]);
    }
}

/// `inner?` leaving the block labeled `label` with the residual.
pub fn try_to(label: &syn::Lifetime, inner: Expr) -> Expr {
    let v = hidden("__lh_value");
    let r = hidden("__lh_residual");
    crate::splice::expr(
        quote! {
            match ::longhand::__private::Try::branch(__lh_hole0) {
                ::longhand::__private::ControlFlow::Continue(#v) => #v,
                ::longhand::__private::ControlFlow::Break(#r) => {
                    break #label (::longhand::__private::FromResidual::from_residual(#r))
                }
            }
        },
        vec![inner],
    )
}
